/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a watchdog reads of a stuck thread (engine/watchdog.c), for run's
 * watchdog and explore's alike.
 */
#ifndef MOVESTRESS_WATCHDOG_H
#define MOVESTRESS_WATCHDOG_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

/* /proc/self/task/TID/FILE into @buf ("unavailable: ..." if it cannot be read) */
void read_task_file(pid_t tid, const char *file, char *buf, size_t len);
/* {thread, tid, state, wchan, stack} of one thread, from /proc/self/task/TID */
json_t *task_state_json(const char *name, pid_t tid);

struct opts;
/*
 * A hang result @j whose stuck threads (@threads: task_state_json()s) match
 * a known kernel bug's hang on this kernel (known_bugs_match_hang()) is
 * that known bug: verdict known-kernel-bug, its known_bugs entry, exit 6
 * (4 with --known-bugs=fail).  Otherwise it stays a hang (a match on a
 * fixed kernel is a new finding).  Either way "hang_match" says why.
 * Returns the exit code, mapped (--exit-codes).
 */
int hang_verdict(json_t *j, json_t *threads, const struct opts *o);

#endif
