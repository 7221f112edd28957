/*
 * page_kiosks.c: supervisors make kiosk links (kiosk.h) and switch them
 * off. A new link is shown once, when it is made: only its hash is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "db.h"
#include "kiosk.h"
#include "page.h"
#include "pages.h"

#define ERR_MSG_COPY 400

static void utc(long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
	else
		snprintf(out, 32, "?");
}

static int list(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!(st = db_prepare(r->db, "SELECT k.id, v.code, v.title, k.variant, k.idle_minutes, "
				     "k.created_by, k.expires_at, coalesce(k.revoked_at, 0), "
				     "(SELECT count(*) FROM kiosk_submission s WHERE s.kiosk_id = k.id) "
				     "FROM kiosk k JOIN event v ON v.id = k.event_id WHERE "
				     "k.exercise_id = ?1 ORDER BY k.id DESC", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		long expires = (long)sqlite3_column_int64(st, 6), revoked =
			(long)sqlite3_column_int64(st, 7);
		char when[32];

		if (!n++)
			html_raw(h, "<table class=\"table\">\n<caption>Kiosk links</caption>\n<thead><tr>"
				    "<th scope=\"col\">Number</th><th scope=\"col\">Event</th>"
				    "<th scope=\"col\">Form</th><th scope=\"col\">Forms sent</th>"
				    "<th scope=\"col\">Works until (UTC)</th><th scope=\"col\">State"
				    "</th></tr></thead>\n<tbody>\n");
		utc(expires, when);
		html_fmt(h, "<tr><td>%lld</td><td>", id);
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, ": ");
		html_esc(h, (const char *)sqlite3_column_text(st, 2));
		html_raw(h, "</td><td>");
		html_raw(h, strcmp((const char *)sqlite3_column_text(st, 3), "easy-read")
				    ? "Standard" : "Easy Read");
		html_fmt(h, "</td><td>%d</td><td>", sqlite3_column_int(st, 8));
		html_esc(h, when);
		html_raw(h, "</td><td>");
		if (revoked)
			html_raw(h, "Switched off");
		else if (r->now >= expires)
			html_raw(h, "Expired");
		else {
			html_raw(h, "<form method=\"post\" action=\"/kiosks\">\n");
			page_csrf(r);
			html_fmt(h, "<input type=\"hidden\" name=\"id\" value=\"%lld\">\n"
				    "<button class=\"button button-secondary\" type=\"submit\" "
				    "name=\"action\" value=\"revoke\">Switch off link %lld</button>\n"
				    "</form>", id, id);
		}
		html_raw(h, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "listing the kiosk links", e);
	html_raw(h, n ? "</tbody>\n</table>\n" : "<p>There are no kiosk links yet.</p>\n");
	return 0;
}

static int event_options(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(r->db, "SELECT code, title FROM event WHERE exercise_id = ?1 ORDER BY "
				     "held_on, code", e)))
		return -1;
	sqlite3_bind_int64(st, 1, r->cfg->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		html_raw(h, "<option value=\"");
		html_esc(h, (const char *)sqlite3_column_text(st, 0));
		html_raw(h, "\">");
		html_esc(h, (const char *)sqlite3_column_text(st, 0));
		html_raw(h, ": ");
		html_esc(h, (const char *)sqlite3_column_text(st, 1));
		html_raw(h, "</option>\n");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(r->db, "listing the events", e);
}

static int show(struct req *r, const char *problem, struct err *e)
{
	struct html *h = &r->body;
	struct page_problem p = { "event", problem };

	page_begin(r, problem ? "Error: Kiosk links" : "Kiosk links");
	page_error_summary(r, &p, problem ? 1 : 0);
	html_raw(h, "<h1>Kiosk links</h1>\n<p>A kiosk link opens the survey for the public at one "
		    "event, with no login. Each person gets a blank form; after they send it, the "
		    "next person gets a new one. They cannot see anyone else's answers.</p>\n");
	if (list(r, e) < 0)
		return -1;
	html_raw(h, "<h2>Make a kiosk link</h2>\n<form method=\"post\" action=\"/kiosks\" "
		    "novalidate>\n");
	page_csrf(r);
	html_raw(h, "<div class=\"field\">\n<label for=\"event\">Event</label>\n"
		    "<select class=\"select\" id=\"event\" name=\"event\">\n");
	if (event_options(r, e) < 0)
		return -1;
	html_raw(h, "</select>\n</div>\n<fieldset class=\"field\">\n<legend>Which form</legend>\n"
		    "<div class=\"choice\"><input type=\"radio\" id=\"form-standard\" name=\"form\" "
		    "value=\"standard\" checked><label for=\"form-standard\">Standard form</label>"
		    "</div>\n<div class=\"choice\"><input type=\"radio\" id=\"form-easy\" "
		    "name=\"form\" value=\"easy-read\"><label for=\"form-easy\">Easy Read form"
		    "</label></div>\n</fieldset>\n");
	/* html_fmt takes 512 bytes at a time. */
	html_fmt(h, "<div class=\"field\">\n<label for=\"hours\">Hours the link works</label>\n"
		    "<p class=\"hint\" id=\"hours-hint\">From now; 1 to %d.</p>\n",
		 KIOSK_HOURS_MAX);
	html_raw(h, "<input class=\"input input-short\" type=\"text\" inputmode=\"numeric\" "
		    "id=\"hours\" name=\"hours\" value=\"10\" aria-describedby=\"hours-hint\">\n"
		    "</div>\n<div class=\"field\">\n<label for=\"idle\">Minutes before a form "
		    "left alone is cleared</label>\n");
	html_fmt(h, "<p class=\"hint\" id=\"idle-hint\">%d to %d. Nothing is kept from a form "
		    "that is cleared.</p>\n", KIOSK_IDLE_MIN, KIOSK_IDLE_MAX);
	html_raw(h, "<input class=\"input input-short\" type=\"text\" inputmode=\"numeric\" "
		    "id=\"idle\" name=\"idle\" value=\"5\" aria-describedby=\"idle-hint\">\n"
		    "</div>\n");
	html_raw(h, "<button class=\"button\" type=\"submit\" name=\"action\" value=\"create\">"
		    "Make the link</button>\n</form>\n<p><a href=\"/\">Home</a></p>\n");
	page_end(r);
	return 0;
}

int page_kiosks(struct req *r, struct err *e)
{
	return show(r, NULL, e);
}

static int kiosks_field(const char *name, void *ctx)
{
	static const char *const ok[] = { "csrf", "action", "id", "event", "form", "hours", "idle",
					  NULL };

	(void)ctx;
	for (const char *const *f = ok; *f; f++)
		if (!strcmp(name, *f))
			return 1;
	return 0;
}

/* The address of a new link: this server as the browser named it, and the path. */
static void link_page(struct req *r, long long id, const char *token)
{
	struct html *h = &r->body;
	const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");

	page_begin(r, "Kiosk link made");
	html_fmt(h, "<div class=\"panel\">\n<h1>Kiosk link %lld made</h1>\n</div>\n", id);
	html_raw(h, "<p>Open this address in the browser of the kiosk tablet. It is shown only "
		    "now: copy it before you leave this page.</p>\n<p class=\"link\"><code>");
	html_raw(h, r->cfg->tls ? "https://" : "http://");
	html_esc(h, host ? host : "this-laptop");
	html_raw(h, "/kiosk?k=");
	html_esc(h, token);
	html_raw(h, "</code></p>\n<p>Opening it logs out whoever is logged in on that browser.</p>\n"
		    "<p><a href=\"/kiosks\">Back to the kiosk links</a></p>\n");
	page_end(r);
}

int page_kiosks_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *action = form_get(f, "action"), *bad;
	char token[65], object[64];
	long long id;
	long hours, idle;
	int rc;

	if (form_check(f, kiosks_field, NULL, &bad) < 0 || !action)
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	if (!strcmp(action, "revoke")) {
		if (!(id = form_whole(form_get(f, "id"), 1000000)))
			return err_set(e, EXIT_DATA, "the form does not say which link");
		if ((rc = kiosk_revoke(r->db, r->cfg->exercise_id, id, r->sess.name, r->now, e)) < 0)
			return -1;
		if (!rc)
			return show(r, "That link is already switched off, or is not one of this "
				       "exercise's.", e);
		snprintf(object, sizeof object, "kiosk %lld", id);
		if (audit_log(r->db, r->sess.name, r->address, "kiosk-revoke", object, e) < 0)
			return -1;
		req_redirect(r, "/kiosks");
		return 0;
	}
	if (strcmp(action, "create"))
		return err_set(e, EXIT_DATA, "the form asked for something this page does not do");
	hours = form_whole(form_get(f, "hours"), 1000000);
	idle = form_whole(form_get(f, "idle"), 1000000);
	if (!hours || !idle)
		return show(r, "Give the hours and the minutes as whole numbers.", e);
	/* 0 past the limit: kiosk_create() refuses it and says what the limit is. */
	if (kiosk_create(r->db, r->cfg->exercise_id, form_get(f, "event"), form_get(f, "form"),
			 (int)(hours > KIOSK_HOURS_MAX ? 0 : hours),
			 (int)(idle > KIOSK_IDLE_MAX ? 0 : idle), r->sess.name, r->now, token, &id,
			 e) < 0) {
		char msg[ERR_MSG_COPY];

		if (e->code != EXIT_DATA)
			return -1;
		snprintf(msg, sizeof msg, "%s", err_first(e));
		err_init(e);
		return show(r, msg, e);
	}
	snprintf(object, sizeof object, "kiosk %lld", id);
	if (audit_log(r->db, r->sess.name, r->address, "kiosk-create", object, e) < 0)
		return -1;
	link_page(r, id, token);
	sodium_memzero(token, sizeof token);
	return 0;
}
