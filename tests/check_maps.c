// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_maps.c - the /proc/self/maps snapshot checker on crafted snapshots:
 * a missing (phantom gap), a duplicated and an overlapping stable VMA must
 * each be caught, and a hole in a range that is always mapped; torn lines
 * of changing VMAs must not be.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/maps-check.h"

/* two guards and a region VMA, as the co-workloads register them */
static const struct maps_range stable[] = {
	{ 0x7f0000001000, 0x7f0000002000, "guard 0" },
	{ 0x7f0000006000, 0x7f0000007000, "guard 1" },
	{ 0x7f0000200000, 0x7f0000400000, "src vma 0" },
};
#define NSTABLE (sizeof(stable) / sizeof(stable[0]))

/* a churned cell between the guards: its VMAs split and merge, it never has a hole */
static const struct maps_range covered[] = {
	{ 0x7f0000002000, 0x7f0000006000, "cell 0" },
};

static const char clean[] =
	"55d0c0000000-55d0c0021000 r--p 00000000 08:01 123 /usr/bin/movestress\n"
	"7f0000001000-7f0000002000 r--s 00000000 00:01 77 /memfd:movestress-guard (deleted)\n"
	"7f0000002000-7f0000004000 rw-p 00000000 00:00 0 \n"
	"7f0000004000-7f0000006000 r--p 00000000 00:00 0 \n"
	"7f0000006000-7f0000007000 r--s 00001000 00:01 77 /memfd:movestress-guard (deleted)\n"
	"7f0000007000-7f0000200000 ---p 00000000 00:00 0 \n"
	"7f0000200000-7f0000400000 rw-p 00000000 00:00 0 \n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n";

static uint64_t run(const char *snap, struct maps_result *res)
{
	unsigned seen[NSTABLE];
	uint64_t cover[1];
	struct maps_expect e = { stable, NSTABLE, covered, 1, seen, cover };

	return maps_check(snap, strlen(snap), &e, res);
}

/* replace the first occurrence of @from in @s by @to (same text otherwise) */
static char *edit(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *out;

	ck_assert_ptr_nonnull(p);
	out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, s, (size_t)(p - s));
	strcpy(out + (p - s), to);
	strcat(out, p + strlen(from));
	return out;
}

START_TEST(test_clean)
{
	struct maps_result res;

	ck_assert_uint_eq(run(clean, &res), 0);
	ck_assert_uint_eq(res.lines, 8);
	ck_assert_uint_eq(res.stable_seen, NSTABLE);
	ck_assert_uint_eq(res.torn, 0);
}
END_TEST

/* seed 004's phantom gap: the reader skipped guard 1 */
START_TEST(test_missing)
{
	char *s = edit(clean, "7f0000006000-7f0000007000 r--s 00001000 00:01 77 /memfd:movestress-guard (deleted)\n", "");
	struct maps_result res;

	ck_assert_uint_eq(run(s, &res), 1);
	ck_assert_uint_eq(res.count[MV_MISSING], 1);
	ck_assert_str_eq(res.detail[0].what, "guard 1");
	/* the lines on either side of the gap are named */
	ck_assert_uint_eq(res.detail[0].line, 4);
	ck_assert_ptr_nonnull(strstr(res.detail[0].text, "7f0000004000-7f0000006000"));
	ck_assert_ptr_nonnull(strstr(res.detail[0].other, "7f0000007000-7f0000200000"));
	free(s);
}
END_TEST

START_TEST(test_duplicated)
{
	char *s = edit(clean, "7f0000007000-7f0000200000 ---p 00000000 00:00 0 \n",
		       "7f0000006000-7f0000007000 r--s 00001000 00:01 77 /memfd:movestress-guard (deleted)\n"
		       "7f0000007000-7f0000200000 ---p 00000000 00:00 0 \n");
	struct maps_result res;

	ck_assert_uint_ge(run(s, &res), 1);
	ck_assert_uint_eq(res.count[MV_DUPLICATED], 1);
	ck_assert_uint_eq(res.count[MV_MISSING], 0);
	ck_assert_str_eq(res.detail[0].what, "guard 1");
	ck_assert_uint_eq(res.detail[0].line, 6);
	free(s);
}
END_TEST

/* a changing VMA reported across part of a guard */
START_TEST(test_overlap)
{
	char *s = edit(clean, "7f0000004000-7f0000006000 r--p", "7f0000004000-7f0000006800 r--p");
	struct maps_result res;

	ck_assert_uint_ge(run(s, &res), 1);
	ck_assert_uint_eq(res.count[MV_OVERLAP], 1);
	ck_assert_str_eq(res.detail[0].what, "guard 1");
	ck_assert_uint_eq(res.detail[0].line, 4);
	ck_assert_ptr_nonnull(strstr(res.detail[0].text, "7f0000004000-7f0000006800"));
	free(s);
}
END_TEST

/* the region VMA shown split in two: overlap of a stable VMA, and it is missing */
START_TEST(test_split_stable)
{
	char *s = edit(clean, "7f0000200000-7f0000400000 rw-p 00000000 00:00 0 \n",
		       "7f0000200000-7f0000300000 rw-p 00000000 00:00 0 \n"
		       "7f0000300000-7f0000400000 rw-p 00000000 00:00 0 \n");
	struct maps_result res;

	ck_assert_uint_ge(run(s, &res), 3);
	ck_assert_uint_eq(res.count[MV_OVERLAP], 2);
	ck_assert_uint_eq(res.count[MV_MISSING], 1);
	free(s);
}
END_TEST

/* a line going back below a stable line shown before it */
START_TEST(test_backwards)
{
	char *s = edit(clean, "7f0000007000-7f0000200000 ---p 00000000 00:00 0 \n",
		       "7f0000007000-7f0000200000 ---p 00000000 00:00 0 \n"
		       "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n");
	struct maps_result res;

	ck_assert_uint_eq(run(s, &res), 1);
	ck_assert_uint_eq(res.count[MV_BACKWARDS], 1);
	ck_assert_uint_eq(res.detail[0].line, 7);
	ck_assert_uint_eq(res.detail[0].other_line, 5);
	free(s);
}
END_TEST

/* a changing VMA shown again after a merge extended it: torn, not a failure */
START_TEST(test_torn_allowed)
{
	char *s = edit(clean, "7f0000004000-7f0000006000 r--p 00000000 00:00 0 \n",
		       "7f0000002000-7f0000006000 rw-p 00000000 00:00 0 \n");
	struct maps_result res;

	ck_assert_uint_eq(run(s, &res), 0);
	ck_assert_uint_eq(res.torn, 1);
	ck_assert_ptr_nonnull(strstr(res.torn_example[1], "7f0000002000-7f0000006000"));
	free(s);
}
END_TEST

/* seed 004: the reader saw the cell's VMA after it shrank, not the new VMA below it */
START_TEST(test_gap)
{
	char *s = edit(clean, "7f0000004000-7f0000006000 r--p", "7f0000005000-7f0000006000 r--p");
	struct maps_result res;

	ck_assert_uint_eq(run(s, &res), 1);
	ck_assert_uint_eq(res.count[MV_GAP], 1);
	ck_assert_str_eq(res.detail[0].what, "cell 0");
	ck_assert_uint_eq(res.detail[0].start, 0x7f0000004000);
	ck_assert_uint_eq(res.detail[0].end, 0x7f0000005000);
	ck_assert_uint_eq(res.detail[0].line, 3);
	ck_assert_uint_eq(res.detail[0].other_line, 4);
	free(s);
}
END_TEST

START_TEST(test_garbage)
{
	char *s = edit(clean, "7f0000002000-7f0000004000 rw-p", "7f000000200x-7f0000004000 rw-p");
	struct maps_result res;
	char *t;

	/* and the range that line should have covered is a gap */
	ck_assert_uint_eq(run(s, &res), 2);
	ck_assert_uint_eq(res.count[MV_PARSE], 1);
	ck_assert_uint_eq(res.count[MV_GAP], 1);
	free(s);
	t = edit(clean, "7f0000002000-7f0000004000", "7f0000004000-7f0000002000");
	ck_assert_uint_eq(run(t, &res), 2);
	ck_assert_uint_eq(res.count[MV_PARSE], 1);
	free(t);
}
END_TEST

START_TEST(test_empty)
{
	struct maps_result res;

	struct maps_expect none = { 0 };

	ck_assert_uint_eq(run("", &res), NSTABLE + 1);
	ck_assert_uint_eq(res.count[MV_MISSING], NSTABLE);
	ck_assert_uint_eq(res.count[MV_GAP], 1);
	ck_assert_uint_eq(maps_check("", 0, &none, &res), 0);
}
END_TEST

static Suite *maps_suite(void)
{
	Suite *s = suite_create("maps");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_duplicated);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_split_stable);
	tcase_add_test(tc, test_backwards);
	tcase_add_test(tc, test_torn_allowed);
	tcase_add_test(tc, test_gap);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(maps_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
