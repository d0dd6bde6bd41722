/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_MODES_H
#define MOVESTRESS_MODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/run.h"
#include "engine/mode.h"

/* the engine's own mover loops (rows of mode_table[], scenarios/mode-table.c) */
void *partitioned_mover(void *worker);
void *contended_mover(void *worker);
void *pingpong_mover(void *worker);
void *thp_mover(void *worker);
void *bare_mover(void *worker);
void *fault_toucher(void *worker);
void *fault_handler(void *worker);

/* THP availability, for the thp mode and `movestress list` */
int thp_supported(char *why, size_t len);

#endif
