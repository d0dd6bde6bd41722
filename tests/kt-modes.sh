#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every mode runs a few seconds on the running kernel with 2+ movers and
# the oracle passes; the JSON result parses and says so.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
for mode in $("$MOVESTRESS" list --json | sed -n 's/.*"name": "\([a-z_]*\)".*/\1/p' | head -20); do
	case $mode in
	partitioned|contended|pingpong|thp|holes|fault) ;;
	*) continue ;;
	esac
	args="--mode=$mode --movers=3 --runtime=2s --size=16M --checkpoint=700ms"
	[ "$mode" = holes ] && args="$args --move-len=16"
	if run_ok "$mode" $args; then
		grep -qE '"verdict": "(pass|known-kernel-bug)"' "$TMP/$mode.json" || fail "$mode: JSON verdict not pass"
		grep -q '"schema_version": 1' "$TMP/$mode.json" || fail "$mode: no schema_version"
	fi
done
# the causes of slowdown: separate anon_vmas and idle spinners
run_ok src-vmas --mode=partitioned --movers=2 --src-vmas=2 --runtime=1s --size=8M
run_ok idle --mode=partitioned --movers=2 --idle-threads=1 --runtime=1s --size=8M
run_ok batched --mode=partitioned --movers=2 --move-len=8 --runtime=1s --size=8M
run_ok fault-batch --mode=fault --movers=2 --handlers=2 --fault-batch=8 --runtime=1s --size=8M
run_ok ops --mode=pingpong --movers=2 --ops=20000 --runtime=60s --size=8M
# bare keeps its ledger only in bulk: it must still park, ledger true, for
# a checkpoint (it once did not, and the run waited forever: hence timeout)
timeout -s KILL 120 "$MOVESTRESS" run --mode=bare --movers=2 --runtime=2s --size=8M --checkpoint=400ms \
	> "$TMP/bare-cp.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/bare-cp.out"; fail "bare with checkpoints: exit $rc"; }
grep -qE "checkpoints: [1-9][0-9]* oracle runs, 0 violations" "$TMP/bare-cp.out" ||
	{ cat "$TMP/bare-cp.out"; fail "bare: no clean checkpoint"; }
echo "ok bare-checkpoint: $(grep checkpoints: "$TMP/bare-cp.out")"
