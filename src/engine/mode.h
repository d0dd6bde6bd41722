/* SPDX-License-Identifier: GPL-2.0-only */
/* A mover mode's descriptor: a row of mode_table[] (scenarios/mode-table.c). */
#ifndef MOVESTRESS_MODE_H
#define MOVESTRESS_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/run.h"

struct opts;
struct run;

/*
 * A mover mode: a row of mode_table[] (scenarios/mode-table.c).  The
 * engine maps and stamps the regions, starts
 * opts.movers threads running ->mover (and ->handlers threads running
 * ->handler if set), and runs the oracle; a mode only decides which pages
 * move when.
 */
struct mode_desc {
	const char *name;
	const char *help;
	uint64_t uffd_features;		/* beyond UFFD_FEATURE_MOVE */
	unsigned allowed_errs;		/* ERRBIT_* counted as retries, not failures */
	bool needs_thp;			/* 2 MiB aligned VMAs, MADV_HUGEPAGE */
	bool sparse;			/* populate only (100 - hole_pct)% of pages */
	bool pfn_check_ok;		/* a moved page must keep its frame */
	bool shared_slots;		/* all movers work on all pages (contended) */
	const char *mover_kind;		/* thread name prefix: "mover", "toucher" */
	/* "" if this kernel can run the mode, else why not */
	int (*supported)(char *why, size_t len);
	void *(*mover)(void *worker);
	void *(*handler)(void *worker);
	/* optional: more threads of another kind (e.g. the jank UI thread) */
	const char *extra_kind;
	unsigned (*nextra)(const struct opts *o);
	void *(*extra)(void *worker);
	/* optional: after the regions are populated and registered; -EOPNOTSUPP = skip */
	int (*setup)(struct run *r, char *why, size_t len);
	/* optional: the mode's own block in the result and summary */
	void (*report)(struct run *r, json_t *mode_result, FILE *f);
	/* optional: undo setup (memory, system state); called on every path once setup ran */
	void (*teardown)(struct run *r);
};

/* counted as retries by every mode: the MOVE lost a race with reclaim or a fault */
#define EXPECTED_RACE (ERRBIT_EAGAIN | ERRBIT_EBUSY)

#endif
