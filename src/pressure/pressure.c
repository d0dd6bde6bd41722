// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pressure backends (--reclaim): the table, the madvise batcher (io_uring
 * or syscalls), the phases (warm-up with movers alone, then pressure) and
 * the engine hooks.  The memcg backend is in memcg.c; the proof that the
 * pressure reached the moving pages comes from pagemap-sampler.c, lock
 * waits from lockstat.c, sleep times from delayacct.c.
 */
#include "config.h"
#include "kernel/env.h"
#include "core/kv.h"
#include "pressure/pressure.h"
#include "core/trace-json.h"
#include "pressure/pressure-int.h"
#include "core/report.h"
#include "core/run.h"
#include "core/side.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

#define MADV_CHUNK_PAGES	64	/* pages per madvise op */
#define MADV_BATCH		16	/* ops per io_uring submission */
#define PRESSURE_PAUSE_NS	(1 * 1000000ULL)
#define POLL_NS			(100 * 1000000ULL)

/* ---- madvise batches: io_uring (IORING_OP_MADVISE) or syscalls ---- */

struct madv_op {
	void *addr;
	size_t len;
};

static void madv_init(struct pthread_ctx *c)
{
	c->uring = false;
	snprintf(c->uring_why, sizeof(c->uring_why), "%s", c->p->uring_why);
#ifdef HAVE_LIBURING
	if (c->p->want_uring) {
		struct io_uring *ring = calloc(1, sizeof(*ring));
		int ret = ring ? io_uring_queue_init(MADV_BATCH * 2, ring, 0) : -ENOMEM;

		if (ret < 0) {
			snprintf(c->uring_why, sizeof(c->uring_why), "io_uring_queue_init: %s", strerror(-ret));
			free(ring);
			return;
		}
		c->ring = ring;
		c->uring = true;
	}
#endif
}

static void madv_exit(struct pthread_ctx *c)
{
#ifdef HAVE_LIBURING
	if (c->ring) {
		io_uring_queue_exit(c->ring);
		free(c->ring);
		c->ring = NULL;
	}
#endif
}

static const char *advice_name(int advice)
{
	return advice == MADV_PAGEOUT ? "MADV_PAGEOUT" : advice == MADV_COLD ? "MADV_COLD" : "madvise";
}

static void madv_batch(struct pthread_ctx *c, const struct madv_op *ops, unsigned n, int advice)
{
	unsigned i;

#ifdef HAVE_LIBURING
	if (c->uring) {
		struct io_uring *ring = c->ring;
		struct io_uring_cqe *cqe;
		uint64_t t0;
		int ret, res;

		for (i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

			io_uring_prep_madvise(sqe, ops[i].addr, (off_t)ops[i].len, advice);
			sqe->user_data = i;
		}
		t0 = now_ns();
		ret = io_uring_submit(ring);
		if (ret < 0) {
			snprintf(c->uring_why, sizeof(c->uring_why), "io_uring_submit: %s; fell back to madvise(2)",
				 strerror(-ret));
			madv_exit(c);
			c->uring = false;
			goto sync;
		}
		for (i = 0; i < (unsigned)ret; i++) {
			if (io_uring_wait_cqe(ring, &cqe))
				break;
			res = cqe->res;
			if (res == -EINVAL || res == -EOPNOTSUPP) {
				/* IORING_OP_MADVISE unknown to this kernel: syscalls from now on */
				if (!c->st.ok) {
					io_uring_cqe_seen(ring, cqe);
					snprintf(c->uring_why, sizeof(c->uring_why),
						 "IORING_OP_MADVISE failed: %s; fell back to madvise(2)", strerror(-res));
					madv_exit(c);
					c->uring = false;
					goto sync;
				}
			}
			pstat_record(&c->st, now_ns() - t0, res < 0 ? -res : 0,
				 ops[cqe->user_data < n ? cqe->user_data : 0].len, advice_name(advice));
			io_uring_cqe_seen(ring, cqe);
		}
		return;
	}
sync:
#endif
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int err = madvise(ops[i].addr, ops[i].len, advice) ? errno : 0;

		pstat_record(&c->st, now_ns() - t0, err, ops[i].len, advice_name(advice));
	}
}

/*
 * MADV_PAGEOUT / MADV_COLD over the source range (every region with
 * r->pressure_all_regions: explore's pages live in both), batch after batch
 */
static void madvise_loop(struct pthread_ctx *c, int advice)
{
	struct run *r = c->p->r;
	unsigned nreg = r->pressure_all_regions ? MS_NR_REGIONS : 1, g = REGION_SRC;
	struct madv_op ops[MADV_BATCH];
	size_t s = 0;
	unsigned n;

	madv_init(c);
	while (!pressure_stopped(c->p)) {
		for (n = 0; n < MADV_BATCH; n++) {
			const struct region *rg = &r->reg[g];
			size_t vma_end = (s / rg->vma_pages + 1) * rg->vma_pages, len = MADV_CHUNK_PAGES;

			if (s + len > vma_end)
				len = vma_end - s;
			ops[n].addr = region_addr(rg, s);
			ops[n].len = len * MS_PAGE_SIZE;
			s += len;
			if (s >= r->npages) {
				s = 0;
				g = (g + 1) % nreg;
			}
		}
		madv_batch(c, ops, n, advice);
		pressure_sleep(c->p, PRESSURE_PAUSE_NS);
	}
	madv_exit(c);
}

static void *pageout_thread(void *arg)
{
	madvise_loop(arg, MADV_PAGEOUT);
	return NULL;
}

static void *cold_thread(void *arg)
{
	madvise_loop(arg, MADV_COLD);
	return NULL;
}

static int madv_supported(char *why, size_t len)
{
	void *m = mmap(NULL, MS_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret = 0;

	if (m == MAP_FAILED) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return -errno;
	}
	*(volatile char *)m = 1;
	if (madvise(m, MS_PAGE_SIZE, MADV_COLD)) {
		ret = -errno;
		snprintf(why, len, "MADV_COLD: %s%s", strerror(errno),
			 errno == EINVAL ? " (kernel older than 5.4)" : "");
	}
	munmap(m, MS_PAGE_SIZE);
	return ret;
}

/* ---- DAMON paddr over the source pages' frames ---- */

#define DAMON_ADMIN	"/sys/kernel/mm/damon/admin"
#define DAMON_KD	DAMON_ADMIN "/kdamonds"
#define DAMON_MAX_RANGES 256

struct damon_priv {
	int rec_id;
	char kd[256];
	pid_t kdamond_pid;
	uint64_t cpu_ticks0, cpu_ticks1;
	unsigned nranges;
	uint64_t range_bytes;
};

static int damon_supported(char *why, size_t len)
{
	char line[32];

	if (access(DAMON_KD "/nr_kdamonds", W_OK)) {
		snprintf(why, len, "no DAMON sysfs interface %s (CONFIG_DAMON_SYSFS off, or not root)", DAMON_ADMIN);
		return -ENOENT;
	}
	if (read_line(DAMON_KD "/nr_kdamonds", line, sizeof(line)) || strcmp(line, "0")) {
		snprintf(why, len, "DAMON sysfs is in use by someone else (nr_kdamonds=%s)", line);
		return -EBUSY;
	}
	if (access("/proc/self/pagemap", R_OK) || geteuid()) {
		snprintf(why, len, "needs root for physical frame numbers");
		return -EPERM;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Coalesce the frames into at most @max [start, end) byte ranges. */
static unsigned pfn_ranges(uint64_t *pfn, size_t n, uint64_t (*rg)[2], unsigned max)
{
	unsigned nr = 0, i, best;
	size_t k;

	qsort(pfn, n, sizeof(*pfn), cmp_u64);
	for (k = 0; k < n; k++) {
		if (!pfn[k])
			continue;
		if (nr && pfn[k] * MS_PAGE_SIZE <= rg[nr - 1][1]) {
			if ((pfn[k] + 1) * MS_PAGE_SIZE > rg[nr - 1][1])
				rg[nr - 1][1] = (pfn[k] + 1) * MS_PAGE_SIZE;
			continue;
		}
		if (nr == max) {
			/* merge the two ranges with the smallest gap between them */
			uint64_t gap = UINT64_MAX;

			for (best = 0, i = 0; i + 1 < nr; i++)
				if (rg[i + 1][0] - rg[i][1] < gap) {
					gap = rg[i + 1][0] - rg[i][1];
					best = i;
				}
			rg[best][1] = rg[best + 1][1];
			memmove(&rg[best + 1], &rg[best + 2], (nr - best - 2) * sizeof(rg[0]));
			nr--;
		}
		rg[nr][0] = pfn[k] * MS_PAGE_SIZE;
		rg[nr][1] = (pfn[k] + 1) * MS_PAGE_SIZE;
		nr++;
	}
	return nr;
}

static int dwrite(const char *dir, const char *file, const char *val, char *why, size_t len)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = write_file(path, val);
	if (ret)
		snprintf(why, len, "DAMON %s = %s: %s", path, val, strerror(-ret));
	return ret;
}

static uint64_t task_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, stt = 0;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (pid <= 0 || read_line(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	for (i = 2; p && i < 14; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu %llu", &ut, &stt);
	return ut + stt;
}

static int damon_begin(struct pressure *p, struct backend_inst *bi, char *why, size_t len)
{
	struct damon_priv *d = calloc(1, sizeof(*d));
	uint64_t (*rg)[2] = calloc(DAMON_MAX_RANGES, sizeof(*rg));
	uint64_t *pfn = NULL;
	char dir[512], v[64], old[32];
	size_t n = 0;
	unsigned i;
	int ret;

	bi->priv = d;
	if (!d || !rg) {
		free(rg);
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	ret = source_pfns(p->r, &pfn, &n);
	if (ret) {
		snprintf(why, len, "reading source frames: %s", strerror(-ret));
		goto out;
	}
	d->nranges = pfn_ranges(pfn, n, rg, DAMON_MAX_RANGES);
	if (!d->nranges) {
		snprintf(why, len, "no source page is present");
		ret = -ENOENT;
		goto out;
	}
	for (i = 0; i < d->nranges; i++)
		d->range_bytes += rg[i][1] - rg[i][0];
	if (read_line(DAMON_KD "/nr_kdamonds", old, sizeof(old)) || strcmp(old, "0")) {
		snprintf(why, len, "DAMON sysfs is in use by someone else (nr_kdamonds=%s)", old);
		ret = -EBUSY;
		goto out;
	}
	snprintf(d->kd, sizeof(d->kd), "%s/0", DAMON_KD);
	d->rec_id = sysstate_record("damon", json_pack("{s:s, s:s, s:s}", "kdamond", d->kd,
				    "nr_path", DAMON_KD "/nr_kdamonds", "nr_old", old));
	if (d->rec_id < 0) {
		ret = d->rec_id;
		snprintf(why, len, "state file: %s", strerror(-ret));
		goto out;
	}
	ret = dwrite(DAMON_KD, "nr_kdamonds", "1", why, len) ?:
	      dwrite(d->kd, "contexts/nr_contexts", "1", why, len);
	if (ret)
		goto out;
	snprintf(dir, sizeof(dir), "%s/contexts/0", d->kd);
	ret = dwrite(dir, "operations", "paddr", why, len) ?:
	      dwrite(dir, "monitoring_attrs/intervals/sample_us", "1000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/intervals/aggr_us", "20000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/intervals/update_us", "1000000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/nr_regions/max", "2000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/nr_regions/min", "200", why, len) ?:
	      dwrite(dir, "targets/nr_targets", "1", why, len);
	if (ret)
		goto out;
	snprintf(dir, sizeof(dir), "%s/contexts/0/targets/0/regions", d->kd);
	snprintf(v, sizeof(v), "%u", d->nranges);
	ret = dwrite(dir, "nr_regions", v, why, len);
	for (i = 0; !ret && i < d->nranges; i++) {
		char sub[32];

		snprintf(sub, sizeof(sub), "%u/start", i);
		snprintf(v, sizeof(v), "%" PRIu64, rg[i][0]);
		ret = dwrite(dir, sub, v, why, len);
		snprintf(sub, sizeof(sub), "%u/end", i);
		snprintf(v, sizeof(v), "%" PRIu64, rg[i][1]);
		ret = ret ?: dwrite(dir, sub, v, why, len);
	}
	ret = ret ?: dwrite(d->kd, "state", "on", why, len);
	if (ret)
		goto out;
	snprintf(dir, sizeof(dir), "%s/pid", d->kd);
	if (!read_line(dir, v, sizeof(v)))
		d->kdamond_pid = atoi(v);
	d->cpu_ticks0 = task_cpu_ticks(d->kdamond_pid);
out:
	free(pfn);
	free(rg);
	return ret;
}

static void damon_end(struct pressure *p, struct backend_inst *bi)
{
	struct damon_priv *d = bi->priv;

	(void)p;
	if (d && d->kdamond_pid)
		d->cpu_ticks1 = task_cpu_ticks(d->kdamond_pid);
}

static void damon_report(struct pressure *p, struct backend_inst *bi, json_t *obj)
{
	struct damon_priv *d = bi->priv;

	(void)p;
	if (!d)
		return;
	json_object_set_new(obj, "damon", json_pack("{s:s, s:i, s:i, s:I, s:f, s:{s:i, s:i, s:i}}",
		"operations", "paddr", "kdamond_pid", d->kdamond_pid, "regions", d->nranges,
		"region_bytes", (json_int_t)d->range_bytes,
		"kdamond_cpu_s", (double)(d->cpu_ticks1 - d->cpu_ticks0) / sysconf(_SC_CLK_TCK),
		"intervals_us", "sample", 1000, "aggr", 20000, "update", 1000000));
}

static void damon_teardown(struct pressure *p, struct backend_inst *bi)
{
	struct damon_priv *d = bi->priv;

	(void)p;
	if (d && d->rec_id >= 0 && d->kd[0])
		sysstate_undo(d->rec_id);
	free(d);
	bi->priv = NULL;
}

/* ---- page_idle: set the idle bits of the source frames ---- */

#define PAGE_IDLE_BITMAP "/sys/kernel/mm/page_idle/bitmap"

static int page_idle_supported(char *why, size_t len)
{
	if (access(PAGE_IDLE_BITMAP, F_OK)) {
		snprintf(why, len, "no %s (kernel without CONFIG_IDLE_PAGE_TRACKING)", PAGE_IDLE_BITMAP);
		return -ENOENT;
	}
	if (access(PAGE_IDLE_BITMAP, W_OK) || geteuid()) {
		snprintf(why, len, "%s needs root", PAGE_IDLE_BITMAP);
		return -EPERM;
	}
	return 0;
}

/*
 * Each op writes one 64-bit word of the bitmap (64 frames), which makes
 * the kernel call page_idle_clear_pte_refs() -> rmap walk on each of our
 * folios in it.  The frames are re-read from pagemap every round, since
 * reclaim and swap-in change them.
 */
static void *page_idle_thread(void *arg)
{
	struct pthread_ctx *c = arg;
	uint64_t *pfn = NULL, ones = ~0ULL, prev;
	size_t n = 0, k;
	int fd = open(PAGE_IDLE_BITMAP, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		pstat_record(&c->st, 0, errno, 0, "open page_idle/bitmap");
		return NULL;
	}
	while (!pressure_stopped(c->p)) {
		free(pfn);
		pfn = NULL;
		if (source_pfns(c->p->r, &pfn, &n))
			break;
		qsort(pfn, n, sizeof(*pfn), cmp_u64);
		prev = UINT64_MAX;
		for (k = 0; k < n && !pressure_stopped(c->p); k++) {
			uint64_t word = pfn[k] / 64, t0;
			int err;

			if (!pfn[k] || word == prev)
				continue;
			prev = word;
			t0 = now_ns();
			err = pwrite(fd, &ones, sizeof(ones), (off_t)(word * 8)) == sizeof(ones) ? 0 : errno;
			pstat_record(&c->st, now_ns() - t0, err, 64 * MS_PAGE_SIZE, "page_idle bitmap write");
		}
		pressure_sleep(c->p, 10 * PRESSURE_PAUSE_NS);
	}
	free(pfn);
	close(fd);
	return NULL;
}

static int none_supported(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static const struct pressure_backend none_backend = {
	.name = "none", .help = "no pressure: movers alone", .supported = none_supported,
};

static const struct pressure_backend pageout_backend = {
	.name = "pageout",
	.help = "MADV_PAGEOUT over the source range (explore: both regions) from a separate thread (reclaim_pages -> folio_referenced)",
	.supported = madv_supported,
	.needs_swap = true,
	.evidence = EV_SWAPPED | EV_SWAPCACHE,
	.evidence_help = "pages seen swapped out (pagemap) or in the swap cache (kpageflags)",
	.thread_kind = "pageout",
	.thread = pageout_thread,
	.madvise_io = true,
};

static const struct pressure_backend cold_backend = {
	.name = "cold",
	.help = "MADV_COLD over the source range (explore: both regions) from a separate thread (deactivate; reclaim finds them first)",
	.supported = madv_supported,
	.evidence = EV_DEACT | EV_SWAPPED | EV_SWAPCACHE,
	.evidence_help = "pages seen moved from the active to the inactive LRU (kpageflags), or reclaimed",
	.thread_kind = "cold",
	.thread = cold_thread,
	.madvise_io = true,
};

static const struct pressure_backend damon_backend = {
	.name = "damon",
	.help = "DAMON paddr monitoring of the source frames via sysfs (damon_folio_young/mkold rmap walks)",
	.supported = damon_supported,
	.evidence = EV_IDLE,
	.evidence_help = "pages seen with the idle flag DAMON's mkold sets (kpageflags)",
	.begin = damon_begin,
	.end = damon_end,
	.report = damon_report,
	.teardown = damon_teardown,
};

static const struct pressure_backend page_idle_backend = {
	.name = "page_idle",
	.help = "/sys/kernel/mm/page_idle/bitmap writes over the source frames (page_idle_clear_pte_refs)",
	.supported = page_idle_supported,
	.evidence = EV_IDLE,
	.evidence_help = "pages seen with the idle flag (kpageflags)",
	.thread_kind = "pageidle",
	.thread = page_idle_thread,
};

static const struct pressure_backend *const pressure_table[] = {
	&none_backend,
	&memcg_backend,
	&pageout_backend,
	&cold_backend,
	&damon_backend,
	&page_idle_backend,
	NULL,
};

static const char *pressure_name_list[sizeof(pressure_table) / sizeof(pressure_table[0])];

static void fill_names(void)
{
	size_t i;

	for (i = 0; pressure_table[i]; i++)
		pressure_name_list[i] = pressure_table[i]->name;
}

const char *const *pressure_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fill_names);
	return pressure_name_list;
}

static const struct pressure_backend *find_backend(const char *name, size_t n)
{
	unsigned i;

	for (i = 0; pressure_table[i]; i++)
		if (strlen(pressure_table[i]->name) == n && !strncmp(pressure_table[i]->name, name, n))
			return pressure_table[i];
	return NULL;
}

/* Split --reclaim into backends; one-line error for bad names and combinations. */
static int parse_list(const char *list, const struct pressure_backend **out, unsigned *n)
{
	const char *s = list, *c;
	unsigned i;

	*n = 0;
	do {
		const struct pressure_backend *b;
		size_t len;

		c = strchr(s, ',');
		len = c ? (size_t)(c - s) : strlen(s);
		b = find_backend(s, len);
		if (!b) {
			fprintf(stderr, "movestress: --reclaim: unknown backend '%.*s' (see movestress list)\n",
				(int)len, s);
			return -EINVAL;
		}
		for (i = 0; i < *n; i++)
			if (out[i] == b) {
				fprintf(stderr, "movestress: --reclaim: backend '%s' given twice\n", b->name);
				return -EINVAL;
			}
		if (*n == MAX_BACKENDS) {
			fprintf(stderr, "movestress: --reclaim: too many backends\n");
			return -EINVAL;
		}
		out[(*n)++] = b;
		s = c + 1;
	} while (c);
	for (i = 0; i < *n; i++)
		if (out[i] == &none_backend && *n > 1) {
			fprintf(stderr, "movestress: --reclaim: 'none' cannot be combined with other backends\n");
			return -EINVAL;
		}
	return 0;
}

static bool mode_is_swapped(const struct opts *o)
{
	return !strcmp(o->mode, "swapped");
}

int pressure_validate(const struct opts *o)
{
	const struct pressure_backend *b[MAX_BACKENDS];
	unsigned n;

	if (parse_list(o->reclaim, b, &n))
		return -EINVAL;
	if (mode_is_swapped(o) && !strcmp(o->swap, "none")) {
		fprintf(stderr, "movestress: --mode=swapped needs swap: --swap=none is not allowed with it\n");
		return -EINVAL;
	}
	return 0;
}

static bool measuring(const struct opts *o)
{
	return strcmp(o->reclaim, "none") || mode_is_swapped(o) || o->lock_stacks;
}

static int setup_locked(struct run *r, char *why, size_t len)
{
	const struct pressure_backend *b[MAX_BACKENDS];
	struct pressure *p;
	unsigned n, i;
	int ret;

	if (!measuring(r->o))
		return 0;
	if (parse_list(r->o->reclaim, b, &n))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	r->pressure = p;
	p->r = r;
	for (i = 0; i < n; i++) {
		if (b[i] == &none_backend)
			continue;
		if (b[i]->supported(why, len)) {
			char tmp[256];

			snprintf(tmp, sizeof(tmp), "%s", why);
			snprintf(why, len, "reclaim backend %s: %s", b[i]->name, tmp);
			return -EOPNOTSUPP;
		}
		p->bi[p->nb].b = b[i];
		p->bi[p->nb].th.p = p;
		p->bi[p->nb].th.bi = &p->bi[p->nb];
		if (b[i]->needs_swap)
			p->need_swap = true;
		p->nb++;
	}
	if (mode_is_swapped(r->o) || r->pressure_swap)
		p->need_swap = true;
	/* io_uring for madvise batches; never fatal */
	if (!strcmp(r->o->io, "sync")) {
		snprintf(p->uring_why, sizeof(p->uring_why), "--io=sync");
	} else if (env_io_uring(p->uring_why, sizeof(p->uring_why))) {
		p->want_uring = true;
	}
	p->warmup_ns = r->o->runtime_ns / 5;
	if (p->warmup_ns < 100000000ULL)
		p->warmup_ns = 100000000ULL;
	if (p->warmup_ns > 2000000000ULL)
		p->warmup_ns = 2000000000ULL;
	if (p->need_swap) {
		uint64_t bytes = r->npages * MS_PAGE_SIZE;

		bytes = bytes + bytes / 4 + (32ULL << 20);
		ret = swap_setup(&p->swap, r->o->swap, bytes, why, len);
		p->swap_done = true;
		if (ret)
			return ret;
	}
	p->dacct = delayacct_setup(why, len);
	p->lock = lockstat_prepare(p, r->o->lock_stacks);
	why[0] = '\0';
	for (i = 0; i < p->nb; i++) {
		if (!p->bi[i].b->setup)
			continue;
		ret = p->bi[i].b->setup(p, &p->bi[i], why, len);
		if (ret)
			return ret;
	}
	return 0;
}

int pressure_setup(struct run *r, char *why, size_t len)
{
	int ret = setup_locked(r, why, len);

	/* the engine tears down only the sides whose setup succeeded */
	if (ret)
		pressure_teardown(r);
	return ret;
}

static void snapshot_movers(struct pressure *p)
{
	struct run *r = p->r;
	unsigned i, k;

	p->base_lat = calloc(r->nmovers, sizeof(*p->base_lat));
	p->base_ops = calloc(r->nmovers, sizeof(*p->base_ops));
	p->base_pages = calloc(r->nmovers, sizeof(*p->base_pages));
	if (!p->base_lat || !p->base_ops || !p->base_pages)
		return;
	/*
	 * Racy by design: each counter is read with a relaxed atomic load
	 * while its mover goes on; the snapshot may miss the op in flight.
	 */
	for (i = 0; i < r->nmovers; i++) {
		const struct thread_stats *st = &r->workers[i].st;
		struct hist *h = &p->base_lat[i];

		p->base_ops[i] = __atomic_load_n(&st->ops, __ATOMIC_RELAXED);
		p->base_pages[i] = __atomic_load_n(&st->pages, __ATOMIC_RELAXED);
		for (k = 0; k < HIST_NR_BUCKETS; k++) {
			h->buckets[k] = __atomic_load_n(&st->move_lat.buckets[k], __ATOMIC_RELAXED);
			h->n += h->buckets[k];
		}
		h->min = __atomic_load_n(&st->move_lat.min, __ATOMIC_RELAXED);
		h->max = __atomic_load_n(&st->move_lat.max, __ATOMIC_RELAXED);
		__atomic_load(&st->move_lat.mean, &h->mean, __ATOMIC_RELAXED);
	}
	p->have_base = true;
}

static void *backend_main(void *arg)
{
	struct pthread_ctx *c = arg;

	set_thread_name(c->bi->b->thread_kind, c->idx, c->name);
	__atomic_store_n(&c->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	if (c->p->r->trace_thread)
		c->st.trace = c->p->r->trace_thread(c->p->r, c->name, c->tid);
	return c->bi->b->thread(c);
}

static void start_backend_thread(struct pressure *p, struct backend_inst *bi)
{
	struct pthread_ctx *c = &bi->th;

	(void)p;
	hist_init(&c->st.lat);
	if (pthread_create(&c->th, NULL, backend_main, c)) {
		snprintf(bi->why, sizeof(bi->why), "pthread_create failed");
		return;
	}
	c->started = true;
}

/* delay accounting of every thread that runs: the first poll is its baseline */
static void poll_threads(struct pressure *p)
{
	struct run *r = p->r;
	unsigned i;

	for (i = 0; i < r->nworkers; i++) {
		pid_t tid = __atomic_load_n(&r->workers[i].st.tid, __ATOMIC_ACQUIRE);

		if (!__atomic_load_n(&r->joined, __ATOMIC_ACQUIRE) && tid)
			delayacct_poll(p->dacct, tid, r->workers[i].st.name);
	}
	for (i = 0; i < p->nb; i++)
		if (p->bi[i].th.tid)
			delayacct_poll(p->dacct, p->bi[i].th.tid, p->bi[i].th.name);
}

static void *ctl_main(void *arg)
{
	struct pressure *p = arg;
	struct run *r = p->r;
	char name[16];
	unsigned i;

	set_thread_name("pctl", 0, name);
	/* the movers' delay baselines, as close to their start as we get */
	for (i = 0; i < 100 && !pressure_stopped(p); i++) {
		unsigned k, seen = 0;

		for (k = 0; k < r->nworkers; k++)
			seen += !!__atomic_load_n(&r->workers[k].st.tid, __ATOMIC_ACQUIRE);
		if (seen == r->nworkers)
			break;
		pressure_sleep(p, 1000000ULL);
	}
	poll_threads(p);
	/* the warm-up counts from the movers' start */
	if (!pressure_sleep(p, r->t0_ns + p->warmup_ns > now_ns() ? r->t0_ns + p->warmup_ns - now_ns() : 0))
		return NULL;
	snapshot_movers(p);
	p->vm0 = kv_read("/proc/vmstat");
	__atomic_store_n(&p->t_pressure, now_ns(), __ATOMIC_RELEASE);
	for (i = 0; i < p->nb; i++) {
		struct backend_inst *bi = &p->bi[i];
		char why[256] = "";

		if (bi->b->begin && bi->b->begin(p, bi, why, sizeof(why))) {
			snprintf(bi->why, sizeof(bi->why), "%s", why);
			fprintf(stderr, "movestress: reclaim backend %s: %s\n", bi->b->name, why);
			continue;
		}
		bi->running = true;
		if (bi->b->thread)
			start_backend_thread(p, bi);
	}
	/* thread ids for the lock filter and the delay accounting */
	for (i = 0; i < p->nb; i++) {
		struct pthread_ctx *c = &p->bi[i].th;

		for (int k = 0; c->started && !__atomic_load_n(&c->tid, __ATOMIC_ACQUIRE) && k < 100; k++)
			pressure_sleep(p, 1000000ULL);
		if (c->started && p->lock)
			lockstat_add_tid(p->lock, c->tid, c->name);
	}
	while (!pressure_stopped(p)) {
		poll_threads(p);
		pressure_sleep(p, POLL_NS);
	}
	return NULL;
}

int pressure_start(struct run *r)
{
	struct pressure *p = r->pressure;
	char why[256] = "";
	bool kpf = false;
	unsigned i;

	if (!p)
		return 0;
	for (i = 0; i < p->nb; i++)
		if (p->bi[i].b->evidence & (EV_IDLE | EV_DEACT))
			kpf = true;
	p->sampler = sampler_start(p, kpf, why, sizeof(why));
	if (!p->sampler)
		fprintf(stderr, "movestress: pagemap sampler: %s\n", why);
	/* the warm-up runs while the lock events are being switched on */
	if (pthread_create(&p->ctl, NULL, ctl_main, p) == 0)
		p->ctl_started = true;
	lockstat_begin(p->lock);
	return 0;
}

void pressure_stop(struct run *r)
{
	struct pressure *p = r->pressure;
	unsigned i;

	if (!p)
		return;
	p->t_end = now_ns();
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	if (p->ctl_started)
		pthread_join(p->ctl, NULL);
	for (i = 0; i < p->nb; i++)
		if (p->bi[i].th.started)
			pthread_join(p->bi[i].th.th, NULL);
	if (p->t_pressure)
		p->vm1 = kv_read("/proc/vmstat");
	for (i = 0; i < p->nb; i++)
		if (p->bi[i].running && p->bi[i].b->end)
			p->bi[i].b->end(p, &p->bi[i]);
	if (p->sampler)
		sampler_stop(p->sampler);
	if (p->lock)
		lockstat_stop(p->lock);
}

void pressure_teardown(struct run *r)
{
	struct pressure *p = r->pressure;
	unsigned i;

	if (p) {
		if (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
			pressure_stop(r);
		for (i = p->nb; i-- > 0;)
			if (p->bi[i].b->teardown)
				p->bi[i].b->teardown(p, &p->bi[i]);
		if (p->swap_done)
			swap_teardown(&p->swap);
		if (p->sampler)
			sampler_free(p->sampler);
		if (p->lock)
			lockstat_free(p->lock);
		p->sampler = NULL;
		p->lock = NULL;
	}
	sysstate_restore_all();
	if (!p)
		return;
	delayacct_free(p->dacct);
	json_decref(p->vm0);
	json_decref(p->vm1);
	free(p->base_lat);
	free(p->base_ops);
	free(p->base_pages);
	free(p);
	r->pressure = NULL;
}

json_t *pressure_list(void)
{
	const struct pressure_backend *const *b;
	json_t *arr = json_array();
	char why[256];

	for (b = pressure_table; *b; b++) {
		why[0] = '\0';
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s}", "name", (*b)->name,
						     "help", (*b)->help, "supported", !(*b)->supported(why, sizeof(why)),
						     "reason", why));
	}
	return arr;
}

const struct side_ops pressure_side = {
	.name = "pressure",
	.validate = pressure_validate,
	.setup = pressure_setup,
	.start = pressure_start,
	.stop = pressure_stop,
	.report = pressure_report,
	.teardown = pressure_teardown,
};
