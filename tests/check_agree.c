/*
 * Agreement between two coders: kappa against tables worked out by hand
 * (textbook ones and the degenerate cases), then the comparison of two
 * codings and the adjudication sheet's merge into the agreed gold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agree.h"
#include "agree_store.h"
#include "testutil.h"

#define EPS 1e-9

/*
 * Each table's percent agreement and kappa, worked out by hand, with
 * N = both + A only + B only + neither, po = (both + neither) / N,
 * pA = (both + A only) / N, pB = (both + B only) / N,
 * pe = pA pB + (1 - pA)(1 - pB), kappa = (po - pe) / (1 - pe).
 */
static const struct {
	const char *name;
	struct agree_counts c;
	double agreement, kappa;
	enum agree_undefined why;
} tables[] = {
	/*
	 * The textbook example (Wikipedia, "Cohen's kappa"): two readers of 50
	 * grant proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15.
	 * po = 35/50 = 0.7; pA = 25/50 = 0.5, pB = 30/50 = 0.6;
	 * pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = 0.2 / 0.5 = 0.4.
	 */
	{ "textbook", { 20, 5, 10, 15 }, 0.7, 0.4, AGREE_DEFINED },
	/*
	 * The same source's pair with equal agreement and unequal kappa:
	 * 45/15/25/15: po = 0.6; pA = 0.6, pB = 0.7; pe = 0.42 + 0.12 = 0.54;
	 * kappa = 0.06 / 0.46 = 3/23.
	 */
	{ "balanced", { 45, 15, 25, 15 }, 0.6, 3.0 / 23.0, AGREE_DEFINED },
	/*
	 * 25/35/5/35: po = 0.6; pA = 0.6, pB = 0.3; pe = 0.18 + 0.28 = 0.46;
	 * kappa = 0.14 / 0.54 = 7/27.
	 */
	{ "unbalanced", { 25, 35, 5, 35 }, 0.6, 7.0 / 27.0, AGREE_DEFINED },
	/* Perfect agreement with variation: po = 1, pe = 0.5, kappa = 1. */
	{ "perfect", { 4, 0, 0, 4 }, 1, 1, AGREE_DEFINED },
	/* Always opposite, half and half: po = 0, pe = 0.5, kappa = -1. */
	{ "opposite", { 0, 5, 5, 0 }, 0, -1, AGREE_DEFINED },
	/*
	 * One coder says yes to everything, the other varies: po = 3/5;
	 * pA = 1, pB = 3/5; pe = 3/5; kappa = 0: no better than chance.
	 */
	{ "one constant", { 3, 2, 0, 0 }, 0.6, 0, AGREE_DEFINED },
	/* Degenerate: both gave it to every response: pe = 1, kappa undefined. */
	{ "all yes", { 5, 0, 0, 0 }, 1, NAN, AGREE_ALL_YES },
	/* ... neither gave it to any. */
	{ "all no", { 0, 0, 0, 7 }, 1, NAN, AGREE_ALL_NO },
	/* ... and no responses at all. */
	{ "empty", { 0, 0, 0, 0 }, NAN, NAN, AGREE_NO_RESPONSES },
};

START_TEST(test_kappa)
{
	struct agree_stat s;

	agree_stat(&tables[_i].c, &s);
	ck_assert_msg(s.why == tables[_i].why, "%s: why %d, expected %d", tables[_i].name,
		      (int)s.why, (int)tables[_i].why);
	if (isnan(tables[_i].agreement))
		ck_assert_msg(isnan(s.agreement), "%s: agreement %f", tables[_i].name, s.agreement);
	else
		ck_assert_msg(fabs(s.agreement - tables[_i].agreement) < EPS, "%s: agreement %.9f",
			      tables[_i].name, s.agreement);
	if (isnan(tables[_i].kappa))
		ck_assert_msg(isnan(s.kappa), "%s: kappa %f", tables[_i].name, s.kappa);
	else
		ck_assert_msg(fabs(s.kappa - tables[_i].kappa) < EPS, "%s: kappa %.9f, expected "
			      "%.9f", tables[_i].name, s.kappa, tables[_i].kappa);
	ck_assert_int_eq(*agree_why(s.why) != '\0', s.why != AGREE_DEFINED);
}
END_TEST

/*
 * The overall figures over four themes: the textbook table, the balanced
 * one, one neither coder gave (not listed) and one both gave to every
 * response (listed, kappa n/a).
 * Pooled over the three listed: 20+45+50 = 115 both, 20 A only, 35 B only,
 * 15+15 = 30 neither; N = 200. po = 145/200 = 0.725; pA = 135/200 = 0.675,
 * pB = 150/200 = 0.75; pe = 0.50625 + 0.08125 = 0.5875;
 * kappa = 0.1375 / 0.4125 = 1/3. Mean: (0.4 + 3/23) / 2 over 2 themes, 1 n/a.
 */
START_TEST(test_overall)
{
	struct agree_counts n[4] = { { 20, 5, 10, 15 }, { 45, 15, 25, 15 }, { 0, 0, 0, 50 },
				     { 50, 0, 0, 0 } };
	struct agreement ag = { .nthemes = 4, .n = n };
	struct agree_stat pooled;
	size_t nmean, nundef;
	double mean;

	agree_overall(&ag, &pooled, &mean, &nmean, &nundef);
	ck_assert(pooled.why == AGREE_DEFINED);
	ck_assert_msg(fabs(pooled.agreement - 0.725) < EPS, "%.9f", pooled.agreement);
	ck_assert_msg(fabs(pooled.kappa - 1.0 / 3.0) < EPS, "%.9f", pooled.kappa);
	ck_assert_msg(fabs(mean - (0.4 + 3.0 / 23.0) / 2) < EPS, "%.9f", mean);
	ck_assert_int_eq(nmean, 2);
	ck_assert_int_eq(nundef, 1);
}
END_TEST

/*
 * Two codings by hand over themes P, its sub-theme P-C, and Q.
 * A codes responses 10, 11, 12, 14; B codes 11, 10, 13, 14 (another order).
 *   10: A P-C (so P)       B P
 *   11: A Q                B Q, P
 *   12: A P                (B did not code it)
 *   13: (A did not)        B nothing
 *   14: A P-C (so P)       B nothing
 * Disagreements: 10 P-C; 11 P; 14 P and P-C.
 */
enum { P, PC, Q, NT };

static struct eval_theme themes[NT] = {
	{ 1, "P", "Parent", -1, 1, { 0, 0, 0, 0 } },
	{ 2, "P-C", "Child", 0, 2, { 0, 0, 0, 0 } },
	{ 3, "Q", "Other", -1, 1, { 0, 0, 0, 0 } },
};

struct fixture {
	struct eval_response ra[4], rb[4];
	struct evaluation ea, eb;
	unsigned char fa[4][NT + 1], fb[4][NT + 1];
	struct agree_side a, b;
	struct agree_ident ids[3];
	struct agreement *ag;
};

static void fixture_make(struct fixture *f)
{
	static const long long ida[4] = { 10, 11, 12, 14 }, idb[4] = { 11, 10, 13, 14 };
	struct err e;

	memset(f, 0, sizeof *f);
	for (int i = 0; i < 4; i++) {
		f->ra[i] = (struct eval_response){ ida[i], NULL, i + 2 };
		f->rb[i] = (struct eval_response){ idb[i], NULL, i + 2 };
	}
	f->ea = (struct evaluation){ .themes = themes, .nthemes = NT, .responses = f->ra,
				     .nresponses = 4, .ruleset_file = "test.rules.xml" };
	f->eb = f->ea;
	f->eb.responses = f->rb;
	/* A: 10 P-C+P, 11 Q, 12 P, 14 P-C+P. */
	f->fa[0][P] = f->fa[0][PC] = 1;
	f->fa[1][Q] = 1;
	f->fa[2][P] = 1;
	f->fa[3][P] = f->fa[3][PC] = 1;
	/* B: 11 Q+P, 10 P, 13 nothing, 14 nothing. */
	f->fb[0][Q] = f->fb[0][P] = 1;
	f->fb[1][P] = 1;
	f->a = (struct agree_side){ "a.csv", &f->ea, &f->fa[0][0] };
	f->b = (struct agree_side){ "b.csv", &f->eb, &f->fb[0][0] };
	err_init(&e);
	f->ag = agree_compare(&f->a, &f->b, &e);
	ck_assert_ptr_nonnull(f->ag);
	/* Pairs in A's order: 10, 11, 14. */
	f->ids[0] = (struct agree_ident){ 10, "tool:10", NULL };
	f->ids[1] = (struct agree_ident){ 11, NULL, "S-11" };
	f->ids[2] = (struct agree_ident){ 14, NULL, NULL };
}

START_TEST(test_compare)
{
	struct fixture f;

	fixture_make(&f);
	ck_assert_int_eq(f.ag->npairs, 3);
	ck_assert_int_eq(f.ag->pairs[0].a, 0);
	ck_assert_int_eq(f.ag->pairs[0].b, 1);
	ck_assert_int_eq(f.ag->pairs[1].a, 1);
	ck_assert_int_eq(f.ag->pairs[1].b, 0);
	ck_assert_int_eq(f.ag->pairs[2].a, 3);
	ck_assert_int_eq(f.ag->pairs[2].b, 3);
	ck_assert_int_eq(f.ag->nonly_a, 1);
	ck_assert_int_eq(f.ag->only_a[0], 2);
	ck_assert_int_eq(f.ag->nonly_b, 1);
	ck_assert_int_eq(f.ag->only_b[0], 2);
	/* P: 10 both, 11 B only, 14 A only. */
	ck_assert_int_eq(f.ag->n[P].both, 1);
	ck_assert_int_eq(f.ag->n[P].a_only, 1);
	ck_assert_int_eq(f.ag->n[P].b_only, 1);
	ck_assert_int_eq(f.ag->n[P].neither, 0);
	/* P-C: 10 and 14 A only, 11 neither. */
	ck_assert_int_eq(f.ag->n[PC].a_only, 2);
	ck_assert_int_eq(f.ag->n[PC].neither, 1);
	/* Q: 11 both, 10 and 14 neither. */
	ck_assert_int_eq(f.ag->n[Q].both, 1);
	ck_assert_int_eq(f.ag->n[Q].neither, 2);
	agree_free(f.ag);
}
END_TEST

/* The text a FILE received, for the caller to free. */
static char *capture(void (*write)(struct fixture *, FILE *), struct fixture *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(out);
	write(f, out);
	fclose(out);
	return buf;
}

static void write_sheet(struct fixture *f, FILE *out)
{
	static const char *const notes[3][2] = { { "hard one", NULL }, { NULL, NULL },
						  { "a, b", "B's \"view\"" } };

	agree_write_sheet(f->ag, &f->a, &f->b, f->ids, notes, out);
}

START_TEST(test_sheet)
{
	struct fixture f;
	char *s;

	fixture_make(&f);
	s = capture(write_sheet, &f);
	ck_assert_str_eq(s, "response,external_id,serial,theme,label,coder_a,coder_b,note_a,"
			 "note_b,decision,reason\n"
			 "10,tool:10,,P-C,Child,yes,no,hard one,,,\n"
			 "11,,S-11,P,Parent,no,yes,,,,\n"
			 "14,,,P,Parent,yes,no,\"a, b\",\"B's \"\"view\"\"\",,\n"
			 "14,,,P-C,Child,yes,no,\"a, b\",\"B's \"\"view\"\"\",,\n");
	free(s);
	agree_free(f.ag);
}
END_TEST

/* Merges `sheet`; returns the agreed flags (or NULL) and leaves the error in *e. */
static unsigned char *merge(struct fixture *f, const char *sheet, struct err *e)
{
	struct csv_reader *r;
	unsigned char *agreed = (unsigned char *)"not set";

	err_init(e);
	r = csv_reader_mem(sheet, strlen(sheet), "adj.csv", NULL, e);
	ck_assert_ptr_nonnull(r);
	if (agree_merge(f->ag, &f->a, &f->b, f->ids, r, "adj.csv", &agreed, e) < 0)
		ck_assert_ptr_null(agreed);
	else
		ck_assert_ptr_nonnull(agreed);
	csv_reader_free(r);
	return agreed;
}

static unsigned char *merged;

static void write_gold(struct fixture *f, FILE *out)
{
	struct err e;

	err_init(&e);
	ck_assert_int_eq(agree_write_gold(f->ag, &f->a, &f->b, f->ids, merged, out, &e), 0);
}

START_TEST(test_merge)
{
	/* Rows in another order, by each kind of identifier, decisions in any case. */
	static const char sheet[] =
		"response,external_id,serial,theme,label,coder_a,coder_b,note_a,note_b,decision,"
		"reason\n"
		"14,,,P-C,Child,yes,no,,,No,\n"
		"11,,S-11,P,Parent,no,yes,,,b,B saw it\n"
		",tool:10,,p-c,Child,yes,no,,,YES,\n"
		"14,,,P,Parent,yes,no,,,a,\n";
	struct fixture f;
	struct err e;
	char *s;

	fixture_make(&f);
	merged = merge(&f, sheet, &e);
	ck_assert_msg(merged, "%s", err_first(&e));
	/* 10: P (agreed) and P-C (yes); 11: P (B's) and Q (agreed); 14: P (A's), P-C no. */
	ck_assert_int_eq(merged[0 * (NT + 1) + P], 1);
	ck_assert_int_eq(merged[0 * (NT + 1) + PC], 1);
	ck_assert_int_eq(merged[0 * (NT + 1) + Q], 0);
	ck_assert_int_eq(merged[1 * (NT + 1) + P], 1);
	ck_assert_int_eq(merged[1 * (NT + 1) + Q], 1);
	ck_assert_int_eq(merged[2 * (NT + 1) + P], 1);
	ck_assert_int_eq(merged[2 * (NT + 1) + PC], 0);
	s = capture(write_gold, &f);
	/* The most specific themes only: P is implied by P-C. */
	ck_assert_str_eq(s, "response,external_id,serial,themes,note\n"
			 ",tool:10,,P-C,adjudicated: P-C yes\n"
			 ",,S-11,\"P; Q\",adjudicated: P yes\n"
			 "14,,,P,\"adjudicated: P yes; P-C no\"\n");
	free(s);
	free(merged);
	agree_free(f.ag);
}
END_TEST

/* A sheet that is refused, and what the message must say. */
static const struct {
	const char *name, *sheet, *want;
} bad_sheets[] = {
	{ "blank decision",
	  "response,theme,decision\n10,P-C,yes\n11,P,\n14,P,yes\n14,P-C,no\n",
	  "adj.csv:3: response 11, P: no decision" },
	{ "not a decision",
	  "response,theme,decision\n10,P-C,maybe\n11,P,yes\n14,P,yes\n14,P-C,no\n",
	  "adj.csv:2: response 10, P-C: the decision is not yes, no, a or b" },
	{ "a disagreement left out",
	  "response,theme,decision\n10,P-C,yes\n11,P,yes\n14,P,yes\n",
	  "adj.csv: response 14, P-C: a disagreement the sheet does not decide" },
	{ "the coders agree there",
	  "response,theme,decision\n10,P-C,yes\n10,Q,no\n11,P,yes\n14,P,yes\n14,P-C,no\n",
	  "adj.csv:3: response 10, Q: the coders agree (both no)" },
	{ "decided twice",
	  "response,theme,decision\n10,P-C,yes\n11,P,yes\n11,P,no\n14,P,yes\n14,P-C,no\n",
	  "adj.csv:4: response 11, P is decided twice (first on line 3)" },
	{ "only one coder coded it",
	  "response,theme,decision\n12,P,yes\n",
	  "adj.csv:2: response '12' is not one both coders coded" },
	{ "unknown theme",
	  "response,theme,decision\n10,NOPE,yes\n",
	  "adj.csv:2: unknown theme 'NOPE'" },
	{ "sub-theme yes under a parent no",
	  "response,theme,decision\n10,P-C,yes\n11,P,yes\n14,P,no\n14,P-C,yes\n",
	  "adj.csv:5: response 14: P-C is decided yes but its parent P ends up no" },
	{ "no decision column",
	  "response,theme,verdict\n10,P-C,yes\n",
	  "adj.csv:1: the header needs an identifying column" },
};

START_TEST(test_bad_sheet)
{
	struct fixture f;
	struct err e;

	fixture_make(&f);
	ck_assert_ptr_null(merge(&f, bad_sheets[_i].sheet, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, bad_sheets[_i].want), "%s: got '%s'", bad_sheets[_i].name,
		      err_first(&e));
	agree_free(f.ag);
}
END_TEST

/*
 * Stored, then said for the report: the newest run of the exercise, its
 * share never rounded up to 100% when a choice differed.
 */
START_TEST(test_store)
{
	struct fixture f;
	sqlite3 *db = test_memdb();
	char *line = (char *)"not set";
	struct err e;

	fixture_make(&f);
	f.ea.ruleset_sha256 = "abc";
	err_init(&e);
	test_exec(db, "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
		  "(1, 'x', 'X', '2019-01-01', '2019-12-31')");
	ck_assert_int_eq(agree_stored_line(db, 1, &line, &e), 0);
	ck_assert_ptr_null(line);
	ck_assert_int_eq(agree_store(db, 1, f.ag, "a.csv", "b.csv", &e), 0);
	/* P: 1 1 1 0, P-C: 0 2 0 1, Q: 1 0 0 2 pooled: 2 3 1 3, N = 9. */
	ck_assert_int_eq(test_int(db, "SELECT responses FROM coder_agreement"), 3);
	ck_assert_int_eq(test_int(db, "SELECT only_one FROM coder_agreement"), 2);
	ck_assert_int_eq(test_int(db, "SELECT themes FROM coder_agreement"), 3);
	ck_assert_int_eq(test_int(db, "SELECT round(agreement * 9) FROM coder_agreement"), 5);
	ck_assert_int_eq(test_int(db, "SELECT a_only FROM coder_agreement_theme "
				  "WHERE theme = 'P-C'"), 2);
	ck_assert_int_eq(agree_stored_line(db, 1, &line, &e), 0);
	ck_assert_ptr_nonnull(line);
	ck_assert_msg(strstr(line, "the same 3 responses") && strstr(line, "56% of the time"),
		      "%s", line);
	free(line);
	/* A newer run wins; 995 of 1000 agreed is not "100%". */
	test_exec(db, "INSERT INTO coder_agreement (exercise_id, stored_at, coder_a, coder_b, "
		  "ruleset_sha256, responses, only_one, themes, agreement, pooled_kappa, "
		  "mean_kappa, mean_themes) VALUES (1, 'now', 'a', 'b', 'abc', 40, 0, 25, 0.995, "
		  "0.9, 0.9, 25)");
	ck_assert_int_eq(agree_stored_line(db, 1, &line, &e), 0);
	ck_assert_msg(strstr(line, "the same 40 responses") && strstr(line, "more than 99% of") &&
		      strstr(line, "kappa 0.90"), "%s", line);
	free(line);
	sqlite3_close(db);
	agree_free(f.ag);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("agree");
	TCase *tc = tcase_create("kappa");

	tcase_add_loop_test(tc, test_kappa, 0, sizeof tables / sizeof *tables);
	tcase_add_test(tc, test_overall);
	suite_add_tcase(s, tc);
	tc = tcase_create("adjudication");
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_sheet);
	tcase_add_test(tc, test_merge);
	tcase_add_loop_test(tc, test_bad_sheet, 0, sizeof bad_sheets / sizeof *bad_sheets);
	tcase_add_test(tc, test_store);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(suite());
}
