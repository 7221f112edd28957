/*
 * redact_find.c: passes 1 to 3 of redaction, over the normalised copy:
 * e-mail addresses, NHS and phone numbers, full postcodes. They read ASCII
 * only and look at each byte a bounded number of times.
 */
#include "redact_int.h"
#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* -- 1. e-mail addresses ------------------------------------------------------- */

static int local_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' ||
	       c == '\'' || c >= 0x80;
}

static int domain_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* 1 when [a, b) is a domain: two or more labels, the last 2 or more ASCII letters. */
static int domain_ok(const unsigned char *s, size_t a, size_t b)
{
	size_t dots = 0, last = a, len = 0;

	for (size_t i = a; i < b; i++) {
		if (s[i] == '.') {
			if (i == last)
				return 0;   /* empty label */
			dots++;
			last = i + 1;
		}
	}
	if (!dots || last >= b)
		return 0;
	for (size_t i = last; i < b; i++, len++)
		if (!is_alpha(s[i]))
			return 0;
	return len >= 2;
}

void redact_emails(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, at = 0;

	while (at < n) {
		const unsigned char *p = memchr(s + at, '@', n - at);
		size_t l, r;

		if (!p)
			break;
		at = (size_t)(p - s);
		l = at;
		while (l > 0 && local_char(s[l - 1]))
			l--;
		/* Quotation marks and punctuation before the address are not part of it. */
		while (l < at) {
			size_t q = punct_len(s + l, at - l);

			if (q)
				l += q;
			else if (s[l] < 0x80 && !is_alnum(s[l]))
				l++;
			else
				break;
		}
		r = at + 1;
		while (r < n && domain_char(s[r]))
			r++;
		while (r > at + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
			r--;
		if (l < at && domain_ok(s, at + 1, r) && is_free(j, l, r))
			redact_claim(j, l, r, K_EMAIL);
		at = r > at + 1 ? r : at + 1;
	}
}

/* -- 2. NHS and phone numbers -------------------------------------------------- */

int redact_nhs_valid(const char *digits, size_t n)
{
	int sum = 0, check, zeros = 1;

	if (n != 10)
		return 0;
	for (size_t i = 0; i < 10; i++) {
		if (!is_digit((unsigned char)digits[i]))
			return 0;
		if (digits[i] != '0')
			zeros = 0;
	}
	if (zeros)
		return 0;
	for (int i = 0; i < 9; i++)
		sum += (digits[i] - '0') * (10 - i);
	check = 11 - sum % 11;
	if (check == 11)
		check = 0;
	return check != 10 && check == digits[9] - '0';
}

/* A UK number written from its leading 0: 01 and 05/08 have 10 or 11 digits, 02/03/07/09 have 11. */
static int uk_number_ok(const char *d, size_t n)
{
	if (n < 10 || n > 11 || d[0] != '0')
		return 0;
	switch (d[1]) {
	case '1':
	case '5':
	case '8':
		return 1;
	case '2':
	case '3':
	case '7':
	case '9':
		return n == 11;
	default:
		return 0;
	}
}

/* What may separate the digit groups of one number: 1 to 3 of space, hyphen and brackets. */
static int gap_ok(const unsigned char *s, size_t a, size_t b)
{
	if (b <= a || b - a > 3)
		return 0;
	for (size_t i = a; i < b; i++)
		if (s[i] != ' ' && s[i] != '-' && s[i] != '(' && s[i] != ')')
			return 0;
	return 1;
}

/* Nothing before `a` that makes the digits part of something else: a word, money, a decimal. */
static int left_ok(const unsigned char *s, size_t a)
{
	unsigned char c;

	if (a == 0)
		return 1;
	c = s[a - 1];
	if (is_alnum(c) || c == '_' || c == '#' || c == '$' || c == '@' || c == '\\')
		return 0;
	if ((c == '.' || c == ',' || c == ':') && a >= 2 && is_digit(s[a - 2]))
		return 0;
	if (a >= 2 && s[a - 2] == 0xC2 && c == 0xA3)   /* £ */
		return 0;
	if (a >= 3 && s[a - 3] == 0xE2 && s[a - 2] == 0x82 && c == 0xAC)   /* € */
		return 0;
	return 1;
}

/* Likewise after `b`: no letter, no percentage, no decimal or time going on. */
static int right_ok(const unsigned char *s, size_t n, size_t b)
{
	unsigned char c;

	if (b >= n)
		return 1;
	c = s[b];
	if (is_alnum(c) || c == '_' || c == '%' || c == '@' || c == '\\')
		return 0;
	if ((c == '.' || c == ',' || c == ':') && b + 1 < n && is_digit(s[b + 1]))
		return 0;
	return 1;
}

#define NUM_MAX 17  /* digits read for one number */

/*
 * Tries for a number starting at digit group `k` of the chain (ng groups).
 * Returns how many groups it took, 0 for none.
 */
static size_t number_at(struct job *j, size_t k, size_t ng)
{
	const unsigned char *s = j->s;
	const size_t *g = j->groups;
	char d[NUM_MAX + 1];
	size_t cum[NUM_MAX + 1];     /* digits up to the end of each group taken */
	size_t nd = 0, m = 0, start = g[2 * k];
	int plus = start > 0 && s[start - 1] == '+';

	for (size_t i = k; i < ng && m <= NUM_MAX; i++) {
		size_t len = g[2 * i + 1] - g[2 * i];

		if (nd + len > NUM_MAX)
			break;
		memcpy(d + nd, s + g[2 * i], len);
		nd += len;
		cum[m++] = nd;
	}
	if (!m)
		return 0;
	d[nd] = '\0';

	/* An NHS number: ten digits, alone or 3-3-4. */
	if (!plus) {
		size_t t = 0;

		if (cum[0] == 10)
			t = 1;
		else if (m >= 3 && cum[0] == 3 && cum[1] == 6 && cum[2] == 10 &&
			 g[2 * k + 2] - g[2 * k + 1] == 1 && g[2 * k + 4] - g[2 * k + 3] == 1 &&
			 (s[g[2 * k + 1]] == ' ' || s[g[2 * k + 1]] == '-') &&
			 (s[g[2 * k + 3]] == ' ' || s[g[2 * k + 3]] == '-'))
			t = 3;
		if (t && redact_nhs_valid(d, 10) && left_ok(s, start) &&
		    right_ok(s, j->n, g[2 * (k + t - 1) + 1]) &&
		    is_free(j, start, g[2 * (k + t - 1) + 1])) {
			redact_claim(j, start, g[2 * (k + t - 1) + 1], K_NHS);
			return t;
		}
	}

	/* A phone number: the longest reading that fits, from the last group back. */
	{
		size_t skip = 0;     /* digits of the country code and a "(0)" */
		int intl = 0, other = 0;
		size_t from = start;

		if (plus && nd >= 2 && d[0] == '4' && d[1] == '4') {
			intl = 1;
			skip = 2;
		} else if (!plus && nd >= 4 && !memcmp(d, "0044", 4)) {
			intl = 1;
			skip = 4;
		} else if (plus) {
			other = 1;
		} else if (d[0] != '0') {
			return 0;
		}
		if (intl && skip < nd && d[skip] == '0')
			skip++;   /* +44 (0)7700 ..., +44 07700 ... */
		if (plus)
			from = start - 1;
		else if (start > 0 && s[start - 1] == '(' && m > 1 &&
			 memchr(s + g[2 * k + 1], ')', g[2 * k + 2] - g[2 * k + 1]))
			from = start - 1;   /* (01782) 123456 */
		for (size_t i = m; i-- > 0;) {
			size_t end = g[2 * (k + i) + 1], len = cum[i], ok;
			char uk[NUM_MAX + 2];

			if (other) {
				ok = len >= 8 && len <= 15;
			} else if (intl) {
				if (len <= skip || len - skip + 1 > NUM_MAX)
					continue;
				uk[0] = '0';
				memcpy(uk + 1, d + skip, len - skip);
				ok = uk_number_ok(uk, len - skip + 1);
			} else {
				ok = uk_number_ok(d, len);
			}
			if (ok && left_ok(s, from) && right_ok(s, j->n, end) && is_free(j, from, end)) {
				redact_claim(j, from, end, K_PHONE);
				return i + 1;
			}
		}
	}
	return 0;
}

void redact_numbers(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, i = 0;

	while (i < n) {
		size_t ng = 0, p;

		if (!is_digit(s[i])) {
			i++;
			continue;
		}
		/* A chain: digit groups joined by short runs of spaces, hyphens and brackets. */
		p = i;
		for (;;) {
			size_t a = p, q;

			while (p < n && is_digit(s[p]))
				p++;
			if (ALLOC_GROW(j->groups, 2 * ng + 2, j->capgroups) < 0) {
				j->oom = 1;
				return;
			}
			j->groups[2 * ng] = a;
			j->groups[2 * ng + 1] = p;
			ng++;
			q = p;
			while (q < n && q - p < 4 &&
			       (s[q] == ' ' || s[q] == '-' || s[q] == '(' || s[q] == ')'))
				q++;
			if (q < n && is_digit(s[q]) && gap_ok(s, p, q))
				p = q;
			else
				break;
		}
		for (size_t k = 0; k < ng;) {
			size_t took = number_at(j, k, ng);

			if (j->oom)
				return;
			k += took ? took : 1;
		}
		i = j->groups[2 * ng - 1];
	}
}

/* -- 3. postcodes ---------------------------------------------------------------- */

static int area_ok(const struct redactor *r, const unsigned char *s, size_t len)
{
	char buf[3];

	if (len < 1 || len > 2)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(is_lower(s[i]) ? s[i] - 'a' + 'A' : s[i]);
	buf[len] = '\0';
	return redact_list_has(&r->lists[L_AREA], buf);
}

/* An outward code: area, a digit, and perhaps a second digit or a letter (A9, A99, A9A, AA9, AA99, AA9A). */
static int outward_ok(const struct redactor *r, const unsigned char *s, size_t len)
{
	size_t a = 0;

	while (a < len && a < 2 && is_alpha(s[a]))
		a++;
	if (!area_ok(r, s, a) || a >= len || !is_digit(s[a]))
		return 0;
	if (len == a + 1)
		return 1;
	if (len != a + 2)
		return 0;
	if (is_digit(s[a + 1]))
		return 1;
	if (!is_alpha(s[a + 1]))
		return 0;
	return strchr(a == 1 ? "ABCDEFGHJKPSTUW" : "ABEHMNPRVWXY",
		      is_lower(s[a + 1]) ? s[a + 1] - 'a' + 'A' : s[a + 1]) != NULL;
}

/* An inward code: a digit and two letters, none of C I K M O V. */
static int inward_ok(const unsigned char *s)
{
	if (!is_digit(s[0]))
		return 0;
	for (int i = 1; i < 3; i++) {
		unsigned char c = s[i];

		if (!is_alpha(c))
			return 0;
		if (strchr("CIKMOV", is_lower(c) ? c - 'a' + 'A' : c))
			return 0;
	}
	return 1;
}

static int is_gir(const unsigned char *s, size_t len)
{
	static const char g[] = "GIR0AA";

	if (len != 6)
		return 0;
	for (size_t i = 0; i < 6; i++)
		if ((is_lower(s[i]) ? s[i] - 'a' + 'A' : s[i]) != g[i])
			return 0;
	return 1;
}

void redact_postcodes(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, i = 0;

	while (i < n) {
		size_t t1, l1;

		if (!is_alpha(s[i]) || (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '_'))) {
			i++;
			continue;
		}
		t1 = i;
		while (t1 < n && is_alnum(s[t1]))
			t1++;
		l1 = t1 - i;
		if (l1 >= 5 && l1 <= 7 && inward_ok(s + t1 - 3) &&
		    (outward_ok(j->r, s + i, l1 - 3) || is_gir(s + i, l1))) {
			/* ST46QG */
			if (is_free(j, i, t1) && (t1 >= n || s[t1] != '_'))
				redact_claim(j, i, t1, K_POSTCODE);
		} else if (l1 >= 2 && l1 <= 4 && t1 + 4 <= n && s[t1] == ' ') {
			/* ST4 6QG */
			size_t t2 = t1 + 1;

			while (t2 < n && is_alnum(s[t2]))
				t2++;
			if (t2 - t1 - 1 == 3 && inward_ok(s + t1 + 1) && (t2 >= n || s[t2] != '_')) {
				int ok = outward_ok(j->r, s + i, l1);

				if (!ok && l1 == 3) {
					unsigned char gir[6];

					memcpy(gir, s + i, 3);
					memcpy(gir + 3, s + t1 + 1, 3);
					ok = is_gir(gir, 6);
				}
				if (ok && is_free(j, i, t2)) {
					redact_claim(j, i, t2, K_POSTCODE);
					t1 = t2;
				}
			}
		}
		i = t1;
	}
}
