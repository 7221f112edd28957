/*
 * check_source_oom.c: the CSV source running out of memory while it reads
 * its header (one row, and SurveyMonkey's two), at every allocation in turn:
 * it fails with EXIT_SYSTEM saying so, or opens and reads as without a
 * fault; never a crash, a leak, or a failure that says nothing.
 *
 * malloc, calloc, realloc, strdup and strndup are wrapped at link time
 * (tests/meson.build: -Wl,--wrap=...), so only the calls the collector's
 * code makes itself are counted and failed, not SQLite's or Check's.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "testutil.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static long armed_at; /* the allocation that fails, counting from 1; 0: none */
static long calls;

/* True when this allocation is the one to fail. */
static int fails(void)
{
	return armed_at && ++calls == armed_at;
}

void *__wrap_malloc(size_t n)
{
	return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fails() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fails() ? NULL : __real_strndup(s, n);
}

/* Opens `path` and reads its records with the nth allocation failing (0: none). */
static int open_and_read(const char *path, int header_rows, long nth, long *records,
			 struct err *e)
{
	struct source_options opt = { .header_rows = header_rows, .separator = ',' };
	struct source src = { 0 };
	struct source_record rec;
	int rc;

	err_init(e);
	*records = 0;
	calls = 0;
	armed_at = nth;
	rc = source_csv_open(path, &opt, &src, e);
	while (rc == 0 && (rc = source_next(&src, &rec, e)) != SOURCE_EOF) {
		if (rc == SOURCE_FATAL)
			break;
		(*records)++;
		rc = 0;
	}
	armed_at = 0;
	source_free(&src);
	return rc;
}

static const struct {
	const char *path;
	int header_rows;
} files[] = {
	{ "exports/google-forms-online.csv", 1 },
	{ "exports/surveymonkey-online.csv", 2 },
};

START_TEST(test_every_allocation)
{
	char path[512];
	long clean, records, steps;
	struct err e;

	snprintf(path, sizeof path, "%s", SAMPLE(files[_i].path));
	ck_assert_int_eq(open_and_read(path, files[_i].header_rows, 0, &clean, &e), SOURCE_EOF);
	ck_assert_int_gt(clean, 0);
	/* Each allocation of a clean read is failed in turn, until there are no more. */
	steps = 0;
	for (long nth = 1;; nth++) {
		int rc = open_and_read(path, files[_i].header_rows, nth, &records, &e);

		if (calls < nth) { /* fewer allocations than nth: nothing failed */
			ck_assert_int_eq(rc, SOURCE_EOF);
			break;
		}
		steps++;
		if (rc == SOURCE_EOF) {
			ck_assert_int_eq(records, clean);
			continue;
		}
		ck_assert_msg(err_isset(&e), "%s: allocation %ld failed and nothing was said",
			      files[_i].path, nth);
		ck_assert_msg(e.code == EXIT_SYSTEM && err_contains(&e, "out of memory"),
			      "%s: allocation %ld: %s", files[_i].path, nth, err_first(&e));
	}
	ck_assert_int_gt(steps, 0);
}
END_TEST

static Suite *source_oom_suite(void)
{
	Suite *s = suite_create("source_oom");
	TCase *tc = tcase_create("csv");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_every_allocation, 0, sizeof files / sizeof files[0]);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(source_oom_suite());
}
