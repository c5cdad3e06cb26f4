-- :checkhealth mdpost — what works, what does not, and how to fix it.
local M = {}

function M.check()
  local h = require('mdpost.compat').health()
  local native = require('mdpost.native')

  h.start('mdpost: Neovim')
  local v = vim.version()
  local vs = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7.2') == 1 then
    h.ok('Neovim ' .. vs)
  else
    h.error('Neovim ' .. vs .. ' is too old', { 'mdpost needs Neovim 0.7.2 or newer' })
  end
  local has_ffi = pcall(require, 'ffi')
  if jit and has_ffi then
    h.ok('LuaJIT with FFI: ' .. tostring(jit.version))
  else
    h.error('no LuaJIT FFI in this Neovim', { 'use a Neovim built with LuaJIT (Debian and upstream builds are)' })
  end

  h.start('mdpost: library')
  native.reset()
  local lib, err = native.load()
  if not lib then
    h.error(err, {
      'build it: cd ' .. native.root() .. ' && make',
      'missing libraries? make deps (as root) installs them',
      'or point vim.g.mdpost_library at a built libmdpost.so',
    })
  else
    h.ok(('%s (ABI %d)'):format(native.path(), native.ABI))
    local versions = native.versions()
    if versions then
      local names = vim.tbl_keys(versions)
      table.sort(names)
      for _, name in ipairs(names) do
        h.info(name .. ' ' .. tostring(versions[name]))
      end
    end
  end
  local cli = native.root() .. '/build/mdpost'
  if vim.fn.executable(cli) == 1 then
    h.ok('CLI: ' .. cli)
  else
    h.warn('CLI missing: ' .. cli, { 'run make in ' .. native.root() .. ' (:FrontMatterCheck! needs it)' })
  end

  h.start('mdpost: site')
  if lib then
    -- :checkhealth may already show its own buffer: look at the post before it.
    local file = vim.api.nvim_buf_get_name(0)
    if vim.bo.filetype ~= 'markdown' and vim.fn.bufnr('#') > 0 then
      file = vim.api.nvim_buf_get_name(vim.fn.bufnr('#'))
    end
    local from = file ~= '' and file or vim.fn.getcwd()
    local site, serr = native.site(from)
    local info = site and site.info or {}
    if not site then
      h.error(serr)
    elseif info.found then
      h.ok(('%s site at %s (%s)'):format(info.generator, info.root, info.config))
      h.info(('preset %s, schema %s, heading ids %s, timeZone %s'):format(
        info.preset, info.schema, info.anchors, info.timezone))
      for _, p in ipairs(info.problems or {}) do
        h.warn(p, { 'fix the file; until then mdpost ignores that setting' })
      end
    else
      h.info('no site around ' .. from .. ' (open a post inside a Hugo, Jekyll or Zola site)')
    end
  else
    h.warn('site detection needs the library')
  end
end

return M
