// SPDX-License-Identifier: GPL-2.0-only
/*
 * `movestress explore`: the options to an engine configuration, and what
 * the command prints (banner, summary, failure, verdict, the op log, the
 * minimiser's and the bench's figures).  The work is below: the engine,
 * the result JSON, the op log, --minimize and --bench-bare in explore/,
 * the mTHP sizes in pressure/mthp.c.
 */
#include "config.h"
#include "cli/explore-main.h"
#include "explore/explore.h"
#include "core/report.h"
#include "cli/options.h"
#include "pressure/mthp.h"
#include "pressure/pressure.h"

#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const inject_kinds[XINJ_NR] = {
	[XINJ_CORRUPT] = "corrupt", [XINJ_LOSE] = "lose", [XINJ_DUP] = "dup", [XINJ_ZERO] = "zero",
	[XINJ_HANG] = "hang", [XINJ_WRITE] = "write", [XINJ_ZEROWRITE] = "zero-write", [XINJ_MLOCK] = "mlock",
};

/* weights, dropping ops this kernel lacks; -EINVAL usage, -EOPNOTSUPP nothing left */
static int weights_from(const struct opts *o, struct xweights *w)
{
	char err[600], why[256];
	bool named = o->mix[0];
	int i;

	if (xweights_parse(o->mix, w, err, sizeof(err))) {
		fprintf(stderr, "movestress: %s\n", err);
		return -EINVAL;
	}
	for (i = 0; i < XOP_NR; i++) {
		why[0] = '\0';
		if (!w->w[i] || !xop_table[i].supported || !xop_table[i].supported(why, sizeof(why)))
			continue;
		if (named)
			fprintf(stderr, "movestress: --ops: op '%s' skipped: %s\n", xop_table[i].name, why);
		w->w[i] = 0;
	}
	xweights_finish(w);
	return w->total ? 0 : -EOPNOTSUPP;
}

static int inject_from(const char *spec, struct xp_cfg *cfg)
{
	char kind[16], tail;
	unsigned long page;
	int k;

	cfg->inject_kind = -1;
	if (!spec[0])
		return 0;
	if (sscanf(spec, "%15[a-z-]:%lu%c", kind, &page, &tail) == 2)
		for (k = 0; k < XINJ_NR; k++)
			if (!strcmp(kind, inject_kinds[k]) && page < cfg->npages) {
				cfg->inject_kind = k;
				cfg->inject_page = (uint32_t)page;
				return 0;
			}
	fprintf(stderr, "movestress: --inject: invalid value '%s' for explore: expected corrupt|zero|dup|lose|hang|write|zero-write|mlock:PAGE with PAGE below %zu\n",
		spec, cfg->npages);
	return -EINVAL;
}

static void print_failure(FILE *f, const struct xfailure *x)
{
	fprintf(f, "explore: FAILURE: page %u %s", x->page, x->kind);
	if (x->err)
		fprintf(f, " (%s returned %s)", x->op, errno_name(x->err));
	else
		fprintf(f, " (found by %s)", x->op);
	fprintf(f, " at t=%.6fs; ", x->t_ns / 1e9);
	if (!strcmp(x->last_op, "setup"))
		fprintf(f, "unchanged since setup");
	else
		fprintf(f, "last changed by %s on explore/%u at t=%.6fs", x->last_op, x->last_thread,
			x->last_t_ns / 1e9);
	if (!strcmp(x->kind, "op-error")) {
		fputc('\n', f);
		return;
	}
	fprintf(f, "; expected page %u gen %u, found", x->expected.page, x->expected.gen);
	if (x->found.page || x->found.gen || x->found.state)
		fprintf(f, " page %u gen %u region %u (%s)\n", x->found.page, x->found.gen, x->found.region,
			x->found.state == 0 ? "intact" : x->found.state == 1 ? "zero" :
			x->found.state == 2 ? "garbage" : "corrupt");
	else
		fprintf(f, " no readable stamp\n");
}

static void print_summary(const struct xp_cfg *cfg, const struct xp_result *r)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < XOP_NR; i++)
		total += r->ops[i];
	printf("explore: %" PRIu64 " ops, %" PRIu64 " page checks (%" PRIu64 " of swapped pages: swap-in by touch)\n",
	       total, r->verified, r->swapped_seen);
	printf("  %-12s %10s %10s %8s %8s %6s\n", "op", "count", "contended", "busy", "pre-miss", "fail");
	for (i = 0; i < XOP_NR; i++)
		if (cfg->w.w[i] || r->ops[i])
			printf("  %-12s %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64 " %6" PRIu64 "\n",
			       xop_table[i].name, r->ops[i], r->contended[i], r->busy[i], r->skipped[i], r->errors[i]);
	if (cfg->replay)
		printf("explore: replay: %" PRIu64 " records did not run as recorded (precondition or page busy)\n",
		       r->diverged);
	if (r->moved_but_failed)
		printf("explore: known kernel bug move-eexist: %" PRIu64
		       " MOVEs moved the page(s) but failed (docs/kernel-bug-6.18-move-eexist.md); not data corruption\n",
		       r->moved_but_failed);
}

/* a replayed log's ops this host cannot run (migrate on one node): named, and not run */
static void replay_drop_unsupported(struct xlog_file *log)
{
	size_t n[XOP_NR] = { 0 }, i;
	char why[256];
	int op;

	for (i = 0; i < log->n; i++)
		if (log->rec[i].flags & (XF_DONE | XF_FAIL))
			n[log->rec[i].op]++;
	for (op = 0; op < XOP_NR; op++) {
		if (!n[op] || xop_table[op].control || !xop_table[op].supported ||
		    !xop_table[op].supported(why, sizeof(why)))
			continue;
		fprintf(stderr, "movestress: --replay: op '%s' skipped (%zu records): %s\n", xop_table[op].name,
			n[op], why);
		for (i = 0; i < log->n; i++)
			if (log->rec[i].op == op)
				log->rec[i].flags &= (uint8_t)~(XF_DONE | XF_FAIL);
	}
}

/* an option given that the log contradicts: one line, a usage error */
static int contradicts(const struct opts *o, const char *opt, bool differs, const char *what)
{
	if (!opts_given(o, opt) || !differs)
		return 0;
	fprintf(stderr, "movestress: --%s: the replayed log %s; a replay runs what the log says (leave --%s out)\n",
		opt, what, opt);
	return MS_EXIT_USAGE;
}

/*
 * --replay: what runs is the log's, so the options that would say
 * otherwise are refused, and the ones the log sets are set to what it
 * says (the result echoes what ran); its regions have the limit of a
 * fresh run's --size, and a log with nothing that ran replays nothing.
 */
static int replay_from(struct opts *o, struct xp_cfg *cfg, struct xlog_file *log)
{
	char err[PATH_MAX + 200], what[96];
	uint64_t size;
	size_t i, ran = 0;
	int ret;

	if (xlog_read(o->replay, log, err, sizeof(err))) {
		fprintf(stderr, "movestress: %s\n", err);
		return MS_EXIT_USAGE;
	}
	for (i = 0; i < log->n; i++)
		ran += !!(log->rec[i].flags & (XF_DONE | XF_FAIL));
	if (!ran) {
		fprintf(stderr, "movestress: --replay: %s has no op that ran (%zu records): nothing to replay\n",
			o->replay, log->n);
		return MS_EXIT_USAGE;
	}
	size = (uint64_t)log->npages * MS_PAGE_SIZE;
	snprintf(err, sizeof(err), "--replay: %s's regions", o->replay);
	if (opts_check_size(size, err))
		return MS_EXIT_USAGE;
	snprintf(what, sizeof(what), "has %" PRIu64 "M per region", size >> 20);
	if ((ret = contradicts(o, "size", cfg->npages != log->npages, what)))
		return ret;
	snprintf(what, sizeof(what), "has %u op threads", log->nthreads);
	if ((ret = contradicts(o, "movers", o->movers != log->nthreads, what)))
		return ret;
	snprintf(what, sizeof(what), "has seed %" PRIu64, log->seed);
	if ((ret = contradicts(o, "seed", o->seed != log->seed, what)) ||
	    (ret = contradicts(o, "ops", true, "has its own ops")) ||
	    (ret = contradicts(o, "contend", true, "has its own pages")) ||
	    (ret = contradicts(o, "inject", true, "has its own negative controls, if any")))
		return ret;
	replay_drop_unsupported(log);
	cfg->replay = log;
	cfg->seed = o->seed = log->seed;
	o->seed_set = true;
	cfg->threads = o->movers = log->nthreads;
	cfg->npages = log->npages;
	o->size = size;
	return 0;
}

static int config_from(struct opts *o, struct xp_cfg *cfg, struct xlog_file *log)
{
	char err[400];
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->o = o;
	cfg->threads = o->movers;
	cfg->verifiers = o->verifiers;
	cfg->handlers = o->handlers;
	cfg->contend = o->contend;
	cfg->thp_share = o->thp_share;
	cfg->npages = (o->size / MS_PAGE_SIZE + XP_CHUNK_PAGES - 1) / XP_CHUNK_PAGES * XP_CHUNK_PAGES;
	cfg->runtime_ns = o->runtime_ns ? o->runtime_ns : 10ULL * 1000000000ULL;
	cfg->seed = o->seed_set ? o->seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	cfg->keep_log = o->record[0] || o->minimize;
	/* --reclaim/--swap/--io: the checks and the one-line errors of run */
	if (pressure_validate(o))
		return MS_EXIT_USAGE;
	cfg->pressure = strcmp(o->reclaim, "none") != 0;
	if (cfg->threads > XP_MAX_THREADS) {
		fprintf(stderr, "movestress: --movers: explore runs at most %d op threads\n", XP_MAX_THREADS);
		return MS_EXIT_USAGE;
	}
	ret = weights_from(o, &cfg->w);
	if (ret == -EINVAL)
		return MS_EXIT_USAGE;
	if (ret) {
		fprintf(stderr, "movestress: explore: skipped: no op of --ops is supported by this kernel\n");
		return MS_EXIT_SKIP;
	}
	if (o->replay[0] && (ret = replay_from(o, cfg, log)))
		return ret;
	if (inject_from(o->inject, cfg))
		return MS_EXIT_USAGE;
	/* the sizes exist: known before the banner, as every bad option is */
	ret = mthp_validate(o->mthp, err, sizeof(err));
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "movestress: explore: skipped: %s\n", err);
		return MS_EXIT_SKIP;
	}
	if (ret) {
		fprintf(stderr, "movestress: %s\n", err);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static void print_verdict(const struct xp_cfg *cfg, const struct xp_result *res)
{
	char note[64];

	printf("explore: verdict %s (%s)%s, seed %" PRIu64 "\n", exit_verdict(res->code),
	       exit_code_note(cfg->o, res->code, note, sizeof(note)),
	       !res->failed && res->moved_but_failed ? ": the known kernel bug move-eexist, as `run` counts it" : "",
	       cfg->seed);
}

static void print_mthp(json_t *mthp)
{
	const char *k;
	json_t *v;

	json_object_foreach(mthp, k, v)
		printf("explore: mTHP %skB: %" JSON_INTEGER_FORMAT " anon folios faulted in during the run (system-wide counter)\n",
		       k, json_integer_value(json_object_get(v, "anon_fault_alloc")));
}

static void print_minimise(const struct xp_result *res, const struct xp_min *m)
{
	if (!m->reproduced) {
		printf("explore: minimise: %s (page %u %s) in %u replays, %.1fs; nothing to minimise\n",
		       !strcmp(m->stopped, "not-reproduced") ? "neither a serial nor 3 concurrent replays fail the same way" :
		       !strcmp(m->stopped, "budget") ? "--minimize-time was up before a replay failed the same way" :
		       "interrupted before a replay failed the same way", res->fail.page, res->fail.kind, m->trials,
		       m->elapsed_ns / 1e9);
		return;
	}
	printf("explore: minimise: %s replays of the log fail the same way; minimised\n",
	       m->serial ? "serial" : "concurrent");
	if (m->err) {
		fprintf(stderr, "movestress: --minimize: cannot write %s or %s\n", m->log, m->repro);
		return;
	}
	printf("explore: minimise: %zu -> %zu records in %u replays, %.1fs (%s); page %u %s still fails\n"
	       "explore: minimised log %s, reproducer %s (cc -O2 -o repro %s -lpthread; serial, -c: a thread per recorded thread)\n",
	       m->n0, m->n, m->trials, m->elapsed_ns / 1e9,
	       !strcmp(m->stopped, "done") ? "1-minimal" : !strcmp(m->stopped, "budget") ?
	       "stopped at --minimize-time" : "stopped by a signal",
	       res->fail.page, res->fail.kind, m->log, m->repro, m->repro);
}

static int bench(struct xp_cfg *cfg, json_t *mthp)
{
	struct xp_bench b;
	int ret = xp_bench_bare(cfg, &b);

	if (ret)
		return ret;
	mthp_measure(mthp);
	print_mthp(mthp);
	printf("explore bench: %u thread(s), %zu pages, %.1fs each in %d alternating slices, no verifiers, each thread on its own pages\n"
	       "  bare UFFDIO_MOVE loop:     %10.0f moves/s\n"
	       "  explore, --ops=move:1:     %10.0f moves/s\n"
	       "  ratio explore/bare:        %10.3f median of %d slice pairs (min %.3f, max %.3f; of the totals %.3f; goal >= 0.8)\n",
	       cfg->threads, cfg->npages, b.slice_s, XP_BENCH_PAIRS, b.bare_per_s, b.explore_per_s, b.ratio_median,
	       XP_BENCH_PAIRS, b.ratio_min, b.ratio_max, b.ratio_total);
	printf("  CPU per MOVE (user+sys of the op threads): bare %.0f ns, explore %.0f ns: ratio bare/explore %.3f (goal >= 0.8)\n",
	       b.bare_cpu_ns, b.explore_cpu_ns, b.explore_cpu_ns ? b.bare_cpu_ns / b.explore_cpu_ns : 0);
	return MS_EXIT_PASS;
}

/* run (or replay) once, the result, the op log, --minimize */
static int explore_once(struct opts *o, struct xp_cfg *cfg, json_t *mthp)
{
	struct xp_result res;
	struct xp_min m;
	char base[540];
	int ret, saved;

	ret = xp_run(cfg, &res);
	mthp_measure(mthp);
	if (ret == MS_EXIT_SKIP || ret == MS_EXIT_ENV) {
		json_decref(mthp);
		if (o->output[0] && res.json && write_json_file(o->output, res.json))
			fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
		xp_result_free(&res);
		return ret;
	}
	print_mthp(mthp);
	print_summary(cfg, &res);
	xp_result_finish(cfg, &res, mthp);
	if (res.failed)
		print_failure(stdout, &res.fail);
	print_verdict(cfg, &res);
	saved = xp_log_save(cfg, &res, base, sizeof(base));
	if (saved < 0)
		fprintf(stderr, "movestress: --record: cannot write %s: %s\n", base, strerror(-saved));
	else if (saved)
		printf("explore: op log (%zu records%s) in %s; replay with --replay=%s\n", res.log.n,
		       cfg->keep_log ? "" : ", the tail of each thread", base, base);
	if (o->output[0] && write_json_file(o->output, res.json))
		fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
	if (o->minimize && res.failed) {
		int code;

		printf("explore: minimise: %zu records, within --minimize-time=%.0fs\n", res.log.n,
		       o->minimize_time_ns / 1e9);
		code = xp_minimise(cfg, &res, base, &m);

		print_minimise(&res, &m);
		xp_result_minimised(&res, &m, code);
		if (o->output[0] && write_json_file(o->output, res.json))
			fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
		if (code == MS_EXIT_INTERRUPTED) {
			printf("explore: verdict interrupted: %s (the run's failure stands)\n", m.reason);
			ret = code;
		}
	} else if (o->minimize) {
		printf("explore: --minimize: %s; nothing to minimise\n", ret == MS_EXIT_PASS ?
		       "the run passed" : "no failure of the ledger or an op (only the known kernel bug or a kernel report)");
	}
	xp_result_free(&res);
	return ret;
}

/*
 * The command layer (command.h) has checked --output and --record, holds
 * the signals for the whole command and restores the host (the mTHP sizes
 * too) on the way out.
 */
int explore_main(struct opts *o)
{
	struct xlog_file log = { 0 };
	struct xp_cfg cfg;
	json_t *mthp = NULL;
	char why[300];
	int ret;

	ret = config_from(o, &cfg, &log);
	if (ret)
		goto out;
	printf("explore: seed %" PRIu64 "%s, %u op threads, %u verifiers, %u handlers, %zu pages per region\n",
	       cfg.seed, cfg.replay ? " (from the replayed log)" : "", cfg.threads, cfg.verifiers,
	       cfg.handlers, cfg.npages);
	ret = mthp_hold(o->mthp, &mthp, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "movestress: %s\n", why);
		json_decref(mthp);
		ret = MS_EXIT_ENV;
		goto out;
	}
	if (o->bench_bare) {
		ret = bench(&cfg, mthp);
		json_decref(mthp);
	} else {
		ret = explore_once(o, &cfg, mthp);
	}
out:
	free(log.rec);
	return ret;
}
