/*
 * check_review: human decisions over the rules' tags. Accept, remove and
 * add merge with the tags as the effective tags; the latest decision wins;
 * decisions survive a new tag run with the same or changed rules and a
 * theme dropped from the rules; the counts follow them, or not with
 * --rules-only; the queues and the progress see them. A coded sample
 * stored in the database is checked as evaluate checks a gold file, lists
 * its disagreements with the tags (with or without the decisions), is
 * listed and dropped, and loses an erased response's rows.
 */
#include <string.h>

#include "coded_sample.h"
#include "counts.h"
#include "review.h"
#include "rules.h"
#include "tagger.h"
#include "testutil.h"

/* PARK and BUS, and STAFF with a sub-theme KIND. */
static const char rules_v1[] =
	"<rules exercise=\"ex\">\n"
	"  <theme code=\"PARK\" label=\"Parking\"><include>park</include></theme>\n"
	"  <theme code=\"BUS\" label=\"Buses\"><include>bus</include></theme>\n"
	"  <theme code=\"STAFF\" label=\"Staff\"><include>staff</include></theme>\n"
	"  <theme code=\"KIND\" parent=\"STAFF\" label=\"Kind staff\"><include>kind</include>"
	"</theme>\n"
	"</rules>\n";

/* PARK now also matches "car"; BUS is gone; WAIT is new. */
static const char rules_v2[] =
	"<rules exercise=\"ex\">\n"
	"  <theme code=\"PARK\" label=\"Parking\"><include>park|car</include></theme>\n"
	"  <theme code=\"WAIT\" label=\"Waiting\"><include>wait</include></theme>\n"
	"  <theme code=\"STAFF\" label=\"Staff\"><include>staff</include></theme>\n"
	"  <theme code=\"KIND\" parent=\"STAFF\" label=\"Kind staff\"><include>kind</include>"
	"</theme>\n"
	"</rules>\n";

/* Answer (and response) i has text[i - 1]; response 6 is not counted yet. */
static const char *const text[] = {
	"the parking is awful",        /* 1: PARK */
	"the bus never comes",         /* 2: BUS */
	"kind nurses, long wait",      /* 3: KIND (STAFF) */
	"no car space and a long wait", /* 4: nothing; v2: PARK, WAIT */
	"parking near the bus stop",   /* 5: PARK, BUS */
	"parking again",               /* 6: PARK, not counted */
};

static sqlite3 *fixture(void)
{
	sqlite3 *db = test_memdb();
	char sql[512];

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(1, 'ex', 'Exercise', 'Org', '2019-06-03', '2019-06-25');"
		  "INSERT INTO district VALUES ('E07000192', 'Cannock Chase'), "
		  "('E07000193', 'East Staffordshire');"
		  "INSERT INTO exercise_district VALUES (1, 'E07000192', 1), (1, 'E07000193', 2);"
		  "INSERT INTO questionnaire (id, exercise_id, variant, code, title) "
		  "VALUES (1, 1, 'standard', 'std', 'Survey');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text, "
		  "scale_min, scale_max) VALUES "
		  "(1, 1, 'Q1', 1, 'free-text', 'works-well', 'What works well?', NULL, NULL),"
		  "(2, 1, 'AGE', 2, 'scale', 'none', 'How likely?', 1, 5);");
	for (int i = 1; i <= 6; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO response (id, exercise_id, channel, form_variant, recorded_at, "
			 "district_code, district_source) VALUES (%d, 1, 'online', 'standard', "
			 "'2019-06-10', '%s', 'postcode');"
			 "INSERT INTO answer (id, response_id, question_id, value) VALUES "
			 "(%d, %d, 1, '%s');", i, i <= 3 ? "E07000192" : "E07000193",
			 i, i, text[i - 1]);
		test_exec(db, sql);
	}
	test_exec(db, "UPDATE response SET entry_status = 'awaiting-second-entry' WHERE id = 6");
	return db;
}

static void tag_with(sqlite3 *db, const char *xml)
{
	struct err e, errors;
	struct tag_stats st;
	struct ruleset *rs;

	err_init(&e);
	err_init(&errors);
	rs = rules_parse(xml, strlen(xml), "t.rules.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_msg(tagger_run(db, 1, rs, NULL, &st, &errors, &e) == 0, "%s", err_first(&e));
	ruleset_free(rs);
}

static void decide(sqlite3 *db, long long answer, const char *theme, const char *action,
		   const char *who)
{
	struct err e;

	err_init(&e);
	ck_assert_msg(review_decide(db, answer, theme, action, who, "because", &e) == 0,
		      "%s %s %lld: %s", action, theme, answer, err_first(&e));
}

/* The theme codes answer `id` has as counted, "A;B" (static storage). */
static const char *effective(sqlite3 *db, long long id)
{
	static char buf[256];
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT coalesce(group_concat(code, ';'), '') FROM "
					    "(SELECT h.code FROM effective_tag t JOIN theme h ON "
					    "h.id = t.theme_id WHERE t.answer_id = ?1 ORDER BY "
					    "h.position)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* Respondents counted for `theme` ("(any)" for any theme), over every district. */
static long count_of(sqlite3 *db, const char *theme, int rules_only)
{
	struct count_cube *c;
	struct err e;
	long n = -1;

	err_init(&e);
	c = counts_build_opts(db, 1, "district",
			      &(struct count_build_opts){ .rules_only = rules_only }, &e);
	ck_assert_msg(c != NULL, "%s", err_first(&e));
	for (size_t t = 0; t <= c->nthemes; t++)
		if (t == c->nthemes ? !strcmp(theme, "(any)") : !strcmp(c->themes[t].code, theme))
			n = count_cell(c, t, c->dim[0].nvalues, 0);
	count_cube_free(c);
	ck_assert_msg(n >= 0, "no theme %s", theme);
	return n;
}

START_TEST(decisions_change_counts)
{
	sqlite3 *db = fixture();
	struct err e;
	int any = 0;

	tag_with(db, rules_v1);
	decide(db, 1, "PARK", "accept", "ana");
	decide(db, 5, "BUS", "remove", "ana");
	decide(db, 4, "PARK", "add", "ben");
	decide(db, 3, "KIND", "accept", "ben");
	err_init(&e);
	ck_assert_int_eq(review_any_decision(db, &any, &e), 0);
	ck_assert_int_eq(any, 1);
	ck_assert_str_eq(effective(db, 1), "PARK");
	ck_assert_str_eq(effective(db, 5), "PARK");
	ck_assert_str_eq(effective(db, 4), "PARK");
	/* BUS loses one, PARK gains one; the rules alone count as before. */
	ck_assert_int_eq(count_of(db, "BUS", 0), 1);
	ck_assert_int_eq(count_of(db, "PARK", 0), 3);
	ck_assert_int_eq(count_of(db, "(any)", 0), 5);
	ck_assert_int_eq(count_of(db, "BUS", 1), 2);
	ck_assert_int_eq(count_of(db, "PARK", 1), 2);
	ck_assert_int_eq(count_of(db, "(any)", 1), 4);
	/* A sub-theme accepted still counts toward its parent. */
	ck_assert_int_eq(count_of(db, "STAFF", 0), 1);
	/* The SQL layer gives the same. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tags WHERE theme = 'PARK'"), 4);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tags WHERE theme = 'PARK' AND "
				      "source = 'decision' AND decided_by = 'ben'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM rule_tags WHERE theme = 'BUS'"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM count_inputs WHERE theme = 'BUS'"), 1);
	sqlite3_close(db);
}
END_TEST

/* By question: an answer-level split reads each tag's question, decisions' too. */
START_TEST(decisions_by_question)
{
	sqlite3 *db = fixture();
	struct count_cube *c;
	struct err e;
	long bus = -1, park = -1;

	tag_with(db, rules_v1);
	decide(db, 5, "BUS", "remove", "ana");
	decide(db, 4, "PARK", "add", "ana");
	err_init(&e);
	c = counts_build_opts(db, 1, "question", NULL, &e);
	ck_assert_msg(c != NULL, "%s", err_first(&e));
	ck_assert_int_eq(c->decisions, 1);
	ck_assert_str_eq(c->dim[0].values[0].code, "Q1");
	for (size_t t = 0; t < c->nthemes; t++) {
		if (!strcmp(c->themes[t].code, "BUS"))
			bus = count_cell(c, t, 0, 0);
		if (!strcmp(c->themes[t].code, "PARK"))
			park = count_cell(c, t, 0, 0);
	}
	count_cube_free(c);
	ck_assert_int_eq(bus, 1);
	ck_assert_int_eq(park, 3);
	sqlite3_close(db);
}
END_TEST

START_TEST(refusals)
{
	sqlite3 *db = fixture();
	struct err e;

	/* Nothing tagged yet. */
	err_init(&e);
	ck_assert_int_eq(review_decide(db, 1, "PARK", "accept", "ana", NULL, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert(err_contains(&e, "nothing is tagged yet"));
	tag_with(db, rules_v1);
	struct {
		long long answer;
		const char *theme, *action, *who, *says;
		enum exit_code code;
	} bad[] = {
		{ 4, "WAIT", "add", "ana", "no theme 'WAIT' in the current rule set", EXIT_DATA },
		{ 1, "PARK", "add", "ana", "answer 1: theme 'PARK' is tagged already", EXIT_DATA },
		{ 4, "PARK", "remove", "ana", "nothing to remove", EXIT_DATA },
		{ 4, "PARK", "accept", "ana", "nothing to accept", EXIT_DATA },
		{ 99, "PARK", "add", "ana", "no answer 99", EXIT_DATA },
		{ 1, "PARK", "approve", "ana", "accept, remove or add, not 'approve'", EXIT_USAGE },
		{ 1, "PARK", "accept", "", "reviewer's name", EXIT_USAGE },
		{ 1, "", "accept", "ana", "needs a theme code", EXIT_USAGE },
		{ 1, "PARK", "accept", "ana\tlyst", "control character at byte 4", EXIT_USAGE },
		{ 1, "PARK", "accept", "\xff", "must be UTF-8", EXIT_USAGE },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_init(&e);
		ck_assert_int_eq(review_decide(db, bad[i].answer, bad[i].theme, bad[i].action,
					       bad[i].who, "the parking is awful", &e), -1);
		ck_assert_msg(err_contains(&e, bad[i].says), "%zu: %s", i, err_first(&e));
		ck_assert_int_eq(e.code, bad[i].code);
		/* The reason and the answer's words are never in a message. */
		ck_assert(!err_contains(&e, "awful"));
	}
	/* A reason that is not UTF-8, or too long, is refused; its bytes are not shown. */
	err_init(&e);
	ck_assert_int_eq(review_decide(db, 1, "PARK", "accept", "ana", "awful\xff", &e), -1);
	ck_assert(err_contains(&e, "not valid UTF-8 at byte 6"));
	{
		char long_reason[2100];

		memset(long_reason, 'a', sizeof long_reason - 1);
		long_reason[sizeof long_reason - 1] = '\0';
		err_init(&e);
		ck_assert_int_eq(review_decide(db, 1, "PARK", "accept", "ana", long_reason, &e), -1);
		ck_assert(err_contains(&e, "longer than 2000 bytes"));
	}
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_decision"), 0);
	/* A scale answer is not reviewed. */
	test_exec(db, "INSERT INTO answer (id, response_id, question_id, value) VALUES (50, 1, 2, '3')");
	err_init(&e);
	ck_assert_int_eq(review_mark_reviewed(db, 50, "ana", &e), -1);
	ck_assert(err_contains(&e, "not a free-text answer"));
	sqlite3_close(db);
}
END_TEST

struct seen {
	char who[4][8];
	int force[4], n;
};

static int collect(const struct review_decision *d, void *arg)
{
	struct seen *x = arg;

	ck_assert_int_lt(x->n, 4);
	snprintf(x->who[x->n], sizeof x->who[0], "%s", d->reviewer);
	x->force[x->n++] = d->in_force;
	return 0;
}

START_TEST(latest_wins_history_kept)
{
	sqlite3 *db = fixture();

	tag_with(db, rules_v1);
	decide(db, 2, "BUS", "remove", "ana");
	ck_assert_str_eq(effective(db, 2), "");
	decide(db, 2, "BUS", "accept", "ben"); /* ben restores the rules' tag */
	ck_assert_str_eq(effective(db, 2), "BUS");
	decide(db, 2, "BUS", "remove", "cat");
	ck_assert_str_eq(effective(db, 2), "");
	decide(db, 2, "BUS", "add", "dan");
	ck_assert_str_eq(effective(db, 2), "BUS");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_decision WHERE answer_id = 2"), 4);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_decisions WHERE in_force = 1"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM tags WHERE answer_id = 2 AND "
				      "decided_by = 'dan' AND decision = 'add' AND source = 'rule'"), 1);
	ck_assert_int_eq(count_of(db, "BUS", 0), 2);
	/* Every decision, oldest first, only the last in force. */
	struct seen s = { .n = 0 };
	struct err e;

	err_init(&e);
	ck_assert_int_eq(review_each_decision(db, 1, 2, 1, collect, &s, &e), 0);
	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.who[0], "ana");
	ck_assert_str_eq(s.who[3], "dan");
	ck_assert_int_eq(s.force[0] + s.force[1] + s.force[2], 0);
	ck_assert_int_eq(s.force[3], 1);
	s.n = 0;
	ck_assert_int_eq(review_each_decision(db, 1, 0, 0, collect, &s, &e), 0);
	ck_assert_int_eq(s.n, 1);
	sqlite3_close(db);
}
END_TEST

struct agreements {
	char line[8][64];
	int n;
};

static int note_agreement(const struct review_decision *d, void *arg)
{
	struct agreements *a = arg;

	ck_assert_int_lt(a->n, 8);
	snprintf(a->line[a->n++], sizeof a->line[0], "%lld %s %s: %s", (long long)d->answer_id,
		 d->action, d->theme, review_agreement_name(d->agreement));
	return 0;
}

START_TEST(retag_same_and_changed_rules)
{
	sqlite3 *db = fixture();
	struct agreements a = { .n = 0 };
	struct err e;

	tag_with(db, rules_v1);
	decide(db, 5, "BUS", "remove", "ana");   /* v2 drops BUS altogether */
	decide(db, 4, "PARK", "add", "ana");     /* v2 gives it too */
	decide(db, 1, "PARK", "remove", "ana");  /* v2 still gives it */
	decide(db, 2, "BUS", "accept", "ana");   /* v2 drops BUS */
	decide(db, 3, "KIND", "remove", "ana");  /* both versions give it */

	/* The same rules again: nothing changes. */
	tag_with(db, rules_v1);
	ck_assert_str_eq(effective(db, 5), "PARK");
	ck_assert_str_eq(effective(db, 4), "PARK");
	ck_assert_str_eq(effective(db, 1), "");
	ck_assert_int_eq(count_of(db, "PARK", 0), 2);
	ck_assert_int_eq(count_of(db, "BUS", 0), 1);
	ck_assert_int_eq(count_of(db, "STAFF", 0), 0);

	/* Changed rules: the decisions stay, the theme ids are new. */
	tag_with(db, rules_v2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_decision"), 5);
	ck_assert_str_eq(effective(db, 4), "PARK;WAIT");
	ck_assert_str_eq(effective(db, 1), "");
	ck_assert_str_eq(effective(db, 5), "PARK");
	ck_assert_str_eq(effective(db, 2), ""); /* BUS is not a theme any more */
	ck_assert_str_eq(effective(db, 3), "WAIT");
	ck_assert_int_eq(count_of(db, "PARK", 0), 2);  /* 4, 5; 1 removed */
	ck_assert_int_eq(count_of(db, "PARK", 1), 3);
	ck_assert_int_eq(count_of(db, "WAIT", 0), 2);
	err_init(&e);
	ck_assert_int_eq(review_each_decision(db, 1, 0, 0, note_agreement, &a, &e), 0);
	ck_assert_int_eq(a.n, 5);
	ck_assert_str_eq(a.line[0], "5 remove BUS: theme not in rules");
	ck_assert_str_eq(a.line[1], "4 add PARK: agrees");
	ck_assert_str_eq(a.line[2], "1 remove PARK: overrides");
	ck_assert_str_eq(a.line[3], "2 accept BUS: theme not in rules");
	ck_assert_str_eq(a.line[4], "3 remove KIND: overrides");
	/* Adding a theme only the new rules have works; one they dropped is refused. */
	decide(db, 2, "WAIT", "add", "ana");
	ck_assert_str_eq(effective(db, 2), "WAIT");
	err_init(&e);
	ck_assert_int_eq(review_decide(db, 2, "BUS", "add", "ana", NULL, &e), -1);
	ck_assert(err_contains(&e, "no theme 'BUS'"));
	/* Back to v1: BUS is a theme again, and the decisions on it count again. */
	tag_with(db, rules_v1);
	ck_assert_str_eq(effective(db, 2), "BUS");
	ck_assert_str_eq(effective(db, 5), "PARK");
	sqlite3_close(db);
}
END_TEST

struct listed {
	long long ids[8];
	char themes[8][32];
	int n;
};

static int note_item(const struct review_item *it, void *arg)
{
	struct listed *l = arg;

	ck_assert_int_lt(l->n, 8);
	snprintf(l->themes[l->n], sizeof l->themes[0], "%s|%s", it->rule_themes, it->themes);
	l->ids[l->n++] = it->answer_id;
	ck_assert_ptr_nonnull(it->text);
	return 0;
}

static struct listed list(sqlite3 *db, struct review_query q)
{
	struct listed l = { .n = 0 };
	struct err e;

	err_init(&e);
	ck_assert_msg(review_list(db, 1, &q, note_item, &l, &e) == 0, "%s", err_first(&e));
	return l;
}

START_TEST(queues)
{
	sqlite3 *db = fixture();
	struct listed l;
	struct err e;

	tag_with(db, rules_v1);
	l = list(db, (struct review_query){ .queue = REVIEW_QUEUE_UNTAGGED });
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.ids[0], 4);
	decide(db, 4, "PARK", "add", "ana");
	decide(db, 2, "BUS", "remove", "ana");
	l = list(db, (struct review_query){ .queue = REVIEW_QUEUE_UNTAGGED });
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.ids[0], 2);
	/* One theme's answers, sub-themes included; answer 6 does not count yet. */
	l = list(db, (struct review_query){ .queue = REVIEW_QUEUE_THEME, .theme = "PARK" });
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.ids[2], 5);
	ck_assert_str_eq(l.themes[1], "|PARK");
	l = list(db, (struct review_query){ .queue = REVIEW_QUEUE_THEME, .theme = "STAFF" });
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.ids[0], 3);
	err_init(&e);
	ck_assert_int_eq(review_list(db, 1, &(struct review_query){ .queue = REVIEW_QUEUE_THEME,
				     .theme = "NOPE" }, note_item, &l, &e), -1);
	ck_assert(err_contains(&e, "no theme 'NOPE'"));
	l = list(db, (struct review_query){ .queue = REVIEW_QUEUE_DECIDED });
	ck_assert_int_eq(l.n, 2);
	/* The sample: the same seed, the same answers in the same order; its size. */
	struct listed s1 = list(db, (struct review_query){ .queue = REVIEW_QUEUE_SAMPLE,
							   .seed = 7, .limit = 3 });
	struct listed s2 = list(db, (struct review_query){ .queue = REVIEW_QUEUE_SAMPLE,
							   .seed = 7, .limit = 3 });
	ck_assert_int_eq(s1.n, 3);
	ck_assert_int_eq(memcmp(s1.ids, s2.ids, sizeof s1.ids), 0);
	int differs = 0;
	for (unsigned long seed = 1; seed < 20 && !differs; seed++) {
		struct listed s3 = list(db, (struct review_query){ .queue = REVIEW_QUEUE_SAMPLE,
								   .seed = seed, .limit = 5 });
		struct listed s4 = list(db, (struct review_query){ .queue = REVIEW_QUEUE_SAMPLE,
								   .seed = seed + 1, .limit = 5 });
		ck_assert_int_eq(s3.n, 5);
		differs = memcmp(s3.ids, s4.ids, sizeof s3.ids) != 0;
	}
	ck_assert(differs);
	/* Reviewed answers leave the unreviewed queue. */
	err_init(&e);
	ck_assert_int_eq(review_mark_reviewed(db, 1, "ana", &e), 0);
	ck_assert_int_eq(review_mark_reviewed(db, 1, "ben", &e), 0);
	l = list(db, (struct review_query){ .queue = REVIEW_QUEUE_ALL, .unreviewed = 1 });
	ck_assert_int_eq(l.n, 4);
	ck_assert_int_eq(l.ids[0], 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_mark WHERE reviewer = 'ben'"), 1);
	sqlite3_close(db);
}
END_TEST

struct progress_lines {
	char line[12][96];
	int n;
};

static int note_progress(const struct review_progress *p, void *arg)
{
	struct progress_lines *l = arg;

	ck_assert_int_lt(l->n, 12);
	snprintf(l->line[l->n++], sizeof l->line[0], "%s %ld/%ld %ld %ld %ld",
		 p->code ? p->code : "(all)", p->reviewed, p->answers, p->agree, p->overrides,
		 p->gone);
	return 0;
}

static int note_nesting(const struct review_progress *p, void *arg)
{
	struct progress_lines *l = arg;

	ck_assert_int_lt(l->n, 12);
	snprintf(l->line[l->n++], sizeof l->line[0], "%s %d %s%s%s", p->code ? p->code : "(all)",
		 p->depth, p->parent ? p->parent : "-", p->parent ? " " : "",
		 p->parent_label ? p->parent_label : "");
	return 0;
}

START_TEST(progress)
{
	sqlite3 *db = fixture();
	struct progress_lines l = { .n = 0 };
	struct err e;

	tag_with(db, rules_v1);
	decide(db, 4, "PARK", "add", "ana");
	decide(db, 5, "BUS", "remove", "ana");
	err_init(&e);
	ck_assert_int_eq(review_mark_reviewed(db, 4, "ana", &e), 0);
	ck_assert_int_eq(review_mark_reviewed(db, 5, "ana", &e), 0);
	ck_assert_int_eq(review_each_progress(db, 1, REVIEW_BY_THEME, note_progress, &l, &e), 0);
	ck_assert_int_eq(l.n, 5);
	ck_assert_str_eq(l.line[0], "PARK 2/3 0 1 0");
	ck_assert_str_eq(l.line[1], "BUS 0/1 0 1 0");
	ck_assert_str_eq(l.line[2], "STAFF 0/1 0 0 0");
	ck_assert_str_eq(l.line[3], "KIND 0/1 0 0 0");
	ck_assert_str_eq(l.line[4], "(all) 2/5 0 2 0");
	l.n = 0;
	ck_assert_int_eq(review_each_progress(db, 1, REVIEW_BY_DISTRICT, note_progress, &l, &e), 0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_str_eq(l.line[0], "E07000192 0/3 0 0 0");
	ck_assert_str_eq(l.line[1], "E07000193 2/2 0 2 0");
	ck_assert_str_eq(l.line[2], "(all) 2/5 0 2 0");
	/* New rules: BUS is gone, and PARK now gives answer 4 too. */
	tag_with(db, rules_v2);
	l.n = 0;
	ck_assert_int_eq(review_each_progress(db, 1, REVIEW_BY_THEME, note_progress, &l, &e), 0);
	ck_assert_int_eq(l.n, 6);
	ck_assert_str_eq(l.line[0], "PARK 2/3 1 0 0");
	ck_assert_str_eq(l.line[4], "BUS 0/0 0 0 1");
	ck_assert_str_eq(l.line[5], "(all) 2/5 1 0 1");
	sqlite3_close(db);
}
END_TEST

START_TEST(erasure_takes_decisions)
{
	sqlite3 *db = fixture();
	struct err e;

	tag_with(db, rules_v1);
	decide(db, 5, "BUS", "remove", "ana");
	err_init(&e);
	ck_assert_int_eq(review_mark_reviewed(db, 5, "ana", &e), 0);
	test_exec(db, "DELETE FROM response WHERE id = 5");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_decision"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM review_mark"), 0);
	sqlite3_close(db);
}
END_TEST

START_TEST(progress_nests_sub_themes)
{
	sqlite3 *db = fixture();
	struct progress_lines l = { .n = 0 };
	struct err e;

	tag_with(db, rules_v1);
	err_init(&e);
	ck_assert_int_eq(review_each_progress(db, 1, REVIEW_BY_THEME, note_nesting, &l, &e), 0);
	ck_assert_int_eq(l.n, 5);
	ck_assert_str_eq(l.line[0], "PARK 1 -");
	ck_assert_str_eq(l.line[2], "STAFF 1 -");
	ck_assert_str_eq(l.line[3], "KIND 2 STAFF Staff");
	ck_assert_str_eq(l.line[4], "(all) 0 -");
	sqlite3_close(db);
}
END_TEST

/* Each difference as "RESPONSE WHAT", joined with ", " into the static buffer. */
static char diffs[256];

static int note_diff(long long response, const char *what, void *arg)
{
	size_t n = strlen(diffs);

	(void)arg;
	snprintf(diffs + n, sizeof diffs - n, "%s%lld %s", n ? ", " : "", response, what);
	return 0;
}

static const char *differences(sqlite3 *db, const char *name, int rules_only)
{
	struct err e;
	long long id;

	err_init(&e);
	diffs[0] = '\0';
	ck_assert_int_eq(sample_find(db, 1, name, &id, &e), 1);
	ck_assert_msg(sample_each_difference(db, 1, id, rules_only, note_diff, NULL, &e) == 0, "%s",
		      err_first(&e));
	return diffs;
}

static int note_sample(const struct sample_info *s, void *arg)
{
	snprintf(arg, 128, "%s %ld %s %d", s->name, s->responses, s->loaded_by, s->current_rules);
	return 0;
}

START_TEST(coded_sample_stored)
{
	static const char gold[] = "response,themes,note\n1,PARK,fine\n3,KIND,\"the kind one\"\n"
				   "5,PARK,Medlar-note\n";
	static const char bad[] = "response,themes\n1,NOPE\n99,\n6,PARK\n";
	sqlite3 *db = fixture();
	char listed[128] = "";
	struct err e;
	long n = -1;

	tag_with(db, rules_v1);
	err_init(&e);
	/* Every problem said with its line; nothing stored. */
	ck_assert_int_eq(sample_load(db, 1, bad, strlen(bad), "g.csv", "bad", "ana", &n, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "g.csv:2: unknown theme 'NOPE'"), "%s", err_first(&e));
	ck_assert_msg(err_contains(&e, "g.csv:3: "), "%s", err_first(&e));
	ck_assert_msg(err_contains(&e, "g.csv:4: "), "%s", err_first(&e));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample"), 0);
	err_init(&e);
	ck_assert_int_eq(sample_load(db, 1, gold, strlen(gold), "dir/g.csv", "March", "ana", &n, &e),
			 0);
	ck_assert_int_eq(n, 3);
	/* Codes as compared: KIND brings STAFF. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample_code"), 4);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample_response WHERE "
				  "response_id = 3 AND line = 3 AND note = 'the kind one'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample WHERE source = 'g.csv'"), 1);
	err_init(&e);
	ck_assert_int_eq(sample_load(db, 1, gold, strlen(gold), "g.csv", "March", "ana", &n, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	err_init(&e);
	ck_assert_int_eq(sample_load(db, 1, gold, strlen(gold), "g.csv", "", "ana", &n, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	err_init(&e);
	ck_assert_int_eq(sample_each(db, 1, note_sample, listed, &e), 0);
	ck_assert_str_eq(listed, "March 3 ana 1");

	/* Response 5: the rules give BUS too. */
	ck_assert_str_eq(differences(db, "March", 0), "5 -BUS");
	ck_assert_str_eq(differences(db, "March", 1), "5 -BUS");
	decide(db, 5, "BUS", "remove", "ana");
	decide(db, 1, "PARK", "remove", "ana");
	ck_assert_str_eq(differences(db, "March", 0), "1 +PARK");
	ck_assert_str_eq(differences(db, "March", 1), "5 -BUS");
	/* The queue reads the stored sample by name. */
	{
		struct review_query q = { .queue = REVIEW_QUEUE_GOLD, .sample = "March" };
		struct listed ids = { .n = 0 };

		ck_assert_int_eq(review_list(db, 1, &q, note_item, &ids, &e), 0);
		ck_assert_int_eq(ids.n, 1);
		ck_assert_int_eq(ids.ids[0], 1);
		q.sample = "April";
		ck_assert_int_eq(review_list(db, 1, &q, note_item, &ids, &e), -1);
		ck_assert_int_eq(e.code, EXIT_DATA);
		err_init(&e);
	}
	/* Changed rules: the sample says it was checked against others. */
	tag_with(db, rules_v2);
	ck_assert_int_eq(sample_each(db, 1, note_sample, listed, &e), 0);
	ck_assert_str_eq(listed, "March 3 ana 0");

	/* Erasure takes the response's rows and its note. */
	test_exec(db, "DELETE FROM response WHERE id = 5");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample_response"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample_code WHERE "
				  "response_id = 5"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample_response WHERE "
				  "note LIKE 'Medlar%'"), 0);
	ck_assert_int_eq(sample_drop(db, 1, "March", &e), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM coded_sample_code"), 0);
	ck_assert_int_eq(sample_drop(db, 1, "March", &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	sqlite3_close(db);
}
END_TEST

static Suite *review_suite(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, decisions_change_counts);
	tcase_add_test(tc, decisions_by_question);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, latest_wins_history_kept);
	tcase_add_test(tc, retag_same_and_changed_rules);
	tcase_add_test(tc, queues);
	tcase_add_test(tc, progress);
	tcase_add_test(tc, erasure_takes_decisions);
	tcase_add_test(tc, progress_nests_sub_themes);
	tcase_add_test(tc, coded_sample_stored);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(review_suite());
}
