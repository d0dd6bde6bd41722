/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pressure backends (--reclaim): threads that make the kernel walk the
 * rmap of the source folios while they move.  Each backend is a row of
 * pressure_table[] in pressure.c with its own supported() reason.
 */
#ifndef MOVESTRESS_PRESSURE_H
#define MOVESTRESS_PRESSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

struct run;
struct opts;

const char *const *pressure_names(void);

/* Check --reclaim/--swap/--io before anything is changed: 0 or -EINVAL (message printed). */
int pressure_validate(const struct opts *o);
/* Before the regions are populated (memcg charges at first touch). 0, or -errno with @why. */
int pressure_setup(struct run *r, char *why, size_t len);
/* After population: start the backend threads. */
int pressure_start(struct run *r);
/* After the movers stop, before the oracle. */
void pressure_stop(struct run *r);
/* Undo every system change (also on error paths). */
void pressure_teardown(struct run *r);
/* `movestress list`: one JSON object per backend {name, supported, reason} */
json_t *pressure_list(void);

#endif
