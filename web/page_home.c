/* page_home.c: the exercise, its events and forms, and where to start typing. */
#include "db.h"
#include "page.h"
#include "pages.h"

/* The events as a table, and as the choices of the form that starts typing. */
static int events(struct req *r, int as_options, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!(st = db_prepare(r->db, "SELECT code, title, venue, coalesce(town, ''), held_on FROM "
				     "event WHERE exercise_id = ?1 ORDER BY held_on, code", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);

		n++;
		if (as_options) {
			html_raw(h, "<option value=\"");
			html_esc(h, code);
			html_raw(h, "\">");
			html_esc(h, code);
			html_raw(h, ": ");
			html_esc(h, (const char *)sqlite3_column_text(st, 1));
			html_raw(h, "</option>\n");
			continue;
		}
		if (n == 1)
			html_raw(h, "<table class=\"table\">\n<caption>Events</caption>\n<thead><tr>"
				    "<th scope=\"col\">Code</th><th scope=\"col\">Event</th>"
				    "<th scope=\"col\">Where</th><th scope=\"col\">Date</th></tr>"
				    "</thead>\n<tbody>\n");
		html_raw(h, "<tr><td>");
		html_esc(h, code);
		html_raw(h, "</td><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, "</td><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 2));
		if (*sqlite3_column_text(st, 3)) {
			html_raw(h, ", ");
			html_esc(h, (const char *)sqlite3_column_text(st, 3));
		}
		html_raw(h, "</td><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 4));
		html_raw(h, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "listing the events", e);
	if (!as_options)
		html_raw(h, n ? "</tbody>\n</table>\n" : "<p>This exercise has no events yet.</p>\n");
	return n;
}

static int has_variant(struct req *r, const char *variant, int *yes, struct err *e)
{
	long long n;
	char id[32];

	snprintf(id, sizeof id, "%lld", r->cfg->exercise_id);
	if (db_int(r->db, "SELECT count(*) FROM questionnaire WHERE exercise_id = ?1 AND "
			  "variant = ?2", 0, &n, e, 2, id, variant) < 0)
		return -1;
	*yes = n > 0;
	return 0;
}

int page_home(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc, std, easy, nev;

	/* Comms staff and analysts do not type forms: their own home page. */
	if (r->sess.role == ROLE_COMMS || r->sess.role == ROLE_ANALYST)
		return page_report_home(r, e);
	page_begin(r, "Home");
	if (!(st = db_prepare(r->db, "SELECT title FROM exercise WHERE id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	rc = sqlite3_step(st);
	html_raw(h, "<h1>");
	html_esc(h, rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "Survey forms");
	html_raw(h, "</h1>\n");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r->db, "reading the exercise", e);
	if (has_variant(r, "standard", &std, e) < 0 || has_variant(r, "easy-read", &easy, e) < 0)
		return -1;

	html_raw(h, "<h2>Type in paper forms</h2>\n");
	html_raw(h, "<form method=\"get\" action=\"/entry\">\n<div class=\"field\">\n"
		    "<label for=\"event\">Event the forms come from</label>\n"
		    "<select class=\"select\" id=\"event\" name=\"event\">\n");
	if ((nev = events(r, 1, e)) < 0)
		return -1;
	html_raw(h, "</select>\n</div>\n<fieldset class=\"field\">\n<legend>Which form</legend>\n");
	if (std)
		html_raw(h, "<div class=\"choice\"><input type=\"radio\" id=\"form-standard\" "
			    "name=\"form\" value=\"standard\" checked><label for=\"form-standard\">"
			    "Standard form</label></div>\n");
	if (easy)
		html_raw(h, std ? "<div class=\"choice\"><input type=\"radio\" id=\"form-easy\" "
				  "name=\"form\" value=\"easy-read\"><label for=\"form-easy\">"
				  "Easy Read form</label></div>\n"
				: "<div class=\"choice\"><input type=\"radio\" id=\"form-easy\" "
				  "name=\"form\" value=\"easy-read\" checked><label for=\"form-easy\">"
				  "Easy Read form</label></div>\n");
	html_raw(h, "</fieldset>\n<fieldset class=\"field\">\n<legend>What you are doing</legend>\n"
		    "<div class=\"choice\"><input type=\"radio\" id=\"mode-first\" name=\"mode\" "
		    "value=\"first\" checked><label for=\"mode-first\">Typing forms in for the "
		    "first time</label></div>\n"
		    "<div class=\"choice\"><input type=\"radio\" id=\"mode-second\" name=\"mode\" "
		    "value=\"second\"><label for=\"mode-second\">Checking forms another officer "
		    "typed (second entry, without seeing theirs)</label></div>\n</fieldset>\n");
	html_raw(h, nev ? "<button class=\"button\" type=\"submit\">Start</button>\n</form>\n"
			: "</form>\n<p>There are no events to type forms for.</p>\n");
	html_raw(h, r->sess.role >= ROLE_SUPERVISOR
			    ? "<p><a href=\"/entry/mine\">Typed forms: see or change them</a></p>\n"
			    : "<p><a href=\"/entry/mine\">Your typed forms: see or change them</a></p>\n");

	if (role_allows(r->sess.role, ROLE_SUPERVISOR))
		html_raw(h, "<h2>Supervisors</h2>\n<p><a href=\"/resolve\">Settle differences "
			    "between two officers' entries</a></p>\n"
			    "<p><a href=\"/figures\">Typing figures by officer and batch</a></p>\n"
			    "<p><a href=\"/kiosks\">Kiosk links for the public at events</a></p>\n");
	if (role_allows(r->sess.role, ROLE_COMMS))
		html_raw(h, "<h2>You said, we did</h2>\n<p><a href=\"/report\">Edit and publish the "
			    "report</a></p>\n");
	if (role_allows(r->sess.role, ROLE_ANALYST)) {
		html_raw(h, "<h2>Review the tags</h2>\n<p><a href=\"/review\">Answers to review"
			    "</a></p>\n<p><a href=\"/review/progress\">Progress of the review</a>"
			    "</p>\n");
		html_raw(h, "<h2>Safeguarding</h2>\n<p><a href=\"/safeguarding\">Answers to "
			    "review</a></p>\n");
	}
	if (role_allows(r->sess.role, ROLE_ADMIN))
		html_raw(h, "<h2>Administrators</h2>\n<p><a href=\"/admin\">Accounts</a></p>\n");
	html_raw(h, "<h2>Events</h2>\n");
	if (events(r, 0, e) < 0)
		return -1;
	page_end(r);
	return 0;
}
