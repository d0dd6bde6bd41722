// SPDX-License-Identifier: GPL-2.0-only
/*
 * THE ORACLE: after the movers stop (and at checkpoints), every stamped
 * page must exist exactly once across the regions, at the place the
 * ledger says, with intact contents of the expected generation.
 * Presence comes from /proc/self/pagemap so that a missing page in a
 * userfaultfd-registered range is never touched (touching it would fault
 * into the uffd and block).
 */
#include "config.h"
#include "core/oracle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kind_names[OV_NR_KINDS] = {
	[OV_LOST] = "lost", [OV_DUPLICATED] = "duplicated", [OV_ZEROED] = "zeroed",
	[OV_CORRUPT] = "corrupt", [OV_GARBAGE] = "garbage", [OV_STALE] = "stale",
	[OV_MISPLACED] = "misplaced", [OV_STRAY] = "stray", [OV_COPIED] = "copied",
	[OV_NOT_ZERO] = "not-zero",
};

const char *oracle_kind_name(enum oracle_kind k)
{
	return kind_names[k];
}

int pagemap_read(int fd, const void *addr, size_t npages, uint64_t *out)
{
	off_t off = (off_t)((uintptr_t)addr / MS_PAGE_SIZE) * sizeof(uint64_t);
	size_t want = npages * sizeof(uint64_t), got = 0;
	ssize_t n;

	while (got < want) {
		n = pread(fd, (char *)out + got, want - got, off + got);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		got += n;
	}
	return 0;
}

static void add(struct oracle_result *res, const struct oracle_violation *v)
{
	res->count[v->kind]++;
	res->violations++;
	if (res->ndetail < ORACLE_MAX_DETAIL)
		res->detail[res->ndetail++] = *v;
}

static void check_slot(const struct oracle_input *in, struct oracle_result *res,
		       uint8_t *seen, unsigned r, size_t s, uint64_t pm)
{
	struct oracle_violation v = { .found_region = (int)r, .found_slot = s };
	const void *page = region_addr(&in->reg[r], s);
	enum stamp_state st;
	struct stamp stp;
	uint32_t id;

	st = stamp_check(page, &stp);
	v.state = st;
	v.found = stp;
	if (in->zero && in->where[s] == r && in->zero[s]) {
		/* a zero page where the ledger has one: zeroes, nothing else */
		seen[s]++;
		if (st == STAMP_ZERO) {
			res->pages_ok++;
			return;
		}
		v.page = (uint32_t)s;
		v.exp_region = in->where[s];
		v.exp_gen = in->gen[s];
		v.kind = OV_NOT_ZERO;
		add(res, &v);
		return;
	}
	if (st == STAMP_ZERO || st == STAMP_GARBAGE) {
		v.page = (uint32_t)s;
		v.exp_region = in->where[s];
		v.exp_gen = in->gen[s];
		if (in->where[s] == r)
			v.kind = st == STAMP_ZERO ? OV_ZEROED : OV_GARBAGE;
		else
			v.kind = st == STAMP_ZERO ? OV_STRAY : OV_GARBAGE;
		if (in->where[s] == r)
			seen[s]++;	/* the slot is accounted for; reported as damage */
		add(res, &v);
		return;
	}
	id = stp.page;
	if (id >= in->npages || stp.seed != in->seed) {
		v.page = (uint32_t)s;
		v.kind = OV_GARBAGE;
		add(res, &v);
		return;
	}
	v.page = id;
	v.exp_region = in->where[id];
	v.exp_gen = in->gen[id];
	if (++seen[id] > 1) {
		v.kind = OV_DUPLICATED;
		add(res, &v);
		return;
	}
	if (st == STAMP_CORRUPT) {
		v.kind = OV_CORRUPT;
		add(res, &v);
		return;
	}
	if (in->where[id] != r || id != s) {
		v.kind = OV_MISPLACED;
		add(res, &v);
		return;
	}
	if (stp.gen != in->gen[id]) {
		v.kind = stp.gen < in->gen[id] ? OV_STALE : OV_CORRUPT;
		add(res, &v);
		return;
	}
	if (in->pfn0 && (pm & PM_PRESENT) && (pm & PM_PFN_MASK) &&
	    (pm & PM_PFN_MASK) != in->pfn0[id]) {
		v.kind = OV_COPIED;
		v.pfn_expected = in->pfn0[id];
		v.pfn_found = pm & PM_PFN_MASK;
		add(res, &v);
		return;
	}
	res->pages_ok++;
}

int oracle_check(const struct oracle_input *in, struct oracle_result *res)
{
	uint64_t *pm = NULL;
	uint8_t *seen = NULL;
	unsigned r, vma;
	size_t s, i;
	int fd, ret = 0;

	memset(res, 0, sizeof(*res));
	res->pfn_checked = in->pfn0 != NULL;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(res->error, sizeof(res->error), "cannot open /proc/self/pagemap: %s",
			 strerror(errno));
		return ret;
	}
	seen = calloc(in->npages, 1);
	pm = calloc(in->reg[0].vma_pages, sizeof(*pm));
	if (!seen || !pm) {
		ret = -ENOMEM;
		snprintf(res->error, sizeof(res->error), "out of memory");
		goto out;
	}
	for (r = 0; r < MS_NR_REGIONS; r++) {
		const struct region *rg = &in->reg[r];

		for (vma = 0; vma < rg->nvmas; vma++) {
			size_t first = (size_t)vma * rg->vma_pages;

			ret = pagemap_read(fd, region_addr(rg, first), rg->vma_pages, pm);
			if (ret) {
				snprintf(res->error, sizeof(res->error),
					 "reading /proc/self/pagemap: %s", strerror(-ret));
				goto out;
			}
			for (i = 0; i < rg->vma_pages; i++) {
				s = first + i;
				res->checked++;
				if (!(pm[i] & (PM_PRESENT | PM_SWAPPED)))
					continue;
				if (pm[i] & PM_PRESENT)
					res->present++;
				else
					res->swapped++;
				check_slot(in, res, seen, r, s, pm[i]);
			}
		}
	}
	for (s = 0; s < in->npages; s++) {
		if (in->where[s] == REGION_NONE)
			continue;
		res->expected_pages++;
		if (!seen[s]) {
			struct oracle_violation v = {
				.kind = OV_LOST, .page = (uint32_t)s, .exp_region = in->where[s],
				.exp_gen = in->gen[s], .found_region = -1,
			};
			add(res, &v);
		}
	}
out:
	free(seen);
	free(pm);
	close(fd);
	return ret;
}

static const char *region_name(int r)
{
	static const char *const names[] = { "src", "dst" };

	if (r < 0)
		return "nowhere";
	if (r == REGION_NONE)
		return "hole";
	return r < MS_NR_REGIONS ? names[r] : "?";
}

json_t *oracle_to_json(const struct oracle_result *res)
{
	json_t *j = json_object(), *counts = json_object(), *arr = json_array();
	unsigned i, k;

	json_object_set_new(j, "pass", json_boolean(!res->violations && !res->error[0]));
	if (res->error[0])
		json_object_set_new(j, "error", json_string(res->error));
	json_object_set_new(j, "expected_pages", json_integer(res->expected_pages));
	json_object_set_new(j, "pages_ok", json_integer(res->pages_ok));
	json_object_set_new(j, "slots_checked", json_integer(res->checked));
	json_object_set_new(j, "present", json_integer(res->present));
	json_object_set_new(j, "swapped", json_integer(res->swapped));
	json_object_set_new(j, "pfn_checked", json_boolean(res->pfn_checked));
	json_object_set_new(j, "violations", json_integer(res->violations));
	for (k = 0; k < OV_NR_KINDS; k++)
		json_object_set_new(counts, kind_names[k], json_integer(res->count[k]));
	json_object_set_new(j, "by_kind", counts);
	for (i = 0; i < res->ndetail; i++) {
		const struct oracle_violation *v = &res->detail[i];
		json_t *e = json_pack("{s:s, s:I, s:{s:s, s:I, s:I}, s:{s:s, s:I, s:s}}",
			"kind", kind_names[v->kind], "page", (json_int_t)v->page,
			"expected", "region", region_name(v->exp_region), "slot", (json_int_t)v->page,
			"gen", (json_int_t)v->exp_gen,
			"found", "region", region_name(v->found_region),
			"slot", (json_int_t)v->found_slot, "state", stamp_state_name(v->state));

		if (v->found_region >= 0 && (v->state == STAMP_OK || v->state == STAMP_CORRUPT)) {
			json_t *f = json_object_get(e, "found");

			json_object_set_new(f, "stamp_page", json_integer(v->found.page));
			json_object_set_new(f, "stamp_gen", json_integer(v->found.gen));
			json_object_set_new(f, "stamp_region", json_integer(v->found.region));
		}
		if (v->kind == OV_COPIED) {
			json_object_set_new(e, "pfn_expected", json_integer((json_int_t)v->pfn_expected));
			json_object_set_new(e, "pfn_found", json_integer((json_int_t)v->pfn_found));
		}
		json_array_append_new(arr, e);
	}
	json_object_set_new(j, "first", arr);
	return j;
}

void oracle_print(FILE *f, const struct oracle_result *res)
{
	unsigned i, k;

	if (res->error[0]) {
		fprintf(f, "  oracle: ERROR: %s\n", res->error);
		return;
	}
	if (!res->violations) {
		fprintf(f, "  oracle: PASS: %llu/%llu pages intact, each exactly once (%llu present, %llu swapped%s)\n",
			(unsigned long long)res->pages_ok, (unsigned long long)res->expected_pages,
			(unsigned long long)res->present, (unsigned long long)res->swapped,
			res->pfn_checked ? ", page frames unchanged" : "");
		return;
	}
	fprintf(f, "  oracle: FAIL: %llu violation(s):", (unsigned long long)res->violations);
	for (k = 0; k < OV_NR_KINDS; k++)
		if (res->count[k])
			fprintf(f, " %s=%llu", kind_names[k], (unsigned long long)res->count[k]);
	fputc('\n', f);
	for (i = 0; i < res->ndetail; i++) {
		const struct oracle_violation *v = &res->detail[i];

		fprintf(f, "    page %u: %s: expected {region=%s slot=%u gen=%u}",
			v->page, kind_names[v->kind], region_name(v->exp_region), v->page, v->exp_gen);
		if (v->found_region < 0)
			fprintf(f, ", found nowhere\n");
		else if (v->state == STAMP_OK || v->state == STAMP_CORRUPT)
			fprintf(f, ", found {region=%s slot=%zu stamp page=%u gen=%u born=%s} (%s)\n",
				region_name(v->found_region), v->found_slot, v->found.page,
				v->found.gen, region_name(v->found.region), stamp_state_name(v->state));
		else
			fprintf(f, ", found {region=%s slot=%zu} %s\n",
				region_name(v->found_region), v->found_slot, stamp_state_name(v->state));
	}
}
