/*
 * entry_resolve.c: settling the differences between first and second entries.
 */
#include "entry_internal.h"
#include "strbuf.h"

void entry_pending_free(struct entry_pending *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < p[i].ndiffs; j++) {
			free(p[i].diffs[j].code);
			free(p[i].diffs[j].first);
			free(p[i].diffs[j].second);
		}
		free(p[i].diffs);
		free(p[i].serial);
		free(p[i].event);
		free(p[i].variant);
		free(p[i].first_officer);
		free(p[i].second_officer);
	}
	free(p);
}

static int pending_diffs(sqlite3 *db, struct entry_pending *p, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT d.question_id, q.code, d.first_value, d.second_value FROM entry_difference d "
		"JOIN question q ON q.id = d.question_id WHERE d.response_id = ?1 AND NOT EXISTS "
		"(SELECT 1 FROM entry_resolution x WHERE x.response_id = d.response_id AND "
		"x.question_id = d.question_id) ORDER BY q.position, q.id", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->response_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_pending_diff *d;

		if (ALLOC_GROW(p->diffs, p->ndiffs + 1, p->diffs_alloc) < 0)
			break;
		d = &p->diffs[p->ndiffs++];
		d->question_id = sqlite3_column_int64(st, 0);
		d->code = dup_col(st, 1);
		d->first = dup_col(st, 2);
		d->second = dup_col(st, 3);
		if (!d->code || !d->first || !d->second)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the differences", e);
}

int entry_pending_list(sqlite3 *db, long long ex, const char *event, struct entry_pending **out,
		       size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT r.id, r.serial, coalesce(v.code, ''), r.form_variant, coalesce(r.officer, ''), "
		"c.officer FROM response r JOIN entry_copy c ON c.response_id = r.id "
		"LEFT JOIN event v ON v.id = r.event_id WHERE r.exercise_id = ?1 AND "
		"r.entry_status = 'differences' AND (?2 IS NULL OR v.code = ?2 COLLATE NOCASE) "
		"ORDER BY coalesce(v.code, ''), r.serial", e);
	struct entry_pending *list = NULL;
	size_t count = 0, list_alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if (event)
		sqlite3_bind_text(st, 2, event, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_pending *p;

		if (ALLOC_GROW(list, count + 1, list_alloc) < 0)
			break;
		p = &list[count++];
		memset(p, 0, sizeof *p);
		p->response_id = sqlite3_column_int64(st, 0);
		p->serial = dup_col(st, 1);
		p->event = dup_col(st, 2);
		p->variant = dup_col(st, 3);
		p->first_officer = dup_col(st, 4);
		p->second_officer = dup_col(st, 5);
		if (!p->serial || !p->event || !p->variant || !p->first_officer || !p->second_officer)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_ROW)
			err_set(e, EXIT_SYSTEM, "out of memory");
		else
			db_fail(db, "reading the forms with differences", e);
		entry_pending_free(list, count);
		return -1;
	}
	for (size_t i = 0; i < count; i++)
		if (pending_diffs(db, &list[i], e) < 0) {
			entry_pending_free(list, count);
			return -1;
		}
	*out = list;
	*n = count;
	return 0;
}

/* Works the district out again after the postcode or a ticked area changed. */
int entry_redistrict(sqlite3 *db, long long ex, long long rid, struct err *e)
{
	struct postcode_resolver *r = postcode_resolver_new(db, ex, e);
	struct postcode_input in = { NULL, NULL, NULL };
	struct postcode_result res;
	sqlite3_stmt *st = NULL;
	char pc[64] = "", ticked[16] = "", event[16] = "";
	int ok = -1;

	if (!r)
		return -1;
	if (!(st = db_prepare(db,
		"SELECT (SELECT a.value FROM answer a JOIN question q ON q.id = a.question_id "
		"        WHERE a.response_id = ?1 AND q.type = 'postcode' AND a.state = 'answered' "
		"        AND a.value IS NOT NULL ORDER BY a.id LIMIT 1), "
		"  (SELECT o.code FROM answer a JOIN question_option o ON o.id = a.option_id "
		"   JOIN exercise_district x ON x.district_code = o.code AND x.exercise_id = ?2 "
		"   WHERE a.response_id = ?1 ORDER BY a.id LIMIT 1), "
		"  (SELECT v.district_code FROM response p JOIN event v ON v.id = p.event_id "
		"   WHERE p.id = ?1)", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, ex);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, "reading the form", e);
		goto out;
	}
	copy_col(st, 0, pc, sizeof pc);
	copy_col(st, 1, ticked, sizeof ticked);
	copy_col(st, 2, event, sizeof event);
	sqlite3_finalize(st);
	st = NULL;
	in.postcode = *pc ? pc : NULL;
	in.ticked_district = *ticked ? ticked : NULL;
	in.event_district = *event ? event : NULL;
	if (postcode_resolve(r, &in, &res, e) < 0)
		goto out;
	if (!(st = db_prepare(db, "UPDATE response SET district_code = ?2, district_source = ?3, "
				  "district_note = ?4, postcode = ?5 WHERE id = ?1", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	if (*res.district)
		sqlite3_bind_text(st, 2, res.district, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, res.source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, res.note, -1, SQLITE_STATIC);
	if (*res.postcode)
		sqlite3_bind_text(st, 5, res.postcode, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, "storing the district", e);
		goto out;
	}
	ok = 0;
out:
	sqlite3_finalize(st);
	postcode_resolver_free(r);
	return ok;
}

static int replace_answers(sqlite3 *db, long long rid, const struct entry_question *q,
			   enum entry_choice choice, const struct entry_answer *correction,
			   struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM answer WHERE response_id = ?1 AND "
					  "coalesce(source_question_id, question_id) = ?2", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, q->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "replacing the answer", e);
	if (choice == ENTRY_TAKE_SECOND) {
		if (!(st = db_prepare(db,
			"INSERT INTO answer (response_id, question_id, option_id, value, state, "
			"source_question_id) SELECT ?1, a.question_id, a.option_id, a.value, a.state, "
			"a.source_question_id FROM entry_copy_answer a JOIN entry_copy c ON "
			"c.id = a.copy_id WHERE c.response_id = ?1 AND "
			"coalesce(a.source_question_id, a.question_id) = ?2 ORDER BY a.id", e)))
			return -1;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, q->id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : db_fail(db, "replacing the answer", e);
	}
	{
		struct response_writer *w = response_writer_new(db, e);
		struct stored_answer *rows = NULL;
		size_t n = 0, cap = 0;

		if (!w)
			return -1;
		rc = entry_answer_rows(q, correction, &rows, &n, &cap, e) < 0 ||
		     response_write_answers(w, rid, rows, n, e) < 0 ? -1 : 0;
		free(rows);
		response_writer_free(w);
		return rc;
	}
}

int entry_resolve(sqlite3 *db, long long ex, long long rid, const struct entry_question *q,
		  enum entry_choice choice,
		  const struct entry_answer *correction, const char *supervisor, int *verified,
		  char *why, size_t cap, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char first[ENTRY_TEXT_MAX + 64], second[ENTRY_TEXT_MAX + 64], by[ENTRY_NAME_MAX + 1] = "";
	char *value = NULL;
	long long left = 0;
	int rc, ok = -1, found = 0, settled = 0;
	int districts = q->type == EQ_POSTCODE;

	*verified = 0;
	if (db_begin(db, e) < 0)
		return -1;
	if (!(st = db_prepare(db,
		"SELECT d.first_value, d.second_value, x.resolved_by FROM entry_difference d "
		"LEFT JOIN entry_resolution x ON x.response_id = d.response_id AND "
		"x.question_id = d.question_id WHERE d.response_id = ?1 AND d.question_id = ?2", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, q->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		copy_col(st, 0, first, sizeof first);
		copy_col(st, 1, second, sizeof second);
		settled = sqlite3_column_type(st, 2) != SQLITE_NULL;
		copy_col(st, 2, by, sizeof by);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the difference", e);
		goto out;
	}
	if (!found || settled) {
		ok = 0;
		if (!found)
			say(why, cap, "There is no difference at question %s of this form.", q->code);
		else
			say(why, cap, "Question %s of this form was settled by %s meanwhile.", q->code,
			    by);
		goto out;
	}
	for (size_t k = 0; k < q->nopts; k++)
		districts |= q->opts[k].district != NULL;
	if (choice == ENTRY_KEEP_FIRST) {
		value = strdup(first);
	} else {
		if (replace_answers(db, rid, q, choice, correction, e) < 0)
			goto out;
		value = choice == ENTRY_TAKE_SECOND ? strdup(second)
						    : entry_answer_show(q, correction);
		if (districts && entry_redistrict(db, ex, rid, e) < 0)
			goto out;
	}
	if (!value) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (!(st = db_prepare(db,
		"INSERT INTO entry_resolution (response_id, question_id, choice, value, replaced, "
		"resolved_by, resolved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, q->id);
	sqlite3_bind_text(st, 3, choice == ENTRY_KEEP_FIRST ? "first"
				 : choice == ENTRY_TAKE_SECOND ? "second" : "correction",
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
	if (choice == ENTRY_KEEP_FIRST)
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_text(st, 5, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, supervisor, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(db, "storing the decision", e);
		goto out;
	}
	{
		char r[32];

		snprintf(r, sizeof r, "%lld", rid);
		if (db_int(db, "SELECT count(*) FROM entry_difference d WHERE d.response_id = ?1 AND "
			       "NOT EXISTS (SELECT 1 FROM entry_resolution x WHERE "
			       "x.response_id = d.response_id AND x.question_id = d.question_id)",
			   0, &left, e, 1, r) < 0)
			goto out;
		if (!left) {
			char sql[96];

			snprintf(sql, sizeof sql, "UPDATE response SET entry_status = 'verified' "
						  "WHERE id = %lld", rid);
			if (db_exec(db, sql, "storing the form's status", e) < 0)
				goto out;
			*verified = 1;
		}
	}
	if (db_commit(db, e) < 0)
		goto out;
	ok = 1;
out:
	if (ok != 1)
		db_rollback(db);
	sqlite3_finalize(st);
	free(value);
	return ok;
}
