/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The judged matrix written: matrix.txt, matrix.json, matrix.ktap, and
 * `movestress matrix DIR`, the verb scripts/vm-check runs after the boots.
 */
#ifndef MOVESTRESS_MATRIX_OUT_H
#define MOVESTRESS_MATRIX_OUT_H

#include <stddef.h>
#include <stdio.h>

struct opts;

/*
 * Judge the vm-check results directory @dir and write matrix.json,
 * matrix.txt and matrix.ktap into @outdir (NULL: @dir).  The text matrix
 * goes to @text, the KTAP to @ktap (either may be NULL), the control's
 * banner (when it passed every cell) to stderr if @text is given.
 * Returns 0 with the matrix's exit code in *@exit_code, or MS_EXIT_USAGE
 * / MS_EXIT_ENV with a one-line message in @err.
 */
int mx_judge(const char *dir, const char *outdir, FILE *text, FILE *ktap, int *exit_code,
	     char *err, size_t len);

/* `movestress matrix DIR [--output=DIR] [--ktap]` */
int cmd_matrix(struct opts *o, int argc, char **argv, int pos);

#endif
