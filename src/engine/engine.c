// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run engine: run_main() is the run's phases in order, each a
 * function of its own below (the work of each is in layout.c, threads.c,
 * watchdog.c, verify.c, verdict.c and result.c); the mover loops are in
 * modes.c and scenarios/.  A phase returns 0 to go on or the run's exit
 * code; engine_cleanup() undoes whatever the phases did, on every path,
 * and hands back a result even for a run that ended early.
 */
#include "config.h"
#include "engine/engine.h"
#include "engine/engine-int.h"
#include "engine/result.h"
#include "engine/modes.h"
#include "engine/status.h"
#include "core/kv.h"
#include "core/report.h"
#include "core/uffd.h"
#include "kernel/env.h"
#include "kernel/health.h"
#include "kernel/klog.h"
#include "kernel/known-bugs.h"
#include "pressure/lru-gen.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A run that ends before its result: say why (skipped: on stdout, errors
 * on stderr) and keep the reason for the result file.
 */
static int __attribute__((format(printf, 3, 4)))
stop_early(struct engine_run *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	if (code == MS_EXIT_SKIP)
		printf("skipped: %s\n", e->reason);
	else
		fprintf(stderr, "movestress: %s\n", e->reason);
	return code;
}

/* the checks run_main() makes before it changes anything: 0 or the exit code, error printed */
int run_validate(const struct opts *o)
{
	const struct engine_hooks *h = engine_hooks();
	char why[512] = "";
	unsigned i;
	int ret;

	if ((o->trace[0] || o->trace_marker) && strcmp(o->mode, "jank")) {
		fprintf(stderr, "movestress: --%s: only the jank mode writes frame traces (use --scenario=jank)\n",
			o->trace[0] ? "trace" : "trace-marker");
		return MS_EXIT_USAGE;
	}
	if (h->check_mode && h->check_mode(o))
		return MS_EXIT_USAGE;
	if (inject_validate(o->inject, why, sizeof(why))) {
		fprintf(stderr, "movestress: %s\n", why);
		return MS_EXIT_USAGE;
	}
	for (i = 0; h->sides[i]; i++)
		if (h->sides[i]->validate(o))
			return MS_EXIT_USAGE;
	/* output files: a bad path is the user's to fix, before anything runs */
	if (o->trace[0] && (ret = opts_check_writable("trace", o->trace)))
		return ret;
	if (o->status_file[0] && (ret = opts_check_writable("status-file", o->status_file)))
		return ret;
	return 0;
}

/* options that only make sense together, checked before anything changes */
static int phase_validate(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	int ret;

	e->sides = engine_hooks()->sides;
	r->mode = engine_hooks()->mode_find(o->mode);
	r->hang_page = -1;
	r->eexist_page = -1;
	r->seed = o->seed_set ? o->seed : (now_ns() ^ ((uint64_t)getpid() << 32));
	o->seed = r->seed;
	ret = run_validate(o);
	if (ret)
		snprintf(e->reason, sizeof(e->reason), "invalid options (the line above says which)");
	return ret;
}

/* Can this kernel do it at all?  A skip, not a failure. */
static int phase_open_uffd(struct engine_run *e)
{
	struct run *r = &e->run;

	r->uffd = uffd_open_api(UFFD_FEATURE_MOVE | r->mode->uffd_features, &r->uffd_info,
				e->why, sizeof(e->why));
	if (r->uffd < 0)
		return stop_early(e, MS_EXIT_SKIP, "%s", e->why);
	if (r->mode->supported(e->why, sizeof(e->why)))
		return stop_early(e, MS_EXIT_SKIP, "mode %s: %s", r->o->mode, e->why);
	return 0;
}

/* --lru-gen: before anything is measured; undone by cleanup at the latest */
static int phase_hold_host(struct engine_run *e)
{
	int ret = lru_gen_apply(e->run.o->lru_gen, e->why, sizeof(e->why));

	if (ret)
		return stop_early(e, ret == -EOPNOTSUPP ? MS_EXIT_SKIP :
				  ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV, "%s", e->why);
	return 0;
}

/* workers, the regions and the ledger; then the health baseline and the "before" snapshots */
static int phase_lay_out(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	int ret;

	pthread_mutex_init(&r->gate_lock, NULL);
	pthread_cond_init(&r->gate_cond, NULL);
	r->checkpoint_results = json_array();
	e->threads.nmov = o->movers;
	e->threads.nh = r->mode->handler ? o->handlers : 0;
	e->threads.nx = r->mode->nextra ? r->mode->nextra(o) : 0;
	r->nworkers = e->threads.nmov + e->threads.nh + e->threads.nx + o->idle_threads;
	r->nmovers = e->threads.nmov;
	r->workers = calloc(r->nworkers, sizeof(*r->workers));
	e->verify.tot = calloc(1, sizeof(*e->verify.tot));
	e->verify.htot = calloc(1, sizeof(*e->verify.htot));
	e->verify.ores = calloc(1, sizeof(*e->verify.ores));
	if (!r->workers || !e->verify.tot || !e->verify.htot || !e->verify.ores)
		return stop_early(e, MS_EXIT_ENV, "out of memory");

	e->setup.mapped = true;
	ret = layout(r, e->why, sizeof(e->why));
	if (ret)
		return stop_early(e, ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV, "%s", e->why);
	if (e->out)
		print_header(r, e->out);

	/* health baseline: taint and a /dev/kmsg marker */
	e->health.taint_err = health_taint_read(&e->health.taint0);
	snprintf(e->health.marker, sizeof(e->health.marker), "run %d.%" PRIx64 " start", getpid(), r->seed);
	klog_mark(e->health.marker);
	e->snap.env = env_collect(&r->uffd_info);
	r->env = e->snap.env;
	e->snap.vm0 = kv_read("/proc/vmstat");
	e->snap.sys0 = dir_read(UFFD_MOVE_SYSFS);
	return 0;
}

/* side workloads set up (memcg charges at first touch), then every page stamped */
static int phase_populate(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	long huge0;
	int ret;

	for (e->setup.nsides = 0; e->sides[e->setup.nsides]; e->setup.nsides++) {
		const struct side_ops *side = e->sides[e->setup.nsides];

		ret = side->setup(r, e->why, sizeof(e->why));
		if (ret == -EOPNOTSUPP)	/* this kernel/host lacks it: a skip */
			return stop_early(e, MS_EXIT_SKIP, "%s", e->why);
		if (ret)
			return stop_early(e, ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV,
					  "%s setup: %s", side->name, e->why);
	}

	huge0 = anon_huge_kb();
	populate(r);
	if (r->mode->needs_thp) {
		long huge = anon_huge_kb() - huge0;

		json_object_set_new(e->snap.env, "thp_populated_kb", json_integer(huge));
		if (huge <= 0)
			return stop_early(e, MS_EXIT_SKIP,
					  "mode thp: no transparent huge page could be allocated "
					  "(AnonHugePages did not grow after populating with MADV_HUGEPAGE)");
	}
	r->pfn_checkable = o->pfn_check && r->mode->pfn_check_ok && !strcmp(o->reclaim, "none");
	if (o->pfn_check && !r->pfn_checkable) {
		char pwhy[160];

		snprintf(pwhy, sizeof(pwhy), "%s", !r->mode->pfn_check_ok ?
			 "this mode's pages change frames (huge pages split and collapsed, or swapped)" :
			 "--reclaim swaps pages out and back in (new frames)");
		json_object_set_new(e->snap.env, "pfn_check_skipped", json_string(pwhy));
		if (e->out)
			fprintf(e->out, "  oracle: --pfn-check skipped: %s\n", pwhy);
	}
	if (r->pfn_checkable && record_pfns(r))
		r->pfn_checkable = false;
	return 0;
}

/* --inject=KIND:PAGE and --inject=hang:PAGE need a populated page */
static int check_inject_page(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;

	if (o->inject[0] && strncmp(o->inject, "hang:", 5)) {
		const char *c = strchr(o->inject, ':');
		unsigned long page = c ? strtoul(c + 1, NULL, 10) : ULONG_MAX;

		if (page >= r->npages || r->where[page] == REGION_NONE)
			return stop_early(e, MS_EXIT_USAGE,
					  "--inject: page %lu is %s: allowed pages are populated ones below %zu",
					  page, page >= r->npages ? "out of range" : "a hole", r->npages);
	}
	if (!strncmp(o->inject, "hang:", 5)) {
		r->hang_page = atol(o->inject + 5);
		if (r->hang_page >= (long)r->npages || r->where[r->hang_page] != REGION_SRC ||
		    r->mode->handler)
			return stop_early(e, MS_EXIT_USAGE,
					  "--inject=hang: page must be a populated page (< %zu) and the mode must have no fault handler",
					  r->npages);
	}
	if (!strncmp(o->inject, "eexist:", 7))
		r->eexist_page = atol(o->inject + 7);
	return 0;
}

/* both regions registered with userfaultfd, then the mode's own setup */
static int phase_register(struct engine_run *e)
{
	struct run *r = &e->run;
	int ret;

	ret = register_all(r, true, e->why, sizeof(e->why));
	if (ret)
		return stop_early(e, ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV, "%s", e->why);
	if (r->mode->setup) {
		ret = r->mode->setup(r, e->why, sizeof(e->why));
		if (ret)
			return stop_early(e, ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV,
					  "mode %s: %s", r->o->mode, e->why);
	}
	return check_inject_page(e);
}

/* the workers, the watchdog, then the side workloads */
static int phase_start_threads(struct engine_run *e)
{
	struct run *r = &e->run;
	unsigned i;
	int ret;

	assign_slots(r);
	if (r->mode->shared_slots)
		pthread_barrier_init(&r->barrier, NULL, e->threads.nmov);
	r->t0_ns = now_ns();
	r->running = e->threads.nmov;
	threads_assign(r, e->threads.nmov, e->threads.nh, e->threads.nx);
	ret = threads_start(r);
	if (ret)
		return stop_early(e, MS_EXIT_ENV, "pthread_create: %s", strerror(-ret));
	if (!start_thread(&e->threads.wd, watchdog_main, r))
		e->threads.wd_started = true;
	for (i = 0; e->sides[i]; i++)
		e->sides[i]->start(r);
	return 0;
}

/* until --runtime, --ops, every parking worker done, or an interruption; checkpoints */
static void phase_monitor(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	uint64_t t_end = r->t0_ns + o->runtime_ns, t;
	uint64_t next_cp = o->checkpoint_ns ? r->t0_ns + o->checkpoint_ns : UINT64_MAX;
	unsigned running;

	for (;;) {
		if (sigwatch_poll(&e->sig, 20 * 1000000ULL, r->t0_ns, ""))
			break;
		t = now_ns();
		status_tick(r, t);
		if (t >= t_end || run_stopped(r))
			break;
		pthread_mutex_lock(&r->gate_lock);
		running = r->running;
		pthread_mutex_unlock(&r->gate_lock);
		if (!running)
			break;
		if (t >= next_cp) {
			checkpoint(r);
			next_cp = now_ns() + o->checkpoint_ns;
		}
	}
	status_done(r);
}

/* workers joined, then the side workloads stopped (they add their counts) */
static void phase_stop(struct engine_run *e)
{
	unsigned i;

	threads_join(&e->run, e->threads.nmov);
	for (i = 0; e->sides[i]; i++)
		e->sides[i]->stop(&e->run);
}

/*
 * The oracle; the watchdog leaves; per-thread stats merged; the first
 * verdict: genuine findings, known kernel bugs, an interruption.
 */
static void phase_verify(struct engine_run *e)
{
	struct run *r = &e->run;
	struct known_bug_counts *kb = &e->verify.kb;
	uint64_t fails = r->side_failures;
	unsigned i;

	verify_run(e);
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	if (e->threads.wd_started)
		pthread_join(e->threads.wd, NULL);

	stats_merge(e->verify.tot, r->workers, e->threads.nmov);
	stats_merge(e->verify.htot, r->workers + e->threads.nmov, e->threads.nh);
	/* every thread: movers, handlers and a mode's own (jank ui, swapin) */
	for (i = 0; i < r->nworkers; i++) {
		fails += r->workers[i].st.failures;
		kb->n[KNOWN_BUG_MOVE_EEXIST] += r->workers[i].st.moved_but_failed;
	}
	kb->n[KNOWN_BUG_MOVE_EEXIST] += r->side_moved_but_failed;
	known_bugs_summary(kb, e->verify.kbsum, sizeof(e->verify.kbsum));
	e->verify.genuine = fails || e->verify.ores->violations || e->verify.ores->error[0] ||
			    r->checkpoint_violations;
	e->v.code = run_verdict(e->verify.genuine, known_bugs_total(kb),
				!strcmp(r->o->known_bugs, "fail"), e->sig.interrupted, &e->v.name);
}

/* summary and result: the engine's, the mode's, each side's; MOVE accounting */
static void phase_report(struct engine_run *e)
{
	struct run *r = &e->run;
	json_t *mode_res;
	unsigned i;

	if (e->out)
		print_summary(e);
	e->result = result_new(e);
	mode_res = mode_result_new(e);
	if (r->mode->report)
		r->mode->report(r, mode_res, e->out);
	for (i = 0; e->sides[i]; i++)
		e->sides[i]->report(r, mode_res, e->out);
	move_accounting_check(r, e->result, mode_res, &e->v, e->out);
	json_object_set_new(e->result, "results", json_pack("[o]", mode_res));
}

/* kernel health after the run: taint, /dev/kmsg, watchdog, the rmap race counter */
static void phase_health(struct engine_run *e)
{
	json_object_set_new(e->result, "health", health_block(&e->run, e->health.taint0, e->health.taint_err,
							      e->health.marker, &e->v, e->out));
	rmap_race_check(e->result, &e->v, e->out);
}

/* the verdict into the result and the summary; the result to the caller */
static int phase_verdict(struct engine_run *e, json_t **result_out)
{
	if (e->sig.interrupted)
		interruption_json(e->result, e->sig.reason,
				  "the run stopped early; the system was restored and the oracle checked what ran");
	if (e->verify.kbsum[0])
		json_object_set_new(e->result, "known_bugs", known_bugs_to_json(&e->verify.kb));
	json_object_set_new(e->result, "verdict", json_string(e->v.name));
	json_object_set_new(e->result, "exit_code", json_integer(e->v.code));
	if (result_out) {
		*result_out = e->result;
		e->result = NULL;
	}
	e->done = true;
	if (e->out)
		print_verdict(e);
	return e->v.code;
}

/* undo what the phases did, in reverse, whichever phase stopped the run */
static void engine_cleanup(struct engine_run *e, int ret, json_t **result_out)
{
	struct run *r = &e->run;
	unsigned i;

	if (r->mode && r->mode->teardown && r->mode_priv)
		r->mode->teardown(r);
	while (e->setup.nsides > 0)
		e->sides[--e->setup.nsides]->teardown(r);
	if (e->setup.mapped) {
		for (i = 0; i < MS_NR_REGIONS; i++)
			unmap_region(&r->reg[i]);
		if (r->mode->shared_slots && r->t0_ns)
			pthread_barrier_destroy(&r->barrier);
	}
	if (!e->done && result_out) {
		json_t *env = e->snap.env ? json_incref(e->snap.env) : env_collect(&r->uffd_info);

		*result_out = early_result(r->o, r->seed, env, ret, e->reason[0] ? e->reason : e->why);
		json_decref(env);
	}
	json_decref(e->result);
	json_decref(e->snap.env);
	json_decref(e->snap.vm0);
	json_decref(e->snap.vm1);
	json_decref(r->checkpoint_results);
	json_decref(r->hang_info);
	free(r->where);
	free(r->gen);
	free(r->pfn0);
	free(r->workers);
	free(e->verify.tot);
	free(e->verify.htot);
	free(e->verify.ores);
	if (r->uffd >= 0)
		close(r->uffd);
	/* --lru-gen, and whatever a setup that failed half-way left (teardowns did the rest) */
	sysstate_restore_all();
	sigwatch_release(&e->sig);
}

int run_main(struct opts *o, json_t **result_out)
{
	struct engine_run *e;
	int ret;

	if (!engine_hooks()) {
		fprintf(stderr, "movestress: engine: no engine_register() before run_main()\n");
		return MS_EXIT_ENV;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		fprintf(stderr, "movestress: out of memory\n");
		return MS_EXIT_ENV;
	}
	e->run.o = o;
	e->run.uffd = -1;
	e->out = o->quiet ? NULL : stdout;
	e->v = (struct verdict){ "pass", MS_EXIT_PASS };

	/* a signal during setup is taken by the monitor at once (signals.h) */
	sigwatch_hold(&e->sig);
	if ((ret = phase_validate(e)) || (ret = phase_open_uffd(e)) || (ret = phase_hold_host(e)) ||
	    (ret = phase_lay_out(e)) || (ret = phase_populate(e)) || (ret = phase_register(e)) ||
	    (ret = phase_start_threads(e)))
		goto out;
	phase_monitor(e);
	phase_stop(e);
	phase_verify(e);
	phase_report(e);
	phase_health(e);
	ret = phase_verdict(e, result_out);
out:
	engine_cleanup(e, ret, result_out);
	free(e);
	return ret;
}
