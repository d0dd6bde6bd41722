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
 * Ledger rule (modes.c): r->where[s] is written only by the owner of slot s.
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
#include "jank.h"
#include "trials.h"
#include "modes.h"
#include "options.h"
#include "pressure.h"
#include "report.h"
#include "run.h"
#include "stamp.h"
#include "trace-json.h"

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

#define UI_RT_PRIO		2
#define SAMPLER_RT_PRIO		1
#define SAMPLE_PERIOD_NS	1000000ULL
#define COUNTER_PERIOD_NS	100000000ULL
#define TRACE_EVENTS_PER_THREAD	65536
#define TRACE_OTHER_THREADS	16	/* buffers for threads that are not workers (reclaim) */
#define MAX_FRAMES		(1u << 20)
#define MAX_EPISODES		(1u << 16)
#define MAX_WCHAN		64
#define MOVE_TRIES		64
#define SCHEDSTATS_SYSCTL	"/proc/sys/kernel/sched_schedstats"

enum { PH_BASE, PH_GC, PH_NR };
static const char *const phase_names[PH_NR] = { "baseline", "gc" };

struct jank_frame {
	uint64_t vsync, start, end;
	uint64_t d_ns;		/* uninterruptible sleep in the frame (see d_source) */
	uint64_t d_sampled_ns;	/* the sampler's D episodes overlapping the frame */
	uint64_t fault_ns;	/* in userfaults, waiting for handler/0 */
	uint32_t faults, moves;
	uint8_t phase, missed;
	int16_t wchan;		/* longest overlapping D episode's wchan, -1 none */
};

struct jank_episode {
	uint64_t t0, t1;
	uint32_t samples;
	uint16_t wchan;
};

struct phase_stats {
	struct hist frame;	/* end - vsync */
	struct hist d;		/* D ns per frame */
	uint64_t frames, missed, skipped_vsyncs, faults, moves, d_total;
	uint64_t longest_ns;
	size_t longest_idx;
	uint64_t longest_d_ns;
	size_t longest_d_idx;
	uint64_t longest_fault_ns, fault_total;
	size_t longest_fault_idx;
};

struct jank {
	struct run *r;
	pid_t pid;
	size_t ui_lo, ui_hi;
	struct jank_burst bursts[JANK_MAX_BURSTS];
	unsigned nbursts;
	char bursts_note[160];
	struct trace *trace;
	unsigned trace_next_buf;	/* atomic: next free buffer for jank_trace_register() */
	int marker_fd;
	bool marker_mounted;
	char marker_path[64];
	char marker_status[256];
	char d_source[512];
	bool block_sum;
	bool schedstats_changed;
	char schedstats_old[16];
	/* written once by their thread, read after the join */
	char ui_sched[96], handler_sched[96], gc_sched[96], sampler_sched[96];
	/* cross-thread flags: atomics */
	int ui_started, ui_done;
	pid_t ui_tid, handler_tid;
	int gc_go;
	uint64_t gc_t0;
	/* owned by ui/0 */
	struct jank_frame *frames;
	size_t nframes, frames_cap;
	uint64_t frames_unrecorded;
	struct phase_stats ph[PH_NR];
	uint64_t pauses;
	uint64_t work_sink;
	/* owned by sampler/0 */
	char wchan[MAX_WCHAN][72];
	char wchan_label[MAX_WCHAN][80];
	uint64_t wchan_samples[MAX_WCHAN];
	unsigned nwchan;
	struct jank_episode *eps;
	size_t neps;
	uint64_t eps_dropped, samples, d_samples, handler_d_samples;
	char sampler_status[160];
};

static inline struct jank *jank_of(struct run *r)
{
	return r->mode_priv;
}

static inline uint64_t addr_of(const struct run *r, unsigned region, size_t s)
{
	return (uint64_t)(uintptr_t)region_addr(&r->reg[region], s);
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct timespec ns_to_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = ns_to_ts(t);

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int open_task_file(pid_t tid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static ssize_t pread_str(int fd, char *buf, size_t len)
{
	ssize_t n = fd >= 0 ? pread(fd, buf, len - 1, 0) : -1;

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* schedstat: "run_ns wait_ns timeslices"; the run-queue wait */
static uint64_t read_runq_ns(int fd)
{
	char buf[96];
	unsigned long long run, wait;

	if (pread_str(fd, buf, sizeof(buf)) <= 0 || sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return 0;
	return wait;
}

/* /proc/.../sched "sum_block_runtime : 123.456789" (ms); 0 if absent */
static uint64_t read_block_ns(int fd, bool *found)
{
	char buf[4096], *p;
	unsigned long long ms, frac;

	*found = false;
	if (pread_str(fd, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "sum_block_runtime");
	if (!p || !(p = strchr(p, ':')))
		return 0;
	if (sscanf(p + 1, " %llu.%llu", &ms, &frac) != 2)
		return 0;
	*found = true;
	return ms * 1000000ULL + frac;
}

/* ---- priorities ---- */

static void set_rt(pid_t tid, int prio, char *out, size_t len)
{
	struct sched_param sp = { .sched_priority = prio };
	int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

	if (!err) {
		snprintf(out, len, "SCHED_FIFO %d", prio);
		return;
	}
	for (int nice = -20; nice <= 0; nice++)
		if (!setpriority(PRIO_PROCESS, tid, nice)) {
			snprintf(out, len, "nice %d (SCHED_FIFO not permitted: %s)", nice, strerror(err));
			return;
		}
	snprintf(out, len, "nice 0 (SCHED_FIFO not permitted: %s)", strerror(err));
}

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

/* ---- per-thread start ---- */

static struct trace_buf *thread_start(struct worker *w, const char *kind, unsigned idx)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	struct trace_buf *b;

	set_thread_name(kind, idx, w->st.name);
	if (!j->trace)
		return NULL;
	b = &j->trace->bufs[w - r->workers];
	trace_buf_init(b, w->st.name, w->st.tid);
	return b;
}

static void mark_b(struct jank *j, const char *name)
{
	trace_marker_begin(j->marker_fd, j->pid, name);
}

static void mark_e(struct jank *j)
{
	trace_marker_end(j->marker_fd, j->pid);
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

/* ---- the UI thread ---- */

struct ui_state {
	size_t cursor;
	unsigned from;		/* this pass moves pages from this region to the other */
	int ss_fd, sched_fd;
};

static void ui_advance(struct jank *j, struct ui_state *u)
{
	if (++u->cursor >= j->ui_hi) {
		u->cursor = j->ui_lo;
		u->from ^= 1;
	}
}

static void ui_fail(struct run *r, struct worker *w, const char *op, uint64_t addr, int64_t ret)
{
	w->st.failures++;
	w->st.fail[w->st.nfail < MS_MAX_FAILS ? w->st.nfail++ : MS_MAX_FAILS - 1] = (struct op_failure){
		.op = op, .dst = addr, .ret = ret, .t_ns = now_ns() - r->t0_ns,
	};
}

/* touch slot @s: a from-space page faults and handler/0 moves it in; returns the sleep in the fault */
static uint64_t ui_touch(struct worker *w, struct ui_state *u, size_t s, bool *faulted,
			 uint64_t *fault_ns)
{
	struct run *r = w->run;
	unsigned to = u->from ^ 1;
	volatile const struct stamp *h;
	uint64_t a0, a1, c0, c1, q0, q1, page, off;

	*faulted = false;
	if (r->where[s] != u->from) {
		/* left behind by a failed move: an ordinary read where it is */
		if (r->where[s] == REGION_NONE)
			return 0;
		h = (const void *)region_addr(&r->reg[r->where[s]], s);
		if (h->page != s)
			ui_fail(r, w, "touch", (uintptr_t)h, h->page);
		return 0;
	}
	h = (const void *)region_addr(&r->reg[to], s);
	c0 = thread_cpu_ns();
	q0 = read_runq_ns(u->ss_fd);
	a0 = now_ns();
	page = h->page;		/* the fault: returns once handler/0 moved the page in */
	a1 = now_ns();
	c1 = thread_cpu_ns();
	q1 = read_runq_ns(u->ss_fd);
	hist_add(&w->st.aux_lat, a1 - a0);
	w->st.aux_ops++;
	*faulted = true;
	*fault_ns += a1 - a0;
	if (page != s)
		ui_fail(r, w, "touch", (uintptr_t)h, (int64_t)page);
	ledger_set(r, s, to);
	r->gen[s]++;
	stamp_write((void *)h, r->seed, REGION_SRC, (uint32_t)s, r->gen[s]);
	off = (c1 - c0) + (q1 - q0);
	return a1 - a0 > off ? a1 - a0 - off : 0;
}

static bool ui_move(struct worker *w, struct ui_state *u, size_t s)
{
	struct run *r = w->run;
	unsigned to = u->from ^ 1, tries = 0;
	int64_t ret;
	int err;

	if (r->where[s] != u->from)
		return false;
	do {
		ret = run_move(r, &w->st, addr_of(r, to, s), addr_of(r, u->from, s), MS_PAGE_SIZE, 0,
			       r->mode->allowed_errs, &err);
	} while (ret != MS_PAGE_SIZE && (err == EAGAIN || err == EBUSY) && ++tries < MOVE_TRIES);
	if (ret != MS_PAGE_SIZE)
		return false;
	ledger_set(r, s, to);
	return true;
}

/* CPU work: read the UI's own pages (where the ledger says they are) for @ns */
static void ui_work(struct jank *j, uint64_t ns)
{
	struct run *r = j->r;
	uint64_t t0 = now_ns(), sum = 0;
	size_t n = j->ui_hi - j->ui_lo, k = 0, s;

	if (!ns)
		return;
	do {
		for (unsigned i = 0; i < 64; i++, k++) {
			s = j->ui_lo + k % n;
			if (r->where[s] != REGION_NONE) {
				const volatile uint64_t *p = (const void *)region_addr(&r->reg[r->where[s]], s);

				for (unsigned l = 0; l < MS_PAGE_SIZE / 8; l += 64)
					sum += p[l];
			}
		}
	} while (now_ns() - t0 < ns);
	j->work_sink += sum;
}

static void ui_frame(struct worker *w, struct ui_state *u, uint64_t vsync, uint64_t *next,
		     struct trace_buf *tb)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	const struct opts *o = r->o;
	uint64_t period = o->frame_period_ns, start = now_ns(), t1, t2, t3, end;
	uint64_t cpu0, cpu1, rq0, rq1, blk0 = 0, blk1 = 0, fault_sleep = 0, fault_ns = 0, d_ns, wall, off;
	unsigned nf = 0, nm = 0, k, phase;
	struct phase_stats *ps;
	bool faulted, found;

	if (!__atomic_load_n(&j->gc_go, __ATOMIC_RELAXED) &&
	    vsync >= r->t0_ns + o->runtime_ns / 100 * o->baseline_pct) {
		j->gc_t0 = vsync;
		__atomic_store_n(&j->gc_go, 1, __ATOMIC_RELEASE);
		trace_instant(tb, "phase", "GC movers start", start, NULL);
	}
	phase = __atomic_load_n(&j->gc_go, __ATOMIC_RELAXED) ? PH_GC : PH_BASE;
	mark_b(j, "frame");
	cpu0 = thread_cpu_ns();
	rq0 = read_runq_ns(u->ss_fd);
	if (j->block_sum)
		blk0 = read_block_ns(u->sched_fd, &found);
	for (k = 0; k < o->ui_touches; k++) {
		fault_sleep += ui_touch(w, u, u->cursor, &faulted, &fault_ns);
		nf += faulted;
		ui_advance(j, u);
	}
	t1 = now_ns();
	for (k = 0; k < o->ui_moves; k++) {
		nm += ui_move(w, u, u->cursor);
		ui_advance(j, u);
	}
	t2 = now_ns();
	ui_work(j, o->ui_work_ns);
	t3 = end = now_ns();
	cpu1 = thread_cpu_ns();
	rq1 = read_runq_ns(u->ss_fd);
	if (j->block_sum)
		blk1 = read_block_ns(u->sched_fd, &found);
	mark_e(j);

	wall = end - start;
	off = wall > cpu1 - cpu0 ? wall - (cpu1 - cpu0) : 0;
	if (j->block_sum)
		d_ns = blk1 - blk0;
	else
		d_ns = off > (rq1 - rq0) + fault_sleep ? off - (rq1 - rq0) - fault_sleep : 0;

	ps = &j->ph[phase];
	ps->frames++;
	ps->faults += nf;
	ps->moves += nm;
	ps->d_total += d_ns;
	ps->fault_total += fault_ns;
	hist_add(&ps->frame, end - vsync);
	hist_add(&ps->d, d_ns);
	if (j->nframes < j->frames_cap) {
		j->frames[j->nframes] = (struct jank_frame){
			.vsync = vsync, .start = start, .end = end, .d_ns = d_ns, .fault_ns = fault_ns, .faults = nf,
			.moves = nm, .phase = phase, .missed = end > vsync + period, .wchan = -1,
		};
		if (end - vsync > ps->longest_ns) {
			ps->longest_ns = end - vsync;
			ps->longest_idx = j->nframes;
		}
		if (d_ns > ps->longest_d_ns) {
			ps->longest_d_ns = d_ns;
			ps->longest_d_idx = j->nframes;
		}
		if (fault_ns > ps->longest_fault_ns) {
			ps->longest_fault_ns = fault_ns;
			ps->longest_fault_idx = j->nframes;
		}
		j->nframes++;
	} else {
		j->frames_unrecorded++;
	}
	if (tb) {
		if (o->ui_touches)
			trace_slice(tb, "ui", "touch", start, t1, (const struct trace_arg[]){
				{ "faults", nf }, { "fault_wait_us", (int64_t)(fault_ns / 1000) }, { NULL, 0 } });
		if (o->ui_moves)
			trace_slice(tb, "ui", "ui move", t1, t2, (const struct trace_arg[]){
				{ "pages", nm }, { NULL, 0 } });
		if (o->ui_work_ns)
			trace_slice(tb, "ui", "work", t2, t3, NULL);
		trace_slice(tb, "frame", end > vsync + period ? "frame (missed)" : "frame", vsync, end,
			    (const struct trace_arg[]){ { "faults", nf }, { "moves", nm },
			    { "d_state_us", (int64_t)(d_ns / 1000) }, { "missed", end > vsync + period }, });
		if (end > vsync + period)
			trace_instant(tb, "frame", "deadline missed", vsync + period, NULL);
	}
	if (end > vsync + period)
		ps->missed++;
	*next = vsync + period;
	while (*next <= end) {
		*next += period;
		ps->skipped_vsyncs++;
	}
	run_progress(&w->st);
}

static void ui_main(struct worker *w)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	struct trace_buf *tb = thread_start(w, "ui", 0);
	struct ui_state u = { .cursor = j->ui_lo, .from = REGION_SRC };
	uint64_t next, g0, g1;

	__atomic_store_n(&j->ui_started, 1, __ATOMIC_SEQ_CST);
	set_rt(w->st.tid, UI_RT_PRIO, j->ui_sched, sizeof(j->ui_sched));
	u.ss_fd = open_task_file(w->st.tid, "schedstat");
	if (u.ss_fd < 0 && !j->block_sum)
		snprintf(j->d_source + strlen(j->d_source), sizeof(j->d_source) - strlen(j->d_source),
			 "; schedstat unavailable (%s): the D time includes run-queue waits", strerror(errno));
	u.sched_fd = j->block_sum ? open_task_file(w->st.tid, "sched") : -1;
	/*
	 * Park at checkpoints like the movers, so the ledger of the UI's slots
	 * stays still: count ourselves among the running parkers (and leave
	 * that count ourselves below; w->parks stays false for the engine).
	 */
	pthread_mutex_lock(&r->gate_lock);
	r->running++;
	pthread_mutex_unlock(&r->gate_lock);
	__atomic_store_n(&j->ui_tid, w->st.tid, __ATOMIC_RELEASE);

	next = now_ns() + r->o->frame_period_ns;
	while (!run_stopped(r)) {
		g0 = now_ns();
		run_gate(r);
		g1 = now_ns();
		if (g1 - g0 > 1000000ULL) {
			/* a checkpoint held us: start a fresh frame clock */
			j->pauses++;
			next = g1 + r->o->frame_period_ns;
		}
		sleep_until(next);
		if (run_stopped(r))
			break;
		ui_frame(w, &u, next, &next, tb);
	}
	pthread_mutex_lock(&r->gate_lock);
	r->running--;
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
	if (u.ss_fd >= 0)
		close(u.ss_fd);
	if (u.sched_fd >= 0)
		close(u.sched_fd);
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

/* ---- the sampler ---- */

/* @who: NULL for the UI thread itself, else the thread it waits for */
static unsigned wchan_intern(struct jank *j, const char *who, const char *name)
{
	char full[72];
	unsigned i;

	snprintf(full, sizeof(full), "%s%s%.60s", who ? who : "", who ? " in " : "", name);
	for (i = 0; i < j->nwchan; i++)
		if (!strcmp(j->wchan[i], full))
			return i;
	if (j->nwchan >= MAX_WCHAN)
		return MAX_WCHAN - 1;	/* the last slot collects the rest */
	if (j->nwchan == MAX_WCHAN - 1)
		snprintf(full, sizeof(full), "other");
	snprintf(j->wchan[j->nwchan], sizeof(j->wchan[0]), "%.71s", full);
	snprintf(j->wchan_label[j->nwchan], sizeof(j->wchan_label[0]), "D: %s", full);
	return j->nwchan++;
}

static void episode_close(struct jank *j, struct trace_buf *tb, const struct jank_episode *e)
{
	if (j->neps < MAX_EPISODES)
		j->eps[j->neps++] = *e;
	else
		j->eps_dropped++;
	trace_slice(tb, "dstate", j->wchan_label[e->wchan], e->t0, e->t1, (const struct trace_arg[]){
		{ "samples", e->samples }, { "ui_tid", __atomic_load_n(&j->ui_tid, __ATOMIC_RELAXED) },
		{ NULL, 0 } });
}

static uint64_t progress_of(const struct worker *w)
{
	return __atomic_load_n(&w->st.progress, __ATOMIC_RELAXED);
}

/* state letter of a task from its stat fd, 0 if unreadable */
static char task_state(int fd)
{
	char stat[512], *p;

	if (pread_str(fd, stat, sizeof(stat)) <= 0 || !(p = strrchr(stat, ')')) || p[1] != ' ')
		return 0;
	return p[2];
}

/*
 * Where a task in D waits: its wchan, the first function outside the
 * scheduler and the __sched lock primitives (the kernel's stack trace of a
 * sleeping task skips the same frames, so /proc/.../stack adds nothing
 * here).  move_pages_ptes means a sleeping lock it takes itself: the
 * anon_vma rwsem; a folio lock wait shows as folio_wait_bit_common.
 */
static void task_wait(int wchan_fd, char *buf, size_t len)
{
	if (pread_str(wchan_fd, buf, len) <= 0 || !buf[0] || !strcmp(buf, "0"))
		snprintf(buf, len, "?");
}

/*
 * Every 1 ms: is ui/0 in D, and where?  And when ui/0 sleeps in a
 * userfault, is handler/0 (which it waits for) in D, and where?  Runs of
 * samples with the same answer are episodes.
 */
static void sampler_main(struct worker *w)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	struct trace_buf *tb = thread_start(w, "sampler", 0);
	const struct worker *handler = w - 1;
	struct jank_episode ep = { 0 };
	uint64_t next, t, cnext, ct = 0, gc0 = 0, h0 = 0, gc1, h1;
	int stat_fd, wchan_fd, hstat_fd, hwchan_fd;
	char wchan[64], st;
	bool in_d = false;
	pid_t tid, htid;
	unsigned i;
	int wi;

	set_rt(w->st.tid, SAMPLER_RT_PRIO, j->sampler_sched, sizeof(j->sampler_sched));
	while (!(tid = __atomic_load_n(&j->ui_tid, __ATOMIC_ACQUIRE)) ||
	       !(htid = __atomic_load_n(&j->handler_tid, __ATOMIC_ACQUIRE))) {
		if (run_stopped(r))
			return;
		sleep_until(now_ns() + SAMPLE_PERIOD_NS);
	}
	stat_fd = open_task_file(tid, "stat");
	wchan_fd = open_task_file(tid, "wchan");
	hstat_fd = open_task_file(htid, "stat");
	hwchan_fd = open_task_file(htid, "wchan");
	if (stat_fd < 0) {
		snprintf(j->sampler_status, sizeof(j->sampler_status),
			 "unavailable: /proc/self/task/%d/stat: %s", (int)tid, strerror(errno));
		goto out;
	}
	snprintf(j->sampler_status, sizeof(j->sampler_status), "%s",
		 wchan_fd >= 0 ? "every 1 ms: /proc/self/task/TID/{stat,wchan} of ui/0, and of "
				 "handler/0 while ui/0 waits in a userfault" :
				 "every 1 ms: /proc/self/task/TID/stat of ui/0 (wchan unavailable)");
	next = cnext = now_ns();
	while (!run_stopped(r)) {
		next += SAMPLE_PERIOD_NS;
		t = now_ns();
		if (next < t)
			next = t;	/* fell behind: do not burst */
		sleep_until(next);
		t = now_ns();
		st = task_state(stat_fd);
		if (!st)
			continue;
		j->samples++;
		wi = -1;
		if (st == 'D') {
			j->d_samples++;
			task_wait(wchan_fd, wchan, sizeof(wchan));
			wi = (int)wchan_intern(j, NULL, wchan);
		} else if (pread_str(wchan_fd, wchan, sizeof(wchan)) > 0 && !strcmp(wchan, "handle_userfault") &&
			   task_state(hstat_fd) == 'D') {
			j->handler_d_samples++;
			task_wait(hwchan_fd, wchan, sizeof(wchan));
			wi = (int)wchan_intern(j, "handler/0", wchan);
		}
		if (wi >= 0)
			j->wchan_samples[wi]++;
		if (in_d && wi == ep.wchan) {
			ep.t1 = t + SAMPLE_PERIOD_NS;
			ep.samples++;
		} else {
			if (in_d) {
				ep.t1 = ep.t1 < t ? ep.t1 : t;
				episode_close(j, tb, &ep);
				in_d = false;
			}
			if (wi >= 0) {
				ep = (struct jank_episode){ .t0 = t, .t1 = t + SAMPLE_PERIOD_NS, .samples = 1,
							    .wchan = (uint16_t)wi };
				in_d = true;
			}
		}
		if (tb && t >= cnext) {
			for (i = 0, gc1 = 0; i < r->nmovers; i++)
				gc1 += progress_of(&r->workers[i]);
			h1 = progress_of(handler);
			if (ct)
				trace_counter(tb, "moves/s", t, (const struct trace_arg[]){
					{ "gc", (int64_t)((gc1 - gc0) * 1000000000ULL / (t - ct)) },
					{ "handler", (int64_t)((h1 - h0) * 1000000000ULL / (t - ct)) },
					{ NULL, 0 } });
			gc0 = gc1;
			h0 = h1;
			ct = t;
			cnext = t + COUNTER_PERIOD_NS;
		}
	}
	if (in_d) {
		t = now_ns();
		ep.t1 = ep.t1 < t ? ep.t1 : t;
		episode_close(j, tb, &ep);
	}
out:
	if (stat_fd >= 0)
		close(stat_fd);
	if (wchan_fd >= 0)
		close(wchan_fd);
	if (hstat_fd >= 0)
		close(hstat_fd);
	if (hwchan_fd >= 0)
		close(hwchan_fd);
}

static void hog_main(struct worker *w, unsigned idx)
{
	thread_start(w, "hog", idx);
	while (!run_stopped(w->run)) {
		__builtin_ia32_pause();
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
		/* fail now, not after the run, if the trace cannot be written */
		int fd = open(o->trace, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			snprintf(why, len, "--trace: cannot write %s: %s", o->trace, strerror(errno));
			return -errno;
		}
		close(fd);
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
}

/* ---- report ---- */

/* per frame: the sampled D time and the wchan of the longest D episode inside it */
static void attribute_frames(struct jank *j)
{
	size_t f, p = 0, q;

	for (f = 0; f < j->nframes; f++) {
		struct jank_frame *fr = &j->frames[f];
		uint64_t best = 0;

		while (p < j->neps && j->eps[p].t1 <= fr->vsync)
			p++;
		for (q = p; q < j->neps && j->eps[q].t0 < fr->end; q++) {
			uint64_t a = j->eps[q].t0 > fr->vsync ? j->eps[q].t0 : fr->vsync;
			uint64_t b = j->eps[q].t1 < fr->end ? j->eps[q].t1 : fr->end;

			if (b <= a)
				continue;
			fr->d_sampled_ns += b - a;
			if (b - a > best) {
				best = b - a;
				fr->wchan = (int16_t)j->eps[q].wchan;
			}
		}
	}
}

/*
 * Frame-time histogram in frame periods: [0, p/4), [p/4, p/2), [p/2, p),
 * [p, 1.5p), [1.5p, 2p), [2p, 3p), [3p, inf), counted from the log-linear
 * buckets (each within 1% of its samples).
 */
#define FRAME_BINS 7
static const double frame_edges[FRAME_BINS - 1] = { 0.25, 0.5, 1, 1.5, 2, 3 };

static void frame_bins(const struct hist *h, uint64_t period, uint64_t *bins)
{
	unsigned i, k;

	memset(bins, 0, FRAME_BINS * sizeof(*bins));
	for (i = 0; i < HIST_NR_BUCKETS; i++) {
		double v = (double)hist_idx_to_val(i) / period;

		if (!h->buckets[i])
			continue;
		for (k = 0; k < FRAME_BINS - 1 && v >= frame_edges[k]; k++)
			;
		bins[k] += h->buckets[i];
	}
}

static void bin_label(char *buf, size_t len, unsigned k, uint64_t period)
{
	if (k < FRAME_BINS - 1)
		snprintf(buf, len, "<%.1fms", frame_edges[k] * period / 1e6);
	else
		snprintf(buf, len, ">=%.1fms", frame_edges[FRAME_BINS - 2] * period / 1e6);
}

static const char *frame_wait(const struct jank *j, const struct jank_frame *f)
{
	return f->wchan >= 0 ? j->wchan[f->wchan] : "none sampled";
}

static json_t *frame_json(const struct jank *j, const struct jank_frame *f, uint64_t t0)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:s, s:I, s:i, s:i}",
			 "t_ns", (json_int_t)(f->vsync - t0), "frame_ns", (json_int_t)(f->end - f->vsync),
			 "d_state_ns", (json_int_t)f->d_ns, "d_state_sampled_ns", (json_int_t)f->d_sampled_ns,
			 "fault_wait_ns", (json_int_t)f->fault_ns,
			 "missed", f->missed, "wait", frame_wait(j, f), "wakeup_ns",
			 (json_int_t)(f->start - f->vsync), "faults", (int)f->faults, "moves", (int)f->moves);
}

static double rate(uint64_t a, uint64_t b)
{
	return b ? (double)a / b : 0;
}

static json_t *ratio_json(double gc, double base)
{
	return base > 0 ? json_real(gc / base) : json_null();
}

static void fmt_ratio(char *buf, size_t len, double gc, double base)
{
	if (base > 0)
		snprintf(buf, len, "x%.2f", gc / base);
	else if (gc > 0)
		snprintf(buf, len, "n/a (baseline 0)");
	else
		snprintf(buf, len, "n/a (both 0)");
}

void jank_report(struct run *r, json_t *mode_result, FILE *f)
{
	struct jank *j = jank_of(r);
	const struct opts *o = r->o;
	json_t *jj, *phases, *wch, *ratio, *tr;
	uint64_t t_end = r->t0_ns + r->elapsed_ns, span[PH_NR];
	const struct phase_stats *b = &j->ph[PH_BASE], *g = &j->ph[PH_GC];
	char buf[6][48];
	unsigned i;

	attribute_frames(j);
	span[PH_BASE] = (j->gc_go ? j->gc_t0 : t_end) - r->t0_ns;
	span[PH_GC] = j->gc_go ? t_end - j->gc_t0 : 0;

	phases = json_object();
	for (int p = 0; p < PH_NR; p++) {
		const struct phase_stats *ps = &j->ph[p];
		json_t *po = json_pack("{s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:o, s:o}",
			"runtime_ns", (json_int_t)span[p], "frames", (json_int_t)ps->frames,
			"missed", (json_int_t)ps->missed, "missed_rate", rate(ps->missed, ps->frames),
			"skipped_vsyncs", (json_int_t)ps->skipped_vsyncs, "faults", (json_int_t)ps->faults,
			"ui_moves", (json_int_t)ps->moves, "d_state_total_ns", (json_int_t)ps->d_total,
			"frame_ns", hist_to_json(&ps->frame, hist_default_pcts, hist_default_npcts, opts_with_bins(r->o)),
			"d_state_ns", hist_to_json(&ps->d, hist_default_pcts, hist_default_npcts, opts_with_bins(r->o)));

		if (ps->longest_ns)
			json_object_set_new(po, "longest_frame", frame_json(j, &j->frames[ps->longest_idx], r->t0_ns));
		if (ps->longest_d_ns)
			json_object_set_new(po, "longest_d_state", frame_json(j, &j->frames[ps->longest_d_idx], r->t0_ns));
		if (ps->longest_fault_ns)
			json_object_set_new(po, "longest_fault_wait", frame_json(j, &j->frames[ps->longest_fault_idx], r->t0_ns));
		json_object_set_new(po, "fault_wait_total_ns", json_integer((json_int_t)ps->fault_total));
		{
			uint64_t bins[FRAME_BINS];
			json_t *hj = json_object();
			char lab[32];

			frame_bins(&ps->frame, o->frame_period_ns, bins);
			for (unsigned k = 0; k < FRAME_BINS; k++) {
				bin_label(lab, sizeof(lab), k, o->frame_period_ns);
				json_object_set_new(hj, lab, json_integer((json_int_t)bins[k]));
			}
			json_object_set_new(po, "frame_histogram", hj);
		}
		json_object_set_new(phases, phase_names[p], po);
	}
	ratio = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
		"p50", ratio_json(hist_percentile(&g->frame, 50), hist_percentile(&b->frame, 50)),
		"p99", ratio_json(hist_percentile(&g->frame, 99), hist_percentile(&b->frame, 99)),
		"max", ratio_json(g->frame.max, b->frame.max),
		"missed_rate", ratio_json(rate(g->missed, g->frames), rate(b->missed, b->frames)),
		"longest_d_state", ratio_json(g->longest_d_ns, b->longest_d_ns),
		"d_state_per_frame", ratio_json(rate(g->d_total, g->frames), rate(b->d_total, b->frames)));
	json_object_set_new(ratio, "longest_fault_wait", ratio_json(g->longest_fault_ns, b->longest_fault_ns));
	wch = json_object();
	for (i = 0; i < j->nwchan; i++)
		json_object_set_new(wch, j->wchan[i], json_integer((json_int_t)j->wchan_samples[i]));
	jj = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I}",
		"frame_period_ns", (json_int_t)o->frame_period_ns,
		"ui_sched", j->ui_sched, "handler_sched", j->handler_sched,
		"gc_sched", j->gc_sched[0] ? j->gc_sched : "not started", "sampler_sched", j->sampler_sched,
		"gc_threads", (int)r->nmovers, "hogs", (int)o->hogs,
		"ui_slots", (json_int_t)(j->ui_hi - j->ui_lo), "gc_slots", (json_int_t)j->ui_lo,
		"d_state_source", j->d_source,
		"lock_events", "unavailable: the pressure side's lock:contention events are aggregated per "
			       "thread for the whole run (results[0].pressure.locks, ui/0 and handler/0 "
			       "rows), with no per-event timeline to attribute to frames; per frame, the "
			       "wait is the sampled wchan",
		"phases", phases, "ratio_gc_over_baseline", ratio,
		"sampler", json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "status", j->sampler_status,
				     "period_ns", (json_int_t)SAMPLE_PERIOD_NS, "samples", (json_int_t)j->samples,
				     "d_samples", (json_int_t)j->d_samples, "handler_d_samples",
				     (json_int_t)j->handler_d_samples, "episodes_dropped",
				     (json_int_t)j->eps_dropped, "wchan", wch),
		"checkpoint_pauses", (json_int_t)j->pauses,
		"frames_unrecorded", (json_int_t)j->frames_unrecorded);
	if (j->nbursts) {
		json_t *ba = json_array();

		for (i = 0; i < j->nbursts; i++)
			json_array_append_new(ba, json_pack("{s:I, s:I, s:i, s:I}", "at_ns",
				(json_int_t)j->bursts[i].at_ns, "pages", (json_int_t)j->bursts[i].pages,
				"threads", (int)j->bursts[i].threads, "every_ns", (json_int_t)j->bursts[i].every_ns));
		json_object_set_new(jj, "gc_bursts", ba);
		if (j->bursts_note[0])
			json_object_set_new(jj, "gc_bursts_note", json_string(j->bursts_note));
	}
	json_object_set_new(jj, "pid", json_integer(j->pid));	/* the pid in trace_marker lines */
	if (o->trace_marker)
		json_object_set_new(jj, "trace_marker", json_string(j->marker_status));
	if (o->replay[0])
		json_object_set_new(jj, "replay", json_string(o->replay));
	if (j->trace) {
		uint64_t nev = 0, drop = 0;
		int ret;

		for (i = 0; i < j->trace->nbufs; i++) {
			nev += j->trace->bufs[i].n;
			drop += j->trace->bufs[i].dropped;
		}
		ret = trace_write(j->trace, j->pid, "movestress jank", r->t0_ns, o->trace);
		tr = json_pack("{s:s, s:I, s:I}", "file", o->trace, "events", (json_int_t)nev,
			       "dropped", (json_int_t)drop);
		if (ret) {
			json_object_set_new(tr, "error", json_string(strerror(-ret)));
			fprintf(stderr, "movestress: --trace: cannot write %s: %s\n", o->trace, strerror(-ret));
		}
		json_object_set_new(jj, "trace", tr);
		if (f)
			fprintf(f, "  jank: trace %s: %" PRIu64 " events%s%s (%" PRIu64 " dropped)\n", o->trace, nev,
				ret ? ", NOT WRITTEN: " : "", ret ? strerror(-ret) : "", drop);
	}
	json_object_set_new(mode_result, "jank", jj);
	if (!f)
		return;

	fprintf(f, "  jank: ui/0 %s, handler/0 %s, gc x%u %s, hogs %u, frame period %.2fms\n",
		j->ui_sched, j->handler_sched, r->nmovers, j->gc_sched[0] ? j->gc_sched : "(not started)",
		o->hogs, o->frame_period_ns / 1e6);
	fprintf(f, "  jank: ui owns %zu slots (%u touches + %u own moves + %.2fms work per frame); gc %zu slots, %s\n",
		j->ui_hi - j->ui_lo, o->ui_touches, o->ui_moves, o->ui_work_ns / 1e6, j->ui_lo,
		j->nbursts ? "in bursts" : "continuous");
	if (j->bursts_note[0])
		fprintf(f, "  jank: --gc-bursts: %s\n", j->bursts_note);
	fprintf(f, "  jank: D-state source: %s\n", j->d_source);
	fprintf(f, "  jank: wait attribution: wchan sampled every 1 ms (%" PRIu64 " samples: ui/0 in D %" PRIu64
		", ui/0 in a userfault while handler/0 in D %" PRIu64 "); lock events: unavailable per frame\n",
		j->samples, j->d_samples, j->handler_d_samples);
	if (o->trace_marker)
		fprintf(f, "  jank: trace_marker: %s\n", j->marker_status);
	fprintf(f, "  %-9s %7s %16s %9s %9s %9s %9s %10s %12s\n", "phase", "frames", "missed (rate)", "p50",
		"p90", "p99", "max", "longest D", "fault wait");
	for (int p = 0; p < PH_NR; p++) {
		const struct phase_stats *ps = &j->ph[p];
		char missed[32];

		snprintf(missed, sizeof(missed), "%" PRIu64 " (%.2f%%)", ps->missed, 100.0 * rate(ps->missed, ps->frames));
		fprintf(f, "  %-9s %7" PRIu64 " %16s %7.2fms %7.2fms %7.2fms %7.2fms %8.2fms %10.2fms\n", phase_names[p],
			ps->frames, missed, hist_percentile(&ps->frame, 50) / 1e6,
			hist_percentile(&ps->frame, 90) / 1e6, hist_percentile(&ps->frame, 99) / 1e6,
			ps->frame.max / 1e6, ps->longest_d_ns / 1e6, ps->longest_fault_ns / 1e6);
	}
	for (int p = 0; p < PH_NR; p++) {
		uint64_t bins[FRAME_BINS];
		char lab[32];

		frame_bins(&j->ph[p].frame, o->frame_period_ns, bins);
		fprintf(f, "  %-9s frames:", phase_names[p]);
		for (unsigned k = 0; k < FRAME_BINS; k++) {
			bin_label(lab, sizeof(lab), k, o->frame_period_ns);
			fprintf(f, " %s=%" PRIu64, lab, bins[k]);
		}
		fputc('\n', f);
	}
	fmt_ratio(buf[0], sizeof(buf[0]), hist_percentile(&g->frame, 50), hist_percentile(&b->frame, 50));
	fmt_ratio(buf[1], sizeof(buf[1]), hist_percentile(&g->frame, 99), hist_percentile(&b->frame, 99));
	fmt_ratio(buf[2], sizeof(buf[2]), g->frame.max, b->frame.max);
	fmt_ratio(buf[3], sizeof(buf[3]), rate(g->missed, g->frames), rate(b->missed, b->frames));
	fmt_ratio(buf[4], sizeof(buf[4]), g->longest_d_ns, b->longest_d_ns);
	fmt_ratio(buf[5], sizeof(buf[5]), g->longest_fault_ns, b->longest_fault_ns);
	fprintf(f, "  jank: ratio gc/baseline: p50 %s, p99 %s, max %s, missed rate %s, longest D %s, longest fault wait %s\n",
		buf[0], buf[1], buf[2], buf[3], buf[4], buf[5]);
	for (int p = 0; p < PH_NR; p++) {
		const struct phase_stats *ps = &j->ph[p];
		static const char *const what[] = { "longest frame", "longest D", "longest fault wait" };
		const size_t idx[] = { ps->longest_idx, ps->longest_d_idx, ps->longest_fault_idx };
		const uint64_t val[] = { ps->longest_ns, ps->longest_d_ns, ps->longest_fault_ns };

		for (unsigned k = 0; k < 3; k++) {
			const struct jank_frame *lf = &j->frames[idx[k]];

			if (!val[k])
				continue;
			fprintf(f, "  jank: %-8s %-18s frame at %.3fs: %.2fms, D %.2fms, fault wait %.2fms, waiting in: %s%s\n",
				phase_names[p], what[k], (lf->vsync - r->t0_ns) / 1e9, (lf->end - lf->vsync) / 1e6,
				lf->d_ns / 1e6, lf->fault_ns / 1e6, frame_wait(j, lf),
				lf->wchan >= 0 ? " (sampled)" : "");
		}
	}
}

/* ---- options: scenario, frame period, bursts, replay ---- */

static const char *const jank_preset[][2] = {
	{ "mode", "jank" },
	{ "gc-threads", "2" },
	{ "size", "64M" },
	{ "frame-period", "60hz" },
	{ "baseline-pct", "25" },
	{ "ui-touches", "16" },
	{ "ui-moves", "4" },
	{ "ui-work", "2ms" },
	{ "ui-pages", "1024" },
	{ "gc-sched", "nice" },
	{ "gc-batch", "64" },
	{ "gc-bursts", "" },
	{ NULL, NULL },
};

int jank_scenario_apply(struct opts *o, const struct opt_desc *d)
{
	unsigned i;

	(void)d;
	if (strcmp(o->scenario, "jank"))
		return 0;
	for (i = 0; jank_preset[i][0]; i++)
		if (opts_set(o, jank_preset[i][0], jank_preset[i][1]))
			return -EINVAL;
	return 0;
}

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

int jank_frame_period_apply(struct opts *o, const struct opt_desc *d)
{
	if (jank_parse_period(o->frame_period, &o->frame_period_ns)) {
		fprintf(stderr, "movestress: --%s: invalid value '%s': expected 60hz|90hz|120hz or a duration in 1ms..1s\n",
			d->name, o->frame_period);
		return -EINVAL;
	}
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

int jank_bursts_apply(struct opts *o, const struct opt_desc *d)
{
	struct jank_burst b[JANK_MAX_BURSTS];
	char err[200];

	(void)d;
	if (jank_parse_bursts(o->gc_bursts, b, JANK_MAX_BURSTS, err, sizeof(err)) < 0) {
		fprintf(stderr, "movestress: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

int jank_replay_apply(struct opts *o, const struct opt_desc *d)
{
	char err[400];

	(void)d;
	if (!o->replay[0])
		return 0;
	if (jank_replay_load(o, o->replay, err, sizeof(err))) {
		fprintf(stderr, "movestress: --replay: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

/* ---- replay files (docs/replay.md) ---- */

enum rtype { R_NUM, R_UINT, R_STR, R_OBJ, R_ARR };

struct rfield {
	const char *name;
	enum rtype type;
	bool required;
	double min, max;
};

static const struct rfield top_fields[] = {
	{ "description", R_STR, false, 0, 0 },
	{ "source", R_STR, false, 0, 0 },
	{ "frame_period_ms", R_NUM, false, 1, 1000 },
	{ "frame_rate_hz", R_NUM, false, 1, 1000 },
	{ "runtime_s", R_NUM, false, 0.01, 7 * 86400 },
	{ "baseline_pct", R_UINT, false, 0, 90 },
	{ "heap_mib", R_UINT, false, 2, 65536 },
	{ "hogs", R_UINT, false, 0, 256 },
	{ "reclaim", R_STR, false, 0, 0 },
	{ "ui", R_OBJ, true, 0, 0 },
	{ "gc", R_OBJ, true, 0, 0 },
	{ NULL },
};

static const struct rfield ui_fields[] = {
	{ "work_ms", R_NUM, true, 0, 10000 },
	{ "touches", R_UINT, false, 0, 4096 },
	{ "moves", R_UINT, false, 0, 4096 },
	{ "pages", R_UINT, false, 16, 1 << 24 },
	{ NULL },
};

static const struct rfield gc_fields[] = {
	{ "threads", R_UINT, true, 1, 1024 },
	{ "sched", R_STR, false, 0, 0 },
	{ "batch_pages", R_UINT, false, 1, 1 << 20 },
	{ "bursts", R_ARR, false, 0, 0 },
	{ NULL },
};

static const struct rfield burst_fields[] = {
	{ "at_ms", R_NUM, true, 0, 7 * 86400 * 1000.0 },
	{ "pages", R_UINT, true, 1, 1ULL << 32 },
	{ "threads", R_UINT, false, 1, 1024 },
	{ "every_ms", R_NUM, false, 0, 7 * 86400 * 1000.0 },
	{ NULL },
};

static const char *const type_words[] = {
	[R_NUM] = "a number", [R_UINT] = "a non-negative integer", [R_STR] = "a string",
	[R_OBJ] = "an object", [R_ARR] = "an array",
};

/* check @obj against @fields; @where is the path prefix ("", "ui.", "gc.bursts[1].") */
static int check_fields(const json_t *obj, const struct rfield *fields, const char *where,
			const char *file, char *err, size_t len)
{
	const struct rfield *fd;
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, len, "%s: field '%.*s': must be an object", file,
			 (int)(strlen(where) ? strlen(where) - 1 : 4), strlen(where) ? where : "(top)");
		return -EINVAL;
	}
	json_object_foreach((json_t *)obj, key, v) {
		for (fd = fields; fd->name && strcmp(fd->name, key); fd++)
			;
		if (!fd->name) {
			snprintf(err, len, "%s: unknown field '%s%s'", file, where, key);
			return -EINVAL;
		}
	}
	for (fd = fields; fd->name; fd++) {
		double x;

		v = json_object_get(obj, fd->name);
		if (!v) {
			if (fd->required) {
				snprintf(err, len, "%s: field '%s%s': missing", file, where, fd->name);
				return -EINVAL;
			}
			continue;
		}
		switch (fd->type) {
		case R_STR:
			if (!json_is_string(v))
				goto bad_type;
			continue;
		case R_OBJ:
			if (!json_is_object(v))
				goto bad_type;
			continue;
		case R_ARR:
			if (!json_is_array(v))
				goto bad_type;
			continue;
		case R_UINT:
			if (!json_is_integer(v))
				goto bad_type;
			break;
		case R_NUM:
			if (!json_is_number(v))
				goto bad_type;
			break;
		}
		x = json_number_value(v);
		if (x < fd->min || x > fd->max) {
			snprintf(err, len, "%s: field '%s%s': %.15g is out of range %.15g..%.15g", file, where,
				 fd->name, x, fd->min, fd->max);
			return -EINVAL;
		}
		continue;
bad_type:
		snprintf(err, len, "%s: field '%s%s': must be %s", file, where, fd->name, type_words[fd->type]);
		return -EINVAL;
	}
	return 0;
}

static double num(const json_t *obj, const char *key, double def)
{
	const json_t *v = json_object_get(obj, key);

	return v ? json_number_value(v) : def;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

int jank_replay_load(struct opts *o, const char *path, char *err, size_t len)
{
	static const char *const sched_values[] = { "nice", "idle", "normal", NULL };
	json_error_t jerr;
	json_t *root, *ui, *gc, *bursts, *bu;
	char where[48], bspec[sizeof(o->gc_bursts)], val[64];
	double period_ms, runtime_s, gc_phase_ms = 0;
	unsigned gc_threads, baseline;
	size_t i, n = 0;
	int ret = -EINVAL;

	root = json_load_file(path, 0, &jerr);
	if (!root) {
		if (jerr.line > 0)
			snprintf(err, len, "%s: line %d: %s", path, jerr.line, jerr.text);
		else
			snprintf(err, len, "%s", jerr.text);
		return -EINVAL;
	}
	if (check_fields(root, top_fields, "", path, err, len))
		goto out;
	if (!!json_object_get(root, "frame_period_ms") == !!json_object_get(root, "frame_rate_hz")) {
		snprintf(err, len, "%s: field 'frame_period_ms': give exactly one of frame_period_ms and frame_rate_hz", path);
		goto out;
	}
	period_ms = json_object_get(root, "frame_period_ms") ? num(root, "frame_period_ms", 0) :
		    1000.0 / num(root, "frame_rate_hz", 60);
	ui = json_object_get(root, "ui");
	gc = json_object_get(root, "gc");
	if (check_fields(ui, ui_fields, "ui.", path, err, len) ||
	    check_fields(gc, gc_fields, "gc.", path, err, len))
		goto out;
	if (num(ui, "work_ms", 0) >= period_ms) {
		snprintf(err, len, "%s: field 'ui.work_ms': %g ms of work cannot fit in a %.2f ms frame period",
			 path, num(ui, "work_ms", 0), period_ms);
		goto out;
	}
	if (json_object_get(root, "heap_mib") && json_object_get(ui, "pages") &&
	    num(ui, "pages", 0) * 2 > num(root, "heap_mib", 0) * 256) {
		snprintf(err, len, "%s: field 'ui.pages': %g pages is more than half of heap_mib (%g MiB = %g pages)",
			 path, num(ui, "pages", 0), num(root, "heap_mib", 0), num(root, "heap_mib", 0) * 256);
		goto out;
	}
	if (json_object_get(gc, "sched") && !in_list(sched_values, json_string_value(json_object_get(gc, "sched")))) {
		snprintf(err, len, "%s: field 'gc.sched': '%s' is not one of nice|idle|normal", path,
			 json_string_value(json_object_get(gc, "sched")));
		goto out;
	}
	if (json_object_get(root, "reclaim")) {
		const char *s = json_string_value(json_object_get(root, "reclaim")), *c;
		const char *const *names = pressure_names();

		for (const char *q = s;; q = c + 1) {
			char one[32];

			c = strchr(q, ',');
			snprintf(one, sizeof(one), "%.*s", (int)(c ? c - q : (long)strlen(q)), q);
			if (!in_list(names, one)) {
				snprintf(err, len, "%s: field 'reclaim': unknown backend '%s' (see movestress list)", path, one);
				goto out;
			}
			if (!c)
				break;
		}
	}
	gc_threads = (unsigned)num(gc, "threads", 1);
	baseline = (unsigned)num(root, "baseline_pct", o->baseline_pct);
	runtime_s = num(root, "runtime_s", o->runtime_ns / 1e9);
	gc_phase_ms = runtime_s * 1000.0 * (100 - baseline) / 100;
	bursts = json_object_get(gc, "bursts");
	bspec[0] = '\0';
	json_array_foreach(bursts, i, bu) {
		unsigned th;
		int l;

		snprintf(where, sizeof(where), "gc.bursts[%zu].", i);
		if (i >= JANK_MAX_BURSTS) {
			snprintf(err, len, "%s: field 'gc.bursts': more than %d bursts", path, JANK_MAX_BURSTS);
			goto out;
		}
		if (check_fields(bu, burst_fields, where, path, err, len))
			goto out;
		th = (unsigned)num(bu, "threads", gc_threads);
		if (th > gc_threads) {
			snprintf(err, len, "%s: field '%sthreads': %u is more than gc.threads (%u)", path, where, th,
				 gc_threads);
			goto out;
		}
		if (num(bu, "at_ms", 0) >= gc_phase_ms) {
			snprintf(err, len, "%s: field '%sat_ms': %g ms is after the end of the GC phase (%g ms of a %g s run after a %u%% baseline)",
				 path, where, num(bu, "at_ms", 0), gc_phase_ms, runtime_s, baseline);
			goto out;
		}
		if (num(bu, "every_ms", 0) > 0 && num(bu, "every_ms", 0) < 1) {
			snprintf(err, len, "%s: field '%severy_ms': must be 0 (once) or at least 1", path, where);
			goto out;
		}
		l = snprintf(bspec + n, sizeof(bspec) - n, "%s%.3fms:%" PRIu64 ":%u:%.3fms", n ? "," : "",
			     num(bu, "at_ms", 0), (uint64_t)num(bu, "pages", 1), th, num(bu, "every_ms", 0));
		if (l < 0 || (size_t)l >= sizeof(bspec) - n) {
			snprintf(err, len, "%s: field 'gc.bursts': too long", path);
			goto out;
		}
		n += (size_t)l;
	}

	/* consistent: now set the options, as if given on the command line */
	ret = -EINVAL;
#define SETV(name, ...) do { snprintf(val, sizeof(val), __VA_ARGS__); \
	if (opts_set(o, name, val)) { snprintf(err, len, "%s: cannot set --%s=%s", path, name, val); goto out; } } while (0)
	SETV("mode", "jank");
	SETV("frame-period", "%.6fms", period_ms);
	SETV("ui-work", "%.6fms", num(ui, "work_ms", 0));
	SETV("gc-threads", "%u", gc_threads);
	if (json_object_get(root, "runtime_s"))
		SETV("runtime", "%.3fs", runtime_s);
	if (json_object_get(root, "baseline_pct"))
		SETV("baseline-pct", "%u", baseline);
	if (json_object_get(root, "heap_mib"))
		SETV("size", "%uM", (unsigned)num(root, "heap_mib", 64));
	if (json_object_get(root, "hogs"))
		SETV("hogs", "%u", (unsigned)num(root, "hogs", 0));
	if (json_object_get(root, "reclaim"))
		SETV("reclaim", "%s", json_string_value(json_object_get(root, "reclaim")));
	if (json_object_get(ui, "touches"))
		SETV("ui-touches", "%u", (unsigned)num(ui, "touches", 0));
	if (json_object_get(ui, "moves"))
		SETV("ui-moves", "%u", (unsigned)num(ui, "moves", 0));
	if (json_object_get(ui, "pages"))
		SETV("ui-pages", "%u", (unsigned)num(ui, "pages", 0));
	if (json_object_get(gc, "sched"))
		SETV("gc-sched", "%s", json_string_value(json_object_get(gc, "sched")));
	if (json_object_get(gc, "batch_pages"))
		SETV("gc-batch", "%u", (unsigned)num(gc, "batch_pages", 64));
#undef SETV
	if (opts_set(o, "gc-bursts", bspec)) {
		snprintf(err, len, "%s: field 'gc.bursts': cannot be expressed as --gc-bursts", path);
		goto out;
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}
