#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "strbuf.h"

static void add(struct html *h, const char *s, size_t n)
{
	if (h->oom)
		return;
	/*
	 * Bytes grown with ALLOC_GROW rather than a strbuf: pages and tests read
	 * s and n straight, and s is NULL until something is written.
	 */
	if (n >= SIZE_MAX - h->n || ALLOC_GROW(h->s, h->n + n + 1, h->cap) < 0) {
		h->oom = 1;
		return;
	}
	memcpy(h->s + h->n, s, n);
	h->n += n;
	h->s[h->n] = '\0';
}

void html_raw(struct html *h, const char *s)
{
	add(h, s, strlen(s));
}

void html_fmt(struct html *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (h->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* Formatted straight into the page's bytes, whatever its length. */
	if (n < 0 || (size_t)n >= SIZE_MAX - h->n - 1 ||
	    ALLOC_GROW(h->s, h->n + (size_t)n + 1, h->cap) < 0) {
		h->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(h->s + h->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	h->n += (size_t)n;
}

void html_esc(struct html *h, const char *s)
{
	const char *run = s;

	if (!s)
		return;
	for (; *s; s++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				rep = "";
			break;
		}
		if (!rep)
			continue;
		add(h, run, (size_t)(s - run));
		add(h, rep, strlen(rep));
		run = s + 1;
	}
	add(h, run, (size_t)(s - run));
}

void html_url(struct html *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[4] = { (char)c, 0 };

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '~')) {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
		}
		add(h, enc, strlen(enc));
	}
}

void html_free(struct html *h)
{
	free(h->s);
	memset(h, 0, sizeof *h);
}
