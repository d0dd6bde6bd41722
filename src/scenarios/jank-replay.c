// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay files (docs/replay.md): the shape of a field trace (frame period,
 * UI work, GC threads and bursts) turned into the jank scenario's options.
 * The options are set through the caller's setter (the option table's
 * opts_set), as if given on the command line.
 */
#include "config.h"
#include "scenarios/jank.h"
#include "core/opts.h"
#include "pressure/pressure.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

enum rtype { R_NUM, R_UINT, R_STR, R_OBJ, R_ARR };

struct rfield {
	const char *name;
	enum rtype type;
	bool required;
	double min, max;
};

static const struct rfield top_fields[] = {
	{ "description", R_STR, false, 0, 0 },
	{ "source", R_STR, false, 0, 0 },
	{ "frame_period_ms", R_NUM, false, 1, 1000 },
	{ "frame_rate_hz", R_NUM, false, 1, 1000 },
	{ "runtime_s", R_NUM, false, 0.01, 7 * 86400 },
	{ "baseline_pct", R_UINT, false, 0, 90 },
	{ "heap_mib", R_UINT, false, 2, 65536 },
	{ "hogs", R_UINT, false, 0, 256 },
	{ "reclaim", R_STR, false, 0, 0 },
	{ "ui", R_OBJ, true, 0, 0 },
	{ "gc", R_OBJ, true, 0, 0 },
	{ NULL },
};

static const struct rfield ui_fields[] = {
	{ "work_ms", R_NUM, true, 0, 10000 },
	{ "touches", R_UINT, false, 0, 4096 },
	{ "moves", R_UINT, false, 0, 4096 },
	{ "pages", R_UINT, false, 16, 1 << 24 },
	{ NULL },
};

static const struct rfield gc_fields[] = {
	{ "threads", R_UINT, true, 1, 1024 },
	{ "sched", R_STR, false, 0, 0 },
	{ "batch_pages", R_UINT, false, 1, 1 << 20 },
	{ "bursts", R_ARR, false, 0, 0 },
	{ NULL },
};

static const struct rfield burst_fields[] = {
	{ "at_ms", R_NUM, true, 0, 7 * 86400 * 1000.0 },
	{ "pages", R_UINT, true, 1, 1ULL << 32 },
	{ "threads", R_UINT, false, 1, 1024 },
	{ "every_ms", R_NUM, false, 0, 7 * 86400 * 1000.0 },
	{ NULL },
};

static const char *const type_words[] = {
	[R_NUM] = "a number", [R_UINT] = "a non-negative integer", [R_STR] = "a string",
	[R_OBJ] = "an object", [R_ARR] = "an array",
};

/* check @obj against @fields; @where is the path prefix ("", "ui.", "gc.bursts[1].") */
static int check_fields(const json_t *obj, const struct rfield *fields, const char *where,
			const char *file, char *err, size_t len)
{
	const struct rfield *fd;
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, len, "%s: field '%.*s': must be an object", file,
			 (int)(strlen(where) ? strlen(where) - 1 : 4), strlen(where) ? where : "(top)");
		return -EINVAL;
	}
	json_object_foreach((json_t *)obj, key, v) {
		for (fd = fields; fd->name && strcmp(fd->name, key); fd++)
			;
		if (!fd->name) {
			snprintf(err, len, "%s: unknown field '%s%s'", file, where, key);
			return -EINVAL;
		}
	}
	for (fd = fields; fd->name; fd++) {
		double x;

		v = json_object_get(obj, fd->name);
		if (!v) {
			if (fd->required) {
				snprintf(err, len, "%s: field '%s%s': missing", file, where, fd->name);
				return -EINVAL;
			}
			continue;
		}
		switch (fd->type) {
		case R_STR:
			if (!json_is_string(v))
				goto bad_type;
			continue;
		case R_OBJ:
			if (!json_is_object(v))
				goto bad_type;
			continue;
		case R_ARR:
			if (!json_is_array(v))
				goto bad_type;
			continue;
		case R_UINT:
			if (!json_is_integer(v))
				goto bad_type;
			break;
		case R_NUM:
			if (!json_is_number(v))
				goto bad_type;
			break;
		}
		x = json_number_value(v);
		if (x < fd->min || x > fd->max) {
			snprintf(err, len, "%s: field '%s%s': %.15g is out of range %.15g..%.15g", file, where,
				 fd->name, x, fd->min, fd->max);
			return -EINVAL;
		}
		continue;
bad_type:
		snprintf(err, len, "%s: field '%s%s': must be %s", file, where, fd->name, type_words[fd->type]);
		return -EINVAL;
	}
	return 0;
}

static double num(const json_t *obj, const char *key, double def)
{
	const json_t *v = json_object_get(obj, key);

	return v ? json_number_value(v) : def;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* gc.sched and reclaim name values movestress knows */
static int check_names(const json_t *root, const json_t *gc, const char *path, char *err, size_t len)
{
	static const char *const sched_values[] = { "nice", "idle", "normal", NULL };

	if (json_object_get(gc, "sched") && !in_list(sched_values, json_string_value(json_object_get(gc, "sched")))) {
		snprintf(err, len, "%s: field 'gc.sched': '%s' is not one of nice|idle|normal", path,
			 json_string_value(json_object_get(gc, "sched")));
		return -EINVAL;
	}
	if (json_object_get(root, "reclaim")) {
		const char *s = json_string_value(json_object_get(root, "reclaim")), *c;
		const char *const *names = pressure_names();

		for (const char *q = s;; q = c + 1) {
			char one[32];

			c = strchr(q, ',');
			snprintf(one, sizeof(one), "%.*s", (int)(c ? c - q : (long)strlen(q)), q);
			if (!in_list(names, one)) {
				snprintf(err, len, "%s: field 'reclaim': unknown backend '%s' (see movestress list)", path, one);
				return -EINVAL;
			}
			if (!c)
				break;
		}
	}
	return 0;
}

int jank_replay_read(struct opts *o, const char *path, jank_opt_setter set, char *err, size_t len)
{
	json_error_t jerr;
	json_t *root, *ui, *gc, *bursts, *bu;
	char where[48], bspec[sizeof(o->gc_bursts)], val[64];
	double period_ms, runtime_s, gc_phase_ms = 0;
	unsigned gc_threads, baseline;
	size_t i, n = 0;
	int ret = -EINVAL;

	root = json_load_file(path, 0, &jerr);
	if (!root) {
		if (jerr.line > 0)
			snprintf(err, len, "%s: line %d: %s", path, jerr.line, jerr.text);
		else
			snprintf(err, len, "%s", jerr.text);
		return -EINVAL;
	}
	if (check_fields(root, top_fields, "", path, err, len))
		goto out;
	if (!!json_object_get(root, "frame_period_ms") == !!json_object_get(root, "frame_rate_hz")) {
		snprintf(err, len, "%s: field 'frame_period_ms': give exactly one of frame_period_ms and frame_rate_hz", path);
		goto out;
	}
	period_ms = json_object_get(root, "frame_period_ms") ? num(root, "frame_period_ms", 0) :
		    1000.0 / num(root, "frame_rate_hz", 60);
	ui = json_object_get(root, "ui");
	gc = json_object_get(root, "gc");
	if (check_fields(ui, ui_fields, "ui.", path, err, len) ||
	    check_fields(gc, gc_fields, "gc.", path, err, len))
		goto out;
	if (num(ui, "work_ms", 0) >= period_ms) {
		snprintf(err, len, "%s: field 'ui.work_ms': %g ms of work cannot fit in a %.2f ms frame period",
			 path, num(ui, "work_ms", 0), period_ms);
		goto out;
	}
	if (json_object_get(root, "heap_mib") && json_object_get(ui, "pages") &&
	    num(ui, "pages", 0) * 2 > num(root, "heap_mib", 0) * 256) {
		snprintf(err, len, "%s: field 'ui.pages': %g pages is more than half of heap_mib (%g MiB = %g pages)",
			 path, num(ui, "pages", 0), num(root, "heap_mib", 0), num(root, "heap_mib", 0) * 256);
		goto out;
	}
	if (check_names(root, gc, path, err, len))
		goto out;
	gc_threads = (unsigned)num(gc, "threads", 1);
	baseline = (unsigned)num(root, "baseline_pct", o->baseline_pct);
	runtime_s = num(root, "runtime_s", o->runtime_ns / 1e9);
	gc_phase_ms = runtime_s * 1000.0 * (100 - baseline) / 100;
	bursts = json_object_get(gc, "bursts");
	bspec[0] = '\0';
	json_array_foreach(bursts, i, bu) {
		unsigned th;
		int l;

		snprintf(where, sizeof(where), "gc.bursts[%zu].", i);
		if (i >= JANK_MAX_BURSTS) {
			snprintf(err, len, "%s: field 'gc.bursts': more than %d bursts", path, JANK_MAX_BURSTS);
			goto out;
		}
		if (check_fields(bu, burst_fields, where, path, err, len))
			goto out;
		th = (unsigned)num(bu, "threads", gc_threads);
		if (th > gc_threads) {
			snprintf(err, len, "%s: field '%sthreads': %u is more than gc.threads (%u)", path, where, th,
				 gc_threads);
			goto out;
		}
		if (num(bu, "at_ms", 0) >= gc_phase_ms) {
			snprintf(err, len, "%s: field '%sat_ms': %g ms is after the end of the GC phase (%g ms of a %g s run after a %u%% baseline)",
				 path, where, num(bu, "at_ms", 0), gc_phase_ms, runtime_s, baseline);
			goto out;
		}
		if (num(bu, "every_ms", 0) > 0 && num(bu, "every_ms", 0) < 1) {
			snprintf(err, len, "%s: field '%severy_ms': must be 0 (once) or at least 1", path, where);
			goto out;
		}
		l = snprintf(bspec + n, sizeof(bspec) - n, "%s%.3fms:%" PRIu64 ":%u:%.3fms", n ? "," : "",
			     num(bu, "at_ms", 0), (uint64_t)num(bu, "pages", 1), th, num(bu, "every_ms", 0));
		if (l < 0 || (size_t)l >= sizeof(bspec) - n) {
			snprintf(err, len, "%s: field 'gc.bursts': too long", path);
			goto out;
		}
		n += (size_t)l;
	}

	/* consistent: now set the options, as if given on the command line */
	ret = -EINVAL;
#define SETV(name, ...) do { snprintf(val, sizeof(val), __VA_ARGS__); \
	if (set(o, name, val)) { snprintf(err, len, "%s: cannot set --%s=%s", path, name, val); goto out; } } while (0)
	SETV("mode", "jank");
	SETV("frame-period", "%.6fms", period_ms);
	SETV("ui-work", "%.6fms", num(ui, "work_ms", 0));
	SETV("gc-threads", "%u", gc_threads);
	if (json_object_get(root, "runtime_s"))
		SETV("runtime", "%.3fs", runtime_s);
	if (json_object_get(root, "baseline_pct"))
		SETV("baseline-pct", "%u", baseline);
	if (json_object_get(root, "heap_mib"))
		SETV("size", "%uM", (unsigned)num(root, "heap_mib", 64));
	if (json_object_get(root, "hogs"))
		SETV("hogs", "%u", (unsigned)num(root, "hogs", 0));
	if (json_object_get(root, "reclaim"))
		SETV("reclaim", "%s", json_string_value(json_object_get(root, "reclaim")));
	if (json_object_get(ui, "touches"))
		SETV("ui-touches", "%u", (unsigned)num(ui, "touches", 0));
	if (json_object_get(ui, "moves"))
		SETV("ui-moves", "%u", (unsigned)num(ui, "moves", 0));
	if (json_object_get(ui, "pages"))
		SETV("ui-pages", "%u", (unsigned)num(ui, "pages", 0));
	if (json_object_get(gc, "sched"))
		SETV("gc-sched", "%s", json_string_value(json_object_get(gc, "sched")));
	if (json_object_get(gc, "batch_pages"))
		SETV("gc-batch", "%u", (unsigned)num(gc, "batch_pages", 64));
#undef SETV
	if (set(o, "gc-bursts", bspec)) {
		snprintf(err, len, "%s: field 'gc.bursts': cannot be expressed as --gc-bursts", path);
		goto out;
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}
