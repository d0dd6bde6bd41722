/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --status-interval / --status-file: a one-line progress display on stderr
 * and JSON Lines snapshots, driven from the engine's main loop.  Reads the
 * per-thread counters with relaxed atomic loads only; never takes a lock
 * the movers use.
 */
#ifndef MOVESTRESS_STATUS_H
#define MOVESTRESS_STATUS_H

#include <stdint.h>

struct run;

/* which trial of --repeat is running (for the progress line) */
void status_set_trial(unsigned trial, unsigned ntrials);
/* main loop: called every few ms; prints/writes when an interval passed */
void status_tick(struct run *r, uint64_t now);
/* after the main loop: final snapshot, clear the terminal line */
void status_done(struct run *r);

#endif
