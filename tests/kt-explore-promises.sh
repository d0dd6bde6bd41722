#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# explore keeps run's promises (issue 22), one check per item, each run
# against the real kernel: a closed stdout pipe stops it like SIGINT
# (exit 7, host restored, result written); output and record files are
# refused before the run; an interrupted result says why; the verdict
# line says the exit code the process exits with.
# Every check runs; the failures are listed at the end.  ITEMS="1 5"
# runs only those items.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
case $MOVESTRESS in	# absolute: some checks run in $TMP
*/*) MOVESTRESS=$(cd "$(dirname "$MOVESTRESS")" && pwd)/$(basename "$MOVESTRESS") ;;
esac
SRC=$(cd "${srcdir:-.}" && pwd)
export MOVESTRESS_STATE_DIR="$TMP/state"
trap '"$MOVESTRESS" cleanup --quiet > /dev/null 2>&1; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

failed=""
bad() { echo "FAIL item $item: $*"; failed="$failed $item"; }
ok() { echo "ok item $item: $*"; }
want() { [ -z "${ITEMS:-}" ] || echo " $ITEMS " | grep -q " $1 "; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
# left: the state files of runs that did not restore the host
left() { ls "$MOVESTRESS_STATE_DIR"/state-*.json 2>/dev/null; }
MTHP=/sys/kernel/mm/transparent_hugepage/hugepages-
mthp_of() { sed 's/.*\[\(.*\)\].*/\1/' "$MTHP${1}kB/enabled" 2>/dev/null; }
# mthp_ok KB: this host has the size, we may change it, and nobody has it at always
mthp_ok() { [ "$(id -u)" -eq 0 ] && [ -w "$MTHP${1}kB/enabled" ] && [ "$(mthp_of "$1")" != always ]; }
# elapsed CMD...: run it, seconds (tenths) in $secs, its exit code in $rc
elapsed() {
	t0=$(date +%s%N)
	"$@"
	rc=$?
	secs=$(( ($(date +%s%N) - t0) / 100000000 ))
	secs="$((secs / 10)).$((secs % 10))"
}
# reap PID within SECS, else SIGKILL it: its exit code in $rc (137 when killed), the wait in $secs
reap() {
	t0=$(date +%s%N)
	i=0
	while kill -0 "$1" 2> /dev/null && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$1" 2> /dev/null && kill -KILL "$1"
	wait "$1"
	rc=$?
	secs=$(( ($(date +%s%N) - t0) / 100000000 ))
	secs="$((secs / 10)).$((secs % 10))"
}
# a failing run's log: page 300 corrupted, --record (a few thousand records)
failing_log() {
	[ -s "$TMP/fail.xlog" ] && return 0
	"$MOVESTRESS" explore --size=8M --runtime=3s --movers=3 --seed=5 --inject=corrupt:300 \
		--record="$TMP/fail.xlog" > "$TMP/fail.out" 2>&1
	[ $? -eq 1 ] && [ -s "$TMP/fail.xlog" ]
}

# ---- 1: `explore ... | head -1` stops as for SIGINT: exit 7, host restored, result written
item=1
if want 1; then
	rec=pageout
	"$MOVESTRESS" list | grep -qE "^  memcg +yes" && rec=memcg,pageout
	mthp=""
	mthp_ok 16 && mthp=--mthp=16
	m0=$(mthp_of 16)
	( "$MOVESTRESS" explore --size=16M --runtime=4s --reclaim=$rec --swap=auto $mthp \
		--output="$TMP/pipe.json" 2> "$TMP/pipe.err"; echo $? > "$TMP/pipe.rc" ) | head -1 > /dev/null
	rc=$(cat "$TMP/pipe.rc")
	why=$(jget "$TMP/pipe.json" "d['interruption']['reason']")
	if [ "$rc" != 7 ]; then
		bad "exit $rc, expected 7 ($(tail -1 "$TMP/pipe.err"))"
	elif [ -n "$(left)" ]; then
		bad "exit 7, but the host was not restored: $(left)"
	elif [ "$(mthp_of 16)" != "$m0" ]; then
		bad "exit 7, but hugepages-16kB is $(mthp_of 16), was $m0"
	elif ! echo "$why" | grep -q EPIPE; then
		bad "exit 7, but the result's interruption.reason is '$why'"
	else
		ok "exit 7, --reclaim=$rec $mthp restored, interruption.reason '$why'"
	fi
	"$MOVESTRESS" cleanup --quiet > /dev/null 2>&1
fi

# ---- 3: --output and --record refused before the run, as run refuses them (exit 2)
item=3
if want 3; then
	mkfifo "$TMP/fifo"
	echo "keep me" > "$TMP/target"
	ln -s "$TMP/target" "$TMP/link"
	n=0
	for arg in --output=/dev/full --output="$TMP" --output="$TMP/no/such/dir.json" \
		   --record="$TMP/link" --record="$TMP/fifo" --record=/dev/full; do
		elapsed timeout -k 5 30 "$MOVESTRESS" explore --size=4M --runtime=2s "$arg" > "$TMP/o.out" 2> "$TMP/o.err"
		if [ $rc -ne 2 ] || grep -q "^explore: seed" "$TMP/o.out" || [ "$(wc -l < "$TMP/o.err")" -ne 1 ]; then
			bad "explore $arg: exit $rc after ${secs}s, not refused before the run ($(head -1 "$TMP/o.err"))"
		else
			n=$((n + 1))
		fi
	done
	[ "$(cat "$TMP/target")" = "keep me" ] || bad "--record=LINK wrote through the link"
	[ $n -eq 6 ] && ok "6 bad --output/--record refused before the run (exit 2, one line), the link's target kept"
fi

# ---- 9: an interrupted explore result says why
item=9
if want 9; then
	"$MOVESTRESS" explore --size=4M --runtime=60s --output="$TMP/i.json" > /dev/null 2>&1 &
	pid=$!
	sleep 2
	kill -INT $pid
	wait $pid
	rc=$?
	why=$(jget "$TMP/i.json" "d['interruption']['reason']")
	[ $rc -eq 7 ] && echo "$why" | grep -q SIGINT && ok "SIGINT: exit 7, interruption.reason '$why'" ||
		bad "SIGINT: exit $rc, interruption.reason '$why'"
fi

# ---- 10: the smaller points
item=10
if want 10; then
	n=0
	# the verdict line says the exit code the process exits with
	"$MOVESTRESS" run --mode=partitioned --movers=1 --size=8M --runtime=1s --inject=eexist:5 \
		--exit-codes=kselftest > "$TMP/k.out" 2>&1
	rc=$?
	v=$(grep "^verdict" "$TMP/k.out")
	[ $rc -eq 2 ] && echo "$v" | grep -q "(exit 2" && n=$((n + 1)) ||
		bad "run --exit-codes=kselftest: exit $rc, verdict line '$v'"
	"$MOVESTRESS" explore --size=4M --runtime=60s --exit-codes=automake > "$TMP/a.out" 2>&1 &
	pid=$!
	sleep 2
	kill -INT $pid
	wait $pid
	rc=$?
	v=$(grep "verdict" "$TMP/a.out")
	[ $rc -eq 99 ] && echo "$v" | grep -q "(exit 99" && n=$((n + 1)) ||
		bad "explore --exit-codes=automake after SIGINT: exit $rc, verdict line '$v'"
	[ $n -eq 2 ] && ok "the verdict line's code (kselftest 2, automake 99)"
fi

[ -z "$failed" ] || fail "items:$failed"
echo "all items pass"
