/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * movestress compare: result files side by side, mmtests style, with a
 * Welch's t-test on the per-trial values to mark differences outside the
 * noise.  Plots are in plot.c.
 */
#ifndef MOVESTRESS_COMPARE_H
#define MOVESTRESS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

struct opts;

#define CMP_MAX_RUNS	16
#define CMP_MAX_TRIALS	1000

/* one result file */
struct cmp_run {
	char label[192];
	char kernel[128];	/* environment.kernel_build.id ("unknown" without one) */
	char arch[32];		/* environment.kernel_build.arch ("" without one) */
	char path[512];
	json_t *root;
	size_t ntrials;
	json_t *trial[CMP_MAX_TRIALS];	/* borrowed: root itself, or root.trials[i] */
};

/* per-run statistics of one metric */
struct cmp_cell {
	size_t n;		/* trials that have the metric */
	double mean, sd;
	double delta_pct;	/* against run 0 */
	int significant;	/* 1: outside the noise, 0: not, -1: cannot tell (n < 2) */
	double t, df;
};

struct cmp_row {
	char side[24];		/* "MOVE", "reclaim", "locks", "jank", "kernel", "other" */
	char name[96];
	char path[160];		/* inside results[0], '/'-separated ("" for kernel counters) */
	const char *unit;
	int better;		/* +1 higher is better, -1 lower is better, 0 neither */
	struct cmp_cell cell[CMP_MAX_RUNS];
};

struct cmp {
	size_t nruns;
	struct cmp_run run[CMP_MAX_RUNS];
	size_t nrows, cap;
	struct cmp_row *rows;
	json_t *left_out;	/* array of row names missing in some run */
	json_t *all_zero;	/* array of row names that are 0 in every trial of every run */
	json_t *notes;		/* array of strings: scenario differences */
};

/* '/'-separated path into @root (array indices are numbers); borrowed or NULL */
json_t *json_path(json_t *root, const char *path);

/* Welch's two-sample t-test, two-sided, alpha = 0.05 */
double welch_t(double m1, double sd1, size_t n1, double m2, double sd2, size_t n2, double *df);
double t_crit_975(double df);
/* 1: significant, 0: not, -1: fewer than 2 trials on a side */
int welch_significant(const struct cmp_cell *a, const struct cmp_cell *b, double *t, double *df);

/* an option that does not change what was measured (output, label, seed, ...) */
bool cmp_opt_ignored(const char *key);

/*
 * load the files, check they are comparable (results of different kernels
 * only with @by_kernel, then labelled by their kernel), build the rows;
 * 0 or -EINVAL with a message
 */
int cmp_load(struct cmp *c, char **files, size_t nfiles, bool by_kernel, char *err, size_t len);
void cmp_free(struct cmp *c);
int cmp_print(const struct cmp *c, const char *format, FILE *f);
/* the table heading of a side ("lock", "move"...): the side itself if unknown */
const char *cmp_side_heading(const char *side);

#endif
