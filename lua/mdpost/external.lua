-- :PostLinkCheck: the external URLs of a post, checked off the main loop by
-- a child `mdpost external` process (libcurl, cached, polite) that streams
-- one JSON line per URL as its answer arrives. Verdicts are kept by URL and
-- placed at the URLs' current positions (extmarks that follow edits, found
-- again after every as-you-type check: M.on_checked). Their own namespace:
-- as-you-type checks replace the `mdpost` namespace on every pause and must
-- not wipe these.
local compat = require('mdpost.compat')
local config = require('mdpost.config')
local native = require('mdpost.native')
local buffer = require('mdpost.buffer')

local M = {}

M.ns = vim.api.nvim_create_namespace('mdpost.external')

-- buf -> { verdicts = {url -> answer}, marks = {extmark id -> url}, job,
--          tick (sent), done, total, dead, moved, started, timer, dirty,
--          stopped, offline }
local state = {}

local severity = {
  error = vim.diagnostic.severity.ERROR,
  warning = vim.diagnostic.severity.WARN,
  info = vim.diagnostic.severity.INFO,
  hint = vim.diagnostic.severity.HINT,
}

local function echo(msg, hl)
  vim.api.nvim_echo({ { msg, hl } }, false, {})
end

--- The CLI next to the library native.lua loads (else the plugin's build/).
function M.cli_path()
  local beside = vim.fn.fnamemodify(native.path(), ':p:h') .. '/mdpost'
  if vim.fn.executable(beside) == 1 then
    return beside
  end
  return native.root() .. '/build/mdpost'
end

-- The URL as the checker keys it: http(s) with a host, fragment dropped;
-- nil for anything it does not fetch (as md_http_fetchable).
local function key(url)
  if type(url) ~= 'string' then
    return nil
  end
  local lower = url:sub(1, 8):lower()
  local skip = lower:sub(1, 7) == 'http://' and 8 or lower == 'https://' and 9 or nil
  if not skip then
    return nil
  end
  local k = url:match('^[^#]*')
  local first = k:sub(skip, skip)
  if first == '' or first == '/' or first == '?' or first == ':' or k:find('[%z\1-\32\127"<>\\]') then
    return nil
  end
  return k
end

local skip_kinds = { reference = true, shortcut = true, ref = true, relref = true }

local function diagnostic(v, lnum, col, end_lnum, end_col)
  return {
    lnum = lnum,
    col = col,
    end_lnum = end_lnum,
    end_col = end_col,
    severity = severity[v.severity] or vim.diagnostic.severity.WARN,
    code = v.code,
    message = v.message,
    source = 'mdpost',
  }
end

local function reportable(v)
  return v and type(v.code) == 'string' and type(v.severity) == 'string'
end

-- Where the URLs are: extmarks in a namespace of their own, which Neovim
-- moves with every edit. They are set from the occurrences the child found
-- in the text it was sent (no parse on the main loop), and set again from
-- a parse of the current text after each as-you-type check (M.on_checked),
-- which also finds URLs typed or removed since.
M.marks_ns = vim.api.nvim_create_namespace('mdpost.external.marks')

-- occurrences: list of { key, lnum, col, end_lnum, end_col } (0-based).
local function set_marks(buf, st, occurrences)
  vim.api.nvim_buf_clear_namespace(buf, M.marks_ns, 0, -1)
  st.marks = {}
  st.marks_tick = vim.api.nvim_buf_get_changedtick(buf)
  local last = vim.api.nvim_buf_line_count(buf) - 1
  for _, o in ipairs(occurrences) do
    if o[2] <= last and o[4] <= last then
      local ok, id = pcall(vim.api.nvim_buf_set_extmark, buf, M.marks_ns, o[2], o[3],
        { end_row = o[4], end_col = o[5] })
      if ok then
        st.marks[id] = o[1]
      end
    end
  end
end

-- The occurrences of every fetchable URL in the buffer's current text:
-- the links the library finds, and front matter values by their text.
local function find_occurrences(buf)
  local text = buffer.text(buf)
  local opts = buffer.options(buf, config.get(buf))
  local site = native.site(buffer.path(buf))
  local links = native.links(text, opts, site)
  if not links then
    return nil
  end
  local occ = {}
  for _, l in ipairs(links) do
    local k = not skip_kinds[l.kind] and l.status == 'external' and key(l.target)
    if k then
      occ[#occ + 1] = { k, l.lnum, l.col, l.end_lnum, l.end_col }
    end
  end
  local fm = native.frontmatter(text, opts, site)
  local range = fm and type(fm.range) == 'table' and fm.range
  if not range then
    return occ
  end
  local lines = vim.api.nvim_buf_get_lines(buf, range[1], range[3] + 1, false)
  for i, line in ipairs(lines) do
    local lnum = range[1] + i - 1
    local from = 1
    while true do
      local s = line:find('[hH][tT][tT][pP][sS]?://', from)
      if not s then
        break
      end
      local stop = (line:find('[%s"\',%]}]', s) or #line + 1) - 1
      local k = key(line:sub(s, stop))
      if k then
        local q, after = line:sub(s - 1, s - 1), line:sub(stop + 1, stop + 1)
        if (q == '"' or q == "'") and after == q then
          occ[#occ + 1] = { k, lnum, s - 2, lnum, stop + 1 }
        else
          occ[#occ + 1] = { k, lnum, s - 1, lnum, stop }
        end
      end
      from = stop + 1
    end
  end
  return occ
end

--- Finds the URLs in the current text again and moves the marks there.
function M.refind(buf)
  local st = state[buf]
  if not st or not vim.api.nvim_buf_is_loaded(buf) then
    return
  end
  local occ = find_occurrences(buf)
  if occ then
    set_marks(buf, st, occ)
  end
end

--- Places the verdicts at the marks: cheap, no parse.
function M.place(buf)
  local st = state[buf]
  if not st or not vim.api.nvim_buf_is_valid(buf) or not vim.api.nvim_buf_is_loaded(buf) then
    return
  end
  st.dirty = false
  local list = {}
  -- Unedited since the marks were set: they are where the URLs are.
  local lines = vim.api.nvim_buf_get_changedtick(buf) ~= st.marks_tick
    and vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, M.marks_ns, 0, -1, { details = true })) do
    local k = st.marks and st.marks[m[1]]
    local v = k and st.verdicts[k]
    local d = m[4] or {}
    local row, col, erow, ecol = m[2], m[3], d.end_row or m[2], d.end_col or m[3]
    local ok = reportable(v) and row == erow
    if ok and lines then
      -- Still the URL (an edit inside it leaves a mark on other text).
      local text = (lines[row + 1] or ''):sub(col + 1, ecol)
      local q = text:sub(1, 1)
      ok = key((q == '"' or q == "'") and text:sub(2, -2) or text) == k
    end
    if ok then
      list[#list + 1] = diagnostic(v, row, col, erow, ecol)
    end
  end
  table.sort(list, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  vim.diagnostic.set(M.ns, buf, list)
end

local function progress(buf)
  local st = state[buf]
  if not st then
    return
  end
  echo(('mdpost: checking links … %d/%d (%d dead)'):format(st.done, st.total or 0, st.dead))
end

local function on_line(buf, line)
  local st = state[buf]
  if not st or line == '' then
    return
  end
  local ok, v = pcall(vim.json.decode, line)
  if not ok or type(v) ~= 'table' then
    return
  end
  if v.type == 'start' then
    st.total = v.total
    -- Positions in the text sent; when the buffer changed since, found
    -- again in the text it has now.
    if vim.api.nvim_buf_is_loaded(buf) then
      if vim.api.nvim_buf_get_changedtick(buf) == st.tick and type(v.occurrences) == 'table' then
        set_marks(buf, st, v.occurrences)
      else
        M.refind(buf)
      end
    end
  elseif v.type == 'url' then
    for k, x in pairs(v) do
      if x == vim.NIL then
        v[k] = nil
      end
    end
    st.verdicts[key(v.url) or v.url] = v
    st.done = v.done or st.done + 1
    st.dead = st.dead + (v.verdict == 'dead' and 1 or 0)
    st.moved = st.moved + (v.verdict == 'moved' and 1 or 0)
    st.cached = st.cached + (v.cached and 1 or 0)
    st.dirty = st.dirty or reportable(v)
  elseif v.type == 'done' then
    st.offline = v.offline
    st.requests = v.requests
  end
end

local function stop_timer(st)
  if st.timer then
    st.timer:stop()
    st.timer:close()
    st.timer = nil
  end
end

local function finish(buf, code, stderr)
  local st = state[buf]
  if not st then
    return
  end
  st.job = nil
  stop_timer(st)
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  M.place(buf)
  local secs = (compat.uv.hrtime() - st.started) / 1e9
  if st.stopped then
    echo(('mdpost: link check stopped (%d/%d checked)'):format(st.done, st.total or 0))
  elseif code ~= 0 then
    vim.notify('mdpost: ' .. (stderr[1] or ('mdpost external failed (' .. code .. ')')), vim.log.levels.ERROR)
  elseif st.offline then
    echo('mdpost: external URLs not checked (offline)', 'WarningMsg')
  else
    echo(('mdpost: %d external URL%s: %d dead, %d moved%s (%.1f s)'):format(
      st.total or 0, st.total == 1 and '' or 's', st.dead, st.moved,
      st.cached > 0 and (', ' .. st.cached .. ' from the cache') or '', secs),
      st.dead > 0 and 'WarningMsg' or nil)
  end
  vim.api.nvim_exec_autocmds('User', { pattern = 'MdpostLinksChecked', modeline = false })
end

local leave_set = false

local function watch(buf)
  local group = vim.api.nvim_create_augroup('mdpost_external_' .. buf, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufDelete', 'BufWipeout' }, {
    group = group,
    buffer = buf,
    callback = function()
      M.forget(buf)
    end,
  })
  if not leave_set then
    leave_set = true
    vim.api.nvim_create_autocmd('VimLeavePre', {
      group = vim.api.nvim_create_augroup('mdpost_external', { clear = true }),
      callback = function()
        for b in pairs(state) do
          M.stop(b, true)
        end
      end,
    })
  end
end

--- Starts checking the buffer's external URLs; a check already running for
--- it is replaced. Returns true, or nil and a reason.
function M.start(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local cli = M.cli_path()
  if vim.fn.executable(cli) ~= 1 then
    return nil, cli .. ' is missing; run `make` in ' .. native.root()
  end
  M.stop(buf, true)
  local path = buffer.path(buf)
  local args = { cli, 'external' }
  local found = native.site_find(path or vim.fn.getcwd())
  if type(found) == 'table' and found.root then
    vim.list_extend(args, { '--site', found.root })
  end
  if path then
    vim.list_extend(args, { '--path', path })
  end
  args[#args + 1] = '-'
  local st = {
    verdicts = {}, done = 0, total = nil, dead = 0, moved = 0, cached = 0,
    started = compat.uv.hrtime(), dirty = false,
  }
  state[buf] = st
  local partial, stderr = '', {}
  local job = vim.fn.jobstart(args, {
    on_stdout = function(_, data)
      data[1] = partial .. data[1]
      partial = data[#data]
      for i = 1, #data - 1 do
        on_line(buf, data[i])
      end
    end,
    on_stderr = function(_, data)
      for _, l in ipairs(data) do
        if l ~= '' then
          stderr[#stderr + 1] = l:gsub('^mdpost: ', '')
        end
      end
    end,
    on_exit = function(_, code)
      on_line(buf, partial)
      partial = ''
      if state[buf] == st then
        finish(buf, code, stderr)
      end
    end,
  })
  if job <= 0 then
    state[buf] = nil
    return nil, 'could not start ' .. cli
  end
  st.job = job
  -- The post as it is in the buffer, saved or not.
  st.tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.fn.chansend(job, buffer.text(buf))
  vim.fn.chanclose(job, 'stdin')
  watch(buf)
  -- Answers are placed and progress shown at most every 100 ms: a burst of
  -- cached answers costs one placement, not one each.
  st.timer = compat.uv.new_timer()
  st.timer:start(100, 100, vim.schedule_wrap(function()
    if state[buf] ~= st or not st.job then
      return
    end
    if st.dirty then
      M.place(buf)
    end
    progress(buf)
  end))
  echo('mdpost: checking links …')
  return true
end

--- Cancels a running check (its answers so far stay).
function M.stop(buf, quiet)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local st = state[buf]
  if not st or not st.job then
    if not quiet then
      echo('mdpost: no link check running')
    end
    return false
  end
  st.stopped = true
  vim.fn.jobstop(st.job)
  return true
end

--- Forgets a buffer: stops its check, drops its verdicts and diagnostics.
function M.forget(buf)
  local st = state[buf]
  if not st then
    return
  end
  M.stop(buf, true)
  stop_timer(st)
  state[buf] = nil
  pcall(vim.api.nvim_del_augroup_by_name, 'mdpost_external_' .. buf)
  if vim.api.nvim_buf_is_valid(buf) then
    vim.diagnostic.reset(M.ns, buf)
    vim.api.nvim_buf_clear_namespace(buf, M.marks_ns, 0, -1)
  end
end

--- After an as-you-type check: move the verdicts to where their URLs are
--- now (cheap when the buffer has none).
function M.on_checked(buf)
  if state[buf] and next(state[buf].verdicts) then
    M.refind(buf)
    M.place(buf)
  end
end

--- Is a check running for the buffer?
function M.running(buf)
  local st = state[(buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf]
  return st ~= nil and st.job ~= nil
end

--- The job id of the running check, or nil.
function M.job(buf)
  local st = state[(buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf]
  return st and st.job
end

--- The answers received for the buffer, by URL (fragment dropped).
function M.verdicts(buf)
  local st = state[(buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf]
  return st and st.verdicts or {}
end

--- :PostLinkCheck [stop]
function M.command(args)
  local what = vim.trim(args.args or '')
  if what == 'stop' then
    return M.stop(0)
  end
  if what ~= '' then
    return vim.notify('mdpost: :PostLinkCheck takes no argument or `stop`, not `' .. what .. '`',
      vim.log.levels.ERROR)
  end
  local ok, err = M.start(0)
  if not ok then
    vim.notify('mdpost: ' .. err, vim.log.levels.ERROR)
  end
end

return M
