// SPDX-License-Identifier: GPL-2.0-only
/*
 * Chrome trace-event JSON writer and checker, and atrace trace_marker
 * writes.  Format: the "Trace Event Format" document (complete events
 * 'X' with ts/dur in microseconds, 'M' metadata thread_name and
 * process_name, 'C' counters, 'i' instants), which Perfetto's JSON
 * importer and chrome://tracing both read.
 */
#include "config.h"
#include "core/trace-json.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct trace *trace_new(unsigned nbufs, size_t cap)
{
	struct trace *t = calloc(1, sizeof(*t));
	unsigned i;

	if (!t)
		return NULL;
	t->nbufs = nbufs;
	t->bufs = calloc(nbufs ? nbufs : 1, sizeof(*t->bufs));
	if (!t->bufs)
		goto fail;
	for (i = 0; i < nbufs; i++) {
		t->bufs[i].cap = cap;
		t->bufs[i].ev = calloc(cap ? cap : 1, sizeof(struct trace_event));
		if (!t->bufs[i].ev)
			goto fail;
	}
	return t;
fail:
	trace_free(t);
	return NULL;
}

void trace_free(struct trace *t)
{
	unsigned i;

	if (!t)
		return;
	for (i = 0; t->bufs && i < t->nbufs; i++)
		free(t->bufs[i].ev);
	free(t->bufs);
	free(t);
}

void trace_buf_init(struct trace_buf *b, const char *thread_name, pid_t tid)
{
	if (!b)
		return;
	snprintf(b->thread_name, sizeof(b->thread_name), "%s", thread_name);
	b->tid = tid;
}

static void fill(struct trace_event *e, uint8_t ph, const char *cat, const char *name, uint64_t t0,
		 uint64_t dur, const struct trace_arg *args)
{
	unsigned i;

	e->ph = ph;
	e->cat = cat;
	e->name = name;
	e->ts_ns = t0;
	e->dur_ns = dur;
	/* @args ends at its first NULL key: never read past it */
	for (i = 0; i < TRACE_MAX_ARGS && args && args[i].key; i++)
		e->args[i] = args[i];
	for (; i < TRACE_MAX_ARGS; i++)
		e->args[i] = (struct trace_arg){ NULL, 0 };
}

void trace_slice(struct trace_buf *b, const char *cat, const char *name, uint64_t t0, uint64_t t1,
		 const struct trace_arg *args)
{
	struct trace_event *e = trace_next(b);

	if (e)
		fill(e, TRACE_SLICE, cat, name, t0, t1 > t0 ? t1 - t0 : 0, args);
}

void trace_instant(struct trace_buf *b, const char *cat, const char *name, uint64_t t,
		   const struct trace_arg *args)
{
	struct trace_event *e = trace_next(b);

	if (e)
		fill(e, TRACE_INSTANT, cat, name, t, 0, args);
}

void trace_counter(struct trace_buf *b, const char *name, uint64_t t, const struct trace_arg *series)
{
	struct trace_event *e = trace_next(b);

	if (e)
		fill(e, TRACE_COUNTER, "counter", name, t, 0, series);
}

/* ---- writer ---- */

struct ev_ref {
	const struct trace_event *e;
	pid_t tid;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct trace_event *x = ((const struct ev_ref *)a)->e, *y = ((const struct ev_ref *)b)->e;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	/* same start: the longer (enclosing) slice first */
	if (x->dur_ns != y->dur_ns)
		return x->dur_ns > y->dur_ns ? -1 : 1;
	return 0;
}

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static json_t *event_json(const struct trace_event *e, pid_t pid, pid_t tid, uint64_t t0)
{
	char ph[2] = { (char)e->ph, 0 };
	json_t *j, *args = json_object();
	unsigned i;

	for (i = 0; i < TRACE_MAX_ARGS && e->args[i].key; i++)
		json_object_set_new(args, e->args[i].key, json_integer((json_int_t)e->args[i].val));
	j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:f, s:o}", "name", e->name, "cat", e->cat ? e->cat : "",
		      "ph", ph, "pid", (int)pid, "tid", (int)tid,
		      "ts", us(e->ts_ns >= t0 ? e->ts_ns - t0 : 0), "args", args);
	if (!j)
		return NULL;
	if (e->ph == TRACE_SLICE)
		json_object_set_new(j, "dur", json_real(us(e->dur_ns)));
	else if (e->ph == TRACE_INSTANT)
		json_object_set_new(j, "s", json_string("t"));
	return j;
}

json_t *trace_to_json(const struct trace *t, pid_t pid, const char *process_name, uint64_t t0_ns)
{
	json_t *root, *evs = json_array(), *other = json_object();
	struct ev_ref *refs;
	size_t n = 0, k;
	uint64_t dropped = 0;
	unsigned i;

	for (i = 0; i < t->nbufs; i++)
		n += t->bufs[i].n;
	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs || !evs || !other) {
		free(refs);
		json_decref(evs);
		json_decref(other);
		return NULL;
	}
	json_array_append_new(evs, json_pack("{s:s, s:s, s:i, s:i, s:{s:s}}", "name", "process_name",
					     "ph", "M", "pid", (int)pid, "tid", (int)pid,
					     "args", "name", process_name));
	for (i = 0, n = 0; i < t->nbufs; i++) {
		const struct trace_buf *b = &t->bufs[i];

		if (!b->tid)
			continue;
		json_array_append_new(evs, json_pack("{s:s, s:s, s:i, s:i, s:{s:s}}", "name", "thread_name",
						     "ph", "M", "pid", (int)pid, "tid", (int)b->tid,
						     "args", "name", b->thread_name));
		json_array_append_new(evs, json_pack("{s:s, s:s, s:i, s:i, s:{s:i}}", "name",
						     "thread_sort_index", "ph", "M", "pid", (int)pid,
						     "tid", (int)b->tid, "args", "sort_index", (int)i));
		for (k = 0; k < b->n; k++)
			refs[n++] = (struct ev_ref){ &b->ev[k], b->tid };
		dropped += b->dropped;
	}
	qsort(refs, n, sizeof(*refs), ev_cmp);
	for (k = 0; k < n; k++)
		json_array_append_new(evs, event_json(refs[k].e, pid, refs[k].tid, t0_ns));
	free(refs);
	json_object_set_new(other, "events", json_integer((json_int_t)n));
	json_object_set_new(other, "dropped_events", json_integer((json_int_t)dropped));
	json_object_set_new(other, "clock", json_string("CLOCK_MONOTONIC, ts in us since run start"));
	root = json_pack("{s:o, s:s, s:o}", "traceEvents", evs, "displayTimeUnit", "ms", "otherData", other);
	return root;
}

int trace_write(const struct trace *t, pid_t pid, const char *process_name, uint64_t t0_ns,
		const char *path)
{
	json_t *j = trace_to_json(t, pid, process_name, t0_ns);
	int ret;

	if (!j)
		return -ENOMEM;
	ret = json_dump_file(j, path, JSON_COMPACT) ? -EIO : 0;
	json_decref(j);
	return ret;
}

/* ---- checker ---- */

#define CHECK_MAX_TIDS	256
#define CHECK_MAX_DEPTH	64
#define EPS_US		0.002

struct tid_state {
	json_int_t tid;
	bool named;
	bool has_events;
	double last_ts;
	unsigned depth;
	double end[CHECK_MAX_DEPTH];	/* open slices: end time, or -1 for an open B */
};

static struct tid_state *tid_get(struct tid_state *st, unsigned *n, json_int_t tid)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		if (st[i].tid == tid)
			return &st[i];
	if (*n >= CHECK_MAX_TIDS)
		return NULL;
	st[*n] = (struct tid_state){ .tid = tid, .last_ts = -INFINITY };
	return &st[(*n)++];
}

#define FAIL(...) do { snprintf(err, len, __VA_ARGS__); ret = -EINVAL; goto out; } while (0)

int trace_check(const json_t *root, char *err, size_t len)
{
	const json_t *evs = json_is_array(root) ? root : json_object_get(root, "traceEvents");
	struct tid_state *st = calloc(CHECK_MAX_TIDS, sizeof(*st)), *s;
	unsigned ntids = 0, i;
	size_t k;
	const json_t *e;
	int ret = 0;

	if (!st) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	if (!json_is_array(evs))
		FAIL("no traceEvents array");
	json_array_foreach(evs, k, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const json_t *ts = json_object_get(e, "ts"), *dur = json_object_get(e, "dur");
		const json_t *tid = json_object_get(e, "tid");
		double t, d;

		if (!json_is_object(e))
			FAIL("event %zu: not an object", k);
		if (!ph || strlen(ph) != 1)
			FAIL("event %zu: missing or bad \"ph\"", k);
		if (!json_is_string(json_object_get(e, "name")))
			FAIL("event %zu: missing \"name\"", k);
		if (!json_is_integer(json_object_get(e, "pid")) || !json_is_integer(tid))
			FAIL("event %zu: missing integer \"pid\"/\"tid\"", k);
		s = tid_get(st, &ntids, json_integer_value(tid));
		if (!s)
			FAIL("event %zu: more than %d threads", k, CHECK_MAX_TIDS);
		if (*ph == 'M') {
			const json_t *a = json_object_get(e, "args");

			if (!json_is_object(a))
				FAIL("event %zu: metadata without args", k);
			if (!strcmp(json_string_value(json_object_get(e, "name")), "thread_name")) {
				if (!json_is_string(json_object_get(a, "name")) ||
				    !json_string_length(json_object_get(a, "name")))
					FAIL("event %zu: thread_name without a name", k);
				s->named = true;
			}
			continue;
		}
		if (!strchr("XBEiIC", *ph))
			FAIL("event %zu: unexpected phase '%s'", k, ph);
		if (!json_is_number(ts) || json_number_value(ts) < 0)
			FAIL("event %zu: missing or negative \"ts\"", k);
		t = json_number_value(ts);
		if (t + EPS_US < s->last_ts)
			FAIL("tid %lld: timestamp goes backwards at event %zu (%.3f after %.3f)",
			     (long long)s->tid, k, t, s->last_ts);
		s->last_ts = t;
		s->has_events = true;
		if (*ph == 'C') {
			if (!json_is_object(json_object_get(e, "args")))
				FAIL("event %zu: counter without args", k);
			continue;
		}
		/* close the X slices that ended before this event */
		while (s->depth && s->end[s->depth - 1] >= 0 && s->end[s->depth - 1] <= t + EPS_US)
			s->depth--;
		switch (*ph) {
		case 'X':
			if (!json_is_number(dur) || json_number_value(dur) < 0)
				FAIL("event %zu: X without a non-negative \"dur\"", k);
			d = json_number_value(dur);
			if (s->depth && s->end[s->depth - 1] >= 0 && t + d > s->end[s->depth - 1] + EPS_US)
				FAIL("tid %lld: slice \"%s\" at %.3f overlaps the end of its parent (%.3f > %.3f)",
				     (long long)s->tid, json_string_value(json_object_get(e, "name")), t,
				     t + d, s->end[s->depth - 1]);
			if (s->depth >= CHECK_MAX_DEPTH)
				FAIL("tid %lld: slices nested deeper than %d", (long long)s->tid, CHECK_MAX_DEPTH);
			s->end[s->depth++] = t + d;
			break;
		case 'B':
			if (s->depth >= CHECK_MAX_DEPTH)
				FAIL("tid %lld: slices nested deeper than %d", (long long)s->tid, CHECK_MAX_DEPTH);
			s->end[s->depth++] = -1;
			break;
		case 'E':
			if (!s->depth || s->end[s->depth - 1] >= 0)
				FAIL("tid %lld: E at %.3f without its B (or inside an unfinished X)",
				     (long long)s->tid, t);
			s->depth--;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < ntids; i++) {
		while (st[i].depth && st[i].end[st[i].depth - 1] >= 0)
			st[i].depth--;
		if (st[i].depth)
			FAIL("tid %lld: %u B event(s) without their E", (long long)st[i].tid, st[i].depth);
		if (st[i].has_events && !st[i].named)
			FAIL("tid %lld: events but no thread_name metadata", (long long)st[i].tid);
	}
out:
	free(st);
	return ret;
}

/* ---- trace_marker ---- */

static const char *const marker_paths[] = {
	"/sys/kernel/tracing/trace_marker",
	"/sys/kernel/debug/tracing/trace_marker",
	NULL,
};

int trace_marker_open(char *path_out, size_t path_len, bool *mounted_out, char *why, size_t len)
{
	const char *const *p;
	int fd, err = ENOENT;

	*mounted_out = false;
	for (p = marker_paths; *p; p++) {
		fd = open(*p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			snprintf(path_out, path_len, "%s", *p);
			return fd;
		}
		if (errno != ENOENT)
			err = errno;
	}
	/* tracefs not mounted: mount it where the kernel provides the mount point, and undo later */
	if (err == ENOENT && !access("/sys/kernel/tracing", F_OK)) {
		if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
			snprintf(why, len, "tracefs is not mounted and mounting it failed: %s", strerror(errno));
			return -errno;
		}
		fd = open(marker_paths[0], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			*mounted_out = true;
			snprintf(path_out, path_len, "%s", marker_paths[0]);
			return fd;
		}
		err = errno;
		umount("/sys/kernel/tracing");
	}
	snprintf(why, len, "cannot open trace_marker (%s or %s): %s", marker_paths[0], marker_paths[1],
		 strerror(err));
	return -err;
}

void trace_marker_close(int fd, bool unmount)
{
	if (fd >= 0)
		close(fd);
	if (unmount)
		umount("/sys/kernel/tracing");
}

void trace_marker_begin(int fd, pid_t pid, const char *name)
{
	char buf[128];
	int n;

	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "B|%d|%s", (int)pid, name);
	if (write(fd, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		return;	/* best effort: a full or disabled ring buffer is not our failure */
}

void trace_marker_end(int fd, pid_t pid)
{
	char buf[32];
	int n;

	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "E|%d", (int)pid);
	if (write(fd, buf, (size_t)n) < 0)
		return;
}
