#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# movestress VM harness: /init of the guest initramfs (busybox sh).
#
# Packed by scripts/vm-check together with /bin/busybox (busybox-static),
# /bin/movestress (static build) and, per boot, /plan (one cell per line:
# NAME<TAB>ARGS, from `movestress list`; ARGS start with options for
# `movestress run`, or with another command: `explore ...`) and /vm.conf
# (shell variables).
# Sets up what the scenarios need, runs each cell, writes the results as a
# tar stream onto the raw results disk (/dev/vda) after every cell, prints
# "@@vm-check" markers on the console for the host, and powers off.
# Never changes anything outside the guest.

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /results /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null &&
	echo "+memory" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null

# Defaults; /vm.conf (written by vm-check per boot) overrides them.
CELL_TIMEOUT=300
ZRAM_SIZE=1G
POLICY=stock
RESULTS_DEV=/dev/vda
COVERAGE=0
SELFTESTS=0
SELFTESTS_RUNS=0
SELFTESTS_FILTER=all
SELFTESTS_TIMEOUT=
MIN_CPUS=2
STOP_RCS=
STOP_AFTER=0
. /vm.conf
# which kernel this is (vm-check's OUT/kernel.json): movestress copies it
# into every result it writes (environment.kernel_build)
[ -f /kernel.json ] && export MOVESTRESS_KERNEL_ID=/kernel.json
: "${SELFTESTS_TIMEOUT:=$CELL_TIMEOUT}"

mark() {
	echo "@@vm-check $*"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

LRU_GEN=/sys/kernel/mm/lru_gen/enabled
WAIT_MAX=/sys/kernel/mm/uffd_move/anon_vma_wait_max_ns
lru_gen_now() {
	cat "$LRU_GEN" 2>/dev/null || echo absent
}

flush_results() {
	# A raw tar stream on the whole disk: no filesystem in the guest or
	# the host, and what was flushed survives a later crash or kill.
	tar -cf "$RESULTS_DEV" -C /results . 2>/dev/null
	sync
	blockdev --flushbufs "$RESULTS_DEV" 2>/dev/null
}

# --- coverage (vm-check --coverage): gcov counters per cell ------------
# Reset before a unit (a cell, the selftests), copied to
# /results/gcov/NAME/ after it.  debugfs reports the .gcda files with size
# 0, so they are read with cat, not archived in place.
GCOV=/sys/kernel/debug/gcov
cov_reset() {
	[ "$COVERAGE" = 1 ] && [ -e "$GCOV/reset" ] && echo 1 > "$GCOV/reset"
}

cov_save() {
	[ "$COVERAGE" = 1 ] || return 0
	if [ ! -d "$GCOV" ]; then
		echo "guest has no $GCOV (kernel without CONFIG_GCOV_KERNEL, or no debugfs)" > /results/gcov-unavailable
		return 0
	fi
	n=0
	for f in $(find "$GCOV" -name '*.gcda'); do
		rel=${f#"$GCOV"/}
		mkdir -p "/results/gcov/$1/${rel%/*}"
		cat "$f" > "/results/gcov/$1/$rel" && n=$((n + 1))
	done
	[ $n -gt 0 ] || echo "no .gcda files under $GCOV (no object built with GCOV_PROFILE)" > /results/gcov-unavailable
}

# stacks_at_timeout SECS LOG PROG: a watcher for the running cell: 30 s
# before its timeout kills it (half of a shorter one), print where each
# PROG thread, kdamond and task in D state is (state, wchan and kernel
# stack from /proc) into LOG and on the console, so a cell killed as a
# hang says where it hung.  PROG's threads first, then their samples, then
# the slow walk over every task: under TCG on a loaded host the walk alone
# outlasted 20 s, and the kill cut the dump before the samples that show a
# spinning thread's stack.  Killed by the caller when the cell ends first.
stacks_at_timeout() {
	sleep $(($1 > 60 ? $1 - 30 : $1 / 2))
	# printed as it goes: under TCG the walk over /proc takes seconds
	{
		echo "@@vm-check stacks before the cell timeout"
		for pid in $(pidof "$3"); do
			for t in /proc/$pid/task/*; do
				echo "== $(cat "$t/comm" 2>/dev/null) tid ${t##*/} state $(sed -n 's/^State:[[:space:]]*//p' "$t/status" 2>/dev/null) wchan $(cat "$t/wchan" 2>/dev/null)"
				cat "$t/stack" 2>/dev/null | tee "/tmp/stack.${t##*/}"
			done
		done
		# a task spinning in the kernel: the running CPUs' backtraces
		# (SysRq-l, an NMI each) from the kernel log, eight times, under
		# a header of their own so the known-bugs signature can match
		# them; first, as the reads below may wait for a CPU it hogs
		if [ -w /proc/sysrq-trigger ]; then
			for k in 1 2 3 4 5 6 7 8; do
				n0=$(dmesg | wc -l)
				echo l > /proc/sysrq-trigger
				sleep 1
				echo "== $3 sysrq-l sample $k (backtraces of the running CPUs)"
				dmesg | tail -n +$((n0 + 1)) | sed 's/^\[[ 0-9.]*\] //'
			done
		fi
		# a thread spinning in the kernel shows where it last scheduled,
		# maybe from before it began to spin (a running task's stack
		# reads empty): more samples, those that differ, each read on the
		# thread's own CPU (field 39 of stat), which it must leave at one
		# of its loop's rescheduling points for the reader to run, so
		# that a known bug's signature inside the loop is seen
		# (src/kernel/known-bugs.c)
		for k in 1 2 3 4 5; do
			sleep 1
			for pid in $(pidof "$3"); do
				for t in /proc/$pid/task/*; do
					cpu=$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f37)
					taskset -c "${cpu:-0}" cat "$t/stack" > /tmp/stack.now 2>/dev/null ||
						cat "$t/stack" > /tmp/stack.now 2>/dev/null
					cmp -s /tmp/stack.now "/tmp/stack.${t##*/}" && continue
					echo "== $(cat "$t/comm" 2>/dev/null) tid ${t##*/} sample $k"
					cat /tmp/stack.now
					cp /tmp/stack.now "/tmp/stack.${t##*/}"
				done
			done
		done
		# and the kernel threads the walkers run in (kdamond), and
		# whatever else sleeps uninterruptibly
		for p in /proc/[0-9]*; do
			read -r c < "$p/comm" 2>/dev/null || continue
			st=$(sed -n 's/^State:[[:space:]]*//p' "$p/status" 2>/dev/null)
			case "$c:$st" in
			kdamond*|*:D*)
				echo "== $c pid ${p##*/} state $st wchan $(cat "$p/wchan" 2>/dev/null)"
				cat "$p/stack" 2>/dev/null ;;
			esac
		done
	} 2>&1 | tee -a "$2"
}

shutdown_vm() {
	flush_results
	mark "done $(uptime_s)"
	sync
	# ACPI power-off may be missing; reboot + QEMU -no-reboot ends the VM.
	reboot -f
	sleep 5
	echo o > /proc/sysrq-trigger
}

# --- what the guest sees -----------------------------------------------
cpus=$(grep -c '^processor' /proc/cpuinfo)
rmap_policy=$(cat /sys/kernel/mm/uffd_move/rmap_policy 2>/dev/null)
lru_gen_boot=$(lru_gen_now)
{
	echo "cpus=$cpus"
	echo "online=$(cat /sys/devices/system/cpu/online)"
	echo "uname=$(uname -a)"
	echo "arch=$(uname -m)"
	echo "cmdline=$(cat /proc/cmdline)"
	echo "mem_total_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
	echo "requested_policy=$POLICY"
	echo "rmap_policy=$rmap_policy"
	echo "lru_gen=$lru_gen_boot"
	echo "numa_nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)"
} > /results/guest.txt
mark "guest cpus=$cpus policy=$POLICY rmap_policy=$rmap_policy numa_nodes=$(sed -n 's/^numa_nodes=//p' /results/guest.txt)"

# --- zram swap: the pressure backends reclaim to it --------------------
if [ -e /sys/block/zram0 ]; then
	echo lz4 > /sys/block/zram0/comp_algorithm 2>/dev/null
	if echo "$ZRAM_SIZE" > /sys/block/zram0/disksize &&
	   mkswap /dev/zram0 >/dev/null && swapon /dev/zram0; then
		echo "swap=zram0 $ZRAM_SIZE" >> /results/guest.txt
	else
		echo "swap=none (zram setup failed)" >> /results/guest.txt
	fi
else
	echo "swap=none (no zram in this kernel)" >> /results/guest.txt
fi

# --- is the requested policy in force? --------------------------------
skip_reason=
if [ "$POLICY" != stock ]; then
	if [ -z "$rmap_policy" ]; then
		skip_reason="kernel has no /sys/kernel/mm/uffd_move/rmap_policy (patch series not applied?)"
	else
		in_force=$(echo "$rmap_policy" | sed -n 's/.*\[\([^]]*\)\].*/\1/p')
		[ "$in_force" = "$POLICY" ] ||
			skip_reason="policy $POLICY not in force (rmap_policy: $rmap_policy)"
	fi
fi
# (the selftests alone run on one: vm-check --selftests --smp=1)
[ "$cpus" -ge "$MIN_CPUS" ] || skip_reason="guest sees $cpus CPU(s), need at least $MIN_CPUS"

# --- the cells ---------------------------------------------------------
flush_results
mark "ready $(uptime_s)"
# cells run in /results: what a cell writes to its working directory (a
# failing explore's op log, movestress-explore-SEED.xlog) comes back too
cd /results
tab=$(printf '\t')
stops=0
while IFS="$tab" read -r name args; do
	[ -n "$name" ] || continue
	if [ -n "$skip_reason" ]; then
		printf '%s\t77\t0\t%s\n' "$name" "$skip_reason" >> /results/status
		continue
	fi
	# vm-check --stop-on: enough cells ended with one of these exit codes
	if [ "$STOP_AFTER" -gt 0 ] && [ "$stops" -ge "$STOP_AFTER" ]; then
		printf '%s\t77\t0\t%s\n' "$name" "not run: stopped after $stops cell(s) with exit $STOP_RCS (--stop-on)" >> /results/status
		continue
	fi
	cov_reset
	# the longest single MOVE wait on an anon_vma is a running maximum
	# (kernel-patches/6.12 patch 1): reset, so each cell reports its own
	[ -w "$WAIT_MAX" ] && echo 0 > "$WAIT_MAX"
	# ARGS may start with the command (`explore --ops=...`); else `run`;
	# or with /: a program of its own (vm-bisect --repro), no JSON result
	# shellcheck disable=SC2086 # ARGS are options, split on purpose
	case $args in
	-*|'') set -- /bin/movestress run $args --output "/results/$name.json" ;;
	/*) set -- $args ;;
	*) set -- /bin/movestress $args --output "/results/$name.json" ;;
	esac
	t0=$(uptime_s)
	mark "begin $name $t0"
	stacks_at_timeout "$CELL_TIMEOUT" "/results/$name.stacks" "${1##*/}" &
	watcher=$!
	timeout -s KILL "$CELL_TIMEOUT" "$@" < /dev/null > "/results/$name.log" 2>&1
	rc=$?
	kill "$watcher" 2>/dev/null
	t1=$(uptime_s)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	reason=
	if [ $rc -eq 137 ]; then
		reason="killed after ${CELL_TIMEOUT}s in the guest"
		# a killed run cannot restore what it changed (DAMON left on
		# makes every later damon cell skip): undo it from its state file
		/bin/movestress cleanup --quiet >> "/results/$name.log" 2>&1 ||
			reason="$reason; movestress cleanup failed (exit $?)"
	fi
	# A cell may switch the LRU (movestress --lru-gen) and must put it
	# back, or the next cells reclaim with another LRU than they say.  A
	# killed run cannot: put it back here.  Any other run that did not is
	# a failure of the cell.
	lru_gen_left=$(lru_gen_now)
	if [ "$lru_gen_left" != "$lru_gen_boot" ]; then
		echo "$lru_gen_boot" > "$LRU_GEN"
		if [ $rc -ne 137 ]; then
			{ [ $rc -eq 0 ] || [ $rc -eq 77 ]; } && rc=1
			reason="${reason:+$reason; }left $LRU_GEN at $lru_gen_left (was $lru_gen_boot)"
		fi
	fi
	printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$secs" "$reason" >> /results/status
	case " $STOP_RCS " in *" $rc "*) stops=$((stops + 1)) ;; esac
	# the verdict lines, inside the cell's console segment
	tail -n 3 "/results/$name.log"
	mark "end $name rc=$rc secs=$secs"
	cov_save "$name"
	flush_results
done < /plan

# --- the kernel's own uffd selftests, same kernel, same boot ------------
# tools/testing/selftests/mm/uffd-unit-tests of the same tree.  vm-check
# --coverage runs the whole suite once after the cells as the unit
# @selftests (its gcov counters are the "selftests" column); vm-check
# --selftests=... runs no cells and SELFTESTS_RUNS units @selftests.rN of
# the tests that match SELFTESTS_FILTER (uffd-unit-tests -f, a substring).
# Each test gets SELFTESTS_TIMEOUT seconds: a test still running then gets
# its stacks dumped into /results/UNIT.stacks and the program is killed.

# selftest_watch LOG UNIT: the watchdog of one run.  The suite prints
# "Testing NAME on MEM... " (flushed) as each test starts: a new one
# restarts the clock and prints a progress marker for the host.
selftest_watch() {
	count=0 name='' since=$(cut -d. -f1 /proc/uptime)
	while sleep 2; do
		# shellcheck disable=SC2046 # the count and the name, split on purpose
		set -- "$1" "$2" $(awk '{ while (match($0, /Testing [^.]*/)) {
				n++; t = substr($0, RSTART + 8, RLENGTH - 8); gsub(/ /, "_", t)
				$0 = substr($0, RSTART + RLENGTH) } }
			END { print n + 0, t }' "$1" 2>/dev/null)
		now=$(cut -d. -f1 /proc/uptime)
		if [ "${3:-0}" != "$count" ]; then
			count=$3 name=$(echo "${4:-}" | tr _ ' ') since=$now
			mark "progress $now $2 $count"
			continue
		fi
		[ $((now - since)) -ge "$SELFTESTS_TIMEOUT" ] || continue
		echo "${name:-(before the first test)}" > "/results/$2.timeout"
		selftest_stacks "$name" 2>&1 | tee "/results/$2.stacks"
		for p in $(pidof uffd-unit-tests); do kill -9 "$p"; done
		return 0
	done
}

# selftest_stacks NAME: every uffd-unit-tests thread (the forked children
# too): state, wchan, syscall (number and user PC: running in user space
# or waiting in the kernel), minor faults and context switches, kernel
# stack; the same counters again 10 s later (a slow test still counts
# up, a stuck one does not); then SysRq-w (blocked tasks) and SysRq-t
# (every task) into the kernel log, kept too
selftest_progress() {	# selftest_progress TASKDIR: "minflt N ctxsw N"
	echo "minflt $(cut -d')' -f2 "$1/stat" 2>/dev/null | awk '{ print $8 }') ctxsw $(awk '/ctxt_switches/ { n += $2 } END { print n + 0 }' "$1/status" 2>/dev/null)"
}

selftest_stacks() {
	echo "@@vm-check stacks: '$1' still running after ${SELFTESTS_TIMEOUT}s"
	for pid in $(pidof uffd-unit-tests); do
		echo "== process $pid ppid $(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)"
		for t in "/proc/$pid/task/"*; do
			echo "== $(cat "$t/comm" 2>/dev/null) tid ${t##*/} state $(sed -n 's/^State:[[:space:]]*//p' "$t/status" 2>/dev/null) wchan $(cat "$t/wchan" 2>/dev/null) $(selftest_progress "$t") syscall $(cat "$t/syscall" 2>/dev/null)"
			cat "$t/stack" 2>/dev/null
		done
	done
	sleep 10
	for pid in $(pidof uffd-unit-tests); do
		for t in "/proc/$pid/task/"*; do
			echo "== 10 s later: tid ${t##*/} state $(sed -n 's/^State:[[:space:]]*//p' "$t/status" 2>/dev/null) wchan $(cat "$t/wchan" 2>/dev/null) $(selftest_progress "$t")"
		done
	done
	if [ -w /proc/sysrq-trigger ]; then
		dmesg -c > /dev/null
		echo w > /proc/sysrq-trigger
		echo t > /proc/sysrq-trigger
		echo "== SysRq-w, SysRq-t (kernel log)"
		dmesg
	fi
}

# selftest_run UNIT [FILTER]: one run of uffd-unit-tests in /tmp; output
# in /results/UNIT.log, "RC SECS" in /results/UNIT.status
selftest_run() {
	cov_reset
	rm -f "/results/$1.timeout"
	t0=$(uptime_s)
	mark "begin $1 $t0"
	selftest_watch "/results/$1.log" "$1" &
	watcher=$!
	if [ -n "${2:-}" ]; then
		(cd /tmp && exec /bin/uffd-unit-tests -f "$2") < /dev/null > "/results/$1.log" 2>&1
	else
		(cd /tmp && exec /bin/uffd-unit-tests) < /dev/null > "/results/$1.log" 2>&1
	fi
	rc=$?
	kill "$watcher" 2>/dev/null
	wait "$watcher" 2>/dev/null
	secs=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')
	printf '%s\t%s\n' "$rc" "$secs" > "/results/$1.status"
	# the last line, ended (a killed test's "Testing ... " has no newline)
	printf '%s\n' "$(tail -n 1 "/results/$1.log")"
	mark "end $1 rc=$rc secs=$secs"
	cov_save "$1"
	flush_results
}

if [ "$SELFTESTS" = 1 ] && [ -x /bin/uffd-unit-tests ] && [ -z "$skip_reason" ]; then
	if [ "$SELFTESTS_RUNS" = 0 ]; then
		selftest_run @selftests
	else
		r=1
		while [ $r -le "$SELFTESTS_RUNS" ]; do
			if [ "$SELFTESTS_FILTER" = all ]; then
				selftest_run "@selftests.r$r"
			else
				for f in $(echo "$SELFTESTS_FILTER" | tr , ' '); do
					selftest_run "@selftests.r$r.$f" "$f"
				done
			fi
			r=$((r + 1))
		done
	fi
fi

shutdown_vm
