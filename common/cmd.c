#include "cmd.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "version.h"

const char *cmd_progname = "tally";

static void list_commands(FILE *f, const struct command *table)
{
	for (const struct command *c = table; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
}

static void program_help(FILE *f, const struct program *p)
{
	fprintf(f, "usage: %s COMMAND [OPTIONS] [ARGS]\n\n%s\n\ncommands:\n", p->name, p->about);
	list_commands(f, p->commands);
	fprintf(f, "\n'%s COMMAND --help' explains a command. '%s --version' prints the version.\n",
		p->name, p->name);
	if (p->footer)
		fprintf(f, "\n%s\n", p->footer);
}

static const struct command *find(const struct command *table, const char *name)
{
	for (const struct command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cmd_main(const struct program *p, int argc, char **argv)
{
	const struct command *c;

	cmd_progname = p->name;
	if (argc < 2) {
		program_help(stderr, p);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		program_help(stdout, p);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s (schema %d)\n", p->name, TALLY_VERSION, TALLY_SCHEMA_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			program_help(stdout, p);
			return EXIT_OK;
		}
		if (!(c = find(p->commands, argv[2]))) {
			fprintf(stderr, "%s: unknown command '%s'\n", p->name, argv[2]);
			return EXIT_USAGE;
		}
		char *help_argv[] = { argv[2], "--help", NULL };
		return c->run(2, help_argv);
	}
	if (!(c = find(p->commands, argv[1]))) {
		fprintf(stderr, "%s: unknown command '%s'\n\n", p->name, argv[1]);
		program_help(stderr, p);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}

int cmd_dispatch(const char *prefix, const struct command *table, int argc, char **argv)
{
	const struct command *c;
	int help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

	if (argc < 2 || help || !(c = find(table, argv[1]))) {
		FILE *f = help ? stdout : stderr;

		if (argc >= 2 && !help)
			fprintf(f, "%s: unknown command '%s %s'\n\n", cmd_progname, prefix, argv[1]);
		fprintf(f, "usage: %s %s COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", cmd_progname,
			prefix);
		list_commands(f, table);
		fprintf(f, "\n'%s %s COMMAND --help' explains a command.\n", cmd_progname, prefix);
		return help ? EXIT_OK : EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}

int cmd_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

int cmd_help(const char *usage)
{
	fputs(usage, stdout);
	return EXIT_OK;
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_parse_double(const char *opt, const char *s, double min, double max, double *out,
		     const char *usage)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max) {
		cmd_usage_error(usage, "%s takes a number from %g to %g, not '%s'", opt, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_long(const char *opt, const char *s, long min, long max, long *out,
		   const char *usage)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		cmd_usage_error(usage, "%s takes a whole number from %ld to %ld, not '%s'", opt, min,
				max, s);
		return -1;
	}
	*out = v;
	return 0;
}

sqlite3 *cmd_open_reader(const char *path, struct err *e)
{
	sqlite3 *db = db_open(path, DB_READ_ONLY, NULL, e);

	if (db && db_is_snapshot(db))
		cmd_warn("%s is in a folder you cannot write: reading it as it stands (changes "
			 "another program makes meanwhile are not seen)", path);
	return db;
}
