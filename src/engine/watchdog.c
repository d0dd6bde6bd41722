// SPDX-License-Identifier: GPL-2.0-only
/*
 * The watchdog: no worker made progress for --hang-timeout.  Records
 * every worker's stack, wchan and state, stops the run, and when threads
 * stay stuck in the kernel writes the hang result, restores the system
 * and exits with the hang code.
 */
#include "config.h"
#include "engine/engine-int.h"
#include "core/report.h"
#include "kernel/known-bugs.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

void read_task_file(pid_t tid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, file);
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(buf, len, "unavailable: %s", strerror(errno));
		return;
	}
	n = read(fd, buf, len - 1);
	if (n < 0)
		snprintf(buf, len, "unavailable: %s", strerror(errno));
	else
		buf[n] = '\0';
	close(fd);
}

/* One thread as the watchdog saw it: name, tid, state, wchan, kernel stack. */
json_t *task_state_json(const char *name, pid_t tid)
{
	char stack[4096], wchan[128], stat[512], *p, state = '?';

	read_task_file(tid, "stack", stack, sizeof(stack));
	read_task_file(tid, "wchan", wchan, sizeof(wchan));
	read_task_file(tid, "stat", stat, sizeof(stat));
	p = strrchr(stat, ')');
	if (p && p[1] == ' ')
		state = p[2];
	return json_pack("{s:s, s:i, s:s#, s:s, s:s}", "thread", name, "tid", tid, "state", &state,
			 (size_t)1, "wchan", wchan, "stack", stack);
}

/* Stack, wchan and state of every worker: what the watchdog saw. */
static json_t *dump_stacks(struct run *r)
{
	json_t *arr = json_array();
	unsigned i;

	for (i = 0; i < r->nworkers; i++) {
		struct worker *w = &r->workers[i];

		json_array_append_new(arr, task_state_json(w->st.name,
							   __atomic_load_n(&w->st.tid, __ATOMIC_ACQUIRE)));
	}
	return arr;
}

/* stack samples of each stuck thread beyond the first, 50 ms apart */
#define HANG_SAMPLES	20

int hang_verdict(json_t *j, json_t *threads, const struct opts *o)
{
	const struct known_bug *bug;
	struct known_bug_counts kb = { { 0 } };
	struct utsname u;
	char why[300], *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);
	json_t *t;
	int code;

	/* the stacks as vm-init's NAME.stacks has them: a "== " line per task */
	json_array_foreach(threads, i, t)
		if (f)
			fprintf(f, "== %s tid %d state %s wchan %s\n%s\n",
				json_string_value(json_object_get(t, "thread")) ?: "?",
				(int)json_integer_value(json_object_get(t, "tid")),
				json_string_value(json_object_get(t, "state")) ?: "?",
				json_string_value(json_object_get(t, "wchan")) ?: "",
				json_string_value(json_object_get(t, "stack")) ?: "");
	/*
	 * A task spinning in the kernel shows the stack of where it last
	 * scheduled: under voluntary preemption, one of the loop's
	 * rescheduling points (the MOVE loop's cond_resched(), or the split's
	 * down_write()).  More samples, the distinct ones, so that a
	 * signature naming a frame inside the loop is seen.
	 */
	for (int k = 0; f && k < HANG_SAMPLES; k++) {
		struct timespec ts = { 0, 50 * 1000000L };

		nanosleep(&ts, NULL);
		json_array_foreach(threads, i, t) {
			pid_t tid = (pid_t)json_integer_value(json_object_get(t, "tid"));
			char stack[4096];

			if (!tid)
				continue;
			read_task_file(tid, "stack", stack, sizeof(stack));
			if (strcmp(stack, json_string_value(json_object_get(t, "stack")) ?: ""))
				fprintf(f, "== %s tid %d sample %d\n%s\n",
					json_string_value(json_object_get(t, "thread")) ?: "?", tid, k + 1, stack);
		}
	}
	if (f)
		fclose(f);
	if (uname(&u))
		u.release[0] = '\0';
	code = known_bugs_match_hang(text, u.release, &bug, why, sizeof(why));
	free(text);
	json_object_set_new(j, "hang_match", json_string(why));
	fprintf(stderr, "movestress: watchdog: %s\n", why);
	if (code != MS_EXIT_KNOWN_BUG || !strcmp(o->known_bugs, "fail"))
		return exit_code_map(o, MS_EXIT_HANG);
	kb.n[bug - known_bugs] = 1;
	json_object_set_new(j, "known_bugs", known_bugs_to_json(&kb));
	json_object_set_new(j, "verdict", json_string("known-kernel-bug"));
	code = exit_code_map(o, MS_EXIT_KNOWN_BUG);
	json_object_set_new(j, "exit_code", json_integer(MS_EXIT_KNOWN_BUG));
	return code;
}

static uint64_t total_progress(const struct run *r)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < r->nworkers; i++)
		if (r->workers[i].parks || r->workers[i].fn != idle_spinner)
			sum += __atomic_load_n(&r->workers[i].st.progress, __ATOMIC_RELAXED);
	return sum;
}

/*
 * The watchdog's result when threads stay stuck in the kernel: the run
 * cannot finish, so this is written from here, with what the threads had
 * done when they stopped making progress (read like the status line does).
 */
static json_t *hang_result(struct run *r, double stalled_s)
{
	json_t *j = result_head(r->o, r->seed, r->env), *threads = json_array();
	char why[160];
	unsigned i;

	for (i = 0; i < r->nworkers; i++) {
		const struct thread_stats *st = &r->workers[i].st;
		/* the name is written before the tid is published (worker_main) */
		pid_t tid = __atomic_load_n(&st->tid, __ATOMIC_ACQUIRE);

		json_array_append_new(threads, json_pack("{s:s, s:i, s:I, s:I}", "name", tid ? st->name : "",
			"tid", tid, "ops", (json_int_t)__atomic_load_n(&st->ops, __ATOMIC_RELAXED),
			"pages", (json_int_t)__atomic_load_n(&st->pages, __ATOMIC_RELAXED)));
	}
	snprintf(why, sizeof(why), "no thread made progress for %.1fs (--hang-timeout); threads stayed stuck in the kernel",
		 stalled_s);
	json_object_set_new(j, "results", json_pack("[{s:s, s:i, s:I, s:b, s:o}]", "mode", r->o->mode,
			    "movers", r->nmovers, "runtime_ns", (json_int_t)(now_ns() - r->t0_ns),
			    "partial", 1, "threads", threads));
	json_object_set_new(j, "health", json_pack("{s:{s:b, s:O}}", "watchdog", "hang", 1,
						   "threads", r->hang_info));
	json_object_set_new(j, "verdict", json_string("hang"));
	json_object_set_new(j, "exit_code", json_integer(MS_EXIT_HANG));
	json_object_set_new(j, "reason", json_string(why));
	return j;
}

void *watchdog_main(void *arg)
{
	struct run *r = arg;
	uint64_t last = total_progress(r), last_change = now_ns(), cur, t;
	struct timespec tick = { 0, 100 * 1000000L };
	char name[16];

	set_thread_name("watchdog", 0, name);
	while (!__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE)) {
		nanosleep(&tick, NULL);
		cur = total_progress(r);
		t = now_ns();
		if (cur != last || __atomic_load_n(&r->paused, __ATOMIC_RELAXED) ||
		    __atomic_load_n(&r->movers_done, __ATOMIC_RELAXED)) {
			last = cur;
			last_change = t;
			continue;
		}
		if (t - last_change < r->o->hang_timeout_ns)
			continue;
		/* no thread made progress for --hang-timeout: record and stop */
		r->hang_info = dump_stacks(r);
		__atomic_store_n(&r->hung, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->stop_handlers, 1, __ATOMIC_RELEASE);
		fprintf(stderr, "movestress: watchdog: no progress for %.1fs; thread stacks recorded\n",
			(t - last_change) / 1e9);
		/* give the threads time to come back; a thread stuck in the kernel won't */
		for (uint64_t i = 0; i < 100 && i * 100000000ULL < r->o->hang_timeout_ns &&
		     !__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE); i++)
			nanosleep(&tick, NULL);
		if (!__atomic_load_n(&r->joined, __ATOMIC_ACQUIRE)) {
			json_t *j = hang_result(r, (t - last_change) / 1e9);
			int code = hang_verdict(j, r->hang_info, r->o);

			if (r->o->output[0] && write_json_file(r->o->output, j))
				fprintf(stderr, "movestress: --output: cannot write %s\n", r->o->output);
			json_dumpf(r->hang_info, stderr, JSON_INDENT(2));
			fprintf(stderr, "\nmovestress: threads stuck in the kernel; restoring the system, exiting with %s code %d\n",
				code == exit_code_map(r->o, MS_EXIT_HANG) ? "the hang" : "the known kernel bug", code);
			/* swap, cgroups, sysctls: put back even though threads are stuck */
			sysstate_restore_all();
			_exit(code);
		}
		break;
	}
	return NULL;
}
