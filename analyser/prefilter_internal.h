/*
 * prefilter_internal.h: what the prefilter's three files share, and
 * nothing else includes. prefilter_parts.c has the strings, sets and
 * conditions a part of a pattern is read as (in an arena), and their
 * sizes and heads; prefilter_read.c reads PCRE2's grammar into them;
 * prefilter.c turns the conditions and heads into the Vectorscan database
 * and scans answers with it. The design is described at the top of
 * prefilter.c.
 */
#ifndef TALLY_PREFILTER_INTERNAL_H
#define TALLY_PREFILTER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

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
#define MAXGAPS 2     /* unbounded repeats walked back over before a head */

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

/* A condition on the text: always true, a piece, all of / any of its kids. */
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

/* The condition that always holds (no piece to look for). */
extern struct form form_true;

/* A part the reader knows nothing about: it may match anything. */
extern const struct info info_anything;

/*
 * The arena: blocks freed all at once by arena_free(). arena_alloc()
 * returns NULL and sets a->oom when out of memory.
 */
void *arena_alloc(struct arena *a, size_t n);
void arena_free(struct arena *a);

/* Notes the first reason the pattern cannot be read; returns info_anything. */
struct info read_fail(struct reader *r, const char *why);

/* Sets of strings, in r's arena; each NULL if out of memory, too many or too long. */
struct set *set_new(struct reader *r, size_t n); /* empty, with room for n */
struct set *set_one(struct reader *r, const tok *t, size_t n);
struct set *set_product(struct reader *r, const struct set *a, const struct set *b);
struct set *set_union(struct reader *r, const struct set *a, const struct set *b);
struct set *set_power(struct reader *r, const struct set *x, long n);

/* Whether two pieces are the same characters. */
int str_eq(const struct str *a, const struct str *b);

/* How much text a piece pins down: its characters, an exact capital counting twice. */
size_t piece_weight(const struct str *s);

/* How likely a piece is to start at a given place in an answer. */
double piece_share(const struct str *s);

/*
 * Conditions, in r's arena (form_true when out of memory: that only
 * widens what is accepted). form_and() keeps the two that narrow most;
 * form_of_set() is "one of these strings", form_of() what `x` requires.
 */
struct form *form_and(struct reader *r, struct form **kids, size_t n);
struct form *form_or(struct reader *r, struct form **kids, size_t n);
struct form *form_of_set(struct reader *r, const struct set *s);
struct form *form_of(struct reader *r, const struct info *x);

/* Nodes in `f` (the ops it takes once emitted). */
size_t form_size(const struct form *f);

/* Work bounds, saturating at MANY; repeat_paths(): ways to match x{lo,hi} (hi -1: no bound). */
double work_add(double a, double b);
double work_mul(double a, double b);
double repeat_paths(double p, long lo, long hi);

/* A set of strings as a part (its strings are its head if each is worth looking for). */
struct info info_exact(struct reader *r, struct set *s, double paths);

/* a |= b, for byte sets; NULL b adds nothing. */
void bytes_add(uint64_t *a, const uint64_t *b);

/*
 * A sequence read part by part: seq_init() (-1 out of memory), seq_add()
 * for each part, seq_end() for the whole with condition `req`.
 */
int seq_init(struct reader *r, struct seq *q);
void seq_add(struct reader *r, struct seq *q, const struct info *p);
struct info seq_end(struct reader *r, struct seq *q, struct form *req);

/* Adds branch `y` to alternatives `a`. */
void alt_add(struct reader *r, struct info *a, const struct info *y);

/*
 * Reads one include: its condition, or NULL with *why for a slow one; and
 * in *h its head (h->head NULL if none). All in arena `a`.
 */
struct form *read_pattern(struct arena *a, const struct rule_pattern *pat, const char **why,
			  struct info *h);

/*
 * The head of a pattern when any string will do (a piece other patterns'
 * conditions look for anyway): in *h, h->head NULL if none.
 */
void read_head_any(struct arena *a, const struct rule_pattern *pat, struct info *h);

/*
 * A pattern that is only strings (prefilter_lit.c): each string with
 * whether \b must hold before it and after it; letters lowercase when
 * `caseless`.
 */
#define LIT_MAX 16
struct lit_str {
	char s[MAXPIECE];
	unsigned char len, lead_wb, trail_wb;
};
struct lit_set {
	size_t n;
	struct lit_str v[LIT_MAX];
};
struct lit_pattern {
	struct lit_set set;
	int caseless;
};

/* Reads `source` (a pattern's PCRE2 text) as strings: 1 if it is only that, else 0. */
int lit_read(const char *source, int caseless, struct lit_pattern *out);

/*
 * Whether one of the strings matches at byte `at` of valid UTF-8 `text`:
 * 1 with the match's end in *end, 0 if none does, -1 if PCRE2 must say
 * (\b next to a character outside ASCII, or two lengths match there).
 */
int lit_match_at(const struct lit_pattern *lp, const char *text, size_t len, size_t at,
		 size_t *end);

/* ---------------------------------------------------------------------
 * The prefilter itself (prefilter.c builds it, prefilter_save.c stores
 * and restores it).
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
	uint32_t *gap_set;               /* pattern i's gap bytes as one of the sets of gaps */
	size_t ngap_sets;                /* distinct sets of gap bytes */
	unsigned char *gap_byte;         /* set j's bytes: gap_byte[256 * j + c] is 1 */
	unsigned char *wb;               /* a match starts on its head, where \b holds */
	double *hwork;
	unsigned char *is_head;          /* per piece: whether it is a head (where it is counts) */

	/* Per pattern: its strings, when it is only strings whose head is where a
	   match starts (prefilter_lit.c); else NULL. */
	struct lit_pattern **lit;

	struct hs_database *db;         /* the pieces and the two folding characters */
	uint32_t *single;                /* the pieces of one byte, not in db */
	size_t nsingle;
	struct hs_scratch *proto;        /* cloned for each thread */
	char *why_text;                  /* restored: the text `why` points into */
};

/* Counts, and each pattern by number with its theme, from `rs`. 0, or -1 out of memory. */
int prefilter_shape(struct prefilter *pf, const struct ruleset *rs);

/* Derives gap_set, ngap_sets and gap_byte from gaps and ngaps. 0, or -1 out of memory. */
int prefilter_gap_sets(struct prefilter *pf);

#endif
