/*
 * report_html.c: writing "You said, we did" (see report.c) once everything
 * is gathered: the page, its inline style sheet, charts as inline SVG with
 * the same numbers as tables, and dates and numbers as people read them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* ---- dates and numbers --------------------------------------------------- */

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

/* An ISO date (YYYY-MM-DD, anything after ignored) into its parts. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
	int n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || n != 10 || *m < 1 || *m > 12 ||
	    *d < 1 || *d > 31)
		return -1;
	return 0;
}

/* "3 June to 25 August 2019"; either date unreadable: both as they are. */
static void date_range(char *buf, size_t cap, const char *from, const char *to)
{
	int y1, m1, d1, y2, m2, d2;

	if (parse_date(from, &y1, &m1, &d1) < 0 || parse_date(to, &y2, &m2, &d2) < 0)
		snprintf(buf, cap, "%s to %s", from ? from : "?", to ? to : "?");
	else if (y1 == y2 && m1 == m2)
		snprintf(buf, cap, "%d to %d %s %d", d1, d2, month_names[m2 - 1], y2);
	else if (y1 == y2)
		snprintf(buf, cap, "%d %s to %d %s %d", d1, month_names[m1 - 1], d2,
			 month_names[m2 - 1], y2);
	else
		snprintf(buf, cap, "%d %s %d to %d %s %d", d1, month_names[m1 - 1], y1, d2,
			 month_names[m2 - 1], y2);
}

/* "1 November 2019", or the text as it is when it is not an ISO date. */
static void date_text(char *buf, size_t cap, const char *iso)
{
	int y, m, d;

	if (parse_date(iso, &y, &m, &d) < 0)
		snprintf(buf, cap, "%s", iso);
	else
		snprintf(buf, cap, "%d %s %d", d, month_names[m - 1], y);
}

/* A count with thousands separators: 1,250. */
static const char *num(char *buf, size_t cap, long v)
{
	char digits[32];
	size_t n, k = 0;

	snprintf(digits, sizeof digits, "%ld", v < 0 ? 0 : v);
	n = strlen(digits);
	for (size_t i = 0; i < n && k + 2 < cap; i++) {
		buf[k++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			buf[k++] = ',';
	}
	buf[k] = '\0';
	return buf;
}

/* ---- writing ---------------------------------------------------------------- */

static const char style[] =
	"*,*::before,*::after{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
	"body{margin:0;background:#fff;color:#212b32;font-family:Arial,\"Helvetica Neue\","
	"Helvetica,sans-serif;font-size:1.0625rem;line-height:1.5}"
	".wrap{max-width:46rem;margin:0 auto;padding:0 1rem}"
	"a{color:#005eb8}"
	"a:focus{outline:3px solid transparent;background:#ffeb3b;color:#212b32;"
	"text-decoration:none;box-shadow:0 -2px #ffeb3b,0 4px #212b32}"
	".skip{position:absolute;left:-9999px;top:0}"
	".skip:focus{left:1rem;top:1rem;padding:.5rem;z-index:1}"
	"main:focus{outline:none}"
	"header{background:#005eb8;color:#fff;padding:1rem 0}"
	"header p{margin:0;font-weight:bold}"
	"header .kind{font-weight:normal}"
	"h1{font-size:2rem;line-height:1.2;margin:1.5rem 0 1rem}"
	"h2{font-size:1.5rem;line-height:1.25;margin:2.5rem 0 .75rem;padding-top:1rem;"
	"border-top:2px solid #d8dde0}"
	"h3{font-size:1.1875rem;line-height:1.3;margin:1.75rem 0 .5rem}"
	"p,ul,ol{margin:0 0 1rem}"
	".lead{font-size:1.25rem}"
	".table-wrap{overflow-x:auto;margin:0 0 1rem}"
	".table-wrap:focus{outline:3px solid #212b32;outline-offset:2px}"
	"table{border-collapse:collapse;width:100%;max-width:36rem;"
	"font-variant-numeric:tabular-nums}"
	"caption{text-align:left;font-weight:bold;padding:0 0 .5rem}"
	"th,td{border-bottom:1px solid #d8dde0;padding:.4rem .5rem;text-align:left;"
	"vertical-align:top}"
	"td,thead th.n{text-align:right}"
	"thead th{border-bottom:2px solid #212b32;vertical-align:bottom}"
	"tbody th{font-weight:normal}"
	"tr.all th,tr.all td{font-weight:bold;border-top:2px solid #212b32}"
	"@media (max-width:30rem){th,td{padding:.4rem .25rem}}"
	".note{color:#4c6272;font-size:.9375rem}"
	".chart{margin:0 0 1rem}"
	".chart svg{display:block;max-width:100%;height:auto}"
	".chart text{font-size:16px;fill:#212b32}"
	".chart .bar{fill:#005eb8}"
	"figure.quote{margin:0 0 1rem;padding:.75rem 1rem;background:#f0f4f5;"
	"border-left:6px solid #005eb8}"
	"blockquote{margin:0;font-size:1.125rem}"
	"blockquote p{margin:0}"
	"figcaption{margin-top:.5rem;color:#4c6272;font-size:.9375rem}"
	".actions li{margin-bottom:.75rem}"
	".actions p{margin:0}"
	".meta{color:#4c6272;font-size:.9375rem}"
	"footer{margin-top:3rem;border-top:2px solid #d8dde0;padding:1rem 0 2rem;color:#4c6272;"
	"font-size:.9375rem}"
	"header .logo{display:block;max-height:4rem;max-width:12rem;margin:0 0 .5rem;"
	"background:#fff;padding:.25rem}"
	".pair h3{margin-top:1rem}"
	".contact{background:#f0f4f5;padding:1rem;margin:2rem 0 1rem}"
	".contact h2{border-top:0;margin-top:0;padding-top:0}"
	/* A4, and no half-empty pages: only small blocks refuse to split; a
	 * heading stays with what follows it; tables split between rows and
	 * repeat their heads. */
	"@page{size:A4;margin:18mm 16mm 20mm}"
	"@media print{"
	"body{font-size:11pt;color:#000}"
	"header{background:none;color:#000;padding:0}"
	".skip,nav{display:none}"
	".wrap{max-width:none;padding:0}"
	".table-wrap{overflow:visible}"
	"h1,h2,h3,caption{break-after:avoid;page-break-after:avoid}"
	"h2{margin-top:1.5rem}"
	".keep,figure,.chart,tr,li,p{break-inside:avoid;page-break-inside:avoid}"
	"table{break-inside:auto}"
	"thead{display:table-header-group}"
	"p{orphans:3;widows:3}"
	".chart svg{width:46mm}"
	".chart text{font-size:20px}"
	"th,td{padding:.15rem .4rem}"
	"h2{font-size:1.35rem}"
	"figure.quote{padding:.4rem .75rem}"
	"footer{margin-top:1.5rem}"
	"a{color:#000;text-decoration:none}"
	"}";

static void put(struct report *r, const char *s)
{
	fputs(s, r->f);
}

static void putf(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
}

/* Database text, cleaned and escaped. */
static void esc(struct report *r, const char *s)
{
	if (s)
		report_html_text(r->f, s, strlen(s));
}

static int rounded(const struct report *r)
{
	return r->opt->rule.rounding > 1;
}

/* "about 305" (or "305" when numbers are exact); a hidden count is not for here. */
static void about(struct report *r, long v)
{
	char b[32];

	putf(r, "%s%s", rounded(r) && v > 0 ? "about " : "", num(b, sizeof b, v));
}

/* A table cell's number: "*" when hidden. */
static void cell(struct report *r, long v)
{
	char b[32];

	if (v < 0)
		put(r, "<td>*</td>");
	else
		putf(r, "<td>%s</td>", num(b, sizeof b, v));
}

/* The label of value v of the district or channel dimension. */
static const char *value_label(const struct count_cube *c, size_t v)
{
	return v < c->dim[0].nvalues ? c->dim[0].values[v].label : "All";
}

/* Opens a table that scrolls sideways on a narrow screen; returns its id number. */
static int table_open(struct report *r, const char *attrs)
{
	int id = ++r->ids;

	putf(r, "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"t%d\" tabindex=\"0\">"
	     "\n<table%s>\n<caption id=\"t%d\">", id, attrs, id);
	return id;
}

static void hidden_note(struct report *r)
{
	put(r, "<p class=\"note\">* Not shown, to protect people&#39;s privacy "
	    "(see <a href=\"#how\">How we counted</a>).</p>\n");
}

/* "Who took part": respondents by one dimension (the base line of a cube). */
static void write_took_part(struct report *r, const struct pub *p, const char *by,
			    const char *caption, const char *head)
{
	const struct count_cube *c = p->c;
	size_t any = c->nthemes, nv = c->dim[0].nvalues;
	int hidden = 0;
	char attrs[64];

	snprintf(attrs, sizeof attrs, " data-by=\"%s\"", by);
	table_open(r, attrs);
	putf(r, "%s</caption>\n<thead><tr><th scope=\"col\">%s</th>"
	     "<th scope=\"col\" class=\"n\">People</th></tr></thead>\n<tbody>\n", caption, head);
	for (size_t v = 0; v <= nv; v++) {
		long b = p->resp[pub_at(p, any, v)];

		putf(r, "<tr%s data-code=\"", v == nv ? " class=\"all\"" : "");
		esc(r, v < nv ? c->dim[0].values[v].code : "(all)");
		put(r, "\"><th scope=\"row\">");
		esc(r, value_label(c, v));
		put(r, "</th>");
		cell(r, b);
		put(r, "</tr>\n");
		hidden |= b < 0;
	}
	put(r, "</tbody>\n</table>\n</div>\n");
	if (hidden)
		hidden_note(r);
}

/* A value shows in a theme's chart and table unless nobody there took part at all. */
static int value_shown(const struct pub *p, size_t v)
{
	return p->resp[pub_at(p, p->c->nthemes, v)] != 0;
}

/* Chart geometry, in SVG units: a row is a label line over a bar with its number. */
#define CHART_W 360
#define CHART_ROW 48
#define CHART_BAR 260  /* the longest bar; the rest of the width takes its number */

/* An SVG bar chart of theme t by district, with its numbers in words for screen readers. */
static void write_chart(struct report *r, size_t t)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t nv = c->dim[0].nvalues, rows = 0;
	long max = 0, y, h;
	int id = ++r->ids;
	char b[32];

	for (size_t v = 0; v < nv; v++) {
		long n = p->count[pub_at(p, t, v)];

		if (!value_shown(p, v))
			continue;
		rows++;
		if (n > max)
			max = n;
	}
	h = 6 + (long)rows * CHART_ROW;
	putf(r, "<div class=\"chart\">\n<svg role=\"img\" aria-labelledby=\"c%dt c%dd\" "
	     "width=\"%d\" height=\"%ld\" viewBox=\"0 0 %d %ld\" focusable=\"false\">\n"
	     "<title id=\"c%dt\">Bar chart: people who raised ", id, id, CHART_W, h, CHART_W, h, id);
	esc(r, c->themes[t].label);
	putf(r, ", by district</title>\n<desc id=\"c%dd\">", id);
	for (size_t v = 0, k = 0; v < nv; v++) {
		long n = p->count[pub_at(p, t, v)];

		if (!value_shown(p, v))
			continue;
		put(r, k++ ? "; " : "");
		esc(r, c->dim[0].values[v].label);
		if (n < 0)
			put(r, ": not shown");
		else
			putf(r, ": %s", num(b, sizeof b, n));
	}
	put(r, ".</desc>\n");
	y = 0;
	for (size_t v = 0; v < nv; v++) {
		long n = p->count[pub_at(p, t, v)];

		if (!value_shown(p, v))
			continue;
		putf(r, "<text x=\"0\" y=\"%ld\">", y + 17);
		esc(r, c->dim[0].values[v].label);
		put(r, "</text>\n");
		if (n < 0) {
			/* No bar for a hidden count: a bar's length would give it away. */
			putf(r, "<text x=\"0\" y=\"%ld\">not shown *</text>\n", y + 39);
		} else {
			long w = max > 0 ? (n * CHART_BAR + max / 2) / max : 0;

			if (n > 0 && w < 2)
				w = 2;
			if (w > 0)
				putf(r, "<rect class=\"bar\" x=\"0\" y=\"%ld\" width=\"%ld\" "
				     "height=\"18\"/>\n", y + 24, w);
			putf(r, "<text x=\"%ld\" y=\"%ld\">%s</text>\n", w + (w ? 6 : 0), y + 39,
			     num(b, sizeof b, n));
		}
		y += CHART_ROW;
	}
	put(r, "</svg>\n</div>\n");
}

/* The same numbers as the chart, with who took part and the share. */
static void write_theme_table(struct report *r, size_t t)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t nv = c->dim[0].nvalues;
	int hidden = 0;

	table_open(r, " data-by=\"district\"");
	put(r, "People who raised ");
	esc(r, c->themes[t].label);
	put(r, ", by district</caption>\n<thead><tr><th scope=\"col\">District</th>"
	    "<th scope=\"col\" class=\"n\">Raised this</th><th scope=\"col\" class=\"n\">Took part"
	    "</th><th scope=\"col\" class=\"n\">Share</th></tr></thead>\n<tbody>\n");
	for (size_t v = 0; v <= nv; v++) {
		size_t at = pub_at(p, t, v);

		if (v < nv && !value_shown(p, v))
			continue;
		putf(r, "<tr%s data-theme=\"", v == nv ? " class=\"all\"" : "");
		esc(r, c->themes[t].code);
		put(r, "\" data-code=\"");
		esc(r, v < nv ? c->dim[0].values[v].code : "(all)");
		put(r, "\"><th scope=\"row\">");
		esc(r, v < nv ? c->dim[0].values[v].label : "All districts");
		put(r, "</th>");
		cell(r, p->count[at]);
		cell(r, p->resp[at]);
		if (p->pct[at] >= 0)
			putf(r, "<td>%.1f%%</td>", p->pct[at]);
		else
			put(r, p->count[at] < 0 || p->resp[at] < 0 ? "<td>*</td>" : "<td>-</td>");
		put(r, "</tr>\n");
		hidden |= p->count[at] < 0 || p->resp[at] < 0;
	}
	put(r, "</tbody>\n</table>\n</div>\n");
	if (hidden)
		hidden_note(r);
}

static int sub_cmp_count(const struct pub *p, size_t a, size_t b)
{
	size_t all = p->c->dim[0].nvalues;
	long x = p->count[pub_at(p, a, all)], y = p->count[pub_at(p, b, all)];

	return x != y ? (x > y ? -1 : 1) : (a > b) - (a < b);
}

/* The sub-themes of t, most raised first, with their numbers; those nobody raised left out. */
static int write_subthemes(struct report *r, size_t t, struct err *e)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t all = c->dim[0].nvalues, n = 0, *sub = malloc((c->nthemes + 1) * sizeof *sub);

	if (!sub)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t s = 0; s < c->nthemes; s++)
		if (c->themes[s].parent == (int)t && p->count[pub_at(p, s, all)] != 0) {
			size_t k = n++;

			while (k > 0 && sub_cmp_count(p, sub[k - 1], s) > 0) {
				sub[k] = sub[k - 1];
				k--;
			}
			sub[k] = s;
		}
	if (n) {
		put(r, "<h3>What they talked about</h3>\n<ul class=\"subthemes\">\n");
		for (size_t k = 0; k < n; k++) {
			long v = p->count[pub_at(p, sub[k], all)];

			putf(r, "<li data-theme=\"");
			esc(r, c->themes[sub[k]].code);
			put(r, "\">");
			esc(r, c->themes[sub[k]].label);
			if (v < 0) {
				put(r, ": number not shown</li>\n");
			} else {
				put(r, ": ");
				about(r, v);
				putf(r, " %s</li>\n", v == 1 ? "person" : "people");
			}
		}
		put(r, "</ul>\n");
	}
	free(sub);
	return 0;
}

/* "Of them, about 305 said what works well and about 400 said what could be better." */
static void write_polarity(struct report *r, size_t t)
{
	const struct pub *p = &r->pol;
	const struct count_cube *c = p->c;
	size_t well = report_value_index(c, "works-well");
	size_t better = report_value_index(c, "could-be-better");
	size_t any = c->nthemes;
	long n[2];

	if (well >= c->dim[0].nvalues || better >= c->dim[0].nvalues)
		return;
	/* Only when the exercise asked questions with a polarity at all. */
	if (!p->resp[pub_at(p, any, well)] && !p->resp[pub_at(p, any, better)])
		return;
	n[0] = p->count[pub_at(p, t, well)];
	n[1] = p->count[pub_at(p, t, better)];
	put(r, "<p class=\"polarity\">Of them, ");
	for (int k = 0; k < 2; k++) {
		const char *what = k ? "what could be better" : "what works well";

		if (k)
			put(r, ", and ");
		if (n[k] < 0) {
			putf(r, "<span data-polarity=\"%s\">some said %s (the number is not shown)</span>",
			     k ? "could-be-better" : "works-well", what);
		} else if (n[k] == 0) {
			putf(r, "<span data-polarity=\"%s\">nobody said %s</span>",
			     k ? "could-be-better" : "works-well", what);
		} else {
			putf(r, "<span data-polarity=\"%s\">", k ? "could-be-better" : "works-well");
			about(r, n[k]);
			putf(r, " said %s</span>", what);
		}
	}
	put(r, ".</p>\n");
}

/* Approved quotes taken out with an erased response: said where they were. */
static void write_removed(struct report *r, long n)
{
	if (n == 1)
		put(r, "<p class=\"note removed\">We have taken out a quote because the person who "
		    "said it asked us to delete what they told us.</p>\n");
	else if (n > 1)
		putf(r, "<p class=\"note removed\">We have taken out %ld quotes because the people "
		     "who said them asked us to delete what they told us.</p>\n", n);
}

/* At most `most` of theme k's quotes, under `heading` (none: no heading, no "no quotes"). */
static void write_quotes(struct report *r, size_t k, const char *heading, size_t most)
{
	const struct count_cube *c = r->d.c;
	size_t nv = c->dim[0].nvalues;

	if (heading)
		put(r, heading);
	if (!r->nquotes[k]) {
		if (heading)
			put(r, "<p>We have no short quotes to show for this theme.</p>\n");
		write_removed(r, r->removed[k]);
		return;
	}
	for (size_t i = 0; i < r->nquotes[k] && i < most; i++) {
		const struct quote *q = &r->quotes[k][i];
		const char *code = q->value < nv ? c->dim[0].values[q->value].code : "";

		put(r, "<figure class=\"quote\">\n<blockquote><p>\xE2\x80\x9C");
		esc(r, q->text);
		put(r, "\xE2\x80\x9D</p></blockquote>\n<figcaption>");
		if (!strcmp(code, "(outside)")) {
			put(r, "Someone from outside the area");
		} else if (!strcmp(code, "(unknown)") || !*code) {
			put(r, "Someone who took part");
		} else {
			put(r, "Someone in ");
			esc(r, c->dim[0].values[q->value].label);
		}
		put(r, q->polarity == 0 ? ", asked what works well" :
		       q->polarity == 1 ? ", asked what could be better" : "");
		put(r, "</figcaption>\n</figure>\n");
	}
	write_removed(r, r->removed[k]);
}

/* Action text: paragraphs at blank lines, each cleaned. */
static void write_action_text(struct report *r, const char *s)
{
	while (*s) {
		const char *end = strstr(s, "\n\n");
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char *para = report_text_clean(s, n);

		if (para && *para) {
			put(r, "<p>");
			esc(r, para);
			put(r, "</p>");
		} else if (!para) {
			put(r, "<p>");
			report_html_text(r->f, s, n);
			put(r, "</p>");
		}
		free(para);
		s += n;
		while (*s == '\n' || *s == '\r')
			s++;
	}
}

static void write_action(struct report *r, const struct action *a, int with_theme)
{
	const struct count_cube *c = r->d.c;
	char date[64];

	put(r, "<li data-theme=\"");
	esc(r, a->theme);
	put(r, "\">");
	if (with_theme) {
		put(r, "<p><strong>");
		esc(r, a->theme_index >= 0 ? c->themes[a->theme_index].label : a->theme);
		put(r, "</strong></p>");
	}
	write_action_text(r, a->text);
	if (a->owner || a->date) {
		put(r, "<p class=\"meta\">");
		if (a->owner) {
			put(r, "Who: ");
			esc(r, a->owner);
			put(r, a->date ? ". " : ".");
		}
		if (a->date) {
			date_text(date, sizeof date, a->date);
			put(r, "When: ");
			esc(r, date);
			put(r, ".");
		}
		put(r, "</p>");
	}
	put(r, "</li>\n");
}

static void write_actions(struct report *r, size_t k)
{
	size_t t = r->top[k], n = 0;

	put(r, "<h3>What we did</h3>\n");
	for (size_t i = 0; i < r->nactions; i++) {
		const struct action *a = &r->actions[i];

		if (a->section != (long)k)
			continue;
		put(r, n++ ? "" : "<ul class=\"actions\">\n");
		write_action(r, a, a->theme_index != (long)t);
	}
	put(r, n ? "</ul>\n" : "<p>We will report what we did about this.</p>\n");
}

static int write_theme(struct report *r, size_t k, struct err *e)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t t = r->top[k], all = c->dim[0].nvalues;
	long n = p->count[pub_at(p, t, all)];

	putf(r, "<section class=\"theme\" data-theme=\"");
	esc(r, c->themes[t].code);
	putf(r, "\">\n<h2 id=\"theme-%zu\">", k + 1);
	esc(r, c->themes[t].label);
	put(r, "</h2>\n<p class=\"lead\">");
	if (n < 0) {
		put(r, "The number of people who raised this is not shown, to protect their "
		    "privacy.");
	} else {
		char b[32];

		putf(r, "%s%s %s raised this.", rounded(r) ? "About " : "", num(b, sizeof b, n),
		     n == 1 ? "person" : "people");
	}
	put(r, "</p>\n");
	write_polarity(r, t);
	if (write_subthemes(r, t, e) < 0)
		return -1;
	put(r, "<div class=\"keep\">\n<h3>Where they live</h3>\n");
	write_chart(r, t);
	put(r, "</div>\n");
	write_theme_table(r, t);
	write_quotes(r, k, "<h3>What people said</h3>\n", REPORT_QUOTES);
	write_actions(r, k);
	put(r, "</section>\n");
	return 0;
}

/* Actions under themes not shown above, theme by theme in rule-file order. */
static void write_other_actions(struct report *r)
{
	const struct count_cube *c = r->d.c;
	size_t n = 0;

	for (size_t i = 0; i < r->nactions; i++)
		n += r->actions[i].section < 0;
	if (!n)
		return;
	put(r, "<section class=\"other\">\n<h2 id=\"other\">Other things we did</h2>\n"
	    "<p>What we did about things people raised that are not among the themes above.</p>\n"
	    "<ul class=\"actions\">\n");
	for (long t = 0; t <= (long)c->nthemes; t++)
		for (size_t i = 0; i < r->nactions; i++) {
			const struct action *a = &r->actions[i];

			/* Themes of the rule set first, then codes it no longer has. */
			if (a->section < 0 && (t < (long)c->nthemes ? a->theme_index == t :
					       a->theme_index < 0))
				write_action(r, a, 1);
		}
	put(r, "</ul>\n</section>\n");
}

static const char *channel_phrase(const char *code)
{
	return !strcmp(code, "online") ? "online" :
	       !strcmp(code, "paper") ? "on paper forms" :
	       !strcmp(code, "easy-read-paper") ? "on Easy Read forms" :
	       !strcmp(code, "event-card") ? "on cards at listening events and roadshows" :
	       !strcmp(code, "kiosk") ? "at a kiosk at roadshows" : NULL;
}

static void write_intro(struct report *r)
{
	const struct pub *ch = &r->ch;
	const struct count_cube *c = ch->c;
	size_t any = c->nthemes, nv = c->dim[0].nvalues, shown = 0, k = 0;
	long total = r->d.resp[pub_at(&r->d, r->d.c->nthemes, r->d.c->dim[0].nvalues)];
	char dates[160], b[32];
	static const char *const kinds[][2] = {
		{ "listening event", "listening events" }, { "roadshow", "roadshows" },
		{ "event for staff", "events for staff" }, { "other event", "other events" },
	};

	date_range(dates, sizeof dates, r->opens, r->closes);
	put(r, "<p class=\"lead\">From ");
	esc(r, dates);
	put(r, ", ");
	if (r->org && *r->org)
		esc(r, r->org);
	else
		put(r, "we");
	put(r, " asked people what they think. This page says what they told us about the "
	    "things raised most, and what we did about them.</p>\n");
	if (r->set.intro && *r->set.intro)
		write_action_text(r, r->set.intro);
	else if (r->desc && *r->desc) {
		put(r, "<p>");
		esc(r, r->desc);
		put(r, "</p>\n");
	}
	put(r, "<p class=\"took-part\">");
	if (total < 0) {
		put(r, "The number of people who took part is not shown");
	} else {
		putf(r, "%s%s %s took part", rounded(r) && total > 0 ? "About " : "",
		     num(b, sizeof b, total), total == 1 ? "person" : "people");
	}
	for (size_t v = 0; v < nv; v++)
		shown += ch->resp[pub_at(ch, any, v)] > 0 && channel_phrase(c->dim[0].values[v].code);
	for (size_t v = 0; v < nv; v++) {
		long n = ch->resp[pub_at(ch, any, v)];
		const char *how = channel_phrase(c->dim[0].values[v].code);

		if (n <= 0 || !how)
			continue;
		put(r, k == 0 ? ": " : k + 1 == shown ? " and " : ", ");
		about(r, n);
		putf(r, " %s", how);
		k++;
	}
	put(r, ".");
	k = 0;
	for (size_t i = 0; i < 4; i++)
		k += r->events[i] > 0;
	if (k) {
		size_t done = 0;

		put(r, " There were ");
		for (size_t i = 0; i < 4; i++) {
			if (!r->events[i])
				continue;
			put(r, done == 0 ? "" : done + 1 == k ? " and " : ", ");
			putf(r, "%ld %s", r->events[i], kinds[i][r->events[i] != 1]);
			done++;
		}
		put(r, ".");
	}
	put(r, "</p>\n");
}

/* "How we counted", in plain words; the rule set's version only in a comment. */
static void write_how(struct report *r)
{
	const struct sdc_rule *s = &r->opt->rule;

	put(r, "<section class=\"how\">\n<h2 id=\"how\">How we counted</h2>\n"
	    "<p>We read every answer people wrote and sorted what they said into themes, using the "
	    "same rules for every answer. Only forms that were checked are counted.</p>\n");
	/* Which tags were counted: the rules' alone, or with the reviewers' decisions. */
	put(r, r->d.c->decisions
	    ? "<p>A member of our team then checked how answers were sorted: where the rules put "
	      "an answer under the wrong theme or missed one, they corrected it, and the numbers "
	      "include those corrections.</p>\n"
	    : "<p>The numbers come from the rules alone: nobody corrected how answers were sorted "
	      "by hand.</p>\n");
	put(r, 
	    "<p>We count people, not comments. Someone who raised a theme in answer to more than "
	    "one question is counted once for it. One person can raise several themes, so the "
	    "numbers add up to more than the number of people who took part.</p>\n<p>");
	if (s->threshold > 1) {
		putf(r, "To protect people&#39;s privacy, we do not show numbers from 1 to %ld: you "
		     "will see * instead. ", s->threshold - 1);
		if (s->secondary)
			put(r, "Where a hidden number could be worked out from a total, we hide "
			    "another number too. ");
	}
	if (s->rounding > 1)
		putf(r, "We round the other numbers to the nearest %ld, so totals may not add up "
		     "exactly.", s->rounding);
	else
		put(r, s->threshold > 1 ? "The other numbers are exact." :
		    "The numbers are exact: none is hidden.");
	put(r, "</p>\n<p>The quotes are in people&#39;s own words. We have taken out names, "
	    "e-mail addresses, phone numbers, NHS numbers and postcodes");
	put(r, r->chosen ? ", and a member of our team read each quote before it was "
		"published.</p>\n" : ".</p>\n");
	write_removed(r, r->removed_other);
	if (r->agreement) {
		put(r, "<p><strong>How coders agreed.</strong> ");
		esc(r, r->agreement);
		put(r, "</p>\n");
	}
	put(r, "</section>\n");
	/* For the analysts: which rule set counted (its SHA-256, hex, so safe in a comment). */
	if (*r->d.c->ruleset) {
		char v[13];
		size_t n = 0;

		for (; n < 12 && r->d.c->ruleset[n]; n++)
			v[n] = strchr("0123456789abcdefABCDEF", r->d.c->ruleset[n]) ?
			       r->d.c->ruleset[n] : '?';
		v[n] = '\0';
		putf(r, "<!-- rule set version %s -->\n", v);
	}
}

/* Contact details and the offer of other formats, when written. */
static void write_contact(struct report *r)
{
	const struct report_settings *s = &r->set;
	int contact = s->contact && *s->contact, formats = s->formats && *s->formats;

	if (!contact && !formats)
		return;
	put(r, "<section class=\"contact\">\n<h2 id=\"contact\">Contact us</h2>\n");
	if (contact)
		write_action_text(r, s->contact);
	if (formats) {
		put(r, "\n<h3>Other formats</h3>\n");
		write_action_text(r, s->formats);
	}
	put(r, "\n</section>\n");
}

/* The logo as an image from inside the page (a data: URL): it runs nothing and loads nothing. */
static void write_logo(struct report *r)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const struct report_settings *s = &r->set;
	const unsigned char *d = s->logo;

	if (!s->logo_mime || !s->logo || !s->logo_len)
		return;
	putf(r, "<img class=\"logo\" src=\"data:%s;base64,",
	     strcmp(s->logo_mime, "image/png") ? "image/svg+xml" : "image/png");
	for (size_t i = 0; i < s->logo_len; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (i + 1 < s->logo_len ? (unsigned)d[i + 1] << 8 : 0) |
			     (i + 2 < s->logo_len ? d[i + 2] : 0);
		char q[5] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
			      i + 1 < s->logo_len ? b64[v >> 6 & 63] : '=',
			      i + 2 < s->logo_len ? b64[v & 63] : '=', 0 };

		put(r, q);
	}
	put(r, "\" alt=\"");
	esc(r, s->logo_alt && *s->logo_alt ? s->logo_alt : r->org && *r->org ? r->org : "Logo");
	put(r, "\">\n");
}

/* "You said / We did": a short pair for each theme, no tables or charts. */
static void write_pair(struct report *r, size_t k)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t t = r->top[k], all = c->dim[0].nvalues, n = 0;
	long v = p->count[pub_at(p, t, all)];

	put(r, "<section class=\"pair\" data-theme=\"");
	esc(r, c->themes[t].code);
	putf(r, "\">\n<h2 id=\"theme-%zu\">", k + 1);
	esc(r, c->themes[t].label);
	put(r, "</h2>\n<h3>You said</h3>\n<p class=\"lead\">");
	if (v < 0) {
		put(r, "Some of you raised this (the number is not shown, to protect people&#39;s "
		    "privacy).");
	} else {
		char b[32];

		putf(r, "%s%s of you raised this.", rounded(r) ? "About " : "",
		     num(b, sizeof b, v));
	}
	put(r, "</p>\n");
	write_polarity(r, t);
	/* A pair is short: one quote, the first approved. */
	write_quotes(r, k, NULL, 1);
	put(r, "<h3>We did</h3>\n");
	for (size_t i = 0; i < r->nactions; i++) {
		const struct action *a = &r->actions[i];

		if (a->section != (long)k)
			continue;
		put(r, n++ ? "" : "<ul class=\"actions\">\n");
		write_action(r, a, a->theme_index != (long)t);
	}
	put(r, n ? "</ul>\n" : "<p>We will report what we did about this.</p>\n");
	put(r, "</section>\n");
}

/* Everything inside <main>, the same in the page and in the fragment. */
static int write_contents(struct report *r, struct err *e)
{
	const struct count_cube *c = r->d.c;
	int other = 0, pairs = r->layout == REPORT_LAYOUT_PAIRS;

	put(r, "<h1>");
	if (pairs)
		put(r, "You said, we did: ");
	esc(r, r->title);
	put(r, "</h1>\n");
	write_intro(r);
	for (size_t i = 0; i < r->nactions; i++)
		other |= r->actions[i].section < 0;
	if (!r->fragment) {
		put(r, "<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">On this page</h2>\n"
		    "<ol>\n");
		if (!pairs)
			put(r, "<li><a href=\"#who\">Who took part</a></li>\n");
		for (size_t k = 0; k < r->ntop; k++) {
			putf(r, "<li><a href=\"#theme-%zu\">", k + 1);
			esc(r, c->themes[r->top[k]].label);
			put(r, "</a></li>\n");
		}
		if (other)
			put(r, "<li><a href=\"#other\">Other things we did</a></li>\n");
		if ((r->set.contact && *r->set.contact) || (r->set.formats && *r->set.formats))
			put(r, "<li><a href=\"#contact\">Contact us</a></li>\n");
		put(r, "<li><a href=\"#how\">How we counted</a></li>\n</ol>\n</nav>\n");
	}
	if (!pairs) {
		put(r, "<section>\n<h2 id=\"who\">Who took part</h2>\n");
		write_took_part(r, &r->ch, "channel", "How people took part", "How");
		write_took_part(r, &r->d, "district", "Where people live", "District");
		put(r, "</section>\n");
	}
	if (!r->ntop)
		put(r, "<p>No theme has been raised yet.</p>\n");
	for (size_t k = 0; k < r->ntop; k++) {
		if (pairs)
			write_pair(r, k);
		else if (write_theme(r, k, e) < 0)
			return -1;
	}
	write_other_actions(r);
	write_contact(r);
	write_how(r);
	return 0;
}

int report_write_page(struct report *r, struct err *e)
{
	if (r->fragment) {
		put(r, "<div class=\"you-said-we-did\">\n");
		if (write_contents(r, e) < 0)
			return -1;
		if (r->opt->stamp) {
			put(r, "<p class=\"stamp\">Produced on ");
			esc(r, r->opt->stamp);
			put(r, ".</p>\n");
		}
		put(r, "</div>\n");
		return 0;
	}
	put(r, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>You said, we did: ");
	esc(r, r->title);
	putf(r, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	     "<a class=\"skip\" href=\"#main\">Skip to the main content</a>\n"
	     "<header>\n<div class=\"wrap\">\n", style);
	write_logo(r);
	put(r, "<p>");
	if (r->org && *r->org)
		esc(r, r->org);
	else
		esc(r, r->title);
	put(r, "</p>\n<p class=\"kind\">You said, we did</p>\n</div>\n</header>\n"
	    "<main id=\"main\" tabindex=\"-1\">\n<div class=\"wrap\">\n");
	if (write_contents(r, e) < 0)
		return -1;
	put(r, "</div>\n</main>\n<footer>\n<div class=\"wrap\">\n<p>");
	if (r->org && *r->org) {
		esc(r, r->org);
		put(r, ". ");
	}
	esc(r, r->title);
	put(r, ".</p>\n");
	if (r->opt->stamp) {
		put(r, "<p class=\"stamp\">Produced on ");
		esc(r, r->opt->stamp);
		put(r, ".</p>\n");
	}
	put(r, "</div>\n</footer>\n</body>\n</html>\n");
	return 0;
}
