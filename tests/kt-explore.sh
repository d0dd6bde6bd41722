#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# movestress explore on the running kernel: bad input, a short run with
# every supported op kind, the --reclaim backends walking the rmap beside
# the ops, the negative controls caught while running, a hang's result
# written by the watchdog, and a failure
# recorded, replayed, minimised and turned into a C reproducer that fails
# the same way.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
CC=${CC:-cc}

# jget FILE EXPR: a value of the JSON result (python3, as kt-lib.sh)
jget() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

case $MOVESTRESS in	# absolute: we run in $TMP, where a failing run leaves its op log
*/*) MOVESTRESS=$(cd "$(dirname "$MOVESTRESS")" && pwd)/$(basename "$MOVESTRESS") ;;
esac
cd "$TMP" || exit 1

# ---- bad input: one line, documented exit code
for bad in "--ops=nosuch:1" "--ops=move:0" "--ops=move:x" "--inject=melt:3" "--inject=hang:99999" "--contend=101" \
	"--ops=zeropage:0" "--ops=write:x" "--ops=thp-refill:-1" "--ops=fault-zero:1,zero-page:1" \
	"--thp-share=91" "--thp-share=-1" "--thp-share=x" "--inject=zero-write:99999" "--inject=mlock"; do
	"$MOVESTRESS" explore $bad --runtime=1s --size=4M > "$TMP/bad.out" 2> "$TMP/bad.err"
	rc=$?
	[ $rc -eq 2 ] || fail "explore $bad: exit $rc, expected 2"
	[ "$(wc -l < "$TMP/bad.err")" -eq 1 ] || { cat "$TMP/bad.err"; fail "explore $bad: not one line"; }
done
printf 'MSXLOG\n\001\000\000\000garbage' > "$TMP/corrupt.xlog"
"$MOVESTRESS" explore --replay="$TMP/corrupt.xlog" > /dev/null 2> "$TMP/bad.err"
[ $? -eq 2 ] && grep -q "corrupt" "$TMP/bad.err" || { cat "$TMP/bad.err"; fail "corrupt log not refused"; }
if [ ! -e /sys/devices/system/node/node1 ]; then
	"$MOVESTRESS" explore --ops=migrate:1 --runtime=1s --size=4M > /dev/null 2> "$TMP/bad.err"
	rc=$?
	[ $rc -eq 77 ] || fail "--ops=migrate:1 on one node: exit $rc, expected 77"
	grep -q "op 'migrate' skipped: one NUMA node" "$TMP/bad.err" || fail "migrate skip reason"
fi
# --reclaim: the same one-line error as run's
"$MOVESTRESS" explore --reclaim=bogus --runtime=1s --size=4M > /dev/null 2> "$TMP/bad.err"
rc=$?
"$MOVESTRESS" run --reclaim=bogus --runtime=1s --size=4M > /dev/null 2> "$TMP/bad-run.err"
[ $rc -eq 2 ] && [ "$(wc -l < "$TMP/bad.err")" -eq 1 ] && cmp -s "$TMP/bad.err" "$TMP/bad-run.err" ||
	{ cat "$TMP/bad.err" "$TMP/bad-run.err"; fail "explore --reclaim=bogus: exit $rc, not run's one line"; }
echo "ok bad input"

# ---- a short run: every op this kernel supports runs, and passes
"$MOVESTRESS" explore --size=8M --runtime=5s --movers=3 --seed=7 --output "$TMP/run.json" \
	--record="$TMP/run.xlog" > "$TMP/run.out" 2>&1
rc=$?
grep -q "^explore: seed 7" "$TMP/run.out" || fail "seed not printed"
if [ $rc -ne 0 ]; then
	# the host kernel's known MOVE bug is named, counted and nothing else may fail
	[ $rc -eq 6 ] && [ "${MOVESTRESS_STRICT:-0}" != 1 ] &&
		[ "$(jget "$TMP/run.json" "d['known_bugs'][0]['id'] == 'move-eexist' and d['known_bugs'][0]['count'] > 0 and d['verdict'] == 'known-kernel-bug' and 'failure' not in d")" = True ] ||
		{ cat "$TMP/run.out"; fail "clean explore: exit $rc"; }
	echo "note: known kernel bug move-eexist seen and named"
fi
"$MOVESTRESS" list --json > "$TMP/list.json"
for op in $(jget "$TMP/list.json" "' '.join(o['name'] for o in d['explore_ops'] if o['supported'] and o['name'] != 'inject')"); do
	n=$(jget "$TMP/run.json" "d['ops']['$op']['count']")
	[ "$n" -gt 0 ] || { cat "$TMP/run.out"; fail "op $op never ran"; }
done
echo "ok short run: $(grep '^explore: .* ops,' "$TMP/run.out")"
# the chunks kept whole, the THPs made, zero pages moved, the mutator's writes, the invariants
[ "$(jget "$TMP/run.json" "d['zero']['zeropage_ops'] + d['zero']['fault_zeropage'] > 0 and d['zero']['moved'] > 0 and d['mutator']['writes'] > 0 and d['thp']['whole_chunks'] > 0 and 'invariants' in d and d['invariants']['after_move']['pages_verified'] > 0")" = True ] ||
	{ cat "$TMP/run.out"; fail "short run: thp, zero, mutator or invariants block"; }
if [ "$(jget "$TMP/list.json" "[o['supported'] for o in d['explore_ops'] if o['name'] == 'thp-refill'][0]")" = True ] &&
	grep -q '\[always\]\|\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then
	[ "$(jget "$TMP/run.json" "d['thp']['created']['collapsed'] + d['thp']['created']['refaulted'] > 0")" = True ] ||
		{ cat "$TMP/run.out"; fail "short run: thp-refill made no THP"; }
fi
echo "ok short run: $(jget "$TMP/run.json" "'thp %s, zero %s, mutator %s' % (d['thp']['created'], d['zero'], d['mutator'])")"

# ---- free: MADV_FREE'd pages that reclaim discards are dropped in the ledger, the
# others written again and kept; the verifiers and the oracle hold either way
"$MOVESTRESS" explore --size=8M --runtime=4s --movers=3 --seed=3 --ops=free:10,touch:5,refill:5,move:5,move-batch:3,pageout:2 \
	--output "$TMP/free.json" > "$TMP/free.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { [ $rc -eq 6 ] && [ "${MOVESTRESS_STRICT:-0}" != 1 ] &&
	[ "$(jget "$TMP/free.json" "d['verdict'] == 'known-kernel-bug' and 'failure' not in d")" = True ]; } ||
	{ cat "$TMP/free.out"; fail "explore --ops=free,...: exit $rc"; }
got=$(jget "$TMP/free.json" "'%d %d %d' % (d['ops']['free']['count'], d['kernel']['vmstat'].get('pglazyfreed', 0), d['ops']['refill']['count'])")
set -- $got
[ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "$3" -gt 0 ] ||
	{ cat "$TMP/free.out"; fail "free: $1 ops, $2 lazyfree pages discarded, $3 refills: the drop path did not run"; }
echo "ok free: $1 ops, $2 lazyfree pages discarded (pglazyfreed), $3 dropped pages refilled, oracle passed"

# ---- SIGINT: the run stops, checks, restores, and says so: exit 7 as run's
"$MOVESTRESS" explore --size=4M --runtime=60s --seed=8 --output "$TMP/int.json" > "$TMP/int.out" 2>&1 &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 7 ] && [ "$(jget "$TMP/int.json" "d['verdict']")" = interrupted ] ||
	{ tail -5 "$TMP/int.out"; fail "explore after SIGINT: exit $rc, expected 7 and verdict interrupted"; }
echo "ok SIGINT: exit 7, verdict interrupted"

# ---- the --reclaim backends beside the ops, on both regions: they ran,
# reached the pages, the oracle passed (or only the host's known MOVE
# bug), the kernel counters are in the result, and the system is restored
ran=0
for b in pageout memcg; do
	"$MOVESTRESS" explore --size=8M --runtime=4s --seed=13 --reclaim=$b --swap=auto \
		--output "$TMP/rec-$b.json" > "$TMP/rec-$b.out" 2>&1 &
	pid=$!
	wait $pid
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "skip --reclaim=$b: $(grep skipped "$TMP/rec-$b.out")"
		continue
	fi
	[ $rc -eq 0 ] || { [ $rc -eq 6 ] && [ "${MOVESTRESS_STRICT:-0}" != 1 ] &&
		[ "$(jget "$TMP/rec-$b.json" "d['known_bugs'][0]['id'] == 'move-eexist' and d['verdict'] == 'known-kernel-bug' and 'failure' not in d")" = True ]; } ||
		{ cat "$TMP/rec-$b.out"; fail "explore --reclaim=$b: exit $rc"; }
	[ "$(jget "$TMP/rec-$b.json" "d['oracle']['pass'] and 'rmap_policy' in d['kernel'] and 'counters' in d['kernel'] and len(d['kernel']['vmstat']) > 0 and 'kmsg' in d['health'] and 'rmap_race' not in d['health']")" = True ] ||
		{ cat "$TMP/rec-$b.out"; fail "explore --reclaim=$b: oracle, kernel or health block"; }
	got=$(jget "$TMP/rec-$b.json" "'%d %d %d' % (d['pressure']['backends'][0]['ran'], d['pressure']['backends'][0]['ops']['ok'], d['pressure']['backends'][0]['reached']['reached'])")
	set -- $got
	[ "$1" = 1 ] && [ "$2" -gt 0 ] && [ "$3" -gt 0 ] ||
		{ cat "$TMP/rec-$b.out"; fail "explore --reclaim=$b: backend ran=$1 ok ops=$2 pages reached=$3"; }
	# restored: its state file (swap, sysctls, tracefs, cgroup records) is gone; /proc/swaps
	# itself proves nothing on a shared host, where other runs add and share zram swap
	[ ! -e "${MOVESTRESS_STATE_DIR:-/run/movestress}/state-$pid.json" ] ||
		fail "explore --reclaim=$b (pid $pid) left its state file: not everything was restored"
	cg=$(jget "$TMP/rec-$b.json" "d['pressure']['backends'][0].get('memcg', {}).get('path', '')")
	[ -z "$cg" ] || [ "${cg##*/}" = "movestress-$pid" ] || fail "explore --reclaim=$b: pid $pid is not the run's ($cg)"
	[ -z "$cg" ] || [ ! -d "$cg" ] || fail "explore --reclaim=$b left the cgroup $cg"
	echo "ok --reclaim=$b: $(grep "reclaim $b" "$TMP/rec-$b.out" | sed 's/^ *//')"
	ran=$((ran + 1))
done
[ $ran -gt 0 ] || echo "note: no --reclaim backend could run here"

# ---- negative controls: caught by the verifiers while the ops run
for spec in corrupt:100 zero:700 lose:1500 dup:42 write:300 zero-write:900; do
	kind=${spec%%:*}
	page=${spec##*:}
	case $kind in
	corrupt) want=corrupt ;;
	zero) want=zeroed ;;
	lose) want=lost ;;
	dup) want=duplicated ;;
	write) want=unrecorded-write ;;
	zero-write) want=not-zero ;;
	esac
	"$MOVESTRESS" explore --size=8M --runtime=3s --seed=11 --inject="$spec" --output "$TMP/neg.json" \
		--record="$TMP/neg.xlog" > "$TMP/neg.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { cat "$TMP/neg.out"; fail "--inject=$spec: exit $rc, expected 1"; }
	got=$(jget "$TMP/neg.json" "'%s %s %s' % (d['failure']['kind'], d['failure']['page'], d['failure']['op'] != 'end-oracle')")
	[ "$got" = "$want $page True" ] || { cat "$TMP/neg.out"; fail "--inject=$spec: got '$got'"; }
	echo "ok --inject=$spec: $(grep FAILURE "$TMP/neg.out")"
done

# ---- the reclaimable invariant's control: at the end the moved pages of
# page 5's chunk are mlocked behind the ledger; MADV_PAGEOUT cannot swap
# them, and the invariant fails naming them (it needs swap: --swap=auto)
"$MOVESTRESS" explore --size=4M --runtime=3s --seed=11 --reclaim=pageout --swap=auto --inject=mlock:5 \
	--output "$TMP/mlock.json" > "$TMP/mlock.out" 2>&1
rc=$?
if [ -n "$(jget "$TMP/mlock.json" "d.get('invariants', {}).get('reclaimable', {}).get('unavailable', '')")" ]; then
	echo "note: --inject=mlock not checked: $(jget "$TMP/mlock.json" "d['invariants']['reclaimable']['unavailable']")"
elif [ $rc -eq 77 ]; then
	echo "note: --inject=mlock not checked: --swap=auto skipped here"
else
	[ $rc -eq 1 ] && [ "$(jget "$TMP/mlock.json" "d['failure']['kind'] == 'invariant-reclaimable' and d['failure']['page'] in d['invariants']['reclaimable']['moved_not_ok'] and d['invariants']['mlock_control']['mlocked'] > 0 and d['invariants']['reclaimable']['verdict'] == 'fail'")" = True ] ||
		{ cat "$TMP/mlock.out"; fail "--inject=mlock:5: exit $rc, the reclaimable invariant did not name it"; }
	echo "ok --inject=mlock:5: $(grep FAILURE "$TMP/mlock.out")"
fi

# ---- a hang (--inject=hang:PAGE: explore/0 touches the slot page PAGE left,
# and the handlers leave that fault alone): the watchdog writes the result
# (the stuck thread, its kernel stack, its op and pages) and the op log, and
# the run exits 4 even though its time was up before the watchdog fired
timeout 60 "$MOVESTRESS" explore --size=8M --runtime=3s --seed=21 --hang-timeout=2s --inject=hang:5 \
	--output "$TMP/hang.json" > "$TMP/hang.out" 2>&1
rc=$?
[ $rc -eq 4 ] || { cat "$TMP/hang.out"; fail "explore --inject=hang:5: exit $rc, expected 4"; }
[ "$(jget "$TMP/hang.json" "d['verdict'] == 'hang' and d['exit_code'] == 4 and d['hang']['thread'] == 'explore/0' and 'handle_userfault' in d['hang']['stack'] + d['hang']['wchan'] and d['hang']['op']['name'] == 'inject' and d['hang']['op']['pages'] == [5] and d['health']['watchdog']['hang'] and 'counters' in d['kernel'] and d['options']['inject'] == 'hang:5'")" = True ] ||
	{ cat "$TMP/hang.out" "$TMP/hang.json"; fail "hang result incomplete"; }
log=$(jget "$TMP/hang.json" "d['op_log']")
[ "$log" = movestress-explore-21.xlog ] && head -c 7 "$log" | grep -q MSXLOG || fail "hang: no op log ($log)"
echo "ok --inject=hang:5: exit 4, $(jget "$TMP/hang.json" "'%s (tid %d, %s) in %s page %d; %s' % (d['hang']['thread'], d['hang']['tid'], d['hang']['wchan'], d['hang']['op']['name'], d['hang']['op']['page'], d['reason'])")"
rm -f "$log"

# ---- record, replay, minimise, reproduce
"$MOVESTRESS" explore --size=8M --runtime=2s --seed=5 --inject=corrupt:300 --record="$TMP/f.xlog" \
	> "$TMP/rec.out" 2>&1
[ $? -eq 1 ] && [ -s "$TMP/f.xlog" ] || { cat "$TMP/rec.out"; fail "recorded failing run"; }
"$MOVESTRESS" explore --replay="$TMP/f.xlog" > "$TMP/replay.out" 2>&1
[ $? -eq 1 ] && grep -q "FAILURE: page 300 corrupt" "$TMP/replay.out" ||
	{ cat "$TMP/replay.out"; fail "replay does not fail the same way"; }
grep -q "^explore: seed 5 (from the replayed log)" "$TMP/replay.out" || fail "replay seed"
echo "ok replay: $(grep FAILURE "$TMP/replay.out")"
"$MOVESTRESS" explore --replay="$TMP/f.xlog" --minimize --minimize-time=20s > "$TMP/min.out" 2>&1
grep "minimise:" "$TMP/min.out" || { cat "$TMP/min.out"; fail "no minimisation"; }
[ -s "$TMP/f.xlog.min" ] && [ -s "$TMP/f.xlog.repro.c" ] || fail "no minimised log or reproducer"
"$MOVESTRESS" explore --replay="$TMP/f.xlog.min" > "$TMP/min-replay.out" 2>&1
grep -q "FAILURE: page 300 corrupt" "$TMP/min-replay.out" || { cat "$TMP/min-replay.out"; fail "minimised log passes"; }
$CC -O2 -Wall -Wextra -Werror -o "$TMP/repro" "$TMP/f.xlog.repro.c" -lpthread || fail "reproducer does not compile"
grep -q movestress "$TMP/f.xlog.repro.c" && ! grep -q '#include "' "$TMP/f.xlog.repro.c" || fail "reproducer not standalone"
"$TMP/repro" > "$TMP/repro.out"
rc=$?
[ $rc -eq 1 ] && grep -q "FAIL: page 300 corrupt" "$TMP/repro.out" || { cat "$TMP/repro.out"; fail "reproducer: exit $rc"; }
# and without the injected op it passes: the failure is the log's, not the reproducer's
sed -e '/^	{ .*\/\* inject, explore\//d' -e 's|^static const struct xrec ops\[\] = {|&\n\t{ 0, 0, 0, 0, 0, 0, 0, 0 },|' \
	"$TMP/f.xlog.repro.c" > "$TMP/clean.c"
grep -q '/\* inject, explore/' "$TMP/f.xlog.repro.c" && ! grep -q '/\* inject, explore/' "$TMP/clean.c" ||
	fail "the reproducer's inject record not found, or not taken out"
$CC -O2 -Wall -Wextra -Werror -o "$TMP/clean" "$TMP/clean.c" -lpthread || fail "clean reproducer does not compile"
"$TMP/clean" | grep -q "^PASS" || fail "the reproducer fails without the injected op"
echo "ok reproducer: $(cat "$TMP/repro.out"); without the inject: PASS"
