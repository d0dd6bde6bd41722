/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Co-workloads (--with=NAME[,NAME]): threads that do, on the same mm and
 * while the movers run, what real users of UFFDIO_MOVE (ART) do beside
 * it: MADV_DONTNEED (seeds 000/001), process_madvise batches (seed 003),
 * /proc/self/maps readers (seed 004) and VMA churn.  Each is a row of the
 * const table in cowork.c with its own supported() and its own check.
 */
#ifndef MOVESTRESS_COWORK_H
#define MOVESTRESS_COWORK_H

#include <jansson.h>

#include "core/side.h"

extern const struct side_ops cowork_side;

/* the names --with accepts (NULL-terminated) */
const char *const *cowork_names(void);
/* the advice --pmadv-advice accepts (NULL-terminated) */
const char *const *cowork_pmadv_advice_names(void);
/* `movestress list`: one JSON object per co-workload {name, help, supported, reason} */
json_t *cowork_list(void);

#endif
