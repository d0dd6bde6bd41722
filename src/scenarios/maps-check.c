// SPDX-License-Identifier: GPL-2.0-only
/* The /proc/self/maps snapshot checker (see maps-check.h): no I/O, no state. */
#include "config.h"
#include "scenarios/maps-check.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const vkind_names[MV_NR_KINDS] = {
	[MV_PARSE] = "unparseable",
	[MV_MISSING] = "missing",
	[MV_DUPLICATED] = "duplicated",
	[MV_OVERLAP] = "overlap",
	[MV_BACKWARDS] = "backwards",
	[MV_GAP] = "gap",
};

const char *maps_vkind_name(enum maps_vkind k)
{
	return k < MV_NR_KINDS ? vkind_names[k] : "?";
}

struct mline {
	const char *p;
	size_t n;
	unsigned no;
	uint64_t start, end;
	bool ok;
	long stable;		/* index of the stable VMA it is exactly, or -1 */
};

static void copy_line(char *dst, const char *p, size_t n)
{
	if (n >= MAPS_LINE_MAX)
		n = MAPS_LINE_MAX - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool parse_hex(const char *p, size_t n, size_t *i, uint64_t *out)
{
	unsigned digits = 0;
	int d;

	*out = 0;
	for (; *i < n && (d = hexval((unsigned char)p[*i])) >= 0; (*i)++) {
		if (++digits > 16)
			return false;
		*out = *out << 4 | (uint64_t)d;
	}
	return digits > 0;
}

/* "start-end[ ...]" in hex; false if the line is not one */
static bool parse_range(const char *p, size_t n, uint64_t *start, uint64_t *end)
{
	size_t i = 0;

	if (!parse_hex(p, n, &i, start) || i >= n || p[i++] != '-')
		return false;
	if (!parse_hex(p, n, &i, end))
		return false;
	return i == n || p[i] == ' ';
}

static void add(struct maps_result *res, enum maps_vkind kind, const struct maps_range *s,
		const struct mline *l, const struct mline *o)
{
	struct maps_violation *v;

	res->violations++;
	res->count[kind]++;
	if (res->ndetail >= MAPS_MAX_DETAIL)
		return;
	v = &res->detail[res->ndetail++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	if (s) {
		v->what = s->what;
		v->start = s->start;
		v->end = s->end;
	}
	if (l) {
		v->line = l->no;
		copy_line(v->text, l->p, l->n);
	}
	if (o) {
		v->other_line = o->no;
		copy_line(v->other, o->p, o->n);
	}
}

/* first stable index whose end is above @addr */
static size_t first_above(const struct maps_range *st, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool next_line(const char *buf, size_t len, size_t *pos, struct mline *l)
{
	const char *nl;

	if (*pos >= len)
		return false;
	l->p = buf + *pos;
	nl = memchr(l->p, '\n', len - *pos);
	l->n = nl ? (size_t)(nl - l->p) : len - *pos;
	*pos += l->n + (nl ? 1 : 0);
	return true;
}

/* the lines around the place where stable VMA @s should have been */
static void find_gap(const char *buf, size_t len, const struct maps_range *s,
		     struct mline *before, struct mline *after)
{
	struct mline l = { 0 };
	size_t pos = 0;
	unsigned no = 0;

	before->no = after->no = 0;
	while (next_line(buf, len, &pos, &l)) {
		l.no = ++no;
		if (!parse_range(l.p, l.n, &l.start, &l.end))
			continue;
		if (l.end <= s->start)
			*before = l;
		else if (l.start >= s->end && !after->no)
			*after = l;
	}
}

/* mark the pages of covered range @c that line @l covers */
static void cover(const struct maps_range *c, uint64_t *bits, const struct mline *l)
{
	uint64_t a = l->start > c->start ? l->start : c->start;
	uint64_t b = l->end < c->end ? l->end : c->end;

	for (; a < b; a += MAPS_PAGE)
		*bits |= 1ULL << ((a - c->start) / MAPS_PAGE);
}

/* report each hole of covered range @c, naming the lines around it */
static void report_gaps(const char *buf, size_t len, const struct maps_range *c, uint64_t bits,
			struct maps_result *res)
{
	size_t pages = (size_t)((c->end - c->start) / MAPS_PAGE), p, q;

	for (p = 0; p < pages; p = q) {
		struct maps_range hole;
		struct mline before = { 0 }, after = { 0 };

		if (bits & (1ULL << p)) {
			q = p + 1;
			continue;
		}
		for (q = p; q < pages && !(bits & (1ULL << q)); q++)
			;
		hole = (struct maps_range){ c->start + p * MAPS_PAGE, c->start + q * MAPS_PAGE, c->what };
		find_gap(buf, len, &hole, &before, &after);
		add(res, MV_GAP, &hole, before.no ? &before : NULL, after.no ? &after : NULL);
	}
}

uint64_t maps_check(const char *buf, size_t len, const struct maps_expect *e,
		    struct maps_result *res)
{
	const struct maps_range *stable = e->stable, *cov = e->covered;
	size_t nstable = e->nstable, ncov = e->ncovered;
	unsigned *seen = e->seen;
	struct mline prev = { .ok = false, .stable = -1 }, cur;
	size_t pos = 0, i;
	unsigned no = 0;
	/* the highest end of a stable line shown so far: nothing may start below it */
	uint64_t stable_hw = 0;
	struct mline stable_hw_line = { 0 };
	uint64_t before;

	memset(res, 0, sizeof(*res));
	if (nstable)
		memset(seen, 0, nstable * sizeof(*seen));
	if (ncov)
		memset(e->cover, 0, ncov * sizeof(*e->cover));
	while (next_line(buf, len, &pos, &cur)) {
		cur.no = ++no;
		cur.stable = -1;
		if (!cur.n && pos >= len)
			break;		/* the final newline */
		res->lines++;
		cur.ok = parse_range(cur.p, cur.n, &cur.start, &cur.end) && cur.start < cur.end;
		if (!cur.ok) {
			add(res, MV_PARSE, NULL, &cur, NULL);
			continue;
		}
		before = res->violations;
		for (i = first_above(cov, ncov, cur.start); i < ncov && cov[i].start < cur.end; i++)
			cover(&cov[i], &e->cover[i], &cur);
		/* every stable VMA this line touches */
		for (i = first_above(stable, nstable, cur.start);
		     i < nstable && stable[i].start < cur.end; i++) {
			if (stable[i].start == cur.start && stable[i].end == cur.end) {
				cur.stable = (long)i;
				if (++seen[i] > 1)
					add(res, MV_DUPLICATED, &stable[i], &cur, NULL);
				continue;
			}
			add(res, MV_OVERLAP, &stable[i], &cur, NULL);
		}
		if (cur.start < stable_hw && res->violations == before)
			add(res, MV_BACKWARDS, NULL, &cur, &stable_hw_line);
		else if (prev.ok && cur.start < prev.end && prev.stable < 0 && cur.stable < 0) {
			if (!res->torn++) {
				copy_line(res->torn_example[0], prev.p, prev.n);
				copy_line(res->torn_example[1], cur.p, cur.n);
			}
		}
		if (cur.stable >= 0 && cur.end > stable_hw) {
			stable_hw = cur.end;
			stable_hw_line = cur;
		}
		prev = cur;
	}
	for (i = 0; i < nstable; i++) {
		struct mline before = { 0 }, after = { 0 };

		if (seen[i]) {
			res->stable_seen++;
			continue;
		}
		find_gap(buf, len, &stable[i], &before, &after);
		add(res, MV_MISSING, &stable[i], before.no ? &before : NULL, after.no ? &after : NULL);
	}
	for (i = 0; i < ncov; i++) {
		size_t pages = (size_t)((cov[i].end - cov[i].start) / MAPS_PAGE);
		uint64_t all = pages >= 64 ? ~0ULL : (1ULL << pages) - 1;

		if ((e->cover[i] & all) != all)
			report_gaps(buf, len, &cov[i], e->cover[i], res);
	}
	return res->violations;
}
