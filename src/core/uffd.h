/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_UFFD_H
#define MOVESTRESS_UFFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/uffd-compat.h"

/*
 * The page movestress stamps, moves and checks: 4 KiB, as on x86_64 and
 * arm64 with 4K pages.  A kernel with another base page (arm64 16K or
 * 64K, e.g. Android's 16K builds) is refused by uffd_page_size_check().
 */
#define MS_PAGE_SIZE	4096UL

/* How the userfaultfd was obtained, for the environment block. */
struct uffd_info {
	char via[48];		/* "/dev/userfaultfd", "syscall", ... */
	bool user_mode_only;
	uint64_t features;	/* granted by UFFDIO_API */
};

/*
 * Open a userfaultfd and handshake UFFDIO_API asking for @features.
 * Returns the fd, or -errno; on failure @why (if non-NULL) says what is
 * missing and how to fix it, ready for "skipped: <why>".
 */
int uffd_open_api(uint64_t features, struct uffd_info *info, char *why, size_t whylen);

/*
 * 0 if @page_size (sysconf(_SC_PAGESIZE)) is MS_PAGE_SIZE, else
 * -EOPNOTSUPP with @why saying so (every UFFDIO_MOVE of a 4 KiB page
 * would fail with EINVAL there).  uffd_probe_features() and so
 * uffd_open_api() check it first.
 */
int uffd_page_size_check(long page_size, char *why, size_t whylen);

/* Probe which features this kernel offers (temporary uffd, as the man page says). */
int uffd_probe_features(uint64_t *features, char *why, size_t whylen);

/* Register [addr, addr+len) for MISSING faults; check the MOVE ioctl bit. 0/-errno */
int uffd_register(int fd, void *addr, size_t len, char *why, size_t whylen);
int uffd_unregister(int fd, void *addr, size_t len);

/*
 * UFFDIO_MOVE. Returns bytes moved (>= 0; may be short) when the ioctl
 * succeeded or made partial progress, or -errno when nothing moved.
 * *err receives the errno of a short move (0 if the move was complete).
 */
static inline int64_t uffd_move(int fd, uint64_t dst, uint64_t src, uint64_t len,
				uint64_t mode, int *err);
int uffd_wake(int fd, uint64_t start, uint64_t len);

#include <errno.h>
#include <sys/ioctl.h>

static inline int64_t uffd_move(int fd, uint64_t dst, uint64_t src, uint64_t len,
				uint64_t mode, int *err)
{
	struct uffdio_move m = {
		.dst = dst, .src = src, .len = len, .mode = mode, .move = 0,
	};

	if (ioctl(fd, UFFDIO_MOVE, &m) == 0) {
		*err = 0;
		return (int64_t)len;
	}
	*err = errno;
	/* real retval in uffdio_move.move (selftests' comment) */
	if (m.move > 0)
		return m.move;
	if (m.move < 0)
		*err = (int)-m.move;
	return -(int64_t)*err;
}

#endif
