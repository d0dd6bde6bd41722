// SPDX-License-Identifier: GPL-2.0-only
/*
 * The invariants beyond the data, after the final oracle while nothing
 * runs: a page that UFFDIO_MOVE moved must stay as reclaimable,
 * migratable and visible to the rmap walkers as a page never moved.
 * Each is measured on a sample of moved and of never-moved pages (order-0,
 * present, exclusively mapped, unpinned, not zero), and judged by
 * xinv_judge(): a failure needs a difference both large and significant,
 * so it cannot fire by chance.  The after-MOVE check (the source empty,
 * the destination the page) is the verifiers' and the oracle's; its
 * counts are reported beside.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "core/oracle.h"
#include "core/stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

#define PM_EXCLUSIVE	(1ULL << 56)
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_MLOCKED	33
#define INV_SAMPLE	128		/* pages per group */
#define INV_NAMED	8		/* moved pages named when the invariant fails */
#define PAGE_IDLE	"/sys/kernel/mm/page_idle/bitmap"

struct xinv_verdict xinv_judge(uint64_t ok_moved, uint64_t n_moved, uint64_t ok_never, uint64_t n_never)
{
	struct xinv_verdict v = { 0 };
	double pool, se;

	v.p_moved = n_moved ? (double)ok_moved / n_moved : 0;
	v.p_never = n_never ? (double)ok_never / n_never : 0;
	v.diff = v.p_never - v.p_moved;
	if (n_moved < XINV_MIN_N || n_never < XINV_MIN_N) {
		v.p_value = 1;
		return v;
	}
	pool = (double)(ok_moved + ok_never) / (n_moved + n_never);
	se = sqrt(pool * (1 - pool) * (1.0 / n_moved + 1.0 / n_never));
	if (se == 0) {
		/* every page alike in both groups: no difference, or all of one against none of the other */
		v.z = 0;
		v.p_value = 1;
	} else {
		v.z = v.diff / se;
		v.p_value = 0.5 * erfc(v.z / sqrt(2.0));	/* one-sided: moved pages worse */
	}
	v.fails = v.diff >= XINV_MIN_DIFF && v.p_value < XINV_ALPHA;
	return v;
}

/* the groups: candidates of one kind, the first INV_SAMPLE of a seeded walk */
struct group {
	uint32_t slot[INV_SAMPLE];	/* a control page: INV_CONTROL + its index */
	char *addr[INV_SAMPLE];
	unsigned n;
	uint64_t ok;
	uint32_t bad[INV_NAMED];
	unsigned nbad;
};

struct inv {
	struct xp *x;
	struct xthread *t;
	int kpf;
	struct group g[2];	/* 0 moved, 1 never moved */
	int mlock_slot;		/* --inject=mlock: -1 none */
	char *ctl;		/* never-moved pages of our own, when the ledger has too few */
	unsigned nctl;
};

#define INV_CONTROL	0x80000000u

static bool page_quiet(struct inv *v, uint32_t s)
{
	struct xp *x = v->x;
	uint8_t w = x->run.where[s];
	uint64_t pm, f;

	if (w == REGION_NONE || x->zero[s] || x->pinned[s])
		return false;
	for (unsigned i = 0; i < x->nthreads; i++)
		if (__atomic_load_n(&x->thr[i].ts.spliced, __ATOMIC_RELAXED) == s + 1)
			return false;
	if (pagemap_read(v->t->pagemap, xp_addr(x, w, s), 1, &pm) || !(pm & PM_PRESENT) || !(pm & PM_EXCLUSIVE))
		return false;
	if (v->kpf >= 0 && (pread(v->kpf, &f, sizeof(f), (off_t)((pm & PM_PFN_MASK) * sizeof(f))) != sizeof(f) ||
			    (f >> KPF_COMPOUND_HEAD & 1) || (f >> KPF_COMPOUND_TAIL & 1)))
		return false;	/* order-0 pages only: a large folio is reclaimed or migrated whole */
	return true;
}

static void pick(struct inv *v)
{
	struct xp *x = v->x;
	uint64_t rng = x->cfg->seed ^ 0x696e76ULL;
	size_t n = x->run.npages, start = rng_next(&rng) % n, i;

	if (v->mlock_slot >= 0 && x->moved[v->mlock_slot] && page_quiet(v, (uint32_t)v->mlock_slot)) {
		/* the control's page: named first */
		v->g[0].addr[v->g[0].n] = xp_addr(x, x->run.where[v->mlock_slot], v->mlock_slot);
		v->g[0].slot[v->g[0].n++] = (uint32_t)v->mlock_slot;
	}
	for (i = 0; i < n && (v->g[0].n < INV_SAMPLE || v->g[1].n < INV_SAMPLE); i++) {
		uint32_t s = (uint32_t)((start + i * 7919) % n);	/* 7919 prime: a walk over every slot */
		struct group *g = &v->g[x->moved[s] ? 0 : 1];

		if ((int)s == v->mlock_slot || g->n >= INV_SAMPLE || !page_quiet(v, s))
			continue;
		g->addr[g->n] = xp_addr(x, x->run.where[s], s);
		g->slot[g->n++] = s;
	}
	/*
	 * A long run moves every page: the never-moved group is topped up
	 * with pages of our own, written now, base pages, never registered
	 * nor moved (the same process, the same moment).
	 */
	v->nctl = INV_SAMPLE - v->g[1].n;
	if (!v->nctl)
		return;
	v->ctl = mmap(NULL, v->nctl * MS_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ctl == MAP_FAILED) {
		v->ctl = NULL;
		v->nctl = 0;
		return;
	}
	madvise(v->ctl, v->nctl * MS_PAGE_SIZE, MADV_NOHUGEPAGE);
	for (i = 0; i < v->nctl; i++) {
		char *p = v->ctl + i * MS_PAGE_SIZE;

		stamp_write(p, x->cfg->seed, REGION_SRC, (uint32_t)i, 0);
		v->g[1].addr[v->g[1].n] = p;
		v->g[1].slot[v->g[1].n++] = INV_CONTROL | (uint32_t)i;
	}
}

static void result(struct group *g, uint32_t s, bool ok)
{
	if (ok)
		g->ok++;
	else if (g->nbad < INV_NAMED)
		g->bad[g->nbad++] = s;
}

static json_t *judged(struct inv *v, const char *what, const char *rule)
{
	struct xinv_verdict j = xinv_judge(v->g[0].ok, v->g[0].n, v->g[1].ok, v->g[1].n);
	json_t *o, *bad = json_array();
	unsigned i;

	for (i = 0; i < v->g[0].nbad; i++)
		json_array_append_new(bad, json_integer(v->g[0].bad[i]));
	o = json_pack("{s:s, s:{s:I, s:I}, s:{s:I, s:I}, s:f, s:f, s:f, s:s, s:o}", "what", what,
		      "moved", "pages", (json_int_t)v->g[0].n, "ok", (json_int_t)v->g[0].ok,
		      "never_moved", "pages", (json_int_t)v->g[1].n, "ok", (json_int_t)v->g[1].ok,
		      "difference", j.diff, "z", j.z, "p_value", j.p_value,
		      "verdict", j.fails ? "fail" : v->g[0].n < XINV_MIN_N || v->g[1].n < XINV_MIN_N ?
		      "too-few-pages" : "pass", "moved_not_ok", bad);
	json_object_set_new(o, "rule", json_string(rule));
	if (j.fails && !v->x->failed) {
		struct xfailure f = { .page = v->g[0].bad[0] };

		snprintf(f.kind, sizeof(f.kind), "invariant-%s", what);
		snprintf(f.op, sizeof(f.op), "invariants");
		xp_fail(v->x, &f);
	}
	return o;
}

static bool swap_active(void)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[256];
	int n = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

/* each page of both groups through @test (true: it passed), then the verdict */
static json_t *measure(struct inv *v, bool (*test)(struct inv *v, char *p, int fd), int fd,
		       const char *what, const char *rule)
{
	for (int k = 0; k < 2; k++) {
		v->g[k].ok = 0;
		v->g[k].nbad = 0;
		for (unsigned i = 0; i < v->g[k].n; i++)
			result(&v->g[k], v->g[k].slot[i], test(v, v->g[k].addr[i], fd));
	}
	return judged(v, what, rule);
}

/* MADV_PAGEOUT swaps it out (pagemap); read back in: the next invariant wants it present */
static bool pageout_swaps(struct inv *v, char *p, int fd)
{
	uint64_t pm = 0;
	bool ok;

	(void)fd;
	madvise(p, MS_PAGE_SIZE, MADV_PAGEOUT);
	ok = !pagemap_read(v->t->pagemap, p, 1, &pm) && (pm & PM_SWAPPED);
	(void)*(volatile char *)p;
	return ok;
}

/* move_pages(2) to the other node: status is that node */
static bool migrates(struct inv *v, char *p, int fd)
{
	void *a = p;
	int node = -1, to, status = -1;

	(void)v;
	(void)fd;
	if (syscall(SYS_move_pages, 0, 1, &a, NULL, &node, 0) || node < 0)
		return false;
	to = node ? 0 : 1;
	syscall(SYS_move_pages, 0, 1, &a, &to, &status, MPOL_MF_MOVE);
	return status == to;
}

/* page_idle: marked idle (an rmap walk clears the young bits), read, then no longer idle */
static bool idle_seen(struct inv *v, char *p, int fd)
{
	uint64_t pm = 0, word, pfn;
	off_t off;

	if (pagemap_read(v->t->pagemap, p, 1, &pm) || !(pm & PM_PRESENT))
		return false;
	pfn = pm & PM_PFN_MASK;
	off = (off_t)(pfn / 64 * 8);
	word = 1ULL << (pfn % 64);
	if (pwrite(fd, &word, 8, off) != 8)
		return false;
	(void)*(volatile char *)p;
	word = 0;
	return pread(fd, &word, 8, off) == 8 && !(word >> (pfn % 64) & 1);
}

static json_t *reclaimable(struct inv *v)
{
	if (!swap_active())
		return json_pack("{s:s}", "unavailable", "no swap active (/proc/swaps): anonymous pages cannot be reclaimed");
	return measure(v, pageout_swaps, -1, "reclaimable",
		       "MADV_PAGEOUT of a quiet, exclusive, unpinned order-0 page swaps it (pagemap)");
}

static json_t *migratable(struct inv *v)
{
	if (access("/sys/devices/system/node/node1", F_OK))
		return json_pack("{s:s}", "unavailable", "one NUMA node: move_pages needs a second");
	return measure(v, migrates, -1, "migratable", "move_pages(2) of an order-0 page to the other node moves it (status)");
}

static json_t *rmap_visible(struct inv *v)
{
	int fd = open(PAGE_IDLE, O_RDWR | O_CLOEXEC);
	json_t *j;

	if (fd < 0)
		return json_pack("{s:s, s:s}", "unavailable", "no " PAGE_IDLE " (CONFIG_IDLE_PAGE_TRACKING)", "errno",
				 strerror(errno));
	j = measure(v, idle_seen, fd, "rmap_visible",
		    "after page_idle marks a page idle and it is read, page_idle's rmap walk finds it accessed");
	close(fd);
	return j;
}

/*
 * --inject=mlock: the moved pages of the page's chunk mlocked behind the
 * ledger.  The raw syscall: ASan's mlock() interceptor does nothing, and
 * the control must fail the invariant in the sanitizer builds too.
 */
static unsigned mlock_control(struct inv *v)
{
	struct xp *x = v->x;
	size_t c0 = (size_t)v->mlock_slot / XP_CHUNK_PAGES * XP_CHUNK_PAGES, s;
	unsigned n = 0;

	for (s = c0; s < c0 + XP_CHUNK_PAGES; s++)
		if (x->moved[s] && x->run.where[s] != REGION_NONE &&
		    !syscall(SYS_mlock, xp_addr(x, x->run.where[s], s), MS_PAGE_SIZE))
			n++;
	return n;
}

json_t *xp_invariants(struct xp *x, struct xthread *t)
{
	struct inv *v = calloc(1, sizeof(*v));
	json_t *j = json_object();
	unsigned locked = 0;

	if (!v)
		return j;
	v->x = x;
	v->t = t;
	v->kpf = t->kpageflags > 0 ? t->kpageflags : -1;
	v->mlock_slot = x->cfg->inject_kind == XINJ_MLOCK && !x->cfg->replay ? (int)x->cfg->inject_page : -1;
	pick(v);
	if (v->mlock_slot >= 0)
		locked = mlock_control(v);
	json_object_set_new(j, "sample", json_pack("{s:i, s:i, s:i, s:b, s:I, s:f, s:f}", "moved", v->g[0].n,
			    "never_moved", v->g[1].n, "never_moved_fresh", v->nctl, "order0_only", v->kpf >= 0, "min_pages", (json_int_t)XINV_MIN_N,
			    "alpha", XINV_ALPHA, "min_difference", XINV_MIN_DIFF));
	if (v->mlock_slot >= 0)
		json_object_set_new(j, "mlock_control", json_pack("{s:i, s:i}", "page", v->mlock_slot, "mlocked", locked));
	json_object_set_new(j, "reclaimable", reclaimable(v));
	json_object_set_new(j, "migratable", migratable(v));
	json_object_set_new(j, "rmap_visible", rmap_visible(v));
	json_object_set_new(j, "after_move", json_pack("{s:I, s:s}", "pages_verified", (json_int_t)x->verified,
			    "rule", "after every MOVE the source is empty (pagemap, a kernel read EFAULTs) and the destination is the page (stamp): verifiers and oracle"));
	if (v->mlock_slot >= 0)
		munlockall();
	if (v->ctl)
		munmap(v->ctl, v->nctl * MS_PAGE_SIZE);
	free(v);
	return j;
}
