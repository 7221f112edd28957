/*
 * page_figures.c: what a supervisor wants to know of the typing, per
 * officer and per batch: forms typed first, forms checked (second entry),
 * forms verified, and differences found per 100 fields checked. A field is
 * one question of a form that has had its second entry. Forms from kiosks
 * (typed by the public) are not an officer's and are left out.
 */
#include <stdio.h>

#include "db.h"
#include "page.h"
#include "pages.h"

/* Per officer: first entries, verified among them, and their checked fields and differences. */
static const char officer_sql[] =
	"WITH f AS (SELECT r.id, r.officer, r.entry_status, "
	"  (SELECT count(*) FROM entry_copy c WHERE c.response_id = r.id) AS checked, "
	"  (SELECT count(*) FROM question q JOIN questionnaire n ON n.id = q.questionnaire_id "
	"   WHERE n.exercise_id = r.exercise_id AND n.variant = r.form_variant) AS nq, "
	"  (SELECT count(*) FROM entry_difference d WHERE d.response_id = r.id) AS nd "
	"  FROM response r JOIN import_batch b ON b.id = r.batch_id "
	"  WHERE r.exercise_id = ?1 AND b.format IN ('entry', 'entry-batch') AND "
	"  r.channel <> 'kiosk'), "
	"o AS (SELECT officer AS name FROM f UNION SELECT c.officer FROM entry_copy c JOIN "
	"  response r ON r.id = c.response_id WHERE r.exercise_id = ?1) "
	"SELECT o.name, "
	"  (SELECT count(*) FROM f WHERE f.officer = o.name), "
	"  (SELECT count(*) FROM entry_copy c JOIN response r ON r.id = c.response_id "
	"   WHERE r.exercise_id = ?1 AND c.officer = o.name), "
	"  (SELECT count(*) FROM f WHERE f.officer = o.name AND f.entry_status = 'verified'), "
	"  (SELECT coalesce(sum(f.nq), 0) FROM f WHERE f.officer = o.name AND f.checked), "
	"  (SELECT coalesce(sum(f.nd), 0) FROM f WHERE f.officer = o.name AND f.checked) "
	"FROM o ORDER BY o.name COLLATE NOCASE";

/* Per batch of first entries: the same, for the forms typed in it. */
static const char batch_sql[] =
	"SELECT b.id, coalesce(v.code, ''), coalesce(b.officer, ''), b.started_at, "
	"  count(r.id), "
	"  sum(EXISTS (SELECT 1 FROM entry_copy c WHERE c.response_id = r.id)), "
	"  sum(r.entry_status = 'verified'), "
	"  sum(CASE WHEN EXISTS (SELECT 1 FROM entry_copy c WHERE c.response_id = r.id) THEN "
	"    (SELECT count(*) FROM question q JOIN questionnaire n ON n.id = q.questionnaire_id "
	"     WHERE n.exercise_id = r.exercise_id AND n.variant = r.form_variant) ELSE 0 END), "
	"  sum((SELECT count(*) FROM entry_difference d WHERE d.response_id = r.id)) "
	"FROM import_batch b JOIN response r ON r.batch_id = b.id LEFT JOIN event v ON "
	"  v.id = b.event_id "
	"WHERE b.exercise_id = ?1 AND b.format IN ('entry', 'entry-batch') AND "
	"  r.channel <> 'kiosk' "
	"GROUP BY b.id ORDER BY b.id";

/* "3.4", or "none checked" when no field was. */
static void per100(struct html *h, long long fields, long long diffs)
{
	if (!fields) {
		html_raw(h, "none checked");
		return;
	}
	html_fmt(h, "%lld.%lld", diffs * 1000 / fields / 10, diffs * 1000 / fields % 10);
}

static int officers(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!(st = db_prepare(r->db, officer_sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			html_raw(h, "<table class=\"table\">\n<caption>By officer</caption>\n<thead><tr>"
				    "<th scope=\"col\">Officer</th><th scope=\"col\">Forms typed "
				    "first</th><th scope=\"col\">Forms checked (second entry)</th>"
				    "<th scope=\"col\">Their forms verified</th><th scope=\"col\">"
				    "Differences per 100 fields checked</th></tr></thead>\n<tbody>\n");
		html_raw(h, "<tr><th scope=\"row\">");
		html_esc(h, (const char *)sqlite3_column_text(st, 0));
		html_fmt(h, "</th><td>%lld</td><td>%lld</td><td>%lld</td><td>",
			 sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			 sqlite3_column_int64(st, 3));
		per100(h, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
		html_raw(h, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "counting forms by officer", e);
	html_raw(h, n ? "</tbody>\n</table>\n" : "<p>No forms have been typed in yet.</p>\n");
	return 0;
}

static int batches(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!(st = db_prepare(r->db, batch_sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			html_raw(h, "<table class=\"table\">\n<caption>By batch</caption>\n<thead><tr>"
				    "<th scope=\"col\">Batch</th><th scope=\"col\">Event</th>"
				    "<th scope=\"col\">Typed by</th><th scope=\"col\">Started (UTC)"
				    "</th><th scope=\"col\">Forms</th><th scope=\"col\">Checked</th>"
				    "<th scope=\"col\">Verified</th><th scope=\"col\">Differences per "
				    "100 fields checked</th></tr></thead>\n<tbody>\n");
		html_fmt(h, "<tr><th scope=\"row\">%lld</th><td>", sqlite3_column_int64(st, 0));
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, "</td><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 2));
		html_raw(h, "</td><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 3));
		html_fmt(h, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
			 sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
			 sqlite3_column_int64(st, 6));
		per100(h, sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8));
		html_raw(h, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "counting forms by batch", e);
	html_raw(h, n ? "</tbody>\n</table>\n" : "");
	return 0;
}

int page_figures(struct req *r, struct err *e)
{
	struct html *h = &r->body;

	page_begin(r, "Typing figures");
	html_raw(h, "<h1>Typing figures</h1>\n<p>A field is one question of a form that has been "
		    "typed twice. A difference is a field where the two entries did not agree, "
		    "whichever officer was wrong.</p>\n<div class=\"table-wrap\">\n");
	if (officers(r, e) < 0 || batches(r, e) < 0)
		return -1;
	html_raw(h, "</div>\n<p><a href=\"/\">Home</a></p>\n");
	page_end(r);
	return 0;
}
