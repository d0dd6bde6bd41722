#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The jank scenario on the running kernel: frames in both phases, the
# ratio line, a trace that parses with named tracks and proper nesting,
# the replay examples, bad replay files and frame periods (exit 2), and
# trace_marker lines in tracefs when tracefs is there.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
EXAMPLES="${srcdir:-.}/examples/replay"

run_ok jank --scenario=jank --runtime=3s --size=16M --checkpoint=1s --trace "$TMP/jank.trace.json"
if [ -s "$TMP/jank.json" ]; then
	grep -q "jank: ratio gc/baseline: p50 " "$TMP/jank.out" || fail "jank: no ratio line"
	grep -Eq "^  baseline +[1-9][0-9]* " "$TMP/jank.out" || fail "jank: no baseline frames"
	grep -Eq "^  gc +[1-9][0-9]* " "$TMP/jank.out" || fail "jank: no gc-phase frames"
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$TMP/jank.trace.json" "$TMP/jank.json" <<'EOF' || fail "jank: trace check"
import json, sys
tr = json.load(open(sys.argv[1]))
res = json.load(open(sys.argv[2]))
jank = res["results"][0]["jank"]
ev = tr["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
for want in ("ui/0", "gc/0", "gc/1", "handler/0", "sampler/0"):
    assert want in names.values(), "no track named " + want
last, stack, frames = {}, {}, 0
for e in ev:
    if e["ph"] == "M":
        continue
    t = e["tid"]
    assert t in names, "events on an unnamed tid %d" % t
    assert e["ts"] >= last.get(t, 0) - 0.002, "ts goes backwards on " + names[t]
    last[t] = e["ts"]
    st = stack.setdefault(t, [])
    while st and st[-1] <= e["ts"] + 0.002:
        st.pop()
    if e["ph"] == "X":
        end = e["ts"] + e["dur"]
        assert not st or end <= st[-1] + 0.002, "slice %s crosses its parent on %s" % (e["name"], names[t])
        st.append(end)
        if e["name"].startswith("frame") and names[t] == "ui/0":
            frames += 1
    else:
        assert e["ph"] in "iC", "unexpected phase " + e["ph"]
ph = jank["phases"]
want = ph["baseline"]["frames"] + ph["gc"]["frames"]
assert frames == want, "trace has %d frames, the result %d" % (frames, want)
assert any(e["name"] == "gc batch" for e in ev), "no gc batch slices"
assert any(e["ph"] == "C" and e["name"] == "moves/s" for e in ev), "no moves/s counter"
print("trace ok: %d events, %d frames, tracks %s" % (len(ev), frames, sorted(names.values())))
EOF
	fi
fi

# the two shipped replay files; a later option overrides the file's runtime
for f in "$EXAMPLES"/*.json; do
	n=$(basename "$f" .json)
	run_ok "replay-$n" --replay "$f" --runtime=2s --baseline-pct=40
done

# bad input: one line naming the field, exit 2
printf '{"frame_rate_hz": 60, "ui": {"work_ms": 2}, "gc": {"threads": 2, "bursts": [{"at_ms": 0, "pages": 0}]}}\n' > "$TMP/bad.json"
"$MOVESTRESS" run --replay "$TMP/bad.json" > "$TMP/bad.out" 2>&1
rc=$?
[ $rc -eq 2 ] || { cat "$TMP/bad.out"; fail "bad replay exited $rc, not 2"; }
[ "$(wc -l < "$TMP/bad.out")" -eq 1 ] || { cat "$TMP/bad.out"; fail "bad replay: not one line"; }
grep -q "gc.bursts\[0\].pages" "$TMP/bad.out" || { cat "$TMP/bad.out"; fail "bad replay: field not named"; }
echo "ok bad-replay: $(cat "$TMP/bad.out")"
"$MOVESTRESS" run --scenario=jank --frame-period=30fps > "$TMP/badp.out" 2>&1
rc=$?
[ $rc -eq 2 ] || { cat "$TMP/badp.out"; fail "bad --frame-period exited $rc, not 2"; }
"$MOVESTRESS" run --scenario=jank --gc-bursts=1s:10 > "$TMP/badb.out" 2>&1
rc=$?
[ $rc -eq 2 ] || { cat "$TMP/badb.out"; fail "bad --gc-bursts exited $rc, not 2"; }

# trace_marker: atrace lines from this run's pid in the ftrace buffer.  When
# tracefs is not mounted the run mounts it and unmounts it after; the ring
# buffer stays, and we read it through a private mount of our own.
if command -v python3 >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/tracing ] &&
   grep -qw tracefs /proc/filesystems; then
	# The top-level ftrace buffer is global: another tracer on the machine
	# may clear or overrun it between our run and our read; try twice.
	for attempt in 1 2; do
		run_ok marker --scenario=jank --runtime=1500ms --size=16M --baseline-pct=50 --gc-batch=4096 --trace-marker
		pid=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["jank"]["pid"])' \
			"$TMP/marker.json" 2>/dev/null)
		[ -n "$pid" ] || fail "marker: no pid in the result"
		status=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["jank"]["trace_marker"])' \
			"$TMP/marker.json")
		case $status in
		skipped:*) echo "skip marker: $status"; break ;;
		esac
		mkdir -p "$TMP/tracefs"
		mount -t tracefs nodev "$TMP/tracefs" || fail "marker: cannot mount tracefs to read the buffer"
		grep -q "tracing_mark_write: B|$pid|frame" "$TMP/tracefs/trace"; b=$?
		grep -q "tracing_mark_write: E|$pid" "$TMP/tracefs/trace"; e=$?
		on=$(cat "$TMP/tracefs/tracing_on")
		umount "$TMP/tracefs"
		if [ "$on" != 1 ]; then
			echo "skip marker: tracing is off (tracing_on=0): $status"
			break
		fi
		if [ $b -eq 0 ] && [ $e -eq 0 ]; then
			echo "ok marker: B|$pid|frame and E|$pid in the ftrace buffer ($status)"
			break
		fi
		[ $attempt -eq 2 ] && fail "marker: no B|$pid|frame / E|$pid line in the ftrace buffer ($status)"
		echo "marker: not in the buffer on attempt $attempt, trying again"
	done
else
	echo "skip marker: not root, or no tracefs in this kernel"
fi
exit 0
