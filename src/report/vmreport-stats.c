// SPDX-License-Identifier: GPL-2.0-only
/*
 * The statistics of `movestress report` (vmreport-stats.h): a sample's
 * mean, sample standard deviation and 95% confidence interval from
 * compare.c's Student's t quantiles (t_crit_975).
 */
#include "config.h"
#include "report/vmreport-stats.h"
#include "report/compare.h"

#include <math.h>
#include <string.h>

void vr_stats_of(const double *v, size_t n, struct vr_stats *s)
{
	double sum = 0, ss = 0, h;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
	h = n > 1 ? t_crit_975((double)(n - 1)) * s->sd / sqrt((double)n) : 0;
	s->lo = s->mean - h;
	s->hi = s->mean + h;
}
