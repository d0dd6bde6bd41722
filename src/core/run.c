// SPDX-License-Identifier: GPL-2.0-only
/* Small helpers of the run's shared state (core/run.h). */
#include "config.h"
#include "core/run.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void set_thread_name(const char *kind, unsigned idx, char *out16)
{
	snprintf(out16, 16, "%s/%u", kind, idx);
	pthread_setname_np(pthread_self(), out16);
}

long region_slot(const struct region *r, const void *addr)
{
	uintptr_t a = (uintptr_t)addr, b = (uintptr_t)r->base;
	size_t vma, off;

	if (a < b)
		return -1;
	vma = (a - b) / r->vma_stride;
	off = (a - b) % r->vma_stride;
	if (vma >= r->nvmas || off >= r->vma_pages * MS_PAGE_SIZE)
		return -1;
	return (long)(vma * r->vma_pages + off / MS_PAGE_SIZE);
}
