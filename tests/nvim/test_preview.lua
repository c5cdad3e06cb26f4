-- :PostPreview: the split follows edits and the cursor; the browser
-- preview's server answers with the page, the site's files and events.
local T = require('harness')
local uv = vim.uv or vim.loop
local api = vim.api
local preview = require('mdpost.preview')

local POST = T.example('content/posts/paris-ai-summit/index.md')

local function render(buf, extra)
  local native = require('mdpost.native')
  local cfg = require('mdpost.config').get(buf)
  local opts = require('mdpost.buffer').options(buf, cfg)
  for k, v in pairs(extra or {}) do
    opts[k] = v
  end
  local html = assert(native.render(require('mdpost.buffer').text(buf), opts,
    assert(native.site(require('mdpost.buffer').path(buf)))))
  local lines = vim.split(html, '\n', { plain = true })
  if lines[#lines] == '' then
    lines[#lines] = nil
  end
  return lines, html
end

local function lines_of(buf)
  return api.nvim_buf_get_lines(buf, 0, -1, true)
end

local function open_post()
  vim.g.mdpost = { preview = { browser = false, debounce_ms = 20 } }
  vim.cmd('edit ' .. POST)
  return api.nvim_get_current_buf(), api.nvim_get_current_win()
end

local function opt(buf, name)
  return vim.fn.getbufvar(buf, '&' .. name)
end

local http = T.http

local function get(port, path)
  return http(port, 'GET ' .. path .. ' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
end

-- An event stream client: everything it read so far is in .data.
local function events(port, path)
  local c = { data = '', closed = false, sock = uv.new_tcp() }
  c.sock:connect('127.0.0.1', port, function(cerr)
    if cerr then
      c.closed = true
      return
    end
    c.sock:write('GET ' .. path .. ' HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n')
    c.sock:read_start(function(rerr, chunk)
      if rerr or not chunk then
        c.closed = true
        if not c.sock:is_closing() then
          c.sock:close()
        end
      else
        c.data = c.data .. chunk
      end
    end)
  end)
  return c
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function browser_url(buf)
  local st = preview.status(buf)
  local port, token = st.url:match('^http://127%.0%.0%.1:(%d+)/(%x+)/$')
  T.truthy(port, 'URL shape ' .. st.url)
  return tonumber(port), '/' .. token .. '/'
end

T.test('without the library, :PostPreview says why in one line', function()
  vim.g.mdpost_library = '/nonexistent/libmdpost.so'
  local seen = T.notifications(function()
    vim.cmd('PostPreview')
    vim.cmd('PostPreview browser')
  end)
  vim.g.mdpost_library = nil
  require('mdpost.native').reset()
  T.eq(#seen, 2)
  for _, n in ipairs(seen) do
    T.matches(n.msg, '^mdpost: library not built: /nonexistent/libmdpost%.so is missing; run `make` in [^\n]*$')
  end
  T.eq(#api.nvim_tabpage_list_wins(0), 1)
  T.eq(preview.status(), nil)
end)

T.test('the target of a cursor line is the nearest element at or above it', function()
  local anchors = { { 26, 0 }, { 28, 1 }, { 30, 2 }, { 30, 3 }, { 34, 5 } }
  T.eq(preview.target(anchors, 0), nil)
  T.eq(preview.target(anchors, 26), 0)
  T.eq(preview.target(anchors, 29), 1)
  T.eq(preview.target(anchors, 30), 2, 'the outer of two elements on one line')
  T.eq(preview.target(anchors, 33), 2)
  T.eq(preview.target(anchors, 500), 5)
end)

T.test(':PostPreview opens the rendered HTML beside the post', function()
  local buf, win = open_post()
  api.nvim_win_set_cursor(win, { 40, 2 })
  vim.cmd('PostPreview')
  T.eq(api.nvim_get_current_win(), win, 'the post keeps the focus')
  T.eq(api.nvim_win_get_cursor(win), { 40, 2 }, 'the source cursor')
  local pbuf = preview.status(buf).split
  T.truthy(pbuf, 'a preview buffer')
  local pwin = vim.fn.bufwinid(pbuf)
  T.truthy(pwin ~= -1, 'shown in a window')
  T.eq(#api.nvim_tabpage_list_wins(0), 2)
  -- Beside: same row, to the right.
  T.eq(api.nvim_win_get_position(pwin)[1], api.nvim_win_get_position(win)[1])
  T.truthy(api.nvim_win_get_position(pwin)[2] > api.nvim_win_get_position(win)[2], 'to the right')
  T.eq(api.nvim_buf_get_name(pbuf), 'mdpost://preview/paris-ai-summit.html')
  T.eq({ opt(pbuf, 'filetype'), opt(pbuf, 'buftype'), opt(pbuf, 'bufhidden'), opt(pbuf, 'swapfile'),
    opt(pbuf, 'modifiable'), opt(pbuf, 'buflisted') }, { 'html', 'nofile', 'wipe', 0, 0, 0 })
  T.eq(lines_of(pbuf), (render(buf, { sourcepos = true })))
  T.eq(vim.bo[buf].modified, false, 'the post is not modified')
end)

T.test('the split follows edits after the debounce, without moving the source cursor', function()
  local buf, win = open_post()
  vim.cmd('PostPreview')
  local pbuf = preview.status(buf).split
  api.nvim_win_set_cursor(win, { 30, 0 })
  local last = api.nvim_buf_line_count(buf)
  api.nvim_buf_set_lines(buf, last, last, true, { '', '## 新的一节', '', '正文 **粗体**' })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return lines_of(pbuf)[#lines_of(pbuf)]:find('<strong>粗体</strong>', 1, true) ~= nil
  end, 'the edit in the preview')
  T.eq(lines_of(pbuf), (render(buf, { sourcepos = true })))
  T.eq(api.nvim_get_current_win(), win)
  T.eq(api.nvim_win_get_cursor(win), { 30, 0 }, 'the source cursor')
  -- An edit that renders the same HTML changes no line of the preview.
  local tick = api.nvim_buf_get_changedtick(pbuf)
  api.nvim_buf_set_lines(buf, last + 3, last + 4, true, { '正文 **粗体**   ' })
  vim.cmd('doautocmd TextChanged')
  vim.wait(200)
  T.eq(lines_of(pbuf), (render(buf, { sourcepos = true })))
  T.eq(api.nvim_buf_get_changedtick(pbuf), tick, 'the preview buffer was not touched')
end)

T.test('the split keeps its view at the element of the cursor line', function()
  local buf, win = open_post()
  vim.cmd('PostPreview')
  local pbuf = preview.status(buf).split
  local pwin = vim.fn.bufwinid(pbuf)
  local lines = lines_of(pbuf)
  -- Source lines of the post are 0-based, front matter counted: the
  -- heading "## 各方表态" is line 55 (1-based 56).
  T.eq(api.nvim_buf_get_lines(buf, 55, 56, true)[1], '## 各方表态')
  for _, case in ipairs({ { 56, '^<h2[^>]*data%-line="55"' }, { 59, '^<p[^>]*data%-line="57"' },
    { 31, '^<p[^>]*data%-line="29"' }, { 90, '^<pre[^>]*data%-line="87"' },
    { 96, '^<p[^>]*data%-line="95"' }, { 5, '' } }) do
    api.nvim_win_set_cursor(win, { case[1], 0 })
    vim.cmd('doautocmd CursorMoved')
    local pl = api.nvim_win_get_cursor(pwin)[1]
    if case[2] == '' then
      T.eq(pl, 1, 'the front matter shows the top')
    else
      T.matches(lines[pl], case[2], 'preview line for source line ' .. case[1])
    end
    T.eq(api.nvim_win_get_cursor(win), { case[1], 0 }, 'the source cursor')
    T.eq(api.nvim_get_current_win(), win)
  end
  -- The element sits at the height of the cursor in the source window.
  api.nvim_win_set_cursor(win, { 56, 0 })
  vim.cmd('normal! zt')
  vim.cmd('doautocmd CursorMoved')
  local topline = api.nvim_win_call(pwin, function()
    return vim.fn.line('w0')
  end)
  T.eq(topline, api.nvim_win_get_cursor(pwin)[1], 'the element at the top, like the cursor line')
  -- In the middle: the wrapped lines above it are counted by screen rows.
  vim.cmd('normal! zz')
  vim.cmd('doautocmd CursorMoved')
  local row = vim.fn.winline()
  local prow, width, above
  api.nvim_win_call(pwin, function()
    prow, width = vim.fn.winline(), vim.fn.winwidth(0)
    above = vim.fn.strdisplaywidth(vim.fn.getline(vim.fn.line('.') - 1))
  end)
  T.truthy(row > 5, 'the cursor is down in its window')
  T.truthy(prow <= row and prow > row - math.ceil(above / width),
    ('the element at the cursor row %d (at %d)'):format(row, prow))
end)

T.test('sourcepos = false: plain HTML, and the view stays where it is', function()
  vim.g.mdpost = { preview = { sourcepos = false, debounce_ms = 20 } }
  vim.cmd('edit ' .. POST)
  local buf, win = api.nvim_get_current_buf(), api.nvim_get_current_win()
  vim.cmd('PostPreview')
  local pbuf = preview.status(buf).split
  local pwin = vim.fn.bufwinid(pbuf)
  T.eq(lines_of(pbuf), (render(buf, {})))
  T.eq(table.concat(lines_of(pbuf), '\n'):find('data-line', 1, true), nil)
  T.truthy(table.concat(lines_of(pbuf), '\n'):find('<h2 id="各方表态">', 1, true), 'heading ids stay')
  api.nvim_win_set_cursor(pwin, { 20, 0 })
  api.nvim_win_set_cursor(win, { 90, 0 })
  vim.cmd('doautocmd CursorMoved')
  T.eq(api.nvim_win_get_cursor(pwin), { 20, 0 })
end)

T.test(':PostPreview close, toggling, and closing the post end the split', function()
  local buf, win = open_post()
  vim.cmd('PostPreview')
  local pbuf = preview.status(buf).split
  vim.cmd('PostPreview close')
  T.eq(api.nvim_buf_is_valid(pbuf), false, 'the preview buffer is wiped')
  T.eq(preview.status(buf), nil)
  T.eq(#api.nvim_tabpage_list_wins(0), 1)
  -- Without an argument, :PostPreview toggles.
  vim.cmd('PostPreview')
  pbuf = preview.status(buf).split
  T.truthy(api.nvim_buf_is_valid(pbuf))
  vim.cmd('PostPreview')
  T.eq(api.nvim_buf_is_valid(pbuf), false, 'toggled off')
  -- From the preview window, the command is about its post.
  vim.cmd('PostPreview split')
  pbuf = preview.status(buf).split
  api.nvim_set_current_win(vim.fn.bufwinid(pbuf))
  vim.cmd('PostPreview close')
  T.eq(api.nvim_buf_is_valid(pbuf), false, 'closed from the preview window')
  -- Closing the preview window ends it too.
  vim.cmd('PostPreview split')
  pbuf = preview.status(buf).split
  api.nvim_win_close(vim.fn.bufwinid(pbuf), true)
  T.wait(1000, function()
    return preview.status(buf) == nil
  end, 'the session to end')
  -- The post goes: its preview goes.
  vim.cmd('PostPreview split')
  pbuf = preview.status(buf).split
  vim.cmd('enew')
  vim.cmd('bwipeout! ' .. buf)
  T.wait(1000, function()
    return not api.nvim_buf_is_valid(pbuf)
  end, 'the preview to close with its post')
  T.eq(preview.status(buf), nil)
  local _ = win
end)

T.test(':q in the post window takes its preview along; so does showing another buffer', function()
  local buf = open_post()
  vim.cmd('tab split')
  T.eq(#api.nvim_list_tabpages(), 2)
  vim.cmd('PostPreview')
  local pbuf = preview.status(buf).split
  T.eq(#api.nvim_tabpage_list_wins(0), 2)
  vim.cmd('quit')
  T.eq(#api.nvim_list_tabpages(), 1, 'the tab page closed with the :q')
  T.eq(api.nvim_buf_is_valid(pbuf), false, 'the preview is gone')
  -- With another window beside them, :q closes only the post's window;
  -- the preview then goes because no window shows the post.
  vim.cmd('PostPreview')
  pbuf = preview.status(buf).split
  vim.cmd('new')
  vim.cmd('wincmd p')
  T.eq(api.nvim_get_current_buf(), buf)
  vim.cmd('edit ' .. T.example('content/posts/second-post.md'))
  T.wait(1000, function()
    return not api.nvim_buf_is_valid(pbuf)
  end, 'the preview to close when its post is hidden')
  T.eq(#api.nvim_tabpage_list_wins(0), 2)
end)

T.test('an unknown :PostPreview argument is said in one line', function()
  open_post()
  local seen = T.notifications(function()
    vim.cmd('PostPreview sideways')
  end)
  T.eq(#seen, 1)
  T.matches(seen[1].msg, 'unknown :PostPreview argument "sideways" %(split, browser or close%)')
  T.eq(#api.nvim_tabpage_list_wins(0), 1)
end)

T.test('the browser preview serves the page behind its token, and only that', function()
  local buf = open_post()
  vim.cmd('PostPreview browser')
  local port, base = browser_url(buf)
  T.eq(#base, 34, 'a 128-bit token')
  -- The page: the standalone render with the live script.
  local status, headers, body = get(port, base)
  T.eq(status, 200)
  T.eq(headers['content-type'], 'text/html; charset=utf-8')
  T.eq(headers['x-mdpost-version'], '1')
  T.eq(headers['cache-control'], 'no-store')
  T.eq(tonumber(headers['content-length']), #body)
  local _, html = render(buf, { sourcepos = true, standalone = true, asset_base = base .. 'site/' })
  T.eq((body:gsub('<script id="mdpost%-live">.-</script>\n', '')), html)
  T.matches(body, 'new EventSource%(base %+ \'events\'%)')
  T.truthy(body:find('<h1 class="mdpost-title">巴黎人工智能峰会闭幕：数十国签署开放合作声明</h1>', 1, true), 'the card')
  T.truthy(body:find('<img src="' .. base .. 'site/static/images/summit-hall.png" alt="分会场" />', 1, true),
    'a static image through the server')
  T.truthy(body:find('<img src="group-photo.png" alt="代表团合影" />', 1, true), 'a missing image left alone')
  T.truthy(body:find('</script>\n</body>', 1, true), 'the script at the end of the body')
  -- Without the token, with another token, with another method.
  T.eq((get(port, '/')), 403)
  T.eq((get(port, '/favicon.ico')), 403)
  T.eq((get(port, '/' .. string.rep('0', 32) .. '/')), 403)
  T.eq((get(port, base:sub(1, -3) .. '/')), 403, 'a token one digit short')
  T.eq((http(port, 'POST ' .. base .. ' HTTP/1.1\r\nContent-Length: 0\r\n\r\n')), 405)
  T.eq((get(port, base .. 'nothing-here')), 404)
  T.eq((http(port, 'garbage\r\n\r\n')), 400)
  -- A site file, byte for byte, with its type.
  local s2, h2, png = get(port, base .. 'site/static/images/summit-hall.png')
  T.eq(s2, 200)
  T.eq(h2['content-type'], 'image/png')
  T.eq(png, read_file(T.example('static/images/summit-hall.png')))
  local s3, h3, cover = get(port, base .. 'site/content/posts/paris-ai-summit/cover.png')
  T.eq({ s3, h3['content-type'] }, { 200, 'image/png' })
  T.eq(cover, read_file(T.example('content/posts/paris-ai-summit/cover.png')))
  T.eq((get(port, base .. 'site/content/posts/paris-ai-summit/missing.png')), 404)
  -- Nothing outside the site's root.
  T.eq((get(port, base .. 'site/../hugo.toml')), 403)
  T.eq((get(port, base .. 'site/static/../../../Makefile')), 403)
  T.eq((get(port, base .. 'site/%2e%2e/Makefile')), 403, 'an escaped ..')
  T.eq((get(port, base .. 'site//etc/passwd')), 403)
  T.eq((get(port, base .. 'site/static/%00.png')), 403)
  T.eq((get(port, base .. 'site/static')), 404, 'a directory')
  vim.cmd('PostPreview close')
  T.eq(preview.status(buf), nil)
  local s4, e4 = get(port, base)
  T.eq(s4, nil, 'the server is gone')
  T.truthy(e4, 'a connection error')
end)

T.test('the server refuses a symbolic link out of the site', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. '/content/posts', 'p')
  vim.fn.mkdir(dir .. '/static', 'p')
  vim.fn.writefile({ 'baseURL = "https://example.org/"' }, dir .. '/hugo.toml')
  vim.fn.writefile({ '---', 'title: t', '---', '![x](/inside.txt)' }, dir .. '/content/posts/p.md')
  vim.fn.writefile({ 'inside' }, dir .. '/static/inside.txt')
  local outside = vim.fn.tempname()
  vim.fn.writefile({ 'secret' }, outside)
  assert(uv.fs_symlink(outside, dir .. '/static/link.txt'))
  vim.g.mdpost = { preview = { browser = false } }
  vim.cmd('edit ' .. dir .. '/content/posts/p.md')
  local buf = api.nvim_get_current_buf()
  vim.cmd('PostPreview browser')
  local port, base = browser_url(buf)
  local s, h, body = get(port, base .. 'site/static/inside.txt')
  T.eq({ s, h['content-type'], body }, { 200, 'text/plain; charset=utf-8', 'inside\n' })
  T.eq((get(port, base .. 'site/static/link.txt')), 403)
  vim.cmd('PostPreview close')
  vim.fn.delete(dir, 'rf')
  vim.fn.delete(outside)
end)

T.test('a post outside any site: its directory is served, relative to the page', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. '/img', 'p')
  vim.fn.writefile({ '# Loose', '', '![a](img/a.svg)' }, dir .. '/loose.md')
  vim.fn.writefile({ '<svg xmlns="http://www.w3.org/2000/svg"/>' }, dir .. '/img/a.svg')
  vim.g.mdpost = { preview = { browser = false } }
  vim.cmd('edit ' .. dir .. '/loose.md')
  local buf = api.nvim_get_current_buf()
  vim.cmd('PostPreview browser')
  local port, base = browser_url(buf)
  local s, _, body = get(port, base)
  T.eq(s, 200)
  T.truthy(body:find('<img src="img/a.svg" alt="a" />', 1, true), 'the link as written')
  local s2, h2, svg = get(port, base .. 'img/a.svg')
  T.eq({ s2, h2['content-type'], svg }, { 200, 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>\n' })
  T.eq((get(port, base .. 'img/../../etc/passwd')), 403)
  T.eq((get(port, base .. 'img/missing.svg')), 404)
  vim.cmd('PostPreview close')
  vim.fn.delete(dir, 'rf')
end)

T.test('the event stream pushes reload after an edit and scroll after a move', function()
  local buf, win = open_post()
  vim.cmd('PostPreview browser')
  local port, base = browser_url(buf)
  local es = events(port, base .. 'events')
  T.wait(2000, function()
    return es.data:find('event: reload\ndata: 1\n\n', 1, true) ~= nil
  end, 'the first events')
  T.matches(es.data, '^HTTP/1%.1 200 OK\r\n')
  T.matches(es.data, '\r\nContent%-Type: text/event%-stream; charset=utf%-8\r\n')
  T.matches(es.data, 'event: scroll\ndata: {"line":0,"ratio":0%.000}\n\n')
  T.eq(preview.status(buf).clients, 1)
  -- An edit: a new version after the debounce, and the page serves it.
  local last = api.nvim_buf_line_count(buf)
  api.nvim_buf_set_lines(buf, last, last, true, { '', '浏览器里的新段落' })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return es.data:find('event: reload\ndata: 2\n\n', 1, true) ~= nil
  end, 'the reload event')
  local status, headers, body = get(port, base)
  T.eq({ status, headers['x-mdpost-version'] }, { 200, '2' })
  T.matches(body, '<p[^>]*>浏览器里的新段落</p>')
  -- The cursor moves: a scroll event with its line.
  api.nvim_win_set_cursor(win, { 56, 0 })
  vim.cmd('doautocmd CursorMoved')
  T.wait(2000, function()
    return es.data:find('event: scroll\ndata: {"line":55,', 1, true) ~= nil
  end, 'the scroll event')
  -- The page reports what it applied.
  T.eq((get(port, base .. 'ack?v=2&n=7&last=96')), 204)
  T.eq(preview.status(buf).acks[1], { v = '2', n = '7', last = '96' })
  -- The post goes: the stream says bye and ends, the server stops.
  vim.cmd('enew')
  vim.cmd('bwipeout! ' .. buf)
  T.wait(2000, function()
    return es.closed
  end, 'the stream to end')
  T.matches(es.data, 'event: bye\n')
  T.eq((get(port, base)), nil, 'the server is gone')
end)

T.test('the server: heartbeats on event streams, silent connections dropped', function()
  local server = require('mdpost.server')
  local srv = assert(server.start(0, { heartbeat_ms = 50, idle_ms = 100 }))
  local token = srv:add({
    page = function()
      return '<p>x</p>', 7
    end,
    hello = function()
      return { { 'reload', 7 } }
    end,
  })
  local status, headers, body = get(srv.port, '/' .. token .. '/')
  T.eq({ status, headers['x-mdpost-version'], body }, { 200, '7', '<p>x</p>' })
  local es = events(srv.port, '/' .. token .. '/events')
  T.wait(2000, function()
    return es.data:find(': keep-alive\n\n', 1, true) ~= nil
  end, 'a heartbeat')
  T.matches(es.data, '\r\n\r\nretry: 1000\n\nevent: reload\ndata: 7\n\n')
  -- A multi-line payload is one event with several data lines.
  T.eq(srv:send(token, 'note', 'a\nb'), 1)
  T.wait(2000, function()
    return es.data:find('event: note\ndata: a\ndata: b\n\n', 1, true) ~= nil
  end, 'the note')
  -- A connection that never sends its request is closed.
  local silent = { closed = false, sock = uv.new_tcp() }
  silent.sock:connect('127.0.0.1', srv.port, function()
    silent.sock:read_start(function(_, chunk)
      if not chunk then
        silent.closed = true
        silent.sock:close()
      end
    end)
  end)
  T.wait(2000, function()
    return silent.closed
  end, 'the silent connection to be dropped')
  T.eq(es.closed, false, 'the event stream stays')
  srv:stop()
  T.wait(2000, function()
    return es.closed
  end, 'the stream to end with the server')
end)

T.test('browser option: a command gets the URL; a fixed port', function()
  local probe = require('mdpost.server').start(0)
  local port = probe.port
  probe:stop()
  local out = vim.fn.tempname()
  vim.g.mdpost = { preview = { port = port, browser = { 'sh', '-c', 'printf %s "$0" > ' .. out } } }
  vim.cmd('edit ' .. POST)
  local buf = api.nvim_get_current_buf()
  vim.cmd('PostPreview browser')
  local url = preview.status(buf).url
  T.matches(url, '^http://127%.0%.0%.1:' .. port .. '/%x+/$')
  T.wait(3000, function()
    return vim.fn.filereadable(out) == 1 and read_file(out) == url
  end, 'the browser command to get the URL')
  -- A second post shares the server, behind its own token.
  vim.cmd('split ' .. T.example('content/posts/second-post.md'))
  local buf2 = api.nvim_get_current_buf()
  vim.cmd('PostPreview browser')
  local url2 = preview.status(buf2).url
  T.matches(url2, '^http://127%.0%.0%.1:' .. port .. '/%x+/$')
  T.truthy(url2 ~= url, 'another token')
  local status, _, body = get(port, url2:match('^http://[^/]+(/.*)$'))
  T.eq(status, 200)
  T.matches(body, 'data%-line')
  vim.cmd('PostPreview close')
  T.eq((get(port, url2:match('^http://[^/]+(/.*)$'))), 403, 'its token is gone')
  T.eq((get(port, url:match('^http://[^/]+(/.*)$'))), 200, 'the other post is still served')
  vim.cmd('bwipeout! ' .. buf)
  T.wait(1000, function()
    return get(port, '/') == nil
  end, 'the server to stop with the last preview')
  vim.fn.delete(out)
end)

T.test('browser = false prints the URL; a port in use is said in one line', function()
  local buf = open_post()
  local echoed
  local orig = api.nvim_echo
  api.nvim_echo = function(chunks, ...)
    echoed = chunks[1][1]
    return orig(chunks, ...)
  end
  vim.cmd('PostPreview browser')
  api.nvim_echo = orig
  T.eq(echoed, 'mdpost: preview at ' .. preview.status(buf).url)
  local port = preview.status(buf).port
  vim.cmd('PostPreview close')
  -- Someone else holds the port.
  local other = require('mdpost.server').start(port)
  vim.g.mdpost = { preview = { browser = false, port = port } }
  vim.cmd('edit ' .. T.example('content/posts/second-post.md'))
  local seen = T.notifications(function()
    vim.cmd('PostPreview browser')
  end)
  other:stop()
  T.eq(#seen, 1)
  T.matches(seen[1].msg, '^mdpost: cannot listen on 127%.0%.0%.1:' .. port .. ' %(EADDRINUSE')
  T.eq(preview.status(), nil)
end)

T.test('css option: the page uses that stylesheet, and again when it is written', function()
  local css = vim.fn.tempname() .. '.css'
  vim.fn.writefile({ 'body { color: #123456; }' }, css)
  vim.g.mdpost = { preview = { browser = false, css = css, debounce_ms = 20 } }
  vim.cmd('edit ' .. POST)
  local buf = api.nvim_get_current_buf()
  vim.cmd('PostPreview browser')
  local port, base = browser_url(buf)
  local _, _, body = get(port, base)
  T.truthy(body:find('body { color: #123456; }', 1, true), 'the stylesheet in the page')
  local _, builtin = render(buf, { standalone = true })
  T.truthy(not body:find(builtin:match('<style>(.-)</style>') or '\0', 1, true), 'instead of the built-in one')
  local es = events(port, base .. 'events')
  T.wait(2000, function()
    return es.data:find('data: 1\n', 1, true) ~= nil
  end, 'the stream')
  vim.cmd('split ' .. css)
  api.nvim_buf_set_lines(0, 0, -1, true, { 'body { color: #654321; }' })
  vim.cmd('write')
  T.wait(2000, function()
    return es.data:find('event: reload\ndata: 2\n', 1, true) ~= nil
  end, 'a reload after writing the stylesheet')
  _, _, body = get(port, base)
  T.truthy(body:find('body { color: #654321; }', 1, true), 'the new stylesheet')
  vim.cmd('bwipeout!')
  vim.cmd('PostPreview close')
  vim.fn.delete(css)
  -- A stylesheet that cannot be read is said, and nothing starts.
  vim.g.mdpost = { preview = { browser = false, css = '/nonexistent/preview.css' } }
  local seen = T.notifications(function()
    vim.cmd('PostPreview browser')
  end)
  T.eq(#seen, 1)
  T.matches(seen[1].msg, '^mdpost: cannot read the preview stylesheet: /nonexistent/preview%.css')
  T.eq(preview.status(buf), nil)
end)

T.test('a failing render is said once, not after every pause in typing', function()
  local buf = open_post()
  vim.cmd('PostPreview')
  local pbuf = preview.status(buf).split
  local before = lines_of(pbuf)
  local native = require('mdpost.native')
  local orig = native.render
  native.render = function()
    return nil, 'the post is larger than 64 MiB; mdpost does not check it'
  end
  local seen = T.notifications(function()
    for i = 1, 3 do
      api.nvim_buf_set_lines(buf, 41, 42, true, { 'edit ' .. i })
      vim.cmd('doautocmd TextChanged')
      vim.wait(100)
    end
  end)
  native.render = orig
  T.eq(#seen, 1)
  T.eq(seen[1].msg, 'mdpost: the post is larger than 64 MiB; mdpost does not check it')
  T.eq(lines_of(pbuf), before, 'the last good render stays')
  -- It works again: the preview follows.
  api.nvim_buf_set_lines(buf, 41, 42, true, { '恢复了' })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return table.concat(lines_of(pbuf), '\n'):find('>恢复了</p>', 1, true) ~= nil
  end, 'the preview to follow again')
end)

T.test('every preview option and :PostPreview argument is documented', function()
  local doc = table.concat(vim.fn.readfile(T.root .. '/doc/mdpost.txt'), '\n')
  for key in pairs(require('mdpost.config').defaults.preview) do
    T.truthy(doc:find('*mdpost-preview.' .. key .. '*', 1, true), 'help tag for preview.' .. key)
  end
  for _, k in ipairs({ 'debounce_ms', 'browser', 'css', 'port', 'sourcepos' }) do
    T.truthy(doc:find('*mdpost-preview.' .. k .. '*', 1, true), 'help tag for preview.' .. k)
  end
  for _, arg in ipairs(preview.complete('')) do
    T.truthy(doc:find(':PostPreview ' .. arg, 1, true), 'help for :PostPreview ' .. arg)
  end
  T.eq(preview.complete('b'), { 'browser' })
end)
