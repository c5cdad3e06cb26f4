-- Configuration: defaults, merged with setup{} and then vim.g.mdpost and
-- vim.b.mdpost (buffer-local wins). No setup() call is required.
local M = {}

M.defaults = {
  enabled = true,          -- attach to Markdown buffers automatically
  debounce_ms = 200,       -- pause after typing before the post is checked
  preset = nil,            -- front matter preset (nil: detected from the site)
  anchors = nil,           -- heading id style (nil: from the site config)
  library = nil,           -- path of libmdpost.so (nil: the plugin's build/)
  max_size = 1048576,      -- bytes above which as-you-type checks and folds pause
  folds = true,            -- fold the front matter and heading sections
  fold_level = 99,         -- 'foldlevel' set with the folds: all open at first
  preview = {              -- :PostPreview
    debounce_ms = 150,     -- pause after typing before the preview re-renders
    browser = nil,         -- nil: the system's (open, xdg-open); a program, an argv list, a function(url); false: print the URL
    css = nil,             -- path of a stylesheet for the browser page instead of the built-in one
    port = 0,              -- port of the preview server on 127.0.0.1 (0: a free one)
    sourcepos = true,      -- data-line attributes in the split (they keep it at the cursor)
  },
}

local user = {}

function M.setup(opts)
  if opts ~= nil and type(opts) ~= 'table' then
    error('mdpost.setup: expected a table, got ' .. type(opts), 2)
  end
  user = vim.tbl_deep_extend('force', {}, opts or {})
end

function M.get(buf)
  local g = type(vim.g.mdpost) == 'table' and vim.g.mdpost or {}
  local b = {}
  if buf and vim.api.nvim_buf_is_valid(buf) then
    local ok, v = pcall(vim.api.nvim_buf_get_var, buf, 'mdpost')
    if ok and type(v) == 'table' then
      b = v
    end
  end
  return vim.tbl_deep_extend('force', {}, M.defaults, user, g, b)
end

return M
