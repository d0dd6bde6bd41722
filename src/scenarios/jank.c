// SPDX-License-Identifier: GPL-2.0-only
/*
 * The jank scenario: seed 002's field trace (over 30 ms of uninterruptible
 * sleep in the main UI thread while GC threads move distinct pages out of
 * one heap VMA), made repeatable.
 *
 * Threads (all named, so perf and Perfetto show them):
 *   gc/N       the movers: partitioned bulk MOVEs of the GC slots of the
 *              source VMA (continuous, or --gc-bursts), at nice 10 or
 *              SCHED_IDLE, only after the baseline phase
 *   ui/0       SCHED_FIFO (else the lowest nice it may take): wakes every
 *              frame period (clock_nanosleep TIMER_ABSTIME), touches heap
 *              pages (from-space pages fault and handler/0 MOVEs them in),
 *              MOVEs a few pages itself, does --ui-work of CPU work
 *   handler/0  resolves the UI thread's userfaults with MOVE, at the UI's
 *              priority (ART's mutator resolves its own faults)
 *   sampler/0  every 1 ms reads the UI thread's state and wchan: D-state
 *              episodes and what they waited in; counters for the trace
 *   hog/N      optional CPU hogs at nice 0
 *
 * Ledger rule (engine/modes.c): r->where[s] is written only by the owner of slot s.
 * The UI thread owns the last --ui-pages slots of the source, the GC
 * threads split the rest; handler/0 moves only pages the UI thread
 * faulted on, and the UI thread updates the ledger once the touch returns.
 *
 * Per frame, the UI's uninterruptible sleep comes from
 * /proc/self/task/TID/sched sum_block_runtime when the kernel has
 * schedstats; otherwise it is derived: off-CPU time (wall minus
 * CLOCK_THREAD_CPUTIME_ID) minus run-queue wait (schedstat) minus the time
 * asleep in userfaults (which sleep interruptibly, S not D).
 */
#include "config.h"
#include "scenarios/jank.h"
#include "scenarios/jank-int.h"
#include "engine/modes.h"
#include "pressure/pressure.h"
#include "core/report.h"
#include "core/run.h"
#include "engine/move.h"
#include "core/stamp.h"
#include "core/trace-json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>


static void set_gc_sched(pid_t tid, const char *policy, char *out, size_t len)
{
	struct sched_param sp = { .sched_priority = 0 };
	int err;

	if (!strcmp(policy, "idle")) {
		err = pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
		snprintf(out, len, err ? "SCHED_OTHER nice 0 (SCHED_IDLE failed: %s)" : "SCHED_IDLE",
			 strerror(err));
	} else if (!strcmp(policy, "nice")) {
		err = setpriority(PRIO_PROCESS, tid, 10) ? errno : 0;
		snprintf(out, len, err ? "nice 0 (setpriority 10 failed: %s)" : "nice 10", strerror(err));
	} else {
		snprintf(out, len, "SCHED_OTHER nice 0");
	}
}

struct trace_buf *jank_trace_register(struct run *r, const char *thread_name, pid_t tid)
{
	struct jank *j;
	unsigned i;

	if (!r || !r->mode || r->mode->setup != jank_setup || !(j = jank_of(r)) || !j->trace)
		return NULL;
	i = __atomic_fetch_add(&j->trace_next_buf, 1, __ATOMIC_RELAXED);
	if (i >= j->trace->nbufs)
		return NULL;
	trace_buf_init(&j->trace->bufs[i], thread_name, tid);
	return &j->trace->bufs[i];
}

/* ---- GC movers ---- */

/*
 * Move @npages pages of this thread's slots from *cursor on (wrapping at
 * w->hi), each page to the other region; --move-len pages per ioctl where
 * they are contiguous in one VMA and region.  One trace slice per call.
 */
static uint64_t gc_batch(struct worker *w, size_t *cursor, uint64_t npages, struct trace_buf *tb)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	size_t vp = r->reg[0].vma_pages, s, n, done;
	uint64_t t0 = now_ns(), ops0 = w->st.ops, moved = 0, left = npages;
	unsigned from, to, tries = 0;
	int64_t ret;
	int err;

	mark_b(j, "gc batch");
	while (left && !run_stopped(r)) {
		s = *cursor;
		from = r->where[s];
		if (from == REGION_NONE) {
			n = 1;
			goto advance;
		}
		to = from ^ 1;
		for (n = 1; n < r->o->move_len && n < left && s + n < w->hi && (s + n) % vp &&
		     r->where[s + n] == from; n++)
			;
		ret = run_move(r, &w->st, addr_of(r, to, s), addr_of(r, from, s), n * MS_PAGE_SIZE, 0,
			       r->mode->allowed_errs, &err);
		done = (size_t)ret / MS_PAGE_SIZE;
		for (size_t i = 0; i < done; i++)
			ledger_set(r, s + i, to);
		moved += done;
		if (done < n && (err == EAGAIN || err == EBUSY) && ++tries < MOVE_TRIES) {
			n = done;	/* retry the rest from where it stopped */
			if (!n)
				continue;
		} else if (done < n) {
			n = done + 1;	/* skip the page that would not move */
		}
		tries = 0;
advance:
		left -= n < left ? n : left;
		*cursor = s + n >= w->hi ? w->lo : s + n;
	}
	trace_slice(tb, "gc", "gc batch", t0, now_ns(), (const struct trace_arg[]){
		{ "pages", (int64_t)moved }, { "ioctls", (int64_t)(w->st.ops - ops0) }, { NULL, 0 } });
	mark_e(j);
	return moved;
}

/* sleep until @t in short steps, parking at checkpoints; false if the run stopped */
static bool gc_wait_until(struct run *r, uint64_t t)
{
	uint64_t now;

	while (!run_stopped(r) && (now = now_ns()) < t) {
		run_gate(r);
		sleep_until(t - now > 10000000ULL ? now + 10000000ULL : t);
	}
	return !run_stopped(r);
}

void *jank_gc_mover(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	struct trace_buf *tb = thread_start(w, r->mode->mover_kind, w->idx);
	uint64_t next_at[JANK_MAX_BURSTS], t, moved, share, bt0;
	unsigned n = r->nmovers, b, best;
	char sched[96];
	size_t cursor;

	set_gc_sched(w->st.tid, r->o->gc_sched, sched, sizeof(sched));
	if (w->idx == 0)
		snprintf(j->gc_sched, sizeof(j->gc_sched), "%s", sched);
	/* the GC's share of the source: everything below the UI's slots */
	w->lo = j->ui_lo * w->idx / n;
	w->hi = j->ui_lo * (w->idx + 1) / n;
	cursor = w->lo;
	/* the baseline phase: no GC */
	while (!__atomic_load_n(&j->gc_go, __ATOMIC_ACQUIRE)) {
		if (run_stopped(r))
			return NULL;
		run_gate(r);
		sleep_until(now_ns() + 1000000ULL);
	}
	if (w->lo == w->hi) {
		while (gc_wait_until(r, now_ns() + 100000000ULL))
			;
		return NULL;
	}
	if (!j->nbursts) {
		while (!run_stopped(r)) {
			run_gate(r);
			gc_batch(w, &cursor, r->o->gc_batch, tb);
		}
		return NULL;
	}
	for (b = 0; b < j->nbursts; b++)
		next_at[b] = w->idx < j->bursts[b].threads ? j->gc_t0 + j->bursts[b].at_ns : UINT64_MAX;
	while (!run_stopped(r)) {
		for (b = 0, best = 0; b < j->nbursts; b++)
			if (next_at[b] < next_at[best])
				best = b;
		t = next_at[best];
		if (!gc_wait_until(r, t == UINT64_MAX ? now_ns() + 100000000ULL : t))
			break;
		if (t == UINT64_MAX)
			continue;
		share = j->bursts[best].pages / j->bursts[best].threads +
			(w->idx < j->bursts[best].pages % j->bursts[best].threads);
		bt0 = now_ns();
		moved = 0;
		mark_b(j, "gc burst");
		while (share && !run_stopped(r)) {
			uint64_t k = share < r->o->gc_batch ? share : r->o->gc_batch;

			run_gate(r);
			moved += gc_batch(w, &cursor, k, tb);
			share -= k;
		}
		mark_e(j);
		trace_slice(tb, "gc", "gc burst", bt0, now_ns(), (const struct trace_arg[]){
			{ "burst", best }, { "pages", (int64_t)moved }, { NULL, 0 } });
		next_at[best] = j->bursts[best].every_ns ? t + j->bursts[best].every_ns : UINT64_MAX;
	}
	return NULL;
}

/* ---- the fault handler ---- */

static void handler_main(struct worker *w)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	struct trace_buf *tb = thread_start(w, "handler", 0);
	struct pollfd pfd = { .fd = r->uffd, .events = POLLIN };
	struct uffd_msg msg[16];
	unsigned to, i, n, tries;
	uint64_t a, t0;
	ssize_t got;
	long s;
	int err;

	set_rt(w->st.tid, UI_RT_PRIO, j->handler_sched, sizeof(j->handler_sched));
	__atomic_store_n(&j->handler_tid, w->st.tid, __ATOMIC_RELEASE);
	/* leave only once the UI thread can no longer fault */
	while (!(__atomic_load_n(&r->stop_handlers, __ATOMIC_SEQ_CST) &&
		 (__atomic_load_n(&j->ui_done, __ATOMIC_SEQ_CST) ||
		  !__atomic_load_n(&j->ui_started, __ATOMIC_SEQ_CST)))) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		got = read(r->uffd, msg, sizeof(msg));
		if (got <= 0)
			continue;
		n = got / sizeof(msg[0]);
		for (i = 0; i < n; i++) {
			if (msg[i].event != UFFD_EVENT_PAGEFAULT)
				continue;
			a = msg[i].arg.pagefault.address & ~(MS_PAGE_SIZE - 1);
			to = REGION_DST;
			s = region_slot(&r->reg[REGION_DST], (void *)(uintptr_t)a);
			if (s < 0) {
				to = REGION_SRC;
				s = region_slot(&r->reg[REGION_SRC], (void *)(uintptr_t)a);
			}
			if (s < 0) {
				ui_fail(r, w, "fault outside the regions", a, 0);
				continue;
			}
			t0 = now_ns();
			mark_b(j, "resolve fault");
			tries = 0;
			err = 0;
			do {
				/*
				 * EBUSY that stays: the source page (or its swap
				 * entry) lost PageAnonExclusive, e.g. a read fault
				 * mapped it from the swap cache shared.  MOVE never
				 * moves such a page; a write makes it exclusive
				 * again, as the uAPI says.  The UI thread owns the
				 * slot and waits in this fault, so no MOVE races it.
				 */
				if (err == EBUSY && !(tries % 16))
					__atomic_fetch_add((uint64_t *)(uintptr_t)addr_of(r, to ^ 1, s), 0,
							   __ATOMIC_RELAXED);	/* same value */
				run_move(r, &w->st, a, addr_of(r, to ^ 1, s), MS_PAGE_SIZE, 0,
					 r->mode->allowed_errs | MOVE_RACY, &err);
			} while ((err == EAGAIN || err == EBUSY) && ++tries < 1000000);
			/* EEXIST/ENOENT: resolved elsewhere; the faulting thread still needs a wake */
			if (err)
				uffd_wake(r->uffd, a, MS_PAGE_SIZE);
			mark_e(j);
			trace_slice(tb, "fault", "resolve fault", t0, now_ns(), (const struct trace_arg[]){
				{ "slot", s }, { "err", err }, { NULL, 0 } });
		}
	}
}

static void hog_main(struct worker *w, unsigned idx)
{
	thread_start(w, "hog", idx);
	while (!run_stopped(w->run)) {
		cpu_relax();
		if (!(++w->st.aux_ops & 0xffff))
			run_progress(&w->st);
	}
}

unsigned jank_nextra(const struct opts *o)
{
	return 3 + o->hogs;	/* ui/0, handler/0, sampler/0, hog/N */
}

void *jank_extra(void *arg)
{
	struct worker *w = arg;
	struct jank *j = jank_of(w->run);

	switch (w->idx) {
	case 0:
		ui_main(w);
		__atomic_store_n(&j->ui_done, 1, __ATOMIC_SEQ_CST);
		break;
	case 1:
		handler_main(w);
		break;
	case 2:
		sampler_main(w);
		break;
	default:
		hog_main(w, w->idx - 3);
		break;
	}
	return NULL;
}

/* ---- setup / teardown ---- */

static void probe_block_sum(struct jank *j)
{
	char buf[16] = "";
	bool found = false;
	int fd;

	/* schedstats off but switchable: switch on for the run, restore after */
	fd = open(SCHEDSTATS_SYSCTL, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		pread_str(fd, buf, sizeof(buf));
		close(fd);
		if (buf[0] == '0') {
			fd = open(SCHEDSTATS_SYSCTL, O_WRONLY | O_CLOEXEC);
			if (fd >= 0 && write(fd, "1", 1) == 1) {
				j->schedstats_changed = true;
				snprintf(j->schedstats_old, sizeof(j->schedstats_old), "0");
			}
			if (fd >= 0)
				close(fd);
		}
	}
	fd = open("/proc/self/sched", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		read_block_ns(fd, &found);
		close(fd);
	}
	j->block_sum = found;
	if (found)
		snprintf(j->d_source, sizeof(j->d_source),
			 "/proc/self/task/TID/sched sum_block_runtime (schedstats%s)",
			 j->schedstats_changed ? " switched on for the run" : "");
	else
		snprintf(j->d_source, sizeof(j->d_source),
			 "derived: off-CPU time (wall - CLOCK_THREAD_CPUTIME_ID) - run-queue wait "
			 "(/proc/self/task/TID/schedstat) - sleep in userfaults (interruptible); "
			 "sum_block_runtime unavailable: %s",
			 access(SCHEDSTATS_SYSCTL, F_OK) ? "kernel without CONFIG_SCHEDSTATS" :
			 "schedstats could not be switched on");
}

int jank_setup(struct run *r, char *why, size_t len)
{
	const struct opts *o = r->o;
	struct jank *j = calloc(1, sizeof(*j));
	size_t ui;
	int ret;

	if (!j) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	r->mode_priv = j;
	r->trace_thread = jank_trace_register;	/* reclaim threads' slices (pressure.c) */
	j->r = r;
	j->pid = getpid();
	j->marker_fd = -1;
	if (r->npages < 64) {
		snprintf(why, len, "--size: %zu pages is too small for the jank scenario (at least 64)", r->npages);
		return -EINVAL;
	}
	ui = o->ui_pages < r->npages / 2 ? o->ui_pages : r->npages / 2;
	j->ui_lo = r->npages - ui;
	j->ui_hi = r->npages;
	ret = jank_parse_bursts(o->gc_bursts, j->bursts, JANK_MAX_BURSTS, why, len);
	if (ret < 0)
		return ret;
	j->nbursts = (unsigned)ret;
	for (unsigned b = 0; b < j->nbursts; b++)
		if (j->bursts[b].threads > r->nmovers) {
			snprintf(j->bursts_note, sizeof(j->bursts_note),
				 "burst %u asks for %u threads; --gc-threads is %u, so %u take part", b,
				 j->bursts[b].threads, r->nmovers, r->nmovers);
			j->bursts[b].threads = r->nmovers;
		}
	j->frames_cap = o->runtime_ns / o->frame_period_ns + 64;
	if (j->frames_cap > MAX_FRAMES)
		j->frames_cap = MAX_FRAMES;
	j->frames = calloc(j->frames_cap, sizeof(*j->frames));
	j->eps = calloc(MAX_EPISODES, sizeof(*j->eps));
	if (!j->frames || !j->eps) {
		snprintf(why, len, "out of memory for the frame records");
		return -ENOMEM;
	}
	for (int p = 0; p < PH_NR; p++) {
		hist_init(&j->ph[p].frame);
		hist_init(&j->ph[p].d);
	}
	probe_block_sum(j);
	snprintf(j->sampler_status, sizeof(j->sampler_status), "not started");
	if (o->trace[0]) {
		/* run_validate() checked before the run that the trace can be written */
		j->trace = trace_new(r->nworkers + TRACE_OTHER_THREADS, TRACE_EVENTS_PER_THREAD);
		j->trace_next_buf = r->nworkers;
		if (!j->trace) {
			snprintf(why, len, "out of memory for the trace buffers");
			return -ENOMEM;
		}
	}
	if (o->trace_marker) {
		char mwhy[200];

		j->marker_fd = trace_marker_open(j->marker_path, sizeof(j->marker_path), &j->marker_mounted,
						 mwhy, sizeof(mwhy));
		if (j->marker_fd < 0)
			snprintf(j->marker_status, sizeof(j->marker_status), "skipped: %s", mwhy);
		else
			snprintf(j->marker_status, sizeof(j->marker_status), "writing to %s%s", j->marker_path,
				 j->marker_mounted ? " (tracefs mounted for the run)" : "");
	}
	return 0;
}

void jank_teardown(struct run *r)
{
	struct jank *j = jank_of(r);
	int fd;

	if (!j)
		return;
	if (j->schedstats_changed) {
		fd = open(SCHEDSTATS_SYSCTL, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, j->schedstats_old, strlen(j->schedstats_old)) < 0)
				fprintf(stderr, "movestress: restoring %s: %s\n", SCHEDSTATS_SYSCTL, strerror(errno));
			close(fd);
		}
	}
	trace_marker_close(j->marker_fd, j->marker_mounted);
	trace_free(j->trace);
	free(j->frames);
	free(j->eps);
	free(j);
	r->mode_priv = NULL;
	r->trace_thread = NULL;
}

/* ---- parsers of the scenario's option values (hooks: cli/options.c) ---- */

static const struct {
	const char *name;
	uint64_t ns;
} period_names[] = {
	{ "60hz", 16666667 },
	{ "90hz", 11111111 },
	{ "120hz", 8333333 },
};

int jank_parse_period(const char *s, uint64_t *ns)
{
	size_t i;

	for (i = 0; i < sizeof(period_names) / sizeof(period_names[0]); i++)
		if (!strcasecmp(s, period_names[i].name)) {
			*ns = period_names[i].ns;
			return 0;
		}
	if (parse_time_ns(s, ns) || *ns < 1000000ULL || *ns > 1000000000ULL)
		return -EINVAL;
	return 0;
}

int jank_parse_bursts(const char *spec, struct jank_burst *b, unsigned max, char *err, size_t len)
{
	char item[128], at[48], every[48];
	unsigned n = 0;
	const char *p = spec, *c;
	uint64_t pages, threads;
	int k;

	if (!spec || !*spec)
		return 0;
	do {
		size_t l;

		c = strchr(p, ',');
		l = c ? (size_t)(c - p) : strlen(p);
		if (l >= sizeof(item) || n >= max) {
			snprintf(err, len, "--gc-bursts: %s", n >= max ? "too many bursts" : "burst too long");
			return -EINVAL;
		}
		memcpy(item, p, l);
		item[l] = '\0';
		every[0] = '\0';
		k = sscanf(item, "%47[^:]:%" SCNu64 ":%" SCNu64 ":%47s", at, &pages, &threads, every);
		if (k < 3 || strchr(item, ' ') || (k == 3 && strchr(strchr(strchr(item, ':') + 1, ':') + 1, ':'))) {
			snprintf(err, len, "--gc-bursts: burst %u '%s': expected AT:PAGES:THREADS[:EVERY]", n, item);
			return -EINVAL;
		}
		if (parse_time_ns(at, &b[n].at_ns)) {
			snprintf(err, len, "--gc-bursts: burst %u: AT '%s' is not a duration", n, at);
			return -EINVAL;
		}
		if (!pages || !threads || threads > 1024) {
			snprintf(err, len, "--gc-bursts: burst %u: PAGES must be >= 1 and THREADS in 1..1024", n);
			return -EINVAL;
		}
		b[n].every_ns = 0;
		if (k == 4 && parse_time_ns(every, &b[n].every_ns)) {
			snprintf(err, len, "--gc-bursts: burst %u: EVERY '%s' is not a duration", n, every);
			return -EINVAL;
		}
		if (k == 4 && b[n].every_ns && b[n].every_ns < 1000000ULL) {
			snprintf(err, len, "--gc-bursts: burst %u: EVERY must be 0 (once) or at least 1ms", n);
			return -EINVAL;
		}
		b[n].pages = pages;
		b[n].threads = (unsigned)threads;
		n++;
		p = c + 1;
	} while (c);
	return (int)n;
}

