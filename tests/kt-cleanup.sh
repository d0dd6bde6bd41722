#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SIGKILL a run that changed the system (temporary swap, a private memory
# cgroup, kernel.task_delayacct, a tracefs mount/instance, DAMON where
# free), check that it left its state file, then that `movestress cleanup`
# undoes every recorded change.  Then SIGINT: the run restores by itself.
# Changes are checked one by one from the state file, so other runs on
# the same host do not disturb the test.
. "${srcdir:-.}/tests/kt-lib.sh"
. "${srcdir:-.}/tests/kt-pressure-lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
require_move
"$MOVESTRESS" list | grep -qE "^  memcg +yes" || { echo "SKIP: memcg backend unsupported"; exit 77; }

export MOVESTRESS_STATE_DIR="$TMP/state"
reclaim=memcg
"$MOVESTRESS" list | grep -qE "^  damon +yes" && reclaim=memcg,damon

"$MOVESTRESS" run --mode=partitioned --movers=2 --size=16M --runtime=60s --reclaim=$reclaim \
	--swap=auto > "$TMP/kill.out" 2>&1 &
pid=$!
state="$MOVESTRESS_STATE_DIR/state-$pid.json"
# wait for the pressure phase: the state file then holds the cgroup and more
i=0
while [ $i -lt 100 ]; do
	[ -f "$state" ] && grep -q '"cgroup"' "$state" && break
	sleep 0.1
	i=$((i + 1))
done
sleep 2
[ -d "/proc/$pid" ] || { cat "$TMP/kill.out"; fail "the run ended before it could be killed"; }
kill -KILL $pid
wait $pid 2>/dev/null
[ -f "$state" ] || { cat "$TMP/kill.out"; fail "no state file after SIGKILL"; }
cp "$state" "$TMP/state-killed.json"
# the changes are really there before cleanup
if CHECK_VALUES=0 verify_restored "$TMP/state-killed.json" > "$TMP/pre.out"; then
	cat "$TMP/pre.out" "$TMP/kill.out"
	fail "the killed run left no change for cleanup to undo"
fi
grep -c "NOT RESTORED" "$TMP/pre.out" | sed 's/^/changes left by the killed run: /'

"$MOVESTRESS" cleanup > "$TMP/cleanup.out" 2>&1 || { cat "$TMP/cleanup.out"; fail "cleanup exited $?"; }
cat "$TMP/cleanup.out"
verify_restored "$TMP/state-killed.json" || fail "cleanup did not restore the system"
[ ! -f "$state" ] || fail "state file left after cleanup"
"$MOVESTRESS" cleanup > "$TMP/cleanup2.out" 2>&1 || fail "second cleanup failed"
grep -q "0 state file" "$TMP/cleanup2.out" || { cat "$TMP/cleanup2.out"; fail "second cleanup found work"; }
echo "ok SIGKILL + cleanup"

# restored_or_busy FILE.json WHAT: verify_restored, unless other movestress
# runs on this host (other sessions' tests) hold the same kinds of state:
# they reuse the zram device number and set task_delayacct themselves
restored_or_busy() {
	verify_restored "$1" > "$TMP/verify.out" && return 0
	others=$(pgrep -f "movestress run" | tr '\n' ' ')
	for f in /run/movestress/state-*.json; do
		p=${f##*/state-}
		[ -d "/proc/${p%.json}" ] && others="$others${p%.json} "
	done
	if [ -n "$others" ]; then
		cat "$TMP/verify.out"
		echo "WARNING: $2: not verifiable, other movestress runs change the same host state now (pids $others)"
		return 0
	fi
	cat "$TMP/verify.out"
	return 1
}

# SIGINT: graceful stop, the run restores by itself and removes its state file
"$MOVESTRESS" run --mode=partitioned --movers=2 --size=16M --runtime=60s --reclaim=memcg \
	--swap=auto --output "$TMP/int.json" > "$TMP/int.out" 2>&1 &
pid=$!
sleep 3
kill -INT $pid
wait $pid
rc=$?
grep -q "stopping, restoring" "$TMP/int.out" || { cat "$TMP/int.out"; fail "SIGINT not handled"; }
[ -s "$TMP/int.json" ] || { cat "$TMP/int.out"; fail "SIGINT run wrote no result (exit $rc)"; }
restored_or_busy "$TMP/int.json" SIGINT || { cat "$TMP/int.out"; fail "SIGINT run did not restore the system"; }
[ ! -f "$MOVESTRESS_STATE_DIR/state-$pid.json" ] || fail "SIGINT run left its state file"
# an interrupted run is not a pass: its own verdict and exit code (7), and why
[ $rc -eq 7 ] || { cat "$TMP/int.out"; fail "SIGINT run exited $rc, expected 7 (interrupted)"; }
grep -q '^verdict: interrupted: SIGINT (Interrupt) after ' "$TMP/int.out" || { cat "$TMP/int.out"; fail "SIGINT verdict line"; }
interrupted_json() {
	python3 - "$1" "$2" <<'EOF2'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "interrupted" and d["exit_code"] == 7 and d["interrupted"] is True, d["verdict"]
assert re.match(sys.argv[2], d["interruption"]["reason"]), d["interruption"]
assert d["results"][0]["oracle"]["pass"], "oracle"
EOF2
}
interrupted_json "$TMP/int.json" SIGINT || fail "SIGINT result"
echo "ok SIGINT (exit $rc)"

# SIGINT right after the start, before the pressure began: the same
"$MOVESTRESS" run --mode=partitioned --movers=2 --size=16M --runtime=60s --reclaim=memcg \
	--swap=auto --output "$TMP/int0.json" > "$TMP/int0.out" 2>&1 &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 7 ] || { cat "$TMP/int0.out"; fail "early SIGINT: exit $rc, expected 7"; }
grep -q '^verdict: pass' "$TMP/int0.out" && fail "early SIGINT: verdict pass"
interrupted_json "$TMP/int0.json" SIGINT || { cat "$TMP/int0.out"; fail "early SIGINT result"; }
restored_or_busy "$TMP/int0.json" "early SIGINT" || fail "early SIGINT: not restored"
[ ! -f "$MOVESTRESS_STATE_DIR/state-$pid.json" ] || fail "early SIGINT left its state file"
echo "ok early SIGINT (exit $rc)"

# SIGPIPE/EPIPE: stdout's reader goes away (| head -1): stop as for SIGINT, restore everything
start=$(date +%s)
("$MOVESTRESS" run --mode=partitioned --movers=2 --size=16M --runtime=60s --reclaim=memcg \
	--swap=auto --output "$TMP/pipe.json" 2> "$TMP/pipe.err"; echo $? > "$TMP/pipe.rc") | head -1 > "$TMP/pipe.head"
took=$(($(date +%s) - start))
rc=$(cat "$TMP/pipe.rc")
grep -q "^movestress 0" "$TMP/pipe.head" || fail "| head -1: no header line"
[ "$rc" -eq 7 ] || { cat "$TMP/pipe.err"; fail "| head -1: exit $rc, expected 7 (interrupted)"; }
[ $took -lt 30 ] || fail "| head -1: the run went on for ${took}s"
# a write to the closed pipe raises SIGPIPE (blocked, taken by the main
# loop) or the main loop sees the pipe's POLLERR first: either names it
interrupted_json "$TMP/pipe.json" '(EPIPE|SIGPIPE)' || { cat "$TMP/pipe.err"; fail "| head -1: result"; }
restored_or_busy "$TMP/pipe.json" "| head -1" || { cat "$TMP/pipe.err"; fail "| head -1: not restored"; }
ls "$MOVESTRESS_STATE_DIR"/state-*.json 2> /dev/null && fail "| head -1: state file left"
echo "ok | head -1: stopped after ${took}s, exit $rc, restored"
