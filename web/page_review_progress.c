/*
 * page_review_progress.c: how far the analysts' review has gone, as
 * `analyser review progress` gives it (review_each_progress()): answers
 * marked reviewed out of the answers that count, by theme and by district,
 * and the decisions in force that the current rules agree with or that
 * override them. Numbers of answers for the review, not published counts:
 * no disclosure control applies.
 */
#include <string.h>

#include "page.h"
#include "pages.h"
#include "review.h"

/* "12.5%" of `part` in `whole` ("no answers" when whole is 0). */
static void share(struct html *h, long long part, long long whole)
{
	if (!whole) {
		html_raw(h, "no answers");
		return;
	}
	html_fmt(h, "%lld.%lld%%", part * 1000 / whole / 10, part * 1000 / whole % 10);
}

struct progress_table {
	struct req *r;
	int by_theme, n;
};

static int progress_row(const struct review_progress *p, void *ctx)
{
	struct progress_table *t = ctx;
	struct html *h = &t->r->body;

	if (!t->n++)
		html_fmt(h, "<div class=\"table-wrap\">\n<table class=\"table review-table\">\n"
			    "<caption>By %s</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">"
			    "Answers%s</th><th scope=\"col\">Reviewed</th><th scope=\"col\">Share "
			    "reviewed</th><th scope=\"col\">Decisions the rules now agree with</th>"
			    "<th scope=\"col\">Decisions that override the rules</th></tr></thead>\n"
			    "<tbody>\n", t->by_theme ? "theme" : "district",
			 t->by_theme ? "Theme" : "District", t->by_theme ? " with it" : "");
	html_raw(h, p->code ? "<tr><th scope=\"row\">" : "<tr><th scope=\"row\">All answers");
	if (p->code && t->by_theme && p->label) {
		html_raw(h, "<a href=\"/review?queue=theme&amp;theme=");
		html_url(h, p->code);
		html_raw(h, "\">");
		html_esc(h, p->label);
		html_raw(h, "</a>");
	} else if (p->code && t->by_theme) {
		html_esc(h, p->code);
		html_fmt(h, " (no longer in the rules: %ld decisions count nowhere)", p->gone);
	} else if (p->code) {
		html_esc(h, !strcmp(p->code, "(unknown)") ? "Not placed in a district" :
			    p->label ? p->label : p->code);
	}
	html_fmt(h, "</th><td>%ld</td><td>%ld</td><td>", p->answers, p->reviewed);
	share(h, p->reviewed, p->answers);
	html_fmt(h, "</td><td>%ld</td><td>%ld</td></tr>\n", p->agree, p->overrides);
	return 0;
}

int page_review_progress(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	struct progress_table t = { .r = r, .by_theme = 1 };

	page_begin(r, "Review progress");
	html_raw(h, "<h1>Progress of the review</h1>\n<p>Numbers of free-text answers, for the "
		    "review only: these are not counts to publish, and no disclosure control is "
		    "applied. An answer is reviewed once someone has marked it so. A theme's "
		    "answers are those with it, or one of its sub-themes, as counted now.</p>\n");
	if (review_each_progress(r->db, r->cfg->exercise_id, REVIEW_BY_THEME, progress_row, &t,
				 e) < 0)
		return -1;
	html_raw(h, t.n ? "</tbody>\n</table>\n</div>\n" : "");
	t = (struct progress_table){ .r = r };
	if (review_each_progress(r->db, r->cfg->exercise_id, REVIEW_BY_DISTRICT, progress_row, &t,
				 e) < 0)
		return -1;
	html_raw(h, t.n ? "</tbody>\n</table>\n</div>\n" : "");
	html_raw(h, "<p><a href=\"/review\">Back to the review queues</a></p>\n");
	page_end(r);
	return 0;
}
