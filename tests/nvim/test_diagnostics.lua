-- As-you-type diagnostics and :FrontMatterCheck on the example site.
local T = require('harness')
local ns = vim.api.nvim_create_namespace('mdpost')

local function summary(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf, { namespace = ns })) do
    out[#out + 1] = ('%d:%d-%d:%d %s'):format(d.lnum, d.col, d.end_lnum, d.end_col, d.code)
  end
  table.sort(out)
  return out
end

local function checksum(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return vim.fn.sha256(s)
end

-- Runs a whole-site command (:FrontMatterCheck! or :PostCheck!) from the
-- second example post and waits for its quickfix list.
local function site_check(command)
  vim.cmd('edit ' .. T.example('content/posts/second-post.md'))
  local done = false
  vim.api.nvim_create_autocmd('User', {
    pattern = 'MdpostSiteChecked',
    once = true,
    callback = function()
      done = true
    end,
  })
  vim.cmd(command)
  T.wait(10000, function()
    return done
  end, 'the site check')
  return vim.fn.getqflist()
end

T.test('opening a post shows its front matter problems', function()
  local path = T.example('content/posts/paris-ai-summit/index.md')
  local before = checksum(path)
  vim.cmd('edit ' .. path)
  T.eq(vim.bo.filetype, 'markdown')
  -- Front matter problems at once; link problems when the site's index,
  -- built on a thread, is ready and the buffer is re-checked.
  T.wait(5000, function()
    return #vim.diagnostic.get(0, { namespace = ns }) >= 6
  end, 'diagnostics')
  -- examples/site/DEFECTS.md: `tags` as a string (line 11), the typo
  -- `autorbox` (16), `toc` given twice (the second, line 25), under the
  -- hugo-mainroad preset chosen by examples/site/.mdpost.yaml; an anchor no
  -- heading has (46), an image missing from the bundle (58), a post that
  -- does not exist (68) — each at its link target.
  T.eq(summary(0), { '10:6-10:18 fm-type', '15:0-15:8 fm-unknown-key', '24:0-24:3 fm-duplicate-key',
    '45:132-45:160 link-anchor', '57:19-57:34 link-file', '67:153-67:177 link-file' })
  local d = vim.diagnostic.get(0, { namespace = ns, severity = vim.diagnostic.severity.WARN })[1]
  T.eq(d.code, 'fm-unknown-key')
  T.matches(d.message, 'did you mean `authorbox`')
  d = vim.diagnostic.get(0, { namespace = ns, lnum = 24 })[1]
  T.eq(d.source, 'mdpost')
  T.eq(d.severity, vim.diagnostic.severity.ERROR)
  T.eq(checksum(path), before, 'the file is untouched')
  T.eq(vim.bo.modified, false)
end)

T.test(':FrontMatterCheck fills the location list at exact positions', function()
  vim.cmd('edit ' .. T.example('content/posts/broken-front-matter.md'))
  vim.cmd('FrontMatterCheck')
  local ll = vim.fn.getloclist(0)
  T.eq(#ll, 1)
  T.eq({ ll[1].lnum, ll[1].col, ll[1].type }, { 2, 20, 'E' })
  T.matches(ll[1].text, '%[fm%-syntax%]$')
  T.eq(summary(0), { '1:19-1:20 fm-syntax' })
end)

T.test('diagnostics follow edits after the debounce', function()
  vim.cmd('enew')
  vim.bo.filetype = 'markdown'
  vim.api.nvim_buf_set_lines(0, 0, -1, true, { '---', 'title: ok', '---', 'body' })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return require('mdpost.diagnostics').attached(vim.api.nvim_get_current_buf())
  end, 'attach')
  T.eq(summary(0), {})
  -- Break it: an unquoted `: ` inside the title.
  vim.api.nvim_buf_set_lines(0, 1, 2, true, { 'title: a: b' })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return #summary(0) == 1
  end, 'the new error')
  T.eq(summary(0), { '1:8-1:9 fm-syntax' })
  -- Fix it again: the diagnostic goes away.
  vim.api.nvim_buf_set_lines(0, 1, 2, true, { 'title: "a: b"' })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return #summary(0) == 0
  end, 'the error to clear')
end)

T.test('wiping the buffer detaches', function()
  vim.cmd('edit ' .. T.example('content/posts/broken-front-matter.md'))
  local buf = vim.api.nvim_get_current_buf()
  T.wait(2000, function()
    return require('mdpost.diagnostics').attached(buf)
  end, 'attach')
  vim.cmd('bwipeout! ' .. buf)
  T.eq(require('mdpost.diagnostics').attached(buf), false)
end)

T.test('vim.b.mdpost = {enabled = false} keeps a buffer out', function()
  vim.cmd('enew')
  vim.b.mdpost = { enabled = false }
  vim.bo.filetype = 'markdown'
  T.eq(require('mdpost.diagnostics').attached(vim.api.nvim_get_current_buf()), false)
end)

T.test(':FrontMatterCheck! checks the whole site into quickfix', function()
  local got = {}
  for _, item in ipairs(site_check('FrontMatterCheck!')) do
    got[#got + 1] = ('%s:%d:%d'):format(vim.fn.fnamemodify(vim.fn.bufname(item.bufnr), ':t'), item.lnum, item.col)
  end
  table.sort(got)
  T.eq(got, { 'broken-front-matter.md:2:20', 'index.md:11:7', 'index.md:16:1', 'index.md:25:1',
    'second-post.md:3:7' })
  -- The CLI reported its progress to the end: all 3 posts.
  T.eq(vim.g.mdpost_last_progress, '3/3')
end)

local function write(path, lines)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  vim.fn.writefile(lines, path)
end

T.test('site settings: problems said once, edits to .mdpost.yaml take effect', function()
  local root = vim.fn.tempname()
  write(root .. '/hugo.toml', { 'title = "t"' })
  write(root .. '/.mdpost.yaml', { 'preset: nope' })
  write(root .. '/content/a.md', { '---', 'title: t', 'thumbnial: x.png', '---', 'body' })
  require('mdpost.native').forget_sites()
  local notes = T.notifications(function()
    vim.cmd('edit ' .. root .. '/content/a.md')
    T.wait(2000, function()
      return require('mdpost.diagnostics').attached(vim.api.nvim_get_current_buf())
    end, 'attach')
    vim.cmd('FrontMatterCheck')
  end)
  local warned = vim.tbl_filter(function(n)
    return n.msg:find('preset must be', 1, true) ~= nil
  end, notes)
  T.eq(#warned, 1, 'one warning for the bad preset')
  T.matches(warned[1].msg, '%.mdpost%.yaml:1:9: preset must be hugo')
  -- The bad preset is ignored: the site is Hugo's, so `thumbnial` is a near
  -- miss of nothing in the hugo preset and nothing is reported.
  T.eq(summary(0), {})
  -- Choose Mainroad in .mdpost.yaml and write it: the post is re-checked.
  local post = vim.api.nvim_get_current_buf()
  vim.cmd('split ' .. root .. '/.mdpost.yaml')
  vim.api.nvim_buf_set_lines(0, 0, -1, true, { 'preset: hugo-mainroad' })
  vim.cmd('write')
  T.wait(2000, function()
    return #summary(post) == 1
  end, 're-check after writing .mdpost.yaml')
  T.eq(summary(post), { '2:0-2:9 fm-unknown-key' })
end)

T.test('fixing a link clears its diagnostic as you type', function()
  vim.cmd('edit ' .. T.example('content/posts/paris-ai-summit/index.md'))
  local buf = vim.api.nvim_get_current_buf()
  T.wait(5000, function()
    return #summary(buf) >= 6
  end, 'all diagnostics')
  local line = vim.api.nvim_buf_get_lines(buf, 57, 58, true)[1]
  T.matches(line, 'group%-photo%.png')
  -- The bundle has cover.png: point the image at it.
  vim.api.nvim_buf_set_lines(buf, 57, 58, true, { (line:gsub('group%-photo%.png', 'cover.png')) })
  vim.cmd('doautocmd TextChanged')
  T.wait(2000, function()
    return not vim.tbl_contains(summary(buf), '57:19-57:34 link-file')
  end, 'the link-file diagnostic to clear')
  T.eq(#summary(buf), 5)
  vim.cmd('bwipeout!')
end)

T.test(':PostCheck lists every problem of the post, links included', function()
  vim.cmd('edit ' .. T.example('content/posts/paris-ai-summit/index.md'))
  T.wait(5000, function()
    return require('mdpost.native').index_ready(require('mdpost.native').site(vim.api.nvim_buf_get_name(0)))
  end, 'the index')
  vim.cmd('PostCheck')
  local got = {}
  for _, item in ipairs(vim.fn.getloclist(0)) do
    got[#got + 1] = ('%d:%d %s'):format(item.lnum, item.col, item.text:match('%[([%w-]+)%]$'))
  end
  T.eq(got, { '11:7 fm-type', '16:1 fm-unknown-key', '25:1 fm-duplicate-key', '46:133 link-anchor',
    '58:20 link-file', '68:154 link-file' })
end)

T.test('writing a post re-indexes the site: links into it follow', function()
  local root = vim.fn.tempname()
  write(root .. '/hugo.toml', { 'title = "t"' })
  write(root .. '/content/posts/a.md', { '---', 'title: A', '---', '[to b](../b/#later)' })
  write(root .. '/content/posts/b.md', { '---', 'title: B', '---', '## Now' })
  require('mdpost.native').forget_sites()
  vim.cmd('edit ' .. root .. '/content/posts/a.md')
  local a = vim.api.nvim_get_current_buf()
  T.wait(5000, function()
    return vim.tbl_contains(summary(a), '3:12-3:18 link-anchor')
  end, 'the missing anchor')
  -- Add the heading to b and write it: a's link is fine once re-indexed.
  vim.cmd('split ' .. root .. '/content/posts/b.md')
  vim.api.nvim_buf_set_lines(0, -1, -1, true, { '## Later' })
  vim.cmd('write')
  T.wait(5000, function()
    return #summary(a) == 0
  end, 'the anchor to resolve after the write')
end)

T.test(':PostCheck! puts every problem of the site in quickfix', function()
  local got = {}
  for _, item in ipairs(site_check('PostCheck!')) do
    got[#got + 1] = ('%s:%d:%d %s'):format(vim.fn.fnamemodify(vim.fn.bufname(item.bufnr), ':t'),
      item.lnum, item.col, item.text:match('%[([%w-]+)%]$'))
  end
  T.eq(got, { 'broken-front-matter.md:2:20 fm-syntax', 'index.md:11:7 fm-type', 'index.md:16:1 fm-unknown-key',
    'index.md:25:1 fm-duplicate-key', 'index.md:46:133 link-anchor', 'index.md:58:20 link-file',
    'index.md:68:154 link-file', 'second-post.md:3:7 fm-date' })
  T.eq(vim.g.mdpost_last_progress, '3/3')
end)
