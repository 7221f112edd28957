/* report_settings.c: the report's saved settings (report_settings.h). */
#include "report_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "utf8.h"

static char *dup_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static void now_utc(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int report_layout_parse(const char *s, enum report_layout *l)
{
	if (s && !strcmp(s, "statistical"))
		*l = REPORT_LAYOUT_STATISTICAL;
	else if (s && !strcmp(s, "pairs"))
		*l = REPORT_LAYOUT_PAIRS;
	else
		return -1;
	return 0;
}

/* The codes one a line in `v` into s->themes. 0, or -1 out of memory. */
static int split_themes(struct report_settings *s, const char *v)
{
	size_t n = 1;

	for (const char *p = v; *p; p++)
		n += *p == '\n';
	if (!(s->themes = calloc(n, sizeof *s->themes)))
		return -1;
	while (*v) {
		size_t len = strcspn(v, "\n");

		if (len) {
			if (!(s->themes[s->nthemes] = strndup(v, len)))
				return -1;
			s->nthemes++;
		}
		v += len;
		v += *v == '\n';
	}
	return 0;
}

int report_settings_load(sqlite3 *db, long long ex, struct report_settings *s, struct err *e)
{
	sqlite3_stmt *st;
	int rc, oom = 0;

	memset(s, 0, sizeof *s);
	if (!(st = db_prepare(db, "SELECT name, value FROM report_setting r WHERE exercise_id = ?1 "
				  "AND id = (SELECT max(id) FROM report_setting x WHERE "
				  "x.exercise_id = r.exercise_id AND x.name = r.name)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);

		if (!name || !v) {
			oom = 1;
			continue;
		}
		if (!strcmp(name, "themes")) {
			s->themes_set = 1;
			oom |= split_themes(s, v) < 0;
		} else if (!strcmp(name, "intro")) {
			oom |= !(s->intro = dup_text(st, 1));
		} else if (!strcmp(name, "contact")) {
			oom |= !(s->contact = dup_text(st, 1));
		} else if (!strcmp(name, "formats")) {
			oom |= !(s->formats = dup_text(st, 1));
		} else if (!strcmp(name, "layout")) {
			report_layout_parse(v, &s->layout);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		report_settings_free(s);
		return db_fail(db, "reading the report's settings", e);
	}
	if (!(st = db_prepare(db, "SELECT mime, data, alt FROM report_logo WHERE exercise_id = ?1 "
				  "ORDER BY id DESC LIMIT 1", e))) {
		report_settings_free(s);
		return -1;
	}
	sqlite3_bind_int64(st, 1, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const void *d = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);

		s->logo_mime = dup_text(st, 0);
		s->logo_alt = dup_text(st, 2);
		s->logo_len = n > 0 ? (size_t)n : 0;
		if ((s->logo = malloc(s->logo_len + 1)) && d)
			memcpy(s->logo, d, s->logo_len);
		oom |= !s->logo_mime || !s->logo;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		report_settings_free(s);
		return db_fail(db, "reading the report's logo", e);
	}
	if (oom) {
		report_settings_free(s);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	return 0;
}

void report_settings_free(struct report_settings *s)
{
	for (size_t i = 0; s->themes && i < s->nthemes; i++)
		free(s->themes[i]);
	free(s->themes);
	free(s->intro);
	free(s->contact);
	free(s->formats);
	free(s->logo_mime);
	free(s->logo);
	free(s->logo_alt);
	memset(s, 0, sizeof *s);
}

int report_setting_save(sqlite3 *db, long long ex, const char *name, const char *value,
			const char *by, struct err *e)
{
	static const char *const names[] = { "themes", "intro", "contact", "formats", "layout" };
	sqlite3_stmt *st;
	size_t k, n = strlen(value);
	char when[32];
	int rc, same = 0;

	for (k = 0; k < sizeof names / sizeof *names && strcmp(names[k], name); k++)
		;
	if (k == sizeof names / sizeof *names)
		return err_set(e, EXIT_DATA, "report setting '%s': there is no such setting", name);
	if (n > REPORT_SETTING_MAX)
		return err_set(e, EXIT_DATA, "report setting '%s': longer than %d bytes", name,
			       REPORT_SETTING_MAX);
	if (!utf8_check(value, n, NULL))
		return err_set(e, EXIT_DATA, "report setting '%s': not UTF-8 text", name);
	if (!strcmp(name, "layout")) {
		enum report_layout l;

		if (report_layout_parse(value, &l) < 0)
			return err_set(e, EXIT_DATA, "report setting 'layout': 'statistical' or "
				       "'pairs', not another");
	}
	if (!(st = db_prepare(db, "SELECT value = ?3 FROM report_setting WHERE exercise_id = ?1 AND "
				  "name = ?2 ORDER BY id DESC LIMIT 1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		same = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the report's settings", e);
	/* A text never set and saved empty is no change either. */
	if (same || (rc == SQLITE_DONE && !*value))
		return 0;
	now_utc(when);
	if (!(st = db_prepare(db, "INSERT INTO report_setting (exercise_id, name, value, changed_by, "
				  "changed_at) VALUES (?1, ?2, ?3, ?4, ?5)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, when, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : db_fail(db, "saving the report's settings", e);
}

int report_logo_save(sqlite3 *db, long long ex, const char *mime, const void *data, size_t len,
		     const char *alt, const char *by, struct err *e)
{
	sqlite3_stmt *st;
	char when[32];
	int rc;

	if (data && len > REPORT_LOGO_MAX)
		return err_set(e, EXIT_DATA, "logo: %zu bytes, more than the %d allowed", len,
			       REPORT_LOGO_MAX);
	now_utc(when);
	if (!(st = db_prepare(db, "INSERT INTO report_logo (exercise_id, mime, data, alt, "
				  "changed_by, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if (data) {
		sqlite3_bind_text(st, 2, mime, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, alt ? alt : "", -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, when, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "saving the logo", e);
}

int report_action_save(sqlite3 *db, long long ex, long long id, const char *theme,
		       const char *text, const char *by, struct err *e)
{
	sqlite3_stmt *st;
	char when[32];
	const char *p = text;
	int rc, changed;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (strlen(text) > REPORT_SETTING_MAX || !utf8_check(text, strlen(text), NULL))
		return err_set(e, EXIT_DATA, "what we did about '%s': longer than %d bytes or not "
			       "UTF-8 text", theme, REPORT_SETTING_MAX);
	now_utc(when);
	if (!*p && !id)
		return 1;
	if (!*p)
		st = db_prepare(db, "DELETE FROM action WHERE id = ?1 AND exercise_id = ?2 AND "
				    "theme_code = ?3", e);
	else if (id)
		st = db_prepare(db, "UPDATE action SET text = ?4, updated_at = ?5 WHERE id = ?1 AND "
				    "exercise_id = ?2 AND theme_code = ?3 AND text IS NOT ?4", e);
	else
		/* The same text again (a form sent twice) is no new action. */
		st = db_prepare(db, "INSERT INTO action (exercise_id, theme_code, text, recorded_at) "
				    "SELECT ?2, ?3, ?4, ?5 WHERE ?1 = 0 AND NOT EXISTS (SELECT 1 "
				    "FROM action WHERE exercise_id = ?2 AND theme_code = ?3 AND "
				    "text = ?4)", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ex);
	sqlite3_bind_text(st, 3, theme, -1, SQLITE_STATIC);
	if (*p) {
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, when, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "saving what was done", e);
	changed = sqlite3_changes(db);
	if (!changed) {
		long long n;
		char ids[32], exs[32];

		snprintf(ids, sizeof ids, "%lld", id);
		snprintf(exs, sizeof exs, "%lld", ex);
		if (db_int(db, "SELECT count(*) FROM action WHERE id = ?1 AND exercise_id = ?2 AND "
			       "theme_code = ?3", 0, &n, e, 3, ids, exs, theme) < 0)
			return -1;
		return n ? 1 : 0; /* unchanged, or not there */
	}
	if (!(st = db_prepare(db, "INSERT INTO action_version (exercise_id, theme_code, text, "
				  "changed_by, changed_at) VALUES (?1, ?2, ?3, ?4, ?5)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, theme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, *p ? text : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, when, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : db_fail(db, "recording the change to what was done", e);
}
