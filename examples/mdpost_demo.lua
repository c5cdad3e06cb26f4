-- `make demo` without a terminal: print what the editor shows for the
-- example post, then quit with status 0 (1 if mdpost could not run).
local M = {}

local function out(s)
  io.stdout:write(s .. '\n')
end

function M.report()
  local buf = vim.api.nvim_get_current_buf()
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':.')
  local ns = vim.api.nvim_create_namespace('mdpost')
  local native = require('mdpost.native')
  local _, err = native.load()
  if err then
    out('mdpost: ' .. err)
    vim.cmd('cquit 1')
  end
  vim.wait(2000, function()
    return require('mdpost.diagnostics').attached(buf)
  end, 10)
  -- Links into the site are judged once its index (built on a thread) is ready.
  local site = native.site(vim.api.nvim_buf_get_name(buf))
  vim.wait(10000, function()
    return native.index_ready(site)
  end, 10)
  require('mdpost.diagnostics').run(buf)
  local diags = vim.diagnostic.get(buf, { namespace = ns })
  table.sort(diags, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  local sev = { 'E', 'W', 'I', 'H' }
  out(('Neovim %s shows %d mdpost diagnostic%s in %s:'):format(
    tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch),
    #diags, #diags == 1 and '' or 's', name))
  for _, d in ipairs(diags) do
    local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1] or ''
    out(('  %s %d:%d %s [%s]'):format(sev[d.severity] or '?', d.lnum + 1, d.col + 1, d.message, d.code))
    out('      │ ' .. line)
    out('      │ ' .. string.rep(' ', vim.fn.strdisplaywidth(line:sub(1, d.col)))
      .. string.rep('^', math.max(1, vim.fn.strdisplaywidth(line:sub(d.col + 1, d.end_col)))))
  end
  out('Run `make demo` in a terminal to open the post in Neovim; :PostCheck! checks the whole site,')
  out(':PostPreview shows the HTML beside it (:PostPreview browser in your browser), :PostLinkCheck checks its URLs.')
  vim.cmd('qall!')
end

return M
