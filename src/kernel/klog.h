/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klog.h - kernel log marker, /dev/kmsg scanner and report classifier.
 *
 * The classifier is a syzkaller-style header-then-regex table: a cheap
 * literal key selects candidate lines, an ERE confirms the header and a
 * title template names the report ("KASAN: slab-use-after-free Read in
 * move_pages_pte", "possible deadlock in move_pages_pte", "WARNING in
 * move_pages_pte", ...).  One report is produced per incident: the lines
 * that follow a header (stack, registers, "Oops:", a resulting panic) are
 * part of it until an end marker ("</TASK>", "---[ end trace", a "===="
 * rule) or the next independent report header.
 */
#ifndef MOVESTRESS_KLOG_H
#define MOVESTRESS_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

enum klog_kind {
	KLOG_KASAN,
	KLOG_LOCKDEP,
	KLOG_BUG,
	KLOG_WARNING,
	KLOG_HUNG_TASK,
	KLOG_SOFT_LOCKUP,
	KLOG_RCU_STALL,
	KLOG_OOPS,
	KLOG_PANIC,
	KLOG_NR_KINDS
};

#define KLOG_TITLE_MAX	200

struct klog_report {
	enum klog_kind kind;
	char title[KLOG_TITLE_MAX];
};

/* "kasan","lockdep","bug","warning","hung_task","soft_lockup","rcu_stall","oops","panic" */
const char *klog_kind_name(enum klog_kind k);

/*
 * Classify a buffer of kernel log text (console or dmesg output; "<4>"
 * levels, "[   12.345678] " timestamps and "[ T123]" caller ids are
 * stripped).  Stores at most max reports in order of appearance and returns
 * how many were stored, or -ENOMEM/-EINVAL.
 */
int klog_classify(const char *text, size_t len, struct klog_report *out,
		  int max);

/*
 * Strip the console prefixes from one line.  Returns a pointer into line
 * (the message text); *len, if non-NULL, is updated to the remaining length
 * with any trailing '\r' removed.
 */
const char *klog_strip_prefix(const char *line, size_t *len);

/* /dev/kmsg: write "movestress: <marker>" at KERN_NOTICE; 0/-errno */
int klog_mark(const char *marker);

/*
 * Read /dev/kmsg from its oldest record, keep the text after the last
 * record whose message is exactly "movestress: <marker>", and classify it.
 * Only kernel-facility records (facility 0 in "pri,seq,ts,flags;") are
 * classified: lines that programs write to /dev/kmsg are never reports,
 * and *lines_scanned counts the kernel's lines only.
 * If the marker is gone because the ring buffer wrapped, everything still
 * in it is newer than the marker and is classified; if it was never
 * written, -ENOENT.  Returns the number of reports or -errno (-EPERM,
 * -EACCES: /dev/kmsg unavailable to this process).
 */
int klog_scan_since(const char *marker, struct klog_report *out, int max,
		    size_t *lines_scanned);

/*
 * klog_scan_since() on a dump of /dev/kmsg records ("pri,seq,ts,flags;text"
 * lines, each followed by its " KEY=val" dictionary lines, as
 * `cat /dev/kmsg` prints them): the pure part, for tests.
 */
int klog_classify_kmsg(const char *dump, size_t len, const char *marker,
		       struct klog_report *out, int max, size_t *lines_scanned);

/* klog_classify() on the text of the file @path (a console log or a segment of one) */
int klog_classify_file(const char *path, struct klog_report *out, int max);

/* [{"kind":"warning","title":"WARNING in move_pages_pte"}, ...]; NULL on ENOMEM */
json_t *klog_reports_to_json(const struct klog_report *r, int n);

/*
 * `movestress classify FILE|-`: print "KIND\tTITLE" per report (or a JSON
 * array).  Returns 0 when none, 3 when any, 2 (with a one-line error on
 * stderr) when the file cannot be read.
 */
int klog_classify_main(const char *path, bool json);

#endif /* MOVESTRESS_KLOG_H */
