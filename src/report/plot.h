/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compare --plot DIR: SVG written directly (no gnuplot needed): latency
 * CDFs per run on one chart (log x), moves/s against movers (scaling),
 * and frame-time histograms of jank runs.
 */
#ifndef MOVESTRESS_PLOT_H
#define MOVESTRESS_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct cmp;

/* number of files written (names printed on stderr), or -errno with @err */
int plot_all(const struct cmp *c, const char *dir, char *err, size_t len);

/* building blocks, exported for the tests */
struct svg_series {
	const char *label;
	size_t n;
	const double *x, *y;
	const double *yerr;	/* NULL or +- per point */
	int points;		/* 1: draw markers (scaling), 0: a line */
};

struct svg_chart {
	const char *title, *xlabel, *ylabel;
	int logx;
	double xmin, xmax, ymin, ymax;	/* ymax <= ymin: from the data */
	int xns;			/* x is nanoseconds: tick labels 1us, 1ms... */
	int ynines;			/* y is -log10(1 - p): tick labels 90%, 99%, 99.9%... */
};

int svg_write_chart(FILE *f, const struct svg_chart *ch, const struct svg_series *s, size_t ns);

#endif
