// SPDX-License-Identifier: GPL-2.0-only
/*
 * The explore op table: one row per op kind with its default weight, the
 * pages it works on, its precondition on the ledger, the call, the ledger
 * update and the errors that are legitimate for it.  The engine
 * (explore-run.c) locks the op's pages, checks the precondition, times the
 * call and applies the update, so every row keeps the ledger exact.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "engine/move.h"
#include "core/oracle.h"
#include "core/stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

#define MOVE_LEGIT	(ERRB(EAGAIN) | ERRB(EBUSY))
#define PG		MS_PAGE_SIZE

static uint64_t rec_addr(struct xctx *c, unsigned region)
{
	return (uint64_t)(uintptr_t)xp_addr(c->x, region, c->rec->slot);
}

static uint64_t rec_len(const struct xctx *c)
{
	return (uint64_t)c->rec->npages * PG;
}

/* ---- preconditions: what .needs says, then a row's own .pre ---- */

/*
 * The first page of the range somewhere; every other page in the same
 * region, or (@holes: ALLOW_SRC_HOLES) nowhere.  The move goes across.
 */
static bool pre_range(struct xctx *c, bool holes)
{
	const uint8_t *w = c->x->run.where;
	uint32_t i;

	c->from = w[c->rec->slot];
	if (c->from == REGION_NONE)
		return false;
	for (i = 1; i < c->rec->npages; i++)
		if (w[c->rec->slot + i] != c->from && !(holes && w[c->rec->slot + i] == REGION_NONE))
			return false;
	c->to = c->from ^ 1;
	return true;
}

/* PMD move: no page of the chunk is nowhere (strays are gathered first) */
static bool pre_chunk(struct xctx *c)
{
	const uint8_t *w = c->x->run.where;
	uint32_t i;

	c->from = w[c->rec->slot];
	for (i = 0; i < c->rec->npages; i++)
		if (w[c->rec->slot + i] == REGION_NONE)
			return false;
	c->to = c->from ^ 1;
	return true;
}

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
		c->from = REGION_SRC;
		ok = c->x->run.where[c->rec->slot] == REGION_NONE;
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
	return !__atomic_load_n(&c->x->pinned[c->rec->slot], __ATOMIC_ACQUIRE);
}

/* ---- MOVE ---- */

static int do_move(struct xctx *c, uint64_t dst, uint64_t src, uint64_t len, uint64_t mode)
{
	struct thread_stats *st = &c->t->mst[c->rec->op];
	uint64_t mbf = st->moved_but_failed;
	int err;

	c->moved = run_move(&c->x->run, st, dst, src, len, mode, ERRBIT_EAGAIN | ERRBIT_EBUSY, &err);
	if (st->moved_but_failed != mbf)
		err = 0;	/* the known 6.18 bug: counted and named by run_move, ledger follows pagemap */
	if (err == EBUSY && !c->retried) {
		/* fork left the folio shared (or a pin holds it): write it to make it ours, once more */
		uint64_t done = (uint64_t)c->moved;

		xp_unshare(c->x, c->rec->slot + done / PG, (len - done) / PG);
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

/* gather the chunk's strays into @from page by page, then move 2 MiB at once */
static int call_move_pmd(struct xctx *c)
{
	struct xp *x = c->x;
	uint32_t i, s;
	int err;

	for (i = 0; i < c->rec->npages; i++) {
		s = c->rec->slot + i;
		if (x->run.where[s] == c->from)
			continue;
		for (int tries = 0; tries < 2; tries++) {
			c->moved = run_move(&x->run, &c->t->mst[c->rec->op], (uintptr_t)xp_addr(x, c->from, s),
					    (uintptr_t)xp_addr(x, c->to, s), PG, 0,
					    ERRBIT_EAGAIN | ERRBIT_EBUSY, &err);
			if (err != EBUSY)
				break;
			xp_unshare(x, s, 1);	/* shared since a fork: make it ours */
		}
		if (c->moved == PG)
			xp_set_where(x, c->t, s, c->from, c->rec->op);
		if (c->moved != PG) {
			c->moved = 0;
			return err;
		}
	}
	return do_move(c, rec_addr(c, c->to), rec_addr(c, c->from), rec_len(c), 0);
}

static void update_move(struct xctx *c)
{
	uint32_t i, n = (uint32_t)(c->moved / PG);

	for (i = 0; i < n; i++)
		if (c->x->run.where[c->rec->slot + i] == c->from)
			xp_set_where(c->x, c->t, c->rec->slot + i, c->to, c->rec->op);
}

/* fault-driven: touch the page where it is not; a handler thread MOVEs it in */
static int call_fault(struct xctx *c)
{
	volatile const char *p = xp_addr(c->x, c->to, c->rec->slot);

	/* what we know (the page's lock) the handler may use; what it writes we read after */
	__atomic_add_fetch(&c->x->fault_seq, 1, __ATOMIC_ACQ_REL);
	(void)*p;	/* blocks until handler/N's MOVE (DONTWAKE) and UFFDIO_WAKE */
	__atomic_load_n(&c->x->fault_done, __ATOMIC_ACQUIRE);
	c->moved = PG;
	return 0;
}

static void update_fault(struct xctx *c)
{
	xp_set_where(c->x, c->t, c->rec->slot, c->to, c->rec->op);
	xp_verify_page(c->x, c->t, c->rec->slot, "fault");
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
		xp_set_where(c->x, c->t, c->rec->slot + i, REGION_NONE, c->rec->op);
}

/* a dropped page comes back: UFFDIO_COPY of a fresh stamp (no fault) */
static int call_refill(struct xctx *c)
{
	struct uffdio_copy cp = {
		.dst = rec_addr(c, REGION_SRC), .src = (uintptr_t)c->t->buf, .len = PG,
	};

	xp_stamp(c->x, c->rec->slot, c->x->run.gen[c->rec->slot] + 1, c->t->buf);
	if (ioctl(c->x->run.uffd, UFFDIO_COPY, &cp))
		return errno;
	return 0;
}

static void update_refill(struct xctx *c)
{
	c->x->run.gen[c->rec->slot]++;
	xp_set_where(c->x, c->t, c->rec->slot, REGION_SRC, c->rec->op);
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
	char *a = xp_addr(c->x, c->from, c->rec->slot), *s = c->t->scratch;
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
	while (ioctl(c->x->run.uffd, UFFDIO_REGISTER, &reg))
		if (!nomem_retry(&tries))
			return errno == ENOMEM ? EIO : errno;	/* unregistered for good: a failure */
	return 0;
}

/* read-only splits the VMA in three, read-write merges it back */
static int call_mprotect(struct xctx *c)
{
	char *a = xp_addr(c->x, c->from, c->rec->slot);
	int err = mprotect(a, rec_len(c), PROT_READ) ? errno : 0;
	unsigned tries = 0;

	if (!err && c->x->run.where[c->rec->slot] == c->from)
		xp_verify_page(c->x, c->t, c->rec->slot, "mprotect");
	/* back to read-write, after a failure too (it may have changed part of the range) */
	while (mprotect(a, rec_len(c), PROT_READ | PROT_WRITE))
		if (!nomem_retry(&tries))
			abort();	/* a chunk left read-only: the next write to it would crash */
	return err;
}

/* a neighbour VMA in the hole after the region: map, write, grow, unmap */
static int call_neighbour(struct xctx *c)
{
	char *a = xp_addr(c->x, c->from, c->x->run.npages - 1) + PG + MS_PMD_SIZE / 2;
	char *p, *q;

	p = mmap(a, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (p == MAP_FAILED)
		return errno;	/* EEXIST: another thread's neighbour is there */
	memset(p, 0x6e, 16 * PG);
	q = mremap(p, 16 * PG, 64 * PG, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		munmap(p, 16 * PG);
		return errno;
	}
	q[63 * PG] = 1;
	return munmap(q, 64 * PG) ? errno : 0;
}

/* fork: the child reads, writes (COW) and exits; anon_vma chains grow */
static int call_fork(struct xctx *c)
{
	struct xp *x = c->x;
	uint64_t r = c->t->rng;
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
			off_t a = (off_t)(uintptr_t)xp_addr(x, i & 1, rng_next(&r) % x->run.npages);

			if (pread(fd, &b, 1, a + 64) == 1) {
				b++;
				/* ENOMEM: the COW's charge refused (--reclaim=memcg at its lowered limit) */
				if (pwrite(fd, &b, 1, a + PG - 1) != 1)
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

/* drain the page left in the pipe last time (its slot locked), then splice this one */
static int call_vmsplice(struct xctx *c)
{
	struct xthread *t = c->t;
	struct iovec iov;
	uint32_t s;

	if (t->spliced && xp_lock(c->x, t->spliced - 1, 1)) {
		struct stamp st;

		s = t->spliced - 1;
		if (read(t->pipe[0], t->buf, PG) != (ssize_t)PG)
			return EIO;
		if (stamp_check(t->buf, &st) != STAMP_OK || st.page != s) {
			struct xfailure f = { .page = s, .err = 0 };

			snprintf(f.kind, sizeof(f.kind), "corrupt");
			snprintf(f.op, sizeof(f.op), "vmsplice");
			f.found = (struct stamp_pair){ st.region, st.page, st.gen, stamp_check(t->buf, &st) };
			xp_fail(c->x, &f);
		}
		xp_unlock(c->x, s, 1);
		t->spliced = 0;
	}
	if (t->spliced)
		return 0;
	iov = (struct iovec){ xp_addr(c->x, c->from, c->rec->slot), PG };
	if (vmsplice(t->pipe[1], &iov, 1, SPLICE_F_NONBLOCK) != (ssize_t)PG)
		return errno;
	t->spliced = c->rec->slot + 1;
	return 0;
}

/* io_uring registered buffers: FOLL_PIN | FOLL_LONGTERM until the next one */
static int call_iouring(struct xctx *c)
{
#if HAVE_LIBURING
	struct xthread *t = c->t;
	struct iovec iov = { xp_addr(c->x, c->from, c->rec->slot), rec_len(c) };
	int ret;

	if (!t->ring_ok)
		return ENOSYS;
	if (t->pinned_n) {
		io_uring_unregister_buffers(&t->ring);
		for (uint32_t i = 0; i < t->pinned_n; i++)
			__atomic_store_n(&c->x->pinned[t->pinned_slot + i], 0, __ATOMIC_RELEASE);
		t->pinned_n = 0;
	}
	ret = io_uring_register_buffers(&t->ring, &iov, 1);
	if (ret < 0)
		return -ret;
	for (uint32_t i = 0; i < c->rec->npages; i++)
		__atomic_store_n(&c->x->pinned[c->rec->slot + i], 1, __ATOMIC_RELEASE);
	t->pinned_slot = c->rec->slot;
	t->pinned_n = c->rec->npages;
	return 0;
#else
	(void)c;
	return ENOSYS;
#endif
}

/* swap-in by touch, and the check of a page where the ledger says it is */
static int call_touch(struct xctx *c)
{
	xp_verify_page(c->x, c->t, c->rec->slot, "touch");
	return 0;
}

/* move_pages(2) to the other node: migration entries under the movers */
static int call_migrate(struct xctx *c)
{
	void *pages[16];
	int nodes[16], status[16];
	unsigned i, n = c->rec->npages < 16 ? c->rec->npages : 16;

	for (i = 0; i < n; i++) {
		pages[i] = xp_addr(c->x, c->from, c->rec->slot + i);
		nodes[i] = (int)((c->rec->slot + c->rec->t_ns) & 1);
	}
	return syscall(SYS_move_pages, 0, n, pages, nodes, status, MPOL_MF_MOVE) < 0 ? errno : 0;
}

/* the negative controls: damage a page behind the ledger's back */
static int damage(struct xctx *c);

/*
 * The negative control: damage the page, then hold its lock until a
 * verifier thread has looked at it, so that the check is the verifiers'
 * (while the ops run) and no later op can legitimately overwrite the damage.
 */
static int call_inject(struct xctx *c)
{
	int err = damage(c);
	uint64_t t0 = now_ns();

	if (err || !c->x->cfg->verifiers)
		return err;
	__atomic_store_n(&c->x->inject_wait, c->rec->slot + 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&c->x->inject_wait, __ATOMIC_ACQUIRE) && !run_stopped(&c->x->run) &&
	       now_ns() - t0 < 2000000000ULL)
		sched_yield();
	__atomic_store_n(&c->x->inject_wait, 0, __ATOMIC_RELEASE);
	return 0;
}

static int damage(struct xctx *c)
{
	char *p = xp_addr(c->x, c->from, c->rec->slot);
	struct uffdio_copy cp = {
		.dst = rec_addr(c, c->from ^ 1), .src = (uintptr_t)p, .len = PG,
	};

	switch (c->rec->arg) {
	case XINJ_CORRUPT:
		p[PG / 2] ^= 0x5a;
		return 0;
	case XINJ_ZERO:
		memset(p, 0, PG);
		return 0;
	case XINJ_LOSE:
		return madvise(p, PG, MADV_DONTNEED) ? errno : 0;
	case XINJ_DUP:
		return ioctl(c->x->run.uffd, UFFDIO_COPY, &cp) ? errno : 0;
	case XINJ_HANG:
		/* a fault on the slot the page left, which the handlers leave alone: this thread blocks */
		__atomic_store_n(&c->x->hang_slot, c->rec->slot + 1, __ATOMIC_RELEASE);
		(void)*(volatile char *)(uintptr_t)rec_addr(c, c->from ^ 1);
		return 0;
	}
	return EINVAL;
}

/* ---- support ---- */

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
#if !HAVE_LIBURING
	snprintf(why, len, "built without liburing (configure --with-liburing)");
	return -1;
#else
	struct io_uring ring;
	int ret = io_uring_queue_init(2, &ring, 0);

	if (ret < 0) {
		snprintf(why, len, "io_uring_queue_init: %s", strerror(-ret));
		return -1;
	}
	io_uring_queue_exit(&ring);
	return 0;
#endif
}

static int never(char *why, size_t len)
{
	snprintf(why, len, "only through --inject");
	return -1;
}

#define MADV_LEGIT	(ERRB(EAGAIN) | ERRB(EINTR))

/*
 * How to add an op: an id in enum xop_id (explore.h), its call (and
 * update, if it changes the ledger) above, a row here naming what it
 * needs, a record of it in tests/explore-repro-gen.c's every-op log, a
 * line in README.  The engine reads nothing else about it.
 */
const struct xop_desc xop_table[XOP_NR] = {
	[XOP_MOVE1] = {
		.name = "move", .weight = 20, .help = "UFFDIO_MOVE of one page to the other region",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_move, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
	},
	[XOP_MOVEN] = {
		.name = "move-batch", .weight = 8, .help = "UFFDIO_MOVE of 2..16 pages",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_move, .legit = MOVE_LEGIT, .update = update_move, .self_timed = true,
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
	},
	[XOP_FAULT] = {
		.name = "fault", .weight = 4,
		.help = "touch the missing page: handler/N MOVEs it in with DONTWAKE, then UFFDIO_WAKE",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION, .pre = not_pinned,
		.call = call_fault, .update = update_fault,
	},
	[XOP_DONTNEED] = {
		.name = "dontneed", .weight = 2, .help = "MADV_DONTNEED: the pages are dropped (ledger: nowhere)",
		.range = XR_BATCH, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_dontneed, .update = update_dontneed,
	},
	[XOP_REFILL] = {
		.name = "refill", .weight = 6, .help = "UFFDIO_COPY a new generation of a dropped page",
		.range = XR_DROPPED, .lock = XL_PAGES, .needs = XN_DROPPED,
		/* ENOMEM: --reclaim=memcg's cgroup at its lowered limit refuses the charge */
		.call = call_refill, .legit = ERRB(EAGAIN) | ERRB(ENOMEM), .update = update_refill,
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
	[XOP_INJECT] = {
		.name = "inject", .weight = 0, .help = "negative control (--inject=corrupt|lose|dup|zero|hang:PAGE)",
		.range = XR_PAGE, .lock = XL_PAGES, .needs = XN_ONE_REGION,
		.call = call_inject, .supported = never, .control = true,
	},
};

int xop_lookup(const char *name)
{
	int i;

	for (i = 0; i < XOP_NR; i++)
		if (!strcmp(xop_table[i].name, name))
			return i;
	return -1;
}
