/*
 * page_safeguarding.c: the analyst's queue of safeguarding flags
 * (docs/safeguarding.md): each answer a safeguarding theme flagged and not
 * yet reviewed, with what was written (escaped, the matched words in
 * <mark>), and a form to record that the signed-in person read it and
 * what was done. Reviewed flags follow, with who, when and what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "page.h"
#include "pages.h"
#include "safeguard.h"

#define SHOWN_MAX 200

/* `n` bytes of `s`, escaped. */
static int esc_n(struct html *h, const char *s, size_t n)
{
	char *part = strndup(s, n);

	if (!part)
		return -1;
	html_esc(h, part);
	free(part);
	return 0;
}

struct queue {
	struct req *r;
	int reviewed;     /* this pass lists the reviewed ones */
	long long last;   /* the answer whose card is open */
	struct html foot; /* the open card's end: who saw it, or the form */
	int n, oom;
};

/* Ends the open card: its review, or the form to record one. */
static void close_card(struct queue *q)
{
	if (q->foot.n)
		html_raw(&q->r->body, q->foot.s);
	q->oom |= q->foot.oom;
	html_free(&q->foot);
	memset(&q->foot, 0, sizeof q->foot);
}

/* What goes at the end of answer f's card. */
static void card_end(struct queue *q, const struct safeguard_flag *f)
{
	struct html *h = &q->foot;

	if (f->seen_by) {
		html_raw(h, "<p>Seen by ");
		html_esc(h, f->seen_by);
		html_raw(h, " at ");
		html_esc(h, f->seen_at);
		html_raw(h, ": ");
		html_esc(h, f->action);
		html_raw(h, "</p>\n</div>\n");
		return;
	}
	html_raw(h, "<form method=\"post\" action=\"/safeguarding\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_esc(h, q->r->sess.csrf);
	html_raw(h, "\">\n");
	html_fmt(h, "<input type=\"hidden\" name=\"answer\" value=\"%lld\">\n"
		    "<div class=\"field\">\n<label for=\"action-%lld\">What was done</label>\n"
		    "<p class=\"hint\" id=\"action-%lld-hint\">For example: referred to the "
		    "safeguarding lead, or no concern and why.</p>\n"
		    "<input class=\"input\" type=\"text\" name=\"action\" id=\"action-%lld\" "
		    "aria-describedby=\"action-%lld-hint\" maxlength=\"%d\" required>\n</div>\n"
		    "<button class=\"button\" type=\"submit\">I have read it: record this</button>\n"
		    "</form>\n</div>\n",
		 f->answer, f->answer, f->answer, f->answer, f->answer, SAFEGUARD_ACTION_MAX);
}

static int show_flag(const struct safeguard_flag *f, void *ctx)
{
	struct queue *q = ctx;
	struct html *h = &q->r->body;

	if ((f->seen_by != NULL) != q->reviewed)
		return 0;
	if (f->answer == q->last) {
		/* A second theme on the same answer: its name, in the same card. */
		html_raw(h, "<p class=\"hint\">Also: ");
		html_esc(h, f->label);
		html_raw(h, "</p>\n");
		return 0;
	}
	close_card(q);
	if (q->n++ >= SHOWN_MAX)
		return 1;
	q->last = f->answer;
	html_fmt(h, "<div class=\"candidate\" id=\"a-%lld\">\n<h3>Answer %lld</h3>\n", f->answer,
		 f->answer);
	html_fmt(h, "<p class=\"hint\">Response %lld, question ", f->response);
	html_esc(h, f->question);
	html_raw(h, ". ");
	html_esc(h, f->label);
	html_raw(h, " (rule ");
	html_esc(h, f->rule);
	html_raw(h, ")</p>\n<blockquote><p>");
	if (esc_n(h, f->text, f->match_start) < 0)
		goto oom;
	if (f->match_end > f->match_start) {
		html_raw(h, "<mark>");
		if (esc_n(h, f->text + f->match_start, f->match_end - f->match_start) < 0)
			goto oom;
		html_raw(h, "</mark>");
	}
	if (esc_n(h, f->text + f->match_end, f->len - f->match_end) < 0)
		goto oom;
	html_raw(h, "</p></blockquote>\n");
	card_end(q, f);
	return 0;
oom:
	q->oom = 1;
	return 1;
}

static int show(struct req *r, const char *problem, struct err *e)
{
	struct html *h = &r->body;
	struct queue q = { .r = r };
	long long flagged, open;

	if (safeguard_count(r->db, r->cfg->exercise_id, &flagged, &open, e) < 0)
		return -1;
	page_begin(r, problem ? "Error: Safeguarding" : "Safeguarding");
	if (problem) {
		html_raw(h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n"
			    "<h2>There is a problem</h2>\n<p>");
		html_esc(h, problem);
		html_raw(h, "</p>\n</div>\n");
	}
	html_raw(h, "<h1>Safeguarding</h1>\n<p>Answers a safeguarding rule found words in that may "
		    "disclose self-harm, abuse or neglect. The rules are a safety net, not a "
		    "diagnosis: read each answer, act as your organisation's safeguarding "
		    "procedure says, and record what you did. These answers are never counted "
		    "or quoted.</p>\n");
	html_fmt(h, "<p>%lld answer%s flagged, %lld not yet reviewed.</p>\n<h2>To review</h2>\n",
		 flagged, flagged == 1 ? "" : "s", open);
	if (safeguard_each(r->db, r->cfg->exercise_id, 1, show_flag, &q, e) < 0) {
		html_free(&q.foot);
		return -1;
	}
	close_card(&q);
	if (!q.n && !q.oom)
		html_raw(h, "<p>Nothing is waiting.</p>\n");
	html_raw(h, "<h2>Reviewed</h2>\n");
	q.reviewed = 1;
	q.last = 0;
	q.n = 0;
	if (!q.oom && safeguard_each(r->db, r->cfg->exercise_id, 1, show_flag, &q, e) < 0) {
		html_free(&q.foot);
		return -1;
	}
	close_card(&q);
	if (q.oom)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (!q.n)
		html_raw(h, "<p>None yet.</p>\n");
	page_end(r);
	return 0;
}

int page_safeguarding(struct req *r, struct err *e)
{
	return show(r, NULL, e);
}

static int seen_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "answer") || !strcmp(name, "action");
}

int page_safeguarding_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *a = form_get(f, "answer"), *action = form_get(f, "action");
	char *end, object[64];
	long long answer;
	struct err why;

	if (form_check(f, seen_field, NULL, &bad) < 0 || !a || !action)
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	answer = strtoll(a, &end, 10);
	if (!*a || *end || answer < 1)
		return err_set(e, EXIT_DATA, "the answer is not a number");
	err_init(&why);
	if (safeguard_seen(r->db, r->cfg->exercise_id, answer, r->sess.name, action, &why) < 0) {
		if (why.code == EXIT_SYSTEM) {
			*e = why;
			return -1;
		}
		return show(r, !strncmp(err_first(&why), "what was done", 13) ?
			       "Say what was done: for example, referred to the safeguarding lead." :
			       err_first(&why), e);
	}
	snprintf(object, sizeof object, "answer %lld", answer);
	if (audit_log(r->db, r->sess.name, r->address, "safeguarding-seen", object, e) < 0)
		return -1;
	req_redirect(r, "/safeguarding");
	return 0;
}
