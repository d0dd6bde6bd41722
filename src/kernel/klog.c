// SPDX-License-Identifier: GPL-2.0-only
/*
 * klog.c - kernel log report classifier (the /dev/kmsg marker and scanner
 * are klog-kmsg.c's).
 *
 * The report table follows syzkaller's pkg/report/linux.go: a literal key
 * picks candidate lines, a header ERE confirms them, and a title template
 * names the report.  Where the title needs a function that is not on the
 * header line ("possible deadlock in X", "INFO: task hung in X"), a detail
 * ERE is searched in the following lines of the same incident, optionally
 * only after a trigger line ("is trying to acquire lock", "Call Trace:"),
 * and stack frames of generic helpers (schedule, down_write, dump_stack,
 * kasan_*, ...) are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/klog.h"
#include "kernel/klog-int.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define KLOG_INCIDENT_MAX	2000	/* lines: no report is longer */
#define KLOG_MAIN_MAX_REPORTS	1024

/* a function in a stack frame or header: name, then .isra.0 etc., then +off/size */
#define FN	"([A-Za-z_][A-Za-z0-9_]*)[A-Za-z0-9_.]*\\+0x[0-9a-f]+/0x[0-9a-f]+"
/* lockdep "..., at: [<addr>] func+0x../0x.." (submatch 2) */
#define AT_FN	"at: (\\[<[0-9a-f]+>\\] )?" FN
/* the faulting function: x86's "RIP: 0010:fn+..", arm64's "pc : fn+.." */
#define RIP_FN	"^(RIP: [0-9a-f]{4}:|pc : )" FN
#define RIP_SUB	2
/* x86 prints "Call Trace:", arm64 "Call trace:" */
#define TRACE	"^Call [Tt]race:"

/* the header is followed by lines of the same incident: swallow it there */
#define KF_FOLLOW	(1U << 0)
/* a consequence of an earlier report in the same log (panic after Oops) */
#define KF_AFTERMATH	(1U << 1)
/* the report is the header line alone */
#define KF_ONELINE	(1U << 2)

struct klog_fmt {
	enum klog_kind kind;
	const char *key;	/* literal that must occur in the line */
	const char *header;	/* ERE on the stripped line */
	/* title template: $1..$9 header submatches, $m the detail */
	const char *title;
	const char *title_nodetail;	/* when the detail is not found */
	const char *trigger;	/* detail search starts after this line */
	const char *detail;	/* ERE on later lines of the incident */
	int detail_sub;		/* submatch of detail giving $m */
	bool frames;		/* detail is the first interesting stack frame */
	unsigned int flags;
};

/* first match wins: specific formats before catch-alls */
static const struct klog_fmt klog_fmts[] = {
	/* KASAN and KFENCE */
	{
		.kind = KLOG_KASAN, .key = "BUG: KASAN: ",
		.header = "^BUG: KASAN: (double-free or invalid-free|double-free|invalid-free) in ",
		.title = "KASAN: $1 in $m", .title_nodetail = "KASAN: $1",
		.trigger = TRACE, .frames = true,
	}, {
		.kind = KLOG_KASAN, .key = "BUG: KASAN: ",
		.header = "^BUG: KASAN: ([a-z0-9-]+) in " FN,
		.title = "KASAN: $1 $m in $2", .title_nodetail = "KASAN: $1 in $2",
		.detail = "^(Read|Write) of size [0-9]+", .detail_sub = 1,
	}, {
		.kind = KLOG_KASAN, .key = "BUG: KASAN: ",
		.header = "^BUG: KASAN: ([a-z0-9-]+)",
		.title = "KASAN: $1",
	}, {
		.kind = KLOG_KASAN, .key = "BUG: KFENCE: ",
		.header = "^BUG: KFENCE: ([a-z0-9 -]+) in " FN,
		.title = "KFENCE: $1 in $2",
	},
	/* lockdep */
	{
		.kind = KLOG_LOCKDEP, .key = "WARNING: possible ",
		.header = "^WARNING: possible (circular locking dependency|recursive locking) detected",
		.title = "possible deadlock in $m",
		.title_nodetail = "possible deadlock",
		.trigger = "is trying to acquire lock", .detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "WARNING: possible irq lock inversion",
		.header = "^WARNING: possible irq lock inversion dependency detected",
		.title = "possible deadlock in $m",
		.title_nodetail = "possible deadlock",
		.trigger = "just changed the state of lock", .detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "-unsafe lock order detected",
		.header = "^WARNING: (SOFT|HARD)IRQ-safe -> (SOFT|HARD)IRQ-unsafe lock order detected",
		.title = "possible deadlock in $m",
		.title_nodetail = "possible deadlock",
		.trigger = "is trying to acquire", .detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "WARNING: inconsistent lock state",
		.header = "^WARNING: inconsistent lock state",
		.title = "inconsistent lock state in $m",
		.title_nodetail = "inconsistent lock state",
		.trigger = " takes:", .detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "suspicious RCU usage",
		.header = "^(WARNING|INFO): suspicious RCU usage",
		.title = "WARNING: suspicious RCU usage in $m",
		.title_nodetail = "WARNING: suspicious RCU usage",
		.trigger = TRACE, .frames = true,
	}, {
		.kind = KLOG_LOCKDEP, .key = "bad unlock balance detected!",
		.header = "^(WARNING|BUG): bad unlock balance detected!",
		.title = "WARNING: bad unlock balance in $m",
		.title_nodetail = "WARNING: bad unlock balance",
		.trigger = "is trying to release lock",
		.detail = "^(\\[<[0-9a-f]+>\\] )?" FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "held lock freed!",
		.header = "^(WARNING|BUG): held lock freed!",
		.title = "WARNING: held lock freed in $m",
		.title_nodetail = "WARNING: held lock freed",
		.detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "lock held when returning to user space",
		.header = "^(WARNING|BUG): lock held when returning to user space",
		.title = "WARNING: lock held when returning to user space in $m",
		.title_nodetail = "WARNING: lock held when returning to user space",
		.trigger = "leaving the kernel with locks still held",
		.detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "still has locks held!",
		.header = "^(WARNING|BUG): .*still has locks held!",
		.title = "BUG: still has locks held in $m",
		.title_nodetail = "BUG: still has locks held",
		.detail = AT_FN, .detail_sub = 2,
	}, {
		.kind = KLOG_LOCKDEP, .key = "INFO: trying to register non-static key",
		.header = "^INFO: trying to register non-static key",
		.title = "INFO: trying to register non-static key in $m",
		.title_nodetail = "INFO: trying to register non-static key",
		.trigger = TRACE, .frames = true,
	},
	/* lockups and stalls */
	{
		.kind = KLOG_SOFT_LOCKUP, .key = "BUG: soft lockup",
		.header = "^(watchdog: )?BUG: soft lockup",
		.title = "BUG: soft lockup in $m", .title_nodetail = "BUG: soft lockup",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_SOFT_LOCKUP, .key = "Watchdog detected hard LOCKUP",
		.header = "^(watchdog: )?(CPU[0-9]+: )?Watchdog detected hard LOCKUP",
		.title = "BUG: hard lockup in $m", .title_nodetail = "BUG: hard lockup",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_RCU_STALL, .key = "INFO: rcu",
		.header = "^(rcu: )?INFO: rcu_(preempt|sched|bh|tasks[a-z_]*) "
			  "(self-)?detected( expedited)? stall",
		.title = "INFO: rcu detected stall in $m",
		.title_nodetail = "INFO: rcu detected stall",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_HUNG_TASK, .key = "INFO: task ",
		.header = "^INFO: task .*:[0-9]+ blocked for more than [0-9]+ seconds",
		.title = "INFO: task hung in $m", .title_nodetail = "INFO: task hung",
		.trigger = TRACE, .frames = true,
	},
	/* WARN() */
	{
		.kind = KLOG_WARNING, .key = "WARNING: ",
		.header = "^WARNING: .*at lib/refcount\\.c:[0-9]+ ",
		.title = "WARNING: refcount bug in $m",
		.title_nodetail = "WARNING: refcount bug",
		.trigger = TRACE, .frames = true,
	}, {
		/*
		 * before 6.18: "CPU: 1 PID: 2 at file:line fn+off/size",
		 * since 6.18:  "file:line at fn+off/size, CPU#1: comm/2"
		 */
		.kind = KLOG_WARNING, .key = "WARNING: ",
		.header = "^WARNING: (CPU: [0-9]+ PID: [0-9]+ at ([^ ]+ )?|([^ ]+:[0-9]+ )?at )" FN,
		.title = "WARNING in $4",
	},
	/* BUG: and kernel BUG at */
	{
		.kind = KLOG_BUG, .key = "BUG: ",
		.header = "^BUG: (unable to handle page fault for address|"
			  "unable to handle kernel paging request)",
		.title = "BUG: unable to handle kernel paging request in $m",
		.title_nodetail = "BUG: unable to handle kernel paging request",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_BUG, .key = "BUG: ",
		.header = "^BUG: (unable to handle kernel NULL pointer dereference|"
			  "kernel NULL pointer dereference)",
		.title = "BUG: unable to handle kernel NULL pointer dereference in $m",
		.title_nodetail = "BUG: unable to handle kernel NULL pointer dereference",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		/*
		 * arm64 (arch/arm64/mm/fault.c die_kernel_fault()): the same
		 * faults as x86's two rows above, titled the same, so a
		 * signature matches on either architecture
		 */
		.kind = KLOG_BUG, .key = "Unable to handle kernel ",
		.header = "^Unable to handle kernel (paging request|NULL pointer dereference|"
			  "execute from non-executable memory|write to read-only memory|"
			  "access to user memory outside uaccess routines) at virtual address",
		.title = "BUG: unable to handle kernel $1 in $m",
		.title_nodetail = "BUG: unable to handle kernel $1",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_BUG, .key = "BUG: Bad ",
		.header = "^BUG: Bad (page state|page map)",
		.title = "BUG: Bad $1",
	}, {
		.kind = KLOG_BUG, .key = "BUG: Bad rss-counter state",
		.header = "^BUG: Bad rss-counter state",
		.title = "BUG: Bad rss-counter state", .flags = KF_ONELINE,
	}, {
		.kind = KLOG_BUG, .key = "BUG: non-zero ",
		.header = "^BUG: non-zero ([a-z_]+) on freeing mm",
		.title = "BUG: non-zero $1 on freeing mm", .flags = KF_ONELINE,
	}, {
		.kind = KLOG_BUG, .key = "BUG: ",
		.header = "^BUG: (sleeping function called from invalid context|scheduling while atomic)",
		.title = "BUG: $1 in $m", .title_nodetail = "BUG: $1",
		.trigger = TRACE, .frames = true,
	}, {
		.kind = KLOG_BUG, .key = "BUG: using ",
		.header = "^BUG: using ([a-z_]+)\\(\\) in preemptible",
		.title = "BUG: using $1() in preemptible code in $m",
		.title_nodetail = "BUG: using $1() in preemptible code",
		.trigger = TRACE, .frames = true,
	}, {
		.kind = KLOG_BUG, .key = "BUG: spinlock ",
		.header = "^BUG: spinlock (lockup suspected|already unlocked|recursion|"
			  "bad magic|wrong owner|wrong CPU)",
		.title = "BUG: spinlock $1 in $m", .title_nodetail = "BUG: spinlock $1",
		.trigger = TRACE, .frames = true,
	}, {
		.kind = KLOG_BUG, .key = "BUG: workqueue lockup",
		.header = "^BUG: workqueue lockup",
		.title = "BUG: workqueue lockup", .flags = KF_ONELINE,
	}, {
		.kind = KLOG_BUG, .key = "kernel BUG at ",
		.header = "^kernel BUG at ([^ ]+)",
		.title = "kernel BUG at $1",
	}, {
		.kind = KLOG_BUG, .key = "UBSAN: ",
		.header = "^UBSAN: ([a-z0-9-]+) in ([^ ]+)",
		.title = "UBSAN: $1 in $m", .title_nodetail = "UBSAN: $1 in $2",
		.trigger = TRACE, .frames = true,
	},
	/* Oops: general protection fault, invalid opcode, ... */
	{
		.kind = KLOG_OOPS, .key = "general protection fault",
		.header = "^(Oops: )?general protection fault",
		.title = "general protection fault in $m",
		.title_nodetail = "general protection fault",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_OOPS, .key = "invalid opcode: ",
		.header = "^(Oops: )?(invalid opcode): ",
		.title = "$2 in $m", .title_nodetail = "$2",
		.detail = RIP_FN, .detail_sub = RIP_SUB, .flags = KF_FOLLOW,
	}, {
		.kind = KLOG_OOPS, .key = "divide error: ",
		.header = "^(Oops: )?(divide error): ",
		.title = "$2 in $m", .title_nodetail = "$2",
		.detail = RIP_FN, .detail_sub = RIP_SUB, .flags = KF_FOLLOW,
	}, {
		.kind = KLOG_OOPS, .key = "stack segment: ",
		.header = "^(Oops: )?(stack segment): ",
		.title = "$2 fault in $m", .title_nodetail = "$2 fault",
		.detail = RIP_FN, .detail_sub = RIP_SUB, .flags = KF_FOLLOW,
	}, {
		/*
		 * arm64's die() (arch/arm64/kernel/traps.c), after "Unable to
		 * handle kernel ..." or "kernel BUG at", or alone (an undefined
		 * instruction, an SError)
		 */
		.kind = KLOG_OOPS, .key = "Internal error: ",
		.header = "^Internal error: ([^:]+): [0-9a-f]+ \\[#[0-9]+\\]",
		.title = "$1 in $m", .title_nodetail = "$1",
		.detail = RIP_FN, .detail_sub = RIP_SUB, .flags = KF_FOLLOW,
	}, {
		.kind = KLOG_OOPS, .key = "Oops: ",
		.header = "^Oops: ",
		.title = "Oops in $m", .title_nodetail = "Oops",
		.detail = RIP_FN, .detail_sub = RIP_SUB, .flags = KF_FOLLOW,
	},
	/* panics */
	{
		.kind = KLOG_PANIC, .key = "PANIC: double fault",
		.header = "^PANIC: double fault",
		.title = "PANIC: double fault in $m",
		.title_nodetail = "PANIC: double fault",
		.detail = RIP_FN, .detail_sub = RIP_SUB,
	}, {
		.kind = KLOG_PANIC, .key = "Kernel panic - not syncing: ",
		/* what panic_on_{warn,oops}, hung_task_panic, ... turn a report into */
		/* arm64's die() says "Oops: Fatal exception", "Oops - BUG: ..." */
		.header = "^Kernel panic - not syncing: ((Oops( - [A-Za-z ]+)?: )?Fatal exception( in interrupt)?|"
			  ".*panic_on_warn set|.*panic_on_oops|hung_task: blocked tasks|"
			  "softlockup: hung tasks|RCU Stall|Hard LOCKUP)",
		.title = "kernel panic: $1", .flags = KF_FOLLOW | KF_AFTERMATH,
	}, {
		.kind = KLOG_PANIC, .key = "Kernel panic - not syncing: ",
		.header = "^Kernel panic - not syncing: (.*)",
		.title = "kernel panic: $1", .flags = KF_FOLLOW,
	},
	/* catch-alls, after everything more specific */
	{
		.kind = KLOG_WARNING, .key = "WARNING: ",
		.header = "^WARNING: (.+)",
		.title = "WARNING: $1",
	}, {
		.kind = KLOG_BUG, .key = "BUG: ",
		.header = "^BUG: (.+)",
		.title = "BUG: $1",
	},
};

/* lines that look like headers but are not kernel reports */
static const char *const klog_ignores[] = {
	"^" KLOG_MARK_PREFIX,			/* our own markers */
	"^WARNING: The mand mount option",
	"^WARNING: /etc/ssh/moduli does not exist",
	"^WARNING: workqueue cpumask: online intersect > possible intersect",
	"^BUG: no syscalls can create resource",
};

/* lines that end an incident (and are part of it) */
static const char *const klog_ends[] = {
	"^ *</TASK>",
	"^---\\[ end trace",
	"^---\\[ end Kernel panic",
	"^={20,} *$",
};

static const char klog_frame_re[] =
	"^ *(\\[<[0-9a-f]+>\\] )?(\\? )?" FN;
#define KLOG_FRAME_QUESTIONABLE	2
#define KLOG_FRAME_NAME		3

/* stack frames that never name the culprit */
static const char klog_skip_re[] =
	"^_*(dump_stack|show_stack|might_|warn|report_bug|handle_bug|exc_|asm_|"
	"panic|schedule|context_switch|switch_to|down_|up_|rwsem_|mutex_|"
	"rt_mutex|lock_|raw_|do_raw_|lockdep|wait_|kasan|kfree|kmem_cache_free|"
	"slab_|rcu|sysvec_|irq|entry_|do_syscall|x64_sys_call|ret_from_fork|"
	"el[01]|do_el0_svc|invoke_syscall|"
	"io_schedule|bit_wait|folio_wait|check_|print_|debug_|refcount_|ubsan)|"
	"_slowpath|completion|_lock$|_lock_nested$";

static const char *const klog_kind_names[KLOG_NR_KINDS] = {
	[KLOG_KASAN] = "kasan",
	[KLOG_LOCKDEP] = "lockdep",
	[KLOG_BUG] = "bug",
	[KLOG_WARNING] = "warning",
	[KLOG_HUNG_TASK] = "hung_task",
	[KLOG_SOFT_LOCKUP] = "soft_lockup",
	[KLOG_RCU_STALL] = "rcu_stall",
	[KLOG_OOPS] = "oops",
	[KLOG_PANIC] = "panic",
};

/* the compiled table: written once under pthread_once, then read-only */
static struct {
	regex_t header[ARRAY_SIZE(klog_fmts)];
	regex_t trigger[ARRAY_SIZE(klog_fmts)];
	regex_t detail[ARRAY_SIZE(klog_fmts)];
	regex_t ignore[ARRAY_SIZE(klog_ignores)];
	regex_t end[ARRAY_SIZE(klog_ends)];
	regex_t frame, skip;
	int err;
} klog_re;
static pthread_once_t klog_re_once = PTHREAD_ONCE_INIT;

static void klog_compile_one(regex_t *re, const char *pattern, int cflags)
{
	int ret;

	if (klog_re.err)
		return;
	ret = regcomp(re, pattern, REG_EXTENDED | cflags);
	if (ret) {
		char msg[128];

		regerror(ret, re, msg, sizeof(msg));
		fprintf(stderr, "movestress: klog: bad regex '%s': %s\n",
			pattern, msg);
		klog_re.err = -EINVAL;
	}
}

static void klog_compile(void)
{
	const struct klog_fmt *f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(klog_fmts); i++) {
		f = &klog_fmts[i];
		klog_compile_one(&klog_re.header[i], f->header, 0);
		if (f->trigger)
			klog_compile_one(&klog_re.trigger[i], f->trigger,
					 REG_NOSUB);
		if (f->detail)
			klog_compile_one(&klog_re.detail[i], f->detail, 0);
	}
	for (i = 0; i < ARRAY_SIZE(klog_ignores); i++)
		klog_compile_one(&klog_re.ignore[i], klog_ignores[i], REG_NOSUB);
	for (i = 0; i < ARRAY_SIZE(klog_ends); i++)
		klog_compile_one(&klog_re.end[i], klog_ends[i], REG_NOSUB);
	klog_compile_one(&klog_re.frame, klog_frame_re, 0);
	klog_compile_one(&klog_re.skip, klog_skip_re, REG_NOSUB);
}

int klog_init(void)
{
	pthread_once(&klog_re_once, klog_compile);
	return klog_re.err;
}

const char *klog_kind_name(enum klog_kind k)
{
	if ((unsigned int)k >= KLOG_NR_KINDS)
		return "unknown";
	return klog_kind_names[k];
}

const char *klog_strip_prefix(const char *line, size_t *len)
{
	const char *p = line, *end, *q;

	end = len ? line + *len : line + strlen(line);

	/* "<4>" console level */
	if (p < end && *p == '<') {
		for (q = p + 1; q < end && *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 1 && q < end && *q == '>')
			p = q + 1;
	}
	/* "[   12.345678]" timestamp, then an optional "[ T123]" caller id */
	if (p < end && *p == '[') {
		for (q = p + 1; q < end && *q == ' '; q++)
			;
		if (q < end && *q >= '0' && *q <= '9') {
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q < end && *q == '.') {
				while (++q < end && *q >= '0' && *q <= '9')
					;
				if (q < end && *q == ']')
					p = q + 1;
			}
		}
		if (p > line && *(p - 1) == ']' && p < end && *p == '[') {
			for (q = p + 1; q < end && *q == ' '; q++)
				;
			if (q < end && (*q == 'T' || *q == 'C')) {
				while (++q < end && *q >= '0' && *q <= '9')
					;
				if (q < end && *q == ']')
					p = q + 1;
			}
		}
		if (p > line && *(p - 1) == ']' && p < end && *p == ' ')
			p++;
	}
	while (end > p && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (len)
		*len = end - p;
	return p;
}

static bool klog_ignored(const char *line)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(klog_ignores); i++)
		if (!regexec(&klog_re.ignore[i], line, 0, NULL, 0))
			return true;
	return false;
}

/* index of the format whose header matches line, or -1 */
static int klog_match_header(const char *line, regmatch_t *m, size_t nm)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(klog_fmts); i++) {
		if (!strstr(line, klog_fmts[i].key))
			continue;
		if (regexec(&klog_re.header[i], line, nm, m, 0))
			continue;
		if (klog_ignored(line))
			return -1;
		return i;
	}
	return -1;
}

static bool klog_is_end(const char *line)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(klog_ends); i++)
		if (!regexec(&klog_re.end[i], line, 0, NULL, 0))
			return true;
	return false;
}

/* first line after the incident that starts at line i */
static size_t klog_incident_end(int fi, char *const *lines, size_t n,
				size_t i)
{
	regmatch_t m[10];
	size_t k;
	int f;

	if (klog_fmts[fi].flags & KF_ONELINE)
		return i + 1;
	for (k = i + 1; k < n && k - i < KLOG_INCIDENT_MAX; k++) {
		f = klog_match_header(lines[k], m, 10);
		if (f >= 0 && !(klog_fmts[f].flags & KF_FOLLOW))
			return k;	/* an independent report starts */
		if (klog_is_end(lines[k]))
			return k + 1;
	}
	return k;
}

static bool klog_frame_skipped(const char *line, const regmatch_t *m)
{
	char name[128];
	size_t len;

	if (m[KLOG_FRAME_QUESTIONABLE].rm_so >= 0)
		return true;
	len = m[KLOG_FRAME_NAME].rm_eo - m[KLOG_FRAME_NAME].rm_so;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, line + m[KLOG_FRAME_NAME].rm_so, len);
	name[len] = '\0';
	return !regexec(&klog_re.skip, name, 0, NULL, 0);
}

/* find $m for format f in lines (i, end); copy it to buf */
static bool klog_find_detail(int f, char *const *lines, size_t i, size_t end,
			     char *buf, size_t buflen)
{
	const struct klog_fmt *fmt = &klog_fmts[f];
	const regex_t *re = fmt->frames ? &klog_re.frame : &klog_re.detail[f];
	int sub = fmt->frames ? KLOG_FRAME_NAME : fmt->detail_sub;
	regmatch_t m[10];
	size_t k = i + 1, len;

	if (!fmt->frames && !fmt->detail)
		return false;
	if (fmt->trigger) {
		while (k < end && regexec(&klog_re.trigger[f], lines[k], 0,
					  NULL, 0))
			k++;
		k++;
	}
	for (; k < end; k++) {
		if (regexec(re, lines[k], 10, m, 0) || m[sub].rm_so < 0)
			continue;
		if (fmt->frames && klog_frame_skipped(lines[k], m))
			continue;
		len = m[sub].rm_eo - m[sub].rm_so;
		if (len >= buflen)
			len = buflen - 1;
		memcpy(buf, lines[k] + m[sub].rm_so, len);
		buf[len] = '\0';
		return true;
	}
	return false;
}

static void klog_expand(char *dst, size_t size, const char *tmpl,
			const char *line, const regmatch_t *m,
			const char *detail)
{
	size_t pos = 0, len;
	const char *src;

	for (; *tmpl && pos + 1 < size; tmpl++) {
		src = NULL;
		len = 0;
		if (tmpl[0] == '$' && tmpl[1] >= '1' && tmpl[1] <= '9') {
			const regmatch_t *s = &m[tmpl[1] - '0'];

			if (s->rm_so >= 0) {
				src = line + s->rm_so;
				len = s->rm_eo - s->rm_so;
			}
			tmpl++;
		} else if (tmpl[0] == '$' && tmpl[1] == 'm') {
			src = detail;
			len = strlen(detail);
			tmpl++;
		} else {
			dst[pos++] = *tmpl;
			continue;
		}
		if (len > size - 1 - pos)
			len = size - 1 - pos;
		memcpy(dst + pos, src, len);
		pos += len;
	}
	/* drop trailing blanks of a truncated or empty substitution */
	while (pos > 0 && dst[pos - 1] == ' ')
		pos--;
	dst[pos] = '\0';
}

static void klog_title(int f, char *const *lines, size_t i, size_t end,
		       struct klog_report *r)
{
	const struct klog_fmt *fmt = &klog_fmts[f];
	const char *tmpl = fmt->title;
	char detail[KLOG_TITLE_MAX];
	regmatch_t m[10];

	detail[0] = '\0';
	regexec(&klog_re.header[f], lines[i], 10, m, 0);
	if (strstr(tmpl, "$m") &&
	    !klog_find_detail(f, lines, i, end, detail, sizeof(detail)))
		tmpl = fmt->title_nodetail;
	r->kind = fmt->kind;
	klog_expand(r->title, sizeof(r->title), tmpl, lines[i], m, detail);
}

/* split a private copy of text into stripped, NUL-terminated lines */
static int klog_split(const char *text, size_t len, char **copy,
		      char ***lines, size_t *nlines)
{
	size_t n = 0, cap = 0, l;
	char *buf, *p, *end, *nl, **v = NULL, **nv;

	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, text, len);
	buf[len] = '\0';

	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		*nl = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				free(buf);
				return -ENOMEM;
			}
			v = nv;
		}
		l = nl - p;
		v[n] = (char *)klog_strip_prefix(p, &l);
		v[n][l] = '\0';
		n++;
	}
	*copy = buf;
	*lines = v;
	*nlines = n;
	return 0;
}

int klog_classify(const char *text, size_t len, struct klog_report *out,
		  int max)
{
	char *copy, **lines;
	size_t n, i, end;
	int ret, f, found = 0, stored = 0;
	regmatch_t m[10];

	ret = klog_init();
	if (ret)
		return ret;
	if (!text || !len)
		return 0;
	ret = klog_split(text, len, &copy, &lines, &n);
	if (ret)
		return ret;

	for (i = 0; i < n; i = end) {
		f = klog_match_header(lines[i], m, 10);
		if (f < 0 || ((klog_fmts[f].flags & KF_AFTERMATH) && found)) {
			end = i + 1;
			continue;
		}
		end = klog_incident_end(f, lines, n, i);
		found++;
		if (stored < max)
			klog_title(f, lines, i, end, &out[stored++]);
	}
	free(lines);
	free(copy);
	return stored;
}

int klog_buf_append(struct klog_buf *b, const char *s, size_t len)
{
	char *np;
	size_t cap;

	if (b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 65536;
		while (cap < b->len + len + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

json_t *klog_reports_to_json(const struct klog_report *r, int n)
{
	json_t *arr = json_array(), *obj;
	int i;

	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		obj = json_pack("{s:s, s:s}", "kind", klog_kind_name(r[i].kind),
				"title", r[i].title);
		if (!obj || json_array_append_new(arr, obj)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static int klog_read_all(FILE *fp, struct klog_buf *b)
{
	char chunk[65536];
	size_t n;
	int ret;

	errno = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		ret = klog_buf_append(b, chunk, n);
		if (ret)
			return ret;
	}
	if (ferror(fp))
		return errno ? -errno : -EIO;
	return 0;
}

int klog_classify_file(const char *path, struct klog_report *out, int max)
{
	struct klog_buf text = { 0 };
	FILE *fp = fopen(path, "re");
	int ret;

	if (!fp)
		return -errno;
	ret = klog_read_all(fp, &text);
	fclose(fp);
	if (!ret)
		ret = klog_classify(text.p ?: "", text.len, out, max);
	free(text.p);
	return ret;
}

int klog_classify_main(const char *path, bool json)
{
	struct klog_buf text = { 0 };
	struct klog_report *reports;
	bool is_stdin = !strcmp(path, "-");
	json_t *arr;
	FILE *fp;
	int n, i, ret;

	fp = is_stdin ? stdin : fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "movestress: classify: %s: %s\n", path,
			strerror(errno));
		return 2;
	}
	ret = klog_read_all(fp, &text);
	if (!is_stdin)
		fclose(fp);
	if (ret) {
		fprintf(stderr, "movestress: classify: %s: %s\n", path,
			strerror(-ret));
		free(text.p);
		return 2;
	}

	reports = calloc(KLOG_MAIN_MAX_REPORTS, sizeof(*reports));
	if (!reports) {
		free(text.p);
		fprintf(stderr, "movestress: classify: %s\n", strerror(ENOMEM));
		return 2;
	}
	n = klog_classify(text.p, text.len, reports, KLOG_MAIN_MAX_REPORTS);
	free(text.p);
	if (n < 0) {
		fprintf(stderr, "movestress: classify: %s: %s\n", path,
			strerror(-n));
		free(reports);
		return 2;
	}

	if (json) {
		arr = klog_reports_to_json(reports, n);
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2))) {
			json_decref(arr);
			free(reports);
			fprintf(stderr, "movestress: classify: cannot write JSON\n");
			return 2;
		}
		putchar('\n');
		json_decref(arr);
	} else {
		for (i = 0; i < n; i++)
			printf("%s\t%s\n", klog_kind_name(reports[i].kind),
			       reports[i].title);
	}
	fflush(stdout);
	free(reports);
	return n ? 3 : 0;
}
