// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore's ops in the engine: the environment they run in here (the
 * ledger, the page locks, run_move(), the verifier; see xop-bodies.h for
 * what each hook means), then the op bodies and the op table themselves,
 * from the one file every C reproducer carries too.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "engine/move.h"
#include "core/oracle.h"
#include "core/stamp.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static char *xe_addr(struct xctx *c, unsigned region, uint32_t slot)
{
	return xp_addr(c->x, region, slot);
}

static unsigned xe_where(struct xctx *c, uint32_t slot)
{
	return c->x->run.where[slot];
}

static void xe_set_where(struct xctx *c, uint32_t slot, unsigned region)
{
	xp_set_where(c->x, c->t, slot, (uint8_t)region, c->rec->op);
}

static uint32_t xe_gen(struct xctx *c, uint32_t slot)
{
	return c->x->run.gen[slot];
}

static void xe_set_gen(struct xctx *c, uint32_t slot, uint32_t gen)
{
	xp_set_gen(c->x, slot, gen);
}

static bool xe_zero(struct xctx *c, uint32_t slot)
{
	return __atomic_load_n(&c->x->zero[slot], __ATOMIC_RELAXED);
}

static void xe_set_zero(struct xctx *c, uint32_t slot)
{
	xp_set_zero(c->x, slot);
}

/* the counts of the result's "thp", "zero" and "mutator" blocks */
static void xe_note(struct xctx *c, enum xop_event ev)
{
	struct xthread *t = c->t;
	uint64_t pm = 0;

	switch (ev) {
	case XEV_ZERO_MOVED:
		t->zero_moved++;
		break;
	case XEV_ZERO_FAULT:
		t->zero_faults++;
		break;
	case XEV_WRITE:
		if (!pagemap_read(t->pagemap, xp_addr(c->x, c->from, c->rec->slot), 1, &pm) &&
		    !(pm & PM_PRESENT) && (pm & PM_SWAPPED))
			t->writes_swapped++;
		t->writes_zero += c->x->zero[c->rec->slot];
		break;
	case XEV_THP_COLLAPSED:
		t->thp_made[XTHP_COLLAPSED]++;
		break;
	case XEV_THP_REFAULTED:
		t->thp_made[xp_chunk_thp(c->x, t, c->from, c->rec->slot) ? XTHP_REFAULTED : XTHP_NOT_THP]++;
		break;
	}
}

static void xe_stamp(struct xctx *c, uint32_t slot, uint32_t gen, void *page)
{
	xp_stamp(c->x, slot, gen, page);
}

/*
 * run_move() into the op's own stats (a fault handler's: the thread's);
 * its pagemap check names the 6.18 moved-but-failed bug, and the ledger
 * follows the page tables then: no error.
 */
static int64_t xe_move(struct xctx *c, uint64_t dst, uint64_t src, uint64_t len, uint64_t mode, int *err)
{
	struct thread_stats *st = c->rec ? &c->t->mst[c->rec->op] : &c->t->st;
	uint64_t mbf = st->moved_but_failed;
	int64_t moved = run_move(&c->x->run, st, dst, src, len, mode, ERRBIT_EAGAIN | ERRBIT_EBUSY, err);

	if (st->moved_but_failed != mbf)
		*err = 0;
	return moved;
}

static bool xe_verify(struct xctx *c, uint32_t slot, const char *by)
{
	return xp_verify_page(c->x, c->t, slot, by);
}

static void xe_check_copy(struct xctx *c, uint32_t slot, const void *copy, const char *by)
{
	struct stamp st;
	enum stamp_state s = stamp_check(copy, &st);
	struct xfailure f = { .page = slot };

	if (s == STAMP_OK && st.page == slot)
		return;
	snprintf(f.kind, sizeof(f.kind), "corrupt");
	snprintf(f.op, sizeof(f.op), "%s", by);
	f.found = (struct stamp_pair){ st.region, st.page, st.gen, s };
	xp_fail(c->x, &f);
}

static bool xe_lock(struct xctx *c, uint32_t slot, uint32_t n)
{
	return xp_lock(c->x, slot, n);
}

static void xe_unlock(struct xctx *c, uint32_t slot, uint32_t n)
{
	xp_unlock(c->x, slot, n);
}

static bool xe_pinned(struct xctx *c, uint32_t slot)
{
	return __atomic_load_n(&c->x->pinned[slot], __ATOMIC_ACQUIRE);
}

static void xe_set_pinned(struct xctx *c, uint32_t slot, bool on)
{
	__atomic_store_n(&c->x->pinned[slot], on, __ATOMIC_RELEASE);
}

static int xe_uffd(struct xctx *c)
{
	return c->x->run.uffd;
}

static uint32_t xe_npages(struct xctx *c)
{
	return (uint32_t)c->x->run.npages;
}

/* what we know (the page's lock) the handler may use; what it writes we read after */
static void xe_fault_begin(struct xctx *c)
{
	__atomic_add_fetch(&c->x->fault_seq, 1, __ATOMIC_ACQ_REL);
}

static void xe_fault_end(struct xctx *c)
{
	__atomic_load_n(&c->x->fault_done, __ATOMIC_ACQUIRE);
}

/* the damaged page's lock held until a verifier thread has looked at it (at most 2 s) */
static void xe_inject_hold(struct xctx *c)
{
	uint64_t t0 = now_ns();

	if (!c->x->cfg->verifiers)
		return;
	__atomic_store_n(&c->x->inject_wait, c->rec->slot + 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&c->x->inject_wait, __ATOMIC_ACQUIRE) && !run_stopped(&c->x->run) &&
	       now_ns() - t0 < 2000000000ULL)
		sched_yield();
	__atomic_store_n(&c->x->inject_wait, 0, __ATOMIC_RELEASE);
}

/* a fault on the slot the page left, which the handlers leave alone: this thread blocks */
static int xe_hang(struct xctx *c)
{
	__atomic_store_n(&c->x->hang_slot, c->rec->slot + 1, __ATOMIC_RELEASE);
	(void)*(volatile char *)xe_addr(c, c->from ^ 1, c->rec->slot);
	return 0;
}

#include "explore/xop-bodies.h"

_Static_assert(XOP_NOWHERE == REGION_NONE && XOP_PG == MS_PAGE_SIZE && XOP_PMD == MS_PMD_SIZE,
	       "xop-bodies.h and core/run.h disagree");

int xop_lookup(const char *name)
{
	int i;

	for (i = 0; i < XOP_NR; i++)
		if (!strcmp(xop_table[i].name, name))
			return i;
	return -1;
}
