// SPDX-License-Identifier: GPL-2.0-only
/*
 * `movestress bench`: figures, not a pass/fail test.
 *  1. a bare UFFDIO_MOVE loop against partitioned with all its
 *     bookkeeping (per-op timing, ledger, retries), one mover each, in
 *     this one process on the same layout: the engine's overhead ratio
 *     (goal: >= 0.95);
 *  2. moves/s for 1, 2, 4 and 8 movers on one source VMA and on one
 *     source VMA per mover: their ratio is the shared anon_vma lock's
 *     share of the cost;
 *  3. one mover with a spinning sibling thread: TLB-shootdown IPI cost
 *     with no lock shared at all.
 * The configurations behind one ratio run in turn, TRIALS rounds, best
 * kept, so that a noisy neighbour hits both sides of a ratio alike.
 */
#include "config.h"
#include "report/bench.h"
#include "core/opts.h"
#include "engine/engine.h"
#include "core/run.h"
#include "kernel/known-bugs.h"

#include <stdio.h>
#include <string.h>

#define TRIALS 4

/* runs that ended on a known kernel bug: counted, their figures kept */
struct tally {
	unsigned runs, known;
	struct known_bug_counts kb;
};

struct cfg {
	const char *mode;
	unsigned movers, vmas, idle;
	double best;
};

static double one(const struct opts *base, const struct cfg *c, int *rc, struct tally *t)
{
	struct opts o = *base;
	json_t *res = NULL, *mv;
	double pps = 0;

	snprintf(o.mode, sizeof(o.mode), "%s", c->mode);
	o.movers = c->movers;
	o.src_vmas = c->vmas;
	o.idle_threads = c->idle;
	o.quiet = true;
	o.output[0] = '\0';
	*rc = run_main(&o, &res);
	if (res) {
		mv = json_object_get(json_array_get(json_object_get(res, "results"), 0), "move");
		pps = json_real_value(json_object_get(mv, "pages_per_sec"));
		known_bugs_from_json(json_object_get(res, "known_bugs"), &t->kb);
		json_decref(res);
	}
	t->runs++;
	/* the oracle passed, the ledger followed the page tables: the figures stand */
	if (*rc == MS_EXIT_KNOWN_BUG) {
		t->known++;
		*rc = 0;
	}
	return pps;
}

/* run the configurations in turn, TRIALS rounds, keeping each one's best */
static int rounds(const struct opts *o, struct cfg *c, size_t n, struct tally *tl)
{
	int t, rc = 0;
	size_t i;
	double v;

	/* ABBA order: a run's position in the round (right after another
	 * run's teardown) costs it a few percent, so alternate it */
	for (t = 0; t < TRIALS && !rc; t++)
		for (i = 0; i < n && !rc; i++) {
			struct cfg *x = &c[t & 1 ? n - 1 - i : i];

			v = one(o, x, &rc, tl);
			x->best = v > x->best ? v : x->best;
		}
	if (rc)
		fprintf(stderr, "movestress bench: a run ended %s (exit %d)\n", exit_verdict(rc), rc);
	return rc;
}

int bench_main(struct opts *o)
{
	static const unsigned movers[] = { 1, 2, 4, 8 };
	struct cfg base[] = {
		{ "bare", 1, 1, 0, 0 }, { "partitioned", 1, 1, 0, 0 }, { "partitioned", 1, 1, 1, 0 },
	};
	struct tally tl = { 0 };
	char kbsum[128];
	double bare, full;
	int rc;
	size_t i;

	printf("movestress bench: %u rounds of %.1fs runs, best kept; size=%lluM move_len=%u\n",
	       TRIALS, o->runtime_ns / 1e9, (unsigned long long)(o->size >> 20), o->move_len);
	rc = rounds(o, base, 3, &tl);
	if (rc)
		return rc;
	bare = base[0].best;
	full = base[1].best;
	printf("\n%-44s %14s\n", "engine overhead (1 mover)", "moves/s");
	printf("%-44s %14.0f\n", "bare UFFDIO_MOVE loop", bare);
	printf("%-44s %14.0f\n", "partitioned with bookkeeping", full);
	printf("%-44s %14.3f  (goal >= 0.95)\n", "ratio movestress/bare", bare ? full / bare : 0);

	printf("\n%-8s %16s %16s %10s\n", "movers", "1 src VMA", "1 VMA/mover", "ratio");
	for (i = 0; i < sizeof(movers) / sizeof(movers[0]); i++) {
		struct cfg pair[] = {
			{ "partitioned", movers[i], 1, 0, 0 }, { "partitioned", movers[i], movers[i], 0, 0 },
		};

		rc = rounds(o, pair, 2, &tl);
		if (rc)
			return rc;
		printf("%-8u %16.0f %16.0f %10.3f\n", movers[i], pair[0].best, pair[1].best,
		       pair[1].best ? pair[0].best / pair[1].best : 0);
	}
	printf("(ratio = one shared source VMA / one VMA per mover: below 1 is the shared anon_vma lock's cost)\n");
	printf("\n%-44s %14.0f\n", "1 mover + 1 spinning sibling thread", base[2].best);
	printf("%-44s %14.3f\n", "ratio to 1 mover alone (TLB shootdown IPIs)", full ? base[2].best / full : 0);
	known_bugs_summary(&tl.kb, kbsum, sizeof(kbsum));
	printf("\n%u runs; known kernel bug in %u of them%s%s%s\n", tl.runs, tl.known,
	       kbsum[0] ? " (" : "", kbsum, kbsum[0] ? ", counted: their oracle passed, figures kept)" : "");
	return rc;
}
