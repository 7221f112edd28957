/* check_textout.c: unit tests for common/textout.c (CSV cells). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "textout.h"

struct csv_case {
	const char *in, *out;
};

/* OWASP's CSV injection guidance: no cell may start = + - @ TAB CR. */
static const struct csv_case csv_cases[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ " lead", "\" lead\"" },
	{ "a;=1+1", "\"a;=1+1\"" },          /* ';' separates cells in some locales */
	{ "a\t=1+1", "\"a\t=1+1\"" },        /* and tab in others */
	{ "=1+1", "\"'=1+1\"" },
	{ "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
	{ "+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\"" },
	{ "-2+3", "\"'-2+3\"" },
	{ "@SUM(1)", "\"'@SUM(1)\"" },
	{ "\t=1", "\"'\t=1\"" },
	{ "\r=1", "\"'\r=1\"" },
	{ "-", "\"'-\"" },
	{ "-5", "-5" },                        /* plain numbers stay numbers */
	{ "+5", "+5" },
	{ "-0.0500", "-0.0500" },
	{ "-5.", "\"'-5.\"" },
	{ "-5e3", "\"'-5e3\"" },
	{ "a=1", "a=1" },                      /* only the start matters */
};

START_TEST(test_csv_field_table)
{
	const struct csv_case *c = &csv_cases[_i];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	csv_write_field(f, c->in);
	fclose(f);
	ck_assert_msg(!strcmp(buf, c->out), "'%s' written as '%s', expected '%s'", c->in, buf,
		      c->out);
	free(buf);
}
END_TEST

START_TEST(test_csv_risky)
{
	ck_assert(csv_cell_is_risky("=A1"));
	ck_assert(csv_cell_is_risky("@x"));
	ck_assert(!csv_cell_is_risky("-12"));
	ck_assert(!csv_cell_is_risky(""));
	ck_assert(!csv_cell_is_risky("Stoke-on-Trent"));
}
END_TEST

static Suite *textout_suite(void)
{
	Suite *s = suite_create("textout");
	TCase *tc = tcase_create("csv");

	tcase_add_loop_test(tc, test_csv_field_table, 0,
			    (int)(sizeof csv_cases / sizeof csv_cases[0]));
	tcase_add_test(tc, test_csv_risky);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(textout_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
