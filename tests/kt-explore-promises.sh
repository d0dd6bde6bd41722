#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# explore keeps run's promises (issue 22), one check per item, each run
# against the real kernel: a closed stdout pipe stops it like SIGINT
# (exit 7, host restored, result written); --minimize obeys its budget and
# signals; output and record files are refused before the run; concurrent
# --mthp runs share the setting; a replay runs what the log says and
# refuses what contradicts it; op logs and jank replay files are told
# apart before parsing, FIFOs before an open blocks; an interrupted
# result says why; and the smaller points (weights, --mthp before the
# banner, --help, the README, the mapped exit code in the verdict line,
# --bench-bare --mthp, an empty log, same-seed failure logs).
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
# interrupt ARGS...: movestress ARGS, SIGINT 2 s in; its exit code in $rc
interrupt() {
	"$MOVESTRESS" "$@" &
	pid=$!
	sleep 2
	kill -INT $pid
	wait $pid
	rc=$?
}
# signal_minimise SIG NAME ARGS...: explore ARGS --minimize, SIG a second into the minimisation
signal_minimise() {
	sig=$1
	name=$2
	shift 2
	"$MOVESTRESS" explore "$@" --minimize --minimize-time=120s --output="$TMP/$name.json" > "$TMP/$name.out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 300 ] && ! grep -q "explore: minimise: " "$TMP/$name.out"; do sleep 0.1; i=$((i + 1)); done
	sleep 1
	kill -$sig $pid
	reap $pid 30
	if [ $rc -eq 7 ] && [ -z "$(left)" ] && [ "$(jget "$TMP/$name.json" "d['minimize']['stopped']")" = interrupted ]; then
		ok "SIG$sig while minimising: exit 7 ${secs}s later, host restored, minimize.stopped interrupted"
	else
		bad "SIG$sig while minimising: exit $rc after ${secs}s (137: SIGKILLed at 30s), state left: '$(left)' ($(tail -1 "$TMP/$name.out"))"
	fi
}
# ops that never drop a page: the negative control finds page 300 somewhere at once
KEEP_OPS=--ops=move:20,move-batch:8,move-split:4,touch:4,pageout:3,fork:1
# a failing run's log: page 300 corrupted, --record (a few thousand records)
failing_log() {
	[ -s "$TMP/fail.xlog" ] && return 0
	"$MOVESTRESS" explore --size=8M --runtime=3s --movers=3 --seed=5 --inject=corrupt:300 $KEEP_OPS \
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

# ---- 2: --minimize stops at --minimize-time (plus at most one replay) and at a signal
item=2
if want 2; then
	if ! failing_log; then
		bad "no failing log to minimise: $(tail -1 "$TMP/fail.out")"
	else
		n=$(python3 -c 'import struct,sys; print(struct.unpack_from("<Q", open(sys.argv[1],"rb").read(), 27)[0])' "$TMP/fail.xlog")
		elapsed "$MOVESTRESS" explore --replay="$TMP/fail.xlog" --runtime=30s > "$TMP/one.out" 2>&1
		one=$secs
		elapsed timeout -k 5 60 "$MOVESTRESS" explore --replay="$TMP/fail.xlog" --minimize --minimize-time=3s \
			--output="$TMP/min.json" > "$TMP/min.out" 2>&1
		limit=$(python3 -c "print(3 + $one + 3)")
		if python3 -c "import sys; sys.exit(not ($secs <= $limit))"; then
			ok "$n records, --minimize-time=3s: done in ${secs}s (one replay ${one}s), $(jget "$TMP/min.json" "'%s, %d -> %d records in %d replays' % (d['minimize']['stopped'], d['minimize']['records'], d['minimize']['minimised'], d['minimize']['replays'])")"
		else
			bad "$n records, --minimize-time=3s took ${secs}s (exit $rc), more than 3s + one replay (${one}s) + 3s"
		fi
		# SIGTERM while it minimises, SIGINT while a failing run's own --minimize goes on:
		# exit 7, host restored, the result says so
		signal_minimise TERM term --replay="$TMP/fail.xlog" --reclaim=pageout
		signal_minimise INT int --size=8M --runtime=2s --seed=5 --inject=corrupt:300 $KEEP_OPS
		rm -f movestress-explore-5*.xlog*
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

# ---- 4: two concurrent --mthp runs: the first to leave does not undo the second's setting
item=4
if want 4; then
	if ! mthp_ok 16; then
		echo "skip item 4: hugepages-16kB absent, not writable, or already always ($(mthp_of 16))"
	else
		m0=$(mthp_of 16)
		"$MOVESTRESS" explore --size=4M --runtime=3s --mthp=16 --output="$TMP/ma.json" > "$TMP/ma.out" 2>&1 &
		a=$!
		sleep 1
		"$MOVESTRESS" explore --size=4M --runtime=7s --mthp=16 --output="$TMP/mb.json" > "$TMP/mb.out" 2>&1 &
		b=$!
		samples=""
		i=0
		# B gives its hold back on its way out, after writing its result: a
		# sample read before mb.json exists was taken while B still held it
		while kill -0 $b 2> /dev/null && [ $i -lt 200 ]; do
			kill -0 $a 2> /dev/null && s=A+B || s=B
			v=$(mthp_of 16)
			[ -e "$TMP/mb.json" ] && break
			samples="$samples $s:$v"
			sleep 0.5
			i=$((i + 1))
		done
		wait $a
		ra=$?
		wait $b
		rb=$?
		after=$(mthp_of 16)
		echo "$samples" | tr ' ' '\n' | uniq -c | tr '\n' ' ' > "$TMP/samples"
		if echo "$samples" | grep -q "B:$m0"; then
			bad "the first run's exit put hugepages-16kB back to $m0 under the second: $(cat "$TMP/samples")"
		elif ! echo "$samples" | grep -q "A+B:always" || ! echo "$samples" | grep -q " B:always"; then
			bad "no sample while both held hugepages-16kB and then B alone (exits $ra, $rb): $(cat "$TMP/samples")"
		elif [ "$after" != "$m0" ]; then
			bad "after both: hugepages-16kB is $after, was $m0"
		elif [ "$(jget "$TMP/mb.json" "d['mthp']['16']['setting']")" != joined ]; then
			bad "the second run's result does not say it joined the first's setting: $(jget "$TMP/mb.json" "d['mthp']")"
		else
			ok "sampled every 0.5s: $(cat "$TMP/samples")-> after both $after; B's result: setting joined (exits $ra, $rb)"
		fi
	fi
	"$MOVESTRESS" cleanup --quiet > /dev/null 2>&1
fi

# ---- 5: a replay runs what the log says, and refuses what contradicts it
item=5
if want 5; then
	"$MOVESTRESS" explore --size=4M --movers=2 --runtime=1s --seed=9 --record="$TMP/r.xlog" > "$TMP/r.out" 2>&1
	n=0
	for arg in --size=8M --movers=3 --ops=move:1 --seed=10; do
		"$MOVESTRESS" explore --replay="$TMP/r.xlog" "$arg" --runtime=2s > "$TMP/o.out" 2> "$TMP/o.err"
		rc=$?
		if [ $rc -ne 2 ] || [ "$(wc -l < "$TMP/o.err")" -ne 1 ] || ! grep -q -- "${arg%%=*}" "$TMP/o.err"; then
			bad "--replay of a 4M 2-thread log with $arg: exit $rc ($(head -1 "$TMP/o.err"))"
		else
			n=$((n + 1))
		fi
	done
	"$MOVESTRESS" explore --replay="$TMP/r.xlog" --runtime=2s --output="$TMP/r.json" > "$TMP/o.out" 2>&1
	got=$(jget "$TMP/r.json" "'%d %d %d' % (d['options']['size'], d['options']['movers'], d['options']['seed'])")
	[ "$got" = "4194304 2 9" ] || bad "the replay's result echoes options '$got', not what ran (4194304 2 9)"
	# a header claiming 13 GiB per region: the limit of --size=13G
	python3 -c 'import struct,sys; b=bytearray(open(sys.argv[1],"rb").read()); struct.pack_into("<I", b, 23, 13 << 18); open(sys.argv[2],"wb").write(b)' \
		"$TMP/r.xlog" "$TMP/huge.xlog"
	# an address-space limit proves nothing 13 GiB large is mapped before
	# the refusal; a sanitizer's shadow memory cannot live under one
	aslimit="prlimit --as=4000000000"
	ldd "$MOVESTRESS" 2> /dev/null | grep -q 'lib[at]san' && aslimit=
	# shellcheck disable=SC2086 # the limit's words, split on purpose
	elapsed timeout -k 5 60 $aslimit "$MOVESTRESS" explore --replay="$TMP/huge.xlog" --runtime=2s \
		> "$TMP/o.out" 2> "$TMP/o.err"
	if [ $rc -ne 2 ] || ! grep -q "half of RAM" "$TMP/o.err"; then
		bad "a log of 13 GiB regions: exit $rc ($(head -1 "$TMP/o.err")), not refused as --size=13G is"
	else
		n=$((n + 1))
	fi
	[ $n -eq 5 ] && [ "$got" = "4194304 2 9" ] &&
		ok "--size/--movers/--ops/--seed against the log refused, a 13 GiB header refused as --size=13G, the result echoes what ran"
	"$MOVESTRESS" cleanup --quiet > /dev/null 2>&1
fi

# ---- 6: op logs and jank replay files told apart before parsing; FIFOs before the open
item=6
if want 6; then
	n=0
	echo '{"hello": 1}' > "$TMP/notalog.json"
	[ -s "$TMP/r.xlog" ] || "$MOVESTRESS" explore --size=4M --runtime=1s --seed=9 --record="$TMP/r.xlog" > /dev/null 2>&1
	"$MOVESTRESS" explore --replay="$TMP/notalog.json" > /dev/null 2> "$TMP/o.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "not an explore op log" "$TMP/o.err" && [ "$(wc -l < "$TMP/o.err")" -eq 1 ] &&
		n=$((n + 1)) || bad "explore --replay=JSON: exit $rc: $(cat "$TMP/o.err")"
	"$MOVESTRESS" run --scenario=jank --replay="$TMP/r.xlog" --runtime=1s > /dev/null 2> "$TMP/o.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "is an explore op log" "$TMP/o.err" && n=$((n + 1)) ||
		bad "run --scenario=jank --replay=OPLOG: exit $rc: $(head -1 "$TMP/o.err")"
	[ -p "$TMP/fifo" ] || mkfifo "$TMP/fifo"
	for cmd in "explore" "run --scenario=jank"; do
		elapsed timeout -k 5 20 "$MOVESTRESS" $cmd --replay="$TMP/fifo" --runtime=1s > /dev/null 2> "$TMP/o.err"
		[ $rc -eq 2 ] && grep -q FIFO "$TMP/o.err" && n=$((n + 1)) ||
			bad "$cmd --replay=FIFO: exit $rc after ${secs}s ($(head -1 "$TMP/o.err"))"
	done
	[ $n -eq 4 ] && ok "a JSON file to explore, an op log to jank, a FIFO to both: refused in one line, no block"
fi

# ---- 9: an interrupted explore result says why
item=9
if want 9; then
	interrupt explore --size=4M --runtime=60s --output="$TMP/i.json" > /dev/null 2>&1
	why=$(jget "$TMP/i.json" "d['interruption']['reason']")
	[ $rc -eq 7 ] && echo "$why" | grep -q SIGINT && ok "SIGINT: exit 7, interruption.reason '$why'" ||
		bad "SIGINT: exit $rc, interruption.reason '$why'"
fi

# ---- 10: the smaller points
item=10
if want 10; then
	n=0
	for arg in move:1,move:5 move:+5 "move: 5" move:1, ,move; do
		"$MOVESTRESS" explore --ops="$arg" --runtime=1s --size=4M > /dev/null 2> "$TMP/o.err"
		rc=$?
		[ $rc -eq 2 ] && [ "$(wc -l < "$TMP/o.err")" -eq 1 ] && n=$((n + 1)) ||
			bad "--ops='$arg': exit $rc, expected 2 in one line"
	done
	"$MOVESTRESS" explore --mthp=3 --runtime=1s --size=4M > "$TMP/o.out" 2> "$TMP/o.err"
	rc=$?
	[ $rc -eq 2 ] && ! grep -q "^explore: seed" "$TMP/o.out" && n=$((n + 1)) ||
		bad "--mthp=3: exit $rc, banner: $(head -1 "$TMP/o.out")"
	"$MOVESTRESS" explore --help | grep -q eexist && bad "explore --help offers eexist" || n=$((n + 1))
	tr '\n' ' ' < "$SRC/README.md" | grep -q "still fails the run with 1, as in" &&
		bad "README: a moved-but-failed MOVE fails explore with 1" || n=$((n + 1))
	# the verdict line says the exit code the process exits with
	"$MOVESTRESS" run --mode=partitioned --movers=1 --size=8M --runtime=1s --inject=eexist:5 \
		--exit-codes=kselftest > "$TMP/k.out" 2>&1
	rc=$?
	v=$(grep "^verdict" "$TMP/k.out")
	[ $rc -eq 2 ] && echo "$v" | grep -q "(exit 2" && n=$((n + 1)) ||
		bad "run --exit-codes=kselftest: exit $rc, verdict line '$v'"
	interrupt explore --size=4M --runtime=60s --exit-codes=automake > "$TMP/a.out" 2>&1
	v=$(grep "verdict" "$TMP/a.out")
	[ $rc -eq 99 ] && echo "$v" | grep -q "(exit 99" && n=$((n + 1)) ||
		bad "explore --exit-codes=automake after SIGINT: exit $rc, verdict line '$v'"
	# --bench-bare --mthp: the size is always while the bench runs, put back after
	if mthp_ok 16; then
		m0=$(mthp_of 16)
		"$MOVESTRESS" explore --bench-bare --mthp=16 --runtime=4s --size=4M > "$TMP/b.out" 2>&1 &
		pid=$!
		sleep 2
		during=$(mthp_of 16)
		wait $pid
		[ "$during" = always ] && [ "$(mthp_of 16)" = "$m0" ] && n=$((n + 1)) ||
			bad "--bench-bare --mthp=16: hugepages-16kB $during during the bench, $(mthp_of 16) after (was $m0)"
	else
		n=$((n + 1))
		echo "skip --bench-bare --mthp: hugepages-16kB absent, not writable or already always"
	fi
	# a log with no record: nothing to replay
	python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(b"MSXLOG\n" + struct.pack("<IQIIQ", 1, 1, 1, 512, 0))' "$TMP/empty.xlog"
	"$MOVESTRESS" explore --replay="$TMP/empty.xlog" > /dev/null 2> "$TMP/o.err"
	rc=$?
	[ $rc -eq 2 ] && n=$((n + 1)) || bad "a 0-record log replayed: exit $rc"
	# two failing runs with one seed: two logs
	mkdir "$TMP/same" && cd "$TMP/same" || exit 1
	for k in 1 2; do
		"$MOVESTRESS" explore --size=4M --runtime=2s --seed=77 --inject=corrupt:100 $KEEP_OPS > "$TMP/s$k.out" 2>&1
	done
	cd "$TMP" || exit 1
	logs=$(ls "$TMP/same" | wc -l)
	[ "$logs" -eq 2 ] && n=$((n + 1)) || bad "two failing runs with --seed=77 left $logs log(s): $(ls "$TMP/same")"
	[ $n -eq 13 ] && ok "duplicate op, +5, ' 5', trailing and leading comma refused; --mthp=3 before the banner; no eexist in explore --help; README; the verdict line's code (kselftest 2, automake 99); --bench-bare --mthp; a 0-record log refused; same-seed failures keep 2 logs"
fi

[ -z "$failed" ] || fail "items:$failed"
echo "all items pass"
