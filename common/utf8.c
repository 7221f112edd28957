#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* What seq() returns for an invalid sequence; valid ones give their length. */
enum {
	BAD_TRUNCATED = -1,
	BAD_OVERLONG = -2,
	BAD_SURROGATE = -3,
	BAD_TOO_BIG = -4,
	BAD_CONTINUATION = -5,
	BAD_BYTE = -6,
};

/*
 * Decodes the structure of the sequence at p (n > 0 bytes available):
 * returns its length (1..4) when valid, or one of the BAD_ codes.
 */
static int seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xBF;
	int below = BAD_TRUNCATED, above = BAD_TRUNCATED;
	int len;

	if (c < 0x80)
		return 1;
	if (c < 0xC0)
		return BAD_CONTINUATION;
	if (c < 0xC2)
		return BAD_OVERLONG;	/* C0, C1: two-byte forms of ASCII */
	if (c < 0xE0) {
		len = 2;
	} else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0) {
			lo = 0xA0;
			below = BAD_OVERLONG;
		} else if (c == 0xED) {
			hi = 0x9F;
			above = BAD_SURROGATE;
		}
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0) {
			lo = 0x90;
			below = BAD_OVERLONG;
		} else if (c == 0xF4) {
			hi = 0x8F;
			above = BAD_TOO_BIG;
		}
	} else {
		return BAD_BYTE;	/* F5..FF never appear */
	}
	if (n < 2 || (p[1] & 0xC0) != 0x80)
		return BAD_TRUNCATED;
	if (p[1] < lo)
		return below;
	if (p[1] > hi)
		return above;
	for (int i = 2; i < len; i++)
		if ((size_t)i >= n || (p[i] & 0xC0) != 0x80)
			return BAD_TRUNCATED;
	return len;
}

int utf8_check(const char *s, size_t n, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int len;

	while (i < n) {
		if (p[i] < 0x80) {
			/* ASCII run: eight bytes at a time, then the tail. */
			while (n - i >= 8) {
				uint64_t v;

				memcpy(&v, p + i, 8);
				if (v & UINT64_C(0x8080808080808080))
					break;
				i += 8;
			}
			while (i < n && p[i] < 0x80)
				i++;
			continue;
		}
		len = seq(p + i, n - i);
		if (len < 0) {
			if (bad_at)
				*bad_at = i;
			return 0;
		}
		i += (size_t)len;
	}
	return 1;
}

const char *utf8_problem(const char *s, size_t n, size_t at)
{
	static const char *const bytes[] = {
		"invalid byte 0xF5", "invalid byte 0xF6", "invalid byte 0xF7",
		"invalid byte 0xF8", "invalid byte 0xF9", "invalid byte 0xFA",
		"invalid byte 0xFB", "invalid byte 0xFC", "invalid byte 0xFD",
		"invalid byte 0xFE", "invalid byte 0xFF",
	};
	const unsigned char *p = (const unsigned char *)s;

	if (at >= n)
		return NULL;
	switch (seq(p + at, n - at)) {
	case BAD_TRUNCATED:
		return "truncated sequence";
	case BAD_OVERLONG:
		return "overlong encoding";
	case BAD_SURROGATE:
		return "encoded surrogate";
	case BAD_TOO_BIG:
		return "code point above U+10FFFF";
	case BAD_CONTINUATION:
		return "unexpected continuation byte";
	case BAD_BYTE:
		return bytes[p[at] - 0xF5];
	default:
		return NULL;
	}
}

size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = max;
	size_t len;

	if (n <= max)
		return n;
	/* p[max] is the first byte left out: is it inside a sequence? */
	while (i > 0 && max - i < 3 && (p[i] & 0xC0) == 0x80)
		i--;
	if (i == max || p[i] < 0xC0)
		return max;
	if (p[i] < 0xE0)
		len = 2;
	else if (p[i] < 0xF0)
		len = 3;
	else
		len = 4;
	return i + len > max ? i : max;
}

int utf8_strip_bom(const char **s, size_t *n)
{
	if (*n < 3 || memcmp(*s, "\xEF\xBB\xBF", 3) != 0)
		return 0;
	*s += 3;
	*n -= 3;
	return 1;
}
