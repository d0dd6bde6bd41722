// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_klog.c - unit tests for the kernel log classifier (klog) and the
 * taint helpers (health).
 *
 * Fixtures live in tests/data/klog (*.txt) in syzkaller's testdata shape:
 *
 *	TITLE: <expected title>		(one per expected report, in order;
 *	KIND: <kind>			 "TITLE:" alone means no report)
 *	<blank line>
 *	<raw kernel log>
 *
 * The directory is "$srcdir/tests/data/klog" (automake exports srcdir to
 * tests), else KLOG_FIXTURE_DIR if defined at compile time, else
 * "tests/data/klog".
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/health.h"
#include "kernel/klog.h"

#define MAX_EXPECTED	16
#define MAX_REPORTS	64

struct fixture {
	char name[256];
	int nexpected;
	struct {
		char title[KLOG_TITLE_MAX];
		char kind[32];
	} expected[MAX_EXPECTED];
	char *log;
	size_t log_len;
};

static void fixture_dir(char *buf, size_t len)
{
	const char *srcdir = getenv("srcdir");

	if (srcdir && *srcdir)
		snprintf(buf, len, "%s/tests/data/klog", srcdir);
	else
#ifdef KLOG_FIXTURE_DIR
		snprintf(buf, len, "%s", KLOG_FIXTURE_DIR);
#else
		snprintf(buf, len, "tests/data/klog");
#endif
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long size;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	ck_assert_int_ge(size, 0);
	rewind(fp);
	buf = malloc(size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, size, fp), (size_t)size);
	buf[size] = '\0';
	fclose(fp);
	*len = size;
	return buf;
}

/* parse the TITLE:/KIND: header; fx->log points after the blank line */
static void fixture_load(const char *dir, const char *name, struct fixture *fx,
			 char **owned)
{
	char path[1536], *p, *nl;
	size_t len;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->name, sizeof(fx->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*owned = slurp(path, &len);

	for (p = *owned; *p && *p != '\n'; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_msg(nl != NULL, "%s: no blank line after header", name);
		*nl = '\0';
		if (!strncmp(p, "TITLE:", 6)) {
			p += 6;
			while (*p == ' ')
				p++;
			if (!*p)
				continue;	/* "TITLE:" alone: no report */
			ck_assert_int_lt(fx->nexpected, MAX_EXPECTED);
			snprintf(fx->expected[fx->nexpected].title,
				 KLOG_TITLE_MAX, "%s", p);
			fx->nexpected++;
		} else if (!strncmp(p, "KIND:", 5)) {
			p += 5;
			while (*p == ' ')
				p++;
			ck_assert_msg(fx->nexpected > 0, "%s: KIND before TITLE",
				      name);
			snprintf(fx->expected[fx->nexpected - 1].kind,
				 sizeof(fx->expected[0].kind), "%s", p);
		} else {
			ck_abort_msg("%s: unknown header line '%s'", name, p);
		}
	}
	ck_assert_msg(*p == '\n', "%s: missing blank line", name);
	fx->log = p + 1;
	fx->log_len = len - (fx->log - *owned);
}

static int txt_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 4 && !strcmp(d->d_name + len - 4, ".txt");
}

/* compare one fixture; print every mismatch, return the number of them */
static int fixture_check(const struct fixture *fx)
{
	struct klog_report reports[MAX_REPORTS];
	int j, n, bad = 0;

	n = klog_classify(fx->log, fx->log_len, reports, MAX_REPORTS);
	if (n != fx->nexpected) {
		fprintf(stderr, "%s: %d reports, expected %d\n", fx->name, n,
			fx->nexpected);
		bad++;
	}
	for (j = 0; j < n; j++) {
		const char *kind = klog_kind_name(reports[j].kind);

		if (j >= fx->nexpected) {
			fprintf(stderr, "%s: unexpected report %s\t%s\n",
				fx->name, kind, reports[j].title);
			continue;
		}
		if (strcmp(reports[j].title, fx->expected[j].title)) {
			fprintf(stderr, "%s: report %d title '%s', expected '%s'\n",
				fx->name, j, reports[j].title,
				fx->expected[j].title);
			bad++;
		}
		if (fx->expected[j].kind[0] && strcmp(kind, fx->expected[j].kind)) {
			fprintf(stderr, "%s: report %d kind %s, expected %s\n",
				fx->name, j, kind, fx->expected[j].kind);
			bad++;
		}
	}
	return bad;
}

START_TEST(test_fixtures)
{
	struct dirent **names;
	struct fixture fx;
	int i, nfiles, nclean = 0, nbad = 0;
	char dir[1024], *owned, first_bad[256] = "";

	fixture_dir(dir, sizeof(dir));
	nfiles = scandir(dir, &names, txt_filter, alphasort);
	ck_assert_msg(nfiles >= 0, "%s: %s", dir, strerror(errno));
	ck_assert_int_ge(nfiles, 12);

	for (i = 0; i < nfiles; i++) {
		fixture_load(dir, names[i]->d_name, &fx, &owned);
		if (fixture_check(&fx)) {
			if (!nbad++)
				snprintf(first_bad, sizeof(first_bad), "%s",
					 fx.name);
		}
		nclean += !fx.nexpected;
		free(owned);
		free(names[i]);
	}
	free(names);
	ck_assert_msg(!nbad, "%d of %d fixtures misclassified (first: %s)",
		      nbad, nfiles, first_bad);
	ck_assert_int_ge(nclean, 2);
}
END_TEST

START_TEST(test_strip_prefix)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "[   12.345678] BUG: x", "BUG: x" },
		{ "<4>[   12.345678] BUG: x", "BUG: x" },
		{ "[ 1044.512094][ T1287] WARNING: y", "WARNING: y" },
		{ "[    3.000001][    C1] rcu: z", "rcu: z" },
		{ "<6>plain kmsg", "plain kmsg" },
		{ "[  614.218846]  <TASK>", " <TASK>" },	/* indentation kept */
		{ "[  614.2]\r", "" },
		{ "no prefix\r", "no prefix" },
		{ "[not a timestamp] x", "[not a timestamp] x" },
		{ "<x>[ 1.0] y", "<x>[ 1.0] y" },
		{ "[12.5]x", "x" },
		{ "", "" },
	};
	const char *p;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].in);
		p = klog_strip_prefix(cases[i].in, &len);
		ck_assert_msg(len == strlen(cases[i].out) &&
			      !strncmp(p, cases[i].out, len),
			      "strip('%s') = '%.*s', expected '%s'",
			      cases[i].in, (int)len, p, cases[i].out);
	}
	/* classification sees through the prefixes */
	{
		static const char log[] =
			"<4>[  145.660745][ T1234] WARNING: CPU: 1 PID: 1234 at "
			"mm/userfaultfd.c:1 move_pages_pte+0x1/0x2\r\n";
		struct klog_report r[2];

		ck_assert_int_eq(klog_classify(log, strlen(log), r, 2), 1);
		ck_assert_str_eq(r[0].title, "WARNING in move_pages_pte");
		ck_assert_int_eq(r[0].kind, KLOG_WARNING);
	}
}
END_TEST

/* a full KASAN report, an Oops and its panic, each give one report */
START_TEST(test_one_report_per_incident)
{
	static const char kasan_then_warn[] =
		"==================================================================\n"
		"BUG: KASAN: slab-use-after-free in move_pages_pte+0x1d5c/0x2540\n"
		"Read of size 8 at addr ffff88810a6c4b60 by task movestress/1287\n"
		"Call Trace:\n"
		" <TASK>\n"
		" dump_stack_lvl+0x7d/0xa0\n"
		" </TASK>\n"
		"Allocated by task 1285:\n"
		" kasan_save_stack+0x30/0x50\n"
		"Freed by task 1290:\n"
		" kmem_cache_free+0x1a7/0x510\n"
		"==================================================================\n"
		"Disabling lock debugging due to kernel taint\n"
		"------------[ cut here ]------------\n"
		"WARNING: CPU: 0 PID: 1 at mm/rmap.c:10 folio_move_anon_rmap+0x1/0x2\n"
		"Call Trace:\n"
		" <TASK>\n"
		" </TASK>\n"
		"---[ end trace 0000000000000000 ]---\n"
		"WARNING: CPU: 0 PID: 1 at mm/rmap.c:10 folio_move_anon_rmap+0x1/0x2\n"
		"---[ end trace 0000000000000000 ]---\n";
	static const char oops_panic[] =
		"BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
		"#PF: supervisor read access in kernel mode\n"
		"Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		"RIP: 0010:folio_lock_anon_vma_read.part.0+0x7e/0x2b0\n"
		"Call Trace:\n"
		" <TASK>\n"
		" </TASK>\n"
		"---[ end trace 0000000000000000 ]---\n"
		"RIP: 0010:folio_lock_anon_vma_read+0x7e/0x2b0\n"
		"Kernel panic - not syncing: Fatal exception\n"
		"---[ end Kernel panic - not syncing: Fatal exception ]---\n";
	static const char lone_panic[] =
		"Kernel panic - not syncing: Fatal exception\n";
	static const char two_hung[] =
		"INFO: task a:1 blocked for more than 120 seconds.\n"
		"Call Trace:\n <TASK>\n __schedule+0x1/0x2\n move_pages+0x1/0x2\n </TASK>\n"
		"INFO: task b:2 blocked for more than 120 seconds.\n"
		"Call Trace:\n <TASK>\n __schedule+0x1/0x2\n </TASK>\n";
	struct klog_report r[8];

	ck_assert_int_eq(klog_classify(kasan_then_warn, strlen(kasan_then_warn),
				       r, 8), 3);
	ck_assert_int_eq(r[0].kind, KLOG_KASAN);
	ck_assert_str_eq(r[0].title,
			 "KASAN: slab-use-after-free Read in move_pages_pte");
	ck_assert_int_eq(r[1].kind, KLOG_WARNING);
	ck_assert_str_eq(r[1].title, "WARNING in folio_move_anon_rmap");
	ck_assert_str_eq(r[2].title, "WARNING in folio_move_anon_rmap");
	/* max bounds what is stored, in order of appearance */
	ck_assert_int_eq(klog_classify(kasan_then_warn, strlen(kasan_then_warn),
				       r, 1), 1);
	ck_assert_int_eq(r[0].kind, KLOG_KASAN);
	ck_assert_int_eq(klog_classify(kasan_then_warn, strlen(kasan_then_warn),
				       r, 0), 0);

	ck_assert_int_eq(klog_classify(oops_panic, strlen(oops_panic), r, 8), 1);
	ck_assert_int_eq(r[0].kind, KLOG_BUG);
	ck_assert_str_eq(r[0].title,
		"BUG: unable to handle kernel NULL pointer dereference in folio_lock_anon_vma_read");

	/* a panic with no report before it is a report of its own */
	ck_assert_int_eq(klog_classify(lone_panic, strlen(lone_panic), r, 8), 1);
	ck_assert_int_eq(r[0].kind, KLOG_PANIC);
	ck_assert_str_eq(r[0].title, "kernel panic: Fatal exception");

	ck_assert_int_eq(klog_classify(two_hung, strlen(two_hung), r, 8), 2);
	ck_assert_str_eq(r[0].title, "INFO: task hung in move_pages");
	ck_assert_str_eq(r[1].title, "INFO: task hung");	/* no usable frame */
}
END_TEST

START_TEST(test_edge_cases)
{
	static const char no_newline[] = "BUG: Bad page state in process x  pfn:1";
	static const char nul_inside[] = "junk\0BUG: Bad page map in process x\n";
	struct klog_report r[2];

	ck_assert_int_eq(klog_classify(NULL, 0, r, 2), 0);
	ck_assert_int_eq(klog_classify("", 0, r, 2), 0);
	ck_assert_int_eq(klog_classify(no_newline, strlen(no_newline), r, 2), 1);
	ck_assert_str_eq(r[0].title, "BUG: Bad page state");
	/* len is honoured; text after a NUL in a line is not seen */
	ck_assert_int_eq(klog_classify(no_newline, 5, r, 2), 0);
	ck_assert_int_eq(klog_classify(nul_inside, sizeof(nul_inside) - 1, r, 2),
			 0);

	ck_assert_str_eq(klog_kind_name(KLOG_KASAN), "kasan");
	ck_assert_str_eq(klog_kind_name(KLOG_HUNG_TASK), "hung_task");
	ck_assert_str_eq(klog_kind_name(KLOG_SOFT_LOCKUP), "soft_lockup");
	ck_assert_str_eq(klog_kind_name(KLOG_RCU_STALL), "rcu_stall");
	ck_assert_str_eq(klog_kind_name(KLOG_PANIC), "panic");
	ck_assert_str_eq(klog_kind_name(KLOG_NR_KINDS), "unknown");
}
END_TEST

START_TEST(test_reports_json)
{
	struct klog_report r[2] = {
		{ KLOG_LOCKDEP, "possible deadlock in move_pages_pte" },
		{ KLOG_WARNING, "WARNING in \"quoted\"" },
	};
	json_t *arr, *back;
	char *text;

	arr = klog_reports_to_json(r, 2);
	ck_assert_ptr_nonnull(arr);
	text = json_dumps(arr, 0);
	json_decref(arr);
	back = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(json_array_size(back), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(back, 0), "kind")), "lockdep");
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(back, 1), "title")), "WARNING in \"quoted\"");
	json_decref(back);

	arr = klog_reports_to_json(r, 0);
	ck_assert_int_eq(json_array_size(arr), 0);
	json_decref(arr);
}
END_TEST

START_TEST(test_classify_main)
{
	char path[] = "/tmp/check_klog_XXXXXX";
	static const char log[] =
		"[  1.0] BUG: Bad rss-counter state mm:0 type:MM_ANONPAGES val:-1\n";
	int fd, saved, devnull, ret_text, ret_json;
	FILE *fp;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(log, fp);
	fclose(fp);

	/* the reports go to stdout: keep them out of the test log */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	devnull = open("/dev/null", O_WRONLY);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(devnull, 0);
	dup2(devnull, STDOUT_FILENO);
	ret_text = klog_classify_main(path, false);
	ret_json = klog_classify_main(path, true);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(devnull);
	ck_assert_int_eq(ret_text, 3);
	ck_assert_int_eq(ret_json, 3);

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("[  1.0] all quiet\n", fp);
	fclose(fp);
	ck_assert_int_eq(klog_classify_main(path, false), 0);
	unlink(path);
	ck_assert_int_eq(klog_classify_main(path, false), 2);
	ck_assert_int_eq(klog_classify_main("/", false), 2);	/* EISDIR */
}
END_TEST

/*
 * /dev/kmsg records: only the kernel's own (facility 0) are reports; lines a
 * program writes to /dev/kmsg (facility 1 "user" unless it names another)
 * are not, whatever they say.  Records before the marker are not scanned.
 */
START_TEST(test_kmsg_facility)
{
	struct klog_report r[MAX_REPORTS];
	struct fixture fx;
	char dir[1024], *owned;
	size_t lines = 0;
	int n;

	fixture_dir(dir, sizeof(dir));
	fixture_load(dir, "kmsg-user-lines.kmsg", &fx, &owned);
	n = klog_classify_kmsg(fx.log, fx.log_len, "fixture", r, MAX_REPORTS,
			       &lines);
	ck_assert_msg(n == fx.nexpected, "%d reports, expected %d (first: %s)",
		      n, fx.nexpected, n > 0 ? r[0].title : "-");
	ck_assert_str_eq(r[0].title, fx.expected[0].title);
	ck_assert_str_eq(klog_kind_name(r[0].kind), fx.expected[0].kind);
	/* the kernel's 11 lines after the marker, not the programs' 6 */
	ck_assert_uint_eq(lines, 11);

	/* the marker itself is a user record: it is still found */
	n = klog_classify_kmsg(fx.log, fx.log_len, "run 1.2 end", r,
			       MAX_REPORTS, &lines);
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(lines, 0);
	/* records before the marker count when it is gone (wrapped buffer) */
	n = klog_classify_kmsg(fx.log, fx.log_len, "never written", r,
			       MAX_REPORTS, &lines);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(r[0].title, "WARNING in folio_move_anon_rmap");
	free(owned);
}
END_TEST

/*
 * Against the real /dev/kmsg: only benign markers are written, never
 * report-like text (other tools may be scanning this host's log).  Check
 * has no skip: without access to /dev/kmsg the test only checks that the
 * failure is reported as -errno.
 */
START_TEST(test_kmsg_marker)
{
	struct klog_report r[16];
	char a[64], b[64];
	size_t lines = 12345;
	int ret;

	snprintf(a, sizeof(a), "check_klog %d a", (int)getpid());
	snprintf(b, sizeof(b), "check_klog %d b", (int)getpid());
	ret = klog_mark(a);
	if (ret < 0) {
		ck_assert_msg(ret == -EPERM || ret == -EACCES || ret == -ENOENT,
			      "klog_mark: %s", strerror(-ret));
		fprintf(stderr, "test_kmsg_marker: /dev/kmsg not writable (%s)\n",
			strerror(-ret));
		return;
	}
	ck_assert_int_eq(klog_mark(b), 0);

	ret = klog_scan_since(a, r, 16, &lines);
	if (ret == -EPERM || ret == -EACCES) {
		fprintf(stderr, "test_kmsg_marker: /dev/kmsg not readable\n");
		return;
	}
	ck_assert_msg(ret >= 0, "klog_scan_since: %s", strerror(-ret));
	/* marker b came after marker a, but it is ours, not the kernel's */
	ck_assert_uint_ne(lines, 12345);
	if (ret > 0)
		fprintf(stderr, "test_kmsg_marker: host kernel reported '%s' meanwhile\n",
			r[0].title);

	/* after the last marker nothing of ours follows */
	ret = klog_scan_since(b, r, 16, &lines);
	ck_assert_int_ge(ret, 0);

	/* a marker that was never written */
	snprintf(a, sizeof(a), "check_klog %d never written", (int)getpid());
	ret = klog_scan_since(a, r, 16, NULL);
	ck_assert_msg(ret == -ENOENT || ret >= 0, "%d", ret);
}
END_TEST

START_TEST(test_taint_letters)
{
	char buf[64];

	health_taint_letters(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	health_taint_letters(HEALTH_TAINT_WARN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "W");
	health_taint_letters(HEALTH_TAINT_WARN | HEALTH_TAINT_SOFTLOCKUP, buf,
			     sizeof(buf));
	ck_assert_str_eq(buf, "WL");
	/* P (proprietary), O (out of tree), E (unsigned): a typical distro */
	health_taint_letters((1UL << 0) | (1UL << 12) | (1UL << 13), buf,
			     sizeof(buf));
	ck_assert_str_eq(buf, "POE");
	health_taint_letters(HEALTH_TAINT_MACHINE_CHECK | HEALTH_TAINT_BAD_PAGE |
			     HEALTH_TAINT_DIE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "MBD");
	health_taint_letters((1UL << 19) | (1UL << 20), buf, sizeof(buf));
	ck_assert_str_eq(buf, "J?");
	/* truncation keeps a terminated string */
	health_taint_letters(0xffff, buf, 3);
	ck_assert_str_eq(buf, "PF");
	buf[0] = 'x';
	health_taint_letters(0xffff, buf, 1);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_taint_report)
{
	unsigned long t;
	int ret;

	ck_assert(!health_taint_is_report(0, 0));
	ck_assert(health_taint_is_report(0, HEALTH_TAINT_WARN));
	ck_assert(health_taint_is_report(0, HEALTH_TAINT_DIE));
	ck_assert(health_taint_is_report(0, HEALTH_TAINT_BAD_PAGE));
	ck_assert(health_taint_is_report(0, HEALTH_TAINT_SOFTLOCKUP));
	ck_assert(health_taint_is_report(0, HEALTH_TAINT_MACHINE_CHECK));
	/* already set before the run: not new */
	ck_assert(!health_taint_is_report(HEALTH_TAINT_WARN, HEALTH_TAINT_WARN));
	ck_assert(health_taint_is_report(HEALTH_TAINT_WARN,
					 HEALTH_TAINT_WARN | HEALTH_TAINT_DIE));
	/* module taints (P, O, E) and U are not kernel reports */
	ck_assert(!health_taint_is_report(0, (1UL << 0) | (1UL << 6) |
					     (1UL << 12) | (1UL << 13)));

	ret = health_taint_read(&t);
	ck_assert_msg(ret == 0 || ret == -ENOENT || ret == -EACCES,
		      "health_taint_read: %s", strerror(-ret));
}
END_TEST

static Suite *klog_suite(void)
{
	Suite *s = suite_create("klog");
	TCase *tc = tcase_create("classify");
	TCase *th = tcase_create("health");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_fixtures);
	tcase_add_test(tc, test_strip_prefix);
	tcase_add_test(tc, test_one_report_per_incident);
	tcase_add_test(tc, test_edge_cases);
	tcase_add_test(tc, test_reports_json);
	tcase_add_test(tc, test_classify_main);
	tcase_add_test(tc, test_kmsg_marker);
	tcase_add_test(tc, test_kmsg_facility);
	suite_add_tcase(s, tc);

	tcase_set_timeout(th, 30);
	tcase_add_test(th, test_taint_letters);
	tcase_add_test(th, test_taint_report);
	suite_add_tcase(s, th);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(klog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
