/*
 * page_review_queue.c: the analysts' lists of answers to review, a page at
 * a time, read through analyser/review.h as `analyser review list` reads
 * them. The queues:
 * answers with no theme as counted (after the decisions), a random sample
 * for audit (the same answers in the same order for the same account every
 * time), and one theme's answers (with its sub-themes, as counted). Answers
 * the rules and a hand-coded sample disagree on need the sample, which is a
 * file and not kept in the database: the page says to use `analyser review
 * list --disagree` or `analyser evaluate`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "page.h"
#include "pages.h"
#include "redact.h"
#include "review.h"

#define PAGE_SIZE 25
#define SAMPLE_SIZE 100 /* answers in an audit sample */
#define EXCERPT 200     /* bytes of an answer shown in a list */

/* The audit sample's seed for this account: the same sample at every visit. */
static unsigned long sample_seed(const struct req *r)
{
	unsigned long long x = (unsigned long long)r->sess.account_id * 0x9E3779B97F4A7C15ULL;

	x ^= x >> 29;
	return (unsigned long)(x & 0xffffffffUL);
}

/* Up to EXCERPT bytes of the n at `s`, cut between characters, escaped. */
static void excerpt(struct html *h, const char *s, size_t n)
{
	size_t cut = n > EXCERPT ? EXCERPT : n;
	char *c;

	while (cut < n && cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	if (!(c = strndup(s, cut))) {
		h->oom = 1;
		return;
	}
	html_esc(h, c);
	free(c);
	if (cut < n)
		html_raw(h, "&hellip;");
}

/* "A;B" as "A, B"; "none" when empty. */
static void codes(struct html *h, const char *list)
{
	if (!list || !*list) {
		html_raw(h, "none");
		return;
	}
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ";");
		char *c = strndup(p, k);

		if (!c) {
			h->oom = 1;
			return;
		}
		if (p != list)
			html_raw(h, ", ");
		html_esc(h, c);
		free(c);
		p += k;
		if (*p)
			p++;
	}
}

/* The queue links, the theme chooser, and what is not offered. */
static int queue_nav(struct req *r, const char *theme, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc;

	html_raw(h, "<nav aria-label=\"Review queues\">\n<ul class=\"links\">\n"
		    "<li><a href=\"/review?queue=untagged\">Answers with no theme</a></li>\n"
		    "<li><a href=\"/review?queue=sample\">A random sample for audit</a></li>\n"
		    "<li><a href=\"/review/progress\">Progress of the review</a></li>\n"
		    "</ul>\n</nav>\n"
		    "<form method=\"get\" action=\"/review\">\n"
		    "<input type=\"hidden\" name=\"queue\" value=\"theme\">\n<div class=\"field\">\n"
		    "<label for=\"theme\">One theme's answers</label>\n"
		    "<select class=\"select\" id=\"theme\" name=\"theme\">\n");
	if (!(st = db_prepare(r->db, "SELECT h.code, h.label, h.depth FROM theme h JOIN ruleset s "
				     "ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 ORDER BY "
				     "h.position", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);

		html_raw(h, "<option value=\"");
		html_esc(h, code);
		html_raw(h, theme && !strcmp(theme, code) ? "\" selected>" : "\">");
		for (int d = 1; d < sqlite3_column_int(st, 2); d++)
			html_raw(h, "- ");
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, "</option>\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "listing the themes", e);
	html_raw(h, "</select>\n</div>\n<button class=\"button\" type=\"submit\">Show the theme's "
		    "answers</button>\n</form>\n"
		    "<p class=\"hint\">Answers the rules and a hand-coded sample disagree on are not "
		    "listed here: the coded sample is a file, not kept in the database. Run "
		    "<code>analyser review list DB --disagree FILE</code> or "
		    "<code>analyser evaluate</code> with it.</p>\n");
	return 0;
}

/*
 * One page of a queue: the rows from `from` (0-based). The queue is read only
 * up to one answer past the page, so a page costs what comes before it, not
 * the whole queue; the progress page (page_review_progress.c) gives totals.
 */
struct listing {
	struct req *r;
	struct redactor *rd;
	long from, seen;
};

static int list_row(const struct review_item *it, void *ctx)
{
	struct listing *l = ctx;
	struct html *h = &l->r->body;

	if (l->seen++ < l->from)
		return 0;
	if (l->seen > l->from + PAGE_SIZE)
		return 1; /* one more than the page: there is a next page, and no need to read on */
	if (l->seen == l->from + 1)
		html_raw(h, "<div class=\"table-wrap\">\n<table class=\"table review-table\">\n"
			    "<caption>Answers</caption>\n<thead><tr><th scope=\"col\">Answer</th>"
			    "<th scope=\"col\">What was written</th><th scope=\"col\">Themes "
			    "now</th><th scope=\"col\">Reviewed</th></tr></thead>\n<tbody>\n");
	html_fmt(h, "<tr><td><a href=\"/review/response?id=%lld#a-%lld\">Response %lld, ",
		 (long long)it->response_id, (long long)it->answer_id, (long long)it->response_id);
	html_esc(h, it->question);
	html_raw(h, "</a></td><td>");
	{
		/* Redacted as `analyser review list --text` shows it. */
		char *red = redactor_apply(l->rd, it->text, it->text_len, NULL);

		if (!red) {
			h->oom = 1;
			return 0;
		}
		excerpt(h, red, strlen(red));
		free(red);
	}
	html_raw(h, "</td><td>");
	codes(h, it->themes);
	if (it->decisions)
		html_fmt(h, " (%d decided)", it->decisions);
	html_raw(h, "</td><td>");
	html_raw(h, it->reviewed_by ? "yes" : "not yet");
	html_raw(h, "</td></tr>\n");
	return 0;
}

static int list_page(struct req *r, const struct review_query *q, const char *name,
		     const char *theme, long page, struct err *e)
{
	struct html *h = &r->body;
	struct listing l = { .r = r, .from = (page - 1) * PAGE_SIZE };
	int rc, more;

	if (!(l.rd = redactor_new(e)))
		return -1;
	rc = review_list(r->db, r->cfg->exercise_id, q, list_row, &l, e);
	redactor_free(l.rd);
	if (rc < 0)
		return -1;
	more = l.seen > l.from + PAGE_SIZE;
	if (l.seen > l.from) {
		html_raw(h, "</tbody>\n</table>\n</div>\n");
		html_fmt(h, "<p>Page %ld: answers %ld to %ld%s.</p>\n", page, l.from + 1,
			 more ? l.from + PAGE_SIZE : l.seen, more ? "" : ", the last");
	} else {
		html_raw(h, page > 1 ? "<p>There are no answers on this page.</p>\n"
				     : "<p>There are no answers in this queue.</p>\n");
	}
	if (page > 1 || more) {
		struct html t = { 0 };

		html_url(&t, theme ? theme : "");
		html_raw(h, "<nav aria-label=\"Pages\">\n<ul class=\"pages\">\n");
		if (page > 1)
			html_fmt(h, "<li><a href=\"/review?queue=%s&amp;theme=%s&amp;page=%ld\">"
				    "Previous page<span class=\"hidden\"> (%ld)</span></a></li>\n",
				 name, t.s ? t.s : "", page - 1, page - 1);
		if (more)
			html_fmt(h, "<li><a href=\"/review?queue=%s&amp;theme=%s&amp;page=%ld\">"
				    "Next page<span class=\"hidden\"> (%ld)</span></a></li>\n",
				 name, t.s ? t.s : "", page + 1, page + 1);
		html_raw(h, "</ul>\n</nav>\n");
		html_free(&t);
	}
	return 0;
}

int page_review(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	const char *queue = req_query(r, "queue"), *theme = req_query(r, "theme");
	const char *ps = req_query(r, "page");
	long page = ps ? form_whole(ps, 100000) : 1;
	struct review_query q = { .queue = REVIEW_QUEUE_UNTAGGED };
	char label[300] = "";

	if (!queue || !strcmp(queue, "untagged")) {
		queue = "untagged";
	} else if (!strcmp(queue, "sample")) {
		q.queue = REVIEW_QUEUE_SAMPLE;
		q.seed = sample_seed(r);
		q.limit = SAMPLE_SIZE;
	} else if (!strcmp(queue, "theme")) {
		q.queue = REVIEW_QUEUE_THEME;
		q.theme = theme;
	} else {
		return err_set(e, EXIT_DATA, "queue: untagged, sample or theme");
	}
	if (!page)
		return err_set(e, EXIT_DATA, "page: a whole number from 1");
	if (q.queue == REVIEW_QUEUE_THEME) {
		sqlite3_stmt *st;
		int rc;

		if (!theme || !*theme)
			return err_set(e, EXIT_DATA, "theme: say which theme");
		if (!(st = db_prepare(r->db, "SELECT h.label FROM theme h JOIN ruleset s ON s.id = "
					     "h.ruleset_id WHERE s.exercise_id = ?1 AND h.code = ?2",
				      e)))
			return -1;
		sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
		sqlite3_bind_text(st, 2, theme, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			snprintf(label, sizeof label, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(r->db, "reading the themes", e);
		if (rc == SQLITE_DONE)
			return err_set(e, EXIT_DATA, "theme: the rule set has no such theme");
	}
	page_begin(r, q.queue == REVIEW_QUEUE_UNTAGGED ? "Review: answers with no theme" :
		      q.queue == REVIEW_QUEUE_SAMPLE ? "Review: a random sample" :
		      "Review: one theme");
	html_raw(h, "<h1>");
	if (q.queue == REVIEW_QUEUE_THEME) {
		html_raw(h, "Answers with the theme ");
		html_esc(h, label);
	} else {
		html_raw(h, q.queue == REVIEW_QUEUE_UNTAGGED ? "Answers with no theme" :
			    "A random sample of answers, for audit");
	}
	html_raw(h, "</h1>\n");
	if (q.queue == REVIEW_QUEUE_UNTAGGED)
		html_raw(h, "<p>Free-text answers that carry no theme as counted now, after the "
			    "decisions made so far. Open one to add the themes the rules "
			    "missed.</p>\n");
	else if (q.queue == REVIEW_QUEUE_SAMPLE)
		html_fmt(h, "<p>%d answers drawn at random for your account: the same answers in the "
			    "same order each time you come back, so work from the top.</p>\n",
			 SAMPLE_SIZE);
	else
		html_raw(h, "<p>Answers that carry this theme or one of its sub-themes as counted "
			    "now: by the rules, unless a decision removed it, or by a decision.</p>\n");
	if (list_page(r, &q, queue, theme, page, e) < 0)
		return -1;
	html_raw(h, "<h2>Other queues</h2>\n");
	if (queue_nav(r, theme, e) < 0)
		return -1;
	page_end(r);
	return 0;
}
