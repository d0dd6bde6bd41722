// SPDX-License-Identifier: GPL-2.0-only
/*
 * The jank scenario's result: frame statistics per phase (baseline, gc),
 * attribution of slow frames, the Perfetto trace, and the summary.
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


static const char *const phase_names[PH_NR] = { "baseline", "gc" };

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

/* results[0].jank.phases: frame and D-state statistics of the baseline and gc phases */
static json_t *phases_json(struct jank *j, struct run *r)
{
	const struct opts *o = r->o;
	uint64_t t_end = r->t0_ns + r->elapsed_ns, span[PH_NR];
	json_t *phases;

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
	return phases;
}

/* results[0].jank.ratio_gc_over_baseline */
static json_t *gc_over_baseline_json(const struct jank *j)
{
	const struct phase_stats *b = &j->ph[PH_BASE], *g = &j->ph[PH_GC];
	json_t *ratio;

	ratio = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
		"p50", ratio_json(hist_percentile(&g->frame, 50), hist_percentile(&b->frame, 50)),
		"p99", ratio_json(hist_percentile(&g->frame, 99), hist_percentile(&b->frame, 99)),
		"max", ratio_json(g->frame.max, b->frame.max),
		"missed_rate", ratio_json(rate(g->missed, g->frames), rate(b->missed, b->frames)),
		"longest_d_state", ratio_json(g->longest_d_ns, b->longest_d_ns),
		"d_state_per_frame", ratio_json(rate(g->d_total, g->frames), rate(b->d_total, b->frames)));
	json_object_set_new(ratio, "longest_fault_wait", ratio_json(g->longest_fault_ns, b->longest_fault_ns));
	return ratio;
}

/* --trace: write the Perfetto trace; its file, events and drops into @jj */
static void trace_out(struct jank *j, struct run *r, json_t *jj, FILE *f)
{
	const struct opts *o = r->o;
	uint64_t nev = 0, drop = 0;
	json_t *tr;
	unsigned i;
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

/* the summary: threads and their scheduling, the phase table, ratios, the longest frames */
static void print_jank(struct jank *j, struct run *r, FILE *f)
{
	const struct opts *o = r->o;
	const struct phase_stats *b = &j->ph[PH_BASE], *g = &j->ph[PH_GC];
	char buf[6][48];

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

void jank_report(struct run *r, json_t *mode_result, FILE *f)
{
	struct jank *j = jank_of(r);
	const struct opts *o = r->o;
	json_t *jj, *phases, *wch, *ratio;
	unsigned i;

	attribute_frames(j);
	phases = phases_json(j, r);
	ratio = gc_over_baseline_json(j);
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
	if (j->trace)
		trace_out(j, r, jj, f);
	json_object_set_new(mode_result, "jank", jj);
	if (f)
		print_jank(j, r, f);
}
