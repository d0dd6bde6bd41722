/* SPDX-License-Identifier: GPL-2.0-only */
/* `movestress explore` (cli/explore-main.c): the options to an engine configuration, and what it prints. */
#ifndef MOVESTRESS_EXPLORE_MAIN_H
#define MOVESTRESS_EXPLORE_MAIN_H

struct opts;

/* exit code */
int explore_main(struct opts *o);

#endif
