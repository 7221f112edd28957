/*
 * prefilter.c: reading patterns for the text any match must contain, and
 * finding that text in answers with one Vectorscan pass.
 *
 * Why not Vectorscan's own HS_FLAG_PREFILTER mode on the patterns:
 * compiling the sample rule set that way takes over 40 seconds (bounded
 * gaps such as [^.!?\n]{0,60} and Unicode word boundaries make very large
 * automata), and Vectorscan's Unicode tables are not PCRE2's, so on rare
 * characters its \w and case folding could rule out a pattern that PCRE2
 * matches. Plain pieces of text compile in milliseconds, are found faster
 * than any pattern, and are matched on bytes with ASCII case only, so what
 * has to be right is the reading of the patterns, which is done here.
 *
 * Each part of a pattern is read as either a small set of strings, one of
 * which it matches exactly ("fees?" gives {"fee", "fees"}, "[&+]" gives
 * {"&", "+"}), or a condition on the text: AND and OR over pieces of text
 * that must occur in any text the part matches. Every rule of the reading
 * only widens what is accepted: an assertion (\b, a lookaround, an anchor)
 * matches "anything", so does a character class of many characters or of
 * characters outside ASCII, an escape such as \w, a character outside
 * ASCII and a repeat beyond its first copies; of a condition with many
 * parts only the two most selective are kept; a piece with fewer than
 * MINLEN characters (or, case-sensitive, two capitals) says too little and
 * is no condition at all. A construct the reader does not know (back
 * references, recursion, (?x), ...) makes the pattern slow: it is run on
 * every answer, and `analyser rules check` says so.
 *
 * Pieces are looked for ignoring ASCII case unless the pattern is
 * case-sensitive there. The only way that can miss what PCRE2 matches is
 * that PCRE2 folds two characters outside ASCII onto ASCII letters (U+017F
 * onto "s", U+212A onto "k"); an answer with either gets every pattern.
 */
#include "prefilter.h"

#include <hs/hs.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define MINLEN 3      /* a piece needs this much text to be worth looking for (see why) */
#define MAXSET 64     /* strings kept for one part of a pattern */
#define MAXPIECE 48   /* bytes of a piece */
#define MAXCLASS 6    /* a [class] of more characters matches "anything" */
#define MAXCOUNT 8    /* copies of a repeated item spelled out */
#define MAXDEPTH 100  /* nested groups read; deeper patterns are slow */
#define MAXOPS 512    /* size of one pattern's condition */

const unsigned prefilter_ascii_folds[] = { 0x017F, 0x212A, 0 };

/* ---------------------------------------------------------------------
 * Reading: strings, sets and conditions, in an arena.
 */

/* A character: one byte, exactly, or a lowercase letter that matches either case. */
typedef uint16_t tok;
#define T_FOLD 0x100u

struct str {
	const tok *t;
	size_t n;
};

struct set {
	size_t n;
	struct str v[];
};

struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct block *head;
	int oom;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct block *b = a->head;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->size - b->used < n) {
		size_t size = n > 65536 ? n : 65536;

		if (!(b = malloc(sizeof *b + size))) {
			a->oom = 1;
			return NULL;
		}
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	b->used += n;
	return (char *)b->data + b->used - n;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct block *b = a->head;

		a->head = b->next;
		free(b);
	}
}

enum { F_TRUE, F_LIT, F_AND, F_OR };

struct form {
	int kind;
	struct str lit;     /* F_LIT */
	size_t n;           /* F_AND, F_OR */
	struct form **kid;
};

/* What a part of a pattern matches: one of a set of strings, or a condition. */
struct info {
	struct set *exact; /* NULL: no such set */
	struct form *req;  /* without `exact`: what the text must contain */
};

struct reader {
	const unsigned char *p, *end;
	struct arena *a;
	const char *fail; /* why the pattern is not read */
	int quote;        /* inside \Q...\E */
	int caseless;     /* letters match either case here */
	int depth;
};

static struct form form_true = { F_TRUE, { NULL, 0 }, 0, NULL };
static const struct info anything = { NULL, &form_true };

static struct info fail(struct reader *r, const char *why)
{
	if (!r->fail)
		r->fail = why;
	return anything;
}

static struct set *set_new(struct reader *r, size_t n)
{
	struct set *s = arena_alloc(r->a, sizeof *s + n * sizeof s->v[0]);

	if (s)
		s->n = 0;
	return s;
}

/* A set of one string of n characters. */
static struct set *set_one(struct reader *r, const tok *t, size_t n)
{
	struct set *x = set_new(r, 1);
	tok *c = arena_alloc(r->a, (n ? n : 1) * sizeof *c);

	if (!x || !c)
		return NULL;
	if (n)
		memcpy(c, t, n * sizeof *c);
	x->v[0].t = c;
	x->v[0].n = n;
	x->n = 1;
	return x;
}

static int str_eq(const struct str *a, const struct str *b)
{
	return a->n == b->n && !memcmp(a->t, b->t, a->n * sizeof *a->t);
}

static int set_has(const struct set *s, const struct str *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (str_eq(&s->v[i], x))
			return 1;
	return 0;
}

/* Every string of `a` followed by every string of `b`; NULL if too many or too long. */
static struct set *set_product(struct reader *r, const struct set *a, const struct set *b)
{
	struct set *x;

	if (a->n * b->n > MAXSET)
		return NULL;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (a->v[i].n + b->v[j].n > MAXPIECE)
				return NULL;
	if (!(x = set_new(r, a->n * b->n)))
		return NULL;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			size_t n = a->v[i].n + b->v[j].n;
			tok *c = arena_alloc(r->a, (n ? n : 1) * sizeof *c);
			struct str s;

			if (!c)
				return NULL;
			memcpy(c, a->v[i].t, a->v[i].n * sizeof *c);
			memcpy(c + a->v[i].n, b->v[j].t, b->v[j].n * sizeof *c);
			s.t = c;
			s.n = n;
			if (!set_has(x, &s))
				x->v[x->n++] = s;
		}
	return x;
}

/* Both sets' strings; NULL if too many. */
static struct set *set_union(struct reader *r, const struct set *a, const struct set *b)
{
	struct set *x;

	if (a->n + b->n > MAXSET || !(x = set_new(r, a->n + b->n)))
		return NULL;
	memcpy(x->v, a->v, a->n * sizeof a->v[0]);
	x->n = a->n;
	for (size_t j = 0; j < b->n; j++)
		if (!set_has(x, &b->v[j]))
			x->v[x->n++] = b->v[j];
	return x;
}

/* `x` repeated `n` times; NULL if too big. */
static struct set *set_power(struct reader *r, const struct set *x, long n)
{
	struct set *p = set_one(r, NULL, 0);

	for (long i = 0; i < n && p; i++)
		p = set_product(r, p, x);
	return p;
}

static struct form *form_node(struct reader *r, int kind, size_t n)
{
	struct form *f = arena_alloc(r->a, sizeof *f);

	if (!f || !(f->kid = arena_alloc(r->a, (n ? n : 1) * sizeof *f->kid)))
		return &form_true;
	f->kind = kind;
	f->n = 0;
	return f;
}

/* How much text a piece pins down: its characters, an exact capital counting twice. */
static size_t weight(const struct str *s)
{
	size_t w = 0;

	for (size_t i = 0; i < s->n; i++)
		w += 1 + (s->t[i] >= 'A' && s->t[i] <= 'Z');
	return w;
}

/* How much a condition narrows: its weakest piece's weight (0 for none). */
static size_t form_score(const struct form *f)
{
	size_t best, s;

	switch (f->kind) {
	case F_LIT:
		return weight(&f->lit);
	case F_OR:
		best = SIZE_MAX;
		for (size_t i = 0; i < f->n; i++)
			if ((s = form_score(f->kid[i])) < best)
				best = s;
		return best == SIZE_MAX ? 0 : best;
	case F_AND:
		best = 0;
		for (size_t i = 0; i < f->n; i++)
			if ((s = form_score(f->kid[i])) > best)
				best = s;
		return best;
	default:
		return 0;
	}
}

/*
 * All of `kids`. Dropping a condition only widens what is accepted, so the
 * two that narrow most are kept: selective enough, and quick to check.
 */
static struct form *form_and(struct reader *r, struct form **kids, size_t n)
{
	struct form *best[2] = { NULL, NULL }, *f;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct form *c = kids[i];

		if (c->kind == F_TRUE)
			continue;
		if (!best[0] || form_score(c) > form_score(best[0])) {
			best[1] = best[0];
			best[0] = c;
		} else if (!best[1] || form_score(c) > form_score(best[1])) {
			best[1] = c;
		}
	}
	if (!best[0])
		return &form_true;
	if (!best[1])
		return best[0];
	f = form_node(r, F_AND, 2);
	if (f->kind == F_TRUE)
		return f;
	for (int i = 0; i < 2; i++) {
		if (best[i]->kind == F_AND) { /* flatten, still two at most */
			for (size_t j = 0; j < best[i]->n && k < 2; j++)
				f->kid[k++] = best[i]->kid[j];
		} else if (k < 2) {
			f->kid[k++] = best[i];
		}
	}
	f->n = k;
	return f;
}

/* Whether piece `small` occurs in piece `big` (then `big` implies `small`). */
static int contains(const struct str *big, const struct str *small)
{
	if (small->n > big->n)
		return 0;
	for (size_t i = 0; i + small->n <= big->n; i++)
		if (!memcmp(big->t + i, small->t, small->n * sizeof *small->t))
			return 1;
	return 0;
}

/*
 * Any of `kids`. Of two pieces where one contains the other, the longer one
 * is implied by the shorter and left out.
 */
static struct form *form_or(struct reader *r, struct form **kids, size_t n)
{
	struct form *f;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		if (kids[i]->kind == F_TRUE)
			return &form_true;
		total += kids[i]->kind == F_OR ? kids[i]->n : 1;
	}
	if (n == 1)
		return kids[0];
	f = form_node(r, F_OR, total);
	if (f->kind == F_TRUE)
		return f;
	for (size_t i = 0; i < n; i++) {
		if (kids[i]->kind == F_OR) {
			memcpy(f->kid + f->n, kids[i]->kid, kids[i]->n * sizeof *f->kid);
			f->n += kids[i]->n;
		} else {
			f->kid[f->n++] = kids[i];
		}
	}
	for (size_t i = 0; i < f->n; i++) {
		int implied = 0;

		for (size_t j = 0; j < f->n && !implied && f->kid[i]->kind == F_LIT; j++)
			implied = j != i && f->kid[j]->kind == F_LIT &&
				  contains(&f->kid[i]->lit, &f->kid[j]->lit) &&
				  (f->kid[i]->lit.n != f->kid[j]->lit.n || j < i);
		if (!implied)
			f->kid[k++] = f->kid[i];
	}
	f->n = k;
	return f->n == 1 ? f->kid[0] : f;
}

/* "One of these strings is in the text"; no condition if one says too little. */
static struct form *form_of_set(struct reader *r, const struct set *s)
{
	struct form **kids;

	if (!s->n || !(kids = arena_alloc(r->a, s->n * sizeof *kids)))
		return &form_true;
	for (size_t i = 0; i < s->n; i++) {
		if (weight(&s->v[i]) < MINLEN || !(kids[i] = arena_alloc(r->a, sizeof *kids[i])))
			return &form_true;
		kids[i]->kind = F_LIT;
		kids[i]->lit = s->v[i];
		kids[i]->n = 0;
		kids[i]->kid = NULL;
	}
	return form_or(r, kids, s->n);
}

static struct form *form_of(struct reader *r, const struct info *x)
{
	return x->exact ? form_of_set(r, x->exact) : x->req ? x->req : &form_true;
}

/* ---------------------------------------------------------------------
 * The grammar: PCRE2 with PCRE2_UTF, without PCRE2_EXTENDED.
 */

static struct info empty(struct reader *r)
{
	struct info x = { set_one(r, NULL, 0), NULL };

	if (!x.exact)
		return fail(r, "out of memory");
	return x;
}

static tok char_token(const struct reader *r, unsigned char c)
{
	if (r->caseless && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		return (tok)((c | 0x20) | T_FOLD);
	return c;
}

static struct info one_char(struct reader *r, unsigned char c)
{
	tok t = char_token(r, c);
	struct info x = { set_one(r, &t, 1), NULL };

	if (!x.exact)
		return fail(r, "out of memory");
	return x;
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
			fail(r, "an unusual \\x escape");
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
			fail(r, "an unclosed \\p{");
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

/*
 * [...]: a few ASCII characters become a set of one-character strings (a
 * letter in either case when the pattern ignores case); anything else
 * (negated, many characters, characters outside ASCII, which may fold onto
 * ASCII letters, \d and the like, [:alpha:]) matches "anything".
 */
static struct info read_class(struct reader *r)
{
	unsigned char in[128] = { 0 };
	int wide = 0, first = 1;
	size_t count = 0;
	struct info x;

	if (at(r, 0) == '^') {
		wide = 1;
		r->p++;
	}
	for (;;) {
		int c = at(r, 0), lo = -1, hi; /* lo: a single ASCII character, or -1 */

		if (c < 0)
			return fail(r, "an unclosed [");
		if (c == ']' && !first) {
			r->p++;
			break;
		}
		first = 0;
		if (c == '\\') {
			int e = at(r, 1);

			r->p += 2;
			if (e < 0) {
				return fail(r, "a \\ at the end");
			} else if (e >= 0x80) {
				r->p--;
				skip_utf8(r);
				wide = 1;
			} else if (!is_alnum(e)) {
				lo = e;
			} else if (strchr("dDwWsShHvV", e)) {
				wide = 1;
			} else if (e == 'p' || e == 'P') {
				skip_property(r);
				wide = 1;
			} else if (e == 'b') {
				lo = 0x08;
			} else if (e == 'x') {
				long v = read_hex(r);

				if (v < 0)
					return anything;
				if (v < 0x80)
					lo = (int)v;
				else
					wide = 1;
			} else if (e == 'E') {
				continue;
			} else if (control_escape(e) >= 0) {
				lo = control_escape(e);
			} else {
				return fail(r, "an unusual escape in a [class]");
			}
		} else if (c == '[' && (at(r, 1) == ':' || at(r, 1) == '.' || at(r, 1) == '=')) {
			const unsigned char *q = r->p + 2;

			if (at(r, 1) != ':')
				return fail(r, "a [. or [= in a [class]");
			if (q < r->end && *q == '^')
				q++;
			while (q < r->end && *q >= 'a' && *q <= 'z')
				q++;
			if (q + 1 >= r->end || q[0] != ':' || q[1] != ']')
				return fail(r, "an unusual [: in a [class]");
			r->p = q + 2;
			wide = 1;
		} else if (c >= 0x80) {
			skip_utf8(r);
			wide = 1;
		} else {
			lo = c;
			r->p++;
		}
		if (lo < 0)
			continue;
		hi = lo;
		/* A range: this character, '-', the next one. */
		if (at(r, 0) == '-' && at(r, 1) != ']' && at(r, 1) >= 0) {
			c = at(r, 1);
			if (c == '\\') {
				int e = at(r, 2);

				if (e >= 0 && e < 0x80 && !is_alnum(e))
					hi = e;
				else if (e >= 0 && control_escape(e) >= 0)
					hi = control_escape(e);
				else
					return fail(r, "an unusual range in a [class]");
				r->p += 3;
			} else if (c == '[') {
				return fail(r, "an unusual range in a [class]");
			} else if (c >= 0x80) {
				r->p++;
				skip_utf8(r);
				wide = 1;
				continue;
			} else {
				hi = c;
				r->p += 2;
			}
			if (hi < lo)
				return fail(r, "a backwards range");
		}
		for (int k = lo; k <= hi; k++)
			in[k] = 1;
	}
	if (wide)
		return anything;
	/* Ignoring case, [Aa] is one character to look for. */
	for (unsigned k = 'A'; k <= 'Z'; k++)
		if (r->caseless && in[k]) {
			in[k] = 0;
			in[k | 0x20] = 1;
		}
	for (unsigned k = 0; k < 128; k++)
		count += in[k];
	if (count > MAXCLASS)
		return anything;
	if (!(x.exact = set_new(r, count)))
		return fail(r, "out of memory");
	x.req = NULL;
	for (unsigned k = 0; k < 128; k++) {
		tok *t;

		if (!in[k])
			continue;
		if (!(t = arena_alloc(r->a, sizeof *t)))
			return fail(r, "out of memory");
		*t = char_token(r, (unsigned char)k);
		x.exact->v[x.exact->n].t = t;
		x.exact->v[x.exact->n++].n = 1;
	}
	return x;
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
		return fail(r, "a (*...) verb or option");
	if (at(r, 0) == '?') {
		int c = at(r, 1);

		if (c < 0)
			return fail(r, "an unclosed group");
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
				return fail(r, "an unusual group name");
			r->p++;
		} else if (c == '#') {
			while (r->p < r->end && *r->p != ')')
				r->p++;
			if (r->p >= r->end)
				return fail(r, "an unclosed comment");
			r->p++;
			*have = 0;
			return anything;
		} else {
			r->p--;
			if (read_options(r) < 0)
				return fail(r, at(r, 0) == 'x' ? "extended mode (?x)"
							       : "a (? construct it does not read");
			if (*r->p++ == ')') {
				/* (?i): to the end of the enclosing group */
				*have = 0;
				return anything;
			}
		}
	}
	if (++r->depth > MAXDEPTH)
		return fail(r, "groups nested too deep");
	x = read_alt(r);
	r->depth--;
	r->caseless = caseless;
	if (r->fail)
		return anything;
	if (at(r, 0) != ')')
		return fail(r, "an unclosed group");
	r->p++;
	return assertion ? empty(r) : x;
}

/* One escape outside a class, after the backslash. */
static struct info read_escape(struct reader *r)
{
	int c = at(r, 0);

	if (c < 0)
		return fail(r, "a \\ at the end");
	if (c >= 0x80) {
		skip_utf8(r);
		return anything;
	}
	r->p++;
	if (!is_alnum(c))
		return one_char(r, (unsigned char)c);
	if (control_escape(c) >= 0)
		return one_char(r, (unsigned char)control_escape(c));
	switch (c) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return empty(r);
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
	case 'h': case 'H': case 'v': case 'V': case 'R': case 'X':
		return anything;
	case 'N':
		if (at(r, 0) == '{')
			return fail(r, "\\N{...}");
		return anything;
	case 'p': case 'P':
		skip_property(r);
		return anything;
	case 'x': {
		long v = read_hex(r);

		return v < 0 || v >= 0x80 ? anything : one_char(r, (unsigned char)v);
	}
	default:
		return fail(r, "a back reference or an unusual escape");
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
			skip_utf8(r);
			x = anything;
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
			return anything;
		}
		r->p++;
		return read_escape(r);
	case '.':
		r->p++;
		return anything;
	case '^': case '$':
		r->p++;
		return empty(r);
	case '*': case '+': case '?': case '{':
		return fail(r, "a repeat with nothing before it");
	default:
		if (c >= 0x80) {
			skip_utf8(r);
			return anything;
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
			return fail(r, "a '{' that is not a repeat count");
		hi = lo;
		if (at(r, 0) == ',') {
			r->p++;
			hi = at(r, 0) == '}' ? -1 : read_count(r);
			if (hi == -1 && at(r, 0) != '}')
				return fail(r, "a '{' that is not a repeat count");
		}
		if (at(r, 0) != '}' || (hi >= 0 && hi < lo))
			return fail(r, "a '{' that is not a repeat count");
		r->p++;
	} else {
		return x;
	}
	if (at(r, 0) == '?' || at(r, 0) == '+') /* lazy, possessive */
		r->p++;
	if (at(r, 0) == '?' || at(r, 0) == '*' || at(r, 0) == '+' || at(r, 0) == '{')
		return fail(r, "a repeat of a repeat");
	if (!x.exact)
		return lo ? x : anything;
	/* x{m} (and x? as x{0,1}) with few strings: exactly those. */
	if (lo == hi || (lo == 0 && hi == 1)) {
		struct set *p = set_power(r, x.exact, lo), *e = set_one(r, NULL, 0), *u;

		if (p && lo == hi)
			return (struct info){ p, NULL };
		if (p && e && (u = set_union(r, x.exact, e)))
			return (struct info){ u, NULL };
	}
	if (!lo)
		return anything;
	/* Beyond the first copies anything may follow: only they are known. */
	for (long k = lo < MAXCOUNT ? lo : MAXCOUNT; k > 0; k /= 2) {
		struct set *p = set_power(r, x.exact, k);

		if (p)
			return (struct info){ NULL, form_of_set(r, p) };
	}
	return (struct info){ NULL, form_of(r, &x) };
}

/* Items one after another, up to | or ) or the end. */
static struct info read_seq(struct reader *r)
{
	struct form **terms;
	size_t nterms = 0, cap = 8;
	struct set *run = set_one(r, NULL, 0);
	int exact = 1;

	if (!run || !(terms = arena_alloc(r->a, cap * sizeof *terms)))
		return fail(r, "out of memory");
	while (r->p < r->end && !r->fail) {
		struct info x;
		int have;
		struct set *joined;

		if (!r->quote && (*r->p == '|' || *r->p == ')'))
			break;
		x = read_atom(r, &have);
		if (r->fail)
			break;
		if (!have) {
			if (!r->quote && r->p < r->end && *r->p && strchr("?*+{", *r->p))
				return fail(r, "a repeat after a comment or option");
			continue;
		}
		x = read_repeat(r, x);
		if (r->fail)
			break;
		if (nterms + 2 > cap) {
			struct form **more = arena_alloc(r->a, 2 * cap * sizeof *more);

			if (!more)
				return fail(r, "out of memory");
			memcpy(more, terms, nterms * sizeof *more);
			terms = more;
			cap *= 2;
		}
		if (x.exact && (joined = set_product(r, run, x.exact))) {
			run = joined;
			continue;
		}
		/* The run so far is one piece of text; the item starts another. */
		exact = 0;
		terms[nterms++] = form_of_set(r, run);
		if (x.exact) {
			run = x.exact;
		} else {
			terms[nterms++] = form_of(r, &x);
			if (!(run = set_one(r, NULL, 0)))
				return fail(r, "out of memory");
		}
	}
	if (r->fail)
		return anything;
	if (exact)
		return (struct info){ run, NULL };
	terms[nterms++] = form_of_set(r, run);
	return (struct info){ NULL, form_and(r, terms, nterms) };
}

/* Alternatives: a|b|c. */
static struct info read_alt(struct reader *r)
{
	struct info x = read_seq(r), y;
	struct form **kids = NULL;
	size_t n = 0, cap = 0;

	/* Strings while every branch gives few; then a condition. */
	while (!r->fail && at(r, 0) == '|') {
		struct set *u;

		r->p++;
		y = read_seq(r);
		if (r->fail)
			break;
		if (!n && x.exact && y.exact && (u = set_union(r, x.exact, y.exact))) {
			x.exact = u;
			continue;
		}
		if (n + 2 > cap) {
			struct form **more;

			cap = cap ? 2 * cap : 8;
			if (!(more = arena_alloc(r->a, cap * sizeof *more)))
				return fail(r, "out of memory");
			if (n)
				memcpy(more, kids, n * sizeof *more);
			kids = more;
		}
		if (!n)
			kids[n++] = form_of(r, &x);
		kids[n++] = form_of(r, &y);
	}
	if (r->fail)
		return anything;
	if (!n)
		return x;
	return (struct info){ NULL, form_or(r, kids, n) };
}

/* ---------------------------------------------------------------------
 * The prefilter: pieces, conditions, the Vectorscan database.
 */

/* A condition in postfix: a piece, or "all/any of the last n values". */
#define OP_KIND(op) ((op) >> 30)
#define OP_ARG(op) ((op) & 0x3FFFFFFFu)
enum { OP_LIT = 0, OP_AND = 1, OP_OR = 2 };

struct prefilter {
	const struct ruleset *rs;
	size_t ninc;                     /* include patterns */
	const struct rule_pattern **inc; /* by number */
	size_t *inc_theme;               /* each one's theme */
	size_t words;                    /* 64-bit words of an include bit set */
	uint64_t *always;                /* includes run on every answer */
	size_t theme_words;
	uint64_t *always_themes;         /* their themes */
	const char **why;                /* for those: the reason */
	size_t nslow;

	/* Conditions: include i's ops are ops[op_at[i] .. op_at[i + 1]). */
	uint32_t *ops;
	size_t *op_at;
	size_t stack;                    /* deepest evaluation stack */

	/* Pieces, and for each the includes whose conditions use it. */
	size_t npieces;
	struct str *pieces;
	size_t *users_at;                /* piece k: users[users_at[k] .. users_at[k + 1]) */
	uint32_t *users;

	hs_database_t *db;               /* the pieces and the two folding characters */
	hs_scratch_t *proto;             /* cloned for each thread */
};

struct prefilter_scratch {
	const struct prefilter *pf;
	hs_scratch_t *hs;
	pcre2_match_data *md;
	uint32_t stamp;      /* this answer's number */
	uint32_t *seen;      /* per piece: the stamp when last found */
	uint32_t *tried;     /* per include: the stamp when its condition was last checked */
	uint32_t *found;     /* pieces found in this answer */
	size_t nfound;
	int every;           /* the answer needs every pattern */
	uint64_t *cand;      /* includes to run */
	uint64_t *themes;    /* themes to try */
	unsigned char *stk;
};

/* Building: the pieces so far and the ops. */
struct build {
	struct prefilter *pf;
	size_t cap_pieces, nops, cap_ops;
	uint32_t *ops;
};

static long piece_id(struct build *b, const struct str *s)
{
	struct prefilter *pf = b->pf;
	tok *copy;

	for (size_t i = 0; i < pf->npieces; i++)
		if (str_eq(&pf->pieces[i], s))
			return (long)i;
	if (pf->npieces == b->cap_pieces) {
		size_t cap = b->cap_pieces ? 2 * b->cap_pieces : 64;
		struct str *p = realloc(pf->pieces, cap * sizeof *p);

		if (!p)
			return -1;
		pf->pieces = p;
		b->cap_pieces = cap;
	}
	if (!(copy = malloc(s->n * sizeof *copy)))
		return -1;
	memcpy(copy, s->t, s->n * sizeof *copy);
	pf->pieces[pf->npieces].t = copy;
	pf->pieces[pf->npieces].n = s->n;
	return (long)pf->npieces++;
}

static int emit(struct build *b, uint32_t op)
{
	if (b->nops == b->cap_ops) {
		size_t cap = b->cap_ops ? 2 * b->cap_ops : 1024;
		uint32_t *o = realloc(b->ops, cap * sizeof *o);

		if (!o)
			return -1;
		b->ops = o;
		b->cap_ops = cap;
	}
	b->ops[b->nops++] = op;
	return 0;
}

/* Emits `f` in postfix; returns the stack depth it needs, or -1. */
static long emit_form(struct build *b, const struct form *f)
{
	long deepest = 0, d;

	if (f->kind == F_LIT) {
		long id = piece_id(b, &f->lit);

		if (id < 0 || emit(b, (uint32_t)OP_LIT << 30 | (uint32_t)id) < 0)
			return -1;
		return 1;
	}
	for (size_t i = 0; i < f->n; i++) {
		if ((d = emit_form(b, f->kid[i])) < 0)
			return -1;
		if ((long)i + d > deepest)
			deepest = (long)i + d;
	}
	if (emit(b, (uint32_t)(f->kind == F_AND ? OP_AND : OP_OR) << 30 | (uint32_t)f->n) < 0)
		return -1;
	return deepest;
}

static size_t form_size(const struct form *f)
{
	size_t n = 1;

	for (size_t i = 0; f->kind != F_LIT && i < f->n; i++)
		n += form_size(f->kid[i]);
	return n;
}

/* Reads one include: its condition, or NULL with *why for a slow one. */
static struct form *read_pattern(struct arena *a, const struct rule_pattern *pat, const char **why)
{
	struct reader r = { (const unsigned char *)pat->source,
			    (const unsigned char *)pat->source + strlen(pat->source), a, NULL, 0,
			    pat->caseless, 0 };
	struct info x = read_alt(&r);
	struct form *f;

	if (!r.fail && r.p < r.end)
		r.fail = "an unbalanced )";
	f = r.fail ? NULL : form_of(&r, &x);
	if (a->oom)
		r.fail = "out of memory";
	if (r.fail) {
		*why = r.fail;
		return NULL;
	}
	if (f->kind == F_TRUE) {
		*why = "no fixed text of 3 or more characters (or 2 capitals, with "
		       "case=\"sensitive\") to look for first";
		return NULL;
	}
	if (form_size(f) > MAXOPS) {
		*why = "too many alternatives";
		return NULL;
	}
	return f;
}

static void set_bit(uint64_t *v, size_t i)
{
	v[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Fills users: for each piece, the includes whose conditions use it (once each). */
static int index_users(struct prefilter *pf)
{
	size_t *last = malloc((pf->npieces + 1) * sizeof *last), total = 0;

	pf->users_at = calloc(pf->npieces + 2, sizeof *pf->users_at);
	if (!last || !pf->users_at) {
		free(last);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < pf->npieces; k++)
			last[k] = SIZE_MAX;
		for (size_t i = 0; i < pf->ninc; i++)
			for (size_t k = pf->op_at[i]; k < pf->op_at[i + 1]; k++) {
				size_t id = OP_ARG(pf->ops[k]);

				if (OP_KIND(pf->ops[k]) != OP_LIT || last[id] == i)
					continue;
				last[id] = i;
				if (pass == 0)
					pf->users_at[id + 2]++;
				else
					pf->users[pf->users_at[id + 1]++] = (uint32_t)i;
			}
		if (pass == 0) {
			/* users_at[k + 1] is where piece k's users start; filling moves it to the end. */
			for (size_t k = 0; k < pf->npieces; k++) {
				total += pf->users_at[k + 2];
				pf->users_at[k + 2] += pf->users_at[k + 1];
			}
			if (!(pf->users = malloc((total ? total : 1) * sizeof *pf->users))) {
				free(last);
				return -1;
			}
		}
	}
	free(last);
	return 0;
}

/* The pieces as Vectorscan literals: ignoring case where any letter does. */
static int compile_pieces(struct prefilter *pf, struct err *e)
{
	size_t n = pf->npieces + 2;
	char **expr = calloc(n, sizeof *expr);
	unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
	size_t *lens = calloc(n, sizeof *lens);
	hs_compile_error_t *ce = NULL;
	int ok = -1;

	if (!expr || !flags || !ids || !lens)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		ids[i] = (unsigned)i;
		flags[i] = HS_FLAG_SINGLEMATCH;
		if (i >= pf->npieces) { /* U+017F and U+212A, in UTF-8 */
			if (!(expr[i] = strdup(i == pf->npieces ? "\xc5\xbf" : "\xe2\x84\xaa")))
				goto oom;
			lens[i] = strlen(expr[i]);
			continue;
		}
		if (!(expr[i] = malloc(pf->pieces[i].n + 1)))
			goto oom;
		for (size_t k = 0; k < pf->pieces[i].n; k++) {
			expr[i][k] = (char)(pf->pieces[i].t[k] & 0xFF);
			if (pf->pieces[i].t[k] & T_FOLD)
				flags[i] |= HS_FLAG_CASELESS;
		}
		lens[i] = pf->pieces[i].n;
	}
	if (hs_compile_lit_multi((const char *const *)expr, flags, ids, lens, (unsigned)n,
				 HS_MODE_BLOCK, NULL, &pf->db, &ce) != HS_SUCCESS) {
		err_set(e, EXIT_SYSTEM, "the prefilter does not compile: %s",
			ce ? ce->message : "unknown error");
		hs_free_compile_error(ce);
		pf->db = NULL;
		goto out;
	}
	if (hs_alloc_scratch(pf->db, &pf->proto) != HS_SUCCESS)
		goto oom;
	ok = 0;
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory for the prefilter");
out:
	for (size_t i = 0; expr && i < n; i++)
		free(expr[i]);
	free(expr);
	free(flags);
	free(ids);
	free(lens);
	return ok;
}

struct prefilter *prefilter_build(const struct ruleset *rs, struct err *e)
{
	struct prefilter *pf = calloc(1, sizeof *pf);
	struct build b = { pf, 0, 0, 0, NULL };
	struct arena a = { NULL, 0 };
	size_t g = 0;

	if (!pf)
		goto oom;
	pf->rs = rs;
	pf->ninc = rs->nincludes;
	pf->words = (pf->ninc + 63) / 64 + 1;
	pf->theme_words = (rs->nthemes + 63) / 64 + 1;
	pf->inc = calloc(pf->ninc + 1, sizeof *pf->inc);
	pf->inc_theme = calloc(pf->ninc + 1, sizeof *pf->inc_theme);
	pf->why = calloc(pf->ninc + 1, sizeof *pf->why);
	pf->op_at = calloc(pf->ninc + 1, sizeof *pf->op_at);
	pf->always = calloc(pf->words, sizeof *pf->always);
	pf->always_themes = calloc(pf->theme_words, sizeof *pf->always_themes);
	if (!pf->inc || !pf->inc_theme || !pf->why || !pf->op_at || !pf->always ||
	    !pf->always_themes)
		goto oom;
	for (size_t t = 0; t < rs->nthemes; t++)
		for (size_t i = 0; i < rs->themes[t].nincludes; i++, g++) {
			const struct rule_pattern *pat = &rs->themes[t].includes[i];
			struct form *f = read_pattern(&a, pat, &pf->why[g]);
			long depth;

			pf->inc[g] = pat;
			pf->inc_theme[g] = t;
			pf->op_at[g] = b.nops;
			if (!f) {
				if (a.oom)
					goto oom;
				set_bit(pf->always, g);
				set_bit(pf->always_themes, t);
				pf->nslow++;
				continue;
			}
			if ((depth = emit_form(&b, f)) < 0)
				goto oom;
			if ((size_t)depth > pf->stack)
				pf->stack = (size_t)depth;
			pf->why[g] = NULL;
		}
	pf->op_at[g] = b.nops;
	pf->ops = b.ops;
	b.ops = NULL;
	arena_free(&a);
	if (index_users(pf) < 0)
		goto oom;
	if (pf->npieces && compile_pieces(pf, e) < 0) {
		prefilter_free(pf);
		return NULL;
	}
	return pf;
oom:
	arena_free(&a);
	free(b.ops);
	prefilter_free(pf);
	err_set(e, EXIT_SYSTEM, "out of memory building the prefilter");
	return NULL;
}

void prefilter_free(struct prefilter *pf)
{
	if (!pf)
		return;
	hs_free_scratch(pf->proto);
	hs_free_database(pf->db);
	for (size_t i = 0; i < pf->npieces; i++)
		free((void *)pf->pieces[i].t);
	free(pf->pieces);
	free(pf->users_at);
	free(pf->users);
	free(pf->ops);
	free(pf->op_at);
	free(pf->inc);
	free(pf->inc_theme);
	free(pf->why);
	free(pf->always);
	free(pf->always_themes);
	free(pf);
}

size_t prefilter_nslow(const struct prefilter *pf)
{
	return pf->nslow;
}

const struct rule_pattern *prefilter_slow(const struct prefilter *pf, size_t i, const char **why)
{
	for (size_t g = 0; g < pf->ninc; g++)
		if (pf->why[g] && i-- == 0) {
			*why = pf->why[g];
			return pf->inc[g];
		}
	return NULL;
}

size_t prefilter_npieces(const struct prefilter *pf)
{
	return pf->npieces;
}

struct prefilter_scratch *prefilter_scratch_new(const struct prefilter *pf, struct err *e)
{
	struct prefilter_scratch *s = calloc(1, sizeof *s);

	if (!s)
		goto oom;
	s->pf = pf;
	s->md = pcre2_match_data_create(1, NULL);
	s->seen = calloc(pf->npieces + 1, sizeof *s->seen);
	s->found = calloc(pf->npieces + 1, sizeof *s->found);
	s->tried = calloc(pf->ninc + 1, sizeof *s->tried);
	s->cand = calloc(pf->words, sizeof *s->cand);
	s->themes = calloc(pf->theme_words, sizeof *s->themes);
	s->stk = calloc(pf->stack + 1, 1);
	if (!s->md || !s->seen || !s->found || !s->tried || !s->cand || !s->themes || !s->stk)
		goto oom;
	if (pf->proto && hs_clone_scratch(pf->proto, &s->hs) != HS_SUCCESS)
		goto oom;
	return s;
oom:
	prefilter_scratch_free(s);
	err_set(e, EXIT_SYSTEM, "out of memory");
	return NULL;
}

void prefilter_scratch_free(struct prefilter_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	free(s->seen);
	free(s->found);
	free(s->tried);
	free(s->cand);
	free(s->themes);
	free(s->stk);
	free(s);
}

static int on_piece(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	struct prefilter_scratch *s = ctx;

	(void)from;
	(void)to;
	(void)flags;
	if (id >= s->pf->npieces) {
		s->every = 1;
		return 1; /* no need to look further */
	}
	s->seen[id] = s->stamp;
	s->found[s->nfound++] = id;
	return 0;
}

/* Whether include `i`'s condition holds for the pieces found. */
static int holds(const struct prefilter *pf, struct prefilter_scratch *s, size_t i)
{
	size_t sp = 0;

	for (size_t k = pf->op_at[i]; k < pf->op_at[i + 1]; k++) {
		uint32_t op = pf->ops[k], n = OP_ARG(op);
		unsigned char v;

		switch (OP_KIND(op)) {
		case OP_LIT:
			s->stk[sp++] = s->seen[n] == s->stamp;
			break;
		case OP_AND:
			v = 1;
			for (uint32_t j = 0; j < n; j++)
				v &= s->stk[--sp];
			s->stk[sp++] = v;
			break;
		default:
			v = 0;
			for (uint32_t j = 0; j < n; j++)
				v |= s->stk[--sp];
			s->stk[sp++] = v;
			break;
		}
	}
	return sp == 1 && s->stk[0];
}

/* Chooses the includes and themes to try on `text`. */
static void choose(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		   size_t len)
{
	memcpy(s->cand, pf->always, pf->words * sizeof *s->cand);
	memcpy(s->themes, pf->always_themes, pf->theme_words * sizeof *s->themes);
	s->nfound = 0;
	s->every = len > UINT_MAX;
	if (++s->stamp == 0) { /* wrapped: forget the old stamps */
		memset(s->seen, 0, pf->npieces * sizeof *s->seen);
		memset(s->tried, 0, pf->ninc * sizeof *s->tried);
		s->stamp = 1;
	}
	if (pf->db && !s->every &&
	    hs_scan(pf->db, text, (unsigned int)len, 0, s->hs, on_piece, s) != HS_SUCCESS)
		s->every = 1; /* stopped by a folding character, or failed: try everything */
	if (s->every) {
		memset(s->cand, 0xFF, pf->words * sizeof *s->cand);
		memset(s->themes, 0xFF, pf->theme_words * sizeof *s->themes);
		return;
	}
	for (size_t f = 0; f < s->nfound; f++) {
		uint32_t id = s->found[f];

		for (size_t u = pf->users_at[id]; u < pf->users_at[id + 1]; u++) {
			uint32_t i = pf->users[u];

			if (s->tried[i] == s->stamp)
				continue;
			s->tried[i] = s->stamp;
			if (holds(pf, s, i)) {
				set_bit(s->cand, i);
				set_bit(s->themes, pf->inc_theme[i]);
			}
		}
	}
}

int prefilter_tag(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		  size_t len, const char *question, struct rule_tag *out)
{
	const struct ruleset *rs = pf->rs;
	int n = 0;

	if (!utf8_check(text, len, NULL))
		return -1;
	choose(pf, s, text, len);
	for (size_t w = 0; w * 64 < rs->nthemes; w++) {
		uint64_t bits = s->themes[w];

		while (bits) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			const struct rule_theme *t;
			enum rule_result r;

			bits &= bits - 1;
			if (i >= rs->nthemes)
				break;
			t = &rs->themes[i];
			if (!t->nincludes || !rules_applies(t, question))
				continue;
			r = rules_match_only(rs, t, text, len, 1, s->md, s->cand, &out[n].hit);
			if (r == RULE_NO_MATCH)
				continue;
			out[n].theme = i;
			out[n++].result = r;
		}
	}
	return n;
}
