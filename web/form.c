#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a new string, or NULL when malformed or out of memory. */
static char *decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				goto bad;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (c < 0x21 || c > 0x7e) {
			goto bad; /* raw bytes must be escaped */
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			goto bad;
		*o++ = (char)c;
	}
	*o = '\0';
	if (!utf8_check(out, (size_t)(o - out), NULL))
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

void form_free(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->f[i].name);
		free(f->f[i].value);
	}
	free(f->f);
	f->f = NULL;
	f->n = 0;
}

int form_parse(const char *body, size_t len, struct form *out)
{
	size_t i = 0, cap = 0;

	out->f = NULL;
	out->n = 0;
	while (i < len) {
		size_t end = i, eq;

		while (end < len && body[end] != '&')
			end++;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (eq == end || eq == i || out->n >= FORM_MAX_FIELDS)
			goto bad;
		if (ALLOC_GROW(out->f, out->n + 1, cap) < 0)
			goto bad;
		out->f[out->n].name = decode(body + i, eq - i);
		out->f[out->n].value = decode(body + eq + 1, end - eq - 1);
		out->n++;
		if (!out->f[out->n - 1].name || !out->f[out->n - 1].value)
			goto bad;
		i = end + 1;
		if (end + 1 == len)
			goto bad; /* a trailing '&' */
	}
	return 0;
bad:
	form_free(out);
	return -1;
}

long form_whole(const char *s, long max)
{
	char *end;
	long v;

	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	v = strtol(s, &end, 10);
	while (*end == ' ')
		end++;
	return *end || v < 1 || v > max ? 0 : v;
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->f[i].name, name))
			return f->f[i].value;
	return NULL;
}

size_t form_count(const struct form *f, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !strcmp(f->f[i].name, name);
	return n;
}

int form_check(const struct form *f, int (*allow)(const char *name, void *ctx), void *ctx,
	       const char **bad)
{
	for (size_t i = 0; i < f->n; i++) {
		int a = allow(f->f[i].name, ctx);

		if (a == 0 || (a == 1 && form_count(f, f->f[i].name) > 1)) {
			*bad = f->f[i].name;
			return -1;
		}
	}
	return 0;
}
