#include "review_view.h"

#include <stdio.h>

#include "db.h"

int review_view_themes(sqlite3 *db, long long answer,
		       int (*each)(const struct review_theme *t, void *ctx), void *ctx,
		       struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(db,
		"SELECT h.code, h.label, ru.name, coalesce(t.match_start, -1), "
		"  coalesce(t.match_end, -1), d.action, d.reviewer, coalesce(d.reason, ''), "
		"  d.decided_at, EXISTS (SELECT 1 FROM effective_tag x WHERE x.answer_id = a.id "
		"  AND x.theme_id = h.id) "
		"FROM answer a JOIN response r ON r.id = a.response_id "
		"JOIN ruleset s ON s.exercise_id = r.exercise_id "
		"JOIN theme h ON h.ruleset_id = s.id "
		"LEFT JOIN tag t ON t.answer_id = a.id AND t.theme_id = h.id "
		"LEFT JOIN rule ru ON ru.ruleset_id = h.ruleset_id AND ru.no = t.rule_no "
		"LEFT JOIN review_latest d ON d.answer_id = a.id AND d.theme_code = h.code "
		"WHERE a.id = ?1 AND (t.answer_id IS NOT NULL OR d.action IS NOT NULL) "
		"ORDER BY h.position", e)))
		return -1;
	sqlite3_bind_int64(st, 1, answer);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct review_theme t = {
			.code = (const char *)sqlite3_column_text(st, 0),
			.label = (const char *)sqlite3_column_text(st, 1),
			.rule = (const char *)sqlite3_column_text(st, 2),
			.start = sqlite3_column_int64(st, 3),
			.end = sqlite3_column_int64(st, 4),
			.action = (const char *)sqlite3_column_text(st, 5),
			.reviewer = (const char *)sqlite3_column_text(st, 6),
			.reason = (const char *)sqlite3_column_text(st, 7),
			.at = (const char *)sqlite3_column_text(st, 8),
			.counted = sqlite3_column_int(st, 9),
		};

		if (each(&t, ctx))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading an answer's themes and decisions", e);
	return 0;
}

int review_view_reviewed(sqlite3 *db, long long answer, char *who, size_t who_cap, char *at,
			 size_t at_cap, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	who[0] = at[0] = '\0';
	if (!(st = db_prepare(db, "SELECT reviewer, reviewed_at FROM review_mark WHERE "
				  "answer_id = ?1 ORDER BY rowid DESC LIMIT 1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, answer);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(who, who_cap, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(at, at_cap, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading whether an answer is reviewed", e);
	return rc == SQLITE_ROW;
}
