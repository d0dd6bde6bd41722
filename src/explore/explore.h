/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * movestress explore: threads draw ops at random (seeded, per thread) from
 * a const table of op descriptors over shared pages and folios, verifier
 * threads check pages while they move, and every op goes into a log that
 * can be replayed, minimised and turned into a standalone C reproducer.
 *
 * What the command above (cli/explore-main.c) and the tests use: the op
 * table, --ops weights, the op log, the engine's configuration, xp_run()
 * and its result, the result JSON, the minimiser and the bench.  The
 * engine's own state is explore-int.h's.
 */
#ifndef MOVESTRESS_EXPLORE_H
#define MOVESTRESS_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/opts.h"

#define XP_CHUNK_PAGES	512		/* one PMD */
#define XP_MAX_THREADS	64

enum xop_id {
	XOP_MOVE1, XOP_MOVEN, XOP_MOVEPMD, XOP_MOVESPLIT, XOP_MOVEHOLES, XOP_FAULT,
	XOP_DONTNEED, XOP_REFILL, XOP_PAGEOUT, XOP_COLD, XOP_WILLNEED, XOP_COLLAPSE,
	XOP_HUGEPAGE, XOP_NOHUGEPAGE, XOP_MREMAP, XOP_MPROTECT, XOP_NEIGHBOUR, XOP_FORK,
	XOP_VMSPLICE, XOP_IOURING, XOP_TOUCH, XOP_MIGRATE, XOP_INJECT,
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

/*
 * One op kind, a row of xop_table[] (explore-ops.c): everything the
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
void xp_result_free(struct xp_result *res);

/* ---- below the command (explore-result.c, explore-min.c, explore-bench.c) ---- */

/* `movestress list`: one object per op {name, help, supported, reason, weight} */
json_t *explore_list(void);
/*
 * The rest of a finished run's result JSON (res->json): schema, command,
 * options (@cfg->o: what ran), weights, seed, verdict, exit code, counts,
 * known bugs, the failure; @mthp (stolen, may be NULL) as "mthp".
 */
void xp_result_finish(const struct xp_cfg *cfg, struct xp_result *res, json_t *mthp);
/*
 * The op log of a finished run: --record's file, or on a failure (exit 1
 * or 6) of a fresh run movestress-explore-SEED.xlog in the working
 * directory.  @path gets the log's name (a replay's own log: not written
 * again unless --record names one; "": none).  1 written, 0 not, -errno.
 */
int xp_log_save(const struct xp_cfg *cfg, const struct xp_result *res, char *path, size_t len);

/* what --minimize did */
struct xp_min {
	bool reproduced;	/* a replay of the whole log failed the same way */
	bool serial;		/* ... serialised in time order (else concurrently) */
	size_t n0, n;		/* records before and after */
	unsigned trials;	/* replays */
	char log[600], repro[600];	/* the minimised log and the C reproducer written */
	char left_out[256];	/* ops the reproducer cannot replay */
	int err;		/* writing them: 0 or -errno */
};
/*
 * ddmin over @res's log (threads dropped first, then records, then ranges
 * halved), replaying with @cfg; writes BASE.min and BASE.repro.c.  Exit
 * code of the command (1: the run's failure stands; 5: cannot write).
 */
int xp_minimise(const struct xp_cfg *cfg, const struct xp_result *res, const char *base, struct xp_min *m);

/* --bench-bare: MOVE-only explore against a bare UFFDIO_MOVE loop, alternating slices */
#define XP_BENCH_PAIRS 10
struct xp_bench {
	double bare_per_s, explore_per_s;	/* moves/s over all slices */
	double ratio_median, ratio_min, ratio_max, ratio_total;
	double bare_cpu_ns, explore_cpu_ns;	/* CPU time of the op threads per MOVE */
	double slice_s;				/* seconds of each engine in all */
};
/* 0 (MS_EXIT_PASS) with @b filled, or MS_EXIT_SKIP */
int xp_bench_bare(struct xp_cfg *cfg, struct xp_bench *b);

#endif
