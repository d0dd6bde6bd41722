// SPDX-License-Identifier: GPL-2.0-only
/* The command layer: what every verb keeps, by construction (see command.h). */
#include "config.h"
#include "cli/command.h"
#include "cli/options.h"
#include "core/opts.h"
#include "core/report.h"
#include "engine/signals.h"
#include "pressure/sysstate.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* the value of the option @name of @o (a file path), or NULL */
static const char *file_opt(const struct opts *o, const char *name)
{
	if (!strcmp(name, "output"))
		return o->output;
	if (!strcmp(name, "record"))
		return o->record;
	return NULL;
}

/* every file option of @files given: writable the safe way, before anything runs */
static int check_files(const char *files, const struct opts *o)
{
	char name[32], err[PATH_MAX + 256];
	const char *p = files, *path;
	size_t n;

	while (p && *p) {
		n = strcspn(p, " ");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n + (p[n] == ' ');
		path = file_opt(o, name);
		if (!path) {
			fprintf(stderr, "movestress: command table: no file option --%s\n", name);
			return MS_EXIT_ENV;
		}
		if (path[0] && output_check(name, path, err, sizeof(err))) {
			fprintf(stderr, "movestress: %s\n", err);
			return MS_EXIT_USAGE;
		}
	}
	return 0;
}

int command_run(const struct verb *v, struct opts *o, int argc, char **argv, int pos)
{
	struct sigwatch sig;
	int ret;

	ret = check_files(v->files, o);
	if (ret)
		return ret;
	if (v->runs) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		sigwatch_hold(&sig);
	}
	ret = v->fn(o, argc, argv, pos);
	/* swap, cgroups, sysctls, mTHP, tracefs: whatever is still recorded (idempotent) */
	sysstate_restore_all();
	if (v->runs) {
		sigwatch_drain(&sig);
		sigwatch_release(&sig);
	}
	return ret;
}
