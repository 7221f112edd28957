/* testutil.h: what the Check suites share: fresh databases and file paths. */
#ifndef TALLY_TESTUTIL_H
#define TALLY_TESTUTIL_H

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"

/* A fresh in-memory database at the current schema, foreign keys on. */
static inline sqlite3 *test_memdb(void)
{
	sqlite3 *db = NULL;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(db_migrate_to(db, ":memory:", db_schema_version(), &e) == 0, "%s",
		      err_first(&e));
	return db;
}

/* The integer result of a query; fails the test on an error. */
static inline long long test_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Runs SQL that must succeed. */
static inline void test_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
}

/* A path under the source tree's samples/ or tests/fixtures/ (set by meson). */
static inline const char *test_path(const char *var, const char *rel)
{
	static char buf[4][4096];
	static int i;
	const char *dir = getenv(var);

	ck_assert_msg(dir != NULL, "%s is not set: run the tests through meson", var);
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, rel);
	return buf[i];
}

#define SAMPLE(rel) test_path("TALLY_SAMPLES", (rel))
#define FIXTURE(rel) test_path("TALLY_FIXTURES", (rel))

/* A new private temporary directory; the name is static storage. */
static inline const char *test_tmpdir(void)
{
	static char dir[64];

	snprintf(dir, sizeof dir, "/tmp/tally-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

/* Runs `suite` and returns the process exit status. */
static inline int test_run(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
