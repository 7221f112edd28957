/*
 * entry_session.c: sessions: one officer typing one batch of forms.
 */
#include "entry_internal.h"

void entry_session_free(struct entry_session *s)
{
	if (!s)
		return;
	postcode_resolver_free(s->resolver);
	response_writer_free(s->writer);
	free(s->file);
	free(s);
}

const char *entry_session_event_title(const struct entry_session *s)
{
	return s->event_title;
}

const char *entry_session_event(const struct entry_session *s)
{
	return s->event_code;
}

const char *entry_session_officer(const struct entry_session *s)
{
	return s->officer;
}

const struct entry_form *entry_session_form(const struct entry_session *s)
{
	return s->form;
}

enum entry_mode entry_session_mode(const struct entry_session *s)
{
	return s->mode;
}

/* Optimal string alignment distance, capped: small codes only. */
static int distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int d[33][33];

	if (n > 32 || m > 32)
		return 99;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int cost = toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]);
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

void entry_close_events(sqlite3 *db, long long ex, const char *code, char *buf, size_t cap)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT code FROM event WHERE exercise_id = ?1 "
					  "ORDER BY held_on, code", NULL);
	const char *dash = strrchr(code, '-');
	size_t prefix = dash && dash > code ? (size_t)(dash - code) : 0;
	size_t n = 0, found = 0;
	int best = 3;

	buf[0] = '\0';
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, ex);
	/* The closest codes (one slip before two), and those for the same place. */
	for (int pass = 0; pass < 2; pass++) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(st, 0);
			int d = c ? distance(c, code) : 99;
			int same_place = c && prefix >= 2 && !strncasecmp(c, code, prefix) &&
					 c[prefix] == '-';

			if (!c)
				continue;
			if (pass == 0) {
				if (d < best)
					best = d;
				continue;
			}
			if ((d == best || same_place) && found < 6) {
				int w = snprintf(buf + n, cap - n, "%s%s", found ? ", " : "", c);

				if (w < 0 || (size_t)w >= cap - n)
					break;
				n += (size_t)w;
				found++;
			}
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

int entry_event_exists(sqlite3 *db, long long ex, const char *code, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM event WHERE exercise_id = ?1 AND "
					  "code = ?2 COLLATE NOCASE", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the events", e);
	return rc == SQLITE_ROW;
}

static int find_batch(struct entry_session *s, struct err *e)
{
	sqlite3_stmt *st = db_prepare(s->db,
		"SELECT id FROM import_batch WHERE exercise_id = ?1 AND format = 'entry' AND "
		"event_id = ?2 AND officer = ?3 COLLATE NOCASE AND channel = ?4 AND entry_mode = ?5 "
		"ORDER BY id DESC LIMIT 1", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	sqlite3_bind_int64(st, 2, s->event_id);
	sqlite3_bind_text(st, 3, s->officer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->form->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->mode == ENTRY_FIRST ? "first" : "second", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		s->batch_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(s->db, "reading the batches", e);
}

static struct entry_session *session_open(sqlite3 *db, const struct entry_session_options *o,
					  int lookup_only, struct err *e)
{
	struct entry_session *s = calloc(1, sizeof *s);
	sqlite3_stmt *st = NULL;
	char why[ENTRY_WHY_MAX];
	int rc;

	if (!s) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	s->db = db;
	s->exercise_id = o->exercise_id;
	s->form = o->form;
	s->mode = o->mode;
	if (entry_check_name(o->officer, s->officer, why, sizeof why) <= 0) {
		err_set(e, EXIT_USAGE, "--officer: %s", why);
		goto fail;
	}
	if (!(st = db_prepare(db,
		"SELECT v.id, v.code, v.district_code, printf('%s, %s, %s', v.code, v.title, "
		"v.held_on), x.double_entry FROM event v JOIN exercise x ON x.id = v.exercise_id "
		"WHERE v.exercise_id = ?1 AND v.code = ?2 COLLATE NOCASE", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, o->exercise_id);
	sqlite3_bind_text(st, 2, o->event ? o->event : "", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->event_id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, s->event_code, sizeof s->event_code);
		copy_col(st, 2, s->event_district, sizeof s->event_district);
		copy_col(st, 3, s->event_title, sizeof s->event_title);
		s->required = !strcmp((const char *)sqlite3_column_text(st, 4), "required");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the events", e);
		goto fail;
	}
	if (!s->event_id) {
		char close[200];

		entry_close_events(db, o->exercise_id, o->event ? o->event : "", close, sizeof close);
		err_set(e, EXIT_USAGE, "there is no event '%s' in this exercise%s%s%s: "
				       "'collector status' lists the events",
			o->event ? o->event : "", *close ? " (did you mean " : "", close,
			*close ? "?)" : "");
		goto fail;
	}
	if (o->file) {
		if (!(s->file = strdup(o->file))) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
		if (file_sha256(o->file, s->file_sha, e) < 0)
			goto fail;
	} else if (find_batch(s, e) < 0) {
		goto fail;
	}
	if (!lookup_only && (!(s->resolver = postcode_resolver_new(db, o->exercise_id, e)) ||
			     !(s->writer = response_writer_new(db, e))))
		goto fail;
	return s;
fail:
	entry_session_free(s);
	return NULL;
}

struct entry_session *entry_session_open(sqlite3 *db, const struct entry_session_options *o,
					 struct err *e)
{
	return session_open(db, o, 0, e);
}

struct entry_session *entry_session_open_lookup(sqlite3 *db, const struct entry_session_options *o,
						struct err *e)
{
	return session_open(db, o, 1, e);
}

void entry_session_by_respondent(struct entry_session *s)
{
	s->required = 0;
}

int entry_session_batch(struct entry_session *s, struct entry_batch_info *info, struct err *e)
{
	static const char first_sql[] =
		"SELECT count(*), "
		"  (SELECT serial FROM response WHERE batch_id = ?1 ORDER BY id LIMIT 1), "
		"  (SELECT serial FROM response WHERE batch_id = ?1 ORDER BY id DESC LIMIT 1), "
		"  CASE WHEN date(max(recorded_at), 'localtime') = date('now', 'localtime') "
		"  THEN strftime('%H:%M', max(recorded_at), 'localtime') "
		"  ELSE strftime('%H:%M on %Y-%m-%d', max(recorded_at), 'localtime') END "
		"FROM response WHERE batch_id = ?1";
	static const char second_sql[] =
		"SELECT count(*), "
		"  (SELECT r.serial FROM entry_copy c JOIN response r ON r.id = c.response_id "
		"   WHERE c.batch_id = ?1 ORDER BY c.id LIMIT 1), "
		"  (SELECT r.serial FROM entry_copy c JOIN response r ON r.id = c.response_id "
		"   WHERE c.batch_id = ?1 ORDER BY c.id DESC LIMIT 1), "
		"  CASE WHEN date(max(entered_at), 'localtime') = date('now', 'localtime') "
		"  THEN strftime('%H:%M', max(entered_at), 'localtime') "
		"  ELSE strftime('%H:%M on %Y-%m-%d', max(entered_at), 'localtime') END "
		"FROM entry_copy WHERE batch_id = ?1";
	sqlite3_stmt *st;
	int rc;

	memset(info, 0, sizeof *info);
	info->batch_id = s->batch_id;
	if (!s->batch_id)
		return 0;
	if (!(st = db_prepare(s->db, s->mode == ENTRY_FIRST ? first_sql : second_sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		info->forms = (long)sqlite3_column_int64(st, 0);
		copy_col(st, 1, info->first_serial, sizeof info->first_serial);
		copy_col(st, 2, info->last_serial, sizeof info->last_serial);
		copy_col(st, 3, info->last_at, sizeof info->last_at);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(s->db, "reading the batch", e);
}

const char *entry_range_dash(const char *first, const char *last)
{
	return strchr(first, '-') || strchr(last, '-') ? " to " : "-";
}

int entry_serial_erased(struct entry_session *s, const char *serial, struct err *e)
{
	long long n = 0;
	char ex[32];

	snprintf(ex, sizeof ex, "%lld", s->exercise_id);
	if (db_int(s->db, "SELECT count(*) FROM erasure WHERE exercise_id = ?1 AND serial = ?2", 0,
		   &n, e, 2, ex, serial) < 0)
		return -1;
	return n > 0;
}

int entry_check_serial(struct entry_session *s, const char *typed, char out[ENTRY_SERIAL_MAX + 1],
		       char *why, size_t cap, struct err *e)
{
	sqlite3_stmt *st;
	size_t n;
	const char *t = entry_trimmed(typed ? typed : "", &n);
	char officer[ENTRY_NAME_MAX + 1], event[64], variant[16], when[40], second[ENTRY_NAME_MAX + 1];
	long long rid = 0;
	int rc, copies = 0;

	out[0] = '\0';
	if (!n)
		return say(why, cap, "Type the serial number written on the form.");
	if (n > ENTRY_SERIAL_MAX)
		return say(why, cap, "That is longer than %d characters: type the serial number "
				     "written on the form.", ENTRY_SERIAL_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return say(why, cap, "The serial number has a control character in it (the "
					     "arrow keys do not work here): type it again.");
	if (!utf8_check(t, n, NULL))
		return say(why, cap, "The serial number has characters that are not UTF-8: type "
				     "it again.");
	memcpy(out, t, n);
	out[n] = '\0';
	if ((rc = entry_serial_erased(s, out, e)) != 0)
		return rc < 0 ? -1 : say(why, cap, "Form %s was erased at the respondent's request, "
					 "so it is not typed in again: put the sheet aside to be "
					 "destroyed.", out);

	if (!(st = db_prepare(s->db,
		"SELECT r.id, coalesce(r.officer, ''), coalesce(v.code, ''), r.form_variant, "
		"  CASE WHEN date(r.recorded_at, 'localtime') = date('now', 'localtime') "
		"  THEN strftime('%H:%M', r.recorded_at, 'localtime') "
		"  ELSE strftime('%H:%M on %Y-%m-%d', r.recorded_at, 'localtime') END, "
		"  (SELECT count(*) FROM entry_copy c WHERE c.response_id = r.id), "
		"  (SELECT c.officer FROM entry_copy c WHERE c.response_id = r.id) "
		"FROM response r LEFT JOIN event v ON v.id = r.event_id "
		"WHERE r.exercise_id = ?1 AND r.serial = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	sqlite3_bind_text(st, 2, out, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rid = sqlite3_column_int64(st, 0);
		copy_col(st, 1, officer, sizeof officer);
		copy_col(st, 2, event, sizeof event);
		copy_col(st, 3, variant, sizeof variant);
		copy_col(st, 4, when, sizeof when);
		copies = sqlite3_column_int(st, 5);
		copy_col(st, 6, second, sizeof second);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s->db, "looking up the serial number", e);

	if (s->mode == ENTRY_FIRST) {
		if (rid)
			return say(why, cap, "Form %s is already entered (%s%s%s%s, at %s). Check the "
					     "number on the form. To check someone else's typing of "
					     "it, use --verify.", out, *officer ? "by " : "", officer,
				   *officer && *event ? ", " : "", *event ? event : "", when);
		return 1;
	}
	if (!rid)
		return say(why, cap, "Form %s has not been entered yet, so there is nothing to check "
				     "it against. Check the number; a first entry is typed without "
				     "--verify.", out);
	if (copies)
		return say(why, cap, "Form %s has already been entered twice (by %s and %s).", out,
			   *officer ? officer : "an import", second);
	if (*officer && !strcasecmp(officer, s->officer))
		return say(why, cap, "You typed the first entry of form %s yourself. The second "
				     "entry must be typed by a different officer.", out);
	if (strcmp(variant, s->form->variant))
		return say(why, cap, "Form %s was entered as %s form: check it in a session with "
				     "--form %s.", out,
			   strcmp(variant, "easy-read") ? "a standard" : "an Easy Read", variant);
	if (strcasecmp(event, s->event_code))
		return say(why, cap, "Form %s was entered for %s, not %s: check it in a session "
				     "for %s.", out, *event ? event : "no event", s->event_code,
			   *event ? event : "that event");
	return 1;
}
