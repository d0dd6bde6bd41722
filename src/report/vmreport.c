// SPDX-License-Identifier: GPL-2.0-only
/*
 * movestress report DIR...: the reviewer's report of a vm-check matrix
 * (vmreport.h).  This file loads the results directories (shards merge
 * into one matrix, vmreport-int.h) and builds the report in named steps;
 * the metrics and what is written (report.md, report.json, plots) are
 * vmreport-md.c's, the statistics vmreport-stats.c's.
 */
#include "config.h"
#include "report/vmreport.h"
#include "report/vmreport-int.h"
#include "report/matrix.h"
#include "core/opts.h"
#include "core/report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int scen_index(struct vr *v, const char *name, const char *args, char *err, size_t len)
{
	size_t i;

	for (i = 0; i < v->nscen; i++)
		if (!strcmp(v->scen[i], name)) {
			if (args && *args && v->args[i][0] && strcmp(args, v->args[i])) {
				snprintf(err, len, "report: scenario %s has different arguments in different "
					 "directories ('%s' and '%s'): not the same matrix", name, v->args[i], args);
				return -1;
			}
			if (args && *args && !v->args[i][0])
				snprintf(v->args[i], sizeof(v->args[i]), "%s", args);
			return (int)i;
		}
	if (v->nscen == VR_MAX_SCEN) {
		snprintf(err, len, "report: more than %d scenarios", VR_MAX_SCEN);
		return -1;
	}
	snprintf(v->scen[v->nscen], sizeof(v->scen[0]), "%s", name);
	snprintf(v->args[v->nscen], sizeof(v->args[0]), "%s", args ?: "");
	return (int)v->nscen++;
}

/* the column of policy @name on kernel @k: the policy, or with --by-kernel "ID [POLICY]" */
static int pol_index(struct vr *v, const char *name, int k, char *err, size_t len)
{
	char label[sizeof(v->pol[0])];
	size_t i;

	if (v->by_kernel)
		snprintf(label, sizeof(label), "%.100s [%.40s]", v->klabel[k], name);
	else
		snprintf(label, sizeof(label), "%s", name);
	for (i = 0; i < v->npol; i++)
		if (!strcmp(v->pol[i], label))
			return (int)i;
	if (v->npol == VR_MAX_POL) {
		snprintf(err, len, "report: more than %d columns (%s)", VR_MAX_POL,
			 v->by_kernel ? "kernels x policies" : "policies");
		return -1;
	}
	snprintf(v->pol[v->npol], sizeof(v->pol[0]), "%s", label);
	snprintf(v->polname[v->npol], sizeof(v->polname[0]), "%s", name);
	v->polkern[v->npol] = k;
	return (int)v->npol++;
}

/*
 * The kernel a results directory ran (matrix.json's kernel_build, else its
 * kernel.json; NULL: unknown, a directory from before kernel identities),
 * as an index of v->kernels.  Unknown kernels of different architectures
 * (matrix.json's arch) are different kernels.
 */
static int kernel_index(struct vr *v, const char *dir, json_t *m)
{
	char path[1200], why[256], label[sizeof(v->klabel[0])];
	json_t *kb = json_object_get(m, "kernel_build");
	const char *arch;
	size_t i, n;

	if (json_is_object(kb)) {
		json_incref(kb);
	} else {
		snprintf(path, sizeof(path), "%s/kernel.json", dir);
		kb = read_json_file(path, why, sizeof(why));
		if (!json_is_object(kb)) {
			json_decref(kb);
			kb = NULL;
		}
	}
	arch = mx_arch_of(m, kb);
	if (kb)
		snprintf(label, sizeof(label), "%s", mx_kernel_id(kb));
	else
		snprintf(label, sizeof(label), "%s/%s", mx_kernel_id(NULL), arch);
	n = json_array_size(v->kernels);
	for (i = 0; i < n; i++)
		if (!strcmp(v->klabel[i], label)) {
			json_decref(kb);
			return (int)i;
		}
	snprintf(v->klabel[n], sizeof(v->klabel[0]), "%s", label);
	snprintf(v->karch[n], sizeof(v->karch[0]), "%s", arch);
	json_array_append_new(v->kernels, kb ?: json_null());
	return (int)n;
}

/* what must be the same in every directory of one report */
static const char *const same_keys[] = { "kernel", "series", "config", NULL };

static int load_dir(struct vr *v, const char *dir, char *err, size_t len)
{
	char path[1600], rpath[1200], why[256];
	json_t *m, *c, *x;
	const char *const *k;
	size_t i, j;
	int kern;

	snprintf(path, sizeof(path), "%s/matrix.json", dir);
	m = read_json_file(path, why, sizeof(why));
	if (!m) {
		snprintf(err, len, "report: %s: not a vm-check results directory (matrix.json: %s)", dir, why);
		return MS_EXIT_USAGE;
	}
	if (mx_check_json(m, path, why, sizeof(why))) {
		snprintf(err, len, "report: %s", why);
		json_decref(m);
		return MS_EXIT_USAGE;
	}
	kern = kernel_index(v, dir, m);
	/* a matrix.json from before vm-check --arch: its kernel's, else x86_64 */
	if (!json_object_get(m, "arch"))
		json_object_set_new(m, "arch", json_string(v->karch[kern]));
	if (!v->head) {
		v->head = json_incref(m);
	} else if (!v->by_kernel && kern) {
		snprintf(err, len, "report: %s ran kernel %s but %s ran %s: results of different kernels are one "
			 "report only with --by-kernel (the kernel a column like a policy)", dir,
			 v->klabel[kern], json_string_value(json_array_get(v->sources, 0)), v->klabel[0]);
		json_decref(m);
		return MS_EXIT_USAGE;
	} else if (!v->by_kernel) {
		for (k = same_keys; *k; k++)
			if (!json_equal(json_object_get(m, *k) ?: json_null(),
					json_object_get(v->head, *k) ?: json_null())) {
				snprintf(err, len, "report: %s has %s '%s' but %s has '%s': results of different "
					 "kernels, series or configs are not one matrix",
					 dir, *k, jstr(m, *k), json_string_value(json_array_get(v->sources, 0)),
					 jstr(v->head, *k));
				json_decref(m);
				return MS_EXIT_USAGE;
			}
		if (!json_equal(json_object_get(m, "accel") ?: json_null(), json_object_get(v->head, "accel") ?: json_null())) {
			snprintf(path, sizeof(path), "accelerators differ: %s ran under %s, %s under %s",
				 json_string_value(json_array_get(v->sources, 0)), jstr(v->head, "accel"), dir, jstr(m, "accel"));
			json_array_append_new(v->notes, json_string(path));
		}
	}
	json_array_append_new(v->sources, json_string(dir));
	/* the matrix's scenario order first, so shards give the same order */
	json_array_foreach(json_object_get(m, "scenarios"), i, x)
		if (scen_index(v, jstr(x, "name"), jstr(x, "args"), err, len) < 0)
			goto bad;
	json_array_foreach(json_object_get(m, "policies"), i, x)
		if (pol_index(v, json_string_value(x) ?: "?", kern, err, len) < 0)
			goto bad;
	json_array_foreach(json_object_get(m, "cells"), i, c) {
		struct vr_cell *cell;
		const char *res;
		int s, p, t;

		if (!strcmp(jstr(c, "scenario"), "(boot)"))
			continue;
		s = scen_index(v, jstr(c, "scenario"), jstr(c, "args"), err, len);
		p = pol_index(v, jstr(c, "policy"), kern, err, len);
		if (s < 0 || p < 0)
			goto bad;
		t = json_is_integer(json_object_get(c, "trial")) ? (int)json_integer_value(json_object_get(c, "trial")) : 1;
		for (j = 0; j < v->ncells; j++)
			if (v->cells[j].scen == s && v->cells[j].pol == p && v->cells[j].trial == t) {
				snprintf(err, len, "report: cell %s [%s] trial %d is in more than one directory "
					 "(%s among them): shards of one matrix do not overlap", v->scen[s], v->pol[p], t, dir);
				goto bad;
			}
		if (v->ncells == v->cap) {
			size_t cap = v->cap ? v->cap * 2 : 64;
			struct vr_cell *n = realloc(v->cells, cap * sizeof(*n));

			if (!n) {
				snprintf(err, len, "report: out of memory");
				goto bad;
			}
			v->cells = n;
			v->cap = cap;
		}
		cell = &v->cells[v->ncells++];
		memset(cell, 0, sizeof(*cell));
		cell->scen = s;
		cell->pol = p;
		cell->trial = t;
		cell->seed = json_integer_value(json_object_get(c, "seed"));
		snprintf(cell->state, sizeof(cell->state), "%s", jstr(c, "state"));
		snprintf(cell->text, sizeof(cell->text), "%s", jstr(c, "text"));
		/* relative to the directory first: a copied or merged tree */
		res = json_string_value(json_object_get(c, "result_rel"));
		if (res)
			snprintf(rpath, sizeof(rpath), "%s/%s", dir, res);
		else
			snprintf(rpath, sizeof(rpath), "%s", jstr(c, "result"));
		if (rpath[0]) {
			cell->res = read_json_file(rpath, why, sizeof(why));
			if (!cell->res && res && *jstr(c, "result")) {
				/* an older matrix.json: the absolute path */
				char why2[256];

				cell->res = read_json_file(jstr(c, "result"), why2, sizeof(why2));
			}
			if (!cell->res) {
				snprintf(path, sizeof(path), "%s [%s] trial %d: result %s unreadable: %s",
					 v->scen[s], v->pol[p], t, rpath, why);
				json_array_append_new(v->notes, json_string(path));
			}
		}
	}
	json_decref(m);
	return 0;
bad:
	json_decref(m);
	return MS_EXIT_USAGE;
}

static void vr_free(struct vr *v)
{
	size_t i;

	for (i = 0; i < v->ncells; i++)
		json_decref(v->cells[i].res);
	free(v->cells);
	json_decref(v->head);
	json_decref(v->kernels);
	json_decref(v->sources);
	json_decref(v->notes);
}

/* ---- the whole report ---- */

/* which column the others are measured against: the matrix's base (today's locking), on the first kernel */
static void pick_base(struct vr *v)
{
	const char *base = mx_base_policy(v->head);
	size_t i;

	v->base = 0;
	for (i = v->npol; i-- > 0;)
		if (!strcmp(v->polname[i], base) && v->polkern[i] == 0)
			v->base = (int)i;
}

/* scenarios no cell ran (--only, other shards' scenarios) are left out */
static void drop_unused_scenarios(struct vr *v)
{
	size_t s, k, keep = 0;
	int map[VR_MAX_SCEN];

	for (s = 0; s < v->nscen; s++) {
		bool used = false;

		for (k = 0; k < v->ncells && !used; k++)
			used = v->cells[k].scen == (int)s;
		map[s] = used ? (int)keep : -1;
		if (used) {
			if (keep != s) {
				memcpy(v->scen[keep], v->scen[s], sizeof(v->scen[0]));
				memcpy(v->args[keep], v->args[s], sizeof(v->args[0]));
			}
			keep++;
		}
	}
	for (k = 0; k < v->ncells; k++)
		v->cells[k].scen = map[v->cells[k].scen];
	v->nscen = keep;
}

/* every directory loaded into @v, the base picked, unused scenarios dropped */
static int load_all(struct vr *v, char **dirs, size_t ndirs, char *err, size_t len)
{
	size_t i;
	int ret = 0;

	if (!ndirs || ndirs > VR_MAX_DIRS) {
		snprintf(err, len, "report: give 1 to %d vm-check results directories", VR_MAX_DIRS);
		return MS_EXIT_USAGE;
	}
	for (i = 0; i < ndirs && !ret; i++)
		ret = load_dir(v, dirs[i], err, len);
	if (ret)
		return ret;
	if (!v->ncells) {
		snprintf(err, len, "report: %s: the matrix has no cells", dirs[0]);
		return MS_EXIT_USAGE;
	}
	pick_base(v);
	drop_unused_scenarios(v);
	return 0;
}

static int make_dir(const char *path, char *err, size_t len)
{
	if (mkdir(path, 0755) && errno != EEXIST) {
		snprintf(err, len, "report: %s: %s", path, strerror(errno));
		return MS_EXIT_ENV;
	}
	return 0;
}

/* the plots into @dir and the markdown that shows them, linked as @link/NAME.svg (*plots, malloc'd) */
static int write_plots(const struct vr *v, const char *dir, const char *link, char **plots, char *err, size_t len)
{
	size_t plen = 0;
	FILE *pf;
	int ret;

	ret = make_dir(dir, err, len);
	if (ret)
		return ret;
	pf = open_memstream(plots, &plen);
	if (!pf)
		return 0;
	ret = vr_write_plots(v, dir, link, pf, err, len) < 0 ? MS_EXIT_ENV : 0;
	fclose(pf);
	return ret;
}

static int write_report_md(const struct vr *v, const char *outdir, const char *concl, const char *plots,
			   char *err, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.md", outdir);
	f = fopen(path, "we");
	if (!f) {
		snprintf(err, len, "report: %s: %s", path, strerror(errno));
		return MS_EXIT_ENV;
	}
	vr_write_md(v, concl, plots, f);
	if (fclose(f)) {
		snprintf(err, len, "report: cannot write %s", path);
		return MS_EXIT_ENV;
	}
	return 0;
}

int vr_build(char **dirs, size_t ndirs, const struct vr_opts *vo, json_t **report_out, char *err, size_t len)
{
	struct vr *v = calloc(1, sizeof(*v));
	char path[1024], *concl = NULL, *plots = NULL;
	json_t *rep = NULL;
	int ret;

	if (!v) {
		snprintf(err, len, "report: out of memory");
		return MS_EXIT_ENV;
	}
	v->sources = json_array();
	v->notes = json_array();
	v->kernels = json_array();
	v->by_kernel = vo->by_kernel;
	ret = load_all(v, dirs, ndirs, err, len);
	if (ret)
		goto out;
	if (vo->outdir) {
		ret = make_dir(vo->outdir, err, len);
		if (ret)
			goto out;
	}
	concl = vr_conclusion(v);
	if (vo->plotdir) {
		ret = write_plots(v, vo->plotdir, vo->plotdir, &plots, err, len);
	} else if (vo->outdir) {
		snprintf(path, sizeof(path), "%s/plots", vo->outdir);
		ret = write_plots(v, path, "plots", &plots, err, len);
	}
	if (ret)
		goto out;
	rep = vr_report_json(v, concl);
	if (vo->outdir) {
		snprintf(path, sizeof(path), "%s/report.json", vo->outdir);
		if (write_json_file(path, rep)) {
			snprintf(err, len, "report: cannot write %s", path);
			ret = MS_EXIT_ENV;
			goto out;
		}
		ret = write_report_md(v, vo->outdir, concl, plots ?: "", err, len);
		if (ret)
			goto out;
	}
	if (vo->print && vo->json) {
		json_dumpf(rep, vo->print, JSON_INDENT(2));
		fputc('\n', vo->print);
	} else if (vo->print) {
		vr_write_md(v, concl, plots ?: "", vo->print);
	}
	if (report_out) {
		*report_out = rep;
		rep = NULL;
	}
out:
	free(plots);
	free(concl);
	json_decref(rep);
	vr_free(v);
	free(v);
	return ret;
}

/* ---- the verbs ---- */

bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* the directories among the arguments (options and their separate values skipped); 0 or usage */
static int collect_dirs(const char *verb, int argc, char **argv, int pos, char **dirs, size_t *n)
{
	static const char *const valued[] = { "output", "format", "plot", "exit-codes", NULL };
	const char *const *v;
	int i;

	for (i = pos; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			continue;
		if (!strncmp(argv[i], "--", 2)) {
			/* a separate option value (opts_parse took it) */
			for (v = valued; *v && (strchr(argv[i], '=') || strcmp(argv[i] + 2, *v)); v++)
				;
			if (*v && i + 1 < argc)
				i++;
			continue;
		}
		if (*n == VR_MAX_DIRS) {
			fprintf(stderr, "movestress: %s: more than %d directories\n", verb, VR_MAX_DIRS);
			return MS_EXIT_USAGE;
		}
		if (!is_dir(argv[i])) {
			fprintf(stderr, "movestress: %s: %s is not a directory (give vm-check results directories)\n",
				verb, argv[i]);
			return MS_EXIT_USAGE;
		}
		dirs[(*n)++] = argv[i];
	}
	return 0;
}

int cmd_report(struct opts *o, int argc, char **argv, int pos)
{
	char *dirs[VR_MAX_DIRS], err[1024];
	struct vr_opts vo = { .by_kernel = o->by_kernel };
	json_t *rep = NULL;
	size_t n = 0;
	int ret;

	ret = collect_dirs("report", argc, argv, pos, dirs, &n);
	if (ret)
		return ret;
	if (!n) {
		fprintf(stderr, "movestress: report: give a vm-check results directory, or several (shards) with "
			"--output=DIR, e.g. movestress report --output=merged shard1 shard2\n");
		return MS_EXIT_USAGE;
	}
	if (n > 1 && !o->output[0]) {
		fprintf(stderr, "movestress: report: %zu directories: say where the merged report goes with --output=DIR\n", n);
		return MS_EXIT_USAGE;
	}
	vo.outdir = o->output[0] ? o->output : dirs[0];
	ret = vr_build(dirs, n, &vo, &rep, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "movestress: %s\n", err);
		return ret;
	}
	printf("report: %s/report.md, %s/report.json, %s/plots/\n\n%s\n", vo.outdir, vo.outdir, vo.outdir,
	       json_string_value(json_object_get(rep, "conclusion")));
	json_decref(rep);
	return MS_EXIT_PASS;
}

/*
 * compare DIR...: the report of vm-check results directories on stdout
 * (text and markdown: report.md; json: report.json); it writes only where
 * it is told, never into its inputs: --output=DIR the report's files,
 * --plot=DIR the plots.
 */
int cmd_compare_dirs(struct opts *o, int argc, char **argv, int pos)
{
	char *dirs[VR_MAX_DIRS], err[1024];
	struct vr_opts vo = {
		.outdir = o->output[0] ? o->output : NULL,
		.plotdir = o->plot[0] ? o->plot : NULL,
		.print = stdout,
		.json = !strcmp(o->format, "json"),
		.by_kernel = o->by_kernel,
	};
	size_t n = 0;
	int ret;

	ret = collect_dirs("compare", argc, argv, pos, dirs, &n);
	if (ret)
		return ret;
	if (!strcmp(o->format, "csv")) {
		fprintf(stderr, "movestress: compare: --format=csv is for result files; vm-check results directories "
			"give text or markdown (report.md) or json (report.json)\n");
		return MS_EXIT_USAGE;
	}
	ret = vr_build(dirs, n, &vo, NULL, err, sizeof(err));
	if (ret)
		fprintf(stderr, "movestress: %s\n", err);
	return ret;
}
