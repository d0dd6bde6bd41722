/* SPDX-License-Identifier: GPL-2.0-only */
/* The swapped mode's hooks (a row of mode_table[], scenarios/mode-table.c). */
#ifndef MOVESTRESS_MODE_SWAPPED_H
#define MOVESTRESS_MODE_SWAPPED_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

struct opts;
struct run;

int swapped_supported(char *why, size_t len);
unsigned swapped_nextra(const struct opts *o);
int swapped_setup(struct run *r, char *why, size_t len);
void *swapped_mover(void *worker);
void *swapped_toucher(void *worker);
void *swapped_handler(void *worker);
void swapped_report(struct run *r, json_t *mode_result, FILE *f);

#endif
