// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every pressure backend thread uses (pressure-int.h): the clock,
 * the stop flag, an interruptible sleep and the per-thread op record.
 * Apart from pressure.c so that the backends in their own files
 * (memcg.c, damon.c, page-idle.c, pagemap-sampler.c) do not call back
 * into it.
 */
#include "config.h"
#include "pressure/pressure-int.h"
#include "core/run.h"
#include "core/trace-json.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

uint64_t pressure_now(void)
{
	return now_ns();
}

bool pressure_stopped(const struct pressure *p)
{
	return __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
}

bool pressure_sleep(const struct pressure *p, uint64_t ns)
{
	uint64_t end = now_ns() + ns, t;

	while (!pressure_stopped(p) && (t = now_ns()) < end) {
		uint64_t left = end - t, step = left > 20000000ULL ? 20000000ULL : left;
		struct timespec ts = { (time_t)(step / 1000000000ULL), (long)(step % 1000000000ULL) };

		nanosleep(&ts, NULL);
	}
	return !pressure_stopped(p);
}

void pstat_record(struct pstats *st, uint64_t lat, int err, uint64_t bytes, const char *what)
{
	if (st->trace && lat) {
		uint64_t t = now_ns();

		trace_slice(st->trace, "reclaim", what, t - lat, t, NULL);
	}
	hist_add(&st->lat, lat);
	st->ops++;
	st->bytes += bytes;
	if (!err) {
		st->ok++;
	} else if (err == EAGAIN || err == EBUSY) {
		st->partial++;
	} else {
		st->errors++;
		st->last_err = err;
		snprintf(st->last_what, sizeof(st->last_what), "%s", what);
	}
	__atomic_store_n(&st->progress, st->progress + 1, __ATOMIC_RELAXED);
}

int pressure_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}
