// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread sleep time: delay accounting through taskstats (generic
 * netlink, as tools/accounting/getdelays.c does) with kernel.task_delayacct
 * switched on for the run (recorded and restored through sysstate), plus
 * /proc/<tid>/schedstat (on-CPU and run-queue wait).  The pressure control
 * thread polls every thread while it lives, first right after the threads
 * start; the result shows the last poll minus the first (so the final
 * ~100 ms of a thread may be missing).  A figure longer than the thread's
 * life is impossible and is reported as invalid, with the reason.
 *
 * Delay accounting covers sleeps on block I/O, swap-in, direct reclaim
 * (freepages), thrashing, compaction and write-protect copy; lock waits
 * (the anon_vma rwsem) are in the lock block (lockstat.c) per thread.
 */
#include "config.h"
#include "core/kv.h"
#include "pressure/pressure-int.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>

#define DA_MAX_THREADS	256
#define TASK_DELAYACCT	"/proc/sys/kernel/task_delayacct"

struct da_thread {
	pid_t tid;
	char name[16];
	bool have_ts, have_ss;
	struct taskstats ts, ts0;	/* last and first poll */
	uint64_t run_ns, wait_ns, slices;
	uint64_t run0, wait0, slices0;
};

const char *const da_field_names[DA_NR_FIELDS] = {
	[DA_CPU] = "cpu_delay_ns",
	[DA_BLKIO] = "blkio_delay_ns",
	[DA_SWAPIN] = "swapin_delay_ns",
	[DA_FREEPAGES] = "freepages_delay_ns",
	[DA_THRASHING] = "thrashing_delay_ns",
	[DA_COMPACT] = "compact_delay_ns",
};

unsigned delayacct_delta(const struct da_sample *first, const struct da_sample *last,
			 struct da_sample *delta, char *why, size_t len)
{
	unsigned bad = 0, f;

	if (len)
		why[0] = '\0';
	delta->lifetime_ns = last->lifetime_ns;
	for (f = 0; f < DA_NR_FIELDS; f++) {
		const char *reason = NULL;

		delta->ns[f] = last->ns[f] - first->ns[f];
		if (last->ns[f] < first->ns[f])
			reason = "went backwards";
		else if (delta->ns[f] > last->lifetime_ns)
			reason = "is longer than the thread has lived (task_delayacct "
				 "switched on while it slept counts that sleep from boot)";
		if (!reason)
			continue;
		delta->ns[f] = 0;
		if (!bad && len)
			snprintf(why, len, "%s %.1f s %s: %.1f s", da_field_names[f],
				 (double)(int64_t)(last->ns[f] - first->ns[f]) / 1e9, reason,
				 last->lifetime_ns / 1e9);
		bad |= 1U << f;
	}
	return bad;
}

static void da_sample_of(const struct taskstats *ts, struct da_sample *s)
{
	s->lifetime_ns = (uint64_t)ts->ac_etime * 1000;
	s->ns[DA_CPU] = ts->cpu_delay_total;
	s->ns[DA_BLKIO] = ts->blkio_delay_total;
	s->ns[DA_SWAPIN] = ts->swapin_delay_total;
	s->ns[DA_FREEPAGES] = ts->freepages_delay_total;
	s->ns[DA_THRASHING] = ts->thrashing_delay_total;
	s->ns[DA_COMPACT] = ts->compact_delay_total;
}

struct delayacct {
	int fd;
	uint16_t family;
	char why[200];
	char sysctl_old[16];
	unsigned n;
	struct da_thread t[DA_MAX_THREADS];
};

struct nlreq {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

#define GENLMSG_DATA(g)		((char *)NLMSG_DATA(g) + GENL_HDRLEN)
#define NLA_DATA(na)		((char *)(na) + NLA_HDRLEN)

static int nl_send(int fd, uint16_t type, uint8_t cmd, uint16_t attr, const void *data, uint16_t len)
{
	struct nlreq req;
	struct nlattr *na;
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.n.nlmsg_type = type;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_pid = 0;
	req.g.cmd = cmd;
	req.g.version = 1;
	na = (struct nlattr *)GENLMSG_DATA(&req);
	na->nla_type = attr;
	na->nla_len = len + NLA_HDRLEN;
	memcpy(NLA_DATA(na), data, len);
	req.n.nlmsg_len += NLMSG_ALIGN(na->nla_len);
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	return 0;
}

static int nl_recv(int fd, char *buf, size_t len, struct nlattr **first, int *alen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n = recv(fd, buf, len, 0);

	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (size_t)n))
		return -EIO;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error ? e->error : -EIO;
	}
	*first = (struct nlattr *)GENLMSG_DATA(h);
	*alen = (int)(NLMSG_PAYLOAD(h, 0) - GENL_HDRLEN);
	return 0;
}

static int family_id(int fd, uint16_t *id)
{
	char buf[4096];
	struct nlattr *na;
	int len, ret;

	ret = nl_send(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
		      TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME));
	if (ret)
		return ret;
	ret = nl_recv(fd, buf, sizeof(buf), &na, &len);
	if (ret)
		return ret;
	while (len >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN) {
		if (na->nla_type == CTRL_ATTR_FAMILY_ID) {
			memcpy(id, NLA_DATA(na), sizeof(*id));
			return 0;
		}
		len -= NLA_ALIGN(na->nla_len);
		na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len));
	}
	return -ENOENT;
}

struct delayacct *delayacct_setup(char *why, size_t len)
{
	struct delayacct *d = calloc(1, sizeof(*d));
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct timeval tv = { 1, 0 };
	int ret;

	if (!d)
		return NULL;
	d->fd = -1;
	ret = sysstate_write_value(TASK_DELAYACCT, "1", d->sysctl_old, sizeof(d->sysctl_old));
	if (ret) {
		snprintf(d->why, sizeof(d->why), "kernel.task_delayacct: %s%s", strerror(-ret),
			 ret == -ENOENT ? " (kernel without CONFIG_TASK_DELAY_ACCT)" :
			 ret == -EBUSY ? " (another movestress run holds it at another value)" : "");
		d->sysctl_old[0] = '\0';
	}
	d->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (d->fd < 0 || bind(d->fd, (struct sockaddr *)&addr, sizeof(addr))) {
		snprintf(d->why, sizeof(d->why), "netlink socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(d->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = family_id(d->fd, &d->family);
	if (ret) {
		snprintf(d->why, sizeof(d->why), "taskstats genetlink family: %s%s", strerror(-ret),
			 ret == -ENOENT ? " (kernel without CONFIG_TASKSTATS)" : "");
		goto fail;
	}
	return d;
fail:
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	(void)why;
	(void)len;
	return d;
}

static int query(struct delayacct *d, pid_t tid, struct taskstats *out)
{
	char buf[4096];
	struct nlattr *na, *in;
	uint32_t pid = (uint32_t)tid;
	int len, ilen, ret;

	ret = nl_send(d->fd, d->family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_PID, &pid, sizeof(pid));
	if (ret)
		return ret;
	ret = nl_recv(d->fd, buf, sizeof(buf), &na, &len);
	if (ret)
		return ret;
	while (len >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN) {
		if (na->nla_type == TASKSTATS_TYPE_AGGR_PID) {
			in = (struct nlattr *)NLA_DATA(na);
			ilen = na->nla_len - NLA_HDRLEN;
			while (ilen >= NLA_HDRLEN && in->nla_len >= NLA_HDRLEN) {
				if (in->nla_type == TASKSTATS_TYPE_STATS) {
					size_t n = in->nla_len - NLA_HDRLEN;

					memset(out, 0, sizeof(*out));
					memcpy(out, NLA_DATA(in), n < sizeof(*out) ? n : sizeof(*out));
					return 0;
				}
				ilen -= NLA_ALIGN(in->nla_len);
				in = (struct nlattr *)((char *)in + NLA_ALIGN(in->nla_len));
			}
		}
		len -= NLA_ALIGN(na->nla_len);
		na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len));
	}
	return -ENOENT;
}

void delayacct_poll(struct delayacct *d, pid_t tid, const char *name)
{
	struct da_thread *t = NULL;
	char path[64], line[128];
	unsigned long long a, b, c;
	unsigned i;

	if (!d || tid <= 0)
		return;
	for (i = 0; i < d->n; i++)
		if (d->t[i].tid == tid) {
			t = &d->t[i];
			break;
		}
	if (!t) {
		if (d->n == DA_MAX_THREADS)
			return;
		t = &d->t[d->n++];
		t->tid = tid;
		snprintf(t->name, sizeof(t->name), "%s", name);
	}
	if (d->fd >= 0) {
		struct taskstats ts;

		if (!query(d, tid, &ts)) {
			if (!t->have_ts)
				t->ts0 = ts;
			t->ts = ts;
			t->have_ts = true;
		}
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	if (!read_line(path, line, sizeof(line)) && sscanf(line, "%llu %llu %llu", &a, &b, &c) == 3) {
		if (!t->have_ss) {
			t->run0 = a;
			t->wait0 = b;
			t->slices0 = c;
		}
		t->run_ns = a;
		t->wait_ns = b;
		t->slices = c;
		t->have_ss = true;
	}
}

json_t *delayacct_report(struct delayacct *d, FILE *f)
{
	char why[256];
	json_t *j, *arr;
	unsigned i;

	if (!d)
		return json_pack("{s:s}", "unavailable", "out of memory");
	arr = json_array();
	j = json_pack("{s:s, s:s, s:o}", "source", d->fd >= 0 ? "taskstats+schedstat" : "schedstat",
		      "since", "each thread's first poll, right after it started", "threads", arr);
	if (d->why[0])
		json_object_set_new(j, "reason", json_string(d->why));
	if (d->sysctl_old[0])
		json_object_set_new(j, "task_delayacct_before", json_string(d->sysctl_old));
	if (f && d->n)
		fprintf(f, "  sleep per thread (ms): %-12s %9s %9s %9s %9s %9s %9s\n", "thread", "on-cpu",
			"runq", "blkio", "swapin", "reclaim", "thrash");
	for (i = 0; i < d->n; i++) {
		struct da_thread *t = &d->t[i];
		json_t *e = json_pack("{s:s, s:i}", "name", t->name, "tid", t->tid);
		struct da_sample s0, s1, dl = { 0 };
		char cols[DA_NR_FIELDS][16];
		unsigned bad = 0, k;

		if (t->have_ss)
			json_object_set_new(e, "schedstat", json_pack("{s:I, s:I, s:I}",
				"run_ns", (json_int_t)(t->run_ns - t->run0),
				"runq_wait_ns", (json_int_t)(t->wait_ns - t->wait0),
				"timeslices", (json_int_t)(t->slices - t->slices0)));
		if (t->have_ts) {
			json_t *da = json_pack("{s:i, s:I, s:I, s:I, s:I}",
				"version", t->ts.version,
				"lifetime_ns", (json_int_t)((uint64_t)t->ts.ac_etime * 1000),
				"blkio_count", (json_int_t)(t->ts.blkio_count - t->ts0.blkio_count),
				"swapin_count", (json_int_t)(t->ts.swapin_count - t->ts0.swapin_count),
				"nvcsw", (json_int_t)(t->ts.nvcsw - t->ts0.nvcsw));

			da_sample_of(&t->ts0, &s0);
			da_sample_of(&t->ts, &s1);
			bad = delayacct_delta(&s0, &s1, &dl, why, sizeof(why));
			for (k = 0; k < DA_NR_FIELDS; k++)
				if (!(bad & (1U << k)))
					json_object_set_new(da, da_field_names[k],
							    json_integer((json_int_t)dl.ns[k]));
			if (bad) {
				json_t *inv = json_array();

				for (k = 0; k < DA_NR_FIELDS; k++)
					if (bad & (1U << k))
						json_array_append_new(inv, json_string(da_field_names[k]));
				json_object_set_new(da, "invalid", inv);
				json_object_set_new(da, "invalid_reason", json_string(why));
			}
			json_object_set_new(e, "delayacct", da);
		}
		json_array_append_new(arr, e);
		if (!f)
			continue;
		for (k = 0; k < DA_NR_FIELDS; k++)
			if (bad & (1U << k))
				snprintf(cols[k], sizeof(cols[k]), "invalid");
			else
				snprintf(cols[k], sizeof(cols[k]), "%.1f", dl.ns[k] / 1e6);
		fprintf(f, "                         %-12s %9.1f %9.1f %9s %9s %9s %9s\n", t->name,
			(t->run_ns - t->run0) / 1e6, (t->wait_ns - t->wait0) / 1e6, cols[DA_BLKIO],
			cols[DA_SWAPIN], cols[DA_FREEPAGES], cols[DA_THRASHING]);
		if (bad)
			fprintf(f, "                         %-12s invalid: %s\n", t->name, why);
	}
	if (f && d->why[0])
		fprintf(f, "  delay accounting: %s\n", d->why);
	return j;
}

void delayacct_free(struct delayacct *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}
