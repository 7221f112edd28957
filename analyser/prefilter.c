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
 * {"&", "+"}, "['’]" gives {"'", "’"}), or a condition on the text: AND and
 * OR over pieces of text that must occur in any text the part matches.
 * Every rule of the reading only widens what is accepted: an assertion
 * (\b, a lookaround, an anchor) matches "anything", so does a character
 * class of many characters, an escape such as \w, a character outside
 * ASCII whose case can change and a repeat beyond its first copies; of a
 * condition with many parts only the two most selective are kept; a piece
 * with fewer than MINLEN characters (or, case-sensitive, two capitals)
 * says too little and is no condition at all, unless it is rare in English
 * text ("GP", "8", "&"; see char_share()). A construct the reader does not
 * know (back references, recursion, (?x), ...) makes the pattern slow: it
 * is run on every answer, and `analyser rules check` says so.
 *
 * Pieces are looked for ignoring ASCII case unless the pattern is
 * case-sensitive there. The only way that can miss what PCRE2 matches is
 * that PCRE2 folds two characters outside ASCII onto ASCII letters (U+017F
 * onto "s", U+212A onto "k"); an answer with either gets every pattern,
 * each from the beginning.
 *
 * Where PCRE2 is started. Most patterns begin with fixed text, their head
 * ("\b(?:car\s*)?park" with "car" or "park"), found within a bounded
 * number of bytes of where any match starts, or after gaps of repeated
 * characters walked back over in the answer ("A\s*&"). Vectorscan reports
 * every place of a head, so PCRE2 is run only in the windows before those
 * places, in order, each bounded by an offset limit: it gives the match
 * trying every place would, as no match can start elsewhere. A try at a
 * place left out is little work (a head_of() bound), so it could not have
 * hit the match limit either: the result, errors included, is the same.
 * That holds for excludes too, which are also run only near their heads.
 */
#include "prefilter.h"

#include <hs/hs.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "utf8.h"

#define MINLEN 3      /* a piece needs this much text to be worth looking for (see why) */
#define RARE 0.0007  /* or to be this rare (see char_share()) */
#define RELAXED 0.002 /* the same for a pattern that has no condition else */
#define MAXSET 64     /* strings kept for one part of a pattern */
#define MAXPIECE 48   /* bytes of a piece */
#define MAXCLASS 6    /* a [class] of more characters matches "anything" */
#define MAXCOUNT 8    /* copies of a repeated item spelled out */
#define MAXDEPTH 100  /* nested groups read; deeper patterns are slow */
#define MAXOPS 512    /* size of one pattern's condition */
#define MAXREACH 255  /* bytes from the start of a match to its head, at most */
#define MAXWORK 1000  /* ways to try a pattern where its head is not, at most */
#define OCCMAX 1024   /* places of heads kept for one answer */
#define MAXWIN 8      /* places of a pattern's heads tried one by one */
#define MAXGAPS 2     /* unbounded repeats walked back over before a head */
#define GAPWORK 10000 /* the same where a head comes after gaps (see near_heads()) */
#define NONE UINT32_MAX

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

/*
 * What a part of a pattern matches: one of a set of strings, or a
 * condition; and where a match of it starts (its head), so that PCRE2 can
 * be started near the first place that can begin a match.
 */
struct info {
	struct set *exact; /* NULL: no such set */
	struct form *req;  /* without `exact`: what the text must contain */
	size_t maxlen;     /* bytes it matches at most; NOLEN: no bound */
	int empty;         /* it can match the empty string */
	double paths;      /* ways to match it at one place, at most (a bound on the work) */
	/*
	 * NULL, or strings one of which any match that is not empty has,
	 * starting at most `reach` bytes after the match starts; `hwork`
	 * bounds the work of trying the part where none of them is that near.
	 */
	struct set *head;
	size_t reach;
	double hwork;
	/*
	 * With a head: the bytes of unbounded repeats (gaps) that may come
	 * between the `reach` bytes and the head, how many there are (each
	 * multiplies the work by the text's length), and NULL for none.
	 */
	const uint64_t *gap;
	int ngaps;
	/*
	 * NULL, or the bytes of every character it matches (a gap's). The
	 * characters PCRE2 folds onto ASCII letters are left out: an answer
	 * with them is tried from the beginning (see prefilter_ascii_folds).
	 */
	const uint64_t *chars;
	int wb; /* a match that is not empty starts where \b holds */
};

struct reader {
	const unsigned char *p, *end;
	struct arena *a;
	const char *fail; /* why the pattern is not read */
	int quote;        /* inside \Q...\E */
	int caseless;     /* letters match either case here */
	int depth;
	int fixed_start;  /* \G or \K: PCRE2 must start at the beginning */
	int relaxed;      /* shorter pieces will do (see worth()) */
	int any_head;     /* any string will do as a head (see read_head_any()) */
};

#define NOLEN SIZE_MAX  /* no bound on a length */
#define MANY 1e12       /* more paths than are worth counting */
#define UTF8MAX 4       /* bytes of one character */

static struct form form_true = { F_TRUE, { NULL, 0 }, 0, NULL };

/* A part the reader knows nothing about. */
static const struct info anything = { NULL, &form_true, NOLEN, 1, MANY, NULL, 0, MANY, NULL, 0,
				      NULL, 0 };

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

/*
 * How often a character occurs in answers, as a share of English text:
 * letters by their usual frequencies, an exact capital an eighth of that,
 * digits and most symbols rarely.
 */
static double char_share(tok t)
{
	static const double letter[26] = { /* a..z */
		.066, .012, .022, .034, .102, .018, .016, .049, .056, .0012, .006, .032, .019,
		.054, .060, .015, .0008, .048, .050, .073, .022, .008, .019, .0012, .016, .0006,
	};
	unsigned c = t & 0xFF;

	if (c >= 'a' && c <= 'z')
		return letter[c - 'a'];
	if (c >= 'A' && c <= 'Z')
		return letter[c - 'A'] / 8;
	if (c == ' ')
		return .18;
	if (c == '.' || c == ',' || c == '\n')
		return .011;
	if (c && strchr("'\"-()!?:;", (int)c))
		return .004;
	return .0005; /* digits, other symbols, control characters, bytes outside ASCII */
}

/* How likely a piece is to start at a given place in an answer. */
static double piece_share(const struct str *s)
{
	double p = 1;

	for (size_t i = 0; i < s->n; i++)
		p *= char_share(s->t[i]);
	return p;
}

/* Two-letter words too common for their letters' frequencies to tell. */
static int common_word(const struct str *s)
{
	static const char *const words[] = { "am", "be", "by", "do", "go", "if", "me",
					     "my", "of", "ok", "up", "us", "we" };

	for (size_t i = 0; s->n == 2 && i < sizeof words / sizeof *words; i++)
		if ((s->t[0] & 0xFF) == (unsigned char)words[i][0] &&
		    (s->t[1] & 0xFF) == (unsigned char)words[i][1])
			return 1;
	return 0;
}

/*
 * Whether a piece says enough to be looked for: MINLEN characters (an
 * exact capital counting twice), or fewer that are rare ("GP", "8", "&"),
 * or less rare ("op") when reading a pattern that has no condition else.
 */
static int worth(const struct reader *r, const struct str *s)
{
	if (r->any_head)
		return s->n > 0;
	return weight(s) >= MINLEN ||
	       (piece_share(s) <= (r->relaxed ? RELAXED : RARE) && !common_word(s));
}

/* How often what a condition asks for is found (lower narrows more; 1 for nothing). */
static double form_share(const struct form *f)
{
	double p, q;

	switch (f->kind) {
	case F_LIT:
		return piece_share(&f->lit);
	case F_OR: /* any: the chances add up */
		p = 0;
		for (size_t i = 0; i < f->n; i++)
			p += form_share(f->kid[i]);
		return p < 1 ? p : 1;
	case F_AND: /* all: at most the rarest one's */
		p = 1;
		for (size_t i = 0; i < f->n; i++)
			if ((q = form_share(f->kid[i])) < p)
				p = q;
		return p;
	default:
		return 1;
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
		if (!best[0] || form_share(c) < form_share(best[0])) {
			best[1] = best[0];
			best[0] = c;
		} else if (!best[1] || form_share(c) < form_share(best[1])) {
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
		if (!worth(r, &s->v[i]) || !(kids[i] = arena_alloc(r->a, sizeof *kids[i])))
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
 * Sizes and heads (see struct info), with "no bound" kept as such.
 */

static size_t len_add(size_t a, size_t b)
{
	return a == NOLEN || b == NOLEN || a > NOLEN - 1 - b ? NOLEN : a + b;
}

static size_t len_max(size_t a, size_t b)
{
	return a > b ? a : b;
}

static double work_add(double a, double b)
{
	return a + b < MANY ? a + b : MANY;
}

static double work_mul(double a, double b)
{
	return a * b < MANY ? a * b : MANY;
}

/* Ways to match x{lo,hi} (hi -1: no bound) when x has `p`: the sum of its powers. */
static double repeat_paths(double p, long lo, long hi)
{
	double sum = 0, pk = 1;

	if (hi < 0)
		return MANY;
	for (long k = 0; k <= hi && sum < MANY; k++) {
		if (k >= lo)
			sum = work_add(sum, pk);
		pk = work_mul(pk, p);
	}
	return sum;
}

/*
 * A set of strings as a part: its strings start where its match does, so
 * they are its head, if each is worth looking for.
 */
static struct info info_exact(struct reader *r, struct set *s, double paths)
{
	struct info x = { s, NULL, 0, 0, paths, NULL, 0, paths, NULL, 0, NULL, 0 };
	struct set *h = s ? set_new(r, s->n) : NULL;
	uint64_t *chars = arena_alloc(r->a, 4 * sizeof *chars);
	int worthy = 1;

	if (!h || !chars)
		return fail(r, "out of memory");
	memset(chars, 0, 4 * sizeof *chars);
	for (size_t i = 0; i < s->n; i++) {
		x.maxlen = len_max(x.maxlen, s->v[i].n);
		for (size_t k = 0; k < s->v[i].n; k++) {
			unsigned c = s->v[i].t[k] & 0xFF;

			chars[c / 64] |= (uint64_t)1 << (c % 64);
			if (s->v[i].t[k] & T_FOLD)
				chars[(c ^ 0x20) / 64] |= (uint64_t)1 << ((c ^ 0x20) % 64);
		}
		if (!s->v[i].n) {
			x.empty = 1;
			continue;
		}
		worthy &= worth(r, &s->v[i]);
		h->v[h->n++] = s->v[i];
	}
	x.head = worthy ? h : NULL;
	x.chars = chars;
	return x;
}

/* A sequence read part by part: where its head is. */
struct seq {
	struct info x;     /* the sequence so far (its sizes and head) */
	size_t before;     /* bytes the bounded parts before the head can match */
	uint64_t gap[4];   /* the bytes of the gaps before the head */
	uint64_t chars[4]; /* the bytes of all parts, while chars_ok */
	int chars_ok;
	int state;         /* 0: no head yet, 1: found, -1: none to be had */
	int consumed;      /* a part without head strings can match text */
	int after_gap;     /* a bounded part that matches text came after a gap */
};

static int seq_init(struct reader *r, struct seq *q)
{
	struct info x = { NULL, &form_true, 0, 1, 1, set_new(r, 0), 0, 1, NULL, 0, NULL, 0 };

	memset(q, 0, sizeof *q);
	q->x = x;
	q->chars_ok = 1;
	return x.head ? 0 : -1;
}

/* a |= b, for byte sets; NULL b adds nothing. */
static void bytes_add(uint64_t *a, const uint64_t *b)
{
	for (int i = 0; b && i < 4; i++)
		a[i] |= b[i];
}

/*
 * The next part. Parts before the head must have a bounded length; a part
 * with head strings that can match nothing adds them and the search goes
 * on (where it matches nothing, the next parts start at the same place).
 */
static void seq_add(struct reader *r, struct seq *q, const struct info *p)
{
	q->x.maxlen = len_add(q->x.maxlen, p->maxlen);
	q->x.empty &= p->empty;
	q->x.paths = work_mul(q->x.paths, p->paths);
	if (p->maxlen > 0 && !p->chars)
		q->chars_ok = 0;
	else if (p->maxlen > 0)
		bytes_add(q->chars, p->chars);
	if (q->state)
		return;
	if (p->head) {
		/* After a gap its strings must follow it at once. */
		if (q->x.ngaps && (p->reach || q->after_gap)) {
			q->state = -1;
			return;
		}
		if (p->head->n) {
			struct set *u = set_union(r, q->x.head, p->head);

			if (!u) {
				q->state = -1;
				return;
			}
			q->x.head = u;
			q->x.reach = len_max(q->x.reach, len_add(q->before, p->reach));
			bytes_add(q->gap, p->gap);
			q->x.ngaps = q->x.ngaps > p->ngaps ? q->x.ngaps : p->ngaps;
		}
		if (!p->empty) {
			q->x.hwork = work_mul(q->x.hwork, p->hwork);
			q->state = 1;
		} else {
			q->x.hwork = work_mul(q->x.hwork, work_add(p->hwork, 1));
		}
		return;
	}
	if (p->maxlen == NOLEN) {
		/* An unbounded run of known characters: a gap, to be walked back over. */
		if (!p->chars || q->x.ngaps >= MAXGAPS || q->after_gap) {
			q->state = -1;
			return;
		}
		bytes_add(q->gap, p->chars);
		q->x.ngaps++;
		q->consumed = 1;
		return;
	}
	if (p->maxlen > 0) {
		q->consumed = 1;
		q->after_gap |= q->x.ngaps > 0;
	}
	q->before = len_add(q->before, p->maxlen);
	q->x.hwork = work_mul(q->x.hwork, p->paths);
}

/* The sequence as a part, with `req`. */
static struct info seq_end(struct reader *r, struct seq *q, struct form *req)
{
	struct info x = q->x;
	uint64_t *gap, *chars;

	x.req = req;
	if (q->chars_ok) {
		if (!(chars = arena_alloc(r->a, sizeof q->chars)))
			return fail(r, "out of memory");
		memcpy(chars, q->chars, sizeof q->chars);
		x.chars = chars;
	}
	if (q->state < 0 || (q->state == 0 && q->consumed) || x.reach == NOLEN)
		x.head = NULL;
	if (x.head && x.ngaps) {
		if (!(gap = arena_alloc(r->a, sizeof q->gap)))
			return fail(r, "out of memory");
		memcpy(gap, q->gap, sizeof q->gap);
		x.gap = gap;
	}
	return x;
}

/* Adds branch `y` to alternatives `a`. */
static void alt_add(struct reader *r, struct info *a, const struct info *y)
{
	a->wb &= y->wb;
	a->maxlen = len_max(a->maxlen, y->maxlen);
	a->empty |= y->empty;
	a->paths = work_add(a->paths, y->paths);
	a->hwork = work_add(a->hwork, y->hwork);
	if (a->head && y->head) {
		a->head = set_union(r, a->head, y->head);
		a->reach = len_max(a->reach, y->reach);
		if (y->gap) {
			uint64_t *gap = arena_alloc(r->a, 4 * sizeof *gap);

			if (!gap) {
				a->head = NULL;
				return;
			}
			memset(gap, 0, 4 * sizeof *gap);
			bytes_add(gap, a->gap);
			bytes_add(gap, y->gap);
			a->gap = gap;
			a->ngaps = a->ngaps > y->ngaps ? a->ngaps : y->ngaps;
		}
	} else {
		a->head = NULL;
	}
	if (a->chars && y->chars) {
		uint64_t *chars = arena_alloc(r->a, 4 * sizeof *chars);

		if (chars) {
			memcpy(chars, a->chars, 4 * sizeof *chars);
			bytes_add(chars, y->chars);
		}
		a->chars = chars;
	} else {
		a->chars = NULL;
	}
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
		return fail(r, nul_why);

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
 * A member of a [class] outside ASCII, the `n` bytes at `p`: one of its
 * exact strings if its case cannot change and it does not start a range;
 * else the class is wide.
 */
static void class_wide(struct reader *r, const unsigned char *p, size_t n, struct str *exact,
		       size_t *nexact, int *wide, uint64_t *more)
{
	struct info w = wide_char(r, p, n);

	if (w.exact && *nexact < MAXCLASS && at(r, 0) != '-')
		exact[(*nexact)++] = w.exact->v[0];
	else
		*wide = 1;
	bytes_add(more, bytes_high);
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
	int wide = 0, first = 1, negated = 0;
	size_t count = 0, nexact = 0;
	struct set *set;
	struct str exact[MAXCLASS]; /* members outside ASCII that are exactly their bytes */
	uint64_t more[4] = { 0 }, *bytes; /* bytes of the members that are not in in[] */

	if (at(r, 0) == '^') {
		wide = negated = 1;
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
				const unsigned char *q = --r->p;

				skip_utf8(r);
				class_wide(r, q, (size_t)(r->p - q), exact, &nexact, &wide, more);
			} else if (!is_alnum(e)) {
				lo = e;
			} else if (strchr("dDwWsShHvV", e)) {
				static const char names[] = "dDwWsShHvV";
				static const uint64_t *const of[] = {
					bytes_digit, bytes_ndigit, bytes_word, bytes_nword,
					bytes_space, bytes_nspace, bytes_hspace, bytes_nhspace,
					bytes_vspace, bytes_nvspace,
				};

				wide = 1;
				bytes_add(more, of[strchr(names, e) - names]);
			} else if (e == 'p' || e == 'P') {
				skip_property(r);
				wide = 1;
				bytes_add(more, bytes_all);
			} else if (e == 'b') {
				lo = 0x08;
			} else if (e == 'x') {
				long v = read_hex(r);

				if (v < 0)
					return anything;
				if (v < 0x80) {
					lo = (int)v;
				} else {
					struct info w = wide_value(r, v);

					if (w.exact && nexact < MAXCLASS && at(r, 0) != '-')
						exact[nexact++] = w.exact->v[0];
					else
						wide = 1;
					bytes_add(more, bytes_high);
				}
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
			memset(more, 0xFF, sizeof more);
		} else if (c >= 0x80) {
			const unsigned char *q = r->p;

			skip_utf8(r);
			class_wide(r, q, (size_t)(r->p - q), exact, &nexact, &wide, more);
		} else {
			lo = c;
			r->p++;
		}
		if (lo < 0)
			continue;
		if (!lo)
			return fail(r, nul_why);
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
				memset(more, 0xFF, sizeof more); /* ASCII too, maybe */
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
	if (wide) {
		/*
		 * The bytes of the characters it matches: all but the ASCII ones
		 * it names if it is negated (ignoring case it leaves out more).
		 */
		struct info x = one_any;

		if (!(bytes = arena_alloc(r->a, 4 * sizeof *bytes)))
			return fail(r, "out of memory");
		memset(bytes, 0, 4 * sizeof *bytes);
		for (unsigned k = 0; k < 128; k++)
			if (in[k] && !negated) {
				bytes[k / 64] |= (uint64_t)1 << (k % 64);
				if (r->caseless && ((k | 0x20) >= 'a' && (k | 0x20) <= 'z'))
					bytes[(k ^ 0x20) / 64] |= (uint64_t)1 << ((k ^ 0x20) % 64);
			} else if (!in[k] && negated) {
				bytes[k / 64] |= (uint64_t)1 << (k % 64);
			}
		if (negated)
			bytes[2] = bytes[3] = UINT64_MAX;
		else
			bytes_add(bytes, more);
		x.chars = bytes;
		return x;
	}
	/* Ignoring case, [Aa] is one character to look for. */
	for (unsigned k = 'A'; k <= 'Z'; k++)
		if (r->caseless && in[k]) {
			in[k] = 0;
			in[k | 0x20] = 1;
		}
	for (unsigned k = 0; k < 128; k++)
		count += in[k];
	count += nexact;
	if (count > MAXCLASS) {
		struct info x = one_any;

		if (!(bytes = arena_alloc(r->a, 4 * sizeof *bytes)))
			return fail(r, "out of memory");
		memset(bytes, 0, 4 * sizeof *bytes);
		for (unsigned k = 0; k < 128; k++)
			if (in[k]) {
				bytes[k / 64] |= (uint64_t)1 << (k % 64);
				if (r->caseless && k >= 'a' && k <= 'z')
					bytes[(k ^ 0x20) / 64] |= (uint64_t)1 << ((k ^ 0x20) % 64);
			}
		if (nexact)
			bytes_add(bytes, bytes_high);
		x.chars = bytes;
		return x;
	}
	if (!(set = set_new(r, count)))
		return fail(r, "out of memory");
	for (unsigned k = 0; k < 128; k++) {
		tok *t;

		if (!in[k])
			continue;
		if (!(t = arena_alloc(r->a, sizeof *t)))
			return fail(r, "out of memory");
		*t = char_token(r, (unsigned char)k);
		set->v[set->n].t = t;
		set->v[set->n++].n = 1;
	}
	for (size_t k = 0; k < nexact; k++)
		set->v[set->n++] = exact[k];
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
		return fail(r, "a \\ at the end");
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
		return anything;
	case 'N':
		if (at(r, 0) == '{')
			return fail(r, "\\N{...}");
		return one_of(bytes_all);
	case 'p': case 'P':
		skip_property(r);
		return one_of(bytes_all);
	case 'x': {
		long v = read_hex(r);

		if (v < 0)
			return anything;
		return v >= 0x80 ? wide_value(r, v) : one_char(r, (unsigned char)v);
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
			return anything;
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
		return fail(r, "a repeat with nothing before it");
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
		return fail(r, "out of memory");
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
				return fail(r, "a repeat after a comment or option");
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
				return fail(r, "out of memory");
		}
	}
	if (r->fail)
		return anything;
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
	all.exact = NULL;
	all.req = form_or(r, kids, n);
	return all;
}

/* ---------------------------------------------------------------------
 * The prefilter: pieces, conditions, the Vectorscan database.
 */

/*
 * A condition in prefix order: a piece (its number in OP_ARG), or "all/any
 * of the next OP_KIDS conditions", which take OP_ARG ops with this one.
 */
#define OP_KIND(op) ((op) >> 30)
#define OP_ARG(op) ((op) & 0xFFFFFu)
#define OP_KIDS(op) ((op) >> 20 & 0x3FFu)
#define OP_SIZE(op) (OP_KIND(op) == OP_LIT ? 1 : OP_ARG(op))
enum { OP_LIT = 0, OP_AND = 1, OP_OR = 2 };

struct prefilter {
	const struct ruleset *rs;
	size_t ninc;                     /* include patterns */
	size_t npat;                     /* and the excludes after them */
	const struct rule_pattern **pat; /* by number: the includes, then the excludes */
	size_t *inc_theme;               /* each include's theme */
	size_t *first_exclude;           /* per theme: how many of the set's excludes come before */
	size_t words;                    /* 64-bit words of an include bit set */
	uint64_t *always;                /* includes run on every answer */
	size_t theme_words;
	uint64_t *always_themes;         /* their themes */
	const char **why;                /* for those: the reason */
	size_t nslow;

	/* Conditions: include i's ops are ops[op_at[i] .. op_at[i + 1]). */
	uint32_t *ops;
	size_t *op_at;
	unsigned char *any_piece;        /* per include: its condition is "one of its pieces" */

	/* Pieces, and for each the includes whose conditions use it. */
	size_t npieces;
	struct str *pieces;
	size_t *users_at;                /* piece k: users[users_at[k] .. users_at[k + 1]) */
	uint32_t *users;

	/*
	 * Heads: pattern i's are the pieces heads[head_at[i] .. head_at[i + 1]),
	 * one of which any match has within reach[i] bytes of its start, after
	 * gaps (NOLEN: no head, PCRE2 starts at the beginning).
	 */
	size_t *head_at;
	uint32_t *heads;
	size_t *reach;
	uint64_t *gaps;                  /* pattern i's gap bytes: gaps[4 * i .. 4 * i + 4) */
	unsigned char *ngaps;
	unsigned char *wb;               /* a match starts on its head, where \b holds */
	double *hwork;
	unsigned char *is_head;          /* per piece: whether it is a head (where it is counts) */

	hs_database_t *db;               /* the pieces and the two folding characters */
	uint32_t *single;                /* the pieces of one byte, not in db */
	size_t nsingle;
	hs_scratch_t *proto;             /* cloned for each thread */
};

struct prefilter_scratch {
	const struct prefilter *pf;
	hs_scratch_t *hs;
	pcre2_match_data *md;
	uint32_t stamp;      /* this answer's number */
	uint32_t *seen;      /* per piece: the stamp when last found */
	size_t *first;       /* per piece, once seen: where it first starts */
	uint32_t *occ_last;  /* per head piece, once seen: its last place in occ_pos */
	uint32_t *occ_pos;   /* where heads start, in the order found, */
	uint32_t *occ_next;  /* each with the one before of the same piece (NONE) */
	size_t nocc;
	int occ_full;        /* more than OCCMAX: only `first` is known */
	pcre2_match_context *mctx; /* the set's limits, and where a match may start */
	uint32_t *tried;     /* per include: the stamp when its condition was last checked */
	uint32_t *found;     /* pieces found in this answer */
	size_t nfound;
	int every;           /* the answer needs every pattern */
	uint64_t *cand;      /* includes to run */
	uint64_t *themes;    /* themes to try */
	struct prefilter_stats *stats; /* NULL: not counting */
};

/* Building: the pieces so far, the ops and the heads. */
struct build {
	struct prefilter *pf;
	size_t cap_pieces, nops, cap_ops, nheads, cap_heads;
	uint32_t *ops, *heads;
};

/* The number of piece `s`, or -1 if it is not one yet. */
static long piece_find(const struct prefilter *pf, const struct str *s)
{
	for (size_t i = 0; i < pf->npieces; i++)
		if (str_eq(&pf->pieces[i], s))
			return (long)i;
	return -1;
}

static long piece_id(struct build *b, const struct str *s)
{
	struct prefilter *pf = b->pf;
	long found = piece_find(pf, s);
	tok *copy;

	if (found >= 0)
		return found;
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

/* Adds piece `s` to the heads of the pattern being built. */
static int add_head(struct build *b, const struct str *s)
{
	long id = piece_id(b, s);

	if (id < 0)
		return -1;
	if (b->nheads == b->cap_heads) {
		size_t cap = b->cap_heads ? 2 * b->cap_heads : 256;
		uint32_t *h = realloc(b->heads, cap * sizeof *h);

		if (!h)
			return -1;
		b->heads = h;
		b->cap_heads = cap;
	}
	b->heads[b->nheads++] = (uint32_t)id;
	return 0;
}

/*
 * The head of pattern `k` (from read_pattern()), if it has one worth using:
 * a short piece costs the scan of every answer, so only one a condition
 * has already. 1 if it is used, 0 if not, -1 out of memory.
 */
static int add_heads(struct build *b, size_t k, const struct info *h)
{
	struct prefilter *pf = b->pf;

	if (!h->head)
		return 0;
	for (size_t i = 0; i < h->head->n; i++)
		if (weight(&h->head->v[i]) < MINLEN && piece_find(pf, &h->head->v[i]) < 0)
			return 0;
	for (size_t i = 0; i < h->head->n; i++)
		if (add_head(b, &h->head->v[i]) < 0)
			return -1;
	pf->reach[k] = h->reach;
	pf->ngaps[k] = (unsigned char)h->ngaps;
	pf->wb[k] = h->wb && !h->reach && !h->ngaps;
	pf->hwork[k] = h->hwork;
	if (h->gap)
		memcpy(pf->gaps + 4 * k, h->gap, 4 * sizeof *pf->gaps);
	return 1;
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

/* Emits `f` in prefix order; 0, or -1 out of memory. */
static int emit_form(struct build *b, const struct form *f)
{
	size_t at = b->nops;

	if (f->kind == F_LIT) {
		long id = piece_id(b, &f->lit);

		if (id < 0 || (uint32_t)id > OP_ARG(UINT32_MAX))
			return -1;
		return emit(b, (uint32_t)OP_LIT << 30 | (uint32_t)id);
	}
	if (emit(b, 0) < 0)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (emit_form(b, f->kid[i]) < 0)
			return -1;
	/* Sizes are bounded by MAXOPS. */
	b->ops[at] = (uint32_t)(f->kind == F_AND ? OP_AND : OP_OR) << 30 | (uint32_t)f->n << 20 |
		     (uint32_t)(b->nops - at);
	return 0;
}

static size_t form_size(const struct form *f)
{
	size_t n = 1;

	for (size_t i = 0; f->kind != F_LIT && i < f->n; i++)
		n += form_size(f->kid[i]);
	return n;
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
static void read_head_any(struct arena *a, const struct rule_pattern *pat, struct info *h)
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
	*h = anything;
	if (r.fail || r.p < r.end || a->oom)
		return;
	*h = x;
	h->head = head_of(&r, &x);
}

/*
 * Reads one include: its condition, or NULL with *why for a slow one; and
 * in *h its head (h->head NULL if none).
 */
static struct form *read_pattern(struct arena *a, const struct rule_pattern *pat, const char **why,
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

static void set_bit(uint64_t *v, size_t i)
{
	v[i / 64] |= (uint64_t)1 << (i % 64);
}

/* How often the condition at `o` holds (see form_share()). */
static double op_share(const struct prefilter *pf, const uint32_t *o)
{
	uint32_t op = *o;
	double p = OP_KIND(op) == OP_AND ? 1 : 0, q;

	if (OP_KIND(op) == OP_LIT)
		return piece_share(&pf->pieces[OP_ARG(op)]);
	o++;
	for (uint32_t k = 0; k < OP_KIDS(op); k++, o += OP_SIZE(*o)) {
		q = op_share(pf, o);
		p = OP_KIND(op) == OP_AND ? (q < p ? q : p) : p + q;
	}
	return p < 1 ? p : 1;
}

/*
 * Puts in ids[*n ...] (counting them in *n) the pieces whose finding can
 * make the condition at `o` hold: all of an OR's, those of the rarest part
 * of an AND (without it the AND cannot hold; the commoner parts would
 * only have it checked more often).
 */
static void triggers(const struct prefilter *pf, const uint32_t *o, uint32_t *ids, size_t *n)
{
	uint32_t op = *o;
	const uint32_t *best = NULL;
	double least = 2;

	if (OP_KIND(op) == OP_LIT) {
		if (ids)
			ids[*n] = OP_ARG(op);
		++*n;
		return;
	}
	o++;
	for (uint32_t k = 0; k < OP_KIDS(op); k++, o += OP_SIZE(*o)) {
		double q;

		if (OP_KIND(op) == OP_OR)
			triggers(pf, o, ids, n);
		else if ((q = op_share(pf, o)) < least)
			least = q, best = o;
	}
	if (best)
		triggers(pf, best, ids, n);
}

/* Fills users: for each piece, the includes its finding can make candidates (once each). */
static int index_users(struct prefilter *pf)
{
	size_t *last = malloc((pf->npieces + 1) * sizeof *last), total = 0, most = 0, n;
	uint32_t *ids;

	for (size_t i = 0; i < pf->ninc; i++)
		if (pf->op_at[i + 1] - pf->op_at[i] > most)
			most = pf->op_at[i + 1] - pf->op_at[i];
	ids = malloc((most + 1) * sizeof *ids);
	pf->users_at = calloc(pf->npieces + 2, sizeof *pf->users_at);
	if (!last || !ids || !pf->users_at) {
		free(last);
		free(ids);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < pf->npieces; k++)
			last[k] = SIZE_MAX;
		for (size_t i = 0; i < pf->ninc; i++) {
			n = 0;
			if (pf->op_at[i + 1] > pf->op_at[i])
				triggers(pf, pf->ops + pf->op_at[i], ids, &n);
			for (size_t k = 0; k < n; k++) {
				size_t id = ids[k];

				if (last[id] == i)
					continue;
				last[id] = i;
				if (pass == 0)
					pf->users_at[id + 2]++;
				else
					pf->users[pf->users_at[id + 1]++] = (uint32_t)i;
			}
		}
		if (pass == 0) {
			/* users_at[k + 1] is where piece k's users start; filling moves it to the end. */
			for (size_t k = 0; k < pf->npieces; k++) {
				total += pf->users_at[k + 2];
				pf->users_at[k + 2] += pf->users_at[k + 1];
			}
			if (!(pf->users = malloc((total ? total : 1) * sizeof *pf->users))) {
				free(last);
				free(ids);
				return -1;
			}
		}
	}
	free(last);
	free(ids);
	return 0;
}

/*
 * The pieces as Vectorscan literals: ignoring case where any letter does.
 * Pieces of one byte are left to memchr() (they slow Vectorscan down).
 */
static int compile_pieces(struct prefilter *pf, struct err *e)
{
	size_t n = 0, cap = pf->npieces + 2;
	char **expr = calloc(cap, sizeof *expr);
	unsigned *flags = calloc(cap, sizeof *flags), *ids = calloc(cap, sizeof *ids);
	size_t *lens = calloc(cap, sizeof *lens);
	hs_compile_error_t *ce = NULL;
	int ok = -1;

	if (!expr || !flags || !ids || !lens || !(pf->single = calloc(cap, sizeof *pf->single)))
		goto oom;
	for (size_t i = 0; i < cap; i++) {
		if (i >= pf->npieces) { /* U+017F and U+212A, in UTF-8 */
			ids[n] = (unsigned)i;
			flags[n] = HS_FLAG_SINGLEMATCH;
			if (!(expr[n] = strdup(i == pf->npieces ? "\xc5\xbf" : "\xe2\x84\xaa")))
				goto oom;
			lens[n] = strlen(expr[n]);
			n++;
			continue;
		}
		if (pf->pieces[i].n == 1) {
			pf->single[pf->nsingle++] = (uint32_t)i;
			continue;
		}
		ids[n] = (unsigned)i;
		/* Of a head every place is wanted, to keep the first. */
		flags[n] = pf->is_head[i] ? 0 : HS_FLAG_SINGLEMATCH;
		if (!(expr[n] = malloc(pf->pieces[i].n + 1)))
			goto oom;
		for (size_t k = 0; k < pf->pieces[i].n; k++) {
			expr[n][k] = (char)(pf->pieces[i].t[k] & 0xFF);
			if (pf->pieces[i].t[k] & T_FOLD)
				flags[n] |= HS_FLAG_CASELESS;
		}
		lens[n] = pf->pieces[i].n;
		n++;
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
	for (size_t i = 0; expr && i < cap; i++)
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
	struct build b = { pf, 0, 0, 0, 0, 0, NULL, NULL };
	struct arena a = { NULL, 0 };
	struct info *h = NULL;
	size_t g = 0;

	if (!pf)
		goto oom;
	pf->rs = rs;
	pf->ninc = pf->npat = rs->nincludes;
	for (size_t t = 0; t < rs->nthemes; t++)
		pf->npat += rs->themes[t].nexcludes;
	pf->words = (pf->ninc + 63) / 64 + 1;
	pf->theme_words = (rs->nthemes + 63) / 64 + 1;
	pf->pat = calloc(pf->npat + 1, sizeof *pf->pat);
	pf->inc_theme = calloc(pf->ninc + 1, sizeof *pf->inc_theme);
	pf->first_exclude = calloc(rs->nthemes + 1, sizeof *pf->first_exclude);
	pf->why = calloc(pf->ninc + 1, sizeof *pf->why);
	pf->op_at = calloc(pf->ninc + 1, sizeof *pf->op_at);
	pf->head_at = calloc(pf->npat + 1, sizeof *pf->head_at);
	pf->reach = calloc(pf->npat + 1, sizeof *pf->reach);
	pf->gaps = calloc(4 * (pf->npat + 1), sizeof *pf->gaps);
	pf->ngaps = calloc(pf->npat + 1, sizeof *pf->ngaps);
	pf->wb = calloc(pf->npat + 1, sizeof *pf->wb);
	pf->hwork = calloc(pf->npat + 1, sizeof *pf->hwork);
	pf->always = calloc(pf->words, sizeof *pf->always);
	pf->always_themes = calloc(pf->theme_words, sizeof *pf->always_themes);
	if (!pf->pat || !pf->inc_theme || !pf->first_exclude || !pf->why || !pf->op_at ||
	    !pf->head_at || !pf->reach || !pf->gaps || !pf->ngaps || !pf->wb || !pf->hwork ||
	    !pf->always || !pf->always_themes)
		goto oom;
	/* Each pattern's head two ways: from read_pattern(), and with any string. */
	if (!(h = calloc(2 * (pf->npat + 1), sizeof *h)))
		goto oom;
	for (size_t t = 0; t < rs->nthemes; t++)
		for (size_t i = 0; i < rs->themes[t].nincludes; i++, g++) {
			const struct rule_pattern *pat = &rs->themes[t].includes[i];
			struct form *f;

			h[2 * g] = anything;
			f = read_pattern(&a, pat, &pf->why[g], &h[2 * g]);
			read_head_any(&a, pat, &h[2 * g + 1]);
			pf->pat[g] = pat;
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
			if (emit_form(&b, f) < 0)
				goto oom;
			pf->why[g] = NULL;
		}
	pf->op_at[g] = b.nops;
	for (size_t t = 0, x = 0; t < rs->nthemes; t++) {
		pf->first_exclude[t] = x;
		for (size_t i = 0; i < rs->themes[t].nexcludes; i++, x++) {
			size_t k = pf->ninc + x;
			const char *why = NULL;

			pf->pat[k] = &rs->themes[t].excludes[i];
			h[2 * k] = anything;
			read_pattern(&a, pf->pat[k], &why, &h[2 * k]);
			read_head_any(&a, pf->pat[k], &h[2 * k + 1]);
			if (a.oom)
				goto oom;
		}
	}
	/* With all the conditions' pieces known, the heads. */
	for (size_t k = 0; k < pf->npat; k++) {
		int rc;

		pf->head_at[k] = b.nheads;
		pf->reach[k] = NOLEN;
		if ((rc = add_heads(&b, k, &h[2 * k + 1])) == 0)
			rc = add_heads(&b, k, &h[2 * k]);
		if (rc < 0)
			goto oom;
	}
	pf->head_at[pf->npat] = b.nheads;
	free(h);
	h = NULL;
	pf->ops = b.ops;
	pf->heads = b.heads;
	b.ops = b.heads = NULL;
	arena_free(&a);
	if (!(pf->is_head = calloc(pf->npieces + 1, 1)) || !(pf->any_piece = calloc(g + 1, 1)))
		goto oom;
	for (size_t i = 0; i < g; i++) {
		size_t from = pf->op_at[i], to = pf->op_at[i + 1], k = from + 1;

		while (k < to && OP_KIND(pf->ops[k]) == OP_LIT)
			k++;
		pf->any_piece[i] = to > from && k == to &&
				   (to == from + 1 || OP_KIND(pf->ops[from]) == OP_OR);
	}
	for (size_t k = 0; k < pf->head_at[pf->npat]; k++)
		pf->is_head[pf->heads[k]] = 1;
	if (index_users(pf) < 0)
		goto oom;
	if (pf->npieces && compile_pieces(pf, e) < 0) {
		prefilter_free(pf);
		return NULL;
	}
	return pf;
oom:
	arena_free(&a);
	free(h);
	free(b.ops);
	free(b.heads);
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
	free(pf->head_at);
	free(pf->heads);
	free(pf->reach);
	free(pf->gaps);
	free(pf->ngaps);
	free(pf->wb);
	free(pf->hwork);
	free(pf->is_head);
	free(pf->any_piece);
	free(pf->single);
	free(pf->pat);
	free(pf->inc_theme);
	free(pf->first_exclude);
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
			return pf->pat[g];
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
	s->first = calloc(pf->npieces + 1, sizeof *s->first);
	s->occ_last = calloc(pf->npieces + 1, sizeof *s->occ_last);
	s->occ_pos = calloc(OCCMAX, sizeof *s->occ_pos);
	s->occ_next = calloc(OCCMAX, sizeof *s->occ_next);
	s->mctx = pcre2_match_context_copy(pf->rs->mctx);
	s->found = calloc(pf->npieces + 1, sizeof *s->found);
	s->tried = calloc(pf->ninc + 1, sizeof *s->tried);
	s->cand = calloc(pf->words, sizeof *s->cand);
	s->themes = calloc(pf->theme_words, sizeof *s->themes);
	if (!s->md || !s->seen || !s->first || !s->occ_last || !s->occ_pos ||
	    !s->occ_next || !s->mctx || !s->found || !s->tried || !s->cand || !s->themes)
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
	free(s->first);
	free(s->occ_last);
	free(s->occ_pos);
	free(s->occ_next);
	pcre2_match_context_free(s->mctx);
	free(s->found);
	free(s->tried);
	free(s->cand);
	free(s->themes);
	free(s);
}

/* Piece `id` starts at byte `from`. */
static void found_at(struct prefilter_scratch *s, unsigned id, size_t from)
{
	if (s->seen[id] != s->stamp) {
		s->seen[id] = s->stamp;
		s->first[id] = (size_t)from;
		s->found[s->nfound++] = id;
		s->occ_last[id] = NONE;
	} else if (from < s->first[id]) {
		s->first[id] = (size_t)from;
	}
	if (s->pf->is_head[id]) {
		if (s->nocc == OCCMAX) {
			s->occ_full = 1;
		} else {
			s->occ_pos[s->nocc] = (uint32_t)from;
			s->occ_next[s->nocc] = s->occ_last[id];
			s->occ_last[id] = (uint32_t)s->nocc++;
		}
	}
}

static int on_piece(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	struct prefilter_scratch *s = ctx;

	(void)from;
	(void)flags;
	if (id >= s->pf->npieces) {
		s->every = 1;
		return 1; /* no need to look further */
	}
	found_at(s, id, to - s->pf->pieces[id].n); /* a piece is as long in the text as it is */
	return 0;
}

/* The pieces of one byte, with memchr(): the first place, or all for a head. */
static void find_single(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
			size_t len)
{
	for (size_t k = 0; k < pf->nsingle; k++) {
		uint32_t id = pf->single[k];
		tok t = pf->pieces[id].t[0];

		for (int c = 0; c < 1 + !!(t & T_FOLD); c++) {
			int b = c ? (t & 0xFF) ^ 0x20 : t & 0xFF; /* a letter ignoring case: both */
			const char *p = text, *end = text + len;

			while (p < end && (p = memchr(p, b, (size_t)(end - p)))) {
				found_at(s, id, (size_t)(p - text));
				if (!pf->is_head[id])
					break;
				p++;
			}
		}
	}
}

/* Whether the condition at `o` holds for the pieces found; AND and OR stop once they know. */
static int holds(const uint32_t *o, const struct prefilter_scratch *s)
{
	uint32_t op = *o;
	int all;

	if (OP_KIND(op) == OP_LIT)
		return s->seen[OP_ARG(op)] == s->stamp;
	all = OP_KIND(op) == OP_AND;
	o++;
	for (uint32_t k = 0; k < OP_KIDS(op); k++) {
		if (holds(o, s) != all)
			return !all;
		o += OP_SIZE(*o);
	}
	return all;
}

/* Whether pattern `k` can match: it has no head, or one of its heads was found. */
static int head_found(const struct prefilter *pf, const struct prefilter_scratch *s, size_t k)
{
	if (pf->reach[k] == NOLEN)
		return 1;
	for (size_t i = pf->head_at[k]; i < pf->head_at[k + 1]; i++)
		if (s->seen[pf->heads[i]] == s->stamp)
			return 1;
	return 0;
}

/* Chooses the includes and themes to try on `text`. */
static void choose(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		   size_t len)
{
	memcpy(s->cand, pf->always, pf->words * sizeof *s->cand);
	memcpy(s->themes, pf->always_themes, pf->theme_words * sizeof *s->themes);
	s->nfound = 0;
	s->nocc = 0;
	s->occ_full = 0;
	s->every = len > UINT_MAX;
	if (++s->stamp == 0) { /* wrapped: forget the old stamps */
		memset(s->seen, 0, pf->npieces * sizeof *s->seen);
		memset(s->tried, 0, pf->ninc * sizeof *s->tried);
		s->stamp = 1;
	}
	if (pf->db && !s->every &&
	    hs_scan(pf->db, text, (unsigned int)len, 0, s->hs, on_piece, s) != HS_SUCCESS)
		s->every = 1; /* stopped by a folding character, or failed: try everything */
	if (!s->every)
		find_single(pf, s, text, len);
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
			if (s->stats)
				s->stats->checks++;
			/* Found through one of its pieces, "one of them" holds. */
			if ((!pf->any_piece[i] && !holds(pf->ops + pf->op_at[i], s)) ||
			    !head_found(pf, s, i))
				continue;
			set_bit(s->cand, i);
			set_bit(s->themes, pf->inc_theme[i]);
		}
	}
}

void prefilter_scratch_count(struct prefilter_scratch *s, struct prefilter_stats *st)
{
	s->stats = st;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000u + (unsigned long long)ts.tv_nsec;
}

/* Counts include `g` (or an exclude, g SIZE_MAX) tried, which gave `rc`. */
static void count(const struct prefilter *pf, struct prefilter_stats *st, size_t g, int rc,
		  unsigned long long since)
{
	unsigned long long ns = now_ns() - since;

	if (g == SIZE_MAX) {
		st->excludes++;
		st->excluded += rc > 0;
		st->ns_excludes += ns;
		return;
	}
	st->includes++;
	st->missed += rc == 0;
	st->slow += pf->why[g] != NULL;
	st->ns_includes += ns;
	if (rc == 0)
		st->ns_missed += ns;
	if (st->runs)
		st->runs[g]++;
	if (st->misses)
		st->misses[g] += rc == 0;
	if (st->ns)
		st->ns[g] += ns;
}

/*
 * One pattern from byte `from`, a match starting at `upto` at the latest
 * (PCRE2_UNSET: anywhere): 1 with its span in *start, *end (if `start`),
 * 0 without, -1 when it gave up.
 */
static int run(struct prefilter_scratch *s, const struct rule_pattern *pat, const char *text,
	       size_t len, size_t from, size_t upto, size_t *start, size_t *end)
{
	int rc;

	if (!pat->code)
		return -1;
	pcre2_set_offset_limit(s->mctx, upto);
	/* The text is valid UTF-8 and `from` starts a character: no checks needed. */
	if (pat->jit)
		rc = pcre2_jit_match(pat->code, (PCRE2_SPTR)text, len, from, PCRE2_NO_UTF_CHECK,
				     s->md, s->mctx);
	else
		rc = pcre2_match(pat->code, (PCRE2_SPTR)text, len, from, PCRE2_NO_UTF_CHECK, s->md,
				 s->mctx);
	if (s->stats)
		s->stats->calls++;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	if (start) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);

		*start = ov[0];
		*end = ov[1];
	}
	return 1;
}

/* The first character at or before byte `at` of valid UTF-8 `text`. */
static size_t char_start(const char *text, size_t at)
{
	while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
		at--;
	return at;
}

/*
 * Whether pattern `g` may be tried near its heads only: it has heads, and
 * where none is within reach a try is little work. With gaps, such a try
 * can take each gap along a run of its bytes, so the longest such run in
 * the text must be short enough to keep that far below the match limit.
 */
static int near_heads(const struct prefilter *pf, size_t g, const char *text, size_t len)
{
	const uint64_t *gap = pf->gaps + 4 * g;
	double work = pf->hwork[g];
	size_t run = 0, longest = 0;

	if (pf->reach[g] == NOLEN)
		return 0;
	for (int k = 0; k < pf->ngaps[g]; k++)
		work *= (double)len + 1;
	if (work <= GAPWORK) /* the whole text as the run: no need to look */
		return 1;
	work = pf->hwork[g];
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		run = gap[c / 64] >> (c % 64) & 1 ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (int k = 0; k < pf->ngaps[g]; k++)
		work *= (double)longest + 1;
	return work <= GAPWORK;
}

static int word_byte(unsigned char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
 * Whether \b may hold at byte `p` of `text`: surely not if both sides are
 * ASCII and both are or are not word characters (as PCRE2 has them with
 * Unicode properties too). Next to a character outside ASCII: maybe.
 */
static int may_be_boundary(const char *text, size_t len, size_t p)
{
	unsigned char before = p ? (unsigned char)text[p - 1] : 0;
	unsigned char after = p < len ? (unsigned char)text[p] : 0;

	return before >= 0x80 || after >= 0x80 || word_byte(before) != word_byte(after);
}

/* Where a match with its head at `p` can start at the earliest. */
static size_t window_start(const struct prefilter *pf, size_t g, const char *text, size_t p)
{
	const uint64_t *gap = pf->gaps + 4 * g;

	if (pf->ngaps[g])
		while (p > 0 && (gap[(unsigned char)text[p - 1] / 64] >>
				 ((unsigned char)text[p - 1] % 64) & 1))
			p--;
	return p > pf->reach[g] ? p - pf->reach[g] : 0;
}

/*
 * Pattern `k` on `text`, as PCRE2 from the beginning would: a match can
 * only start in a window before a place where one of its heads starts
 * (its reach, and its gaps walked back over), so only those windows are
 * tried, in order; none if no head is there. The places left out would
 * have been little work (see head_of() and near_heads()), so could not
 * have hit the match limit either. With too many places, from the first
 * window on.
 */
static int run_pattern(const struct prefilter *pf, struct prefilter_scratch *s, size_t k,
		       const char *text, size_t len, size_t *start, size_t *end)
{
	const struct rule_pattern *pat = pf->pat[k];
	size_t from[MAXWIN], upto[MAXWIN], n = 0, first = SIZE_MAX;
	int many = s->occ_full;

	if (s->every || !near_heads(pf, k, text, len))
		return run(s, pat, text, len, 0, PCRE2_UNSET, start, end);
	for (size_t i = pf->head_at[k]; i < pf->head_at[k + 1]; i++) {
		uint32_t h = pf->heads[i];

		if (s->seen[h] != s->stamp)
			continue;
		first = s->first[h] < first ? s->first[h] : first;
		for (uint32_t o = s->occ_last[h]; o != NONE && !many; o = s->occ_next[o]) {
			size_t p = s->occ_pos[o], a, j = n;

			if (pf->wb[k] && !may_be_boundary(text, len, p))
				continue; /* a match would start here, with \b */
			a = window_start(pf, k, text, p);
			if (n == MAXWIN) {
				many = 1;
				break;
			}
			/* In order of where they start. */
			while (j > 0 && from[j - 1] > a)
				j--;
			memmove(from + j + 1, from + j, (n - j) * sizeof *from);
			memmove(upto + j + 1, upto + j, (n - j) * sizeof *upto);
			from[j] = a;
			upto[j] = p;
			n++;
		}
	}
	if (first == SIZE_MAX)
		return 0;
	if (many) /* the first window starts before the first head, or at 0 with gaps */
		return run(s, pat, text, len,
			   pf->ngaps[k] ? 0 : char_start(text, window_start(pf, k, text, first)),
			   PCRE2_UNSET, start, end);
	for (size_t i = 0; i < n; i++) {
		size_t a = from[i], b = upto[i];
		int rc;

		while (i + 1 < n && from[i + 1] <= b + 1) {
			i++;
			b = upto[i] > b ? upto[i] : b;
		}
		if ((rc = run(s, pat, text, len, char_start(text, a), b, start, end)) != 0)
			return rc;
	}
	return 0;
}

/*
 * What rules_match_only() does for theme `t` with the includes chosen:
 * the first of them to match, in order, unless an exclude matches.
 */
static enum rule_result match_theme(const struct prefilter *pf, struct prefilter_scratch *s,
				    const struct rule_theme *t, const char *text, size_t len,
				    struct rule_hit *hit)
{
	int found = 0, error = 0;

	for (size_t i = 0; i < t->nincludes && !found; i++) {
		size_t g = t->first_include + i;
		unsigned long long since;
		int rc;

		if (!(s->cand[g / 64] >> (g % 64) & 1))
			continue;
		since = s->stats ? now_ns() : 0;
		rc = run_pattern(pf, s, g, text, len, &hit->start, &hit->end);
		if (s->stats)
			count(pf, s->stats, g, rc, since);
		if (rc > 0) {
			found = 1;
			hit->rule = &t->includes[i];
		} else if (rc < 0) {
			error = 1;
		}
	}
	if (!found)
		return error ? RULE_ERROR : RULE_NO_MATCH;
	for (size_t i = 0; i < t->nexcludes; i++) {
		unsigned long long since = s->stats ? now_ns() : 0;
		size_t k = pf->ninc + pf->first_exclude[t - pf->rs->themes] + i;
		int rc = run_pattern(pf, s, k, text, len, NULL, NULL);

		if (s->stats)
			count(pf, s->stats, SIZE_MAX, rc, since);
		if (rc > 0)
			return RULE_NO_MATCH;
		if (rc < 0)
			return RULE_ERROR;
	}
	return RULE_MATCH;
}

int prefilter_tag(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		  size_t len, const char *question, struct rule_tag *out)
{
	const struct ruleset *rs = pf->rs;
	int n = 0;

	if (!utf8_check(text, len, NULL))
		return -1;
	choose(pf, s, text, len);
	if (s->stats) {
		s->stats->answers++;
		s->stats->every += s->every;
		s->stats->pieces += s->nfound;
	}
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
			r = match_theme(pf, s, t, text, len, &out[n].hit);
			if (r == RULE_NO_MATCH)
				continue;
			out[n].theme = i;
			out[n++].result = r;
		}
	}
	return n;
}
