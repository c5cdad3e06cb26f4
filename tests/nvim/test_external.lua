-- :PostLinkCheck against a loopback server (tests/http/server.py): verdicts
-- placed at their targets in their own namespace, positions that follow
-- edits, cancel, the cache.
local T = require('harness')
local ext_ns = vim.api.nvim_create_namespace('mdpost.external')
local main_ns = vim.api.nvim_create_namespace('mdpost')

-- The server, started once for the file.
local port
local server = vim.fn.jobstart({ 'python3', T.root .. '/tests/http/server.py' }, {
  on_stdout = function(_, data)
    port = port or tonumber(data[1])
  end,
})
assert(server > 0, 'cannot start tests/http/server.py')
assert(vim.wait(5000, function()
  return port ~= nil
end, 10), 'the server did not say its port')
local base = 'http://127.0.0.1:' .. port

local function fetch(path)
  local out = vim.fn.system({ 'python3', '-c',
    'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())',
    base .. path })
  return path == '/__stats' and vim.json.decode(out) or nil
end

local site = vim.fn.tempname()
vim.fn.mkdir(site .. '/content/posts', 'p')
local function write(rel, lines)
  vim.fn.writefile(lines, site .. '/' .. rel)
end
write('.mdpost.yaml', { 'external: { timeout_ms: 1000, retries: 1, retry_delay_ms: 100, cache: cache.mpk }' })
local post = {
  '---',
  'title: Links',
  'thumbnail: "' .. base .. '/missing/thumb.png"',
  '---',
  'Alive [ok](' .. base .. '/ok/a) and dead [x](' .. base .. '/missing/a).',
  '[gone](' .. base .. '/gone/a) then [moved](' .. base .. '/moved301/m)',
  'In code: `' .. base .. '/missing/code` is not a link.',
  '![img](' .. base .. '/missing/a#frag)',
}
write('content/posts/links.md', post)
write('content/posts/slow.md', { '# Slow', '', '[s](' .. base .. '/slow/a) [ok](' .. base .. '/ok/b)' })

-- "lnum:col-end_lnum:end_col code severity", in position order.
local function summary(buf)
  local list = vim.diagnostic.get(buf, { namespace = ext_ns })
  table.sort(list, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  local out = {}
  for _, d in ipairs(list) do
    out[#out + 1] = ('%d:%d-%d:%d %s %d'):format(d.lnum, d.col, d.end_lnum, d.end_col, d.code, d.severity)
  end
  return out
end

-- 0-based column range of `s` on a line of the buffer.
local function span(buf, lnum, s, nth)
  local line = vim.api.nvim_buf_get_lines(buf, lnum, lnum + 1, true)[1]
  local from = 1
  local a
  for _ = 1, nth or 1 do
    a = line:find(s, from, true)
    from = a + 1
  end
  return ('%d:%d-%d:%d'):format(lnum, a - 1, lnum, a - 1 + #s)
end

local function check_and_wait(ms)
  local done = false
  vim.api.nvim_create_autocmd('User', {
    pattern = 'MdpostLinksChecked',
    once = true,
    callback = function()
      done = true
    end,
  })
  vim.cmd('PostLinkCheck')
  T.wait(ms or 10000, function()
    return done
  end, 'the link check')
end

local W, I = vim.diagnostic.severity.WARN, vim.diagnostic.severity.INFO

T.test(':PostLinkCheck places dead URLs at their targets, in their own namespace', function()
  fetch('/__reset')
  vim.cmd('edit ' .. site .. '/content/posts/links.md')
  local buf = vim.api.nvim_get_current_buf()
  check_and_wait()
  local want = {
    span(buf, 2, '"' .. base .. '/missing/thumb.png"') .. ' link-external ' .. W,
    span(buf, 4, base .. '/missing/a') .. ' link-external ' .. W,
    span(buf, 5, base .. '/gone/a') .. ' link-external ' .. W,
    span(buf, 5, base .. '/moved301/m') .. ' link-redirect ' .. I,
    span(buf, 7, base .. '/missing/a#frag') .. ' link-external ' .. W,
  }
  T.eq(summary(buf), want)
  local d = vim.diagnostic.get(buf, { namespace = ext_ns, lnum = 5 })
  table.sort(d, function(a, b) return a.col < b.col end)
  T.eq(d[1].message, base .. '/gone/a is dead: HTTP 410 Gone')
  T.eq(d[1].source, 'mdpost')
  T.eq(d[2].message, base .. '/moved301/m has moved permanently to ' .. base .. '/ok/m: link to the new address')
  -- Each URL fetched once (the image repeats /missing/a), never the code span.
  local req = fetch('/__stats').requests
  T.eq(req['HEAD /missing/a'], 1)
  T.eq(req['HEAD /missing/code'], nil)
  -- An as-you-type check replaces its own namespace only.
  require('mdpost.diagnostics').run(buf)
  T.eq(#summary(buf), 5)
  T.eq(#vim.diagnostic.get(buf, { namespace = main_ns }), 0)
end)

T.test('the command returns at once and verdicts follow edits made meanwhile', function()
  vim.fn.delete(site .. '/cache.mpk')
  vim.cmd('edit ' .. site .. '/content/posts/links.md')
  local buf = vim.api.nvim_get_current_buf()
  local done = false
  vim.api.nvim_create_autocmd('User', { pattern = 'MdpostLinksChecked', once = true, callback = function()
    done = true
  end })
  local uv = vim.uv or vim.loop
  local t0 = uv.hrtime()
  vim.cmd('PostLinkCheck')
  T.truthy((uv.hrtime() - t0) / 1e6 < 500, 'the command returns before the answers')
  T.truthy(require('mdpost.external').running(buf), 'a check is running')
  -- Edit before the answers arrive: two lines above, text before a link.
  vim.api.nvim_buf_set_lines(buf, 4, 4, true, { 'New paragraph.', '' })
  vim.api.nvim_buf_set_text(buf, 7, 0, 7, 0, { 'Moved on: ' })
  T.wait(10000, function() return done end, 'the link check')
  T.eq(summary(buf)[2], span(buf, 6, base .. '/missing/a') .. ' link-external ' .. W)
  T.eq(summary(buf)[3], span(buf, 7, base .. '/gone/a') .. ' link-external ' .. W)
  T.eq(#summary(buf), 5)
  -- And after: the next as-you-type check moves them (diagnostics.lua calls on_checked).
  vim.api.nvim_buf_set_lines(buf, 4, 4, true, { 'One more line.' })
  vim.api.nvim_buf_set_lines(buf, 7, 8, true, { 'Dead at the start: [x](' .. base .. '/missing/a).' })
  require('mdpost.external').on_checked(buf)
  local got = summary(buf)
  T.eq(got[2], span(buf, 7, base .. '/missing/a') .. ' link-external ' .. W)
  T.eq(got[3], span(buf, 8, base .. '/gone/a') .. ' link-external ' .. W)
  T.eq(#got, 5)
end)

T.test('answers stay on their URLs through edits, without a parse', function()
  vim.cmd('edit ' .. site .. '/content/posts/links.md')
  local buf = vim.api.nvim_get_current_buf()
  check_and_wait()
  local ext = require('mdpost.external')
  -- Marks move with the text: a line above, words before the link.
  vim.api.nvim_buf_set_lines(buf, 4, 4, true, { 'Inserted.' })
  vim.api.nvim_buf_set_text(buf, 6, 0, 6, 0, { 'Before: ' })
  ext.place(buf)
  local got = summary(buf)
  T.eq(got[2], span(buf, 5, base .. '/missing/a') .. ' link-external ' .. W)
  T.eq(got[3], span(buf, 6, base .. '/gone/a') .. ' link-external ' .. W)
  -- An edit inside a URL: it is another URL now, not reported as the old.
  local line = vim.api.nvim_buf_get_lines(buf, 6, 7, true)[1]
  local at = line:find('/gone/a', 1, true)
  vim.api.nvim_buf_set_text(buf, 6, at, 6, at + 3, { 'GONE' })
  ext.place(buf)
  T.eq(#summary(buf), 4)
end)

T.test('a second check within the TTL sends no request', function()
  vim.cmd('edit ' .. site .. '/content/posts/links.md')
  local buf = vim.api.nvim_get_current_buf()
  check_and_wait()
  fetch('/__reset')
  check_and_wait()
  T.eq(next(fetch('/__stats').requests), nil, 'no request')
  local v = require('mdpost.external').verdicts(buf)
  T.eq(v[base .. '/gone/a'].cached, true)
  T.eq(#summary(buf), 5)
end)

T.test(':PostLinkCheck stop cancels; the answers so far stay', function()
  vim.cmd('edit ' .. site .. '/content/posts/slow.md')
  local buf = vim.api.nvim_get_current_buf()
  local ext = require('mdpost.external')
  vim.cmd('PostLinkCheck')
  local job = ext.job(buf)
  T.truthy(job, 'a job')
  T.wait(3000, function()
    return ext.verdicts(buf)[base .. '/ok/b'] ~= nil
  end, 'the fast answer')
  vim.cmd('PostLinkCheck stop')
  T.wait(2000, function() return not ext.running(buf) end, 'the stop')
  T.truthy(vim.fn.jobwait({ job }, 2000)[1] ~= -1, 'the child process ended')
  T.eq(ext.verdicts(buf)[base .. '/slow/a'], nil)
  T.eq(ext.verdicts(buf)[base .. '/ok/b'].verdict, 'ok')
end)

T.test('wiping the buffer cancels its check and forgets it', function()
  vim.cmd('edit ' .. site .. '/content/posts/slow.md')
  local buf = vim.api.nvim_get_current_buf()
  local ext = require('mdpost.external')
  vim.cmd('PostLinkCheck')
  local job = ext.job(buf)
  T.truthy(job, 'a job')
  vim.cmd('bwipeout! ' .. buf)
  T.eq(ext.running(buf), false)
  T.truthy(vim.fn.jobwait({ job }, 2000)[1] ~= -1, 'the child process ended')
end)

T.test(':PostLinkCheck with a wrong argument says so', function()
  vim.cmd('edit ' .. site .. '/content/posts/slow.md')
  local seen = T.notifications(function()
    vim.cmd('PostLinkCheck now')
  end)
  T.eq(#seen, 1)
  T.matches(seen[1].msg, 'takes no argument or `stop`')
  T.eq(require('mdpost.external').running(0), false)
end)

T.test('the `stop` completion', function()
  T.eq(vim.fn.getcompletion('PostLinkCheck ', 'cmdline'), { 'stop' })
end)
