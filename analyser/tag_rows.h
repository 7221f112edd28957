/*
 * tag_rows.h: a batch of tags in memory as a table SQLite can read, so a
 * tag run stores each batch with one INSERT ... SELECT, as SQLite copies
 * rows from one table into another, instead of binding every value.
 */
#ifndef TALLY_TAG_ROWS_H
#define TALLY_TAG_ROWS_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

/* One tag as the tag table stores it. */
struct tag_row {
	long long answer, theme, rule, start, end, response, question;
};

struct tag_rows {
	const struct tag_row *v;
	size_t n;
};

#define TAG_ROWS_POINTER "tally_tag_rows"

/*
 * Makes the table-valued function tally_tag_rows(P) known to `db`: the
 * rows of P, a struct tag_rows bound with sqlite3_bind_pointer() and type
 * TAG_ROWS_POINTER, as columns answer_id, theme_id, rule_no, match_start,
 * match_end, response_id, question_id. A NULL P has no rows. 0, or -1
 * with `e` set.
 */
int tag_rows_register(sqlite3 *db, struct err *e);

#endif
