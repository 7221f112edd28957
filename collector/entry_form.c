/*
 * entry_form.c: the form: the questionnaire as officers type it in.
 */
#include "entry_internal.h"
#include "strbuf.h"

#include "crosscheck.h"

static void question_free(struct entry_question *q)
{
	for (size_t k = 0; k < q->nopts; k++) {
		free(q->opts[k].code);
		free(q->opts[k].label);
		free(q->opts[k].district);
	}
	free(q->opts);
	free(q->code);
	free(q->text);
	free(q->help);
}

void entry_form_free(struct entry_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nqs; i++)
		question_free(&f->qs[i]);
	free(f->qs);
	free(f->title);
	crosscheck_free(f->checks);
	free(f);
}

static enum entry_qtype qtype(const char *t)
{
	if (!strcmp(t, "free-text"))
		return EQ_FREE_TEXT;
	if (!strcmp(t, "multiple-choice"))
		return EQ_MULTIPLE;
	if (!strcmp(t, "scale"))
		return EQ_SCALE;
	if (!strcmp(t, "postcode"))
		return EQ_POSTCODE;
	if (!strcmp(t, "number"))
		return EQ_NUMBER;
	if (!strcmp(t, "date"))
		return EQ_DATE;
	if (!strcmp(t, "short-text"))
		return EQ_SHORT_TEXT;
	return EQ_SINGLE; /* single-choice, demographic */
}

static int load_options(sqlite3 *db, long long ex, struct entry_question *q, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT o.id, o.code, o.label, coalesce(o.maps_to, o.id), "
		"  (SELECT x.district_code FROM question_option s JOIN exercise_district x "
		"   ON x.district_code = s.code AND x.exercise_id = ?2 "
		"   WHERE s.id = coalesce(o.maps_to, o.id)) "
		"FROM question_option o WHERE o.question_id = ?1 ORDER BY o.position, o.id", e);
	size_t opts_alloc = q->nopts; /* none yet: q is fresh */
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, q->id);
	sqlite3_bind_int64(st, 2, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_option *o;

		if (ALLOC_GROW(q->opts, q->nopts + 1, opts_alloc) < 0)
			break;
		o = &q->opts[q->nopts++];
		memset(o, 0, sizeof *o);
		o->id = sqlite3_column_int64(st, 0);
		o->code = dup_col(st, 1);
		o->label = dup_col(st, 2);
		o->store_id = sqlite3_column_int64(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL && !(o->district = dup_col(st, 4)))
			break;
		if (!o->code || !o->label)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the questionnaire", e);
}

struct entry_form *entry_form_load(sqlite3 *db, long long ex, const char *variant, struct err *e)
{
	struct entry_form *f = calloc(1, sizeof *f);
	sqlite3_stmt *st = NULL;
	long long qnr = -1;
	int rc;

	if (!f) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	snprintf(f->variant, sizeof f->variant, "%s", variant);
	f->channel = strcmp(variant, "easy-read") ? "paper" : "easy-read-paper";
	if (!(st = db_prepare(db, "SELECT id, title FROM questionnaire WHERE exercise_id = ?1 AND "
				  "variant = ?2", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, variant, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		qnr = sqlite3_column_int64(st, 0);
		f->title = dup_col(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the questionnaire", e);
		goto fail;
	}
	if (qnr < 0) {
		err_set(e, EXIT_USAGE, "the exercise has no %s form", variant);
		goto fail;
	}
	if (!(st = db_prepare(db,
		"SELECT id, code, type, text, help, scale_min, scale_max, coalesce(maps_to, id) "
		"FROM question WHERE questionnaire_id = ?1 AND derived_from IS NULL "
		"ORDER BY position, id", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, qnr);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_question *q;

		if (ALLOC_GROW(f->qs, f->nqs + 1, f->qs_alloc) < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
		q = &f->qs[f->nqs++];
		memset(q, 0, sizeof *q);
		q->id = sqlite3_column_int64(st, 0);
		q->number = (int)f->nqs;
		q->code = dup_col(st, 1);
		q->type = qtype((const char *)sqlite3_column_text(st, 2));
		q->text = dup_col(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			q->help = dup_col(st, 4);
		q->scale_min = (long)sqlite3_column_int64(st, 5);
		q->scale_max = (long)sqlite3_column_int64(st, 6);
		q->store_id = sqlite3_column_int64(st, 7);
		if (!q->code || !q->text) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the questionnaire", e);
		goto fail;
	}
	for (size_t i = 0; i < f->nqs; i++)
		if (load_options(db, ex, &f->qs[i], e) < 0)
			goto fail;
	if (!f->nqs) {
		err_set(e, EXIT_DATA, "the %s form of the exercise has no questions", variant);
		goto fail;
	}
	if (!(f->checks = crosscheck_load(db, ex, e)))
		goto fail;
	return f;
fail:
	sqlite3_finalize(st);
	entry_form_free(f);
	return NULL;
}

const struct entry_question *entry_form_find(const struct entry_form *f, const char *code)
{
	for (size_t i = 0; i < f->nqs; i++)
		if (!strcasecmp(f->qs[i].code, code))
			return &f->qs[i];
	return NULL;
}

const struct entry_question *entry_form_find_id(const struct entry_form *f, long long id)
{
	for (size_t i = 0; i < f->nqs; i++)
		if (f->qs[i].id == id)
			return &f->qs[i];
	return NULL;
}
