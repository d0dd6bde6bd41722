// SPDX-License-Identifier: GPL-2.0-only
/*
 * The known-bugs table.  movestress finds kernel bugs; once one is
 * understood (and reported), a run that hits only that bug should say so
 * instead of reading like data corruption, so that a user can tell "this
 * kernel has bug X" from "this run found something new".  Each row says
 * how its signature is recognised; the engine counts occurrences (the
 * counters are indexed like the table) and the verdict names them.
 */
#include "config.h"
#include "kernel/known-bugs.h"
#include "core/opts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* the livelock's stuck task: in the split, called from MOVE's PTE path */
static const char *const livelock_split[] = {
	"split_huge_page_to_list_to_order", "split_folio_to_list", "__folio_split", NULL
};
static const char *const livelock_move[] = { "move_pages", "move_pages_pte", "move_pages_ptes", NULL };
static const char *const *const livelock_stack[] = { livelock_split, livelock_move, NULL };

const struct known_bug known_bugs[] = {
	[KNOWN_BUG_MOVE_EEXIST] = {
		.id = "move-eexist",
		.title = "UFFDIO_MOVE moves the page(s) and still fails the ioctl with EEXIST or a short count",
		.kernels = "Linux 6.18 (6.18-rc1 TLB-flush batching of move_pages(); seen on 6.18.44); "
			   "mainline as far as read; not 6.12",
		.signature = "a MOVE of slots no other thread moves fails with EEXIST/ENOENT, or returns a "
			     "short count (EAGAIN), and /proc/self/pagemap at that moment shows the page(s) "
			     "already at the destination and gone from the source (contended mode: a page "
			     "the page tables show moved that no MOVE reported); the ledger follows the page "
			     "tables and the oracle must still pass",
		.upstream = "not yet sent: fix (Fixes: 50944692052b), selftest and VM proof ready in "
			    "kernel-patches/upstream/",
		.doc = "docs/kernel-bug-6.18-move-eexist.md",
		.since = "6.18",
		.fixed_in = NULL,
		.fixed_by = NULL,
	},
	[KNOWN_BUG_MOVE_SPLIT_LIVELOCK] = {
		.id = "move-split-livelock",
		.title = "UFFDIO_MOVE of part of a large folio that holds an extra reference never returns: "
			 "split_folio() fails with EAGAIN and move_pages() retries it without limit",
		.kernels = "from 6.8 (UFFDIO_MOVE, adef440691ba, splits a large source folio and retries "
			   "EAGAIN) to 6.12.117 in the 6.12 stable branch, read in Debian's 6.12.117 and "
			   "6.12.118 sources (6.12.118 turns the split's EAGAIN into EBUSY) and run in the "
			   "VM on both (scripts/repro-move-split-livelock.c); other branches and mainline: "
			   "see the doc (not listed as fixed here: a match there is named this bug)",
		.signature = "the watchdog (or the VM's stack dump at the cell timeout) finds a task whose "
			     "kernel stack has split_huge_page_to_list_to_order() (split_folio_to_list, "
			     "__folio_split) under move_pages() (move_pages_pte[s]): a MOVE that spins, "
			     "without a soft lockup or hung task report",
		.upstream = "fixed in 6.12.118 (stable): \"userfaultfd: fix UFFDIO_MOVE livelock on large "
			    "folio with extra references\"",
		.doc = "docs/kernel-finding-6.12-move-split-livelock.md",
		.since = "6.8",
		.fixed_in = "6.12.118",
		.fixed_by = "userfaultfd: fix UFFDIO_MOVE livelock on large folio with extra references",
		.hang_stack = livelock_stack,
	},
};

const struct known_bug *known_bug_find(const char *id)
{
	size_t i;

	for (i = 0; i < KNOWN_BUGS_MAX; i++)
		if (!strcmp(known_bugs[i].id, id))
			return &known_bugs[i];
	return NULL;
}

uint64_t known_bugs_total(const struct known_bug_counts *c)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < KNOWN_BUGS_MAX; i++)
		n += c->n[i];
	return n;
}

void known_bugs_summary(const struct known_bug_counts *c, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < KNOWN_BUGS_MAX && off < len; i++) {
		if (!c->n[i])
			continue;
		off += snprintf(buf + off, len - off, "%s%s x%" PRIu64, off ? ", " : "",
				known_bugs[i].id, c->n[i]);
	}
}

json_t *known_bugs_to_json(const struct known_bug_counts *c)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < KNOWN_BUGS_MAX; i++) {
		const struct known_bug *b = &known_bugs[i];

		if (!c->n[i])
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}",
			"id", b->id, "title", b->title, "count", (json_int_t)c->n[i],
			"kernels", b->kernels, "signature", b->signature, "upstream", b->upstream,
			"doc", b->doc, "since", b->since, "fixed_in", b->fixed_in, "fixed_by", b->fixed_by));
	}
	return arr;
}

/* "6.12.117-foo" -> {6, 12, 117}; the number of components read (0 to 3) */
static int parse_release(const char *s, long v[3])
{
	int n = 0;
	char *end;

	v[0] = v[1] = v[2] = 0;
	while (n < 3 && *s >= '0' && *s <= '9') {
		v[n++] = strtol(s, &end, 10);
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	return n;
}

static int release_cmp(const long a[3], const long b[3])
{
	int i;

	for (i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

enum known_bug_affects known_bug_affects(const struct known_bug *b, const char *release)
{
	long rel[3], v[3];
	const char *p;

	if (!release || parse_release(release, rel) < 2)
		return KB_UNKNOWN_RELEASE;
	if (b->since && parse_release(b->since, v) >= 2 && release_cmp(rel, v) < 0)
		return KB_BEFORE;
	for (p = b->fixed_in; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "") {
		while (*p == ' ')
			p++;
		switch (parse_release(p, v)) {
		case 3:		/* a stable branch's release fixes that branch */
			if (rel[0] == v[0] && rel[1] == v[1] && rel[2] >= v[2])
				return KB_FIXED;
			break;
		case 2:		/* a mainline release fixes every later one */
			if (release_cmp(rel, v) >= 0)
				return KB_FIXED;
			break;
		}
	}
	return KB_AFFECTED;
}

/* @name as a frame of the task's stack text [@s, @e): "name+0x..." */
static bool has_frame(const char *s, const char *e, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = s; p + n <= e && (p = memmem(p, (size_t)(e - p), name, n)); p++) {
		char before = p > s ? p[-1] : ' ', after = p + n < e ? p[n] : '\n';

		if ((before == ' ' || before == '\t' || before == ']' || before == '\n') &&
		    (after == '+' || after == '\n' || after == ' '))
			return true;
	}
	return false;
}

static bool stack_matches(const char *s, const char *e, const char *const *const *sig)
{
	const char *const *const *g;
	const char *const *name;

	for (g = sig; *g; g++) {
		for (name = *g; *name && !has_frame(s, e, *name); name++)
			;
		if (!*name)
			return false;
	}
	return true;
}

/* the next task's block of @stacks from @s: [*@s, return) */
static const char *next_block(const char *s)
{
	const char *p = s;

	while ((p = strchr(p, '\n'))) {
		p++;
		if (!strncmp(p, "==", 2))
			return p;
	}
	return s + strlen(s);
}

int known_bugs_match_hang(const char *stacks, const char *release, const struct known_bug **bug,
			  char *why, size_t len)
{
	const char *s, *e;
	size_t i;

	*bug = NULL;
	for (s = stacks ? stacks : ""; *s; s = e) {
		e = next_block(s);
		for (i = 0; i < KNOWN_BUGS_MAX; i++) {
			const struct known_bug *b = &known_bugs[i];
			int tl = (int)strcspn(s, "\n");

			if (!b->hang_stack || !stack_matches(s, e, b->hang_stack))
				continue;
			*bug = b;
			if (tl > 60)
				tl = 60;
			switch (known_bug_affects(b, release)) {
			case KB_AFFECTED:
				snprintf(why, len, "known kernel bug %s on %s (affected from %s%s%s): %.*s",
					 b->id, release, b->since, b->fixed_in ? ", fixed in " : "",
					 b->fixed_in ? b->fixed_in : "", tl, s);
				return MS_EXIT_KNOWN_BUG;
			case KB_FIXED:
				snprintf(why, len, "the hang of %s on %s, which has its fix (%s): a new finding: %.*s",
					 b->id, release, b->fixed_in, tl, s);
				return MS_EXIT_HANG;
			case KB_BEFORE:
				snprintf(why, len, "the hang of %s on %s, older than the bug (%s): a new finding: %.*s",
					 b->id, release, b->since, tl, s);
				return MS_EXIT_HANG;
			case KB_UNKNOWN_RELEASE:
				snprintf(why, len, "the hang of %s on an unknown kernel release '%s': not named: %.*s",
					 b->id, release ? release : "", tl, s);
				return MS_EXIT_HANG;
			}
		}
	}
	snprintf(why, len, "no known kernel bug's hang signature in the stacks");
	return MS_EXIT_HANG;
}

void known_bugs_from_json(json_t *arr, struct known_bug_counts *c)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e) {
		const struct known_bug *b = known_bug_find(json_string_value(json_object_get(e, "id")) ?: "");
		json_int_t n = json_integer_value(json_object_get(e, "count"));

		if (b && n > 0)
			c->n[b - known_bugs] += (uint64_t)n;
	}
}

int run_verdict(bool genuine, uint64_t known, bool known_fail, bool interrupted, const char **name)
{
	if (genuine || (known && known_fail)) {
		*name = "failure";
		return MS_EXIT_FAILURE;
	}
	if (interrupted) {
		*name = "interrupted";
		return MS_EXIT_INTERRUPTED;
	}
	if (known) {
		*name = "known-kernel-bug";
		return MS_EXIT_KNOWN_BUG;
	}
	*name = "pass";
	return MS_EXIT_PASS;
}
