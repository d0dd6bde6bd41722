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

# known_kernel_bug FILE.json: true when the run failed with exactly the
# signature of the host-kernel MOVE bug this tool found: a MOVE reported
# success but the page (or its swap entry) stayed where it was.  It shows
# as "misplaced" pages in the oracle, EEXIST on the next MOVE of the page,
# and, in swapped mode, as ledger/page-table mismatches where pagemap finds
# the page present or swapped at the other place (the handler then moves it
# back, so the oracle may pass); see scripts/repro-move-pageout.c.  Any
# other failure is not excused, and MOVESTRESS_STRICT=1 excuses nothing.
known_kernel_bug() {
	[ "${MOVESTRESS_STRICT:-0}" = 1 ] && return 1
	python3 - "$1" <<'EOF2'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(1)
ok = d.get("verdict") == "failure"
seen = False
for res in d.get("results", []):
    o = res.get("oracle", {})
    kinds = {k for k, v in o.get("by_kind", {}).items() if v}
    errs = {f["errno"] for f in res.get("move", {}).get("failure_detail", [])}
    # the swapped-mode handler's finding: the page is at the other place
    # (pagemap bit 63 present = 2, bit 62 swapped = 1)
    for f in res.get("handler", {}).get("failure_detail", []):
        if f.get("op") == "ledger/page-table mismatch" and f.get("ret") in (1, 2):
            errs.add("stayed")
        else:
            errs.add("other")
    for k, v in res.items():
        if k not in ("move", "handler") and isinstance(v, dict) and v.get("failure_detail"):
            errs.add("other")
    if not kinds and not errs:
        continue
    seen = True
    ok = ok and kinds <= {"misplaced"} and errs <= {"EEXIST", "stayed"}
ok = ok and seen and not d.get("health", {}).get("kmsg", {}).get("reports")
if ok:
    print("KNOWN-KERNEL-BUG: MOVE reported success but left the page in place "
          "(misplaced pages, EEXIST on the next move); set MOVESTRESS_STRICT=1 to fail on it")
sys.exit(0 if ok else 1)
EOF2
}

# run_ok NAME ARGS...: the run must pass; returns 0 when it did, 77 when it
# was skipped or ended on the known kernel bug (nothing more to check then)
run_ok() {
	name=$1; shift
	"$MOVESTRESS" run "$@" --output "$TMP/$name.json" > "$TMP/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "skip $name: $(grep skipped "$TMP/$name.out")"
		return 77
	fi
	if [ $rc -eq 1 ] && known_kernel_bug "$TMP/$name.json"; then
		echo "ok $name: kernel bug reproduced, see above"
		return 77
	fi
	[ $rc -eq 0 ] || { cat "$TMP/$name.out"; fail "$name exited $rc"; }
	grep -q "oracle: PASS" "$TMP/$name.out" || { cat "$TMP/$name.out"; fail "$name: no oracle PASS"; }
	echo "ok $name: $(grep -E '^  move:' "$TMP/$name.out")"
}
