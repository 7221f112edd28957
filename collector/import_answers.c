/*
 * import_answers.c: a record's answers, read by the bound questions.
 */
#include "import_internal.h"

#include "typed_value.h"

int import_reason(struct response_build *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof b->reason, fmt, ap);
	va_end(ap);
	return -1;
}

int import_add_row(struct response_build *b, long long qid, long long sqid, long long option,
	    const char *value)
{
	if (ALLOC_GROW(b->rows, b->n + 1, b->cap) < 0 ||
	    ALLOC_GROW(b->owned, b->n + 1, b->capowned) < 0)
		return import_reason(b, "out of memory");
	b->owned[b->n] = NULL;
	b->rows[b->n++] = (struct stored_answer){ qid, sqid, option, value, NULL };
	return 0;
}

/* The option a piece of text names: its label, its code, or a mapping <value>. */
long import_match_option(const struct bound_question *q, const char *text)
{
	char buf[1024];
	const char *t = import_trim(text, buf, sizeof buf);

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

#define FIELD_LABEL_LEN 160

/* How a message names where a question's answer was: made only for a message. */
static const char *field_label(const struct bound_question *q, char buf[FIELD_LABEL_LEN])
{
	if (q->mq->fixed)
		snprintf(buf, FIELD_LABEL_LEN, "the fixed value of question '%s'", q->mq->code);
	else if (q->mq->noptions)
		snprintf(buf, FIELD_LABEL_LEN, "question '%s'", q->mq->code);
	else
		snprintf(buf, FIELD_LABEL_LEN, "column '%.100s'", q->mq->field);
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
	const char *starts[IMPORT_MAX_PICKS + 1];
	size_t nstarts = 0;
	const char *p = cell;
	char field[FIELD_LABEL_LEN];

	while (nstarts < IMPORT_MAX_PICKS) {
		starts[nstarts++] = p;
		if (!(p = strstr(p, sep)))
			break;
		p += seplen;
	}
	if (p)
		return import_reason(b, "%s: the cell holds more than %d choices (split at '%s'), the most "
				 "one answer takes", field_label(q, field), IMPORT_MAX_PICKS, sep);
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
			if (!*import_trim(piece, piece, sizeof piece))
				break; /* an empty piece: skip it */
			if ((k = import_match_option(q, piece)) >= 0)
				break;
		}
		if (j == i || k < 0) {
			char opts[300];

			if (j > i && k < 0) {
				i = j; /* empty */
				continue;
			}
			list_options(q, opts, sizeof opts);
			return import_reason(b, "%s: choice %zu of the cell (split at '%s') is not an option "
					 "of question '%s' (%s)",
				      field_label(q, field), i + 1, sep, q->mq->code, opts);
		}
		for (size_t x = 0; x < *npicked; x++)
			if (picked[x] == k)
				goto next;
		picked[(*npicked)++] = k; /* at most one a piece: it fits */
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
int import_no_answer(const struct mapping *m, const struct bound_question *q,
		     const struct bound_option *tick, const char *cell)
{
	const struct map_question *mq = q->mq;
	char t[256];

	if (!m->nno_answer && !mq->nno_answer)
		return 0;
	if (import_trimmed_len(cell) >= sizeof t)
		return 0;
	import_trim(cell, t, sizeof t);
	for (size_t i = 0; i < mq->nno_answer; i++)
		if (!strcasecmp(t, mq->no_answer[i]))
			return 1;
	for (size_t i = 0; i < m->nno_answer; i++)
		if (!strcasecmp(t, m->no_answer[i]))
			return tick ? strcasecmp(t, tick->label) && strcasecmp(t, tick->code)
				    : import_match_option(q, t) < 0;
	return 0;
}

/* One field per option: the options ticked into picked[] (*npicked). 0, or -1 with b->reason. */
static int read_ticks(struct importer *im, const struct source_record *rec,
		      const struct bound_question *q, struct response_build *b, long *picked,
		      size_t *npicked)
{
	const struct map_question *mq = q->mq;
	char field[FIELD_LABEL_LEN];

	for (size_t k = 0; k < mq->noptions; k++) {
		const char *v = import_value_of(im, rec, q->option_fields[k], mq->options[k].field);
		const struct bound_option *o = &q->opts[q->option_index[k]];
		enum tick t;

		if (import_no_answer(im->m, q, o, v)) {
			b->no_answer++;
			continue;
		}
		if ((t = tick_read(v, o->code, o->label)) == TICK_NO)
			continue;
		if (t == TICK_BAD)
			return import_reason(b, "column '%.80s': the value is not a tick (" TICK_WORDS ")",
				      mq->options[k].field);
		if (*npicked == IMPORT_MAX_PICKS)
			return import_reason(b, "%s: more than %d options ticked, the most one answer takes",
				      field_label(q, field), IMPORT_MAX_PICKS);
		picked[(*npicked)++] = q->option_index[k];
	}
	return 0;
}

/* Adds a row whose value the build made (`owned`, freed here on failure). 0 or -1. */
static int add_owned_row(struct response_build *b, const struct bound_question *q, char *owned)
{
	if (!owned || import_add_row(b, q->store_qid, q->source_qid, 0, owned) < 0) {
		free(owned);
		return import_reason(b, "out of memory");
	}
	b->owned[b->n - 1] = owned;
	return 0;
}

/* Stores a copy of `value` as the answer of `q`. 0 or -1. */
static int add_owned(struct response_build *b, const struct bound_question *q, const char *value)
{
	return add_owned_row(b, q, strdup(value));
}

/* A number, date or short-text answer: stored typed, as docs/mapping-format.md says. */
static int read_typed(struct importer *im, const struct bound_question *q, const char *cell,
		      struct response_build *b)
{
	char field[FIELD_LABEL_LEN], why[200], t[1024];
	size_t n;

	if (import_trimmed_len(cell) >= sizeof t)
		return import_reason(b, "%s: the value is longer than a %s answer can be",
			      field_label(q, field), q->type);
	import_trim(cell, t, sizeof t);
	n = strlen(t);
	if (!n)
		return 0;
	if (!strcmp(q->type, "number")) {
		char num[TYPED_NUMBER_MAX];
		double v;

		if (typed_number(t, &v, num) < 0)
			return import_reason(b, "%s: the value is not a number (digits, or words such as "
					 "'twenty six') for question '%s'",
				      field_label(q, field), q->mq->code);
		return add_owned(b, q, num);
	}
	if (!strcmp(q->type, "date")) {
		char day[11];

		if (typed_date(t, im->dates, day, why, sizeof why) < 0)
			return import_reason(b, "%s: %s for question '%s'", field_label(q, field), why,
				      q->mq->code);
		return add_owned(b, q, day);
	}
	if (typed_short_text(t, n, why, sizeof why) < 0)
		return import_reason(b, "%s: %s (question '%s')", field_label(q, field), why, q->mq->code);
	return add_owned(b, q, t);
}

/*
 * A cell of a question with <range>s that names no option: a number (or
 * number words) in one of the ranges is that range's option. The option's
 * index, or -1 with b->reason.
 */
static long read_range(const struct bound_question *q, const char *cell, struct response_build *b)
{
	char field[FIELD_LABEL_LEN], num[TYPED_NUMBER_MAX];
	const struct map_range *r;
	double v;

	if (typed_number(cell, &v, num) < 0)
		return -1;
	if (!(r = mapping_range_find(q->mq, v)))
		return import_reason(b, "%s: the number is in no range of question '%s'",
			      field_label(q, field), q->mq->code);
	return q->range_index[r - q->mq->ranges];
}

/* A postcode question: normalised when it has a postcode's shape, else as written. */
static int read_postcode(const struct bound_question *q, const char *cell,
			 struct response_build *b)
{
	char pc[POSTCODE_MAX], t[64];

	if (!*import_trim(cell, t, sizeof t))
		return 0;
	/* Too long to be a postcode: kept as written, not read from its start. */
	if (import_trimmed_len(cell) < sizeof t && postcode_normalise(t, pc) != POSTCODE_INVALID)
		return add_owned_row(b, q, strdup(pc));
	return import_add_row(b, q->store_qid, q->source_qid, 0, cell);
}

/* A scale question: a whole number in its range, or a labelled point's label or code. */
static int read_scale(const struct bound_question *q, const char *cell,
		      struct response_build *b)
{
	char field[FIELD_LABEL_LEN], t[64], *end;
	long v, k;

	import_trim(cell, t, sizeof t);
	if (!*t)
		return 0;
	/* Longer than t: not a number, nor a label; never cut to one. */
	if (import_trimmed_len(cell) < sizeof t) {
		errno = 0;
		v = strtol(t, &end, 10);
		/* LimeSurvey writes numbers as 7.0000000000. */
		if (!errno && *end == '.' && end[1 + strspn(end + 1, "0")] == '\0')
			end += strlen(end);
		if (!errno && end != t && !*end && v >= q->scale_min && v <= q->scale_max) {
			char *owned = malloc(24);

			if (owned)
				snprintf(owned, 24, "%ld", v);
			return add_owned_row(b, q, owned);
		}
		if ((k = import_match_option(q, t)) >= 0)
			return import_add_row(b, q->store_qid, q->source_qid, 0, q->opts[k].code);
	}
	return import_reason(b, "%s: the value is not on the scale from %ld to %ld of question '%s'",
		      field_label(q, field), q->scale_min, q->scale_max, q->mq->code);
}

/*
 * The answers of question `q` in `rec` (the fixed value when the mapping
 * gives one: `rec` is then not read) added to `b`. 0, or -1 with b->reason.
 */
static int add_picked(const struct bound_question *q, const long *picked, size_t npicked,
		      struct response_build *b);

int import_read_question(struct importer *im, const struct source_record *rec,
			 const struct bound_question *q, struct response_build *b)
{
	const struct map_question *mq = q->mq;
	long picked[IMPORT_MAX_PICKS];
	size_t npicked = 0;

	if (mq->noptions) {
		if (read_ticks(im, rec, q, b, picked, &npicked) < 0)
			return -1;
		return add_picked(q, picked, npicked, b);
	}
	return import_read_cell(im, q, mq->fixed ? mq->fixed
						 : import_value_of(im, rec, q->field, mq->field), b);
}

int import_read_cell(struct importer *im, const struct bound_question *q, const char *cell,
		     struct response_build *b)
{
	const struct map_question *mq = q->mq;
	char field[FIELD_LABEL_LEN], buf[64];
	long picked[IMPORT_MAX_PICKS];
	size_t npicked = 0;

	{
		if (!*import_trim(cell, buf, sizeof buf) && !*cell)
			return 0;
		if (!mq->fixed && import_no_answer(im->m, q, NULL, cell)) {
			b->no_answer++;
			return 0;
		}
		if (typed_question(q->type))
			return read_typed(im, q, cell, b);
		if (!strcmp(q->type, "free-text")) {
			return import_trimmed_len(cell) ?
				       import_add_row(b, q->store_qid, q->source_qid, 0, cell) : 0;
		}
		if (!strcmp(q->type, "postcode"))
			return read_postcode(q, cell, b);
		if (!strcmp(q->type, "scale"))
			return read_scale(q, cell, b);
		/* Choice questions. */
		if (mq->separator) {
			if (read_joined(q, cell, picked, &npicked, b) < 0)
				return -1;
		} else {
			long k = import_match_option(q, cell);

			if (k < 0 && q->mq->nranges) {
				b->reason[0] = '\0';
				if ((k = read_range(q, cell, b)) < 0 && b->reason[0])
					return -1;
			}
			if (k < 0) {
				char opts[300];

				list_options(q, opts, sizeof opts);
				return import_reason(b, "%s: the value is not an option of question '%s' (%s)",
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
	char field[FIELD_LABEL_LEN];

	if (npicked > 1 && !is_multi(q))
		return import_reason(b, "%s: %zu answers to single-choice question '%s', which takes one",
			      field_label(q, field), npicked, q->mq->code);
	for (size_t i = 0; i < npicked; i++)
		if (import_add_row(b, q->store_qid, q->source_qid, q->opts[picked[i]].store_id, NULL) < 0)
			return -1;
	return 0;
}

void import_build_release(struct response_build *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->owned[i]);
	b->n = 0;
	b->no_answer = 0;
	b->reason[0] = '\0';
}

/* A fixed value is read once, before any record, as a cell would be: 0, or -1 refusing the file. */
int import_check_fixed(struct importer *im, const struct bound_question *q)
{
	struct response_build b = { 0 };
	int rc;

	if (!q->mq->fixed)
		return 0;
	rc = import_read_question(im, NULL, q, &b);
	if (rc < 0)
		err_set(im->e, EXIT_DATA, "%s:%ld: %s", im->m->path, q->mq->line, b.reason);
	import_build_release(&b);
	free(b.rows);
	free(b.owned);
	return rc;
}

/*
 * A ticked district: an ONS code, a district name, or a mapping <value>.
 * *ticked is `out`, or NULL when the cell is empty. 0, or -1 when the
 * lookup failed (the transaction may be gone: never carry on).
 */
int import_ticked_district(struct importer *im, const char *cell, char out[16],
			   const char **ticked)
{
	char t[128];
	int rc;

	*ticked = NULL;
	import_trim(cell, t, sizeof t);
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
