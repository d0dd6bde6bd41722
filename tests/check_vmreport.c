// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_vmreport.c - movestress report: the confidence intervals and the
 * Student's t quantiles they use, and the report built from fixture
 * vm-check results directories (tests/data/report: a 2-scenario x
 * 3-policy x 3-trial matrix with known values, the same matrix as two
 * shards, and a directory of another patch series).
 */
#include "check_main.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/compare.h"
#include "cli/options.h"
#include "report/vmreport.h"
#include "cli/cli.h"

#ifndef REPORT_DIR
#define REPORT_DIR "tests/data/report"
#endif
#ifndef KERNELS_DIR
#define KERNELS_DIR "tests/data/kernels"
#endif

START_TEST(test_t_quantiles)
{
	/* two-sided 95%: the 0.975 quantile of Student's t */
	ck_assert_double_eq_tol(t_crit_975(1), 12.706, 1e-3);
	ck_assert_double_eq_tol(t_crit_975(2), 4.303, 1e-3);
	ck_assert_double_eq_tol(t_crit_975(4), 2.776, 1e-3);
	ck_assert_double_eq_tol(t_crit_975(9), 2.262, 1e-3);
	ck_assert_double_eq_tol(t_crit_975(29), 2.045, 1e-3);
	/* between rows: the row below (wider, conservative) */
	ck_assert_double_eq_tol(t_crit_975(45), 2.021, 1e-3);
	ck_assert_double_eq_tol(t_crit_975(INFINITY), 1.960, 1e-3);
}
END_TEST

START_TEST(test_ci_known_data)
{
	/* 2 4 4 4 5 5 7 9: mean 5, s = sqrt(32/7), t(7) = 2.365 */
	const double a[] = { 2, 4, 4, 4, 5, 5, 7, 9 }, b[] = { 1, 2, 3 }, c[] = { 42 };
	struct vr_stats s;
	double h = 2.365 * sqrt(32.0 / 7) / sqrt(8);

	vr_stats_of(a, 8, &s);
	ck_assert_uint_eq(s.n, 8);
	ck_assert_double_eq_tol(s.mean, 5, 1e-12);
	ck_assert_double_eq_tol(s.sd, sqrt(32.0 / 7), 1e-12);
	ck_assert_double_eq_tol(s.lo, 5 - h, 1e-9);
	ck_assert_double_eq_tol(s.hi, 5 + h, 1e-9);
	/* n = 3: t(2) = 4.303, s = 1 */
	vr_stats_of(b, 3, &s);
	ck_assert_double_eq_tol(s.lo, 2 - 4.303 / sqrt(3), 1e-9);
	ck_assert_double_eq_tol(s.hi, 2 + 4.303 / sqrt(3), 1e-9);
	/* one trial: no interval */
	vr_stats_of(c, 1, &s);
	ck_assert_double_eq(s.lo, 42);
	ck_assert_double_eq(s.hi, 42);
	ck_assert_double_eq(s.sd, 0);
	vr_stats_of(c, 0, &s);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

/* a fresh directory under one per-process root, removed at exit */
static char root[64];

static void rm_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
}

static char *tmpdir(void)
{
	static char t[4][96];
	static int i;

	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/check_vmreport.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(root));
		atexit(rm_root);
	}
	i = (i + 1) % 4;
	snprintf(t[i], sizeof(t[i]), "%s/%d", root, i);
	return t[i];
}

/* the report of @dirs written into @out, as `movestress report --output=OUT` does */
static int build_to(char **dirs, size_t n, const char *out, json_t **rep, char *err, size_t len)
{
	struct vr_opts vo = { .outdir = out };

	return vr_build(dirs, n, &vo, rep, err, len);
}

static json_t *metric_of(json_t *rep, const char *scen, const char *id, const char *pol)
{
	json_t *s, *m;
	size_t i, k;

	json_array_foreach(json_object_get(rep, "scenarios"), i, s) {
		if (strcmp(json_string_value(json_object_get(s, "name")), scen))
			continue;
		json_array_foreach(json_object_get(s, "metrics"), k, m)
			if (!strcmp(json_string_value(json_object_get(m, "id")), id))
				return json_object_get(json_object_get(m, "policies"), pol);
	}
	return NULL;
}

static double ci(json_t *v, int i)
{
	return json_number_value(json_array_get(json_object_get(v, "ci95"), i));
}

START_TEST(test_report_fixture)
{
	char *dirs[] = { REPORT_DIR "/full" }, err[1024], path[256];
	char *out = tmpdir();
	json_t *rep = NULL, *v;
	struct stat st;
	FILE *f;
	char md[65536];
	size_t n;

	ck_assert_int_eq(build_to(dirs, 1, out, &rep, err, sizeof(err)), 0);
	/* anon_vma blocked 4000 5000 6000: mean 5000 -+ 4.303 * 1000 / sqrt(3) */
	v = metric_of(rep, "partitioned-memcg-classic", "move_blocked", "anon_vma");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "n")), 3);
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 5000, 1e-9);
	ck_assert_double_eq_tol(ci(v, 0), 5000 - 4303 / sqrt(3), 1e-6);
	ck_assert_double_eq_tol(ci(v, 1), 5000 + 4303 / sqrt(3), 1e-6);
	/* folio: 0 0 0, -100%, Welch t = -8.66 on df 2 > 4.303: significant */
	v = metric_of(rep, "partitioned-memcg-classic", "move_blocked", "folio");
	ck_assert_double_eq(json_number_value(json_object_get(v, "mean")), 0);
	v = json_object_get(v, "vs_base");
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "delta_pct")), -100, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "t")), -5000 / (1000 / sqrt(3)), 1e-6);
	ck_assert(json_is_true(json_object_get(v, "significant")));
	/* the wait maximum of trial 3 was not reset (before 5, after 5): left out */
	v = metric_of(rep, "partitioned-memcg-classic", "move_wait_max_ns", "anon_vma");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "n")), 2);
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 225e6, 1);
	/* reclaim efficiency: pgsteal_anon / pgscan_anon */
	v = metric_of(rep, "partitioned-memcg-classic", "reclaim_efficiency_pct", "anon_vma");
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 75, 1e-9);
	/* trylock failures per 1000 scanned: 3 2 1 of 10000 */
	v = metric_of(rep, "partitioned-memcg-classic", "referenced_trylock_fail_per_kscan", "folio");
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 0.2, 1e-9);
	/* the jank cell: frame p99, and the UI's D-state (absent episode = 0) */
	v = metric_of(rep, "jank-memcg", "ui_frame_p99_ns", "anon_vma");
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 35e6, 1);
	v = metric_of(rep, "jank-memcg", "ui_longest_d_state_ns", "folio");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "n")), 3);
	ck_assert_double_eq(json_number_value(json_object_get(v, "mean")), 0);
	/* safety: every cell passed */
	v = metric_of(rep, "jank-memcg", "kernel_reports", "mark");
	ck_assert_double_eq(json_number_value(json_object_get(v, "mean")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(rep, "baseline")), "anon_vma");
	ck_assert(json_is_true(json_object_get(rep, "wall_clock_distorted")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rep, "conclusion")),
				     "Under `folio`, MOVE blocked on the anon_vma lock in 0 of the 2 scenario(s)"));
	/* report.md: the test named, TCG said, the table; and the plots */
	snprintf(path, sizeof(path), "%s/report.md", out);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(md, 1, sizeof(md) - 1, f);
	md[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(md, "Welch's t-test"));
	ck_assert_ptr_nonnull(strstr(md, "Under QEMU TCG"));
	ck_assert_ptr_nonnull(strstr(md, "| MOVE blocked on the anon_vma lock (uffd_move_anon_vma_blocked) | "
				     "5000 [2516, 7484] | 0 (-100%\\*) |"));
	snprintf(path, sizeof(path), "%s/plots/move_blocked.svg", out);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 1000);
	json_decref(rep);
}
END_TEST

/* an explore cell has no "results" array: its kernel counters still count */
START_TEST(test_report_explore_cells)
{
	char *dirs[] = { REPORT_DIR "/explore" }, err[1024];
	json_t *rep = NULL, *v;

	ck_assert_int_eq(build_to(dirs, 1, tmpdir(), &rep, err, sizeof(err)), 0);
	v = metric_of(rep, "explore-page_idle", "move_blocked", "anon_vma");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "n")), 2);
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 220, 1e-9);
	v = metric_of(rep, "explore-page_idle", "move_blocked", "folio");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "n")), 2);
	ck_assert_double_eq(json_number_value(json_object_get(v, "mean")), 0);
	ck_assert_ptr_null(strstr(json_string_value(json_object_get(rep, "conclusion")), "are missing"));
	json_decref(rep);
}
END_TEST

/* report.md without its first 4 lines (title, kernel, sources); static, two at a time */
static const char *md_body(const char *dir)
{
	static char buf[2][65536];
	static int k;
	char path[160], *p;
	size_t n;
	FILE *f;
	int i;

	k ^= 1;
	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf[k], 1, sizeof(buf[k]) - 1, f);
	buf[k][n] = '\0';
	fclose(f);
	for (p = buf[k], i = 0; i < 4 && p; i++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	return p ?: "";
}

START_TEST(test_report_shards_merge)
{
	char *full[] = { REPORT_DIR "/full" };
	char *shards[] = { REPORT_DIR "/shard-2", REPORT_DIR "/shard-1" }, err[1024];
	json_t *a = NULL, *b = NULL;

	char *da = tmpdir(), *db = tmpdir();

	ck_assert_int_eq(build_to(full, 1, da, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(build_to(shards, 2, db, &b, err, sizeof(err)), 0);
	/* report.md too, below its header (which names the sources) */
	ck_assert_str_eq(md_body(da), md_body(db));
	/* the same report, whichever order the shards come in; only the sources differ */
	json_object_del(a, "sources");
	json_object_del(b, "sources");
	ck_assert(json_equal(a, b));
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(test_report_refusals)
{
	char *other[] = { REPORT_DIR "/full", REPORT_DIR "/other-series" };
	/* full/ has no "arch": it is from before --arch, an x86_64 guest */
	char *arch[] = { REPORT_DIR "/full", REPORT_DIR "/other-arch" };
	char *dup[] = { REPORT_DIR "/full", REPORT_DIR "/shard-1" };
	char *none[] = { REPORT_DIR "/no-such-dir" };
	char err[1024];

	ck_assert_int_eq(build_to(other, 2, tmpdir(), NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "series"));
	ck_assert_ptr_null(strchr(err, '\n'));
	/* two unknown kernels (no kernel.json) of different architectures: two kernels */
	ck_assert_int_eq(build_to(arch, 2, tmpdir(), NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "ran kernel unknown/arm64 but"));
	ck_assert_ptr_nonnull(strstr(err, "ran unknown/x86_64"));
	ck_assert_ptr_nonnull(strstr(err, "--by-kernel"));
	ck_assert_int_eq(build_to(dup, 2, tmpdir(), NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "in more than one directory"));
	ck_assert_int_eq(build_to(none, 1, tmpdir(), NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "not a vm-check results directory"));
}
END_TEST

/* issue 22 item 8: malformed input named for what it is, a FIFO never waited on */
START_TEST(test_report_malformed)
{
	char *schema[] = { REPORT_DIR "/bad-schema" }, *cells[] = { REPORT_DIR "/bad-cells" };
	char err[1024], cmd[512], *d = tmpdir(), *out = tmpdir();
	char *fifo[] = { d };
	json_t *rep = NULL, *notes, *n;
	size_t i;
	bool named = false;

	ck_assert_int_eq(build_to(schema, 1, out, NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "schema_version 999 is not one this movestress reads"));
	ck_assert_int_eq(build_to(cells, 1, out, NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "cells[0] is a number"));
	ck_assert_ptr_null(strchr(err, '\n'));
	/* a cell's result that is a FIFO: noted as unreadable, the report still built */
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp -r '%s/full' '%s' && cd '%s/full/cells' && rm jank-memcg.t1-folio.json && "
		 "mkfifo jank-memcg.t1-folio.json", d, REPORT_DIR, d, d);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/full", d);
	fifo[0] = cmd;
	ck_assert_int_eq(build_to(fifo, 1, out, &rep, err, sizeof(err)), 0);
	notes = json_object_get(rep, "notes");
	json_array_foreach(notes, i, n)
		named |= strstr(json_string_value(n), "jank-memcg.t1-folio.json unreadable: not a regular file") != NULL;
	ck_assert(named);
	json_decref(rep);
}
END_TEST

/* two copies of the full fixture, with hand-made kernel.json files (NULL: none) */
static void two_kernels(char *d, const char *ka, const char *kb)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp -r '%s/full' '%s/a' && cp -r '%s/full' '%s/b'", d, REPORT_DIR, d,
		 REPORT_DIR, d);
	ck_assert_int_eq(system(cmd), 0);
	if (ka) {
		snprintf(cmd, sizeof(cmd), "cp '%s/%s' '%s/a/kernel.json'", KERNELS_DIR, ka, d);
		ck_assert_int_eq(system(cmd), 0);
	}
	snprintf(cmd, sizeof(cmd), "cp '%s/%s' '%s/b/kernel.json'", KERNELS_DIR, kb, d);
	ck_assert_int_eq(system(cmd), 0);
}

/* the kernel under test: different kernels are refused, or (--by-kernel) a column each */
START_TEST(test_report_by_kernel)
{
	char *d = tmpdir(), *unk = tmpdir(), a[160], b[160], ua[160], ub[160], err[1024], path[256];
	char *dirs[] = { a, b }, *mixed[] = { ua, ub };
	struct vr_opts vo = { .outdir = tmpdir() };
	json_t *rep = NULL, *cols, *v;
	FILE *f;
	char md[65536];
	size_t n;

	two_kernels(d, "6.12.117-x86_64.json", "6.12.118-arm64.json");
	snprintf(a, sizeof(a), "%s/a", d);
	snprintf(b, sizeof(b), "%s/b", d);
	ck_assert_int_eq(vr_build(dirs, 2, &vo, NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "ran kernel v6.12.118-1-g0123abc-dirty/6.12@1a2b3c4d/kasan/arm64 but"));
	ck_assert_ptr_nonnull(strstr(err, "--by-kernel"));
	ck_assert_ptr_null(strchr(err, '\n'));
	/* a known kernel and an unknown one (no kernel.json): not the same kernel either */
	two_kernels(unk, NULL, "6.12.118-arm64.json");
	snprintf(ua, sizeof(ua), "%s/a", unk);
	snprintf(ub, sizeof(ub), "%s/b", unk);
	ck_assert_int_eq(vr_build(mixed, 2, &vo, NULL, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "but"));
	/* --by-kernel: the kernel is a column like a policy, labelled by its id, its arch a field */
	vo.by_kernel = true;
	ck_assert_int_eq(vr_build(dirs, 2, &vo, &rep, err, sizeof(err)), 0);
	ck_assert(json_is_true(json_object_get(rep, "by_kernel")));
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "kernels")), 2);
	cols = json_object_get(rep, "columns");
	ck_assert_uint_eq(json_array_size(cols), 6);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 0), "label")),
			 "6.12.117-deb12u1/6.12@1a2b3c4d/kasan/x86_64 [anon_vma]");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 0), "arch")), "x86_64");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 4), "policy")), "folio");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 4), "arch")), "arm64");
	ck_assert_str_eq(json_string_value(json_object_get(rep, "baseline")),
			 "6.12.117-deb12u1/6.12@1a2b3c4d/kasan/x86_64 [anon_vma]");
	/* the same cells on both kernels: the same values, and a change of 0 against the base */
	v = metric_of(rep, "partitioned-memcg-classic", "move_blocked",
		      "v6.12.118-1-g0123abc-dirty/6.12@1a2b3c4d/kasan/arm64 [anon_vma]");
	ck_assert_ptr_nonnull(v);
	ck_assert_double_eq_tol(json_number_value(json_object_get(v, "mean")), 5000, 1e-9);
	json_decref(rep);
	snprintf(path, sizeof(path), "%s/report.md", vo.outdir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(md, 1, sizeof(md) - 1, f);
	md[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(md, "- kernels compared (--by-kernel: a column per kernel and policy):\n"
				     "  - `6.12.117-deb12u1/6.12@1a2b3c4d/kasan/x86_64` (source debian:6.12=6.12.117-1~deb12u1"));
	ck_assert_ptr_nonnull(strstr(md, "The kernels under test"));
	ck_assert_ptr_nonnull(strstr(md, "arch arm64, accel kvm"));
}
END_TEST

/*
 * --by-kernel over directories without kernel.json (an x86_64 matrix from
 * before vm-check --arch, an arm64 one): a column per architecture and
 * policy, each with its arch, the kernels named by it
 */
START_TEST(test_report_by_arch)
{
	char *dirs[] = { REPORT_DIR "/full", REPORT_DIR "/other-arch" }, err[1024], path[256], md[65536];
	struct vr_opts vo = { .outdir = tmpdir(), .by_kernel = true };
	json_t *rep = NULL, *cols;
	FILE *f;
	size_t n;

	ck_assert_int_eq(vr_build(dirs, 2, &vo, &rep, err, sizeof(err)), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "kernels")), 2);
	cols = json_object_get(rep, "columns");
	ck_assert_uint_eq(json_array_size(cols), 6);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 0), "label")), "unknown/x86_64 [anon_vma]");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 0), "arch")), "x86_64");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 3), "label")), "unknown/arm64 [anon_vma]");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 3), "arch")), "arm64");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cols, 3), "kernel")), "unknown");
	ck_assert_ptr_nonnull(metric_of(rep, "partitioned-memcg-classic", "move_blocked", "unknown/arm64 [anon_vma]"));
	json_decref(rep);
	snprintf(path, sizeof(path), "%s/report.md", vo.outdir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(md, 1, sizeof(md) - 1, f);
	md[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(md, "  - `unknown/arm64` (no kernel.json: results from before kernel identities; arch arm64)\n"));
	ck_assert_ptr_nonnull(strstr(md, "unknown/arm64 [anon_vma]"));
}
END_TEST

/* cli_main(@args...) with stdout into @out; its exit code */
static int run_cli(const char *out, const char *const *args)
{
	char *argv[16];
	int argc = 0, saved, fd, ret;

	argv[argc++] = "movestress";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	fflush(stdout);
	saved = dup(1);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	dup2(fd, 1);
	close(fd);
	ret = cli_main(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return ret;
}

/* issue 22 item 7: compare with directories, the options it is given, and its inputs left alone */
START_TEST(test_compare_dirs)
{
	char *d = tmpdir(), *o = tmpdir(), *p = tmpdir(), cmd[1024], s1[160], s2[160], out[160], path[256];
	struct stat st;
	json_t *j;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp -r '%s/shard-1' '%s/shard-2' '%s/full' '%s'", d, REPORT_DIR,
		 REPORT_DIR, REPORT_DIR, d);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(s1, sizeof(s1), "%s/shard-1", d);
	snprintf(s2, sizeof(s2), "%s/shard-2", d);
	snprintf(out, sizeof(out), "%s/stdout", d);
	/* two directories: the report on stdout (main: asked for --output, which compare refused) */
	ck_assert_int_eq(run_cli(out, (const char *const[]){ "compare", s1, s2, NULL }), 0);
	/* nothing written into the inputs */
	snprintf(path, sizeof(path), "%s/report.md", s1);
	ck_assert_int_ne(stat(path, &st), 0);
	/* --output=DIR: the report's files there */
	snprintf(cmd, sizeof(cmd), "--output=%s", o);
	ck_assert_int_eq(run_cli(out, (const char *const[]){ "compare", cmd, s1, s2, NULL }), 0);
	snprintf(path, sizeof(path), "%s/report.json", o);
	ck_assert_int_eq(stat(path, &st), 0);
	/* --format=json: report.json on stdout */
	ck_assert_int_eq(run_cli(out, (const char *const[]){ "compare", "--format=json", s1, s2, NULL }), 0);
	j = json_load_file(out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "schema")), "movestress-report/1");
	json_decref(j);
	/* --format=csv: for result files only, said in one line */
	ck_assert_int_eq(run_cli(out, (const char *const[]){ "compare", "--format=csv", s1, NULL }), MS_EXIT_USAGE);
	/* --plot=DIR: the plots there */
	snprintf(cmd, sizeof(cmd), "--plot=%s", p);
	snprintf(path, sizeof(path), "%s/full", d);
	ck_assert_int_eq(run_cli(out, (const char *const[]){ "compare", cmd, path, NULL }), 0);
	snprintf(path, sizeof(path), "%s/move_blocked.svg", p);
	ck_assert_int_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/full/report.md", d);
	ck_assert_int_ne(stat(path, &st), 0);
	/* result files with --output: refused (their comparison goes to stdout) */
	ck_assert_int_eq(run_cli(out, (const char *const[]){ "compare", "--output=x", REPORT_DIR "/full/cells/"
			 "jank-memcg.t1-folio.json", NULL }), MS_EXIT_USAGE);
}
END_TEST

CHECK_MAIN("vmreport", test_t_quantiles, test_ci_known_data, test_report_fixture, test_report_shards_merge,
	   test_report_refusals, test_report_explore_cells, test_report_malformed, test_report_by_kernel,
	   test_report_by_arch,
	   test_compare_dirs)
