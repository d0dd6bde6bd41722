/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `movestress man TEMPLATE`: the man page, with the OPTIONS section
 * generated from opt_table[] so that it cannot drift from --help.
 * man/movestress.1 is its checked-in output (make update-man).
 */
#ifndef MOVESTRESS_MANPAGE_H
#define MOVESTRESS_MANPAGE_H

#include <stdio.h>

struct opts;

/* copy @template to @out, replacing @VERSION@ and the line @OPTIONS@; 0 or -errno */
int man_write(FILE *out, const char *template_path);
int cmd_man(struct opts *o, int argc, char **argv, int pos);

#endif
