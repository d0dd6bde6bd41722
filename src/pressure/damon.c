// SPDX-License-Identifier: GPL-2.0-only
/*
 * The damon backend: DAMON's physical-address monitoring (paddr) over the
 * frames of the source pages, set up through the DAMON sysfs interface
 * (Documentation/admin-guide/mm/damon/usage.rst).  Its kdamond samples
 * and resets the accessed bits of those folios by rmap walks
 * (damon_folio_young(), damon_folio_mkold()), which skip the folio lock
 * for anon folios: the walker the kernel-patches series is about.  No
 * thread of ours; the kdamond's CPU time is in the report.  The kdamond
 * is recorded with sysstate first and put back off after the run.
 */
#include "config.h"
#include "core/kv.h"
#include "core/run.h"
#include "pressure/pressure-int.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAMON_ADMIN	"/sys/kernel/mm/damon/admin"
#define DAMON_KD	DAMON_ADMIN "/kdamonds"
#define DAMON_MAX_RANGES 256

struct damon_priv {
	int rec_id;
	char kd[256];
	pid_t kdamond_pid;
	uint64_t cpu_ticks0, cpu_ticks1;
	unsigned nranges;
	uint64_t range_bytes;
};

static int damon_supported(char *why, size_t len)
{
	char line[32];

	if (access(DAMON_KD "/nr_kdamonds", W_OK)) {
		snprintf(why, len, "no DAMON sysfs interface %s (CONFIG_DAMON_SYSFS off, or not root)", DAMON_ADMIN);
		return -ENOENT;
	}
	if (read_line(DAMON_KD "/nr_kdamonds", line, sizeof(line)) || strcmp(line, "0")) {
		snprintf(why, len, "DAMON sysfs is in use by someone else (nr_kdamonds=%s)", line);
		return -EBUSY;
	}
	if (access("/proc/self/pagemap", R_OK) || geteuid()) {
		snprintf(why, len, "needs root for physical frame numbers");
		return -EPERM;
	}
	return 0;
}

/* Coalesce the frames into at most @max [start, end) byte ranges. */
static unsigned pfn_ranges(uint64_t *pfn, size_t n, uint64_t (*rg)[2], unsigned max)
{
	unsigned nr = 0, i, best;
	size_t k;

	qsort(pfn, n, sizeof(*pfn), pressure_cmp_u64);
	for (k = 0; k < n; k++) {
		if (!pfn[k])
			continue;
		if (nr && pfn[k] * MS_PAGE_SIZE <= rg[nr - 1][1]) {
			if ((pfn[k] + 1) * MS_PAGE_SIZE > rg[nr - 1][1])
				rg[nr - 1][1] = (pfn[k] + 1) * MS_PAGE_SIZE;
			continue;
		}
		if (nr == max) {
			/* merge the two ranges with the smallest gap between them */
			uint64_t gap = UINT64_MAX;

			for (best = 0, i = 0; i + 1 < nr; i++)
				if (rg[i + 1][0] - rg[i][1] < gap) {
					gap = rg[i + 1][0] - rg[i][1];
					best = i;
				}
			rg[best][1] = rg[best + 1][1];
			memmove(&rg[best + 1], &rg[best + 2], (nr - best - 2) * sizeof(rg[0]));
			nr--;
		}
		rg[nr][0] = pfn[k] * MS_PAGE_SIZE;
		rg[nr][1] = (pfn[k] + 1) * MS_PAGE_SIZE;
		nr++;
	}
	return nr;
}

static int dwrite(const char *dir, const char *file, const char *val, char *why, size_t len)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = write_file(path, val);
	if (ret)
		snprintf(why, len, "DAMON %s = %s: %s", path, val, strerror(-ret));
	return ret;
}

static uint64_t task_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, stt = 0;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (pid <= 0 || read_line(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	for (i = 2; p && i < 14; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu %llu", &ut, &stt);
	return ut + stt;
}

static int damon_begin(struct pressure *p, struct backend_inst *bi, char *why, size_t len)
{
	struct damon_priv *d = calloc(1, sizeof(*d));
	uint64_t (*rg)[2] = calloc(DAMON_MAX_RANGES, sizeof(*rg));
	uint64_t *pfn = NULL;
	char dir[512], v[64], old[32];
	size_t n = 0;
	unsigned i;
	int ret;

	bi->priv = d;
	if (!d || !rg) {
		free(rg);
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	ret = source_pfns(p->r, &pfn, &n);
	if (ret) {
		snprintf(why, len, "reading source frames: %s", strerror(-ret));
		goto out;
	}
	d->nranges = pfn_ranges(pfn, n, rg, DAMON_MAX_RANGES);
	if (!d->nranges) {
		snprintf(why, len, "no source page is present");
		ret = -ENOENT;
		goto out;
	}
	for (i = 0; i < d->nranges; i++)
		d->range_bytes += rg[i][1] - rg[i][0];
	if (read_line(DAMON_KD "/nr_kdamonds", old, sizeof(old)) || strcmp(old, "0")) {
		snprintf(why, len, "DAMON sysfs is in use by someone else (nr_kdamonds=%s)", old);
		ret = -EBUSY;
		goto out;
	}
	snprintf(d->kd, sizeof(d->kd), "%s/0", DAMON_KD);
	d->rec_id = sysstate_record("damon", json_pack("{s:s, s:s, s:s}", "kdamond", d->kd,
				    "nr_path", DAMON_KD "/nr_kdamonds", "nr_old", old));
	if (d->rec_id < 0) {
		ret = d->rec_id;
		snprintf(why, len, "state file: %s", strerror(-ret));
		goto out;
	}
	ret = dwrite(DAMON_KD, "nr_kdamonds", "1", why, len) ?:
	      dwrite(d->kd, "contexts/nr_contexts", "1", why, len);
	if (ret)
		goto out;
	snprintf(dir, sizeof(dir), "%s/contexts/0", d->kd);
	ret = dwrite(dir, "operations", "paddr", why, len) ?:
	      dwrite(dir, "monitoring_attrs/intervals/sample_us", "1000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/intervals/aggr_us", "20000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/intervals/update_us", "1000000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/nr_regions/max", "2000", why, len) ?:
	      dwrite(dir, "monitoring_attrs/nr_regions/min", "200", why, len) ?:
	      dwrite(dir, "targets/nr_targets", "1", why, len);
	if (ret)
		goto out;
	snprintf(dir, sizeof(dir), "%s/contexts/0/targets/0/regions", d->kd);
	snprintf(v, sizeof(v), "%u", d->nranges);
	ret = dwrite(dir, "nr_regions", v, why, len);
	for (i = 0; !ret && i < d->nranges; i++) {
		char sub[32];

		snprintf(sub, sizeof(sub), "%u/start", i);
		snprintf(v, sizeof(v), "%" PRIu64, rg[i][0]);
		ret = dwrite(dir, sub, v, why, len);
		snprintf(sub, sizeof(sub), "%u/end", i);
		snprintf(v, sizeof(v), "%" PRIu64, rg[i][1]);
		ret = ret ?: dwrite(dir, sub, v, why, len);
	}
	ret = ret ?: dwrite(d->kd, "state", "on", why, len);
	if (ret)
		goto out;
	snprintf(dir, sizeof(dir), "%s/pid", d->kd);
	if (!read_line(dir, v, sizeof(v)))
		d->kdamond_pid = atoi(v);
	d->cpu_ticks0 = task_cpu_ticks(d->kdamond_pid);
out:
	free(pfn);
	free(rg);
	return ret;
}

static void damon_end(struct pressure *p, struct backend_inst *bi)
{
	struct damon_priv *d = bi->priv;

	(void)p;
	if (d && d->kdamond_pid)
		d->cpu_ticks1 = task_cpu_ticks(d->kdamond_pid);
}

static void damon_report(struct pressure *p, struct backend_inst *bi, json_t *obj)
{
	struct damon_priv *d = bi->priv;

	(void)p;
	if (!d)
		return;
	json_object_set_new(obj, "damon", json_pack("{s:s, s:i, s:i, s:I, s:f, s:{s:i, s:i, s:i}}",
		"operations", "paddr", "kdamond_pid", d->kdamond_pid, "regions", d->nranges,
		"region_bytes", (json_int_t)d->range_bytes,
		"kdamond_cpu_s", (double)(d->cpu_ticks1 - d->cpu_ticks0) / sysconf(_SC_CLK_TCK),
		"intervals_us", "sample", 1000, "aggr", 20000, "update", 1000000));
}

static void damon_teardown(struct pressure *p, struct backend_inst *bi)
{
	struct damon_priv *d = bi->priv;

	(void)p;
	if (d && d->rec_id >= 0 && d->kd[0])
		sysstate_undo(d->rec_id);
	free(d);
	bi->priv = NULL;
}

const struct pressure_backend damon_backend = {
	.name = "damon",
	.help = "DAMON paddr monitoring of the source frames via sysfs (damon_folio_young/mkold rmap walks)",
	.supported = damon_supported,
	.evidence = EV_IDLE,
	.evidence_help = "pages seen with the idle flag DAMON's mkold sets (kpageflags)",
	.begin = damon_begin,
	.end = damon_end,
	.report = damon_report,
	.teardown = damon_teardown,
};
