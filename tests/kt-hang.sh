#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The watchdog: mover/0 blocks in a userfaultfd fault nobody resolves
# (--inject=hang:PAGE); the run must end with the hang code (4), naming
# the stuck thread and its kernel stack or wchan, instead of hanging.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
# which kernel ran: the file $MOVESTRESS_KERNEL_ID names (vm-check's kernel.json) goes into the result
printf '{"schema": 1, "id": "kt-hang/none/kasan/x86_64"}\n' > "$TMP/kernel.json"
MOVESTRESS_KERNEL_ID=$TMP/kernel.json timeout 60 "$MOVESTRESS" run --mode=partitioned --movers=1 --size=8M \
	--runtime=60s --hang-timeout=2s --inject=hang:5 --output "$TMP/hang.json" > "$TMP/out" 2>&1
rc=$?
[ $rc -eq 4 ] || { cat "$TMP/out"; fail "exit $rc, expected 4 (hang)"; }
grep -q "watchdog: no progress" "$TMP/out" || fail "no watchdog message"
grep -q '"verdict": "hang"' "$TMP/hang.json" || fail "JSON verdict is not hang"
grep -q '"thread": "mover/0"' "$TMP/hang.json" || fail "stuck thread not named"
grep -q 'handle_userfault' "$TMP/hang.json" || fail "no handle_userfault in the stack/wchan"
echo "ok: watchdog caught the hang: $(grep -m1 wchan "$TMP/hang.json")"
# the hang result is a whole result: options, environment, what each thread had done
python3 - "$TMP/hang.json" <<'EOF2' || fail "hang result incomplete"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit_code"] == 4 and d["reason"].startswith("no thread made progress"), d.get("reason")
assert d["options"]["inject"] == "hang:5" and d["environment"]["uname"], list(d)
r = d["results"][0]
assert r["partial"] and r["mode"] == "partitioned" and r["threads"][0]["name"] == "mover/0", r
print("ok: hang result: %s; %d thread(s)" % (d["reason"], len(r["threads"])))
# a fault nobody resolves is no known kernel bug's hang: it stays a hang, and says why
assert d["hang_match"] == "no known kernel bug's hang signature in the stacks", d.get("hang_match")
assert d["verdict"] == "hang" and "known_bugs" not in d, d["verdict"]
assert d["environment"]["kernel_build"] == {"schema": 1, "id": "kt-hang/none/kasan/x86_64"}, d["environment"]
print("ok: hang_match: %s; kernel_build %s" % (d["hang_match"], d["environment"]["kernel_build"]["id"]))
EOF2
# the watchdog's exit goes through --exit-codes like every other path: kselftest
# reads 4 as SKIP, a hang is a failure (1) there
timeout 60 "$MOVESTRESS" run --mode=partitioned --movers=1 --size=8M --runtime=60s \
	--hang-timeout=2s --inject=hang:5 --exit-codes=kselftest > "$TMP/out2" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/out2"; fail "--exit-codes=kselftest: hang exited $rc, expected 1"; }
echo "ok: hang with --exit-codes=kselftest exits 1"
