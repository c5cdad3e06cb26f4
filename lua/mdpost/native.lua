-- The only file that touches LuaJIT's FFI. It finds build/libmdpost.so,
-- checks its ABI and wraps each call. It never throws: failures come back
-- as nil plus a one-line reason that commands show and :checkhealth
-- explains.
local M = {}

-- Must equal MDPOST_ABI_VERSION in csrc/mdpost.h.
M.ABI = 5

local CDEF = [[
typedef struct mdpost_result { char *data; size_t len; char *error; } mdpost_result;
typedef struct mdpost_site mdpost_site;
typedef struct mdpost_index mdpost_index;
int mdpost_abi_version(void);
const char *mdpost_version(void);
int mdpost_versions(mdpost_result *out);
int mdpost_site_open(mdpost_site **site, mdpost_result *err, const char *path, size_t path_len);
void mdpost_site_free(mdpost_site *site);
int mdpost_site_info(mdpost_result *out, const mdpost_site *site);
int mdpost_index_new(mdpost_index **index, mdpost_result *err, const mdpost_site *site, int background);
int mdpost_index_ready(const mdpost_index *index);
size_t mdpost_index_pages(const mdpost_index *index);
void mdpost_index_free(mdpost_index *index);
int mdpost_check(mdpost_result *out, const mdpost_site *site, const mdpost_index *index, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_links(mdpost_result *out, const mdpost_site *site, const mdpost_index *index, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_frontmatter(mdpost_result *out, const mdpost_site *site, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_headings(mdpost_result *out, const mdpost_site *site, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_render(mdpost_result *out, const mdpost_site *site, const mdpost_index *index, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_folds(mdpost_result *out, const mdpost_site *site, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_site_find(mdpost_result *out, const char *path, size_t path_len);
typedef struct mdpost_doc mdpost_doc;
int mdpost_doc_new(mdpost_doc **doc, mdpost_result *err);
void mdpost_doc_free(mdpost_doc *doc);
int mdpost_doc_check(mdpost_result *out, mdpost_doc *doc, const mdpost_site *site, const mdpost_index *index, const char *src, size_t len, const char *opts, size_t opts_len);
int mdpost_doc_folds(mdpost_result *out, mdpost_doc *doc, const char *src, size_t len, const char *opts, size_t opts_len);
void mdpost_result_free(mdpost_result *r);
]]

local lib, load_error, lib_path

--- The plugin's root directory (holds lua/, plugin/, build/).
function M.root()
  local src = debug.getinfo(1, 'S').source:sub(2)
  return vim.fn.fnamemodify(src, ':p:h:h:h')
end

function M.default_path()
  return M.root() .. '/build/libmdpost.so'
end

local function configured_path()
  local g = vim.g.mdpost_library
  if type(g) == 'string' and g ~= '' then
    return g
  end
  local ok, cfg = pcall(function()
    return require('mdpost.config').get().library
  end)
  if ok and type(cfg) == 'string' and cfg ~= '' then
    return cfg
  end
  return M.default_path()
end

local function try_load()
  lib_path = configured_path()
  local has_ffi, ffi = pcall(require, 'ffi')
  if not has_ffi then
    return nil, 'this Neovim has no LuaJIT FFI (mdpost needs a LuaJIT build of Neovim)'
  end
  -- ffi.cdef raises when the types are already defined (e.g. after a reload).
  pcall(ffi.cdef, CDEF)
  if vim.fn.filereadable(lib_path) ~= 1 then
    return nil, ('library not built: %s is missing; run `make` in %s'):format(lib_path, M.root())
  end
  local ok, l = pcall(ffi.load, lib_path)
  if not ok then
    return nil, ('cannot load %s (%s); run `make` in %s'):format(lib_path, tostring(l), M.root())
  end
  local okabi, abi = pcall(function()
    return l.mdpost_abi_version()
  end)
  if not okabi then
    return nil, ('%s is not an mdpost library; run `make` in %s'):format(lib_path, M.root())
  end
  if abi ~= M.ABI then
    return nil, ('library is stale: ABI %d, the plugin wants %d; run `make` in %s'):format(
      tonumber(abi), M.ABI, M.root())
  end
  return l
end

--- The loaded library, or nil and a one-line reason.
function M.load()
  if lib then
    return lib
  end
  if load_error then
    return nil, load_error
  end
  lib, load_error = try_load()
  return lib, load_error
end

--- Forgets a failed load, so the next call tries again (after `make`).
function M.reset()
  if not lib then
    load_error = nil
  end
end

function M.path()
  return lib_path or configured_path()
end

local function encode_opts(opts)
  if not opts or next(opts) == nil then
    return nil, 0
  end
  local s = vim.mpack.encode(opts)
  return s, #s
end

-- Runs fn(out, ...) and returns its payload (raw) or nil, error.
local function call(name, ...)
  local l, err = M.load()
  if not l then
    return nil, err
  end
  local ffi = require('ffi')
  local out = ffi.new('mdpost_result[1]')
  local rc = l[name](out, ...)
  local data, msg
  if rc == 0 then
    data = ffi.string(out[0].data, out[0].len)
  else
    msg = out[0].error ~= nil and ffi.string(out[0].error) or ('error ' .. tonumber(rc))
  end
  l.mdpost_result_free(out)
  if not data then
    return nil, msg
  end
  return data
end

local function decode(data, err)
  if not data then
    return nil, err
  end
  local ok, v = pcall(vim.mpack.decode, data)
  if not ok then
    return nil, 'malformed result from the library: ' .. tostring(v)
  end
  return v
end

local function text_call(name, text, opts, site)
  local o, olen = encode_opts(opts)
  return call(name, site and site.ptr or nil, text, #text, o, olen)
end

local function index_call(name, text, opts, site)
  local o, olen = encode_opts(opts)
  local ptr = site and site.ptr or nil
  local index = site and site.index or nil
  return call(name, ptr, index, text, #text, o, olen)
end

--- Diagnostics and front matter summary of a post's text. `site` is a
--- value from M.site() or nil; links into the site are checked once its
--- index is ready (M.site starts it).
function M.check(text, opts, site)
  return decode(index_call('mdpost_check', text, opts, site))
end

-- Buffers' kept documents (mdpost_doc): each check re-parses only what
-- changed since the buffer's last one.
local docs = {}

local function doc_of(buf)
  if docs[buf] then
    return docs[buf]
  end
  local l = M.load()
  if not l then
    return nil
  end
  local ffi = require('ffi')
  local out = ffi.new('mdpost_doc*[1]')
  if l.mdpost_doc_new(out, nil) ~= 0 then
    return nil
  end
  docs[buf] = ffi.gc(out[0], l.mdpost_doc_free)
  return docs[buf]
end

--- M.check for the text of buffer `buf`, incrementally.
function M.check_buffer(buf, text, opts, site)
  local doc = doc_of(buf)
  if not doc then
    return M.check(text, opts, site)
  end
  local o, olen = encode_opts(opts)
  return decode(call('mdpost_doc_check', doc, site and site.ptr or nil, site and site.index or nil,
    text, #text, o, olen))
end

--- M.folds for the text of buffer `buf`, from its kept document.
function M.folds_buffer(buf, text)
  local doc = doc_of(buf)
  if not doc then
    return M.folds(text)
  end
  return decode(call('mdpost_doc_folds', doc, text, #text, nil, 0))
end

--- Lets go of a buffer's kept document.
function M.forget_buffer(buf)
  local doc = docs[buf]
  docs[buf] = nil
  if doc then
    local ffi = require('ffi')
    ffi.gc(doc, nil)
    M.load().mdpost_doc_free(doc)
  end
end

--- Every link of the post with its verdict.
function M.links(text, opts, site)
  return decode(index_call('mdpost_links', text, opts, site))
end

function M.frontmatter(text, opts, site)
  return decode(text_call('mdpost_frontmatter', text, opts, site))
end

function M.headings(text, opts, site)
  return decode(text_call('mdpost_headings', text, opts, site))
end

--- 'foldexpr' values, one a line.
function M.folds(text, opts, site)
  return decode(text_call('mdpost_folds', text, opts, site))
end

--- HTML of the body (a string). opts: sourcepos, asset_base, standalone,
--- css, unsafe, path (see mdpost_render in csrc/mdpost.h).
function M.render(text, opts, site)
  return index_call('mdpost_render', text, opts, site)
end

function M.versions()
  return decode(call('mdpost_versions'))
end

--- {root, generator, config} of the site holding path, or vim.NIL.
function M.site_find(path)
  return decode(call('mdpost_site_find', path, #path))
end

-- Open sites by root: their config files are read once, not per keystroke.
-- Roots by post path too: finding one walks up the directories (stat calls),
-- which the check on every pause in typing must not repeat.
local sites, roots = {}, {}

--- The site around `path` as { ptr, info }, opened once and cached; nil
--- and a reason when the library is unavailable. A path outside any site
--- gives a site without root (only syntax is checked there).
function M.site(path)
  local l, err = M.load()
  if not l then
    return nil, err
  end
  local root = path and roots[path]
  if not root then
    local found = path and M.site_find(path) or nil
    root = (type(found) == 'table' and found.root) or ''
    if path then
      roots[path] = root
    end
  end
  if sites[root] then
    return sites[root]
  end
  local ffi = require('ffi')
  local pp = ffi.new('mdpost_site*[1]')
  local res = ffi.new('mdpost_result[1]')
  local rc = l.mdpost_site_open(pp, res, root, #root)
  local msg = rc ~= 0 and res[0].error ~= nil and ffi.string(res[0].error) or nil
  l.mdpost_result_free(res)
  if rc ~= 0 then
    return nil, msg or ('cannot open the site (' .. tonumber(rc) .. ')')
  end
  local ptr = ffi.gc(pp[0], l.mdpost_site_free)
  local info = decode(call('mdpost_site_info', ptr)) or {}
  local site = { ptr = ptr, info = info, root = root }
  if info.found then
    site.index = M.new_index(site)
  end
  sites[root] = site
  return site
end

--- Starts building an index of the site on a thread of the library; the
--- editor polls it (M.index_ready) and never waits.
function M.new_index(site)
  local l = M.load()
  if not l then
    return nil
  end
  local ffi = require('ffi')
  local ip = ffi.new('mdpost_index*[1]')
  local res = ffi.new('mdpost_result[1]')
  local index
  local ptr = site.ptr
  if l.mdpost_index_new(ip, res, ptr, 1) == 0 then
    -- The closure keeps the site alive until its index is freed.
    index = ffi.gc(ip[0], function(x)
      l.mdpost_index_free(x)
      local _ = ptr
    end)
  end
  l.mdpost_result_free(res)
  return index
end

--- After a post was written: build a fresh index beside the current one,
--- which stays in use until the new one is ready (M.swap_index).
function M.refresh_index(site)
  if site and site.info and site.info.found then
    site.next_index = M.new_index(site)
  end
end

--- Puts a finished fresh index in place; true when it did.
function M.swap_index(site)
  local l = M.load()
  if site.next_index and l and l.mdpost_index_ready(site.next_index) == 1 then
    site.index, site.next_index = site.next_index, nil
    return true
  end
  return false
end

--- Is the site's index built? (false while its thread still walks the site)
function M.index_ready(site)
  local l = M.load()
  return l ~= nil and site ~= nil and site.index ~= nil and l.mdpost_index_ready(site.index) == 1
end

function M.index_pages(site)
  local l = M.load()
  if not l or not site or not site.index then
    return 0
  end
  return tonumber(l.mdpost_index_pages(site.index))
end

--- The sites opened so far, by root.
function M.sites()
  return sites
end

--- Forgets opened sites (after their config files changed).
function M.forget_sites()
  sites, roots = {}, {}
end

return M
