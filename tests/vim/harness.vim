" A small harness for tests/vim/test_*.vim, run by run.sh in `vim -es`.
" A test file defines functions named Test_*; T_run() calls each in a clean
" editor state, records failed assert_*() calls (v:errors) and exceptions,
" appends its lines to $MDPOST_TEST_LOG and ends Vim with :cquit 1 when
" anything failed (:qall! otherwise).
let g:T_root = fnamemodify(expand('<sfile>:p:h:h:h'), ':p:h')
let g:T_site = g:T_root . '/examples/site'
let g:T_cli = g:T_root . '/build/mdpost'

function! T_log(line) abort
  call writefile([a:line], $MDPOST_TEST_LOG, 'a')
endfunction

" Waits (running timers and job callbacks) until Cond() is true.
function! T_wait(ms, Cond, what) abort
  let start = reltime()
  while !a:Cond()
    if reltimefloat(reltime(start)) * 1000 > a:ms
      throw 'timed out waiting for ' . a:what
    endif
    sleep 10m
  endwhile
endfunction

" The output of a shell command run in `dir`, as lines; asserts its status.
function! T_system(dir, cmd, status) abort
  let out = systemlist('cd ' . shellescape(a:dir) . ' && ' . a:cmd)
  call assert_equal(a:status, v:shell_error, a:cmd)
  return out
endfunction

" A copy of the example site in a fresh directory (for tests that write).
function! T_site_copy() abort
  let dir = tempname()
  call mkdir(dir, 'p')
  call system('cp -a ' . shellescape(g:T_site) . ' ' . shellescape(dir . '/site'))
  return dir . '/site'
endfunction

function! s:reset() abort
  silent! lclose
  silent! cclose
  silent! only!
  silent! %bwipeout!
  call setqflist([], 'r')
  call setloclist(0, [], 'r')
  execute 'cd ' . fnameescape(g:T_site)
endfunction

function! T_run(file) abort
  let names = sort(map(split(execute('function /^Test_'), "\n"),
        \ {_, l -> matchstr(l, '^function \zsTest_\w\+')}))
  call filter(names, 'v:val !=# ""')
  let passed = 0
  let failed = 0
  for name in names
    call s:reset()
    if $MDPOST_TEST_VERBOSE !=# ''
      call T_log('start ' . name)
    endif
    let v:errors = []
    try
      call call(name, [])
    catch
      call add(v:errors, 'exception: ' . v:exception . ' @ ' . v:throwpoint)
    endtry
    if empty(v:errors)
      let passed += 1
    else
      let failed += 1
      call T_log('FAIL ' . name)
      for e in v:errors
        call T_log('  ' . e)
      endfor
    endif
  endfor
  let v = v:version
  call T_log(printf('%s (vim %d.%d): %d passed, %d failed', fnamemodify(a:file, ':t'),
        \ v / 100, v % 100, passed, failed))
  if failed > 0 || passed == 0
    cquit 1
  endif
  qall!
endfunction
