/*
 * area.h: the codes of the areas an exercise covers.
 *
 * An area code is a short token of the definition's own choosing ("NHS-FV",
 * "IE-D") unless it looks like an ONS GSS code (a letter E, W, S, N or K and
 * eight digits): then its first three characters must be an entity kind
 * this tool knows, listed once in area.c with their names. Local authority
 * districts (the kinds the postcode lookup gives) are the ones a bigger
 * area can include; nations contain their districts without listing them.
 */
#ifndef TALLY_AREA_H
#define TALLY_AREA_H

#include <stddef.h>

#define AREA_CODE_MAX 15 /* bytes: a code fits the 16-byte buffers that carry it */

struct area_kind {
	const char *prefix;   /* "E07" */
	const char *name;     /* "non-metropolitan district" */
	int district;         /* 1: a local authority district, as the lookup gives */
	const char *contains; /* districts it holds without a list ("E06 E07 E08 E09"), or NULL */
};

/* 1 when `code` is the shape of a GSS code: E, W, S, N or K and eight digits. */
int area_is_gss(const char *code);

/*
 * Checks `code` as an area code. 0, or -1 with the reason (no file or line:
 * the caller adds them) in `why`: not a code (letters, digits, '-' and '_',
 * 1 to AREA_CODE_MAX bytes), an ONS code in small letters, or an ONS code
 * of a kind the table does not have (the message names the known kinds).
 */
int area_check(const char *code, char *why, size_t cap);

/* The known kind of a GSS-shaped code, or NULL (not GSS, or unknown). */
const struct area_kind *area_kind_of(const char *code);

/* 1 when the area `area` holds district `district` by its kind (a nation). */
int area_contains(const char *area, const char *district);

/* The district kinds ("E06, E07, E08, E09, W06, S12, N09") into `out`. */
void area_district_kinds(char *out, size_t cap);

#endif
