// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lock waits of the run's threads from the lock:contention_begin and
 * lock:contention_end trace events (Linux 5.19+), read through libtracefs
 * from a private tracefs instance that is removed afterwards (recorded in
 * the state file first, like a tracefs mount made for the run).  The
 * instance's set_event_pid holds the run's thread ids, its clock is
 * "mono" so waits split into the warm-up and pressure phases.  Numbers
 * use perf lock's vocabulary: contended, wait_total, wait_max, avg_wait,
 * per lock type (flags as perf lock decodes them), per thread and, with
 * --lock-stacks, per caller (the first frame outside the locking code
 * of the stack the "stacktrace" option records after each begin event).
 */
#include "config.h"
#include "core/kv.h"
#include "pressure/pressure-int.h"
#include "core/run.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_TRACEFS
#include <tracefs.h>
#endif

struct lstat {
	uint64_t contended, wait_total, wait_max;
};

/* include/trace/events/lock.h flags, decoded as tools/perf/builtin-lock.c does */
#define LCB_F_SPIN	(1U << 0)
#define LCB_F_READ	(1U << 1)
#define LCB_F_WRITE	(1U << 2)
#define LCB_F_RT	(1U << 3)
#define LCB_F_PERCPU	(1U << 4)
#define LCB_F_MUTEX	(1U << 5)

static const struct {
	unsigned flags;
	const char *name;
} lock_types[] = {
	{ LCB_F_SPIN, "spinlock" },
	{ LCB_F_SPIN | LCB_F_READ, "rwlock:R" },
	{ LCB_F_SPIN | LCB_F_WRITE, "rwlock:W" },
	{ LCB_F_READ, "rwsem:R" },
	{ LCB_F_WRITE, "rwsem:W" },
	{ LCB_F_RT, "rt-mutex" },
	{ LCB_F_RT | LCB_F_READ, "rwlock-rt:R" },
	{ LCB_F_RT | LCB_F_WRITE, "rwlock-rt:W" },
	{ LCB_F_PERCPU | LCB_F_READ, "pcpu-sem:R" },
	{ LCB_F_PERCPU | LCB_F_WRITE, "pcpu-sem:W" },
	{ LCB_F_MUTEX, "mutex" },
	{ LCB_F_MUTEX | LCB_F_SPIN, "mutex-spin" },
	{ 0, "other" },
};
#define NR_TYPES (sizeof(lock_types) / sizeof(lock_types[0]))

#define LS_MAX_THREADS	256
#define LS_MAX_CALLERS	512

struct ls_thread {
	pid_t tid;
	char name[16];
	bool pending;
	uint64_t t_begin, addr, caller;
	unsigned flags;
	struct lstat all;
};

struct ls_caller {
	uint64_t ip;
	struct lstat st;
};

struct ksym {
	uint64_t addr;
	char *name;
};

struct lockstat {
	struct pressure *p;
	bool stacks;
	char why[256];
	char dir[256];		/* tracefs mount */
	char inst_path[400];
	int inst_id;
	pthread_t th;
	bool started;
	int stop;
	uint64_t events, lost, unmatched;
	struct lstat type[2][NR_TYPES];	/* [0] warm-up, [1] pressure */
	pthread_mutex_t mu;		/* t[]/nthreads: the reader and add_tid */
	unsigned nthreads;
	struct ls_thread t[LS_MAX_THREADS];
	unsigned ncallers;
	struct ls_caller c[LS_MAX_CALLERS];
	struct ksym *syms;
	size_t nsyms;
	int last_cpu_begin_tid[1024];
#ifdef HAVE_TRACEFS
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	int begin_id, end_id, stack_id;
	struct tep_format_field *f_addr_b, *f_flags, *f_addr_e, *f_caller;
#endif
};

static __attribute__((unused)) void lstat_add(struct lstat *s, uint64_t wait)
{
	s->contended++;
	s->wait_total += wait;
	if (wait > s->wait_max)
		s->wait_max = wait;
}

static json_t *lstat_json(const struct lstat *s)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "contended", (json_int_t)s->contended,
			 "wait_total_ns", (json_int_t)s->wait_total, "wait_max_ns", (json_int_t)s->wait_max,
			 "avg_wait_ns", (json_int_t)(s->contended ? s->wait_total / s->contended : 0));
}

static __attribute__((unused)) unsigned type_idx(unsigned flags)
{
	unsigned i;

	for (i = 0; i + 1 < NR_TYPES; i++)
		if (lock_types[i].flags == flags)
			return i;
	return NR_TYPES - 1;
}

static struct ls_thread *find_thread_locked(struct lockstat *l, pid_t tid, bool add)
{
	unsigned i;

	for (i = 0; i < l->nthreads; i++)
		if (l->t[i].tid == tid)
			return &l->t[i];
	if (!add || l->nthreads == LS_MAX_THREADS)
		return NULL;
	l->t[l->nthreads].tid = tid;
	if (add) {
		/* a thread the filter picked up by itself (event-fork): its comm */
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
		if (read_line(path, l->t[l->nthreads].name, sizeof(l->t[l->nthreads].name)))
			l->t[l->nthreads].name[0] = '\0';
	}
	return &l->t[l->nthreads++];
}

static __attribute__((unused)) struct ls_thread *find_thread(struct lockstat *l, pid_t tid, bool add)
{
	struct ls_thread *t;

	pthread_mutex_lock(&l->mu);
	t = find_thread_locked(l, tid, add);
	pthread_mutex_unlock(&l->mu);
	return t;
}

#ifdef HAVE_TRACEFS

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_kallsyms(struct lockstat *l)
{
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (l->nsyms == cap) {
			struct ksym *n = realloc(l->syms, (cap = cap ? cap * 2 : 65536) * sizeof(*n));

			if (!n)
				break;
			l->syms = n;
		}
		l->syms[l->nsyms].addr = addr;
		l->syms[l->nsyms++].name = strdup(name);
	}
	fclose(f);
	qsort(l->syms, l->nsyms, sizeof(*l->syms), ksym_cmp);
}

static const char *ksym_name(struct lockstat *l, uint64_t ip)
{
	size_t lo = 0, hi = l->nsyms;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (l->syms[mid].addr <= ip)
			lo = mid;
		else
			hi = mid;
	}
	return l->nsyms && l->syms[lo].addr <= ip ? l->syms[lo].name : NULL;
}

/* frames that are the locking code itself, skipped to find the caller */
static bool lock_frame(const char *n)
{
	static const char *const skip[] = { "lock", "rwsem", "mutex", "contention", "slowpath",
					    "trace", "schedule", "osq_", "__down", "down_", "up_", NULL };
	const char *const *s;

	for (s = skip; *s; s++)
		if (strstr(n, *s))
			return true;
	return false;
}

static int on_event(struct tep_event *ev, struct tep_record *rec, int cpu, void *ctx)
{
	struct lockstat *l = ctx;
	unsigned long long addr = 0, v = 0;
	struct ls_thread *t;
	pid_t tid;

	l->events++;
	if (rec->missed_events > 0)
		l->lost += (uint64_t)rec->missed_events;
	tid = tep_data_pid(l->tep, rec);
	if (ev->id == l->begin_id) {
		t = find_thread(l, tid, true);
		if (!t)
			return 0;
		tep_read_number_field(l->f_addr_b, rec->data, &addr);
		tep_read_number_field(l->f_flags, rec->data, &v);
		if (!t->pending || t->addr != addr) {
			t->pending = true;
			t->t_begin = rec->ts;
			t->addr = addr;
			t->caller = 0;
		}
		t->flags = (unsigned)v;	/* a spinning waiter may go to sleep: last flags win */
		if (cpu >= 0 && cpu < 1024)
			l->last_cpu_begin_tid[cpu] = tid;
	} else if (ev->id == l->end_id) {
		t = find_thread(l, tid, false);
		tep_read_number_field(l->f_addr_e, rec->data, &addr);
		if (!t || !t->pending || t->addr != addr) {
			l->unmatched++;
			return 0;
		}
		{
			uint64_t wait = rec->ts - t->t_begin;
			uint64_t tp = __atomic_load_n(&l->p->t_pressure, __ATOMIC_ACQUIRE);
			unsigned phase = tp && t->t_begin >= tp;

			lstat_add(&l->type[phase][type_idx(t->flags)], wait);
			lstat_add(&t->all, wait);
			if (l->stacks && t->caller) {
				unsigned i;

				for (i = 0; i < l->ncallers && l->c[i].ip != t->caller; i++)
					;
				if (i == l->ncallers && l->ncallers < LS_MAX_CALLERS)
					l->c[l->ncallers++].ip = t->caller;
				if (i < l->ncallers)
					lstat_add(&l->c[i].st, wait);
			}
		}
		t->pending = false;
	} else if (ev->id == l->stack_id && l->f_caller && cpu >= 0 && cpu < 1024) {
		int len = 0;
		uint64_t *ips;

		t = find_thread(l, l->last_cpu_begin_tid[cpu], false);
		if (!t || !t->pending || t->caller)
			return 0;
		ips = tep_get_field_raw(NULL, ev, "caller", rec, &len, 0);
		for (int i = 0; ips && i < len / 8; i++) {
			const char *n;

			if (!ips[i] || ips[i] == ~0ULL)
				break;
			n = ksym_name(l, ips[i]);
			if (n && !lock_frame(n)) {
				/* key by the function start, so callers aggregate per function */
				size_t lo = 0, hi = l->nsyms;

				while (hi - lo > 1) {
					size_t mid = (lo + hi) / 2;

					if (l->syms[mid].addr <= ips[i])
						lo = mid;
					else
						hi = mid;
				}
				t->caller = l->syms[lo].addr;
				break;
			}
		}
	}
	return 0;
}

static void drain(struct lockstat *l)
{
	tracefs_iterate_raw_events(l->tep, l->inst, NULL, 0, on_event, l);
}

static void *reader_main(void *arg)
{
	struct lockstat *l = arg;
	char name[16];

	set_thread_name("lockstat", 0, name);
	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		struct timespec ts = { 0, 50 * 1000000L };

		drain(l);
		nanosleep(&ts, NULL);
	}
	drain(l);
	return NULL;
}

/*
 * The standard tracefs mount, or a private one made for the run (recorded):
 * never another run's private mount, which that run removes when it ends.
 */
static int tracefs_dir(struct lockstat *l)
{
	char dev[256], mnt[512], type[64], dir[400], *line = NULL;
	const char *std[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	FILE *f = fopen("/proc/self/mounts", "re");
	size_t cap = 0;
	int ret;

	while (f && getline(&line, &cap, f) > 0)
		if (sscanf(line, "%255s %511s %63s", dev, mnt, type) == 3 && !strcmp(type, "tracefs") &&
		    (!strcmp(mnt, std[0]) || !strcmp(mnt, std[1]))) {
			snprintf(l->dir, sizeof(l->dir), "%.250s", mnt);
			free(line);
			fclose(f);
			return 0;
		}
	free(line);
	if (f)
		fclose(f);
	snprintf(dir, sizeof(dir), "%.300s/tracefs-%d", sysstate_dir(), getpid());
	ret = sysstate_record("dir", json_pack("{s:s}", "path", dir));
	if (ret >= 0 && mkdir(dir, 0700) && errno != EEXIST)
		ret = -errno;
	if (ret >= 0)
		ret = sysstate_record("mount", json_pack("{s:s}", "path", dir));
	if (ret < 0 || mount("nodev", dir, "tracefs", 0, NULL)) {
		ret = ret < 0 ? ret : -errno;
		snprintf(l->why, sizeof(l->why), "mounting tracefs on %.150s: %s", dir, strerror(-ret));
		return ret;
	}
	snprintf(l->dir, sizeof(l->dir), "%.250s", dir);
	return 0;
}

static int setup(struct lockstat *l)
{
	static const char *const systems[] = { "lock", "ftrace", NULL };
	char path[600], name[64];
	struct tep_event *b, *e, *s;
	int ret;

	if (geteuid()) {
		snprintf(l->why, sizeof(l->why), "tracefs needs root");
		return -EPERM;
	}
	ret = tracefs_dir(l);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/events/lock/contention_begin", l->dir);
	if (access(path, F_OK)) {
		snprintf(l->why, sizeof(l->why), "no lock:contention_begin event in %.60s/events/lock "
			 "(kernel older than 5.19, or without CONFIG_TRACEPOINTS/CONFIG_EVENT_TRACING)", l->dir);
		return -ENOENT;
	}
	if (tracefs_set_tracing_dir(l->dir)) {
		snprintf(l->why, sizeof(l->why), "libtracefs: cannot use %.200s", l->dir);
		return -EIO;
	}
	snprintf(name, sizeof(name), "movestress-%d", getpid());
	snprintf(l->inst_path, sizeof(l->inst_path), "%s/instances/%s", l->dir, name);
	l->inst_id = sysstate_record("tracefs_instance", json_pack("{s:s}", "path", l->inst_path));
	if (l->inst_id < 0) {
		snprintf(l->why, sizeof(l->why), "state file: %s", strerror(-l->inst_id));
		return l->inst_id;
	}
	l->inst = tracefs_instance_create(name);
	if (!l->inst) {
		snprintf(l->why, sizeof(l->why), "creating tracefs instance %s: %s", name, strerror(errno));
		return -EIO;
	}
	tracefs_instance_file_write(l->inst, "buffer_size_kb", "8192");
	if (tracefs_instance_file_write(l->inst, "trace_clock", "mono") < 0) {
		snprintf(l->why, sizeof(l->why), "trace_clock mono not available");
		return -EIO;
	}
	tracefs_instance_file_write(l->inst, "options/event-fork", "1");
	if (l->stacks)
		tracefs_instance_file_write(l->inst, "options/stacktrace", "1");
	l->tep = tracefs_local_events_system(l->dir, systems);
	b = l->tep ? tep_find_event_by_name(l->tep, "lock", "contention_begin") : NULL;
	e = l->tep ? tep_find_event_by_name(l->tep, "lock", "contention_end") : NULL;
	s = l->tep ? tep_find_event_by_name(l->tep, "ftrace", "kernel_stack") : NULL;
	if (!b || !e) {
		snprintf(l->why, sizeof(l->why), "cannot parse the lock event formats");
		return -EIO;
	}
	l->begin_id = b->id;
	l->end_id = e->id;
	l->stack_id = s ? s->id : -1;
	l->f_addr_b = tep_find_field(b, "lock_addr");
	l->f_flags = tep_find_field(b, "flags");
	l->f_addr_e = tep_find_field(e, "lock_addr");
	l->f_caller = s ? tep_find_field(s, "caller") : NULL;
	if (!l->f_addr_b || !l->f_flags || !l->f_addr_e) {
		snprintf(l->why, sizeof(l->why), "lock event format lacks lock_addr/flags");
		return -EIO;
	}
	if (l->stacks)
		load_kallsyms(l);
	return 0;
}

static int enable(struct lockstat *l)
{
	if (tracefs_event_enable(l->inst, "lock", "contention_begin") ||
	    tracefs_event_enable(l->inst, "lock", "contention_end")) {
		snprintf(l->why, sizeof(l->why), "enabling lock events: %s", strerror(errno));
		return -EIO;
	}
	tracefs_trace_on(l->inst);
	if (pthread_create(&l->th, NULL, reader_main, l)) {
		snprintf(l->why, sizeof(l->why), "pthread_create failed");
		return -EAGAIN;
	}
	l->started = true;
	return 0;
}
#endif /* HAVE_TRACEFS */

struct lockstat *lockstat_prepare(struct pressure *p, bool stacks)
{
	struct lockstat *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->p = p;
	l->stacks = stacks;
	l->inst_id = -1;
	pthread_mutex_init(&l->mu, NULL);
#ifdef HAVE_TRACEFS
	setup(l);
#else
	snprintf(l->why, sizeof(l->why), "built without libtracefs (libtracefs-dev missing or --without-tracefs)");
#endif
	return l;
}

void lockstat_begin(struct lockstat *l)
{
	struct run *r;
	unsigned i;

	if (!l || l->why[0])
		return;
	r = l->p->r;
	/* the movers' tids: worker_main sets them as it starts */
	for (i = 0; i < r->nworkers; i++) {
		for (int k = 0; k < 1000 && !__atomic_load_n(&r->workers[i].st.tid, __ATOMIC_ACQUIRE); k++)
			usleep(1000);
		lockstat_add_tid(l, r->workers[i].st.tid, r->workers[i].st.name);
	}
	if (!l->nthreads) {
		snprintf(l->why, sizeof(l->why), "no thread ids to filter on");
		return;
	}
#ifdef HAVE_TRACEFS
	enable(l);
#endif
}

void lockstat_add_tid(struct lockstat *l, pid_t tid, const char *name)
{
	struct ls_thread *t;
	char v[32];

	if (!l || tid <= 0 || l->why[0])
		return;
	pthread_mutex_lock(&l->mu);
	t = find_thread_locked(l, tid, true);
	if (t)
		snprintf(t->name, sizeof(t->name), "%s", name);
	pthread_mutex_unlock(&l->mu);
#ifdef HAVE_TRACEFS
	snprintf(v, sizeof(v), "%d ", tid);
	if (l->inst)
		tracefs_instance_file_append(l->inst, "set_event_pid", v);
#else
	(void)v;
#endif
}

void lockstat_stop(struct lockstat *l)
{
	if (!l || !l->started)
		return;
	__atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
	pthread_join(l->th, NULL);
	l->started = false;
#ifdef HAVE_TRACEFS
	tracefs_event_disable(l->inst, "lock", NULL);
#endif
}

static int caller_cmp(const void *a, const void *b)
{
	const struct ls_caller *x = a, *y = b;

	return x->st.wait_total < y->st.wait_total ? 1 : x->st.wait_total > y->st.wait_total ? -1 : 0;
}

json_t *lockstat_report(struct lockstat *l, FILE *f)
{
	json_t *j, *types[2], *all, *threads, *callers;
	struct lstat sum[2] = { { 0 } };
	unsigned i, ph;

	if (l->why[0]) {
		if (f)
			fprintf(f, "  locks: unavailable: %s\n", l->why);
		return json_pack("{s:s}", "unavailable", l->why);
	}
	all = json_object();
	for (ph = 0; ph < 2; ph++) {
		types[ph] = json_object();
		for (i = 0; i < NR_TYPES; i++) {
			struct lstat *s = &l->type[ph][i];

			if (!s->contended)
				continue;
			json_object_set_new(types[ph], lock_types[i].name, lstat_json(s));
			sum[ph].contended += s->contended;
			sum[ph].wait_total += s->wait_total;
			if (s->wait_max > sum[ph].wait_max)
				sum[ph].wait_max = s->wait_max;
		}
	}
	for (i = 0; i < NR_TYPES; i++) {
		struct lstat s = l->type[0][i];

		if (!s.contended && !l->type[1][i].contended)
			continue;
		s.contended += l->type[1][i].contended;
		s.wait_total += l->type[1][i].wait_total;
		if (l->type[1][i].wait_max > s.wait_max)
			s.wait_max = l->type[1][i].wait_max;
		json_object_set_new(all, lock_types[i].name, lstat_json(&s));
	}
	threads = json_array();
	for (i = 0; i < l->nthreads; i++)
		if (l->t[i].name[0] || l->t[i].all.contended) {
			json_t *e = lstat_json(&l->t[i].all);

			json_object_set_new(e, "thread", json_string(l->t[i].name[0] ? l->t[i].name : "?"));
			json_object_set_new(e, "tid", json_integer(l->t[i].tid));
			json_array_append_new(threads, e);
		}
	j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o}",
		      "source", "tracefs lock:contention_begin/end", "instance", l->inst_path,
		      "events", (json_int_t)l->events, "lost_events", (json_int_t)l->lost,
		      "unmatched_ends", (json_int_t)l->unmatched,
		      "by_type", all, "by_type_warmup", types[0], "by_type_pressure", types[1],
		      "total_warmup", lstat_json(&sum[0]), "total_pressure", lstat_json(&sum[1]),
		      "by_thread", threads);
	if (l->stacks) {
		qsort(l->c, l->ncallers, sizeof(l->c[0]), caller_cmp);
		callers = json_array();
		for (i = 0; i < l->ncallers; i++) {
			json_t *e = lstat_json(&l->c[i].st);
#ifdef HAVE_TRACEFS
			const char *n = ksym_name(l, l->c[i].ip);
#else
			const char *n = NULL;
#endif
			json_object_set_new(e, "caller", json_string(n ? n : "?"));
			json_array_append_new(callers, e);
		}
		json_object_set_new(j, "by_caller", callers);
	}
	if (f) {
		fprintf(f, "  locks (tracefs lock:contention_*, %" PRIu64 " events, %" PRIu64 " lost):\n",
			l->events, l->lost);
		for (ph = 0; ph < 2; ph++)
			fprintf(f, "    %-9s contended=%" PRIu64 " wait_total=%.3fms wait_max=%.3fms avg_wait=%.1fus\n",
				ph ? "pressure" : "warm-up", sum[ph].contended, sum[ph].wait_total / 1e6,
				sum[ph].wait_max / 1e6, sum[ph].contended ? sum[ph].wait_total / 1e3 / sum[ph].contended : 0.0);
		for (i = 0; i < NR_TYPES; i++) {
			struct lstat *a = &l->type[0][i], *b = &l->type[1][i];

			if (a->contended || b->contended)
				fprintf(f, "      %-12s contended=%" PRIu64 "/%" PRIu64 " wait_total=%.3f/%.3fms wait_max=%.3f/%.3fms (warm-up/pressure)\n",
					lock_types[i].name, a->contended, b->contended, a->wait_total / 1e6,
					b->wait_total / 1e6, a->wait_max / 1e6, b->wait_max / 1e6);
		}
		{
			struct lstat other = { 0 };

			for (i = 0; i < l->nthreads; i++) {
				struct lstat *a = &l->t[i].all;

				if (!a->contended)
					continue;
				if (!l->t[i].name[0]) {
					/* outside the run's process (picked up by event-fork) */
					other.contended += a->contended;
					other.wait_total += a->wait_total;
					if (a->wait_max > other.wait_max)
						other.wait_max = a->wait_max;
					continue;
				}
				fprintf(f, "      %-12s contended=%" PRIu64 " wait_total=%.3fms wait_max=%.3fms\n",
					l->t[i].name, a->contended, a->wait_total / 1e6, a->wait_max / 1e6);
			}
			if (other.contended)
				fprintf(f, "      %-12s contended=%" PRIu64 " wait_total=%.3fms wait_max=%.3fms\n",
					"(others)", other.contended, other.wait_total / 1e6, other.wait_max / 1e6);
		}
		for (i = 0; l->stacks && i < l->ncallers && i < 8; i++) {
#ifdef HAVE_TRACEFS
			const char *n = ksym_name(l, l->c[i].ip);
#else
			const char *n = NULL;
#endif
			fprintf(f, "      caller %-32s contended=%" PRIu64 " wait_total=%.3fms wait_max=%.3fms\n",
				n ? n : "?", l->c[i].st.contended, l->c[i].st.wait_total / 1e6, l->c[i].st.wait_max / 1e6);
		}
	}
	return j;
}

void lockstat_free(struct lockstat *l)
{
	size_t i;

	if (!l)
		return;
	lockstat_stop(l);
#ifdef HAVE_TRACEFS
	if (l->inst) {
		tracefs_instance_destroy(l->inst);
		tracefs_instance_free(l->inst);
	}
	if (l->tep)
		tep_free(l->tep);
#endif
	if (l->inst_id >= 0)
		sysstate_undo(l->inst_id);
	for (i = 0; i < l->nsyms; i++)
		free(l->syms[i].name);
	free(l->syms);
	free(l);
}
