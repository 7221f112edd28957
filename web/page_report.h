/*
 * page_report.h: what the report editor's pages (page_report.c,
 * page_report_quotes.c) share: the report options the service publishes
 * with, the same as `analyser report` with no options, so that both write
 * the same bytes.
 */
#ifndef TALLY_WEB_PAGE_REPORT_H
#define TALLY_WEB_PAGE_REPORT_H

#include "report.h"
#include "server.h"

/* The options of `analyser report DB --you-said-we-did FILE` with nothing else given. */
void page_report_options(struct report_options *o);

/* The label of theme `code` in the exercise's rule set into buf ("" when none). 0 or -1. */
int page_report_theme_label(struct req *r, const char *code, char *buf, size_t cap,
			    struct err *e);

#endif
