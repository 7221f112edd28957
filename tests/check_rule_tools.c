/*
 * The rule writer's tools: the scoring of patterns (rulescore.h), the
 * splitting of a pattern into its top-level alternatives (pattern_alt.h),
 * the phrase counts and log-odds ranking of suggestions (suggest.h) and the
 * gold file's split (eval.h), against tables worked out by hand.
 */
#include <math.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "eval.h"
#include "marked.h"
#include "pattern_alt.h"
#include "rulescore.h"
#include "suggest.h"
#include "testutil.h"

#define EPS 1e-9

/* ---- score_group ---------------------------------------------------------- */

/*
 * Three units over six coded responses; the coder gave the theme in r0-r2,
 * and a sub-theme's include fires in r2 (so no unit is alone there).
 *
 *        r0 r1 r2 r3 r4 r5
 *   u0    1  1  1  1  .  .
 *   u1    .  1  .  .  1  .
 *   u2    .  .  1  .  1  1
 *   right 1  1  1  .  .  .
 *   other .  .  1  .  .  .
 *
 * r0: u0 alone, right: u0 only TP.   r1: u0, u1, right: TP each.
 * r2: u0, u2, right: TP each.        r3: u0 alone, wrong: u0 only FP.
 * r4: u1, u2, wrong: FP each.        r5: u2 alone, wrong: u2 only FP.
 *
 *        fires TP FP onlyTP onlyFP gain (onlyFP - onlyTP)
 *   u0     4    3  1    1      1     0
 *   u1     2    1  1    0      0     0
 *   u2     3    1  2    0      1     1
 */
START_TEST(test_score_group)
{
	static const unsigned char hits[] = {
		1, 1, 1, 1, 0, 0,
		0, 1, 0, 0, 1, 0,
		0, 0, 1, 0, 1, 1,
	};
	static const unsigned char right[] = { 1, 1, 1, 0, 0, 0 };
	static const unsigned char other[] = { 0, 0, 1, 0, 0, 0 };
	static const long want[3][6] = {
		{ 4, 3, 1, 1, 1, 0 },
		{ 2, 1, 1, 0, 0, 0 },
		{ 3, 1, 2, 0, 1, 1 },
	};
	struct score_counts c[3];

	score_group(hits, 3, 6, right, other, c);
	for (int u = 0; u < 3; u++) {
		long got[6] = { c[u].matched, c[u].tp, c[u].fp, c[u].only_tp, c[u].only_fp,
				score_gain(&c[u]) };

		for (int k = 0; k < 6; k++)
			ck_assert_msg(got[k] == want[u][k], "unit %d column %d: expected %ld, got %ld",
				      u, k, want[u][k], got[k]);
	}
}
END_TEST

/*
 * One unit alone in its group: only what something outside the group does
 * not also find is its own.
 *        r0 r1 r2 r3
 *   u0    1  1  1  .
 *   right 1  1  .  1
 *   other .  1  .  .
 * r0: right, alone: only TP. r1: right, but a sub-theme fires: TP, not only.
 * r2: wrong, alone: only FP. r3: nothing fires.
 * fires 3, TP 2, FP 1, only TP 1, only FP 1. Without `other`: only TP 2.
 */
START_TEST(test_score_alone)
{
	static const unsigned char hits[] = { 1, 1, 1, 0 };
	static const unsigned char right[] = { 1, 1, 0, 1 };
	static const unsigned char other[] = { 0, 1, 0, 0 };
	struct score_counts c;

	score_group(hits, 1, 4, right, other, &c);
	ck_assert_int_eq(c.matched, 3);
	ck_assert_int_eq(c.tp, 2);
	ck_assert_int_eq(c.fp, 1);
	ck_assert_int_eq(c.only_tp, 1);
	ck_assert_int_eq(c.only_fp, 1);
	score_group(hits, 1, 4, right, NULL, &c);
	ck_assert_int_eq(c.only_tp, 2);
}
END_TEST

/* ---- score_run: the conditions on other answers --------------------------- */

/*
 * Four responses say "fine" to Q-TEXT; RATING (a single choice) is good in
 * r1, poor in r2, not answered in r3 and skipped in r4. GOOD applies only
 * <when> RATING is good, NOTGOOD <unless> it is; the coder gave GOOD to r1
 * and NOTGOOD to r2, r3 and r4. Tagging gives GOOD to r1 alone and NOTGOOD
 * to r2-r4, so each include fires only there, every time rightly:
 *                fires TP FP
 *   GOOD/1         1    1  0   (without its condition: 4, 1, 3)
 *   NOTGOOD/1      3    3  0   (without its condition: 4, 3, 1)
 */
static const char when_rules[] =
	"<rules>\n"
	"<theme code=\"GOOD\" label=\"Happy\"><when question=\"RATING\" is=\"good\"/>\n"
	"  <include>\\bfine\\b</include></theme>\n"
	"<theme code=\"NOTGOOD\" label=\"Not happy\"><unless question=\"RATING\" is=\"good\"/>\n"
	"  <include>\\bfine\\b</include></theme>\n"
	"</rules>\n";

static const char when_gold[] = "response,themes\n1,GOOD\n2,NOTGOOD\n3,NOTGOOD\n4,NOTGOOD\n";

static sqlite3 *when_db(void)
{
	sqlite3 *db = test_memdb();

	test_exec(db,
		"INSERT INTO exercise (id, code, title, opens, closes) VALUES "
		" (1, 'ex', 'Ex', '2019-06-01', '2019-08-25');"
		"INSERT INTO questionnaire (id, exercise_id, variant, code, title) VALUES "
		" (1, 1, 'standard', 'S', 'S');"
		"INSERT INTO question (id, questionnaire_id, code, position, type, text) VALUES "
		" (1, 1, 'Q-TEXT', 1, 'free-text', 'say'), (2, 1, 'RATING', 2, 'single-choice', 'rate');"
		"INSERT INTO question_option (id, question_id, code, position, label) VALUES "
		" (1, 2, 'good', 1, 'Good'), (2, 2, 'poor', 2, 'Poor');"
		"INSERT INTO response (id, exercise_id, channel, form_variant, external_id, "
		" entry_status, recorded_at) VALUES "
		" (1, 1, 'online', 'standard', 'x:1', 'accepted', 'now'),"
		" (2, 1, 'online', 'standard', 'x:2', 'accepted', 'now'),"
		" (3, 1, 'online', 'standard', 'x:3', 'accepted', 'now'),"
		" (4, 1, 'online', 'standard', 'x:4', 'accepted', 'now');"
		"INSERT INTO answer (response_id, question_id, option_id, value, state) VALUES "
		" (1, 1, NULL, 'It was fine', 'answered'), (1, 2, 1, NULL, 'answered'),"
		" (2, 1, NULL, 'fine', 'answered'), (2, 2, 2, NULL, 'answered'),"
		" (3, 1, NULL, 'fine really', 'answered'),"
		" (4, 1, NULL, 'fine', 'answered'), (4, 2, 1, NULL, 'skipped');");
	return db;
}

/* The counts of the unit of pattern `id` (a whole pattern, not an alternative). */
static const struct score_counts *unit(const struct score_report *r, const char *id)
{
	for (size_t i = 0; i < r->nunits; i++)
		if (!strcmp(r->units[i].pat->id, id) && r->units[i].kind == SCORE_INCLUDE)
			return &r->units[i].n;
	ck_abort_msg("no unit %s", id);
	return NULL;
}

START_TEST(test_score_when)
{
	sqlite3 *db = when_db();
	struct err e;
	struct ruleset *rs;
	struct csv_reader *gold;
	struct score_report *r;
	const struct score_counts *good, *notgood;

	err_init(&e);
	rs = rules_parse(when_rules, strlen(when_rules), "w.rules.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	gold = csv_reader_mem(when_gold, strlen(when_gold), "g.csv", NULL, &e);
	ck_assert_msg(gold != NULL, "%s", err_first(&e));
	r = score_run(db, 1, rs, gold, "g.csv", 0, 0, NULL, &e);
	csv_reader_free(gold);
	ck_assert_msg(r != NULL, "%s", err_first(&e));
	good = unit(r, "GOOD/1");
	notgood = unit(r, "NOTGOOD/1");
	ck_assert_msg(good->matched == 1 && good->tp == 1 && good->fp == 0,
		      "GOOD/1 under <when>: fires %ld TP %ld FP %ld, expected 1 1 0",
		      good->matched, good->tp, good->fp);
	ck_assert_msg(notgood->matched == 3 && notgood->tp == 3 && notgood->fp == 0,
		      "NOTGOOD/1 under <unless>: fires %ld TP %ld FP %ld, expected 3 3 0",
		      notgood->matched, notgood->tp, notgood->fp);
	score_report_free(r);
	ruleset_free(rs);
	sqlite3_close(db);
}
END_TEST

/* A condition on a question the exercise lacks is refused, as `analyser tag` refuses it. */
START_TEST(test_score_when_unknown)
{
	static const char xml[] =
		"<rules>\n<theme code=\"GOOD\" label=\"Happy\">"
		"<when question=\"RATNG\" is=\"good\"/><include>fine</include></theme>\n</rules>\n";
	static const char one[] = "response,themes\n1,GOOD\n";
	sqlite3 *db = when_db();
	struct err e;
	struct ruleset *rs;
	struct csv_reader *gold;

	err_init(&e);
	rs = rules_parse(xml, strlen(xml), "w.rules.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	gold = csv_reader_mem(one, strlen(one), "g.csv", NULL, &e);
	ck_assert_ptr_nonnull(gold);
	ck_assert_ptr_null(score_run(db, 1, rs, gold, "g.csv", 0, 0, NULL, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(strstr(err_first(&e), "w.rules.xml:2: theme GOOD: <when> names question "
				     "'RATNG', which this exercise does not have") != NULL,
		      "%s", err_first(&e));
	csv_reader_free(gold);
	ruleset_free(rs);
	sqlite3_close(db);
}
END_TEST

/* ---- pattern_alternatives ------------------------------------------------- */

static const struct {
	const char *pattern;
	const char *alts[4]; /* NULL-terminated */
} splits[] = {
	{ "a|b", { "a", "b" } },
	{ "(a|b)c", { "(a|b)c" } },
	{ "(?:a|(b|c))|d", { "(?:a|(b|c))", "d" } },
	{ "[|]x|y", { "[|]x", "y" } },
	/* ']' first in a class is literal, also after '^'. */
	{ "[]|]|z", { "[]|]", "z" } },
	{ "[^]|]a|b", { "[^]|]a", "b" } },
	{ "[\\]|]x|y", { "[\\]|]x", "y" } },
	{ "[[:alpha:]|]x|y", { "[[:alpha:]|]x", "y" } },
	{ "\\|x|y", { "\\|x", "y" } },
	{ "\\\\|y", { "\\\\", "y" } },
	{ "\\Qa|b\\E|c", { "\\Qa|b\\E", "c" } },
	{ "\\Qa|b", { "\\Qa|b" } },
	{ "(?#a|b)x|y", { "(?#a|b)x", "y" } },
	/* Leading options apply to every alternative. */
	{ "(?i)ab|cd", { "(?i)ab", "(?i)cd" } },
	{ "(?i:ab|cd)", { "(?i:ab|cd)" } },
	{ "a||b", { "a", "", "b" } },
	{ "x|", { "x", "" } },
	{ "\\bwait\\w*|\\bwater\\b", { "\\bwait\\w*", "\\bwater\\b" } },
	{ "\\|", { "\\|" } },
};

START_TEST(test_alternatives)
{
	char **alts;
	size_t n, want = 0;

	while (want < 4 && splits[_i].alts[want])
		want++;
	ck_assert_int_eq(pattern_alternatives(splits[_i].pattern, &alts, &n), 0);
	ck_assert_msg(n == want, "%s: expected %zu alternatives, got %zu", splits[_i].pattern, want,
		      n);
	for (size_t k = 0; k < n; k++)
		ck_assert_msg(!strcmp(alts[k], splits[_i].alts[k]), "%s: alternative %zu is '%s', "
			      "expected '%s'", splits[_i].pattern, k + 1, alts[k], splits[_i].alts[k]);
	pattern_alt_free(alts, n);
}
END_TEST

/* ---- suggestions ---------------------------------------------------------- */

/*
 * In 6 of 10 responses of the theme and 2 of 30 others, prior 10:
 * a_w = 10 (6 + 2) / (10 + 30) = 2;
 * a = 6 + 2 = 8, b = 10 + 10 - 6 - 2 = 12, c = 2 + 2 = 4, d = 30 + 10 - 2 - 2 = 36;
 * delta = ln(8/12) - ln(4/36) = ln((2/3) * 9) = ln 6;
 * var = 1/8 + 1/12 + 1/4 + 1/36 = (9 + 6 + 18 + 2) / 72 = 35/72;
 * z = ln 6 / sqrt(35/72) = 1.791759 / 0.697217 = 2.569874...
 * The same rate on both sides (3 of 10, 9 of 30): a_w = 10 * 12 / 40 = 3,
 * a/b = 6/14 = c/d = 12/28, so z = 0. Commoner outside than in the theme
 * (2 of 10, 18 of 30) gives a negative z: a_w = 5, a/b = 7/13,
 * c/d = 23/17, delta = ln(7/13) - ln(23/17) < 0.
 */
START_TEST(test_suggest_z)
{
	double z = suggest_z(6, 10, 2, 30, 10);

	ck_assert_msg(fabs(z - log(6) / sqrt(35.0 / 72.0)) < EPS, "z = %f", z);
	ck_assert_msg(fabs(z - 2.569874) < 1e-6, "z = %f", z);
	ck_assert_msg(fabs(suggest_z(3, 10, 9, 30, 10)) < EPS, "same rate");
	z = suggest_z(2, 10, 18, 30, 10);
	ck_assert_msg(fabs(z - (log(7.0 / 13) - log(23.0 / 17)) /
			   sqrt(1 / 7.0 + 1 / 13.0 + 1 / 23.0 + 1 / 17.0)) < EPS, "z = %f", z);
	ck_assert(z < 0);
	ck_assert(isnan(suggest_z(0, 0, 0, 0, 10)));
}
END_TEST

static const struct phrase *find(struct phrase **list, long n, const char *text)
{
	for (long i = 0; i < n; i++)
		if (!strcmp(list[i]->text, text))
			return list[i];
	return NULL;
}

/*
 * Three responses: two of the theme, one not.
 *   doc 0 (theme): "Long wait at the GP’s surgery. Long wait!"
 *   doc 1 (theme): "LONG WAIT, parking"
 *   doc 2:         "long wait [name] again"
 * "long wait" is in docs 0 and 1 (once each, though twice in doc 0) and 2;
 * "surgery long" crosses a full stop and "wait again" a redaction tag, so
 * neither is a phrase; "name" is the tag, not a word; "at the" and
 * "the gp's" start or end with a common word and are not ranked.
 */
START_TEST(test_phrases)
{
	static const char d0[] = "Long wait at the GP\xE2\x80\x99s surgery. Long wait!";
	struct phrase_table *t = phrases_new();
	struct phrase **list;
	const struct phrase *p;
	long n;
	char pat[128];

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(phrases_add(t, d0, strlen(d0), 0, 1, 1), 0);
	ck_assert_int_eq(phrases_add(t, "LONG WAIT, parking", 18, 1, 1, 1), 0);
	ck_assert_int_eq(phrases_add(t, "long wait [name] again", 22, 2, 0, 0), 0);
	/* Ranked as if a fourth response (not the theme's) had no words at all. */
	n = phrases_rank(t, 1, 2, 2, 1, &list);
	ck_assert_int_ge(n, 1);
	p = find(list, n, "long wait");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->in, 2);
	ck_assert_int_eq(p->theme, 2);
	ck_assert_int_eq(p->rest, 1);
	p = find(list, n, "gp's surgery");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->theme, 1);
	ck_assert_int_eq(p->rest, 0);
	p = find(list, n, "parking");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->theme, 1);
	ck_assert_ptr_null(find(list, n, "surgery long"));
	ck_assert_ptr_null(find(list, n, "wait again"));
	ck_assert_ptr_null(find(list, n, "name"));
	ck_assert_ptr_null(find(list, n, "at the"));
	ck_assert_ptr_null(find(list, n, "the gp's"));
	/* Ranked highest first. */
	for (long i = 1; i < n; i++)
		ck_assert(list[i - 1]->z >= list[i]->z);
	phrase_pattern("gp's surgery", pat, sizeof pat);
	ck_assert_str_eq(pat, "\\bgp['’]s\\s+surgery\\b");
	phrase_pattern("a&e", pat, sizeof pat);
	ck_assert_str_eq(pat, "\\ba&e\\b");
	free(list);
	phrases_free(t);
}
END_TEST

/* ---- --split -------------------------------------------------------------- */

/*
 * FNV-1a (64 bits) of "a" is 0xaf63dc4c8601ec8c: even, and 1 modulo 3, so
 * "a" is in part 1 of 2 and part 2 of 3.
 */
START_TEST(test_split)
{
	int part, parts;
	static const char *const bad[] = { "0/2", "3/2", "1/0", "a/2", "1/2x", "1/101", "1", "/2",
					   "" };

	ck_assert_int_eq(eval_split_parse("1/2", &part, &parts), 0);
	ck_assert_int_eq(part, 1);
	ck_assert_int_eq(parts, 2);
	ck_assert_int_eq(eval_split_parse("100/100", &part, &parts), 0);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(eval_split_parse(bad[i], &part, &parts) < 0, "'%s' accepted", bad[i]);
	ck_assert_int_eq(eval_split_part("a", 2), 1);
	ck_assert_int_eq(eval_split_part("a", 3), 2);
	ck_assert_int_eq(eval_split_part("a", 1), 1);
}
END_TEST

/* ---- marked_print ------------------------------------------------------- */

static char *marked(const char *text, const struct mark_span *spans, size_t ns, size_t max)
{
	struct err e = { 0 };
	struct redactor *rd = redactor_new(&e);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(rd);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(marked_print(rd, text, strlen(text), spans, ns, max, f), 0);
	fclose(f);
	redactor_free(rd);
	return buf;
}

/*
 * The matched words marked, a phone number redacted (and marked when the
 * match covers it), line breaks as " / ", and a long text cut around its
 * first match with the redaction done on the whole of it.
 */
START_TEST(test_marked)
{
	static const char text[] = "Ring me on 07700 900123.\nThe GP was late";
	struct mark_span gp = { 29, 31 }, phone = { 8, 15 };
	char *s = marked(text, &gp, 1, 0);

	ck_assert_str_eq(s, "Ring me on [phone]. / The [[GP]] was late");
	free(s);
	s = marked(text, &phone, 1, 0);
	ck_assert_str_eq(s, "Ring me [[on [phone]]]. / The GP was late");
	free(s);
	/* 12 bytes (12 / 3 = 4 before the match at 29): bytes 25 to 36. */
	s = marked(text, &gp, 1, 12);
	ck_assert_str_eq(s, "...The [[GP]] was l...");
	free(s);
	{
		static const char named[] = "My name is Karen Salt and the nurse Karen Salt was kind";
		struct mark_span kind = { 51, 55 };

		s = marked(named, &kind, 1, 20);
		ck_assert_msg(!strstr(s, "Karen") && !strstr(s, "Salt"), "a name shown: %s", s);
		ck_assert_msg(strstr(s, "[[kind]]") != NULL, "no mark: %s", s);
		free(s);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rule_tools");
	TCase *tc = tcase_create("score");

	tcase_add_test(tc, test_score_group);
	tcase_add_test(tc, test_score_alone);
	tcase_add_loop_test(tc, test_alternatives, 0, sizeof splits / sizeof *splits);
	tcase_add_test(tc, test_score_when);
	tcase_add_test(tc, test_score_when_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("suggest");
	tcase_add_test(tc, test_suggest_z);
	tcase_add_test(tc, test_phrases);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_marked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(suite());
}
