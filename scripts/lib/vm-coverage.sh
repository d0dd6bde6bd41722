# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# scripts/lib/vm-coverage.sh: vm-check's kernel-side measurements beside
# the matrix: gcov coverage of the MOVE and rmap-walker objects
# (--coverage, coverage.json), and the kernel's own uffd-unit-tests, built
# from the same tree, in the coverage boot or alone (--selftests).
# Sourced by scripts/vm-check where this section was; it uses vm-check's
# options and globals.

# --- coverage: which objects are profiled, and the kernel's own tests -----
# The objects that hold UFFDIO_MOVE and the rmap walkers it races with
# (reclaim's folio_referenced, page_idle, DAMON's paddr ops).  Profiling is
# switched on per object by GCOV_PROFILE_x.o := y lines in their directory's
# Makefile: a harness-owned tweak kept out of the patch series.  The lines
# do nothing without CONFIG_GCOV_KERNEL, and kbuild rebuilds on changed
# command lines, not on changed Makefiles, so other build trees are not
# touched by them; still, every run removes them before applying the
# series (the pristine copies never see them) and only --coverage adds them.
cov_objects=(mm/userfaultfd.o mm/huge_memory.o mm/rmap.o mm/memory.o mm/swap_state.o
	     mm/page_idle.o mm/damon/ops-common.o mm/damon/paddr.o mm/damon/vaddr.o)
cov_begin="# >>> vm-check --coverage: per-object gcov profiling (harness-owned, not in the series)"
cov_end="# <<< vm-check --coverage"

coverage_tweak() {	# coverage_tweak add|remove
	local o dir mk
	local -A dirs=()
	for o in "${cov_objects[@]}"; do dirs[$(dirname "$o")]+=" $(basename "$o")"; done
	for dir in "${!dirs[@]}"; do
		mk=$ksrc/$dir/Makefile
		[[ -f $mk ]] || die "coverage: no $mk"
		if grep -qxF "$cov_begin" "$mk"; then
			sed -i "\\|^$cov_begin\$|,\\|^$cov_end\$|d" "$mk"
		fi
		[[ $1 == add ]] || continue
		{
			echo "$cov_begin"
			for o in ${dirs[$dir]}; do echo "GCOV_PROFILE_$o := y"; done
			echo "$cov_end"
		} >> "$mk"
	done
}

# build_selftests: tools/testing/selftests/mm/uffd-unit-tests of the same
# tree, with the tree's own selftests Makefile, static, against the tree's
# exported headers (make headers_install)
build_selftests() {
	local st=$cache/selftests t0
	t0=$(now)
	mkdir -p "$st"
	{
		kmake O="$st/hdr-build" INSTALL_HDR_PATH="$st/hdr" headers_install &&
		make -C "$ksrc/tools/testing/selftests/mm" OUTPUT="$st" \
			KHDR_INCLUDES="-isystem $st/hdr/include" LDFLAGS=-static "$st/uffd-unit-tests"
	} > "$out/selftests-build.log" 2>&1 ||
		{ tail -20 "$out/selftests-build.log" >&2; die "uffd-unit-tests build failed (see $out/selftests-build.log)"; }
	file -L "$st/uffd-unit-tests" | grep -q 'statically linked' ||
		die "$st/uffd-unit-tests is not statically linked"
	selftests_bin=$st/uffd-unit-tests
	figure "uffd-unit-tests build (headers_install + static)" "$(since "$t0") s"
}

# --- coverage report -------------------------------------------------------
# cov_unit SRC DST: the .gcda files of one unit, as saved by the guest under
# their build-tree path, laid out as DST/mm/x.gcda
cov_unit() {
	local o stem f n=0
	for o in "${cov_objects[@]}"; do
		stem=${o%.o}
		f=$(find "$1" -path "*/$stem.gcda" 2>/dev/null | head -1)
		[[ -n $f ]] || continue
		mkdir -p "$(dirname "$2/$stem")"
		cp "$f" "$2/$stem.gcda" && n=$((n + 1))
	done
	[[ $n -gt 0 ]]
}

# cell_command ARGS: the movestress command a cell runs (vm-init.sh: ARGS
# that start with an option are `run`'s)
cell_command() {
	case $1 in
	-*|'') echo run ;;
	*) echo "${1%% *}" ;;
	esac
}

coverage_report() {
	local cdir=$out/coverage units p name bd d f t0 st_rc="" st_secs="" st_sum="" st_report="" r
	t0=$(now)
	rm -rf "$cdir"
	mkdir -p "$cdir/gcda"
	units=$cdir/units.tsv
	: > "$units"
	for p in "${policies[@]}"; do
		while IFS=$'\t' read -r name args; do
			d=
			for bd in "$out/boot-$p-"[0-9]*; do
				[[ -d $bd/results/gcov/$name ]] && d=$bd/results/gcov/$name
			done
			# the cell's command (run, explore): the table has the
			# matrix without the explore cells beside the whole matrix
			[[ -n $d ]] && cov_unit "$d" "$cdir/gcda/$p/$name" &&
				printf 'cell\t%s\t%s\t%s\t%s\n' "$p" "$name" "$cdir/gcda/$p/$name" \
					"$(cell_command "$args")" >> "$units"
		done < "$out/plan.txt"
	done
	if [[ -n $selftests_ran ]]; then
		read -r st_rc st_secs < "$selftests_ran/results/@selftests.status"
		[[ -f $selftests_ran/seg/@selftests.log ]] &&
			st_report=$(classify "$selftests_ran/seg/@selftests.log" | cut -f2)
		[[ -n $st_report ]] && printf '@selftests\t%s\n' "$st_report" > "$selftests_ran/selftests-reports.tsv"
		# one line: the summary, the first failing line, or the test that
		# outlived --selftest-timeout and where its threads waited
		st_sum=$(python3 "$script_dir/vm-selftests" --line "$selftests_ran" @selftests)
		[[ -d $selftests_ran/results/gcov/@selftests ]] &&
			cov_unit "$selftests_ran/results/gcov/@selftests" "$cdir/gcda/@selftests" &&
			printf 'selftests\t%s\t@selftests\t%s\n' "$(sed -n 's/^POLICY=//p' "$selftests_ran/vm.conf")" \
				"$cdir/gcda/@selftests" >> "$units"
	fi
	for f in "$out"/boot-*/results/gcov-unavailable; do
		printf 'unavailable\t-\t-\t%s\n' "$(head -1 "$f")" >> "$units"
	done
	echo
	echo "coverage (gcov, ${#cov_objects[@]} objects: ${cov_objects[*]})"
	if [[ -n $selftests_ran ]]; then
		echo "uffd-unit-tests (tools/testing/selftests/mm, $kver), boot ${selftests_ran##*/}: exit $st_rc, ${st_secs}s: ${st_sum:-no summary line}${st_report:+; kernel report: $st_report}"
	else
		echo "uffd-unit-tests: did not run (no boot reached the end of its cells)"
	fi
	python3 "$script_dir/vm-coverage" --kbuild "$kbuild" --ksrc "$ksrc" --units "$units" \
		--objects "${cov_objects[*]}" --out "$cdir" \
		--meta "$(jq -n --arg k "${kernelrelease:-}" --arg c "$cfg_name" --arg m "$opt_matrix" \
			--arg p "${policies[*]}" --arg rc "$st_rc" --arg s "$st_secs" --arg sum "$st_sum" \
			--arg rep "$st_report" --arg b "${selftests_ran##*/}" \
			'{title: "movestress vm-check --coverage, \($m) matrix, \($c)", kernel: $k,
			  config: $c, matrix_name: $m, policies: ($p | split(" ")),
			  selftests_run: (if $b == "" then null else
				{program: "tools/testing/selftests/mm/uffd-unit-tests", boot: $b,
				 exit: ($rc | tonumber? // null), seconds: ($s | tonumber? // null),
				 summary: $sum, kernel_report: (if $rep == "" then null else $rep end)} end)}')" |
		tee -a "$out/matrix.txt"
	r=${PIPESTATUS[0]}
	figure "coverage report (gcov, tables, lcov html)" "$(since "$t0") s"
	[[ -d $cdir/html ]] && echo "coverage: $cdir/coverage.json, coverage.txt, html/index.html"
	coverage_rc=$r
}

# --- selftests only (--selftests): no cells, uffd-unit-tests N times -------
# One boot per policy runs --selftest-runs units @selftests.rN[.NAME]
# (vm-init.sh selftest_run); scripts/vm-selftests reads them back into
# selftests.txt/json.  With --only, the boot runs those cells first (their
# status lines go into the table, not into the exit code).  Exit: 0 every
# run passed, 1 a test failed, 4 a test timed out or a boot ended before its
# runs did, 3 a kernel report.
run_selftests_only() {
	local names n p bd f rc what plan=$out/plan-empty.txt
	names=$("$selftests_bin" -l) || die "'uffd-unit-tests -l' failed"
	if [[ $opt_selftests != all ]]; then
		for n in ${opt_selftests//,/ }; do
			grep -qF -- "$n" <<< "$names" ||
				{ echo "$prog: --selftests: no uffd-unit-tests test matches '$n' (allowed: all, $(tr '\n' ' ' <<< "$names" | sed 's/ $//; s/ /, /g'))" >&2; exit 2; }
		done
	fi
	: > "$plan"
	if [[ -n $opt_only ]]; then
		# a cell's guest limit and the host's no-progress limit (+60 s)
		# cover the longer of a cell and a test
		[[ $opt_timeout -ge $opt_selftest_timeout ]] || opt_timeout=$opt_selftest_timeout
		plan_cells
		plan=$out/plan.txt
	else
		opt_timeout=$opt_selftest_timeout	# the host's no-progress limit: +60 s
		choose_accel
	fi
	selftests_ran=
	for p in "${policies[@]}"; do
		bd=$out/boot-$p-1
		note "booting [$p]: ${opt_only:+$(wc -l < "$plan") cell(s) of $opt_matrix matching '$opt_only', then }uffd-unit-tests ${opt_selftests} x $opt_selftest_runs, $accel_name, -smp $opt_smp, ${opt_mem}M, $opt_numa NUMA node(s)"
		run_boot "$p" "$bd" "$plan"
		figure "boot [$p] ($boot_end)" "$boot_secs s"
		echo "$boot_end${boot_why:+: $boot_why}" > "$bd/boot.end"
		split_console "$bd"
		: > "$bd/selftests-reports.tsv"
		for f in "$bd"/seg/@selftests*.log; do
			n=$(classify "$f" | cut -f2)
			[[ -n $n ]] && printf '%s\t%s\n' "$(basename "$f" .log)" "$n" >> "$bd/selftests-reports.tsv"
		done
	done
	echo
	what="$(kernel_summary), $cfg_name"
	[[ -n $opt_kernel ]] && what="given kernel $bzimage ($kernelrelease); the test from $kver"
	echo "uffd-unit-tests ($what, -smp $opt_smp, $opt_numa NUMA node(s)): $opt_selftests x $opt_selftest_runs, per-test timeout ${opt_selftest_timeout}s"
	python3 "$script_dir/vm-selftests" --out "$out" "$out"/boot-*-1
	rc=$?
	figure "total (this vm-check run)" "$(since "$t_start") s"
	echo "results: $out (selftests.txt, selftests.json, boot-*/console.log, boot-*/results/@selftests.*)"
	echo "exit: $rc"
	exit "$rc"
}
