// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run engine: map and stamp the regions, start the named threads
 * (movers, handlers, idle spinners, watchdog, pressure), stop them, run
 * the oracle, check kernel health and write the result.  The mover loops
 * themselves are in modes.c.
 */
#include "config.h"
#include "cowork.h"
#include "env.h"
#include "health.h"
#include "klog.h"
#include "known-bugs.h"
#include "kv.h"
#include "lru-gen.h"
#include "modes.h"
#include "oracle.h"
#include "pressure.h"
#include "report.h"
#include "run.h"
#include "side.h"
#include "stamp.h"
#include "sysstate.h"
#include "status.h"
#include "trials.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STACK_SIZE (1UL << 20)

/* What runs beside the movers; each row is called at the same points. */
static const struct side_ops *const sides[] = {
	&pressure_side,
	&cowork_side,
	NULL,
};
#define MAX_REPORTS 16

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void set_thread_name(const char *kind, unsigned idx, char *out16)
{
	snprintf(out16, 16, "%s/%u", kind, idx);
	pthread_setname_np(pthread_self(), out16);
}

long region_slot(const struct region *r, const void *addr)
{
	uintptr_t a = (uintptr_t)addr, b = (uintptr_t)r->base;
	size_t vma, off;

	if (a < b)
		return -1;
	vma = (a - b) / r->vma_stride;
	off = (a - b) % r->vma_stride;
	if (vma >= r->nvmas || off >= r->vma_pages * MS_PAGE_SIZE)
		return -1;
	return (long)(vma * r->vma_pages + off / MS_PAGE_SIZE);
}

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
 * Linux 6.18's move_pages() can move a page and still fail the ioctl: a
 * retry after an internal -EAGAIN keeps the stale error, loops on the same
 * address and trips over the page it has just moved (EEXIST), or returns a
 * short count for a batch that moved further (EAGAIN).  The known bug
 * move-eexist (known-bugs.c, docs/kernel-bug-6.18-move-eexist.md).  A MOVE
 * of slots nobody else moves that fails that way is therefore checked
 * against the page tables at that moment: a moved page means the kernel
 * moved it and said otherwise.
 */
uint64_t moved_anyway(uint64_t dst, uint64_t src, uint64_t len, bool holes)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t off, ps, pd, upto = 0;

	if (fd < 0)
		return 0;
	for (off = 0; off < len; off += MS_PAGE_SIZE) {
		if (pagemap_read(fd, (void *)(uintptr_t)(src + off), 1, &ps) ||
		    pagemap_read(fd, (void *)(uintptr_t)(dst + off), 1, &pd) ||
		    (ps & (PM_PRESENT | PM_SWAPPED)))
			break;
		if (pd & (PM_PRESENT | PM_SWAPPED))
			upto = off + MS_PAGE_SIZE;
		else if (!holes)
			break;
	}
	close(fd);
	/* holes: up to the last page that did move, a tail of holes proves nothing */
	return upto;
}

static void record_failure(struct run *r, struct thread_stats *st, const char *op, uint64_t dst,
			   uint64_t src, uint64_t len, uint64_t mode, int64_t ret, int err, uint64_t t0)
{
	st->fail[st->nfail < MS_MAX_FAILS ? st->nfail++ : MS_MAX_FAILS - 1] = (struct op_failure){
		.op = op, .dst = dst, .src = src, .len = len, .mode = mode, .ret = ret, .err = err,
		.t_ns = t0 - r->t0_ns,
	};
}

int64_t run_move_failed(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
			uint64_t len, uint64_t mode, unsigned allowed, int64_t moved, int *err,
			uint64_t t0)
{
	uint64_t more = 0;

	/* the signature: EEXIST/ENOENT, or a short count (EAGAIN), on slots we own */
	if (!(allowed & MOVE_RACY) && (*err == EEXIST || *err == ENOENT || *err == EAGAIN) &&
	    (uint64_t)moved < len)
		more = moved_anyway(dst + moved, src + moved, len - moved,
				    mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
	if (more) {
		/* the ledger follows the page tables; the lie is the known bug */
		record_failure(r, st, MOVED_BUT_FAILED, dst, src, len, mode, moved, *err, t0);
		st->moved_but_failed++;
		moved += more;
		__atomic_store_n(&st->pages, st->pages + more / MS_PAGE_SIZE, __ATOMIC_RELAXED);
		if (moved == (int64_t)len)
			*err = 0;
		return moved;
	}
	if (errbit(*err) & allowed) {
		/* relaxed atomic: the --status-interval display reads it live */
		__atomic_store_n(&st->retries[*err < MS_MAX_ERRNO ? *err : 0],
				 st->retries[*err < MS_MAX_ERRNO ? *err : 0] + 1, __ATOMIC_RELAXED);
		if (moved)
			st->short_moves++;
		return moved;
	}
	st->failures++;
	record_failure(r, st, "UFFDIO_MOVE", dst, src, len, mode, moved, *err, t0);
	return moved;
}

/*
 * --inject=eexist:PAGE, the known bug's own control: the first MOVE that
 * moved PAGE (either way) is reported to its caller as failed with EEXIST,
 * as Linux 6.18 does.  Only where the engine can tell (slots nobody else
 * moves, or contended's reconciliation); once per run.
 */
bool inject_eexist(struct run *r, uint64_t src, uint64_t moved, unsigned allowed)
{
	unsigned g;

	if ((allowed & MOVE_RACY) && !r->mode->shared_slots)
		return false;
	for (g = 0; g < MS_NR_REGIONS; g++) {
		uint64_t a = (uint64_t)(uintptr_t)region_addr(&r->reg[g], (size_t)r->eexist_page);

		if (a >= src && a < src + moved)
			return !__atomic_exchange_n(&r->eexist_fired, 1, __ATOMIC_RELAXED);
	}
	return false;
}

int64_t run_move(struct run *r, struct thread_stats *st, uint64_t dst, uint64_t src,
		 uint64_t len, uint64_t mode, unsigned allowed, int *err)
{
	uint64_t t0 = now_ns(), t1;
	int64_t moved = uffd_move(r->uffd, dst, src, len, mode, err);

	t1 = now_ns();
	hist_add(&st->move_lat, t1 - t0);
	__atomic_store_n(&st->ops, st->ops + 1, __ATOMIC_RELAXED);	/* read live */
	run_progress(st);
	if (moved < 0)
		moved = 0;
	/* read live by the pagemap sampler and the status line */
	__atomic_store_n(&st->pages, st->pages + (uint64_t)moved / MS_PAGE_SIZE, __ATOMIC_RELAXED);
	if (!*err && r->eexist_page >= 0 && moved && inject_eexist(r, src, (uint64_t)moved, allowed)) {
		/* --inject=eexist: what 6.18 does, from user space: moved, but EEXIST */
		__atomic_store_n(&st->pages, st->pages - (uint64_t)moved / MS_PAGE_SIZE, __ATOMIC_RELAXED);
		moved = 0;
		*err = EEXIST;
	}
	if (!*err)
		return moved;
	return run_move_failed(r, st, dst, src, len, mode, allowed, moved, err, t0);
}

/* ---- regions ---- */

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

static void unmap_region(struct region *rg)
{
	if (rg->res)
		munmap(rg->res, rg->res_len);
	rg->res = NULL;
}

static long anon_huge_kb(void)
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

static void populate(struct run *r)
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

static int record_pfns(struct run *r)
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

/* ---- threads ---- */

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;

	set_thread_name(w->kind, w->idx, w->st.name);
	__atomic_store_n(&w->st.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	/* the histograms start zeroed (calloc): a zeroed struct hist is empty */
	if (w->parks && !w->idx && r->hang_page >= 0) {
		/*
		 * --inject=hang:PAGE, the watchdog's own test: read the
		 * destination slot of a page still in the source.  Nothing
		 * resolves the fault, so this thread blocks in the kernel.
		 */
		volatile const char *p = region_addr(&r->reg[REGION_DST], (size_t)r->hang_page);

		(void)*p;
	}
	w->fn(w);
	pthread_mutex_lock(&r->gate_lock);
	if (w->parks)
		r->running--;
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
	return NULL;
}

static void *idle_spinner(void *arg)
{
	struct worker *w = arg;

	while (!run_stopped(w->run)) {
		__builtin_ia32_pause();
		if (!(++w->st.aux_ops & 0xffff))
			run_progress(&w->st);
	}
	return NULL;
}

static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	ret = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -ret;
}

static void read_task_file(pid_t tid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, file);
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(buf, len, "unavailable: %s", strerror(errno));
		return;
	}
	n = read(fd, buf, len - 1);
	if (n < 0)
		snprintf(buf, len, "unavailable: %s", strerror(errno));
	else
		buf[n] = '\0';
	close(fd);
}

/* Stack, wchan and state of every worker: what the watchdog saw. */
static json_t *dump_stacks(struct run *r)
{
	json_t *arr = json_array();
	char stack[4096], wchan[128], stat[512];
	unsigned i;

	for (i = 0; i < r->nworkers; i++) {
		struct worker *w = &r->workers[i];
		pid_t tid = __atomic_load_n(&w->st.tid, __ATOMIC_ACQUIRE);
		char *p, state = '?';

		read_task_file(tid, "stack", stack, sizeof(stack));
		read_task_file(tid, "wchan", wchan, sizeof(wchan));
		read_task_file(tid, "stat", stat, sizeof(stat));
		p = strrchr(stat, ')');
		if (p && p[1] == ' ')
			state = p[2];
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s#, s:s, s:s}", "thread", w->st.name,
						     "tid", tid, "state", &state, (size_t)1,
						     "wchan", wchan, "stack", stack));
	}
	return arr;
}

static uint64_t total_progress(const struct run *r)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < r->nworkers; i++)
		if (r->workers[i].parks || r->workers[i].fn != idle_spinner)
			sum += __atomic_load_n(&r->workers[i].st.progress, __ATOMIC_RELAXED);
	return sum;
}

/* the header every result has: who wrote it, with which options, where */
static json_t *result_head(const struct opts *o, uint64_t seed, json_t *env)
{
	json_t *j = json_object();

	json_object_set_new(j, "schema_version", json_integer(MS_SCHEMA_VERSION));
	json_object_set_new(j, "tool", json_pack("{s:s, s:s}", "name", PACKAGE_NAME, "version", PACKAGE_VERSION));
	json_object_set_new(j, "timestamp", json_integer((json_int_t)time(NULL)));
	json_object_set_new(j, "label", json_string(o->label[0] ? o->label : o->mode));
	json_object_set_new(j, "seed", json_integer((json_int_t)seed));
	if (env)
		json_object_set(j, "environment", env);
	json_object_set_new(j, "options", opts_to_json(o));
	return j;
}

/*
 * The watchdog's result when threads stay stuck in the kernel: the run
 * cannot finish, so this is written from here, with what the threads had
 * done when they stopped making progress (read like the status line does).
 */
static json_t *hang_result(struct run *r, double stalled_s)
{
	json_t *j = result_head(r->o, r->seed, r->env), *threads = json_array();
	char why[160];
	unsigned i;

	for (i = 0; i < r->nworkers; i++) {
		const struct thread_stats *st = &r->workers[i].st;
		/* the name is written before the tid is published (worker_main) */
		pid_t tid = __atomic_load_n(&st->tid, __ATOMIC_ACQUIRE);

		json_array_append_new(threads, json_pack("{s:s, s:i, s:I, s:I}", "name", tid ? st->name : "",
			"tid", tid, "ops", (json_int_t)__atomic_load_n(&st->ops, __ATOMIC_RELAXED),
			"pages", (json_int_t)__atomic_load_n(&st->pages, __ATOMIC_RELAXED)));
	}
	snprintf(why, sizeof(why), "no thread made progress for %.1fs (--hang-timeout); threads stayed stuck in the kernel",
		 stalled_s);
	json_object_set_new(j, "results", json_pack("[{s:s, s:i, s:I, s:b, s:o}]", "mode", r->o->mode,
			    "movers", r->nmovers, "runtime_ns", (json_int_t)(now_ns() - r->t0_ns),
			    "partial", 1, "threads", threads));
	json_object_set_new(j, "health", json_pack("{s:{s:b, s:O}}", "watchdog", "hang", 1,
						   "threads", r->hang_info));
	json_object_set_new(j, "verdict", json_string("hang"));
	json_object_set_new(j, "exit_code", json_integer(MS_EXIT_HANG));
	json_object_set_new(j, "reason", json_string(why));
	return j;
}

static void *watchdog_main(void *arg)
{
	struct run *r = arg;
	uint64_t last = total_progress(r), last_change = now_ns(), cur, t;
	struct timespec tick = { 0, 100 * 1000000L };
	char name[16];

	set_thread_name("watchdog", 0, name);
	while (!__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE)) {
		nanosleep(&tick, NULL);
		cur = total_progress(r);
		t = now_ns();
		if (cur != last || __atomic_load_n(&r->paused, __ATOMIC_RELAXED) ||
		    __atomic_load_n(&r->movers_done, __ATOMIC_RELAXED)) {
			last = cur;
			last_change = t;
			continue;
		}
		if (t - last_change < r->o->hang_timeout_ns)
			continue;
		/* no thread made progress for --hang-timeout: record and stop */
		r->hang_info = dump_stacks(r);
		__atomic_store_n(&r->hung, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->stop_handlers, 1, __ATOMIC_RELEASE);
		fprintf(stderr, "movestress: watchdog: no progress for %.1fs; thread stacks recorded\n",
			(t - last_change) / 1e9);
		/* give the threads time to come back; a thread stuck in the kernel won't */
		for (uint64_t i = 0; i < 100 && i * 100000000ULL < r->o->hang_timeout_ns &&
		     !__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE); i++)
			nanosleep(&tick, NULL);
		if (!__atomic_load_n(&r->joined, __ATOMIC_ACQUIRE)) {
			json_t *j = hang_result(r, (t - last_change) / 1e9);
			int code = exit_code_map(r->o, MS_EXIT_HANG);

			if (r->o->output[0] && write_json_file(r->o->output, j))
				fprintf(stderr, "movestress: --output: cannot write %s\n", r->o->output);
			json_dumpf(r->hang_info, stderr, JSON_INDENT(2));
			fprintf(stderr, "\nmovestress: threads stuck in the kernel; restoring the system, exiting with the hang code %d\n",
				code);
			/* swap, cgroups, sysctls: put back even though threads are stuck */
			sysstate_restore_all();
			_exit(code);
		}
		break;
	}
	return NULL;
}

/* ---- checkpoints, injection ---- */

static void oracle_input(const struct run *r, struct oracle_input *in, bool pfn)
{
	*in = (struct oracle_input){
		.reg = r->reg, .npages = r->npages, .where = r->where, .gen = r->gen,
		.seed = r->seed, .pfn0 = pfn ? r->pfn0 : NULL,
	};
}

static void checkpoint(struct run *r)
{
	struct oracle_result *res = calloc(1, sizeof(*res));
	struct oracle_input in;
	json_t *j;

	pthread_mutex_lock(&r->gate_lock);
	__atomic_store_n(&r->paused, 1, __ATOMIC_RELEASE);
	while (r->parked < r->running)
		pthread_cond_wait(&r->gate_cond, &r->gate_lock);
	pthread_mutex_unlock(&r->gate_lock);

	oracle_input(r, &in, false);
	oracle_check(&in, res);
	j = oracle_to_json(res);
	json_object_set_new(j, "t_ns", json_integer((json_int_t)(now_ns() - r->t0_ns)));
	json_array_append_new(r->checkpoint_results, j);
	r->checkpoint_violations += res->violations;
	if (res->violations && !r->o->quiet)
		oracle_print(stderr, res);
	free(res);
	r->checkpoints++;

	pthread_mutex_lock(&r->gate_lock);
	__atomic_store_n(&r->paused, 0, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
}

/* --inject=KIND:PAGE: the negative control damages one page from user space */
static int inject(struct run *r, char *what, size_t len)
{
	static const char *const kinds[] = { "corrupt", "zero", "dup", "lose", NULL };
	char kind[16];
	unsigned long page;
	unsigned k;
	char *p;

	if (sscanf(r->o->inject, "%15[a-z]:%lu", kind, &page) != 2)
		return -EINVAL;
	if (!strcmp(kind, "hang") || !strcmp(kind, "eexist"))
		return 0;
	for (k = 0; kinds[k] && strcmp(kinds[k], kind); k++)
		;
	if (!kinds[k] || page >= r->npages || r->where[page] == REGION_NONE)
		return -EINVAL;
	p = region_addr(&r->reg[r->where[page]], page);
	switch (k) {
	case 0:
		p[MS_PAGE_SIZE / 2] ^= 0x5a;
		break;
	case 1:
		memset(p, 0, MS_PAGE_SIZE);
		break;
	case 2:
		memcpy(region_addr(&r->reg[r->where[page] ^ 1], page), p, MS_PAGE_SIZE);
		break;
	case 3:
		if (madvise(p, MS_PAGE_SIZE, MADV_DONTNEED))
			return -errno;
		break;
	}
	snprintf(what, len, "%s page %lu in %s", kind, page, r->where[page] == REGION_SRC ? "src" : "dst");
	return 0;
}

int inject_validate(const char *spec, char *err, size_t len)
{
	static const char *const kinds[] = { "corrupt", "zero", "dup", "lose", "hang", "eexist", NULL };
	char kind[16];
	unsigned long page;
	char tail;
	unsigned k;

	if (!spec[0])
		return 0;
	if (sscanf(spec, "%15[a-z]:%lu%c", kind, &page, &tail) != 2) {
		snprintf(err, len, "--inject: invalid value '%s': expected KIND:PAGE with KIND corrupt|zero|dup|lose|hang|eexist", spec);
		return -EINVAL;
	}
	for (k = 0; kinds[k] && strcmp(kinds[k], kind); k++)
		;
	if (!kinds[k]) {
		snprintf(err, len, "--inject: unknown kind '%s': allowed values are corrupt|zero|dup|lose|hang|eexist", kind);
		return -EINVAL;
	}
	return 0;
}

/* ---- the run ---- */

static int layout(struct run *r, char *why, size_t len)
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

static int register_all(struct run *r, bool reg, char *why, size_t len)
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
static void assign_slots(struct run *r)
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

struct verdict {
	const char *name;
	int code;
};

static json_t *health_block(struct run *r, unsigned long taint0, int taint_err,
			    const char *marker, struct verdict *v, FILE *out)
{
	struct klog_report rep[MAX_REPORTS];
	unsigned long taint1 = 0;
	size_t lines = 0;
	char l0[32], l1[32];
	json_t *h = json_object(), *k;
	int n, terr;

	terr = health_taint_read(&taint1);
	if (!taint_err && !terr) {
		health_taint_letters(taint0, l0, sizeof(l0));
		health_taint_letters(taint1, l1, sizeof(l1));
		json_object_set_new(h, "taint", json_pack("{s:I, s:I, s:s, s:s, s:b}",
				    "before", (json_int_t)taint0, "after", (json_int_t)taint1,
				    "before_flags", l0, "after_flags", l1,
				    "new_report", health_taint_is_report(taint0, taint1)));
		if (health_taint_is_report(taint0, taint1)) {
			v->name = "kernel-report";
			v->code = MS_EXIT_KERNEL_REPORT;
		}
	} else {
		json_object_set_new(h, "taint", json_pack("{s:s}", "unavailable", strerror(-(terr ? terr : taint_err))));
	}
	n = klog_scan_since(marker, rep, MAX_REPORTS, &lines);
	if (n < 0) {
		char why[128];

		snprintf(why, sizeof(why), "unavailable: /dev/kmsg: %s", strerror(-n));
		k = json_pack("{s:b, s:s}", "available", 0, "reason", why);
		if (out)
			fprintf(out, "  kernel: kmsg %s\n", why);
	} else {
		k = json_pack("{s:b, s:I, s:o}", "available", 1, "lines_scanned", (json_int_t)lines,
			      "reports", klog_reports_to_json(rep, n));
		if (n) {
			json_object_set_new(k, "first_title", json_string(rep[0].title));
			v->name = "kernel-report";
			v->code = MS_EXIT_KERNEL_REPORT;
		}
	}
	json_object_set_new(h, "kmsg", k);
	if (out) {
		fprintf(out, "  kernel: taint %s -> %s", taint_err ? "?" : l0[0] ? l0 : "0",
			terr ? "?" : (health_taint_letters(taint1, l1, sizeof(l1)), l1[0] ? l1 : "0"));
		if (n > 0)
			fprintf(out, ", %d report(s), first: %s (%s)\n", n, rep[0].title,
				klog_kind_name(rep[0].kind));
		else if (n == 0)
			fprintf(out, ", kmsg: no reports (%zu lines scanned)\n", lines);
		else
			fputc('\n', out);
	}
	if (r->hung) {
		json_object_set_new(h, "watchdog", json_pack("{s:b, s:O}", "hang", 1, "threads", r->hang_info));
		v->name = "hang";
		v->code = MS_EXIT_HANG;
	} else {
		json_object_set_new(h, "watchdog", json_pack("{s:b, s:I}", "hang", 0, "timeout_ns",
							     (json_int_t)r->o->hang_timeout_ns));
	}
	return h;
}

/*
 * The patched kernels count rmap walks that found folio->mapping changed
 * under them (rmap_walk_mapping_changed): a MOVE re-pointed the folio
 * while a walker that should have been excluded was walking it.  Under
 * any policy that is a serialisation bug (the folio-unsafe control exists
 * to make it happen), so it is a kernel report like a KASAN splat.
 */
static void rmap_race_check(json_t *result, struct verdict *v, FILE *out)
{
	json_t *kernel = json_object_get(result, "kernel"), *health = json_object_get(result, "health");
	json_int_t n = json_integer_value(json_object_get(json_object_get(kernel, "counters"),
							  "rmap_walk_mapping_changed"));
	const char *policy = json_string_value(json_object_get(kernel, "rmap_policy"));
	char title[160];

	if (n <= 0)
		return;
	snprintf(title, sizeof(title), "rmap walk saw folio->mapping change under it %lld time(s) (uffd_move_rmap=%s)",
		 (long long)n, policy ? policy : "?");
	json_object_set_new(health, "rmap_race", json_pack("{s:I, s:s, s:s}", "rmap_walk_mapping_changed",
							   n, "policy", policy ? policy : "?", "title", title));
	if (v->code != MS_EXIT_HANG) {
		v->name = "kernel-report";
		v->code = MS_EXIT_KERNEL_REPORT;
	}
	if (out)
		fprintf(out, "  kernel: RACE: %s\n", title);
}

/*
 * The patched kernels count every page MOVE reported as moved
 * (uffd_move_pages, holes included as the ioctl's return does).  With no
 * other MOVE user on the machine (the VM) that delta must equal what our
 * ioctls were told: more means a MOVE moved pages it did not report (a
 * wrong uffdio_move.move on a short move), fewer means a MOVE reported
 * pages it did not count, or our own accounting dropped some.  Either
 * breaks the ledger the oracle trusts, so a mismatch fails the run.
 */
static void move_accounting_check(const struct run *r, json_t *result, json_t *mode_res,
				  struct verdict *v, FILE *out)
{
	json_t *k = json_object_get(json_object_get(json_object_get(result, "kernel"), "counters"),
				    "uffd_move_pages");
	uint64_t user = r->side_moved_pages, kern;
	unsigned i;

	if (!json_is_integer(k)) {
		json_object_set_new(mode_res, "move_accounting", json_pack("{s:s}", "unavailable",
				    "no uffd_move_pages in /proc/vmstat (a kernel without kernel-patches/)"));
		return;
	}
	for (i = 0; i < r->nworkers; i++)
		user += r->workers[i].st.pages;
	kern = (uint64_t)json_integer_value(k);
	json_object_set_new(mode_res, "move_accounting", json_pack("{s:I, s:I, s:b}",
			    "kernel_pages", (json_int_t)kern, "ioctl_pages", (json_int_t)user,
			    "match", kern == user));
	if (out)
		fprintf(out, "  move accounting: kernel uffd_move_pages +%llu, our ioctls were told %llu: %s\n",
			(unsigned long long)kern, (unsigned long long)user,
			kern == user ? "match" : "MISMATCH (another MOVE user on this machine also explains it)");
	if (kern != user && (v->code == MS_EXIT_PASS || v->code == MS_EXIT_KNOWN_BUG ||
			     v->code == MS_EXIT_INTERRUPTED)) {
		v->name = "failure";
		v->code = MS_EXIT_FAILURE;
	}
}

static void print_header(const struct run *r, FILE *f)
{
	const struct opts *o = r->o;
	char lru_gen[64];
	const char *lru = lru_gen_state(lru_gen, sizeof(lru_gen));

	fprintf(f, "movestress %s: mode=%s movers=%u src_vmas=%u idle_threads=%u size=%zuMiB pages=%zu move_len=%u reclaim=%s lru=%s lru_gen=%s seed=%" PRIu64 "\n",
		PACKAGE_VERSION, o->mode, o->movers, o->src_vmas, o->idle_threads,
		r->npages * MS_PAGE_SIZE >> 20, r->npages, o->move_len, o->reclaim,
		lru, lru_gen, r->seed);
}

/*
 * A run that ends before its result: say why (skipped: on stdout, errors
 * on stderr) and keep the reason for the result file.
 */
static int __attribute__((format(printf, 4, 5)))
stop_early(char *reason, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	if (code == MS_EXIT_SKIP)
		printf("skipped: %s\n", reason);
	else
		fprintf(stderr, "movestress: %s\n", reason);
	return code;
}

/* the result of a run that ended before it measured anything */
static json_t *early_result(const struct opts *o, uint64_t seed, json_t *env, int code,
			    const char *reason)
{
	json_t *j = result_head(o, seed, env);

	json_object_set_new(j, "verdict", json_string(exit_verdict(code)));
	json_object_set_new(j, "exit_code", json_integer(code));
	json_object_set_new(j, "reason", json_string(reason));
	if (code == MS_EXIT_SKIP)
		json_object_set_new(j, "skipped", json_string(reason));
	return j;
}

/* stdout is a pipe whose reader went away (`movestress run | head -1`) */
static bool stdout_broken(bool is_pipe)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	return is_pipe && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static bool stdout_is_pipe(void)
{
	struct stat st;

	return !fstat(STDOUT_FILENO, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

int run_validate(const struct opts *o)
{
	char why[512] = "";
	unsigned i;
	int ret;

	if ((o->trace[0] || o->trace_marker) && strcmp(o->mode, "jank")) {
		fprintf(stderr, "movestress: --%s: only the jank mode writes frame traces (use --scenario=jank)\n",
			o->trace[0] ? "trace" : "trace-marker");
		return MS_EXIT_USAGE;
	}
	if (opts_check_mode(o))
		return MS_EXIT_USAGE;
	if (inject_validate(o->inject, why, sizeof(why))) {
		fprintf(stderr, "movestress: %s\n", why);
		return MS_EXIT_USAGE;
	}
	for (i = 0; sides[i]; i++)
		if (sides[i]->validate(o))
			return MS_EXIT_USAGE;
	/* output files: a bad path is the user's to fix, before anything runs */
	if (o->trace[0] && (ret = opts_check_writable("trace", o->trace)))
		return ret;
	if (o->status_file[0] && (ret = opts_check_writable("status-file", o->status_file)))
		return ret;
	return 0;
}

int run_main(struct opts *o, json_t **result_out)
{
	struct run run = { .o = o }, *r = &run;
	struct thread_stats *tot = NULL, *htot = NULL;
	struct oracle_result *ores = NULL;
	struct verdict v = { "pass", MS_EXIT_PASS };
	char why[512] = "", marker[64], injected[160] = "", policy[64], reason[640] = "";
	char intr[160] = "", kbsum[128] = "";
	struct known_bug_counts kb = { { 0 } };
	json_t *result = NULL, *env = NULL, *vm0 = NULL, *vm1 = NULL, *sys0, *sys1, *mode_res;
	unsigned long taint0 = 0;
	unsigned nmov, nh, nx, i;
	uint64_t t_end, next_cp, t;
	FILE *out = o->quiet ? NULL : stdout;
	sigset_t sigs, old;
	pthread_t wd;
	bool interrupted = false, wd_started = false, out_pipe = stdout_is_pipe(), done = false;
	bool genuine = false;
	int nsides = 0;
	int ret, taint_err;

	r->mode = mode_find(o->mode);
	r->hang_page = -1;
	r->eexist_page = -1;
	r->uffd = -1;
	r->seed = o->seed_set ? o->seed : (now_ns() ^ ((uint64_t)getpid() << 32));
	o->seed = r->seed;
	/*
	 * Block SIGINT/SIGTERM/SIGHUP/SIGPIPE in every thread from the start:
	 * the main loop takes them (a signal during setup is taken there, at
	 * once), and every change to the system is undone before the mask is
	 * restored at out_free.  A blocked SIGPIPE turns a write to a closed
	 * pipe into EPIPE; the main loop watches stdout for that too.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	ret = run_validate(o);
	if (ret) {
		snprintf(reason, sizeof(reason), "invalid options (the line above says which)");
		goto out_free;
	}

	/* Can this kernel do it at all?  A skip, not a failure. */
	r->uffd = uffd_open_api(UFFD_FEATURE_MOVE | r->mode->uffd_features, &r->uffd_info, why, sizeof(why));
	if (r->uffd < 0) {
		ret = stop_early(reason, sizeof(reason), MS_EXIT_SKIP, "%s", why);
		goto out_free;
	}
	if (r->mode->supported(why, sizeof(why))) {
		ret = stop_early(reason, sizeof(reason), MS_EXIT_SKIP, "mode %s: %s", o->mode, why);
		goto out_free;
	}

	/* --lru-gen: before anything is measured; undone at out_free at the latest */
	ret = lru_gen_apply(o->lru_gen, why, sizeof(why));
	if (ret) {
		ret = stop_early(reason, sizeof(reason), ret == -EOPNOTSUPP ? MS_EXIT_SKIP :
				 ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV, "%s", why);
		goto out_free;
	}

	pthread_mutex_init(&r->gate_lock, NULL);
	pthread_cond_init(&r->gate_cond, NULL);
	r->checkpoint_results = json_array();
	nmov = o->movers;
	nh = r->mode->handler ? o->handlers : 0;
	nx = r->mode->nextra ? r->mode->nextra(o) : 0;
	r->nworkers = nmov + nh + nx + o->idle_threads;
	r->nmovers = nmov;
	r->workers = calloc(r->nworkers, sizeof(*r->workers));
	tot = calloc(1, sizeof(*tot));
	htot = calloc(1, sizeof(*htot));
	ores = calloc(1, sizeof(*ores));
	if (!r->workers || !tot || !htot || !ores) {
		ret = stop_early(reason, sizeof(reason), MS_EXIT_ENV, "out of memory");
		goto out_free;
	}

	ret = layout(r, why, sizeof(why));
	if (ret) {
		ret = stop_early(reason, sizeof(reason), ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV,
				 "%s", why);
		goto out_unmap;
	}
	if (out)
		print_header(r, out);

	/* health baseline: taint and a /dev/kmsg marker */
	taint_err = health_taint_read(&taint0);
	snprintf(marker, sizeof(marker), "run %d.%" PRIx64 " start", getpid(), r->seed);
	klog_mark(marker);
	env = env_collect(&r->uffd_info);
	r->env = env;
	vm0 = kv_read("/proc/vmstat");
	sys0 = dir_read(UFFD_MOVE_SYSFS);

	for (nsides = 0; sides[nsides]; nsides++) {
		ret = sides[nsides]->setup(r, why, sizeof(why));
		if (ret == -EOPNOTSUPP) {	/* this kernel/host lacks it: a skip */
			ret = stop_early(reason, sizeof(reason), MS_EXIT_SKIP, "%s", why);
			goto out_teardown;
		}
		if (ret) {
			ret = stop_early(reason, sizeof(reason), ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV,
					 "%s setup: %s", sides[nsides]->name, why);
			goto out_teardown;
		}
	}

	{
		long huge0 = anon_huge_kb();

		populate(r);
		if (r->mode->needs_thp) {
			long huge = anon_huge_kb() - huge0;

			json_object_set_new(env, "thp_populated_kb", json_integer(huge));
			if (huge <= 0) {
				ret = stop_early(reason, sizeof(reason), MS_EXIT_SKIP,
						 "mode thp: no transparent huge page could be allocated "
						 "(AnonHugePages did not grow after populating with MADV_HUGEPAGE)");
				goto out_teardown;
			}
		}
	}
	r->pfn_checkable = o->pfn_check && r->mode->pfn_check_ok && !strcmp(o->reclaim, "none");
	if (o->pfn_check && !r->pfn_checkable) {
		char pwhy[160];

		snprintf(pwhy, sizeof(pwhy), "%s", !r->mode->pfn_check_ok ?
			 "this mode's pages change frames (huge pages split and collapsed, or swapped)" :
			 "--reclaim swaps pages out and back in (new frames)");
		json_object_set_new(env, "pfn_check_skipped", json_string(pwhy));
		if (out)
			fprintf(out, "  oracle: --pfn-check skipped: %s\n", pwhy);
	}
	if (r->pfn_checkable && record_pfns(r))
		r->pfn_checkable = false;
	ret = register_all(r, true, why, sizeof(why));
	if (ret) {
		ret = stop_early(reason, sizeof(reason), ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV,
				 "%s", why);
		goto out_teardown;
	}

	if (r->mode->setup) {
		ret = r->mode->setup(r, why, sizeof(why));
		if (ret) {
			ret = stop_early(reason, sizeof(reason), ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV,
					 "mode %s: %s", o->mode, why);
			goto out_teardown;
		}
	}

	if (o->inject[0] && strncmp(o->inject, "hang:", 5)) {
		const char *c = strchr(o->inject, ':');
		unsigned long page = c ? strtoul(c + 1, NULL, 10) : ULONG_MAX;

		if (page >= r->npages || r->where[page] == REGION_NONE) {
			ret = stop_early(reason, sizeof(reason), MS_EXIT_USAGE,
					 "--inject: page %lu is %s: allowed pages are populated ones below %zu",
					 page, page >= r->npages ? "out of range" : "a hole", r->npages);
			goto out_teardown;
		}
	}
	if (!strncmp(o->inject, "hang:", 5)) {
		r->hang_page = atol(o->inject + 5);
		if (r->hang_page >= (long)r->npages || r->where[r->hang_page] != REGION_SRC ||
		    r->mode->handler) {
			ret = stop_early(reason, sizeof(reason), MS_EXIT_USAGE,
					 "--inject=hang: page must be a populated page (< %zu) and the mode must have no fault handler",
					 r->npages);
			goto out_teardown;
		}
	}

	if (!strncmp(o->inject, "eexist:", 7))
		r->eexist_page = atol(o->inject + 7);

	/* threads */
	assign_slots(r);
	if (r->mode->shared_slots)
		pthread_barrier_init(&r->barrier, NULL, nmov);
	r->t0_ns = now_ns();
	r->running = nmov;
	for (i = 0; i < r->nworkers; i++) {
		struct worker *w = &r->workers[i];

		w->run = r;
		w->rng = r->seed ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ULL);
		if (i < nmov) {
			w->idx = i;
			w->kind = r->mode->mover_kind;
			w->fn = r->mode->mover;
			w->parks = true;
			w->quota = o->ops ? (o->ops + nmov - 1) / nmov : 0;
		} else if (i < nmov + nh) {
			w->idx = i - nmov;
			w->kind = "handler";
			w->fn = r->mode->handler;
		} else if (i < nmov + nh + nx) {
			w->idx = i - nmov - nh;
			w->kind = r->mode->extra_kind;
			w->fn = r->mode->extra;
		} else {
			w->idx = i - nmov - nh - nx;
			w->kind = "idle";
			w->fn = idle_spinner;
		}
	}
	/* handlers and spinners first, so movers never fault without a handler */
	for (i = r->nworkers; i-- > 0;) {
		ret = start_thread(&r->workers[i].thread, worker_main, &r->workers[i]);
		if (ret) {
			stop_early(reason, sizeof(reason), MS_EXIT_ENV, "pthread_create: %s", strerror(-ret));
			__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&r->stop_handlers, 1, __ATOMIC_RELEASE);
			while (++i < r->nworkers)
				pthread_join(r->workers[i].thread, NULL);
			ret = MS_EXIT_ENV;
			goto out_teardown;
		}
	}
	if (!start_thread(&wd, watchdog_main, r))
		wd_started = true;
	for (i = 0; sides[i]; i++)
		sides[i]->start(r);

	/* main loop: runtime, ops, checkpoints, signals */
	t_end = r->t0_ns + o->runtime_ns;
	next_cp = o->checkpoint_ns ? r->t0_ns + o->checkpoint_ns : UINT64_MAX;
	for (;;) {
		struct timespec ts = { 0, 20 * 1000000L };
		siginfo_t si;

		if (sigtimedwait(&sigs, &si, &ts) > 0) {
			interrupted = true;
			snprintf(intr, sizeof(intr), "SIG%s (%s) after %.3fs", sigabbrev_np(si.si_signo) ?: "?",
				 strsignal(si.si_signo), (now_ns() - r->t0_ns) / 1e9);
			fprintf(stderr, "movestress: %s: stopping, restoring the system and checking\n",
				strsignal(si.si_signo));
			break;
		}
		if (stdout_broken(out_pipe)) {
			/* `run | head -1`: nobody reads us any more; stop as for SIGINT */
			interrupted = true;
			snprintf(intr, sizeof(intr), "EPIPE: stdout's reader went away after %.3fs",
				 (now_ns() - r->t0_ns) / 1e9);
			fprintf(stderr, "movestress: stdout closed (EPIPE): stopping, restoring the system and checking\n");
			break;
		}
		t = now_ns();
		status_tick(r, t);
		if (t >= t_end || run_stopped(r))
			break;
		pthread_mutex_lock(&r->gate_lock);
		i = r->running;
		pthread_mutex_unlock(&r->gate_lock);
		if (!i)
			break;
		if (t >= next_cp) {
			checkpoint(r);
			next_cp = now_ns() + o->checkpoint_ns;
		}
	}
	status_done(r);
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nmov; i++)
		pthread_join(r->workers[i].thread, NULL);
	__atomic_store_n(&r->movers_done, 1, __ATOMIC_RELEASE);
	r->elapsed_ns = now_ns() - r->t0_ns;
	__atomic_store_n(&r->stop_handlers, 1, __ATOMIC_RELEASE);
	for (i = nmov; i < r->nworkers; i++)
		pthread_join(r->workers[i].thread, NULL);
	__atomic_store_n(&r->joined, 1, __ATOMIC_RELEASE);
	for (i = 0; sides[i]; i++)
		sides[i]->stop(r);

	/*
	 * The oracle, on a quiet address space.  Unregistering lets
	 * khugepaged collapse the regions again, and with THP "always" it
	 * fills the empty PTEs of a collapsed range with zero pages (seen in
	 * the VM: a dozen "stray" zero pages at the end of a PMD range).
	 * MADV_NOHUGEPAGE first: collapse revalidates the VMA under the
	 * mmap lock, so none can start or finish after this.
	 */
	for (i = 0; i < MS_NR_REGIONS; i++)
		for (unsigned v = 0; v < r->reg[i].nvmas; v++)
			madvise(region_addr(&r->reg[i], (size_t)v * r->reg[i].vma_pages),
				r->reg[i].vma_pages * MS_PAGE_SIZE, MADV_NOHUGEPAGE);
	register_all(r, false, why, sizeof(why));
	if (r->eexist_page >= 0)
		snprintf(injected, sizeof(injected), "eexist page %ld: %s", r->eexist_page,
			 r->eexist_fired ? "one MOVE of it reported EEXIST after moving it" :
			 "no MOVE of it could be made to fail (not moved, or only by racing threads)");
	else if (o->inject[0] && inject(r, injected, sizeof(injected))) {
		fprintf(stderr, "movestress: --inject: page out of range or a hole: %s\n", o->inject);
		snprintf(injected, sizeof(injected), "invalid");
	}
	vm1 = kv_read("/proc/vmstat");
	{
		struct oracle_input in;
		json_t *mig = vm0 && vm1 ? kv_delta(vm0, vm1, (const char *const[]){ "pgmigrate_success", "thp_collapse_alloc", NULL }, 0) : NULL;
		bool migrated = mig && json_object_size(mig);

		if (migrated && r->pfn0)
			json_object_set_new(env, "pfn_check_skipped", json_string("the kernel migrated pages during the run (pgmigrate_success/thp_collapse_alloc moved)"));
		oracle_input(r, &in, r->pfn_checkable && r->pfn0 && !migrated);
		oracle_check(&in, ores);
		json_decref(mig);
	}
	sys1 = dir_read(UFFD_MOVE_SYSFS);
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	if (wd_started)
		pthread_join(wd, NULL);

	/* merge and report */
	stats_merge(tot, r->workers, nmov);
	stats_merge(htot, r->workers + nmov, nh);
	{
		uint64_t fails = r->side_failures;

		/* every thread: movers, handlers and a mode's own (jank ui, swapin) */
		for (i = 0; i < r->nworkers; i++) {
			fails += r->workers[i].st.failures;
			kb.n[KNOWN_BUG_MOVE_EEXIST] += r->workers[i].st.moved_but_failed;
		}
		kb.n[KNOWN_BUG_MOVE_EEXIST] += r->side_moved_but_failed;
		known_bugs_summary(&kb, kbsum, sizeof(kbsum));
		genuine = fails || ores->violations || ores->error[0] || r->checkpoint_violations;
		v.code = run_verdict(genuine, known_bugs_total(&kb), !strcmp(o->known_bugs, "fail"),
				     interrupted, &v.name);
	}
	if (out) {
		fprintf(out, "  %s: %llu ops, %llu pages in %.2fs: %.1f pages/s (%.1f ops/s)\n",
			r->mode->handler ? "move (toucher return path)" : "move",
			(unsigned long long)tot->ops, (unsigned long long)tot->pages, r->elapsed_ns / 1e9,
			tot->pages / (r->elapsed_ns / 1e9), tot->ops / (r->elapsed_ns / 1e9));
		print_hist(out, "clat", &tot->move_lat);
		print_retries(out, tot);
		print_failures(out, tot);
		if (nh) {
			fprintf(out, "  fault: %llu touches resolved; touch latency:\n", (unsigned long long)tot->aux_ops);
			print_hist(out, "touch", &tot->aux_lat);
			fprintf(out, "  handler moves: %llu ops, %llu pages\n", (unsigned long long)htot->ops,
				(unsigned long long)htot->pages);
			print_hist(out, "clat", &htot->move_lat);
			print_retries(out, htot);
			print_failures(out, htot);
		}
		if (r->mode->needs_thp)
			fprintf(out, "  thp: %llu whole 2MiB block moves, %llu split moves\n",
				(unsigned long long)tot->thp_pmd_ops, (unsigned long long)tot->thp_partial_ops);
		for (i = 0; i < nmov; i++)
			fprintf(out, "    %-12s tid=%-7d ops=%-10llu pages/s=%.1f\n", r->workers[i].st.name,
				r->workers[i].st.tid, (unsigned long long)r->workers[i].st.ops,
				r->workers[i].st.pages / (r->elapsed_ns / 1e9));
		if (injected[0])
			fprintf(out, "  injected: %s\n", injected);
		if (r->checkpoints)
			fprintf(out, "  checkpoints: %u oracle runs, %llu violations\n", r->checkpoints,
				(unsigned long long)r->checkpoint_violations);
		oracle_print(out, ores);
	}

	result = result_head(o, r->seed, env);
	env_rmap_policy(policy, sizeof(policy));
	json_object_set_new(result, "kernel", json_pack("{s:s, s:o, s:o, s:o}",
		"rmap_policy", policy,
		"uffd_move", json_pack("{s:o, s:o}", "before", sys0 ? sys0 : json_null(),
				       "after", sys1 ? sys1 : json_null()),
		"counters", kv_delta(vm0, vm1, (const char *const[]){ "uffd_move_", "rmap_", NULL }, 1),
		"vmstat", kv_delta(vm0, vm1, NULL, 0)));
	mode_res = json_pack("{s:s, s:i, s:I, s:I, s:o, s:o}", "mode", o->mode, "movers", nmov,
			     "runtime_ns", (json_int_t)r->elapsed_ns, "pages", (json_int_t)r->npages,
			     "move", stats_to_json(tot, r->elapsed_ns, opts_with_bins(o)),
			     "oracle", oracle_to_json(ores));
	if (nh) {
		json_object_set_new(mode_res, "handler", stats_to_json(htot, r->elapsed_ns, opts_with_bins(o)));
		json_object_set_new(mode_res, "touch", json_pack("{s:I, s:o}", "ops", (json_int_t)tot->aux_ops,
			"lat_ns", hist_to_json(&tot->aux_lat, hist_default_pcts, hist_default_npcts, opts_with_bins(o))));
	}
	if (r->mode->needs_thp)
		json_object_set_new(mode_res, "thp", json_pack("{s:I, s:I}", "block_moves", (json_int_t)tot->thp_pmd_ops,
							       "split_moves", (json_int_t)tot->thp_partial_ops));
	{
		json_t *threads = json_array();

		for (i = 0; i < r->nworkers; i++)
			json_array_append_new(threads, json_pack("{s:s, s:i, s:I, s:I, s:I}",
				"name", r->workers[i].st.name, "tid", r->workers[i].st.tid,
				"ops", (json_int_t)r->workers[i].st.ops, "pages", (json_int_t)r->workers[i].st.pages,
				"failures", (json_int_t)r->workers[i].st.failures));
		json_object_set_new(mode_res, "threads", threads);
	}
	json_object_set_new(mode_res, "checkpoints", json_incref(r->checkpoint_results));
	if (injected[0])
		json_object_set_new(mode_res, "injected", json_string(injected));
	if (r->mode->report)
		r->mode->report(r, mode_res, out);
	for (i = 0; sides[i]; i++)
		sides[i]->report(r, mode_res, out);
	move_accounting_check(r, result, mode_res, &v, out);
	json_object_set_new(result, "results", json_pack("[o]", mode_res));
	json_object_set_new(result, "health", health_block(r, taint0, taint_err, marker, &v, out));
	rmap_race_check(result, &v, out);
	if (interrupted) {
		json_object_set_new(result, "interrupted", json_true());
		json_object_set_new(result, "interruption", json_pack("{s:s, s:s}", "reason", intr,
				    "what", "the run stopped early; the system was restored and the oracle checked what ran"));
	}
	if (kbsum[0])
		json_object_set_new(result, "known_bugs", known_bugs_to_json(&kb));
	json_object_set_new(result, "verdict", json_string(v.name));
	json_object_set_new(result, "exit_code", json_integer(v.code));
	if (result_out) {
		*result_out = result;
		result = NULL;
	}
	done = true;
	if (out) {
		for (i = 0; i < KNOWN_BUGS_MAX; i++)
			if (kb.n[i])
				fprintf(out, "  known kernel bug %s: %s (x%llu; %s)\n", known_bugs[i].id,
					known_bugs[i].title, (unsigned long long)kb.n[i], known_bugs[i].doc);
		if (v.code == MS_EXIT_KNOWN_BUG)
			fprintf(out, "verdict: known kernel bug %s", kbsum);
		else if (kbsum[0] && !genuine && v.code == MS_EXIT_FAILURE)
			fprintf(out, "verdict: failure: known kernel bug %s (--known-bugs=fail)", kbsum);
		else
			fprintf(out, "verdict: %s", v.name);
		if (v.code == MS_EXIT_INTERRUPTED)
			fprintf(out, ": %s", intr);
		fprintf(out, " (exit %d", v.code);
		if (kbsum[0] && (genuine || (v.code != MS_EXIT_KNOWN_BUG && v.code != MS_EXIT_FAILURE)))
			fprintf(out, "; also known kernel bug %s", kbsum);
		fprintf(out, ")\n");
	}
	ret = v.code;

out_teardown:
	if (r->mode->teardown && r->mode_priv)
		r->mode->teardown(r);
	while (nsides-- > 0)
		sides[nsides]->teardown(r);
out_unmap:
	for (i = 0; i < MS_NR_REGIONS; i++)
		unmap_region(&r->reg[i]);
	if (r->mode->shared_slots && r->t0_ns)
		pthread_barrier_destroy(&r->barrier);
out_free:
	if (!done && result_out) {
		json_t *e = env ? json_incref(env) : env_collect(&r->uffd_info);

		*result_out = early_result(o, r->seed, e, ret, reason[0] ? reason : why);
		json_decref(e);
	}
	json_decref(result);
	json_decref(env);
	json_decref(vm0);
	json_decref(vm1);
	json_decref(r->checkpoint_results);
	json_decref(r->hang_info);
	free(r->where);
	free(r->gen);
	free(r->pfn0);
	free(r->workers);
	free(tot);
	free(htot);
	free(ores);
	if (r->uffd >= 0)
		close(r->uffd);
	/* --lru-gen, and whatever a setup that failed half-way left (teardowns did the rest) */
	sysstate_restore_all();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}
