/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore --mthp=KB[,KB]: multi-size THP (mTHP) sizes set to "always" for
 * a run, through /sys/kernel/mm/transparent_hugepage/hugepages-KBkB/enabled,
 * as a sysstate shared value (pressure/sysstate.h, like task_delayacct):
 * recorded before the change, a run that wants what another live run set
 * joins it, the last one puts the host's value back (at the end of the
 * command, after a signal, or by `movestress cleanup`), so two runs never
 * undo each other.  The anon folios of each size faulted in during the run
 * come from its stats/anon_fault_alloc (a system-wide counter).
 */
#ifndef MOVESTRESS_MTHP_H
#define MOVESTRESS_MTHP_H

#include <stddef.h>
#include <jansson.h>

#define MTHP_DIR "/sys/kernel/mm/transparent_hugepage/hugepages-"

/*
 * --mthp well formed and every size one of this kernel's, before anything
 * runs: 0, or -EINVAL with the one-line reason in @why; -EOPNOTSUPP when
 * the kernel has no mTHP sizes at all (before 6.8: a skip, not bad input).
 */
int mthp_validate(const char *spec, char *why, size_t len);
/*
 * "always" for every size of @spec; *@state gets one object per size:
 * "host" (its value before any run changed it), "setting" (set: by this
 * run; joined: another live run's; already: the host's own) and the fault
 * counter before.  0, or -errno with @why (-EBUSY: another live run holds
 * the size at another value).
 */
int mthp_hold(const char *spec, json_t **state, char *why, size_t len);
/* each size's "anon_fault_alloc" during the run into @state (the sizes stay held) */
void mthp_measure(json_t *state);

#endif
