/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_OPTIONS_H
#define MOVESTRESS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/opts.h"

enum opt_type {
	OPT_UINT,	/* unsigned integer, min..max */
	OPT_SIZE,	/* bytes with K/M/G suffix (1024-based) */
	OPT_TIME,	/* duration -> ns; ns/us/ms/s/m/h suffix, bare = seconds */
	OPT_STR,	/* free string (file names) */
	OPT_ENUM,	/* one of values() */
	OPT_LIST,	/* comma-separated subset of values() */
	OPT_BOOL,	/* flag; --no-NAME clears */
};

struct opt_desc {
	const char *name;
	enum opt_type type;
	size_t off;		/* offsetof(struct opts, field) */
	size_t size;		/* sizeof the field */
	const char *def;	/* default, parsed like user input; NULL = empty/0 */
	uint64_t min, max;	/* OPT_UINT, OPT_SIZE, OPT_TIME */
	const char *const *(*values)(void);	/* OPT_ENUM, OPT_LIST */
	const char *arg;	/* metavariable for --help */
	const char *help;
	const char *category;
};

extern const struct opt_desc opt_table[];

/* Which subcommand an option belongs to is its category; "run" options. */
void opts_defaults(struct opts *o);

/*
 * Parse argv (argv[0] is the subcommand).  On a bad option prints one line
 * "movestress: --name: ..." to stderr naming the allowed values and returns
 * -EINVAL.  Positional arguments are returned through *first_pos (index).
 */
int opts_parse(struct opts *o, int argc, char **argv, int *first_pos);

/*
 * opts_parse() for a command: options outside @allowed (space-separated
 * option names and "@category"s; NULL = every option) are refused with a
 * one-line error naming @verb, and at most @max_pos positional arguments
 * are stored in pos_out (their argv indices); *npos counts them all.
 * Option names are per command: where rows of opt_table share a name
 * (run's --ops=N in "workload", explore's --ops=NAME:W,... in "explore"),
 * the row @allowed takes is the one parsed, set by opts_set() and echoed
 * by opts_to_json(); a list taking two rows of one name is a bug (abort).
 * With @allowed NULL a shared name means its first row.
 */
int opts_parse_cmd(struct opts *o, int argc, char **argv, const char *verb, const char *allowed,
		   int *pos_out, int max_pos, int *npos);

/* was option @name (any row of that name) given on the command line? */
bool opts_given(const struct opts *o, const char *name);
/*
 * A region of @size bytes fits (at most half of RAM: source pages are
 * populated once): 0, or -EINVAL with one line naming @what printed
 * ("--size", or a replayed log's regions).
 */
int opts_check_size(uint64_t size, const char *what);

/*
 * Options that need a mode: a jank option (category "jank") given on the
 * command line needs --mode=jank.  0, or -EINVAL with the one-line error.
 */
int opts_check_mode(const struct opts *o);

/*
 * An output file option (--trace, --status-file): can FILE be written?
 * Creates nothing that was not there.  0, or the exit code (2 for a path
 * that cannot exist, 5 for a permission or I/O error) with the one-line
 * error naming the option.
 */


/* set option @name from text as on the command line (presets, replay files) */
int opts_set(struct opts *o, const char *name, const char *val);

/* parse helpers: core/opts.h */
const char *opts_suggest(const char *bad);	/* "Did you mean" or NULL */

/* the options a command takes (@allowed as opts_parse_cmd(); NULL: all), by category */
void opts_usage(FILE *f, const char *allowed);
json_t *opts_to_json(const struct opts *o);

/* the jank scenario */
/* option hooks (rows of opt_table[], cli/options.c): 0 or -EINVAL, one line printed */
int jank_scenario_apply(struct opts *o, const struct opt_desc *d);
int jank_frame_period_apply(struct opts *o, const struct opt_desc *d);
int jank_bursts_apply(struct opts *o, const struct opt_desc *d);
int jank_replay_apply(struct opts *o, const struct opt_desc *d);
/* --replay: an explore op log is explore's, anything else jank's replay file */
int explore_replay_apply(struct opts *o, const struct opt_desc *d);
/* explore's --ops=NAME:W,...: the ops and weights, checked when given */
int explore_ops_apply(struct opts *o, const struct opt_desc *d);

/*
 * Load a replay file into @o (docs/replay.md).  0, or -EINVAL with a
 * one-line reason naming the field in @err.
 */
int jank_replay_load(struct opts *o, const char *path, char *err, size_t len);

#endif
