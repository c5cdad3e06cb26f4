#!/usr/bin/env bash
# CLI tests: exact output and exit status of build/mdpost on fixtures and
# the example site. Run from anywhere; paths in output are as given.
set -u
mdpost=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME WANT_STATUS WANT_STDOUT_FILE_OR_- CMD...
expect() {
	local name=$1 want_rc=$2 want=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	local ok=1
	[ "$rc" -eq "$want_rc" ] || ok=0
	if [ "$want" != - ] && ! diff -u "$want" "$tmp/out" >"$tmp/diff"; then ok=0; fi
	if [ $ok -eq 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc (want $want_rc)"
		[ "$want" = - ] || cat "$tmp/diff"
		sed 's/^/  stderr: /' "$tmp/err"
	fi
}

# expect_grep NAME PATTERN FILE: a line of FILE (out or err) matches.
expect_grep() {
	if grep -qE -- "$2" "$tmp/$3"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: no line of $3 matches $2"
		sed 's/^/  /' "$tmp/$3"
	fi
}

want() { cat >"$tmp/want"; echo "$tmp/want"; }

site=examples/site/content

expect "check site text" 1 "$(want <<'EOT'
examples/site/content/posts/broken-front-matter.md:2:20: error: YAML: mapping values are not allowed in this context — a value that contains `: ` must be quoted [fm-syntax]
examples/site/content/posts/paris-ai-summit/index.md:11:7: error: `tags` is a single string, not a list: Hugo makes it one term ("人工智能") and themes that loop over `tags` (Mainroad's range .Params.tags) fail to build — write tags: [人工智能] [fm-type]
examples/site/content/posts/paris-ai-summit/index.md:16:1: warning: unknown key `autorbox` — did you mean `authorbox`? Hugo keeps it as a custom param, so `authorbox` stays unset [fm-unknown-key]
examples/site/content/posts/paris-ai-summit/index.md:25:1: error: `toc` is given twice (first on line 18); Hugo silently keeps this last value and drops the first [fm-duplicate-key]
examples/site/content/posts/paris-ai-summit/index.md:46:133: error: no heading in this post has the id `宣言要点：七项原则` — did you mean #宣言要点七项原则? [link-anchor]
examples/site/content/posts/paris-ai-summit/index.md:58:20: error: no image is published at /posts/paris-ai-summit/group-photo.png (not in static/ nor in this post's bundle) [link-file]
examples/site/content/posts/paris-ai-summit/index.md:68:154: error: nothing is published at /posts/paris-summit-preview/ [link-file]
examples/site/content/posts/second-post.md:3:7: error: `date: "2025/02/14 09:30:00"` is not a date Hugo can read: it silently drops it and the page gets 0001-01-01 — write "2025-02-14 09:30:00" [fm-date]
EOT
)" "$mdpost" check $site

expect "check jsonl" 1 "$(want <<'EOT'
{"file":"examples/site/content/posts/broken-front-matter.md","line":2,"col":20,"end_line":2,"end_col":21,"severity":"error","code":"fm-syntax","message":"YAML: mapping values are not allowed in this context — a value that contains `: ` must be quoted"}
EOT
)" "$mdpost" check --format jsonl $site/posts/broken-front-matter.md

expect "check without paths finds the site's content dir" 1 - \
	sh -c "cd examples/site/content/posts && '$mdpost' check --format jsonl"
expect_grep "paths relative to the cwd" '^\{"file":"\.\./posts/broken-front-matter.md","line":2,"col":20' out
expect "from the site root" 1 - sh -c "cd examples/site && '$mdpost' check"
expect_grep "content/… paths" '^content/posts/broken-front-matter.md:2:20: error' out

expect "--site DIR" 1 - "$mdpost" check --site examples/site
expect "--rule off silences a code" 1 - "$mdpost" check --rule fm-duplicate-key=off $site
expect_grep "only the syntax error is left" '^examples/site/content/posts/broken-front-matter.md:2:20: error' out
expect "--rule to warning: exit 0" 0 "$(want <<'EOT'
examples/site/content/posts/paris-ai-summit/index.md:11:7: warning: `tags` is a single string, not a list: Hugo makes it one term ("人工智能") and themes that loop over `tags` (Mainroad's range .Params.tags) fail to build — write tags: [人工智能] [fm-type]
examples/site/content/posts/paris-ai-summit/index.md:16:1: warning: unknown key `autorbox` — did you mean `authorbox`? Hugo keeps it as a custom param, so `authorbox` stays unset [fm-unknown-key]
examples/site/content/posts/paris-ai-summit/index.md:25:1: warning: `toc` is given twice (first on line 18); Hugo silently keeps this last value and drops the first [fm-duplicate-key]
EOT
)" "$mdpost" check --rule fm-duplicate-key=warning --rule fm-type=warning --rule link-anchor=off --rule link-file=off $site/posts/paris-ai-summit/index.md
expect "--strict fails on warnings" 1 - "$mdpost" check --strict --rule fm-duplicate-key=warning --rule fm-type=warning --rule link-anchor=off --rule link-file=off $site/posts/paris-ai-summit/index.md
expect "clean file: exit 0, no output" 0 "$(want </dev/null)" "$mdpost" check tests/fixtures/frontmatter/yaml-valid-cjk.md

expect "TOML and JSON positions" 1 "$(want <<'EOT'
tests/fixtures/frontmatter/json-trailing-comma.md:3:16: error: JSON: trailing comma before `]` [fm-syntax]
tests/fixtures/frontmatter/toml-duplicate.md:3:1: error: `title` is already defined (first on line 2); Hugo fails to build this page (toml: key title is already defined) [fm-duplicate-key]
tests/fixtures/frontmatter/toml-empty-value.md:3:1: error: TOML: `date` needs a value after `=` (strings in quotes) [fm-syntax]
tests/fixtures/frontmatter/yaml-tab.md:4:1: error: YAML: found character that cannot start any token — YAML is indented with spaces, never tabs [fm-syntax]
tests/fixtures/frontmatter/yaml-unclosed.md:1:1: error: front matter opened with `---` is never closed: add a line `---` after the last key (Hugo fails to build this page) [fm-unclosed]
EOT
)" "$mdpost" check tests/fixtures/frontmatter/json-trailing-comma.md tests/fixtures/frontmatter/toml-duplicate.md \
	tests/fixtures/frontmatter/toml-empty-value.md tests/fixtures/frontmatter/yaml-tab.md tests/fixtures/frontmatter/yaml-unclosed.md

sh_site=tests/fixtures/sites/shanghai/content/posts
expect "frontmatter: dates in the site's timeZone, keys lower-cased, Title wins" 0 "$(want <<'EOT'
{"format":"yaml","fields":{"date":"2025-02-12T19:13:10+08:00","lastmod":"2025-02-13T08:00:00Z","publishdate":"1970-08-23T09:03:32Z","expirydate":"2026-02-12T00:00:00+08:00","sidebar":"left","title":"Other"}}
EOT
)" "$mdpost" frontmatter $sh_site/a.md
expect "frontmatter: TOML native dates" 0 "$(want <<'EOT'
{"format":"toml","fields":{"title":"TOML","date":"2025-02-12T19:13:10+08:00","lastmod":"2025-02-13T00:00:00+08:00","tags":["a","b"],"params":{"sidebar":"right"}}}
EOT
)" "$mdpost" frontmatter $sh_site/b.md
expect "check: Unix-seconds date and a case collision" 1 "$(want <<'EOT'
tests/fixtures/sites/shanghai/content/posts/a.md:5:14: error: `publishDate: 20250212` is a number: Hugo reads it as Unix seconds, 1970-08-23T09:03:32Z — write a date such as 2025-02-12 or 2025-02-12 19:13:10 [fm-date]
tests/fixtures/sites/shanghai/content/posts/a.md:8:1: error: `Title` and `title` are one key to Hugo, which lower-cases keys; it keeps the value of `Title` [fm-duplicate-key]
EOT
)" "$mdpost" check $sh_site/a.md
expect ".mdpost.yaml: schema, rules and ignore" 1 "$(want <<'EOT'
tests/fixtures/sites/custom/content/posts/p.md:1:1: error: required key `author` is missing [fm-required]
tests/fixtures/sites/custom/content/posts/p.md:3:1: error: unknown key `titel` — did you mean `title`? Hugo keeps it as a custom param, so `title` stays unset [fm-unknown-key]
EOT
)" bash -o pipefail -c "cd tests/fixtures/sites/custom && '$mdpost' check | sed 's|^content/|tests/fixtures/sites/custom/content/|'"
expect "bad .mdpost.yaml: warnings, and the checks still run" 0 "$(want </dev/null)" "$mdpost" check --site tests/fixtures/sites/badconfig
expect_grep "names the file, line and column" 'warning: .*/badconfig/\.mdpost\.yaml:1:9: preset must be hugo' err
expect_grep "bad severity" 'warning: .*/badconfig/\.mdpost\.yaml:3:12: a rule.s severity is' err

expect "frontmatter JSON" 0 "$(want <<'EOT'
{"format":"yaml","fields":{"title":"标题","tags":["科技","AI"]}}
EOT
)" "$mdpost" frontmatter tests/fixtures/frontmatter/yaml-valid-cjk.md
expect "frontmatter BOM + CRLF + YAML 1.1 boolean" 0 "$(want <<'EOT'
{"format":"yaml","fields":{"title":"again","draft":true}}
EOT
)" "$mdpost" frontmatter tests/fixtures/frontmatter/yaml-bom-crlf.md
expect "frontmatter with a syntax error: exit 1, null fields" 1 "$(want <<'EOT'
{"format":"json","fields":null}
EOT
)" "$mdpost" frontmatter tests/fixtures/frontmatter/json-trailing-comma.md
expect_grep "the fault's position on stderr" '^mdpost: tests/fixtures/frontmatter/json-trailing-comma.md:3:16: JSON: trailing comma' err

expect "headings" 0 "$(want <<'EOT'
{"line":18,"level":2,"text":"背景","id":"背景"}
{"line":22,"level":2,"text":"Open Source 社区的反应","id":"open-source-社区的反应"}
{"line":26,"level":3,"text":"下一步计划？","id":"下一步计划"}
EOT
)" "$mdpost" headings $site/posts/second-post.md

printf -- '---\ntitle: x\n---\n# Hi *there*\n\n- [x] done\n' >"$tmp/r.md"
expect "render" 0 "$(want <<'EOT'
<h1 id="hi-there">Hi <em>there</em></h1>
<ul>
<li><input type="checkbox" checked="" disabled="" /> done</li>
</ul>
EOT
)" "$mdpost" render "$tmp/r.md"

# Without headings or shortcodes, exactly cmark-gfm's own HTML (GFM
# extensions on; its command has no switch for footnotes).
printf -- '---\ntitle: x\n---\n| a | b |\n|---|:-:|\n| `c` | ~~d~~ |\n\n- [ ] t\n\nwww.example.com <b>x</b>\n\n```go\nfunc()\n```\n' >"$tmp/g.md"
tail -n +4 "$tmp/g.md" | cmark-gfm -e table -e strikethrough -e autolink -e tagfilter -e tasklist --github-pre-lang >"$tmp/g.html"
expect "render: cmark-gfm's HTML" 0 "$tmp/g.html" "$mdpost" render "$tmp/g.md"

expect "render --standalone: a whole page with the front matter card" 0 - "$mdpost" render --standalone $site/posts/paris-ai-summit/index.md
expect_grep "its title" '^<title>巴黎人工智能峰会闭幕：数十国签署开放合作声明</title>$' out
expect_grep "the card" '^<h1 class="mdpost-title">巴黎人工智能峰会闭幕：数十国签署开放合作声明</h1>$' out
expect_grep "relref resolved" '<a href="/posts/second-post/">第二篇</a>' out
expect "render: only render takes --standalone" 2 - "$mdpost" headings --standalone $site/posts/second-post.md

expect "links: every link of a post with its verdict, in order" 1 "$(want <<'EOT'
{"line":28,"col":20,"kind":"image","target":"https://images.example.com/summit/plenary-hall.jpg","status":"external"}
{"line":32,"col":17,"kind":"image","target":"cover.png","status":"ok"}
{"line":36,"col":211,"kind":"link","target":"#宣言要点七项原则","status":"ok"}
{"line":38,"col":14,"kind":"image","target":"/images/summit-hall.png","status":"ok"}
{"line":46,"col":133,"kind":"link","target":"#宣言要点：七项原则","status":"broken","code":"link-anchor","message":"no heading in this post has the id `宣言要点：七项原则` — did you mean #宣言要点七项原则?"}
{"line":58,"col":20,"kind":"image","target":"group-photo.png","status":"broken","code":"link-file","message":"no image is published at /posts/paris-ai-summit/group-photo.png (not in static/ nor in this post's bundle)"}
{"line":64,"col":217,"kind":"link","target":"../second-post/","status":"ok"}
{"line":64,"col":272,"kind":"link","target":"../second-post/#open-source-社区的反应","status":"ok"}
{"line":68,"col":154,"kind":"link","target":"../paris-summit-preview/","status":"broken","code":"link-file","message":"nothing is published at /posts/paris-summit-preview/"}
{"line":72,"col":128,"kind":"shortcut","target":"第二篇","status":"shortcode"}
{"line":72,"col":151,"kind":"relref","target":"second-post.md","status":"ok"}
{"line":72,"col":189,"kind":"link","target":"../second-post.md","status":"ok"}
{"line":79,"col":57,"kind":"link","target":"#各方表态","status":"ok"}
{"line":80,"col":41,"kind":"link","target":"../second-post/","status":"ok"}
{"line":84,"col":17,"kind":"figure","target":"cover.png","status":"ok"}
{"line":86,"col":52,"kind":"link","target":"https://www.example.org/summit/declaration","status":"external"}
{"line":96,"col":10,"kind":"link","target":"https://news.example.com/2025/02/12/paris-ai-summit","status":"external"}
EOT
)" "$mdpost" links $site/posts/paris-ai-summit/index.md
expect "links: code blocks and code spans yield nothing" 0 "$(want <<'EOT'
{"line":16,"col":133,"kind":"link","target":"../paris-ai-summit/","status":"ok"}
{"line":20,"col":73,"kind":"link","target":"../paris-ai-summit/#宣言要点七项原则","status":"ok"}
EOT
)" "$mdpost" links $site/posts/second-post.md

lnk=$tmp/site
mkdir -p "$lnk/content/posts/b" "$lnk/static/img"
printf 'title = "t"\n[permalinks]\nposts = "/:year/:slug/"\n' >"$lnk/hugo.toml"
printf -- '---\ntitle: B\ndate: 2024-05-01\nslug: bee\naliases: [/old-b/]\n---\n## Part One\n' >"$lnk/content/posts/b/index.md"
: >"$lnk/content/posts/b/photo.jpg"
: >"$lnk/static/img/logo.png"
cat >"$lnk/content/posts/a.md" <<'EOT'
---
title: A
date: 2024-06-01
---
# Top

[ok](/2024/bee/#part-one) [old](/old-b/) [bad-anchor](/2024/bee/#part-two)
![res](/2024/bee/photo.jpg) ![case](/2024/bee/Photo.jpg) ![logo](/img/logo.png)
[ref-ok]({{< ref "b" >}}) [ref-bad]({{< ref "nope.md" >}}) [tag](/tags/x/)
[mail](mailto:a@b.c) [bad](htps://x.org) [empty]() [dbl](/img//logo.png)
[undef][nowhere] [used][d] [top](#top)

[d]: /2024/bee/
[unused]: /2024/bee/

```
[in-code](/no/where/)
```
`[span](/no/where/)`
EOT
expect "check on a permalinks site: slugs, aliases, bundles, static, refs, case, schemes, code" 1 "$(want <<'EOT'
content/posts/a.md:7:65: error: no heading in posts/b/index.md has the id `part-two` [link-anchor]
content/posts/a.md:8:37: error: no image is published at /2024/bee/Photo.jpg (not in static/ nor in this post's bundle) [link-file]
content/posts/a.md:9:46: error: ref "nope.md": no such page — Hugo fails the build (REF_NOT_FOUND) [link-ref]
content/posts/a.md:10:28: error: `htps://x.org` has a misspelt scheme (http: or https:) [link-malformed]
content/posts/a.md:10:50: error: the link has no target [link-malformed]
content/posts/a.md:10:58: error: `/img//logo.png` has an empty path segment (//): nothing is published there [link-file]
content/posts/a.md:11:9: error: no definition `[nowhere]: …` for this reference, so it shows as plain text [link-undefined]
content/posts/a.md:14:11: info: the definition [unused] is never used [link-unused]
EOT
)" sh -c "cd '$lnk' && '$mdpost' check"

expect "github: workflow commands, columns in characters, escaped" 1 "$(want <<'EOT'
::error file=examples/site/content/posts/second-post.md,line=3,endLine=3,col=7,endColumn=28,title=mdpost fm-date::`date: "2025/02/14 09:30:00"` is not a date Hugo can read: it silently drops it and the page gets 0001-01-01 — write "2025-02-14 09:30:00"
::error file=examples/site/content/posts/broken-front-matter.md,line=2,endLine=2,col=12,endColumn=13,title=mdpost fm-syntax::YAML: mapping values are not allowed in this context — a value that contains `: ` must be quoted
EOT
)" "$mdpost" check --format github $site/posts/second-post.md $site/posts/broken-front-matter.md
expect_grep "a summary line on stderr" '^mdpost: 2 files, 2 errors, 0 warnings in [0-9]+\.[0-9]{2} s$' err

expect "sarif: a valid SARIF 2.1.0 log" 1 - "$mdpost" check --format sarif --site examples/site
cp "$tmp/out" "$tmp/sarif.json"
expect "sarif: required fields, every result located" 0 "$(want <<'EOT'
2.1.0 mdpost 8
link-anchor error examples/site/content/posts/paris-ai-summit/index.md 46 47 46 57
fm-date error examples/site/content/posts/second-post.md 3 7 3 28
EOT
)" python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
res = run["results"]
print(log["version"], run["tool"]["driver"]["name"], len(res))
for r in res:
    assert r["ruleId"] in rules and r["message"]["text"] and r["level"] in ("error", "warning", "note")
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1
for r in res:
    if r["ruleId"] in ("fm-date", "link-anchor"):
        loc = r["locations"][0]["physicalLocation"]; g = loc["region"]
        print(r["ruleId"], r["level"], loc["artifactLocation"]["uri"].replace("../", ""), g["startLine"], g["startColumn"], g["endLine"], g["endColumn"])
' "$tmp/sarif.json"

expect "one worker or many: the same output, in the same order" 1 - sh -c "cd /tmp && MDPOST_JOBS=1 '$mdpost' check --format jsonl --site '$root/examples/site' > '$tmp/one.jsonl'; '$mdpost' check --format jsonl --site '$root/examples/site'"
cp "$tmp/out" "$tmp/many.jsonl"
expect "  …identical" 0 "$tmp/one.jsonl" cat "$tmp/many.jsonl"

loop=$tmp/loop
mkdir -p "$loop/content/posts"
printf 'title = "t"\n' >"$loop/hugo.toml"
printf -- '---\ntitle: x\n---\n[a](/posts/p/)\n' >"$loop/content/posts/p.md"
ln -s .. "$loop/content/posts/up"
ln -s missing "$loop/content/posts/dangling.md"
expect "symlink loops and dangling links in the site walk" 0 "$(want </dev/null)" sh -c "cd '$loop' && '$mdpost' check"
expect_grep "the dangling file is named" 'warning: content/posts/dangling.md: broken symbolic link, skipped' err

expect "--progress: plain progress lines on stderr" 1 - "$mdpost" check --progress --site examples/site
expect_grep "the last one counts every post" '^progress 3/3$' err

expect "version" 0 - "$mdpost" version
expect_grep "version names mdpost" '^mdpost [0-9]+\.[0-9]+\.[0-9]+$' out
expect_grep "version names libyaml" '^libyaml 0\.2\.' out

expect "usage error: exit 2" 2 - "$mdpost" check --format nope
expect_grep "says which formats" 'unknown format `nope`' err
expect "unknown command: exit 2" 2 - "$mdpost" frobnicate
expect "missing file: exit 2" 2 - "$mdpost" check /nonexistent/post.md
expect_grep "names the file" '/nonexistent/post.md' err
expect "no site: exit 2" 2 - sh -c "cd / && '$mdpost' check"
expect_grep "explains" 'no site found' err

expect "a custom-site file keeps its schema beside another site's file" 1 - \
	"$mdpost" check --format jsonl tests/fixtures/frontmatter/yaml-valid-cjk.md tests/fixtures/sites/custom/content/posts/p.md
expect_grep "custom schema applied to its own file" '"file":"tests/fixtures/sites/custom/content/posts/p.md","line":1,"col":1,.*"code":"fm-required"' out

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
