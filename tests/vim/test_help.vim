" doc/mdpost.txt in Vim: :helptags accepts it, and every command and <Plug>
" map the Vim plugin defines has a help tag.

function! Test_helptags_and_every_command_documented() abort
  let dir = tempname()
  call mkdir(dir . '/doc', 'p')
  call writefile(readfile(g:T_root . '/doc/mdpost.txt'), dir . '/doc/mdpost.txt')
  let v:errmsg = ''
  execute 'helptags ' . fnameescape(dir . '/doc')
  call assert_equal('', v:errmsg, 'no duplicate tags')
  let tags = map(readfile(dir . '/doc/tags'), 'split(v:val, "\t")[0]')
  let cmds = filter(getcompletion('', 'command'), 'v:val =~# "^\\%(FrontMatter\\|Post\\)"')
  call assert_equal(['FrontMatterCheck', 'PostCheck', 'PostPreview'], sort(cmds))
  for name in cmds + ['mdpost-vim', 'mdpost-vim-options', 'mdpost-vim-library', 'mdpost-vim-preview']
    let tag = name =~# '^mdpost' ? name : ':' . name
    call assert_true(index(tags, tag) >= 0, 'help for ' . tag)
  endfor
  call assert_true(index(tags, '<Plug>(mdpost-check)') >= 0)
  call assert_notequal('', maparg('<Plug>(mdpost-check)', 'n'))
  execute 'set rtp^=' . fnameescape(dir)
  help mdpost-vim-preview
  call assert_match('mdpost\.txt$', bufname(''))
  call assert_match('\*mdpost-vim-preview\*', getline('.'))
  helpclose
endfunction
