// SPDX-License-Identifier: GPL-2.0-only
/*
 * Co-workloads (--with): what runs on the same mm beside MOVE.
 *
 *  dontneed         MADV_DONTNEED of already-moved destination pages (a
 *                   uffd-armed VMA: mmap_lock, seed 000) and of its own
 *                   neighbour VMA (per-VMA lock).  It owns a slice of slots
 *                   the movers never see (run->side_reserved) and cycles
 *                   each page: move src->dst, drop it (ledger: REGION_NONE),
 *                   refill the source slot by MOVE from its neighbour VMA
 *                   with a new generation.  The oracle stays exact.
 *  process_madvise  batched advice through a pidfd (seed 003): the same
 *                   4 KiB ranges advised by madvise(), by vlen=1 calls and
 *                   by --batch sized vectors, in the same rounds.
 *  maps             /proc/self/maps and PROCMAP_QUERY walks checked by
 *                   maps-check.c against the VMAs that never change.
 *  churn            mprotect/mremap/munmap/mmap of its own cells next to
 *                   the source region: splits and merges, never the
 *                   regions themselves.
 *
 * All of them work in "the neighbourhood": one area mapped right below
 * the source region, cells separated by one-page guard VMAs (memfd pages,
 * which never merge with anything), which are what the maps readers know
 * must be there.  Stats are per thread and merged after the join.
 */
#include "config.h"
#include "scenarios/cowork.h"
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


/* ---- the table ---- */


static const struct cowork_desc cowork_table[] = {
	[CW_DONTNEED] = { "dontneed", "dontneed",
	  "MADV_DONTNEED of already-moved destination pages (ledger: dropped) and of its own VMA",
	  dontneed_supported, dontneed_main, dontneed_report, true },
	[CW_PMADV] = { "process_madvise", "pmadv",
	  "batched MADV_COLD/PAGEOUT/DONTNEED through a pidfd (--batch); speed-up against single calls",
	  pmadv_supported, pmadv_main, pmadv_report, false },
	[CW_MAPS] = { "maps", "maps",
	  "read /proc/self/maps and PROCMAP_QUERY; every stable VMA exactly once, no phantom gap",
	  maps_supported, maps_main, maps_report, false },
	[CW_CHURN] = { "churn", "churn",
	  "mprotect/mremap/munmap+mmap of neighbour VMAs next to the source region: splits and merges",
	  churn_supported, churn_main, churn_report, false },
	[CW_NR] = { NULL },
};
static const char *cowork_name_list[NDESC + 1];

static void fill_names(void)
{
	size_t i;

	for (i = 0; i < NDESC; i++)
		cowork_name_list[i] = cowork_table[i].name;
}

const char *const *cowork_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fill_names);
	return cowork_name_list;
}

const char *const *cowork_pmadv_advice_names(void)
{
	return pm_adv_names;
}

/* ---- side hooks ---- */

static int parse_batch(const char *s, unsigned *out, unsigned *n)
{
	char *end;
	unsigned long v;

	*n = 0;
	while (*s) {
		if (*n >= CW_MAX_BATCH)
			return -E2BIG;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || end == s || v < 2 || v > 1024 || (*end && *end != ','))
			return -EINVAL;
		out[(*n)++] = (unsigned)v;
		s = *end ? end + 1 : end;
	}
	return *n ? 0 : -EINVAL;
}

static int cowork_validate(const struct opts *o)
{
	unsigned b[CW_MAX_BATCH], n;

	if (parse_batch(o->batch, b, &n)) {
		fprintf(stderr, "movestress: --batch: invalid value '%s': expected up to %d iovec counts "
			"in 2..1024, comma-separated\n", o->batch, CW_MAX_BATCH);
		return -EINVAL;
	}
	return 0;
}

static int map_guard(struct cowork *cw, char *at, unsigned g)
{
	void *p = mmap(at, MS_PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, cw->memfd,
		       (off_t)g * MS_PAGE_SIZE);

	return p == at ? 0 : -errno;
}

static int cmp_range(const void *a, const void *b)
{
	const struct maps_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The neighbourhood: guard | cell | guard | cell | ... | guard, right below
 * the source region's reservation when that space is free.
 */
static int build_area(struct cowork *cw, char *why, size_t len)
{
	struct run *r = cw->r;
	size_t total = MS_PAGE_SIZE, i;
	char *p, *hint;
	unsigned c, g = 0;
	int ret;

	for (c = 0; c < cw->ncells; c++)
		total += (cw->cells[c].pages + 1) * MS_PAGE_SIZE;
	cw->memfd = memfd_create("movestress-guard", MFD_CLOEXEC);
	if (cw->memfd < 0 || ftruncate(cw->memfd, (off_t)(cw->ncells + 1) * MS_PAGE_SIZE)) {
		snprintf(why, len, "memfd for the guard VMAs: %s", strerror(errno));
		return -errno;
	}
	/* as close to the regions as the address space allows */
	{
		const struct region *s = &r->reg[REGION_SRC], *d = &r->reg[REGION_DST];
		const struct { char *at; const char *what; } near[] = {
			{ s->res - total, "right below the source region" },
			{ s->res + s->res_len, "right above the source region" },
			{ d->res - total, "right below the destination region" },
			{ d->res + d->res_len, "right above the destination region" },
		};

		p = MAP_FAILED;
		for (i = 0; i < sizeof(near) / sizeof(near[0]) && p == MAP_FAILED; i++) {
			hint = near[i].at;
			p = map_anon(hint, total, PROT_NONE, MAP_NORESERVE | MAP_FIXED_NOREPLACE);
			if (p != MAP_FAILED && p != hint) {	/* an old kernel took it as a hint */
				munmap(p, total);
				p = MAP_FAILED;
			}
			cw->placed = near[i].what;
		}
	}
	if (p == MAP_FAILED) {
		p = map_anon(NULL, total, PROT_NONE, MAP_NORESERVE);
		cw->placed = "elsewhere (the space around both regions was taken)";
		if (p == MAP_FAILED) {
			snprintf(why, len, "mapping the co-workload area: %s", strerror(errno));
			return -errno;
		}
	}
	cw->area = p;
	cw->area_len = total;
	cw->nstable = 2 * cw->ncells + 1 + (size_t)r->reg[REGION_SRC].nvmas + r->reg[REGION_DST].nvmas;
	cw->stable = calloc(cw->nstable, sizeof(*cw->stable));
	cw->stable_what = calloc(cw->nstable, sizeof(*cw->stable_what));
	cw->covered = calloc(cw->ncells, sizeof(*cw->covered));
	cw->covered_what = calloc(cw->ncells, sizeof(*cw->covered_what));
	cw->guards = calloc(cw->ncells + 1, sizeof(*cw->guards));
	if (!cw->stable || !cw->stable_what || !cw->guards || !cw->covered || !cw->covered_what) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (c = 0; c <= cw->ncells; c++) {
		cw->guards[c] = p;
		ret = map_guard(cw, p, c);
		if (ret) {
			snprintf(why, len, "guard VMA at %p: %s", (void *)p, strerror(-ret));
			return ret;
		}
		snprintf(cw->stable_what[g], sizeof(cw->stable_what[0]), "guard %u", c);
		cw->stable[g] = (struct maps_range){ (uintptr_t)p, (uintptr_t)p + MS_PAGE_SIZE, cw->stable_what[g] };
		g++;
		p += MS_PAGE_SIZE;
		if (c == cw->ncells)
			break;
		cw->cells[c].addr = p;
		if (map_anon(p, cw->cells[c].pages * MS_PAGE_SIZE,
			     cw->cells[c].state == CELL_SPARE ? PROT_NONE : PROT_READ | PROT_WRITE,
			     MAP_FIXED) != p) {
			snprintf(why, len, "cell at %p: %s", (void *)p, strerror(errno));
			return -errno;
		}
		if (cw->cells[c].state != CELL_SPARE) {
			madvise(p, cw->cells[c].pages * MS_PAGE_SIZE, MADV_NOHUGEPAGE);
			touch_pages(p, cw->cells[c].pages, 0);
		}
		if (cw->cells[c].stable) {
			snprintf(cw->stable_what[g], sizeof(cw->stable_what[0]), "cell %u", c);
			cw->stable[g] = (struct maps_range){ (uintptr_t)p,
				(uintptr_t)p + cw->cells[c].pages * MS_PAGE_SIZE, cw->stable_what[g] };
			g++;
		}
		if (cw->cells[c].nohole) {
			snprintf(cw->covered_what[cw->ncovered], sizeof(cw->covered_what[0]), "churned cell %u", c);
			cw->covered[cw->ncovered] = (struct maps_range){ (uintptr_t)p,
				(uintptr_t)p + cw->cells[c].pages * MS_PAGE_SIZE, cw->covered_what[cw->ncovered] };
			cw->ncovered++;
		}
		p += cw->cells[c].pages * MS_PAGE_SIZE;
	}
	/* the regions' VMAs never change during the run either */
	for (i = 0; i < MS_NR_REGIONS; i++)
		for (c = 0; c < r->reg[i].nvmas; c++, g++) {
			char *v = region_addr(&r->reg[i], (size_t)c * r->reg[i].vma_pages);

			snprintf(cw->stable_what[g], sizeof(cw->stable_what[0]), "%s vma %u",
				 i == REGION_SRC ? "src" : "dst", c);
			cw->stable[g] = (struct maps_range){ (uintptr_t)v,
				(uintptr_t)v + r->reg[i].vma_pages * MS_PAGE_SIZE, cw->stable_what[g] };
		}
	cw->nstable = g;
	qsort(cw->stable, cw->nstable, sizeof(*cw->stable), cmp_range);
	qsort(cw->covered, cw->ncovered, sizeof(*cw->covered), cmp_range);
	cw->area_built = true;
	return 0;
}

/* PROCMAP_QUERY on the first guard: does this kernel have it? */
static void probe_query(struct cowork *cw)
{
	struct cw_procmap_query q = { .size = sizeof(q), .query_addr = (uintptr_t)cw->area };
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	cw->query_ok = fd >= 0 && !ioctl(fd, CW_PROCMAP_QUERY, &q) &&
		       q.vma_start == (uintptr_t)cw->area && q.vma_end == (uintptr_t)cw->area + MS_PAGE_SIZE;
	if (!cw->query_ok)
		snprintf(cw->query_why, sizeof(cw->query_why), "PROCMAP_QUERY: %s (kernel < 6.11)",
			 fd < 0 || errno ? strerror(errno) : "wrong VMA returned");
	if (fd >= 0)
		close(fd);
}

static int cowork_setup(struct run *r, char *why, size_t len)
{
	const struct opts *o = r->o;
	struct cowork *cw;
	unsigned d, i, k, c, ncells = QUIET_CELLS;
	size_t reserve = 0, slots;

	if (!o->with[0])
		return 0;
	cw = calloc(1, sizeof(*cw));
	if (!cw) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	r->cowork = cw;
	cw->r = r;
	cw->memfd = -1;
	pthread_mutex_init(&cw->lock, NULL);
	pthread_cond_init(&cw->cond, NULL);
	parse_batch(o->batch, cw->batch, &cw->nbatch);
	cw->warmup_ns = o->with_warmup_ns;
	if (o->runtime_ns && cw->warmup_ns > o->runtime_ns / 3)
		cw->warmup_ns = o->runtime_ns / 3;
	for (d = 0; d < NDESC; d++) {
		if (!listed(o->with, cowork_table[d].name))
			continue;
		if (cowork_table[d].supported(r, cw->skipped[d], sizeof(cw->skipped[d]))) {
			if (!o->quiet)
				printf("  cowork %s: skipped: %s\n", cowork_table[d].name, cw->skipped[d]);
			continue;
		}
		cw->on[d] = true;
		cw->nthreads += o->with_threads;
	}
	if (!cw->nthreads)
		return 0;
	cw->t = calloc(cw->nthreads, sizeof(*cw->t));
	cw->cells = calloc((size_t)cw->nthreads * CH_CELLS + QUIET_CELLS, sizeof(*cw->cells));
	cw->base_lat = calloc(1, sizeof(*cw->base_lat));
	if (!cw->t || !cw->cells || !cw->base_lat) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < QUIET_CELLS; i++)
		cw->cells[i] = (struct cell){ .pages = QUIET_PAGES, .state = CELL_ACTIVE, .stable = true };
	/* threads, the slots they own and the cells they need */
	slots = 0;
	for (d = 0, i = 0; d < NDESC; d++) {
		if (!cw->on[d])
			continue;
		for (k = 0; k < o->with_threads; k++, i++) {
			struct cw_thread *t = &cw->t[i];

			t->cw = cw;
			t->d = &cowork_table[d];
			t->idx = k;
			t->rng = r->seed ^ ((uint64_t)(i + 101) * 0x9e3779b97f4a7c15ULL);
			t->cells = &cw->cells[ncells];
			if (d == CW_DONTNEED) {
				t->lo = slots;	/* relative to the reserved tail; fixed below */
				t->hi = slots + DN_SLICE;
				slots += DN_SLICE;
				cw->cells[ncells] = (struct cell){ .pages = DN_SLICE + DN_OWN, .state = CELL_ACTIVE,
								  .stable = true };
				t->own = &cw->cells[ncells++];
				t->mst = calloc(1, sizeof(*t->mst));
				if (!t->mst)
					return -ENOMEM;
				cw->ngated++;
			} else if (d == CW_PMADV) {
				cw->cells[ncells] = (struct cell){ .pages = PM_CELL, .state = CELL_ACTIVE, .stable = true };
				t->own = &cw->cells[ncells++];
				t->arms = calloc(PM_NR_ADV, sizeof(*t->arms));
				if (!t->arms)
					return -ENOMEM;
			} else if (d == CW_CHURN) {
				for (c = 0; c < CH_CELLS; c++)
					cw->cells[ncells++] = (struct cell){ .pages = CH_PAGES,
						.state = c < CH_CELLS - CH_SPARE ? CELL_ACTIVE : CELL_SPARE,
						.nohole = c < CH_NOHOLE };
				t->ncells = CH_CELLS;
				t->ch_lat = calloc(CH_NR_OPS, sizeof(*t->ch_lat));
				if (!t->ch_lat)
					return -ENOMEM;
			}
		}
	}
	cw->ncells = ncells;
	/* dontneed's slots: the tail of the last VMA, kept out of the movers' slices */
	if (slots) {
		reserve = r->mode->needs_thp ? (slots + 511) / 512 * 512 : slots;
		r->side_reserved = reserve;
		for (i = 0; i < cw->nthreads; i++)
			if (cw->t[i].mst) {
				cw->t[i].lo += r->npages - reserve;
				cw->t[i].hi += r->npages - reserve;
			}
	}
	return build_area(cw, why, len);
}

static int cowork_start(struct run *r)
{
	struct cowork *cw = r->cowork;
	FILE *f;
	char line[256];
	unsigned i, n = 0;
	int ret;

	if (!cw || !cw->nthreads)
		return 0;
	if (cw->on[CW_MAPS])
		probe_query(cw);
	/*
	 * process_madvise MADV_PAGEOUT of region pages: with no swap it walks
	 * their rmap and puts them back, but if swap is (or becomes) active it
	 * swaps them out and in, and a frame then changes legitimately.
	 */
	if (cw->on[CW_PMADV] && r->pfn_checkable && listed(r->o->pmadv_advice, "pageout")) {
		r->pfn_checkable = false;
		if ((f = fopen("/proc/swaps", "re"))) {
			for (; fgets(line, sizeof(line), f); n++)
				;
			fclose(f);
		}
		snprintf(cw->pfn_note, sizeof(cw->pfn_note), "off: process_madvise MADV_PAGEOUT of region pages "
			 "may swap them out and in (swap %s at start)", n > 1 ? "active" : "not active");
	}
	pthread_mutex_lock(&r->gate_lock);
	r->running += cw->ngated;
	pthread_mutex_unlock(&r->gate_lock);
	for (i = 0; i < cw->nthreads; i++) {
		struct cw_thread *t = &cw->t[i];

		snprintf(t->name, sizeof(t->name), "%s/%u", t->d->kind, t->idx);
		ret = pthread_create(&t->th, NULL, t->d->fn, t);
		if (ret) {
			fprintf(stderr, "movestress: cowork %s/%u: pthread_create: %s\n", t->d->kind, t->idx,
				strerror(ret));
			if (t->d->gated) {
				pthread_mutex_lock(&r->gate_lock);
				r->running--;
				cw->ngated--;
				pthread_mutex_unlock(&r->gate_lock);
			}
			cw->failures++;
			continue;
		}
		t->started = true;
		pthread_setname_np(t->th, t->name);
	}
	return 0;
}

static void cowork_stop(struct run *r)
{
	struct cowork *cw = r->cowork;
	unsigned i;

	if (!cw || !cw->nthreads)
		return;
	for (i = 0; i < cw->nthreads; i++)
		if (cw->t[i].started)
			pthread_join(cw->t[i].th, NULL);
	cw->t_stop = now_ns();
	if (cw->go)
		cw->vm1 = kv_read("/proc/vmstat");
	for (i = 0; i < cw->nthreads; i++) {
		cw->failures += cw->t[i].failures;
		if (cw->t[i].mst) {
			r->side_moved_pages += cw->t[i].mst->pages;
			/* the known kernel bug: named in the verdict, not a co-workload failure */
			r->side_moved_but_failed += cw->t[i].mst->moved_but_failed;
		}
	}
	r->side_failures += cw->failures;
}

static void cowork_report(struct run *r, json_t *mode_result, FILE *f)
{
	struct cowork *cw = r->cowork;
	json_t *blk, *wl, *vl;
	struct hist *with;
	uint64_t ops = 0, pages = 0, win;
	unsigned d, i, b;

	if (!cw)
		return;
	blk = json_object();
	wl = json_object();
	json_object_set_new(blk, "with", json_string(r->o->with));
	for (d = 0; d < NDESC; d++)
		if (cw->skipped[d][0])
			json_object_set_new(wl, cowork_table[d].name, json_pack("{s:s}", "skipped", cw->skipped[d]));
	if (!cw->nthreads) {
		json_object_set_new(blk, "workloads", wl);
		json_object_set_new(mode_result, "cowork", blk);
		return;
	}
	win = window(cw);
	if (!cw->go)
		json_object_set_new(blk, "not_started", json_sprintf("the movers stopped within the warm-up (%.3fs)",
								      cw->warmup_ns / 1e9));
	if (f && cw->go)
		fprintf(f, "  cowork: %s; %u threads, area %s; movers alone for %.2fs, then %.2fs with the co-workloads\n",
			r->o->with, cw->nthreads, cw->placed, (cw->t_go - r->t0_ns) / 1e9, win / 1e9);
	else if (f)
		fprintf(f, "  cowork: %s: not started: the movers stopped within the warm-up (%.3fs, --with-warmup)\n",
			r->o->with, cw->warmup_ns / 1e9);
	for (d = 0; d < NDESC; d++) {
		json_t *o;

		if (!cw->on[d])
			continue;
		o = json_pack("{s:o}", "threads", threads_json(cw, &cowork_table[d], win));
		cowork_table[d].report(cw, &cowork_table[d], o, f);
		print_fails(cw, &cowork_table[d], f);
		json_object_set_new(wl, cowork_table[d].name, o);
	}
	json_object_set_new(blk, "workloads", wl);
	json_object_set_new(blk, "placement", json_string(cw->placed));
	json_object_set_new(blk, "warmup_ns", json_integer((json_int_t)(cw->go ? cw->t_go - r->t0_ns : 0)));
	json_object_set_new(blk, "window_ns", json_integer((json_int_t)win));
	json_object_set_new(blk, "failures", json_integer((json_int_t)cw->failures));
	if (cw->pfn_note[0])
		json_object_set_new(blk, "pfn_check", json_string(cw->pfn_note));

	/* per-VMA lock counters over the co-workload window */
	vl = cw->vm0 && cw->vm1 ? kv_delta(cw->vm0, cw->vm1, (const char *const[]){ "vma_lock_", NULL }, 1) : NULL;
	if (vl && json_object_size(vl)) {
		json_object_set_new(blk, "vma_lock", vl);
	} else {
		json_decref(vl);
		vl = json_string(cw->vm0 ? "unavailable: no vma_lock_* counters in /proc/vmstat "
			"(kernel built without CONFIG_PER_VMA_LOCK_STATS)" : "unavailable: the co-workloads never started");
		json_object_set_new(blk, "vma_lock", vl);
	}
	if (f) {
		const char *k;
		json_t *v;

		if (json_is_string(vl)) {
			fprintf(f, "    vma_lock: %s\n", json_string_value(vl));
		} else {
			fprintf(f, "    vma_lock:");
			json_object_foreach(vl, k, v)
				fprintf(f, " %s=%" JSON_INTEGER_FORMAT, k, json_integer_value(v));
			fputc('\n', f);
		}
	}

	/* MOVE latency without (warm-up) and with the co-workloads, from the movers' own histograms */
	with = calloc(1, sizeof(*with));
	if (with && cw->go) {
		for (i = 0; i < r->nmovers; i++) {
			for (b = 0; b < HIST_NR_BUCKETS; b++)
				with->buckets[b] += r->workers[i].st.move_lat.buckets[b];
			ops += r->workers[i].st.ops;
			pages += r->workers[i].st.pages;
		}
		for (b = 0; b < HIST_NR_BUCKETS; b++)
			with->buckets[b] -= with->buckets[b] >= cw->base_lat->buckets[b] ? cw->base_lat->buckets[b] :
					    with->buckets[b];
		hist_from_buckets(with);
		json_object_set_new(blk, "move", json_pack("{s:s, s:o, s:o}",
			"method", "one run: the movers' own histograms snapshotted when the co-workloads started "
				  "(after the warm-up, --with-warmup); 'without' is the warm-up, 'with' the rest; "
				  "summary values recomputed from the buckets (within 1%)",
			"without", move_window(cw, cw->base_lat, cw->base_ops, cw->base_pages, cw->t_go - r->t0_ns),
			"with", move_window(cw, with, ops - cw->base_ops, pages - cw->base_pages,
					    r->elapsed_ns - (cw->t_go - r->t0_ns))));
		if (f) {
			uint64_t ns0 = cw->t_go - r->t0_ns, ns1 = r->elapsed_ns - ns0;

			fprintf(f, "    MOVE without co-workloads: %.1f ops/s p50=%.1fus p99=%.1fus; with: %.1f ops/s "
				"p50=%.1fus p99=%.1fus\n", per_s(cw->base_ops, ns0),
				hist_percentile(cw->base_lat, 50) / 1e3, hist_percentile(cw->base_lat, 99) / 1e3,
				per_s(ops - cw->base_ops, ns1), hist_percentile(with, 50) / 1e3,
				hist_percentile(with, 99) / 1e3);
		}
	}
	free(with);
	json_object_set_new(mode_result, "cowork", blk);
}

static void cowork_teardown(struct run *r)
{
	struct cowork *cw = r->cowork;
	unsigned i;

	if (!cw)
		return;
	if (cw->area && cw->area_built) {
		/* only what is ours: a hole churn lost may hold someone else's mapping now */
		for (i = 0; i <= cw->ncells; i++)
			munmap(cw->guards[i], MS_PAGE_SIZE);
		for (i = 0; i < cw->ncells; i++)
			if (cw->cells[i].state != CELL_DEAD)
				munmap(cw->cells[i].addr, cw->cells[i].pages * MS_PAGE_SIZE);
	} else if (cw->area) {
		munmap(cw->area, cw->area_len);
	}
	if (cw->memfd >= 0)
		close(cw->memfd);
	for (i = 0; cw->t && i < cw->nthreads; i++) {
		free(cw->t[i].mst);
		free(cw->t[i].arms);
		free(cw->t[i].ch_lat);
	}
	json_decref(cw->vm0);
	json_decref(cw->vm1);
	free(cw->t);
	free(cw->cells);
	free(cw->stable);
	free(cw->stable_what);
	free(cw->covered);
	free(cw->covered_what);
	free(cw->guards);
	free(cw->base_lat);
	pthread_mutex_destroy(&cw->lock);
	pthread_cond_destroy(&cw->cond);
	free(cw);
	r->cowork = NULL;
}

json_t *cowork_list(void)
{
	json_t *arr = json_array();
	size_t d;

	char why[256];

	for (d = 0; d < NDESC; d++) {
		why[0] = '\0';
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b, s:s}", "name", cowork_table[d].name,
						     "thread", cowork_table[d].kind, "help", cowork_table[d].help,
						     "supported", !cowork_table[d].supported(NULL, why, sizeof(why)),
						     "reason", why));
	}
	return arr;
}

const struct side_ops cowork_side = {
	.name = "cowork",
	.validate = cowork_validate,
	.setup = cowork_setup,
	.start = cowork_start,
	.stop = cowork_stop,
	.report = cowork_report,
	.teardown = cowork_teardown,
};

