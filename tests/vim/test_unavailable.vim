" Without a usable library: one clear message when a Markdown buffer opens,
" the reason again from each command, and never an error thrown.

function! Test_missing_then_foreign_library() abort
  let g:mdpost_library = '/nonexistent/libmdpost.so'
  let want = 'mdpost: library not built: /nonexistent/libmdpost.so is missing; run `make` in ' . g:T_root
  let v:errmsg = ''
  let msg = execute('edit content/posts/second-post.md')
  call assert_equal('', v:errmsg)
  call assert_match('\V' . escape(want, '\'), msg)
  call assert_equal(1, len(split(msg, want, 1)) - 1, 'said once')
  call assert_equal('markdown', &filetype)
  call assert_equal('manual', &l:foldmethod, 'no folds without the library')
  call assert_equal([], sign_getplaced('', {'group': 'mdpost'})[0].signs)
  " Another post: not said again when it opens.
  let msg = execute('edit content/posts/broken-front-matter.md')
  call assert_notmatch('library not built', msg)
  " Commands say why they cannot work.
  let msg = execute('FrontMatterCheck')
  call assert_match('\V' . escape(want, '\'), msg)
  call assert_equal([], getloclist(0))
  let msg = execute('PostPreview')
  call assert_match('\V' . escape(want, '\'), msg)
  call assert_equal(1, winnr('$'))
  call assert_equal('', v:errmsg)

  " Not an mdpost library at all: libcall() fails, the message says so.
  let g:mdpost_library = '/lib/x86_64-linux-gnu/libc.so.6'
  if !filereadable(g:mdpost_library)
    let g:mdpost_library = systemlist('cc -print-file-name=libc.so.6')[0]
  endif
  let msg = execute('PostCheck')
  call assert_match('mdpost: ' . g:mdpost_library . ' is not a usable mdpost library (.*undefined symbol: mdpost_vim.*); run `make` in ', msg)

  " Back to the real one: the next command works (no restart after `make`).
  unlet g:mdpost_library
  edit content/posts/second-post.md
  let msg = execute('FrontMatterCheck')
  call assert_match('mdpost: 1 front matter problem (:lopen)', msg)
  call assert_equal([3], map(getloclist(0), 'v:val.lnum'))
endfunction
