// SPDX-License-Identifier: GPL-2.0-only
/*
 * The co-workloads' results: per workload its ops, latency and own check,
 * the movers' MOVE latency without and with the co-workloads; summary lines.
 */
#include "config.h"
#include "scenarios/cowork-int.h"
#include "core/kv.h"
#include "scenarios/maps-check.h"
#include "engine/modes.h"
#include "core/oracle.h"
#include "core/run.h"
#include "engine/move.h"
#include "core/stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>


/* ---- report ---- */

double per_s(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

/* with --output-format=json+ (or --bins) the log-linear bins too, as for MOVE */
static json_t *lat_json(const struct cowork *cw, const struct hist *h)
{
	return hist_to_json(h, hist_default_pcts, hist_default_npcts, opts_with_bins(cw->r->o));
}

static void print_lat(FILE *f, const char *what, const struct hist *h)
{
	if (!f || !h->n)
		return;
	fprintf(f, "      %-22s n=%-9" PRIu64 " p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus\n", what, h->n,
		hist_percentile(h, 50) / 1e3, hist_percentile(h, 99) / 1e3, hist_percentile(h, 99.9) / 1e3,
		h->max / 1e3);
}

json_t *threads_json(struct cowork *cw, const struct cowork_desc *d, uint64_t win)
{
	json_t *arr = json_array();
	unsigned i;

	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];
		json_t *fails;
		unsigned k;

		if (t->d != d)
			continue;
		fails = json_array();
		for (k = 0; k < t->nfail; k++)
			json_array_append_new(fails, json_string(t->fail[k]));
		json_array_append_new(arr, json_pack("{s:s, s:I, s:f, s:I, s:o}", "name", t->name,
			"ops", (json_int_t)t->ops, "ops_per_s", per_s(t->ops, win),
			"failures", (json_int_t)t->failures, "failure_detail", fails));
	}
	return arr;
}

static void merge_common(struct cowork *cw, const struct cowork_desc *d, struct hist *lat,
			 struct hist *lat2, uint64_t *ops, uint64_t *bytes, uint64_t *fails)
{
	unsigned i;

	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		hist_merge(lat, &t->lat);
		hist_merge(lat2, &t->lat2);
		*ops += t->ops;
		*bytes += t->bytes;
		*fails += t->failures;
	}
}

void print_fails(struct cowork *cw, const struct cowork_desc *d, FILE *f)
{
	unsigned i, k;

	if (!f)
		return;
	for (i = 0; i < cw->nthreads; i++)
		for (k = 0; cw->t[i].d == d && k < cw->t[i].nfail; k++)
			fprintf(f, "      %s %s: %s\n", strncmp(cw->t[i].fail[k], MOVED_BUT_FAILED,
							  strlen(MOVED_BUT_FAILED)) ? "FAIL" :
				"known kernel bug move-eexist,", cw->t[i].name, cw->t[i].fail[k]);
}

uint64_t window(const struct cowork *cw)
{
	return cw->go && cw->t_stop > cw->t_go ? cw->t_stop - cw->t_go : 0;
}

void dontneed_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct hist *lat = calloc(2, sizeof(*lat)), *mv = calloc(1, sizeof(*mv));
	uint64_t ops = 0, bytes = 0, fails = 0, moved = 0, dropped = 0, refilled = 0, own_ops = 0, own_bytes = 0;
	uint64_t win = window(cw);
	unsigned i;

	if (!lat || !mv)
		goto out;
	merge_common(cw, d, &lat[0], &lat[1], &ops, &bytes, &fails);
	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		hist_merge(mv, &t->mst->move_lat);
		moved += t->moved;
		dropped += t->dropped;
		refilled += t->refilled;
		own_ops += t->own_ops;
		own_bytes += t->own_bytes;
	}
	json_object_set_new(obj, "slots", json_integer((json_int_t)cw->r->side_reserved));
	json_object_set_new(obj, "dst_dontneed", json_pack("{s:s, s:I, s:I, s:f, s:f, s:o}",
		"what", "MADV_DONTNEED of moved destination pages (uffd-armed VMA)",
		"ops", (json_int_t)ops, "bytes", (json_int_t)bytes, "ops_per_s", per_s(ops, win),
		"mib_per_s", per_s(bytes, win) / 1048576.0, "lat_ns", lat_json(cw, &lat[0])));
	json_object_set_new(obj, "own_dontneed", json_pack("{s:s, s:I, s:I, s:f, s:o}",
		"what", "MADV_DONTNEED of its own neighbour VMA (not uffd-armed)",
		"ops", (json_int_t)own_ops, "bytes", (json_int_t)own_bytes, "ops_per_s", per_s(own_ops, win),
		"lat_ns", lat_json(cw, &lat[1])));
	json_object_set_new(obj, "move", json_pack("{s:I, s:I, s:I, s:o}", "pages_moved_out", (json_int_t)moved,
		"pages_refilled", (json_int_t)refilled, "ops", (json_int_t)mv->n, "lat_ns", lat_json(cw, mv)));
	json_object_set_new(obj, "pages_dropped", json_integer((json_int_t)dropped));
	json_object_set_new(obj, "failures", json_integer((json_int_t)fails));
	if (f) {
		fprintf(f, "    dontneed: %" PRIu64 " slots; %" PRIu64 " dst pages dropped (%.1f ops/s), %" PRIu64
			" moved out, %" PRIu64 " refilled; own VMA %.1f ops/s\n", cw->r->side_reserved, dropped,
			per_s(ops, win), moved, refilled, per_s(own_ops, win));
		print_lat(f, "dontneed dst (armed)", &lat[0]);
		print_lat(f, "dontneed own VMA", &lat[1]);
		print_lat(f, "its MOVEs", mv);
	}
out:
	free(lat);
	free(mv);
}

void pmadv_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct pm_arm *m = calloc(PM_NR_ARMS, sizeof(*m));
	json_t *advs = json_object();
	uint64_t win = window(cw), total_calls = 0, total_bytes = 0;
	unsigned a, k, i, narms = PM_ARM_BATCH + cw->nbatch;
	char armname[32];

	if (!m)
		return;
	for (a = 0; a < PM_NR_ADV; a++) {
		json_t *arms = json_object(), *adv;
		const char *why = NULL;
		double single, plain;

		memset(m, 0, PM_NR_ARMS * sizeof(*m));
		for (i = 0; i < cw->nthreads; i++) {
			const struct cw_thread *t = &cw->t[i];

			if (t->d != d)
				continue;
			if (!t->adv_ok[a])
				why = t->adv_why[a];
			for (k = 0; k < narms; k++) {
				m[k].calls += t->arms[a][k].calls;
				m[k].ranges += t->arms[a][k].ranges;
				m[k].bytes += t->arms[a][k].bytes;
				m[k].ns += t->arms[a][k].ns;
				m[k].errors += t->arms[a][k].errors;
				hist_merge(&m[k].lat, &t->arms[a][k].lat);
			}
		}
		if (why && !m[PM_ARM_SINGLE].calls) {
			json_decref(arms);
			json_object_set_new(advs, pm_adv_names[a], json_pack("{s:s}", "skipped", why));
			if (f)
				fprintf(f, "    process_madvise %s: skipped: %s\n", pm_adv_names[a], why);
			continue;
		}
		single = m[PM_ARM_SINGLE].ranges ? (double)m[PM_ARM_SINGLE].ns / m[PM_ARM_SINGLE].ranges : 0;
		plain = m[PM_ARM_MADVISE].ranges ? (double)m[PM_ARM_MADVISE].ns / m[PM_ARM_MADVISE].ranges : 0;
		if (f)
			fprintf(f, "    process_madvise %s (%s, 4KiB ranges): madvise %.0f ns/range, vlen=1 %.0f ns/range",
				pm_adv_names[a], pm_adv[a].own ? "own VMA" : "region pages", plain, single);
		for (k = 0; k < narms; k++) {
			double per = m[k].ranges ? (double)m[k].ns / m[k].ranges : 0;
			unsigned vlen = k < PM_ARM_BATCH ? 1 : cw->batch[k - PM_ARM_BATCH];
			double p50 = (double)hist_percentile(&m[k].lat, 50) / vlen;
			double p50_single = (double)hist_percentile(&m[PM_ARM_SINGLE].lat, 50);
			json_t *j;

			if (k == PM_ARM_MADVISE)
				snprintf(armname, sizeof(armname), "madvise");
			else if (k == PM_ARM_SINGLE)
				snprintf(armname, sizeof(armname), "vlen1");
			else
				snprintf(armname, sizeof(armname), "vlen%u", cw->batch[k - PM_ARM_BATCH]);
			j = json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:o}", "calls", (json_int_t)m[k].calls,
				      "ranges", (json_int_t)m[k].ranges, "bytes_advised", (json_int_t)m[k].bytes,
				      "errors", (json_int_t)m[k].errors, "ns_per_range", per,
				      "calls_per_s", per_s(m[k].calls, win), "call_lat_ns", lat_json(cw, &m[k].lat));
			if (k >= PM_ARM_BATCH && single > 0 && per > 0) {
				json_object_set_new(j, "speedup_vs_vlen1_pct", json_real((1.0 - per / single) * 100.0));
				if (plain > 0)
					json_object_set_new(j, "speedup_vs_madvise_pct", json_real((1.0 - per / plain) * 100.0));
				if (f)
					fprintf(f, ", vlen=%u %.0f ns/range (%+.1f%%; by median call %+.1f%%)",
						cw->batch[k - PM_ARM_BATCH], per, (1.0 - per / single) * 100.0,
						p50_single > 0 ? (1.0 - p50 / p50_single) * 100.0 : 0.0);
			}
			json_object_set_new(j, "p50_call_ns_per_range", json_real(p50));
			if (k >= PM_ARM_BATCH && p50_single > 0 && p50 > 0)
				json_object_set_new(j, "speedup_p50_vs_vlen1_pct", json_real((1.0 - p50 / p50_single) * 100.0));
			json_object_set_new(arms, armname, j);
			total_calls += m[k].calls;
			total_bytes += m[k].bytes;
		}
		if (f)
			fputc('\n', f);
		adv = json_pack("{s:s, s:o}", "target", pm_adv[a].own ? "own VMA" : "region pages (src/dst)",
				"arms", arms);
		json_object_set_new(advs, pm_adv_names[a], adv);
	}
	json_object_set_new(obj, "advice", advs);
	json_object_set_new(obj, "calls", json_integer((json_int_t)total_calls));
	json_object_set_new(obj, "bytes_advised", json_integer((json_int_t)total_bytes));
	json_object_set_new(obj, "calls_per_s", json_real(per_s(total_calls, win)));
	json_object_set_new(obj, "mib_advised_per_s", json_real(per_s(total_bytes, win) / 1048576.0));
	json_object_set_new(obj, "speedup_method",
		json_string("the same 256 4KiB ranges advised by each arm in turn, the arm order rotating "
			    "every round; speedup_vs_vlen1_pct = 1 - (wall ns per range batched) / (wall ns per range "
			    "with vlen=1); speedup_p50_vs_vlen1_pct uses the median call latency divided by vlen "
			    "(less sensitive to preemption by the movers)"));
	free(m);
}

void maps_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct hist *lat = calloc(2, sizeof(*lat));
	uint64_t ops = 0, bytes = 0, fails = 0, snaps[2] = { 0, 0 }, lines = 0, torn[2] = { 0, 0 }, viol = 0;
	uint64_t vc[MV_NR_KINDS] = { 0 }, win = window(cw);
	json_t *detail = json_array(), *kinds = json_object(), *torn_ex = NULL;
	unsigned i, k;

	if (!lat)
		return;
	merge_common(cw, d, &lat[0], &lat[1], &ops, &bytes, &fails);
	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		snaps[0] += t->snaps[0];
		snaps[1] += t->snaps[1];
		lines += t->lines;
		viol += t->violations;
		if ((t->torn[0] || t->torn[1]) && !torn_ex)
			torn_ex = json_pack("[s, s]", t->torn_example[0], t->torn_example[1]);
		torn[0] += t->torn[0];
		torn[1] += t->torn[1];
		for (k = 0; k < MV_NR_KINDS; k++)
			vc[k] += t->vcount[k];
		for (k = 0; k < t->nviol; k++) {
			const struct maps_violation *v = &t->viol[k];

			json_array_append_new(detail, json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I, s:i, s:s, s:i, s:s}",
				"thread", t->name, "source", t->viol_src[k] ? "PROCMAP_QUERY" : "/proc/self/maps",
				"kind", maps_vkind_name(v->kind), "stable_vma", v->what,
				"expected_start", (json_int_t)v->start, "expected_end", (json_int_t)v->end,
				"line", v->line, "text", v->text, "other_line", v->other_line, "other", v->other));
			if (f)
				fprintf(f, "      VIOLATION %s (%s): %s %s [%#" PRIx64 "-%#" PRIx64 "): line %u '%s'; line %u '%s'\n",
					t->name, t->viol_src[k] ? "PROCMAP_QUERY" : "maps", maps_vkind_name(v->kind),
					v->what ? v->what : "-", v->start, v->end, v->line, v->text,
					v->other_line, v->other);
		}
	}
	for (k = 0; k < MV_NR_KINDS; k++)
		json_object_set_new(kinds, maps_vkind_name(k), json_integer((json_int_t)vc[k]));
	json_object_set_new(obj, "stable_vmas", json_integer((json_int_t)cw->nstable));
	json_object_set_new(obj, "covered_ranges", json_integer((json_int_t)cw->ncovered));
	json_object_set_new(obj, "snapshots", json_pack("{s:I, s:I}", "read", (json_int_t)snaps[0],
							"procmap_query", (json_int_t)snaps[1]));
	if (!cw->query_ok)
		json_object_set_new(obj, "procmap_query", json_sprintf("unavailable: %s", cw->query_why));
	json_object_set_new(obj, "snapshots_per_s", json_real(per_s(ops, win)));
	json_object_set_new(obj, "lines_per_snapshot", json_real(ops ? (double)lines / ops : 0));
	json_object_set_new(obj, "read_lat_ns", lat_json(cw, &lat[0]));
	json_object_set_new(obj, "query_walk_lat_ns", lat_json(cw, &lat[1]));
	json_object_set_new(obj, "violations", json_integer((json_int_t)viol));
	json_object_set_new(obj, "violation_kinds", kinds);
	json_object_set_new(obj, "violation_detail", detail);
	json_object_set_new(obj, "torn", json_pack("{s:I, s:I}", "read", (json_int_t)torn[0],
						       "procmap_query", (json_int_t)torn[1]));
	json_object_set_new(obj, "torn_note", json_string(
		"out-of-order lines between VMAs that were changing while read (allowed tearing)"));
	if (torn_ex)
		json_object_set_new(obj, "torn_example", torn_ex);
	if (!ops && win) {
		json_object_set_new(obj, "warning", json_string("no snapshot completed: the readers were starved, nothing was checked"));
		if (f)
			fprintf(f, "    maps: WARNING: no snapshot completed in %.2fs: nothing was checked\n", win / 1e9);
	}
	if (f) {
		fprintf(f, "    maps: %" PRIu64 " snapshots (%" PRIu64 " read, %" PRIu64 " PROCMAP_QUERY%s%s), %.1f/s, "
			"%.0f lines each, %zu stable VMAs + %zu hole-free ranges checked: %" PRIu64 " violations; torn (allowed) %" PRIu64 " read, %" PRIu64 " query\n",
			ops, snaps[0], snaps[1], cw->query_ok ? "" : ": ", cw->query_ok ? "" : cw->query_why,
			per_s(ops, win), ops ? (double)lines / ops : 0, cw->nstable, cw->ncovered, viol, torn[0], torn[1]);
		print_lat(f, "maps read", &lat[0]);
		print_lat(f, "PROCMAP_QUERY walk", &lat[1]);
	}
	free(lat);
}

void churn_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f)
{
	struct hist *lat = calloc(CH_NR_OPS, sizeof(*lat));
	uint64_t n[CH_NR_OPS] = { 0 }, err[CH_NR_OPS] = { 0 }, lost = 0, ops = 0, win = window(cw);
	json_t *o = json_object();
	unsigned i, k;

	if (!lat)
		return;
	for (i = 0; i < cw->nthreads; i++) {
		const struct cw_thread *t = &cw->t[i];

		if (t->d != d)
			continue;
		for (k = 0; k < CH_NR_OPS; k++) {
			n[k] += t->ch_ops[k];
			err[k] += t->ch_err[k];
			hist_merge(&lat[k], &t->ch_lat[k]);
		}
		lost += t->lost_cells;
		ops += t->ops;
	}
	if (f)
		fprintf(f, "    churn: %" PRIu64 " ops (%.1f/s) on %u-page cells next to the source region, %" PRIu64
			" cells lost to other mappings\n", ops, per_s(ops, win), CH_PAGES, lost);
	for (k = 0; k < CH_NR_OPS; k++) {
		json_object_set_new(o, ch_op_names[k], json_pack("{s:I, s:I, s:f, s:o}", "ops", (json_int_t)n[k],
			"errors", (json_int_t)err[k], "ops_per_s", per_s(n[k], win), "lat_ns", lat_json(cw, &lat[k])));
		print_lat(f, ch_op_names[k], &lat[k]);
	}
	json_object_set_new(obj, "ops", o);
	json_object_set_new(obj, "lost_cells", json_integer((json_int_t)lost));
	free(lat);
}

json_t *move_window(const struct cowork *cw, const struct hist *h, uint64_t ops, uint64_t pages, uint64_t ns)
{
	return json_pack("{s:I, s:I, s:I, s:f, s:f, s:o}", "ops", (json_int_t)ops, "pages", (json_int_t)pages,
			 "ns", (json_int_t)ns, "ops_per_s", per_s(ops, ns), "pages_per_s", per_s(pages, ns),
			 "lat_ns", lat_json(cw, h));
}


