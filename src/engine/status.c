// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live progress.  The main loop of run_main() calls status_tick() every
 * 20 ms; every --status-interval (default 1 s) it sums the workers'
 * progress and retry counters (relaxed atomic loads: the hot path stores
 * them with relaxed atomic stores and takes no lock for us), reads the
 * reclaim counters from /proc/vmstat and the taint, and then
 *  - rewrites one line on stderr when stderr is a terminal, or prints a
 *    line per interval when --status-interval was given explicitly;
 *  - appends one JSON object per line to --status-file (JSON Lines, never
 *    concatenated objects: fio's --status-interval caveat).
 */
#include "config.h"
#include "engine/status.h"
#include "kernel/health.h"
#include "core/run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NS_PER_S 1000000000ULL

/* errors the run counts as retries (run_move's allowed errors) */
static const int retry_errnos[] = { EAGAIN, EBUSY, EEXIST, ENOENT };

/* /proc/vmstat counters that say reclaim is working */
static const char *const reclaim_keys[] = { "pgscan", "pgsteal", "pswpout", NULL };

struct status {
	const struct run *run;
	uint64_t t0, next, interval, last_t, last_ops;
	uint64_t vm0[3];
	unsigned long taint0;
	int taint_err;
	unsigned trial, ntrials;
	int line;		/* 0: no line, 1: terminal (\r), 2: a line per interval */
	FILE *file;
	char file_path[512];
	int printed;
};

static struct status st = { .trial = 1, .ntrials = 1 };

void status_set_trial(unsigned trial, unsigned ntrials)
{
	st.trial = trial;
	st.ntrials = ntrials;
}

/* sums of the reclaim_keys prefixes */
static void read_vmstat(uint64_t *out)
{
	char key[64];
	unsigned long long v;
	FILE *f = fopen("/proc/vmstat", "re");
	size_t k;

	memset(out, 0, 3 * sizeof(*out));
	if (!f)
		return;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		for (k = 0; reclaim_keys[k]; k++)
			if (!strncmp(key, reclaim_keys[k], strlen(reclaim_keys[k])))
				out[k] += v;
	fclose(f);
}

static void sum_workers(const struct run *r, uint64_t *ops, uint64_t *retries)
{
	unsigned i, k;

	*ops = *retries = 0;
	for (i = 0; i < r->nworkers; i++) {
		const struct thread_stats *s = &r->workers[i].st;

		if (r->workers[i].kind && !strcmp(r->workers[i].kind, "idle"))
			continue;
		*ops += __atomic_load_n(&s->progress, __ATOMIC_RELAXED);
		for (k = 0; k < sizeof(retry_errnos) / sizeof(retry_errnos[0]); k++)
			*retries += __atomic_load_n(&s->retries[retry_errnos[k]], __ATOMIC_RELAXED);
	}
}

static void start(struct run *r)
{
	const struct opts *o = r->o;

	if (st.file)
		fclose(st.file);
	st = (struct status){ .run = r, .trial = st.trial, .ntrials = st.ntrials };
	st.t0 = r->t0_ns;
	st.interval = o->status_interval_ns ? o->status_interval_ns : NS_PER_S;
	st.next = st.t0 + st.interval;
	st.last_t = st.t0;
	st.line = o->status_interval_ns ? (isatty(STDERR_FILENO) ? 1 : 2) :
		  isatty(STDERR_FILENO) && !o->tap ? 1 : 0;
	st.taint_err = health_taint_read(&st.taint0);
	read_vmstat(st.vm0);
	if (o->status_file[0]) {
		/* one file for all trials: truncate on the first */
		st.file = fopen(o->status_file, st.trial <= 1 ? "we" : "ae");
		if (!st.file)
			fprintf(stderr, "movestress: --status-file: %s: %s\n", o->status_file, strerror(errno));
		else
			setvbuf(st.file, NULL, _IOLBF, 0);
	}
}

static void snapshot(struct run *r, uint64_t now, bool final)
{
	const struct opts *o = r->o;
	uint64_t ops, retries, vm[3], dt = now - st.last_t;
	double el = (now - st.t0) / 1e9, rem, rate;
	unsigned long taint = 0;
	char health[64] = "ok", letters[32];
	bool hung = __atomic_load_n(&r->hung, __ATOMIC_RELAXED);

	sum_workers(r, &ops, &retries);
	read_vmstat(vm);
	rate = dt ? (ops - st.last_ops) / (dt / 1e9) : 0;
	st.last_ops = ops;
	st.last_t = now;
	rem = o->runtime_ns / 1e9 - el;
	if (o->ops && ops)
		rem = el * ((double)o->ops / ops - 1);
	if (rem < 0)
		rem = 0;
	if (!st.taint_err && !health_taint_read(&taint) && taint != st.taint0) {
		health_taint_letters(taint, letters, sizeof(letters));
		snprintf(health, sizeof(health), "taint %s%s", letters,
			 health_taint_is_report(st.taint0, taint) ? " (kernel report)" : "");
	}
	if (hung)
		snprintf(health, sizeof(health), "HANG");
	if (st.line && !final) {
		char trial[32] = "";

		if (st.ntrials > 1)
			snprintf(trial, sizeof(trial), "trial %u/%u ", st.trial, st.ntrials);
		fprintf(stderr, "%s%s%5.1fs elapsed, %5.1fs left: %.0f ops/s, %" PRIu64 " ops, %" PRIu64
			" retries, reclaim scanned %" PRIu64 " stole %" PRIu64 " swapped out %" PRIu64
			", health %s%s",
			st.line == 1 ? "\r" : "", trial, el, rem, rate, ops, retries, vm[0] - st.vm0[0],
			vm[1] - st.vm0[1], vm[2] - st.vm0[2], health, st.line == 1 ? "\033[K" : "\n");
		st.printed = 1;
	}
	if (st.file)
		fprintf(st.file, "{\"trial\": %u, \"elapsed_ns\": %" PRIu64 ", \"remaining_s\": %.3f, "
			"\"ops\": %" PRIu64 ", \"ops_per_sec\": %.1f, \"retries\": %" PRIu64 ", "
			"\"pgscan\": %" PRIu64 ", \"pgsteal\": %" PRIu64 ", \"pswpout\": %" PRIu64 ", "
			"\"taint\": %lu, \"hang\": %s, \"final\": %s}\n",
			st.trial, now - st.t0, rem, ops, rate, retries, vm[0] - st.vm0[0], vm[1] - st.vm0[1],
			vm[2] - st.vm0[2], taint, hung ? "true" : "false", final ? "true" : "false");
}

void status_tick(struct run *r, uint64_t now)
{
	if (st.run != r || st.t0 != r->t0_ns)
		start(r);
	if (!st.line && !st.file)
		return;
	if (now < st.next)
		return;
	st.next += st.interval;
	if (st.next <= now)
		st.next = now + st.interval;
	snapshot(r, now, false);
}

void status_done(struct run *r)
{
	if (st.run != r)
		return;
	if (st.file)
		snapshot(r, now_ns(), true);
	if (st.line == 1 && st.printed)
		fputs("\r\033[K", stderr);
	if (st.file)
		fclose(st.file);
	st.file = NULL;
	st.run = NULL;
}
