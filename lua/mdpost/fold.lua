-- Folds: the front matter as one fold, heading sections by level. Levels
-- come from one C call per changedtick, cached; 'foldexpr' is a lookup.
local native = require('mdpost.native')
local buffer = require('mdpost.buffer')

local M = {}

local cache = {}  -- buf -> { tick, levels }

local function levels(buf)
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  local c = cache[buf]
  if c and c.tick == tick then
    return c.levels
  end
  local limit = require('mdpost.config').get(buf).max_size
  if limit and vim.api.nvim_buf_get_offset(buf, vim.api.nvim_buf_line_count(buf)) > limit then
    -- Too big to recompute per change: keep what was there (or nothing).
    return c and c.levels or {}
  end
  local ok, res = pcall(native.folds_buffer, buf, buffer.text(buf))
  c = { tick = tick, levels = (ok and type(res) == 'table') and res or {} }
  cache[buf] = c
  return c.levels
end

--- 'foldexpr': v:lua.require'mdpost.fold'.expr(v:lnum)
function M.expr(lnum)
  return levels(vim.api.nvim_get_current_buf())[lnum] or '0'
end

--- 'foldtext': the post's title for the front matter, else the heading.
function M.text()
  local buf = vim.api.nvim_get_current_buf()
  local first, last = vim.v.foldstart, vim.v.foldend
  local line = vim.api.nvim_buf_get_lines(buf, first - 1, first, false)[1] or ''
  local count = last - first + 1
  if first == 1 and (line:match('^%-%-%-') or line:match('^%+%+%+') or line:match('^{')) then
    local title
    for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, first, last, false)) do
      title = l:match('^%s*[Tt]itle%s*[:=]%s*"?(.-)"?%s*,?$')
      if title then
        break
      end
    end
    return ('%s %s (front matter, %d lines)'):format(line, title or '', count)
  end
  return ('%s (%d lines)'):format(line, count)
end

--- Sets the folds in every window showing `buf` (window-local options).
function M.attach(buf, cfg)
  if not cfg.folds then
    return
  end
  for _, win in ipairs(vim.fn.win_findbuf(buf)) do
    M.apply(win, cfg)
  end
  vim.api.nvim_create_autocmd('BufWinEnter', {
    group = vim.api.nvim_create_augroup('mdpost_fold_' .. buf, { clear = true }),
    buffer = buf,
    callback = function()
      M.apply(vim.api.nvim_get_current_win(), cfg)
    end,
  })
end

-- :setlocal, so other buffers later shown in the window keep their folds.
function M.apply(win, cfg)
  vim.api.nvim_win_call(win, function()
    vim.cmd(('setlocal foldmethod=expr foldexpr=%s foldtext=%s foldlevel=%d'):format(
      [[v:lua.require'mdpost.fold'.expr(v:lnum)]], [[v:lua.require'mdpost.fold'.text()]],
      tonumber(cfg.fold_level) or 99))
  end)
end

function M.detach(buf)
  cache[buf] = nil
  pcall(vim.api.nvim_del_augroup_by_name, 'mdpost_fold_' .. buf)
end

return M
