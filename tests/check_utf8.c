/* check_utf8.c: unit tests for common/utf8.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

struct utf8_case {
	const char *name;
	const char *s;
	size_t n;		/* 0: strlen(s) */
	int valid;
	size_t bad_at;
	const char *problem;	/* what utf8_problem() says at bad_at */
};

static const struct utf8_case cases[] = {
	{ "empty", "", 0, 1, 0, NULL },
	{ "ascii", "hello, world", 0, 1, 0, NULL },
	{ "long ascii", "abcdefghijklmnopqrstuvwxyz0123456789", 0, 1, 0, NULL },
	{ "NUL is valid", "ab\0cd", 5, 1, 0, NULL },
	{ "two-byte", "caf\xC3\xA9", 0, 1, 0, NULL },
	{ "three-byte", "\xE2\x82\xAC 5", 0, 1, 0, NULL },
	{ "four-byte", "\xF0\x9F\x98\x80", 0, 1, 0, NULL },
	{ "smallest two-byte", "\xC2\x80", 0, 1, 0, NULL },
	{ "smallest three-byte", "\xE0\xA0\x80", 0, 1, 0, NULL },
	{ "smallest four-byte", "\xF0\x90\x80\x80", 0, 1, 0, NULL },
	{ "last before surrogates", "\xED\x9F\xBF", 0, 1, 0, NULL },
	{ "first after surrogates", "\xEE\x80\x80", 0, 1, 0, NULL },
	{ "U+FFFF", "\xEF\xBF\xBF", 0, 1, 0, NULL },
	{ "U+10FFFF", "\xF4\x8F\xBF\xBF", 0, 1, 0, NULL },
	{ "mixed after ascii run", "abcdefghijklmn\xC3\xA9opqrstuvwxyz\xE2\x82\xAC", 0, 1, 0, NULL },

	{ "overlong C0 AF", "a\xC0\xAF", 0, 0, 1, "overlong encoding" },
	{ "overlong C1", "\xC1\xBF", 0, 0, 0, "overlong encoding" },
	{ "overlong three-byte", "ab\xE0\x80\xAF", 0, 0, 2, "overlong encoding" },
	{ "overlong four-byte", "\xF0\x8F\xBF\xBF", 0, 0, 0, "overlong encoding" },
	{ "surrogate ED A0 80", "x\xED\xA0\x80", 0, 0, 1, "encoded surrogate" },
	{ "surrogate ED BF BF", "\xED\xBF\xBF", 0, 0, 0, "encoded surrogate" },
	{ "above U+10FFFF", "\xF4\x90\x80\x80", 0, 0, 0, "code point above U+10FFFF" },
	{ "F5 byte", "abc\xF5\x80\x80\x80", 0, 0, 3, "invalid byte 0xF5" },
	{ "FF byte", "\xFF", 0, 0, 0, "invalid byte 0xFF" },
	{ "FE byte", "ok\xFE", 0, 0, 2, "invalid byte 0xFE" },
	{ "truncated E2 82 at end", "\xE2\x82", 0, 0, 0, "truncated sequence" },
	{ "truncated E2 82 then ascii", "12345678\xE2\x82z", 0, 0, 8, "truncated sequence" },
	{ "truncated lead at end", "abc\xC3", 0, 0, 3, "truncated sequence" },
	{ "truncated four-byte", "\xF0\x9F\x98", 0, 0, 0, "truncated sequence" },
	{ "lead then lead", "\xC3\xC3\xA9", 0, 0, 0, "truncated sequence" },
	{ "lone continuation", "abcdefgh\x80", 0, 0, 8, "unexpected continuation byte" },
	{ "extra continuation", "\xC3\xA9\xA9", 0, 0, 2, "unexpected continuation byte" },
	{ "latin-1 e acute", "caf\xE9 au lait", 0, 0, 3, "truncated sequence" },
	{ "first of two errors", "ok\x80 then \xFF", 0, 0, 2, "unexpected continuation byte" },
};

START_TEST(test_check_table)
{
	const struct utf8_case *c = &cases[_i];
	size_t n = c->n ? c->n : strlen(c->s);
	size_t at = 12345;
	int valid = utf8_check(c->s, n, &at);

	ck_assert_msg(valid == c->valid, "%s: valid %d, expected %d", c->name, valid, c->valid);
	if (!c->valid) {
		ck_assert_msg(at == c->bad_at, "%s: bad_at %zu, expected %zu", c->name, at,
			      c->bad_at);
		ck_assert_msg(utf8_problem(c->s, n, at) != NULL, "%s: no problem", c->name);
		ck_assert_msg(strcmp(utf8_problem(c->s, n, at), c->problem) == 0,
			      "%s: problem '%s', expected '%s'", c->name,
			      utf8_problem(c->s, n, at), c->problem);
	} else {
		ck_assert_msg(at == 12345, "%s: bad_at touched when valid", c->name);
	}
	/* bad_at may be NULL */
	ck_assert_int_eq(utf8_check(c->s, n, NULL), c->valid);
}
END_TEST

START_TEST(test_problem_valid_or_out_of_range)
{
	ck_assert_ptr_null(utf8_problem("abc", 3, 0));
	ck_assert_ptr_null(utf8_problem("\xC3\xA9", 2, 0));
	ck_assert_ptr_null(utf8_problem("abc", 3, 3));
	ck_assert_ptr_null(utf8_problem("abc", 3, 99));
}
END_TEST

/* Every invalid position is found, whatever its alignment to the fast path. */
START_TEST(test_check_alignment)
{
	char buf[64];

	for (size_t pos = 0; pos < 40; pos++) {
		size_t at = 999;

		memset(buf, 'a', sizeof buf);
		buf[pos] = (char)0x80;
		ck_assert_int_eq(utf8_check(buf, sizeof buf, &at), 0);
		ck_assert_uint_eq(at, pos);
		/* a valid two-byte sequence at the same place is fine */
		buf[pos] = (char)0xC3;
		buf[pos + 1] = (char)0xA9;
		ck_assert_int_eq(utf8_check(buf, sizeof buf, &at), 1);
		/* cut short by the end of the buffer */
		ck_assert_int_eq(utf8_check(buf, pos + 1, &at), 0);
		ck_assert_uint_eq(at, pos);
	}
}
END_TEST

/* Every code point encodes to valid UTF-8, surrogates aside. */
START_TEST(test_check_all_code_points)
{
	unsigned char b[4];
	size_t n, at;

	for (unsigned long cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp < 0x80) {
			b[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			b[0] = (unsigned char)(0xC0 | cp >> 6);
			b[1] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			b[0] = (unsigned char)(0xE0 | cp >> 12);
			b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			b[2] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | cp >> 18);
			b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
			b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			b[3] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			ck_assert_int_eq(utf8_check((char *)b, n, &at), 0);
			ck_assert_str_eq(utf8_problem((char *)b, n, at), "encoded surrogate");
		} else if (utf8_check((char *)b, n, NULL) != 1) {
			ck_abort_msg("U+%04lX rejected", cp);
		}
	}
}
END_TEST

struct prefix_case {
	const char *s;
	size_t max;
	size_t want;
};

static const struct prefix_case prefix_cases[] = {
	{ "hello", 10, 5 },
	{ "hello", 5, 5 },
	{ "hello", 3, 3 },
	{ "hello", 0, 0 },
	{ "caf\xC3\xA9", 4, 3 },		/* would cut é */
	{ "caf\xC3\xA9", 5, 5 },
	{ "caf\xC3\xA9!", 5, 5 },
	{ "\xE2\x82\xAC\xE2\x82\xAC", 1, 0 },
	{ "\xE2\x82\xAC\xE2\x82\xAC", 2, 0 },
	{ "\xE2\x82\xAC\xE2\x82\xAC", 3, 3 },
	{ "\xE2\x82\xAC\xE2\x82\xAC", 4, 3 },
	{ "\xE2\x82\xAC\xE2\x82\xAC", 5, 3 },
	{ "a\xF0\x9F\x98\x80z", 2, 1 },
	{ "a\xF0\x9F\x98\x80z", 4, 1 },
	{ "a\xF0\x9F\x98\x80z", 5, 5 },
	{ "ab\x80\x80\x80\x80\x80", 4, 4 },	/* invalid: cut at max */
	{ "a\xC3\x80\x80\x80", 3, 3 },		/* complete é, then stray bytes */
};

START_TEST(test_prefix_table)
{
	const struct prefix_case *c = &prefix_cases[_i];

	ck_assert_msg(utf8_prefix(c->s, strlen(c->s), c->max) == c->want,
		      "case %d: prefix %zu, expected %zu", _i,
		      utf8_prefix(c->s, strlen(c->s), c->max), c->want);
}
END_TEST

/* A prefix of valid text is always valid text. */
START_TEST(test_prefix_keeps_valid)
{
	const char *s = "x\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80y\xC3\xA9";
	size_t n = strlen(s);

	for (size_t max = 0; max <= n; max++) {
		size_t k = utf8_prefix(s, n, max);

		ck_assert_uint_le(k, max);
		ck_assert_uint_ge(k + 3, max);
		ck_assert_int_eq(utf8_check(s, k, NULL), 1);
	}
}
END_TEST

START_TEST(test_strip_bom)
{
	const char *s = "\xEF\xBB\xBFid,name";
	const char *t = s;
	size_t n = strlen(s);

	ck_assert_int_eq(utf8_strip_bom(&t, &n), 1);
	ck_assert_ptr_eq(t, s + 3);
	ck_assert_uint_eq(n, 7);
	/* only one is stripped */
	ck_assert_int_eq(utf8_strip_bom(&t, &n), 0);
	ck_assert_ptr_eq(t, s + 3);

	t = "\xEF\xBB";
	n = 2;
	ck_assert_int_eq(utf8_strip_bom(&t, &n), 0);
	ck_assert_uint_eq(n, 2);

	t = "\xEF\xBB\xBF";
	n = 3;
	ck_assert_int_eq(utf8_strip_bom(&t, &n), 1);
	ck_assert_uint_eq(n, 0);

	t = "id";
	n = 2;
	ck_assert_int_eq(utf8_strip_bom(&t, &n), 0);
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("check");

	tcase_add_loop_test(tc, test_check_table, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_problem_valid_or_out_of_range);
	tcase_add_test(tc, test_check_alignment);
	tcase_add_test(tc, test_check_all_code_points);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix");
	tcase_add_loop_test(tc, test_prefix_table, 0,
			    (int)(sizeof prefix_cases / sizeof prefix_cases[0]));
	tcase_add_test(tc, test_prefix_keeps_valid);
	tcase_add_test(tc, test_strip_bom);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(utf8_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
