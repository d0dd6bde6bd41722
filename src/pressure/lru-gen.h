/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --lru-gen=keep|on|off: which LRU reclaim runs during a run.
 *
 * With the multi-gen LRU enabled, reclaim calls folio_referenced() only
 * from shrink_folio_list() with the folio locked; with the classic LRU,
 * shrink_active_list() walks the rmap of anon folios without the folio
 * lock, the walker the kernel-patches series is about.  The switch is
 * /sys/kernel/mm/lru_gen/enabled (Documentation/admin-guide/mm/
 * multigen_lru.rst: a bitmask, 0x0001 the main switch; y/n for all
 * components), changed through sysstate ("value") and restored at the
 * end of the run, after SIGINT/SIGTERM and by `movestress cleanup`.
 */
#ifndef MOVESTRESS_LRU_GEN_H
#define MOVESTRESS_LRU_GEN_H

#include <stdbool.h>
#include <stddef.h>

#define LRU_GEN_ENABLED "/sys/kernel/mm/lru_gen/enabled"

/* the values of --lru-gen, for the option table */
const char *const *lru_gen_names(void);

/*
 * The LRU in force: "multi-gen", "classic" or "unknown" (unreadable);
 * @buf receives "absent" (no CONFIG_LRU_GEN) or the file's content
 * ("0x0007"), or why it could not be read.
 */
const char *lru_gen_state(char *buf, size_t len);

/*
 * Apply --lru-gen=@want before the run: 0 (a change is recorded with
 * sysstate_record() first, so sysstate_restore_all() and `movestress
 * cleanup` undo it), -EOPNOTSUPP for a skip (this kernel or user cannot;
 * @why says why), -EINVAL for an unknown value, other -errno with @why
 * (nothing changed then).
 */
int lru_gen_apply(const char *want, char *why, size_t len);

#endif
