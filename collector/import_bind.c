/*
 * import_bind.c: binding the mapping to the exercise. Each mapped question
 * code is looked up in the questionnaire the export used (standard or Easy
 * Read), with its options, and where an Easy Read answer is stored (the
 * standard question and option it maps onto).
 */
#include "import_internal.h"

void import_bound_free(struct importer *im)
{
	for (size_t i = 0; i < im->nqs; i++) {
		struct bound_question *q = &im->qs[i];

		for (size_t k = 0; k < q->nopts; k++) {
			free(q->opts[k].code);
			free(q->opts[k].label);
		}
		free(q->opts);
		free(q->type);
		free(q->opt_value_index);
		free(q->option_fields);
		free(q->option_index);
		free(q->range_index);
		for (size_t k = 0; k < q->nitems; k++)
			free(q->item_names[k]);
		free(q->item_names);
		free(q->item_fields);
		free(q->item_option);
	}
	free(im->qs);
	im->qs = NULL;
	im->nqs = 0;
	im->capqs = 0;
	shape_free(im);
}

long import_find_bound_option(const struct bound_question *q, const char *code)
{
	for (size_t k = 0; k < q->nopts; k++)
		if (!strcmp(q->opts[k].code, code))
			return (long)k;
	return -1;
}

/*
 * A question's <range>s: each names an option of a question that takes one
 * answer (an age band). 0, or -1 refusing the file with the range's line.
 */
static int bind_ranges(struct importer *im, struct bound_question *q)
{
	const struct map_question *mq = q->mq;

	if (!mq->nranges)
		return 0;
	if (strcmp(q->type, "single-choice") && strcmp(q->type, "demographic"))
		return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' is %s: a range maps a "
						 "number onto one option, so it needs a single-choice "
						 "or demographic question",
			       im->m->path, mq->ranges[0].line, mq->code, q->type);
	if (mq->separator)
		return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' has ranges and a separator: "
						 "a range reads one number a cell",
			       im->m->path, mq->line, mq->code);
	if (!(q->range_index = calloc(mq->nranges, sizeof *q->range_index)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	for (size_t r = 0; r < mq->nranges; r++)
		if ((q->range_index[r] = import_find_bound_option(q, mq->ranges[r].option)) < 0)
			return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' has no option '%s' "
							 "for the range",
				       im->m->path, mq->ranges[r].line, mq->code,
				       mq->ranges[r].option);
	return 0;
}

int import_bind_question(struct importer *im, long long qnr, const struct map_question *mq,
		  struct bound_question *q)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"SELECT id, type, scale_min, scale_max, coalesce(maps_to, id) FROM question "
		"WHERE questionnaire_id = ?1 AND code = ?2", im->e);
	int rc;

	if (!st)
		return -1;
	q->mq = mq;
	sqlite3_bind_int64(st, 1, qnr);
	sqlite3_bind_text(st, 2, mq->code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(im->db, "reading the questionnaire", im->e);
	}
	if (rc == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		q->type = strdup((const char *)sqlite3_column_text(st, 1));
		q->has_scale = sqlite3_column_type(st, 2) != SQLITE_NULL;
		q->scale_min = (long)sqlite3_column_int64(st, 2);
		q->scale_max = (long)sqlite3_column_int64(st, 3);
		q->store_qid = sqlite3_column_int64(st, 4);
		q->source_qid = q->store_qid != id ? id : 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return err_set(im->e, EXIT_DATA,
			       "%s:%ld: question '%s' is not in the %s questionnaire of the exercise",
			       im->m->path, mq->line, mq->code, im->form);
	if (!q->type)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");

	if (!(st = db_prepare(im->db,
			      "SELECT o.code, o.label, coalesce(o.maps_to, o.id) FROM question_option o "
			      "JOIN question q ON o.question_id = q.id "
			      "WHERE q.questionnaire_id = ?1 AND q.code = ?2 ORDER BY o.position", im->e)))
		return -1;
	sqlite3_bind_int64(st, 1, qnr);
	sqlite3_bind_text(st, 2, mq->code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bound_option *o;

		if (ALLOC_GROW(q->opts, q->nopts + 1, q->capopts) < 0)
			break;
		o = &q->opts[q->nopts];
		o->code = strdup((const char *)sqlite3_column_text(st, 0));
		o->label = strdup((const char *)sqlite3_column_text(st, 1));
		o->store_id = sqlite3_column_int64(st, 2);
		q->nopts++;
		if (!o->code || !o->label)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "reading the questionnaire", im->e);

	/* What the mapping says of the question must fit it. */
	if (mq->noptions && strcmp(q->type, "multiple-choice") && strcmp(q->type, "single-choice") &&
	    strcmp(q->type, "demographic"))
		return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' is %s: it has no options "
						 "to map one field each",
			       im->m->path, mq->line, mq->code, q->type);
	q->opt_value_index = calloc(mq->nvalues ? mq->nvalues : 1, sizeof *q->opt_value_index);
	q->option_index = calloc(mq->noptions ? mq->noptions : 1, sizeof *q->option_index);
	q->option_fields = calloc(mq->noptions ? mq->noptions : 1, sizeof *q->option_fields);
	if (!q->opt_value_index || !q->option_index || !q->option_fields)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	for (size_t v = 0; v < mq->nvalues; v++)
		if ((q->opt_value_index[v] = import_find_bound_option(q, mq->values[v].to)) < 0)
			return err_set(im->e, EXIT_DATA,
				       "%s:%ld: question '%s' has no option '%s' for the value '%s'",
				       im->m->path, mq->line, mq->code, mq->values[v].to,
				       mq->values[v].from);
	for (size_t k = 0; k < mq->noptions; k++)
		if ((q->option_index[k] = import_find_bound_option(q, mq->options[k].code)) < 0)
			return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' has no option '%s'",
				       im->m->path, mq->options[k].line, mq->code,
				       mq->options[k].code);
	for (size_t i = 0; i < mq->nno_answer; i++)
		if (import_match_option(q, mq->no_answer[i]) >= 0)
			return err_set(im->e, EXIT_DATA, "%s:%ld: the no-answer value '%s' of question "
							 "'%s' names one of its options",
				       im->m->path, mq->line, mq->no_answer[i], mq->code);
	return bind_ranges(im, q);
}

/*
 * The questionnaire a question of the mapping is looked up in: the form's,
 * but a fixed question an Easy Read form never asks is the standard one's.
 */
static long long fixed_questionnaire(struct importer *im, long long qnr,
				     const struct map_question *mq)
{
	long long found = -1, standard = -1;
	char q[32];

	if (!mq->fixed || !strcmp(im->form, "standard"))
		return qnr;
	snprintf(q, sizeof q, "%lld", qnr);
	if (db_int(im->db, "SELECT 1 FROM question WHERE questionnaire_id = ?1 AND code = ?2",
		   -1, &found, im->e, 2, q, mq->code) < 0)
		return -1;
	if (found > 0)
		return qnr;
	snprintf(q, sizeof q, "%lld", im->exercise_id);
	if (db_int(im->db, "SELECT id FROM questionnaire WHERE exercise_id = ?1 "
			   "AND variant = 'standard'", -1, &standard, im->e, 1, q) < 0)
		return -1;
	if (standard < 0)
		return qnr;
	return standard;
}


int import_bind_mapping(struct importer *im)
{
	long long qnr = -1;
	char id[32];

	snprintf(id, sizeof id, "%lld", im->exercise_id);
	if (db_int(im->db, "SELECT id FROM questionnaire WHERE exercise_id = ?1 AND variant = ?2",
		   -1, &qnr, im->e, 2, id, im->form) < 0)
		return -1;
	if (qnr < 0)
		return err_set(im->e, EXIT_DATA, "the exercise has no %s questionnaire", im->form);
	if (!(im->qs = calloc(im->m->nquestions ? im->m->nquestions : 1, sizeof *im->qs)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	im->capqs = im->m->nquestions ? im->m->nquestions : 1;
	for (size_t i = 0; i < im->m->nquestions; i++) {
		long long in = fixed_questionnaire(im, qnr, &im->m->questions[i]);

		im->nqs++;
		if (in < 0 || import_bind_question(im, in, &im->m->questions[i], &im->qs[i]) < 0 ||
		    import_check_fixed(im, &im->qs[i]) < 0)
			return -1;
	}
	return shape_bind(im, qnr);
}
