/*
 * tag_state.c: the tags against the answers. `analyser tag` records in the
 * rule set the id of the last answer it read (ruleset.last_answer_id);
 * answers get ever larger ids, and an edit replaces an answer with a new
 * row, so a free-text answer with a larger id is one the rule set has not
 * read. Counts, exports and reports made then would quietly leave it out.
 */
#include "tag_state.h"

#include <stdio.h>

#include "db.h"

int tag_state_unread(sqlite3 *db, long long ex, long long *unread, int *tagged, struct err *e)
{
	/* The answers tagger_run() reads, past the last one it read. */
	sqlite3_stmt *st = db_prepare(db,
		"SELECT count(*), (SELECT count(*) FROM ruleset WHERE exercise_id = ?1) "
		"FROM answer a CROSS JOIN question q CROSS JOIN response r "
		"WHERE q.id = a.question_id AND r.id = a.response_id AND r.exercise_id = ?1 "
		"AND q.type = 'free-text' AND a.value IS NOT NULL AND a.id > coalesce("
		"(SELECT last_answer_id FROM ruleset WHERE exercise_id = ?1), 0)", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*unread = sqlite3_column_int64(st, 0);
		*tagged = sqlite3_column_int64(st, 1) > 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "checking the tags are up to date", e);
}

int tag_state_require_current(sqlite3 *db, long long ex, const char *db_path, struct err *e)
{
	long long unread = 0;
	int tagged = 0;

	if (tag_state_unread(db, ex, &unread, &tagged, e) < 0)
		return -1;
	if (!unread)
		return 0;
	if (!tagged)
		return err_set(e, EXIT_DATA, "%lld free-text answer%s not been tagged: run "
			       "`analyser tag %s RULES` first", unread,
			       unread == 1 ? " has" : "s have", db_path);
	{
		char name[256] = "RULES";
		sqlite3_stmt *st = db_prepare(db, "SELECT file_name FROM ruleset WHERE "
						  "exercise_id = ?1", e);

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, ex);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		return err_set(e, EXIT_DATA, "%lld free-text answer%s imported or changed after "
			       "the last tag run, so the tags leave %s out: run `analyser tag %s "
			       "RULES` first (the rules last used: %s)", unread,
			       unread == 1 ? " was" : "s were", unread == 1 ? "it" : "them",
			       db_path, name);
	}
}
