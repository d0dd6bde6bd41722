// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_explore.c - explore's pure logic: --ops weights, the op log file
 * format (round trip, version, corruption) and ddmin on a synthetic
 * predicate.
 */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore/explore.h"
#include "check_main.h"

START_TEST(test_weights)
{
	struct xweights w;
	char err[256];
	int counts[XOP_NR] = { 0 };
	uint64_t r = 1;

	ck_assert_int_eq(xweights_parse("move:10,fork:1", &w, err, sizeof(err)), 0);
	ck_assert_uint_eq(w.w[XOP_MOVE1], 10);
	ck_assert_uint_eq(w.w[XOP_FORK], 1);
	ck_assert_uint_eq(w.w[XOP_PAGEOUT], 0);	/* only the ops named */
	xweights_finish(&w);
	ck_assert_uint_eq(w.total, 11);
	for (int i = 0; i < 11000; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		counts[xweights_pick(&w, r)]++;
	}
	ck_assert_int_gt(counts[XOP_MOVE1], 9000);
	ck_assert_int_gt(counts[XOP_FORK], 500);
	ck_assert_int_eq(counts[XOP_MOVE1] + counts[XOP_FORK], 11000);
	/* a bare name takes the table's default weight */
	ck_assert_int_eq(xweights_parse("touch", &w, err, sizeof(err)), 0);
	ck_assert_uint_eq(w.w[XOP_TOUCH], xop_table[XOP_TOUCH].weight);
	/* defaults: every op of the table but the negative control */
	ck_assert_int_eq(xweights_parse("", &w, err, sizeof(err)), 0);
	ck_assert_uint_eq(w.w[XOP_INJECT], 0);
	ck_assert_uint_gt(w.w[XOP_MOVE1], 0);
}
END_TEST

START_TEST(test_weights_bad)
{
	static const char *const bad[] = {
		"nosuchop:1", "move:0", "move:-1", "move:x", "move:", "move:1,inject:1", "move:99999999",
		/* issue 22: a duplicate keeping its last weight, "+5", " 5", an empty op */
		"move:1,move:5", "move:+5", "move: 5", "move:1,", ",move", "move,,fork",
		"zeropage:0", "fault-zero:-2", "write:w", "thp-refill:", "write:1,thp-refil:1", "zero-page:1",
	};
	struct xweights w;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_ne(xweights_parse(bad[i], &w, err, sizeof(err)), 0);
		ck_assert_ptr_nonnull(strstr(err, "--ops"));
		ck_assert_ptr_null(strchr(err, '\n'));
	}
}
END_TEST

static void tmpname(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/check_explore.%d.xlog", getpid());
}

START_TEST(test_log_roundtrip)
{
	struct xrec rec[3] = {
		{ .thread = 0, .op = XOP_MOVE1, .flags = XF_DONE, .slot = 5, .npages = 1, .t_ns = 10 },
		{ .thread = 1, .op = XOP_MOVESPLIT, .flags = XF_DONE, .slot = 600, .npages = 40, .err = 11 },
		{ .thread = 1, .op = XOP_INJECT, .arg = XINJ_LOSE, .flags = XF_DONE, .slot = 7, .npages = 1 },
	};
	struct xlog_file f = { .version = XLOG_VERSION, .seed = 42, .nthreads = 2, .npages = 1024,
			       .rec = rec, .n = 3 }, g;
	char path[64], err[256];

	tmpname(path, sizeof(path));
	ck_assert_int_eq(xlog_write(path, &f), 0);
	ck_assert(xlog_is_log(path));
	ck_assert_int_eq(xlog_read(path, &g, err, sizeof(err)), 0);
	ck_assert_uint_eq(g.seed, 42);
	ck_assert_uint_eq(g.nthreads, 2);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_int_eq(memcmp(g.rec, rec, sizeof(rec)), 0);
	free(g.rec);
	unlink(path);
}
END_TEST

START_TEST(test_log_corrupt)
{
	struct xrec rec = { .thread = 0, .op = XOP_MOVE1, .flags = XF_DONE, .slot = 5, .npages = 1 };
	struct xlog_file f = { .version = XLOG_VERSION, .seed = 1, .nthreads = 1, .npages = 512,
			       .rec = &rec, .n = 1 }, g;
	char path[64], err[256];
	FILE *fp;

	tmpname(path, sizeof(path));
	/* not a log */
	fp = fopen(path, "w");
	fputs("{\"hello\": 1}\n", fp);
	fclose(fp);
	ck_assert(!xlog_is_log(path));
	ck_assert_int_ne(xlog_read(path, &g, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "not an explore op log"));
	/* truncated */
	ck_assert_int_eq(xlog_write(path, &f), 0);
	ck_assert_int_eq(truncate(path, 7 + 4 + 8 + 4 + 4 + 8 + 10), 0);
	ck_assert_int_ne(xlog_read(path, &g, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "corrupt"));
	/* a record outside the regions */
	rec.slot = 600;
	ck_assert_int_eq(xlog_write(path, &f), 0);
	ck_assert_int_ne(xlog_read(path, &g, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "corrupt record 0"));
	/* another version */
	rec.slot = 5;
	ck_assert_int_eq(xlog_write(path, &f), 0);
	fp = fopen(path, "r+");
	fseek(fp, 7, SEEK_SET);
	fputc(9, fp);
	fclose(fp);
	ck_assert_int_ne(xlog_read(path, &g, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "version 9"));
	unlink(path);
}
END_TEST

/* fails when both records with slot 13 and 77 are there, in that order */
static int needs_two(const struct xrec *rec, size_t n, void *arg)
{
	size_t i;
	int seen = 0;

	(*(unsigned *)arg)++;
	for (i = 0; i < n; i++) {
		if (rec[i].slot == 13 && seen == 0)
			seen = 1;
		if (rec[i].slot == 77 && seen == 1)
			seen = 2;
	}
	return seen == 2;
}

/* fails for anything, but stops the search after 5 calls */
static int stops(const struct xrec *rec, size_t n, void *arg)
{
	(void)rec;
	(void)n;
	return ++*(unsigned *)arg > 5 ? -1 : 1;
}

/* a predicate that says stop (the budget, a signal): ddmin returns what it has at once */
START_TEST(test_ddmin_stop)
{
	struct xrec rec[1000];
	unsigned calls = 0;
	size_t i, n;

	for (i = 0; i < 1000; i++)
		rec[i] = (struct xrec){ .op = XOP_MOVE1, .slot = (uint32_t)i, .npages = 1 };
	n = xlog_ddmin(rec, 1000, stops, &calls, 60ULL * 1000000000ULL);
	ck_assert_uint_eq(calls, 6);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 1000);
}
END_TEST

START_TEST(test_ddmin)
{
	struct xrec rec[200];
	unsigned calls = 0;
	size_t i, n;

	for (i = 0; i < 200; i++)
		rec[i] = (struct xrec){ .op = XOP_MOVE1, .slot = (uint32_t)(i * 7 % 101), .npages = 1 };
	rec[30].slot = 13;
	rec[150].slot = 77;
	ck_assert(needs_two(rec, 200, &calls) > 0);
	n = xlog_ddmin(rec, 200, needs_two, &calls, 10ULL * 1000000000ULL);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(rec[0].slot, 13);
	ck_assert_uint_eq(rec[1].slot, 77);
	ck_assert_uint_lt(calls, 400);
}
END_TEST

/* the text of @path, or NULL */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = malloc(1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/*
 * The reproducer carries the engine's op ABI and op bodies verbatim (one
 * source: a change to an op changes both); what it replays is what ran,
 * in time order, as struct xrec rows.
 */
START_TEST(test_repro)
{
	struct xrec rec[4] = {
		{ .thread = 1, .op = XOP_MIGRATE, .arg = 1, .flags = XF_DONE, .slot = 400, .npages = 4, .t_ns = 31 },
		{ .thread = 0, .op = XOP_MOVE1, .flags = XF_BUSY, .slot = 5, .npages = 1, .t_ns = 10 },
		{ .thread = 0, .op = XOP_INJECT, .arg = XINJ_DUP, .flags = XF_DONE, .slot = 7, .npages = 1, .t_ns = 40 },
		{ .thread = 0, .op = XOP_VMSPLICE, .flags = XF_DONE, .slot = 9, .npages = 1, .t_ns = 20 },
	};
	struct xlog_file f = { .version = XLOG_VERSION, .seed = 42, .nthreads = 2, .npages = 1024,
			       .rec = rec, .n = 4 };
	char path[64], row[128], *text, *bodies, *abi;
	const char *a, *b, *c;

	tmpname(path, sizeof(path));
	ck_assert_int_eq(xrepro_write(path, &f), 0);
	text = slurp(path);
	unlink(path);
	bodies = slurp(EXPLORE_DIR "/xop-bodies.h");
	abi = slurp(EXPLORE_DIR "/xop.h");
	ck_assert_msg(strstr(text, bodies), "the reproducer does not carry xop-bodies.h verbatim");
	ck_assert_msg(strstr(text, abi), "the reproducer does not carry xop.h verbatim");
	ck_assert_ptr_nonnull(strstr(text, "#define NTHREADS 2U"));
	ck_assert_ptr_null(strstr(text, "/* @"));	/* every marker replaced */
	/* the busy move did not run; the rest by time, with what the engine's bodies read */
	ck_assert_ptr_null(strstr(text, "/* move, explore/0"));
	snprintf(row, sizeof(row), "\t{ 0, %d, 0, 1, 9, 1, 0, 20ULL },\t/* vmsplice, explore/0, t=20ns */", XOP_VMSPLICE);
	a = strstr(text, row);
	snprintf(row, sizeof(row), "\t{ 1, %d, 1, 1, 400, 4, 0, 31ULL },\t/* migrate, explore/1, t=31ns */", XOP_MIGRATE);
	b = strstr(text, row);
	snprintf(row, sizeof(row), "\t{ 0, %d, %d, 1, 7, 1, 0, 40ULL },\t/* inject, explore/0, t=40ns */", XOP_INJECT,
		 XINJ_DUP);
	c = strstr(text, row);
	ck_assert(a && b && c && a < b && b < c);
	free(text);
	free(bodies);
	free(abi);
}
END_TEST

/* the rows say what the engine needs, consistently (a new op's row is checked here) */
START_TEST(test_rows)
{
	for (int i = 0; i < XOP_NR; i++) {
		const struct xop_desc *d = &xop_table[i];

		ck_assert_msg(d->name && d->help && d->call, "row %d: name, help and call", i);
		ck_assert_int_eq(xop_lookup(d->name), i);
		/* an op that changes the ledger holds its pages' locks */
		ck_assert_msg(!d->update || d->lock != XL_SHARED, "op %s: an update needs .lock", d->name);
		/* a precondition on ledger pages is checked under their locks */
		ck_assert_msg(d->needs <= XN_REGION || d->lock != XL_SHARED, "op %s: .needs without .lock", d->name);
		ck_assert_msg(!d->pre || d->lock != XL_SHARED, "op %s: .pre without .lock", d->name);
		ck_assert_msg((d->range == XR_DROPPED) == (d->needs == XN_DROPPED), "op %s: XR_DROPPED is XN_DROPPED's", d->name);
		ck_assert_msg(d->needs != XN_CHUNK || d->range == XR_PMD, "op %s: XN_CHUNK needs XR_PMD", d->name);
		ck_assert_msg(d->range != XR_NONE || d->lock == XL_SHARED, "op %s: no pages, no page locks", d->name);
		ck_assert_msg(d->control ? !d->weight : d->weight > 0, "op %s: weight", d->name);
		/* an op drawn away from the chunks kept whole works on a chunk's pages */
		ck_assert_msg(!d->splits_thp || d->range != XR_NONE, "op %s: splits_thp", d->name);
	}
}
END_TEST

/*
 * The invariants' rule: only a difference both large and significant
 * fails; chance (small samples, small differences) never does.
 */
START_TEST(test_invariant_rule)
{
	struct xinv_verdict v;

	/* equal rates, all or none: no failure */
	ck_assert(!xinv_judge(128, 128, 128, 128).fails);
	ck_assert(!xinv_judge(0, 128, 0, 128).fails);
	/* moved pages better than never-moved: one-sided, no failure */
	ck_assert(!xinv_judge(128, 128, 0, 128).fails);
	/* too few pages in a group: never judged, however different */
	v = xinv_judge(0, XINV_MIN_N - 1, 128, 128);
	ck_assert(!v.fails);
	ck_assert(v.p_value == 1);
	/* large and significant: 50% of the moved pages against all of the others */
	v = xinv_judge(64, 128, 128, 128);
	ck_assert(v.fails);
	ck_assert(v.diff > 0.49 && v.diff < 0.51);
	ck_assert(v.p_value < 1e-10);
	/* significant but small (8 points on big samples): no failure */
	v = xinv_judge(92000, 100000, 100000, 100000);
	ck_assert(v.p_value < XINV_ALPHA);
	ck_assert(!v.fails);
	/* large but not significant on small samples: no failure */
	v = xinv_judge(6, 10, 10, 10);
	ck_assert(v.diff >= XINV_MIN_DIFF);
	ck_assert(v.p_value > XINV_ALPHA);
	ck_assert(!v.fails);
	/* every moved page fails, every other passes, the least sample: it fires */
	ck_assert(xinv_judge(0, XINV_MIN_N * 2, XINV_MIN_N * 2, XINV_MIN_N * 2).fails);
}
END_TEST

/*
 * False positives by chance: two groups drawn from one rate (0.5 to 1.0),
 * 128 pages each, 20000 times: the rule never fires.
 */
START_TEST(test_invariant_no_chance)
{
	uint64_t r = 12345;
	unsigned fired = 0;

	for (unsigned trial = 0; trial < 20000; trial++) {
		double p = 0.5 + (trial % 6) * 0.1;
		uint64_t ok[2] = { 0, 0 };

		for (int g = 0; g < 2; g++)
			for (int i = 0; i < 128; i++) {
				r ^= r << 13;
				r ^= r >> 7;
				r ^= r << 17;
				ok[g] += (double)(r >> 11) / (double)(1ULL << 53) < p;
			}
		fired += xinv_judge(ok[0], 128, ok[1], 128).fails;
	}
	ck_assert_uint_eq(fired, 0);
}
END_TEST

CHECK_MAIN("explore", test_rows, test_invariant_rule, test_invariant_no_chance, test_weights, test_weights_bad, test_log_roundtrip, test_log_corrupt, test_ddmin, test_ddmin_stop,
	   test_repro)
