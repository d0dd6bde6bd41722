// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP mode, as tools/testing/selftests/kselftest.h prints it:
 *
 *	TAP version 13
 *	1..N
 *	# <diagnostics>
 *	ok 1 mode=partitioned reclaim=none
 *	ok 2 mode=thp reclaim=none # SKIP no transparent huge pages
 *	# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0
 *
 * --mode=MODE keeps that mode's points only.  The points' options are
 * checked before the plan is printed: a usage error is one error.
 *
 * Each point runs in a forked child (one bad point cannot take the rest
 * down, and its stdout/stderr are captured and turned into diagnostics);
 * a child's exit code 77 with its "skipped: REASON" line becomes the SKIP.
 */
#include "config.h"
#include "cli/tap.h"
#include "scenarios/mode-table.h"
#include "engine/engine.h"
#include "cli/options.h"
#include "core/run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	int code;
	const char *what;
} verdicts[] = {
	{ MS_EXIT_FAILURE, "failure: oracle violation or unexpected error" },
	{ MS_EXIT_USAGE, "usage error" },
	{ MS_EXIT_KERNEL_REPORT, "kernel report (KASAN, lockdep, BUG, WARNING, taint)" },
	{ MS_EXIT_HANG, "hang: the watchdog saw no progress" },
	{ MS_EXIT_ENV, "environment error" },
	{ MS_EXIT_INTERRUPTED, "interrupted" },
};

static const char *verdict_what(int code)
{
	size_t i;

	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (verdicts[i].code == code)
			return verdicts[i].what;
	return "unexpected exit";
}

struct point {
	char mode[sizeof(((struct opts *)0)->mode)];
	char reclaim[sizeof(((struct opts *)0)->reclaim)];
};

/*
 * run one point in a child; @reason gets the child's "skipped: ..." line,
 * or what its "verdict: known kernel bug ..." line names
 */
static int run_point(const struct opts *base, const struct point *p, char *reason, size_t len)
{
	char line[1024];
	int pfd[2], status;
	pid_t pid;
	FILE *in;

	reason[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		struct opts o = *base;
		int ret;

		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		memcpy(o.mode, p->mode, sizeof(o.mode));
		memcpy(o.reclaim, p->reclaim, sizeof(o.reclaim));
		o.tap = false;
		o.output[0] = '\0';
		setvbuf(stdout, NULL, _IOLBF, 0);
		ret = run_main(&o, NULL);
		fflush(stdout);
		fflush(stderr);
		_exit(ret);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		char *s = strstr(line, "skipped: "), *k = strstr(line, "verdict: known kernel bug ");

		line[strcspn(line, "\n")] = '\0';
		printf("# %s\n", line);
		if (s)
			snprintf(reason, len, "%s", s + 9);
		if (k)
			snprintf(reason, len, "%.*s", (int)strcspn(k + 9, "("), k + 9);
	}
	if (in)
		fclose(in);
	else
		close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status)) {
		snprintf(reason, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

/* mode (every mode, or --mode's) x each backend of --reclaim */
static size_t make_points(const struct opts *o, struct point *pts, size_t max)
{
	const char *const *m;
	const char *s, *c;
	size_t n = 0;

	for (m = mode_names(); *m; m++) {
		if (opts_given(o, "mode") && strcmp(*m, o->mode))
			continue;
		s = o->reclaim;
		do {
			c = strchr(s, ',');
			if (n < max) {
				snprintf(pts[n].mode, sizeof(pts[n].mode), "%s", *m);
				snprintf(pts[n].reclaim, sizeof(pts[n].reclaim), "%.*s",
					 (int)(c ? c - s : (long)strlen(s)), s);
			}
			n++;
			s = c + 1;
		} while (c);
	}
	return n < max ? n : max;
}

int tap_main(struct opts *o)
{
	struct point pts[256];
	unsigned pass = 0, fail = 0, skip = 0, xfail = 0;
	char reason[512];
	size_t n, i;
	int code;

	sigset_t sigs, old, pending;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o->output[0]) {
		fprintf(stderr, "movestress: --output: not with --tap (TAP prints each point's result; run without --tap for JSON)\n");
		return MS_EXIT_USAGE;
	}
	n = make_points(o, pts, sizeof(pts) / sizeof(pts[0]));
	/* a usage error is one error, not a failed point per mode */
	for (i = 0; i < n; i++) {
		struct opts po = *o;

		memcpy(po.mode, pts[i].mode, sizeof(po.mode));
		memcpy(po.reclaim, pts[i].reclaim, sizeof(po.reclaim));
		code = run_validate(&po);
		if (code)
			return code;
	}
	/*
	 * ^C reaches the running child too, which stops, restores the system
	 * and reports; we see the signal pending afterwards and bail out.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	printf("TAP version 13\n1..%zu\n", n);
	for (i = 0; i < n; i++) {
		sigpending(&pending);
		if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
		    sigismember(&pending, SIGHUP)) {
			printf("Bail out! interrupted after %zu of %zu test points\n", i, n);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return MS_EXIT_FAILURE;
		}
		printf("# movestress run --mode=%s --reclaim=%s\n", pts[i].mode, pts[i].reclaim);
		code = run_point(o, &pts[i], reason, sizeof(reason));
		if (code == MS_EXIT_PASS) {
			printf("ok %zu mode=%s reclaim=%s\n", i + 1, pts[i].mode, pts[i].reclaim);
			pass++;
		} else if (code == MS_EXIT_KNOWN_BUG) {
			/* TAP's TODO: not ok, but expected; the harness does not count it failed */
			printf("not ok %zu mode=%s reclaim=%s # TODO %s(docs/kernel-bug-6.18-move-eexist.md)\n",
			       i + 1, pts[i].mode, pts[i].reclaim, reason[0] ? reason : "known kernel bug ");
			xfail++;
		} else if (code == MS_EXIT_SKIP) {
			printf("ok %zu mode=%s reclaim=%s # SKIP %s\n", i + 1, pts[i].mode, pts[i].reclaim,
			       reason[0] ? reason : "unsupported here");
			skip++;
		} else {
			printf("not ok %zu mode=%s reclaim=%s # exit %d: %s%s%s\n", i + 1, pts[i].mode,
			       pts[i].reclaim, code, code < 0 ? strerror(-code) : verdict_what(code),
			       reason[0] ? ": " : "", reason);
			fail++;
		}
	}
	printf("# Totals: pass:%u fail:%u xfail:%u xpass:0 skip:%u error:0\n", pass, fail, xfail, skip);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fail)
		return MS_EXIT_FAILURE;
	if (xfail)
		return MS_EXIT_KNOWN_BUG;
	return pass ? MS_EXIT_PASS : MS_EXIT_SKIP;
}
