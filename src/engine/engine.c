// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run engine: run_main() is the run's phases in order, each a
 * function of its own below (the work of each is in layout.c, threads.c,
 * watchdog.c, verify.c, verdict.c and result.c); the mover loops are in
 * modes.c and scenarios/.  A phase returns 0 to go on or the run's exit
 * code; engine_cleanup() undoes whatever the phases did, on every path.
 */
#include "config.h"
#include "engine/engine.h"
#include "engine/engine-int.h"
#include "engine/modes.h"
#include "engine/status.h"
#include "core/kv.h"
#include "core/report.h"
#include "core/uffd.h"
#include "kernel/env.h"
#include "kernel/health.h"
#include "kernel/klog.h"
#include "pressure/lru-gen.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* options that only make sense together, checked before anything changes */
static int phase_validate(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	unsigned i;

	if (!engine_hooks()) {
		fprintf(stderr, "movestress: engine: no engine_register() before run_main()\n");
		return MS_EXIT_ENV;
	}
	e->sides = engine_hooks()->sides;
	r->mode = engine_hooks()->mode_find(o->mode);
	r->hang_page = -1;
	r->seed = o->seed_set ? o->seed : (now_ns() ^ ((uint64_t)getpid() << 32));
	o->seed = r->seed;
	if ((o->trace[0] || o->trace_marker) && strcmp(r->mode->name, "jank")) {
		fprintf(stderr, "movestress: --%s: only the jank mode writes frame traces (use --scenario=jank)\n",
			o->trace[0] ? "trace" : "trace-marker");
		return MS_EXIT_USAGE;
	}
	if (inject_validate(o->inject, e->why, sizeof(e->why))) {
		fprintf(stderr, "movestress: %s\n", e->why);
		return MS_EXIT_USAGE;
	}
	for (i = 0; e->sides[i]; i++)
		if (e->sides[i]->validate(o))
			return MS_EXIT_USAGE;
	return 0;
}

/* Can this kernel do it at all?  A skip, not a failure. */
static int phase_open_uffd(struct engine_run *e)
{
	struct run *r = &e->run;

	r->uffd = uffd_open_api(UFFD_FEATURE_MOVE | r->mode->uffd_features, &r->uffd_info,
				e->why, sizeof(e->why));
	if (r->uffd < 0) {
		printf("skipped: %s\n", e->why);
		return MS_EXIT_SKIP;
	}
	if (r->mode->supported(e->why, sizeof(e->why))) {
		printf("skipped: mode %s: %s\n", r->o->mode, e->why);
		return MS_EXIT_SKIP;
	}
	return 0;
}

/*
 * Block SIGINT/SIGTERM/SIGHUP in every thread from here on: the monitor
 * takes them, and every change to the system is undone before cleanup
 * restores the mask.  Then --lru-gen, before anything is measured.
 */
static int phase_hold_host(struct engine_run *e)
{
	int ret;

	sigemptyset(&e->sig.set);
	sigaddset(&e->sig.set, SIGINT);
	sigaddset(&e->sig.set, SIGTERM);
	sigaddset(&e->sig.set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &e->sig.set, &e->sig.old);
	e->sig.blocked = true;
	ret = lru_gen_apply(e->run.o->lru_gen, e->why, sizeof(e->why));
	if (ret) {
		if (ret == -EOPNOTSUPP)
			printf("skipped: %s\n", e->why);
		else
			fprintf(stderr, "movestress: %s\n", e->why);
		return ret == -EOPNOTSUPP ? MS_EXIT_SKIP : ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV;
	}
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
	if (!r->workers || !e->verify.tot || !e->verify.htot || !e->verify.ores) {
		fprintf(stderr, "movestress: out of memory\n");
		return MS_EXIT_ENV;
	}

	e->setup.mapped = true;
	ret = layout(r, e->why, sizeof(e->why));
	if (ret) {
		fprintf(stderr, "movestress: %s\n", e->why);
		return ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV;
	}
	if (e->out)
		print_header(r, e->out);

	/* health baseline: taint and a /dev/kmsg marker */
	e->health.taint_err = health_taint_read(&e->health.taint0);
	snprintf(e->health.marker, sizeof(e->health.marker), "run %d.%" PRIx64 " start", getpid(), r->seed);
	klog_mark(e->health.marker);
	e->snap.env = env_collect(&r->uffd_info);
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
		if (ret == -EOPNOTSUPP) {	/* this kernel/host lacks it: a skip */
			printf("skipped: %s\n", e->why);
			return MS_EXIT_SKIP;
		}
		if (ret) {
			fprintf(stderr, "movestress: %s setup: %s\n", side->name, e->why);
			return ret == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_ENV;
		}
	}

	huge0 = anon_huge_kb();
	populate(r);
	if (r->mode->needs_thp) {
		long huge = anon_huge_kb() - huge0;

		json_object_set_new(e->snap.env, "thp_populated_kb", json_integer(huge));
		if (huge <= 0) {
			printf("skipped: mode thp: no transparent huge page could be allocated "
			       "(AnonHugePages did not grow after populating with MADV_HUGEPAGE)\n");
			return MS_EXIT_SKIP;
		}
	}
	r->pfn_checkable = o->pfn_check && r->mode->pfn_check_ok && !strcmp(o->reclaim, "none");
	if (r->pfn_checkable && record_pfns(r))
		r->pfn_checkable = false;
	return 0;
}

/* --inject=KIND:PAGE and --inject=hang:PAGE need a populated page */
static int check_inject_page(struct run *r)
{
	struct opts *o = r->o;

	if (o->inject[0] && strncmp(o->inject, "hang:", 5)) {
		const char *c = strchr(o->inject, ':');
		unsigned long page = c ? strtoul(c + 1, NULL, 10) : ULONG_MAX;

		if (page >= r->npages || r->where[page] == REGION_NONE) {
			fprintf(stderr, "movestress: --inject: page %lu is %s: allowed pages are populated ones below %zu\n",
				page, page >= r->npages ? "out of range" : "a hole", r->npages);
			return MS_EXIT_USAGE;
		}
	}
	if (!strncmp(o->inject, "hang:", 5)) {
		r->hang_page = atol(o->inject + 5);
		if (r->hang_page >= (long)r->npages || r->where[r->hang_page] != REGION_SRC ||
		    r->mode->handler) {
			fprintf(stderr, "movestress: --inject=hang: page must be a populated page (< %zu) and the mode must have no fault handler\n",
				r->npages);
			return MS_EXIT_USAGE;
		}
	}
	return 0;
}

/* both regions registered with userfaultfd, then the mode's own setup */
static int phase_register(struct engine_run *e)
{
	struct run *r = &e->run;
	int ret;

	ret = register_all(r, true, e->why, sizeof(e->why));
	if (ret) {
		printf("skipped: %s\n", e->why);
		return ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV;
	}
	if (r->mode->setup) {
		ret = r->mode->setup(r, e->why, sizeof(e->why));
		if (ret) {
			printf("skipped: mode %s: %s\n", r->o->mode, e->why);
			return ret == -EOPNOTSUPP ? MS_EXIT_SKIP : MS_EXIT_ENV;
		}
	}
	return check_inject_page(r);
}

/* the workers, the watchdog, then the side workloads */
static int phase_start_threads(struct engine_run *e)
{
	struct run *r = &e->run;
	unsigned i;

	assign_slots(r);
	if (r->mode->shared_slots)
		pthread_barrier_init(&r->barrier, NULL, e->threads.nmov);
	r->t0_ns = now_ns();
	r->running = e->threads.nmov;
	threads_assign(r, e->threads.nmov, e->threads.nh, e->threads.nx);
	if (threads_start(r))
		return MS_EXIT_ENV;
	if (!start_thread(&e->threads.wd, watchdog_main, r))
		e->threads.wd_started = true;
	for (i = 0; e->sides[i]; i++)
		e->sides[i]->start(r);
	return 0;
}

/* until --runtime, --ops, every parking worker done, or a signal; checkpoints */
static void phase_monitor(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	uint64_t t_end = r->t0_ns + o->runtime_ns, t;
	uint64_t next_cp = o->checkpoint_ns ? r->t0_ns + o->checkpoint_ns : UINT64_MAX;
	unsigned running;

	for (;;) {
		struct timespec ts = { 0, 20 * 1000000L };
		siginfo_t si;

		if (sigtimedwait(&e->sig.set, &si, &ts) > 0) {
			e->sig.interrupted = true;
			fprintf(stderr, "movestress: %s: stopping, restoring the system and checking\n",
				strsignal(si.si_signo));
			break;
		}
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

/* the oracle; the watchdog leaves; per-thread stats merged into the first verdict */
static void phase_verify(struct engine_run *e)
{
	struct run *r = &e->run;
	const struct thread_stats *tot = e->verify.tot, *htot = e->verify.htot;

	verify_run(e);
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	if (e->threads.wd_started)
		pthread_join(e->threads.wd, NULL);

	stats_merge(e->verify.tot, r->workers, e->threads.nmov);
	stats_merge(e->verify.htot, r->workers + e->threads.nmov, e->threads.nh);
	if (tot->failures || htot->failures || e->verify.ores->violations || e->verify.ores->error[0] ||
	    r->checkpoint_violations || r->side_failures) {
		e->v.name = "failure";
		e->v.code = MS_EXIT_FAILURE;
	}
}

/* summary and result: the engine's, the mode's, each side's; MOVE accounting */
static void phase_report(struct engine_run *e)
{
	struct run *r = &e->run;
	json_t *mode_res;
	unsigned i;

	if (e->out)
		print_summary(e);
	e->result = result_new(e, engine_hooks()->opts_to_json(r->o));
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
		json_object_set_new(e->result, "interrupted", json_true());
	json_object_set_new(e->result, "verdict", json_string(e->v.name));
	json_object_set_new(e->result, "exit_code", json_integer(e->v.code));
	if (result_out) {
		*result_out = e->result;
		e->result = NULL;
	}
	if (e->out)
		fprintf(e->out, "verdict: %s (exit %d)\n", e->v.name, e->v.code);
	return e->v.code;
}

/* undo what the phases did, in reverse, whichever phase stopped the run */
static void engine_cleanup(struct engine_run *e)
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
	if (e->sig.blocked) {
		/* --lru-gen, and whatever a setup that failed half-way left (teardowns did the rest) */
		sysstate_restore_all();
		pthread_sigmask(SIG_SETMASK, &e->sig.old, NULL);
	}
}

int run_main(struct opts *o, json_t **result_out)
{
	struct engine_run *e = calloc(1, sizeof(*e));
	int ret;

	if (!e) {
		fprintf(stderr, "movestress: out of memory\n");
		return MS_EXIT_ENV;
	}
	e->run.o = o;
	e->run.uffd = -1;
	e->out = o->quiet ? NULL : stdout;
	e->v = (struct verdict){ "pass", MS_EXIT_PASS };

	ret = phase_validate(e);
	if (ret)
		goto out;
	if ((ret = phase_open_uffd(e)) || (ret = phase_hold_host(e)) ||
	    (ret = phase_lay_out(e)) || (ret = phase_populate(e)) ||
	    (ret = phase_register(e)) || (ret = phase_start_threads(e)))
		goto out_cleanup;
	phase_monitor(e);
	phase_stop(e);
	phase_verify(e);
	phase_report(e);
	phase_health(e);
	ret = phase_verdict(e, result_out);
out_cleanup:
	engine_cleanup(e);
out:
	free(e);
	return ret;
}
