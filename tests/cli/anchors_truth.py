#!/usr/bin/env python3
"""`mdpost headings` (tree-sitter) and `mdpost render` (cmark-gfm: the
preview, and the ids of other pages links point into) against the ids real
Hugo 0.111 gave every heading of tests/fixtures/anchors/headings.md, for
each autoHeadingIDType (read from the site config, as for a user's site). Regenerate the expectations with
tests/fixtures/anchors/run.sh. Prints "anchors: N passed, N failed" (one
test a heading and style)."""
import csv, html, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MDPOST = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "mdpost")
FIX = os.path.join(ROOT, "tests", "fixtures", "anchors")


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"t": "\t", "n": "\n", "\\": "\\"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def main():
    with open(os.path.join(FIX, "expected.tsv"), newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    body = open(os.path.join(FIX, "headings.md"), "rb").read()
    passed = failed = 0
    for col, style in enumerate(["github", "github-ascii", "blackfriday"]):
        with tempfile.TemporaryDirectory() as site:
            with open(os.path.join(site, "hugo.toml"), "w") as f:
                f.write('[markup.goldmark.parser]\nautoHeadingIDType = "%s"\n' % style)
            os.makedirs(os.path.join(site, "content"))
            post = os.path.join(site, "content", "h.md")
            open(post, "wb").write(body)
            out = subprocess.run([MDPOST, "headings", post], capture_output=True, check=True).stdout
            got = [json.loads(l) for l in out.decode().splitlines()]
            page = subprocess.run([MDPOST, "render", post], capture_output=True, check=True).stdout
            rendered = [html.unescape(i) for i in re.findall(r'<h[1-6] id="([^"]*)"', page.decode())]
        if rendered != [unescape(e[3 + col]) for e in rows]:
            failed += 1
            bad = [(e[0], r, unescape(e[3 + col])) for r, e in zip(rendered, rows) if r != unescape(e[3 + col])]
            print("FAIL %s: rendered ids differ from Hugo's (%d headings, %d rendered): %r" %
                  (style, len(rows), len(rendered), bad[:5]))
        else:
            passed += 1
        if len(got) != len(rows):
            print("FAIL %s: %d headings, Hugo made %d" % (style, len(got), len(rows)))
            failed += 1
        for g, e in zip(got, rows):
            want = unescape(e[3 + col])
            if int(e[0]) == g["line"] and g["id"] == want:
                passed += 1
            else:
                failed += 1
                print("FAIL %s line %s %r: Hugo %r, ours %r (line %d)" % (style, e[0], e[2][:40], want,
                                                                       g["id"], g["line"]))
    print("anchors: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
