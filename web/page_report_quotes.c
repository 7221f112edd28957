/*
 * page_report_quotes.c: comms staff choose the quotes of one theme. The
 * candidates are the answers report_quote_candidates() offers: tagged with
 * the theme, redacted, and never from a cell disclosure control hides. Each
 * is shown as it would be published, with what redaction took out marked,
 * to approve or to reject with a reason. Approving freezes the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "ledger.h"
#include "page.h"
#include "page_report.h"
#include "pages.h"
#include "redact.h"

#define SHOWN_MAX 100

/* The text with each redaction tag ("[name]", "[phone]", ...) in <mark>. */
static void marked(struct html *h, const char *s)
{
	while (*s) {
		const char *open = strchr(s, '['), *tag = NULL;
		size_t k;

		for (; open; open = strchr(open + 1, '[')) {
			for (k = REDACT_EMAIL; k <= REDACT_NAME; k++) {
				const char *t = redact_tag((enum redact_kind)k);

				if (!strncmp(open, t, strlen(t))) {
					tag = t;
					break;
				}
			}
			if (tag)
				break;
		}
		if (!open) {
			html_esc(h, s);
			return;
		}
		{
			char *before = strndup(s, (size_t)(open - s));

			html_esc(h, before);
			free(before);
		}
		html_raw(h, "<mark>");
		html_esc(h, tag);
		html_raw(h, "<span class=\"hidden\"> (taken out)</span></mark>");
		s = open + strlen(tag);
	}
}

struct listing {
	struct req *r;
	const char *theme;
	int n, approved;
};

static int show_one(const struct report_candidate *c, void *ctx)
{
	struct listing *l = ctx;
	struct html *h = &l->r->body;
	long long a = c->answer;

	if (l->n++ >= SHOWN_MAX)
		return 1;
	l->approved += c->decision && !strcmp(c->decision, "approved");
	html_fmt(h, "<div class=\"candidate\" id=\"q-%lld\">\n<h3 class=\"hidden\">Quote %d</h3>\n"
		    "<blockquote><p>", a, l->n);
	marked(h, c->text);
	html_raw(h, "</p></blockquote>\n<p class=\"hint\">");
	if (*c->place) {
		html_raw(h, "Someone in ");
		html_esc(h, c->place);
	} else {
		html_raw(h, "Someone who took part");
	}
	html_raw(h, c->polarity == 0 ? ", asked what works well" :
		    c->polarity == 1 ? ", asked what could be better" : "");
	html_raw(h, ".</p>\n<p><strong>");
	if (!c->decision) {
		html_raw(h, "Not decided yet.");
	} else if (!strcmp(c->decision, "approved")) {
		html_raw(h, "Approved: it will be published.");
	} else {
		html_raw(h, "Rejected: ");
		html_esc(h, c->reason);
	}
	html_raw(h, "</strong></p>\n<form method=\"post\" action=\"/report/quotes\">\n");
	page_csrf(l->r);
	html_raw(h, "<input type=\"hidden\" name=\"theme\" value=\"");
	html_esc(h, l->theme);
	html_fmt(h, "\">\n<input type=\"hidden\" name=\"answer\" value=\"%lld\">\n", a);
	if (!c->decision || strcmp(c->decision, "approved"))
		html_fmt(h, "<button class=\"button\" type=\"submit\" name=\"decision\" "
			    "value=\"approve\">Approve quote %d</button>\n", l->n);
	html_fmt(h, "<div class=\"field\">\n<label for=\"reason-%lld\">Why reject quote %d"
		    "</label>\n<input class=\"input\" type=\"text\" id=\"reason-%lld\" "
		    "name=\"reason\">\n</div>\n<button class=\"button button-secondary\" "
		    "type=\"submit\" name=\"decision\" value=\"reject\">Reject quote %d</button>\n"
		    "</form>\n</div>\n", a, l->n, a, l->n);
	return 0;
}

static int show(struct req *r, const char *theme, const char *problem, long long answer,
		struct err *e)
{
	struct html *h = &r->body;
	struct report_options opt;
	struct listing l = { .r = r, .theme = theme };
	char label[300], field[48];
	struct page_problem p = { field, problem };
	int rc;

	if (page_report_theme_label(r, theme, label, sizeof label, e) < 0)
		return -1;
	if (!*label)
		return err_set(e, EXIT_DATA, "theme: the rule set has no such theme");
	snprintf(field, sizeof field, "reason-%lld", answer);
	if (problem)
		r->status = 400;
	page_begin(r, problem ? "Error: Quotes" : "Quotes");
	page_error_summary(r, &p, problem ? 1 : 0);
	html_raw(h, "<h1>Quotes: ");
	html_esc(h, label);
	html_fmt(h, "</h1>\n<p>Only quotes you approve are published, at most %d for a theme, in "
		    "the order you approve them. Names, e-mail addresses, phone numbers, NHS numbers "
		    "and postcodes are taken out already: <mark>marked</mark> like this. Answers from "
		    "places where the numbers are hidden to protect people are never offered.</p>\n",
		 REPORT_QUOTES);
	page_report_options(&opt);
	/* Hidden as the page would hide them, earlier publications included; nothing is recorded. */
	if (!(opt.ledger = ledger_open(r->db, r->cfg->exercise_id, &opt.rule, e)))
		return -1;
	rc = report_quote_candidates(r->db, r->cfg->exercise_id, &opt, theme, show_one, &l, e);
	ledger_free(opt.ledger);
	if (rc < 0)
		return -1;
	if (!l.n)
		html_raw(h, "<p>There are no answers to quote for this theme.</p>\n");
	else if (l.n > SHOWN_MAX)
		html_fmt(h, "<p>The first %d answers are shown.</p>\n", SHOWN_MAX);
	html_raw(h, "<p><a href=\"/report\">Back to the report</a></p>\n");
	page_end(r);
	return 0;
}

int page_report_quotes(struct req *r, struct err *e)
{
	const char *theme = req_query(r, "theme");

	if (!theme || !*theme)
		return err_set(e, EXIT_DATA, "the address does not say which theme");
	return show(r, theme, NULL, 0, e);
}

/* Finds the answer *ctx among the candidates: *ctx becomes its negative when found. */
static int is_answer(const struct report_candidate *c, void *ctx)
{
	long long *a = ctx;

	if (c->answer != *a)
		return 0;
	*a = -*a;
	return 1;
}

static int quotes_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "theme") || !strcmp(name, "answer") ||
	       !strcmp(name, "decision") || !strcmp(name, "reason");
}

int page_report_quotes_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *theme = form_get(f, "theme"), *decision = form_get(f, "decision");
	const char *reason = form_get(f, "reason"), *a = form_get(f, "answer");
	struct report_options opt;
	char object[64], *end, location[400];
	long long answer, want;
	int reject, rc;

	if (form_check(f, quotes_field, NULL, &bad) < 0 || !theme || !decision || !a)
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	want = answer = strtoll(a, &end, 10);
	if (*end || answer < 1)
		return err_set(e, EXIT_DATA, "field answer: not an answer's number");
	if (strcmp(decision, "approve") && strcmp(decision, "reject"))
		return err_set(e, EXIT_DATA, "field decision: approve or reject");
	reject = !strcmp(decision, "reject");
	if (reject && (!reason || !reason[strspn(reason, " \t\r\n")]))
		return show(r, theme, "Say why you reject the quote.", answer, e);
	if (reason && strlen(reason) > 500)
		return show(r, theme, "Keep the reason under 500 characters.", answer, e);
	page_report_options(&opt);
	web_write_lock();
	/*
	 * Offered under disclosure control as the page would apply it, earlier
	 * publications included (the ledger, read and not recorded); then the
	 * decision, in its own transaction.
	 */
	if (!(opt.ledger = ledger_open(r->db, r->cfg->exercise_id, &opt.rule, e))) {
		web_write_unlock();
		return -1;
	}
	rc = report_quote_candidates(r->db, r->cfg->exercise_id, &opt, theme, is_answer, &answer,
				     e);
	ledger_free(opt.ledger);
	opt.ledger = NULL;
	if (rc == 0 && answer > 0)
		rc = err_set(e, EXIT_DATA, "That answer cannot be quoted for this theme: it is not "
			     "tagged with it, or comes from a place where the numbers are hidden.");
	answer = -answer;
	if (rc == 0)
		rc = report_quote_decide(r->db, r->cfg->exercise_id, &opt, theme, answer,
					 reject ? reason : NULL, r->sess.name, e);
	snprintf(object, sizeof object, "answer %lld", answer);
	if (rc == 0)
		rc = audit_log(r->db, r->sess.name, r->address,
			       reject ? "quote-reject" : "quote-approve", object, e);
	web_write_unlock();
	if (rc < 0) {
		char msg[400];

		if (e->code != EXIT_DATA)
			return -1;
		snprintf(msg, sizeof msg, "%s", err_first(e));
		err_init(e);
		return show(r, theme, msg, want, e);
	}
	{
		struct html u = { 0 };

		html_url(&u, theme);
		snprintf(location, sizeof location, "/report/quotes?theme=%s#q-%lld",
			 u.s ? u.s : "", answer);
		html_free(&u);
	}
	req_redirect(r, location);
	return 0;
}
