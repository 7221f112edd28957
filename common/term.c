#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int term_width(int fd)
{
	struct winsize ws;
	const char *env;
	long n;

	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if ((env = getenv("COLUMNS")) && (n = strtol(env, NULL, 10)) > 0 && n < 10000)
		return (int)n;
	return 80;
}

/* Columns of the first `n` bytes of s: one for each character (UTF-8 lead byte). */
static int columns(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Bytes of the longest start of s that fits `width` columns and ends where s may break. */
static size_t fit(const char *s, int width)
{
	size_t gap = 0, space = 0, i;

	for (i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue;
		if (columns(s, i + 1) > width)
			break;
		if (s[i] == ' ' && i && s[i - 1] != ' ') {
			space = i;
			if (s[i + 1] == ' ')
				gap = i;
		}
	}
	if (!s[i])
		return i;
	/* A gap between columns, unless it leaves the line less than half full. */
	if (gap && columns(s, gap) >= width / 2)
		return gap;
	if (space)
		return space;
	return i ? i : 1;
}

void term_print_fitted(FILE *f, const char *s, int width, int indent)
{
	int first = 1;

	if (width <= 0 || width <= indent + 10 || columns(s, strlen(s)) <= width) {
		fprintf(f, "%s\n", s);
		return;
	}
	while (*s) {
		int w = first ? width : width - indent;
		size_t n = fit(s, w);

		fprintf(f, "%*s%.*s\n", first ? 0 : indent, "", (int)n, s);
		s += n;
		while (*s == ' ')
			s++;
		first = 0;
	}
}
