/*
 * redact_int.h: what the files of redaction share; for common/redact*.c only.
 *
 * redact.c runs the passes over one text and makes the redactor (its comment
 * says how the passes go); redact_find.c holds the finders of e-mail
 * addresses, NHS and phone numbers and postcodes (passes 1 to 3);
 * redact_names.c the name heuristics (passes 4 and 5) and their patterns;
 * redact_words.c the word lists both look words up in.
 */
#ifndef TALLY_REDACT_INT_H
#define TALLY_REDACT_INT_H

#include "redact.h"

#include <stddef.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define MAX_SEEN 32         /* name words remembered for later mentions */
#define WORD_MAX 40         /* longer words are never in the lists */

enum kind {
	K_EMAIL = REDACT_EMAIL,
	K_PHONE = REDACT_PHONE,
	K_NHS = REDACT_NHS,
	K_POSTCODE = REDACT_POSTCODE,
	K_NAME = REDACT_NAME,
};

struct wordlist {
	const char **v;
	size_t n;
};

enum { L_COMMON, L_IAM, L_PLACE, L_WEAK, L_PARTICLE, L_CALLER, L_AREA, NLISTS };

struct redactor {
	pcre2_code *intro, *word;
	pcre2_match_context *mctx;
	struct wordlist lists[NLISTS];
};

/* -- small helpers --------------------------------------------------------------- */

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static inline int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static inline unsigned char to_lower(unsigned char c)
{
	return is_upper(c) ? (unsigned char)(c - 'A' + 'a') : c;
}

/*
 * The length of a quotation mark or dash written in UTF-8 at `s` (n bytes
 * left), 0 for anything else: ‘ ’ “ ” – — … « » and the no-break space.
 */
static inline size_t punct_len(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0xAB || s[1] == 0xBB || s[1] == 0xA0))
		return 2;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    (s[2] == 0x98 || s[2] == 0x99 || s[2] == 0x9C || s[2] == 0x9D || s[2] == 0x93 ||
	     s[2] == 0x94 || s[2] == 0xA6))
		return 3;
	return 0;
}

/* 1 when the UTF-8 character that ends at `end` is one punct_len() knows. */
static inline int punct_ends_at(const unsigned char *s, size_t end)
{
	if (end >= 2 && punct_len(s + end - 2, 2) == 2)
		return 1;
	return end >= 3 && punct_len(s + end - 3, 3) == 3;
}

/* -- one call's state -------------------------------------------------------- */

struct span {
	size_t a, b;
	enum kind k;
};

struct job {
	const struct redactor *r;
	const unsigned char *s;      /* the normalised copy the passes read */
	size_t n;                    /* its length */
	unsigned char *claimed;      /* one flag per byte of the copy */
	struct span *spans;          /* in the copy's bytes until map_spans() */
	size_t nspans, capspans;
	size_t *groups;              /* digit runs of one chain: start, end, start, end, ... */
	size_t capgroups;            /* allocated elements (two a group) */
	size_t *segs;                /* stretches of valid UTF-8: start, end, start, end, ... */
	size_t nsegs;
	pcre2_match_data *md, *wmd;
	size_t ia, ib;               /* the introducing phrase being read */
	int caps;                    /* whether capitals are written around it; -1: not worked out yet */
	size_t seen[MAX_SEEN][2];    /* name words found, for later mentions */
	size_t nseen;
	int oom;
};

static inline int is_free(const struct job *j, size_t a, size_t b)
{
	return b > a && !memchr(j->claimed + a, 1, b - a);
}

/* Records [a, b) as a span of kind k and marks its bytes taken (sets j->oom when out of memory). */
void redact_claim(struct job *j, size_t a, size_t b, enum kind k);

/* -- redact_words.c -- */

/* Sorts the word lists into r->lists; 0, or -1 when out of memory. */
int redact_lists_make(struct redactor *r);

/* Frees r->lists. */
void redact_lists_free(struct redactor *r);

/* 1 when the C string w is in the list. */
int redact_list_has(const struct wordlist *l, const char *w);

/* 1 when the n bytes at s, in lower case, are in word list `list` (L_...). */
int redact_word_in(const struct redactor *r, int list, const char *s, size_t n);

/* -- redact_find.c: passes 1 to 3, each claiming what it finds -- */

void redact_emails(struct job *j);
void redact_numbers(struct job *j);
void redact_postcodes(struct job *j);

/* -- redact_names.c: passes 4 and 5 -- */

/* Compiles r->intro and r->word; 0, or -1 with `e` set. */
int redact_patterns_make(struct redactor *r, struct err *e);

/* Names after an introducing phrase, remembered in j->seen. */
void redact_names(struct job *j);

/* Later mentions of the names pass 4 remembered. */
void redact_mentions(struct job *j);

#endif
