/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Temporary swap for a run (--swap=auto|zram|file|none): when no swap is
 * active, add a zram device or a swapfile sized from the run, recorded in
 * the state file first (sysstate.h).  The swap is then shared: a run that
 * starts meanwhile swaps to it too, and the last run using it removes it
 * (sysstate_shared_*(), "swap").  Other swap is never touched.
 */
#ifndef MOVESTRESS_SWAP_H
#define MOVESTRESS_SWAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <jansson.h>

struct swap_setup {
	char kind[16];		/* "existing", "zram", "file", "none" */
	char device[256];	/* what was swapped on */
	char reason[600];	/* why none / why a fallback */
	uint64_t bytes;
	int swapon_id;		/* sysstate entry ids, -1 = none */
	int zram_id, node_id, file_id;
	int shared_id;		/* our reference to the swap shared by runs */
	long added_by;		/* pid of the run that added the shared swap */
	long zram_dev;		/* zram device number or -1 */
};

/* Is swap active now? total kB in *kb */
int swap_active(uint64_t *kb);
/* zram support: 0 or -errno with @why */
int swap_zram_supported(char *why, size_t len);
/*
 * Set up swap of @bytes for @mode ("auto", "zram", "file", "none").
 * 0 on success (s->kind says what; "none" with a reason is not an
 * error for "auto"), -errno with @why when an explicit kind failed.
 */
int swap_setup(struct swap_setup *s, const char *mode, uint64_t bytes, char *why, size_t len);
/* Remove what swap_setup() added (before the state file is dropped). */
void swap_teardown(struct swap_setup *s);
/* the swap this run used is no longer on (someone removed it meanwhile) */
bool swap_gone(const struct swap_setup *s);
json_t *swap_to_json(const struct swap_setup *s);

#endif
