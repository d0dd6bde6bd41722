/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What klog.c (the classifier) gives klog-kmsg.c (the /dev/kmsg scanner);
 * private to src/kernel/klog*.c.
 */
#ifndef MOVESTRESS_KLOG_INT_H
#define MOVESTRESS_KLOG_INT_H

#include <stddef.h>

#define KLOG_MARK_PREFIX	"movestress: "
#define KLOG_KMSG_RECORD_MAX	16384	/* > CONSOLE_EXT_LOG_MAX (8192) */

/* compile the report table's EREs once; 0 or the regcomp error */
int klog_init(void);

/* a growing NUL-terminated text buffer */
struct klog_buf {
	char *p;
	size_t len, cap;
};

int klog_buf_append(struct klog_buf *b, const char *s, size_t len);

#endif
