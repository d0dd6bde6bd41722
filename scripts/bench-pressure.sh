#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The cost of reclaim on MOVE, per pressure backend: each run measures MOVE
# without pressure (the warm-up) and with it (the rest), so every row is
# one run.  Prints a table: MOVE p50/p99/max and moves/s without and with
# the backend, the fraction of moving pages the backend reached, lock
# waits under pressure, and the run's verdict.
#
# usage: scripts/bench-pressure.sh [MOVESTRESS] [extra run options...]
#   BENCH_RUNTIME (default 8s), BENCH_SIZE (64M), BENCH_MOVERS (4),
#   BENCH_BACKENDS (default: none memcg pageout cold damon page_idle)
set -u
MS=${1:-./movestress}
[ $# -gt 0 ] && shift
RUNTIME=${BENCH_RUNTIME:-8s}
SIZE=${BENCH_SIZE:-64M}
MOVERS=${BENCH_MOVERS:-4}
BACKENDS=${BENCH_BACKENDS:-none memcg pageout cold damon page_idle}
OUT=$(mktemp -d /tmp/movestress-bench-pressure.XXXXXX)

command -v python3 > /dev/null || { echo "bench-pressure: needs python3 to read the results"; exit 77; }

for b in $BACKENDS; do
	reclaim=$b
	[ "$b" = cold ] && reclaim=memcg,cold	# MADV_COLD matters once reclaim runs
	"$MS" run --mode=partitioned --movers="$MOVERS" --size="$SIZE" --runtime="$RUNTIME" \
		--reclaim="$reclaim" --swap=auto --quiet --output="$OUT/$b.json" "$@" > "$OUT/$b.out" 2>&1
	echo "$?" > "$OUT/$b.rc"
done

# shellcheck disable=SC2086
python3 - "$OUT" $BACKENDS <<'EOF'
import json, os, sys
out, backends = sys.argv[1], sys.argv[2:]
def us(ns): return "%.1f" % (ns / 1000.0)
hdr = ("backend", "p50 us", "p99 us", "max us", "moves/s", "p50 us", "p99 us", "max us", "moves/s",
       "p99 x", "reached", "lock cont", "wait ms", "wait max ms", "verdict")
print("%-10s | %-33s | %-33s | %-6s | %-8s | %-30s | %s" % ("", "MOVE without pressure", "MOVE with pressure",
      "", "", "lock waits under pressure", ""))
print("%-10s | %7s %7s %9s %8s | %7s %7s %9s %8s | %6s | %8s | %9s %9s %10s | %s" % hdr)
for b in backends:
    rc = open(os.path.join(out, b + ".rc")).read().strip()
    try:
        r = json.load(open(os.path.join(out, b + ".json")))
    except Exception:
        line = open(os.path.join(out, b + ".out")).read().strip().splitlines()
        print("%-10s | %s" % (b, (line[-1] if line else "no result") + " (exit %s)" % rc))
        continue
    m = r["results"][0]
    p = m.get("pressure")
    if not p or "phases" not in p or "move_pressure" not in p.get("phases", {}):
        mv = m["move"]
        c = mv["clat_ns"]
        print("%-10s | %7s %7s %9s %8.0f | %33s | %6s | %8s | %30s | %s" % (b, us(c["percentile"]["50.000000"]),
              us(c["percentile"]["99.000000"]), us(c["max"]), mv["ops_per_sec"], "(no pressure phase)", "", "",
              "", r["verdict"]))
        continue
    ph = p["phases"]
    a, w = ph["move_no_pressure"], ph["move_pressure"]
    reached = [x["reached"]["fraction"] for x in p["backends"] if "reached" in x]
    lk = p.get("locks", {})
    tp = lk.get("total_pressure")
    lock = ("%9d %9.2f %10.2f" % (tp["contended"], tp["wait_total_ns"] / 1e6, tp["wait_max_ns"] / 1e6)) if tp \
        else "%30s" % ("n/a: " + lk.get("unavailable", "?"))[:30]
    print("%-10s | %7s %7s %9s %8.0f | %7s %7s %9s %8.0f | %6.2f | %7.1f%% | %s | %s" % (
        b, us(a["p50_ns"]), us(a["p99_ns"]), us(a["max_ns"]), a["moves_per_sec"],
        us(w["p50_ns"]), us(w["p99_ns"]), us(w["max_ns"]), w["moves_per_sec"],
        ph["ratio_pressure_over_none"]["p99"], 100 * max(reached) if reached else 0.0, lock, r["verdict"]))
print("\nresults in %s" % out)
EOF
