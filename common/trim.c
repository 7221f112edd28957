#include "trim.h"

#include <string.h>

int trim_is_space(int c)
{
	return c && strchr(TRIM_SPACE, c) != NULL;
}

size_t trim_bounds(const char *s, size_t len, size_t *start)
{
	size_t a = 0;

	while (a < len && trim_is_space((unsigned char)s[a]))
		a++;
	while (len > a && trim_is_space((unsigned char)s[len - 1]))
		len--;
	if (start)
		*start = a;
	return len - a;
}

char *trim(char *s)
{
	size_t a, n = trim_bounds(s, strlen(s), &a);

	s[a + n] = '\0';
	return s + a;
}

void trim_in_place(char *s)
{
	size_t a, n = trim_bounds(s, strlen(s), &a);

	memmove(s, s + a, n);
	s[n] = '\0';
}

char *trim_dup(const char *s)
{
	size_t a, n = trim_bounds(s, strlen(s), &a);

	return strndup(s + a, n);
}
