// SPDX-License-Identifier: GPL-2.0-only
/*
 * The oracle's ledger against injected damage: each kind of loss,
 * duplication and corruption must be reported, naming the page.
 * Plain anonymous memory stands in for the regions; presence comes from
 * /proc/self/pagemap exactly as in a real run.
 */
#include "config.h"
#include "check_main.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "core/oracle.h"
#include "core/stamp.h"

#define NPAGES 64
#define SEED 0x1234abcdULL

struct fixture {
	struct region reg[MS_NR_REGIONS];
	uint8_t where[NPAGES];
	uint32_t gen[NPAGES];
	struct oracle_input in;
	struct oracle_result res;
};

static struct fixture *setup_fx(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	unsigned r;
	size_t s;

	for (r = 0; r < MS_NR_REGIONS; r++) {
		fx->reg[r].vma_pages = NPAGES / 2;
		fx->reg[r].nvmas = 2;
		fx->reg[r].vma_stride = (NPAGES / 2 + 1) * MS_PAGE_SIZE;
		fx->reg[r].base = mmap(NULL, fx->reg[r].vma_stride * 2, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ck_assert_ptr_ne(fx->reg[r].base, MAP_FAILED);
	}
	/* even pages in src, odd pages moved to dst, page 5 at generation 3 */
	for (s = 0; s < NPAGES; s++) {
		fx->where[s] = s % 2 ? REGION_DST : REGION_SRC;
		fx->gen[s] = s == 5 ? 3 : 0;
		stamp_write(region_addr(&fx->reg[fx->where[s]], s), SEED, REGION_SRC, s, fx->gen[s]);
	}
	fx->in = (struct oracle_input){ .reg = fx->reg, .npages = NPAGES, .where = fx->where,
					.gen = fx->gen, .seed = SEED };
	return fx;
}

static void teardown_fx(struct fixture *fx)
{
	unsigned r;

	for (r = 0; r < MS_NR_REGIONS; r++)
		munmap(fx->reg[r].base, fx->reg[r].vma_stride * 2);
	free(fx);
}

static void expect_one(struct fixture *fx, enum oracle_kind kind, uint32_t page)
{
	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	ck_assert_uint_eq(fx->res.violations, 1);
	ck_assert_uint_eq(fx->res.count[kind], 1);
	ck_assert_uint_eq(fx->res.ndetail, 1);
	ck_assert_int_eq(fx->res.detail[0].kind, kind);
	ck_assert_uint_eq(fx->res.detail[0].page, page);
}

START_TEST(test_clean)
{
	struct fixture *fx = setup_fx();

	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	ck_assert_uint_eq(fx->res.violations, 0);
	ck_assert_uint_eq(fx->res.pages_ok, NPAGES);
	ck_assert_uint_eq(fx->res.expected_pages, NPAGES);
	ck_assert_uint_eq(fx->res.present, NPAGES);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_lost)
{
	struct fixture *fx = setup_fx();

	madvise(region_addr(&fx->reg[REGION_DST], 7), MS_PAGE_SIZE, MADV_DONTNEED);
	expect_one(fx, OV_LOST, 7);
	ck_assert_int_eq(fx->res.detail[0].found_region, -1);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_duplicated)
{
	struct fixture *fx = setup_fx();

	/* page 9 lives in dst; a copy appears at its old place in src */
	memcpy(region_addr(&fx->reg[REGION_SRC], 9), region_addr(&fx->reg[REGION_DST], 9), MS_PAGE_SIZE);
	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	ck_assert_uint_eq(fx->res.count[OV_DUPLICATED], 1);
	ck_assert_uint_eq(fx->res.count[OV_MISPLACED], 1);
	ck_assert_uint_eq(fx->res.detail[0].page, 9);
	ck_assert_uint_eq(fx->res.detail[1].page, 9);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_corrupt)
{
	struct fixture *fx = setup_fx();

	region_addr(&fx->reg[REGION_SRC], 12)[2000] ^= 1;
	expect_one(fx, OV_CORRUPT, 12);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_zeroed)
{
	struct fixture *fx = setup_fx();

	memset(region_addr(&fx->reg[REGION_DST], 13), 0, MS_PAGE_SIZE);
	expect_one(fx, OV_ZEROED, 13);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_stale)
{
	struct fixture *fx = setup_fx();

	/* page 5 should be at generation 3; an old copy (gen 2) is what is there */
	stamp_write(region_addr(&fx->reg[REGION_DST], 5), SEED, REGION_SRC, 5, 2);
	expect_one(fx, OV_STALE, 5);
	ck_assert_uint_eq(fx->res.detail[0].found.gen, 2);
	ck_assert_uint_eq(fx->res.detail[0].exp_gen, 3);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_misplaced)
{
	struct fixture *fx = setup_fx();

	/* the ledger says page 20 moved to dst, but it is still in src */
	fx->where[20] = REGION_DST;
	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	ck_assert_uint_eq(fx->res.count[OV_MISPLACED], 1);
	ck_assert_uint_eq(fx->res.violations, 1);
	ck_assert_uint_eq(fx->res.detail[0].page, 20);
	ck_assert_int_eq(fx->res.detail[0].found_region, REGION_SRC);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_holes_and_json)
{
	struct fixture *fx = setup_fx();
	json_t *j;

	/* a hole: page 30 exists nowhere and nobody expects it */
	madvise(region_addr(&fx->reg[REGION_SRC], 30), MS_PAGE_SIZE, MADV_DONTNEED);
	fx->where[30] = REGION_NONE;
	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	ck_assert_uint_eq(fx->res.violations, 0);
	ck_assert_uint_eq(fx->res.expected_pages, NPAGES - 1);
	/* then damage one page and read the report back as JSON */
	region_addr(&fx->reg[REGION_DST], 31)[100] = 0x42;
	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	j = oracle_to_json(&fx->res);
	ck_assert(json_is_false(json_object_get(j, "pass")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "by_kind"), "corrupt")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(j, "first"), 0), "page")), 31);
	json_decref(j);
	teardown_fx(fx);
}
END_TEST

/* a page the ledger holds as zero: zeroes pass, a stamp written behind its back is not-zero */
START_TEST(test_zero_ledger)
{
	struct fixture *fx = setup_fx();
	uint8_t zero[NPAGES] = { 0 };

	zero[20] = zero[21] = 1;
	fx->in.zero = zero;
	memset(region_addr(&fx->reg[REGION_SRC], 20), 0, MS_PAGE_SIZE);
	memset(region_addr(&fx->reg[REGION_DST], 21), 0, MS_PAGE_SIZE);
	ck_assert_int_eq(oracle_check(&fx->in, &fx->res), 0);
	ck_assert_uint_eq(fx->res.violations, 0);
	ck_assert_uint_eq(fx->res.pages_ok, NPAGES);
	stamp_write(region_addr(&fx->reg[REGION_DST], 21), SEED, REGION_SRC, 21, 1);
	expect_one(fx, OV_NOT_ZERO, 21);
	teardown_fx(fx);
}
END_TEST

START_TEST(test_stamp)
{
	char *page = aligned_alloc(MS_PAGE_SIZE, MS_PAGE_SIZE);
	struct stamp st;

	stamp_write(page, 7, REGION_SRC, 99, 4);
	ck_assert_int_eq(stamp_check(page, &st), STAMP_OK);
	ck_assert_uint_eq(st.page, 99);
	ck_assert_uint_eq(st.gen, 4);
	page[MS_PAGE_SIZE - 1] ^= 0x80;
	ck_assert_int_eq(stamp_check(page, &st), STAMP_CORRUPT);
	memset(page, 0, MS_PAGE_SIZE);
	ck_assert_int_eq(stamp_check(page, &st), STAMP_ZERO);
	page[17] = 1;
	ck_assert_int_eq(stamp_check(page, &st), STAMP_GARBAGE);
	free(page);
}
END_TEST

CHECK_MAIN("oracle", test_clean, test_lost, test_duplicated, test_corrupt, test_zeroed, test_stale, test_misplaced, test_holes_and_json, test_zero_ledger, test_stamp)
