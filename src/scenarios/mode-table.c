// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mode table: one row per --mode.  The engine's own mover loops
 * (engine/modes.c) and the scenarios' modes (jank, swapped) side by side,
 * in the one place that may see both; the engine finds its row through
 * engine_hooks()->mode_find.
 */
#include "config.h"
#include "scenarios/mode-table.h"
#include "engine/modes.h"
#include "core/run.h"
#include "scenarios/jank.h"
#include "scenarios/mode-swapped.h"

#include <pthread.h>
#include <string.h>

static int always_supported(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

const struct mode_desc mode_table[] = {
	{
		.name = "partitioned",
		.help = "each mover moves its own distinct pages out of the shared source VMA (seed 002's ART case)",
		.allowed_errs = EXPECTED_RACE,
		.pfn_check_ok = true,
		.mover_kind = "mover",
		.supported = always_supported,
		.mover = partitioned_mover,
	},
	{
		.name = "contended",
		.help = "all movers race to move the same pages; losers see EEXIST/ENOENT",
		.allowed_errs = EXPECTED_RACE | ERRBIT_EEXIST | ERRBIT_ENOENT,
		.pfn_check_ok = true,
		.shared_slots = true,
		.mover_kind = "mover",
		.supported = always_supported,
		.mover = contended_mover,
	},
	{
		.name = "pingpong",
		.help = "each batch moves to the destination and straight back, for the whole run",
		.allowed_errs = EXPECTED_RACE,
		.pfn_check_ok = true,
		.mover_kind = "mover",
		.supported = always_supported,
		.mover = pingpong_mover,
	},
	{
		.name = "thp",
		.help = "PMD-aligned 2 MiB moves of THP-backed memory, one in eight split by a partial move",
		.allowed_errs = EXPECTED_RACE,
		.needs_thp = true,
		.mover_kind = "mover",
		.supported = thp_supported,
		.mover = thp_mover,
	},
	{
		.name = "holes",
		.help = "sparse source moved with UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES",
		.allowed_errs = EXPECTED_RACE,
		.sparse = true,
		.pfn_check_ok = true,
		.mover_kind = "mover",
		.supported = always_supported,
		.mover = partitioned_mover,
	},
	{
		.name = "fault",
		.help = "touchers fault on missing destination pages; handler threads resolve each fault with MOVE",
		.allowed_errs = EXPECTED_RACE | ERRBIT_EEXIST | ERRBIT_ENOENT,
		.pfn_check_ok = true,
		.mover_kind = "toucher",
		.supported = always_supported,
		.mover = fault_toucher,
		.handler = fault_handler,
	},
	{
		.name = "jank",
		.help = "a SCHED_FIFO UI thread on a frame clock (faults resolved by MOVE, own MOVEs) against GC movers of the same VMA; frame stats vs a no-GC baseline",
		.allowed_errs = EXPECTED_RACE | ERRBIT_EEXIST | ERRBIT_ENOENT,
		.pfn_check_ok = true,
		.mover_kind = "gc",
		.supported = always_supported,
		.mover = jank_gc_mover,
		.extra_kind = "ui",
		.nextra = jank_nextra,
		.extra = jank_extra,
		.setup = jank_setup,
		.report = jank_report,
		.teardown = jank_teardown,
	},
	{
		.name = "bare",
		.help = "benchmark baseline: a raw UFFDIO_MOVE loop without per-op bookkeeping (see `movestress bench`)",
		.allowed_errs = 0,
		.pfn_check_ok = true,
		.mover_kind = "mover",
		.supported = always_supported,
		.mover = bare_mover,
	},
	{
		.name = "swapped",
		.help = "move pages that are swapped out or in the swap cache while swapin/N threads fault the same pages back in",
		.allowed_errs = EXPECTED_RACE,
		.mover_kind = "mover",
		.supported = swapped_supported,
		.mover = swapped_mover,
		.handler = swapped_handler,
		.extra_kind = "swapin",
		.nextra = swapped_nextra,
		.extra = swapped_toucher,
		.setup = swapped_setup,
		.report = swapped_report,
	},
	{ .name = NULL },
};

const struct mode_desc *mode_find(const char *name)
{
	const struct mode_desc *m;

	for (m = mode_table; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static const char *mode_name_list[sizeof(mode_table) / sizeof(mode_table[0])];

static void fill_mode_names(void)
{
	size_t i;

	for (i = 0; mode_table[i].name; i++)
		mode_name_list[i] = mode_table[i].name;
}

const char *const *mode_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fill_mode_names);
	return mode_name_list;
}
