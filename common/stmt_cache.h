/*
 * stmt_cache.h: prepared statements kept per connection, for the queries a
 * long-running program (the web service) runs on every request: preparing
 * one costs more than running it. A statement is taken with db_stmt(),
 * used by the one thread that uses its connection, and given back with
 * db_stmt_done(), which resets it (ending its read) for the next use.
 */
#ifndef TALLY_STMT_CACHE_H
#define TALLY_STMT_CACHE_H

#include <sqlite3.h>

#include "err.h"

/*
 * The statement for `sql` on `db`, prepared once and kept. `sql` must live
 * as long as the program (a string literal): its address is the key. A
 * statement already taken (a query inside a query) is prepared afresh.
 * NULL with `e` set.
 */
sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql, struct err *e);

/* Gives it back: reset, bindings cleared (one not kept is finalized). NULL is allowed. */
void db_stmt_done(sqlite3_stmt *st);

/* Finalizes every statement kept for `db`: before it is closed (db_close does). */
void db_stmt_forget(sqlite3 *db);

#endif
