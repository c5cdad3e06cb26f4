-- :checkhealth mdpost with a working build, on the old and the new health API.
local T = require('harness')

T.test('plugin startup does not load the core', function()
  -- Only the plugin file ran at startup (minimal_init); the FileType
  -- autocmd has not fired in this fresh instance.
  T.eq(package.loaded['mdpost.native'], nil)
  T.eq(package.loaded['mdpost.diagnostics'], nil)
  T.eq(vim.fn.exists(':FrontMatterCheck'), 2)
end)

T.test('health reports Neovim, LuaJIT, the library, its versions and the site', function()
  vim.cmd('edit ' .. T.example('content/posts/second-post.md'))
  vim.cmd('checkhealth mdpost')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  T.matches(text, 'OK:? Neovim %d+%.%d+%.%d+')
  T.matches(text, 'OK:? LuaJIT with FFI')
  T.matches(text, 'OK:? .-/build/libmdpost%.so %(ABI 5%)')
  T.matches(text, 'preset hugo%-mainroad, schema preset hugo%-mainroad, heading ids github, timeZone UTC')
  T.matches(text, 'libyaml 0%.2')
  T.matches(text, 'OK:? hugo site at .-/examples/site')
  T.truthy(not text:find('ERROR'), 'no ERROR in:\n' .. text)
end)
