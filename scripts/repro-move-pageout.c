// SPDX-License-Identifier: GPL-2.0-only
/*
 * Standalone reproducer, independent of movestress: one thread moves every
 * page of a 64 MiB region back and forth with UFFDIO_MOVE (one page per
 * ioctl, a ledger of where each page is) while another MADV_PAGEOUTs both
 * regions.  On the 6.18.44 host kernel this ends with pages that are not
 * where a successful MOVE put them (and EEXIST on the next move), in about
 * half of 4-second runs.  Needs active swap (movestress adds zram).
 *
 *   gcc -O2 -pthread -o repro scripts/repro-move-pageout.c && ./repro 16384 4
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
#include <unistd.h>
#ifndef UFFDIO_MOVE
struct uffdio_move { __u64 dst, src, len, mode; __s64 move; };
#define UFFDIO_MOVE _IOWR(UFFDIO, 0x05, struct uffdio_move)
#define UFFD_FEATURE_MOVE (1<<16)
#endif
#define PS 4096UL
static char *src, *dst; static size_t n; static volatile int stop;
static void *pager(void *a) { (void)a; while (!stop) { madvise(src, n*PS, 21); madvise(dst, n*PS, 21); usleep(1000);} return NULL; }
int main(int argc, char **argv) {
	n = argc > 1 ? atol(argv[1]) : 16384;
	int secs = argc > 2 ? atoi(argv[2]) : 4;
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MOVE };
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) { perror("uffd"); return 77; }
	src = mmap(NULL, n*PS, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, n*PS + (4<<20), PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
	dst = mmap(dst + (2<<20), n*PS, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0);
	unsigned char *where = calloc(n, 1);
	for (size_t i = 0; i < n; i++) *(uint64_t *)(src + i*PS) = i + 1;
	struct uffdio_register r = { .range = { (uintptr_t)src, n*PS }, .mode = UFFDIO_REGISTER_MODE_MISSING };
	if (ioctl(uffd, UFFDIO_REGISTER, &r)) { perror("reg"); return 1; }
	r.range.start = (uintptr_t)dst; if (ioctl(uffd, UFFDIO_REGISTER, &r)) { perror("reg"); return 1; }
	pthread_t t; pthread_create(&t, NULL, pager, NULL);
	time_t end = time(NULL) + secs; unsigned long ops = 0, bad = 0, again = 0;
	while (time(NULL) < end) for (size_t i = 0; i < n; i++) {
		char *from = where[i] ? dst : src, *to = where[i] ? src : dst;
		struct uffdio_move m = { (uintptr_t)(to + i*PS), (uintptr_t)(from + i*PS), PS, 0, 0 };
		ops++;
		if (ioctl(uffd, UFFDIO_MOVE, &m)) {
			if (errno == EAGAIN || errno == EBUSY) { again++; continue; }
			if (bad++ < 5) fprintf(stderr, "page %zu: move %s->%s: %s (move=%lld)\n", i, where[i] ? "dst" : "src", where[i] ? "src" : "dst", strerror(errno), (long long)m.move);
			continue;
		}
		where[i] ^= 1;
	}
	stop = 1; pthread_join(t, NULL);
	ioctl(uffd, UFFDIO_UNREGISTER, &r.range); r.range.start = (uintptr_t)src; ioctl(uffd, UFFDIO_UNREGISTER, &r.range);
	unsigned long mis = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = *(uint64_t *)(src + i*PS), b = *(uint64_t *)(dst + i*PS);
		uint64_t want = where[i] ? b : a, other = where[i] ? a : b;
		if (want != i + 1 || other != 0) { if (mis++ < 5) fprintf(stderr, "page %zu: ledger %s, src=%llu dst=%llu\n", i, where[i] ? "dst" : "src", (unsigned long long)a, (unsigned long long)b); }
	}
	printf("ops=%lu eagain/ebusy=%lu errors=%lu misplaced=%lu\n", ops, again, bad, mis);
	return bad || mis;
}
