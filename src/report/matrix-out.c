// SPDX-License-Identifier: GPL-2.0-only
/*
 * The judged matrix (matrix.h) written: matrix.txt (the scenario x
 * policy table a person reads, then every cell in full), matrix.json
 * (what `movestress report` and scripts read), matrix.ktap (KTAP version
 * 1 for kernel CI: a test per scenario and policy, a subtest per trial),
 * and the verb that vm-check calls, `movestress matrix DIR`.
 */
#include "config.h"
#include "report/matrix-out.h"
#include "report/matrix.h"
#include "report/matrix-plan.h"
#include "core/opts.h"
#include "core/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_dir_path(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static const char *pol_name(const struct mx *m, int p)
{
	return m->pol[p].name;
}

/* the scenario a cell belongs to (cells.tsv), the cell itself for (boot) */
static const struct mx_row *row_of(const struct mx *m, const char *cell)
{
	size_t i;

	for (i = 0; i < m->nrows; i++)
		if (!strcmp(m->rows[i].cell, cell))
			return &m->rows[i];
	return NULL;
}

/* ---- matrix.txt ---- */

static void text_header(const struct mx *m, FILE *f)
{
	const char *kid = mx_kernel_id(m->kernel_build), *kr = mx_fact(m, "kernel"), *shard = mx_fact(m, "shard");
	size_t p;

	fprintf(f, "\nmovestress vm-check: arch=%s config=%s%s matrix=%s accel=%s smp=%lld mem=%lldM numa=%lld\n",
		mx_arch(m), mx_fact(m, "config"), json_is_true(json_object_get(m->facts, "coverage")) ? " (coverage)" : "",
		mx_fact(m, "matrix"), mx_fact(m, "accel"), mx_fact_int(m, "smp", 0), mx_fact_int(m, "mem_mib", 0),
		mx_fact_int(m, "numa", 0));
	if (mx_fact_int(m, "trials", 1) > 1 || json_is_true(json_object_get(m->facts, "shard_given")))
		fprintf(f, "trials: %lld per scenario and policy (seeds from --seed=%lld; cells SCENARIO.tN)%s%s\n",
			mx_fact_int(m, "trials", 1), mx_fact_int(m, "seed_base", 1),
			json_is_true(json_object_get(m->facts, "shard_given")) ? ", shard " : "",
			json_is_true(json_object_get(m->facts, "shard_given")) ? shard : "");
	fprintf(f, "kernel: %s (%s)\n", *kr ? kr : "?", mx_fact(m, "kernel_summary"));
	if (m->kernel_build)
		fprintf(f, "kernel build: %s (source %s, arch %s, config %s)\n", kid,
			json_string_value(json_object_get(m->kernel_build, "source")) ?: "?",
			json_string_value(json_object_get(m->kernel_build, "arch")) ?: "?",
			json_string_value(json_object_get(m->kernel_build, "config")) ?: "?");
	else
		fprintf(f, "kernel build: unknown (no kernel.json in the results)\n");
	fprintf(f, "guest CPUs seen:");
	for (p = 0; p < m->npol; p++)
		fprintf(f, " %s=%s", pol_name(m, (int)p), m->pol[p].cpus && *m->pol[p].cpus ? m->pol[p].cpus : "?");
	fprintf(f, "; NUMA nodes seen:");
	for (p = 0; p < m->npol; p++)
		fprintf(f, " %s=%s", pol_name(m, (int)p), m->pol[p].numa && *m->pol[p].numa ? m->pol[p].numa : "?");
	fprintf(f, "\n\n");
}

/* the table's names: every cells.tsv row, then (boot) */
static const char *name_at(const struct mx *m, size_t i)
{
	return i < m->nrows ? m->rows[i].cell : MX_BOOT_ROW;
}

static void dashes(FILE *f, size_t n)
{
	while (n--)
		fputc('-', f);
}

static void text_table(const struct mx *m, FILE *f)
{
	size_t nnames = m->nrows + 1, i, p, w = 10, cw = 26;
	char **disp = calloc(nnames * (m->npol ?: 1), sizeof(*disp));

	if (!disp)
		abort();
	for (i = 0; i < nnames; i++)
		if (strlen(name_at(m, i)) > w)
			w = strlen(name_at(m, i));
	/* columns as wide as the widest cell, 26 to 46 characters */
	for (i = 0; i < nnames; i++)
		for (p = 0; p < m->npol; p++) {
			char **d = &disp[i * m->npol + p];

			*d = mx_display(mx_cell(m, name_at(m, i), (int)p));
			if (strlen(*d) > cw)
				cw = strlen(*d);
		}
	if (cw > 46)
		cw = 46;
	fprintf(f, "%-*s", (int)w, "scenario");
	for (p = 0; p < m->npol; p++) {
		if ((int)p == m->control) {
			char h[64];

			snprintf(h, sizeof(h), "%s (control)", pol_name(m, (int)p));
			fprintf(f, " | %-*s", (int)cw, h);
		} else {
			fprintf(f, " | %-*s", (int)cw, pol_name(m, (int)p));
		}
	}
	fputc('\n', f);
	dashes(f, w);
	for (p = 0; p < m->npol; p++) {
		fputs("-+-", f);
		dashes(f, cw);
	}
	fputc('\n', f);
	for (i = 0; i < nnames; i++) {
		fprintf(f, "%-*s", (int)w, name_at(m, i));
		for (p = 0; p < m->npol; p++) {
			char *d = disp[i * m->npol + p];

			if (strlen(d) > cw)
				fprintf(f, " | %.*s~", (int)cw - 1, d);
			else
				fprintf(f, " | %-*s", (int)cw, d);
			free(d);
		}
		fputc('\n', f);
	}
	free(disp);
}

/* every state counted (the (boot) rows apart), none hidden */
static void text_summary(const struct mx *m, FILE *f)
{
	static const enum mx_state order[] = { MX_PASS, MX_EXPECTED_FAIL, MX_KNOWN_BUG, MX_SKIP, MX_ENV,
					       MX_FAIL, MX_HANG, MX_KERNEL };
	size_t count[MX_NSTATES] = { 0 }, i;
	bool first = true;

	for (i = 0; i < m->ncells; i++)
		if (strcmp(m->cells[i].name, MX_BOOT_ROW))
			count[m->cells[i].state]++;
	fprintf(f, "\ncells: ");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!count[order[i]])
			continue;
		fprintf(f, "%s%zu %s", first ? "" : ", ", count[order[i]], mx_states[order[i]].name);
		first = false;
	}
	if (count[MX_KNOWN_BUG])
		fprintf(f, " (known-bug: only known kernel bugs, counted as neither pass nor failure)");
	fputc('\n', f);
}

static void text_cells(const struct mx *m, FILE *f)
{
	size_t i, p;

	fprintf(f, "\ncells in full (state, seconds in the guest, headline, counter deltas):\n");
	for (i = 0; i < m->nrows + 1; i++)
		for (p = 0; p < m->npol; p++) {
			const struct mx_cell *c = mx_cell(m, name_at(m, i), (int)p);

			if (!c)
				continue;
			fprintf(f, "  %s [%s]: %s", c->name, pol_name(m, (int)p), c->text);
			if (c->secs)
				fprintf(f, ", %ss", c->secs);
			if (c->json) {
				char *h = mx_headline(c->json), *k = mx_counters(c->json);

				if (*h)
					fprintf(f, ", %s", h);
				if (*k)
					fprintf(f, "\n      %s", k);
				free(h);
				free(k);
			}
			if (c->note)
				fprintf(f, "\n      %s", c->note);
			fputc('\n', f);
		}
}

static void banner(const struct mx *m, FILE *f)
{
	static const char bangs[] = "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!";

	fprintf(f, "\n%s\n!!! POSITIVE CONTROL DID NOT FAIL: %s passed every cell.\n"
		"!!! This matrix cannot tell a safe policy from an unsafe one; do not\n"
		"!!! trust its passes (longer runs: --matrix=full or a larger --timeout).\n%s\n",
		bangs, pol_name(m, m->control), bangs);
}

static bool control_missed(const struct mx *m)
{
	return m->control_ran && !m->control_failed;
}

/* ---- matrix.json ---- */

static json_t *num_or_null(const char *s)
{
	char *end;
	double d;

	if (!s || !*s)
		return json_null();
	d = strtod(s, &end);
	if (*end || end == s)
		return json_null();
	if (d == floor(d) && fabs(d) < 9e15)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *cell_json(const struct mx *m, const struct mx_cell *c)
{
	const struct mx_row *r = row_of(m, c->name);
	size_t dl = strlen(m->dir);
	char *d = mx_display(c);
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o}",
		      "cell", c->name, "scenario", r ? r->scen : c->name, "policy", pol_name(m, c->pol),
		      "trial", num_or_null(r ? r->trial : NULL), "seed", num_or_null(r ? r->seed : NULL),
		      "args", str_or_null(r ? r->args : NULL), "state", mx_states[c->state].name,
		      "text", c->text, "short", d, "result", str_or_null(c->json),
		      "result_rel", c->json && !strncmp(c->json, m->dir, dl) && c->json[dl] == '/' ?
				    json_string(c->json + dl + 1) : json_null(),
		      "guest_seconds", num_or_null(c->secs));
	free(d);
	return o;
}

/* sort_by(.scenario, .trial, .policy): no trial first, then by number */
static int cell_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_t *tx = json_object_get(x, "trial"), *ty = json_object_get(y, "trial");
	int r = strcmp(json_string_value(json_object_get(x, "scenario")),
		       json_string_value(json_object_get(y, "scenario")));

	if (r)
		return r;
	if (json_is_null(tx) != json_is_null(ty))
		return json_is_null(tx) ? -1 : 1;
	if (!json_is_null(tx) && json_integer_value(tx) != json_integer_value(ty))
		return json_integer_value(tx) < json_integer_value(ty) ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "policy")),
		      json_string_value(json_object_get(y, "policy")));
}

static const char *control_verdict(const struct mx *m)
{
	if (m->control < 0)
		return "not in the matrix";
	if (!m->control_ran)
		return "did not run";
	return m->control_failed ? "failed, as it must" : "did not fail";
}

static json_t *matrix_json(const struct mx *m)
{
	static const char *const strs[] = { "config", "matrix", "accel", "kernel" };
	json_t *j = json_object(), *cells = json_array(), *cpus = json_object(), **v;
	const struct rmap_policy *base = rmap_policy_of_role(RMAP_BASE);
	size_t i;

	json_object_set_new(j, "schema_version", json_integer(MX_SCHEMA_VERSION));
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		json_object_set_new(j, strs[i], json_string(mx_fact(m, strs[i])));
	json_object_set_new(j, "arch", json_string(mx_arch(m)));
	json_object_set_new(j, "kernel_source", str_or_null(mx_fact(m, "kernel_source")));
	json_object_set_new(j, "series", json_string(mx_fact(m, "series")));
	json_object_set_new(j, "smp", json_integer(mx_fact_int(m, "smp", 0)));
	json_object_set_new(j, "mem_mib", json_integer(mx_fact_int(m, "mem_mib", 0)));
	json_object_set_new(j, "trials", json_integer(mx_fact_int(m, "trials", 1)));
	json_object_set_new(j, "seed_base", json_integer(mx_fact_int(m, "seed_base", 1)));
	json_object_set_new(j, "shard", json_string(mx_fact(m, "shard")));
	json_object_set_new(j, "policies", json_deep_copy(json_object_get(m->facts, "policies")));
	json_object_set_new(j, "scenarios", json_incref(m->scenarios));
	for (i = 0; i < m->npol; i++)
		if (m->pol[i].cpus)
			json_object_set_new(cpus, m->pol[i].name, *m->pol[i].cpus ?
					    num_or_null(m->pol[i].cpus) : json_string(m->pol[i].cpus));
	json_object_set_new(j, "guest_cpus", json_object_size(cpus) ? cpus : (json_decref(cpus), json_null()));
	v = calloc(m->ncells ?: 1, sizeof(*v));
	if (!v)
		abort();
	for (i = 0; i < m->ncells; i++)
		v[i] = cell_json(m, &m->cells[i]);
	qsort(v, m->ncells, sizeof(*v), cell_cmp);
	for (i = 0; i < m->ncells; i++)
		json_array_append_new(cells, v[i]);
	free(v);
	json_object_set_new(j, "cells", cells);
	/* the rest is new in schema 1 as vm-check's matrix (from the policy table, kernel.json) */
	json_object_set_new(j, "base_policy", json_string(base->name));
	json_object_set_new(j, "control_policy", json_string(rmap_policy_of_role(RMAP_CONTROL)->name));
	json_object_set_new(j, "kernel_build", m->kernel_build ? json_incref(m->kernel_build) : json_null());
	json_object_set_new(j, "control", json_pack("{s:s, s:s, s:s}", "policy",
		rmap_policy_of_role(RMAP_CONTROL)->name, "mode", mx_fact(m, "control_mode"),
		"verdict", control_verdict(m)));
	json_object_set_new(j, "worst", json_string(mx_states[m->worst].name));
	json_object_set_new(j, "exit_code", json_integer(m->exit_code));
	return j;
}

/* ---- matrix.ktap ---- */

/* the text without '#' (it would start a directive) */
static void ktap_text(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s != '#')
			fputc(*s, f);
}

static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) ? s : s + n;
}

/* one subtest: a cell of one trial */
static void ktap_line(FILE *f, int n, const char *name, const struct mx_cell *c)
{
	if (!c) {
		fprintf(f, "    not ok %d %s # ERROR: no result\n", n, name);
		return;
	}
	switch (c->state) {
	case MX_PASS:
		fprintf(f, "    ok %d %s\n", n, name);
		break;
	case MX_SKIP:
		fprintf(f, "    ok %d %s # SKIP ", n, name);
		ktap_text(f, after(c->text, "skipped: "));
		fputc('\n', f);
		break;
	case MX_EXPECTED_FAIL:
		fprintf(f, "    not ok %d %s # TODO positive control, expected: ", n, name);
		ktap_text(f, after(c->text, "expected-fail: "));
		fputc('\n', f);
		break;
	case MX_KNOWN_BUG:
		fprintf(f, "    not ok %d %s # TODO ", n, name);
		ktap_text(f, c->text);
		fputc('\n', f);
		break;
	default:
		fprintf(f, "    not ok %d %s\n    # %s: ", n, name, mx_states[c->state].name);
		ktap_text(f, c->text);
		fputc('\n', f);
	}
}

/*
 * One test per (scenario, policy) in the matrix's row order, a subtest per
 * trial.  A skipped cell is "ok ... # SKIP reason"; the control's expected
 * failures and known kernel bugs "not ok ... # TODO" (not a failure of
 * this run); every other state but pass is "not ok".
 */
static void ktap(const struct mx *m, FILE *f)
{
	const char **scen = calloc(m->nrows ?: 1, sizeof(*scen));
	size_t ns = 0, s, i, k, p;
	int n = 0;

	if (!scen)
		abort();
	for (i = 0; i < m->nrows; i++) {
		for (k = 0; k < ns && strcmp(scen[k], m->rows[i].scen); k++)
			;
		if (k == ns)
			scen[ns++] = m->rows[i].scen;
	}
	fprintf(f, "KTAP version 1\n# movestress vm-check: config=%s matrix=%s kernel=%s trials=%lld shard=%s\n",
		mx_fact(m, "config"), mx_fact(m, "matrix"), *mx_fact(m, "kernel") ? mx_fact(m, "kernel") : "?",
		mx_fact_int(m, "trials", 1), mx_fact(m, "shard"));
	if (m->kernel_build)
		fprintf(f, "# kernel build: %s\n", mx_kernel_id(m->kernel_build));
	fprintf(f, "1..%zu\n", ns * m->npol);
	for (s = 0; s < ns; s++)
		for (p = 0; p < m->npol; p++) {
			enum { W_PASS, W_EXPECTED, W_KNOWN, W_FAIL } worst = W_PASS;
			const struct mx_cell *first = NULL;
			bool all_skip = true;
			size_t ncells = 0;
			int sub = 0;

			n++;
			for (i = 0; i < m->nrows; i++)
				ncells += !strcmp(m->rows[i].scen, scen[s]);
			fprintf(f, "    KTAP version 1\n    # Subtest: %s [%s]\n    1..%zu\n", scen[s], pol_name(m, (int)p),
				ncells);
			for (i = 0; i < m->nrows; i++) {
				const struct mx_row *r = &m->rows[i];
				const struct mx_cell *c;
				char name[160];

				if (strcmp(r->scen, scen[s]))
					continue;
				c = mx_cell(m, r->cell, (int)p);
				if (!first)
					first = c;
				snprintf(name, sizeof(name), "trial %s seed=%s", r->trial, r->seed);
				ktap_line(f, ++sub, name, c);
				if (!c || c->state != MX_SKIP)
					all_skip = false;
				if (c && (c->state == MX_PASS || c->state == MX_SKIP))
					continue;
				if (c && c->state == MX_EXPECTED_FAIL)
					worst = worst == W_PASS ? W_EXPECTED : worst;
				else if (c && c->state == MX_KNOWN_BUG)
					worst = worst == W_PASS ? W_KNOWN : worst;
				else
					worst = W_FAIL;
			}
			/* the test's own line: the worst of its trials */
			if (worst == W_FAIL) {
				fprintf(f, "not ok %d %s [%s]\n", n, scen[s], pol_name(m, (int)p));
			} else if (worst == W_EXPECTED) {
				fprintf(f, "not ok %d %s [%s] # TODO positive control failed as expected\n", n, scen[s],
					pol_name(m, (int)p));
			} else if (worst == W_KNOWN) {
				fprintf(f, "not ok %d %s [%s] # TODO known kernel bug only\n", n, scen[s], pol_name(m, (int)p));
			} else if (all_skip) {
				fprintf(f, "ok %d %s [%s] # SKIP ", n, scen[s], pol_name(m, (int)p));
				ktap_text(f, first ? after(first->text, "skipped: ") : "");
				fputc('\n', f);
			} else {
				fprintf(f, "ok %d %s [%s]\n", n, scen[s], pol_name(m, (int)p));
			}
		}
	/* what happened outside the cells (boots killed, reports between cells) */
	for (p = 0; p < m->npol; p++) {
		const struct mx_cell *c = mx_cell(m, MX_BOOT_ROW, (int)p);

		if (c && c->state != MX_PASS) {
			fprintf(f, "# (boot) [%s]: %s: ", pol_name(m, (int)p), mx_states[c->state].name);
			ktap_text(f, c->text);
			fputc('\n', f);
		}
	}
	free(scen);
}

/* ---- the files ---- */

static int write_text(const char *dir, const char *file, const char *buf, size_t n, char *err, size_t len)
{
	char path[MX_PATH];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "we");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
		snprintf(err, len, "matrix: cannot write %s: %s", path, strerror(errno ?: EIO));
		if (f)
			fclose(f);
		return MS_EXIT_ENV;
	}
	return 0;
}

static int mx_write(const struct mx *m, const char *outdir, FILE *text, FILE *kt, char *err, size_t len)
{
	char *tbuf = NULL, *kbuf = NULL, path[PATH_MAX + 32];
	size_t tlen = 0, klen = 0;
	FILE *t = open_memstream(&tbuf, &tlen), *k = open_memstream(&kbuf, &klen);
	json_t *j;
	int ret;

	if (!t || !k)
		abort();
	text_header(m, t);
	text_table(m, t);
	text_summary(m, t);
	text_cells(m, t);
	fflush(t);
	if (text)
		fwrite(tbuf, 1, tlen, text);
	if (control_missed(m)) {
		long at = ftell(t);

		banner(m, t);
		fflush(t);
		if (text)
			fwrite(tbuf + at, 1, tlen - (size_t)at, stderr);
	}
	fclose(t);
	ktap(m, k);
	fclose(k);
	if (kt)
		fwrite(kbuf, 1, klen, kt);
	ret = write_text(outdir, "matrix.txt", tbuf, tlen, err, len);
	ret = ret ?: write_text(outdir, "matrix.ktap", kbuf, klen, err, len);
	if (!ret) {
		j = matrix_json(m);
		snprintf(path, sizeof(path), "%s/matrix.json", outdir);
		if (write_json_file_flags(path, j, JSON_INDENT(2) | JSON_REAL_PRECISION(15))) {
			snprintf(err, len, "matrix: cannot write %s", path);
			ret = MS_EXIT_ENV;
		}
		json_decref(j);
	}
	free(tbuf);
	free(kbuf);
	return ret;
}

int mx_judge(const char *dir, const char *outdir, FILE *text, FILE *ktap, int *exit_code,
	     char *err, size_t len)
{
	struct mx *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		abort();
	ret = mx_build(m, dir, err, len);
	if (!ret) {
		ret = mx_write(m, outdir ?: m->dir, text, ktap, err, len);
		*exit_code = m->exit_code;
	}
	mx_free(m);
	free(m);
	return ret;
}

/* ---- the verb ---- */

int cmd_matrix(struct opts *o, int argc, char **argv, int pos)
{
	const char *dir = NULL;
	char err[PATH_MAX + 256];
	int i, ret, code = 0;

	for (i = pos; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			continue;
		if (!strncmp(argv[i], "--", 2)) {
			if (!strchr(argv[i], '=') && i + 1 < argc && !strcmp(argv[i] + 2, "output"))
				i++;
			continue;
		}
		dir = argv[i];
	}
	if (!dir) {
		fprintf(stderr, "movestress: matrix: give a vm-check results directory\n");
		return MS_EXIT_USAGE;
	}
	if (o->plan) {
		ret = mx_plan(dir, err, sizeof(err));
		if (ret)
			fprintf(stderr, "movestress: %s\n", err);
		return ret;
	}
	if (o->output[0] && !is_dir_path(o->output)) {
		fprintf(stderr, "movestress: --output=%s: not a directory (matrix writes matrix.txt, matrix.json "
			"and matrix.ktap into it)\n", o->output);
		return MS_EXIT_USAGE;
	}
	ret = mx_judge(dir, o->output[0] ? o->output : NULL, o->ktap ? stderr : stdout, o->ktap ? stdout : NULL,
		       &code, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "movestress: %s\n", err);
		return ret;
	}
	fflush(stdout);
	return code;
}
