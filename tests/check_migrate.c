/* Migrations: fresh databases, upgrades from every version, refusals. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char path[256];

static void setup(void)
{
	snprintf(path, sizeof path, "%s/survey.db", test_tmpdir());
}

static void teardown(void)
{
	char dir[256];

	db_remove_files(path);
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
}

/* Rows that versions after..upto added tables for, to prove upgrades keep data. */
static void plant(sqlite3 *db, int after, int upto)
{
	if (after < 1 && upto >= 1)
		test_exec(db, "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
			      "(1, 'x', 'X', '2019-06-03', '2019-08-25');"
			      "INSERT INTO district VALUES ('E07000192', 'Cannock Chase');"
			      "INSERT INTO exercise_district VALUES (1, 'E07000192', 1);"
			      "INSERT INTO event (exercise_id, code, kind, title, venue, held_on, "
			      "district_code) VALUES (1, 'LE1', 'roadshow', 'T', 'V', '2019-06-04', "
			      "'E07000192');"
			      "INSERT INTO questionnaire (id, exercise_id, variant, code, title) VALUES "
			      "(1, 1, 'standard', 'main', 'Main');"
			      "INSERT INTO question (id, questionnaire_id, code, position, type, text) "
			      "VALUES (1, 1, 'Q1', 1, 'free-text', 'What works well?');"
			      "INSERT INTO question (id, questionnaire_id, code, position, type, text) "
			      "VALUES (2, 1, 'AGE', 2, 'demographic', 'How old are you?');"
			      "INSERT INTO question_option (question_id, code, position, label) "
			      "VALUES (2, '25-34', 1, '25 to 34');");
	if (after < 2 && upto >= 2)
		test_exec(db, "INSERT INTO response (id, exercise_id, channel, form_variant, "
			      "district_code, district_source, recorded_at) VALUES (1, 1, 'paper', "
			      "'standard', 'E07000192', 'event', '2019-06-04');"
			      "INSERT INTO answer (response_id, question_id, value) VALUES "
			      "(1, 1, 'The staff at the walk-in centre were kind');");
	/* LimeSurvey's placeholder date, outside the exercise's 2019-06-03..2019-08-25. */
	if (after < 2 && upto >= 2)
		test_exec(db, "INSERT INTO response (id, exercise_id, channel, form_variant, "
			      "submitted_at, recorded_at) VALUES (5, 1, 'online', 'standard', "
			      "'1980-01-01T00:00:00', 'now')");
	if (after < 3 && upto >= 3)
		test_exec(db, "INSERT INTO postcode VALUES ('WS11 1AA', 'E07000192')");
	if (after < 4 && upto >= 4)
		test_exec(db, "INSERT INTO import_batch (exercise_id, file_name, sha256, "
			      "mapping_sha256, format, started_at) VALUES (1, 'a.csv', 'aa', 'bb', "
			      "'csv', 'now');"
			      "INSERT INTO reject (batch_id, place, line, reason, raw) VALUES "
			      "(1, 'line 3', 3, 'response ''test:R1'' appears twice in this file "
			      "(first at line 2)', 'R1,Kind staff');"
			      "INSERT INTO reject (batch_id, place, line, reason, raw) VALUES "
			      "(1, 'line 4', 4, 'serial number ''P-7'' appears twice in this file "
			      "(first at line 1)', 'P-7,Kind staff')");
	if (after < 5 && upto >= 5)
		test_exec(db, "INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at) "
			      "VALUES (1, 1, 'ab', 'r.xml', 'now');"
			      "INSERT INTO theme (id, ruleset_id, code, label, depth, position) VALUES "
			      "(1, 1, 'KIND', 'Kind staff', 1, 1);");
	/* Before 0027 a tag carried its rule's name (and 0009's trigger filled in
	 * its response and question); since, a number into the rule table. */
	if (after < 5 && upto >= 5 && upto < 27)
		test_exec(db, "INSERT INTO tag (answer_id, theme_id, rule, match_start, match_end) "
			      "SELECT id, 1, 'KIND/1', 0, 4 FROM answer WHERE response_id = 1");
	if (after < 5 && upto >= 27)
		test_exec(db, "INSERT INTO rule VALUES (1, 1, 'KIND/1');"
			      "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
			      "response_id, question_id) SELECT id, 1, 1, 0, 4, response_id, "
			      "question_id FROM answer WHERE response_id = 1");
	if (after < 6 && upto >= 6)
		test_exec(db, "INSERT INTO import_batch (exercise_id, file_name, format, channel, "
			      "officer, started_at, event_id, entry_mode) VALUES (1, 'LE1', 'entry', "
			      "'paper', 'Jo Bloggs', 'now', 1, 'first');"
			      "INSERT INTO entry_copy (id, response_id, officer, entered_at) VALUES "
			      "(1, 1, 'Sam Smith', 'now');"
			      "INSERT INTO entry_copy_answer (copy_id, question_id, value) VALUES "
			      "(1, 1, 'The staff at the walk-in centre were very kind');"
			      "INSERT INTO entry_difference (response_id, question_id, first_value, "
			      "second_value, found_at) VALUES (1, 1, 'were kind', 'were very kind', 'now');"
			      "INSERT INTO entry_resolution (response_id, question_id, choice, value, "
			      "replaced, resolved_by, resolved_at) VALUES (1, 1, 'second', "
			      "'were very kind', 'were kind', 'Ann Super', 'now');"
			      /* The response a row rejected at version 4 was read as, stored later. */
			      "INSERT INTO response (id, exercise_id, batch_id, channel, form_variant, "
			      "district_code, district_source, external_id, recorded_at) VALUES (2, 1, 2, "
			      "'online', 'standard', 'E07000192', 'event', 'test:R1', 'now');");
	if (after < 7 && upto >= 7)
		test_exec(db, "INSERT INTO action (exercise_id, theme_code, text, recorded_at) "
			      "VALUES (1, 'PARKING', 'More spaces at the hospital', 'now')");
	if (after < 8 && upto >= 8)
		test_exec(db, "INSERT INTO erasure (exercise_id, response_id, identified_by, "
			      "identifier, erased_by, answers, tags, rejects, erased_at) VALUES "
			      "(1, 99, 'response', '99', 'DPO', 3, 1, 0, 'now');"
			      "INSERT INTO erasure (exercise_id, response_id, identified_by, "
			      "identifier, erased_by, answers, tags, rejects, erased_at) VALUES "
			      "(1, 98, 'serial', 'P-0042', 'DPO', 3, 1, 0, 'now')");
	if (after < 10 && upto >= 10)
		test_exec(db, "INSERT INTO erasure (exercise_id, response_id, identified_by, "
			      "identifier, external_id, serial, erased_by, answers, tags, rejects, "
			      "erased_at) VALUES (1, 97, 'response', '97', 'test:R9', 'P-0043', 'DPO', "
			      "3, 1, 0, 'now');"
			      "INSERT INTO reject (batch_id, place, line, reason, raw, response_key, "
			      "serial) SELECT id, 'line 9', 9, 'bad', 'R9,x', 'test:R9', 'P-0043' FROM "
			      "import_batch ORDER BY id LIMIT 1");
	if (after < 11 && upto >= 11)
		test_exec(db, "INSERT INTO publication_table (id, exercise_id, snapshot, signature, "
			      "nrows, ncols, published_at) VALUES (1, 1, 's', 'x', 0, 0, 'now');"
			      "INSERT INTO publication_cell VALUES (1, 0, 0, 'KIND', '', 5)");
	if (after < 12 && upto >= 12)
		test_exec(db, "INSERT INTO response (id, exercise_id, batch_id, channel, form_variant, "
			      "district_code, district_source, external_id, recorded_at) VALUES (3, 1, 2, "
			      "'online', 'standard', 'E07000192', 'event', 'test:R9', 'now')");
	if (after < 18 && upto >= 18)
		test_exec(db, "INSERT INTO question (questionnaire_id, code, position, type, text) "
			      "VALUES (1, 'AGE-N', 3, 'number', 'Your age');"
			      "INSERT INTO question (questionnaire_id, code, position, type, text) "
			      "VALUES (1, 'BORN', 4, 'date', 'Date of visit');"
			      "INSERT INTO question (questionnaire_id, code, position, type, text) "
			      "VALUES (1, 'ORG', 5, 'short-text', 'Organisation');"
			      "INSERT INTO question (id, questionnaire_id, code, position, type, text, "
			      "derived_from) VALUES (10, 1, 'AGE2', 6, 'demographic', 'Age, coarser', 2);"
			      "INSERT INTO question_option (id, question_id, code, position, label) "
			      "VALUES (10, 10, 'adult', 1, 'Adult');"
			      "INSERT INTO option_group SELECT 10, 10, 2, id FROM question_option "
			      "WHERE question_id = 2 AND code = '25-34'");
	if (after < 15 && upto >= 15)
		test_exec(db, "INSERT INTO response_edit (exercise_id, old_external_id, "
			      "new_external_id, batch_id, replaced_response_id, edited_at) VALUES "
			      "(1, 'kobo:uuid:a', 'kobo:uuid:b', NULL, 99, 'now')");
	if (after < 16 && upto >= 16)
		test_exec(db, "INSERT INTO account (id, name, role, hash, created_at) VALUES "
			      "(1, 'Jo Bloggs', 'officer', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'now');"
			      "INSERT INTO web_session (id_hash, account_id, csrf, created_at, "
			      "last_seen, expires_at) VALUES ('ab', 1, 'cd', 1, 1, 2);"
			      "INSERT INTO audit (at, account, address, action, object) VALUES "
			      "('now', 'Jo Bloggs', '127.0.0.1', 'login', 'account 1');"
			      "INSERT INTO login_throttle VALUES ('address', '127.0.0.1', 1, 1);"
			      "INSERT INTO web_submission VALUES ('tok', 1, 1, 'first', '101', 'now')");
	if (after < 17 && upto >= 17)
		test_exec(db, "INSERT INTO district VALUES ('NHS-FV', 'Forth Valley');"
			      "INSERT INTO exercise_district VALUES (1, 'NHS-FV', 2);"
			      "INSERT INTO area_member (exercise_id, area_code, district_code) "
			      "VALUES (1, 'NHS-FV', 'S12000005')");
	if (after < 19 && upto >= 19)
		test_exec(db, "INSERT INTO kiosk (id, exercise_id, event_id, variant, token_hash, "
			      "idle_minutes, created_by, created_at, expires_at) SELECT 1, 1, id, "
			      "'standard', 'ab', 5, 'Jo Bloggs', 1, 2 FROM event LIMIT 1;"
			      "INSERT INTO response (id, exercise_id, channel, form_variant, "
			      "district_source, serial, recorded_at) VALUES (4, 1, 'kiosk', "
			      "'standard', 'unresolved', 'K1-00', 'now');"
			      "INSERT INTO kiosk_submission VALUES ('k', 1, 4, 1)");
	if (after < 20 && upto >= 20)
		test_exec(db, "UPDATE question_option SET exclusive = 1 WHERE question_id = 2;"
			      "INSERT INTO question_ask_if (question_id, option_id) SELECT 1, id "
			      "FROM question_option WHERE question_id = 2");
	if (after < 21 && upto >= 21)
		test_exec(db, "INSERT INTO entry_version (id, response_id, version, saved_by, saved_at, "
			      "replaced_by, replaced_at) VALUES (1, 1, 1, 'Jo Bloggs', 'then', "
			      "'Jo Bloggs', 'now');"
			      "INSERT INTO entry_version_answer (version_id, question_id, value) "
			      "VALUES (1, 1, 'The staff were kind')");
	if (after < 22 && upto >= 22)
		test_exec(db, "INSERT INTO account (id, name, role, hash, created_at) VALUES "
			      "(7, 'Cam Comms', 'comms', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'now');"
			      "INSERT INTO report_setting (exercise_id, name, value, changed_by, "
			      "changed_at) VALUES (1, 'intro', 'Hello', 'Cam Comms', 'now');"
			      "INSERT INTO report_logo (exercise_id, mime, data, changed_by, "
			      "changed_at) VALUES (1, 'image/png', x'89504e47', 'Cam Comms', 'now');"
			      "INSERT INTO action_version (exercise_id, theme_code, text, changed_by, "
			      "changed_at) VALUES (1, 'access', 'We did', 'Cam Comms', 'now');"
			      "INSERT INTO report_quote (exercise_id, theme_code, answer_id, "
			      "response_id, decision, text, decided_by, decided_at) SELECT 1, "
			      "'access', id, response_id, 'approved', 'words', 'Cam Comms', 'now' "
			      "FROM answer LIMIT 1");
	if (after < 24 && upto >= 24)
		test_exec(db, "INSERT INTO review_decision (answer_id, theme_code, action, reviewer, "
			      "decided_at, reason, ruleset_sha256) SELECT t.answer_id, 'KIND', 'accept', "
			      "'Ana Lyst', 'now', 'right', 'ab' FROM tag t;"
			      "INSERT INTO review_mark (answer_id, reviewer, reviewed_at) SELECT "
			      "answer_id, 'Ana Lyst', 'now' FROM tag");
}

START_TEST(test_versions_are_numbered)
{
	ck_assert_int_ge(db_schema_version(), 4);
	for (int v = 1; v <= db_schema_version(); v++) {
		char prefix[16];

		snprintf(prefix, sizeof prefix, "%04d-", v);
		ck_assert_ptr_nonnull(db_migration_name(v));
		ck_assert_msg(strncmp(db_migration_name(v), prefix, 5) == 0, "%s",
			      db_migration_name(v));
	}
	ck_assert_ptr_null(db_migration_name(0));
	ck_assert_ptr_null(db_migration_name(db_schema_version() + 1));
}
END_TEST

START_TEST(test_fresh_database)
{
	struct err e;
	struct stat sb;
	int created = 0;
	sqlite3 *db;

	err_init(&e);
	db = db_open(path, DB_MAY_CREATE, &created, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(test_int(db, "PRAGMA user_version"), db_schema_version());
	ck_assert_int_eq(test_int(db, "PRAGMA application_id"), DB_APPLICATION_ID);
	ck_assert_int_eq(test_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
				      "('exercise', 'response', 'answer', 'reject', 'postcode', "
				      "'outward_share', 'import_batch', 'question_option')"), 8);
	ck_assert_int_eq(db_close(db, &e), 0);
	/* Personal data: the file is its owner's alone. */
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	/* Opening again creates nothing and changes no version. */
	db = db_open(path, DB_MUST_EXIST, &created, &e);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(test_int(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	db_close(db, &e);
}
END_TEST

/* Looped over every earlier version: build it, fill it, upgrade it. */
START_TEST(test_upgrade_from_every_version)
{
	int from = _i;
	struct err e;
	sqlite3 *db;

	err_init(&e);
	db = db_open_raw(path, DB_MAY_CREATE, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	ck_assert_int_eq(db_migrate_to(db, path, from, &e), 0);
	ck_assert_int_eq(test_int(db, "PRAGMA user_version"), from);
	plant(db, 0, from);
	db_close(db, &e);

	db = db_open(path, DB_MUST_EXIST, NULL, &e);
	ck_assert_msg(db != NULL, "from version %d: %s", from, err_first(&e));
	ck_assert_int_eq(test_int(db, "PRAGMA user_version"), db_schema_version());
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_integrity_check "
				      "WHERE integrity_check <> 'ok'"), 0);
	if (from >= 1)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM event"), 1);
	if (from >= 2)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer WHERE value LIKE "
					      "'%walk-in centre%'"), 1);
	/* Batches imported before entry sessions existed are no entry session. */
	if (from >= 4 && from < 6)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch WHERE "
					      "entry_mode IS NULL AND event_id IS NULL"), 1);
	if (from >= 6)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_resolution r JOIN "
					      "entry_copy c USING (response_id) WHERE "
					      "r.replaced = 'were kind'"), 1);
	if (from >= 7)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM action WHERE theme_code = "
					      "'PARKING'"), 1);
	/* Tags made before version 9 learn their response and question. */
	if (from >= 5)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag WHERE response_id = 1 "
					      "AND question_id = 1"), 1);
	/* Erasures by serial learn their serial; repeats rejected earlier, their identity. */
	if (from >= 8 && from < 10)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM erasure WHERE serial = "
					      "'P-0042'"), 1);
	if (from >= 4 && from < 10) {
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE response_key = "
					      "'test:R1' AND serial IS NULL"), 1);
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE serial = 'P-7' "
					      "AND response_key IS NULL"), 1);
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE "
					      "identity_kept = 1"), 0);
	}
	/* A reject whose response a later batch stored before the upgrade is
	 * closed by the upgrade; the other stays open. */
	if (from >= 6 && from < 10) {
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE response_key = "
					      "'test:R1' AND closed_by_batch = 2"), 1);
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE serial = 'P-7' "
					      "AND closed_by_batch IS NULL"), 1);
	}
	/* Responses dated outside their exercise are flagged by the upgrade. */
	if (from >= 2 && from < 13)
		ck_assert_int_eq(test_int(db, "SELECT group_concat(id) FROM response WHERE "
					      "outside_dates = 1"), 5);
	/* Rebuilding the question table (0018) keeps questions and their options. */
	if (from >= 1)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_option o JOIN question q "
					      "ON q.id = o.question_id WHERE q.code = 'AGE'"), 1);
	/* 0019 made response and import_batch again: their rows, indexes and
	 * triggers are all there, and foreign keys are back on (0029 made
	 * response once more and dropped response_district). */
	if (from >= 2 && from < 19) {
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
					      "('response_counts', 'response_batch', 'response_event', "
					      "'import_batch_sha', "
					      "'import_batch_entry', 'publication_forget', "
					      "'reject_closed_by_id', 'reject_closed_by_serial')"), 8);
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE "
					      "'%response_new%' OR sql LIKE '%import_batch_new%'"), 0);
		ck_assert_int_eq(test_int(db, "PRAGMA foreign_keys"), 1);
	}
	/* 0020 added the exclusive flag to options that were there: none is exclusive. */
	if (from >= 1 && from < 20)
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_option WHERE "
					      "exclusive = 1"), 0);
	/* What the upgrade added works: plant the newest version's rows too. */
	plant(db, from, db_schema_version());
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question WHERE type IN ('number', "
				      "'date', 'short-text')"), 3);
	/* A derived question counts the answers of the one it coarsens. */
	test_exec(db, "INSERT INTO answer (response_id, question_id, option_id) SELECT 1, 2, id "
		      "FROM question_option WHERE question_id = 2 AND code = '25-34'");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM counted_answer c JOIN question_option o "
				      "ON o.id = c.option_id WHERE c.question_id = 10 AND "
				      "o.code = 'adult'"), 1);
	/* The SQL layer (0023, docs/sql.md) sees the same rows as the tables. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM responses r JOIN answers a "
				      "ON a.response_id = r.response_id JOIN tags t ON t.answer_id = "
				      "a.answer_id JOIN themes h ON h.theme = t.theme WHERE r.response_id = 1 "
				      "AND r.district_name = 'Cannock Chase' AND a.question = 'Q1' "
				      "AND h.label = 'Kind staff' AND t.source = 'rule'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM count_inputs WHERE response_id = 1 "
				      "AND theme = 'KIND' AND district_code = 'E07000192'"), 1);
	/* 0024: the decision is over the rules' tag, which the tags view still gives. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tags WHERE response_id = 1 AND "
				      "theme = 'KIND' AND source = 'rule' AND decision = 'accept' AND "
				      "decided_by = 'Ana Lyst'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM rule_tags"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM demographics WHERE response_id = 1 "
				      "AND question = 'AGE2' AND option = 'adult'"), 1);
	/* Every tag has its response and question, and its rule by number. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag WHERE response_id IS NULL "
				      "OR question_id IS NULL"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag_detail WHERE rule = 'KIND/1' "
				      "AND matched = 'The ' AND ruleset_version = 'ab'"), 1);
	/* Rejects written now keep their identity. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE response_key = 'test:R9' "
				      "AND identity_kept = 1"), 1);
	/* A response stored after its reject closes it. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE response_key = 'test:R9' "
				      "AND closed_by_batch = 2"), 1);
	/* Erasing a response forgets what was published from the data it was in. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM publication_cell"), 1);
	/* A typed form's earlier versions go with it. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_version_answer"), 1);
	test_exec(db, "DELETE FROM tag; DELETE FROM answer; DELETE FROM entry_difference; "
		      "DELETE FROM entry_resolution; DELETE FROM entry_copy_answer; "
		      "DELETE FROM entry_copy; DELETE FROM response");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM publication_table"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM publication_cell"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_version"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_version_answer"), 0);
	/* A decision and a review mark go with their answer. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_decision"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_mark"), 0);
	/* A cross-field check goes with the question it is declared on. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_ask_if"), 1);
	test_exec(db, "DELETE FROM question WHERE id = 1");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_ask_if"), 0);
	db_close(db, &e);
}
END_TEST

/*
 * 0017 makes the district table again without its nine-character check: on a
 * database the earlier migrations made, whatever referred to a district
 * still does, foreign keys still hold, and a code of another shape is taken.
 */
START_TEST(test_areas_upgrade)
{
	struct err e;
	sqlite3 *db;

	err_init(&e);
	db = db_open_raw(path, DB_MAY_CREATE, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	ck_assert_int_eq(db_migrate_to(db, path, 16, &e), 0);
	plant(db, 0, 16);
	test_exec(db, "INSERT INTO district VALUES ('E07000199', 'Tamworth')");
	db_close(db, &e);

	db = db_open(path, DB_MUST_EXIST, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	ck_assert_int_eq(test_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM district"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE district_code = "
				      "'E07000192'"), 3);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = "
				      "'district_new' OR sql LIKE '%district_new%'"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_list('event') "
				      "WHERE \"table\" = 'district'"), 1);
	/* Codes other than nine characters: a health board of one's own, a region. */
	test_exec(db, "INSERT INTO district VALUES ('NHS-FV', 'Forth Valley');"
		      "INSERT INTO exercise_district VALUES (1, 'NHS-FV', 2);"
		      "INSERT INTO area_member (exercise_id, area_code, district_code) "
		      "VALUES (1, 'NHS-FV', 'S12000005')");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM exercise_district x JOIN district d "
				      "ON d.code = x.district_code"), 2);
	/* Still refused: no code, a space, and a district that is not there. */
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO district VALUES ('', 'x')", NULL, NULL,
				      NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO district VALUES ('NHS FV', 'x')", NULL,
				      NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO exercise_district VALUES (1, 'NOPE', 3)",
				      NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM district WHERE code = 'E07000192'", NULL,
				      NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	db_close(db, &e);
}
END_TEST

/* The one text value `sql` gives, into buf. */
static void text_of(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, cap, "%s", sqlite3_column_text(st, 0) ?
		 (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
}

#define TAGS_SEEN "SELECT group_concat(x, ';') FROM (SELECT d.answer_id || ',' || " \
	"d.response_id || ',' || d.question || ',' || d.theme || ',' || d.rule || ',' || " \
	"d.match_start || ',' || d.match_end || ',' || d.matched || ',' || d.ruleset_version " \
	"|| ',' || g.source || ',' || g.rule AS x FROM tag_detail d JOIN tags g ON " \
	"g.answer_id = d.answer_id AND g.theme = d.theme ORDER BY d.answer_id, d.theme)"

/*
 * 0027 stores a tag's rule as a number into its rule set's rule table: on
 * a database 0026 made, every tag keeps its rule's name, span and rule-set
 * version as tag_detail and tags show them, the names are numbered once
 * per rule set, and a tag without its response and question is refused
 * now that no trigger fills them in.
 */
START_TEST(test_tag_storage_upgrade)
{
	char before[1024], after[1024];
	struct err e;
	sqlite3 *db;

	err_init(&e);
	db = db_open_raw(path, DB_MAY_CREATE, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	ck_assert_int_eq(db_migrate_to(db, path, 26, &e), 0);
	plant(db, 0, 26);
	/* Two more tags on response 1's answer: one of the same rule, one of
	 * another theme's; and a rule set of a second exercise with a rule of
	 * the same name, which must keep its own number. */
	test_exec(db, "INSERT INTO theme (id, ruleset_id, code, label, depth, position) VALUES "
		      "(2, 1, 'WALK', 'Walk-in', 1, 2), (3, 1, 'STAFF', 'Staff', 1, 3);"
		      "INSERT INTO tag (answer_id, theme_id, rule, match_start, match_end) "
		      "SELECT id, 2, 'WALK/2', 17, 24 FROM answer WHERE response_id = 1;"
		      "INSERT INTO tag (answer_id, theme_id, rule, match_start, match_end) "
		      "SELECT id, 3, 'KIND/1', 4, 9 FROM answer WHERE response_id = 1;"
		      "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
		      "(2, 'y', 'Y', '2020-01-01', '2020-02-01');"
		      "INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at) "
		      "VALUES (2, 2, 'cd', 's.xml', 'now');"
		      "INSERT INTO theme (id, ruleset_id, code, label, depth, position) VALUES "
		      "(4, 2, 'KIND', 'Kind staff', 1, 1);"
		      "INSERT INTO tag (answer_id, theme_id, rule, match_start, match_end) "
		      "SELECT id, 4, 'KIND/1', 30, 34 FROM answer WHERE response_id = 1");
	text_of(db, TAGS_SEEN, before, sizeof before);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag"), 4);
	db_close(db, &e);

	db = db_open(path, DB_MUST_EXIST, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	text_of(db, TAGS_SEEN, after, sizeof after);
	ck_assert_str_eq(after, before);
	ck_assert_ptr_nonnull(strstr(after, "WALK/2,17,24,walk-in,ab,rule,WALK/2"));
	/* Each rule set's names once, numbered from 1; each tag a number. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM rule"), 3);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM rule WHERE ruleset_id = 1 AND "
				      "((no = 1 AND name = 'KIND/1') OR (no = 2 AND name = 'WALK/2'))"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM rule WHERE ruleset_id = 2 AND no = 1 "
				      "AND name = 'KIND/1'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_table_info('tag') "
				      "WHERE name = 'rule'"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
				      "('tag_response', 'tag_new')"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'tag_theme'"),
			 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM count_inputs WHERE theme = 'WALK'"), 1);
	test_exec(db, "INSERT INTO answer (response_id, question_id, value) VALUES (5, 1, 'Kind')");
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO tag (answer_id, theme_id, rule_no, "
				      "match_start, match_end) SELECT id, 1, 1, 0, 4 FROM answer "
				      "WHERE response_id = 5", NULL, NULL, NULL), SQLITE_CONSTRAINT_NOTNULL);
	/* Erasing the answer still takes its tags with it. */
	test_exec(db, "DELETE FROM answer WHERE response_id IN (1, 5)");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tag"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	db_close(db, &e);
}
END_TEST

/*
 * 0029 writes fewer B-trees per response and answer: from a database 0027
 * made, every response and answer is kept with its id, the identities are
 * still unique per exercise (a second response with the same survey id or
 * serial is refused, NULLs are not), the look-ups that import, counts and
 * status make use the new partial indexes, and the triggers on response
 * still close rejects.
 */
START_TEST(test_response_btrees_upgrade)
{
	char before[1024], after[1024];
	const char *rows = "SELECT group_concat(x, ';') FROM (SELECT id || ',' || "
			   "coalesce(external_id, '-') || ',' || coalesce(serial, '-') || ',' || "
			   "coalesce(event_id, '-') || ',' || coalesce(district_code, '-') || ',' || "
			   "outside_dates AS x FROM response UNION ALL SELECT 'a' || id || ',' || "
			   "response_id || ',' || question_id || ',' || coalesce(option_id, '-') "
			   "FROM answer ORDER BY 1)";
	struct err e;
	sqlite3 *db;

	err_init(&e);
	db = db_open_raw(path, DB_MAY_CREATE, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	ck_assert_int_eq(db_migrate_to(db, path, 27, &e), 0);
	plant(db, 0, 27);
	test_exec(db, "INSERT INTO response (id, exercise_id, batch_id, channel, form_variant, "
		      "event_id, district_code, district_source, external_id, recorded_at) VALUES "
		      "(7, 1, 1, 'event-card', 'standard', 1, 'E07000192', 'event', 'ev:7', 'now');"
		      "INSERT INTO response (id, exercise_id, channel, form_variant, serial, "
		      "recorded_at) VALUES (8, 1, 'paper', 'standard', 'P-8', 'now');"
		      "INSERT INTO answer (response_id, question_id, option_id) SELECT 7, 2, id "
		      "FROM question_option WHERE question_id = 2 AND code = '25-34'");
	text_of(db, rows, before, sizeof before);
	db_close(db, &e);

	db = db_open(path, DB_MUST_EXIST, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	text_of(db, rows, after, sizeof after);
	ck_assert_str_eq(after, before);
	ck_assert_ptr_nonnull(strstr(after, "7,ev:7,-,1,E07000192,0"));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
				      "('response_district', 'answer_question', 'response_new')"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
				      "('response_external_id', 'response_serial', 'response_event', "
				      "'response_batch', 'response_counts', 'answer_option', "
				      "'publication_forget', 'reject_closed_by_id', "
				      "'reject_closed_by_serial')"), 9);
	/* Partial indexes: only rows that have the value are in them. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response INDEXED BY response_serial "
				      "WHERE exercise_id = 1 AND serial = 'P-8'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response INDEXED BY "
				      "response_external_id WHERE exercise_id = 1 AND external_id = "
				      "'ev:7'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response INDEXED BY response_event "
				      "WHERE event_id = 1"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM counted_answer WHERE question_id = 2 "
				      "AND option_id IS NOT NULL"), 1);
	/* Still unique per exercise; responses without an id or serial are many. */
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO response (exercise_id, channel, "
				      "form_variant, external_id, recorded_at) VALUES (1, 'online', "
				      "'standard', 'ev:7', 'now')", NULL, NULL, NULL),
			 SQLITE_CONSTRAINT_UNIQUE);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO response (exercise_id, channel, "
				      "form_variant, serial, recorded_at) VALUES (1, 'paper', "
				      "'standard', 'P-8', 'now')", NULL, NULL, NULL),
			 SQLITE_CONSTRAINT_UNIQUE);
	test_exec(db, "INSERT INTO response (exercise_id, channel, form_variant, recorded_at) "
		      "VALUES (1, 'online', 'standard', 'now'), (1, 'online', 'standard', 'now')");
	/* A later batch storing a rejected serial closes the reject. */
	test_exec(db, "INSERT INTO import_batch (id, exercise_id, file_name, format, started_at) "
		      "VALUES (9, 1, 'b.csv', 'csv', 'now');"
		      "INSERT INTO reject (batch_id, place, reason, serial) VALUES "
		      "(1, 'line 3', 'test', 'P-9');"
		      "INSERT INTO response (exercise_id, batch_id, channel, form_variant, serial, "
		      "recorded_at) VALUES (1, 9, 'paper', 'standard', 'P-9', 'now')");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE serial = 'P-9' AND "
				      "closed_by_batch = 9"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	ck_assert_int_eq(test_int(db, "PRAGMA foreign_keys"), 1);
	db_close(db, &e);
}
END_TEST

static void file_bytes(const char *p, char *buf, size_t cap, ssize_t *len)
{
	int fd = open(p, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	*len = read(fd, buf, cap);
	close(fd);
}

START_TEST(test_newer_database_refused)
{
	struct err e;
	sqlite3 *db;
	char sql[64];

	err_init(&e);
	db = db_open(path, DB_MAY_CREATE, NULL, &e);
	ck_assert_ptr_nonnull(db);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
	test_exec(db, sql);
	db_close(db, &e);
	ck_assert_ptr_null(db_open(path, DB_MUST_EXIST, NULL, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "newer version of this program"), "%s", err_first(&e));
}
END_TEST

START_TEST(test_not_sqlite_refused)
{
	static const char text[] = "Respondent,Comment\n1,Not a database at all\n";
	char after[256];
	ssize_t n;
	struct err e;
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
	close(fd);
	err_init(&e);
	ck_assert_ptr_null(db_open(path, DB_MUST_EXIST, NULL, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "is not a survey database"), "%s", err_first(&e));
	file_bytes(path, after, sizeof after, &n);
	ck_assert_int_eq(n, (ssize_t)sizeof text - 1);
	ck_assert_int_eq(memcmp(after, text, (size_t)n), 0);
}
END_TEST

START_TEST(test_other_application_refused)
{
	struct err e;
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	test_exec(db, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance REAL)");
	sqlite3_close(db);
	err_init(&e);
	ck_assert_ptr_null(db_open(path, DB_MUST_EXIST, NULL, &e));
	ck_assert_msg(err_contains(&e, "of another program"), "%s", err_first(&e));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM sqlite_schema"), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_missing_and_uncreatable)
{
	struct err e;
	struct stat sb;

	err_init(&e);
	ck_assert_ptr_null(db_open(path, DB_MUST_EXIST, NULL, &e));
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "collector init"), "%s", err_first(&e));
	ck_assert_int_ne(stat(path, &sb), 0); /* nothing was created */

	err_init(&e);
	ck_assert_ptr_null(db_open("/nonexistent-folder/survey.db", DB_MAY_CREATE, NULL, &e));
	ck_assert_int_eq(e.code, EXIT_SYSTEM);
	ck_assert_msg(err_contains(&e, "cannot create database /nonexistent-folder/survey.db"),
		      "%s", err_first(&e));
}
END_TEST

/*
 * A statement still unfinalized when the database is closed (a failure path
 * that missed one) does not fail the close: the handle goes when the
 * statement is finalized (sqlite3_close_v2).
 */
START_TEST(test_close_with_a_statement_open)
{
	struct err e;
	sqlite3_stmt *st;
	sqlite3 *db;

	err_init(&e);
	ck_assert_ptr_nonnull((db = db_open(path, DB_MAY_CREATE, NULL, &e)));
	ck_assert_ptr_nonnull((st = db_prepare(db, "SELECT count(*) FROM exercise", &e)));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_msg(db_close(db, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(sqlite3_finalize(st), SQLITE_OK);
}
END_TEST

static Suite *migrate_suite(void)
{
	Suite *s = suite_create("migrate");
	TCase *tc = tcase_create("migrate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_versions_are_numbered);
	tcase_add_test(tc, test_fresh_database);
	tcase_add_loop_test(tc, test_upgrade_from_every_version, 0, db_schema_version());
	tcase_add_test(tc, test_areas_upgrade);
	tcase_add_test(tc, test_tag_storage_upgrade);
	tcase_add_test(tc, test_response_btrees_upgrade);
	tcase_add_test(tc, test_newer_database_refused);
	tcase_add_test(tc, test_not_sqlite_refused);
	tcase_add_test(tc, test_other_application_refused);
	tcase_add_test(tc, test_missing_and_uncreatable);
	tcase_add_test(tc, test_close_with_a_statement_open);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(migrate_suite());
}
