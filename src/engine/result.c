// SPDX-License-Identifier: GPL-2.0-only
/*
 * The end of a run: the summary lines and the result JSON (schema in
 * README.md), from the merged per-thread stats and the oracle.
 */
#include "config.h"
#include "engine/engine-int.h"
#include "engine/modes.h"
#include "core/kv.h"
#include "core/report.h"
#include "engine/hooks.h"
#include "kernel/known-bugs.h"
#include "kernel/env.h"
#include "pressure/lru-gen.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

/* the header every result has: who wrote it, with which options, where */
json_t *result_head(const struct opts *o, uint64_t seed, json_t *env)
{
	json_t *j = json_object();

	json_object_set_new(j, "schema_version", json_integer(MS_SCHEMA_VERSION));
	json_object_set_new(j, "tool", json_pack("{s:s, s:s}", "name", PACKAGE_NAME, "version", PACKAGE_VERSION));
	json_object_set_new(j, "timestamp", json_integer((json_int_t)time(NULL)));
	json_object_set_new(j, "label", json_string(o->label[0] ? o->label : o->mode));
	json_object_set_new(j, "seed", json_integer((json_int_t)seed));
	if (env)
		json_object_set(j, "environment", env);
	else
		env_add_kernel_build(j);	/* which kernel ran: in every result */
	json_object_set_new(j, "options", engine_hooks()->opts_to_json(o));
	return j;
}

/* the result of a run that ended before it measured anything */
json_t *early_result(const struct opts *o, uint64_t seed, json_t *env, int code,
			    const char *reason)
{
	json_t *j = result_head(o, seed, env);

	json_object_set_new(j, "verdict", json_string(exit_verdict(code)));
	json_object_set_new(j, "exit_code", json_integer(code));
	json_object_set_new(j, "reason", json_string(reason));
	if (code == MS_EXIT_SKIP)
		json_object_set_new(j, "skipped", json_string(reason));
	return j;
}

void print_header(const struct run *r, FILE *f)
{
	const struct opts *o = r->o;
	char lru_gen[64];
	const char *lru = lru_gen_state(lru_gen, sizeof(lru_gen));

	fprintf(f, "movestress %s: mode=%s movers=%u src_vmas=%u idle_threads=%u size=%zuMiB pages=%zu move_len=%u reclaim=%s lru=%s lru_gen=%s seed=%" PRIu64 "\n",
		PACKAGE_VERSION, o->mode, o->movers, o->src_vmas, o->idle_threads,
		r->npages * MS_PAGE_SIZE >> 20, r->npages, o->move_len, o->reclaim,
		lru, lru_gen, r->seed);
}


/* fio-style lines: move ops and latency, retries, failures, per thread */
void print_summary(struct engine_run *e)
{
	struct run *r = &e->run;
	const struct thread_stats *tot = e->verify.tot, *htot = e->verify.htot;
	FILE *out = e->out;
	unsigned i;

	fprintf(out, "  %s: %llu ops, %llu pages in %.2fs: %.1f pages/s (%.1f ops/s)\n",
		r->mode->handler ? "move (toucher return path)" : "move",
		(unsigned long long)tot->ops, (unsigned long long)tot->pages, r->elapsed_ns / 1e9,
		tot->pages / (r->elapsed_ns / 1e9), tot->ops / (r->elapsed_ns / 1e9));
	print_hist(out, "clat", &tot->move_lat);
	print_retries(out, tot);
	print_failures(out, tot);
	if (e->threads.nh) {
		fprintf(out, "  fault: %llu touches resolved; touch latency:\n", (unsigned long long)tot->aux_ops);
		print_hist(out, "touch", &tot->aux_lat);
		fprintf(out, "  handler moves: %llu ops, %llu pages\n", (unsigned long long)htot->ops,
			(unsigned long long)htot->pages);
		print_hist(out, "clat", &htot->move_lat);
		print_retries(out, htot);
		print_failures(out, htot);
	}
	if (r->mode->needs_thp)
		fprintf(out, "  thp: %llu whole 2MiB block moves, %llu split moves\n",
			(unsigned long long)tot->thp_pmd_ops, (unsigned long long)tot->thp_partial_ops);
	for (i = 0; i < e->threads.nmov; i++)
		fprintf(out, "    %-12s tid=%-7d ops=%-10llu pages/s=%.1f\n", r->workers[i].st.name,
			r->workers[i].st.tid, (unsigned long long)r->workers[i].st.ops,
			r->workers[i].st.pages / (r->elapsed_ns / 1e9));
	if (e->verify.injected[0])
		fprintf(out, "  injected: %s\n", e->verify.injected);
	if (r->checkpoints)
		fprintf(out, "  checkpoints: %u oracle runs, %llu violations\n", r->checkpoints,
			(unsigned long long)r->checkpoint_violations);
	oracle_print(out, e->verify.ores);
}

/*
 * The "kernel" block: the rmap policy, the uffd_move sysfs before and
 * after, the deltas of the uffd_move_ and rmap_ counters and of all of
 * /proc/vmstat (run and explore; scripts/vm-check reads the counters).
 * Takes the references of @sys0 and @sys1 (NULL: null).
 */
json_t *kernel_block(json_t *vm0, json_t *vm1, json_t *sys0, json_t *sys1)
{
	char policy[64];

	env_rmap_policy(policy, sizeof(policy));
	return json_pack("{s:s, s:o, s:o, s:o}", "rmap_policy", policy,
		"uffd_move", json_pack("{s:o, s:o}", "before", sys0 ? sys0 : json_null(),
				       "after", sys1 ? sys1 : json_null()),
		"counters", kv_delta(vm0, vm1, (const char *const[]){ "uffd_move_", "rmap_", NULL }, 1),
		"vmstat", kv_delta(vm0, vm1, NULL, 0));
}

/* the top of the result: tool, seed, environment, options, kernel counters */
json_t *result_new(struct engine_run *e)
{
	struct run *r = &e->run;
	json_t *result = result_head(r->o, r->seed, e->snap.env);

	json_object_set_new(result, "kernel", kernel_block(e->snap.vm0, e->snap.vm1, e->snap.sys0, e->snap.sys1));
	return result;
}

/* results[0]: the movers' stats and latency, the oracle, threads, checkpoints */
json_t *mode_result_new(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	const struct thread_stats *tot = e->verify.tot, *htot = e->verify.htot;
	json_t *mode_res, *threads;
	unsigned i;

	mode_res = json_pack("{s:s, s:i, s:I, s:I, s:o, s:o}", "mode", o->mode, "movers", e->threads.nmov,
			     "runtime_ns", (json_int_t)r->elapsed_ns, "pages", (json_int_t)r->npages,
			     "move", stats_to_json(tot, r->elapsed_ns, opts_with_bins(o)),
			     "oracle", oracle_to_json(e->verify.ores));
	if (e->threads.nh) {
		json_object_set_new(mode_res, "handler", stats_to_json(htot, r->elapsed_ns, opts_with_bins(o)));
		json_object_set_new(mode_res, "touch", json_pack("{s:I, s:o}", "ops", (json_int_t)tot->aux_ops,
			"lat_ns", hist_to_json(&tot->aux_lat, hist_default_pcts, hist_default_npcts, opts_with_bins(o))));
	}
	if (r->mode->needs_thp)
		json_object_set_new(mode_res, "thp", json_pack("{s:I, s:I}", "block_moves", (json_int_t)tot->thp_pmd_ops,
							       "split_moves", (json_int_t)tot->thp_partial_ops));
	threads = json_array();
	for (i = 0; i < r->nworkers; i++)
		json_array_append_new(threads, json_pack("{s:s, s:i, s:I, s:I, s:I}",
			"name", r->workers[i].st.name, "tid", r->workers[i].st.tid,
			"ops", (json_int_t)r->workers[i].st.ops, "pages", (json_int_t)r->workers[i].st.pages,
			"failures", (json_int_t)r->workers[i].st.failures));
	json_object_set_new(mode_res, "threads", threads);
	json_object_set_new(mode_res, "checkpoints", json_incref(r->checkpoint_results));
	if (e->verify.injected[0])
		json_object_set_new(mode_res, "injected", json_string(e->verify.injected));
	return mode_res;
}

/* the known kernel bugs met, then the verdict line */
void print_verdict(struct engine_run *e)
{
	unsigned i;

	for (i = 0; i < KNOWN_BUGS_MAX; i++)
		if (e->verify.kb.n[i])
			fprintf(e->out, "  known kernel bug %s: %s (x%llu; %s)\n", known_bugs[i].id,
				known_bugs[i].title, (unsigned long long)e->verify.kb.n[i], known_bugs[i].doc);
	if (e->v.code == MS_EXIT_KNOWN_BUG)
		fprintf(e->out, "verdict: known kernel bug %s", e->verify.kbsum);
	else if (e->verify.kbsum[0] && !e->verify.genuine && e->v.code == MS_EXIT_FAILURE)
		fprintf(e->out, "verdict: failure: known kernel bug %s (--known-bugs=fail)", e->verify.kbsum);
	else
		fprintf(e->out, "verdict: %s", e->v.name);
	if (e->v.code == MS_EXIT_INTERRUPTED)
		fprintf(e->out, ": %s", e->sig.intr);
	fprintf(e->out, " (exit %d", e->v.code);
	if (e->verify.kbsum[0] &&
	    (e->verify.genuine || (e->v.code != MS_EXIT_KNOWN_BUG && e->v.code != MS_EXIT_FAILURE)))
		fprintf(e->out, "; also known kernel bug %s", e->verify.kbsum);
	fprintf(e->out, ")\n");
}
