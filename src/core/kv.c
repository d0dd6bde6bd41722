// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"
#include "core/kv.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

json_t *kv_read(const char *path)
{
	char name[128];
	long long v;
	json_t *j;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	j = json_object();
	while (fscanf(f, "%127s %lld%*[^\n]", name, &v) == 2)
		json_object_set_new(j, name, json_integer(v));
	fclose(f);
	return j;
}

json_t *kv_delta(const json_t *before, const json_t *after, const char *const *prefixes,
		 int keep_zero)
{
	json_t *d = json_object(), *a, *b;
	const char *key;
	const char *const *p;

	if (!before || !after)
		return d;
	json_object_foreach((json_t *)after, key, a) {
		if (prefixes) {
			for (p = prefixes; *p; p++)
				if (!strncmp(key, *p, strlen(*p)))
					break;
			if (!*p)
				continue;
		}
		b = json_object_get(before, key);
		if (!json_is_integer(a))
			continue;
		json_int_t v = json_integer_value(a) - (b ? json_integer_value(b) : 0);

		if (v || keep_zero)
			json_object_set_new(d, key, json_integer(v));
	}
	return d;
}

int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

json_t *dir_read(const char *dir)
{
	char path[512], buf[512];
	struct dirent *de;
	struct stat st;
	json_t *j;
	DIR *d = opendir(dir);

	if (!d)
		return NULL;
	j = json_object();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (!read_line(path, buf, sizeof(buf)))
			json_object_set_new(j, de->d_name, json_string(buf));
	}
	closedir(d);
	return j;
}
