/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Side workloads: what runs beside the movers.  The engine (engine.c)
 * calls each row of the sides[] table it was given (engine_hooks, set in
 * cli/cli.c) at the same points of the run:
 * validate before anything changes, setup before the regions are
 * populated, start once the movers run, stop after they stop, report
 * into the result, teardown always (restoring whatever setup changed).
 */
#ifndef MOVESTRESS_SIDE_H
#define MOVESTRESS_SIDE_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

struct run;
struct opts;

struct side_ops {
	const char *name;
	int (*validate)(const struct opts *o);			/* 0 or -EINVAL, message printed */
	int (*setup)(struct run *r, char *why, size_t len);	/* 0 or -errno with @why */
	int (*start)(struct run *r);
	void (*stop)(struct run *r);
	void (*report)(struct run *r, json_t *mode_result, FILE *f);
	void (*teardown)(struct run *r);
};

extern const struct side_ops pressure_side;

#endif
