-- Does :PostLinkCheck keep the editor responsive? A post with 500 external
-- URLs (a third dead, each answer after 20 ms) checked against the loopback
-- server (tests/http/server.py), cache off, while a 1 ms repeating timer
-- records the longest gap between its runs: any work on the main loop
-- (reading the child's lines, placing diagnostics) shows up as a gap.
--   nvim --headless -u tests/nvim/minimal_init.lua -i NONE -n -c 'luafile bench/external_stall.lua'
-- Prints one line and exits (1 when the check did not finish).
local uv = vim.uv or vim.loop
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
local N = tonumber(vim.env.STALL_URLS) or 500
local EVERY = tonumber(vim.env.STALL_DEAD_EVERY) or 3  -- every EVERY-th URL is dead

local function out(s)
  io.stdout:write(s .. '\n')
end

local port
local server = vim.fn.jobstart({ 'python3', root .. '/tests/http/server.py' }, {
  on_stdout = function(_, data)
    port = port or tonumber(data[1])
  end,
})
if server <= 0 or not vim.wait(5000, function() return port ~= nil end, 10) then
  out('external-stall: cannot start tests/http/server.py')
  vim.cmd('cquit 1')
end
local base = 'http://127.0.0.1:' .. port

local site = vim.fn.tempname()
vim.fn.mkdir(site .. '/content/posts', 'p')
vim.fn.writefile({ 'external: { concurrency: 16, per_host: 8, cache_ttl_s: 0 }' }, site .. '/.mdpost.yaml')
local lines = { '---', 'title: Many links', '---', '' }
local dead = 0
for i = 1, N do
  local url = i % EVERY == 0 and (base .. '/missing/' .. i) or (base .. '/delay/20/' .. i)
  dead = dead + (i % EVERY == 0 and 1 or 0)
  lines[#lines + 1] = ('Paragraph %d with [a link](%s) in it.'):format(i, url)
  lines[#lines + 1] = ''
end
vim.fn.writefile(lines, site .. '/content/posts/many.md')
vim.cmd('edit ' .. site .. '/content/posts/many.md')
local buf = vim.api.nvim_get_current_buf()
local ext = require('mdpost.external')
local ns = ext.ns

-- How long each placement of the answers takes (the main loop's own work).
local place_max, place_n = 0, 0
local place = ext.place
ext.place = function(b)
  local t = uv.hrtime()
  place(b)
  place_max = math.max(place_max, (uv.hrtime() - t) / 1e6)
  if vim.env.STALL_VERBOSE then out(("place %.1f ms"):format((uv.hrtime() - t) / 1e6)) end
  place_n = place_n + 1
end

local gaps, last = {}, nil
local ticker = uv.new_timer()
local started = uv.hrtime()

local function finish(ok)
  ticker:stop()
  ticker:close()
  table.sort(gaps)
  local max = gaps[#gaps] or 0
  local over = 0
  for _, g in ipairs(gaps) do
    over = over + (g > 16 and 1 or 0)
  end
  local p99 = gaps[math.max(1, math.floor(#gaps * 0.99))] or 0
  local got = #vim.diagnostic.get(buf, { namespace = ns })
  out(('external-stall: %d URLs (%d dead, %d reported) checked in %.2f s; main loop: max gap %.1f ms, '
    .. 'p99 %.1f ms, %d gaps over 16 ms in %d ticks; placing answers: %d times, max %.1f ms'):format(
    N, dead, got, (uv.hrtime() - started) / 1e9, max, p99, over, #gaps, place_n, place_max))
  vim.fn.jobstop(server)
  vim.cmd(ok and got == dead and 'qall!' or 'cquit 1')
end

vim.api.nvim_create_autocmd('User', {
  pattern = 'MdpostLinksChecked',
  once = true,
  callback = function()
    finish(true)
  end,
})
-- Let the as-you-type check of the opened buffer run first: it is not
-- what is measured.
vim.defer_fn(function()
  ticker:start(1, 1, function()
    local now = uv.hrtime()
    if last then
      gaps[#gaps + 1] = (now - last) / 1e6
    end
    last = now
  end)
  started = uv.hrtime()
  vim.cmd('PostLinkCheck')
  vim.defer_fn(function()
    out('external-stall: the check did not finish in 120 s')
    finish(false)
  end, 120000)
end, 500)
