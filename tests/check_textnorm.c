/* check_textnorm.c: the normalised copy that redaction and postcodes read, and its map back. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "textnorm.h"
#include "utf8.h"

struct norm_case {
	const char *in;
	const char *out;
};

/* What the copy says, table by table. */
static const struct norm_case cases[] = {
	{ "", "" },
	{ "plain ASCII, 07700 900123", "plain ASCII, 07700 900123" },
	{ "07700\xC2\xA0" "900123", "07700 900123" },              /* no-break space */
	{ "07700\xE2\x80\xAF" "900123", "07700 900123" },          /* narrow no-break space */
	{ "07700\xE2\x80\x89" "900123", "07700 900123" },          /* thin space */
	{ "07700\xE3\x80\x80" "900123", "07700 900123" },          /* ideographic space */
	{ "07700\xE1\x9A\x80" "900123", "07700 900123" },          /* Ogham space mark: Zs, no decomposition */
	{ "077\xE2\x80\x8B" "00900123", "07700900123" },           /* zero-width space */
	{ "077\xE2\x80\x8C" "00\xE2\x80\x8D" "900123", "07700900123" }, /* ZWNJ, ZWJ */
	{ "\xEF\xBB\xBF" "943\xE2\x81\xA0" "476", "943476" },      /* BOM, word joiner */
	{ "ST4\xC2\xAD" "6QG", "ST46QG" },                         /* soft hyphen */
	{ "\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\x94 \xEF\xBC\x96\xEF\xBC\xB1\xEF\xBC\xA7",
	  "ST4 6QG" },                                             /* fullwidth */
	{ "\xF0\x9D\x9F\x8E\xF0\x9D\x9F\x97", "09" },              /* mathematical bold digits */
	{ "e\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9" },             /* composed */
	{ "\xEF\xAC\x81", "fi" },                                  /* ligature */
	{ "\xE2\x80\xA6", "..." },
	{ "\xE2\x80\x99 \xE2\x80\x9C", "\xE2\x80\x99 \xE2\x80\x9C" }, /* quotation marks stay */
	{ "Zo\xC3\xAB \xC5\x81ukasz", "Zo\xC3\xAB \xC5\x81ukasz" },
	{ "\xE2\x80\xAE" "321\xE2\x80\xAC", "321" },               /* bidirectional override */
	{ "a\tb\nc", "a\tb\nc" },                                  /* controls are not spaces */
	/* invalid bytes: each one 0xFF, never joined into a character */
	{ "\xC3", "\xFF" },
	{ "\xC3\xE2\x80\x8B\xA9", "\xFF\xFF" },
	{ "a\xED\xA0\x80z", "a\xFF\xFF\xFFz" },                    /* encoded surrogate */
	{ "\xC0\xAF", "\xFF\xFF" },                                /* overlong */
	{ "\xF4\x90\x80\x80", "\xFF\xFF\xFF\xFF" },                /* above U+10FFFF */
	{ "\xFF" "1", "\xFF" "1" },
};

START_TEST(test_cases)
{
	const struct norm_case *c = &cases[_i];
	struct textnorm t;
	char buf[256];
	long got;

	ck_assert_int_eq(textnorm_make(&t, c->in, strlen(c->in)), 0);
	ck_assert_uint_eq(t.len, strlen(c->out));
	ck_assert_msg(!memcmp(t.text, c->out, t.len), "case %d: wrong copy", _i);
	ck_assert_int_eq(t.text[t.len], '\0');
	ck_assert_uint_eq(t.orig_len, strlen(c->in));
	textnorm_release(&t);

	got = textnorm_copy(c->in, strlen(c->in), buf, sizeof buf);
	ck_assert_int_eq(got, (long)strlen(c->out));
	ck_assert_str_eq(buf, c->out);
}
END_TEST

/* Plain ASCII is not copied: the copy is the text, the map the identity. */
START_TEST(test_ascii_not_copied)
{
	const char *s = "Ring 07700 900123";
	struct textnorm t;
	size_t a, b;

	ck_assert_int_eq(textnorm_make(&t, s, strlen(s)), 0);
	ck_assert_ptr_eq(t.text, s);
	ck_assert_ptr_null(t.from);
	textnorm_span(&t, 5, 17, &a, &b);
	ck_assert_uint_eq(a, 5);
	ck_assert_uint_eq(b, 17);
	textnorm_release(&t);
	ck_assert_int_eq(textnorm_make(&t, NULL, 0), 0);
	ck_assert_uint_eq(t.len, 0);
	ck_assert_str_eq(t.text, "");
	textnorm_release(&t);
}
END_TEST

/* A span of the copy maps back to exactly the original bytes it came from. */
START_TEST(test_spans_map_back)
{
	/* "Ring " + 07700<NBSP>900<ZWSP>123 + " now" */
	const char *s = "Ring 07700\xC2\xA0" "900\xE2\x80\x8B" "123 now";
	struct textnorm t;
	size_t a, b;

	ck_assert_int_eq(textnorm_make(&t, s, strlen(s)), 0);
	ck_assert_str_eq(t.text, "Ring 07700 900123 now");
	textnorm_span(&t, 5, 17, &a, &b);   /* "07700 900123" */
	ck_assert_uint_eq(a, 5);
	ck_assert_uint_eq(b, strlen("Ring 07700\xC2\xA0" "900\xE2\x80\x8B" "123"));
	textnorm_span(&t, 17, 21, &a, &b);  /* " now" */
	ck_assert_str_eq(s + a, " now");
	ck_assert_uint_eq(b, strlen(s));
	textnorm_release(&t);

	/* fullwidth: each digit of the copy is three bytes of the original */
	s = "\xEF\xBC\x90\xEF\xBC\x97x";
	ck_assert_int_eq(textnorm_make(&t, s, strlen(s)), 0);
	ck_assert_str_eq(t.text, "07x");
	textnorm_span(&t, 1, 2, &a, &b);
	ck_assert_uint_eq(a, 3);
	ck_assert_uint_eq(b, 6);
	textnorm_release(&t);

	/* a span that ends inside what one character became takes the whole character */
	s = "\xC2\xBD" "b";   /* ½ is "1⁄2" */
	ck_assert_int_eq(textnorm_make(&t, s, strlen(s)), 0);
	ck_assert_str_eq(t.text, "1\xE2\x81\x84" "2b");
	textnorm_span(&t, 0, 1, &a, &b);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 2);
	textnorm_release(&t);

	/* an accent written apart belongs to its letter */
	s = "Zoe\xCC\x88!";
	ck_assert_int_eq(textnorm_make(&t, s, strlen(s)), 0);
	ck_assert_str_eq(t.text, "Zo\xC3\xAB!");
	textnorm_span(&t, 2, 4, &a, &b);
	ck_assert_uint_eq(a, 2);
	ck_assert_uint_eq(b, 5);
	textnorm_release(&t);
}
END_TEST

START_TEST(test_copy_too_long)
{
	char buf[8];

	ck_assert_int_eq(textnorm_copy("ST4 6QG", 7, buf, sizeof buf), 7);
	ck_assert_int_eq(textnorm_copy("ST4  6QG", 8, buf, sizeof buf), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(textnorm_copy("", 0, buf, sizeof buf), 0);
	ck_assert_int_eq(textnorm_copy("a", 1, buf, 0), -1);
	/* zero-width characters take no room in the copy */
	ck_assert_int_eq(textnorm_copy("S\xE2\x80\x8BT\xE2\x80\x8B" "4", 9, buf, sizeof buf), 3);
	ck_assert_str_eq(buf, "ST4");
}
END_TEST

/*
 * Random texts of awkward pieces: the map is in order, in bounds, covers
 * whole characters, and valid UTF-8 gives valid UTF-8.
 */
START_TEST(test_random_pieces)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "\n", "\r\n", "\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x8B",
		"\xE2\x80\x8D", "\xEF\xBB\xBF", "\xEF\xBC\x91", "\xCC\x81", "\xCC\xA3", "\xC3\xA9",
		"\xF0\x9F\x91\xA9", "\xF0\x9F\x87\xAC", "\xEA\xB0\x80", "\xE1\x84\x80", "\xE1\x85\xA1",
		"\xC2\xBD", "\xEF\xB7\xBA", "\xFF", "\xC3", "\xED\xA0\x80", "\xE2\x80\xA6", "\xC2\xAD",
	};
	size_t np = sizeof pieces / sizeof *pieces;
	unsigned x = 777;
	char buf[1024];

	for (int round = 0; round < 5000; round++) {
		struct textnorm t;
		size_t len = 0, k = 1 + (x >> 4) % 40;
		int valid;

		for (size_t i = 0; i < k; i++) {
			const char *p;

			x = x * 1103515245u + 12345u;
			p = pieces[(x >> 8) % np];
			if (len + strlen(p) >= sizeof buf)
				break;
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		buf[len] = '\0';
		valid = utf8_check(buf, len, NULL);
		ck_assert_int_eq(textnorm_make(&t, buf, len), 0);
		if (valid)
			ck_assert(utf8_check(t.text, t.len, NULL));
		for (size_t i = 0; t.from && i < t.len; i++) {
			size_t a, b;

			ck_assert(t.from[i] < t.to[i] && t.to[i] <= len);
			ck_assert(i == 0 || t.from[i] >= t.from[i - 1]);
			textnorm_span(&t, i, i + 1, &a, &b);
			if (valid) {
				ck_assert(utf8_check(buf + a, b - a, NULL));
				ck_assert(b == len || ((unsigned char)buf[b] & 0xC0) != 0x80);
			}
		}
		textnorm_release(&t);
	}
}
END_TEST

/* A megabyte of accents on one letter: the cap on a unit keeps it linear. */
START_TEST(test_long_combining_run)
{
	size_t n = 1 << 20;
	char *s = malloc(n + 1);
	struct textnorm t;

	ck_assert_ptr_nonnull(s);
	s[0] = 'a';
	for (size_t i = 1; i + 1 < n; i += 2) {
		/* alternating classes 230 and 220: the worst order for a bubble sort */
		s[i] = '\xCC';
		s[i + 1] = (i / 2) % 2 ? '\x81' : '\xA3';
	}
	s[n - 1] = 'b';
	s[n] = '\0';
	ck_assert_int_eq(textnorm_make(&t, s, n), 0);
	ck_assert(utf8_check(t.text, t.len, NULL));
	ck_assert_int_eq(t.text[t.len - 1], 'b');
	textnorm_release(&t);
	free(s);
}
END_TEST

static Suite *textnorm_suite(void)
{
	Suite *s = suite_create("textnorm");
	TCase *tc = tcase_create("textnorm");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cases, 0, sizeof cases / sizeof *cases);
	tcase_add_test(tc, test_ascii_not_copied);
	tcase_add_test(tc, test_spans_map_back);
	tcase_add_test(tc, test_copy_too_long);
	tcase_add_test(tc, test_random_pieces);
	tcase_add_test(tc, test_long_combining_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	Suite *s = textnorm_suite();
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
