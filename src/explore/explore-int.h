/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside explore: the engine's state (struct xp, struct xthread), the
 * op being executed (struct xctx) and the services the op calls use.
 * Not for other layers: they see explore/explore.h.
 *
 * explore-run.c    the engine: xp_run() (regions, threads, verifiers, result)
 * explore-common.c what the op calls and the engine share (locks, ledger, verifier)
 * explore-ops.c    the ops' environment in the engine, then the ops (xop-bodies.h)
 * explore-log.c    --ops parsing, the op log format, replay load, ddmin
 * explore-repro.c  the C reproducer writer
 * explore-result.c the result JSON and the op log of a finished run
 * explore-min.c    --minimize
 * explore-bench.c  --bench-bare
 */
#ifndef MOVESTRESS_EXPLORE_INT_H
#define MOVESTRESS_EXPLORE_INT_H

#include <pthread.h>

#include "core/hist.h"
#include "core/run.h"
#include "engine/signals.h"
#include "explore/explore.h"

#define XP_TAIL		4096		/* records every thread keeps without --record */

/* the per-thread log: growing with --record, else a ring of the last XP_TAIL */
struct xlog {
	struct xrec *rec;
	size_t n, cap;
	bool ring;
	uint64_t total;
};
int xlog_add(struct xlog *l, const struct xrec *r);
void xlog_free(struct xlog *l);

/* how thp-refill made its THP */
enum { XTHP_COLLAPSED, XTHP_REFAULTED, XTHP_NOT_THP, XTHP_NR };

/* the op calls need these from the engine */
struct xthread {
	struct xp *x;
	unsigned idx;
	pthread_t thread;
	struct xop_thread ts;		/* what the op bodies keep: buffers, pipes, ring, the PRNG */
	struct thread_stats st;		/* name, tid, progress; the fault handler's MOVEs */
	struct thread_stats *mst;	/* [XOP_NR]: MOVE stats of each self-timed op (run_move) */
	struct xlog log;
	const struct xrec *script;	/* replay: this thread's records */
	struct xrec *scripts_buf;
	size_t nscript;
	uint64_t count[XOP_NR], busy[XOP_NR], skipped[XOP_NR], errors[XOP_NR], contended[XOP_NR];
	uint64_t errno_count[XOP_NR][MS_MAX_ERRNO];
	struct hist lat[XOP_NR];
	/* ops on a whole chunk that found it a PMD-order THP; of them pinned; EBUSY from their MOVE */
	uint64_t met_thp[XOP_NR], met_pinned[XOP_NR], met_busy[XOP_NR];
	uint64_t thp_made[XTHP_NR];	/* thp-refill: how */
	uint64_t zero_moved;		/* zero pages a MOVE of this thread moved */
	uint64_t zero_faults;		/* missing faults a handler resolved with UFFDIO_ZEROPAGE */
	uint64_t writes_swapped, writes_zero;	/* write op: the page was swapped out, the zero page */
	int kpageflags;			/* /proc/kpageflags, -1 = none */
	int done;			/* replay: out of records */
	uint64_t cpu_ns;		/* this thread's CPU time at the end */
	int pagemap;
	/* the op being executed, for the watchdog (relaxed; cur_op published last) */
	uint32_t cur_op;		/* op + 1, 0 = none */
	uint32_t cur_slot, cur_npages, cur_from, cur_arg;
	uint64_t cur_t_ns;
	uint64_t logged;		/* log.total, stored with release after each record */
};

struct xp {
	const struct xop_desc *ops;	/* xop_table (set by xp_run): op names for failures */
	struct run run;			/* reg[], where[], gen[], uffd, t0_ns, stop: for run_move */
	const struct xp_cfg *cfg;
	pthread_rwlock_t layout;		/* shared: ops that change no page; exclusive: mremap, mprotect */
	uint8_t *lock;			/* per slot: held by one op */
	uint8_t *pinned;		/* per slot: in an io_uring registered buffer (MOVE: EBUSY) */
	uint8_t *zero;			/* per slot: the ledger holds it as zero (UFFDIO_ZEROPAGE, unwritten) */
	uint8_t *moved;			/* per slot: MOVEd from one region to the other at least once */
	uint8_t *whole;			/* per chunk: kept whole (--thp-share), ops that split drawn elsewhere */
	uint32_t *split_ok;		/* the chunks that are not whole */
	uint32_t nsplit_ok;
	uint32_t *whole_ids;		/* the chunks kept whole */
	uint32_t nwhole;
	uint64_t thp_samples, thp_kb_sum, thp_kb_max;	/* AnonHugePages of the process while it ran */
	uint32_t *last;			/* per slot: thread << 8 | op of the last change */
	uint64_t *last_t;
	unsigned nthreads;
	struct xthread *thr;
	uint32_t *cur_chunk;		/* per thread: the chunk it works on (contention) */
	int failed;
	pthread_mutex_t fail_lock;
	struct xfailure fail;
	uint64_t inject_at_ns;
	uint64_t verified, diverged, swapped_seen;
	uint64_t fault_seq, fault_done;	/* toucher <-> handler ordering (for TSan as for us) */
	uint32_t inject_wait;		/* slot + 1 an inject op holds for a verifier */
	unsigned ops_done;		/* op threads out of their loop */
	int hung;
	struct sigwatch sig;		/* SIGINT/SIGTERM/SIGHUP/SIGPIPE, EPIPE: exit 7, as run */
	unsigned hung_thread;		/* the op thread the watchdog found stuck */
	uint64_t hung_ns;		/* for how long */
	uint32_t hang_slot;		/* --inject=hang: slot + 1 whose fault the handlers leave alone */
};

/* engine services for the ops (explore-run.c) */
char *xp_addr(struct xp *x, unsigned region, size_t slot);
void xp_fail(struct xp *x, const struct xfailure *f);
bool xp_lock(struct xp *x, size_t slot, size_t n);
void xp_unlock(struct xp *x, size_t slot, size_t n);
void xp_stamp(struct xp *x, size_t slot, uint32_t gen, void *page);
/* check one locked page against the ledger; false: failure recorded */
bool xp_verify_page(struct xp *x, struct xthread *t, size_t slot, const char *op);
void xp_set_where(struct xp *x, struct xthread *t, size_t slot, uint8_t region, unsigned op);
/* the ledger: a new generation (written: no more zero) / the zero page installed */
void xp_set_gen(struct xp *x, size_t slot, uint32_t gen);
void xp_set_zero(struct xp *x, size_t slot);
/* is the chunk at @slot (its first page) of @region a PMD-order THP?  (pagemap, kpageflags) */
bool xp_chunk_thp(struct xp *x, struct xthread *t, unsigned region, size_t slot);
/* the invariants beyond the data, after the final oracle (explore-inv.c): the "invariants" block */
json_t *xp_invariants(struct xp *x, struct xthread *t);

#endif
