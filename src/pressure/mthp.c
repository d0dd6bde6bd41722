// SPDX-License-Identifier: GPL-2.0-only
/* --mthp: mTHP sizes "always" for the run (see mthp.h). */
#include "config.h"
#include "pressure/mthp.h"
#include "core/opts.h"
#include "pressure/sysstate.h"

#include <errno.h>
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

/* "always inherit madvise [never]": record "never", write "always" */
static int mthp_always(const char *path)
{
	char line[128], cur[32] = "", *a, *b;
	FILE *f = fopen(path, "re");
	int id;

	if (!f)
		return -errno;
	a = fgets(line, sizeof(line), f);
	fclose(f);
	if (!a || !(a = strchr(line, '[')) || !(b = strchr(a, ']')) || b - a - 1 >= (int)sizeof(cur))
		return -EPROTO;
	memcpy(cur, a + 1, (size_t)(b - a - 1));
	if (!strcmp(cur, "always"))
		return 0;
	id = sysstate_record("value", json_pack("{s:s, s:s}", "path", path, "old", cur));
	if (id < 0)
		return id;
	return write_file(path, "always");
}

/*
 * --mthp=KB[,KB]: "always" for these sizes during the run (recorded with
 * sysstate first, restored after, or by `movestress cleanup`); the
 * mTHP faults of each size in the result, from its stats/anon_fault_alloc.
 */
int mthp_setup(const char *spec, json_t **out)
{
	char buf[128], *tok, *save = NULL, path[160];
	json_t *j = json_object();

	*out = j;
	if (!spec[0])
		return 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long kb = strtoul(tok, &end, 10);
		int ret;

		snprintf(path, sizeof(path), MTHP_DIR "%lukB/enabled", kb);
		if (end == tok || (*end && strcmp(end, "K") && strcmp(end, "k")) || access(path, F_OK)) {
			fprintf(stderr, "movestress: --mthp: '%s': not an mTHP size of this kernel (ls %s*kB)\n",
				tok, MTHP_DIR);
			return MS_EXIT_USAGE;
		}
		ret = mthp_always(path);
		if (ret) {
			fprintf(stderr, "movestress: --mthp: writing %s: %s\n", path, strerror(-ret));
			return MS_EXIT_ENV;
		}
		snprintf(path, sizeof(path), MTHP_DIR "%lukB/stats/anon_fault_alloc", kb);
		json_object_set_new(j, tok, json_pack("{s:I}", "anon_fault_alloc_before",
						      (json_int_t)read_long(path)));
	}
	return 0;
}

void mthp_done(json_t *j)
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
	sysstate_restore_all();
}

