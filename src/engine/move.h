/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every mover loop calls while the engine runs: the checkpoint gate
 * and the one UFFDIO_MOVE wrapper (engine/move.c).
 */
#ifndef MOVESTRESS_MOVE_H
#define MOVESTRESS_MOVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/run.h"

/* checkpoint gate: movers call this between ops */
void run_gate(struct run *r);

/*
 * One UFFDIO_MOVE, timed and accounted in @st: returns bytes moved (>= 0,
 * possibly short); *err is 0 or the errno.  Errors in @allowed_errs
 * (ERRBIT_*) are counted retries, others recorded failures.  Unless
 * @allowed_errs has MOVE_RACY, nobody else moves these slots, so a MOVE
 * that fails with EEXIST/ENOENT or a short count is checked against the
 * page tables (the known kernel bug move-eexist, kernel/known-bugs.c).
 */
int64_t run_move(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
		 uint64_t len, uint64_t mode, unsigned allowed_errs, int *err);
/*
 * The failure half of run_move(), for loops that issue the ioctl
 * themselves (bare): @moved bytes the ioctl reported, *@err its errno,
 * @t0 when it started.  Returns bytes moved, the page tables' moves
 * included; *@err is 0 when everything moved after all.
 */
int64_t run_move_failed(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
			uint64_t len, uint64_t mode, unsigned allowed_errs, int64_t moved, int *err,
			uint64_t t0);
/* --inject=eexist:PAGE: should this MOVE that moved [src, src+moved) say EEXIST? (once) */
bool inject_eexist(struct run *r, uint64_t src, uint64_t moved, unsigned allowed);
/*
 * Pages of [src, src+len) that have moved to [dst, dst+len), from the
 * start: source empty, destination present or swapped (@holes: both
 * empty also counts, a hole moves as a hole).  Bytes.
 */
uint64_t moved_anyway(uint64_t dst, uint64_t src, uint64_t len, bool holes);
/* op_failure.op of a MOVE that moved pages yet failed the ioctl (see run_move) */
#define MOVED_BUT_FAILED "UFFDIO_MOVE moved the page(s) but failed"
/* contended: a page the page tables show moved that no racing MOVE reported */
#define MOVED_UNREPORTED "UFFDIO_MOVE moved the page but no racing MOVE reported it"

#endif
