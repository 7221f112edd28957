#include "throttle.h"

#include "db.h"

static const char *kind_name(enum throttle_kind k)
{
	return k == THROTTLE_BY_ACCOUNT ? "account" : "address";
}

static long limit(enum throttle_kind k)
{
	return k == THROTTLE_BY_ACCOUNT ? THROTTLE_ACCOUNT : THROTTLE_ADDRESS;
}

int throttle_blocked(sqlite3 *db, enum throttle_kind k, const char *key, long now, int *blocked,
		     struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*blocked = 0;
	if (!(st = db_prepare(db, "SELECT failures FROM login_throttle WHERE kind = ?1 AND "
				  "key = lower(?2) AND window_start > ?3", e)))
		return -1;
	sqlite3_bind_text(st, 1, kind_name(k), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now - THROTTLE_WINDOW);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*blocked = sqlite3_column_int64(st, 0) >= limit(k);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the login throttle", e);
	return 0;
}

int throttle_fail(sqlite3 *db, enum throttle_kind k, const char *key, long now, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	/* A window that has ended starts again at this failure. */
	if (!(st = db_prepare(db, "INSERT INTO login_throttle (kind, key, failures, window_start) "
				  "VALUES (?1, lower(?2), 1, ?3) ON CONFLICT (kind, key) DO UPDATE "
				  "SET failures = CASE WHEN window_start > ?3 - ?4 THEN failures + 1 "
				  "ELSE 1 END, window_start = CASE WHEN window_start > ?3 - ?4 THEN "
				  "window_start ELSE ?3 END", e)))
		return -1;
	sqlite3_bind_text(st, 1, kind_name(k), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, THROTTLE_WINDOW);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "counting a failed login", e);
	return 0;
}

int throttle_clear(sqlite3 *db, enum throttle_kind k, const char *key, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(db, "DELETE FROM login_throttle WHERE kind = ?1 AND key = lower(?2)",
			      e)))
		return -1;
	sqlite3_bind_text(st, 1, kind_name(k), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "clearing the login throttle", e);
	return 0;
}
