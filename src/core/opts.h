/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The options of a run as plain data, and the exit codes: what every layer
 * reads.  The option table that fills struct opts from the command line
 * (names, defaults, limits, help) is the cli's (cli/options.h).
 */
#ifndef MOVESTRESS_CORE_OPTS_H
#define MOVESTRESS_CORE_OPTS_H

#include <stdbool.h>
#include <stdint.h>

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
	/* co-workloads (scenarios/cowork.c) */
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
	/* jank scenario (scenarios/jank*.c) */
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
	bool stacks;		/* classify --stacks: FILE holds hung tasks' kernel stacks */
	char release[64];	/* classify --stacks --release: the kernel they come from */
	/* options given on the command line, by opt_table index (opts_given()) */
	unsigned char given[128];
	/* the option list of the command parsed (cli/options.c): which row a shared name means */
	const char *cmd_opts;
	/* explore (explore*.c) */
	char mix[512];		/* explore --ops=NAME:W,...: op weights */
	unsigned verifiers;
	unsigned contend;
	char record[512];
	bool minimize;
	uint64_t minimize_time_ns;
	bool bench_bare;
	char mthp[128];		/* explore: mTHP sizes enabled for the run */
};

/* is @val one of the comma-separated words of @list? */
bool opt_list_has(const char *list, const char *val);
/* --output-format has json+: results carry histogram bins */
bool opts_with_bins(const struct opts *o);

/* the verdict word of an exit code: "pass", "known-kernel-bug", "skip", ... */
const char *exit_verdict(int code);

/* translate a movestress exit code to the --exit-codes convention */
int exit_code_map(const struct opts *o, int code);

/* option values as on the command line: 0 or -EINVAL/-ERANGE */
int parse_size(const char *s, uint64_t *out);	/* bytes, K/M/G/T suffix (1024-based) */
int parse_time_ns(const char *s, uint64_t *out);	/* ns/us/ms/s/m/h suffix, bare = seconds */
int parse_uint(const char *s, uint64_t *out);

/* can --OPT=PATH be written?  0, or MS_EXIT_USAGE/MS_EXIT_ENV with one line printed */
int opts_check_writable(const char *opt, const char *path);

#endif
