# SPDX-License-Identifier: GPL-2.0-only
# Shared by kt-pressure.sh and kt-cleanup.sh.

# Every change the run recorded (its "system_changes", or a state file's
# "entries") must be undone: checked one by one, so that other runs on the
# same host do not disturb the check.
verify_restored() {
	python3 - "$1" <<'EOF2'
import json, os, sys
d = json.load(open(sys.argv[1]))
if "entries" in d:
    ents = d["entries"]
else:
    ents = d["results"][0].get("pressure", {}).get("system_changes", [])
swaps = open("/proc/swaps").read().split()
mounts = [l.split()[1] for l in open("/proc/mounts")]
bad = []
for e in ents:
    if not e:
        continue
    k, a = e["kind"], e["args"]
    if k == "swapon" and a["path"] in swaps: bad.append("swap %s still on" % a["path"])
    if k == "zram" and a.get("id", -1) >= 0 and os.path.exists("/sys/block/zram%d" % a["id"]):
        bad.append("zram%d still there" % a["id"])
    if k in ("cgroup", "dir", "tracefs_instance") and os.path.isdir(a["path"]): bad.append("%s still there" % a["path"])
    if k == "file" and os.path.exists(a["path"]): bad.append("%s still there" % a["path"])
    if k == "mount" and a["path"] in mounts: bad.append("%s still mounted" % a["path"])
    # a change shared with other runs (the swap, task_delayacct): our
    # reference dropped, and the record gone unless live runs still use it
    # (the device name alone may be another run's by now: zram numbers are
    # reused)
    if k == "shared":
        rec = os.path.join(os.environ.get("MOVESTRESS_STATE_DIR", "/run/movestress"), "shared-%s.json" % a["name"])
        try:
            refs = json.load(open(rec))["refs"]
        except (OSError, ValueError, KeyError):
            refs = None
        if refs is not None:
            mine = [r for r in refs if r["pid"] == a["pid"] and r["starttime"] == a["starttime"]]
            live = [r for r in refs if os.path.exists("/proc/%d" % r["pid"]) and r not in mine]
            if mine:
                bad.append("shared %s: the run's reference is still there" % a["name"])
            elif not live:
                bad.append("shared %s: nobody uses it, yet it is not undone" % a["name"])
            else:
                print("note: shared %s still used by run(s) %s" % (a["name"], " ".join(str(r["pid"]) for r in live)))
    if k == "damon" and open(a["nr_path"]).read().strip() != a["nr_old"]: bad.append("DAMON nr_kdamonds not restored")
    if k == "value" and os.environ.get("CHECK_VALUES", "1") == "1" and open(a["path"]).read().strip() != a["old"]:
        bad.append("%s = %s, was %s" % (a["path"], open(a["path"]).read().strip(), a["old"]))
print("%d change(s) recorded: %s" % (len([e for e in ents if e]), ", ".join(sorted({e["kind"] for e in ents if e}))))
for b in bad: print("NOT RESTORED: " + b)
sys.exit(1 if bad else 0)
EOF2
}

