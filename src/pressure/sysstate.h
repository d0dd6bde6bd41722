/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Record-then-change of host state.  Every change a run makes to the
 * system (sysctls, cgroups, swap devices, DAMON contexts, tracefs
 * mounts and instances, files) is first appended to a state file,
 * /run/movestress/state-<pid>.json, written atomically.  The run undoes
 * its entries in reverse order at exit (also after SIGINT/SIGTERM, which
 * the engine turns into a graceful stop); `movestress cleanup` undoes
 * the entries of runs that died (SIGKILL, crash).
 *
 * Each kind of entry is a row of a const table with its restore
 * function; restore functions are idempotent, since the change may
 * not have happened after it was recorded.
 */
#ifndef MOVESTRESS_SYSSTATE_H
#define MOVESTRESS_SYSSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define SYSSTATE_DIR_DEFAULT "/run/movestress"

/* The directory for state files ($MOVESTRESS_STATE_DIR or /run/movestress). */
const char *sysstate_dir(void);

/*
 * Record an entry of @kind (a row of the restore table) with its
 * arguments @args (reference stolen) before making the change.
 * Returns the entry id (>= 0) or -errno; on error nothing must change.
 */
int sysstate_record(const char *kind, json_t *args);
/* Replace the arguments of entry @id (e.g. once a device number is known). */
int sysstate_update(int id, json_t *args);
/* Undo one entry now (e.g. a device the run removes itself) and drop it. */
int sysstate_undo(int id);
/* Undo every entry of this process in reverse order; remove the file. */
void sysstate_restore_all(void);
/* The entries recorded so far (for the result), new reference. */
json_t *sysstate_entries(void);

/*
 * Change a sysctl-like file (one value) after recording its old value.
 * 0 or -errno; @old receives the previous value if non-NULL (the host's
 * value before any run changed it).  The change is shared ("value_PATH"):
 * a run that wants the same value while another holds it joins, the last
 * one puts the old value back; a run wanting another value gets -EBUSY.
 */
int sysstate_write_value(const char *path, const char *value, char *old, size_t oldlen);
/*
 * The same, and *@how says what this run did: changed it (SET), found
 * another live run's change and joined it (JOINED: -EBUSY when that run
 * holds another value), or found the value already there (ALREADY: nothing
 * recorded).  A file that shows its choices as "a [b] c" (THP, mTHP) holds
 * the bracketed one; @old gets the host's value either way.
 */
enum sysstate_held { SYSSTATE_ALREADY, SYSSTATE_SET, SYSSTATE_JOINED };
int sysstate_hold_value(const char *path, const char *value, char *old, size_t oldlen,
			enum sysstate_held *how);

/* write a string to a sysfs/proc file: 0 or -errno */
int write_file(const char *path, const char *value);

/*
 * Changes shared by concurrent runs (the temporary swap: a second run swaps
 * to the first one's device).  <dir>/shared-NAME.json holds the changes
 * (restore entries) and one reference per run using them; each run has a
 * "shared" entry in its own state file.  The last run to drop its
 * reference (at exit, or `movestress cleanup` for a dead run) undoes the
 * changes; references of dead runs (pid + start time) are dropped whenever
 * the record is read, so a SIGKILLed run never keeps them forever.
 * Call join/create with the lock (flock on <dir>/shared-NAME.lock) held.
 */
int sysstate_shared_lock(const char *name);	/* fd or -errno; blocks */
/* unlock; removes the lock file when nothing is shared any more */
void sysstate_shared_unlock(const char *name, int fd);
/* join the record of live runs: entry id, *info (new reference); -ENOENT if none */
int sysstate_shared_join(const char *name, json_t **info);
/* the same if the record's info has @match's values (stolen); else -EBUSY, *info set */
int sysstate_shared_join_if(const char *name, json_t *match, json_t **info);
/* move this run's entries @ids into a new record with @info (stolen): entry id or -errno */
int sysstate_shared_create(const char *name, const int *ids, size_t n, json_t *info);

/* `movestress cleanup`: restore state left by dead runs.  Exit code. */
int sysstate_cleanup_main(bool quiet);

#endif
