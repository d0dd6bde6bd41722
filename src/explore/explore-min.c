// SPDX-License-Identifier: GPL-2.0-only
/*
 * --minimize: the failing run's log replayed (serialised in time order
 * when that fails the same way, else concurrently), whole threads dropped,
 * then ddmin over the records, then the ranges that are left halved; the
 * result is the minimised log and its C reproducer.  A predicate is "fails
 * with the same kind on the same page".
 */
#include "config.h"
#include "explore/explore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct min_ctx {
	struct xp_cfg cfg;
	const struct xfailure *want;
	unsigned trials;
};

static bool still_fails(const struct xrec *rec, size_t n, void *arg)
{
	struct min_ctx *m = arg;
	struct xlog_file f = { .version = XLOG_VERSION, .seed = m->cfg.seed,
			       .nthreads = m->cfg.threads, .npages = (uint32_t)m->cfg.npages,
			       .rec = (struct xrec *)rec, .n = n };
	struct xp_cfg cfg = m->cfg;
	struct xp_result res;
	bool same;

	cfg.replay = &f;
	xp_run(&cfg, &res);
	same = res.failed && !strcmp(res.fail.kind, m->want->kind) && res.fail.page == m->want->page;
	xp_result_free(&res);
	m->trials++;
	return same;
}

/* drop whole threads, then ddmin the records, then shrink the ranges that are left */
static size_t minimise(struct min_ctx *m, struct xrec *rec, size_t n, uint64_t budget)
{
	struct xrec *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	uint64_t t0;
	struct timespec ts;
	size_t i, k;
	unsigned th;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	for (th = 0; tmp && th < m->cfg.threads; th++) {
		for (i = 0, k = 0; i < n; i++)
			if (rec[i].thread != th)
				tmp[k++] = rec[i];
		if (k < n && k && still_fails(tmp, k, m)) {
			memcpy(rec, tmp, k * sizeof(*rec));
			n = k;
		}
	}
	free(tmp);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	budget -= ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec - t0) < budget ?
		  (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec - t0 : budget;
	n = xlog_ddmin(rec, n, still_fails, m, budget);
	for (i = 0; i < n; i++)
		while (rec[i].npages > 1) {
			uint32_t was = rec[i].npages;

			rec[i].npages = was / 2;
			if (!still_fails(rec, n, m)) {
				rec[i].npages = was;
				break;
			}
		}
	return n;
}

int xp_minimise(const struct xp_cfg *cfg, const struct xp_result *res, const char *base, struct xp_min *out)
{
	struct min_ctx m = { .cfg = *cfg, .want = &res->fail };
	struct xlog_file f = res->log;

	memset(out, 0, sizeof(*out));
	out->n0 = out->n = f.n;
	m.cfg.replay = NULL;
	m.cfg.inject_kind = -1;
	m.cfg.quiet = true;
	m.cfg.keep_log = false;
	f.rec = malloc((f.n ? f.n : 1) * sizeof(*f.rec));
	if (!f.rec)
		return MS_EXIT_ENV;
	memcpy(f.rec, res->log.rec, f.n * sizeof(*f.rec));
	/* serialised in time order a replay is deterministic but for the kernel's own timing */
	m.cfg.serial = true;
	if (!still_fails(f.rec, f.n, &m)) {
		unsigned tries;

		m.cfg.serial = false;
		for (tries = 0; tries < 3 && !still_fails(f.rec, f.n, &m); tries++)
			;
		if (tries == 3) {
			out->trials = m.trials;
			free(f.rec);
			return MS_EXIT_FAILURE;
		}
	}
	out->reproduced = true;
	out->serial = m.cfg.serial;
	f.n = minimise(&m, f.rec, f.n, cfg->o->minimize_time_ns);
	out->n = f.n;
	out->trials = m.trials;
	snprintf(out->log, sizeof(out->log), "%s.min", base);
	snprintf(out->repro, sizeof(out->repro), "%s.repro.c", base);
	out->err = xlog_write(out->log, &f);
	if (!out->err)
		out->err = xrepro_write(out->repro, &f);
	free(f.rec);
	return out->err ? MS_EXIT_ENV : MS_EXIT_FAILURE;
}
