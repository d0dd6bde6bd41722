/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the pressure backends (pressure.c), the pagemap
 * sampler, lock-contention and delay-accounting meters.
 */
#ifndef MOVESTRESS_PRESSURE_INT_H
#define MOVESTRESS_PRESSURE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "core/hist.h"
#include "pressure/swap.h"

struct run;
struct pressure;
struct backend_inst;

/* evidence that pressure reached a page, per slot, from the sampler */
#define EV_SWAPPED	(1u << 0)	/* pagemap: swap entry */
#define EV_SWAPCACHE	(1u << 1)	/* kpageflags: present and in swap cache */
#define EV_IDLE		(1u << 2)	/* kpageflags: idle flag set (DAMON mkold, page_idle) */
#define EV_DEACT	(1u << 3)	/* kpageflags: seen active, later inactive */
#define EV_NONPRESENT	(1u << 4)	/* neither present nor swapped in src or dst */
#define EV_ACTIVE	(1u << 5)	/* internal: seen on the active LRU */
#define EV_NR		5

/* the pause between a thread's pressure ops (page_idle: ten of them between rounds) */
#define PRESSURE_PAUSE_NS	(1 * 1000000ULL)

/* per pressure thread: written only by the thread, merged at the end */
struct pstats {
	struct hist lat;
	uint64_t ops;		/* pressure ops (one reclaim write, one madvise) */
	uint64_t ok;
	uint64_t partial;	/* reclaim that could not reach its target (EAGAIN/EBUSY) */
	uint64_t errors;
	uint64_t bytes;		/* bytes requested */
	int last_err;
	char last_what[48];
	uint64_t progress;
	struct trace_buf *trace;	/* jank --trace: reclaim slices on this thread's track */
};

struct pthread_ctx {
	struct pressure *p;
	struct backend_inst *bi;
	unsigned idx;
	pthread_t th;
	bool started;
	pid_t tid;
	char name[16];
	struct pstats st;
	/* madvise batching (io_uring or syscalls), per thread */
	void *ring;
	bool uring;
	char uring_why[160];
};

/*
 * A --reclaim backend: one file of its own (memcg.c, damon.c,
 * page-idle.c) with its functions and this row, named in pressure.c's
 * pressure_table[].  How to add one: write supported() (why this host
 * cannot, or 0); a thread (with thread_kind) that does one pressure op
 * after another and records each with pstat_record() until
 * pressure_stopped(), and/or begin()/end() for work the kernel does by
 * itself (DAMON's kdamond); record every host change with sysstate first
 * (pressure/sysstate.h) and undo it in teardown(); say which EV_* of the
 * sampler count as the pages "reached"; report() adds its own block to
 * the result.  A field left out is "none".
 */
struct pressure_backend {
	const char *name;
	const char *help;
	int (*supported)(char *why, size_t len);
	bool needs_swap;
	unsigned evidence;		/* EV_* that count as "reached" for this backend */
	const char *evidence_help;
	const char *thread_kind;	/* NULL: no thread of ours (DAMON's kdamond works) */
	/* before the regions are populated; 0 or -errno with @why */
	int (*setup)(struct pressure *p, struct backend_inst *bi, char *why, size_t len);
	/* when the pressure phase begins, before the thread starts */
	int (*begin)(struct pressure *p, struct backend_inst *bi, char *why, size_t len);
	void *(*thread)(void *ctx);
	bool madvise_io;			/* madvise batches: io_uring or syscalls ("io" in the result) */
	/* after the threads stop: read backend counters */
	void (*end)(struct pressure *p, struct backend_inst *bi);
	void (*report)(struct pressure *p, struct backend_inst *bi, json_t *obj);
	void (*teardown)(struct pressure *p, struct backend_inst *bi);
};

struct backend_inst {
	const struct pressure_backend *b;
	struct pthread_ctx th;
	bool running;
	char why[256];			/* begin failed: the reason */
	void *priv;
};

#define MAX_BACKENDS 8

struct sampler;
struct lockstat;
struct delayacct;

struct pressure {
	struct run *r;
	unsigned nb;
	struct backend_inst bi[MAX_BACKENDS];
	bool need_swap;
	struct swap_setup swap;
	bool swap_done;
	int stop;			/* pressure threads leave */
	bool want_uring;
	char uring_why[160];

	/* phases: warm-up (movers alone), then pressure */
	uint64_t warmup_ns;
	uint64_t t_pressure;		/* CLOCK_MONOTONIC when pressure began, 0 = never */
	uint64_t t_end;
	pthread_t ctl;
	bool ctl_started;
	struct hist *base_lat;		/* per mover, at the phase switch */
	uint64_t *base_ops, *base_pages;
	bool have_base;
	json_t *vm0, *vm1;		/* vmstat at pressure begin / end */

	struct sampler *sampler;
	struct lockstat *lock;
	struct delayacct *dacct;
	json_t *sysctl_notes;
};

/* pressure.c */
void pstat_record(struct pstats *st, uint64_t lat, int err, uint64_t bytes, const char *what);
/* the "pressure" block of the result (pressure-report.c; pressure_side.report) */
void pressure_report(struct run *r, json_t *result, FILE *f);
uint64_t pressure_now(void);
bool pressure_stopped(const struct pressure *p);
/* sleep up to @ns, waking early when the pressure stops; false if stopped */
bool pressure_sleep(const struct pressure *p, uint64_t ns);

/* the backends of their own files: memcg.c, damon.c, page-idle.c */
extern const struct pressure_backend memcg_backend;
extern const struct pressure_backend damon_backend;
extern const struct pressure_backend page_idle_backend;
/* qsort() order of u64s (frame numbers) */
int pressure_cmp_u64(const void *a, const void *b);

/* pagemap-sampler.c */
struct sampler *sampler_start(struct pressure *p, bool kpageflags, char *why, size_t len);
void sampler_stop(struct sampler *s);
json_t *sampler_report(struct sampler *s, unsigned evidence, uint64_t *reached, uint64_t *total);
json_t *sampler_timeline(struct sampler *s);
void sampler_free(struct sampler *s);
/* the current frame numbers of the source pages (root); 0 = not present */
int source_pfns(struct run *r, uint64_t **pfns, size_t *n);

/* delayacct.c: per-thread delay accounting (taskstats) and schedstat */
struct delayacct *delayacct_setup(char *why, size_t len);
void delayacct_poll(struct delayacct *d, pid_t tid, const char *name);
json_t *delayacct_report(struct delayacct *d, FILE *f);
void delayacct_free(struct delayacct *d);

/* one thread's delay totals (ns) at one poll, and how long it had lived */
enum da_field {
	DA_CPU, DA_BLKIO, DA_SWAPIN, DA_FREEPAGES, DA_THRASHING, DA_COMPACT,
	DA_NR_FIELDS
};
struct da_sample {
	uint64_t lifetime_ns;		/* taskstats ac_etime */
	uint64_t ns[DA_NR_FIELDS];
};
extern const char *const da_field_names[DA_NR_FIELDS];	/* "blkio_delay_ns", ... */
/*
 * delta = last - first per field; a figure that went backwards or is longer
 * than the thread has lived (last->lifetime_ns) is impossible and left out:
 * returns the mask (1 << field) of such fields and writes the first one's
 * reason to why (task_delayacct switched on while a thread slept makes the
 * kernel count that sleep from time 0: the host's uptime).
 */
unsigned delayacct_delta(const struct da_sample *first, const struct da_sample *last,
			 struct da_sample *delta, char *why, size_t len);

/* lockstat.c: lock:contention_begin/end through tracefs */
/* before the threads exist: mount/instance/formats; never NULL unless out of memory */
struct lockstat *lockstat_prepare(struct pressure *p, bool stacks);
/* once the workers run: filter on their tids, enable the events, start the reader */
void lockstat_begin(struct lockstat *l);
void lockstat_add_tid(struct lockstat *l, pid_t tid, const char *name);
void lockstat_stop(struct lockstat *l);
json_t *lockstat_report(struct lockstat *l, FILE *f);
void lockstat_free(struct lockstat *l);

#endif
