// SPDX-License-Identifier: GPL-2.0-only
/*
 * klog-kmsg.c - the /dev/kmsg side of klog.h: the run's marker record
 * (klog_mark()), and the records after it read, decoded (\xNN escapes,
 * kernel facility only) and handed to klog_classify() (klog_scan_since(),
 * klog_classify_kmsg() for a dump).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/klog.h"
#include "kernel/klog-int.h"

int klog_mark(const char *marker)
{
	char buf[1024];
	int fd, len, ret = 0;
	char *p;

	len = snprintf(buf, sizeof(buf), "<5>" KLOG_MARK_PREFIX "%s\n", marker);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -EINVAL;
	/* one record: no control characters inside */
	for (p = buf; p < buf + len - 1; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}


static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * One /dev/kmsg record: "prio,seq,usec,flags[,...];text\n" then " KEY=val"
 * dictionary lines.  prio is the syslog value, facility << 3 | level;
 * facility 0 is the kernel's own printk, anything a program writes to
 * /dev/kmsg gets a non-zero facility (LOG_USER unless it names another).
 * Decode the text's \xNN escapes in place; returns the text and its
 * length, sets *seq and *facility.
 */
static char *klog_kmsg_text(char *rec, size_t *len, unsigned long long *seq,
			    unsigned int *facility)
{
	char *semi, *nl, *src, *dst, *comma, *end;
	unsigned long prio;
	int hi, lo;

	*seq = 0;
	semi = strchr(rec, ';');
	if (!semi)
		return NULL;
	*semi = '\0';
	prio = strtoul(rec, &end, 10);
	if (end == rec || (*end != ',' && *end != '\0'))
		return NULL;
	*facility = prio >> 3;
	comma = strchr(rec, ',');
	if (comma)
		*seq = strtoull(comma + 1, NULL, 10);

	nl = strchr(semi + 1, '\n');
	if (nl)
		*nl = '\0';
	for (src = dst = semi + 1; *src; src++) {
		if (src[0] == '\\' && src[1] == 'x' &&
		    (hi = hexval(src[2])) >= 0 && (lo = hexval(src[3])) >= 0) {
			*dst++ = (char)(hi << 4 | lo);
			src += 3;
		} else {
			*dst++ = *src;
		}
	}
	*dst = '\0';
	*len = dst - (semi + 1);
	return semi + 1;
}

/* the records after the last marker, kernel-facility text only */
struct klog_kmsg_scan {
	struct klog_buf text;
	char want[1024];
	bool found, wrapped, first;
	size_t lines, user_records;
};

static int klog_kmsg_scan_init(struct klog_kmsg_scan *k, const char *marker)
{
	char *p;

	memset(k, 0, sizeof(*k));
	k->first = true;
	if ((size_t)snprintf(k->want, sizeof(k->want), KLOG_MARK_PREFIX "%s",
			     marker) >= sizeof(k->want) - 2)
		return -EINVAL;
	for (p = k->want; *p; p++)	/* as klog_mark() wrote it */
		if ((unsigned char)*p < ' ')
			*p = ' ';
	return 0;
}

/* one record, NUL-terminated, modified in place */
static int klog_kmsg_feed(struct klog_kmsg_scan *k, char *rec)
{
	unsigned long long seq;
	unsigned int facility;
	size_t len, i;
	char *msg;
	int ret;

	msg = klog_kmsg_text(rec, &len, &seq, &facility);
	if (!msg)
		return 0;
	if (k->first && seq > 0)
		k->wrapped = true;
	k->first = false;

	if (!strcmp(msg, k->want)) {
		k->found = true;
		k->text.len = 0;
		k->lines = 0;
		k->user_records = 0;
		return 0;
	}
	/* a program's line is never a kernel report, whatever it says */
	if (facility != 0) {
		k->user_records++;
		return 0;
	}
	for (i = 0; i < len; i++)
		k->lines += msg[i] == '\n';
	k->lines++;
	ret = klog_buf_append(&k->text, msg, len);
	return ret ?: klog_buf_append(&k->text, "\n", 1);
}

static int klog_kmsg_scan_finish(struct klog_kmsg_scan *k,
				 struct klog_report *out, int max,
				 size_t *lines_scanned)
{
	if (!k->found && !k->wrapped)
		return -ENOENT;
	if (lines_scanned)
		*lines_scanned = k->lines;
	return klog_classify(k->text.p, k->text.len, out, max);
}

int klog_classify_kmsg(const char *dump, size_t len, const char *marker,
		       struct klog_report *out, int max, size_t *lines_scanned)
{
	struct klog_kmsg_scan k;
	const char *p = dump, *end = dump + len, *nl;
	char *rec;
	int ret;

	if (lines_scanned)
		*lines_scanned = 0;
	ret = klog_init() ?: klog_kmsg_scan_init(&k, marker);
	if (ret)
		return ret;
	while (p < end) {
		/* a record and its " KEY=val" dictionary lines */
		nl = p;
		do {
			nl = memchr(nl, '\n', end - nl);
			nl = nl ? nl + 1 : end;
		} while (nl < end && *nl == ' ');
		rec = strndup(p, nl - p);
		if (!rec) {
			ret = -ENOMEM;
			break;
		}
		ret = klog_kmsg_feed(&k, rec);
		free(rec);
		if (ret)
			break;
		p = nl;
	}
	if (!ret)
		ret = klog_kmsg_scan_finish(&k, out, max, lines_scanned);
	free(k.text.p);
	return ret;
}

int klog_scan_since(const char *marker, struct klog_report *out, int max,
		    size_t *lines_scanned)
{
	struct klog_kmsg_scan k;
	char *rec;
	ssize_t n;
	int fd, ret = 0;

	if (lines_scanned)
		*lines_scanned = 0;
	ret = klog_init() ?: klog_kmsg_scan_init(&k, marker);
	if (ret)
		return ret;

	rec = malloc(KLOG_KMSG_RECORD_MAX);
	if (!rec)
		return -ENOMEM;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out_free;
	}
	lseek(fd, 0, SEEK_SET);		/* oldest record still in the buffer */

	for (;;) {
		n = read(fd, rec, KLOG_KMSG_RECORD_MAX - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {	/* overwritten while reading */
				k.wrapped = true;
				continue;
			}
			if (errno == EAGAIN)
				break;
			ret = -errno;
			goto out_close;
		}
		if (n == 0)
			break;
		rec[n] = '\0';
		ret = klog_kmsg_feed(&k, rec);
		if (ret)
			goto out_close;
	}
	ret = klog_kmsg_scan_finish(&k, out, max, lines_scanned);

out_close:
	close(fd);
out_free:
	free(rec);
	free(k.text.p);
	return ret;
}

