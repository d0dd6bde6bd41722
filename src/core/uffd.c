// SPDX-License-Identifier: GPL-2.0-only
/*
 * userfaultfd plumbing: open, UFFDIO_API handshake, register, wake.
 * The form follows tools/testing/selftests/mm uffd_get_features().
 */
#include "config.h"
#include "core/uffd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_dev(int flags)
{
	int dev, fd;

	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK | flags);
	if (fd < 0)
		fd = -errno;
	close(dev);
	return fd;
}

static int open_syscall(int flags)
{
#if HAVE_DECL___NR_USERFAULTFD
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK | flags);

	return fd < 0 ? -errno : fd;
#else
	(void)flags;
	return -ENOSYS;
#endif
}

/*
 * /dev/userfaultfd first (its permission is the admin's chosen control),
 * then the syscall; each with UFFD_USER_MODE_ONLY, then without it for
 * kernels older than user-mode-only (5.11).
 */
static int uffd_open(struct uffd_info *info, int *dev_err, int *sys_err)
{
	static const struct {
		int (*open)(int flags);
		int flags;
		const char *via;
	} ways[] = {
		{ open_dev, UFFD_USER_MODE_ONLY, "/dev/userfaultfd" },
		{ open_dev, 0, "/dev/userfaultfd" },
		{ open_syscall, UFFD_USER_MODE_ONLY, "syscall" },
		{ open_syscall, 0, "syscall" },
	};
	size_t i;
	int fd;

	*dev_err = *sys_err = 0;
	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		fd = ways[i].open(ways[i].flags);
		if (fd >= 0) {
			if (info) {
				snprintf(info->via, sizeof(info->via), "%s", ways[i].via);
				info->user_mode_only = ways[i].flags != 0;
			}
			return fd;
		}
		if (ways[i].open == open_dev)
			*dev_err = -fd;
		else
			*sys_err = -fd;
	}
	return -(*sys_err ? *sys_err : *dev_err);
}

static void explain_open(char *why, size_t len, int dev_err, int sys_err)
{
	if (!why)
		return;
	if (sys_err == ENOSYS && (dev_err == ENOENT || dev_err == ENODEV))
		snprintf(why, len, "kernel has no userfaultfd (CONFIG_USERFAULTFD is off)");
	else if (sys_err == EPERM || dev_err == EACCES || dev_err == EPERM)
		snprintf(why, len,
			 "no permission to use userfaultfd (/dev/userfaultfd: %s; syscall: %s): "
			 "run as root, or `sysctl vm.unprivileged_userfaultfd=1`, "
			 "or grant read/write on /dev/userfaultfd to this user",
			 strerror(dev_err), strerror(sys_err));
	else
		snprintf(why, len, "cannot open userfaultfd (/dev/userfaultfd: %s; syscall: %s)",
			 strerror(dev_err), strerror(sys_err));
}

int uffd_page_size_check(long page_size, char *why, size_t whylen)
{
	if (page_size == (long)MS_PAGE_SIZE)
		return 0;
	if (why)
		snprintf(why, whylen,
			 "page size %ld KiB: movestress moves and checks %lu KiB pages (a kernel with 4K pages is needed)",
			 page_size / 1024, MS_PAGE_SIZE / 1024);
	return -EOPNOTSUPP;
}

/*
 * A userfaultfd (opened as uffd_open() does) with the UFFDIO_API handshake
 * done for @features: the fd, *@got the features it offers; or -errno with
 * @why.  Features must be asked for in the one handshake an fd gets, so a
 * probe (features 0) and the real open are two of these.
 */
static int open_handshake(uint64_t features, struct uffd_info *info, uint64_t *got, char *why,
			  size_t whylen)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int dev_err, sys_err, fd, ret;

	fd = uffd_open(info, &dev_err, &sys_err);
	if (fd < 0) {
		explain_open(why, whylen, dev_err, sys_err);
		return fd;
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		ret = -errno;
		if (why)
			snprintf(why, whylen, "UFFDIO_API(features=0x%llx) failed: %s",
				 (unsigned long long)features, strerror(-ret));
		close(fd);
		return ret;
	}
	*got = api.features;
	return fd;
}

int uffd_probe_features(uint64_t *features, char *why, size_t whylen)
{
	int fd = uffd_page_size_check(sysconf(_SC_PAGESIZE), why, whylen);

	if (!fd)
		fd = open_handshake(0, NULL, features, why, whylen);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int uffd_open_api(uint64_t features, struct uffd_info *info, char *why, size_t whylen)
{
	uint64_t avail = 0;
	int ret;

	/* what this kernel offers, from a temporary fd (UFFDIO_API(2const)) */
	ret = uffd_probe_features(&avail, why, whylen);
	if (ret)
		return ret;
	if ((avail & features) != features) {
		if (why)
			snprintf(why, whylen,
				 "kernel lacks userfaultfd features 0x%llx%s (offers 0x%llx)",
				 (unsigned long long)(features & ~avail),
				 (features & ~avail & UFFD_FEATURE_MOVE) ?
				 " (UFFD_FEATURE_MOVE: needs Linux >= 6.8)" : "",
				 (unsigned long long)avail);
		return -EOPNOTSUPP;
	}
	ret = open_handshake(features, info, &avail, why, whylen);
	if (ret >= 0 && info)
		info->features = avail;
	return ret;
}

int uffd_register(int fd, void *addr, size_t len, char *why, size_t whylen)
{
	struct uffdio_register reg = {
		.range = { .start = (uint64_t)(uintptr_t)addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &reg)) {
		int err = errno;

		if (why)
			snprintf(why, whylen, "UFFDIO_REGISTER(%p, %zu) failed: %s",
				 addr, len, strerror(err));
		return -err;
	}
	if (!(reg.ioctls & (1ULL << _UFFDIO_MOVE))) {
		if (why)
			snprintf(why, whylen,
				 "UFFDIO_REGISTER did not offer UFFDIO_MOVE for this range (ioctls 0x%llx)",
				 (unsigned long long)reg.ioctls);
		return -EOPNOTSUPP;
	}
	return 0;
}

int uffd_unregister(int fd, void *addr, size_t len)
{
	struct uffdio_range r = { .start = (uint64_t)(uintptr_t)addr, .len = len };

	return ioctl(fd, UFFDIO_UNREGISTER, &r) ? -errno : 0;
}

int uffd_wake(int fd, uint64_t start, uint64_t len)
{
	struct uffdio_range r = { .start = start, .len = len };

	return ioctl(fd, UFFDIO_WAKE, &r) ? -errno : 0;
}
