/*
 * suggest.h: words and phrases typical of a theme's coded answers, for
 * writing its patterns (`analyser suggest`, docs/evaluate.md).
 *
 * Every coded response is one document: the set of words and 2- and
 * 3-word phrases in its free-text answers (lower-cased, within one clause:
 * punctuation ends a phrase). A phrase is ranked by the log-odds ratio
 * with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008,
 * "Fightin' words", eq. 16-18) on document counts: how much likelier a
 * response of the theme is to contain it than a response without, shrunk
 * towards the rate in the whole sample, divided by its standard error.
 */
#ifndef TALLY_SUGGEST_H
#define TALLY_SUGGEST_H

#include <stddef.h>

/*
 * The z-score of a phrase found in y_in of the n_in responses of the
 * group and in y_out of the n_out others, with a prior of strength a0
 * (pseudo-responses) spread as the pooled rate, a_w = a0 (y_in + y_out) /
 * (n_in + n_out):
 *   delta = ln((y_in + a_w) / (n_in + a0 - y_in - a_w))
 *         - ln((y_out + a_w) / (n_out + a0 - y_out - a_w))
 *   var   = 1/(y_in + a_w) + 1/(n_in + a0 - y_in - a_w)
 *         + 1/(y_out + a_w) + 1/(n_out + a0 - y_out - a_w)
 *   z     = delta / sqrt(var)
 * (with document counts the "not containing" cells are small, so their
 * terms are kept in the variance). NaN when a cell would be 0 or less.
 */
double suggest_z(double y_in, double n_in, double y_out, double n_out, double a0);

/* A phrase and its counts. */
struct phrase {
	char *text;       /* words separated by one space */
	long in;          /* responses of the group containing it */
	long theme;       /* responses the coder gave the theme containing it */
	long rest;        /* responses without the theme containing it */
	double z;
	long last;        /* the last document it was counted in (internal) */
};

struct phrase_table;

struct phrase_table *phrases_new(void);
void phrases_free(struct phrase_table *t);

/*
 * Counts the words and 2- and 3-word phrases of one document (`doc`, in
 * increasing order from 0; several texts of one document are added with
 * the same number, each phrase counted once per document): `in` for the
 * group, `theme` for the coder's theme, `rest` otherwise. Words are runs of
 * letters, digits and apostrophes (the typographic one read as '\''),
 * ASCII lower-cased; anything else between words but spaces ends a phrase,
 * and "[...]" (a redaction tag) is skipped. 0, or -1 when out of memory.
 */
int phrases_add(struct phrase_table *t, const char *text, size_t len, long doc, int in,
		int theme);

/*
 * The phrases found in at least `min_in` documents of the group, not
 * starting or ending with a common word ("the", "and", ...), scored with
 * suggest_z() against n_in group documents and n_out documents without the
 * theme, highest first. *out points into the table (valid until
 * phrases_free); returns how many, or -1 when out of memory.
 */
long phrases_rank(struct phrase_table *t, long min_in, double n_in, double n_out, double a0,
		  struct phrase ***out);

/* Writes the phrase as a pattern: words as \bword\b joined by \s+, metacharacters escaped. */
void phrase_pattern(const char *text, char *buf, size_t cap);

#endif
