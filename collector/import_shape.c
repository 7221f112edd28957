/*
 * import_shape.c: applying a mapping's grids, routes and repeat groups
 * (docs/mapping-format.md: "Grids", "Routing", "ODK / KoboToolbox repeat
 * groups"). Grid rows that are questions become ordinary bound questions
 * once the header is known; a route's questions and a grid of one
 * question's items are read here, record by record; a question inside a
 * repeat group given repeat by repeat gets one answer per repeat.
 */
#include "import_internal.h"

/* A question the mapping reaches through a shape: its own map_question, owned here. */
static struct map_question *shape_mq(struct importer *im, const char *code, const char *field,
				     const struct map_value *values, size_t nvalues, long line)
{
	struct map_question *mq;

	if (ALLOC_GROW(im->shape_mqs, im->nshape_mqs + 1, im->capshape_mqs) < 0)
		return NULL;
	if (!(mq = calloc(1, sizeof *mq)))
		return NULL;
	if (!(mq->code = strdup(code)) || (field && !(mq->field = strdup(field)))) {
		free(mq->code);
		free(mq);
		return NULL;
	}
	/* A copy of the array; its strings belong to the mapping, which outlives the import. */
	if (nvalues && !(mq->values = malloc(nvalues * sizeof *mq->values))) {
		free(mq->field);
		free(mq->code);
		free(mq);
		return NULL;
	}
	if (nvalues)
		memcpy(mq->values, values, nvalues * sizeof *values);
	mq->nvalues = nvalues;
	mq->line = line;
	im->shape_mqs[im->nshape_mqs++] = mq;
	return mq;
}

void shape_free(struct importer *im)
{
	for (size_t i = 0; i < im->nshape_mqs; i++) {
		free(im->shape_mqs[i]->code);
		free(im->shape_mqs[i]->field);
		free(im->shape_mqs[i]->values);
		free(im->shape_mqs[i]);
	}
	free(im->shape_mqs);
	im->shape_mqs = NULL;
	im->nshape_mqs = 0;
	im->capshape_mqs = 0;
	for (size_t i = 0; i < im->nroute_keys; i++)
		free(im->route_keys[i].text);
	free(im->route_keys);
	im->route_keys = NULL;
	im->nroute_keys = 0;
	im->caproute_keys = 0;
	free(im->route_fields);
	im->route_fields = NULL;
}

/* Binds `mq` as one more of im->qs: its index, or -1 (`e` set). */
static long shape_bind_one(struct importer *im, long long qnr, const struct map_question *mq)
{
	if (ALLOC_GROW(im->qs, im->nqs + 1, im->capqs) < 0)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	memset(&im->qs[im->nqs], 0, sizeof im->qs[im->nqs]);
	im->qs[im->nqs].field = -1;
	im->nqs++;
	if (import_bind_question(im, qnr, mq, &im->qs[im->nqs - 1]) < 0)
		return -1;
	return (long)im->nqs - 1;
}

/*
 * A route's <value>s, bound to question `q` (its own map_question, `mq`):
 * those that name one of its options; the others are for other questions.
 */
static int route_values(struct importer *im, struct map_question *mq, struct bound_question *q,
			const struct map_route *r)
{
	struct map_value *v = calloc(r->nvalues ? r->nvalues : 1, sizeof *v);
	long *idx = calloc(r->nvalues ? r->nvalues : 1, sizeof *idx);
	size_t n = 0;

	if (!v || !idx) {
		free(v);
		free(idx);
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < r->nvalues; i++) {
		long k = import_find_bound_option(q, r->values[i].to);

		if (k >= 0) {
			v[n] = r->values[i];
			idx[n++] = k;
		}
	}
	free(mq->values);
	mq->values = v;
	mq->nvalues = n;
	free(q->opt_value_index);
	q->opt_value_index = idx;
	return 0;
}

/* True when question `code` is mapped by a <question> or a <fixed>. */
static int mapped_on_its_own(const struct mapping *m, const char *code)
{
	for (size_t i = 0; i < m->nquestions; i++)
		if (!strcasecmp(m->questions[i].code, code))
			return 1;
	return 0;
}

/* True when `field` is `group` or lies below it. */
static int in_group(const char *field, const char *group)
{
	size_t n = strlen(group);

	return field && !strncmp(field, group, n) && (field[n] == '/' || field[n] == '\0');
}

static int add_route_key(struct importer *im, const char *text, size_t route, long q, int to)
{
	struct route_key *more;

	if (ALLOC_GROW(im->route_keys, im->nroute_keys + 1, im->caproute_keys) < 0)
		return -1;
	more = im->route_keys;
	if (!(more[im->nroute_keys].text = strdup(text)))
		return -1;
	more[im->nroute_keys].route = route;
	more[im->nroute_keys].q = q;
	more[im->nroute_keys].to = to;
	im->nroute_keys++;
	return 0;
}

/*
 * A route's questions: those its <to>s name, then every question of the
 * questionnaire the mapping does not map otherwise, each found by its code
 * and its text. 0 or -1.
 */
static int bind_route(struct importer *im, long long qnr, size_t ri)
{
	const struct map_route *r = &im->m->routes[ri];
	sqlite3_stmt *st;
	int rc;

	for (size_t k = 0; k < r->nto; k++) {
		struct map_question *mq = NULL;
		long q = -1;

		/* Two wordings of one question share its binding. */
		for (size_t i = 0; i < im->nroute_keys; i++)
			if (im->route_keys[i].route == ri &&
			    !strcmp(im->qs[im->route_keys[i].q].mq->code, r->to[k].question))
				q = im->route_keys[i].q;
		if (q < 0) {
			if (!(mq = shape_mq(im, r->to[k].question, r->answer, NULL, 0, r->to[k].line)))
				return err_set(im->e, EXIT_SYSTEM, "out of memory");
			if ((q = shape_bind_one(im, qnr, mq)) < 0 ||
			    route_values(im, mq, &im->qs[q], r) < 0)
				return -1;
			im->qs[q].route = r;
		}
		if (add_route_key(im, r->to[k].match, ri, q, 1) < 0)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
	}
	if (!(st = db_prepare(im->db, "SELECT code, text FROM question WHERE questionnaire_id = ?1 "
				      "ORDER BY position", im->e)))
		return -1;
	sqlite3_bind_int64(st, 1, qnr);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 1);
		struct map_question *mq;
		long q = -1;

		if (mapped_on_its_own(im->m, code))
			continue;
		for (size_t i = 0; i < im->nroute_keys; i++)
			if (im->route_keys[i].route == ri &&
			    !strcmp(im->qs[im->route_keys[i].q].mq->code, code))
				q = im->route_keys[i].q;
		if (q < 0) {
			if (!(mq = shape_mq(im, code, r->answer, NULL, 0, r->line))) {
				sqlite3_finalize(st);
				return err_set(im->e, EXIT_SYSTEM, "out of memory");
			}
			if ((q = shape_bind_one(im, qnr, mq)) < 0 ||
			    route_values(im, mq, &im->qs[q], r) < 0) {
				sqlite3_finalize(st);
				return -1;
			}
			im->qs[q].route = r;
		}
		if (add_route_key(im, code, ri, q, 0) < 0 || add_route_key(im, text, ri, q, 0) < 0) {
			sqlite3_finalize(st);
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "reading the questionnaire", im->e);
	return 0;
}

/*
 * What can be bound before the export is read: repeat groups, routes and
 * grids of items. Grid rows that are questions wait for the header
 * (shape_index). 0, or -1 refusing the file.
 */
int shape_bind(struct importer *im, long long qnr)
{
	const struct mapping *m = im->m;
	int xml = !strcmp(im->stats->format, "xform");

	for (size_t i = 0; i < im->nqs; i++)
		for (size_t g = 0; g < m->nrepeats; g++)
			if (m->repeats[g].each && in_group(im->qs[i].mq->field, m->repeats[g].group))
				im->qs[i].each = 1;
	if (!(im->route_fields = calloc(m->nroutes ? 2 * m->nroutes : 1,
					sizeof *im->route_fields)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	for (size_t r = 0; r < m->nroutes; r++) {
		im->route_fields[2 * r] = im->route_fields[2 * r + 1] = -1;
		if (bind_route(im, qnr, r) < 0)
			return -1;
	}
	for (size_t g = 0; g < m->ngrids; g++) {
		const struct map_grid *grid = &m->grids[g];
		const struct map_question *mq;
		long q;

		if (xml)
			return err_set(im->e, EXIT_DATA,
				       "%s:%ld: grids are read from exports with a header (CSV, "
				       "XLSX, LimeSurvey): map an XForm's fields one by one",
				       m->path, grid->line);
		if (!grid->question)
			continue;
		if (!(mq = shape_mq(im, grid->question, NULL, grid->values, grid->nvalues,
				    grid->line)))
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		if ((q = shape_bind_one(im, qnr, mq)) < 0)
			return -1;
		if (strcmp(im->qs[q].type, "multiple-choice"))
			return err_set(im->e, EXIT_DATA,
				       "%s:%ld: grid '%s': question '%s' is %s, but a grid of "
				       "items needs a multiple-choice question, one option a row",
				       m->path, grid->line, grid->field, grid->question,
				       im->qs[q].type);
		im->qs[q].items = grid;
	}
	return 0;
}

/*
 * The code of the question of the questionnaire whose code or text is
 * `row`, in `out` ("" for none): 0; 1 refusing the file when two questions
 * are (`grid` for the message); -1 on failure.
 */
static int question_named(struct importer *im, long long qnr, const struct map_grid *grid,
			  const char *row, char out[64])
{
	sqlite3_stmt *st = db_prepare(im->db,
		"SELECT code FROM question WHERE questionnaire_id = ?1 AND "
		"(code = ?2 COLLATE NOCASE OR trim(text) = ?2 COLLATE NOCASE) ORDER BY position",
		im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, qnr);
	sqlite3_bind_text(st, 2, row, -1, SQLITE_STATIC);
	out[0] = '\0';
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, 64, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		err_set(im->e, EXIT_DATA,
			"%s: grid '%s''s row '%s' is the code or text of two questions, '%s' and "
			"'%s' (%s:%ld): add <row sub=\"%s\" question=\"...\"/>",
			im->path, grid->field, row, out, (const char *)sqlite3_column_text(st, 0),
			im->m->path, grid->line, row);
		sqlite3_finalize(st);
		return 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "reading the questionnaire", im->e);
	return 0;
}

/* True when the mapping says `field` is not imported (a grid's "Other" row, say). */
static int ignored(const struct mapping *m, const char *field)
{
	for (size_t i = 0; i < m->nignore; i++)
		if (!strcmp(m->ignore[i], field))
			return 1;
	return 0;
}

/* The grid-of-items binding of `grid`: the bound question, or NULL. */
static struct bound_question *items_of(struct importer *im, const struct map_grid *grid)
{
	for (size_t i = 0; i < im->nqs; i++)
		if (im->qs[i].items == grid)
			return &im->qs[i];
	return NULL;
}

static int add_item(struct bound_question *q, int field, long option, const char *name)
{
	if (ALLOC_GROW(q->item_fields, q->nitems + 1, q->item_caps[0]) < 0 ||
	    ALLOC_GROW(q->item_option, q->nitems + 1, q->item_caps[1]) < 0 ||
	    ALLOC_GROW(q->item_names, q->nitems + 1, q->item_caps[2]) < 0)
		return -1;
	if (!(q->item_names[q->nitems] = strdup(name)))
		return -1;
	q->item_fields[q->nitems] = field;
	q->item_option[q->nitems] = option;
	q->nitems++;
	return 0;
}

/* One column that is a row of `grid`: bound as its question, or as an item. 0, 1 (refused), -1. */
static int index_grid_row(struct importer *im, long long qnr, const struct map_grid *grid,
			  const struct source_record *rec, size_t col, const char *sub,
			  size_t sublen, unsigned char *row_used)
{
	const struct mapping *m = im->m;
	char row[256], code[64] = "";
	const struct map_grid_row *named = NULL;
	int rc;

	if (sublen >= sizeof row)
		sublen = sizeof row - 1;
	memcpy(row, sub, sublen);
	row[sublen] = '\0';
	import_trim(row, row, sizeof row);
	for (size_t k = 0; k < grid->nrows; k++)
		if (!strcasecmp(grid->rows[k].sub, row)) {
			named = &grid->rows[k];
			row_used[k] = 1;
		}
	if (grid->question) {
		struct bound_question *q = items_of(im, grid);
		long opt = named ? import_find_bound_option(q, named->question) : import_match_option(q, row);

		if (opt < 0 && named) {
			err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' has no option '%s'",
				m->path, named->line, grid->question, named->question);
			return 1;
		}
		if (opt < 0) {
			err_set(im->e, EXIT_DATA,
				"%s: grid '%s' (%s:%ld) has a row '%s' that is no option of "
				"question '%s': add <row sub=\"%s\" option=\"...\"/>",
				im->path, grid->field, m->path, grid->line, row,
				grid->question, row);
			return 1;
		}
		for (size_t k = 0; k < q->nitems; k++)
			if (q->item_option[k] == opt) {
				err_set(im->e, EXIT_DATA,
					"%s: grid '%s' (%s:%ld): rows '%s' and '%s' are both "
					"option '%s'",
					im->path, grid->field, m->path, grid->line,
					q->item_names[k], rec->names[col], q->opts[opt].code);
				return 1;
			}
		if (add_item(q, (int)col, opt, rec->names[col]) < 0)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		return 0;
	}
	if (named)
		snprintf(code, sizeof code, "%s", named->question);
	else if ((rc = question_named(im, qnr, grid, row, code)) != 0)
		return rc;
	if (!*code) {
		err_set(im->e, EXIT_DATA,
			"%s: grid '%s' (%s:%ld) has a row '%s' that is no question of the "
			"exercise: add <row sub=\"%s\" question=\"...\"/>",
			im->path, grid->field, m->path, grid->line, row, row);
		return 1;
	}
	if (mapped_on_its_own(m, code)) {
		err_set(im->e, EXIT_DATA,
			"%s: question '%s' is both grid '%s''s row '%s' (%s:%ld) and mapped "
			"on its own: it takes one or the other",
			im->path, code, grid->field, row, m->path, grid->line);
		return 1;
	}
	/* A route finds it no more by its code or text; one that names it is refused. */
	for (size_t i = 0; i < im->nroute_keys; i++) {
		struct route_key *k = &im->route_keys[i];

		if (k->q < 0 || strcmp(im->qs[k->q].mq->code, code))
			continue;
		if (k->to) {
			err_set(im->e, EXIT_DATA,
				"%s: question '%s' is both grid '%s''s row '%s' (%s:%ld) and "
				"routed (%s:%ld): it takes one or the other",
				im->path, code, grid->field, row, m->path, grid->line, m->path,
				im->qs[k->q].mq->line);
			return 1;
		}
		k->q = -1;
	}
	for (size_t i = 0; i < im->nqs; i++)
		if (im->qs[i].grid_row && !strcmp(im->qs[i].mq->code, code)) {
			err_set(im->e, EXIT_DATA,
				"%s: question '%s' is answered by two grid rows: '%s' and '%s'",
				im->path, code, im->qs[i].mq->field, rec->names[col]);
			return 1;
		}
	{
		const struct map_question *mq =
			shape_mq(im, code, rec->names[col], grid->values, grid->nvalues, grid->line);
		long q;

		if (!mq)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		if ((q = shape_bind_one(im, qnr, mq)) < 0)
			return -1;
		im->qs[q].grid_row = 1;
	}
	return 0;
}

/*
 * With the header known: every grid's rows bound (as questions or items),
 * and the routes' question fields found. 0, or -1 refusing the file.
 */
int shape_index(struct importer *im, const struct source_record *rec)
{
	const struct mapping *m = im->m;
	long long qnr = -1;
	char id[32];
	int bad = 0;

	for (size_t r = 0; r < m->nroutes; r++)
		for (int a = 0; a < 2; a++) {
			const char *name = a ? m->routes[r].answer : m->routes[r].field;

			if ((im->route_fields[2 * r + a] = import_index_of(rec, name)) < 0) {
				err_set(im->e, EXIT_DATA,
					"%s: there is no column '%s' in the header, but the "
					"mapping (%s:%ld) names it",
					im->path, name, m->path, m->routes[r].line);
				bad = 1;
			}
		}
	if (!m->ngrids)
		return bad ? -1 : 0;
	snprintf(id, sizeof id, "%lld", im->exercise_id);
	if (db_int(im->db, "SELECT id FROM questionnaire WHERE exercise_id = ?1 AND variant = ?2",
		   -1, &qnr, im->e, 2, id, im->form) < 0)
		return -1;
	for (size_t g = 0; g < m->ngrids; g++) {
		const struct map_grid *grid = &m->grids[g];
		unsigned char *used = calloc(grid->nrows ? grid->nrows : 1, 1);
		size_t found = 0;

		if (!used)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		for (size_t c = 0; c < rec->nfields; c++) {
			const char *sub;
			size_t len;
			int rc;

			if (mapping_grid_of(m, rec->names[c], &sub, &len) != grid ||
			    ignored(m, rec->names[c]))
				continue;
			found++;
			if ((rc = index_grid_row(im, qnr, grid, rec, c, sub, len, used)) < 0) {
				free(used);
				return -1;
			}
			bad |= rc;
		}
		if (!found) {
			err_set(im->e, EXIT_DATA,
				"%s: no column is a row of grid '%s', but the mapping (%s:%ld) names it",
				im->path, grid->field, m->path, grid->line);
			bad = 1;
		}
		for (size_t k = 0; found && k < grid->nrows; k++)
			if (!used[k]) {
				err_set(im->e, EXIT_DATA,
					"%s: grid '%s' has no column for its row '%s', but the "
					"mapping (%s:%ld) names it",
					im->path, grid->field, grid->rows[k].sub, m->path,
					grid->rows[k].line);
				bad = 1;
			}
		free(used);
	}
	return bad ? -1 : 0;
}

/* A grid of items: each row's cell, when it has one, stored with the row's option. */
static int read_items(struct importer *im, const struct source_record *rec,
		      const struct bound_question *q, struct response_build *b)
{
	const struct map_grid *grid = q->items;
	long ranks[256];
	size_t nranks = 0;

	for (size_t k = 0; k < q->nitems; k++) {
		const char *cell = import_value_of(im, rec, q->item_fields[k], q->item_names[k]);
		char t[256], *owned, *end;

		if (!*import_trim(cell, t, sizeof t))
			continue;
		if (import_no_answer(im->m, q, NULL, cell)) {
			b->no_answer++;
			continue;
		}
		if (grid->rank) {
			long v;

			errno = 0;
			v = strtol(t, &end, 10);
			if (errno || end == t || *end || v < 1 || (size_t)v > q->nitems)
				return import_reason(b, "column '%.100s': the rank is not a whole number "
						 "from 1 to %zu",
					      q->item_names[k], q->nitems);
			for (size_t i = 0; i < nranks; i++)
				if (ranks[i] == v)
					return import_reason(b, "grid '%.100s': two items have rank %ld",
						      grid->field, v);
			if (nranks < sizeof ranks / sizeof *ranks)
				ranks[nranks++] = v;
		}
		if (!(owned = strdup(t)))
			return import_reason(b, "out of memory");
		if (import_add_row(b, q->store_qid, q->source_qid, q->opts[q->item_option[k]].store_id,
			    owned) < 0) {
			free(owned);
			return -1;
		}
		b->owned[b->n - 1] = owned;
	}
	return 0;
}

/* The question a route's field names in `rec`: an index into im->qs, or -1. */
static long route_target(struct importer *im, size_t ri, const char *cell)
{
	char t[1024];

	import_trim(cell, t, sizeof t);
	/* <to> wordings first: they come first in route_keys. */
	for (size_t i = 0; i < im->nroute_keys; i++)
		if (im->route_keys[i].route == ri && im->route_keys[i].q >= 0 &&
		    !strcasecmp(im->route_keys[i].text, t))
			return im->route_keys[i].q;
	return -1;
}

static int read_route(struct importer *im, const struct source_record *rec, size_t ri,
		      struct response_build *b)
{
	const struct mapping *m = im->m;
	const struct map_route *r = &m->routes[ri];
	const char *named = import_value_of(im, rec, im->route_fields[2 * ri], r->field);
	long q;

	if (!import_trimmed_len(named)) {
		const char *answer = import_value_of(im, rec, im->route_fields[2 * ri + 1], r->answer);
		char t[256];
		int none = !import_trimmed_len(answer);

		if (!none && import_trimmed_len(answer) < sizeof t) {
			import_trim(answer, t, sizeof t);
			for (size_t i = 0; i < m->nno_answer && !none; i++)
				none = !strcasecmp(t, m->no_answer[i]);
		}
		if (!none)
			return import_reason(b, "column '%.80s': an answer with no question in column "
					 "'%.80s'",
				      r->answer, r->field);
		return 0;
	}
	if ((q = route_target(im, ri, named)) < 0)
		return import_reason(b, "column '%.80s': the value names no question: neither a <to "
				 "match> of the route (%s:%ld) nor a question's code or text",
			      r->field, m->path, r->line);
	return import_read_question(im, rec, &im->qs[q], b);
}

/* Every answer that comes through a shape: routes and grids of items. 0, or -1 with b->reason. */
int import_shape_read(struct importer *im, const struct source_record *rec, struct response_build *b)
{
	for (size_t r = 0; r < im->m->nroutes; r++)
		if (read_route(im, rec, r, b) < 0)
			return -1;
	for (size_t i = 0; i < im->nqs; i++)
		if (im->qs[i].items && read_items(im, rec, &im->qs[i], b) < 0)
			return -1;
	return 0;
}

/* A question in a repeat group read repeat by repeat: one answer for each. */
int import_read_each(struct importer *im, const struct source_record *rec,
	      const struct bound_question *q, struct response_build *b)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->names[i], q->mq->field) && import_read_cell(im, q, rec->values[i], b) < 0)
			return -1;
	return 0;
}

/* The repeat groups the source gives repeat by repeat, for its options. */
const char **shape_repeat_each(const struct mapping *m, size_t *n)
{
	const char **v = calloc(m->nrepeats ? m->nrepeats : 1, sizeof *v);

	*n = 0;
	for (size_t i = 0; v && i < m->nrepeats; i++)
		if (m->repeats[i].each)
			v[(*n)++] = m->repeats[i].group;
	return v;
}
