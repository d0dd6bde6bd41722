/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run engine: run_main(), one run from validation to verdict (the
 * mover loops call engine/move.h while it runs).  What it needs from the
 * layers above (the mode table, the side workloads, the option echo) it
 * gets through engine_register() at start, not by including them.
 */
#ifndef MOVESTRESS_ENGINE_H
#define MOVESTRESS_ENGINE_H

#include <stdint.h>
#include <jansson.h>

#include "core/opts.h"
#include "core/run.h"

#include "engine/hooks.h"

/* the checks run_main() makes before it changes anything: 0 or the exit code, error printed */
int run_validate(const struct opts *o);

/* Run once; the result JSON (if @result_out) is the caller's to write and free. */
int run_main(struct opts *o, json_t **result_out);

#endif
