/*
 * prefilter.h: which include patterns are worth running on an answer.
 *
 * Each include pattern is read once for the fixed text that any match of
 * it must contain ("\bparking\s+(fees?|charges?)" cannot match a text
 * without "parking" and one of "fee" or "charge"). All those pieces go into
 * one Vectorscan literal database; one pass over an answer says which
 * pieces it contains, and only the patterns whose pieces are all there are
 * run with PCRE2. A pattern the reader cannot vouch for is "slow": it is
 * run on every answer. The tags are exactly those of rules_tag_answer().
 */
#ifndef TALLY_PREFILTER_H
#define TALLY_PREFILTER_H

#include "err.h"
#include "rules.h"

struct prefilter;         /* built once, then shared read-only by threads */
struct prefilter_scratch; /* one per thread */

/* Builds the prefilter of `rs` (which must outlive it); NULL with `e` set (EXIT_SYSTEM). */
struct prefilter *prefilter_build(const struct ruleset *rs, struct err *e);

void prefilter_free(struct prefilter *pf);

/* The include patterns run on every answer, and why (for `rules check`). */
size_t prefilter_nslow(const struct prefilter *pf);
const struct rule_pattern *prefilter_slow(const struct prefilter *pf, size_t i,
					  const char **why);

/* Fixed pieces looked for in each answer. */
size_t prefilter_npieces(const struct prefilter *pf);

/* Working memory for one thread; NULL with `e` set. */
struct prefilter_scratch *prefilter_scratch_new(const struct prefilter *pf, struct err *e);

void prefilter_scratch_free(struct prefilter_scratch *s);

/*
 * Tags one answer, as rules_tag_answer() does and with the same result,
 * except that a pattern ruled out is not run and so cannot give up: an
 * answer may have fewer RULE_ERROR entries, never other tags. `out` has
 * room for the set's nthemes entries. Returns how many, or -1 when `text`
 * is not valid UTF-8.
 */
int prefilter_tag(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		  size_t len, const char *question, struct rule_tag *out);

/*
 * The characters outside ASCII that PCRE2, ignoring case, takes for ASCII
 * letters (U+017F LATIN SMALL LETTER LONG S for "s", U+212A KELVIN SIGN for
 * "k"): pieces are matched ignoring ASCII case only, so an answer with one
 * of these is given every pattern. NUL-terminated list; the tests check it
 * against the PCRE2 in use.
 */
extern const unsigned prefilter_ascii_folds[];

#endif
