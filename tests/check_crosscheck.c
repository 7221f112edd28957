/*
 * Cross-field checks (crosscheck.h): declared in the exercise definition,
 * stored with it, and applied to a form's answers the same way for typed
 * entry (entry_cross_check, entry_save, the terminal) as for an import
 * (crosscheck_answers on the stored rows).
 */
#include <string.h>

#include "crosscheck.h"
#include "entry.h"
#include "exercise.h"
#include "testutil.h"

static sqlite3 *db;
static long long ex;

static void db_setup(void)
{
	struct exercise_def *d;
	struct exercise_changes ch;
	struct err e;

	err_init(&e);
	db = test_memdb();
	d = exercise_load(FIXTURE("crosscheck/exercise.xml"), &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, &ex, &ch, &e), 0);
	exercise_def_free(d);
}

static void db_teardown(void)
{
	sqlite3_close(db);
	db = NULL;
}

static struct entry_form *form(const char *variant)
{
	struct entry_form *f;
	struct err e;

	err_init(&e);
	f = entry_form_load(db, ex, variant, &e);
	ck_assert_msg(f != NULL, "%s", err_first(&e));
	return f;
}

/* Answers typed as at the terminal, one a question. */
static struct entry_answer *typed(const struct entry_form *f, const char *const *in)
{
	struct entry_answer *a = calloc(f->nqs, sizeof *a);
	char why[ENTRY_WHY_MAX];

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < f->nqs; i++)
		ck_assert_msg(entry_parse(&f->qs[i], in[i], &a[i], why, sizeof why) ==
				      ENTRY_INPUT_ANSWER,
			      "%s: %s", f->qs[i].code, why);
	return a;
}

static void free_answers(const struct entry_form *f, struct entry_answer *a)
{
	for (size_t i = 0; i < f->nqs; i++)
		entry_answer_clear(&a[i]);
	free(a);
}

/*
 * The table: a form's answers as typed and the questions (numbers on the
 * form, "" for none) whose answers break a check, with part of the first
 * message. The same cases are typed through `collector enter --from` and
 * imported in tests/e2e/crosscheck.sh, and posted in tests/web/crosscheck_test.py.
 * Standard form: USED (1 yes, 2 no, 3 not sure), SERVICES (1 GP, 2 pharmacy,
 * 3 none: exclusive, 4 don't know: exclusive; asked when USED is yes or not
 * sure), WELL (asked when USED is yes), IDEAS. Easy Read form: ER-SERVICES
 * (1 doctor, 2 chemist, 3 none), ER-USED (1 yes, 2 no).
 */
static const struct {
	const char *variant;
	const char *in[4];
	const char *broken;  /* question numbers, "2,3" */
	const char *says;    /* part of the first problem's message */
} cases[] = {
	{ "standard", { "1", "1,2", "Kind staff", "s" }, "", NULL },
	{ "standard", { "1", "3", "Kind staff", "s" }, "", NULL },
	{ "standard", { "1", "1,3", "Kind staff", "s" }, "2",
	  "\"None of these\" is ticked with another answer" },
	{ "standard", { "1", "3,4", "s", "s" }, "2", "\"None of these\" is ticked" },
	{ "standard", { "1", "2,4", "s", "s" }, "2", "\"Don't know\" is ticked" },
	{ "standard", { "2", "1", "s", "s" }, "2",
	  "only for people who answered \"Yes\" or \"Not sure\" to \"Have you used" },
	{ "standard", { "2", "s", "Kind staff", "s" }, "3", "answered \"Yes\" to" },
	{ "standard", { "2", "s", "s", "More buses" }, "", NULL },
	{ "standard", { "3", "1", "s", "s" }, "", NULL },
	{ "standard", { "3", "s", "Kind staff", "s" }, "3", "answered \"Yes\" to" },
	/* Not known whether it was asked: blank or unreadable. */
	{ "standard", { "s", "1", "Kind staff", "s" }, "", NULL },
	{ "standard", { "u", "1,3", "Kind staff", "s" }, "2", "\"None of these\"" },
	{ "standard", { "2", "u", "u", "s" }, "", NULL },
	/* Two questions at once; one problem a question. */
	{ "standard", { "2", "1,3", "Kind staff", "s" }, "2,3", "\"None of these\"" },
	/* Easy Read answers are checked as the standard answers they count as. */
	{ "easy-read", { "1,3", "1", NULL, NULL }, "1", "\"None of these\" is ticked" },
	{ "easy-read", { "1", "2", NULL, NULL }, "1", "answered \"Yes\" or \"Not sure\"" },
	{ "easy-read", { "1,2", "1", NULL, NULL }, "", NULL },
	{ "easy-read", { "3", "s", NULL, NULL }, "", NULL },
};

START_TEST(test_cases)
{
	struct entry_form *f = form(cases[_i].variant);
	struct entry_answer *a = typed(f, cases[_i].in);
	struct entry_problem p[8];
	char got[64] = "";
	struct err e;
	int n;

	err_init(&e);
	n = entry_cross_check(f, a, p, 8, &e);
	ck_assert_int_ge(n, 0);
	for (int k = 0; k < n && k < 8; k++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d", k ? "," : "",
			 f->qs[p[k].index].number);
	ck_assert_msg(!strcmp(got, cases[_i].broken), "case %d: broken at '%s', expected '%s'",
		      _i, got, cases[_i].broken);
	if (cases[_i].says)
		ck_assert_msg(strstr(p[0].why, cases[_i].says), "case %d: %s", _i, p[0].why);
	/* No message repeats what was written. */
	for (int k = 0; k < n && k < 8; k++) {
		ck_assert_ptr_null(strstr(p[k].why, "Kind staff"));
		ck_assert_ptr_null(strstr(p[k].where, "Kind staff"));
	}
	free_answers(f, a);
	entry_form_free(f);
}
END_TEST

/* entry_save refuses what breaks a check, whichever path called it, and saves the rest. */
START_TEST(test_save_refuses)
{
	static const char *const bad[] = { "2", "1,3", "s", "s" };
	static const char *const good[] = { "1", "3", "s", "s" };
	struct entry_form *f = form("standard");
	struct entry_session_options o = { ex, f, "LE-TAM-1", "Jo Bloggs", ENTRY_FIRST, NULL };
	struct entry_session *s;
	struct entry_answer *a;
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX] = "";
	struct err e;

	err_init(&e);
	s = entry_session_open(db, &o, &e);
	ck_assert_msg(s != NULL, "%s", err_first(&e));
	a = typed(f, bad);
	ck_assert_int_eq(entry_save(s, "101", a, &saved, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "question 2: \"None of these\" is ticked"), "%s", why);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 0);
	free_answers(f, a);
	a = typed(f, good);
	ck_assert_int_eq(entry_save(s, "101", a, &saved, why, sizeof why, &e), 1);
	entry_saved_free(&saved);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 1);
	free_answers(f, a);
	entry_session_free(s);
	entry_form_free(f);
}
END_TEST

/* The terminal says why and asks the question again, then saves. */
START_TEST(test_terminal_asks_again)
{
	/* USED no, SERVICES GP: asked again, left blank; WELL typed, asked again, blank. */
	static const char typed_in[] = "300\n2\n1\ns\nKind staff\n\ns\ns\ny\nq\n";
	struct entry_form *f = form("standard");
	struct entry_session_options o = { ex, f, "LE-TAM-1", "Jo Bloggs", ENTRY_FIRST, NULL };
	struct entry_session *s;
	FILE *in = fmemopen((void *)typed_in, strlen(typed_in), "r");
	char *seen = NULL;
	size_t len;
	FILE *out = open_memstream(&seen, &len);
	struct err e;

	err_init(&e);
	s = entry_session_open(db, &o, &e);
	ck_assert_msg(s != NULL, "%s", err_first(&e));
	ck_assert_int_eq(entry_ui_run(s, in, out, &e), EXIT_OK);
	fclose(in);
	fclose(out);
	ck_assert_msg(strstr(seen, "Question 2: This question is only for people who answered"),
		      "%s", seen);
	ck_assert_msg(strstr(seen, "Question 3: This question is only for people who answered"),
		      "%s", seen);
	ck_assert_msg(strstr(seen, "Saved form 300"), "%s", seen);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id WHERE q.code IN ('SERVICES', 'WELL') "
				      "AND a.state = 'skipped'"), 2);
	free(seen);
	entry_session_free(s);
	entry_form_free(f);
}
END_TEST

/* The rules as stored: the exclusive options and the options that ask a question. */
START_TEST(test_stored)
{
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_option WHERE exclusive = 1"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_ask_if a JOIN question q ON "
				      "q.id = a.question_id WHERE q.code = 'SERVICES'"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_ask_if a JOIN question q ON "
				      "q.id = a.question_id WHERE q.code = 'WELL'"), 1);
}
END_TEST

/* Loading the definition again with a rule changed updates it. */
START_TEST(test_reload)
{
	static const char from[] = "<ask-if question=\"USED\" option=\"yes\"/>";
	char *buf, *at;
	size_t len;
	struct exercise_def *d;
	struct exercise_changes ch = { 0 };
	struct err e;
	long long id;

	err_init(&e);
	ck_assert_int_eq(file_read_all(FIXTURE("crosscheck/exercise.xml"), 1 << 20, &buf, &len, &e), 0);
	ck_assert_ptr_nonnull(at = strstr(buf, from));
	memcpy(at + strlen("<ask-if question=\"USED\" option=\""), "no ", 3);
	d = exercise_parse(buf, len, "exercise.xml", &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, &id, &ch, &e), 0);
	ck_assert_int_eq(ch.updated, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_ask_if a JOIN question_option o "
				      "ON o.id = a.option_id WHERE o.code = 'no'"), 1);
	exercise_def_free(d);
	free(buf);
}
END_TEST

/* What a definition may not say, and why. */
static const struct {
	const char *from, *to, *says;
} bad_defs[] = {
	{ "<ask-if question=\"USED\" option=\"yes not-sure\"/>",
	  "<ask-if question=\"WELL\" option=\"yes\"/>",
	  "question 'SERVICES' is asked only after 'WELL', which is not a question before it" },
	{ "<ask-if question=\"USED\" option=\"yes not-sure\"/>",
	  "<ask-if question=\"USED\" option=\"yes maybe\"/>",
	  "question 'SERVICES' is asked only when 'USED' is 'maybe', which is not one of its options" },
	{ "<ask-if question=\"USED\" option=\"yes\"/>", "<ask-if question=\"IDEAS\" option=\"x\"/>",
	  "which is not a question before it" },
	{ "maps-to=\"none\" picture=\"cross\"", "maps-to=\"none\" exclusive=\"true\" picture=\"cross\"",
	  "option 'none' of Easy Read question 'ER-SERVICES' is exclusive: mark the standard option" },
	{ "<text>Which of these have you used?</text>",
	  "<text>Which of these have you used?</text><ask-if question=\"ER-USED\" option=\"yes\"/>",
	  "Easy Read question 'ER-SERVICES' has <ask-if>" },
};

START_TEST(test_bad_definitions)
{
	char *buf, *at, *changed;
	size_t len;
	struct err e;
	struct exercise_def *d;

	err_init(&e);
	ck_assert_int_eq(file_read_all(FIXTURE("crosscheck/exercise.xml"), 1 << 20, &buf, &len, &e), 0);
	ck_assert_ptr_nonnull(at = strstr(buf, bad_defs[_i].from));
	changed = malloc(len + strlen(bad_defs[_i].to) + 1);
	ck_assert_ptr_nonnull(changed);
	sprintf(changed, "%.*s%s%s", (int)(at - buf), buf, bad_defs[_i].to,
		at + strlen(bad_defs[_i].from));
	d = exercise_parse(changed, strlen(changed), "exercise.xml", &e);
	ck_assert_ptr_null(d);
	ck_assert_msg(err_contains(&e, bad_defs[_i].says), "%s", err_first(&e));
	free(changed);
	free(buf);
}
END_TEST

static Suite *crosscheck_suite(void)
{
	Suite *s = suite_create("crosscheck");
	TCase *tc = tcase_create("checks");

	tcase_add_checked_fixture(tc, db_setup, db_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_save_refuses);
	tcase_add_test(tc, test_terminal_asks_again);
	tcase_add_test(tc, test_stored);
	tcase_add_test(tc, test_reload);
	tcase_add_loop_test(tc, test_bad_definitions, 0, (int)(sizeof bad_defs / sizeof bad_defs[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(crosscheck_suite());
}
