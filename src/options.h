/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_OPTIONS_H
#define MOVESTRESS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/* Exit codes: documented in README.md, HACKING.md and --help. */
enum ms_exit {
	MS_EXIT_PASS = 0,
	MS_EXIT_FAILURE = 1,
	MS_EXIT_USAGE = 2,
	MS_EXIT_KERNEL_REPORT = 3,
	MS_EXIT_HANG = 4,
	MS_EXIT_ENV = 5,
	MS_EXIT_KNOWN_BUG = 6,		/* only known kernel bugs found (known-bugs.c) */
	MS_EXIT_INTERRUPTED = 7,	/* SIGINT/SIGTERM/SIGHUP, or stdout's reader went away */
	MS_EXIT_SKIP = 77,
};

enum opt_type {
	OPT_UINT,	/* unsigned integer, min..max */
	OPT_SIZE,	/* bytes with K/M/G suffix (1024-based) */
	OPT_TIME,	/* duration -> ns; ns/us/ms/s/m/h suffix, bare = seconds */
	OPT_STR,	/* free string (file names) */
	OPT_ENUM,	/* one of values() */
	OPT_LIST,	/* comma-separated subset of values() */
	OPT_BOOL,	/* flag; --no-NAME clears */
};

#define MS_MAX_LIST 16

/* Every option the run takes; defaults and limits live in the table. */
struct opts {
	/* workload */
	char mode[32];
	unsigned movers;
	unsigned handlers;
	unsigned src_vmas;
	unsigned idle_threads;
	unsigned move_len;
	unsigned fault_batch;
	unsigned hole_pct;
	uint64_t size;
	uint64_t runtime_ns;
	uint64_t ops;
	uint64_t seed;
	bool seed_set;
	uint64_t hang_timeout_ns;
	uint64_t checkpoint_ns;
	bool pfn_check;
	char inject[64];
	/* pressure (reclaim backends, swap, io) */
	char reclaim[128];
	char swap[16];
	char io[16];
	bool lock_stacks;
	char lru_gen[8];	/* keep|on|off (lru-gen.c) */
	/* co-workloads (cowork.c) */
	char with[128];		/* dontneed,process_madvise,maps,churn */
	char batch[64];		/* process_madvise iovec counts, comma-separated */
	unsigned with_threads;
	uint64_t with_warmup_ns;
	char pmadv_advice[64];	/* process_madvise advice: cold,pageout,dontneed */
	/* output */
	char output[512];
	char label[64];
	bool quiet;
	char output_format[32];	/* normal,json,json+ */
	unsigned repeat;	/* run: trials */
	uint64_t status_interval_ns;
	char status_file[512];
	bool tap;
	char exit_codes[16];	/* movestress|kselftest|automake */
	char known_bugs[8];	/* report|fail: a run with only known kernel bugs */
	char format[16];	/* compare: text|markdown|json|csv */
	char plot[512];		/* compare: SVG directory */
	/* jank scenario (jank.c) */
	char scenario[16];
	char frame_period[24];	/* 60hz|90hz|120hz or a duration */
	uint64_t frame_period_ns;	/* parsed from frame_period */
	char gc_sched[16];
	unsigned gc_batch;
	char gc_bursts[256];
	unsigned ui_touches, ui_moves, ui_pages;
	uint64_t ui_work_ns;
	unsigned baseline_pct;
	unsigned hogs;
	char trace[512];
	bool trace_marker;
	char replay[512];
	char matrix[16];	/* list --matrix */
	bool json;		/* list/classify --json */
	/* options given on the command line, by opt_table index (opts_given()) */
	unsigned char given[128];
	/* explore (explore*.c) */
	char mix[512];		/* --mix (explore --ops=) op weights NAME:W,... */
	unsigned verifiers;
	unsigned contend;
	char record[512];
	bool minimize;
	uint64_t minimize_time_ns;
	bool bench_bare;
	char mthp[128];		/* explore: mTHP sizes enabled for the run */
};

struct opt_desc {
	const char *name;
	enum opt_type type;
	size_t off;		/* offsetof(struct opts, field) */
	size_t size;		/* sizeof the field */
	const char *def;	/* default, parsed like user input; NULL = empty/0 */
	uint64_t min, max;	/* OPT_UINT, OPT_SIZE, OPT_TIME */
	const char *const *(*values)(void);	/* OPT_ENUM, OPT_LIST */
	const char *arg;	/* metavariable for --help */
	const char *help;
	const char *category;
};

extern const struct opt_desc opt_table[];

/* Which subcommand an option belongs to is its category; "run" options. */
void opts_defaults(struct opts *o);

/*
 * Parse argv (argv[0] is the subcommand).  On a bad option prints one line
 * "movestress: --name: ..." to stderr naming the allowed values and returns
 * -EINVAL.  Positional arguments are returned through *first_pos (index).
 */
int opts_parse(struct opts *o, int argc, char **argv, int *first_pos);

/*
 * opts_parse() for a command: options outside @allowed (space-separated
 * option names and "@category"s; NULL = every option) are refused with a
 * one-line error naming @verb, and at most @max_pos positional arguments
 * are stored in pos_out (their argv indices); *npos counts them all.
 */
int opts_parse_cmd(struct opts *o, int argc, char **argv, const char *verb, const char *allowed,
		   int *pos_out, int max_pos, int *npos);

/* was option @name given on the command line? */
bool opts_given(const struct opts *o, const char *name);

/*
 * Options that need a mode: a jank option (category "jank") given on the
 * command line needs --mode=jank.  0, or -EINVAL with the one-line error.
 */
int opts_check_mode(const struct opts *o);

/*
 * An output file option (--trace, --status-file): can FILE be written?
 * Creates nothing that was not there.  0, or the exit code (2 for a path
 * that cannot exist, 5 for a permission or I/O error) with the one-line
 * error naming the option.
 */
int opts_check_writable(const char *opt, const char *path);

/* set option @name from text as on the command line (presets, replay files) */
int opts_set(struct opts *o, const char *name, const char *val);

/* parse helpers, exported for tests */
int parse_size(const char *s, uint64_t *out);
int parse_time_ns(const char *s, uint64_t *out);
int parse_uint(const char *s, uint64_t *out);
const char *opts_suggest(const char *bad);	/* "Did you mean" or NULL */

void opts_usage(FILE *f);
json_t *opts_to_json(const struct opts *o);

#endif
