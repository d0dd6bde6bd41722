// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore's pure parts: --ops weights, the op log (per-thread buffers and
 * the file format) and delta debugging over a log.
 *
 * Log file: the 7 bytes XLOG_MAGIC, then little-endian u32 version, u64
 * seed, u32 threads, u32 slots per region, u64 record count, then the
 * 24-byte struct xrec records (thread, op, arg, flags, slot, npages, err,
 * t_ns), thread by thread, each thread's in the order it ran them.
 */
#include "config.h"
#include "explore/explore-int.h"
#include "core/report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int xweights_parse(const char *spec, struct xweights *w, char *err, size_t len)
{
	char buf[512], *tok, *save = NULL, *colon, *end;
	unsigned long v;
	int i;

	memset(w, 0, sizeof(*w));
	if (!spec || !spec[0]) {
		for (i = 0; i < XOP_NR; i++)
			w->w[i] = xop_table[i].weight;
		return 0;
	}
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, len, "--ops: value too long (at most %zu characters)", sizeof(buf) - 1);
		return -EINVAL;
	}
	/* strtok_r() would pass over ",," and a comma at either end: each is an empty op */
	if (spec[0] == ',' || spec[strlen(spec) - 1] == ',' || strstr(spec, ",,")) {
		snprintf(err, len, "--ops: an empty op in '%s': NAME or NAME:W (W 1..1000000), comma-separated", spec);
		return -EINVAL;
	}
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		i = xop_lookup(tok);
		if (i < 0 || xop_table[i].control) {
			char names[400];
			size_t n = 0;
			int k;

			for (k = 0; k < XOP_NR && n < sizeof(names); k++)
				if (!xop_table[k].control)
					n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", n ? "|" : "",
							      xop_table[k].name);
			snprintf(err, len, "--ops: unknown op '%s': allowed values are %s, each NAME or NAME:W (W 1..1000000), comma-separated",
				 tok, names);
			return -EINVAL;
		}
		if (w->w[i]) {
			snprintf(err, len, "--ops: op %s given twice: name each op once, NAME or NAME:W", tok);
			return -EINVAL;
		}
		v = xop_table[i].weight ? xop_table[i].weight : 1;
		if (colon) {
			errno = 0;
			v = strtoul(colon + 1, &end, 10);
			/* digits only: strtoul() would take "+5" and " 5" */
			if (errno || colon[1] < '0' || colon[1] > '9' || *end || v == 0 || v > 1000000) {
				snprintf(err, len, "--ops: invalid weight '%s' of op %s: allowed weights are 1..1000000",
					 colon + 1, tok);
				return -EINVAL;
			}
		}
		w->w[i] = (unsigned)v;
	}
	return 0;
}

void xweights_finish(struct xweights *w)
{
	int i;

	w->total = 0;
	for (i = 0; i < XOP_NR; i++) {
		w->total += w->w[i];
		w->cum[i] = (uint32_t)w->total;
	}
}

int xweights_pick(const struct xweights *w, uint64_t r)
{
	uint32_t x;
	int i;

	if (!w->total)
		return -1;
	x = (uint32_t)(((r >> 32) * w->total) >> 32);	/* below total, without a division */
	for (i = 0; i < XOP_NR; i++)
		if (x < w->cum[i])
			return i;
	return -1;
}

int xlog_add(struct xlog *l, const struct xrec *r)
{
	l->total++;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		struct xrec *p;

		if (l->ring) {
			l->rec[(l->total - 1) % l->cap] = *r;
			return 0;
		}
		p = realloc(l->rec, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->rec = p;
		l->cap = cap;
	}
	l->rec[l->n++] = *r;
	return 0;
}

void xlog_free(struct xlog *l)
{
	free(l->rec);
	memset(l, 0, sizeof(*l));
}

static int fill_log(int fd, void *arg)
{
	const struct xlog_file *f = arg;
	uint64_t n = f->n;
	uint32_t v = XLOG_VERSION;

	return write_all(fd, XLOG_MAGIC, 7) || write_all(fd, &v, 4) || write_all(fd, &f->seed, 8) ||
	       write_all(fd, &f->nthreads, 4) || write_all(fd, &f->npages, 4) || write_all(fd, &n, 8) ||
	       (n && write_all(fd, f->rec, n * sizeof(*f->rec))) ? -1 : 0;
}

/* through PATH.tmp and a rename: never through a symlink, into a FIFO or over a device */
int xlog_write(const char *path, const struct xlog_file *f)
{
	return write_file_safely(path, fill_log, (void *)f);
}

int xlog_write_new(char *path, size_t len, uint64_t seed, const struct xlog_file *f)
{
	unsigned k;
	int fd, ret;

	for (k = 1; k < 1000; k++) {
		if (k == 1)
			snprintf(path, len, "movestress-explore-%" PRIu64 ".xlog", seed);
		else
			snprintf(path, len, "movestress-explore-%" PRIu64 ".%u.xlog", seed, k);
		/* the name is ours once created: another run's log is never replaced */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return -errno;
		close(fd);
		ret = xlog_write(path, f);
		if (ret)
			unlink(path);
		return ret;
	}
	return -EEXIST;
}

bool xlog_is_log(const char *path)
{
	char magic[7], err[64];
	FILE *fp;
	bool yes;

	if (input_check("replay", path, err, sizeof(err)))
		return false;	/* a FIFO: its open would block */
	fp = fopen(path, "re");
	if (!fp)
		return false;
	yes = fread(magic, 1, 7, fp) == 7 && !memcmp(magic, XLOG_MAGIC, 7);
	fclose(fp);
	return yes;
}

int xlog_read(const char *path, struct xlog_file *f, char *err, size_t len)
{
	FILE *fp;
	char magic[7];
	uint64_t n, i;
	int ret = -EINVAL;

	memset(f, 0, sizeof(*f));
	ret = input_check("replay", path, err, len);
	if (ret)
		return ret;
	fp = fopen(path, "re");
	if (!fp) {
		snprintf(err, len, "--replay: cannot open %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	ret = -EINVAL;
	if (fread(magic, 1, 7, fp) != 7 || memcmp(magic, XLOG_MAGIC, 7)) {
		snprintf(err, len, "--replay: %s is not an explore op log (no %s header)", path, "MSXLOG");
		goto out;
	}
	if (fread(&f->version, 4, 1, fp) != 1 || f->version != XLOG_VERSION) {
		snprintf(err, len, "--replay: %s: log version %u, this movestress reads version %u",
			 path, f->version, XLOG_VERSION);
		goto out;
	}
	if (fread(&f->seed, 8, 1, fp) != 1 || fread(&f->nthreads, 4, 1, fp) != 1 ||
	    fread(&f->npages, 4, 1, fp) != 1 || fread(&n, 8, 1, fp) != 1 ||
	    !f->nthreads || f->nthreads > XP_MAX_THREADS || !f->npages ||
	    f->npages % XP_CHUNK_PAGES || n > (1ULL << 30)) {
		snprintf(err, len, "--replay: %s: corrupt header", path);
		goto out;
	}
	f->rec = calloc(n ? n : 1, sizeof(*f->rec));
	if (!f->rec || fread(f->rec, sizeof(*f->rec), n, fp) != n || fgetc(fp) != EOF) {
		snprintf(err, len, "--replay: %s: truncated or trailing data (corrupt log)", path);
		goto out;
	}
	f->n = n;
	for (i = 0; i < n; i++) {
		const struct xrec *r = &f->rec[i];

		if (r->thread >= f->nthreads || r->op >= XOP_NR ||
		    (uint64_t)r->slot + (r->npages ? r->npages : 1) > f->npages ||
		    r->npages > XP_CHUNK_PAGES) {
			snprintf(err, len, "--replay: %s: corrupt record %" PRIu64, path, i);
			goto out;
		}
	}
	ret = 0;
out:
	fclose(fp);
	if (ret) {
		free(f->rec);
		f->rec = NULL;
		f->n = 0;
	}
	return ret;
}

/* ---- ddmin ---- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* the records of @rec whose @keep is set, into @out; returns the count */
static size_t gather(const struct xrec *rec, const bool *keep, size_t n, struct xrec *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (keep[i])
			out[k++] = rec[i];
	return k;
}

/*
 * Zeller's ddmin: split the surviving records into @parts chunks; try each
 * chunk alone, then each complement; on success continue from it, else
 * double the granularity until it is one record per chunk.
 */
size_t xlog_ddmin(struct xrec *rec, size_t n, xfails_fn fails, void *arg, uint64_t budget_ns)
{
	uint64_t deadline = mono_ns() + budget_ns;
	bool *keep = malloc(n ? n : 1), *trial = malloc(n ? n : 1);
	struct xrec *buf = malloc((n ? n : 1) * sizeof(*buf));
	size_t parts = 2, alive = n, i, k, m;
	int ret;

	if (!keep || !trial || !buf) {
		free(keep);
		free(trial);
		free(buf);
		return n;
	}
	memset(keep, 1, n);
	while (alive >= 2 && mono_ns() < deadline) {
		size_t chunk = (alive + parts - 1) / parts, p;
		bool reduced = false;

		for (p = 0; p < parts && !reduced && mono_ns() < deadline; p++) {
			for (int comp = 0; comp < 2 && !reduced; comp++) {
				/* idx among alive records: chunk p is [p*chunk, (p+1)*chunk) */
				for (i = 0, k = 0; i < n; i++) {
					bool in = keep[i] && k >= p * chunk && k < (p + 1) * chunk;

					trial[i] = keep[i] && (comp ? !in : in);
					k += keep[i];
				}
				m = gather(rec, trial, n, buf);
				if (!m || m == alive)
					continue;
				ret = fails(buf, m, arg);
				if (ret < 0)
					goto out;
				if (!ret)
					continue;
				memcpy(keep, trial, n);
				alive = m;
				parts = comp ? (parts > 2 ? parts - 1 : 2) : 2;
				reduced = true;
			}
		}
		if (!reduced) {
			if (parts >= alive)
				break;
			parts = parts * 2 < alive ? parts * 2 : alive;
		}
	}
out:
	m = gather(rec, keep, n, buf);
	memcpy(rec, buf, m * sizeof(*rec));
	free(keep);
	free(trial);
	free(buf);
	return m;
}
