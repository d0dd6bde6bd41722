/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_BENCH_H
#define MOVESTRESS_BENCH_H

struct opts;

/* `movestress bench`: engine overhead and anon_vma scaling, as a table */
int bench_main(struct opts *o);

#endif
