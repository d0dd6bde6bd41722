#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Co-workloads (--with) beside running movers on the running kernel: each
# one alone, then all together; the oracle and the maps checks must pass
# and each co-workload must report its numbers.  A co-workload this kernel
# cannot run reports "skipped: reason" and the test skips it.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move

# json_num FILE KEY: the first integer value of "KEY": in FILE
json_num() { sed -n "s/.*\"$2\": \([0-9][0-9]*\).*/\1/p" "$1" | head -1; }

# run_cowork NAME ARGS...: run_ok, and a skipped co-workload is a skip too
run_cowork() {
	run_ok "$@" || return $?
	name=$1
	if grep -q "cowork .*: skipped" "$TMP/$name.out"; then
		echo "skip $name: $(grep 'cowork .*: skipped' "$TMP/$name.out")"
		return 77
	fi
	grep -q '"cowork"' "$TMP/$name.json" || fail "$name: no cowork block in the result"
	return 0
}

base="--mode=partitioned --movers=2 --size=16M --runtime=3s --with-warmup=1s --reclaim=none"
ran=0
# With swap active, MADV_PAGEOUT of the regions' pages swaps them out while
# they move, which some kernels get wrong (pages left behind by a MOVE that
# returned success: scripts/repro-move-pageout.c).  That is a finding for
# `movestress run`, not for this test of the co-workloads themselves.
adv=
if grep -q '^/' /proc/swaps 2>/dev/null; then
	adv=--pmadv-advice=cold,dontneed
	echo "note: swap is active: process_madvise runs without MADV_PAGEOUT here"
fi

if run_cowork dontneed $base --with=dontneed --checkpoint=500ms; then
	n=$(json_num "$TMP/dontneed.json" pages_dropped)
	[ "${n:-0}" -gt 0 ] || { cat "$TMP/dontneed.out"; fail "dontneed dropped no pages"; }
	grep -q "checkpoints: .* 0 violations" "$TMP/dontneed.out" || { cat "$TMP/dontneed.out"; fail "dontneed: checkpoint violations"; }
	echo "ok dontneed: $n destination pages dropped, oracle exact"
	ran=$((ran + 1))
fi

if run_cowork pmadv $base --with=process_madvise --batch=4,32 $adv; then
	grep -q '"vlen32"' "$TMP/pmadv.json" || fail "process_madvise: no vlen32 arm"
	grep -q '"speedup_vs_vlen1_pct"' "$TMP/pmadv.json" || fail "process_madvise: no speed-up"
	echo "ok process_madvise: $(grep 'process_madvise cold' "$TMP/pmadv.out")"
	ran=$((ran + 1))
fi

if run_cowork maps $base --with=maps,churn; then
	grep -q "checked: 0 violations" "$TMP/maps.out" || { cat "$TMP/maps.out"; fail "maps: violations"; }
	grep -q '"read": [1-9]' "$TMP/maps.json" || fail "maps: no snapshot read"
	grep -q '"covered_ranges": [1-9]' "$TMP/maps.json" || fail "maps: no hole-free churned range checked"
	echo "ok maps+churn: $(grep '    maps:' "$TMP/maps.out")"
	ran=$((ran + 1))
fi

if run_cowork churn $base --with=churn; then
	grep -q '"mremap-move"' "$TMP/churn.json" || fail "churn: no mremap-move ops"
	echo "ok churn: $(grep '    churn:' "$TMP/churn.out")"
	ran=$((ran + 1))
fi

# all four together, and the without/with MOVE comparison
if run_cowork all $base --with=dontneed,process_madvise,maps,churn $adv; then
	grep -q '"without"' "$TMP/all.json" || fail "all: no MOVE without/with split"
	grep -q '"vma_lock"' "$TMP/all.json" || fail "all: no vma_lock block"
	echo "ok all: $(grep 'MOVE without' "$TMP/all.out")"
	ran=$((ran + 1))
fi

# a bad --batch is a usage error
"$MOVESTRESS" run --with=process_madvise --batch=1,x --runtime=1s > "$TMP/bad.out" 2>&1
[ $? -eq 2 ] || fail "--batch=1,x is not a usage error"
"$MOVESTRESS" run --with=nosuch --runtime=1s > "$TMP/bad2.out" 2>&1
[ $? -eq 2 ] || fail "--with=nosuch is not a usage error"

[ $ran -gt 0 ] || exit 77
exit 0
