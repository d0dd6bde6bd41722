#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# explore's C reproducer replays every op kind: a hand-built log with a
# record of each op of the table (tests/explore-repro-gen --all-ops) and a
# recorded run's log become reproducers that compile with -Wall -Wextra
# -Werror and PASS, serially and with -c (a thread per recorded thread);
# with a negative control added they FAIL the way explore's replay of the
# same log does.  migrate needs two NUMA nodes: skipped with the reason.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
CC=${CC:-cc}
GEN=$(dirname "$MOVESTRESS")/tests/explore-repro-gen
[ -x "$GEN" ] || fail "no $GEN (make check builds it)"

# build NAME LOG: the reproducer of LOG, compiled to $TMP/NAME; it carries explore's own op bodies
build() {
	"$GEN" "$2" "$TMP/$1.c" > "$TMP/$1.gen" || fail "explore-repro-gen $2"
	grep -q "^const struct xop_desc xop_table\[XOP_NR\] = {" "$TMP/$1.c" || fail "$1: no op table of explore's"
	! grep -q '#include "' "$TMP/$1.c" || fail "$1: not standalone"
	$CC -O2 -Wall -Wextra -Werror -o "$TMP/$1" "$TMP/$1.c" -lpthread || fail "$1: does not compile"
}

# ---- every op kind of the table, each in the generated table of ops
"$GEN" --all-ops "$TMP/all.xlog" || fail "--all-ops log"
build all "$TMP/all.xlog"
"$MOVESTRESS" list --json > "$TMP/list.json"
ops=$(python3 -c 'import json,sys; print(" ".join(o["name"] for o in json.load(open(sys.argv[1]))["explore_ops"] if o["name"] != "inject"))' "$TMP/list.json")
[ "$(echo "$ops" | wc -w)" -ge 22 ] || fail "only $(echo "$ops" | wc -w) ops listed"
for op in $ops; do
	grep -q "^	{ .*/\* $op, explore/" "$TMP/all.c" || fail "op $op is not in the reproducer's table"
done
for mode in "" -c; do
	"$TMP/all" $mode > "$TMP/all.out"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^PASS" "$TMP/all.out" || { cat "$TMP/all.out"; fail "all ops${mode:+ $mode}: exit $rc"; }
	if [ ! -e /sys/devices/system/node/node1 ]; then
		grep -q "^SKIP op migrate (1 record(s)): one NUMA node" "$TMP/all.out" ||
			{ cat "$TMP/all.out"; fail "migrate on one node: no skip reason"; }
	fi
	echo "ok every op kind${mode:+ ($mode)}: $(grep '^PASS' "$TMP/all.out")"
done
# explore's own replay of the same log runs as many ops
"$MOVESTRESS" explore --replay="$TMP/all.xlog" --output="$TMP/all.json" > "$TMP/all-replay.out" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 6 ] || { cat "$TMP/all-replay.out"; fail "explore --replay of the every-op log: exit $rc"; }
"$TMP/all" > "$TMP/all.out"
n=$(sed -n 's/^PASS: \([0-9]*\) of.*/\1/p' "$TMP/all.out")
m=$(sed -n 's/^explore: \([0-9]*\) ops,.*/\1/p' "$TMP/all-replay.out")
k=$(sed -n 's/^PASS: .* ops ran (serially), \([0-9]*\) skipped.*/\1/p' "$TMP/all.out")
l=$(sed -n 's/^explore: replay: \([0-9]*\) records did not run.*/\1/p' "$TMP/all-replay.out")
[ "$n $k" = "$m $l" ] || { cat "$TMP/all.out" "$TMP/all-replay.out";
	fail "the reproducer ran $n ops and skipped $k, explore's replay $m and $l"; }
echo "ok explore --replay of the same log ran $m ops and skipped $l too"

# ---- a negative control at the end: the same failure as explore's replay
for spec in corrupt:300 lose:5 dup:600 zero:1100 write:60 zero-write:70; do
	case ${spec%%:*} in
	corrupt) want=corrupt ;;
	lose) want=lost ;;
	dup) want=duplicated ;;
	zero) want=zeroed ;;
	write) want=unrecorded-write ;;
	zero-write) want=not-zero ;;
	esac
	page=${spec##*:}
	"$GEN" --all-ops --inject="$spec" "$TMP/inj.xlog" || fail "--all-ops --inject=$spec"
	build inj "$TMP/inj.xlog"
	for mode in "" -c; do
		"$TMP/inj" $mode > "$TMP/inj.out"
		rc=$?
		[ $rc -eq 1 ] && grep -q "^FAIL: page $page $want " "$TMP/inj.out" ||
			{ cat "$TMP/inj.out"; fail "--inject=$spec${mode:+ $mode}: exit $rc"; }
	done
	"$MOVESTRESS" explore --replay="$TMP/inj.xlog" > "$TMP/inj-replay.out" 2>&1
	grep -q "FAILURE: page $page $want" "$TMP/inj-replay.out" ||
		{ cat "$TMP/inj-replay.out"; fail "explore --replay with --inject=$spec"; }
	echo "ok --inject=$spec: $(grep '^FAIL' "$TMP/inj.out"), as explore's replay"
done

# ---- a recorded run with the default mix: the reproducer of its whole log passes
"$MOVESTRESS" explore --size=8M --runtime=1s --movers=3 --seed=9 --record="$TMP/run.xlog" \
	> "$TMP/run.out" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 6 ] || { cat "$TMP/run.out"; fail "recorded run: exit $rc"; }
build run "$TMP/run.xlog"
for mode in "" -c; do
	"$TMP/run" $mode > "$TMP/run-repro.out"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^PASS" "$TMP/run-repro.out" ||
		{ tail -5 "$TMP/run-repro.out"; fail "recorded run's reproducer${mode:+ $mode}: exit $rc"; }
	echo "ok recorded run (3 threads)${mode:+ ($mode)}: $(grep '^PASS' "$TMP/run-repro.out")"
done
