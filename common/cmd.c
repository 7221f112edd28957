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

/* What was wrong with the last option cmd_getopt() refused. */
static char bad_option[128];

/* One line for every --help that does not say its own. */
static const char exit_status[] =
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.\n";

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
	if (!p->footer || !strstr(p->footer, "Exit status"))
		fprintf(f, "\n%s", exit_status);
}

/* --version, in the GNU form: name, version, licence. */
static void version(const struct program *p)
{
	printf("%s (Tally) %s\n"
	       "Database schema %d.\n"
	       "Copyright (C) 2026 the Tally authors.\n"
	       "License MIT: <https://opensource.org/licenses/MIT>.\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n",
	       p->name, TALLY_VERSION, TALLY_SCHEMA_VERSION);
}

static const struct command *find(const struct command *table, const char *name)
{
	for (const struct command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Opens the database of a command that only reads it, saying when it is a snapshot. */
static sqlite3 *open_reader(const char *path, struct err *e)
{
	sqlite3 *db = db_open(path, DB_READ_ONLY, NULL, e);

	if (db && db_is_snapshot(db))
		cmd_warn("%s is in a folder you cannot write: reading it as it stands (changes "
			 "another program makes meanwhile are not seen)", path);
	return db;
}

/* Opens ctx->db as `flags` and ctx say. 0 or -1. */
static int open_db(struct cmd_ctx *ctx, unsigned flags, struct err *e)
{
	if (flags & CMD_CREATES_DB)
		ctx->db = db_open(ctx->db_path, DB_MAY_CREATE, &ctx->created, e);
	else if ((flags & CMD_WRITES) || ctx->writes)
		ctx->db = db_open(ctx->db_path, DB_MUST_EXIST, NULL, e);
	else
		ctx->db = open_reader(ctx->db_path, e);
	return ctx->db ? 0 : -1;
}

/* Runs one command as its flags say: parse, open, pick, run, close. */
static int run_command(const struct command *c, int argc, char **argv, struct err *e)
{
	const struct cmd_ops *ops = c->ops;
	struct cmd_ctx ctx = { 0 };
	int rc;

	if (ops->opts_size && !(ctx.opts = calloc(1, ops->opts_size)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	optind = 0; /* getopt starts afresh for each command */
	if ((rc = ops->parse(&ctx, argc, argv, e)) != CMD_GO_ON)
		goto out;
	rc = EXIT_OK;
	if ((c->flags & CMD_NEEDS_DB) && open_db(&ctx, c->flags, e) < 0)
		goto out;
	if ((c->flags & CMD_PICKS_EXERCISE) &&
	    db_pick_exercise(ctx.db, ctx.exercise_code, &ctx.exercise, e) < 0)
		goto out;
	rc = ops->run(&ctx, e);
out:
	if (ctx.db) {
		int failed = rc != EXIT_OK || err_isset(e);

		db_close(ctx.db, e);
		/* A database this run made is not left half set up. */
		if (ctx.created && failed)
			db_remove_files(ctx.db_path);
	}
	if (ops->release && ctx.opts)
		ops->release(ctx.opts);
	free(ctx.opts);
	return rc;
}

/* Runs argv[0] of `table` (argv[0] is the group's name, `prefix`, at the top). */
static int dispatch(const char *prefix, const struct command *table, const char *usage,
		    int argc, char **argv, struct err *e);

/* Runs command c; `parent` is the group it is in ("review"), NULL at the top. */
static int run_entry(const char *parent, const struct command *c, int argc, char **argv,
		     struct err *e)
{
	char path[128];

	/* A group within a group is named in full in its messages ("review sample"). */
	snprintf(path, sizeof path, "%s%s%s", parent ? parent : "", parent ? " " : "", c->name);
	if (c->subcommands)
		return dispatch(path, c->subcommands, c->usage, argc, argv, e);
	return run_command(c, argc, argv, e);
}

static int dispatch(const char *prefix, const struct command *table, const char *usage,
		    int argc, char **argv, struct err *e)
{
	const struct command *c;
	int help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

	if (help && usage)
		return cmd_help(usage);
	if (argc < 2 || help || !(c = find(table, argv[1]))) {
		FILE *f = help ? stdout : stderr;

		if (argc >= 2 && !help)
			fprintf(f, "%s: unknown command '%s %s'\n\n", cmd_progname, prefix, argv[1]);
		fprintf(f, "usage: %s %s COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", cmd_progname,
			prefix);
		list_commands(f, table);
		fprintf(f, "\n'%s %s COMMAND --help' explains a command.\n", cmd_progname, prefix);
		if (help)
			fprintf(f, "\n%s", exit_status);
		return help ? EXIT_OK : EXIT_USAGE;
	}
	return run_entry(prefix, c, argc - 1, argv + 1, e);
}

/* The program's part of cmd_main, before the output is checked. */
static int main_command(const struct program *p, int argc, char **argv, struct err *e)
{
	const struct command *c;

	if (argc < 2) {
		program_help(stderr, p);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		program_help(stdout, p);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		version(p);
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
		return run_entry(NULL, c, 2, help_argv, e);
	}
	if (!(c = find(p->commands, argv[1]))) {
		fprintf(stderr, "%s: unknown command '%s'\n\n", p->name, argv[1]);
		program_help(stderr, p);
		return EXIT_USAGE;
	}
	return run_entry(NULL, c, argc - 1, argv + 1, e);
}

int cmd_main(const struct program *p, int argc, char **argv)
{
	struct err e;
	int rc;

	cmd_progname = p->name;
	err_init(&e);
	rc = main_command(p, argc, argv, &e);
	/* Once, for every command: output lost to a full disk or a closed pipe is a failure. */
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		err_set(&e, EXIT_SYSTEM, "cannot write to standard output: %s",
			errno ? strerror(errno) : "a write failed");
	if (err_isset(&e))
		return err_print(&e, cmd_progname);
	return rc < 0 ? EXIT_SYSTEM : rc;
}

/* Says in bad_option what was wrong with the option getopt refused (`c` '?' or ':'). */
static void describe_bad_option(int c, int argc, char **argv, const struct option *longopts)
{
	const char *arg = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
	size_t len;
	int exact = -1, prefixes = 0;

	if (strncmp(arg, "--", 2) != 0) {
		/* A short option: getopt names it in optopt. */
		if (c == ':')
			snprintf(bad_option, sizeof bad_option, "option '-%c' needs a value", optopt);
		else
			snprintf(bad_option, sizeof bad_option, "unknown option '-%c'", optopt);
		return;
	}
	len = strcspn(arg + 2, "=");
	for (int i = 0; longopts && longopts[i].name; i++) {
		if (strncmp(longopts[i].name, arg + 2, len) != 0)
			continue;
		prefixes++;
		if (strlen(longopts[i].name) == len)
			exact = i;
	}
	if (c == ':')
		snprintf(bad_option, sizeof bad_option, "option '%.*s' needs a value",
			 (int)len + 2, arg);
	else if (exact >= 0 && arg[2 + len] == '=')
		snprintf(bad_option, sizeof bad_option, "option '--%s' takes no value",
			 longopts[exact].name);
	else if (exact < 0 && prefixes > 1)
		snprintf(bad_option, sizeof bad_option, "option '%.*s' is ambiguous", (int)len + 2,
			 arg);
	else if (exact < 0 && prefixes == 1 && arg[2 + len] == '=')
		snprintf(bad_option, sizeof bad_option, "option '%.*s' takes no value",
			 (int)len + 2, arg);
	else
		snprintf(bad_option, sizeof bad_option, "unknown option '%.*s'", (int)len + 2, arg);
}

int cmd_getopt(struct cmd_ctx *ctx, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	char opts[64];
	int c;

	/* getopt says nothing itself: the command's one message says it (with its usage). */
	opterr = 0;
	snprintf(opts, sizeof opts, ":%s", shortopts);
	while ((c = getopt_long(argc, argv, opts, longopts, NULL)) == CMD_OPT_EXERCISE)
		ctx->exercise_code = optarg;
	if (c == '?' || c == ':') {
		describe_bad_option(c, argc, argv, longopts);
		return '?';
	}
	return c;
}

int cmd_bad_option(const char *usage)
{
	return cmd_usage_error(usage, "%s", bad_option[0] ? bad_option : "unknown option");
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
	if (!strstr(usage, "Exit status"))
		printf("\n%s", exit_status);
	return EXIT_OK;
}

int cmd_no_options(struct cmd_ctx *ctx, int argc, char **argv, const char *usage, int nargs,
		   const char *what)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		return cmd_bad_option(usage);
	}
	if (argc - optind != nargs)
		return cmd_usage_error(usage, "%s", what);
	return CMD_GO_ON;
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
