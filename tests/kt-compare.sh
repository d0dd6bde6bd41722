#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End to end on this kernel: run --repeat, --output-format, --status-interval
# and --status-file, then compare (every format, --plot) and its refusal of
# results with another schema version.
. "${srcdir:-.}/tests/kt-lib.sh"
require_move
ARGS="--runtime=300ms --size=8M --hang-timeout=30s"

# --repeat with json on stdout: one document, a trial per run, fresh seeds
"$MOVESTRESS" run $ARGS --repeat=2 --movers=1 --label=one --output-format=json > "$TMP/one.json" 2> "$TMP/one.err"
rc=$?
[ $rc -eq 77 ] && { echo "SKIP: $(cat "$TMP/one.json")"; exit 77; }
[ $rc -eq 0 ] || { cat "$TMP/one.err"; fail "run --repeat=2 exited $rc"; }
head -c1 "$TMP/one.json" | grep -q '{' || fail "--output-format=json: stdout is not the JSON result"
grep -q '"trial": 2' "$TMP/one.json" || fail "no second trial in the result"
seeds=$(grep '^      "seed":' "$TMP/one.json" | sort -u | wc -l)
[ "$seeds" -eq 2 ] || fail "trials did not get fresh seeds ($seeds distinct)"
grep -q '"bins"' "$TMP/one.json" && fail "json (not json+) has bins"
[ -s "$TMP/one.err" ] && { cat "$TMP/one.err"; fail "progress on a non-terminal stderr without --status-interval"; }
echo "ok: --repeat=2 --output-format=json: 2 trials, 2 seeds, quiet stderr"

# a fixed seed is kept, json+ carries the bins, status lines and JSON Lines
"$MOVESTRESS" run $ARGS --repeat=2 --seed=42 --label=two --output-format=normal,json+ \
	--status-interval=100ms --status-file="$TMP/status.jsonl" --output "$TMP/two.json" \
	> "$TMP/two.out" 2> "$TMP/two.err" || { cat "$TMP/two.out" "$TMP/two.err"; fail "second run"; }
[ "$(grep -c '^      "seed": 42,' "$TMP/two.json")" -eq 2 ] || fail "--seed not kept across trials"
grep -q '"bins"' "$TMP/two.json" || fail "json+ without bins"
grep -q '^trial 2/2$' "$TMP/two.out" || fail "no trial header in the summary"
grep -q '^trials: 2; moves/s' "$TMP/two.out" || fail "no trials summary line"
grep -qE '^trial 2/2 +0\.[0-9]s elapsed, .* ops/s, .* retries, reclaim scanned .* health ok$' "$TMP/two.err" \
	|| { cat "$TMP/two.err"; fail "no progress lines with --status-interval"; }
lines=$(wc -l < "$TMP/status.jsonl")
[ "$lines" -ge 4 ] || fail "only $lines status snapshots"
bad=$(grep -cvE '^\{"trial": [12], "elapsed_ns": [0-9]+, .*"ops": [0-9]+, .*"final": (true|false)\}$' "$TMP/status.jsonl")
[ "$bad" -eq 0 ] || { cat "$TMP/status.jsonl"; fail "$bad malformed JSON Lines"; }
[ "$(grep -c '"final": true' "$TMP/status.jsonl")" -eq 2 ] || fail "not one final snapshot per trial"
echo "ok: --seed kept, json+ bins, $lines status snapshots, progress lines"

# compare: every format, and the plots
"$MOVESTRESS" compare "$TMP/one.json" "$TMP/two.json" --plot "$TMP/plots" > "$TMP/cmp.txt" 2> "$TMP/cmp.err" \
	|| { cat "$TMP/cmp.txt" "$TMP/cmp.err"; fail "compare"; }
grep -q "Welch's t-test" "$TMP/cmp.txt" || fail "the table does not name its test"
grep -qE '^moves/s \(pages\) +[0-9]+ \( *\+0\.00%\)' "$TMP/cmp.txt" || { cat "$TMP/cmp.txt"; fail "no moves/s row"; }
grep -q "movers: 1 | 2" "$TMP/cmp.txt" || fail "option difference not noted"
for f in cdf-move-clat_ns.svg tail-move-clat_ns.svg scaling-movers.svg; do
	grep -q '</svg>' "$TMP/plots/$f" || fail "plot $f missing or truncated"
done
"$MOVESTRESS" compare "$TMP/one.json" "$TMP/two.json" --format=markdown | grep -q '^| metric | one | two |$' \
	|| fail "markdown header"
"$MOVESTRESS" compare "$TMP/one.json" "$TMP/two.json" --format csv | head -1 | \
	grep -qx 'side,metric,unit,run,n,mean,stddev,delta_pct,significant' || fail "csv header"
"$MOVESTRESS" compare "$TMP/one.json" "$TMP/two.json" --format=json | grep -q '"name": "welch-t"' || fail "json format"
echo "ok: compare text/markdown/csv/json and $(ls "$TMP/plots" | wc -l) plots"

# refusals: another schema version, not a result, no files
sed 's/^  "schema_version": [0-9]*/  "schema_version": 999/' "$TMP/two.json" > "$TMP/v999.json"
"$MOVESTRESS" compare "$TMP/one.json" "$TMP/v999.json" > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] || fail "compare of schema versions 1 and 999 did not exit 2"
grep -q "schema_version" "$TMP/err" || fail "refusal does not say why"
echo '{"hello": 1}' > "$TMP/junk.json"
"$MOVESTRESS" compare "$TMP/junk.json" > /dev/null 2>&1
[ $? -eq 2 ] || fail "compare of a non-result did not exit 2"
"$MOVESTRESS" compare > /dev/null 2>&1
[ $? -eq 2 ] || fail "compare without files did not exit 2"
echo "ok: compare refuses other schema versions and non-results"
