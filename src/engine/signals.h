/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a run stops early (engine/signals.c), for run and explore alike:
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE are blocked from the start (in every
 * thread started after sigwatch_hold()) and taken by the run's main loop
 * with sigwatch_poll(), which also notices stdout's reader going away
 * (`movestress run | head -1`: a blocked SIGPIPE turns the write into
 * EPIPE).  Either stops the run as if its time were up: the oracle checks
 * what ran, the system is restored, exit 7, and the result says why
 * (interruption_json()).
 */
#ifndef MOVESTRESS_SIGNALS_H
#define MOVESTRESS_SIGNALS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct sigwatch {
	sigset_t set, old;
	bool out_pipe;		/* stdout is a pipe or socket: watched for its reader going away */
	bool interrupted;
	char reason[160];	/* "SIGINT (Interrupt) after 1.234s", "EPIPE: stdout's reader went away ..." */
};

/* the signals a run takes, as a set (what sigwatch_hold() blocks) */
void sigwatch_set(sigset_t *set);
/* block them in this thread (and the threads it starts from now on) */
void sigwatch_hold(struct sigwatch *s);
/* the mask as it was before sigwatch_hold() */
void sigwatch_release(struct sigwatch *s);
/*
 * Take (and drop) what is pending: a signal that came after the last
 * run's main loop found that run complete.  Before the outermost release,
 * so that it does not kill the process on its way out.
 */
void sigwatch_drain(struct sigwatch *s);
/*
 * Wait up to @wait_ns for one of them, or for stdout's reader to go: true
 * once interrupted (s->reason set, the time since @t0_ns in it; one line
 * on stderr, "movestress: @who...").  Stays true after that.
 */
bool sigwatch_poll(struct sigwatch *s, uint64_t wait_ns, uint64_t t0_ns, const char *who);
/* "interrupted": true, "interruption": {"reason": @reason, "what": @what} into @result */
void interruption_json(json_t *result, const char *reason, const char *what);

#endif
