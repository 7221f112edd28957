/*
 * page_resolve.c: a supervisor settles the differences between two
 * officers' entries of a form: keep the first, take the second, or type a
 * correction (checked as the terminal checks it), through entry_resolve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "entry.h"
#include "page.h"
#include "pages.h"

static void pending_form(struct req *r, const struct entry_pending *p)
{
	struct html *h = &r->body;

	html_raw(h, "<h2>Form ");
	html_esc(h, p->serial);
	html_raw(h, "</h2>\n<p>Event ");
	html_esc(h, p->event);
	html_raw(h, ". First entry by ");
	html_esc(h, p->first_officer);
	html_raw(h, ", second by ");
	html_esc(h, p->second_officer);
	html_raw(h, ".</p>\n");
	for (size_t i = 0; i < p->ndiffs; i++) {
		const struct entry_pending_diff *d = &p->diffs[i];
		char id[64];

		snprintf(id, sizeof id, "c-%lld-%lld", p->response_id, d->question_id);
		html_raw(h, "<form class=\"diff\" method=\"post\" action=\"/resolve\">\n");
		page_csrf(r);
		html_fmt(h, "<input type=\"hidden\" name=\"response\" value=\"%lld\">\n"
			    "<input type=\"hidden\" name=\"question\" value=\"%lld\">\n",
			 p->response_id, d->question_id);
		html_raw(h, "<table class=\"table\">\n<caption>Question ");
		html_esc(h, d->code);
		html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">First entry</th><th scope=\"col\">"
			    "Second entry</th></tr></thead>\n<tbody><tr><td>");
		html_esc(h, d->first);
		html_raw(h, "</td><td>");
		html_esc(h, d->second);
		html_raw(h, "</td></tr></tbody>\n</table>\n<div class=\"buttons\">\n"
			    "<button class=\"button\" type=\"submit\" name=\"choice\" value=\"first\">"
			    "Keep the first</button>\n<button class=\"button\" type=\"submit\" "
			    "name=\"choice\" value=\"second\">Take the second</button>\n</div>\n"
			    "<div class=\"field\">\n<label for=\"");
		html_esc(h, id);
		html_raw(h, "\">Or type what the paper form says</label>\n<input class=\"input\" "
			    "type=\"text\" name=\"correction\" id=\"");
		html_esc(h, id);
		html_raw(h, "\">\n</div>\n<button class=\"button button-secondary\" type=\"submit\" "
			    "name=\"choice\" value=\"correction\">Save the correction</button>\n"
			    "</form>\n");
	}
}

static int show(struct req *r, const char *problem, struct err *e)
{
	struct html *h = &r->body;
	struct entry_pending *p = NULL;
	size_t n = 0;

	if (entry_pending_list(r->db, r->cfg->exercise_id, NULL, &p, &n, e) < 0)
		return -1;
	page_begin(r, problem ? "Error: Settle differences" : "Settle differences");
	if (problem) {
		html_raw(h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n"
			    "<h2>There is a problem</h2>\n<p>");
		html_esc(h, problem);
		html_raw(h, "</p>\n</div>\n");
	}
	html_raw(h, "<h1>Settle differences</h1>\n");
	if (!n)
		html_raw(h, "<p>There are no differences to settle.</p>\n");
	for (size_t i = 0; i < n; i++)
		pending_form(r, &p[i]);
	entry_pending_free(p, n);
	page_end(r);
	return 0;
}

int page_resolve_list(struct req *r, struct err *e)
{
	return show(r, NULL, e);
}

static int resolve_field(const char *name, void *ctx)
{
	static const char *const ok[] = { "csrf", "response", "question", "choice", "correction",
					  NULL };

	(void)ctx;
	for (const char *const *f = ok; *f; f++)
		if (!strcmp(name, *f))
			return 1;
	return 0;
}

static long long number(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v < 1 ? 0 : v;
}

int page_resolve_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *choice = form_get(f, "choice"), *text = form_get(f, "correction");
	long long rid = number(form_get(f, "response")), qid = number(form_get(f, "question"));
	struct entry_pending *p = NULL;
	struct entry_form *form = NULL;
	const struct entry_question *q;
	struct entry_answer corr = { 0 };
	enum entry_choice ch;
	char why[ENTRY_WHY_MAX] = "", object[80];
	size_t n = 0;
	int rc = -1, verified = 0, done;
	const char *variant = NULL;

	if (form_check(f, resolve_field, NULL, &bad) < 0 || !rid || !qid || !choice)
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	if (!strcmp(choice, "first"))
		ch = ENTRY_KEEP_FIRST;
	else if (!strcmp(choice, "second"))
		ch = ENTRY_TAKE_SECOND;
	else if (!strcmp(choice, "correction"))
		ch = ENTRY_CORRECTION;
	else
		return err_set(e, EXIT_DATA, "the choice is first, second or correction");
	/* Only a form of this exercise that still has differences. */
	if (entry_pending_list(r->db, r->cfg->exercise_id, NULL, &p, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (p[i].response_id == rid)
			variant = p[i].variant;
	if (!variant) {
		entry_pending_free(p, n);
		return show(r, "That form has no differences left to settle: someone may have "
			       "settled them meanwhile.", e);
	}
	if (!(form = entry_form_load(r->db, r->cfg->exercise_id, variant, e)))
		goto out;
	if (!(q = entry_form_find_id(form, qid))) {
		err_set(e, EXIT_DATA, "that question is not on the form");
		goto out;
	}
	if (ch == ENTRY_CORRECTION) {
		enum entry_input in = entry_parse(q, text ? text : "", &corr, why, sizeof why);

		if (in != ENTRY_INPUT_ANSWER) {
			if (in != ENTRY_INPUT_ERROR)
				snprintf(why, sizeof why, "Type the answer the paper form gives.");
			rc = show(r, why, e);
			goto out;
		}
	}
	done = entry_resolve(r->db, r->cfg->exercise_id, rid, q, ch,
			     ch == ENTRY_CORRECTION ? &corr : NULL, r->sess.name, &verified, why,
			     sizeof why, e);
	if (done < 0)
		goto out;
	if (!done) {
		rc = show(r, why, e);
		goto out;
	}
	snprintf(object, sizeof object, "response %lld question %lld", rid, qid);
	if (audit_log(r->db, r->sess.name, r->address, "resolve", object, e) < 0)
		goto out;
	req_redirect(r, "/resolve");
	rc = 0;
out:
	entry_answer_clear(&corr);
	entry_form_free(form);
	entry_pending_free(p, n);
	return rc;
}
