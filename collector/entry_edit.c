/*
 * entry_edit.c: changing a typed form before a second entry checks it,
 * keeping what it was (entry_version, migration 0021).
 */
#include "entry_internal.h"
#include "strbuf.h"

int entry_edit_allowed(sqlite3 *db, long long ex, long long rid, const char *who, int supervisor,
		       struct entry_editable *out, char *why, size_t cap, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT coalesce(r.serial, ''), r.form_variant, coalesce(v.code, ''), "
		"coalesce(r.officer, ''), r.entry_status, r.channel, coalesce(b.format, ''), "
		"(SELECT count(*) FROM entry_copy c WHERE c.response_id = r.id) FROM response r "
		"LEFT JOIN event v ON v.id = r.event_id LEFT JOIN import_batch b ON "
		"b.id = r.batch_id WHERE r.id = ?1 AND r.exercise_id = ?2", e);
	char status[32] = "", channel[32] = "", format[32] = "";
	long long copies = 0;
	int rc;

	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->response_id = rid;
		copy_col(st, 0, out->serial, sizeof out->serial);
		copy_col(st, 1, out->variant, sizeof out->variant);
		copy_col(st, 2, out->event, sizeof out->event);
		copy_col(st, 3, out->officer, sizeof out->officer);
		copy_col(st, 4, status, sizeof status);
		copy_col(st, 5, channel, sizeof channel);
		copy_col(st, 6, format, sizeof format);
		copies = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the form", e);
	if (rc == SQLITE_DONE)
		return say(why, cap, "There is no such form.");
	if (!strcmp(channel, "kiosk") || (strcmp(format, "entry") && strcmp(format, "entry-batch")))
		return say(why, cap, "This form was not typed in by an officer (it was sent from a "
				     "kiosk or imported), so it cannot be changed here.");
	if (copies || !strcmp(status, "verified") || !strcmp(status, "differences"))
		return say(why, cap, "Form %s has been checked by a second entry, so it can no "
				     "longer be changed: a supervisor settles any differences.",
			   out->serial);
	if (!supervisor && strcmp(out->officer, who))
		return say(why, cap, "Only the officer who typed form %s, or a supervisor, can "
				     "change it.", out->serial);
	return 1;
}

/* The answers of `f` from stored rows, each text copied. 0 or -1. */
static int answers_from(const struct first_entry *first, const struct entry_form *f,
			struct entry_answer *answers, struct err *e)
{
	for (size_t i = 0; i < f->nqs; i++) {
		long long ids[ENTRY_MAX_PICKS];
		size_t nids;
		enum cmp_state cs;

		entry_first_answer(first, &f->qs[i], &answers[i], ids, &nids, &cs);
		if (answers[i].text && !(answers[i].text = strdup(answers[i].text))) {
			for (size_t j = 0; j < i; j++)
				entry_answer_clear(&answers[j]);
			memset(&answers[i], 0, sizeof answers[i]);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
	}
	return 0;
}

int entry_edit_load(sqlite3 *db, const struct entry_form *f, long long rid,
		    struct entry_answer *answers, struct err *e)
{
	struct first_entry first;
	int rc;

	if (entry_load_first(db, rid, &first, e) < 0) {
		entry_first_free(&first);
		return -1;
	}
	rc = answers_from(&first, f, answers, e);
	entry_first_free(&first);
	return rc;
}

/* 1 when a and b show the same for every question of f, 0 when not, -1. */
static int same_answers(const struct entry_form *f, const struct entry_answer *a,
			const struct entry_answer *b, struct err *e)
{
	for (size_t i = 0; i < f->nqs; i++) {
		char *x = entry_answer_show(&f->qs[i], &a[i]), *y = entry_answer_show(&f->qs[i], &b[i]);
		int same = x && y && !strcmp(x, y);

		if (!x || !y) {
			free(x);
			free(y);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		free(x);
		free(y);
		if (!same)
			return 0;
	}
	return 1;
}

/* Keeps the stored answers of `rid` as its next version, replaced by `who` now. 0 or -1. */
static int keep_version(sqlite3 *db, long long rid, const char *who, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO entry_version (response_id, version, saved_by, saved_at, replaced_by, "
		"replaced_at) SELECT r.id, coalesce(l.version, 0) + 1, coalesce(l.replaced_by, "
		"r.officer, ''), coalesce(l.replaced_at, r.recorded_at), ?2, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM response r LEFT JOIN entry_version l "
		"ON l.response_id = r.id AND l.version = (SELECT max(version) FROM entry_version "
		"WHERE response_id = r.id) WHERE r.id = ?1", e);
	long long vid;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "keeping the form's earlier version", e);
	vid = sqlite3_last_insert_rowid(db);
	if (!(st = db_prepare(db, "INSERT INTO entry_version_answer (version_id, question_id, "
				  "source_question_id, option_id, value, state) SELECT ?2, "
				  "question_id, source_question_id, option_id, value, state FROM "
				  "answer WHERE response_id = ?1 ORDER BY id", e)))
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, vid);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "keeping the form's earlier answers", e);
	if (!(st = db_prepare(db, "DELETE FROM answer WHERE response_id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "replacing the form's answers", e);
}

int entry_edit_save(sqlite3 *db, long long ex, const struct entry_form *f, long long rid,
		    const struct entry_answer *answers, const char *who, int supervisor,
		    int *changed, char *why, size_t cap, struct err *e)
{
	struct entry_editable ed;
	struct entry_answer *now = NULL;
	struct stored_answer *rows = NULL;
	struct response_writer *w = NULL;
	struct entry_problem p;
	size_t n = 0, rcap = 0;
	int rc;

	*changed = 0;
	if (db_begin(db, e) < 0)
		return -1;
	if ((rc = entry_edit_allowed(db, ex, rid, who, supervisor, &ed, why, cap, e)) <= 0)
		goto out;
	if (strcmp(ed.variant, f->variant)) {
		rc = say(why, cap, "Form %s was typed on the %s form, not this one.", ed.serial,
			 ed.variant);
		goto out;
	}
	if ((rc = entry_cross_check(f, answers, &p, 1, e)) != 0) {
		if (rc > 0)
			say(why, cap, "question %d: %s", f->qs[p.index].number, p.why);
		rc = rc > 0 ? 0 : -1;
		goto out;
	}
	rc = -1;
	if (!(now = calloc(f->nqs, sizeof *now))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (entry_edit_load(db, f, rid, now, e) < 0)
		goto out;
	if ((rc = same_answers(f, now, answers, e)) != 0) {
		rc = rc > 0 ? 1 : -1;
		goto out; /* nothing to change: rolled back below, nothing was written */
	}
	rc = -1;
	for (size_t i = 0; i < f->nqs; i++)
		if (entry_answer_rows(&f->qs[i], &answers[i], &rows, &n, &rcap, e) < 0)
			goto out;
	if (keep_version(db, rid, who, e) < 0 || !(w = response_writer_new(db, e)) ||
	    response_write_answers(w, rid, rows, n, e) < 0 || entry_redistrict(db, ex, rid, e) < 0)
		goto out;
	response_writer_free(w);
	w = NULL;
	if (db_commit(db, e) < 0)
		goto out;
	*changed = 1;
	rc = 1;
out:
	if (!*changed)
		db_rollback(db);
	response_writer_free(w);
	free(rows);
	for (size_t i = 0; now && i < f->nqs; i++)
		entry_answer_clear(&now[i]);
	free(now);
	return rc;
}

void entry_versions_free(const struct entry_form *f, struct entry_version *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; v[i].answers && j < f->nqs; j++)
			entry_answer_clear(&v[i].answers[j]);
		free(v[i].answers);
	}
	free(v);
}

/* The answers of version `vid` as a first entry's rows. 0 or -1. */
static int version_rows(sqlite3 *db, long long vid, struct first_entry *f, struct err *e)
{
	return entry_first_rows(db, "SELECT coalesce(source_question_id, question_id), "
				"coalesce(option_id, 0), value, state FROM entry_version_answer "
				"WHERE version_id = ?1 ORDER BY id", vid, f, "reading an earlier version",
				e);
}

int entry_versions(sqlite3 *db, const struct entry_form *f, long long rid,
		   struct entry_version **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, version, saved_by, saved_at, replaced_by, replaced_at FROM "
		"entry_version WHERE response_id = ?1 ORDER BY version", e);
	struct entry_version *v = NULL;
	size_t nv = 0, v_alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct first_entry first;
		struct entry_version *x;

		if (ALLOC_GROW(v, nv + 1, v_alloc) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		x = &v[nv++];
		memset(x, 0, sizeof *x);
		x->version = sqlite3_column_int(st, 1);
		copy_col(st, 2, x->saved_by, sizeof x->saved_by);
		copy_col(st, 3, x->saved_at, sizeof x->saved_at);
		copy_col(st, 4, x->replaced_by, sizeof x->replaced_by);
		copy_col(st, 5, x->replaced_at, sizeof x->replaced_at);
		if (!(x->answers = calloc(f->nqs, sizeof *x->answers))) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (version_rows(db, sqlite3_column_int64(st, 0), &first, e) < 0 ||
		    answers_from(&first, f, x->answers, e) < 0) {
			entry_first_free(&first);
			free(x->answers);
			x->answers = NULL;
			sqlite3_finalize(st);
			entry_versions_free(f, v, nv);
			return -1;
		}
		entry_first_free(&first);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		entry_versions_free(f, v, nv);
		return rc == SQLITE_NOMEM ? err_set(e, EXIT_SYSTEM, "out of memory")
					  : db_fail(db, "reading the earlier versions", e);
	}
	*out = v;
	*n = nv;
	return 0;
}
