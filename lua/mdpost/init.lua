-- mdpost's entry point: setup() (optional) and attaching to buffers.
local M = {}

function M.setup(opts)
  require('mdpost.config').setup(opts)
end

local notified = false

--- Notifies once per session that the library cannot be used.
function M.notify_unavailable(reason)
  if notified then
    return
  end
  notified = true
  vim.notify('mdpost: ' .. reason, vim.log.levels.WARN)
end

--- Starts as-you-type checks in a Markdown buffer.
function M.attach(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local cfg = require('mdpost.config').get(buf)
  if not cfg.enabled then
    return
  end
  local _, err = require('mdpost.native').load()
  if err then
    M.notify_unavailable(err)
    return
  end
  require('mdpost.diagnostics').attach(buf)
  require('mdpost.fold').attach(buf, cfg)
end

return M
