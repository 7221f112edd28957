/*
 * refi_internal.h: what the REFI-QDA codebook and project writers share
 * (refi_codebook.c, refi_project.c): the rule set's themes with their
 * GUIDs, and the <Codes> element both formats hold.
 */
#ifndef TALLY_REFI_INTERNAL_H
#define TALLY_REFI_INTERNAL_H

#include <libxml/xmlwriter.h>

#include "refi.h"

struct refi_theme {
	long long id, parent_id;        /* theme.id, theme.parent_id (0: top level) */
	char *code, *label, *description; /* description may be NULL */
	char guid[REFI_GUID_LEN + 1];
};

struct refi_themes {
	char *exercise, *title;          /* the exercise's code and title */
	char *rules_file, *rules_sha;    /* the rule set last used */
	struct refi_theme *t;            /* in the rules file's order */
	size_t n;
};

/*
 * Reads exercise `ex`'s themes into `th` (zeroed first; release with
 * refi_themes_release() also on failure). -1 with `e` set: EXIT_DATA when
 * no rule set has been used on the exercise.
 */
int refi_themes_load(sqlite3 *db, long long ex, struct refi_themes *th, struct err *e);

void refi_themes_release(struct refi_themes *th);

/*
 * Writes <Codes> with every theme as a <Code>, sub-themes inside their
 * parents, each with its Description (what it covers, its Tally code and
 * the rules that found it, read from the tags in `db`). The writer's
 * namespace is whatever element holds it. -1 with `e` set.
 */
int refi_write_codes(xmlTextWriterPtr w, sqlite3 *db, const struct refi_themes *th,
		     struct err *e);

/* Writes `len` bytes at `buf` to `path`, whole or not at all. */
int refi_write_file(const char *path, const void *buf, size_t len, struct err *e);

#endif
