/*
 * Agreement with a hand-coded sample: the arithmetic against values worked
 * out by hand, then reading gold files against a small database.
 */
#include <math.h>
#include <string.h>

#include "eval.h"
#include "testutil.h"

#define EPS 1e-9

static void ck_score(const char *name, const char *what, double got, double want)
{
	if (isnan(want))
		ck_assert_msg(isnan(got), "%s: %s: expected undefined, got %f", name, what, got);
	else
		ck_assert_msg(!isnan(got) && fabs(got - want) < EPS,
			      "%s: %s: expected %.9f, got %.9f", name, what, want, got);
}

static void ck_scores(const char *name, const struct eval_scores *s, double p, double r,
		      double f1, double k)
{
	ck_score(name, "precision", s->precision, p);
	ck_score(name, "recall", s->recall, r);
	ck_score(name, "F1", s->f1, f1);
	ck_score(name, "kappa", s->kappa, k);
}

/*
 * Each table's values, worked out by hand; N = TP + FP + FN + TN,
 * po = (TP + TN) / N, pe = ((TP + FP)(TP + FN) + (FN + TN)(FP + TN)) / N^2.
 */
static const struct {
	const char *name;
	struct eval_counts c;
	double p, r, f1, kappa;
} tables[] = {
	/*
	 * Textbook: P = 20/25 = 0.8; R = 20/30 = 2/3; F1 = 2(0.8)(2/3)/(0.8 + 2/3)
	 * = (16/15)/(22/15) = 16/22 = 8/11; po = 35/50 = 0.7;
	 * pe = (25 * 30 + 25 * 20) / 2500 = 1250/2500 = 0.5;
	 * kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
	 */
	{ "textbook", { 20, 5, 10, 15 }, 0.8, 2.0 / 3.0, 8.0 / 11.0, 0.4 },
	/*
	 * Perfect agreement: P = R = F1 = 1; po = 1;
	 * pe = (5 * 5 + 5 * 5) / 100 = 0.5; kappa = (1 - 0.5) / 0.5 = 1.
	 */
	{ "perfect", { 5, 0, 0, 5 }, 1, 1, 1, 1 },
	/*
	 * No agreement at all: TP = TN = 0. P = 0/4 = 0; R = 0/6 = 0; F1 = 0
	 * (P + R = 0); po = 0; pe = (4 * 6 + 6 * 4) / 100 = 0.48;
	 * kappa = (0 - 0.48) / 0.52 = -12/13.
	 */
	{ "no agreement", { 0, 4, 6, 0 }, 0, 0, 0, -12.0 / 13.0 },
	/*
	 * Worse than chance but not disjoint: P = 0/3 = 0; R = 0/2 = 0;
	 * po = 5/10 = 0.5; pe = (3 * 2 + 7 * 8) / 100 = 0.62;
	 * kappa = (0.5 - 0.62) / 0.38 = -0.12/0.38 = -6/19.
	 */
	{ "below chance", { 0, 3, 2, 5 }, 0, 0, 0, -6.0 / 19.0 },
	/*
	 * All negative on both sides: no predictions (P undefined), no coded
	 * positives (R undefined), so F1 undefined; pe = (0 + 10 * 10) / 100 = 1,
	 * so kappa is undefined.
	 */
	{ "all negative", { 0, 0, 0, 10 }, NAN, NAN, NAN, NAN },
	/*
	 * All positive on both sides: P = R = F1 = 1, but pe = (10 * 10 + 0) / 100
	 * = 1, so kappa is undefined.
	 */
	{ "all positive", { 10, 0, 0, 0 }, 1, 1, 1, NAN },
	/*
	 * The rules never fire: P undefined (TP + FP = 0); R = 0/4 = 0; F1 = 0
	 * (an undefined P counts as 0, P + R = 0); po = 6/10 = 0.6;
	 * pe = (0 * 4 + 10 * 6) / 100 = 0.6; kappa = 0 / 0.4 = 0.
	 */
	{ "P undefined", { 0, 0, 4, 6 }, NAN, 0, 0, 0 },
	/*
	 * The coder never gives the theme: R undefined; P = 0/3 = 0; F1 = 0;
	 * po = 7/10; pe = (3 * 0 + 10 * 7) / 100 = 0.7; kappa = 0 / 0.3 = 0.
	 */
	{ "R undefined", { 0, 3, 0, 7 }, 0, NAN, 0, 0 },
	/* Nothing coded: everything undefined (N = 0). */
	{ "empty", { 0, 0, 0, 0 }, NAN, NAN, NAN, NAN },
};

START_TEST(test_scores)
{
	struct eval_scores s;

	eval_scores(&tables[_i].c, &s);
	ck_scores(tables[_i].name, &s, tables[_i].p, tables[_i].r, tables[_i].f1, tables[_i].kappa);
}
END_TEST

/*
 * Three themes over the same 20 responses.
 *   A: TP 8, FP 2, FN 0, TN 10: P = 0.8, R = 1, F1 = 1.6/1.8 = 8/9;
 *      po = 18/20 = 0.9, pe = (10 * 8 + 10 * 12) / 400 = 0.5, kappa = 0.8.
 *   B: TP 1, FP 0, FN 3, TN 16: P = 1, R = 0.25, F1 = 0.5/1.25 = 0.4;
 *      po = 17/20 = 0.85, pe = (1 * 4 + 19 * 16) / 400 = 308/400 = 0.77,
 *      kappa = 0.08/0.23 = 8/23.
 *   C: TP 0, FP 0, FN 2, TN 18: P undefined, R = 0, F1 = 0;
 *      po = 0.9, pe = (0 + 20 * 18) / 400 = 0.9, kappa = 0.
 * Micro: summed TP 9, FP 2, FN 5: P = 9/11, R = 9/14,
 *   F1 = 2TP / (2TP + FP + FN) = 18/25 = 0.72; no kappa.
 * Macro, undefined counting as 0: P = (0.8 + 1 + 0) / 3 = 0.6,
 *   R = (1 + 0.25 + 0) / 3 = 1.25/3, F1 = (8/9 + 0.4 + 0) / 3,
 *   kappa = (0.8 + 8/23 + 0) / 3.
 */
START_TEST(test_micro_macro)
{
	static const struct eval_counts c[] = {
		{ 8, 2, 0, 10 },
		{ 1, 0, 3, 16 },
		{ 0, 0, 2, 18 },
	};
	struct eval_scores s;

	eval_micro(c, 3, &s);
	ck_scores("micro", &s, 9.0 / 11.0, 9.0 / 14.0, 0.72, NAN);
	eval_macro(c, 3, &s);
	ck_scores("macro", &s, 0.6, 1.25 / 3.0, (8.0 / 9.0 + 0.4) / 3.0, (0.8 + 8.0 / 23.0) / 3.0);
	/* Micro differs from macro: the common theme A weighs more. */
	eval_micro(c, 3, &s);
	ck_assert(s.precision > 0.6 + 0.2);
	/* No themes: nothing defined. */
	eval_macro(c, 0, &s);
	ck_scores("macro of none", &s, NAN, NAN, NAN, NAN);
	eval_micro(c, 0, &s);
	ck_scores("micro of none", &s, NAN, NAN, NAN, NAN);
}
END_TEST

/* ---- against a database ------------------------------------------------- */

/*
 * One exercise with two questions; themes ACCESS (with sub-themes PARK and
 * BUS) and KIND; four responses that count and two that do not.
 *   1 x:1        "Parking is awful"      tagged PARK
 *   2 x:2        "The bus never comes"   tagged BUS
 *   3 serial P-1 "Staff were kind"       tagged KIND
 *   4 serial P-2 "Nothing to say"        no tag
 *   5 x:5        awaiting a second entry
 *   6 x:6        differences
 *   7            another exercise's response
 */
static sqlite3 *small_db(int with_ruleset)
{
	sqlite3 *db = test_memdb();

	test_exec(db,
		"INSERT INTO exercise (id, code, title, opens, closes) VALUES "
		" (1, 'ex', 'Ex', '2019-06-01', '2019-08-25'), (2, 'other', 'Other', '2019-06-01', "
		" '2019-08-25');"
		"INSERT INTO questionnaire (id, exercise_id, variant, code, title) VALUES "
		" (1, 1, 'standard', 'S', 'S'), (2, 2, 'standard', 'S', 'S');"
		"INSERT INTO question (id, questionnaire_id, code, position, type, text) VALUES "
		" (1, 1, 'Q-WELL', 1, 'free-text', 'well?'), (2, 1, 'Q-BETTER', 2, 'free-text', "
		" 'better?'), (3, 2, 'Q-WELL', 1, 'free-text', 'well?');"
		"INSERT INTO response (id, exercise_id, channel, form_variant, external_id, serial, "
		" entry_status, recorded_at) VALUES "
		" (1, 1, 'online', 'standard', 'x:1', NULL, 'accepted', 'now'),"
		" (2, 1, 'online', 'standard', 'x:2', NULL, 'verified', 'now'),"
		" (3, 1, 'paper', 'standard', NULL, 'P-1', 'accepted', 'now'),"
		" (4, 1, 'paper', 'standard', NULL, 'P-2', 'accepted', 'now'),"
		" (5, 1, 'online', 'standard', 'x:5', NULL, 'awaiting-second-entry', 'now'),"
		" (6, 1, 'online', 'standard', 'x:6', NULL, 'differences', 'now'),"
		" (7, 2, 'online', 'standard', 'x:7', NULL, 'accepted', 'now');"
		"INSERT INTO answer (id, response_id, question_id, value) VALUES "
		" (1, 1, 2, 'Parking is awful'), (2, 2, 2, 'The bus' || char(10) || 'never comes'),"
		" (3, 3, 1, 'Staff were kind'), (4, 4, 1, 'Nothing to say'), (5, 7, 3, 'kind');");
	if (!with_ruleset)
		return db;
	test_exec(db,
		"INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at, last_answer_id) "
		" VALUES (1, 1, 'abcdef0123456789', 'small.rules.xml', 'now', 5);"
		"INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position) VALUES "
		" (10, 1, 'ACCESS', 'Getting there', NULL, 1, 1),"
		" (11, 1, 'PARK', 'Parking', 10, 2, 2),"
		" (12, 1, 'BUS', 'Buses, trains', 10, 2, 3),"
		" (13, 1, 'KIND', 'Kind staff', NULL, 1, 4);"
		"INSERT INTO rule VALUES (1, 1, 'PARK/1'), (1, 2, 'BUS/1'), (1, 3, 'KIND/1');"
		"INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, response_id, "
		"question_id) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, "
		"a.response_id, a.question_id FROM (VALUES "
		" (1, 11, 1, 0, 4), (2, 12, 2, 4, 13), (3, 13, 3, 11, 15)) v "
		"JOIN answer a ON a.id = v.column1;");
	return db;
}

static struct evaluation *run(sqlite3 *db, const char *gold, int level, struct err *e)
{
	struct csv_reader *r;
	struct evaluation *ev;

	err_init(e);
	r = csv_reader_mem(gold, strlen(gold), "g.csv", NULL, e);
	ck_assert_msg(r != NULL, "%s", err_first(e));
	ev = eval_run(db, 1, r, "g.csv", level, e);
	csv_reader_free(r);
	return ev;
}

static const struct eval_theme *theme(const struct evaluation *ev, const char *code)
{
	for (size_t i = 0; i < ev->nthemes; i++)
		if (!strcmp(ev->themes[i].code, code))
			return &ev->themes[i];
	ck_abort_msg("no theme %s", code);
	return NULL;
}

static void ck_counts(const struct evaluation *ev, const char *code, long tp, long fp, long fn,
		      long tn)
{
	const struct eval_theme *t = theme(ev, code);

	ck_assert_msg(t->n.tp == tp && t->n.fp == fp && t->n.fn == fn && t->n.tn == tn,
		      "%s: TP %ld FP %ld FN %ld TN %ld, expected %ld %ld %ld %ld", code, t->n.tp,
		      t->n.fp, t->n.fn, t->n.tn, tp, fp, fn, tn);
}

/*
 * The coder agrees on responses 1, 3 and 4, and on response 2 finds KIND
 * and ACCESS instead of BUS. Rolled up:
 *   rules:  1 {PARK, ACCESS}  2 {BUS, ACCESS}  3 {KIND}  4 {}
 *   coder:  1 {PARK, ACCESS}  2 {KIND, ACCESS} 3 {KIND}  4 {}
 * ACCESS TP 2 TN 2; PARK TP 1 TN 3; BUS FP 1 TN 3; KIND TP 1 FN 1 TN 2.
 */
static const char agreeing[] =
	"\xEF\xBB\xBFResponse,THEMES,Note\n"
	"1,PARK,\n"
	"2,\"KIND; access\",\"coder: 'the bus' is about\n"
	"the driver being kind\"\n"
	"3,KIND,\n"
	"4,,\n";

START_TEST(test_compare)
{
	struct err e;
	sqlite3 *db = small_db(1);
	struct evaluation *ev = run(db, agreeing, 0, &e);

	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_assert_int_eq(ev->nresponses, 4);
	ck_assert_int_eq(ev->nthemes, 4);
	ck_counts(ev, "ACCESS", 2, 0, 0, 2);
	ck_counts(ev, "PARK", 1, 0, 0, 3);
	ck_counts(ev, "BUS", 0, 1, 0, 3);
	ck_counts(ev, "KIND", 1, 0, 1, 2);
	ck_assert_str_eq(ev->responses[0].name, "x:1");
	ck_assert_str_eq(ev->responses[2].name, "P-1");
	ck_assert_int_eq(ev->responses[2].line, 5);
	ck_assert_int_eq(ev->stale, 0);
	/* Two disagreements, in theme order: BUS (rules only), then KIND. */
	ck_assert_int_eq(ev->ndisagreements, 2);
	ck_assert_int_eq(ev->disagreements[0].response, 1);
	ck_assert_str_eq(ev->themes[ev->disagreements[0].theme].code, "BUS");
	ck_assert(ev->disagreements[0].rules_only);
	ck_assert_str_eq(ev->disagreements[0].rule, "BUS/1");
	ck_assert_str_eq(ev->disagreements[0].question, "Q-BETTER");
	ck_assert_str_eq(ev->disagreements[0].words, "bus / never");
	ck_assert_str_eq(ev->themes[ev->disagreements[1].theme].code, "KIND");
	ck_assert(!ev->disagreements[1].rules_only);
	ck_assert_ptr_null(ev->disagreements[1].rule);
	eval_free(ev);

	/* --level 1: only top-level themes are disagreements. */
	ev = run(db, agreeing, 1, &e);
	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_assert_int_eq(ev->ndisagreements, 1);
	ck_assert_str_eq(ev->themes[ev->disagreements[0].theme].code, "KIND");
	eval_free(ev);

	/* Identified by external id and by serial: the same responses. */
	ev = run(db, "external_id,themes\nx:1,PARK\n x:2 ,BUS\n", 0, &e);
	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_counts(ev, "ACCESS", 2, 0, 0, 0);
	ck_counts(ev, "KIND", 0, 0, 0, 2);
	ck_assert_int_eq(ev->ndisagreements, 0);
	eval_free(ev);
	ev = run(db, "serial,themes,note\nP-1,KIND ACCESS,\nP-2,,\n", 0, &e);
	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_counts(ev, "KIND", 1, 0, 0, 1);
	ck_counts(ev, "ACCESS", 0, 0, 1, 1);
	eval_free(ev);
	/* Survey ids and paper serials in one file, one of them on each row. */
	ev = run(db, "external_id,serial,themes\nx:1,,PARK\n,P-1,KIND\n,P-2,\nx:2,,BUS\n", 0, &e);
	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_assert_int_eq(ev->nresponses, 4);
	ck_counts(ev, "ACCESS", 2, 0, 0, 2);
	ck_counts(ev, "KIND", 1, 0, 0, 3);
	ck_assert_int_eq(ev->ndisagreements, 0);
	eval_free(ev);
	sqlite3_close(db);
}
END_TEST

/* The CSV report of the example above, every figure worked out by hand. */
START_TEST(test_csv_report)
{
	struct err e;
	sqlite3 *db = small_db(1);
	struct evaluation *ev = run(db, agreeing, 0, &e);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_assert_ptr_nonnull(out);
	eval_print_csv(ev, out);
	fclose(out);
	/*
	 * ACCESS: perfect, pe = (2 * 2 + 2 * 2) / 16 = 0.5, kappa 1.
	 * PARK: perfect, pe = (1 + 9) / 16 = 0.625, kappa 1.
	 * BUS: TP 0 FP 1 FN 0 TN 3: P 0, R undefined, F1 0, po = 3/4,
	 *   pe = (1 * 0 + 3 * 4) / 16 = 0.75, kappa 0.
	 * KIND: TP 1 FN 1 TN 2: P 1, R 0.5, F1 = 1/1.5 = 0.6667, po = 3/4,
	 *   pe = (1 * 2 + 3 * 2) / 16 = 0.5, kappa 0.5.
	 * Micro: TP 4 FP 1 FN 1 (TN 10): P 0.8, R 0.8, F1 0.8.
	 * Macro: P (1 + 1 + 0 + 1) / 4 = 0.75, R (1 + 1 + 0 + 0.5) / 4 = 0.625,
	 *   F1 (1 + 1 + 0 + 2/3) / 4 = 0.6667, kappa (1 + 1 + 0 + 0.5) / 4 = 0.625.
	 */
	ck_assert_str_eq(buf,
		"theme,label,level,gold,rules,tp,fp,fn,tn,precision,recall,f1,kappa\n"
		"ACCESS,Getting there,1,2,2,2,0,0,2,1.0000,1.0000,1.0000,1.0000\n"
		"PARK,Parking,2,1,1,1,0,0,3,1.0000,1.0000,1.0000,1.0000\n"
		"BUS,\"Buses, trains\",2,0,1,0,1,0,3,0.0000,-,0.0000,0.0000\n"
		"KIND,Kind staff,1,2,1,1,0,1,2,1.0000,0.5000,0.6667,0.5000\n"
		"(micro),micro average: summed counts,,5,5,4,1,1,10,0.8000,0.8000,0.8000,\n"
		"(macro),macro average: mean over 4 themes,,,,,,,,0.7500,0.6250,0.6667,0.6250\n");
	free(buf);
	eval_free(ev);
	sqlite3_close(db);
}
END_TEST

/* The table shows each listed theme and a '-' for what is undefined. */
START_TEST(test_table_report)
{
	struct err e;
	sqlite3 *db = small_db(1);
	struct evaluation *ev = run(db, agreeing, 0, &e);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	eval_print_table(ev, 1, out);
	fclose(out);
	ck_assert_msg(strstr(buf, "\n  BUS        0     1    0    1    0  0.000      -  0.000  0.000\n"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "\n(macro)                              0.750  0.625  0.667  0.625\n"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "Disagreements: 2 (the first 1; --disagreements 0 shows all)\n"
				  "  response 2 (x:2)\n"
				  "    BUS  rules only: BUS/1 in Q-BETTER \"bus / never\"\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "\n(micro)      5     5    4    1    1  0.800  0.800  0.800\n"),
		      "%s", buf);
	ck_assert_ptr_null(strstr(buf, "coder only"));
	for (const char *l = buf; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0'))
		ck_assert_msg(strcspn(l, "\n") <= 80, "line over 80 columns: %.*s",
			      (int)strcspn(l, "\n"), l);
	free(buf);
	eval_free(ev);
	sqlite3_close(db);
}
END_TEST

/* Each bad gold file is refused with the place of the problem. */
static const struct {
	const char *name, *gold, *needle;
} bad[] = {
	{ "empty", "", "g.csv:1: the file is empty" },
	{ "header only", "response,themes,note\n", "g.csv:1: no coded responses under the header" },
	{ "no id column", "id,themes\n1,PARK\n", "g.csv:1: the header needs an identifying column" },
	{ "no themes column", "\n\nresponse,codes\n1,PARK\n", "g.csv:3: the header needs a 'themes' column" },
	{ "two identifiers", "response,serial,themes\n,P-1,PARK\n1,P-1,PARK\n",
	  "g.csv:3: the row gives both a response and a serial: keep one" },
	{ "no identifier", "external_id,serial,themes\nx:1,,\n,,KIND\n",
	  "g.csv:3: no external_id or serial given" },
	{ "two serial columns", "serial,themes,Serial\nP-1,,P-1\n", "g.csv:1: the header has two 'serial' columns" },
	{ "semicolons", "serial;themes\nP-1;KIND\n",
	  "g.csv:1: the header is one column: separate the columns with commas, not ';'" },
	{ "two themes columns", "response,themes,Themes\n1,PARK,\n", "g.csv:1: the header has two 'themes' columns" },
	{ "unknown theme, near", "response,themes\n1,PARK\n2,ACCESS;PRAK\n",
	  "g.csv:3: unknown theme 'PRAK': did you mean 'PARK'?" },
	{ "unknown theme", "response,themes\n1,PARKINGMETERS\n",
	  "g.csv:2: unknown theme 'PARKINGMETERS': not a theme of the current rule set (small.rules.xml)" },
	{ "unknown response", "response,themes\n1,PARK\n99,\n", "g.csv:3: there is no response 99 in this exercise" },
	{ "other exercise", "external_id,themes\nx:7,KIND\n",
	  "g.csv:2: there is no response with external_id 'x:7' in this exercise" },
	{ "unknown serial", "serial,themes\nP-1,\nP-9,\n",
	  "g.csv:3: there is no response with serial 'P-9' in this exercise" },
	{ "not a number", "response,themes\n1x,PARK\n", "g.csv:2: '1x' is not a response number" },
	{ "no id", "response,themes\n  ,PARK\n", "g.csv:2: no response given" },
	{ "only white space", "response,themes\n\"\v\f\",PARK\n", "g.csv:2: no response given" },
	{ "twice", "response,themes\n1,PARK\n2,\n\n01,BUS\n", "g.csv:5: response 01 is coded twice (first on line 2)" },
	{ "twice by serial", "serial,themes\nP-1,\nP-1,KIND\n",
	  "g.csv:3: response with serial 'P-1' is coded twice (first on line 2)" },
	{ "awaiting", "external_id,themes\nx:1,\nx:5,\n",
	  "g.csv:3: response with external_id 'x:5' does not count for analysis: it is waiting for a second entry" },
	{ "differences", "external_id,themes\nx:6,\n",
	  "g.csv:2: response with external_id 'x:6' does not count for analysis: its two entries differ" },
	{ "invalid UTF-8", "response,themes,note\n1,PARK,caf\xe9\n", "g.csv:2: invalid UTF-8" },
	{ "stray quote", "response,themes\n1,\"PARK\"x\n", "g.csv:2:" },
	{ "unclosed quote", "response,themes\n1,PARK\n2,\"BUS\n", "g.csv:3:" },
	{ "unquoted list", "response,themes\n1,PARK\n2,PARK,BUS\n",
	  "g.csv:3: 3 fields, but the header has 2: put a list of themes with commas in double quotes" },
	{ "short row", "response,themes,note\n1,PARK\n", "g.csv:2: 2 fields, but the header has 3" },
	{ "after a multi-line note", "response,themes,note\n1,PARK,\"two\nlines\"\n2,NOPE,\n",
	  "g.csv:4: unknown theme 'NOPE'" },
};

START_TEST(test_bad_gold)
{
	struct err e;
	sqlite3 *db = small_db(1);
	struct evaluation *ev = run(db, bad[_i].gold, 0, &e);

	ck_assert_msg(ev == NULL, "%s: accepted", bad[_i].name);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, bad[_i].needle), "%s: expected '%s', got '%s'", bad[_i].name,
		      bad[_i].needle, err_first(&e));
	/* Nothing left open: the next read works. */
	ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
	sqlite3_close(db);
}
END_TEST

/* Every problem in the file is reported, not only the first. */
START_TEST(test_all_problems)
{
	struct err e;
	sqlite3 *db = small_db(1);
	struct evaluation *ev = run(db, "response,themes\n1,NOPE\n2,PARK\n99,\n3,\"a\"b\n4,KIND\n",
				    0, &e);

	ck_assert_ptr_null(ev);
	ck_assert_int_eq(e.nlines, 3);
	ck_assert(err_contains(&e, "g.csv:2: unknown theme 'NOPE'"));
	ck_assert(err_contains(&e, "g.csv:4: there is no response 99"));
	ck_assert(err_contains(&e, "g.csv:5:"));
	sqlite3_close(db);
}
END_TEST

START_TEST(test_no_ruleset)
{
	struct err e;
	sqlite3 *db = small_db(0);
	struct evaluation *ev = run(db, "response,themes\n1,\n", 0, &e);

	ck_assert_ptr_null(ev);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_str_eq(err_first(&e), "nothing is tagged yet: run 'analyser tag DB RULES' first");
	sqlite3_close(db);
}
END_TEST

/* Answers added after the last tagging run are noticed. */
START_TEST(test_stale)
{
	struct err e;
	sqlite3 *db = small_db(1);
	struct evaluation *ev;

	test_exec(db, "INSERT INTO answer (id, response_id, question_id, value) VALUES "
		      "(6, 4, 2, 'The car park is full')");
	ev = run(db, agreeing, 0, &e);
	ck_assert_msg(ev != NULL, "%s", err_first(&e));
	ck_assert_int_eq(ev->stale, 1);
	eval_free(ev);
	sqlite3_close(db);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("eval");
	TCase *tc = tcase_create("arithmetic");

	tcase_add_loop_test(tc, test_scores, 0, sizeof tables / sizeof *tables);
	tcase_add_test(tc, test_micro_macro);
	suite_add_tcase(s, tc);
	tc = tcase_create("gold");
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_csv_report);
	tcase_add_test(tc, test_table_report);
	tcase_add_loop_test(tc, test_bad_gold, 0, sizeof bad / sizeof *bad);
	tcase_add_test(tc, test_all_problems);
	tcase_add_test(tc, test_no_ruleset);
	tcase_add_test(tc, test_stale);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(suite());
}
