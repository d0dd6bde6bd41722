/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every mover loop calls while the engine runs: the checkpoint gate
 * and the one UFFDIO_MOVE wrapper (engine/move.c).
 */
#ifndef MOVESTRESS_MOVE_H
#define MOVESTRESS_MOVE_H

#include <stdint.h>

#include "core/run.h"

/* checkpoint gate: movers call this between ops */
void run_gate(struct run *r);

/*
 * One UFFDIO_MOVE, timed and accounted in @st: returns bytes moved (>= 0,
 * possibly short); *err is 0 or the errno.  Errors in @allowed_errs
 * (ERRBIT_*) are counted retries, others recorded failures.
 */
int64_t run_move(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
		 uint64_t len, uint64_t mode, unsigned allowed_errs, int *err);
/* op_failure.op of a MOVE that moved pages yet failed the ioctl (see run_move) */
#define MOVED_BUT_FAILED "UFFDIO_MOVE moved the page(s) but failed"

#endif
