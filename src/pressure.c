// SPDX-License-Identifier: GPL-2.0-only
/* Pressure backends: the table and the engine hooks. */
#include "config.h"
#include "pressure.h"
#include "run.h"
#include "side.h"

#include <errno.h>
#include <string.h>

struct pressure_backend {
	const char *name;
	const char *help;
	int (*supported)(char *why, size_t len);
};

static int none_supported(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static const struct pressure_backend pressure_table[] = {
	{ "none", "no pressure: movers alone", none_supported },
	{ NULL },
};

static const char *pressure_name_list[sizeof(pressure_table) / sizeof(pressure_table[0])];

static void fill_names(void)
{
	size_t i;

	for (i = 0; pressure_table[i].name; i++)
		pressure_name_list[i] = pressure_table[i].name;
}

const char *const *pressure_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fill_names);
	return pressure_name_list;
}

int pressure_validate(const struct opts *o)
{
	(void)o;
	return 0;
}

int pressure_setup(struct run *r, char *why, size_t len)
{
	(void)r;
	(void)why;
	(void)len;
	return 0;
}

int pressure_start(struct run *r)
{
	(void)r;
	return 0;
}

void pressure_stop(struct run *r)
{
	(void)r;
}

void pressure_report(struct run *r, json_t *result, FILE *f)
{
	(void)r;
	(void)result;
	(void)f;
}

void pressure_teardown(struct run *r)
{
	(void)r;
}

json_t *pressure_list(void)
{
	const struct pressure_backend *b;
	json_t *arr = json_array();
	char why[256];

	for (b = pressure_table; b->name; b++) {
		why[0] = '\0';
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s}", "name", b->name,
						     "help", b->help, "supported", !b->supported(why, sizeof(why)),
						     "reason", why));
	}
	return arr;
}

const struct side_ops pressure_side = {
	.name = "pressure",
	.validate = pressure_validate,
	.setup = pressure_setup,
	.start = pressure_start,
	.stop = pressure_stop,
	.report = pressure_report,
	.teardown = pressure_teardown,
};
