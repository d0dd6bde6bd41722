// SPDX-License-Identifier: GPL-2.0-only
/*
 * What decides the verdict beyond the oracle: kernel health (taint,
 * /dev/kmsg reports, the watchdog), the patched kernels' rmap race
 * counter, and the MOVE page accounting.
 */
#include "config.h"
#include "engine/verdict.h"
#include "kernel/health.h"
#include "kernel/klog.h"

#include <stdio.h>
#include <string.h>

#define MAX_REPORTS 16

json_t *health_block(struct run *r, unsigned long taint0, int taint_err,
			    const char *marker, struct verdict *v, FILE *out)
{
	struct klog_report rep[MAX_REPORTS];
	unsigned long taint1 = 0;
	size_t lines = 0;
	char l0[32], l1[32];
	json_t *h = json_object(), *k;
	int n, terr;

	terr = health_taint_read(&taint1);
	if (!taint_err && !terr) {
		health_taint_letters(taint0, l0, sizeof(l0));
		health_taint_letters(taint1, l1, sizeof(l1));
		json_object_set_new(h, "taint", json_pack("{s:I, s:I, s:s, s:s, s:b}",
				    "before", (json_int_t)taint0, "after", (json_int_t)taint1,
				    "before_flags", l0, "after_flags", l1,
				    "new_report", health_taint_is_report(taint0, taint1)));
		if (health_taint_is_report(taint0, taint1)) {
			v->name = "kernel-report";
			v->code = MS_EXIT_KERNEL_REPORT;
		}
	} else {
		json_object_set_new(h, "taint", json_pack("{s:s}", "unavailable", strerror(-(terr ? terr : taint_err))));
	}
	n = klog_scan_since(marker, rep, MAX_REPORTS, &lines);
	if (n < 0) {
		char why[128];

		snprintf(why, sizeof(why), "unavailable: /dev/kmsg: %s", strerror(-n));
		k = json_pack("{s:b, s:s}", "available", 0, "reason", why);
		if (out)
			fprintf(out, "  kernel: kmsg %s\n", why);
	} else {
		k = json_pack("{s:b, s:I, s:o}", "available", 1, "lines_scanned", (json_int_t)lines,
			      "reports", klog_reports_to_json(rep, n));
		if (n) {
			json_object_set_new(k, "first_title", json_string(rep[0].title));
			v->name = "kernel-report";
			v->code = MS_EXIT_KERNEL_REPORT;
		}
	}
	json_object_set_new(h, "kmsg", k);
	if (out) {
		fprintf(out, "  kernel: taint %s -> %s", taint_err ? "?" : l0[0] ? l0 : "0",
			terr ? "?" : (health_taint_letters(taint1, l1, sizeof(l1)), l1[0] ? l1 : "0"));
		if (n > 0)
			fprintf(out, ", %d report(s), first: %s (%s)\n", n, rep[0].title,
				klog_kind_name(rep[0].kind));
		else if (n == 0)
			fprintf(out, ", kmsg: no reports (%zu lines scanned)\n", lines);
		else
			fputc('\n', out);
	}
	if (r->hung) {
		json_object_set_new(h, "watchdog", json_pack("{s:b, s:O}", "hang", 1, "threads", r->hang_info));
		v->name = "hang";
		v->code = MS_EXIT_HANG;
	} else {
		json_object_set_new(h, "watchdog", json_pack("{s:b, s:I}", "hang", 0, "timeout_ns",
							     (json_int_t)r->o->hang_timeout_ns));
	}
	return h;
}

/*
 * The patched kernels count rmap walks that found folio->mapping changed
 * under them (rmap_walk_mapping_changed): a MOVE re-pointed the folio
 * while a walker that should have been excluded was walking it.  Under
 * any policy that is a serialisation bug (the folio-unsafe control exists
 * to make it happen), so it is a kernel report like a KASAN splat.
 */
void rmap_race_check(json_t *result, struct verdict *v, FILE *out)
{
	json_t *kernel = json_object_get(result, "kernel"), *health = json_object_get(result, "health");
	json_int_t n = json_integer_value(json_object_get(json_object_get(kernel, "counters"),
							  "rmap_walk_mapping_changed"));
	const char *policy = json_string_value(json_object_get(kernel, "rmap_policy"));
	char title[160];

	if (n <= 0)
		return;
	snprintf(title, sizeof(title), "rmap walk saw folio->mapping change under it %lld time(s) (uffd_move_rmap=%s)",
		 (long long)n, policy ? policy : "?");
	json_object_set_new(health, "rmap_race", json_pack("{s:I, s:s, s:s}", "rmap_walk_mapping_changed",
							   n, "policy", policy ? policy : "?", "title", title));
	if (v->code != MS_EXIT_HANG) {
		v->name = "kernel-report";
		v->code = MS_EXIT_KERNEL_REPORT;
	}
	if (out)
		fprintf(out, "  kernel: RACE: %s\n", title);
}

/*
 * The patched kernels count every page MOVE reported as moved
 * (uffd_move_pages, holes included as the ioctl's return does).  With no
 * other MOVE user on the machine (the VM) that delta must equal what our
 * ioctls were told: more means a MOVE moved pages it did not report (a
 * wrong uffdio_move.move on a short move), fewer means a MOVE reported
 * pages it did not count, or our own accounting dropped some.  Either
 * breaks the ledger the oracle trusts, so a mismatch fails the run.
 */
void move_accounting_check(const struct run *r, json_t *result, json_t *mode_res,
				  struct verdict *v, FILE *out)
{
	uint64_t user = r->side_moved_pages;
	unsigned i;

	for (i = 0; i < r->nworkers; i++)
		user += r->workers[i].st.pages;
	move_accounting_pages(user, result, mode_res, v, out);
}

/* the check itself: @user pages our ioctls were told moved; the verdict into @into */
void move_accounting_pages(uint64_t user, json_t *result, json_t *into, struct verdict *v, FILE *out)
{
	json_t *k = json_object_get(json_object_get(json_object_get(result, "kernel"), "counters"),
				    "uffd_move_pages");
	uint64_t kern;

	if (!json_is_integer(k)) {
		json_object_set_new(into, "move_accounting", json_pack("{s:s}", "unavailable",
				    "no uffd_move_pages in /proc/vmstat (a kernel without kernel-patches/)"));
		return;
	}
	kern = (uint64_t)json_integer_value(k);
	json_object_set_new(into, "move_accounting", json_pack("{s:I, s:I, s:b}",
			    "kernel_pages", (json_int_t)kern, "ioctl_pages", (json_int_t)user,
			    "match", kern == user));
	if (out)
		fprintf(out, "  move accounting: kernel uffd_move_pages +%llu, our ioctls were told %llu: %s\n",
			(unsigned long long)kern, (unsigned long long)user,
			kern == user ? "match" : "MISMATCH (another MOVE user on this machine also explains it)");
	if (kern != user && (v->code == MS_EXIT_PASS || v->code == MS_EXIT_KNOWN_BUG ||
			     v->code == MS_EXIT_INTERRUPTED)) {
		v->name = "failure";
		v->code = MS_EXIT_FAILURE;
	}
}
