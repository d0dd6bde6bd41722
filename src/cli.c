// SPDX-License-Identifier: GPL-2.0-only
/* Subcommands: a table of verbs, each a function taking the parsed options. */
#include "config.h"
#include "cli.h"
#include "cowork.h"
#include "bench.h"
#include "compare.h"
#include "manpage.h"
#include "trials.h"
#include "env.h"
#include "explore.h"
#include "klog.h"
#include "kv.h"
#include "modes.h"
#include "options.h"
#include "pressure.h"
#include "report.h"
#include "run.h"
#include "sysstate.h"
#include "uffd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verb {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(struct opts *o, int argc, char **argv, int pos);
};

static int cmd_run(struct opts *o, int argc, char **argv, int pos)
{
	if (pos < argc) {
		fprintf(stderr, "movestress: run: unexpected argument '%s' (options are --name=value)\n", argv[pos]);
		return MS_EXIT_USAGE;
	}
	json_t *result = NULL;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = run_trials(o, &result);
	if (result && o->output[0] && write_json_file(o->output, result)) {
		fprintf(stderr, "movestress: --output: cannot write %s\n", o->output);
		if (ret == MS_EXIT_PASS)
			ret = MS_EXIT_ENV;
	}
	json_decref(result);
	return ret;
}

/*
 * The VM scenario matrix.  scripts/vm-check asks for it with
 * `movestress list --matrix=NAME`, so the scenarios live here only.
 */
struct scenario {
	const char *name;
	const char *args;
};

static const struct scenario quick_matrix[] = {
	{ "partitioned", "--mode=partitioned --movers=2 --size=16M --runtime=4s" },
	{ "contended", "--mode=contended --movers=2 --size=8M --runtime=3s" },
	{ "fault", "--mode=fault --movers=2 --handlers=1 --size=8M --runtime=3s" },
	{ "thp", "--mode=thp --movers=2 --size=16M --runtime=3s" },
	{ "partitioned-memcg", "--mode=partitioned --movers=2 --size=16M --runtime=4s --reclaim=memcg --swap=auto" },
	{ "swapped", "--mode=swapped --movers=2 --size=8M --runtime=3s --swap=auto" },
	/*
	 * The walkers that skip the folio lock for anon folios: with MGLRU
	 * (the guest follows Debian) reclaim locks the folio first, so these
	 * are the cells where the folio-unsafe control must show its race.
	 * The classic LRU's shrink_active_list() is one of them: memcg
	 * reclaim with --lru-gen=off measures folio_referenced()'s side of
	 * the trade (rmap_referenced_trylock_fail, ..._anon_vma_contended).
	 */
	{ "partitioned-memcg-classic", "--mode=partitioned --movers=2 --size=16M --runtime=6s --reclaim=memcg --swap=auto --lru-gen=off" },
	{ "partitioned-damon", "--mode=partitioned --movers=2 --size=16M --runtime=6s --reclaim=damon" },
	{ "partitioned-page_idle", "--mode=partitioned --movers=2 --size=16M --runtime=6s --reclaim=page_idle" },
	{ "contended-damon", "--mode=contended --movers=2 --size=8M --runtime=6s --reclaim=damon" },
	{ "contended-page_idle", "--mode=contended --movers=2 --size=8M --runtime=6s --reclaim=page_idle" },
	{ NULL, NULL },
};

static void print_matrix(const char *name)
{
	const struct scenario *s;
	const char *const *m, *const *b;

	if (!strcmp(name, "quick")) {
		for (s = quick_matrix; s->name; s++)
			printf("%s\t%s\n", s->name, s->args);
		return;
	}
	/* full: every mode x every pressure backend */
	for (m = mode_names(); *m; m++)
		for (b = pressure_names(); *b; b++)
			printf("%s-%s\t--mode=%s --reclaim=%s --movers=2 --size=32M --runtime=15s --checkpoint=5s\n",
			       *m, *b, *m, *b);
}

/* one group of `movestress list`: name, supported, help, and why not */
static void print_entries(const char *title, json_t *arr)
{
	json_t *e;
	size_t i;

	printf("%s:\n", title);
	json_array_foreach(arr, i, e) {
		bool ok = json_is_true(json_object_get(e, "supported"));

		printf("  %-16s %-4s %s\n", json_string_value(json_object_get(e, "name")), ok ? "yes" : "no",
		       json_string_value(json_object_get(e, "help")));
		if (!ok)
			printf("                   skipped: %s\n", json_string_value(json_object_get(e, "reason")));
	}
}

static int cmd_list(struct opts *o, int argc, char **argv, int pos)
{
	const struct mode_desc *m;
	json_t *j, *modes;
	uint64_t features = 0;
	char uwhy[256] = "", why[256], policy[64];
	bool has_move;

	(void)argc;
	(void)argv;
	(void)pos;
	if (o->matrix[0]) {
		print_matrix(o->matrix);
		return MS_EXIT_PASS;
	}
	has_move = !uffd_probe_features(&features, uwhy, sizeof(uwhy));
	if (has_move && !(features & UFFD_FEATURE_MOVE)) {
		has_move = false;
		snprintf(uwhy, sizeof(uwhy), "kernel lacks UFFD_FEATURE_MOVE (needs Linux >= 6.8)");
	}
	modes = json_array();
	for (m = mode_table; m->name; m++) {
		why[0] = '\0';
		if (!has_move)
			snprintf(why, sizeof(why), "%s", uwhy);
		else
			m->supported(why, sizeof(why));
		json_array_append_new(modes, json_pack("{s:s, s:s, s:b, s:s}", "name", m->name,
						       "help", m->help, "supported", !why[0], "reason", why));
	}
	env_rmap_policy(policy, sizeof(policy));
	j = json_pack("{s:o, s:o, s:o, s:o, s:{s:s, s:o}}", "modes", modes, "reclaim", pressure_list(),
		      "with", cowork_list(), "explore_ops", explore_list(), "kernel", "rmap_policy", policy, "uffd_move", dir_read(UFFD_MOVE_SYSFS) ?: json_null());
	if (o->json) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		return MS_EXIT_PASS;
	}
	print_entries("modes", modes);
	print_entries("reclaim backends (--reclaim)", json_object_get(j, "reclaim"));
	print_entries("co-workloads (--with)", json_object_get(j, "with"));
	print_entries("explore ops (explore --ops)", json_object_get(j, "explore_ops"));
	printf("rmap policy in force: %s%s\n", policy,
	       strcmp(policy, "unpatched") ? "" : " (no kernel-patches/6.12 series: today's anon_vma locking)");
	json_decref(j);
	return MS_EXIT_PASS;
}

static int cmd_classify(struct opts *o, int argc, char **argv, int pos)
{
	if (pos >= argc) {
		fprintf(stderr, "movestress: classify: missing FILE (a console log, or - for stdin)\n");
		return MS_EXIT_USAGE;
	}
	return klog_classify_main(argv[pos], o->json);
}

static int cmd_cleanup(struct opts *o, int argc, char **argv, int pos)
{
	if (pos < argc) {
		fprintf(stderr, "movestress: cleanup: unexpected argument '%s'\n", argv[pos]);
		return MS_EXIT_USAGE;
	}
	return sysstate_cleanup_main(o->quiet) ? MS_EXIT_FAILURE : MS_EXIT_PASS;
}

static int cmd_bench(struct opts *o, int argc, char **argv, int pos)
{
	(void)argc;
	(void)argv;
	(void)pos;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return bench_main(o);
}

static int cmd_explore(struct opts *o, int argc, char **argv, int pos)
{
	if (pos < argc) {
		fprintf(stderr, "movestress: explore: unexpected argument '%s' (options are --name=value)\n", argv[pos]);
		return MS_EXIT_USAGE;
	}
	return explore_main(o);
}

static const struct verb verbs[] = {
	{ "run", "[OPTIONS]", "run one stress scenario and check it with the oracle", cmd_run },
	{ "explore", "[--ops=NAME:W,...] [--seed=N]", "seeded random concurrent op mix, verified while it runs; --record, --replay, --minimize", cmd_explore },
	{ "bench", "[--runtime=T] [--size=S]", "engine overhead vs a bare ioctl loop, and anon_vma scaling (prints figures)", cmd_bench },
	{ "list", "[--json] [--matrix=quick|full]", "modes, reclaim backends and rmap policy, with whether this kernel supports each", cmd_list },
	{ "cleanup", "[--quiet]", "undo system changes (swap, cgroups, sysctls, DAMON, tracefs) left by killed runs", cmd_cleanup },
	{ "classify", "FILE|- [--json]", "classify kernel reports (KASAN, lockdep, BUG, WARNING, ...) in a console log", cmd_classify },
	{ "compare", "FILE... [--format=F] [--plot=DIR]", "results side by side: value (delta%), trial spread, Welch's t-test", cmd_compare },
	{ "man", "TEMPLATE", "print the man page (options from the option table; make update-man)", cmd_man },
	{ NULL },
};

static void usage(FILE *f)
{
	const struct verb *v;

	fprintf(f, "usage: movestress COMMAND [OPTIONS]\n\nUFFDIO_MOVE stress tester and rmap lock-contention meter.\n\ncommands:\n");
	for (v = verbs; v->name; v++)
		fprintf(f, "  %-9s %-34s %s\n", v->name, v->args, v->help);
	opts_usage(f);
	fprintf(f, "\nexit codes:\n"
		"  0  pass\n"
		"  1  failure: oracle violation or unexpected MOVE/pressure error\n"
		"  2  usage error\n"
		"  3  kernel report: KASAN, lockdep, BUG, WARNING, hung task, soft lockup, RCU stall, new taint\n"
		"  4  hang: the watchdog saw no progress for --hang-timeout\n"
		"  5  environment error: setup the run needs failed\n"
		"  77 skipped: this kernel or host lacks a feature or permission (reason printed)\n");
}

int cli_main(int argc, char **argv)
{
	const struct verb *v;
	struct opts o;
	int pos;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? MS_EXIT_USAGE : MS_EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("movestress %s\n", PACKAGE_VERSION);
		return MS_EXIT_PASS;
	}
	for (v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[1]))
			break;
	if (!v->name) {
		fprintf(stderr, "movestress: '%s': unknown command: allowed values are ", argv[1]);
		for (v = verbs; v->name; v++)
			fprintf(stderr, "%s%s", v->name, v[1].name ? "|" : "\n");
		return MS_EXIT_USAGE;
	}
	for (pos = 2; pos < argc; pos++)
		if (!strcmp(argv[pos], "--help") || !strcmp(argv[pos], "-h")) {
			usage(stdout);
			return MS_EXIT_PASS;
		}
	opts_defaults(&o);
	if (!strcmp(v->name, "explore"))
		explore_fix_argv(argc, argv);
	if (opts_parse(&o, argc - 1, argv + 1, &pos)) {
		/* the exit-code convention covers a bad option too, wherever it stands */
		for (pos = 2; pos < argc; pos++)
			if (!strncmp(argv[pos], "--exit-codes=", 13))
				snprintf(o.exit_codes, sizeof(o.exit_codes), "%s", argv[pos] + 13);
			else if (!strcmp(argv[pos], "--exit-codes") && pos + 1 < argc)
				snprintf(o.exit_codes, sizeof(o.exit_codes), "%s", argv[pos + 1]);
		return exit_code_map(&o, MS_EXIT_USAGE);
	}
	return exit_code_map(&o, v->fn(&o, argc - 1, argv + 1, pos));
}
