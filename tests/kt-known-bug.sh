#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The known kernel bug move-eexist (src/known-bugs.c) in every mode, with
# its own control: --inject=eexist:PAGE makes the first MOVE that moved
# PAGE report EEXIST, as Linux 6.18 does.  Every mode must check that MOVE
# against the page tables, name the bug (moved_but_failed, the op's
# arguments), keep the oracle intact and end "known-kernel-bug" (exit 6);
# --known-bugs=fail, --exit-codes, --repeat, --tap, compare and bench must
# treat it as documented.  A genuine failure still wins (kt-negative.sh).
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
ARGS="--runtime=500ms --size=8M --seed=7"

# holes: the first populated page of this seed
hole_page() {
	"$MOVESTRESS" run --mode=holes --move-len=16 $ARGS --inject=eexist:999999 2>&1 | grep -q "out of range" ||
		fail "holes: no range check"
	for p in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		"$MOVESTRESS" run --mode=holes --move-len=16 --runtime=10ms --size=8M --seed=7 --inject=eexist:$p \
			--quiet > /dev/null 2>&1
		[ $? -ne 2 ] && { echo $p; return; }
	done
	fail "holes: no populated page among the first 16"
}

for m in $("$MOVESTRESS" list | awk '/^modes:/ { x = 1; next } /^[^ ]/ { x = 0 } x && $2 == "yes" { print $1 }'); do
	page=0
	extra=
	case $m in
	holes) page=$(hole_page); extra=--move-len=16 ;;
	esac
	"$MOVESTRESS" run --mode=$m $extra $ARGS --inject=eexist:$page --output "$TMP/$m.json" > "$TMP/$m.out" 2>&1
	rc=$?
	[ $rc -eq 77 ] && { echo "skip $m: $(grep skipped "$TMP/$m.out")"; continue; }
	[ $rc -eq 6 ] || { cat "$TMP/$m.out"; fail "$m: exit $rc, expected 6 (known kernel bug)"; }
	grep -q "oracle: PASS" "$TMP/$m.out" || { cat "$TMP/$m.out"; fail "$m: oracle did not pass"; }
	grep -qE '^verdict: known kernel bug move-eexist x[0-9]+ \(exit 6\)' "$TMP/$m.out" ||
		{ cat "$TMP/$m.out"; fail "$m: verdict line"; }
	python3 - "$TMP/$m.json" "$m" <<'EOF2' || { cat "$TMP/$m.out"; fail "$m: result"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "known-kernel-bug" and d["exit_code"] == 6, d["verdict"]
kb = d["known_bugs"]
assert kb and kb[0]["id"] == "move-eexist" and kb[0]["count"] >= 1, kb
assert kb[0]["doc"] == "docs/kernel-bug-6.18-move-eexist.md"
res = d["results"][0]
assert res["oracle"]["pass"], res["oracle"]
# named where it happened, with the op's arguments
ops = [f for k in ("move", "handler") for f in res.get(k, {}).get("failure_detail", [])
       if f["op"].startswith("UFFDIO_MOVE moved the page")]
mbf = sum(res.get(k, {}).get("moved_but_failed", 0) for k in ("move", "handler"))
if sys.argv[2] != "jank":	# jank: its UI/GC threads' own block
    assert ops and mbf >= 1, (ops, mbf)
    assert all(f["dst"] and f["src"] and f["len"] for f in ops), ops
assert res["move"]["failures"] == 0, res["move"]["failures"]
EOF2
	echo "ok $m: $(grep '^verdict' "$TMP/$m.out")"
done

# the side workloads' own MOVEs: --with=dontneed owns the last slots
"$MOVESTRESS" run --with=dontneed --with-warmup=0 --runtime=1s --size=8M --inject=eexist:2047 \
	--output "$TMP/cw.json" > "$TMP/cw.out" 2>&1
rc=$?
if [ $rc -ne 77 ]; then
	[ $rc -eq 6 ] || { cat "$TMP/cw.out"; fail "--with=dontneed: exit $rc, expected 6"; }
	grep -q "known kernel bug move-eexist, dontneed/0: UFFDIO_MOVE moved the page(s) but failed dst=" "$TMP/cw.out" ||
		{ cat "$TMP/cw.out"; fail "--with=dontneed: its MOVE not named"; }
	echo "ok --with=dontneed: $(grep '^verdict' "$TMP/cw.out")"
fi

# --known-bugs=fail keeps exit 1; the exit-code conventions map 6
"$MOVESTRESS" run $ARGS --inject=eexist:0 --known-bugs=fail --output "$TMP/kf.json" > "$TMP/kf.out" 2>&1
[ $? -eq 1 ] || { cat "$TMP/kf.out"; fail "--known-bugs=fail: not exit 1"; }
grep -q '^verdict: failure: known kernel bug move-eexist x1 (--known-bugs=fail)' "$TMP/kf.out" || fail "--known-bugs=fail verdict line"
grep -q '"verdict": "failure"' "$TMP/kf.json" || fail "--known-bugs=fail: JSON verdict"
"$MOVESTRESS" run $ARGS --inject=eexist:0 --quiet --exit-codes=kselftest > /dev/null 2>&1
[ $? -eq 2 ] || fail "kselftest: known kernel bug is not KSFT_XFAIL (2)"
"$MOVESTRESS" run $ARGS --inject=eexist:0 --quiet --exit-codes=automake > /dev/null 2>&1
[ $? -eq 1 ] || fail "automake: known kernel bug is not FAIL (1)"
"$MOVESTRESS" run $ARGS --inject=eexist:0 --known-bugs=maybe > "$TMP/kb.err" 2>&1
[ $? -eq 2 ] && grep -q -- "--known-bugs: .*report|fail" "$TMP/kb.err" || { cat "$TMP/kb.err"; fail "--known-bugs=maybe"; }
echo "ok: --known-bugs=fail, kselftest 2, automake 1"

# --repeat counts it and goes on; compare counts it too
"$MOVESTRESS" run $ARGS --inject=eexist:0 --repeat=3 --output "$TMP/rep.json" > "$TMP/rep.out" 2>&1
[ $? -eq 6 ] || { cat "$TMP/rep.out"; fail "--repeat: exit not 6"; }
grep -q "known kernel bug move-eexist x3 in 3 of 3 trials" "$TMP/rep.out" || { cat "$TMP/rep.out"; fail "--repeat: not counted"; }
"$MOVESTRESS" run $ARGS --output "$TMP/plain.json" > /dev/null 2>&1
"$MOVESTRESS" compare "$TMP/plain.json" "$TMP/rep.json" > "$TMP/cmp.out" 2>&1 || { cat "$TMP/cmp.out"; fail "compare"; }
grep -q "hit the known kernel bug move-eexist x1" "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "compare: not counted"; }
echo "ok: --repeat=3 and compare count it"

# TAP: TODO, an expected failure for the parsers (a page populated in every mode)
"$MOVESTRESS" run --tap --mode=partitioned $ARGS --inject=eexist:$(hole_page) > "$TMP/kb.tap" 2>&1
rc=$?
[ $rc -eq 6 ] || { cat "$TMP/kb.tap"; fail "--tap: exit $rc, expected 6"; }
grep -qE '^not ok 1 mode=partitioned reclaim=none # TODO known kernel bug move-eexist x[0-9]+ ' "$TMP/kb.tap" ||
	{ cat "$TMP/kb.tap"; fail "--tap: no TODO point"; }
grep -qE '^# Totals: .* xfail:[1-9]' "$TMP/kb.tap" || fail "--tap: Totals xfail"
echo "ok: --tap TODO"

# bench counts it and completes
"$MOVESTRESS" bench --runtime=100ms --size=4M --inject=eexist:0 > "$TMP/bench.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/bench.out"; fail "bench exited $rc"; }
grep -qE '^[0-9]+ runs; known kernel bug in [1-9][0-9]* of them \(move-eexist x' "$TMP/bench.out" ||
	{ cat "$TMP/bench.out"; fail "bench: not counted"; }
echo "ok: bench: $(tail -1 "$TMP/bench.out")"
