/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run: regions, threads, per-thread stats and the ledger.  The shared
 * state of one run, read by every layer above core: the engine (which
 * fills it), the pressure backends, the scenarios and the report.
 */
#ifndef MOVESTRESS_RUN_H
#define MOVESTRESS_RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "core/hist.h"
#include "core/opts.h"
#include "core/uffd.h"

#define MS_PMD_SIZE	(2UL << 20)
#define MS_NR_REGIONS	2
#define REGION_SRC	0
#define REGION_DST	1
#define REGION_NONE	0xff	/* a hole: the page exists nowhere */

/*
 * A spinning thread's pause between two checks of its stop flag (the
 * kernel's cpu_relax()): x86's PAUSE, arm64's YIELD, a compiler barrier
 * elsewhere.
 */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * A region is @nvmas VMAs of @vma_pages pages each, 2 MiB aligned, with a
 * PROT_NONE gap between them so they neither merge nor share an anon_vma.
 * Page slot s lives at region_addr(r, s).  Moves keep the slot: page s
 * moves between slot s of the source and slot s of the destination, so
 * a page's identity is its slot and its place is a region id.
 */
struct region {
	char *base;
	size_t vma_pages;
	size_t vma_stride;	/* bytes from one VMA's start to the next */
	unsigned nvmas;
	char *res;		/* the PROT_NONE reservation around the VMAs */
	size_t res_len;
};

static inline char *region_addr(const struct region *r, size_t slot)
{
	return r->base + (slot / r->vma_pages) * r->vma_stride +
	       (slot % r->vma_pages) * MS_PAGE_SIZE;
}

/* slot of @addr in @r, or -1 if outside */
long region_slot(const struct region *r, const void *addr);

#define MS_MAX_ERRNO	134	/* errno values we count individually */
#define MS_MAX_FAILS	16	/* failures recorded in detail per thread */

struct op_failure {
	const char *op;
	uint64_t dst, src, len, mode;
	int64_t ret;
	int err;
	uint64_t t_ns;		/* since run start */
};

/* Per-thread statistics: written only by their thread, merged at the end. */
struct thread_stats {
	char name[16];
	pid_t tid;
	uint64_t progress;	/* bumped each op; read relaxed by the watchdog */
	uint64_t ops;		/* MOVE ioctls */
	uint64_t pages;		/* pages moved */
	uint64_t short_moves;
	uint64_t retries[MS_MAX_ERRNO];
	uint64_t failures;
	uint64_t moved_but_failed;	/* of those: MOVEs that moved yet failed (run_move) */
	unsigned nfail;
	struct op_failure fail[MS_MAX_FAILS];
	struct hist move_lat;	/* per MOVE ioctl */
	struct hist aux_lat;	/* fault mode: touch latency; thp: PMD moves */
	uint64_t aux_ops;
	uint64_t thp_pmd_ops, thp_partial_ops;
};

struct run;

struct worker {
	struct run *run;
	unsigned idx;		/* index among workers of its kind */
	const char *kind;	/* "mover", "toucher", "handler", "idle" */
	pthread_t thread;
	void *(*fn)(void *);	/* the loop this thread runs */
	bool parks;		/* stops at checkpoint gates (movers, touchers) */
	size_t lo, hi;		/* owned slots [lo, hi) */
	uint64_t rng;
	uint64_t quota;		/* ops limit for this thread, 0 = none */
	struct thread_stats st;
};

struct mode_desc;
struct trace_buf;

struct run {
	struct opts *o;
	const struct mode_desc *mode;
	int uffd;
	struct uffd_info uffd_info;
	struct region reg[MS_NR_REGIONS];
	size_t npages;			/* slots per region */
	uint8_t *where;			/* per slot: region holding the page, or REGION_NONE */
	uint32_t *gen;			/* per slot: expected generation */
	uint64_t *pfn0;			/* per slot: frame at start (pfn check) or NULL */
	bool pfn_checkable;
	uint64_t seed;
	uint64_t t0_ns;			/* CLOCK_MONOTONIC at mover start */
	uint64_t elapsed_ns;

	int stop;			/* set once: movers leave their loops */
	int stop_handlers;		/* fault handlers leave after touchers */
	int phase_exit;			/* contended: agreed at the phase barrier */
	int phase_park;			/* contended: park at this phase's gate */
	int paused;			/* checkpoint gate */
	pthread_mutex_t gate_lock;
	pthread_cond_t gate_cond;
	unsigned parked;
	unsigned running;		/* parking workers still in their loop */
	int movers_done;		/* every mover reached its quota or stopped */
	int finished;			/* engine past the join: watchdog leaves */
	int joined;
	int hung;			/* watchdog fired */
	json_t *hang_info;
	long hang_page;			/* --inject=hang:PAGE, else -1 */
	long eexist_page;		/* --inject=eexist:PAGE, else -1 (run_move) */
	int eexist_fired;		/* the injected EEXIST happened (once) */
	uint64_t checkpoint_violations;
	pthread_barrier_t barrier;	/* contended mode phases */

	unsigned nworkers;
	struct worker *workers;		/* movers/touchers, then handlers, then idle */
	unsigned nmovers;		/* workers that park at checkpoints */
	unsigned checkpoints;
	json_t *checkpoint_results;

	void *pressure;			/* pressure backends' state (pressure/pressure.c) */
	/*
	 * The madvise backends walk the source region only (run: the movers
	 * take pages from there), or every region (explore: a page is in
	 * either, so reclaim must walk both to reach the moving pages).
	 */
	bool pressure_all_regions;
	/*
	 * memcg on cgroup v1: never lower the limit below half the usage at
	 * the pressure's start (explore: with the limit near zero the kernel's
	 * own writes to the process's stacks and TLS, rseq's and futexes',
	 * fail to charge in kernel mode and the run dies of SIGSEGV).
	 */
	bool pressure_memcg_floor;
	/* swap set up as --swap says though no backend needs it (explore: the reclaimable invariant) */
	bool pressure_swap;
	void *mode_priv;		/* the mode's own state (setup/report hooks) */
	void *cowork;			/* co-workloads' state (scenarios/cowork.c) */
	size_t side_reserved;		/* trailing slots kept out of the movers' slices (cowork dontneed) */
	uint64_t side_failures;		/* side workloads' own check failures: fail the run */
	uint64_t side_moved_pages;	/* pages the side workloads' own MOVEs reported moved */
	uint64_t side_moved_but_failed;	/* side workloads' own MOVEs that moved yet failed (run_move) */
	json_t *env;			/* the environment block (borrowed): the watchdog's hang result */
	/*
	 * Set by a mode that writes a trace (jank's setup): a trace buffer
	 * for a thread that is not one of the workers (a reclaim backend's),
	 * or NULL.  A hook, so that the pressure layer below can write into
	 * a scenario's trace without knowing it.
	 */
	struct trace_buf *(*trace_thread)(struct run *r, const char *thread_name, pid_t tid);
};

static inline bool run_stopped(const struct run *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_RELAXED);
}

static inline void run_progress(struct thread_stats *st)
{
	__atomic_store_n(&st->progress, st->progress + 1, __ATOMIC_RELAXED);
}

/*
 * The ledger: page s is in region r->where[s].  Only the slot's owner
 * writes it; the pagemap sampler reads it live, hence relaxed atomics.
 */
static inline void ledger_set(struct run *r, size_t s, uint8_t region)
{
	__atomic_store_n(&r->where[s], region, __ATOMIC_RELAXED);
}

/* the address of slot @s in region @region, as a MOVE takes it */
static inline uint64_t addr_of(const struct run *r, unsigned region, size_t s)
{
	return (uint64_t)(uintptr_t)region_addr(&r->reg[region], s);
}

/* xorshift64: every random choice of a run derives from --seed */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

uint64_t now_ns(void);
void set_thread_name(const char *kind, unsigned idx, char *out16);

/* bitmask helpers for allowed errors */
#define ERRBIT_EAGAIN	(1u << 0)
#define ERRBIT_EBUSY	(1u << 1)
#define ERRBIT_EEXIST	(1u << 2)
#define ERRBIT_ENOENT	(1u << 3)
/* not an errno: other threads may move the same slots (contended, fault handlers) */
#define MOVE_RACY	(1u << 8)

#endif
