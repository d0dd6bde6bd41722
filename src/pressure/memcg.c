// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memcg reclaim backend.  The run moves itself into a private memory
 * cgroup (a child of the one it runs in) before the regions are
 * populated, so the source pages are charged there; then a thread drives
 * reclaim of that cgroup over and over, so shrink_active_list() and
 * shrink_folio_list() call folio_referenced() on the source folios while
 * they move.
 *
 * cgroup v2 (memory controller on the unified hierarchy): write a byte
 * count to memory.reclaim.  cgroup v1: lower memory.limit_in_bytes below
 * the usage (the kernel reclaims down to it, or answers EBUSY), then lift
 * the limit again; both writes are one timed op each.
 */
#include "config.h"
#include "core/kv.h"
#include "pressure/pressure-int.h"
#include "core/run.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct memcg_priv {
	int version;			/* 1 or 2 */
	char path[1100];		/* our private cgroup */
	char orig[1040];		/* the cgroup we came from */
	int rec_id, subtree_id;
	uint64_t chunk;			/* bytes per reclaim op */
	json_t *stat0, *stat1;
	uint64_t usage_max;
	bool oom_off;			/* v1: memory.oom_control = 1 (the cgroup is ours) */
	uint64_t oom_wakeups;		/* v1: waiters woken after a missed lift (memcg1_wake_oom_waiters) */
	uint64_t floor;			/* v1: the limit goes no lower (run.pressure_memcg_floor), 0 = none */
};

/* mount point of the v1 hierarchy with the memory controller, or of cgroup2 */
static int find_mount(int version, char *out, size_t len)
{
	char dev[256], mnt[512], type[64], opts[1024], *line = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/mounts", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	/* line by line: option strings (overlayfs) can be longer than any buffer */
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%255s %511s %63s %1023s", dev, mnt, type, opts) != 4)
			continue;
		if (version == 1 && !strcmp(type, "cgroup")) {
			char *o, *save = NULL;

			for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
				if (!strcmp(o, "memory"))
					break;
			if (!o)
				continue;
		} else if (version != 2 || strcmp(type, "cgroup2")) {
			continue;
		}
		snprintf(out, len, "%s", mnt);
		ret = 0;
		break;
	}
	free(line);
	fclose(f);
	return ret;
}

/* our cgroup path in the hierarchy: v1 "N:...memory...:/path", v2 "0::/path" */
static int own_cgroup(int version, char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		line[strcspn(line, "\n")] = '\0';
		*c2 = '\0';
		*c1 = '\0';	/* line: hierarchy id; c1 + 1: controllers */
		if (version == 2 ? strcmp(line, "0") || c1[1] :
		    !strstr(c1 + 1, "memory"))
			continue;
		snprintf(out, len, "%s", c2 + 1);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Where the memory controller is: 2 (v2), 1 (v1), or -errno with @why */
static int memcg_version(char *mnt, size_t mlen, char *why, size_t len)
{
	char ctl[600], line[512];

	if (!find_mount(2, mnt, mlen)) {
		snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", mnt);
		if (!read_line(ctl, line, sizeof(line)) && strstr(line, "memory"))
			return 2;
	}
	if (!find_mount(1, mnt, mlen))
		return 1;
	snprintf(why, len, "no memory cgroup controller mounted (neither cgroup2 with memory nor a v1 memory hierarchy)");
	return -ENOENT;
}

static int memcg_supported(char *why, size_t len)
{
	char mnt[512];
	int v = memcg_version(mnt, sizeof(mnt), why, len);

	if (v < 0)
		return v;
	if (geteuid()) {
		snprintf(why, len, "creating a cgroup needs root");
		return -EPERM;
	}
	return 0;
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[1300];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, val);
}

static int cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
	char path[1300], line[64];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = read_line(path, line, sizeof(line));
	if (!ret && sscanf(line, "%" SCNu64, v) != 1)
		ret = -EINVAL;
	return ret;
}

/*
 * v1 with the OOM killer off: a task whose charge failed between the
 * lowered limit and the lift sleeps in mem_cgroup_oom_synchronize() until
 * the next memcg1_oom_recover(), which the lift it just missed does not
 * repeat (nothing rechecks the limit before that sleep).  With nobody else
 * charging or uncharging in the cgroup, as at the end of a run, it would
 * sleep for good.  Writing oom_control 0 calls memcg1_oom_recover(); the
 * limit is lifted at that moment, so no OOM kill can happen before the 1.
 */
static void memcg1_wake_oom_waiters(struct memcg_priv *m)
{
	char path[1300];
	json_t *oc;
	bool under;

	if (!m->oom_off)
		return;
	snprintf(path, sizeof(path), "%s/memory.oom_control", m->path);
	oc = kv_read(path);
	under = json_integer_value(json_object_get(oc, "under_oom")) > 0;
	json_decref(oc);
	if (!under)
		return;
	cg_write(m->path, "memory.oom_control", "0");
	cg_write(m->path, "memory.oom_control", "1");
	m->oom_wakeups++;
}

static int memcg_setup(struct pressure *p, struct backend_inst *bi, char *why, size_t len)
{
	struct memcg_priv *m = calloc(1, sizeof(*m));
	char mnt[512], own[512], pid[32], back[1100];
	int ret;

	bi->priv = m;
	if (!m) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	m->rec_id = m->subtree_id = -1;
	m->version = memcg_version(mnt, sizeof(mnt), why, len);
	if (m->version < 0)
		return m->version;
	ret = own_cgroup(m->version, own, sizeof(own));
	if (ret) {
		snprintf(why, len, "cannot find our cgroup in /proc/self/cgroup");
		return ret;
	}
	snprintf(m->orig, sizeof(m->orig), "%s%s", mnt, strcmp(own, "/") ? own : "");
	snprintf(m->path, sizeof(m->path), "%s/movestress-%d", m->orig, getpid());
	if (m->version == 2) {
		char sub[1100], line[512];

		snprintf(sub, sizeof(sub), "%s/cgroup.subtree_control", m->orig);
		if (read_line(sub, line, sizeof(line)) || !strstr(line, "memory")) {
			m->subtree_id = sysstate_record("cgroup_subtree", json_pack("{s:s, s:s}", "path", sub,
							"controller", "memory"));
			ret = m->subtree_id < 0 ? m->subtree_id : write_file(sub, "+memory");
			if (ret) {
				snprintf(why, len, "enabling memory in %s: %s%s", sub, strerror(-ret),
					 ret == -EBUSY ? " (the cgroup has processes: run from the root or a leaf-free cgroup)" : "");
				return ret;
			}
		}
	}
	snprintf(back, sizeof(back), "%s/cgroup.procs", m->orig);
	m->rec_id = sysstate_record("cgroup", json_pack("{s:s, s:s}", "path", m->path, "back", back));
	if (m->rec_id < 0) {
		snprintf(why, len, "state file %s: %s", sysstate_dir(), strerror(-m->rec_id));
		return m->rec_id;
	}
	if (mkdir(m->path, 0755)) {
		ret = -errno;
		snprintf(why, len, "mkdir %s: %s", m->path, strerror(-ret));
		return ret;
	}
	if (m->version == 1) {
		cg_write(m->path, "memory.swappiness", "100");
		/*
		 * Between the lowered limit and its lift a fault that cannot
		 * reclaim (the rest pinned or just swapped in) would have the
		 * OOM killer kill the run; with it off the fault waits for the
		 * lift, which wakes it (memcg1_oom_recover).
		 */
		m->oom_off = !cg_write(m->path, "memory.oom_control", "1");
	} else
		cg_write(m->path, "memory.swap.max", "max");
	snprintf(pid, sizeof(pid), "%d", getpid());
	ret = cg_write(m->path, "cgroup.procs", pid);
	if (ret) {
		snprintf(why, len, "moving the run into %s: %s", m->path, strerror(-ret));
		return ret;
	}
	m->chunk = p->r->npages * MS_PAGE_SIZE / 8;
	if (m->chunk < (256 << 10))
		m->chunk = 256 << 10;
	return 0;
}

static json_t *read_stat(struct memcg_priv *m)
{
	char path[1300];

	snprintf(path, sizeof(path), "%s/memory.stat", m->path);
	return kv_read(path);
}

static int memcg_begin(struct pressure *p, struct backend_inst *bi, char *why, size_t len)
{
	struct memcg_priv *m = bi->priv;
	uint64_t usage;

	(void)why;
	(void)len;
	m->stat0 = read_stat(m);
	if (m->version == 1 && p->r->pressure_memcg_floor && !cg_read_u64(m->path, "memory.usage_in_bytes", &usage))
		m->floor = usage / 2;
	return 0;
}

static void *memcg_thread(void *arg)
{
	struct pthread_ctx *c = arg;
	struct memcg_priv *m = c->bi->priv;
	char v[32];

	while (!pressure_stopped(c->p)) {
		uint64_t t0, usage = 0;
		int ret;

		if (m->version == 2) {
			snprintf(v, sizeof(v), "%" PRIu64, m->chunk);
			t0 = pressure_now();
			ret = cg_write(m->path, "memory.reclaim", v);
			pstat_record(&c->st, pressure_now() - t0, -ret, m->chunk, "memory.reclaim");
		} else {
			memcg1_wake_oom_waiters(m);
			if (cg_read_u64(m->path, "memory.usage_in_bytes", &usage) || usage <= m->floor + m->chunk) {
				pressure_sleep(c->p, 10 * 1000000ULL);
				continue;
			}
			if (usage > m->usage_max)
				m->usage_max = usage;
			snprintf(v, sizeof(v), "%" PRIu64, usage - m->chunk);
			t0 = pressure_now();
			ret = cg_write(m->path, "memory.limit_in_bytes", v);
			pstat_record(&c->st, pressure_now() - t0, -ret, m->chunk, "memory.limit_in_bytes");
			/* lift the limit: the movers and the oracle must not be throttled */
			ret = cg_write(m->path, "memory.limit_in_bytes", "-1");
			if (ret)
				pstat_record(&c->st, 0, -ret, 0, "memory.limit_in_bytes=-1");
		}
		pressure_sleep(c->p, 2 * 1000000ULL);
	}
	return NULL;
}

static void memcg_end(struct pressure *p, struct backend_inst *bi)
{
	struct memcg_priv *m = bi->priv;

	(void)p;
	if (m->version == 1) {
		cg_write(m->path, "memory.limit_in_bytes", "-1");
		memcg1_wake_oom_waiters(m);
	}
	m->stat1 = read_stat(m);
}

static void memcg_report(struct pressure *p, struct backend_inst *bi, json_t *obj)
{
	struct memcg_priv *m = bi->priv;
	json_t *j;

	(void)p;
	if (!m)
		return;
	j = json_pack("{s:i, s:s, s:s, s:I}", "version", m->version, "path", m->path,
		      "interface", m->version == 2 ? "memory.reclaim" : "memory.limit_in_bytes (lower, then lift)",
		      "bytes_per_op", (json_int_t)m->chunk);
	if (m->usage_max)
		json_object_set_new(j, "usage_max_bytes", json_integer((json_int_t)m->usage_max));
	if (m->version == 1)
		json_object_set_new(j, "oom_kill_disabled", json_boolean(m->oom_off));
	if (m->oom_wakeups)
		json_object_set_new(j, "oom_waiters_woken", json_integer((json_int_t)m->oom_wakeups));
	if (m->floor)
		json_object_set_new(j, "limit_floor_bytes", json_integer((json_int_t)m->floor));
	if (m->stat0 && m->stat1)
		json_object_set_new(j, "stat_delta", kv_delta(m->stat0, m->stat1, NULL, 0));
	if (m->stat1)
		json_object_set_new(j, "stat_end", json_incref(m->stat1));
	json_object_set_new(obj, "memcg", j);
}

static void memcg_teardown(struct pressure *p, struct backend_inst *bi)
{
	struct memcg_priv *m = bi->priv;

	(void)p;
	if (!m)
		return;
	/* back where we came from, then the cgroup goes (restore_cgroup) */
	if (m->rec_id >= 0)
		sysstate_undo(m->rec_id);
	if (m->subtree_id >= 0)
		sysstate_undo(m->subtree_id);
	json_decref(m->stat0);
	json_decref(m->stat1);
	free(m);
	bi->priv = NULL;
}

const struct pressure_backend memcg_backend = {
	.name = "memcg",
	.help = "private memory cgroup, reclaim driven over and over (v2 memory.reclaim, v1 limit lowering)",
	.supported = memcg_supported,
	.needs_swap = true,
	.evidence = EV_SWAPPED | EV_SWAPCACHE,
	.evidence_help = "pages seen swapped out (pagemap) or in the swap cache (kpageflags)",
	.thread_kind = "reclaim",
	.setup = memcg_setup,
	.begin = memcg_begin,
	.thread = memcg_thread,
	.end = memcg_end,
	.report = memcg_report,
	.teardown = memcg_teardown,
};
