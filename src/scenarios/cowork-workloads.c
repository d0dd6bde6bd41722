// SPDX-License-Identifier: GPL-2.0-only
/*
 * The co-workloads' threads, one section per row of cowork_table[]:
 * dontneed, process_madvise, maps, churn (see cowork.c).
 */
#include "config.h"
#include "scenarios/cowork-int.h"
#include "core/kv.h"
#include "scenarios/maps-check.h"
#include "engine/modes.h"
#include "core/oracle.h"
#include "core/run.h"
#include "engine/move.h"
#include "core/stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>


/* ---- dontneed ---- */

int dontneed_supported(const struct run *r, char *why, size_t len)
{
	const struct opts *o;
	size_t want, vp;

	if (!r)		/* `movestress list`: the rest depends on the run's options */
		return 0;
	o = r->o;
	want = (size_t)o->with_threads * DN_SLICE;
	vp = r->reg[0].vma_pages;

	if (r->mode->shared_slots) {
		snprintf(why, len, "mode %s: every mover works on every slot, none can be given to dontneed",
			 o->mode);
		return -EOPNOTSUPP;
	}
	if (r->mode->needs_thp)
		want = (want + 511) / 512 * 512;
	if (want * 4 * o->movers > vp) {
		snprintf(why, len, "needs %zu slots of its own, at most a quarter of a mover's share "
			 "(%zu pages per VMA, %u movers): raise --size", want, vp, o->movers);
		return -EOPNOTSUPP;
	}
	return 0;
}

static uint64_t slot_addr(const struct run *r, unsigned region, size_t s)
{
	return (uint64_t)(uintptr_t)region_addr(&r->reg[region], s);
}

#define DN_ALLOWED (ERRBIT_EAGAIN | ERRBIT_EBUSY)

/* move src->dst a run of SRC slots */
static void dn_move_out(struct cw_thread *t, size_t s, size_t n)
{
	struct run *r = t->cw->r;
	int64_t moved;
	size_t i, done;
	int err;

	moved = run_move(r, t->mst, slot_addr(r, REGION_DST, s), slot_addr(r, REGION_SRC, s),
			 n * MS_PAGE_SIZE, 0, DN_ALLOWED, &err);
	done = (size_t)moved / MS_PAGE_SIZE;
	for (i = 0; i < done; i++)
		ledger_set(r, s + i, REGION_DST);
	t->moved += done;
}

/* drop a run of DST slots: the pages exist nowhere afterwards */
static void dn_drop(struct cw_thread *t, size_t s, size_t n)
{
	struct run *r = t->cw->r;
	uint64_t t0 = now_ns();
	size_t i;

	if (madvise((void *)(uintptr_t)slot_addr(r, REGION_DST, s), n * MS_PAGE_SIZE, MADV_DONTNEED)) {
		record_fail(t, "MADV_DONTNEED dst slots %zu..%zu: %s", s, s + n - 1, strerror(errno));
		return;
	}
	hist_add(&t->lat, now_ns() - t0);
	t->ops++;
	t->bytes += n * MS_PAGE_SIZE;
	for (i = 0; i < n; i++)
		ledger_set(r, s + i, REGION_NONE);
	t->dropped += n;
}

/* refill a run of empty slots: new generation written in the neighbour VMA, moved in */
static void dn_refill(struct cw_thread *t, size_t s, size_t n, int pmfd)
{
	struct run *r = t->cw->r;
	char *nb = t->own->addr + (s - t->lo) * MS_PAGE_SIZE;
	uint64_t pfn[DN_CHUNK];
	size_t i, done;
	int64_t moved;
	int err;

	for (i = 0; i < n; i++)
		stamp_write(nb + i * MS_PAGE_SIZE, r->seed, REGION_SRC, (uint32_t)(s + i), r->gen[s + i] + 1);
	if (r->pfn0 && (pmfd < 0 || pagemap_read(pmfd, nb, n, pfn)))
		memset(pfn, 0, sizeof(pfn));
	moved = run_move(r, t->mst, slot_addr(r, REGION_SRC, s), (uint64_t)(uintptr_t)nb,
			 n * MS_PAGE_SIZE, 0, DN_ALLOWED, &err);
	done = (size_t)moved / MS_PAGE_SIZE;
	for (i = 0; i < done; i++) {
		r->gen[s + i]++;
		if (r->pfn0)
			r->pfn0[s + i] = pfn[i] & PM_PFN_MASK;
		ledger_set(r, s + i, REGION_SRC);
	}
	t->refilled += done;
}

/* dirty and drop pages of its own VMA: the per-VMA lock path (seed 000) */
static void dn_own(struct cw_thread *t)
{
	size_t n = 1 + rng_next(&t->rng) % DN_CHUNK, off = rng_next(&t->rng) % (DN_OWN - n + 1);
	char *p = t->own->addr + (t->hi - t->lo + off) * MS_PAGE_SIZE;
	uint64_t t0;

	touch_pages(p, n, (uint8_t)t->own_ops);
	t0 = now_ns();
	if (madvise(p, n * MS_PAGE_SIZE, MADV_DONTNEED)) {
		record_fail(t, "MADV_DONTNEED own VMA %p+%zu pages: %s", (void *)p, n, strerror(errno));
		return;
	}
	hist_add(&t->lat2, now_ns() - t0);
	t->own_ops++;
	t->own_bytes += n * MS_PAGE_SIZE;
}

void *dontneed_main(void *arg)
{
	struct cw_thread *t = arg;
	struct run *r = t->cw->r;
	int pmfd = r->pfn0 ? open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC) : -1;
	size_t s, i, j, end;
	unsigned iter = 0;

	if (!wait_go(t))
		goto out;
	while (!cw_stopped(t)) {
		for (s = t->lo; s < t->hi && !cw_stopped(t); s = end) {
			run_gate(r);
			end = s + DN_CHUNK < t->hi ? s + DN_CHUNK : t->hi;
			/* one step for every page: src -> dst -> dropped -> refilled in src */
			for (i = s; i < end; i = j) {
				uint8_t w = r->where[i];

				for (j = i + 1; j < end && r->where[j] == w; j++)
					;
				if (w == REGION_SRC)
					dn_move_out(t, i, j - i);
				else if (w == REGION_DST)
					dn_drop(t, i, j - i);
				else
					dn_refill(t, i, j - i, pmfd);
			}
			dn_own(t);
			if (!(++iter & 63) && movers_gone(t))
				goto out;
		}
	}
out:
	if (pmfd >= 0)
		close(pmfd);
	t->failures += t->mst->failures;
	for (i = 0; i < t->mst->nfail && t->nfail < CW_MAX_FAIL; i++)
		snprintf(t->fail[t->nfail++], sizeof(t->fail[0]), "%s dst=%#" PRIx64 " src=%#" PRIx64
			 " len=%" PRIu64 ": %s", t->mst->fail[i].op, t->mst->fail[i].dst, t->mst->fail[i].src,
			 t->mst->fail[i].len, strerror(t->mst->fail[i].err));
	gated_exit(t);
	return NULL;
}

/* ---- process_madvise ---- */

/* the advice; pm_adv_names[] holds their names (--pmadv-advice) */
const struct pm_adv_desc pm_adv[PM_NR_ADV] = {
	[PM_COLD] = { MADV_COLD, false },
	[PM_PAGEOUT] = { MADV_PAGEOUT, false },
	[PM_DONTNEED] = { MADV_DONTNEED, true },
};

const char *const pm_adv_names[PM_NR_ADV + 1] = {
	[PM_COLD] = "cold", [PM_PAGEOUT] = "pageout", [PM_DONTNEED] = "dontneed", [PM_NR_ADV] = NULL,
};

static long sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static long sys_process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice)
{
#ifdef SYS_process_madvise
	return syscall(SYS_process_madvise, pidfd, iov, n, advice, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int pmadv_supported(const struct run *r, char *why, size_t len)
{
	long fd = sys_pidfd_open(getpid());

	if (fd < 0) {
		snprintf(why, len, "pidfd_open: %s (kernel < 5.3)", strerror(errno));
		return -EOPNOTSUPP;
	}
	if (sys_process_madvise((int)fd, NULL, 0, MADV_COLD) < 0 && errno == ENOSYS) {
		snprintf(why, len, "process_madvise: %s (kernel < 5.10)", strerror(errno));
		close((int)fd);
		return -EOPNOTSUPP;
	}
	close((int)fd);
	return 0;
}

/* @n ranges of one page each starting at a random page of the regions or its own VMA */
static void pm_ranges(struct cw_thread *t, bool own, struct iovec *iov, size_t n)
{
	struct run *r = t->cw->r;
	char *base;
	size_t pages, i, first;

	if (own) {
		base = t->own->addr;
		pages = t->own->pages;
	} else {
		const struct region *rg = &r->reg[rng_next(&t->rng) & 1];

		base = region_addr(rg, (rng_next(&t->rng) % rg->nvmas) * rg->vma_pages);
		pages = rg->vma_pages;
	}
	if (n > pages)
		n = pages;
	first = rng_next(&t->rng) % (pages - n + 1);
	for (i = 0; i < n; i++)
		iov[i] = (struct iovec){ base + (first + i) * MS_PAGE_SIZE, MS_PAGE_SIZE };
	for (; i < PM_RANGES; i++)
		iov[i] = (struct iovec){ NULL, 0 };
}

static void pm_arm_run(struct cw_thread *t, int pidfd, unsigned a, unsigned arm,
		       const struct iovec *iov, size_t n)
{
	struct pm_arm *pa = &t->arms[a][arm];
	size_t i, vlen = arm == PM_ARM_MADVISE || arm == PM_ARM_SINGLE ? 1 : t->cw->batch[arm - PM_ARM_BATCH];
	uint64_t t0, t1, start = now_ns();
	long ret;

	if (pm_adv[a].own)
		touch_pages(t->own->addr, t->own->pages, (uint8_t)t->rounds);
	start = now_ns();
	for (i = 0; i < n; i += vlen) {
		size_t k = n - i < vlen ? n - i : vlen, want = k * MS_PAGE_SIZE;

		t0 = now_ns();
		if (arm == PM_ARM_MADVISE)
			ret = madvise(iov[i].iov_base, iov[i].iov_len, pm_adv[a].advice) ? -1 : (long)want;
		else
			ret = sys_process_madvise(pidfd, iov + i, k, pm_adv[a].advice);
		t1 = now_ns();
		hist_add(&pa->lat, t1 - t0);
		pa->calls++;
		pa->ranges += k;
		if (ret < 0) {
			pa->errors++;
			if (errno != EAGAIN && errno != EINTR)
				record_fail(t, "%s %s of %zu ranges at %p: %s",
					    arm == PM_ARM_MADVISE ? "madvise" : "process_madvise",
					    pm_adv_names[a], k, iov[i].iov_base, strerror(errno));
			continue;
		}
		pa->bytes += (uint64_t)ret;
		t->bytes += (uint64_t)ret;
	}
	pa->ns += now_ns() - start;
	t->ops += pa->calls ? 1 : 0;
}

void *pmadv_main(void *arg)
{
	struct cw_thread *t = arg;
	struct cowork *cw = t->cw;
	struct iovec iov[PM_RANGES];
	unsigned a, k, narms = PM_ARM_BATCH + cw->nbatch;
	long pidfd = sys_pidfd_open(getpid());

	if (pidfd < 0) {
		record_fail(t, "pidfd_open: %s", strerror(errno));
		return NULL;
	}
	/* which advice does this kernel take through process_madvise on this process? */
	for (a = 0; a < PM_NR_ADV; a++) {
		struct iovec one = { t->own->addr, MS_PAGE_SIZE };

		if (!listed(cw->r->o->pmadv_advice, pm_adv_names[a])) {
			snprintf(t->adv_why[a], sizeof(t->adv_why[a]), "not selected (--pmadv-advice=%s)",
				 cw->r->o->pmadv_advice);
			continue;
		}
		touch_pages(t->own->addr, 1, 1);
		t->adv_ok[a] = sys_process_madvise((int)pidfd, &one, 1, pm_adv[a].advice) == MS_PAGE_SIZE;
		if (!t->adv_ok[a])
			snprintf(t->adv_why[a], sizeof(t->adv_why[a]), "process_madvise(%s) on itself: %s",
				 pm_adv_names[a], strerror(errno));
	}
	if (!wait_go(t))
		goto out;
	while (!cw_stopped(t)) {
		for (a = 0; a < PM_NR_ADV && !cw_stopped(t); a++) {
			if (!t->adv_ok[a])
				continue;
			pm_ranges(t, pm_adv[a].own, iov, PM_RANGES);
			/* every arm advises the same ranges; the order rotates by round */
			for (k = 0; k < narms && !cw_stopped(t); k++) {
				unsigned arm = (unsigned)((k + t->rounds) % narms);
				size_t n = pm_adv[a].own ? t->own->pages < PM_RANGES ? t->own->pages : PM_RANGES :
					   PM_RANGES < cw->r->reg[0].vma_pages ? PM_RANGES : cw->r->reg[0].vma_pages;

				pm_arm_run(t, (int)pidfd, a, arm, iov, n);
			}
		}
		t->rounds++;
	}
out:
	close((int)pidfd);
	return NULL;
}

/* ---- maps ---- */

int maps_supported(const struct run *r, char *why, size_t len)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "/proc/self/maps: %s", strerror(errno));
		return -EOPNOTSUPP;
	}
	close(fd);
	return 0;
}

/* the whole of /proc/self/maps, read as a reader would: read() until EOF */
static ssize_t read_maps_text(int fd, char **buf, size_t *cap)
{
	size_t len = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		if (*cap - len < 8192) {
			char *nb = realloc(*buf, *cap * 2);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap *= 2;
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* the same through PROCMAP_QUERY: one ioctl per VMA, as lines "start-end perms" */
static ssize_t read_maps_query(int fd, char **buf, size_t *cap)
{
	struct cw_procmap_query q;
	uint64_t addr = 0;
	size_t len = 0;

	for (;;) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = CW_PMQ_COVERING_OR_NEXT;
		q.query_addr = addr;
		if (ioctl(fd, CW_PROCMAP_QUERY, &q)) {
			if (errno == ENOENT)
				break;
			return -errno;
		}
		if (*cap - len < 128) {
			char *nb = realloc(*buf, *cap * 2);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap *= 2;
		}
		len += (size_t)snprintf(*buf + len, *cap - len, "%" PRIx64 "-%" PRIx64 " %c%c%c%c %08" PRIx64 " (PROCMAP_QUERY)\n",
					q.vma_start, q.vma_end, q.vma_flags & CW_PMQ_READABLE ? 'r' : '-',
					q.vma_flags & CW_PMQ_WRITABLE ? 'w' : '-',
					q.vma_flags & CW_PMQ_EXECUTABLE ? 'x' : '-',
					q.vma_flags & CW_PMQ_SHARED ? 's' : 'p', q.vma_offset);
		if (q.vma_end <= addr)
			return -EPROTO;	/* no progress: would loop forever */
		addr = q.vma_end;
	}
	return (ssize_t)len;
}

void *maps_main(void *arg)
{
	struct cw_thread *t = arg;
	struct cowork *cw = t->cw;
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	unsigned *seen = calloc(cw->nstable, sizeof(*seen));
	uint64_t *cover = calloc(cw->ncovered + 1, sizeof(*cover));
	struct maps_result *res = calloc(1, sizeof(*res));
	struct maps_expect e = { cw->stable, cw->nstable, cw->covered, cw->ncovered, seen, cover };
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	unsigned src = t->idx & 1, i;
	uint64_t t0, t1;
	ssize_t len;

	if (!buf || !seen || !cover || !res || fd < 0) {
		record_fail(t, "maps reader setup: %s", fd < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	if (!wait_go(t))
		goto out;
	while (!cw_stopped(t)) {
		src = cw->query_ok ? src ^ 1 : 0;
		t0 = now_ns();
		len = src ? read_maps_query(fd, &buf, &cap) : read_maps_text(fd, &buf, &cap);
		t1 = now_ns();
		if (len < 0) {
			record_fail(t, "reading /proc/self/maps (%s): %s", src ? "PROCMAP_QUERY" : "read",
				    strerror((int)-len));
			break;
		}
		hist_add(src ? &t->lat2 : &t->lat, t1 - t0);
		t->ops++;
		t->snaps[src]++;
		t->bytes += (uint64_t)len;
		maps_check(buf, (size_t)len, &e, res);
		t->lines += res->lines;
		if (res->torn && !t->torn[0] && !t->torn[1])
			memcpy(t->torn_example, res->torn_example, sizeof(t->torn_example));
		t->torn[src] += res->torn;
		if (!res->violations)
			continue;
		t->violations += res->violations;
		t->failures += res->violations;
		for (i = 0; i < MV_NR_KINDS; i++)
			t->vcount[i] += res->count[i];
		for (i = 0; i < res->ndetail && t->nviol < 4; i++) {
			t->viol_src[t->nviol] = src;
			t->viol[t->nviol++] = res->detail[i];
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(seen);
	free(cover);
	free(res);
	return NULL;
}

/* ---- churn ---- */

const char *const ch_op_names[CH_NR_OPS] = {
	"mprotect-split-merge", "mremap-move", "mmap-replace", "munmap-remap", "mremap-shrink-grow",
};

/* a cell's op: 0, or -errno; the cell may become DEAD when its space was lost */
static int ch_split(struct cw_thread *t, struct cell *c)
{
	size_t a = rng_next(&t->rng) % c->pages, n = 1 + rng_next(&t->rng) % (c->pages - a);
	char *p = c->addr + a * MS_PAGE_SIZE;

	/* a == 0 is seed 004's case: the VMA's start moves up, a new VMA appears below it */
	if (mprotect(p, n * MS_PAGE_SIZE, PROT_READ))
		return -errno;
	if (mprotect(p, n * MS_PAGE_SIZE, PROT_READ | PROT_WRITE))
		return -errno;
	return 0;
}

static int ch_move(struct cw_thread *t, struct cell *c)
{
	struct cell *spare = NULL;
	size_t len = c->pages * MS_PAGE_SIZE;
	unsigned i, k = (unsigned)(rng_next(&t->rng) % t->ncells);
	void *p;

	for (i = 0; i < t->ncells && !spare; i++)
		if (t->cells[(k + i) % t->ncells].state == CELL_SPARE &&
		    t->cells[(k + i) % t->ncells].pages == c->pages)
			spare = &t->cells[(k + i) % t->ncells];
	if (!spare)
		return -ENOSPC;
	p = mremap(c->addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, spare->addr);
	if (p == MAP_FAILED)
		return -errno;
	if (p != spare->addr) {
		record_fail(t, "mremap(%p, FIXED %p) returned %p", (void *)c->addr, (void *)spare->addr, p);
		return -EPROTO;
	}
	spare->state = CELL_ACTIVE;
	/* the old place is a hole now: take it back before anyone else does */
	p = map_anon(c->addr, len, PROT_NONE, MAP_FIXED_NOREPLACE);
	if (p != c->addr) {
		if (p != MAP_FAILED)
			munmap(p, len);
		c->state = CELL_DEAD;
		t->lost_cells++;
		return 0;
	}
	c->state = CELL_SPARE;
	return 0;
}

static int ch_replace(struct cw_thread *t, struct cell *c)
{
	size_t len = c->pages * MS_PAGE_SIZE;

	if (map_anon(c->addr, len, PROT_READ | PROT_WRITE, MAP_FIXED) != c->addr)
		return -errno;
	touch_pages(c->addr, c->pages, 1);
	return 0;
}

/* put back [p, p+len) after a hole; the cell is lost if someone else took it */
static int ch_refill(struct cw_thread *t, struct cell *c, char *p, size_t len)
{
	void *q = map_anon(p, len, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);

	if (q != p) {
		if (q != MAP_FAILED)
			munmap(q, len);
		munmap(c->addr, (size_t)(p - c->addr));
		c->state = CELL_DEAD;
		t->lost_cells++;
		return 0;
	}
	touch_pages(p, len / MS_PAGE_SIZE, 2);
	return 0;
}

static int ch_hole(struct cw_thread *t, struct cell *c)
{
	size_t half = c->pages / 2 * MS_PAGE_SIZE, len = c->pages * MS_PAGE_SIZE;

	if (munmap(c->addr + half, len - half))
		return -errno;
	return ch_refill(t, c, c->addr + half, len - half);
}

static int ch_resize(struct cw_thread *t, struct cell *c)
{
	size_t half = c->pages / 2 * MS_PAGE_SIZE, len = c->pages * MS_PAGE_SIZE;
	void *p;

	p = mremap(c->addr, len, half, 0);
	if (p == MAP_FAILED)
		return -errno;
	p = mremap(c->addr, half, len, 0);
	if (p == MAP_FAILED)	/* the hole was taken: the cell is half now */
		return ch_refill(t, c, c->addr + half, len - half);
	touch_pages(c->addr + half, (len - half) / MS_PAGE_SIZE, 3);
	return 0;
}

static int (*const ch_ops[CH_NR_OPS])(struct cw_thread *, struct cell *) = {
	[CH_SPLIT] = ch_split,
	[CH_MOVE] = ch_move,
	[CH_REPLACE] = ch_replace,
	[CH_HOLE] = ch_hole,
	[CH_RESIZE] = ch_resize,
};

int churn_supported(const struct run *r, char *why, size_t len)
{
	return 0;
}

void *churn_main(void *arg)
{
	struct cw_thread *t = arg;
	unsigned op, i, k;
	uint64_t t0;
	int ret;

	if (!wait_go(t))
		return NULL;
	while (!cw_stopped(t)) {
		struct cell *c = NULL;

		k = (unsigned)(rng_next(&t->rng) % t->ncells);
		for (i = 0; i < t->ncells && !c; i++)
			if (t->cells[(k + i) % t->ncells].state == CELL_ACTIVE)
				c = &t->cells[(k + i) % t->ncells];
		if (!c) {
			record_fail(t, "churn: every cell lost to other mappings (%" PRIu64 ")", t->lost_cells);
			break;
		}
		op = (unsigned)(rng_next(&t->rng) % CH_NR_OPS);
		if (c->nohole)		/* never a hole: split/merge or an atomic MAP_FIXED replacement */
			op = op & 1 ? CH_REPLACE : CH_SPLIT;
		t0 = now_ns();
		ret = ch_ops[op](t, c);
		if (ret == -ENOSPC)
			continue;
		hist_add(&t->ch_lat[op], now_ns() - t0);
		t->ch_ops[op]++;
		t->ops++;
		if (ret) {
			t->ch_err[op]++;
			if (ret != -EPROTO)
				record_fail(t, "churn %s on cell %p: %s", ch_op_names[op], (void *)c->addr,
					    strerror(-ret));
		}
	}
	return NULL;
}

