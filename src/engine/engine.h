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

struct mode_desc;
struct side_ops;

/*
 * What the engine is given from above, once, before the first run:
 * registered by cli_main() (cli/cli.c), the one place that knows every
 * layer.
 */
struct engine_hooks {
	/* the row of the mode table for --mode, or NULL */
	const struct mode_desc *(*mode_find)(const char *name);
	/* the side workloads in the order they start (NULL-terminated) */
	const struct side_ops *const *sides;
	/* the effective options, echoed into the result */
	json_t *(*opts_to_json)(const struct opts *o);
};

void engine_register(const struct engine_hooks *h);
const struct engine_hooks *engine_hooks(void);

/* Run once; the result JSON (if @result_out) is the caller's to write and free. */
int run_main(struct opts *o, json_t **result_out);

#endif
