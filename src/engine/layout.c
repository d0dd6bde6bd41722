// SPDX-License-Identifier: GPL-2.0-only
/*
 * The regions and the ledger: map them (2 MiB aligned VMAs with PROT_NONE
 * gaps), stamp every page, record frames for the pfn check, register
 * them with userfaultfd, and give each mover its slots.
 */
#include "config.h"
#include "engine/engine-int.h"
#include "engine/modes.h"
#include "core/oracle.h"
#include "core/stamp.h"
#include "core/uffd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* @advice: MADV_HUGEPAGE, MADV_NOHUGEPAGE or 0 (the system's THP setting decides) */
static int map_region(struct region *rg, size_t vma_pages, unsigned nvmas, int advice)
{
	size_t bytes = vma_pages * MS_PAGE_SIZE, total;
	char *res, *base;
	unsigned v;

	rg->vma_pages = vma_pages;
	rg->nvmas = nvmas;
	rg->vma_stride = ((bytes + MS_PMD_SIZE - 1) & ~(MS_PMD_SIZE - 1)) + MS_PMD_SIZE;
	total = rg->vma_stride * nvmas + MS_PMD_SIZE;
	res = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return -errno;
	base = (char *)(((uintptr_t)res + MS_PMD_SIZE - 1) & ~(MS_PMD_SIZE - 1));
	rg->base = base;
	rg->res = res;
	rg->res_len = total;
	for (v = 0; v < nvmas; v++) {
		char *p = base + v * rg->vma_stride;

		if (mmap(p, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) == MAP_FAILED)
			return -errno;
		if (advice && madvise(p, bytes, advice))
			return -errno;
	}
	return 0;
}

void unmap_region(struct region *rg)
{
	if (rg->res)
		munmap(rg->res, rg->res_len);
	rg->res = NULL;
}

long anon_huge_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

void populate(struct run *r)
{
	uint64_t rng = r->seed ^ 0x5eedULL;
	size_t s;

	for (s = 0; s < r->npages; s++) {
		if (r->mode->sparse && rng_next(&rng) % 100 < r->o->hole_pct) {
			r->where[s] = REGION_NONE;
			continue;
		}
		r->where[s] = REGION_SRC;
		stamp_write(region_addr(&r->reg[REGION_SRC], s), r->seed, REGION_SRC, (uint32_t)s, 0);
	}
}

int record_pfns(struct run *r)
{
	const struct region *rg = &r->reg[REGION_SRC];
	uint64_t *pm;
	unsigned v;
	size_t i;
	int fd, ret = 0;

	r->pfn0 = calloc(r->npages, sizeof(*r->pfn0));
	pm = calloc(rg->vma_pages, sizeof(*pm));
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (!r->pfn0 || !pm || fd < 0) {
		ret = -ENOMEM;
		goto out;
	}
	for (v = 0; v < rg->nvmas && !ret; v++) {
		ret = pagemap_read(fd, region_addr(rg, v * rg->vma_pages), rg->vma_pages, pm);
		for (i = 0; i < rg->vma_pages && !ret; i++) {
			r->pfn0[v * rg->vma_pages + i] = pm[i] & PM_PFN_MASK;
			/* no frame numbers without CAP_SYS_ADMIN */
			if (r->where[v * rg->vma_pages + i] != REGION_NONE && !(pm[i] & PM_PFN_MASK))
				ret = -EPERM;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(pm);
	if (ret) {
		free(r->pfn0);
		r->pfn0 = NULL;
	}
	return ret;
}


int layout(struct run *r, char *why, size_t len)
{
	struct opts *o = r->o;
	size_t total = o->size / MS_PAGE_SIZE, vp, align = r->mode->needs_thp ? MS_PMD_SIZE / MS_PAGE_SIZE : 1;
	unsigned v;
	int ret;

	vp = (total + o->src_vmas - 1) / o->src_vmas;
	vp = (vp + align - 1) / align * align;
	if (vp < o->movers && !r->mode->shared_slots && o->src_vmas == 1) {
		snprintf(why, len, "--size: %zu pages is fewer than --movers %u", vp, o->movers);
		return -EINVAL;
	}
	r->npages = vp * o->src_vmas;
	for (v = 0; v < MS_NR_REGIONS; v++) {
		/*
		 * A sparse mode's holes must stay holes: with THP "always" the
		 * first stamp written into a 2 MiB range would fault in a whole
		 * zero-filled huge page (seen in the VM: thousands of "stray"
		 * zero pages in holes mode).
		 */
		ret = map_region(&r->reg[v], vp, o->src_vmas, r->mode->needs_thp ? MADV_HUGEPAGE :
				 r->mode->sparse ? MADV_NOHUGEPAGE : 0);
		if (ret) {
			snprintf(why, len, "mapping %zu MiB: %s", r->npages * MS_PAGE_SIZE >> 20, strerror(-ret));
			return ret;
		}
	}
	r->where = calloc(r->npages, 1);
	r->gen = calloc(r->npages, sizeof(*r->gen));
	if (!r->where || !r->gen) {
		snprintf(why, len, "out of memory for the ledger");
		return -ENOMEM;
	}
	return 0;
}

int register_all(struct run *r, bool reg, char *why, size_t len)
{
	unsigned i, v;
	int ret;

	for (i = 0; i < MS_NR_REGIONS; i++)
		for (v = 0; v < r->reg[i].nvmas; v++) {
			char *p = region_addr(&r->reg[i], (size_t)v * r->reg[i].vma_pages);
			size_t bytes = r->reg[i].vma_pages * MS_PAGE_SIZE;

			ret = reg ? uffd_register(r->uffd, p, bytes, why, len) : uffd_unregister(r->uffd, p, bytes);
			if (ret)
				return ret;
		}
	return 0;
}

/*
 * Give each worker its slots.  With --src-vmas N the movers are spread
 * over the VMAs (mover i works in VMA i % N), and the movers sharing a
 * VMA split it; so --src-vmas equal to --movers gives each mover a VMA
 * (and an anon_vma) of its own.
 */
void assign_slots(struct run *r)
{
	unsigned n = r->o->movers, nv = r->reg[0].nvmas, i;
	size_t vp = r->reg[0].vma_pages, gran = r->mode->needs_thp ? MS_PMD_SIZE / MS_PAGE_SIZE : 1;

	for (i = 0; i < n; i++) {
		struct worker *w = &r->workers[i];
		unsigned vma = i % nv, sharers = (n - vma + nv - 1) / nv, k = i / nv;
		size_t units = vp / gran;

		if (r->mode->shared_slots || nv > n) {
			/* contended: everyone everywhere; more VMAs than movers: split evenly */
			size_t per = r->npages / gran / n;

			w->lo = r->mode->shared_slots ? 0 : i * per * gran;
			w->hi = r->mode->shared_slots ? r->npages :
				(i + 1 == n ? r->npages : (i + 1) * per * gran);
			continue;
		}
		w->lo = vma * vp + units * k / sharers * gran;
		w->hi = vma * vp + units * (k + 1) / sharers * gran;
	}
	/* slots a side workload owns (cowork dontneed): the tail, never a mover's */
	for (i = 0; i < n && r->side_reserved; i++) {
		struct worker *w = &r->workers[i];

		w->hi = w->hi < r->npages - r->side_reserved ? w->hi : r->npages - r->side_reserved;
		w->lo = w->lo < w->hi ? w->lo : w->hi;
	}
}

