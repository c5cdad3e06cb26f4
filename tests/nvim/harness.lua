-- A small headless test harness. Each test file returns nothing and calls
-- T.test(name, fn); run.sh loads a file through T.run_file, which ends
-- Neovim with :cquit 1 on any failure (an error inside -c luafile would
-- otherwise still exit 0 on 0.7.2).
local T = {}

local tests = {}
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
T.root = root

function T.test(name, fn)
  tests[#tests + 1] = { name = name, fn = fn }
end

local function fmt(v)
  return type(v) == 'string' and ('%q'):format(v) or vim.inspect(v)
end

function T.eq(got, want, what)
  if not vim.deep_equal(got, want) then
    error(('%sgot %s, want %s'):format(what and (what .. ': ') or '', fmt(got), fmt(want)), 2)
  end
end

function T.truthy(v, what)
  if not v then
    error((what or 'expected a true value') .. ', got ' .. fmt(v), 2)
  end
end

function T.matches(s, pattern, what)
  if type(s) ~= 'string' or not s:find(pattern) then
    error(('%s%s does not match %q'):format(what and (what .. ': ') or '', fmt(s), pattern), 2)
  end
end

--- Waits (running the event loop) until fn() is true or ms pass.
function T.wait(ms, fn, what)
  local ok = vim.wait(ms, fn, 10)
  if not ok then
    error('timed out waiting for ' .. (what or 'a condition'), 2)
  end
end

--- Captures vim.notify calls during fn().
function T.notifications(fn)
  local seen = {}
  local orig = vim.notify
  vim.notify = function(msg, level)
    seen[#seen + 1] = { msg = msg, level = level }
  end
  local ok, e = pcall(fn)
  vim.notify = orig
  if not ok then
    error(e, 2)
  end
  return seen
end

--- A raw HTTP/1.1 exchange on 127.0.0.1:port, on Neovim's loop: status,
--- headers (lower-cased names), body; or nil and why.
function T.http(port, request)
  local sock = (vim.uv or vim.loop).new_tcp()
  local chunks, done, err = {}, false, nil
  sock:connect('127.0.0.1', port, function(cerr)
    if cerr then
      err, done = cerr, true
      return
    end
    sock:write(request)
    sock:read_start(function(rerr, chunk)
      if rerr or not chunk then
        err, done = rerr, true
        sock:close()
      else
        chunks[#chunks + 1] = chunk
      end
    end)
  end)
  T.wait(3000, function()
    return done
  end, 'the response to ' .. request:match('^[^\r]*'))
  if not sock:is_closing() then
    sock:close()
  end
  local raw = table.concat(chunks)
  local headpart, body = raw:match('^(.-)\r\n\r\n(.*)$')
  if not headpart then
    return nil, err or 'no response'
  end
  local status = tonumber(headpart:match('^HTTP/1%.1 (%d+)'))
  local headers = {}
  for k, v in headpart:gmatch('\r\n([^:\r\n]+): ([^\r\n]*)') do
    headers[k:lower()] = v
  end
  return status, headers, body
end

function T.fixture(rel)
  return root .. '/tests/fixtures/' .. rel
end

function T.example(rel)
  return root .. '/examples/site/' .. rel
end

local function out(s)
  io.stdout:write('\n' .. s .. '\n')  -- echoes may precede without a newline
end

-- Any deprecation warning is a failure: the plugin must be clean on 0.10+.
local deprecations = {}
if vim.deprecate then
  local orig = vim.deprecate
  vim.deprecate = function(name, ...)
    deprecations[#deprecations + 1] = name
    return orig(name, ...)
  end
end

function T.run_file(path)
  local ok, e = pcall(dofile, path)
  if not ok then
    out('ERROR loading ' .. path .. ': ' .. tostring(e))
    vim.cmd('cquit 1')
  end
  local passed, failed = 0, 0
  for _, t in ipairs(tests) do
    -- Each test starts from one clean buffer.
    pcall(vim.cmd, 'silent! %bwipeout!')
    local tok, terr = xpcall(t.fn, debug.traceback)
    if tok and #deprecations > 0 then
      tok, terr = false, 'deprecated API used: ' .. table.concat(deprecations, ', ')
      deprecations = {}
    end
    if tok then
      passed = passed + 1
    else
      failed = failed + 1
      out(('FAIL %s: %s'):format(t.name, terr))
    end
  end
  local v = vim.version()
  out(('%s (nvim %d.%d.%d): %d passed, %d failed'):format(
    vim.fn.fnamemodify(path, ':t'), v.major, v.minor, v.patch, passed, failed))
  vim.cmd(failed > 0 and 'cquit 1' or 'qall!')
end

return T
