/* safeguard.c: the safeguarding flags and their review (safeguard.h). */
#include "safeguard.h"

#include <string.h>

#include "db.h"
#include "trim.h"
#include "utf8.h"

/* One row per flagged answer and theme; the review is the answer's. */
#define FLAGS_SQL \
	"SELECT f.answer_id, f.response_id, f.question, f.theme, h.label, f.rule, a.value, " \
	"f.match_start, f.match_end, f.seen_by, f.seen_at, f.action " \
	"FROM safeguarding_flags f JOIN answer a ON a.id = f.answer_id " \
	"JOIN theme h ON h.code = f.theme AND h.ruleset_id = " \
	"(SELECT id FROM ruleset WHERE exercise_id = ?1) " \
	"WHERE f.exercise_id = ?1 AND (?2 OR f.seen_by IS NULL) " \
	"ORDER BY f.answer_id, h.position"

int safeguard_each(sqlite3 *db, long long ex, int all,
		   int (*each)(const struct safeguard_flag *f, void *ctx), void *ctx,
		   struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, FLAGS_SQL, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_int(st, 2, all);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct safeguard_flag f = {
			.answer = sqlite3_column_int64(st, 0),
			.response = sqlite3_column_int64(st, 1),
			.question = (const char *)sqlite3_column_text(st, 2),
			.theme = (const char *)sqlite3_column_text(st, 3),
			.label = (const char *)sqlite3_column_text(st, 4),
			.rule = (const char *)sqlite3_column_text(st, 5),
			.text = (const char *)sqlite3_column_text(st, 6),
			.len = (size_t)sqlite3_column_bytes(st, 6),
			.match_start = (size_t)sqlite3_column_int64(st, 7),
			.match_end = (size_t)sqlite3_column_int64(st, 8),
			.seen_by = (const char *)sqlite3_column_text(st, 9),
			.seen_at = (const char *)sqlite3_column_text(st, 10),
			.action = (const char *)sqlite3_column_text(st, 11),
		};

		if (!f.text)
			f.text = "";
		if (f.match_end > f.len || f.match_start > f.match_end)
			f.match_start = f.match_end = 0;
		if (each(&f, ctx))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the safeguarding flags", e);
	return 0;
}

int safeguard_count(sqlite3 *db, long long ex, long long *flagged, long long *open,
		    struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(DISTINCT answer_id), count(DISTINCT "
				      "CASE WHEN seen_by IS NULL THEN answer_id END) "
				      "FROM safeguarding_flags WHERE exercise_id = ?1", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*flagged = sqlite3_column_int64(st, 0);
		*open = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "counting the safeguarding flags", e);
}

/* A name or action: some words, not too long, valid UTF-8, one string. */
static int check_words(const char *s, const char *what, size_t max, struct err *e)
{
	size_t len = strlen(s), bad;

	if (!trim_bounds(s, len, NULL))
		return err_set(e, EXIT_USAGE, "%s is empty", what);
	if (len > max)
		return err_set(e, EXIT_USAGE, "%s is longer than %zu bytes", what, max);
	if (!utf8_check(s, len, &bad))
		return err_set(e, EXIT_USAGE, "%s is not valid UTF-8 at byte %zu", what, bad + 1);
	return 0;
}

int safeguard_seen(sqlite3 *db, long long ex, long long answer, const char *by,
		   const char *action, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (check_words(by, "the reviewer's name (--as)", SAFEGUARD_NAME_MAX, e) < 0 ||
	    check_words(action, "what was done (--action)", SAFEGUARD_ACTION_MAX, e) < 0)
		return -1;
	if (!(st = db_prepare(db, "SELECT max(seen_by IS NOT NULL), max(seen_at) FROM "
			      "safeguarding_flags WHERE exercise_id = ?1 AND answer_id = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_int64(st, 2, answer);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL)
		err_set(e, EXIT_DATA, "answer %lld carries no safeguarding flag (see 'analyser "
			"safeguarding list DB --all')", answer);
	else if (rc == SQLITE_ROW && sqlite3_column_int(st, 0))
		err_set(e, EXIT_DATA, "answer %lld was already reviewed, at %s: a review is "
			"recorded once", answer, (const char *)sqlite3_column_text(st, 1));
	else if (rc != SQLITE_ROW)
		db_fail(db, "reading the safeguarding flags", e);
	sqlite3_finalize(st);
	if (err_isset(e))
		return -1;
	if (!(st = db_prepare(db, "INSERT INTO safeguarding_review (answer_id, seen_by, seen_at, "
			      "action) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?3)",
			      e)))
		return -1;
	sqlite3_bind_int64(st, 1, answer);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "recording the safeguarding review", e);
}
