#!/usr/bin/env bash
# Runs every tests/vim/test_*.vim in its own `vim -es` ($VIM_BIN, default
# vim: Debian's Vim 9 is built without Lua). A file fails on a failed
# test, an error that ends Vim, a hang (timeout) or a missing summary line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vim=${VIM_BIN:-vim}
if ! command -v "$vim" >/dev/null 2>&1; then
	echo "vim: $vim not found (Debian package vim; .ci/deps installs it)" >&2
	exit 1
fi
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$here"/test_*.vim)
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
echo "== editor tests on $("$vim" --version | head -n 1)"
. "$here/../tally.sh"
for f in "${files[@]}"; do
	log="$home/log"
	: >"$log"
	# -u NONE: no user vimrc, no plugins; the test loads mdpost itself.
	(cd "$root" && HOME="$home" MDPOST_TEST_LOG="$log" timeout -k 5 120 "$vim" -Nu NONE -i NONE -n -es \
		--cmd "set rtp^=$root" --cmd "filetype on" --cmd "runtime plugin/mdpost.vim" \
		-c "source $here/harness.vim" -c "source $f" -c "call T_run('$f')" </dev/null >/dev/null 2>&1)
	tally "$f" $? "$log" '[^ ]+\.vim \(vim [^)]*\): [0-9]+ passed, [0-9]+ failed$'
done
# Neovim must never take the Vim script path (it has plugin/mdpost.lua,
# which defines :PostPreview and :FrontMatterCheck there).
nvim=${NVIM:-nvim}
if command -v "$nvim" >/dev/null 2>&1; then
	out="$home/nvim-guard"
	(cd "$root" && HOME="$home" timeout -k 5 60 "$nvim" --headless -u NONE -i NONE -n \
		--cmd "set rtp^=$root" -c "runtime! plugin/mdpost.vim plugin/mdpost.lua" \
		-c "call writefile([exists('g:loaded_mdpost_vim'), exists(':PostPreview'), exists(':FrontMatterCheck'), exists('*mdpost#attach')], '$out')" \
		-c "qall!" </dev/null >/dev/null 2>&1)
	if [ "$(tr '\n' ' ' <"$out" 2>/dev/null)" = "0 2 2 0 " ]; then
		echo "nvim guard: plugin/mdpost.vim stays out of $("$nvim" --version | head -n 1)"
		tests_passed=$((tests_passed + 1))
	else
		echo "nvim guard: FAILED, got: $(tr '\n' ' ' <"$out" 2>/dev/null)"
		tests_failed=$((tests_failed + 1))
	fi
fi
echo "vim: $tests_passed passed, $tests_failed failed"
[ $files_failed -eq 0 ] && [ $tests_failed -eq 0 ]
