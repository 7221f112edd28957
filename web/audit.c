#include "audit.h"

#include "db.h"
#include "stmt_cache.h"

int audit_log(sqlite3 *db, const char *account, const char *address, const char *action,
	      const char *object, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_stmt(db, "INSERT INTO audit (at, account, address, action, object) VALUES "
			       "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4)", e)))
		return -1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, object, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	db_stmt_done(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "recording it in the audit", e);
	return 0;
}
