// SPDX-License-Identifier: GPL-2.0-only
/*
 * Proof that the pressure reached the moving pages: a thread samples
 * /proc/self/pagemap for both regions (a page is its slot, wherever it is)
 * and, where a backend needs it and the frames are readable (root),
 * /proc/kpageflags for the present ones.  Per slot it keeps what was ever
 * seen while the movers ran under pressure: swapped out, in the swap
 * cache, idle, deactivated, non-present; and a timeline of counts with
 * the movers' progress at each sample.
 */
#include "config.h"
#include "core/oracle.h"
#include "pressure/pressure-int.h"
#include "core/run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KPF_LRU		5
#define KPF_ACTIVE	6
#define KPF_SWAPCACHE	13
#define KPF_IDLE	25
#define TIMELINE_MAX	600

struct sampler {
	struct pressure *p;
	struct run *r;
	pthread_t th;
	bool started;
	bool kpf;
	int pm_fd, kpf_fd;
	uint64_t interval_ns;
	uint8_t *seen;		/* EV_* seen under pressure while movers ran */
	uint8_t *seen_warm;	/* EV_* seen during the warm-up */
	uint8_t *swapped_in;	/* region (1 + id) where last seen swapped, 0 = none */
	uint64_t *first_swapped_ns;
	uint64_t *pm[MS_NR_REGIONS];
	uint64_t samples, pressure_samples, swapped_moved;
	uint64_t max_swapped, max_nonpresent;
	json_t *timeline;
	unsigned tl_every, tl_skip;
	char why[160];
};

static uint64_t movers_pages(const struct run *r)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < r->nmovers; i++)
		sum += __atomic_load_n(&r->workers[i].st.pages, __ATOMIC_RELAXED);
	return sum;
}

static void sample_once(struct sampler *s)
{
	struct run *r = s->r;
	const struct region *src = &r->reg[REGION_SRC];
	uint64_t t = now_ns(), tp = __atomic_load_n(&s->p->t_pressure, __ATOMIC_ACQUIRE);
	bool pressure = tp && !__atomic_load_n(&r->movers_done, __ATOMIC_ACQUIRE);
	uint64_t cnt[EV_NR + 1] = { 0 }, present = 0;
	unsigned v, g;
	size_t i;

	for (v = 0; v < src->nvmas; v++) {
		for (g = 0; g < MS_NR_REGIONS; g++)
			if (pagemap_read(s->pm_fd, region_addr(&r->reg[g], (size_t)v * src->vma_pages),
					 src->vma_pages, s->pm[g]))
				return;
		for (i = 0; i < src->vma_pages; i++) {
			size_t slot = (size_t)v * src->vma_pages + i;
			uint8_t where = __atomic_load_n(&r->where[slot], __ATOMIC_RELAXED), bits = 0;
			uint8_t *seen = pressure ? &s->seen[slot] : &s->seen_warm[slot];
			uint64_t e = 0;

			if (where == REGION_NONE)
				continue;
			for (g = 0; g < MS_NR_REGIONS; g++) {
				uint64_t eg = s->pm[g][i];

				if (eg & PM_SWAPPED) {
					bits |= EV_SWAPPED;
					if (pressure && s->swapped_in[slot] && s->swapped_in[slot] != g + 1)
						s->swapped_moved++;	/* a swap entry that a MOVE carried */
					s->swapped_in[slot] = g + 1;
					if (!s->first_swapped_ns[slot])
						s->first_swapped_ns[slot] = t - r->t0_ns;
				}
				if (eg & PM_PRESENT)
					e = eg;
			}
			if (!e && !bits)
				bits |= EV_NONPRESENT;
			if (e) {
				present++;
				if (!(bits & EV_SWAPPED))
					s->swapped_in[slot] = 0;
			}
			if (e && s->kpf && (e & PM_PFN_MASK)) {
				uint64_t f;

				if (pread(s->kpf_fd, &f, sizeof(f), (off_t)((e & PM_PFN_MASK) * 8)) == sizeof(f)) {
					if (f & (1ULL << KPF_SWAPCACHE))
						bits |= EV_SWAPCACHE;
					if (f & (1ULL << KPF_IDLE))
						bits |= EV_IDLE;
					if (f & (1ULL << KPF_ACTIVE))
						bits |= EV_ACTIVE;
					else if ((f & (1ULL << KPF_LRU)) && ((s->seen[slot] | s->seen_warm[slot]) & EV_ACTIVE))
						bits |= EV_DEACT;
				}
			}
			*seen |= bits;
			for (g = 0; g < EV_NR; g++)
				if (bits & (1u << g))
					cnt[g]++;
		}
	}
	s->samples++;
	if (pressure)
		s->pressure_samples++;
	if (cnt[0] > s->max_swapped)
		s->max_swapped = cnt[0];
	if (cnt[4] > s->max_nonpresent)
		s->max_nonpresent = cnt[4];
	if (s->tl_skip++ % s->tl_every)
		return;
	json_array_append_new(s->timeline, json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"t_ms", (json_int_t)((t - r->t0_ns) / 1000000), "phase",
		!tp ? "warmup" : pressure ? "pressure" : "after",
		"moved_pages", (json_int_t)movers_pages(r), "present", (json_int_t)present,
		"swapped", (json_int_t)cnt[0], "swapcache", (json_int_t)cnt[1], "idle", (json_int_t)cnt[2],
		"deactivated", (json_int_t)cnt[3], "nonpresent", (json_int_t)cnt[4]));
}

static void *sampler_main(void *arg)
{
	struct sampler *s = arg;
	char name[16];

	set_thread_name("sampler", 0, name);
	while (!pressure_stopped(s->p)) {
		uint64_t t0 = now_ns(), took;

		sample_once(s);
		took = now_ns() - t0;
		/* at most a quarter of a CPU */
		pressure_sleep(s->p, s->interval_ns > 3 * took ? s->interval_ns : 3 * took);
	}
	return NULL;
}

int source_pfns(struct run *r, uint64_t **pfns, size_t *n)
{
	const struct region *src = &r->reg[REGION_SRC];
	uint64_t *pm[MS_NR_REGIONS], *out;
	unsigned v, g;
	size_t i;
	int fd, ret = 0;

	out = calloc(r->npages, sizeof(*out));
	pm[0] = calloc(src->vma_pages, sizeof(uint64_t));
	pm[1] = calloc(src->vma_pages, sizeof(uint64_t));
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (!out || !pm[0] || !pm[1] || fd < 0) {
		ret = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (v = 0; v < src->nvmas && !ret; v++) {
		for (g = 0; g < MS_NR_REGIONS && !ret; g++)
			ret = pagemap_read(fd, region_addr(&r->reg[g], (size_t)v * src->vma_pages),
					   src->vma_pages, pm[g]);
		for (i = 0; i < src->vma_pages && !ret; i++)
			for (g = 0; g < MS_NR_REGIONS; g++)
				if (pm[g][i] & PM_PRESENT)
					out[(size_t)v * src->vma_pages + i] = pm[g][i] & PM_PFN_MASK;
	}
out:
	if (fd >= 0)
		close(fd);
	free(pm[0]);
	free(pm[1]);
	if (ret) {
		free(out);
		return ret;
	}
	*pfns = out;
	*n = r->npages;
	return 0;
}

struct sampler *sampler_start(struct pressure *p, bool kpageflags, char *why, size_t len)
{
	struct run *r = p->r;
	struct sampler *s = calloc(1, sizeof(*s));
	uint64_t expect;
	unsigned g;

	if (!s) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	s->p = p;
	s->r = r;
	s->kpf_fd = -1;
	s->interval_ns = 50 * 1000000ULL;
	expect = r->o->runtime_ns / s->interval_ns + 1;
	s->tl_every = expect > TIMELINE_MAX ? (unsigned)(expect / TIMELINE_MAX + 1) : 1;
	s->seen = calloc(r->npages, 1);
	s->seen_warm = calloc(r->npages, 1);
	s->swapped_in = calloc(r->npages, 1);
	s->first_swapped_ns = calloc(r->npages, sizeof(uint64_t));
	for (g = 0; g < MS_NR_REGIONS; g++)
		s->pm[g] = calloc(r->reg[REGION_SRC].vma_pages, sizeof(uint64_t));
	s->timeline = json_array();
	s->pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (!s->seen || !s->seen_warm || !s->swapped_in || !s->first_swapped_ns || !s->pm[0] ||
	    !s->pm[1] || s->pm_fd < 0) {
		snprintf(why, len, "%s", s->pm_fd < 0 ? "cannot open /proc/self/pagemap" : "out of memory");
		sampler_free(s);
		return NULL;
	}
	if (kpageflags) {
		s->kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
		if (s->kpf_fd < 0)
			snprintf(s->why, sizeof(s->why), "/proc/kpageflags: %s", strerror(errno));
		else
			s->kpf = true;
	}
	if (pthread_create(&s->th, NULL, sampler_main, s)) {
		snprintf(why, len, "pthread_create failed");
		sampler_free(s);
		return NULL;
	}
	s->started = true;
	return s;
}

void sampler_stop(struct sampler *s)
{
	if (s->started)
		pthread_join(s->th, NULL);
	s->started = false;
}

json_t *sampler_report(struct sampler *s, unsigned evidence, uint64_t *reached, uint64_t *total)
{
	struct run *r = s->r;
	uint64_t n = 0, hit = 0, warm = 0, cnt[EV_NR] = { 0 }, first = UINT64_MAX, last = 0;
	static const char *const names[EV_NR] = { "swapped", "swapcache", "idle", "deactivated", "nonpresent" };
	json_t *seen = json_object(), *j;
	size_t i;
	unsigned g;

	for (i = 0; i < r->npages; i++) {
		if (r->where[i] == REGION_NONE)
			continue;
		n++;
		if (s->seen[i] & evidence)
			hit++;
		if (s->seen_warm[i] & evidence)
			warm++;
		for (g = 0; g < EV_NR; g++)
			if (s->seen[i] & (1u << g))
				cnt[g]++;
		if (s->first_swapped_ns[i]) {
			if (s->first_swapped_ns[i] < first)
				first = s->first_swapped_ns[i];
			if (s->first_swapped_ns[i] > last)
				last = s->first_swapped_ns[i];
		}
	}
	for (g = 0; g < EV_NR; g++)
		json_object_set_new(seen, names[g], json_integer((json_int_t)cnt[g]));
	j = json_pack("{s:I, s:I, s:f, s:I, s:o, s:I, s:I, s:I, s:I, s:b}", "pages", (json_int_t)n,
		      "reached", (json_int_t)hit, "fraction", n ? (double)hit / n : 0.0,
		      "reached_during_warmup", (json_int_t)warm, "seen_under_pressure", seen,
		      "samples", (json_int_t)s->samples, "pressure_samples", (json_int_t)s->pressure_samples,
		      "max_swapped_at_once", (json_int_t)s->max_swapped,
		      "swapped_pages_moved", (json_int_t)s->swapped_moved, "kpageflags", s->kpf);
	if (first != UINT64_MAX)
		json_object_set_new(j, "first_swapped_ms", json_pack("{s:f, s:f}", "earliest", first / 1e6,
					"latest", last / 1e6));
	if (s->why[0])
		json_object_set_new(j, "kpageflags_reason", json_string(s->why));
	if (reached)
		*reached = hit;
	if (total)
		*total = n;
	return j;
}

json_t *sampler_timeline(struct sampler *s)
{
	return json_incref(s->timeline);
}

void sampler_free(struct sampler *s)
{
	unsigned g;

	if (!s)
		return;
	sampler_stop(s);
	if (s->pm_fd >= 0)
		close(s->pm_fd);
	if (s->kpf_fd >= 0)
		close(s->kpf_fd);
	free(s->seen);
	free(s->seen_warm);
	free(s->swapped_in);
	free(s->first_swapped_ns);
	for (g = 0; g < MS_NR_REGIONS; g++)
		free(s->pm[g]);
	json_decref(s->timeline);
	free(s);
}
