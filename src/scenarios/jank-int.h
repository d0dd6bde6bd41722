/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the jank scenario (jank-common.c: what the threads share; jank.c:
 * GC movers, handler, hogs, setup; jank-ui.c: the UI thread;
 * jank-sampler.c: the sampler; jank-report.c: frame statistics, trace and
 * summary).  The state of a
 * jank run, struct jank, is r->mode_priv.
 */
#ifndef MOVESTRESS_JANK_INT_H
#define MOVESTRESS_JANK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <stddef.h>

#include "core/hist.h"
#include "core/run.h"
#include "scenarios/jank-burst.h"

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

/* jank-common.c: helpers the threads share */
void sleep_until(uint64_t t);
int open_task_file(pid_t tid, const char *file);
ssize_t pread_str(int fd, char *buf, size_t len);
uint64_t read_block_ns(int fd, bool *found);
void set_rt(pid_t tid, int prio, char *out, size_t len);
struct trace_buf *thread_start(struct worker *w, const char *kind, unsigned idx);
void mark_b(struct jank *j, const char *name);
void mark_e(struct jank *j);

/* jank-ui.c: the UI thread, and how it records a failed op */
void ui_main(struct worker *w);
void ui_fail(struct run *r, struct worker *w, const char *op, uint64_t addr, int64_t ret);

/* jank-sampler.c */
void sampler_main(struct worker *w);

#endif
