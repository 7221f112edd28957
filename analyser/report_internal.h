/*
 * report_internal.h: what report.c (gathering the numbers, quotes and
 * actions) and report_html.c (writing the page) share; nothing else
 * includes it.
 */
#ifndef TALLY_REPORT_INTERNAL_H
#define TALLY_REPORT_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "counts.h"
#include "report.h"
#include "report_settings.h"

struct redactor;

/*
 * One cube's numbers as published: for every theme (and "any theme" last)
 * and every value of its one dimension (and "all" last), the count, the
 * respondents and the percentage, -1 where hidden (or no percentage).
 */
struct pub {
	struct count_cube *c;
	size_t nt, nv;          /* themes and values, each with its margin */
	long *count, *resp;
	double *pct;
	size_t next;            /* records taken so far */
};

static inline size_t pub_at(const struct pub *p, size_t t, size_t v)
{
	return t * p->nv + v;
}

/* ---- the report's contents ----------------------------------------------- */

struct quote {
	char *text;             /* cleaned and redacted */
	size_t value;           /* the respondent's district in the district cube */
	int polarity;           /* 0 works well, 1 could be better, 2 other */
};

struct action {
	char *theme, *text, *owner, *date;
	long theme_index;       /* in the cubes; -1 when not in the rule set */
	long section;           /* the top theme it is shown under; -1: "other" */
};

struct report {
	sqlite3 *db;
	long long ex;
	const struct report_options *opt;
	FILE *f;
	char *code, *title, *org, *desc, *opens, *closes;
	char *rules_file;
	long events[4];         /* listening events, roadshows, staff events, other */
	struct pub d, ch, pol;  /* by district, channel and polarity */
	size_t *top, ntop;      /* theme indexes, most raised first */
	struct quote (*quotes)[REPORT_QUOTES];
	size_t *nquotes;
	struct action *actions;
	size_t nactions;
	int ids;                /* for id="t1", "t2", ...: tables and charts */
	struct redactor *red;   /* every quote goes through it */
	struct report_settings set; /* what comms staff chose (report_settings.h) */
	enum report_layout layout;  /* as published */
	int chosen;             /* quotes are approved ones only (some were decided) */
	long *removed;          /* per top theme: approved quotes erased with their response */
	long removed_other;     /* ... under themes not shown */
	int fragment;           /* writing the copy-ready fragment, not the page */
	char *agreement;        /* how two coders agreed (agree_store.h), or NULL */
};

/* A cleaned, unescaped copy of the n bytes at s (see report_html_text()); NULL out of memory. */
char *report_text_clean(const char *s, size_t n);

/* The value of the cube's dimension with this code, or nvalues. */
size_t report_value_index(const struct count_cube *c, const char *code);

/*
 * Writes the whole page from what `r` has gathered, to r->f (write errors
 * are left to the caller's ferror()). 0, or -1 with `e` set.
 */
int report_write_page(struct report *r, struct err *e);

#endif
