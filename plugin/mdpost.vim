" mdpost for Vim 9 (and 8.2) builds, with or without Lua: commands, a <Plug>
" map and autocommands; the work is in autoload/mdpost.vim, loaded when a
" Markdown buffer or a command needs it. Neovim has plugin/mdpost.lua.
if has('nvim') || exists('g:loaded_mdpost_vim')
  finish
endif
let g:loaded_mdpost_vim = 1

command! -bang -bar FrontMatterCheck call mdpost#front_matter_check(<bang>0)
command! -bang -bar PostCheck call mdpost#post_check(<bang>0)
command! -nargs=? -bar -complete=custom,mdpost#preview_complete PostPreview
      \ call mdpost#preview(<q-args>)

nnoremap <silent> <Plug>(mdpost-check) :<C-U>FrontMatterCheck<CR>

augroup mdpost
  autocmd!
  autocmd FileType markdown call mdpost#attach(str2nr(expand('<abuf>')))
  " Edited site settings take effect at once: sites are read again on demand.
  autocmd BufWritePost .mdpost.yaml,hugo.toml,hugo.yaml,hugo.json,config.toml,config.yaml,
        \config.json,_config.yml,*.schema.yaml,*.schema.json
        \ if exists('*mdpost#forget_sites') | call mdpost#forget_sites() | endif
augroup END
