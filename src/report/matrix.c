// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vm-check matrix judged (matrix.h): what scripts/vm-check collected
 * in a results directory becomes cells.  Per policy, boot after boot:
 * each status line the guest wrote (movestress's exit code, seconds,
 * reason) gives a state, refined by the cell's result JSON (known bugs,
 * the rmap race counter, movestress's own kernel findings) and by its
 * console segment through the report classifier (kernel/klog.c); the
 * cell that began and never ended is a hang or a kernel report, a hang's
 * kernel stacks are offered to the known-bugs table, the cells no boot
 * reached are "not run", and the (boot) row says how the boots ended.
 * Then the positive control's cells, and the exit code.  matrix-out.c
 * writes the result.
 *
 * What only vm-check knows, it writes down: vm-check.json (the run's
 * options and the kernel it built), per boot boot.json (how the boot
 * ended and why, whether it was retried) and not-reached.txt (the cells it
 * booted again).  A directory from before those files is judged from its
 * matrix.json's head and figures.txt.
 */
#include "config.h"
#include "report/matrix.h"
#include "core/opts.h"
#include "core/report.h"
#include "kernel/klog.h"
#include "kernel/known-bugs.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the states ---- */

const struct mx_state_desc mx_states[MX_NSTATES] = {
	[MX_PASS] = { "pass", 0, MS_EXIT_PASS },
	[MX_EXPECTED_FAIL] = { "expected-fail", 0, MS_EXIT_PASS },
	[MX_KILLED] = { "killed", 0, MS_EXIT_PASS },
	[MX_SKIP] = { "skip", 1, MS_EXIT_SKIP },
	[MX_KNOWN_BUG] = { "known-bug", 2, MS_EXIT_KNOWN_BUG },
	[MX_ENV] = { "env", 3, MS_EXIT_ENV },
	[MX_FAIL] = { "fail", 4, MS_EXIT_FAILURE },
	[MX_HANG] = { "hang", 5, MS_EXIT_HANG },
	[MX_KERNEL] = { "kernel", 6, MS_EXIT_KERNEL_REPORT },
};

int mx_state_find(const char *name)
{
	int i;

	for (i = 0; i < MX_NSTATES; i++)
		if (!strcmp(mx_states[i].name, name))
			return i;
	return -1;
}

/*
 * movestress's exit code in the guest -> the cell's state: the state whose
 * code it is, except 137 (the guest's timeout -s KILL: a hang), and usage
 * errors and interruptions, which nothing in the guest should cause (the
 * harness failed: fail); anything unknown fails too.
 */
static enum mx_state state_of_exit(int rc)
{
	int i;

	if (rc == 137)
		return MX_HANG;
	if (rc == MS_EXIT_USAGE || rc == MS_EXIT_INTERRUPTED)
		return MX_FAIL;
	for (i = MX_PASS; i < MX_NSTATES; i++)
		if (i != MX_EXPECTED_FAIL && i != MX_KILLED && mx_states[i].exit_code == rc)
			return i;
	return MX_FAIL;
}

bool mx_cell_kernel_report(const char *state, const char *text)
{
	return !strcmp(state, mx_states[MX_KERNEL].name) ||
	       (!strcmp(state, mx_states[MX_EXPECTED_FAIL].name) && strstr(text, "kernel:"));
}

/* ---- matrix.json as a reader sees it ---- */

int mx_check_json(json_t *m, const char *path, char *err, size_t len)
{
	json_t *sv = json_object_get(m, "schema_version"), *cells, *c;
	size_t i;

	if (!json_is_object(m)) {
		snprintf(err, len, "%s: not a vm-check matrix (not a JSON object)", path);
		return -1;
	}
	if (sv && (!json_is_integer(sv) || json_integer_value(sv) < 1 ||
		   json_integer_value(sv) > MX_SCHEMA_VERSION)) {
		char v[32];

		if (json_is_integer(sv))
			snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(sv));
		else
			snprintf(v, sizeof(v), "of the wrong type");
		snprintf(err, len, "%s: schema_version %s is not one this movestress reads (allowed: 1..%d)",
			 path, v, MX_SCHEMA_VERSION);
		return -1;
	}
	cells = json_object_get(m, "cells");
	if (!json_is_array(cells)) {
		snprintf(err, len, "%s: no \"cells\" array: not a vm-check matrix.json", path);
		return -1;
	}
	json_array_foreach(cells, i, c)
		if (!json_is_object(c) || !json_is_string(json_object_get(c, "scenario")) ||
		    !json_is_string(json_object_get(c, "policy"))) {
			snprintf(err, len, "%s: cells[%zu] is %s, not a cell (an object with scenario and policy)",
				 path, i, json_is_object(c) ? "an object without scenario or policy" :
				 json_is_null(c) ? "null" : json_is_number(c) ? "a number" :
				 json_is_string(c) ? "a string" : json_is_array(c) ? "an array" : "a boolean");
			return -1;
		}
	return 0;
}

static const char *role_policy(json_t *m, const char *key, enum rmap_role role)
{
	const char *s = json_string_value(json_object_get(m, key));

	return s ?: rmap_policy_of_role(role)->name;
}

const char *mx_base_policy(json_t *m)
{
	return role_policy(m, "base_policy", RMAP_BASE);
}

const char *mx_control_policy(json_t *m)
{
	return role_policy(m, "control_policy", RMAP_CONTROL);
}

const char *mx_kernel_id(json_t *kernel_build)
{
	return json_string_value(json_object_get(kernel_build, "id")) ?: "unknown";
}

/* ---- small helpers ---- */

static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void set(char **dst, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	free(*dst);
	*dst = s;
}

static char *xstrdup(const char *s)
{
	return s ? xasprintf("%s", s) : NULL;
}

/* a regular file's text, NUL-terminated (NULL if absent, not regular or unreadable) */
static char *slurp(const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool is_dir_at(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* the next line of @*p (NUL-terminated in place, '\r' dropped), NULL at the end */
static char *next_line(char **p)
{
	char *l = *p, *nl;
	size_t n;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = l + strlen(l);
	}
	n = strlen(l);
	if (n && l[n - 1] == '\r')
		l[n - 1] = '\0';
	return l;
}

/* split @line at tabs into at most @max fields (the last keeps the rest) */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max - 1) {
		char *t = strchr(line, '\t');

		f[n++] = line;
		if (!t)
			return n;
		*t = '\0';
		line = t + 1;
	}
	f[n++] = line;
	return n;
}

/* a number the way jq prints it: integers plainly, else the shortest that reads back */
static void jq_number(json_t *v, char *buf, size_t len)
{
	double d = json_number_value(v);
	int prec;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return;
	}
	if (d == floor(d) && fabs(d) < 1e17) {
		snprintf(buf, len, "%.0f", d);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
	snprintf(buf, len, "%.17g", d);
}

/* ---- what the classifier (kernel/klog.c) makes of a console log ---- */

/* the first report's title in @path; false if none (or no such file) */
static bool first_report(const char *path, char *title, size_t len)
{
	struct klog_report rep[16];

	if (klog_classify_file(path, rep, 16) <= 0)
		return false;
	snprintf(title, len, "%s", rep[0].title);
	return true;
}

/*
 * Report titles as the table shows them: one rewrite per kind, the first
 * that matches wins (the full title stays under "cells in full").
 */
static const struct {
	const char *re, *to;	/* ERE; \N in @to is its Nth group */
} title_rules[] = {
	{ "^kernel BUG at (\\.\\./)*([^ !]+)!?.*", "BUG \\2" },
	{ "^KASAN: ([a-z0-9-]+) (Read|Write) in ", "KASAN \\1 in " },
	{ "^(KASAN|KFENCE): ", "\\1 " },
	{ "^possible deadlock in ", "lockdep deadlock in " },
	{ "^WARNING in ", "WARN in " },
	{ "^BUG: unable to handle kernel paging request in ", "BUG paging in " },
	{ "^BUG: unable to handle kernel NULL pointer dereference in ", "BUG NULL deref in " },
	{ "^INFO: task hung in ", "hung task in " },
	{ "^INFO: rcu detected stall in ", "RCU stall in " },
	{ "^general protection fault in ", "GPF in " },
	{ "^kernel panic: ", "panic: " },
	{ "^(BUG|WARNING): ", "\\1 " },
};

static char *compact_title(const char *title)
{
	size_t i;

	for (i = 0; i < sizeof(title_rules) / sizeof(title_rules[0]); i++) {
		regmatch_t g[10];
		regex_t re;
		char *out;
		size_t n = 0, cap;
		const char *t;
		int ok;

		if (regcomp(&re, title_rules[i].re, REG_EXTENDED))
			abort();
		ok = !regexec(&re, title, 10, g, 0);
		regfree(&re);
		if (!ok)
			continue;
		cap = strlen(title) + strlen(title_rules[i].to) + 1;
		out = malloc(cap + strlen(title));
		if (!out)
			abort();
		memcpy(out, title, (size_t)g[0].rm_so);
		n = (size_t)g[0].rm_so;
		for (t = title_rules[i].to; *t; t++) {
			if (t[0] == '\\' && t[1] >= '1' && t[1] <= '9') {
				regmatch_t *s = &g[t[1] - '0'];

				t++;
				if (s->rm_so < 0)
					continue;
				memcpy(out + n, title + s->rm_so, (size_t)(s->rm_eo - s->rm_so));
				n += (size_t)(s->rm_eo - s->rm_so);
			} else {
				out[n++] = *t;
			}
		}
		strcpy(out + n, title + g[0].rm_eo);
		return out;
	}
	return xstrdup(title);
}

/* ---- what a cell's result says ---- */

static json_t *load_result(const char *path)
{
	char err[256];

	return path ? read_json_file(path, err, sizeof(err)) : NULL;
}

/* the first number under @key, in document order (jq's `..`), in @node */
static json_t *first_key(json_t *node, const char *key)
{
	json_t *v, *r;
	const char *k;
	size_t i;

	if (json_is_object(node)) {
		v = json_object_get(node, key);
		if (json_is_number(v))
			return v;
		json_object_foreach(node, k, v)
			if ((r = first_key(v, key)))
				return r;
	} else if (json_is_array(node)) {
		json_array_foreach(node, i, v)
			if ((r = first_key(v, key)))
				return r;
	}
	return NULL;
}

/* 1234567 -> "1.2M", 12345 -> "12.3k", 999.7 -> "999": one decimal, cut */
static void human(double x, char *buf, size_t len)
{
	double u = x >= 1e6 ? 1e5 : x >= 1e3 ? 1e2 : 0;
	long long t;

	if (!u) {
		snprintf(buf, len, "%lld", (long long)floor(x));
		return;
	}
	t = (long long)floor(x / u);
	if (t % 10)
		snprintf(buf, len, "%lld.%lld%s", t / 10, t % 10, x >= 1e6 ? "M" : "k");
	else
		snprintf(buf, len, "%lld%s", t / 10, x >= 1e6 ? "M" : "k");
}

char *mx_headline(const char *path)
{
	json_t *j = load_result(path), *root, *v;
	char h[48];
	char *out;

	if (!j)
		return xstrdup("");
	root = json_object_get(j, "results");
	if (!root || json_is_false(root) || json_is_null(root))
		root = j;
	/* moves/s: pages moved per second (a 4 KiB page = one move; a THP = 512) */
	if ((v = first_key(root, "pages_per_sec"))) {
		human(json_number_value(v), h, sizeof(h));
		out = xasprintf("%s mv/s", h);
	} else if ((v = first_key(root, "ops_per_sec"))) {
		human(json_number_value(v), h, sizeof(h));
		out = xasprintf("%s ops/s", h);
	} else {
		out = xstrdup("");
	}
	json_decref(j);
	return out;
}

char *mx_counters(const char *path)
{
	json_t *j = load_result(path), *v;
	const char *k;
	char *buf = NULL, num[48];
	size_t len = 0;
	FILE *f;
	bool first = true;

	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	json_object_foreach(json_object_get(json_object_get(j, "kernel"), "counters"), k, v) {
		if ((strncmp(k, "uffd_move_", 10) && strncmp(k, "rmap_", 5)) || !json_is_number(v) ||
		    json_number_value(v) == 0)
			continue;
		jq_number(v, num, sizeof(num));
		fprintf(f, "%s%s=%s", first ? "" : " ", k, num);
		first = false;
	}
	fclose(f);
	json_decref(j);
	return buf;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_known(json_t *node, char ***list, size_t *n)
{
	json_t *v, *e;
	const char *k;
	size_t i;

	if (json_is_object(node)) {
		json_array_foreach(json_object_get(node, "known_bugs"), i, e) {
			json_t *id = json_object_get(e, "id"), *cnt = json_object_get(e, "count");
			char a[128], b[48];
			char **nl;

			if (!json_is_object(e))
				continue;
			if (json_is_string(id))
				snprintf(a, sizeof(a), "%s", json_string_value(id));
			else if (json_is_number(id))
				jq_number(id, a, sizeof(a));
			else
				snprintf(a, sizeof(a), "?");
			if (json_is_number(cnt))
				jq_number(cnt, b, sizeof(b));
			else if (json_is_string(cnt))
				snprintf(b, sizeof(b), "%s", json_string_value(cnt));
			else
				snprintf(b, sizeof(b), "?");
			nl = realloc(*list, (*n + 1) * sizeof(**list));
			if (!nl)
				abort();
			*list = nl;
			(*list)[(*n)++] = xasprintf("%s x%s", a, b);
		}
		json_object_foreach(node, k, v)
			collect_known(v, list, n);
	} else if (json_is_array(node)) {
		json_array_foreach(node, i, v)
			collect_known(v, list, n);
	}
}

/* "move-eexist x3, ..." from every known_bugs array of the result; "" if none */
static char *known_bugs_text(json_t *j)
{
	char **list = NULL, *buf = NULL;
	size_t n = 0, i, len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	collect_known(j, &list, &n);
	qsort(list, n, sizeof(*list), strp_cmp);
	for (i = 0; i < n; i++)
		if (!i || strcmp(list[i], list[i - 1]))
			fprintf(f, "%s%s", ftell(f) ? ", " : "", list[i]);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	fclose(f);
	return buf;
}

/* the series' race counter of the cell (patch 6/6), 0 if it did not move */
static long long race_count(json_t *j)
{
	json_t *c = json_object_get(json_object_get(json_object_get(j, "kernel"), "counters"), RMAP_RACE_COUNTER);

	return json_is_integer(c) && json_integer_value(c) > 0 ? json_integer_value(c) : 0;
}

/* ---- the cells ---- */

struct mx_cell *mx_cell(const struct mx *m, const char *name, int pol)
{
	size_t i;

	for (i = 0; i < m->ncells; i++)
		if (m->cells[i].pol == pol && !strcmp(m->cells[i].name, name))
			return &m->cells[i];
	return NULL;
}

/* record (or replace) the cell @name of policy @pol; its short text defaults to the text */
static struct mx_cell *record(struct mx *m, int pol, const char *name, enum mx_state st, const char *text,
			      const char *json, const char *secs, const char *shrt)
{
	struct mx_cell *c = mx_cell(m, name, pol);

	if (!c) {
		if (m->ncells == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct mx_cell *n = realloc(m->cells, cap * sizeof(*n));

			if (!n)
				abort();
			m->cells = n;
			m->cap = cap;
		}
		c = &m->cells[m->ncells++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup(name);
		c->pol = pol;
	}
	c->state = st;
	set(&c->text, "%s", text);
	set(&c->shrt, "%s", shrt && *shrt ? shrt : text);
	free(c->json);
	c->json = json && *json ? xstrdup(json) : NULL;
	free(c->secs);
	c->secs = secs && *secs ? xstrdup(secs) : NULL;
	return c;
}

char *mx_display(const struct mx_cell *c)
{
	char *h;

	if (!c)
		return xstrdup("-");
	if (c->state == MX_PASS && c->json) {
		h = mx_headline(c->json);
		if (*h) {
			char *s = xasprintf("pass %s", h);

			free(h);
			return s;
		}
		free(h);
	}
	return xstrdup(c->shrt ?: c->text ?: "-");
}

/* ---- vm-check's facts ---- */

const char *mx_fact(const struct mx *m, const char *key)
{
	return json_string_value(json_object_get(m->facts, key)) ?: "";
}

const char *mx_arch_of(json_t *facts, json_t *kernel_build)
{
	return json_string_value(json_object_get(facts, "arch")) ?:
	       json_string_value(json_object_get(kernel_build, "arch")) ?: "x86_64";
}

const char *mx_arch(const struct mx *m)
{
	return mx_arch_of(m->facts, m->kernel_build);
}

long long mx_fact_int(const struct mx *m, const char *key, long long dflt)
{
	json_t *v = json_object_get(m->facts, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v) && *json_string_value(v))
		return strtoll(json_string_value(v), NULL, 10);
	return dflt;
}

/*
 * vm-check.json; a directory from before it: the head of its matrix.json,
 * with vm-check's defaults for what that did not keep (the NUMA nodes, the
 * control mode, the timeouts) and the kernel's summary from the source
 * and the series id ("kernel-patches/6.12:6:HASH").
 */
static int load_facts(struct mx *m, char *err, size_t len)
{
	char path[MX_PATH], why[256];
	const char *series, *c1, *c2;
	json_t *f;

	snprintf(path, sizeof(path), "%s/vm-check.json", m->dir);
	if (is_file(path)) {
		m->facts = read_json_file(path, why, sizeof(why));
		if (!json_is_object(m->facts)) {
			snprintf(err, len, "matrix: %s: %s", path, m->facts ? "not a JSON object" : why);
			return MS_EXIT_USAGE;
		}
		return 0;
	}
	snprintf(path, sizeof(path), "%s/matrix.json", m->dir);
	f = read_json_file(path, why, sizeof(why));
	if (!json_is_object(f) || !json_is_array(json_object_get(f, "policies"))) {
		snprintf(err, len, "matrix: %s: not a vm-check results directory (no vm-check.json, and "
			 "matrix.json %s)", m->dir, f ? "has no policies" : why);
		json_decref(f);
		return MS_EXIT_USAGE;
	}
	json_object_del(f, "cells");
	m->facts = f;
	if (!json_object_get(f, "numa"))
		json_object_set_new(f, "numa", json_integer(2));
	json_object_set_new(f, "control_mode", json_string(json_string_value(json_object_get(
		json_object_get(f, "control"), "mode")) ?: "require"));
	if (!json_object_get(f, "boot_timeout"))
		json_object_set_new(f, "boot_timeout", json_integer(600));
	if (!json_object_get(f, "timeout")) {
		/* what the guests were told (vm.conf of a boot), else vm-check's default */
		long long t = !strcmp(mx_fact(m, "matrix"), "full") ? 900 : 240;
		json_t *pol;
		size_t i;

		json_array_foreach(json_object_get(f, "policies"), i, pol) {
			char *conf, *q, *l;

			snprintf(path, sizeof(path), "%s/boot-%s-1/vm.conf", m->dir, json_string_value(pol) ?: "");
			conf = q = slurp(path);
			while ((l = next_line(&q)))
				if (!strncmp(l, "CELL_TIMEOUT=", 13))
					t = strtoll(l + 13, NULL, 10);
			free(conf);
		}
		json_object_set_new(f, "timeout", json_integer(t));
	}
	if (!json_object_get(f, "shard_given"))
		json_object_set_new(f, "shard_given", json_boolean(*mx_fact(m, "shard") &&
								   strcmp(mx_fact(m, "shard"), "1/1")));
	series = mx_fact(m, "series");
	c1 = strchr(series, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	json_object_set_new(f, "kernel_summary", json_sprintf("%s%s%s%.*s patch(es)%s%.*s",
		*mx_fact(m, "kernel_source") ? "linux-source-6.12 " : "", mx_fact(m, "kernel_source"),
		*mx_fact(m, "kernel_source") ? ", " : "", c2 ? (int)(c2 - c1 - 1) : 1, c2 ? c1 + 1 : "?",
		c2 ? " from " : "", c2 ? (int)(c1 - series) : 0, series));
	return 0;
}

/* is CONFIG_X=y in the kernel's .config (OUT/kernel.config)? */
static bool config_has(const struct mx *m, const char *opt)
{
	char path[MX_PATH], *text, *p, *l;
	bool yes = false;
	size_t n = strlen(opt);

	snprintf(path, sizeof(path), "%s/kernel.config", m->dir);
	text = p = slurp(path);
	while (!yes && (l = next_line(&p)))
		yes = !strncmp(l, opt, n) && !strcmp(l + n, "=y");
	free(text);
	return yes;
}

/* cells.tsv (the rows), plan.txt (run order), scenarios.txt (matrix.json's scenarios) */
static int load_plan(struct mx *m, char *err, size_t len)
{
	char path[MX_PATH], *text, *p, *l, *f[5];
	size_t n;

	snprintf(path, sizeof(path), "%s/cells.tsv", m->dir);
	text = p = slurp(path);
	if (!text) {
		snprintf(err, len, "matrix: %s: no cells.tsv: not a vm-check results directory", m->dir);
		return MS_EXIT_USAGE;
	}
	while ((l = next_line(&p))) {
		struct mx_row *r, *nr;

		n = split_tabs(l, f, 5);
		if (!*f[0])
			continue;
		nr = realloc(m->rows, (m->nrows + 1) * sizeof(*nr));
		if (!nr)
			abort();
		m->rows = nr;
		r = &m->rows[m->nrows++];
		r->cell = xstrdup(f[0]);
		r->scen = xstrdup(n > 1 ? f[1] : f[0]);
		r->trial = xstrdup(n > 2 ? f[2] : "");
		r->seed = xstrdup(n > 3 ? f[3] : "");
		r->args = xstrdup(n > 4 ? f[4] : "");
	}
	free(text);
	snprintf(path, sizeof(path), "%s/plan.txt", m->dir);
	text = p = slurp(path);
	while ((l = next_line(&p))) {
		char **np;

		split_tabs(l, f, 2);
		if (!*f[0])
			continue;
		np = realloc(m->plan, (m->nplan + 1) * sizeof(*np));
		if (!np)
			abort();
		m->plan = np;
		m->plan[m->nplan++] = xstrdup(f[0]);
	}
	free(text);
	m->scenarios = json_array();
	snprintf(path, sizeof(path), "%s/scenarios.txt", m->dir);
	text = p = slurp(path);
	while ((l = next_line(&p))) {
		if (!*l)
			continue;
		n = split_tabs(l, f, 3);
		json_array_append_new(m->scenarios, json_pack("{s:s, s:o}", "name", f[0],
							      "args", n > 1 ? json_string(f[1]) : json_null()));
	}
	free(text);
	return 0;
}

/* ---- one boot ---- */

struct boot {
	char dir[PATH_MAX + 64];
	int n;
	char end[32];		/* done | exited | timeout-boot | timeout-cell | timeout-between | crash-* */
	char why[512];
	char secs[32];
	bool retried;
};

/* the cell whose begin marker is the last in @console ("" if none) */
static void last_begun(const char *console, char *name, size_t len)
{
	char *text = slurp(console), *p = text, *l;

	name[0] = '\0';
	while ((l = next_line(&p)))
		if (!strncmp(l, "@@vm-check begin ", 17))
			snprintf(name, len, "%.*s", (int)strcspn(l + 17, " "), l + 17);
	free(text);
}

/*
 * boot.json as vm-check wrote it.  A boot from before it: how it ended and
 * its wall time from figures.txt ("boot [POLICY] #N (END)  SECS s"), why
 * from how it ended (the seconds from the report's first line to the kill
 * are lost), retried if it was the policy's first report before init.
 */
static void load_boot(const struct mx *m, const char *pol, bool crashed_before, struct boot *b)
{
	char path[MX_PATH], why[128], cell[128], *text, *p, *l;
	long long limit;
	json_t *j;

	snprintf(path, sizeof(path), "%s/boot.json", b->dir);
	j = read_json_file(path, why, sizeof(why));
	if (j) {
		snprintf(b->end, sizeof(b->end), "%s", json_string_value(json_object_get(j, "end")) ?: "exited");
		snprintf(b->why, sizeof(b->why), "%s", json_string_value(json_object_get(j, "why")) ?: "");
		snprintf(b->secs, sizeof(b->secs), "%s", json_string_value(json_object_get(j, "secs")) ?: "");
		b->retried = json_is_true(json_object_get(j, "retried"));
		json_decref(j);
		return;
	}
	snprintf(b->end, sizeof(b->end), "exited");
	snprintf(path, sizeof(path), "%s/figures.txt", m->dir);
	text = p = slurp(path);
	while ((l = next_line(&p))) {
		char fp[48], fe[32];
		int fn;
		const char *v;

		if (sscanf(l, "boot [%47[^]]] #%d (%31[^)])", fp, &fn, fe) != 3 || strcmp(fp, pol) || fn != b->n)
			continue;
		snprintf(b->end, sizeof(b->end), "%s", fe);
		v = strrchr(l, ')') + 1;
		while (*v == ' ')
			v++;
		snprintf(b->secs, sizeof(b->secs), "%.*s", (int)strcspn(v, " "), v);
	}
	free(text);
	snprintf(path, sizeof(path), "%s/console.log", b->dir);
	last_begun(path, cell, sizeof(cell));
	limit = mx_fact_int(m, "timeout", 240) + 60;
	if (!strcmp(b->end, "crash-boot"))
		snprintf(b->why, sizeof(b->why), "kernel report before init");
	else if (!strcmp(b->end, "crash-cell"))
		snprintf(b->why, sizeof(b->why), "kernel report in %s", cell);
	else if (!strcmp(b->end, "crash-between"))
		snprintf(b->why, sizeof(b->why), "kernel report between cells");
	else if (!strcmp(b->end, "timeout-boot"))
		snprintf(b->why, sizeof(b->why), "no init within %llds", mx_fact_int(m, "boot_timeout", 600));
	else if (!strcmp(b->end, "timeout-cell"))
		snprintf(b->why, sizeof(b->why), "no progress for %llds in %s", limit, cell);
	else if (!strcmp(b->end, "timeout-between"))
		snprintf(b->why, sizeof(b->why), "no progress for %llds between cells", limit);
	b->retried = !strcmp(b->end, "crash-boot") && !crashed_before;
}

/* "skipped: <why>" for a cell that exited 77 without a reason: the first line of its log that says */
static char *skip_from_log(const char *bd, const char *name)
{
	char path[MX_PATH], *text, *p, *l, *out = NULL;

	snprintf(path, sizeof(path), "%s/results/%s.log", bd, name);
	text = p = slurp(path);
	while (!out && (l = next_line(&p))) {
		char *colon;

		if (!strcasestr(l, "skip"))
			continue;
		colon = strchr(l, ':');
		if (colon && colon - l >= 7 && !strncasecmp(colon - 7, "skipped", 7)) {
			l = colon + 1;
			while (*l == ' ')
				l++;
		}
		out = xasprintf("skipped: %.100s", l);
	}
	if (!out)
		out = text ? xstrdup("skipped: ") : NULL;
	free(text);
	return out;
}

/*
 * The one place a hang's kernel stacks meet the known-bugs table
 * (kernel/known-bugs.c): the stacks the guest took before it killed the
 * cell (NAME.stacks) and the kernel release.  A known bug on a kernel it
 * affects makes the cell known-bug; the same signature on a kernel listed
 * as fixed (or older than the bug) is a new finding: the hang stays a hang,
 * and its note says so.
 */
static void hang_stacks(struct mx *m, struct mx_cell *c, const char *bd)
{
	const char *release = m->pol[c->pol].release;
	const struct known_bug *b = NULL;
	char path[MX_PATH], why[512], *stacks;
	int code;

	snprintf(path, sizeof(path), "%s/results/%s.stacks", bd, c->name);
	stacks = slurp(path);
	if (!stacks)
		return;
	/* the release the guest ran (its uname), else the build's, else vm-check's */
	if (!release || !*release)
		release = json_string_value(json_object_get(m->kernel_build, "release"));
	if (!release || !*release)
		release = mx_fact(m, "kernel");
	code = known_bugs_match_hang(stacks, release, &b, why, sizeof(why));
	free(stacks);
	if (!b)
		return;
	if (code == MS_EXIT_KNOWN_BUG) {
		c->state = MX_KNOWN_BUG;
		set(&c->text, "known-bug: %s x1", b->id);
		set(&c->shrt, "%s", c->text);
	}
	set(&c->note, "%s", why);
}

/* a line of the boot's status file: one cell that ended */
static void judge_status(struct mx *m, int pol, const char *bd, char *name, int rc, const char *secs,
			 const char *reason)
{
	char path[MX_PATH], title[KLOG_TITLE_MAX];
	enum mx_state st = state_of_exit(rc);
	char *text = NULL, *shrt = NULL, *jpath = NULL;
	json_t *j = NULL;
	struct mx_cell *c;

	snprintf(path, sizeof(path), "%s/results/%s.json", bd, name);
	if (is_file(path)) {
		jpath = xstrdup(path);
		j = load_result(path);
	}
	text = xstrdup(mx_states[st].name);
	if (st == MX_SKIP) {
		set(&text, "skipped: %s", !strncmp(reason, "skipped: ", 9) ? reason + 9 : reason);
	} else if (st == MX_ENV || st == MX_FAIL) {
		set(&text, "%s (exit %d)%s%s", mx_states[st].name, rc, *reason ? ": " : "", reason);
	} else if (st == MX_KNOWN_BUG) {
		char *kb = known_bugs_text(j);

		set(&text, "known-bug: %s", *kb ? kb : "(exit 6, no known_bugs in the JSON)");
		free(kb);
	}
	if (rc == 137)
		set(&text, "hang: %s", reason);
	if (rc == MS_EXIT_INTERRUPTED)
		set(&text, "fail (exit 7): movestress was interrupted; nothing in the guest should interrupt "
			"a cell (harness failure)");
	if (st == MX_SKIP && !*reason) {
		char *s = skip_from_log(bd, name);

		if (s) {
			free(text);
			text = s;
		}
	}
	/*
	 * The race counter moved: an rmap walk raced MOVE.  That is the kernel
	 * telling on itself, as movestress's own verdict says (kernel-report,
	 * exit 3), whatever movestress exited with.
	 */
	if (j && (st == MX_PASS || st == MX_FAIL || st == MX_KNOWN_BUG) && race_count(j))
		st = MX_KERNEL;
	snprintf(path, sizeof(path), "%s/seg/%s.log", bd, name);
	if (first_report(path, title, sizeof(title))) {
		st = MX_KERNEL;
		set(&text, "kernel: %s", title);
		shrt = compact_title(title);
	} else if (st == MX_KERNEL && j) {
		/* no report on the console: the rmap race counter, or a report movestress read in kmsg */
		json_t *race = json_object_get(json_object_get(j, "health"), "rmap_race");
		long long n = race_count(j);

		if (race || n) {
			char num[48];
			json_t *rn = json_object_get(race, "rmap_walk_mapping_changed");

			if (rn && !json_is_null(rn) && !json_is_false(rn))
				jq_number(rn, num, sizeof(num));
			else
				snprintf(num, sizeof(num), "%lld", n);
			if (json_is_string(json_object_get(race, "title")))
				set(&text, "rmap-race: %s", json_string_value(json_object_get(race, "title")));
			else if (race)
				set(&text, "rmap-race: rmap walk saw folio->mapping change");
			else
				set(&text, "rmap-race: rmap walk saw folio->mapping change under it %s time(s) "
					"(" RMAP_RACE_COUNTER ", movestress exited %d)", num, rc);
			shrt = xasprintf("rmap-race x%s", num);
		} else {
			json_t *r0 = json_array_get(json_object_get(json_object_get(json_object_get(j, "health"),
											"kmsg"), "reports"), 0);
			const char *t = json_string_value(json_object_get(r0, "title"));
			char *nl;

			set(&text, "kernel: %s", t ?: "(no title)");
			nl = strchr(text, '\n');
			if (nl)
				*nl = '\0';
			shrt = compact_title(text + 8);
		}
	}
	c = record(m, pol, name, st, text, jpath, secs, shrt);
	if (st == MX_HANG)
		hang_stacks(m, c, bd);
	json_decref(j);
	free(text);
	free(shrt);
	free(jpath);
}

/* is @name a line of @list (a file of names, one per line)? */
static bool in_list(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == '\n' || p[n] == '\0' || p[n] == '\r'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/*
 * One boot: its status lines, the cell that began and never ended, the
 * reports outside any cell.  Returns the cells it did not reach (vm-check's
 * not-reached.txt: the ones it booted again), malloc'd text.
 */
static char *judge_boot(struct mx *m, int pol, const struct boot *b)
{
	char path[MX_PATH], title[KLOG_TITLE_MAX], *status, *plan, *rest, *p, *l, *f[4];
	char *seen = NULL;
	size_t seenlen = 0;
	FILE *sf = open_memstream(&seen, &seenlen);

	if (!sf)
		abort();
	snprintf(path, sizeof(path), "%s/results/status", b->dir);
	status = p = slurp(path);
	while ((l = next_line(&p))) {
		size_t n = split_tabs(l, f, 4);
		char *reason = n > 3 ? f[3] : "";
		size_t rl = strlen(reason);

		if (!*f[0])
			continue;
		while (rl && reason[rl - 1] == '\t')
			reason[--rl] = '\0';
		fprintf(sf, "%s\n", f[0]);
		judge_status(m, pol, b->dir, f[0], n > 1 ? atoi(f[1]) : 0, n > 2 ? f[2] : "", reason);
	}
	free(status);
	fclose(sf);
	snprintf(path, sizeof(path), "%s/not-reached.txt", b->dir);
	rest = slurp(path) ?: xstrdup("");
	/* the cell that began and never ended: in the plan, no status, not booted again */
	snprintf(path, sizeof(path), "%s/plan", b->dir);
	plan = p = slurp(path);
	while ((l = next_line(&p))) {
		struct mx_cell *c;
		enum mx_state st = MX_HANG;
		char *text, *shrt = NULL;

		split_tabs(l, f, 2);
		if (!*f[0] || in_list(seen, f[0]) || in_list(rest, f[0]))
			continue;
		if (!strcmp(b->end, "timeout-cell"))
			text = xasprintf("hang: guest stuck for %llds", mx_fact_int(m, "timeout", 240) + 60);
		else if (!strcmp(b->end, "crash-cell"))
			text = xasprintf("hang: guest killed after a kernel report nobody could classify");
		else
			text = xasprintf("hang: guest died in the cell");
		snprintf(path, sizeof(path), "%s/seg/%s.log", b->dir, f[0]);
		if (first_report(path, title, sizeof(title))) {
			st = MX_KERNEL;
			set(&text, "kernel: %s%s", title, !strcmp(b->end, "timeout-cell") ? " (then hung)" : "");
			shrt = compact_title(title);
		}
		c = record(m, pol, f[0], st, text, NULL, NULL, shrt);
		set(&c->note, "console tail: %s/console.tail", b->dir);
		if (st == MX_HANG)
			hang_stacks(m, c, b->dir);
		free(text);
		free(shrt);
	}
	free(plan);
	free(seen);
	/* reports outside any cell (boot, between cells, shutdown) */
	snprintf(path, sizeof(path), "%s/seg/@boot.log", b->dir);
	if (first_report(path, title, sizeof(title))) {
		struct mx_cell *c = mx_cell(m, MX_BOOT_ROW, pol);

		if (!c || c->state != MX_KERNEL) {
			char *text = xasprintf("kernel: %s (boot #%d)", title, b->n);

			record(m, pol, MX_BOOT_ROW, MX_KERNEL, text, NULL, NULL, NULL);
			free(text);
		}
	}
	return rest;
}

/* the (boot) row once every boot of the policy is judged */
static void finish_boot_row(struct mx *m, int p)
{
	struct mx_pol *pol = &m->pol[p];
	struct mx_cell *c = mx_cell(m, MX_BOOT_ROW, p);
	const char *notes = pol->notes ?: "";
	char *text;

	if (c && c->state == MX_KERNEL) {
		if (*notes)
			set(&c->note, "boots: %s", notes);
		return;
	}
	if (pol->timeout_seen) {
		if (*notes)
			text = xasprintf("hang: %s", notes);
		else
			text = xasprintf("hang: no init within %llds", mx_fact_int(m, "boot_timeout", 600));
		record(m, p, MX_BOOT_ROW, MX_HANG, text, NULL, NULL, NULL);
	} else if (strstr(notes, "between cells")) {
		text = xasprintf("hang: %s", notes);
		record(m, p, MX_BOOT_ROW, MX_HANG, text, NULL, NULL, NULL);
	} else if (*notes) {
		text = xasprintf("killed: %s", notes);
		record(m, p, MX_BOOT_ROW, MX_KILLED, text, NULL, NULL, NULL);
	} else if (pol->boots) {
		char secs[32];

		snprintf(secs, sizeof(secs), "%.1f", pol->secs);
		text = xasprintf("pass (%d boot(s))", pol->boots);
		record(m, p, MX_BOOT_ROW, MX_PASS, text, NULL, secs, NULL);
	} else {
		return;
	}
	free(text);
}

/* every boot of policy @p, in order */
static void judge_policy(struct mx *m, int p)
{
	struct mx_pol *pol = &m->pol[p];
	bool crashed_before = false;
	struct boot b;
	size_t i;

	if (pol->row && pol->row->needs && !config_has(m, pol->row->needs)) {
		char *text = xasprintf("skipped: kernel built without %s=y", pol->row->needs);

		for (i = 0; i < m->nplan; i++)
			record(m, p, m->plan[i], MX_SKIP, text, NULL, NULL, NULL);
		free(text);
		return;
	}
	for (b.n = 1;; b.n++) {
		char path[MX_PATH], title[KLOG_TITLE_MAX], *rest, *l, *s;
		struct mx_cell *brow;

		snprintf(b.dir, sizeof(b.dir), "%s/boot-%s-%d", m->dir, pol->name, b.n);
		if (!is_dir_at(b.dir))
			break;
		memset(b.end, 0, sizeof(b.end));
		b.why[0] = b.secs[0] = '\0';
		b.retried = false;
		load_boot(m, pol->name, crashed_before, &b);
		crashed_before |= !strcmp(b.end, "crash-boot");
		pol->boots = b.n;
		/* as vm-check adds them up: one decimal at every step */
		pol->secs = round((pol->secs + strtod(b.secs, NULL)) * 10) / 10;
		if (!strcmp(b.end, "timeout-boot"))
			pol->timeout_seen = true;
		if (*b.why) {
			char *t = NULL;

			snprintf(path, sizeof(path), "%s/console.log", b.dir);
			if (!strncmp(b.end, "crash-", 6) && first_report(path, title, sizeof(title)))
				t = compact_title(title);
			set(&pol->notes, "%s%s#%d %s%s%s%s", pol->notes ?: "", pol->notes ? "; " : "", b.n, b.why,
			    t ? " (" : "", t ?: "", t ? ")" : "");
			free(t);
		}
		/* a kernel report before init: vm-check booted once more */
		if (b.retried) {
			set(&pol->notes, "%s, retried", pol->notes ?: "");
			continue;
		}
		snprintf(path, sizeof(path), "%s/results/guest.txt", b.dir);
		if ((s = slurp(path))) {
			char *q = s, rel[64];

			free(pol->cpus);
			free(pol->numa);
			pol->cpus = xstrdup("");
			pol->numa = xstrdup("");
			while ((l = next_line(&q))) {
				if (!strncmp(l, "cpus=", 5))
					set(&pol->cpus, "%s", l + 5);
				if (!strncmp(l, "numa_nodes=", 11))
					set(&pol->numa, "%s", l + 11);
				/* uname=Linux HOST RELEASE ...: the release is the third word */
				if (!strncmp(l, "uname=", 6) && sscanf(l + 6, "%*s %*s %63s", rel) == 1)
					set(&pol->release, "%s", rel);
			}
			free(s);
		}
		rest = judge_boot(m, p, &b);
		snprintf(path, sizeof(path), "%s/boot-%s-%d", m->dir, pol->name, b.n + 1);
		if (*rest && !is_dir_at(path)) {
			/* vm-check did not boot again for them: the guest never ran them */
			const char *st_name;
			enum mx_state st = MX_ENV;
			char *why, *q = rest;

			brow = mx_cell(m, MX_BOOT_ROW, p);
			if (!strcmp(b.end, "timeout-boot")) {
				st = MX_HANG;
				why = xasprintf("boot #%d: no init within %llds", b.n, mx_fact_int(m, "boot_timeout", 600));
			} else if (brow && brow->state == MX_KERNEL) {
				st = MX_KERNEL;
				why = xasprintf("boot #%d: %s", b.n, brow->text);
			} else {
				why = xasprintf("guest ended before it (see %s/console.tail)", b.dir);
			}
			while ((st_name = next_line(&q))) {
				char *text;

				if (!*st_name)
					continue;
				text = xasprintf("not run: %s", why);
				record(m, p, st_name, st, text, NULL, NULL, NULL);
				free(text);
			}
			free(why);
		}
		free(rest);
	}
	finish_boot_row(m, p);
}

/* the positive control: its failures are expected, a pass of every cell is loud */
static void judge_control(struct mx *m)
{
	size_t i;

	m->control = -1;
	for (i = 0; i < m->npol; i++)
		if (m->pol[i].row && m->pol[i].row->role == RMAP_CONTROL)
			m->control = (int)i;
	if (m->control < 0)
		return;
	for (i = 0; i < m->ncells; i++) {
		struct mx_cell *c = &m->cells[i];

		if (c->pol != m->control || !strcmp(c->name, MX_BOOT_ROW))
			continue;
		if (c->state == MX_FAIL || c->state == MX_KERNEL || c->state == MX_HANG) {
			set(&c->text, "expected-fail: %s", c->text);
			set(&c->shrt, "expected: %s", c->shrt ?: mx_states[c->state].name);
			c->state = MX_EXPECTED_FAIL;
			m->control_failed = m->control_ran = true;
		} else if (c->state == MX_PASS) {
			m->control_ran = true;
		}
	}
}

/* the worst cell's code; all skipped is a skip, a mix of pass and skip a pass */
static void judge_exit(struct mx *m)
{
	size_t i;

	m->worst = MX_PASS;
	for (i = 0; i < m->ncells; i++)
		if (mx_states[m->cells[i].state].rank > mx_states[m->worst].rank)
			m->worst = m->cells[i].state;
	if (m->worst == MX_SKIP)
		for (i = 0; i < m->ncells; i++)
			if (strcmp(m->cells[i].name, MX_BOOT_ROW) && m->cells[i].state == MX_PASS) {
				m->worst = MX_PASS;
				break;
			}
	m->exit_code = mx_states[m->worst].exit_code;
	if (m->control_ran && !m->control_failed && !strcmp(mx_fact(m, "control_mode"), "require") &&
	    m->exit_code == MS_EXIT_PASS)
		m->exit_code = MS_EXIT_FAILURE;
}

void mx_free(struct mx *m)
{
	size_t i;

	for (i = 0; i < m->ncells; i++) {
		struct mx_cell *c = &m->cells[i];

		free(c->name);
		free(c->text);
		free(c->shrt);
		free(c->json);
		free(c->secs);
		free(c->note);
	}
	free(m->cells);
	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].cell);
		free(m->rows[i].scen);
		free(m->rows[i].args);
		free(m->rows[i].trial);
		free(m->rows[i].seed);
	}
	free(m->rows);
	for (i = 0; i < m->nplan; i++)
		free(m->plan[i]);
	free(m->plan);
	for (i = 0; i < m->npol; i++) {
		free(m->pol[i].cpus);
		free(m->pol[i].numa);
		free(m->pol[i].release);
		free(m->pol[i].notes);
	}
	json_decref(m->facts);
	json_decref(m->kernel_build);
	json_decref(m->scenarios);
}

int mx_build(struct mx *m, const char *dir, char *err, size_t len)
{
	char path[MX_PATH], why[256];
	json_t *p;
	size_t i;
	int ret;

	if (!realpath(dir, m->dir) || !is_dir_at(m->dir)) {
		snprintf(err, len, "matrix: %s: not a directory (give a vm-check results directory)", dir);
		return MS_EXIT_USAGE;
	}
	ret = load_facts(m, err, len);
	ret = ret ?: load_plan(m, err, len);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/kernel.json", m->dir);
	if (is_file(path)) {
		m->kernel_build = read_json_file(path, why, sizeof(why));
		if (!json_is_object(m->kernel_build)) {
			snprintf(err, len, "matrix: %s: %s", path, m->kernel_build ? "not a JSON object" : why);
			return MS_EXIT_USAGE;
		}
	}
	json_array_foreach(json_object_get(m->facts, "policies"), i, p) {
		if (m->npol == MX_MAX_POL || !json_is_string(p)) {
			snprintf(err, len, "matrix: %s: policies must be at most %d names", m->dir, MX_MAX_POL);
			return MS_EXIT_USAGE;
		}
		snprintf(m->pol[m->npol].name, sizeof(m->pol[0].name), "%s", json_string_value(p));
		m->pol[m->npol].row = rmap_policy_find(json_string_value(p));
		m->npol++;
	}
	for (i = 0; i < m->npol; i++)
		judge_policy(m, (int)i);
	judge_control(m);
	judge_exit(m);
	return 0;
}
