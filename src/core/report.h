/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_REPORT_H
#define MOVESTRESS_REPORT_H

#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "core/run.h"

#define MS_SCHEMA_VERSION 1

/* merge per-thread stats of @n workers into @out */
/* add one thread's counters and histograms into @out */
void stats_add(struct thread_stats *out, const struct thread_stats *s);
void stats_merge(struct thread_stats *out, const struct worker *w, unsigned n);
/* {"ops","pages","pages_per_sec","clat_ns":{...},"retries":{"EAGAIN":n},"failures":[...]} */
json_t *stats_to_json(const struct thread_stats *st, uint64_t elapsed_ns, bool with_bins);
/* fio-like lines: clat (nsec): min=, max=, avg=, stdev= and percentiles */
void print_hist(FILE *f, const char *what, const struct hist *h);
void print_retries(FILE *f, const struct thread_stats *st);
void print_failures(FILE *f, const struct thread_stats *st);
/*
 * write @j to @path (atomically via @path.tmp and rename; "-": stdout);
 * only a regular file is ever replaced; 0/-errno, the .tmp removed
 */
int write_json_file(const char *path, json_t *j);
/* the same with jansson's dump @flags (JSON_REAL_PRECISION for a file of short reals) */
int write_json_file_flags(const char *path, json_t *j, size_t flags);
/*
 * read the JSON in @path, which must be a regular file (a FIFO would block
 * the reader, a device need not end): the value, or NULL with one line in @err
 */
json_t *read_json_file(const char *path, char *err, size_t len);
/* before the run: @path is a regular file or new, and writable; 0 or -errno with @err */
int output_check(const char *path, char *err, size_t len);
/* tests: replace the write(2) write_json_file() uses (NULL: write(2) again) */
void report_set_write_fn(ssize_t (*fn)(int fd, const void *buf, size_t len));
const char *errno_name(int err);

#endif
