/*
 * report.h: "You said, we did", the public summary of a listening exercise
 * as one self-contained, accessible HTML file.
 *
 * The file opens with the exercise, its dates and who took part (by channel
 * and by district); then, for each of the themes most people raised, how
 * many raised it (split into what works well and what could be better), its
 * sub-themes, a chart and a table by district, a few redacted quotes and
 * what was done about it. Every number is a published one: it comes from
 * counts_each(), the code path of `analyser counts --format csv`, with
 * disclosure control applied, so the report and the counts always agree.
 *
 * Nothing is loaded from elsewhere (styles and charts are inline, there are
 * no scripts) and nothing depends on the time of day: the same database
 * gives the same bytes, unless a stamp is asked for.
 */
#ifndef TALLY_REPORT_H
#define TALLY_REPORT_H

#include <sqlite3.h>
#include <stdio.h>

#include "err.h"
#include "report_settings.h"
#include "sdc.h"

struct ledger;

#define REPORT_TOP_DEFAULT 6
#define REPORT_TOP_MAX 100
#define REPORT_QUOTES 3           /* quotes per theme, at most */
#define REPORT_QUOTE_MIN 60       /* characters in a quote, after redaction */
#define REPORT_QUOTE_MAX 300

struct report_options {
	int top;                  /* level-1 themes shown, most raised first (1..REPORT_TOP_MAX) */
	struct sdc_rule rule;     /* disclosure control for every number shown */
	const char *stamp;        /* "Produced on ..." date text, or NULL (reproducible) */
	struct ledger *ledger;    /* hide consistently with other publications (ledger.h); or NULL */
	enum report_layout layout; /* REPORT_LAYOUT_SAVED: the saved setting, else statistical */
	int top_given;            /* `top` was asked for: it wins over the saved choice of themes */
	int rules_only;           /* count the rules' tags alone, not the review decisions */
	struct progress_ticker *tick; /* told of each step done (progress.h); or NULL */
};

/*
 * Writes the "You said, we did" page for exercise `ex` to `out`. Nothing is
 * written to `out` before every number and quote has been gathered, but a
 * failed write may leave part of the page: callers writing a file use
 * report_you_said_we_did(). 0, or -1 with `e` set: nothing tagged yet
 * (EXIT_USAGE), a database error or no memory (EXIT_SYSTEM).
 */
int report_write_html(sqlite3 *db, long long ex, const struct report_options *opt, FILE *out,
		      struct err *e);

/*
 * As report_write_html(), and the copy-ready fragment for an organisation's
 * own website to `frag` (the same contents with no page around them, no
 * style sheet and no logo), when frag is not NULL.
 */
int report_write_both(sqlite3 *db, long long ex, const struct report_options *opt, FILE *out,
		      FILE *frag, struct err *e);

/* The fragment's file beside `path`: "x.html" gives "x-fragment.html". 0, or -1 too long. */
int report_fragment_path(const char *path, char *buf, size_t cap);

/* One answer that may be quoted for a theme (report_quote_candidates()). */
struct report_candidate {
	long long answer, response;
	const char *text;         /* cleaned and redacted, as it would be published */
	const char *place;        /* the district's label, or "" */
	int polarity;             /* 0 works well, 1 could be better, 2 other */
	const char *decision;     /* "approved", "rejected" or NULL: not decided */
	const char *reason;       /* why it was rejected, or NULL */
};

/*
 * Calls `each` for every answer that may be quoted for theme `theme`: tagged
 * with it or a sub-theme, from a response that counts, of a quotable length
 * once redacted, and never from a cell that disclosure control (opt->rule,
 * opt->ledger) hides on the page. `each` returns 0 to go on, else stops.
 * 0, or -1 with `e` set.
 */
int report_quote_candidates(sqlite3 *db, long long ex, const struct report_options *opt,
			    const char *theme,
			    int (*each)(const struct report_candidate *c, void *ctx), void *ctx,
			    struct err *e);

/*
 * Approves (`reason` NULL) or rejects answer `answer` as a quote for theme
 * `theme`, by `by`. Approving freezes the text report_quote_candidates()
 * gives for it now; an answer it does not give (not a candidate, or from a
 * hidden cell) is refused, as is a fourth approved quote for one theme
 * (EXIT_DATA). 0, or -1 with `e` set.
 */
int report_quote_decide(sqlite3 *db, long long ex, const struct report_options *opt,
			const char *theme, long long answer, const char *reason, const char *by,
			struct err *e);

/*
 * The same page written to `path`, whole or not at all, readable only by
 * its owner (mode 0600). 0, or -1 with `e` set (as above; a file that
 * cannot be created or written: EXIT_SYSTEM).
 */
int report_you_said_we_did(sqlite3 *db, long long ex, const char *path,
			   const struct report_options *opt, struct err *e);

/*
 * The page to `path` and the fragment beside it (report_fragment_path()),
 * each whole or not at all. 0, or -1 with `e` set.
 */
int report_publish(sqlite3 *db, long long ex, const char *path, const struct report_options *opt,
		   struct err *e);

/*
 * Writes the n bytes at s as HTML text: &, <, >, " and ' escaped, invalid
 * UTF-8 replaced by U+FFFD, control characters dropped, and runs of white
 * space (line breaks included) turned into one space with none at either
 * end. For tests as much as for the report.
 */
void report_html_text(FILE *out, const char *s, size_t n);

#endif
