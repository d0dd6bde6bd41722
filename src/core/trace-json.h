/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace-json.h - Chrome trace-event JSON (what ui.perfetto.dev and
 * chrome://tracing open) and atrace-format trace_marker writes.
 *
 * Events are collected per thread in memory: each thread owns one
 * struct trace_buf, appends without locks or allocation (a full buffer
 * counts drops), and the whole trace is written at the end with jansson.
 * Event names and categories are pointers that must stay valid until the
 * trace is written (string literals, or strings owned by the run).
 */
#ifndef MOVESTRESS_TRACE_JSON_H
#define MOVESTRESS_TRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#define TRACE_MAX_ARGS 4

enum trace_ph {
	TRACE_SLICE = 'X',	/* complete event: ts + dur */
	TRACE_INSTANT = 'i',	/* thread-scoped instant */
	TRACE_COUNTER = 'C',	/* process counter: args are the series */
};

struct trace_arg {
	const char *key;	/* NULL = unused */
	int64_t val;
};

struct trace_event {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	uint64_t dur_ns;
	const char *name;
	const char *cat;
	uint8_t ph;
	struct trace_arg args[TRACE_MAX_ARGS];
};

struct trace_buf {
	char thread_name[16];
	pid_t tid;
	size_t n, cap;
	uint64_t dropped;
	struct trace_event *ev;
};

struct trace {
	unsigned nbufs;
	struct trace_buf *bufs;
};

/* @nbufs buffers of @cap events each (memory is touched only when used) */
struct trace *trace_new(unsigned nbufs, size_t cap);
void trace_free(struct trace *t);
/* called by the owning thread once it knows its name and tid */
void trace_buf_init(struct trace_buf *b, const char *thread_name, pid_t tid);

static inline struct trace_event *trace_next(struct trace_buf *b)
{
	if (!b || !b->ev)
		return NULL;
	if (b->n >= b->cap) {
		b->dropped++;
		return NULL;
	}
	return &b->ev[b->n++];
}

/* a complete slice [t0, t1) with up to TRACE_MAX_ARGS integer args (NULL-terminated pairs) */
void trace_slice(struct trace_buf *b, const char *cat, const char *name, uint64_t t0, uint64_t t1,
		 const struct trace_arg *args);
void trace_instant(struct trace_buf *b, const char *cat, const char *name, uint64_t t,
		   const struct trace_arg *args);
void trace_counter(struct trace_buf *b, const char *name, uint64_t t, const struct trace_arg *series);

/*
 * The whole trace: {"traceEvents":[...], "displayTimeUnit":"ms",
 * "otherData":{...}}.  process_name and thread_name metadata first, then
 * every event sorted by time (a parent slice before the slices it
 * contains).  Timestamps are microseconds since @t0_ns.
 */
json_t *trace_to_json(const struct trace *t, pid_t pid, const char *process_name, uint64_t t0_ns);
/* trace_to_json + write to @path; 0 or -errno */
int trace_write(const struct trace *t, pid_t pid, const char *process_name, uint64_t t0_ns,
		const char *path);

/*
 * Check a parsed trace's structure: every event has the fields its phase
 * needs with the right types; every tid that has events has a
 * thread_name; per tid, timestamps never go backwards, slices nest
 * properly (a slice that starts inside another ends inside it) and
 * every B has its E.  0, or -EINVAL with a one-line reason in @err.
 */
int trace_check(const json_t *root, char *err, size_t len);

/*
 * atrace-format markers in tracefs trace_marker ("B|pid|name", "E|pid"),
 * so a system trace taken with perfetto or trace-cmd shows the tool's
 * slices on the writing thread.  open: fd or -errno with @why.
 */
int trace_marker_open(char *path_out, size_t path_len, bool *mounted_out, char *why, size_t len);
void trace_marker_close(int fd, bool unmount);
void trace_marker_begin(int fd, pid_t pid, const char *name);
void trace_marker_end(int fd, pid_t pid);

#endif
