/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jank scenario (--scenario=jank, --mode=jank): a UI thread on a frame
 * clock against GC movers compacting the same source VMA, with reclaim and
 * CPU hogs beside them; frame statistics against a baseline phase without
 * GC, a Perfetto trace, trace_marker writes, and --replay of a field
 * trace's shape (docs/replay.md).
 */
#ifndef MOVESTRESS_JANK_H
#define MOVESTRESS_JANK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "scenarios/jank-burst.h"

struct opts;
struct run;

/* the mode's hooks (rows of mode_table[], scenarios/mode-table.c) */
void *jank_gc_mover(void *worker);
unsigned jank_nextra(const struct opts *o);
void *jank_extra(void *worker);
int jank_setup(struct run *r, char *why, size_t len);
void jank_report(struct run *r, json_t *mode_result, FILE *f);
void jank_teardown(struct run *r);

/*
 * A trace buffer for a thread that is not one of the run's workers (a
 * reclaim backend's thread), or NULL when this run writes no trace (not
 * jank mode, no --trace, or all TRACE_OTHER_THREADS buffers taken).  Call
 * once from that thread; then trace_slice(buf, "reclaim", "pageout", t0,
 * t1, args) per op (no locks; NULL buf is a no-op).  The trace is written
 * in the mode's report, after the pressure side has stopped.  jank_setup()
 * hands it to the pressure layer as r->trace_thread.
 */
struct trace_buf;
struct trace_buf *jank_trace_register(struct run *r, const char *thread_name, pid_t tid);

/* --frame-period: "60hz"|"90hz"|"120hz" or a duration; 0 or -EINVAL */
int jank_parse_period(const char *s, uint64_t *ns);

/* --gc-bursts AT:PAGES:THREADS[:EVERY],...; returns the count or -EINVAL with @err */
int jank_parse_bursts(const char *spec, struct jank_burst *b, unsigned max, char *err, size_t len);

/*
 * Read a replay file (docs/replay.md) and set the options it implies
 * through @set (opts_set), as if given on the command line.  0, or -EINVAL
 * with a one-line reason naming the field in @err.
 */
typedef int (*jank_opt_setter)(struct opts *o, const char *name, const char *val);
int jank_replay_read(struct opts *o, const char *path, jank_opt_setter set, char *err, size_t len);

#endif
