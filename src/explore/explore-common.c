// SPDX-License-Identifier: GPL-2.0-only
/*
 * What explore's op calls (xop-bodies.h, explore-ops.c) and its threads (explore-run.c)
 * share: slot addresses, page locks, stamps, the ledger, failures and the
 * page verifier.  Apart from explore-run.c so that the op table and the
 * engine that runs it do not call each other.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "engine/move.h"
#include "kernel/known-bugs.h"
#include "kernel/health.h"
#include "kernel/klog.h"
#include "core/oracle.h"
#include "core/report.h"
#include "core/stamp.h"

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

char *xp_addr(struct xp *x, unsigned region, size_t slot)
{
	return region_addr(&x->run.reg[region], slot);
}

bool xp_lock(struct xp *x, size_t slot, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (__atomic_test_and_set(&x->lock[slot + i], __ATOMIC_ACQUIRE)) {
			xp_unlock(x, slot, i);
			return false;
		}
	return true;
}

void xp_unlock(struct xp *x, size_t slot, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		__atomic_clear(&x->lock[slot + i], __ATOMIC_RELEASE);
}

void xp_stamp(struct xp *x, size_t slot, uint32_t gen, void *page)
{
	stamp_write(page, x->run.seed, REGION_SRC, (uint32_t)slot, gen);
}

void xp_set_where(struct xp *x, struct xthread *t, size_t slot, uint8_t region, unsigned op)
{
	uint8_t old = x->run.where[slot];

	if (old != REGION_NONE && region != REGION_NONE && old != region)
		x->moved[slot] = 1;
	else if (region == REGION_NONE)
		__atomic_store_n(&x->zero[slot], 0, __ATOMIC_RELAXED);	/* dropped: no page, no zero page */
	ledger_set(&x->run, slot, region);
	/* read by xp_fail() of any thread: relaxed atomics */
	__atomic_store_n(&x->last[slot], (t ? t->idx : 0xff) << 8 | op, __ATOMIC_RELAXED);
	__atomic_store_n(&x->last_t[slot], now_ns() - x->run.t0_ns, __ATOMIC_RELAXED);
}

void xp_set_gen(struct xp *x, size_t slot, uint32_t gen)
{
	x->run.gen[slot] = gen;
	__atomic_store_n(&x->zero[slot], 0, __ATOMIC_RELAXED);
}

void xp_set_zero(struct xp *x, size_t slot)
{
	__atomic_store_n(&x->zero[slot], 1, __ATOMIC_RELAXED);
}

#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_THP			22

static int kpageflags_read(int fd, uint64_t pfn, uint64_t *f)
{
	return pread(fd, f, sizeof(*f), (off_t)(pfn * sizeof(*f))) == (ssize_t)sizeof(*f) ? 0 : -1;
}

/*
 * A PMD-order THP maps the chunk: its first page the head of a THP on a
 * 2 MiB aligned frame, its last page the frame 511 after, a tail.
 * (kpageflags' THP flag is any large anonymous folio, mTHPs too.)
 */
bool xp_chunk_thp(struct xp *x, struct xthread *t, unsigned region, size_t slot)
{
	uint64_t pm[2], f[2];
	uint64_t pfn0;

	if (region == REGION_NONE || t->kpageflags < 0 || pagemap_read(t->pagemap, xp_addr(x, region, slot), 1, &pm[0]) ||
	    pagemap_read(t->pagemap, xp_addr(x, region, slot + XP_CHUNK_PAGES - 1), 1, &pm[1]))
		return false;
	if (!(pm[0] & pm[1] & PM_PRESENT))
		return false;
	pfn0 = pm[0] & PM_PFN_MASK;
	if (!pfn0 || pfn0 % XP_CHUNK_PAGES || (pm[1] & PM_PFN_MASK) != pfn0 + XP_CHUNK_PAGES - 1)
		return false;
	if (kpageflags_read(t->kpageflags, pfn0, &f[0]) || kpageflags_read(t->kpageflags, pfn0 + XP_CHUNK_PAGES - 1, &f[1]))
		return false;
	return (f[0] >> KPF_THP & 1) && (f[0] >> KPF_COMPOUND_HEAD & 1) && (f[1] >> KPF_COMPOUND_TAIL & 1);
}

void xp_fail(struct xp *x, const struct xfailure *f)
{
	pthread_mutex_lock(&x->fail_lock);
	if (!x->failed) {
		x->fail = *f;
		x->fail.t_ns = now_ns() - x->run.t0_ns;
		if (f->page < x->run.npages) {
			uint32_t l = __atomic_load_n(&x->last[f->page], __ATOMIC_RELAXED);

			snprintf(x->fail.last_op, sizeof(x->fail.last_op), "%s",
				 (l & 0xff) < XOP_NR ? x->ops[l & 0xff].name : "setup");
			x->fail.last_thread = l >> 8;
			x->fail.last_t_ns = __atomic_load_n(&x->last_t[f->page], __ATOMIC_RELAXED);
		}
		__atomic_store_n(&x->failed, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&x->fail_lock);
	__atomic_store_n(&x->run.stop, 1, __ATOMIC_RELEASE);
}

/* can the kernel still read @p?  user-mode-only uffd: a missing page is EFAULT */
static bool kernel_readable(struct xthread *t, const void *p)
{
	char tmp[64];

	if (!t->x->run.uffd_info.user_mode_only)
		return false;
	if (write(t->ts.probe[1], p, sizeof(tmp)) != (ssize_t)sizeof(tmp))
		return false;	/* EFAULT: nothing mapped there */
	if (read(t->ts.probe[0], tmp, sizeof(tmp)) < 0)
		return true;
	return true;
}

static void verify_fail(struct xp *x, const char *kind, size_t slot, const char *op,
			const struct stamp *found, int state)
{
	struct xfailure f = { .page = (uint32_t)slot, .where = x->run.where[slot] };

	snprintf(f.kind, sizeof(f.kind), "%s", kind);
	snprintf(f.op, sizeof(f.op), "%s", op);
	f.expected = (struct stamp_pair){ REGION_SRC, (uint32_t)slot, x->run.gen[slot], STAMP_OK };
	if (found)
		f.found = (struct stamp_pair){ found->region, found->page, found->gen, state };
	xp_fail(x, &f);
}

/*
 * One page, its lock held: where the ledger says, present (or swapped),
 * intact, of the expected generation; at the other place nothing, not even
 * a translation the kernel can still read through.
 */
bool xp_verify_page(struct xp *x, struct xthread *t, size_t slot, const char *op)
{
	uint8_t w = x->run.where[slot];
	uint64_t pm[2];
	struct stamp st;
	enum stamp_state s;
	unsigned r;

	for (r = 0; r < 2; r++)
		if (pagemap_read(t->pagemap, xp_addr(x, r, slot), 1, &pm[r]))
			return true;	/* no pagemap: the end-of-run oracle still checks */
	__atomic_add_fetch(&x->verified, 1, __ATOMIC_RELAXED);
	if (w == REGION_NONE) {
		if ((pm[0] | pm[1]) & (PM_PRESENT | PM_SWAPPED)) {
			verify_fail(x, "stray", slot, op, NULL, 0);
			return false;
		}
		return true;
	}
	if (pm[w] & PM_SWAPPED)	/* the read below swaps it in */
		__atomic_add_fetch(&x->swapped_seen, 1, __ATOMIC_RELAXED);
	if (!(pm[w] & (PM_PRESENT | PM_SWAPPED))) {
		verify_fail(x, "lost", slot, op, NULL, 0);
		return false;
	}
	if (pm[w ^ 1] & (PM_PRESENT | PM_SWAPPED)) {
		verify_fail(x, "duplicated", slot, op, NULL, 0);
		return false;
	}
	if (kernel_readable(t, xp_addr(x, w ^ 1, slot))) {
		verify_fail(x, "readable-after-move", slot, op, NULL, 0);
		return false;
	}
	s = stamp_check(xp_addr(x, w, slot), &st);
	if (__atomic_load_n(&x->zero[slot], __ATOMIC_RELAXED)) {
		/* the zero page (or zeroes after a THP refault): zeroes until written */
		if (s != STAMP_ZERO) {
			verify_fail(x, "not-zero", slot, op, &st, s);
			return false;
		}
		return true;
	}
	if (s != STAMP_OK) {
		verify_fail(x, s == STAMP_ZERO ? "zeroed" : s == STAMP_CORRUPT ? "corrupt" : "garbage",
			    slot, op, &st, s);
		return false;
	}
	if (st.page != slot || st.gen != x->run.gen[slot]) {
		verify_fail(x, st.page != slot ? "misplaced" : st.gen < x->run.gen[slot] ? "stale" : "unrecorded-write",
			    slot, op, &st, s);
		return false;
	}
	return true;
}

/* ---- picking and executing ops ---- */

/* a value below @n from 32 random bits, without a division (Lemire) */
