// SPDX-License-Identifier: GPL-2.0-only
/*
 * The explore engine: two uffd-registered regions of stamped pages (a
 * page is at slot s of the source or of the destination, or nowhere),
 * op threads drawing ops from xop_table with per-thread PRNGs, fault
 * handler threads, and verifier threads that check pages against the
 * ledger while everything moves.  Every op is logged; see explore.h.
 *
 * Locking: an op that changes the ledger holds the byte locks of its slots
 * (xp_lock), so the ledger is exact for a page whenever its lock is free.
 * Ops that change no page (advice, fork, neighbours) take the layout lock
 * shared; mremap and mprotect take it exclusively, so nothing runs on a
 * chunk that is away or read-only.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "engine/move.h"
#include "engine/result.h"
#include "engine/verdict.h"
#include "engine/watchdog.h"
#include "kernel/env.h"
#include "kernel/known-bugs.h"
#include "kernel/health.h"
#include "kernel/klog.h"
#include "core/kv.h"
#include "core/oracle.h"
#include "core/report.h"
#include "core/side.h"
#include "core/stamp.h"
#include "pressure/pressure.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint32_t below(uint64_t r, uint32_t n)
{
	return (uint32_t)(((r & 0xffffffffULL) * n) >> 32);
}

static void pick_range(struct xp *x, struct xthread *t, int op, struct xrec *rec)
{
	const struct xop_desc *d = &xop_table[op];
	size_t nchunks = x->run.npages / XP_CHUNK_PAGES;
	uint64_t r = rng_next(&t->ts.rng);
	size_t chunk = below(r >> 32, (uint32_t)nchunks), off, n = 1;

	/* contention by design: a share of ops go to a chunk another thread works on */
	if (x->nthreads > 1 && d->range != XR_NONE && (r & 0xff) * 100 < 256ULL * x->cfg->contend) {
		unsigned other = below(r >> 8, x->nthreads);

		chunk = __atomic_load_n(&x->cur_chunk[other], __ATOMIC_RELAXED);
		rec->arg = 0x80;
	}
	if (x->cfg->partition && nchunks >= x->nthreads)	/* as the bare loop: each its own */
		chunk = t->idx * (nchunks / x->nthreads) + chunk % (nchunks / x->nthreads);
	/* the chunks kept whole (--thp-share): an op that would split their THP goes elsewhere */
	if (d->splits_thp && x->whole[chunk] && x->nsplit_ok) {
		chunk = x->split_ok[below(r >> 16, x->nsplit_ok)];
		rec->arg &= (uint8_t)~0x80;
	} else if (d->makes_thp && !x->whole[chunk] && x->nwhole) {
		chunk = x->whole_ids[below(r >> 16, x->nwhole)];
		rec->arg &= (uint8_t)~0x80;
	}
	__atomic_store_n(&x->cur_chunk[t->idx], (uint32_t)chunk, __ATOMIC_RELAXED);
	r = rng_next(&t->ts.rng);
	switch (d->range) {
	case XR_PAGE:
	case XR_DROPPED:
	case XR_NONE:
		break;
	case XR_BATCH:
		n = 2 + below(r, 15);
		break;
	case XR_SPLIT:
		n = 17 + below(r, 240);
		break;
	case XR_PMD:
		n = XP_CHUNK_PAGES;
		break;
	}
	off = n == XP_CHUNK_PAGES ? 0 : below(r >> 24, (uint32_t)(XP_CHUNK_PAGES - n + 1));
	rec->slot = (uint32_t)(chunk * XP_CHUNK_PAGES + off);
	rec->npages = (uint32_t)n;
	rec->arg |= (r >> 63) & 1;	/* the region of an unlocked op */
	if (d->range == XR_DROPPED) {
		/* look for a dropped page in the chunk */
		for (off = 0; off < XP_CHUNK_PAGES; off++) {
			size_t s = chunk * XP_CHUNK_PAGES + (rec->slot + off) % XP_CHUNK_PAGES;

			if (__atomic_load_n(&x->run.where[s], __ATOMIC_RELAXED) == REGION_NONE) {
				rec->slot = (uint32_t)s;
				break;
			}
		}
	}
}

/* an op failed: do its pages show why (a duplicate made EEXIST)?  false: failure recorded */
static bool verify_range(struct xp *x, struct xthread *t, const struct xrec *rec, const char *op)
{
	uint32_t i;

	if (xop_table[rec->op].lock == XL_SHARED)
		return true;
	for (i = 0; i < rec->npages; i++)
		if (!xp_verify_page(x, t, rec->slot + i, op))
			return false;
	return true;
}

/* a page of the chunk in an io_uring registered buffer or in a thread's pipe */
static bool chunk_pinned(struct xp *x, size_t chunk)
{
	size_t s0 = chunk * XP_CHUNK_PAGES, i;
	uint32_t sp;

	for (i = 0; i < XP_CHUNK_PAGES; i++)
		if (__atomic_load_n(&x->pinned[s0 + i], __ATOMIC_RELAXED))
			return true;
	for (i = 0; i < x->nthreads; i++) {
		sp = __atomic_load_n(&x->thr[i].ts.spliced, __ATOMIC_RELAXED);
		if (sp && (sp - 1) / XP_CHUNK_PAGES == chunk)
			return true;
	}
	return false;
}

/* run one op described by @rec (slot, npages, arg set); fills flags, err */
static void exec_op(struct xp *x, struct xthread *t, struct xrec *rec)
{
	const struct xop_desc *d = &xop_table[rec->op];
	struct xctx c = { .x = x, .t = t, .ts = &t->ts, .rec = rec };
	bool locks = d->lock != XL_SHARED, met;
	uint64_t t0;
	int err;

	if (locks && !xp_lock(x, rec->slot, rec->npages)) {
		rec->t_ns = now_ns() - x->run.t0_ns;
		rec->flags = XF_BUSY;
		t->busy[rec->op]++;
		return;
	}
	if (d->lock == XL_VMA)
		pthread_rwlock_wrlock(&x->layout);
	else if (!locks)
		pthread_rwlock_rdlock(&x->layout);
	if (!xop_ready(&c)) {
		rec->t_ns = now_ns() - x->run.t0_ns;
		t->skipped[rec->op]++;
		goto out;
	}
	/* an op on a chunk kept whole: did it meet a PMD-mapped THP, a pinned one? */
	met = d->range != XR_NONE && x->whole[rec->slot / XP_CHUNK_PAGES] && !d->control &&
	      xp_chunk_thp(x, t, c.from, rec->slot / XP_CHUNK_PAGES * XP_CHUNK_PAGES);
	if (met) {
		t->met_thp[rec->op]++;
		if (chunk_pinned(x, rec->slot / XP_CHUNK_PAGES))
			t->met_pinned[rec->op]++;
	}
	t0 = now_ns();
	rec->t_ns = t0 - x->run.t0_ns;
	/* what this thread is doing, should it never come back (the watchdog's hang result) */
	__atomic_store_n(&t->cur_slot, rec->slot, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_npages, rec->npages, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_from, c.from, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_arg, rec->arg, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_t_ns, rec->t_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_op, rec->op + 1u, __ATOMIC_RELEASE);
	err = d->call(&c);
	__atomic_store_n(&t->cur_op, 0, __ATOMIC_RELEASE);
	if (!d->self_timed)
		hist_add(&t->lat[rec->op], now_ns() - t0);
	if (met && (err == EBUSY || c.retried))
		t->met_busy[rec->op]++;	/* a MOVE of the THP refused: pinned, or shared since a fork */
	rec->flags = XF_DONE;
	rec->err = err;
	t->count[rec->op]++;
	t->contended[rec->op] += rec->arg >> 7 && !d->control;
	if (err) {
		t->errno_count[rec->op][err < MS_MAX_ERRNO ? err : 0]++;
		if (!(d->legit & ERRB(err)) && verify_range(x, t, rec, d->name)) {
			struct xfailure f = { .page = rec->slot, .err = err };

			snprintf(f.kind, sizeof(f.kind), "op-error");
			snprintf(f.op, sizeof(f.op), "%s", d->name);
			rec->flags |= XF_FAIL;
			t->errors[rec->op]++;
			xp_fail(x, &f);
		}
	}
	if (d->update && (!err || c.moved))
		d->update(&c);
out:
	if (d->lock == XL_VMA || !locks)
		pthread_rwlock_unlock(&x->layout);
	if (locks)
		xp_unlock(x, rec->slot, rec->npages);
	run_progress(&t->st);
}

static void log_rec(struct xthread *t, const struct xrec *rec)
{
	if (xlog_add(&t->log, rec))
		t->log.ring = true;	/* out of memory: keep the tail */
	/* the log so far is the watchdog's to read should this thread hang next */
	__atomic_store_n(&t->logged, t->log.total, __ATOMIC_RELEASE);
}

/* the baseline: this thread's slice moved back and forth, ioctls only, the ledger at the end */
static void bare_loop(struct xthread *t)
{
	struct xp *x = t->x;
	size_t lo = x->run.npages * t->idx / x->nthreads, hi = x->run.npages * (t->idx + 1) / x->nthreads;
	size_t s = lo, i;
	uint64_t ops = 0;
	int dir = 0, err;

	while (!run_stopped(&x->run)) {
		for (s = lo; s < hi; s++) {
			if (uffd_move(x->run.uffd, (uintptr_t)xp_addr(x, dir ^ 1, s),
				      (uintptr_t)xp_addr(x, dir, s), MS_PAGE_SIZE, 0, &err) != MS_PAGE_SIZE)
				break;
			if (!(++ops & 1023)) {
				run_progress(&t->st);
				if (run_stopped(&x->run)) {
					s++;
					break;
				}
			}
		}
		if (s < hi && !run_stopped(&x->run))
			break;
		if (s == hi) {
			dir ^= 1;
			s = lo;
		}
	}
	for (i = lo; i < hi; i++)
		ledger_set(&x->run, i, i < s ? dir ^ 1 : dir);
	t->count[XOP_MOVE1] = ops;
}

static void *op_thread(void *arg)
{
	struct xthread *t = arg;
	struct xp *x = t->x;
	size_t i = 0;

	set_thread_name("explore", t->idx, t->st.name);
	if (x->cfg->bare) {
		bare_loop(t);
		return NULL;
	}
	/* the chunks kept whole start as PMD-mapped THPs: thp-refill, logged as any op */
	for (i = 0; !t->idx && !t->script && x->cfg->w.w[XOP_THPREFILL] && i < x->run.npages / XP_CHUNK_PAGES; i++) {
		struct xrec rec = { .thread = 0, .op = XOP_THPREFILL, .slot = (uint32_t)(i * XP_CHUNK_PAGES),
				    .npages = XP_CHUNK_PAGES };

		if (!x->whole[i])
			continue;
		exec_op(x, t, &rec);
		log_rec(t, &rec);
	}
	i = 0;
	while (!run_stopped(&x->run)) {
		struct xrec rec = { .thread = (uint8_t)t->idx };

		if (t->script) {
			unsigned tries;

			if (i >= t->nscript)
				break;
			rec = t->script[i++];
			rec.flags = 0;
			/*
			 * The same op order per thread: wait a little for a busy
			 * page; a negative control waits for its precondition too,
			 * as it did when it was recorded.
			 */
			for (tries = 0; tries < 10000 && !run_stopped(&x->run); tries++) {
				exec_op(x, t, &rec);
				if (rec.flags & XF_DONE || (rec.flags != XF_BUSY && !xop_table[rec.op].control))
					break;
				if (rec.flags == XF_BUSY)
					t->busy[rec.op]--;
				else
					t->skipped[rec.op]--;
				rec.flags = 0;
				sched_yield();
			}
			if (!(rec.flags & XF_DONE))
				__atomic_add_fetch(&x->diverged, 1, __ATOMIC_RELAXED);
		} else if (!t->idx && x->cfg->inject_kind >= 0 && x->inject_at_ns &&
			   now_ns() - x->run.t0_ns >= x->inject_at_ns) {
			/* the negative control, as soon as its page is somewhere and free */
			rec.op = XOP_INJECT;
			rec.arg = (uint8_t)x->cfg->inject_kind;
			rec.slot = x->cfg->inject_page;
			rec.npages = 1;
			exec_op(x, t, &rec);
			if (rec.flags & XF_DONE)
				x->inject_at_ns = 0;
			else
				continue;	/* not logged: it did not happen */
		} else {
			rec.op = (uint8_t)xweights_pick(&x->cfg->w, rng_next(&t->ts.rng));
			pick_range(x, t, rec.op, &rec);
			exec_op(x, t, &rec);
		}
		log_rec(t, &rec);
	}
	return NULL;
}

static void *verifier_thread(void *arg)
{
	struct xthread *t = arg;
	struct xp *x = t->x;
	size_t s = t->idx - x->nthreads;
	unsigned nv = x->cfg->verifiers;

	set_thread_name("verify", t->idx - x->nthreads, t->st.name);
	while (!run_stopped(&x->run)) {
		uint32_t inj = __atomic_load_n(&x->inject_wait, __ATOMIC_ACQUIRE);

		if (inj) {	/* a negative control waits for us, its lock held */
			xp_verify_page(x, t, inj - 1, "verifier");
			__atomic_store_n(&x->inject_wait, 0, __ATOMIC_RELEASE);
		}
		s = (s + nv) % x->run.npages;
		if (!xp_lock(x, s, 1))
			continue;
		xp_verify_page(x, t, s, "verifier");
		xp_unlock(x, s, 1);
		run_progress(&t->st);
	}
	return NULL;
}

/* fault-driven MOVE: bring the page in from the other region, DONTWAKE, then wake */
static void handle_fault(struct xp *x, struct xthread *t, uint64_t addr)
{
	unsigned r = region_slot(&x->run.reg[REGION_SRC], (void *)(uintptr_t)addr) >= 0 ? REGION_SRC : REGION_DST;
	long s = region_slot(&x->run.reg[r], (void *)(uintptr_t)addr);
	struct xctx c = { .x = x, .t = t, .ts = &t->ts };
	int err, how;

	if (s < 0)
		return;
	if ((uint32_t)s + 1 == __atomic_load_n(&x->hang_slot, __ATOMIC_ACQUIRE))
		return;		/* --inject=hang: unresolved, its toucher blocks until the watchdog acts */
	__atomic_load_n(&x->fault_seq, __ATOMIC_ACQUIRE);	/* the toucher's side: see call_fault() */
	how = xop_fault_in(&c, r, (uint32_t)s, &err);
	if (how == 2)
		t->st.aux_ops++;	/* copy fallbacks */
	if (!how) {
		struct uffdio_zeropage z = { .range = { (uintptr_t)xp_addr(x, r, s), MS_PAGE_SIZE } };
		struct xfailure f = { .page = (uint32_t)s, .err = err };

		snprintf(f.kind, sizeof(f.kind), "op-error");
		snprintf(f.op, sizeof(f.op), "fault-move");
		xp_fail(x, &f);
		ioctl(x->run.uffd, UFFDIO_ZEROPAGE, &z);	/* let the toucher go */
	}
	__atomic_add_fetch(&x->fault_done, 1, __ATOMIC_RELEASE);
	uffd_wake(x->run.uffd, (uintptr_t)xp_addr(x, r, s), MS_PAGE_SIZE);
}

static void *handler_thread(void *arg)
{
	struct xthread *t = arg;
	struct xp *x = t->x;
	struct pollfd pfd = { .fd = x->run.uffd, .events = POLLIN };

	set_thread_name("handler", t->idx - x->nthreads - x->cfg->verifiers, t->st.name);
	while (!__atomic_load_n(&x->run.stop_handlers, __ATOMIC_ACQUIRE)) {
		struct uffd_msg msg;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if (read(x->run.uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event == UFFD_EVENT_PAGEFAULT)
			handle_fault(x, t, msg.arg.pagefault.address & ~(MS_PAGE_SIZE - 1));
		run_progress(&t->st);
	}
	return NULL;
}

/* ---- setup ---- */

/* a region as xop_map_region() lays it out (one VMA; xop-bodies.h): 0 or -errno */
static int map_xregion(struct region *rg, size_t npages)
{
	char *res;
	size_t len;
	char *base = xop_map_region(npages, &res, &len);

	if (!base)
		return -errno;
	*rg = (struct region){ .base = base, .vma_pages = npages, .vma_stride = npages * MS_PAGE_SIZE + MS_PMD_SIZE,
			       .nvmas = 1, .res = res, .res_len = len };
	return 0;
}

/*
 * --thp-share: round(nchunks * share / 100) chunks kept whole, spread
 * evenly (Bresenham); the others take the ops that split.
 */
static void mark_whole(struct xp *x, size_t nchunks)
{
	size_t nwhole = (nchunks * x->cfg->thp_share + 50) / 100, c;

	for (c = 0; c < nchunks; c++) {
		x->whole[c] = nwhole && (c + 1) * nwhole / nchunks > c * nwhole / nchunks;
		if (x->whole[c])
			x->whole_ids[x->nwhole++] = (uint32_t)c;
		else
			x->split_ok[x->nsplit_ok++] = (uint32_t)c;
	}
}

static int setup(struct xp *x, char *why, size_t len)
{
	const struct xp_cfg *cfg = x->cfg;
	size_t s, n = cfg->npages;
	unsigned r, i;
	int ret;

	x->run.seed = cfg->seed;
	x->run.npages = n;
	x->run.where = calloc(n, 1);
	x->run.gen = calloc(n, sizeof(*x->run.gen));
	x->lock = calloc(n, 1);
	x->pinned = calloc(n, 1);
	x->last = calloc(n, sizeof(*x->last));
	x->last_t = calloc(n, sizeof(*x->last_t));
	x->cur_chunk = calloc(XP_MAX_THREADS, sizeof(*x->cur_chunk));
	x->zero = calloc(n, 1);
	x->moved = calloc(n, 1);
	x->whole = calloc(n / XP_CHUNK_PAGES + 1, 1);
	x->split_ok = calloc(n / XP_CHUNK_PAGES + 1, sizeof(*x->split_ok));
	x->whole_ids = calloc(n / XP_CHUNK_PAGES + 1, sizeof(*x->whole_ids));
	if (!x->run.where || !x->run.gen || !x->lock || !x->pinned || !x->last || !x->last_t || !x->cur_chunk ||
	    !x->zero || !x->moved || !x->whole || !x->split_ok || !x->whole_ids)
		return -ENOMEM;
	mark_whole(x, n / XP_CHUNK_PAGES);
	if (cfg->pressure) {
		/* before the pages are first touched: memcg charges them then */
		x->run.pressure_all_regions = true;
		x->run.pressure_memcg_floor = true;
		x->run.pressure_swap = true;	/* the reclaimable invariant swaps pages out */
		ret = pressure_setup(&x->run, why, len);
		if (ret && ret != -EOPNOTSUPP) {
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "%.480s", why);
			snprintf(why, len, "pressure setup: %.480s", tmp);
		}
		if (ret)
			return ret;
	}
	ret = uffd_open_api(UFFD_FEATURE_MOVE, &x->run.uffd_info, why, len);
	if (ret < 0)
		return ret == -ENOMEM ? ret : -EOPNOTSUPP;
	x->run.uffd = ret;
	if (!(x->run.uffd_info.features & UFFD_FEATURE_MOVE)) {
		snprintf(why, len, "kernel lacks UFFD_FEATURE_MOVE (needs Linux >= 6.8)");
		return -EOPNOTSUPP;
	}
	for (r = 0; r < MS_NR_REGIONS; r++) {
		ret = map_xregion(&x->run.reg[r], n);
		if (ret) {
			snprintf(why, len, "mmap: %s", strerror(-ret));
			return ret;
		}
	}
	for (s = 0; s < n; s++) {
		stamp_write(xp_addr(x, REGION_SRC, s), cfg->seed, REGION_SRC, (uint32_t)s, 0);
		x->last[s] = 0xffffu << 8 | 0xff;
	}
	for (r = 0; r < MS_NR_REGIONS; r++) {
		ret = uffd_register(x->run.uffd, x->run.reg[r].base, n * MS_PAGE_SIZE, why, len);
		if (ret)
			return ret == -EOPNOTSUPP ? ret : -EIO;
	}
	x->nthreads = cfg->threads;
	x->thr = calloc(cfg->threads + cfg->verifiers + cfg->handlers, sizeof(*x->thr));
	if (!x->thr)
		return -ENOMEM;
	for (i = 0; i < cfg->threads + cfg->verifiers + cfg->handlers; i++) {
		struct xthread *t = &x->thr[i];

		t->x = x;
		t->idx = i;
		ret = xop_thread_init(&t->ts, cfg->seed, i, i < cfg->threads);
		if (ret)
			return ret;
		t->log.ring = !cfg->keep_log;
		if (t->log.ring) {
			t->log.rec = calloc(XP_TAIL, sizeof(*t->log.rec));
			t->log.cap = XP_TAIL;
		}
		t->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		t->kpageflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);	/* -1: THPs not seen */
		t->mst = calloc(XOP_NR, sizeof(*t->mst));
		if (t->pagemap < 0 || !t->mst)
			return -errno ? -errno : -ENOMEM;
	}
	return 0;
}

static void teardown(struct xp *x)
{
	unsigned i, r;

	/* swap, the cgroup, DAMON: undone first, as run's sides are (sysstate) */
	if (x->cfg->pressure)
		pressure_teardown(&x->run);
	for (i = 0; x->thr && i < x->cfg->threads + x->cfg->verifiers + x->cfg->handlers; i++) {
		struct xthread *t = &x->thr[i];

		xop_thread_fini(&t->ts);
		if (t->pagemap > 0)
			close(t->pagemap);
		if (t->kpageflags > 0)
			close(t->kpageflags);
		free(t->scripts_buf);
		free(t->mst);
		xlog_free(&t->log);
	}
	free(x->thr);
	for (r = 0; r < MS_NR_REGIONS; r++) {
		const struct region *rg = &x->run.reg[r];
		char *hole = rg->base + rg->vma_pages * MS_PAGE_SIZE + MS_PMD_SIZE / 2;

		/* not the neighbours' hole: someone else's mmap may live there now */
		if (!rg->res)
			continue;
		munmap(rg->res, (size_t)(hole - rg->res));
		munmap(hole + MS_PMD_SIZE, rg->res_len - (size_t)(hole + MS_PMD_SIZE - rg->res));
	}
	if (x->run.uffd > 0)
		close(x->run.uffd);
	free(x->run.where);
	free(x->run.gen);
	free(x->lock);
	free(x->pinned);
	free(x->last);
	free(x->last_t);
	free(x->cur_chunk);
	free(x->zero);
	free(x->moved);
	free(x->whole);
	free(x->split_ok);
	free(x->whole_ids);
}


/* ---- the run ---- */

static void *thread_main(void *arg)
{
	struct xthread *t = arg;
	struct xp *x = t->x;

	__atomic_store_n(&t->st.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	if (t->idx < x->nthreads) {
		struct timespec cpu;

		op_thread(t);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
		t->cpu_ns = (uint64_t)cpu.tv_sec * 1000000000ULL + cpu.tv_nsec;
		__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
		__atomic_add_fetch(&x->ops_done, 1, __ATOMIC_RELEASE);
	} else if (t->idx < x->nthreads + x->cfg->verifiers) {
		verifier_thread(t);
	} else {
		handler_thread(t);
	}
	return NULL;
}

static int by_time(const void *a, const void *b)
{
	const struct xrec *x = a, *y = b;

	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

/* replay: each thread runs its own records of the log, in their order (serial: thread 0 all) */
static int assign_scripts(struct xp *x, const struct xlog_file *f)
{
	size_t i, *n = calloc(x->nthreads, sizeof(*n));

	if (!n)
		return -ENOMEM;
	if (x->cfg->serial) {
		struct xthread *t = &x->thr[0];

		free(n);
		t->scripts_buf = calloc(f->n ? f->n : 1, sizeof(struct xrec));
		if (!t->scripts_buf)
			return -ENOMEM;
		for (i = 0; i < f->n; i++)
			if (f->rec[i].flags & (XF_DONE | XF_FAIL))
				t->scripts_buf[t->nscript++] = f->rec[i];
		qsort(t->scripts_buf, t->nscript, sizeof(struct xrec), by_time);
		t->script = t->scripts_buf;
		for (i = 1; i < x->nthreads; i++)
			x->thr[i].script = t->scripts_buf;	/* empty: nscript 0 */
		return 0;
	}
	for (i = 0; i < f->n; i++)
		if (f->rec[i].thread < x->nthreads && (f->rec[i].flags & (XF_DONE | XF_FAIL)))
			n[f->rec[i].thread]++;
	for (i = 0; i < x->nthreads; i++) {
		x->thr[i].script = x->thr[i].scripts_buf = calloc(n[i] ? n[i] : 1, sizeof(struct xrec));
		if (!x->thr[i].scripts_buf) {
			free(n);
			return -ENOMEM;
		}
	}
	for (i = 0; i < f->n; i++) {
		struct xthread *t;

		if (f->rec[i].thread >= x->nthreads || !(f->rec[i].flags & (XF_DONE | XF_FAIL)))
			continue;
		t = &x->thr[f->rec[i].thread];
		t->scripts_buf[t->nscript++] = f->rec[i];
	}
	free(n);
	return 0;
}

/*
 * Sleep until the runtime ends, the ops run out (replay), a failure or a
 * signal; then until every op thread is out of its loop.  All along, an
 * op thread with no progress for --hang-timeout is a hang (x->hung): it
 * will not come back, so nothing may wait for it.
 */
/* the PMD-mapped THPs of the process now: AnonHugePages of smaps_rollup, kB (0: none, unreadable) */
static uint64_t anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "re");
	char line[128];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void sample_thp(struct xp *x)
{
	uint64_t kb = anon_huge_kb();

	x->thp_samples++;
	x->thp_kb_sum += kb;
	if (kb > x->thp_kb_max)
		x->thp_kb_max = kb;
}

static void wait_run(struct xp *x)
{
	struct timespec tick = { 0, 20 * 1000000L };
	uint64_t last[XP_MAX_THREADS] = { 0 }, since[XP_MAX_THREADS], cur, t = now_ns(), t_thp = 0;
	bool stopping = false;
	unsigned i;

	for (i = 0; i < x->nthreads; i++)
		since[i] = t;
	for (;;) {
		if (!stopping && sigwatch_poll(&x->sig, 20 * 1000000ULL, x->run.t0_ns, "explore: "))
			stopping = true;
		else if (stopping)
			nanosleep(&tick, NULL);
		t = now_ns();
		if (x->cfg->thp_share && t - t_thp >= 250 * 1000000ULL) {	/* 4 a second */
			sample_thp(x);
			t_thp = t;
		}
		if (__atomic_load_n(&x->ops_done, __ATOMIC_ACQUIRE) == x->nthreads)
			break;
		if (!stopping && (run_stopped(&x->run) || t - x->run.t0_ns >= x->cfg->runtime_ns))
			stopping = true;
		if (stopping)
			__atomic_store_n(&x->run.stop, 1, __ATOMIC_RELEASE);
		for (i = 0; i < x->nthreads; i++) {
			struct xthread *th = &x->thr[i];

			cur = __atomic_load_n(&th->st.progress, __ATOMIC_RELAXED);
			if (cur != last[i] || __atomic_load_n(&th->done, __ATOMIC_ACQUIRE)) {
				last[i] = cur;
				since[i] = t;
			} else if (t - since[i] >= x->cfg->o->hang_timeout_ns) {
				char stack[2048];

				read_task_file(__atomic_load_n(&th->st.tid, __ATOMIC_ACQUIRE), "stack", stack, sizeof(stack));
				fprintf(stderr, "movestress: explore: watchdog: explore/%u made no progress for %.1fs; its stack:\n%s",
					i, (t - since[i]) / 1e9, stack);
				x->hung = 1;
				x->hung_thread = i;
				x->hung_ns = t - since[i];
				break;
			}
		}
		if (x->hung)
			break;
	}
	__atomic_store_n(&x->run.stop, 1, __ATOMIC_RELEASE);
}

/* the end: every page exactly once and intact (oracle.c), while nothing moves */
static void final_oracle(struct xp *x, struct xp_result *res)
{
	struct oracle_input in = {
		.reg = x->run.reg, .npages = x->run.npages, .where = x->run.where,
		.gen = x->run.gen, .seed = x->run.seed, .zero = x->zero,
	};
	struct oracle_result *o = calloc(1, sizeof(*o));

	if (!o)
		return;
	oracle_check(&in, o);
	json_object_set_new(res->json, "oracle", oracle_to_json(o));
	if (o->violations && !x->failed) {
		const struct oracle_violation *v = &o->detail[0];
		struct xfailure f = { .page = v->page, .where = v->exp_region };

		snprintf(f.kind, sizeof(f.kind), "%s", oracle_kind_name(v->kind));
		snprintf(f.op, sizeof(f.op), "end-oracle");
		f.expected = (struct stamp_pair){ REGION_SRC, v->page, v->exp_gen, STAMP_OK };
		f.found = (struct stamp_pair){ v->found.region, v->found.page, v->found.gen, v->state };
		xp_fail(x, &f);
	}
	free(o);
}

/* every op thread's records (a ring: its tail, oldest first), thread after thread */
static void merge_log(struct xp *x, struct xlog_file *f)
{
	size_t total = 0, k = 0, j;
	unsigned i;

	for (i = 0; i < x->nthreads; i++)
		total += x->thr[i].log.n;
	f->rec = calloc(total ? total : 1, sizeof(struct xrec));
	f->seed = x->cfg->seed;
	f->nthreads = x->nthreads;
	f->npages = (uint32_t)x->run.npages;
	f->version = XLOG_VERSION;
	for (i = 0; f->rec && i < x->nthreads; i++) {
		struct xlog *l = &x->thr[i].log;
		size_t first = l->ring && l->total > l->cap ? l->total % l->cap : 0;

		for (j = 0; j < l->n; j++)
			f->rec[k++] = l->rec[(first + j) % l->n];
	}
	f->n = k;
}

static void merge_results(struct xp *x, struct xp_result *res, struct thread_stats *mv)
{
	unsigned i, op, nall = x->nthreads + x->cfg->verifiers + x->cfg->handlers;

	for (i = 0; i < nall; i++) {
		struct xthread *t = &x->thr[i];

		for (op = 0; op < XOP_NR; op++) {
			res->ops[op] += t->count[op];
			res->busy[op] += t->busy[op];
			res->skipped[op] += t->skipped[op];
			res->errors[op] += t->errors[op];
			res->contended[op] += t->contended[op];
		}
		res->op_cpu_ns += t->cpu_ns;
		stats_add(mv, &t->st);
		for (op = 0; op < XOP_NR; op++)
			stats_add(mv, &t->mst[op]);
	}
	res->moved_but_failed = mv->moved_but_failed;
	merge_log(x, &res->log);
}

json_t *xp_ops_json(const struct xp *x, const struct xp_result *res);

static json_int_t vm_delta(json_t *const snap[4], const char *key)
{
	return json_integer_value(json_object_get(snap[1], key)) - json_integer_value(json_object_get(snap[0], key));
}

/*
 * The THPs of the run: the chunks kept whole, how thp-refill made them,
 * the process's PMD-mapped THPs over the run (AnonHugePages), the ops
 * that met one (on a whole chunk, a PMD-order THP at the op's start:
 * pinned, its MOVE refused), the kernel's THP counters; the zero pages
 * and the mutator's writes.
 */
static void thp_zero_json(struct xp *x, const struct xp_result *res, json_t *const snap[4], json_t *out)
{
	static const char *const vm[] = { "thp_fault_alloc", "thp_collapse_alloc", "thp_split_pmd",
					  "thp_split_page", "thp_migration_success", "thp_migration_split",
					  "thp_swpout", "thp_deferred_split_page" };
	uint64_t made[XTHP_NR] = { 0 }, zmoved = 0, zfaults = 0, wsw = 0, wz = 0, whole = 0, thp_end = 0;
	json_t *thp = json_object(), *met = json_object(), *kv = json_object();
	unsigned nall = x->nthreads + x->cfg->verifiers + x->cfg->handlers, i, op, k;
	size_t c;

	for (i = 0; i < nall; i++) {
		for (k = 0; k < XTHP_NR; k++)
			made[k] += x->thr[i].thp_made[k];
		zmoved += x->thr[i].zero_moved;
		zfaults += x->thr[i].zero_faults;
		wsw += x->thr[i].writes_swapped;
		wz += x->thr[i].writes_zero;
	}
	for (op = 0; op < XOP_NR; op++) {
		uint64_t m[3] = { 0, 0, 0 };

		for (i = 0; i < x->nthreads; i++) {
			m[0] += x->thr[i].met_thp[op];
			m[1] += x->thr[i].met_pinned[op];
			m[2] += x->thr[i].met_busy[op];
		}
		if (m[0])
			json_object_set_new(met, xop_table[op].name, json_pack("{s:I, s:I, s:I}", "thp", (json_int_t)m[0],
					    "pinned", (json_int_t)m[1], "move_refused", (json_int_t)m[2]));
	}
	for (c = 0; c < x->run.npages / XP_CHUNK_PAGES; c++) {
		if (!x->whole[c])
			continue;
		whole++;
		/* a dropped first page is in no region: not a THP, and no address to read */
		thp_end += x->run.where[c * XP_CHUNK_PAGES] != REGION_NONE &&
			   xp_chunk_thp(x, &x->thr[0], x->run.where[c * XP_CHUNK_PAGES], c * XP_CHUNK_PAGES);
	}
	for (k = 0; k < sizeof(vm) / sizeof(vm[0]); k++)
		if (json_object_get(snap[0], vm[k]))
			json_object_set_new(kv, vm[k], json_integer(vm_delta(snap, vm[k])));
	json_object_set_new(thp, "thp_share", json_integer(x->cfg->thp_share));
	json_object_set_new(thp, "whole_chunks", json_integer((json_int_t)whole));
	json_object_set_new(thp, "created", json_pack("{s:I, s:I, s:I}", "collapsed", (json_int_t)made[XTHP_COLLAPSED],
			    "refaulted", (json_int_t)made[XTHP_REFAULTED], "not_thp", (json_int_t)made[XTHP_NOT_THP]));
	if (x->thr[0].kpageflags > 0)
		json_object_set_new(thp, "whole_thp_at_end", json_integer((json_int_t)thp_end));
	else
		json_object_set_new(thp, "met_unavailable", json_string("no /proc/kpageflags (needs root)"));
	json_object_set_new(thp, "anon_huge_kb", json_pack("{s:I, s:f, s:I, s:I}", "samples", (json_int_t)x->thp_samples,
			    "mean", x->thp_samples ? (double)x->thp_kb_sum / x->thp_samples : 0.0,
			    "max", (json_int_t)x->thp_kb_max, "pmd_thps_max", (json_int_t)(x->thp_kb_max / 2048)));
	json_object_set_new(thp, "met", met);
	json_object_set_new(thp, "vmstat", kv);
	json_object_set_new(out, "thp", thp);
	json_object_set_new(out, "zero", json_pack("{s:I, s:I, s:I, s:I}", "zeropage_ops", (json_int_t)res->ops[XOP_ZEROPAGE],
			    "fault_zeropage", (json_int_t)zfaults, "moved", (json_int_t)zmoved, "written", (json_int_t)wz));
	json_object_set_new(out, "mutator", json_pack("{s:I, s:I, s:I}", "writes", (json_int_t)res->ops[XOP_WRITE],
			    "to_swapped", (json_int_t)wsw, "to_zero", (json_int_t)wz));
}

/* one op thread as the watchdog saw it: state, wchan, kernel stack, the op it is in */
static json_t *hang_thread_json(struct xp *x, unsigned i)
{
	struct xthread *t = &x->thr[i];
	pid_t tid = __atomic_load_n(&t->st.tid, __ATOMIC_ACQUIRE);
	uint32_t op = __atomic_load_n(&t->cur_op, __ATOMIC_ACQUIRE);
	char name[24];
	json_t *j;

	snprintf(name, sizeof(name), "explore/%u", i);
	j = task_state_json(name, tid);
	json_object_set_new(j, "ops_logged", json_integer((json_int_t)__atomic_load_n(&t->logged, __ATOMIC_ACQUIRE)));
	json_object_set_new(j, "done", json_boolean(__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)));
	if (op) {
		uint32_t slot = __atomic_load_n(&t->cur_slot, __ATOMIC_RELAXED),
			 n = __atomic_load_n(&t->cur_npages, __ATOMIC_RELAXED), k;
		uint64_t t_ns = __atomic_load_n(&t->cur_t_ns, __ATOMIC_RELAXED);
		json_t *pages = json_array();

		for (k = 0; k < n && slot + k < x->run.npages; k++)
			json_array_append_new(pages, json_integer(slot + k));
		json_object_set_new(j, "op", json_pack("{s:s, s:i, s:i, s:i, s:o, s:i, s:I, s:f}",
				    "name", xop_table[op - 1].name, "arg", __atomic_load_n(&t->cur_arg, __ATOMIC_RELAXED),
				    "page", slot, "npages", n, "pages", pages,
				    "region", __atomic_load_n(&t->cur_from, __ATOMIC_RELAXED),
				    "t_ns", (json_int_t)t_ns, "running_s", (now_ns() - x->run.t0_ns - t_ns) / 1e9));
	}
	return j;
}

/*
 * An op thread will not come back: write the result the run cannot
 * finish (verdict hang, the stuck thread, its stack and op, every op
 * thread's state, health, the kernel counters so far) and the op log,
 * restore the system, exit with the hang code.  Like run's watchdog.
 */
static void __attribute__((noreturn)) hang_exit(struct xp *x, json_t *const snap[4], unsigned long taint0,
						 int taint_err, const char *marker)
{
	const struct xp_cfg *cfg = x->cfg;
	struct opts *o = cfg->o;
	struct xlog_file f = { 0 };
	struct verdict v = { "hang", MS_EXIT_HANG };
	char path[600] = "", why[200];
	json_t *j, *threads = json_array(), *hung;
	uint64_t t_end = now_ns() + (o->hang_timeout_ns < 2000000000ULL ? o->hang_timeout_ns : 2000000000ULL);
	int code;
	unsigned i;

	/* the others leave their loops (stop is set): then their logs are theirs no more */
	while (now_ns() < t_end && __atomic_load_n(&x->ops_done, __ATOMIC_ACQUIRE) + 1 < x->nthreads) {
		struct timespec ts = { 0, 10 * 1000000L };

		nanosleep(&ts, NULL);
	}
	for (i = 0; i < x->nthreads; i++)
		json_array_append_new(threads, hang_thread_json(x, i));
	/* every thread that is not stuck is joined (the verifiers left at stop, the handlers now) */
	__atomic_store_n(&x->run.stop_handlers, 1, __ATOMIC_RELEASE);
	for (i = 0; i < x->nthreads + cfg->verifiers + cfg->handlers; i++) {
		struct timespec dl;

		if (i < x->nthreads && !__atomic_load_n(&x->thr[i].done, __ATOMIC_ACQUIRE))
			continue;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 2;
		pthread_timedjoin_np(x->thr[i].thread, NULL, &dl);
	}
	hung = json_incref(json_array_get(threads, x->hung_thread));
	snprintf(why, sizeof(why), "explore/%u made no progress for %.1fs (--hang-timeout); it stayed stuck",
		 x->hung_thread, x->hung_ns / 1e9);
	j = result_head(o, cfg->seed, NULL);
	json_object_set_new(j, "command", json_string("explore"));
	json_object_set_new(j, "verdict", json_string("hang"));
	json_object_set_new(j, "exit_code", json_integer(MS_EXIT_HANG));
	json_object_set_new(j, "reason", json_string(why));
	json_object_set_new(j, "hang", hung);
	code = hang_verdict(j, threads, o);	/* a known kernel bug's hang is named */
	json_object_set_new(j, "elapsed_ns", json_integer((json_int_t)(now_ns() - x->run.t0_ns)));
	json_object_set_new(j, "kernel", kernel_block(snap[0], kv_read("/proc/vmstat"), snap[2],
						      dir_read(UFFD_MOVE_SYSFS)));
	x->run.hung = 1;
	x->run.hang_info = threads;
	json_object_set_new(j, "health", health_block(&x->run, taint0, taint_err, marker, &v, NULL));
	/* the op log: --record's file, or a failure log of its own (a replay writes one only with --record) */
	if (o->record[0] || !o->replay[0]) {
		/* each thread's records up to its last logged (acquire): the stuck one writes no more */
		for (i = 0; i < x->nthreads; i++)
			__atomic_load_n(&x->thr[i].logged, __ATOMIC_ACQUIRE);
		merge_log(x, &f);
		snprintf(path, sizeof(path), "%s", o->record);
		if (!f.rec || (o->record[0] ? xlog_write(path, &f) : xlog_write_new(path, sizeof(path), cfg->seed, &f))) {
			fprintf(stderr, "movestress: explore: cannot write the op log %s\n", path);
			path[0] = '\0';
		}
		free(f.rec);
	}
	json_object_set_new(j, "op_log", json_string(path));
	if (o->output[0] && write_json_file(o->output, j))
		fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
	json_dumpf(json_object_get(j, "hang"), stderr, JSON_INDENT(2));
	fprintf(stderr, "\nmovestress: explore: hang: %s%s%s; restoring the system, exiting with %s code %d\n",
		why, path[0] ? "; op log in " : "", path,
		code == exit_code_map(o, MS_EXIT_HANG) ? "the hang" : "the known kernel bug", code);
	/* swap, cgroups, sysctls: put back even though a thread is stuck */
	sysstate_restore_all();
	_exit(code);
}

/* the kernel's side: counters, the backends' report, MOVE accounting, health, the rmap race */
static void kernel_verdict(struct xp *x, struct xp_result *res, const struct thread_stats *mv,
			   json_t *const snap[4], unsigned long taint0, int taint_err, const char *marker)
{
	const struct xp_cfg *cfg = x->cfg;
	struct verdict v = { res->verdict, res->code };
	FILE *out = cfg->quiet ? NULL : stdout;
	json_t *h, *reps;

	json_object_set_new(res->json, "kernel", kernel_block(snap[0], snap[1], snap[2], snap[3]));
	if (cfg->pressure)
		pressure_side.report(&x->run, res->json, out);
	/*
	 * Every MOVE explore issues goes through run_move() into a thread's
	 * stats (ops, fault handlers, moved-but-failed included), so what the
	 * ioctls were told is exact: run's check holds as it is.  The bench's
	 * bare loop issues the ioctl itself and counts no pages.
	 */
	if (cfg->bare)
		json_object_set_new(res->json, "move_accounting", json_pack("{s:s}", "unavailable",
				    "--bench-bare: the bare loop's MOVEs are not counted in pages"));
	else
		move_accounting_pages(mv->pages, res->json, res->json, &v, out);
	h = health_block(&x->run, taint0, taint_err, marker, &v, out);
	json_object_set_new(res->json, "health", h);
	reps = json_object_get(json_object_get(h, "kmsg"), "reports");
	json_object_set_new(res->json, "kernel_reports", reps ? json_incref(reps) : json_array());
	rmap_race_check(res->json, &v, out);
	res->code = v.code;
	res->verdict = v.name;
}

int xp_run(const struct xp_cfg *cfg, struct xp_result *res)
{
	struct xp *x = calloc(1, sizeof(*x));
	unsigned long taint0 = 0;
	struct thread_stats *mv = calloc(1, sizeof(*mv));
	pthread_rwlockattr_t ra;
	char why[512] = "", marker[64];
	json_t *snap[4] = { NULL, NULL, NULL, NULL };	/* vmstat, uffd_move sysfs: before, after */
	unsigned i, nall = cfg->threads + cfg->verifiers + cfg->handlers;
	int ret, taint_err;

	memset(res, 0, sizeof(*res));
	if (!x || !mv) {
		free(x);
		free(mv);
		return res->code = MS_EXIT_ENV;
	}
	x->cfg = cfg;
	x->ops = xop_table;
	x->run.o = cfg->o;
	x->run.uffd = -1;
	x->run.hang_page = -1;		/* run's injections: none here (run_move reads them) */
	x->run.eexist_page = -1;
	pthread_mutex_init(&x->fail_lock, NULL);
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&x->layout, &ra);
	/* blocked in every thread from here; wait_run() takes them (a signal during setup at once) */
	sigwatch_hold(&x->sig);
	ret = setup(x, why, sizeof(why));
	if (!ret && cfg->replay)
		ret = assign_scripts(x, cfg->replay);
	if (ret) {
		fprintf(stderr, "movestress: explore: %s%s\n", ret == -EOPNOTSUPP ? "skipped: " : "", why);
		res->code = ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV;
		/* run's early result: the harness reads why the cell did not run */
		res->json = early_result(cfg->o, cfg->seed, NULL, res->code, why);
		json_object_set_new(res->json, "command", json_string("explore"));
		goto out;
	}
	taint_err = health_taint_read(&taint0);
	snprintf(marker, sizeof(marker), "explore %d %" PRIu64, getpid(), now_ns());
	klog_mark(marker);
	snap[0] = kv_read("/proc/vmstat");
	snap[2] = dir_read(UFFD_MOVE_SYSFS);
	x->run.t0_ns = now_ns();
	if (cfg->inject_kind >= 0 && !cfg->replay)
		x->inject_at_ns = cfg->runtime_ns / 3 ? cfg->runtime_ns / 3 : 1;
	for (i = 0; i < nall; i++)
		if (pthread_create(&x->thr[i].thread, NULL, thread_main, &x->thr[i])) {
			fprintf(stderr, "movestress: explore: pthread_create failed\n");
			sysstate_restore_all();
			_exit(MS_EXIT_ENV);
		}
	if (cfg->pressure)
		pressure_start(&x->run);
	wait_run(x);
	if (x->hung)
		hang_exit(x, snap, taint0, taint_err, marker);	/* a thread stuck: nothing to join */
	for (i = 0; i < cfg->threads + cfg->verifiers; i++)
		pthread_join(x->thr[i].thread, NULL);
	__atomic_store_n(&x->run.stop_handlers, 1, __ATOMIC_RELEASE);
	for (; i < nall; i++)
		pthread_join(x->thr[i].thread, NULL);
	x->run.elapsed_ns = now_ns() - x->run.t0_ns;
	if (cfg->pressure)
		pressure_stop(&x->run);
	snap[1] = kv_read("/proc/vmstat");
	snap[3] = dir_read(UFFD_MOVE_SYSFS);
	/* the pins go before the end-of-run oracle */
	for (i = 0; i < cfg->threads; i++) {
		struct xctx c = { .x = x, .t = &x->thr[i], .ts = &x->thr[i].ts };

		xop_thread_unpin(&c);
	}
	res->json = json_object();
	env_add_kernel_build(res->json);	/* which kernel ran (vm-check's kernel.json) */
	final_oracle(x, res);
	if (!cfg->bare)
		json_object_set_new(res->json, "invariants", xp_invariants(x, &x->thr[0]));
	merge_results(x, res, mv);
	res->failed = x->failed;
	res->fail = x->fail;
	res->verified = x->verified;
	res->swapped_seen = x->swapped_seen;
	res->diverged = x->diverged;
	/* the known kernel bug alone is its own verdict, as in `run` (known-bugs.c) */
	res->code = run_verdict(x->failed, mv->moved_but_failed,
				!strcmp(cfg->o->known_bugs, "fail"), x->sig.interrupted, &res->verdict);
	if (x->sig.interrupted)
		interruption_json(res->json, x->sig.reason,
				  "the run stopped early; the system was restored and the oracle checked what ran");
	json_object_set_new(res->json, "elapsed_ns", json_integer((json_int_t)x->run.elapsed_ns));
	json_object_set_new(res->json, "move", stats_to_json(mv, x->run.elapsed_ns, false));
	json_object_set_new(res->json, "ops", xp_ops_json(x, res));
	json_object_set_new(res->json, "fault_copy_fallbacks", json_integer((json_int_t)mv->aux_ops));
	thp_zero_json(x, res, snap, res->json);
	json_object_set_new(res->json, "uffd_user_mode_only", json_boolean(x->run.uffd_info.user_mode_only));
	kernel_verdict(x, res, mv, snap, taint0, taint_err, marker);
	snap[2] = snap[3] = NULL;	/* kernel_block took them */
out:
	teardown(x);
	sigwatch_release(&x->sig);
	pthread_rwlock_destroy(&x->layout);
	for (i = 0; i < 4; i++)
		json_decref(snap[i]);
	free(x);
	free(mv);
	return res->code;
}

void xp_result_free(struct xp_result *res)
{
	free(res->log.rec);
	json_decref(res->json);
	memset(res, 0, sizeof(*res));
}

/* per op: count, busy, precondition misses, errors by errno, latency */
json_t *xp_ops_json(const struct xp *x, const struct xp_result *res)
{
	unsigned nall = x->nthreads + x->cfg->verifiers + x->cfg->handlers, i, op;
	json_t *ops = json_object();

	for (op = 0; op < XOP_NR; op++) {
		struct hist *h = calloc(1, sizeof(*h));
		json_t *errs = json_object(), *o;
		uint64_t e;

		if (!h)
			break;
		for (i = 0; i < nall; i++)	/* a self-timed op's latency: its MOVE ioctls' */
			hist_merge(h, xop_table[op].self_timed ? &x->thr[i].mst[op].move_lat : &x->thr[i].lat[op]);
		for (e = 0; e < MS_MAX_ERRNO; e++) {
			uint64_t n = 0;

			for (i = 0; i < nall; i++)
				n += x->thr[i].errno_count[op][e];
			if (n)
				json_object_set_new(errs, errno_name((int)e), json_integer((json_int_t)n));
		}
		o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "count", (json_int_t)res->ops[op],
			      "contended", (json_int_t)res->contended[op],
			      "busy", (json_int_t)res->busy[op], "precondition_miss", (json_int_t)res->skipped[op],
			      "failures", (json_int_t)res->errors[op], "errors", errs,
			      "lat_ns", hist_to_json(h, hist_default_pcts, hist_default_npcts, false));
		json_object_set_new(ops, xop_table[op].name, o);
		free(h);
	}
	return ops;
}
