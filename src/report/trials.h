/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run --repeat N and --output-format: what wraps run_main()
 * for the `run` verb.
 */
#ifndef MOVESTRESS_TRIALS_H
#define MOVESTRESS_TRIALS_H

#include <stdbool.h>
#include <jansson.h>

#include "core/opts.h"

/*
 * Run the scenario --repeat times (or the TAP matrix with --tap).  The
 * result (if @result_out) is the first trial's result plus "trials": one
 * entry per trial; its verdict and exit code are the worst trial's.
 */
int run_trials(struct opts *o, json_t **result_out);

#endif
