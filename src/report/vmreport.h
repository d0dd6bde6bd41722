/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * movestress report DIR...: the reviewer's report of a vm-check matrix.
 * Per scenario and rmap policy, the benefit on MOVE's side, the cost on
 * the rmap walkers' side and the safety counters, each as the mean over
 * the trials with a 95% confidence interval, and the change against
 * anon_vma with Welch's t-test (compare.c); report.md, report.json and
 * SVG plots (plot.c) in the results directory.  Several directories (the
 * shards of one matrix, vm-check --shard=I/N) merge into one report.
 */
#ifndef MOVESTRESS_VMREPORT_H
#define MOVESTRESS_VMREPORT_H

#include <stdbool.h>

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "report/vmreport-stats.h"

struct opts;

/* struct vr_stats, vr_stats_of(): the statistics, report/vmreport-stats.h */
void vr_stats_of(const double *v, size_t n, struct vr_stats *s);

/* where the report goes, and how the directories are joined */
struct vr_opts {
	const char *outdir;	/* report.md, report.json, plots/ (NULL: no report files) */
	const char *plotdir;	/* the plots (NULL: OUTDIR/plots, none without OUTDIR) */
	FILE *print;		/* the report printed here too: report.md, or report.json (json) */
	bool json;
	bool by_kernel;		/* directories of different kernels: a column per kernel and policy */
};

/*
 * Build the report of the vm-check results directories @dirs as @vo says.
 * 0, or MS_EXIT_USAGE with a one-line message in @err (unreadable or
 * incompatible inputs: different kernels without by_kernel), MS_EXIT_ENV
 * when the output cannot be written.  *@report_out (if given) gets
 * report.json's content.
 */
int vr_build(char **dirs, size_t ndirs, const struct vr_opts *vo, json_t **report_out, char *err, size_t len);

/* the `report` verb */
int cmd_report(struct opts *o, int argc, char **argv, int pos);
/* `compare` with directories: the report on stdout, files only where told */
int cmd_compare_dirs(struct opts *o, int argc, char **argv, int pos);
/* is @p a directory (a vm-check results dir, not a result file)? */
bool is_dir(const char *p);

#endif
