// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint gate and the one UFFDIO_MOVE wrapper every mover loop
 * calls: timed, accounted per thread, and checked against pagemap when a
 * MOVE fails yet may have moved (docs/kernel-bug-6.18-move-eexist.md).
 */
#include "config.h"
#include "engine/move.h"
#include "engine/mode.h"
#include "core/oracle.h"
#include "core/uffd.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

void run_gate(struct run *r)
{
	if (!__atomic_load_n(&r->paused, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&r->gate_lock);
	r->parked++;
	pthread_cond_broadcast(&r->gate_cond);
	while (r->paused)
		pthread_cond_wait(&r->gate_cond, &r->gate_lock);
	r->parked--;
	pthread_mutex_unlock(&r->gate_lock);
}

static int errbit(int err)
{
	switch (err) {
	case EAGAIN: return ERRBIT_EAGAIN;
	case EBUSY: return ERRBIT_EBUSY;
	case EEXIST: return ERRBIT_EEXIST;
	case ENOENT: return ERRBIT_ENOENT;
	default: return 0;
	}
}

/*
 * Linux 6.18's move_pages() can move a page and still fail the ioctl: a
 * retry after an internal -EAGAIN keeps the stale error, loops on the same
 * address and trips over the page it has just moved (EEXIST), or returns a
 * short count for a batch that moved further (EAGAIN).  The known bug
 * move-eexist (known-bugs.c, docs/kernel-bug-6.18-move-eexist.md).  A MOVE
 * of slots nobody else moves that fails that way is therefore checked
 * against the page tables at that moment: a moved page means the kernel
 * moved it and said otherwise.
 */
uint64_t moved_anyway(uint64_t dst, uint64_t src, uint64_t len, bool holes)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t off, ps, pd, upto = 0;

	if (fd < 0)
		return 0;
	for (off = 0; off < len; off += MS_PAGE_SIZE) {
		if (pagemap_read(fd, (void *)(uintptr_t)(src + off), 1, &ps) ||
		    pagemap_read(fd, (void *)(uintptr_t)(dst + off), 1, &pd) ||
		    (ps & (PM_PRESENT | PM_SWAPPED)))
			break;
		if (pd & (PM_PRESENT | PM_SWAPPED))
			upto = off + MS_PAGE_SIZE;
		else if (!holes)
			break;
	}
	close(fd);
	/* holes: up to the last page that did move, a tail of holes proves nothing */
	return upto;
}

static void record_failure(struct run *r, struct thread_stats *st, const char *op, uint64_t dst,
			   uint64_t src, uint64_t len, uint64_t mode, int64_t ret, int err, uint64_t t0)
{
	st->fail[st->nfail < MS_MAX_FAILS ? st->nfail++ : MS_MAX_FAILS - 1] = (struct op_failure){
		.op = op, .dst = dst, .src = src, .len = len, .mode = mode, .ret = ret, .err = err,
		.t_ns = t0 - r->t0_ns,
	};
}

int64_t run_move_failed(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
			uint64_t len, uint64_t mode, unsigned allowed, int64_t moved, int *err,
			uint64_t t0)
{
	uint64_t more = 0;

	/* the signature: EEXIST/ENOENT, or a short count (EAGAIN), on slots we own */
	if (!(allowed & MOVE_RACY) && (*err == EEXIST || *err == ENOENT || *err == EAGAIN) &&
	    (uint64_t)moved < len)
		more = moved_anyway(dst + moved, src + moved, len - moved,
				    mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
	if (more) {
		/* the ledger follows the page tables; the lie is the known bug */
		record_failure(r, st, MOVED_BUT_FAILED, dst, src, len, mode, moved, *err, t0);
		st->moved_but_failed++;
		moved += more;
		__atomic_store_n(&st->pages, st->pages + more / MS_PAGE_SIZE, __ATOMIC_RELAXED);
		if (moved == (int64_t)len)
			*err = 0;
		return moved;
	}
	if (errbit(*err) & allowed) {
		/* relaxed atomic: the --status-interval display reads it live */
		__atomic_store_n(&st->retries[*err < MS_MAX_ERRNO ? *err : 0],
				 st->retries[*err < MS_MAX_ERRNO ? *err : 0] + 1, __ATOMIC_RELAXED);
		if (moved)
			st->short_moves++;
		return moved;
	}
	st->failures++;
	record_failure(r, st, "UFFDIO_MOVE", dst, src, len, mode, moved, *err, t0);
	return moved;
}

/*
 * --inject=eexist:PAGE, the known bug's own control: the first MOVE that
 * moved PAGE (either way) is reported to its caller as failed with EEXIST,
 * as Linux 6.18 does.  Only where the engine can tell (slots nobody else
 * moves, or contended's reconciliation); once per run.
 */
bool inject_eexist(struct run *r, uint64_t src, uint64_t moved, unsigned allowed)
{
	unsigned g;

	if ((allowed & MOVE_RACY) && !r->mode->shared_slots)
		return false;
	for (g = 0; g < MS_NR_REGIONS; g++) {
		uint64_t a = (uint64_t)(uintptr_t)region_addr(&r->reg[g], (size_t)r->eexist_page);

		if (a >= src && a < src + moved)
			return !__atomic_exchange_n(&r->eexist_fired, 1, __ATOMIC_RELAXED);
	}
	return false;
}

int64_t run_move(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
		 uint64_t len, uint64_t mode, unsigned allowed, int *err)
{
	uint64_t t0 = now_ns(), t1;
	int64_t moved = uffd_move(r->uffd, dst, src, len, mode, err);

	t1 = now_ns();
	hist_add(&st->move_lat, t1 - t0);
	__atomic_store_n(&st->ops, st->ops + 1, __ATOMIC_RELAXED);	/* read live */
	run_progress(st);
	if (moved < 0)
		moved = 0;
	/* read live by the pagemap sampler and the status line */
	__atomic_store_n(&st->pages, st->pages + (uint64_t)moved / MS_PAGE_SIZE, __ATOMIC_RELAXED);
	if (!*err && r->eexist_page >= 0 && moved && inject_eexist(r, src, (uint64_t)moved, allowed)) {
		/* --inject=eexist: what 6.18 does, from user space: moved, but EEXIST */
		__atomic_store_n(&st->pages, st->pages - (uint64_t)moved / MS_PAGE_SIZE, __ATOMIC_RELAXED);
		moved = 0;
		*err = EEXIST;
	}
	if (!*err)
		return moved;
	return run_move_failed(r, st, dst, src, len, mode, allowed, moved, err, t0);
}
