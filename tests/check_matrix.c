// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_matrix.c - the vm-check matrix judged in C (report/matrix.c):
 * the table of states, matrix.json's checks, and a fixture results
 * directory (tests/data/matrix/mixed: three policies, two boots of one,
 * a report before init and a boot that never came up in another) turned
 * into cells, the control's verdict, the exit code and the three files;
 * then variants of it made at run time: the control passing every cell,
 * a kernel without the control's config, and a directory from before
 * vm-check.json and boot.json.
 */
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/opts.h"
#include "report/matrix.h"
#include "report/matrix-out.h"
#include "report/matrix-plan.h"
#include "core/sha256.h"

#ifndef MATRIX_DIR
#define MATRIX_DIR "tests/data/matrix"
#endif

static char root[64];

static json_t *json_path_get(json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

static void rm_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
}

/* a fresh directory; with @copy, a copy of the fixture */
static char *tmpdir(bool copy)
{
	static char t[8][96];
	static int i;
	char cmd[512];

	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/check_matrix.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(root));
		atexit(rm_root);
	}
	i = (i + 1) % 8;
	snprintf(t[i], sizeof(t[i]), "%s/%d", root, i);
	snprintf(cmd, sizeof(cmd), copy ? "rm -rf '%s' && cp -r '" MATRIX_DIR "/mixed' '%s'" :
		 "rm -rf '%s' && mkdir '%s'", t[i], t[i]);
	ck_assert_int_eq(system(cmd), 0);
	return t[i];
}

static void sh(const char *dir, const char *script)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", dir, script);
	ck_assert_int_eq(system(cmd), 0);
}

/* judge @dir into @out; the exit code */
static int judge(const char *dir, const char *out)
{
	char err[1024];
	int code = -1;

	ck_assert_int_eq(mx_judge(dir, out, NULL, NULL, &code, err, sizeof(err)), 0);
	return code;
}

static json_t *load(const char *out)
{
	char path[256];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/matrix.json", out);
	j = json_load_file(path, 0, &je);
	ck_assert_msg(j != NULL, "%s: %s", path, je.text);
	return j;
}

static json_t *cell(json_t *m, const char *name, const char *pol)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(m, "cells"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "cell")), name) &&
		    !strcmp(json_string_value(json_object_get(c, "policy")), pol))
			return c;
	return NULL;
}

static const char *field(json_t *m, const char *name, const char *pol, const char *key)
{
	json_t *c = cell(m, name, pol);

	ck_assert_msg(c != NULL, "no cell %s [%s]", name, pol);
	return json_string_value(json_object_get(c, key)) ?: "(null)";
}

static char *slurp(const char *dir, const char *file)
{
	static char buf[65536];
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_states)
{
	int i;

	/* one table: each state by its name, ranked, with its exit code */
	for (i = 0; i < MX_NSTATES; i++)
		ck_assert_int_eq(mx_state_find(mx_states[i].name), i);
	ck_assert_int_eq(mx_state_find("kernel-report"), -1);
	ck_assert_int_eq(mx_states[MX_KERNEL].exit_code, MS_EXIT_KERNEL_REPORT);
	/* the cell state "kernel" is movestress's verdict "kernel-report" (exit 3) */
	ck_assert_str_eq(exit_verdict(mx_states[MX_KERNEL].exit_code), "kernel-report");
	ck_assert_int_gt(mx_states[MX_KERNEL].rank, mx_states[MX_HANG].rank);
	ck_assert_int_gt(mx_states[MX_HANG].rank, mx_states[MX_FAIL].rank);
	ck_assert_int_eq(mx_states[MX_EXPECTED_FAIL].exit_code, MS_EXIT_PASS);
	ck_assert(mx_cell_kernel_report("kernel", "kernel: KASAN: x"));
	ck_assert(mx_cell_kernel_report("expected-fail", "expected-fail: kernel: WARNING in x"));
	ck_assert(!mx_cell_kernel_report("expected-fail", "expected-fail: hang: guest died in the cell"));
	ck_assert(!mx_cell_kernel_report("fail", "fail (exit 1)"));
}
END_TEST

START_TEST(test_check_json)
{
	char err[512];
	json_t *m;

	m = json_pack("{s:i, s:[]}", "schema_version", 999, "cells");
	ck_assert_int_eq(mx_check_json(m, "x/matrix.json", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "schema_version 999"));
	json_decref(m);
	m = json_pack("{s:[{s:s, s:s}, i]}", "cells", "scenario", "a", "policy", "folio", 3);
	ck_assert_int_eq(mx_check_json(m, "x/matrix.json", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cells[1] is a number"));
	json_decref(m);
	m = json_pack("{s:[n]}", "cells");
	ck_assert_int_eq(mx_check_json(m, "x/matrix.json", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cells[0] is null"));
	json_decref(m);
	/* before schema_version was written: 1 */
	m = json_pack("{s:[{s:s, s:s}]}", "cells", "scenario", "a", "policy", "folio");
	ck_assert_int_eq(mx_check_json(m, "x/matrix.json", err, sizeof(err)), 0);
	ck_assert_str_eq(mx_base_policy(m), "anon_vma");
	ck_assert_str_eq(mx_control_policy(m), "folio-unsafe");
	json_object_set_new(m, "base_policy", json_string("mark"));
	ck_assert_str_eq(mx_base_policy(m), "mark");
	json_decref(m);
}
END_TEST

START_TEST(test_fixture)
{
	char *out = tmpdir(false), *txt;
	json_t *m;

	/* the worst cell is a kernel report */
	ck_assert_int_eq(judge(MATRIX_DIR "/mixed", out), MS_EXIT_KERNEL_REPORT);
	m = load(out);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "schema_version")), MX_SCHEMA_VERSION);
	ck_assert_str_eq(json_string_value(json_object_get(m, "worst")), "kernel");
	ck_assert_str_eq(json_string_value(json_object_get(m, "base_policy")), "anon_vma");
	ck_assert_str_eq(json_string_value(json_object_get(m, "control_policy")), "folio-unsafe");
	ck_assert_str_eq(json_string_value(json_path_get(m, "control", "verdict")), "failed, as it must");
	ck_assert_str_eq(field(m, "pass", "anon_vma", "short"), "pass 123.4k mv/s");
	ck_assert_str_eq(field(m, "known", "anon_vma", "state"), "known-bug");
	ck_assert_str_eq(field(m, "known", "anon_vma", "text"), "known-bug: move-eexist x2, move-eexist x3");
	/* exit 0, but the race counter moved: a kernel report, as movestress's own verdict says */
	ck_assert_str_eq(field(m, "race", "anon_vma", "state"), "kernel");
	ck_assert_str_eq(field(m, "race", "anon_vma", "short"), "rmap-race x2");
	ck_assert_str_eq(field(m, "race", "folio-unsafe", "state"), "expected-fail");
	ck_assert_str_eq(field(m, "race", "folio-unsafe", "short"), "expected: rmap-race x18");
	/* killed at the cell timeout; its stacks match no known bug: a hang */
	ck_assert_str_eq(field(m, "hung", "anon_vma", "state"), "hang");
	ck_assert_str_eq(field(m, "hung", "anon_vma", "text"), "hang: killed after 240s in the guest");
	ck_assert_str_eq(field(m, "skipped", "anon_vma", "text"),
			 "skipped: movestress: run: skipped: no DAMON in this kernel (CONFIG_DAMON_PADDR)");
	/* began, never ended, a report in its segment */
	ck_assert_str_eq(field(m, "killed", "anon_vma", "state"), "kernel");
	ck_assert_str_eq(field(m, "killed", "anon_vma", "short"), "KASAN slab-use-after-free in move_pages_pte");
	/* not reached in boot 1, run in boot 2 */
	ck_assert_str_eq(field(m, "later", "anon_vma", "state"), "pass");
	ck_assert_str_eq(field(m, "(boot)", "anon_vma", "state"), "killed");
	ck_assert_str_eq(field(m, "(boot)", "anon_vma", "text"),
			 "killed: #1 kernel report in killed, killed 20.1 s after its first line "
			 "(KASAN slab-use-after-free in move_pages_pte)");
	/* mark: a report before init (retried), then no init: its cells were never run */
	ck_assert_str_eq(field(m, "pass", "mark", "state"), "hang");
	ck_assert_str_eq(field(m, "pass", "mark", "text"), "not run: boot #2: no init within 600s");
	ck_assert_str_eq(field(m, "(boot)", "mark", "state"), "hang");
	ck_assert_ptr_nonnull(strstr(field(m, "(boot)", "mark", "text"), ", retried; #2 no init within 600s"));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(m, "guest_cpus"), "anon_vma")), 2);
	ck_assert_ptr_null(json_object_get(json_object_get(m, "guest_cpus"), "mark"));
	/* result_rel: relative to the results directory, whatever the output directory */
	ck_assert_str_eq(field(m, "pass", "anon_vma", "result_rel"), "boot-anon_vma-1/results/pass.json");
	json_decref(m);
	txt = slurp(out, "matrix.txt");
	ck_assert_ptr_nonnull(strstr(txt, "| folio-unsafe (control) "));
	ck_assert_ptr_nonnull(strstr(txt, "\ncells: 8 pass, 1 expected-fail, 1 known-bug, 1 skip, 8 hang, 2 kernel"));
	ck_assert_ptr_nonnull(strstr(txt, "kernel: 6.12.0-fixture (linux-source-6.12 6.12.0-1, 6 patch(es) from "
					  "kernel-patches/6.12)\nkernel build: unknown"));
	ck_assert_ptr_null(strstr(txt, "POSITIVE CONTROL DID NOT FAIL"));
	txt = slurp(out, "matrix.ktap");
	ck_assert_ptr_nonnull(strstr(txt, "KTAP version 1\n# movestress vm-check: config=kasan matrix=quick "
					  "kernel=6.12.0-fixture trials=1 shard=1/1\n1..21\n"));
	ck_assert_ptr_nonnull(strstr(txt, "not ok 8 race [folio-unsafe] # TODO positive control failed as expected\n"));
	ck_assert_ptr_nonnull(strstr(txt, "ok 13 skipped [anon_vma] # SKIP movestress: run: skipped: no DAMON"));
	ck_assert_ptr_nonnull(strstr(txt, "\n# (boot) [mark]: hang: hang: 1 kernel report before init"));
}
END_TEST

START_TEST(test_control_missed)
{
	char *d = tmpdir(true), *out = tmpdir(false);
	json_t *m;

	/* the control alone, and it passes every cell */
	sh(d, "sed -i 's/\"policies\": .*/\"policies\": [\"folio-unsafe\"],/' vm-check.json && "
	      "sed -i 's/^race\t3\t/race\t0\t/' boot-folio-unsafe-1/results/status && "
	      "cp boot-folio-unsafe-1/results/pass.json boot-folio-unsafe-1/results/race.json");
	ck_assert_int_eq(judge(d, out), MS_EXIT_FAILURE);
	m = load(out);
	ck_assert_str_eq(json_string_value(json_path_get(m, "control", "verdict")), "did not fail");
	ck_assert_str_eq(json_string_value(json_object_get(m, "worst")), "pass");
	json_decref(m);
	ck_assert_ptr_nonnull(strstr(slurp(out, "matrix.txt"), "!!! POSITIVE CONTROL DID NOT FAIL: folio-unsafe"));
	/* --control=warn: the banner only */
	sh(d, "sed -i 's/\"control_mode\": \"require\"/\"control_mode\": \"warn\"/' vm-check.json");
	ck_assert_int_eq(judge(d, out), MS_EXIT_PASS);
}
END_TEST

START_TEST(test_control_not_built)
{
	char *d = tmpdir(true), *out = tmpdir(false);
	json_t *m;

	sh(d, "echo '# CONFIG_UFFD_MOVE_RMAP_UNSAFE is not set' > kernel.config");
	judge(d, out);
	m = load(out);
	ck_assert_str_eq(field(m, "race", "folio-unsafe", "text"),
			 "skipped: kernel built without CONFIG_UFFD_MOVE_RMAP_UNSAFE=y");
	ck_assert_ptr_null(cell(m, "(boot)", "folio-unsafe"));
	ck_assert_str_eq(json_string_value(json_path_get(m, "control", "verdict")), "did not run");
	json_decref(m);
}
END_TEST

/* a directory from before vm-check.json and boot.json: its matrix.json head and figures.txt */
START_TEST(test_old_directory)
{
	char *d = tmpdir(true), *out = tmpdir(false);
	json_t *m, *old;

	judge(d, d);
	old = load(d);
	sh(d, "rm vm-check.json boot-*/boot.json && printf '%-40s %s\\n' "
	      "'boot [anon_vma] #1 (crash-cell)' '31.5 s' 'boot [anon_vma] #2 (done)' '10.2 s' "
	      "'boot [folio-unsafe] #1 (done)' '40.0 s' 'boot [mark] #1 (crash-boot)' '25.0 s' "
	      "'boot [mark] #2 (timeout-boot)' '600.5 s' > figures.txt");
	/* the killed cell's begin marker: the kill's cause names it */
	ck_assert_int_eq(judge(d, out), MS_EXIT_KERNEL_REPORT);
	m = load(out);
	/* the same cells; the boots' texts lose what only vm-check's log had (the seconds to the kill) */
	ck_assert_str_eq(field(m, "(boot)", "anon_vma", "text"),
			 "killed: #1 kernel report in killed (KASAN slab-use-after-free in move_pages_pte)");
	json_object_del(m, "cells");
	json_object_del(old, "cells");
	ck_assert(json_equal(m, old));
	json_decref(m);
	json_decref(old);
}
END_TEST

START_TEST(test_not_a_results_dir)
{
	char err[512];
	int code;

	ck_assert_int_eq(mx_judge(MATRIX_DIR "/no-such", NULL, NULL, NULL, &code, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "not a directory"));
	ck_assert_int_eq(mx_judge(tmpdir(false), NULL, NULL, NULL, &code, err, sizeof(err)), MS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "not a vm-check results directory"));
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_sha256)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		/* 56 bytes: the length no longer fits the first block */
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	uint8_t d[32];
	char hex[65];
	size_t i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256(v[i].in, strlen(v[i].in), d);
		for (k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		ck_assert_str_eq(hex, v[i].hex);
	}
}
END_TEST

/* the seeds vm-check's shell gave (`sha256sum`, 12 hex digits), kept as they were */
START_TEST(test_plan)
{
	char *d = tmpdir(false), err[512];

	ck_assert_uint_eq(mx_cell_seed("1", "partitioned", 1), 231341176133862ULL);
	ck_assert_uint_eq(mx_cell_seed("1", "fault", 1), 246097563777771ULL);
	ck_assert_uint_eq(mx_cell_seed("08", "partitioned", 2), 207610961309646ULL);
	/* 3 scenarios x 2 trials, shard 1 of 1: trial-major, the order rotated per trial */
	sh(d, "printf 'partitioned\t--mode=partitioned\ncontended\t--mode=contended\nfault\t--mode=fault\n' > "
	      "scenarios.txt && echo '{\"trials\": 2, \"seed_base_arg\": \"1\", \"shard\": \"1/1\"}' > vm-check.json");
	ck_assert_int_eq(mx_plan(d, err, sizeof(err)), 0);
	ck_assert_str_eq(slurp(d, "plan.txt"),
		"partitioned.t1\t--mode=partitioned --seed=231341176133862\n"
		"contended.t1\t--mode=contended --seed=85792379435228\n"
		"fault.t1\t--mode=fault --seed=246097563777771\n"
		"contended.t2\t--mode=contended --seed=200443376745966\n"
		"fault.t2\t--mode=fault --seed=118120250604127\n"
		"partitioned.t2\t--mode=partitioned --seed=127907332531837\n");
	/* shard 2 of 2: every other (scenario, trial), in the matrix's row order */
	sh(d, "sed -i 's|1/1|2/2|' vm-check.json");
	ck_assert_int_eq(mx_plan(d, err, sizeof(err)), 0);
	ck_assert_str_eq(slurp(d, "cells.tsv"),
		"partitioned.t2\tpartitioned\t2\t127907332531837\t--mode=partitioned\n"
		"contended.t2\tcontended\t2\t200443376745966\t--mode=contended\n"
		"fault.t2\tfault\t2\t118120250604127\t--mode=fault\n");
	sh(d, "echo '{\"trials\": 0, \"seed_base_arg\": \"1\", \"shard\": \"1/1\"}' > vm-check.json");
	ck_assert_int_eq(mx_plan(d, err, sizeof(err)), MS_EXIT_USAGE);
}
END_TEST

CHECK_MAIN("matrix", test_states, test_check_json, test_fixture, test_control_missed, test_control_not_built,
	   test_old_directory, test_not_a_results_dir, test_sha256, test_plan)
