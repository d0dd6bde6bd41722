// SPDX-License-Identifier: GPL-2.0-only
/*
 * Co-workloads (--with): what runs on the same mm beside MOVE.
 *
 *  dontneed         MADV_DONTNEED of already-moved destination pages (a
 *                   uffd-armed VMA: mmap_lock, seed 000) and of its own
 *                   neighbour VMA (per-VMA lock).  It owns a slice of slots
 *                   the movers never see (run->side_reserved) and cycles
 *                   each page: move src->dst, drop it (ledger: REGION_NONE),
 *                   refill the source slot by MOVE from its neighbour VMA
 *                   with a new generation.  The oracle stays exact.
 *  process_madvise  batched advice through a pidfd (seed 003): the same
 *                   4 KiB ranges advised by madvise(), by vlen=1 calls and
 *                   by --batch sized vectors, in the same rounds.
 *  maps             /proc/self/maps and PROCMAP_QUERY walks checked by
 *                   maps-check.c against the VMAs that never change.
 *  churn            mprotect/mremap/munmap/mmap of its own cells next to
 *                   the source region: splits and merges, never the
 *                   regions themselves.
 *
 * All of them work in "the neighbourhood": one area mapped right below
 * the source region, cells separated by one-page guard VMAs (memfd pages,
 * which never merge with anything), which are what the maps readers know
 * must be there.  Stats are per thread and merged after the join.
 */
#include "config.h"
#include "cowork.h"
#include "kv.h"
#include "maps-check.h"
#include "modes.h"
#include "oracle.h"
#include "run.h"
#include "stamp.h"
#include "trials.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* PROCMAP_QUERY (6.11 uapi/linux/fs.h); Debian 12's headers predate it */
struct cw_procmap_query {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};
#define CW_PROCMAP_QUERY	_IOWR('f', 17, struct cw_procmap_query)
#define CW_PMQ_READABLE		0x01
#define CW_PMQ_WRITABLE		0x02
#define CW_PMQ_EXECUTABLE	0x04
#define CW_PMQ_SHARED		0x08
#define CW_PMQ_COVERING_OR_NEXT	0x10

#define CW_MAX_BATCH	8
#define CW_MAX_FAIL	4
#define DN_SLICE	64	/* slots per dontneed thread */
#define DN_CHUNK	16	/* slots per dontneed step */
#define DN_OWN		64	/* pages of its own VMA it dirties and drops */
#define PM_RANGES	256	/* 4 KiB ranges per process_madvise round */
#define PM_CELL		1024	/* pages of its own VMA (MADV_DONTNEED arm) */
#define CH_CELLS	6	/* cells per churn thread: 4 in use, 2 spare */
#define CH_SPARE	2
#define CH_NOHOLE	2	/* of the cells in use: split/replace only, never a hole */
#define CH_PAGES	16
#define QUIET_CELLS	2	/* untouched cells: more guards for the maps readers */
#define QUIET_PAGES	4

/* rows of cowork_table[] */
enum { CW_DONTNEED, CW_PMADV, CW_MAPS, CW_CHURN, CW_NR };

struct cowork;
struct cw_thread;

struct cowork_desc {
	const char *name;
	const char *kind;		/* thread name prefix */
	const char *help;
	int (*supported)(const struct run *r, char *why, size_t len);
	void *(*fn)(void *thread);
	void (*report)(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
	bool gated;			/* touches the ledger: parks at checkpoints */
};

/* process_madvise: one advice, measured in several arms */
enum { PM_COLD, PM_PAGEOUT, PM_DONTNEED, PM_NR_ADV };
#define PM_ARM_MADVISE	0	/* plain madvise() per range */
#define PM_ARM_SINGLE	1	/* process_madvise, vlen 1 */
#define PM_ARM_BATCH	2	/* + index into batch[] */
#define PM_NR_ARMS	(PM_ARM_BATCH + CW_MAX_BATCH)

struct pm_arm {
	uint64_t calls, ranges, bytes, ns, errors;
	struct hist lat;		/* per call */
};

/* churn ops */
enum { CH_SPLIT, CH_MOVE, CH_REPLACE, CH_HOLE, CH_RESIZE, CH_NR_OPS };
static const char *const ch_op_names[CH_NR_OPS] = {
	"mprotect-split-merge", "mremap-move", "mmap-replace", "munmap-remap", "mremap-shrink-grow",
};

enum cell_state { CELL_ACTIVE, CELL_SPARE, CELL_DEAD };

struct cell {
	char *addr;
	size_t pages;
	enum cell_state state;
	bool stable;		/* its VMA never changes: the maps readers expect it exactly */
	bool nohole;		/* churned by mprotect/MAP_FIXED only: never a hole in it */
};

struct cw_thread {
	struct cowork *cw;
	const struct cowork_desc *d;
	unsigned idx;
	pthread_t th;
	bool started;
	char name[16];
	uint64_t rng;
	/* results: written only by this thread, read after the join */
	uint64_t ops, bytes, failures;
	struct hist lat;		/* the main op */
	struct hist lat2;		/* dontneed: own VMA; maps: PROCMAP_QUERY walks */
	unsigned nfail;
	char fail[CW_MAX_FAIL][320];
	/* dontneed */
	size_t lo, hi;			/* owned slots */
	struct cell *own;		/* its neighbour VMA */
	struct thread_stats *mst;	/* its own MOVEs */
	uint64_t moved, dropped, refilled, own_ops, own_bytes;
	/* process_madvise */
	struct pm_arm (*arms)[PM_NR_ARMS];
	bool adv_ok[PM_NR_ADV];
	char adv_why[PM_NR_ADV][96];
	uint64_t rounds;
	/* maps */
	uint64_t snaps[2], lines, torn[2], violations, vcount[MV_NR_KINDS];
	unsigned nviol;
	struct maps_violation viol[4];
	unsigned viol_src[4];
	char torn_example[2][MAPS_LINE_MAX];
	/* churn */
	struct cell *cells;
	unsigned ncells;
	uint64_t ch_ops[CH_NR_OPS], ch_err[CH_NR_OPS], lost_cells;
	struct hist *ch_lat;		/* [CH_NR_OPS] */
};

struct cowork {
	struct run *r;
	unsigned nthreads, ngated;
	struct cw_thread *t;
	char skipped[CW_NR][160];	/* per table row: why not run */
	bool on[CW_NR];
	unsigned batch[CW_MAX_BATCH], nbatch;
	/* the neighbourhood */
	char *area;
	size_t area_len;
	bool area_built;		/* tiled: teardown unmaps piece by piece */
	char **guards;
	const char *placed;
	int memfd;
	struct cell *cells;
	unsigned ncells;
	struct maps_range *stable;
	size_t nstable;
	char (*stable_what)[24];
	struct maps_range *covered;	/* the nohole cells */
	size_t ncovered;
	char (*covered_what)[24];
	bool query_ok;
	char query_why[96];
	/* the start gate: the movers run alone for the warm-up first */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go;
	uint64_t warmup_ns, t_go, t_stop;
	struct hist *base_lat;		/* movers' MOVE latency before the co-workloads */
	uint64_t base_ops, base_pages;
	json_t *vm0, *vm1;
	char pfn_note[160];
	uint64_t failures;
};

static const struct cowork_desc cowork_table[];

static bool cw_stopped(const struct cw_thread *t)
{
	return run_stopped(t->cw->r);
}

static void record_fail(struct cw_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void record_fail(struct cw_thread *t, const char *fmt, ...)
{
	va_list ap;

	t->failures++;
	if (t->nfail >= CW_MAX_FAIL)
		return;
	va_start(ap, fmt);
	vsnprintf(t->fail[t->nfail++], sizeof(t->fail[0]), fmt, ap);
	va_end(ap);
}

static void touch_pages(char *p, size_t pages, uint8_t v)
{
	size_t i;

	for (i = 0; i < pages; i++)
		((volatile char *)p)[i * MS_PAGE_SIZE] = (char)v;
}

/* ---- the start gate and the movers' snapshot ---- */

/*
 * The movers' MOVE latency histograms at the moment the co-workloads
 * start.  Each bucket is an aligned 64-bit counter written by its one
 * mover thread; reading it while the mover runs gives a value at most a
 * few ops behind, which is what an approximate "before" split needs.  The
 * race is deliberate, so it is not instrumented.
 */
__attribute__((no_sanitize("thread")))
static void snapshot_movers(struct cowork *cw)
{
	struct run *r = cw->r;
	unsigned i, b;

	for (i = 0; i < r->nmovers; i++) {
		const struct thread_stats *st = &r->workers[i].st;

		for (b = 0; b < HIST_NR_BUCKETS; b++)
			cw->base_lat->buckets[b] += __atomic_load_n(&st->move_lat.buckets[b], __ATOMIC_RELAXED);
		cw->base_ops += __atomic_load_n(&st->ops, __ATOMIC_RELAXED);
		cw->base_pages += __atomic_load_n(&st->pages, __ATOMIC_RELAXED);
	}
}

/* n, min, max, mean and m2 from the buckets (bucket values: within 1%) */
static void hist_from_buckets(struct hist *h)
{
	uint64_t n = 0, v;
	double mean = 0, m2 = 0, d;
	unsigned b;

	h->min = h->max = 0;
	for (b = 0; b < HIST_NR_BUCKETS; b++) {
		uint64_t c = h->buckets[b];

		if (!c)
			continue;
		v = hist_idx_to_val(b);
		if (!n)
			h->min = v;
		h->max = v;
		n += c;
		d = (double)v - mean;
		mean += d * (double)c / (double)n;
		m2 += d * ((double)v - mean) * (double)c;
	}
	h->n = n;
	h->mean = mean;
	h->m2 = m2;
}

static bool movers_gone(struct cw_thread *t);

/* the run is over for @t: stopped, or (gated) every mover has left */
static bool cw_done(struct cw_thread *t)
{
	return cw_stopped(t) || (t->d->gated && movers_gone(t));
}

/* wait for the leader to open the gate; false if the run ended first */
static bool wait_go(struct cw_thread *t)
{
	struct cowork *cw = t->cw;
	struct timespec tick = { 0, 10 * 1000000L };

	if (t == &cw->t[0]) {
		uint64_t until = cw->r->t0_ns + cw->warmup_ns;

		while (now_ns() < until && !cw_done(t)) {
			if (t->d->gated)
				run_gate(cw->r);
			nanosleep(&tick, NULL);
		}
		if (cw_done(t))
			return false;
		snapshot_movers(cw);
		hist_from_buckets(cw->base_lat);
		cw->vm0 = kv_read("/proc/vmstat");
		pthread_mutex_lock(&cw->lock);
		cw->t_go = now_ns();
		__atomic_store_n(&cw->go, 1, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&cw->cond);
		pthread_mutex_unlock(&cw->lock);
		return true;
	}
	while (!__atomic_load_n(&cw->go, __ATOMIC_ACQUIRE)) {
		if (cw_done(t))
			return false;
		if (t->d->gated)
			run_gate(cw->r);
		nanosleep(&tick, NULL);
	}
	return true;
}

/* a gated thread leaves: the checkpoint gate must not wait for it */
static void gated_exit(struct cw_thread *t)
{
	struct run *r = t->cw->r;

	pthread_mutex_lock(&r->gate_lock);
	r->running--;
	t->cw->ngated--;
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
}

/* every mover has left (--ops reached): gated threads must go too */
static bool movers_gone(struct cw_thread *t)
{
	struct run *r = t->cw->r;
	bool gone;

	pthread_mutex_lock(&r->gate_lock);
	gone = r->running <= t->cw->ngated;
	pthread_mutex_unlock(&r->gate_lock);
	return gone;
}

/* ---- dontneed ---- */

static int dontneed_supported(const struct run *r, char *why, size_t len)
{
	const struct opts *o;
	size_t want, vp;

	if (!r)		/* `movestress list`: the rest depends on the run's options */
		return 0;
	o = r->o;
	want = (size_t)o->with_threads * DN_SLICE;
	vp = r->reg[0].vma_pages;

	if (r->mode->shared_slots) {
		snprintf(why, len, "mode %s: every mover works on every slot, none can be given to dontneed",
			 o->mode);
		return -EOPNOTSUPP;
	}
	if (r->mode->needs_thp)
		want = (want + 511) / 512 * 512;
	if (want * 4 * o->movers > vp) {
		snprintf(why, len, "needs %zu slots of its own, at most a quarter of a mover's share "
			 "(%zu pages per VMA, %u movers): raise --size", want, vp, o->movers);
		return -EOPNOTSUPP;
	}
	return 0;
}

static uint64_t slot_addr(const struct run *r, unsigned region, size_t s)
{
	return (uint64_t)(uintptr_t)region_addr(&r->reg[region], s);
}

#define DN_ALLOWED (ERRBIT_EAGAIN | ERRBIT_EBUSY)

/* move src->dst a run of SRC slots */
static void dn_move_out(struct cw_thread *t, size_t s, size_t n)
{
	struct run *r = t->cw->r;
	int64_t moved;
	size_t i, done;
	int err;

	moved = run_move(r, t->mst, slot_addr(r, REGION_DST, s), slot_addr(r, REGION_SRC, s),
			 n * MS_PAGE_SIZE, 0, DN_ALLOWED, &err);
	done = (size_t)moved / MS_PAGE_SIZE;
	for (i = 0; i < done; i++)
		ledger_set(r, s + i, REGION_DST);
	t->moved += done;
}

/* drop a run of DST slots: the pages exist nowhere afterwards */
static void dn_drop(struct cw_thread *t, size_t s, size_t n)
{
	struct run *r = t->cw->r;
	uint64_t t0 = now_ns();
	size_t i;

	if (madvise((void *)(uintptr_t)slot_addr(r, REGION_DST, s), n * MS_PAGE_SIZE, MADV_DONTNEED)) {
		record_fail(t, "MADV_DONTNEED dst slots %zu..%zu: %s", s, s + n - 1, strerror(errno));
		return;
	}
	hist_add(&t->lat, now_ns() - t0);
	t->ops++;
	t->bytes += n * MS_PAGE_SIZE;
	for (i = 0; i < n; i++)
		ledger_set(r, s + i, REGION_NONE);
	t->dropped += n;
}

/* refill a run of empty slots: new generation written in the neighbour VMA, moved in */
static void dn_refill(struct cw_thread *t, size_t s, size_t n, int pmfd)
{
	struct run *r = t->cw->r;
	char *nb = t->own->addr + (s - t->lo) * MS_PAGE_SIZE;
	uint64_t pfn[DN_CHUNK];
	size_t i, done;
	int64_t moved;
	int err;

	for (i = 0; i < n; i++)
		stamp_write(nb + i * MS_PAGE_SIZE, r->seed, REGION_SRC, (uint32_t)(s + i), r->gen[s + i] + 1);
	if (r->pfn0 && (pmfd < 0 || pagemap_read(pmfd, nb, n, pfn)))
		memset(pfn, 0, sizeof(pfn));
	moved = run_move(r, t->mst, slot_addr(r, REGION_SRC, s), (uint64_t)(uintptr_t)nb,
			 n * MS_PAGE_SIZE, 0, DN_ALLOWED, &err);
	done = (size_t)moved / MS_PAGE_SIZE;
	for (i = 0; i < done; i++) {
		r->gen[s + i]++;
		if (r->pfn0)
			r->pfn0[s + i] = pfn[i] & PM_PFN_MASK;
		ledger_set(r, s + i, REGION_SRC);
	}
	t->refilled += done;
}

/* dirty and drop pages of its own VMA: the per-VMA lock path (seed 000) */
static void dn_own(struct cw_thread *t)
{
	size_t n = 1 + rng_next(&t->rng) % DN_CHUNK, off = rng_next(&t->rng) % (DN_OWN - n + 1);
	char *p = t->own->addr + (t->hi - t->lo + off) * MS_PAGE_SIZE;
	uint64_t t0;

	touch_pages(p, n, (uint8_t)t->own_ops);
	t0 = now_ns();
	if (madvise(p, n * MS_PAGE_SIZE, MADV_DONTNEED)) {
		record_fail(t, "MADV_DONTNEED own VMA %p+%zu pages: %s", (void *)p, n, strerror(errno));
		return;
	}
	hist_add(&t->lat2, now_ns() - t0);
	t->own_ops++;
	t->own_bytes += n * MS_PAGE_SIZE;
}

static void *dontneed_main(void *arg)
{
	struct cw_thread *t = arg;
	struct run *r = t->cw->r;
	int pmfd = r->pfn0 ? open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC) : -1;
	size_t s, i, j, end;
	unsigned iter = 0;

	if (!wait_go(t))
		goto out;
	while (!cw_stopped(t)) {
		for (s = t->lo; s < t->hi && !cw_stopped(t); s = end) {
			run_gate(r);
			end = s + DN_CHUNK < t->hi ? s + DN_CHUNK : t->hi;
			/* one step for every page: src -> dst -> dropped -> refilled in src */
			for (i = s; i < end; i = j) {
				uint8_t w = r->where[i];

				for (j = i + 1; j < end && r->where[j] == w; j++)
					;
				if (w == REGION_SRC)
					dn_move_out(t, i, j - i);
				else if (w == REGION_DST)
					dn_drop(t, i, j - i);
				else
					dn_refill(t, i, j - i, pmfd);
			}
			dn_own(t);
			if (!(++iter & 63) && movers_gone(t))
				goto out;
		}
	}
out:
	if (pmfd >= 0)
		close(pmfd);
	t->failures += t->mst->failures;
	for (i = 0; i < t->mst->nfail && t->nfail < CW_MAX_FAIL; i++)
		snprintf(t->fail[t->nfail++], sizeof(t->fail[0]), "%s dst=%#" PRIx64 " src=%#" PRIx64
			 " len=%" PRIu64 ": %s", t->mst->fail[i].op, t->mst->fail[i].dst, t->mst->fail[i].src,
			 t->mst->fail[i].len, strerror(t->mst->fail[i].err));
	gated_exit(t);
	return NULL;
}

/* ---- process_madvise ---- */

/* the advice; pm_adv_names[] holds their names (--pmadv-advice) */
static const struct {
	int advice;
	bool own;			/* on its own VMA (else on the regions' pages) */
} pm_adv[PM_NR_ADV] = {
	[PM_COLD] = { MADV_COLD, false },
	[PM_PAGEOUT] = { MADV_PAGEOUT, false },
	[PM_DONTNEED] = { MADV_DONTNEED, true },
};

static const char *const pm_adv_names[PM_NR_ADV + 1] = {
	[PM_COLD] = "cold", [PM_PAGEOUT] = "pageout", [PM_DONTNEED] = "dontneed", [PM_NR_ADV] = NULL,
};

const char *const *cowork_pmadv_advice_names(void)
{
	return pm_adv_names;
}

static bool listed(const char *list, const char *name);

static long sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static long sys_process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice)
{
#ifdef SYS_process_madvise
	return syscall(SYS_process_madvise, pidfd, iov, n, advice, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int pmadv_supported(const struct run *r, char *why, size_t len)
{
	long fd = sys_pidfd_open(getpid());

	if (fd < 0) {
		snprintf(why, len, "pidfd_open: %s (kernel < 5.3)", strerror(errno));
		return -EOPNOTSUPP;
	}
	if (sys_process_madvise((int)fd, NULL, 0, MADV_COLD) < 0 && errno == ENOSYS) {
		snprintf(why, len, "process_madvise: %s (kernel < 5.10)", strerror(errno));
		close((int)fd);
		return -EOPNOTSUPP;
	}
	close((int)fd);
	return 0;
}

/* @n ranges of one page each starting at a random page of the regions or its own VMA */
static void pm_ranges(struct cw_thread *t, bool own, struct iovec *iov, size_t n)
{
	struct run *r = t->cw->r;
	char *base;
	size_t pages, i, first;

	if (own) {
		base = t->own->addr;
		pages = t->own->pages;
	} else {
		const struct region *rg = &r->reg[rng_next(&t->rng) & 1];

		base = region_addr(rg, (rng_next(&t->rng) % rg->nvmas) * rg->vma_pages);
		pages = rg->vma_pages;
	}
	if (n > pages)
		n = pages;
	first = rng_next(&t->rng) % (pages - n + 1);
	for (i = 0; i < n; i++)
		iov[i] = (struct iovec){ base + (first + i) * MS_PAGE_SIZE, MS_PAGE_SIZE };
	for (; i < PM_RANGES; i++)
		iov[i] = (struct iovec){ NULL, 0 };
}

static void pm_arm_run(struct cw_thread *t, int pidfd, unsigned a, unsigned arm,
		       const struct iovec *iov, size_t n)
{
	struct pm_arm *pa = &t->arms[a][arm];
	size_t i, vlen = arm == PM_ARM_MADVISE || arm == PM_ARM_SINGLE ? 1 : t->cw->batch[arm - PM_ARM_BATCH];
	uint64_t t0, t1, start = now_ns();
	long ret;

	if (pm_adv[a].own)
		touch_pages(t->own->addr, t->own->pages, (uint8_t)t->rounds);
	start = now_ns();
	for (i = 0; i < n; i += vlen) {
		size_t k = n - i < vlen ? n - i : vlen, want = k * MS_PAGE_SIZE;

		t0 = now_ns();
		if (arm == PM_ARM_MADVISE)
			ret = madvise(iov[i].iov_base, iov[i].iov_len, pm_adv[a].advice) ? -1 : (long)want;
		else
			ret = sys_process_madvise(pidfd, iov + i, k, pm_adv[a].advice);
		t1 = now_ns();
		hist_add(&pa->lat, t1 - t0);
		pa->calls++;
		pa->ranges += k;
		if (ret < 0) {
			pa->errors++;
			if (errno != EAGAIN && errno != EINTR)
				record_fail(t, "%s %s of %zu ranges at %p: %s",
					    arm == PM_ARM_MADVISE ? "madvise" : "process_madvise",
					    pm_adv_names[a], k, iov[i].iov_base, strerror(errno));
			continue;
		}
		pa->bytes += (uint64_t)ret;
		t->bytes += (uint64_t)ret;
	}
	pa->ns += now_ns() - start;
	t->ops += pa->calls ? 1 : 0;
}

static void *pmadv_main(void *arg)
{
	struct cw_thread *t = arg;
	struct cowork *cw = t->cw;
	struct iovec iov[PM_RANGES];
	unsigned a, k, narms = PM_ARM_BATCH + cw->nbatch;
	long pidfd = sys_pidfd_open(getpid());

	if (pidfd < 0) {
		record_fail(t, "pidfd_open: %s", strerror(errno));
		return NULL;
	}
	/* which advice does this kernel take through process_madvise on this process? */
	for (a = 0; a < PM_NR_ADV; a++) {
		struct iovec one = { t->own->addr, MS_PAGE_SIZE };

		if (!listed(cw->r->o->pmadv_advice, pm_adv_names[a])) {
			snprintf(t->adv_why[a], sizeof(t->adv_why[a]), "not selected (--pmadv-advice=%s)",
				 cw->r->o->pmadv_advice);
			continue;
		}
		touch_pages(t->own->addr, 1, 1);
		t->adv_ok[a] = sys_process_madvise((int)pidfd, &one, 1, pm_adv[a].advice) == MS_PAGE_SIZE;
		if (!t->adv_ok[a])
			snprintf(t->adv_why[a], sizeof(t->adv_why[a]), "process_madvise(%s) on itself: %s",
				 pm_adv_names[a], strerror(errno));
	}
	if (!wait_go(t))
		goto out;
	while (!cw_stopped(t)) {
		for (a = 0; a < PM_NR_ADV && !cw_stopped(t); a++) {
			if (!t->adv_ok[a])
				continue;
			pm_ranges(t, pm_adv[a].own, iov, PM_RANGES);
			/* every arm advises the same ranges; the order rotates by round */
			for (k = 0; k < narms && !cw_stopped(t); k++) {
				unsigned arm = (unsigned)((k + t->rounds) % narms);
				size_t n = pm_adv[a].own ? t->own->pages < PM_RANGES ? t->own->pages : PM_RANGES :
					   PM_RANGES < cw->r->reg[0].vma_pages ? PM_RANGES : cw->r->reg[0].vma_pages;

				pm_arm_run(t, (int)pidfd, a, arm, iov, n);
			}
		}
		t->rounds++;
	}
out:
	close((int)pidfd);
	return NULL;
}

/* ---- maps ---- */

static int maps_supported(const struct run *r, char *why, size_t len)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "/proc/self/maps: %s", strerror(errno));
		return -EOPNOTSUPP;
	}
	close(fd);
	return 0;
}

/* the whole of /proc/self/maps, read as a reader would: read() until EOF */
static ssize_t read_maps_text(int fd, char **buf, size_t *cap)
{
	size_t len = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		if (*cap - len < 8192) {
			char *nb = realloc(*buf, *cap * 2);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap *= 2;
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* the same through PROCMAP_QUERY: one ioctl per VMA, as lines "start-end perms" */
static ssize_t read_maps_query(int fd, char **buf, size_t *cap)
{
	struct cw_procmap_query q;
	uint64_t addr = 0;
	size_t len = 0;

	for (;;) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = CW_PMQ_COVERING_OR_NEXT;
		q.query_addr = addr;
		if (ioctl(fd, CW_PROCMAP_QUERY, &q)) {
			if (errno == ENOENT)
				break;
			return -errno;
		}
		if (*cap - len < 128) {
			char *nb = realloc(*buf, *cap * 2);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap *= 2;
		}
		len += (size_t)snprintf(*buf + len, *cap - len, "%" PRIx64 "-%" PRIx64 " %c%c%c%c %08" PRIx64 " (PROCMAP_QUERY)\n",
					q.vma_start, q.vma_end, q.vma_flags & CW_PMQ_READABLE ? 'r' : '-',
					q.vma_flags & CW_PMQ_WRITABLE ? 'w' : '-',
					q.vma_flags & CW_PMQ_EXECUTABLE ? 'x' : '-',
					q.vma_flags & CW_PMQ_SHARED ? 's' : 'p', q.vma_offset);
		if (q.vma_end <= addr)
			return -EPROTO;	/* no progress: would loop forever */
		addr = q.vma_end;
	}
	return (ssize_t)len;
}

static void *maps_main(void *arg)
{
	struct cw_thread *t = arg;
	struct cowork *cw = t->cw;
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	unsigned *seen = calloc(cw->nstable, sizeof(*seen));
	uint64_t *cover = calloc(cw->ncovered + 1, sizeof(*cover));
	struct maps_result *res = calloc(1, sizeof(*res));
	struct maps_expect e = { cw->stable, cw->nstable, cw->covered, cw->ncovered, seen, cover };
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	unsigned src = t->idx & 1, i;
	uint64_t t0, t1;
	ssize_t len;

	if (!buf || !seen || !cover || !res || fd < 0) {
		record_fail(t, "maps reader setup: %s", fd < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	if (!wait_go(t))
		goto out;
	while (!cw_stopped(t)) {
		src = cw->query_ok ? src ^ 1 : 0;
		t0 = now_ns();
		len = src ? read_maps_query(fd, &buf, &cap) : read_maps_text(fd, &buf, &cap);
		t1 = now_ns();
		if (len < 0) {
			record_fail(t, "reading /proc/self/maps (%s): %s", src ? "PROCMAP_QUERY" : "read",
				    strerror((int)-len));
			break;
		}
		hist_add(src ? &t->lat2 : &t->lat, t1 - t0);
		t->ops++;
		t->snaps[src]++;
		t->bytes += (uint64_t)len;
		maps_check(buf, (size_t)len, &e, res);
		t->lines += res->lines;
		if (res->torn && !t->torn[0] && !t->torn[1])
			memcpy(t->torn_example, res->torn_example, sizeof(t->torn_example));
		t->torn[src] += res->torn;
		if (!res->violations)
			continue;
		t->violations += res->violations;
		t->failures += res->violations;
		for (i = 0; i < MV_NR_KINDS; i++)
			t->vcount[i] += res->count[i];
		for (i = 0; i < res->ndetail && t->nviol < 4; i++) {
			t->viol_src[t->nviol] = src;
			t->viol[t->nviol++] = res->detail[i];
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(seen);
	free(cover);
	free(res);
	return NULL;
}

/* ---- churn ---- */

static void *map_anon(void *addr, size_t len, int prot, int extra)
{
	return mmap(addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
}

/* a cell's op: 0, or -errno; the cell may become DEAD when its space was lost */
static int ch_split(struct cw_thread *t, struct cell *c)
{
	size_t a = rng_next(&t->rng) % c->pages, n = 1 + rng_next(&t->rng) % (c->pages - a);
	char *p = c->addr + a * MS_PAGE_SIZE;

	/* a == 0 is seed 004's case: the VMA's start moves up, a new VMA appears below it */
	if (mprotect(p, n * MS_PAGE_SIZE, PROT_READ))
		return -errno;
	if (mprotect(p, n * MS_PAGE_SIZE, PROT_READ | PROT_WRITE))
		return -errno;
	return 0;
}

static int ch_move(struct cw_thread *t, struct cell *c)
{
	struct cell *spare = NULL;
	size_t len = c->pages * MS_PAGE_SIZE;
	unsigned i, k = (unsigned)(rng_next(&t->rng) % t->ncells);
	void *p;

	for (i = 0; i < t->ncells && !spare; i++)
		if (t->cells[(k + i) % t->ncells].state == CELL_SPARE &&
		    t->cells[(k + i) % t->ncells].pages == c->pages)
			spare = &t->cells[(k + i) % t->ncells];
	if (!spare)
		return -ENOSPC;
	p = mremap(c->addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, spare->addr);
	if (p == MAP_FAILED)
		return -errno;
	if (p != spare->addr) {
		record_fail(t, "mremap(%p, FIXED %p) returned %p", (void *)c->addr, (void *)spare->addr, p);
		return -EPROTO;
	}
	spare->state = CELL_ACTIVE;
	/* the old place is a hole now: take it back before anyone else does */
	p = map_anon(c->addr, len, PROT_NONE, MAP_FIXED_NOREPLACE);
	if (p != c->addr) {
		if (p != MAP_FAILED)
			munmap(p, len);
		c->state = CELL_DEAD;
		t->lost_cells++;
		return 0;
	}
	c->state = CELL_SPARE;
	return 0;
}

static int ch_replace(struct cw_thread *t, struct cell *c)
{
	size_t len = c->pages * MS_PAGE_SIZE;

	if (map_anon(c->addr, len, PROT_READ | PROT_WRITE, MAP_FIXED) != c->addr)
		return -errno;
	touch_pages(c->addr, c->pages, 1);
	return 0;
}

/* put back [p, p+len) after a hole; the cell is lost if someone else took it */
static int ch_refill(struct cw_thread *t, struct cell *c, char *p, size_t len)
{
	void *q = map_anon(p, len, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);

	if (q != p) {
		if (q != MAP_FAILED)
			munmap(q, len);
		munmap(c->addr, (size_t)(p - c->addr));
		c->state = CELL_DEAD;
		t->lost_cells++;
		return 0;
	}
	touch_pages(p, len / MS_PAGE_SIZE, 2);
	return 0;
}

static int ch_hole(struct cw_thread *t, struct cell *c)
{
	size_t half = c->pages / 2 * MS_PAGE_SIZE, len = c->pages * MS_PAGE_SIZE;

	if (munmap(c->addr + half, len - half))
		return -errno;
	return ch_refill(t, c, c->addr + half, len - half);
}

static int ch_resize(struct cw_thread *t, struct cell *c)
{
	size_t half = c->pages / 2 * MS_PAGE_SIZE, len = c->pages * MS_PAGE_SIZE;
	void *p;

	p = mremap(c->addr, len, half, 0);
	if (p == MAP_FAILED)
		return -errno;
	p = mremap(c->addr, half, len, 0);
	if (p == MAP_FAILED)	/* the hole was taken: the cell is half now */
		return ch_refill(t, c, c->addr + half, len - half);
	touch_pages(c->addr + half, (len - half) / MS_PAGE_SIZE, 3);
	return 0;
}

static int (*const ch_ops[CH_NR_OPS])(struct cw_thread *, struct cell *) = {
	[CH_SPLIT] = ch_split,
	[CH_MOVE] = ch_move,
	[CH_REPLACE] = ch_replace,
	[CH_HOLE] = ch_hole,
	[CH_RESIZE] = ch_resize,
};

static int churn_supported(const struct run *r, char *why, size_t len)
{
	return 0;
}

static void *churn_main(void *arg)
{
	struct cw_thread *t = arg;
	unsigned op, i, k;
	uint64_t t0;
	int ret;

	if (!wait_go(t))
		return NULL;
	while (!cw_stopped(t)) {
		struct cell *c = NULL;

		k = (unsigned)(rng_next(&t->rng) % t->ncells);
		for (i = 0; i < t->ncells && !c; i++)
			if (t->cells[(k + i) % t->ncells].state == CELL_ACTIVE)
				c = &t->cells[(k + i) % t->ncells];
		if (!c) {
			record_fail(t, "churn: every cell lost to other mappings (%" PRIu64 ")", t->lost_cells);
			break;
		}
		op = (unsigned)(rng_next(&t->rng) % CH_NR_OPS);
		if (c->nohole)		/* never a hole: split/merge or an atomic MAP_FIXED replacement */
			op = op & 1 ? CH_REPLACE : CH_SPLIT;
		t0 = now_ns();
		ret = ch_ops[op](t, c);
		if (ret == -ENOSPC)
			continue;
		hist_add(&t->ch_lat[op], now_ns() - t0);
		t->ch_ops[op]++;
		t->ops++;
		if (ret) {
			t->ch_err[op]++;
			if (ret != -EPROTO)
				record_fail(t, "churn %s on cell %p: %s", ch_op_names[op], (void *)c->addr,
					    strerror(-ret));
		}
	}
	return NULL;
}

/* ---- the table ---- */

static void dontneed_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
static void pmadv_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
static void maps_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
static void churn_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);

static const struct cowork_desc cowork_table[] = {
	[CW_DONTNEED] = { "dontneed", "dontneed",
	  "MADV_DONTNEED of already-moved destination pages (ledger: dropped) and of its own VMA",
	  dontneed_supported, dontneed_main, dontneed_report, true },
	[CW_PMADV] = { "process_madvise", "pmadv",
	  "batched MADV_COLD/PAGEOUT/DONTNEED through a pidfd (--batch); speed-up against single calls",
	  pmadv_supported, pmadv_main, pmadv_report, false },
	[CW_MAPS] = { "maps", "maps",
	  "read /proc/self/maps and PROCMAP_QUERY; every stable VMA exactly once, no phantom gap",
	  maps_supported, maps_main, maps_report, false },
	[CW_CHURN] = { "churn", "churn",
	  "mprotect/mremap/munmap+mmap of neighbour VMAs next to the source region: splits and merges",
	  churn_supported, churn_main, churn_report, false },
	[CW_NR] = { NULL },
};
#define NDESC CW_NR

static const char *cowork_name_list[NDESC + 1];

static void fill_names(void)
{
	size_t i;

	for (i = 0; i < NDESC; i++)
		cowork_name_list[i] = cowork_table[i].name;
}

const char *const *cowork_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fill_names);
	return cowork_name_list;
}

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

/* ---- side hooks ---- */

static int parse_batch(const char *s, unsigned *out, unsigned *n)
{
	char *end;
	unsigned long v;

	*n = 0;
	while (*s) {
		if (*n >= CW_MAX_BATCH)
			return -E2BIG;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || end == s || v < 2 || v > 1024 || (*end && *end != ','))
			return -EINVAL;
		out[(*n)++] = (unsigned)v;
		s = *end ? end + 1 : end;
	}
	return *n ? 0 : -EINVAL;
}

static int cowork_validate(const struct opts *o)
{
	unsigned b[CW_MAX_BATCH], n;

	if (parse_batch(o->batch, b, &n)) {
		fprintf(stderr, "movestress: --batch: invalid value '%s': expected up to %d iovec counts "
			"in 2..1024, comma-separated\n", o->batch, CW_MAX_BATCH);
		return -EINVAL;
	}
	return 0;
}

static int map_guard(struct cowork *cw, char *at, unsigned g)
{
	void *p = mmap(at, MS_PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, cw->memfd,
		       (off_t)g * MS_PAGE_SIZE);

	return p == at ? 0 : -errno;
}

static int cmp_range(const void *a, const void *b)
{
	const struct maps_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The neighbourhood: guard | cell | guard | cell | ... | guard, right below
 * the source region's reservation when that space is free.
 */
static int build_area(struct cowork *cw, char *why, size_t len)
{
	struct run *r = cw->r;
	size_t total = MS_PAGE_SIZE, i;
	char *p, *hint;
	unsigned c, g = 0;
	int ret;

	for (c = 0; c < cw->ncells; c++)
		total += (cw->cells[c].pages + 1) * MS_PAGE_SIZE;
	cw->memfd = memfd_create("movestress-guard", MFD_CLOEXEC);
	if (cw->memfd < 0 || ftruncate(cw->memfd, (off_t)(cw->ncells + 1) * MS_PAGE_SIZE)) {
		snprintf(why, len, "memfd for the guard VMAs: %s", strerror(errno));
		return -errno;
	}
	/* as close to the regions as the address space allows */
	{
		const struct region *s = &r->reg[REGION_SRC], *d = &r->reg[REGION_DST];
		const struct { char *at; const char *what; } near[] = {
			{ s->res - total, "right below the source region" },
			{ s->res + s->res_len, "right above the source region" },
			{ d->res - total, "right below the destination region" },
			{ d->res + d->res_len, "right above the destination region" },
		};

		p = MAP_FAILED;
		for (i = 0; i < sizeof(near) / sizeof(near[0]) && p == MAP_FAILED; i++) {
			hint = near[i].at;
			p = map_anon(hint, total, PROT_NONE, MAP_NORESERVE | MAP_FIXED_NOREPLACE);
			if (p != MAP_FAILED && p != hint) {	/* an old kernel took it as a hint */
				munmap(p, total);
				p = MAP_FAILED;
			}
			cw->placed = near[i].what;
		}
	}
	if (p == MAP_FAILED) {
		p = map_anon(NULL, total, PROT_NONE, MAP_NORESERVE);
		cw->placed = "elsewhere (the space around both regions was taken)";
		if (p == MAP_FAILED) {
			snprintf(why, len, "mapping the co-workload area: %s", strerror(errno));
			return -errno;
		}
	}
	cw->area = p;
	cw->area_len = total;
	cw->nstable = 2 * cw->ncells + 1 + (size_t)r->reg[REGION_SRC].nvmas + r->reg[REGION_DST].nvmas;
	cw->stable = calloc(cw->nstable, sizeof(*cw->stable));
	cw->stable_what = calloc(cw->nstable, sizeof(*cw->stable_what));
	cw->covered = calloc(cw->ncells, sizeof(*cw->covered));
	cw->covered_what = calloc(cw->ncells, sizeof(*cw->covered_what));
	cw->guards = calloc(cw->ncells + 1, sizeof(*cw->guards));
	if (!cw->stable || !cw->stable_what || !cw->guards || !cw->covered || !cw->covered_what) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (c = 0; c <= cw->ncells; c++) {
		cw->guards[c] = p;
		ret = map_guard(cw, p, c);
		if (ret) {
			snprintf(why, len, "guard VMA at %p: %s", (void *)p, strerror(-ret));
			return ret;
		}
		snprintf(cw->stable_what[g], sizeof(cw->stable_what[0]), "guard %u", c);
		cw->stable[g] = (struct maps_range){ (uintptr_t)p, (uintptr_t)p + MS_PAGE_SIZE, cw->stable_what[g] };
		g++;
		p += MS_PAGE_SIZE;
		if (c == cw->ncells)
			break;
		cw->cells[c].addr = p;
		if (map_anon(p, cw->cells[c].pages * MS_PAGE_SIZE,
			     cw->cells[c].state == CELL_SPARE ? PROT_NONE : PROT_READ | PROT_WRITE,
			     MAP_FIXED) != p) {
			snprintf(why, len, "cell at %p: %s", (void *)p, strerror(errno));
			return -errno;
		}
		if (cw->cells[c].state != CELL_SPARE) {
			madvise(p, cw->cells[c].pages * MS_PAGE_SIZE, MADV_NOHUGEPAGE);
			touch_pages(p, cw->cells[c].pages, 0);
		}
		if (cw->cells[c].stable) {
			snprintf(cw->stable_what[g], sizeof(cw->stable_what[0]), "cell %u", c);
			cw->stable[g] = (struct maps_range){ (uintptr_t)p,
				(uintptr_t)p + cw->cells[c].pages * MS_PAGE_SIZE, cw->stable_what[g] };
			g++;
		}
		if (cw->cells[c].nohole) {
			snprintf(cw->covered_what[cw->ncovered], sizeof(cw->covered_what[0]), "churned cell %u", c);
			cw->covered[cw->ncovered] = (struct maps_range){ (uintptr_t)p,
				(uintptr_t)p + cw->cells[c].pages * MS_PAGE_SIZE, cw->covered_what[cw->ncovered] };
			cw->ncovered++;
		}
		p += cw->cells[c].pages * MS_PAGE_SIZE;
	}
	/* the regions' VMAs never change during the run either */
	for (i = 0; i < MS_NR_REGIONS; i++)
		for (c = 0; c < r->reg[i].nvmas; c++, g++) {
			char *v = region_addr(&r->reg[i], (size_t)c * r->reg[i].vma_pages);

			snprintf(cw->stable_what[g], sizeof(cw->stable_what[0]), "%s vma %u",
				 i == REGION_SRC ? "src" : "dst", c);
			cw->stable[g] = (struct maps_range){ (uintptr_t)v,
				(uintptr_t)v + r->reg[i].vma_pages * MS_PAGE_SIZE, cw->stable_what[g] };
		}
	cw->nstable = g;
	qsort(cw->stable, cw->nstable, sizeof(*cw->stable), cmp_range);
	qsort(cw->covered, cw->ncovered, sizeof(*cw->covered), cmp_range);
	cw->area_built = true;
	return 0;
}

/* PROCMAP_QUERY on the first guard: does this kernel have it? */
static void probe_query(struct cowork *cw)
{
	struct cw_procmap_query q = { .size = sizeof(q), .query_addr = (uintptr_t)cw->area };
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	cw->query_ok = fd >= 0 && !ioctl(fd, CW_PROCMAP_QUERY, &q) &&
		       q.vma_start == (uintptr_t)cw->area && q.vma_end == (uintptr_t)cw->area + MS_PAGE_SIZE;
	if (!cw->query_ok)
		snprintf(cw->query_why, sizeof(cw->query_why), "PROCMAP_QUERY: %s (kernel < 6.11)",
			 fd < 0 || errno ? strerror(errno) : "wrong VMA returned");
	if (fd >= 0)
		close(fd);
}

static int cowork_setup(struct run *r, char *why, size_t len)
{
	const struct opts *o = r->o;
	struct cowork *cw;
	unsigned d, i, k, c, ncells = QUIET_CELLS;
	size_t reserve = 0, slots;

	if (!o->with[0])
		return 0;
	cw = calloc(1, sizeof(*cw));
	if (!cw) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	r->cowork = cw;
	cw->r = r;
	cw->memfd = -1;
	pthread_mutex_init(&cw->lock, NULL);
	pthread_cond_init(&cw->cond, NULL);
	parse_batch(o->batch, cw->batch, &cw->nbatch);
	cw->warmup_ns = o->with_warmup_ns;
	if (o->runtime_ns && cw->warmup_ns > o->runtime_ns / 3)
		cw->warmup_ns = o->runtime_ns / 3;
	for (d = 0; d < NDESC; d++) {
		if (!listed(o->with, cowork_table[d].name))
			continue;
		if (cowork_table[d].supported(r, cw->skipped[d], sizeof(cw->skipped[d]))) {
			if (!o->quiet)
				printf("  cowork %s: skipped: %s\n", cowork_table[d].name, cw->skipped[d]);
			continue;
		}
		cw->on[d] = true;
		cw->nthreads += o->with_threads;
	}
	if (!cw->nthreads)
		return 0;
	cw->t = calloc(cw->nthreads, sizeof(*cw->t));
	cw->cells = calloc((size_t)cw->nthreads * CH_CELLS + QUIET_CELLS, sizeof(*cw->cells));
	cw->base_lat = calloc(1, sizeof(*cw->base_lat));
	if (!cw->t || !cw->cells || !cw->base_lat) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < QUIET_CELLS; i++)
		cw->cells[i] = (struct cell){ .pages = QUIET_PAGES, .state = CELL_ACTIVE, .stable = true };
	/* threads, the slots they own and the cells they need */
	slots = 0;
	for (d = 0, i = 0; d < NDESC; d++) {
		if (!cw->on[d])
			continue;
		for (k = 0; k < o->with_threads; k++, i++) {
			struct cw_thread *t = &cw->t[i];

			t->cw = cw;
			t->d = &cowork_table[d];
			t->idx = k;
			t->rng = r->seed ^ ((uint64_t)(i + 101) * 0x9e3779b97f4a7c15ULL);
			t->cells = &cw->cells[ncells];
			if (d == CW_DONTNEED) {
				t->lo = slots;	/* relative to the reserved tail; fixed below */
				t->hi = slots + DN_SLICE;
				slots += DN_SLICE;
				cw->cells[ncells] = (struct cell){ .pages = DN_SLICE + DN_OWN, .state = CELL_ACTIVE,
								  .stable = true };
				t->own = &cw->cells[ncells++];
				t->mst = calloc(1, sizeof(*t->mst));
				if (!t->mst)
					return -ENOMEM;
				cw->ngated++;
			} else if (d == CW_PMADV) {
				cw->cells[ncells] = (struct cell){ .pages = PM_CELL, .state = CELL_ACTIVE, .stable = true };
				t->own = &cw->cells[ncells++];
				t->arms = calloc(PM_NR_ADV, sizeof(*t->arms));
				if (!t->arms)
					return -ENOMEM;
			} else if (d == CW_CHURN) {
				for (c = 0; c < CH_CELLS; c++)
					cw->cells[ncells++] = (struct cell){ .pages = CH_PAGES,
						.state = c < CH_CELLS - CH_SPARE ? CELL_ACTIVE : CELL_SPARE,
						.nohole = c < CH_NOHOLE };
				t->ncells = CH_CELLS;
				t->ch_lat = calloc(CH_NR_OPS, sizeof(*t->ch_lat));
				if (!t->ch_lat)
					return -ENOMEM;
			}
		}
	}
	cw->ncells = ncells;
	/* dontneed's slots: the tail of the last VMA, kept out of the movers' slices */
	if (slots) {
		reserve = r->mode->needs_thp ? (slots + 511) / 512 * 512 : slots;
		r->side_reserved = reserve;
		for (i = 0; i < cw->nthreads; i++)
			if (cw->t[i].mst) {
				cw->t[i].lo += r->npages - reserve;
				cw->t[i].hi += r->npages - reserve;
			}
	}
	return build_area(cw, why, len);
}

static int cowork_start(struct run *r)
{
	struct cowork *cw = r->cowork;
	FILE *f;
	char line[256];
	unsigned i, n = 0;
	int ret;

	if (!cw || !cw->nthreads)
		return 0;
	if (cw->on[CW_MAPS])
		probe_query(cw);
	/*
	 * process_madvise MADV_PAGEOUT of region pages: with no swap it walks
	 * their rmap and puts them back, but if swap is (or becomes) active it
	 * swaps them out and in, and a frame then changes legitimately.
	 */
	if (cw->on[CW_PMADV] && r->pfn_checkable && listed(r->o->pmadv_advice, "pageout")) {
		r->pfn_checkable = false;
		if ((f = fopen("/proc/swaps", "re"))) {
			for (; fgets(line, sizeof(line), f); n++)
				;
			fclose(f);
		}
		snprintf(cw->pfn_note, sizeof(cw->pfn_note), "off: process_madvise MADV_PAGEOUT of region pages "
			 "may swap them out and in (swap %s at start)", n > 1 ? "active" : "not active");
	}
	pthread_mutex_lock(&r->gate_lock);
	r->running += cw->ngated;
	pthread_mutex_unlock(&r->gate_lock);
	for (i = 0; i < cw->nthreads; i++) {
		struct cw_thread *t = &cw->t[i];

		snprintf(t->name, sizeof(t->name), "%s/%u", t->d->kind, t->idx);
		ret = pthread_create(&t->th, NULL, t->d->fn, t);
		if (ret) {
			fprintf(stderr, "movestress: cowork %s/%u: pthread_create: %s\n", t->d->kind, t->idx,
				strerror(ret));
			if (t->d->gated) {
				pthread_mutex_lock(&r->gate_lock);
				r->running--;
				cw->ngated--;
				pthread_mutex_unlock(&r->gate_lock);
			}
			cw->failures++;
			continue;
		}
		t->started = true;
		pthread_setname_np(t->th, t->name);
	}
	return 0;
}

static void cowork_stop(struct run *r)
{
	struct cowork *cw = r->cowork;
	unsigned i;

	if (!cw || !cw->nthreads)
		return;
	for (i = 0; i < cw->nthreads; i++)
		if (cw->t[i].started)
			pthread_join(cw->t[i].th, NULL);
	cw->t_stop = now_ns();
	if (cw->go)
		cw->vm1 = kv_read("/proc/vmstat");
	for (i = 0; i < cw->nthreads; i++) {
		cw->failures += cw->t[i].failures;
		if (cw->t[i].mst) {
			r->side_moved_pages += cw->t[i].mst->pages;
			/* the known kernel bug: named in the verdict, not a co-workload failure */
			r->side_moved_but_failed += cw->t[i].mst->moved_but_failed;
		}
	}
	r->side_failures += cw->failures;
}

/* ---- report ---- */

static double per_s(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

/* with --output-format=json+ (or --bins) the log-linear bins too, as for MOVE */
static json_t *lat_json(const struct cowork *cw, const struct hist *h)
{
	return hist_to_json(h, hist_default_pcts, hist_default_npcts, opts_with_bins(cw->r->o));
}

static void print_lat(FILE *f, const char *what, const struct hist *h)
{
	if (!f || !h->n)
		return;
	fprintf(f, "      %-22s n=%-9" PRIu64 " p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus\n", what, h->n,
		hist_percentile(h, 50) / 1e3, hist_percentile(h, 99) / 1e3, hist_percentile(h, 99.9) / 1e3,
		h->max / 1e3);
}

static json_t *threads_json(struct cowork *cw, const struct cowork_desc *d, uint64_t win)
{
	json_t *arr = json_array();
	unsigned i;

	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];
		json_t *fails;
		unsigned k;

		if (t->d != d)
			continue;
		fails = json_array();
		for (k = 0; k < t->nfail; k++)
			json_array_append_new(fails, json_string(t->fail[k]));
		json_array_append_new(arr, json_pack("{s:s, s:I, s:f, s:I, s:o}", "name", t->name,
			"ops", (json_int_t)t->ops, "ops_per_s", per_s(t->ops, win),
			"failures", (json_int_t)t->failures, "failure_detail", fails));
	}
	return arr;
}

static void merge_common(struct cowork *cw, const struct cowork_desc *d, struct hist *lat,
			 struct hist *lat2, uint64_t *ops, uint64_t *bytes, uint64_t *fails)
{
	unsigned i;

	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		hist_merge(lat, &t->lat);
		hist_merge(lat2, &t->lat2);
		*ops += t->ops;
		*bytes += t->bytes;
		*fails += t->failures;
	}
}

static void print_fails(struct cowork *cw, const struct cowork_desc *d, FILE *f)
{
	unsigned i, k;

	if (!f)
		return;
	for (i = 0; i < cw->nthreads; i++)
		for (k = 0; cw->t[i].d == d && k < cw->t[i].nfail; k++)
			fprintf(f, "      %s %s: %s\n", strncmp(cw->t[i].fail[k], MOVED_BUT_FAILED,
							  strlen(MOVED_BUT_FAILED)) ? "FAIL" :
				"known kernel bug move-eexist,", cw->t[i].name, cw->t[i].fail[k]);
}

static uint64_t window(const struct cowork *cw)
{
	return cw->go && cw->t_stop > cw->t_go ? cw->t_stop - cw->t_go : 0;
}

static void dontneed_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct hist *lat = calloc(2, sizeof(*lat)), *mv = calloc(1, sizeof(*mv));
	uint64_t ops = 0, bytes = 0, fails = 0, moved = 0, dropped = 0, refilled = 0, own_ops = 0, own_bytes = 0;
	uint64_t win = window(cw);
	unsigned i;

	if (!lat || !mv)
		goto out;
	merge_common(cw, d, &lat[0], &lat[1], &ops, &bytes, &fails);
	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		hist_merge(mv, &t->mst->move_lat);
		moved += t->moved;
		dropped += t->dropped;
		refilled += t->refilled;
		own_ops += t->own_ops;
		own_bytes += t->own_bytes;
	}
	json_object_set_new(obj, "slots", json_integer((json_int_t)cw->r->side_reserved));
	json_object_set_new(obj, "dst_dontneed", json_pack("{s:s, s:I, s:I, s:f, s:f, s:o}",
		"what", "MADV_DONTNEED of moved destination pages (uffd-armed VMA)",
		"ops", (json_int_t)ops, "bytes", (json_int_t)bytes, "ops_per_s", per_s(ops, win),
		"mib_per_s", per_s(bytes, win) / 1048576.0, "lat_ns", lat_json(cw, &lat[0])));
	json_object_set_new(obj, "own_dontneed", json_pack("{s:s, s:I, s:I, s:f, s:o}",
		"what", "MADV_DONTNEED of its own neighbour VMA (not uffd-armed)",
		"ops", (json_int_t)own_ops, "bytes", (json_int_t)own_bytes, "ops_per_s", per_s(own_ops, win),
		"lat_ns", lat_json(cw, &lat[1])));
	json_object_set_new(obj, "move", json_pack("{s:I, s:I, s:I, s:o}", "pages_moved_out", (json_int_t)moved,
		"pages_refilled", (json_int_t)refilled, "ops", (json_int_t)mv->n, "lat_ns", lat_json(cw, mv)));
	json_object_set_new(obj, "pages_dropped", json_integer((json_int_t)dropped));
	json_object_set_new(obj, "failures", json_integer((json_int_t)fails));
	if (f) {
		fprintf(f, "    dontneed: %" PRIu64 " slots; %" PRIu64 " dst pages dropped (%.1f ops/s), %" PRIu64
			" moved out, %" PRIu64 " refilled; own VMA %.1f ops/s\n", cw->r->side_reserved, dropped,
			per_s(ops, win), moved, refilled, per_s(own_ops, win));
		print_lat(f, "dontneed dst (armed)", &lat[0]);
		print_lat(f, "dontneed own VMA", &lat[1]);
		print_lat(f, "its MOVEs", mv);
	}
out:
	free(lat);
	free(mv);
}

static void pmadv_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct pm_arm *m = calloc(PM_NR_ARMS, sizeof(*m));
	json_t *advs = json_object();
	uint64_t win = window(cw), total_calls = 0, total_bytes = 0;
	unsigned a, k, i, narms = PM_ARM_BATCH + cw->nbatch;
	char armname[32];

	if (!m)
		return;
	for (a = 0; a < PM_NR_ADV; a++) {
		json_t *arms = json_object(), *adv;
		const char *why = NULL;
		double single, plain;

		memset(m, 0, PM_NR_ARMS * sizeof(*m));
		for (i = 0; i < cw->nthreads; i++) {
			const struct cw_thread *t = &cw->t[i];

			if (t->d != d)
				continue;
			if (!t->adv_ok[a])
				why = t->adv_why[a];
			for (k = 0; k < narms; k++) {
				m[k].calls += t->arms[a][k].calls;
				m[k].ranges += t->arms[a][k].ranges;
				m[k].bytes += t->arms[a][k].bytes;
				m[k].ns += t->arms[a][k].ns;
				m[k].errors += t->arms[a][k].errors;
				hist_merge(&m[k].lat, &t->arms[a][k].lat);
			}
		}
		if (why && !m[PM_ARM_SINGLE].calls) {
			json_decref(arms);
			json_object_set_new(advs, pm_adv_names[a], json_pack("{s:s}", "skipped", why));
			if (f)
				fprintf(f, "    process_madvise %s: skipped: %s\n", pm_adv_names[a], why);
			continue;
		}
		single = m[PM_ARM_SINGLE].ranges ? (double)m[PM_ARM_SINGLE].ns / m[PM_ARM_SINGLE].ranges : 0;
		plain = m[PM_ARM_MADVISE].ranges ? (double)m[PM_ARM_MADVISE].ns / m[PM_ARM_MADVISE].ranges : 0;
		if (f)
			fprintf(f, "    process_madvise %s (%s, 4KiB ranges): madvise %.0f ns/range, vlen=1 %.0f ns/range",
				pm_adv_names[a], pm_adv[a].own ? "own VMA" : "region pages", plain, single);
		for (k = 0; k < narms; k++) {
			double per = m[k].ranges ? (double)m[k].ns / m[k].ranges : 0;
			unsigned vlen = k < PM_ARM_BATCH ? 1 : cw->batch[k - PM_ARM_BATCH];
			double p50 = (double)hist_percentile(&m[k].lat, 50) / vlen;
			double p50_single = (double)hist_percentile(&m[PM_ARM_SINGLE].lat, 50);
			json_t *j;

			if (k == PM_ARM_MADVISE)
				snprintf(armname, sizeof(armname), "madvise");
			else if (k == PM_ARM_SINGLE)
				snprintf(armname, sizeof(armname), "vlen1");
			else
				snprintf(armname, sizeof(armname), "vlen%u", cw->batch[k - PM_ARM_BATCH]);
			j = json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:o}", "calls", (json_int_t)m[k].calls,
				      "ranges", (json_int_t)m[k].ranges, "bytes_advised", (json_int_t)m[k].bytes,
				      "errors", (json_int_t)m[k].errors, "ns_per_range", per,
				      "calls_per_s", per_s(m[k].calls, win), "call_lat_ns", lat_json(cw, &m[k].lat));
			if (k >= PM_ARM_BATCH && single > 0 && per > 0) {
				json_object_set_new(j, "speedup_vs_vlen1_pct", json_real((1.0 - per / single) * 100.0));
				if (plain > 0)
					json_object_set_new(j, "speedup_vs_madvise_pct", json_real((1.0 - per / plain) * 100.0));
				if (f)
					fprintf(f, ", vlen=%u %.0f ns/range (%+.1f%%; by median call %+.1f%%)",
						cw->batch[k - PM_ARM_BATCH], per, (1.0 - per / single) * 100.0,
						p50_single > 0 ? (1.0 - p50 / p50_single) * 100.0 : 0.0);
			}
			json_object_set_new(j, "p50_call_ns_per_range", json_real(p50));
			if (k >= PM_ARM_BATCH && p50_single > 0 && p50 > 0)
				json_object_set_new(j, "speedup_p50_vs_vlen1_pct", json_real((1.0 - p50 / p50_single) * 100.0));
			json_object_set_new(arms, armname, j);
			total_calls += m[k].calls;
			total_bytes += m[k].bytes;
		}
		if (f)
			fputc('\n', f);
		adv = json_pack("{s:s, s:o}", "target", pm_adv[a].own ? "own VMA" : "region pages (src/dst)",
				"arms", arms);
		json_object_set_new(advs, pm_adv_names[a], adv);
	}
	json_object_set_new(obj, "advice", advs);
	json_object_set_new(obj, "calls", json_integer((json_int_t)total_calls));
	json_object_set_new(obj, "bytes_advised", json_integer((json_int_t)total_bytes));
	json_object_set_new(obj, "calls_per_s", json_real(per_s(total_calls, win)));
	json_object_set_new(obj, "mib_advised_per_s", json_real(per_s(total_bytes, win) / 1048576.0));
	json_object_set_new(obj, "speedup_method",
		json_string("the same 256 4KiB ranges advised by each arm in turn, the arm order rotating "
			    "every round; speedup_vs_vlen1_pct = 1 - (wall ns per range batched) / (wall ns per range "
			    "with vlen=1); speedup_p50_vs_vlen1_pct uses the median call latency divided by vlen "
			    "(less sensitive to preemption by the movers)"));
	free(m);
}

static void maps_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct hist *lat = calloc(2, sizeof(*lat));
	uint64_t ops = 0, bytes = 0, fails = 0, snaps[2] = { 0, 0 }, lines = 0, torn[2] = { 0, 0 }, viol = 0;
	uint64_t vc[MV_NR_KINDS] = { 0 }, win = window(cw);
	json_t *detail = json_array(), *kinds = json_object(), *torn_ex = NULL;
	unsigned i, k;

	if (!lat)
		return;
	merge_common(cw, d, &lat[0], &lat[1], &ops, &bytes, &fails);
	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		snaps[0] += t->snaps[0];
		snaps[1] += t->snaps[1];
		lines += t->lines;
		viol += t->violations;
		if ((t->torn[0] || t->torn[1]) && !torn_ex)
			torn_ex = json_pack("[s, s]", t->torn_example[0], t->torn_example[1]);
		torn[0] += t->torn[0];
		torn[1] += t->torn[1];
		for (k = 0; k < MV_NR_KINDS; k++)
			vc[k] += t->vcount[k];
		for (k = 0; k < t->nviol; k++) {
			const struct maps_violation *v = &t->viol[k];

			json_array_append_new(detail, json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I, s:i, s:s, s:i, s:s}",
				"thread", t->name, "source", t->viol_src[k] ? "PROCMAP_QUERY" : "/proc/self/maps",
				"kind", maps_vkind_name(v->kind), "stable_vma", v->what,
				"expected_start", (json_int_t)v->start, "expected_end", (json_int_t)v->end,
				"line", v->line, "text", v->text, "other_line", v->other_line, "other", v->other));
			if (f)
				fprintf(f, "      VIOLATION %s (%s): %s %s [%#" PRIx64 "-%#" PRIx64 "): line %u '%s'; line %u '%s'\n",
					t->name, t->viol_src[k] ? "PROCMAP_QUERY" : "maps", maps_vkind_name(v->kind),
					v->what ? v->what : "-", v->start, v->end, v->line, v->text,
					v->other_line, v->other);
		}
	}
	for (k = 0; k < MV_NR_KINDS; k++)
		json_object_set_new(kinds, maps_vkind_name(k), json_integer((json_int_t)vc[k]));
	json_object_set_new(obj, "stable_vmas", json_integer((json_int_t)cw->nstable));
	json_object_set_new(obj, "covered_ranges", json_integer((json_int_t)cw->ncovered));
	json_object_set_new(obj, "snapshots", json_pack("{s:I, s:I}", "read", (json_int_t)snaps[0],
							"procmap_query", (json_int_t)snaps[1]));
	if (!cw->query_ok)
		json_object_set_new(obj, "procmap_query", json_sprintf("unavailable: %s", cw->query_why));
	json_object_set_new(obj, "snapshots_per_s", json_real(per_s(ops, win)));
	json_object_set_new(obj, "lines_per_snapshot", json_real(ops ? (double)lines / ops : 0));
	json_object_set_new(obj, "read_lat_ns", lat_json(cw, &lat[0]));
	json_object_set_new(obj, "query_walk_lat_ns", lat_json(cw, &lat[1]));
	json_object_set_new(obj, "violations", json_integer((json_int_t)viol));
	json_object_set_new(obj, "violation_kinds", kinds);
	json_object_set_new(obj, "violation_detail", detail);
	json_object_set_new(obj, "torn", json_pack("{s:I, s:I}", "read", (json_int_t)torn[0],
						       "procmap_query", (json_int_t)torn[1]));
	json_object_set_new(obj, "torn_note", json_string(
		"out-of-order lines between VMAs that were changing while read (allowed tearing)"));
	if (torn_ex)
		json_object_set_new(obj, "torn_example", torn_ex);
	if (!ops && win) {
		json_object_set_new(obj, "warning", json_string("no snapshot completed: the readers were starved, nothing was checked"));
		if (f)
			fprintf(f, "    maps: WARNING: no snapshot completed in %.2fs: nothing was checked\n", win / 1e9);
	}
	if (f) {
		fprintf(f, "    maps: %" PRIu64 " snapshots (%" PRIu64 " read, %" PRIu64 " PROCMAP_QUERY%s%s), %.1f/s, "
			"%.0f lines each, %zu stable VMAs + %zu hole-free ranges checked: %" PRIu64 " violations; torn (allowed) %" PRIu64 " read, %" PRIu64 " query\n",
			ops, snaps[0], snaps[1], cw->query_ok ? "" : ": ", cw->query_ok ? "" : cw->query_why,
			per_s(ops, win), ops ? (double)lines / ops : 0, cw->nstable, cw->ncovered, viol, torn[0], torn[1]);
		print_lat(f, "maps read", &lat[0]);
		print_lat(f, "PROCMAP_QUERY walk", &lat[1]);
	}
	free(lat);
}

static void churn_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct hist *lat = calloc(CH_NR_OPS, sizeof(*lat));
	uint64_t n[CH_NR_OPS] = { 0 }, err[CH_NR_OPS] = { 0 }, lost = 0, ops = 0, win = window(cw);
	json_t *o = json_object();
	unsigned i, k;

	if (!lat)
		return;
	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		for (k = 0; k < CH_NR_OPS; k++) {
			n[k] += t->ch_ops[k];
			err[k] += t->ch_err[k];
			hist_merge(&lat[k], &t->ch_lat[k]);
		}
		lost += t->lost_cells;
		ops += t->ops;
	}
	if (f)
		fprintf(f, "    churn: %" PRIu64 " ops (%.1f/s) on %u-page cells next to the source region, %" PRIu64
			" cells lost to other mappings\n", ops, per_s(ops, win), CH_PAGES, lost);
	for (k = 0; k < CH_NR_OPS; k++) {
		json_object_set_new(o, ch_op_names[k], json_pack("{s:I, s:I, s:f, s:o}", "ops", (json_int_t)n[k],
			"errors", (json_int_t)err[k], "ops_per_s", per_s(n[k], win), "lat_ns", lat_json(cw, &lat[k])));
		print_lat(f, ch_op_names[k], &lat[k]);
	}
	json_object_set_new(obj, "ops", o);
	json_object_set_new(obj, "lost_cells", json_integer((json_int_t)lost));
	free(lat);
}

static json_t *move_window(const struct cowork *cw, const struct hist *h, uint64_t ops, uint64_t pages, uint64_t ns)
{
	return json_pack("{s:I, s:I, s:I, s:f, s:f, s:o}", "ops", (json_int_t)ops, "pages", (json_int_t)pages,
			 "ns", (json_int_t)ns, "ops_per_s", per_s(ops, ns), "pages_per_s", per_s(pages, ns),
			 "lat_ns", lat_json(cw, h));
}

static void cowork_report(struct run *r, json_t *mode_result, FILE *f)
{
	struct cowork *cw = r->cowork;
	json_t *blk, *wl, *vl;
	struct hist *with;
	uint64_t ops = 0, pages = 0, win;
	unsigned d, i, b;

	if (!cw)
		return;
	blk = json_object();
	wl = json_object();
	json_object_set_new(blk, "with", json_string(r->o->with));
	for (d = 0; d < NDESC; d++)
		if (cw->skipped[d][0])
			json_object_set_new(wl, cowork_table[d].name, json_pack("{s:s}", "skipped", cw->skipped[d]));
	if (!cw->nthreads) {
		json_object_set_new(blk, "workloads", wl);
		json_object_set_new(mode_result, "cowork", blk);
		return;
	}
	win = window(cw);
	if (!cw->go)
		json_object_set_new(blk, "not_started", json_sprintf("the movers stopped within the warm-up (%.3fs)",
								      cw->warmup_ns / 1e9));
	if (f && cw->go)
		fprintf(f, "  cowork: %s; %u threads, area %s; movers alone for %.2fs, then %.2fs with the co-workloads\n",
			r->o->with, cw->nthreads, cw->placed, (cw->t_go - r->t0_ns) / 1e9, win / 1e9);
	else if (f)
		fprintf(f, "  cowork: %s: not started: the movers stopped within the warm-up (%.3fs, --with-warmup)\n",
			r->o->with, cw->warmup_ns / 1e9);
	for (d = 0; d < NDESC; d++) {
		json_t *o;

		if (!cw->on[d])
			continue;
		o = json_pack("{s:o}", "threads", threads_json(cw, &cowork_table[d], win));
		cowork_table[d].report(cw, &cowork_table[d], o, f);
		print_fails(cw, &cowork_table[d], f);
		json_object_set_new(wl, cowork_table[d].name, o);
	}
	json_object_set_new(blk, "workloads", wl);
	json_object_set_new(blk, "placement", json_string(cw->placed));
	json_object_set_new(blk, "warmup_ns", json_integer((json_int_t)(cw->go ? cw->t_go - r->t0_ns : 0)));
	json_object_set_new(blk, "window_ns", json_integer((json_int_t)win));
	json_object_set_new(blk, "failures", json_integer((json_int_t)cw->failures));
	if (cw->pfn_note[0])
		json_object_set_new(blk, "pfn_check", json_string(cw->pfn_note));

	/* per-VMA lock counters over the co-workload window */
	vl = cw->vm0 && cw->vm1 ? kv_delta(cw->vm0, cw->vm1, (const char *const[]){ "vma_lock_", NULL }, 1) : NULL;
	if (vl && json_object_size(vl)) {
		json_object_set_new(blk, "vma_lock", vl);
	} else {
		json_decref(vl);
		vl = json_string(cw->vm0 ? "unavailable: no vma_lock_* counters in /proc/vmstat "
			"(kernel built without CONFIG_PER_VMA_LOCK_STATS)" : "unavailable: the co-workloads never started");
		json_object_set_new(blk, "vma_lock", vl);
	}
	if (f) {
		const char *k;
		json_t *v;

		if (json_is_string(vl)) {
			fprintf(f, "    vma_lock: %s\n", json_string_value(vl));
		} else {
			fprintf(f, "    vma_lock:");
			json_object_foreach(vl, k, v)
				fprintf(f, " %s=%" JSON_INTEGER_FORMAT, k, json_integer_value(v));
			fputc('\n', f);
		}
	}

	/* MOVE latency without (warm-up) and with the co-workloads, from the movers' own histograms */
	with = calloc(1, sizeof(*with));
	if (with && cw->go) {
		for (i = 0; i < r->nmovers; i++) {
			for (b = 0; b < HIST_NR_BUCKETS; b++)
				with->buckets[b] += r->workers[i].st.move_lat.buckets[b];
			ops += r->workers[i].st.ops;
			pages += r->workers[i].st.pages;
		}
		for (b = 0; b < HIST_NR_BUCKETS; b++)
			with->buckets[b] -= with->buckets[b] >= cw->base_lat->buckets[b] ? cw->base_lat->buckets[b] :
					    with->buckets[b];
		hist_from_buckets(with);
		json_object_set_new(blk, "move", json_pack("{s:s, s:o, s:o}",
			"method", "one run: the movers' own histograms snapshotted when the co-workloads started "
				  "(after the warm-up, --with-warmup); 'without' is the warm-up, 'with' the rest; "
				  "summary values recomputed from the buckets (within 1%)",
			"without", move_window(cw, cw->base_lat, cw->base_ops, cw->base_pages, cw->t_go - r->t0_ns),
			"with", move_window(cw, with, ops - cw->base_ops, pages - cw->base_pages,
					    r->elapsed_ns - (cw->t_go - r->t0_ns))));
		if (f) {
			uint64_t ns0 = cw->t_go - r->t0_ns, ns1 = r->elapsed_ns - ns0;

			fprintf(f, "    MOVE without co-workloads: %.1f ops/s p50=%.1fus p99=%.1fus; with: %.1f ops/s "
				"p50=%.1fus p99=%.1fus\n", per_s(cw->base_ops, ns0),
				hist_percentile(cw->base_lat, 50) / 1e3, hist_percentile(cw->base_lat, 99) / 1e3,
				per_s(ops - cw->base_ops, ns1), hist_percentile(with, 50) / 1e3,
				hist_percentile(with, 99) / 1e3);
		}
	}
	free(with);
	json_object_set_new(mode_result, "cowork", blk);
}

static void cowork_teardown(struct run *r)
{
	struct cowork *cw = r->cowork;
	unsigned i;

	if (!cw)
		return;
	if (cw->area && cw->area_built) {
		/* only what is ours: a hole churn lost may hold someone else's mapping now */
		for (i = 0; i <= cw->ncells; i++)
			munmap(cw->guards[i], MS_PAGE_SIZE);
		for (i = 0; i < cw->ncells; i++)
			if (cw->cells[i].state != CELL_DEAD)
				munmap(cw->cells[i].addr, cw->cells[i].pages * MS_PAGE_SIZE);
	} else if (cw->area) {
		munmap(cw->area, cw->area_len);
	}
	if (cw->memfd >= 0)
		close(cw->memfd);
	for (i = 0; cw->t && i < cw->nthreads; i++) {
		free(cw->t[i].mst);
		free(cw->t[i].arms);
		free(cw->t[i].ch_lat);
	}
	json_decref(cw->vm0);
	json_decref(cw->vm1);
	free(cw->t);
	free(cw->cells);
	free(cw->stable);
	free(cw->stable_what);
	free(cw->covered);
	free(cw->covered_what);
	free(cw->guards);
	free(cw->base_lat);
	pthread_mutex_destroy(&cw->lock);
	pthread_cond_destroy(&cw->cond);
	free(cw);
	r->cowork = NULL;
}

json_t *cowork_list(void)
{
	json_t *arr = json_array();
	size_t d;

	char why[256];

	for (d = 0; d < NDESC; d++) {
		why[0] = '\0';
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b, s:s}", "name", cowork_table[d].name,
						     "thread", cowork_table[d].kind, "help", cowork_table[d].help,
						     "supported", !cowork_table[d].supported(NULL, why, sizeof(why)),
						     "reason", why));
	}
	return arr;
}

const struct side_ops cowork_side = {
	.name = "cowork",
	.validate = cowork_validate,
	.setup = cowork_setup,
	.start = cowork_start,
	.stop = cowork_stop,
	.report = cowork_report,
	.teardown = cowork_teardown,
};
