/* SPDX-License-Identifier: GPL-2.0-only */
/* A GC burst of the jank scenario (--gc-bursts, replay files' gc.bursts). */
#ifndef MOVESTRESS_JANK_BURST_H
#define MOVESTRESS_JANK_BURST_H

#include <stdint.h>

#define JANK_MAX_BURSTS 16

struct jank_burst {
	uint64_t at_ns;		/* after the GC phase starts */
	uint64_t pages;		/* pages moved per occurrence, split between threads */
	unsigned threads;	/* gc/0 .. gc/threads-1 take part */
	uint64_t every_ns;	/* repeat period, 0 = once */
};

#endif
