/*
 * page_entry_mine.c: the typed forms an officer saved (a supervisor: every
 * officer's), with a link to change each one until a second entry checks it
 * (entry_edit_allowed says the same inside the change).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "entry.h"
#include "page.h"
#include "pages.h"

/* Where a form stands, in plain words. */
static const char *status_words(const char *status)
{
	if (!strcmp(status, "verified"))
		return "Checked: verified";
	if (!strcmp(status, "differences"))
		return "Checked: differences for a supervisor";
	if (!strcmp(status, "awaiting-second-entry"))
		return "Waiting for a second entry";
	return "Saved";
}

int page_entry_mine(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	int sup = r->sess.role >= ROLE_SUPERVISOR, rc, n = 0;
	const char *changed = req_query(r, "changed");
	sqlite3_stmt *st;

	page_begin(r, sup ? "Typed forms" : "Your typed forms");
	html_raw(h, sup ? "<h1>Typed forms</h1>\n" : "<h1>Your typed forms</h1>\n");
	if (changed) {
		long long rid = strtoll(changed, NULL, 10);
		char serial[ENTRY_SERIAL_MAX + 1] = "";

		if (!(st = db_prepare(r->db, "SELECT serial FROM response WHERE id = ?1 AND "
					     "exercise_id = ?2", e)))
			return -1;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, r->cfg->exercise_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(serial, sizeof serial, "%s", sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (*serial) {
			html_raw(h, "<div class=\"panel\">\n<p>Form ");
			html_esc(h, serial);
			html_raw(h, " is changed. What it said before is kept as an earlier "
				    "version.</p>\n</div>\n");
		}
	}
	html_raw(h, "<p>A form can be changed until another officer types it a second time. "
		    "What it said before each change is kept.</p>\n");
	if (!(st = db_prepare(r->db,
		"SELECT r.id, coalesce(r.serial, ''), coalesce(v.code, ''), r.form_variant, "
		"r.entry_status, coalesce(r.officer, ''), r.recorded_at, "
		"(SELECT count(*) FROM entry_version x WHERE x.response_id = r.id), "
		"EXISTS (SELECT 1 FROM entry_copy c WHERE c.response_id = r.id) FROM response r "
		"JOIN import_batch b ON b.id = r.batch_id LEFT JOIN event v ON v.id = r.event_id "
		"WHERE r.exercise_id = ?1 AND b.format IN ('entry', 'entry-batch') AND "
		"r.channel <> 'kiosk' AND (?2 OR r.officer = ?3) ORDER BY r.id DESC LIMIT 500", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	sqlite3_bind_int(st, 2, sup);
	sqlite3_bind_text(st, 3, r->sess.name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 4);
		int checked = sqlite3_column_int(st, 8) || !strcmp(status, "verified") ||
			      !strcmp(status, "differences");
		long long versions = sqlite3_column_int64(st, 7);

		if (!n++) {
			html_raw(h, "<table class=\"table\">\n<caption>The latest 500 at most</caption>\n"
				    "<thead><tr><th scope=\"col\">Serial number</th><th scope=\"col\">"
				    "Event</th><th scope=\"col\">Form</th>");
			if (sup)
				html_raw(h, "<th scope=\"col\">Typed by</th>");
			html_raw(h, "<th scope=\"col\">Saved at</th><th scope=\"col\">Where it "
				    "stands</th><th scope=\"col\">Change</th></tr></thead>\n<tbody>\n");
		}
		html_raw(h, "<tr><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, "</td><td>");
		html_esc(h, (const char *)sqlite3_column_text(st, 2));
		html_raw(h, strcmp((const char *)sqlite3_column_text(st, 3), "easy-read")
				    ? "</td><td>Standard</td><td>"
				    : "</td><td>Easy Read</td><td>");
		if (sup) {
			html_esc(h, (const char *)sqlite3_column_text(st, 5));
			html_raw(h, "</td><td>");
		}
		html_esc(h, (const char *)sqlite3_column_text(st, 6));
		html_raw(h, "</td><td>");
		html_raw(h, status_words(status));
		if (versions)
			html_fmt(h, " (%lld earlier version%s)", versions, versions == 1 ? "" : "s");
		html_raw(h, "</td><td>");
		if (checked) {
			html_raw(h, "Checked: cannot be changed");
		} else {
			html_fmt(h, "<a href=\"/entry/edit?r=%lld\">Change<span class=\"hidden\"> "
				    "form ", sqlite3_column_int64(st, 0));
			html_esc(h, (const char *)sqlite3_column_text(st, 1));
			html_raw(h, "</span></a>");
		}
		html_raw(h, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "reading the typed forms", e);
	html_raw(h, n ? "</tbody>\n</table>\n" : "<p>No forms typed yet.</p>\n");
	html_raw(h, "<p><a href=\"/\">Home</a></p>\n");
	page_end(r);
	return 0;
}
