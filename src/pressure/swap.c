// SPDX-License-Identifier: GPL-2.0-only
/* Temporary swap: zram device or swapfile, recorded before it is added. */
#include "config.h"
#include "pressure/swap.h"
#include "core/kv.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SWAP_PAGE 4096

int swap_active(uint64_t *kb)
{
	char line[512], name[256], type[32];
	unsigned long long size, used;
	int n = 0;
	FILE *f = fopen("/proc/swaps", "re");

	*kb = 0;
	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %llu %llu", name, type, &size, &used) == 4) {
			*kb += size;
			n++;
		}
	fclose(f);
	return n;
}

int swap_zram_supported(char *why, size_t len)
{
	if (access("/sys/class/zram-control/hot_add", R_OK)) {
		snprintf(why, len, "no /sys/class/zram-control (CONFIG_ZRAM off or zram module not loaded)");
		return -ENOENT;
	}
	if (geteuid()) {
		snprintf(why, len, "adding a zram device needs root");
		return -EPERM;
	}
	return 0;
}

/* the v1 swap header mkswap writes: version 1, last_page, "SWAPSPACE2" */
static int write_swap_header(int fd, uint64_t bytes)
{
	static char page[SWAP_PAGE];
	uint32_t *w = (uint32_t *)(page + 1024);

	memset(page, 0, sizeof(page));
	w[0] = 1;					/* version */
	w[1] = (uint32_t)(bytes / SWAP_PAGE - 1);	/* last_page */
	w[2] = 0;					/* nr_badpages */
	memcpy(page + 1024 + 12 + 16, "movestress", 10);	/* volume label */
	memcpy(page + SWAP_PAGE - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, sizeof(page), 0) != (ssize_t)sizeof(page))
		return errno ? -errno : -EIO;
	return fsync(fd) ? -errno : 0;
}

static int do_swapon(struct swap_setup *s, const char *path, char *why, size_t len)
{
	s->swapon_id = sysstate_record("swapon", json_pack("{s:s}", "path", path));
	if (s->swapon_id < 0) {
		snprintf(why, len, "state file %s: %s", sysstate_dir(), strerror(-s->swapon_id));
		return s->swapon_id;
	}
	if (swapon(path, 0)) {
		int err = -errno;

		snprintf(why, len, "swapon %s: %s", path, strerror(-err));
		return err;
	}
	snprintf(s->device, sizeof(s->device), "%s", path);
	return 0;
}

static int zram_add(struct swap_setup *s, uint64_t bytes, char *why, size_t len)
{
	char line[64], path[128], node[512], v[32];
	unsigned maj, min;
	long id;
	int fd, ret;

	ret = swap_zram_supported(why, len);
	if (ret)
		return ret;
	s->zram_id = sysstate_record("zram", json_pack("{s:i}", "id", -1));
	if (s->zram_id < 0) {
		snprintf(why, len, "state file %s: %s", sysstate_dir(), strerror(-s->zram_id));
		return s->zram_id;
	}
	ret = read_line("/sys/class/zram-control/hot_add", line, sizeof(line));
	if (ret || sscanf(line, "%ld", &id) != 1) {
		snprintf(why, len, "zram hot_add: %s", ret ? strerror(-ret) : "unexpected answer");
		return ret ? ret : -EIO;
	}
	s->zram_dev = id;
	snprintf(node, sizeof(node), "/dev/zram%ld", id);
	sysstate_update(s->zram_id, json_pack("{s:i, s:s}", "id", (int)id, "node", node));
	snprintf(path, sizeof(path), "/sys/block/zram%ld/disksize", id);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)bytes);
	ret = write_file(path, v);
	if (ret) {
		snprintf(why, len, "zram%ld disksize: %s", id, strerror(-ret));
		return ret;
	}
	if (access(node, F_OK)) {
		/* no devtmpfs node (minimal guests): make our own */
		snprintf(path, sizeof(path), "/sys/block/zram%ld/dev", id);
		if (read_line(path, line, sizeof(line)) || sscanf(line, "%u:%u", &maj, &min) != 2) {
			snprintf(why, len, "zram%ld: no device number", id);
			return -ENOENT;
		}
		snprintf(node, sizeof(node), "%s/zram%ld", sysstate_dir(), id);
		s->node_id = sysstate_record("file", json_pack("{s:s}", "path", node));
		if (s->node_id < 0 || mknod(node, S_IFBLK | 0600, makedev(maj, min))) {
			ret = s->node_id < 0 ? s->node_id : -errno;
			snprintf(why, len, "mknod %.200s: %s", node, strerror(-ret));
			return ret;
		}
		sysstate_update(s->zram_id, json_pack("{s:i, s:s}", "id", (int)id, "node", node));
	}
	fd = open(node, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "open %.200s: %s", node, strerror(-ret));
		return ret;
	}
	ret = write_swap_header(fd, bytes);
	close(fd);
	if (ret) {
		snprintf(why, len, "swap header on %.200s: %s", node, strerror(-ret));
		return ret;
	}
	return do_swapon(s, node, why, len);
}

static int file_add(struct swap_setup *s, uint64_t bytes, char *why, size_t len)
{
	const char *dir = getenv("MOVESTRESS_SWAPFILE_DIR");
	char path[512];
	int fd, ret;

	if (geteuid()) {
		snprintf(why, len, "swapon needs root");
		return -EPERM;
	}
	snprintf(path, sizeof(path), "%s/movestress-swap-%d", dir && *dir ? dir : "/var/tmp", getpid());
	s->file_id = sysstate_record("file", json_pack("{s:s}", "path", path));
	if (s->file_id < 0) {
		snprintf(why, len, "state file %s: %s", sysstate_dir(), strerror(-s->file_id));
		return s->file_id;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "create %.200s: %s", path, strerror(-ret));
		return ret;
	}
	/* swapfiles must have no holes: allocate every block */
	ret = posix_fallocate(fd, 0, (off_t)bytes);
	if (!ret)
		ret = -write_swap_header(fd, bytes);
	close(fd);
	if (ret) {
		snprintf(why, len, "swapfile %.200s: %s", path, strerror(ret));
		return -ret;
	}
	return do_swapon(s, path, why, len);
}

static void undo_ids(struct swap_setup *s)
{
	if (s->swapon_id >= 0)
		sysstate_undo(s->swapon_id);
	if (s->file_id >= 0)
		sysstate_undo(s->file_id);
	if (s->node_id >= 0)
		sysstate_undo(s->node_id);
	if (s->zram_id >= 0)
		sysstate_undo(s->zram_id);
	s->swapon_id = s->file_id = s->node_id = s->zram_id = -1;
}

/*
 * Hand what we added to the shared record: runs that start while we run use
 * it, and the last one to leave removes it.  If that fails, the swap stays
 * this run's alone (removed at our exit, as before).
 */
static void share(struct swap_setup *s)
{
	int ids[4], n = 0, id;

	if (s->zram_id >= 0)
		ids[n++] = s->zram_id;
	if (s->node_id >= 0)
		ids[n++] = s->node_id;
	if (s->file_id >= 0)
		ids[n++] = s->file_id;
	if (s->swapon_id >= 0)
		ids[n++] = s->swapon_id;
	id = sysstate_shared_create("swap", ids, n, json_pack("{s:s, s:s, s:I, s:i}", "kind", s->kind,
				    "device", s->device, "bytes", (json_int_t)s->bytes, "pid", getpid()));
	if (id < 0) {
		fprintf(stderr, "movestress: swap: cannot share %s with other runs (%s): removed when this run ends\n",
			s->device, strerror(-id));
		return;
	}
	s->shared_id = id;
	s->added_by = getpid();
	s->swapon_id = s->zram_id = s->node_id = s->file_id = -1;
}

static int setup_locked(struct swap_setup *s, const char *mode, uint64_t bytes, char *why, size_t len);

int swap_setup(struct swap_setup *s, const char *mode, uint64_t bytes, char *why, size_t len)
{
	int lock, ret;

	memset(s, 0, sizeof(*s));
	s->swapon_id = s->zram_id = s->node_id = s->file_id = s->shared_id = -1;
	s->zram_dev = -1;
	bytes = (bytes + SWAP_PAGE - 1) / SWAP_PAGE * SWAP_PAGE;
	if (!strcmp(mode, "none")) {
		snprintf(s->kind, sizeof(s->kind), "none");
		snprintf(s->reason, sizeof(s->reason), "--swap=none");
		return 0;
	}
	/* one run at a time decides: join the shared swap, or add it */
	lock = sysstate_shared_lock("swap");
	if (lock < 0) {
		snprintf(why, len, "--swap=%s: lock %s/shared-swap.lock: %s", mode, sysstate_dir(),
			 strerror(-lock));
		return lock;
	}
	ret = setup_locked(s, mode, bytes, why, len);
	if (!ret && (!strcmp(s->kind, "zram") || !strcmp(s->kind, "file")) && s->shared_id < 0)
		share(s);
	sysstate_shared_unlock("swap", lock);
	return ret;
}

static int setup_locked(struct swap_setup *s, const char *mode, uint64_t bytes, char *why, size_t len)
{
	char zwhy[256] = "", fwhy[256] = "";
	json_t *info;
	uint64_t kb;
	int ret;

	/* swap that another run added and still uses: ours too until we leave */
	s->shared_id = sysstate_shared_join("swap", &info);
	if (s->shared_id >= 0) {
		snprintf(s->kind, sizeof(s->kind), "%s", json_string_value(json_object_get(info, "kind")) ?: "?");
		snprintf(s->device, sizeof(s->device), "%s",
			 json_string_value(json_object_get(info, "device")) ?: "?");
		s->bytes = json_integer_value(json_object_get(info, "bytes"));
		s->added_by = (long)json_integer_value(json_object_get(info, "pid"));
		snprintf(s->reason, sizeof(s->reason), "shared: added by movestress run %ld, "
			 "removed by the last run using it", s->added_by);
		json_decref(info);
		return 0;
	}
	s->shared_id = -1;
	if (swap_active(&kb)) {
		snprintf(s->kind, sizeof(s->kind), "existing");
		snprintf(s->reason, sizeof(s->reason), "swap already active (%llu kB); not touched",
			 (unsigned long long)kb);
		s->bytes = kb * 1024;
		return 0;
	}
	if (strcmp(mode, "file")) {
		/*
		 * zram's size is virtual (memory goes only to what is stored),
		 * so be generous: other runs on the host may swap here too.
		 */
		uint64_t zbytes = bytes * 4 > (512ULL << 20) ? bytes * 4 : 512ULL << 20;

		ret = zram_add(s, zbytes, zwhy, sizeof(zwhy));
		if (!ret) {
			snprintf(s->kind, sizeof(s->kind), "zram");
			s->bytes = zbytes;
			return 0;
		}
		undo_ids(s);
		if (!strcmp(mode, "zram")) {
			snprintf(why, len, "--swap=zram: %s", zwhy);
			return ret;
		}
	}
	ret = file_add(s, bytes, fwhy, sizeof(fwhy));
	if (!ret) {
		snprintf(s->kind, sizeof(s->kind), "file");
		s->bytes = bytes;
		if (zwhy[0])
			snprintf(s->reason, sizeof(s->reason), "zram failed: %s", zwhy);
		return 0;
	}
	undo_ids(s);
	if (!strcmp(mode, "file")) {
		snprintf(why, len, "--swap=file: %s", fwhy);
		return ret;
	}
	snprintf(s->kind, sizeof(s->kind), "none");
	snprintf(s->reason, sizeof(s->reason), "no swap could be added: zram: %s; file: %s", zwhy, fwhy);
	return 0;
}

void swap_teardown(struct swap_setup *s)
{
	undo_ids(s);
	/* drop our reference; the last run using the swap removes it */
	if (s->shared_id >= 0)
		sysstate_undo(s->shared_id);
	s->shared_id = -1;
}

bool swap_gone(const struct swap_setup *s)
{
	char line[512], name[256], type[32];
	unsigned long long size, used;
	bool found = false;
	uint64_t kb;
	FILE *f;

	if (!strcmp(s->kind, "existing"))
		return !swap_active(&kb);
	if (strcmp(s->kind, "zram") && strcmp(s->kind, "file"))
		return false;
	f = fopen("/proc/swaps", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %llu %llu", name, type, &size, &used) == 4 &&
		    !strcmp(name, s->device))
			found = true;
	fclose(f);
	return !found;
}

json_t *swap_to_json(const struct swap_setup *s)
{
	json_t *j = json_pack("{s:s, s:s, s:I, s:s}", "kind", s->kind, "device", s->device,
			      "bytes", (json_int_t)s->bytes, "reason", s->reason);

	if (swap_gone(s))
		json_object_set_new(j, "gone_during_run", json_true());
	if (s->added_by)
		json_object_set_new(j, "shared", json_pack("{s:I, s:b}", "added_by",
				    (json_int_t)s->added_by, "by_this_run", s->added_by == getpid()));
	return j;
}
