/* Mapping shapes: grids, question routing and repeat groups as read from a mapping. */
#include <string.h>

#include "mapping.h"
#include "testutil.h"

static struct mapping *parse_ok(const char *xml)
{
	struct err e;
	struct mapping *m;

	err_init(&e);
	m = mapping_parse(xml, strlen(xml), "m.xml", &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	return m;
}

START_TEST(test_reads_shapes)
{
	static const char xml[] =
		"<mapping>\n"
		"<grid field=\"How satisfied are you?\">\n"
		"  <row sub=\"GP practice\" question=\"SAT-GP\"/><value from=\"V. good\" to=\"good\"/>\n"
		"</grid>\n"
		"<grid field=\"Rank these\" question=\"RANK\" cells=\"rank\"/>\n"
		"<route field=\"Question\" answer=\"Answer\">\n"
		"  <to match=\"How was it?\" question=\"FFT-GP\"/>\n"
		"</route>\n"
		"<repeat group=\"household/member\" mode=\"each\"/>\n"
		"<repeat group=\"visits\"/>\n"
		"</mapping>";
	struct mapping *m = parse_ok(xml);

	ck_assert_int_eq(m->ngrids, 2);
	ck_assert_str_eq(m->grids[0].field, "How satisfied are you?");
	ck_assert_ptr_null(m->grids[0].question);
	ck_assert_int_eq(m->grids[0].nrows, 1);
	ck_assert_str_eq(m->grids[0].rows[0].sub, "GP practice");
	ck_assert_str_eq(m->grids[0].rows[0].question, "SAT-GP");
	ck_assert_int_eq(m->grids[0].rows[0].line, 3);
	ck_assert_int_eq(m->grids[0].nvalues, 1);
	ck_assert_str_eq(m->grids[1].question, "RANK");
	ck_assert_int_eq(m->grids[0].rank, 0);
	ck_assert_int_eq(m->grids[1].rank, 1);
	ck_assert_int_eq(m->nroutes, 1);
	ck_assert_str_eq(m->routes[0].field, "Question");
	ck_assert_str_eq(m->routes[0].answer, "Answer");
	ck_assert_int_eq(m->routes[0].nto, 1);
	ck_assert_str_eq(m->routes[0].to[0].question, "FFT-GP");
	ck_assert_int_eq(m->nrepeats, 2);
	ck_assert_int_eq(m->repeats[0].each, 1);
	ck_assert_int_eq(m->repeats[1].each, 0);
	ck_assert(mapping_mentions(m, "Question"));
	ck_assert(mapping_mentions(m, "Answer"));
	ck_assert(mapping_mentions(m, "How satisfied are you? / GP practice"));
	ck_assert(!mapping_mentions(m, "How satisfied are you?"));
	mapping_free(m);
}
END_TEST

/* Which fields are a grid's rows, in each tool's spelling. */
static const struct {
	const char *stem, *field, *sub; /* sub NULL: not a row */
} rows[] = {
	{ "Rate these", "Rate these / GP practice", "GP practice" },      /* SurveyMonkey */
	{ "Rate these", "Rate these [GP practice]", "GP practice" },      /* Google Forms */
	{ "G01Q02", "G01Q02[SQ001]", "SQ001" },                           /* LimeSurvey 6 */
	{ "Q2", "Q2_SQ001", "SQ001" },                                    /* LimeSurvey 2 VV */
	{ "123X4X56", "123X4X56SQ001", "SQ001" },                         /* LimeSurvey 2 SGQA */
	{ "123X4X56", "123X4X567", NULL },                                /* another SGQA code */
	{ "Rate these", "Rate these", NULL },
	{ "Rate these", "Rate these []", NULL },
	{ "Rate these", "Rate these too / GP", NULL },
	{ "Q2", "Q20[SQ001]", NULL },
};

START_TEST(test_grid_rows)
{
	char xml[256];
	struct mapping *m;
	const char *sub = NULL;
	size_t len = 0;
	const struct map_grid *g;

	snprintf(xml, sizeof xml, "<mapping><grid field=\"%s\"/></mapping>", rows[_i].stem);
	m = parse_ok(xml);
	g = mapping_grid_of(m, rows[_i].field, &sub, &len);
	if (!rows[_i].sub) {
		ck_assert_msg(g == NULL, "'%s' taken as a row of '%s'", rows[_i].field, rows[_i].stem);
		ck_assert(!mapping_mentions(m, rows[_i].field));
	} else {
		ck_assert_msg(g != NULL, "'%s' not a row of '%s'", rows[_i].field, rows[_i].stem);
		ck_assert_int_eq(len, strlen(rows[_i].sub));
		ck_assert(!strncmp(sub, rows[_i].sub, len));
		/* A grid's row is in the mapping: never reported as left out. */
		ck_assert(mapping_mentions(m, rows[_i].field));
	}
	mapping_free(m);
}
END_TEST

static const struct {
	const char *xml, *needle;
} bad[] = {
	{ "<mapping><grid field=\"G\"><row sub=\"a\" question=\"A\"/>\n<row sub=\"A\" question=\"B\"/></grid></mapping>",
	  "m.xml:2: grid row 'A' is mapped twice (first on line 1)" },
	{ "<mapping><grid field=\"G\"/>\n<grid field=\"G\"/></mapping>",
	  "m.xml:2: grid 'G' is mapped twice (first on line 1)" },
	{ "<mapping><grid field=\"G\"><row sub=\"a\" question=\"A\"/></grid>\n<question code=\"A\" field=\"x\"/></mapping>",
	  "m.xml:2: question 'A' is both a grid row (line 1) and mapped on its own" },
	{ "<mapping><grid field=\"G\" question=\"A\"/>\n<question code=\"A\" field=\"x\"/></mapping>",
	  "m.xml:2: question 'A' is both a grid's (line 1) and mapped on its own" },
	{ "<mapping><grid field=\"G\" question=\"A\">\n<row sub=\"a\" question=\"B\"/></grid></mapping>",
	  "m.xml:2: a <row> of a grid of one question's items names an option=" },
	{ "<mapping><grid field=\"G\">\n<row sub=\"a\" option=\"B\"/></grid></mapping>",
	  "m.xml:2: a <row> of a grid of questions names a question=" },
	{ "<mapping><grid field=\"G\" cells=\"rank\"/></mapping>",
	  "m.xml:1: cells=\"rank\" is for a grid of one question's items" },
	{ "<mapping><route field=\"Q\" answer=\"Q\"/></mapping>",
	  "m.xml:1: a route's question and answer are the same field 'Q'" },
	{ "<mapping><route field=\"Q\" answer=\"A\"><to match=\"How?\" question=\"X\"/>\n"
	  "<to match=\"how? \" question=\"Y\"/></route></mapping>",
	  "" /* trailing space: not the same wording; see below */ },
	{ "<mapping><route field=\"Q\" answer=\"A\"><to match=\"How?\" question=\"X\"/>\n"
	  "<to match=\"HOW?\" question=\"Y\"/></route></mapping>",
	  "m.xml:2: the wording 'HOW?' is routed twice (first on line 1)" },
	{ "<mapping><route field=\"Q\" answer=\"A\"><to match=\"How?\" question=\"X\"/></route>\n"
	  "<question code=\"X\" field=\"x\"/></mapping>",
	  "m.xml:2: question 'X' is both routed (line 1) and mapped on its own" },
	{ "<mapping><repeat group=\"a/b\"/>\n<repeat group=\"a/b\" mode=\"each\"/></mapping>",
	  "m.xml:2: repeat group 'a/b' is named twice (first on line 1)" },
	{ "<mapping><repeat group=\"a/b\" mode=\"flatten\"/></mapping>", "m.xml:1:" },
	{ "<mapping><route field=\"Q\"/></mapping>", "m.xml:1:" },
	{ "<mapping><grid field=\"\"/></mapping>", "m.xml:1:" },
};

START_TEST(test_bad_shapes)
{
	struct err e;
	struct mapping *m;

	err_init(&e);
	m = mapping_parse(bad[_i].xml, strlen(bad[_i].xml), "m.xml", &e);
	if (!*bad[_i].needle) {
		ck_assert_msg(m != NULL, "%s", err_first(&e));
		mapping_free(m);
		return;
	}
	ck_assert_ptr_null(m);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, bad[_i].needle), "expected '%s', got '%s'", bad[_i].needle,
		      err_first(&e));
}
END_TEST

static Suite *mapping_shape_suite(void)
{
	Suite *s = suite_create("mapping_shape");
	TCase *tc = tcase_create("mapping_shape");

	tcase_add_test(tc, test_reads_shapes);
	tcase_add_loop_test(tc, test_grid_rows, 0, sizeof rows / sizeof rows[0]);
	tcase_add_loop_test(tc, test_bad_shapes, 0, sizeof bad / sizeof bad[0]);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(mapping_shape_suite());
}
