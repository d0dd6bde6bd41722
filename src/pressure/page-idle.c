// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page_idle backend: a thread that sets the idle bits of the source
 * frames in /sys/kernel/mm/page_idle/bitmap
 * (Documentation/admin-guide/mm/idle_page_tracking.rst), over and over.
 * Each write makes the kernel call page_idle_clear_pte_refs(), an rmap
 * walk of each of our folios in that word that skips the folio lock for
 * anon folios.  Needs root (physical frame numbers) and
 * CONFIG_IDLE_PAGE_TRACKING; changes no host state.
 */
#include "config.h"
#include "core/run.h"
#include "pressure/pressure-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PAGE_IDLE_BITMAP "/sys/kernel/mm/page_idle/bitmap"

static int page_idle_supported(char *why, size_t len)
{
	if (access(PAGE_IDLE_BITMAP, F_OK)) {
		snprintf(why, len, "no %s (kernel without CONFIG_IDLE_PAGE_TRACKING)", PAGE_IDLE_BITMAP);
		return -ENOENT;
	}
	if (access(PAGE_IDLE_BITMAP, W_OK) || geteuid()) {
		snprintf(why, len, "%s needs root", PAGE_IDLE_BITMAP);
		return -EPERM;
	}
	return 0;
}

/*
 * Each op writes one 64-bit word of the bitmap (64 frames), which makes
 * the kernel call page_idle_clear_pte_refs() -> rmap walk on each of our
 * folios in it.  The frames are re-read from pagemap every round, since
 * reclaim and swap-in change them.
 */
static void *page_idle_thread(void *arg)
{
	struct pthread_ctx *c = arg;
	uint64_t *pfn = NULL, ones = ~0ULL, prev;
	size_t n = 0, k;
	int fd = open(PAGE_IDLE_BITMAP, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		pstat_record(&c->st, 0, errno, 0, "open page_idle/bitmap");
		return NULL;
	}
	while (!pressure_stopped(c->p)) {
		free(pfn);
		pfn = NULL;
		if (source_pfns(c->p->r, &pfn, &n))
			break;
		qsort(pfn, n, sizeof(*pfn), pressure_cmp_u64);
		prev = UINT64_MAX;
		for (k = 0; k < n && !pressure_stopped(c->p); k++) {
			uint64_t word = pfn[k] / 64, t0;
			int err;

			if (!pfn[k] || word == prev)
				continue;
			prev = word;
			t0 = now_ns();
			err = pwrite(fd, &ones, sizeof(ones), (off_t)(word * 8)) == sizeof(ones) ? 0 : errno;
			pstat_record(&c->st, now_ns() - t0, err, 64 * MS_PAGE_SIZE, "page_idle bitmap write");
		}
		pressure_sleep(c->p, 10 * PRESSURE_PAUSE_NS);
	}
	free(pfn);
	close(fd);
	return NULL;
}

const struct pressure_backend page_idle_backend = {
	.name = "page_idle",
	.help = "/sys/kernel/mm/page_idle/bitmap writes over the source frames (page_idle_clear_pte_refs)",
	.supported = page_idle_supported,
	.evidence = EV_IDLE,
	.evidence_help = "pages seen with the idle flag (kpageflags)",
	.thread_kind = "pageidle",
	.thread = page_idle_thread,
};
