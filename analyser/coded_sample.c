/*
 * coded_sample.c: storing a hand-coded sample, listing and dropping the
 * stored ones, and where one and the tags part company. The file is read
 * by eval.c's reader (the checks `analyser evaluate` makes) and its notes
 * by gold_file.c's; nothing here prints, and no message carries a note.
 */
#include "coded_sample.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "db.h"
#include "eval.h"
#include "gold_file.h"
#include "strbuf.h"
#include "utf8.h"

#define LOADER_MAX 100 /* bytes of the loader's name, as a reviewer's */

/* UTF-8 text of 1 to `max` bytes, no control characters: 0, or -1 with `e`. */
static int plain_text(const char *s, size_t max, const char *what, struct err *e)
{
	size_t bad, n = s ? strlen(s) : 0;

	if (!n)
		return err_set(e, EXIT_USAGE, "%s is empty", what);
	if (n > max || !utf8_check(s, n, &bad))
		return err_set(e, EXIT_USAGE, "%s must be UTF-8 text of at most %zu bytes", what, max);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(e, EXIT_USAGE, "%s holds a control character at byte %zu",
				       what, (size_t)(p - s) + 1);
	return 0;
}

int sample_name_check(const char *name, struct err *e)
{
	return plain_text(name, SAMPLE_NAME_MAX, "the coded sample's name", e);
}

void sample_default_name(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	size_t n, max = cap ? cap - 1 : 0;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcasecmp(base + n - 4, ".csv"))
		n -= 4;
	if (max > SAMPLE_NAME_MAX)
		max = SAMPLE_NAME_MAX;
	if (n > max)
		n = utf8_prefix(base, n, max);
	if (cap) {
		memcpy(out, base, n);
		out[n] = '\0';
	}
}

int sample_find(sqlite3 *db, long long ex, const char *name, long long *id, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (!(st = db_prepare(db, "SELECT id FROM coded_sample WHERE exercise_id = ?1 AND name = ?2",
			      e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the coded samples", e);
	return rc == SQLITE_ROW;
}

/* The rows of a checked gold file, written under sample `id`. */
static int store_rows(sqlite3 *db, long long id, const struct evaluation *ev,
		      const unsigned char *flags, char **notes, long nlines, struct err *e)
{
	sqlite3_stmt *resp = db_prepare(db, "INSERT INTO coded_sample_response (sample_id, "
					"response_id, line, note) VALUES (?1, ?2, ?3, ?4)", e);
	sqlite3_stmt *code = resp ? db_prepare(db, "INSERT INTO coded_sample_code (sample_id, "
					       "response_id, theme_code) VALUES (?1, ?2, ?3)", e)
				  : NULL;
	int rc = code ? 0 : -1;

	for (size_t k = 0; rc == 0 && k < ev->nresponses; k++) {
		const struct eval_response *r = &ev->responses[k];
		const unsigned char *row = flags + k * (ev->nthemes + 1);
		const char *note = r->line <= nlines && notes ? notes[r->line] : NULL;

		sqlite3_reset(resp);
		sqlite3_bind_int64(resp, 1, id);
		sqlite3_bind_int64(resp, 2, r->id);
		sqlite3_bind_int64(resp, 3, r->line);
		if (note)
			sqlite3_bind_text(resp, 4, note, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(resp, 4);
		if (sqlite3_step(resp) != SQLITE_DONE) {
			rc = db_fail(db, "storing the coded sample", e);
			break;
		}
		for (size_t i = 0; rc == 0 && i < ev->nthemes; i++) {
			if (!row[i])
				continue;
			sqlite3_reset(code);
			sqlite3_bind_int64(code, 1, id);
			sqlite3_bind_int64(code, 2, r->id);
			sqlite3_bind_text(code, 3, ev->themes[i].code, -1, SQLITE_STATIC);
			if (sqlite3_step(code) != SQLITE_DONE)
				rc = db_fail(db, "storing the coded sample's codes", e);
		}
	}
	sqlite3_finalize(resp);
	sqlite3_finalize(code);
	return rc;
}

int sample_load(sqlite3 *db, long long ex, const char *buf, size_t len, const char *source,
		const char *name, const char *by, long *responses, struct err *e)
{
	struct csv_reader *r;
	struct evaluation *ev;
	unsigned char *flags = NULL;
	char **notes = NULL;
	long nlines = 0;
	long long id = 0;
	sqlite3_stmt *st;
	int own, rc;

	*responses = 0;
	if (sample_name_check(name, e) < 0 ||
	    plain_text(by, LOADER_MAX, "the name of who loads the sample", e) < 0)
		return -1;
	if (!(r = csv_reader_mem(buf, len, source, NULL, e)))
		return -1;
	ev = eval_gold_current(db, ex, r, source, 0, 0, &flags, e);
	csv_reader_free(r);
	if (!ev)
		return -1;
	/* The notes, by line: the same bytes read again. */
	if (!(r = csv_reader_mem(buf, len, source, NULL, e)) ||
	    gold_notes_read(r, &notes, &nlines, e) < 0) {
		csv_reader_free(r);
		free(flags);
		eval_free(ev);
		return -1;
	}
	csv_reader_free(r);
	if ((rc = db_begin_own(db, &own, e)) == 0) {
		int found = sample_find(db, ex, name, &id, e);

		if (found < 0)
			rc = -1;
		else if (found)
			rc = err_set(e, EXIT_DATA, "a coded sample named '%s' is stored already: drop "
				     "it first, or load this one under another name", name);
	}
	if (rc == 0) {
		if (!(st = db_prepare(db, "INSERT INTO coded_sample (exercise_id, name, loaded_by, "
					  "loaded_at, source, ruleset_sha256) VALUES (?1, ?2, ?3, "
					  "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4, ?5)", e))) {
			rc = -1;
		} else {
			const char *base = strrchr(source, '/');

			sqlite3_bind_int64(st, 1, ex);
			sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, base ? base + 1 : source, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, ev->ruleset_sha256, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = db_fail(db, "storing the coded sample", e);
			sqlite3_finalize(st);
			id = sqlite3_last_insert_rowid(db);
		}
	}
	if (rc == 0)
		rc = store_rows(db, id, ev, flags, notes, nlines, e);
	rc = db_end_own(db, own, rc, e);
	if (rc == 0)
		*responses = (long)ev->nresponses;
	gold_notes_free(notes, nlines);
	free(flags);
	eval_free(ev);
	return rc;
}

int sample_each(sqlite3 *db, long long ex, int (*fn)(const struct sample_info *s, void *arg),
		void *arg, struct err *e)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!(st = db_prepare(db, "SELECT c.id, c.name, c.loaded_by, c.loaded_at, c.source, "
				  "(SELECT count(*) FROM coded_sample_response r WHERE r.sample_id = c.id), "
				  "c.ruleset_sha256 = (SELECT sha256 FROM ruleset s WHERE s.exercise_id = "
				  "c.exercise_id) FROM coded_sample c WHERE c.exercise_id = ?1 "
				  "ORDER BY c.name", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sample_info s = {
			.id = sqlite3_column_int64(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.loaded_by = (const char *)sqlite3_column_text(st, 2),
			.loaded_at = (const char *)sqlite3_column_text(st, 3),
			.source = (const char *)sqlite3_column_text(st, 4),
			.responses = (long)sqlite3_column_int64(st, 5),
			.current_rules = sqlite3_column_int(st, 6),
		};

		if ((ret = fn(&s, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(db, "reading the coded samples", e);
	sqlite3_finalize(st);
	return ret;
}

int sample_drop(sqlite3 *db, long long ex, const char *name, struct err *e)
{
	long long id;
	sqlite3_stmt *st;
	int found, own, rc;

	/* The notes are personal data: their bytes are overwritten, not only freed. */
	if (db_exec(db, "PRAGMA secure_delete = ON", "dropping a coded sample", e) < 0)
		return -1;
	if (db_begin_own(db, &own, e) < 0)
		return -1;
	if ((found = sample_find(db, ex, name, &id, e)) <= 0) {
		if (!found)
			err_set(e, EXIT_DATA, "no coded sample named '%s' is stored ('analyser review "
				"sample list' lists them)", name);
		return db_end_own(db, own, -1, e);
	}
	if (!(st = db_prepare(db, "DELETE FROM coded_sample WHERE id = ?1", e)))
		return db_end_own(db, own, -1, e);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, "dropping the coded sample", e);
	sqlite3_finalize(st);
	return db_end_own(db, own, rc, e);
}

/*
 * Each theme of the current rules the sample gives a response (+) and the
 * tags do not, or the other way (-), with the tags read from %s
 * (effective_tag or tag) and counted toward every theme above theirs.
 */
#define DIFF_SQL \
	"WITH RECURSIVE cur(id, code, position) AS (SELECT h.id, h.code, h.position FROM theme h " \
	"  JOIN ruleset s ON s.id = h.ruleset_id WHERE s.exercise_id = ?1), " \
	"coded(response_id, theme_id) AS (SELECT c.response_id, h.id FROM coded_sample_code c " \
	"  JOIN cur h ON h.code = c.theme_code WHERE c.sample_id = ?2), " \
	"got(response_id, theme_id) AS (SELECT t.response_id, t.theme_id FROM %s t " \
	"  JOIN coded_sample_response c ON c.sample_id = ?2 AND c.response_id = t.response_id " \
	"  UNION SELECT g.response_id, h.parent_id FROM got g JOIN theme h ON h.id = g.theme_id " \
	"  WHERE h.parent_id IS NOT NULL) " \
	"SELECT response_id, sign, code FROM (" \
	"  SELECT c.response_id, '+' AS sign, h.code, h.position FROM coded c " \
	"  JOIN cur h ON h.id = c.theme_id WHERE NOT EXISTS (SELECT 1 FROM got g " \
	"  WHERE g.response_id = c.response_id AND g.theme_id = c.theme_id) " \
	"  UNION ALL SELECT g.response_id, '-', h.code, h.position FROM got g " \
	"  JOIN cur h ON h.id = g.theme_id WHERE NOT EXISTS (SELECT 1 FROM coded c " \
	"  WHERE c.response_id = g.response_id AND c.theme_id = g.theme_id)) " \
	"ORDER BY response_id, position"

int sample_each_difference(sqlite3 *db, long long ex, long long id, int rules_only,
			   int (*fn)(long long response, const char *what, void *arg), void *arg,
			   struct err *e)
{
	char sql[sizeof DIFF_SQL + 16];
	struct strbuf what = STRBUF_INIT;
	long long at = 0;
	sqlite3_stmt *st;
	int rc, ret = 0;

	snprintf(sql, sizeof sql, DIFF_SQL, rules_only ? "tag" : "effective_tag");
	if (!(st = db_prepare(db, sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_int64(st, 2, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long resp = sqlite3_column_int64(st, 0);

		if (at && resp != at) {
			if ((ret = fn(at, what.buf, arg)) != 0)
				break;
			strbuf_setlen(&what, 0);
		}
		at = resp;
		if (strbuf_addf(&what, "%s%s%s", what.len ? " " : "",
				(const char *)sqlite3_column_text(st, 1),
				(const char *)sqlite3_column_text(st, 2)) < 0) {
			ret = err_set(e, EXIT_SYSTEM, "out of memory");
			break;
		}
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(db, "comparing the coded sample with the tags", e);
	else if (!ret && at)
		ret = fn(at, what.buf, arg);
	sqlite3_finalize(st);
	strbuf_release(&what);
	return ret;
}
