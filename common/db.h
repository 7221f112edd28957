/*
 * db.h: opening the survey database and keeping its schema current.
 *
 * The schema lives in schema/NNNN-name.sql, compiled into the programs; the
 * database's PRAGMA user_version says how many of those steps it has had.
 * Opening a database brings it up to date, one step per transaction; a
 * database written by a newer program is refused, as is a file that is not
 * SQLite or belongs to another application.
 */
#ifndef TALLY_DB_H
#define TALLY_DB_H

#include <sqlite3.h>

#include "err.h"

#define DB_APPLICATION_ID 0x54616c79 /* "Taly", in the file header */

enum db_open_mode {
	DB_MUST_EXIST, /* a missing file is an error */
	DB_MAY_CREATE, /* a missing file is created, mode 0600 */
	DB_READ_ONLY,  /* must exist; the handle never writes (query_only), and
			  a database in a read-only folder is read as it stands */
};

/* The schema version this program writes: the number of migrations. */
int db_schema_version(void);

/* The name of migration `version` (1-based), e.g. "0002-responses.sql". */
const char *db_migration_name(int version);

/*
 * Opens `path`, sets foreign keys, WAL, full sync and a busy timeout, and
 * migrates it to db_schema_version(). *created (may be NULL) is set when the
 * file did not exist before; on failure a file this call created is removed.
 * DB_READ_ONLY (for commands that only read) opens a handle that cannot
 * write; where the folder or the file cannot be written, the database is
 * opened read-only (SQLite's mode=ro), or, when it has no -wal file with
 * changes in it, as an immutable snapshot (db_is_snapshot()); a database
 * that needs upgrading is refused there.
 * Returns a handle the caller closes with db_close(), or NULL with `e` set.
 */
sqlite3 *db_open(const char *path, enum db_open_mode mode, int *created, struct err *e);

/*
 * True when `db` was opened DB_READ_ONLY from a folder this user cannot
 * write, as a snapshot (SQLite's immutable=1): changes another program
 * makes meanwhile are not seen. Commands say so.
 */
int db_is_snapshot(sqlite3 *db);

/* Opens `path` without migrating (tests, upgrade checks). Same errors. */
sqlite3 *db_open_raw(const char *path, enum db_open_mode mode, int *created, struct err *e);

/*
 * Applies migrations until user_version is `target` (<= the schema version),
 * each in its own transaction. Refuses a newer database. 0 or -1.
 */
int db_migrate_to(sqlite3 *db, const char *path, int target, struct err *e);

/*
 * Closes (sqlite3_close_v2: a statement still unfinalized holds the handle
 * until it is finalized, instead of failing the close); NULL is allowed.
 * Returns -1 with `e` set if the close failed.
 */
int db_close(sqlite3 *db, struct err *e);

/* Removes a database file and its -wal and -shm companions. */
void db_remove_files(const char *path);

/* Runs SQL with no results. 0 or -1 (EXIT_SYSTEM, naming `what`). */
int db_exec(sqlite3 *db, const char *sql, const char *what, struct err *e);

/* Prepares one statement; NULL with `e` set on failure. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, struct err *e);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (rollback never fails loudly). */
int db_begin(sqlite3 *db, struct err *e);
int db_commit(sqlite3 *db, struct err *e);
void db_rollback(sqlite3 *db);

/*
 * A write transaction unless the caller has one: db_begin_own() begins one
 * only when none is open, *own saying so; db_end_own() then commits it when
 * rc is 0, else rolls it back, and returns rc (or -1 if the commit failed).
 * Inside the caller's transaction both leave it to the caller.
 */
int db_begin_own(sqlite3 *db, int *own, struct err *e);
int db_end_own(sqlite3 *db, int own, int rc, struct err *e);

/* Sets `e` from the handle's last error, saying what was being done. -1. */
int db_fail(sqlite3 *db, const char *what, struct err *e);

/*
 * Runs a query that returns one integer (e.g. a count); *out gets it, or
 * `dflt` when there is no row. The statement is given bound text parameters
 * ?1..?n from `params` (n may be 0). 0 or -1.
 */
int db_int(sqlite3 *db, const char *sql, long long dflt, long long *out,
	   struct err *e, int n, ...);

/*
 * Picks the exercise a command works on: the one called `code`, or, with
 * code NULL, the only one in the database. 0 or -1 (none, or several and
 * no code given: EXIT_USAGE).
 */
int db_pick_exercise(sqlite3 *db, const char *code, long long *exercise_id, struct err *e);

#endif
