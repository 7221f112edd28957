/*
 * counts.h: respondents mentioning each theme, by district.
 *
 * A respondent mentions a theme when any of their free-text answers carries
 * a tag for it or for one of its sub-themes. Only responses that count for
 * analysis are counted: those accepted as entered or verified by a second
 * entry (not those waiting for a second entry or with differences).
 */
#ifndef TALLY_COUNTS_H
#define TALLY_COUNTS_H

#include <sqlite3.h>
#include <stdio.h>

#include "err.h"

struct count_table {
	size_t nrows, ncols;        /* themes; districts plus "not known" */
	char **row_code, **row_label;
	int *row_depth;
	char **col_code, **col_label;
	long *cells;                /* nrows x ncols */
	long *row_total;            /* respondents mentioning the theme anywhere */
	long *col_any;              /* respondents in the column mentioning any theme */
	long *col_base;             /* respondents in the column (the denominator) */
	long any_total, base_total;
};

/*
 * Builds the headline table for exercise `ex` with its current rule set;
 * `max_depth` 0 keeps every level. Returns a table to free with
 * count_table_free(), or NULL with `e` set (no rule set yet: EXIT_USAGE).
 */
struct count_table *counts_headline(sqlite3 *db, long long ex, int max_depth, struct err *e);

void count_table_free(struct count_table *t);

/* An aligned table for a terminal; `percent` shows % of respondents instead. */
void counts_print_table(const struct count_table *t, int percent, FILE *out);

#endif
