/*
 * prefilter.h: which include patterns are worth running on an answer.
 *
 * Each include pattern is read once for the fixed text that any match of
 * it must contain ("\bparking\s+(fees?|charges?)" cannot match a text
 * without "parking" and one of "fee" or "charge"). All those pieces go into
 * one Vectorscan literal database; one pass over an answer says which
 * pieces it contains and where, and only the patterns whose pieces are all
 * there are run with PCRE2, and only near the places where a match of
 * them can start (excludes too). A pattern the reader cannot vouch for is
 * "slow": it is run on every answer. The tags are exactly those of
 * rules_tag_answer().
 */
#ifndef TALLY_PREFILTER_H
#define TALLY_PREFILTER_H

#include "err.h"
#include "rules.h"

struct prefilter;         /* built once, then shared read-only by threads */
struct prefilter_scratch; /* one per thread */

/* Builds the prefilter of `rs` (which must outlive it); NULL with `e` set (EXIT_SYSTEM). */
struct prefilter *prefilter_build(const struct ruleset *rs, struct err *e);

/*
 * The whole prefilter as bytes (prefilter_save.c): what was read from the
 * patterns and the compiled Vectorscan database, for analyser tag's cache
 * (rules_cache.h). *blob is the caller's to free(). 0 or -1 (EXIT_SYSTEM).
 */
int prefilter_save(const struct prefilter *pf, char **blob, size_t *len, struct err *e);

/*
 * The prefilter of `rs` from prefilter_save()'s bytes, made by this same
 * build from the same rules file: the caller checks that (a key) and that
 * the bytes are the ones saved (a checksum). The bytes are still read with
 * care: a count or index out of range, or a Vectorscan database whose
 * header Vectorscan refuses, gives NULL with `e` saying what (EXIT_DATA).
 */
struct prefilter *prefilter_restore(const struct ruleset *rs, const char *blob, size_t len,
				    struct err *e);

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

/* prefilter_tag() with the whole context, as rules_tag_answer_in(). */
int prefilter_tag_in(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		     size_t len, const struct rule_context *c, struct rule_tag *out);

/*
 * Only the Vectorscan pass prefilter_tag() starts with, over the pieces of
 * `text`, doing nothing with what it finds: what that pass costs at the
 * least (bench/naive_tag --scan). 0, or -1 if the scan failed.
 */
int prefilter_scan_only(const struct prefilter *pf, struct prefilter_scratch *s,
			const char *text, size_t len);

/* What the matching did, for tuning it (bench/naive_tag --stats). */
struct prefilter_stats {
	unsigned long long answers;   /* valid UTF-8 ones */
	unsigned long long every;     /* answers given every pattern (a folding character) */
	unsigned long long pieces;    /* pieces found */
	unsigned long long checks;    /* conditions checked */
	unsigned long long includes;  /* include patterns tried (the candidates) */
	unsigned long long missed;    /* of those, without a match: the prefilter's false hits */
	unsigned long long slow;      /* tries of slow includes (also in includes) */
	unsigned long long excludes;  /* exclude patterns tried (an include matched) */
	unsigned long long excluded;  /* of those, with a match */
	unsigned long long calls;     /* PCRE2 calls for all those (none, one, or one a window) */
	unsigned long long literal;   /* tries settled by comparing strings, without PCRE2 */
	unsigned long long ns_includes, ns_missed, ns_excludes; /* time in them, and in misses */
	unsigned long long *runs;     /* per include (numbered as in the set): tries, */
	unsigned long long *misses;   /* tries without a match */
	unsigned long long *ns;       /* and nanoseconds; each may be NULL */
};

/* From now on, adds what `s` does to `st` (NULL: stop counting). */
void prefilter_scratch_count(struct prefilter_scratch *s, struct prefilter_stats *st);

/*
 * The characters outside ASCII that PCRE2, ignoring case, takes for ASCII
 * letters (U+017F LATIN SMALL LETTER LONG S for "s", U+212A KELVIN SIGN for
 * "k"): pieces are matched ignoring ASCII case only, so an answer with one
 * of these is given every pattern. NUL-terminated list; the tests check it
 * against the PCRE2 in use.
 */
extern const unsigned prefilter_ascii_folds[];

#endif
