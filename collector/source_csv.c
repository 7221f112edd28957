/*
 * source_csv.c: CSV exports as a source (Google Forms, SurveyMonkey,
 * spreadsheets typed up by officers).
 *
 * Field names come from the header: one row, or two in SurveyMonkey's
 * layout, where row 1 names the question over the first of its columns and
 * row 2 the option or "Response": the name is then "Question / Option".
 * Trailing columns with no header are dropped; a data row may leave them
 * out or have them empty, but a row with more named values than the header
 * has columns is rejected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "source.h"
#include "trim.h"

struct csv_source {
	struct csv_reader *r;
	const char *path;
	size_t ncols;
	char **names;
	const char **values; /* points into the reader's record, or at "" */
};

static void csv_source_free(void *state)
{
	struct csv_source *s = state;

	csv_reader_free(s->r);
	for (size_t i = 0; i < s->ncols; i++)
		free(s->names[i]);
	free(s->names);
	free(s->values);
	free(s);
}

static int is_blank(const char *s)
{
	return trim_bounds(s, strlen(s), NULL) == 0;
}

static int csv_source_next(void *state, struct source_record *rec, struct err *e)
{
	struct csv_source *s = state;
	struct csv_record r;
	size_t n;
	int rc = csv_read(s->r, &r, e);

	memset(rec, 0, sizeof *rec);
	rec->place_word = "line";
	rec->file = s->path;
	if (rc == CSV_EOF)
		return SOURCE_EOF;
	if (rc == CSV_FATAL)
		return SOURCE_FATAL;
	rec->raw = csv_raw(s->r, &rec->raw_len);
	rec->place = r.line;
	if (rc == CSV_BAD)
		return SOURCE_BAD;
	n = r.nfields;
	/* Extra trailing cells are fine while empty (exports pad rows). */
	while (n > s->ncols && is_blank(r.fields[n - 1]))
		n--;
	for (size_t i = 0; i < s->ncols; i++)
		s->values[i] = i < n ? r.fields[i] : "";
	rec->nfields = s->ncols;
	rec->names = (const char *const *)s->names;
	rec->values = s->values;
	if (n > s->ncols) {
		/* Its fields are given all the same: the import reads its identity from them. */
		err_set(e, EXIT_DATA, "%s:%ld: %zu values but the header has %zu columns", s->path,
			r.line, n, s->ncols);
		return SOURCE_BAD;
	}
	return SOURCE_RECORD;
}

static long long csv_source_bytes(void *state)
{
	return (long long)csv_bytes_read(((struct csv_source *)state)->r);
}

static const struct source_ops csv_ops = { csv_source_next, csv_source_free, csv_source_bytes };

/* Builds the field names from one or two header records. */
static int make_names(struct csv_source *s, struct csv_record *h1, char **row2, size_t n2,
		      struct err *e)
{
	size_t n = h1->nfields > n2 ? h1->nfields : n2;
	char *carry = NULL;

	/* Columns with no header at the end are padding. */
	while (n > 0 && (n > h1->nfields || is_blank(h1->fields[n - 1])) &&
	       (n > n2 || is_blank(row2[n - 1])))
		n--;
	if (n == 0)
		return err_set(e, EXIT_DATA, "%s:%ld: the header row is empty", s->path, h1->line);
	if (!(s->names = calloc(n, sizeof *s->names)) || !(s->values = calloc(n, sizeof *s->values)))
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", s->path);
	s->ncols = n;
	for (size_t i = 0; i < n; i++) {
		char *q = i < h1->nfields ? trim_dup(h1->fields[i]) : strdup("");
		char *sub = i < n2 ? trim_dup(row2[i]) : strdup("");

		if (!q || !sub) {
			free(q);
			free(sub);
			free(carry);
			return err_set(e, EXIT_SYSTEM, "out of memory reading %s", s->path);
		}
		if (!row2) {
			s->names[i] = q;
			free(sub);
			continue;
		}
		if (*q) {
			free(carry);
			carry = q;
		} else {
			free(q);
		}
		if (!*sub || !strcmp(sub, "Response") || !strcmp(sub, "Open-Ended Response")) {
			s->names[i] = strdup(carry ? carry : "");
		} else if (carry) {
			size_t len = strlen(carry) + strlen(sub) + 4;

			if ((s->names[i] = malloc(len)))
				snprintf(s->names[i], len, "%s / %s", carry, sub);
		} else {
			s->names[i] = strdup(sub);
		}
		free(sub);
		if (!s->names[i]) {
			free(carry);
			return err_set(e, EXIT_SYSTEM, "out of memory reading %s", s->path);
		}
	}
	free(carry);
	return 0;
}

static void free_fields(char **fields, size_t n)
{
	for (size_t i = 0; fields && i < n; i++)
		free(fields[i]);
	free(fields);
}

/* A copy of the record's fields (the reader reuses its buffers), or NULL when out of memory. */
static char **copy_fields(const struct csv_record *r)
{
	char **fields = calloc(r->nfields ? r->nfields : 1, sizeof *fields);

	for (size_t i = 0; fields && i < r->nfields; i++)
		if (!(fields[i] = strdup(r->fields[i]))) {
			free_fields(fields, i);
			return NULL;
		}
	return fields;
}

int source_csv_open(const char *path, const struct source_options *opt, struct source *src,
		    struct err *e)
{
	struct csv_options copt = { 0 };
	struct csv_source *s = calloc(1, sizeof *s);
	struct csv_record h1;
	char **row2 = NULL;
	size_t n2 = 0;
	int rc;

	if (!s)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	s->path = path;
	copt.separator = opt && opt->separator ? opt->separator : ',';
	if (!(s->r = csv_reader_open(path, &copt, e)))
		goto fail;
	if ((rc = csv_read(s->r, &h1, e)) != CSV_RECORD) {
		if (rc == CSV_EOF)
			err_set(e, EXIT_DATA, "%s is empty: there is no header row", path);
		goto fail;
	}
	if (opt && opt->header_rows == 2) {
		/* Keep row 1 while row 2 is read: the reader reuses its buffers. */
		size_t n1 = h1.nfields;
		char **row1 = copy_fields(&h1);
		struct csv_record h2, keep = h1;

		if (!row1) {
			err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
			goto fail;
		}
		rc = csv_read(s->r, &h2, e);
		if (rc == CSV_RECORD && !(row2 = copy_fields(&h2)))
			err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
		else if (rc == CSV_RECORD)
			n2 = h2.nfields;
		else if (rc == CSV_EOF)
			err_set(e, EXIT_DATA, "%s: the mapping says two header rows, but the file "
					      "has only one row", path);
		keep.fields = row1;
		if (row2)
			rc = make_names(s, &keep, row2, n2, e) < 0 ? -1 : 0;
		else
			rc = -1; /* `e` says why: out of memory, one row, or csv_read()'s reason */
		free_fields(row1, n1);
		free_fields(row2, n2);
		if (rc < 0)
			goto fail;
	} else if (make_names(s, &h1, NULL, 0, e) < 0) {
		goto fail;
	}
	src->ops = &csv_ops;
	src->state = s;
	src->format = "csv";
	return 0;
fail:
	csv_source_free(s);
	return -1;
}
