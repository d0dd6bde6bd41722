/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rmap serialisation policies kernel-patches/6.12 offers for
 * UFFDIO_MOVE (boot parameter uffd_move_rmap=, one boot each in vm-check),
 * and what each is for in a matrix: the base the others are measured
 * against, the candidates, the positive control that must fail, and
 * `stock` (no parameter: an unpatched kernel's own locking).  One table,
 * read by the matrix judge, the report and `movestress list
 * --rmap-policies` (which scripts/vm-check asks), so no policy name is
 * compared as a string anywhere else.
 */
#ifndef MOVESTRESS_RMAP_POLICY_H
#define MOVESTRESS_RMAP_POLICY_H

#include <stdbool.h>

/* the series' counter no correct policy moves (patch 6/6): an rmap walk
 * that ended with the folio under another index/root than it walked */
#define RMAP_RACE_COUNTER "rmap_walk_mapping_changed"

enum rmap_role {
	RMAP_BASE,		/* today's locking: what the others are measured against */
	RMAP_CANDIDATE,		/* a proposal under evaluation */
	RMAP_CONTROL,		/* unsafe on purpose: its cells are expected to fail */
	RMAP_STOCK,		/* no uffd_move_rmap= at all (an unpatched kernel) */
};

struct rmap_policy {
	const char *name;	/* uffd_move_rmap=NAME */
	enum rmap_role role;
	bool in_default;	/* in vm-check's default --policies */
	const char *needs;	/* kernel config the policy needs (NULL: none) */
	const char *help;
};

extern const struct rmap_policy rmap_policies[];	/* ends with a NULL name */

/* the row named @name, or NULL */
const struct rmap_policy *rmap_policy_find(const char *name);
/* the first row of @role (the base, the control) */
const struct rmap_policy *rmap_policy_of_role(enum rmap_role role);
/* "base", "candidate", "control", "stock" */
const char *rmap_role_name(enum rmap_role role);

#endif
