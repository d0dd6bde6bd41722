/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore's ops: what each one does and the table that describes them,
 * from one source.  Compiled into movestress by explore-ops.c, and
 * written verbatim into every C reproducer (explore-repro.c embeds this
 * file), so that a change to an op changes both, as syzkaller's
 * common_linux.h serves its executor and its C reproducers.
 *
 * Standalone C with libc and the kernel's uapi headers only.  The
 * includer first provides <linux/userfaultfd.h> with UFFDIO_MOVE (or its
 * fallback), "xop.h", and the environment the ops run in: these functions
 * (explore-ops.c has the engine's, explore-repro.tmpl the reproducer's):
 *
 *   char *xe_addr(struct xctx *c, unsigned region, uint32_t slot)
 *	the address of @slot in @region (0 source, 1 destination)
 *   unsigned xe_where(struct xctx *c, uint32_t slot)
 *   void xe_set_where(struct xctx *c, uint32_t slot, unsigned region)
 *	the ledger: where the page of @slot is (XOP_NOWHERE: nowhere)
 *   uint32_t xe_gen(struct xctx *c, uint32_t slot)
 *   void xe_set_gen(struct xctx *c, uint32_t slot, uint32_t gen)
 *	the ledger: the generation of its contents (written: no more zero)
 *   bool xe_zero(struct xctx *c, uint32_t slot), void xe_set_zero(c, slot)
 *	the ledger: the page is the zero page (reads zeroes until written;
 *	xe_set_gen and a move nowhere end it)
 *   void xe_note(struct xctx *c, enum xop_event ev)
 *	something for the counts (xop.h); changes nothing
 *   void xe_stamp(struct xctx *c, uint32_t slot, uint32_t gen, void *page)
 *	write the stamp of (@slot, @gen) into @page
 *   int64_t xe_move(struct xctx *c, uint64_t dst, uint64_t src, uint64_t len,
 *		     uint64_t mode, int *err)
 *	one UFFDIO_MOVE: the bytes moved (a MOVE that moved yet failed, the
 *	6.18 bug: as the page tables say), *err the errno or 0
 *   bool xe_verify(struct xctx *c, uint32_t slot, const char *by)
 *	check the page of @slot (its lock held) against the ledger; false:
 *	a failure, recorded
 *   void xe_check_copy(struct xctx *c, uint32_t slot, const void *copy, const char *by)
 *	check a copy of the page of @slot (any generation); a failure recorded
 *   bool xe_lock(struct xctx *c, uint32_t slot, uint32_t n), void xe_unlock(...)
 *	the page locks: all of the range or none
 *   bool xe_pinned(struct xctx *c, uint32_t slot), void xe_set_pinned(c, slot, bool)
 *	the page is in a registered io_uring buffer
 *   int xe_uffd(struct xctx *c), uint32_t xe_npages(struct xctx *c)
 *   void xe_fault_begin(struct xctx *c), void xe_fault_end(struct xctx *c)
 *	around a touch a fault handler resolves (orders what both see)
 *   void xe_inject_hold(struct xctx *c)
 *	a negative control damaged the page: have it checked now
 *   int xe_hang(struct xctx *c)
 *	--inject=hang: block on a fault the handlers leave alone (or an errno)
 *
 * How to add an op: an id in enum xop_id (xop.h), its call here (and
 * its update, if it changes the ledger), a row in xop_table[] below
 * naming what it needs, a record of it in tests/explore-repro-gen.c's
 * every-op log, a line in README.  The engine and the reproducer read
 * nothing else about it.
 */
#ifndef MOVESTRESS_XOP_BODIES_H
#define MOVESTRESS_XOP_BODIES_H

#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif
#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

#define MOVE_LEGIT	(ERRB(EAGAIN) | ERRB(EBUSY))
#define MADV_LEGIT	(ERRB(EAGAIN) | ERRB(EINTR))

static uint64_t rec_addr(struct xctx *c, unsigned region)
{
	return (uint64_t)(uintptr_t)xe_addr(c, region, c->rec->slot);
}

static uint64_t rec_len(const struct xctx *c)
{
	return (uint64_t)c->rec->npages * XOP_PG;
}

static uint64_t xop_rng(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* ---- a thread's op state, a region ---- */

/* the pipes are non-blocking: a page is left in one (vmsplice), never waited on */
int xop_thread_init(struct xop_thread *ts, uint64_t seed, unsigned idx, bool ring)
{
	struct io_uring_params p;

	memset(ts, 0, sizeof(*ts));
	ts->ring = ts->pipe[0] = ts->pipe[1] = ts->probe[0] = ts->probe[1] = -1;
	ts->rng = seed ^ (0x9e3779b97f4a7c15ULL * (idx + 1));
	ts->scratch = mmap(NULL, XOP_PMD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ts->buf = aligned_alloc(XOP_PG, XOP_PG);
	if (ts->scratch == MAP_FAILED || !ts->buf || pipe2(ts->pipe, O_CLOEXEC | O_NONBLOCK) ||
	    pipe2(ts->probe, O_CLOEXEC | O_NONBLOCK))
		return errno ? -errno : -ENOMEM;
	snprintf(ts->ring_why, sizeof(ts->ring_why), "no io_uring for this thread");
	if (ring) {
		/* the pin needs no submission ring: io_uring_setup and _register, as liburing makes them */
		memset(&p, 0, sizeof(p));
		ts->ring = (int)syscall(__NR_io_uring_setup, 2, &p);
		if (ts->ring < 0)
			snprintf(ts->ring_why, sizeof(ts->ring_why), "io_uring_setup: %s", strerror(errno));
	}
	return 0;
}

/* the registered buffer given back (its pages may move again) */
void xop_thread_unpin(struct xctx *c)
{
	struct xop_thread *ts = c->ts;
	uint32_t i;

	if (!ts->pinned_n)
		return;
	syscall(__NR_io_uring_register, ts->ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
	for (i = 0; i < ts->pinned_n; i++)
		xe_set_pinned(c, ts->pinned_slot + i, false);
	ts->pinned_n = 0;
}

void xop_thread_fini(struct xop_thread *ts)
{
	int i;

	if (!ts->scratch)
		return;		/* never set up */
	for (i = 0; i < 2; i++) {
		if (ts->pipe[i] >= 0)
			close(ts->pipe[i]);
		if (ts->probe[i] >= 0)
			close(ts->probe[i]);
	}
	if (ts->ring >= 0)
		close(ts->ring);
	if (ts->scratch && ts->scratch != MAP_FAILED)
		munmap(ts->scratch, XOP_PMD);
	free(ts->buf);
	free(ts->big);
	if (ts->shared)
		munmap(ts->shared, XOP_PG);
	memset(ts, 0, sizeof(*ts));
}

/*
 * A region as explore lays it out: @npages pages, 2 MiB aligned, in one
 * VMA, a PROT_NONE guard after it, then a 1 MiB hole for the neighbour
 * op.  Folios of every size we can get: of each 2 MiB chunk the first of
 * three is MADV_HUGEPAGE (PMD THPs), the second MADV_NOHUGEPAGE (base
 * pages), the third left alone (the mTHP sizes set to "always").  The
 * base, or NULL (errno set); *@res, *@res_len: the whole reservation.
 */
char *xop_map_region(size_t npages, char **res, size_t *res_len)
{
	size_t bytes = npages * XOP_PG, total = bytes + 3 * XOP_PMD, c;
	char *r = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *base;
	int err;

	*res = NULL;
	*res_len = 0;
	if (r == MAP_FAILED)
		return NULL;
	base = (char *)(((uintptr_t)r + XOP_PMD - 1) & ~(XOP_PMD - 1));
	if (mmap(base, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		goto fail;
	for (c = 0; c < npages / XP_CHUNK_PAGES; c++)
		if (c % 3 < 2)
			madvise(base + c * XOP_PMD, XOP_PMD, c % 3 ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
	if (munmap(base + bytes + XOP_PMD / 2, XOP_PMD))
		goto fail;
	*res = r;
	*res_len = total;
	return base;
fail:
	err = errno;
	munmap(r, total);
	errno = err;
	return NULL;
}

/* ---- preconditions: what .needs says, then a row's own .pre ---- */

/*
 * The first page of the range somewhere; every other page in the same
 * region, or (@holes: ALLOW_SRC_HOLES) nowhere.  The move goes across.
 */
static bool pre_range(struct xctx *c, bool holes)
{
	uint32_t i;

	c->from = xe_where(c, c->rec->slot);
	if (c->from == XOP_NOWHERE)
		return false;
	for (i = 1; i < c->rec->npages; i++) {
		unsigned w = xe_where(c, c->rec->slot + i);

		if (w != c->from && !(holes && w == XOP_NOWHERE))
			return false;
	}
	c->to = c->from ^ 1;
	return true;
}

/* PMD move: no page of the chunk is nowhere (strays are gathered first) */
static bool pre_chunk(struct xctx *c)
{
	uint32_t i;

	c->from = xe_where(c, c->rec->slot);
	for (i = 0; i < c->rec->npages; i++)
		if (xe_where(c, c->rec->slot + i) == XOP_NOWHERE)
			return false;
	c->to = c->from ^ 1;
	return true;
}

/* the row's precondition, its locks held: .needs, then .pre; sets c->from (and c->to) */
bool xop_ready(struct xctx *c)
{
	const struct xop_desc *d = &xop_table[c->rec->op];
	bool ok = true;

	switch (d->needs) {
	case XN_NOTHING:
		break;
	case XN_REGION:		/* unlocked ops: the region was drawn with the op */
		c->from = c->rec->arg & 1;
		break;
	case XN_ONE_REGION:
		ok = pre_range(c, false);
		break;
	case XN_HOLES:
		ok = pre_range(c, true);
		break;
	case XN_DROPPED:
		c->from = 0;
		ok = xe_where(c, c->rec->slot) == XOP_NOWHERE;
		break;
	case XN_CHUNK:
		ok = pre_chunk(c);
		break;
	}
	return ok && (!d->pre || d->pre(c));
}

/* the fault op: a pinned page cannot be MOVEd in (EBUSY until unpinned) */
static bool not_pinned(struct xctx *c)
{
	return !xe_pinned(c, c->rec->slot);
}

/* a negative control damages a stamped page: the zero page's damage is another kind (not-zero) */
static bool not_zero(struct xctx *c)
{
	return !xe_zero(c, c->rec->slot);
}

/* ---- MOVE ---- */

/* write a new generation in place: the folio is exclusively ours again after fork */
static void xop_unshare(struct xctx *c, uint32_t slot, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		unsigned w = xe_where(c, slot + i);
		uint32_t gen = xe_gen(c, slot + i) + 1;

		if (w == XOP_NOWHERE)
			continue;
		xe_stamp(c, slot + i, gen, xe_addr(c, w, slot + i));
		xe_set_gen(c, slot + i, gen);
	}
}

static int do_move(struct xctx *c, uint64_t dst, uint64_t src, uint64_t len, uint64_t mode)
{
	int err;

	c->moved = xe_move(c, dst, src, len, mode, &err);
	if (err == EBUSY && !c->retried) {
		/* fork left the folio shared (or a pin holds it): write it to make it ours, once more */
		uint64_t done = (uint64_t)c->moved;

		xop_unshare(c, c->rec->slot + (uint32_t)(done / XOP_PG), (uint32_t)((len - done) / XOP_PG));
		c->retried = true;
		err = do_move(c, dst + done, src + done, len - done, mode);
		c->moved += (int64_t)done;
	}
	return err;
}

static int call_move(struct xctx *c)
{
	return do_move(c, rec_addr(c, c->to), rec_addr(c, c->from), rec_len(c), 0);
}

static int call_move_holes(struct xctx *c)
{
	return do_move(c, rec_addr(c, c->to), rec_addr(c, c->from), rec_len(c),
		       UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
}

/* the chunk's strays MOVEd back into c->from, page by page: 0 or the errno that stopped it */
static int gather_chunk(struct xctx *c)
{
	uint32_t i, s;
	int err = 0, tries;

	for (i = 0; i < c->rec->npages; i++) {
		s = c->rec->slot + i;
		if (xe_where(c, s) == c->from)
			continue;
		for (tries = 0; tries < 2; tries++) {
			c->moved = xe_move(c, (uintptr_t)xe_addr(c, c->from, s), (uintptr_t)xe_addr(c, c->to, s),
					   XOP_PG, 0, &err);
			if (err != EBUSY)
				break;
			xop_unshare(c, s, 1);	/* shared since a fork: make it ours */
		}
		if (c->moved != (int64_t)XOP_PG) {
			c->moved = 0;
			return err;
		}
		xe_set_where(c, s, c->from);
	}
	c->moved = 0;
	return 0;
}

/* gather the chunk's strays into c->from, then move 2 MiB at once */
static int call_move_pmd(struct xctx *c)
{
	int err = gather_chunk(c);

	return err ? err : do_move(c, rec_addr(c, c->to), rec_addr(c, c->from), rec_len(c), 0);
}

static void update_move(struct xctx *c)
{
	uint32_t i, n = (uint32_t)(c->moved / (int64_t)XOP_PG);

	for (i = 0; i < n; i++)
		if (xe_where(c, c->rec->slot + i) == c->from) {
			if (xe_zero(c, c->rec->slot + i))
				xe_note(c, XEV_ZERO_MOVED);	/* move_zeropage_pte() */
			xe_set_where(c, c->rec->slot + i, c->to);
		}
}

/* fault-driven: touch the page where it is not; a handler thread MOVEs it in */
static int call_fault(struct xctx *c)
{
	volatile const char *p = xe_addr(c, c->to, c->rec->slot);

	xe_fault_begin(c);
	(void)*p;	/* blocks until the handler's MOVE (DONTWAKE) and UFFDIO_WAKE */
	xe_fault_end(c);
	c->moved = XOP_PG;
	return 0;
}

static void update_fault(struct xctx *c)
{
	xe_set_where(c, c->rec->slot, c->to);
	xe_verify(c, c->rec->slot, "fault");
}

/*
 * A fault handler's side (c->rec NULL): a fault at @slot of @region, whose
 * page is in the other region (its toucher holds the lock): MOVE it in,
 * DONTWAKE.  1 moved, 2 copied, 0 not resolved (*err why); the caller
 * wakes the toucher.
 */
int xop_fault_in(struct xctx *c, unsigned region, uint32_t slot, int *err)
{
	uint64_t dst = (uintptr_t)xe_addr(c, region, slot), src = (uintptr_t)xe_addr(c, region ^ 1, slot);
	int64_t moved = 0;
	int tries;

	*err = 0;
	if (xe_where(c, slot) == XOP_NOWHERE) {
		/* fault-zero: a dropped page touched; a fresh page is the zero page, as ART's GC has it */
		struct uffdio_zeropage z = { .range = { dst, XOP_PG }, .mode = UFFDIO_ZEROPAGE_MODE_DONTWAKE };

		if (ioctl(xe_uffd(c), UFFDIO_ZEROPAGE, &z) && errno != EEXIST) {
			*err = errno;
			return 0;
		}
		xe_note(c, XEV_ZERO_FAULT);
		return 3;
	}
	for (tries = 0; tries < 100 && moved != (int64_t)XOP_PG; tries++) {
		moved = xe_move(c, dst, src, XOP_PG, UFFDIO_MOVE_MODE_DONTWAKE, err);
		if (*err == EBUSY)
			xop_unshare(c, slot, 1);	/* the toucher holds the lock and waits */
		else if (*err && *err != EAGAIN)
			break;
	}
	if (moved == (int64_t)XOP_PG)
		return 1;
	if (*err == EBUSY) {
		/*
		 * A reference elsewhere in the large folio (a page of it in a
		 * pipe, a pinned buffer) keeps it from splitting: EBUSY until
		 * released.  Resolve the fault by copy, as a GC would.
		 */
		struct uffdio_copy cp = { .dst = dst, .src = (uintptr_t)c->ts->buf, .len = XOP_PG,
					  .mode = UFFDIO_COPY_MODE_DONTWAKE };

		memcpy(c->ts->buf, (void *)(uintptr_t)src, XOP_PG);
		if (!ioctl(xe_uffd(c), UFFDIO_COPY, &cp) && !madvise((void *)(uintptr_t)src, XOP_PG, MADV_DONTNEED))
			return 2;
	}
	return 0;
}

/* ---- ledger ops without MOVE ---- */

static int call_dontneed(struct xctx *c)
{
	return madvise((void *)(uintptr_t)rec_addr(c, c->from), rec_len(c), MADV_DONTNEED) ? errno : 0;
}

static void update_dontneed(struct xctx *c)
{
	uint32_t i;

	for (i = 0; i < c->rec->npages; i++)
		xe_set_where(c, c->rec->slot + i, XOP_NOWHERE);
}

/*
 * MADV_FREE: until written again the pages may be discarded under memory
 * pressure (or a MADV_PAGEOUT), and a swapped-out one is discarded at once.  The update then
 * has the kernel write each page with the byte it holds, through a pipe:
 * a page still there is dirty again, so reclaim keeps it (it sees the
 * dirty pte) and the ledger stays; a page already gone reads EFAULT (a
 * user-mode-only userfaultfd lets no kernel access fault into it) and is
 * dropped in the ledger, as MADV_DONTNEED's are.  Its lock keeps every
 * other op away meanwhile, so no page is left in between.
 */
static int call_free(struct xctx *c)
{
	void *p = (void *)(uintptr_t)rec_addr(c, c->from);

	if (madvise(p, rec_len(c), MADV_FREE))
		return errno;
	/* every other one (arg bit 0) reclaimed at once: the clean lazyfree pages are discarded */
	if (c->rec->arg & 1)
		return madvise(p, rec_len(c), MADV_PAGEOUT) ? errno : 0;
	return 0;
}

static void update_free(struct xctx *c)
{
	struct xop_thread *ts = c->ts;
	uint32_t i;
	char b;

	for (i = 0; i < c->rec->npages; i++) {
		char *p = xe_addr(c, c->from, c->rec->slot + i) + 64;

		if (write(ts->probe[1], p, 1) == 1 && read(ts->probe[0], p, 1) == 1)
			continue;	/* still there, and dirty */
		while (read(ts->probe[0], &b, 1) == 1)
			;	/* discarded between the two: the byte stays in the pipe */
		xe_set_where(c, c->rec->slot + i, XOP_NOWHERE);
	}
}

/* a dropped page comes back: UFFDIO_COPY of a fresh stamp (no fault) */
static int call_refill(struct xctx *c)
{
	struct uffdio_copy cp = {
		.dst = rec_addr(c, 0), .src = (uintptr_t)c->ts->buf, .len = XOP_PG,
	};

	xe_stamp(c, c->rec->slot, xe_gen(c, c->rec->slot) + 1, c->ts->buf);
	if (ioctl(xe_uffd(c), UFFDIO_COPY, &cp))
		return errno;
	return 0;
}

static void update_refill(struct xctx *c)
{
	xe_set_gen(c, c->rec->slot, xe_gen(c, c->rec->slot) + 1);
	xe_set_where(c, c->rec->slot, 0);
}

/* ---- zero pages: what ART's GC installs on fresh heap pages ---- */

/* a dropped page comes back as the shared zero page */
static int call_zeropage(struct xctx *c)
{
	struct uffdio_zeropage z = { .range = { rec_addr(c, 0), XOP_PG } };

	return ioctl(xe_uffd(c), UFFDIO_ZEROPAGE, &z) ? errno : 0;
}

static void update_zeropage(struct xctx *c)
{
	xe_set_where(c, c->rec->slot, 0);
	xe_set_zero(c, c->rec->slot);
}

/* touch a dropped page: the handler finds it nowhere and installs the zero page (xop_fault_in) */
static int call_fault_zero(struct xctx *c)
{
	volatile const char *p = xe_addr(c, 0, c->rec->slot);

	xe_fault_begin(c);
	(void)*p;
	xe_fault_end(c);
	return 0;
}

static void update_fault_zero(struct xctx *c)
{
	update_zeropage(c);
	xe_verify(c, c->rec->slot, "fault-zero");
}

/* ---- the mutator ---- */

/*
 * A new generation of the page's stamp written in place wherever it is:
 * present, swapped (swap-in by the write fault), the zero page (a COW);
 * with arg bit 0 read first (swap-in by read, then the write).
 */
static int call_write(struct xctx *c)
{
	char *p = xe_addr(c, c->from, c->rec->slot);

	xe_note(c, XEV_WRITE);
	if (c->rec->arg & 1)
		(void)*(volatile const char *)p;
	xe_stamp(c, c->rec->slot, xe_gen(c, c->rec->slot) + 1, p);
	return 0;
}

static void update_write(struct xctx *c)
{
	xe_set_gen(c, c->rec->slot, xe_gen(c, c->rec->slot) + 1);
	xe_verify(c, c->rec->slot, "write");
}

/* ---- advice, unlocked: they meet the movers on the same folios ---- */

static int advise(struct xctx *c, int advice)
{
	return madvise((void *)(uintptr_t)rec_addr(c, c->from), rec_len(c), advice) ? errno : 0;
}

static int call_pageout(struct xctx *c) { return advise(c, MADV_PAGEOUT); }
static int call_cold(struct xctx *c) { return advise(c, MADV_COLD); }
static int call_willneed(struct xctx *c) { return advise(c, MADV_WILLNEED); }
static int call_collapse(struct xctx *c) { return advise(c, MADV_COLLAPSE); }
static int call_hugepage(struct xctx *c) { return advise(c, MADV_HUGEPAGE); }
static int call_nohugepage(struct xctx *c) { return advise(c, MADV_NOHUGEPAGE); }

/* ---- VMA ops: the chunk's pages are locked and the layout is ours ---- */

/*
 * The way back of mremap/mprotect must succeed, or our pages stay away or
 * read-only.  ENOMEM there is --reclaim=memcg's cgroup at its lowered limit
 * (a VMA split is charged) for the moment until the limit is lifted: retry
 * for up to 10 s.  False: still failing (errno set).
 */
static bool nomem_retry(unsigned *tries)
{
	struct timespec ts = { 0, 1000000L };

	if (errno != ENOMEM || ++*tries > 10000)
		return false;
	nanosleep(&ts, NULL);
	return true;
}

/*
 * Move the chunk's VMA piece to this thread's scratch range and back, then
 * register it again.  MREMAP_DONTUNMAP leaves the old range mapped (empty),
 * so at no moment is there a hole another thread's mmap could fall into.
 */
static int call_mremap(struct xctx *c)
{
	char *a = xe_addr(c, c->from, c->rec->slot), *s = c->ts->scratch;
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)a, .len = rec_len(c) }, .mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int flags = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;
	unsigned tries = 0;

	if (mremap(a, rec_len(c), rec_len(c), flags, s) == MAP_FAILED)
		return errno;
	while (mremap(s, rec_len(c), rec_len(c), flags, a) == MAP_FAILED)
		if (!nomem_retry(&tries))
			abort();	/* our pages are in the scratch range: nothing can be trusted after this */
	/* without UFFD_FEATURE_EVENT_REMAP the moved VMA left the uffd: register it again */
	tries = 0;
	while (ioctl(xe_uffd(c), UFFDIO_REGISTER, &reg))
		if (!nomem_retry(&tries))
			return errno == ENOMEM ? EIO : errno;	/* unregistered for good: a failure */
	return 0;
}

/* read-only splits the VMA in three, read-write merges it back */
static int call_mprotect(struct xctx *c)
{
	char *a = xe_addr(c, c->from, c->rec->slot);
	int err = mprotect(a, rec_len(c), PROT_READ) ? errno : 0;
	unsigned tries = 0;

	if (!err && xe_where(c, c->rec->slot) == c->from)
		xe_verify(c, c->rec->slot, "mprotect");
	/* back to read-write, after a failure too (it may have changed part of the range) */
	while (mprotect(a, rec_len(c), PROT_READ | PROT_WRITE))
		if (!nomem_retry(&tries))
			abort();	/* a chunk left read-only: the next write to it would crash */
	return err;
}

/*
 * A chunk with no page dropped made a PMD-mapped THP again: its strays
 * gathered into the first page's region (as move-pmd does), MADV_HUGEPAGE,
 * then MADV_COLLAPSE with the range still registered (the kernel refuses
 * that only for holes and zero pages in a uffd-armed range, or a pinned
 * page); if it fails, unregister the chunk, copy it out, drop it, write
 * it back (the first write faults in a THP: nothing catches the fault
 * now) and register it again.  The pages keep their
 * contents (a zero page becomes zeroes): the ledger is unchanged.
 */
static int call_thp_refill(struct xctx *c)
{
	char *a = xe_addr(c, c->from, c->rec->slot);
	struct uffdio_range rg = { (uintptr_t)a, XOP_PMD };
	struct uffdio_register reg = { .range = rg, .mode = UFFDIO_REGISTER_MODE_MISSING };
	unsigned tries = 0;
	int err = gather_chunk(c);

	if (err)
		return err;
	if (madvise(a, XOP_PMD, MADV_HUGEPAGE))
		return errno;
	if (!madvise(a, XOP_PMD, MADV_COLLAPSE)) {
		xe_note(c, XEV_THP_COLLAPSED);
		return 0;
	}
	if (!c->ts->big && !(c->ts->big = aligned_alloc(XOP_PG, XOP_PMD)))
		return ENOMEM;
	if (ioctl(xe_uffd(c), UFFDIO_UNREGISTER, &rg))
		return errno;
	memcpy(c->ts->big, a, XOP_PMD);
	madvise(a, XOP_PMD, MADV_DONTNEED);
	memcpy(a, c->ts->big, XOP_PMD);
	while (ioctl(xe_uffd(c), UFFDIO_REGISTER, &reg))
		if (!nomem_retry(&tries))
			return errno == ENOMEM ? EIO : errno;	/* unregistered for good: a failure */
	xe_note(c, XEV_THP_REFAULTED);
	return 0;
}

/*
 * Requests UFFDIO_MOVE must refuse, each moving nothing (the ioctl
 * itself: a refusal is no moved-but-failed MOVE): a source or destination
 * range past the end of the region's VMA (EINVAL), a destination with no
 * VMA (ENOENT), a MAP_SHARED source and destination (EINVAL),
 * a destination no uffd registered (EINVAL), the pages from their empty
 * place onto themselves, with and without ALLOW_SRC_HOLES (in a PMD-mapped
 * THP: EEXIST; else ENOENT for the hole, or EEXIST for the page).  0, or
 * ENOTRECOVERABLE if one moved something or failed otherwise.
 */
static bool bad_move(struct xctx *c, uint64_t dst, uint64_t src, uint64_t len, uint64_t mode, uint64_t ok)
{
	struct uffdio_move m = { dst, src, len, mode, 0 };

	return ioctl(xe_uffd(c), UFFDIO_MOVE, &m) && m.move <= 0 && (ERRB(errno) & (ok | ERRB(EAGAIN)));
}

static int call_move_bad(struct xctx *c)
{
	uint32_t last = xe_npages(c) - 1;
	uint64_t here = rec_addr(c, c->from), hole = rec_addr(c, c->to);
	uint64_t shared, unreg = (uintptr_t)c->ts->buf;
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	if (!c->ts->shared) {
		char *p = mmap(NULL, XOP_PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return errno;
		p[0] = 1;
		reg.range = (struct uffdio_range){ (uintptr_t)p, XOP_PG };
		if (ioctl(xe_uffd(c), UFFDIO_REGISTER, &reg)) {
			munmap(p, XOP_PG);
			return errno;
		}
		c->ts->shared = p;
	}
	shared = (uintptr_t)c->ts->shared;
	if (!bad_move(c, (uintptr_t)xe_addr(c, c->to, last), (uintptr_t)xe_addr(c, c->from, last), 2 * XOP_PG,
		      UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, ERRB(EINVAL)) ||
	    /* the source inside, the destination past the end */
	    !bad_move(c, (uintptr_t)xe_addr(c, c->to, last), here, 2 * XOP_PG, UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES,
		      ERRB(EINVAL)) ||
	    /* a destination in the hole after the region (or a neighbour op's VMA there) */
	    !bad_move(c, (uintptr_t)xe_addr(c, c->to, last) + XOP_PG + XOP_PMD / 2 + XOP_PMD / 4, here, XOP_PG, 0,
		      ERRB(EINVAL) | ERRB(ENOENT)) ||
	    !bad_move(c, hole, shared, XOP_PG, 0, ERRB(EINVAL)) ||
	    !bad_move(c, shared, here, XOP_PG, 0, ERRB(EINVAL)) ||
	    !bad_move(c, unreg, here, XOP_PG, 0, ERRB(EINVAL)) ||
	    !bad_move(c, here, hole, rec_len(c), 0, ERRB(EEXIST) | ERRB(ENOENT)) ||
	    !bad_move(c, here, hole, rec_len(c), UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, ERRB(EEXIST) | ERRB(ENOENT)))
		return ENOTRECOVERABLE;
	xe_verify(c, c->rec->slot, "move-bad");
	return 0;
}

/* a neighbour VMA in the hole after the region: map, write, grow, unmap */
static int call_neighbour(struct xctx *c)
{
	char *a = xe_addr(c, c->from, xe_npages(c) - 1) + XOP_PG + XOP_PMD / 2;
	char *p, *q;

	p = mmap(a, 16 * XOP_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (p == MAP_FAILED)
		return errno;	/* EEXIST: another thread's neighbour is there */
	memset(p, 0x6e, 16 * XOP_PG);
	q = mremap(p, 16 * XOP_PG, 64 * XOP_PG, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		munmap(p, 16 * XOP_PG);
		return errno;
	}
	q[63 * XOP_PG] = 1;
	return munmap(q, 64 * XOP_PG) ? errno : 0;
}

/*
 * fork: the child reads, writes (COW) and exits; anon_vma chains grow.
 * Its pages are drawn from the thread's PRNG, which the log does not keep:
 * a replay or a reproducer touches others.
 */
static int call_fork(struct xctx *c)
{
	uint64_t r = c->ts->rng;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return errno;
	if (!pid) {
		/*
		 * No uffd in the child (no UFFD_FEATURE_EVENT_FORK): holes read
		 * as zeroes.  Through /proc/self/mem, so the access is the
		 * kernel's (GUP, FOLL_FORCE: a COW) and no sanitizer's business.
		 */
		int fd = open("/proc/self/mem", O_RDWR);
		char b;

		for (unsigned i = 0; fd >= 0 && i < 32; i++) {
			off_t a = (off_t)(uintptr_t)xe_addr(c, i & 1, (uint32_t)(xop_rng(&r) % xe_npages(c)));

			if (pread(fd, &b, 1, a + 64) == 1) {
				b++;
				/* ENOMEM: the COW's charge refused (--reclaim=memcg at its lowered limit) */
				if (pwrite(fd, &b, 1, a + XOP_PG - 1) != 1)
					_exit(errno == ENOMEM ? 3 : 2);
			}
		}
		_exit(fd < 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		return ENOMEM;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : ECHILD;
}

/* ---- pins ---- */

static bool xop_all_zero(const char *p)
{
	size_t i;

	for (i = 0; i < XOP_PG; i++)
		if (p[i])
			return false;
	return true;
}

/* drain the page left in the pipe last time (its slot locked) and check it, then splice this one */
static int call_vmsplice(struct xctx *c)
{
	struct xop_thread *ts = c->ts;
	struct iovec iov;
	uint32_t s;

	if (ts->spliced && xe_lock(c, ts->spliced - 1, 1)) {
		s = ts->spliced - 1;
		if (read(ts->pipe[0], ts->buf, XOP_PG) != (ssize_t)XOP_PG)
			return EIO;
		if (!ts->spliced_zero || !xop_all_zero(ts->buf))
			xe_check_copy(c, s, ts->buf, "vmsplice");	/* the zero page reads zeroes, else a stamp */
		xe_unlock(c, s, 1);
		__atomic_store_n(&ts->spliced, 0, __ATOMIC_RELAXED);	/* other threads read it: chunk_pinned() */
	}
	if (ts->spliced)
		return 0;
	iov = (struct iovec){ xe_addr(c, c->from, c->rec->slot), XOP_PG };
	if (vmsplice(ts->pipe[1], &iov, 1, SPLICE_F_NONBLOCK) != (ssize_t)XOP_PG)
		return errno;
	__atomic_store_n(&ts->spliced, c->rec->slot + 1, __ATOMIC_RELAXED);
	ts->spliced_zero = xe_zero(c, c->rec->slot);
	return 0;
}

/*
 * An io_uring registered buffer (FOLL_PIN | FOLL_LONGTERM) held until this
 * thread's next one: io_uring_register(2) on the thread's ring.
 */
static int call_iouring(struct xctx *c)
{
	struct xop_thread *ts = c->ts;
	struct iovec iov = { xe_addr(c, c->from, c->rec->slot), rec_len(c) };
	uint32_t i;

	if (ts->ring < 0)
		return ENOSYS;
	xop_thread_unpin(c);
	if (syscall(__NR_io_uring_register, ts->ring, IORING_REGISTER_BUFFERS, &iov, 1) < 0)
		return errno;
	for (i = 0; i < c->rec->npages; i++)
		xe_set_pinned(c, c->rec->slot + i, true);
	ts->pinned_slot = c->rec->slot;
	ts->pinned_n = c->rec->npages;
	return 0;
}

/* swap-in by touch, and the check of a page where the ledger says it is */
static int call_touch(struct xctx *c)
{
	xe_verify(c, c->rec->slot, "touch");
	return 0;
}

/* move_pages(2) to a node drawn with the op: migration entries under the movers */
static int call_migrate(struct xctx *c)
{
	void *pages[16];
	int nodes[16], status[16];
	unsigned i, n = c->rec->npages < 16 ? c->rec->npages : 16;

	for (i = 0; i < n; i++) {
		pages[i] = xe_addr(c, c->from, c->rec->slot + i);
		/* the pages of one folio (a THP's head and tails) asked onto both nodes */
		nodes[i] = (int)((c->rec->slot + c->rec->t_ns + i) & 1);
	}
	return syscall(SYS_move_pages, 0, n, pages, nodes, status, MPOL_MF_MOVE) < 0 ? errno : 0;
}

/* ---- the negative controls: damage a page behind the ledger's back ---- */

static int damage(struct xctx *c)
{
	char *p = xe_addr(c, c->from, c->rec->slot);
	struct uffdio_copy cp = {
		.dst = rec_addr(c, c->from ^ 1), .src = (uintptr_t)p, .len = XOP_PG,
	};
	struct uffdio_zeropage z = { .range = { 0, XOP_PG } };

	switch (c->rec->arg) {
	case XINJ_CORRUPT:
		p[XOP_PG / 2] ^= 0x5a;
		return 0;
	case XINJ_ZERO:
		memset(p, 0, XOP_PG);
		return 0;
	case XINJ_LOSE:
		return madvise(p, XOP_PG, MADV_DONTNEED) ? errno : 0;
	case XINJ_DUP:
		return ioctl(xe_uffd(c), UFFDIO_COPY, &cp) ? errno : 0;
	case XINJ_HANG:
		return xe_hang(c);
	case XINJ_WRITE:	/* a new generation the ledger does not know */
		xe_stamp(c, c->rec->slot, xe_gen(c, c->rec->slot) + 1, p);
		return 0;
	case XINJ_ZEROWRITE:	/* the zero page in the ledger's knowledge, then written behind it */
		z.range.start = rec_addr(c, 0);
		if (madvise(p, XOP_PG, MADV_DONTNEED))
			return errno;
		xe_set_where(c, c->rec->slot, XOP_NOWHERE);
		if (ioctl(xe_uffd(c), UFFDIO_ZEROPAGE, &z))
			return errno;
		xe_set_where(c, c->rec->slot, 0);
		xe_set_zero(c, c->rec->slot);
		xe_stamp(c, c->rec->slot, xe_gen(c, c->rec->slot) + 1, (void *)(uintptr_t)z.range.start);
		return 0;
	case XINJ_MLOCK:	/* explore's invariants at the end of the run do it */
		return 0;
	}
	return EINVAL;
}

/*
 * Damage the page, then have it checked while its lock is held (explore:
 * by a verifier thread), so that no later op can legitimately overwrite
 * the damage.
 */
static int call_inject(struct xctx *c)
{
	int err = damage(c);

	if (!err)
		xe_inject_hold(c);
	return err;
}

/* ---- what this host lacks ---- */

static int need_two_nodes(char *why, size_t len)
{
	if (access("/sys/devices/system/node/node1", F_OK) == 0)
		return 0;
	snprintf(why, len, "one NUMA node (move_pages needs a second: /sys/devices/system/node/node1)");
	return -1;
}

static int need_collapse(char *why, size_t len)
{
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0)
		return 0;
	snprintf(why, len, "no THP (/sys/kernel/mm/transparent_hugepage)");
	return -1;
}

static int need_iouring(char *why, size_t len)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 2, &p);
	if (fd < 0) {
		snprintf(why, len, "io_uring_setup: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* free: a kernel access to a discarded page must not fault into the handlers */
static int need_user_mode_only(char *why, size_t len)
{
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	snprintf(why, len, "no user-mode-only userfaultfd (UFFD_USER_MODE_ONLY: %s)", strerror(errno));
	return -1;
}

static int never(char *why, size_t len)
{
	snprintf(why, len, "only through --inject");
	return -1;
}

/* ---- the table ---- */

const struct xop_desc xop_table[XOP_NR] = {
	[XOP_MOVE1] = {
		.name = "move", .weight = 20, .help = "UFFDIO_MOVE of one page to the other region",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_move, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
		.splits_thp = true,
	},
	[XOP_MOVEN] = {
		.name = "move-batch", .weight = 8, .help = "UFFDIO_MOVE of 2..16 pages",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_move, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
		.splits_thp = true,
	},
	[XOP_MOVEPMD] = {
		.name = "move-pmd", .weight = 2, .help = "gather a chunk, then UFFDIO_MOVE of the PMD-aligned 2 MiB",
		.range = XR_PMD, .lock = XL_PAGES, .needs = XN_CHUNK,
		.call = call_move_pmd, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
	},
	[XOP_MOVESPLIT] = {
		.name = "move-split", .weight = 4,
		.help = "UFFDIO_MOVE of 17..256 pages inside a PMD: splits a PMD-mapped THP",
		.range = XR_SPLIT, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_move, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
	},
	[XOP_MOVEHOLES] = {
		.name = "move-holes", .weight = 4,
		.help = "UFFDIO_MOVE with ALLOW_SRC_HOLES over a range with dropped pages",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_HOLES,
		.call = call_move_holes, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
		.splits_thp = true,
	},
	[XOP_FAULT] = {
		.name = "fault", .weight = 4,
		.help = "touch the missing page: handler/N MOVEs it in with DONTWAKE, then UFFDIO_WAKE",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION, .pre = not_pinned,
		.call = call_fault, .update = update_fault,
		.splits_thp = true,
	},
	[XOP_DONTNEED] = {
		.name = "dontneed", .weight = 2, .help = "MADV_DONTNEED: the pages are dropped (ledger: nowhere)",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_dontneed, .update = update_dontneed,
		.splits_thp = true,
	},
	[XOP_REFILL] = {
		.name = "refill", .weight = 6, .help = "UFFDIO_COPY a new generation of a dropped page",
		.range = XR_DROPPED, .lock = XL_PAGES, .needs = XN_DROPPED,
		/* ENOMEM: --reclaim=memcg's cgroup at its lowered limit refuses the charge */
		.call = call_refill, .legit = ERRB(EAGAIN) | ERRB(ENOMEM), .update = update_refill,
		/* no .splits_thp: a dropped page's chunk is no PMD-mapped THP; refilled, it can be one again */
	},
	[XOP_PAGEOUT] = {
		.name = "pageout", .weight = 3, .help = "MADV_PAGEOUT: reclaim walks the rmap of folios being moved",
		.range = XR_SPLIT, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_pageout, .legit = MADV_LEGIT,
	},
	[XOP_COLD] = {
		.name = "cold", .weight = 2, .help = "MADV_COLD",
		.range = XR_SPLIT, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_cold, .legit = MADV_LEGIT,
	},
	[XOP_WILLNEED] = {
		.name = "willneed", .weight = 2, .help = "MADV_WILLNEED: swap-in without touching",
		.range = XR_SPLIT, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_willneed, .legit = MADV_LEGIT,
	},
	[XOP_COLLAPSE] = {
		.name = "collapse", .weight = 1,
		.help = "MADV_COLLAPSE of a chunk (fails with EINVAL/EBUSY while it has holes: uffd armed)",
		.range = XR_PMD, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_collapse, .legit = MADV_LEGIT | ERRB(EBUSY) | ERRB(ENOMEM) | ERRB(EINVAL),
		.supported = need_collapse,
	},
	[XOP_HUGEPAGE] = {
		.name = "hugepage", .weight = 1, .help = "MADV_HUGEPAGE on a chunk (splits/merges the VMA)",
		.range = XR_PMD, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_hugepage, .legit = MADV_LEGIT | ERRB(ENOMEM), .supported = need_collapse,
	},
	[XOP_NOHUGEPAGE] = {
		.name = "nohugepage", .weight = 1, .help = "MADV_NOHUGEPAGE on a chunk",
		.range = XR_PMD, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_nohugepage, .legit = MADV_LEGIT | ERRB(ENOMEM), .supported = need_collapse,
		.splits_thp = true,
	},
	[XOP_MREMAP] = {
		.name = "mremap", .weight = 1,
		.help = "mremap a chunk away and back (the page tables move twice), register it again",
		.range = XR_PMD, .lock = XL_VMA, .needs = XN_REGION,
		.call = call_mremap, .legit = ERRB(ENOMEM),
	},
	[XOP_MPROTECT] = {
		.name = "mprotect", .weight = 1, .help = "mprotect a chunk read-only (VMA split) and back (merge)",
		.range = XR_PMD, .lock = XL_VMA, .needs = XN_REGION,
		.call = call_mprotect, .legit = ERRB(ENOMEM),
	},
	[XOP_NEIGHBOUR] = {
		.name = "neighbour", .weight = 1, .help = "mmap, mremap (grow, may move) and munmap a neighbour VMA",
		.range = XR_NONE, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_neighbour, .legit = ERRB(EEXIST) | ERRB(ENOMEM),
	},
	[XOP_FORK] = {
		.name = "fork", .weight = 1,
		.help = "fork; the child reads, writes (COW) and exits: pages stop being exclusive",
		.range = XR_NONE, .lock = XL_SHARED, .needs = XN_NOTHING,
		.call = call_fork, .legit = ERRB(EAGAIN) | ERRB(ENOMEM),
	},
	[XOP_VMSPLICE] = {
		.name = "vmsplice", .weight = 2, .help = "vmsplice a page into a pipe, held until this thread's next vmsplice",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		/* ENOMEM: the swap-in of its GUP refused by --reclaim=memcg's cgroup at its lowered limit */
		.call = call_vmsplice, .legit = ERRB(EAGAIN) | ERRB(ENOMEM),
	},
	[XOP_IOURING] = {
		.name = "iouring-pin", .weight = 1,
		.help = "io_uring registered buffer (FOLL_PIN|FOLL_LONGTERM), held until the next one",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_iouring, .legit = ERRB(ENOMEM) | ERRB(EAGAIN), .supported = need_iouring,
	},
	[XOP_TOUCH] = {
		.name = "touch", .weight = 4, .help = "read the page where the ledger says (swap-in by touch) and check it",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_touch,
	},
	[XOP_MIGRATE] = {
		.name = "migrate", .weight = 1, .help = "move_pages(2) to the other NUMA node: migration entries",
		.range = XR_BATCH, .lock = XL_SHARED, .needs = XN_REGION,
		.call = call_migrate, .legit = MADV_LEGIT | ERRB(EBUSY) | ERRB(ENOMEM), .supported = need_two_nodes,
	},
	[XOP_FREE] = {
		.name = "free", .weight = 2,
		.help = "MADV_FREE (every other one MADV_PAGEOUT too), then each page written by the kernel: kept, or dropped if reclaim took it",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_free, .legit = MADV_LEGIT, .update = update_free, .supported = need_user_mode_only,
	},
	[XOP_INJECT] = {
		.name = "inject", .weight = 0, .help = "negative control (--inject=corrupt|lose|dup|zero|hang|write|zero-write|mlock:PAGE)",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION, .pre = not_zero,
		.call = call_inject, .supported = never, .control = true,
	},
	[XOP_ZEROPAGE] = {
		.name = "zeropage", .weight = 2, .help = "UFFDIO_ZEROPAGE at a dropped page (ledger: zero until written)",
		.range = XR_DROPPED, .lock = XL_PAGES, .needs = XN_DROPPED,
		.call = call_zeropage, .legit = ERRB(EAGAIN) | ERRB(ENOMEM), .update = update_zeropage,
		.splits_thp = true,
	},
	[XOP_FAULTZERO] = {
		.name = "fault-zero", .weight = 2,
		.help = "touch a dropped page: handler/N resolves the fault with UFFDIO_ZEROPAGE, as a GC for fresh pages",
		.range = XR_DROPPED, .lock = XL_PAGES, .needs = XN_DROPPED,
		.call = call_fault_zero, .update = update_fault_zero, .splits_thp = true,
	},
	[XOP_WRITE] = {
		.name = "write", .weight = 6,
		.help = "the mutator: a new generation written in place (present, swapped, zero; arg 1: read first)",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_write, .update = update_write,
	},
	[XOP_MOVEBAD] = {
		.name = "move-bad", .weight = 1,
		.help = "UFFDIO_MOVE requests it must refuse, moving nothing: past the VMA, shared, unregistered, onto pages",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_move_bad, .legit = ERRB(ENOMEM),
	},
	[XOP_THPREFILL] = {
		.name = "thp-refill", .weight = 1,
		.help = "a chunk gathered into one region made a PMD-mapped THP: MADV_COLLAPSE, or unregister, refault, register",
		.range = XR_PMD, .lock = XL_VMA, .needs = XN_CHUNK,
		.call = call_thp_refill, .legit = MOVE_LEGIT | ERRB(ENOMEM), .supported = need_collapse,
		.makes_thp = true,
	},
};

#endif
