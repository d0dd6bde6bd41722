/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_MODES_H
#define MOVESTRESS_MODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct opts;

struct run;

/*
 * A mover mode.  The engine (mover.c) maps and stamps the regions, starts
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

extern const struct mode_desc mode_table[];
const struct mode_desc *mode_find(const char *name);
const char *const *mode_names(void);

/* the swapped mode (mode-swapped.c) */
int swapped_supported(char *why, size_t len);
unsigned swapped_nextra(const struct opts *o);
int swapped_setup(struct run *r, char *why, size_t len);
void *swapped_mover(void *worker);
void *swapped_toucher(void *worker);
void *swapped_handler(void *worker);
void swapped_report(struct run *r, json_t *mode_result, FILE *f);

/* THP availability, for the thp mode and `movestress list` */
int thp_supported(char *why, size_t len);

#endif
