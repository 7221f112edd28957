/*
 * err.h: errors said once, where they are found, with a place.
 *
 * Functions that can fail take a `struct err *` and return -1 (or NULL) after
 * filling it in with err_set(); callers that only propagate leave it alone.
 * Only a program's main() prints, through err_print(), prefixed with the
 * program name. Messages are lowercase, problem first, with "file:line: "
 * in front when there is a place.
 */
#ifndef TALLY_ERR_H
#define TALLY_ERR_H

#include <stddef.h>

/* Exit codes shared by both programs (documented in README.md). */
enum exit_code {
	EXIT_OK = 0,     /* done */
	EXIT_DATA = 1,   /* the input is wrong: a file, a value, a definition */
	EXIT_USAGE = 2,  /* the command line is wrong */
	EXIT_SYSTEM = 3, /* the system or the database failed */
};

#define ERR_MAX_LINES 20     /* lines kept; later ones are only counted */
#define ERR_LINE_LEN 512

struct err {
	enum exit_code code;            /* EXIT_OK while nothing is set */
	int nlines;                     /* lines kept in `lines` */
	int dropped;                    /* lines beyond ERR_MAX_LINES */
	char lines[ERR_MAX_LINES][ERR_LINE_LEN];
};

/* An empty error, EXIT_OK. */
void err_init(struct err *e);

/*
 * Sets the error's code (the first non-OK code wins) and adds one message
 * line formatted like printf. Returns -1 so callers can `return err_set(…)`.
 * A NULL `e` is allowed and ignored.
 */
int err_set(struct err *e, enum exit_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True when an error has been set. */
int err_isset(const struct err *e);

/* The first line, or "" when none: handy in tests. */
const char *err_first(const struct err *e);

/* True when any line contains `needle`: handy in tests. */
int err_contains(const struct err *e, const char *needle);

/* Prints every line to stderr as "PROG: line"; returns e->code. */
enum exit_code err_print(const struct err *e, const char *prog);

#endif
