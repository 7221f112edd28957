/*
 * tagger.c: one pass over the free-text answers, every theme tried on each.
 */
#include "tagger.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "utf8.h"

/* Stores the rule set and its themes; *ids gets each theme's row id. */
static int store_ruleset(sqlite3 *db, long long ex, const struct ruleset *rs, long long *rsid,
			 long long *ids, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO ruleset (exercise_id, sha256, file_name, title, tagged_at) VALUES "
		"(?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, rs->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, file_base(rs->path), -1, SQLITE_STATIC);
	if (rs->title)
		sqlite3_bind_text(st, 4, rs->title, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "storing the rule set", e);
	*rsid = sqlite3_last_insert_rowid(db);
	if (!(st = db_prepare(db, "INSERT INTO theme (ruleset_id, code, label, description, "
				  "parent_id, depth, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", e)))
		return -1;
	/* Parents first, whatever the file's order, so parent_id is known. */
	for (int depth = 1, left = (int)rs->nthemes; left > 0; depth++) {
		for (size_t i = 0; i < rs->nthemes; i++) {
			const struct rule_theme *t = &rs->themes[i];

			if (t->depth != depth)
				continue;
			sqlite3_bind_int64(st, 1, *rsid);
			sqlite3_bind_text(st, 2, t->code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, t->label, -1, SQLITE_STATIC);
			if (t->description)
				sqlite3_bind_text(st, 4, t->description, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 4);
			if (t->parent >= 0)
				sqlite3_bind_int64(st, 5, ids[t->parent]);
			else
				sqlite3_bind_null(st, 5);
			sqlite3_bind_int(st, 6, t->depth);
			sqlite3_bind_int64(st, 7, (long long)i + 1);
			if (sqlite3_step(st) != SQLITE_DONE) {
				sqlite3_finalize(st);
				return db_fail(db, "storing the themes", e);
			}
			sqlite3_reset(st);
			ids[i] = sqlite3_last_insert_rowid(db);
			left--;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* The current rule set's id and theme ids, when it is `rs`'s version. */
static int current(sqlite3 *db, long long ex, const struct ruleset *rs, long long *rsid,
		   long long *last, long long *ids, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, last_answer_id FROM ruleset WHERE "
					  "exercise_id = ?1 AND sha256 = ?2", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, rs->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rsid = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the rule set", e);
	if (!(st = db_prepare(db, "SELECT code, id FROM theme WHERE ruleset_id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, *rsid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = rules_find(rs, (const char *)sqlite3_column_text(st, 0));

		if (i >= 0)
			ids[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : db_fail(db, "reading the themes", e);
}

static int tag_answers(sqlite3 *db, long long ex, const struct ruleset *rs, long long rsid,
		       long long after, const long long *ids, long *errs, struct tag_stats *stats,
		       struct err *e)
{
	sqlite3_stmt *sel = db_prepare(db,
		"SELECT a.id, a.value, q.code FROM answer a "
		"JOIN question q ON q.id = a.question_id JOIN response r ON r.id = a.response_id "
		"WHERE r.exercise_id = ?1 AND q.type = 'free-text' AND a.value IS NOT NULL "
		"AND a.id > ?2 ORDER BY a.id", e);
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO tag (answer_id, theme_id, rule, match_start, "
					   "match_end) VALUES (?1, ?2, ?3, ?4, ?5)", e);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	long long last = after;
	int rc = SQLITE_ERROR, ok = -1;

	if (!sel || !ins || !md) {
		if (!md)
			err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	sqlite3_bind_int64(sel, 1, ex);
	sqlite3_bind_int64(sel, 2, after);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		long long aid = sqlite3_column_int64(sel, 0);
		const char *text = (const char *)sqlite3_column_text(sel, 1);
		size_t len = (size_t)sqlite3_column_bytes(sel, 1);
		const char *qcode = (const char *)sqlite3_column_text(sel, 2);
		int any = 0;

		last = aid;
		stats->answers++;
		/* Validated once here, so the patterns can skip the check. */
		if (!utf8_check(text, len, NULL)) {
			stats->invalid_utf8++;
			continue;
		}
		for (size_t i = 0; i < rs->nthemes; i++) {
			const struct rule_theme *t = &rs->themes[i];
			struct rule_hit hit;
			enum rule_result r;

			if (!t->nincludes || !rules_applies(t, qcode))
				continue;
			r = rules_match(rs, t, text, len, 1, md, &hit);
			if (r == RULE_ERROR) {
				errs[i]++;
				stats->errors++;
				continue;
			}
			if (r != RULE_MATCH)
				continue;
			sqlite3_bind_int64(ins, 1, aid);
			sqlite3_bind_int64(ins, 2, ids[i]);
			sqlite3_bind_text(ins, 3, hit.rule->id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 4, (long long)hit.start);
			sqlite3_bind_int64(ins, 5, (long long)hit.end);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				db_fail(db, "storing a tag", e);
				goto out;
			}
			sqlite3_reset(ins);
			stats->tags++;
			any = 1;
		}
		stats->tagged += any;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the answers", e);
		goto out;
	}
	sqlite3_finalize(ins);
	ins = db_prepare(db, "UPDATE ruleset SET last_answer_id = ?2, answers = answers + ?3, "
			     "errors = errors + ?4, tagged_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
			     "WHERE id = ?1", e);
	if (!ins)
		goto out;
	sqlite3_bind_int64(ins, 1, rsid);
	sqlite3_bind_int64(ins, 2, last);
	sqlite3_bind_int64(ins, 3, stats->answers);
	sqlite3_bind_int64(ins, 4, stats->errors);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		db_fail(db, "storing the rule set", e);
		goto out;
	}
	ok = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	pcre2_match_data_free(md);
	return ok;
}

int tagger_run(sqlite3 *db, long long exercise_id, const struct ruleset *rs,
	       struct tag_stats *stats, struct err *errors_out, struct err *e)
{
	long long *ids = calloc(rs->nthemes + 1, sizeof *ids);
	long *errs = calloc(rs->nthemes + 1, sizeof *errs);
	long long rsid = 0, after = 0, total = 0;
	int rc, ok = -1;

	memset(stats, 0, sizeof *stats);
	if (!ids || !errs) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (db_begin(db, e) < 0)
		goto out;
	if ((rc = current(db, exercise_id, rs, &rsid, &after, ids, e)) < 0)
		goto fail;
	stats->same_version = rc;
	if (!rc) {
		/* A new version: the old rule set, its themes and tags go. */
		char sql[96];

		snprintf(sql, sizeof sql, "DELETE FROM ruleset WHERE exercise_id = %lld", exercise_id);
		if (db_exec(db, sql, "replacing the rule set", e) < 0 ||
		    store_ruleset(db, exercise_id, rs, &rsid, ids, e) < 0)
			goto fail;
	}
	if (tag_answers(db, exercise_id, rs, rsid, after, ids, errs, stats, e) < 0)
		goto fail;
	if (db_int(db, "SELECT count(*) FROM tag t JOIN theme h ON h.id = t.theme_id "
		       "JOIN ruleset s ON s.id = h.ruleset_id WHERE s.sha256 = ?1",
		   0, &total, e, 1, rs->sha256) < 0 ||
	    db_commit(db, e) < 0)
		goto fail;
	stats->total_tags = (long)total;
	for (size_t i = 0; i < rs->nthemes; i++)
		if (errs[i])
			err_set(errors_out, EXIT_DATA,
				"theme %s: its patterns gave up on %ld answers (the match limit): "
				"simplify them, then tag again",
				rs->themes[i].code, errs[i]);
	ok = 0;
	goto out;
fail:
	db_rollback(db);
out:
	free(ids);
	free(errs);
	return ok;
}
