#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make stress: the long host run.  Every scenario of the full matrix
# (every mode x every reclaim backend, from `movestress list --matrix=full`)
# on the running kernel, with checkpoints; a line per scenario and a total.
# Not part of make check: it takes about 15 minutes and needs root.
MS=${1:-./movestress}
OUT=${STRESS_OUT:-stress-results}
mkdir -p "$OUT"
pass=0 fail=0 skip=0
"$MS" list --matrix=full | while IFS="$(printf '\t')" read -r name args; do
	# shellcheck disable=SC2086
	"$MS" run $args --quiet --output "$OUT/$name.json" > "$OUT/$name.out" 2>&1
	rc=$?
	case $rc in
	0) echo "pass  $name" ;;
	77) echo "skip  $name: $(grep -m1 skipped "$OUT/$name.out")" ;;
	*) echo "FAIL  $name (exit $rc): $(grep -m1 -E 'oracle: FAIL|FAILURES|kernel:' "$OUT/$name.out")" ;;
	esac
done | tee "$OUT/summary.txt"
pass=$(grep -c '^pass' "$OUT/summary.txt")
fail=$(grep -c '^FAIL' "$OUT/summary.txt")
skip=$(grep -c '^skip' "$OUT/summary.txt")
echo "stress: $pass passed, $fail failed, $skip skipped (results in $OUT/)"
[ "$fail" -eq 0 ]
