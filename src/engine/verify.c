// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoints (the oracle on a paused ledger), --inject (the negative
 * control), and the final verification on a quiet address space.
 */
#include "config.h"
#include "engine/engine-int.h"
#include "core/kv.h"
#include "kernel/env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void oracle_input(const struct run *r, struct oracle_input *in, bool pfn)
{
	*in = (struct oracle_input){
		.reg = r->reg, .npages = r->npages, .where = r->where, .gen = r->gen,
		.seed = r->seed, .pfn0 = pfn ? r->pfn0 : NULL,
	};
}

void checkpoint(struct run *r)
{
	struct oracle_result *res = calloc(1, sizeof(*res));
	struct oracle_input in;
	json_t *j;

	pthread_mutex_lock(&r->gate_lock);
	__atomic_store_n(&r->paused, 1, __ATOMIC_RELEASE);
	while (r->parked < r->running)
		pthread_cond_wait(&r->gate_cond, &r->gate_lock);
	pthread_mutex_unlock(&r->gate_lock);

	oracle_input(r, &in, false);
	oracle_check(&in, res);
	j = oracle_to_json(res);
	json_object_set_new(j, "t_ns", json_integer((json_int_t)(now_ns() - r->t0_ns)));
	json_array_append_new(r->checkpoint_results, j);
	r->checkpoint_violations += res->violations;
	if (res->violations && !r->o->quiet)
		oracle_print(stderr, res);
	free(res);
	r->checkpoints++;

	pthread_mutex_lock(&r->gate_lock);
	__atomic_store_n(&r->paused, 0, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
}

/* --inject=KIND:PAGE: the negative control damages one page from user space */
static int inject(struct run *r, char *what, size_t len)
{
	static const char *const kinds[] = { "corrupt", "zero", "dup", "lose", NULL };
	char kind[16];
	unsigned long page;
	unsigned k;
	char *p;

	if (sscanf(r->o->inject, "%15[a-z]:%lu", kind, &page) != 2)
		return -EINVAL;
	if (!strcmp(kind, "hang") || !strcmp(kind, "eexist"))
		return 0;
	for (k = 0; kinds[k] && strcmp(kinds[k], kind); k++)
		;
	if (!kinds[k] || page >= r->npages || r->where[page] == REGION_NONE)
		return -EINVAL;
	p = region_addr(&r->reg[r->where[page]], page);
	switch (k) {
	case 0:
		p[MS_PAGE_SIZE / 2] ^= 0x5a;
		break;
	case 1:
		memset(p, 0, MS_PAGE_SIZE);
		break;
	case 2:
		memcpy(region_addr(&r->reg[r->where[page] ^ 1], page), p, MS_PAGE_SIZE);
		break;
	case 3:
		if (madvise(p, MS_PAGE_SIZE, MADV_DONTNEED))
			return -errno;
		break;
	}
	snprintf(what, len, "%s page %lu in %s", kind, page, r->where[page] == REGION_SRC ? "src" : "dst");
	return 0;
}

int inject_validate(const char *spec, char *err, size_t len)
{
	static const char *const kinds[] = { "corrupt", "zero", "dup", "lose", "hang", "eexist", NULL };
	char kind[16];
	unsigned long page;
	char tail;
	unsigned k;

	if (!spec[0])
		return 0;
	if (sscanf(spec, "%15[a-z]:%lu%c", kind, &page, &tail) != 2) {
		snprintf(err, len, "--inject: invalid value '%s': expected KIND:PAGE with KIND corrupt|zero|dup|lose|hang|eexist", spec);
		return -EINVAL;
	}
	for (k = 0; kinds[k] && strcmp(kinds[k], kind); k++)
		;
	if (!kinds[k]) {
		snprintf(err, len, "--inject: unknown kind '%s': allowed values are corrupt|zero|dup|lose|hang|eexist", kind);
		return -EINVAL;
	}
	return 0;
}

/*
 * The oracle, on a quiet address space.  Unregistering lets khugepaged
 * collapse the regions again, and with THP "always" it fills the empty
 * PTEs of a collapsed range with zero pages (seen in the VM: a dozen
 * "stray" zero pages at the end of a PMD range).  MADV_NOHUGEPAGE first:
 * collapse revalidates the VMA under the mmap lock, so none can start or
 * finish after this.
 */
void verify_run(struct engine_run *e)
{
	struct run *r = &e->run;
	struct opts *o = r->o;
	struct oracle_input in;
	json_t *mig;
	bool migrated;
	unsigned i;

	for (i = 0; i < MS_NR_REGIONS; i++)
		for (unsigned v = 0; v < r->reg[i].nvmas; v++)
			madvise(region_addr(&r->reg[i], (size_t)v * r->reg[i].vma_pages),
				r->reg[i].vma_pages * MS_PAGE_SIZE, MADV_NOHUGEPAGE);
	register_all(r, false, e->why, sizeof(e->why));
	if (r->eexist_page >= 0)
		snprintf(e->verify.injected, sizeof(e->verify.injected), "eexist page %ld: %s", r->eexist_page,
			 r->eexist_fired ? "one MOVE of it reported EEXIST after moving it" :
			 "no MOVE of it could be made to fail (not moved, or only by racing threads)");
	else if (o->inject[0] && inject(r, e->verify.injected, sizeof(e->verify.injected))) {
		fprintf(stderr, "movestress: --inject: page out of range or a hole: %s\n", o->inject);
		snprintf(e->verify.injected, sizeof(e->verify.injected), "invalid");
	}
	e->snap.vm1 = kv_read("/proc/vmstat");
	mig = e->snap.vm0 && e->snap.vm1 ?
	      kv_delta(e->snap.vm0, e->snap.vm1,
		       (const char *const[]){ "pgmigrate_success", "thp_collapse_alloc", NULL }, 0) : NULL;
	migrated = mig && json_object_size(mig);
	if (migrated && r->pfn0)
		json_object_set_new(e->snap.env, "pfn_check_skipped", json_string("the kernel migrated pages during the run (pgmigrate_success/thp_collapse_alloc moved)"));
	oracle_input(r, &in, r->pfn_checkable && r->pfn0 && !migrated);
	oracle_check(&in, e->verify.ores);
	json_decref(mig);
	e->snap.sys1 = dir_read(UFFD_MOVE_SYSFS);
}
