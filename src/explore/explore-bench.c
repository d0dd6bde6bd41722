// SPDX-License-Identifier: GPL-2.0-only
/* --bench-bare: the engine with MOVE-only weights against a bare ioctl loop. */
#include "config.h"
#include "explore/explore.h"

#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Alternating short slices of each, so that a change in the machine's load
 * hits both alike; the ratio is the median over the pairs of slices, which
 * a load spike in one slice does not move.
 */
int xp_bench_bare(struct xp_cfg *cfg, struct xp_bench *b)
{
	struct xp_result r;
	uint64_t ops[2] = { 0, 0 }, cpu[2] = { 0, 0 }, total = cfg->runtime_ns, pair[2] = { 0, 0 };
	double ratio[XP_BENCH_PAIRS];
	int i;

	memset(b, 0, sizeof(*b));
	cfg->runtime_ns = total / (2 * XP_BENCH_PAIRS);
	cfg->pressure = false;	/* the bench measures the engine, not reclaim */
	cfg->verifiers = 0;
	cfg->quiet = true;	/* one summary at the end, not a health line per slice */
	cfg->contend = 0;
	cfg->thp_share = 0;	/* no chunk kept whole: the bare loop moves every page */
	cfg->partition = true;
	memset(&cfg->w, 0, sizeof(cfg->w));
	cfg->w.w[XOP_MOVE1] = 1;
	xweights_finish(&cfg->w);
	for (i = 0; i < 2 * XP_BENCH_PAIRS; i++) {
		cfg->bare = !(i & 1);
		if (xp_run(cfg, &r) == MS_EXIT_SKIP) {
			xp_result_free(&r);
			return MS_EXIT_SKIP;
		}
		pair[i & 1] = r.ops[XOP_MOVE1];
		ops[i & 1] += r.ops[XOP_MOVE1];
		cpu[i & 1] += r.op_cpu_ns;
		xp_result_free(&r);
		if (i & 1)
			ratio[i / 2] = pair[0] ? (double)pair[1] / pair[0] : 0;
	}
	qsort(ratio, XP_BENCH_PAIRS, sizeof(ratio[0]), cmp_double);
	b->slice_s = total / 2 / 1e9;
	b->bare_per_s = ops[0] / b->slice_s;
	b->explore_per_s = ops[1] / b->slice_s;
	b->ratio_median = (ratio[XP_BENCH_PAIRS / 2 - 1] + ratio[XP_BENCH_PAIRS / 2]) / 2;
	b->ratio_min = ratio[0];
	b->ratio_max = ratio[XP_BENCH_PAIRS - 1];
	b->ratio_total = b->bare_per_s ? b->explore_per_s / b->bare_per_s : 0;
	/* CPU time per MOVE: what the engine costs, whatever else the machine runs */
	b->bare_cpu_ns = ops[0] ? (double)cpu[0] / ops[0] : 0;
	b->explore_cpu_ns = ops[1] ? (double)cpu[1] / ops[1] : 0;
	return MS_EXIT_PASS;
}
