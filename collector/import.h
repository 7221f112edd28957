/*
 * import.h: taking one export file into the database.
 *
 * An import is all or nothing per file: one transaction holds the batch,
 * every accepted response with its answers, and every rejected record with
 * its place and reason. The same file read with the same mapping again is
 * recognised and skipped; a response whose id (or paper serial number) is
 * already in the database is skipped as a duplicate, so an export that
 * overlaps an earlier one adds only what is new.
 */
#ifndef TALLY_IMPORT_H
#define TALLY_IMPORT_H

#include <sqlite3.h>

#include "err.h"
#include "mapping.h"
#include "source.h"

struct import_options {
	const char *format;       /* csv, xlsx, xform, limesurvey; NULL: mapping, then detected */
	const char *channel;      /* NULL: the mapping's, then "online" */
	const char *form;         /* NULL: the mapping's (standard by default) */
	const char *event;        /* an event code for every response, may be NULL */
	const char *officer;      /* who typed the forms in, may be NULL */
	struct source_options src;
	int strict;               /* any rejected record refuses the file */
	int progress;             /* a progress line on a terminal */
	double threshold;         /* outward-code share; <= 0: the exercise's */
};

struct import_stats {
	const char *format;       /* the format read */
	long read;                /* records read, good or bad */
	long accepted;
	long rejected;
	long duplicates;          /* already in the database */
	int already;              /* the whole file was imported before with this mapping */
	long long batch_id;       /* of this import, or of the earlier one when `already` */
};

/*
 * Imports `path` (a file, or a folder of XForm instances) with mapping `m`
 * into exercise `exercise_id`. Rejected records go to the rejects table and,
 * as "file:place: reason", to `rejects` (the first ERR_MAX_LINES); notes such
 * as unmapped columns to `warnings`. Returns 0 when the file was imported (or
 * skipped as already imported), -1 with `e` set when it was refused and the
 * database left as it was: the file cannot be read, the mapping does not fit
 * it, --strict with a rejected record, or a database failure.
 */
int import_file(sqlite3 *db, long long exercise_id, const struct mapping *m, const char *path,
		const struct import_options *opt, struct import_stats *stats, struct err *rejects,
		struct err *warnings, struct err *e);

/* A fingerprint of a file, or of a folder's XML files, names and contents. */
int source_fingerprint(const char *path, char *hex, struct err *e);

#endif
