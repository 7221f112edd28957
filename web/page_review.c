/*
 * page_review.c: an analyst reviews the tags of one response. Every
 * free-text answer is shown with the words the rules matched marked, and
 * each theme with the rule that fired and the latest decision on it; the
 * analyst accepts or removes a tag, adds a theme the rules missed (with an
 * optional reason) and marks the answer reviewed. Every change goes
 * through analyser/review.h, as `analyser review` does; the rules' own
 * tags are never changed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "page.h"
#include "pages.h"
#include "review.h"
#include "review_view.h"

#define SPANS_MAX 64
#define REASON_MAX 500 /* characters, as the field's maxlength counts them (near enough) */

struct span {
	long long start, end;
};

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* n bytes of `s`, escaped. */
static void esc_n(struct html *h, const char *s, size_t n)
{
	char *c = strndup(s, n);

	if (!c) {
		h->oom = 1;
		return;
	}
	html_esc(h, c);
	free(c);
}

/*
 * The answer's text, escaped, with every matched span in <mark> (overlaps
 * merged) and said in words for those who cannot see the colour.
 */
static void marked_text(struct html *h, const char *text, size_t n, struct span *sp, size_t ns)
{
	size_t at = 0;

	qsort(sp, ns, sizeof *sp, by_start);
	for (size_t i = 0; i < ns; i++) {
		long long s = sp[i].start, end = sp[i].end;

		while (i + 1 < ns && sp[i + 1].start <= end) {
			if (sp[i + 1].end > end)
				end = sp[i + 1].end;
			i++;
		}
		if (s < (long long)at || end > (long long)n || s >= end)
			continue;
		esc_n(h, text + at, (size_t)s - at);
		html_raw(h, "<mark><span class=\"hidden\">matched: </span>");
		esc_n(h, text + s, (size_t)(end - s));
		html_raw(h, "<span class=\"hidden\"> (end of match)</span></mark>");
		at = (size_t)end;
	}
	esc_n(h, text + at, n - at);
}

struct answer_view {
	struct req *r;
	long long answer;
	int number;            /* of the answer on the page, from 1 */
	const char *text;
	size_t n;
	struct span sp[SPANS_MAX];
	size_t ns;
	int themes, gone;
};

static int collect_spans(const struct review_theme *t, void *ctx)
{
	struct answer_view *v = ctx;

	if (t->rule && t->start >= 0 && v->ns < SPANS_MAX) {
		v->sp[v->ns].start = t->start;
		v->sp[v->ns].end = t->end;
		v->ns++;
	}
	return 0;
}

/* A decision's form: the answer, the theme, the action, an optional reason. */
static void decide_form(struct answer_view *v, const char *code, const char *label,
			const char *action, const char *verb, int with_reason)
{
	struct html *h = &v->r->body;

	html_raw(h, "<form class=\"review-form\" method=\"post\" action=\"/review/decide\">\n");
	page_csrf(v->r);
	html_fmt(h, "<input type=\"hidden\" name=\"answer\" value=\"%lld\">\n", v->answer);
	html_raw(h, "<input type=\"hidden\" name=\"theme\" value=\"");
	html_esc(h, code);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"action\" value=\"");
	html_raw(h, action);
	html_raw(h, "\">\n");
	if (with_reason) {
		html_fmt(h, "<div class=\"field\">\n<label for=\"reason-%lld-%s-", v->answer, action);
		html_esc(h, code);
		html_raw(h, "\">Reason (optional)<span class=\"hidden\">, ");
		html_esc(h, label);
		html_fmt(h, ", answer %d</span></label>\n<input class=\"input\" type=\"text\" "
			    "name=\"reason\" maxlength=\"%d\" id=\"reason-%lld-%s-",
			 v->number, REASON_MAX, v->answer, action);
		html_esc(h, code);
		html_raw(h, "\">\n</div>\n");
	}
	html_raw(h, "<button class=\"button");
	html_raw(h, strcmp(action, "remove") ? "" : " button-secondary");
	html_raw(h, "\" type=\"submit\">");
	html_raw(h, verb);
	html_raw(h, "<span class=\"hidden\"> ");
	html_esc(h, label);
	html_fmt(h, " on answer %d</span></button>\n</form>\n", v->number);
}

static int show_theme(const struct review_theme *t, void *ctx)
{
	struct answer_view *v = ctx;
	struct html *h = &v->r->body;

	v->themes++;
	html_raw(h, "<li class=\"review-theme\">\n<p><strong>");
	html_esc(h, t->label);
	html_raw(h, "</strong> <span class=\"hint\">(");
	html_esc(h, t->code);
	html_raw(h, ")</span></p>\n<p>");
	if (t->rule) {
		html_raw(h, "Tagged by the rules: pattern <code>");
		html_esc(h, t->rule);
		html_raw(h, "</code>");
		if (t->start >= 0 && t->end <= (long long)v->n && t->start < t->end) {
			html_raw(h, " matched &ldquo;");
			esc_n(h, v->text + t->start, (size_t)(t->end - t->start));
			html_raw(h, "&rdquo;");
		}
		html_raw(h, ".");
	} else {
		html_raw(h, "Not tagged by the rules.");
	}
	html_raw(h, "</p>\n<p>");
	if (!t->action) {
		html_raw(h, "No decision yet.");
	} else {
		html_raw(h, !strcmp(t->action, "accept") ? "Accepted" :
			    !strcmp(t->action, "remove") ? "Removed" : "Added");
		html_raw(h, " by ");
		html_esc(h, t->reviewer);
		html_raw(h, " on ");
		html_esc(h, t->at);
		html_raw(h, " (UTC)");
		if (t->reason && *t->reason) {
			html_raw(h, ": ");
			html_esc(h, t->reason);
		}
		html_raw(h, ".");
	}
	if (t->action) {
		/* Where the decision stands against the rules as they are now. */
		int agrees = t->rule ? strcmp(t->action, "remove") != 0
				     : !strcmp(t->action, "remove");

		html_raw(h, agrees ? " The rules as they are now agree." :
			    " This overrides the rules as they are now.");
	}
	html_raw(h, "</p>\n<div class=\"buttons\">\n");
	/*
	 * review_decide(): accept a rules' tag, remove what the answer has as
	 * counted, add what it has not.
	 */
	if (t->counted && t->rule && !t->action)
		decide_form(v, t->code, t->label, "accept", "Accept", 0);
	if (t->counted)
		decide_form(v, t->code, t->label, "remove", "Remove", 1);
	else /* a removal undone: the rules' tag accepted after all, or the theme added again */
		decide_form(v, t->code, t->label, t->rule ? "accept" : "add", "Put back", 0);
	html_raw(h, "</div>\n</li>\n");
	return 0;
}

/* A decision in force on a theme the current rules no longer have. */
static int gone_decision(const struct review_decision *d, void *ctx)
{
	struct answer_view *v = ctx;
	struct html *h = &v->r->body;

	if (d->agreement != REVIEW_THEME_GONE)
		return 0;
	if (!v->gone++)
		html_raw(h, "<p>Decisions on themes the rules no longer have (they count "
			    "nowhere):</p>\n<ul>\n");
	html_raw(h, "<li><code>");
	html_esc(h, d->theme);
	html_raw(h, "</code>: ");
	html_raw(h, !strcmp(d->action, "accept") ? "accepted" :
		    !strcmp(d->action, "remove") ? "removed" : "added");
	html_raw(h, " by ");
	html_esc(h, d->reviewer);
	html_raw(h, " on ");
	html_esc(h, d->decided_at);
	html_raw(h, " (UTC).</li>\n");
	return 0;
}

/* The theme select of the "add" form: the rule set's themes the answer has not as counted. */
static int theme_options(struct req *r, long long answer, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(r->db, "SELECT h.code, h.label, h.depth FROM theme h JOIN ruleset s "
				     "ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 AND NOT EXISTS "
				     "(SELECT 1 FROM effective_tag x WHERE x.answer_id = ?2 AND "
				     "x.theme_id = h.id) ORDER BY h.position", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	sqlite3_bind_int64(st, 2, answer);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		html_raw(h, "<option value=\"");
		html_esc(h, (const char *)sqlite3_column_text(st, 0));
		html_raw(h, "\">");
		for (int d = 1; d < sqlite3_column_int(st, 2); d++)
			html_raw(h, "- ");
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, "</option>\n");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(r->db, "listing the themes", e);
}

static int show_answer(struct req *r, long long answer, int number, const char *qcode,
		       const char *qtext, const char *text, size_t n, struct err *e)
{
	struct html *h = &r->body;
	struct answer_view v = { .r = r, .answer = answer, .number = number, .text = text, .n = n };
	char who[128], at[40];
	int reviewed;

	if (review_view_themes(r->db, answer, collect_spans, &v, e) < 0)
		return -1;
	html_fmt(h, "<section class=\"review-answer\" id=\"a-%lld\" aria-labelledby=\"a-%lld-h\">\n"
		    "<h2 id=\"a-%lld-h\">Answer %d: ", answer, answer, answer, number);
	html_esc(h, qtext);
	html_raw(h, " <span class=\"hint\">(");
	html_esc(h, qcode);
	html_raw(h, ")</span></h2>\n<blockquote class=\"answer-text\"><p>");
	marked_text(h, text, n, v.sp, v.ns);
	html_raw(h, "</p></blockquote>\n");
	if ((reviewed = review_view_reviewed(r->db, answer, who, sizeof who, at, sizeof at, e)) < 0)
		return -1;
	html_fmt(h, "<h3>Themes of answer %d</h3>\n<ul class=\"review-themes\">\n", number);
	if (review_view_themes(r->db, answer, show_theme, &v, e) < 0)
		return -1;
	html_raw(h, "</ul>\n");
	if (!v.themes)
		html_raw(h, "<p>No theme: the rules tagged nothing here.</p>\n");
	if (review_each_decision(r->db, r->cfg->exercise_id, answer, 0, gone_decision, &v, e) < 0)
		return -1;
	if (v.gone)
		html_raw(h, "</ul>\n");

	html_raw(h, "<form class=\"review-form\" method=\"post\" action=\"/review/decide\">\n"
		    "<h3>Add a theme the rules missed</h3>\n");
	page_csrf(r);
	html_fmt(h, "<input type=\"hidden\" name=\"answer\" value=\"%lld\">\n"
		    "<input type=\"hidden\" name=\"action\" value=\"add\">\n"
		    "<div class=\"field\">\n<label for=\"add-%lld\">Theme<span class=\"hidden\"> to "
		    "add to answer %d</span></label>\n<select class=\"select\" id=\"add-%lld\" "
		    "name=\"theme\">\n", answer, answer, number, answer);
	if (theme_options(r, answer, e) < 0)
		return -1;
	html_fmt(h, "</select>\n</div>\n<div class=\"field\">\n<label for=\"add-reason-%lld\">"
		    "Reason (optional)<span class=\"hidden\">, adding to answer %d</span></label>\n"
		    "<input class=\"input\" type=\"text\" name=\"reason\" maxlength=\"%d\" "
		    "id=\"add-reason-%lld\">\n</div>\n<button class=\"button\" type=\"submit\">Add "
		    "theme<span class=\"hidden\"> to answer %d</span></button>\n</form>\n",
		 answer, number, REASON_MAX, answer, number);

	if (reviewed) {
		html_raw(h, "<p><strong>Reviewed by ");
		html_esc(h, who);
		html_raw(h, " on ");
		html_esc(h, at);
		html_raw(h, " (UTC).</strong></p>\n");
	} else {
		html_raw(h, "<form method=\"post\" action=\"/review/reviewed\">\n");
		page_csrf(r);
		html_fmt(h, "<input type=\"hidden\" name=\"answer\" value=\"%lld\">\n"
			    "<button class=\"button\" type=\"submit\">Mark answer %d reviewed"
			    "</button>\n</form>\n", answer, number);
	}
	html_raw(h, "</section>\n");
	return 0;
}

/* The response's district, channel, form, event and whether it counts, as a list of terms. */
static int show_response_facts(struct req *r, long long id, int *found, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(r->db, "SELECT coalesce(d.name, ''), coalesce(r.district_code, ''), "
				     "r.district_source, r.channel, r.form_variant, "
				     "coalesce(v.title, ''), r.entry_status IN ('accepted', "
				     "'verified') FROM response r LEFT JOIN district d ON "
				     "d.code = r.district_code LEFT JOIN event v ON v.id = r.event_id "
				     "WHERE r.id = ?1 AND r.exercise_id = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, r->cfg->exercise_id);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		const char *dname = (const char *)sqlite3_column_text(st, 0);
		const char *dcode = (const char *)sqlite3_column_text(st, 1);
		const char *event = (const char *)sqlite3_column_text(st, 5);

		html_raw(h, "<dl class=\"facts\">\n<dt>District</dt><dd>");
		if (*dcode) {
			html_esc(h, *dname ? dname : dcode);
			html_raw(h, " (");
			html_esc(h, dcode);
			html_raw(h, ")");
		} else {
			html_raw(h, "Not placed in a district (");
			html_esc(h, (const char *)sqlite3_column_text(st, 2));
			html_raw(h, ")");
		}
		html_raw(h, "</dd>\n<dt>Channel</dt><dd>");
		html_esc(h, (const char *)sqlite3_column_text(st, 3));
		html_raw(h, "</dd>\n<dt>Form</dt><dd>");
		html_esc(h, (const char *)sqlite3_column_text(st, 4));
		html_raw(h, "</dd>\n");
		if (*event) {
			html_raw(h, "<dt>Event</dt><dd>");
			html_esc(h, event);
			html_raw(h, "</dd>\n");
		}
		html_raw(h, sqlite3_column_int(st, 6) ?
			    "<dt>Counted</dt><dd>yes</dd>\n</dl>\n" :
			    "<dt>Counted</dt><dd>not yet: the form waits for a second entry or "
			    "a supervisor</dd>\n</dl>\n");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(r->db, "reading the response", e);
}

static int show_response(struct req *r, long long id, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc, found, n = 0;
	char title[64];

	snprintf(title, sizeof title, "Review response %lld", id);
	page_begin(r, title);
	html_raw(h, "<p><a href=\"/review\">Back to the review queues</a></p>\n");
	html_fmt(h, "<h1>Response %lld</h1>\n", id);
	if (show_response_facts(r, id, &found, e) < 0)
		return -1;
	if (!found) {
		html_free(h);
		page_message(r, 404, "No such response",
			     "There is no response with that number in this exercise.");
		return 0;
	}
	html_raw(h, "<p>Words the rules matched are <mark><span class=\"hidden\">matched: </span>"
		    "marked like this</mark>. Your decisions are kept beside the rules' tags: "
		    "changing the rules later keeps them.</p>\n");
	if (!(st = db_prepare(r->db, "SELECT a.id, q.code, q.text, a.value FROM answer a JOIN "
				     "question q ON q.id = a.question_id WHERE a.response_id = ?1 "
				     "AND q.type = 'free-text' AND a.state = 'answered' AND "
				     "length(a.value) > 0 ORDER BY q.position", e)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (show_answer(r, sqlite3_column_int64(st, 0), ++n,
				(const char *)sqlite3_column_text(st, 1),
				(const char *)sqlite3_column_text(st, 2),
				(const char *)sqlite3_column_text(st, 3),
				(size_t)sqlite3_column_bytes(st, 3), e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "reading the response's answers", e);
	if (!n)
		html_raw(h, "<p>This response has no free-text answers.</p>\n");
	page_end(r);
	return 0;
}

/* A whole number > 0 from a query or a form field; 0 when it is not one. */
static long long id_of(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v < 1 ? 0 : v;
}

int page_review_response(struct req *r, struct err *e)
{
	long long id = id_of(req_query(r, "id"));

	if (!id)
		return err_set(e, EXIT_DATA, "the address does not say which response (id=)");
	return show_response(r, id, e);
}

/* The response answer `answer` belongs to, in this exercise; 0 when none. */
static int response_of(struct req *r, long long answer, long long *response, struct err *e)
{
	char a[32], x[32];

	snprintf(a, sizeof a, "%lld", answer);
	snprintf(x, sizeof x, "%lld", r->cfg->exercise_id);
	return db_int(r->db, "SELECT a.response_id FROM answer a JOIN response r ON r.id = "
			     "a.response_id JOIN question q ON q.id = a.question_id WHERE "
			     "a.id = ?1 AND r.exercise_id = ?2 AND q.type = 'free-text'",
		      0, response, e, 2, a, x);
}

static void back_to(struct req *r, long long response, long long answer)
{
	char location[96];

	snprintf(location, sizeof location, "/review/response?id=%lld#a-%lld", response, answer);
	req_redirect(r, location);
}

/* Characters of UTF-8 text (form.h has checked it is UTF-8). */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* 1 when the decision in force on the answer and theme is `action`, 0 when not, -1. */
static int in_force(sqlite3 *db, long long answer, const char *theme, const char *action,
		    struct err *e)
{
	char a[32];
	long long n;

	snprintf(a, sizeof a, "%lld", answer);
	if (db_int(db, "SELECT count(*) FROM review_latest WHERE answer_id = ?1 AND "
		       "theme_code = ?2 AND action = ?3", 0, &n, e, 3, a, theme, action) < 0)
		return -1;
	return n > 0;
}

static int decide_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "answer") || !strcmp(name, "theme") ||
	       !strcmp(name, "action") || !strcmp(name, "reason");
}

int page_review_decide(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *theme = form_get(f, "theme"), *action = form_get(f, "action");
	const char *reason = form_get(f, "reason");
	long long answer = id_of(form_get(f, "answer")), response = 0;
	char object[64], what[32];
	int rc;

	if (form_check(f, decide_field, NULL, &bad) < 0 || !theme || !action)
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	if (!answer)
		return err_set(e, EXIT_DATA, "field answer: not an answer's number");
	if (strcmp(action, "accept") && strcmp(action, "remove") && strcmp(action, "add"))
		return err_set(e, EXIT_DATA, "field action: accept, remove or add");
	if (reason && chars(reason) > REASON_MAX)
		return err_set(e, EXIT_DATA, "field reason: keep it to %d characters", REASON_MAX);
	if (reason && !reason[strspn(reason, " \t\r\n")])
		reason = NULL;
	if (response_of(r, answer, &response, e) < 0)
		return -1;
	if (!response)
		return err_set(e, EXIT_DATA, "field answer: no free-text answer %lld in this exercise",
			       answer);
	snprintf(object, sizeof object, "answer %lld", answer);
	snprintf(what, sizeof what, "review-%s", action);
	/* The decision and its audit line together, or neither. */
	web_write_lock();
	rc = db_begin(r->db, e);
	/* A form sent twice (a double click, a reload) finds its decision in force: done already. */
	if (rc == 0 && (rc = in_force(r->db, answer, theme, action, e)) == 1) {
		db_rollback(r->db);
		web_write_unlock();
		back_to(r, response, answer);
		return 0;
	}
	if (rc == 0)
		rc = review_decide(r->db, answer, theme, action, r->sess.name, reason, e);
	if (rc == 0)
		rc = audit_log(r->db, r->sess.name, r->address, what, object, e);
	if (rc == 0)
		rc = db_commit(r->db, e);
	else
		db_rollback(r->db);
	web_write_unlock();
	if (rc < 0)
		return -1;
	back_to(r, response, answer);
	return 0;
}

static int reviewed_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "answer");
}

int page_review_reviewed(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad;
	long long answer = id_of(form_get(f, "answer")), response = 0;
	char object[64];
	int rc;

	if (form_check(f, reviewed_field, NULL, &bad) < 0)
		return err_set(e, EXIT_DATA, "the form has a field it should not have");
	if (!answer)
		return err_set(e, EXIT_DATA, "field answer: not an answer's number");
	if (response_of(r, answer, &response, e) < 0)
		return -1;
	if (!response)
		return err_set(e, EXIT_DATA, "field answer: no free-text answer %lld in this exercise",
			       answer);
	snprintf(object, sizeof object, "answer %lld", answer);
	web_write_lock();
	rc = db_begin(r->db, e);
	if (rc == 0)
		rc = review_mark_reviewed(r->db, answer, r->sess.name, e);
	if (rc == 0)
		rc = audit_log(r->db, r->sess.name, r->address, "review-reviewed", object, e);
	if (rc == 0)
		rc = db_commit(r->db, e);
	else
		db_rollback(r->db);
	web_write_unlock();
	if (rc < 0)
		return -1;
	back_to(r, response, answer);
	return 0;
}
