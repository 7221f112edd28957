#include "xform_export.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "entry.h"
#include "strbuf.h"
#include "textout.h"

#define FIELD_MAX 80

struct event_row {
	char *code;
	char *label;
};

struct exercise_row {
	char *code;
	char *title;
	char *version;
	struct event_row *events;
	size_t nevents;
};

static void exercise_row_free(struct exercise_row *x)
{
	for (size_t i = 0; i < x->nevents; i++) {
		free(x->events[i].code);
		free(x->events[i].label);
	}
	free(x->events);
	free(x->code);
	free(x->title);
	free(x->version);
}

static char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return strdup(s ? s : "");
}

/* The exercise's code, title, definition hash and events. 0 or -1. */
static int exercise_read(sqlite3 *db, long long ex, struct exercise_row *x, struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	memset(x, 0, sizeof *x);
	if (!(st = db_prepare(db, "SELECT code, title, substr(definition_sha256, 1, 16) FROM "
				  "exercise WHERE id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		x->code = col(st, 0);
		x->title = col(st, 1);
		x->version = col(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading the exercise", e);
	if (!x->code || !x->title || !x->version)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (!(st = db_prepare(db, "SELECT code, printf('%s (%s)', title, held_on) FROM event "
				  "WHERE exercise_id = ?1 ORDER BY held_on, code", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (alloc_grow((void **)&x->events, sizeof *x->events, x->nevents + 1, &cap) < 0) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		x->events[x->nevents].code = col(st, 0);
		x->events[x->nevents].label = col(st, 1);
		x->nevents++;
		if (!x->events[x->nevents - 1].code || !x->events[x->nevents - 1].label) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the events", e);
	if (!x->nevents)
		return err_set(e, EXIT_DATA, "exercise %s has no events: a tablet's form records the "
					     "event each response comes from", x->code);
	return 0;
}

/* q_CODE: lowercase letters, digits and '_'; a number after it when two codes meet. */
static void field_names(const struct entry_form *f, char (*names)[FIELD_MAX])
{
	for (size_t i = 0; i < f->nqs; i++) {
		size_t n = (size_t)snprintf(names[i], FIELD_MAX, "q_");

		for (const char *c = f->qs[i].code; *c && n + 1 < FIELD_MAX - 8; c++)
			names[i][n++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c)
								    : '_';
		names[i][n] = '\0';
		for (size_t j = 0, k = 2; j < i; j++)
			if (!strcmp(names[i], names[j])) {
				snprintf(names[i] + n, FIELD_MAX - n, "_%zu", k++);
				j = (size_t)-1; /* again from the first */
			}
	}
}

static void esc(FILE *out, const char *s)
{
	xml_write_escaped(out, s ? s : "");
}

static const char *bind_type(enum entry_qtype t)
{
	switch (t) {
	case EQ_SINGLE: return "select1";
	case EQ_MULTIPLE: return "select";
	case EQ_SCALE: return "int";
	case EQ_NUMBER: return "decimal";
	case EQ_DATE: return "date";
	default: return "string";
	}
}

static void write_items(FILE *out, const struct entry_question *q)
{
	for (size_t k = 0; k < q->nopts; k++) {
		fputs("      <item>\n        <label>", out);
		esc(out, q->opts[k].label);
		fputs("</label>\n        <value>", out);
		esc(out, q->opts[k].code);
		fputs("</value>\n      </item>\n", out);
	}
}

static void write_form(FILE *out, const struct exercise_row *x, const struct entry_form *f,
		       char (*names)[FIELD_MAX])
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!-- Written by collector xform: load it into ODK Collect, KoboCollect or\n"
	      "     ODK Central as it is; bring the submissions back with collector import\n"
	      "     and the mapping written beside this file. -->\n"
	      "<h:html xmlns=\"http://www.w3.org/2002/xforms\" "
	      "xmlns:h=\"http://www.w3.org/1999/xhtml\" "
	      "xmlns:jr=\"http://openrosa.org/javarosa\" "
	      "xmlns:odk=\"http://www.opendatakit.org/xforms\" "
	      "xmlns:orx=\"http://openrosa.org/xforms\">\n"
	      "  <h:head>\n    <h:title>", out);
	esc(out, f->title && *f->title ? f->title : x->title);
	fputs("</h:title>\n    <model odk:xforms-version=\"1.0.0\">\n      <instance>\n"
	      "        <data id=\"tally-", out);
	esc(out, x->code);
	fprintf(out, "-%s\" version=\"", f->variant);
	esc(out, x->version);
	fputs("\">\n          <start/>\n          <end/>\n          <event/>\n", out);
	for (size_t i = 0; i < f->nqs; i++)
		fprintf(out, "          <%s/>\n", names[i]);
	fputs("          <meta>\n            <instanceID/>\n          </meta>\n        </data>\n"
	      "      </instance>\n"
	      "      <bind nodeset=\"/data/start\" type=\"dateTime\" jr:preload=\"timestamp\" "
	      "jr:preloadParams=\"start\"/>\n"
	      "      <bind nodeset=\"/data/end\" type=\"dateTime\" jr:preload=\"timestamp\" "
	      "jr:preloadParams=\"end\"/>\n"
	      "      <bind nodeset=\"/data/event\" type=\"select1\" required=\"true()\"/>\n", out);
	for (size_t i = 0; i < f->nqs; i++) {
		const struct entry_question *q = &f->qs[i];

		fprintf(out, "      <bind nodeset=\"/data/%s\" type=\"%s\"", names[i],
			bind_type(q->type));
		if (q->type == EQ_SCALE)
			fprintf(out, " constraint=\". &gt;= %ld and . &lt;= %ld\" "
				     "jr:constraintMsg=\"A number from %ld to %ld\"",
				q->scale_min, q->scale_max, q->scale_min, q->scale_max);
		else if (q->type == EQ_SHORT_TEXT)
			fputs(" constraint=\"string-length(.) &lt;= 200\" "
			      "jr:constraintMsg=\"At most 200 characters, on one line\"", out);
		fputs("/>\n", out);
	}
	fputs("      <bind nodeset=\"/data/meta/instanceID\" type=\"string\" readonly=\"true()\" "
	      "jr:preload=\"uid\"/>\n    </model>\n  </h:head>\n  <h:body>\n"
	      "    <select1 ref=\"/data/event\">\n      <label>Which event is this?</label>\n", out);
	for (size_t i = 0; i < x->nevents; i++) {
		fputs("      <item>\n        <label>", out);
		esc(out, x->events[i].label);
		fputs("</label>\n        <value>", out);
		esc(out, x->events[i].code);
		fputs("</value>\n      </item>\n", out);
	}
	fputs("    </select1>\n", out);
	for (size_t i = 0; i < f->nqs; i++) {
		const struct entry_question *q = &f->qs[i];
		const char *control = q->type == EQ_SINGLE ? "select1"
				      : q->type == EQ_MULTIPLE ? "select" : "input";

		fprintf(out, "    <%s ref=\"/data/%s\"%s>\n      <label>", control, names[i],
			q->type == EQ_FREE_TEXT ? " appearance=\"multiline\"" : "");
		esc(out, q->text);
		fputs("</label>\n", out);
		if (q->help && *q->help) {
			fputs("      <hint>", out);
			esc(out, q->help);
			fputs("</hint>\n", out);
		}
		if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE)
			write_items(out, q);
		fprintf(out, "    </%s>\n", control);
	}
	fputs("  </h:body>\n</h:html>\n", out);
}

static void write_map(FILE *out, const struct exercise_row *x, const struct entry_form *f,
		      char (*names)[FIELD_MAX])
{
	int postcode = 0;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!-- Written by collector xform with the form beside it: import its\n"
	      "     submissions (a folder of instance files, or ODK Central's export)\n"
	      "     with collector import, naming this file as the mapping. -->\n"
	      "<mapping exercise=\"", out);
	esc(out, x->code);
	fprintf(out, "\" form=\"%s\" channel=\"event-card\" format=\"xform\" dates=\"iso\">\n",
		f->variant);
	fputs("  <response-id field=\"meta/instanceID\" required=\"true\" prefix=\"odk\"/>\n"
	      "  <submitted field=\"end\"/>\n  <event field=\"event\"/>\n", out);
	for (size_t i = 0; i < f->nqs && !postcode; i++)
		if (f->qs[i].type == EQ_POSTCODE) {
			fprintf(out, "  <postcode field=\"%s\"/>\n", names[i]);
			postcode = 1;
		}
	for (size_t i = 0; i < f->nqs; i++) {
		fputs("  <question code=\"", out);
		esc(out, f->qs[i].code);
		fprintf(out, "\" field=\"%s\"%s/>\n", names[i],
			f->qs[i].type == EQ_MULTIPLE ? " separator=\" \"" : "");
	}
	fputs("  <ignore field=\"start\"/>\n</mapping>\n", out);
}

/* A multiple-choice answer is space-separated: its codes must have no white space. */
static int check_form(const struct entry_form *f, struct err *e)
{
	for (size_t i = 0; i < f->nqs; i++)
		for (size_t k = 0; f->qs[i].type == EQ_MULTIPLE && k < f->qs[i].nopts; k++)
			if (strpbrk(f->qs[i].opts[k].code, " \t\r\n"))
				return err_set(e, EXIT_DATA, "question %s: option code '%s' has a "
					       "space in it, which an XForm's multiple choice cannot "
					       "hold: change the code in the exercise definition",
					       f->qs[i].code, f->qs[i].opts[k].code);
	return 0;
}

int xform_export(sqlite3 *db, long long exercise_id, const char *variant, FILE *form, FILE *map,
		 struct err *e)
{
	struct exercise_row x;
	struct entry_form *f = NULL;
	char (*names)[FIELD_MAX] = NULL;
	int rc = -1;

	if (exercise_read(db, exercise_id, &x, e) < 0)
		goto out;
	if (!(f = entry_form_load(db, exercise_id, variant, e)) || check_form(f, e) < 0)
		goto out;
	if (!(names = calloc(f->nqs ? f->nqs : 1, sizeof *names))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	field_names(f, names);
	write_form(form, &x, f, names);
	write_map(map, &x, f, names);
	rc = 0;
out:
	free(names);
	entry_form_free(f);
	exercise_row_free(&x);
	return rc;
}
