// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_compare.c - movestress compare: the t-test, the table built from
 * real result files (tests/data/results, recorded on a 2-core host with
 * `movestress run --repeat=3 --output-format=json+`), the refusals, the
 * output formats and the SVG plots.
 */
#include "check_main.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/compare.h"
#include "core/hist.h"
#include "cli/options.h"
#include "report/plot.h"
#include "report/trials.h"

#ifndef RESULTS_DIR
#define RESULTS_DIR "tests/data/results"
#endif
#ifndef KERNELS_DIR
#define KERNELS_DIR "tests/data/kernels"
#endif

static char *fixture(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", RESULTS_DIR, name);
	return buf[i];
}

static const struct cmp_row *row(const struct cmp *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].name, name))
			return &c->rows[i];
	return NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

START_TEST(test_t_table)
{
	ck_assert_double_eq_tol(t_crit_975(1), 12.706, 1e-9);
	ck_assert_double_eq_tol(t_crit_975(2.7), 4.303, 1e-9);	/* floor: conservative */
	ck_assert_double_eq_tol(t_crit_975(30), 2.042, 1e-9);
	ck_assert_double_eq_tol(t_crit_975(45), 2.021, 1e-9);
	ck_assert_double_eq_tol(t_crit_975(1e9), 1.980, 1e-9);	/* the 120 row */
	ck_assert_double_eq_tol(t_crit_975(INFINITY), 1.960, 1e-9);
	ck_assert_double_eq_tol(t_crit_975(0.5), 12.706, 1e-9);
}
END_TEST

static void mean_sd(const double *v, size_t n, double *m, double *sd)
{
	double s = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	*m = s / n;
	for (i = 0; i < n; i++)
		s2 += (v[i] - *m) * (v[i] - *m);
	*sd = sqrt(s2 / (n - 1));
}

/* Welch's t-test, example 1 of the Wikipedia article: t = -2.46, df = 24.9 */
START_TEST(test_welch_reference)
{
	static const double a1[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6,
				     23.1, 19.6, 19.0, 21.7, 21.4 };
	static const double a2[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2,
				     21.9, 22.1, 22.9, 20.5, 24.4 };
	struct cmp_cell x = { .n = 15 }, y = { .n = 15 };
	double t, df;

	mean_sd(a1, 15, &x.mean, &x.sd);
	mean_sd(a2, 15, &y.mean, &y.sd);
	t = welch_t(y.mean, y.sd, y.n, x.mean, x.sd, x.n, &df);
	ck_assert_double_eq_tol(t, -2.46, 0.01);
	ck_assert_double_eq_tol(df, 24.9, 0.1);
	ck_assert_int_eq(welch_significant(&x, &y, &t, &df), 1);
	/* one trial: no noise estimate */
	x.n = 1;
	ck_assert_int_eq(welch_significant(&x, &y, &t, &df), -1);
	/* same data: not significant */
	x.n = 15;
	ck_assert_int_eq(welch_significant(&x, &x, &t, &df), 0);
}
END_TEST

START_TEST(test_load_fixtures)
{
	char *files[] = { fixture("movers1.json"), fixture("movers2.json") };
	const struct cmp_row *r;
	struct cmp *c = calloc(1, sizeof(*c));
	char err[512] = "";
	double v[2][3], m[2], sd[2], t, df;
	size_t k, i;

	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(c->nruns, 2);
	ck_assert_str_eq(c->run[0].label, "movers1");
	ck_assert_str_eq(c->run[1].label, "movers2");
	ck_assert_uint_eq(c->run[0].ntrials, 3);
	r = row(c, "moves/s (pages)");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->side, "MOVE");
	ck_assert_int_eq(r->better, 1);
	ck_assert_ptr_nonnull(row(c, "MOVE lat p99"));
	ck_assert_ptr_nonnull(row(c, "MOVE lat p99.9"));
	ck_assert_ptr_nonnull(row(c, "MOVE lat max"));
	/* recompute the cells from the files */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 3; i++)
			v[k][i] = json_number_value(json_path(c->run[k].trial[i], "results/0/move/pages_per_sec"));
		mean_sd(v[k], 3, &m[k], &sd[k]);
		ck_assert_uint_eq(r->cell[k].n, 3);
		ck_assert_double_eq_tol(r->cell[k].mean, m[k], 1e-6 * m[k]);
		ck_assert_double_eq_tol(r->cell[k].sd, sd[k], 1e-6 * m[k]);
	}
	ck_assert_double_eq_tol(r->cell[1].delta_pct, (m[1] - m[0]) / m[0] * 100, 1e-9);
	t = welch_t(m[0], sd[0], 3, m[1], sd[1], 3, &df);
	ck_assert_int_eq(r->cell[1].significant, fabs(t) > t_crit_975(df));
	/* the mover counts differ and the note says so */
	ck_assert_uint_ge(json_array_size(c->notes), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(c->notes, 0)), "movers: 1 | 2"));
	/* rows are grouped: MOVE side first */
	ck_assert_str_eq(c->rows[0].side, "MOVE");
	cmp_free(c);
	free(c);
}
END_TEST

static void write_modified(const char *in, const char *out, const char *key, json_t *val)
{
	json_t *j = json_load_file(in, 0, NULL);

	ck_assert_ptr_nonnull(j);
	json_object_set_new(j, key, val);
	ck_assert_int_eq(json_dump_file(j, out, 0), 0);
	json_decref(j);
}

START_TEST(test_refuse_schema)
{
	char tmp[] = "/tmp/check_compare.XXXXXX", path[600], err[512] = "";
	char *files[2];
	struct cmp *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/v999.json", tmp);
	write_modified(fixture("movers1.json"), path, "schema_version", json_integer(999));
	files[0] = fixture("movers2.json");
	files[1] = path;
	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "schema_version"));
	cmp_free(c);
	/* a version from the future, alone or twice: not ours to read */
	files[0] = path;
	ck_assert_int_eq(cmp_load(c, files, 1, false, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "schema_version 999 is not one this movestress reads"), "%s", err);
	cmp_free(c);
	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "allowed: 1..1"), "%s", err);
	cmp_free(c);
	files[0] = fixture("movers2.json");
	/* not a result at all */
	snprintf(path, sizeof(path), "%s/garbage.json", tmp);
	write_modified(fixture("movers1.json"), path, "results", json_null());
	json_t *j = json_load_file(path, 0, NULL);
	json_object_del(j, "trials");
	json_dump_file(j, path, 0);
	json_decref(j);
	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "results"));
	cmp_free(c);
	unlink(path);
	snprintf(path, sizeof(path), "%s/v999.json", tmp);
	unlink(path);
	rmdir(tmp);
	free(c);
}
END_TEST

/* a different mode and a single trial: compared, with notes and no noise test */
START_TEST(test_different_scenario)
{
	char *files[] = { fixture("movers2.json"), fixture("contended-1trial.json") };
	struct cmp *c = calloc(1, sizeof(*c));
	const struct cmp_row *r;
	char err[512] = "";
	json_t *n;
	size_t i;
	bool noted = false;

	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), 0);
	json_array_foreach(c->notes, i, n)
		noted |= strstr(json_string_value(n), "different scenarios") != NULL;
	ck_assert(noted);
	r = row(c, "moves/s (pages)");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->cell[1].significant, -1);
	ck_assert_uint_eq(c->run[1].ntrials, 1);
	cmp_free(c);
	free(c);
}
END_TEST

static json_t *hist_obj(uint64_t p50, uint64_t p99, uint64_t max, bool bins)
{
	json_t *h = json_pack("{s:I, s:I, s:I, s:f, s:f, s:{s:I, s:I, s:I}}", "N", (json_int_t)100,
			      "min", (json_int_t)p50 / 2, "max", (json_int_t)max, "mean", (double)p50,
			      "stddev", 1.0, "percentile", "50.000000", (json_int_t)p50,
			      "99.000000", (json_int_t)p99, "99.900000", (json_int_t)max);

	if (bins) {
		char lo[32], hi[32];

		/* bins are keyed by canonical bucket values */
		snprintf(lo, sizeof(lo), "%llu", (unsigned long long)hist_idx_to_val(hist_val_to_idx(p50)));
		snprintf(hi, sizeof(hi), "%llu", (unsigned long long)hist_idx_to_val(hist_val_to_idx(p99)));
		json_object_set_new(h, "bins", json_pack("{s:I, s:I}", lo, (json_int_t)60, hi, (json_int_t)40));
	}
	return h;
}

/*
 * A synthetic result with the shapes other parts of movestress write
 * (reclaim op latency, perf-lock numbers, a frame-time histogram, kernel
 * counters): rows are found and put on the right side of the trade.
 */
static void write_synthetic(const char *path, double scale, bool extra)
{
	json_t *res = json_pack("{s:s, s:{s:f, s:o}, s:{s:[{s:s, s:{s:f, s:o}}], s:{s:{s:{s:I, s:I, s:I}}}},"
				" s:{s:{s:{s:o, s:I}}}}",
		"mode", "partitioned",
		"move", "pages_per_sec", 1000.0 * scale, "clat_ns", hist_obj(1000 * scale, 5000, 9000, false),
		"pressure", "backends", "name", "pageout", "ops", "ops_per_sec", 50.0 / scale,
		"lat_ns", hist_obj(20000, 90000, 100000, false),
		"locks", "by_type", "rwsem", "contended", (json_int_t)(10 * scale),
		"wait_total_ns", (json_int_t)5000, "wait_max_ns", (json_int_t)700,
		"jank", "phases", "gc", "frame_ns", hist_obj(8000000, 20000000, 30000000, true),
		"missed", (json_int_t)(3 * scale));
	json_t *root = json_pack("{s:i, s:[o], s:{s:s, s:{s:I}}, s:{s:s, s:i}}", "schema_version", 1,
		"results", res, "kernel", "rmap_policy", scale > 1 ? "folio" : "anon_vma", "counters",
		"uffd_move_rmap_trylock_fail", (json_int_t)(7 * scale), "options", "label", "",
		"movers", 2);

	if (extra)
		json_object_set_new(res, "only_here_per_sec", json_real(1));
	ck_assert_int_eq(json_dump_file(root, path, 0), 0);
	json_decref(root);
}

START_TEST(test_sides_and_formats)
{
	char tmp[] = "/tmp/check_compare.XXXXXX", a[700], b[700], plots[100], err[512] = "";
	char *files[] = { a, b }, *buf = NULL, *svg;
	struct cmp *c = calloc(1, sizeof(*c));
	const struct cmp_row *r;
	size_t len = 0, i;
	json_t *j;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(a, sizeof(a), "%s/anon_vma.json", tmp);
	snprintf(b, sizeof(b), "%s/folio.json", tmp);
	write_synthetic(a, 1, false);
	write_synthetic(b, 2, true);
	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), 0);
	/* labels from the file names when --label was not given */
	ck_assert_str_eq(c->run[0].label, "anon_vma");
	ck_assert_str_eq(c->run[1].label, "folio");
	ck_assert_str_eq(row(c, "moves/s (pages)")->side, "MOVE");
	ck_assert_ptr_nonnull(row(c, "reclaim pageout op lat p99"));
	ck_assert_str_eq(row(c, "reclaim pageout op lat p99")->side, "reclaim");
	ck_assert_ptr_nonnull(row(c, "reclaim pageout ops/s"));
	ck_assert_str_eq(row(c, "reclaim pageout ops/s")->side, "reclaim");
	ck_assert_int_eq(row(c, "reclaim pageout ops/s")->better, 1);
	ck_assert_ptr_nonnull(row(c, "lock rwsem.wait_total"));
	ck_assert_str_eq(row(c, "lock rwsem.wait_total")->side, "locks");
	ck_assert_str_eq(row(c, "lock rwsem.wait_total")->unit, "ns");
	ck_assert_ptr_nonnull(row(c, "jank gc.frame p99"));
	ck_assert_str_eq(row(c, "jank gc.frame p99")->side, "jank");
	ck_assert_ptr_nonnull(row(c, "jank gc.missed"));
	ck_assert_str_eq(row(c, "jank gc.missed")->side, "jank");
	r = row(c, "uffd_move_rmap_trylock_fail");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->side, "kernel");
	ck_assert_double_eq_tol(r->cell[1].delta_pct, 100, 1e-9);
	/* in one run only: left out, and said so */
	ck_assert_ptr_null(row(c, "only_here/s"));
	ck_assert_str_eq(json_string_value(json_array_get(c->left_out, 0)), "only_here/s");
	/* rmap policies differ: noted */
	j = json_array_get(c->notes, json_array_size(c->notes) - 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(j), "anon_vma | folio"));
	/* order: MOVE, locks, reclaim, jank, kernel */
	for (i = 1; i < c->nrows; i++)
		ck_assert(strcmp(c->rows[i - 1].side, "kernel") || !strcmp(c->rows[i].side, "kernel"));

	/* formats */
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "text", f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "reclaim side (cost)"));
	ck_assert_ptr_nonnull(strstr(buf, "MOVE side (benefit)"));
	ck_assert_ptr_nonnull(strstr(buf, "(+100.00%)"));
	ck_assert_ptr_nonnull(strstr(buf, "left out (not in every run): only_here/s"));
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "markdown", f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "| metric | anon_vma | folio |"));
	ck_assert_ptr_nonnull(strstr(buf, "|---|---:|---:|"));
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "csv", f), 0);
	fclose(f);
	ck_assert_uint_eq(count(buf, "\n"), 1 + 2 * c->nrows);
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "json", f), 0);
	fclose(f);
	j = json_loads(buf, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "rows")), c->nrows);
	ck_assert_str_eq(json_string_value(json_path(j, "test/name")), "welch-t");
	json_decref(j);
	free(buf);
	ck_assert_int_eq(cmp_print(c, "yaml", stdout), -EINVAL);

	/* plots: a frame-time histogram from the bins, CDFs from percentile points */
	snprintf(plots, sizeof(plots), "%s/plots", tmp);
	ck_assert_int_ge(plot_all(c, plots, err, sizeof(err)), 4);
	snprintf(a, sizeof(a), "%s/hist-jank-phases-gc-frame_ns.svg", plots);
	svg = slurp(a);
	ck_assert_ptr_nonnull(svg);
	ck_assert_uint_eq(count(svg, "class=\"series\""), 2);
	free(svg);
	unlink(a);
	snprintf(a, sizeof(a), "%s/cdf-pressure-backends-pageout-ops-lat_ns.svg", plots);
	svg = slurp(a);
	ck_assert_ptr_nonnull(svg);
	ck_assert_ptr_nonnull(strstr(svg, "percentile points"));
	free(svg);
	cmp_free(c);
	free(c);
	snprintf(a, sizeof(a), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(a), 0);
}
END_TEST

START_TEST(test_plots_from_fixtures)
{
	char *files[] = { fixture("movers1.json"), fixture("movers2.json") };
	char tmp[] = "/tmp/check_plot.XXXXXX", path[600], err[512] = "";
	struct cmp *c = calloc(1, sizeof(*c));
	const char *p;
	char *svg;
	int n;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), 0);
	n = plot_all(c, tmp, err, sizeof(err));
	ck_assert_msg(n >= 2, "plot_all: %d %s", n, err);

	snprintf(path, sizeof(path), "%s/cdf-move-clat_ns.svg", tmp);
	svg = slurp(path);
	ck_assert_ptr_nonnull(svg);
	ck_assert(!strncmp(svg, "<?xml", 5));
	ck_assert_ptr_nonnull(strstr(svg, "</svg>\n"));
	ck_assert_ptr_nonnull(strstr(svg, "histogram bins"));	/* json+ fixtures */
	ck_assert_uint_eq(count(svg, "class=\"series\""), 2);
	ck_assert_ptr_nonnull(strstr(svg, ">movers1<"));
	ck_assert_ptr_nonnull(strstr(svg, ">1us<"));		/* log axis decades */
	/* every series is a real curve: many points, inside the plot area */
	p = strstr(svg, "points=\"");
	ck_assert_uint_ge(count(p, ","), 20);
	free(svg);
	unlink(path);

	snprintf(path, sizeof(path), "%s/scaling-movers.svg", tmp);
	svg = slurp(path);
	ck_assert_ptr_nonnull(svg);
	ck_assert_uint_eq(count(svg, "<circle"), 2);
	ck_assert_ptr_nonnull(strstr(svg, "rmap_policy=unpatched"));
	free(svg);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tail-move-clat_ns.svg", tmp);
	svg = slurp(path);
	ck_assert_ptr_nonnull(svg);
	ck_assert_ptr_nonnull(strstr(svg, ">99.9%<"));
	ck_assert_uint_eq(count(svg, "class=\"series\""), 2);
	free(svg);
	unlink(path);
	ck_assert_int_eq(rmdir(tmp), 0);	/* nothing else was written */
	cmp_free(c);
	free(c);
}
END_TEST

static void write_point(const char *path, const char *label, int movers, const char *reclaim,
			double pages_per_sec)
{
	json_t *root = json_pack("{s:i, s:[{s:s, s:{s:f}}], s:{s:s}, s:{s:s, s:i, s:s, s:I}}",
		"schema_version", 1, "results", "mode", "partitioned", "move", "pages_per_sec",
		pages_per_sec, "kernel", "rmap_policy", "anon_vma", "options", "label", label,
		"movers", movers, "reclaim", reclaim, "seed", (json_int_t)movers * 7);

	ck_assert_int_eq(json_dump_file(root, path, 0), 0);
	json_decref(root);
}

/* unescaped '|' in a markdown line */
static size_t md_pipes(const char *line)
{
	size_t n = 0;

	for (; *line && *line != '\n'; line++)
		if (*line == '\\' && line[1])
			line++;
		else
			n += *line == '|';
	return n;
}

/*
 * The scaling plot joins only runs equal in everything but the mover count:
 * reclaim=cold runs and runs without reclaim are two series, named by the
 * option that tells them apart.  A '|' in a label is escaped in markdown.
 */
START_TEST(test_scaling_series)
{
	char tmp[] = "/tmp/check_scaling.XXXXXX", f[4][700], path[700], err[512] = "";
	char *files[] = { f[0], f[1], f[2], f[3] }, *svg, *buf = NULL, *line;
	static const struct {
		const char *label, *reclaim;
		int movers;
		double pps;
	} pts[] = {
		{ "none|1", "none", 1, 1000 }, { "none|2", "none", 2, 1800 },
		{ "cold 1", "cold", 1, 400 }, { "cold 2", "cold", 2, 700 },
	};
	struct cmp *c = calloc(1, sizeof(*c));
	size_t i, len = 0, header;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	for (i = 0; i < 4; i++) {
		snprintf(f[i], sizeof(f[i]), "%s/p%zu.json", tmp, i);
		write_point(f[i], pts[i].label, pts[i].movers, pts[i].reclaim, pts[i].pps);
	}
	ck_assert_int_eq(cmp_load(c, files, 4, false, err, sizeof(err)), 0);
	ck_assert_int_ge(plot_all(c, tmp, err, sizeof(err)), 1);
	snprintf(path, sizeof(path), "%s/scaling-movers.svg", tmp);
	svg = slurp(path);
	ck_assert_ptr_nonnull(svg);
	ck_assert_uint_eq(count(svg, "<circle"), 4);
	ck_assert_uint_eq(count(svg, "class=\"series\""), 2);
	ck_assert_ptr_nonnull(strstr(svg, "rmap_policy=anon_vma reclaim=none"));
	ck_assert_ptr_nonnull(strstr(svg, "rmap_policy=anon_vma reclaim=cold"));
	free(svg);

	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "markdown", fp), 0);
	fclose(fp);
	line = strstr(buf, "\n| metric |");
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(strstr(line, " none\\|1 | none\\|2 |"));
	header = md_pipes(line + 1);
	ck_assert_uint_eq(header, 6);
	for (line = strchr(line + 1, '\n'); line && line[1] == '|'; line = strchr(line + 1, '\n'))
		ck_assert_msg(md_pipes(line + 1) == header, "%.80s", line + 1);
	free(buf);
	cmp_free(c);
	free(c);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_exit_codes)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	strcpy(o.exit_codes, "kselftest");
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_PASS), 0);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_SKIP), 4);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_FAILURE), 1);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_KERNEL_REPORT), 1);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_HANG), 1);
	strcpy(o.exit_codes, "automake");
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_SKIP), 77);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_USAGE), 99);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_HANG), 1);
	strcpy(o.exit_codes, "movestress");
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_HANG), MS_EXIT_HANG);
	ck_assert(opt_list_has("normal,json+", "json+"));
	ck_assert(!opt_list_has("normal,json+", "json"));
	ck_assert(opt_list_has("json", "json"));
}
END_TEST

/* @result with environment.kernel_build from @kernel (a hand-made kernel.json; NULL: none) in @out */
static void with_kernel(const char *result, const char *kernel, const char *out)
{
	json_t *r = json_load_file(fixture(result), 0, NULL), *k = NULL;

	ck_assert_ptr_nonnull(r);
	if (kernel) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", KERNELS_DIR, kernel);
		k = json_load_file(path, 0, NULL);
		ck_assert_ptr_nonnull(k);
		json_object_set_new(json_object_get(r, "environment"), "kernel_build", k);
	}
	ck_assert_int_eq(json_dump_file(r, out, JSON_INDENT(1)), 0);
	json_decref(r);
}

/* which kernel ran: results of different kernels only with --by-kernel, then a column each */
START_TEST(test_by_kernel)
{
	char tmp[] = "/tmp/check_compare_kernel.XXXXXX", a[96], b[96], u[96], err[1024], *buf = NULL;
	char *files[] = { a, b }, *mixed[] = { a, u };
	struct cmp *c = calloc(1, sizeof(*c));
	size_t len = 0;
	json_t *j, *runs;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(a, sizeof(a), "%s/a.json", tmp);
	snprintf(b, sizeof(b), "%s/b.json", tmp);
	snprintf(u, sizeof(u), "%s/u.json", tmp);
	with_kernel("movers1.json", "6.12.117-x86_64.json", a);
	with_kernel("movers2.json", "6.12.118-arm64.json", b);
	with_kernel("movers2.json", NULL, u);
	ck_assert_int_eq(cmp_load(c, files, 2, false, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "ran kernel v6.12.118-1-g0123abc-dirty/6.12@1a2b3c4d/kasan/arm64 but"));
	ck_assert_ptr_nonnull(strstr(err, "--by-kernel"));
	ck_assert_ptr_null(strchr(err, '\n'));
	cmp_free(c);
	/* a known kernel and an unknown one (a result from before kernel_build) are not the same either */
	ck_assert_int_eq(cmp_load(c, mixed, 2, false, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "ran kernel unknown but"));
	cmp_free(c);
	ck_assert_int_eq(cmp_load(c, files, 2, true, err, sizeof(err)), 0);
	/* the columns are the kernels, labelled by their id, each with its arch */
	ck_assert_str_eq(c->run[0].label, "6.12.117-deb12u1/6.12@1a2b3c4d/kasan/x86_64 [movers1]");
	ck_assert_str_eq(c->run[1].label, "v6.12.118-1-g0123abc-dirty/6.12@1a2b3c4d/kasan/arm64 [movers2]");
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "json", fp), 0);
	fclose(fp);
	j = json_loads(buf, 0, NULL);
	ck_assert_ptr_nonnull(j);
	runs = json_object_get(j, "runs");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(runs, 1), "arch")), "arm64");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(runs, 0), "kernel")),
			 "6.12.117-deb12u1/6.12@1a2b3c4d/kasan/x86_64");
	json_decref(j);
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(cmp_print(c, "text", fp), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, " kernel=v6.12.118-1-g0123abc-dirty/6.12@1a2b3c4d/kasan/arm64 arch=arm64\n"));
	free(buf);
	cmp_free(c);
	free(c);
	snprintf(err, sizeof(err), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(err), 0);
}
END_TEST

CHECK_MAIN("compare", test_t_table, test_welch_reference, test_load_fixtures, test_refuse_schema,
	   test_different_scenario, test_sides_and_formats, test_plots_from_fixtures, test_scaling_series,
	   test_exit_codes, test_by_kernel)
