/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore's ops as data: the op ids, a log record, the context an op runs
 * in, what each thread keeps for its ops, and the row that describes an
 * op (xop_table[], in xop-bodies.h).  Self-contained, C99 and libc only:
 * movestress includes it (explore.h), and every C reproducer explore
 * writes carries it verbatim (explore-repro.c), so that both read the
 * same records with the same table.
 */
#ifndef MOVESTRESS_XOP_H
#define MOVESTRESS_XOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XOP_PG		4096UL
#define XOP_PMD		(2UL << 20)
#define XP_CHUNK_PAGES	512		/* one PMD of pages */
#define XOP_NOWHERE	0xff		/* the ledger's "nowhere": a dropped page */

enum xop_id {
	XOP_MOVE1, XOP_MOVEN, XOP_MOVEPMD, XOP_MOVESPLIT, XOP_MOVEHOLES, XOP_FAULT,
	XOP_DONTNEED, XOP_REFILL, XOP_PAGEOUT, XOP_COLD, XOP_WILLNEED, XOP_COLLAPSE,
	XOP_HUGEPAGE, XOP_NOHUGEPAGE, XOP_MREMAP, XOP_MPROTECT, XOP_NEIGHBOUR, XOP_FORK,
	XOP_VMSPLICE, XOP_IOURING, XOP_TOUCH, XOP_MIGRATE, XOP_INJECT, XOP_FREE,
	XOP_ZEROPAGE, XOP_FAULTZERO, XOP_WRITE, XOP_THPREFILL,	/* after inject: old logs keep their ids */
	XOP_MOVEBAD,
	XOP_NR,
};

/* which pages an op works on: what pick_range() draws for it */
enum xrange {
	XR_PAGE,	/* one page */
	XR_DROPPED,	/* one page: a dropped one of the chunk if there is one */
	XR_BATCH,	/* 2..16 pages inside one PMD */
	XR_SPLIT,	/* 17..256 pages from inside a PMD: splits a PMD-mapped THP */
	XR_PMD,		/* a whole 2 MiB chunk */
	XR_NONE,	/* no page of ours (neighbours, fork) */
};

/* what an op holds while it runs (the ledger is exact for every page whose lock is free) */
enum xlock {
	XL_SHARED,	/* changes no page: the layout lock shared, no page lock (advice, fork) */
	XL_PAGES,	/* changes the ledger: the byte locks of its pages */
	XL_VMA,		/* reshapes the VMAs: its page locks and the layout lock exclusively */
};

/* what an op needs of the ledger to run now: its precondition, checked under its locks */
enum xneed {
	XN_NOTHING,	/* nothing, and it names no region (fork) */
	XN_REGION,	/* nothing of the ledger: it works on the region drawn with it (arg & 1) */
	XN_ONE_REGION,	/* every page of the range in one region (present or swapped there) */
	XN_HOLES,	/* the first page somewhere, every other there or nowhere */
	XN_DROPPED,	/* the page nowhere */
	XN_CHUNK,	/* no page of the chunk nowhere (a move-pmd gathers the strays first) */
};

/* inject kinds (the negative controls, as `run --inject` has) */
/*
 * hang: touch the page's empty slot; the handlers leave that fault
 * unresolved.  write: a new generation written in place behind the
 * ledger; zero-write: the page made the zero page (the ledger knows),
 * then written behind the ledger; mlock: the moved pages of the page's
 * chunk mlocked behind the ledger at the end of the run (explore's
 * reclaimable invariant names them; nothing in a reproducer)
 */
enum xinject { XINJ_CORRUPT, XINJ_LOSE, XINJ_DUP, XINJ_ZERO, XINJ_HANG, XINJ_WRITE, XINJ_ZEROWRITE,
	       XINJ_MLOCK, XINJ_NR };

/* what an op tells whoever runs it, for the counts (xe_note(); a reproducer may ignore them) */
enum xop_event {
	XEV_ZERO_MOVED,		/* a MOVE moved a zero page (move_zeropage_pte) */
	XEV_ZERO_FAULT,		/* a fault handler resolved a fault with UFFDIO_ZEROPAGE */
	XEV_WRITE,		/* the mutator is about to write the page (c->from, c->rec->slot) */
	XEV_THP_COLLAPSED,	/* thp-refill: MADV_COLLAPSE made the THP */
	XEV_THP_REFAULTED,	/* thp-refill: the chunk was faulted in again (a THP if the kernel gave one) */
};

/* one op as executed: 24 bytes in the log */
struct xrec {
	uint8_t thread;
	uint8_t op;
	/* inject: the kind; others: bit 0 the region drawn, 0x80 a chunk of another thread's */
	uint8_t arg;
	uint8_t flags;		/* XF_* outcome */
	uint32_t slot;		/* first page */
	uint32_t npages;
	int32_t err;		/* errno of the call, 0 */
	uint64_t t_ns;		/* since the run started */
};
#define XF_DONE		1	/* ran (precondition held) */
#define XF_BUSY		2	/* pages locked by another thread: not run */
#define XF_FAIL		4	/* an error outside the op's legitimate ones */

#define ERRB(e)	(1ULL << (e))

/* what a thread keeps for the ops it runs (xop_thread_init()) */
struct xop_thread {
	char *buf;		/* a page */
	char *scratch;		/* a PMD of address space (mremap) */
	int pipe[2];		/* vmsplice: a page held in it */
	int probe[2];		/* the kernel's reads and writes of our pages */
	uint32_t spliced;	/* the slot in the pipe + 1, 0 = none */
	bool spliced_zero;	/* ... and it was the zero page */
	char *big;		/* thp-refill: a copy of a chunk (a PMD, on first use) */
	char *shared;		/* move-bad: a MAP_SHARED page registered with the uffd (on first use) */
	int ring;		/* io_uring fd (registered buffers only), -1 = none */
	char ring_why[96];	/* why there is none */
	uint32_t pinned_slot, pinned_n;	/* the registered buffer */
	uint64_t rng;		/* the thread's PRNG (fork's child draws its pages from it) */
};

struct xp;
struct xthread;

/* the op being executed: its pages, its regions and what the call did */
struct xctx {
	struct xp *x;		/* whoever runs it: the engine, or a reproducer (opaque to the ops) */
	struct xthread *t;	/* the thread running it (opaque to the ops) */
	struct xop_thread *ts;	/* what that thread keeps for its ops */
	struct xrec *rec;	/* the op (NULL: a fault handler's MOVE) */
	unsigned from, to;	/* regions: the pages are in @from; a move goes to @to */
	int64_t moved;		/* bytes a MOVE reported (after the pagemap check) */
	bool retried;		/* a MOVE retried after EBUSY and a write */
};

/*
 * One op kind, a row of xop_table[] (xop-bodies.h): everything the
 * engine needs to know about it, so that the engine asks the row and never
 * tests an op id.  Name the fields (designated initialisers); a field left
 * out is 0: XR_PAGE, XL_SHARED, XN_NOTHING, no error legitimate, no update.
 */
struct xop_desc {
	const char *name;
	const char *help;
	unsigned weight;	/* default weight (0: only when --ops names it) */
	enum xrange range;	/* the pages it works on */
	enum xlock lock;	/* what it holds: whether it locks, whether it reshapes VMAs */
	enum xneed needs;	/* what it needs of the ledger pages (its precondition) */
	/* more than .needs, pages locked (fault: the page is not pinned); NULL: nothing more */
	bool (*pre)(struct xctx *c);
	/* the call: returns 0 or an errno */
	int (*call)(struct xctx *c);
	uint64_t legit;		/* ERRB() of the errnos the call may return: no failure */
	/* the ledger update after the call, also after an error that moved pages (NULL: none) */
	void (*update)(struct xctx *c);
	/* NULL = always; else 0, or -1 and the reason it is skipped in @why */
	int (*supported)(char *why, size_t len);
	/* its MOVEs are timed by run_move() into the thread's mst[op]: no second clock */
	bool self_timed;
	/* a negative control: run only by --inject, never drawn nor named in --ops */
	bool control;
	/* it breaks a PMD mapping by design: drawn away from the chunks kept whole (--thp-share) */
	bool splits_thp;
	/* it makes a PMD-mapped THP: drawn from the chunks kept whole, which it is for */
	bool makes_thp;
};

extern const struct xop_desc xop_table[XOP_NR];

/* what whoever runs the ops calls besides the rows (xop-bodies.h) */
/* a thread's op state (@ring: with an io_uring of its own); 0 or -errno */
int xop_thread_init(struct xop_thread *ts, uint64_t seed, unsigned idx, bool ring);
/* its registered buffer given back (the pages may move again) */
void xop_thread_unpin(struct xctx *c);
void xop_thread_fini(struct xop_thread *ts);
/* a region laid out as explore lays it out: the base, or NULL (errno); the reservation */
char *xop_map_region(size_t npages, char **res, size_t *res_len);
/* the row's precondition, its locks held; sets c->from (and c->to) */
bool xop_ready(struct xctx *c);
/*
 * a fault handler (c->rec NULL) resolves a fault at @slot of @region: 1
 * moved, 2 copied, 3 the zero page (the page is nowhere: fault-zero), 0
 * not (*err)
 */
int xop_fault_in(struct xctx *c, unsigned region, uint32_t slot, int *err);

#endif
