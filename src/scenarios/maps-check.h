/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /proc/self/maps snapshot checker: a pure function of the snapshot
 * text and of the VMAs the process knows must be there (seed 004: maps
 * read under per-VMA locks must never show a phantom gap).
 *
 * A snapshot is read in several read() calls and, since 6.17, VMA by
 * VMA under per-VMA locks, so VMAs that change while it is read may
 * appear torn: a VMA extended by a merge after it was shown is shown
 * again from its old start.  That is allowed for VMAs that change.  A
 * stable VMA (one nobody changes during the run) gives hard rules:
 *  - it appears exactly once, with exactly its bounds (else MISSING,
 *    DUPLICATED or OVERLAP: another line covers part of it);
 *  - no line goes back over it: a line starting below the end of a
 *    stable line shown before it (BACKWARDS);
 *  - every line parses and has start < end (PARSE).
 * A covered range (one whose VMAs split and merge but which never has a
 * hole: mprotect, MAP_FIXED replacement) must be covered by the lines,
 * whatever their boundaries (GAP: seed 004's phantom gap).
 * Lines out of order between two unstable VMAs are counted as torn.
 */
#ifndef MOVESTRESS_MAPS_CHECK_H
#define MOVESTRESS_MAPS_CHECK_H

#include <stddef.h>
#include <stdint.h>

/*
 * A VMA that must appear exactly once as [start, end), or a covered range
 * (at most MAPS_COVER_PAGES pages).  Each list sorted, disjoint.
 */
struct maps_range {
	uint64_t start, end;
	const char *what;	/* "guard 3", "src vma 0", ... */
};

enum maps_vkind {
	MV_PARSE,		/* unparseable line, or start >= end */
	MV_MISSING,		/* a stable VMA is not in the snapshot: a phantom gap */
	MV_DUPLICATED,		/* a stable VMA appears twice */
	MV_OVERLAP,		/* a line covers part of a stable VMA */
	MV_BACKWARDS,		/* a line starts below the end of a stable line before it */
	MV_GAP,			/* part of a covered range is in no line: a phantom gap */
	MV_NR_KINDS,
};

#define MAPS_MAX_DETAIL	8
#define MAPS_LINE_MAX	120
#define MAPS_COVER_PAGES 64
#define MAPS_PAGE	4096ULL

struct maps_violation {
	enum maps_vkind kind;
	const char *what;		/* the stable VMA concerned, or NULL */
	uint64_t start, end;		/* its expected bounds */
	unsigned line, other_line;	/* 1-based snapshot line numbers; 0 = none */
	char text[MAPS_LINE_MAX];	/* the offending line */
	char other[MAPS_LINE_MAX];	/* the line it conflicts with (or the neighbour of a gap) */
};

struct maps_result {
	unsigned lines;
	unsigned stable_seen;
	uint64_t torn;			/* out-of-order lines of changing VMAs (allowed) */
	uint64_t violations;
	uint64_t count[MV_NR_KINDS];
	unsigned ndetail;
	struct maps_violation detail[MAPS_MAX_DETAIL];
	char torn_example[2][MAPS_LINE_MAX];
};

struct maps_expect {
	const struct maps_range *stable;	/* exactly once each */
	size_t nstable;
	const struct maps_range *covered;	/* no hole inside */
	size_t ncovered;
	unsigned *seen;				/* scratch: nstable entries */
	uint64_t *cover;			/* scratch: ncovered page bitmaps */
};

/*
 * Check the snapshot @buf (@len bytes of /proc/PID/maps lines) against
 * what @e says must be there.  Returns the number of violations.
 */
uint64_t maps_check(const char *buf, size_t len, const struct maps_expect *e,
		    struct maps_result *res);
const char *maps_vkind_name(enum maps_vkind k);

#endif
