/*
 * textnorm.h: the normalised copy of a text that pattern matching reads.
 *
 * People (and the tools they paste from) write the same characters in
 * several ways: a phone number with no-break spaces (U+00A0, U+202F) between
 * its groups, a postcode in fullwidth letters and digits ("ＳＴ４ ６ＱＧ"), an
 * NHS number with zero-width spaces inside it. Matching the bytes as written
 * misses all of these. The normalised copy is what the text says once those
 * differences are gone:
 *
 *   - NFKC: compatibility characters become their plain forms (fullwidth
 *     and mathematical digits and letters, ligatures, "…" as "...") and
 *     accents are composed;
 *   - default-ignorable characters are removed (zero-width space and
 *     joiners, word joiner, soft hyphen, byte order mark, bidirectional
 *     controls, variation selectors);
 *   - every space character (Unicode category Zs) is a plain ' '.
 *
 * The text is worked through one grapheme cluster at a time (at most
 * TEXTNORM_UNIT_CPS code points; a longer run of combining marks is cut
 * there), so each byte of the copy comes from one cluster of the original
 * and a span found in the copy maps back to whole characters of the
 * original. Invalid UTF-8 is never repaired or joined to its neighbours:
 * each invalid byte becomes 0xFF in the copy, which is never valid UTF-8,
 * whatever is around it. Time and memory are linear in the length.
 */
#ifndef TALLY_TEXTNORM_H
#define TALLY_TEXTNORM_H

#include <stddef.h>

#define TEXTNORM_UNIT_CPS 32 /* code points read into one unit at most */

/* A normalised copy with its map back to the original. */
struct textnorm {
	const char *text; /* the copy, NUL-terminated (the original itself when all ASCII) */
	size_t len;       /* its length in bytes */
	size_t orig_len;  /* the original's length */
	size_t *from;     /* for each byte of the copy, where its unit starts in the original */
	size_t *to;       /* ... and where it ends; both NULL when the copy is the original */
	char *own;        /* the copy when it is not the original */
};

/*
 * Makes the normalised copy of the `n` bytes at `s` (any bytes; NUL allowed)
 * into `t`. When the text is plain ASCII the copy is `s` itself, so `s` must
 * outlive `t` and be NUL-terminated at s[n] for t->text to be. Release with
 * textnorm_release(). 0, or -1 when out of memory (`t` is then released).
 */
int textnorm_make(struct textnorm *t, const char *s, size_t n);

/*
 * The span of the original that the bytes [a, b) of the copy come from, in
 * *oa and *ob: from the start of the unit of byte a to the end of the unit
 * of byte b - 1, so always whole characters. Needs a < b <= t->len.
 */
void textnorm_span(const struct textnorm *t, size_t a, size_t b, size_t *oa, size_t *ob);

/* Frees what textnorm_make() allocated; `t` may be zeroed or already released. */
void textnorm_release(struct textnorm *t);

/*
 * The normalised copy of the `n` bytes at `s` into `out` (`cap` bytes,
 * NUL-terminated), without a map and without allocating: for short fields
 * such as a postcode. Returns its length, or -1 when it would not fit.
 */
long textnorm_copy(const char *s, size_t n, char *out, size_t cap);

#endif
