// SPDX-License-Identifier: GPL-2.0-only
/*
 * movestress report, the writing half (vmreport-int.h): the metrics, a
 * metric's value in a cell and per scenario and policy, and what the
 * report writes (report.md, report.json, the plots).  Metrics are a const
 * table of descriptors: where a cell's result JSON keeps the number (kernel.counters deltas from the
 * kernel-patches/6.12 series, /proc/vmstat deltas, the sysfs
 * anon_vma_wait_max_ns, movestress's own latency histograms and the jank
 * scenario's frame statistics), which side of the trade it is on, and
 * which way is better.  The statistics are compare.c's: Student's t
 * quantiles (t_crit_975) for the confidence intervals and Welch's t-test
 * (welch_significant) for the change against anon_vma.  The plots are
 * plot.c's svg_write_chart.
 */
#include "config.h"
#include "report/vmreport-int.h"
#include "report/vmreport-stats.h"
#include "report/compare.h"
#include "report/plot.h"
#include "report/matrix.h"
#include "kernel/rmap-policy.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the metrics ---- */

enum vr_kind {
	VR_COUNTER,	/* kernel.counters.NAME delta (series counters) */
	VR_PATH,	/* a number at a '/'-path of the result */
	VR_PATH0,	/* ... 0 when absent but the parent object is there */
	VR_WAIT_MAX,	/* sysfs anon_vma_wait_max_ns, reset before the cell */
	VR_PER_KSCAN,	/* counter NAME per 1000 anon pages reclaim scanned */
	VR_EFFICIENCY,	/* pgsteal_anon / pgscan_anon, % */
	VR_KREPORT,	/* kernel reports in the cell: 0 or 1 */
};

struct vr_metric {
	const char *id;		/* key in report.json, file name of its plot */
	const char *group;	/* benefit | cost | safety | jank */
	const char *label;
	const char *unit;	/* "" count, "ns", "%", "per 1k scanned" */
	enum vr_kind kind;
	const char *src;	/* counter name or path */
	int better;		/* -1 lower is better, +1 higher, 0 neither */
	bool wall;		/* wall-clock: distorted under TCG */
	bool headline;		/* plotted */
};

static const struct vr_metric metrics[] = {
	{ "move_blocked", "benefit", "MOVE blocked on the anon_vma lock (uffd_move_anon_vma_blocked)", "",
	  VR_COUNTER, "uffd_move_anon_vma_blocked", -1, false, true },
	{ "move_locked", "benefit", "MOVE took the anon_vma lock (uffd_move_anon_vma_locked)", "",
	  VR_COUNTER, "uffd_move_anon_vma_locked", -1, false, false },
	{ "move_wait_ns", "benefit", "MOVE asleep on the anon_vma lock, total (uffd_move_anon_vma_wait_ns)", "ns",
	  VR_COUNTER, "uffd_move_anon_vma_wait_ns", -1, false, true },
	{ "move_wait_max_ns", "benefit", "longest single MOVE wait on the anon_vma (anon_vma_wait_max_ns)", "ns",
	  VR_WAIT_MAX, "kernel/uffd_move", -1, false, true },
	{ "move_skipped", "benefit", "folios moved without the anon_vma lock (uffd_move_anon_vma_skipped)", "",
	  VR_COUNTER, "uffd_move_anon_vma_skipped", 0, false, false },
	{ "move_clat_p50_ns", "benefit", "MOVE latency p50 (movestress)", "ns",
	  VR_PATH, "results/0/move/clat_ns/percentile/50.000000", -1, true, false },
	{ "move_clat_p99_ns", "benefit", "MOVE latency p99 (movestress)", "ns",
	  VR_PATH, "results/0/move/clat_ns/percentile/99.000000", -1, true, false },
	{ "move_clat_max_ns", "benefit", "MOVE latency max (movestress)", "ns",
	  VR_PATH, "results/0/move/clat_ns/max", -1, true, false },
	{ "moves_per_sec", "benefit", "pages moved per second (movestress)", "/s",
	  VR_PATH, "results/0/move/pages_per_sec", 1, true, false },
	{ "referenced_trylock_fail", "cost", "folio_referenced() folio trylock failed (rmap_referenced_trylock_fail)", "",
	  VR_COUNTER, "rmap_referenced_trylock_fail", -1, false, true },
	{ "referenced_trylock_fail_per_kscan", "cost", "... per 1000 anon pages reclaim scanned (pgscan_anon)", "/1k scanned",
	  VR_PER_KSCAN, "rmap_referenced_trylock_fail", -1, false, false },
	{ "referenced_anon_vma_contended", "cost", "reclaim gave up on a contended anon_vma (rmap_referenced_anon_vma_contended)", "",
	  VR_COUNTER, "rmap_referenced_anon_vma_contended", -1, false, true },
	{ "reclaim_efficiency_pct", "cost", "reclaim efficiency, anon (pgsteal_anon / pgscan_anon)", "%",
	  VR_EFFICIENCY, NULL, 1, false, false },
	{ "idle_trylock_fail", "cost", "page_idle: young bits not harvested (rmap_idle_trylock_fail)", "",
	  VR_COUNTER, "rmap_idle_trylock_fail", -1, false, true },
	{ "idle_trylock_fail_idle", "cost", "page_idle: ... and reported idle anyway (rmap_idle_trylock_fail_idle)", "",
	  VR_COUNTER, "rmap_idle_trylock_fail_idle", -1, false, false },
	{ "damon_young_trylock_fail", "cost", "DAMON: reported \"not accessed\" (rmap_damon_young_trylock_fail)", "",
	  VR_COUNTER, "rmap_damon_young_trylock_fail", -1, false, true },
	{ "damon_mkold_trylock_fail", "cost", "DAMON: young bits left set (rmap_damon_mkold_trylock_fail)", "",
	  VR_COUNTER, "rmap_damon_mkold_trylock_fail", -1, false, false },
	{ "lock_anon_vma_retry", "cost", "walker found folio->mapping changed and retried (rmap_lock_anon_vma_retry)", "",
	  VR_COUNTER, "rmap_lock_anon_vma_retry", -1, false, false },
	{ "rmap_walk_mapping_changed", "safety", "rmap walk raced MOVE (" RMAP_RACE_COUNTER "; must be 0)", "",
	  VR_COUNTER, RMAP_RACE_COUNTER, -1, false, false },
	{ "kernel_reports", "safety", "cells with a kernel report (KASAN, lockdep, BUG, WARNING...)", "",
	  VR_KREPORT, NULL, -1, false, false },
	{ "oracle_violations", "safety", "oracle violations (pages lost, duplicated, corrupt...)", "",
	  VR_PATH, "results/0/oracle/violations", -1, false, false },
	{ "ui_frame_p99_ns", "jank", "UI frame time p99, GC phase", "ns",
	  VR_PATH, "results/0/jank/phases/gc/frame_ns/percentile/99.000000", -1, true, true },
	{ "ui_frame_max_ns", "jank", "UI frame time max, GC phase", "ns",
	  VR_PATH, "results/0/jank/phases/gc/frame_ns/max", -1, true, false },
	{ "ui_frames_missed", "jank", "UI frames past their deadline, GC phase", "",
	  VR_PATH, "results/0/jank/phases/gc/missed", -1, true, false },
	{ "ui_longest_d_state_ns", "jank", "UI thread's longest uninterruptible sleep in a frame", "ns",
	  VR_PATH0, "results/0/jank/phases/gc/longest_d_state/d_state_ns", -1, true, false },
	{ "ui_d_state_total_ns", "jank", "UI thread's uninterruptible sleep, total, GC phase", "ns",
	  VR_PATH, "results/0/jank/phases/gc/d_state_total_ns", -1, true, false },
	{ "ui_longest_fault_wait_ns", "jank", "UI thread's longest wait for a MOVE-resolved fault", "ns",
	  VR_PATH0, "results/0/jank/phases/gc/longest_fault_wait/fault_wait_ns", -1, true, false },
	{ NULL },
};

static const struct {
	const char *group, *heading;
} groups[] = {
	{ "benefit", "Benefit, MOVE's side" },
	{ "cost", "Cost, the rmap walkers' side" },
	{ "safety", "Safety" },
	{ "jank", "Jank (the UI thread)" },
};

/* ---- a metric's value in one cell ---- */

static bool num_at(json_t *res, const char *path, double *out)
{
	json_t *j = json_path(res, path);

	if (!json_is_number(j))
		return false;
	*out = json_number_value(j);
	return true;
}

/* the series' counters are there: kernel.counters has uffd_move_* keys */
static bool has_counters(json_t *res)
{
	return json_is_number(json_path(res, "kernel/counters/uffd_move_pages")) ||
	       json_is_number(json_path(res, "kernel/counters/uffd_move_anon_vma_locked"));
}

/* vmstat deltas keep only what moved: absent is 0 where the block exists */
static bool vmstat(json_t *res, const char *name, double *out)
{
	json_t *vm = json_path(res, "kernel/vmstat");

	if (!json_is_object(vm))
		return false;
	*out = json_number_value(json_object_get(vm, name));
	return true;
}

static bool sysfs_num(json_t *o, const char *key, double *out)
{
	const char *s = json_string_value(json_object_get(o, key));
	char *end;

	if (!s)
		return false;
	*out = strtod(s, &end);
	return end != s;
}

static bool metric_value(const struct vr_metric *m, const struct vr_cell *c, double *out)
{
	json_t *r = c->res;
	double a, b;

	if (m->kind == VR_KREPORT) {
		/* the cell's state is the harness's verdict, with or without a result */
		if (!c->state[0] || mx_state_find(c->state) == MX_SKIP)
			return false;
		*out = mx_cell_kernel_report(c->state, c->text);
		return true;
	}
	/* a run's result; an explore cell's has the kernel's counters only */
	if (!r || (!json_is_array(json_object_get(r, "results")) &&
		   (m->kind != VR_COUNTER ||
		    strcmp(json_string_value(json_object_get(r, "command")) ?: "", "explore"))))
		return false;
	switch (m->kind) {
	case VR_COUNTER:
		if (!has_counters(r))
			return false;
		*out = json_number_value(json_path(r, "kernel/counters") ?
					 json_object_get(json_path(r, "kernel/counters"), m->src) : NULL);
		return true;
	case VR_PATH:
		return num_at(r, m->src, out);
	case VR_PATH0: {
		/* .../gc/longest_d_state/d_state_ns: the phase exists, no episode: 0 */
		char parent[160];
		const char *slash;

		if (num_at(r, m->src, out))
			return true;
		snprintf(parent, sizeof(parent), "%s", m->src);
		slash = strrchr(parent, '/');
		if (slash)
			parent[slash - parent] = '\0';
		slash = strrchr(parent, '/');
		if (slash)
			parent[slash - parent] = '\0';
		if (!json_is_object(json_path(r, parent)))
			return false;
		*out = 0;
		return true;
	}
	case VR_WAIT_MAX: {
		/* a running maximum since boot or the last reset (vm-init.sh
		 * resets it before every cell): the cell's own only if it was
		 * reset or grew during the cell */
		json_t *u = json_path(r, m->src);

		if (!sysfs_num(json_object_get(u, "after"), "anon_vma_wait_max_ns", &a) ||
		    !sysfs_num(json_object_get(u, "before"), "anon_vma_wait_max_ns", &b))
			return false;
		if (b != 0 && a <= b)
			return false;
		*out = a;
		return true;
	}
	case VR_PER_KSCAN:
		if (!has_counters(r) || !vmstat(r, "pgscan_anon", &b) || b <= 0)
			return false;
		*out = json_number_value(json_object_get(json_path(r, "kernel/counters"), m->src)) / b * 1000;
		return true;
	case VR_EFFICIENCY:
		if (!vmstat(r, "pgscan_anon", &b) || b <= 0 || !vmstat(r, "pgsteal_anon", &a))
			return false;
		*out = a / b * 100;
		return true;
	case VR_KREPORT:
		break;
	}
	return false;
}

/* ---- per scenario, metric and policy ---- */

struct vr_val {
	struct vr_stats st;
	double v[VR_MAX_TRIALS];
	int trial[VR_MAX_TRIALS];
	/* against the base policy */
	double delta_pct, t, df;
	int significant;	/* 1 yes, 0 no, -1 cannot tell */
};

static void collect(const struct vr *v, int s, int p, const struct vr_metric *m, struct vr_val *out)
{
	size_t i, n = 0, a, b;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < v->ncells && n < VR_MAX_TRIALS; i++) {
		const struct vr_cell *c = &v->cells[i];

		if (c->scen != s || c->pol != p || !metric_value(m, c, &out->v[n]))
			continue;
		out->trial[n++] = c->trial;
	}
	/* by trial: the same report whatever order the directories came in */
	for (a = 1; a < n; a++)
		for (b = a; b > 0 && out->trial[b - 1] > out->trial[b]; b--) {
			double tv = out->v[b];
			int tt = out->trial[b];

			out->v[b] = out->v[b - 1];
			out->trial[b] = out->trial[b - 1];
			out->v[b - 1] = tv;
			out->trial[b - 1] = tt;
		}
	vr_stats_of(out->v, n, &out->st);
	/* every metric here is a count, a time or a share: none is negative */
	if (out->st.lo < 0)
		out->st.lo = 0;
	if (!strcmp(m->unit, "%") && out->st.hi > 100)
		out->st.hi = 100;
}

static void against(const struct vr_val *base, struct vr_val *x)
{
	struct cmp_cell a = { .n = base->st.n, .mean = base->st.mean, .sd = base->st.sd };
	struct cmp_cell b = { .n = x->st.n, .mean = x->st.mean, .sd = x->st.sd };

	x->delta_pct = base->st.mean ? (x->st.mean - base->st.mean) / fabs(base->st.mean) * 100 :
		       (x->st.mean ? NAN : 0);
	x->significant = welch_significant(&a, &b, &x->t, &x->df);
}

/* all policies' values of one metric in one scenario */
struct vr_row {
	struct vr_val val[VR_MAX_POL];
	bool any, nonzero;
};

static void row_of(const struct vr *v, int s, const struct vr_metric *m, struct vr_row *row)
{
	size_t p;

	memset(row, 0, sizeof(*row));
	for (p = 0; p < v->npol; p++) {
		collect(v, s, (int)p, m, &row->val[p]);
		row->any |= row->val[p].st.n > 0;
		for (size_t i = 0; i < row->val[p].st.n; i++)
			row->nonzero |= row->val[p].v[i] != 0;
	}
	for (p = 0; p < v->npol; p++)
		if ((int)p != v->base && row->val[v->base].st.n && row->val[p].st.n)
			against(&row->val[v->base], &row->val[p]);
}

/* ---- formatting ---- */

static void fmt_num(double x, const char *unit, char *buf, size_t len)
{
	double a = fabs(x);

	if (!strcmp(unit, "ns") && x != 0) {
		if (a >= 1e9)
			snprintf(buf, len, "%.3g s", x / 1e9);
		else if (a >= 1e6)
			snprintf(buf, len, "%.3g ms", x / 1e6);
		else if (a >= 1e3)
			snprintf(buf, len, "%.3g us", x / 1e3);
		else
			snprintf(buf, len, "%.0f ns", x);
	} else if (!strcmp(unit, "%")) {
		snprintf(buf, len, "%.1f%%", x);
	} else if (a >= 1000 || x == floor(x)) {
		snprintf(buf, len, "%.0f", x);
	} else {
		snprintf(buf, len, "%.3g", x);
	}
}

/* "4661 [3990, 5332]" (no interval with n < 2) */
static void fmt_ci(const struct vr_stats *s, const char *unit, char *buf, size_t len)
{
	char m[24], lo[24], hi[24];

	fmt_num(s->mean, unit, m, sizeof(m));
	if (s->n < 2 || s->lo == s->hi) {
		snprintf(buf, len, "%s", m);
		return;
	}
	fmt_num(s->lo, unit, lo, sizeof(lo));
	fmt_num(s->hi, unit, hi, sizeof(hi));
	if (snprintf(buf, len, "%s [%s, %s]", m, lo, hi) >= (int)len)
		buf[len - 1] = '\0';
}

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* ---- report.json ---- */

static json_t *val_json(const struct vr_val *x, bool vs)
{
	json_t *o = json_object(), *vals = json_array();
	size_t i;

	for (i = 0; i < x->st.n; i++)
		json_array_append_new(vals, num(x->v[i]));
	json_object_set_new(o, "n", json_integer((json_int_t)x->st.n));
	json_object_set_new(o, "mean", x->st.n ? num(x->st.mean) : json_null());
	json_object_set_new(o, "sd", x->st.n > 1 ? num(x->st.sd) : json_null());
	json_object_set_new(o, "ci95", x->st.n > 1 ? json_pack("[o, o]", num(x->st.lo), num(x->st.hi)) : json_null());
	json_object_set_new(o, "values", vals);
	if (vs && x->st.n)
		json_object_set_new(o, "vs_base", json_pack("{s:o, s:o, s:o, s:o}",
			"delta_pct", num(x->delta_pct), "t", num(x->t), "df", num(x->df),
			"significant", x->significant < 0 ? json_null() : json_boolean(x->significant > 0)));
	return o;
}

static json_t *scenario_json(const struct vr *v, int s)
{
	json_t *o = json_object(), *cells = json_array(), *ms = json_array();
	const struct vr_metric *m;
	struct vr_row *row = malloc(sizeof(*row));
	size_t i, p;

	for (p = 0; p < v->npol; p++)
		for (i = 0; i < v->ncells; i++) {
			const struct vr_cell *c = &v->cells[i];

			if (c->scen == s && c->pol == (int)p)
				json_array_append_new(cells, json_pack("{s:s, s:i, s:I, s:s}", "policy", v->pol[p],
					"trial", c->trial, "seed", c->seed, "state", c->state));
		}
	/* cells: by policy, then trial */
	for (i = 1; row && i < json_array_size(cells); i++)
		for (p = i; p > 0; p--) {
			json_t *a = json_array_get(cells, p - 1), *b = json_array_get(cells, p);

			if (strcmp(jstr(a, "policy"), jstr(b, "policy")) ||
			    json_integer_value(json_object_get(a, "trial")) <= json_integer_value(json_object_get(b, "trial")))
				break;
			json_incref(a);
			json_array_set(cells, p - 1, b);
			json_array_set_new(cells, p, a);
		}
	for (m = metrics; row && m->id; m++) {
		json_t *pol;

		row_of(v, s, m, row);
		if (!row->any)
			continue;
		pol = json_object();
		for (p = 0; p < v->npol; p++)
			json_object_set_new(pol, v->pol[p], val_json(&row->val[p], (int)p != v->base));
		json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:o}", "id", m->id,
			"group", m->group, "label", m->label, "unit", m->unit, "better", m->better,
			"wall_clock", m->wall, "policies", pol));
	}
	free(row);
	json_object_set_new(o, "name", json_string(v->scen[s]));
	json_object_set_new(o, "args", json_string(v->args[s]));
	json_object_set_new(o, "cells", cells);
	json_object_set_new(o, "metrics", ms);
	return o;
}

/* ---- the conclusion ---- */

static const struct vr_metric *metric(const char *id)
{
	const struct vr_metric *m;

	for (m = metrics; m->id; m++)
		if (!strcmp(m->id, id))
			return m;
	return NULL;
}

static bool is_tcg(const struct vr *v)
{
	return !strcmp(jstr(v->head, "accel"), "tcg");
}

/* the policy's benefit on MOVE's side */
static void conclude_benefit(const struct vr *v, int p, FILE *f, struct vr_row *row)
{
	const struct vr_metric *mb = metric("move_blocked");
	size_t s, blocking = 0, never = 0, fewer = 0, nz = 0;
	int big = -1;
	double bigv = -1;
	char a[64], b[64];

	for (s = 0; s < v->nscen; s++) {
		row_of(v, (int)s, mb, row);
		if (!row->val[v->base].st.n || !row->val[p].st.n)
			continue;
		nz++;
		if (row->val[v->base].st.mean <= 0)
			continue;
		blocking++;
		never += row->val[p].st.hi <= 0 && row->val[p].st.mean == 0;
		fewer += row->val[p].significant > 0 && row->val[p].st.mean < row->val[v->base].st.mean;
		if (row->val[v->base].st.mean > bigv) {
			bigv = row->val[v->base].st.mean;
			big = (int)s;
		}
	}
	if (!nz) {
		fprintf(f, "For `%s` the kernel counters of the series are missing (a kernel without "
			"kernel-patches/6.12?), so nothing can be said about MOVE's blocking. ", v->pol[p]);
		return;
	}
	if (!blocking) {
		fprintf(f, "MOVE never blocked on the anon_vma lock under `%s` either, in %zu scenario(s): "
			"these cells do not show the contention the policies differ in. ", v->pol[v->base], nz);
		return;
	}
	fprintf(f, "Under `%s`, MOVE blocked on the anon_vma lock in %zu of the %zu scenario(s) where it "
		"blocked under `%s` (never in any trial in %zu of them; significantly fewer blockings in %zu, "
		"Welch's t-test, p < 0.05)", v->pol[p], blocking - never, blocking, v->pol[v->base], never, fewer);
	row_of(v, big, mb, row);
	fmt_ci(&row->val[v->base].st, "", a, sizeof(a));
	fmt_ci(&row->val[p].st, "", b, sizeof(b));
	fprintf(f, "; in %s, where `%s` blocked most, uffd_move_anon_vma_blocked went from %s to %s per cell",
		v->scen[big], v->pol[v->base], a, b);
	row_of(v, big, metric("move_wait_ns"), row);
	if (row->val[v->base].st.n && row->val[p].st.n) {
		fmt_ci(&row->val[v->base].st, "ns", a, sizeof(a));
		fmt_ci(&row->val[p].st, "ns", b, sizeof(b));
		fprintf(f, " and MOVE's total sleep on the lock from %s to %s", a, b);
	}
	row_of(v, big, metric("move_wait_max_ns"), row);
	if (row->val[v->base].st.n && row->val[p].st.n) {
		fmt_ci(&row->val[v->base].st, "ns", a, sizeof(a));
		fmt_ci(&row->val[p].st, "ns", b, sizeof(b));
		fprintf(f, ", its longest single wait from %s to %s", a, b);
	}
	fprintf(f, ". ");
}

/* what the policy costs the walkers */
static void conclude_cost(const struct vr *v, int p, FILE *f, struct vr_row *row)
{
	static const char *const fails[] = { "referenced_trylock_fail", "idle_trylock_fail",
					     "damon_young_trylock_fail", "damon_mkold_trylock_fail", NULL };
	const char *const *id;
	size_t s, rose = 0, ncmp = 0, eff_sig = 0, eff_n = 0;
	int worst = -1;
	const struct vr_metric *wm = NULL;
	double worstv = 0;
	char a[64], b[64];

	for (s = 0; s < v->nscen; s++)
		for (id = fails; *id; id++) {
			row_of(v, (int)s, metric(*id), row);
			if (!row->val[p].st.n || !row->val[v->base].st.n)
				continue;
			ncmp++;
			rose += row->val[p].significant > 0 && row->val[p].st.mean > row->val[v->base].st.mean;
			if (row->val[p].st.mean > worstv) {
				worstv = row->val[p].st.mean;
				worst = (int)s;
				wm = metric(*id);
			}
		}
	if (!ncmp)
		return;
	if (worst < 0) {
		fprintf(f, "It cost the rmap walkers nothing measurable: no folio trylock failed in any trial "
			"(rmap_referenced/idle/damon_*_trylock_fail all 0)");
	} else {
		row_of(v, worst, wm, row);
		fmt_ci(&row->val[p].st, "", a, sizeof(a));
		fprintf(f, "What it costs the walkers: folio trylock failures were at most %s per cell (%s, %s; "
			"`%s`: %.0f), significantly above `%s` in %zu of %zu scenario-counter pairs",
			a, v->scen[worst], wm->src, v->pol[v->base], row->val[v->base].st.mean, v->pol[v->base], rose, ncmp);
	}
	for (s = 0; s < v->nscen; s++) {
		row_of(v, (int)s, metric("referenced_anon_vma_contended"), row);
		if (row->val[v->base].st.n && row->val[p].st.n && row->val[v->base].st.mean > 0) {
			fmt_ci(&row->val[v->base].st, "", a, sizeof(a));
			fmt_ci(&row->val[p].st, "", b, sizeof(b));
			fprintf(f, "; reclaim gave up on a contended anon_vma %s times under `%s` against %s in %s",
				b, v->pol[p], a, v->scen[s]);
			break;
		}
	}
	for (s = 0; s < v->nscen; s++) {
		row_of(v, (int)s, metric("reclaim_efficiency_pct"), row);
		if (!row->val[v->base].st.n || !row->val[p].st.n)
			continue;
		eff_n++;
		eff_sig += row->val[p].significant > 0;
	}
	if (eff_n)
		fprintf(f, "; reclaim efficiency (pgsteal_anon/pgscan_anon) differed significantly from `%s` in "
			"%zu of %zu reclaim scenario(s)", v->pol[v->base], eff_sig, eff_n);
	fprintf(f, ". ");
}

static void conclude_safety(const struct vr *v, FILE *f)
{
	size_t i, cells = 0, races = 0, reports = 0, viol = 0, failed = 0;
	double x;

	for (i = 0; i < v->ncells; i++) {
		const struct vr_cell *c = &v->cells[i];

		if (mx_state_find(c->state) == MX_SKIP)
			continue;
		cells++;
		if (metric_value(metric("rmap_walk_mapping_changed"), c, &x) && x > 0)
			races++;
		if (metric_value(metric("kernel_reports"), c, &x) && x > 0)
			reports++;
		if (metric_value(metric("oracle_violations"), c, &x) && x > 0)
			viol++;
		failed += mx_state_find(c->state) != MX_PASS;
	}
	fprintf(f, "Safety over all %zu cells: " RMAP_RACE_COUNTER " was non-zero in %zu, a kernel report "
		"came in %zu, the oracle found violations in %zu; %zu cell(s) did not pass%s. ", cells, races,
		reports, viol, failed, failed ? " (see the cell states below)" : "");
}

static void conclude_jank(const struct vr *v, FILE *f, struct vr_row *row)
{
	const struct vr_metric *m = metric("ui_frame_p99_ns");
	size_t s, p;
	char a[64];

	for (s = 0; s < v->nscen; s++) {
		row_of(v, (int)s, m, row);
		if (!row->any)
			continue;
		fprintf(f, "In the jank cell %s (a UI thread whose faults MOVE resolves and which MOVEs itself, GC "
			"movers on the same heap VMA, memcg reclaim beside them), the UI frame time p99 was", v->scen[s]);
		for (p = 0; p < v->npol; p++) {
			fmt_ci(&row->val[p].st, "ns", a, sizeof(a));
			fprintf(f, "%s %s under `%s`", p ? "," : "", a, v->pol[p]);
		}
		row_of(v, (int)s, metric("move_wait_max_ns"), row);
		if (row->any) {
			fprintf(f, "; the longest MOVE wait on the anon_vma (the kernel's anon_vma_wait_max_ns, all "
				"MOVEs of the cell) was");
			for (p = 0; p < v->npol; p++) {
				fmt_ci(&row->val[p].st, "ns", a, sizeof(a));
				fprintf(f, "%s %s", p ? "," : "", a);
			}
		}
		row_of(v, (int)s, metric("ui_longest_d_state_ns"), row);
		if (row->any) {
			fprintf(f, "; the UI thread's longest uninterruptible sleep");
			for (p = 0; p < v->npol; p++) {
				fmt_ci(&row->val[p].st, "ns", a, sizeof(a));
				fprintf(f, "%s %s", p ? "," : "", a);
			}
		}
		fprintf(f, "%s. ", is_tcg(v) ? " (frame times and D-state are wall-clock: distorted under TCG)" : "");
	}
}

char *vr_conclusion(const struct vr *v)
{
	struct vr_row *row = malloc(sizeof(*row));
	char *buf = NULL;
	size_t len = 0, p, nmin = SIZE_MAX, nmax = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f || !row) {
		free(row);
		if (f)
			fclose(f);
		free(buf);
		return strdup("(out of memory)");
	}
	for (i = 0; i < v->ncells; i++) {
		size_t n = 0, k;

		for (k = 0; k < v->ncells; k++)
			n += v->cells[k].scen == v->cells[i].scen && v->cells[k].pol == v->cells[i].pol;
		nmin = n < nmin ? n : nmin;
		nmax = n > nmax ? n : nmax;
	}
	for (p = 0; p < v->npol; p++) {
		/* the control is unsafe on purpose: nothing to conclude about its cost */
		if ((int)p == v->base || !strcmp(v->polname[p], mx_control_policy(v->head)))
			continue;
		conclude_benefit(v, (int)p, f, row);
		conclude_cost(v, (int)p, f, row);
	}
	conclude_safety(v, f);
	conclude_jank(v, f, row);
	if (nmax) {
		char nn[48];

		if (nmin == nmax)
			snprintf(nn, sizeof(nn), "%zu", nmin);
		else
			snprintf(nn, sizeof(nn), "%zu to %zu", nmin, nmax);
		fprintf(f, "Each figure is the mean over %s trial(s) per scenario and policy", nn);
		if (nmin > 1)
			fprintf(f, " with its 95%% confidence interval (Student's t, t = %.3f at n = %zu)",
				t_crit_975((double)(nmin - 1)), nmin);
		fprintf(f, "%s.", is_tcg(v) ? "; under QEMU TCG only the kernel's counters rank the policies, "
			"wall-clock figures do not" : "");
	}
	fclose(f);
	free(row);
	return buf;
}

/* ---- report.md ---- */

static void md_scenario(const struct vr *v, int s, FILE *f, struct vr_row *row)
{
	const struct vr_metric *m;
	json_t *zero = json_array(), *z;
	size_t g, p, i;
	char buf[96], d[48];

	fprintf(f, "\n### %s\n\n`movestress run %s`\n\n", v->scen[s], v->args[s]);
	for (p = 0; p < v->npol; p++) {
		int t, tmax = 0;
		size_t n = 0;

		fprintf(f, "%s`%s`:", p ? "; " : "cells: ", v->pol[p]);
		for (i = 0; i < v->ncells; i++)
			if (v->cells[i].scen == s && v->cells[i].pol == (int)p && v->cells[i].trial > tmax)
				tmax = v->cells[i].trial;
		/* by trial, whatever order the directories came in */
		for (t = 0; t <= tmax; t++)
			for (i = 0; i < v->ncells; i++) {
				const struct vr_cell *c = &v->cells[i];

				if (c->scen != s || c->pol != (int)p || c->trial != t)
					continue;
				fprintf(f, " t%d %s", c->trial, c->state);
				n++;
			}
		if (!n)
			fprintf(f, " none");
	}
	fprintf(f, "\n\n| metric |");
	for (p = 0; p < v->npol; p++)
		fprintf(f, " %s |", v->pol[p]);
	fprintf(f, "\n|---|");
	for (p = 0; p < v->npol; p++)
		fprintf(f, "---:|");
	fputc('\n', f);
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool head = false;

		for (m = metrics; m->id; m++) {
			if (strcmp(m->group, groups[g].group))
				continue;
			row_of(v, s, m, row);
			if (!row->any)
				continue;
			/* safety rows stay even at 0: that 0 is the finding */
			if (!row->nonzero && strcmp(m->group, "safety")) {
				json_array_append_new(zero, json_string(m->src && m->kind == VR_COUNTER ? m->src : m->id));
				continue;
			}
			if (!head) {
				fprintf(f, "| **%s** |", groups[g].heading);
				for (p = 0; p < v->npol; p++)
					fprintf(f, " |");
				fputc('\n', f);
				head = true;
			}
			fprintf(f, "| %s%s%s%s%s |", m->label, m->unit[0] && strcmp(m->unit, "ns") ? " (" : "",
				strcmp(m->unit, "ns") ? m->unit : "", m->unit[0] && strcmp(m->unit, "ns") ? ")" : "",
				m->wall ? " (wall-clock)" : "");
			for (p = 0; p < v->npol; p++) {
				const struct vr_val *x = &row->val[p];

				if (!x->st.n) {
					fprintf(f, " - |");
					continue;
				}
				fmt_ci(&x->st, m->unit, buf, sizeof(buf));
				d[0] = '\0';
				if ((int)p != v->base && row->val[v->base].st.n) {
					if (isnan(x->delta_pct))
						snprintf(d, sizeof(d), " (from 0%s)", x->significant > 0 ? "\\*" : "");
					else
						snprintf(d, sizeof(d), " (%+.0f%%%s)", x->delta_pct, x->significant > 0 ? "\\*" : "");
				}
				if (x->st.n != row->val[v->base].st.n)
					fprintf(f, " %s%s n=%zu |", buf, d, x->st.n);
				else
					fprintf(f, " %s%s |", buf, d);
			}
			fputc('\n', f);
		}
	}
	for (i = 0; i < v->ncells; i++) {
		const char *src = json_string_value(json_path(v->cells[i].res, "results/0/jank/d_state_source"));

		if (v->cells[i].scen == s && src) {
			fprintf(f, "\nThe UI thread's D-state: %s. Its longest MOVE wait on the anon_vma is the cell's "
				"anon_vma_wait_max_ns (every MOVE of the cell: the series counts no per-task figure).\n", src);
			break;
		}
	}
	if (json_array_size(zero)) {
		fprintf(f, "\n0 in every trial of every policy:");
		json_array_foreach(zero, i, z)
			fprintf(f, "%s %s", i ? "," : "", json_string_value(z));
		fputc('\n', f);
	}
	json_decref(zero);
}

/* `ID` (source ..., series ..., config ..., arch ..., accel ...; stock: ...) of kernel @k's kernel.json */
static void kernel_md(FILE *f, const struct vr *v, size_t k)
{
	static const char *const keys[] = { "source", "series", "config", "arch", "accel", "stock_locking" };
	json_t *kb = json_array_get(v->kernels, k);
	size_t i;
	bool first = true;

	if (!kb || json_is_null(kb)) {
		fprintf(f, "`%s` (no kernel.json: results from before kernel identities; arch %s)", v->klabel[k],
			v->karch[k]);
		return;
	}
	fprintf(f, "`%s` (", mx_kernel_id(kb));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *val = json_string_value(json_object_get(kb, keys[i]));

		if (!val)
			continue;
		fprintf(f, "%s%s %s", first ? "" : ", ", keys[i], val);
		first = false;
	}
	fputc(')', f);
}

void vr_write_md(const struct vr *v, const char *concl, const char *plots, FILE *f)
{
	struct vr_row *row = malloc(sizeof(*row));
	json_t *x;
	size_t i, s;

	if (!row)
		return;
	fprintf(f, "# movestress: rmap policies for UFFDIO_MOVE compared\n\n");
	fprintf(f, "- kernel: %s (linux-source-6.12 %s), series %s, config %s, matrix %s\n",
		jstr(v->head, "kernel"), jstr(v->head, "kernel_source"), jstr(v->head, "series"),
		jstr(v->head, "config"), jstr(v->head, "matrix"));
	fprintf(f, "- guest: %s, %s, %lld vCPUs, %lld MiB; %zu scenario(s), %zu polic(ies), %zu cell(s) from",
		jstr(v->head, "arch"), jstr(v->head, "accel"), (long long)json_integer_value(json_object_get(v->head, "smp")),
		(long long)json_integer_value(json_object_get(v->head, "mem_mib")), v->nscen, v->npol, v->ncells);
	json_array_foreach(v->sources, i, x)
		fprintf(f, "%s %s", i ? "," : "", json_string_value(x));
	fputc('\n', f);
	if (v->by_kernel) {
		fprintf(f, "- kernels compared (--by-kernel: a column per kernel and policy):\n");
		json_array_foreach(v->kernels, i, x) {
			fprintf(f, "  - ");
			kernel_md(f, v, i);
			fputc('\n', f);
		}
	} else {
		fprintf(f, "- kernel build: ");
		kernel_md(f, v, 0);
		fputc('\n', f);
	}
	json_array_foreach(v->notes, i, x)
		fprintf(f, "- note: %s\n", json_string_value(x));
	if (is_tcg(v))
		fprintf(f, "\n> **Under QEMU TCG (no KVM) wall-clock is distorted**: emulation costs hide the lock "
			"effects (1 to 2 movers run at about the same rate under either policy), so latencies, "
			"moves/s, frame times and D-state times below are shown but do not rank the policies. "
			"The kernel's own counters (kernel-patches/6.12) do: they count events, not time, and lead "
			"each table.\n");
	fprintf(f, "\n## Conclusion\n\n%s\n", concl);
	fprintf(f, "\n## Method\n\n"
		"Every scenario ran the same seeds under every policy (one boot per policy: the policy is fixed "
		"at boot), trial-major with the scenario order rotated per trial. A cell is `mean [low, high]`: "
		"the mean over the trials and its 95%% confidence interval, mean -+ t(0.975, n-1) s / sqrt(n) "
		"(Student's t; no interval with one trial or when every trial gave the same value; bounds are clipped to what the figure can be: counts and times at 0, shares at 0 and 100%%). `(+x%%)` is the change of the mean against `%s`; "
		"`*` marks a difference outside the noise by **Welch's t-test** (two-sided, alpha = 0.05, "
		"unequal variances, on the per-trial values; it needs 2 trials on each side). Kernel counters "
		"are deltas over the cell; anon_vma_wait_max_ns is reset before every cell by the guest. "
		"Per-trial values are in report.json.\n", v->pol[v->base]);
	fprintf(f, "\nThe kernel%s under test (kernel.json of the results; two directories are one report only "
		"when their kernel ids are equal, or with --by-kernel):", v->by_kernel ? "s" : "");
	json_array_foreach(v->kernels, i, x) {
		fprintf(f, "%s", i ? "; " : " ");
		kernel_md(f, v, i);
	}
	fprintf(f, ".\n");
	if (plots[0]) {
		fprintf(f, "\n## Plots\n\nPoints are means, bars 95%% CIs; x is the scenario number:");
		for (s = 0; s < v->nscen; s++)
			fprintf(f, "%s %zu = %s", s ? "," : "", s + 1, v->scen[s]);
		fprintf(f, ".\n\n%s", plots);
	}
	fprintf(f, "\n## Per scenario\n");
	for (s = 0; s < v->nscen; s++)
		md_scenario(v, (int)s, f, row);
	free(row);
}

/* ---- plots ---- */

static int plot_metric(const struct vr *v, const struct vr_metric *m, const char *dir, const char *link, FILE *md,
		       char *err, size_t len)
{
	struct svg_series ser[VR_MAX_POL];
	static double xs[VR_MAX_POL][VR_MAX_SCEN], ys[VR_MAX_POL][VR_MAX_SCEN], es[VR_MAX_POL][VR_MAX_SCEN];
	struct svg_chart ch = { .xlabel = "scenario (numbers: see report.md)", .xmin = 0 };
	struct vr_row *row = malloc(sizeof(*row));
	char path[1024], title[256], ylabel[96];
	size_t s, p, pts = 0;
	bool nonzero = false;
	FILE *f;
	int ret;

	if (!row)
		return -ENOMEM;
	memset(ser, 0, sizeof(ser));
	for (p = 0; p < v->npol; p++)
		ser[p] = (struct svg_series){ .label = v->pol[p], .x = xs[p], .y = ys[p], .yerr = es[p], .points = 1 };
	for (s = 0; s < v->nscen; s++) {
		row_of(v, (int)s, m, row);
		nonzero |= row->nonzero;
		for (p = 0; p < v->npol; p++) {
			const struct vr_val *x = &row->val[p];

			if (!x->st.n)
				continue;
			xs[p][ser[p].n] = (double)(s + 1);
			ys[p][ser[p].n] = x->st.mean;
			es[p][ser[p].n] = x->st.n > 1 ? x->st.hi - x->st.mean : 0;
			ser[p].n++;
			pts++;
		}
	}
	free(row);
	if (!pts || !nonzero)
		return 0;
	ch.xmax = (double)v->nscen + 1;
	snprintf(title, sizeof(title), "%s: mean per cell, 95%% CI", m->kind == VR_COUNTER ? m->src : m->id);
	snprintf(ylabel, sizeof(ylabel), "%s%s%s", m->kind == VR_COUNTER ? m->src : m->id,
		 m->unit[0] ? ", " : "", m->unit);
	ch.title = title;
	ch.ylabel = ylabel;
	if (snprintf(path, sizeof(path), "%s/%s.svg", dir, m->id) >= (int)sizeof(path)) {
		snprintf(err, len, "report: %s: path too long", dir);
		return -ENAMETOOLONG;
	}
	f = fopen(path, "we");
	if (!f) {
		snprintf(err, len, "report: %s: %s", path, strerror(errno));
		return -errno;
	}
	ret = svg_write_chart(f, &ch, ser, v->npol);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		snprintf(err, len, "report: %s: %s", path, strerror(-ret));
		return ret;
	}
	fprintf(md, "![%s](%s/%s.svg)\n", m->label, link, m->id);
	return 1;
}

int vr_write_plots(const struct vr *v, const char *dir, const char *link, FILE *md, char *err, size_t len)
{
	const struct vr_metric *m;

	for (m = metrics; m->id; m++)
		if (m->headline && plot_metric(v, m, dir, link, md, err, len) < 0)
			return -1;
	return 0;
}

json_t *vr_report_json(const struct vr *v, const char *concl)
{
	static const char *const from_head[] = { "kernel", "kernel_source", "series", "config", "matrix", "arch",
						 "accel" };
	json_t *rep = json_object(), *scen = json_array(), *pols = json_array(), *cols;
	size_t i;

	for (i = 0; i < v->nscen; i++)
		json_array_append_new(scen, scenario_json(v, (int)i));
	json_object_set_new(rep, "schema", json_string("movestress-report/1"));
	for (i = 0; i < sizeof(from_head) / sizeof(from_head[0]); i++)
		json_object_set_new(rep, from_head[i], json_incref(json_object_get(v->head, from_head[i]) ?: json_null()));
	json_object_set_new(rep, "wall_clock_distorted", json_boolean(is_tcg(v)));
	json_object_set_new(rep, "sources", json_incref(v->sources));
	json_object_set_new(rep, "notes", json_incref(v->notes));
	json_object_set_new(rep, "baseline", json_string(v->pol[v->base]));
	for (i = 0; i < v->npol; i++)
		json_array_append_new(pols, json_string(v->pol[i]));
	json_object_set_new(rep, "policies", pols);
	/* which kernel ran: every kernel's kernel.json, and the column each one is */
	json_object_set_new(rep, "kernel_build", json_incref(json_array_get(v->kernels, 0)));
	json_object_set_new(rep, "by_kernel", json_boolean(v->by_kernel));
	json_object_set_new(rep, "kernels", json_incref(v->kernels));
	cols = json_array();
	for (i = 0; i < v->npol; i++) {
		json_t *kb = json_array_get(v->kernels, v->polkern[i]);

		json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:o}", "label", v->pol[i],
			"policy", v->polname[i], "kernel", mx_kernel_id(kb),
			"arch", json_string(v->karch[v->polkern[i]])));
	}
	json_object_set_new(rep, "columns", cols);
	json_object_set_new(rep, "statistics", json_pack("{s:s, s:s, s:f, s:b}",
		"ci95", "mean -+ t(0.975, n-1) * sd / sqrt(n), Student's t",
		"test", "Welch's t-test against the baseline policy, per-trial values", "alpha", 0.05,
		"two_sided", 1));
	json_object_set_new(rep, "conclusion", json_string(concl));
	json_object_set_new(rep, "scenarios", scen);
	return rep;
}
