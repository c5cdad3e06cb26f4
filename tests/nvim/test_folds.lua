-- Folds: the front matter as one, heading sections by level.
local T = require('harness')

T.test('front matter and heading sections fold, with readable fold text', function()
  vim.cmd('edit ' .. T.example('content/posts/paris-ai-summit/index.md'))
  T.eq(vim.wo.foldmethod, 'expr')
  T.eq(vim.wo.foldlevel, 99)
  vim.cmd('normal! zM')
  -- Front matter: lines 1-26 as one fold, titled by the post.
  T.eq({ vim.fn.foldclosed(10), vim.fn.foldclosedend(10) }, { 1, 26 })
  T.eq(vim.fn.foldtextresult(1), '--- 巴黎人工智能峰会闭幕：数十国签署开放合作声明 (front matter, 26 lines)')
  -- "## 峰会概况" (line 34) runs to the line before "## 宣言要点" (44);
  -- the post has no #, so ## folds at level 1 and ### inside at 2.
  T.eq({ vim.fn.foldclosed(36), vim.fn.foldclosedend(36) }, { 34, 43 })
  T.eq(vim.fn.foldtextresult(34), '## 峰会概况 (10 lines)')
  T.eq(vim.fn.foldlevel(40), 2)
  -- Lines between the front matter and the first heading are not folded.
  T.eq(vim.fn.foldlevel(30), 0)
end)

T.test('folds follow edits (levels recomputed per changedtick)', function()
  vim.cmd('enew')
  vim.bo.filetype = 'markdown'
  vim.api.nvim_buf_set_lines(0, 0, -1, true, { '# A', 'x', '# B', 'y' })
  T.eq(require('mdpost.fold').expr(3), '>1')
  vim.api.nvim_buf_set_lines(0, 2, 3, true, { '## B' })
  T.eq(require('mdpost.fold').expr(3), '>2')
end)

T.test('folds = false leaves the window alone; other buffers keep theirs', function()
  vim.g.mdpost = { folds = false }
  vim.cmd('edit ' .. T.example('content/posts/second-post.md'))
  T.eq(vim.wo.foldmethod, 'manual')
  vim.g.mdpost = nil
  -- A post, then a plain file in the same window: its folds are its own.
  vim.cmd('edit ' .. T.example('content/posts/paris-ai-summit/index.md'))
  T.eq(vim.wo.foldmethod, 'expr')
  vim.cmd('edit ' .. T.example('hugo.toml'))
  T.eq(vim.wo.foldmethod, 'manual')
end)
