// SPDX-License-Identifier: GPL-2.0-only
/*
 * compare's output (compare.h: cmp_print()): the loaded comparison as a
 * text table, markdown, CSV or JSON.  What the rows are and how they are
 * found and loaded is compare.c's.
 */
#include "config.h"
#include "report/compare.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fmt_val(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (a >= 1000 || v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.4f", v);
}

/* "value (  +1.23%) ±0.5%*" */
static void fmt_cell(const struct cmp_cell *x, bool spread, char *buf, size_t len)
{
	char v[32], d[24], s[24] = "";

	fmt_val(x->mean, v, sizeof(v));
	if (isnan(x->delta_pct))
		snprintf(d, sizeof(d), "(     n/a)");
	else
		snprintf(d, sizeof(d), "(%+7.2f%%)", x->delta_pct);
	if (spread && x->n > 1)
		snprintf(s, sizeof(s), " +-%5.1f%%", x->mean ? x->sd / fabs(x->mean) * 100 : 0.0);
	else if (spread)
		snprintf(s, sizeof(s), "         ");
	snprintf(buf, len, "%s %s%s%s", v, d, s, x->significant > 0 ? "*" : spread ? " " : "");
}

static void print_preamble(const struct cmp *c, FILE *f, const char *pfx)
{
	size_t i, min_n = SIZE_MAX;
	json_t *n;

	for (i = 0; i < c->nruns; i++)
		if (c->run[i].ntrials < min_n)
			min_n = c->run[i].ntrials;
	fprintf(f, "%smovestress compare: %zu runs; cells are mean over trials (delta%% against %s), "
		"+- = trial stddev as %% of mean\n", pfx, c->nruns, c->run[0].label);
	if (min_n >= 2)
		fprintf(f, "%s* = outside the noise: Welch's t-test, two-sided, alpha 0.05, on per-trial values\n", pfx);
	else
		fprintf(f, "%sno noise test: a run has a single trial (use movestress run --repeat N, N >= 2)\n", pfx);
	for (i = 0; i < c->nruns; i++) {
		fprintf(f, "%s  %s: %s, N=%zu trial%s, mode=%s movers=%lld rmap_policy=%s", pfx, c->run[i].label,
			c->run[i].path, c->run[i].ntrials, c->run[i].ntrials == 1 ? "" : "s",
			json_string_value(json_path(c->run[i].root, "options/mode")) ?: "?",
			(long long)json_integer_value(json_path(c->run[i].root, "options/movers")),
			json_string_value(json_path(c->run[i].root, "kernel/rmap_policy")) ?: "?");
		/* which kernel ran (environment.kernel_build), when the result says */
		if (strcmp(c->run[i].kernel, "unknown"))
			fprintf(f, " kernel=%s arch=%s", c->run[i].kernel, c->run[i].arch[0] ? c->run[i].arch : "?");
		fputc('\n', f);
	}
	json_array_foreach(c->notes, i, n)
		fprintf(f, "%snote: %s\n", pfx, json_string_value(n));
}

static void print_names(FILE *f, const char *pfx, const char *what, json_t *names)
{
	json_t *n;
	size_t i;

	if (!json_array_size(names))
		return;
	fprintf(f, "%s%s:", pfx, what);
	json_array_foreach(names, i, n)
		fprintf(f, "%s %s", i ? "," : "", json_string_value(n));
	fputc('\n', f);
}

static void print_left_out(const struct cmp *c, FILE *f, const char *pfx)
{
	print_names(f, pfx, "left out (not in every run)", c->left_out);
	print_names(f, pfx, "zero in every run (not shown)", c->all_zero);
}

static bool any_spread(const struct cmp *c)
{
	size_t k;

	for (k = 0; k < c->nruns; k++)
		if (c->run[k].ntrials > 1)
			return true;
	return false;
}

/* markdown cells: no alignment padding */
static void squeeze(char *s)
{
	char *d = s, *start = s;

	for (; *s; s++) {
		if (*s == ' ' && (d == start || d[-1] == ' ' || d[-1] == '('))
			continue;
		*d++ = *s;
	}
	while (d > start && d[-1] == ' ')
		d--;
	*d = '\0';
}

static void print_text(const struct cmp *c, FILE *f)
{
	bool spread = any_spread(c);
	char buf[128];
	size_t i, k, wname = 8, wcol[CMP_MAX_RUNS];
	const char *side = "";

	for (k = 0; k < c->nruns; k++)
		wcol[k] = strlen(c->run[k].label) + 6;
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		snprintf(buf, sizeof(buf), "%s%s%s%s", r->name, r->unit[0] ? " (" : "", r->unit, r->unit[0] ? ")" : "");
		if (strlen(buf) > wname)
			wname = strlen(buf);
		for (k = 0; k < c->nruns; k++) {
			fmt_cell(&r->cell[k], spread, buf, sizeof(buf));
			if (strlen(buf) > wcol[k])
				wcol[k] = strlen(buf);
		}
	}
	print_preamble(c, f, "");
	fprintf(f, "\n%-*s", (int)wname, "");
	for (k = 0; k < c->nruns; k++)
		fprintf(f, "  %*s", (int)wcol[k], c->run[k].label);
	fputc('\n', f);
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (strcmp(side, r->side)) {
			side = r->side;
			fprintf(f, "%s\n", cmp_side_heading(side));
		}
		snprintf(buf, sizeof(buf), "%s%s%s%s", r->name, r->unit[0] ? " (" : "", r->unit, r->unit[0] ? ")" : "");
		fprintf(f, "%-*s", (int)wname, buf);
		for (k = 0; k < c->nruns; k++) {
			fmt_cell(&r->cell[k], spread, buf, sizeof(buf));
			fprintf(f, "  %*s", (int)wcol[k], buf);
		}
		fputc('\n', f);
	}
	print_left_out(c, f, "");
}

/* a markdown table cell: a '|' would end it, a newline the row */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
}

static void print_markdown(const struct cmp *c, FILE *f)
{
	bool spread = any_spread(c);
	char buf[128];
	size_t i, k;
	const char *side = "";

	print_preamble(c, f, "> ");
	fprintf(f, "\n| metric |");
	for (k = 0; k < c->nruns; k++) {
		fputc(' ', f);
		md_cell(f, c->run[k].label);
		fprintf(f, " |");
	}
	fprintf(f, "\n|---|");
	for (k = 0; k < c->nruns; k++)
		fprintf(f, "---:|");
	fputc('\n', f);
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (strcmp(side, r->side)) {
			side = r->side;
			fprintf(f, "| **%s** |", cmp_side_heading(side));
			for (k = 0; k < c->nruns; k++)
				fprintf(f, " |");
			fputc('\n', f);
		}
		fprintf(f, "| ");
		md_cell(f, r->name);
		fprintf(f, "%s%s%s |", r->unit[0] ? " (" : "", r->unit, r->unit[0] ? ")" : "");
		for (k = 0; k < c->nruns; k++) {
			fmt_cell(&r->cell[k], spread, buf, sizeof(buf));
			squeeze(buf);
			fprintf(f, " %s |", buf);
		}
		fputc('\n', f);
	}
	if (json_array_size(c->left_out) || json_array_size(c->all_zero))
		fputc('\n', f);
	print_left_out(c, f, "");
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_csv(const struct cmp *c, FILE *f)
{
	size_t i, k;

	fprintf(f, "side,metric,unit,run,n,mean,stddev,delta_pct,significant\n");
	for (i = 0; i < c->nrows; i++)
		for (k = 0; k < c->nruns; k++) {
			const struct cmp_row *r = &c->rows[i];
			const struct cmp_cell *x = &r->cell[k];

			fprintf(f, "%s,", r->side);
			csv_field(f, r->name);
			fprintf(f, ",%s,", r->unit);
			csv_field(f, c->run[k].label);
			fprintf(f, ",%zu,%.6g,%.6g,%.4f,%s\n", x->n, x->mean, x->sd, x->delta_pct,
				x->significant > 0 ? "yes" : x->significant == 0 ? "no" : "n/a");
		}
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void print_json(const struct cmp *c, FILE *f)
{
	json_t *j = json_object(), *runs = json_array(), *rows = json_array();
	size_t i, k;

	for (k = 0; k < c->nruns; k++)
		json_array_append_new(runs, json_pack("{s:s, s:s, s:I, s:s, s:o}", "label", c->run[k].label,
						      "file", c->run[k].path, "trials", (json_int_t)c->run[k].ntrials,
						      "kernel", c->run[k].kernel,
						      "arch", c->run[k].arch[0] ? json_string(c->run[k].arch) : json_null()));
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];
		json_t *vals = json_array();

		for (k = 0; k < c->nruns; k++) {
			const struct cmp_cell *x = &r->cell[k];

			json_array_append_new(vals, json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o}",
				"run", c->run[k].label, "n", (json_int_t)x->n, "mean", num_or_null(x->mean),
				"stddev", num_or_null(x->sd), "delta_pct", num_or_null(x->delta_pct),
				"significant", x->significant < 0 ? json_null() : json_boolean(x->significant),
				"t", num_or_null(x->t), "df", num_or_null(x->df)));
		}
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:i, s:o}", "side", r->side,
			"metric", r->name, "path", r->path, "unit", r->unit, "better", r->better, "values", vals));
	}
	json_object_set_new(j, "test", json_pack("{s:s, s:f, s:b}", "name", "welch-t", "alpha", 0.05,
						 "two_sided", 1));
	json_object_set_new(j, "runs", runs);
	json_object_set_new(j, "rows", rows);
	json_object_set_new(j, "left_out", json_incref(c->left_out));
	json_object_set_new(j, "all_zero", json_incref(c->all_zero));
	json_object_set_new(j, "notes", json_incref(c->notes));
	json_dumpf(j, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(j);
}

static const struct {
	const char *name;
	void (*print)(const struct cmp *c, FILE *f);
} formats[] = {
	{ "text", print_text },
	{ "markdown", print_markdown },
	{ "csv", print_csv },
	{ "json", print_json },
};

int cmp_print(const struct cmp *c, const char *format, FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, format)) {
			formats[i].print(c, f);
			return 0;
		}
	return -EINVAL;
}
