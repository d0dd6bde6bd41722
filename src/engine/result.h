/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of a result every command writes the same way
 * (engine/result.c): the head (schema, tool, seed, environment,
 * options), the result of a run that ended before it measured anything,
 * and the "kernel" block.  Shared by run and explore.
 */
#ifndef MOVESTRESS_RESULT_H
#define MOVESTRESS_RESULT_H

#include <stdint.h>
#include <jansson.h>

#include "core/opts.h"

/* who wrote it, with which options (engine_hooks()->opts_to_json), where (@env, or none) */
json_t *result_head(const struct opts *o, uint64_t seed, json_t *env);
/* the result of a run that ended early: the head, verdict, exit code, reason (skipped: too) */
json_t *early_result(const struct opts *o, uint64_t seed, json_t *env, int code, const char *reason);
/*
 * The "kernel" block: rmap policy, the uffd_move sysfs before and after,
 * the deltas of the uffd_move_/rmap_ counters and of /proc/vmstat.
 * Takes the references of @sys0 and @sys1 (NULL: null).
 */
json_t *kernel_block(json_t *vm0, json_t *vm1, json_t *sys0, json_t *sys1);

#endif
