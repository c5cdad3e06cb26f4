# Sourced by the editor test runners (tests/nvim/run.sh, tests/vim/run.sh).
# tally FILE RC LOG PATTERN: FILE's summary line is the last match of
# PATTERN in LOG ("name (editor version): N passed, N failed"). A file
# fails on a nonzero RC or a missing summary; its log is shown then.
files_failed=0 tests_passed=0 tests_failed=0
tally() {
	local f=$1 rc=$2 log=$3 pattern=$4 summary
	summary=$(grep -oE "$pattern" "$log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$summary" ]; then
		cat "$log"
		[ -n "$summary" ] || echo "$(basename "$f"): no summary (exit $rc)"
		files_failed=$((files_failed + 1))
	else
		echo "$summary"
	fi
	if [ -n "$summary" ]; then
		tests_passed=$((tests_passed + $(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$summary")))
		tests_failed=$((tests_failed + $(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$summary")))
	else
		tests_failed=$((tests_failed + 1))
	fi
}
