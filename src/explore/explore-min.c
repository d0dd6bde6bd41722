// SPDX-License-Identifier: GPL-2.0-only
/*
 * --minimize: the failing run's log replayed (serialised in time order
 * when that fails the same way, else concurrently), whole threads dropped,
 * then ddmin over the records, then the ranges that are left halved; the
 * result is the minimised log and its C reproducer.  A predicate is "fails
 * with the same kind on the same page".  All of it within the budget
 * (--minimize-time) and until a signal: each replay is given only the time
 * left, and a replay a signal stopped stops the minimiser.
 */
#include "config.h"
#include "explore/explore.h"
#include "core/run.h"
#include "engine/signals.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct min_ctx {
	struct xp_cfg cfg;
	const struct xfailure *want;
	unsigned trials;
	uint64_t deadline;	/* now_ns() */
	const char *stopped;	/* NULL: going on; "budget", "interrupted" */
	char reason[160];
};

/* time left, or stopped: false */
static bool going_on(struct min_ctx *m)
{
	if (!m->stopped && now_ns() >= m->deadline)
		m->stopped = "budget";
	return !m->stopped;
}

/* >0 fails the same way, 0 not, <0 stopped (the budget, a signal) */
static int still_fails(const struct xrec *rec, size_t n, void *arg)
{
	struct min_ctx *m = arg;
	struct xlog_file f = { .version = XLOG_VERSION, .seed = m->cfg.seed,
			       .nthreads = m->cfg.threads, .npages = (uint32_t)m->cfg.npages,
			       .rec = (struct xrec *)rec, .n = n };
	struct xp_cfg cfg = m->cfg;
	struct xp_result res;
	uint64_t now = now_ns(), left;
	bool same;

	if (!going_on(m) || now >= m->deadline)
		return -1;
	/* a replay ends when its records do, or at the deadline: then it is no failure of ours */
	left = m->deadline - now;
	cfg.runtime_ns = left < cfg.runtime_ns ? left : cfg.runtime_ns;
	cfg.replay = &f;
	xp_run(&cfg, &res);
	m->trials++;
	if (res.code == MS_EXIT_INTERRUPTED) {
		const char *why = json_string_value(json_object_get(json_object_get(res.json, "interruption"),
								     "reason"));

		m->stopped = "interrupted";
		snprintf(m->reason, sizeof(m->reason), "%s during --minimize", why ? why : "a signal");
		xp_result_free(&res);
		return -1;
	}
	same = res.failed && !strcmp(res.fail.kind, m->want->kind) && res.fail.page == m->want->page;
	xp_result_free(&res);
	return same;
}

/* drop whole threads, then ddmin the records, then shrink the ranges that are left */
static size_t minimise(struct min_ctx *m, struct xrec *rec, size_t n)
{
	struct xrec *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t i, k;
	unsigned th;

	for (th = 0; tmp && th < m->cfg.threads && going_on(m); th++) {
		for (i = 0, k = 0; i < n; i++)
			if (rec[i].thread != th)
				tmp[k++] = rec[i];
		if (k < n && k && still_fails(tmp, k, m) > 0) {
			memcpy(rec, tmp, k * sizeof(*rec));
			n = k;
		}
	}
	free(tmp);
	if (going_on(m)) {
		uint64_t now = now_ns();

		n = xlog_ddmin(rec, n, still_fails, m, m->deadline > now ? m->deadline - now : 0);
	}
	for (i = 0; i < n && going_on(m); i++)
		while (rec[i].npages > 1 && going_on(m)) {
			uint32_t was = rec[i].npages;

			rec[i].npages = was / 2;
			if (still_fails(rec, n, m) <= 0) {
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
	uint64_t t0 = now_ns();
	unsigned tries;

	memset(out, 0, sizeof(*out));
	out->n0 = out->n = f.n;
	m.deadline = t0 + cfg->o->minimize_time_ns;
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
	out->reproduced = still_fails(f.rec, f.n, &m) > 0;
	for (tries = 0; !out->reproduced && tries < 3 && going_on(&m); tries++) {
		m.cfg.serial = false;
		out->reproduced = still_fails(f.rec, f.n, &m) > 0;
	}
	out->serial = m.cfg.serial;
	if (out->reproduced)
		f.n = minimise(&m, f.rec, f.n);
	out->n = f.n;
	out->trials = m.trials;
	out->elapsed_ns = now_ns() - t0;
	out->stopped = m.stopped ? m.stopped : out->reproduced ? "done" : "not-reproduced";
	snprintf(out->reason, sizeof(out->reason), "%s", m.reason);
	if (out->reproduced) {
		/* what is minimised so far, also when the budget or a signal stopped it */
		snprintf(out->log, sizeof(out->log), "%s.min", base);
		snprintf(out->repro, sizeof(out->repro), "%s.repro.c", base);
		out->err = xlog_write(out->log, &f);
		if (!out->err)
			out->err = xrepro_write(out->repro, &f);
	}
	free(f.rec);
	if (m.stopped && !strcmp(m.stopped, "interrupted"))
		return MS_EXIT_INTERRUPTED;
	return out->err ? MS_EXIT_ENV : MS_EXIT_FAILURE;
}

void xp_result_minimised(struct xp_result *res, const struct xp_min *m, int code)
{
	json_object_set_new(res->json, "minimize", json_pack("{s:s, s:b, s:I, s:I, s:i, s:f, s:s, s:s}",
			    "stopped", m->stopped, "reproduced", m->reproduced, "records", (json_int_t)m->n0,
			    "minimised", (json_int_t)m->n, "replays", m->trials, "elapsed_s", m->elapsed_ns / 1e9,
			    "log", m->log, "reproducer", m->repro));
	if (code != MS_EXIT_INTERRUPTED)
		return;
	interruption_json(res->json, m->reason,
			  "--minimize stopped early; the run's failure stands (\"failure\"), the log and reproducer are what was minimised so far; the system was restored");
	json_object_set_new(res->json, "exit_code", json_integer(code));
	json_object_set_new(res->json, "verdict", json_string(exit_verdict(code)));
}
