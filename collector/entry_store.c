/*
 * entry_store.c: storing confirmed forms, first and second entries.
 */
#include "entry_internal.h"

#include "crosscheck.h"
#include "strbuf.h"

/* The rows an answer is stored as. *rows is grown; n counts them. */
int entry_answer_rows(const struct entry_question *q, const struct entry_answer *a,
		      struct stored_answer **rows, size_t *n, size_t *cap, struct err *e)
{
	size_t need = *n + (a->npicks ? a->npicks : 1);
	struct stored_answer base = { q->store_id, q->store_id != q->id ? q->id : 0, 0, NULL, NULL };

	if (ALLOC_GROW(*rows, need, *cap) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (a->state == ENTRY_SKIPPED || a->state == ENTRY_UNSET) {
		base.state = "skipped";
		(*rows)[(*n)++] = base;
	} else if (a->state == ENTRY_UNREADABLE) {
		base.state = "unreadable";
		(*rows)[(*n)++] = base;
	} else if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
		for (size_t i = 0; i < a->npicks; i++) {
			base.option_id = q->opts[a->picks[i]].store_id;
			(*rows)[(*n)++] = base;
		}
	} else {
		base.value = a->text ? a->text : "";
		(*rows)[(*n)++] = base;
	}
	return 0;
}

static int form_rows(const struct entry_form *f, const struct entry_answer *answers,
		     struct stored_answer **rows, size_t *n, struct err *e)
{
	size_t cap = 0;

	*rows = NULL;
	*n = 0;
	for (size_t i = 0; i < f->nqs; i++)
		if (entry_answer_rows(&f->qs[i], &answers[i], rows, n, &cap, e) < 0)
			return -1;
	return 0;
}

int entry_cross_check(const struct entry_form *f, const struct entry_answer *answers,
		      struct entry_problem *out, size_t cap, struct err *e)
{
	struct crosscheck_problem found[16];
	struct stored_answer *rows;
	size_t nrows, n;

	if (!crosscheck_count(f->checks))
		return 0;
	if (form_rows(f, answers, &rows, &nrows, e) < 0) {
		free(rows);
		return -1;
	}
	n = crosscheck_answers(f->checks, rows, nrows, found, sizeof found / sizeof found[0]);
	free(rows);
	for (size_t k = 0; k < n && k < cap && k < sizeof found / sizeof found[0]; k++) {
		long long on_form = found[k].source_question_id ? found[k].source_question_id
								: found[k].question_id;

		out[k].index = 0;
		for (size_t i = 0; i < f->nqs; i++)
			if (f->qs[i].id == on_form)
				out[k].index = i;
		snprintf(out[k].why, sizeof out[k].why, "%s", found[k].why);
		snprintf(out[k].where, sizeof out[k].where, "%s", found[k].where);
	}
	return (int)n;
}

static int create_batch(struct entry_session *s, struct err *e)
{
	sqlite3_stmt *st = db_prepare(s->db,
		"INSERT INTO import_batch (exercise_id, file_name, sha256, format, channel, officer, "
		"started_at, event_id, entry_mode) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?7, ?8)", e);
	char name[200];
	int rc;

	if (!st)
		return -1;
	snprintf(name, sizeof name, "typed in: %s / %s", s->event_code, s->officer);
	sqlite3_bind_int64(st, 1, s->exercise_id);
	sqlite3_bind_text(st, 2, s->file ? s->file : name, -1, SQLITE_TRANSIENT);
	if (s->file)
		sqlite3_bind_text(st, 3, s->file_sha, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, s->file ? "entry-batch" : "entry", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->form->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, s->officer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, s->event_id);
	sqlite3_bind_text(st, 8, s->mode == ENTRY_FIRST ? "first" : "second", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "starting the batch", e);
	s->batch_id = sqlite3_last_insert_rowid(s->db);
	s->batch_made_in_tx = 1;
	return 0;
}

static int count_batch(struct entry_session *s, long *forms, struct err *e)
{
	char sql[200], id[32];
	long long n = 0;

	snprintf(sql, sizeof sql, "UPDATE import_batch SET rows_read = rows_read + 1, "
				  "rows_accepted = rows_accepted + 1, finished_at = "
				  "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now') WHERE id = %lld",
		 s->batch_id);
	snprintf(id, sizeof id, "%lld", s->batch_id);
	if (db_exec(s->db, sql, "counting the batch", e) < 0 ||
	    db_int(s->db, "SELECT rows_accepted FROM import_batch WHERE id = ?1", 0, &n, e, 1,
		   id) < 0)
		return -1;
	*forms = (long)n;
	return 0;
}

/* The district, from the postcode typed, else the event, else a ticked area. */
static int place_of(struct entry_session *s, const struct entry_answer *answers,
		    struct postcode_result *res, struct err *e)
{
	struct postcode_input in = { NULL, NULL, NULL };

	for (size_t i = 0; i < s->form->nqs; i++) {
		const struct entry_question *q = &s->form->qs[i];
		const struct entry_answer *a = &answers[i];

		if (a->state != ENTRY_ANSWERED)
			continue;
		if (q->type == EQ_POSTCODE && !in.postcode)
			in.postcode = a->text;
		for (size_t k = 0; k < a->npicks && !in.ticked_district; k++)
			in.ticked_district = q->opts[a->picks[k]].district;
	}
	in.event_district = *s->event_district ? s->event_district : NULL;
	return postcode_resolve(s->resolver, &in, res, e);
}

static int save_first(struct entry_session *s, const char *serial,
		      const struct entry_answer *answers, struct entry_saved *out, struct err *e)
{
	struct stored_answer *rows = NULL;
	struct stored_response r = { 0 };
	struct postcode_result place;
	size_t n = 0;
	int ok = -1;

	if (place_of(s, answers, &place, e) < 0 || form_rows(s->form, answers, &rows, &n, e) < 0)
		goto out;
	r.exercise_id = s->exercise_id;
	r.batch_id = s->batch_id;
	r.channel = s->form->channel;
	r.form_variant = s->form->variant;
	r.event_id = s->event_id;
	r.place = &place;
	r.serial = serial;
	r.officer = s->officer;
	r.entry_status = s->required ? "awaiting-second-entry" : "accepted";
	if (response_write(s->writer, &r, rows, n, &out->response_id, e) < 0)
		goto out;
	out->status = r.entry_status;
	ok = 0;
out:
	free(rows);
	return ok;
}

void entry_first_free(struct first_entry *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->rows[i].value);
	free(f->rows);
	free(f->postcode);
	free(f->officer);
	memset(f, 0, sizeof *f);
}

static enum entry_state state_named(const char *s)
{
	if (s && !strcmp(s, "skipped"))
		return ENTRY_SKIPPED;
	if (s && !strcmp(s, "unreadable"))
		return ENTRY_UNREADABLE;
	return ENTRY_ANSWERED;
}

int entry_first_rows(sqlite3 *db, const char *sql, long long id, struct first_entry *f,
		     const char *what, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	memset(f, 0, sizeof *f);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct first_row *r;

		if (ALLOC_GROW(f->rows, f->n + 1, f->cap) < 0)
			break;
		r = &f->rows[f->n++];
		r->form_qid = sqlite3_column_int64(st, 0);
		r->option_id = sqlite3_column_int64(st, 1);
		r->value = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : dup_col(st, 2);
		r->state = state_named((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc == SQLITE_DONE ? 0 : db_fail(db, what, e);
}

int entry_load_first(sqlite3 *db, long long rid, struct first_entry *f, struct err *e)
{
	sqlite3_stmt *st;

	if (entry_first_rows(db, "SELECT coalesce(source_question_id, question_id), "
			     "coalesce(option_id, 0), value, state FROM answer "
			     "WHERE response_id = ?1 ORDER BY id", rid, f, "reading the first entry",
			     e) < 0)
		return -1;
	if (!(st = db_prepare(db, "SELECT postcode, officer FROM response WHERE id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			f->postcode = dup_col(st, 0);
		f->officer = dup_col(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * The first entry's answer to q, as typed answers are held, with the
 * options ticked (store ids) into ids[]. Rows naming an option that is not
 * on the form (imported oddities) keep their id so they still differ.
 */
void entry_first_answer(const struct first_entry *f, const struct entry_question *q,
			 struct entry_answer *a, long long *ids, size_t *nids, enum cmp_state *cs)
{
	int any = 0;

	memset(a, 0, sizeof *a);
	*nids = 0;
	*cs = CMP_ABSENT;
	for (size_t i = 0; i < f->n; i++) {
		const struct first_row *r = &f->rows[i];

		if (r->form_qid != q->id)
			continue;
		any = 1;
		if (r->state != ENTRY_ANSWERED) {
			a->state = r->state;
			*cs = r->state == ENTRY_SKIPPED ? CMP_SKIPPED : CMP_UNREADABLE;
			continue;
		}
		a->state = ENTRY_ANSWERED;
		*cs = CMP_ANSWERED;
		if (r->option_id) {
			if (*nids < ENTRY_MAX_PICKS)
				ids[(*nids)++] = r->option_id;
			for (size_t k = 0; k < q->nopts; k++)
				if (q->opts[k].store_id == r->option_id)
					entry_add_pick(a, k);
		}
		if (r->value && !a->text)
			a->text = r->value; /* borrowed: not freed through `a` */
	}
	if (!any && q->type == EQ_POSTCODE && f->postcode) {
		a->state = ENTRY_ANSWERED;
		a->text = f->postcode;
		*cs = CMP_ANSWERED;
	}
	if (!any && *cs == CMP_ABSENT)
		a->state = ENTRY_SKIPPED;
}

static int add_diff(struct entry_saved *out, const struct entry_question *q, char *first,
		    char *second, struct err *e)
{
	if (ALLOC_GROW(out->diffs, out->ndiffs + 1, out->diffs_alloc) < 0 || !first || !second) {
		free(first);
		free(second);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	out->diffs[out->ndiffs++] = (struct entry_diff){ q, first, second };
	return 0;
}

/* Stores the second entry of response `rid` as typed (entry_copy and its answers). 0 or -1. */
static int store_copy(struct entry_session *s, long long rid, const struct entry_answer *answers,
		      struct err *e)
{
	struct stored_answer *rows = NULL;
	sqlite3_stmt *st;
	long long copy_id;
	size_t n = 0;
	int rc, ok = -1;

	if (!(st = db_prepare(s->db, "INSERT INTO entry_copy (response_id, officer, batch_id, "
				     "entered_at) VALUES (?1, ?2, ?3, "
				     "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, s->officer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->batch_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "storing the second entry", e);
	copy_id = sqlite3_last_insert_rowid(s->db);
	if (form_rows(s->form, answers, &rows, &n, e) < 0)
		goto out;
	if (!(st = db_prepare(s->db, "INSERT INTO entry_copy_answer (copy_id, question_id, "
				     "option_id, value, state, source_question_id) VALUES "
				     "(?1, ?2, ?3, ?4, ?5, ?6)", e)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, copy_id);
		sqlite3_bind_int64(st, 2, rows[i].question_id);
		if (rows[i].option_id)
			sqlite3_bind_int64(st, 3, rows[i].option_id);
		else
			sqlite3_bind_null(st, 3);
		if (rows[i].value)
			sqlite3_bind_text(st, 4, rows[i].value, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_text(st, 5, rows[i].state ? rows[i].state : "answered", -1,
				  SQLITE_STATIC);
		if (rows[i].source_question_id)
			sqlite3_bind_int64(st, 6, rows[i].source_question_id);
		else
			sqlite3_bind_null(st, 6);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_fail(s->db, "storing the second entry", e);
			goto out;
		}
	}
	ok = 0;
out:
	sqlite3_finalize(st);
	free(rows);
	return ok;
}

/*
 * Compares the second entry with the first of response `rid`, question by
 * question: each difference goes to out->diffs and entry_difference. 0 or -1.
 */
static int compare_with_first(struct entry_session *s, long long rid,
			      const struct entry_answer *answers, struct entry_saved *out,
			      struct err *e)
{
	struct first_entry first = { 0 };
	sqlite3_stmt *diff = NULL;
	int rc, ok = -1;

	if (entry_load_first(s->db, rid, &first, e) < 0)
		goto out;
	snprintf(out->first_officer, sizeof out->first_officer, "%s",
		 first.officer ? first.officer : "");
	if (!(diff = db_prepare(s->db, "INSERT INTO entry_difference (response_id, question_id, "
				       "first_value, second_value, found_at) VALUES (?1, ?2, ?3, "
				       "?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		goto out;
	for (size_t i = 0; i < s->form->nqs; i++) {
		const struct entry_question *q = &s->form->qs[i];
		const struct entry_answer *b = &answers[i];
		struct entry_answer a;
		long long ida[ENTRY_MAX_PICKS], idb[ENTRY_MAX_PICKS];
		size_t na, nb = 0;
		struct cmp_value va, vb;
		enum cmp_state cs;
		int same;

		entry_first_answer(&first, q, &a, ida, &na, &cs);
		for (size_t k = 0; k < b->npicks; k++)
			idb[nb++] = q->opts[b->picks[k]].store_id;
		va = (struct cmp_value){ cs, ida, na, a.text };
		vb = (struct cmp_value){ b->state == ENTRY_ANSWERED ? CMP_ANSWERED
					 : b->state == ENTRY_UNREADABLE ? CMP_UNREADABLE
									: CMP_SKIPPED,
					 idb, nb, b->text };
		if ((same = compare_values(q->type == EQ_FREE_TEXT, &va, &vb)) < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		if (same)
			continue;
		if (add_diff(out, q, entry_answer_show(q, &a), entry_answer_show(q, b), e) < 0)
			goto out;
		sqlite3_bind_int64(diff, 1, rid);
		sqlite3_bind_int64(diff, 2, q->id);
		sqlite3_bind_text(diff, 3, out->diffs[out->ndiffs - 1].first, -1, SQLITE_STATIC);
		sqlite3_bind_text(diff, 4, out->diffs[out->ndiffs - 1].second, -1, SQLITE_STATIC);
		rc = sqlite3_step(diff);
		sqlite3_reset(diff);
		if (rc != SQLITE_DONE) {
			db_fail(s->db, "storing a difference", e);
			goto out;
		}
	}
	ok = 0;
out:
	sqlite3_finalize(diff);
	entry_first_free(&first);
	return ok;
}

/* A second entry of form `serial`: stored as typed, compared, the form's status set. 0 or -1. */
static int save_second(struct entry_session *s, const char *serial,
		       const struct entry_answer *answers, struct entry_saved *out, struct err *e)
{
	long long rid = -1;
	char ex[32], *sql;
	int rc;

	snprintf(ex, sizeof ex, "%lld", s->exercise_id);
	if (db_int(s->db, "SELECT id FROM response WHERE exercise_id = ?1 AND serial = ?2", -1,
		   &rid, e, 2, ex, serial) < 0)
		return -1;
	if (rid < 0)
		return err_set(e, EXIT_SYSTEM, "form %s vanished while it was being saved", serial);
	out->response_id = rid;
	if (store_copy(s, rid, answers, e) < 0 || compare_with_first(s, rid, answers, out, e) < 0)
		return -1;
	out->status = out->ndiffs ? "differences" : "verified";
	if (!(sql = sqlite3_mprintf("UPDATE response SET entry_status = '%q' WHERE id = %lld",
				    out->status, rid)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	rc = db_exec(s->db, sql, "storing the form's status", e);
	sqlite3_free(sql);
	return rc < 0 ? -1 : 0;
}

void entry_saved_free(struct entry_saved *s)
{
	for (size_t i = 0; i < s->ndiffs; i++) {
		free(s->diffs[i].first);
		free(s->diffs[i].second);
	}
	free(s->diffs);
	memset(s, 0, sizeof *s);
}

int entry_save(struct entry_session *s, const char *serial, const struct entry_answer *answers,
	       struct entry_saved *out, char *why, size_t cap, struct err *e)
{
	char clean[ENTRY_SERIAL_MAX + 1];
	int own = !s->in_file, rc;

	memset(out, 0, sizeof *out);
	if (!s->writer)
		return err_set(e, EXIT_SYSTEM, "saving a form: the session was opened for lookups "
					       "only");
	if (own) {
		if (db_begin(s->db, e) < 0)
			return -1;
		s->batch_made_in_tx = 0;
	}
	/* Someone may have saved the same serial while this form was typed. */
	if ((rc = entry_check_serial(s, serial, clean, why, cap, e)) <= 0)
		goto fail;
	/* Every path checks the answers before it saves; this is the last word. */
	{
		struct entry_problem p;

		if ((rc = entry_cross_check(s->form, answers, &p, 1, e)) != 0) {
			if (rc > 0)
				say(why, cap, "question %d: %s", s->form->qs[p.index].number, p.why);
			rc = rc > 0 ? 0 : -1;
			goto fail;
		}
	}
	rc = -1;
	if (!s->batch_id && create_batch(s, e) < 0)
		goto fail;
	if ((s->mode == ENTRY_FIRST ? save_first : save_second)(s, clean, answers, out, e) < 0)
		goto fail;
	if (count_batch(s, &out->forms, e) < 0)
		goto fail;
	if (own && db_commit(s->db, e) < 0)
		goto fail;
	if (own)
		s->batch_made_in_tx = 0;
	return 1;
fail:
	if (own) {
		db_rollback(s->db);
		if (s->batch_made_in_tx)
			s->batch_id = 0;
		s->batch_made_in_tx = 0;
	}
	entry_saved_free(out);
	return rc;
}

int entry_session_begin_file(struct entry_session *s, struct err *e)
{
	if (db_begin(s->db, e) < 0)
		return -1;
	s->in_file = 1;
	s->batch_made_in_tx = 0;
	return 0;
}

int entry_session_end_file(struct entry_session *s, int ok, struct err *e)
{
	int rc = 0;

	s->in_file = 0;
	if (ok && db_commit(s->db, e) == 0) {
		s->batch_made_in_tx = 0;
		return 0;
	}
	if (ok)
		rc = -1;
	db_rollback(s->db);
	if (s->batch_made_in_tx)
		s->batch_id = 0;
	s->batch_made_in_tx = 0;
	return rc;
}

void entry_session_join(struct entry_session *s)
{
	s->in_file = 1;
	s->batch_made_in_tx = 0;
}

void entry_session_leave(struct entry_session *s, int kept)
{
	s->in_file = 0;
	if (!kept && s->batch_made_in_tx)
		s->batch_id = 0;
	s->batch_made_in_tx = 0;
}

void entry_print_diffs(FILE *out, const char *first_officer, const char *second_officer,
		       const struct entry_diff *d, size_t n)
{
	struct cmp_row *rows = calloc(n ? n : 1, sizeof *rows);
	char left[120], right[120];

	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct cmp_row){ d[i].q->code, d[i].first, d[i].second };
	snprintf(left, sizeof left, "First entry (%s)", first_officer && *first_officer ?
		 first_officer : "imported");
	snprintf(right, sizeof right, "Second entry (%s)", second_officer);
	compare_print_table(out, "Question", left, right, rows, n);
	free(rows);
}
