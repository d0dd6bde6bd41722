/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of `movestress report` share (private): the loaded
 * matrix (vmreport.c loads and merges the results directories) and the
 * writers of vmreport-md.c (report.md, report.json, the plots).
 */
#ifndef MOVESTRESS_VMREPORT_INT_H
#define MOVESTRESS_VMREPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define VR_MAX_DIRS	64
#define VR_MAX_POL	16	/* columns: policies, or kernel x policy with --by-kernel */
#define VR_MAX_SCEN	256
#define VR_MAX_TRIALS	256

/* ---- the loaded matrix ---- */

struct vr_cell {
	int scen, pol, trial;
	json_int_t seed;
	char state[24];
	char text[160];
	json_t *res;		/* the cell's result JSON, NULL if none */
};

struct vr {
	json_t *head;		/* the first directory's matrix.json */
	json_t *sources;	/* array of directories */
	json_t *notes;		/* array of strings */
	size_t nscen, npol, ncells, cap;
	char scen[VR_MAX_SCEN][96];
	char args[VR_MAX_SCEN][512];
	char pol[VR_MAX_POL][160];	/* a column's label: POLICY, or "KERNEL-ID [POLICY]" */
	char polname[VR_MAX_POL][32];	/* the column's policy */
	int polkern[VR_MAX_POL];	/* the column's kernel (an index of kernels) */
	json_t *kernels;	/* the kernels' kernel.json objects (null: unknown), first seen first */
	/* each kernel's name and guest architecture: its kernel.json's id and arch; a directory
	 * without one is "unknown/ARCH", ARCH its matrix.json's (x86_64 before vm-check --arch) */
	char klabel[VR_MAX_DIRS][120];
	char karch[VR_MAX_DIRS][16];
	bool by_kernel;		/* --by-kernel: directories of different kernels, one column each */
	int base;		/* the policy changes are measured against */
	struct vr_cell *cells;
};


/* a string member of @o, "" if none */
static inline const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

/* vmreport-md.c: the conclusion paragraph (malloc'd, NULL on no memory) */
char *vr_conclusion(const struct vr *v);
/* the headline metrics' plots into @dir, their markdown links (@link/NAME.svg) into @md; -1 on error */
int vr_write_plots(const struct vr *v, const char *dir, const char *link, FILE *md, char *err, size_t len);
/* report.json's object (new reference) */
json_t *vr_report_json(const struct vr *v, const char *concl);
void vr_write_md(const struct vr *v, const char *concl, const char *plots, FILE *f);

#endif
