/* Rule sets: loading (every bad case), matching semantics, examples. */
#include <string.h>

#include "rules.h"
#include "testutil.h"

#define R(body) "<rules>\n" body "</rules>\n"

static struct ruleset *parse(const char *xml, struct err *e)
{
	err_init(e);
	return rules_parse(xml, strlen(xml), "r.xml", e);
}

static const struct {
	const char *name, *xml, *needle;
} bad[] = {
	{ "malformed", "<rules><theme code=\"A\" label=\"a\"></rules>", "r.xml:1: malformed XML" },
	{ "schema", R("<theme code=\"A\"><include>x</include></theme>\n"), "r.xml:2:" },
	{ "bad pattern", R("<theme code=\"A\" label=\"a\">\n<include><![CDATA[(unclosed]]></include></theme>\n"),
	  "r.xml:3: pattern A/1 does not compile at column 10: missing closing parenthesis\n    (unclosed\n             ^" },
	{ "bad exclude", R("<theme code=\"A\" label=\"a\"><include>a</include>\n<exclude>[z-a]</exclude></theme>\n"),
	  "r.xml:3: pattern A/exclude1 does not compile" },
	{ "unknown parent", R("<theme code=\"A\" label=\"a\" parent=\"NOPE\"><include>a</include></theme>\n"),
	  "r.xml:2: theme 'A' has parent 'NOPE', which is not a theme" },
	{ "cycle", R("<theme code=\"A\" label=\"a\" parent=\"B\"><include>a</include></theme>\n"
		     "<theme code=\"B\" label=\"b\" parent=\"A\"><include>b</include></theme>\n"),
	  "the parents form a cycle" },
	{ "duplicate", R("<theme code=\"A\" label=\"a\"><include>a</include></theme>\n"
			 "<theme code=\"A\" label=\"b\"><include>b</include></theme>\n"),
	  "r.xml:3: theme code 'A' is used twice (first on line 2)" },
	{ "nothing to find", R("<theme code=\"A\" label=\"a\"/>\n"), "theme 'A' has no include pattern and no sub-themes" },
	{ "doctype", "<!DOCTYPE rules [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rules/>", "a DOCTYPE is not allowed" },
};

START_TEST(test_bad_rules)
{
	struct err e;

	ck_assert_ptr_null(parse(bad[_i].xml, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, bad[_i].needle), "%s: expected '%s', got '%s'", bad[_i].name,
		      bad[_i].needle, err_first(&e));
}
END_TEST

static const char semantics[] = R(
	"<theme code=\"WAIT\" label=\"Waiting\">\n"
	"  <include><![CDATA[\\b(a\\s*(&|and|\\+)\\s*e|casualty)\\b.{0,40}\\bwait]]></include>\n"
	"  <include id=\"queue\">queue</include>\n"
	"  <exclude><![CDATA[\\bno wait\\b]]></exclude>\n"
	"</theme>\n"
	"<theme code=\"PARK\" label=\"Parking\"><include>parking</include></theme>\n"
	"<theme code=\"PARK-COST\" label=\"Parking charges\" parent=\"PARK\">\n"
	"  <questions>Q-BETTER</questions>\n"
	"  <include><![CDATA[\\bcharg]]></include>\n"
	"</theme>\n"
	"<theme code=\"CAFE\" label=\"Café\"><include>CAFÉ</include></theme>\n"
	"<theme code=\"CASE\" label=\"NHS\"><include case=\"sensitive\">NHS</include></theme>\n"
	"<theme code=\"SLOW\" label=\"Slow\"><include><![CDATA[(a+)+$]]></include></theme>\n");

static enum rule_result match(const struct ruleset *rs, const char *code, const char *text,
			      struct rule_hit *hit)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_hit h;
	enum rule_result r;

	r = rules_match(rs, &rs->themes[rules_find(rs, code)], text, strlen(text), 0, md,
			hit ? hit : &h);
	pcre2_match_data_free(md);
	return r;
}

START_TEST(test_semantics)
{
	struct err e;
	struct ruleset *rs = parse(semantics, &e);
	struct rule_hit hit;

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(strlen(rs->sha256), SHA256_HEX_LEN);
	/* Include, with which rule and where. */
	ck_assert_int_eq(match(rs, "WAIT", "Went to A and E and had to wait 6 hours", &hit), RULE_MATCH);
	ck_assert_str_eq(hit.rule->id, "WAIT/1");
	ck_assert_int_eq(hit.start, 8);
	ck_assert_int_eq(match(rs, "WAIT", "the QUEUE at the desk", &hit), RULE_MATCH);
	ck_assert_str_eq(hit.rule->id, "queue");
	ck_assert_int_eq(match(rs, "WAIT", "Staff were lovely", NULL), RULE_NO_MATCH);
	/* An exclude cancels the theme. */
	ck_assert_int_eq(match(rs, "WAIT", "A&E was quiet, no wait at all", NULL), RULE_NO_MATCH);
	/* Hierarchy and question restriction. */
	ck_assert_int_eq(rs->themes[rules_find(rs, "PARK-COST")].parent, rules_find(rs, "PARK"));
	ck_assert_int_eq(rs->themes[rules_find(rs, "PARK-COST")].depth, 2);
	ck_assert(rules_applies(&rs->themes[rules_find(rs, "PARK-COST")], "Q-BETTER"));
	ck_assert(!rules_applies(&rs->themes[rules_find(rs, "PARK-COST")], "Q-WELL"));
	ck_assert(rules_applies(&rs->themes[rules_find(rs, "PARK")], "Q-WELL"));
	/* Unicode case folding, and case="sensitive". */
	ck_assert_int_eq(match(rs, "CAFE", "the café was shut", NULL), RULE_MATCH);
	ck_assert_int_eq(match(rs, "CASE", "the nhs", NULL), RULE_NO_MATCH);
	ck_assert_int_eq(match(rs, "CASE", "the NHS", NULL), RULE_MATCH);
	/* Invalid UTF-8 in an answer is an error for that answer, not a crash. */
	ck_assert_int_eq(match(rs, "CAFE", "caf\xe9", NULL), RULE_ERROR);
	ruleset_free(rs);
}
END_TEST

START_TEST(test_catastrophic_pattern_is_bounded)
{
	struct err e;
	struct ruleset *rs = parse(semantics, &e);
	char text[4096];
	enum rule_result r;

	memset(text, 'a', sizeof text - 2);
	text[sizeof text - 2] = 'b';
	text[sizeof text - 1] = '\0';
	r = match(rs, "SLOW", text, NULL);
	/* The limit turns it into a reported error, not a hang. */
	ck_assert_int_eq(r, RULE_ERROR);
	ruleset_free(rs);
}
END_TEST

START_TEST(test_examples_run_like_tests)
{
	static const char xml[] = R(
		"<theme code=\"P\" label=\"Parking\"><description>d</description></theme>\n"
		"<theme code=\"P-COST\" label=\"Charges\" parent=\"P\"><include>charge</include>\n"
		"<example match=\"true\">the charges are steep</example>\n"
		"<example match=\"false\">free to park</example>\n"
		"<example match=\"true\">no mention of money</example>\n"
		"<example match=\"false\">they charge too much</example></theme>\n"
		"<theme code=\"Q\" label=\"Q\"><include>q</include></theme>\n");
	struct err e;
	struct ruleset *rs = parse(xml, &e);
	char out[4096] = "";
	FILE *f = fmemopen(out, sizeof out, "w");

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(rules_check_examples(rs, f), 2);
	fclose(f);
	ck_assert_msg(strstr(out, "FAIL r.xml:6: P-COST: expected a match, got none: \"no mention of money\""), "%s", out);
	ck_assert_msg(strstr(out, "FAIL r.xml:7: P-COST: expected no match, but P-COST/1 matched \"charge\""), "%s", out);
	ck_assert_msg(strstr(out, "r.xml: 3 themes, 4 examples, 2 passed, 2 failed"), "%s", out);
	ruleset_free(rs);
}
END_TEST


START_TEST(test_sample_rules_pass)
{
	struct err e;
	struct ruleset *rs;
	FILE *f = fopen("/dev/null", "w");

	err_init(&e);
	rs = rules_load(SAMPLE("rules/twb-2019.rules.xml"), &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_ge(rs->nthemes, 30);
	ck_assert_int_eq(rules_check_examples(rs, f), 0);
	fclose(f);
	ruleset_free(rs);
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_bad_rules, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, test_semantics);
	tcase_add_test(tc, test_catastrophic_pattern_is_bounded);
	tcase_add_test(tc, test_examples_run_like_tests);
	tcase_add_test(tc, test_sample_rules_pass);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(rules_suite());
}
