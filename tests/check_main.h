/* SPDX-License-Identifier: GPL-2.0-only */
/* One main() for every Check unit test: a suite of one test case. */
#ifndef MOVESTRESS_CHECK_MAIN_H
#define MOVESTRESS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int check_run(const char *suite, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(suite);
	TCase *tc = tcase_create(suite);
	SRunner *sr;
	size_t i;
	int failed;

	for (i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* CHECK_MAIN("name", test_a, test_b, ...) */
#define CHECK_MAIN(suite, ...)							\
int main(void)									\
{										\
	const TTest *const tests[] = { __VA_ARGS__ };				\
										\
	return check_run(suite, tests, sizeof(tests) / sizeof(tests[0]));	\
}

#endif
