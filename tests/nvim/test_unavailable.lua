-- Without a usable library: one clear line, never an error, and
-- :checkhealth says how to fix it.
local T = require('harness')

local function health_text()
  vim.cmd('checkhealth mdpost')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  return text
end

T.test('missing library: one line from :FrontMatterCheck, health explains', function()
  vim.g.mdpost_library = '/nonexistent/libmdpost.so'
  package.loaded['mdpost.native'] = nil
  local notes = T.notifications(function()
    vim.cmd('edit ' .. T.example('content/posts/broken-front-matter.md'))
    vim.cmd('FrontMatterCheck')
  end)
  -- One warning when the buffer attached, one error from the command.
  T.eq(#notes, 2)
  for _, n in ipairs(notes) do
    T.eq(select(2, n.msg:gsub('\n', '')), 0, 'a single line')
    T.matches(n.msg, '^mdpost: library not built: /nonexistent/libmdpost.so is missing; run `make` in ')
  end
  T.eq(notes[2].level, vim.log.levels.ERROR)
  T.eq(#vim.diagnostic.get(0), 0)
  local text = health_text()
  T.matches(text, 'ERROR:? .-/nonexistent/libmdpost.so is missing')
  T.matches(text, 'make deps')
end)

T.test('stale library (other ABI): says so and asks for make', function()
  if vim.fn.executable('cc') ~= 1 then
    error('cc is needed to build a stale library for this test')
  end
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local c = dir .. '/stale.c'
  local f = assert(io.open(c, 'w'))
  f:write('int mdpost_abi_version(void) { return 999; }\n')
  f:close()
  local so = dir .. '/libmdpost.so'
  vim.fn.system({ 'cc', '-shared', '-fPIC', '-o', so, c })
  T.eq(vim.v.shell_error, 0)
  vim.g.mdpost_library = so
  package.loaded['mdpost.native'] = nil
  local native = require('mdpost.native')
  local lib, err = native.load()
  T.eq(lib, nil)
  T.matches(err, '^library is stale: ABI 999, the plugin wants 5; run `make` in ')
  T.matches(health_text(), 'library is stale')
end)
