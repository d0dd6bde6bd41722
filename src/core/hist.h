/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hist.h - fio-style log-linear latency histograms, in nanoseconds.
 *
 * Same bucket scheme as fio's stat.c (FIO_IO_U_PLAT_BITS 6,
 * FIO_IO_U_PLAT_GROUP_NR 29): values below 128 ns get one bucket each,
 * above that every power of two is split into 64 buckets, so a bucket's
 * representative value is within 1/128 (< 1%) of any sample in it.
 * Samples of 2^34 ns (about 17.2 s) and above land in the last bucket.
 *
 * A zero-filled struct hist is a valid empty histogram.  hist_add() is the
 * hot path: no allocation, no locks; keep one histogram per thread and
 * hist_merge() them at the end.
 */
#ifndef MOVESTRESS_HIST_H
#define MOVESTRESS_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#define HIST_PLAT_BITS		6
#define HIST_PLAT_VAL		(1U << HIST_PLAT_BITS)
#define HIST_PLAT_GROUP_NR	29
#define HIST_NR_BUCKETS		1856	/* HIST_PLAT_GROUP_NR * HIST_PLAT_VAL */

struct hist {
	uint64_t n, min, max;
	double mean, m2;			/* Welford */
	uint64_t buckets[HIST_NR_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t ns);
void hist_merge(struct hist *dst, const struct hist *src);
double hist_stddev(const struct hist *h);
/* pct in (0,100]; 0 when empty.  Result is clamped to [min, max]. */
uint64_t hist_percentile(const struct hist *h, double pct);

/* bucket mapping, exposed for tests and for consumers of "bins" */
unsigned int hist_val_to_idx(uint64_t ns);
uint64_t hist_idx_to_val(unsigned int idx);

extern const double hist_default_pcts[];
extern const int hist_default_npcts;

/*
 * fio-style object: {"min":..,"max":..,"mean":..,"stddev":..,"N":..,
 * "percentile":{"1.000000":..,..}} plus "bins":{"<ns>":count,..} (non-empty
 * buckets only, keyed by the bucket value as fio's json+ does) if with_bins.
 * Returns a new reference or NULL on allocation failure.
 */
json_t *hist_to_json(const struct hist *h, const double *pcts, int npcts,
		     bool with_bins);
/* Inverse of hist_to_json(..., true).  0, or -EINVAL (h is left empty). */
int hist_from_json(struct hist *h, const json_t *obj);

#endif /* MOVESTRESS_HIST_H */
