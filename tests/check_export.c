/*
 * check_export.c: unit tests for analyser/export.c, the Healthwatch
 * export: its tables (district, channel, each demographic question), the
 * notes, the three formats, the same bytes every time, and files written
 * whole and private or not at all.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crosswalk.h"
#include "export.h"
#include "export_internal.h"
#include "ledger.h"
#include "testutil.h"

/*
 * Twelve respondents with one free-text answer each and an age: 1-9 in
 * Cannock Chase, 10-12 in East Staffordshire; 1-8 online, 9-12 on paper;
 * 1-6 aged 18-34, the rest 35 and over. Theme A (sub-theme A1) is raised
 * by 1-10, B by 11 and 12.
 */
static sqlite3 *fixture(void)
{
	sqlite3 *db = test_memdb();
	char sql[1024];

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(1, 'ex', 'Exported', 'Test', '2019-06-03', '2019-06-25');"
		  "INSERT INTO district VALUES ('E07000192', 'Cannock Chase'), "
		  "('E07000193', 'East Staffordshire');"
		  "INSERT INTO exercise_district VALUES (1, 'E07000192', 1), (1, 'E07000193', 2);"
		  "INSERT INTO questionnaire (id, exercise_id, variant, code, title) "
		  "VALUES (1, 1, 'standard', 'std', 'Survey');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text) "
		  "VALUES (1, 1, 'BETTER', 1, 'free-text', 'could-be-better', 'What could be better?'),"
		  "(2, 1, 'AGE', 2, 'demographic', 'none', 'What is your age?');"
		  "INSERT INTO question_option (id, question_id, code, position, label) VALUES "
		  "(1, 2, 'AGE-18-34', 1, '18 to 34'), (2, 2, 'AGE-35-UP', 2, '35 and over');");
	for (int i = 1; i <= 12; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO response (id, exercise_id, channel, form_variant, district_code, "
			 "district_source, recorded_at) VALUES (%d, 1, '%s', 'standard', '%s', "
			 "'postcode', '2019-06-10');"
			 "INSERT INTO answer (response_id, question_id, value) VALUES (%d, 1, 'text %d');"
			 "INSERT INTO answer (response_id, question_id, option_id) VALUES (%d, 2, %d);",
			 i, i <= 8 ? "online" : "paper", i <= 9 ? "E07000192" : "E07000193", i, i, i,
			 i <= 6 ? 1 : 2);
		test_exec(db, sql);
	}
	test_exec(db,
		  "INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at) VALUES "
		  "(1, 1, 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', "
		  "'test.rules.xml', '2019-09-01');"
		  "INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position) VALUES "
		  "(1, 1, 'A', 'Parking', NULL, 1, 1), (2, 1, 'A1', 'Car park fees', 1, 2, 2),"
		  "(3, 1, 'B', 'Staff', NULL, 1, 3);"
		  "INSERT INTO rule VALUES (1, 1, 'fees'), (1, 2, 'staff');"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) SELECT id, 2, 1, 0, 1, response_id, question_id "
		  "FROM answer WHERE question_id = 1 AND response_id <= 10;"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) SELECT id, 3, 2, 0, 1, response_id, question_id "
		  "FROM answer WHERE question_id = 1 AND response_id > 10;");
	return db;
}

/* The whole of a file, NUL-terminated; *len its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s is not there", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(buf = malloc((size_t)n + 1));
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void export_ok(sqlite3 *db, const char *path, const struct export_options *opt)
{
	struct err e;

	err_init(&e);
	ck_assert_msg(export_healthwatch(db, 1, path, opt, &e) == 0, "%s", err_first(&e));
}

START_TEST(test_format_of)
{
	ck_assert_int_eq(export_format_of("a/b/hw.xlsx"), EXPORT_XLSX);
	ck_assert_int_eq(export_format_of("HW.XLSX"), EXPORT_XLSX);
	ck_assert_int_eq(export_format_of("hw.csv"), EXPORT_CSV);
	ck_assert_int_eq(export_format_of("hw.Xml"), EXPORT_XML);
	ck_assert_int_eq(export_format_of("hw.xlsx.txt"), EXPORT_UNKNOWN);
	ck_assert_int_eq(export_format_of("hw"), EXPORT_UNKNOWN);
	ck_assert_int_eq(export_format_of(".csv/hw"), EXPORT_UNKNOWN);
}
END_TEST

/* The CSV: a table per dimension, the demographic one included, and the notes; mode 0600. */
/* The files beside an export: a CSV's stem, another file's whole name; never a folder's dot. */
START_TEST(test_beside)
{
	static const char *const cases[][2] = {
		{ "out.csv", "out.dictionary.csv" },
		{ "OUT.CSV", "OUT.dictionary.csv" },
		{ "dir/tables.xlsx", "dir/tables.xlsx.dictionary.csv" },
		{ "hw.xml", "hw.xml.dictionary.csv" },
		{ "a.b/out", "a.b/out.dictionary.csv" },
		{ "a.b/out.v2.csv", "a.b/out.v2.dictionary.csv" },
		{ ".hidden", ".hidden.dictionary.csv" },
		{ "d/.t.csv", "d/.t.dictionary.csv" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = export_beside(cases[i][0], "dictionary");

		ck_assert_str_eq(got, cases[i][1]);
		free(got);
	}
}
END_TEST

START_TEST(test_csv)
{
	sqlite3 *db = fixture();
	struct export_options opt = { .format = EXPORT_CSV, .rule = SDC_NHS };
	const char *dir = test_tmpdir();
	char path[256];
	struct stat sb;
	char *s;

	snprintf(path, sizeof path, "%s/hw.csv", dir);
	export_ok(db, path, &opt);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, "Theme by district"));
	ck_assert_ptr_nonnull(strstr(s, "Theme by channel"));
	ck_assert_ptr_nonnull(strstr(s, "Theme by AGE,AGE,A,Parking,1,AGE-18-34,18 to 34,"));
	ck_assert_ptr_nonnull(strstr(s, "Car park fees"));
	ck_assert_ptr_nonnull(strstr(s, "Notes"));
	ck_assert_ptr_nonnull(strstr(s, "Counts from 1 to 7 are shown as"));
	ck_assert_ptr_nonnull(strstr(s, "(SHA-256) abcdef0123456789abcdef0123456789"
					"abcdef0123456789abcdef0123456789"));
	/* No date unless asked for. */
	ck_assert_ptr_null(strstr(s, " on 20"));
	/* 10 of the 12 respondents (12 shown rounded to 10) raised A1; B's 2 are hidden. */
	ck_assert_ptr_nonnull(strstr(s, ",A1,Car park fees,2,(all),All,10,10,100.0\n"));
	ck_assert_ptr_nonnull(strstr(s, ",B,Staff,1,(all),All,*,10,*\n"));
	free(s);
	unlink(path);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

/* The same database gives the same bytes, in each format; a stamp is the only difference. */
START_TEST(test_same_bytes)
{
	static const char *const names[] = { "hw.csv", "hw.xml", "hw.xlsx" };
	static const enum export_format formats[] = { EXPORT_CSV, EXPORT_XML, EXPORT_XLSX };
	sqlite3 *db = fixture();
	const char *dir = test_tmpdir();

	for (size_t i = 0; i < 3; i++) {
		struct export_options opt = { .format = formats[i], .rule = SDC_NHS };
		char a[256], b[256];
		size_t na, nb;
		char *x, *y;

		snprintf(a, sizeof a, "%s/1-%s", dir, names[i]);
		snprintf(b, sizeof b, "%s/2-%s", dir, names[i]);
		export_ok(db, a, &opt);
		sleep(i == 2); /* a second apart, so that a time in the workbook would show */
		export_ok(db, b, &opt);
		x = slurp(a, &na);
		y = slurp(b, &nb);
		ck_assert_msg(na == nb && !memcmp(x, y, na), "%s: two exports differ", names[i]);
		if (formats[i] == EXPORT_XLSX)
			ck_assert_msg(na > 4 && !memcmp(x, "PK\x03\x04", 4), "not a zip");
		if (formats[i] == EXPORT_XML)
			ck_assert_ptr_nonnull(strstr(x, "</healthwatch-export>\n"));
		free(x);
		free(y);
		unlink(a);
		unlink(b);
	}
	{
		struct export_options opt = { .format = EXPORT_CSV, .rule = SDC_NHS,
					      .stamp = "2019-12-01 00:00 UTC" };
		char p[256];
		char *s;

		snprintf(p, sizeof p, "%s/stamped.csv", dir);
		export_ok(db, p, &opt);
		s = slurp(p, NULL);
		ck_assert_ptr_nonnull(strstr(s, " on 2019-12-01 00:00 UTC"));
		free(s);
		unlink(p);
	}
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

/* --level 1 leaves sub-themes out; no disclosure control gives exact counts. */
START_TEST(test_level_and_exact)
{
	sqlite3 *db = fixture();
	struct export_options opt = { .format = EXPORT_CSV, .rule = SDC_NHS, .level = 1 };
	const char *dir = test_tmpdir();
	char path[256];
	char *s;

	snprintf(path, sizeof path, "%s/hw.csv", dir);
	export_ok(db, path, &opt);
	s = slurp(path, NULL);
	ck_assert_ptr_null(strstr(s, "Car park fees"));
	ck_assert_ptr_nonnull(strstr(s, ",A,Parking,"));
	free(s);
	opt.level = 0;
	opt.rule = (struct sdc_rule){ .threshold = 0, .rounding = 1, .secondary = 0 };
	export_ok(db, path, &opt);
	s = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(s, ",B,Staff,1,(all),All,2,12,"));
	ck_assert_ptr_nonnull(strstr(s, ",A1,Car park fees,2,E07000193,East Staffordshire,1,3,"));
	ck_assert_ptr_null(strstr(s, ",*,"));
	free(s);
	unlink(path);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

/* Failures leave no file: nothing tagged (usage), a folder that is not there (system). */
START_TEST(test_errors)
{
	sqlite3 *db = test_memdb();
	struct export_options opt = { .format = EXPORT_CSV, .rule = SDC_NHS };
	const char *dir = test_tmpdir();
	char path[256];
	struct err e;

	test_exec(db, "INSERT INTO exercise (id, code, title, opens, closes) "
		      "VALUES (1, 'ex', 'Empty', '2019-06-03', '2019-06-25')");
	snprintf(path, sizeof path, "%s/hw.csv", dir);
	err_init(&e);
	ck_assert_int_eq(export_healthwatch(db, 1, path, &opt, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "nothing is tagged yet"), "%s", err_first(&e));
	ck_assert_int_ne(access(path, F_OK), 0);
	sqlite3_close(db);

	db = fixture();
	snprintf(path, sizeof path, "%s/missing/hw.csv", dir);
	err_init(&e);
	ck_assert_int_eq(export_healthwatch(db, 1, path, &opt, &e), -1);
	ck_assert_int_eq(e.code, EXIT_SYSTEM);
	opt.format = EXPORT_UNKNOWN;
	snprintf(path, sizeof path, "%s/hw.txt", dir);
	err_init(&e);
	ck_assert_int_eq(export_healthwatch(db, 1, path, &opt, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(rmdir(dir), 0); /* nothing left behind in it */
	sqlite3_close(db);
}
END_TEST

/* The cells of category `code` in the table by `dim`: count of `value` or -1 hidden; -2 absent. */
static long cat_cell(const struct export *x, const char *dim, const char *code, const char *value)
{
	for (size_t i = 0; i < x->ntables; i++) {
		if (strcmp(x->tables[i].dim, dim))
			continue;
		for (size_t k = 0; k < x->tables[i].ncells; k++) {
			const struct xcell *c = &x->tables[i].cells[k];

			if (!strcmp(c->theme, code) && !strcmp(c->code, value))
				return c->count;
		}
	}
	return -2;
}

/*
 * A crosswalk category of two unrelated themes counts the respondents who
 * mentioned either, once (not the sum of the two), and its cells go through
 * disclosure control and the ledger like any other; a category of a theme
 * and its sub-theme is that theme's row.
 */
START_TEST(test_crosswalk_merged)
{
	sqlite3 *db = fixture();
	const char *dir = test_tmpdir();
	char path[256];
	FILE *f;
	struct crosswalk *cw;
	struct export x;
	struct err e;
	struct export_options opt = { .format = EXPORT_CSV,
				      .rule = { .threshold = 0, .rounding = 1, .secondary = 0 } };

	/* Respondents 9 and 10 mention B as well as A1: both themes, once each. */
	test_exec(db, "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		      "response_id, question_id) SELECT id, 3, 2, 0, 1, response_id, question_id "
		      "FROM answer WHERE question_id = 1 AND response_id IN (9, 10);");
	snprintf(path, sizeof path, "%s/cw.xml", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("<crosswalk recipient=\"ICB\">\n"
	      "  <category code=\"EITHER\" label=\"Fees or staff\" theme=\"B A1\"/>\n"
	      "  <category code=\"PARK\" label=\"Parking\" theme=\"A A1\"/>\n"
	      "  <category code=\"FEES\" label=\"Fees\" theme=\"A1\"/>\n"
	      "</crosswalk>\n", f);
	fclose(f);
	err_init(&e);
	ck_assert_msg((cw = crosswalk_load(path, &e)) != NULL, "%s", err_first(&e));
	ck_assert_uint_eq(cw->cats[0].nthemes, 2);
	opt.crosswalk = cw;

	/* Exact counts: 1-10 and 9-12 are 12 people, not 10 + 4. */
	memset(&x, 0, sizeof x);
	ck_assert_msg(export_gather(db, 1, &opt, &x, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(cat_cell(&x, "district", "EITHER", "(all)"), 12);
	ck_assert_int_eq(cat_cell(&x, "district", "EITHER", "E07000192"), 9);
	ck_assert_int_eq(cat_cell(&x, "district", "EITHER", "E07000193"), 3);
	ck_assert_int_eq(cat_cell(&x, "district", "FEES", "(all)"), 10);
	ck_assert_int_eq(cat_cell(&x, "district", "PARK", "(all)"), 10); /* A: A1's people */
	ck_assert_int_eq(cat_cell(&x, "channel", "EITHER", "paper"), 4); /* 9-12 */
	export_free(&x);

	/* Under disclosure control through the ledger: East Staffordshire's 3 is hidden,
	   and so is enough else that it cannot be worked out from the total. */
	opt.rule = (struct sdc_rule){ .threshold = 8, .rounding = 1, .secondary = 1 };
	ck_assert_msg((opt.ledger = ledger_open(db, 1, &opt.rule, &e)) != NULL, "%s",
		      err_first(&e));
	memset(&x, 0, sizeof x);
	ck_assert_msg(export_gather(db, 1, &opt, &x, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(cat_cell(&x, "district", "EITHER", "E07000193"), -1);
	ck_assert(cat_cell(&x, "district", "EITHER", "E07000192") == -1 ||
		  cat_cell(&x, "district", "EITHER", "(all)") == -1);
	ck_assert_msg(ledger_commit(opt.ledger, &e) == 0, "%s", err_first(&e));
	ledger_free(opt.ledger);
	export_free(&x);
	/* The merged count is recorded under its themes' name ... */
	ck_assert_int_gt(test_int(db, "SELECT count(*) FROM publication_cell WHERE theme = 'A1+B' "
				      "AND cell = ''"), 0);
	/* ... except where it is one of its themes' count (East Staffordshire: 10-12, B's
	   people; Cannock Chase: 1-9, A1's): there it is that theme's cell, in both tables,
	   so the ledger hides it alike and neither gives the other away. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM publication_cell WHERE theme = 'A1+B' "
				      "AND cell LIKE 'district=%'"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(DISTINCT table_id) FROM publication_cell WHERE "
				      "theme = 'B' AND cell = 'district=E07000193'"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM publication_cell WHERE theme = 'B' "
				      "AND cell = 'district=E07000193' AND shown IS NOT NULL"), 0);
	crosswalk_free(cw);
	unlink(path);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

/*
 * The snapshot the ledger records is the one its SQL definition gives (the
 * tags of the exercise's responses, their number and sum of squares; the
 * counted responses, their number and sum of ids): with the responses' ids
 * unbroken, with a gap, and with the review decisions in force, and a
 * second exercise's tags left out. Publications of the same data keep
 * being reconciled only while it is.
 */
static void snapshot_is_sql(sqlite3 *db, const char *tags)
{
	struct export_options opt = { .format = EXPORT_CSV,
				      .rule = { .threshold = 8, .rounding = 5, .secondary = 1 } };
	struct export x = { 0 };
	struct err e;
	sqlite3_stmt *st;
	char want[512], sql[1024];

	snprintf(sql, sizeof sql,
		 "WITH t AS (SELECT (answer_id * 31 + theme_id) %% 2147483647 AS k FROM %s WHERE "
		 "response_id IN (SELECT id FROM response WHERE exercise_id = 1)) "
		 "SELECT printf('rules %%s%%s; tags %%d %%.0f; responses %%d %%.0f; rule 8 5 1', "
		 "(SELECT sha256 FROM ruleset WHERE exercise_id = 1), ?1, "
		 "(SELECT count(*) FROM t), (SELECT total(k * (k + 1) %% 2147483647 + k) FROM t), "
		 "(SELECT count(*) FROM response WHERE exercise_id = 1 AND entry_status IN "
		 "('accepted', 'verified')), (SELECT total(id) FROM response WHERE exercise_id = 1 "
		 "AND entry_status IN ('accepted', 'verified')))", tags);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, strcmp(tags, "tag") ? " reviewed" : "", -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(want, sizeof want, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);

	err_init(&e);
	ck_assert_msg((opt.ledger = ledger_open(db, 1, &opt.rule, &e)) != NULL, "%s",
		      err_first(&e));
	ck_assert_msg(export_gather(db, 1, &opt, &x, &e) == 0, "%s", err_first(&e));
	ck_assert_msg(ledger_commit(opt.ledger, &e) == 0, "%s", err_first(&e));
	ledger_free(opt.ledger);
	export_free(&x);
	ck_assert_int_eq(test_int(db, "SELECT count(DISTINCT snapshot) FROM publication_table"), 1);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT snapshot FROM publication_table", -1, &st,
					    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
}

START_TEST(test_ledger_snapshot)
{
	sqlite3 *db = fixture();

	/* A second exercise, its response after the first's, with a tag of its own. */
	test_exec(db, "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		      "(2, 'ex2', 'Other', 'Test', '2019-06-03', '2019-06-25');"
		      "INSERT INTO response (id, exercise_id, channel, form_variant, "
		      "district_source, recorded_at) VALUES (13, 2, 'online', 'standard', "
		      "'unresolved', '2019-06-10');"
		      "INSERT INTO answer (id, response_id, question_id, value) VALUES "
		      "(900, 13, 1, 'other');"
		      "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		      "response_id, question_id) VALUES (900, 3, 2, 0, 1, 13, 1);");
	snapshot_is_sql(db, "tag");
	/* A gap in the ids (an erased response): then the list of ids. */
	test_exec(db, "DELETE FROM response WHERE id = 5");
	snapshot_is_sql(db, "tag");
	/* The other exercise's response among this one's: its tag is not this one's. */
	test_exec(db, "UPDATE response SET exercise_id = 2 WHERE id = 6");
	snapshot_is_sql(db, "tag");
	/* A response waiting for its second entry: its tags are the exercise's still. */
	test_exec(db, "UPDATE response SET entry_status = 'awaiting-second-entry' WHERE id = 12");
	snapshot_is_sql(db, "tag");
	/* Review decisions: the tags as counted with them. */
	test_exec(db, "INSERT INTO review_decision (answer_id, theme_code, action, reviewer, "
		      "decided_at) SELECT id, 'B', 'add', 'rev', '2019-07-01' FROM answer "
		      "WHERE response_id = 3 AND question_id = 1");
	snapshot_is_sql(db, "effective_tag");
	sqlite3_close(db);
}
END_TEST

static Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_format_of);
	tcase_add_test(tc, test_beside);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_same_bytes);
	tcase_add_test(tc, test_level_and_exact);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_crosswalk_merged);
	tcase_add_test(tc, test_ledger_snapshot);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(export_suite());
}
