// SPDX-License-Identifier: GPL-2.0-only
/*
 * The option table: one row per option.  --help, the parser, the
 * "did you mean", the JSON echo of effective options and the man page
 * check all read this table, so they cannot drift apart.
 */
#include "config.h"
#include "cli/options.h"
#include "scenarios/jank.h"
#include "scenarios/mode-table.h"
#include "pressure/pressure.h"
#include "scenarios/cowork.h"
#include "pressure/lru-gen.h"
#include "engine/explore.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define OFF(f) offsetof(struct opts, f), sizeof(((struct opts *)0)->f)

static const char *const swap_values[] = { "auto", "zram", "file", "none", NULL };
static const char *const io_values[] = { "auto", "uring", "sync", NULL };
static const char *const matrix_values[] = { "quick", "full", NULL };
static const char *const *swap_names(void) { return swap_values; }
static const char *const *io_names(void) { return io_values; }
static const char *const *matrix_names(void) { return matrix_values; }
static const char *const gc_sched_values[] = { "nice", "idle", "normal", NULL };
static const char *const *gc_sched_names(void) { return gc_sched_values; }
static const char *const scenario_values[] = { "jank", NULL };
static const char *const *scenario_names(void) { return scenario_values; }
static const char *const outfmt_values[] = { "normal", "json", "json+", NULL };
static const char *const exitcode_values[] = { "movestress", "kselftest", "automake", NULL };
static const char *const known_bugs_values[] = { "report", "fail", NULL };
static const char *const *known_bugs_names(void) { return known_bugs_values; }
static const char *const format_values[] = { "text", "markdown", "json", "csv", NULL };
static const char *const *outfmt_names(void) { return outfmt_values; }
static const char *const *exitcode_names(void) { return exitcode_values; }
static const char *const *format_names(void) { return format_values; }

#define GIB (1ULL << 30)
#define NS_PER_S 1000000000ULL

const struct opt_desc opt_table[] = {
	{ "mode", OPT_ENUM, OFF(mode), "partitioned", 0, 0, mode_names, "MODE",
	  "mover mode (see `movestress list`)", "workload" },
	{ "movers", OPT_UINT, OFF(movers), "2", 1, 1024, NULL, "N",
	  "mover threads (toucher threads in fault mode), named mover/N", "workload" },
	{ "handlers", OPT_UINT, OFF(handlers), "1", 1, 64, NULL, "N",
	  "fault mode: handler threads that resolve faults with MOVE", "workload" },
	{ "src-vmas", OPT_UINT, OFF(src_vmas), "1", 1, 1024, NULL, "N",
	  "split source (and destination) into N VMAs with their own anon_vmas", "workload" },
	{ "idle-threads", OPT_UINT, OFF(idle_threads), "0", 0, 1024, NULL, "N",
	  "extra threads of this process that only spin (TLB-shootdown IPI cost)", "workload" },
	{ "move-len", OPT_UINT, OFF(move_len), "1", 1, 512, NULL, "PAGES",
	  "pages per UFFDIO_MOVE ioctl", "workload" },
	{ "fault-batch", OPT_UINT, OFF(fault_batch), "1", 1, 64, NULL, "N",
	  "fault mode: resolve up to N faults with DONTWAKE, then one UFFDIO_WAKE", "workload" },
	{ "hole-pct", OPT_UINT, OFF(hole_pct), "50", 1, 99, NULL, "PCT",
	  "holes mode: percent of source pages left unpopulated", "workload" },
	{ "size", OPT_SIZE, OFF(size), "64M", 1ULL << 21, 64 * GIB, NULL, "BYTES",
	  "source memory (K/M/G suffix); rounded to whole VMAs", "workload" },
	{ "runtime", OPT_TIME, OFF(runtime_ns), "10s", 1000000ULL, 7 * 24 * 3600 * NS_PER_S, NULL, "TIME",
	  "run time (ns/us/ms/s/m/h; bare number = seconds); run: 0 with --ops=N", "workload" },
	{ "ops", OPT_UINT, OFF(ops), "0", 0, UINT64_MAX, NULL, "N",
	  "run: stop after N move ops in total (0 = only --runtime)", "workload" },
	{ "seed", OPT_UINT, OFF(seed), NULL, 0, UINT64_MAX, NULL, "N",
	  "seed for every random choice (default: from the clock; always printed)", "workload" },
	{ "hang-timeout", OPT_TIME, OFF(hang_timeout_ns), "60s", NS_PER_S, 3600 * NS_PER_S, NULL, "TIME",
	  "watchdog: no progress for this long ends the run with the hang exit code", "health" },
	{ "checkpoint", OPT_TIME, OFF(checkpoint_ns), "0", 0, 3600 * NS_PER_S, NULL, "TIME",
	  "pause movers and run the oracle every TIME (0 = only at the end)", "health" },
	{ "pfn-check", OPT_BOOL, OFF(pfn_check), "1", 0, 1, NULL, NULL,
	  "oracle checks via /proc/self/pagemap that a moved page kept its frame (root, no reclaim/THP)", "health" },
	{ "inject", OPT_STR, OFF(inject), NULL, 0, 0, NULL, "KIND:PAGE",
	  "negative control: after movers stop, damage a page (corrupt|zero|dup|lose:PAGE), hang:PAGE to block mover/0 in a fault, or eexist:PAGE: the first MOVE that moved PAGE reports EEXIST (the known kernel bug move-eexist, from user space)", "health" },
	{ "reclaim", OPT_LIST, OFF(reclaim), "none", 0, 0, pressure_names, "NAME[,NAME]",
	  "rmap/reclaim pressure backends run beside the movers", "pressure" },
	{ "swap", OPT_ENUM, OFF(swap), "auto", 0, 0, swap_names, "KIND",
	  "temporary swap when none is active (auto|zram|file|none); existing swap is never touched", "pressure" },
	{ "io", OPT_ENUM, OFF(io), "auto", 0, 0, io_names, "KIND",
	  "batch madvise pressure ops through io_uring or plain syscalls", "pressure" },
	{ "lock-stacks", OPT_BOOL, OFF(lock_stacks), "0", 0, 1, NULL, NULL,
	  "attribute lock contention to callers (stack traces)", "pressure" },
	{ "lru-gen", OPT_ENUM, OFF(lru_gen), "keep", 0, 0, lru_gen_names, "STATE",
	  "LRU reclaim uses: off = classic (walks anon rmaps without the folio lock), on = multi-gen, keep = as is (/sys/kernel/mm/lru_gen/enabled, restored after the run)", "pressure" },
	{ "with", OPT_LIST, OFF(with), NULL, 0, 0, cowork_names, "NAME[,NAME]",
	  "co-workloads on the same mm beside the movers, each with its own check (see `movestress list`)", "cowork" },
	{ "batch", OPT_STR, OFF(batch), "8,64", 0, 0, NULL, "N[,N]",
	  "--with=process_madvise: iovecs per call, measured against vlen=1 and madvise() on the same ranges", "cowork" },
	{ "with-threads", OPT_UINT, OFF(with_threads), "1", 1, 16, NULL, "N",
	  "threads per co-workload, named dontneed/N, pmadv/N, maps/N, churn/N", "cowork" },
	{ "with-warmup", OPT_TIME, OFF(with_warmup_ns), "5s", 0, 3600 * NS_PER_S, NULL, "TIME",
	  "movers run alone this long (at most a third of --runtime) before the co-workloads start: MOVE latency without/with", "cowork" },
	{ "pmadv-advice", OPT_LIST, OFF(pmadv_advice), "cold,pageout,dontneed", 0, 0, cowork_pmadv_advice_names, "ADV[,ADV]",
	  "--with=process_madvise: the advice it applies (cold, pageout: region pages; dontneed: its own VMA)", "cowork" },
	{ "scenario", OPT_ENUM, OFF(scenario), NULL, 0, 0, scenario_names, "NAME",
	  "named preset: jank = --mode=jank with its defaults, applied where it appears (later options override it)",
	  "jank" },
	{ "replay", OPT_STR, OFF(replay), NULL, 0, 0, NULL, "FILE",
	  "jank: set the scenario from a replay file (docs/replay.md), applied where it appears; explore: an op log (--record) to re-execute", "jank" },
	{ "frame-period", OPT_STR, OFF(frame_period), "60hz", 0, 0, NULL, "PERIOD",
	  "jank: UI frame period: 60hz|90hz|120hz or a duration such as 16.67ms", "jank" },
	{ "gc-threads", OPT_UINT, OFF(movers), NULL, 1, 1024, NULL, "N",
	  "jank: GC mover threads gc/N (the same as --movers)", "jank" },
	{ "gc-sched", OPT_ENUM, OFF(gc_sched), "nice", 0, 0, gc_sched_names, "POLICY",
	  "jank: GC thread priority: nice (nice 10), idle (SCHED_IDLE) or normal", "jank" },
	{ "gc-batch", OPT_UINT, OFF(gc_batch), "64", 1, 1 << 20, NULL, "PAGES",
	  "jank: pages per GC move batch (one trace slice each)", "jank" },
	{ "gc-bursts", OPT_STR, OFF(gc_bursts), NULL, 0, 0, NULL, "AT:PAGES:THREADS[:EVERY],..",
	  "jank: GC in bursts (times after the baseline, e.g. 500ms:8192:2:1s); empty = continuous compaction",
	  "jank" },
	{ "ui-touches", OPT_UINT, OFF(ui_touches), "16", 0, 4096, NULL, "N",
	  "jank: heap pages the UI thread touches per frame (from-space pages fault; a handler MOVEs them in)", "jank" },
	{ "ui-moves", OPT_UINT, OFF(ui_moves), "4", 0, 4096, NULL, "N",
	  "jank: heap pages the UI thread MOVEs itself per frame", "jank" },
	{ "ui-work", OPT_TIME, OFF(ui_work_ns), "2ms", 0, 10 * NS_PER_S, NULL, "TIME",
	  "jank: CPU work per frame (reading the UI's heap pages)", "jank" },
	{ "ui-pages", OPT_UINT, OFF(ui_pages), "1024", 16, 1 << 24, NULL, "N",
	  "jank: source slots the UI thread owns; the GC threads share the rest of the VMA", "jank" },
	{ "baseline-pct", OPT_UINT, OFF(baseline_pct), "25", 0, 90, NULL, "PCT",
	  "jank: the first PCT% of the run has no GC movers: the baseline for the ratios", "jank" },
	{ "hogs", OPT_UINT, OFF(hogs), "0", 0, 256, NULL, "N",
	  "jank: CPU hog threads hog/N at nice 0", "jank" },
	{ "trace", OPT_STR, OFF(trace), NULL, 0, 0, NULL, "FILE",
	  "jank: write Chrome/Perfetto trace-event JSON: frames, MOVE batches, faults, UI D-state waits", "jank" },
	{ "trace-marker", OPT_BOOL, OFF(trace_marker), "0", 0, 1, NULL, NULL,
	  "jank: atrace B|pid|name, E|pid markers to tracefs trace_marker (mounted for the run if needed)", "jank" },
	{ "output", OPT_STR, OFF(output), NULL, 0, 0, NULL, "FILE",
	  "write the JSON result to FILE (report: the directory for report.md, report.json, plots/)", "output" },
	{ "label", OPT_STR, OFF(label), NULL, 0, 0, NULL, "NAME",
	  "label for this run in compare tables", "output" },
	{ "quiet", OPT_BOOL, OFF(quiet), "0", 0, 1, NULL, NULL,
	  "no human summary on stdout", "output" },
	{ "output-format", OPT_LIST, OFF(output_format), "normal", 0, 0, outfmt_names, "FMT[,FMT]",
	  "normal: human summary; json: the result on stdout (without --output); json+: with histogram bins", "output" },
	{ "repeat", OPT_UINT, OFF(repeat), "1", 1, 1000, NULL, "N",
	  "run the scenario N times (fresh seeds unless --seed); every trial goes into \"trials\"", "output" },
	{ "status-interval", OPT_TIME, OFF(status_interval_ns), "0", 0, 3600 * NS_PER_S, NULL, "TIME",
	  "progress line on stderr every TIME (0: every second, only when stderr is a terminal)", "output" },
	{ "status-file", OPT_STR, OFF(status_file), NULL, 0, 0, NULL, "FILE",
	  "append a JSON Lines progress snapshot to FILE every status interval", "output" },
	{ "tap", OPT_BOOL, OFF(tap), "0", 0, 1, NULL, NULL,
	  "run: TAP output, one test point per mode (and --reclaim backend), each in a child process", "output" },
	{ "exit-codes", OPT_ENUM, OFF(exit_codes), "movestress", 0, 0, exitcode_names, "STYLE",
	  "exit code convention: movestress (table below), kselftest (skip 4, known kernel bug 2 = KSFT_XFAIL, other failures 1) or automake (skip 77, usage/environment/interrupted 99, failures and known kernel bugs 1)", "output" },
	{ "known-bugs", OPT_ENUM, OFF(known_bugs), "report", 0, 0, known_bugs_names, "HOW",
	  "a run whose only findings are known kernel bugs: report (verdict known-kernel-bug, exit 6) or fail (exit 1)", "output" },
	{ "format", OPT_ENUM, OFF(format), "text", 0, 0, format_names, "FMT",
	  "compare: table format", "compare" },
	{ "plot", OPT_STR, OFF(plot), NULL, 0, 0, NULL, "DIR",
	  "compare: write SVG plots (latency CDFs, scaling, frame times) into DIR", "compare" },
	{ "matrix", OPT_ENUM, OFF(matrix), NULL, 0, 0, matrix_names, "NAME",
	  "list: print the VM scenario matrix (quick|full) as NAME<TAB>ARGS lines", "list" },
	{ "json", OPT_BOOL, OFF(json), "0", 0, 1, NULL, NULL,
	  "list/classify: print JSON", "list" },
	{ "stacks", OPT_BOOL, OFF(stacks), "0", 0, 1, NULL, NULL,
	  "classify: FILE holds hung tasks' kernel stacks (vm-check's NAME.stacks, a \"== \" line per task): a known kernel bug's hang on this kernel release (exit 6), or not (exit 4)", "list" },
	{ "release", OPT_STR, OFF(release), NULL, 0, 0, NULL, "RELEASE",
	  "classify --stacks: the kernel release the stacks come from (default: uname -r)", "list" },
	/* the same name as run's --ops: each command's option list says which row it takes */
	{ "ops", OPT_STR, OFF(mix), NULL, 0, 0, NULL, "NAME:W,...",
	  "explore: the ops to run and their weights W (1..1000000; a bare NAME takes the default weight), see `movestress list`", "explore" },
	{ "verifiers", OPT_UINT, OFF(verifiers), "1", 0, 16, NULL, "N",
	  "explore: verifier threads checking pages against the ledger while ops run, named verify/N", "explore" },
	{ "contend", OPT_UINT, OFF(contend), "30", 0, 100, NULL, "PCT",
	  "explore: percent of ops aimed at the PMD chunk another thread works on", "explore" },
	{ "record", OPT_STR, OFF(record), NULL, 0, 0, NULL, "FILE",
	  "explore: write the whole op log to FILE (a failing run always writes at least each thread's tail)", "explore" },
	{ "minimize", OPT_BOOL, OFF(minimize), "0", 0, 1, NULL, NULL,
	  "explore: on failure, delta-debug the op log to a minimal failing one (FILE.min) and write a C reproducer (FILE.repro.c)", "explore" },
	{ "minimize-time", OPT_TIME, OFF(minimize_time_ns), "60s", NS_PER_S, 3600 * NS_PER_S, NULL, "TIME",
	  "explore: time budget of --minimize", "explore" },
	{ "mthp", OPT_STR, OFF(mthp), NULL, 0, 0, NULL, "KB[,KB]",
	  "explore: enable these mTHP sizes (e.g. 16,64) for the run (hugepages-KBkB/enabled = always, restored after); a third of the chunks take them", "explore" },
	{ "bench-bare", OPT_BOOL, OFF(bench_bare), "0", 0, 1, NULL, NULL,
	  "explore: measure MOVE-only explore against a bare UFFDIO_MOVE loop (half the runtime each) and print the ratio", "explore" },
	{ NULL },
};

/* OPT_STR whose numbers (after ':' and ',') are unsigned: "-1" is refused */
#define OPTF_UNSIGNED	(1U << 0)
/* OPT_STR that may be given empty on the command line ("--gc-bursts=") */
#define OPTF_EMPTY_OK	(1U << 1)

/* how free-form string options are checked (OPTF_*) */
static const struct {
	const char *name;
	unsigned flags;
} opt_flags_table[] = {
	{ "inject", OPTF_UNSIGNED },
	{ "batch", OPTF_UNSIGNED },
	{ "gc-bursts", OPTF_UNSIGNED | OPTF_EMPTY_OK },
	{ NULL, 0 },
};

static unsigned opt_flags(const struct opt_desc *d)
{
	unsigned i;

	for (i = 0; opt_flags_table[i].name; i++)
		if (!strcmp(opt_flags_table[i].name, d->name))
			return opt_flags_table[i].flags;
	return 0;
}

static void *field(struct opts *o, const struct opt_desc *d)
{
	return (char *)o + d->off;
}

static void store_uint(void *p, size_t size, uint64_t v)
{
	if (size == sizeof(unsigned))
		*(unsigned *)p = (unsigned)v;
	else
		*(uint64_t *)p = v;
}

static uint64_t load_uint(const void *p, size_t size)
{
	return size == sizeof(unsigned) ? *(const unsigned *)p : *(const uint64_t *)p;
}

static void list_values(const struct opt_desc *d, char *buf, size_t len)
{
	const char *const *v = d->values();
	size_t n = 0;

	buf[0] = '\0';
	for (; *v && n < len; v++)
		n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", *v);
}

static bool in_values(const struct opt_desc *d, const char *s, size_t n)
{
	const char *const *v;

	for (v = d->values(); *v; v++)
		if (strlen(*v) == n && !strncmp(*v, s, n))
			return true;
	return false;
}

static void fmt_limit(const struct opt_desc *d, uint64_t v, char *buf, size_t len)
{
	if (d->type == OPT_SIZE)
		snprintf(buf, len, "%" PRIu64 "%s", v >= (1ULL << 20) ? v >> 20 : v,
			 v >= (1ULL << 20) ? "M" : "");
	else if (d->type == OPT_TIME)
		snprintf(buf, len, "%gs", (double)v / NS_PER_S);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

/* Set one option from text; on error print the one-line message. */
static int set_opt_value(struct opts *o, const struct opt_desc *d, const char *val)
{
	static const char *const what[] = {
		[OPT_UINT] = "an integer",
		[OPT_SIZE] = "a size with optional K/M/G suffix",
		[OPT_TIME] = "a duration with optional ns/us/ms/s/m/h suffix",
	};
	void *p = field(o, d);
	char allowed[512], lo[32], hi[32];
	uint64_t v = 0;
	int ret;

	switch (d->type) {
	case OPT_BOOL:
		*(bool *)p = !val || !strcmp(val, "1") || !strcmp(val, "yes") || !strcmp(val, "true");
		if (val && !*(bool *)p && strcmp(val, "0") && strcmp(val, "no") && strcmp(val, "false")) {
			fprintf(stderr, "movestress: --%s: invalid value '%s': allowed values are 1|0|yes|no|true|false\n",
				d->name, val);
			return -EINVAL;
		}
		return 0;
	case OPT_STR:
		if (opt_flags(d) & OPTF_UNSIGNED) {
			const char *q;

			/* a number's sign would wrap in strtoul/sscanf("%lu") */
			for (q = val; *q; q++)
				if ((*q == '-' || *q == '+') && (q == val || q[-1] == ':' || q[-1] == ',')) {
					fprintf(stderr, "movestress: --%s: invalid value '%s': numbers cannot be negative or signed (expected %s)\n",
						d->name, val, d->arg);
					return -EINVAL;
				}
		}
		if (strlen(val) >= d->size) {
			fprintf(stderr, "movestress: --%s: value too long (at most %zu characters)\n",
				d->name, d->size - 1);
			return -EINVAL;
		}
		snprintf(p, d->size, "%s", val);
		return 0;
	case OPT_ENUM:
		if (!in_values(d, val, strlen(val))) {
			list_values(d, allowed, sizeof(allowed));
			fprintf(stderr, "movestress: --%s: unknown value '%s': allowed values are %s\n",
				d->name, val, allowed);
			return -EINVAL;
		}
		snprintf(p, d->size, "%s", val);
		return 0;
	case OPT_LIST: {
		const char *s = val, *c;

		do {
			c = strchr(s, ',');
			if (!in_values(d, s, c ? (size_t)(c - s) : strlen(s))) {
				list_values(d, allowed, sizeof(allowed));
				fprintf(stderr, "movestress: --%s: unknown value '%.*s': allowed values are %s (comma-separated)\n",
					d->name, (int)(c ? c - s : (long)strlen(s)), s, allowed);
				return -EINVAL;
			}
			s = c + 1;
		} while (c);
		if (strlen(val) >= d->size) {
			fprintf(stderr, "movestress: --%s: list too long\n", d->name);
			return -EINVAL;
		}
		snprintf(p, d->size, "%s", val);
		return 0;
	}
	case OPT_UINT:
		ret = parse_uint(val, &v);
		break;
	case OPT_SIZE:
		ret = parse_size(val, &v);
		break;
	case OPT_TIME:
		ret = parse_time_ns(val, &v);
		break;
	default:
		return -EINVAL;
	}
	fmt_limit(d, d->min, lo, sizeof(lo));
	fmt_limit(d, d->max, hi, sizeof(hi));
	if (ret || v < d->min || v > d->max) {
		/* 0 is allowed for --runtime/--checkpoint/--ops as "off" via min=0 */
		fprintf(stderr, "movestress: --%s: invalid value '%s': expected %s in %s..%s\n",
			d->name, val, what[d->type], lo, hi);
		return -EINVAL;
	}
	store_uint(p, d->size, v);
	return 0;
}

/* options with work to do once their value is stored (presets, derived fields, checks) */
static const struct {
	const char *name;
	const char *category;	/* the row of that name in this category; NULL: any */
	int (*apply)(struct opts *o, const struct opt_desc *d);	/* 0 or -EINVAL, message printed */
} opt_hooks[] = {
	{ "scenario", NULL, jank_scenario_apply },
	{ "replay", NULL, explore_replay_apply },
	{ "frame-period", NULL, jank_frame_period_apply },
	{ "gc-bursts", NULL, jank_bursts_apply },
	{ "ops", "explore", explore_ops_apply },
	{ NULL, NULL, NULL },
};

static int set_opt(struct opts *o, const struct opt_desc *d, const char *val)
{
	int ret = set_opt_value(o, d, val);
	unsigned i;

	for (i = 0; !ret && opt_hooks[i].name; i++)
		if (!strcmp(opt_hooks[i].name, d->name) &&
		    (!opt_hooks[i].category || !strcmp(opt_hooks[i].category, d->category)))
			ret = opt_hooks[i].apply(o, d);
	return ret;
}

void opts_defaults(struct opts *o)
{
	const struct opt_desc *d;

	memset(o, 0, sizeof(*o));
	for (d = opt_table; d->name; d++)
		if ((size_t)(d - opt_table) >= sizeof(o->given))
			abort();	/* struct opts' given[] is too small for the table */
	for (d = opt_table; d->name; d++)
		if (d->def && set_opt(o, d, d->def))
			abort();	/* a bad default is a bug in the table */
}

static unsigned edit_distance(const char *a, const char *b)
{
	unsigned la = strlen(a), lb = strlen(b), i, j;
	unsigned row[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j] > row[j - 1] + 1)
				row[j] = row[j - 1] + 1;
			if (row[j] > tmp + 1)
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *opts_suggest(const char *bad)
{
	const struct opt_desc *d, *best = NULL;
	unsigned dist, best_dist = 3;

	while (*bad == '-')
		bad++;
	for (d = opt_table; d->name; d++) {
		dist = edit_distance(bad, d->name);
		if (dist < best_dist) {
			best_dist = dist;
			best = d;
		}
	}
	return best ? best->name : NULL;
}

static bool opt_allowed(const struct opt_desc *d, const char *allowed);

/*
 * The row of option @name for a command taking @allowed: a name may mean
 * different things for different commands (run's --ops=N, explore's
 * --ops=NAME:W), and the command's list says which row is its.  A name no
 * row of the command has: its first row (the caller refuses it); NULL:
 * no such option.
 */
static const struct opt_desc *find_opt(const char *name, size_t n, const char *allowed)
{
	const struct opt_desc *d, *first = NULL;

	for (d = opt_table; d->name; d++)
		if (strlen(d->name) == n && !strncmp(d->name, name, n)) {
			if (opt_allowed(d, allowed))
				return d;
			if (!first)
				first = d;
		}
	return first;
}

/* a command whose list takes two rows of one name is a bug in the tables */
static void check_unambiguous(const char *verb, const char *allowed)
{
	const struct opt_desc *d, *e;

	for (d = opt_table; allowed && d->name; d++)
		for (e = d + 1; e->name; e++)
			if (!strcmp(d->name, e->name) && opt_allowed(d, allowed) && opt_allowed(e, allowed)) {
				fprintf(stderr, "movestress: %s takes two options --%s (%s and %s): fix its option list\n",
					verb, d->name, d->category, e->category);
				abort();
			}
}

static int check_memory(const struct opts *o)
{
	struct sysinfo si;
	uint64_t total;

	if (sysinfo(&si))
		return 0;
	total = (uint64_t)si.totalram * si.mem_unit;
	/* source pages are populated once; allow at most half of RAM */
	if (o->size > total / 2) {
		fprintf(stderr, "movestress: --size: %" PRIu64 "M is more than this machine can hold "
			"(at most half of RAM: %" PRIu64 "M)\n", o->size >> 20, (total / 2) >> 20);
		return -EINVAL;
	}
	return 0;
}

int opts_set(struct opts *o, const char *name, const char *val)
{
	const struct opt_desc *d = find_opt(name, strlen(name), o->cmd_opts);

	if (!d) {
		fprintf(stderr, "movestress: --%s: unknown option\n", name);
		return -EINVAL;
	}
	return set_opt(o, d, val);
}

/* is option @d in the space-separated @allowed ("name" or "@category")? */
static bool opt_allowed(const struct opt_desc *d, const char *allowed)
{
	const char *p = allowed, *e;
	size_t n;

	if (!allowed)
		return true;
	while (*p) {
		while (*p == ' ')
			p++;
		for (e = p; *e && *e != ' '; e++)
			;
		n = e - p;
		if (n && *p == '@' && strlen(d->category) == n - 1 && !strncmp(p + 1, d->category, n - 1))
			return true;
		if (n && strlen(d->name) == n && !strncmp(p, d->name, n))
			return true;
		p = e;
	}
	return false;
}

static void not_for_verb(const struct opt_desc *d, const char *verb, const char *allowed)
{
	const struct opt_desc *x;
	bool first = true;

	fprintf(stderr, "movestress: --%s: not an option of %s (it is one of the %s", d->name, verb, d->category);
	for (x = d + 1; x->name; x++)
		if (!strcmp(x->name, d->name))
			fprintf(stderr, ", %s", x->category);
	fprintf(stderr, " options)");
	if (!strchr(allowed, '@')) {
		fprintf(stderr, "; %s takes", verb);
		for (x = opt_table; x->name; x++)
			if (opt_allowed(x, allowed)) {
				fprintf(stderr, "%s --%s", first ? "" : ",", x->name);
				first = false;
			}
		if (first)
			fprintf(stderr, " no options");
	}
	fputc('\n', stderr);
}

bool opts_given(const struct opts *o, const char *name)
{
	const struct opt_desc *d;

	for (d = opt_table; d->name; d++)
		if (!strcmp(d->name, name) && o->given[d - opt_table])
			return true;
	return false;
}

int opts_parse_cmd(struct opts *o, int argc, char **argv, const char *verb, const char *allowed,
		   int *pos_out, int max_pos, int *npos)
{
	const struct opt_desc *d;
	const char *arg, *eq, *val;
	int i, ret, n = 0;

	check_unambiguous(verb, allowed);
	o->cmd_opts = allowed;
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strncmp(arg, "--", 2) || !arg[2]) {
			if (!strcmp(arg, "--")) {
				/* the rest are arguments */
				for (i++; i < argc; i++, n++)
					if (n < max_pos)
						pos_out[n] = i;
				break;
			}
			if (arg[0] == '-' && arg[1]) {
				fprintf(stderr, "movestress: %s: unknown option (options are long: --name=value; see --help)\n", arg);
				return -EINVAL;
			}
			if (n < max_pos)
				pos_out[n] = i;
			n++;
			continue;
		}
		arg += 2;
		eq = strchr(arg, '=');
		d = find_opt(arg, eq ? (size_t)(eq - arg) : strlen(arg), allowed);
		if (!d && !strncmp(arg, "no-", 3)) {
			d = find_opt(arg + 3, strlen(arg + 3), allowed);
			if (d && d->type == OPT_BOOL && !eq) {
				if (!opt_allowed(d, allowed)) {
					not_for_verb(d, verb, allowed);
					return -EINVAL;
				}
				*(bool *)field(o, d) = false;
				o->given[d - opt_table] = 1;
				continue;
			}
			d = NULL;
		}
		if (!d) {
			char name[64];
			const char *s;

			snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - arg : (long)strlen(arg)), arg);
			s = opts_suggest(name);

			fprintf(stderr, "movestress: --%.*s: unknown option%s%s%s\n",
				(int)(eq ? eq - arg : (long)strlen(arg)), arg,
				s ? " (did you mean --" : "", s ? s : "", s ? "?)" : " (see movestress --help)");
			return -EINVAL;
		}
		if (!opt_allowed(d, allowed)) {
			not_for_verb(d, verb, allowed);
			return -EINVAL;
		}
		if (eq) {
			val = eq + 1;
		} else if (d->type == OPT_BOOL) {
			val = NULL;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "movestress: --%s: missing value (%s)\n", d->name, d->arg);
			return -EINVAL;
		}
		if (val && !*val && d->type == OPT_STR && !(opt_flags(d) & OPTF_EMPTY_OK)) {
			fprintf(stderr, "movestress: --%s: empty value: expected %s\n", d->name, d->arg);
			return -EINVAL;
		}
		ret = set_opt(o, d, val);
		if (ret)
			return ret;
		o->given[d - opt_table] = 1;
		if (!strcmp(d->name, "seed"))
			o->seed_set = true;
	}
	if (npos)
		*npos = n;
	if (check_memory(o))
		return -EINVAL;
	return 0;
}

int opts_parse(struct opts *o, int argc, char **argv, int *first_pos)
{
	int pos = argc, n, ret;

	ret = opts_parse_cmd(o, argc, argv, argv[0], NULL, &pos, 1, &n);
	*first_pos = n ? pos : argc;
	return ret;
}

int opts_check_mode(const struct opts *o)
{
	const struct opt_desc *d;

	if (!strcmp(o->mode, "jank"))
		return 0;
	for (d = opt_table; d->name; d++)
		if (!strcmp(d->category, "jank") && o->given[d - opt_table] &&
		    strcmp(d->name, "scenario")) {
			fprintf(stderr, "movestress: --%s: a jank option: only with --mode=jank or --scenario=jank (mode is %s)\n",
				d->name, o->mode);
			return -EINVAL;
		}
	return 0;
}

void opts_usage(FILE *f, const char *allowed)
{
	const struct opt_desc *d;
	const char *cat = "";
	char buf[300];

	for (d = opt_table; d->name; d++) {
		if (!opt_allowed(d, allowed))
			continue;
		if (strcmp(cat, d->category)) {
			cat = d->category;
			fprintf(f, "\n%s options:\n", cat);
		}
		snprintf(buf, sizeof(buf), "--%s%s%s", d->name, d->arg ? "=" : "", d->arg ? d->arg : "");
		fprintf(f, "  %-26s %s", buf, d->help);
		if (d->def && d->type != OPT_BOOL)
			fprintf(f, " [%s]", d->def);
		if (d->type == OPT_ENUM || d->type == OPT_LIST) {
			list_values(d, buf, sizeof(buf));
			fprintf(f, " {%s}", buf);
		}
		fputc('\n', f);
	}
}

json_t *opts_to_json(const struct opts *o)
{
	const struct opt_desc *d;
	json_t *j = json_object();
	const void *p;

	for (d = opt_table; d->name; d++) {
		/* a name of several rows: the one of the command the options are for */
		if (find_opt(d->name, strlen(d->name), o->cmd_opts) != d)
			continue;
		p = (const char *)o + d->off;
		switch (d->type) {
		case OPT_BOOL:
			json_object_set_new(j, d->name, json_boolean(*(const bool *)p));
			break;
		case OPT_UINT:
		case OPT_SIZE:
		case OPT_TIME:
			json_object_set_new(j, d->name, json_integer((json_int_t)load_uint(p, d->size)));
			break;
		default:
			json_object_set_new(j, d->name, json_string(p));
			break;
		}
	}
	return j;
}

/* ---- the jank scenario's option hooks: presets, frame period, bursts, replay ---- */

static const char *const jank_preset[][2] = {
	{ "mode", "jank" },
	{ "gc-threads", "2" },
	{ "size", "64M" },
	{ "frame-period", "60hz" },
	{ "baseline-pct", "25" },
	{ "ui-touches", "16" },
	{ "ui-moves", "4" },
	{ "ui-work", "2ms" },
	{ "ui-pages", "1024" },
	{ "gc-sched", "nice" },
	{ "gc-batch", "64" },
	{ "gc-bursts", "" },
	{ NULL, NULL },
};

int jank_scenario_apply(struct opts *o, const struct opt_desc *d)
{
	unsigned i;

	(void)d;
	if (strcmp(o->scenario, "jank"))
		return 0;
	for (i = 0; jank_preset[i][0]; i++)
		if (opts_set(o, jank_preset[i][0], jank_preset[i][1]))
			return -EINVAL;
	return 0;
}

int jank_frame_period_apply(struct opts *o, const struct opt_desc *d)
{
	if (jank_parse_period(o->frame_period, &o->frame_period_ns)) {
		fprintf(stderr, "movestress: --%s: invalid value '%s': expected 60hz|90hz|120hz or a duration in 1ms..1s\n",
			d->name, o->frame_period);
		return -EINVAL;
	}
	return 0;
}

int jank_bursts_apply(struct opts *o, const struct opt_desc *d)
{
	struct jank_burst b[JANK_MAX_BURSTS];
	char err[200];

	(void)d;
	if (jank_parse_bursts(o->gc_bursts, b, JANK_MAX_BURSTS, err, sizeof(err)) < 0) {
		fprintf(stderr, "movestress: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

int jank_replay_apply(struct opts *o, const struct opt_desc *d)
{
	char err[400];

	(void)d;
	if (!o->replay[0])
		return 0;
	if (jank_replay_load(o, o->replay, err, sizeof(err))) {
		fprintf(stderr, "movestress: --replay: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

int jank_replay_load(struct opts *o, const char *path, char *err, size_t len)
{
	return jank_replay_read(o, path, opts_set, err, len);
}

/* --replay: an explore op log is explore's, anything else jank's replay file */
int explore_replay_apply(struct opts *o, const struct opt_desc *d)
{
	if (o->replay[0] && xlog_is_log(o->replay))
		return 0;
	return jank_replay_apply(o, d);
}

/* explore --ops=NAME:W,...: every name an op of the table, every weight 1..1000000 */
int explore_ops_apply(struct opts *o, const struct opt_desc *d)
{
	struct xweights w;
	char err[600];

	(void)d;
	if (xweights_parse(o->mix, &w, err, sizeof(err))) {
		fprintf(stderr, "movestress: %s\n", err);
		return -EINVAL;
	}
	return 0;
}
