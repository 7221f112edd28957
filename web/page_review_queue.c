/*
 * page_review_queue.c: the analysts' lists of answers to review, a page at
 * a time, read through analyser/review.h as `analyser review list` reads
 * them. The queues:
 * answers with no theme as counted (after the decisions), a random sample
 * for audit (the same answers in the same order for the same account every
 * time), one theme's answers (with its sub-themes, as counted), and the
 * answers a coded sample stored in the database (page_review_samples.c)
 * and the tags disagree on, theme by theme: missed (the sample has it, the
 * tags do not) and extra (the other way), against the tags as counted or,
 * when asked, the rules' alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coded_sample.h"
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

/* A stored sample as a link to its queue of disagreements. */
static int sample_link(const struct sample_info *s, void *ctx)
{
	struct html *h = ctx;

	html_raw(h, "<li><a href=\"/review?queue=disagree&amp;sample=");
	html_url(h, s->name);
	html_raw(h, "\">Disagreements with coded sample ");
	html_esc(h, s->name);
	html_raw(h, "</a></li>\n");
	return 0;
}

/* The queue links, the coded samples' queues, the theme chooser. */
static int queue_nav(struct req *r, const char *theme, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc;

	html_raw(h, "<nav aria-label=\"Review queues\">\n<ul class=\"links\">\n"
		    "<li><a href=\"/review?queue=untagged\">Answers with no theme</a></li>\n"
		    "<li><a href=\"/review?queue=sample\">A random sample for audit</a></li>\n"
		    "<li><a href=\"/review/progress\">Progress of the review</a></li>\n"
		    "<li><a href=\"/review/samples\">Coded samples: load one, or drop one</a></li>\n");
	if (sample_each(r->db, r->cfg->exercise_id, sample_link, h, e) < 0)
		return -1;
	html_raw(h, "</ul>\n</nav>\n"
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
		    "answers</button>\n</form>\n");
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
	int gold;       /* the disagreement queue: missed and extra themes */
};

/* The codes of "+A -B +C" with sign `sign`, as codes() shows them. */
static void signed_codes(struct html *h, const char *what, char sign)
{
	struct html list = { 0 };

	for (const char *p = what; p && *p;) {
		size_t k = strcspn(p, " ");

		if (*p == sign && k > 1) {
			char *c = strndup(p + 1, k - 1);

			if (!c) {
				h->oom = 1;
				break;
			}
			if (list.n)
				html_raw(&list, ";");
			html_raw(&list, c);
			free(c);
		}
		p += k;
		while (*p == ' ')
			p++;
	}
	h->oom |= list.oom;
	codes(h, list.s);
	html_free(&list);
}

static int list_row(const struct review_item *it, void *ctx)
{
	struct listing *l = ctx;
	struct html *h = &l->r->body;

	if (l->seen++ < l->from)
		return 0;
	if (l->seen > l->from + PAGE_SIZE)
		return 1; /* one more than the page: there is a next page, and no need to read on */
	if (l->seen == l->from + 1) {
		html_raw(h, "<div class=\"table-wrap\">\n<table class=\"table review-table\">\n"
			    "<caption>Answers</caption>\n<thead><tr><th scope=\"col\">Answer</th>"
			    "<th scope=\"col\">What was written</th><th scope=\"col\">Themes "
			    "now</th>");
		if (l->gold)
			html_raw(h, "<th scope=\"col\">Missed: the sample has it, the tags do not"
				    "</th><th scope=\"col\">Extra: the tags have it, the sample "
				    "does not</th>");
		html_raw(h, "<th scope=\"col\">Reviewed</th></tr></thead>\n<tbody>\n");
	}
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
	if (it->gold_note) {
		/* The coder's words about the answer: personal data, redacted as the text is. */
		char *red = redactor_apply(l->rd, it->gold_note, strlen(it->gold_note), NULL);

		if (!red) {
			h->oom = 1;
			return 0;
		}
		html_raw(h, "<br><span class=\"hint\">Coder's note: ");
		excerpt(h, red, strlen(red));
		html_raw(h, "</span>");
		free(red);
	}
	html_raw(h, "</td><td>");
	codes(h, it->themes);
	if (it->decisions)
		html_fmt(h, " (%d decided)", it->decisions);
	if (l->gold) {
		html_raw(h, "</td><td>");
		signed_codes(h, it->gold_differs, '+');
		html_raw(h, "</td><td>");
		signed_codes(h, it->gold_differs, '-');
	}
	html_raw(h, "</td><td>");
	html_raw(h, it->reviewed_by ? "yes" : "not yet");
	html_raw(h, "</td></tr>\n");
	return 0;
}

/*
 * The page of queue `q`; `base` is the queue's address, ready for an
 * attribute (escaped), for the links to the pages before and after.
 */
static int list_page(struct req *r, const struct review_query *q, const char *base, long page,
		     struct err *e)
{
	struct html *h = &r->body;
	struct listing l = { .r = r, .from = (page - 1) * PAGE_SIZE,
			     .gold = q->queue == REVIEW_QUEUE_GOLD };
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
		html_raw(h, "<nav aria-label=\"Pages\">\n<ul class=\"pages\">\n");
		/* The address apart: a sample's name can make it long. */
		if (page > 1) {
			html_raw(h, "<li><a href=\"");
			html_raw(h, base);
			html_fmt(h, "&amp;page=%ld\">Previous page<span class=\"hidden\"> (%ld)"
				    "</span></a></li>\n", page - 1, page - 1);
		}
		if (more) {
			html_raw(h, "<li><a href=\"");
			html_raw(h, base);
			html_fmt(h, "&amp;page=%ld\">Next page<span class=\"hidden\"> (%ld)</span>"
				    "</a></li>\n", page + 1, page + 1);
		}
		html_raw(h, "</ul>\n</nav>\n");
	}
	return 0;
}

int page_review(struct req *r, struct err *e)
{
	struct html *h = &r->body, base = { 0 };
	const char *queue = req_query(r, "queue"), *theme = req_query(r, "theme");
	const char *sample = req_query(r, "sample"), *rules = req_query(r, "rules");
	const char *ps = req_query(r, "page");
	long page = ps ? form_whole(ps, 100000) : 1;
	struct review_query q = { .queue = REVIEW_QUEUE_UNTAGGED };
	char label[300] = "";
	int rc;

	if (!queue || !strcmp(queue, "untagged")) {
		queue = "untagged";
	} else if (!strcmp(queue, "sample")) {
		q.queue = REVIEW_QUEUE_SAMPLE;
		q.seed = sample_seed(r);
		q.limit = SAMPLE_SIZE;
	} else if (!strcmp(queue, "theme")) {
		q.queue = REVIEW_QUEUE_THEME;
		q.theme = theme;
	} else if (!strcmp(queue, "disagree")) {
		q.queue = REVIEW_QUEUE_GOLD;
		q.sample = sample;
		q.rules_only = rules && !strcmp(rules, "only");
	} else {
		return err_set(e, EXIT_DATA, "queue: untagged, sample, theme or disagree");
	}
	if (!page)
		return err_set(e, EXIT_DATA, "page: a whole number from 1");
	if (q.queue == REVIEW_QUEUE_THEME) {
		sqlite3_stmt *st;

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
	if (q.queue == REVIEW_QUEUE_GOLD) {
		long long id;

		if (!sample || !*sample)
			return err_set(e, EXIT_DATA, "sample: say which coded sample");
		if ((rc = sample_find(r->db, r->cfg->exercise_id, sample, &id, e)) < 0)
			return -1;
		if (!rc)
			return err_set(e, EXIT_DATA, "sample: no coded sample of that name is stored");
	}
	/* The queue's address, for its pages' links. */
	html_fmt(&base, "/review?queue=%s", queue);
	if (q.queue == REVIEW_QUEUE_THEME) {
		html_raw(&base, "&amp;theme=");
		html_url(&base, theme);
	} else if (q.queue == REVIEW_QUEUE_GOLD) {
		html_raw(&base, "&amp;sample=");
		html_url(&base, sample);
		if (q.rules_only)
			html_raw(&base, "&amp;rules=only");
	}
	if (base.oom) {
		html_free(&base);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	page_begin(r, q.queue == REVIEW_QUEUE_UNTAGGED ? "Review: answers with no theme" :
		      q.queue == REVIEW_QUEUE_SAMPLE ? "Review: a random sample" :
		      q.queue == REVIEW_QUEUE_GOLD ? "Review: disagreements with a coded sample" :
		      "Review: one theme");
	html_raw(h, "<h1>");
	if (q.queue == REVIEW_QUEUE_THEME) {
		html_raw(h, "Answers with the theme ");
		html_esc(h, label);
	} else if (q.queue == REVIEW_QUEUE_GOLD) {
		html_raw(h, "Disagreements with coded sample ");
		html_esc(h, sample);
	} else {
		html_raw(h, q.queue == REVIEW_QUEUE_UNTAGGED ? "Answers with no theme" :
			    "A random sample of answers, for audit");
	}
	html_raw(h, "</h1>\n");
	if (q.queue == REVIEW_QUEUE_UNTAGGED) {
		html_raw(h, "<p>Free-text answers that carry no theme as counted now, after the "
			    "decisions made so far. Open one to add the themes the rules "
			    "missed.</p>\n");
	} else if (q.queue == REVIEW_QUEUE_SAMPLE) {
		html_fmt(h, "<p>%d answers drawn at random for your account: the same answers in the "
			    "same order each time you come back, so work from the top.</p>\n",
			 SAMPLE_SIZE);
	} else if (q.queue == REVIEW_QUEUE_GOLD) {
		html_raw(h, q.rules_only
			 ? "<p>The answers of the coded responses where the coders and <strong>the "
			   "rules alone</strong> (without the decisions made in review) give the "
			   "response different themes. "
			 : "<p>The answers of the coded responses where the coders and the tags as "
			   "counted now (<strong>the rules with the decisions made in review</strong>) "
			   "give the response different themes. ");
		html_raw(h, "A sub-theme counts toward its main theme on both sides. The coders "
			    "code whole responses, so each answer of such a response is listed.</p>\n"
			    "<p><a href=\"/review?queue=disagree&amp;sample=");
		html_url(h, sample);
		html_raw(h, q.rules_only ? "\">Compare with the rules and the decisions instead</a>"
				       : "&amp;rules=only\">Compare with the rules alone instead</a>");
		html_raw(h, "</p>\n");
	} else {
		html_raw(h, "<p>Answers that carry this theme or one of its sub-themes as counted "
			    "now: by the rules, unless a decision removed it, or by a decision.</p>\n");
	}
	rc = list_page(r, &q, base.s, page, e);
	html_free(&base);
	if (rc < 0)
		return -1;
	html_raw(h, "<h2>Other queues</h2>\n");
	if (queue_nav(r, theme, e) < 0)
		return -1;
	page_end(r);
	return 0;
}
