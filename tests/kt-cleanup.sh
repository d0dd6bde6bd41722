#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SIGKILL a run that changed the system (temporary swap, a private memory
# cgroup, kernel.task_delayacct, a tracefs mount/instance, DAMON where free),
# check that it left its state file, then that `movestress cleanup`
# restores everything as it was before.  Then SIGINT: the run itself
# restores the system.
. "${srcdir:-.}/tests/kt-lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
require_move
"$MOVESTRESS" list | grep -q "^  memcg        yes" || { echo "SKIP: memcg backend unsupported"; exit 77; }

export MOVESTRESS_STATE_DIR="$TMP/state"

snapshot() {
	{
		echo "swaps:"; tail -n +2 /proc/swaps
		echo "delayacct: $(cat /proc/sys/kernel/task_delayacct 2>/dev/null)"
		echo "tracefs: $(grep -c ' tracefs ' /proc/mounts)"
		echo "damon: $(cat /sys/kernel/mm/damon/admin/kdamonds/nr_kdamonds 2>/dev/null)"
		echo "cgroups: $(find /sys/fs/cgroup -maxdepth 4 -name 'movestress-*' -type d 2>/dev/null | wc -l)"
		echo "zram: $(ls /sys/block | grep -c zram)"
	} > "$1"
}

reclaim=memcg
"$MOVESTRESS" list | grep -q "^  damon        yes" && reclaim=memcg,damon

snapshot "$TMP/before"
"$MOVESTRESS" run --mode=partitioned --movers=2 --size=16M --runtime=60s --reclaim=$reclaim \
	--swap=auto > "$TMP/kill.out" 2>&1 &
pid=$!
# wait until the pressure phase began (state file holds the changes)
i=0
while [ $i -lt 100 ]; do
	[ -f "$MOVESTRESS_STATE_DIR/state-$pid.json" ] && grep -q '"cgroup"' "$MOVESTRESS_STATE_DIR/state-$pid.json" && break
	sleep 0.1
	i=$((i + 1))
done
sleep 2
snapshot "$TMP/during"
kill -KILL $pid
wait $pid 2>/dev/null
[ -f "$MOVESTRESS_STATE_DIR/state-$pid.json" ] || { cat "$TMP/kill.out"; fail "no state file after SIGKILL"; }
if diff -q "$TMP/before" "$TMP/during" > /dev/null; then
	cat "$TMP/kill.out"
	fail "the run changed nothing that cleanup could restore"
fi
echo "changed by the killed run:"
diff "$TMP/before" "$TMP/during" | grep '^[<>]'

"$MOVESTRESS" cleanup > "$TMP/cleanup.out" 2>&1 || { cat "$TMP/cleanup.out"; fail "cleanup exited $?"; }
cat "$TMP/cleanup.out"
snapshot "$TMP/after"
diff -u "$TMP/before" "$TMP/after" || fail "cleanup did not restore the system"
[ ! -f "$MOVESTRESS_STATE_DIR/state-$pid.json" ] || fail "state file left after cleanup"
# a second cleanup has nothing to do
"$MOVESTRESS" cleanup > "$TMP/cleanup2.out" 2>&1 || fail "second cleanup failed"
grep -q "0 state file" "$TMP/cleanup2.out" || { cat "$TMP/cleanup2.out"; fail "second cleanup found work"; }
echo "ok SIGKILL + cleanup"

# SIGINT: graceful stop, the run restores by itself
"$MOVESTRESS" run --mode=partitioned --movers=2 --size=16M --runtime=60s --reclaim=memcg \
	--swap=auto > "$TMP/int.out" 2>&1 &
pid=$!
sleep 3
kill -INT $pid
wait $pid
rc=$?
snapshot "$TMP/after-int"
diff -u "$TMP/before" "$TMP/after-int" || { cat "$TMP/int.out"; fail "SIGINT run did not restore the system"; }
[ ! -f "$MOVESTRESS_STATE_DIR/state-$pid.json" ] || fail "SIGINT run left its state file"
grep -q "stopping, restoring" "$TMP/int.out" || { cat "$TMP/int.out"; fail "SIGINT not handled"; }
echo "ok SIGINT (exit $rc)"
