-- Loads the plugin from this checkout only: no user config, no other plugins.
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
vim.opt.runtimepath:prepend(root)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype on')
vim.cmd('runtime plugin/mdpost.lua')
package.path = root .. '/tests/nvim/?.lua;' .. package.path
