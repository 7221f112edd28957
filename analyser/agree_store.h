/*
 * agree_store.h: two coders' agreement kept in the database
 * (`analyser agree --store`, schema 0025) and said in the report's "How we
 * counted".
 */
#ifndef TALLY_AGREE_STORE_H
#define TALLY_AGREE_STORE_H

#include <sqlite3.h>

#include "agree.h"
#include "err.h"

/*
 * Stores agreement `ag` of exercise `ex` between the gold files named
 * `a_name` and `b_name`, with the count of responses only one of them
 * coded: the overall figures and each listed theme's table, in one
 * transaction. 0, or -1 with `e` set (EXIT_SYSTEM).
 */
int agree_store(sqlite3 *db, long long ex, const struct agreement *ag, const char *a_name,
		const char *b_name, struct err *e);

/*
 * The newest stored agreement of exercise `ex` in plain words for the
 * public ("Two of our team sorted the same 63 responses ..."), for the
 * caller to free; *line is NULL when none is stored (or the database
 * predates 0025). 0, or -1 with `e` set.
 */
int agree_stored_line(sqlite3 *db, long long ex, char **line, struct err *e);

#endif
