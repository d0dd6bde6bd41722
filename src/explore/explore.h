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

#include "explore/xop.h"

#define XP_MAX_THREADS	64

int xop_lookup(const char *name);

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
/*
 * A failing run's log in the working directory: movestress-explore-SEED.xlog,
 * or SEED.2, SEED.3... when that name is taken (another failing run with
 * the same seed keeps its log).  @path gets the name; 0 or -errno.
 */
int xlog_write_new(char *path, size_t len, uint64_t seed, const struct xlog_file *f);
/* 0, or -EINVAL with the reason in @err (not a log, other version, corrupt) */
int xlog_read(const char *path, struct xlog_file *f, char *err, size_t len);
bool xlog_is_log(const char *path);

/*
 * Delta debugging (Zeller's ddmin) over @n records: keeps a 1-minimal
 * subset for which @fails(subset) is true, within @budget_ns; @fails
 * returns >0 (fails), 0 (does not) or <0 (stop now: keep what is found so
 * far).  @rec is left with the survivors.  Returns the number kept.
 */
typedef int (*xfails_fn)(const struct xrec *rec, size_t n, void *arg);
size_t xlog_ddmin(struct xrec *rec, size_t n, xfails_fn fails, void *arg, uint64_t budget_ns);

/*
 * The C reproducer of @f's records that ran (explore-repro.c): 0 or
 * -errno.  It carries explore's op bodies and table (xop-bodies.h), so it
 * replays every op.
 */
int xrepro_write(const char *path, const struct xlog_file *f);

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
	unsigned thp_share;		/* percent of chunks kept whole, as PMD-mapped THPs */
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

/*
 * An invariant of moved pages against never-moved ones (explore-inv.c):
 * @ok of @n pages in each group passed.  It fails only when the moved
 * pages pass at a rate at least XINV_MIN_DIFF below the never-moved ones
 * and a one-sided two-proportion z-test (pooled) puts the chance of that
 * below XINV_ALPHA, with at least XINV_MIN_N pages in each group: large
 * and significant, so it does not fire by chance.
 */
#define XINV_MIN_N	10
#define XINV_ALPHA	1e-4
#define XINV_MIN_DIFF	0.25
struct xinv_verdict {
	double p_moved, p_never, diff;	/* pass rates, never - moved */
	double z, p_value;
	bool fails;
};
struct xinv_verdict xinv_judge(uint64_t ok_moved, uint64_t n_moved, uint64_t ok_never, uint64_t n_never);

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
	uint64_t elapsed_ns;
	const char *stopped;	/* "done", "budget" (--minimize-time), "interrupted", "not-reproduced" */
	char reason[160];	/* interrupted: what (a replay's interruption.reason) */
	char log[600], repro[600];	/* the minimised log and the C reproducer written */
	int err;		/* writing them: 0 or -errno */
};
/*
 * ddmin over @res's log (threads dropped first, then records, then ranges
 * halved), replaying with @cfg, within --minimize-time: every replay runs
 * at most until the deadline, and no pass starts another after it; a
 * signal (SIGINT, SIGTERM, SIGHUP, stdout gone) taken by a replay stops
 * it.  Writes BASE.min and BASE.repro.c of what is minimised so far.
 * The exit code of the command: 1 the run's failure stands, 7 interrupted,
 * 5 cannot write.
 */
int xp_minimise(const struct xp_cfg *cfg, const struct xp_result *res, const char *base, struct xp_min *m);
/* the "minimize" block into the result (and, interrupted, its "interruption", verdict and exit code) */
void xp_result_minimised(struct xp_result *res, const struct xp_min *m, int code);

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
