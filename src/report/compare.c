// SPDX-License-Identifier: GPL-2.0-only
/*
 * movestress compare A.json B.json ...: one row per metric, one column per
 * run, `value (delta%)` against the first run, the spread between trials,
 * and a '*' where Welch's t-test (two-sided, alpha 0.05, on the per-trial
 * values) says the difference is outside the noise.
 *
 * Rows are found, not listed: every latency histogram (an object with
 * "percentile" and "N"), every rate (*_per_sec), every perf-lock number
 * (contended, wait_total, wait_max, avg_wait), deadline misses, retries
 * and kernel.counters (uffd_move_* / rmap_* deltas) in the results.  So
 * new backends' numbers show up without touching this file; a metric
 * that some runs lack is left out and named under the table.  The tables
 * are printed by compare-print.c.
 */
#include "config.h"
#include "report/compare.h"
#include "core/opts.h"
#include "core/report.h"
#include "kernel/known-bugs.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the element of @arr whose "name" is @name */
static json_t *array_named(json_t *arr, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")) ?: "", name))
			return e;
	return NULL;
}

json_t *json_path(json_t *root, const char *path)
{
	char key[128];
	const char *p = path, *c;
	size_t n;

	while (root && *p) {
		c = strchr(p, '/');
		n = c ? (size_t)(c - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (json_is_array(root) && key[0] == '@')
			root = array_named(root, key + 1);
		else if (json_is_array(root))
			root = json_array_get(root, strtoul(key, NULL, 10));
		else
			root = json_object_get(root, key);
		p = c ? c + 1 : p + n;
	}
	return root;
}

/* ---- statistics ---- */

/* two-sided 95% critical values of Student's t (the 0.975 quantile) */
static const struct {
	double df, t;
} t_table[] = {
	{ 1, 12.706 }, { 2, 4.303 }, { 3, 3.182 }, { 4, 2.776 }, { 5, 2.571 },
	{ 6, 2.447 }, { 7, 2.365 }, { 8, 2.306 }, { 9, 2.262 }, { 10, 2.228 },
	{ 11, 2.201 }, { 12, 2.179 }, { 13, 2.160 }, { 14, 2.145 }, { 15, 2.131 },
	{ 16, 2.120 }, { 17, 2.110 }, { 18, 2.101 }, { 19, 2.093 }, { 20, 2.086 },
	{ 21, 2.080 }, { 22, 2.074 }, { 23, 2.069 }, { 24, 2.064 }, { 25, 2.060 },
	{ 26, 2.056 }, { 27, 2.052 }, { 28, 2.048 }, { 29, 2.045 }, { 30, 2.042 },
	{ 40, 2.021 }, { 60, 2.000 }, { 120, 1.980 }, { INFINITY, 1.960 },
};

/* Welch's df is fractional: take the row at or below it (conservative) */
double t_crit_975(double df)
{
	size_t i;

	if (!(df >= 1))
		return t_table[0].t;
	for (i = 1; i < sizeof(t_table) / sizeof(t_table[0]); i++)
		if (t_table[i].df > df)
			return t_table[i - 1].t;
	return t_table[i - 1].t;
}

double welch_t(double m1, double sd1, size_t n1, double m2, double sd2, size_t n2, double *df)
{
	double a = sd1 * sd1 / n1, b = sd2 * sd2 / n2, se = sqrt(a + b);

	*df = (a + b) * (a + b) / (a * a / (n1 - 1) + b * b / (n2 - 1));
	if (se == 0) {
		*df = INFINITY;
		return m1 == m2 ? 0 : copysign(INFINITY, m2 - m1);
	}
	return (m2 - m1) / se;
}

int welch_significant(const struct cmp_cell *a, const struct cmp_cell *b, double *t, double *df)
{
	*t = NAN;
	*df = NAN;
	if (a->n < 2 || b->n < 2)
		return -1;
	*t = welch_t(a->mean, a->sd, a->n, b->mean, b->sd, b->n, df);
	return fabs(*t) > t_crit_975(*df);
}

/* ---- metric discovery ---- */

struct side_rule {
	const char *substr;	/* in the metric's path */
	const char *side;
};

/* first match wins */
static const struct side_rule side_rules[] = {
	{ "kernel/counters/", "kernel" },
	{ "lock", "locks" },
	{ "frame", "jank" },
	{ "jank", "jank" },
	{ "/phases/move_", "MOVE" },		/* MOVE without/with pressure */
	{ "ratio_pressure_over_none", "MOVE" },
	{ "reclaim", "reclaim" },
	{ "pressure", "reclaim" },
	{ "/move/", "MOVE" },
	{ "/handler/", "MOVE" },
	{ "/touch/", "MOVE" },
	{ "/thp/", "MOVE" },
	{ NULL, "other" },
};

/* display order and headings */
static const struct {
	const char *side, *heading;
} sides[] = {
	{ "MOVE", "MOVE side (benefit)" },
	{ "locks", "lock contention" },
	{ "reclaim", "reclaim side (cost)" },
	{ "jank", "jank" },
	{ "other", "other" },
	{ "kernel", "kernel counters (deltas)" },
};

struct leaf_rule {
	const char *key;	/* exact, or "*suffix" */
	const char *unit;
	int better;
};

static const struct leaf_rule leaf_rules[] = {
	{ "*_per_sec", "", 1 },
	{ "wait_total", "ns", -1 },
	{ "wait_max", "ns", -1 },
	{ "avg_wait", "ns", -1 },
	{ "contended", "", -1 },
	{ "missed_deadlines", "", -1 },
	{ "deadline_misses", "", -1 },
	{ "missed", "", -1 },
	{ "short_moves", "", -1 },
	{ "failures", "", -1 },
	{ "*trylock_failures", "", -1 },
	{ "runtime_ns", NULL, 0 },	/* NULL unit: settings and timestamps, not metrics */
	{ "t_ns", NULL, 0 },
	{ "timeout_ns", NULL, 0 },
	{ "duration_ns", NULL, 0 },
	{ "warmup_ns", NULL, 0 },
	{ "*period_ns", NULL, 0 },
	{ "every_ns", NULL, 0 },
	{ "at_ns", NULL, 0 },
	{ "*_ns", "ns", -1 },
	{ NULL, NULL, 0 },
};

/* objects that hold no comparable numbers */
static const char *const skip_keys[] = {
	"threads", "checkpoints", "oracle", "failure_detail", "bins", "options", "by_thread",
	"timeline", "system_changes", "proof", "reached", "swap", "io", "sampler",
	"longest_*",	/* single-event anecdotes (longest frame, wait...), not statistics */
	NULL,
};

/* pretty names for the common rows */
static const struct {
	const char *path, *name;
} aliases[] = {
	{ "results/0/move/pages_per_sec", "moves/s (pages)" },
	{ "results/0/move/ops_per_sec", "MOVE ioctls/s" },
	{ "results/0/move/clat_ns", "MOVE lat" },
	{ "results/0/handler/clat_ns", "handler MOVE lat" },
	{ "results/0/handler/pages_per_sec", "handler moves/s" },
	{ "results/0/handler/ops_per_sec", "handler ioctls/s" },
	{ "results/0/touch/lat_ns", "fault touch lat" },
};

/* shorter row names for the pressure and jank blocks */
static const struct {
	const char *from, *to;
} renames[] = {
	{ "pressure.backends.", "reclaim " },
	{ ".ops.lat_ns", " op lat" },
	{ ".ops.ops_per_sec", " ops_per_sec" },
	{ "pressure.phases.", "" },
	{ "pressure.locks.", "lock " },
	{ "by_type.", "" },
	{ "jank.phases.", "jank " },
};

static const struct {
	const char *key, *label;
} hist_stats[] = {
	{ "percentile/50.000000", "p50" },
	{ "percentile/99.000000", "p99" },
	{ "percentile/99.900000", "p99.9" },
	{ "max", "max" },
};

static const char *side_of(const char *path)
{
	const struct side_rule *r;

	for (r = side_rules; r->substr; r++)
		if (strstr(path, r->substr))
			break;
	return r->side;
}

static void pretty(const char *path, char *out, size_t len)
{
	const char *p = path;
	size_t i, n;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(aliases[i].path, path)) {
			snprintf(out, len, "%s", aliases[i].name);
			return;
		}
	if (!strncmp(p, "results/0/", 10))
		p += 10;
	else if (!strncmp(p, "kernel/counters/", 16))
		p += 16;
	for (n = 0; *p && n + 1 < len; p++)
		if (*p != '@')
			out[n++] = *p == '/' ? '.' : *p;
	out[n] = '\0';
	for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
		char *at = strstr(out, renames[i].from);
		size_t fl = strlen(renames[i].from), tl = strlen(renames[i].to);

		if (!at || strlen(out) - fl + tl + 1 > len)
			continue;
		memmove(at + tl, at + fl, strlen(at + fl) + 1);
		memcpy(at, renames[i].to, tl);
	}
	n = strlen(out);
	if (n > 3 && !strcmp(out + n - 3, "_ns"))
		out[n - 3] = '\0';	/* the unit column says ns */
	n = strlen(out);
	if (n > 8 && !strcmp(out + n - 8, "_per_sec"))
		snprintf(out + n - 8, len - (n - 8), "/s");
}

static struct cmp_row *find_row(struct cmp *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].path, path))
			return &c->rows[i];
	return NULL;
}

static int add_row(struct cmp *c, const char *path, const char *name, const char *unit, int better)
{
	struct cmp_row *r;

	if (find_row(c, path))
		return 0;
	if (c->nrows == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;

		r = realloc(c->rows, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->rows = r;
		c->cap = cap;
	}
	r = &c->rows[c->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->side, sizeof(r->side), "%s", side_of(path));
	r->unit = unit;
	r->better = better;
	return 0;
}

static const struct leaf_rule *leaf_rule(const char *key, const char *parent)
{
	static const struct leaf_rule retry = { "", "", -1 };
	const struct leaf_rule *r;
	size_t kl = strlen(key), sl;

	if (!strcmp(parent, "retries"))
		return &retry;
	for (r = leaf_rules; r->key; r++) {
		if (r->key[0] == '*') {
			sl = strlen(r->key + 1);
			if (kl >= sl && !strcmp(key + kl - sl, r->key + 1))
				break;
		} else if (!strcmp(key, r->key)) {
			break;
		}
	}
	return r->key && r->unit ? r : NULL;
}

static bool skipped_key(const char *key)
{
	const char *const *s;

	for (s = skip_keys; *s; s++) {
		size_t n = strlen(*s);

		if ((*s)[n - 1] == '*' ? !strncmp(*s, key, n - 1) : !strcmp(*s, key))
			return true;
	}
	return false;
}

static int walk(struct cmp *c, json_t *node, const char *path, const char *parent)
{
	char sub[160], name[96], base[96];
	const struct leaf_rule *lr;
	const char *key;
	json_t *v;
	size_t i;
	int ret = 0;

	if (json_is_object(json_object_get(node, "percentile")) && json_object_get(node, "N")) {
		pretty(path, base, sizeof(base));
		for (i = 0; i < sizeof(hist_stats) / sizeof(hist_stats[0]) && !ret; i++) {
			snprintf(sub, sizeof(sub), "%s/%s", path, hist_stats[i].key);
			snprintf(name, sizeof(name), "%.80s %s", base, hist_stats[i].label);
			ret = add_row(c, sub, name, "ns", -1);
		}
		return ret;
	}
	json_object_foreach(node, key, v) {
		if (skipped_key(key) || snprintf(sub, sizeof(sub), "%s/%s", path, key) >= (int)sizeof(sub))
			continue;
		if (json_is_object(v)) {
			ret = walk(c, v, sub, key);
		} else if (json_is_array(v)) {
			json_t *e;
			size_t i;
			char el[160];

			json_array_foreach(v, i, e) {
				const char *nm = json_string_value(json_object_get(e, "name"));

				if (!nm || !json_is_object(e) ||
				    snprintf(el, sizeof(el), "%s/@%s", sub, nm) >= (int)sizeof(el))
					continue;
				ret = walk(c, e, el, key);
				if (ret)
					break;
			}
		} else if (json_is_number(v) && (lr = leaf_rule(key, parent))) {
			pretty(sub, name, sizeof(name));
			if (!strcmp(parent, "retries")) {
				char *dot = strrchr(name, '.');

				if (dot)
					*dot = ' ';
			}
			ret = add_row(c, sub, name, lr->unit, lr->better);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int walk_counters(struct cmp *c, json_t *trial)
{
	json_t *cnt = json_path(trial, "kernel/counters"), *v;
	char path[160];
	const char *key;
	int ret = 0;

	json_object_foreach(cnt, key, v) {
		if (!json_is_number(v))
			continue;
		snprintf(path, sizeof(path), "kernel/counters/%s", key);
		ret = add_row(c, path, key, "", 0);
		if (ret)
			break;
	}
	return ret;
}

/* ---- loading ---- */

static void make_label(struct cmp *c, struct cmp_run *run, bool by_kernel)
{
	const char *l = json_string_value(json_path(run->root, "options/label"));
	char tmp[512], *b;
	size_t i, dup = 1;

	if (by_kernel) {
		/* the kernel is the column: its id, and the run's own label if it has one */
		snprintf(run->label, sizeof(run->label), "%.128s%s%.48s%s", run->kernel, l && *l ? " [" : "",
			 l && *l ? l : "", l && *l ? "]" : "");
	} else if (l && *l) {
		snprintf(run->label, sizeof(run->label), "%s", l);
	} else {
		snprintf(tmp, sizeof(tmp), "%s", run->path);
		b = basename(tmp);
		if (strlen(b) > 5 && !strcmp(b + strlen(b) - 5, ".json"))
			b[strlen(b) - 5] = '\0';
		snprintf(run->label, sizeof(run->label), "%s", b);
	}
	for (i = 0; &c->run[i] != run; i++)
		if (!strcmp(c->run[i].label, run->label))
			dup++;
	if (dup > 1) {
		size_t n = strlen(run->label), max = sizeof(run->label) - 8;

		snprintf(run->label + (n > max ? max : n), sizeof(run->label) - (n > max ? max : n), "#%zu", dup);
	}
}

static int load_one(struct cmp *c, struct cmp_run *run, const char *file, bool by_kernel, char *err, size_t len)
{
	json_t *kb;
	json_error_t je;
	json_t *trials, *t;
	json_int_t sv;
	size_t i;

	snprintf(run->path, sizeof(run->path), "%s", file);
	run->root = json_load_file(file, 0, &je);
	if (!run->root) {
		snprintf(err, len, "%s: cannot read a result: %s (line %d)", file, je.text, je.line);
		return -EINVAL;
	}
	if (!json_is_object(run->root) || !json_is_integer(json_object_get(run->root, "schema_version"))) {
		snprintf(err, len, "%s: not a movestress result (no schema_version)", file);
		return -EINVAL;
	}
	sv = json_integer_value(json_object_get(run->root, "schema_version"));
	if (sv < 1 || sv > MS_SCHEMA_VERSION) {
		snprintf(err, len, "%s: schema_version %lld is not one this movestress reads (allowed: 1..%d)",
			 file, (long long)sv, MS_SCHEMA_VERSION);
		return -EINVAL;
	}
	trials = json_object_get(run->root, "trials");
	if (json_is_array(trials) && json_array_size(trials)) {
		json_array_foreach(trials, i, t)
			if (i < CMP_MAX_TRIALS && json_is_array(json_object_get(t, "results")))
				run->trial[run->ntrials++] = t;
	} else if (json_is_array(json_object_get(run->root, "results"))) {
		run->trial[run->ntrials++] = run->root;
	}
	if (!run->ntrials) {
		snprintf(err, len, "%s: the result has no \"results\" (verdict %s): nothing to compare",
			 file, json_string_value(json_object_get(run->root, "verdict")) ?: "unknown");
		return -EINVAL;
	}
	kb = json_path(run->root, "environment/kernel_build");
	snprintf(run->kernel, sizeof(run->kernel), "%s", json_string_value(json_object_get(kb, "id")) ?: "unknown");
	snprintf(run->arch, sizeof(run->arch), "%s", json_string_value(json_object_get(kb, "arch")) ?: "");
	make_label(c, run, by_kernel);
	return 0;
}

/* options that do not change what was measured */
static const char *const ignored_opts[] = {
	"output", "label", "seed", "quiet", "matrix", "json", "output-format", "repeat",
	"status-interval", "status-file", "tap", "exit-codes", "format", "plot", NULL,
};

bool cmp_opt_ignored(const char *key)
{
	const char *const *ig;

	for (ig = ignored_opts; *ig && strcmp(*ig, key); ig++)
		;
	return *ig != NULL;
}

static void note_differences(struct cmp *c)
{
	json_t *o0 = json_path(c->run[0].root, "options"), *v;
	const char *key;
	char buf[512], val[64];
	size_t i, n;

	json_object_foreach(o0, key, v) {
		bool differ = false;

		if (cmp_opt_ignored(key))
			continue;
		for (i = 1; i < c->nruns; i++)
			if (!json_equal(v, json_object_get(json_path(c->run[i].root, "options"), key)))
				differ = true;
		if (!differ)
			continue;
		n = snprintf(buf, sizeof(buf), "%s %s: ", !strcmp(key, "mode") ?
			     "different scenarios (only the metrics every run has are compared):" :
			     "options differ:", key);
		for (i = 0; i < c->nruns && n < sizeof(buf); i++) {
			json_t *x = json_object_get(json_path(c->run[i].root, "options"), key);

			if (json_is_string(x))
				snprintf(val, sizeof(val), "%s", json_string_value(x));
			else if (json_is_integer(x))
				snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(x));
			else
				snprintf(val, sizeof(val), "%s", json_is_true(x) ? "yes" : x ? "no" : "-");
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " | " : "", val);
		}
		json_array_append_new(c->notes, json_string(buf));
	}
	for (i = 0; i < c->nruns; i++)
		for (n = 0; n < c->run[i].ntrials; n++) {
			const char *v = json_string_value(json_object_get(c->run[i].trial[n], "verdict"));

			if (!v || !strcmp(v, "pass"))
				continue;
			if (!strcmp(v, "known-kernel-bug")) {
				struct known_bug_counts kb = { { 0 } };
				char sum[128];

				known_bugs_from_json(json_object_get(c->run[i].trial[n], "known_bugs"), &kb);
				known_bugs_summary(&kb, sum, sizeof(sum));
				snprintf(buf, sizeof(buf), "%s: trial %zu of %zu hit the known kernel bug %s (counted; its oracle passed, its numbers are in the table)",
					 c->run[i].label, n + 1, c->run[i].ntrials, sum[0] ? sum : "?");
				json_array_append_new(c->notes, json_string(buf));
				continue;
			}
			snprintf(buf, sizeof(buf), "%s: trial %zu of %zu has verdict '%s' (exit %lld): its numbers are in the table",
				 c->run[i].label, n + 1, c->run[i].ntrials, v,
				 (long long)json_integer_value(json_object_get(c->run[i].trial[n], "exit_code")));
			json_array_append_new(c->notes, json_string(buf));
		}
	for (i = 1; i < c->nruns; i++) {
		const char *p0 = json_string_value(json_path(c->run[0].root, "kernel/rmap_policy"));
		const char *p1 = json_string_value(json_path(c->run[i].root, "kernel/rmap_policy"));

		if (p0 && p1 && strcmp(p0, p1)) {
			n = snprintf(buf, sizeof(buf), "rmap policy: ");
			for (i = 0; i < c->nruns && n < sizeof(buf); i++)
				n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " | " : "",
					      json_string_value(json_path(c->run[i].root, "kernel/rmap_policy")) ?: "-");
			json_array_append_new(c->notes, json_string(buf));
			break;
		}
	}
}

/*
 * Lock statistics list only the lock types that saw contention: where the
 * trial has the locks block but not this lock type, the count is 0.
 */
static bool absent_is_zero(json_t *trial, const char *path)
{
	const char *l = strstr(path, "/locks"), *end;
	char prefix[160];

	if (!l)
		return false;
	end = strchr(l + 1, '/');
	if (!end || (size_t)(end - path) >= sizeof(prefix))
		return false;
	memcpy(prefix, path, end - path);
	prefix[end - path] = '\0';
	return json_is_object(json_path(trial, prefix));
}

static void cell_stats(const struct cmp_run *run, const char *path, struct cmp_cell *cell)
{
	double s = 0, s2 = 0, v;
	json_t *j;
	size_t i;

	memset(cell, 0, sizeof(*cell));
	for (i = 0; i < run->ntrials; i++) {
		j = json_path(run->trial[i], path);
		if (!json_is_number(j) && !(!j && absent_is_zero(run->trial[i], path)))
			continue;
		v = j ? json_number_value(j) : 0;
		s += v;
		s2 += v * v;
		cell->n++;
	}
	if (!cell->n)
		return;
	cell->mean = s / cell->n;
	cell->sd = cell->n > 1 ? sqrt(fmax(0, (s2 - s * s / cell->n) / (cell->n - 1))) : 0;
}

static int side_rank(const char *side)
{
	size_t i;

	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++)
		if (!strcmp(sides[i].side, side))
			return (int)i;
	return (int)i;
}

static int row_cmp(const void *a, const void *b)
{
	const struct cmp_row *x = a, *y = b;

	return side_rank(x->side) - side_rank(y->side);
}

int cmp_load(struct cmp *c, char **files, size_t nfiles, bool by_kernel, char *err, size_t len)
{
	struct cmp_row *kept;
	size_t i, k, nk;
	json_int_t sv0;
	int ret;

	memset(c, 0, sizeof(*c));
	c->left_out = json_array();
	c->all_zero = json_array();
	c->notes = json_array();
	if (!nfiles || nfiles > CMP_MAX_RUNS) {
		snprintf(err, len, "compare: give 1 to %d result files (movestress run --output FILE)", CMP_MAX_RUNS);
		return -EINVAL;
	}
	for (i = 0; i < nfiles; i++) {
		ret = load_one(c, &c->run[i], files[i], by_kernel, err, len);
		c->nruns = i + (ret ? 0 : 1);
		if (ret) {
			/* not counted in nruns, so not freed with the others */
			json_decref(c->run[i].root);
			c->run[i].root = NULL;
			return ret;
		}
	}
	/* which kernel ran: the same one, unless asked to compare kernels */
	for (i = 1; i < c->nruns && !by_kernel; i++)
		if (strcmp(c->run[i].kernel, c->run[0].kernel)) {
			snprintf(err, len, "compare: %s ran kernel %s but %s ran %s: results of different kernels are "
				 "compared only with --by-kernel", c->run[i].path, c->run[i].kernel, c->run[0].path,
				 c->run[0].kernel);
			return -EINVAL;
		}
	sv0 = json_integer_value(json_object_get(c->run[0].root, "schema_version"));
	for (i = 1; i < c->nruns; i++) {
		json_int_t sv = json_integer_value(json_object_get(c->run[i].root, "schema_version"));

		if (sv != sv0) {
			snprintf(err, len, "compare: %s has schema_version %lld but %s has %lld: "
				 "results of different schema versions are not comparable (re-run one side "
				 "with the same movestress)", c->run[0].path, (long long)sv0, c->run[i].path,
				 (long long)sv);
			return -EINVAL;
		}
	}
	/* rows: the union over every trial of every run */
	for (i = 0; i < c->nruns; i++)
		for (k = 0; k < c->run[i].ntrials; k++) {
			ret = walk(c, json_path(c->run[i].trial[k], "results/0"), "results/0", "");
			ret = ret ?: walk_counters(c, c->run[i].trial[k]);
			if (ret) {
				snprintf(err, len, "compare: out of memory");
				return ret;
			}
		}
	/* cells; rows that a run lacks are left out and named */
	for (i = nk = 0; i < c->nrows; i++) {
		struct cmp_row *r = &c->rows[i];
		bool all = true;

		for (k = 0; k < c->nruns; k++) {
			cell_stats(&c->run[k], r->path, &r->cell[k]);
			all &= r->cell[k].n > 0;
		}
		if (!all) {
			json_array_append_new(c->left_out, json_string(r->name));
			continue;
		}
		for (k = 0; k < c->nruns && !r->cell[k].mean && !r->cell[k].sd; k++)
			;
		if (k == c->nruns) {
			json_array_append_new(c->all_zero, json_string(r->name));
			continue;
		}
		for (k = 0; k < c->nruns; k++) {
			struct cmp_cell *x = &r->cell[k];

			x->delta_pct = r->cell[0].mean ? (x->mean - r->cell[0].mean) / fabs(r->cell[0].mean) * 100 :
				       (x->mean ? NAN : 0);
			x->significant = k ? welch_significant(&r->cell[0], x, &x->t, &x->df) : 0;
		}
		c->rows[nk++] = *r;
	}
	c->nrows = nk;
	kept = c->rows;
	/* stable: insertion sort by side keeps discovery order inside a side */
	for (i = 1; i < c->nrows; i++) {
		struct cmp_row tmp = kept[i];

		for (k = i; k > 0 && row_cmp(&kept[k - 1], &tmp) > 0; k--)
			kept[k] = kept[k - 1];
		kept[k] = tmp;
	}
	note_differences(c);
	return 0;
}

void cmp_free(struct cmp *c)
{
	size_t i;

	for (i = 0; i < c->nruns; i++)
		json_decref(c->run[i].root);
	free(c->rows);
	json_decref(c->left_out);
	json_decref(c->all_zero);
	json_decref(c->notes);
	memset(c, 0, sizeof(*c));
}

/* the heading of a side's rows (compare-print.c) */
const char *cmp_side_heading(const char *side)
{
	size_t i;

	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++)
		if (!strcmp(sides[i].side, side))
			return sides[i].heading;
	return side;
}
