// SPDX-License-Identifier: GPL-2.0-only
/*
 * Standalone reproducer, independent of movestress: one thread moves every
 * page of a 64 MiB region back and forth with UFFDIO_MOVE (one page per
 * ioctl, a ledger of where each page is) while another MADV_PAGEOUTs both
 * regions.  Needs active swap for the default pager (movestress adds zram).
 *
 *   gcc -O2 -pthread -o repro scripts/repro-move-pageout.c && ./repro 16384 4
 *
 *   usage: repro [npages [seconds [pageout|cold|none|swapped]]]
 *     pageout  a second thread MADV_PAGEOUTs both regions every 1 ms (default)
 *     cold     the same with MADV_COLD (clears the young bit, never unmaps,
 *              needs no swap; use few pages, e.g. ./repro 64 4 cold)
 *     none     no second thread: only present pages, nothing races the MOVEs
 *     swapped  no second thread: the mover MADV_PAGEOUTs both regions before
 *              every pass, so it moves swap entries that nothing races
 *
 * Before every MOVE the mover reads /proc/self/pagemap for the source and
 * the destination page, and after a failed MOVE again (only the mover
 * changes which of the two is populated; reclaim turns a present pte into
 * a swap entry and back, never into none), so each anomaly is classified
 * by what the page tables show:
 *
 *   moved-but-failed  the MOVE returned an error, yet the destination was
 *                     empty before and holds the page after, and the source
 *                     is empty: the kernel moved the page and reported an
 *                     error.  This is what 6.18 does: move_pages() keeps a
 *                     stale -EAGAIN in err after move_pages_ptes() retried
 *                     and succeeded, loops on the same address, and returns
 *                     the -EEXIST of the now populated destination.
 *   ok-but-stayed     the last MOVE of the page returned success, yet now
 *                     its destination is empty or its source still holds it
 *                     (seen before the page's next MOVE)
 *
 * The source pte kind before the MOVE (present, present and in the swap
 * cache (root: /proc/kpageflags), swap entry) is counted for every MOVE and
 * every moved-but-failed one.  Pages with an anomaly are not moved again.
 * At the end the contents are checked against the ledger (which follows the
 * MOVE return values): a page not where the ledger says is "misplaced".
 * Exit status: 0 clean, 1 a misplaced page or an unexpected MOVE error,
 * 2 usage, 77 no userfaultfd MOVE, or no active swap for pageout/swapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifndef UFFDIO_MOVE
struct uffdio_move { __u64 dst, src, len, mode; __s64 move; };
#define UFFDIO_MOVE _IOWR(UFFDIO, 0x05, struct uffdio_move)
#define UFFD_FEATURE_MOVE (1<<16)
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PS 4096UL
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_SWAPCACHE 13
#define SHOW 5

enum pager { P_PAGEOUT, P_COLD, P_NONE, P_SWAPPED };
static const char *const pager_names[] = { "pageout", "cold", "none", "swapped" };

/* what a pte held, as pagemap (and kpageflags) tell */
enum kind { K_NONE, K_PRESENT, K_PRESENT_SWAPCACHE, K_SWAP, K_NR };
static const char *const kind_names[K_NR] = {
	"none", "present", "present+swapcache", "swap-entry"
};

static char *src, *dst;
static size_t n;
static volatile int stop;
static int pager_advice;
static int pagemap_fd, kpageflags_fd;

static void *pager(void *a)
{
	(void)a;
	while (!stop) {
		madvise(src, n * PS, pager_advice);
		madvise(dst, n * PS, pager_advice);
		usleep(1000);
	}
	return NULL;
}

static enum kind pte_kind(const char *addr)
{
	uint64_t e = 0, flags = 0;

	if (pread(pagemap_fd, &e, 8, (uintptr_t)addr / PS * 8) != 8)
		return K_NONE;
	if (e & PM_SWAP)
		return K_SWAP;
	if (!(e & PM_PRESENT))
		return K_NONE;
	if (kpageflags_fd >= 0 && (e & PM_PFN_MASK) &&
	    pread(kpageflags_fd, &flags, 8, (e & PM_PFN_MASK) * 8) == 8 &&
	    (flags >> KPF_SWAPCACHE & 1))
		return K_PRESENT_SWAPCACHE;
	return K_PRESENT;
}

static int swap_active(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] == '/')
			found = 1;
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	enum pager mode = P_PAGEOUT;
	unsigned long ops = 0, again = 0, bad = 0, mis = 0, moved_failed = 0;
	unsigned long ok_stayed = 0;
	unsigned long kind_ops[K_NR] = { 0 }, kind_moved_failed[K_NR] = { 0 };
	unsigned char *where, *quarantined;
	struct uffdio_register r;
	pthread_t t;
	time_t end;
	int secs, uffd, i;

	n = argc > 1 ? strtoul(argv[1], NULL, 0) : 16384;
	secs = argc > 2 ? atoi(argv[2]) : 4;
	if (argc > 3) {
		for (i = 0; i < 4 && strcmp(argv[3], pager_names[i]); i++)
			;
		if (i == 4 || !n) {
			fprintf(stderr, "usage: %s [npages [seconds [pageout|cold|none|swapped]]]\n", argv[0]);
			return 2;
		}
		mode = i;
	}
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MOVE };
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		perror("skipped: userfaultfd with UFFD_FEATURE_MOVE");
		return 77;
	}
	if ((mode == P_PAGEOUT || mode == P_SWAPPED) && !swap_active()) {
		fprintf(stderr, "skipped: no active swap (add zram swap first)\n");
		return 77;
	}
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap_fd < 0) {
		perror("/proc/self/pagemap");
		return 1;
	}
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);	/* root only */
	pager_advice = mode == P_COLD ? MADV_COLD : MADV_PAGEOUT;

	src = mmap(NULL, n * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, n * PS + (4 << 20), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	dst = mmap(dst + (2 << 20), n * PS, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	where = calloc(n, 1);
	quarantined = calloc(n, 1);
	if (dst == MAP_FAILED || !where || !quarantined) {
		perror("mmap/calloc");
		return 1;
	}
	for (size_t p = 0; p < n; p++)
		*(uint64_t *)(src + p * PS) = p + 1;
	r = (struct uffdio_register){ .range = { (uintptr_t)src, n * PS },
				      .mode = UFFDIO_REGISTER_MODE_MISSING };
	if (ioctl(uffd, UFFDIO_REGISTER, &r)) {
		perror("UFFDIO_REGISTER");
		return 1;
	}
	r.range.start = (uintptr_t)dst;
	if (ioctl(uffd, UFFDIO_REGISTER, &r)) {
		perror("UFFDIO_REGISTER");
		return 1;
	}
	if ((mode == P_PAGEOUT || mode == P_COLD) &&
	    pthread_create(&t, NULL, pager, NULL)) {
		perror("pthread_create");
		return 1;
	}

	end = time(NULL) + secs;
	while (time(NULL) < end) {
		if (mode == P_SWAPPED) {
			madvise(src, n * PS, MADV_PAGEOUT);
			madvise(dst, n * PS, MADV_PAGEOUT);
		}
		for (size_t p = 0; p < n; p++) {
			char *from = (where[p] ? dst : src) + p * PS;
			char *to = (where[p] ? src : dst) + p * PS;
			const char *dir = where[p] ? "dst->src" : "src->dst";
			struct uffdio_move m = { (uintptr_t)to, (uintptr_t)from, PS, 0, 0 };
			enum kind kf, kt, af, at;
			int e;

			if (quarantined[p])
				continue;
			kf = pte_kind(from);
			kt = pte_kind(to);
			if (kt != K_NONE || kf == K_NONE) {
				/* the last MOVE of this page returned success */
				if (ok_stayed++ < SHOW)
					fprintf(stderr, "page %zu: ok-but-stayed: after a successful MOVE the ledger says %s, but from=%s to=%s\n",
						p, where[p] ? "dst" : "src", kind_names[kf], kind_names[kt]);
				quarantined[p] = 1;
				continue;
			}
			kind_ops[kf]++;
			ops++;
			if (!ioctl(uffd, UFFDIO_MOVE, &m)) {
				where[p] ^= 1;
				continue;
			}
			e = errno;
			if (e == EAGAIN || e == EBUSY) {
				again++;
				continue;
			}
			af = pte_kind(from);
			at = pte_kind(to);
			if (af == K_NONE && at != K_NONE) {
				kind_moved_failed[kf]++;
				if (moved_failed++ < SHOW)
					fprintf(stderr, "page %zu: MOVE %s moved-but-failed: %s (move=%lld); before from=%s to=none, after from=none to=%s\n",
						p, dir, strerror(e), (long long)m.move, kind_names[kf], kind_names[at]);
				quarantined[p] = 1;
				continue;
			}
			if (bad++ < SHOW)
				fprintf(stderr, "page %zu: MOVE %s: %s (move=%lld); before from=%s to=none, after from=%s to=%s\n",
					p, dir, strerror(e), (long long)m.move, kind_names[kf], kind_names[af], kind_names[at]);
		}
	}
	stop = 1;
	if (mode == P_PAGEOUT || mode == P_COLD)
		pthread_join(t, NULL);
	ioctl(uffd, UFFDIO_UNREGISTER, &r.range);
	r.range.start = (uintptr_t)src;
	ioctl(uffd, UFFDIO_UNREGISTER, &r.range);

	for (size_t p = 0; p < n; p++) {
		uint64_t a = *(uint64_t *)(src + p * PS), b = *(uint64_t *)(dst + p * PS);
		uint64_t want = where[p] ? b : a, other = where[p] ? a : b;

		if (want != p + 1 || other != 0) {
			if (mis++ < SHOW)
				fprintf(stderr, "page %zu: ledger %s, src=%llu dst=%llu\n", p,
					where[p] ? "dst" : "src", (unsigned long long)a, (unsigned long long)b);
		}
	}
	printf("pager=%s ops=%lu eagain/ebusy=%lu moved-but-failed=%lu ok-but-stayed=%lu other-errors=%lu misplaced=%lu\n",
	       pager_names[mode], ops, again, moved_failed, ok_stayed, bad, mis);
	printf("by source pte kind before the MOVE (ops / moved-but-failed):");
	for (i = K_PRESENT; i < K_NR; i++)
		printf(" %s=%lu/%lu", kind_names[i], kind_ops[i], kind_moved_failed[i]);
	printf("\n");
	return bad || mis ? 1 : 0;
}
