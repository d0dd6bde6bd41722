// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore-repro-gen: a test helper for the C reproducer (tests/kt-explore-repro.sh).
 *
 *   explore-repro-gen LOG OUT.c
 *	write the reproducer of an op log (explore --record) as --minimize
 *	writes it for a minimised one
 *   explore-repro-gen --all-ops [--inject=KIND:PAGE] LOG
 *	write a hand-built log of two threads with every op kind of
 *	xop_table (each one's precondition holding when serialised in time
 *	order), optionally ending with a negative control
 */
#include "config.h"
#include "explore/explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * thread, op, arg (region; inject kind), flags, slot, npages: in time
 * order.  Thread 1 keeps to chunk 2 (slots 1024..1535), whose page locks
 * no op of thread 0 takes, so that explore's concurrent replay runs the
 * same records as the serial reproducer.
 */
static const struct xrec all_ops[] = {
	{ 0, XOP_MOVE1, 0, XF_DONE, 10, 1, 0, 0 },
	{ 1, XOP_MOVE1, 0, XF_DONE, 1100, 1, 0, 0 },
	{ 0, XOP_MOVEN, 0, XF_DONE, 20, 8, 0, 0 },
	{ 1, XOP_TOUCH, 0, XF_DONE, 1100, 1, 0, 0 },
	{ 0, XOP_MOVESPLIT, 0, XF_DONE, 600, 40, 0, 0 },
	{ 1, XOP_FAULT, 0, XF_DONE, 1110, 1, 0, 0 },
	{ 0, XOP_DONTNEED, 0, XF_DONE, 30, 4, 0, 0 },
	{ 0, XOP_FREE, 0, XF_DONE, 700, 4, 0, 0 },	/* kept: written again */
	{ 0, XOP_FREE, 1, XF_DONE, 710, 4, 0, 0 },	/* with MADV_PAGEOUT: discarded, dropped */
	{ 1, XOP_MOVEN, 0, XF_DONE, 1120, 4, 0, 0 },
	{ 0, XOP_MOVEHOLES, 0, XF_DONE, 29, 6, 0, 0 },	/* 29 and 34 moved over the holes 30..33 */
	{ 1, XOP_DONTNEED, 0, XF_DONE, 1130, 2, 0, 0 },
	{ 0, XOP_REFILL, 0, XF_DONE, 30, 1, 0, 0 },
	{ 1, XOP_REFILL, 0, XF_DONE, 1130, 1, 0, 0 },
	{ 1, XOP_ZEROPAGE, 0, XF_DONE, 1131, 1, 0, 0 },	/* a zero page in chunk 2 */
	{ 0, XOP_FAULT, 0, XF_DONE, 40, 1, 0, 0 },
	{ 0, XOP_DONTNEED, 0, XF_DONE, 50, 2, 0, 0 },
	{ 0, XOP_ZEROPAGE, 0, XF_DONE, 50, 1, 0, 0 },
	{ 0, XOP_FAULTZERO, 0, XF_DONE, 51, 1, 0, 0 },	/* handler/N: UFFDIO_ZEROPAGE */
	{ 0, XOP_MOVE1, 0, XF_DONE, 50, 1, 0, 0 },	/* the zero page moved: move_zeropage_pte() */
	{ 0, XOP_WRITE, 0, XF_DONE, 50, 1, 0, 0 },	/* a COW of the zero page, in the destination */
	{ 0, XOP_WRITE, 1, XF_DONE, 60, 1, 0, 0 },	/* read first, then written */
	{ 1, XOP_PAGEOUT, 1, XF_DONE, 1100, 30, 0, 0 },
	{ 0, XOP_PAGEOUT, 0, XF_DONE, 100, 64, 0, 0 },
	{ 1, XOP_TOUCH, 0, XF_DONE, 1110, 1, 0, 0 },
	{ 0, XOP_COLD, 1, XF_DONE, 0, 32, 0, 0 },
	{ 0, XOP_WILLNEED, 0, XF_DONE, 100, 64, 0, 0 },
	{ 0, XOP_TOUCH, 0, XF_DONE, 100, 1, 0, 0 },
	{ 0, XOP_COLLAPSE, 0, XF_DONE, 1024, 512, 0, 0 },
	{ 0, XOP_HUGEPAGE, 0, XF_DONE, 1024, 512, 0, 0 },
	{ 0, XOP_NOHUGEPAGE, 0, XF_DONE, 1024, 512, 0, 0 },
	{ 0, XOP_MREMAP, 0, XF_DONE, 512, 512, 0, 0 },
	{ 1, XOP_TOUCH, 0, XF_DONE, 1131, 1, 0, 0 },
	{ 0, XOP_MPROTECT, 1, XF_DONE, 0, 512, 0, 0 },
	{ 0, XOP_NEIGHBOUR, 0, XF_DONE, 0, 1, 0, 0 },
	{ 0, XOP_FORK, 0, XF_DONE, 0, 1, 0, 0 },
	{ 0, XOP_MOVE1, 0, XF_DONE, 11, 1, 0, 0 },	/* not exclusive since the fork: EBUSY, a write, again */
	{ 0, XOP_VMSPLICE, 0, XF_DONE, 200, 1, 0, 0 },
	{ 0, XOP_MOVE1, 0, XF_DONE, 200, 1, 0, 0 },	/* in the pipe */
	{ 0, XOP_VMSPLICE, 0, XF_DONE, 201, 1, 0, 0 },	/* drains 200 and checks it */
	{ 0, XOP_IOURING, 0, XF_DONE, 300, 4, 0, 0 },
	{ 0, XOP_MOVE1, 0, XF_DONE, 301, 1, 0, 0 },	/* pinned: EBUSY */
	{ 0, XOP_FAULT, 0, XF_DONE, 302, 1, 0, 0 },	/* pinned: its precondition does not hold */
	{ 0, XOP_IOURING, 0, XF_DONE, 310, 2, 0, 0 },	/* unpins 300..303 */
	{ 0, XOP_MIGRATE, 0, XF_DONE, 400, 4, 0, 1 },	/* t_ns 1: to node (400 + 1) & 1 */
	{ 1, XOP_MOVEPMD, 0, XF_DONE, 1024, 512, 0, 0 },
	/* chunk 2 all in one region, its zero page refuses MADV_COLLAPSE: unregistered, refaulted */
	{ 1, XOP_THPREFILL, 0, XF_DONE, 1024, 512, 0, 0 },
	{ 1, XOP_THPREFILL, 0, XF_DONE, 1024, 512, 0, 0 },	/* no zero page now: MADV_COLLAPSE */
	{ 1, XOP_MOVEBAD, 0, XF_DONE, 1030, 8, 0, 0 },	/* into its THP: EEXIST */
	{ 0, XOP_REFILL, 0, XF_DONE, 31, 1, 0, 0 },
	{ 0, XOP_REFILL, 0, XF_DONE, 32, 1, 0, 0 },
	{ 0, XOP_REFILL, 0, XF_DONE, 33, 1, 0, 0 },
	{ 0, XOP_MOVEPMD, 0, XF_DONE, 0, 512, 0, 0 },	/* gathers the strays of chunk 0 first */
	{ 0, XOP_TOUCH, 0, XF_DONE, 30, 1, 0, 0 },
	{ 0, XOP_WRITE, 0, XF_DONE, 51, 1, 0, 0 },
};

static int all_ops_log(const char *path, const char *inject)
{
	static const char *const kinds[XINJ_NR] = {
		[XINJ_CORRUPT] = "corrupt", [XINJ_LOSE] = "lose", [XINJ_DUP] = "dup", [XINJ_ZERO] = "zero",
		[XINJ_HANG] = "hang", [XINJ_WRITE] = "write", [XINJ_ZEROWRITE] = "zero-write", [XINJ_MLOCK] = "mlock",
	};
	size_t n = sizeof(all_ops) / sizeof(all_ops[0]), i;
	struct xrec rec[sizeof(all_ops) / sizeof(all_ops[0]) + 1];
	struct xlog_file f = { .version = XLOG_VERSION, .seed = 42, .nthreads = 2, .npages = 1536, .rec = rec };
	bool seen[XOP_NR] = { false };
	unsigned page;
	char kind[16];
	int k;

	memcpy(rec, all_ops, sizeof(all_ops));
	for (i = 0; i < n; i++) {
		rec[i].t_ns = rec[i].t_ns ? rec[i].t_ns : 1000 * (i + 1);
		if (rec[i].op == XOP_MIGRATE)
			rec[i].t_ns = 1000 * (i + 1) + 1;
		seen[rec[i].op] = true;
	}
	if (inject) {
		if (sscanf(inject, "%15[a-z-]:%u", kind, &page) != 2 || page >= f.npages)
			return 2;
		for (k = 0; k < XINJ_NR && strcmp(kinds[k], kind); k++)
			;
		if (k == XINJ_NR)
			return 2;
		rec[n] = (struct xrec){ 0, XOP_INJECT, (uint8_t)k, XF_DONE, page, 1, 0, 1000 * (n + 1) };
		seen[XOP_INJECT] = true;
		n++;
	}
	for (k = 0; k < XOP_NR; k++)
		if (!seen[k] && k != XOP_INJECT) {
			fprintf(stderr, "explore-repro-gen: --all-ops has no record of op '%s'\n", xop_table[k].name);
			return 1;
		}
	f.n = n;
	return xlog_write(path, &f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct xlog_file f;
	char err[400];
	int ret;

	if (argc >= 3 && !strcmp(argv[1], "--all-ops")) {
		if (argc == 3)
			return all_ops_log(argv[2], NULL);
		if (argc == 4 && !strncmp(argv[2], "--inject=", 9))
			return all_ops_log(argv[3], argv[2] + 9);
	}
	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: explore-repro-gen LOG OUT.c | --all-ops [--inject=KIND:PAGE] LOG\n");
		return 2;
	}
	if (xlog_read(argv[1], &f, err, sizeof(err))) {
		fprintf(stderr, "explore-repro-gen: %s\n", err);
		return 2;
	}
	ret = xrepro_write(argv[2], &f);
	free(f.rec);
	if (ret) {
		fprintf(stderr, "explore-repro-gen: cannot write %s\n", argv[2]);
		return 1;
	}
	printf("explore-repro-gen: %s: the reproducer of %s\n", argv[2], argv[1]);
	return 0;
}
