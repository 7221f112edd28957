/*
 * tag_sum.c: the snapshot's checksum of the tags (see tag_sum.h).
 */
#include "tag_sum.h"

#include <sqlite3.h>

#include "db.h"

/*
 * SQLite before 3.43 kept total()'s sum in a double, adding each integer
 * to it; 3.43 keeps integers exact and converts at the end. Both give the
 * exact sum while it is below 2^53 (every partial sum of these non-negative
 * terms is then exact in a double).
 */
int tag_sum_order_matters(const struct tag_sum *s)
{
	return s->exact > ((int64_t)1 << 53) && sqlite3_libversion_number() < 3043000;
}

double tag_sum_value(const struct tag_sum *s)
{
	return tag_sum_order_matters(s) ? s->rounded : (double)s->exact;
}

int response_id_span(sqlite3 *db, long long ex, long long *n, long long *lo, long long *hi,
		     const char *doing, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*), min(id), max(id) FROM response "
				      "WHERE exercise_id = ?1", e);
	int rc;

	*n = *lo = *hi = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		*lo = sqlite3_column_int64(st, 1);
		*hi = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, doing, e);
}
