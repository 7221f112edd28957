/* check_typed.c: number words, typed values and a mapping's number ranges. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping.h"
#include "numwords.h"
#include "typed_value.h"

static const struct {
	const char *words;
	long value; /* -1: not a number */
} words[] = {
	{ "zero", 0 },
	{ "six", 6 },
	{ "Twelve", 12 },
	{ "twenty six", 26 },
	{ "twenty-six", 26 },
	{ "Twenty Six", 26 },
	{ "  TWENTY   six ", 26 },
	{ "ninety-nine", 99 },
	{ "one hundred", 100 },
	{ "one hundred and twenty", 120 },
	{ "one hundred twenty", 120 },
	{ "one hundred and five", 105 },
	{ "two thousand and nineteen", 2019 },
	{ "nine hundred and ninety-nine thousand nine hundred and ninety-nine", 999999 },
	{ "", -1 },
	{ "26", -1 },
	{ "twenty 6", -1 },
	{ "six twenty", -1 },
	{ "twenty twelve", -1 },
	{ "twenty thirty", -1 },
	{ "twenty and six", -1 },
	{ "hundred", -1 },
	{ "twenty hundred", -1 },
	{ "one hundred and", -1 },
	{ "zero zero", -1 },
	{ "twentysix", -1 },
	{ "sixty sixty", -1 },
	{ "two thousand three thousand", -1 },
	{ "about twenty", -1 },
};

START_TEST(test_number_words)
{
	long v = -7;
	int rc = numwords_parse(words[_i].words, &v);

	if (words[_i].value < 0)
		ck_assert_msg(rc == -1, "'%s' read as %ld", words[_i].words, v);
	else {
		ck_assert_msg(rc == 0, "'%s' not read", words[_i].words);
		ck_assert_int_eq(v, words[_i].value);
	}
}
END_TEST

START_TEST(test_typed_numbers)
{
	char out[TYPED_NUMBER_MAX];
	double v;

	ck_assert_int_eq(typed_number(" 26 ", &v, out), 0);
	ck_assert_str_eq(out, "26");
	ck_assert_int_eq(typed_number("26.0000000000", &v, out), 0); /* LimeSurvey */
	ck_assert_str_eq(out, "26");
	ck_assert_int_eq(typed_number("26.50", &v, out), 0);
	ck_assert_str_eq(out, "26.5");
	ck_assert(v == 26.5);
	ck_assert_int_eq(typed_number("-3", &v, out), 0);
	ck_assert_str_eq(out, "-3");
	ck_assert_int_eq(typed_number("-0", &v, out), 0);
	ck_assert_str_eq(out, "0");
	ck_assert_int_eq(typed_number("Twenty-Six", &v, out), 0);
	ck_assert_str_eq(out, "26");
	ck_assert_int_eq(typed_number("26 years", &v, out), -1);
	ck_assert_int_eq(typed_number("1.2.3", &v, out), -1);
	ck_assert_int_eq(typed_number(".", &v, out), -1);
	ck_assert_int_eq(typed_number("1e5", &v, out), -1);
	ck_assert_int_eq(typed_number("nan", &v, out), -1);
	ck_assert_int_eq(typed_number("", &v, out), -1);
}
END_TEST

START_TEST(test_typed_dates)
{
	char out[11], why[200];

	ck_assert_int_eq(typed_date("2019-06-05", DATE_AUTO, out, why, sizeof why), 0);
	ck_assert_str_eq(out, "2019-06-05");
	ck_assert_int_eq(typed_date("13/06/2019", DATE_AUTO, out, why, sizeof why), 0);
	ck_assert_str_eq(out, "2019-06-13");
	ck_assert_int_eq(typed_date("06/13/2019", DATE_AUTO, out, why, sizeof why), 0);
	ck_assert_str_eq(out, "2019-06-13");
	ck_assert_int_eq(typed_date("06/06/2019", DATE_AUTO, out, why, sizeof why), 0);
	ck_assert_str_eq(out, "2019-06-06");
	/* Two different days: never guessed. */
	ck_assert_int_eq(typed_date("05/06/2019", DATE_AUTO, out, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "two different days"));
	ck_assert_ptr_null(strstr(why, "05/06"));
	ck_assert_int_eq(typed_date("05/06/2019", DATE_DMY, out, why, sizeof why), 0);
	ck_assert_str_eq(out, "2019-06-05");
	ck_assert_int_eq(typed_date("05/06/2019", DATE_MDY, out, why, sizeof why), 0);
	ck_assert_str_eq(out, "2019-05-06");
	ck_assert_int_eq(typed_date("31/02/2019", DATE_DMY, out, why, sizeof why), -1);
	ck_assert_int_eq(typed_date("last tuesday", DATE_AUTO, out, why, sizeof why), -1);
}
END_TEST

START_TEST(test_short_text)
{
	char why[200], text[SHORT_TEXT_MAX_CHARS * 2 + 8];

	ck_assert_int_eq(typed_short_text("Age UK", 6, why, sizeof why), 0);
	ck_assert_int_eq(typed_short_text("Age\nUK", 6, why, sizeof why), -1);
	/* The limit counts characters, not bytes: 200 two-byte letters fit. */
	for (int i = 0; i < SHORT_TEXT_MAX_CHARS; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	ck_assert_int_eq(typed_short_text(text, 2 * SHORT_TEXT_MAX_CHARS, why, sizeof why), 0);
	memcpy(text + 2 * SHORT_TEXT_MAX_CHARS, "x", 1);
	ck_assert_int_eq(typed_short_text(text, 2 * SHORT_TEXT_MAX_CHARS + 1, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "at most 200 characters"));
}
END_TEST

static struct mapping *ranges(const char *body, struct err *e)
{
	char xml[2048];

	snprintf(xml, sizeof xml,
		 "<mapping>\n<question code=\"AGE\" field=\"Age\">\n%s</question>\n</mapping>\n",
		 body);
	err_init(e);
	return mapping_parse(xml, strlen(xml), "m.xml", e);
}

START_TEST(test_ranges_match)
{
	struct err e;
	struct mapping *m = ranges("<range from=\"35\" to=\"44\" to-option=\"35-44\"/>\n"
				   "<range from=\"18\" to=\"24\" to-option=\"18-24\"/>\n"
				   "<range from=\"25\" to=\"34\" to-option=\"25-34\"/>\n", &e);
	const struct map_question *q;

	ck_assert_msg(m != NULL, "%s", err_first(&e));
	q = &m->questions[0];
	ck_assert_int_eq((int)q->nranges, 3);
	ck_assert_str_eq(mapping_range_find(q, 18)->option, "18-24");
	ck_assert_str_eq(mapping_range_find(q, 24)->option, "18-24");
	ck_assert_str_eq(mapping_range_find(q, 25)->option, "25-34");
	ck_assert_str_eq(mapping_range_find(q, 26)->option, "25-34");
	ck_assert_str_eq(mapping_range_find(q, 44)->option, "35-44");
	ck_assert_ptr_null(mapping_range_find(q, 17));
	ck_assert_ptr_null(mapping_range_find(q, 45));
	/* Between two whole-number ranges: in neither. */
	ck_assert_ptr_null(mapping_range_find(q, 24.5));
	mapping_free(m);

	m = ranges("<range from=\"0\" to=\"2.5\" to-option=\"low\"/>\n"
		   "<range from=\"2.51\" to=\"5\" to-option=\"high\"/>\n", &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	ck_assert_str_eq(mapping_range_find(&m->questions[0], 2.5)->option, "low");
	ck_assert_str_eq(mapping_range_find(&m->questions[0], 2.51)->option, "high");
	mapping_free(m);
}
END_TEST

static const struct {
	const char *body;
	const char *message;
} bad_ranges[] = {
	{ "<range from=\"18\" to=\"24\" to-option=\"a\"/>\n<range from=\"24\" to=\"34\" "
	  "to-option=\"b\"/>\n", "m.xml:4: range of question 'AGE' overlaps the range on line 3" },
	{ "<range from=\"18\" to=\"24\" to-option=\"a\"/>\n<range from=\"26\" to=\"34\" "
	  "to-option=\"b\"/>\n", "m.xml:4: range of question 'AGE' leaves a gap after the range "
	  "on line 3" },
	{ "<range from=\"34\" to=\"25\" to-option=\"a\"/>\n",
	  "m.xml:3: range of question 'AGE' starts above where it ends" },
	{ "<range from=\"0\" to=\"2.5\" to-option=\"a\"/>\n<range from=\"2.5\" to=\"5\" "
	  "to-option=\"b\"/>\n", "m.xml:4: range of question 'AGE' overlaps" },
	{ "<range from=\"x\" to=\"5\" to-option=\"b\"/>\n", "m.xml:3" },
};

START_TEST(test_ranges_refused)
{
	struct err e;
	struct mapping *m = ranges(bad_ranges[_i].body, &e);

	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err_first(&e), bad_ranges[_i].message) != NULL, "%s",
		      err_first(&e));
}
END_TEST

static Suite *typed_suite(void)
{
	Suite *s = suite_create("typed");
	TCase *tc = tcase_create("typed");

	tcase_add_loop_test(tc, test_number_words, 0, (int)(sizeof words / sizeof *words));
	tcase_add_test(tc, test_typed_numbers);
	tcase_add_test(tc, test_typed_dates);
	tcase_add_test(tc, test_short_text);
	tcase_add_test(tc, test_ranges_match);
	tcase_add_loop_test(tc, test_ranges_refused, 0,
			    (int)(sizeof bad_ranges / sizeof *bad_ranges));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(typed_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
