/* Typed entry: the answer parser, the form, saving first and second entries, settling. */
#include <string.h>

#include "entry.h"
#include "exercise.h"
#include "testutil.h"

/* ---- the parser (no database) ---------------------------------------------- */

static struct entry_option respondent_opts[] = {
	{ 1, 1, "public", "A member of the public", NULL },
	{ 2, 2, "staff", "Someone who works in health or social care", NULL },
	{ 3, 3, "voluntary", "A voluntary or community sector organisation", NULL },
	{ 4, 4, "other", "Other", NULL },
};
static struct entry_option services_opts[] = {
	{ 11, 11, "gp", "GP practice", NULL },
	{ 12, 12, "pharmacy", "Pharmacy", NULL },
	{ 13, 13, "nhs-111", "NHS 111", NULL },
	{ 14, 14, "a-and-e", "A&E (accident and emergency)", NULL },
	{ 15, 15, "miu-wic", "Minor injuries unit or walk-in centre", NULL },
	{ 16, 16, "community-hospital", "Community hospital", NULL },
	{ 17, 17, "mental-health", "Mental health services", NULL },
	{ 18, 18, "maternity", "Maternity services", NULL },
	{ 19, 19, "social-care", "Social care", NULL },
	{ 20, 20, "none", "None of these", NULL },
	{ 21, 21, "other", "Something else", NULL },
};
static struct entry_option ethnicity_opts[] = {
	{ 31, 31, "white", "White", NULL },
	{ 32, 32, "mixed", "Mixed or multiple ethnic groups", NULL },
	{ 33, 33, "asian", "Asian or Asian British", NULL },
	{ 34, 34, "black", "Black, African, Caribbean or Black British", NULL },
};
static struct entry_option scale_opts[] = {
	{ 41, 41, "0", "Extremely unlikely", NULL },
	{ 42, 42, "10", "Extremely likely", NULL },
};

static const struct entry_question single = { 1, 1, 1, EQ_SINGLE, "RESPONDENT",
	"Are you responding as...", NULL, 0, 0, respondent_opts, 4 };
static const struct entry_question multi = { 2, 2, 2, EQ_MULTIPLE, "SERVICES",
	"Which services have you used?", NULL, 0, 0, services_opts, 11 };
static const struct entry_question ethnic = { 3, 3, 3, EQ_SINGLE, "ETHNICITY",
	"What is your ethnic group?", NULL, 0, 0, ethnicity_opts, 4 };
static const struct entry_question scale = { 4, 4, 4, EQ_SCALE, "RECOMMEND",
	"How likely are you to recommend...?", NULL, 0, 10, scale_opts, 2 };
static const struct entry_question postcode = { 5, 5, 5, EQ_POSTCODE, "POSTCODE",
	"What is your postcode?", NULL, 0, 0, NULL, 0 };
static const struct entry_question text = { 6, 6, 6, EQ_FREE_TEXT, "UEC-WELL",
	"What works well?", NULL, 0, 0, NULL, 0 };

enum { A = ENTRY_INPUT_ANSWER, EMPTY = ENTRY_INPUT_EMPTY, BACK = ENTRY_INPUT_BACK,
       HELP = ENTRY_INPUT_HELP, ERR = ENTRY_INPUT_ERROR };

static const struct {
	const struct entry_question *q;
	const char *in;
	int kind;
	enum entry_state state; /* for A */
	const char *picks;      /* for A on a choice: option numbers, "1,4" */
	const char *text;       /* for A with text; for ERR: part of the message */
} parses[] = {
	/* One box. */
	{ &single, "1", A, ENTRY_ANSWERED, "1", NULL },
	{ &single, "  2 ", A, ENTRY_ANSWERED, "2", NULL },
	{ &single, "7", ERR, 0, NULL, "There is no option with that number: type a number from 1 to 4" },
	{ &single, "0", ERR, 0, NULL, "There is no option with that number" },
	{ &single, "99999999999999999999999", ERR, 0, NULL, "There is no option" },
	{ &single, "1,3", ERR, 0, NULL, "takes one answer, but you typed 2" },
	{ &single, "1 3", ERR, 0, NULL, "type u (unreadable)" },
	{ &single, "1,1", A, ENTRY_ANSWERED, "1", NULL },
	{ &single, "staff", A, ENTRY_ANSWERED, "2", NULL },
	{ &single, "a member of the PUBLIC", A, ENTRY_ANSWERED, "1", NULL },
	{ &single, "maybe", ERR, 0, NULL, "That is not one of the options" },
	{ &single, "s", A, ENTRY_SKIPPED, "", NULL },
	{ &single, "S", A, ENTRY_SKIPPED, "", NULL },
	{ &single, "u", A, ENTRY_UNREADABLE, "", NULL },
	{ &single, " b ", BACK, 0, NULL, NULL },
	{ &single, "?", HELP, 0, NULL, NULL },
	{ &single, "", EMPTY, 0, NULL, NULL },
	{ &single, "   ", EMPTY, 0, NULL, NULL },
	{ &single, "\x1b[A", ERR, 0, NULL, "arrow keys" },
	{ &single, "1\x7f", ERR, 0, NULL, "control character" },
	/* Several boxes. */
	{ &multi, "1,4", A, ENTRY_ANSWERED, "1,4", NULL },
	{ &multi, "4, 1", A, ENTRY_ANSWERED, "1,4", NULL },
	{ &multi, "1 4 10", A, ENTRY_ANSWERED, "1,4,10", NULL },
	{ &multi, "11;2", A, ENTRY_ANSWERED, "2,11", NULL },
	{ &multi, "gp, pharmacy", A, ENTRY_ANSWERED, "1,2", NULL },
	{ &multi, "GP practice, 3", A, ENTRY_ANSWERED, "1,3", NULL },
	/* A piece is trimmed with trim.h's set, as the whole answer is: a line break too. */
	{ &multi, "1,\r\n4", A, ENTRY_ANSWERED, "1,4", NULL },
	{ &multi, "gp\r, pharmacy", A, ENTRY_ANSWERED, "1,2", NULL },
	{ &multi, "1,12", ERR, 0, NULL, "There is no option with that number: type a number from 1 to 11" },
	{ &multi, ",,", ERR, 0, NULL, "Type the number in front of the box" },
	{ &multi, "1,fish", ERR, 0, NULL, "That is not one of the options" },
	/* A label with a comma in it is one option, not two. */
	{ &ethnic, "Black, African, Caribbean or Black British", A, ENTRY_ANSWERED, "4", NULL },
	{ &ethnic, "4", A, ENTRY_ANSWERED, "4", NULL },
	/* Scale. */
	{ &scale, "7", A, ENTRY_ANSWERED, NULL, "7" },
	{ &scale, "0", A, ENTRY_ANSWERED, NULL, "0" },
	{ &scale, "10", A, ENTRY_ANSWERED, NULL, "10" },
	{ &scale, "11", ERR, 0, NULL, "That is not on the scale: type a whole number from 0 to 10" },
	{ &scale, "-1", ERR, 0, NULL, "not on the scale" },
	{ &scale, "7.5", ERR, 0, NULL, "not on the scale" },
	{ &scale, "extremely likely", A, ENTRY_ANSWERED, NULL, "10" },
	{ &scale, "u", A, ENTRY_UNREADABLE, NULL, NULL },
	/* Postcode. */
	{ &postcode, "st4 6qg", A, ENTRY_ANSWERED, NULL, "ST4 6QG" },
	{ &postcode, "ST46QG", A, ENTRY_ANSWERED, NULL, "ST4 6QG" },
	{ &postcode, "st4", A, ENTRY_ANSWERED, NULL, "ST4" },
	{ &postcode, "ST4 6Q", ERR, 0, NULL, "That is not the shape of a UK postcode" },
	{ &postcode, "Stoke", ERR, 0, NULL, "not the shape of a UK postcode" },
	{ &postcode, "s", A, ENTRY_SKIPPED, NULL, NULL },
	/* Free text, as written, over lines; commands only alone. */
	{ &text, "The nurses were kind.", A, ENTRY_ANSWERED, NULL, "The nurses were kind." },
	{ &text, "  two\nlines  ", A, ENTRY_ANSWERED, NULL, "two\nlines" },
	{ &text, "one\r\ntwo", A, ENTRY_ANSWERED, NULL, "one\ntwo" },
	{ &text, "Caf\xc3\xa9 \xf0\x9f\x91\x8d \xe2\x80\x9cgood\xe2\x80\x9d", A, ENTRY_ANSWERED,
	  NULL, "Caf\xc3\xa9 \xf0\x9f\x91\x8d \xe2\x80\x9cgood\xe2\x80\x9d" },
	{ &text, "s", A, ENTRY_SKIPPED, NULL, NULL },
	{ &text, "so", A, ENTRY_ANSWERED, NULL, "so" },
	{ &text, "u", A, ENTRY_UNREADABLE, NULL, NULL },
	{ &text, "caf\xe9", ERR, 0, NULL, "not UTF-8" },
	{ &text, "up\x1b[Aarrow", ERR, 0, NULL, "arrow keys" },
};

/* "1,4" from an answer's picks. */
static void picks_of(const struct entry_answer *a, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->npicks && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%zu", i ? "," : "", a->picks[i] + 1);
}

START_TEST(test_parse)
{
	struct entry_answer a = { 0 };
	char why[ENTRY_WHY_MAX] = "", got[128];
	int kind = (int)entry_parse(parses[_i].q, parses[_i].in, &a, why, sizeof why);

	ck_assert_msg(kind == parses[_i].kind, "%s '%s': kind %d, expected %d (%s)",
		      parses[_i].q->code, parses[_i].in, kind, parses[_i].kind, why);
	if (kind == ERR) {
		ck_assert_msg(strstr(why, parses[_i].text) != NULL, "'%s': message '%s'",
			      parses[_i].in, why);
		return;
	}
	if (kind != A)
		return;
	ck_assert_int_eq(a.state, parses[_i].state);
	if (parses[_i].picks) {
		picks_of(&a, got, sizeof got);
		ck_assert_str_eq(got, parses[_i].picks);
	}
	if (parses[_i].text)
		ck_assert_str_eq(a.text, parses[_i].text);
	entry_answer_clear(&a);
}
END_TEST

START_TEST(test_parse_pieces)
{
	const char *ticks[] = { "gp", " ", "A&E (accident and emergency)" };
	const char *none[] = { "", "  " };
	const char *bad[] = { "gp", "Dentist" };
	const char *two[] = { "public", "staff" };
	struct entry_answer a = { 0 };
	char why[ENTRY_WHY_MAX], got[64];

	ck_assert_int_eq(entry_parse_choices(&multi, ticks, 3, &a, why, sizeof why), A);
	picks_of(&a, got, sizeof got);
	ck_assert_str_eq(got, "1,4");
	ck_assert_int_eq(entry_parse_choices(&multi, none, 2, &a, why, sizeof why), A);
	ck_assert_int_eq(a.state, ENTRY_SKIPPED);
	ck_assert_int_eq(entry_parse_choices(&multi, none, 0, &a, why, sizeof why), A);
	ck_assert_int_eq(a.state, ENTRY_SKIPPED);
	ck_assert_int_eq(entry_parse_choices(&multi, bad, 2, &a, why, sizeof why), ERR);
	ck_assert_msg(strstr(why, "That is not one of the options"), "%s", why);
	ck_assert_int_eq(entry_parse_choices(&single, two, 2, &a, why, sizeof why), ERR);
	ck_assert_msg(strstr(why, "takes one answer"), "%s", why);
}
END_TEST

START_TEST(test_show)
{
	struct entry_answer a = { 0 };
	char why[ENTRY_WHY_MAX], *s;

	ck_assert_int_eq(entry_parse(&multi, "4,1", &a, why, sizeof why), A);
	s = entry_answer_show(&multi, &a);
	ck_assert_str_eq(s, "1 GP practice; 4 A&E (accident and emergency)");
	free(s);
	a.state = ENTRY_SKIPPED;
	s = entry_answer_show(&multi, &a);
	ck_assert_str_eq(s, "(left blank)");
	free(s);
	a.state = ENTRY_UNREADABLE;
	s = entry_answer_show(&multi, &a);
	ck_assert_str_eq(s, "(unreadable)");
	free(s);
	ck_assert_int_eq(entry_parse(&scale, "9", &a, why, sizeof why), A);
	s = entry_answer_show(&scale, &a);
	ck_assert_str_eq(s, "9");
	free(s);
	entry_answer_clear(&a);
	ck_assert_ptr_nonnull(strstr(entry_question_hint(&multi), "1,4"));
}
END_TEST

START_TEST(test_names)
{
	char out[ENTRY_NAME_MAX + 1], why[ENTRY_WHY_MAX];

	ck_assert_int_eq(entry_check_name("  Jo Bloggs ", out, why, sizeof why), 1);
	ck_assert_str_eq(out, "Jo Bloggs");
	/* trim.h's white space at the ends, vertical tab and form feed too, is not a control character */
	ck_assert_int_eq(entry_check_name("\vJo Bloggs\f", out, why, sizeof why), 1);
	ck_assert_str_eq(out, "Jo Bloggs");
	ck_assert_int_eq(entry_check_name("Jo\vBloggs", out, why, sizeof why), 0);
	ck_assert_int_eq(entry_check_name("Zo\xc3\xab", out, why, sizeof why), 1);
	ck_assert_int_eq(entry_check_name("   ", out, why, sizeof why), 0);
	ck_assert_int_eq(entry_check_name("Jo\x1b[A", out, why, sizeof why), 0);
	ck_assert_int_eq(entry_check_name("Zo\xeb", out, why, sizeof why), 0);
}
END_TEST

/* ---- with the sample exercise ------------------------------------------------ */

static sqlite3 *db;
static long long ex;

static void db_setup(void)
{
	struct exercise_def *d;
	struct exercise_changes ch;
	struct err e;

	err_init(&e);
	db = test_memdb();
	d = exercise_load(SAMPLE("exercise-2019.xml"), &e);
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
	struct err e;
	struct entry_form *f;

	err_init(&e);
	f = entry_form_load(db, ex, variant, &e);
	ck_assert_msg(f != NULL, "%s", err_first(&e));
	return f;
}

static struct entry_session *session(const struct entry_form *f, const char *event,
				     const char *officer, enum entry_mode mode)
{
	struct entry_session_options o = { ex, f, event, officer, mode, NULL };
	struct entry_session *s;
	struct err e;

	err_init(&e);
	s = entry_session_open(db, &o, &e);
	ck_assert_msg(s != NULL, "%s", err_first(&e));
	return s;
}

/* Answers typed as text, one a question; NULL entries are left blank. */
static struct entry_answer *typed(const struct entry_form *f, const char *const *in)
{
	struct entry_answer *a = calloc(f->nqs, sizeof *a);
	char why[ENTRY_WHY_MAX];

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < f->nqs; i++)
		ck_assert_msg((int)entry_parse(&f->qs[i], in[i] ? in[i] : "s", &a[i], why, sizeof why) == A,
			      "%s: %s", f->qs[i].code, why);
	return a;
}

static void free_answers(const struct entry_form *f, struct entry_answer *a)
{
	for (size_t i = 0; i < f->nqs; i++)
		entry_answer_clear(&a[i]);
	free(a);
}

static int save(struct entry_session *s, const char *serial, const struct entry_answer *a,
		struct entry_saved *out, char *why)
{
	struct err e;
	int rc;

	err_init(&e);
	rc = entry_save(s, serial, a, out, why, ENTRY_WHY_MAX, &e);
	ck_assert_msg(rc >= 0, "%s", err_first(&e));
	return rc;
}

START_TEST(test_forms)
{
	struct entry_form *std = form("standard"), *er = form("easy-read");
	const struct entry_question *feel = entry_form_find(er, "er-help-feel");
	const struct entry_question *sat = entry_form_find(std, "UEC-SAT");
	const struct entry_question *area = entry_form_find(std, "DISTRICT");

	ck_assert_int_eq(std->nqs, 28);
	ck_assert_int_eq(er->nqs, 12);
	ck_assert_str_eq(std->channel, "paper");
	ck_assert_str_eq(er->channel, "easy-read-paper");
	ck_assert_ptr_nonnull(feel);
	ck_assert_ptr_nonnull(sat);
	/* Easy Read is stored on the standard question and its options. */
	ck_assert_int_eq(feel->store_id, sat->id);
	ck_assert_int_ne(feel->id, sat->id);
	ck_assert_str_eq(feel->opts[0].label, "Good");
	ck_assert_int_eq(feel->opts[0].store_id, sat->opts[1].id); /* Good -> Satisfied */
	ck_assert_int_eq(sat->store_id, sat->id);
	/* A ticked area knows its district. */
	ck_assert_str_eq(area->opts[0].district, "E07000192");
	ck_assert_ptr_null(area->opts[9].district); /* outside the area */
	ck_assert_ptr_eq(entry_form_find_id(std, sat->id), sat);
	entry_form_free(std);
	entry_form_free(er);
}
END_TEST

START_TEST(test_unknown_event)
{
	struct entry_form *std = form("standard");
	struct entry_session_options o = { ex, std, "LE-HAM-1", "Jo Bloggs", ENTRY_FIRST, NULL };
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(entry_session_open(db, &o, &e));
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "there is no event 'LE-HAM-1'"), "%s", err_first(&e));
	ck_assert_msg(err_contains(&e, "did you mean LE-HAN-1"), "%s", err_first(&e));
	ck_assert_int_eq(entry_event_exists(db, ex, "le-han-1", &e), 1);
	ck_assert_int_eq(entry_event_exists(db, ex, "LE-HAM-1", &e), 0);
	entry_form_free(std);
}
END_TEST

static const char *const first_typing[28] = {
	"1", "1,4", "The nurses were very kind.", NULL, "2", NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, "1", NULL, NULL, NULL, NULL, "Caf\xc3\xa9s near the hospital.", "8",
	NULL, NULL, "st4 6qg", "3", "1", "1", "2", "2",
};
/* The same form typed by someone else: two real differences, one only of form. */
static const char *const second_typing[28] = {
	"1", "4,1", "The nurses were very kind.", NULL, "3", NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, "1", NULL, NULL, NULL, NULL, "CAFE\xcc\x81S near the hospital",
	"8", "Parking is too dear", NULL, "ST4 6QG", "3", "1", "1", "2", "2",
};

START_TEST(test_first_and_second_entry)
{
	struct entry_form *std = form("standard");
	struct entry_session *s1 = session(std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST);
	struct entry_session *s2, *same;
	struct entry_answer *a = typed(std, first_typing), *b = typed(std, second_typing);
	struct entry_saved saved;
	struct entry_batch_info info;
	struct entry_pending *p;
	char why[ENTRY_WHY_MAX], clean[ENTRY_SERIAL_MAX + 1];
	size_t n;
	struct err e;
	int verified = 0;

	err_init(&e);
	ck_assert_int_eq(save(s1, " 101 ", a, &saved, why), 1);
	ck_assert_str_eq(saved.status, "accepted");
	ck_assert_int_eq(saved.forms, 1);
	entry_saved_free(&saved);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = '101' AND "
				      "channel = 'paper' AND form_variant = 'standard' AND "
				      "officer = 'Jo Bloggs' AND district_code = 'E06000021' AND "
				      "postcode = 'ST4 6QG' AND entry_status = 'accepted'"), 1);
	/* One row a question (two for the two boxes ticked), blanks kept as blanks. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer"), 29);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer WHERE state = 'skipped'"), 15);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch WHERE format = 'entry' "
				      "AND entry_mode = 'first' AND rows_accepted = 1 AND "
				      "officer = 'Jo Bloggs'"), 1);
	ck_assert_int_eq(entry_session_batch(s1, &info, &e), 0);
	ck_assert_int_eq(info.forms, 1);
	ck_assert_str_eq(info.first_serial, "101");

	/* The same serial again is refused, in plain words. */
	ck_assert_int_eq(entry_check_serial(s1, "101", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "Form 101 is already entered (by Jo Bloggs, LE-HAN-1"), "%s", why);
	ck_assert_int_eq(save(s1, "101", a, &saved, why), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 1);

	/* The first officer cannot check their own typing. */
	same = session(std, "LE-HAN-1", "jo bloggs", ENTRY_SECOND);
	ck_assert_int_eq(entry_check_serial(same, "101", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "You typed the first entry of form 101 yourself"), "%s", why);
	ck_assert_int_eq(entry_check_serial(same, "102", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "has not been entered yet"), "%s", why);
	entry_session_free(same);
	same = session(std, "RS-HAN-1", "Sam Smith", ENTRY_SECOND);
	ck_assert_int_eq(entry_check_serial(same, "101", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "was entered for LE-HAN-1, not RS-HAN-1"), "%s", why);
	entry_session_free(same);

	/* A second officer: two differences; the accents, case and full stop are not one. */
	s2 = session(std, "LE-HAN-1", "Sam Smith", ENTRY_SECOND);
	ck_assert_int_eq(save(s2, "101", b, &saved, why), 1);
	ck_assert_str_eq(saved.status, "differences");
	ck_assert_int_eq(saved.ndiffs, 2);
	ck_assert_str_eq(saved.first_officer, "Jo Bloggs");
	ck_assert_str_eq(saved.diffs[0].q->code, "UEC-SAT");
	ck_assert_str_eq(saved.diffs[0].first, "2 Satisfied");
	ck_assert_str_eq(saved.diffs[0].second, "3 Neither satisfied nor dissatisfied");
	ck_assert_str_eq(saved.diffs[1].q->code, "OTHER");
	ck_assert_str_eq(saved.diffs[1].first, "(left blank)");
	ck_assert_str_eq(saved.diffs[1].second, "Parking is too dear");
	entry_saved_free(&saved);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_difference"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_copy_answer"), 29);
	/* Entered twice now: a third entry is refused. */
	ck_assert_int_eq(entry_check_serial(s2, "101", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "already been entered twice"), "%s", why);

	/* Settling: keep the first at one, take the second at the other. */
	ck_assert_int_eq(entry_pending_list(db, ex, NULL, &p, &n, &e), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(p[0].ndiffs, 2);
	ck_assert_str_eq(p[0].second_officer, "Sam Smith");
	ck_assert_int_eq(entry_resolve(db, ex, p[0].response_id, entry_form_find(std, "UEC-SAT"),
				       ENTRY_KEEP_FIRST, NULL, "Ann Super", &verified, why,
				       sizeof why, &e), 1);
	ck_assert_int_eq(verified, 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE "
				      "entry_status = 'differences'"), 1);
	/* Settled already: a second decision on it is refused. */
	ck_assert_int_eq(entry_resolve(db, ex, p[0].response_id, entry_form_find(std, "UEC-SAT"),
				       ENTRY_TAKE_SECOND, NULL, "Bo Other", &verified, why,
				       sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "settled by Ann Super"), "%s", why);
	ck_assert_int_eq(entry_resolve(db, ex, p[0].response_id, entry_form_find(std, "OTHER"),
				       ENTRY_TAKE_SECOND, NULL, "Ann Super", &verified, why,
				       sizeof why, &e), 1);
	ck_assert_int_eq(verified, 1);
	entry_pending_free(p, n);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE "
				      "entry_status = 'verified'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id WHERE q.code = 'OTHER' AND "
				      "a.value = 'Parking is too dear' AND a.state = 'answered'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id WHERE q.code = 'OTHER'"), 1);
	/* The first entry's value that was replaced is kept, with who and when. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_resolution WHERE "
				      "choice = 'second' AND replaced = '(left blank)' AND "
				      "value = 'Parking is too dear' AND resolved_by = 'Ann Super' "
				      "AND resolved_at LIKE '20%Z'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_resolution WHERE "
				      "choice = 'first' AND replaced IS NULL"), 1);
	ck_assert_int_eq(entry_pending_list(db, ex, NULL, &p, &n, &e), 0);
	ck_assert_int_eq(n, 0);
	free(p);
	free_answers(std, a);
	free_answers(std, b);
	entry_session_free(s1);
	entry_session_free(s2);
	entry_form_free(std);
}
END_TEST

/* A form erased at the respondent's request is not typed in again, in either mode. */
/* A session for lookups (the web pages' own) checks serials but stores nothing. */
START_TEST(test_lookup_only_session)
{
	struct entry_form *std = form("standard");
	struct entry_session_options o = { ex, std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST, NULL };
	struct entry_session *s, *w = session(std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST);
	struct entry_answer *a = typed(std, first_typing);
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX], clean[ENTRY_SERIAL_MAX + 1];
	struct err e;

	err_init(&e);
	ck_assert_ptr_nonnull(s = entry_session_open_lookup(db, &o, &e));
	ck_assert_str_eq(entry_session_event(s), "LE-HAN-1");
	ck_assert_int_eq(entry_check_serial(s, "301", clean, why, sizeof why, &e), 1);
	ck_assert_int_eq(entry_save(s, "301", a, &saved, why, sizeof why, &e), -1);
	ck_assert(err_contains(&e, "lookups only"));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = '301'"), 0);
	/* Saved through a full session, the lookup sees it. */
	ck_assert_int_eq(save(w, "301", a, &saved, why), 1);
	entry_saved_free(&saved);
	ck_assert_int_eq(entry_check_serial(s, "301", clean, why, sizeof why, &e), 0);
	entry_session_free(s);
	entry_session_free(w);
	free_answers(std, a);
	entry_form_free(std);
}
END_TEST

START_TEST(test_erased_serial)
{
	struct entry_form *std = form("standard");
	struct entry_session *s1 = session(std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST);
	struct entry_session *s2 = session(std, "LE-HAN-1", "Sam Smith", ENTRY_SECOND);
	struct entry_answer *a = typed(std, first_typing);
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX], clean[ENTRY_SERIAL_MAX + 1], sql[256];
	struct err e;

	err_init(&e);
	snprintf(sql, sizeof sql, "INSERT INTO erasure (exercise_id, response_id, identified_by, "
		 "identifier, serial, erased_by, answers, tags, rejects, erased_at) VALUES "
		 "(%lld, 7, 'serial', '301', '301', 'DPO', 1, 0, 0, 'now')", ex);
	test_exec(db, sql);
	ck_assert_int_eq(entry_serial_erased(s1, "301", &e), 1);
	ck_assert_int_eq(entry_serial_erased(s1, "302", &e), 0);
	ck_assert_int_eq(entry_check_serial(s1, " 301 ", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "Form 301 was erased at the respondent's request"), "%s", why);
	ck_assert_int_eq(entry_check_serial(s2, "301", clean, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "was erased"), "%s", why);
	ck_assert_int_eq(save(s1, "301", a, &saved, why), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = '301'"), 0);
	ck_assert_int_eq(entry_check_serial(s1, "302", clean, why, sizeof why, &e), 1);
	ck_assert(!err_isset(&e));
	free_answers(std, a);
	entry_session_free(s1);
	entry_session_free(s2);
	entry_form_free(std);
}
END_TEST

START_TEST(test_correction_moves_district)
{
	struct entry_form *std = form("standard");
	struct entry_session *s1 = session(std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST);
	struct entry_session *s2 = session(std, "LE-HAN-1", "Sam Smith", ENTRY_SECOND);
	const char *one[28] = { 0 }, *two[28] = { 0 };
	struct entry_answer *a, *b, fix = { 0 };
	const struct entry_question *pc = entry_form_find(std, "POSTCODE");
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX];
	struct err e;
	int verified;
	long long rid;

	err_init(&e);
	test_exec(db, "INSERT INTO postcode VALUES ('WS11 1AA', 'E07000192'), "
		      "('ST4 6QG', 'E06000021')");
	one[pc->number - 1] = "ST4 6QG";
	two[pc->number - 1] = "WS11 1AB";
	a = typed(std, one);
	b = typed(std, two);
	ck_assert_int_eq(save(s1, "P-7", a, &saved, why), 1);
	rid = saved.response_id;
	entry_saved_free(&saved);
	ck_assert_int_eq(save(s2, "P-7", b, &saved, why), 1);
	ck_assert_int_eq(saved.ndiffs, 1);
	entry_saved_free(&saved);
	/* Neither: the supervisor reads the form and types WS11 1AA. */
	ck_assert_int_eq(entry_parse(pc, "ws11 1aa", &fix, why, sizeof why), A);
	ck_assert_int_eq(entry_resolve(db, ex, rid, pc, ENTRY_CORRECTION, &fix, "Ann Super",
				       &verified, why, sizeof why, &e), 1);
	ck_assert_int_eq(verified, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = 'P-7' AND "
				      "postcode = 'WS11 1AA' AND district_code = 'E07000192' AND "
				      "district_source = 'postcode' AND entry_status = 'verified'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_resolution WHERE "
				      "choice = 'correction' AND value = 'WS11 1AA' AND "
				      "replaced = 'ST4 6QG'"), 1);
	entry_answer_clear(&fix);
	free_answers(std, a);
	free_answers(std, b);
	entry_session_free(s1);
	entry_session_free(s2);
	entry_form_free(std);
}
END_TEST

START_TEST(test_easy_read_and_required)
{
	struct entry_form *er;
	struct entry_session *s;
	const char *in[12] = { 0 };
	struct entry_answer *a;
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX];

	test_exec(db, "UPDATE exercise SET double_entry = 'required'");
	er = form("easy-read");
	s = session(er, "RS-HAN-1", "Kim Nowak", ENTRY_FIRST);
	in[entry_form_find(er, "ER-HELP-FEEL")->number - 1] = "1";  /* Good */
	in[entry_form_find(er, "ER-SERVICES")->number - 1] = "1,3"; /* doctor, 111 */
	in[entry_form_find(er, "ER-MIND")->number - 1] = "More day centres.";
	a = typed(er, in);
	ck_assert_int_eq(save(s, "E-1", a, &saved, why), 1);
	ck_assert_str_eq(saved.status, "awaiting-second-entry");
	entry_saved_free(&saved);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = 'E-1' AND "
				      "channel = 'easy-read-paper' AND form_variant = 'easy-read' AND "
				      "entry_status = 'awaiting-second-entry'"), 1);
	/* Every answer is on a standard question, the Easy Read one kept beside it. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id JOIN questionnaire n ON "
				      "n.id = q.questionnaire_id WHERE n.variant <> 'standard'"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer WHERE source_question_id IS NULL"),
			 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id JOIN question_option o ON "
				      "o.id = a.option_id WHERE q.code = 'UEC-SAT' AND "
				      "o.code = 'satisfied'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id JOIN question_option o ON "
				      "o.id = a.option_id WHERE q.code = 'SERVICES' AND "
				      "o.code IN ('gp', 'nhs-111')"), 2);
	free_answers(er, a);
	entry_session_free(s);
	entry_form_free(er);
}
END_TEST

/* A batch file's forms are stored together or not at all. */
START_TEST(test_file_transaction)
{
	struct entry_form *std = form("standard");
	struct entry_session_options o = { ex, std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST,
					   SAMPLE("exercise-2019.xml") };
	struct entry_session *s;
	const char *none[28] = { 0 };
	struct entry_answer *a = typed(std, none);
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX];
	struct err e;

	err_init(&e);
	s = entry_session_open(db, &o, &e);
	ck_assert_msg(s != NULL, "%s", err_first(&e));
	ck_assert_int_eq(entry_session_begin_file(s, &e), 0);
	ck_assert_int_eq(save(s, "201", a, &saved, why), 1);
	entry_saved_free(&saved);
	ck_assert_int_eq(save(s, "202", a, &saved, why), 1);
	entry_saved_free(&saved);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 2);
	ck_assert_int_eq(entry_session_end_file(s, 0, &e), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch"), 0);
	/* Again, kept this time, in a batch of its own with the file's fingerprint. */
	ck_assert_int_eq(entry_session_begin_file(s, &e), 0);
	ck_assert_int_eq(save(s, "201", a, &saved, why), 1);
	entry_saved_free(&saved);
	ck_assert_int_eq(entry_session_end_file(s, 1, &e), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch WHERE "
				      "format = 'entry-batch' AND length(sha256) = 64"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 1);
	free_answers(std, a);
	entry_session_free(s);
	entry_form_free(std);
}
END_TEST

/* The terminal session, read from memory: what an officer types, what they see. */
static int ui(const char *typed, char **seen, struct err *e)
{
	struct entry_form *std = form("standard");
	struct entry_session *s = session(std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST);
	FILE *in = fmemopen((void *)typed, strlen(typed), "r");
	size_t len;
	FILE *out = open_memstream(seen, &len);
	int rc;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	rc = entry_ui_run(s, in, out, e);
	fclose(in);
	fclose(out);
	entry_session_free(s);
	entry_form_free(std);
	return rc;
}

static char *blank_form(const char *serial, const char *after)
{
	size_t n = strlen(serial) + 2 + 28 * 2 + strlen(after) + 1;
	char *t = malloc(n);

	ck_assert_ptr_nonnull(t);
	snprintf(t, n, "%s\n", serial);
	for (int i = 0; i < 28; i++)
		strcat(t, "s\n");
	strcat(t, after);
	return t;
}

START_TEST(test_ui_discard)
{
	/* Back from the first question to the serial number, a wrong review choice,
	   a discard not confirmed, then confirmed. */
	char *typed = blank_form("900\nb\n?\n900", "99\nd\nno\nd\nyes\nq\n");
	char *seen = NULL;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(ui(typed, &seen, &e), EXIT_OK);
	ck_assert_msg(strstr(seen, "Back to the serial number."), "%s", seen);
	ck_assert_msg(strstr(seen, "Type the serial number printed or written"), "%s", seen);
	ck_assert_msg(strstr(seen, "Type y to save, a number from 1 to 28"), "%s", seen);
	ck_assert_msg(strstr(seen, "Discard form 900? Nothing of it will be saved."), "%s", seen);
	ck_assert_msg(strstr(seen, "Form 900 discarded: nothing saved."), "%s", seen);
	ck_assert_msg(strstr(seen, "Finished: 0 forms saved in this session."), "%s", seen);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch"), 0);
	free(typed);
	free(seen);
}
END_TEST

START_TEST(test_ui_save_then_end_of_input)
{
	/* One form saved; the input ends in the middle of the next. */
	char *typed = blank_form("901", "y\n902\n1\n");
	char *seen = NULL;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(ui(typed, &seen, &e), EXIT_DATA);
	ck_assert_msg(err_contains(&e, "the input ended in the middle of form 902, which was not "
				       "saved"), "%s", err_first(&e));
	ck_assert_msg(strstr(seen, "Saved form 901 (1 in this batch)."), "%s", seen);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = '901'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE serial = '902'"), 0);
	free(typed);
	free(seen);
	/* Started again: it says where the batch stands. */
	err_init(&e);
	ck_assert_int_eq(ui("q\n", &seen, &e), EXIT_OK);
	ck_assert_msg(strstr(seen, "Batch LE-HAN-1 / Jo Bloggs: 1 form saved so far (serial 901)"),
		      "%s", seen);
	ck_assert_msg(strstr(seen, "Carrying on with form 2."), "%s", seen);
	free(seen);
	/* The input ending at the serial number prompt is a normal end. */
	err_init(&e);
	ck_assert_int_eq(ui("", &seen, &e), EXIT_OK);
	free(seen);
}
END_TEST

/* A first entry changed before it is checked keeps each earlier version; after a second entry it cannot change. */
START_TEST(test_edit_keeps_versions)
{
	struct entry_form *std = form("standard");
	struct entry_session *jo = session(std, "LE-HAN-1", "Jo Bloggs", ENTRY_FIRST);
	const char *in[28] = { "1", NULL, "The nurses were kind." };
	struct entry_answer *a = typed(std, in), *b, *now;
	struct entry_editable ed;
	struct entry_version *v;
	struct entry_saved saved;
	char why[ENTRY_WHY_MAX];
	long long rid;
	size_t nv;
	struct err e;
	int changed;

	err_init(&e);
	ck_assert_int_eq(save(jo, "501", a, &saved, why), 1);
	rid = saved.response_id;
	entry_saved_free(&saved);
	/* Only the officer who typed it, or a supervisor. */
	ck_assert_int_eq(entry_edit_allowed(db, ex, rid, "Sam Smith", 0, &ed, why, sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "Only the officer who typed form 501"), "%s", why);
	ck_assert_int_eq(entry_edit_allowed(db, ex, rid, "Jo Bloggs", 0, &ed, why, sizeof why, &e), 1);
	ck_assert_str_eq(ed.serial, "501");
	ck_assert_str_eq(ed.event, "LE-HAN-1");
	/* What is stored comes back as typed. */
	now = calloc(std->nqs, sizeof *now);
	ck_assert_int_eq(entry_edit_load(db, std, rid, now, &e), 0);
	ck_assert_int_eq((int)now[0].npicks, 1);
	ck_assert_str_eq(now[2].text, "The nurses were kind.");
	free_answers(std, now);
	/* Jo changes two answers: the first version is kept. */
	in[0] = "2";
	in[2] = "The nurses were very kind.";
	b = typed(std, in);
	ck_assert_int_eq(entry_edit_save(db, ex, std, rid, b, "Jo Bloggs", 0, &changed, why,
					 sizeof why, &e), 1);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN question q ON "
				      "q.id = a.question_id WHERE q.code = 'UEC-WELL' AND "
				      "a.value = 'The nurses were very kind.'"), 1);
	/* The same answers again (a page posted twice) make no version. */
	ck_assert_int_eq(entry_edit_save(db, ex, std, rid, b, "Jo Bloggs", 0, &changed, why,
					 sizeof why, &e), 1);
	ck_assert_int_eq(changed, 0);
	/* A supervisor changes it back. */
	ck_assert_int_eq(entry_edit_save(db, ex, std, rid, a, "Ann Super", 1, &changed, why,
					 sizeof why, &e), 1);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(entry_versions(db, std, rid, &v, &nv, &e), 0);
	ck_assert_int_eq((int)nv, 2);
	ck_assert_int_eq(v[0].version, 1);
	ck_assert_str_eq(v[0].saved_by, "Jo Bloggs");
	ck_assert_str_eq(v[0].replaced_by, "Jo Bloggs");
	ck_assert_str_eq(v[0].answers[2].text, "The nurses were kind.");
	ck_assert_str_eq(v[1].saved_by, "Jo Bloggs");
	ck_assert_str_eq(v[1].replaced_by, "Ann Super");
	ck_assert_str_eq(v[1].answers[2].text, "The nurses were very kind.");
	ck_assert_int_eq((int)v[1].answers[0].picks[0], 1);
	entry_versions_free(std, v, nv);
	/* Once a second entry is typed, no more changes. */
	{
		struct entry_session *sam = session(std, "LE-HAN-1", "Sam Smith", ENTRY_SECOND);

		ck_assert_int_eq(save(sam, "501", a, &saved, why), 1);
		entry_saved_free(&saved);
		entry_session_free(sam);
	}
	ck_assert_int_eq(entry_edit_save(db, ex, std, rid, b, "Jo Bloggs", 0, &changed, why,
					 sizeof why, &e), 0);
	ck_assert_msg(strstr(why, "Form 501 has been checked by a second entry"), "%s", why);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_version"), 2);
	/* Erasing the form erases its versions. */
	test_exec(db, "DELETE FROM response WHERE serial = '501'");
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_version"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM entry_version_answer"), 0);
	free_answers(std, a);
	free_answers(std, b);
	entry_session_free(jo);
	entry_form_free(std);
}
END_TEST

static Suite *entry_suite(void)
{
	Suite *s = suite_create("entry");
	TCase *tc = tcase_create("parse");
	TCase *tdb = tcase_create("store");

	tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof parses / sizeof parses[0]));
	tcase_add_test(tc, test_parse_pieces);
	tcase_add_test(tc, test_show);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tdb, db_setup, db_teardown);
	tcase_set_timeout(tdb, 60);
	tcase_add_test(tdb, test_forms);
	tcase_add_test(tdb, test_unknown_event);
	tcase_add_test(tdb, test_first_and_second_entry);
	tcase_add_test(tdb, test_erased_serial);
	tcase_add_test(tdb, test_correction_moves_district);
	tcase_add_test(tdb, test_easy_read_and_required);
	tcase_add_test(tdb, test_file_transaction);
	tcase_add_test(tdb, test_lookup_only_session);
	tcase_add_test(tdb, test_ui_discard);
	tcase_add_test(tdb, test_ui_save_then_end_of_input);
	tcase_add_test(tdb, test_edit_keeps_versions);
	suite_add_tcase(s, tdb);
	return s;
}

int main(void)
{
	return test_run(entry_suite());
}
