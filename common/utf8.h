/*
 * utf8.h: strict UTF-8 checking for imported text.
 *
 * "Strict" is the Unicode definition (Table 3-7): no overlong encodings, no
 * encoded surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 * sequences and no stray continuation bytes. U+0000 is valid UTF-8; callers
 * that refuse NUL bytes check for them separately.
 */
#ifndef TALLY_UTF8_H
#define TALLY_UTF8_H

#include <stddef.h>

/*
 * Checks the n bytes at s (which need not be NUL-terminated). Returns 1 when
 * they are valid UTF-8. Otherwise returns 0 and, when bad_at is not NULL,
 * stores the offset of the byte where the first invalid sequence starts (its
 * lead byte, or the stray byte itself); utf8_problem() says what is wrong
 * there. Never fails otherwise.
 */
int utf8_check(const char *s, size_t n, size_t *bad_at);

/*
 * A short fixed description of what is wrong with the sequence starting at
 * offset `at` of the n bytes at s, such as "overlong encoding" or
 * "invalid byte 0xFF"; meant for `at` as given by utf8_check(). Returns NULL
 * when the sequence there is valid or at >= n. The string is static and
 * constant: do not free it.
 */
const char *utf8_problem(const char *s, size_t n, size_t at);

/*
 * The length of the longest prefix of the n bytes at s that is at most max
 * bytes long and does not cut a multi-byte sequence in two: n when n <= max,
 * otherwise max or a little less. Invalid text is cut at max (or before a
 * lead byte whose sequence would not fit).
 */
size_t utf8_prefix(const char *s, size_t n, size_t max);

/*
 * When the *n bytes at *s begin with a UTF-8 byte order mark (EF BB BF),
 * advances *s and shrinks *n past it and returns 1; otherwise returns 0 and
 * leaves them alone.
 */
int utf8_strip_bom(const char **s, size_t *n);

#endif
