/*
 * rules_lang.h: the rule language's shorthands, written out as PCRE2 text
 * before a pattern is compiled (docs/rules-format.md): named word lists
 * ({staff}), `near` (two patterns within N words) and `not-preceded-by`
 * (none of some words among the N words before). The result is an ordinary
 * pattern, so the prefilter, provenance and `explain` see nothing new.
 */
#ifndef TALLY_RULES_LANG_H
#define TALLY_RULES_LANG_H

#include <stddef.h>

#include "rules.h"

/*
 * `text` with each {name} replaced by (?:LIST), the word list `name` of
 * `rs` with the lists it uses put in too. Only a { followed by a letter or
 * _ starts a name, so PCRE2's repeats (a{2,3}) and escapes (\x{263A},
 * \p{L}) are left alone, as are \{, \Q...\E and [classes]. Returns a string
 * the caller frees, or NULL: out of memory (*why empty), or an unknown name
 * or lists that use each other in a cycle, said in `why`.
 */
char *rules_lang_expand(struct ruleset *rs, const char *text, char *why, size_t whylen);

/*
 * The word lists of `rs` expanded in turn, each on its own (a list that
 * does not compile or is part of a cycle is reported at its line). 0, or
 * -1 with a message in `why` and *bad set to the list's index; -2 out of
 * memory.
 */
int rules_lang_expand_lists(struct ruleset *rs, char *why, size_t whylen, size_t *bad);

/*
 * The PCRE2 text of "`a` and `b` within `within` words of each other, in
 * either order": whole words (a possessive 's or ' may follow either),
 * with at most `within` words between them. A word is a run of letters,
 * digits, _ and apostrophes. NULL out of memory.
 */
char *rules_lang_near(const char *a, const char *b, int within);

/*
 * The PCRE2 text of "`p`, where none of the `within` words before it is
 * matched by `neg`" (fewer at the start of the answer). The match reported
 * starts where `p`'s does (\K). NULL out of memory.
 */
char *rules_lang_not_preceded(const char *p, const char *neg, int within);

#endif
