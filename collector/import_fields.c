/*
 * import_fields.c: the fields of a record: which the mapping names, their values, and
 * those it does not mention.
 */
#include "import_internal.h"
#include "trim.h"

/* The length of `s` without surrounding white space. */
size_t import_trimmed_len(const char *s)
{
	return trim_bounds(s, strlen(s), NULL);
}

/*
 * True, with `why` (ERR_LINE_LEN) saying so, when the value of `field`, a
 * `what`, is longer than `max` bytes (import.h): it is refused, not cut.
 */
int import_too_long(const char *value, size_t max, const char *field, const char *what,
		    char *why, size_t cap)
{
	size_t n = import_trimmed_len(value);

	if (n <= max)
		return 0;
	snprintf(why, cap, "column '%.80s': the %s is %zu bytes, more than the %zu kept",
		 field, what, n, max);
	return 1;
}

/* `s` without surrounding white space, in `buf` (cut at `cap`). */
const char *import_trim(const char *s, char *buf, size_t cap)
{
	size_t a, n = trim_bounds(s, strlen(s), &a);

	s += a;
	if (n >= cap)
		n = cap - 1;
	memmove(buf, s, n); /* `buf` may be `s` itself */
	buf[n] = '\0';
	return buf;
}

int import_index_of(const struct source_record *rec, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->names[i], name))
			return (int)i;
	return -1;
}

/* The value of field `name` (cached index `idx` when names are fixed), or "". */
const char *import_value_of(struct importer *im, const struct source_record *rec, int idx,
			    const char *name)
{
	if (!name)
		return "";
	if (!im->fixed_names)
		idx = import_index_of(rec, name);
	return idx >= 0 && (size_t)idx < rec->nfields ? rec->values[idx] : "";
}

/* Lists every field name the mapping uses (pointers into the mapping). */
int import_collect_mapped(struct importer *im)
{
	const struct mapping *m = im->m;
	size_t cap = 7 + m->nquestions;

	for (size_t i = 0; i < m->nquestions; i++)
		cap += m->questions[i].noptions;
	if (!(im->mapped = calloc(cap, sizeof *im->mapped)) ||
	    !(im->mapped_seen = calloc(cap, 1)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
#define ADD(f) do { if (f) im->mapped[im->nmapped++] = (f); } while (0)
	ADD(m->id_field);
	ADD(m->submitted_field);
	ADD(m->postcode_field);
	ADD(m->district_field);
	ADD(m->event_field);
	ADD(m->serial_field);
	ADD(m->officer_field);
	for (size_t i = 0; i < m->nquestions; i++) {
		ADD(m->questions[i].field);
		for (size_t k = 0; k < m->questions[i].noptions; k++)
			ADD(m->questions[i].options[k].field);
	}
#undef ADD
	return 0;
}

/* Adds `name` to the fields not in the mapping. 0 or -1 (memory). */
static int add_unmapped(struct importer *im, const char *name)
{
	if (ALLOC_GROW(im->unmapped, im->nunmapped + 1, im->capunmapped) < 0)
		return -1;
	if (!(im->unmapped[im->nunmapped].name = strdup(name)))
		return -1;
	im->unmapped[im->nunmapped++].records = 0;
	return 0;
}

/*
 * Notes, whatever then becomes of the record (stored, rejected, already in
 * the database), the fields it has that the mapping does not mention and,
 * XML records naming their own fields, which mapped ones it has. 0 or -1.
 */
int import_note_fields(struct importer *im, const struct source_record *rec)
{
	im->records++;
	if (im->fixed_names) {
		for (size_t i = 0; i < rec->nfields && i < im->ncolumns; i++)
			if (im->column_unmapped[i] && *rec->values[i])
				im->unmapped[im->column_unmapped[i] - 1].records++;
		return 0;
	}
	for (size_t i = 0; im->nseen < im->nmapped && i < im->nmapped; i++)
		if (!im->mapped_seen[i] && import_index_of(rec, im->mapped[i]) >= 0) {
			im->mapped_seen[i] = 1;
			im->nseen++;
		}
	/* The root's attributes ("@id", "@version") are the envelope, not answers. */
	for (size_t i = 0; i < rec->nfields; i++) {
		long k;

		if (!*rec->values[i] || rec->names[i][0] == '@' ||
		    mapping_mentions(im->m, rec->names[i]) ||
		    !strcmp(rec->names[i], DEPRECATED_FIELD))
			continue;
		if (!(k = keyset_get(&im->unmapped_index, rec->names[i]))) {
			if (add_unmapped(im, rec->names[i]) < 0 ||
			    keyset_add(&im->unmapped_index, rec->names[i], (long)im->nunmapped) < 0)
				return err_set(im->e, EXIT_SYSTEM, "out of memory");
			k = (long)im->nunmapped;
		}
		im->unmapped[k - 1].records++;
	}
	return 0;
}

/* Each field not in the mapping, with the records that had a value in it. */
void import_warn_unmapped(struct importer *im)
{
	const char *what = im->fixed_names && strcmp(im->stats->format, "limesurvey") ? "column"
										      : "field";

	for (size_t i = 0; i < im->nunmapped; i++) {
		const struct unmapped *u = &im->unmapped[i];

		if (u->records)
			err_set(im->warnings, EXIT_OK,
				"%s: %s '%.80s' is not in the mapping, so it is not imported: "
				"%ld of %ld records have a value in it (add <ignore field=\"...\"/> "
				"to say that is intended)",
				im->path, what, u->name, u->records, im->records);
		else if (im->fixed_names && strcmp(im->stats->format, "limesurvey"))
			err_set(im->warnings, EXIT_OK,
				"%s: column '%.80s' is not in the mapping, so it is not imported: "
				"no record has a value in it (add <ignore field=\"...\"/> to say "
				"that is intended)",
				im->path, u->name);
	}
}

/* XML exports: a mapped field that no record had is most likely misspelt. */
void import_warn_unseen(struct importer *im)
{
	/* With no record read whole, nothing is known of the fields. */
	if (im->fixed_names || !im->records)
		return;
	for (size_t i = 0; i < im->nmapped; i++) {
		size_t j;

		for (j = 0; j < i && im->mapped[j] != im->mapped[i] &&
			    strcmp(im->mapped[j], im->mapped[i]);
		     j++)
			;
		if (j == i && !im->mapped_seen[i])
			err_set(im->warnings, EXIT_OK,
				"%s: no record has the field '%.100s' that the mapping names: "
				"check its spelling in %s",
				im->path, im->mapped[i], im->m->path);
	}
}

/*
 * With a header (CSV, XLSX, LimeSurvey's <fields>): every field the mapping
 * names must be in it, once; every column it does not mention is noted, to
 * be warned of after the import with the records that have a value in it.
 */
int import_index_fields(struct importer *im, const struct source_record *rec)
{
	const struct mapping *m = im->m;
	int bad = 0, lsr = !strcmp(im->stats->format, "limesurvey");

	if (!(im->column_unmapped = calloc(rec->nfields ? rec->nfields : 1, sizeof(int))))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	im->ncolumns = rec->nfields;
	/* Grid rows become questions of their own here, before their columns are found. */
	if (shape_index(im, rec) < 0) {
		if (im->e->code == EXIT_SYSTEM)
			return -1;
		bad = 1;
	}

#define NEED(field, name, line)                                                                 \
	do {                                                                                    \
		if (((field) = import_index_of(rec, (name))) < 0 && (name)) {                   \
			if (lsr)                                                                \
				err_set(im->e, EXIT_DATA,                                       \
					"%s: no field '%s' in the export, but the mapping "     \
					"(%s:%ld) names it (without the survey's .lss beside "  \
					"it, or --structure, fields keep their SGQA codes)",    \
					im->path, (name), m->path, (long)(line));               \
			else                                                                    \
				err_set(im->e, EXIT_DATA,                                       \
					"%s: there is no column '%s' in the header, but the "   \
					"mapping (%s:%ld) names it",                            \
					im->path, (name), m->path, (long)(line));               \
			bad = 1;                                                                \
		}                                                                               \
	} while (0)

	NEED(im->id_field, m->id_field, m->line);
	NEED(im->submitted_field, m->submitted_field, m->line);
	NEED(im->postcode_field, m->postcode_field, m->line);
	NEED(im->district_field, m->district_field, m->line);
	NEED(im->event_field, m->event_field, m->line);
	NEED(im->serial_field, m->serial_field, m->line);
	NEED(im->officer_field, m->officer_field, m->line);
	for (size_t i = 0; i < im->nqs; i++) {
		struct bound_question *q = &im->qs[i];

		NEED(q->field, q->mq->field, q->mq->line);
		for (size_t k = 0; k < q->mq->noptions; k++)
			NEED(q->option_fields[k], q->mq->options[k].field, q->mq->options[k].line);
	}
#undef NEED
	for (size_t i = 0; i < rec->nfields; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(rec->names[i], rec->names[j]) && mapping_mentions(m, rec->names[i])) {
				err_set(im->e, EXIT_DATA,
					"%s: two columns are called '%s': the mapping cannot tell "
					"them apart",
					im->path, rec->names[i]);
				bad = 1;
			}
		if (!mapping_mentions(m, rec->names[i]) && *rec->names[i]) {
			if (add_unmapped(im, rec->names[i]) < 0)
				return err_set(im->e, EXIT_SYSTEM, "out of memory");
			im->column_unmapped[i] = (int)im->nunmapped;
		}
	}
	im->indexed = 1;
	return bad ? -1 : 0;
}
