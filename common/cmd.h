/*
 * cmd.h: each program is a table of commands; each command parses its own
 * options with getopt_long and owns its usage text. The table's flags say
 * what the dispatcher does around it: open and close the database, pick the
 * exercise, check that standard output was written (as git's run_builtin).
 */
#ifndef TALLY_CMD_H
#define TALLY_CMD_H

#include <getopt.h>
#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

/*
 * What the dispatcher does around a command (the flags of its table entry):
 */
enum cmd_flags {
	CMD_NEEDS_DB = 1 << 0,       /* opens ctx->db_path (named by parse) before run, closes
					it after; read-only (DB_READ_ONLY, saying when it is
					a snapshot) unless: */
	CMD_WRITES = 1 << 1,         /* opened for writing (db_open DB_MUST_EXIST) */
	CMD_CREATES_DB = 1 << 2,     /* opened DB_MAY_CREATE; a file it made is removed again
					when run fails */
	CMD_PICKS_EXERCISE = 1 << 3, /* picks the exercise: --exercise CODE (cmd_getopt), else a
					default parse gave, else the only one */
};

/* What the dispatcher and a command share while the command runs. */
struct cmd_ctx {
	/* Set by the command's parse step. */
	const char *db_path;       /* CMD_NEEDS_DB: the database */
	const char *exercise_code; /* --exercise CODE; parse may set a default when it is NULL */
	int writes;                /* open for writing although the flags do not say so (a
				      publication that records what it publishes) */
	void *opts;                /* the command's own options: opts_size zeroed bytes */
	/* Set by the dispatcher before run. */
	sqlite3 *db;               /* CMD_NEEDS_DB: open */
	int created;               /* CMD_CREATES_DB: the file did not exist before */
	long long exercise;        /* CMD_PICKS_EXERCISE: the picked exercise's id */
};

/* parse returns this to go on to run (it is no exit code). */
#define CMD_GO_ON 256

/* The two steps of a command and the size of its options. */
struct cmd_ops {
	/* Reads the command line (argv[0] is the command's name) into ctx->opts and
	   ctx; checks whatever can be checked before the database is opened.
	   Returns CMD_GO_ON, an exit code (--help, a usage error), or -1 with `e`
	   set. */
	int (*parse)(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);
	/* Does the work. Returns an exit code, or -1 with `e` set (its code wins). */
	int (*run)(struct cmd_ctx *ctx, struct err *e);
	/* Frees what parse kept in ctx->opts (may be NULL). */
	void (*release)(void *opts);
	size_t opts_size;
};

struct command {
	const char *name;
	const struct cmd_ops *ops;         /* NULL for a group of subcommands */
	unsigned flags;                    /* enum cmd_flags */
	const char *summary;               /* one line for the program's help */
	const struct command *subcommands; /* `collector postcodes load`: ends with a zeroed entry */
	const char *usage;                 /* a group's help; NULL lists its subcommands */
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
 * returns EXIT_USAGE. A command runs as its flags say: parse, open the
 * database, pick the exercise, run, close. Whatever ran, standard output is
 * flushed and checked last: output that could not be written is exit 3.
 * Returns the exit code.
 */
int cmd_main(const struct program *p, int argc, char **argv);

/* The getopt_long entry of --exercise CODE, for the commands that pick one. */
#define CMD_OPT_EXERCISE 0x4578
#define CMD_EXERCISE_OPTION { "exercise", required_argument, NULL, CMD_OPT_EXERCISE }

/*
 * getopt_long() for a command's parse step: takes --exercise CODE into
 * ctx->exercise_code itself and returns the other options as getopt_long
 * does. getopt prints nothing: an unknown option, one missing its value or
 * given one it does not take returns '?', and cmd_bad_option() says which.
 */
int cmd_getopt(struct cmd_ctx *ctx, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/*
 * Prints what was wrong with the option cmd_getopt() last returned '?' for,
 * once, with the usage text (cmd_usage_error); returns EXIT_USAGE.
 */
int cmd_bad_option(const char *usage);

/*
 * Prints "PROG: MESSAGE" and the usage text to stderr; returns EXIT_USAGE.
 * For unknown options, missing or extra arguments and bad option values.
 */
int cmd_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Prints the usage text to stdout, and the exit codes when the text does
 * not give its own "Exit status"; returns EXIT_OK (for --help).
 */
int cmd_help(const char *usage);

/*
 * The parse step of a command that takes no options but --help: exactly
 * `nargs` arguments (argv[optind]...), else a usage error saying `what`.
 * Returns CMD_GO_ON or an exit code.
 */
int cmd_no_options(struct cmd_ctx *ctx, int argc, char **argv, const char *usage, int nargs,
		   const char *what);

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
