/*
 * page_report.c: comms staff shape "You said, we did" and publish it. One
 * form holds the layout, the themes and their order, the introduction,
 * contact details, the offer of other formats and what was done about each
 * theme; saving it adds a version of each setting that changed
 * (report_settings.h). Quotes are chosen on their own page
 * (page_report_quotes.c). The preview is the page itself, written by the
 * code `analyser report` uses; Publish writes it and its fragment to the
 * file the service was started with (--publish), as the command would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "ledger.h"
#include "logo.h"
#include "page.h"
#include "page_report.h"
#include "pages.h"
#include "report_settings.h"
#include "tag_state.h"

#define MAX_THEMES 200

void page_report_options(struct report_options *o)
{
	*o = (struct report_options){ .top = REPORT_TOP_DEFAULT, .rule = SDC_NHS };
}

int page_report_theme_label(struct req *r, const char *code, char *buf, size_t cap,
			    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	buf[0] = '\0';
	if (!(st = db_prepare(r->db, "SELECT h.label FROM theme h JOIN ruleset s ON s.id = "
				     "h.ruleset_id WHERE s.exercise_id = ?1 AND h.code = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(r->db, "reading the themes", e);
}

/* The top-level themes: code, label, and where the editor lists them. */
struct theme_row {
	char *code, *label;
	int shown;          /* chosen (or, never chosen, among the most raised) */
	int order;          /* position among the shown */
};

struct themes {
	struct theme_row *t;
	size_t n;
};

static void themes_free(struct themes *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->t[i].code);
		free(ts->t[i].label);
	}
	free(ts->t);
	memset(ts, 0, sizeof *ts);
}

static int by_order(const void *a, const void *b)
{
	const struct theme_row *x = a, *y = b;

	if (x->shown != y->shown)
		return y->shown - x->shown;
	return x->order - y->order;
}

/*
 * The level-1 themes, those shown first in their order. Never chosen: the
 * most raised (by respondents, before disclosure control: a default only,
 * never shown as a number) up to the report's default.
 */
static int themes_load(struct req *r, const struct report_settings *s, struct themes *ts,
		       struct err *e)
{
	sqlite3_stmt *st = db_prepare(r->db,
		"WITH RECURSIVE anc(id, top) AS (SELECT h.id, h.id FROM theme h JOIN ruleset s ON "
		"s.id = h.ruleset_id WHERE s.exercise_id = ?1 AND h.depth = 1 UNION ALL "
		"SELECT h.id, anc.top FROM theme h JOIN anc ON h.parent_id = anc.id) "
		"SELECT t.code, t.label, (SELECT count(DISTINCT a.response_id) FROM anc JOIN tag g "
		"ON g.theme_id = anc.id JOIN answer a ON a.id = g.answer_id WHERE anc.top = t.id) "
		"AS n FROM theme t JOIN ruleset s ON s.id = t.ruleset_id WHERE s.exercise_id = ?1 "
		"AND t.depth = 1 AND t.safeguarding = 0 ORDER BY n DESC, t.position LIMIT 200", e);
	int rc;

	memset(ts, 0, sizeof *ts);
	if (!st)
		return -1;
	if (!(ts->t = calloc(MAX_THEMES, sizeof *ts->t))) {
		sqlite3_finalize(st);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ts->n < MAX_THEMES) {
		struct theme_row *t = &ts->t[ts->n];

		t->code = strdup((const char *)sqlite3_column_text(st, 0));
		t->label = strdup((const char *)sqlite3_column_text(st, 1));
		if (!t->code || !t->label) {
			free(t->code);
			free(t->label);
			break;
		}
		t->order = 1000 + (int)ts->n;
		if (!s->themes_set) {
			t->shown = ts->n < REPORT_TOP_DEFAULT && sqlite3_column_int(st, 2) > 0;
			t->order = (int)ts->n + 1;
		}
		for (size_t k = 0; s->themes_set && k < s->nthemes; k++)
			if (!strcmp(s->themes[k], t->code)) {
				t->shown = 1;
				t->order = (int)k + 1;
			}
		ts->n++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW && ts->n < MAX_THEMES)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r->db, "reading the themes", e);
	qsort(ts->t, ts->n, sizeof *ts->t, by_order);
	return 0;
}

static void textarea(struct req *r, const char *id, const char *label, const char *hint,
		     const char *value, int rows)
{
	struct html *h = &r->body;

	html_raw(h, "<div class=\"field\">\n<label for=\"");
	html_esc(h, id);
	html_raw(h, "\">");
	html_esc(h, label);
	html_raw(h, "</label>\n");
	if (hint) {
		html_raw(h, "<p class=\"hint\" id=\"");
		html_esc(h, id);
		html_raw(h, "-hint\">");
		html_esc(h, hint);
		html_raw(h, "</p>\n");
	}
	html_raw(h, "<textarea class=\"textarea\" id=\"");
	html_esc(h, id);
	html_raw(h, "\" name=\"");
	html_esc(h, id);
	html_fmt(h, "\" rows=\"%d\"", rows);
	if (hint) {
		html_raw(h, " aria-describedby=\"");
		html_esc(h, id);
		html_raw(h, "-hint\"");
	}
	html_raw(h, ">");
	html_esc(h, value);
	html_raw(h, "</textarea>\n</div>\n");
}

/* What was done about one theme: each action to edit (empty: deleted), and one to add. */
static int we_did(struct req *r, const struct theme_row *t, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	char id[64], label[300];
	int rc, n = 0;

	if (!(st = db_prepare(r->db, "SELECT id, text FROM action WHERE exercise_id = ?1 AND "
				     "theme_code = ?2 ORDER BY id", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	sqlite3_bind_text(st, 2, t->code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(id, sizeof id, "action-%lld", (long long)sqlite3_column_int64(st, 0));
		snprintf(label, sizeof label, "We did (%d)", ++n);
		textarea(r, id, label, n == 1 ? "Empty a box to take that text off the page." : NULL,
			 (const char *)sqlite3_column_text(st, 1), 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "reading what was done", e);
	snprintf(id, sizeof id, "new-%s", t->code);
	textarea(r, id, n ? "Add more about what we did" : "We did",
		 n ? NULL : "What you did, or will do, about this. Leave a blank line between "
			    "paragraphs.", "", 3);
	html_raw(h, "<p><a href=\"/report/quotes?theme=");
	html_url(h, t->code);
	html_raw(h, "\">Choose the quotes for ");
	html_esc(h, t->label);
	html_raw(h, "</a></p>\n");
	return 0;
}

static int editor(struct req *r, const char *problem, const char *field, struct err *e)
{
	struct html *h = &r->body;
	struct report_settings s;
	struct themes ts;
	struct page_problem p = { field ? field : "show-0", problem };
	size_t shown = 0;
	int ret = -1, pairs;

	if (report_settings_load(r->db, r->cfg->exercise_id, &s, e) < 0)
		return -1;
	if (themes_load(r, &s, &ts, e) < 0) {
		report_settings_free(&s);
		themes_free(&ts);
		return -1;
	}
	if (problem)
		r->status = 400;
	page_begin(r, problem ? "Error: You said, we did" : "You said, we did");
	page_error_summary(r, &p, problem ? 1 : 0);
	html_raw(h, "<h1>You said, we did</h1>\n");
	if (!problem && req_query(r, "saved"))
		html_raw(h, "<div class=\"panel\" role=\"status\">\n<p>Your changes are saved. "
			    "Nothing is published until you press Publish.</p>\n</div>\n");
	html_raw(h, "<p>Choose what the public page shows and write your own words. Save, look "
		    "at the preview, then publish. Every change is kept with your name and the "
		    "time.</p>\n<p><a href=\"/report/preview\">Preview the page as it will be "
		    "published</a> (opens the page itself)</p>\n");
	html_raw(h, "<form method=\"post\" action=\"/report\" novalidate>\n");
	page_csrf(r);
	pairs = s.layout == REPORT_LAYOUT_PAIRS;
	html_raw(h, "<fieldset class=\"field\">\n<legend>Layout</legend>\n<div class=\"choice\">"
		    "<input type=\"radio\" id=\"layout-statistical\" name=\"layout\" "
		    "value=\"statistical\"");
	html_raw(h, pairs ? "" : " checked");
	html_raw(h, "><label for=\"layout-statistical\">Numbers, charts and tables for each theme"
		    "</label></div>\n<div class=\"choice\"><input type=\"radio\" id=\"layout-pairs\" "
		    "name=\"layout\" value=\"pairs\"");
	html_raw(h, pairs ? " checked" : "");
	html_raw(h, "><label for=\"layout-pairs\">Short &ldquo;You said / We did&rdquo; pairs"
		    "</label></div>\n</fieldset>\n");
	textarea(r, "intro", "Introduction", "Opens the page, under the title. Leave a blank "
		 "line between paragraphs.", s.intro ? s.intro : "", 5);

	html_raw(h, "<h2>Themes</h2>\n<p class=\"hint\">Tick the themes the page shows and number "
		    "them in the order you want: 1 comes first.</p>\n<table class=\"table\">\n"
		    "<caption>Themes and their order</caption>\n<thead><tr><th scope=\"col\">Theme"
		    "</th><th scope=\"col\">Show</th><th scope=\"col\">Position</th></tr></thead>\n"
		    "<tbody>\n");
	for (size_t i = 0; i < ts.n; i++) {
		const struct theme_row *t = &ts.t[i];

		html_fmt(h, "<tr><th scope=\"row\" id=\"th-%zu\">", i);
		html_esc(h, t->label);
		html_fmt(h, "</th><td><div class=\"choice choice-inline\"><input type=\"checkbox\" "
			    "id=\"show-%zu\" name=\"show\" value=\"", i);
		html_esc(h, t->code);
		html_raw(h, t->shown ? "\" checked>" : "\">");
		html_fmt(h, "<label for=\"show-%zu\">Show<span class=\"hidden\"> ", i);
		html_esc(h, t->label);
		html_raw(h, "</span></label></div></td><td><label class=\"hidden\" for=\"order-");
		html_esc(h, t->code);
		html_raw(h, "\">Position of ");
		html_esc(h, t->label);
		html_raw(h, "</label><input class=\"input input-short\" type=\"text\" "
			    "inputmode=\"numeric\" id=\"order-");
		html_esc(h, t->code);
		html_raw(h, "\" name=\"order-");
		html_esc(h, t->code);
		html_fmt(h, "\" value=\"%d\"></td></tr>\n", t->shown ? (int)++shown : (int)(i + 1));
	}
	html_raw(h, "</tbody>\n</table>\n");
	if (!ts.n)
		html_raw(h, "<p>No theme yet: the answers have not been tagged.</p>\n");

	html_raw(h, "<h2>What we did</h2>\n");
	for (size_t i = 0; i < ts.n && ts.t[i].shown; i++) {
		html_raw(h, "<h3>");
		html_esc(h, ts.t[i].label);
		html_raw(h, "</h3>\n");
		if (we_did(r, &ts.t[i], e) < 0)
			goto out;
	}
	html_raw(h, "<h2>Contact and other formats</h2>\n");
	textarea(r, "contact", "Contact details", "How people can reach the team: phone, e-mail, "
		 "address.", s.contact ? s.contact : "", 4);
	textarea(r, "formats", "Other formats", "How to ask for this page in Easy Read, large "
		 "print or another language.", s.formats ? s.formats : "", 4);
	html_raw(h, "<button class=\"button\" type=\"submit\">Save changes</button>\n</form>\n");

	html_raw(h, "<h2>Logo</h2>\n<p>");
	html_raw(h, s.logo_mime ? "The page has a logo. A new one replaces it." :
		    "The page has no logo yet.");
	html_raw(h, "</p>\n<form method=\"post\" action=\"/report/logo\" "
		    "enctype=\"multipart/form-data\" novalidate>\n");
	page_csrf(r);
	html_fmt(h, "<div class=\"field\">\n<label for=\"logo\">Logo file</label>\n<p class=\"hint\" "
		    "id=\"logo-hint\">A PNG or SVG file of at most %d KB. SVG files with scripts, "
		    "styles or links are refused.</p>\n", REPORT_LOGO_MAX / 1024);
	html_raw(h, "<input class=\"input\" type=\"file\" id=\"logo\" name=\"logo\" "
		    "accept=\"image/png,image/svg+xml\" aria-describedby=\"logo-hint\">\n</div>\n"
		    "<div class=\"field\">\n<label for=\"alt\">What the logo says</label>\n"
		    "<p class=\"hint\" id=\"alt-hint\">Read out instead of the picture, for example "
		    "your organisation&#39;s name.</p>\n<input class=\"input\" type=\"text\" "
		    "id=\"alt\" name=\"alt\" aria-describedby=\"alt-hint\" value=\"");
	html_esc(h, s.logo_alt ? s.logo_alt : "");
	html_raw(h, "\">\n</div>\n<button class=\"button\" type=\"submit\" name=\"action\" "
		    "value=\"upload\">Upload the logo</button>\n");
	if (s.logo_mime)
		html_raw(h, "<button class=\"button button-secondary\" type=\"submit\" "
			    "name=\"action\" value=\"remove\">Take the logo off</button>\n");
	html_raw(h, "</form>\n");

	html_raw(h, "<h2>Publish</h2>\n<p>Publishing writes the page and a copy-ready piece of "
		    "it for your website to:</p>\n<p><code>");
	html_esc(h, r->cfg->publish);
	html_raw(h, "</code></p>\n<form method=\"post\" action=\"/report/publish\">\n");
	page_csrf(r);
	html_raw(h, "<button class=\"button\" type=\"submit\">Publish</button>\n</form>\n"
		    "<p><a href=\"/\">Home</a></p>\n");
	page_end(r);
	ret = 0;
out:
	report_settings_free(&s);
	themes_free(&ts);
	return ret;
}

int page_report(struct req *r, struct err *e)
{
	return editor(r, NULL, NULL, e);
}

int page_report_home(struct req *r, struct err *e)
{
	struct html *h = &r->body;

	(void)e;
	page_begin(r, "Home");
	if (r->sess.role == ROLE_ANALYST) {
		html_raw(h, "<h1>Review the tags</h1>\n"
			    "<p><a href=\"/review?queue=untagged\">Answers with no theme</a></p>\n"
			    "<p><a href=\"/review?queue=sample\">A random sample of answers, for "
			    "audit</a></p>\n"
			    "<p><a href=\"/review/progress\">Progress of the review, and one "
			    "theme's answers</a></p>\n"
			    "<h2>Safeguarding</h2>\n"
			    "<p><a href=\"/safeguarding\">Safeguarding: answers to review</a></p>\n");
		page_end(r);
		return 0;
	}
	/* Comms staff: the report. */
	html_raw(h, "<h1>You said, we did</h1>\n"
		    "<p><a href=\"/report\">Edit and publish the report</a></p>\n"
		    "<p><a href=\"/report/preview\">Preview the page as it will be "
		    "published</a></p>\n");
	page_end(r);
	return 0;
}

/* Fields the editor's form may have: theme codes come in "order-" and "action-"/"new-" names. */
static int editor_field(const char *name, void *ctx)
{
	(void)ctx;
	if (!strcmp(name, "show"))
		return 2;
	return !strcmp(name, "csrf") || !strcmp(name, "layout") || !strcmp(name, "intro") ||
	       !strcmp(name, "contact") || !strcmp(name, "formats") ||
	       !strncmp(name, "order-", 6) || !strncmp(name, "action-", 7) ||
	       !strncmp(name, "new-", 4);
}

struct pick {
	const char *code;
	long order;
};

static int pick_cmp(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

static int save_actions(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	long long ex = r->cfg->exercise_id;

	for (size_t i = 0; i < f->n; i++) {
		const char *name = f->f[i].name;
		char theme[256];
		int rc = 1;

		if (!strncmp(name, "new-", 4)) {
			rc = report_action_save(r->db, ex, 0, name + 4, f->f[i].value, r->sess.name, e);
		} else if (!strncmp(name, "action-", 7)) {
			long long id = atoll(name + 7);
			char ids[32], exs[32];
			sqlite3_stmt *st;
			int s;

			snprintf(ids, sizeof ids, "%lld", id);
			snprintf(exs, sizeof exs, "%lld", ex);
			if (!(st = db_prepare(r->db, "SELECT theme_code FROM action WHERE id = ?1 AND "
						     "exercise_id = ?2", e)))
				return -1;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, ex);
			theme[0] = '\0';
			if ((s = sqlite3_step(st)) == SQLITE_ROW)
				snprintf(theme, sizeof theme, "%s",
					 (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
			if (s != SQLITE_ROW && s != SQLITE_DONE)
				return db_fail(r->db, "reading what was done", e);
			if (!theme[0])
				return err_set(e, EXIT_DATA, "field %s: no such action in this exercise",
					       name);
			rc = report_action_save(r->db, ex, id, theme, f->f[i].value, r->sess.name, e);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int page_report_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *layout = form_get(f, "layout");
	static const char *const texts[] = { "intro", "contact", "formats" };
	size_t n = form_count(f, "show"), k = 0, len = 0;
	struct pick *picks;
	char *themes;
	int rc = -1;

	if (form_check(f, editor_field, NULL, &bad) < 0)
		return err_set(e, EXIT_DATA, "the form has a field it should not have (%.60s)", bad);
	if (layout && strcmp(layout, "statistical") && strcmp(layout, "pairs"))
		return editor(r, "Choose one of the two layouts.", "layout-statistical", e);
	for (size_t i = 0; i < 3; i++) {
		const char *v = form_get(f, texts[i]);

		if (v && strlen(v) > REPORT_SETTING_MAX)
			return editor(r, "That text is too long: keep it under 20,000 characters.",
				      texts[i], e);
	}
	if (!(picks = calloc(n + 1, sizeof *picks)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; i < f->n; i++) {
		char oname[300];

		if (strcmp(f->f[i].name, "show"))
			continue;
		snprintf(oname, sizeof oname, "order-%s", f->f[i].value);
		picks[k].code = f->f[i].value;
		if (!(picks[k].order = form_whole(form_get(f, oname), 999))) {
			free(picks);
			return editor(r, "Give each theme you show a position: a whole number from "
				      "1 to 999.", NULL, e);
		}
		if (strchr(picks[k].code, '\n')) {
			free(picks);
			return err_set(e, EXIT_DATA, "field show: a theme code has no line break");
		}
		len += strlen(picks[k].code) + 1;
		k++;
	}
	qsort(picks, k, sizeof *picks, pick_cmp);
	if (!(themes = calloc(len + 1, 1))) {
		free(picks);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < k; i++) {
		strcat(themes, picks[i].code);
		strcat(themes, "\n");
	}
	web_write_lock();
	if (db_begin(r->db, e) < 0)
		goto unlock;
	if (report_setting_save(r->db, r->cfg->exercise_id, "themes", themes, r->sess.name, e) < 0 ||
	    (layout && report_setting_save(r->db, r->cfg->exercise_id, "layout", layout,
					   r->sess.name, e) < 0))
		goto fail;
	for (size_t i = 0; i < 3; i++) {
		const char *v = form_get(f, texts[i]);

		if (v && report_setting_save(r->db, r->cfg->exercise_id, texts[i], v, r->sess.name,
					     e) < 0)
			goto fail;
	}
	if (save_actions(r, e) < 0 ||
	    audit_log(r->db, r->sess.name, r->address, "report-edit", "report", e) < 0)
		goto fail;
	if (db_commit(r->db, e) < 0)
		goto unlock;
	rc = 0;
	goto unlock;
fail:
	db_rollback(r->db);
unlock:
	web_write_unlock();
	free(picks);
	free(themes);
	if (rc == 0)
		req_redirect(r, "/report?saved=1");
	return rc;
}

/* The page itself, as it will be published: its own inline style and data: logo allowed. */
int page_report_preview(struct req *r, struct err *e)
{
	struct report_options opt;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	page_report_options(&opt);
	/* Hidden as publishing would hide (earlier publications included); nothing recorded. */
	web_write_lock();
	if (!(opt.ledger = ledger_open(r->db, r->cfg->exercise_id, &opt.rule, e)))
		rc = -1;
	else
		rc = report_write_html(r->db, r->cfg->exercise_id, &opt, f, e);
	ledger_free(opt.ledger);
	web_write_unlock();
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc == 0)
		html_raw(&r->body, buf);
	free(buf);
	if (rc < 0)
		return -1;
	r->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
		 "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
	return 0;
}

int page_report_publish(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	struct report_options opt;
	char frag[4096];
	int rc = -1;

	if (form_count(&r->form, "csrf") != 1 || r->form.n != 1)
		return err_set(e, EXIT_DATA, "the form has a field it should not have");
	page_report_options(&opt);
	if (tag_state_require_current(r->db, r->cfg->exercise_id, r->cfg->db_path, e) < 0) {
		char msg[600];

		if (e->code != EXIT_DATA)
			return -1;
		snprintf(msg, sizeof msg, "Not published: %s Ask whoever runs the analysis to "
			 "tag the answers again.", err_first(e));
		err_init(e);
		page_message(r, 409, "Not published", msg);
		return 0;
	}
	web_write_lock();
	if ((opt.ledger = ledger_open(r->db, r->cfg->exercise_id, &opt.rule, e)) &&
	    report_publish(r->db, r->cfg->exercise_id, r->cfg->publish, &opt, e) == 0) {
		if (ledger_commit(opt.ledger, e) == 0)
			rc = 0;
		else {
			unlink(r->cfg->publish);
			if (report_fragment_path(r->cfg->publish, frag, sizeof frag) == 0)
				unlink(frag);
		}
	}
	ledger_free(opt.ledger);
	web_write_unlock();
	if (rc < 0)
		return -1;
	if (audit_log(r->db, r->sess.name, r->address, "report-publish", "report", e) < 0)
		return -1;
	report_fragment_path(r->cfg->publish, frag, sizeof frag);
	page_begin(r, "Published");
	html_raw(h, "<div class=\"panel\">\n<h1>Published</h1>\n</div>\n<p>The page is in</p>\n"
		    "<p><code>");
	html_esc(h, r->cfg->publish);
	html_raw(h, "</code></p>\n<p>and the piece to paste into your website in</p>\n<p><code>");
	html_esc(h, frag);
	html_raw(h, "</code></p>\n<p><a href=\"/report\">Back to the report</a></p>\n");
	page_end(r);
	return 0;
}

static int logo_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "action") || !strcmp(name, "alt");
}

int page_report_logo(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *action = form_get(f, "action"), *alt = form_get(f, "alt"), *mime;
	int rc;

	if (form_check(f, logo_field, NULL, &bad) < 0 || !action ||
	    (strcmp(action, "upload") && strcmp(action, "remove")) ||
	    (r->file && strcmp(r->file_field, "logo")))
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	if (alt && strlen(alt) > 300)
		return editor(r, "Keep what the logo says under 300 characters.", "alt", e);
	if (!strcmp(action, "upload")) {
		if (!r->file || !r->file_len)
			return editor(r, "Choose a logo file to upload.", "logo", e);
		if (!alt || !alt[strspn(alt, " ")])
			return editor(r, "Say what the logo says, for people who cannot see it.",
				      "alt", e);
		if (logo_check((const unsigned char *)r->file, r->file_len, &mime, e) < 0) {
			char msg[400];

			if (e->code != EXIT_DATA)
				return -1;
			snprintf(msg, sizeof msg, "The logo was not saved: %s.", err_first(e));
			err_init(e);
			return editor(r, msg, "logo", e);
		}
	}
	web_write_lock();
	rc = !strcmp(action, "upload")
		? report_logo_save(r->db, r->cfg->exercise_id, mime, r->file, r->file_len, alt,
				   r->sess.name, e)
		: report_logo_save(r->db, r->cfg->exercise_id, NULL, NULL, 0, NULL, r->sess.name, e);
	if (rc == 0)
		rc = audit_log(r->db, r->sess.name, r->address, "report-logo", "report", e);
	web_write_unlock();
	if (rc < 0)
		return -1;
	req_redirect(r, "/report?saved=1");
	return 0;
}
