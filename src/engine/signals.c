// SPDX-License-Identifier: GPL-2.0-only
/* How a run stops early: signals and a closed stdout (see signals.h). */
#include "config.h"
#include "engine/signals.h"
#include "core/run.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void sigwatch_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGPIPE);
}

static bool stdout_is_pipe(void)
{
	struct stat st;

	return !fstat(STDOUT_FILENO, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* stdout is a pipe whose reader went away */
static bool stdout_broken(bool is_pipe)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	return is_pipe && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

void sigwatch_hold(struct sigwatch *s)
{
	memset(s, 0, sizeof(*s));
	s->out_pipe = stdout_is_pipe();
	sigwatch_set(&s->set);
	pthread_sigmask(SIG_BLOCK, &s->set, &s->old);
}

void sigwatch_release(struct sigwatch *s)
{
	pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}

void sigwatch_drain(struct sigwatch *s)
{
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(&s->set, NULL, &zero) > 0)
		;
}

bool sigwatch_poll(struct sigwatch *s, uint64_t wait_ns, uint64_t t0_ns, const char *who)
{
	struct timespec ts = { (time_t)(wait_ns / 1000000000ULL), (long)(wait_ns % 1000000000ULL) };
	double t = (now_ns() - t0_ns) / 1e9;
	siginfo_t si;

	if (s->interrupted)
		return true;
	if (sigtimedwait(&s->set, &si, &ts) > 0) {
		snprintf(s->reason, sizeof(s->reason), "SIG%s (%s) after %.3fs",
			 sigabbrev_np(si.si_signo) ?: "?", strsignal(si.si_signo), t);
		fprintf(stderr, "movestress: %s%s: stopping, restoring the system and checking\n", who,
			strsignal(si.si_signo));
		return s->interrupted = true;
	}
	if (stdout_broken(s->out_pipe)) {
		/* `run | head -1`: nobody reads us any more; stop as for SIGINT */
		snprintf(s->reason, sizeof(s->reason), "EPIPE: stdout's reader went away after %.3fs", t);
		fprintf(stderr, "movestress: %sstdout closed (EPIPE): stopping, restoring the system and checking\n",
			who);
		return s->interrupted = true;
	}
	return false;
}

void interruption_json(json_t *result, const char *reason, const char *what)
{
	json_object_set_new(result, "interrupted", json_true());
	json_object_set_new(result, "interruption", json_pack("{s:s, s:s}", "reason", reason, "what", what));
}
