/*
 * import_answers.c: a record's answers, read by the bound questions.
 */
#include "import_internal.h"

static const char *const truthy[] = { "1", "yes", "y", "true", "x", "\xe2\x9c\x93", "ticked", NULL };
static const char *const falsy[] = { "", "0", "no", "n", "false", NULL };

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(s, *list))
			return 1;
	return 0;
}

int reason(struct response_build *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof b->reason, fmt, ap);
	va_end(ap);
	return -1;
}

int add_row(struct response_build *b, long long qid, long long sqid, long long option,
	    const char *value)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct stored_answer *more = realloc(b->rows, cap * sizeof *more);
		char **owned;

		if (!more)
			return reason(b, "out of memory");
		b->rows = more;
		if (!(owned = realloc(b->owned, cap * sizeof *owned)))
			return reason(b, "out of memory");
		b->owned = owned;
		b->cap = cap;
	}
	b->owned[b->n] = NULL;
	b->rows[b->n++] = (struct stored_answer){ qid, sqid, option, value, NULL };
	return 0;
}

/* The option a piece of text names: its label, its code, or a mapping <value>. */
long match_option(const struct bound_question *q, const char *text)
{
	char buf[1024];
	const char *t = trim(text, buf, sizeof buf);

	for (size_t k = 0; k < q->nopts; k++)
		if (!strcasecmp(q->opts[k].label, t))
			return (long)k;
	for (size_t k = 0; k < q->nopts; k++)
		if (!strcasecmp(q->opts[k].code, t))
			return (long)k;
	for (size_t v = 0; v < q->mq->nvalues; v++)
		if (!strcasecmp(q->mq->values[v].from, t))
			return q->opt_value_index[v];
	return -1;
}

static void list_options(const struct bound_question *q, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t k = 0; k < q->nopts && n + 4 < cap; k++)
		n += (size_t)snprintf(out + n, cap - n, "%s'%s'", k ? ", " : "", q->opts[k].label);
	if (n + 4 >= cap)
		snprintf(out + cap - 5, 5, "...");
}

static int is_multi(const struct bound_question *q)
{
	return !strcmp(q->type, "multiple-choice");
}

/* How a message names where a question's answer was: made only for a message. */
static const char *field_label(const struct bound_question *q, char buf[160])
{
	if (q->mq->fixed)
		snprintf(buf, 160, "the fixed value of question '%s'", q->mq->code);
	else if (q->mq->noptions)
		snprintf(buf, 160, "question '%s'", q->mq->code);
	else
		snprintf(buf, 160, "column '%.100s'", q->mq->field);
	return buf;
}

/*
 * A cell that may hold several choices joined by the separator. Labels can
 * themselves hold the separator ("Yes, sometimes"), so the longest run of
 * pieces that names an option is taken first.
 */
static int read_joined(const struct bound_question *q, const char *cell, long *picked,
		       size_t *npicked, struct response_build *b)
{
	const char *sep = q->mq->separator;
	size_t seplen = strlen(sep);
	const char *starts[256];
	size_t nstarts = 0;
	const char *p = cell;

	while (nstarts < 255) {
		starts[nstarts++] = p;
		if (!(p = strstr(p, sep)))
			break;
		p += seplen;
	}
	starts[nstarts] = cell + strlen(cell) + seplen; /* one past the end */
	*npicked = 0;
	for (size_t i = 0; i < nstarts;) {
		size_t j;
		long k = -1;

		for (j = nstarts; j > i; j--) {
			char piece[1024];
			size_t len = (size_t)(starts[j] - seplen - starts[i]);

			if (len >= sizeof piece)
				continue;
			memcpy(piece, starts[i], len);
			piece[len] = '\0';
			if (!*trim(piece, piece, sizeof piece))
				break; /* an empty piece: skip it */
			if ((k = match_option(q, piece)) >= 0)
				break;
		}
		if (j == i || k < 0) {
			char field[160], opts[300];

			if (j > i && k < 0) {
				i = j; /* empty */
				continue;
			}
			list_options(q, opts, sizeof opts);
			return reason(b, "%s: choice %zu of the cell (split at '%s') is not an option "
					 "of question '%s' (%s)",
				      field_label(q, field), i + 1, sep, q->mq->code, opts);
		}
		for (size_t x = 0; x < *npicked; x++)
			if (picked[x] == k)
				goto next;
		if (*npicked < 256)
			picked[(*npicked)++] = k;
next:
		i = j;
	}
	return 0;
}

/*
 * True when `cell`, trimmed, is one the mapping says means no answer (any
 * case). A mapping-wide value that names an option (`tick`'s, in a field of
 * one option) is that option: "none" stays "None of these" where it is one.
 */
int no_answer(const struct mapping *m, const struct bound_question *q,
		     const struct bound_option *tick, const char *cell)
{
	const struct map_question *mq = q->mq;
	char t[256];

	if (!m->nno_answer && !mq->nno_answer)
		return 0;
	if (trimmed_len(cell) >= sizeof t)
		return 0;
	trim(cell, t, sizeof t);
	for (size_t i = 0; i < mq->nno_answer; i++)
		if (!strcasecmp(t, mq->no_answer[i]))
			return 1;
	for (size_t i = 0; i < m->nno_answer; i++)
		if (!strcasecmp(t, m->no_answer[i]))
			return tick ? strcasecmp(t, tick->label) && strcasecmp(t, tick->code)
				    : match_option(q, t) < 0;
	return 0;
}

/*
 * The answers of question `q` in `rec` (the fixed value when the mapping
 * gives one: `rec` is then not read) added to `b`. 0, or -1 with b->reason.
 */
static int add_picked(const struct bound_question *q, const long *picked, size_t npicked,
		      struct response_build *b);

int read_question(struct importer *im, const struct source_record *rec,
		  const struct bound_question *q, struct response_build *b)
{
	const struct map_question *mq = q->mq;
	long picked[256];
	size_t npicked = 0;

	/* One field per option. */
	if (mq->noptions) {
		for (size_t k = 0; k < mq->noptions; k++) {
			const char *v = value_of(im, rec, q->option_fields[k], mq->options[k].field);
			const struct bound_option *o = &q->opts[q->option_index[k]];
			char t[256];

			if (no_answer(im->m, q, o, v)) {
				b->no_answer++;
				continue;
			}
			trim(v, t, sizeof t);
			if (in_list(t, falsy))
				continue;
			if (!in_list(t, truthy) && strcasecmp(t, o->label) && strcasecmp(t, o->code))
				return reason(b, "column '%.80s': the value is not a tick (1, yes, x, the "
						 "option's label, or empty)",
					      mq->options[k].field);
			picked[npicked++] = q->option_index[k];
		}
		return add_picked(q, picked, npicked, b);
	}
	return read_cell(im, q, mq->fixed ? mq->fixed : value_of(im, rec, q->field, mq->field), b);
}

int read_cell(struct importer *im, const struct bound_question *q, const char *cell,
	      struct response_build *b)
{
	const struct map_question *mq = q->mq;
	char field[160], buf[64];
	long picked[256];
	size_t npicked = 0;

	{
		if (!*trim(cell, buf, sizeof buf) && !*cell)
			return 0;
		if (!mq->fixed && no_answer(im->m, q, NULL, cell)) {
			b->no_answer++;
			return 0;
		}
		if (!strcmp(q->type, "free-text")) {
			const char *s = cell;

			while (isspace((unsigned char)*s))
				s++;
			return *s ? add_row(b, q->store_qid, q->source_qid, 0, cell) : 0;
		}
		if (!strcmp(q->type, "postcode")) {
			char pc[POSTCODE_MAX], t[64];

			if (!*trim(cell, t, sizeof t))
				return 0;
			if (postcode_normalise(t, pc) != POSTCODE_INVALID) {
				char *owned = strdup(pc);

				if (!owned || add_row(b, q->store_qid, q->source_qid, 0, owned) < 0) {
					free(owned);
					return reason(b, "out of memory");
				}
				b->owned[b->n - 1] = owned;
				return 0;
			}
			return add_row(b, q->store_qid, q->source_qid, 0, cell);
		}
		if (!strcmp(q->type, "scale")) {
			char t[64], *end;
			long v;
			long k;

			trim(cell, t, sizeof t);
			if (!*t)
				return 0;
			errno = 0;
			v = strtol(t, &end, 10);
			/* LimeSurvey writes numbers as 7.0000000000. */
			if (!errno && *end == '.' && end[1 + strspn(end + 1, "0")] == '\0')
				end += strlen(end);
			if (!errno && end != t && !*end && v >= q->scale_min && v <= q->scale_max) {
				char *owned = malloc(24);

				if (!owned)
					return reason(b, "out of memory");
				snprintf(owned, 24, "%ld", v);
				if (add_row(b, q->store_qid, q->source_qid, 0, owned) < 0) {
					free(owned);
					return -1;
				}
				b->owned[b->n - 1] = owned;
				return 0;
			}
			if ((k = match_option(q, t)) >= 0)
				return add_row(b, q->store_qid, q->source_qid, 0, q->opts[k].code);
			return reason(b, "%s: the value is not on the scale from %ld to %ld of "
					 "question '%s'",
				      field_label(q, field), q->scale_min, q->scale_max, mq->code);
		}
		/* Choice questions. */
		if (mq->separator) {
			if (read_joined(q, cell, picked, &npicked, b) < 0)
				return -1;
		} else {
			long k = match_option(q, cell);

			if (k < 0) {
				char opts[300];

				list_options(q, opts, sizeof opts);
				return reason(b, "%s: the value is not an option of question '%s' (%s)",
					      field_label(q, field), mq->code, opts);
			}
			picked[npicked++] = k;
		}
	}
	return add_picked(q, picked, npicked, b);
}

/* The options picked, checked against the question's kind, added to `b`. */
static int add_picked(const struct bound_question *q, const long *picked, size_t npicked,
		      struct response_build *b)
{
	char field[160];

	if (npicked > 1 && !is_multi(q))
		return reason(b, "%s: %zu answers to single-choice question '%s', which takes one",
			      field_label(q, field), npicked, q->mq->code);
	for (size_t i = 0; i < npicked; i++)
		if (add_row(b, q->store_qid, q->source_qid, q->opts[picked[i]].store_id, NULL) < 0)
			return -1;
	return 0;
}

void build_release(struct response_build *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->owned[i]);
	b->n = 0;
	b->no_answer = 0;
	b->reason[0] = '\0';
}

/* A fixed value is read once, before any record, as a cell would be: 0, or -1 refusing the file. */
int check_fixed(struct importer *im, const struct bound_question *q)
{
	struct response_build b = { 0 };
	int rc;

	if (!q->mq->fixed)
		return 0;
	rc = read_question(im, NULL, q, &b);
	if (rc < 0)
		err_set(im->e, EXIT_DATA, "%s:%ld: %s", im->m->path, q->mq->line, b.reason);
	build_release(&b);
	free(b.rows);
	free(b.owned);
	return rc;
}

/*
 * A ticked district: an ONS code, a district name, or a mapping <value>.
 * *ticked is `out`, or NULL when the cell is empty. 0, or -1 when the
 * lookup failed (the transaction may be gone: never carry on).
 */
int ticked_district(struct importer *im, const char *cell, char out[16],
		    const char **ticked)
{
	char t[128];
	int rc;

	*ticked = NULL;
	trim(cell, t, sizeof t);
	if (!*t)
		return 0;
	for (size_t v = 0; v < im->m->ndistrict_values; v++)
		if (!strcasecmp(im->m->district_values[v].from, t)) {
			snprintf(t, sizeof t, "%s", im->m->district_values[v].to);
			break;
		}
	sqlite3_bind_int64(im->districts, 1, im->exercise_id);
	sqlite3_bind_text(im->districts, 2, t, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->districts);
	if (rc == SQLITE_ROW)
		snprintf(out, 16, "%s", (const char *)sqlite3_column_text(im->districts, 0));
	sqlite3_reset(im->districts);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "looking up a ticked district", im->e);
	*ticked = out;
	if (rc == SQLITE_ROW)
		return 0;
	/* Not one of the exercise's: the resolver says so in the note. */
	snprintf(out, 16, "%.15s", t);
	return 0;
}
