#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_init(struct err *e)
{
	memset(e, 0, sizeof *e);
	e->code = EXIT_OK;
}

int err_set(struct err *e, enum exit_code code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	if (e->code == EXIT_OK)
		e->code = code;
	if (e->nlines >= ERR_MAX_LINES) {
		e->dropped++;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(e->lines[e->nlines], ERR_LINE_LEN, fmt, ap);
	va_end(ap);
	e->nlines++;
	return -1;
}

int err_isset(const struct err *e)
{
	return e && e->code != EXIT_OK;
}

const char *err_first(const struct err *e)
{
	return e && e->nlines ? e->lines[0] : "";
}

int err_contains(const struct err *e, const char *needle)
{
	for (int i = 0; e && i < e->nlines; i++)
		if (strstr(e->lines[i], needle))
			return 1;
	return 0;
}

enum exit_code err_print(const struct err *e, const char *prog)
{
	for (int i = 0; i < e->nlines; i++)
		fprintf(stderr, "%s: %s\n", prog, e->lines[i]);
	if (e->dropped)
		fprintf(stderr, "%s: … and %d more problems\n", prog, e->dropped);
	return e->code;
}
