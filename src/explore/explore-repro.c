// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C reproducer: src/explore/explore-repro.tmpl (a complete standalone
 * program, compiled into movestress as a string) with explore's own op
 * ABI (xop.h) and op bodies and table (xop-bodies.h) where it says
 * @XOP_H@ and @XOP_BODIES@, the log's parameters at @PARAMS@, and the
 * log's records that ran at @OPS@, in the order of their timestamps, each
 * with its thread (the reproducer's -c runs one thread per recorded
 * thread).  The same files make the engine's ops (explore-ops.c), so the
 * reproducer runs every op the engine has, as the engine runs it.
 */
#include "config.h"
#include "explore/explore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* repro_tmpl, repro_xop_h, repro_xop_bodies: the three files as C strings (Makefile.am) */
#include "explore-repro-tmpl.h"

struct ord {
	const struct xrec *r;
	size_t idx;
};

/* time order; a thread's own records keep their order on a tie */
static int by_time(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->r->t_ns != y->r->t_ns)
		return x->r->t_ns < y->r->t_ns ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void write_params(FILE *fp, const struct xlog_file *f)
{
	fprintf(fp, "#define NPAGES %uU\n#define SEED 0x%" PRIx64 "ULL\n#define NTHREADS %uU\n",
		f->npages, f->seed, f->nthreads ? f->nthreads : 1);
}

static void write_ops(FILE *fp, const struct xlog_file *f, const struct ord *ord, size_t n)
{
	bool seen[XOP_NR] = { false };
	size_t i;
	int k;

	for (i = 0; i < n; i++)
		seen[ord[i].r->op] = true;
	fprintf(fp, "/*\n * The log: %zu op(s) that ran, of %u thread(s), in time order; op kinds:", n, f->nthreads);
	for (k = 0; k < XOP_NR; k++)
		if (seen[k])
			fprintf(fp, " %s", xop_table[k].name);
	fprintf(fp, ".\n * { thread, op, arg, flags, slot, npages, err, t_ns } (struct xrec, xop.h)\n */\n"
		"static const struct xrec ops[] = {\n");
	for (i = 0; i < n; i++) {
		const struct xrec *r = ord[i].r;

		fprintf(fp, "\t{ %u, %u, %u, %u, %u, %u, %d, %" PRIu64 "ULL },\t/* %s, explore/%u, t=%" PRIu64 "ns */\n",
			r->thread, r->op, r->arg, r->flags, r->slot, r->npages, r->err, r->t_ns,
			xop_table[r->op].name, r->thread, r->t_ns);
	}
	if (!n)
		fprintf(fp, "\t{ 0, 0, 0, 0, 0, 0, 0, 0 },\t/* none: the log has no op that ran (flags 0: not run) */\n");
	fprintf(fp, "};\n");
}

/* the template with its markers replaced; a marker missing is a bug in the template */
int xrepro_write(const char *path, const struct xlog_file *f)
{
	static const char *const marks[] = { "/* @XOP_H@ */", "/* @PARAMS@ */", "/* @XOP_BODIES@ */",
					     "/* @OPS@ */" };
	struct ord *ord = malloc((f->n ? f->n : 1) * sizeof(*ord));
	const char *p = repro_tmpl, *m;
	size_t i, n = 0;
	FILE *fp;
	int ret;

	if (!ord)
		return -ENOMEM;
	/* what explore's replay runs: the records that ran */
	for (i = 0; i < f->n; i++)
		if ((f->rec[i].flags & (XF_DONE | XF_FAIL)) && f->rec[i].op < XOP_NR)
			ord[n++] = (struct ord){ &f->rec[i], i };
	qsort(ord, n, sizeof(*ord), by_time);
	fp = fopen(path, "we");
	if (!fp) {
		ret = -errno;
		free(ord);
		return ret;
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		m = strstr(p, marks[i]);
		if (!m) {
			fclose(fp);
			free(ord);
			return -EINVAL;
		}
		fwrite(p, 1, (size_t)(m - p), fp);
		switch (i) {
		case 0:
			fputs(repro_xop_h, fp);
			break;
		case 1:
			write_params(fp, f);
			break;
		case 2:
			fputs(repro_xop_bodies, fp);
			break;
		case 3:
			write_ops(fp, f, ord, n);
			break;
		}
		p = m + strlen(marks[i]);
	}
	fputs(p, fp);
	ret = fclose(fp) ? -EIO : 0;
	free(ord);
	return ret;
}
