// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workers: named threads running the mode's loops, handlers, extra
 * threads and idle spinners; started handlers first, joined movers first.
 */
#include "config.h"
#include "engine/engine-int.h"
#include "engine/modes.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STACK_SIZE (1UL << 20)

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;

	set_thread_name(w->kind, w->idx, w->st.name);
	__atomic_store_n(&w->st.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	/* the histograms start zeroed (calloc): a zeroed struct hist is empty */
	if (w->parks && !w->idx && r->hang_page >= 0) {
		/*
		 * --inject=hang:PAGE, the watchdog's own test: read the
		 * destination slot of a page still in the source.  Nothing
		 * resolves the fault, so this thread blocks in the kernel.
		 */
		volatile const char *p = region_addr(&r->reg[REGION_DST], (size_t)r->hang_page);

		(void)*p;
	}
	w->fn(w);
	pthread_mutex_lock(&r->gate_lock);
	if (w->parks)
		r->running--;
	pthread_cond_broadcast(&r->gate_cond);
	pthread_mutex_unlock(&r->gate_lock);
	return NULL;
}

void *idle_spinner(void *arg)
{
	struct worker *w = arg;

	while (!run_stopped(w->run)) {
		cpu_relax();
		if (!(++w->st.aux_ops & 0xffff))
			run_progress(&w->st);
	}
	return NULL;
}

int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	ret = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -ret;
}


/* movers (or touchers) first, then handlers, the mode's extra threads, idle spinners */
void threads_assign(struct run *r, unsigned nmov, unsigned nh, unsigned nx)
{
	struct opts *o = r->o;
	unsigned i;

	for (i = 0; i < r->nworkers; i++) {
		struct worker *w = &r->workers[i];

		w->run = r;
		w->rng = r->seed ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ULL);
		if (i < nmov) {
			w->idx = i;
			w->kind = r->mode->mover_kind;
			w->fn = r->mode->mover;
			w->parks = true;
			w->quota = o->ops ? (o->ops + nmov - 1) / nmov : 0;
		} else if (i < nmov + nh) {
			w->idx = i - nmov;
			w->kind = "handler";
			w->fn = r->mode->handler;
		} else if (i < nmov + nh + nx) {
			w->idx = i - nmov - nh;
			w->kind = r->mode->extra_kind;
			w->fn = r->mode->extra;
		} else {
			w->idx = i - nmov - nh - nx;
			w->kind = "idle";
			w->fn = idle_spinner;
		}
	}
}

/* handlers and spinners first, so movers never fault without a handler; 0 or -errno */
int threads_start(struct run *r)
{
	unsigned i;
	int ret;

	for (i = r->nworkers; i-- > 0;) {
		ret = start_thread(&r->workers[i].thread, worker_main, &r->workers[i]);
		if (ret) {
			__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&r->stop_handlers, 1, __ATOMIC_RELEASE);
			while (++i < r->nworkers)
				pthread_join(r->workers[i].thread, NULL);
			return ret;
		}
	}
	return 0;
}

/* stop the movers, then the handlers and the rest; the run's time is the movers' */
void threads_join(struct run *r, unsigned nmov)
{
	unsigned i;

	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nmov; i++)
		pthread_join(r->workers[i].thread, NULL);
	__atomic_store_n(&r->movers_done, 1, __ATOMIC_RELEASE);
	r->elapsed_ns = now_ns() - r->t0_ns;
	__atomic_store_n(&r->stop_handlers, 1, __ATOMIC_RELEASE);
	for (i = nmov; i < r->nworkers; i++)
		pthread_join(r->workers[i].thread, NULL);
	__atomic_store_n(&r->joined, 1, __ATOMIC_RELEASE);
}
