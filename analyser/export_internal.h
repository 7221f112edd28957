/*
 * export_internal.h: what the exports share: the counted tables and notes
 * (export.c gathers them, export.c and export_tidy.c lay them out), sheet
 * names, the data dictionary written next to every export (export_dict.c)
 * and the files beside an export.
 */
#ifndef TALLY_EXPORT_INTERNAL_H
#define TALLY_EXPORT_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>
#include <xlsxwriter.h>

#include "err.h"
#include "export.h"

/* One cell of a table: as counts_each() publishes it, copied out of the cube. */
struct xcell {
	char *theme, *theme_label, *parent; /* parent: the parent theme's code, "" at the top */
	char *code, *label;
	int level;
	long count, respondents; /* -1 when hidden */
	double percent;          /* -1 when there is none */
};

struct xtable {
	char *dim;          /* "district", "AGE" */
	char *title;        /* "Theme by district" */
	char *dim_title;    /* "District", "What is your age?" */
	struct xcell *cells;
	size_t ncells, ncols; /* columns: the dimension's values and "All" */
	size_t cells_alloc;
};

struct note {
	const char *key;
	char *value;
};

struct export {
	struct xtable *tables;
	size_t ntables, tables_alloc;
	struct note notes[16];
	size_t nnotes;
	time_t created;     /* the exercise's closing date: the files' date */
};

/*
 * Counts exercise `ex` for the export into `x` (zeroed by the caller): the
 * tables by district, by channel and by each demographic question, under
 * disclosure control as `opt` says, and the notes. 0, or -1 with `e` set;
 * free `x` with export_free() either way.
 */
int export_gather(sqlite3 *db, long long ex, const struct export_options *opt, struct export *x,
		  struct err *e);

void export_free(struct export *x);

/*
 * The date a workbook of exercise `ex` is created on, so that the same data
 * gives the same file: the exercise's closing date; without one, the time
 * SOURCE_DATE_EPOCH gives, or else the epoch. 0, or -1 with `e` set.
 */
int export_created(sqlite3 *db, long long ex, time_t *created, struct err *e);

/*
 * A sheet name for `title` into `out` (LXW_MAX_SHEETNAME_LENGTH bytes): at
 * most 31 characters, none Excel refuses, unlike the `nused` names in `used`.
 */
void export_sheet_name(const char *title, char (*used)[LXW_MAX_SHEETNAME_LENGTH], size_t nused,
		       char *out);

/*
 * The name of the file beside `path` that holds `what`: "out.csv" and
 * "dictionary" give "out.dictionary.csv", "out.xlsx" gives
 * "out.xlsx.dictionary.csv". NULL when out of memory.
 */
char *export_beside(const char *path, const char *what);

/* ---- the data dictionary (export_dict.c) ---- */

/* One column of an export, as the dictionary describes it. */
struct dict_col {
	const char *name;
	const char *type;     /* "text", "integer", "number", "date" */
	const char *meaning;
	char *allowed;        /* the values it takes, in words or listed; "" when any */
	char *meaning_owned;  /* freed with the dictionary: `meaning` when it was made */
};

struct dict {
	const char *file;     /* which file or sheet the columns are in */
	struct dict_col *cols;
	size_t ncols;
	size_t cols_alloc;
};

/* Adds a column; `allowed` is copied. 0, or -1 when out of memory. */
int dict_add(struct dict *d, const char *name, const char *type, const char *meaning,
	     const char *allowed);

void dict_free(struct dict *d);

/* The header of the dictionary's own table. */
extern const char *const dict_header[5];

/* Writes the dictionaries `d` (n of them) as CSV to `out`, one header row. */
void dict_write_csv(const struct dict *d, size_t n, FILE *out);

/*
 * Adds a "Dictionary" sheet describing `d` to `wb`, as an Excel table.
 * LXW_NO_ERROR or libxlsxwriter's error.
 */
lxw_error dict_write_sheet(lxw_workbook *wb, const struct dict *d, size_t n);

/*
 * Writes a sheet `name` holding one Excel table of `nrows` rows under the
 * header `head` (ncols names) as export sheets are laid out: frozen header,
 * autofilter, `widths` (characters), landscape, fit to one page wide, the
 * header repeated on every printed page. The cells are written by `fill`
 * (rows from 1). LXW_NO_ERROR or libxlsxwriter's error.
 */
lxw_error export_sheet(lxw_workbook *wb, const char *name, const char *table_name,
		       const char *const *head, const double *widths, size_t ncols, size_t nrows,
		       lxw_format *head_format,
		       lxw_error (*fill)(lxw_worksheet *ws, size_t row, void *arg), void *arg);

/* Writes the notes as a "Notes" sheet (key and value columns, an Excel table). */
lxw_error export_notes_sheet(lxw_workbook *wb, const struct note *notes, size_t n,
			     lxw_format *head_format, lxw_format *wrap);

/* Writes the notes as a CSV of two columns, note and value. */
void export_notes_csv(const struct note *notes, size_t n, FILE *out);

/*
 * Writes the CSV beside `path` that holds `what` (export_beside()) with
 * `write`, whole or not at all, mode 0600. 0, or -1 with `e` set.
 */
int export_csv_beside(const char *path, const char *what,
		      void (*write)(FILE *out, const void *arg), const void *arg, struct err *e);

#endif
