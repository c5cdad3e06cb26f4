" :FrontMatterCheck and :PostCheck (this post: location list and signs; !:
" the whole site into the quickfix list) against `mdpost check --format
" jsonl` on the example site: the same problems at the same positions.

let s:posts = ['content/posts/paris-ai-summit/index.md', 'content/posts/second-post.md',
      \ 'content/posts/broken-front-matter.md']
let s:type = {'error': 'E', 'warning': 'W', 'info': 'I', 'hint': 'I'}

" What the CLI prints for `files` (relative to `dir`), as quickfix fields.
function! s:cli(dir, files, fm_only) abort
  let out = []
  for line in T_system(a:dir, g:T_cli . ' check --format jsonl ' . join(map(copy(a:files), 'shellescape(v:val)')) . ' 2>/dev/null', 1)
    let d = json_decode(line)
    if a:fm_only && d.code !~# '^fm-'
      continue
    endif
    call add(out, {'file': fnamemodify(a:dir . '/' . d.file, ':p'), 'lnum': d.line, 'col': d.col,
          \ 'end_lnum': d.end_line, 'end_col': d.end_col,
          \ 'text': printf('%s [%s]', d.message, d.code), 'type': s:type[d.severity]})
  endfor
  return out
endfunction

function! s:fields(list) abort
  return map(copy(a:list), {_, it -> {'file': fnamemodify(bufname(it.bufnr), ':p'),
        \ 'lnum': it.lnum, 'col': it.col, 'end_lnum': it.end_lnum, 'end_col': it.end_col,
        \ 'text': it.text, 'type': it.type}})
endfunction

function! s:signs(buf) abort
  return map(sign_getplaced(a:buf, {'group': 'mdpost'})[0].signs,
        \ {_, s -> [s.lnum, s.name]})
endfunction

function! Test_post_check_matches_cli_for_each_example_post() abort
  for post in s:posts
    execute 'edit ' . fnameescape(post)
    let msg = execute('PostCheck')
    let want = s:cli(g:T_site, [post], 0)
    call assert_equal(want, s:fields(getloclist(0)), post)
    call assert_match('PostCheck ', getloclist(0, {'title': 1}).title)
    call assert_match(printf('mdpost: %d post problems\? (:lopen)', len(want)), msg, post)
    call assert_equal([], getqflist(), 'the quickfix list is left alone')
  endfor
  " DEFECTS.md, rows 1-6: every defect of the main post, at its byte column.
  edit content/posts/paris-ai-summit/index.md
  PostCheck
  call assert_equal([[11, 7, 'fm-type'], [16, 1, 'fm-unknown-key'], [25, 1, 'fm-duplicate-key'],
        \ [46, 133, 'link-anchor'], [58, 20, 'link-file'], [68, 154, 'link-file']],
        \ map(getloclist(0), {_, it -> [it.lnum, it.col, matchstr(it.text, '\[\zs[a-z-]\+\ze\]$')]}))
endfunction

function! Test_front_matter_check_keeps_fm_codes_only() abort
  edit content/posts/paris-ai-summit/index.md
  let msg = execute('FrontMatterCheck')
  let want = s:cli(g:T_site, ['content/posts/paris-ai-summit/index.md'], 1)
  call assert_equal(3, len(want))
  call assert_equal(want, s:fields(getloclist(0)))
  call assert_match('mdpost: 3 front matter problems (:lopen)', msg)
  call assert_equal([[11, 'MdpostE'], [16, 'MdpostW'], [25, 'MdpostE']], s:signs(bufnr('')))
endfunction

function! Test_signs_mark_each_problem_line_with_its_severity() abort
  edit content/posts/paris-ai-summit/index.md
  PostCheck
  call assert_equal([[11, 'MdpostE'], [16, 'MdpostW'], [25, 'MdpostE'], [46, 'MdpostE'],
        \ [58, 'MdpostE'], [68, 'MdpostE']], s:signs(bufnr('')))
  call assert_equal('E>', sign_getdefined('MdpostE')[0].text)
  call assert_equal('W>', sign_getdefined('MdpostW')[0].text)
endfunction

function! Test_the_buffer_text_is_checked_not_the_file() abort
  edit content/posts/second-post.md
  FrontMatterCheck
  call assert_equal([3], map(getloclist(0), 'v:val.lnum'))
  " Fix the date in the buffer only: the check sees the edit.
  call setline(3, 'date: 2025-02-14 09:30:00')
  let msg = execute('FrontMatterCheck')
  call assert_equal([], getloclist(0))
  call assert_match('mdpost: front matter OK', msg)
  call assert_equal([], s:signs(bufnr('')))
  " A new problem in the buffer, at its byte column after multibyte text.
  call setline(2, 'title: "开源社区的反应"')
  call append(2, 'autorbox: false')
  FrontMatterCheck
  call assert_equal([[3, 1, 3, 9, 'W']], map(getloclist(0),
        \ {_, it -> [it.lnum, it.col, it.end_lnum, it.end_col, it.type]}))
  call assert_equal([[3, 'MdpostW']], s:signs(bufnr('')))
endfunction

function! Test_crlf_file_positions_match_cli() abort
  let site = T_site_copy()
  let post = site . '/content/posts/paris-ai-summit/index.md'
  call writefile(map(readfile(post), 'v:val . "\r"'), post)
  execute 'edit ' . fnameescape(post)
  call assert_equal('dos', &fileformat)
  PostCheck
  let want = s:cli(site, ['content/posts/paris-ai-summit/index.md'], 0)
  call assert_equal(6, len(want))
  call assert_equal(want, s:fields(getloclist(0)))
endfunction

function! Test_writing_rechecks_and_refreshes_list_and_signs() abort
  let site = T_site_copy()
  execute 'edit ' . fnameescape(site . '/content/posts/second-post.md')
  FrontMatterCheck
  call assert_equal([[3, 'MdpostE']], s:signs(bufnr('')))
  call setline(3, 'date: 2025-02-14 09:30:00')
  call append(3, 'draft: "yes"')
  write
  call assert_equal([[4, 8]], map(getloclist(0), '[v:val.lnum, v:val.col]'))
  call assert_equal([[4, 'MdpostE']], s:signs(bufnr('')))
  call assert_equal(s:cli(site, ['content/posts/second-post.md'], 1), s:fields(getloclist(0)))
endfunction

function! Test_links_into_other_posts_follow_the_site() abort
  " Links to the other post are judged against the site's index: a post
  " written into the site makes the link good after the re-index.
  let site = T_site_copy()
  execute 'edit ' . fnameescape(site . '/content/posts/paris-ai-summit/index.md')
  PostCheck
  call assert_equal(6, len(getloclist(0)))
  " Listen before writing: the new index may be ready before `close` returns.
  let g:indexed = 0
  autocmd User MdpostIndexed let g:indexed = 1
  split
  execute 'edit ' . fnameescape(site . '/content/posts/paris-summit-preview.md')
  call setline(1, ['---', 'title: 预告', '---', '', '正文。'])
  write
  close
  call T_wait(5000, {-> g:indexed}, 'MdpostIndexed')
  PostCheck
  call assert_equal(s:cli(site, ['content/posts/paris-ai-summit/index.md'], 0), s:fields(getloclist(0)))
  call assert_equal(5, len(getloclist(0)))
  autocmd! User MdpostIndexed
endfunction

function! s:site_check(cmd) abort
  let g:site_checked = 0
  autocmd User MdpostSiteChecked let g:site_checked = 1
  execute a:cmd
  call T_wait(20000, {-> g:site_checked}, 'MdpostSiteChecked')
  autocmd! User MdpostSiteChecked
endfunction

function! Test_bang_checks_the_whole_site_into_quickfix() abort
  edit content/posts/second-post.md
  call s:site_check('PostCheck!')
  let want = s:cli(g:T_site, [], 0)
  call assert_equal(8, len(want))
  call assert_equal(want, s:fields(getqflist()))
  call assert_match('^PostCheck! ' . g:T_site . '$', getqflist({'title': 1}).title)
  call assert_match('^\d\+/\d\+$', g:mdpost_last_progress)
  call s:site_check('FrontMatterCheck!')
  call assert_equal(s:cli(g:T_site, [], 1), s:fields(getqflist()))
  call assert_equal(5, len(getqflist()))
endfunction

function! Test_bang_outside_a_site_says_so() abort
  let dir = tempname()
  call mkdir(dir, 'p')
  execute 'edit ' . fnameescape(dir . '/lost.md')
  let msg = execute('PostCheck!')
  call assert_match('mdpost: no site around ' . dir, msg)
  call assert_equal([], getqflist())
endfunction

function! Test_a_post_outside_any_site_gets_syntax_checks() abort
  let dir = tempname()
  call mkdir(dir, 'p')
  call writefile(['---', 'title: a: b', '---', 'body'], dir . '/lost.md')
  execute 'edit ' . fnameescape(dir . '/lost.md')
  FrontMatterCheck
  call assert_equal(T_system(dir, g:T_cli . ' check --format text lost.md', 1)[0],
        \ printf('lost.md:%d:%d: error: %s', getloclist(0)[0].lnum, getloclist(0)[0].col,
        \ getloclist(0)[0].text))
endfunction

function! Test_no_stray_messages_without_user_autocommands() abort
  " The site check ends with |User| MdpostSiteChecked: no "No matching
  " autocommands" when nobody listens.
  edit content/posts/second-post.md
  PostCheck!
  call T_wait(20000, {-> len(getqflist()) == 8}, 'the site check')
  sleep 50m
  call assert_notmatch('No matching autocommands', execute('messages'))
endfunction
