/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_STAMP_H
#define MOVESTRESS_STAMP_H

#include <stdbool.h>
#include <stdint.h>

#define STAMP_MAGIC 0x4d565354u	/* "MVST" */

/*
 * The first bytes of every page.  The rest of the page is a pattern
 * derived from (seed, page, gen); csum covers that pattern, so a torn,
 * zeroed or stale page is told apart from an intact one.
 */
struct stamp {
	uint32_t magic;
	uint16_t region;	/* region the page was born in */
	uint16_t flags;
	uint32_t page;		/* page identity: its slot */
	uint32_t gen;		/* content generation */
	uint64_t seed;
	uint64_t csum;		/* checksum of the pattern after the stamp */
};

enum stamp_state {
	STAMP_OK,
	STAMP_ZERO,		/* all-zero page: data lost */
	STAMP_GARBAGE,		/* no magic, not zero */
	STAMP_CORRUPT,		/* magic ok, pattern or checksum wrong */
};

void stamp_write(void *page, uint64_t seed, uint16_t region, uint32_t idx, uint32_t gen);
enum stamp_state stamp_check(const void *page, struct stamp *out);
const char *stamp_state_name(enum stamp_state s);
uint64_t stamp_pattern_csum(uint64_t seed, uint32_t idx, uint32_t gen);

#endif
