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
