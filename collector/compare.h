/*
 * compare.h: comparing two officers' entries of one paper form, and
 * showing text in columns on an 80-column terminal.
 *
 * Closed answers (ticked options, a scale value, a postcode) must agree
 * exactly; ticked options are compared as sets. Free text is compared after
 * normalising it the same way for both entries: Unicode NFC, case folded
 * (full folding: "Straße" and "STRASSE" agree), default-ignorable
 * characters dropped (zero-width spaces, variation selectors), punctuation
 * (every Unicode category P*: full stops, hyphens, curly quotes) dropped,
 * every run of white space made one space, and the ends trimmed. Accents
 * and emoji are kept: "café" and "cafe" differ. A question left blank and
 * a question with no answer at all agree; blank, unreadable and answered
 * all differ from each other.
 */
#ifndef TALLY_COMPARE_H
#define TALLY_COMPARE_H

#include <stddef.h>
#include <stdio.h>

/*
 * The normalised form of the len bytes of UTF-8 at s, in a new
 * NUL-terminated string the caller frees. Returns 0, -1 when out of memory,
 * -2 when the bytes are not valid UTF-8 (*out is then NULL).
 */
int compare_normalise(const char *s, size_t len, char **out);

/*
 * 1 when two free texts agree after normalisation, 0 when they differ,
 * -1 when out of memory. NULL is the empty text. Text that is not valid
 * UTF-8 agrees only with the same bytes.
 */
int compare_text(const char *a, const char *b);

enum cmp_state {
	CMP_ABSENT,     /* no answer stored at all: the same as left blank */
	CMP_ANSWERED,
	CMP_SKIPPED,    /* left blank on the form */
	CMP_UNREADABLE, /* the officer could not read it */
};

/* One entry's answer to one question. */
struct cmp_value {
	enum cmp_state state;
	const long long *options; /* ids of the ticked options, in any order */
	size_t noptions;
	const char *text;         /* free text, a scale value, a postcode; may be NULL */
};

/*
 * 1 when the two entries of one question agree, 0 when they differ, -1
 * when out of memory. `free_text` compares the text after normalisation;
 * otherwise text is compared byte for byte.
 */
int compare_values(int free_text, const struct cmp_value *a, const struct cmp_value *b);

/*
 * Terminal columns that the n bytes of UTF-8 at s take: wide characters
 * (CJK, most emoji) 2, combining marks 0, invalid bytes 1 each.
 */
size_t compare_width(const char *s, size_t n);

/*
 * The first line of s when wrapped at `width` columns (at least 1): returns
 * its length in bytes, trailing spaces left out, and sets *next to where the
 * next line starts (the end of s when there is none). Lines break at
 * spaces; a newline in s ends a line; a word wider than the line is cut.
 */
size_t compare_wrap(const char *s, size_t width, const char **next);

/* Prints s wrapped at `width` columns, each line after `indent` spaces. */
void compare_print_wrapped(FILE *out, const char *s, size_t indent, size_t width);

/* One row of a side-by-side table. */
struct cmp_row {
	const char *label; /* the question */
	const char *left;  /* the first entry's value */
	const char *right; /* the second entry's value */
};

#define COMPARE_TABLE_WIDTH 78 /* columns a side-by-side table takes at most */

/*
 * Prints the rows under the three headings, side by side within
 * COMPARE_TABLE_WIDTH columns, each cell wrapped in its column.
 */
void compare_print_table(FILE *out, const char *label_head, const char *left_head,
			 const char *right_head, const struct cmp_row *rows, size_t n);

#endif
