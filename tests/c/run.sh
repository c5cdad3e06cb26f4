#!/usr/bin/env bash
# Runs the C test binaries (from the repository root) and sums their counts.
set -u
dir=$1; shift
passed=0 failed=0 status=0
for t in "$@"; do
	out=$(timeout 600 "$dir/$t" 2>&1)  # a hang fails, it does not stall CI
	rc=$?
	line=$(grep -oE '[0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		echo "$out"
		status=1
	else
		echo "$t: $line"
	fi
	if [ -n "$line" ]; then
		passed=$((passed + $(cut -d' ' -f1 <<<"$line")))
		failed=$((failed + $(cut -d' ' -f3 <<<"$line")))
	else
		failed=$((failed + 1))
	fi
done
echo "c: $passed passed, $failed failed"
exit $status
