/*
 * redact.h: personal data removed from quotes before they leave the database.
 *
 * Every quote shown in a report, written to an export or listed by
 * `analyser evaluate` goes through here first. What is found is replaced by
 * a tag: e-mail addresses by [email], UK phone numbers (and numbers written
 * with a +country code) by [phone], NHS numbers (10 digits with a valid
 * modulus-11 check digit) by [NHS number], full UK postcodes by [postcode],
 * and names that a phrase introduces ("my name is", "I am", "Dr", "Nurse",
 * "Mrs", "my son", ...) by [name], the introducing phrase kept. A name
 * found that way is also replaced where it comes again in the same text.
 * docs/redaction.md says what is caught, what is not, and how to extend it.
 *
 * The text is searched in its normalised form (common/textnorm.h: NFKC,
 * zero-width characters removed, every Unicode space a plain space), so a
 * phone number written with no-break spaces, an NHS number with zero-width
 * spaces inside it or a postcode in fullwidth letters is found too; what is
 * replaced is exactly the original bytes it came from, and everything else
 * is copied byte for byte.
 *
 * Any input is safe: invalid UTF-8 is copied through untouched (never
 * crashes, never made worse), valid UTF-8 stays valid, and time is linear in
 * the length of the text.
 */
#ifndef TALLY_REDACT_H
#define TALLY_REDACT_H

#include <stddef.h>

#include "err.h"

/* The kinds of personal data, in the order of the tags above. */
enum redact_kind { REDACT_EMAIL, REDACT_PHONE, REDACT_NHS, REDACT_POSTCODE, REDACT_NAME };

/* One replacement: the bytes [start, end) of the text become the tag of `kind`. */
struct redact_span {
	size_t start, end;
	enum redact_kind kind;
};

/* What was replaced, by kind; redaction only ever adds to these. */
struct redact_counts {
	long email, phone, nhs, postcode, name;
};

/* The compiled patterns: made once, then shared read-only by any number of threads. */
struct redactor;

/*
 * Compiles the patterns. Returns a redactor to free with redactor_free(), or
 * NULL with `e` set (EXIT_SYSTEM: out of memory, or a pattern that does not
 * compile, which is a bug).
 */
struct redactor *redactor_new(struct err *e);

/* Frees a redactor; NULL is allowed. */
void redactor_free(struct redactor *r);

/*
 * A copy of the `len` bytes at `text` (UTF-8; NUL bytes allowed) with
 * personal data replaced by the tags above, NUL-terminated, for the caller
 * to free(); NULL when out of memory. `counts` (may be NULL) is increased by
 * what was replaced. Safe to call from several threads on one redactor.
 */
char *redactor_apply(const struct redactor *r, const char *text, size_t len,
		     struct redact_counts *counts);

/*
 * What redactor_apply() replaces in the `len` bytes at `text`: *spans (for
 * the caller to free(); NULL when there are none) gets *n spans in order,
 * not overlapping, within [0, len], each covering whole characters of the
 * original text. 0, or -1 when out of memory.
 */
int redactor_find(const struct redactor *r, const char *text, size_t len,
		  struct redact_span **spans, size_t *n);

/* The tag that replaces a kind: "[email]", "[phone]", ... (static). */
const char *redact_tag(enum redact_kind kind);

/*
 * 1 when the `n` bytes at `digits` are 10 ASCII digits whose last is the NHS
 * modulus-11 check digit of the first nine (weights 10 down to 2; the check
 * digit is 11 minus the sum modulo 11, 11 giving 0; a result of 10 means the
 * number is never issued), otherwise 0. Ten zeros are not a number.
 */
int redact_nhs_valid(const char *digits, size_t n);

#endif
