/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run --tap: kselftest-style TAP 13.  One test point per mode (times each
 * --reclaim backend), each run in a child process whose output becomes
 * "# " diagnostics; unsupported ones are "ok N ... # SKIP reason".
 */
#ifndef MOVESTRESS_TAP_H
#define MOVESTRESS_TAP_H

struct opts;

/* a movestress exit code: FAILURE if any point failed, SKIP if all skipped */
int tap_main(struct opts *o);

#endif
