/* SPDX-License-Identifier: GPL-2.0-only */
/* "name value" files (/proc/vmstat, memory.stat, ...) as JSON objects. */
#ifndef MOVESTRESS_KV_H
#define MOVESTRESS_KV_H

#include <jansson.h>

/* Read a "name value" per line file; NULL on error (errno set). */
json_t *kv_read(const char *path);
/*
 * after - before for each integer key of @after whose name starts with one
 * of @prefixes (NULL-terminated; NULL = all keys); zero deltas kept only
 * when @keep_zero.
 */
json_t *kv_delta(const json_t *before, const json_t *after, const char *const *prefixes,
		 int keep_zero);
/* Read every regular file of @dir as a trimmed string: {"file": "text"}; NULL if no dir. */
json_t *dir_read(const char *dir);
/* First line of a file, trimmed, into buf; 0/-errno */
int read_line(const char *path, char *buf, size_t len);

#endif
