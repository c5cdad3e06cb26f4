-- The browser preview's HTTP server: libuv TCP on 127.0.0.1, minimal
-- HTTP/1.1 (GET only, one request a connection), server-sent events for
-- reload and scroll. One server serves every previewed post; each post is
-- a session behind its own unguessable token, the first path segment:
--   GET /TOKEN/          the page (session.page())
--   GET /TOKEN/events    the push channel (text/event-stream)
--   GET /TOKEN/ack?...   the page reports what it applied (session.on_ack)
--   GET /TOKEN/site/REL  a file of the site: REL from session.root
--   GET /TOKEN/REL       the same, for a post outside any site (session.loose)
-- Everything runs in libuv callbacks and never calls the Neovim API there.
local uv = require('mdpost.compat').uv

local M = {}

local MAX_HEADER = 16384       -- bytes of request head we accept
local MAX_FILE = 64 * 1048576  -- bytes of a site file we serve
local IDLE_MS = 10000          -- a connection must send its request within this
local HEARTBEAT_MS = 15000     -- SSE comment lines keep proxies and browsers attached

local types = {
  html = 'text/html; charset=utf-8', htm = 'text/html; charset=utf-8',
  css = 'text/css; charset=utf-8', js = 'text/javascript; charset=utf-8',
  json = 'application/json', txt = 'text/plain; charset=utf-8', md = 'text/plain; charset=utf-8',
  xml = 'application/xml', pdf = 'application/pdf',
  png = 'image/png', jpg = 'image/jpeg', jpeg = 'image/jpeg', gif = 'image/gif',
  webp = 'image/webp', avif = 'image/avif', svg = 'image/svg+xml', ico = 'image/x-icon',
  bmp = 'image/bmp', mp4 = 'video/mp4', webm = 'video/webm', mp3 = 'audio/mpeg', ogg = 'audio/ogg',
  woff = 'font/woff', woff2 = 'font/woff2', ttf = 'font/ttf', otf = 'font/otf',
}

--- The Content-Type for a file name, by its extension.
function M.content_type(name)
  local ext = name:match('%.([%w]+)$')
  return ext and types[ext:lower()] or 'application/octet-stream'
end

local reasons = {
  [200] = 'OK', [204] = 'No Content', [400] = 'Bad Request', [403] = 'Forbidden',
  [404] = 'Not Found', [405] = 'Method Not Allowed', [413] = 'Payload Too Large',
  [431] = 'Request Header Fields Too Large', [500] = 'Internal Server Error',
}

--- 32 hex digits from the system's random source.
function M.token()
  local ok, bytes = pcall(uv.random, 16)
  if not ok or type(bytes) ~= 'string' or #bytes ~= 16 then
    local f = io.open('/dev/urandom', 'rb')
    bytes = f and f:read(16)
    if f then
      f:close()
    end
  end
  assert(type(bytes) == 'string' and #bytes == 16, 'no random source')
  return (bytes:gsub('.', function(c)
    return ('%02x'):format(c:byte())
  end))
end

local function unescape(s)
  local bad = false
  local out = s:gsub('%%(..)', function(h)
    local n = tonumber(h, 16)
    if not n then
      bad = true
      return ''
    end
    return string.char(n)
  end)
  return not bad and out or nil
end

--- The query string as a table (last value of a key wins).
function M.parse_query(q)
  local t = {}
  for pair in (q or ''):gmatch('[^&]+') do
    local k, v = pair:match('^([^=]*)=?(.*)$')
    k, v = unescape((k:gsub('+', ' '))), unescape((v:gsub('+', ' ')))
    if k and v then
      t[k] = v
    end
  end
  return t
end

--- A site-relative path from a URL path, or nil when it could leave the
--- root: empty, absolute, `..` or `.` segments, NUL or backslash.
function M.safe_relpath(raw)
  local rel = unescape(raw)
  if not rel or rel == '' or rel:find('[%z\\]') or rel:sub(1, 1) == '/' then
    return nil
  end
  for seg in rel:gmatch('[^/]*') do
    if seg == '..' or seg == '.' then
      return nil
    end
  end
  if rel:find('//', 1, true) then
    return nil
  end
  return rel
end

local Server = {}
Server.__index = Server

local function close(handle)
  if handle and not handle:is_closing() then
    handle:close()
  end
end

local function head(status, headers, len)
  local lines = { ('HTTP/1.1 %d %s'):format(status, reasons[status] or 'Status') }
  for k, v in pairs(headers) do
    lines[#lines + 1] = k .. ': ' .. v
  end
  if len then
    lines[#lines + 1] = 'Content-Length: ' .. len
  end
  lines[#lines + 1] = 'X-Content-Type-Options: nosniff'
  lines[#lines + 1] = 'Referrer-Policy: no-referrer'
  return table.concat(lines, '\r\n') .. '\r\n\r\n'
end

-- Writes a whole response and closes the connection after it.
function Server:respond(conn, status, body, headers)
  if conn.done then
    return
  end
  conn.done = true
  self.pending[conn] = nil
  headers = headers or {}
  headers['Connection'] = 'close'
  headers['Cache-Control'] = headers['Cache-Control'] or 'no-store'
  if not headers['Content-Type'] then
    headers['Content-Type'] = 'text/plain; charset=utf-8'
    body = body or ((reasons[status] or '') .. '\n')
  end
  body = body or ''
  local sock = conn.sock
  if sock:is_closing() then
    return
  end
  sock:write(head(status, headers, #body) .. body, function()
    sock:shutdown(function()
      close(sock)
    end)
  end)
end

-- Serves a file of the session's root, asynchronously; the realpath must
-- stay under the root (a symbolic link out of the site is refused).
function Server:serve_file(conn, session, rel)
  if not session.root then
    return self:respond(conn, 404)
  end
  uv.fs_realpath(session.root .. '/' .. rel, function(err, real)
    if err or not real then
      return self:respond(conn, 404)
    end
    if real:sub(1, #session.real_root + 1) ~= session.real_root .. '/' then
      return self:respond(conn, 403)
    end
    uv.fs_open(real, 'r', 0, function(oerr, fd)
      if oerr or not fd then
        return self:respond(conn, 404)
      end
      uv.fs_fstat(fd, function(serr, st)
        if serr or not st or st.type ~= 'file' then
          uv.fs_close(fd, function() end)
          return self:respond(conn, serr and 500 or 404)
        end
        if st.size > MAX_FILE then
          uv.fs_close(fd, function() end)
          return self:respond(conn, 413)
        end
        uv.fs_read(fd, st.size, 0, function(rerr, data)
          uv.fs_close(fd, function() end)
          if rerr or not data then
            return self:respond(conn, 500)
          end
          self:respond(conn, 200, data, {
            ['Content-Type'] = M.content_type(real),
            ['Cache-Control'] = 'no-cache',
          })
        end)
      end)
    end)
  end)
end

local function sse(event, data)
  local out = { 'event: ' .. event }
  for line in (tostring(data) .. '\n'):gmatch('([^\n]*)\n') do
    out[#out + 1] = 'data: ' .. line
  end
  return table.concat(out, '\n') .. '\n\n'
end

function Server:open_events(conn, session)
  conn.done = true
  self.pending[conn] = nil
  session.clients[conn] = true
  conn.session = session
  conn.sock:write(head(200, {
    ['Content-Type'] = 'text/event-stream; charset=utf-8',
    ['Cache-Control'] = 'no-store',
    ['Connection'] = 'keep-alive',
  }) .. 'retry: 1000\n\n')
  -- The page may have missed a change while it connected.
  for _, ev in ipairs(session.hello and session.hello() or {}) do
    conn.sock:write(sse(ev[1], ev[2]))
  end
end

function Server:route(conn, method, target)
  local path, query = target:match('^([^?#]*)%??([^#]*)')
  local token, rest = (path or ''):match('^/(%x+)(/.*)$')
  local session = token and self.sessions[token]
  if not session then
    return self:respond(conn, 403)
  end
  if method ~= 'GET' then
    return self:respond(conn, 405, nil, { Allow = 'GET' })
  end
  if rest == '/' then
    local html, version = session.page()
    if not html then
      return self:respond(conn, 500)
    end
    return self:respond(conn, 200, html, {
      ['Content-Type'] = 'text/html; charset=utf-8',
      ['X-Mdpost-Version'] = tostring(version or 0),
    })
  elseif rest == '/events' then
    return self:open_events(conn, session)
  elseif rest == '/ack' then
    if session.on_ack then
      session.on_ack(M.parse_query(query))
    end
    return self:respond(conn, 204, '', { ['Content-Type'] = 'text/plain' })
  end
  local raw = rest:match('^/site/(.*)$')
  if not raw and session.loose then
    raw = rest:sub(2)  -- relative links of a post outside any site
  end
  if raw then
    local rel = M.safe_relpath(raw)
    if not rel then
      return self:respond(conn, 403)
    end
    return self:serve_file(conn, session, rel)
  end
  return self:respond(conn, 404)
end

function Server:on_data(conn, chunk)
  if conn.done then
    return  -- a request per connection; the rest (or an SSE client's bytes) is ignored
  end
  conn.buf = conn.buf .. chunk
  local stop = conn.buf:find('\r\n\r\n', 1, true) or conn.buf:find('\n\n', 1, true)
  if not stop then
    if #conn.buf > MAX_HEADER then
      self:respond(conn, 431)
    end
    return
  end
  local method, target = conn.buf:match('^(%u+) (%S+) HTTP/%d%.%d\r?\n')
  if not method then
    return self:respond(conn, 400)
  end
  self:route(conn, method, target)
end

function Server:drop(conn)
  self.pending[conn] = nil
  if conn.session then
    conn.session.clients[conn] = nil
  end
  close(conn.sock)
end

function Server:accept()
  local sock = uv.new_tcp()
  if self.tcp:accept(sock) ~= 0 then
    close(sock)
    return
  end
  local conn = { sock = sock, buf = '', since = uv.now() }
  self.pending[conn] = true
  sock:read_start(function(err, chunk)
    if err or not chunk then
      return self:drop(conn)
    end
    self:on_data(conn, chunk)
  end)
end

--- Starts listening on 127.0.0.1:port (0: a free port). Returns the
--- server, or nil and a one-line reason. opts: heartbeat_ms, idle_ms.
function M.start(port, opts)
  opts = opts or {}
  local tcp = uv.new_tcp()
  local self = setmetatable({ tcp = tcp, sessions = {}, pending = {} }, Server)
  local ok, err = tcp:bind('127.0.0.1', port or 0)
  if ok then
    ok, err = tcp:listen(64, function(lerr)
      if not lerr then
        self:accept()
      end
    end)
  end
  if not ok then
    close(tcp)
    return nil, ('cannot listen on 127.0.0.1:%s (%s)'):format(tostring(port or 0), tostring(err))
  end
  self.port = tcp:getsockname().port
  -- Heartbeats for event streams; stalled connections are dropped.
  self.timer = uv.new_timer()
  local every, idle = opts.heartbeat_ms or HEARTBEAT_MS, opts.idle_ms or IDLE_MS
  self.timer:start(every, every, function()
    local now = uv.now()
    for conn in pairs(self.pending) do
      if now - conn.since > idle then
        self:drop(conn)
      end
    end
    for _, s in pairs(self.sessions) do
      for conn in pairs(s.clients) do
        if not conn.sock:is_closing() then
          conn.sock:write(': keep-alive\n\n')
        end
      end
    end
  end)
  return self
end

--- Adds a session: { root = site root (files under it are served) or nil,
--- loose = true to serve root's files at /TOKEN/REL too (a post outside
--- any site: its relative links resolve against the page's URL),
--- page = fn() -> html, version; hello = fn() -> list of {event, data}
--- sent to each new event stream; on_ack = fn(query table) }. Returns its
--- token.
function Server:add(session)
  local token = M.token()
  session.token = token
  session.clients = {}
  if session.root then
    session.real_root = uv.fs_realpath(session.root) or session.root
  end
  self.sessions[token] = session
  return token
end

--- Pushes an event to every open event stream of a session.
function Server:send(token, event, data)
  local s = self.sessions[token]
  if not s then
    return 0
  end
  local msg, n = sse(event, data), 0
  for conn in pairs(s.clients) do
    if not conn.sock:is_closing() then
      conn.sock:write(msg)
      n = n + 1
    end
  end
  return n
end

--- Number of event streams a session has open.
function Server:clients(token)
  local s = self.sessions[token]
  local n = 0
  for _ in pairs(s and s.clients or {}) do
    n = n + 1
  end
  return n
end

--- Removes a session and ends its event streams (after what was written).
function Server:remove(token)
  local s = self.sessions[token]
  if not s then
    return
  end
  self.sessions[token] = nil
  for conn in pairs(s.clients) do
    local sock = conn.sock
    if not sock:is_closing() then
      local ok = pcall(sock.shutdown, sock, function()
        close(sock)
      end)
      if not ok then
        close(sock)
      end
    end
  end
end

function Server:empty()
  return next(self.sessions) == nil
end

--- Closes the listening socket and every connection.
function Server:stop()
  for token in pairs(self.sessions) do
    self:remove(token)
  end
  for conn in pairs(self.pending) do
    close(conn.sock)
  end
  self.pending = {}
  if self.timer then
    self.timer:stop()
    close(self.timer)
  end
  close(self.tcp)
end

return M
