-- doc/mdpost.txt: valid tags, and every command and <Plug> map documented.
local T = require('harness')

T.test(':helptags accepts doc/ and :help mdpost opens it', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(T.root .. '/doc/mdpost.txt'), dir .. '/doc/mdpost.txt')
  vim.cmd('helptags ' .. dir .. '/doc')  -- raises on duplicate tags
  vim.opt.runtimepath:prepend(dir)
  vim.cmd('help mdpost')
  T.matches(vim.api.nvim_buf_get_name(0), 'mdpost%.txt$')
  local tags = table.concat(vim.fn.readfile(dir .. '/doc/tags'), '\n')
  for _, tag in ipairs({ ':FrontMatterCheck', '<Plug>(mdpost-check)', 'mdpost-health', 'mdpost-cli',
    'mdpost-fm-syntax', 'mdpost-fm-unclosed', 'mdpost-fm-duplicate-key', 'g:mdpost_library' }) do
    T.truthy(tags:find(tag, 1, true), 'tag ' .. tag)
  end
  -- Every user command the plugin defines has a help tag.
  for name, _ in pairs(vim.api.nvim_get_commands({})) do
    if name:find('^FrontMatter') or name:find('^Post') then
      T.truthy(tags:find(':' .. name .. '\t', 1, true), 'help for :' .. name)
    end
  end
  vim.cmd('helpclose')
end)
