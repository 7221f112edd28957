/*
 * export_dict.c: the data dictionary written next to every export (every
 * column: name, type, meaning, allowed values) and the sheet layout the
 * tidy exports share (one Excel table a sheet, a pivot can use directly).
 */
#include "export_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "outfile.h"
#include "strbuf.h"

const char *const dict_header[5] = { "file", "column", "type", "meaning", "allowed_values" };

int dict_add(struct dict *d, const char *name, const char *type, const char *meaning,
	     const char *allowed)
{
	struct dict_col *c;

	if (ALLOC_GROW(d->cols, d->ncols + 1, d->cols_alloc) < 0)
		return -1;
	c = d->cols + d->ncols;
	c->name = name;
	c->type = type;
	c->meaning = meaning;
	c->meaning_owned = NULL;
	if (!(c->allowed = strdup(allowed ? allowed : "")))
		return -1;
	d->ncols++;
	return 0;
}

void dict_free(struct dict *d)
{
	for (size_t i = 0; i < d->ncols; i++) {
		free(d->cols[i].allowed);
		free(d->cols[i].meaning_owned);
	}
	free(d->cols);
	d->cols = NULL;
	d->ncols = 0;
	d->cols_alloc = 0;
}

static void csv_row(FILE *out, const char *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		csv_write_field(out, f[i]);
	}
	fputc('\n', out);
}

void dict_write_csv(const struct dict *d, size_t n, FILE *out)
{
	csv_row(out, dict_header, 5);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < d[k].ncols; i++) {
			const struct dict_col *c = &d[k].cols[i];
			const char *f[5] = { d[k].file, c->name, c->type, c->meaning, c->allowed };

			csv_row(out, f, 5);
		}
}

/* An Excel table name from `name`: letters, digits and '_', starting "T_". */
static void table_name(const char *name, char *out, size_t cap)
{
	size_t n = 0;

	snprintf(out, cap, "T_");
	n = 2;
	for (const char *p = name; *p && n + 1 < cap; p++)
		out[n++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9')) ? *p : '_';
	out[n] = '\0';
}

lxw_error export_sheet(lxw_workbook *wb, const char *name, const char *tname,
		       const char *const *head, const double *widths, size_t ncols, size_t nrows,
		       lxw_format *head_format,
		       lxw_error (*fill)(lxw_worksheet *ws, size_t row, void *arg), void *arg)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_table_column *cols, **colp;
	lxw_table_options to = { 0 };
	char tn[64];
	lxw_error rc = LXW_NO_ERROR;

	if (!ws) {
		rc = workbook_validate_sheet_name(wb, name);
		return rc == LXW_NO_ERROR ? LXW_ERROR_MEMORY_MALLOC_FAILED : rc;
	}
	cols = calloc(ncols, sizeof *cols);
	colp = calloc(ncols + 1, sizeof *colp);
	if (!cols || !colp) {
		free(cols);
		free(colp);
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	}
	for (size_t c = 0; c < ncols; c++) {
		cols[c].header = (char *)head[c];
		cols[c].header_format = head_format;
		colp[c] = &cols[c];
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	}
	for (size_t r = 0; r < nrows && rc == LXW_NO_ERROR; r++)
		rc = fill(ws, r + 1, arg);
	if (rc == LXW_NO_ERROR) {
		table_name(tname, tn, sizeof tn);
		to.name = tn;
		to.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
		to.style_type_number = 9;
		to.columns = colp;
		/* A table has a data row at least; an empty one has a blank row. */
		rc = worksheet_add_table(ws, 0, 0, (lxw_row_t)(nrows ? nrows : 1), (lxw_col_t)(ncols - 1),
					 &to);
	}
	free(cols);
	free(colp);
	if (rc != LXW_NO_ERROR)
		return rc;
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	return worksheet_repeat_rows(ws, 0, 0);
}

struct notes_arg {
	const struct note *notes;
	lxw_format *wrap;
};

static lxw_error fill_note(lxw_worksheet *ws, size_t row, void *arg)
{
	const struct notes_arg *a = arg;
	const struct note *n = &a->notes[row - 1];
	lxw_error rc = worksheet_write_string(ws, (lxw_row_t)row, 0, n->key, a->wrap);

	return rc ? rc : worksheet_write_string(ws, (lxw_row_t)row, 1, n->value, a->wrap);
}

lxw_error export_notes_sheet(lxw_workbook *wb, const struct note *notes, size_t n,
			     lxw_format *head_format, lxw_format *wrap)
{
	static const char *const head[] = { "note", "value" };
	static const double widths[] = { 24, 100 };
	struct notes_arg a = { notes, wrap };

	return export_sheet(wb, "Notes", "Notes", head, widths, 2, n, head_format, fill_note, &a);
}

void export_notes_csv(const struct note *notes, size_t n, FILE *out)
{
	static const char *const head[] = { "note", "value" };

	csv_row(out, head, 2);
	for (size_t i = 0; i < n; i++) {
		const char *f[2] = { notes[i].key, notes[i].value };

		csv_row(out, f, 2);
	}
}

struct dict_arg {
	const struct dict *d;
	size_t n;
	lxw_format *wrap;
};

static lxw_error fill_dict(lxw_worksheet *ws, size_t row, void *arg)
{
	const struct dict_arg *a = arg;
	size_t k = 0, i = row - 1;
	lxw_error rc = LXW_NO_ERROR;

	while (k < a->n && i >= a->d[k].ncols)
		i -= a->d[k++].ncols;
	{
		const struct dict_col *c = &a->d[k].cols[i];
		const char *f[5] = { a->d[k].file, c->name, c->type, c->meaning, c->allowed };

		for (size_t j = 0; j < 5 && rc == LXW_NO_ERROR; j++)
			rc = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, f[j], a->wrap);
	}
	return rc;
}

lxw_error dict_write_sheet(lxw_workbook *wb, const struct dict *d, size_t n)
{
	static const double widths[] = { 22, 28, 10, 60, 60 };
	lxw_format *bold = workbook_add_format(wb), *wrap = workbook_add_format(wb);
	struct dict_arg a = { d, n, wrap };
	size_t rows = 0;

	if (!bold || !wrap)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	format_set_bold(bold);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	for (size_t k = 0; k < n; k++)
		rows += d[k].ncols;
	return export_sheet(wb, "Dictionary", "Dictionary", dict_header, widths, 5, rows, bold,
			    fill_dict, &a);
}

int export_csv_beside(const char *path, const char *what,
		      void (*write)(FILE *out, const void *arg), const void *arg, struct err *e)
{
	char *name = export_beside(path, what);
	struct out_file of;
	int rc = -1;

	if (!name)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (out_open(&of, name, e) == 0) {
		write(of.f, arg);
		rc = out_commit(&of, e);
	}
	free(name);
	return rc;
}

void export_remove(const char *path, int notes)
{
	static const char *const beside[] = { "dictionary", "notes" };

	unlink(path);
	for (size_t i = 0; i < (notes ? 2u : 1u); i++) {
		char *name = export_beside(path, beside[i]);

		if (name)
			unlink(name);
		free(name);
	}
}
