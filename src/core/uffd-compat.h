/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallback uapi definitions for hosts whose <linux/userfaultfd.h> predates
 * UFFDIO_MOVE (Linux 6.8, commit adef440691 "userfaultfd: UFFDIO_MOVE uABI").
 * Debian 12 ships 6.1 headers.  Values copied from
 * include/uapi/linux/userfaultfd.h; tests/check_compat.c asserts them.
 */
#ifndef MOVESTRESS_UFFD_COMPAT_H
#define MOVESTRESS_UFFD_COMPAT_H

#include "config.h"
#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/userfaultfd.h>

#if !HAVE_DECL_UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#if !HAVE_DECL_USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC 0xAA
#define USERFAULTFD_IOC_NEW _IO(USERFAULTFD_IOC, 0x00)
#endif

#if !HAVE_DECL_UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE (1 << 16)
#endif

#ifndef _UFFDIO_MOVE
#define _UFFDIO_MOVE (0x05)
#endif

#if !HAVE_STRUCT_UFFDIO_MOVE_MOVE
struct uffdio_move {
	__u64 dst;
	__u64 src;
	__u64 len;
	/*
	 * Especially if used to atomically remove memory from the
	 * address space the wake on the dst range is not needed.
	 */
#define UFFDIO_MOVE_MODE_DONTWAKE		((__u64)1 << 0)
#define UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES	((__u64)1 << 1)
	__u64 mode;
	/*
	 * "move" is written by the ioctl and must be at the end: the
	 * copy_from_user will not read the last 8 bytes.
	 */
	__s64 move;
};
#endif

#if !HAVE_DECL_UFFDIO_MOVE
#define UFFDIO_MOVE _IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

#ifndef UFFDIO_MOVE_MODE_DONTWAKE
#define UFFDIO_MOVE_MODE_DONTWAKE		((__u64)1 << 0)
#endif
#ifndef UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES
#define UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES	((__u64)1 << 1)
#endif

#endif /* MOVESTRESS_UFFD_COMPAT_H */
