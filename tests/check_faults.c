/*
 * Faults, in process, through the VFS and allocator of tests/fault.c, step
 * by step, both as a lasting fault (every call from the Nth on fails)
 * and as a passing one (only the Nth):
 *   - an import running out of memory: it fails with EXIT_SYSTEM saying so
 *     and the database holds none of it, or it finishes and holds all of
 *     it; no transaction is left open and no row breaks a foreign key;
 *   - `collector erase` on a database file, with I/O errors (every call) and
 *     running out of memory (one allocation in TALLY_FAULT_STRIDE, default
 *     4): exit 3 saying which (an I/O error naming the database), or 0; the
 *     database sound and exactly as before or as after a clean erasure;
 *     after exit 0, nothing left in the write-ahead log.
 * (tests/e2e/faults.sh does the same for more commands with a sample of the
 * steps.)
 */
#include <fcntl.h>
#include <getopt.h>
#include <nettle/sha2.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "exercise.h"
#include "fault.h"
#include "import.h"
#include "mapping.h"
#include "postcode.h"
#include "testutil.h"

static unsigned char *base;   /* the database before the import, serialised */
static sqlite3_int64 base_len;
static char export_path[128]; /* online.csv and a row placed by its outward code */

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
	/* B79 (64% Tamworth) is placed only at this threshold, not at the default 0.8. */
	test_exec(db, "UPDATE exercise SET outward_share_threshold = 0.6");
	base = sqlite3_serialize(db, "main", &base_len, 0);
	if (!*export_path) {
		FILE *in = fopen(FIXTURE("import/online.csv"), "r"), *out;
		char buf[4096];
		size_t n;

		snprintf(export_path, sizeof export_path, "%s/online.csv", test_tmpdir());
		ck_assert_ptr_nonnull(in);
		ck_assert_ptr_nonnull((out = fopen(export_path, "w")));
		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			ck_assert_int_eq(fwrite(buf, 1, n, out), n);
		fputs("R20,2019-06-10,B79,,The staff listened,Very satisfied,,,,\n", out);
		fclose(in);
		ck_assert_int_eq(fclose(out), 0);
	}
	ck_assert_ptr_nonnull(base);
	sqlite3_close(db);
}

/*
 * What an import of online.csv leaves: batches, responses, answers, rejects,
 * and the responses placed in a district (as a sum of their ids).
 */
static void import_state(sqlite3 *db, char *out, size_t cap)
{
	snprintf(out, cap, "%lld %lld %lld %lld %lld",
		 test_int(db, "SELECT count(*) FROM import_batch"),
		 test_int(db, "SELECT count(*) FROM response"),
		 test_int(db, "SELECT count(*) FROM answer"),
		 test_int(db, "SELECT count(*) FROM reject"),
		 test_int(db, "SELECT coalesce(sum(id), 0) FROM response "
			      "WHERE district_code IS NOT NULL"));
}

/*
 * Imports tests/fixtures/import/online.csv, and a row with a split outward
 * code, with mapping `m` (14 rows: kept, rejected, a ticked district).
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
	rc = import_file(db, 1, m, export_path, &opt, &st, &rejects, &warnings, e);
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

/* ---- collector erase, on a file -------------------------------------------- */

/* From collector/commands.h, whose name analyser/ has too (both on the include path). */
extern const struct program collector_program;

/*
 * A digest of every row of every table (columns ending in _at, times, left
 * out), or "unsound: ..." when integrity_check or foreign_key_check
 * complains. Opens `path` itself, with no fault armed.
 */
static void db_state(const char *path, char *out, size_t cap)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *tables, *rows;
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	if (test_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") ||
	    test_int(db, "SELECT count(*) FROM pragma_foreign_key_check")) {
		snprintf(out, cap, "unsound");
		sqlite3_close(db);
		return;
	}
	sha256_init(&ctx);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
		"SELECT 'SELECT ' || group_concat('quote(\"' || p.name || '\")', ' || '','' || ') "
		"|| ' AS r FROM \"' || m.name || '\" ORDER BY r' "
		"FROM sqlite_schema m JOIN pragma_table_info(m.name) p "
		"WHERE m.type = 'table' AND p.name NOT LIKE '%\\_at' ESCAPE '\\' "
		"GROUP BY m.name ORDER BY m.name", -1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		ck_assert_int_eq(sqlite3_prepare_v2(db, (const char *)sqlite3_column_text(tables, 0),
						    -1, &rows, NULL), SQLITE_OK);
		sha256_update(&ctx, 1, (const uint8_t *)"#");
		while (sqlite3_step(rows) == SQLITE_ROW)
			sha256_update(&ctx, (size_t)sqlite3_column_bytes(rows, 0) + 1,
				      sqlite3_column_text(rows, 0));
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	sha256_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d && 2 * i + 2 < cap; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Writes `len` bytes of `buf` to `path` (the database's -wal and -shm gone). */
static void put_file(const char *path, const unsigned char *buf, size_t len)
{
	char other[4200];
	int fd;

	snprintf(other, sizeof other, "%s-wal", path);
	unlink(other);
	snprintf(other, sizeof other, "%s-shm", path);
	unlink(other);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* Runs collector erase on `path`, output to /dev/null, stderr into `errpath`. */
static int run_erase(const char *path, const char *errpath, char *msg, size_t cap)
{
	char *argv[] = { "collector", "erase", (char *)path, "--external-id", "test:R2", "--by",
			 "DPO", "--reason", "fault", "--yes", NULL };
	FILE *f;
	size_t n;
	int rc;

	fflush(stdout);
	fflush(stderr);
	ck_assert_ptr_nonnull(freopen(errpath, "w", stderr));
	rc = cmd_main(&collector_program, 10, argv);
	fflush(stdout);
	fflush(stderr);
	ck_assert_ptr_nonnull((f = fopen(errpath, "r")));
	n = fread(msg, 1, cap - 1, f);
	msg[n] = '\0';
	fclose(f);
	return rc;
}

/* Every step of an erasure: `_i` 0 I/O lasting, 1 I/O passing, 2 memory lasting, 3 passing. */
START_TEST(test_erase_every_step)
{
	enum fault_kind kind = _i < 2 ? FAULT_IO : FAULT_OOM;
	int once = _i % 2;
	const char *dir = test_tmpdir();
	char path[256], errpath[256], wal[300], msg[4096];
	char before[80], after[80], got[80];
	struct mapping *m;
	struct err e;
	sqlite3 *db;
	long steps, failed = 0, finished = 0, stride = 1;
	int out;

	snprintf(path, sizeof path, "%s/erase.db", dir);
	snprintf(errpath, sizeof errpath, "%s/stderr", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	fflush(stdout);
	ck_assert_int_ge((out = dup(STDOUT_FILENO)), 0);
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stdout));
	/* The base: online.csv imported into a file, its bytes kept. */
	err_init(&e);
	m = mapping_load(FIXTURE("import/online.map.xml"), &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	make_base();
	db = base_copy();
	ck_assert_msg(import_online(db, m, &e) == 0, "%s", err_first(&e));
	mapping_free(m);
	sqlite3_free(base);
	test_exec(db, "PRAGMA journal_mode = DELETE");
	base = sqlite3_serialize(db, "main", &base_len, 0);
	sqlite3_close(db);
	put_file(path, base, (size_t)base_len);
	db_state(path, before, sizeof before);

	fault_arm(kind, 0, 0);
	ck_assert_int_eq(run_erase(path, errpath, msg, sizeof msg), 0);
	fault_disarm();
	steps = fault_count(kind);
	db_state(path, after, sizeof after);
	ck_assert_str_ne(before, after);
	ck_assert_str_ne(after, "unsound");

	/* Every I/O call; one allocation in TALLY_FAULT_STRIDE (default 4, from a
	   different first one each way) to keep the suite's time. */
	if (kind == FAULT_OOM) {
		const char *env = getenv("TALLY_FAULT_STRIDE");

		stride = env && atol(env) > 0 ? atol(env) : 4;
	}
	for (long n = 1 + (once ? stride / 2 : 0); n <= steps; n += stride) {
		int rc;

		put_file(path, base, (size_t)base_len);
		fault_arm(kind, n, once);
		rc = run_erase(path, errpath, msg, sizeof msg);
		fault_disarm();
		if (rc == 0) {
			ck_assert_msg(file_size(wal) == 0, "%s %ld: erased, yet %ld bytes stay in the "
				      "write-ahead log", kind == FAULT_IO ? "I/O call" : "allocation",
				      n, (long)file_size(wal));
			finished++;
		} else {
			ck_assert_msg(rc == EXIT_SYSTEM, "step %ld: exit %d: %s", n, rc, msg);
			ck_assert_msg(strstr(msg, kind == FAULT_IO ? "I/O error" : "out of memory") ||
				      strstr(msg, "unable to open"), "step %ld: %s", n, msg);
			ck_assert_msg(kind == FAULT_OOM || strstr(msg, "erase.db"),
				      "step %ld: the database is not named: %s", n, msg);
			failed++;
		}
		db_state(path, got, sizeof got);
		ck_assert_msg(!strcmp(got, rc == 0 ? after : got) &&
			      (!strcmp(got, before) || !strcmp(got, after)),
			      "step %ld: exit %d, the database is %s: %s", n, rc,
			      !strcmp(got, "unsound") ? "unsound" : "half-written", msg);
	}
	dprintf(out, "erase, %s %s: %ld steps, one in %ld failed: %ld stopped cleanly, "
		"%ld finished\n", once ? "passing" : "lasting",
		kind == FAULT_IO ? "I/O errors" : "shortage", steps, stride, failed, finished);
	ck_assert_int_gt(failed, 0);
	sqlite3_free(base);
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("import");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_import_every_allocation, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("erase");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_erase_every_step, 0, 4);
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
