#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The layer rule (HACKING.md): no upward include or call, no cycle between
# modules; both the include graph of src/ and the link graph of libcore.a.
exec sh "${srcdir:-.}/scripts/check-layers" "${srcdir:-.}/src" libcore.a
