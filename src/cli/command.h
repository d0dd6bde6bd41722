/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command layer (cli/command.c): every verb runs through
 * command_run(), so what run promises, every verb keeps by construction:
 * - the files it writes (.files) checked before any work starts: a
 *   regular file or a new one in an existing directory, never a device
 *   (/dev/full), FIFO, symlink or directory (exit 2, one line);
 * - for a verb that runs something (.runs): SIGINT, SIGTERM, SIGHUP and
 *   SIGPIPE held for the whole command and taken by the engine's main
 *   loop (engine/signals.h), which stops, restores, checks and says why
 *   ("interruption.reason", exit 7); what is still pending at the end is
 *   dropped (the run it came after was complete);
 * - the host state it recorded (pressure/sysstate.h: swap, cgroups,
 *   sysctls, THP/mTHP, tracefs) restored on its way out, whichever path;
 * - the exit code mapped to --exit-codes (by cli_main(), which also maps
 *   a bad option's).
 */
#ifndef MOVESTRESS_COMMAND_H
#define MOVESTRESS_COMMAND_H

#include <stdbool.h>

struct opts;

struct verb {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(struct opts *o, int argc, char **argv, int pos);
	/* the options it takes: names, "@category"s and "name@category"s of opt_table */
	const char *opts;
	int min_args, max_args;	/* positional arguments */
	/* the options naming files it writes, checked before it starts ("output record") */
	const char *files;
	/* it runs an engine: signals held for the whole command, taken by its main loop */
	bool runs;
};

/* @v's fn with what every command keeps (above): the exit code, not yet mapped */
int command_run(const struct verb *v, struct opts *o, int argc, char **argv, int pos);

#endif
