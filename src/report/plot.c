// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVG plots for compare --plot, written directly so that they need no
 * plotting tool and come out the same everywhere (the tests render them).
 *
 * Latency CDFs use the histogram bins when the results carry them
 * (run --output-format=json+), merged over the trials; otherwise the
 * percentile points every result has, averaged over the trials.
 */
#include "config.h"
#include "report/plot.h"
#include "report/compare.h"
#include "core/hist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define W	860
#define H	520
#define X0	90
#define X1	620
#define Y0	50
#define Y1	440

static const char *const colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
};
#define NCOLORS (sizeof(colors) / sizeof(colors[0]))

static void svg_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void fmt_tick(double v, int ns, char *buf, size_t len)
{
	static const struct {
		double scale;
		const char *unit;
	} units[] = { { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" } };
	size_t i;

	if (!ns) {
		if (fabs(v) >= 1e6)
			snprintf(buf, len, "%gM", v / 1e6);
		else if (fabs(v) >= 1e4)
			snprintf(buf, len, "%gk", v / 1e3);
		else
			snprintf(buf, len, "%g", v);
		return;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++)
		if (fabs(v) >= units[i].scale)
			break;
	snprintf(buf, len, "%g%s", v / units[i].scale, units[i].unit);
}

static double nice_step(double range)
{
	double raw = range / 5, mag = pow(10, floor(log10(raw))), m = raw / mag;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * mag;
}

struct axes {
	double x0, x1, y0, y1;
	int logx;
};

static double map_x(const struct axes *a, double x)
{
	double t = a->logx ? (log10(x) - a->x0) / (a->x1 - a->x0) : (x - a->x0) / (a->x1 - a->x0);

	return X0 + t * (X1 - X0);
}

static double map_y(const struct axes *a, double y)
{
	return Y1 - (y - a->y0) / (a->y1 - a->y0) * (Y1 - Y0);
}

int svg_write_chart(FILE *f, const struct svg_chart *ch, const struct svg_series *s, size_t ns)
{
	double xmin = INFINITY, xmax = -INFINITY, ymax = -INFINITY, v, step, ystep;
	struct axes a = { .logx = ch->logx };
	char buf[64];
	size_t i, k;

	for (k = 0; k < ns; k++)
		for (i = 0; i < s[k].n; i++) {
			if (ch->logx && !(s[k].x[i] > 0))
				continue;
			xmin = fmin(xmin, s[k].x[i]);
			xmax = fmax(xmax, s[k].x[i]);
			ymax = fmax(ymax, s[k].y[i] + (s[k].yerr ? s[k].yerr[i] : 0));
		}
	if (!isfinite(xmin))
		return -EINVAL;
	if (ch->xmax > ch->xmin) {
		xmin = ch->xmin;
		xmax = ch->xmax;
	}
	if (ch->logx) {
		a.x0 = floor(log10(xmin));
		a.x1 = ceil(log10(xmax));
		if (a.x1 <= a.x0)
			a.x1 = a.x0 + 1;
	} else {
		step = nice_step(xmax - xmin > 0 ? xmax - xmin : fabs(xmax) + 1);
		a.x0 = floor(xmin / step) * step;
		a.x1 = ceil(xmax / step) * step;
		if (a.x1 <= a.x0)
			a.x1 = a.x0 + step;
	}
	if (ch->ymax > ch->ymin) {
		a.y0 = ch->ymin;
		a.y1 = ch->ymax;
	} else {
		step = nice_step(ymax > 0 ? ymax : 1);
		a.y0 = 0;
		a.y1 = ceil(ymax * 1.05 / step) * step;
		if (a.y1 <= 0)
			a.y1 = step;
	}

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
	fprintf(f, "<text x=\"%d\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">", (X0 + X1) / 2);
	svg_text(f, ch->title);
	fprintf(f, "</text>\n<g stroke=\"#ddd\" stroke-width=\"1\">\n");
	/* grid and ticks */
	if (a.logx) {
		for (v = a.x0; v <= a.x1 + 1e-9; v++)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
				map_x(&a, pow(10, v)), Y0, map_x(&a, pow(10, v)), Y1);
	} else {
		step = nice_step(a.x1 - a.x0);
		for (v = a.x0; v <= a.x1 + step / 1e6; v += step)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
				map_x(&a, v), Y0, map_x(&a, v), Y1);
	}
	ystep = ch->ynines ? 1 : nice_step(a.y1 - a.y0);
	for (v = a.y0; v <= a.y1 + ystep / 1e6; v += ystep)
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", X0, map_y(&a, v), X1, map_y(&a, v));
	fprintf(f, "</g>\n<g text-anchor=\"middle\">\n");
	if (a.logx) {
		for (v = a.x0; v <= a.x1 + 1e-9; v++) {
			fmt_tick(pow(10, v), ch->xns, buf, sizeof(buf));
			fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", map_x(&a, pow(10, v)), Y1 + 18, buf);
		}
	} else {
		step = nice_step(a.x1 - a.x0);
		for (v = a.x0; v <= a.x1 + step / 1e6; v += step) {
			fmt_tick(v, ch->xns, buf, sizeof(buf));
			fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", map_x(&a, v), Y1 + 18, buf);
		}
	}
	fprintf(f, "</g>\n<g text-anchor=\"end\">\n");
	for (v = a.y0; v <= a.y1 + ystep / 1e6; v += ystep) {
		if (ch->ynines)
			snprintf(buf, sizeof(buf), "%.*f%%", v > 2 ? (int)v - 2 : 0, 100 * (1 - pow(10, -v)));
		else
			fmt_tick(v, 0, buf, sizeof(buf));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", X0 - 6, map_y(&a, v) + 4, buf);
	}
	fprintf(f, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n",
		X0, Y0, X1 - X0, Y1 - Y0);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (X0 + X1) / 2, Y1 + 40);
	svg_text(f, ch->xlabel);
	fprintf(f, "</text>\n<text transform=\"translate(22 %d) rotate(-90)\" text-anchor=\"middle\">",
		(Y0 + Y1) / 2);
	svg_text(f, ch->ylabel);
	fprintf(f, "</text>\n");

	for (k = 0; k < ns; k++) {
		const char *col = colors[k % NCOLORS];

		fprintf(f, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
		for (i = 0; i < s[k].n; i++)
			if (!ch->logx || s[k].x[i] > 0)
				fprintf(f, "%.1f,%.1f ", map_x(&a, s[k].x[i]), map_y(&a, s[k].y[i]));
		fprintf(f, "\"/>\n");
		for (i = 0; s[k].points && i < s[k].n; i++) {
			double px = map_x(&a, s[k].x[i]), py = map_y(&a, s[k].y[i]);

			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", px, py, col);
			if (s[k].yerr && s[k].yerr[i] > 0)
				fprintf(f, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f %.1fh8\" stroke=\"%s\"/>\n",
					px, map_y(&a, s[k].y[i] - s[k].yerr[i]), map_y(&a, s[k].y[i] + s[k].yerr[i]),
					px - 4, map_y(&a, s[k].y[i] - s[k].yerr[i]),
					px - 4, map_y(&a, s[k].y[i] + s[k].yerr[i]), col);
		}
		fprintf(f, "<line x1=\"%d\" y1=\"%zu\" x2=\"%d\" y2=\"%zu\" stroke=\"%s\" stroke-width=\"3\"/>\n",
			X1 + 15, Y0 + 10 + 20 * k, X1 + 40, Y0 + 10 + 20 * k, col);
		fprintf(f, "<text x=\"%d\" y=\"%zu\">", X1 + 46, Y0 + 14 + 20 * k);
		svg_text(f, s[k].label);
		fprintf(f, "</text>\n");
	}
	fprintf(f, "</svg>\n");
	return ferror(f) ? -EIO : 0;
}

/* ---- data from the results ---- */

struct xy {
	double x, y;
};

static int xy_cmp(const void *a, const void *b)
{
	const struct xy *p = a, *q = b;

	return p->x < q->x ? -1 : p->x > q->x;
}

/* histogram at @path merged over the trials; false if a trial has no bins */
static bool merged_hist(const struct cmp_run *run, const char *path, struct hist *out)
{
	struct hist *h = malloc(sizeof(*h));
	size_t i;
	bool ok = true;

	hist_init(out);
	if (!h)
		return false;
	for (i = 0; i < run->ntrials && ok; i++) {
		json_t *o = json_path(run->trial[i], path);

		ok = json_object_get(o, "bins") && !hist_from_json(h, o);
		if (ok)
			hist_merge(out, h);
	}
	free(h);
	return ok && out->n;
}

/* CDF points of one run: from bins, else the mean percentile points */
static size_t cdf_points(const struct cmp_run *run, const char *path, double **xs, double **ys, bool *binned)
{
	struct hist *h = malloc(sizeof(*h));
	struct xy *p = NULL;
	size_t n = 0, i, t;
	uint64_t cum = 0;

	*binned = false;
	if (!h)
		return 0;
	if (merged_hist(run, path, h)) {
		*binned = true;
		p = calloc(HIST_NR_BUCKETS + 1, sizeof(*p));
		if (!p)
			goto out;
		p[n++] = (struct xy){ (double)h->min, 0 };
		for (i = 0; i < HIST_NR_BUCKETS; i++) {
			if (!h->buckets[i])
				continue;
			cum += h->buckets[i];
			p[n++] = (struct xy){ (double)hist_idx_to_val(i), (double)cum / h->n };
		}
	} else {
		json_t *pct = json_path(run->trial[0], path), *v;
		double nsamp = json_number_value(json_object_get(pct, "N")) * run->ntrials;
		const char *key;

		pct = json_object_get(pct, "percentile");
		p = calloc(json_object_size(pct) + 2, sizeof(*p));
		if (!p)
			goto out;
		json_object_foreach(pct, key, v) {
			double sum = 0;
			size_t cnt = 0;

			for (t = 0; t < run->ntrials; t++) {
				json_t *x = json_object_get(json_object_get(json_path(run->trial[t], path), "percentile"), key);

				if (json_is_number(x)) {
					sum += json_number_value(x);
					cnt++;
				}
			}
			/* a percentile beyond 1 - 1/N is just the maximum again */
			if (cnt && (n < 2 || strtod(key, NULL) / 100 <= 1 - 1 / fmax(nsamp, 1)))
				p[n++] = (struct xy){ sum / cnt, strtod(key, NULL) / 100 };
		}
		qsort(p, n, sizeof(*p), xy_cmp);
		/* percentiles are monotonic in value; sort by probability instead if they tie */
		for (i = 1; i < n; i++)
			if (p[i].y < p[i - 1].y)
				p[i].y = p[i - 1].y;
	}
	*xs = calloc(n ? n : 1, sizeof(double));
	*ys = calloc(n ? n : 1, sizeof(double));
	if (!*xs || !*ys) {
		n = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		(*xs)[i] = p[i].x;
		(*ys)[i] = p[i].y;
	}
out:
	free(p);
	free(h);
	return n;
}

static FILE *open_plot(const char *dir, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, name);
	return fopen(path, "we");
}

static void safe_name(const char *in, char *out, size_t len)
{
	size_t i;

	if (!strncmp(in, "results/0/", 10))
		in += 10;
	for (i = 0; *in && i + 1 < len; in++)
		if (*in != '@')
			out[i++] = (*in == '/' || *in == ' ' || *in == ':') ? '-' : *in;
	out[i] = '\0';
}

static int finish(FILE *f, int ret, const char *path, char *err, size_t len)
{
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret)
		snprintf(err, len, "%s: %s", path, strerror(-ret));
	else
		fprintf(stderr, "wrote %s\n", path);
	return ret;
}

static int plot_cdf(const struct cmp *c, const char *hpath, const char *title, const char *dir,
		    char *err, size_t len)
{
	struct svg_series s[CMP_MAX_RUNS];
	double *xs[CMP_MAX_RUNS] = { NULL }, *ys[CMP_MAX_RUNS] = { NULL };
	char name[210], path[1024], t[256], lbl[CMP_MAX_RUNS][96];
	struct svg_chart ch = { .xlabel = "latency (log scale)", .ylabel = "fraction of ops at or below",
				.logx = 1, .xns = 1, .ymin = 0, .ymax = 1 };
	size_t k, nbinned = 0;
	bool binned;
	FILE *f;
	int ret;

	for (k = 0; k < c->nruns; k++) {
		s[k] = (struct svg_series){ .label = lbl[k] };
		s[k].n = cdf_points(&c->run[k], hpath, &xs[k], &ys[k], &binned);
		s[k].x = xs[k];
		s[k].y = ys[k];
		nbinned += binned;
		snprintf(lbl[k], sizeof(lbl[k]), "%s%s", c->run[k].label, binned ? "" : " (pct)");
	}
	snprintf(t, sizeof(t), "%s: CDF (%s)", title,
		 nbinned == c->nruns ? "histogram bins" : "percentile points; run --output-format=json+ for bins");
	ch.title = t;
	safe_name(hpath, name, sizeof(name) - 12);
	memmove(name + 4, name, strlen(name) + 1);
	memcpy(name, "cdf-", 4);
	strcat(name, ".svg");
	f = open_plot(dir, name, path, sizeof(path));
	if (!f) {
		ret = -errno;
		snprintf(err, len, "%s: %s", path, strerror(errno));
	} else {
		ret = finish(f, svg_write_chart(f, &ch, s, c->nruns), path, err, len);
	}
	/* the same data with the tail stretched: y = -log10(1 - p) */
	for (k = 0; k < c->nruns && !ret; k++) {
		size_t i, nn = s[k].n;
		double floor_p = 1e-6;

		for (i = 0; i < nn; i++)
			ys[k][i] = -log10(fmax(1 - ys[k][i], floor_p));
	}
	if (!ret) {
		snprintf(t, sizeof(t), "%s: latency by percentile (tail)", title);
		ch.ylabel = "percentile (log scale of 1 - p)";
		ch.ynines = 1;
		ch.ymax = 6;
		memmove(name + 5, name + 4, strlen(name + 4) + 1);
		memcpy(name, "tail-", 5);
		f = open_plot(dir, name, path, sizeof(path));
		if (!f) {
			ret = -errno;
			snprintf(err, len, "%s: %s", path, strerror(errno));
		} else {
			ret = finish(f, svg_write_chart(f, &ch, s, c->nruns), path, err, len);
		}
	}
	for (k = 0; k < c->nruns; k++) {
		free(xs[k]);
		free(ys[k]);
	}
	return ret;
}

/* frame-time (or any jank-side) histogram: share of samples per log bucket, 10 per decade */
static int plot_hist(const struct cmp *c, const char *hpath, const char *title, const char *dir,
		     char *err, size_t len)
{
	enum { PER_DECADE = 10, NB = 12 * PER_DECADE };
	struct svg_series s[CMP_MAX_RUNS];
	static double xs[CMP_MAX_RUNS][NB], ys[CMP_MAX_RUNS][NB];
	struct svg_chart ch = { .xlabel = "frame time (log scale)", .ylabel = "share of samples",
				.logx = 1, .xns = 1 };
	struct hist *h = malloc(sizeof(*h));
	char name[200], path[1024], t[256];
	size_t k, i, n = 0;
	FILE *f;
	int ret = 0;

	if (!h)
		return -ENOMEM;
	for (k = 0; k < c->nruns; k++) {
		if (!merged_hist(&c->run[k], hpath, h)) {
			free(h);
			return 0;	/* no bins: the CDF plot is all we can draw */
		}
		memset(ys[k], 0, sizeof(ys[k]));
		for (i = 0; i < NB; i++)
			xs[k][i] = pow(10, (i + 0.5) / PER_DECADE);
		for (i = 0; i < HIST_NR_BUCKETS; i++) {
			double v = (double)hist_idx_to_val(i);
			int b = v > 1 ? (int)(log10(v) * PER_DECADE) : 0;

			if (h->buckets[i] && b < NB)
				ys[k][b] += (double)h->buckets[i] / h->n;
		}
		s[k] = (struct svg_series){ .label = c->run[k].label, .n = NB, .x = xs[k], .y = ys[k] };
	}
	free(h);
	/* trim empty decades at both ends */
	ch.xmin = INFINITY;
	ch.xmax = 0;
	for (k = 0; k < c->nruns; k++)
		for (i = 0; i < NB; i++)
			if (ys[k][i] > 0) {
				ch.xmin = fmin(ch.xmin, xs[k][i]);
				ch.xmax = fmax(ch.xmax, xs[k][i]);
				n++;
			}
	if (!n)
		return 0;
	snprintf(t, sizeof(t), "%s: histogram", title);
	ch.title = t;
	safe_name(hpath, name, sizeof(name) - 12);
	memmove(name + 5, name, strlen(name) + 1);
	memcpy(name, "hist-", 5);
	strcat(name, ".svg");
	f = open_plot(dir, name, path, sizeof(path));
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	ret = finish(f, svg_write_chart(f, &ch, s, c->nruns), path, err, len);
	return ret ? ret : 1;
}

/* the swept variable of the scaling plot (gc-threads is the same option) */
static bool swept(const char *key)
{
	return !strcmp(key, "movers") || !strcmp(key, "gc-threads");
}

/* what a run's scaling point depends on besides the mover count */
static json_t *scaling_key(const struct cmp_run *run)
{
	json_t *opts = json_path(run->root, "options"), *v, *key;
	const char *name;

	key = json_pack("{s:s, s:s}",
			"rmap_policy", json_string_value(json_path(run->root, "kernel/rmap_policy")) ?: "?",
			"kernel", json_string_value(json_path(run->root, "environment/uname/release")) ?: "?");
	json_object_foreach(opts, name, v)
		if (!swept(name) && !cmp_opt_ignored(name))
			json_object_set(key, name, v);
	return key;
}

static void value_text(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : v ? "no" : "-");
}

/*
 * moves/s against movers: one series per set of runs equal in everything
 * but the mover count (rmap policy, kernel, every option that changes the
 * workload); each series is named by what tells it from the others.
 */
static int plot_scaling(const struct cmp *c, const char *dir, char *err, size_t len)
{
	struct svg_series s[CMP_MAX_RUNS];
	double x[CMP_MAX_RUNS][CMP_MAX_RUNS], y[CMP_MAX_RUNS][CMP_MAX_RUNS], e[CMP_MAX_RUNS][CMP_MAX_RUNS];
	json_t *keys[CMP_MAX_RUNS], *skey[CMP_MAX_RUNS], *v;
	char path[1024], lbl[CMP_MAX_RUNS][160], val[64];
	struct svg_chart ch = { .title = "MOVE throughput against mover threads (mean, error bars: trial stddev)",
				.xlabel = "mover threads", .ylabel = "moves/s (pages)", .xmin = 0 };
	size_t k, i, nser = 0, nk = 0, n;
	int distinct = 0;
	struct cmp_cell cell;
	double maxm = 0, m0 = -1;
	const char *name;
	FILE *f;

	for (k = 0; k < c->nruns; k++) {
		double m = (double)json_integer_value(json_path(c->run[k].root, "options/movers"));
		size_t t, cnt = 0;
		double sum = 0, sum2 = 0, v;

		for (t = 0; t < c->run[k].ntrials; t++) {
			json_t *j = json_path(c->run[k].trial[t], "results/0/move/pages_per_sec");

			if (json_is_number(j)) {
				v = json_number_value(j);
				sum += v;
				sum2 += v * v;
				cnt++;
			}
		}
		if (!cnt || m <= 0)
			continue;
		cell.mean = sum / cnt;
		cell.sd = cnt > 1 ? sqrt(fmax(0, (sum2 - sum * sum / cnt) / (cnt - 1))) : 0;
		if (m0 < 0)
			m0 = m;
		else if (m != m0)
			distinct = 1;
		maxm = fmax(maxm, m);
		keys[nk] = scaling_key(&c->run[k]);
		for (i = 0; i < nser && !json_equal(skey[i], keys[nk]); i++)
			;
		if (i == nser) {
			skey[nser] = keys[nk];
			s[nser] = (struct svg_series){ .label = lbl[nser], .x = x[nser], .y = y[nser],
						       .yerr = e[nser], .points = 1 };
			nser++;
		}
		nk++;
		x[i][s[i].n] = m;
		y[i][s[i].n] = cell.mean;
		e[i][s[i].n] = cell.sd;
		s[i].n++;
	}
	/* labels: the rmap policy, then every key whose value differs between series */
	for (i = 0; i < nser; i++) {
		n = snprintf(lbl[i], sizeof(lbl[i]), "rmap_policy=%s",
			     json_string_value(json_object_get(skey[i], "rmap_policy")));
		json_object_foreach(skey[i], name, v) {
			size_t o;

			if (!strcmp(name, "rmap_policy") || n >= sizeof(lbl[i]))
				continue;
			for (o = 0; o < nser && json_equal(v, json_object_get(skey[o], name)); o++)
				;
			if (o == nser)
				continue;
			value_text(v, val, sizeof(val));
			n += snprintf(lbl[i] + n, sizeof(lbl[i]) - n, " %s=%s", name, val);
		}
	}
	for (k = 0; k < nk; k++)
		json_decref(keys[k]);
	if (!distinct)
		return 0;	/* every run has the same mover count: nothing to scale */
	for (i = 0; i < nser; i++) {
		/* sort each series by movers */
		size_t a, b;

		for (a = 1; a < s[i].n; a++)
			for (b = a; b > 0 && x[i][b - 1] > x[i][b]; b--) {
				double tx = x[i][b], ty = y[i][b], te = e[i][b];

				x[i][b] = x[i][b - 1];
				y[i][b] = y[i][b - 1];
				e[i][b] = e[i][b - 1];
				x[i][b - 1] = tx;
				y[i][b - 1] = ty;
				e[i][b - 1] = te;
			}
	}
	ch.xmax = maxm + 1;
	f = open_plot(dir, "scaling-movers.svg", path, sizeof(path));
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	k = finish(f, svg_write_chart(f, &ch, s, nser), path, err, len);
	return k ? (int)k : 1;
}

int plot_all(const struct cmp *c, const char *dir, char *err, size_t len)
{
	char hpath[160], title[128];
	size_t i, l;
	int ret, n = 0;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, len, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	/* one CDF per histogram that every run has (rows end in the p50 key) */
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];
		static const char p50[] = "/percentile/50.000000";

		l = strlen(r->path);
		if (l <= sizeof(p50) - 1 || strcmp(r->path + l - (sizeof(p50) - 1), p50))
			continue;
		snprintf(hpath, sizeof(hpath), "%.*s", (int)(l - (sizeof(p50) - 1)), r->path);
		snprintf(title, sizeof(title), "%.*s", (int)(strlen(r->name) - 4), r->name);
		ret = plot_cdf(c, hpath, title, dir, err, len);
		if (ret < 0)
			return ret;
		n += 2;	/* cdf- and tail- */
		if (!strcmp(r->side, "jank")) {
			ret = plot_hist(c, hpath, title, dir, err, len);
			if (ret < 0)
				return ret;
			n += ret;
		}
	}
	ret = plot_scaling(c, dir, err, len);
	if (ret < 0)
		return ret;
	return n + ret;
}
