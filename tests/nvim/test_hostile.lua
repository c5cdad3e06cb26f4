-- Bad input in the editor: no error raised at the user, nothing modified,
-- huge buffers degrade with one notice.
local T = require('harness')

local function checksum(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return vim.fn.sha256(s)
end

T.test('no command changes the buffer or the file', function()
  local path = T.example('content/posts/paris-ai-summit/index.md')
  local before = checksum(path)
  vim.cmd('edit ' .. path)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, true)
  local tick = vim.api.nvim_buf_get_changedtick(0)
  for _, c in ipairs({ 'FrontMatterCheck', 'PostCheck', 'checkhealth mdpost' }) do
    vim.cmd(c)
    vim.cmd('silent! buffer ' .. vim.fn.bufnr(path))
  end
  vim.cmd('normal! zMzR')
  T.eq(vim.api.nvim_buf_get_lines(vim.fn.bufnr(path), 0, -1, true), lines)
  T.eq(vim.api.nvim_buf_get_changedtick(vim.fn.bufnr(path)), tick)
  T.eq(vim.bo[vim.fn.bufnr(path)].modified, false)
  T.eq(checksum(path), before)
end)

T.test('binary, NUL bytes, invalid UTF-8 and deep nesting raise nothing', function()
  vim.cmd('enew')
  vim.bo.filetype = 'markdown'
  local buf = vim.api.nvim_get_current_buf()
  local junk = {}
  for i = 1, 200 do
    local a, b = i % 256, (i * 7) % 256
    a = (a == 10 or a == 13) and 11 or a
    b = (b == 10 or b == 13) and 11 or b
    junk[#junk + 1] = string.char(a, b, 0, 255) .. '[x](' .. string.rep('>', i)
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, true, junk)
  local ok, err = pcall(vim.cmd, 'PostCheck')
  T.truthy(ok, tostring(err))
  -- cmark-gfm takes any depth: the link 300 block quotes deep is checked.
  vim.api.nvim_buf_set_lines(buf, 0, -1, true, { string.rep('> ', 300) .. 'deep [x](#nowhere)' })
  ok, err = pcall(vim.cmd, 'PostCheck')
  T.truthy(ok, tostring(err))
  local d = vim.diagnostic.get(buf, { namespace = vim.api.nvim_create_namespace('mdpost') })
  T.eq(#d, 1)
  T.eq(d[1].code, 'link-anchor')
  T.eq(d[1].col, 609)
end)

T.test('a buffer over max_size: one notice, no checks as you type', function()
  vim.g.mdpost = { max_size = 1000 }
  local notes = T.notifications(function()
    vim.cmd('enew')
    vim.bo.filetype = 'markdown'
    local buf = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_lines(buf, 0, -1, true, vim.fn['repeat']({ 'title: a: b' }, 200))
    vim.api.nvim_buf_set_lines(buf, 0, 0, true, { '---' })
    vim.cmd('doautocmd TextChanged')
    vim.wait(400)
    vim.api.nvim_buf_set_lines(buf, 1, 2, true, { 'title: x: y' })
    vim.cmd('doautocmd TextChanged')
    vim.wait(400)
    T.eq(vim.tbl_map(function(d)
      return d.message
    end, vim.diagnostic.get(buf)), {})
  end)
  local big = vim.tbl_filter(function(n)
    return n.msg:find('pause above', 1, true) ~= nil
  end, notes)
  T.eq(#big, 1)
  vim.g.mdpost = nil
end)
