// SPDX-License-Identifier: GPL-2.0-only
/* Subcommands: a table of verbs, each a function taking the parsed options. */
#include "config.h"
#include "cli/cli.h"
#include "scenarios/cowork.h"
#include "report/bench.h"
#include "report/compare.h"
#include "report/plot.h"
#include "cli/manpage.h"
#include "report/trials.h"
#include "kernel/env.h"
#include "kernel/klog.h"
#include "kernel/known-bugs.h"
#include "core/kv.h"
#include "engine/engine.h"
#include "engine/modes.h"
#include "scenarios/mode-table.h"
#include "cli/options.h"
#include "pressure/pressure.h"
#include "core/report.h"
#include "core/run.h"
#include "pressure/sysstate.h"
#include "core/uffd.h"
#include "engine/explore.h"
#include "report/vmreport.h"
#include "cli/tap.h"

#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

struct verb {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(struct opts *o, int argc, char **argv, int pos);
	/* the options it takes: names and "@category"s of opt_table */
	const char *opts;
	int min_args, max_args;	/* positional arguments */
};

#define CLI_MAX_ARGS	(CMP_MAX_RUNS + 1)

/* what every command takes */
#define COMMON_OPTS "exit-codes "

static int cmd_run(struct opts *o, int argc, char **argv, int pos)
{
	if (pos < argc) {
		fprintf(stderr, "movestress: run: unexpected argument '%s' (options are --name=value)\n", argv[pos]);
		return MS_EXIT_USAGE;
	}
	json_t *result = NULL;
	sigset_t sigs, old;
	struct timespec zero = { 0, 0 };
	char err[700];
	int ret, werr;

	/* only ever replace a regular file, and know before the run that we can */
	if (o->output[0] && output_check(o->output, err, sizeof(err))) {
		fprintf(stderr, "movestress: %s\n", err);
		return MS_EXIT_USAGE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Signals stay blocked for the whole command, between trials too:
	 * each run takes them in its main loop (or finds them pending there),
	 * so the host is restored and the result written whenever they come.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	ret = o->tap ? tap_main(o) : run_trials(o, &result);
	if (result && o->output[0] && (werr = write_json_file(o->output, result))) {
		fprintf(stderr, "movestress: --output: cannot write %s: %s\n", o->output, strerror(-werr));
		if (ret == MS_EXIT_PASS || ret == MS_EXIT_KNOWN_BUG)
			ret = MS_EXIT_ENV;
	}
	json_decref(result);
	/* a signal that came after the last run's main loop: that run was complete */
	while (sigtimedwait(&sigs, NULL, &zero) > 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
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
	/*
	 * The seed's case: a SCHED_FIFO UI thread whose faults MOVE resolves
	 * and which MOVEs itself, GC movers on the same heap VMA, memcg
	 * reclaim beside them; frame times, the UI's D-state, and the MOVE
	 * anon_vma waits the kernel counts (the reviewer's report).
	 */
	{ "jank-memcg", "--scenario=jank --gc-threads=2 --size=16M --runtime=6s --reclaim=memcg --swap=auto" },
	/*
	 * `movestress explore` (ARGS that start with a command run it instead
	 * of `run`): the seeded random op mix with verifier threads, a minute
	 * per policy, sized for 2 TCG vCPUs under KASAN (a few thousand ops,
	 * migrate among them: the guest has two NUMA nodes).  page_idle walks
	 * the rmap beside the ops; the control failed through it in 7 of 9
	 * runs (rmap_walk_mapping_changed 1 or 2).  The second cell leans
	 * the mix to MOVEs on other threads' chunks (--contend=50), half a
	 * minute: the control failed through it in 3 of 3.  Not DAMON, which races
	 * more: explore --reclaim=damon livelocks the kernel with one seed
	 * (a MOVE retrying a split DAMON's folio reference blocks; README,
	 * "In the VM").
	 */
	{ "explore-page_idle", "explore --reclaim=page_idle --size=4M --movers=2 --verifiers=1 --runtime=60s --mthp=16,64" },
	{ "explore-moves-page_idle", "explore --reclaim=page_idle --size=4M --movers=2 --verifiers=1 --runtime=30s --contend=50 --ops=move:20,move-batch:8,move-split:4,move-holes:4,dontneed:2,refill:4,touch:4" },
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
	/* full: every mode x every pressure backend, then explore beside each */
	for (m = mode_names(); *m; m++)
		for (b = pressure_names(); *b; b++)
			printf("%s-%s\t--mode=%s --reclaim=%s --movers=2 --size=32M --runtime=15s --checkpoint=5s\n",
			       *m, *b, *m, *b);
	/* explore beside every pressure backend: a minute and a seed each */
	for (b = pressure_names(); *b; b++)
		printf("explore-%s\texplore --reclaim=%s --movers=2 --verifiers=1 --size=16M --runtime=60s --mthp=16,64\n",
		       *b, *b);
	/*
	 * The known kernel bug move-split-livelock without DAMON: one op
	 * thread splices a page of a large folio into its pipe and keeps it
	 * there until its next vmsplice, and MOVEs pages of its own folios,
	 * so a MOVE must split a folio it holds a reference on.  Fixed
	 * kernels (6.12.118) say EBUSY; affected ones (6.12.117) spin until
	 * the watchdog names the bug (exit 6).  --hang-timeout under the
	 * cell's: the watchdog, not the guest's kill, ends it.
	 */
	printf("explore-split-pin\texplore --reclaim=none --movers=1 --verifiers=0 --size=2M --runtime=20s "
	       "--mthp=16,64 --ops=vmsplice:1,move:4 --hang-timeout=30s\n");
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

/* classify --stacks FILE: a known kernel bug's hang, by the stuck tasks' stacks */
static int classify_stacks(const char *path, const char *release, bool json)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *text = NULL, why[300];
	const struct known_bug *bug;
	struct utsname u;
	size_t len = 0;
	ssize_t n;
	int code;

	if (!f) {
		fprintf(stderr, "movestress: classify: %s: %s\n", path, strerror(errno));
		return MS_EXIT_USAGE;
	}
	n = getdelim(&text, &len, '\0', f);
	if (f != stdin)
		fclose(f);
	if (n < 0) {
		free(text);
		text = NULL;
	}
	if (!release[0])
		release = uname(&u) ? "" : u.release;
	code = known_bugs_match_hang(text, release, &bug, why, sizeof(why));
	free(text);
	if (json) {
		json_t *j = json_pack("{s:s, s:s?, s:s, s:s, s:i}", "verdict",
				      code == MS_EXIT_KNOWN_BUG ? "known-kernel-bug" : "hang",
				      "id", bug ? bug->id : NULL, "release", release, "why", why, "exit_code", code);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		printf("%s\t%s\t%s\n", code == MS_EXIT_KNOWN_BUG ? "known-bug" : "hang", bug ? bug->id : "-", why);
	}
	return code;
}

static int cmd_classify(struct opts *o, int argc, char **argv, int pos)
{
	if (pos >= argc) {
		fprintf(stderr, "movestress: classify: missing FILE (a console log, or - for stdin)\n");
		return MS_EXIT_USAGE;
	}
	if (o->stacks)
		return classify_stacks(argv[pos], o->release, o->json);
	if (o->release[0]) {
		fprintf(stderr, "movestress: classify: --release needs --stacks\n");
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

/* positional arguments: skip options and the separate values of non-flag options */
static size_t collect_files(int argc, char **argv, int pos, char **files, size_t max)
{
	const struct opt_desc *d;
	size_t n = 0;
	int i;

	for (i = pos; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			continue;
		if (!strncmp(argv[i], "--", 2)) {
			if (strchr(argv[i], '='))
				continue;
			for (d = opt_table; d->name; d++)
				if (!strcmp(argv[i] + 2, d->name) && d->type != OPT_BOOL)
					break;
			if (d->name)
				i++;
			continue;
		}
		if (n < max)
			files[n] = argv[i];
		n++;
	}
	return n;
}

static int cmd_compare(struct opts *o, int argc, char **argv, int pos)
{
	char *files[CMP_MAX_RUNS + 1], err[1024];
	struct cmp *c = calloc(1, sizeof(*c));
	size_t n;
	int ret;

	if (!c)
		return MS_EXIT_ENV;
	n = collect_files(argc, argv, pos, files, CMP_MAX_RUNS + 1);
	if (!n || n > CMP_MAX_RUNS) {
		fprintf(stderr, "movestress: compare: give 1 to %d result files, e.g. "
			"movestress compare A.json B.json [--format=text|markdown|json|csv] [--plot DIR]\n",
			CMP_MAX_RUNS);
		free(c);
		return MS_EXIT_USAGE;
	}
	/* the plot directory before the table: a bad path is a usage error */
	if (o->plot[0] && mkdir(o->plot, 0755) && errno != EEXIST) {
		fprintf(stderr, "movestress: --plot: cannot create directory %s: %s\n", o->plot, strerror(errno));
		free(c);
		return errno == ENOENT || errno == ENOTDIR ? MS_EXIT_USAGE : MS_EXIT_ENV;
	}
	ret = cmp_load(c, files, n, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "movestress: %s\n", err);
		cmp_free(c);
		free(c);
		return MS_EXIT_USAGE;
	}
	cmp_print(c, o->format, stdout);
	ret = MS_EXIT_PASS;
	if (o->plot[0]) {
		int nplots = plot_all(c, o->plot, err, sizeof(err));

		if (nplots < 0) {
			fprintf(stderr, "movestress: compare --plot: %s\n", err);
			ret = MS_EXIT_ENV;
		}
	}
	cmp_free(c);
	free(c);
	return ret;
}

static int cmd_explore(struct opts *o, int argc, char **argv, int pos)
{
	if (pos < argc) {
		fprintf(stderr, "movestress: explore: unexpected argument '%s' (options are --name=value)\n", argv[pos]);
		return MS_EXIT_USAGE;
	}
	return explore_main(o);
}

/* compare FILE...: result files; compare DIR...: a vm-check report */
static int cmd_compare_or_report(struct opts *o, int argc, char **argv, int pos)
{
	int i;

	for (i = pos; i < argc; i++)
		if (strncmp(argv[i], "--", 2))
			return is_dir(argv[i]) ? cmd_report(o, argc, argv, pos) : cmd_compare(o, argc, argv, pos);
	return cmd_compare(o, argc, argv, pos);
}

static const struct verb verbs[] = {
	{ "run", "[OPTIONS]", "run one stress scenario and check it with the oracle", cmd_run,
	  COMMON_OPTS "@workload @health @pressure @cowork @jank @output", 0, 0 },
	/* --ops here is explore's row (NAME:W,...), in run it is workload's (N) */
	{ "explore", "[--ops=NAME:W,...] [--seed=N]", "seeded random concurrent op mix, verified while it runs; --record, --replay, --minimize", cmd_explore,
	  COMMON_OPTS "@explore movers handlers size runtime seed hang-timeout inject replay output known-bugs reclaim swap io", 0, 0 },
	/* bench sets mode, movers, src-vmas and idle-threads itself */
	{ "bench", "[--runtime=T] [--size=S]", "engine overhead vs a bare ioctl loop, and anon_vma scaling (prints figures)", cmd_bench,
	  COMMON_OPTS "runtime size move-len seed hang-timeout pfn-check reclaim swap io lock-stacks lru-gen inject known-bugs", 0, 0 },
	{ "list", "[--json] [--matrix=quick|full]", "modes, reclaim backends and rmap policy, with whether this kernel supports each", cmd_list,
	  COMMON_OPTS "json matrix", 0, 0 },
	{ "cleanup", "[--quiet]", "undo system changes (swap, cgroups, sysctls, DAMON, tracefs) left by killed runs", cmd_cleanup,
	  COMMON_OPTS "quiet", 0, 0 },
	{ "classify", "FILE|- [--json] [--stacks [--release=R]]", "classify kernel reports (KASAN, lockdep, BUG, WARNING, ...) in a console log; --stacks: a hang's stacks against the known kernel bugs", cmd_classify,
	  COMMON_OPTS "json stacks release", 1, 1 },
	{ "compare", "FILE... [--format=F] [--plot=DIR]", "results side by side: value (delta%), trial spread, Welch's t-test (directories: report)", cmd_compare_or_report,
	  COMMON_OPTS "format plot", 1, CMP_MAX_RUNS },
	{ "report", "DIR... [--output=DIR]", "the reviewer's report of vm-check results (report.md, report.json, plots); several DIRs: merge shards", cmd_report,
	  COMMON_OPTS "output", 1, CMP_MAX_RUNS },
	{ "man", "TEMPLATE", "print the man page (options from the option table; make update-man)", cmd_man,
	  COMMON_OPTS, 1, 1 },
	{ NULL },
};

/* every command and option, or (@cmd) one command's own options */
static void usage(FILE *f, const struct verb *cmd)
{
	const struct verb *v;

	if (cmd) {
		fprintf(f, "usage: movestress %s %s\n\n%s\n", cmd->name, cmd->args, cmd->help);
	} else {
		fprintf(f, "usage: movestress COMMAND [OPTIONS]\n\nUFFDIO_MOVE stress tester and rmap lock-contention meter.\n\ncommands:\n");
		for (v = verbs; v->name; v++)
			fprintf(f, "  %-9s %-34s %s\n", v->name, v->args, v->help);
	}
	opts_usage(f, cmd ? cmd->opts : NULL);
	fprintf(f, "\nexit codes:\n"
		"  0  pass\n"
		"  1  failure: oracle violation or unexpected MOVE/pressure error\n"
		"  2  usage error\n"
		"  3  kernel report: KASAN, lockdep, BUG, WARNING, hung task, soft lockup, RCU stall, new taint\n"
		"  4  hang: the watchdog saw no progress for --hang-timeout\n"
		"  5  environment error: setup the run needs failed\n"
		"  6  known kernel bug: the only findings are kernel bugs movestress knows (verdict names them; --known-bugs=fail: 1)\n"
		"  7  interrupted: SIGINT/SIGTERM/SIGHUP, or stdout's reader went away (EPIPE); the system was restored\n"
		"  77 skipped: this kernel or host lacks a feature or permission (reason printed)\n");
}

/* What runs beside the movers; each row is called at the same points. */
static const struct side_ops *const sides[] = {
	&pressure_side,
	&cowork_side,
	NULL,
};

/* what the engine needs from the layers above it */
static const struct engine_hooks hooks = {
	.mode_find = mode_find,
	.sides = sides,
	.opts_to_json = opts_to_json,
	.check_mode = opts_check_mode,
};

int cli_main(int argc, char **argv)
{
	int pos, posv[CLI_MAX_ARGS], npos = 0;
	const struct verb *v;
	struct opts o;

	engine_register(&hooks);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout, NULL);
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
			usage(stdout, v);
			return MS_EXIT_PASS;
		}
	opts_defaults(&o);
	if (opts_parse_cmd(&o, argc - 1, argv + 1, v->name, v->opts, posv, CLI_MAX_ARGS, &npos)) {
		/* the exit-code convention covers a bad option too, wherever it stands */
		for (pos = 2; pos < argc; pos++)
			if (!strncmp(argv[pos], "--exit-codes=", 13))
				snprintf(o.exit_codes, sizeof(o.exit_codes), "%s", argv[pos] + 13);
			else if (!strcmp(argv[pos], "--exit-codes") && pos + 1 < argc)
				snprintf(o.exit_codes, sizeof(o.exit_codes), "%s", argv[pos + 1]);
		return exit_code_map(&o, MS_EXIT_USAGE);
	}
	if (npos < v->min_args || npos > v->max_args) {
		if (npos > v->max_args)
			fprintf(stderr, "movestress: %s: unexpected argument '%s' (%s takes %s)\n", v->name,
				argv[1 + posv[v->max_args]], v->name, v->max_args ? v->args : "no arguments");
		else
			fprintf(stderr, "movestress: %s: missing %.*s (movestress %s %s)\n", v->name,
				(int)strcspn(v->args, " "), v->args, v->name, v->args);
		return exit_code_map(&o, MS_EXIT_USAGE);
	}
	return exit_code_map(&o, v->fn(&o, argc - 1, argv + 1, npos ? posv[0] : argc - 1));
}
