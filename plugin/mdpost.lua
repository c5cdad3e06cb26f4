-- mdpost: checks and previews blog posts (Markdown with front matter).
-- Startup cost is a guard, a few commands and one autocmd: the core loads
-- only when a Markdown buffer or a command needs it.
if vim.g.loaded_mdpost then
  return
end
vim.g.loaded_mdpost = true

local function cmd(name, fn, opts)
  vim.api.nvim_create_user_command(name, fn, opts)
end

cmd('FrontMatterCheck', function(a)
  require('mdpost.commands').front_matter_check(a)
end, { bang = true, desc = 'mdpost: check the front matter (! = whole site into quickfix)' })

cmd('PostCheck', function(a)
  require('mdpost.commands').post_check(a)
end, { bang = true, desc = 'mdpost: check the post: front matter and links (! = whole site into quickfix)' })

cmd('PostPreview', function(a)
  require('mdpost.preview').command(a)
end, {
  nargs = '?',
  complete = function(lead)
    return require('mdpost.preview').complete(lead)
  end,
  desc = 'mdpost: preview the post: split, browser, close (no argument: toggle)',
})

vim.keymap.set('n', '<Plug>(mdpost-check)', '<Cmd>FrontMatterCheck<CR>', { desc = 'mdpost: check this post' })

local group = vim.api.nvim_create_augroup('mdpost', { clear = true })
-- Edited site settings take effect at once: sites are re-read on demand.
vim.api.nvim_create_autocmd('BufWritePost', {
  group = group,
  pattern = { '.mdpost.yaml', 'hugo.toml', 'hugo.yaml', 'hugo.json', 'config.toml',
    'config.yaml', 'config.json', '_config.yml', '*.schema.yaml', '*.schema.json' },
  desc = 'mdpost: re-read site settings',
  callback = function()
    if package.loaded['mdpost.native'] then
      require('mdpost.native').forget_sites()
      require('mdpost.diagnostics').refresh_all()
    end
  end,
})
vim.api.nvim_create_autocmd('FileType', {
  group = group,
  pattern = 'markdown',
  desc = 'mdpost: attach to Markdown buffers',
  callback = function(ev)
    require('mdpost').attach(ev.buf)
  end,
})
