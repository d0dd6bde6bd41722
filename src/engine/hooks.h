/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the engine is given from above, once, before the first run
 * (engine/hooks.c): the layers above register it instead of being
 * included by the engine.
 */
#ifndef MOVESTRESS_HOOKS_H
#define MOVESTRESS_HOOKS_H

#include <jansson.h>

struct opts;
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
	/* options that need a mode (jank's need --mode=jank): 0, or -EINVAL, error printed */
	int (*check_mode)(const struct opts *o);
};

void engine_register(const struct engine_hooks *h);
const struct engine_hooks *engine_hooks(void);

#endif
