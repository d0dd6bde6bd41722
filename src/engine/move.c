// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint gate and the one UFFDIO_MOVE wrapper every mover loop
 * calls: timed, accounted per thread, and checked against pagemap when a
 * MOVE fails yet may have moved (docs/kernel-bug-6.18-move-eexist.md).
 */
#include "config.h"
#include "engine/move.h"
#include "core/oracle.h"
#include "core/uffd.h"

#include <errno.h>
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
 * How much of [src, src+len) has already moved to [dst, dst+len): source
 * pte empty, destination present or swapped, page by page from the start.
 *
 * Linux 6.18's move_pages() can move a page and still fail the ioctl: a
 * retry after an internal -EAGAIN keeps the stale error, loops on the same
 * address and trips over the page it has just moved (EEXIST), or returns a
 * short count for a batch that moved further.  scripts/repro-move-pageout.c
 * shows it without movestress.  A MOVE we own that fails with EEXIST or
 * ENOENT is therefore checked against the page tables: nobody else moves
 * this slot, so a moved page means the kernel moved it and said otherwise.
 */
static uint64_t moved_anyway(uint64_t dst, uint64_t src, uint64_t len)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t off, ps, pd;

	if (fd < 0)
		return 0;
	for (off = 0; off < len; off += MS_PAGE_SIZE) {
		if (pagemap_read(fd, (void *)(uintptr_t)(src + off), 1, &ps) ||
		    pagemap_read(fd, (void *)(uintptr_t)(dst + off), 1, &pd) ||
		    (ps & (PM_PRESENT | PM_SWAPPED)) || !(pd & (PM_PRESENT | PM_SWAPPED)))
			break;
	}
	close(fd);
	return off;
}

int64_t run_move(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
		 uint64_t len, uint64_t mode, unsigned allowed, int *err)
{
	uint64_t t0 = now_ns(), t1, more = 0;
	int64_t moved = uffd_move(r->uffd, dst, src, len, mode, err);

	t1 = now_ns();
	hist_add(&st->move_lat, t1 - t0);
	__atomic_store_n(&st->ops, st->ops + 1, __ATOMIC_RELAXED);	/* read live */
	run_progress(st);
	if (moved < 0)
		moved = 0;
	/* read live by the pagemap sampler and the status line */
	__atomic_store_n(&st->pages, st->pages + (uint64_t)moved / MS_PAGE_SIZE, __ATOMIC_RELAXED);
	if (!*err)
		return moved;
	if (errbit(*err) & allowed) {
		/* relaxed atomic: the --status-interval display reads it live */
		__atomic_store_n(&st->retries[*err < MS_MAX_ERRNO ? *err : 0],
				 st->retries[*err < MS_MAX_ERRNO ? *err : 0] + 1, __ATOMIC_RELAXED);
		if (moved)
			st->short_moves++;
		return moved;
	}
	st->failures++;
	if ((*err == EEXIST || *err == ENOENT) && !(mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES))
		more = moved_anyway(dst + moved, src + moved, len - moved);
	st->fail[st->nfail < MS_MAX_FAILS ? st->nfail++ : MS_MAX_FAILS - 1] = (struct op_failure){
		.op = more ? MOVED_BUT_FAILED : "UFFDIO_MOVE", .dst = dst, .src = src, .len = len,
		.mode = mode, .ret = moved, .err = *err, .t_ns = t0 - r->t0_ns,
	};
	if (!more)
		return moved;
	/* the ledger follows the page tables; the lie is the failure */
	st->moved_but_failed++;
	moved += more;
	__atomic_store_n(&st->pages, st->pages + more / MS_PAGE_SIZE, __ATOMIC_RELAXED);
	if (moved == (int64_t)len)
		*err = 0;
	return moved;
}

