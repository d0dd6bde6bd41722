// SPDX-License-Identifier: GPL-2.0-only
/*
 * THE MOVER LOOPS, one per mode (the table of modes is scenarios/mode-table.c).
 *
 * Every mode keeps the slot: page s moves between slot s of the source
 * region and slot s of the destination region, so r->where[s] (the
 * ledger) says where page s must be.  A slot is written only by the
 * thread that owns it (or, in contended mode, by the thread whose MOVE
 * won it), so the ledger needs no locks.
 */
#include "config.h"
#include "engine/modes.h"
#include "core/run.h"
#include "engine/move.h"
#include "core/stamp.h"
#include "core/oracle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static inline bool quota_done(const struct worker *w)
{
	return w->quota && w->st.ops >= w->quota;
}

static inline bool same_vma(const struct run *r, size_t a, size_t b)
{
	return a / r->reg[0].vma_pages == b / r->reg[0].vma_pages;
}

/*
 * Move the run of pages starting at @s (at most @max pages, not past @end,
 * all in the same region and VMA; holes are carried along when
 * @holes).  Updates the ledger for what moved.  Returns the number of
 * slots consumed (>= 1), so the caller can advance.
 */
static size_t move_run(struct worker *w, size_t s, size_t end, size_t max, bool holes,
		       unsigned flip)
{
	struct run *r = w->run;
	unsigned from = REGION_NONE, to;
	size_t n, i, done;
	uint64_t mode = holes ? UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES : 0;
	int64_t moved;
	int err, tries = 0;

	for (n = 0; n < max && s + n < end && same_vma(r, s, s + n); n++) {
		uint8_t wh = r->where[s + n];

		if (wh == REGION_NONE) {
			if (!holes)
				break;
			continue;
		}
		if (from == REGION_NONE)
			from = wh;
		else if (wh != from)
			break;
	}
	if (!n)
		return 1;	/* a hole outside holes mode: nothing to move */
	if (from == REGION_NONE)
		from = flip & 1;	/* all holes: alternate direction by pass */
	to = from ^ 1;
retry:
	moved = run_move(r, &w->st, addr_of(r, to, s), addr_of(r, from, s),
			 n * MS_PAGE_SIZE, mode, r->mode->allowed_errs, &err);
	done = (size_t)moved / MS_PAGE_SIZE;
	for (i = 0; i < done; i++)
		if (r->where[s + i] != REGION_NONE)
			ledger_set(r, s + i, to);
	if (done == n)
		return n;
	if ((err == EAGAIN || err == EBUSY) && ++tries < 64 && !run_stopped(r)) {
		s += done;
		n -= done;
		if (!done)
			goto retry;
		return done;
	}
	return done + 1;	/* skip the page that would not move */
}

/* partitioned: each mover moves its own slice, one direction per pass */
void *partitioned_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	unsigned pass;
	size_t s;

	for (pass = 0; !run_stopped(r) && !quota_done(w); pass++) {
		for (s = w->lo; s < w->hi && !run_stopped(r) && !quota_done(w);) {
			run_gate(r);
			s += move_run(w, s, w->hi, r->o->move_len, r->mode->sparse, pass);
		}
	}
	return NULL;
}

/* pages [lo, upto) went to dir ^ 1 in the pass under way, the rest are in dir */
static void bare_ledger(struct run *r, const struct worker *w, size_t upto, int dir)
{
	size_t i;

	for (i = w->lo; i < w->hi; i++)
		ledger_set(r, i, i < upto ? dir ^ 1 : dir);
}

/*
 * bare: the benchmark's baseline, a loop of UFFDIO_MOVE ioctls with no
 * per-op timing or ledger work; the ledger is brought up to date at the
 * end, and before the mover parks for a checkpoint.  `movestress bench`
 * compares it with partitioned.
 */
void *bare_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	int fd = r->uffd, dir = 0;
	uint64_t ops = 0, t0 = now_ns();
	size_t s = w->lo;

	while (!run_stopped(r)) {
		for (s = w->lo; s < w->hi; s++) {
			struct uffdio_move m = {
				.dst = addr_of(r, dir ^ 1, s), .src = addr_of(r, dir, s),
				.len = MS_PAGE_SIZE,
			};
			int err = ioctl(fd, UFFDIO_MOVE, &m) ? errno : 0;

			if (!err && r->eexist_page >= 0 && inject_eexist(r, m.src, MS_PAGE_SIZE, 0)) {
				err = EEXIST;	/* --inject=eexist: moved, reported failed */
				m.move = 0;
			}
			/* recorded with its arguments; moved after all: the known bug */
			if (err && run_move_failed(r, &w->st, m.dst, m.src, m.len, 0, r->mode->allowed_errs,
						   m.move > 0 ? m.move : 0, &err, now_ns()) != MS_PAGE_SIZE)
				break;
			ops++;
			if (!(ops & 1023)) {
				run_progress(&w->st);
				if (__atomic_load_n(&r->paused, __ATOMIC_ACQUIRE)) {
					/* a checkpoint: the ledger must be true before we park */
					bare_ledger(r, w, s + 1, dir);
					run_gate(r);
				}
				if (run_stopped(r)) {
					s++;	/* this one moved */
					break;
				}
			}
		}
		if (s < w->hi && !run_stopped(r))
			break;	/* a failure, counted and recorded by run_move_failed() */
		if (s == w->hi) {
			dir ^= 1;
			s = w->lo;
		}
	}
	bare_ledger(r, w, s, dir);
	__atomic_store_n(&w->st.ops, ops, __ATOMIC_RELAXED);
	__atomic_store_n(&w->st.pages, ops, __ATOMIC_RELAXED);
	hist_add(&w->st.move_lat, ops ? (now_ns() - t0) / ops : 0);
	return NULL;
}

/* pingpong: every batch goes out and straight back */
void *pingpong_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	size_t s, n;

	while (!run_stopped(r) && !quota_done(w)) {
		for (s = w->lo; s < w->hi && !run_stopped(r) && !quota_done(w); s += n) {
			run_gate(r);
			n = move_run(w, s, w->hi, r->o->move_len, false, 0);
			move_run(w, s, s + n, n, false, 0);
		}
	}
	return NULL;
}

/*
 * contended, at the barrier after a phase that moved pages out of @from:
 * a page still in @from by the ledger that the page tables show in the
 * other region was moved by a MOVE that no mover saw succeed.  Losers of
 * the race fail with EEXIST/ENOENT too, so the failing ioctl cannot be
 * told from them at that moment; after the phase it can: nobody reported
 * the page.  That is the known bug move-eexist (a genuine loss, a page in
 * neither region or in both, is left to the oracle).  Recorded with the
 * page's slot addresses; the ledger follows the page tables.
 */
static void contended_reconcile(struct worker *w, unsigned from)
{
	struct run *r = w->run;
	const struct region *rf = &r->reg[from], *rt = &r->reg[from ^ 1];
	size_t vp = rf->vma_pages, i, s;
	uint64_t *pf = calloc(vp, sizeof(*pf)), *pt = calloc(vp, sizeof(*pt)), t0 = now_ns();
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	unsigned v;

	for (v = 0; fd >= 0 && pf && pt && v < rf->nvmas; v++) {
		if (pagemap_read(fd, region_addr(rf, v * vp), vp, pf) ||
		    pagemap_read(fd, region_addr(rt, v * vp), vp, pt))
			break;
		for (i = 0; i < vp; i++) {
			s = v * vp + i;
			if (r->where[s] != from || (pf[i] & (PM_PRESENT | PM_SWAPPED)) ||
			    !(pt[i] & (PM_PRESENT | PM_SWAPPED)))
				continue;
			ledger_set(r, s, from ^ 1);
			w->st.moved_but_failed++;
			__atomic_store_n(&w->st.pages, w->st.pages + 1, __ATOMIC_RELAXED);
			w->st.fail[w->st.nfail < MS_MAX_FAILS ? w->st.nfail++ : MS_MAX_FAILS - 1] =
				(struct op_failure){
					.op = MOVED_UNREPORTED, .dst = addr_of(r, from ^ 1, s),
					.src = addr_of(r, from, s), .len = MS_PAGE_SIZE,
					.t_ns = t0 - r->t0_ns,
				};
		}
	}
	if (fd >= 0)
		close(fd);
	free(pf);
	free(pt);
}

/*
 * contended: every mover walks every page, from a different start, and
 * they race; the winner updates the ledger.  Phases (src->dst, then
 * dst->src) are separated by a barrier so no page changes direction
 * under a racing thread.
 */
void *contended_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	size_t len = r->o->move_len, nchunks, c, k, s, end, vp = r->reg[0].vma_pages;
	size_t chunks_per_vma = (vp + len - 1) / len;
	unsigned phase, from, to;
	int64_t moved;
	int err, exit_now;

	nchunks = chunks_per_vma * r->reg[0].nvmas;
	for (phase = 0;; phase++) {
		if (pthread_barrier_wait(&r->barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
			uint64_t ops = 0;
			unsigned i;

			if (phase)
				contended_reconcile(w, phase & 1 ? REGION_SRC : REGION_DST);
			for (i = 0; i < r->nmovers; i++)
				ops += r->workers[i].st.ops;
			__atomic_store_n(&r->phase_exit, run_stopped(r) || (r->o->ops && ops >= r->o->ops),
					 __ATOMIC_RELAXED);
			/*
			 * Park together or not at all: a thread that parked
			 * while another ran on into the next barrier would
			 * deadlock the checkpoint.  paused stays set until
			 * every mover has parked, so the decision holds.
			 */
			__atomic_store_n(&r->phase_park, __atomic_load_n(&r->paused, __ATOMIC_ACQUIRE),
					 __ATOMIC_RELAXED);
		}
		pthread_barrier_wait(&r->barrier);
		exit_now = __atomic_load_n(&r->phase_exit, __ATOMIC_RELAXED);
		if (exit_now)
			break;
		if (__atomic_load_n(&r->phase_park, __ATOMIC_RELAXED))
			run_gate(r);
		from = phase & 1 ? REGION_DST : REGION_SRC;
		to = from ^ 1;
		for (k = 0; k < nchunks && !run_stopped(r); k++) {
			c = (k + w->idx * nchunks / r->nmovers) % nchunks;
			s = (c / chunks_per_vma) * vp + (c % chunks_per_vma) * len;
			end = s + len;
			if (end > (c / chunks_per_vma + 1) * vp)
				end = (c / chunks_per_vma + 1) * vp;
			while (s < end) {
				moved = run_move(r, &w->st, addr_of(r, to, s), addr_of(r, from, s),
						 (end - s) * MS_PAGE_SIZE, 0, r->mode->allowed_errs | MOVE_RACY,
						 &err);
				for (size_t i = 0; i < (size_t)moved / MS_PAGE_SIZE; i++)
					ledger_set(r, s + i, to);
				s += (size_t)moved / MS_PAGE_SIZE + (err ? 1 : 0);
			}
		}
	}
	return NULL;
}

/*
 * thp: whole 2 MiB blocks move PMD-aligned (move_pages_huge_pmd() when
 * the block is still PMD-mapped); one block move in eight is split: a
 * random sub-range moves first (splitting the PMD), then the rest.
 */
void *thp_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	const size_t hp = MS_PMD_SIZE / MS_PAGE_SIZE;
	size_t b, o, l, s;

	while (!run_stopped(r) && !quota_done(w)) {
		for (b = w->lo; b < w->hi && !run_stopped(r) && !quota_done(w); b += hp) {
			run_gate(r);
			if (rng_next(&w->rng) % 8) {
				w->st.thp_pmd_ops++;
				for (s = b; s < b + hp;)
					s += move_run(w, s, b + hp, hp, false, 0);
				continue;
			}
			w->st.thp_partial_ops++;
			o = rng_next(&w->rng) % hp;
			l = 1 + rng_next(&w->rng) % (hp - o);
			for (s = b + o; s < b + o + l;)
				s += move_run(w, s, b + o + l, hp, false, 0);
			for (s = b; s < b + o;)
				s += move_run(w, s, b + o, hp, false, 0);
			for (s = b + o + l; s < b + hp;)
				s += move_run(w, s, b + hp, hp, false, 0);
		}
	}
	return NULL;
}

/*
 * fault: touchers read destination pages that are still in the source;
 * each read faults into the userfaultfd and a handler resolves it by
 * moving the page in (ART's concurrent compaction path).  At the end of
 * a pass the toucher moves its slice back with plain MOVEs.
 */
void *fault_toucher(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	volatile const struct stamp *h;
	uint64_t t0, t1;
	size_t s;

	while (!run_stopped(r) && !quota_done(w)) {
		for (s = w->lo; s < w->hi && !run_stopped(r); s++) {
			run_gate(r);
			if (r->where[s] != REGION_SRC)
				continue;
			h = (const void *)region_addr(&r->reg[REGION_DST], s);
			t0 = now_ns();
			/* the fault: blocks until a handler moved the page in */
			if (h->page != s) {
				struct op_failure *f = &w->st.fail[w->st.nfail < MS_MAX_FAILS ? w->st.nfail++ : MS_MAX_FAILS - 1];

				w->st.failures++;
				*f = (struct op_failure){ .op = "touch", .dst = (uintptr_t)h,
					.ret = h->page, .t_ns = now_ns() - r->t0_ns };
			}
			t1 = now_ns();
			hist_add(&w->st.aux_lat, t1 - t0);
			w->st.aux_ops++;
			run_progress(&w->st);
			ledger_set(r, s, REGION_DST);
			/* write the page it now owns: the new generation must survive the moves */
			r->gen[s]++;
			stamp_write((void *)h, r->seed, REGION_SRC, (uint32_t)s, r->gen[s]);
		}
		for (s = w->lo; s < w->hi && !run_stopped(r) && !quota_done(w);) {
			run_gate(r);
			s += move_run(w, s, w->hi, r->o->move_len, false, 0);
		}
	}
	return NULL;
}

void *fault_handler(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct uffd_msg msg[64];
	unsigned batch = r->o->fault_batch, i, n;
	uint64_t mode = batch > 1 ? UFFDIO_MOVE_MODE_DONTWAKE : 0, lo, hi, a;
	struct pollfd pfd = { .fd = r->uffd, .events = POLLIN };
	bool wake;
	ssize_t got;
	long s;
	int err;

	while (!__atomic_load_n(&r->stop_handlers, __ATOMIC_RELAXED)) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		got = read(r->uffd, msg, sizeof(msg[0]) * batch);
		if (got <= 0)
			continue;
		n = got / sizeof(msg[0]);
		lo = UINT64_MAX;
		hi = 0;
		wake = false;
		for (i = 0; i < n; i++) {
			if (msg[i].event != UFFD_EVENT_PAGEFAULT)
				continue;
			a = msg[i].arg.pagefault.address & ~(MS_PAGE_SIZE - 1);
			s = region_slot(&r->reg[REGION_DST], (void *)(uintptr_t)a);
			if (s < 0) {
				w->st.failures++;
				continue;
			}
			do {
				run_move(r, &w->st, a, addr_of(r, REGION_SRC, s), MS_PAGE_SIZE, mode,
					 r->mode->allowed_errs | MOVE_RACY, &err);
			} while ((err == EAGAIN || err == EBUSY) && !run_stopped(r));
			/* EEXIST/ENOENT: resolved by another handler; it still needs a wake */
			if (err || batch > 1) {
				wake = true;
				lo = a < lo ? a : lo;
				hi = a + MS_PAGE_SIZE > hi ? a + MS_PAGE_SIZE : hi;
			}
		}
		if (wake)
			uffd_wake(r->uffd, lo, hi - lo);
	}
	return NULL;
}

int thp_supported(char *why, size_t len)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f) {
		snprintf(why, len, "no /sys/kernel/mm/transparent_hugepage (CONFIG_TRANSPARENT_HUGEPAGE off)");
		return -ENOENT;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (strstr(buf, "[never]")) {
		snprintf(why, len, "THP disabled (transparent_hugepage/enabled is never)");
		return -EOPNOTSUPP;
	}
	return 0;
}
