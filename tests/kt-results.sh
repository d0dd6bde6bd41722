#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The result file on every path.  --output only ever replaces a regular
# file: a device node, FIFO, symlink or directory is refused with one line
# before the run starts (and left as it was); a full filesystem (ENOSPC)
# leaves no .tmp behind.  A skipped run (77) and an environment error (5)
# still write a result that says which and why.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
ARGS="--runtime=300ms --size=8M"

# refused before the run: one line, exit 2, the target untouched
refused() {
	what=$1 target=$2
	start=$(date +%s%N)
	"$MOVESTRESS" run $ARGS --output "$target" > "$TMP/ref.out" 2> "$TMP/ref.err"
	rc=$?
	[ $rc -eq 2 ] || { cat "$TMP/ref.out" "$TMP/ref.err"; fail "--output=$what: exit $rc, expected 2"; }
	[ "$(wc -l < "$TMP/ref.err")" -eq 1 ] || { cat "$TMP/ref.err"; fail "--output=$what: not one line"; }
	grep -q "^movestress: --output: .*$what" "$TMP/ref.err" || { cat "$TMP/ref.err"; fail "--output=$what: message"; }
	grep -q "^movestress 0" "$TMP/ref.out" && fail "--output=$what: the run started"
	[ ! -e "$target.tmp" ] || fail "--output=$what: $target.tmp left"
	echo "ok refused: $(cat "$TMP/ref.err")"
}
refused "character device" /dev/null
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
refused "character device" /dev/full
[ -c /dev/full ] || fail "/dev/full is no longer a character device"
mkfifo "$TMP/fifo"
refused FIFO "$TMP/fifo"
[ -p "$TMP/fifo" ] || fail "the FIFO was replaced"
ln -s "$TMP/elsewhere.json" "$TMP/link.json"
refused "symbolic link" "$TMP/link.json"
[ -L "$TMP/link.json" ] && [ ! -e "$TMP/elsewhere.json" ] || fail "the symlink was replaced or followed"
refused directory "$TMP"
refused "No such file or directory" "$TMP/no/such/dir/r.json"

# a full filesystem: the run's result cannot be written, nothing is left behind
if [ "$(id -u)" -eq 0 ] && mkdir "$TMP/full" && mount -t tmpfs -o size=64k movestress-test "$TMP/full" 2>/dev/null; then
	dd if=/dev/zero of="$TMP/full/fill" bs=4k count=64 2>/dev/null
	"$MOVESTRESS" run $ARGS --output "$TMP/full/r.json" > "$TMP/full.out" 2>&1
	rc=$?
	ls -la "$TMP/full" > "$TMP/full.ls"
	umount "$TMP/full"
	[ $rc -eq 5 ] || { cat "$TMP/full.out" "$TMP/full.ls"; fail "ENOSPC: exit $rc, expected 5"; }
	grep -q "cannot write .*No space left on device" "$TMP/full.out" || { cat "$TMP/full.out"; fail "ENOSPC: message"; }
	grep -q "r.json" "$TMP/full.ls" && { cat "$TMP/full.ls"; fail "ENOSPC: r.json or r.json.tmp left"; }
	echo "ok ENOSPC: exit 5, nothing left"
else
	echo "skip ENOSPC: cannot mount a small tmpfs here"
fi

# environment error (5): the regions cannot be mapped under a small address-space limit
# (not under ASan/TSan: their shadow memory needs terabytes of address space)
if [ -n "$ASAN_OPTIONS$TSAN_OPTIONS" ]; then
	echo "skip the environment-error check: sanitizer build"
else
(ulimit -v 400000 && exec "$MOVESTRESS" run --size=1G --runtime=1s --output "$TMP/env.json") > "$TMP/env.out" 2>&1
rc=$?
[ $rc -eq 5 ] || { cat "$TMP/env.out"; fail "ulimit -v: exit $rc, expected 5"; }
python3 - "$TMP/env.json" <<'EOF2' || fail "environment error: result"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "environment-error" and d["exit_code"] == 5, d.get("verdict")
assert "Cannot allocate memory" in d["reason"], d["reason"]
assert d["options"]["size"] == 1 << 30 and d["environment"], list(d)
print("ok environment error: %s" % d["reason"])
EOF2
fi

# skipped (77): a feature this host lacks, if there is one
if "$MOVESTRESS" run $ARGS --lru-gen=on --output "$TMP/skip.json" > "$TMP/skip.out" 2>&1; then :; fi
if grep -q "^skipped: " "$TMP/skip.out"; then
	python3 - "$TMP/skip.json" <<'EOF2' || fail "skipped: result"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "skip" and d["exit_code"] == 77 and d["skipped"] == d["reason"] and d["reason"], d
assert d["options"]["lru-gen"] == "on" and d["environment"], list(d)
print("ok skipped: %s" % d["reason"])
EOF2
else
	echo "skip the skipped-run check: this kernel has the multi-gen LRU"
fi

# which kernel ran: $MOVESTRESS_KERNEL_ID (vm-check's kernel.json in the
# guest) goes into every result as environment.kernel_build: run, explore
# (which has no other environment block), and a file it cannot read says so
printf '{"schema": 1, "id": "kt-results/none/kasan/x86_64"}\n' > "$TMP/kernel.json"
MOVESTRESS_KERNEL_ID=$TMP/kernel.json "$MOVESTRESS" run $ARGS --output "$TMP/kb-run.json" > /dev/null 2>&1
MOVESTRESS_KERNEL_ID=$TMP/kernel.json "$MOVESTRESS" explore --runtime=300ms --size=2M --movers=1 \
	--ops=move:1 --output "$TMP/kb-explore.json" > /dev/null 2>&1
MOVESTRESS_KERNEL_ID=$TMP/nope.json "$MOVESTRESS" run $ARGS --output "$TMP/kb-nope.json" > /dev/null 2>&1
"$MOVESTRESS" run $ARGS --output "$TMP/kb-none.json" > /dev/null 2>&1
python3 - "$TMP" <<'EOF2' || fail "environment.kernel_build"
import json, sys
d = sys.argv[1]
want = {"schema": 1, "id": "kt-results/none/kasan/x86_64"}
for n in ("run", "explore"):
    r = json.load(open("%s/kb-%s.json" % (d, n)))
    assert r["environment"]["kernel_build"] == want, (n, r.get("environment"))
r = json.load(open("%s/kb-nope.json" % d))
assert "error" in r["environment"]["kernel_build"], r["environment"]["kernel_build"]
r = json.load(open("%s/kb-none.json" % d))
assert "kernel_build" not in r["environment"], list(r["environment"])
print("ok kernel_build: in run and explore results; unreadable: %s" % r.get("verdict"))
EOF2
