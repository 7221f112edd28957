/*
 * redact.c: finding personal data in free text and replacing it with tags.
 *
 * The passes read the normalised copy of the text (common/textnorm.c), so
 * "07700<U+00A0>900123", "943<U+200B>476<U+200B>5919" and a fullwidth
 * "ＳＴ４ ６ＱＧ" read as their plain forms; the spans found there are mapped
 * back to the original bytes, which are what gets replaced.
 *
 * One call makes five passes over the text, each claiming the bytes it
 * replaces so that later passes leave them alone:
 *
 *   1. e-mail addresses, grown outwards from each '@';
 *   2. runs of digits joined by spaces, hyphens and brackets: NHS numbers
 *      (10 digits, alone or 3-3-4, valid check digit) before UK phone
 *      numbers (0 or +44 / 0044, 10 or 11 digits once normalised) and
 *      numbers written with another +country code;
 *   3. full postcodes (a known postcode area, outward and inward code, with
 *      or without the space);
 *   4. names after an introducing phrase, found with two PCRE2 patterns: one
 *      for the phrases, one that reads the next word and says its shape
 *      (Capitalised, CAPITALS, lower case, an initial, or a letter without
 *      case), and word lists that say which words are not names;
 *   5. later mentions of a name found in pass 4.
 *
 * Passes 1 to 3 read ASCII only and look at each byte a bounded number of
 * times. The patterns of pass 4 have no nested repetition that could
 * backtrack badly and run under a match limit. The text is checked for
 * valid UTF-8 once; PCRE2 then only ever sees its valid stretches, each
 * matched with PCRE2_NO_UTF_CHECK (PCRE2 would otherwise check the rest of
 * the text again on every call, which is quadratic), so invalid bytes are
 * never part of a match. Replacements start and end on ASCII bytes or on
 * the edges of whole letters, so valid UTF-8 stays valid.
 */
#include "redact_int.h"
#include "strbuf.h"
#include "textnorm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 1000

static const char *const tag_text[] = { "[email]", "[phone]", "[NHS number]", "[postcode]",
					"[name]" };

/* -- one call ------------------------------------------------------------------ */

void redact_claim(struct job *j, size_t a, size_t b, enum kind k)
{
	if (ALLOC_GROW(j->spans, j->nspans + 1, j->capspans) < 0) {
		j->oom = 1;
		return;
	}
	j->spans[j->nspans++] = (struct span){ a, b, k };
	memset(j->claimed + a, 1, b - a);
}

/* -- putting it together ------------------------------------------------------- */

static int cmp_span(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	return (a->a > b->a) - (a->a < b->a);
}

/* Names next to each other ("[name] [name]" from later mentions) become one. */
static void merge_names(struct job *j)
{
	size_t o = 0;

	for (size_t i = 0; i < j->nspans; i++) {
		struct span *sp = &j->spans[i];

		if (o > 0 && sp->k == K_NAME && j->spans[o - 1].k == K_NAME) {
			size_t gap = j->spans[o - 1].b, e = sp->a;

			while (gap < e && (j->s[gap] == ' ' || j->s[gap] == '\t'))
				gap++;
			if (gap == e && e - j->spans[o - 1].b <= 2) {
				j->spans[o - 1].b = sp->b;
				continue;
			}
		}
		j->spans[o++] = *sp;
	}
	j->nspans = o;
}

/*
 * The spans found in the copy, as spans of the original (whole characters).
 * Two spans that end up sharing a character of the original (both came from
 * what one character became, such as "½" → "1⁄2") become one, of the first
 * one's kind.
 */
static void map_spans(struct job *j, const struct textnorm *tn)
{
	size_t o = 0;

	for (size_t i = 0; i < j->nspans; i++) {
		size_t a, b;

		textnorm_span(tn, j->spans[i].a, j->spans[i].b, &a, &b);
		if (o > 0 && a < j->spans[o - 1].b) {
			if (b > j->spans[o - 1].b)
				j->spans[o - 1].b = b;
			continue;
		}
		j->spans[o++] = (struct span){ a, b, j->spans[i].k };
	}
	j->nspans = o;
}

/*
 * Runs the passes over the normalised copy of the `len` bytes at `text`;
 * leaves the spans, in the original's bytes, in j->spans. 0, or -1 when out
 * of memory. The caller frees j->spans and calls job_release().
 */
static int find_spans(struct job *j, const char *text, size_t len)
{
	struct textnorm tn;
	int rc = -1;

	if (textnorm_make(&tn, text, len))
		return -1;
	j->s = (const unsigned char *)tn.text;
	j->n = tn.len;
	if (!(j->claimed = calloc(j->n ? j->n : 1, 1)) ||
	    !(j->md = pcre2_match_data_create_from_pattern(j->r->intro, NULL)) ||
	    !(j->wmd = pcre2_match_data_create_from_pattern(j->r->word, NULL)))
		goto done;
	redact_emails(j);
	if (!j->oom)
		redact_numbers(j);
	if (!j->oom)
		redact_postcodes(j);
	if (!j->oom)
		redact_names(j);
	if (!j->oom)
		redact_mentions(j);
	if (j->oom)
		goto done;
	if (j->nspans)
		qsort(j->spans, j->nspans, sizeof *j->spans, cmp_span);
	merge_names(j);
	map_spans(j, &tn);
	rc = 0;
done:
	textnorm_release(&tn);
	j->s = NULL;
	j->n = 0;
	return rc;
}

/* Frees what one call used, but for its spans. */
static void job_release(struct job *j)
{
	pcre2_match_data_free(j->md);
	pcre2_match_data_free(j->wmd);
	free(j->claimed);
	free(j->groups);
	free(j->segs);
}

/* The `len` bytes at `text` with the spans replaced by their tags; NULL when out of memory. */
static char *build(const struct span *spans, size_t nspans, const char *text, size_t len,
		   struct redact_counts *counts)
{
	size_t outlen = len, o = 0, at = 0;
	char *out;

	for (size_t i = 0; i < nspans; i++)
		outlen = outlen - (spans[i].b - spans[i].a) + strlen(tag_text[spans[i].k]);
	if (!(out = malloc(outlen + 1)))
		return NULL;
	for (size_t i = 0; i < nspans; i++) {
		const struct span *sp = &spans[i];
		size_t tl = strlen(tag_text[sp->k]);

		memcpy(out + o, text + at, sp->a - at);
		o += sp->a - at;
		memcpy(out + o, tag_text[sp->k], tl);
		o += tl;
		at = sp->b;
	}
	memcpy(out + o, text + at, len - at);
	o += len - at;
	out[o] = '\0';
	if (counts)
		for (size_t i = 0; i < nspans; i++)
			switch (spans[i].k) {
			case K_EMAIL:
				counts->email++;
				break;
			case K_PHONE:
				counts->phone++;
				break;
			case K_NHS:
				counts->nhs++;
				break;
			case K_POSTCODE:
				counts->postcode++;
				break;
			case K_NAME:
				counts->name++;
				break;
			}
	return out;
}

char *redactor_apply(const struct redactor *r, const char *text, size_t len,
		     struct redact_counts *counts)
{
	struct job j = { .r = r };
	char *out = NULL;

	if (!text)
		text = "", len = 0;
	if (find_spans(&j, text, len) == 0)
		out = build(j.spans, j.nspans, text, len, counts);
	job_release(&j);
	free(j.spans);
	return out;
}

int redactor_find(const struct redactor *r, const char *text, size_t len,
		  struct redact_span **spans, size_t *n)
{
	struct job j = { .r = r };
	int rc;

	*spans = NULL;
	*n = 0;
	if (!text)
		text = "", len = 0;
	rc = find_spans(&j, text, len);
	job_release(&j);
	if (rc == 0 && j.nspans) {
		if (!(*spans = malloc(j.nspans * sizeof **spans))) {
			rc = -1;
		} else {
			for (size_t i = 0; i < j.nspans; i++)
				(*spans)[i] = (struct redact_span){ j.spans[i].a, j.spans[i].b,
								    (enum redact_kind)j.spans[i].k };
			*n = j.nspans;
		}
	}
	free(j.spans);
	return rc;
}

const char *redact_tag(enum redact_kind kind)
{
	return (unsigned)kind < sizeof tag_text / sizeof *tag_text ? tag_text[kind] : "";
}

/* -- the redactor ------------------------------------------------------------- */

struct redactor *redactor_new(struct err *e)
{
	struct redactor *r = calloc(1, sizeof *r);

	if (!r)
		goto oom;
	if (redact_lists_make(r) < 0 || !(r->mctx = pcre2_match_context_create(NULL))) {
		redactor_free(r);
		goto oom;
	}
	pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
	if (redact_patterns_make(r, e) < 0) {
		redactor_free(r);
		return NULL;
	}
	return r;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory making the redaction patterns");
	return NULL;
}

void redactor_free(struct redactor *r)
{
	if (!r)
		return;
	pcre2_code_free(r->intro);
	pcre2_code_free(r->word);
	pcre2_match_context_free(r->mctx);
	redact_lists_free(r);
	free(r);
}

