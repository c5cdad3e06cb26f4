-- The FFI boundary: loading, ABI, and results decoded from msgpack.
local T = require('harness')
local native = require('mdpost.native')

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

T.test('loads the library and checks its ABI', function()
  local lib, err = native.load()
  T.truthy(lib, 'library loaded (' .. tostring(err) .. ')')
  T.eq(tonumber(lib.mdpost_abi_version()), native.ABI)
  T.eq(native.path(), T.root .. '/build/libmdpost.so')
end)

T.test('reports the versions of its libraries', function()
  local v = native.versions()
  T.eq(v.mdpost, '0.1.0')
  T.matches(v.libyaml, '^0%.2%.')
  T.matches(v['cmark-gfm'], 'gfm')
  T.eq(v['tree-sitter'], 'language ABI 14')
  T.truthy(v['msgpack-c'] and v.libcurl, 'msgpack-c and libcurl')
end)

T.test('YAML syntax error at the exact byte position (CJK before it)', function()
  local res = native.check(read(T.example('content/posts/broken-front-matter.md')))
  T.eq(res.frontmatter.format, 'yaml')
  T.eq(#res.diagnostics, 1)
  local d = res.diagnostics[1]
  -- `title: 峰会观察: …`: the second colon is byte 19 of line 1 (0-based).
  T.eq({ d.lnum, d.col, d.end_lnum, d.end_col }, { 1, 19, 1, 20 })
  T.eq(d.code, 'fm-syntax')
  T.eq(d.severity, 'error')
  T.matches(d.message, 'must be quoted')
end)

T.test('TOML and JSON syntax errors', function()
  local toml = native.check('+++\ntitle = "x"\ndate = \n+++\n')
  T.eq(toml.frontmatter.format, 'toml')
  T.eq(#toml.diagnostics, 1)
  T.eq({ toml.diagnostics[1].lnum, toml.diagnostics[1].col, toml.diagnostics[1].code }, { 2, 0, 'fm-syntax' })
  T.matches(toml.diagnostics[1].message, '`date` needs a value')
  local json = native.check('{\n  "title": "x",\n}\nbody\n')
  T.eq(json.frontmatter.format, 'json')
  T.eq({ json.diagnostics[1].lnum, json.diagnostics[1].col }, { 2, 0 })
  T.matches(json.diagnostics[1].message, 'trailing comma')
end)

T.test('front matter fields typed as Hugo reads YAML 1.1', function()
  local fm = native.frontmatter('---\ntitle: "yes"\ndraft: yes\ncount: 0x10\ntags: [a, b]\n---\n')
  T.eq(fm.fields, { title = 'yes', draft = true, count = 16, tags = { 'a', 'b' } })
  T.eq(fm.range, { 0, 0, 6, 0 })
end)

T.test('headings with ids and sections', function()
  local h = native.headings('---\ntitle: x\n---\n# 你好 World\ntext\n## Sub\n# 你好 World\n')
  T.eq(#h, 3)
  T.eq({ h[1].line, h[1].level, h[1].text, h[1].id, h[1].end_line }, { 3, 1, '你好 World', '你好-world', 5 })
  T.eq({ h[2].line, h[2].level, h[2].end_line }, { 5, 2, 5 })
  T.eq(h[3].id, '你好-world-1')
end)

T.test('renders the body without front matter', function()
  local html = native.render('---\ntitle: x\n---\n# Hi\n\n~~old~~ | a |\n')
  T.eq(html, '<h1 id="hi">Hi</h1>\n<p><del>old</del> | a |</p>\n')
  local lines = native.render('---\ntitle: x\n---\n# Hi\n\npara\n', { sourcepos = true })
  T.eq(lines, '<h1 id="hi" data-line="3">Hi</h1>\n<p data-line="5">para</p>\n')
end)

T.test("a buffer's kept document checks as a cold check does, edit after edit", function()
  local buf = vim.api.nvim_create_buf(false, true)
  local text = '---\ntitle: x\n---\n# Hi\n\n[a](#hi) [b](#nope)\n'
  local edits = { { '[b](#nope)', '[b](#hi)' }, { '# Hi', '# Hello' }, { 'title: x', 'title: [x' },
    { 'title: [x', 'title: x' }, { '\n$', '\n\n## Hi\n[c](#hi-1)\n' } }
  for i = 0, #edits do
    if i > 0 then
      text = text:gsub(vim.pesc(edits[i][1]):gsub('%%%$$', '$'), edits[i][2], 1)
    end
    T.eq(native.check_buffer(buf, text, {}), native.check(text, {}))
    T.eq(native.folds_buffer(buf, text), native.folds(text))
  end
  native.forget_buffer(buf)
  -- Forgotten: a new document starts cold, same answers.
  T.eq(native.check_buffer(buf, text, {}), native.check(text, {}))
  native.forget_buffer(buf)
  vim.api.nvim_buf_delete(buf, { force = true })
end)

T.test('rejects bad options with a message, never throws', function()
  local res, err = native.check('x', { anchors = 'nope' })
  T.eq(res, nil)
  T.matches(err, 'anchors must be github')
end)

T.test('finds the site around a post', function()
  local site = native.site_find(T.example('content/posts/second-post.md'))
  T.eq(site.root, T.example(''):gsub('/$', ''))
  T.eq(site.generator, 'hugo')
  T.eq(native.site_find('/'), vim.NIL)
end)

T.test('a site is opened once and carries its settings', function()
  native.forget_sites()
  local a = native.site(T.example('content/posts/second-post.md'))
  local b = native.site(T.example('content/posts/paris-ai-summit/index.md'))
  T.truthy(rawequal(a, b), 'the same cached site')
  T.eq(a.info.preset, 'hugo-mainroad')
  T.eq(a.info.generator, 'hugo')
  T.eq(a.info.anchors, 'github')
  T.eq(a.info.problems, {})
  local res = native.check('---\ntitle: t\nsidebar: middle\n---\n', nil, a)
  T.eq(#res.diagnostics, 1)
  T.eq(res.diagnostics[1].code, 'fm-enum')
  -- Outside any site only syntax is checked.
  local none = native.site(nil)
  T.eq(none.info.found, false)
  T.eq(none.info.preset, 'none')
  T.eq(#native.check('---\nsidebar: middle\n---\n', nil, none).diagnostics, 0)
  -- The preset option overrides the site's.
  T.eq(#native.check('---\nsidebar: middle\n---\n', { preset = 'hugo-mainroad' }, none).diagnostics, 2)
end)

T.test('frontmatter: typed fields, dates as RFC 3339', function()
  local site = native.site(T.example('content/posts/second-post.md'))
  local fm = native.frontmatter('---\nTitle: x\ndate: 2025-02-12 19:13:10\ndraft: yes\n---\n', nil, site)
  T.eq(fm.fields, { title = 'x', date = '2025-02-12T19:13:10Z', draft = true })
end)
