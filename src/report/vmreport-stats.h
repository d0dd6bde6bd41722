/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The statistics of `movestress report` (vmreport-stats.c), below the
 * rest of the vmreport family; report/vmreport.h includes it.
 */
#ifndef MOVESTRESS_VMREPORT_STATS_H
#define MOVESTRESS_VMREPORT_STATS_H

#include <stddef.h>

/* a sample's statistics: mean, sample stddev, 95% CI from Student's t */
struct vr_stats {
	size_t n;
	double mean, sd;
	double lo, hi;		/* mean -+ t(0.975, n-1) * sd / sqrt(n); = mean when n < 2 */
};

void vr_stats_of(const double *v, size_t n, struct vr_stats *s);

#endif
