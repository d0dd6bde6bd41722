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
#include <string.h>

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
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
			"id", b->id, "title", b->title, "count", (json_int_t)c->n[i],
			"kernels", b->kernels, "signature", b->signature, "upstream", b->upstream,
			"doc", b->doc));
	}
	return arr;
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

int known_bugs_match_hang(const char *stacks, const char *release, const struct known_bug **bug,
			  char *why, size_t len)
{
	(void)stacks;
	(void)release;
	/* no row of known_bugs[] has a hang signature: none matches */
	*bug = NULL;
	snprintf(why, len, "no known kernel bug's hang signature in the stacks");
	return MS_EXIT_HANG;
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
