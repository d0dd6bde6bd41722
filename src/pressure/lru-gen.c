// SPDX-License-Identifier: GPL-2.0-only
/* --lru-gen=keep|on|off: multi-gen or classic LRU for the run (see lru-gen.h). */
#include "config.h"
#include "pressure/lru-gen.h"
#include "core/kv.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#define LRU_GEN_CORE 0x1UL	/* the main switch (multigen_lru.rst) */

static const struct lru_gen_want {
	const char *name;
	const char *write;	/* what to write when the main switch is not as wanted */
	bool core;		/* the main switch wanted; ignored for keep */
	bool absent_ok;		/* a kernel without CONFIG_LRU_GEN already satisfies it */
} wants[] = {
	{ "keep", NULL, false, true },
	{ "on", "y", true, false },	/* y: every component the hardware supports */
	{ "off", "n", false, true },	/* n: the classic LRU */
	{ NULL },
};

const char *const *lru_gen_names(void)
{
	static const char *names[sizeof(wants) / sizeof(wants[0])];
	unsigned i;

	if (!names[0])
		for (i = 0; wants[i].name; i++)
			names[i] = wants[i].name;
	return names;
}

/* 0 and the caps in @caps, or -errno (-ENOENT: no multi-gen LRU) */
static int read_caps(char *buf, size_t len, unsigned long *caps)
{
	char *end;
	int ret = read_line(LRU_GEN_ENABLED, buf, len);

	if (ret)
		return ret;
	errno = 0;
	*caps = strtoul(buf, &end, 0);
	return errno || end == buf || *end ? -EPROTO : 0;
}

const char *lru_gen_state(char *buf, size_t len)
{
	unsigned long caps = 0;
	int ret = read_caps(buf, len, &caps);

	if (ret == -ENOENT) {
		snprintf(buf, len, "absent");
		return "classic";
	}
	if (ret) {
		snprintf(buf, len, "unreadable: %s", ret == -EPROTO ? "unexpected content" : strerror(-ret));
		return "unknown";
	}
	return caps & LRU_GEN_CORE ? "multi-gen" : "classic";
}

int lru_gen_apply(const char *want, char *why, size_t len)
{
	const struct lru_gen_want *w;
	unsigned long caps;
	char cur[64], now[64];
	int ret, id;

	for (w = wants; w->name; w++)
		if (!strcmp(w->name, want))
			break;
	if (!w->name) {
		snprintf(why, len, "--lru-gen: unknown value '%s': allowed values are keep|on|off", want);
		return -EINVAL;
	}
	if (!w->write)
		return 0;
	ret = read_caps(cur, sizeof(cur), &caps);
	if (ret == -ENOENT) {
		if (w->absent_ok)
			return 0;
		snprintf(why, len, "--lru-gen=%s: this kernel has no multi-gen LRU (CONFIG_LRU_GEN; no %s)",
			 w->name, LRU_GEN_ENABLED);
		return -EOPNOTSUPP;
	}
	if (ret) {
		snprintf(why, len, "--lru-gen=%s: %s: %s", w->name, LRU_GEN_ENABLED,
			 ret == -EPROTO ? "unexpected content" : strerror(-ret));
		return ret;
	}
	if (!!(caps & LRU_GEN_CORE) == w->core)
		return 0;
	/* check first: a recorded change that cannot be undone would stay in the state file */
	if (access(LRU_GEN_ENABLED, W_OK)) {
		ret = -errno;
		snprintf(why, len, "--lru-gen=%s: cannot write %s (%s): needs root", w->name,
			 LRU_GEN_ENABLED, strerror(-ret));
		return ret == -EACCES || ret == -EPERM || ret == -EROFS ? -EOPNOTSUPP : ret;
	}
	id = sysstate_record("value", json_pack("{s:s, s:s}", "path", LRU_GEN_ENABLED, "old", cur));
	if (id < 0) {
		snprintf(why, len, "--lru-gen=%s: recording the old value in %s: %s", w->name,
			 sysstate_dir(), strerror(-id));
		return id;
	}
	ret = write_file(LRU_GEN_ENABLED, w->write);
	if (!ret)
		ret = read_caps(now, sizeof(now), &caps);
	if (!ret && !!(caps & LRU_GEN_CORE) != w->core)
		ret = -EIO;
	if (ret) {
		snprintf(why, len, "--lru-gen=%s: writing %s to %s (was %s): %s", w->name, w->write,
			 LRU_GEN_ENABLED, cur, ret == -EIO ? "the main switch did not change" :
			 strerror(-ret));
		sysstate_undo(id);
		return ret == -EINVAL || ret == -EOPNOTSUPP ? -EIO : ret;	/* not a usage error or a skip */
	}
	return 0;
}
