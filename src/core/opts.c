// SPDX-License-Identifier: GPL-2.0-only
/* Small questions about struct opts, and the value parsers, that every layer needs. */
#include "config.h"
#include "core/opts.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_PER_S 1000000000ULL

bool opt_list_has(const char *list, const char *val)
{
	size_t n = strlen(val);
	const char *p = list, *c;

	while (p && *p) {
		c = strchr(p, ',');
		if ((size_t)(c ? c - p : (long)strlen(p)) == n && !strncmp(p, val, n))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

bool opts_with_bins(const struct opts *o)
{
	return opt_list_has(o->output_format, "json+");
}

int parse_uint(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* number with a unit from @units, scaled by the unit's factor */
static int parse_scaled(const char *s, uint64_t *out, const char *const *units,
			const uint64_t *mult, uint64_t bare_mult)
{
	char *end;
	double v;
	int i;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	if (!*end) {
		v *= bare_mult;
	} else {
		for (i = 0; units[i]; i++)
			if (!strcasecmp(end, units[i]))
				break;
		if (!units[i])
			return -EINVAL;
		v *= mult[i];
	}
	if (v >= 18446744073709551615.0)
		return -ERANGE;
	*out = (uint64_t)(v + 0.5);
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char *const u[] = { "b", "k", "kb", "kib", "m", "mb", "mib",
					 "g", "gb", "gib", "t", "tb", "tib", NULL };
	static const uint64_t m[] = { 1, 1ULL << 10, 1ULL << 10, 1ULL << 10,
				      1ULL << 20, 1ULL << 20, 1ULL << 20,
				      1ULL << 30, 1ULL << 30, 1ULL << 30,
				      1ULL << 40, 1ULL << 40, 1ULL << 40 };

	return parse_scaled(s, out, u, m, 1);
}

int parse_time_ns(const char *s, uint64_t *out)
{
	static const char *const u[] = { "ns", "us", "ms", "s", "m", "min", "h", NULL };
	static const uint64_t m[] = { 1, 1000, 1000000, NS_PER_S, 60 * NS_PER_S,
				      60 * NS_PER_S, 3600 * NS_PER_S };

	return parse_scaled(s, out, u, m, NS_PER_S);
}
