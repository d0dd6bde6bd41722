# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# scripts/lib/vm-boot.sh: vm-check's QEMU side: the accelerator, one boot
# of a plan with its timeouts (no init, no progress in a cell, a report
# that ends the boot), the console split into cells and classified.
# Sourced by scripts/vm-check where this section was; it uses vm-check's
# options and globals (opt_*, out, cache, bzimage, initramfs, ...).

# --- QEMU ------------------------------------------------------------------
# $MOVESTRESS_QEMU: another QEMU binary (the harness's own tests boot a fake
# one, scripts/vm-check-selftest)
qemu_bin=${MOVESTRESS_QEMU:-$qemu_default}
kvm_works() {
	[[ $(uname -m) == "$KS_NATIVE" ]] ||
		{ kvm_why="an $opt_arch guest on an $(uname -m) host runs under TCG only"; return 1; }
	# /dev/kvm can exist and KVM_CREATE_VM succeed while vCPUs cannot run
	# (no vmx/svm); boot SeaBIOS under KVM and look for its banner.
	[[ -c /dev/kvm && -r /dev/kvm && -w /dev/kvm ]] || { kvm_why="no usable /dev/kvm"; return 1; }
	local log=$out/kvm-probe.debugcon
	(kvm_probe_boot "$log") 2>/dev/null
	if grep -q SeaBIOS "$log" 2>/dev/null; then
		return 0
	fi
	kvm_why="/dev/kvm present but a KVM guest does not run: $(grep -m1 -E 'error|failed' "$out/kvm-probe.log" || echo 'no firmware output')"
	return 1
}

kvm_probe_boot() {
	local log=$1
	timeout 20 "$qemu_bin" -accel kvm -machine pc -cpu host -m 64 \
		-nodefaults -display none -no-reboot -monitor none \
		-debugcon "file:$log" -global isa-debugcon.iobase=0x402 \
		> "$out/kvm-probe.log" 2>&1 &
	local pid=$!
	for _ in $(seq 1 40); do
		grep -q SeaBIOS "$log" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.25
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	return 0
}

choose_accel() {
	kvm_why=
	case $opt_accel in
	tcg) accel=(-accel "tcg,thread=multi" -cpu "$tcg_cpu"); accel_name=tcg; kvm_why="--accel=tcg" ;;
	kvm) kvm_works || die_env "--accel=kvm: $kvm_why"
	     accel=(-accel kvm -cpu host); accel_name=kvm ;;
	auto)
		if kvm_works; then
			accel=(-accel kvm -cpu host); accel_name=kvm
		else
			accel=(-accel "tcg,thread=multi" -cpu "$tcg_cpu"); accel_name=tcg
		fi ;;
	esac
	note "accelerator: $accel_name${kvm_why:+ ($kvm_why)}"
}

# A kernel report in the console ends the boot this many seconds after its
# first line at the latest (3 s after the cell's end marker if that comes
# first): time for the trailer and for the cell to flush its result.
report_grace=20
# cheap filter in front of `movestress classify`: the literal keys of its
# report headers (src/klog.c)
report_prefilter='BUG: |WARNING: |kernel BUG at |Oops: |Unable to handle kernel |Internal error: |general protection fault|invalid opcode: |divide error: |stack segment: |Kernel panic - not syncing|PANIC: double fault|INFO: task .* blocked|INFO: rcu|INFO: trying to register|UBSAN: |Watchdog detected hard LOCKUP|still has locks held|lock held when returning|held lock freed|bad unlock balance|suspicious RCU usage|-unsafe lock order'

# kill_guest PID: TERM, then KILL if QEMU is still there 2 s later
kill_guest() {
	kill "$1" 2>/dev/null
	sleep 2
	kill -0 "$1" 2>/dev/null && kill -9 "$1" 2>/dev/null
}

# numa_args: QEMU's -smp and, for --numa nodes, one socket per node with
# its share of the vCPUs and memory (the last node takes the remainder of
# the memory).  A node must be a socket: vCPUs of one socket on two nodes
# make the guest warn at boot (topology_sane(), "llc-sibling ... is not on
# the same node").  QEMU builds the ACPI SRAT from them, which the guest
# reads (CONFIG_X86_64_ACPI_NUMA).
numa_args() {
	local n=$opt_numa i mem per=$((opt_smp / opt_numa))
	if [[ $n -le 1 ]]; then
		printf '%s\n' -smp "$opt_smp"
		return 0
	fi
	printf '%s\n' -smp "$opt_smp,sockets=$n,cores=$per,threads=1"
	for ((i = 0; i < n; i++)); do
		mem=$((opt_mem / n))
		[[ $i -eq $((n - 1)) ]] && mem=$((opt_mem - mem * (n - 1)))
		printf '%s\n' -object "memory-backend-ram,id=node$i,size=${mem}M" \
			-numa "node,nodeid=$i,cpus=$((i * per))-$((i * per + per - 1)),memdev=node$i"
	done
}

# run_boot POLICY BOOTDIR PLAN: boot once, run the cells in PLAN. Sets
# boot_end to how the VM ended: done | timeout-boot | timeout-cell | exited
run_boot() {
	local policy=$1 bd=$2 plan=$3
	local console=$bd/console.log disk=$bd/results.img conf=$bd/vm.conf
	local append
	mkdir -p "$bd"
	cat > "$conf" <<EOF
POLICY=$policy
CELL_TIMEOUT=$opt_timeout
ZRAM_SIZE=$((opt_mem / 2))M
COVERAGE=${opt_coverage:-0}
SELFTESTS=$([[ -n ${selftests_bin:-} && -z $selftests_ran ]] && echo 1 || echo 0)
SELFTESTS_TIMEOUT=$opt_selftest_timeout
STOP_RCS="$stop_rcs"
STOP_AFTER=$((stop_after > 0 ? stop_after - ${stop_count[$policy]:-0} : 0))
EOF
	[[ -n $opt_selftests ]] && printf 'SELFTESTS_RUNS=%s\nSELFTESTS_FILTER=%s\nMIN_CPUS=1\n' \
		"$opt_selftest_runs" "$opt_selftests" >> "$conf"
	cp "$plan" "$bd/plan"
	printf 'file /plan %s 644 0 0\nfile /vm.conf %s 644 0 0\nfile /kernel.json %s 644 0 0\n' \
		"$bd/plan" "$conf" "$out/kernel.json" > "$bd/boot.spec"
	cat "$initramfs" > "$bd/initramfs.cpio.gz"
	gen_cpio "$bd/boot.spec" | gzip -n -1 >> "$bd/initramfs.cpio.gz"
	rm -f "$disk"
	truncate -s 64M "$disk"
	append="console=$kconsole rdinit=/init panic=-1 printk.devkmsg=on"
	append+=" kasan_multi_shot sysctl.kernel.hung_task_timeout_secs=60 nokaslr"
	# the architecture's own (arch_rows: x86_64 under TCG needs three)
	append+="${cmdline_arch:+ $cmdline_arch}"
	[[ ${policy_role[$policy]} != stock ]] && append+=" uffd_move_rmap=$policy"
	echo "$append" > "$bd/cmdline"
	: > "$console"
	local t0 pid numa
	mapfile -t numa < <(numa_args)
	t0=$(now)
	"$qemu_bin" "${accel[@]}" -machine "$qmachine" "${numa[@]}" -m "$opt_mem" \
		-nodefaults -display none -no-reboot -monitor none \
		-chardev "file,id=con,path=$console" -serial chardev:con \
		-drive "file=$disk,format=raw,if=virtio,cache=unsafe" \
		-kernel "$bzimage" -initrd "$bd/initramfs.cpio.gz" -append "$append" \
		> "$bd/qemu.log" 2>&1 &
	pid=$!
	qemu_pid=$pid
	echo "$pid" > "$bd/qemu.pid"
	local last_marks=-1 marks last_progress=$t0 limit in_cell=0 cur_cell="" first_result=""
	local scan_off=0 size report_at="" report_where="" report_end_at="" hit
	boot_end=exited
	boot_why=
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		# one read of the console, up to one size, for the count and the
		# new lines (a marker written between two reads would be seen
		# twice) and for the report scan below (a report after a marker
		# this read missed would be placed before it), and only markers
		# whose name is complete (a line may be half written)
		local all
		size=$(stat -c %s "$console" 2>/dev/null || echo 0)
		all=$(head -c "$size" "$console" 2>/dev/null | tr -d '\r' |
			grep -E '^@@vm-check (ready [0-9]|progress [0-9]|(begin|end) [^ ]+ [0-9r])')
		marks=$(grep -c . <<< "$all")
		if [[ $marks != "$last_marks" ]]; then
			local last new
			new=$(tail -n +"$((last_marks < 0 ? 1 : last_marks + 1))" <<< "$all")
			last_marks=$marks
			last_progress=$(now)
			while read -r last; do
				case $last in
				*" begin "*) in_cell=1; cur_cell=$(awk '{ print $3 }' <<< "$last")
					note "  [$policy] ${last#@@vm-check }" ;;
				# a selftest started (vm-init.sh selftest_watch): progress, same unit
				*" progress "*) ;;
				*" end "*) in_cell=0; note "  [$policy] ${last#@@vm-check }"
					[[ -n $report_at && -z $report_end_at ]] && report_end_at=$(now)
					[[ -n $first_result ]] || first_result=$(since "$t0") ;;
				*) in_cell=0 ;;
				esac
			done <<< "$new"
		fi
		# A kernel report ends the boot: the kernel that made it is no
		# longer the kernel under test for the next cells.  Its first line
		# starts a grace period for the trailer (stack, "---[ end trace",
		# the KASAN "====" rule) and for the cell to end and flush its
		# result; then the guest is killed and the cells not yet run go to
		# a fresh boot.  Only what `movestress classify` calls a report
		# counts (the regex is a cheap filter in front of it).
		if [[ -z $report_at ]]; then
			if [[ $size -gt $scan_off ]]; then
				# from a little before the last end: a header cut in two
				local from=$((scan_off > 256 ? scan_off - 256 : 0))
				hit=$(tail -c +"$((from + 1))" "$console" | head -c "$((size - from))" |
					grep -c -E "$report_prefilter")
				if [[ $hit -gt 0 ]]; then
					local seg_from=0
					# classify the current segment (this cell, or all before it)
					[[ $in_cell -eq 1 ]] && seg_from=$(grep -b "^@@vm-check begin $cur_cell " "$console" | tail -1 | cut -d: -f1)
					head -c "$size" "$console" | tail -c +"$((${seg_from:-0} + 1))" > "$bd/watch.seg"
					if [[ -n $(classify "$bd/watch.seg") ]]; then
						report_at=$(now)
						if [[ $marks -eq 0 ]]; then report_where="before init"
						elif [[ $in_cell -eq 1 ]]; then report_where="in $cur_cell"
						else report_where="between cells"; fi
						note "  [$policy] kernel report $report_where: $(classify "$bd/watch.seg" | cut -f2 | cut -c1-100); ending the boot within ${report_grace}s"
					fi
					rm -f "$bd/watch.seg"
				fi
				scan_off=$size
			fi
		fi
		if [[ -n $report_at ]] &&
		   { awk -v a="$report_at" -v b="$(now)" -v l="$report_grace" 'BEGIN { exit !(b - a > l) }' ||
		     { [[ -n $report_end_at ]] &&
		       awk -v a="$report_end_at" -v b="$(now)" 'BEGIN { exit !(b - a > 3) }'; }; }; then
			case $report_where in
			"before init") boot_end=crash-boot ;;
			"between cells") boot_end=crash-between ;;
			*) boot_end=crash-cell ;;
			esac
			boot_why="kernel report $report_where, killed $(since "$report_at") s after its first line"
			note "  [$policy] $boot_why (pid $pid)"
			kill_guest "$pid"
			break
		fi
		if [[ $marks -eq 0 ]]; then
			limit=$opt_boot_timeout
		else
			limit=$((opt_timeout + 60))
		fi
		if awk -v a="$last_progress" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
			if [[ $marks -eq 0 ]]; then boot_end=timeout-boot; else boot_end=timeout-cell; fi
			[[ $in_cell -eq 0 && $marks -gt 0 ]] && boot_end=timeout-between
			case $boot_end in
			timeout-boot) boot_why="no init within ${limit}s" ;;
			timeout-cell) boot_why="no progress for ${limit}s in $cur_cell" ;;
			*) boot_why="no progress for ${limit}s between cells" ;;
			esac
			note "  [$policy] $boot_why: killing the guest (pid $pid)"
			kill_guest "$pid"
			break
		fi
	done
	wait "$pid" 2>/dev/null
	qemu_pid=
	grep -q '^@@vm-check done' "$console" && boot_end="done"
	boot_secs=$(since "$t0")
	[[ -n $first_result ]] && figure "boot-to-first-result [$policy]" "$first_result s"
	mkdir -p "$bd/results"
	tar -xmf "$disk" -C "$bd/results" 2>/dev/null
	rm -f "$disk" "$bd/initramfs.cpio.gz"
	tail -n 60 "$console" > "$bd/console.tail"
}

# split_console BOOTDIR: console segments per cell (seg/NAME.log), the
# boot/shutdown part (seg/@boot.log)
split_console() {
	local bd=$1
	mkdir -p "$bd/seg"
	awk -v dir="$bd/seg" '
	BEGIN { out = dir "/@boot.log" }
	{ sub(/\r$/, "") }
	/^@@vm-check begin / { out = dir "/" $3 ".log"; print > out; next }
	/^@@vm-check end / { print > out; close(out); out = dir "/@boot.log"; next }
	{ print > out }' "$bd/console.log"
}

# classify FILE: "KIND<TAB>TITLE" of the first report, empty if none
classify() {
	local res rc
	res=$("$ms_host" classify "$1" 2>/dev/null)
	rc=$?
	if [[ $rc -eq 3 ]]; then
		head -1 <<< "$res"
	elif [[ $rc -ne 0 ]]; then
		printf 'error\tmovestress classify exited %s\n' "$rc"
	fi
}
