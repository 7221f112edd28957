/* check_outfile.c: unit tests for common/outfile.c and file_open_input(). */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "db.h"
#include "fileutil.h"
#include "outfile.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/check-outfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	out_protect_clear();
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
	out_protect_clear();
}

static void path_in(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Names in the folder, sorted, joined by spaces. */
static void listing(char *buf, size_t cap)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			strncat(buf, names[i]->d_name, cap - strlen(buf) - 2);
			strcat(buf, " ");
		}
		free(names[i]);
	}
	free(names);
}

START_TEST(test_protected_database_and_companions)
{
	char db[128], target[128], wal[128];
	struct out_file o;
	struct err e;
	sqlite3 *h;

	path_in(db, sizeof db, "survey.db");
	err_init(&e);
	h = db_open(db, DB_MAY_CREATE, NULL, &e);
	ck_assert_ptr_nonnull(h);
	/* The database itself, by name and through a link. */
	ck_assert_int_eq(out_open(&o, db, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "it is the database"));
	path_in(target, sizeof target, "link.csv");
	ck_assert_int_eq(symlink("survey.db", target), 0);
	err_init(&e);
	ck_assert_int_eq(out_check(target, &e), -1);
	/* Its -wal, whether or not it exists yet, and -journal, which does not. */
	path_in(wal, sizeof wal, "survey.db-wal");
	err_init(&e);
	ck_assert_int_eq(out_check(wal, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "-wal file of the database"));
	path_in(target, sizeof target, "survey.db-journal");
	err_init(&e);
	ck_assert_int_eq(out_check(target, &e), -1);
	/* Another name in the folder is fine. */
	path_in(target, sizeof target, "counts.csv");
	err_init(&e);
	ck_assert_int_eq(out_check(target, &e), 0);
	db_close(h, NULL);
}
END_TEST

START_TEST(test_refuses_sqlite_files_and_devices)
{
	char other[128];
	struct err e;

	path_in(other, sizeof other, "other.csv");
	write_file(other, "SQLite format 3\0rest", 20);
	err_init(&e);
	ck_assert_int_eq(out_check(other, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "it is an SQLite database"));
	err_init(&e);
	ck_assert_int_eq(out_check("/dev/null", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "not a regular file"));
	err_init(&e);
	ck_assert_int_eq(out_check(dir, &e), -1);
	write_file(other, "theme,count\n", 12);
	err_init(&e);
	ck_assert_int_eq(out_check(other, &e), 0);
}
END_TEST

START_TEST(test_commit_and_abandon_leave_no_temporaries)
{
	char path[128], names[512];
	struct out_file o;
	struct err e;
	FILE *f;

	path_in(path, sizeof path, "out.csv");
	err_init(&e);
	ck_assert_int_eq(out_open(&o, path, &e), 0);
	fputs("new\n", o.f);
	listing(names, sizeof names);
	ck_assert_str_eq(names, ""); /* nothing named while it is written */
	ck_assert_int_eq(out_commit(&o, &e), 0);
	listing(names, sizeof names);
	ck_assert_str_eq(names, "out.csv ");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fgetc(f), 'n');
	fclose(f);
	/* Abandoned: the old file stays as it was, nothing else appears. */
	ck_assert_int_eq(out_open(&o, path, &e), 0);
	fputs("other\n", o.f);
	out_abandon(&o);
	listing(names, sizeof names);
	ck_assert_str_eq(names, "out.csv ");
}
END_TEST

START_TEST(test_sweeps_unlocked_temporaries)
{
	char path[128], stale[128], names[512];
	struct out_file o;
	struct err e;

	path_in(path, sizeof path, "r.html");
	path_in(stale, sizeof stale, "r.html.tmp-Ab12Cd");
	write_file(stale, "half", 4);
	path_in(stale, sizeof stale, "r.html.tmp-longer-name");
	write_file(stale, "keep", 4);
	path_in(stale, sizeof stale, "s.html.tmp-Ab12Cd");
	write_file(stale, "keep", 4);
	err_init(&e);
	ck_assert_int_eq(out_open(&o, path, &e), 0);
	ck_assert_int_eq(out_commit(&o, &e), 0);
	listing(names, sizeof names);
	ck_assert_str_eq(names, "r.html r.html.tmp-longer-name s.html.tmp-Ab12Cd ");
}
END_TEST

START_TEST(test_inputs_that_never_end)
{
	char fifo[128], sock[128], big[128];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat sb;
	struct err e;
	int s;

	err_init(&e);
	ck_assert_int_eq(file_open_input("/dev/zero", 0, &sb, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "not a regular file (a device)"));
	path_in(fifo, sizeof fifo, "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	err_init(&e);
	ck_assert_int_eq(file_open_input(fifo, 0, &sb, &e), -1); /* at once, no writer */
	ck_assert_ptr_nonnull(strstr(e.lines[0], "(a pipe)"));
	path_in(sock, sizeof sock, "sock");
	ck_assert_uint_lt(strlen(sock), sizeof sa.sun_path);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	err_init(&e);
	ck_assert_int_eq(file_open_input(sock, 0, &sb, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "(a socket)"));
	close(s);
	/* A sparse 10 GB file: refused by its size, before reading. */
	path_in(big, sizeof big, "big.csv");
	s = open(big, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(ftruncate(s, 10LL << 30), 0);
	close(s);
	err_init(&e);
	ck_assert_int_eq(file_open_input(big, 1 << 20, &sb, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_ptr_nonnull(strstr(e.lines[0], "is larger than 1048576 bytes"));
	err_init(&e);
	s = file_open_input(big, 0, &sb, &e);
	ck_assert_int_ge(s, 0);
	close(s);
}
END_TEST

START_TEST(test_read_only_handle_never_writes)
{
	char db[128];
	struct err e;
	sqlite3 *h;

	path_in(db, sizeof db, "survey.db");
	err_init(&e);
	h = db_open(db, DB_MAY_CREATE, NULL, &e);
	ck_assert_ptr_nonnull(h);
	db_close(h, NULL);
	h = db_open(db, DB_READ_ONLY, NULL, &e);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(db_is_snapshot(h), 0);
	ck_assert_int_ne(sqlite3_exec(h, "CREATE TABLE x (a)", NULL, NULL, NULL), SQLITE_OK);
	db_close(h, NULL);
}
END_TEST

static Suite *outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outputs");

	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, test_protected_database_and_companions);
	tcase_add_test(tc, test_refuses_sqlite_files_and_devices);
	tcase_add_test(tc, test_commit_and_abandon_leave_no_temporaries);
	tcase_add_test(tc, test_sweeps_unlocked_temporaries);
	suite_add_tcase(s, tc);
	tc = tcase_create("inputs");
	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, test_inputs_that_never_end);
	tcase_add_test(tc, test_read_only_handle_never_writes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(outfile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
