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
"$MOVESTRESS" --help | grep -q "77 *skipped" || fail "--help lacks the exit codes"
echo "ok: --help documents exit codes"
