/*
 * html.h: a growing buffer for pages, and the one function that escapes
 * text for HTML. Markup the program writes goes in with html_raw(); every
 * string from the database or a request goes in through html_esc().
 */
#ifndef TALLY_WEB_HTML_H
#define TALLY_WEB_HTML_H

#include <stddef.h>

struct html {
	char *s;
	size_t n, cap;
	int oom; /* a failed allocation: the page is not sent */
};

/* Appends markup written by the program (never data). */
void html_raw(struct html *h, const char *s);

/* Appends markup with numbers: printf, for %d, %ld, %lld and literals only. */
void html_fmt(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Appends `s` escaped for text and for attribute values in double quotes:
 * & < > " ' become entities; bytes below 0x20 other than tab, LF and CR
 * are dropped. NULL appends nothing.
 */
void html_esc(struct html *h, const char *s);

/* Appends `s` percent-encoded for a query-string value (then safe in HTML too). */
void html_url(struct html *h, const char *s);

void html_free(struct html *h);

#endif
