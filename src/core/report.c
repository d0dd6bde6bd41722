// SPDX-License-Identifier: GPL-2.0-only
/* Per-thread stats merged and written out, fio's vocabulary. */
#include "config.h"
#include "core/report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EAGAIN, "EAGAIN" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ ENOENT, "ENOENT" }, { EINVAL, "EINVAL" }, { EFAULT, "EFAULT" },
		{ ENOMEM, "ENOMEM" }, { EPERM, "EPERM" }, { ESRCH, "ESRCH" },
		{ ENOSPC, "ENOSPC" }, { EINTR, "EINTR" }, { ENOSYS, "ENOSYS" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EACCES, "EACCES" }, { EIO, "EIO" },
	};
	static __thread char buf[16];
	size_t i;

	if (!err)
		return "none";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

void stats_add(struct thread_stats *out, const struct thread_stats *s)
{
	unsigned k;

	out->ops += s->ops;
	out->pages += s->pages;
	out->short_moves += s->short_moves;
	out->failures += s->failures;
	out->moved_but_failed += s->moved_but_failed;
	out->aux_ops += s->aux_ops;
	out->thp_pmd_ops += s->thp_pmd_ops;
	out->thp_partial_ops += s->thp_partial_ops;
	for (k = 0; k < MS_MAX_ERRNO; k++)
		out->retries[k] += s->retries[k];
	for (k = 0; k < s->nfail && out->nfail < MS_MAX_FAILS; k++)
		out->fail[out->nfail++] = s->fail[k];
	hist_merge(&out->move_lat, &s->move_lat);
	hist_merge(&out->aux_lat, &s->aux_lat);
}

void stats_merge(struct thread_stats *out, const struct worker *w, unsigned n)
{
	unsigned i;

	memset(out, 0, sizeof(*out));
	hist_init(&out->move_lat);
	hist_init(&out->aux_lat);
	for (i = 0; i < n; i++)
		stats_add(out, &w[i].st);
}

json_t *stats_to_json(const struct thread_stats *st, uint64_t elapsed_ns, bool with_bins)
{
	json_t *j = json_object(), *ret = json_object(), *fails = json_array();
	double secs = elapsed_ns / 1e9;
	unsigned k;

	json_object_set_new(j, "ops", json_integer(st->ops));
	json_object_set_new(j, "pages", json_integer(st->pages));
	json_object_set_new(j, "bytes", json_integer(st->pages * MS_PAGE_SIZE));
	json_object_set_new(j, "pages_per_sec", json_real(secs > 0 ? st->pages / secs : 0));
	json_object_set_new(j, "ops_per_sec", json_real(secs > 0 ? st->ops / secs : 0));
	json_object_set_new(j, "short_moves", json_integer(st->short_moves));
	json_object_set_new(j, "clat_ns", hist_to_json(&st->move_lat, hist_default_pcts,
						      hist_default_npcts, with_bins));
	for (k = 0; k < MS_MAX_ERRNO; k++)
		if (st->retries[k])
			json_object_set_new(ret, errno_name(k), json_integer(st->retries[k]));
	json_object_set_new(j, "retries", ret);
	json_object_set_new(j, "failures", json_integer(st->failures));
	json_object_set_new(j, "moved_but_failed", json_integer(st->moved_but_failed));
	for (k = 0; k < st->nfail; k++) {
		const struct op_failure *f = &st->fail[k];

		json_array_append_new(fails, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
			"op", f->op, "errno", errno_name(f->err), "dst", (json_int_t)f->dst,
			"src", (json_int_t)f->src, "len", (json_int_t)f->len,
			"mode", (json_int_t)f->mode, "ret", (json_int_t)f->ret,
			"t_ns", (json_int_t)f->t_ns));
	}
	json_object_set_new(j, "failure_detail", fails);
	return j;
}

void print_hist(FILE *f, const char *what, const struct hist *h)
{
	static const double pcts[] = { 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99 };
	unsigned i;

	if (!h->n) {
		fprintf(f, "    %s (nsec): no samples\n", what);
		return;
	}
	fprintf(f, "    %s (nsec): min=%llu, max=%llu, avg=%.2f, stdev=%.2f, N=%llu\n", what,
		(unsigned long long)h->min, (unsigned long long)h->max, h->mean, hist_stddev(h),
		(unsigned long long)h->n);
	fprintf(f, "     %s percentiles (nsec):", what);
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		fprintf(f, "%s%6.2fth=[%llu]%s", i % 4 ? " " : "\n     |  ", pcts[i],
			(unsigned long long)hist_percentile(h, pcts[i]),
			i + 1 < sizeof(pcts) / sizeof(pcts[0]) ? "," : "");
	fputc('\n', f);
}

void print_retries(FILE *f, const struct thread_stats *st)
{
	unsigned k;
	bool any = false;

	fprintf(f, "    retries:");
	for (k = 0; k < MS_MAX_ERRNO; k++)
		if (st->retries[k]) {
			fprintf(f, " %s=%llu", errno_name(k), (unsigned long long)st->retries[k]);
			any = true;
		}
	fprintf(f, "%s (short moves: %llu)\n", any ? "" : " none", (unsigned long long)st->short_moves);
}

void print_failures(FILE *f, const struct thread_stats *st)
{
	unsigned k;

	if (!st->failures && !st->moved_but_failed)
		return;
	if (st->failures)
		fprintf(f, "    FAILURES: %llu unexpected error(s)\n", (unsigned long long)st->failures);
	if (st->moved_but_failed)
		fprintf(f, "    moved_but_failed: %llu MOVE(s) moved the page(s) but failed the ioctl (known kernel bug move-eexist; the ledger follows the page tables)\n",
			(unsigned long long)st->moved_but_failed);
	for (k = 0; k < st->nfail; k++)
		fprintf(f, "      %s dst=0x%llx src=0x%llx len=%llu mode=0x%llx -> %s (ret %lld) at +%.3fs\n",
			st->fail[k].op, (unsigned long long)st->fail[k].dst,
			(unsigned long long)st->fail[k].src, (unsigned long long)st->fail[k].len,
			(unsigned long long)st->fail[k].mode, errno_name(st->fail[k].err),
			(long long)st->fail[k].ret, st->fail[k].t_ns / 1e9);
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO" : S_ISLNK(m) ? "a symbolic link" :
	       S_ISSOCK(m) ? "a socket" : "not a regular file";
}

int output_check(const char *path, char *err, size_t len)
{
	char tmp[PATH_MAX + 8];
	struct stat st;
	int fd;

	if (!strcmp(path, "-"))
		return 0;
	if (!lstat(path, &st) && !S_ISREG(st.st_mode)) {
		snprintf(err, len, "--output: %s is %s: only a regular file (or a new one) is written, use another path",
			 path, file_kind(st.st_mode));
		return -EINVAL;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, len, "--output: path too long");
		return -ENAMETOOLONG;
	}
	/* can we write there at all?  The way write_json_file() will */
	if (!lstat(tmp, &st) && !S_ISREG(st.st_mode)) {
		snprintf(err, len, "--output: %s is %s: cannot use it as the temporary file", tmp,
			 file_kind(st.st_mode));
		return -EINVAL;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EEXIST) {
		int e = errno;

		snprintf(err, len, "--output: cannot write %s: %s", path, strerror(e));
		return -e;
	}
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	return 0;
}

/* write_json_file()'s writes; tests inject failures through it */
static ssize_t (*json_write_fn)(int fd, const void *buf, size_t len) = write;

void report_set_write_fn(ssize_t (*fn)(int fd, const void *buf, size_t len))
{
	json_write_fn = fn ? fn : write;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	int fd = *(int *)data;
	ssize_t n;

	while (size) {
		n = json_write_fn(fd, buf, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		buf += n;
		size -= (size_t)n;
	}
	return 0;
}

/*
 * Write @j to @path through @path.tmp and a rename, so a reader never sees
 * half a result; only ever replaces a regular file (a device node, FIFO,
 * symlink or directory at @path is refused), and removes the .tmp on any
 * failure (ENOSPC included: the data is checked by fsync and close).
 */
int write_json_file(const char *path, json_t *j)
{
	return write_json_file_flags(path, j, JSON_INDENT(2));
}

int write_json_file_flags(const char *path, json_t *j, size_t flags)
{
	char tmp[PATH_MAX + 8];
	struct stat st;
	int fd, err = 0;

	if (!strcmp(path, "-"))
		return json_dumpf(j, stdout, flags) ? -EIO : (putchar('\n'), 0);
	if (!lstat(path, &st) && !S_ISREG(st.st_mode))
		return -EINVAL;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (!lstat(tmp, &st) && !S_ISREG(st.st_mode))
		return -EINVAL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (json_dump_callback(j, dump_cb, &fd, flags) || dump_cb("\n", 1, &fd) || fsync(fd))
		err = -(errno ? errno : EIO);
	if (close(fd) && !err)
		err = -errno;
	/* the target may have changed since the check: still only a regular file */
	if (!err && !lstat(path, &st) && !S_ISREG(st.st_mode))
		err = -EINVAL;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

json_t *read_json_file(const char *path, char *err, size_t len)
{
	json_error_t je;
	struct stat st;
	json_t *j;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer either */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, len, "not a regular file");
		close(fd);
		return NULL;
	}
	j = json_loadfd(fd, 0, &je);
	close(fd);
	if (!j)
		snprintf(err, len, "%s (line %d)", je.text, je.line);
	return j;
}
