/*
 * export_tidy.c: the counted tables as data rather than a printed page. One
 * header row; a row per theme and value; codes and labels in their own
 * columns; counts numeric, with what disclosure control did in a status
 * column beside each; totals flagged; notes and the data dictionary apart.
 * As a CSV (with .notes.csv and .dictionary.csv beside it) or a workbook of
 * one Excel table a sheet, a Notes and a Dictionary sheet.
 *
 * The numbers are export_gather()'s, the ones the Healthwatch layout and
 * `analyser counts` publish, under the same disclosure control and ledger.
 */
#include "export_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "outfile.h"
#include "strbuf.h"

enum { C_TABLE, C_DIM, C_CODE, C_LABEL, C_THEME, C_THEME_LABEL, C_PARENT, C_LEVEL, C_TOTAL,
       C_COUNT, C_COUNT_STATUS, C_BASE, C_BASE_STATUS, C_PERCENT, NCOLS };

static const char *const head[NCOLS] = {
	"table", "dimension", "value_code", "value_label", "theme_code", "theme_label",
	"theme_parent", "theme_level", "total", "respondents_mentioning",
	"respondents_mentioning_status", "respondents", "respondents_status", "percent",
};

static const double widths[NCOLS] = { 22, 12, 14, 30, 22, 36, 18, 8, 10, 12, 14, 12, 14, 9 };

/* What disclosure control did to a published number. */
static const char *status_of(long v, const struct sdc_rule *r)
{
	if (v < 0)
		return "suppressed";
	/* A zero is a true zero when no count below the threshold rounds to it. */
	if (r->rounding > 1 && !(v == 0 && r->threshold * 2 > r->rounding))
		return "rounded";
	return "shown";
}

/* Which totals a cell is: "none" for a cell to add up, else what it totals over. */
static const char *total_of(const struct xcell *c)
{
	int all = !strcmp(c->code, "(all)"), any = !strcmp(c->theme, "(any)");

	return all && any ? "both" : all ? "dimension" : any ? "theme" : "none";
}

struct tidy {
	const struct export *x;
	const struct sdc_rule *rule;
	const struct xtable *t; /* the sheet being filled */
};

static void csv_long(FILE *out, long v)
{
	if (v >= 0)
		fprintf(out, "%ld", v);
}

static void write_csv(FILE *out, const void *arg)
{
	const struct tidy *td = arg;

	for (size_t c = 0; c < NCOLS; c++)
		fprintf(out, "%s%s", c ? "," : "", head[c]);
	fputc('\n', out);
	for (size_t i = 0; i < td->x->ntables; i++) {
		const struct xtable *t = &td->x->tables[i];

		for (size_t k = 0; k < t->ncells; k++) {
			const struct xcell *c = &t->cells[k];
			const char *text[] = { t->title, t->dim, c->code, c->label, c->theme,
					       c->theme_label, c->parent };

			for (size_t j = 0; j < sizeof text / sizeof *text; j++) {
				csv_write_field(out, text[j]);
				fputc(',', out);
			}
			fprintf(out, "%d,%s,", c->level, total_of(c));
			csv_long(out, c->count);
			fprintf(out, ",%s,", status_of(c->count, td->rule));
			csv_long(out, c->respondents);
			fprintf(out, ",%s,", status_of(c->respondents, td->rule));
			if (c->percent >= 0)
				fprintf(out, "%.1f", c->percent);
			fputc('\n', out);
		}
	}
}

static void write_notes(FILE *out, const void *arg)
{
	const struct export *x = arg;

	export_notes_csv(x->notes, x->nnotes, out);
}

static void write_dict(FILE *out, const void *arg)
{
	dict_write_csv(arg, 1, out);
}

/* "a; b; c": the distinct values of one field over every cell, in order of appearance. */
static int distinct(const struct export *x, int field, struct strbuf *sb)
{
	struct strbuf seen;
	int rc = 0;

	strbuf_init(&seen);
	for (size_t i = 0; i < x->ntables && !rc; i++) {
		const struct xtable *t = &x->tables[i];

		for (size_t k = 0; k < (field == C_TABLE || field == C_DIM ? 1 : t->ncells) && !rc; k++) {
			const struct xcell *c = &t->cells[k];
			const char *v = field == C_TABLE ? t->title : field == C_DIM ? t->dim :
					field == C_THEME ? c->theme : c->code;
			struct strbuf key;

			strbuf_init(&key);
			if (strbuf_addf(&key, "\n%s: %s\n", field == C_CODE ? t->dim : "", v) < 0) {
				rc = -1;
				break;
			}
			if (!strstr(seen.buf, key.buf)) {
				rc |= strbuf_addstr(&seen, key.buf);
				if (sb->len)
					rc |= strbuf_addstr(sb, "; ");
				if (field == C_CODE && c->label[0] && strcmp(c->code, c->label))
					rc |= strbuf_addf(sb, "%s (%s)", v, c->label);
				else if (field == C_THEME)
					rc |= strbuf_addf(sb, "%s (%s)", v, c->theme_label);
				else
					rc |= strbuf_addstr(sb, v);
			}
			strbuf_release(&key);
		}
	}
	strbuf_release(&seen);
	return rc;
}

/* The dictionary of the tables, their allowed values read from this export. */
static int tidy_dict(const struct export *x, const char *file, struct dict *d)
{
	struct strbuf tables, dims, codes, themes;
	int rc;

	strbuf_init(&tables);
	strbuf_init(&dims);
	strbuf_init(&codes);
	strbuf_init(&themes);
	d->file = file;
	rc = distinct(x, C_TABLE, &tables) | distinct(x, C_DIM, &dims) |
	     distinct(x, C_CODE, &codes) | distinct(x, C_THEME, &themes);
	rc = rc ||
		dict_add(d, "table", "text", "Which table the row belongs to: theme by one dimension.",
			 tables.buf) ||
		dict_add(d, "dimension", "text", "What the respondents are split by: district, "
			 "channel, or the code of a demographic question of the exercise.", dims.buf) ||
		dict_add(d, "value_code", "text", "The dimension's value: an ONS district code "
			 "(E07...), a channel, a demographic option's code; (outside) and (unknown) "
			 "for respondents outside the area or not placed; (all) for the total over "
			 "every value.", codes.buf) ||
		dict_add(d, "value_label", "text", "The value's name: district name, channel or "
			 "option label; \"All\" for the total.", "") ||
		dict_add(d, "theme_code", "text", "The theme's code in the rule set; (any) for "
			 "respondents mentioning any theme.", themes.buf) ||
		dict_add(d, "theme_label", "text", "The theme's label; \"Any theme\" for (any).", "") ||
		dict_add(d, "theme_parent", "text", "The code of the theme this one is a sub-theme "
			 "of; empty for a top-level theme and for (any).",
			 "a theme_code of this file, or empty") ||
		dict_add(d, "theme_level", "integer", "1 for a top-level theme, 2 for a sub-theme "
			 "(which also counts toward its parent); 0 for (any).", "0, 1, 2") ||
		dict_add(d, "total", "text", "Whether the row is a total: none (a cell to sum or "
			 "pivot), dimension (value_code is (all)), theme (theme_code is (any)), both. "
			 "Totals count respondents, so they are not sums of the cells.",
			 "none; dimension; theme; both") ||
		dict_add(d, "respondents_mentioning", "integer", "Respondents who mentioned the "
			 "theme in any free-text answer, each counted once; after disclosure control. "
			 "Empty when suppressed.", "0 or more; empty") ||
		dict_add(d, "respondents_mentioning_status", "text", "What disclosure control did to "
			 "respondents_mentioning: shown (exact), rounded (to the rounding base in the "
			 "notes), suppressed (hidden: a small count, or a further cell hidden so that "
			 "no small count can be worked out).", "shown; rounded; suppressed") ||
		dict_add(d, "respondents", "integer", "Respondents with this value: the "
			 "denominator of percent; after disclosure control. Empty when suppressed.",
			 "0 or more; empty") ||
		dict_add(d, "respondents_status", "text", "What disclosure control did to "
			 "respondents, as for respondents_mentioning_status.",
			 "shown; rounded; suppressed") ||
		dict_add(d, "percent", "number", "respondents_mentioning as a percentage of "
			 "respondents, worked out from the published numbers; empty when either is "
			 "suppressed or there are no respondents.", "0 to 100, one decimal; empty");
	strbuf_release(&tables);
	strbuf_release(&dims);
	strbuf_release(&codes);
	strbuf_release(&themes);
	return rc ? -1 : 0;
}

static lxw_error fill_row(lxw_worksheet *ws, size_t row, void *arg)
{
	const struct tidy *td = arg;
	const struct xtable *t = td->t;
	const struct xcell *c = &t->cells[row - 1];
	const char *text[] = { t->title, t->dim, c->code, c->label, c->theme, c->theme_label,
			       c->parent };
	lxw_row_t r = (lxw_row_t)row;
	lxw_error rc = LXW_NO_ERROR;

	for (size_t j = 0; j < sizeof text / sizeof *text && !rc; j++)
		rc = worksheet_write_string(ws, r, (lxw_col_t)j, text[j], NULL);
	if (!rc)
		rc = worksheet_write_number(ws, r, C_LEVEL, c->level, NULL);
	if (!rc)
		rc = worksheet_write_string(ws, r, C_TOTAL, total_of(c), NULL);
	if (!rc && c->count >= 0)
		rc = worksheet_write_number(ws, r, C_COUNT, (double)c->count, NULL);
	if (!rc)
		rc = worksheet_write_string(ws, r, C_COUNT_STATUS, status_of(c->count, td->rule), NULL);
	if (!rc && c->respondents >= 0)
		rc = worksheet_write_number(ws, r, C_BASE, (double)c->respondents, NULL);
	if (!rc)
		rc = worksheet_write_string(ws, r, C_BASE_STATUS, status_of(c->respondents, td->rule),
					    NULL);
	if (!rc && c->percent >= 0)
		rc = worksheet_write_number(ws, r, C_PERCENT, c->percent, NULL);
	return rc;
}

static int write_xlsx(struct tidy *td, const struct dict *d, const char *path, struct err *e)
{
	const struct export *x = td->x;
	lxw_workbook *wb = workbook_new(path);
	lxw_doc_properties props = { 0 };
	char (*used)[LXW_MAX_SHEETNAME_LENGTH];
	lxw_format *bold, *wrap;
	lxw_error rc = LXW_NO_ERROR;

	if (!wb)
		return err_set(e, EXIT_SYSTEM, "cannot create %s", path);
	props.title = "Theme counts";
	props.comments = "Disclosure control applied: see the Notes sheet.";
	props.created = x->created;
	workbook_set_properties(wb, &props);
	bold = workbook_add_format(wb);
	wrap = workbook_add_format(wb);
	if (!(used = calloc(x->ntables + 2, sizeof *used)) || !bold || !wrap) {
		free(used);
		workbook_close(wb);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	format_set_bold(bold);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	strcpy(used[x->ntables], "Notes");
	strcpy(used[x->ntables + 1], "Dictionary");
	for (size_t i = 0; i < x->ntables && rc == LXW_NO_ERROR; i++) {
		char tn[64];

		td->t = &x->tables[i];
		export_sheet_name(td->t->title, used, i, used[i]);
		if (!strcasecmp(used[i], "Notes") || !strcasecmp(used[i], "Dictionary"))
			export_sheet_name(td->t->title, used, i + 1, used[i]);
		snprintf(tn, sizeof tn, "%zu_%s", i + 1, td->t->dim);
		rc = export_sheet(wb, used[i], tn, head, widths, NCOLS, td->t->ncells, bold,
				  fill_row, td);
	}
	if (rc == LXW_NO_ERROR)
		rc = export_notes_sheet(wb, x->notes, x->nnotes, bold, wrap);
	if (rc == LXW_NO_ERROR)
		rc = dict_write_sheet(wb, d, 1);
	free(used);
	if (rc != LXW_NO_ERROR) {
		workbook_close(wb);
		return err_set(e, EXIT_SYSTEM, "cannot write %s: %s", path, lxw_strerror(rc));
	}
	if ((rc = workbook_close(wb)) != LXW_NO_ERROR)
		return err_set(e, EXIT_SYSTEM, "cannot write %s: %s", path, lxw_strerror(rc));
	return 0;
}

int export_tables(sqlite3 *db, long long ex, const char *path, const struct export_options *opt,
		  struct err *e)
{
	struct export x = { 0 };
	struct dict d = { 0 };
	struct tidy td = { &x, &opt->rule, NULL };
	struct out_file of;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int rc = -1;

	if (opt->format != EXPORT_CSV && opt->format != EXPORT_XLSX) {
		err_set(e, EXIT_USAGE, "%s: give the tables a name ending .xlsx or .csv", path);
		goto done;
	}
	if (export_gather(db, ex, opt, &x, e) < 0)
		goto done;
	if (tidy_dict(&x, opt->format == EXPORT_XLSX ? "every table's sheet" : base, &d) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto done;
	}
	if (out_open(&of, path, e) < 0)
		goto done;
	if (opt->format == EXPORT_XLSX) {
		if (write_xlsx(&td, &d, of.tmp, e) < 0) {
			out_abandon(&of);
			goto done;
		}
	} else {
		write_csv(of.f, &td);
	}
	if (out_commit(&of, e) < 0)
		goto done;
	/* The files go together: without its notes or dictionary, no table. */
	if ((opt->format == EXPORT_CSV && export_csv_beside(path, "notes", write_notes, &x, e) < 0) ||
	    export_csv_beside(path, "dictionary", write_dict, &d, e) < 0) {
		export_remove(path, opt->format == EXPORT_CSV);
		goto done;
	}
	rc = 0;
done:
	dict_free(&d);
	export_free(&x);
	return rc;
}
