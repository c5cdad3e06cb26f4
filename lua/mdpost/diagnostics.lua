-- As-you-type checks: one namespace, debounced with a libuv timer, re-run
-- only when the buffer's changedtick moved.
local compat = require('mdpost.compat')
local config = require('mdpost.config')
local native = require('mdpost.native')
local buffer = require('mdpost.buffer')

local M = {}

M.ns = vim.api.nvim_create_namespace('mdpost')

local state = {}  -- buf -> { timer, tick }

local severity = {
  error = vim.diagnostic.severity.ERROR,
  warning = vim.diagnostic.severity.WARN,
  info = vim.diagnostic.severity.INFO,
  hint = vim.diagnostic.severity.HINT,
}

local function to_vim(d)
  return {
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
    severity = severity[d.severity] or vim.diagnostic.severity.ERROR,
    code = d.code,
    message = d.message,
    source = 'mdpost',
  }
end

--- Checks the buffer now and publishes its diagnostics.
--- Returns the list set, or nil and a one-line reason.
function M.run(buf)
  if not vim.api.nvim_buf_is_valid(buf) then
    return nil, 'buffer is gone'
  end
  local cfg = config.get(buf)
  local site, serr = native.site(buffer.path(buf))
  if not site then
    return nil, serr
  end
  M.report_site_problems(site)
  M.when_indexed(site)
  local ok, res, err = pcall(native.check_buffer, buf, buffer.text(buf), buffer.options(buf, cfg), site)
  if not ok then
    return nil, tostring(res)
  end
  if not res then
    return nil, err
  end
  local list = {}
  for _, d in ipairs(res.diagnostics or {}) do
    list[#list + 1] = to_vim(d)
  end
  vim.diagnostic.set(M.ns, buf, list)
  if state[buf] then
    state[buf].tick = vim.api.nvim_buf_get_changedtick(buf)
  end
  -- External link verdicts (their own namespace) follow the text too.
  local external = package.loaded['mdpost.external']
  if external and external.on_checked then
    pcall(external.on_checked, buf)
  end
  return list
end

-- Problems in a site's config files are said once per site and session.
local reported = {}

function M.report_site_problems(site)
  local problems = site.info and site.info.problems or {}
  if #problems == 0 or reported[site.root] then
    return
  end
  reported[site.root] = true
  vim.notify('mdpost: ' .. table.concat(problems, '\nmdpost: '), vim.log.levels.WARN)
end

-- Sites whose index is being built: one timer polls them all, and every
-- attached buffer is re-checked when one becomes ready (links into other
-- posts can only be judged then). The main loop never waits for it.
local pending, poller = {}, nil

function M.when_indexed(site)
  if pending[site] or (not site.next_index and (not site.index or native.index_ready(site))) then
    return
  end
  pending[site] = true
  if poller then
    return
  end
  poller = compat.uv.new_timer()
  poller:start(50, 50, vim.schedule_wrap(function()
    local any = false
    for s in pairs(pending) do
      local swapped = native.swap_index(s)
      if not s.next_index and (swapped or native.index_ready(s)) then
        pending[s] = nil
        M.refresh_all()
        vim.api.nvim_exec_autocmds('User', { pattern = 'MdpostIndexed', modeline = false })
      else
        any = true
      end
    end
    if not any and poller then
      poller:stop()
      poller:close()
      poller = nil
    end
  end))
end

--- Re-checks every attached buffer (e.g. after a config file changed).
function M.refresh_all()
  for buf, st in pairs(state) do
    st.tick = -1
    if vim.api.nvim_buf_is_loaded(buf) and not M.too_big(buf) then
      M.run(buf)
    end
  end
end

--- Is the buffer too big for checks as you type? Says so once per buffer.
function M.too_big(buf)
  local limit = config.get(buf).max_size
  local size = vim.api.nvim_buf_get_offset(buf, vim.api.nvim_buf_line_count(buf))
  if not limit or size <= limit then
    return false
  end
  local st = state[buf]
  if st and not st.told then
    st.told = true
    vim.notify(('mdpost: this buffer is %.1f MB; checks as you type and folds pause above %.1f MB '
      .. '(:PostCheck still checks it)'):format(size / 1048576, limit / 1048576), vim.log.levels.WARN)
  end
  return true
end

local function run_if_changed(buf)
  local st = state[buf]
  if not st or not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  if st.tick == vim.api.nvim_buf_get_changedtick(buf) then
    return
  end
  if M.too_big(buf) then
    return
  end
  local _, err = M.run(buf)
  if err then
    require('mdpost').notify_unavailable(err)
  end
end

function M.schedule(buf)
  local st = state[buf]
  if not st then
    return
  end
  st.timer:stop()
  st.timer:start(config.get(buf).debounce_ms, 0, vim.schedule_wrap(function()
    run_if_changed(buf)
  end))
end

function M.attached(buf)
  return state[buf] ~= nil
end

function M.attach(buf)
  if state[buf] then
    return
  end
  state[buf] = { timer = compat.uv.new_timer(), tick = -1 }
  local group = vim.api.nvim_create_augroup('mdpost_buf_' .. buf, { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, {
    group = group,
    buffer = buf,
    callback = function()
      M.schedule(buf)
    end,
  })
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = group,
    buffer = buf,
    callback = function()
      -- Other posts link into this one: re-index the site in the background.
      local site = native.site(buffer.path(buf))
      if site and site.index then
        native.refresh_index(site)
        M.when_indexed(site)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufWritePost', 'InsertLeave' }, {
    group = group,
    buffer = buf,
    callback = function()
      run_if_changed(buf)
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufUnload', 'BufWipeout' }, {
    group = group,
    buffer = buf,
    callback = function()
      M.detach(buf)
    end,
  })
  run_if_changed(buf)
end

function M.detach(buf)
  local st = state[buf]
  if not st then
    return
  end
  state[buf] = nil
  st.timer:stop()
  st.timer:close()
  pcall(vim.api.nvim_del_augroup_by_name, 'mdpost_buf_' .. buf)
  require('mdpost.fold').detach(buf)
  native.forget_buffer(buf)
  if vim.api.nvim_buf_is_valid(buf) then
    vim.diagnostic.reset(M.ns, buf)
  end
end

return M
