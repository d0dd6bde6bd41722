// SPDX-License-Identifier: GPL-2.0-only
/*
 * A finished explore run as a result: the op table for `list`, the rest
 * of the result JSON (the engine wrote the measurements, the kernel block
 * and the verdict), and the op log written where it belongs.
 */
#include "config.h"
#include "explore/explore.h"
#include "core/report.h"
#include "engine/hooks.h"
#include "kernel/known-bugs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

json_t *explore_list(void)
{
	json_t *arr = json_array();
	char why[256];
	int i;

	for (i = 0; i < XOP_NR; i++) {
		const struct xop_desc *d = &xop_table[i];

		why[0] = '\0';
		if (d->supported)
			d->supported(why, sizeof(why));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:i}", "name", d->name,
						     "help", d->help, "supported", !why[0] || d->control,
						     "reason", why, "weight", d->weight));
	}
	return arr;
}

/* the weights in force, and the ops left out with the reason */
static json_t *weights_json(const struct xweights *w)
{
	json_t *j = json_object(), *skipped = json_object();
	char why[256];
	int i;

	for (i = 0; i < XOP_NR; i++) {
		why[0] = '\0';
		if (w->w[i])
			json_object_set_new(j, xop_table[i].name, json_integer(w->w[i]));
		else if (!xop_table[i].control && xop_table[i].supported && xop_table[i].supported(why, sizeof(why)))
			json_object_set_new(skipped, xop_table[i].name, json_string(why));
	}
	json_object_set_new(j, "skipped", skipped);
	return j;
}

static json_t *failure_json(const struct xfailure *x)
{
	return json_pack("{s:s, s:i, s:s, s:s, s:I, s:s, s:i, s:I, s:{s:i, s:i}, s:{s:i, s:i, s:i, s:i}}",
			 "kind", x->kind, "page", x->page, "op", x->op, "errno", x->err ? errno_name(x->err) : "",
			 "t_ns", (json_int_t)x->t_ns, "last_op", x->last_op, "last_thread", x->last_thread,
			 "last_t_ns", (json_int_t)x->last_t_ns,
			 "expected", "page", x->expected.page, "gen", x->expected.gen,
			 "found", "page", x->found.page, "gen", x->found.gen, "region", x->found.region,
			 "state", x->found.state);
}

void xp_result_finish(const struct xp_cfg *cfg, struct xp_result *res, json_t *mthp)
{
	struct known_bug_counts kb = { { 0 } };
	const struct opts *o = cfg->o;
	json_t *j = res->json;

	json_object_set_new(j, "mthp", mthp ? mthp : json_object());
	json_object_set_new(j, "schema_version", json_integer(MS_SCHEMA_VERSION));
	json_object_set_new(j, "command", json_string("explore"));
	json_object_set_new(j, "options", engine_hooks()->opts_to_json(o));
	json_object_set_new(j, "weights", weights_json(&cfg->w));
	json_object_set_new(j, "seed", json_integer((json_int_t)cfg->seed));
	json_object_set_new(j, "replay", json_string(o->replay));
	json_object_set_new(j, "exit_code", json_integer(res->code));
	json_object_set_new(j, "verdict", json_string(exit_verdict(res->code)));
	json_object_set_new(j, "verified_pages", json_integer((json_int_t)res->verified));
	json_object_set_new(j, "verified_swapped", json_integer((json_int_t)res->swapped_seen));
	json_object_set_new(j, "replay_diverged", json_integer((json_int_t)res->diverged));
	kb.n[KNOWN_BUG_MOVE_EEXIST] = res->moved_but_failed;
	json_object_set_new(j, "known_bugs", known_bugs_to_json(&kb));
	if (res->failed)
		json_object_set_new(j, "failure", failure_json(&res->fail));
}

int xp_log_save(const struct xp_cfg *cfg, const struct xp_result *res, char *path, size_t len)
{
	const struct opts *o = cfg->o;
	int ret;

	snprintf(path, len, "%s", o->record[0] ? o->record : o->replay);
	if (path[0]) {
		/* a replay writes its log again only with --record */
		if (o->replay[0] && !o->record[0])
			return 0;
		ret = xlog_write(path, &res->log);
	} else if (res->code == MS_EXIT_FAILURE || res->code == MS_EXIT_KNOWN_BUG) {
		ret = xlog_write_new(path, len, cfg->seed, &res->log);
	} else {
		return 0;
	}
	return ret ? ret : 1;
}
