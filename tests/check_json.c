// SPDX-License-Identifier: GPL-2.0-only
/* The result JSON: written, parsed back, checked field by field. */
#include "config.h"
#include "check_main.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/report.h"

static void fill(struct worker *w, unsigned n)
{
	unsigned i, k;

	for (i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		hist_init(&w[i].st.move_lat);
		hist_init(&w[i].st.aux_lat);
		for (k = 1; k <= 1000; k++)
			hist_add(&w[i].st.move_lat, k * 1000ull);	/* 1us..1ms */
		w[i].st.ops = 1000;
		w[i].st.pages = 1000;
		w[i].st.retries[EAGAIN] = i + 1;
	}
	w[0].st.failures = 1;
	w[0].st.nfail = 1;
	w[0].st.fail[0] = (struct op_failure){ .op = "UFFDIO_MOVE", .dst = 0x1000, .src = 0x2000,
					       .len = 4096, .err = EINVAL, .ret = 0 };
}

START_TEST(test_stats_roundtrip)
{
	struct worker w[3];
	struct thread_stats tot;
	json_t *j, *back, *clat, *pct;
	json_error_t jerr;
	char *text;

	fill(w, 3);
	stats_merge(&tot, w, 3);
	ck_assert_uint_eq(tot.ops, 3000);
	ck_assert_uint_eq(tot.retries[EAGAIN], 6);
	ck_assert_uint_eq(tot.move_lat.n, 3000);
	j = stats_to_json(&tot, 2000000000ull, false);
	text = json_dumps(j, JSON_INDENT(2));
	back = json_loads(text, 0, &jerr);
	ck_assert_msg(back != NULL, "parse: %s", jerr.text);
	ck_assert_int_eq(json_integer_value(json_object_get(back, "ops")), 3000);
	ck_assert(json_real_value(json_object_get(back, "pages_per_sec")) == 1500.0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(back, "retries"), "EAGAIN")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(back, "failures")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(back, "failure_detail"), 0), "errno")), "EINVAL");
	clat = json_object_get(back, "clat_ns");
	ck_assert_int_eq(json_integer_value(json_object_get(clat, "min")), 1000);
	ck_assert_int_eq(json_integer_value(json_object_get(clat, "max")), 1000000);
	ck_assert_int_eq(json_integer_value(json_object_get(clat, "N")), 3000);
	pct = json_object_get(clat, "percentile");
	ck_assert(json_is_object(pct));
	/* fio's key format and a median within 1% of 500us */
	ck_assert(json_object_get(pct, "50.000000") != NULL);
	ck_assert(llabs((long long)json_integer_value(json_object_get(pct, "50.000000")) - 500000) < 5000);
	ck_assert(json_object_get(clat, "bins") == NULL);
	free(text);
	json_decref(j);
	json_decref(back);
}
END_TEST

START_TEST(test_write_file)
{
	char path[] = "/tmp/check_json.XXXXXX";
	json_t *j = json_pack("{s:i, s:s}", "schema_version", MS_SCHEMA_VERSION, "verdict", "pass"), *back;
	json_error_t jerr;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(write_json_file(path, j), 0);
	back = json_load_file(path, 0, &jerr);
	ck_assert_ptr_nonnull(back);
	ck_assert(json_equal(j, back));
	ck_assert_int_ne(write_json_file("/nonexistent-dir/x.json", j), 0);
	unlink(path);
	json_decref(j);
	json_decref(back);
}
END_TEST

START_TEST(test_errno_names)
{
	ck_assert_str_eq(errno_name(EAGAIN), "EAGAIN");
	ck_assert_str_eq(errno_name(EEXIST), "EEXIST");
	ck_assert_str_eq(errno_name(ENOENT), "ENOENT");
	ck_assert_str_eq(errno_name(EBUSY), "EBUSY");
	ck_assert_str_eq(errno_name(99), "E99");
}
END_TEST

CHECK_MAIN("json", test_stats_roundtrip, test_write_file, test_errno_names)
