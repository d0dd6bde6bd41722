// SPDX-License-Identifier: GPL-2.0-only
/*
 * The jank scenario's sampler (sampler/0): every 1 ms the UI thread's
 * state and wchan, uninterruptible-sleep episodes, trace counters.
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
void sampler_main(struct worker *w)
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

