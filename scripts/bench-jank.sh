#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Jank benchmark: the UI thread's frame times with GC movers off (the
# baseline phase) and on, in one run per configuration, printed side by
# side with their ratios.  Figures, not pass/fail.
#
# usage: scripts/bench-jank.sh [MOVESTRESS]
#   RUNTIME=20s     run length per configuration (the first 25% is the baseline)
#   TRIALS=1        runs per configuration; with more, a median ratio line
#                   (a run's maximum is one frame: repeat before trusting it)
#   CONFIGS="..."   configurations, NAME=ARGS separated by ';'
#   OUT=DIR         keep the JSON results (and traces) there
set -u
MOVESTRESS=${1:-${MOVESTRESS:-./movestress}}
RUNTIME=${RUNTIME:-20s}
TRIALS=${TRIALS:-1}
CONFIGS=${CONFIGS:-"gc-only=--hogs=0 --reclaim=none;gc+hogs=--hogs=2 --reclaim=none;gc+memcg+hogs=--hogs=2 --reclaim=memcg"}
OUT=${OUT:-$(mktemp -d /tmp/bench-jank.XXXXXX)}
mkdir -p "$OUT"
command -v python3 >/dev/null 2>&1 || { echo "bench-jank: needs python3 to read the results"; exit 77; }

echo "bench-jank: $("$MOVESTRESS" --version), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), runtime $RUNTIME x $TRIALS per configuration"
echo "bench-jank: results in $OUT"
status=0
IFS_SAVE=$IFS
IFS=';'
for cfg in $CONFIGS; do
	IFS=$IFS_SAVE
	name=${cfg%%=*}
	args=${cfg#*=}
	results=
	t=1
	while [ "$t" -le "$TRIALS" ]; do
		tag=$name.$t
		# shellcheck disable=SC2086 # ARGS is a list of options
		"$MOVESTRESS" run --scenario=jank --runtime="$RUNTIME" $args --quiet \
			--output "$OUT/$tag.json" --trace "$OUT/$tag.trace.json" > "$OUT/$tag.log" 2>&1
		rc=$?
		case $rc in
		0) ;;
		77) echo "$tag: skipped: $(grep -m1 skipped "$OUT/$tag.log")" ;;
		*) echo "$tag: exit $rc (figures are still measured; see $OUT/$tag.log)"; status=1 ;;
		esac
		[ -s "$OUT/$tag.json" ] && results="$results $OUT/$tag.json"
		t=$((t + 1))
	done
	if [ -n "$results" ]; then
		# shellcheck disable=SC2086 # one argument per result file
		python3 - "$name" "$args" $results <<'PYEOF'
import json, statistics, sys
name, args, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
def ms(ns):
    return "%8.2f" % (ns / 1e6)
def pct(h, p):
    return h["percentile"].get("%.6f" % p, 0)
def ratio(a, b):
    return (a / b) if b else (None if not a else float("inf"))
def fr(x):
    return "n/a" if x is None else ("inf" if x == float("inf") else "x%.2f" % x)
allr = []
for i, path in enumerate(paths):
    res = json.load(open(path))
    j = res["results"][0]["jank"]
    rows = []
    for p in ("baseline", "gc"):
        x = j["phases"][p]
        h = x["frame_ns"]
        lf = x.get("longest_fault_wait", {})
        ld = x.get("longest_d_state", {})
        d, fw = ld.get("d_state_ns", 0), lf.get("fault_wait_ns", 0)
        rows.append((x["frames"], pct(h, 50), pct(h, 99), h["max"], x["missed_rate"] * 100, d, fw,
                     (lf.get("wait") if fw > d else ld.get("wait")) or "-"))
    if i == 0:
        print("\n== %s (%s): ui %s, gc x%d %s" % (name, args, j["ui_sched"], j["gc_threads"], j["gc_sched"]))
        print("  %-12s %6s %9s %9s %9s %8s %10s %11s  %s" % ("GC", "frames", "p50 ms", "p99 ms", "max ms",
              "missed", "longest D", "fault wait", "waiting in"))
    tag = " #%d" % (i + 1) if len(paths) > 1 else ""
    for lab, r in zip(("off", "on"), rows):
        print("  %-12s %6d %s  %s  %s %7.2f%% %s ms %8s ms  %s" % (lab + tag, r[0], ms(r[1]), ms(r[2]),
              ms(r[3]), r[4], ms(r[5]), ms(r[6]).strip(), r[7]))
    b, g = rows
    rr = [ratio(g[k], b[k]) for k in range(1, 7)]
    allr.append(rr)
    print("  %-12s %6s %9s %9s %9s %8s %10s %11s   verdict %s" % (("on/off" + tag, "") +
          tuple(fr(x) for x in rr) + (res["verdict"],)))
if len(allr) > 1:
    med = []
    for k in range(6):
        v = [r[k] for r in allr if r[k] is not None]
        med.append(statistics.median(v) if v else None)
    print("  %-12s %6s %9s %9s %9s %8s %10s %11s" % (("median", "") + tuple(fr(x) for x in med)))
PYEOF
	fi
	IFS=';'
done
IFS=$IFS_SAVE
exit $status
