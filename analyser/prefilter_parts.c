/*
 * prefilter_parts.c: what a part of a pattern is read as (see the top of
 * prefilter.c): a small set of strings it matches exactly, or a condition
 * on the text (AND and OR over pieces), and its sizes and head; all kept
 * in an arena freed at once.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "prefilter_internal.h"

/* ---------------------------------------------------------------------
 * Reading: strings, sets and conditions, in an arena.
 */

void *arena_alloc(struct arena *a, size_t n)
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

void arena_free(struct arena *a)
{
	while (a->head) {
		struct block *b = a->head;

		a->head = b->next;
		free(b);
	}
}

struct form form_true = { F_TRUE, { NULL, 0 }, 0, NULL };

/* A part the reader knows nothing about. */
const struct info info_anything = { NULL, &form_true, NOLEN, 1, MANY, NULL, 0, MANY, NULL, 0,
					   NULL, 0 };

struct info read_fail(struct reader *r, const char *why)
{
	if (!r->fail)
		r->fail = why;
	return info_anything;
}

struct set *set_new(struct reader *r, size_t n)
{
	struct set *s = arena_alloc(r->a, sizeof *s + n * sizeof s->v[0]);

	if (s)
		s->n = 0;
	return s;
}

/* A set of one string of n characters. */
struct set *set_one(struct reader *r, const tok *t, size_t n)
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

int str_eq(const struct str *a, const struct str *b)
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
struct set *set_product(struct reader *r, const struct set *a, const struct set *b)
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
			if (!set_has(x, &s)) {
				assert(x->n < a->n * b->n);
				x->v[x->n++] = s;
			}
		}
	return x;
}

/* Both sets' strings; NULL if too many. */
struct set *set_union(struct reader *r, const struct set *a, const struct set *b)
{
	struct set *x;

	if (a->n + b->n > MAXSET || !(x = set_new(r, a->n + b->n)))
		return NULL;
	memcpy(x->v, a->v, a->n * sizeof a->v[0]);
	x->n = a->n;
	for (size_t j = 0; j < b->n; j++)
		if (!set_has(x, &b->v[j])) {
			assert(x->n < a->n + b->n);
			x->v[x->n++] = b->v[j];
		}
	return x;
}

/* `x` repeated `n` times; NULL if too big. */
struct set *set_power(struct reader *r, const struct set *x, long n)
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
size_t piece_weight(const struct str *s)
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
double piece_share(const struct str *s)
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
	return piece_weight(s) >= MINLEN ||
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
struct form *form_and(struct reader *r, struct form **kids, size_t n)
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
struct form *form_or(struct reader *r, struct form **kids, size_t n)
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
		assert(f->n + (kids[i]->kind == F_OR ? kids[i]->n : 1) <= total);
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
struct form *form_of_set(struct reader *r, const struct set *s)
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

struct form *form_of(struct reader *r, const struct info *x)
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

double work_add(double a, double b)
{
	return a + b < MANY ? a + b : MANY;
}

double work_mul(double a, double b)
{
	return a * b < MANY ? a * b : MANY;
}

/* Ways to match x{lo,hi} (hi -1: no bound) when x has `p`: the sum of its powers. */
double repeat_paths(double p, long lo, long hi)
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
struct info info_exact(struct reader *r, struct set *s, double paths)
{
	struct info x = { s, NULL, 0, 0, paths, NULL, 0, paths, NULL, 0, NULL, 0 };
	struct set *h = s ? set_new(r, s->n) : NULL;
	uint64_t *chars = arena_alloc(r->a, 4 * sizeof *chars);
	int worthy = 1;

	if (!h || !chars)
		return read_fail(r, "out of memory");
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

int seq_init(struct reader *r, struct seq *q)
{
	struct info x = { NULL, &form_true, 0, 1, 1, set_new(r, 0), 0, 1, NULL, 0, NULL, 0 };

	memset(q, 0, sizeof *q);
	q->x = x;
	q->chars_ok = 1;
	return x.head ? 0 : -1;
}

/* a |= b, for byte sets; NULL b adds nothing. */
void bytes_add(uint64_t *a, const uint64_t *b)
{
	for (int i = 0; b && i < 4; i++)
		a[i] |= b[i];
}

/*
 * The next part. Parts before the head must have a bounded length; a part
 * with head strings that can match nothing adds them and the search goes
 * on (where it matches nothing, the next parts start at the same place).
 */
void seq_add(struct reader *r, struct seq *q, const struct info *p)
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
struct info seq_end(struct reader *r, struct seq *q, struct form *req)
{
	struct info x = q->x;
	uint64_t *gap, *chars;

	x.req = req;
	if (q->chars_ok) {
		if (!(chars = arena_alloc(r->a, sizeof q->chars)))
			return read_fail(r, "out of memory");
		memcpy(chars, q->chars, sizeof q->chars);
		x.chars = chars;
	}
	if (q->state < 0 || (q->state == 0 && q->consumed) || x.reach == NOLEN)
		x.head = NULL;
	if (x.head && x.ngaps) {
		if (!(gap = arena_alloc(r->a, sizeof q->gap)))
			return read_fail(r, "out of memory");
		memcpy(gap, q->gap, sizeof q->gap);
		x.gap = gap;
	}
	return x;
}

/* Adds branch `y` to alternatives `a`. */
void alt_add(struct reader *r, struct info *a, const struct info *y)
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

size_t form_size(const struct form *f)
{
	size_t n = 1;

	for (size_t i = 0; f->kind != F_LIT && i < f->n; i++)
		n += form_size(f->kid[i]);
	return n;
}
