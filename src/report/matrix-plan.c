// SPDX-License-Identifier: GPL-2.0-only
/*
 * The matrix's cells before they run (`movestress matrix --plan OUT`):
 * from vm-check's scenarios.txt and vm-check.json (trials, seed, shard),
 * cells.tsv (CELL SCENARIO TRIAL SEED ARGS, scenario order then trial: the
 * matrix's row order, which matrix.c reads back) and plan.txt (CELL ARGS
 * --seed=SEED, the order the guest runs them).
 *
 * A cell's seed comes from --seed, the scenario and the trial only (not
 * the policy: every policy runs the same seeds, and a shard or a re-run
 * reproduces them): 48 bits of the SHA-256 of
 * "movestress-vm-check/SEED/SCENARIO/TRIAL".  Shards split by (scenario,
 * trial): every policy of a cell runs on the same machine, so a policy
 * comparison never crosses machines.  Run order is trial-major with the
 * scenario order rotated by one per trial, so no scenario always runs
 * first after boot (clean memory, empty zram) or always after the same
 * neighbour, and a drift over the boot (swap filling, fragmentation)
 * spreads over all scenarios instead of landing on the last trials of one.
 *
 * Cells of vm-check --cells (scripts/vm-bisect) may carry their own seed:
 * ARGS with a --seed= keep it in every trial (a finding's seed), and ARGS
 * that start with / (a program of its own, not movestress) get none.
 */
#include "config.h"
#include "report/matrix-plan.h"
#include "core/opts.h"
#include "core/report.h"
#include "core/sha256.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_MAX_SCEN	4096

/*
 * The seed a cell runs with, as text into @buf: its own --seed= if @args
 * have one, none ("") for a program of its own (@args start with /), else
 * @computed.  True if the plan line must append --seed=@buf.
 */
static bool plan_seed(const char *args, unsigned long long computed, char *buf, size_t len)
{
	const char *own;

	buf[0] = '\0';
	if (args[0] == '/')
		return false;
	own = strstr(args, "--seed=");
	if (own && (own == args || own[-1] == ' ')) {
		snprintf(buf, len, "%.*s", (int)strspn(own + 7, "0123456789"), own + 7);
		return false;
	}
	snprintf(buf, len, "%llu", computed);
	return true;
}

unsigned long long mx_cell_seed(const char *base, const char *scenario, unsigned trial)
{
	uint8_t d[32];
	char *s;
	int n;

	n = asprintf(&s, "movestress-vm-check/%s/%s/%u", base, scenario, trial);
	if (n < 0)
		abort();
	sha256(s, (size_t)n, d);
	free(s);
	/* the first 12 hex digits */
	return (unsigned long long)d[0] << 40 | (unsigned long long)d[1] << 32 | (unsigned long long)d[2] << 24 |
	       (unsigned long long)d[3] << 16 | (unsigned long long)d[4] << 8 | d[5];
}

struct scen {
	char *name, *args;
};

static int read_scenarios(const char *path, struct scen **out, size_t *n, char *err, size_t len)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t l;

	*out = NULL;
	*n = 0;
	if (!f) {
		snprintf(err, len, "matrix: %s: %s", path, strerror(errno));
		return MS_EXIT_USAGE;
	}
	while ((l = getline(&line, &cap, f)) >= 0) {
		char *tab;
		struct scen *ns;

		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		if (!*line)
			continue;
		if (*n == PLAN_MAX_SCEN || !(ns = realloc(*out, (*n + 1) * sizeof(**out))))
			break;
		*out = ns;
		ns[*n].name = strdup(line);
		ns[*n].args = strdup(tab ? tab + 1 : "");
		(*n)++;
	}
	free(line);
	fclose(f);
	return 0;
}

int mx_plan(const char *dir, char *err, size_t len)
{
	char path[PATH_MAX + 32], why[256], *cells = NULL, *plan = NULL;
	size_t ncells = 0, nplan = 0, nsc = 0, i, t, k = 0;
	unsigned long trials, si, sn;
	struct scen *sc = NULL;
	const char *base;
	char seed[32];
	bool *in, append;
	json_t *f;
	FILE *cf, *pf;
	int ret;

	snprintf(path, sizeof(path), "%s/vm-check.json", dir);
	f = read_json_file(path, why, sizeof(why));
	if (!json_is_object(f)) {
		snprintf(err, len, "matrix: %s: %s", path, f ? "not a JSON object" : why);
		json_decref(f);
		return MS_EXIT_USAGE;
	}
	trials = (unsigned long)json_integer_value(json_object_get(f, "trials"));
	base = json_string_value(json_object_get(f, "seed_base_arg"));
	if (!base || trials < 1 || trials > 1000 ||
	    sscanf(json_string_value(json_object_get(f, "shard")) ?: "", "%lu/%lu", &si, &sn) != 2 ||
	    sn < 1 || si < 1 || si > sn) {
		snprintf(err, len, "matrix: %s: needs trials (1..1000), seed_base_arg and shard (I/N)", path);
		json_decref(f);
		return MS_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/scenarios.txt", dir);
	ret = read_scenarios(path, &sc, &nsc, err, len);
	if (ret) {
		json_decref(f);
		return ret;
	}
	in = calloc(nsc * trials + 1, sizeof(*in));
	cf = open_memstream(&cells, &ncells);
	pf = open_memstream(&plan, &nplan);
	if (!in || !cf || !pf)
		abort();
	for (i = 0; i < nsc; i++)
		for (t = 1; t <= trials; t++, k++) {
			if (k % sn != si - 1)
				continue;
			in[i * trials + t - 1] = true;
			plan_seed(sc[i].args, mx_cell_seed(base, sc[i].name, (unsigned)t), seed, sizeof(seed));
			fprintf(cf, "%s%s%.0zu\t%s\t%zu\t%s\t%s\n", sc[i].name, trials > 1 ? ".t" : "",
				trials > 1 ? t : 0, sc[i].name, t, seed, sc[i].args);
		}
	for (t = 1; t <= trials; t++)
		for (k = 0; k < nsc; k++) {
			i = (k + t - 1) % nsc;
			if (!in[i * trials + t - 1])
				continue;
			append = plan_seed(sc[i].args, mx_cell_seed(base, sc[i].name, (unsigned)t), seed, sizeof(seed));
			fprintf(pf, "%s%s%.0zu\t%s%s%s\n", sc[i].name, trials > 1 ? ".t" : "", trials > 1 ? t : 0,
				sc[i].args, append ? " --seed=" : "", append ? seed : "");
		}
	fclose(cf);
	fclose(pf);
	json_decref(f);
	for (i = 0; i < 2 && !ret; i++) {
		FILE *o;
		bool bad;

		snprintf(path, sizeof(path), "%s/%s", dir, i ? "plan.txt" : "cells.tsv");
		o = fopen(path, "we");
		bad = !o || fputs(i ? plan : cells, o) == EOF;
		if ((o && fclose(o)) || bad) {
			snprintf(err, len, "matrix: cannot write %s", path);
			ret = MS_EXIT_ENV;
		}
	}
	for (i = 0; i < nsc; i++) {
		free(sc[i].name);
		free(sc[i].args);
	}
	free(sc);
	free(in);
	free(cells);
	free(plan);
	return ret;
}
