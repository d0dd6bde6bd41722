#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The layer rule (HACKING.md): no upward include or call, no cycle between
# modules, no private header (*-int.h) from another folder; both the
# include graph of src/ and the link graph of libcore.a.  First the checker
# itself on a small tree that breaks each rule once.
check=${srcdir:-.}/scripts/check-layers
t=$(mktemp -d /tmp/layer-check.XXXXXX)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/core" "$t/engine" "$t/explore"
printf '#include "engine/engine-int.h"\n' > "$t/explore/x.c"
printf '/* private */\n' > "$t/engine/engine-int.h"
printf '#include "explore/x.h"\n' > "$t/engine/y.c"
printf '/* public */\n' > "$t/explore/x.h"
out=$(sh "$check" "$t" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 1 ] || { echo "FAIL: check-layers on a bad tree: exit $rc, expected 1"; exit 1; }
echo "$out" | grep -q '^private: explore/x -> engine/engine-int' || { echo "FAIL: private header not caught"; exit 1; }
echo "$out" | grep -q '^upward: engine/y -> explore/x' || { echo "FAIL: engine -> explore not caught"; exit 1; }
exec sh "$check" "${srcdir:-.}/src" libcore.a
