/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore --mthp=KB[,KB]: multi-size THP (mTHP) sizes set to "always" for
 * a run, through /sys/kernel/mm/transparent_hugepage/hugepages-KBkB/enabled,
 * recorded with sysstate first (restored at the end, after a signal and by
 * `movestress cleanup`); the anon folios of each size faulted in during
 * the run from its stats/anon_fault_alloc.
 */
#ifndef MOVESTRESS_MTHP_H
#define MOVESTRESS_MTHP_H

#include <stddef.h>
#include <jansson.h>

#define MTHP_DIR "/sys/kernel/mm/transparent_hugepage/hugepages-"

/*
 * "always" for every size of @spec; *@state gets one object per size
 * (the fault counter before).  0, MS_EXIT_USAGE (not an mTHP size of
 * this kernel) or MS_EXIT_ENV, one line printed.
 */
int mthp_setup(const char *spec, json_t **state);
/* each size's "anon_fault_alloc" during the run into @state; the sizes restored */
void mthp_done(json_t *state);

#endif
