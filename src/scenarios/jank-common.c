// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the jank threads share: sleeping to an absolute time, reading
 * their /proc task files, real-time priority, a thread's start (name and
 * trace buffer), trace_marker begin/end.
 */
#include "config.h"
#include "scenarios/jank-int.h"
#include "engine/modes.h"
#include "pressure/pressure.h"
#include "core/report.h"
#include "core/run.h"
#include "engine/move.h"
#include "core/stamp.h"
#include "core/trace-json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static struct timespec ns_to_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };
}

void sleep_until(uint64_t t)
{
	struct timespec ts = ns_to_ts(t);

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int open_task_file(pid_t tid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

ssize_t pread_str(int fd, char *buf, size_t len)
{
	ssize_t n = fd >= 0 ? pread(fd, buf, len - 1, 0) : -1;

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* schedstat: "run_ns wait_ns timeslices"; the run-queue wait */
/* /proc/.../sched "sum_block_runtime : 123.456789" (ms); 0 if absent */
uint64_t read_block_ns(int fd, bool *found)
{
	char buf[4096], *p;
	unsigned long long ms, frac;

	*found = false;
	if (pread_str(fd, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "sum_block_runtime");
	if (!p || !(p = strchr(p, ':')))
		return 0;
	if (sscanf(p + 1, " %llu.%llu", &ms, &frac) != 2)
		return 0;
	*found = true;
	return ms * 1000000ULL + frac;
}

/* ---- priorities ---- */

void set_rt(pid_t tid, int prio, char *out, size_t len)
{
	struct sched_param sp = { .sched_priority = prio };
	int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

	if (!err) {
		snprintf(out, len, "SCHED_FIFO %d", prio);
		return;
	}
	for (int nice = -20; nice <= 0; nice++)
		if (!setpriority(PRIO_PROCESS, tid, nice)) {
			snprintf(out, len, "nice %d (SCHED_FIFO not permitted: %s)", nice, strerror(err));
			return;
		}
	snprintf(out, len, "nice 0 (SCHED_FIFO not permitted: %s)", strerror(err));
}

/* ---- per-thread start ---- */

struct trace_buf *thread_start(struct worker *w, const char *kind, unsigned idx)
{
	struct run *r = w->run;
	struct jank *j = jank_of(r);
	struct trace_buf *b;

	set_thread_name(kind, idx, w->st.name);
	if (!j->trace)
		return NULL;
	b = &j->trace->bufs[w - r->workers];
	trace_buf_init(b, w->st.name, w->st.tid);
	return b;
}

void mark_b(struct jank *j, const char *name)
{
	trace_marker_begin(j->marker_fd, j->pid, name);
}

void mark_e(struct jank *j)
{
	trace_marker_end(j->marker_fd, j->pid);
}

