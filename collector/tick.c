/*
 * tick.c: whether a field of one option is ticked.
 */
#include "tick.h"
#include "trim.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *const truthy[] = { "1", "yes", "y", "true", "x", "\xe2\x9c\x93", "ticked", NULL };
static const char *const falsy[] = { "", "0", "no", "n", "false", NULL };

/* Whether the n bytes at `s` are `word`, in any case. */
static int is_word(const char *s, size_t n, const char *word)
{
	return word && strlen(word) == n && !strncasecmp(s, word, n);
}

static int in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (is_word(s, n, *list))
			return 1;
	return 0;
}

enum tick tick_read(const char *cell, const char *code, const char *label)
{
	size_t a, n = trim_bounds(cell, strlen(cell), &a);

	cell += a;
	if (in_list(cell, n, falsy))
		return TICK_NO;
	if (in_list(cell, n, truthy) || is_word(cell, n, label) || is_word(cell, n, code))
		return TICK_YES;
	return TICK_BAD;
}
