/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * health.h - kernel health: taint flags.
 */
#ifndef MOVESTRESS_HEALTH_H
#define MOVESTRESS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

/* taint bits (include/linux/panic.h) */
#define HEALTH_TAINT_MACHINE_CHECK	(1UL << 4)	/* M */
#define HEALTH_TAINT_BAD_PAGE		(1UL << 5)	/* B */
#define HEALTH_TAINT_DIE		(1UL << 7)	/* D */
#define HEALTH_TAINT_WARN		(1UL << 9)	/* W */
#define HEALTH_TAINT_SOFTLOCKUP		(1UL << 14)	/* L */

/* taints whose appearance during a run is a kernel report */
#define HEALTH_TAINT_REPORT_MASK	(HEALTH_TAINT_MACHINE_CHECK | \
					 HEALTH_TAINT_BAD_PAGE | \
					 HEALTH_TAINT_DIE | \
					 HEALTH_TAINT_WARN | \
					 HEALTH_TAINT_SOFTLOCKUP)

/* read /proc/sys/kernel/tainted; 0 or -errno */
int health_taint_read(unsigned long *taint);

/*
 * Compact letters of the set bits in bit order, as the kernel names them
 * ("WL", "POE"); "" when clean; '?' for bits this version does not know.
 * Always NUL-terminates when len > 0 (truncating if needed).
 */
void health_taint_letters(unsigned long taint, char *buf, size_t len);

/* did a report taint (W, D, B, L, M) appear between before and after? */
bool health_taint_is_report(unsigned long before, unsigned long after);

#endif /* MOVESTRESS_HEALTH_H */
