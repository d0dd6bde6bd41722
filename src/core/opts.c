// SPDX-License-Identifier: GPL-2.0-only
/* Small questions about struct opts, and the value parsers, that every layer needs. */
#include "config.h"
#include "core/opts.h"

#include <ctype.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <fcntl.h>
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

/* the exit code conventions: { movestress code, kselftest, automake } */
static const struct {
	int code, ksft, am;
} exit_map[] = {
	{ MS_EXIT_PASS, 0, 0 },
	{ MS_EXIT_SKIP, 4, 77 },	/* KSFT_SKIP; automake SKIP */
	{ MS_EXIT_USAGE, 1, 99 },	/* automake: hard error */
	{ MS_EXIT_ENV, 1, 99 },
	/*
	 * Only known kernel bugs: kselftest's KSFT_XFAIL (2, ksft_exit_xfail()),
	 * the expected failure; its runner prints "not ok ... # exit=2", so the
	 * kernel bug stays visible and distinct.  automake has no exit code for
	 * it (XFAIL_TESTS turns a FAIL into XFAIL): FAIL.
	 */
	{ MS_EXIT_KNOWN_BUG, 2, 1 },
	{ MS_EXIT_INTERRUPTED, 1, 99 },	/* did not finish: automake hard error */
};

int exit_code_map(const struct opts *o, int code)
{
	bool ksft = !strcmp(o->exit_codes, "kselftest");
	size_t i;

	if (!ksft && strcmp(o->exit_codes, "automake"))
		return code;
	for (i = 0; i < sizeof(exit_map) / sizeof(exit_map[0]); i++)
		if (exit_map[i].code == code)
			return ksft ? exit_map[i].ksft : exit_map[i].am;
	return 1;	/* KSFT_FAIL / automake FAIL */
}

const char *exit_code_note(const struct opts *o, int code, char *buf, size_t len)
{
	int mapped = exit_code_map(o, code);

	if (mapped == code)
		snprintf(buf, len, "exit %d", code);
	else
		snprintf(buf, len, "exit %d (%s's for %d)", mapped, o->exit_codes, code);
	return buf;
}

const char *exit_verdict(int code)
{
	switch (code) {
	case MS_EXIT_PASS: return "pass";
	case MS_EXIT_FAILURE: return "failure";
	case MS_EXIT_USAGE: return "usage-error";
	case MS_EXIT_KERNEL_REPORT: return "kernel-report";
	case MS_EXIT_HANG: return "hang";
	case MS_EXIT_ENV: return "environment-error";
	case MS_EXIT_KNOWN_BUG: return "known-kernel-bug";
	case MS_EXIT_INTERRUPTED: return "interrupted";
	case MS_EXIT_SKIP: return "skip";
	default: return "error";
	}
}

int opts_check_writable(const char *opt, const char *path)
{
	struct stat st;
	bool existed = !stat(path, &st);
	int fd, err;

	if (existed && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "movestress: --%s: %s is a directory: expected a FILE\n", opt, path);
		return MS_EXIT_USAGE;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "movestress: --%s: cannot write %s: %s\n", opt, path, strerror(err));
		return err == ENOENT || err == ENOTDIR || err == EISDIR || err == ENAMETOOLONG ?
		       MS_EXIT_USAGE : MS_EXIT_ENV;
	}
	close(fd);
	if (!existed)
		unlink(path);
	return 0;
}
