-- User commands. Each one reports failure in one line and never throws.
local compat = require('mdpost.compat')
local native = require('mdpost.native')
local diagnostics = require('mdpost.diagnostics')

local M = {}

local function err(msg)
  vim.notify('mdpost: ' .. msg, vim.log.levels.ERROR)
end

local function is_front_matter(d)
  return type(d.code) == 'string' and d.code:sub(1, 3) == 'fm-'
end

local function any_code()
  return true
end

local function check_buffer(keep, title, what)
  local buf = vim.api.nvim_get_current_buf()
  native.reset()
  local list, e = diagnostics.run(buf)
  if not list then
    return err(e)
  end
  local items = {}
  for _, d in ipairs(list) do
    if keep(d) then
      items[#items + 1] = {
        bufnr = buf,
        lnum = d.lnum + 1,
        col = d.col + 1,
        end_lnum = d.end_lnum + 1,
        end_col = d.end_col + 1,
        text = ('%s [%s]'):format(d.message, d.code),
        type = d.severity == vim.diagnostic.severity.ERROR and 'E'
          or d.severity == vim.diagnostic.severity.WARN and 'W' or 'I',
      }
    end
  end
  vim.fn.setloclist(0, {}, 'r', { title = title, items = items })
  if #items == 0 then
    vim.api.nvim_echo({ { ('mdpost: %s OK'):format(what) } }, false, {})
  else
    vim.api.nvim_echo({ { ('mdpost: %d %s problem%s (:lopen)'):format(
      #items, what, #items == 1 and '' or 's'), 'WarningMsg' } }, false, {})
  end
end

--- The CLI beside the library (same sources, same results).
function M.cli_path()
  return native.root() .. '/build/mdpost'
end

local function check_site(keep, title, what)
  local file = vim.api.nvim_buf_get_name(0)
  local start = file ~= '' and file or vim.fn.getcwd()
  native.reset()
  local site, e = native.site_find(start)
  if e then
    return err(e)
  end
  if site == nil or site == vim.NIL then
    return err('no site around ' .. start .. ' (no hugo.toml, config.toml, _config.yml or .mdpost.yaml above it)')
  end
  local cli = M.cli_path()
  if vim.fn.executable(cli) ~= 1 then
    return err(cli .. ' is missing; run `make` in ' .. native.root())
  end
  local items, stderr = {}, {}
  local started = compat.uv.hrtime()
  local last_progress
  vim.api.nvim_echo({ { 'mdpost: checking ' .. site.root .. ' …' } }, false, {})
  local job = vim.fn.jobstart({ cli, 'check', '--format', 'jsonl', '--progress', '--site', site.root }, {
    cwd = site.root,
    stdout_buffered = true,
    on_stdout = function(_, lines)
      for _, line in ipairs(lines) do
        local ok, d = pcall(vim.json.decode, line)
        if ok and type(d) == 'table' and keep(d) then
          items[#items + 1] = {
            filename = site.root .. '/' .. d.file,
            lnum = d.line, col = d.col, end_lnum = d.end_line, end_col = d.end_col,
            text = ('%s [%s]'):format(d.message, d.code),
            type = d.severity == 'error' and 'E' or d.severity == 'warning' and 'W' or 'I',
          }
        end
      end
    end,
    on_stderr = function(_, lines)
      for _, l in ipairs(lines) do
        local done, total = l:match('^progress (%d+)/(%d+)$')
        if done then
          -- Progress in the command line as the CLI works through the site.
          vim.api.nvim_echo({ { ('mdpost: checking %s … %s/%s'):format(site.root, done, total) } },
            false, {})
          last_progress = done .. '/' .. total
        elseif l ~= '' then
          stderr[#stderr + 1] = l
        end
      end
    end,
    on_exit = function(_, code)
      if code == 2 then
        return err(stderr[1] or 'mdpost check failed')
      end
      vim.fn.setqflist({}, 'r', { title = title .. ' ' .. site.root, items = items })
      vim.api.nvim_echo({ { ('mdpost: %d %s problem%s in %s (%.1f s)'):format(
        #items, what, #items == 1 and '' or 's', site.root,
        (compat.uv.hrtime() - started) / 1e9) } }, false, {})
      if #items > 0 then
        vim.cmd('copen')
      end
      vim.g.mdpost_last_progress = last_progress
      vim.api.nvim_exec_autocmds('User', { pattern = 'MdpostSiteChecked', modeline = false })
    end,
  })
  if job <= 0 then
    err('could not start ' .. cli)
  end
end

function M.front_matter_check(args)
  if args.bang then
    return check_site(is_front_matter, 'FrontMatterCheck!', 'front matter')
  end
  return check_buffer(is_front_matter, 'FrontMatterCheck', 'front matter')
end

--- :PostCheck[!]: every rule (front matter, links, anchors), this post or
--- the whole site.
function M.post_check(args)
  if args.bang then
    return check_site(any_code, 'PostCheck!', 'post')
  end
  return check_buffer(any_code, 'PostCheck', 'post')
end

return M
