-- The few APIs that differ between Neovim 0.7.2 and 0.10+; everything else
-- in mdpost calls the APIs that exist in both.
local M = {}

M.uv = vim.uv or vim.loop

-- nvim_set_option_value takes {buf=} from 0.8; 0.7 has only the scoped
-- setter, which 0.10 deprecates. Choose once, by feature.
local has_buf_key = vim.fn.has('nvim-0.8') == 1

function M.set_buf_option(buf, name, value)
  if has_buf_key then
    vim.api.nvim_set_option_value(name, value, { buf = buf })
  else
    vim.api.nvim_buf_set_option(buf, name, value)
  end
end

function M.set_win_option(win, name, value)
  if has_buf_key then
    vim.api.nvim_set_option_value(name, value, { win = win })
  else
    vim.api.nvim_win_set_option(win, name, value)
  end
end

-- vim.health.start/ok/... from 0.10 (0.8 on); require('health').report_* before.
function M.health()
  local h = vim.health
  if h and h.start then
    return { start = h.start, ok = h.ok, warn = h.warn, error = h.error, info = h.info }
  end
  local old = require('health')
  return {
    start = old.report_start,
    ok = old.report_ok,
    warn = old.report_warn,
    error = old.report_error,
    info = old.report_info,
  }
end

return M
