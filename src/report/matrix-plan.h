/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vm-check matrix's cells before they run: which (scenario, trial)
 * cells a shard has, their seeds and the order the guest runs them
 * (`movestress matrix --plan OUT`, matrix-plan.c).
 */
#ifndef MOVESTRESS_MATRIX_PLAN_H
#define MOVESTRESS_MATRIX_PLAN_H

#include <stddef.h>

/* a cell's seed: 48 bits of SHA-256("movestress-vm-check/BASE/SCENARIO/TRIAL") */
unsigned long long mx_cell_seed(const char *base, const char *scenario, unsigned trial);

/*
 * OUT/cells.tsv and OUT/plan.txt from OUT/scenarios.txt and
 * OUT/vm-check.json (trials, seed_base_arg, shard): 0, or MS_EXIT_USAGE /
 * MS_EXIT_ENV with one line in @err.
 */
int mx_plan(const char *dir, char *err, size_t len);

#endif
