/*
 * marked.h: an answer shown on one line with the words a pattern matched
 * marked [[like this]] and personal data redacted (common/redact.h), for
 * the lists of matches and errors that rule writers read.
 */
#ifndef TALLY_MARKED_H
#define TALLY_MARKED_H

#include <stddef.h>
#include <stdio.h>

#include "redact.h"

struct mark_span {
	size_t start, end; /* byte offsets in the text */
};

/*
 * Writes the n bytes at `text` to `out` on one line (line breaks as " / "),
 * each span marked [[...]] (overlapping spans merged) and what `rd` finds
 * replaced by its tag; a tag inside a span is marked with it. With `max`
 * (0: all), about `max` bytes are shown: from a little before the first
 * span when it is further in, after "...", and "..." after them when
 * there is more. The whole text is redacted before it is cut, so a name
 * is found through a phrase that is not shown. 0, or -1 when out of memory
 * (nothing is written then).
 */
int marked_print(const struct redactor *rd, const char *text, size_t n,
		 const struct mark_span *spans, size_t ns, size_t max, FILE *out);

#endif
