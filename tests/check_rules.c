/* Rule sets: loading (every bad case), matching semantics, examples. */
#include <string.h>

#include "rules.h"
#include "testutil.h"
#include "utf8.h"

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
	{ "unknown word list", R("<words name=\"staff\">nurse</words>\n<theme code=\"A\" label=\"a\">\n"
				 "<include>{stafff} was</include></theme>\n"),
	  "r.xml:4: pattern A/1 cannot be read: it uses {stafff}, which is not a word list" },
	{ "unknown word list in near", R("<theme code=\"A\" label=\"a\">\n"
					 "<include near=\"{pain}\">bad</include></theme>\n"),
	  "r.xml:3: pattern A/1 cannot be read: it uses {pain}, which is not a word list" },
	{ "word list cycle", R("<words name=\"a\">x|{b}</words>\n<words name=\"b\">y|{a}</words>\n"
			       "<theme code=\"A\" label=\"a\"><include>z</include></theme>\n"),
	  "r.xml:2: word list 'a' cannot be used: the word lists form a cycle through {a} (line 2)" },
	{ "word list used by a cycle", R("<words name=\"a\">{a}</words>\n<theme code=\"A\" label=\"a\">\n"
					 "<include>{a}</include></theme>\n"),
	  "r.xml:4: pattern A/1 cannot be read: it uses {a}, which cannot be used (line 2)" },
	{ "word list does not compile", R("<words name=\"a\">x|(y</words>\n"
					  "<theme code=\"A\" label=\"a\"><include>z</include></theme>\n"),
	  "r.xml:2: word list 'a' cannot be used: it does not compile at column 5: missing closing parenthesis" },
	{ "word list twice", R("<words name=\"a\">x</words>\n<words name=\"a\">y</words>\n"
			       "<theme code=\"A\" label=\"a\"><include>z</include></theme>\n"),
	  "r.xml:3: word list 'a' is defined twice (first on line 2)" },
	{ "words after themes", R("<theme code=\"A\" label=\"a\"><include>z</include></theme>\n"
				  "<words name=\"a\">x</words>\n"), "r.xml:3:" },
	{ "fallback with patterns", R("<theme code=\"A\" label=\"a\" group=\"g\"><include>a</include></theme>\n"
				      "<theme code=\"B\" label=\"b\" group=\"g\" otherwise=\"true\"><include>b</include></theme>\n"),
	  "r.xml:3: theme 'B' is its group's fallback (otherwise=\"true\"), so it cannot have patterns" },
	{ "fallback without group", R("<theme code=\"B\" label=\"b\" otherwise=\"true\"/>\n"),
	  "r.xml:2: theme 'B' is otherwise=\"true\" but in no group" },
	{ "two fallbacks", R("<theme code=\"A\" label=\"a\" group=\"g\" otherwise=\"true\"/>\n"
			     "<theme code=\"B\" label=\"b\" group=\"g\" otherwise=\"true\"/>\n"),
	  "r.xml:3: group 'g' has a second fallback theme 'B' (the first is 'A', line 2)" },
	{ "near and not-preceded-by", R("<theme code=\"A\" label=\"a\">\n"
					"<include near=\"x\" not-preceded-by=\"no\">a</include></theme>\n"), "r.xml:3:" },
	{ "within alone", R("<theme code=\"A\" label=\"a\">\n<include within=\"3\">a</include></theme>\n"),
	  "r.xml:3:" },
	{ "within too far", R("<theme code=\"A\" label=\"a\">\n<include near=\"x\" within=\"50\">a</include></theme>\n"),
	  "r.xml:3:" },
	{ "bad when", R("<theme code=\"A\" label=\"a\"><when is=\"x\"/><include>a</include></theme>\n"),
	  "r.xml:2:" },
	{ "bad expanded pattern", R("<words name=\"a\">x</words>\n<theme code=\"A\" label=\"a\">\n"
				    "<include>{a}(</include></theme>\n"),
	  "r.xml:4: pattern A/1 does not compile at column 7 (of it with its word lists and near put in): missing closing parenthesis\n    (?:x)(\n          ^" },
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

/* ---- the rule language: word lists, near, not-preceded-by ---------------- */

static const struct {
	const char *pattern, *attrs, *pcre2;
} written[] = {
	/* a list, and a list inside a list (on lines of their own) */
	{ "\\b{staff}\\b", "", "\\b(?:nurses?|doctors?|(?:gps?|surgery))\\b" },
	/* PCRE2's own braces are left alone */
	{ "a{2,3}b{4}", "", NULL },
	{ "\\x{263A}\\p{L}\\{staff}", "", NULL },
	{ "[{staff}]+", "", NULL },
	{ "\\Q{staff}\\E", "", NULL },
	{ "{2staff}", "", NULL },
	{ "{staff", "", NULL },
	{ "x{ga_p-1}", "", "x(?:y)" },
	{ "rude", " near=\"{gp}\" within=\"2\"",
	  "(?<![\\w'\xe2\x80\x99])(?:(?:rude)(?:['\xe2\x80\x99]s?)?(?:[^\\w'\xe2\x80\x99]+[\\w'\xe2\x80\x99]+){0,2}[^\\w'\xe2\x80\x99]+"
	  "(?:(?:gps?|surgery))|(?:(?:gps?|surgery))(?:['\xe2\x80\x99]s?)?(?:[^\\w'\xe2\x80\x99]+[\\w'\xe2\x80\x99]+){0,2}"
	  "[^\\w'\xe2\x80\x99]+(?:rude))(?:['\xe2\x80\x99]s?)?(?![\\w'\xe2\x80\x99])" },
	{ "good", " not-preceded-by=\"no|not\" within=\"2\"",
	  "(?:^[^\\w'\xe2\x80\x99]*(?:(?!(?:no|not)(?![\\w'\xe2\x80\x99]))[\\w'\xe2\x80\x99]+[^\\w'\xe2\x80\x99]+){0,1}|"
	  "(?<![\\w'\xe2\x80\x99])(?!(?:no|not)(?![\\w'\xe2\x80\x99]))[\\w'\xe2\x80\x99]+(?:[^\\w'\xe2\x80\x99]+"
	  "(?!(?:no|not)(?![\\w'\xe2\x80\x99]))[\\w'\xe2\x80\x99]+){1}[^\\w'\xe2\x80\x99]+)\\K(?:good)" },
};

START_TEST(test_written_out)
{
	char xml[4096];
	struct err e;
	struct ruleset *rs;
	const struct rule_pattern *p;

	snprintf(xml, sizeof xml, R("<words name=\"staff\">nurses?|doctors?|{gp}</words>\n"
				    "<words name=\"gp\">\n  gps?\n\n  surgery  \n</words>\n"
				    "<words name=\"ga_p-1\">y</words>\n"
				    "<theme code=\"A\" label=\"a\"><include%s><![CDATA[%s]]></include></theme>\n"),
		 written[_i].attrs, written[_i].pattern);
	rs = parse(xml, &e);
	ck_assert_msg(rs != NULL, "%s: %s", written[_i].pattern, err_first(&e));
	p = &rs->themes[0].includes[0];
	ck_assert_str_eq(p->source, written[_i].pcre2 ? written[_i].pcre2 : written[_i].pattern);
	if (written[_i].pcre2)
		ck_assert_str_eq(p->written, written[_i].pattern);
	else
		ck_assert_ptr_null(p->written);
	ck_assert_str_eq(p->id, "A/1");
	ruleset_free(rs);
}
END_TEST

static const char language[] = R(
	"<words name=\"staff\">nurses?|doctors?|receptionists?</words>\n"
	"<words name=\"neg\">no|not|never|didn't</words>\n"
	"<theme code=\"RUDE\" label=\"Rude staff\">\n"
	"  <include id=\"rude-near\" near=\"{staff}\" within=\"2\">rude|abrupt</include>\n"
	"</theme>\n"
	"<theme code=\"HELP\" label=\"Helpful\">\n"
	"  <include not-preceded-by=\"{neg}\" within=\"3\">helpful</include>\n"
	"</theme>\n");

START_TEST(test_near_and_negation)
{
	static const struct {
		const char *code, *text;
		int match;
		size_t start, end;
	} cases[] = {
		{ "RUDE", "the nurse was rude", 1, 4, 18 },
		{ "RUDE", "Rude receptionist!", 1, 0, 17 },
		{ "RUDE", "the doctor was very very rude", 0, 0, 0 },  /* three words between */
		{ "RUDE", "the nurses' manner was rude", 1, 4, 27 },   /* possessives */
		{ "RUDE", "the doctor\xe2\x80\x99s manner was rude", 1, 4, 30 },
		{ "RUDE", "the nursery was rude", 0, 0, 0 },          /* whole words */
		{ "RUDE", "rude", 0, 0, 0 },
		{ "HELP", "helpful staff", 1, 0, 7 },
		{ "HELP", "they were so helpful", 1, 13, 20 },
		{ "HELP", "they were not very helpful", 0, 0, 0 },
		{ "HELP", "Not helpful", 0, 0, 0 },
		{ "HELP", "staff didn't seem helpful", 0, 0, 0 },
		{ "HELP", "no, but the staff were helpful", 1, 23, 30 }, /* four words back */
		{ "HELP", "not helpful at first, later very helpful", 1, 33, 40 },
		{ "HELP", "nothing but helpful", 1, 12, 19 },            /* "nothing" is not "no" */
	};
	struct err e;
	struct ruleset *rs = parse(language, &e);

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rule_hit hit = { 0 };
		enum rule_result r = match(rs, cases[i].code, cases[i].text, &hit);

		ck_assert_msg(r == (cases[i].match ? RULE_MATCH : RULE_NO_MATCH), "%s: \"%s\": %d",
			      cases[i].code, cases[i].text, r);
		if (cases[i].match) {
			ck_assert_msg(hit.start == cases[i].start && hit.end == cases[i].end,
				      "\"%s\": %zu-%zu", cases[i].text, hit.start, hit.end);
			ck_assert_str_eq(hit.rule->id, !strcmp(cases[i].code, "RUDE") ? "rude-near" : "HELP/1");
		}
	}
	ruleset_free(rs);
}
END_TEST

/* ---- conditions and single-label groups ------------------------------------ */

static const char frame[] = R(
	"<theme code=\"PRAISE\" label=\"Praise\" group=\"fft\">\n"
	"  <include>excellent|brilliant</include>\n"
	"  <include questions=\"FFT-BETTER\"><![CDATA[^\\W*(nothing|none)\\W*$]]></include>\n"
	"</theme>\n"
	"<theme code=\"CRIT\" label=\"Criticism\" group=\"fft\">\n"
	"  <include>rude|slow|dirty</include>\n"
	"  <include questions=\"FFT-GOOD\"><![CDATA[^\\W*(nothing|none)\\W*$]]></include>\n"
	"  <exclude questions=\"FFT-GOOD\">slow cooker</exclude>\n"
	"</theme>\n"
	"<theme code=\"CARE\" label=\"Care received\" group=\"fft\" otherwise=\"true\">\n"
	"  <questions>FFT-GOOD FFT-BETTER</questions>\n"
	"</theme>\n"
	"<theme code=\"STAFF\" label=\"Staff\"><include>nurse|doctor</include></theme>\n"
	"<theme code=\"UNHAPPY\" label=\"Unhappy rater\">\n"
	"  <when question=\"FFT-RATING\" is=\"poor very-poor\"/>\n"
	"  <unless question=\"FOLLOW-UP\"/>\n"
	"  <include>nurse</include>\n"
	"</theme>\n");

/* The themes (and rules) of `text`, as "CODE=rule@start-end ...", through the reference path. */
static void tag(const struct ruleset *rs, const char *text, const char *question,
		const char *rating, const char *follow, char *out, size_t cap)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag tags[16];
	const char *values[2] = { NULL, NULL };
	struct rule_context c = { question, values };
	int n;

	ck_assert_int_eq(rs->nwhen_questions, 2);
	values[!strcmp(rs->when_questions[0], "FFT-RATING") ? 0 : 1] = rating;
	values[!strcmp(rs->when_questions[0], "FFT-RATING") ? 1 : 0] = follow;
	n = rules_tag_answer_in(rs, text, strlen(text), &c, md, tags);
	*out = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s=%s@%zu-%zu", i ? " " : "",
			 rs->themes[tags[i].theme].code,
			 tags[i].result == RULE_MATCH ? tags[i].hit.rule->id : "error",
			 tags[i].hit.start, tags[i].hit.end);
	pcre2_match_data_free(md);
}

START_TEST(test_groups_and_conditions)
{
	static const struct {
		const char *text, *question, *rating, *follow, *want;
	} cases[] = {
		/* "Nothing." is praise to one question and criticism to the other */
		{ "Nothing.", "FFT-BETTER", NULL, NULL, "PRAISE=PRAISE/2@0-8" },
		{ "Nothing.", "FFT-GOOD", NULL, NULL, "CRIT=CRIT/2@0-8" },
		/* first in the file wins; the others of the group are dropped, not other themes */
		{ "excellent nurse but rude doctor", "FFT-GOOD", NULL, NULL,
		  "PRAISE=PRAISE/1@0-9 STAFF=STAFF/1@10-15" },
		{ "rude and slow", "FFT-GOOD", NULL, NULL, "CRIT=CRIT/1@0-4" },
		/* nothing in the group fired: the fallback, spanning the answer */
		{ "the nurse saw me", "FFT-GOOD", NULL, NULL, "CARE=CARE/otherwise@0-16 STAFF=STAFF/1@4-9" },
		/* the fallback has questions of its own */
		{ "the nurse saw me", "OTHER", NULL, NULL, "STAFF=STAFF/1@4-9" },
		/* an exclude with questions only counts for those */
		{ "slow cooker", "FFT-GOOD", NULL, NULL, "CARE=CARE/otherwise@0-11" },
		{ "slow cooker", "FFT-BETTER", NULL, NULL, "CRIT=CRIT/1@0-4" },
		/* conditions on other answers: when, unless, several values */
		{ "a nurse", "OTHER", "poor", NULL, "STAFF=STAFF/1@2-7 UNHAPPY=UNHAPPY/1@2-7" },
		{ "a nurse", "OTHER", "good\x1fvery-poor", NULL, "STAFF=STAFF/1@2-7 UNHAPPY=UNHAPPY/1@2-7" },
		{ "a nurse", "OTHER", "poorly", NULL, "STAFF=STAFF/1@2-7" },
		{ "a nurse", "OTHER", NULL, NULL, "STAFF=STAFF/1@2-7" },
		{ "a nurse", "OTHER", "poor", "yes", "STAFF=STAFF/1@2-7" },
	};
	struct err e;
	struct ruleset *rs = parse(frame, &e);
	char out[512];

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(rs->ngroups, 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tag(rs, cases[i].text, cases[i].question, cases[i].rating, cases[i].follow, out, sizeof out);
		ck_assert_msg(!strcmp(out, cases[i].want), "case %zu \"%s\" to %s: got \"%s\", want \"%s\"",
			      i, cases[i].text, cases[i].question, out, cases[i].want);
	}
	ruleset_free(rs);
}
END_TEST

START_TEST(test_group_error_takes_nothing)
{
	static const char xml[] = R(
		"<theme code=\"A\" label=\"a\" group=\"g\"><include><![CDATA[(a+)+$]]></include></theme>\n"
		"<theme code=\"B\" label=\"b\" group=\"g\"><include>ab</include></theme>\n"
		"<theme code=\"C\" label=\"c\" group=\"g\" otherwise=\"true\"/>\n");
	struct err e;
	struct ruleset *rs = parse(xml, &e);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag tags[4];
	struct rule_context c = { "Q", NULL };
	char text[4096];
	int n;

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	memset(text, 'a', sizeof text - 2);
	text[sizeof text - 2] = 'b';
	text[sizeof text - 1] = '\0';
	/* A gave up: its error stays, counted, and B still takes the answer */
	n = rules_tag_answer_in(rs, text, strlen(text), &c, md, tags);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(tags[0].theme, 0);
	ck_assert_int_eq(tags[0].result, RULE_ERROR);
	ck_assert_int_eq(tags[1].theme, 1);
	ck_assert_int_eq(tags[1].result, RULE_MATCH);
	/* without B's word: the error and the fallback */
	text[sizeof text - 2] = '!';
	n = rules_tag_answer_in(rs, text, strlen(text), &c, md, tags);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(tags[0].result, RULE_ERROR);
	ck_assert_int_eq(tags[1].theme, 2);
	ck_assert_str_eq(tags[1].hit.rule->id, "C/otherwise");
	pcre2_match_data_free(md);
	ruleset_free(rs);
}
END_TEST

START_TEST(test_group_examples)
{
	static const char xml[] = R(
		"<theme code=\"A\" label=\"a\" group=\"g\"><include>good</include></theme>\n"
		"<theme code=\"B\" label=\"b\" group=\"g\"><include>bad</include>\n"
		"<example match=\"false\">good and bad</example>\n"
		"<example match=\"true\">bad</example></theme>\n"
		"<theme code=\"C\" label=\"c\" group=\"g\" otherwise=\"true\">\n"
		"<example match=\"true\">so-so</example>\n"
		"<example match=\"true\">bad</example></theme>\n");
	struct err e;
	struct ruleset *rs = parse(xml, &e);
	char out[4096] = "";
	FILE *f = fmemopen(out, sizeof out, "w");

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(rules_check_examples(rs, f), 1);
	fclose(f);
	/* examples are tagged as answers are: a fallback's too */
	ck_assert_msg(strstr(out, "FAIL r.xml:8: C: expected a match, got none: \"bad\""), "%s", out);
	ck_assert_msg(strstr(out, "4 examples, 3 passed, 1 failed"), "%s", out);
	ruleset_free(rs);
}
END_TEST

/* A compile error's excerpt is cut between characters, never inside one. */
START_TEST(test_error_excerpt_is_utf8)
{
	static const char xml[] = R("<theme code=\"A\" label=\"a\">\n"
				    "<include><![CDATA[\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99"
				    "\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99"
				    "\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99"
				    "\xe2\x80\x99\xe2\x80\x99" "ab(]]></include></theme>\n");
	struct err e;
	const char *msg;

	ck_assert_ptr_null(parse(xml, &e));
	msg = err_first(&e);
	ck_assert_msg(strstr(msg, "does not compile"), "%s", msg);
	ck_assert_msg(utf8_check(msg, strlen(msg), NULL), "not UTF-8: %s", msg);
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
	tcase_add_loop_test(tc, test_written_out, 0, sizeof written / sizeof written[0]);
	tcase_add_test(tc, test_near_and_negation);
	tcase_add_test(tc, test_groups_and_conditions);
	tcase_add_test(tc, test_group_error_takes_nothing);
	tcase_add_test(tc, test_group_examples);
	tcase_add_test(tc, test_error_excerpt_is_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(rules_suite());
}
