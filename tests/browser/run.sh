#!/usr/bin/env bash
# The browser preview in Debian's headless chromium (tests/browser/test_*.lua
# in headless Neovim, $NVIM, through the editor tests' runner). The
# screenshot stays in build/test-artifacts/preview.png.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-}
for c in chromium chromium-browser google-chrome; do
	[ -n "$chromium" ] || chromium=$(command -v "$c" 2>/dev/null)
done
if [ -z "$chromium" ]; then
	echo "browser tests: chromium is missing; run 'make deps' (Debian package chromium) or set CHROMIUM" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MDPOST_CHROMIUM=$chromium MDPOST_ARTIFACTS=$root/build/test-artifacts MDPOST_TMP=$tmp
bash "$root/tests/nvim/run.sh" "$here"/test_*.lua
