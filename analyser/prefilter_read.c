/*
 * prefilter_read.c: reading a PCRE2 pattern (with PCRE2_UTF, without
 * PCRE2_EXTENDED) for the fixed text any match must contain and for where
 * a match starts (its head). Every rule of the reading only widens what
 * is accepted; see the top of prefilter.c.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "prefilter_internal.h"


/* Any one character (\w, ., [^a], a character outside ASCII, ...). */
static const struct info one_any = { NULL, &form_true, UTF8MAX, 0, 1, NULL, 0, MANY, NULL, 0,
				     NULL, 0 };

/* Bytes of characters, as 256 bits; those of characters outside ASCII are all 0x80 and up. */
#define HIGH UINT64_MAX, UINT64_MAX
static const uint64_t bytes_space[4] = { 0x100003E00ull, 0, HIGH };     /* \t-\r and space */
static const uint64_t bytes_hspace[4] = { 0x100000200ull, 0, HIGH };    /* \t and space */
static const uint64_t bytes_vspace[4] = { 0x3C00ull, 0, HIGH };         /* \n-\r */
static const uint64_t bytes_digit[4] = { 0x3FF000000000000ull, 0, HIGH };
static const uint64_t bytes_word[4] = { 0x3FF000000000000ull, 0x7FFFFFE87FFFFFEull, HIGH };
static const uint64_t bytes_high[4] = { 0, 0, HIGH };
/* \S, \D, \W, \H, \V: all but the ASCII ones (those outside ASCII may be any) */
static const uint64_t bytes_nspace[4] = { ~0x100003E00ull, UINT64_MAX, HIGH };
static const uint64_t bytes_ndigit[4] = { ~0x3FF000000000000ull, UINT64_MAX, HIGH };
static const uint64_t bytes_nword[4] = { ~0x3FF000000000000ull, ~0x7FFFFFE87FFFFFEull, HIGH };
static const uint64_t bytes_nhspace[4] = { ~0x100000200ull, UINT64_MAX, HIGH };
static const uint64_t bytes_nvspace[4] = { ~0x3C00ull, UINT64_MAX, HIGH };
static const uint64_t bytes_all[4] = { UINT64_MAX, UINT64_MAX, HIGH };

/* One character of those bytes. */
static struct info one_of(const uint64_t *bytes)
{
	struct info x = one_any;

	x.chars = bytes;
	return x;
}

/* ---------------------------------------------------------------------
 * The grammar: PCRE2 with PCRE2_UTF, without PCRE2_EXTENDED.
 */

static struct info empty(struct reader *r)
{
	return info_exact(r, set_one(r, NULL, 0), 1);
}

static tok char_token(const struct reader *r, unsigned char c)
{
	if (r->caseless && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		return (tok)((c | 0x20) | T_FOLD);
	return c;
}

/*
 * Vectorscan's literal API takes a piece that starts with a NUL byte for
 * an empty one and refuses the whole set; a pattern that looks for NUL
 * (\x00, [\x00]) is rare enough to be run on every answer instead.
 */
static const char nul_why[] = "a NUL character (\\x00), which the fixed-text search cannot look for";

static struct info one_char(struct reader *r, unsigned char c)
{
	tok t = char_token(r, c);

	if (!c)
		return read_fail(r, nul_why);

	return info_exact(r, set_one(r, &t, 1), 1);
}

static int at(const struct reader *r, size_t k)
{
	return r->p + k < r->end ? r->p[k] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Skips one UTF-8 character (patterns compile with PCRE2_UTF, so they are valid). */
static void skip_utf8(struct reader *r)
{
	r->p++;
	while (r->p < r->end && (*r->p & 0xC0) == 0x80)
		r->p++;
}

/*
 * Whether PCRE2, ignoring case, matches code point `c` only as itself:
 * Latin-1 punctuation and signs (not the ordinals or the micro sign),
 * general punctuation (dashes, quotes such as U+2019, the ellipsis) and
 * currency signs. Other characters outside ASCII may have other cases.
 */
static int uncased(long c)
{
	return (c >= 0xA1 && c <= 0xBF && c != 0xAA && c != 0xB5 && c != 0xBA) ||
	       (c >= 0x2010 && c <= 0x205E) || (c >= 0x20A0 && c <= 0x20C0);
}

/*
 * One character outside ASCII, the `n` bytes at `p` (valid UTF-8): its
 * bytes exactly where its case cannot change, else one such character.
 */
static struct info wide_char(struct reader *r, const unsigned char *p, size_t n)
{
	tok t[UTF8MAX];
	long c;

	if (n < 2 || n > UTF8MAX)
		return one_of(bytes_high);
	c = p[0] & (0x7F >> n);
	for (size_t k = 1; k < n; k++)
		c = c << 6 | (p[k] & 0x3F);
	if (r->caseless && !uncased(c))
		return one_of(bytes_high);
	for (size_t k = 0; k < n; k++)
		t[k] = p[k];
	return info_exact(r, set_one(r, t, n), 1);
}

/* The same for code point `c` (from \x{...}). */
static struct info wide_value(struct reader *r, long c)
{
	unsigned char b[UTF8MAX];
	size_t n;

	if (c < 0x800) {
		b[0] = (unsigned char)(0xC0 | c >> 6);
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xE0 | c >> 12);
		b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		n = 3;
	} else if (c <= 0x10FFFF) {
		b[0] = (unsigned char)(0xF0 | c >> 18);
		b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
		b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		n = 4;
	} else {
		return one_of(bytes_high);
	}
	b[n - 1] = (unsigned char)(0x80 | (c & 0x3F));
	return wide_char(r, b, n);
}

/* \x.. after the x: the character's value, or -1 (and r->fail). */
static long read_hex(struct reader *r)
{
	long v = 0;
	int d, k = 0;

	if (at(r, 0) == '{') {
		r->p++;
		while ((d = hex_value(at(r, 0))) >= 0 && k < 8) {
			v = v * 16 + d;
			r->p++;
			k++;
		}
		if (at(r, 0) != '}' || !k) {
			read_fail(r, "an unusual \\x escape");
			return -1;
		}
		r->p++;
		return v;
	}
	while (k < 2 && (d = hex_value(at(r, 0))) >= 0) {
		v = v * 16 + d;
		r->p++;
		k++;
	}
	return v;
}

/* \p{...}, \pL, \P..: skips the property name. */
static void skip_property(struct reader *r)
{
	if (at(r, 0) == '{') {
		while (r->p < r->end && *r->p != '}')
			r->p++;
		if (r->p < r->end)
			r->p++;
		else
			read_fail(r, "an unclosed \\p{");
	} else if (r->p < r->end) {
		skip_utf8(r);
	}
}

/* The control characters \a \e \f \n \r \t stand for; -1 for other letters. */
static int control_escape(int c)
{
	switch (c) {
	case 'a': return 0x07;
	case 'e': return 0x1B;
	case 'f': return 0x0C;
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return -1;
	}
}

/* A [class] read so far. */
struct class {
	unsigned char in[128];      /* its ASCII members */
	int wide;                   /* it matches "anything" (see read_class()) */
	int negated;
	struct str exact[MAXCLASS]; /* members outside ASCII that are exactly their bytes */
	size_t nexact;
	uint64_t more[4];           /* bytes of the members that are not in in[] */
};

/*
 * A member outside ASCII, read as `w`: one of the exact strings if its
 * case cannot change and it does not start a range; else the class is wide.
 */
static void class_outside(struct reader *r, struct class *k, const struct info *w)
{
	if (w->exact && k->nexact < MAXCLASS && at(r, 0) != '-') {
		assert(k->nexact < MAXCLASS);
		k->exact[k->nexact++] = w->exact->v[0];
	} else {
		k->wide = 1;
	}
	bytes_add(k->more, bytes_high);
}

/* A member outside ASCII, the `n` bytes at `p` (see class_outside()). */
static void class_wide(struct reader *r, struct class *k, const unsigned char *p, size_t n)
{
	struct info w = wide_char(r, p, n);

	class_outside(r, k, &w);
}

/*
 * A \ escape in a [class], r->p on the \. *lo gets the ASCII character it
 * stands for, or stays -1 (a member added otherwise, or \E). 0, or -1 with
 * r->fail set.
 */
static int class_escape(struct reader *r, struct class *k, int *lo)
{
	static const char names[] = "dDwWsShHvV";
	static const uint64_t *const of[] = {
		bytes_digit, bytes_ndigit, bytes_word, bytes_nword, bytes_space,
		bytes_nspace, bytes_hspace, bytes_nhspace, bytes_vspace, bytes_nvspace,
	};
	int e = at(r, 1);

	r->p += 2;
	if (e < 0) {
		read_fail(r, "a \\ at the end");
		return -1;
	} else if (e >= 0x80) {
		const unsigned char *q = --r->p;

		skip_utf8(r);
		class_wide(r, k, q, (size_t)(r->p - q));
	} else if (!is_alnum(e)) {
		*lo = e;
	} else if (strchr(names, e)) {
		k->wide = 1;
		bytes_add(k->more, of[strchr(names, e) - names]);
	} else if (e == 'p' || e == 'P') {
		skip_property(r);
		k->wide = 1;
		bytes_add(k->more, bytes_all);
	} else if (e == 'b') {
		*lo = 0x08;
	} else if (e == 'x') {
		long v = read_hex(r);

		if (v < 0)
			return -1;
		if (v < 0x80) {
			*lo = (int)v;
		} else {
			struct info w = wide_value(r, v);

			class_outside(r, k, &w);
		}
	} else if (e == 'E') {
		return 0;
	} else if (control_escape(e) >= 0) {
		*lo = control_escape(e);
	} else {
		read_fail(r, "an unusual escape in a [class]");
		return -1;
	}
	return 0;
}

/* [:name:] in a [class], r->p on the [: it matches "anything". 0, or -1 with r->fail set. */
static int class_posix(struct reader *r, struct class *k)
{
	const unsigned char *q = r->p + 2;

	if (at(r, 1) != ':') {
		read_fail(r, "a [. or [= in a [class]");
		return -1;
	}
	if (q < r->end && *q == '^')
		q++;
	while (q < r->end && *q >= 'a' && *q <= 'z')
		q++;
	if (q + 1 >= r->end || q[0] != ':' || q[1] != ']') {
		read_fail(r, "an unusual [: in a [class]");
		return -1;
	}
	r->p = q + 2;
	k->wide = 1;
	memset(k->more, 0xFF, sizeof k->more);
	return 0;
}

/*
 * After the ASCII member `lo`: the end of a range (this character, '-',
 * the next one) into *hi, or *hi = lo. 1 when the range ends outside ASCII
 * (the class is then wide), 0, or -1 with r->fail set.
 */
static int class_range(struct reader *r, struct class *k, int lo, int *hi)
{
	int c;

	*hi = lo;
	if (at(r, 0) != '-' || at(r, 1) == ']' || at(r, 1) < 0)
		return 0;
	c = at(r, 1);
	if (c == '\\') {
		int e = at(r, 2);

		if (e >= 0 && e < 0x80 && !is_alnum(e)) {
			*hi = e;
		} else if (e >= 0 && control_escape(e) >= 0) {
			*hi = control_escape(e);
		} else {
			read_fail(r, "an unusual range in a [class]");
			return -1;
		}
		r->p += 3;
	} else if (c == '[') {
		read_fail(r, "an unusual range in a [class]");
		return -1;
	} else if (c >= 0x80) {
		r->p++;
		skip_utf8(r);
		k->wide = 1;
		memset(k->more, 0xFF, sizeof k->more); /* ASCII too, maybe */
		return 1;
	} else {
		*hi = c;
		r->p += 2;
	}
	if (*hi < lo) {
		read_fail(r, "a backwards range");
		return -1;
	}
	return 0;
}

/* Reads the members up to and past the closing ]. 0, or -1 with r->fail set. */
static int class_members(struct reader *r, struct class *k)
{
	for (int first = 1;; first = 0) {
		int c = at(r, 0), lo = -1, hi, rc; /* lo: a single ASCII character, or -1 */

		if (c < 0) {
			read_fail(r, "an unclosed [");
			return -1;
		}
		if (c == ']' && !first) {
			r->p++;
			return 0;
		}
		if (c == '\\') {
			if (class_escape(r, k, &lo) < 0)
				return -1;
		} else if (c == '[' && (at(r, 1) == ':' || at(r, 1) == '.' || at(r, 1) == '=')) {
			if (class_posix(r, k) < 0)
				return -1;
		} else if (c >= 0x80) {
			const unsigned char *q = r->p;

			skip_utf8(r);
			class_wide(r, k, q, (size_t)(r->p - q));
		} else {
			lo = c;
			r->p++;
		}
		if (lo < 0)
			continue;
		if (!lo) {
			read_fail(r, nul_why);
			return -1;
		}
		if ((rc = class_range(r, k, lo, &hi)) < 0)
			return -1;
		if (rc > 0)
			continue;
		assert(lo >= 0 && hi < 128 && lo <= hi);
		for (int m = lo; m <= hi; m++)
			k->in[m] = 1;
	}
}

/*
 * A class that matches "anything" (one character), with the bytes of the
 * characters it matches: all but the ASCII ones it names if it is negated
 * (ignoring case it leaves out more).
 */
static struct info class_any(struct reader *r, const struct class *k)
{
	struct info x = one_any;
	uint64_t *bytes = arena_alloc(r->a, 4 * sizeof *bytes);

	if (!bytes)
		return read_fail(r, "out of memory");
	memset(bytes, 0, 4 * sizeof *bytes);
	for (unsigned c = 0; c < 128; c++)
		if (k->in[c] && !k->negated) {
			bytes[c / 64] |= (uint64_t)1 << (c % 64);
			if (r->caseless && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
				bytes[(c ^ 0x20) / 64] |= (uint64_t)1 << ((c ^ 0x20) % 64);
		} else if (!k->in[c] && k->negated) {
			bytes[c / 64] |= (uint64_t)1 << (c % 64);
		}
	if (k->negated)
		bytes[2] = bytes[3] = UINT64_MAX;
	else
		bytes_add(bytes, k->more);
	x.chars = bytes;
	return x;
}

/* A class of more than MAXCLASS characters, none wide: one character of its bytes. */
static struct info class_many(struct reader *r, const struct class *k)
{
	struct info x = one_any;
	uint64_t *bytes = arena_alloc(r->a, 4 * sizeof *bytes);

	if (!bytes)
		return read_fail(r, "out of memory");
	memset(bytes, 0, 4 * sizeof *bytes);
	for (unsigned c = 0; c < 128; c++)
		if (k->in[c]) {
			bytes[c / 64] |= (uint64_t)1 << (c % 64);
			if (r->caseless && c >= 'a' && c <= 'z')
				bytes[(c ^ 0x20) / 64] |= (uint64_t)1 << ((c ^ 0x20) % 64);
		}
	if (k->nexact)
		bytes_add(bytes, bytes_high);
	x.chars = bytes;
	return x;
}

/*
 * [...]: a few ASCII characters become a set of one-character strings (a
 * letter in either case when the pattern ignores case); anything else
 * (negated, many characters, characters outside ASCII, which may fold onto
 * ASCII letters, \d and the like, [:alpha:]) matches "anything".
 */
static struct info read_class(struct reader *r)
{
	struct class k;
	struct set *set;
	size_t count = 0;

	memset(&k, 0, sizeof k);
	if (at(r, 0) == '^') {
		k.wide = k.negated = 1;
		r->p++;
	}
	if (class_members(r, &k) < 0)
		return info_anything;
	if (k.wide)
		return class_any(r, &k);
	/* Ignoring case, [Aa] is one character to look for. */
	for (unsigned c = 'A'; c <= 'Z'; c++)
		if (r->caseless && k.in[c]) {
			k.in[c] = 0;
			k.in[c | 0x20] = 1;
		}
	for (unsigned c = 0; c < 128; c++)
		count += k.in[c];
	count += k.nexact;
	if (count > MAXCLASS)
		return class_many(r, &k);
	if (!(set = set_new(r, count)))
		return read_fail(r, "out of memory");
	for (unsigned c = 0; c < 128; c++) {
		tok *t;

		if (!k.in[c])
			continue;
		if (!(t = arena_alloc(r->a, sizeof *t)))
			return read_fail(r, "out of memory");
		*t = char_token(r, (unsigned char)c);
		assert(set->n < count);
		set->v[set->n].t = t;
		set->v[set->n++].n = 1;
	}
	for (size_t i = 0; i < k.nexact; i++)
		set->v[set->n++] = k.exact[i];
	return info_exact(r, set, 1);
}

static struct info read_alt(struct reader *r);

/* (?imsnJU-imsnJU) and (?^...): updates r->caseless; 0, or -1 for others. */
static int read_options(struct reader *r)
{
	int on = 1;

	if (at(r, 0) == '^') {
		r->caseless = 0;
		r->p++;
	}
	while (r->p < r->end && *r->p && strchr("imnsJU-", *r->p)) {
		if (*r->p == '-')
			on = 0;
		else if (*r->p == 'i')
			r->caseless = on;
		r->p++;
	}
	return at(r, 0) == ')' || at(r, 0) == ':' ? 0 : -1;
}

/* (...) in its forms; *have is 0 for comments and option settings. */
static struct info read_group(struct reader *r, int *have)
{
	int assertion = 0, caseless = r->caseless;
	struct info x;

	r->p++; /* ( */
	if (at(r, 0) == '*')
		return read_fail(r, "a (*...) verb or option");
	if (at(r, 0) == '?') {
		int c = at(r, 1);

		if (c < 0)
			return read_fail(r, "an unclosed group");
		r->p += 2;
		if (c == ':' || c == '|' || c == '>') {
			/* non-capturing, branch reset, atomic: as a group */
		} else if (c == '=' || c == '!') {
			assertion = 1;
		} else if (c == '<' && (at(r, 0) == '=' || at(r, 0) == '!')) {
			r->p++;
			assertion = 1;
		} else if (c == '<' || c == '\'' || (c == 'P' && at(r, 0) == '<')) {
			int close = c == '\'' ? '\'' : '>';

			if (c == 'P')
				r->p++;
			while (r->p < r->end && (is_alnum(*r->p) || *r->p == '_'))
				r->p++;
			if (at(r, 0) != close)
				return read_fail(r, "an unusual group name");
			r->p++;
		} else if (c == '#') {
			while (r->p < r->end && *r->p != ')')
				r->p++;
			if (r->p >= r->end)
				return read_fail(r, "an unclosed comment");
			r->p++;
			*have = 0;
			return info_anything;
		} else {
			r->p--;
			if (read_options(r) < 0)
				return read_fail(r, at(r, 0) == 'x' ? "extended mode (?x)"
							       : "a (? construct it does not read");
			if (*r->p++ == ')') {
				/* (?i): to the end of the enclosing group */
				*have = 0;
				return info_anything;
			}
		}
	}
	if (++r->depth > MAXDEPTH)
		return read_fail(r, "groups nested too deep");
	x = read_alt(r);
	r->depth--;
	r->caseless = caseless;
	if (r->fail)
		return info_anything;
	if (at(r, 0) != ')')
		return read_fail(r, "an unclosed group");
	r->p++;
	if (assertion) {
		struct info z = empty(r);

		/* Matches no text, but trying it may take work: then it is not part of a set. */
		if (x.paths > 1) {
			z.exact = NULL;
			z.req = &form_true;
			z.paths = z.hwork = x.paths;
		}
		return z;
	}
	return x;
}

/* One escape outside a class, after the backslash. */
static struct info read_escape(struct reader *r)
{
	int c = at(r, 0);

	if (c < 0)
		return read_fail(r, "a \\ at the end");
	if (c >= 0x80) {
		const unsigned char *q = r->p;

		skip_utf8(r);
		return wide_char(r, q, (size_t)(r->p - q));
	}
	r->p++;
	if (!is_alnum(c))
		return one_char(r, (unsigned char)c);
	if (control_escape(c) >= 0)
		return one_char(r, (unsigned char)control_escape(c));
	switch (c) {
	case 'G': case 'K':
		/* \G is where the match was started from, \K moves the reported start */
		r->fixed_start = 1;
		return empty(r);
	case 'b': case 'B': case 'A': case 'z': case 'Z':
		return empty(r);
	case 'd':
		return one_of(bytes_digit);
	case 'w':
		return one_of(bytes_word);
	case 's':
		return one_of(bytes_space);
	case 'h':
		return one_of(bytes_hspace);
	case 'v':
		return one_of(bytes_vspace);
	case 'S':
		return one_of(bytes_nspace);
	case 'D':
		return one_of(bytes_ndigit);
	case 'W':
		return one_of(bytes_nword);
	case 'H':
		return one_of(bytes_nhspace);
	case 'V':
		return one_of(bytes_nvspace);
	case 'R':
		return one_of(bytes_all); /* \r\n, or one character: still four bytes at most */
	case 'X':
		return info_anything;
	case 'N':
		if (at(r, 0) == '{')
			return read_fail(r, "\\N{...}");
		return one_of(bytes_all);
	case 'p': case 'P':
		skip_property(r);
		return one_of(bytes_all);
	case 'x': {
		long v = read_hex(r);

		if (v < 0)
			return info_anything;
		return v >= 0x80 ? wide_value(r, v) : one_char(r, (unsigned char)v);
	}
	default:
		return read_fail(r, "a back reference or an unusual escape");
	}
}

/* One item: a character, a class, a group, an escape. */
static struct info read_atom(struct reader *r, int *have)
{
	int c = at(r, 0);
	struct info x;

	*have = 1;
	if (r->quote) {
		if (c >= 0x80) {
			const unsigned char *q = r->p;

			skip_utf8(r);
			x = wide_char(r, q, (size_t)(r->p - q));
		} else {
			r->p++;
			x = one_char(r, (unsigned char)c);
		}
		if (at(r, 0) == '\\' && at(r, 1) == 'E') {
			r->p += 2;
			r->quote = 0;
		}
		return x;
	}
	switch (c) {
	case '(':
		return read_group(r, have);
	case '[':
		r->p++;
		return read_class(r);
	case '\\':
		if (at(r, 1) == 'Q' || at(r, 1) == 'E') {
			r->quote = at(r, 1) == 'Q';
			r->p += 2;
			if (r->quote && at(r, 0) == '\\' && at(r, 1) == 'E') {
				r->p += 2;
				r->quote = 0;
			}
			*have = 0;
			return info_anything;
		}
		r->p++;
		return read_escape(r);
	case '.':
		r->p++;
		return one_of(bytes_all);
	case '^': case '$':
		r->p++;
		return empty(r);
	case '*': case '+': case '?': case '{':
		return read_fail(r, "a repeat with nothing before it");
	default:
		if (c >= 0x80) {
			const unsigned char *q = r->p;

			skip_utf8(r);
			return wide_char(r, q, (size_t)(r->p - q));
		}
		r->p++;
		return one_char(r, (unsigned char)c);
	}
}

/* A decimal number in a {m,n} repeat, or -1. */
static long read_count(struct reader *r)
{
	long v = 0;

	if (!is_digit(at(r, 0)))
		return -1;
	while (is_digit(at(r, 0))) {
		v = v * 10 + (*r->p - '0');
		if (v > 65535)
			return -1;
		r->p++;
	}
	return v;
}

/* A repeat after an item, if there is one: ? * + {m} {m,} {m,n}, then ? or +. */
static struct info read_repeat(struct reader *r, struct info x)
{
	long lo, hi; /* hi -1: no limit */
	int c = at(r, 0);
	struct info y;

	if (r->quote)
		return x;
	if (c == '?') {
		lo = 0;
		hi = 1;
		r->p++;
	} else if (c == '*') {
		lo = 0;
		hi = -1;
		r->p++;
	} else if (c == '+') {
		lo = 1;
		hi = -1;
		r->p++;
	} else if (c == '{') {
		r->p++;
		if ((lo = read_count(r)) < 0)
			return read_fail(r, "a '{' that is not a repeat count");
		hi = lo;
		if (at(r, 0) == ',') {
			r->p++;
			hi = at(r, 0) == '}' ? -1 : read_count(r);
			if (hi == -1 && at(r, 0) != '}')
				return read_fail(r, "a '{' that is not a repeat count");
		}
		if (at(r, 0) != '}' || (hi >= 0 && hi < lo))
			return read_fail(r, "a '{' that is not a repeat count");
		r->p++;
	} else {
		return x;
	}
	if (at(r, 0) == '?' || at(r, 0) == '+') /* lazy, possessive */
		r->p++;
	if (at(r, 0) == '?' || at(r, 0) == '*' || at(r, 0) == '+' || at(r, 0) == '{')
		return read_fail(r, "a repeat of a repeat");
	/* x{m} (and x? as x{0,1}) with few strings: exactly those. */
	if (x.exact && (lo == hi || (lo == 0 && hi == 1))) {
		struct set *p = set_power(r, x.exact, lo), *e = set_one(r, NULL, 0), *u;

		if (p && lo == hi) {
			y = info_exact(r, p, repeat_paths(x.paths, lo, hi));
			y.chars = x.chars;
			y.wb = x.wb && lo;
			return y;
		}
		if (p && e && (u = set_union(r, x.exact, e))) {
			y = info_exact(r, u, work_add(x.paths, 1));
			y.chars = x.chars;
			y.wb = x.wb;
			return y;
		}
	}
	/* Otherwise a condition; a match that is not empty starts with a copy of x. */
	y = x; /* the head's gaps, and the characters */
	y.exact = NULL;
	y.req = &form_true;
	y.maxlen = hi < 0 || x.maxlen == NOLEN || (hi && x.maxlen > NOLEN / 2 / (size_t)hi)
			   ? NOLEN
			   : x.maxlen * (size_t)hi;
	y.empty = !lo || x.empty;
	y.paths = repeat_paths(x.paths, lo, hi);
	y.head = x.empty ? NULL : x.head;
	y.reach = x.reach;
	y.hwork = lo ? x.hwork : work_add(x.hwork, 1);
	if (!lo)
		return y;
	if (!x.exact) {
		y.req = x.req;
		return y;
	}
	/* Beyond the first copies anything may follow: only they are known. */
	for (long k = lo < MAXCOUNT ? lo : MAXCOUNT; k > 0; k /= 2) {
		struct set *p = set_power(r, x.exact, k);

		if (p) {
			y.req = form_of_set(r, p);
			return y;
		}
	}
	y.req = form_of(r, &x);
	return y;
}

/* Items one after another, up to | or ) or the end. */
static struct info read_seq(struct reader *r)
{
	struct form **terms;
	size_t nterms = 0, cap = 8;
	struct set *run = set_one(r, NULL, 0);
	double run_paths = 1;
	int exact = 1;
	struct seq q;
	struct info part;
	int lead = 0; /* 0: nothing matched yet, 1: and \b seen, 2: the first text matched */
	int wb = 0;

	if (!run || !(terms = arena_alloc(r->a, cap * sizeof *terms)) || seq_init(r, &q) < 0)
		return read_fail(r, "out of memory");
	while (r->p < r->end && !r->fail) {
		struct info x;
		int have;
		struct set *joined;

		if (!r->quote && (*r->p == '|' || *r->p == ')'))
			break;
		/* \b itself, not one inside a group */
		if (!r->quote && at(r, 0) == '\\' && at(r, 1) == 'b' && !lead)
			lead = 1;
		x = read_atom(r, &have);
		if (r->fail)
			break;
		if (!have) {
			if (!r->quote && r->p < r->end && *r->p && strchr("?*+{", *r->p))
				return read_fail(r, "a repeat after a comment or option");
			continue;
		}
		x = read_repeat(r, x);
		if (r->fail)
			break;
		/* Where the first text starts, \b holds if it was just before or is x's own. */
		if (lead < 2 && x.maxlen > 0) {
			wb = lead == 1 || (!x.empty && x.wb);
			lead = 2;
		}
		/* Room for the two terms an item may add, and for the run's after the loop. */
		if (nterms + 3 > cap) {
			struct form **more = arena_alloc(r->a, 2 * cap * sizeof *more);

			if (!more)
				return read_fail(r, "out of memory");
			memcpy(more, terms, nterms * sizeof *more);
			terms = more;
			cap *= 2;
		}
		if (x.exact && (joined = set_product(r, run, x.exact))) {
			run = joined;
			run_paths = work_mul(run_paths, x.paths);
			continue;
		}
		/* The run so far is one piece of text; the item starts another. */
		exact = 0;
		terms[nterms++] = form_of_set(r, run);
		part = info_exact(r, run, run_paths);
		seq_add(r, &q, &part);
		if (x.exact) {
			run = x.exact;
			run_paths = x.paths;
		} else {
			terms[nterms++] = form_of(r, &x);
			seq_add(r, &q, &x);
			run_paths = 1;
			if (!(run = set_one(r, NULL, 0)))
				return read_fail(r, "out of memory");
		}
	}
	if (r->fail)
		return info_anything;
	if (exact) {
		part = info_exact(r, run, run_paths);
		part.wb = wb;
		return part;
	}
	terms[nterms++] = form_of_set(r, run);
	part = info_exact(r, run, run_paths);
	seq_add(r, &q, &part);
	part = seq_end(r, &q, form_and(r, terms, nterms));
	part.wb = wb;
	return part;
}

/* Alternatives: a|b|c. */
static struct info read_alt(struct reader *r)
{
	struct info x = read_seq(r), y, all = x;
	struct form **kids = NULL;
	size_t n = 0, cap = 0;

	/* Strings while every branch gives few; then a condition. */
	while (!r->fail && at(r, 0) == '|') {
		struct set *u;

		r->p++;
		y = read_seq(r);
		if (r->fail)
			break;
		alt_add(r, &all, &y);
		if (!n && x.exact && y.exact && (u = set_union(r, x.exact, y.exact))) {
			int wb = x.wb && y.wb;

			x = info_exact(r, u, work_add(x.paths, y.paths));
			x.wb = wb;
			continue;
		}
		if (n + 2 > cap) {
			struct form **more;

			cap = cap ? 2 * cap : 8;
			if (!(more = arena_alloc(r->a, cap * sizeof *more)))
				return read_fail(r, "out of memory");
			if (n)
				memcpy(more, kids, n * sizeof *more);
			kids = more;
		}
		if (!n)
			kids[n++] = form_of(r, &x);
		kids[n++] = form_of(r, &y);
	}
	if (r->fail)
		return info_anything;
	if (!n)
		return x;
	all.exact = NULL;
	all.req = form_or(r, kids, n);
	return all;
}

/* Whether piece `small` starts piece `big` (then `big` implies `small` at the same place). */
static int starts(const struct str *big, const struct str *small)
{
	return small->n <= big->n && !memcmp(big->t, small->t, small->n * sizeof *small->t);
}

/*
 * The strings one of which starts within `reach` bytes of any match: the
 * pattern's head, if it has one that is quick to use and safe. Safe: the
 * places before the first of them that PCRE2 no longer tries could not
 * have matched, and trying them would have been little work (so no match
 * limit could have been hit there).
 */
static struct set *head_of(struct reader *r, const struct info *x)
{
	struct set *h;

	if (r->fixed_start || !x->head || !x->head->n || x->empty || x->reach > MAXREACH ||
	    x->hwork > MAXWORK || !(h = set_new(r, x->head->n)))
		return NULL;
	/* "GP" is found wherever "GPs" is: the longer one adds nothing. */
	for (size_t i = 0; i < x->head->n; i++) {
		int implied = 0;

		for (size_t j = 0; j < x->head->n && !implied; j++)
			implied = j != i && starts(&x->head->v[i], &x->head->v[j]) &&
				  (x->head->v[i].n != x->head->v[j].n || j < i);
		if (!implied)
			h->v[h->n++] = x->head->v[i];
	}
	return h;
}

/*
 * The head of a pattern when any string will do: the first text of its
 * matches, even if short, so a head can be a piece the conditions of
 * other patterns look for anyway ("op" in "\bops?\b"). h->head NULL if
 * none.
 */
void read_head_any(struct arena *a, const struct rule_pattern *pat, struct info *h)
{
	struct reader r;
	struct info x;

	memset(&r, 0, sizeof r);
	r.p = (const unsigned char *)pat->source;
	r.end = r.p + strlen(pat->source);
	r.a = a;
	r.caseless = pat->caseless;
	r.any_head = 1;
	x = read_alt(&r);
	*h = info_anything;
	if (r.fail || r.p < r.end || a->oom)
		return;
	*h = x;
	h->head = head_of(&r, &x);
}

/*
 * Reads one include: its condition, or NULL with *why for a slow one; and
 * in *h its head (h->head NULL if none).
 */
struct form *read_pattern(struct arena *a, const struct rule_pattern *pat, const char **why,
				 struct info *h)
{
	struct reader r;
	struct info x;
	struct form *f;

	/* Without a condition, again with shorter pieces: better than trying it everywhere. */
	for (int relaxed = 0; relaxed < 2; relaxed++) {
		memset(&r, 0, sizeof r);
		r.p = (const unsigned char *)pat->source;
		r.end = r.p + strlen(pat->source);
		r.a = a;
		r.caseless = pat->caseless;
		r.relaxed = relaxed;
		x = read_alt(&r);
		if (!r.fail && r.p < r.end)
			r.fail = "an unbalanced )";
		f = r.fail ? NULL : form_of(&r, &x);
		if (a->oom)
			r.fail = "out of memory";
		if (r.fail) {
			*why = r.fail;
			return NULL;
		}
		if (f->kind != F_TRUE)
			break;
	}
	*h = x;
	h->head = head_of(&r, &x);
	if (f->kind == F_TRUE) {
		*why = "no fixed text of 3 or more characters (or 2 capitals, with "
		       "case=\"sensitive\", or rare ones such as \"GP\") to look for first";
		return NULL;
	}
	if (form_size(f) > MAXOPS) {
		*why = "too many alternatives";
		return NULL;
	}
	return f;
}
