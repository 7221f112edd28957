/* check_progress.c: unit tests for common/progress.c and how far a source has read. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "source.h"

/* Rows, their rate, the percent done and the time left at that rate. */
START_TEST(test_line_with_a_total)
{
	struct progress p = { .label = "big.csv", .total = 1000000 };
	char buf[256];

	/* A quarter of the file in 10 s: 30 s left. */
	progress_line(&p, 50000, 250000, 10000, buf, sizeof buf);
	ck_assert_str_eq(buf, "big.csv: 50000 rows, 5000 rows/s, 25%, 0:30 left");
	/* A tenth in 100 s: 15 minutes left. */
	progress_line(&p, 1000, 100000, 100000, buf, sizeof buf);
	ck_assert_str_eq(buf, "big.csv: 1000 rows, 10 rows/s, 10%, 15:00 left");
	/* Too early for a time left. */
	progress_line(&p, 10, 1000, 500, buf, sizeof buf);
	ck_assert_str_eq(buf, "big.csv: 10 rows, 20 rows/s, 0%");
}
END_TEST

/* Without a size (a folder, a format that cannot tell): rows and rate only. */
START_TEST(test_line_without_a_total)
{
	struct progress p = { .label = "forms/", .total = 0 };
	char buf[256];

	progress_line(&p, 4096, -1, 2000, buf, sizeof buf);
	ck_assert_str_eq(buf, "forms/: 4096 rows, 2048 rows/s");
	progress_line(&p, 0, -1, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "forms/: 0 rows");
	/* A line cut to fit stays a string. */
	p.total = 100;
	progress_line(&p, 1, 50, 5000, buf, 12);
	ck_assert_int_eq(strlen(buf), 11);
}
END_TEST

/* Tagging counts answers, and goes by how far through the answers' ids it is. */
START_TEST(test_line_in_another_unit)
{
	struct progress p = { .label = "tagging", .unit = "answers", .total = 8000 };
	char buf[256];

	progress_line(&p, 2000, 2000, 2000, buf, sizeof buf);
	ck_assert_str_eq(buf, "tagging: 2000 answers, 1000 answers/s, 25%, 0:06 left");
}
END_TEST

/* A CSV source says how far into the file it is: at the end, the whole file. */
START_TEST(test_csv_source_bytes)
{
	char path[512];
	struct source_options opt = { .header_rows = 1, .separator = ',' };
	struct source src = { 0 };
	struct source_record rec;
	struct err e;
	long long first = -1;
	int rc;

	snprintf(path, sizeof path, "%s/import/online.csv", getenv("TALLY_FIXTURES"));
	err_init(&e);
	ck_assert_msg(source_csv_open(path, &opt, &src, &e) == 0, "%s", err_first(&e));
	while ((rc = source_next(&src, &rec, &e)) != SOURCE_EOF) {
		ck_assert_int_ne(rc, SOURCE_FATAL);
		if (first < 0)
			first = source_bytes(&src);
	}
	ck_assert_int_gt(first, 0);
	ck_assert_int_lt(first, file_size(path));
	ck_assert_int_eq(source_bytes(&src), file_size(path));
	source_free(&src);
}
END_TEST

/* The ticker of report and export: percent of steps once it knows how many. */
START_TEST(test_ticker_line)
{
	char buf[256];

	progress_ticker_line("export", 0, 0, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "export: working");
	progress_ticker_line("export", 3, 0, 75, buf, sizeof buf);
	ck_assert_str_eq(buf, "export: working, 1:15 so far");
	progress_ticker_line("export", 0, 7, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "export: 0% (0 of 7)");
	/* 2 of 5 steps in 4 s: 6 s left at that pace. */
	progress_ticker_line("export", 2, 5, 4, buf, sizeof buf);
	ck_assert_str_eq(buf, "export: 40% (2 of 5), 0:04 so far, 0:06 left");
	/* Nothing done yet: no time left to say; all done: none left. */
	progress_ticker_line("report", 0, 9, 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "report: 0% (0 of 9), 0:02 so far");
	progress_ticker_line("report", 9, 9, 65, buf, sizeof buf);
	ck_assert_str_eq(buf, "report: 100% (9 of 9), 1:05 so far");
	/* More steps reported than said: never past 100%. */
	progress_ticker_line("report", 12, 9, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "report: 100% (9 of 9), 0:01 so far");
	/* 1 of 3 in 1 s rounds to 2 s left; cut to fit, still a string. */
	progress_ticker_line("export", 1, 3, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "export: 33% (1 of 3), 0:01 so far, 0:02 left");
	progress_ticker_line("export", 1, 3, 1, buf, 10);
	ck_assert_int_eq(strlen(buf), 9);
}
END_TEST

/* Off a terminal there is no ticker, and telling it of steps is harmless. */
START_TEST(test_ticker_off_terminal)
{
	struct progress_ticker *t = progress_ticker_start(1, "export");

	if (!isatty(STDERR_FILENO))
		ck_assert_ptr_null(t);
	progress_ticker_steps(t, 0, 3);
	progress_ticker_step(t);
	progress_ticker_stop(t);
}
END_TEST

static Suite *progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("progress");

	tcase_add_test(tc, test_line_with_a_total);
	tcase_add_test(tc, test_ticker_line);
	tcase_add_test(tc, test_ticker_off_terminal);
	tcase_add_test(tc, test_line_without_a_total);
	tcase_add_test(tc, test_line_in_another_unit);
	tcase_add_test(tc, test_csv_source_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(progress_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
