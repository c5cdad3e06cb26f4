" Folds: the front matter as one fold, heading sections by level, from one
" library call per change ('foldexpr' is a lookup), as in Neovim.

function! Test_fold_options_are_set_on_markdown_buffers() abort
  edit content/posts/paris-ai-summit/index.md
  call assert_equal('expr', &l:foldmethod)
  call assert_equal('mdpost#foldexpr(v:lnum)', &l:foldexpr)
  call assert_equal('mdpost#foldtext()', &l:foldtext)
  call assert_equal(99, &l:foldlevel)
  " Not on other buffers shown in the same window later.
  enew
  call assert_equal('manual', &l:foldmethod)
endfunction

function! Test_front_matter_and_heading_sections_fold() abort
  edit content/posts/paris-ai-summit/index.md
  " Front matter (lines 1-26) at 1; ## sections (DEFECTS.md: 34, 44, 56, 74,
  " 82) at 1; ### sections (40, 48, 52, 62, 66, 70) at 2; text before the
  " first heading at 0.
  call assert_equal(repeat([1], 26) + repeat([0], 7), map(range(1, 33), 'foldlevel(v:val)'))
  for lnum in [34, 44, 56, 74, 82]
    call assert_equal(1, foldlevel(lnum), 'line ' . lnum)
  endfor
  for lnum in [40, 48, 52, 62, 66, 70]
    call assert_equal(2, foldlevel(lnum), 'line ' . lnum)
  endfor
  normal! zM
  " Each fold runs to the line before the next heading of its level or higher.
  call assert_equal([1, 26], [foldclosed(1), foldclosedend(1)])
  call assert_equal([34, 43], [foldclosed(40), foldclosedend(40)])
  call assert_equal([44, 55], [foldclosed(50), foldclosedend(50)])
  call assert_equal([82, 96], [foldclosed(96), foldclosedend(96)])
  call assert_equal(-1, foldclosed(30))
  normal! zR
  normal! 56GzcggzR
  call assert_equal(-1, foldclosed(62))
  normal! 62Gzc
  call assert_equal([62, 65], [foldclosed(62), foldclosedend(62)])
endfunction

function! Test_fold_text_shows_the_title_or_the_heading() abort
  edit content/posts/paris-ai-summit/index.md
  normal! zM
  call assert_equal('--- 巴黎人工智能峰会闭幕：数十国签署开放合作声明 (front matter, 26 lines)', foldtextresult(1))
  call assert_equal('## 峰会概况 (10 lines)', foldtextresult(34))
endfunction

function! Test_folds_follow_edits() abort
  edit content/posts/paris-ai-summit/index.md
  call assert_equal(0, foldlevel(30))
  call setline(30, '## 新的一节')
  call assert_equal([1, 1, 1, 1, 1], map(range(30, 34), 'foldlevel(v:val)'))
  call assert_equal(0, foldlevel(29))
  undo
  call assert_equal([0, 0, 0, 0, 1], map(range(30, 34), 'foldlevel(v:val)'))
  " A heading level changed: its section folds one deeper (levels count
  " from the post's top level, still ##).
  call setline(34, '### 峰会概况')
  call assert_equal([0, 2, 2], [foldlevel(33), foldlevel(34), foldlevel(40)])
  call setline(44, '#### 宣言要点')
  call assert_equal(3, foldlevel(44))
endfunction

function! Test_second_post_folds() abort
  edit content/posts/second-post.md
  " Headings at 18 (##), 22 (##), 26 (###), DEFECTS.md.
  call assert_equal([1, 0, 1, 1, 2], map([14, 17, 18, 22, 26], 'foldlevel(v:val)'))
  normal! zM
  call assert_equal([22, 28], [foldclosed(26), foldclosedend(26)])
endfunction

function! Test_folds_off_by_option() abort
  let g:mdpost = {'folds': 0}
  try
    edit content/posts/second-post.md
    call assert_equal('manual', &l:foldmethod)
  finally
    unlet g:mdpost
  endtry
endfunction

function! Test_folds_pause_above_max_size() abort
  let g:mdpost = {'max_size': 2000}
  try
    " 3785 bytes: above the limit from the start, so no folds at all.
    edit content/posts/paris-ai-summit/index.md
    call assert_equal([0, 0, 0], [foldlevel(1), foldlevel(34), foldlevel(40)])
    " Below it (second-post.md, 976 bytes): folds; then grown past it, the
    " levels of the last change stay.
    edit content/posts/second-post.md
    call assert_equal([1, 1, 2], [foldlevel(1), foldlevel(18), foldlevel(26)])
    call append('$', repeat(['填充文字。'], 80))
    call assert_equal([1, 1, 2, 0], [foldlevel(1), foldlevel(18), foldlevel(26), foldlevel(40)])
  finally
    unlet g:mdpost
  endtry
endfunction
