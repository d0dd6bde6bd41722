// SPDX-License-Identifier: GPL-2.0-only
/*
 * swapped: MOVE pages that are swapped out or sit in the swap cache while
 * other threads swap those same pages back in (the swap-in vs MOVE race
 * that move_pages_pte()/move_swap_pte() fixes were about).
 *
 *  - movers (mover/N) own a slice each and move it page by page between
 *    the regions; every 64 pages they MADV_PAGEOUT the next chunk of their
 *    slice in both regions, so most pages they move are swap entries or
 *    swap-cache folios.
 *  - swap-in threads (swapin/N) pick random pages anywhere: MADV_WILLNEED
 *    on a chunk (swap-in into the swap cache without mapping: "left in the
 *    swap cache"), then a read fault on a page where the ledger says it is
 *    (do_swap_page() racing the page's mover).
 *  - a read fault that loses the race (its mover moved the page away, so
 *    the pte is none) lands in the userfaultfd; a handler takes the slot
 *    and moves the page back under the faulting reader, which then sees it.
 *
 * Slot ownership: own[s] is taken (compare-and-swap) by whoever changes
 * where[s]: the slot's mover for one MOVE, or a handler resolving a fault.
 * Readers never take it and never write the ledger; they only fault, and
 * every fault they can hit has a handler.  The oracle holds at the end.
 */
#include "config.h"
#include "scenarios/mode-swapped.h"
#include "engine/modes.h"
#include "engine/move.h"
#include "core/oracle.h"
#include "core/run.h"
#include "core/stamp.h"
#include "pressure/swap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK 64

struct swapped_priv {
	uint8_t *own;			/* 0 free, 1 taken */
	int touchers_active;
	uint64_t faults, stale_faults, wakes, handler_moves, stamp_bad, mismatches;
};

/* per handler thread: the same slot faulting again and again */
struct stale_track {
	long slot;
	unsigned count;
};

static __thread struct stale_track stale;

static inline uint64_t addr(const struct run *r, unsigned region, size_t s)
{
	return (uint64_t)(uintptr_t)region_addr(&r->reg[region], s);
}

static bool take(struct swapped_priv *sp, size_t s)
{
	uint8_t zero = 0;

	return __atomic_compare_exchange_n(&sp->own[s], &zero, 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static void release(struct swapped_priv *sp, size_t s)
{
	__atomic_store_n(&sp->own[s], 0, __ATOMIC_RELEASE);
}

int swapped_supported(char *why, size_t len)
{
	uint64_t kb;
	char zwhy[200];

	if (swap_active(&kb) || !swap_zram_supported(zwhy, sizeof(zwhy)) || !geteuid())
		return 0;
	snprintf(why, len, "needs swap: none is active and this run cannot add any (%s)", zwhy);
	return -EOPNOTSUPP;
}

unsigned swapped_nextra(const struct opts *o)
{
	return o->movers / 2 ? o->movers / 2 : 1;
}

int swapped_setup(struct run *r, char *why, size_t len)
{
	struct swapped_priv *sp = calloc(1, sizeof(*sp));

	if (sp)
		sp->own = calloc(r->npages, 1);
	if (!sp || !sp->own) {
		free(sp);
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	sp->touchers_active = (int)swapped_nextra(r->o);
	r->mode_priv = sp;
	return 0;
}

void *swapped_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct swapped_priv *sp = r->mode_priv;
	size_t s;
	int err, tries;

	while (!run_stopped(r) && !(w->quota && w->st.ops >= w->quota)) {
		for (s = w->lo; s < w->hi && !run_stopped(r); s++) {
			unsigned from, g;

			run_gate(r);
			if (!((s - w->lo) % CHUNK)) {
				size_t n = w->hi - s < CHUNK ? w->hi - s : CHUNK;

				/* same VMA only: slices of one VMA, and VMAs are whole multiples */
				if (s / r->reg[0].vma_pages == (s + n - 1) / r->reg[0].vma_pages)
					for (g = 0; g < MS_NR_REGIONS; g++)
						madvise(region_addr(&r->reg[g], s), n * MS_PAGE_SIZE, MADV_PAGEOUT);
			}
			if (!take(sp, s))
				continue;	/* a handler is resolving a fault on it */
			from = r->where[s];
			if (from != REGION_NONE) {
				tries = 0;
				do {
					if (run_move(r, &w->st, addr(r, from ^ 1, s), addr(r, from, s), MS_PAGE_SIZE,
						     0, r->mode->allowed_errs, &err) == MS_PAGE_SIZE) {
						__atomic_store_n(&r->where[s], from ^ 1, __ATOMIC_RELEASE);
						break;
					}
				} while ((err == EAGAIN || err == EBUSY) && ++tries < 64 && !run_stopped(r));
			}
			release(sp, s);
		}
	}
	return NULL;
}

void *swapped_toucher(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct swapped_priv *sp = r->mode_priv;
	volatile const struct stamp *h;
	uint64_t t0, x;
	size_t s;
	unsigned g;

	while (!run_stopped(r)) {
		x = rng_next(&w->rng);
		s = x % r->npages;
		if (!(w->st.aux_ops % 16)) {
			size_t c = s - s % CHUNK;
			size_t n = r->npages - c < CHUNK ? r->npages - c : CHUNK;

			if (c / r->reg[0].vma_pages == (c + n - 1) / r->reg[0].vma_pages)
				for (g = 0; g < MS_NR_REGIONS; g++)
					madvise(region_addr(&r->reg[g], c), n * MS_PAGE_SIZE, MADV_WILLNEED);
		}
		g = __atomic_load_n(&r->where[s], __ATOMIC_ACQUIRE);
		if (g == REGION_NONE)
			continue;
		h = (const void *)region_addr(&r->reg[g], s);
		t0 = now_ns();
		/* the read fault: swap-in, or a uffd fault a handler resolves */
		if (h->page != s) {
			struct op_failure *f = &w->st.fail[w->st.nfail < MS_MAX_FAILS ? w->st.nfail++ : MS_MAX_FAILS - 1];

			w->st.failures++;
			__atomic_add_fetch(&sp->stamp_bad, 1, __ATOMIC_RELAXED);
			*f = (struct op_failure){ .op = "swap-in read", .src = (uintptr_t)h, .ret = h->page,
						  .t_ns = now_ns() - r->t0_ns };
		}
		hist_add(&w->st.aux_lat, now_ns() - t0);
		w->st.aux_ops++;
		run_progress(&w->st);
	}
	__atomic_sub_fetch(&sp->touchers_active, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * The ledger says the page is at @a, yet @a keeps faulting: the page is not
 * where the last successful MOVE put it.  Record the failure (with where the
 * page tables have it) and unblock the reader: move the page back from
 * where it really is, or, if it is nowhere, let it see a zero page (the
 * oracle then reports it).
 */
static void mismatch(struct worker *w, size_t s, unsigned g, uint64_t a)
{
	struct run *r = w->run;
	struct swapped_priv *sp = r->mode_priv;
	uint64_t pm[MS_NR_REGIONS] = { 0 }, b = addr(r, g ^ 1, s);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), err = 0;
	struct op_failure *f;
	unsigned k;

	for (k = 0; fd >= 0 && k < MS_NR_REGIONS; k++)
		pagemap_read(fd, region_addr(&r->reg[k], s), 1, &pm[k]);
	if (fd >= 0)
		close(fd);
	w->st.failures++;
	__atomic_add_fetch(&sp->mismatches, 1, __ATOMIC_RELAXED);
	f = &w->st.fail[w->st.nfail < MS_MAX_FAILS ? w->st.nfail++ : MS_MAX_FAILS - 1];
	*f = (struct op_failure){ .op = "ledger/page-table mismatch", .dst = a, .src = b,
				  .len = MS_PAGE_SIZE, .ret = (int64_t)(pm[g ^ 1] >> 62),
				  .err = ENOENT, .t_ns = now_ns() - r->t0_ns };
	if (pm[g ^ 1] & (PM_PRESENT | PM_SWAPPED)) {
		run_move(r, &w->st, a, b, MS_PAGE_SIZE, 0, r->mode->allowed_errs | ERRBIT_EEXIST, &err);
	} else {
		struct uffdio_zeropage z = { .range = { .start = a, .len = MS_PAGE_SIZE } };

		ioctl(r->uffd, UFFDIO_ZEROPAGE, &z);
	}
	stale.count = 0;
}

/* a reader faulted on a page its mover had moved away: move it back under the reader */
static void resolve(struct worker *w, uint64_t a)
{
	struct run *r = w->run;
	struct swapped_priv *sp = r->mode_priv;
	unsigned g, from;
	uint64_t deadline;
	long s = -1;
	int err = 0;

	for (g = 0; g < MS_NR_REGIONS && s < 0; g++)
		s = region_slot(&r->reg[g], (void *)(uintptr_t)a);
	g--;
	if (s < 0) {
		w->st.failures++;
		return;
	}
	__atomic_add_fetch(&sp->faults, 1, __ATOMIC_RELAXED);
	while (!take(sp, (size_t)s))
		sched_yield();
	from = r->where[s];
	if (from != g && from != REGION_NONE) {
		deadline = now_ns() + 10ULL * 1000000000ULL;
		do {
			if (run_move(r, &w->st, addr(r, g, (size_t)s), addr(r, from, (size_t)s), MS_PAGE_SIZE, 0,
				     r->mode->allowed_errs, &err) == MS_PAGE_SIZE) {
				__atomic_store_n(&r->where[s], g, __ATOMIC_RELEASE);
				__atomic_add_fetch(&sp->handler_moves, 1, __ATOMIC_RELAXED);
				break;
			}
		} while ((err == EAGAIN || err == EBUSY) && now_ns() < deadline);
	} else {
		__atomic_add_fetch(&sp->stale_faults, 1, __ATOMIC_RELAXED);
		stale.count = stale.slot == s ? stale.count + 1 : 1;
		stale.slot = s;
		if (stale.count > 1000)
			mismatch(w, (size_t)s, g, a);
	}
	release(sp, (size_t)s);
	/* the MOVE woke the reader; a stale fault (page back already) needs a wake */
	if (from == g || err) {
		uffd_wake(r->uffd, a, MS_PAGE_SIZE);
		__atomic_add_fetch(&sp->wakes, 1, __ATOMIC_RELAXED);
	}
}

void *swapped_handler(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct swapped_priv *sp = r->mode_priv;
	struct pollfd pfd = { .fd = r->uffd, .events = POLLIN };
	struct uffd_msg msg[16];
	ssize_t got;
	int i;

	/* readers may still fault after the movers stop: leave only after them */
	while (!__atomic_load_n(&r->stop_handlers, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&sp->touchers_active, __ATOMIC_ACQUIRE) > 0) {
		run_progress(&w->st);
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		got = read(r->uffd, msg, sizeof(msg));
		for (i = 0; got > 0 && i < (int)(got / sizeof(msg[0])); i++)
			if (msg[i].event == UFFD_EVENT_PAGEFAULT)
				resolve(w, msg[i].arg.pagefault.address & ~(MS_PAGE_SIZE - 1));
	}
	return NULL;
}

void swapped_report(struct run *r, json_t *mode_result, FILE *f)
{
	struct swapped_priv *sp = r->mode_priv;
	uint64_t touches = 0;
	unsigned i;

	if (!sp)
		return;
	for (i = 0; i < r->nworkers; i++)
		if (r->workers[i].fn == swapped_toucher)
			touches += r->workers[i].st.aux_ops;
	json_object_set_new(mode_result, "swapped", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"ledger_page_table_mismatches", (json_int_t)sp->mismatches,
		"reads", (json_int_t)touches, "uffd_faults", (json_int_t)sp->faults,
		"faults_resolved_by_move_back", (json_int_t)sp->handler_moves,
		"stale_faults_woken", (json_int_t)sp->stale_faults, "wakes", (json_int_t)sp->wakes,
		"bad_stamps_read", (json_int_t)sp->stamp_bad));
	if (f)
		fprintf(f, "  swapped: %llu swap-in reads, %llu lost the race to a MOVE (uffd fault; %llu moved back, %llu stale), %llu bad stamps\n",
			(unsigned long long)touches, (unsigned long long)sp->faults,
			(unsigned long long)sp->handler_moves, (unsigned long long)sp->stale_faults,
			(unsigned long long)sp->stamp_bad);
	free(sp->own);
	free(sp);
	r->mode_priv = NULL;
}
