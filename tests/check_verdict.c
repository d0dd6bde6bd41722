// SPDX-License-Identifier: GPL-2.0-only
/*
 * Verdicts and the result file: the known-bugs table and the verdict a
 * run gets from its findings (genuine failures win over known kernel
 * bugs, an interruption is never a pass); --output only ever replaces a
 * regular file and leaves no .tmp behind when writing fails (ENOSPC
 * injected into the writer).
 */
#include "config.h"
#include "check_main.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel/known-bugs.h"
#include "cli/options.h"
#include "core/report.h"
#include "report/trials.h"

START_TEST(test_table)
{
	const struct known_bug *b = known_bug_find("move-eexist");

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_eq(b, &known_bugs[KNOWN_BUG_MOVE_EEXIST]);
	ck_assert(b->title[0] && b->kernels[0] && b->signature[0] && b->upstream[0]);
	ck_assert_str_eq(b->doc, "docs/kernel-bug-6.18-move-eexist.md");
	ck_assert_ptr_null(known_bug_find("no-such-bug"));
}
END_TEST

/* the known bugs by kernel release: from since on, except where a fix is listed */
START_TEST(test_affects)
{
	const struct known_bug *l = known_bug_find("move-split-livelock"),
			       *e = &known_bugs[KNOWN_BUG_MOVE_EEXIST];

	ck_assert_ptr_eq(l, &known_bugs[KNOWN_BUG_MOVE_SPLIT_LIVELOCK]);
	ck_assert(l->title[0] && l->kernels[0] && l->signature[0] && l->upstream[0] && l->hang_stack);
	ck_assert_int_eq(known_bug_affects(l, "6.12.117"), KB_AFFECTED);
	ck_assert_int_eq(known_bug_affects(l, "6.12.8"), KB_AFFECTED);
	ck_assert_int_eq(known_bug_affects(l, "6.12.118"), KB_FIXED);
	ck_assert_int_eq(known_bug_affects(l, "6.12.200-foo"), KB_FIXED);
	ck_assert_int_eq(known_bug_affects(l, "6.8.0"), KB_AFFECTED);
	ck_assert_int_eq(known_bug_affects(l, "6.7.12"), KB_BEFORE);
	ck_assert_int_eq(known_bug_affects(l, "6.1.192"), KB_BEFORE);
	ck_assert_int_eq(known_bug_affects(l, "6.18.44+deb13-amd64"), KB_AFFECTED);
	ck_assert_int_eq(known_bug_affects(l, "fake"), KB_UNKNOWN_RELEASE);
	ck_assert_int_eq(known_bug_affects(l, NULL), KB_UNKNOWN_RELEASE);
	/* the 6.18 EEXIST bug: from the TLB-batching commit (6.18-rc1) on, no fix yet */
	ck_assert_int_eq(known_bug_affects(e, "6.12.118"), KB_BEFORE);
	ck_assert_int_eq(known_bug_affects(e, "6.18.0-rc1"), KB_AFFECTED);
	ck_assert_int_eq(known_bug_affects(e, "6.18.44"), KB_AFFECTED);
	ck_assert_ptr_null(e->hang_stack);
}
END_TEST

/* the stacks of docs/kernel-finding-6.12-move-split-livelock.md (vm-init's format) */
static const char finding_stacks[] =
	"== explore/0 tid 85 state R (running)\n"
	"    split_huge_page_to_list_to_order+0x641/0x2b50\n"
	"    move_pages+0x25ad/0x37c0\n"
	"    userfaultfd_ioctl+0x391/0x24e0\n"
	"== explore/1 tid 86 state S (sleeping) wchan handle_userfault\n"
	"== kdamond.0 pid 91 state R (running)\n"
	"    folio_lock_anon_vma_read+0x524/0xc80\n"
	"    rmap_walk_anon+0x39a/0x890\n";

START_TEST(test_match_hang)
{
	const struct known_bug *b;
	char why[300];

	/* on an affected kernel: the known bug, exit 6 */
	ck_assert_int_eq(known_bugs_match_hang(finding_stacks, "6.12.117", &b, why, sizeof(why)),
			 MS_EXIT_KNOWN_BUG);
	ck_assert_ptr_eq(b, &known_bugs[KNOWN_BUG_MOVE_SPLIT_LIVELOCK]);
	ck_assert_msg(strstr(why, "known kernel bug move-split-livelock on 6.12.117") &&
		      strstr(why, "explore/0"), "%s", why);
	/* the same on the release that fixed it: a new finding, the hang code */
	ck_assert_int_eq(known_bugs_match_hang(finding_stacks, "6.12.118", &b, why, sizeof(why)), MS_EXIT_HANG);
	ck_assert_ptr_eq(b, &known_bugs[KNOWN_BUG_MOVE_SPLIT_LIVELOCK]);
	ck_assert_msg(strstr(why, "has its fix") && strstr(why, "new finding"), "%s", why);
	/* /proc/PID/stack as the kernel prints it, one task, no "==" line */
	ck_assert_int_eq(known_bugs_match_hang("[<0>] split_huge_page_to_list_to_order+0x1/0x2\n"
					       "[<0>] move_pages+0x3/0x4\n", "6.12.100", &b, why, sizeof(why)),
			 MS_EXIT_KNOWN_BUG);
	/* the two frames in two tasks are not the signature */
	ck_assert_int_eq(known_bugs_match_hang("== a\n    split_huge_page_to_list_to_order+0x1/0x2\n"
					       "== b\n    move_pages+0x3/0x4\n", "6.12.100", &b, why, sizeof(why)),
			 MS_EXIT_HANG);
	ck_assert_ptr_null(b);
	/* a name that only starts like a frame: not one */
	ck_assert_int_eq(known_bugs_match_hang("== a\n    split_huge_page_to_list_to_order_x+0x1/0x2\n"
					       "    move_pages+0x3/0x4\n", "6.12.100", &b, why, sizeof(why)),
			 MS_EXIT_HANG);
	/* DAMON alone, no MOVE in the split: no known bug */
	ck_assert_int_eq(known_bugs_match_hang(strstr(finding_stacks, "== explore/1"), "6.12.117", &b, why, sizeof(why)),
			 MS_EXIT_HANG);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(known_bugs_match_hang("", "6.12.117", &b, why, sizeof(why)), MS_EXIT_HANG);
	ck_assert_int_eq(known_bugs_match_hang(NULL, NULL, &b, why, sizeof(why)), MS_EXIT_HANG);
}
END_TEST

START_TEST(test_verdicts)
{
	const char *name;

	ck_assert_int_eq(run_verdict(false, 0, false, false, &name), MS_EXIT_PASS);
	ck_assert_str_eq(name, "pass");
	ck_assert_int_eq(run_verdict(false, 3, false, false, &name), MS_EXIT_KNOWN_BUG);
	ck_assert_str_eq(name, "known-kernel-bug");
	/* a genuine failure is never hidden by the known bug */
	ck_assert_int_eq(run_verdict(true, 3, false, false, &name), MS_EXIT_FAILURE);
	ck_assert_str_eq(name, "failure");
	/* --known-bugs=fail */
	ck_assert_int_eq(run_verdict(false, 1, true, false, &name), MS_EXIT_FAILURE);
	ck_assert_int_eq(run_verdict(false, 0, true, false, &name), MS_EXIT_PASS);
	/* interrupted: never "pass", and a failure found before still wins */
	ck_assert_int_eq(run_verdict(false, 0, false, true, &name), MS_EXIT_INTERRUPTED);
	ck_assert_str_eq(name, "interrupted");
	ck_assert_int_eq(run_verdict(false, 2, false, true, &name), MS_EXIT_INTERRUPTED);
	ck_assert_int_eq(run_verdict(true, 0, false, true, &name), MS_EXIT_FAILURE);
	ck_assert_str_eq(exit_verdict(MS_EXIT_KNOWN_BUG), "known-kernel-bug");
	ck_assert_str_eq(exit_verdict(MS_EXIT_INTERRUPTED), "interrupted");
	ck_assert_str_eq(exit_verdict(MS_EXIT_SKIP), "skip");
	ck_assert_str_eq(exit_verdict(MS_EXIT_ENV), "environment-error");
}
END_TEST

START_TEST(test_counts_json)
{
	struct known_bug_counts c = { { 0 } }, back = { { 0 } };
	char sum[64];
	json_t *j;

	known_bugs_summary(&c, sum, sizeof(sum));
	ck_assert_str_eq(sum, "");
	j = known_bugs_to_json(&c);
	ck_assert_uint_eq(json_array_size(j), 0);
	json_decref(j);
	c.n[KNOWN_BUG_MOVE_EEXIST] = 3;
	known_bugs_summary(&c, sum, sizeof(sum));
	ck_assert_str_eq(sum, "move-eexist x3");
	j = known_bugs_to_json(&c);
	ck_assert_uint_eq(json_array_size(j), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "id")), "move-eexist");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(j, 0), "count")), 3);
	known_bugs_from_json(j, &back);
	known_bugs_from_json(j, &back);		/* trials add up */
	ck_assert_uint_eq(back.n[KNOWN_BUG_MOVE_EEXIST], 6);
	ck_assert_uint_eq(known_bugs_total(&back), 6);
	json_decref(j);
}
END_TEST

START_TEST(test_exit_maps)
{
	struct opts o;

	opts_defaults(&o);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_KNOWN_BUG), MS_EXIT_KNOWN_BUG);
	snprintf(o.exit_codes, sizeof(o.exit_codes), "kselftest");
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_KNOWN_BUG), 2);	/* KSFT_XFAIL */
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_HANG), 1);		/* not KSFT_SKIP */
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_INTERRUPTED), 1);
	snprintf(o.exit_codes, sizeof(o.exit_codes), "automake");
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_KNOWN_BUG), 1);
	ck_assert_int_eq(exit_code_map(&o, MS_EXIT_INTERRUPTED), 99);
}
END_TEST

static char dir[64];

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_verdict.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

START_TEST(test_output_refuses)
{
	char p[PATH_MAX], q[PATH_MAX + 8], err[PATH_MAX + 200];
	json_t *j = json_pack("{s:i}", "schema_version", MS_SCHEMA_VERSION);
	struct stat st;

	mkdir_tmp();
	/* a device node, a FIFO, a symlink, a directory: refused, and left alone */
	ck_assert_int_ne(output_check("/dev/null", err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "character device"));
	ck_assert_int_ne(write_json_file("/dev/null", j), 0);
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	snprintf(p, sizeof(p), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_ne(output_check(p, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "FIFO"));
	ck_assert_int_ne(write_json_file(p, j), 0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	unlink(p);
	snprintf(q, sizeof(q), "%s/target", dir);
	snprintf(p, sizeof(p), "%s/link", dir);
	ck_assert_int_eq(symlink(q, p), 0);
	ck_assert_int_ne(output_check(p, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	ck_assert_int_ne(write_json_file(p, j), 0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	unlink(p);
	ck_assert_int_ne(output_check(dir, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "directory"));
	/* a directory that does not exist: known before the run */
	snprintf(p, sizeof(p), "%s/no/such/dir.json", dir);
	ck_assert_int_eq(output_check(p, err, sizeof(err)), -ENOENT);
	/* a new file, and a regular file: fine, and the check leaves nothing behind */
	snprintf(p, sizeof(p), "%s/r.json", dir);
	ck_assert_int_eq(output_check(p, err, sizeof(err)), 0);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(q, sizeof(q), "%s.tmp", p);
	ck_assert_int_ne(access(q, F_OK), 0);
	ck_assert_int_eq(write_json_file(p, j), 0);
	ck_assert_int_eq(output_check(p, err, sizeof(err)), 0);
	ck_assert_int_eq(write_json_file(p, j), 0);
	ck_assert_int_ne(access(q, F_OK), 0);
	unlink(p);
	rmdir(dir);
	json_decref(j);
}
END_TEST

static int nwrites;

/* the disk fills up after the first write */
static ssize_t enospc_write(int fd, const void *buf, size_t len)
{
	if (nwrites++) {
		errno = ENOSPC;
		return -1;
	}
	return write(fd, buf, len < 16 ? len : 16);
}

START_TEST(test_output_enospc)
{
	char p[PATH_MAX], q[PATH_MAX + 8];
	json_t *j = json_pack("{s:i, s:s}", "schema_version", MS_SCHEMA_VERSION, "verdict", "pass");
	json_t *old = json_pack("{s:s}", "old", "result"), *back;
	json_error_t jerr;

	mkdir_tmp();
	snprintf(p, sizeof(p), "%s/r.json", dir);
	snprintf(q, sizeof(q), "%s.tmp", p);
	ck_assert_int_eq(write_json_file(p, old), 0);
	nwrites = 0;
	report_set_write_fn(enospc_write);
	ck_assert_int_eq(write_json_file(p, j), -ENOSPC);
	report_set_write_fn(NULL);
	ck_assert_int_gt(nwrites, 1);
	/* no .tmp left, the old result untouched */
	ck_assert_int_ne(access(q, F_OK), 0);
	back = json_load_file(p, 0, &jerr);
	ck_assert_ptr_nonnull(back);
	ck_assert(json_equal(back, old));
	json_decref(back);
	unlink(p);
	rmdir(dir);
	json_decref(j);
	json_decref(old);
}
END_TEST

CHECK_MAIN("verdict", test_table, test_affects, test_match_hang, test_verdicts, test_counts_json, test_exit_maps, test_output_refuses,
	   test_output_enospc)
