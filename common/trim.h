/*
 * trim.h: white space off both ends of a string, with one stated set.
 *
 * White space here is the six ASCII characters TRIM_SPACE: space, tab, line
 * feed, carriage return, vertical tab and form feed (what isspace() takes
 * in the "C" locale, the programs' only one). A no-break space or any other
 * Unicode space is content here: textnorm.h is the reading that folds those.
 *
 * The XML readers use the same set: XML's own white space (space, tab, CR,
 * LF) is all of it but vertical tab and form feed, which XML 1.0 does not
 * allow in a document at all, so for XML text the two agree. CSV and XLSX
 * header cells are trimmed with it too (they once trimmed only spaces and
 * tabs, so a header cell "Q1" and a line break was not "Q1").
 */
#ifndef TALLY_TRIM_H
#define TALLY_TRIM_H

#include <stddef.h>

#define TRIM_SPACE " \t\n\r\v\f"

/* True for a byte of TRIM_SPACE (never for NUL). */
int trim_is_space(int c);

/*
 * The part of s[0, len) between white space at its ends: returns its
 * length and sets *start (may be NULL) to where it begins.
 */
size_t trim_bounds(const char *s, size_t len, size_t *start);

/* Trims `s` in place: cuts the end with a NUL, returns where the rest begins. */
char *trim(char *s);

/* Trims `s` in place, moving what is left to its start (so `s` can still be freed). */
void trim_in_place(char *s);

/* A new string: `s` trimmed. NULL when out of memory. */
char *trim_dup(const char *s);

#endif
