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

#endif
