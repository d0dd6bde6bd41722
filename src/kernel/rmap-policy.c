// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rmap policies of kernel-patches/6.12 and their roles in a matrix
 * (rmap-policy.h).  A new policy is a row here (and its patch); vm-check
 * learns it from `movestress list --rmap-policies`.
 */
#include "config.h"
#include "kernel/rmap-policy.h"

#include <string.h>

const struct rmap_policy rmap_policies[] = {
	{ .name = "anon_vma", .role = RMAP_BASE, .in_default = true,
	  .help = "MOVE takes the source anon_vma lock in write mode (today's upstream locking)" },
	{ .name = "folio", .role = RMAP_CANDIDATE, .in_default = true,
	  .help = "MOVE skips the anon_vma lock; rmap walkers lock (trylock) the folio (Lokesh Gidra's series)" },
	{ .name = "mark", .role = RMAP_CANDIDATE, .in_default = true,
	  .help = "anon_vmas MOVE touched are marked; only their walkers trylock the folio" },
	{ .name = "folio-unsafe", .role = RMAP_CONTROL, .in_default = true,
	  .needs = "CONFIG_UFFD_MOVE_RMAP_UNSAFE",
	  .help = "the positive control: MOVE skips the anon_vma lock and walkers do not lock the folio" },
	{ .name = "stock", .role = RMAP_STOCK, .in_default = false,
	  .help = "no uffd_move_rmap= on the command line: the kernel's own locking (an unpatched kernel)" },
	{ .name = NULL },
};

const struct rmap_policy *rmap_policy_find(const char *name)
{
	const struct rmap_policy *p;

	for (p = rmap_policies; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const struct rmap_policy *rmap_policy_of_role(enum rmap_role role)
{
	const struct rmap_policy *p;

	for (p = rmap_policies; p->name; p++)
		if (p->role == role)
			return p;
	return NULL;
}

const char *rmap_role_name(enum rmap_role role)
{
	static const char *const names[] = {
		[RMAP_BASE] = "base",
		[RMAP_CANDIDATE] = "candidate",
		[RMAP_CONTROL] = "control",
		[RMAP_STOCK] = "stock",
	};

	return names[role];
}
