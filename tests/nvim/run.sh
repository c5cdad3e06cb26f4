#!/usr/bin/env bash
# Runs every tests/nvim/test_*.lua in its own headless Neovim ($NVIM, default
# nvim). A file fails on a failed test, a Lua error, a hang (timeout) or a
# missing summary line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
nvim=${NVIM:-nvim}
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$here"/test_*.lua)
export XDG_CONFIG_HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d) XDG_STATE_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"' EXIT
version=$("$nvim" --version | head -n 1)
echo "== editor tests on $version"
. "$here/../tally.sh"
for f in "${files[@]}"; do
	log=$(mktemp)
	(cd "$root" && timeout 120 "$nvim" --headless -u "$here/minimal_init.lua" -i NONE -n \
		-c "lua require('harness').run_file('$f')" >"$log" 2>&1 </dev/null)
	tally "$f" $? "$log" '[^ ]+\.lua \(nvim [^)]*\): [0-9]+ passed, [0-9]+ failed$'
	rm -f "$log"
done
echo "nvim: $tests_passed passed, $tests_failed failed"
[ $files_failed -eq 0 ] && [ $tests_failed -eq 0 ]
