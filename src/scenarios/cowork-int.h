/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the co-workloads (cowork.c: the table, setup and the side hooks;
 * cowork-common.c: the start gate and what the threads share;
 * cowork-workloads.c: each workload's threads; cowork-report.c: each
 * workload's result and summary).  The state of
 * one run's co-workloads, struct cowork, is r->cowork.
 */
#ifndef MOVESTRESS_COWORK_INT_H
#define MOVESTRESS_COWORK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <jansson.h>

#include "core/hist.h"
#include "core/run.h"
#include "scenarios/maps-check.h"

/* PROCMAP_QUERY (6.11 uapi/linux/fs.h); Debian 12's headers predate it */
struct cw_procmap_query {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};
#define CW_PROCMAP_QUERY	_IOWR('f', 17, struct cw_procmap_query)
#define CW_PMQ_READABLE		0x01
#define CW_PMQ_WRITABLE		0x02
#define CW_PMQ_EXECUTABLE	0x04
#define CW_PMQ_SHARED		0x08
#define CW_PMQ_COVERING_OR_NEXT	0x10

#define CW_MAX_BATCH	8
#define CW_MAX_FAIL	4
#define DN_SLICE	64	/* slots per dontneed thread */
#define DN_CHUNK	16	/* slots per dontneed step */
#define DN_OWN		64	/* pages of its own VMA it dirties and drops */
#define PM_RANGES	256	/* 4 KiB ranges per process_madvise round */
#define PM_CELL		1024	/* pages of its own VMA (MADV_DONTNEED arm) */
#define CH_CELLS	6	/* cells per churn thread: 4 in use, 2 spare */
#define CH_SPARE	2
#define CH_NOHOLE	2	/* of the cells in use: split/replace only, never a hole */
#define CH_PAGES	16
#define QUIET_CELLS	2	/* untouched cells: more guards for the maps readers */
#define QUIET_PAGES	4

/* rows of cowork_table[] */
enum { CW_DONTNEED, CW_PMADV, CW_MAPS, CW_CHURN, CW_NR };

struct cowork;
struct cw_thread;

struct cowork_desc {
	const char *name;
	const char *kind;		/* thread name prefix */
	const char *help;
	int (*supported)(const struct run *r, char *why, size_t len);
	void *(*fn)(void *thread);
	void (*report)(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
	bool gated;			/* touches the ledger: parks at checkpoints */
};

/* process_madvise: one advice, measured in several arms */
enum { PM_COLD, PM_PAGEOUT, PM_DONTNEED, PM_NR_ADV };
#define PM_ARM_MADVISE	0	/* plain madvise() per range */
#define PM_ARM_SINGLE	1	/* process_madvise, vlen 1 */
#define PM_ARM_BATCH	2	/* + index into batch[] */
#define PM_NR_ARMS	(PM_ARM_BATCH + CW_MAX_BATCH)

struct pm_arm {
	uint64_t calls, ranges, bytes, ns, errors;
	struct hist lat;		/* per call */
};

/* churn ops */
enum { CH_SPLIT, CH_MOVE, CH_REPLACE, CH_HOLE, CH_RESIZE, CH_NR_OPS };
/* the churn ops' names (cowork-workloads.c) */
extern const char *const ch_op_names[CH_NR_OPS];

enum cell_state { CELL_ACTIVE, CELL_SPARE, CELL_DEAD };

struct cell {
	char *addr;
	size_t pages;
	enum cell_state state;
	bool stable;		/* its VMA never changes: the maps readers expect it exactly */
	bool nohole;		/* churned by mprotect/MAP_FIXED only: never a hole in it */
};

struct cw_thread {
	struct cowork *cw;
	const struct cowork_desc *d;
	unsigned idx;
	pthread_t th;
	bool started;
	char name[16];
	uint64_t rng;
	/* results: written only by this thread, read after the join */
	uint64_t ops, bytes, failures;
	struct hist lat;		/* the main op */
	struct hist lat2;		/* dontneed: own VMA; maps: PROCMAP_QUERY walks */
	unsigned nfail;
	char fail[CW_MAX_FAIL][320];
	/* dontneed */
	size_t lo, hi;			/* owned slots */
	struct cell *own;		/* its neighbour VMA */
	struct thread_stats *mst;	/* its own MOVEs */
	uint64_t moved, dropped, refilled, own_ops, own_bytes;
	/* process_madvise */
	struct pm_arm (*arms)[PM_NR_ARMS];
	bool adv_ok[PM_NR_ADV];
	char adv_why[PM_NR_ADV][96];
	uint64_t rounds;
	/* maps */
	uint64_t snaps[2], lines, torn[2], violations, vcount[MV_NR_KINDS];
	unsigned nviol;
	struct maps_violation viol[4];
	unsigned viol_src[4];
	char torn_example[2][MAPS_LINE_MAX];
	/* churn */
	struct cell *cells;
	unsigned ncells;
	uint64_t ch_ops[CH_NR_OPS], ch_err[CH_NR_OPS], lost_cells;
	struct hist *ch_lat;		/* [CH_NR_OPS] */
};

struct cowork {
	struct run *r;
	unsigned nthreads, ngated;
	struct cw_thread *t;
	char skipped[CW_NR][160];	/* per table row: why not run */
	bool on[CW_NR];
	unsigned batch[CW_MAX_BATCH], nbatch;
	/* the neighbourhood */
	char *area;
	size_t area_len;
	bool area_built;		/* tiled: teardown unmaps piece by piece */
	char **guards;
	const char *placed;
	int memfd;
	struct cell *cells;
	unsigned ncells;
	struct maps_range *stable;
	size_t nstable;
	char (*stable_what)[24];
	struct maps_range *covered;	/* the nohole cells */
	size_t ncovered;
	char (*covered_what)[24];
	bool query_ok;
	char query_why[96];
	/* the start gate: the movers run alone for the warm-up first */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go;
	uint64_t warmup_ns, t_go, t_stop;
	struct hist *base_lat;		/* movers' MOVE latency before the co-workloads */
	uint64_t base_ops, base_pages;
	json_t *vm0, *vm1;
	char pfn_note[160];
	uint64_t failures;
};

#define NDESC CW_NR

/* cowork-common.c: what the threads share */
bool cw_stopped(const struct cw_thread *t);
void record_fail(struct cw_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void touch_pages(char *p, size_t pages, uint8_t v);
void hist_from_buckets(struct hist *h);
bool wait_go(struct cw_thread *t);
void gated_exit(struct cw_thread *t);
bool movers_gone(struct cw_thread *t);
bool listed(const char *list, const char *name);
void *map_anon(void *addr, size_t len, int prot, int extra);

/* cowork-workloads.c: the rows of cowork_table[] (cowork.c) */
struct pm_adv_desc {
	int advice;
	bool own;			/* on its own VMA (else on the regions' pages) */
};
/* the process_madvise advice; pm_adv_names[] holds their names (--pmadv-advice) */
extern const struct pm_adv_desc pm_adv[PM_NR_ADV];
extern const char *const pm_adv_names[PM_NR_ADV + 1];
int dontneed_supported(const struct run *r, char *why, size_t len);
void *dontneed_main(void *arg);
int pmadv_supported(const struct run *r, char *why, size_t len);
void *pmadv_main(void *arg);
int maps_supported(const struct run *r, char *why, size_t len);
void *maps_main(void *arg);
int churn_supported(const struct run *r, char *why, size_t len);
void *churn_main(void *arg);

/* cowork-report.c */
double per_s(uint64_t n, uint64_t ns);
json_t *threads_json(struct cowork *cw, const struct cowork_desc *d, uint64_t win);
void print_fails(struct cowork *cw, const struct cowork_desc *d, FILE *f);
uint64_t window(const struct cowork *cw);
void dontneed_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
void pmadv_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
void maps_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
void churn_report(struct cowork *cw, const struct cowork_desc *d, json_t *obj, FILE *f);
json_t *move_window(const struct cowork *cw, const struct hist *h, uint64_t ops, uint64_t pages, uint64_t ns);

#endif
