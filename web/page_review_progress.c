/*
 * page_review_progress.c: how far the analysts' review has gone, as
 * `analyser review progress` gives it (review_each_progress()): answers
 * marked reviewed out of the answers that count, by theme and by district,
 * and the decisions in force that the current rules agree with or that
 * override them. Numbers of answers for the review, not published counts:
 * no disclosure control applies. Sub-themes sit under their parent theme,
 * as in the counts: indented, and named as such to assistive technology.
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

/* A theme's header cell id: "t-" and its code (codes are letters, digits and dashes). */
static void theme_id(struct html *h, const char *code)
{
	html_raw(h, "t-");
	html_esc(h, code);
}

/*
 * One row. By theme, a sub-theme sits under its parent as the counts show
 * it: indented, and said in words to a screen reader (the parent named in
 * the row header, each cell's headers naming the parent's header too).
 */
static int progress_row(const struct review_progress *p, void *ctx)
{
	struct progress_table *t = ctx;
	struct html *h = &t->r->body;
	static const char *const cols[] = { "answers", "reviewed", "share", "agree", "override" };
	long long part[] = { p->answers, p->reviewed, 0, p->agree, p->overrides };
	const char *by = t->by_theme ? "theme" : "district";

	if (!t->n++) {
		html_fmt(h, "<div class=\"table-wrap\">\n<table class=\"table review-table\">\n"
			    "<caption>By %s</caption>\n<thead><tr><th scope=\"col\" id=\"%s-name\">%s"
			    "</th><th scope=\"col\" id=\"%s-answers\">Answers%s</th>", by, by,
			 t->by_theme ? "Theme" : "District", by, t->by_theme ? " with it" : "");
		html_fmt(h, "<th scope=\"col\" id=\"%s-reviewed\">Reviewed</th><th scope=\"col\" "
			    "id=\"%s-share\">Share reviewed</th><th scope=\"col\" id=\"%s-agree\">"
			    "Decisions the rules now agree with</th>", by, by, by);
		html_fmt(h, "<th scope=\"col\" id=\"%s-override\">Decisions that override the "
			    "rules</th></tr></thead>\n<tbody>\n", by);
	}
	if (t->by_theme && p->code && p->depth > 1) {
		html_fmt(h, "<tr class=\"sub-theme\"><th scope=\"row\" class=\"depth-%d\" id=\"",
			 p->depth > 4 ? 4 : p->depth);
		theme_id(h, p->code);
		html_raw(h, "\" headers=\"");
		theme_id(h, p->parent ? p->parent : "");
		html_raw(h, "\"><span class=\"hidden\">");
		html_esc(h, p->parent_label ? p->parent_label : "");
		html_raw(h, ", sub-theme: </span>");
	} else if (t->by_theme && p->code) {
		html_raw(h, "<tr><th scope=\"row\" id=\"");
		theme_id(h, p->code);
		html_raw(h, "\">");
	} else {
		html_raw(h, p->code ? "<tr><th scope=\"row\">" : "<tr><th scope=\"row\">All answers");
	}
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
	html_raw(h, "</th>");
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
		if (t->by_theme && p->code && p->label) {
			/* The column, the theme and, for a sub-theme, its parent. */
			html_fmt(h, "<td headers=\"%s-%s ", by, cols[i]);
			theme_id(h, p->code);
			if (p->depth > 1 && p->parent) {
				html_raw(h, " ");
				theme_id(h, p->parent);
			}
			html_raw(h, "\">");
		} else {
			html_raw(h, "<td>");
		}
		if (i == 2)
			share(h, p->reviewed, p->answers);
		else
			html_fmt(h, "%lld", part[i]);
		html_raw(h, "</td>");
	}
	html_raw(h, "</tr>\n");
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
