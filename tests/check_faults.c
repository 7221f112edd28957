/*
 * Faults: an import that runs out of memory at any step of its work, in
 * process, through the allocator of tests/fault.c. Every step is tried, both
 * as a lasting shortage (every allocation from the Nth on fails) and as a
 * passing one (only the Nth). After each: the import failed with EXIT_SYSTEM
 * saying it ran out of memory and the database holds none of it, or it
 * finished and holds all of it; no transaction is left open and no row
 * breaks a foreign key. (tests/e2e/faults.sh does the same for I/O errors
 * and for other commands, on files, with a sample of the steps.)
 */
#include <string.h>

#include "exercise.h"
#include "fault.h"
#include "import.h"
#include "mapping.h"
#include "postcode.h"
#include "testutil.h"

static unsigned char *base;   /* the database before the import, serialised */
static sqlite3_int64 base_len;

/* A connection to a fresh copy of the base database. */
static sqlite3 *base_copy(void)
{
	sqlite3 *db = NULL;
	unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)base_len);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, base, (size_t)base_len);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_deserialize(db, "main", copy, base_len, base_len,
					     SQLITE_DESERIALIZE_FREEONCLOSE |
					     SQLITE_DESERIALIZE_RESIZEABLE), SQLITE_OK);
	test_exec(db, "PRAGMA foreign_keys = ON");
	return db;
}

/* The base: the 2019 exercise, its outward codes and three full postcodes. */
static void make_base(void)
{
	sqlite3 *db = test_memdb();
	struct err e, rejects;
	struct exercise_changes ch;
	struct exercise_def *d;
	struct postcode_load_options popt = { NULL, 0, 0 };
	struct postcode_load_stats pst;
	long long ex;

	err_init(&e);
	err_init(&rejects);
	d = exercise_load(SAMPLE("exercise-2019.xml"), &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, &ex, &ch, &e), 0);
	exercise_def_free(d);
	ck_assert_int_eq(postcode_load(db, SAMPLE("postcodes/outward-shares.csv"), &popt, &pst,
				       &rejects, &e), 0);
	test_exec(db, "INSERT INTO postcode VALUES ('ST1 1AF', 'E06000021'), "
		      "('ST1 1AG', 'E06000021'), ('WS11 1AA', 'E07000192')");
	base = sqlite3_serialize(db, "main", &base_len, 0);
	ck_assert_ptr_nonnull(base);
	sqlite3_close(db);
}

/* What an import of online.csv leaves: batches, responses, answers, rejects. */
static void import_state(sqlite3 *db, char *out, size_t cap)
{
	snprintf(out, cap, "%lld %lld %lld %lld",
		 test_int(db, "SELECT count(*) FROM import_batch"),
		 test_int(db, "SELECT count(*) FROM response"),
		 test_int(db, "SELECT count(*) FROM answer"),
		 test_int(db, "SELECT count(*) FROM reject"));
}

/*
 * Imports tests/fixtures/import/online.csv with mapping `m` (13 rows: kept,
 * rejected, a ticked district).
 */
static int import_online(sqlite3 *db, const struct mapping *m, struct err *e)
{
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err rejects, warnings;
	int rc;

	err_init(e);
	err_init(&rejects);
	err_init(&warnings);
	opt.src.header_rows = m->header_rows;
	opt.src.separator = m->separator;
	rc = import_file(db, 1, m, FIXTURE("import/online.csv"), &opt, &st, &rejects, &warnings,
			 e);
	if (rc == 0)
		import_stats_free(&st);
	return rc;
}

/* Every step of the import, with allocation `_i` 0 (lasting) or 1 (passing). */
START_TEST(test_import_every_allocation)
{
	char before[128], after[128], got[128];
	long steps, failed = 0, finished = 0;
	int once = _i;
	struct mapping *m;
	struct err e;
	sqlite3 *db;

	err_init(&e);
	m = mapping_load(FIXTURE("import/online.map.xml"), &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	make_base();
	db = base_copy();
	import_state(db, before, sizeof before);
	fault_arm(FAULT_OOM, 0, 0);
	ck_assert_msg(import_online(db, m, &e) == 0, "%s", err_first(&e));
	fault_disarm();
	steps = fault_count(FAULT_OOM);
	import_state(db, after, sizeof after);
	sqlite3_close(db);
	ck_assert_str_ne(before, after);
	ck_assert_int_gt(steps, 100);

	for (long n = 1; n <= steps; n++) {
		int rc;

		db = base_copy();
		fault_arm(FAULT_OOM, n, once);
		rc = import_online(db, m, &e);
		fault_disarm();
		/* With no memory at all even ROLLBACK cannot be parsed: closing the
		   connection, as the program does next, rolls back without any. */
		ck_assert_msg(sqlite3_get_autocommit(db) || !once,
			      "allocation %ld: a transaction left open", n);
		if (!sqlite3_get_autocommit(db))
			test_exec(db, "ROLLBACK");
		import_state(db, got, sizeof got);
		if (rc == 0) {
			ck_assert_msg(!strcmp(got, after), "allocation %ld: import succeeded, but "
				      "holds %s, not %s", n, got, after);
			finished++;
		} else {
			ck_assert_msg(e.code == EXIT_SYSTEM && err_contains(&e, "out of memory"),
				      "allocation %ld: exit %d, '%s'", n, e.code, err_first(&e));
			ck_assert_msg(!strcmp(got, before), "allocation %ld: import failed, but "
				      "holds %s, not %s", n, got, before);
			failed++;
		}
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
		sqlite3_close(db);
	}
	printf("import, %s shortage: %ld allocations, each failed: %ld stopped cleanly, %ld "
	       "finished\n", once ? "passing" : "lasting", steps, failed, finished);
	ck_assert_int_gt(failed, 0);
	/* A passing shortage late enough is absorbed (a cache, a retry). */
	if (once)
		ck_assert_int_gt(finished, 0);
	sqlite3_free(base);
	mapping_free(m);
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("import");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_import_every_allocation, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (fault_install() != 0) {
		fprintf(stderr, "cannot put the fault wrappers under SQLite\n");
		return 1;
	}
	return test_run(faults_suite());
}
