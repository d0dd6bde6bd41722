// SPDX-License-Identifier: GPL-2.0-only
/*
 * Man page generator.  The hand-written parts (commands, scenarios, exit
 * codes, examples, files) are in man/movestress.1.in; the option list is
 * generated here from the option table, one .TP entry per row, grouped
 * by category like --help.
 */
#include "config.h"
#include "cli/manpage.h"
#include "scenarios/mode-table.h"
#include "cli/options.h"
#include "pressure/pressure.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* roff-escape @s: backslashes and hyphens; a leading '.' or '\'' is guarded */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void values(FILE *f, const struct opt_desc *d)
{
	const char *const *v;

	fputs(" Values: ", f);
	for (v = d->values(); *v; v++) {
		fputs("\\fB", f);
		roff(f, *v);
		fprintf(f, "\\fR%s", v[1] ? ", " : ".");
	}
}

static void options(FILE *f)
{
	const struct opt_desc *d;
	const char *cat = "";

	for (d = opt_table; d->name; d++) {
		if (strcmp(cat, d->category)) {
			cat = d->category;
			fputs(".SS \"", f);
			roff(f, cat);
			fputs(" options\"\n", f);
		}
		fputs(".TP\n\\fB\\-\\-", f);
		roff(f, d->name);
		fputs("\\fR", f);
		if (d->arg) {
			fputs("=\\fI", f);
			roff(f, d->arg);
			fputs("\\fR", f);
		}
		if (d->type == OPT_BOOL) {
			fputs(", \\fB\\-\\-no\\-", f);
			roff(f, d->name);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff(f, d->help);
		if (d->type != OPT_BOOL && d->def && d->def[0]) {
			fputs(". Default: \\fB", f);
			roff(f, d->def);
			fputs("\\fR", f);
		}
		if (d->type == OPT_BOOL)
			fprintf(f, ". Default: %s", d->def && !strcmp(d->def, "1") ? "on" : "off");
		fputc('.', f);
		if (d->type == OPT_ENUM || d->type == OPT_LIST)
			values(f, d);
		if (d->type == OPT_LIST)
			fputs(" Several may be given, comma-separated.", f);
		fputc('\n', f);
	}
}

static void tp_entry(FILE *f, const char *name, const char *help)
{
	fputs(".TP\n.B ", f);
	roff(f, name);
	fputc('\n', f);
	roff(f, help);
	fputs(".\n", f);
}

/* the mover modes, from mode_table[] */
static void modes(FILE *f)
{
	const struct mode_desc *m;

	for (m = mode_table; m->name; m++)
		tp_entry(f, m->name, m->help);
}

/* the reclaim backends, from the pressure table */
static void backends(FILE *f)
{
	json_t *arr = pressure_list(), *b;
	size_t i;

	json_array_foreach(arr, i, b)
		tp_entry(f, json_string_value(json_object_get(b, "name")),
			 json_string_value(json_object_get(b, "help")));
	json_decref(arr);
}

/* a template line "@NAME@" is replaced by the generated text */
static const struct {
	const char *line;
	void (*gen)(FILE *f);
} generated[] = {
	{ "@OPTIONS@\n", options },
	{ "@MODES@\n", modes },
	{ "@BACKENDS@\n", backends },
};

int man_write(FILE *out, const char *template_path)
{
	FILE *in = fopen(template_path, "re");
	char line[4096], *at;

	if (!in)
		return -errno;
	while (fgets(line, sizeof(line), in)) {
		size_t g;

		for (g = 0; g < sizeof(generated) / sizeof(generated[0]); g++)
			if (!strcmp(line, generated[g].line))
				break;
		if (g < sizeof(generated) / sizeof(generated[0])) {
			generated[g].gen(out);
			continue;
		}
		while ((at = strstr(line, "@VERSION@"))) {
			fwrite(line, 1, at - line, out);
			fputs(PACKAGE_VERSION, out);
			memmove(line, at + 9, strlen(at + 9) + 1);
		}
		fputs(line, out);
	}
	fclose(in);
	return ferror(out) ? -EIO : 0;
}

int cmd_man(struct opts *o, int argc, char **argv, int pos)
{
	int ret;

	(void)o;
	if (pos >= argc) {
		fprintf(stderr, "movestress: man: missing TEMPLATE (man/movestress.1.in)\n");
		return MS_EXIT_USAGE;
	}
	ret = man_write(stdout, argv[pos]);
	if (ret) {
		fprintf(stderr, "movestress: man: %s: %s\n", argv[pos], strerror(-ret));
		return MS_EXIT_ENV;
	}
	return MS_EXIT_PASS;
}
