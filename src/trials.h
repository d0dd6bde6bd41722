/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run --repeat N, --output-format and --exit-codes: what wraps run_main()
 * for the `run` verb.
 */
#ifndef MOVESTRESS_TRIALS_H
#define MOVESTRESS_TRIALS_H

#include <stdbool.h>
#include <jansson.h>

#include "options.h"

/* is @val one of the comma-separated words of @list? */
bool opt_list_has(const char *list, const char *val);
/* --output-format has json+: results carry histogram bins */
bool opts_with_bins(const struct opts *o);

/*
 * Run the scenario --repeat times (or the TAP matrix with --tap).  The
 * result (if @result_out) is the first trial's result plus "trials": one
 * entry per trial; its verdict and exit code are the worst trial's.
 */
int run_trials(struct opts *o, json_t **result_out);

/* the verdict word of an exit code: "pass", "known-kernel-bug", "skip", ... */
const char *exit_verdict(int code);

/* translate a movestress exit code to the --exit-codes convention */
int exit_code_map(const struct opts *o, int code);

#endif
