/*
 * pattern_alt.h: the top-level alternatives of a PCRE2 pattern, so that
 * each can be measured on its own (`analyser rules score`).
 */
#ifndef TALLY_PATTERN_ALT_H
#define TALLY_PATTERN_ALT_H

#include <stddef.h>

/*
 * Splits `src` at each '|' outside every group, character class, escape,
 * \Q...\E quotation and (?#...) comment. A pattern that opens with option
 * settings, such as "(?i)" or "(?x-s)", keeps them in front of every
 * alternative, since they apply to all. *alts gets *n NUL-terminated copies
 * (one, the whole pattern, when there is no top-level '|'); free them with
 * pattern_alt_free(). 0, or -1 when out of memory.
 */
int pattern_alternatives(const char *src, char ***alts, size_t *n);

void pattern_alt_free(char **alts, size_t n);

#endif
