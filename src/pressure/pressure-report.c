// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "pressure" block of the result: MOVE latency and rate without and
 * with pressure (the two phases), each backend's ops, errors and proof of
 * reach, swap, vmstat, lock waits and delay accounting; one summary line
 * per backend.
 */
#include "config.h"
#include "pressure/pressure-int.h"
#include "core/kv.h"
#include "core/report.h"
#include "core/run.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @cur - @base as a histogram (bucket resolution for min/max) */
static void hist_sub(struct hist *out, const struct hist *cur, const struct hist *base)
{
	uint64_t sum_cur = (uint64_t)(cur->mean * cur->n), sum_base = (uint64_t)(base->mean * base->n);
	unsigned k, first = HIST_NR_BUCKETS, last = 0;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < HIST_NR_BUCKETS; k++) {
		out->buckets[k] = cur->buckets[k] > base->buckets[k] ? cur->buckets[k] - base->buckets[k] : 0;
		out->n += out->buckets[k];
		if (out->buckets[k]) {
			if (first == HIST_NR_BUCKETS)
				first = k;
			last = k;
		}
	}
	if (!out->n)
		return;
	out->min = hist_idx_to_val(first);
	out->max = cur->max > base->max ? cur->max : hist_idx_to_val(last);
	out->mean = sum_cur > sum_base ? (double)(sum_cur - sum_base) / out->n : 0;
}

static json_t *phase_json(const struct hist *h, uint64_t ops, uint64_t pages, uint64_t ns)
{
	double s = ns / 1e9;

	return json_pack("{s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:I, s:f}", "ops", (json_int_t)ops,
			 "pages", (json_int_t)pages, "duration_ns", (json_int_t)ns,
			 "moves_per_sec", s > 0 ? ops / s : 0.0, "pages_per_sec", s > 0 ? pages / s : 0.0,
			 "p50_ns", (json_int_t)hist_percentile(h, 50), "p99_ns", (json_int_t)hist_percentile(h, 99),
			 "max_ns", (json_int_t)h->max, "mean_ns", h->mean);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static json_t *phases_report(struct pressure *p, FILE *f)
{
	struct run *r = p->r;
	struct hist *base = calloc(1, sizeof(*base)), *cur = calloc(1, sizeof(*cur)),
		    *pr = calloc(1, sizeof(*pr));
	uint64_t bops = 0, bpages = 0, tops = 0, tpages = 0, tb, tp;
	json_t *j = NULL, *nop, *wp;
	unsigned i;

	if (!base || !cur || !pr || !p->have_base)
		goto out;
	for (i = 0; i < r->nmovers; i++) {
		hist_merge(base, &p->base_lat[i]);
		hist_merge(cur, &r->workers[i].st.move_lat);
		bops += p->base_ops[i];
		bpages += p->base_pages[i];
		tops += r->workers[i].st.ops;
		tpages += r->workers[i].st.pages;
	}
	/* hist_merge recomputes the mean from its inputs; keep the sums exact */
	hist_sub(pr, cur, base);
	tb = p->t_pressure - r->t0_ns;
	tp = r->elapsed_ns > tb ? r->elapsed_ns - tb : 0;
	nop = phase_json(base, bops, bpages, tb);
	wp = phase_json(pr, tops - bops, tpages - bpages, tp);
	j = json_pack("{s:I, s:o, s:o, s:{s:f, s:f, s:f, s:f}}", "warmup_ns", (json_int_t)tb,
		      "move_no_pressure", nop, "move_pressure", wp, "ratio_pressure_over_none",
		      "p50", ratio(hist_percentile(pr, 50), hist_percentile(base, 50)),
		      "p99", ratio(hist_percentile(pr, 99), hist_percentile(base, 99)),
		      "mean", ratio(pr->mean, base->mean),
		      "moves_per_sec", ratio(ratio(tops - bops, tp), ratio(bops, tb)));
	if (f)
		fprintf(f, "  pressure phases: MOVE without pressure (first %.2fs): p50=%" PRIu64 "ns p99=%" PRIu64
			"ns max=%" PRIu64 "ns %.0f moves/s\n"
			"                   MOVE with pressure  (last %.2fs):  p50=%" PRIu64 "ns p99=%" PRIu64
			"ns max=%" PRIu64 "ns %.0f moves/s  (p99 x%.2f, moves/s x%.2f)\n",
			tb / 1e9, hist_percentile(base, 50), hist_percentile(base, 99), base->max, ratio(bops, tb / 1e9),
			tp / 1e9, hist_percentile(pr, 50), hist_percentile(pr, 99), pr->max,
			ratio(tops - bops, tp / 1e9),
			ratio(hist_percentile(pr, 99), hist_percentile(base, 99)),
			ratio(ratio(tops - bops, tp), ratio(bops, tb)));
	if (f && tp < r->elapsed_ns / 10)
		fprintf(f, "  !!! the pressure phase was only %.2fs of %.2fs: the ratio means little (longer --runtime)\n",
			tp / 1e9, r->elapsed_ns / 1e9);
out:
	free(base);
	free(cur);
	free(pr);
	return j;
}

static const char *const vmstat_prefixes[] = {
	"pgscan", "pgsteal", "pgactivate", "pgdeactivate", "pgrefill", "pswpin", "pswpout",
	"workingset_", "pgmajfault", "swap_ra", "pgrotated", "pglazyfree", "thp_swpout",
	"uffd_move_", "rmap_", NULL,
};

static json_t *backend_json(struct pressure *p, struct backend_inst *bi, FILE *f)
{
	const struct pressure_backend *b = bi->b;
	struct pstats *st = &bi->th.st;
	uint64_t reached = 0, total = 0;
	double secs = p->t_end > p->t_pressure && p->t_pressure ? (p->t_end - p->t_pressure) / 1e9 : 0;
	json_t *j, *ev = NULL;

	j = json_pack("{s:s, s:b}", "name", b->name, "ran", bi->running);
	if (bi->why[0])
		json_object_set_new(j, "reason", json_string(bi->why));
	if (bi->th.started) {
		json_object_set_new(j, "thread", json_pack("{s:s, s:i}", "name", bi->th.name, "tid", bi->th.tid));
		json_object_set_new(j, "ops", json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:o}",
			"ops", (json_int_t)st->ops, "ok", (json_int_t)st->ok, "partial", (json_int_t)st->partial,
			"errors", (json_int_t)st->errors, "bytes", (json_int_t)st->bytes,
			"ops_per_sec", secs > 0 ? st->ops / secs : 0.0,
			"lat_ns", hist_to_json(&st->lat, hist_default_pcts, hist_default_npcts, opts_with_bins(p->r->o))));
		if (st->errors)
			json_object_set_new(json_object_get(j, "ops"), "last_error",
					    json_pack("{s:s, s:s}", "op", st->last_what, "errno", errno_name(st->last_err)));
		if (b->madvise_io)
			json_object_set_new(j, "io", bi->th.uring ? json_pack("{s:s}", "via", "io_uring") :
					    json_pack("{s:s, s:s}", "via", "syscall", "reason", bi->th.uring_why));
	}
	if (p->sampler && b->evidence) {
		ev = sampler_report(p->sampler, b->evidence, &reached, &total);
		json_object_set_new(ev, "evidence", json_string(b->evidence_help));
		json_object_set_new(j, "reached", ev);
	}
	if (b->report)
		b->report(p, bi, j);
	if (f) {
		fprintf(f, "  reclaim %-9s", b->name);
		if (!bi->running)
			fprintf(f, " did not run: %s\n", bi->why[0] ? bi->why : "the run ended during the warm-up");
		else {
			if (bi->th.started)
				fprintf(f, " %" PRIu64 " ops (%" PRIu64 " partial, %" PRIu64 " errors) p50=%" PRIu64
					"ns p99=%" PRIu64 "ns max=%" PRIu64 "ns%s;",
					st->ops, st->partial, st->errors, hist_percentile(&st->lat, 50),
					hist_percentile(&st->lat, 99), st->lat.max,
					b->madvise_io ?
					(bi->th.uring ? " via io_uring" : " via syscalls") : "");
			if (p->sampler && b->evidence)
				fprintf(f, " reached %" PRIu64 "/%" PRIu64 " source pages (%.1f%%) while movers ran\n",
					reached, total, total ? 100.0 * reached / total : 0.0);
			else
				fputc('\n', f);
			if (p->sampler && b->evidence && !reached)
				fprintf(f, "  !!! reclaim backend %s reached NONE of the moving pages: %s never seen\n",
					b->name, b->evidence_help);
		}
	}
	return j;
}

void pressure_report(struct run *r, json_t *result, FILE *f)
{
	struct pressure *p = r->pressure;
	json_t *blk, *arr, *ph;
	unsigned i;

	if (!p)
		return;
	blk = json_object();
	arr = json_array();
	for (i = 0; i < p->nb; i++)
		json_array_append_new(arr, backend_json(p, &p->bi[i], f));
	json_object_set_new(blk, "backends", arr);
	json_object_set_new(blk, "swap", p->swap_done ? swap_to_json(&p->swap) : json_pack("{s:s}", "kind", "not needed"));
	json_object_set_new(blk, "io", p->want_uring ? json_pack("{s:s}", "requested", "io_uring") :
			    json_pack("{s:s, s:s}", "requested", "syscall", "reason", p->uring_why));
	if (f && p->swap_done)
		fprintf(f, "  swap: %s%s%s%s%s\n", p->swap.kind, p->swap.device[0] ? " " : "", p->swap.device,
			p->swap.reason[0] ? ": " : "", p->swap.reason);
	if (f && p->swap_done && swap_gone(&p->swap))
		fprintf(f, "  !!! the swap this run used went away during the run (removed by someone else): "
			"reclaim of anonymous pages could not finish\n");
	if (!p->t_pressure) {
		json_object_set_new(blk, "phases", json_pack("{s:s}", "unavailable",
				    "the run ended before the warm-up did: no pressure phase"));
		if (f)
			fprintf(f, "  !!! pressure never started: the run ended within the %.2fs warm-up\n",
				p->warmup_ns / 1e9);
	} else if (!r->nmovers) {
		/* explore: its op threads are not run's movers, whose MOVEs the phases split */
		json_object_set_new(blk, "phases", json_pack("{s:s}", "unavailable",
				    "no mover threads (explore): the MOVEs are not split at the warm-up"));
	} else {
		ph = phases_report(p, f);
		if (ph)
			json_object_set_new(blk, "phases", ph);
	}
	{
		json_t *proof = json_object();

		if (p->sampler) {
			json_object_set_new(proof, "pagemap", sampler_report(p->sampler, EV_SWAPPED | EV_SWAPCACHE, NULL, NULL));
			json_object_set_new(proof, "timeline", sampler_timeline(p->sampler));
		}
		if (p->vm0 && p->vm1)
			json_object_set_new(proof, "vmstat", kv_delta(p->vm0, p->vm1, vmstat_prefixes, 0));
		json_object_set_new(blk, "proof", proof);
		if (f && p->vm0 && p->vm1) {
			json_t *d = json_object_get(proof, "vmstat"), *v;
			const char *k;
			int col = 0;

			fprintf(f, "  vmstat during pressure:");
			json_object_foreach(d, k, v) {
				if (strncmp(k, "pgscan", 6) && strncmp(k, "pgsteal", 7) && strcmp(k, "pswpout") &&
				    strcmp(k, "pswpin") && strcmp(k, "pgactivate") && strcmp(k, "pgdeactivate") &&
				    strcmp(k, "pgrefill") && strncmp(k, "workingset_refault", 18))
					continue;
				fprintf(f, "%s %s=%" JSON_INTEGER_FORMAT, col++ % 6 ? "" : "\n   ", k, json_integer_value(v));
			}
			fputc('\n', f);
		}
	}
	json_object_set_new(blk, "locks", p->lock ? lockstat_report(p->lock, f) :
			    json_pack("{s:s}", "unavailable", "lock measurement did not start"));
	json_object_set_new(blk, "delays", delayacct_report(p->dacct, f));
	json_object_set_new(blk, "system_changes", sysstate_entries());
	json_object_set_new(result, "pressure", blk);
}

