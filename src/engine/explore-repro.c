// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C reproducer: src/explore-repro.tmpl (a complete standalone program,
 * compiled into movestress as a string) with the minimised log's ops as a
 * table where the template says @OPS@.  The log's threads are serialised
 * in the order of their timestamps.
 */
#include "config.h"
#include "engine/explore-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char tmpl[] =
#include "explore-repro-tmpl.h"
;

static int by_time(const void *a, const void *b)
{
	const struct xrec *x = a, *y = b;

	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

int xrepro_write(const char *path, const struct xlog_file *f)
{
	const char *mark = strstr(tmpl, "/* @OPS@ */");
	struct xrec *rec = malloc((f->n ? f->n : 1) * sizeof(*rec));
	FILE *fp;
	size_t i;
	int ret;

	if (!mark || !rec) {
		free(rec);
		return -EINVAL;
	}
	memcpy(rec, f->rec, f->n * sizeof(*rec));
	qsort(rec, f->n, sizeof(*rec), by_time);
	fp = fopen(path, "we");
	if (!fp) {
		free(rec);
		return -errno;
	}
	fwrite(tmpl, 1, (size_t)(mark - tmpl), fp);
	fprintf(fp, "#define NPAGES %uU\n#define SEED 0x%" PRIx64 "ULL\n\n"
		"/* the minimised log: %zu op(s) of %u thread(s), in time order */\n"
		"static const struct op ops[] = {\n", f->npages, f->seed, f->n, f->nthreads);
	for (i = 0; i < f->n; i++)
		fprintf(fp, "\t{ \"%s\", %u, %u, %u },\t/* explore/%u t=%" PRIu64 "ns */\n",
			xop_table[rec[i].op].name, rec[i].op == XOP_INJECT ? rec[i].arg : rec[i].arg & 1,
			rec[i].slot, rec[i].npages, rec[i].thread, rec[i].t_ns);
	if (!f->n)
		fprintf(fp, "\t{ \"none\", 0, 0, 0 },\n");
	fprintf(fp, "};\n");
	fputs(mark + strlen("/* @OPS@ */"), fp);
	ret = fclose(fp) ? -EIO : 0;
	free(rec);
	return ret;
}
