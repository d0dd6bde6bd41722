/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_ORACLE_H
#define MOVESTRESS_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/run.h"
#include "core/stamp.h"

/* What the oracle needs: the layout and the ledger (who should be where). */
struct oracle_input {
	const struct region *reg;	/* MS_NR_REGIONS regions */
	size_t npages;			/* slots per region */
	const uint8_t *where;		/* expected region per page, REGION_NONE = hole */
	const uint32_t *gen;		/* expected generation per page */
	uint64_t seed;
	const uint64_t *pfn0;		/* expected frame per page, or NULL */
	/* per page: 1 = the ledger holds it as zero (UFFDIO_ZEROPAGE, not written since), or NULL */
	const uint8_t *zero;
};

enum oracle_kind {
	OV_LOST,		/* expected page found nowhere */
	OV_DUPLICATED,		/* page found in two places */
	OV_ZEROED,		/* expected page reads as zeroes */
	OV_CORRUPT,		/* stamp present, contents wrong */
	OV_GARBAGE,		/* neither stamp nor zeroes */
	OV_STALE,		/* older generation than expected */
	OV_MISPLACED,		/* intact page at the wrong place */
	OV_STRAY,		/* something mapped where no page should be */
	OV_COPIED,		/* moved page changed its frame (a copy, not a move) */
	OV_NOT_ZERO,		/* a page the ledger holds as zero reads something else */
	OV_NR_KINDS,
};

#define ORACLE_MAX_DETAIL 32

struct oracle_violation {
	enum oracle_kind kind;
	uint32_t page;			/* page identity (slot) */
	uint8_t exp_region;
	uint32_t exp_gen;
	int found_region;		/* -1: not found */
	size_t found_slot;
	enum stamp_state state;
	struct stamp found;
	uint64_t pfn_expected, pfn_found;
};

struct oracle_result {
	uint64_t checked;		/* slots examined */
	uint64_t present, swapped;	/* per pagemap */
	uint64_t pages_ok;
	uint64_t expected_pages;
	uint64_t count[OV_NR_KINDS];
	uint64_t violations;
	unsigned ndetail;
	struct oracle_violation detail[ORACLE_MAX_DETAIL];
	bool pfn_checked;
	char error[160];		/* non-empty: the oracle itself could not run */
};

int oracle_check(const struct oracle_input *in, struct oracle_result *res);
const char *oracle_kind_name(enum oracle_kind k);
json_t *oracle_to_json(const struct oracle_result *res);
void oracle_print(FILE *f, const struct oracle_result *res);

/* /proc/self/pagemap entry bits */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAPPED	(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)
int pagemap_read(int fd, const void *addr, size_t npages, uint64_t *out);

#endif
