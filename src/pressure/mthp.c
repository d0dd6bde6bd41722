// SPDX-License-Identifier: GPL-2.0-only
/* --mthp: mTHP sizes "always" for the run, shared with other runs (see mthp.h). */
#include "config.h"
#include "pressure/mthp.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* the next size of @spec from *@pos into @kb ("16" or "16K"): 1, 0 at the end, -EINVAL */
static int next_size(const char *spec, size_t *pos, char *tok, size_t toklen, unsigned long *kb)
{
	const char *p = spec + *pos;
	size_t n = strcspn(p, ",");
	char *end;

	if (!*p)
		return 0;
	snprintf(tok, toklen, "%.*s", (int)n, p);
	*pos += n + (p[n] == ',');
	if (tok[0] < '0' || tok[0] > '9')
		return -EINVAL;
	*kb = strtoul(tok, &end, 10);
	if (end == tok || (*end && strcmp(end, "K") && strcmp(end, "k")))
		return -EINVAL;
	/* "16," ends with an empty size: refused, as a trailing comma in --ops is */
	if (p[n] == ',' && !p[n + 1])
		return -EINVAL;
	return 1;
}

int mthp_validate(const char *spec, char *why, size_t len)
{
	char tok[64], path[160];
	unsigned long kb;
	size_t pos = 0;
	glob_t g;
	int ret;

	/* no size at all: a kernel before mTHP (6.8), not a bad --mthp */
	if (*spec) {
		if (glob(MTHP_DIR "*kB", GLOB_NOSORT, NULL, &g)) {
			snprintf(why, len, "--mthp: this kernel has no mTHP sizes (no %s*kB: Linux 6.8 and later)",
				 MTHP_DIR);
			return -EOPNOTSUPP;
		}
		globfree(&g);
	}
	while ((ret = next_size(spec, &pos, tok, sizeof(tok), &kb)) > 0) {
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/enabled", kb);
		if (access(path, F_OK))
			break;
	}
	if (!ret)
		return 0;
	snprintf(why, len, "--mthp: '%s': not an mTHP size of this kernel (ls %s*kB)", tok, MTHP_DIR);
	return -EINVAL;
}

int mthp_hold(const char *spec, json_t **state, char *why, size_t len)
{
	static const char *const how_name[] = {
		[SYSSTATE_ALREADY] = "already", [SYSSTATE_SET] = "set", [SYSSTATE_JOINED] = "joined",
	};
	char tok[64], path[160], host[64];
	json_t *j = json_object();
	enum sysstate_held how;
	unsigned long kb;
	size_t pos = 0;
	int ret;

	*state = j;
	ret = mthp_validate(spec, why, len);
	if (ret)
		return ret;
	while (next_size(spec, &pos, tok, sizeof(tok), &kb) > 0) {
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/enabled", kb);
		ret = sysstate_hold_value(path, "always", host, sizeof(host), &how);
		if (ret) {
			snprintf(why, len, "--mthp: %s: %s%s", path, strerror(-ret),
				 ret == -EBUSY ? " (another movestress run holds it at another value)" : "");
			return ret;
		}
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/stats/anon_fault_alloc", kb);
		json_object_set_new(j, tok, json_pack("{s:s, s:s, s:I}", "host", host, "setting", how_name[how],
						      "anon_fault_alloc_before", (json_int_t)read_long(path)));
	}
	return 0;
}

void mthp_measure(json_t *j)
{
	const char *k;
	json_t *v;
	char path[160];

	json_object_foreach(j, k, v) {
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/stats/anon_fault_alloc", strtoul(k, NULL, 10));
		json_object_set_new(v, "anon_fault_alloc", json_integer(read_long(path) -
			json_integer_value(json_object_get(v, "anon_fault_alloc_before"))));
		json_object_del(v, "anon_fault_alloc_before");
	}
}
