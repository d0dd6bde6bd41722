#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Two concurrent runs with --swap=auto: the second swaps to the zram device
# the first one added, and the first must not remove it while the second
# still uses it (issue 13, defect 6: run A removed its swap under run B,
# 681 of 687 of B's memcg reclaim ops came back partial).  The last run to
# leave removes it; references of SIGKILLed runs never keep it.  The same
# for kernel.task_delayacct, the sysctl runs with reclaim switch on.
. "${srcdir:-.}/tests/kt-lib.sh"
. "${srcdir:-.}/tests/kt-pressure-lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
require_move
"$MOVESTRESS" list | grep -qE "^  memcg +yes" || { echo "SKIP: memcg backend unsupported"; exit 77; }
[ -w /sys/class/zram-control/hot_add ] || { echo "SKIP: no zram (CONFIG_ZRAM or the module)"; exit 77; }

export MOVESTRESS_STATE_DIR="$TMP/state"
# on any exit: stop the runs still going (SIGINT: they restore), then clean up
# (only pids that are still our children: a reaped pid may belong to anyone now)
pids=""
stop_runs() {
	for p in $pids; do
		[ "$(cut -d' ' -f4 "/proc/$p/stat" 2>/dev/null)" = "$$" ] && kill -INT "$p"
	done
	wait
}
trap 'stop_runs; "$MOVESTRESS" cleanup --quiet; rm -rf "$TMP"' EXIT
rec="$MOVESTRESS_STATE_DIR/shared-swap.json"
swaps_now() { tail -n +2 /proc/swaps | awk '{print $1}'; }
skip_if_swap() {
	if [ -n "$(swaps_now)" ]; then
		echo "SKIP: swap already active on this host ($(swaps_now | tr '\n' ' ')): another run's; nothing to share"
		exit 77
	fi
}
# wait_for CMD...: up to 15 s
wait_for() {
	i=0
	while [ $i -lt 150 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
refs() { python3 -c 'import json,sys; print(" ".join(str(r["pid"]) for r in json.load(open(sys.argv[1]))["refs"]))' "$rec" 2>/dev/null; }
device() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["info"]["device"])' "$rec"; }
has_ref() { refs | grep -qw "$1"; }
# $dev still on as ours: on, and not another run's by now (zram numbers are reused)
still_ours() {
	swaps_now | grep -qx "$dev" || return 1
	if grep -qs "\"node\": \"$dev\"" /run/movestress/state-*.json; then
		echo "note: $dev was removed and is now another run's (in /run/movestress)"
		return 1
	fi
	return 0
}
# exec: "run ... &" leaves the run's own pid in $!
run() {
	exec "$MOVESTRESS" run --mode=partitioned --movers=1 --size=16M --reclaim=memcg --swap=auto --quiet "$@"
}
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# ---- the same for a sysctl: kernel.task_delayacct, which delay accounting
# switches on; switched off under a running run, then on again, the kernel
# counts a sleep from boot (issue 13, defect 7's 2187 s of blkio delay) ----
TDA=/proc/sys/kernel/task_delayacct
vrec="$MOVESTRESS_STATE_DIR/shared-value_proc_sys_kernel_task_delayacct.json"
if [ ! -r $TDA ]; then
	echo "skip task_delayacct: no $TDA"
elif [ "$(cat $TDA)" != 0 ]; then
	echo "skip task_delayacct: already $(cat $TDA) (another run's?)"
else
	vrun() { exec "$MOVESTRESS" run --mode=partitioned --movers=1 --size=8M --reclaim=cold --swap=none --quiet "$@"; }
	vrun --runtime=4s --output="$TMP/va.json" > "$TMP/va.out" 2>&1 &
	va=$!
	pids="$pids $va"
	tda_on() { [ "$(cat $TDA)" = 1 ]; }
	wait_for tda_on || { cat "$TMP/va.out"; fail "run VA did not switch task_delayacct on"; }
	vrun --runtime=8s --output="$TMP/vb.json" > "$TMP/vb.out" 2>&1 &
	vb=$!
	pids="$pids $vb"
	sleep 2
	grep -q "\"pid\": $vb," "$vrec" 2>/dev/null && joined=yes || joined=no
	wait $va
	[ -d "/proc/$vb" ] || fail "run VB ended before VA: nothing tested"
	[ "$(cat $TDA)" = 1 ] || fail "run VA put task_delayacct back to $(cat $TDA) while VB uses it"
	[ $joined = yes ] || fail "run VB took no reference to the shared task_delayacct change"
	echo "ok VA left, task_delayacct still 1 for VB"
	wait $vb
	[ "$(cat $TDA)" = 0 ] || [ -n "$(ls /run/movestress/state-*.json 2>/dev/null)" ] ||
		fail "the last run left task_delayacct = $(cat $TDA)"
	[ ! -f "$vrec" ] || fail "shared task_delayacct record left: $(cat "$vrec")"
	echo "ok VB, the last user, put task_delayacct back"
fi

# ---- A adds the swap, B joins, A leaves first: the swap stays for B ----
skip_if_swap
run --runtime=6s --output="$TMP/a.json" > "$TMP/a.out" 2>&1 &
a=$!
pids="$pids $a"
# the shared record names it; without one (a movestress that does not share) /proc/swaps does
added() { [ -f "$rec" ] || [ -n "$(swaps_now)" ]; }
wait_for added || { wait $a; cat "$TMP/a.out"; fail "run A added no swap (exit $?)"; }
sleep 0.5
if [ -f "$rec" ]; then
	dev=$(device)
else
	[ "$(swaps_now | wc -l)" -eq 1 ] || { echo "SKIP: another run added swap meanwhile"; exit 77; }
	dev=$(swaps_now)
fi
echo "run A ($a) added $dev"
run --runtime=14s --output="$TMP/b.json" > "$TMP/b.out" 2>&1 &
b=$!
pids="$pids $b"
sleep 2	# B's pressure setup: it swaps to $dev from here on
joined=$(refs)
echo "run B ($b) started: references to $dev: $joined"
wait $a
rca=$?
[ -d "/proc/$b" ] || { cat "$TMP/b.out"; fail "run B ended before run A: nothing tested"; }
swaps_now | grep -qx "$dev" || fail "run A (exit $rca) removed $dev while run B still uses it"
echo "$joined" | grep -qw "$b" || fail "run B ($b) did not take a reference to the shared swap"
[ "$(refs)" = "$b" ] || fail "after A left the references are '$(refs)', expected '$b'"
[ "$(device)" = "$dev" ] || fail "the shared record names $(device), not $dev"
echo "ok A left (exit $rca), $dev still on for B"
wait $b
rcb=$?
cat "$TMP/b.out"
[ $rcb -eq 0 ] || known_kernel_bug "$TMP/b.json" || fail "run B exited $rcb"
still_ours && fail "the last run (B) left $dev on"
[ ! -f "$rec" ] || fail "shared record left: $(cat "$rec")"
[ -z "$(ls "$MOVESTRESS_STATE_DIR" | grep '^shared-')" ] || fail "left in the state dir: $(ls "$MOVESTRESS_STATE_DIR")"
[ "$(jget "$TMP/a.json" 'd["results"][0]["pressure"]["swap"]["shared"]["by_this_run"]')" = True ] ||
	fail "A's result does not say it added the swap"
[ "$(jget "$TMP/b.json" 'd["results"][0]["pressure"]["swap"]["shared"]["added_by"]')" = "$a" ] ||
	fail "B's result does not name A as the run that added its swap"
jget "$TMP/b.json" '"%(ops)d ops, %(partial)d partial, %(errors)d errors" % d["results"][0]["pressure"]["backends"][0]["ops"]' |
	sed 's/^/run B memcg reclaim: /'
verify_restored "$TMP/a.json" || fail "A's changes not restored"
verify_restored "$TMP/b.json" || fail "B's changes not restored"
echo "ok B, the last user, removed $dev"

# ---- a SIGKILLed run's reference does not keep the swap ----
skip_if_swap
run --runtime=60s > "$TMP/k.out" 2>&1 &
k=$!
pids="$pids $k"
wait_for test -f "$rec" || { cat "$TMP/k.out"; fail "run K shared no swap"; }
dev=$(device)
kill -KILL $k
wait $k 2>/dev/null
swaps_now | grep -qx "$dev" || fail "$dev gone without cleanup?"
# the next run finds only a dead reference: it removes that swap, adds its own
(run --runtime=2s --output="$TMP/c.json") > "$TMP/c.out" 2>&1
rcc=$?
[ $rcc -eq 0 ] || known_kernel_bug "$TMP/c.json" || { cat "$TMP/c.out"; fail "run C exited $rcc"; }
still_ours && fail "the dead run's $dev still on after run C"
[ ! -f "$rec" ] || fail "shared record left after C: $(cat "$rec")"
"$MOVESTRESS" cleanup > "$TMP/cleanup.out" 2>&1 || { cat "$TMP/cleanup.out"; fail "cleanup failed"; }
[ -z "$(ls "$MOVESTRESS_STATE_DIR" | grep '^state-')" ] || fail "state files left: $(ls "$MOVESTRESS_STATE_DIR")"
echo "ok a dead run's reference: the next run removed $dev"

# ---- both SIGKILLed: cleanup removes the swap ----
skip_if_swap
run --runtime=60s > "$TMP/k1.out" 2>&1 &
k1=$!
pids="$pids $k1"
wait_for test -f "$rec" || { cat "$TMP/k1.out"; fail "run K1 shared no swap"; }
dev=$(device)
run --runtime=60s > "$TMP/k2.out" 2>&1 &
k2=$!
pids="$pids $k2"
wait_for has_ref $k2 || { cat "$TMP/k2.out"; fail "run K2 did not join"; }
kill -KILL $k1 $k2
wait $k1 $k2 2>/dev/null
swaps_now | grep -qx "$dev" || fail "$dev gone before cleanup?"
"$MOVESTRESS" cleanup > "$TMP/cleanup.out" 2>&1 || { cat "$TMP/cleanup.out"; fail "cleanup failed"; }
cat "$TMP/cleanup.out"
still_ours && fail "cleanup left $dev on"
[ ! -f "$rec" ] || fail "cleanup left the shared record"
[ -z "$(ls "$MOVESTRESS_STATE_DIR" | grep '^shared-')" ] || fail "cleanup left: $(ls "$MOVESTRESS_STATE_DIR")"
[ -z "$(ls "$MOVESTRESS_STATE_DIR" | grep '^state-')" ] || fail "state files left: $(ls "$MOVESTRESS_STATE_DIR")"
echo "ok both killed: cleanup removed $dev"
