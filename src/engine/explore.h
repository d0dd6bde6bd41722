/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `movestress explore`: the second engine (explore.c), its op table
 * (explore-ops.c) and op log (explore-log.c).  The types and helpers the
 * explore files share are in explore-int.h, which this includes.
 */
#ifndef MOVESTRESS_EXPLORE_H
#define MOVESTRESS_EXPLORE_H

#include "engine/explore-int.h"

#endif
