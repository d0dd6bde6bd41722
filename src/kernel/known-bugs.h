/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel bugs this tool knows by their signature.  A run whose only
 * findings match a row here ends "known-kernel-bug" (exit 6) instead of
 * "failure", unless --known-bugs=fail; anything else still fails.
 */
#ifndef MOVESTRESS_KNOWN_BUGS_H
#define MOVESTRESS_KNOWN_BUGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct known_bug {
	const char *id;		/* short name: "move-eexist" */
	const char *title;
	const char *kernels;	/* affected kernels, as far as known, and how that was checked */
	const char *signature;	/* how movestress recognises it */
	const char *upstream;	/* upstream status */
	const char *doc;	/* analysis in this repository */
	/*
	 * The releases it affects: from @since ("6.8") on, except where a
	 * release of @fixed_in fixes it: "6.12.118" fixes the 6.12 stable
	 * branch from .118 on, a bare "6.19" every release from 6.19 on
	 * (comma-separated).  @fixed_by: the fix (commit subject or id).
	 */
	const char *since;
	const char *fixed_in;
	const char *fixed_by;
	/*
	 * A hang it causes, by the kernel stack of a stuck task: every group
	 * has a frame in one task's stack (any name of the group).  NULL: the
	 * bug does not hang.
	 */
	const char *const *const *hang_stack;
};

extern const struct known_bug known_bugs[];

/* the row named @id, or NULL */
const struct known_bug *known_bug_find(const char *id);

/* one occurrence count per row of known_bugs[] (indexed like it) */
#define KNOWN_BUG_MOVE_EEXIST		0
#define KNOWN_BUG_MOVE_SPLIT_LIVELOCK	1
#define KNOWN_BUGS_MAX			2

/* whether @b affects the kernel release @release ("6.12.117", uname -r) */
enum known_bug_affects {
	KB_AFFECTED,		/* from since on, no fix for its branch listed */
	KB_FIXED,		/* a release of fixed_in fixes it */
	KB_BEFORE,		/* older than since */
	KB_UNKNOWN_RELEASE,	/* not MAJOR.MINOR[.PATCH...] */
};
enum known_bug_affects known_bug_affects(const struct known_bug *b, const char *release);

/*
 * A hang, by the kernel stacks of the stuck tasks: @stacks is one or more
 * tasks' /proc/PID/stack text, a task's block starting with a line "== "
 * (vm-init's NAME.stacks, the watchdog's threads).  A row whose hang
 * signature matches one task and that affects @release is a known kernel
 * bug: returns MS_EXIT_KNOWN_BUG.  Anything else returns MS_EXIT_HANG: no
 * signature matched, or one matched on a release the row lists as fixed or
 * older than the bug (a new finding).  *@bug is the matching row (NULL if
 * none) and @why says what was decided, in one line.
 */
int known_bugs_match_hang(const char *stacks, const char *release, const struct known_bug **bug,
			  char *why, size_t len);

struct known_bug_counts {
	uint64_t n[KNOWN_BUGS_MAX];
};

uint64_t known_bugs_total(const struct known_bug_counts *c);
/* "move-eexist x3" (several: "move-eexist x3, other x1") into @buf */
void known_bugs_summary(const struct known_bug_counts *c, char *buf, size_t len);
/* [{"id", "title", "count", "kernels", "signature", "upstream", "doc"}] */
json_t *known_bugs_to_json(const struct known_bug_counts *c);
/* counts back from a result's "known_bugs" array (compare, bench, trials) */
void known_bugs_from_json(json_t *arr, struct known_bug_counts *c);

/*
 * The verdict of a finished run (before kernel reports and hangs, which
 * override it): @genuine findings (oracle violations, unexpected errors)
 * win over known bugs; with --known-bugs=fail (@known_fail) a known bug
 * is a failure; an interrupted run that found nothing genuine is
 * "interrupted", never "pass".  Returns the exit code, *@name the verdict.
 */
int run_verdict(bool genuine, uint64_t known, bool known_fail, bool interrupted, const char **name);

#endif
