// SPDX-License-Identifier: GPL-2.0-only
/*
 * `movestress explore`: options to an engine configuration, the summary
 * and the JSON result, the op log on failure, --replay, --minimize (ddmin
 * over the log, then the C reproducer) and --bench-bare.
 */
#include "config.h"
#include "engine/explore.h"
#include "cli/options.h"
#include "kernel/known-bugs.h"
#include "report/trials.h"
#include "scenarios/jank.h"
#include "core/report.h"
#include "pressure/pressure.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const inject_kinds[XINJ_NR] = {
	[XINJ_CORRUPT] = "corrupt", [XINJ_LOSE] = "lose", [XINJ_DUP] = "dup", [XINJ_ZERO] = "zero",
	[XINJ_HANG] = "hang",
};

json_t *explore_list(void)
{
	json_t *arr = json_array();
	char why[256];
	int i;

	for (i = 0; i < XOP_NR; i++) {
		const struct xop_desc *d = &xop_table[i];

		why[0] = '\0';
		if (d->supported)
			d->supported(why, sizeof(why));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:i}", "name", d->name,
						     "help", d->help, "supported", !why[0] || i == XOP_INJECT,
						     "reason", why, "weight", d->weight));
	}
	return arr;
}

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
	if (sscanf(spec, "%15[a-z]:%lu%c", kind, &page, &tail) == 2)
		for (k = 0; k < XINJ_NR; k++)
			if (!strcmp(kind, inject_kinds[k]) && page < cfg->npages) {
				cfg->inject_kind = k;
				cfg->inject_page = (uint32_t)page;
				return 0;
			}
	fprintf(stderr, "movestress: --inject: invalid value '%s' for explore: expected corrupt|zero|dup|lose|hang:PAGE with PAGE below %zu\n",
		spec, cfg->npages);
	return -EINVAL;
}

/* the weights in force, and the ops left out with the reason */
static json_t *weights_json(const struct xweights *w)
{
	json_t *j = json_object(), *skipped = json_object();
	char why[256];
	int i;

	for (i = 0; i < XOP_NR; i++) {
		why[0] = '\0';
		if (w->w[i])
			json_object_set_new(j, xop_table[i].name, json_integer(w->w[i]));
		else if (i != XOP_INJECT && xop_table[i].supported && xop_table[i].supported(why, sizeof(why)))
			json_object_set_new(skipped, xop_table[i].name, json_string(why));
	}
	json_object_set_new(j, "skipped", skipped);
	return j;
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

static json_t *failure_json(const struct xfailure *x)
{
	return json_pack("{s:s, s:i, s:s, s:s, s:I, s:s, s:i, s:I, s:{s:i, s:i}, s:{s:i, s:i, s:i, s:i}}",
			 "kind", x->kind, "page", x->page, "op", x->op, "errno", x->err ? errno_name(x->err) : "",
			 "t_ns", (json_int_t)x->t_ns, "last_op", x->last_op, "last_thread", x->last_thread,
			 "last_t_ns", (json_int_t)x->last_t_ns,
			 "expected", "page", x->expected.page, "gen", x->expected.gen,
			 "found", "page", x->found.page, "gen", x->found.gen, "region", x->found.region,
			 "state", x->found.state);
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

/* ---- minimisation ---- */

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

static int do_minimise(const struct xp_cfg *cfg, const struct xp_result *res, const char *base)
{
	struct min_ctx m = { .cfg = *cfg, .want = &res->fail };
	struct xlog_file f = res->log;
	char path[600], cpath[600], left_out[256];
	size_t n0 = f.n;

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
			printf("explore: minimise: neither a serial nor 3 concurrent replays of %zu records fail the same way (page %u %s); nothing to minimise\n",
			       f.n, res->fail.page, res->fail.kind);
			free(f.rec);
			return MS_EXIT_FAILURE;
		}
	}
	printf("explore: minimise: %s replays of the log fail the same way; minimising\n",
	       m.cfg.serial ? "serial" : "concurrent");
	f.n = minimise(&m, f.rec, f.n, cfg->o->minimize_time_ns);
	snprintf(path, sizeof(path), "%s.min", base);
	snprintf(cpath, sizeof(cpath), "%s.repro.c", base);
	if (xlog_write(path, &f) || xrepro_write(cpath, &f, left_out, sizeof(left_out))) {
		fprintf(stderr, "movestress: --minimize: cannot write %s or %s\n", path, cpath);
		free(f.rec);
		return MS_EXIT_ENV;
	}
	printf("explore: minimise: %zu -> %zu records in %u replays; page %u %s still fails\n"
	       "explore: minimised log %s, reproducer %s (cc -O2 -o repro %s -lpthread; serial, -c: a thread per recorded thread)\n",
	       n0, f.n, m.trials, res->fail.page, res->fail.kind, path, cpath, cpath);
	if (left_out[0])
		printf("explore: the reproducer leaves out the ops %s (it cannot replay them)\n", left_out);
	free(f.rec);
	return MS_EXIT_FAILURE;
}

/* ---- the bench: the engine with MOVE-only weights against a bare ioctl loop ---- */

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
#define BENCH_PAIRS 10
static int bench_bare(struct xp_cfg *cfg)
{
	struct xp_result r;
	uint64_t ops[2] = { 0, 0 }, cpu[2] = { 0, 0 }, total = cfg->runtime_ns, pair[2] = { 0, 0 };
	double ratio[BENCH_PAIRS], a, b;
	int i;

	cfg->runtime_ns = total / (2 * BENCH_PAIRS);
	cfg->pressure = false;	/* the bench measures the engine, not reclaim */
	cfg->verifiers = 0;
	cfg->quiet = true;	/* one summary at the end, not a health line per slice */
	cfg->contend = 0;
	cfg->partition = true;
	memset(&cfg->w, 0, sizeof(cfg->w));
	cfg->w.w[XOP_MOVE1] = 1;
	xweights_finish(&cfg->w);
	for (i = 0; i < 2 * BENCH_PAIRS; i++) {
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
	qsort(ratio, BENCH_PAIRS, sizeof(ratio[0]), cmp_double);
	a = ops[0] / (total / 2 / 1e9);
	b = ops[1] / (total / 2 / 1e9);
	printf("explore bench: %u thread(s), %zu pages, %.1fs each in %d alternating slices, no verifiers, each thread on its own pages\n"
	       "  bare UFFDIO_MOVE loop:     %10.0f moves/s\n"
	       "  explore, --ops=move:1:     %10.0f moves/s\n"
	       "  ratio explore/bare:        %10.3f median of %d slice pairs (min %.3f, max %.3f; of the totals %.3f; goal >= 0.8)\n",
	       cfg->threads, cfg->npages, total / 2 / 1e9, BENCH_PAIRS, a, b, (ratio[BENCH_PAIRS / 2 - 1] + ratio[BENCH_PAIRS / 2]) / 2,
	       BENCH_PAIRS, ratio[0], ratio[BENCH_PAIRS - 1], a ? b / a : 0);
	/* CPU time per MOVE: what the engine costs, whatever else the machine runs */
	a = ops[0] ? (double)cpu[0] / ops[0] : 0;
	b = ops[1] ? (double)cpu[1] / ops[1] : 0;
	printf("  CPU per MOVE (user+sys of the op threads): bare %.0f ns, explore %.0f ns: ratio bare/explore %.3f (goal >= 0.8)\n",
	       a, b, b ? a / b : 0);
	return MS_EXIT_PASS;
}

#define MTHP_DIR "/sys/kernel/mm/transparent_hugepage/hugepages-"

static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* "always inherit madvise [never]": record "never", write "always" */
static int mthp_always(const char *path)
{
	char line[128], cur[32] = "", *a, *b;
	FILE *f = fopen(path, "re");
	int id;

	if (!f)
		return -errno;
	a = fgets(line, sizeof(line), f);
	fclose(f);
	if (!a || !(a = strchr(line, '[')) || !(b = strchr(a, ']')) || b - a - 1 >= (int)sizeof(cur))
		return -EPROTO;
	memcpy(cur, a + 1, (size_t)(b - a - 1));
	if (!strcmp(cur, "always"))
		return 0;
	id = sysstate_record("value", json_pack("{s:s, s:s}", "path", path, "old", cur));
	if (id < 0)
		return id;
	return write_file(path, "always");
}

/*
 * --mthp=KB[,KB]: "always" for these sizes during the run (recorded with
 * sysstate first, restored after, or by `movestress cleanup`); the
 * mTHP faults of each size in the result, from its stats/anon_fault_alloc.
 */
static int mthp_setup(const char *spec, json_t **out)
{
	char buf[128], *tok, *save = NULL, path[160];
	json_t *j = json_object();

	*out = j;
	if (!spec[0])
		return 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long kb = strtoul(tok, &end, 10);
		int ret;

		snprintf(path, sizeof(path), MTHP_DIR "%lukB/enabled", kb);
		if (end == tok || (*end && strcmp(end, "K") && strcmp(end, "k")) || access(path, F_OK)) {
			fprintf(stderr, "movestress: --mthp: '%s': not an mTHP size of this kernel (ls %s*kB)\n",
				tok, MTHP_DIR);
			return MS_EXIT_USAGE;
		}
		ret = mthp_always(path);
		if (ret) {
			fprintf(stderr, "movestress: --mthp: writing %s: %s\n", path, strerror(-ret));
			return MS_EXIT_ENV;
		}
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/stats/anon_fault_alloc", kb);
		json_object_set_new(j, tok, json_pack("{s:I}", "anon_fault_alloc_before",
						      (json_int_t)read_long(path)));
	}
	return 0;
}

static void mthp_done(json_t *j)
{
	const char *k;
	json_t *v;
	char path[160];

	json_object_foreach(j, k, v) {
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/stats/anon_fault_alloc", strtoul(k, NULL, 10));
		json_object_set_new(v, "anon_fault_alloc", json_integer(read_long(path) -
			json_integer_value(json_object_get(v, "anon_fault_alloc_before"))));
		json_object_del(v, "anon_fault_alloc_before");
		printf("explore: mTHP %skB: %" JSON_INTEGER_FORMAT " anon folios faulted in during the run (system-wide counter)\n", k,
		       json_integer_value(json_object_get(v, "anon_fault_alloc")));
	}
	sysstate_restore_all();
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
		if (!n[op] || op == XOP_INJECT || !xop_table[op].supported ||
		    !xop_table[op].supported(why, sizeof(why)))
			continue;
		fprintf(stderr, "movestress: --replay: op '%s' skipped (%zu records): %s\n", xop_table[op].name,
			n[op], why);
		for (i = 0; i < log->n; i++)
			if (log->rec[i].op == op)
				log->rec[i].flags &= (uint8_t)~(XF_DONE | XF_FAIL);
	}
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
	if (o->replay[0]) {
		if (xlog_read(o->replay, log, err, sizeof(err))) {
			fprintf(stderr, "movestress: %s\n", err);
			return MS_EXIT_USAGE;
		}
		replay_drop_unsupported(log);
		cfg->replay = log;
		cfg->seed = log->seed;
		cfg->threads = log->nthreads;
		cfg->npages = log->npages;
	}
	if (inject_from(o->inject, cfg))
		return MS_EXIT_USAGE;
	return 0;
}

int explore_main(struct opts *o)
{
	struct known_bug_counts kb = { { 0 } };
	struct xlog_file log = { 0 };
	json_t *mthp = NULL;
	struct xp_result res;
	struct xp_cfg cfg;
	char base[540];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = config_from(o, &cfg, &log);
	if (ret)
		return ret;
	printf("explore: seed %" PRIu64 "%s, %u op threads, %u verifiers, %u handlers, %zu pages per region\n",
	       cfg.seed, cfg.replay ? " (from the replayed log)" : "", cfg.threads, cfg.verifiers,
	       cfg.handlers, cfg.npages);
	/* signals: the engine's main loop takes them, stops the run and checks */
	sigemptyset(&cfg.sigs);
	sigaddset(&cfg.sigs, SIGINT);
	sigaddset(&cfg.sigs, SIGTERM);
	sigaddset(&cfg.sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &cfg.sigs, NULL);
	if (o->bench_bare)
		return bench_bare(&cfg);
	ret = mthp_setup(o->mthp, &mthp);
	if (ret) {
		sysstate_restore_all();
		json_decref(mthp);
		goto out;
	}
	ret = xp_run(&cfg, &res);
	mthp_done(mthp);
	if (ret == MS_EXIT_SKIP || ret == MS_EXIT_ENV) {
		json_decref(mthp);
		if (o->output[0] && res.json && write_json_file(o->output, res.json))
			fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
		xp_result_free(&res);
		goto out;
	}
	json_object_set_new(res.json, "mthp", mthp);
	print_summary(&cfg, &res);
	json_object_set_new(res.json, "schema_version", json_integer(MS_SCHEMA_VERSION));
	json_object_set_new(res.json, "command", json_string("explore"));
	json_object_set_new(res.json, "options", opts_to_json(o));
	json_object_set_new(res.json, "weights", weights_json(&cfg.w));
	json_object_set_new(res.json, "seed", json_integer((json_int_t)cfg.seed));
	json_object_set_new(res.json, "replay", json_string(o->replay));
	json_object_set_new(res.json, "exit_code", json_integer(ret));
	json_object_set_new(res.json, "verdict", json_string(exit_verdict(ret)));
	json_object_set_new(res.json, "verified_pages", json_integer((json_int_t)res.verified));
	json_object_set_new(res.json, "verified_swapped", json_integer((json_int_t)res.swapped_seen));
	json_object_set_new(res.json, "replay_diverged", json_integer((json_int_t)res.diverged));
	kb.n[KNOWN_BUG_MOVE_EEXIST] = res.moved_but_failed;
	json_object_set_new(res.json, "known_bugs", known_bugs_to_json(&kb));
	if (res.failed) {
		print_failure(stdout, &res.fail);
		json_object_set_new(res.json, "failure", failure_json(&res.fail));
	}
	printf("explore: verdict %s (exit %d)%s, seed %" PRIu64 "\n",
	       json_string_value(json_object_get(res.json, "verdict")), ret,
	       !res.failed && res.moved_but_failed ? ": the known kernel bug move-eexist, as `run` counts it" : "",
	       cfg.seed);
	snprintf(base, sizeof(base), "%s", o->record[0] ? o->record : o->replay);
	if (!base[0] && (ret == MS_EXIT_FAILURE || ret == MS_EXIT_KNOWN_BUG))
		snprintf(base, sizeof(base), "movestress-explore-%" PRIu64 ".xlog", cfg.seed);
	if (base[0] && (!o->replay[0] || o->record[0])) {
		if (xlog_write(base, &res.log))
			fprintf(stderr, "movestress: --record: cannot write %s\n", base);
		else
			printf("explore: op log (%zu records%s) in %s; replay with --replay=%s\n", res.log.n,
			       cfg.keep_log ? "" : ", the tail of each thread", base, base);
	}
	if (o->output[0] && write_json_file(o->output, res.json))
		fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
	if (o->minimize && res.failed)
		do_minimise(&cfg, &res, base);
	else if (o->minimize)
		printf("explore: --minimize: %s; nothing to minimise\n", ret == MS_EXIT_PASS ?
		       "the run passed" : "no failure of the ledger or an op (only the known kernel bug or a kernel report)");
	xp_result_free(&res);
out:
	free(log.rec);
	return ret;
}
