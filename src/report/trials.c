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
#include "report/tap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the exit code conventions: { movestress code, kselftest, automake } */
static const struct {
	int code, ksft, am;
} exit_map[] = {
	{ MS_EXIT_PASS, 0, 0 },
	{ MS_EXIT_SKIP, 4, 77 },	/* KSFT_SKIP; automake SKIP */
	{ MS_EXIT_USAGE, 1, 99 },	/* automake: hard error */
	{ MS_EXIT_ENV, 1, 99 },
};

int exit_code_map(const struct opts *o, int code)
{
	bool ksft = !strcmp(o->exit_codes, "kselftest");
	size_t i;

	if (!ksft && strcmp(o->exit_codes, "automake"))
		return code;
	for (i = 0; i < sizeof(exit_map) / sizeof(exit_map[0]); i++)
		if (exit_map[i].code == code)
			return ksft ? exit_map[i].ksft : exit_map[i].am;
	return 1;	/* KSFT_FAIL / automake FAIL */
}

/* severity of a verdict: the combined result reports the worst trial */
static int severity(int code)
{
	static const int order[] = { MS_EXIT_PASS, MS_EXIT_SKIP, MS_EXIT_USAGE, MS_EXIT_ENV,
				     MS_EXIT_FAILURE, MS_EXIT_HANG, MS_EXIT_KERNEL_REPORT };
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

int run_trials(struct opts *o, json_t **result_out)
{
	bool json_stdout = !o->output[0] &&
			   (opt_list_has(o->output_format, "json") || opts_with_bins(o));
	json_t *result = NULL, *trials, *one;
	int ret = MS_EXIT_PASS, code;
	unsigned i;

	if (o->tap)
		return tap_main(o);
	if (!opt_list_has(o->output_format, "normal"))
		o->quiet = true;
	trials = json_array();
	for (i = 0; i < o->repeat; i++) {
		one = NULL;
		if (o->repeat > 1 && !o->quiet)
			printf("trial %u/%u\n", i + 1, o->repeat);
		status_set_trial(i + 1, o->repeat);
		code = run_main(o, &one);
		if (severity(code) > severity(ret) || !i)
			ret = code;
		if (!one)
			break;
		if (!result)
			result = json_deep_copy(one);
		json_object_del(one, "environment");
		json_object_del(one, "options");
		json_object_set_new(one, "trial", json_integer(i + 1));
		json_array_append_new(trials, one);
		if (json_is_true(json_object_get(one, "interrupted")) || code == MS_EXIT_HANG ||
		    code == MS_EXIT_SKIP)
			break;
	}
	if (result && o->repeat > 1) {
		/* a single run keeps the plain result: "results" means the same */
		json_object_set_new(result, "repeat", json_integer(o->repeat));
		json_object_set_new(result, "trials", trials);
		trials = NULL;
		json_object_set_new(result, "exit_code", json_integer(ret));
		json_object_set_new(result, "verdict", json_string(
			ret == MS_EXIT_PASS ? "pass" : ret == MS_EXIT_FAILURE ? "failure" :
			ret == MS_EXIT_KERNEL_REPORT ? "kernel-report" : ret == MS_EXIT_HANG ? "hang" :
			ret == MS_EXIT_SKIP ? "skip" : "error"));
		if (!o->quiet)
			print_summary(stdout, json_object_get(result, "trials"));
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
