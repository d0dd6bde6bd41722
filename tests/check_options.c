// SPDX-License-Identifier: GPL-2.0-only
/* Option parsing: units, limits, and the one-line errors for bad input. */
#include "config.h"
#include "check_main.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/options.h"

/*
 * Parse a NULL-terminated argument list as command @verb taking @allowed
 * (opts_parse_cmd(); NULL: every option); stderr's first line in @err,
 * the count of positional arguments in *@npos (if not NULL).
 */
static int parse_cmd(struct opts *o, char *err, size_t len, const char *verb, const char *allowed,
		     int *npos, ...)
{
	char *argv[32] = { (char *)verb };
	int argc = 1, posv[4], ret, saved;
	FILE *tmp = tmpfile();
	va_list ap;

	va_start(ap, npos);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	opts_defaults(o);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	ret = opts_parse_cmd(o, argc, argv, verb, allowed, posv, 4, npos);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	err[0] = '\0';
	if (!fgets(err, (int)len, tmp))
		err[0] = '\0';
	fclose(tmp);
	return ret;
}

/* every option of the table, as `run` parsed with opts_parse() */
#define parse(o, err, len, ...) parse_cmd(o, err, len, "run", NULL, NULL, __VA_ARGS__)

START_TEST(test_defaults)
{
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, sizeof(err), NULL), 0);
	ck_assert_str_eq(o.mode, "partitioned");
	ck_assert_uint_eq(o.movers, 2);
	ck_assert_uint_eq(o.size, 64ull << 20);
	ck_assert_uint_eq(o.runtime_ns, 10ull * 1000000000ull);
	ck_assert_str_eq(o.reclaim, "none");
	ck_assert(!o.seed_set);
}
END_TEST

START_TEST(test_units)
{
	uint64_t v;

	ck_assert_int_eq(parse_size("64M", &v), 0);
	ck_assert_uint_eq(v, 64ull << 20);
	ck_assert_int_eq(parse_size("1g", &v), 0);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(parse_time_ns("16.67ms", &v), 0);
	ck_assert_uint_eq(v, 16670000);
	ck_assert_int_eq(parse_time_ns("2m", &v), 0);
	ck_assert_uint_eq(v, 120ull * 1000000000ull);
	ck_assert_int_eq(parse_time_ns("3", &v), 0);
	ck_assert_uint_eq(v, 3000000000ull);
	ck_assert_int_eq(parse_time_ns("250us", &v), 0);
	ck_assert_uint_eq(v, 250000);
	ck_assert_int_ne(parse_time_ns("5 parsecs", &v), 0);
	ck_assert_int_ne(parse_time_ns("-1s", &v), 0);
	ck_assert_int_ne(parse_size("12Q", &v), 0);
	ck_assert_int_ne(parse_size("", &v), 0);
	ck_assert_int_ne(parse_uint("-3", &v), 0);
	ck_assert_int_ne(parse_uint("3x", &v), 0);
}
END_TEST

START_TEST(test_values)
{
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, sizeof(err), "--mode=contended", "--movers", "8",
			       "--runtime=2s", "--seed=42", "--size=16M", NULL), 0);
	ck_assert_str_eq(o.mode, "contended");
	ck_assert_uint_eq(o.movers, 8);
	ck_assert_uint_eq(o.seed, 42);
	ck_assert(o.seed_set);
	ck_assert_int_eq(parse(&o, err, sizeof(err), "--no-pfn-check", "--quiet", NULL), 0);
	ck_assert(!o.pfn_check);
	ck_assert(o.quiet);
}
END_TEST

/* each bad input: one line naming the option and what is allowed */
START_TEST(test_bad_input)
{
	static const struct {
		const char *arg, *expect1, *expect2;
	} bad[] = {
		{ "--mode=sideways", "--mode", "partitioned|contended|pingpong|thp|holes|fault" },
		{ "--movers=0", "--movers", "1..1024" },
		{ "--movers=-2", "--movers", "an integer" },
		{ "--movers=lots", "--movers", "an integer" },
		{ "--runtime=5parsecs", "--runtime", "ns/us/ms/s/m/h" },
		{ "--size=12Q", "--size", "K/M/G" },
		{ "--size=100T", "--size", "" },
		{ "--reclaim=bogus", "--reclaim", "allowed values are" },
		{ "--swap=maybe", "--swap", "auto|zram|file|none" },
		{ "--mvoers=3", "--mvoers", "did you mean --movers" },
		{ "--frobnicate", "--frobnicate", "unknown option" },
		{ "-x", "-x", "unknown option" },
	};
	struct opts o;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(&o, err, sizeof(err), bad[i].arg, NULL) != 0, "%s accepted", bad[i].arg);
		ck_assert_msg(strstr(err, bad[i].expect1) && strstr(err, bad[i].expect2),
			      "%s: message '%s'", bad[i].arg, err);
		ck_assert_msg(!strncmp(err, "movestress: ", 12), "%s: '%s'", bad[i].arg, err);
		/* exactly one line */
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "%s: '%s'", bad[i].arg, err);
	}
}
END_TEST

/* issue 13: values that wrapped or were ignored, one-line errors for each */
START_TEST(test_issue13_validation)
{
	static const struct {
		const char *arg, *expect1, *expect2;
	} bad[] = {
		/* a sign in a number field would wrap to 18446744073709551615 */
		{ "--inject=corrupt:-1", "--inject", "KIND:PAGE" },
		{ "--inject=hang:+3", "--inject", "negative" },
		{ "--gc-bursts=100ms:-1:2", "--gc-bursts", "AT:PAGES:THREADS" },
		{ "--gc-bursts=100ms:8:2,-1s:1:1", "--gc-bursts", "negative" },
		{ "--batch=8,-64", "--batch", "N[,N]" },
		/* an empty file name was ignored */
		{ "--output=", "--output", "empty value: expected FILE" },
		{ "--status-file=", "--status-file", "expected FILE" },
		{ "--trace=", "--trace", "expected FILE" },
	};
	struct opts o;
	char err[512];
	size_t i;
	int n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(&o, err, sizeof(err), bad[i].arg, NULL) != 0, "%s accepted", bad[i].arg);
		ck_assert_msg(strstr(err, bad[i].expect1) && strstr(err, bad[i].expect2),
			      "%s: message '%s'", bad[i].arg, err);
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "%s: '%s'", bad[i].arg, err);
	}
	/* still fine: a name with a dash, an empty burst list, a date-like label */
	ck_assert_int_eq(parse(&o, err, sizeof(err), "--inject=corrupt:3", "--gc-bursts=",
			       "--label=run-1", "--output=a-1.json", NULL), 0);
	ck_assert_str_eq(o.inject, "corrupt:3");

	/* another command's options */
	ck_assert_int_ne(parse_cmd(&o, err, sizeof(err), "run", "exit-codes @workload @output", &n,
				   "--plot=DIR", NULL), 0);
	ck_assert_msg(strstr(err, "--plot: not an option of run") && strstr(err, "compare"), "%s", err);
	ck_assert_int_ne(parse_cmd(&o, err, sizeof(err), "list", "exit-codes json matrix", &n,
				   "--no-quiet", NULL), 0);
	ck_assert_msg(strstr(err, "--quiet: not an option of list") &&
		      strstr(err, "list takes --exit-codes, --matrix, --json"), "%s", err);
	ck_assert_int_eq(parse_cmd(&o, err, sizeof(err), "list", "exit-codes json matrix", &n,
				   "--json", "--exit-codes", "kselftest", NULL), 0);
	ck_assert_int_eq(n, 0);
	/* positional arguments are counted, option values are not */
	ck_assert_int_eq(parse_cmd(&o, err, sizeof(err), "compare", "exit-codes format plot", &n,
				   "a.json", "--format", "csv", "b.json", "--", "--c.json", NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert(opts_given(&o, "format"));
	ck_assert(!opts_given(&o, "plot"));

	/* jank options need the jank mode */
	ck_assert_int_eq(parse(&o, err, sizeof(err), "--gc-batch=32", NULL), 0);
	ck_assert(opts_given(&o, "gc-batch"));
	ck_assert(!opts_given(&o, "mode"));
	ck_assert_int_ne(opts_check_mode(&o), 0);
	ck_assert_int_eq(parse(&o, err, sizeof(err), "--scenario=jank", "--gc-batch=32", NULL), 0);
	ck_assert_int_eq(opts_check_mode(&o), 0);
	ck_assert_int_eq(parse(&o, err, sizeof(err), "--mode=contended", NULL), 0);
	ck_assert_int_eq(opts_check_mode(&o), 0);

	/* output files: a path that cannot exist is a usage error; nothing is left behind */
	ck_assert_int_eq(opts_check_writable("status-file", "/nonexistent/x"), 2);
	ck_assert_int_eq(opts_check_writable("trace", "/"), 2);
	ck_assert_int_eq(opts_check_writable("trace", "/tmp/check_options.writable"), 0);
	ck_assert_int_ne(access("/tmp/check_options.writable", F_OK), 0);
}
END_TEST

/* the option lists of cli.c's verbs, as far as these tests need them */
#define RUN_OPTS	"exit-codes @workload @health @pressure @cowork @jank @output"
#define EXPLORE_OPTS	"exit-codes @explore movers handlers size runtime seed hang-timeout output"

/* --ops: run's op count, explore's op weights; each command's list says which */
START_TEST(test_per_command_names)
{
	static const struct {
		const char *arg, *expect1, *expect2;
	} bad[] = {
		{ "--ops=bogus:1", "--ops: unknown op 'bogus'", "allowed values are move|move-batch|" },
		{ "--ops=move:0", "--ops: invalid weight '0' of op move", "allowed weights are 1..1000000" },
		{ "--ops=move:x", "--ops: invalid weight 'x'", "1..1000000" },
		{ "--ops=move:-1", "--ops", "1..1000000" },
		{ "--ops=move:1,inject:1", "unknown op 'inject'", "allowed values are" },
		{ "--ops=", "--ops", "expected NAME:W,..." },
	};
	struct opts o;
	char err[1024], *help;
	size_t i, len;
	int n, status;
	json_t *j;
	pid_t pid;
	FILE *f;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse_cmd(&o, err, sizeof(err), "explore", EXPLORE_OPTS, &n, bad[i].arg, NULL) != 0,
			      "%s accepted", bad[i].arg);
		ck_assert_msg(strstr(err, bad[i].expect1) && strstr(err, bad[i].expect2),
			      "%s: message '%s'", bad[i].arg, err);
		ck_assert_msg(!strncmp(err, "movestress: --ops: ", 19), "%s: '%s'", bad[i].arg, err);
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "%s: '%s'", bad[i].arg, err);
	}
	ck_assert_int_eq(parse_cmd(&o, err, sizeof(err), "explore", EXPLORE_OPTS, &n, "--ops=move:10,fork",
				   "--seed=3", NULL), 0);
	ck_assert_str_eq(o.mix, "move:10,fork");
	ck_assert_uint_eq(o.ops, 0);
	ck_assert(opts_given(&o, "ops"));
	j = opts_to_json(&o);
	ck_assert_str_eq(json_string_value(json_object_get(j, "ops")), "move:10,fork");
	json_decref(j);
	ck_assert_int_eq(parse_cmd(&o, err, sizeof(err), "run", RUN_OPTS, &n, "--ops", "500", NULL), 0);
	ck_assert_uint_eq(o.ops, 500);
	ck_assert_str_eq(o.mix, "");
	j = opts_to_json(&o);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "ops")), 500);
	json_decref(j);
	ck_assert_int_ne(parse_cmd(&o, err, sizeof(err), "run", RUN_OPTS, &n, "--ops=move:1", NULL), 0);
	ck_assert_msg(strstr(err, "--ops: invalid value 'move:1': expected an integer"), "%s", err);
	ck_assert_int_ne(parse_cmd(&o, err, sizeof(err), "bench", "exit-codes runtime size", &n, "--ops=3", NULL), 0);
	ck_assert_msg(strstr(err, "--ops: not an option of bench") && strstr(err, "workload, explore options"),
		      "%s", err);
	/* a command list taking both rows of --ops is a bug in the tables, caught at once */
	pid = fork();
	if (!pid) {
		freopen("/dev/null", "w", stderr);
		parse_cmd(&o, err, sizeof(err), "both", "@workload @explore", &n, NULL);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	/* each command's help shows its own --ops */
	f = open_memstream(&help, &len);
	opts_usage(f, EXPLORE_OPTS);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(help, "  --ops=NAME:W,...  "));
	ck_assert_ptr_null(strstr(help, "  --ops=N  "));
	/* explore's own --inject and --replay (issue 22: run's offered eexist, which explore refuses) */
	ck_assert_ptr_nonnull(strstr(help, "  --inject=KIND:PAGE"));
	ck_assert_ptr_null(strstr(help, "eexist"));
	ck_assert_ptr_nonnull(strstr(help, "explore: re-execute an op log"));
	free(help);
	/* NAME@CATEGORY takes one row of a shared name: bench's run --inject */
	ck_assert_int_eq(parse_cmd(&o, err, sizeof(err), "bench", "exit-codes inject@health", &n,
				   "--inject=eexist:3", NULL), 0);
	ck_assert_str_eq(o.inject, "eexist:3");
	ck_assert_int_ne(parse_cmd(&o, err, sizeof(err), "bench", "exit-codes inject@health", &n,
				   "--ops=3", NULL), 0);
	f = open_memstream(&help, &len);
	opts_usage(f, RUN_OPTS);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(help, "  --ops=N  "));
	ck_assert_ptr_null(strstr(help, "--ops=NAME"));
	ck_assert_ptr_null(strstr(help, "--verifiers"));
	free(help);
}
END_TEST

START_TEST(test_json_echo)
{
	struct opts o;
	char err[256];
	json_t *j;

	ck_assert_int_eq(parse(&o, err, sizeof(err), "--movers=3", "--mode=holes", NULL), 0);
	j = opts_to_json(&o);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "movers")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(j, "mode")), "holes");
	ck_assert(json_object_get(j, "runtime") != NULL);
	json_decref(j);
}
END_TEST

START_TEST(test_suggest)
{
	ck_assert_str_eq(opts_suggest("movrs"), "movers");
	ck_assert_str_eq(opts_suggest("--runtme"), "runtime");
	ck_assert_ptr_null(opts_suggest("completely-different"));
}
END_TEST

CHECK_MAIN("options", test_defaults, test_units, test_values, test_bad_input, test_issue13_validation,
	   test_per_command_names, test_json_echo, test_suggest)
