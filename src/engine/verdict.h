/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What turns a pass into a failure or a kernel report beyond the oracle
 * (engine/verdict.c): kernel health, the patched kernels' rmap race
 * counter, the MOVE page accounting.  Shared by run and explore.
 */
#ifndef MOVESTRESS_VERDICT_H
#define MOVESTRESS_VERDICT_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/run.h"

/* the verdict so far: run_verdict()'s name and exit code, raised by the checks below */
struct verdict {
	const char *name;
	int code;
};

/*
 * The "health" block: taint before (@taint0, @taint_err) and now, the
 * /dev/kmsg reports since @marker, the watchdog (r->hung, r->hang_info);
 * a report or new taint makes @v a kernel report, a hang a hang.  @out:
 * the summary line (NULL: none).
 */
json_t *health_block(struct run *r, unsigned long taint0, int taint_err,
		     const char *marker, struct verdict *v, FILE *out);
/* kernel.counters.rmap_walk_mapping_changed > 0: a kernel report ("health.rmap_race") */
void rmap_race_check(json_t *result, struct verdict *v, FILE *out);
/* run's MOVE accounting: every worker's pages and the side workloads' against uffd_move_pages */
void move_accounting_check(const struct run *r, json_t *result, json_t *mode_res,
			   struct verdict *v, FILE *out);
/* the check itself: @user pages our ioctls were told moved; "move_accounting" into @into */
void move_accounting_pages(uint64_t user, json_t *result, json_t *into, struct verdict *v, FILE *out);

#endif
