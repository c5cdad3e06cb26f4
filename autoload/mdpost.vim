" mdpost for Vim (builds without Lua, e.g. Debian's vim): the same C library
" as the Neovim glue, reached through libcall() and mdpost_vim(), a JSON
" request in and a JSON reply out (csrc/vimcall.c). The library keeps the
" sites it opened between calls; it is linked -z nodelete, so the load and
" unload libcall() does per call costs microseconds.

let s:save_cpo = &cpo
set cpo&vim

" Must equal MDPOST_ABI_VERSION in csrc/mdpost.h, and the protocol of
" csrc/vimcall.c.
let s:ABI = 5
let s:PROTOCOL = 1

let s:plugin_root = expand('<sfile>:p:h:h')

let s:defaults = {
      \ 'enabled': 1,
      \ 'preset': '',
      \ 'anchors': '',
      \ 'library': '',
      \ 'max_size': 1048576,
      \ 'folds': 1,
      \ 'fold_level': 99,
      \ 'signs': 1,
      \ 'index_wait_ms': 2000,
      \ 'preview_split': 'vertical',
      \ }

" ---- configuration: defaults < g:mdpost < b:mdpost -------------------------

function! mdpost#config(...) abort
  let buf = a:0 ? a:1 : bufnr('')
  let cfg = copy(s:defaults)
  call extend(cfg, type(get(g:, 'mdpost')) == v:t_dict ? g:mdpost : {})
  let b = getbufvar(buf, 'mdpost', {})
  call extend(cfg, type(b) == v:t_dict ? b : {})
  return cfg
endfunction

function! mdpost#root() abort
  return s:plugin_root
endfunction

function! mdpost#library() abort
  let g = get(g:, 'mdpost_library', '')
  if type(g) == v:t_string && g !=# ''
    return g
  endif
  let c = get(get(g:, 'mdpost', {}), 'library', '')
  if type(c) == v:t_string && c !=# ''
    return c
  endif
  return s:plugin_root . '/build/libmdpost.so'
endfunction

" ---- the library --------------------------------------------------------------

let s:load_error = v:null
let s:loaded = 0

function! s:raw_call(lib, req) abort
  " libcall() raises on a library without mdpost_vim or one it cannot load.
  let raw = libcall(a:lib, 'mdpost_vim', json_encode(a:req))
  return json_decode(raw)
endfunction

function! s:try_load() abort
  let lib = mdpost#library()
  let fix = 'run `make` in ' . s:plugin_root
  if !has('libcall')
    return 'this Vim has no libcall() (+libcall); mdpost needs it'
  endif
  if !filereadable(lib)
    return printf('library not built: %s is missing; %s', lib, fix)
  endif
  try
    let reply = s:raw_call(lib, {'cmd': 'version'})
  catch
    return printf('%s is not a usable mdpost library (%s); %s', lib,
          \ substitute(v:exception, '^Vim\%((\a\+)\)\=:', '', ''), fix)
  endtry
  let v = type(reply) == v:t_dict ? get(reply, 'result', {}) : {}
  if type(v) != v:t_dict || get(v, 'abi', -1) != s:ABI || get(v, 'protocol', -1) != s:PROTOCOL
    return printf('library is stale: ABI %s, the plugin wants %d; %s',
          \ type(v) == v:t_dict ? get(v, 'abi', '?') : '?', s:ABI, fix)
  endif
  return v:null
endfunction

" '' when the library can be used, else the one-line reason.
function! mdpost#available() abort
  if !s:loaded && s:load_error is v:null
    let s:load_error = s:try_load()
    let s:loaded = s:load_error is v:null
  endif
  return s:loaded ? '' : s:load_error
endfunction

" Forgets a failed load, so that the next call tries again (after `make`).
function! mdpost#reset() abort
  if !s:loaded
    let s:load_error = v:null
  endif
endfunction

" One request: [result, reply] or throws nothing and returns [v:null, error].
function! mdpost#call(req) abort
  let why = mdpost#available()
  if why !=# ''
    return [v:null, why]
  endif
  try
    let reply = s:raw_call(mdpost#library(), a:req)
  catch
    return [v:null, 'library call failed: ' . v:exception]
  endtry
  if type(reply) != v:t_dict
    return [v:null, 'malformed reply from the library']
  endif
  if has_key(reply, 'error')
    return [v:null, reply.error]
  endif
  return [reply, '']
endfunction

" ---- messages -----------------------------------------------------------------

function! s:error(msg) abort
  echohl ErrorMsg
  echomsg 'mdpost: ' . a:msg
  echohl None
endfunction

function! s:warn(msg) abort
  echohl WarningMsg
  echomsg 'mdpost: ' . a:msg
  echohl None
endfunction

let s:told_unavailable = 0

function! s:notify_unavailable(why) abort
  if !s:told_unavailable
    let s:told_unavailable = 1
    call s:warn(a:why)
  endif
endfunction

" ---- a buffer's post ------------------------------------------------------

" The text as it will be written (BOM and line ends are not in the buffer,
" so positions are the buffer's own).
function! s:text(buf) abort
  return join(getbufline(a:buf, 1, '$'), "\n") . "\n"
endfunction

function! s:path(buf) abort
  let name = bufname(a:buf)
  return name ==# '' ? '' : fnamemodify(name, ':p')
endfunction

" A request about the post in `buf`. Its site root is cached per buffer:
" finding it walks up the directories.
function! s:request(cmd, buf, ...) abort
  let cfg = mdpost#config(a:buf)
  let req = {'cmd': a:cmd, 'text': s:text(a:buf)}
  if a:cmd ==# 'check' || a:cmd ==# 'folds'
    " The library keeps this buffer's last parse: it re-parses what changed.
    let req.doc = 'buf' . a:buf
  endif
  let path = s:path(a:buf)
  if path !=# ''
    let req.path = path
  endif
  let root = getbufvar(a:buf, 'mdpost_root', v:null)
  if type(root) == v:t_string
    let req.root = root
  endif
  let opts = a:0 ? copy(a:1) : {}
  for k in ['preset', 'anchors']
    if type(cfg[k]) == v:t_string && cfg[k] !=# ''
      let opts[k] = cfg[k]
    endif
  endfor
  if !empty(opts)
    let req.opts = opts
  endif
  return req
endfunction

function! s:post_call(cmd, buf, ...) abort
  let req = call('s:request', [a:cmd, a:buf] + a:000[1:])
  if a:0 && a:1
    let req.wait_ms = a:1
  endif
  let [reply, err] = mdpost#call(req)
  if reply isnot v:null && has_key(reply, 'root') && bufexists(a:buf)
    call setbufvar(a:buf, 'mdpost_root', reply.root)
  endif
  return [reply, err]
endfunction

function! s:too_big(buf) abort
  let limit = mdpost#config(a:buf).max_size
  if bufnr('') == a:buf
    let size = line2byte(line('$') + 1) - 1
  else
    let size = len(s:text(a:buf))
  endif
  return limit > 0 && size > limit
endfunction

" |User| autocommands, for scripts and tests; silent when none are defined.
function! s:fire(name) abort
  if exists('#User#' . a:name)
    execute 'doautocmd <nomodeline> User ' . a:name
  endif
endfunction

" ---- checks: location list, quickfix, signs -----------------------------------

let s:severity_type = {'error': 'E', 'warning': 'W', 'info': 'I', 'hint': 'I'}
let s:sign_rank = {'E': 3, 'W': 2, 'I': 1}

function! s:define_signs() abort
  if !empty(sign_getdefined('MdpostE'))
    return
  endif
  call sign_define('MdpostE', {'text': 'E>', 'texthl': 'ErrorMsg'})
  call sign_define('MdpostW', {'text': 'W>', 'texthl': 'WarningMsg'})
  call sign_define('MdpostI', {'text': 'I>', 'texthl': 'Question'})
endfunction

" One sign a line, the worst problem's, in the group `mdpost`.
function! s:place_signs(buf, items) abort
  call sign_unplace('mdpost', {'buffer': a:buf})
  if !mdpost#config(a:buf).signs
    return
  endif
  call s:define_signs()
  let worst = {}
  for it in a:items
    if get(s:sign_rank, get(worst, it.lnum, ''), 0) < s:sign_rank[it.type]
      let worst[it.lnum] = it.type
    endif
  endfor
  let list = []
  for [lnum, type] in items(worst)
    call add(list, {'buffer': a:buf, 'group': 'mdpost', 'name': 'Mdpost' . type,
          \ 'lnum': str2nr(lnum)})
  endfor
  call sign_placelist(list)
endfunction

function! s:keep_fm(d) abort
  return type(a:d.code) == v:t_string && a:d.code =~# '^fm-'
endfunction

function! s:keep_any(d) abort
  return 1
endfunction

" Library diagnostics (0-based byte positions) as quickfix items (1-based
" lines and byte columns, end column exclusive as in the library).
function! s:items(buf, diags, Keep) abort
  let items = []
  for d in a:diags
    if a:Keep(d)
      call add(items, {'bufnr': a:buf, 'lnum': d.lnum + 1, 'col': d.col + 1,
            \ 'end_lnum': d.end_lnum + 1, 'end_col': d.end_col + 1,
            \ 'text': printf('%s [%s]', d.message, d.code),
            \ 'type': get(s:severity_type, d.severity, 'E')})
    endif
  endfor
  return items
endfunction

let s:kinds = {
      \ 'fm': {'keep': function('s:keep_fm'), 'title': 'FrontMatterCheck', 'what': 'front matter'},
      \ 'all': {'keep': function('s:keep_any'), 'title': 'PostCheck', 'what': 'post'},
      \ }

" Checks `buf`; puts the problems of `kind` in the location list of the
" current window (with `list`) and as signs. Returns the items or v:null.
function! s:check_buffer(buf, kind, list, wait_ms) abort
  let k = s:kinds[a:kind]
  let [reply, err] = s:post_call('check', a:buf, a:wait_ms)
  if reply is v:null
    call s:error(err)
    return v:null
  endif
  let items = s:items(a:buf, get(reply.result, 'diagnostics', []), k.keep)
  call setbufvar(a:buf, 'mdpost_checked', {'kind': a:kind, 'tick': getbufvar(a:buf, 'changedtick')})
  call s:place_signs(a:buf, items)
  let title = k.title . ' ' . s:path(a:buf)
  if a:list
    call setloclist(0, [], 'r', {'title': title, 'items': items})
  elseif bufnr('') == a:buf && getloclist(0, {'title': 1}).title ==# title
    " Refreshes the list this buffer's last command made, if still shown.
    call setloclist(0, [], 'r', {'title': title, 'items': items})
  endif
  if !reply.indexed
    " Links into other posts are judged once the site is indexed.
    call s:when_indexed(reply.root, a:buf)
  endif
  return {'items': items, 'indexed': reply.indexed}
endfunction

function! s:report(items, what, indexed) abort
  let n = len(a:items)
  let later = a:indexed ? '' : ' (the site is still being indexed: links are checked when it is done)'
  if n == 0
    echomsg printf('mdpost: %s OK%s', a:what, later)
  else
    echohl WarningMsg
    echomsg printf('mdpost: %d %s problem%s (:lopen)%s', n, a:what, n == 1 ? '' : 's', later)
    echohl None
  endif
endfunction

function! s:check_command(kind) abort
  call mdpost#reset()
  let buf = bufnr('')
  let res = s:check_buffer(buf, a:kind, 1, mdpost#config(buf).index_wait_ms)
  if res isnot v:null
    call s:report(res.items, s:kinds[a:kind].what, res.indexed)
  endif
endfunction

" Sites whose index is being built: one timer polls them, and re-checks the
" buffers waiting for one when it is ready. Vim never blocks on it.
let s:pending = {}   " root -> [buf, ...]
let s:poller = -1
let s:polls = 0

function! s:when_indexed(root, buf) abort
  let bufs = get(s:pending, a:root, [])
  if index(bufs, a:buf) < 0
    call add(bufs, a:buf)
  endif
  let s:pending[a:root] = bufs
  if s:poller < 0
    let s:polls = 0
    let s:poller = timer_start(50, function('s:poll'), {'repeat': -1})
  endif
endfunction

function! s:poll(timer) abort
  let s:polls += 1
  for root in keys(s:pending)
    let [reply, _] = mdpost#call({'cmd': 'ready', 'root': root})
    " A library gone or an index that never finishes (10 min): give up.
    if reply is v:null || reply.indexed || s:polls > 12000
      call remove(s:pending, root)
      if reply isnot v:null && reply.indexed
        " Every checked post of the site: links into others may have changed.
        for b in range(1, bufnr('$'))
          let c = getbufvar(b, 'mdpost_checked', {})
          if bufloaded(b) && !empty(c) && getbufvar(b, 'mdpost_root', v:null) is# root
            call s:check_buffer(b, c.kind, 0, 0)
          endif
        endfor
        call s:fire('MdpostIndexed')
      endif
    endif
  endfor
  if empty(s:pending)
    call timer_stop(a:timer)
    let s:poller = -1
  endif
endfunction

" ---- whole-site checks (the CLI, as a job) -------------------------------------

function! mdpost#cli_path() abort
  return s:plugin_root . '/build/mdpost'
endfunction

let s:site_job = v:null

function! s:check_site(kind) abort
  let k = s:kinds[a:kind]
  let file = expand('%:p')
  let start = file !=# '' ? file : getcwd()
  call mdpost#reset()
  let [reply, err] = mdpost#call({'cmd': 'open', 'path': start})
  if reply is v:null
    return s:error(err)
  endif
  if !get(reply.result, 'found', v:false)
    return s:error('no site around ' . start . ' (no hugo.toml, config.toml, _config.yml or .mdpost.yaml above it)')
  endif
  let root = reply.root
  let cli = mdpost#cli_path()
  if !executable(cli)
    return s:error(cli . ' is missing; run `make` in ' . s:plugin_root)
  endif
  if s:site_job isnot v:null && job_status(s:site_job.job) ==# 'run'
    call job_stop(s:site_job.job)
  endif
  let st = {'kind': a:kind, 'root': root, 'items': [], 'stderr': [], 'started': reltime(),
        \ 'closed': 0, 'progress': ''}
  echomsg 'mdpost: checking ' . root . ' …'
  let st.job = job_start([cli, 'check', '--format', 'jsonl', '--progress', '--site', root], {
        \ 'cwd': root,
        \ 'in_io': 'null',
        \ 'out_mode': 'nl', 'err_mode': 'nl',
        \ 'out_cb': function('s:site_out', [st]),
        \ 'err_cb': function('s:site_err', [st]),
        \ 'close_cb': function('s:site_closed', [st]),
        \ 'exit_cb': function('s:site_exit', [st]),
        \ })
  if job_status(st.job) ==# 'fail'
    return s:error('could not start ' . cli)
  endif
  let s:site_job = st
endfunction

function! s:site_out(st, ch, line) abort
  try
    let d = json_decode(a:line)
  catch
    return
  endtry
  if type(d) != v:t_dict || !s:kinds[a:st.kind].keep(d)
    return
  endif
  call add(a:st.items, {'filename': a:st.root . '/' . d.file, 'lnum': d.line, 'col': d.col,
        \ 'end_lnum': d.end_line, 'end_col': d.end_col,
        \ 'text': printf('%s [%s]', d.message, d.code),
        \ 'type': get(s:severity_type, d.severity, 'E')})
endfunction

function! s:site_err(st, ch, line) abort
  let m = matchlist(a:line, '^progress \(\d\+\)/\(\d\+\)$')
  if !empty(m)
    let a:st.progress = m[1] . '/' . m[2]
    echo printf('mdpost: checking %s … %s', a:st.root, a:st.progress)
  elseif a:line !=# ''
    call add(a:st.stderr, a:line)
  endif
endfunction

" Output and exit arrive in either order: the list is made after both.
function! s:site_closed(st, ch) abort
  let a:st.closed = 1
  call s:site_done(a:st)
endfunction

function! s:site_exit(st, job, status) abort
  let a:st.status = a:status
  call s:site_done(a:st)
endfunction

function! s:site_done(st) abort
  if !a:st.closed || !has_key(a:st, 'status')
    return
  endif
  let k = s:kinds[a:st.kind]
  if a:st.status != 0 && a:st.status != 1
    call s:error(get(a:st.stderr, 0, 'mdpost check failed'))
  else
    call setqflist([], 'r', {'title': k.title . '! ' . a:st.root, 'items': a:st.items})
    let n = len(a:st.items)
    echomsg printf('mdpost: %d %s problem%s in %s (%.1f s)', n, k.what, n == 1 ? '' : 's',
          \ a:st.root, reltimefloat(reltime(a:st.started)))
    if n > 0
      copen
    endif
  endif
  let g:mdpost_last_progress = a:st.progress
  call s:fire('MdpostSiteChecked')
endfunction

" ---- commands -----------------------------------------------------------------

function! mdpost#front_matter_check(bang) abort
  return a:bang ? s:check_site('fm') : s:check_command('fm')
endfunction

function! mdpost#post_check(bang) abort
  return a:bang ? s:check_site('all') : s:check_command('all')
endfunction

" ---- folds ------------------------------------------------------------------

" 'foldexpr': levels from one library call per changedtick, then lookups.
function! mdpost#foldexpr(lnum) abort
  if get(b:, 'mdpost_fold_tick', -1) != b:changedtick
    let b:mdpost_fold_tick = b:changedtick
    if !s:too_big(bufnr(''))
      let [reply, _] = s:post_call('folds', bufnr(''))
      let b:mdpost_folds = reply is v:null ? [] : reply.result
    elseif !exists('b:mdpost_folds')
      " Too big to recompute per change: keep what was there (or nothing).
      let b:mdpost_folds = []
    endif
  endif
  return get(b:mdpost_folds, a:lnum - 1, '0')
endfunction

" 'foldtext': the post's title for the front matter, else the heading.
function! mdpost#foldtext() abort
  let line = getline(v:foldstart)
  let n = v:foldend - v:foldstart + 1
  if v:foldstart == 1 && line =~# '^\%(---\|+++\|{\)'
    let title = ''
    for l in getline(v:foldstart + 1, v:foldend)
      let m = matchlist(l, '^\s*[Tt]itle\s*[:=]\s*"\=\(.\{-}\)"\=\s*,\=$')
      if !empty(m)
        let title = m[1]
        break
      endif
    endfor
    return printf('%s %s (front matter, %d lines)', line, title, n)
  endif
  return printf('%s (%d lines)', line, n)
endfunction

function! s:apply_folds(cfg) abort
  setlocal foldmethod=expr foldexpr=mdpost#foldexpr(v:lnum) foldtext=mdpost#foldtext()
  let &l:foldlevel = a:cfg.fold_level
endfunction

" ---- attaching to Markdown buffers --------------------------------------------

" FileType markdown: folds, the site opened (its index starts building), a
" first check for the signs, and a re-check after every write.
function! mdpost#attach(buf) abort
  let buf = a:buf > 0 ? a:buf : bufnr('')
  let cfg = mdpost#config(buf)
  if !cfg.enabled
    return
  endif
  let why = mdpost#available()
  if why !=# ''
    return s:notify_unavailable(why)
  endif
  if cfg.folds && bufnr('') == buf
    call s:apply_folds(cfg)
  endif
  execute 'augroup mdpost_buf_' . buf
    autocmd!
    execute 'autocmd BufWritePost <buffer=' . buf . '> call s:written(' . buf . ')'
    execute 'autocmd BufWinEnter <buffer=' . buf . '> call s:win_enter(' . buf . ')'
    execute 'autocmd BufUnload,BufWipeout <buffer=' . buf . '> call s:detach(' . buf . ')'
  augroup END
  if !s:too_big(buf)
    call s:check_buffer(buf, get(getbufvar(buf, 'mdpost_checked', {}), 'kind', 'all'), 0, 0)
  endif
endfunction

function! s:win_enter(buf) abort
  let cfg = mdpost#config(a:buf)
  if cfg.folds && &l:foldexpr !=# 'mdpost#foldexpr(v:lnum)'
    call s:apply_folds(cfg)
  endif
endfunction

function! s:written(buf) abort
  let root = getbufvar(a:buf, 'mdpost_root', v:null)
  if type(root) == v:t_string && root !=# ''
    " Other posts link into this one: index the site again, in the background,
    " and re-check the site's buffers when it is done (also when it is done
    " before the check below asks: a small site indexes in milliseconds).
    call mdpost#call({'cmd': 'reindex', 'root': root})
    call s:when_indexed(root, a:buf)
  endif
  if !s:too_big(a:buf)
    let c = getbufvar(a:buf, 'mdpost_checked', {})
    call s:check_buffer(a:buf, get(c, 'kind', 'all'), 0, 0)
  endif
endfunction

function! s:detach(buf) abort
  " The preview goes with its post.
  if getbufvar(a:buf, 'mdpost_preview', -1) >= 0
    call s:preview_close(a:buf)
  endif
  if s:loaded
    call mdpost#call({'cmd': 'doc_free', 'doc': 'buf' . a:buf})
  endif
  silent! execute 'autocmd! mdpost_buf_' . a:buf
  silent! execute 'augroup! mdpost_buf_' . a:buf
  silent! call sign_unplace('mdpost', {'buffer': a:buf})
endfunction

" A site's config file was written: sites are read again on demand.
function! mdpost#forget_sites() abort
  if s:loaded
    call mdpost#call({'cmd': 'forget'})
  endif
endfunction

" ---- :PostPreview: the rendered HTML in a split ------------------------------

" `mdpost://preview/{post}.html`, as in Neovim: {post} is the file's stem, or
" its directory's for a page bundle's index.md; the buffer number is added
" when two posts share it.
function! s:preview_name(src) abort
  let path = s:path(a:src)
  let stem = path ==# '' ? 'untitled' : fnamemodify(path, ':t:r')
  if stem ==# 'index' || stem ==# '_index'
    let stem = fnamemodify(path, ':h:t')
  endif
  let name = 'mdpost://preview/' . stem
  return bufexists(name . '.html') ? printf('%s-%d.html', name, a:src) : name . '.html'
endfunction

" :PostPreview [split|close|browser]; no argument toggles: close the post's
" preview when it has one, else open the split. From a preview, it is about
" the post it shows.
function! mdpost#preview(arg) abort
  let src = bufnr('')
  if getbufvar(src, 'mdpost_preview_of', -1) >= 0
    let src = getbufvar(src, 'mdpost_preview_of')
  endif
  let pbuf = getbufvar(src, 'mdpost_preview', -1)
  let open = pbuf >= 0 && bufexists(pbuf)
  if a:arg ==# 'close' || (a:arg ==# '' && open)
    return s:preview_close(src)
  elseif a:arg ==# 'browser'
    return s:error('the browser preview needs Neovim; in Vim, :PostPreview split')
  elseif a:arg !=# '' && a:arg !=# 'split'
    return s:error('usage: :PostPreview [split|close]')
  endif
  call mdpost#reset()
  let why = mdpost#available()
  if why !=# ''
    return s:error(why)
  endif
  if !open
    let pbuf = s:preview_open(src)
  elseif bufwinnr(pbuf) < 0
    let cur = win_getid()
    execute (mdpost#config(src).preview_split ==# 'vertical' ? 'vertical rightbelow ' : 'rightbelow ') . 'sbuffer ' . pbuf
    call win_gotoid(cur)
  endif
  call s:preview_refresh(src, 1)
endfunction

function! s:preview_open(src) abort
  let cur = win_getid()
  " A scratch buffer with the name from the start: never read, no message.
  let pbuf = bufadd(s:preview_name(a:src))
  call setbufvar(pbuf, '&buftype', 'nofile')
  call setbufvar(pbuf, '&swapfile', 0)
  call bufload(pbuf)
  execute (mdpost#config(a:src).preview_split ==# 'vertical' ? 'vertical rightbelow ' : 'rightbelow ') . 'sbuffer ' . pbuf
  setlocal bufhidden=wipe nobuflisted nomodifiable
  setlocal filetype=html
  let b:mdpost_preview_of = a:src
  execute 'autocmd BufWipeout <buffer> call s:preview_gone(' . a:src . ')'
  call win_gotoid(cur)
  call setbufvar(a:src, 'mdpost_preview', pbuf)
  call setbufvar(a:src, 'mdpost_preview_tick', -1)
  execute 'augroup mdpost_preview_' . a:src
    autocmd!
    execute 'autocmd CursorHold,CursorHoldI <buffer=' . a:src . '> call s:preview_refresh(' . a:src . ', 0)'
    execute 'autocmd BufWritePost <buffer=' . a:src . '> call s:preview_refresh(' . a:src . ', 1)'
  augroup END
  return pbuf
endfunction

" Re-renders when the post changed since the last render (or `force`).
function! s:preview_refresh(src, force) abort
  let pbuf = getbufvar(a:src, 'mdpost_preview', -1)
  if pbuf < 0 || !bufexists(pbuf)
    return
  endif
  let tick = getbufvar(a:src, 'changedtick')
  if !a:force && getbufvar(a:src, 'mdpost_preview_tick', -1) == tick
    return
  endif
  call setbufvar(a:src, 'mdpost_preview_tick', tick)
  let [reply, err] = s:post_call('render', a:src, mdpost#config(a:src).index_wait_ms)
  if reply is v:null
    let lines = ['<!-- mdpost: ' . substitute(err, '--', '- -', 'g') . ' -->']
  else
    let lines = split(reply.result, "\n", 1)
    if len(lines) > 1 && lines[-1] ==# ''
      call remove(lines, -1)
    endif
  endif
  call setbufvar(pbuf, '&modifiable', 1)
  call setbufline(pbuf, 1, lines)
  call deletebufline(pbuf, len(lines) + 1, '$')
  call setbufvar(pbuf, '&modifiable', 0)
  call setbufvar(pbuf, '&modified', 0)
endfunction

function! s:preview_close(src) abort
  let pbuf = getbufvar(a:src, 'mdpost_preview', -1)
  if pbuf >= 0 && bufexists(pbuf)
    execute 'bwipeout ' . pbuf
  endif
  call s:preview_gone(a:src)
endfunction

function! s:preview_gone(src) abort
  call setbufvar(a:src, 'mdpost_preview', -1)
  silent! execute 'autocmd! mdpost_preview_' . a:src
  silent! execute 'augroup! mdpost_preview_' . a:src
endfunction

function! mdpost#preview_complete(...) abort
  return "split\nclose"
endfunction

let &cpo = s:save_cpo
unlet s:save_cpo
