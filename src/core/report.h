/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_REPORT_H
#define MOVESTRESS_REPORT_H

#include <stdio.h>
#include <jansson.h>

#include "core/run.h"

#define MS_SCHEMA_VERSION 1

/* merge per-thread stats of @n workers into @out */
void stats_merge(struct thread_stats *out, const struct worker *w, unsigned n);
/* {"ops","pages","pages_per_sec","clat_ns":{...},"retries":{"EAGAIN":n},"failures":[...]} */
json_t *stats_to_json(const struct thread_stats *st, uint64_t elapsed_ns, bool with_bins);
/* fio-like lines: clat (nsec): min=, max=, avg=, stdev= and percentiles */
void print_hist(FILE *f, const char *what, const struct hist *h);
void print_retries(FILE *f, const struct thread_stats *st);
void print_failures(FILE *f, const struct thread_stats *st);
/* write @j to @path (atomically via rename); 0/-errno */
int write_json_file(const char *path, json_t *j);
const char *errno_name(int err);

#endif
