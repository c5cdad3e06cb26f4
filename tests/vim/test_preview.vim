" :PostPreview: the post's HTML (what `mdpost render` prints) in a scratch
" split named after the post, refreshed on write and on CursorHold.

function! s:render(dir, file) abort
  return T_system(a:dir, g:T_cli . ' render ' . shellescape(a:file) . ' 2>/dev/null', 0)
endfunction

function! s:preview_buf() abort
  return bufnr('^mdpost-preview://')
endfunction

function! Test_preview_shows_the_rendered_html() abort
  for post in ['content/posts/paris-ai-summit/index.md', 'content/posts/second-post.md']
    execute 'edit ' . fnameescape(post)
    let src = win_getid()
    PostPreview
    call assert_equal(src, win_getid(), 'the cursor stays in the post')
    let pbuf = s:preview_buf()
    call assert_equal('mdpost-preview://' . fnamemodify(post, ':p'), bufname(pbuf))
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

function! Test_preview_reuses_its_split_and_close_works_from_it() abort
  edit content/posts/second-post.md
  PostPreview
  PostPreview
  call assert_equal(2, winnr('$'))
  let pbuf = s:preview_buf()
  " Hidden, then shown again in a new split.
  execute bufwinnr(pbuf) . 'wincmd w'
  close
  call assert_equal(1, winnr('$'))
  PostPreview
  call assert_equal(2, winnr('$'))
  execute bufwinnr(s:preview_buf()) . 'wincmd w'
  PostPreview close
  call assert_equal(1, winnr('$'))
  call assert_equal(-1, s:preview_buf())
  call assert_match('second-post.md$', bufname(''))
endfunction

function! Test_preview_usage_error() abort
  edit content/posts/second-post.md
  let msg = execute('PostPreview bogus')
  call assert_match('mdpost: usage: :PostPreview \[close\]', msg)
  call assert_equal(-1, s:preview_buf())
endfunction

function! Test_preview_opens_quietly() abort
  edit content/posts/second-post.md
  let msg = execute('PostPreview')
  call assert_equal('', msg)
  call assert_equal(0, getbufvar(s:preview_buf(), '&buflisted'))
  call assert_equal(0, getbufvar(s:preview_buf(), '&swapfile'))
endfunction
