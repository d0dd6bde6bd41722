// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_hist.c - unit tests for the log-linear latency histogram.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"

static struct hist *hist_new(void)
{
	struct hist *h = malloc(sizeof(*h));

	ck_assert_ptr_nonnull(h);
	hist_init(h);
	return h;
}

static double rel_err(double got, double want)
{
	if (want == 0.0)
		return fabs(got);
	return fabs(got - want) / want;
}

/* every value from 1 ns to 10 s maps to a bucket whose value is within 1% */
START_TEST(test_idx_roundtrip)
{
	uint64_t ns, step;
	unsigned int idx, prev = 0;

	for (ns = 1; ns <= UINT64_C(10000000000); ns += step) {
		idx = hist_val_to_idx(ns);
		ck_assert_uint_lt(idx, HIST_NR_BUCKETS);
		ck_assert_uint_ge(idx, prev);	/* monotonic */
		prev = idx;
		ck_assert_msg(rel_err(hist_idx_to_val(idx), ns) < 0.01,
			      "ns=%llu idx=%u val=%llu", (unsigned long long)ns,
			      idx, (unsigned long long)hist_idx_to_val(idx));
		/* the bucket value maps back to its own bucket */
		ck_assert_uint_eq(hist_val_to_idx(hist_idx_to_val(idx)), idx);
		/* dense at first, then ~1000 probes per power of two */
		step = ns < 100000 ? 1 : ns / 1024;
	}
	/* small values are exact */
	for (ns = 0; ns < 128; ns++)
		ck_assert_uint_eq(hist_idx_to_val(hist_val_to_idx(ns)), ns);
	/* out of range values saturate in the last bucket */
	ck_assert_uint_eq(hist_val_to_idx(UINT64_MAX), HIST_NR_BUCKETS - 1);
	ck_assert_uint_eq(hist_val_to_idx(UINT64_C(1) << 40), HIST_NR_BUCKETS - 1);
	ck_assert_uint_lt(hist_val_to_idx((UINT64_C(1) << 34) - 1),
			  HIST_NR_BUCKETS);
}
END_TEST

START_TEST(test_uniform_percentiles)
{
	struct hist *h = hist_new();
	uint64_t i, n = 1000000;
	int j;

	for (i = 1; i <= n; i++)
		hist_add(h, i);

	ck_assert_uint_eq(h->n, n);
	ck_assert_uint_eq(h->min, 1);
	ck_assert_uint_eq(h->max, n);
	ck_assert_double_eq_tol(h->mean, 500000.5, 1e-6);
	/* stddev of 1..n is sqrt((n^2 - 1) / 12) * sqrt(n / (n - 1)) */
	ck_assert_double_eq_tol(hist_stddev(h),
		sqrt(((double)n * n - 1) / 12.0 * n / (n - 1)), 1e-3);

	for (j = 0; j < hist_default_npcts; j++) {
		double pct = hist_default_pcts[j];
		double want = ceil(pct * n / 100.0);

		ck_assert_msg(rel_err(hist_percentile(h, pct), want) < 0.01,
			      "p%g: got %llu want %.0f", pct,
			      (unsigned long long)hist_percentile(h, pct), want);
	}
	ck_assert_uint_eq(hist_percentile(h, 100.0), n);
	free(h);
}
END_TEST

START_TEST(test_constant)
{
	struct hist *h = hist_new();
	int i, j;

	for (i = 0; i < 1000; i++)
		hist_add(h, 123456789);
	for (j = 0; j < hist_default_npcts; j++)
		ck_assert_uint_eq(hist_percentile(h, hist_default_pcts[j]),
				  123456789);
	ck_assert_double_eq_tol(h->mean, 123456789.0, 1e-6);
	ck_assert_double_eq_tol(hist_stddev(h), 0.0, 1e-6);
	free(h);
}
END_TEST

/* 90% fast at 1 us, 10% slow at 5 ms: the tail must show the slow mode */
START_TEST(test_two_point)
{
	struct hist *h = hist_new();
	int i;

	for (i = 0; i < 9000; i++)
		hist_add(h, 1000);
	for (i = 0; i < 1000; i++)
		hist_add(h, 5000000);

	ck_assert(rel_err(hist_percentile(h, 50.0), 1000) < 0.01);
	ck_assert(rel_err(hist_percentile(h, 90.0), 1000) < 0.01);
	ck_assert(rel_err(hist_percentile(h, 90.01), 5000000) < 0.01);
	ck_assert(rel_err(hist_percentile(h, 99.0), 5000000) < 0.01);
	ck_assert_uint_eq(hist_percentile(h, 100.0), 5000000);
	ck_assert_double_eq_tol(h->mean, 0.9 * 1000 + 0.1 * 5000000, 1e-6);
	/* population variance p(1-p)(a-b)^2, scaled to the sample variance */
	ck_assert_double_eq_tol(hist_stddev(h),
		sqrt(0.09 * 4999000.0 * 4999000.0 * 10000 / 9999), 1e-3);
	free(h);
}
END_TEST

START_TEST(test_merge_halves)
{
	struct hist *whole = hist_new(), *a = hist_new(), *b = hist_new();
	uint64_t x = 88172645463325252ULL, v;
	unsigned int i;
	int k;

	/* xorshift64: a spread over 6 decades, split unevenly */
	for (k = 0; k < 200000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = 100 + x % 1000 * (1 + x % 100000);
		hist_add(whole, v);
		hist_add(k % 3 ? a : b, v);
	}
	hist_merge(a, b);

	ck_assert_uint_eq(a->n, whole->n);
	ck_assert_uint_eq(a->min, whole->min);
	ck_assert_uint_eq(a->max, whole->max);
	ck_assert(rel_err(a->mean, whole->mean) < 1e-12);
	ck_assert(rel_err(hist_stddev(a), hist_stddev(whole)) < 1e-9);
	for (i = 0; i < HIST_NR_BUCKETS; i++)
		ck_assert_uint_eq(a->buckets[i], whole->buckets[i]);

	/* merging into or from an empty histogram */
	hist_init(b);
	hist_merge(b, whole);
	ck_assert_mem_eq(b, whole, sizeof(*b));
	hist_init(a);
	hist_merge(whole, a);
	ck_assert_mem_eq(b, whole, sizeof(*b));
	free(whole);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_empty)
{
	struct hist *h = hist_new();
	json_t *obj;

	ck_assert_uint_eq(hist_percentile(h, 50.0), 0);
	ck_assert_uint_eq(hist_percentile(h, 100.0), 0);
	ck_assert_double_eq(hist_stddev(h), 0.0);

	obj = hist_to_json(h, hist_default_pcts, hist_default_npcts, true);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(json_integer_value(json_object_get(obj, "N")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(obj, "min")), 0);
	ck_assert_int_eq(json_object_size(json_object_get(obj, "bins")), 0);
	ck_assert_int_eq(hist_from_json(h, obj), 0);
	ck_assert_uint_eq(h->n, 0);
	json_decref(obj);

	/* a single sample: stddev 0, every percentile is that sample */
	hist_add(h, 7777);
	ck_assert_uint_eq(hist_percentile(h, 1.0), 7777);
	ck_assert_uint_eq(hist_percentile(h, 99.99), 7777);
	ck_assert_double_eq(hist_stddev(h), 0.0);
	free(h);
}
END_TEST

START_TEST(test_json_roundtrip)
{
	struct hist *h = hist_new(), *back = hist_new();
	json_t *obj, *parsed, *pct;
	json_error_t jerr;
	char *text;
	int i;

	for (i = 1; i <= 5000; i++)
		hist_add(h, (uint64_t)i * i);

	obj = hist_to_json(h, hist_default_pcts, hist_default_npcts, true);
	ck_assert_ptr_nonnull(obj);
	text = json_dumps(obj, JSON_COMPACT);
	ck_assert_ptr_nonnull(text);
	json_decref(obj);

	parsed = json_loads(text, 0, &jerr);
	ck_assert_msg(parsed != NULL, "json: %s", jerr.text);
	free(text);

	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "N")), 5000);
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "min")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "max")),
			 25000000);
	pct = json_object_get(parsed, "percentile");
	ck_assert_int_eq(json_object_size(pct), hist_default_npcts);
	ck_assert_int_eq(json_integer_value(json_object_get(pct, "50.000000")),
			 hist_percentile(h, 50.0));
	ck_assert_int_eq(json_integer_value(json_object_get(pct, "99.990000")),
			 hist_percentile(h, 99.99));
	ck_assert_double_eq_tol(json_real_value(json_object_get(parsed, "mean")),
				h->mean, 1e-9);

	ck_assert_int_eq(hist_from_json(back, parsed), 0);
	ck_assert_uint_eq(back->n, h->n);
	ck_assert_uint_eq(back->min, h->min);
	ck_assert_uint_eq(back->max, h->max);
	ck_assert_double_eq_tol(back->mean, h->mean, 1e-9);
	ck_assert(rel_err(hist_stddev(back), hist_stddev(h)) < 1e-9);
	ck_assert_mem_eq(back->buckets, h->buckets, sizeof(h->buckets));
	for (i = 0; i < hist_default_npcts; i++)
		ck_assert_uint_eq(hist_percentile(back, hist_default_pcts[i]),
				  hist_percentile(h, hist_default_pcts[i]));

	/* without bins, and with broken bins, it is not invertible */
	json_object_del(parsed, "bins");
	ck_assert_int_eq(hist_from_json(back, parsed), -EINVAL);
	ck_assert_uint_eq(back->n, 0);
	json_object_set_new(parsed, "bins", json_pack("{s:i}", "130", 5000));
	ck_assert_int_eq(hist_from_json(back, parsed), -EINVAL);	/* 130 not a bucket value */
	json_object_set_new(parsed, "bins", json_pack("{s:i}", "131", 4999));
	ck_assert_int_eq(hist_from_json(back, parsed), -EINVAL);	/* sum != N */
	json_object_set_new(parsed, "bins", json_pack("{s:i}", "131", 5000));
	ck_assert_int_eq(hist_from_json(back, parsed), 0);
	ck_assert_uint_eq(back->buckets[hist_val_to_idx(130)], 5000);
	ck_assert_int_eq(hist_from_json(back, json_object_get(parsed, "N")),
			 -EINVAL);
	json_decref(parsed);
	free(h);
	free(back);
}
END_TEST

static Suite *hist_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_idx_roundtrip);
	tcase_add_test(tc, test_uniform_percentiles);
	tcase_add_test(tc, test_constant);
	tcase_add_test(tc, test_two_point);
	tcase_add_test(tc, test_merge_halves);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_json_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hist_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
