-- Loads mdpost from this checkout for `make demo`, with nothing else.
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.runtimepath:prepend(root)
vim.opt.swapfile = false
package.path = root .. '/examples/?.lua;' .. package.path
vim.cmd('filetype plugin indent on')
vim.cmd('syntax on')
vim.diagnostic.config({ virtual_text = true, underline = true, signs = true })
vim.cmd('runtime plugin/mdpost.lua')
