// SPDX-License-Identifier: GPL-2.0-only
/*
 * The jank scenario's UI thread (ui/0): a frame clock, page touches that
 * fault into handler/0, its own MOVEs and CPU work, per-frame accounting.
 */
#include "config.h"
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


static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t read_runq_ns(int fd)
{
	char buf[96];
	unsigned long long run, wait;

	if (pread_str(fd, buf, sizeof(buf)) <= 0 || sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return 0;
	return wait;
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

void ui_fail(struct run *r, struct worker *w, const char *op, uint64_t addr, int64_t ret)
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

void ui_main(struct worker *w)
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

