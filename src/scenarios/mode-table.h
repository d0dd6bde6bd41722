/* SPDX-License-Identifier: GPL-2.0-only */
/* The mode table (--mode): rows of struct mode_desc (engine/modes.h). */
#ifndef MOVESTRESS_MODE_TABLE_H
#define MOVESTRESS_MODE_TABLE_H

#include "engine/modes.h"

extern const struct mode_desc mode_table[];
const struct mode_desc *mode_find(const char *name);
const char *const *mode_names(void);

#endif
