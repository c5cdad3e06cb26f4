-- A buffer's text as it will be written to disk, and the options that tell
-- the library where the post lives.
local M = {}

function M.text(buf)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
  -- Written files end with a newline; positions never depend on it.
  return table.concat(lines, '\n') .. '\n'
end

function M.path(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  if name == '' then
    return nil
  end
  return vim.fn.fnamemodify(name, ':p')
end

function M.options(buf, cfg)
  return {
    path = M.path(buf),
    preset = cfg.preset,
    anchors = cfg.anchors,
  }
end

--- The site of a buffer's post (cached by the native layer).
function M.site(buf)
  return require('mdpost.native').site(M.path(buf))
end

return M
