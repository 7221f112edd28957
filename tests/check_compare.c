/* Comparing two entries of a form: free-text normalisation, answers, columns. */
#include <string.h>

#include "compare.h"
#include "testutil.h"

/* ---- normalisation ------------------------------------------------------- */

static const struct {
	const char *in;
	const char *out; /* NULL: refused as not UTF-8 */
} norm[] = {
	{ "", "" },
	{ "The nurses were kind", "the nurses were kind" },
	{ "  The   nurses\twere\nKIND.  ", "the nurses were kind" },
	{ "Caf\xc3\xa9", "caf\xc3\xa9" },                  /* é composed */
	{ "Cafe\xcc\x81", "caf\xc3\xa9" },                 /* e + combining acute: composed */
	{ "CAFE\xcc\x81", "caf\xc3\xa9" },                 /* É decomposed, folded */
	{ "It\xe2\x80\x99s \xe2\x80\x9cgreat\xe2\x80\x9d!", "its great" }, /* curly quotes */
	{ "It's \"great\"!", "its great" },
	{ "Stra\xc3\x9f" "e", "strasse" },                 /* ß: full case folding */
	{ "STRASSE", "strasse" },
	{ "\xe1\xba\x9e", "ss" },                          /* capital sharp s */
	{ "\xc4\xb0stanbul", "i\xcc\x87stanbul" },         /* Turkish dotted capital I */
	{ "ISTANBUL", "istanbul" },
	{ "\xc4\xb1", "\xc4\xb1" },                        /* dotless i stays itself */
	{ "\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xce\xbf\xcf\x83" }, /* ΟΔΟΣ */
	{ "\xce\xbf\xce\xb4\xce\xbf\xcf\x82", "\xce\xbf\xce\xb4\xce\xbf\xcf\x83" }, /* οδος, final ς */
	{ "Great \xf0\x9f\x91\x8d", "great \xf0\x9f\x91\x8d" }, /* emoji kept */
	{ "\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4" },    /* variation selector dropped */
	{ "a\xe2\x80\x8b" "b", "ab" },                     /* zero-width space dropped */
	{ "non\xc2\xa0" "breaking", "non breaking" },      /* no-break space is space */
	{ "well-being", "wellbeing" },
	{ "A&E \xe2\x80\x93 4 hours", "ae 4 hours" },      /* en dash is punctuation */
	{ "\xc2\xa3" "9 + parking", "\xc2\xa3" "9 + parking" }, /* symbols are not */
	{ "...!?", "" },
	{ "\xef\xac\x81nd", "find" },                      /* ﬁ ligature folds to fi */
	{ "caf\xe9", NULL },                               /* Latin-1, not UTF-8 */
	{ "\xed\xa0\x80", NULL },                          /* an encoded surrogate */
};

START_TEST(test_normalise)
{
	char *got = NULL;
	int rc = compare_normalise(norm[_i].in, strlen(norm[_i].in), &got);

	if (!norm[_i].out) {
		ck_assert_msg(rc == -2, "'%s' taken as UTF-8", norm[_i].in);
		ck_assert_ptr_null(got);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strcmp(got, norm[_i].out) == 0, "'%s' gave '%s', expected '%s'", norm[_i].in,
		      got, norm[_i].out);
	free(got);
}
END_TEST

static const struct {
	const char *a, *b;
	int same;
} texts[] = {
	{ "Caf\xc3\xa9 au lait", "CAFE\xcc\x81 AU LAIT", 1 },
	{ "caf\xc3\xa9", "cafe", 0 },                      /* accents are kept */
	{ "It's fine", "It\xe2\x80\x99s fine.", 1 },
	{ "Stra\xc3\x9f" "e", "STRASSE", 1 },
	{ "\xc4\xb0", "i\xcc\x87", 1 },                    /* İ and i + dot above */
	{ "\xc4\xb0", "i", 0 },
	{ "I", "\xc4\xb1", 0 },                            /* I and dotless ı */
	{ "great \xf0\x9f\x91\x8d", "great", 0 },
	{ "GREAT \xf0\x9f\x91\x8d", "great \xf0\x9f\x91\x8d", 1 },
	{ "The  staff\nwere kind", "the staff were kind!", 1 },
	{ "The staff were kind", "The staff were rude", 0 },
	{ "caf\xe9", "caf\xe9", 1 },                       /* not UTF-8: bytes must agree */
	{ "caf\xe9", "caf\xc3\xa9", 0 },
	{ NULL, "", 1 },
	{ NULL, "  ...  ", 1 },
};

START_TEST(test_text)
{
	ck_assert_msg(compare_text(texts[_i].a, texts[_i].b) == texts[_i].same,
		      "'%s' and '%s' should %s", texts[_i].a ? texts[_i].a : "(null)", texts[_i].b,
		      texts[_i].same ? "agree" : "differ");
	ck_assert_int_eq(compare_text(texts[_i].b, texts[_i].a), texts[_i].same);
}
END_TEST

/* ---- answers ------------------------------------------------------------- */

static const long long o14[] = { 1, 4 }, o41[] = { 4, 1, 4 }, o1[] = { 1 };

static const struct {
	int free_text;
	struct cmp_value a, b;
	int same;
} values[] = {
	/* Ticked options are a set: order and repeats do not matter. */
	{ 0, { CMP_ANSWERED, o14, 2, NULL }, { CMP_ANSWERED, o41, 3, NULL }, 1 },
	{ 0, { CMP_ANSWERED, o1, 1, NULL }, { CMP_ANSWERED, o14, 2, NULL }, 0 },
	/* Left blank and nothing stored are the same; both differ from unreadable. */
	{ 0, { CMP_SKIPPED, NULL, 0, NULL }, { CMP_ABSENT, NULL, 0, NULL }, 1 },
	{ 0, { CMP_SKIPPED, NULL, 0, NULL }, { CMP_UNREADABLE, NULL, 0, NULL }, 0 },
	{ 1, { CMP_UNREADABLE, NULL, 0, NULL }, { CMP_UNREADABLE, NULL, 0, NULL }, 1 },
	{ 0, { CMP_ANSWERED, o1, 1, NULL }, { CMP_SKIPPED, NULL, 0, NULL }, 0 },
	{ 1, { CMP_ANSWERED, NULL, 0, "kind" }, { CMP_UNREADABLE, NULL, 0, NULL }, 0 },
	/* Closed text (scale, postcode) exactly; free text normalised. */
	{ 0, { CMP_ANSWERED, NULL, 0, "7" }, { CMP_ANSWERED, NULL, 0, "7" }, 1 },
	{ 0, { CMP_ANSWERED, NULL, 0, "7" }, { CMP_ANSWERED, NULL, 0, "8" }, 0 },
	{ 0, { CMP_ANSWERED, NULL, 0, "Kind" }, { CMP_ANSWERED, NULL, 0, "kind" }, 0 },
	{ 1, { CMP_ANSWERED, NULL, 0, "Kind." }, { CMP_ANSWERED, NULL, 0, "kind" }, 1 },
	{ 1, { CMP_ANSWERED, NULL, 0, "na\xc3\xafve" }, { CMP_ANSWERED, NULL, 0, "NAI\xcc\x88VE" }, 1 },
};

START_TEST(test_values)
{
	ck_assert_msg(compare_values(values[_i].free_text, &values[_i].a, &values[_i].b) ==
			      values[_i].same, "case %d", _i);
	ck_assert_int_eq(compare_values(values[_i].free_text, &values[_i].b, &values[_i].a),
			 values[_i].same);
}
END_TEST

/* ---- columns ------------------------------------------------------------- */

static const struct {
	const char *in;
	size_t width;
	const char *line, *rest;
} wraps[] = {
	{ "the quick brown fox", 10, "the quick", "brown fox" },
	{ "the quick brown fox", 9, "the quick", "brown fox" },
	{ "the quick brown fox", 8, "the", "quick brown fox" },
	{ "abcdefghijklmno", 5, "abcde", "fghijklmno" },
	{ "two\nlines", 40, "two", "lines" },
	{ "short", 40, "short", "" },
	{ "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87", 5, "\xe4\xb8\xad\xe6\x96\x87",
	  "\xe4\xb8\xad\xe6\x96\x87" },                    /* wide characters: 2 columns each */
	{ "caf\xc3\xa9 caf\xc3\xa9", 4, "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "Cafe\xcc\x81 ok", 5, "Cafe\xcc\x81", "ok" },   /* a combining mark takes no column */
};

START_TEST(test_wrap)
{
	const char *next;
	size_t len = compare_wrap(wraps[_i].in, wraps[_i].width, &next);

	ck_assert_int_eq(len, strlen(wraps[_i].line));
	ck_assert_int_eq(memcmp(wraps[_i].in, wraps[_i].line, len), 0);
	ck_assert_str_eq(next, wraps[_i].rest);
}
END_TEST

START_TEST(test_width)
{
	ck_assert_int_eq(compare_width("abc", 3), 3);
	ck_assert_int_eq(compare_width("\xf0\x9f\x91\x8d\xc3\xa9", 6), 3); /* 👍é */
	ck_assert_int_eq(compare_width("e\xcc\x81", 3), 1);
	ck_assert_int_eq(compare_width("\xff", 1), 1);
}
END_TEST

/* Every line of a table fits in COMPARE_TABLE_WIDTH columns and holds both values. */
START_TEST(test_table)
{
	static const char long_text[] =
		"The receptionist at the walk-in centre was very kind and explained how long "
		"the wait would be, which made a real difference \xf0\x9f\x91\x8d";
	struct cmp_row rows[] = {
		{ "UEC-SAT", "2 Satisfied", "3 Neither satisfied nor dissatisfied" },
		{ "UEC-WELL", long_text, "(left blank)" },
	};
	char *buf = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	compare_print_table(f, "Question", "First entry (Jo Bloggs)",
			    "Second entry (Sam Smith)", rows, 2);
	fclose(f);
	for (char *line = buf, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		ck_assert_ptr_nonnull(end);
		ck_assert_msg(compare_width(line, (size_t)(end - line)) <= COMPARE_TABLE_WIDTH,
			      "too wide: %.*s", (int)(end - line), line);
		ck_assert_msg(end == line || end[-1] != ' ', "trailing space: %.*s",
			      (int)(end - line), line);
		lines++;
	}
	ck_assert_ptr_nonnull(strstr(buf, "First entry (Jo Bloggs)"));
	ck_assert_ptr_nonnull(strstr(buf, "3 Neither satisfied nor"));
	ck_assert_ptr_nonnull(strstr(buf, "dissatisfied"));
	ck_assert_ptr_nonnull(strstr(buf, "which made a\n"));
	ck_assert_ptr_nonnull(strstr(buf, "real difference \xf0\x9f\x91\x8d\n"));
	ck_assert_ptr_nonnull(strstr(buf, "(left blank)"));
	/* The long answer wraps over several lines of its column. */
	ck_assert_uint_ge(lines, 7);
	free(buf);
}
END_TEST

static Suite *compare_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");

	tcase_add_loop_test(tc, test_normalise, 0, (int)(sizeof norm / sizeof norm[0]));
	tcase_add_loop_test(tc, test_text, 0, (int)(sizeof texts / sizeof texts[0]));
	tcase_add_loop_test(tc, test_values, 0, (int)(sizeof values / sizeof values[0]));
	tcase_add_loop_test(tc, test_wrap, 0, (int)(sizeof wraps / sizeof wraps[0]));
	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(compare_suite());
}
