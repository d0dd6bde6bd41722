/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vm-check matrix, judged in one place.  scripts/vm-check installs,
 * builds, boots, times out and collects; this module turns what it
 * collected (each boot's status lines, cell results, console segments,
 * the stacks of killed cells) into cells, the positive control's verdict
 * and the exit code, and matrix-out.c writes matrix.json, matrix.txt and
 * matrix.ktap (`movestress matrix DIR`).  `movestress report` reads
 * matrix.json through the same table of states and the same policy roles.
 */
#ifndef MOVESTRESS_MATRIX_H
#define MOVESTRESS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <limits.h>
#include <jansson.h>

#include "kernel/rmap-policy.h"

/* matrix.json's schema_version: what this movestress writes and reads */
#define MX_SCHEMA_VERSION 1

/* the states of a cell; the exit code is the worst cell's (rank) */
enum mx_state {
	MX_PASS,
	MX_EXPECTED_FAIL,	/* the control failed, as it must */
	MX_KILLED,		/* (boot) row: a guest killed for a cell's report or hang */
	MX_SKIP,
	MX_KNOWN_BUG,		/* only known kernel bugs (kernel/known-bugs.c) */
	MX_ENV,
	MX_FAIL,
	MX_HANG,
	MX_KERNEL,		/* a kernel report; movestress's verdict name for it: kernel-report */
	MX_NSTATES
};

struct mx_state_desc {
	const char *name;	/* in matrix.json, the cells: line, KTAP */
	int rank;		/* the exit code is the code of the highest rank */
	int exit_code;		/* MS_EXIT_*: a movestress exit code maps back to the state */
};

extern const struct mx_state_desc mx_states[MX_NSTATES];

/* the state named @name, or -1 */
int mx_state_find(const char *name);
/* does a cell of this state and text carry a kernel report (the report's safety count)? */
bool mx_cell_kernel_report(const char *state, const char *text);

/* matrix.json checked: an object with a schema_version this movestress reads
 * (absent: 1, before it was written) and cells that are objects; 0 or -1 with @err */
int mx_check_json(json_t *m, const char *path, char *err, size_t len);
/* the base and control policies of a matrix.json (its fields; older files: the policy table) */
const char *mx_base_policy(json_t *m);
const char *mx_control_policy(json_t *m);
/* a kernel.json object's id, "unknown" for none */
const char *mx_kernel_id(json_t *kernel_build);

/* ---- the judged matrix (matrix.c builds it, matrix-out.c writes it) ---- */

#define MX_MAX_POL	16
#define MX_BOOT_ROW	"(boot)"
#define MX_PATH		(2 * PATH_MAX)	/* a file under a boot directory */

struct mx_cell {
	char *name;		/* SCENARIO, SCENARIO.tN, or "(boot)" */
	int pol;
	enum mx_state state;
	char *text;		/* the full verdict ("kernel: KASAN: ...") */
	char *shrt;		/* what the table shows ("KASAN ... in move_pages_pte") */
	char *json;		/* the cell's result file (absolute), NULL if none */
	char *secs;		/* guest-side seconds, as the guest wrote them */
	char *note;		/* a second line under "cells in full" */
};

/* a line of cells.tsv: the matrix's rows, in scenario then trial order */
struct mx_row {
	char *cell, *scen, *args;
	char *trial, *seed;	/* as written ("" if none) */
};

struct mx_pol {
	char name[48];
	const struct rmap_policy *row;	/* NULL: a name the table does not know */
	char *cpus, *numa;	/* what the guest saw (guest.txt), NULL if no boot said */
	char *release;		/* the guest's uname -r (guest.txt), NULL if no boot said */
	char *notes;		/* the boots that did not end well */
	int boots;
	double secs;		/* all boots' wall time */
	bool timeout_seen;	/* a boot that never reached init */
};

struct mx {
	char dir[PATH_MAX];	/* the results directory, absolute */
	json_t *facts;		/* vm-check.json (older directories: matrix.json's head) */
	json_t *kernel_build;	/* kernel.json, NULL when absent */
	struct mx_row *rows;
	size_t nrows;
	char **plan;		/* plan.txt's cell names, run order */
	size_t nplan;
	json_t *scenarios;	/* [{name, args}] from scenarios.txt */
	struct mx_pol pol[MX_MAX_POL];
	size_t npol;
	struct mx_cell *cells;
	size_t ncells, cap;
	/* the verdict */
	bool control_ran, control_failed;
	int control;		/* index of the control policy, -1 if not in the matrix */
	enum mx_state worst;
	int exit_code;
};

/*
 * Judge the vm-check results directory @dir into @m (zeroed by the
 * caller; mx_free() it either way): 0, or MS_EXIT_USAGE with a one-line
 * message in @err.
 */
int mx_build(struct mx *m, const char *dir, char *err, size_t len);
void mx_free(struct mx *m);
/* vm-check's facts about the run: a string ("" if absent) or a number */
const char *mx_fact(const struct mx *m, const char *key);
long long mx_fact_int(const struct mx *m, const char *key, long long dflt);
/*
 * The guest's architecture: @facts' arch (vm-check.json, matrix.json), else
 * the kernel build's (kernel.json), else x86_64: results from before
 * vm-check --arch.
 */
const char *mx_arch_of(json_t *facts, json_t *kernel_build);
const char *mx_arch(const struct mx *m);
/* the cell (@name, policy @pol), NULL if none was recorded */
struct mx_cell *mx_cell(const struct mx *m, const char *name, int pol);
/* the table's text of a cell: its short text, "pass 12.3k mv/s" for a pass */
char *mx_display(const struct mx_cell *c);
/* "12.3k mv/s" from a result, "" if it has no rate (malloc'd) */
char *mx_headline(const char *json_path);
/* "uffd_move_pages=12 rmap_..." non-zero series counters of a result (malloc'd) */
char *mx_counters(const char *json_path);

#endif
