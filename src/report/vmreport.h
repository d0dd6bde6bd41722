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
#include <jansson.h>
#include "report/vmreport-stats.h"

struct opts;

/* struct vr_stats, vr_stats_of(): the statistics, report/vmreport-stats.h */
void vr_stats_of(const double *v, size_t n, struct vr_stats *s);

/*
 * Build the report of the vm-check results directories @dirs into @outdir
 * (report.md, report.json, plots/).  0, or MS_EXIT_USAGE with a one-line
 * message in @err (unreadable or incompatible inputs), MS_EXIT_ENV when the
 * output cannot be written.  *@report_out (if given) gets report.json's
 * content.
 */
int vr_build(char **dirs, size_t ndirs, const char *outdir, json_t **report_out, char *err, size_t len);

/* the `report` verb; `compare` with directories comes here too */
int cmd_report(struct opts *o, int argc, char **argv, int pos);
/* is @p a directory (a vm-check results dir, not a result file)? */
bool is_dir(const char *p);

#endif
