// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C reproducer: src/engine/explore-repro.tmpl (a complete standalone
 * program, compiled into movestress as a string) with the log's ops as a
 * table where the template says @OPS@: the records that ran, in the order
 * of their timestamps, each with its thread (the reproducer's -c runs one
 * thread per recorded thread), and the errors each op may return from
 * xop_table.  The template has one OPDESC("name", ...) row per op it can
 * replay; a log's op without one is left out and named (in the file and
 * to the caller), never dropped silently.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "core/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char tmpl[] =
#include "explore-repro-tmpl.h"
;

bool xrepro_supports(const char *op)
{
	char row[64];

	snprintf(row, sizeof(row), "OPDESC(\"%s\",", op);
	return strstr(tmpl, row) != NULL;
}

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

/* "ERRB(EAGAIN) | ERRB(EBUSY)", or "0" */
static void legit_expr(FILE *fp, uint64_t mask)
{
	bool first = true;
	int e;

	for (e = 1; e < 64; e++) {
		const char *n;

		if (!(mask & ERRB(e)))
			continue;
		n = errno_name(e);
		if (n[0] == 'E' && n[1] >= 'A' && n[1] <= 'Z')	/* not errno_name()'s "E%d" */
			fprintf(fp, "%sERRB(%s)", first ? "" : " | ", n);
		else
			fprintf(fp, "%sERRB(%d)", first ? "" : " | ", e);
		first = false;
	}
	if (first)
		fputs("0", fp);
}

/* the record's arg as the template reads it (struct op in explore-repro.tmpl) */
static unsigned rec_arg(const struct xrec *r)
{
	if (r->op == XOP_INJECT)
		return r->arg;
	if (r->op == XOP_MIGRATE)	/* call_migrate()'s target node */
		return (r->arg & 1) | (unsigned)((r->slot + r->t_ns) & 1) << 1;
	return r->arg & 1;
}

int xrepro_write(const char *path, const struct xlog_file *f, char *left_out, size_t len)
{
	const char *mark = strstr(tmpl, "/* @OPS@ */");
	struct ord *ord = malloc((f->n ? f->n : 1) * sizeof(*ord));
	bool seen[XOP_NR] = { false }, out[XOP_NR] = { false };
	size_t i, n = 0, nout = 0, used = 0;
	FILE *fp;
	int ret, k;

	if (len)
		left_out[0] = '\0';
	if (!mark || !ord) {
		free(ord);
		return -EINVAL;
	}
	/* what explore's replay runs: the records that ran */
	for (i = 0; i < f->n; i++) {
		const struct xrec *r = &f->rec[i];

		if (!(r->flags & (XF_DONE | XF_FAIL)) || r->op >= XOP_NR)
			continue;
		seen[r->op] = true;
		if (!xrepro_supports(xop_table[r->op].name)) {
			out[r->op] = true;
			nout++;
			continue;
		}
		ord[n++] = (struct ord){ r, i };
	}
	qsort(ord, n, sizeof(*ord), by_time);
	fp = fopen(path, "we");
	if (!fp) {
		free(ord);
		return -errno;
	}
	fwrite(tmpl, 1, (size_t)(mark - tmpl), fp);
	fprintf(fp, "#define NPAGES %uU\n#define SEED 0x%" PRIx64 "ULL\n#define NTHREADS %uU\n\n",
		f->npages, f->seed, f->nthreads ? f->nthreads : 1);
	fprintf(fp, "/* movestress's op table (explore-ops.c): any other error of an op is a failure */\n"
		"static const struct legit legit[] = {\n");
	for (k = 0; k < XOP_NR; k++) {
		fprintf(fp, "\t{ \"%s\", ", xop_table[k].name);
		legit_expr(fp, xop_table[k].legit);
		fputs(" },\n", fp);
	}
	fputs("};\n\n/* ops of the log this reproducer cannot replay (left out):", fp);
	for (k = 0; k < XOP_NR; k++)
		if (out[k]) {
			fprintf(fp, " %s", xop_table[k].name);
			if (used < len)
				used += (size_t)snprintf(left_out + used, len - used, "%s%s", used ? "," : "",
							 xop_table[k].name);
		}
	fprintf(fp, "%s */\n", nout ? "" : " none");
	fprintf(fp, "/* the log: %zu op(s) that ran, of %u thread(s), in time order; op kinds:", n, f->nthreads);
	for (k = 0; k < XOP_NR; k++)
		if (seen[k] && !out[k])
			fprintf(fp, " %s", xop_table[k].name);
	fprintf(fp, " */\nstatic const struct op ops[] = {\n");
	for (i = 0; i < n; i++) {
		const struct xrec *r = ord[i].r;

		fprintf(fp, "\t{ \"%s\", %u, %u, %u, %u },\t/* explore/%u t=%" PRIu64 "ns */\n",
			xop_table[r->op].name, r->thread, rec_arg(r), r->slot, r->npages, r->thread, r->t_ns);
	}
	if (!n)
		fprintf(fp, "\t{ \"none\", 0, 0, 0, 0 },\n");
	fprintf(fp, "};\n");
	fputs(mark + strlen("/* @OPS@ */"), fp);
	ret = fclose(fp) ? -EIO : 0;
	free(ord);
	return ret;
}
