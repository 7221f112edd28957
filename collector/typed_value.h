/*
 * typed_value.h: the answers of typed-value questions (number, date,
 * short-text), read the same way by an import and by typed entry.
 */
#ifndef TALLY_TYPED_VALUE_H
#define TALLY_TYPED_VALUE_H

#include <stddef.h>

#include "dates.h"

#define TYPED_NUMBER_MAX 32     /* the stored text of a number, with its NUL */
#define SHORT_TEXT_MAX_CHARS 200 /* a short-text answer, in characters */

/* The question types whose answers are typed values. */
int typed_question(const char *type);

/*
 * Reads `s` as a number: digits with an optional sign and decimal point
 * (LimeSurvey's `26.0000000000` is 26), or English number words ("twenty
 * six"). Spaces around it are ignored. Returns 0 with the number in *value
 * and its stored text (whole numbers without a decimal point, decimals
 * without trailing zeros) in `out`, or -1 when `s` is not a number.
 */
int typed_number(const char *s, double *value, char out[TYPED_NUMBER_MAX]);

/*
 * Reads `s` as a calendar date in `style` into `out` as YYYY-MM-DD (a time
 * written after it is not kept). With DATE_AUTO or DATE_AUTO_MDY a slashed
 * date that reads as two different days is refused, never guessed. Returns
 * 0, or -1 with `why` saying what to do (never repeating the value).
 */
int typed_date(const char *s, enum date_style style, char out[11], char *why, size_t cap);

/*
 * Checks `s` (n bytes, trimmed) as a short-text answer: one line of at most
 * SHORT_TEXT_MAX_CHARS characters. Returns 0, or -1 with `why` saying what
 * is wrong.
 */
int typed_short_text(const char *s, size_t n, char *why, size_t cap);

#endif
