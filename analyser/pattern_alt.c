/* pattern_alt.c: splitting a PCRE2 pattern at its top-level '|'. */
#include "pattern_alt.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Length of a leading "(?flags)" that sets options for the whole pattern, or 0. */
static size_t leading_options(const char *s)
{
	size_t i = 2;

	if (s[0] != '(' || s[1] != '?')
		return 0;
	while (s[i] && strchr("imnsxJU-^", s[i]))
		i++;
	return i > 2 && s[i] == ')' ? i + 1 : 0;
}

/* After "[" (and a '^'), a ']' is literal: the end of the class, from s. */
static size_t skip_class(const char *s, size_t i)
{
	if (s[i] == '^')
		i++;
	if (s[i] == ']')
		i++;
	while (s[i] && s[i] != ']') {
		if (s[i] == '\\' && s[i + 1] == 'Q') {
			const char *e = strstr(s + i + 2, "\\E");

			i = e ? (size_t)(e - s) + 2 : strlen(s);
			continue;
		}
		if (s[i] == '\\' && s[i + 1]) {
			i += 2;
			continue;
		}
		if (s[i] == '[' && s[i + 1] == ':') {
			const char *e = strstr(s + i + 2, ":]");

			if (e) {
				i = (size_t)(e - s) + 2;
				continue;
			}
		}
		i++;
	}
	return s[i] ? i + 1 : i;
}

static int push(char ***alts, size_t *n, size_t *alloc, const char *pre, size_t npre,
		const char *s, size_t len)
{
	char *a;

	if (ALLOC_GROW(*alts, *n + 1, *alloc) < 0)
		return -1;
	if (!(a = malloc(npre + len + 1)))
		return -1;
	memcpy(a, pre, npre);
	memcpy(a + npre, s, len);
	a[npre + len] = '\0';
	(*alts)[(*n)++] = a;
	return 0;
}

int pattern_alternatives(const char *src, char ***alts, size_t *n)
{
	size_t pre = leading_options(src), i = pre, from = pre, alloc = 0;
	int depth = 0;

	*alts = NULL;
	*n = 0;
	while (src[i]) {
		char c = src[i];

		if (c == '\\' && src[i + 1] == 'Q') {
			const char *e = strstr(src + i + 2, "\\E");

			i = e ? (size_t)(e - src) + 2 : strlen(src);
		} else if (c == '\\') {
			i += src[i + 1] ? 2 : 1;
		} else if (c == '[') {
			i = skip_class(src, i + 1);
		} else if (c == '(' && src[i + 1] == '?' && src[i + 2] == '#') {
			const char *e = strchr(src + i + 3, ')');

			i = e ? (size_t)(e - src) + 1 : strlen(src);
		} else if (c == '(') {
			depth++;
			i++;
		} else if (c == ')') {
			if (depth > 0)
				depth--;
			i++;
		} else if (c == '|' && depth == 0) {
			if (push(alts, n, &alloc, src, pre, src + from, i - from) < 0)
				goto oom;
			from = ++i;
		} else {
			i++;
		}
	}
	if (*n == 0) {
		if (push(alts, n, &alloc, "", 0, src, strlen(src)) < 0)
			goto oom;
		return 0;
	}
	if (push(alts, n, &alloc, src, pre, src + from, i - from) < 0)
		goto oom;
	return 0;
oom:
	pattern_alt_free(*alts, *n);
	*alts = NULL;
	*n = 0;
	return -1;
}

void pattern_alt_free(char **alts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(alts[i]);
	free(alts);
}
