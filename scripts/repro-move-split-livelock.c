// SPDX-License-Identifier: GPL-2.0-only
/*
 * Standalone reproducer of the known kernel bug move-split-livelock
 * (docs/kernel-finding-6.12-move-split-livelock.md), independent of
 * movestress and of DAMON: one large anonymous folio (a PMD THP), an extra
 * reference on one of its pages, then UFFDIO_MOVE of another page of it.
 *
 *   gcc -O2 -pthread -o repro scripts/repro-move-split-livelock.c && ./repro
 *
 *   usage: repro [--pin=vmsplice|iouring|none] [--timeout=SECS] [--wait]
 *     --pin=vmsplice  the reference: page 0 spliced into a pipe nobody
 *                     reads (FOLL_GET; default)
 *     --pin=iouring   page 0 an io_uring registered buffer (FOLL_PIN |
 *                     FOLL_LONGTERM)
 *     --pin=none      the control: no reference, the split succeeds and
 *                     the MOVE moves the page (exit 0, "moved")
 *     --timeout=SECS  give up on the MOVE after SECS (default 10): print the
 *                     mover's state, wchan and kernel stack, exit 4
 *     --wait          never give up (the VM harness's cell timeout kills it
 *                     and its stack watcher prints the stacks)
 *
 * The MOVE of page 1 splits the PMD (move_splits_huge_pmd) and then must
 * split the folio (move_pages_pte: folio_test_large -> split_folio).  The
 * split fails with -EAGAIN while a reference it does not expect is held
 * (can_split_folio), and the reference is held for as long as the pipe or
 * the buffer lives.  Reading the code of Debian's linux-source-6.12:
 *
 *   6.12.117 and older (from 6.8): move_pages() retries -EAGAIN without
 *     limit ("if (err == -EAGAIN) continue;"), giving up only on a fatal
 *     signal: the ioctl never returns (it spins, cond_resched() between
 *     tries: no soft lockup, no hung task report)
 *   6.12.118 ("userfaultfd: fix UFFDIO_MOVE livelock on large folio with
 *     extra references"): the split's -EAGAIN becomes -EBUSY: EBUSY
 *
 * Exit status: 0 the MOVE returned (EBUSY, or it moved: not affected),
 * 4 it did not return within --timeout (the livelock), 1 it failed
 * otherwise, 2 usage, 77 no UFFDIO_MOVE, no THP, or no io_uring.
 *
 * Called as "movestress run ... --output FILE" (it is the guest's
 * /bin/movestress in `make vm-repro-livelock`) it runs with --wait and
 * writes a one-object JSON result to FILE; "movestress cleanup" is a
 * no-op (the harness calls it after killing a cell).
 */
#define _GNU_SOURCE
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
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#ifndef UFFDIO_MOVE
struct uffdio_move { __u64 dst, src, len, mode; __s64 move; };
#define UFFDIO_MOVE _IOWR(UFFDIO, 0x05, struct uffdio_move)
#define UFFD_FEATURE_MOVE (1 << 16)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#define PS 4096UL
#define HPS (2UL << 20)

struct iou_params {		/* struct io_uring_params, the fields we need zeroed */
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
	uint32_t resv[3];
	uint64_t sq_off[5], cq_off[5];
};

static int uffd;
static char *src, *dst;
static volatile int done;
static int move_errno;
static int64_t move_ret;
static pid_t mover_tid;

static void *mover(void *a)
{
	struct uffdio_move m = {
		.dst = (uintptr_t)dst + PS, .src = (uintptr_t)src + PS, .len = PS, .mode = 0,
	};

	(void)a;
	__atomic_store_n(&mover_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	move_errno = ioctl(uffd, UFFDIO_MOVE, &m) ? errno : 0;
	move_ret = m.move;
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void cat_task(pid_t tid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, file);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* AnonHugePages of the mapping at @addr, kB, from /proc/self/smaps */
static long anon_huge_kb(const char *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	unsigned long lo, hi;
	long kb = -1;
	int in = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static int skip(const char *why)
{
	printf("repro: skipped: %s\n", why);
	return 77;
}

static char *map_aligned(size_t len)
{
	char *p = mmap(NULL, len + HPS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HPS - 1) & ~(HPS - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + len, (size_t)(p + len + HPS - (a + len)));
	return a;
}

/* the extra reference on page 0: in a pipe, or an io_uring registered buffer */
static int hold_reference(const char *pin)
{
	struct iovec iov = { src, PS };

	if (!strcmp(pin, "none"))
		return 0;
	if (!strcmp(pin, "vmsplice")) {
		int p[2];

		if (pipe(p) || vmsplice(p[1], &iov, 1, 0) != (ssize_t)PS) {
			printf("repro: vmsplice: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
#ifdef __NR_io_uring_setup
	struct iou_params params;
	int ring;

	memset(&params, 0, sizeof(params));
	ring = (int)syscall(__NR_io_uring_setup, 1, &params);
	if (ring < 0)
		return skip("io_uring_setup failed (no CONFIG_IO_URING, or disabled)");
	/* IORING_REGISTER_BUFFERS = 0: FOLL_PIN | FOLL_LONGTERM of page 0 */
	if (syscall(__NR_io_uring_register, ring, 0, &iov, 1)) {
		printf("repro: io_uring_register(BUFFERS): %s\n", strerror(errno));
		return 1;
	}
	return 0;
#else
	return skip("no io_uring syscalls in these headers");
#endif
}

static int write_result(const char *out, const char *verdict, int code, const char *what)
{
	FILE *f;

	if (!out)
		return code;
	f = fopen(out, "w");
	if (f) {
		fprintf(f, "{\"tool\": \"repro-move-split-livelock\", \"verdict\": \"%s\", \"exit_code\": %d, "
			"\"result\": \"%s\", \"move\": %lld}\n", verdict, code, what, (long long)move_ret);
		fclose(f);
	}
	return code;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MOVE };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	const char *pin = "vmsplice", *out = NULL;
	char thp[128] = "", buf[4096];
	int timeout = 10, wait = 0, i, fd, ret;
	pthread_t t;
	long kb;

	if (argc > 1 && !strcmp(argv[1], "cleanup"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "run"))
		wait = 1;	/* the guest's movestress: the harness's timeout ends it */
	for (i = wait ? 2 : 1; i < argc; i++) {
		if (!strncmp(argv[i], "--pin=", 6) && (!strcmp(argv[i] + 6, "vmsplice") ||
						       !strcmp(argv[i] + 6, "iouring") || !strcmp(argv[i] + 6, "none")))
			pin = argv[i] + 6;
		else if (!strncmp(argv[i], "--timeout=", 10) && atoi(argv[i] + 10) > 0)
			timeout = atoi(argv[i] + 10);
		else if (!strcmp(argv[i], "--wait"))
			wait = 1;
		else if (!strcmp(argv[i], "--output") && i + 1 < argc)
			out = argv[++i];
		else if (!wait || !strncmp(argv[i], "--pin", 5) || !strncmp(argv[i], "--timeout", 9)) {
			fprintf(stderr, "usage: %s [--pin=vmsplice|iouring|none] [--timeout=SECS] [--wait]\n", argv[0]);
			return 2;
		}
		/* as the guest's movestress, the harness's own options (--seed=N) are ignored */
	}
	setvbuf(stdout, NULL, _IONBF, 0);

	fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, thp, sizeof(thp) - 1);

		thp[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (!thp[0] || strstr(thp, "[never]"))
		return write_result(out, "skip", skip("no THP (transparent_hugepage/enabled: never or absent)"), "skip");
	uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || !(api.features & UFFD_FEATURE_MOVE))
		return write_result(out, "skip", skip("no userfaultfd with UFFD_FEATURE_MOVE (Linux 6.8 on)"), "skip");

	/* one PMD THP at src (touched before uffd sees it), an empty dst */
	src = map_aligned(HPS);
	dst = map_aligned(HPS);
	if (!src || !dst)
		return write_result(out, "environment-error", 5, "mmap");
	madvise(src, HPS, MADV_HUGEPAGE);
	madvise(dst, HPS, MADV_NOHUGEPAGE);
	for (i = 0; i < (int)(HPS / PS); i++)
		src[i * PS] = (char)i;
	kb = anon_huge_kb(src);
	if (kb < 2048) {
		snprintf(buf, sizeof(buf), "the 2 MiB region did not get a THP (AnonHugePages %ld kB)", kb);
		return write_result(out, "skip", skip(buf), "skip");
	}
	reg.range.start = (uintptr_t)src;
	reg.range.len = HPS;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return write_result(out, "environment-error", 5, "register src");
	reg.range.start = (uintptr_t)dst;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return write_result(out, "environment-error", 5, "register dst");
	ret = hold_reference(pin);
	if (ret)
		return write_result(out, ret == 77 ? "skip" : "failure", ret, "pin");
	printf("repro: THP at %p (AnonHugePages %ld kB), page 0 held by %s; UFFDIO_MOVE of page 1%s\n",
	       (void *)src, kb, pin, wait ? ", waiting for it" : "");

	pthread_create(&t, NULL, mover, NULL);
	for (i = 0; wait || i < timeout * 10; i++) {
		struct timespec ts = { 0, 100 * 1000000L };

		if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
			break;
		nanosleep(&ts, NULL);
	}
	if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
		pid_t tid = __atomic_load_n(&mover_tid, __ATOMIC_ACQUIRE);
		char wchan[128], stat[512], *p, state = '?';

		cat_task(tid, "stat", stat, sizeof(stat));
		p = strrchr(stat, ')');
		if (p && p[1] == ' ')
			state = p[2];
		cat_task(tid, "wchan", wchan, sizeof(wchan));
		cat_task(tid, "stack", buf, sizeof(buf));
		printf("repro: HANG: UFFDIO_MOVE did not return within %d s (the livelock: the split fails, "
		       "move_pages() retries it)\n== mover tid %d state %c wchan %s\n%s", timeout, tid, state,
		       wchan, buf[0] ? buf : "(no /proc/PID/stack: not root, or no CONFIG_STACKTRACE)\n");
		/*
		 * A spinning task's stack is where it last scheduled: the MOVE
		 * loop's cond_resched() or the split's down_write().  The
		 * samples that differ show the split.
		 */
		for (i = 1; buf[0] && i <= 10; i++) {
			struct timespec ts = { 0, 100 * 1000000L };
			char again[sizeof(buf)];

			nanosleep(&ts, NULL);
			cat_task(tid, "stack", again, sizeof(again));
			if (strcmp(again, buf)) {
				printf("== mover tid %d sample %d\n%s", tid, i, again);
				memcpy(buf, again, sizeof(buf));
			}
		}
		fflush(stdout);
		_exit(4);	/* exit_group: the fatal signal ends the MOVE's loop */
	}
	pthread_join(t, NULL);
	if (move_errno == EBUSY) {
		printf("repro: UFFDIO_MOVE returned EBUSY: not affected (the split's failure is reported)\n");
		return write_result(out, "pass", 0, "EBUSY");
	}
	if (!move_errno && move_ret == (int64_t)PS) {
		printf("repro: UFFDIO_MOVE moved the page%s\n", strcmp(pin, "none") ?
		       " despite the reference: not affected" : " (the control: no reference, the split succeeded)");
		return write_result(out, "pass", 0, "moved");
	}
	printf("repro: UFFDIO_MOVE failed: %s (move %lld)\n", strerror(move_errno), (long long)move_ret);
	return write_result(out, "failure", 1, strerror(move_errno));
}
