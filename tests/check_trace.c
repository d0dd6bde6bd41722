// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_trace.c - the Chrome/Perfetto trace writer, parsed back: events
 * well-formed, every thread named, per-thread slices properly nested,
 * timestamps monotonic; and the checker rejects traces that are not.
 * Also the jank scenario's option parsers (--frame-period, --gc-bursts)
 * and replay files (good examples load, bad ones name the field).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/jank.h"
#include "engine/modes.h"
#include "scenarios/mode-table.h"
#include "cli/options.h"
#include "core/run.h"
#include "core/trace-json.h"
#include "check_main.h"

#ifndef EXAMPLES_DIR
#define EXAMPLES_DIR "examples/replay"
#endif

static const struct trace_arg no_args[] = { { NULL, 0 } };

/* a trace shaped like a jank run: frames with nested slices, batches, counters */
static struct trace *sample_trace(void)
{
	struct trace *t = trace_new(3, 64);
	uint64_t t0 = 1000000000ULL, f;

	ck_assert_ptr_nonnull(t);
	trace_buf_init(&t->bufs[0], "ui/0", 101);
	trace_buf_init(&t->bufs[1], "gc/0", 102);
	trace_buf_init(&t->bufs[2], "sampler/0", 103);
	for (f = 0; f < 5; f++) {
		uint64_t v = t0 + f * 16666667ULL;

		/* children first, as the UI thread records them, parent at the end */
		trace_slice(&t->bufs[0], "ui", "touch", v + 10000, v + 200000,
			    (const struct trace_arg[]){ { "faults", 3 }, { NULL, 0 } });
		trace_slice(&t->bufs[0], "ui", "ui move", v + 200000, v + 300000, no_args);
		trace_slice(&t->bufs[0], "frame", f == 3 ? "frame (missed)" : "frame", v,
			    v + (f == 3 ? 20000000ULL : 2000000ULL),
			    (const struct trace_arg[]){ { "faults", 3 }, { "moves", 1 }, { "d_state_us", 0 },
			    { "missed", f == 3 } });
		if (f == 3)
			trace_instant(&t->bufs[0], "frame", "deadline missed", v + 16666667ULL, NULL);
		trace_slice(&t->bufs[1], "gc", "gc batch", v + 5000000, v + 9000000,
			    (const struct trace_arg[]){ { "pages", 64 }, { "ioctls", 64 }, { NULL, 0 } });
		trace_counter(&t->bufs[2], "moves/s", v + 100, (const struct trace_arg[]){
			{ "gc", 1000 + (int64_t)f }, { "handler", 10 }, { NULL, 0 } });
	}
	trace_slice(&t->bufs[2], "dstate", "D: move_pages", t0 + 3 * 16666667ULL + 1000000,
		    t0 + 3 * 16666667ULL + 4000000, no_args);
	return t;
}

START_TEST(test_roundtrip_structure)
{
	struct trace *t = sample_trace();
	char path[] = "/tmp/check_trace.XXXXXX", err[256] = "";
	json_error_t jerr;
	json_t *root, *evs, *e;
	size_t i, names = 0, slices = 0, missed = 0, counters = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(trace_write(t, 4242, "movestress jank", 1000000000ULL, path), 0);
	root = json_load_file(path, 0, &jerr);
	unlink(path);
	ck_assert_msg(root != NULL, "trace does not parse: %s", jerr.text);
	ck_assert_msg(trace_check(root, err, sizeof(err)) == 0, "trace_check: %s", err);
	evs = json_object_get(root, "traceEvents");
	ck_assert(json_is_array(evs));
	ck_assert_str_eq(json_string_value(json_object_get(root, "displayTimeUnit")), "ms");
	json_array_foreach(evs, i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));

		ck_assert_int_eq(json_integer_value(json_object_get(e, "pid")), 4242);
		if (!strcmp(ph, "M") && !strcmp(name, "thread_name")) {
			const char *tn = json_string_value(json_object_get(json_object_get(e, "args"), "name"));
			json_int_t tid = json_integer_value(json_object_get(e, "tid"));

			ck_assert(tid == 101 || tid == 102 || tid == 103);
			ck_assert_str_eq(tn, tid == 101 ? "ui/0" : tid == 102 ? "gc/0" : "sampler/0");
			names++;
		}
		if (!strcmp(ph, "X")) {
			slices++;
			ck_assert(json_is_number(json_object_get(e, "dur")));
			if (!strcmp(name, "frame (missed)")) {
				missed++;
				ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(e, "args"),
										  "missed")), 1);
				/* 20 ms in microseconds */
				ck_assert(json_number_value(json_object_get(e, "dur")) > 19999.0);
			}
		}
		if (!strcmp(ph, "C")) {
			counters++;
			ck_assert(json_is_integer(json_object_get(json_object_get(e, "args"), "gc")));
		}
	}
	ck_assert_uint_eq(names, 3);
	ck_assert_uint_eq(slices, 5 * 4 + 1);
	ck_assert_uint_eq(missed, 1);
	ck_assert_uint_eq(counters, 5);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "otherData"),
							    "dropped_events")), 0);
	json_decref(root);
	trace_free(t);
}
END_TEST

/* a parent recorded after its children still comes first, and the first frame starts at ts 0 */
START_TEST(test_sorted_parent_first)
{
	struct trace *t = sample_trace();
	json_t *root = trace_to_json(t, 1, "p", 1000000000ULL), *evs, *e;
	double last = -1;
	size_t i;
	bool saw_frame = false;

	ck_assert_ptr_nonnull(root);
	evs = json_object_get(root, "traceEvents");
	json_array_foreach(evs, i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "ph")), "M"))
			continue;
		if (json_integer_value(json_object_get(e, "tid")) != 101)
			continue;
		ck_assert(json_number_value(json_object_get(e, "ts")) >= last);
		last = json_number_value(json_object_get(e, "ts"));
		if (!saw_frame) {
			/* the first UI event is the first frame, not its first child */
			ck_assert_str_eq(json_string_value(json_object_get(e, "name")), "frame");
			ck_assert(json_number_value(json_object_get(e, "ts")) == 0.0);
			saw_frame = true;
		}
	}
	ck_assert(saw_frame);
	json_decref(root);
	trace_free(t);
}
END_TEST

START_TEST(test_bounded_drops)
{
	struct trace *t = trace_new(1, 4);
	json_t *root;
	int i;

	trace_buf_init(&t->bufs[0], "gc/0", 7);
	for (i = 0; i < 10; i++)
		trace_slice(&t->bufs[0], "gc", "gc batch", 1000 * i, 1000 * i + 500, NULL);
	ck_assert_uint_eq(t->bufs[0].n, 4);
	ck_assert_uint_eq(t->bufs[0].dropped, 6);
	root = trace_to_json(t, 1, "p", 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "otherData"),
							    "dropped_events")), 6);
	json_decref(root);
	trace_free(t);
	/* no buffer: every call is a no-op */
	trace_slice(NULL, "x", "y", 0, 1, NULL);
}
END_TEST

static int check_str(const char *text, char *err, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	int ret;

	ck_assert_msg(root != NULL, "test JSON does not parse: %s", jerr.text);
	ret = trace_check(root, err, len);
	json_decref(root);
	return ret;
}

#define NAMED "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":2,\"args\":{\"name\":\"ui/0\"}}"

START_TEST(test_checker_rejects)
{
	static const struct {
		const char *json;
		const char *why;	/* expected substring of the error */
	} bad[] = {
		{ "{}", "traceEvents" },
		{ "{\"traceEvents\":[{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":1}]}",
		  "thread_name" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":5,\"dur\":1},"
		  "{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":2,\"ts\":4,\"dur\":1}]}", "backwards" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":10},"
		  "{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":2,\"ts\":5,\"dur\":10}]}", "overlaps" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"B\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0}]}",
		  "without their E" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"E\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0}]}",
		  "without its B" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0}]}", "dur" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":1}]}", "name" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"ts\":0,\"dur\":1}]}", "tid" },
		{ "{\"traceEvents\":[" NAMED ",{\"ph\":\"Q\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0}]}", "phase" },
		{ "{\"traceEvents\":[{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":2,\"args\":{\"name\":\"\"}}]}",
		  "without a name" },
	};
	static const char *const good[] = {
		"{\"traceEvents\":[]}",
		"{\"traceEvents\":[" NAMED ",{\"ph\":\"B\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0},"
		"{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":2,\"ts\":1,\"dur\":2},"
		"{\"ph\":\"E\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":5}]}",
		"{\"traceEvents\":[" NAMED ",{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":10},"
		"{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":10},"
		"{\"ph\":\"X\",\"name\":\"c\",\"pid\":1,\"tid\":2,\"ts\":10,\"dur\":3}]}",
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(check_str(bad[i].json, err, sizeof(err)) == -EINVAL, "bad trace %zu accepted", i);
		ck_assert_msg(strstr(err, bad[i].why), "bad trace %zu: error '%s' lacks '%s'", i, err, bad[i].why);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(check_str(good[i], err, sizeof(err)) == 0, "good trace %zu rejected: %s", i, err);
}
END_TEST

START_TEST(test_frame_period)
{
	uint64_t ns;

	ck_assert_int_eq(jank_parse_period("60hz", &ns), 0);
	ck_assert_uint_eq(ns, 16666667);
	ck_assert_int_eq(jank_parse_period("90hz", &ns), 0);
	ck_assert_uint_eq(ns, 11111111);
	ck_assert_int_eq(jank_parse_period("120HZ", &ns), 0);
	ck_assert_uint_eq(ns, 8333333);
	ck_assert_int_eq(jank_parse_period("16.67ms", &ns), 0);
	ck_assert_uint_eq(ns, 16670000);
	ck_assert_int_eq(jank_parse_period("100us", &ns), -EINVAL);
	ck_assert_int_eq(jank_parse_period("2s", &ns), -EINVAL);
	ck_assert_int_eq(jank_parse_period("30fps", &ns), -EINVAL);
}
END_TEST

START_TEST(test_bursts)
{
	struct jank_burst b[JANK_MAX_BURSTS];
	char err[200];

	ck_assert_int_eq(jank_parse_bursts("", b, JANK_MAX_BURSTS, err, sizeof(err)), 0);
	ck_assert_int_eq(jank_parse_bursts("500ms:8192:2:1s,3s:100:1", b, JANK_MAX_BURSTS, err, sizeof(err)), 2);
	ck_assert_uint_eq(b[0].at_ns, 500000000ULL);
	ck_assert_uint_eq(b[0].pages, 8192);
	ck_assert_uint_eq(b[0].threads, 2);
	ck_assert_uint_eq(b[0].every_ns, 1000000000ULL);
	ck_assert_uint_eq(b[1].at_ns, 3000000000ULL);
	ck_assert_uint_eq(b[1].every_ns, 0);
	ck_assert_int_eq(jank_parse_bursts("500ms:0:2", b, JANK_MAX_BURSTS, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(jank_parse_bursts("500ms:10", b, JANK_MAX_BURSTS, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(jank_parse_bursts("soon:10:1", b, JANK_MAX_BURSTS, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "AT"));
	ck_assert_int_eq(jank_parse_bursts("1s:10:1:10us", b, JANK_MAX_BURSTS, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(jank_parse_bursts("1s:10:1:1s:5", b, JANK_MAX_BURSTS, err, sizeof(err)), -EINVAL);
}
END_TEST

static int load_text(struct opts *o, const char *text, char *err, size_t len)
{
	char path[] = "/tmp/check_replay.XXXXXX";
	int fd = mkstemp(path), ret;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ret = jank_replay_load(o, path, err, len);
	unlink(path);
	return ret;
}

START_TEST(test_replay_examples)
{
	static const char *const files[] = { "seed002-ui-jank.json", "gc-bursts-90hz.json" };
	char path[512], err[400];
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		opts_defaults(&o);
		snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, files[i]);
		ck_assert_msg(jank_replay_load(&o, path, err, sizeof(err)) == 0, "%s: %s", files[i], err);
		ck_assert_str_eq(o.mode, "jank");
		ck_assert(o.frame_period_ns > 1000000);
		ck_assert(o.movers >= 1);
	}
}
END_TEST

START_TEST(test_replay_errors)
{
	static const struct {
		const char *json;
		const char *field;	/* must appear in the one-line error */
	} bad[] = {
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2},\"colour\":1}", "'colour'" },
		{ "{\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2}}", "frame_period_ms" },
		{ "{\"frame_period_ms\":16.67,\"frame_rate_hz\":60,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2}}",
		  "frame_period_ms" },
		{ "{\"frame_period_ms\":16.67,\"gc\":{\"threads\":2}}", "'ui'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":20},\"gc\":{\"threads\":2}}", "'ui.work_ms'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":\"2\"},\"gc\":{\"threads\":2}}", "'ui.work_ms'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":0}}", "'gc.threads'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2,\"bursts\":"
		  "[{\"at_ms\":0,\"pages\":10},{\"at_ms\":5,\"pages\":10,\"threads\":3}]}}", "'gc.bursts[1].threads'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2,\"bursts\":"
		  "[{\"at_ms\":0,\"pages\":-4}]}}", "'gc.bursts[0].pages'" },
		{ "{\"frame_period_ms\":16.67,\"runtime_s\":4,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2,\"bursts\":"
		  "[{\"at_ms\":9000,\"pages\":10}]}}", "'gc.bursts[0].at_ms'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2,\"sched\":\"rt\"}}",
		  "'gc.sched'" },
		{ "{\"frame_period_ms\":16.67,\"ui\":{\"work_ms\":2},\"gc\":{\"threads\":2},\"reclaim\":\"bogus\"}",
		  "'reclaim'" },
		{ "{\"frame_period_ms\":16.67,\"heap_mib\":4,\"ui\":{\"work_ms\":2,\"pages\":1024},\"gc\":{\"threads\":2}}",
		  "'ui.pages'" },
		{ "{\"frame_period_ms\":16.67,", "line" },
	};
	char err[400];
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		opts_defaults(&o);
		err[0] = '\0';
		ck_assert_msg(load_text(&o, bad[i].json, err, sizeof(err)) == -EINVAL, "bad replay %zu accepted", i);
		ck_assert_msg(strstr(err, bad[i].field), "bad replay %zu: '%s' does not name %s", i, err, bad[i].field);
		ck_assert_msg(!strchr(err, '\n'), "bad replay %zu: error is not one line", i);
		/* nothing applied on error */
		ck_assert_str_ne(o.mode, "jank");
	}
	opts_defaults(&o);
	ck_assert_int_eq(load_text(&o, "{\"frame_rate_hz\":120,\"runtime_s\":5,\"ui\":{\"work_ms\":1,\"touches\":8},"
				   "\"gc\":{\"threads\":3,\"bursts\":[{\"at_ms\":100,\"pages\":300,\"every_ms\":500}]}}",
				   err, sizeof(err)), 0);
	ck_assert_uint_eq(o.frame_period_ns, 8333333);
	ck_assert_uint_eq(o.movers, 3);
	ck_assert_uint_eq(o.ui_touches, 8);
	ck_assert_uint_eq(o.runtime_ns, 5000000000ULL);
	ck_assert_str_eq(o.gc_bursts, "100.000ms:300:3:500.000ms");
}
END_TEST

/* buffers for threads that are not workers (reclaim backends), and setup/teardown */
START_TEST(test_register_other_threads)
{
	char path[] = "/tmp/check_trace_reg.XXXXXX", why[256] = "";
	struct opts o;
	struct run r = { 0 };
	struct trace_buf *b;
	unsigned n = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	opts_defaults(&o);
	ck_assert_int_eq(opts_set(&o, "scenario", "jank"), 0);
	snprintf(o.trace, sizeof(o.trace), "%s", path);
	r.o = &o;
	r.mode = mode_find("partitioned");
	ck_assert_ptr_null(jank_trace_register(&r, "pageout/0", 1));	/* not a jank run */
	r.mode = mode_find("jank");
	ck_assert_ptr_nonnull(r.mode);
	r.npages = 4096;
	r.nworkers = 5;
	r.nmovers = 2;
	ck_assert_msg(jank_setup(&r, why, sizeof(why)) == 0, "jank_setup: %s", why);
	while ((b = jank_trace_register(&r, "pageout/0", 900 + n))) {
		trace_slice(b, "reclaim", "pageout", 1000, 2000, NULL);
		ck_assert_uint_eq(b->n, 1);
		ck_assert_int_eq(b->tid, 900 + n);
		n++;
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 1000);
	jank_teardown(&r);
	ck_assert_ptr_null(r.mode_priv);
	unlink(path);
}
END_TEST

CHECK_MAIN("trace", test_roundtrip_structure, test_sorted_parent_first, test_bounded_drops,
	   test_checker_rejects, test_frame_period, test_bursts, test_replay_examples,
	   test_replay_errors, test_register_other_threads)
