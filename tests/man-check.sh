#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# man/movestress.1 is generated from man/movestress.1.in and the option
# table.  Fail when it is out of date (regenerate: make update-man), when
# an option or a command of --help is missing from it, or when groff warns.
srcdir=${srcdir:-.}
MOVESTRESS=${MOVESTRESS:-./movestress}
MAN=$srcdir/man/movestress.1
TMP=$(mktemp -d /tmp/movestress-man.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$MOVESTRESS" man "$srcdir/man/movestress.1.in" > "$TMP/movestress.1" || fail "movestress man failed"
if ! diff -u "$MAN" "$TMP/movestress.1" > "$TMP/diff"; then
	head -40 "$TMP/diff"
	fail "man/movestress.1 is out of date: run 'make update-man' in the build directory"
fi
echo "ok: man/movestress.1 matches the option table"

"$MOVESTRESS" --help > "$TMP/help" || fail "--help"
n=0
for opt in $(sed -n 's/^  --\([a-z0-9-]*\).*/\1/p' "$TMP/help"); do
	esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	grep -q "^\\\\fB\\\\-\\\\-$esc\\\\fR" "$MAN" || fail "--$opt is not in the man page"
	n=$((n + 1))
done
[ $n -gt 10 ] || fail "only $n options found in --help"
echo "ok: all $n options of --help are in the man page"
for cmd in $(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$TMP/help"); do
	grep -q "^\\.B $cmd\$" "$MAN" || fail "command '$cmd' has no entry under COMMANDS"
done
echo "ok: every command of --help is documented"
# a name each command means its own way: COMMAND --help shows its row
"$MOVESTRESS" explore --help | grep -q '^  --ops=NAME:W,\.\.\. ' || fail "explore --help lacks --ops=NAME:W,..."
"$MOVESTRESS" run --help | grep -q '^  --ops=N ' || fail "run --help lacks --ops=N"
! "$MOVESTRESS" run --help | grep -q -e '--ops=NAME' -e '--verifiers' || fail "run --help shows explore's options"
grep -q '^\\fB\\-\\-ops\\fR=\\fINAME:W,\.\.\.\\fR' "$MAN" && grep -q '^\\fB\\-\\-ops\\fR=\\fIN\\fR' "$MAN" ||
	fail "the man page lacks explore's --ops=NAME:W,... or run's --ops=N"
echo "ok: --ops: explore --help, run --help and the man page each show their own"
for code in 0 1 2 3 4 5 77; do
	grep -q "^\\.B $code\$" "$MAN" || fail "exit code $code is not documented"
done
echo "ok: exit codes documented"
if command -v groff > /dev/null; then
	groff -man -ww -z "$MAN" > "$TMP/groff" 2>&1
	[ ! -s "$TMP/groff" ] || { cat "$TMP/groff"; fail "groff warnings"; }
	echo "ok: groff -man -ww renders it without warnings"
fi
