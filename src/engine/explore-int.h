/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * movestress explore: threads draw ops at random (seeded, per thread) from
 * a const table of op descriptors over shared pages and folios, verifier
 * threads check pages while they move, and every op goes into a log that
 * can be replayed, minimised and turned into a standalone C reproducer.
 *
 * explore.c       the engine (regions, threads, verifiers, result)
 * explore-ops.c   the op table and the op calls
 * explore-log.c   --ops parsing, the op log format, replay load, ddmin
 * explore-repro.c the C reproducer writer
 */
#ifndef MOVESTRESS_EXPLORE_INT_H
#define MOVESTRESS_EXPLORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#if HAVE_LIBURING
#include <liburing.h>
#endif
#include <signal.h>

#include "core/hist.h"
#include "core/opts.h"
#include "core/run.h"

struct opt_desc;

#define XP_CHUNK_PAGES	512		/* one PMD */
#define XP_MAX_THREADS	64
#define XP_TAIL		4096		/* records every thread keeps without --record */

enum xop_id {
	XOP_MOVE1, XOP_MOVEN, XOP_MOVEPMD, XOP_MOVESPLIT, XOP_MOVEHOLES, XOP_FAULT,
	XOP_DONTNEED, XOP_REFILL, XOP_PAGEOUT, XOP_COLD, XOP_WILLNEED, XOP_COLLAPSE,
	XOP_HUGEPAGE, XOP_NOHUGEPAGE, XOP_MREMAP, XOP_MPROTECT, XOP_NEIGHBOUR, XOP_FORK,
	XOP_VMSPLICE, XOP_IOURING, XOP_TOUCH, XOP_MIGRATE, XOP_INJECT,
	XOP_NR,
};

/* which pages an op works on */
enum xrange {
	XR_PAGE,	/* one page */
	XR_BATCH,	/* 2..16 pages inside one PMD */
	XR_SPLIT,	/* 17..256 pages from inside a PMD: splits a PMD-mapped THP */
	XR_PMD,		/* a whole 2 MiB chunk */
	XR_NONE,	/* no page of ours (neighbours, fork) */
};

/* inject kinds (the negative controls, as `run --inject` has) */
/* hang: touch the page's empty slot; the handlers leave that fault unresolved */
enum xinject { XINJ_CORRUPT, XINJ_LOSE, XINJ_DUP, XINJ_ZERO, XINJ_HANG, XINJ_NR };

/* one op as executed: 24 bytes in the log */
struct xrec {
	uint8_t thread;
	uint8_t op;
	uint8_t arg;		/* inject kind; move: 1 = the range was a contended target */
	uint8_t flags;		/* XF_* outcome */
	uint32_t slot;		/* first page */
	uint32_t npages;
	int32_t err;		/* errno of the call, 0 */
	uint64_t t_ns;		/* since the run started */
};
#define XF_DONE		1	/* ran (precondition held) */
#define XF_BUSY		2	/* pages locked by another thread: not run */
#define XF_FAIL		4	/* an error outside the op's legitimate ones */

struct xp;
struct xthread;

/* the op being executed: its pages, its regions and what the call did */
struct xctx {
	struct xp *x;
	struct xthread *t;
	struct xrec *rec;
	unsigned from, to;	/* regions: the pages are in @from; a move goes to @to */
	int64_t moved;		/* bytes a MOVE reported (after the pagemap check) */
	bool retried;		/* a MOVE retried after EBUSY and a write */
	int err;
};

struct xop_desc {
	const char *name;
	unsigned weight;		/* default weight */
	enum xrange range;
	bool locks;			/* ledger op: holds the page locks of its range */
	bool needs_ledger_pages;	/* precondition: pages present in one region */
	uint64_t legit;			/* errno bitmask the call may return */
	const char *help;
	/* NULL = always; else 0 or fills @why (the reason it is skipped) */
	int (*supported)(char *why, size_t len);
	/* precondition on the ledger, pages locked; false = not applicable now */
	bool (*pre)(struct xctx *c);
	/* the call: returns 0 or an errno (c->err) */
	int (*call)(struct xctx *c);
	/* the ledger update after the call (NULL: the op leaves the ledger as is) */
	void (*update)(struct xctx *c);
	/* its MOVEs are timed by run_move() into the thread's mst[op]: no second clock */
	bool self_timed;
};

extern const struct xop_desc xop_table[XOP_NR];
int xop_lookup(const char *name);
#define ERRB(e)	(1ULL << (e))

/* weights: from --ops=NAME:W,... over the table's defaults */
struct xweights {
	unsigned w[XOP_NR];
	uint64_t total;
	uint32_t cum[XOP_NR];
};
/*
 * 0, or -EINVAL with a one-line message in @err naming --ops and the
 * allowed values (give it 600 bytes); a spec names only the ops that run,
 * an empty one takes every op of the table at its default weight.
 */
int xweights_parse(const char *spec, struct xweights *out, char *err, size_t len);
void xweights_finish(struct xweights *w);
/* @r: 64 random bits (the upper 32 are used) */
int xweights_pick(const struct xweights *w, uint64_t r);

/* the per-thread log: growing with --record, else a ring of the last XP_TAIL */
struct xlog {
	struct xrec *rec;
	size_t n, cap;
	bool ring;
	uint64_t total;
};
int xlog_add(struct xlog *l, const struct xrec *r);
void xlog_free(struct xlog *l);

/* a log file: header + records of every thread */
struct xlog_file {
	uint32_t version;
	uint64_t seed;
	uint32_t nthreads;
	uint32_t npages;	/* slots per region */
	struct xrec *rec;
	size_t n;
};
#define XLOG_MAGIC	"MSXLOG\n"
#define XLOG_VERSION	1
int xlog_write(const char *path, const struct xlog_file *f);
/* 0, or -EINVAL with the reason in @err (not a log, other version, corrupt) */
int xlog_read(const char *path, struct xlog_file *f, char *err, size_t len);
bool xlog_is_log(const char *path);

/*
 * Delta debugging (Zeller's ddmin) over @n records: keeps a 1-minimal
 * subset for which @fails(subset) is true, within @budget_ns.  @keep is
 * written with the surviving flags.  Returns the number kept.
 */
typedef bool (*xfails_fn)(const struct xrec *rec, size_t n, void *arg);
size_t xlog_ddmin(struct xrec *rec, size_t n, xfails_fn fails, void *arg, uint64_t budget_ns);

/*
 * The C reproducer of @f's records that ran (explore-repro.c): 0 or
 * -errno.  @left_out gets the names of the log's ops the template cannot
 * replay, comma-separated ("" if none); they are named in the file too.
 */
int xrepro_write(const char *path, const struct xlog_file *f, char *left_out, size_t len);
/* has the reproducer template a row for op @op? */
bool xrepro_supports(const char *op);

/* what went wrong first: the verdict's detail */
struct xfailure {
	char kind[32];		/* lost, duplicated, corrupt, stale, zeroed, readable-after-move, op-error */
	uint32_t page;
	uint8_t where;		/* ledger */
	int err;
	char op[24];		/* the op that found it or failed */
	char last_op[24];	/* the op that last moved/changed the page */
	unsigned last_thread;
	uint64_t last_t_ns, t_ns;
	struct stamp_pair { uint32_t region, page, gen; int state; } expected, found;
};

/* the engine's knobs, from options or a replay */
struct xp_cfg {
	struct opts *o;
	struct xweights w;
	uint64_t seed;
	unsigned threads, verifiers, handlers;
	unsigned contend;		/* percent of ops aimed at another thread's chunk */
	size_t npages;
	uint64_t runtime_ns;
	int inject_kind;	/* -1 none */
	uint32_t inject_page;
	const struct xlog_file *replay;	/* per-thread scripts, or NULL */
	bool quiet;
	bool keep_log;		/* record everything (--record, minimise) */
	bool serial;		/* replay: one thread runs every record in time order */
	sigset_t sigs;		/* blocked in every thread; the engine's main loop takes them */
	bool partition;		/* each op thread keeps to its own chunks (the bench) */
	bool bare;		/* --bench-bare's baseline: a bare UFFDIO_MOVE loop per thread */
	bool pressure;		/* --reclaim backends (pressure/) beside the ops, on both regions */
};

/* one run of the engine: 0 pass, 1 failure (@fail filled), or another exit code */
struct xp_result {
	int code;
	const char *verdict;	/* run_verdict()'s name for code */
	struct xfailure fail;
	bool failed;
	uint64_t ops[XOP_NR], busy[XOP_NR], skipped[XOP_NR], errors[XOP_NR], contended[XOP_NR];
	uint64_t moved_but_failed, verified, diverged, swapped_seen;
	uint64_t op_cpu_ns;	/* CPU time of the op threads (user + system) */
	struct xlog_file log;	/* every record kept, merged by thread */
	json_t *json;		/* skipped or environment error at setup: run's early result */
};
int xp_run(const struct xp_cfg *cfg, struct xp_result *res);
int explore_main(struct opts *o);
json_t *explore_list(void);
void xp_result_free(struct xp_result *res);

/* the op calls need these from the engine */
struct xthread {
	struct xp *x;
	unsigned idx;
	pthread_t thread;
	uint64_t rng;
	struct thread_stats st;		/* name, tid, progress; the fault handler's MOVEs */
	struct thread_stats *mst;	/* [XOP_NR]: MOVE stats of each self-timed op (run_move) */
	struct xlog log;
	const struct xrec *script;	/* replay: this thread's records */
	struct xrec *scripts_buf;
	size_t nscript;
	uint64_t count[XOP_NR], busy[XOP_NR], skipped[XOP_NR], errors[XOP_NR], contended[XOP_NR];
	uint64_t errno_count[XOP_NR][MS_MAX_ERRNO];
	struct hist lat[XOP_NR];
	int pipe[2];			/* vmsplice */
	int probe[2];			/* kernel_readable() */
	uint32_t spliced;		/* slot in the pipe + 1, 0 = none */
#if HAVE_LIBURING
	struct io_uring ring;
#endif
	bool ring_ok;
	int done;			/* replay: out of records */
	uint64_t cpu_ns;		/* this thread's CPU time at the end */
	uint32_t pinned_slot, pinned_n;	/* io_uring registered buffer */
	int pagemap;
	char *scratch;			/* a PMD of address space for mremap */
	uint8_t *buf;			/* a page */
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
	int interrupted;		/* SIGINT/SIGTERM/SIGHUP stopped the run: exit 7, as run */
	unsigned hung_thread;		/* the op thread the watchdog found stuck */
	uint64_t hung_ns;		/* for how long */
	uint32_t hang_slot;		/* --inject=hang: slot + 1 whose fault the handlers leave alone */
};

/* engine services for the ops (explore.c) */
char *xp_addr(struct xp *x, unsigned region, size_t slot);
void xp_fail(struct xp *x, const struct xfailure *f);
bool xp_lock(struct xp *x, size_t slot, size_t n);
void xp_unlock(struct xp *x, size_t slot, size_t n);
void xp_stamp(struct xp *x, size_t slot, uint32_t gen, void *page);
/* check one locked page against the ledger; false: failure recorded */
bool xp_verify_page(struct xp *x, struct xthread *t, size_t slot, const char *op);
void xp_unshare(struct xp *x, size_t slot, size_t n);
void xp_set_where(struct xp *x, struct xthread *t, size_t slot, uint8_t region, unsigned op);

#endif
