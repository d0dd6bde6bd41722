#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bad input: one line naming the option and the allowed values, exit 2,
# before anything is mapped or changed (so it is quick).
. "${srcdir:-.}/tests/kt-lib.sh"
check_bad() {
	expect=$1; shift
	"$MOVESTRESS" "$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	[ $rc -eq 2 ] || fail "$*: exit $rc, expected 2"
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "$*: not one line"; }
	grep -q -- "$expect" "$TMP/err" || { cat "$TMP/err"; fail "$*: message lacks '$expect'"; }
	echo "ok: $* -> $(cat "$TMP/err")"
}
check_bad "allowed values are" run --mode=nope
check_bad "--movers" run --movers=0
check_bad "--movers" run --movers=-1
check_bad "--runtime" run --runtime=3fortnights
check_bad "did you mean --movers" run --mover=2
check_bad "--size" run --size=1000G
check_bad "--inject" run --inject=melt:3
check_bad "allowed values are" frobnicate
check_bad "missing FILE" classify
# issue 13 (defect 9): each of these was accepted, wrapped, ignored or ran
check_bad "numbers cannot be negative" run --inject=corrupt:-1
check_bad "--gc-bursts: invalid value '100ms:-1:2'" run --scenario=jank --gc-bursts=100ms:-1:2
check_bad "not an option of run" run --plot=DIR
check_bad "not an option of list" list --quiet
check_bad "unexpected argument 'extra'" list extra
check_bad "unexpected argument 'b'" classify a b
check_bad "compare: missing FILE..." compare
echo '{"schema_version": 999, "results": [{"move": {"pages_per_sec": 1}}]}' > "$TMP/v999.json"
check_bad "schema_version 999 is not one this movestress reads (allowed: 1..1)" compare "$TMP/v999.json"
check_bad "--plot: cannot create directory" compare "$TMP/v999.json" --plot=/nonexistent/plots
check_bad "--output: not with --tap" run --tap --output="$TMP/tap.json"
check_bad "--gc-batch: a jank option: only with --mode=jank" run --tap --gc-batch=32
check_bad "--gc-batch: a jank option" run --mode=contended --gc-batch=32
check_bad "--status-file: cannot write /nonexistent/x" run --status-file=/nonexistent/x
check_bad "--output: empty value: expected FILE" run --output=
check_bad "--trace: cannot write /nonexistent/t.json" run --scenario=jank --trace=/nonexistent/t.json
"$MOVESTRESS" --help | grep -q "77 *skipped" || fail "--help lacks the exit codes"
echo "ok: --help documents exit codes"
