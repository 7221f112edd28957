/*
 * cmd.h: each program is a table of commands; each command parses its own
 * options with getopt_long and owns its usage text.
 */
#ifndef TALLY_CMD_H
#define TALLY_CMD_H

#include <sqlite3.h>

#include "err.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
	const char *summary;               /* one line for the program's help */
};

struct program {
	const char *name;                  /* "collector" */
	const char *about;                 /* paragraph shown above the commands */
	const struct command *commands;    /* ends with a zeroed entry */
	const char *footer;                /* shown after the commands, may be NULL */
};

/* The name messages are prefixed with; set by cmd_main. */
extern const char *cmd_progname;

/*
 * Runs the command named in argv[1]: `--help`, `help [COMMAND]` and
 * `--version` are handled here; an unknown command prints usage and
 * returns EXIT_USAGE. Returns the exit code.
 */
int cmd_main(const struct program *p, int argc, char **argv);

/*
 * Runs argv[1] of a command that has subcommands (`collector postcodes load`).
 * `prefix` is "postcodes" for the messages.
 */
int cmd_dispatch(const char *prefix, const struct command *table, int argc, char **argv);

/*
 * Prints "PROG: MESSAGE" and the usage text to stderr; returns EXIT_USAGE.
 * For unknown options, missing or extra arguments and bad option values.
 */
int cmd_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the usage text to stdout; returns EXIT_OK (for --help). */
int cmd_help(const char *usage);

/*
 * Opens the database of a command that only reads it (db_open() with
 * DB_READ_ONLY), saying on stderr when a read-only folder makes it a
 * snapshot. NULL with `e` set on failure; the caller closes it.
 */
sqlite3 *cmd_open_reader(const char *path, struct err *e);

/* Prints "PROG: MESSAGE" to stderr (warnings and notes). */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parses a decimal number in [min, max] from an option value; on a bad value
 * prints a usage error and returns -1 (the caller returns EXIT_USAGE).
 */
int cmd_parse_double(const char *opt, const char *s, double min, double max, double *out,
		     const char *usage);

/* The same for a whole number in [min, max]. */
int cmd_parse_long(const char *opt, const char *s, long min, long max, long *out,
		   const char *usage);

#endif
