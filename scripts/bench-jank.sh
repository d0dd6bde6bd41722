#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Jank benchmark: the UI thread's frame times with GC movers off (the
# baseline phase) and on, in one run per configuration, printed side by
# side with their ratios.  Figures, not pass/fail.
#
# usage: scripts/bench-jank.sh [MOVESTRESS]
#   RUNTIME=20s     run length per configuration (the first 25% is the baseline)
#   CONFIGS="..."   configurations, NAME=ARGS separated by ';'
#   OUT=DIR         keep the JSON results (and traces) there
set -u
MOVESTRESS=${1:-${MOVESTRESS:-./movestress}}
RUNTIME=${RUNTIME:-20s}
CONFIGS=${CONFIGS:-"gc-only=--hogs=0 --reclaim=none;gc+hogs=--hogs=2 --reclaim=none;gc+memcg+hogs=--hogs=2 --reclaim=memcg"}
OUT=${OUT:-$(mktemp -d /tmp/bench-jank.XXXXXX)}
mkdir -p "$OUT"
command -v python3 >/dev/null 2>&1 || { echo "bench-jank: needs python3 to read the results"; exit 77; }

echo "bench-jank: $("$MOVESTRESS" --version), kernel $(uname -r), $(nproc) CPUs, runtime $RUNTIME per configuration"
echo "bench-jank: results in $OUT"
status=0
IFS_SAVE=$IFS
IFS=';'
for cfg in $CONFIGS; do
	IFS=$IFS_SAVE
	name=${cfg%%=*}
	args=${cfg#*=}
	# shellcheck disable=SC2086 # ARGS is a list of options
	"$MOVESTRESS" run --scenario=jank --runtime="$RUNTIME" $args --quiet \
		--output "$OUT/$name.json" --trace "$OUT/$name.trace.json" > "$OUT/$name.log" 2>&1
	rc=$?
	case $rc in
	0) ;;
	77) echo "$name: skipped: $(grep -m1 skipped "$OUT/$name.log")"; continue ;;
	*) echo "$name: exit $rc (figures below are still measured; see $OUT/$name.log)"; status=1 ;;
	esac
	[ -s "$OUT/$name.json" ] || { echo "$name: no result"; cat "$OUT/$name.log"; continue; }
	python3 - "$name" "$args" "$OUT/$name.json" <<'EOF'
import json, sys
name, args, path = sys.argv[1:4]
res = json.load(open(path))
j = res["results"][0]["jank"]
ph = j["phases"]
def ms(ns):
    return "%8.2f" % (ns / 1e6)
def pct(h, p):
    return h["percentile"].get("%.6f" % p, 0)
def ratio(a, b):
    return ("x%.2f" % (a / b)) if b else ("n/a" if not a else "inf")
rows = []
for p in ("baseline", "gc"):
    x = ph[p]
    h = x["frame_ns"]
    lf = x.get("longest_fault_wait", {})
    ld = x.get("longest_d_state", {})
    rows.append((p, x["frames"], pct(h, 50), pct(h, 99), h["max"], x["missed_rate"] * 100,
                 ld.get("d_state_ns", 0), lf.get("fault_wait_ns", 0),
                 lf.get("wait") if lf.get("fault_wait_ns", 0) > ld.get("d_state_ns", 0) else ld.get("wait", "-")))
print("\n== %s (%s): ui %s, gc x%d %s, verdict %s" % (name, args, j["ui_sched"], j["gc_threads"],
      j["gc_sched"], res["verdict"]))
print("  %-9s %6s %9s %9s %9s %8s %10s %11s  %s" % ("GC", "frames", "p50 ms", "p99 ms", "max ms",
      "missed", "longest D", "fault wait", "waiting in"))
for r in rows:
    print("  %-9s %6d %s  %s  %s %7.2f%% %s ms %8s ms  %s" % ("off" if r[0] == "baseline" else "on", r[1],
          ms(r[2]), ms(r[3]), ms(r[4]), r[5], ms(r[6]), ms(r[7]).strip(), r[8]))
b, g = rows
print("  %-9s %6s %9s %9s %9s %8s %10s %11s" % ("on/off", "", ratio(g[2], b[2]), ratio(g[3], b[3]),
      ratio(g[4], b[4]), ratio(g[5], b[5]), ratio(g[6], b[6]), ratio(g[7], b[7])))
EOF
	IFS=';'
done
IFS=$IFS_SAVE
exit $status
