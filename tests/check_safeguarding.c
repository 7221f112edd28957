/*
 * Safeguarding themes: the rules file's attribute, inherited and refused
 * where it cannot work; the starter set (samples/rules/safeguarding.rules.xml)
 * against the test texts of tests/fixtures/safeguarding/texts.tsv, with the
 * exercise's own rule set; the review (safeguard.h) and what erasure and
 * the counts make of the flags.
 */
#include <string.h>

#include "rules.h"
#include "testutil.h"

#define R(body) "<rules>\n" body "</rules>\n"

static struct ruleset *parse(const char *xml, struct err *e)
{
	err_init(e);
	return rules_parse(xml, strlen(xml), "r.xml", e);
}

START_TEST(test_attribute_inherited)
{
	struct err e;
	struct ruleset *rs = parse(R("<theme code=\"A\" label=\"a\"><include>a</include></theme>\n"
				     "<theme code=\"S\" label=\"s\" safeguarding=\"true\"/>\n"
				     "<theme code=\"S1\" label=\"s1\" parent=\"S\"><include>b</include></theme>\n"
				     "<theme code=\"S11\" label=\"s11\" parent=\"S1\"><include>c</include></theme>\n"),
				   &e);

	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(rs->themes[rules_find(rs, "A")].safeguarding, 0);
	ck_assert_int_eq(rs->themes[rules_find(rs, "S")].safeguarding, 1);
	ck_assert_int_eq(rs->themes[rules_find(rs, "S1")].safeguarding, 1);
	ck_assert_int_eq(rs->themes[rules_find(rs, "S11")].safeguarding, 1);
	ruleset_free(rs);
}
END_TEST

static const struct {
	const char *name, *xml, *needle;
} bad[] = {
	{ "under a counted theme", R("<theme code=\"A\" label=\"a\"><include>a</include></theme>\n"
				     "<theme code=\"S\" label=\"s\" parent=\"A\" safeguarding=\"true\">"
				     "<include>b</include></theme>\n"),
	  "r.xml:3: theme 'S' is safeguarding=\"true\" but its parent 'A' is not" },
	{ "in a group", R("<theme code=\"A\" label=\"a\" group=\"g\"><include>a</include></theme>\n"
			  "<theme code=\"S\" label=\"s\" group=\"g\" safeguarding=\"true\">"
			  "<include>b</include></theme>\n"),
	  "r.xml:3: theme 'S' is safeguarding=\"true\" and in group 'g'" },
	{ "not a boolean", R("<theme code=\"S\" label=\"s\" safeguarding=\"maybe\">"
			     "<include>b</include></theme>\n"), "r.xml:2:" },
};

START_TEST(test_refused)
{
	struct err e;
	struct ruleset *rs = parse(bad[_i].xml, &e);

	ck_assert_msg(rs == NULL, "%s: loaded", bad[_i].name);
	ck_assert_msg(strstr(err_first(&e), bad[_i].needle) != NULL, "%s: got '%s'", bad[_i].name,
		      err_first(&e));
}
END_TEST

/* How many of the set's examples fail (their report thrown away). */
static int examples_failing(const struct ruleset *rs)
{
	FILE *null = fopen("/dev/null", "w");
	int n;

	ck_assert(null != NULL);
	n = rules_check_examples(rs, null);
	fclose(null);
	return n;
}

/* The safeguarding codes `rs` finds in `text`, space-separated, sub-themes only. */
static void found(const struct ruleset *rs, const char *text, char *out, size_t cap)
{
	struct rule_tag tags[64];
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int n;

	ck_assert(rs->nthemes <= 64);
	n = rules_tag_answer(rs, text, strlen(text), NULL, md, tags);
	ck_assert_int_ge(n, 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const struct rule_theme *t = &rs->themes[tags[i].theme];

		ck_assert_int_eq(tags[i].result, RULE_MATCH);
		if (!t->safeguarding || t->parent < 0)
			continue;
		if (out[0])
			strncat(out, " ", cap - strlen(out) - 1);
		strncat(out, t->code, cap - strlen(out) - 1);
	}
	if (!out[0])
		snprintf(out, cap, "none");
	pcre2_match_data_free(md);
}

/* Each text of the fixture is found by exactly the themes it names. */
static void check_texts(const struct ruleset *rs)
{
	FILE *f = fopen(test_path("TALLY_FIXTURES", "safeguarding/texts.tsv"), "r");
	char line[1024], got[256];
	int n = 0, disclosures = 0, controls = 0;

	ck_assert(f != NULL);
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		found(rs, tab + 1, got, sizeof got);
		ck_assert_msg(!strcmp(got, line), "\"%s\": expected %s, found %s", tab + 1, line, got);
		n++;
		if (strcmp(line, "none"))
			disclosures++;
		else
			controls++;
	}
	fclose(f);
	ck_assert_int_ge(disclosures, 15);
	ck_assert_int_ge(controls, 8);
	ck_assert_int_eq(n, disclosures + controls);
}

START_TEST(test_starter_set)
{
	struct err e;
	struct ruleset *rs;

	err_init(&e);
	rs = rules_load(test_path("TALLY_SAMPLES", "rules/safeguarding.rules.xml"), &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(examples_failing(rs), 0);
	check_texts(rs);
	ruleset_free(rs);
}
END_TEST

/* The whole of a file, NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert(buf != NULL);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * Used as docs/safeguarding.md says: the starter set's word lists and
 * themes copied to the end of the exercise's rules file. Every example of
 * both still holds, and the texts find the same safeguarding themes.
 */
START_TEST(test_with_exercise_rules)
{
	size_t nmain, nsg;
	char *main_xml = slurp(test_path("TALLY_SAMPLES", "rules/twb-2019.rules.xml"), &nmain);
	char *sg = slurp(test_path("TALLY_SAMPLES", "rules/safeguarding.rules.xml"), &nsg);
	char *end = strstr(main_xml, "</rules>"), *from = strstr(sg, "</title>"),
	     *to = strstr(sg, "</rules>"), *both;
	struct ruleset *rs;
	struct err e;

	ck_assert(end && from && to);
	from += strlen("</title>");
	both = malloc(nmain + nsg + 1);
	ck_assert(both != NULL);
	sprintf(both, "%.*s%.*s</rules>\n", (int)(end - main_xml), main_xml, (int)(to - from), from);
	/* <words> go before the themes in a rules file: put the main file's first. */
	{
		char *words = strstr(both + (end - main_xml), "<words"), *title_end = strstr(both, "</title>");
		char *last_words = strstr(both + (end - main_xml), "<theme");
		size_t wlen = (size_t)(last_words - words);
		char *moved = strndup(words, wlen);

		ck_assert(title_end && words && last_words && moved);
		title_end += strlen("</title>");
		memmove(title_end + wlen, title_end, (size_t)(words - title_end));
		memcpy(title_end, moved, wlen);
		free(moved);
	}
	err_init(&e);
	rs = rules_parse(both, strlen(both), "both.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	ck_assert_int_eq(examples_failing(rs), 0);
	ck_assert_int_eq(rs->themes[rules_find(rs, "SG-ABUSE")].safeguarding, 1);
	ck_assert_int_eq(rs->themes[rules_find(rs, "ACCESS-PARKING")].safeguarding, 0);
	check_texts(rs);
	ruleset_free(rs);
	free(both);
	free(main_xml);
	free(sg);
}
END_TEST

static Suite *safeguarding_suite(void)
{
	Suite *s = suite_create("safeguarding");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_attribute_inherited);
	tcase_add_loop_test(tc, test_refused, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, test_starter_set);
	tcase_add_test(tc, test_with_exercise_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(safeguarding_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
