#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "stmt_cache.h"

struct embedded_file {
	const char *name;
	const char *text;
};

#include "migrations.inc"

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
#define BUSY_TIMEOUT_MS 30000 /* an import and a tag run may overlap */

int db_schema_version(void)
{
	return NMIGRATIONS;
}

const char *db_migration_name(int version)
{
	if (version < 1 || version > NMIGRATIONS)
		return NULL;
	return migrations[version - 1].name;
}

int db_fail(sqlite3 *db, const char *what, struct err *e)
{
	int rc = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
	const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
	const char *file = db ? sqlite3_db_filename(db, "main") : NULL;
	const char *base = file ? strrchr(file, '/') : NULL;
	char named[512];

	/* Which file, unless `what` says already (a disk error names its file). */
	base = base ? base + 1 : file;
	if (file && *file && !strstr(what, base)) {
		snprintf(named, sizeof named, "%s: %s", file, what);
		what = named;
	}

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return err_set(e, EXIT_SYSTEM,
			       "%s: the database stayed busy for %d seconds; another program is "
			       "writing to it: try again when it has finished",
			       what, BUSY_TIMEOUT_MS / 1000);
	if ((rc & 0xff) == SQLITE_FULL)
		return err_set(e, EXIT_SYSTEM, "%s: the disk is full", what);
	if ((rc & 0xff) == SQLITE_READONLY)
		return err_set(e, EXIT_SYSTEM, "%s: the database is read-only (%s)", what, msg);
	return err_set(e, EXIT_SYSTEM, "%s: %s", what, msg);
}

int db_exec(sqlite3 *db, const char *sql, const char *what, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		return db_fail(db, what, e);
	}
	return 0;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "preparing a query", e);
		return NULL;
	}
	return st;
}

int db_begin(sqlite3 *db, struct err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", "starting a transaction", e);
}

int db_commit(sqlite3 *db, struct err *e)
{
	return db_exec(db, "COMMIT", "saving the changes", e);
}

void db_rollback(sqlite3 *db)
{
	if (db && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int db_begin_own(sqlite3 *db, int *own, struct err *e)
{
	*own = sqlite3_get_autocommit(db);
	return *own ? db_begin(db, e) : 0;
}

int db_end_own(sqlite3 *db, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc == 0)
		return db_commit(db, e);
	db_rollback(db);
	return rc;
}

int db_int(sqlite3 *db, const char *sql, long long dflt, long long *out,
	   struct err *e, int n, ...)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	va_list ap;
	int rc;

	if (!st)
		return -1;
	/* Static: the strings outlive the statement, and a copy could fail to be
	   made under memory pressure, silently leaving the parameter NULL. */
	va_start(ap, n);
	for (int i = 1; i <= n; i++)
		sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_STATIC);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = dflt;
	else
		db_fail(db, "reading the database", e);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

void db_remove_files(const char *path)
{
	char buf[4096];

	unlink(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-journal", path);
	unlink(buf);
}

/* Creates an empty file readable by its owner only: responses are personal data. */
static int create_private(const char *path, int *created, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return err_set(e, EXIT_SYSTEM, "cannot create database %s: %s", path,
			       strerror(errno));
	}
	close(fd);
	*created = 1;
	return 0;
}

/*
 * Before SQLite's first use: no memory statistics, which cost a global
 * mutex on every allocation. (Too late when something opened a database
 * first; SQLite then keeps its defaults, which are only slower.)
 */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Whether `path` has a -wal file with something in it. */
static int wal_pending(const char *path)
{
	char wal[4096];
	struct stat sb;

	snprintf(wal, sizeof wal, "%s-wal", path);
	return stat(wal, &sb) == 0 && sb.st_size > 0;
}

/* `path` as an SQLite URI with `query` ("immutable=1"), into a buffer the caller frees. */
static char *uri_of(const char *path, const char *query)
{
	char *uri = malloc(strlen(path) * 3 + strlen(query) + 8), *o = uri;

	if (!uri)
		return NULL;
	o += sprintf(o, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
			o += sprintf(o, "%%%02X", *p);
		else
			*o++ = (char)*p;
	sprintf(o, "?%s", query);
	return uri;
}

/*
 * Opens `path` into *db: attempt 0 read-write (SQLite falls back to reading
 * a file it cannot write), 1 read-only, 2 read-only and immutable. 0 or -1.
 */
static int open_attempt(const char *path, int attempt, sqlite3 **db, struct err *e)
{
	int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	char *uri = NULL;
	int rc;

	if (attempt == 0) {
		flags |= SQLITE_OPEN_READWRITE;
	} else {
		flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
		if (!(uri = uri_of(path, attempt == 1 ? "mode=ro" : "immutable=1")))
			return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	rc = sqlite3_open_v2(uri ? uri : path, db, flags, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return err_set(e, EXIT_SYSTEM, "cannot open database %s: %s", path,
			       *db ? sqlite3_errmsg(*db) : "out of memory");
	return 0;
}

int db_is_snapshot(sqlite3 *db)
{
	const char *name = db ? sqlite3_db_filename(db, "main") : NULL;

	return name && sqlite3_uri_boolean(name, "immutable", 0);
}

sqlite3 *db_open_raw(const char *path, enum db_open_mode mode, int *created, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	sqlite3 *db = NULL;
	struct stat sb;
	long long appid = 0, version = 0, tables = 0;
	int made = 0;

	if (created)
		*created = 0;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || mode != DB_MAY_CREATE) {
			err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM,
				"cannot open database %s: %s%s", path, strerror(errno),
				errno == ENOENT ? " (create it with 'collector init')" : "");
			return NULL;
		}
		if (create_private(path, &made, e) < 0)
			return NULL;
	} else if (!S_ISREG(sb.st_mode)) {
		err_set(e, EXIT_USAGE, "cannot open database %s: not a regular file", path);
		return NULL;
	}
	pthread_once(&once, sqlite_setup);
	/* A connection is only ever used by the thread that opened it, so it
	   needs no mutex of its own (the tagger's threads never touch it). */
	for (int attempt = 0;; attempt++) {
		int rc;

		if (open_attempt(path, attempt, &db, e) < 0)
			goto fail;
		sqlite3_extended_result_codes(db, 1);
		sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
		/* The first read tells a database from some other file. */
		if (db_int(db, "PRAGMA application_id", 0, &appid, NULL, 0) == 0 &&
		    db_int(db, "PRAGMA user_version", 0, &version, NULL, 0) == 0 &&
		    db_int(db, "SELECT count(*) FROM sqlite_schema", 0, &tables, NULL, 0) == 0)
			break;
		rc = sqlite3_errcode(db) & 0xff;
		/* WAL needs to write the -shm file: in a folder this user cannot
		   write, a reader tries read-only, then as a snapshot. */
		if (mode == DB_READ_ONLY && attempt < 2 &&
		    (rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || rc == SQLITE_PERM)) {
			if (attempt == 1 && wal_pending(path)) {
				err_set(e, EXIT_SYSTEM, "cannot read %s: its folder cannot be written and "
					"its -wal file holds changes not yet saved into it: open it once "
					"where it can be written, or ask its owner to", path);
				goto fail;
			}
			sqlite3_close(db);
			db = NULL;
			continue;
		}
		if (rc == SQLITE_NOTADB)
			err_set(e, EXIT_DATA, "%s is not a survey database (not an SQLite file)",
				path);
		else
			db_fail(db, path, e);
		goto fail;
	}
	if (appid != DB_APPLICATION_ID && (appid != 0 || tables > 0 || version > 0)) {
		err_set(e, EXIT_DATA,
			"%s is an SQLite database of another program, not a survey database: "
			"give a new file name to create one", path);
		goto fail;
	}
	if (db_exec(db, "PRAGMA foreign_keys = ON", path, e) < 0 ||
	    (sqlite3_db_readonly(db, "main") != 1 &&
	     (db_exec(db, "PRAGMA journal_mode = WAL", path, e) < 0 ||
	      db_exec(db, "PRAGMA synchronous = FULL", path, e) < 0)) ||
	    /* Temporary tables (small working sets: the ids an exercise reload
	       keeps, a postcode load's outward codes) stay in memory; a large
	       import's pages stay in a 32 MB cache instead of spilling. */
	    db_exec(db, "PRAGMA temp_store = MEMORY", path, e) < 0 ||
	    db_exec(db, "PRAGMA cache_size = -32768", path, e) < 0)
		goto fail;
	/* No output of this run may be written over it. */
	if (out_protect(path, e) < 0)
		goto fail;
	if (created)
		*created = made;
	return db;
fail:
	sqlite3_close(db);
	if (made)
		db_remove_files(path);
	return NULL;
}

/*
 * One migration step in its own transaction, user_version set inside it.
 * Foreign keys are off while it runs, as SQLite asks of a schema change that
 * makes a table again (0017): dropping the old table would otherwise delete
 * what refers to it, or be refused. foreign_key_check then proves the step
 * broke none before it commits; the caller turns them back on.
 */
static int migrate_step(sqlite3 *db, const char *path, int version, struct err *e)
{
	char sql[128];
	char what[256];
	long long broken = 0;

	snprintf(what, sizeof what, "upgrading %s with %s", path, db_migration_name(version));
	if (db_exec(db, "PRAGMA foreign_keys = OFF", what, e) < 0 || db_begin(db, e) < 0)
		return -1;
	if (db_exec(db, migrations[version - 1].text, what, e) < 0)
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 version, DB_APPLICATION_ID);
	if (db_exec(db, sql, what, e) < 0)
		goto fail;
	if (db_int(db, "SELECT count(*) FROM pragma_foreign_key_check", 0, &broken, e, 0) < 0)
		goto fail;
	if (broken) {
		err_set(e, EXIT_DATA, "%s: %lld rows break foreign keys after the upgrade; "
			"the database is left as it was", what, broken);
		goto fail;
	}
	if (db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int db_migrate_to(sqlite3 *db, const char *path, int target, struct err *e)
{
	long long version, fk = 0;
	int rc = 0;

	if (db_int(db, "PRAGMA user_version", 0, &version, e, 0) < 0)
		return -1;
	if (version > NMIGRATIONS)
		return err_set(e, EXIT_DATA,
			       "%s was written by a newer version of this program (schema %lld, "
			       "this program knows up to %d): install the newer version",
			       path, version, NMIGRATIONS);
	if (target > NMIGRATIONS)
		target = NMIGRATIONS;
	if (db_int(db, "PRAGMA foreign_keys", 0, &fk, e, 0) < 0)
		return -1;
	for (int v = (int)version + 1; v <= target && rc == 0; v++)
		rc = migrate_step(db, path, v, e);
	if (fk && (int)version < target) {
		struct err later; /* after a failed step, its message is the one to keep */

		err_init(&later);
		if (db_exec(db, "PRAGMA foreign_keys = ON", path, rc < 0 ? &later : e) < 0)
			rc = -1;
	}
	return rc;
}

sqlite3 *db_open(const char *path, enum db_open_mode mode, int *created, struct err *e)
{
	int made = 0;
	sqlite3 *db = db_open_raw(path, mode, &made, e);

	if (!db)
		return NULL;
	if (mode == DB_READ_ONLY) {
		long long version = 0;

		if (db_int(db, "PRAGMA user_version", 0, &version, e, 0) < 0)
			goto fail;
		if (version > NMIGRATIONS && db_migrate_to(db, path, NMIGRATIONS, e) < 0)
			goto fail; /* refused: written by a newer program */
		/* An older database: upgraded by a handle that can write, if any. */
		if (version < NMIGRATIONS && sqlite3_db_readonly(db, "main") != 1) {
			sqlite3_close(db);
			if (!(db = db_open(path, DB_MUST_EXIST, created, e)))
				return NULL;
		} else if (version < NMIGRATIONS) {
			err_set(e, EXIT_SYSTEM, "cannot read %s: it needs upgrading to this "
				"program's schema, which needs it writable: run any command that "
				"changes it where it can be written", path);
			goto fail;
		}
		/* Whatever the command, this handle only reads. */
		if (db_exec(db, "PRAGMA query_only = ON", path, e) < 0)
			goto fail;
		return db;
	}
	if (db_migrate_to(db, path, NMIGRATIONS, e) < 0) {
		sqlite3_close(db);
		if (made)
			db_remove_files(path);
		return NULL;
	}
	if (created)
		*created = made;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

int db_close(sqlite3 *db, struct err *e)
{
	const char *file;
	char path[4096];
	int rc;

	if (!db)
		return 0;
	db_stmt_forget(db);
	file = sqlite3_db_filename(db, "main");
	snprintf(path, sizeof path, "%s", file ? file : "the database");
	/* A statement a failure path left unfinalized does not keep the file
	   open: the handle goes when that statement does. */
	if ((rc = sqlite3_close_v2(db)) != SQLITE_OK)
		return err_set(e, EXIT_SYSTEM, "%s: closing the database: %s", path,
			       sqlite3_errstr(rc));
	return 0;
}

int db_pick_exercise(sqlite3 *db, const char *code, long long *exercise_id, struct err *e)
{
	long long n = 0;

	if (code) {
		if (db_int(db, "SELECT id FROM exercise WHERE code = ?1", -1, exercise_id, e, 1,
			   code) < 0)
			return -1;
		if (*exercise_id < 0)
			return err_set(e, EXIT_USAGE, "there is no exercise '%s' in this database",
				       code);
		return 0;
	}
	if (db_int(db, "SELECT count(*) FROM exercise", 0, &n, e, 0) < 0)
		return -1;
	if (n == 0)
		return err_set(e, EXIT_USAGE, "the database has no exercise yet: load one with "
					      "'collector init DB EXERCISE.xml'");
	if (n > 1)
		return err_set(e, EXIT_USAGE, "the database holds %lld exercises: say which with "
					      "--exercise CODE", n);
	return db_int(db, "SELECT id FROM exercise", -1, exercise_id, e, 0);
}
