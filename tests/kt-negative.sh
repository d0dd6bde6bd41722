#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Negative control: damage one page from user space after the movers stop;
# the oracle must report exactly that page, and the run must fail (exit 1).
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
for spec in corrupt:17 zero:300 lose:1000 dup:42; do
	kind=${spec%%:*}
	page=${spec##*:}
	"$MOVESTRESS" run --mode=partitioned --movers=2 --runtime=1s --size=8M \
		--inject="$spec" --output "$TMP/neg.json" > "$TMP/neg.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { cat "$TMP/neg.out"; fail "--inject=$spec: exit $rc, expected 1"; }
	grep -q "oracle: FAIL" "$TMP/neg.out" || fail "--inject=$spec: no oracle FAIL"
	# every violation named is this page, and it is named
	pages=$(sed -n 's/^    page \([0-9]*\): .*/\1/p' "$TMP/neg.out" | sort -u)
	[ "$pages" = "$page" ] || { cat "$TMP/neg.out"; fail "--inject=$spec: oracle named pages '$pages'"; }
	case $kind in
	corrupt) want=corrupt ;;
	zero) want=zeroed ;;
	lose) want=lost ;;
	dup) want=duplicated ;;
	esac
	grep -q "page $page: $want" "$TMP/neg.out" || { cat "$TMP/neg.out"; fail "--inject=$spec: no '$want'"; }
	grep -q '"verdict": "failure"' "$TMP/neg.json" || fail "--inject=$spec: JSON verdict"
	# and the other tests' excuse for the host-kernel MOVE bug does not cover it
	known_kernel_bug "$TMP/neg.json" > /dev/null && fail "--inject=$spec: excused as the known kernel bug"
	echo "ok --inject=$spec caught: $(grep "page $page:" "$TMP/neg.out" | head -1)"
done
