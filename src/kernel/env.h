/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_ENV_H
#define MOVESTRESS_ENV_H

#include <stdbool.h>
#include <jansson.h>

#define UFFD_MOVE_SYSFS "/sys/kernel/mm/uffd_move"

struct uffd_info;

/* The environment block of the result. */
json_t *env_collect(const struct uffd_info *uffd);
/*
 * The kernel build this runs on: the object of the file $MOVESTRESS_KERNEL_ID
 * names (vm-check's kernel.json, packed into the guest: scripts/README.md),
 * or NULL when it is not set.  A file that cannot be read gives
 * {"error": "..."}: a result must not claim a kernel it cannot name.
 */
json_t *env_kernel_build(void);
/* environment.kernel_build into a result that has no environment block */
void env_add_kernel_build(json_t *result);
/* rmap policy in force: "anon_vma" etc from the patched kernel, or "unpatched" */
void env_rmap_policy(char *buf, size_t len);
/* io_uring: true if usable; @why says why not */
bool env_io_uring(char *why, size_t len);
/* THP enabled mode string ("always", "madvise", "never") or "unavailable" */
void env_thp_mode(char *buf, size_t len);

#endif
