/*
 * prefilter_lit.c: patterns that are a few strings and nothing else, so
 * that where the prefilter found one of their heads the strings are
 * compared there directly and PCRE2 need not confirm the match.
 *
 * A pattern is read as such when it is made only of ASCII text that stands
 * for itself (letters, digits, spaces, punctuation that is no operator, or
 * escaped), groups (?:a|b), an optional item (s?), alternatives a|b, and
 * \b at the very start or end of an alternative. Its strings are then
 * exactly what it matches, each with whether \b must hold before and after
 * it. PCRE2 gives the match that starts first; of those starting at one
 * place it could give any, so where two strings of different lengths both
 * match at that place the answer is left to PCRE2 (lit_match_at() says -1),
 * as it is where \b is next to a character outside ASCII, whose class
 * depends on Unicode tables. Ignoring case, ASCII letters are compared
 * without case; the two characters outside ASCII that PCRE2 folds onto
 * them make the prefilter try every pattern from the beginning anyway.
 */
#include <string.h>

#include "prefilter_internal.h"

#define WB '\001' /* \b, while reading */

struct lit_reader {
	const char *p, *end;
	int fail;
};

static int is_word(unsigned char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* A character that stands for itself in PCRE2 (no operator, no (?x)). */
static int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && !strchr("\\.^$|?*+()[]{}", c);
}

/* out = a x b (every string of a followed by every string of b). */
static int product(struct lit_set *out, const struct lit_set *a, const struct lit_set *b)
{
	struct lit_set r = { 0 };

	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			size_t n = (size_t)a->v[i].len + b->v[j].len;

			if (r.n == LIT_MAX || n >= sizeof r.v[0].s)
				return -1;
			memcpy(r.v[r.n].s, a->v[i].s, a->v[i].len);
			memcpy(r.v[r.n].s + a->v[i].len, b->v[j].s, b->v[j].len);
			r.v[r.n++].len = (unsigned char)n;
		}
	*out = r;
	return 0;
}

static int add_all(struct lit_set *a, const struct lit_set *b)
{
	for (size_t j = 0; j < b->n; j++) {
		if (a->n == LIT_MAX)
			return -1;
		a->v[a->n++] = b->v[j];
	}
	return 0;
}

static void read_alt(struct lit_reader *r, struct lit_set *out, int depth);

/* One item: a character, an escaped one, \b, or a group; then a ? if any. */
static void read_item(struct lit_reader *r, struct lit_set *out, int depth)
{
	unsigned char c = (unsigned char)*r->p;

	out->n = 1;
	out->v[0].len = 1;
	if (c == '\\' && r->p + 1 < r->end) {
		unsigned char d = (unsigned char)r->p[1];

		if (d == 'b')
			out->v[0].s[0] = WB;
		else if (d < 0x80 && !is_word(d) && d >= 0x20 && d < 0x7F)
			out->v[0].s[0] = (char)d;
		else
			r->fail = 1;
		r->p += 2;
	} else if (c == '(' && r->end - r->p >= 3 && r->p[1] == '?' && r->p[2] == ':' &&
		   depth < 4) {
		r->p += 3;
		read_alt(r, out, depth + 1);
		if (r->p >= r->end || *r->p != ')')
			r->fail = 1;
		r->p++;
	} else if (plain(c)) {
		out->v[0].s[0] = (char)c;
		r->p++;
	} else {
		r->fail = 1;
	}
	if (!r->fail && r->p < r->end && *r->p == '?') {
		struct lit_set none;

		memset(&none, 0, sizeof none);
		none.n = 1; /* the empty string */
		r->p++;
		if (r->p < r->end && strchr("?+", *r->p)) /* lazy or possessive: not read */
			r->fail = 1;
		else if (add_all(out, &none) < 0)
			r->fail = 1;
	}
}

static void read_seq(struct lit_reader *r, struct lit_set *out, int depth)
{
	struct lit_set item;

	out->n = 1;
	out->v[0].len = 0;
	while (!r->fail && r->p < r->end && *r->p != '|' && *r->p != ')') {
		read_item(r, &item, depth);
		if (!r->fail && product(out, out, &item) < 0)
			r->fail = 1;
	}
}

static void read_alt(struct lit_reader *r, struct lit_set *out, int depth)
{
	struct lit_set more;

	read_seq(r, out, depth);
	while (!r->fail && r->p < r->end && *r->p == '|') {
		r->p++;
		read_seq(r, &more, depth);
		if (!r->fail && add_all(out, &more) < 0)
			r->fail = 1;
	}
}

int lit_read(const char *source, int caseless, struct lit_pattern *out)
{
	struct lit_reader r = { source, source + strlen(source), 0 };
	struct lit_set *set = &out->set;

	memset(out, 0, sizeof *out);
	read_alt(&r, set, 0);
	if (r.fail || r.p != r.end || !set->n)
		return 0;
	/* \b only first or last: take it off the string as a flag. */
	for (size_t i = 0; i < set->n; i++) {
		struct lit_str *s = &set->v[i];

		if (s->len && s->s[0] == WB) {
			memmove(s->s, s->s + 1, --s->len);
			s->lead_wb = 1;
		}
		if (s->len && s->s[s->len - 1] == WB) {
			s->len--;
			s->trail_wb = 1;
		}
		if (!s->len || memchr(s->s, WB, s->len))
			return 0; /* the empty string, or \b inside */
		if (caseless)
			for (size_t k = 0; k < s->len; k++)
				if (s->s[k] >= 'A' && s->s[k] <= 'Z')
					s->s[k] = (char)(s->s[k] | 0x20);
	}
	out->caseless = caseless;
	return 1;
}

/* Whether \b holds at byte `at`: 1, 0, or -1 next to a character outside ASCII. */
static int boundary(const char *text, size_t len, size_t at)
{
	unsigned char before = at ? (unsigned char)text[at - 1] : 0;
	unsigned char after = at < len ? (unsigned char)text[at] : 0;

	if (before >= 0x80 || after >= 0x80)
		return -1;
	return is_word(before) != is_word(after);
}

int lit_match_at(const struct lit_pattern *lp, const char *text, size_t len, size_t at,
		 size_t *end)
{
	size_t found = 0;

	for (size_t i = 0; i < lp->set.n; i++) {
		const struct lit_str *s = &lp->set.v[i];
		size_t k = 0;
		int wb;

		if (s->len > len - at)
			continue;
		if (lp->caseless) {
			for (; k < s->len; k++) {
				unsigned char c = (unsigned char)text[at + k];

				if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != (unsigned char)s->s[k])
					break;
			}
		} else if (!memcmp(text + at, s->s, s->len)) {
			k = s->len;
		}
		if (k < s->len)
			continue;
		if (s->lead_wb && (wb = boundary(text, len, at)) <= 0) {
			if (wb < 0)
				return -1;
			continue;
		}
		if (s->trail_wb && (wb = boundary(text, len, at + s->len)) <= 0) {
			if (wb < 0)
				return -1;
			continue;
		}
		if (found && found != s->len)
			return -1; /* two spans here: which one is PCRE2's to say */
		found = s->len;
	}
	if (!found)
		return 0;
	*end = at + found;
	return 1;
}
