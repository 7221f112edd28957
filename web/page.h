/*
 * page.h: what every page shares: the document around it (header, the
 * signed-in officer, log out), the CSRF field, error summaries, and plain
 * message pages. Pages are HTML with no script and no inline style.
 */
#ifndef TALLY_WEB_PAGE_H
#define TALLY_WEB_PAGE_H

#include "server.h"

/* Opens the page: <head> with `title` (escaped), the header, <main>. */
void page_begin(struct req *r, const char *title);

/* Closes <main> and the document. */
void page_end(struct req *r);

/* A whole page saying `text` under heading `title`, with `status`. */
void page_message(struct req *r, int status, const char *title, const char *text);

/* The hidden field with the session's CSRF token, for every form that posts. */
void page_csrf(struct req *r);

/* One problem for an error summary: where it is (a field id) and what it is. */
struct page_problem {
	const char *field; /* id of the field, without '#' */
	const char *text;
};

/* "There is a problem" with a link to each field; nothing when n is 0. */
void page_error_summary(struct req *r, const struct page_problem *p, size_t n);

#endif
