// SPDX-License-Identifier: GPL-2.0-only
/* Record-then-change of host state; restore at exit and by `movestress cleanup`. */
#include "config.h"
#include "pressure/sysstate.h"
#include "core/kv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <time.h>
#include <unistd.h>

struct restore_kind {
	const char *kind;
	const char *what;
	int (*restore)(json_t *args, char *msg, size_t len);
};

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *state;		/* {"pid", "starttime", "entries": [{"kind","args"}|null]} */
static char state_path[512];

const char *sysstate_dir(void)
{
	const char *d = getenv("MOVESTRESS_STATE_DIR");

	return d && *d ? d : SYSSTATE_DIR_DEFAULT;
}

int write_file(const char *path, const char *value)
{
	size_t n = strlen(value);
	ssize_t w;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	w = write(fd, value, n);
	if (w < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (close(fd))
		return -errno;
	return (size_t)w == n ? 0 : -EIO;
}

static const char *sget(json_t *args, const char *key)
{
	const char *s = json_string_value(json_object_get(args, key));

	return s ? s : "";
}

/* ---- restore functions, one per kind ---- */

static int restore_value(json_t *args, char *msg, size_t len)
{
	int ret = write_file(sget(args, "path"), sget(args, "old"));

	snprintf(msg, len, "%s = %s%s%s", sget(args, "path"), sget(args, "old"),
		 ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret == -ENOENT ? 0 : ret;
}

static int move_tasks(const char *from, const char *to_procs)
{
	char path[600], line[32];
	FILE *f;
	int moved = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", from);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!write_file(to_procs, line))
			moved++;
	}
	fclose(f);
	return moved;
}

static int restore_cgroup(json_t *args, char *msg, size_t len)
{
	const char *path = sget(args, "path");
	struct timespec ts = { 0, 20 * 1000000L };
	int i, ret = 0;

	move_tasks(path, sget(args, "back"));
	for (i = 0; i < 100; i++) {
		ret = rmdir(path) ? -errno : 0;
		if (ret != -EBUSY)
			break;
		move_tasks(path, sget(args, "back"));
		nanosleep(&ts, NULL);
	}
	if (ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "cgroup %s removed%s%s", path, ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

static int restore_subtree(json_t *args, char *msg, size_t len)
{
	char v[64];
	int ret;

	snprintf(v, sizeof(v), "-%s", sget(args, "controller"));
	ret = write_file(sget(args, "path"), v);
	snprintf(msg, len, "%s: %s%s%s", sget(args, "path"), v, ret ? ": " : "", ret ? strerror(-ret) : "");
	/* busy: another cgroup (not ours) uses it now; leave it */
	return ret == -ENOENT || ret == -EBUSY ? 0 : ret;
}

static int restore_swapon(json_t *args, char *msg, size_t len)
{
	const char *path = sget(args, "path");
	int ret = swapoff(path) ? -errno : 0;

	/* EINVAL: not a swap area (never enabled, or already off) */
	if (ret == -EINVAL || ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "swapoff %s%s%s", path, ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

static int restore_zram(json_t *args, char *msg, size_t len)
{
	json_int_t id = json_integer_value(json_object_get(args, "id"));
	char path[128], dev[32], v[32];
	int ret;

	if (id < 0 || !json_is_integer(json_object_get(args, "id"))) {
		snprintf(msg, len, "zram: no device was added");
		return 0;
	}
	snprintf(dev, sizeof(dev), "/dev/zram%lld", (long long)id);
	if (swapoff(json_string_value(json_object_get(args, "node")) ?: dev) && errno != EINVAL &&
	    errno != ENOENT) {
		ret = -errno;
		snprintf(msg, len, "zram%lld: swapoff: %s", (long long)id, strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), "/sys/block/zram%lld/reset", (long long)id);
	ret = write_file(path, "1");
	if (ret && ret != -ENOENT) {
		snprintf(msg, len, "zram%lld: reset: %s", (long long)id, strerror(-ret));
		return ret;
	}
	snprintf(v, sizeof(v), "%lld", (long long)id);
	ret = write_file("/sys/class/zram-control/hot_remove", v);
	if (ret == -ENODEV || ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "zram%lld reset and removed%s%s", (long long)id, ret ? ": " : "",
		 ret ? strerror(-ret) : "");
	return ret;
}

static int restore_file(json_t *args, char *msg, size_t len)
{
	int ret = unlink(sget(args, "path")) ? -errno : 0;

	if (ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "removed %s%s%s", sget(args, "path"), ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

static int restore_dir(json_t *args, char *msg, size_t len)
{
	int ret = rmdir(sget(args, "path")) ? -errno : 0;

	if (ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "removed %s%s%s", sget(args, "path"), ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

static int restore_damon(json_t *args, char *msg, size_t len)
{
	char path[600];
	int ret;

	snprintf(path, sizeof(path), "%s/state", sget(args, "kdamond"));
	ret = write_file(path, "off");
	/* EINVAL/EBUSY: it was not running */
	(void)ret;
	ret = write_file(sget(args, "nr_path"), sget(args, "nr_old"));
	if (ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "DAMON %s off, nr_kdamonds = %s%s%s", sget(args, "kdamond"),
		 sget(args, "nr_old"), ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

static int restore_instance(json_t *args, char *msg, size_t len)
{
	char path[600];
	int ret;

	snprintf(path, sizeof(path), "%s/events/enable", sget(args, "path"));
	write_file(path, "0");
	ret = rmdir(sget(args, "path")) ? -errno : 0;
	if (ret == -ENOENT)
		ret = 0;
	snprintf(msg, len, "tracefs instance %s removed%s%s", sget(args, "path"), ret ? ": " : "",
		 ret ? strerror(-ret) : "");
	return ret;
}

static int restore_mount(json_t *args, char *msg, size_t len)
{
	int ret = umount2(sget(args, "path"), MNT_DETACH) ? -errno : 0;

	if (ret == -EINVAL || ret == -ENOENT)	/* not mounted (any more) */
		ret = 0;
	snprintf(msg, len, "unmounted %s%s%s", sget(args, "path"), ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

static int restore_shared(json_t *args, char *msg, size_t len);

static const struct restore_kind restore_table[] = {
	{ "value", "sysctl or sysfs value", restore_value },
	{ "cgroup", "private cgroup", restore_cgroup },
	{ "cgroup_subtree", "controller enabled in cgroup.subtree_control", restore_subtree },
	{ "swapon", "swap area enabled", restore_swapon },
	{ "zram", "zram device added", restore_zram },
	{ "file", "file created", restore_file },
	{ "dir", "directory created", restore_dir },
	{ "damon", "DAMON kdamond configured", restore_damon },
	{ "tracefs_instance", "tracefs instance", restore_instance },
	{ "mount", "filesystem mounted", restore_mount },
	{ "shared", "reference to a change shared with other runs", restore_shared },
	{ NULL },
};

static const struct restore_kind *find_kind(const char *kind)
{
	const struct restore_kind *k;

	for (k = restore_table; k->kind; k++)
		if (!strcmp(k->kind, kind))
			return k;
	return NULL;
}

/* ---- the state file ---- */

static unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_line(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	/* field 22 is starttime; p points at field 2's end */
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &st);
	return st;
}

static int mkdir_p(const char *dir)
{
	char tmp[512], *p;

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int save_locked(void)
{
	char tmp[600];

	snprintf(tmp, sizeof(tmp), "%s.tmp", state_path);
	if (json_dump_file(state, tmp, JSON_INDENT(2)))
		return -EIO;
	if (rename(tmp, state_path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

int sysstate_record(const char *kind, json_t *args)
{
	json_t *entries;
	int ret;

	if (!find_kind(kind)) {
		json_decref(args);
		return -EINVAL;
	}
	pthread_mutex_lock(&state_lock);
	if (!state) {
		ret = mkdir_p(sysstate_dir());
		if (ret)
			goto out;
		snprintf(state_path, sizeof(state_path), "%s/state-%d.json", sysstate_dir(), getpid());
		state = json_pack("{s:i, s:I, s:I, s:[]}", "pid", getpid(), "starttime",
				  (json_int_t)proc_starttime(getpid()), "created", (json_int_t)time(NULL),
				  "entries");
	}
	entries = json_object_get(state, "entries");
	json_array_append_new(entries, json_pack("{s:s, s:O}", "kind", kind, "args", args));
	ret = save_locked();
	if (ret)
		json_array_remove(entries, json_array_size(entries) - 1);
	else
		ret = (int)json_array_size(entries) - 1;
out:
	pthread_mutex_unlock(&state_lock);
	json_decref(args);
	return ret;
}

int sysstate_update(int id, json_t *args)
{
	json_t *e;
	int ret = -ENOENT;

	pthread_mutex_lock(&state_lock);
	e = state ? json_array_get(json_object_get(state, "entries"), id) : NULL;
	if (json_is_object(e)) {
		json_object_set(e, "args", args);
		ret = save_locked();
	}
	pthread_mutex_unlock(&state_lock);
	json_decref(args);
	return ret;
}

static int undo_entry(json_t *e, bool verbose)
{
	const struct restore_kind *k = find_kind(json_string_value(json_object_get(e, "kind")) ?: "");
	char msg[700] = "";
	int ret;

	if (!k)
		return -EINVAL;
	ret = k->restore(json_object_get(e, "args"), msg, sizeof(msg));
	if (ret || verbose)
		fprintf(ret ? stderr : stdout, "movestress: restore %s: %s\n", k->what, msg);
	return ret;
}

int sysstate_undo(int id)
{
	json_t *entries, *e;
	int ret = -ENOENT;

	pthread_mutex_lock(&state_lock);
	entries = state ? json_object_get(state, "entries") : NULL;
	e = json_array_get(entries, id);
	if (json_is_object(e)) {
		ret = undo_entry(e, false);
		if (!ret) {
			json_array_set_new(entries, id, json_null());
			save_locked();
		}
	}
	pthread_mutex_unlock(&state_lock);
	return ret;
}

/* Undo entries of @st in reverse; returns the number that failed. */
static int undo_all(json_t *st, bool verbose)
{
	json_t *entries = json_object_get(st, "entries");
	size_t i = json_array_size(entries);
	int failed = 0;

	while (i-- > 0) {
		json_t *e = json_array_get(entries, i);

		if (!json_is_object(e))
			continue;
		if (undo_entry(e, verbose))
			failed++;
		else
			json_array_set_new(entries, i, json_null());
	}
	return failed;
}

void sysstate_restore_all(void)
{
	pthread_mutex_lock(&state_lock);
	if (state) {
		if (!undo_all(state, false))
			unlink(state_path);
		else
			save_locked();	/* `movestress cleanup` retries what failed */
		json_decref(state);
		state = NULL;
	}
	pthread_mutex_unlock(&state_lock);
}

json_t *sysstate_entries(void)
{
	json_t *j;

	pthread_mutex_lock(&state_lock);
	j = state ? json_deep_copy(json_object_get(state, "entries")) : json_array();
	pthread_mutex_unlock(&state_lock);
	return j;
}

/*
 * The value a sysfs/proc file holds: its one line, or of a file that shows
 * its choices as "always inherit madvise [never]" (THP, mTHP) the one in
 * brackets.  0 or -errno.
 */
static int read_value(const char *path, char *buf, size_t len)
{
	char line[256], *a, *b;
	int ret = read_line(path, line, sizeof(line));

	if (ret)
		return ret;
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b)
		snprintf(buf, len, "%.*s", (int)(b - a - 1), a + 1);
	else
		snprintf(buf, len, "%s", line);
	return 0;
}

static int write_value_locked(const char *name, const char *path, const char *value, char *old,
			      size_t oldlen, enum sysstate_held *how)
{
	json_t *info = NULL;
	char cur[256];
	int ret, id;

	/* another run set it the same way and still runs: share its change */
	id = sysstate_shared_join_if(name, json_pack("{s:s}", "value", value), &info);
	if (id >= 0 || id == -EBUSY) {
		if (old)
			snprintf(old, oldlen, "%s", json_string_value(json_object_get(info, "old")) ?: "");
		json_decref(info);
		*how = SYSSTATE_JOINED;
		return id >= 0 ? 0 : -EBUSY;
	}
	ret = read_value(path, cur, sizeof(cur));
	if (ret)
		return ret;
	if (old)
		snprintf(old, oldlen, "%s", cur);
	*how = SYSSTATE_ALREADY;
	if (!strcmp(cur, value))
		return 0;
	id = sysstate_record("value", json_pack("{s:s, s:s}", "path", path, "old", cur));
	if (id < 0)
		return id;
	ret = write_file(path, value);
	if (ret)
		return ret;
	*how = SYSSTATE_SET;
	/* the last run using it puts the old value back (if sharing fails: this one does) */
	sysstate_shared_create(name, &id, 1, json_pack("{s:s, s:s, s:s}", "path", path, "value", value,
			       "old", cur));
	return 0;
}

int sysstate_hold_value(const char *path, const char *value, char *old, size_t oldlen,
			enum sysstate_held *how)
{
	enum sysstate_held h = SYSSTATE_ALREADY;
	char name[256], *p;
	int lock, ret;

	snprintf(name, sizeof(name), "value%s", path);
	for (p = name; *p; p++)
		if (*p == '/')
			*p = '_';
	lock = sysstate_shared_lock(name);
	if (lock < 0)
		return lock;
	ret = write_value_locked(name, path, value, old, oldlen, &h);
	sysstate_shared_unlock(name, lock);
	if (how)
		*how = h;
	return ret;
}

int sysstate_write_value(const char *path, const char *value, char *old, size_t oldlen)
{
	return sysstate_hold_value(path, value, old, oldlen, NULL);
}

/* ---- changes shared by concurrent runs ---- */

static void shared_paths(const char *name, char *rec, char *lock, size_t len)
{
	snprintf(rec, len, "%s/shared-%s.json", sysstate_dir(), name);
	snprintf(lock, len, "%s/shared-%s.lock", sysstate_dir(), name);
}

int sysstate_shared_lock(const char *name)
{
	char rec[600], lock[600];
	struct stat a, b;
	int fd, ret;

	ret = mkdir_p(sysstate_dir());
	if (ret)
		return ret;
	shared_paths(name, rec, lock, sizeof(rec));
	for (;;) {
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		while (flock(fd, LOCK_EX))
			if (errno != EINTR) {
				ret = -errno;
				close(fd);
				return ret;
			}
		/* the holder before us may have removed the file: lock the one on disk */
		if (!fstat(fd, &a) && !stat(lock, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

void sysstate_shared_unlock(const char *name, int fd)
{
	char rec[600], lock[600];

	if (fd < 0)
		return;
	/* nothing shared any more: leave no lock file behind either */
	shared_paths(name, rec, lock, sizeof(rec));
	if (access(rec, F_OK) && errno == ENOENT)
		unlink(lock);
	close(fd);	/* drops the flock */
}

static bool run_alive(json_int_t pid, json_int_t start)
{
	return pid > 0 && (!kill((pid_t)pid, 0) || errno == EPERM) &&
	       proc_starttime((pid_t)pid) == (unsigned long long)start;
}

/* drop the reference of (pid, start) and those of dead runs; live ones left */
static size_t shared_prune(json_t *rec, json_int_t pid, json_int_t start)
{
	json_t *refs = json_object_get(rec, "refs"), *r;
	size_t i = json_array_size(refs);

	while (i-- > 0) {
		json_int_t p, st;

		r = json_array_get(refs, i);
		p = json_integer_value(json_object_get(r, "pid"));
		st = json_integer_value(json_object_get(r, "starttime"));
		if ((p == pid && st == start) || !run_alive(p, st))
			json_array_remove(refs, i);
	}
	return json_array_size(refs);
}

static int shared_save(json_t *rec, const char *path)
{
	char tmp[620];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(rec, tmp, JSON_INDENT(2)))
		return -EIO;
	if (rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

/*
 * With the lock held: drop (pid, start) and dead runs from the record; when
 * no live run is left, undo its changes and remove it.  Returns the number
 * of runs still using it, or -errno when undoing failed.
 */
static int shared_release(const char *name, json_int_t pid, json_int_t start, char *msg, size_t len)
{
	char rec[600], lock[600];
	json_t *r;
	size_t left;
	int failed;

	shared_paths(name, rec, lock, sizeof(rec));
	r = json_load_file(rec, 0, NULL);
	if (!r) {
		snprintf(msg, len, "shared %s: nothing left to release", name);
		return 0;
	}
	left = shared_prune(r, pid, start);
	if (left) {
		shared_save(r, rec);
		snprintf(msg, len, "shared %s: left for %zu other run(s) still using it", name, left);
		json_decref(r);
		return (int)left;
	}
	failed = undo_all(r, false);
	if (failed) {
		shared_save(r, rec);
		snprintf(msg, len, "shared %s: %d change(s) could not be undone (see above)", name, failed);
		json_decref(r);
		return -EIO;
	}
	unlink(rec);
	snprintf(msg, len, "shared %s: last user, its changes undone", name);
	json_decref(r);
	return 0;
}

static int restore_shared(json_t *args, char *msg, size_t len)
{
	const char *name = sget(args, "name");
	int fd, ret;

	fd = sysstate_shared_lock(name);
	if (fd < 0) {
		snprintf(msg, len, "shared %s: lock: %s", name, strerror(-fd));
		return fd;
	}
	ret = shared_release(name, json_integer_value(json_object_get(args, "pid")),
			     json_integer_value(json_object_get(args, "starttime")), msg, len);
	sysstate_shared_unlock(name, fd);
	return ret < 0 ? ret : 0;
}

/* drop entry @id of this run without undoing it */
static void forget_entry(int id)
{
	pthread_mutex_lock(&state_lock);
	if (state && json_is_object(json_array_get(json_object_get(state, "entries"), id))) {
		json_array_set_new(json_object_get(state, "entries"), id, json_null());
		save_locked();
	}
	pthread_mutex_unlock(&state_lock);
}

/* the "shared" entry of this run: record it, then (caller) take the reference */
static int record_shared_ref(const char *name, json_t *info)
{
	return sysstate_record("shared", json_pack("{s:s, s:i, s:I, s:O}", "name", name,
		"pid", getpid(), "starttime", (json_int_t)proc_starttime(getpid()), "info", info));
}

static json_t *self_ref(void)
{
	return json_pack("{s:i, s:I}", "pid", getpid(), "starttime",
			 (json_int_t)proc_starttime(getpid()));
}

int sysstate_shared_join(const char *name, json_t **info)
{
	return sysstate_shared_join_if(name, NULL, info);
}

int sysstate_shared_join_if(const char *name, json_t *match, json_t **info)
{
	char rec[600], lock[600], msg[200];
	const char *key;
	json_t *r, *v;
	int id, ret;

	*info = NULL;
	shared_paths(name, rec, lock, sizeof(rec));
	r = json_load_file(rec, 0, NULL);
	if (!r) {
		json_decref(match);
		return -ENOENT;
	}
	if (!shared_prune(r, 0, 0)) {
		/* every run that used it is gone: undo it, as cleanup would */
		json_decref(r);
		json_decref(match);
		ret = shared_release(name, 0, 0, msg, sizeof(msg));
		return ret < 0 ? ret : -ENOENT;
	}
	json_object_foreach(match, key, v)
		if (!json_equal(v, json_object_get(json_object_get(r, "info"), key))) {
			/* live runs use it another way: not ours to change */
			*info = json_incref(json_object_get(r, "info"));
			json_decref(r);
			json_decref(match);
			return -EBUSY;
		}
	json_decref(match);
	id = record_shared_ref(name, json_object_get(r, "info"));
	if (id < 0) {
		json_decref(r);
		return id;
	}
	json_array_append_new(json_object_get(r, "refs"), self_ref());
	ret = shared_save(r, rec);
	if (ret) {
		json_decref(r);
		forget_entry(id);	/* no reference was taken: nothing to undo */
		return ret;
	}
	*info = json_incref(json_object_get(r, "info"));
	json_decref(r);
	return id;
}

int sysstate_shared_create(const char *name, const int *ids, size_t n, json_t *info)
{
	char rec[600], lock[600];
	json_t *r, *entries, *e;
	size_t i;
	int id, ret;

	shared_paths(name, rec, lock, sizeof(rec));
	r = json_pack("{s:s, s:O, s:[o], s:[]}", "name", name, "info", info, "refs", self_ref(),
		      "entries");
	entries = json_object_get(r, "entries");
	pthread_mutex_lock(&state_lock);
	for (i = 0; i < n; i++) {
		e = state ? json_array_get(json_object_get(state, "entries"), ids[i]) : NULL;
		if (json_is_object(e))
			json_array_append(entries, e);
	}
	pthread_mutex_unlock(&state_lock);
	/* the record first: a crash in between leaves both, and undoing is idempotent */
	ret = shared_save(r, rec);
	json_decref(r);
	if (ret) {
		json_decref(info);
		return ret;
	}
	id = record_shared_ref(name, info);
	json_decref(info);
	if (id < 0) {
		unlink(rec);
		return id;
	}
	/* the changes belong to the record now, not to this run */
	for (i = 0; i < n; i++)
		forget_entry(ids[i]);
	return id;
}

/* `movestress cleanup`: shared records whose every user is gone */
static void cleanup_shared(DIR *d, bool quiet, unsigned *restored, unsigned *failed)
{
	struct dirent *de;
	char name[256], msg[300];
	size_t l;
	int fd, ret;

	rewinddir(d);
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (strncmp(de->d_name, "shared-", 7) || l < 13 || strcmp(de->d_name + l - 5, ".json") ||
		    l - 12 >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 12), de->d_name + 7);
		fd = sysstate_shared_lock(name);
		if (fd < 0) {
			(*failed)++;
			continue;
		}
		ret = shared_release(name, 0, 0, msg, sizeof(msg));
		sysstate_shared_unlock(name, fd);
		if (ret < 0)
			(*failed)++;
		else if (!ret)
			(*restored)++;
		if (!quiet)
			printf("cleanup: %s\n", msg);
	}
}

/* ---- movestress cleanup ---- */

int sysstate_cleanup_main(bool quiet)
{
	const char *dir = sysstate_dir();
	struct dirent *de;
	unsigned found = 0, restored = 0, live = 0, failed = 0;
	DIR *d = opendir(dir);

	if (!d) {
		if (!quiet)
			printf("cleanup: nothing to do (no %s: %s)\n", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		char path[600];
		json_t *st;
		json_int_t pid, start;
		int n;

		if (strncmp(de->d_name, "state-", 6) || !strstr(de->d_name, ".json") ||
		    strstr(de->d_name, ".tmp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		st = json_load_file(path, 0, NULL);
		if (!st) {
			fprintf(stderr, "movestress: cleanup: %s: unreadable state file, left alone\n", path);
			failed++;
			continue;
		}
		found++;
		pid = json_integer_value(json_object_get(st, "pid"));
		start = json_integer_value(json_object_get(st, "starttime"));
		if (pid > 0 && (pid_t)pid != getpid() && !kill((pid_t)pid, 0) &&
		    proc_starttime((pid_t)pid) == (unsigned long long)start) {
			if (!quiet)
				printf("cleanup: %s: run %lld is still alive; left alone\n", path, (long long)pid);
			live++;
			json_decref(st);
			continue;
		}
		if (!quiet)
			printf("cleanup: %s: run %lld is gone; restoring %zu change(s)\n", path,
			       (long long)pid, json_array_size(json_object_get(st, "entries")));
		n = undo_all(st, !quiet);
		if (n) {
			failed += n;
			json_dump_file(st, path, JSON_INDENT(2));
		} else {
			unlink(path);
			restored++;
		}
		json_decref(st);
	}
	/* after the dead runs dropped their references: records nobody uses */
	cleanup_shared(d, quiet, &restored, &failed);
	closedir(d);
	if (!quiet)
		printf("cleanup: %u state file(s): %u restored, %u of live runs left alone, %u change(s) failed\n",
		       found, restored, live, failed);
	return failed ? 1 : 0;
}
