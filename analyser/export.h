/*
 * export.h: the Healthwatch export: theme by district, by channel and by
 * each demographic question, with disclosure control applied and a notes
 * sheet saying exactly how.
 */
#ifndef TALLY_EXPORT_H
#define TALLY_EXPORT_H

#include <sqlite3.h>

#include "err.h"
#include "sdc.h"

struct ledger;
struct crosswalk;

enum export_format { EXPORT_UNKNOWN, EXPORT_XLSX, EXPORT_CSV, EXPORT_XML };

struct export_options {
	enum export_format format;
	struct sdc_rule rule;
	int level;            /* 0: every level of theme */
	const char *stamp;    /* "produced on" text, or NULL for none (reproducible) */
	struct ledger *ledger; /* hide consistently with other publications (ledger.h); or NULL */
	const struct crosswalk *crosswalk; /* the recipient's frame (crosswalk.h); NULL: the
					      Healthwatch layout, every theme as it is */
	int rules_only;       /* the rules' tags alone, not with the review decisions */
	struct progress_ticker *tick; /* told of each table counted (progress.h); or NULL */
};

/* The format a file name asks for, by its ending. */
enum export_format export_format_of(const char *path);

/*
 * Writes the export of exercise `ex` to `path`, whole or not at all, mode
 * 0600, and its data dictionary beside it (export_beside()). The same
 * database and rules give byte-identical files. 0, or -1 with `e` set.
 */
int export_healthwatch(sqlite3 *db, long long ex, const char *path,
		       const struct export_options *opt, struct err *e);

/*
 * Writes the same tables as export_healthwatch() as data (`opt->format` CSV
 * or XLSX): one header row, codes and labels apart, counts numeric with a
 * status column saying what disclosure control did, totals flagged by a
 * column. A CSV gets PATH-less-ending.notes.csv beside it, a workbook a
 * Notes sheet; both a .dictionary.csv describing every column (and the
 * workbook a Dictionary sheet). Files mode 0600, each whole or not at all;
 * the same database and rules give the same bytes. 0, or -1 with `e` set.
 */
int export_tables(sqlite3 *db, long long ex, const char *path, const struct export_options *opt,
		  struct err *e);

/*
 * Writes one row per counted response and free-text answer of exercise `ex`
 * to `path` (`opt->format` CSV or XLSX, `opt->rules_only`; the rest of `opt`
 * is not used): the
 * response's channel, form, event, district and demographics, the answer
 * (redacted with common/redact.h unless `raw`), the themes as counted
 * (`opt->rules_only`: the rules' alone), the rules' own, the review's
 * decisions and their reasons (redacted unless `raw`), with a
 * .dictionary.csv beside it (and a Dictionary sheet). Not under
 * disclosure control: for analysis inside the organisation, not publication.
 * Mode 0600, whole or not at all. 0, or -1 with `e` set.
 */
int export_rows(sqlite3 *db, long long ex, const char *path, const struct export_options *opt,
		int raw, struct err *e);

/* Removes an export and the dictionary beside it; with `notes`, its notes too (--tables CSV). */
void export_remove(const char *path, int notes);

#endif
