// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_delayacct.c - per-thread delay accounting figures: deltas from the
 * thread's first poll, and impossible figures (longer than the thread has
 * lived, or going backwards) left out with the reason.
 */
#include <check.h>
#include <string.h>

#include "pressure/pressure-int.h"
#include "check_main.h"

#define MS	1000000ULL
#define S	1000000000ULL

START_TEST(test_delta_from_first_poll)
{
	struct da_sample a = { .lifetime_ns = 2 * MS }, b = { .lifetime_ns = 3 * S }, d;
	char why[256];

	a.ns[DA_BLKIO] = 10 * MS;
	b.ns[DA_BLKIO] = 510 * MS;
	a.ns[DA_SWAPIN] = 1 * MS;
	b.ns[DA_SWAPIN] = 3 * S;	/* the whole life asleep: possible */
	ck_assert_uint_eq(delayacct_delta(&a, &b, &d, why, sizeof(why)), 0);
	ck_assert_uint_eq(d.ns[DA_BLKIO], 500 * MS);
	ck_assert_uint_eq(d.ns[DA_SWAPIN], 3 * S - 1 * MS);
	ck_assert_uint_eq(d.lifetime_ns, 3 * S);
	ck_assert_str_eq(why, "");
}
END_TEST

/* seen on the 6.18 host: 2187 s of blkio delay in a 3 s run (the uptime) */
START_TEST(test_longer_than_life)
{
	struct da_sample a = { .lifetime_ns = 1 * MS }, b = { .lifetime_ns = 3 * S }, d;
	char why[256];
	unsigned bad;

	b.ns[DA_BLKIO] = 2187 * S;
	b.ns[DA_CPU] = 20 * MS;
	bad = delayacct_delta(&a, &b, &d, why, sizeof(why));
	ck_assert_uint_eq(bad, 1U << DA_BLKIO);
	ck_assert_uint_eq(d.ns[DA_BLKIO], 0);
	ck_assert_uint_eq(d.ns[DA_CPU], 20 * MS);
	ck_assert_msg(strstr(why, "blkio_delay_ns 2187.0 s") && strstr(why, "3.0 s"), "%s", why);
	ck_assert_str_eq(da_field_names[DA_BLKIO], "blkio_delay_ns");
}
END_TEST

/* an impossible figure already there at the first poll is not ours */
START_TEST(test_baseline_removes_earlier)
{
	struct da_sample a = { .lifetime_ns = 1 * MS }, b = { .lifetime_ns = 3 * S }, d;
	char why[256];

	a.ns[DA_BLKIO] = 693 * S;
	b.ns[DA_BLKIO] = 693 * S + 200 * MS;
	ck_assert_uint_eq(delayacct_delta(&a, &b, &d, why, sizeof(why)), 0);
	ck_assert_uint_eq(d.ns[DA_BLKIO], 200 * MS);
}
END_TEST

START_TEST(test_backwards)
{
	struct da_sample a = { .lifetime_ns = 1 * S }, b = { .lifetime_ns = 3 * S }, d;
	char why[256];

	a.ns[DA_THRASHING] = 2 * S;
	b.ns[DA_THRASHING] = 1 * S;
	a.ns[DA_COMPACT] = 1;
	b.ns[DA_COMPACT] = 5 * S;
	ck_assert_uint_eq(delayacct_delta(&a, &b, &d, why, sizeof(why)),
			  (1U << DA_THRASHING) | (1U << DA_COMPACT));
	ck_assert_msg(strstr(why, "thrashing_delay_ns") && strstr(why, "went backwards"), "%s", why);
	ck_assert_uint_eq(d.ns[DA_THRASHING], 0);
	ck_assert_uint_eq(d.ns[DA_COMPACT], 0);
}
END_TEST

CHECK_MAIN("delayacct", test_delta_from_first_poll, test_longer_than_life,
	   test_baseline_removes_earlier, test_backwards)
