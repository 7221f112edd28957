/*
 * check_counts.c: unit tests for analyser/counts.c, counts_dims.c and
 * counts_out.c: the counted cube (respondents, not mentions; only responses
 * that count), its dimensions, the read of the tags on a second connection
 * and the data_version check that guards it, and what is published from
 * the cube (records, CSV, suppression).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counts.h"
#include "ledger.h"
#include "tag_sum.h"
#include "testutil.h"

/*
 * Ten respondents, each with a "works well" and a "could be better"
 * answer (answer 2i-1 and 2i of response i). Responses 1-6 live in Cannock
 * Chase, 7-10 in East Staffordshire; 1-5 came online, 6-10 on paper.
 * Response 10 waits for its second entry, so it never counts.
 * Theme A has a sub-theme A1; B stands alone.
 *   A1: works well for 1-4, could be better for 3-5 (3 and 4 twice);
 *   B:  could be better for 6-10 (10 not counted).
 */
static void fill(sqlite3 *db)
{
	char sql[1024];

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(1, 'ex', 'Counted', 'Test', '2019-06-03', '2019-06-25');"
		  "INSERT INTO district VALUES ('E07000192', 'Cannock Chase'), "
		  "('E07000193', 'East Staffordshire');"
		  "INSERT INTO exercise_district VALUES (1, 'E07000192', 1), (1, 'E07000193', 2);"
		  "INSERT INTO questionnaire (id, exercise_id, variant, code, title) "
		  "VALUES (1, 1, 'standard', 'std', 'Survey');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text) "
		  "VALUES (1, 1, 'WELL', 1, 'free-text', 'works-well', 'What works well?'),"
		  "(2, 1, 'BETTER', 2, 'free-text', 'could-be-better', 'What could be better?');");
	for (int i = 1; i <= 10; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO response (id, exercise_id, channel, form_variant, district_code, "
			 "district_source, recorded_at, entry_status) VALUES (%d, 1, '%s', 'standard', "
			 "'%s', 'postcode', '2019-06-10', '%s');"
			 "INSERT INTO answer (id, response_id, question_id, value) VALUES "
			 "(%d, %d, 1, 'well %d'), (%d, %d, 2, 'better %d');",
			 i, i <= 5 ? "online" : "paper", i <= 6 ? "E07000192" : "E07000193",
			 i == 10 ? "awaiting-second-entry" : "accepted", 2 * i - 1, i, i, 2 * i, i, i);
		test_exec(db, sql);
	}
	test_exec(db,
		  "INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at) VALUES "
		  "(1, 1, 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', "
		  "'test.rules.xml', '2019-09-01');"
		  "INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position) VALUES "
		  "(1, 1, 'A', 'Parking & travel', NULL, 1, 1), (2, 1, 'A1', 'Parking', 1, 2, 2),"
		  "(3, 1, 'B', 'Staff', NULL, 1, 3);"
		  "INSERT INTO rule VALUES (1, 1, 'parking'), (1, 2, 'staff');"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) "
		  "SELECT id, 2, 1, 0, 1, response_id, question_id FROM answer WHERE "
		  "(question_id = 1 AND response_id BETWEEN 1 AND 4) OR "
		  "(question_id = 2 AND response_id BETWEEN 3 AND 5);"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) "
		  "SELECT id, 3, 2, 0, 1, response_id, question_id FROM answer "
		  "WHERE question_id = 2 AND response_id >= 6;");
}

static struct count_cube *build(sqlite3 *db, const char *by)
{
	struct err e;
	struct count_cube *c;

	err_init(&e);
	c = counts_build(db, 1, by, &e);
	ck_assert_msg(c != NULL, "%s", err_first(&e));
	return c;
}

/* The index of the value with `code` of dimension d, or nvalues (the margin) for NULL. */
static size_t value(const struct count_cube *c, int d, const char *code)
{
	for (size_t v = 0; code && v < c->dim[d].nvalues; v++)
		if (!strcmp(c->dim[d].values[v].code, code))
			return v;
	ck_assert_msg(code == NULL, "no value '%s' of %s", code, c->dim[d].name);
	return c->dim[d].nvalues;
}

static size_t theme(const struct count_cube *c, const char *code)
{
	for (size_t t = 0; code && t < c->nthemes; t++)
		if (!strcmp(c->themes[t].code, code))
			return t;
	ck_assert_msg(code == NULL, "no theme '%s'", code);
	return c->nthemes;
}

#define CC "E07000192"
#define ES "E07000193"

/* Respondents, not mentions; a parent counts its sub-themes' respondents once. */
START_TEST(test_by_district)
{
	sqlite3 *db = test_memdb();
	struct count_cube *c;

	fill(db);
	c = build(db, NULL);
	ck_assert_uint_eq(c->ndims, 1);
	ck_assert_str_eq(c->dim[0].name, "district");
	ck_assert_str_eq(c->exercise_code, "ex");
	ck_assert_str_eq(c->ruleset, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	ck_assert_uint_eq(c->nthemes, 3);
	ck_assert_str_eq(c->themes[0].code, "A");
	ck_assert_int_eq(c->themes[1].parent, 0);
	ck_assert_int_eq(c->themes[2].parent, -1);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, CC), 0), 5);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, ES), 0), 0);
	ck_assert_int_eq(count_cell(c, theme(c, "A"), value(c, 0, CC), 0), 5);
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, CC), 0), 1);
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, ES), 0), 3);
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, NULL), 0), 4);
	/* Any theme: 1-9 each once. */
	ck_assert_int_eq(count_cell(c, theme(c, NULL), value(c, 0, CC), 0), 6);
	ck_assert_int_eq(count_cell(c, theme(c, NULL), value(c, 0, ES), 0), 3);
	ck_assert_int_eq(count_cell(c, theme(c, NULL), value(c, 0, NULL), 0), 9);
	/* The denominators: respondents who answered, response 10 left out. */
	ck_assert_int_eq(count_base(c, value(c, 0, CC), 0), 6);
	ck_assert_int_eq(count_base(c, value(c, 0, ES), 0), 3);
	ck_assert_int_eq(count_base(c, value(c, 0, NULL), 0), 9);
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/* Two dimensions: every cell of the crosstab and both margins. */
START_TEST(test_two_dimensions)
{
	sqlite3 *db = test_memdb();
	struct count_cube *c;
	size_t a1;

	fill(db);
	c = build(db, " district , channel ");
	ck_assert_uint_eq(c->ndims, 2);
	ck_assert_str_eq(c->dim[1].name, "channel");
	a1 = theme(c, "A1");
	/* A1: 1-5, all online and in Cannock Chase. */
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, CC), value(c, 1, "online")), 5);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, CC), value(c, 1, "paper")), 0);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, NULL), value(c, 1, "online")), 5);
	/* B: 6 (Cannock Chase, paper), 7-9 (East Staffordshire, paper). */
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, CC), value(c, 1, "paper")), 1);
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, ES), value(c, 1, "paper")), 3);
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, NULL), value(c, 1, NULL)), 4);
	ck_assert_int_eq(count_base(c, value(c, 0, CC), value(c, 1, "paper")), 1);
	ck_assert_int_eq(count_base(c, value(c, 0, NULL), value(c, 1, NULL)), 9);
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/* An answer-level dimension: a respondent is in each question they mentioned it under. */
START_TEST(test_by_question)
{
	sqlite3 *db = test_memdb();
	struct count_cube *c;
	size_t a1;

	fill(db);
	c = build(db, "question");
	a1 = theme(c, "A1");
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, "WELL"), 0), 4);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, "BETTER"), 0), 3);
	/* The total is respondents, not the sum of the questions (7). */
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, NULL), 0), 5);
	count_cube_free(c);
	c = build(db, "polarity");
	ck_assert_int_eq(count_cell(c, theme(c, "A"), value(c, 0, "works-well"), 0), 4);
	ck_assert_int_eq(count_cell(c, theme(c, "A"), value(c, 0, "could-be-better"), 0), 3);
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/*
 * A demographic question with several answers from one response (a household
 * repeat, one answer per member): that respondent is counted once, under "more
 * than one answer", never under whichever option was read last. Response 1
 * (A1) answers under-18 and 65-plus, response 2 (A1) 65-plus twice (one
 * option), response 3 (A1) 18-64; the rest do not answer.
 */
START_TEST(test_several_options)
{
	sqlite3 *db = test_memdb();
	struct count_cube *c;
	size_t a1;

	fill(db);
	test_exec(db,
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text) "
		  "VALUES (3, 1, 'HH-AGE', 3, 'demographic', 'none', 'How old is each person?');"
		  "INSERT INTO question_option (id, question_id, code, position, label) VALUES "
		  "(31, 3, 'under-18', 1, 'Under 18'), (32, 3, '18-64', 2, '18 to 64'), "
		  "(33, 3, '65-plus', 3, '65 or older');"
		  "INSERT INTO answer (id, response_id, question_id, value, option_id) VALUES "
		  "(101, 1, 3, 'under-18', 31), (102, 1, 3, '65-plus', 33), "
		  "(103, 2, 3, '65-plus', 33), (104, 2, 3, '65-plus', 33), (105, 3, 3, '18-64', 32);");
	c = build(db, "HH-AGE");
	a1 = theme(c, "A1");
	ck_assert_uint_eq(c->dim[0].nvalues, 5);
	ck_assert_str_eq(c->dim[0].values[3].code, COUNTS_SEVERAL);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, COUNTS_SEVERAL), 0), 1);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, "under-18"), 0), 0);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, "65-plus"), 0), 1);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, "18-64"), 0), 1);
	ck_assert_int_eq(count_cell(c, a1, value(c, 0, "(unknown)"), 0), 2);
	/* Each respondent once: the columns add up to the total. */
	ck_assert_int_eq(count_base(c, value(c, 0, NULL), 0), 9);
	count_cube_free(c);
	/* Without such a response, no such column. */
	test_exec(db, "DELETE FROM answer WHERE id = 102");
	c = build(db, "HH-AGE");
	ck_assert_uint_eq(c->dim[0].nvalues, 4);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, "under-18"), 0), 1);
	count_cube_free(c);
	/* A response that does not count (10 waits for its second entry) still makes the
	   column, as it always did: empty, the others where they were. */
	test_exec(db, "INSERT INTO answer (id, response_id, question_id, value, option_id) VALUES "
		      "(106, 10, 3, 'under-18', 31), (107, 10, 3, '18-64', 32)");
	c = build(db, "HH-AGE");
	ck_assert_uint_eq(c->dim[0].nvalues, 5);
	ck_assert_str_eq(c->dim[0].values[3].code, COUNTS_SEVERAL);
	ck_assert_str_eq(c->dim[0].values[4].code, "(unknown)");
	ck_assert_int_eq(count_base(c, value(c, 0, COUNTS_SEVERAL), 0), 0);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, "under-18"), 0), 1);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, "(unknown)"), 0), 2);
	ck_assert_int_eq(count_base(c, value(c, 0, NULL), 0), 9);
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/* What --by may not be, and nothing tagged yet: usage errors that say why. */
START_TEST(test_errors)
{
	static const struct {
		const char *by, *says;
	} bad[] = {
		{ "nowhere", "nowhere" },
		{ "district,channel,form", "one or two dimensions" },
		{ "channel,channel", "twice" },
		{ " , ", "needs a dimension" },
	};
	sqlite3 *db = test_memdb();
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_init(&e);
		fill(db);
		ck_assert_ptr_null(counts_build(db, 1, bad[i].by, &e));
		ck_assert_int_eq(e.code, EXIT_USAGE);
		ck_assert_msg(err_contains(&e, bad[i].says), "--by '%s': %s", bad[i].by,
			      err_first(&e));
		sqlite3_close(db);
		db = test_memdb();
	}
	test_exec(db, "INSERT INTO exercise (id, code, title, opens, closes) "
		      "VALUES (1, 'ex', 'Empty', '2019-06-03', '2019-06-25')");
	err_init(&e);
	ck_assert_ptr_null(counts_build(db, 1, "district", &e));
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "nothing is tagged yet"), "%s", err_first(&e));
	sqlite3_close(db);
}
END_TEST

/* ---- the second connection ---- */

/* The database as a file in WAL mode (a second connection needs a file). */
static sqlite3 *file_db(char *path, size_t cap)
{
	sqlite3 *src = test_memdb(), *db = NULL;
	sqlite3_backup *b;

	fill(src);
	snprintf(path, cap, "%s/counts.db", test_tmpdir());
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_ptr_nonnull(b = sqlite3_backup_init(db, "main", src, "main"));
	ck_assert_int_eq(sqlite3_backup_step(b, -1), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_backup_finish(b), SQLITE_OK);
	sqlite3_close(src);
	test_exec(db, "PRAGMA journal_mode = WAL");
	return db;
}

static void file_db_remove(sqlite3 *db, const char *path)
{
	char p[4200];

	sqlite3_close(db);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	*strrchr(strcpy(p, path), '/') = '\0';
	rmdir(p);
}

static void same_cube(const struct count_cube *a, const struct count_cube *b)
{
	size_t n0 = a->dim[0].nvalues + 1, n1 = a->dim[1].nvalues + 1;

	ck_assert_uint_eq(a->nthemes, b->nthemes);
	ck_assert_uint_eq(a->dim[0].nvalues, b->dim[0].nvalues);
	ck_assert_uint_eq(a->dim[1].nvalues, b->dim[1].nvalues);
	for (size_t k = 0; k < (a->nthemes + 1) * n0 * n1; k++)
		ck_assert_msg(a->cells[k] == b->cells[k], "cell %zu: %ld, not %ld", k, b->cells[k],
			      a->cells[k]);
	for (size_t k = 0; k < n0 * n1; k++)
		ck_assert_int_eq(a->base[k], b->base[k]);
}

/*
 * On a file the tags are read on a second connection, on another thread:
 * the cube is the one a single connection counts (an in-memory database
 * has no file for a second connection).
 */
START_TEST(test_second_connection)
{
	static const char *const by[] = { "district", "district,channel", "question",
					   "polarity,district" };
	char path[4096];
	sqlite3 *mem = test_memdb(), *db = file_db(path, sizeof path);

	fill(mem);
	for (size_t i = 0; i < sizeof by / sizeof by[0]; i++) {
		struct count_cube *a = build(mem, by[i]), *b = build(db, by[i]);

		same_cube(a, b);
		count_cube_free(a);
		count_cube_free(b);
	}
	sqlite3_close(mem);
	file_db_remove(db, path);
}
END_TEST

/*
 * A commit by another program after the count began, before the second
 * connection began reading: PRAGMA data_version tells the second connection
 * it would not see what the first sees, so the first reads the tags itself
 * and the cube is all of one moment (without the check, the second would
 * count the new tag and the first not the new response's other tags).
 */
struct intrude {
	const char *path;
	int done;
};

static int intrude(unsigned type, void *arg, void *p, void *x)
{
	struct intrude *in = arg;
	const char *sql = sqlite3_sql(p);
	sqlite3 *other = NULL;

	(void)type;
	(void)x;
	/* Just before the second connection begins: see counts_build_within(). */
	if (in->done || !sql || !strstr(sql, "min(id) FROM response"))
		return 0;
	in->done = 1;
	ck_assert_int_eq(sqlite3_open(in->path, &other), SQLITE_OK);
	/* Respondent 7 now mentions A1 too. */
	test_exec(other, "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
			 "response_id, question_id) SELECT 13, 2, 1, 0, 1, response_id, question_id "
			 "FROM answer WHERE id = 13");
	sqlite3_close(other);
	return 0;
}

START_TEST(test_data_version)
{
	char path[4096];
	sqlite3 *db = file_db(path, sizeof path);
	struct intrude in = { path, 0 };
	struct count_cube *before, *c, *after;

	before = build(db, "district");
	ck_assert_int_eq(sqlite3_trace_v2(db, SQLITE_TRACE_STMT, intrude, &in), SQLITE_OK);
	c = build(db, "district");
	ck_assert_int_eq(in.done, 1);
	sqlite3_trace_v2(db, 0, NULL, NULL);
	/* As it was when the count began. */
	same_cube(before, c);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, ES), 0), 0);
	/* And the next count sees the new tag. */
	after = build(db, "district");
	ck_assert_int_eq(count_cell(after, theme(after, "A1"), value(after, 0, ES), 0), 1);
	count_cube_free(before);
	count_cube_free(c);
	count_cube_free(after);
	file_db_remove(db, path);
}
END_TEST

/* Reading inside the caller's transaction: one connection, what that transaction sees. */
START_TEST(test_in_transaction)
{
	char path[4096];
	sqlite3 *db = file_db(path, sizeof path);
	struct count_cube *c;

	test_exec(db, "BEGIN; DELETE FROM tag WHERE theme_id = 3");
	c = build(db, "district");
	ck_assert_int_eq(count_cell(c, theme(c, "B"), value(c, 0, NULL), 0), 0);
	ck_assert_int_eq(count_cell(c, theme(c, "A1"), value(c, 0, NULL), 0), 5);
	test_exec(db, "ROLLBACK");
	count_cube_free(c);
	file_db_remove(db, path);
}
END_TEST

/* ---- what is published (counts_out.c) ---- */

struct taken {
	char lines[64][160];
	int n;
};

static int take(const struct count_record *r, void *arg)
{
	struct taken *t = arg;

	ck_assert_int_lt(t->n, 64);
	snprintf(t->lines[t->n++], sizeof t->lines[0], "%s|%d|%s|%ld|%ld|%.1f", r->theme, r->level,
		 r->code[0], r->count, r->respondents, r->percent);
	return 0;
}

/* Every cell once, in csv order; the exact numbers without disclosure control. */
START_TEST(test_each_exact)
{
	sqlite3 *db = test_memdb();
	struct count_output o = { .format = COUNT_CSV };
	struct count_cube *c;
	struct taken t = { .n = 0 };
	struct err e;

	fill(db);
	c = build(db, "district");
	err_init(&e);
	ck_assert_int_eq(counts_each(c, &o, take, &t, &e), 0);
	/*
	 * Four theme rows (A, A1, B, any) by five values: two districts, outside
	 * the area, not known, and all. No percentage of no respondents.
	 */
	ck_assert_int_eq(t.n, 20);
	ck_assert_str_eq(t.lines[0], "A|1|" CC "|5|6|83.3");
	ck_assert_str_eq(t.lines[1], "A|1|" ES "|0|3|0.0");
	ck_assert_str_eq(t.lines[2], "A|1|(outside)|0|0|-1.0");
	ck_assert_str_eq(t.lines[3], "A|1|(unknown)|0|0|-1.0");
	ck_assert_str_eq(t.lines[4], "A|1|(all)|5|9|55.6");
	ck_assert_str_eq(t.lines[5], "A1|2|" CC "|5|6|83.3");
	ck_assert_str_eq(t.lines[10], "B|1|" CC "|1|6|16.7");
	ck_assert_str_eq(t.lines[11], "B|1|" ES "|3|3|100.0");
	ck_assert_str_eq(t.lines[14], "B|1|(all)|4|9|44.4");
	ck_assert_str_eq(t.lines[19], "(any)|0|(all)|9|9|100.0");
	/* Only one theme and its sub-themes; only level 1. */
	t.n = 0;
	o.theme = "A";
	ck_assert_int_eq(counts_each(c, &o, take, &t, &e), 0);
	ck_assert_int_eq(t.n, 15);
	ck_assert_str_eq(t.lines[5], "A1|2|" CC "|5|6|83.3");
	ck_assert_str_eq(t.lines[10], "(any)|0|" CC "|6|6|100.0");
	t.n = 0;
	o.theme = NULL;
	o.max_depth = 1;
	ck_assert_int_eq(counts_each(c, &o, take, &t, &e), 0);
	ck_assert_int_eq(t.n, 15);
	ck_assert_str_eq(t.lines[5], "B|1|" CC "|1|6|16.7");
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/* With the NHS rule: small counts hidden (-1) with their percentages, the rest rounded. */
START_TEST(test_each_suppressed)
{
	sqlite3 *db = test_memdb();
	struct sdc_rule rule = SDC_NHS;
	struct count_output o = { .format = COUNT_CSV, .suppress = &rule };
	struct count_cube *c;
	struct taken t = { .n = 0 };
	struct err e;

	fill(db);
	c = build(db, "district");
	err_init(&e);
	ck_assert_int_eq(counts_each(c, &o, take, &t, &e), 0);
	ck_assert_int_eq(t.n, 20);
	for (int i = 0; i < t.n; i++) {
		long count, resp;
		char *p = strchr(strchr(strchr(t.lines[i], '|') + 1, '|') + 1, '|') + 1;

		count = strtol(p, &p, 10);
		resp = strtol(p + 1, &p, 10);
		/* No count from 1 to 7 shown, every shown one a multiple of 5. */
		ck_assert_msg(count == -1 || count % 5 == 0, "%s", t.lines[i]);
		ck_assert_msg(count < 1 || count > 7, "%s", t.lines[i]);
		ck_assert_msg(resp == -1 || resp % 5 == 0, "%s", t.lines[i]);
		if (count == -1)
			ck_assert_msg(strstr(t.lines[i], "|-1.0"), "a hidden count with a percentage: %s",
				      t.lines[i]);
	}
	/* A1 in Cannock Chase (5 of 6) is below the threshold; 9 respondents in all show as 10. */
	ck_assert_str_eq(t.lines[5], "A1|2|" CC "|-1|-1|-1.0");
	ck_assert_str_eq(t.lines[19], "(any)|0|(all)|10|10|100.0");
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/* A callback's nonzero return stops the walk and is given back. */
static int stop_at_third(const struct count_record *r, void *arg)
{
	int *n = arg;

	(void)r;
	return ++*n == 3 ? 7 : 0;
}

START_TEST(test_each_stops)
{
	sqlite3 *db = test_memdb();
	struct count_output o = { .format = COUNT_CSV };
	struct count_cube *c;
	struct err e;
	int n = 0;

	fill(db);
	c = build(db, "district");
	err_init(&e);
	ck_assert_int_eq(counts_each(c, &o, stop_at_third, &n, &e), 7);
	ck_assert_int_eq(n, 3);
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

static char *written(const struct count_cube *c, const struct count_output *o, int want_rc,
		     struct err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	err_init(e);
	ck_assert_int_eq(counts_write(c, o, f, e), want_rc);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* The CSV a user gets: its header and rows; JSON and XML carry the same cells. */
START_TEST(test_write_formats)
{
	sqlite3 *db = test_memdb();
	struct count_output o = { .format = COUNT_CSV };
	struct count_cube *c;
	struct err e;
	char *s;

	fill(db);
	c = build(db, "district");
	s = written(c, &o, 0, &e);
	ck_assert_msg(!strncmp(s, "theme,theme_label,level,", 24), "%s", s);
	ck_assert_ptr_nonnull(strstr(s, ",respondents_mentioning,respondents,percent\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nB,Staff,1," ES ",East Staffordshire,3,3,100.0\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nA,Parking & travel,1,"));
	free(s);
	o.format = COUNT_JSON;
	s = written(c, &o, 0, &e);
	ck_assert_ptr_nonnull(strstr(s, "\"ruleset\": \"abcdef0123456789"));
	ck_assert_ptr_nonnull(strstr(s, "\"suppression\": null"));
	ck_assert_ptr_nonnull(strstr(s, "\"label\": \"Parking & travel\""));
	free(s);
	o.format = COUNT_XML;
	s = written(c, &o, 0, &e);
	ck_assert_ptr_nonnull(strstr(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<counts"));
	ck_assert_ptr_nonnull(strstr(s, "Parking &amp; travel"));
	ck_assert_ptr_null(strstr(s, "Parking & travel"));
	free(s);
	/* An unknown theme is a usage error. */
	o.format = COUNT_CSV;
	o.theme = "NOPE";
	s = written(c, &o, -1, &e);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "NOPE"), "%s", err_first(&e));
	free(s);
	count_cube_free(c);
	sqlite3_close(db);
}
END_TEST

/* ---- one reading, several cubes (counts_build_many) ---------------------- */

/*
 * More than fill() gives: a safeguarding theme S (never counted) on the
 * "works well" answers of 2 and 7; review decisions (A1 removed from 3's
 * "could be better", B added to 1's "works well", A1 accepted on 4's); an
 * age question answered by 1-4 and 7 (1 twice over); response 6 on the
 * Easy Read form; and 8's "works well" answer left empty.
 */
static void fill_more(sqlite3 *db)
{
	test_exec(db,
		  "INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position, "
		  "safeguarding) VALUES (4, 1, 'S', 'Harm', NULL, 1, 4, 1);"
		  "INSERT INTO rule VALUES (1, 3, 'hurt');"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) SELECT id, 4, 3, 0, 1, response_id, question_id "
		  "FROM answer WHERE question_id = 1 AND response_id IN (2, 7);"
		  "INSERT INTO review_decision (answer_id, theme_code, action, reviewer, decided_at) "
		  "VALUES (6, 'A1', 'remove', 'rev', '2019-07-01'), (1, 'B', 'add', 'rev', '2019-07-01'),"
		  "(8, 'A1', 'accept', 'rev', '2019-07-01');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text) "
		  "VALUES (3, 1, 'AGE', 3, 'demographic', 'none', 'Age?');"
		  "INSERT INTO question_option (id, question_id, code, position, label) VALUES "
		  "(31, 3, 'young', 1, 'Young'), (32, 3, 'old', 2, 'Old');"
		  "INSERT INTO answer (id, response_id, question_id, value, option_id) VALUES "
		  "(101, 1, 3, 'young', 31), (102, 1, 3, 'old', 32), (103, 2, 3, 'old', 32), "
		  "(104, 3, 3, 'young', 31), (105, 4, 3, 'young', 31), (106, 7, 3, 'old', 32);"
		  "UPDATE response SET form_variant = 'easy-read' WHERE id = 6;"
		  "UPDATE answer SET value = '' WHERE id = 15;");
}

/* The value of a dimension in SQL: `a` the answer (answer-level), `r` its response. */
static const struct {
	const char *name, *expr;
	int answer_level;
} sql_dims[] = {
	{ "district", "coalesce(r.district_code, '(unknown)')", 0 },
	{ "channel", "r.channel", 0 },
	{ "form", "r.form_variant", 0 },
	{ "polarity", "q.polarity", 1 },
	{ "question", "q.code", 1 },
	{ "AGE", "coalesce((SELECT CASE WHEN count(DISTINCT x.option_id) > 1 THEN '(several)' "
		 "ELSE min(o.code) END FROM answer x JOIN question_option o ON o.id = x.option_id "
		 "WHERE x.response_id = r.id AND x.question_id = 3), '(unknown)')", 0 },
};

static const char *sql_dim(const char *name, int *answer_level)
{
	for (size_t i = 0; i < sizeof sql_dims / sizeof sql_dims[0]; i++)
		if (!strcmp(sql_dims[i].name, name)) {
			*answer_level = sql_dims[i].answer_level;
			return sql_dims[i].expr;
		}
	ck_abort_msg("no SQL for dimension %s", name);
	return NULL;
}

/*
 * Straight SQL: respondents (count DISTINCT) whose tags (`tags`: the tag
 * table or the view with the decisions) mention theme `t` or one of its
 * sub-themes (NULL: any theme but a safeguarding one), with the values
 * `v0`, `v1` (NULL: any); or with `t` "" the base, respondents with those
 * values (answer-level: who answered a free-text question with it).
 */
static long sql_cell(sqlite3 *db, const char *tags, const struct count_cube *c, const char *t,
		     const char *v0, const char *v1)
{
	char sql[2048];
	const char *e[2] = { "NULL", "NULL" };
	int al[2] = { 0, 0 }, any_al = 0;
	sqlite3_stmt *st;
	long n;

	for (size_t d = 0; d < c->ndims; d++) {
		e[d] = sql_dim(c->dim[d].name, &al[d]);
		any_al |= al[d];
	}
	if (t && !*t)
		snprintf(sql, sizeof sql,
			 "SELECT count(DISTINCT r.id) FROM response r %s WHERE r.exercise_id = 1 AND "
			 "r.entry_status IN ('accepted', 'verified') AND (?2 IS NULL OR %s = ?2) AND "
			 "(?3 IS NULL OR %s = ?3)",
			 any_al ? "JOIN answer a ON a.response_id = r.id JOIN question q ON "
			 "q.id = a.question_id AND q.type = 'free-text' AND a.state = 'answered' AND "
			 "length(a.value) > 0" : "", e[0], e[1]);
	else
		snprintf(sql, sizeof sql,
			 "SELECT count(DISTINCT r.id) FROM %s g JOIN response r ON r.id = g.response_id "
			 "JOIN answer a ON a.id = g.answer_id JOIN question q ON q.id = a.question_id "
			 "JOIN theme h ON h.id = g.theme_id LEFT JOIN theme p ON p.id = h.parent_id "
			 "WHERE r.exercise_id = 1 AND r.entry_status IN ('accepted', 'verified') AND "
			 "h.safeguarding = 0 AND (?1 IS NULL OR h.code = ?1 OR p.code = ?1) AND "
			 "(?2 IS NULL OR %s = ?2) AND (?3 IS NULL OR %s = ?3)", tags, e[0], e[1]);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v0, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v1, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every cell and base of `c` against straight SQL. */
static void cube_is_sql(sqlite3 *db, const char *tags, const struct count_cube *c)
{
	size_t n0 = c->dim[0].nvalues, n1 = c->dim[1].nvalues;

	for (size_t v0 = 0; v0 <= n0; v0++)
		for (size_t v1 = 0; v1 <= n1; v1++) {
			const char *c0 = v0 < n0 ? c->dim[0].values[v0].code : NULL;
			const char *c1 = v1 < n1 ? c->dim[1].values[v1].code : NULL;

			ck_assert_msg(count_base(c, v0, v1) == sql_cell(db, tags, c, "", c0, c1),
				      "by %s: base of %s/%s is %ld, SQL says %ld", c->dim[0].name,
				      c0 ? c0 : "all", c1 ? c1 : "all", count_base(c, v0, v1),
				      sql_cell(db, tags, c, "", c0, c1));
			for (size_t t = 0; t <= c->nthemes; t++) {
				const char *tc = t < c->nthemes ? c->themes[t].code : NULL;
				long want = sql_cell(db, tags, c, tc, c0, c1);

				ck_assert_msg(count_cell(c, t, v0, v1) == want,
					      "by %s%s%s: %s in %s/%s is %ld, SQL says %ld",
					      c->dim[0].name, c->ndims > 1 ? "," : "",
					      c->ndims > 1 ? c->dim[1].name : "", tc ? tc : "any",
					      c0 ? c0 : "all", c1 ? c1 : "all", count_cell(c, t, v0, v1),
					      want);
			}
		}
}

/*
 * The cubes of one reading are each what straight SQL counts, with review
 * decisions, a safeguarding theme, a demographic answer given twice, an
 * empty answer and answer-level dimensions among response-level ones; and
 * the same as built one at a time. On a file, so the tags are read on the
 * second connection too.
 */
START_TEST(test_many_is_sql)
{
	static const char *const by[] = { "district", "polarity", "channel", "AGE", "question",
					   "district,polarity", "form", "AGE,question" };
	enum { N = sizeof by / sizeof by[0] };
	char path[4096];
	sqlite3 *db = file_db(path, sizeof path);

	fill_more(db);
	for (int rules_only = 0; rules_only < 2; rules_only++) {
		struct count_build_opts o = { .rules_only = rules_only };
		struct count_cube *c[N];
		struct err e;

		err_init(&e);
		ck_assert_msg(counts_build_many(db, 1, by, N, &o, c, &e) == 0, "%s", err_first(&e));
		for (size_t k = 0; k < N; k++) {
			struct count_cube *one = counts_build_opts(db, 1, by[k], &o, &e);

			ck_assert_msg(one != NULL, "%s", err_first(&e));
			ck_assert_int_eq(c[k]->decisions, !rules_only);
			cube_is_sql(db, rules_only ? "tag" : "effective_tag", c[k]);
			same_cube(one, c[k]);
			count_cube_free(one);
			count_cube_free(c[k]);
		}
	}
	/* The decisions changed something, or the test would not show they are used. */
	ck_assert_int_ne(sql_cell(db, "tag", &(struct count_cube){ .ndims = 0 }, "B", NULL, NULL),
			 sql_cell(db, "effective_tag", &(struct count_cube){ .ndims = 0 }, "B", NULL,
				  NULL));
	file_db_remove(db, path);
}
END_TEST

/*
 * The ledger's snapshot from the counts' pass over the tags is the one it
 * reads for itself (ledger_tags_sql(), as it always did): the same number
 * of tags and the same sum, with and without the review decisions, with
 * the exercise's response ids unbroken and with a gap and another
 * exercise's tags among them; and the same snapshot recorded. (The gap is
 * wide enough for the counts to list the respondents' ids, where they
 * otherwise take every id from the first to the last.)
 */
static void same_snapshot(sqlite3 *db, int rules_only)
{
	struct count_cube *c;
	struct ledger *l;
	struct sdc_rule rule = SDC_NHS;
	struct count_output o = { .format = COUNT_CSV, .suppress = &rule };
	long long n = -1;
	double sum = -1;
	char in_pass[256];
	const char *s;
	FILE *out;
	struct err e;

	err_init(&e);
	c = counts_build_opts(db, 1, "district", &(struct count_build_opts){ .rules_only = rules_only },
			      &e);
	ck_assert_msg(c != NULL, "%s", err_first(&e));
	ck_assert(c->tags_known);
	cube_is_sql(db, rules_only ? "tag" : "effective_tag", c);
	ck_assert_msg(ledger_tags_sql(db, 1, c->decisions, &n, &sum, &e) == 0, "%s", err_first(&e));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(c->tags_n, n);
	ck_assert_msg(c->tags_sum == sum, "in the pass %.0f, read %.0f", c->tags_sum, sum);
	/* Recorded through the ledger: the snapshot the pass gave, then the one it reads. */
	ck_assert_msg((o.ledger = ledger_open_tags(db, 1, &rule, rules_only, &e)) != NULL, "%s",
		      err_first(&e));
	ck_assert_ptr_nonnull(out = fopen("/dev/null", "w"));
	ck_assert_msg(counts_write(c, &o, out, &e) == 0, "%s", err_first(&e));
	fclose(out);
	ck_assert_ptr_nonnull(s = ledger_snapshot(o.ledger, &e));
	snprintf(in_pass, sizeof in_pass, "%s", s);
	ledger_free(o.ledger);
	ck_assert_msg((l = ledger_open_tags(db, 1, &rule, rules_only, &e)) != NULL, "%s",
		      err_first(&e));
	ck_assert_ptr_nonnull(s = ledger_snapshot(l, &e));
	ck_assert_str_eq(in_pass, s);
	ledger_free(l);
	count_cube_free(c);
}

START_TEST(test_snapshot_in_pass)
{
	char path[4096];
	sqlite3 *db = file_db(path, sizeof path);

	fill_more(db);
	same_snapshot(db, 0);
	same_snapshot(db, 1);
	/* A gap in the exercise's ids, and another exercise's tagged response in it. */
	test_exec(db,
		  "PRAGMA foreign_keys = OFF;"
		  "UPDATE response SET id = 90000 WHERE id = 9;"
		  "UPDATE answer SET response_id = 90000 WHERE response_id = 9;"
		  "UPDATE tag SET response_id = 90000 WHERE response_id = 9;"
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(2, 'other', 'Other', 'Test', '2019-06-03', '2019-06-25');"
		  "INSERT INTO response (id, exercise_id, channel, form_variant, entry_status, "
		  "recorded_at) VALUES (20, 2, 'online', 'standard', 'accepted', '2019-06-10');"
		  "INSERT INTO answer (id, response_id, question_id, value) VALUES (201, 20, 1, 'x');"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) VALUES (201, 4, 3, 0, 1, 20, 1);"
		  "PRAGMA foreign_keys = ON;");
	same_snapshot(db, 0);
	same_snapshot(db, 1);
	file_db_remove(db, path);
}
END_TEST

/*
 * The sum of the terms is SQLite's total() of them in the same order, past
 * 2^53 too, where a double cannot hold every whole number and an SQLite
 * before 3.43 rounds as it adds.
 */
START_TEST(test_tag_sum_is_total)
{
	sqlite3 *db = test_memdb();
	sqlite3_stmt *st;
	struct tag_sum s = { 0 };
	uint64_t x = 12345;
	char mine[64], sqlite[64];

	test_exec(db, "CREATE TEMP TABLE term (v INTEGER NOT NULL)");
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO temp.term (v) VALUES (?1)", -1, &st,
					    NULL), SQLITE_OK);
	for (int i = 0; i < 20000; i++) {
		/* Near 2^53 first, then terms as large as tag_sum_term() gives, and small ones. */
		int64_t v = i == 0 ? ((int64_t)1 << 53) - 7 : i % 3 ? (int64_t)(x % (3ULL << 31)) :
			    (int64_t)(x % 7);

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		tag_sum_add_term(&s, v);
		sqlite3_bind_int64(st, 1, v);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT total(v) FROM temp.term", -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(sqlite, sizeof sqlite, "%.0f", sqlite3_column_double(st, 0));
	sqlite3_finalize(st);
	snprintf(mine, sizeof mine, "%.0f", tag_sum_value(&s));
	ck_assert_str_eq(mine, sqlite);
	ck_assert_int_eq(s.n, 20000);
	/* The case the test is for: adding in doubles lost something. */
	ck_assert((double)s.exact != s.rounded);
	/* And below 2^53 the exact sum, whatever the order. */
	ck_assert(tag_sum_value(&(struct tag_sum){ 3, 6, 0 }) == 6.0);
	sqlite3_close(db);
}
END_TEST

/*
 * Counted as the tags and answers come (the caller's transaction keeps the
 * second connection out), and, once a respondent's tags no longer come
 * together in the table's order, counted again from them all grouped: the
 * same cubes as straight SQL either way.
 */
static void many_in_one_reading(sqlite3 *db)
{
	static const char *const by[] = { "district", "polarity", "channel", "AGE", "question",
					   "district,polarity", "form", "AGE,question" };
	enum { N = sizeof by / sizeof by[0] };

	for (int rules_only = 0; rules_only < 2; rules_only++) {
		struct count_build_opts o = { .rules_only = rules_only };
		struct count_cube *c[N];
		struct err e;

		err_init(&e);
		test_exec(db, "BEGIN");
		ck_assert_msg(counts_build_many(db, 1, by, N, &o, c, &e) == 0, "%s", err_first(&e));
		test_exec(db, "COMMIT");
		for (size_t k = 0; k < N; k++) {
			cube_is_sql(db, rules_only ? "tag" : "effective_tag", c[k]);
			count_cube_free(c[k]);
		}
	}
}

START_TEST(test_counted_as_read)
{
	sqlite3 *db = test_memdb();

	fill(db);
	fill_more(db);
	many_in_one_reading(db);
	/*
	 * A later answer of respondent 1 tagged B, and one of respondent 3
	 * tagged A1: their tags come after everyone's in the table's order.
	 */
	test_exec(db,
		  "INSERT INTO answer (id, response_id, question_id, value) VALUES "
		  "(300, 1, 2, 'later'), (301, 3, 1, 'later');"
		  "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
		  "response_id, question_id) SELECT 300, id, 1, 0, 1, 1, 2 FROM theme WHERE code = 'B' "
		  "UNION ALL SELECT 301, id, 1, 0, 1, 3, 1 FROM theme WHERE code = 'A1';");
	many_in_one_reading(db);
	sqlite3_close(db);
}
END_TEST

/*
 * The index the answered free-text answers are read from (schema 0032)
 * holds exactly the answers the counts' WHERE gives, after answers are
 * written, emptied, skipped and erased with their response (as `collector
 * erase` deletes it); and the tables by question and polarity, read from
 * it, are straight SQL's (which reads the answers' text).
 */
START_TEST(test_answer_text_index)
{
	static const char *const by[] = { "polarity", "question", "district,polarity" };
	enum { N = sizeof by / sizeof by[0] };
	static const char *const cond = "state = 'answered' AND value > '' AND "
					"(value < x'' OR length(value) > 0)";
	sqlite3 *db = test_memdb();
	char sql[1024];

	fill(db);
	fill_more(db);
	test_exec(db, "UPDATE answer SET value = '' WHERE id = 16;"
		      "UPDATE answer SET state = 'skipped', value = NULL WHERE id = 17;"
		      "INSERT INTO answer (id, response_id, question_id, value, state) VALUES "
		      "(302, 8, 2, X'00', 'answered');"
		      "DELETE FROM response WHERE id = 3;");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT response_id, question_id, id FROM "
		 "answer INDEXED BY answer_text WHERE %s EXCEPT SELECT response_id, question_id, id "
		 "FROM answer NOT INDEXED WHERE %s)", cond, cond);
	ck_assert_int_eq(test_int(db, sql), 0);
	snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM answer INDEXED BY answer_text WHERE "
		 "%s) - (SELECT count(*) FROM answer NOT INDEXED WHERE %s)", cond, cond);
	ck_assert_int_eq(test_int(db, sql), 0);
	for (int rules_only = 0; rules_only < 2; rules_only++) {
		struct count_build_opts o = { .rules_only = rules_only };
		struct count_cube *c[N];
		struct err e;

		err_init(&e);
		ck_assert_msg(counts_build_many(db, 1, by, N, &o, c, &e) == 0, "%s", err_first(&e));
		for (size_t k = 0; k < N; k++) {
			cube_is_sql(db, rules_only ? "tag" : "effective_tag", c[k]);
			count_cube_free(c[k]);
		}
	}
	sqlite3_close(db);
}
END_TEST

/* One cube's error is the build's: nothing built, every cube NULL. */
START_TEST(test_many_error)
{
	static const char *const by[] = { "district", "nowhere" };
	sqlite3 *db = test_memdb();
	struct count_cube *c[2] = { (void *)1, (void *)1 };
	struct err e;

	fill(db);
	err_init(&e);
	ck_assert_int_eq(counts_build_many(db, 1, by, 2, NULL, c, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_ptr_null(c[0]);
	ck_assert_ptr_null(c[1]);
	sqlite3_close(db);
}
END_TEST

static Suite *counts_suite(void)
{
	Suite *s = suite_create("counts");
	TCase *tc = tcase_create("cube");

	tcase_add_test(tc, test_by_district);
	tcase_add_test(tc, test_two_dimensions);
	tcase_add_test(tc, test_by_question);
	tcase_add_test(tc, test_several_options);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("second connection");
	tcase_add_test(tc, test_second_connection);
	tcase_add_test(tc, test_data_version);
	tcase_add_test(tc, test_in_transaction);
	suite_add_tcase(s, tc);
	tc = tcase_create("one reading");
	tcase_add_test(tc, test_many_is_sql);
	tcase_add_test(tc, test_many_error);
	tcase_add_test(tc, test_snapshot_in_pass);
	tcase_add_test(tc, test_counted_as_read);
	tcase_add_test(tc, test_answer_text_index);
	tcase_add_test(tc, test_tag_sum_is_total);
	suite_add_tcase(s, tc);
	tc = tcase_create("published");
	tcase_add_test(tc, test_each_exact);
	tcase_add_test(tc, test_each_suppressed);
	tcase_add_test(tc, test_each_stops);
	tcase_add_test(tc, test_write_formats);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(counts_suite());
}
