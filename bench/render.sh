#!/usr/bin/env bash
# Render throughput: `mdpost render` against the `cmark-gfm` command on the
# same text (every body of a generated site, concatenated), same GFM
# extensions. Wall time is the best of 5 runs; instruction counts
# (callgrind, repeatable on a busy machine) when valgrind is there.
#   bench/render.sh MDPOST SITE_DIR
set -eu
mdpost=$1 site=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$site" "$work" <<'EOF'
import glob, sys
site, work = sys.argv[1], sys.argv[2]
bodies = []
for f in sorted(glob.glob(site + "/content/**/*.md", recursive=True)):
    s = open(f, encoding="utf-8").read()
    if s.startswith("---\n"):
        i = s.find("\n---\n", 4)
        s = s[i + 5:] if i >= 0 else s
    bodies.append(s)
text = "\n\n".join(bodies)
open(work + "/body.md", "w", encoding="utf-8").write(text)
# The same body behind a front matter, as a post: mdpost removes it.
open(work + "/post.md", "w", encoding="utf-8").write("---\ntitle: all\n---\n" + text)
EOF
size=$(stat -c %s "$work/body.md")
exts=(-e table -e strikethrough -e autolink -e tagfilter -e tasklist --github-pre-lang)
best() {
	local b=999999 t
	for _ in 1 2 3 4 5; do
		t=$( { /usr/bin/time -f %e "$@" >/dev/null; } 2>&1 | tail -n 1)
		b=$(python3 -c "print(min($b, $t))")
	done
	echo "$b"
}
tm=$(best "$mdpost" render "$work/post.md")
tc=$(best cmark-gfm "${exts[@]}" "$work/body.md")
printf 'render throughput on %.1f MB (%s): mdpost render %.2f s (%.0f MB/s), cmark-gfm %.2f s (%.0f MB/s), ratio %.2f\n' \
	"$(python3 -c "print($size/1e6)")" "$site" "$tm" "$(python3 -c "print($size/1e6/max($tm,0.001))")" \
	"$tc" "$(python3 -c "print($size/1e6/max($tc,0.001))")" "$(python3 -c "print($tc/max($tm,0.001))")"
if command -v valgrind >/dev/null; then
	im=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$mdpost" render "$work/post.md" 2>&1 >/dev/null |
	     sed -n 's/.*refs: *//p' | tr -d ,)
	ic=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null cmark-gfm "${exts[@]}" "$work/body.md" 2>&1 >/dev/null |
	     sed -n 's/.*refs: *//p' | tr -d ,)
	printf 'instructions: mdpost render %s, cmark-gfm %s, ratio %.2f\n' "$im" "$ic" "$(python3 -c "print($ic/$im)")"
fi
