// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fallback uapi values in src/uffd-compat.h must match
 * include/uapi/linux/userfaultfd.h (STYLE.md 2.6 warns of a project that
 * got ALLOW_SRC_HOLES wrong).  These are the kernel's numbers, written
 * out here on purpose rather than taken from any header.
 */
#include "config.h"
#include "check_main.h"
#include <stddef.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include "core/uffd.h"

START_TEST(test_values)
{
	ck_assert_uint_eq(UFFD_FEATURE_MOVE, 1u << 16);
	ck_assert_uint_eq(_UFFDIO_MOVE, 0x05);
	ck_assert_uint_eq(UFFDIO_MOVE_MODE_DONTWAKE, 1ull << 0);
	ck_assert_uint_eq(UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, 1ull << 1);
	ck_assert_uint_eq(UFFD_USER_MODE_ONLY, 1);
}
END_TEST

START_TEST(test_struct)
{
	ck_assert_uint_eq(sizeof(struct uffdio_move), 40);
	ck_assert_uint_eq(offsetof(struct uffdio_move, dst), 0);
	ck_assert_uint_eq(offsetof(struct uffdio_move, src), 8);
	ck_assert_uint_eq(offsetof(struct uffdio_move, len), 16);
	ck_assert_uint_eq(offsetof(struct uffdio_move, mode), 24);
	ck_assert_uint_eq(offsetof(struct uffdio_move, move), 32);
}
END_TEST

START_TEST(test_ioctl_number)
{
	/* _IOWR(0xAA, 0x05, 40 bytes) as the kernel computes it */
	unsigned long expect = (3ul << 30) | (40ul << 16) | (0xAAul << 8) | 0x05;

	ck_assert_uint_eq(UFFDIO_MOVE, expect);
	ck_assert_uint_eq(USERFAULTFD_IOC_NEW, (0xAAul << 8) | 0x00);
}
END_TEST

/* a 16K or 64K-page kernel (arm64, Android's 16K builds) is a skip with the reason */
START_TEST(test_page_size)
{
	char why[256] = "";

	ck_assert_int_eq(uffd_page_size_check(4096, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	ck_assert_int_eq(uffd_page_size_check(16384, why, sizeof(why)), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "page size 16 KiB"));
	ck_assert_int_eq(uffd_page_size_check(65536, NULL, 0), -EOPNOTSUPP);
}
END_TEST

CHECK_MAIN("compat", test_values, test_struct, test_ioctl_number, test_page_size)
