/* check_strbuf.c: unit tests for common/strbuf.c (strings, ALLOC_GROW) and common/trim.c. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "testutil.h"
#include "trim.h"

START_TEST(test_empty)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t n = 99;

	ck_assert_str_eq(sb.buf, "");
	ck_assert_uint_eq(sb.len, 0);
	strbuf_release(&sb); /* nothing allocated: nothing freed */
	ck_assert_str_eq(sb.buf, "");
	s = strbuf_detach(&sb, &n);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(n, 0);
	free(s);
}
END_TEST

START_TEST(test_add)
{
	struct strbuf sb;

	strbuf_init(&sb);
	ck_assert_int_eq(strbuf_addstr(&sb, "ab"), 0);
	ck_assert_int_eq(strbuf_addch(&sb, 'c'), 0);
	ck_assert_int_eq(strbuf_add(&sb, "d\0e", 3), 0);
	ck_assert_uint_eq(sb.len, 6);
	ck_assert_int_eq(memcmp(sb.buf, "abcd\0e", 7), 0);
	strbuf_setlen(&sb, 2);
	ck_assert_str_eq(sb.buf, "ab");
	ck_assert_int_eq(strbuf_addf(&sb, "%s:%d", "x", 42), 0);
	ck_assert_str_eq(sb.buf, "abx:42");
	ck_assert_uint_eq(sb.len, 6);
	strbuf_release(&sb);
	ck_assert_str_eq(sb.buf, "");
	ck_assert_uint_eq(sb.len, 0);
}
END_TEST

/* addf past what is allocated, from empty and from a part-filled buffer. */
START_TEST(test_addf_grows)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000], *s;
	size_t n;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(strbuf_addf(&sb, "%s", "start"), 0);
	ck_assert_int_eq(strbuf_addf(&sb, "[%s]", big), 0);
	ck_assert_uint_eq(sb.len, 5 + 2 + sizeof big - 1);
	ck_assert_uint_eq(strlen(sb.buf), sb.len);
	ck_assert_int_eq(strncmp(sb.buf, "start[xxx", 9), 0);
	ck_assert_int_eq(sb.buf[sb.len - 1], ']');
	s = strbuf_detach(&sb, &n);
	ck_assert_uint_eq(n, strlen(s));
	ck_assert_str_eq(sb.buf, "");
	free(s);
}
END_TEST

/* Bytes written straight into the buffer, taken in with setlen. */
START_TEST(test_setlen_after_grow)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_setlen(&sb, 3); /* nothing allocated: ignored */
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_int_eq(strbuf_addstr(&sb, "ab"), 0);
	ck_assert_int_eq(strbuf_grow(&sb, 10), 0);
	ck_assert_uint_ge(sb.alloc, 13);
	memcpy(sb.buf + sb.len, "cdef", 4);
	strbuf_setlen(&sb, 6);
	ck_assert_str_eq(sb.buf, "abcdef");
	strbuf_setlen(&sb, sb.alloc); /* past the room for the NUL: ignored */
	ck_assert_uint_eq(sb.len, 6);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_many_adds)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(strbuf_addch(&sb, 'a' + i % 26), 0);
	ck_assert_uint_eq(sb.len, 10000);
	ck_assert_uint_ge(sb.alloc, 10001);
	ck_assert_int_eq(sb.buf[25], 'z');
	ck_assert_int_eq(sb.buf[10000], '\0');
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_alloc_grow)
{
	int *v = NULL;
	size_t alloc = 0;

	for (size_t i = 0; i < 1000; i++) {
		ck_assert_int_eq(ALLOC_GROW(v, i + 1, alloc), 0);
		ck_assert_uint_ge(alloc, i + 1);
		v[i] = (int)i;
	}
	for (size_t i = 0; i < 1000; i++)
		ck_assert_int_eq(v[i], (int)i);
	free(v);
}
END_TEST

/* A size that would overflow is refused, and the array is left as it was. */
START_TEST(test_alloc_grow_overflow)
{
	long *v = NULL;
	size_t alloc = 0;

	ck_assert_int_eq(ALLOC_GROW(v, 4, alloc), 0);
	v[3] = 7;
	ck_assert_int_eq(ALLOC_GROW(v, SIZE_MAX / 4, alloc), -1);
	ck_assert_uint_ge(alloc, 4);
	ck_assert_int_eq(v[3], 7);
	free(v);
}
END_TEST

START_TEST(test_trim)
{
	char a[] = " \t\r\n\v\fword and word \f\v\n\r\t ", b[] = "   ", c[] = "", d[] = "x";
	char e[] = "\xC2\xA0nbsp\xC2\xA0";
	size_t start;

	ck_assert_str_eq(trim(a), "word and word");
	ck_assert_str_eq(trim(b), "");
	ck_assert_str_eq(trim(c), "");
	ck_assert_str_eq(trim(d), "x");
	/* A no-break space is content, not white space. */
	ck_assert_str_eq(trim(e), "\xC2\xA0nbsp\xC2\xA0");
	ck_assert_uint_eq(trim_bounds("  ab c ", 7, &start), 4);
	ck_assert_uint_eq(start, 2);
	ck_assert_uint_eq(trim_bounds("ab\0 ", 4, &start), 3);
	ck_assert_uint_eq(trim_bounds("", 0, NULL), 0);
	ck_assert(!trim_is_space('\0'));
	ck_assert(!trim_is_space('x'));
	ck_assert(trim_is_space('\v'));
}
END_TEST

static Suite *strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("strbuf");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_addf_grows);
	tcase_add_test(tc, test_setlen_after_grow);
	tcase_add_test(tc, test_many_adds);
	tcase_add_test(tc, test_alloc_grow);
	tcase_add_test(tc, test_alloc_grow_overflow);
	suite_add_tcase(s, tc);
	tc = tcase_create("trim");
	tcase_add_test(tc, test_trim);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(strbuf_suite());
}
