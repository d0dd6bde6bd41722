// SPDX-License-Identifier: GPL-2.0-only
/*
 * hist.c - fio-style log-linear latency histograms (see hist.h).
 *
 * The index/value mapping follows fio's plat_val_to_idx() and
 * plat_idx_to_val() in stat.c; mean and variance use Welford's online
 * update and Chan et al.'s pairwise combination for merges.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"

_Static_assert(HIST_NR_BUCKETS == HIST_PLAT_GROUP_NR * HIST_PLAT_VAL,
	       "HIST_NR_BUCKETS must match the group layout");

const double hist_default_pcts[] = {
	1.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0,
	95.0, 99.0, 99.5, 99.9, 99.95, 99.99,
};
const int hist_default_npcts = sizeof(hist_default_pcts) /
			       sizeof(hist_default_pcts[0]);

unsigned int hist_val_to_idx(uint64_t ns)
{
	unsigned int msb, error_bits, base, offset;

	msb = ns ? 63 - __builtin_clzll(ns) : 0;

	/* all bits of small values fit in the index: no rounding */
	if (msb <= HIST_PLAT_BITS)
		return ns;

	error_bits = msb - HIST_PLAT_BITS;
	base = (error_bits + 1) << HIST_PLAT_BITS;
	offset = (HIST_PLAT_VAL - 1) & (ns >> error_bits);

	if (base + offset > HIST_NR_BUCKETS - 1)
		return HIST_NR_BUCKETS - 1;
	return base + offset;
}

uint64_t hist_idx_to_val(unsigned int idx)
{
	unsigned int error_bits;
	uint64_t base, k;

	if (idx >= HIST_NR_BUCKETS)
		idx = HIST_NR_BUCKETS - 1;
	if (idx < (HIST_PLAT_VAL << 1))
		return idx;

	error_bits = (idx >> HIST_PLAT_BITS) - 1;
	base = UINT64_C(1) << (error_bits + HIST_PLAT_BITS);
	k = idx % HIST_PLAT_VAL;

	/* middle of the bucket: base + (k + 0.5) * 2^error_bits */
	return base + (k << error_bits) + (UINT64_C(1) << (error_bits - 1));
}

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

/*
 * Only the owning thread writes a histogram, but live readers (the
 * pressure side's warm-up snapshot, the status line) load its fields while
 * it runs, so the stores are relaxed atomics: plain moves on x86, and no
 * data race for the compiler or TSan.
 */
#define STORE(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

void hist_add(struct hist *h, uint64_t ns)
{
	uint64_t n = h->n + 1;
	double delta = (double)ns - h->mean, mean = h->mean + delta / (double)n;
	unsigned int i = hist_val_to_idx(ns);

	if (n == 1 || ns < h->min)
		STORE(h->min, ns);
	if (ns > h->max)
		STORE(h->max, ns);
	STORE(h->n, n);
	__atomic_store(&h->mean, &mean, __ATOMIC_RELAXED);
	h->m2 += delta * ((double)ns - mean);
	STORE(h->buckets[i], h->buckets[i] + 1);
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	double na, nb, n, delta;
	unsigned int i;

	if (!src->n)
		return;
	if (!dst->n) {
		memcpy(dst, src, sizeof(*dst));
		return;
	}

	na = (double)dst->n;
	nb = (double)src->n;
	n = na + nb;
	delta = src->mean - dst->mean;

	dst->mean += delta * nb / n;
	dst->m2 += src->m2 + delta * delta * na * nb / n;
	dst->n += src->n;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < HIST_NR_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

/* sample standard deviation, as fio reports it */
double hist_stddev(const struct hist *h)
{
	if (h->n < 2 || h->m2 <= 0.0)
		return 0.0;
	return sqrt(h->m2 / (double)(h->n - 1));
}

uint64_t hist_percentile(const struct hist *h, double pct)
{
	uint64_t rank, sum = 0, val;
	unsigned int i;

	if (!h->n || !(pct > 0.0))
		return 0;
	if (pct > 100.0)
		pct = 100.0;

	/* smallest rank covering pct% of the samples (nearest-rank method) */
	rank = (uint64_t)ceil(pct * (double)h->n / 100.0 - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;

	for (i = 0; i < HIST_NR_BUCKETS; i++) {
		sum += h->buckets[i];
		if (sum >= rank)
			break;
	}
	if (i == HIST_NR_BUCKETS)	/* buckets inconsistent with n */
		return h->max;

	val = hist_idx_to_val(i);
	if (val < h->min)
		val = h->min;
	if (val > h->max)
		val = h->max;
	return val;
}

static int json_set_new(json_t *obj, const char *key, json_t *val)
{
	return val ? json_object_set_new(obj, key, val) : -1;
}

json_t *hist_to_json(const struct hist *h, const double *pcts, int npcts,
		     bool with_bins)
{
	json_t *obj, *pobj, *bins;
	char key[32];
	unsigned int i;
	int j, err = 0;

	obj = json_object();
	pobj = json_object();
	if (!obj || !pobj)
		goto out_free;

	err |= json_set_new(obj, "min", json_integer((json_int_t)h->min));
	err |= json_set_new(obj, "max", json_integer((json_int_t)h->max));
	err |= json_set_new(obj, "mean", json_real(h->n ? h->mean : 0.0));
	err |= json_set_new(obj, "stddev", json_real(hist_stddev(h)));
	err |= json_set_new(obj, "N", json_integer((json_int_t)h->n));

	for (j = 0; j < npcts; j++) {
		snprintf(key, sizeof(key), "%f", pcts[j]);
		err |= json_set_new(pobj, key,
			json_integer((json_int_t)hist_percentile(h, pcts[j])));
	}
	err |= json_object_set_new(obj, "percentile", pobj);
	pobj = NULL;

	if (with_bins) {
		bins = json_object();
		if (!bins)
			goto out_free;
		for (i = 0; i < HIST_NR_BUCKETS; i++) {
			if (!h->buckets[i])
				continue;
			snprintf(key, sizeof(key), "%" PRIu64,
				 hist_idx_to_val(i));
			err |= json_set_new(bins, key,
				json_integer((json_int_t)h->buckets[i]));
		}
		err |= json_object_set_new(obj, "bins", bins);
	}
	if (err)
		goto out_free;
	return obj;

out_free:
	json_decref(pobj);
	json_decref(obj);
	return NULL;
}

static int json_get_u64(const json_t *obj, const char *key, uint64_t *val)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -EINVAL;
	*val = (uint64_t)json_integer_value(v);
	return 0;
}

static int json_get_double(const json_t *obj, const char *key, double *val)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_number(v))
		return -EINVAL;
	*val = json_number_value(v);
	return isfinite(*val) ? 0 : -EINVAL;
}

static int hist_bins_from_json(struct hist *h, const json_t *bins)
{
	const char *key;
	json_t *val;
	uint64_t total = 0;

	if (!json_is_object(bins))
		return -EINVAL;

	json_object_foreach((json_t *)bins, key, val) {
		unsigned long long ns;
		unsigned int idx;
		char *end;

		if (!json_is_integer(val) || json_integer_value(val) < 0)
			return -EINVAL;
		errno = 0;
		ns = strtoull(key, &end, 10);
		if (errno || end == key || *end || *key == '-')
			return -EINVAL;
		/* only canonical bucket values: a foreign scheme would mis-bin */
		idx = hist_val_to_idx(ns);
		if (hist_idx_to_val(idx) != ns)
			return -EINVAL;
		h->buckets[idx] += (uint64_t)json_integer_value(val);
		total += (uint64_t)json_integer_value(val);
	}
	return total == h->n ? 0 : -EINVAL;
}

int hist_from_json(struct hist *h, const json_t *obj)
{
	double stddev;
	int ret;

	hist_init(h);
	if (!json_is_object(obj))
		return -EINVAL;

	ret = json_get_u64(obj, "N", &h->n);
	ret = ret ?: json_get_u64(obj, "min", &h->min);
	ret = ret ?: json_get_u64(obj, "max", &h->max);
	ret = ret ?: json_get_double(obj, "mean", &h->mean);
	ret = ret ?: json_get_double(obj, "stddev", &stddev);
	ret = ret ?: hist_bins_from_json(h, json_object_get(obj, "bins"));
	if (!ret && h->n && (h->min > h->max || stddev < 0.0))
		ret = -EINVAL;
	if (ret) {
		hist_init(h);
		return ret;
	}
	h->m2 = h->n > 1 ? stddev * stddev * (double)(h->n - 1) : 0.0;
	return 0;
}
