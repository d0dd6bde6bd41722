/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the run engine: the state of one run_main() and the phases'
 * functions, one file per concern (layout.c, threads.c, watchdog.c,
 * verify.c, verdict.c, result.c).  engine.c strings the phases together.
 * Not for other layers: they see engine/engine.h.
 */
#ifndef MOVESTRESS_ENGINE_INT_H
#define MOVESTRESS_ENGINE_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "core/oracle.h"
#include "core/run.h"
#include "core/side.h"
#include "kernel/known-bugs.h"

struct verdict {
	const char *name;
	int code;
};

/* One run_main(): the shared run (core/run.h) and what only the engine keeps. */
struct engine_run {
	struct run run;
	const struct side_ops *const *sides;	/* engine_hooks()->sides */
	FILE *out;				/* the summary, NULL with --quiet */
	char why[512];				/* what a helper said went wrong */
	char reason[640];			/* why the run ended early (the result's "reason") */
	bool done;				/* the result is complete: no early_result() */

	/*
	 * signals: SIGINT/SIGTERM/SIGHUP/SIGPIPE blocked from the start until
	 * cleanup, taken by the monitor; a closed stdout pipe stops it too
	 */
	struct {
		sigset_t set, old;
		bool out_pipe;
		bool interrupted;
		char intr[160];		/* what interrupted the run */
	} sig;

	/* lay-out: what cleanup must undo */
	struct {
		bool mapped;		/* layout() ran: unmap the regions */
		int nsides;		/* side workloads set up: torn down in reverse */
	} setup;

	/* health baseline, and the system before and after */
	struct {
		unsigned long taint0;
		int taint_err;
		char marker[64];
	} health;
	struct {
		json_t *env, *vm0, *vm1, *sys0, *sys1;
	} snap;

	/* threads: movers (or touchers), handlers, extra, then idle spinners */
	struct {
		unsigned nmov, nh, nx;
		pthread_t wd;
		bool wd_started;
	} threads;

	/* the end: oracle, merged stats, verdict, result */
	struct {
		struct oracle_result *ores;
		char injected[160];
		struct thread_stats *tot, *htot;
		struct known_bug_counts kb;
		char kbsum[128];	/* "move-eexist x3", or "" */
		bool genuine;		/* findings that are not known kernel bugs */
	} verify;
	struct verdict v;
	json_t *result;
};

/* layout.c: the regions, the ledger, registration, slots */
int layout(struct run *r, char *why, size_t len);
void unmap_region(struct region *rg);
long anon_huge_kb(void);
void populate(struct run *r);
int record_pfns(struct run *r);
int register_all(struct run *r, bool reg, char *why, size_t len);
void assign_slots(struct run *r);

/* threads.c: the workers */
void *idle_spinner(void *arg);
int start_thread(pthread_t *t, void *(*fn)(void *), void *arg);
void threads_assign(struct run *r, unsigned nmov, unsigned nh, unsigned nx);
int threads_start(struct run *r);	/* 0 or -errno (pthread_create) */
void threads_join(struct run *r, unsigned nmov);

/* watchdog.c: no progress for --hang-timeout */
void *watchdog_main(void *arg);
/* /proc/self/task/TID/FILE into @buf ("unavailable: ..." if it cannot be read) */
void read_task_file(pid_t tid, const char *file, char *buf, size_t len);
/* {thread, tid, state, wchan, stack} of one thread, from /proc/self/task/TID */
json_t *task_state_json(const char *name, pid_t tid);
/*
 * A hang result @j whose stuck threads (@threads: task_state_json()s) match
 * a known kernel bug's hang on this kernel (known_bugs_match_hang()) is
 * that known bug: verdict known-kernel-bug, its known_bugs entry, exit 6
 * (4 with --known-bugs=fail).  Otherwise it stays a hang (a match on a
 * fixed kernel is a new finding).  Either way "hang_match" says why.
 * Returns the exit code, mapped (--exit-codes).
 */
int hang_verdict(json_t *j, json_t *threads, const struct opts *o);

/* verify.c: checkpoints, --inject, the final oracle */
void checkpoint(struct run *r);
/* --inject=KIND:PAGE well formed? 0, or -EINVAL with a one-line reason */
int inject_validate(const char *spec, char *err, size_t len);
void verify_run(struct engine_run *e);

/* verdict.c: what turns a pass into a failure or a kernel report */
json_t *health_block(struct run *r, unsigned long taint0, int taint_err,
		     const char *marker, struct verdict *v, FILE *out);
void rmap_race_check(json_t *result, struct verdict *v, FILE *out);
void move_accounting_check(const struct run *r, json_t *result, json_t *mode_res,
			   struct verdict *v, FILE *out);
void move_accounting_pages(uint64_t user, json_t *result, json_t *into, struct verdict *v, FILE *out);

/* result.c: the summary and the result JSON */
json_t *result_head(const struct opts *o, uint64_t seed, json_t *env);
json_t *early_result(const struct opts *o, uint64_t seed, json_t *env, int code, const char *reason);
void print_header(const struct run *r, FILE *f);
void print_verdict(struct engine_run *e);
void print_summary(struct engine_run *e);
json_t *result_new(struct engine_run *e);
json_t *kernel_block(json_t *vm0, json_t *vm1, json_t *sys0, json_t *sys1);
json_t *mode_result_new(struct engine_run *e);

#endif
