" Cost of one libcall() into the library (not a test; run by hand):
"   vim -Nu NONE -i NONE -es -c 'source tests/vim/bench_libcall.vim'
" Writes microseconds per call to the file $MDPOST_BENCH_OUT
" (default /dev/stdout). g:lib picks another build of the library.
let s:root = fnamemodify(expand('<sfile>:p:h:h:h'), ':p:h')
let s:lib = get(g:, 'lib', s:root . '/build/libmdpost.so')
let s:post = s:root . '/examples/site/content/posts/paris-ai-summit/index.md'
let s:text = join(readfile(s:post), "\n") . "\n"
let s:out = []

function! s:bench(name, req, n) abort
  let json = json_encode(a:req)
  call libcall(s:lib, 'mdpost_vim', json)
  let t = reltime()
  for i in range(a:n)
    call libcall(s:lib, 'mdpost_vim', json)
  endfor
  call add(s:out, printf('%-28s %9.1f us/call (%d calls)', a:name,
        \ reltimefloat(reltime(t)) * 1.0e6 / a:n, a:n))
endfunction

call s:bench('version', {'cmd': 'version'}, 20000)
if !get(g:, 'only_version', 0)
  call s:bench('folds (96-line post)', {'cmd': 'folds', 'path': s:post, 'text': s:text}, 2000)
  call s:bench('check (96-line post)', {'cmd': 'check', 'path': s:post, 'text': s:text, 'wait_ms': -1}, 2000)
  call s:bench('render (96-line post)', {'cmd': 'render', 'path': s:post, 'text': s:text}, 2000)
  " As the glue calls them: a document per buffer, one line changed a call.
  let texts = [s:text, substitute(s:text, '本届峰会', '本届大会', '')]
  for [cmd, name] in [['folds', 'folds, doc, 1 line edited'], ['check', 'check, doc, 1 line edited']]
    let reqs = []
    for text in texts
      call add(reqs, json_encode({'cmd': cmd, 'doc': 'bench', 'path': s:post, 'text': text}))
    endfor
    call libcall(s:lib, 'mdpost_vim', reqs[0])
    let t = reltime()
    for i in range(2000)
      call libcall(s:lib, 'mdpost_vim', reqs[i % 2])
    endfor
    call add(s:out, printf('%-28s %9.1f us/call (%d calls)', name, reltimefloat(reltime(t)) * 1.0e6 / 2000, 2000))
  endfor
  let t = reltime()
  for i in range(2000)
    call json_encode({'cmd': 'check', 'path': s:post, 'text': s:text})
  endfor
  call add(s:out, printf('%-28s %9.1f us/call', 'json_encode of the request', reltimefloat(reltime(t)) * 1.0e6 / 2000))
endif
call writefile(s:out, empty($MDPOST_BENCH_OUT) ? '/dev/stdout' : $MDPOST_BENCH_OUT)
qall!
