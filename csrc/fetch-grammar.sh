#!/usr/bin/env bash
# Fetches a tree-sitter grammar's npm tarball at a pinned version, checks its
# SHA-256 and unpacks it. Generated grammar sources are never committed.
#   fetch-grammar.sh PACKAGE VERSION SHA256 OUTDIR [LOCAL_TGZ]
set -euo pipefail
pkg=$1 version=$2 sha=$3 out=$4 local_tgz=${5:-}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
dl="$out.download"
rm -rf "$dl" "$out"
mkdir -p "$dl"
if [ -n "$local_tgz" ]; then
	cp "$local_tgz" "$dl/pkg.tgz"
else
	if ! command -v npm >/dev/null 2>&1; then
		echo "error: npm is needed to fetch $pkg@$version from the npm registry." >&2
		echo "       Install it (make deps), or download the tarball elsewhere and" >&2
		echo "       point the build at it, e.g. make TS_MARKDOWN_TGZ=/path/to/tree-sitter-markdown-0.3.2.tgz" >&2
		exit 1
	fi
	name=$(cd "$dl" && npm pack --silent "$pkg@$version" 2>"$dl/npm.log" | tail -n 1) || {
		cat "$dl/npm.log" >&2
		echo "error: npm could not fetch $pkg@$version" >&2
		exit 1
	}
	mv "$dl/$name" "$dl/pkg.tgz"
fi
got=$(sha256sum "$dl/pkg.tgz" | cut -d' ' -f1)
if [ "$got" != "$sha" ]; then
	echo "error: $pkg@$version has SHA-256 $got, expected $sha; refusing to build it" >&2
	exit 1
fi
mkdir -p "$out"
tar -xzf "$dl/pkg.tgz" -C "$out" --strip-components=1
rm -rf "$dl"
