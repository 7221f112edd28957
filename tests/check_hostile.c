/*
 * Hostile input that the readers must refuse or bound: the safe XML
 * parser's depth and text limits (exactly at the limit and one past it),
 * libxml2's own limits said in plain words, a catastrophic pattern held
 * under 10 ms per answer, and the inputs the fuzzers found (fuzz/).
 */
#include <string.h>

#include "exercise.h"
#include "mapping.h"
#include "rules.h"
#include "testutil.h"
#include "xmlsafe.h"

/* `depth` nested elements: <a><a>...</a></a>. A new string. */
static char *nested(int depth)
{
	char *s = malloc((size_t)depth * 7 + 1), *p = s;

	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < depth; i++)
		p += sprintf(p, "<a>");
	for (int i = 0; i < depth; i++)
		p += sprintf(p, "</a>");
	*p = '\0';
	return s;
}

START_TEST(test_depth_at_the_limit)
{
	char *xml = nested(XMLSAFE_MAX_DEPTH);
	struct err e;
	xmlDocPtr doc;

	err_init(&e);
	doc = xmlsafe_parse(xml, strlen(xml), "deep.xml", &e);
	ck_assert_msg(doc != NULL, "%s", err_first(&e));
	xmlFreeDoc(doc);
	free(xml);
}
END_TEST

START_TEST(test_depth_past_the_limit)
{
	char *xml = nested(XMLSAFE_MAX_DEPTH + 1);
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(xmlsafe_parse(xml, strlen(xml), "deep.xml", &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_str_eq(err_first(&e),
			 "deep.xml:1: elements are nested more than 256 deep: refused for safety");
	ck_assert_int_eq(e.nlines, 1);
	free(xml);
}
END_TEST

/* <doc>\n<t>OPEN + n bytes of 'x' + CLOSE</t></doc>. A new string. */
static char *text_of(size_t n, const char *open, const char *close, size_t *len)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc(n + lo + lc + 32), *p = s;

	ck_assert_ptr_nonnull(s);
	p += sprintf(p, "<doc>\n<t>%s", open);
	memset(p, 'x', n);
	p += n;
	p += sprintf(p, "%s</t></doc>", close);
	*len = (size_t)(p - s);
	return s;
}

START_TEST(test_text_at_the_limit)
{
	size_t len;
	char *xml = text_of(XMLSAFE_MAX_TEXT, "", "", &len);
	struct err e;
	xmlDocPtr doc;
	char *t;

	err_init(&e);
	doc = xmlsafe_parse(xml, len, "big.xml", &e);
	ck_assert_msg(doc != NULL, "%s", err_first(&e));
	t = xmlsafe_text(xmlsafe_first(xmlDocGetRootElement(doc)));
	ck_assert_uint_eq(strlen(t), XMLSAFE_MAX_TEXT);
	free(t);
	xmlFreeDoc(doc);
	free(xml);
}
END_TEST

/* One byte more, as plain text, as CDATA, and after an entity reference. */
START_TEST(test_text_past_the_limit)
{
	static const char *const wraps[][2] = {
		{ "", "" },
		{ "<![CDATA[", "]]>" },
		{ "&amp;", "" },
	};
	size_t len;
	char *xml = text_of(XMLSAFE_MAX_TEXT + 1, wraps[_i][0], wraps[_i][1], &len);
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(xmlsafe_parse(xml, len, "big.xml", &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_str_eq(err_first(&e),
			 "big.xml:2: a text of more than 10 MB in one element: refused for safety");
	ck_assert_int_eq(e.nlines, 1);
	free(xml);
}
END_TEST

/* Text split by child elements is counted per piece: a long letter is fine. */
START_TEST(test_text_between_elements)
{
	size_t piece = XMLSAFE_MAX_TEXT / 2 + 1, len;
	char *xml = malloc(3 * piece + 64), *p = xml;
	struct err e;
	xmlDocPtr doc;

	ck_assert_ptr_nonnull(xml);
	p += sprintf(p, "<doc>");
	for (int i = 0; i < 3; i++) {
		memset(p, 'y', piece);
		p += piece;
		p += sprintf(p, "<br/>");
	}
	p += sprintf(p, "</doc>");
	len = (size_t)(p - xml);
	err_init(&e);
	doc = xmlsafe_parse(xml, len, "letter.xml", &e);
	ck_assert_msg(doc != NULL, "%s", err_first(&e));
	xmlFreeDoc(doc);
	free(xml);
}
END_TEST

/* libxml2's own limit on attribute values, in plain words and said once. */
START_TEST(test_attribute_limit)
{
	size_t n = XMLSAFE_MAX_TEXT + 16;
	char *xml = malloc(n + 64), *p = xml;
	struct err e;

	ck_assert_ptr_nonnull(xml);
	p += sprintf(p, "<doc>\n<t a=\"");
	memset(p, 'z', n);
	p += n;
	p += sprintf(p, "\"/></doc>");
	err_init(&e);
	ck_assert_ptr_null(xmlsafe_parse(xml, (size_t)(p - xml), "attr.xml", &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "attr.xml:2: an attribute value of more than 10 MB: "
				       "refused for safety"), "%s", err_first(&e));
	ck_assert_int_eq(e.nlines, 1);
	free(xml);
}
END_TEST

START_TEST(test_limit_messages)
{
	ck_assert_str_eq(xmlsafe_limit_message("Excessive depth in document: 256 use "
					       "XML_PARSE_HUGE option\n"),
			 "elements are nested more than 256 deep: refused for safety");
	ck_assert_str_eq(xmlsafe_limit_message("xmlSAX2Characters: huge text node"),
			 "a text of more than 10 MB in one element: refused for safety");
	ck_assert_str_eq(xmlsafe_limit_message("AttValue length too long\n"),
			 "an attribute value of more than 10 MB: refused for safety");
	ck_assert_str_eq(xmlsafe_limit_message("Name too long use XML_PARSE_HUGE option\n"),
			 "a name of more than 50000 characters: refused for safety");
	ck_assert_str_eq(xmlsafe_limit_message("Comment too big found"),
			 "a comment or processing instruction of more than 10 MB: refused for "
			 "safety");
	ck_assert_ptr_null(xmlsafe_limit_message("Opening and ending tag mismatch: a and b\n"));
	ck_assert_ptr_null(xmlsafe_limit_message(NULL));
}
END_TEST

/* The loaders pass the limit on with the file's name and line. */
START_TEST(test_loaders_name_the_place)
{
	char *inner = nested(XMLSAFE_MAX_DEPTH + 4);
	size_t n = strlen(inner) + 256;
	char *xml = malloc(n);
	struct err e;

	ck_assert_ptr_nonnull(xml);
	snprintf(xml, n, "<?xml version=\"1.0\"?>\n<exercise code=\"x\">\n<title>%s</title>"
		 "</exercise>", inner);
	err_init(&e);
	ck_assert_ptr_null(exercise_parse(xml, strlen(xml), "deep-exercise.xml", &e));
	ck_assert_str_eq(err_first(&e), "deep-exercise.xml:3: elements are nested more than "
					"256 deep: refused for safety");
	snprintf(xml, n, "<?xml version=\"1.0\"?>\n<mapping>\n%s</mapping>", inner);
	err_init(&e);
	ck_assert_ptr_null(mapping_parse(xml, strlen(xml), "deep.map.xml", &e));
	ck_assert_str_eq(err_first(&e), "deep.map.xml:3: elements are nested more than 256 "
					"deep: refused for safety");
	snprintf(xml, n, "<?xml version=\"1.0\"?>\n<rules>\n%s</rules>", inner);
	err_init(&e);
	ck_assert_ptr_null(rules_parse(xml, strlen(xml), "deep.rules.xml", &e));
	ck_assert_str_eq(err_first(&e), "deep.rules.xml:3: elements are nested more than 256 "
					"deep: refused for safety");
	free(xml);
	free(inner);
}
END_TEST

/* ---- a catastrophic pattern: bounded, reported, under 10 ms an answer ---- */

static const char catastrophic[] =
	"<rules>\n"
	"<theme code=\"PARK\" label=\"Parking\"><include>park</include></theme>\n"
	"<theme code=\"AAA\" label=\"Backtracking\"><include>(a+)+$</include></theme>\n"
	"</rules>\n";

START_TEST(test_catastrophic_pattern_gives_up)
{
	/* 30 a's and a '!': (a+)+$ tries every way of splitting them, 2^30. */
	static const char text[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	enum { RUNS = 3 };
	struct err e;
	struct ruleset *rs;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag tags[2];
	int n = 0;

	err_init(&e);
	rs = rules_parse(catastrophic, strlen(catastrophic), "c.rules.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	for (int i = 0; i < RUNS; i++) {
		n = rules_tag_answer(rs, text, strlen(text), "Q", md, tags);
		/* Reported as the pattern giving up on this answer, not as no match. */
		ck_assert_int_eq(n, 1);
		ck_assert_uint_eq(tags[0].theme, 1);
		ck_assert_int_eq(tags[0].result, RULE_ERROR);
	}
	/* An answer the pattern can settle quickly still gets its answer. */
	ck_assert_int_eq(rules_tag_answer(rs, "aaaa", 4, "Q", md, tags), 1);
	ck_assert_int_eq(tags[0].result, RULE_MATCH);
	pcre2_match_data_free(md);
	ruleset_free(rs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("xml");
	TCase *tr = tcase_create("rules");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_depth_at_the_limit);
	tcase_add_test(tc, test_depth_past_the_limit);
	tcase_add_test(tc, test_text_at_the_limit);
	tcase_add_loop_test(tc, test_text_past_the_limit, 0, 3);
	tcase_add_test(tc, test_text_between_elements);
	tcase_add_test(tc, test_attribute_limit);
	tcase_add_test(tc, test_limit_messages);
	tcase_add_test(tc, test_loaders_name_the_place);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, test_catastrophic_pattern_gives_up);
	suite_add_tcase(s, tr);
	return test_run(s);
}
