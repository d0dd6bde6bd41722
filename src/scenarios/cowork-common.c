// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the co-workloads' threads share: failure records, the start gate
 * (wait until the movers run, leave when they are gone), the movers'
 * MOVE latency snapshot at the start, small helpers.
 */
#include "config.h"
#include "scenarios/cowork-int.h"
#include "core/kv.h"
#include "scenarios/maps-check.h"
#include "engine/modes.h"
#include "core/oracle.h"
#include "core/run.h"
#include "engine/move.h"
#include "core/stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

bool cw_stopped(const struct cw_thread *t)
{
	return run_stopped(t->cw->r);
}

void record_fail(struct cw_thread *t, const char *fmt, ...)
{
	va_list ap;

	t->failures++;
	if (t->nfail >= CW_MAX_FAIL)
		return;
	va_start(ap, fmt);
	vsnprintf(t->fail[t->nfail++], sizeof(t->fail[0]), fmt, ap);
	va_end(ap);
}

void touch_pages(char *p, size_t pages, uint8_t v)
{
	size_t i;

	for (i = 0; i < pages; i++)
		((volatile char *)p)[i * MS_PAGE_SIZE] = (char)v;
}

/* ---- the start gate and the movers' snapshot ---- */

/*
 * The movers' MOVE latency histograms at the moment the co-workloads
 * start.  Each bucket is an aligned 64-bit counter written by its one
 * mover thread; reading it while the mover runs gives a value at most a
 * few ops behind, which is what an approximate "before" split needs.  The
 * race is deliberate, so it is not instrumented.
 */
__attribute__((no_sanitize("thread")))
static void snapshot_movers(struct cowork *cw)
{
	struct run *r = cw->r;
	unsigned i, b;

	for (i = 0; i < r->nmovers; i++) {
		const struct thread_stats *st = &r->workers[i].st;

		for (b = 0; b < HIST_NR_BUCKETS; b++)
			cw->base_lat->buckets[b] += __atomic_load_n(&st->move_lat.buckets[b], __ATOMIC_RELAXED);
		cw->base_ops += __atomic_load_n(&st->ops, __ATOMIC_RELAXED);
		cw->base_pages += __atomic_load_n(&st->pages, __ATOMIC_RELAXED);
	}
}

/* n, min, max, mean and m2 from the buckets (bucket values: within 1%) */
void hist_from_buckets(struct hist *h)
{
	uint64_t n = 0, v;
	double mean = 0, m2 = 0, d;
	unsigned b;

	h->min = h->max = 0;
	for (b = 0; b < HIST_NR_BUCKETS; b++) {
		uint64_t c = h->buckets[b];

		if (!c)
			continue;
		v = hist_idx_to_val(b);
		if (!n)
			h->min = v;
		h->max = v;
		n += c;
		d = (double)v - mean;
		mean += d * (double)c / (double)n;
		m2 += d * ((double)v - mean) * (double)c;
	}
	h->n = n;
	h->mean = mean;
	h->m2 = m2;
}

/* the run is over for @t: stopped, or (gated) every mover has left */
static bool cw_done(struct cw_thread *t)
{
	return cw_stopped(t) || (t->d->gated && movers_gone(t));
}

/* wait for the leader to open the gate; false if the run ended first */
bool wait_go(struct cw_thread *t)
{
	struct cowork *cw = t->cw;
	struct timespec tick = { 0, 10 * 1000000L };

	if (t == &cw->t[0]) {
		uint64_t until = cw->r->t0_ns + cw->warmup_ns;

		while (now_ns() < until && !cw_done(t)) {
			if (t->d->gated)
				run_gate(cw->r);
			nanosleep(&tick, NULL);
		}
		if (cw_done(t))
			return false;
		snapshot_movers(cw);
		hist_from_buckets(cw->base_lat);
		cw->vm0 = kv_read("/proc/vmstat");
		pthread_mutex_lock(&cw->lock);
		cw->t_go = now_ns();
		__atomic_store_n(&cw->go, 1, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&cw->cond);
		pthread_mutex_unlock(&cw->lock);
		return true;
	}
	while (!__atomic_load_n(&cw->go, __ATOMIC_ACQUIRE)) {
		if (cw_done(t))
			return false;
		if (t->d->gated)
			run_gate(cw->r);
		nanosleep(&tick, NULL);
	}
	return true;
}

/* a gated thread leaves: the checkpoint gate must not wait for it */
void gated_exit(struct cw_thread *t)
{
	struct run *r = t->cw->r;

	pthread_mutex_lock(&r->gate_lock);
	r->running--;
	t->cw->ngated--;
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
}

/* every mover has left (--ops reached): gated threads must go too */
bool movers_gone(struct cw_thread *t)
{
	struct run *r = t->cw->r;
	bool gone;

	pthread_mutex_lock(&r->gate_lock);
	gone = r->running <= t->cw->ngated;
	pthread_mutex_unlock(&r->gate_lock);
	return gone;
}

bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}


void *map_anon(void *addr, size_t len, int prot, int extra)
{
	return mmap(addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
}
