// SPDX-License-Identifier: GPL-2.0-only
/*
 * Repeated trials.  Each trial is a whole run_main(): fresh regions, fresh
 * threads and (unless --seed is given) a fresh seed, so the spread between
 * trials is what compare uses to tell a difference from noise.
 */
#include "config.h"
#include "report/trials.h"
#include "report/compare.h"
#include "core/report.h"
#include "core/run.h"
#include "engine/engine.h"
#include "engine/status.h"
#include "kernel/known-bugs.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* severity of a verdict: the combined result reports the worst trial */
static int severity(int code)
{
	static const int order[] = { MS_EXIT_PASS, MS_EXIT_SKIP, MS_EXIT_KNOWN_BUG, MS_EXIT_INTERRUPTED,
				     MS_EXIT_USAGE, MS_EXIT_ENV, MS_EXIT_FAILURE, MS_EXIT_HANG,
				     MS_EXIT_KERNEL_REPORT };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == code)
			return (int)i;
	return 0;
}

static void print_summary(FILE *f, json_t *trials)
{
	double s = 0, s2 = 0, p = 0, v;
	size_t i, n = 0;
	json_t *t, *j;

	json_array_foreach(trials, i, t) {
		j = json_path(t, "results/0/move/pages_per_sec");
		if (!json_is_number(j))
			continue;
		v = json_number_value(j);
		s += v;
		s2 += v * v;
		p += json_number_value(json_path(t, "results/0/move/clat_ns/percentile/99.000000"));
		n++;
	}
	if (!n)
		return;
	fprintf(f, "trials: %zu; moves/s (pages) mean %.1f, stddev %.1f; MOVE p99 mean %.0f ns\n", n, s / n,
		n > 1 ? sqrt(fmax(0, (s2 - s * s / n) / (n - 1))) : 0.0, p / n);
}

/* SIGINT/SIGTERM/SIGHUP pending (blocked by cmd_run()): taken, true */
static bool signal_pending_stop(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct timespec zero = { 0, 0 };
	sigset_t pend, one;
	size_t i;

	sigpending(&pend);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (!sigismember(&pend, sigs[i]))
			continue;
		sigemptyset(&one);
		sigaddset(&one, sigs[i]);
		sigtimedwait(&one, NULL, &zero);
		fprintf(stderr, "movestress: %s between trials: no more trials\n", strsignal(sigs[i]));
		return true;
	}
	return false;
}

int run_trials(struct opts *o, json_t **result_out)
{
	bool json_stdout = !o->output[0] &&
			   (opt_list_has(o->output_format, "json") || opts_with_bins(o));
	json_t *result = NULL, *trials, *one;
	struct known_bug_counts kb = { { 0 } };
	int ret = MS_EXIT_PASS, code;
	unsigned i, kb_trials = 0;
	char kbsum[128], note[64];

	if (!opt_list_has(o->output_format, "normal"))
		o->quiet = true;
	trials = json_array();
	for (i = 0; i < o->repeat; i++) {
		one = NULL;
		if (o->repeat > 1 && !o->quiet)
			printf("trial %u/%u\n", i + 1, o->repeat);
		status_set_trial(i + 1, o->repeat);
		if (i && signal_pending_stop()) {
			/* ^C between two trials: the next one does not start */
			ret = severity(MS_EXIT_INTERRUPTED) > severity(ret) ? MS_EXIT_INTERRUPTED : ret;
			if (result) {
				json_object_set_new(result, "interrupted", json_true());
				json_object_set_new(result, "interruption", json_pack("{s:s}", "reason",
						    "a signal between two trials: the remaining trials did not run"));
			}
			break;
		}
		code = run_main(o, &one);
		if (severity(code) > severity(ret) || !i)
			ret = code;
		if (!one)
			break;
		/* a known kernel bug is counted and the trials go on */
		if (json_array_size(json_object_get(one, "known_bugs")))
			kb_trials++;
		known_bugs_from_json(json_object_get(one, "known_bugs"), &kb);
		if (!result)
			result = json_deep_copy(one);
		json_object_del(one, "environment");
		json_object_del(one, "options");
		json_object_set_new(one, "trial", json_integer(i + 1));
		json_array_append_new(trials, one);
		if (json_is_true(json_object_get(one, "interrupted")) || code == MS_EXIT_HANG ||
		    code == MS_EXIT_SKIP || code == MS_EXIT_ENV || code == MS_EXIT_USAGE)
			break;
	}
	if (result && o->repeat > 1) {
		/* a single run keeps the plain result: "results" means the same */
		json_object_set_new(result, "repeat", json_integer(o->repeat));
		json_object_set_new(result, "trials", trials);
		trials = NULL;
		json_object_set_new(result, "exit_code", json_integer(ret));
		json_object_set_new(result, "verdict", json_string(exit_verdict(ret)));
		json_object_del(result, "known_bugs");
		if (known_bugs_total(&kb))
			json_object_set_new(result, "known_bugs", known_bugs_to_json(&kb));
		if (!o->quiet) {
			print_summary(stdout, json_object_get(result, "trials"));
			known_bugs_summary(&kb, kbsum, sizeof(kbsum));
			if (kbsum[0])
				printf("known kernel bug %s in %u of %zu trials (counted; their measurements are kept)\n",
				       kbsum, kb_trials, json_array_size(json_object_get(result, "trials")));
			if (ret == MS_EXIT_KNOWN_BUG)
				printf("verdict: known kernel bug %s (%s)\n", kbsum,
				       exit_code_note(o, ret, note, sizeof(note)));
			else
				printf("verdict: %s (%s)\n", exit_verdict(ret), exit_code_note(o, ret, note, sizeof(note)));
		}
	}
	if (result) {
		if (json_stdout && write_json_file("-", result))
			ret = ret ?: MS_EXIT_ENV;
	}
	json_decref(trials);
	if (result_out)
		*result_out = result;
	else
		json_decref(result);
	return ret;
}
