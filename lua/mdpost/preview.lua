-- :PostPreview: the post's HTML in a split beside it, and a styled page in
-- the browser served by mdpost.server. Both re-render after a pause in
-- typing (a libuv timer) and follow the cursor through the data-line
-- attributes the renderer puts on block elements.
local compat = require('mdpost.compat')
local config = require('mdpost.config')
local native = require('mdpost.native')
local buffer = require('mdpost.buffer')
local server = require('mdpost.server')

local M = {}

local api = vim.api
local state = {}  -- source buf -> session (split and/or browser)
local srv         -- the server shared by every browser preview

local function notify(msg, level)
  vim.notify('mdpost: ' .. msg, level or vim.log.levels.ERROR)
end

-- ---- rendering --------------------------------------------------------------

-- A failure is said once, not after every pause in typing, until a render
-- succeeds again.
local function failed(st, err)
  if st.failed ~= err then
    st.failed = err
    notify(err)
  end
end

local function render(buf, extra)
  local cfg = config.get(buf)
  local site, err = native.site(buffer.path(buf))
  if not site then
    return nil, err
  end
  -- ref/relref resolve once the site's index is ready; previews re-render then.
  require('mdpost.diagnostics').when_indexed(site)
  local opts = buffer.options(buf, cfg)
  for k, v in pairs(extra) do
    opts[k] = v
  end
  local ok, html, rerr = pcall(native.render, buffer.text(buf), opts, site)
  if not ok then
    return nil, tostring(html)
  end
  return html, rerr, site
end

local function split_lines(html)
  local lines = vim.split(html, '\n', { plain = true })
  if #lines > 1 and lines[#lines] == '' then
    lines[#lines] = nil
  end
  return lines
end

--- (source line, preview line) of every line holding a data-line
--- attribute, in preview order; both 0-based.
local function anchors_of(lines)
  local list = {}
  for i, l in ipairs(lines) do
    local n = l:match('data%-line="(%d+)"')
    if n then
      list[#list + 1] = { tonumber(n), i - 1 }
    end
  end
  return list
end

--- The preview line (0-based) of the element whose source line is the
--- nearest at or above `line`; the first of equals (the outer element).
function M.target(anchors, line)
  local best, best_src
  for _, a in ipairs(anchors) do
    if a[1] <= line and (best_src == nil or a[1] > best_src) then
      best, best_src = a[2], a[1]
    end
  end
  return best
end

-- ---- the split ------------------------------------------------------------

local function post_name(buf)
  local path = api.nvim_buf_get_name(buf)
  if path == '' then
    return 'untitled'
  end
  local stem = vim.fn.fnamemodify(path, ':t:r')
  if stem == 'index' or stem == '_index' then
    -- A page bundle is named by its directory.
    stem = vim.fn.fnamemodify(path, ':p:h:t')
  end
  return stem
end

local function preview_win(st)
  if not (st.pbuf and api.nvim_buf_is_valid(st.pbuf)) then
    return nil
  end
  local win = vim.fn.bufwinid(st.pbuf)
  return win ~= -1 and win or nil
end

local function source_win(buf)
  local cur = api.nvim_get_current_win()
  if api.nvim_win_get_buf(cur) == buf then
    return cur
  end
  local win = vim.fn.bufwinid(buf)
  return win ~= -1 and win or nil
end

-- Replaces only the lines that changed: no flicker, the view stays.
local function set_lines(pbuf, old, new)
  local n, m = #old, #new
  local pre = 0
  while pre < n and pre < m and old[pre + 1] == new[pre + 1] do
    pre = pre + 1
  end
  local suf = 0
  while suf < n - pre and suf < m - pre and old[n - suf] == new[m - suf] do
    suf = suf + 1
  end
  local repl = {}
  for i = pre + 1, m - suf do
    repl[#repl + 1] = new[i]
  end
  compat.set_buf_option(pbuf, 'modifiable', true)
  api.nvim_buf_set_lines(pbuf, pre, n - suf, false, repl)
  compat.set_buf_option(pbuf, 'modifiable', false)
end

--- Keeps the preview window at the element of the source cursor's line,
--- at the same height in its window. The source window is not touched.
local function sync_split(buf, st)
  local pwin = preview_win(st)
  local swin = source_win(buf)
  if not pwin or not swin or not st.anchors or #st.anchors == 0 then
    return  -- without source lines (sourcepos off) the view is the user's
  end
  local line = api.nvim_win_get_cursor(swin)[1] - 1
  local target = M.target(st.anchors, line)
  if not target then
    target = 0
  end
  -- (nvim_win_call's own return value is not a number on 0.7.)
  local row
  api.nvim_win_call(swin, function()
    row = vim.fn.winline()
  end)
  api.nvim_win_call(pwin, function()
    local top = math.max(1, target + 2 - row)
    vim.fn.winrestview({ lnum = target + 1, col = 0, topline = top })
    -- Wrapped lines above take more rows than one: scroll on until the
    -- element is at the cursor's row (or at the top).
    while vim.fn.winline() > row and top <= target do
      top = top + 1
      vim.fn.winrestview({ lnum = target + 1, col = 0, topline = top })
    end
  end)
end

local function update_split(buf, st)
  if not (st.pbuf and api.nvim_buf_is_valid(st.pbuf)) then
    return
  end
  local html, err = render(buf, { sourcepos = config.get(buf).preview.sourcepos })
  if not html then
    return failed(st, err)
  end
  st.failed = nil
  if html ~= st.html then
    st.html = html
    local lines = split_lines(html)
    set_lines(st.pbuf, st.lines, lines)
    st.lines = lines
    st.anchors = anchors_of(lines)
  end
  sync_split(buf, st)
end

-- ---- the browser page -----------------------------------------------------

-- The page's live part: an event stream from the server; on "reload" it
-- fetches the page again and replaces only the nodes that changed (scroll
-- and images stay); on "scroll" it brings the element of the cursor's line
-- to the cursor's height. It reports what it applied to /ack.
local LIVE_SCRIPT = [[
<script id="mdpost-live">
(function () {
  'use strict';
  var base = location.pathname.replace(/[^\/]*$/, '');
  var version = %d, wanted = 0, busy = false, last = null;
  function ack(q) { fetch(base + 'ack?' + q, { cache: 'no-store' }).catch(function () {}); }
  function lines() {
    var all = document.querySelectorAll('[data-line]'), n = all.length;
    return 'n=' + n + '&last=' + (n ? all[n - 1].getAttribute('data-line') : -1);
  }
  function kept(n) { return !(n.nodeType === 1 && n.id === 'mdpost-live'); }
  function attrs(a, b) {
    var i;
    for (i = a.attributes.length - 1; i >= 0; i--)
      if (!b.hasAttribute(a.attributes[i].name)) a.removeAttribute(a.attributes[i].name);
    for (i = 0; i < b.attributes.length; i++)
      if (a.getAttribute(b.attributes[i].name) !== b.attributes[i].value)
        a.setAttribute(b.attributes[i].name, b.attributes[i].value);
  }
  function patch(cur, next, depth) {
    var a = Array.prototype.filter.call(cur.childNodes, kept);
    var b = Array.prototype.filter.call(next.childNodes, kept);
    var pre = 0, suf = 0, i;
    while (pre < a.length && pre < b.length && a[pre].isEqualNode(b[pre])) pre++;
    while (suf < a.length - pre && suf < b.length - pre &&
           a[a.length - 1 - suf].isEqualNode(b[b.length - 1 - suf])) suf++;
    var olds = a.slice(pre, a.length - suf), news = b.slice(pre, b.length - suf);
    var same = depth < 8 && olds.length === news.length;
    for (i = 0; same && i < olds.length; i++)
      same = olds[i].nodeType === 1 && olds[i].tagName === news[i].tagName;
    if (same) {
      for (i = 0; i < olds.length; i++) { attrs(olds[i], news[i]); patch(olds[i], news[i], depth + 1); }
      return;
    }
    var ref = suf > 0 ? a[a.length - suf] :
      olds.length ? olds[olds.length - 1].nextSibling : pre > 0 ? a[pre - 1].nextSibling : cur.firstChild;
    for (i = 0; i < news.length; i++) cur.insertBefore(document.importNode(news[i], true), ref);
    for (i = 0; i < olds.length; i++) cur.removeChild(olds[i]);
  }
  function scroll(s) {
    var all = document.querySelectorAll('[data-line]'), best = null, at = -1, i, n;
    for (i = 0; i < all.length; i++) {
      n = +all[i].getAttribute('data-line');
      if (n <= s.line && n > at) { best = all[i]; at = n; }
    }
    var y = best ? best.getBoundingClientRect().top + window.pageYOffset - s.ratio * window.innerHeight : 0;
    window.scrollTo(0, Math.max(0, y));
    ack('scroll=' + s.line + '&at=' + at + '&y=' + Math.round(window.pageYOffset));
  }
  function reload(v) {
    wanted = Math.max(wanted, v);
    if (busy || wanted <= version) return;
    busy = true;
    fetch(base, { cache: 'no-store' }).then(function (r) {
      var got = +r.headers.get('X-Mdpost-Version');
      return r.text().then(function (t) { return [got, t]; });
    }).then(function (x) {
      var doc = new DOMParser().parseFromString(x[1], 'text/html');
      patch(document.head, doc.head, 0);
      patch(document.body, doc.body, 0);
      version = x[0];
      ack('v=' + version + '&' + lines());
      if (last) scroll(last);
    }).catch(function () {}).then(function () {
      busy = false;
      if (wanted > version) reload(wanted);
    });
  }
  var es = new EventSource(base + 'events');
  es.addEventListener('reload', function (e) { reload(+e.data); });
  es.addEventListener('scroll', function (e) { last = JSON.parse(e.data); scroll(last); });
  es.addEventListener('bye', function () {
    es.close();
    var p = document.createElement('p');
    p.id = 'mdpost-closed';
    p.textContent = 'The preview was closed in Neovim.';
    p.style.cssText = 'position:fixed;top:0;left:0;right:0;margin:0;padding:.5em;background:#fee;text-align:center';
    document.body.appendChild(p);
  });
  ack('v=' + version + '&' + lines());
  // Which images the browser could show (broken links are the check's job).
  window.addEventListener('load', function () {
    var ok = [], bad = 0, imgs = document.images, i;
    for (i = 0; i < imgs.length; i++)
      if (imgs[i].complete && imgs[i].naturalWidth > 0) ok.push(new URL(imgs[i].src).pathname);
      else bad++;
    ack('load=' + encodeURIComponent(ok.join(' ')) + '&broken=' + bad);
  });
})();
</script>
]]

local function with_script(html, version)
  local script = LIVE_SCRIPT:format(version)
  -- Before the last </body>; a fragment gets it appended.
  local at
  local from = 1
  while true do
    local s = html:find('</body>', from, true)
    if not s then
      break
    end
    at, from = s, s + 1
  end
  if at then
    return html:sub(1, at - 1) .. script .. html:sub(at)
  end
  return html .. script
end

local function read_css(path)
  if type(path) ~= 'string' or path == '' then
    return nil
  end
  local f, err = io.open(vim.fn.expand(path), 'rb')
  if not f then
    return nil, 'cannot read the preview stylesheet: ' .. tostring(err)
  end
  local css = f:read('*a')
  f:close()
  return css
end

local function scroll_data(buf, st)
  local swin = source_win(buf)
  if not swin then
    return st.scroll
  end
  local line = api.nvim_win_get_cursor(swin)[1] - 1
  local ratio
  api.nvim_win_call(swin, function()
    ratio = (vim.fn.winline() - 1) / math.max(1, vim.fn.winheight(0))
  end)
  return ('{"line":%d,"ratio":%.3f}'):format(line, ratio)
end

local function update_browser(buf, st)
  local b = st.browser
  if not b then
    return
  end
  local html, err = render(buf, {
    sourcepos = true,
    standalone = true,
    asset_base = '/' .. b.token .. '/site/',
    css = b.css,
  })
  if not html then
    return failed(st, err)
  end
  st.failed = nil
  if html ~= b.html then
    b.html = html
    b.version = b.version + 1
    b.page = with_script(html, b.version)
    srv:send(b.token, 'reload', b.version)
  end
end

local function sync_browser(buf, st)
  local b = st.browser
  if not b then
    return
  end
  local data = scroll_data(buf, st)
  if data ~= st.scroll then
    st.scroll = data
    srv:send(b.token, 'scroll', data)
  end
end

-- ---- sessions --------------------------------------------------------------

local function refresh(buf)
  local st = state[buf]
  if not st or not api.nvim_buf_is_valid(buf) then
    return
  end
  local tick = api.nvim_buf_get_changedtick(buf)
  if st.tick ~= tick then
    st.tick = tick
    update_split(buf, st)
    update_browser(buf, st)
  end
  sync_browser(buf, st)
end

local function schedule(buf)
  local st = state[buf]
  if not st then
    return
  end
  st.timer:stop()
  st.timer:start(config.get(buf).preview.debounce_ms, 0, vim.schedule_wrap(function()
    refresh(buf)
  end))
end

local function end_session(buf, st)
  state[buf] = nil
  st.timer:stop()
  if not st.timer:is_closing() then
    st.timer:close()
  end
  pcall(api.nvim_del_augroup_by_name, 'mdpost_preview_' .. buf)
end

local global_group

local function session(buf)
  if state[buf] then
    return state[buf]
  end
  local st = { timer = compat.uv.new_timer(), lines = { '' } }
  state[buf] = st
  local group = api.nvim_create_augroup('mdpost_preview_' .. buf, { clear = true })
  api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, {
    group = group,
    buffer = buf,
    callback = function()
      schedule(buf)
    end,
  })
  api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI' }, {
    group = group,
    buffer = buf,
    callback = function()
      local s = state[buf]
      if s and s.tick == api.nvim_buf_get_changedtick(buf) then
        sync_split(buf, s)
        sync_browser(buf, s)
      end
    end,
  })
  api.nvim_create_autocmd({ 'BufUnload', 'BufDelete', 'BufWipeout' }, {
    group = group,
    buffer = buf,
    callback = function()
      M.close_browser(buf)
      -- Windows cannot close while the post's buffer is being unloaded.
      vim.schedule(function()
        M.close(buf)
      end)
    end,
  })
  -- :q in the post's window when only its preview is beside it: the
  -- preview goes first, so the :q closes the tab page (or Neovim).
  api.nvim_create_autocmd('QuitPre', {
    group = group,
    buffer = buf,
    callback = function()
      local s = state[buf]
      if not (s and s.pbuf and api.nvim_buf_is_valid(s.pbuf)) then
        return
      end
      local cur, previews = api.nvim_get_current_win(), {}
      for _, w in ipairs(api.nvim_tabpage_list_wins(0)) do
        if api.nvim_win_get_buf(w) == s.pbuf then
          previews[#previews + 1] = w
        elseif w ~= cur and api.nvim_win_get_config(w).relative == '' then
          return  -- other windows stay: so does the preview
        end
      end
      for _, w in ipairs(previews) do
        pcall(api.nvim_win_close, w, true)
      end
    end,
  })
  -- The split goes when no window shows its post any more.
  api.nvim_create_autocmd('BufHidden', {
    group = group,
    buffer = buf,
    callback = function()
      vim.schedule(function()
        local s = state[buf]
        if s and s.pbuf and vim.fn.bufwinid(buf) == -1 and #vim.fn.win_findbuf(buf) == 0 then
          M.close_split(buf)
        end
      end)
    end,
  })
  if not global_group then
    global_group = api.nvim_create_augroup('mdpost_preview', { clear = true })
    api.nvim_create_autocmd('VimLeavePre', {
      group = global_group,
      callback = function()
        M.close_all()
      end,
    })
    api.nvim_create_autocmd('User', {
      group = global_group,
      pattern = 'MdpostIndexed',
      callback = function()
        for b, s in pairs(state) do
          s.tick = nil
          refresh(b)
        end
      end,
    })
  end
  return st
end

local function done_if_empty(buf)
  local st = state[buf]
  if st and not st.pbuf and not st.browser then
    end_session(buf, st)
  end
end

--- Opens the split preview of a post (a no-op when it is shown).
function M.open_split(buf)
  local swin = source_win(buf)
  if not swin then
    return notify('the post is not in a window')
  end
  local st = session(buf)
  if preview_win(st) then
    return st.pbuf
  end
  if not (st.pbuf and api.nvim_buf_is_valid(st.pbuf)) then
    local pbuf = api.nvim_create_buf(false, true)
    compat.set_buf_option(pbuf, 'buftype', 'nofile')
    compat.set_buf_option(pbuf, 'bufhidden', 'wipe')
    compat.set_buf_option(pbuf, 'swapfile', false)
    local name = 'mdpost://preview/' .. post_name(buf)
    if not pcall(api.nvim_buf_set_name, pbuf, name .. '.html') then
      api.nvim_buf_set_name(pbuf, ('%s-%d.html'):format(name, buf))
    end
    compat.set_buf_option(pbuf, 'filetype', 'html')
    compat.set_buf_option(pbuf, 'modifiable', false)
    api.nvim_buf_set_var(pbuf, 'mdpost_preview_of', buf)
    st.pbuf, st.lines, st.html, st.anchors = pbuf, { '' }, nil, nil
    api.nvim_create_autocmd('BufWipeout', {
      buffer = pbuf,
      callback = function()
        local s = state[buf]
        if s and s.pbuf == pbuf then
          s.pbuf = nil
          done_if_empty(buf)
        end
      end,
    })
  end
  api.nvim_win_call(swin, function()
    vim.cmd('rightbelow vertical sbuffer ' .. st.pbuf)
    local pwin = api.nvim_get_current_win()
    compat.set_win_option(pwin, 'foldenable', false)
    compat.set_win_option(pwin, 'spell', false)
    compat.set_win_option(pwin, 'cursorline', true)
  end)
  api.nvim_set_current_win(swin)
  update_split(buf, st)
  st.tick = api.nvim_buf_get_changedtick(buf)
  return st.pbuf
end

function M.close_split(buf)
  local st = state[buf]
  if not st or not st.pbuf then
    return
  end
  local pbuf = st.pbuf
  st.pbuf = nil
  if api.nvim_buf_is_valid(pbuf) then
    -- Windows showing it close; the last window of Neovim shows another buffer.
    pcall(api.nvim_buf_delete, pbuf, { force = true })
  end
  done_if_empty(buf)
end

-- Opens url with the configured browser; false when it only printed it.
local function open_url(url, browser)
  if browser == false then
    return false
  end
  if type(browser) == 'function' then
    browser(url)
    return true
  end
  local argv
  if type(browser) == 'string' and browser ~= '' then
    argv = { browser }
  elseif type(browser) == 'table' and #browser > 0 then
    argv = vim.deepcopy(browser)
  elseif vim.fn.has('mac') == 1 then
    argv = { 'open' }
  elseif (vim.env.DISPLAY or vim.env.WAYLAND_DISPLAY) and vim.fn.executable('xdg-open') == 1 then
    argv = { 'xdg-open' }
  elseif vim.fn.has('wsl') == 1 and vim.fn.executable('wslview') == 1 then
    argv = { 'wslview' }
  else
    return false  -- no display (e.g. over SSH): the URL is printed
  end
  argv[#argv + 1] = url
  local ok, job = pcall(vim.fn.jobstart, argv, { detach = true })
  if not ok or job <= 0 then
    notify(('cannot start the browser %q; open %s'):format(argv[1], url))
    return false
  end
  return true
end

--- Starts the browser preview of a post (or opens its page again).
--- Returns the URL.
function M.open_browser(buf)
  local cfg = config.get(buf).preview
  local css, cerr = read_css(cfg.css)
  if cerr then
    return notify(cerr)
  end
  local site, err = native.site(buffer.path(buf))
  if not site then
    return notify(err)
  end
  if not srv then
    srv, err = server.start(cfg.port)
    if not srv then
      return notify(err)
    end
  end
  local st = session(buf)
  local b = st.browser
  if not b then
    b = { version = 0, acks = {}, css = css }
    st.browser = b
    -- Outside any site, the post's directory is served: its relative
    -- links then resolve against the page's URL.
    local root = site.info and site.info.found and site.root or nil
    local path = buffer.path(buf)
    local loose = not root and path ~= nil
    b.token = srv:add({
      root = root or (path and vim.fn.fnamemodify(path, ':h')),
      loose = loose,
      page = function()
        return b.page, b.version
      end,
      hello = function()
        return { { 'reload', b.version }, st.scroll and { 'scroll', st.scroll } or nil }
      end,
      on_ack = function(q)
        b.acks[#b.acks + 1] = q
        if #b.acks > 100 then
          table.remove(b.acks, 1)
        end
      end,
    })
    b.url = ('http://127.0.0.1:%d/%s/'):format(srv.port, b.token)
    if css then
      -- The stylesheet edited in Neovim applies when written.
      api.nvim_create_autocmd('BufWritePost', {
        group = 'mdpost_preview_' .. buf,
        pattern = vim.fn.fnamemodify(vim.fn.expand(cfg.css), ':p'),
        callback = function()
          local s = state[buf]
          local new_css = read_css(cfg.css)
          if s and s.browser == b and new_css then
            b.css, b.html = new_css, nil
            update_browser(buf, s)
          end
        end,
      })
    end
  else
    b.css = css
    b.html = nil  -- render again: the stylesheet may have changed
  end
  update_browser(buf, st)
  st.scroll = scroll_data(buf, st)
  st.tick = api.nvim_buf_get_changedtick(buf)
  if b.version == 0 then
    -- Rendering failed (said above): nothing to serve.
    M.close_browser(buf)
    return nil
  end
  local opened = open_url(b.url, cfg.browser)
  api.nvim_echo({ { ('mdpost: preview %s %s'):format(opened and 'opened at' or 'at', b.url) } }, true, {})
  return b.url
end

function M.close_browser(buf)
  local st = state[buf]
  if not st or not st.browser then
    return
  end
  local b = st.browser
  st.browser = nil
  if srv then
    srv:send(b.token, 'bye', '')
    srv:remove(b.token)
    if srv:empty() then
      srv:stop()
      srv = nil
    end
  end
  done_if_empty(buf)
end

--- Ends both previews of a post.
function M.close(buf)
  M.close_browser(buf)
  M.close_split(buf)
  local st = state[buf]
  if st then
    end_session(buf, st)
  end
end

function M.close_all()
  for buf in pairs(state) do
    M.close(buf)
  end
  if srv then
    srv:stop()
    srv = nil
  end
end

-- ---- introspection (tests, statuslines) -------------------------------------

--- { split = preview buffer or nil, url = browser URL or nil, version,
--- acks = what the page reported, clients = open event streams } or nil.
function M.status(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local st = state[buf]
  if not st then
    return nil
  end
  local b = st.browser
  return {
    split = st.pbuf,
    url = b and b.url,
    version = b and b.version,
    acks = b and b.acks,
    clients = b and srv and srv:clients(b.token) or 0,
    port = b and srv and srv.port,
  }
end

-- ---- the command ------------------------------------------------------------

-- The post a command is about: from its preview buffer, the post itself.
local function source_of(buf)
  local ok, src = pcall(api.nvim_buf_get_var, buf, 'mdpost_preview_of')
  if ok and type(src) == 'number' and api.nvim_buf_is_valid(src) then
    return src
  end
  return buf
end

--- :PostPreview [split|browser|close]; without an argument it toggles:
--- it ends the post's previews when one runs, else opens the split.
function M.command(args)
  local what = vim.trim(args.args or '')
  local cur = api.nvim_get_current_buf()
  local buf = source_of(cur)
  if buf ~= cur then
    local win = vim.fn.bufwinid(buf)
    if what ~= 'close' and what ~= '' and win ~= -1 then
      api.nvim_set_current_win(win)
    end
  end
  native.reset()
  local _, err = native.load()
  if err and what ~= 'close' then
    return notify(err)
  end
  if what == '' then
    local st = state[buf]
    if st and (st.browser or (st.pbuf and api.nvim_buf_is_valid(st.pbuf))) then
      return M.close(buf)
    end
    what = 'split'
  end
  if what == 'split' then
    M.open_split(buf)
  elseif what == 'browser' then
    M.open_browser(buf)
  elseif what == 'close' then
    M.close(buf)
  else
    notify(('unknown :PostPreview argument %q (split, browser or close)'):format(what))
  end
end

function M.complete(lead)
  return vim.tbl_filter(function(c)
    return c:sub(1, #lead) == lead
  end, { 'split', 'browser', 'close' })
end

return M
