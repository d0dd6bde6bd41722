// SPDX-License-Identifier: GPL-2.0-only
/* The environment a result was measured in. */
#include "config.h"
#include "kernel/env.h"
#include "core/kv.h"
#include "pressure/lru-gen.h"
#include "core/uffd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

/* "always [madvise] never" -> "madvise" */
static void bracketed(const char *in, char *out, size_t len)
{
	const char *a = strchr(in, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b)
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
	else
		snprintf(out, len, "%s", in);
}

void env_thp_mode(char *buf, size_t len)
{
	char line[256];

	if (read_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof(line)))
		snprintf(buf, len, "unavailable");
	else
		bracketed(line, buf, len);
}

void env_rmap_policy(char *buf, size_t len)
{
	char line[256];

	if (read_line(UFFD_MOVE_SYSFS "/rmap_policy", line, sizeof(line)))
		snprintf(buf, len, "unpatched");
	else
		bracketed(line, buf, len);
}

bool env_io_uring(char *why, size_t len)
{
	char line[32];

	if (!read_line("/proc/sys/kernel/io_uring_disabled", line, sizeof(line)) &&
	    line[0] == '2') {
		snprintf(why, len, "io_uring disabled by sysctl kernel.io_uring_disabled=2");
		return false;
	}
#ifdef HAVE_LIBURING
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, 0);

	if (ret < 0) {
		snprintf(why, len, "io_uring_queue_init failed: %s%s", strerror(-ret),
			 ret == -EPERM ? " (kernel.io_uring_disabled or seccomp)" :
			 ret == -ENOSYS ? " (kernel without CONFIG_IO_URING)" : "");
		return false;
	}
	io_uring_queue_exit(&ring);
	why[0] = '\0';
	return true;
#else
	snprintf(why, len, "built without liburing (configure --without-liburing or liburing-dev missing)");
	return false;
#endif
}

static json_t *swaps(void)
{
	char line[512], name[256], type[32];
	unsigned long long size, used;
	json_t *arr = json_array();
	FILE *f = fopen("/proc/swaps", "re");

	if (!f)
		return arr;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %llu %llu", name, type, &size, &used) == 4)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I}", "name", name,
							     "type", type, "size_kb", (json_int_t)size,
							     "used_kb", (json_int_t)used));
	fclose(f);
	return arr;
}

json_t *env_kernel_build(void)
{
	const char *path = getenv("MOVESTRESS_KERNEL_ID");
	json_error_t err;
	json_t *j;

	if (!path || !path[0])
		return NULL;
	j = json_load_file(path, 0, &err);
	if (!json_is_object(j)) {
		json_decref(j);
		return json_pack("{s:s, s:s}", "file", path, "error", j ? "not a JSON object" : err.text);
	}
	return j;
}

void env_add_kernel_build(json_t *result)
{
	json_t *kb = env_kernel_build(), *env;

	if (!kb)
		return;
	env = json_object_get(result, "environment");
	if (!json_is_object(env)) {
		env = json_object();
		json_object_set_new(result, "environment", env);
	}
	json_object_set_new(env, "kernel_build", kb);
}

json_t *env_collect(const struct uffd_info *uffd)
{
	struct utsname u;
	char buf[4096], why[256];
	json_t *env = json_object(), *k;
	bool uring;

	if (!uname(&u))
		json_object_set_new(env, "uname", json_pack("{s:s, s:s, s:s, s:s}",
				    "sysname", u.sysname, "release", u.release,
				    "version", u.version, "machine", u.machine));
	if (!read_line("/proc/cmdline", buf, sizeof(buf)))
		json_object_set_new(env, "cmdline", json_string(buf));
	json_object_set_new(env, "cpus_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(env, "cpus_configured", json_integer(sysconf(_SC_NPROCESSORS_CONF)));
	json_object_set_new(env, "mem_total_kb",
			    json_integer((json_int_t)sysconf(_SC_PHYS_PAGES) * (sysconf(_SC_PAGESIZE) / 1024)));
	json_object_set_new(env, "euid", json_integer(geteuid()));
	env_thp_mode(buf, sizeof(buf));
	json_object_set_new(env, "thp_enabled", json_string(buf));
	if (!read_line("/sys/kernel/mm/transparent_hugepage/defrag", buf, sizeof(buf))) {
		char mode[64];

		bracketed(buf, mode, sizeof(mode));
		json_object_set_new(env, "thp_defrag", json_string(mode));
	}
	json_object_set_new(env, "swap", swaps());
	/* after --lru-gen was applied: the LRU reclaim used during the run */
	json_object_set_new(env, "lru", json_string(lru_gen_state(buf, sizeof(buf))));
	json_object_set_new(env, "lru_gen", json_string(buf));
	if (uffd)
		json_object_set_new(env, "uffd", json_pack("{s:s, s:b, s:s+}",
				    "via", uffd->via, "user_mode_only", uffd->user_mode_only,
				    "features", "0x", ""));
	if (uffd) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)uffd->features);
		json_object_set_new(json_object_get(env, "uffd"), "features", json_string(buf));
	}
	uring = env_io_uring(why, sizeof(why));
	json_object_set_new(env, "io_uring", uring ? json_pack("{s:b}", "available", 1) :
			    json_pack("{s:b, s:s}", "available", 0, "reason", why));
#ifdef HAVE_TRACEFS
	json_object_set_new(env, "libtracefs", json_true());
#else
	json_object_set_new(env, "libtracefs", json_false());
#endif
	env_rmap_policy(buf, sizeof(buf));
	k = json_pack("{s:s}", "rmap_policy", buf);
	json_object_set_new(env, "kernel_variant", k);
	k = env_kernel_build();
	if (k)
		json_object_set_new(env, "kernel_build", k);
	return env;
}
