/*
 * check_tag_state: counts, exports and reports are refused while free-text
 * answers exist that the current rule set has not read.
 */
#include <string.h>

#include "rules.h"
#include "tag_state.h"
#include "tagger.h"
#include "testutil.h"

static const char rules_xml[] =
	"<rules exercise=\"ex\">\n"
	"  <theme code=\"PARK\" label=\"Parking\">\n"
	"    <include>park</include>\n"
	"  </theme>\n"
	"</rules>\n";

/* Ten responses, each with a free-text answer and a scale answer. */
static sqlite3 *fixture(void)
{
	sqlite3 *db = test_memdb();
	char sql[512];

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(1, 'ex', 'Exercise', 'Org', '2019-06-03', '2019-06-25');"
		  "INSERT INTO questionnaire (id, exercise_id, variant, code, title) "
		  "VALUES (1, 1, 'standard', 'std', 'Survey');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text, "
		  "scale_min, scale_max) VALUES "
		  "(1, 1, 'WELL', 1, 'free-text', 'works-well', 'What works well?', NULL, NULL),"
		  "(2, 1, 'AGE', 2, 'scale', 'none', 'How likely?', 1, 5);");
	for (int i = 1; i <= 10; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at) "
			 "VALUES (%d, 1, 'online', 'standard', '2019-06-10');"
			 "INSERT INTO answer (response_id, question_id, value) VALUES "
			 "(%d, 1, 'the parking %d'), (%d, 2, '3');", i, i, i, i);
		test_exec(db, sql);
	}
	return db;
}

static void tag(sqlite3 *db)
{
	struct err e, errors;
	struct tag_stats st;
	struct ruleset *rs;

	err_init(&e);
	err_init(&errors);
	rs = rules_parse(rules_xml, strlen(rules_xml), "park.rules.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_msg(tagger_run(db, 1, rs, NULL, &st, &errors, &e) == 0, "%s", err_first(&e));
	ruleset_free(rs);
}

static long long unread(sqlite3 *db, int *tagged)
{
	long long n = -1;
	struct err e;

	err_init(&e);
	ck_assert_msg(tag_state_unread(db, 1, &n, tagged, &e) == 0, "%s", err_first(&e));
	return n;
}

START_TEST(never_tagged)
{
	sqlite3 *db = fixture();
	struct err e;
	int tagged = -1;

	/* Only the free-text answers: the scale answers are never tagged. */
	ck_assert_int_eq(unread(db, &tagged), 10);
	ck_assert_int_eq(tagged, 0);
	err_init(&e);
	ck_assert_int_eq(tag_state_require_current(db, 1, "survey.db", &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_str_eq(err_first(&e), "10 free-text answers have not been tagged: run "
					"`analyser tag survey.db RULES` first");
	sqlite3_close(db);
}
END_TEST

START_TEST(current_after_tagging)
{
	sqlite3 *db = fixture();
	struct err e;
	int tagged = 0;

	tag(db);
	ck_assert_int_eq(unread(db, &tagged), 0);
	ck_assert_int_eq(tagged, 1);
	err_init(&e);
	ck_assert_int_eq(tag_state_require_current(db, 1, "survey.db", &e), 0);
	ck_assert(!err_isset(&e));
	/* A blank answer and a scale answer added since: nothing to read. */
	test_exec(db, "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at) "
		      "VALUES (11, 1, 'paper', 'standard', '2019-06-11');"
		      "INSERT INTO answer (response_id, question_id, value, state) VALUES "
		      "(11, 1, NULL, 'skipped'), (11, 2, '4', 'answered')");
	ck_assert_int_eq(tag_state_require_current(db, 1, "survey.db", &e), 0);
	sqlite3_close(db);
}
END_TEST

START_TEST(imported_after_tagging)
{
	sqlite3 *db = fixture();
	struct err e;
	int tagged = 0;

	tag(db);
	test_exec(db, "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at) "
		      "VALUES (11, 1, 'paper', 'standard', '2019-06-11');"
		      "INSERT INTO answer (response_id, question_id, value) VALUES "
		      "(11, 1, 'no parking at all')");
	ck_assert_int_eq(unread(db, &tagged), 1);
	err_init(&e);
	ck_assert_int_eq(tag_state_require_current(db, 1, "dir/survey.db", &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_str_eq(err_first(&e), "1 free-text answer was imported or changed after the "
					"last tag run, so the tags leave it out: run `analyser tag "
					"dir/survey.db RULES` first (the rules last used: "
					"park.rules.xml)");
	/* Tagging again reads it, and the counts may be published. */
	tag(db);
	ck_assert_int_eq(unread(db, &tagged), 0);
	ck_assert_int_eq(tag_state_require_current(db, 1, "survey.db", &e), 0);
	sqlite3_close(db);
}
END_TEST

/* An edit (a supervisor settling a double-entry difference) replaces the
   answer's row, as collector/entry.c does: the new text is unread. */
START_TEST(edited_after_tagging)
{
	sqlite3 *db = fixture();
	int tagged = 0;

	tag(db);
	test_exec(db, "DELETE FROM answer WHERE response_id = 4 AND question_id = 1;"
		      "INSERT INTO answer (response_id, question_id, value) VALUES "
		      "(4, 1, 'the car park, corrected')");
	ck_assert_int_eq(unread(db, &tagged), 1);
	sqlite3_close(db);
}
END_TEST

/* Erasing the newest response frees the largest answer ids; SQLite hands
   them to the next answers stored, which the rule set must not count as
   read (schema: the mark comes down with a deleted largest id). */
START_TEST(newest_erased_then_imported)
{
	sqlite3 *db = fixture();
	int tagged = 0;

	tag(db);
	test_exec(db, "DELETE FROM answer WHERE response_id = 10; DELETE FROM response WHERE id = 10;"
		      "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at) "
		      "VALUES (11, 1, 'paper', 'standard', '2019-06-11');"
		      "INSERT INTO answer (response_id, question_id, value) VALUES "
		      "(11, 1, 'parking again')");
	/* The new answer took an id the erased one had. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer WHERE id <= 20 AND "
				      "response_id = 11"), 1);
	ck_assert_int_eq(unread(db, &tagged), 1);
	/* Tagging again reads it, and only it. */
	tag(db);
	ck_assert_int_eq(unread(db, &tagged), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag t JOIN answer a ON "
				      "a.id = t.answer_id WHERE a.response_id = 11"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag"), 10);
	sqlite3_close(db);
}
END_TEST

/* Another exercise's answers are not this one's business. */
START_TEST(other_exercise)
{
	sqlite3 *db = fixture();
	int tagged = 0;

	tag(db);
	test_exec(db, "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		      "(2, 'ex2', 'Other', 'Org', '2020-01-01', '2020-02-01');"
		      "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at) "
		      "VALUES (20, 2, 'online', 'standard', '2020-01-02');"
		      "INSERT INTO answer (response_id, question_id, value) VALUES "
		      "(20, 1, 'parking')");
	ck_assert_int_eq(unread(db, &tagged), 0);
	sqlite3_close(db);
}
END_TEST

/*
 * A database upgraded to numbered rules (schema 0024) has numbers only for
 * the rules its tags named, in its own order; a later run of the same rule
 * set numbers the others after them and names every tag right.
 */
START_TEST(rules_numbered_after_an_upgrade)
{
	static const char xml[] =
		"<rules exercise=\"ex\">\n"
		"  <theme code=\"PARK\" label=\"Parking\"><include>park</include>"
		"<include>car</include></theme>\n"
		"  <theme code=\"BUS\" label=\"Buses\"><include>bus</include></theme>\n"
		"</rules>\n";
	sqlite3 *db = fixture();
	struct err e, errors;
	struct tag_stats st;
	struct ruleset *rs;

	err_init(&e);
	err_init(&errors);
	rs = rules_parse(xml, strlen(xml), "park.rules.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(tagger_run(db, 1, rs, NULL, &st, &errors, &e), 0);
	/* As the upgrade leaves it: PARK/1 alone, as number 7. */
	test_exec(db, "DELETE FROM rule WHERE name <> 'PARK/1';"
		      "UPDATE rule SET no = 7; UPDATE tag SET rule_no = 7;"
		      "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at) "
		      "VALUES (11, 1, 'paper', 'standard', '2019-06-11');"
		      "INSERT INTO answer (response_id, question_id, value) VALUES "
		      "(11, 1, 'the car and the bus')");
	ck_assert_int_eq(tagger_run(db, 1, rs, NULL, &st, &errors, &e), 0);
	ck_assert_int_eq(st.same_version, 1);
	ck_assert_int_eq(st.tags, 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag_detail WHERE rule = 'PARK/1' "
				      "AND matched = 'park'"), 10);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag_detail WHERE response_id = 11 AND "
				      "((theme = 'PARK' AND rule = 'PARK/2' AND matched = 'car') OR "
				      "(theme = 'BUS' AND rule = 'BUS/1' AND matched = 'bus'))"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM rule WHERE no > 7"), 2);
	ruleset_free(rs);
	sqlite3_close(db);
}
END_TEST

static Suite *tag_state_suite(void)
{
	Suite *s = suite_create("tag_state");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, never_tagged);
	tcase_add_test(tc, current_after_tagging);
	tcase_add_test(tc, imported_after_tagging);
	tcase_add_test(tc, edited_after_tagging);
	tcase_add_test(tc, newest_erased_then_imported);
	tcase_add_test(tc, other_exercise);
	tcase_add_test(tc, rules_numbered_after_an_upgrade);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(tag_state_suite());
}
