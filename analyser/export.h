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

enum export_format { EXPORT_UNKNOWN, EXPORT_XLSX, EXPORT_CSV, EXPORT_XML };

struct export_options {
	enum export_format format;
	struct sdc_rule rule;
	int level;            /* 0: every level of theme */
	const char *stamp;    /* "produced on" text, or NULL for none (reproducible) */
	struct ledger *ledger; /* hide consistently with other publications (ledger.h); or NULL */
};

/* The format a file name asks for, by its ending. */
enum export_format export_format_of(const char *path);

/*
 * Writes the export of exercise `ex` to `path`, whole or not at all, mode
 * 0600. The same database and rules give byte-identical files. 0, or -1
 * with `e` set.
 */
int export_healthwatch(sqlite3 *db, long long ex, const char *path,
		       const struct export_options *opt, struct err *e);

#endif
