# SPDX-License-Identifier: GPL-2.0-only
# Shared by the kernel-dependent tests: exit 77 (automake's skip) when the
# running kernel or our privileges cannot do UFFDIO_MOVE.
MOVESTRESS=${MOVESTRESS:-./movestress}
TMP=$(mktemp -d /tmp/movestress-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

require_move() {
	out=$("$MOVESTRESS" list 2>&1)
	if echo "$out" | grep -q "^  partitioned  no"; then
		echo "SKIP: $(echo "$out" | grep -A1 '^  partitioned' | tail -1)"
		exit 77
	fi
}

# run_ok NAME ARGS...: the run must pass (or skip with 77, passed through)
run_ok() {
	name=$1; shift
	"$MOVESTRESS" run "$@" --output "$TMP/$name.json" > "$TMP/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "skip $name: $(grep skipped "$TMP/$name.out")"
		return 0
	fi
	[ $rc -eq 0 ] || { cat "$TMP/$name.out"; fail "$name exited $rc"; }
	grep -q "oracle: PASS" "$TMP/$name.out" || { cat "$TMP/$name.out"; fail "$name: no oracle PASS"; }
	echo "ok $name: $(grep -E '^  move:' "$TMP/$name.out")"
}
