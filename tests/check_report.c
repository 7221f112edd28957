/* check_report.c: unit tests for analyser/report.c ("You said, we did"). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "report.h"
#include "report_settings.h"
#include "testutil.h"

/* ---- escaping and cleaning of database text ---- */

struct text_case {
	const char *name;
	const char *in;
	size_t n;               /* 0: strlen(in) */
	const char *want;
};

#define FFFD "\xEF\xBF\xBD"

static const struct text_case text_cases[] = {
	{ "plain", "hello", 0, "hello" },
	{ "empty", "", 0, "" },
	{ "markup escaped", "<a href=\"x\">Tom & Jerry's</a>", 0,
	  "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;" },
	{ "white space collapsed and trimmed", "  two\r\n\r\nlines\t here  ", 0, "two lines here" },
	{ "only white space", " \n\t ", 0, "" },
	{ "C0 controls dropped", "a\x07" "b\x1b" "c\x7f" "d", 0, "abcd" },
	{ "NUL dropped", "a\0b", 3, "ab" },
	{ "C1 control dropped", "a\xC2\x9B" "b", 0, "ab" },
	{ "next line is a space", "a\xC2\x85" "b", 0, "a b" },
	{ "line separator is a space", "a\xE2\x80\xA8" "b", 0, "a b" },
	{ "valid text kept", "\xC2\xA3" "5 \xE2\x80\x93 caf\xC3\xA9 \xF0\x9F\x98\x80", 0,
	  "\xC2\xA3" "5 \xE2\x80\x93 caf\xC3\xA9 \xF0\x9F\x98\x80" },
	{ "no-break space kept", "a\xC2\xA0" "b", 0, "a\xC2\xA0" "b" },
	{ "latin-1 byte replaced", "caf\xE9 au lait", 0, "caf" FFFD " au lait" },
	{ "overlong replaced", "\xC0\xAF", 0, FFFD FFFD },
	{ "surrogate replaced", "x\xED\xA0\x80", 0, "x" FFFD FFFD FFFD },
	{ "truncated at the end", "ab\xE2\x82", 0, "ab" FFFD FFFD },
	{ "above U+10FFFF", "\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD },
	{ "stray continuation", "\x80z", 0, FFFD "z" },
};

START_TEST(test_text_table)
{
	const struct text_case *c = &text_cases[_i];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	report_html_text(f, c->in, c->n ? c->n : strlen(c->in));
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(!strcmp(buf, c->want), "%s: got \"%s\", want \"%s\"", c->name, buf, c->want);
	free(buf);
}
END_TEST

/* ---- the page from a small database ---- */

/*
 * Two districts. Theme A (with sub-theme A1) is raised by 12 people in
 * Cannock Chase and 3 in East Staffordshire, so some cells are hidden;
 * every answer carries an e-mail address, so every quote is redacted.
 * Theme B is raised by 9 people in Cannock Chase.
 */
static sqlite3 *fixture(int tagged)
{
	sqlite3 *db = test_memdb();
	char sql[1024];

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(1, 'ex', 'Our <test> exercise', 'Test & Partners', '2019-06-03', '2019-06-25');"
		  "INSERT INTO district VALUES ('E07000192', 'Cannock Chase'), "
		  "('E07000193', 'East Staffordshire');"
		  "INSERT INTO exercise_district VALUES (1, 'E07000192', 1), (1, 'E07000193', 2);"
		  "INSERT INTO questionnaire (id, exercise_id, variant, code, title) "
		  "VALUES (1, 1, 'standard', 'std', 'Survey');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text) VALUES "
		  "(1, 1, 'WELL', 1, 'free-text', 'works-well', 'What works well?'),"
		  "(2, 1, 'BETTER', 2, 'free-text', 'could-be-better', 'What could be better?');");
	for (int i = 1; i <= 24; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO response (id, exercise_id, channel, form_variant, district_code, "
			 "district_source, recorded_at) VALUES (%d, 1, 'online', 'standard', '%s', "
			 "'postcode', '2019-06-10');"
			 "INSERT INTO answer (id, response_id, question_id, value) VALUES (%d, %d, %d, "
			 "'Person %d says the parking at the hospital is far too dear; write to "
			 "person%d@example.com about it.');",
			 i, i <= 15 || i > 21 ? "E07000192" : "E07000193", i, i, i % 2 + 1, i, i);
		test_exec(db, sql);
	}
	if (!tagged)
		return db;
	test_exec(db,
		  "INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at) VALUES "
		  "(1, 1, 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', "
		  "'test.rules.xml', '2019-09-01');"
		  "INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position) VALUES "
		  "(1, 1, 'A', 'Parking & travel', NULL, 1, 1), (2, 1, 'A1', 'Parking', 1, 2, 2),"
		  "(3, 1, 'B', 'Staff', NULL, 1, 3);"
		  /* A1 (and so A): 12 in Cannock Chase (1-12), 3 in East Staffordshire (16-18). */
		  "INSERT INTO rule VALUES (1, 1, 'parking'), (1, 2, 'staff'), (1, 3, 'care');"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) SELECT id, 2, 1, 0, 1, response_id, question_id FROM answer "
		  "WHERE id BETWEEN 1 AND 12 OR id BETWEEN 16 AND 18;"
		  /* B: 9 in Cannock Chase. */
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) SELECT id, 3, 2, 0, 1, response_id, question_id "
		  "FROM answer WHERE id BETWEEN 1 AND 9;"
		  "INSERT INTO action (exercise_id, theme_code, text, owner, action_date, recorded_at) "
		  "VALUES (1, 'A1', 'More spaces.\n\nCheaper tickets.', 'Estates', '2019-11-01', 'x');");
	return db;
}

/* The page for `db` as a string the caller frees; fails the test on an error. */
static char *page(sqlite3 *db, const struct report_options *opt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct err e;

	err_init(&e);
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(report_write_html(db, 1, opt, f, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_page_small_numbers)
{
	sqlite3 *db = fixture(1);
	struct report_options opt = { .top = 6, .rule = SDC_NHS };
	char *html = page(db, &opt);

	/* Title and organisation escaped; dates in words. */
	ck_assert_ptr_nonnull(strstr(html, "<h1>Our &lt;test&gt; exercise</h1>"));
	ck_assert_ptr_nonnull(strstr(html, "From 3 to 25 June 2019, Test &amp; Partners asked"));
	/* Both themes, the most raised first. */
	ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"theme-1\">Parking &amp; travel</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"theme-2\">Staff</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "About 15 people raised this."));
	/* East Staffordshire's 3 is hidden, in the table and in the chart (no bar). */
	ck_assert_ptr_nonnull(strstr(html, "<tr data-theme=\"A\" data-code=\"E07000193\">"
					   "<th scope=\"row\">East Staffordshire</th><td>*</td>"));
	ck_assert_ptr_nonnull(strstr(html, "East Staffordshire: not shown"));
	ck_assert_ptr_nonnull(strstr(html, "not shown *</text>"));
	ck_assert_ptr_nonnull(strstr(html, "* Not shown, to protect people&#39;s privacy"));
	ck_assert_ptr_null(strstr(html, "<td>3</td>"));
	/*
	 * No quote from a hidden cell: East Staffordshire's 3 is hidden, and so
	 * (to protect it) are the Cannock Chase counts around it.
	 */
	ck_assert_ptr_null(strstr(html, "Someone in East Staffordshire"));
	ck_assert_ptr_nonnull(strstr(html, "We have no short quotes to show for this theme."));
	ck_assert_ptr_null(strstr(html, "@example.com"));
	/* The action on the sub-theme is under its top theme, named, in paragraphs. */
	ck_assert_ptr_nonnull(strstr(html, "<li data-theme=\"A1\"><p><strong>Parking</strong></p>"
					   "<p>More spaces.</p><p>Cheaper tickets.</p>"
					   "<p class=\"meta\">Who: Estates. When: 1 November 2019.</p></li>"));
	ck_assert_ptr_nonnull(strstr(html, "We will report what we did about this."));
	/* The public reads how we counted in words; the rule set's version is for analysts only. */
	ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"how\">How we counted</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<!-- rule set version abcdef012345 -->"));
	ck_assert_ptr_null(strstr(html, "test.rules.xml"));
	ck_assert_ptr_null(strstr(html, "About these numbers"));
	ck_assert_ptr_null(strstr(html, "Produced on"));
	free(html);
	sqlite3_close(db);
}
END_TEST

/* ---- what comms staff chose (report_settings.h) ---- */

struct seen {
	long long answers[32];
	size_t n;
	int from_east;
};

static int collect(const struct report_candidate *c, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 32)
		s->answers[s->n++] = c->answer;
	s->from_east |= !strcmp(c->place, "East Staffordshire");
	ck_assert_ptr_null(strstr(c->text, "@example.com"));
	return 0;
}

START_TEST(test_page_settings_and_quotes)
{
	sqlite3 *db = fixture(1);
	struct report_options opt = { .top = 6, .rule = SDC_NHS };
	struct seen a = { 0 }, b = { 0 };
	struct err e;
	char *html, *pos_b, *pos_a;

	err_init(&e);
	/* Theme C: raised by everyone in Cannock Chase (18), 9 of each kind of question. */
	test_exec(db, "INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position) "
		      "VALUES (4, 1, 'C', 'Care', NULL, 1, 4);"
		      "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		      "response_id, question_id) SELECT id, 4, 3, 0, 1, response_id, question_id "
		      "FROM answer WHERE id <= 15 OR id > 21");
	/* Theme A's district cells are all hidden: none of its answers may be offered. */
	ck_assert_int_eq(report_quote_candidates(db, 1, &opt, "A", collect, &a, &e), 0);
	ck_assert_int_eq(a.n, 0);
	ck_assert_int_eq(report_quote_decide(db, 1, &opt, "A", 16, NULL, "Cam", &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	/* Theme B: 9 in Cannock Chase, shown. */
	err_init(&e);
	ck_assert_int_eq(report_quote_candidates(db, 1, &opt, "C", collect, &b, &e), 0);
	ck_assert_int_ge(b.n, 3);
	ck_assert_int_eq(b.from_east, 0);
	ck_assert_int_eq(report_quote_decide(db, 1, &opt, "C", b.answers[0], NULL, "Cam", &e), 0);
	ck_assert_int_eq(report_quote_decide(db, 1, &opt, "C", b.answers[1], NULL, "Cam", &e), 0);
	ck_assert_int_eq(report_quote_decide(db, 1, &opt, "C", b.answers[2], "names a nurse",
					     "Cam", &e), 0);
	/* A rejection needs its reason. */
	ck_assert_int_eq(report_quote_decide(db, 1, &opt, "C", b.answers[2], "  ", "Cam", &e), -1);
	err_init(&e);
	ck_assert_int_eq(report_setting_save(db, 1, "themes", "C\nA", "Cam", &e), 1);
	ck_assert_int_eq(report_setting_save(db, 1, "themes", "C\nA", "Cam", &e), 0);
	ck_assert_int_eq(report_setting_save(db, 1, "intro", "We asked & you told us.", "Cam", &e), 1);
	ck_assert_int_eq(report_setting_save(db, 1, "contact", "Call 01234 567890.", "Cam", &e), 1);
	ck_assert_int_eq(report_setting_save(db, 1, "formats", "Ask us for Easy Read.", "Cam", &e), 1);
	ck_assert_int_eq(report_setting_save(db, 1, "layout", "tables", "Cam", &e), -1);
	ck_assert_int_eq(report_setting_save(db, 1, "colour", "red", "Cam", &e), -1);
	err_init(&e);
	ck_assert_int_eq(report_action_save(db, 1, 0, "C", "We hired staff.", "Cam", &e), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM action_version WHERE theme_code = 'C' "
				      "AND changed_by = 'Cam'"), 1);

	html = page(db, &opt);
	pos_b = strstr(html, "<h2 id=\"theme-1\">Care</h2>");
	pos_a = strstr(html, "<h2 id=\"theme-2\">Parking &amp; travel</h2>");
	ck_assert_ptr_nonnull(pos_b);
	ck_assert_ptr_nonnull(pos_a);
	ck_assert_ptr_nonnull(strstr(html, "<p>We asked &amp; you told us.</p>"));
	ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"contact\">Contact us</h2>\n<p>Call 01234 "
					   "567890.</p>"));
	ck_assert_ptr_nonnull(strstr(html, "<p>We hired staff.</p>"));
	/* Only the two approved quotes, in the order approved. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM report_quote WHERE decision = "
				      "'approved'"), 2);
	{
		int n = 0;

		for (const char *p = html; (p = strstr(p, "<figure class=\"quote\">")); p++)
			n++;
		ck_assert_int_eq(n, 2);
	}
	ck_assert_ptr_null(strstr(html, "taken out a quote"));
	free(html);

	/* The pairs layout from the same settings. */
	opt.layout = REPORT_LAYOUT_PAIRS;
	html = page(db, &opt);
	ck_assert_ptr_nonnull(strstr(html, "<h3>You said</h3>"));
	ck_assert_ptr_nonnull(strstr(html, "<h3>We did</h3>"));
	ck_assert_ptr_null(strstr(html, "<svg"));
	free(html);
	opt.layout = REPORT_LAYOUT_SAVED;

	/* Erasing a quoted response takes its quote away, and the page says so. */
	{
		char sql[128];

		snprintf(sql, sizeof sql, "DELETE FROM response WHERE id = (SELECT response_id FROM "
			 "answer WHERE id = %lld)", b.answers[0]);
		test_exec(db, sql);
	}
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM report_quote WHERE decision = "
				      "'approved'"), 1);
	html = page(db, &opt);
	ck_assert_ptr_nonnull(strstr(html, "We have taken out a quote because the person who said "
					   "it asked us to delete what they told us."));
	free(html);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_page_top_and_stamp)
{
	sqlite3 *db = fixture(1);
	struct report_options opt = { .top = 1, .rule = SDC_NHS, .stamp = "1 December 2019" };
	char *html = page(db, &opt);

	ck_assert_ptr_nonnull(strstr(html, "Parking &amp; travel"));
	ck_assert_ptr_null(strstr(html, "id=\"theme-2\""));
	ck_assert_ptr_nonnull(strstr(html, "<p class=\"stamp\">Produced on 1 December 2019.</p>"));
	free(html);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_page_exact_numbers)
{
	sqlite3 *db = fixture(1);
	struct report_options opt = { .top = 6, .rule = { 0, 1, 0 } };
	char *html = page(db, &opt);

	/* With no rounding or hiding, the numbers are exact and not "about". */
	ck_assert_ptr_nonnull(strstr(html, "15 people raised this."));
	ck_assert_ptr_null(strstr(html, "About 15"));
	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"row\">East Staffordshire</th><td>3</td>"));
	ck_assert_ptr_nonnull(strstr(html, "The numbers are exact: none is hidden."));
	/* Nothing hidden: quotes from anywhere, redacted. */
	ck_assert_ptr_nonnull(strstr(html, "<blockquote>"));
	ck_assert_ptr_nonnull(strstr(html, "Someone in East Staffordshire"));
	ck_assert_ptr_null(strstr(html, "@example.com"));
	ck_assert_ptr_nonnull(strstr(html, "[email]"));
	free(html);
	sqlite3_close(db);
}
END_TEST

/*
 * A clock the test sets. This program's time(), gettimeofday() and
 * clock_gettime(CLOCK_REALTIME) take the place of the C library's for the
 * code linked into it (the report included), and a VFS that says the same
 * time is made SQLite's default, for 'now' in SQL. While fake_clock is 0
 * they give the real time.
 */
static int fake_clock;
static time_t fake_now;

int clock_gettime(clockid_t id, struct timespec *ts)
{
	if (fake_clock && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
		ts->tv_sec = fake_now;
		ts->tv_nsec = 0;
		return 0;
	}
	return (int)syscall(SYS_clock_gettime, id, ts);
}

time_t time(time_t *t)
{
	struct timespec ts;
	time_t v = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec : (time_t)-1;

	if (t)
		*t = v;
	return v;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

static sqlite3_vfs fake_vfs;

/* Julian day in milliseconds, as SQLite counts it, of the clock above. */
static int fake_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now)
{
	(void)vfs;
	*now = (sqlite3_int64)time(NULL) * 1000 + 210866760000000LL;
	return SQLITE_OK;
}

static int fake_time(sqlite3_vfs *vfs, double *now)
{
	sqlite3_int64 ms;

	fake_time_int64(vfs, &ms);
	*now = (double)ms / 86400000.0;
	return SQLITE_OK;
}

/* Makes the fake-clock VFS SQLite's default (once). */
static void fake_vfs_install(void)
{
	if (fake_vfs.zName)
		return;
	fake_vfs = *sqlite3_vfs_find(NULL);
	fake_vfs.zName = "fake-clock";
	fake_vfs.xCurrentTime = fake_time;
	fake_vfs.xCurrentTimeInt64 = fake_time_int64;
	ck_assert_int_eq(sqlite3_vfs_register(&fake_vfs, 1), SQLITE_OK);
}

/*
 * The page does not depend on when it is made: made at two times years
 * apart (the clock C sees and the one SQLite sees), it is the same bytes.
 */
START_TEST(test_page_same_bytes)
{
	struct report_options opt = { .top = 6, .rule = SDC_NHS };
	sqlite3 *db;
	char *a, *b;
	long long sql_now = 0;
	struct err e;

	fake_vfs_install();
	db = fixture(1);
	fake_clock = 1;
	fake_now = 1575158400; /* 1 December 2019 */
	a = page(db, &opt);
	fake_now = 1956528000; /* 1 January 2032 */
	b = page(db, &opt);
	/* The clocks the page could have read did move. */
	ck_assert_int_eq(time(NULL), 1956528000);
	err_init(&e);
	ck_assert_int_eq(db_int(db, "SELECT CAST(strftime('%s', 'now') AS INTEGER)", 0, &sql_now, &e,
				0), 0);
	ck_assert_int_eq(sql_now, 1956528000);
	fake_clock = 0;
	ck_assert_msg(!strcmp(a, b), "the page made in 2032 differs from the one made in 2019");
	free(a);
	free(b);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_errors)
{
	sqlite3 *db = fixture(0);
	struct report_options opt = { .top = 6, .rule = SDC_NHS };
	const char *dir = test_tmpdir();
	char path[256];
	struct err e;

	/* Nothing tagged: a usage error, and no file. */
	snprintf(path, sizeof path, "%s/r.html", dir);
	err_init(&e);
	ck_assert_int_eq(report_you_said_we_did(db, 1, path, &opt, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "nothing is tagged yet"), "%s", err_first(&e));
	ck_assert_int_ne(access(path, F_OK), 0);
	sqlite3_close(db);

	db = fixture(1);
	opt.top = 0;
	err_init(&e);
	ck_assert_int_eq(report_you_said_we_did(db, 1, path, &opt, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_int_ne(access(path, F_OK), 0);

	/* A folder that does not exist: a system error. */
	opt.top = 6;
	snprintf(path, sizeof path, "%s/missing/r.html", dir);
	err_init(&e);
	ck_assert_int_eq(report_you_said_we_did(db, 1, path, &opt, &e), -1);
	ck_assert_int_eq(e.code, EXIT_SYSTEM);

	/* Written whole, mode 0600. */
	struct stat sb;

	snprintf(path, sizeof path, "%s/r.html", dir);
	err_init(&e);
	ck_assert_msg(report_you_said_we_did(db, 1, path, &opt, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_gt(sb.st_size, 1000);
	unlink(path);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("text");

	tcase_add_loop_test(tc, test_text_table, 0, (int)(sizeof text_cases / sizeof text_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("page");
	tcase_add_test(tc, test_page_small_numbers);
	tcase_add_test(tc, test_page_top_and_stamp);
	tcase_add_test(tc, test_page_settings_and_quotes);
	tcase_add_test(tc, test_page_exact_numbers);
	tcase_add_test(tc, test_page_same_bytes);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
