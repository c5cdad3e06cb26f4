" :PostPreview: the post's HTML (what `mdpost render` prints) in a scratch
" split named after the post (as in Neovim), refreshed on write and on
" CursorHold; no argument toggles it.

function! s:render(dir, file) abort
  return T_system(a:dir, g:T_cli . ' render ' . shellescape(a:file) . ' 2>/dev/null', 0)
endfunction

function! s:preview_buf() abort
  return bufnr('^mdpost://preview/')
endfunction

function! Test_preview_shows_the_rendered_html() abort
  for [post, name] in [['content/posts/paris-ai-summit/index.md', 'paris-ai-summit.html'],
        \ ['content/posts/second-post.md', 'second-post.html']]
    execute 'edit ' . fnameescape(post)
    let src = win_getid()
    PostPreview
    call assert_equal(src, win_getid(), 'the cursor stays in the post')
    let pbuf = s:preview_buf()
    call assert_equal('mdpost://preview/' . name, bufname(pbuf))
    call assert_equal(winnr() + 1, bufwinnr(pbuf), 'to the right of the post')
    call assert_equal(1, len(win_findbuf(pbuf)))
    call assert_equal(2, winnr('$'))
    call assert_equal('html', getbufvar(pbuf, '&filetype'))
    call assert_equal('nofile', getbufvar(pbuf, '&buftype'))
    call assert_equal(0, getbufvar(pbuf, '&modifiable'))
    call assert_equal(s:render(g:T_site, post), getbufline(pbuf, 1, '$'), post)
    PostPreview close
    call assert_equal(-1, s:preview_buf())
    call assert_equal(1, winnr('$'))
  endfor
endfunction

function! Test_preview_html_line_by_line() abort
  edit content/posts/second-post.md
  PostPreview
  let lines = getbufline(s:preview_buf(), 1, '$')
  call assert_equal('<p>巴黎峰会落幕两天后，我们采访了几位长期参与开源模型项目的开发者。峰会本身的报道见<a href="../paris-ai-summit/">上一篇</a>。</p>', lines[0])
  call assert_match('^<h2.*>背景</h2>$', lines[1])
  call assert_match('^<h3.*>下一步计划？</h3>$', lines[-2])
endfunction

function! Test_preview_follows_cursorhold_and_write() abort
  let site = T_site_copy()
  execute 'edit ' . fnameescape(site . '/content/posts/second-post.md')
  PostPreview
  let pbuf = s:preview_buf()
  let before = getbufline(pbuf, 1, '$')
  call append('$', ['', '新增的一段。'])
  " Not re-rendered until Vim is idle (CursorHold) or the post is written.
  call assert_equal(before, getbufline(pbuf, 1, '$'))
  doautocmd CursorHold
  call assert_equal(before + ['<p>新增的一段。</p>'], getbufline(pbuf, 1, '$'))
  call setline('$', '改过的一段。')
  write
  call assert_equal(s:render(site, 'content/posts/second-post.md'), getbufline(pbuf, 1, '$'))
  call assert_equal('<p>改过的一段。</p>', getbufline(pbuf, '$')[0])
  " Fewer lines: nothing stale is left at the end.
  call deletebufline('', 15, '$')
  doautocmd CursorHold
  call assert_equal([], getbufline(pbuf, 1, '$')[1:])
endfunction

function! Test_preview_toggles_reuses_its_split_and_closes_from_it() abort
  edit content/posts/second-post.md
  PostPreview split
  PostPreview split
  call assert_equal(2, winnr('$'))
  " No argument: the post has a preview, so it closes.
  PostPreview
  call assert_equal(1, winnr('$'))
  call assert_equal(-1, s:preview_buf())
  PostPreview
  call assert_equal(2, winnr('$'))
  " Its window closed: the preview ends; the next :PostPreview opens it.
  execute bufwinnr(s:preview_buf()) . 'wincmd w'
  close
  call assert_equal(1, winnr('$'))
  call assert_equal(-1, s:preview_buf())
  PostPreview
  call assert_equal(2, winnr('$'))
  " From inside the preview, the commands are about its post.
  execute bufwinnr(s:preview_buf()) . 'wincmd w'
  PostPreview close
  call assert_equal(1, winnr('$'))
  call assert_equal(-1, s:preview_buf())
  call assert_match('second-post.md$', bufname(''))
  PostPreview split
  execute bufwinnr(s:preview_buf()) . 'wincmd w'
  PostPreview
  call assert_equal(-1, s:preview_buf())
endfunction

function! Test_preview_closes_with_its_post() abort
  edit content/posts/second-post.md
  let post = bufnr('')
  PostPreview
  call assert_notequal(-1, s:preview_buf())
  execute 'bwipeout ' . post
  call assert_equal(-1, s:preview_buf())
  call assert_equal(1, winnr('$'))
endfunction

function! Test_two_posts_named_alike_get_two_previews() abort
  let dir = tempname()
  call mkdir(dir . '/a', 'p')
  call mkdir(dir . '/b', 'p')
  call writefile(['# A'], dir . '/a/post.md')
  call writefile(['# B'], dir . '/b/post.md')
  execute 'edit ' . fnameescape(dir . '/a/post.md')
  PostPreview
  execute 'split ' . fnameescape(dir . '/b/post.md')
  let b = bufnr('')
  PostPreview
  call assert_notequal(-1, bufnr('^mdpost://preview/post.html$'))
  call assert_notequal(-1, bufnr('^mdpost://preview/post-' . b . '.html$'))
  call assert_match('>B</h1>$', getbufline(bufnr('^mdpost://preview/post-' . b . '.html$'), 1)[0])
endfunction

function! Test_preview_usage_error() abort
  edit content/posts/second-post.md
  let msg = execute('PostPreview bogus')
  call assert_match('mdpost: usage: :PostPreview \[split|close\]', msg)
  call assert_equal(-1, s:preview_buf())
  let msg = execute('PostPreview browser')
  call assert_match('mdpost: the browser preview needs Neovim; in Vim, :PostPreview split', msg)
  call assert_equal(-1, s:preview_buf())
  call assert_equal(['split', 'close'], getcompletion('PostPreview ', 'cmdline'))
endfunction

function! Test_preview_opens_quietly() abort
  edit content/posts/second-post.md
  let msg = execute('PostPreview')
  call assert_equal('', msg)
  call assert_equal(0, getbufvar(s:preview_buf(), '&buflisted'))
  call assert_equal(0, getbufvar(s:preview_buf(), '&swapfile'))
endfunction
