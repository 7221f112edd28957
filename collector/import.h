/*
 * import.h: taking one export file into the database.
 *
 * An import is all or nothing per file: one transaction holds the batch,
 * every accepted response with its answers, and every rejected record with
 * its place and reason. The same file read with the same mapping again is
 * recognised and skipped; a response whose id (or paper serial number) is
 * already in the database is skipped as a duplicate, so an export that
 * overlaps an earlier one adds only what is new. An edited XForm submission
 * (meta/deprecatedID naming the instance it replaces) takes the place of the
 * earlier version, in the same file or imported before, and is recorded in
 * response_edit; an edit of an erased response is skipped like it.
 */
#ifndef TALLY_IMPORT_H
#define TALLY_IMPORT_H

#include <sqlite3.h>

#include "err.h"
#include "mapping.h"
#include "postcode.h"
#include "source.h"
#include "store.h"

/*
 * The longest values an import keeps, in bytes once spaces are trimmed from
 * both ends. A longer one is never cut (two ids cut to one would be taken
 * for one response): its record is rejected, saying which limit it passed.
 */
#define IMPORT_MAX_ID 255      /* a response id (the prefix is added to it) */
#define IMPORT_MAX_SERIAL 127  /* a paper form's serial number */
#define IMPORT_MAX_VALUE 255   /* an event code, a date, an officer's name */
/* The mapping's <response-id prefix> (or the format's name): a longer one refuses the file. */
#define IMPORT_MAX_ID_PREFIX 60
/* Options one answer can tick: a record with more is rejected. */
#define IMPORT_MAX_PICKS 256

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

struct import_district {
	char *name;               /* the district's name, "not known" or "outside the area" */
	long count;
};

struct import_stats {
	const char *format;       /* the format read */
	long read;                /* records read, good or bad */
	long accepted;
	long rejected;
	long duplicates;          /* already in the database */
	long erased;              /* erased earlier at the respondent's request: skipped */
	long outside;             /* kept, dated outside the exercise's opens..closes: flagged */
	long superseded;          /* versions replaced by a later edit (ODK meta/deprecatedID),
				     in this file or imported earlier: skipped, not a person */
	long replaced;            /* of `accepted`: edits that replaced an earlier response */
	long no_answer;           /* cells of accepted responses the mapping reads as no answer */
	long cross_checked;       /* of `accepted`: stored as given, though they break a
				     cross-field check (crosscheck.h); each is a warning */
	int already;              /* the whole file was imported before with this mapping */
	long long batch_id;       /* of this import, or of the earlier one when `already` */
	/* The accepted responses by district: named districts by name, then
	   "not known" and "outside the area". Free with import_stats_free(). */
	struct import_district *districts;
	size_t ndistricts;
};

/* Frees what import_file() put in `stats` (the districts), and zeroes them. */
void import_stats_free(struct import_stats *stats);

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

#endif
