/*
 * export.c: the Healthwatch export. Theme by district, by channel and by
 * each demographic question, with disclosure control applied, and notes
 * saying exactly how; as an XLSX workbook, one long CSV or XML.
 *
 * Every number comes from counts_each(), the code path `analyser counts
 * --format csv` uses, so the export and the counts always agree.
 */
#include "export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <xlsxwriter.h>

#include "counts.h"
#include "csv.h"
#include "db.h"
#include "review.h"
#include "fileutil.h"
#include "outfile.h"
#include "strbuf.h"
#include "textout.h"
#include "version.h"
#include "crosswalk.h"
#include "progress.h"
#include "export_internal.h"

/* What add_cell() copies into: the table, and the cube for each theme's parent. */
struct add_arg {
	struct xtable *t;
	const struct count_cube *c;
};

static int add_cell(const struct count_record *r, void *arg)
{
	struct add_arg *a = arg;
	struct xtable *t = a->t;
	struct xcell *c;
	const char *parent = "";

	if (ALLOC_GROW(t->cells, t->ncells + 1, t->cells_alloc) < 0)
		return -1;
	c = t->cells + t->ncells++;
	for (size_t i = 0; i < a->c->nthemes; i++)
		if (!strcmp(a->c->themes[i].code, r->theme)) {
			if (a->c->themes[i].parent >= 0)
				parent = a->c->themes[a->c->themes[i].parent].code;
			break;
		}
	c->parent = strdup(parent);
	c->theme = strdup(r->theme);
	c->theme_label = strdup(r->theme_label);
	c->code = strdup(r->code[0]);
	c->label = strdup(r->label[0]);
	c->level = r->level;
	c->count = r->count;
	c->respondents = r->respondents;
	c->percent = r->percent;
	if (!c->theme || !c->theme_label || !c->parent || !c->code || !c->label)
		return -1;
	if (!strcmp(r->code[0], "(all)") && !t->ncols)
		t->ncols = t->ncells;
	return 0;
}

void export_free(struct export *x)
{
	for (size_t i = 0; i < x->ntables; i++) {
		struct xtable *t = &x->tables[i];

		for (size_t k = 0; k < t->ncells; k++) {
			free(t->cells[k].theme);
			free(t->cells[k].parent);
			free(t->cells[k].theme_label);
			free(t->cells[k].code);
			free(t->cells[k].label);
		}
		free(t->cells);
		free(t->dim);
		free(t->title);
		free(t->dim_title);
	}
	free(x->tables);
	for (size_t i = 0; i < x->nnotes; i++)
		free(x->notes[i].value);
}

static int add_note(struct export *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_note(struct export *x, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;
	int n;

	if (x->nnotes == sizeof x->notes / sizeof *x->notes)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(v = malloc((size_t)n + 1)))
		return -1;
	va_start(ap, fmt);
	vsnprintf(v, (size_t)n + 1, fmt, ap);
	va_end(ap);
	x->notes[x->nnotes].key = key;
	x->notes[x->nnotes++].value = v;
	return 0;
}

/*
 * What the crosswalk's categories count. A category whose themes are one
 * theme and some of its sub-themes takes that theme's row; one of several
 * unrelated themes takes a merged row, counted afresh (count_merge), named
 * by its themes' codes in order joined by '+' so that the same merge has the
 * same cells (and so the same disclosure control) in every table and every
 * publication; no theme code has a '+'.
 */
struct frame {
	char **row;                /* per category: the theme or merged row it takes */
	struct count_merge *mg;    /* the merged rows, each once */
	char ***mg_themes;         /* their themes (owned) */
	size_t nmg;
};

static void frame_release(struct frame *f, size_t ncats)
{
	for (size_t k = 0; f->row && k < ncats; k++)
		free(f->row[k]);
	free(f->row);
	for (size_t g = 0; g < f->nmg; g++)
		free(f->mg_themes[g]);
	free(f->mg_themes);
	free(f->mg);
	memset(f, 0, sizeof *f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rule set's themes and their parents' codes ("" at the top), for frame_make(). */
struct theme_tree {
	char **code, **parent;
	size_t n;
};

static void tree_release(struct theme_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->code[i]);
		free(t->parent[i]);
	}
	free(t->code);
	free(t->parent);
}

static int tree_load(sqlite3 *db, long long ex, struct theme_tree *t, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT h.code, coalesce(p.code, '') FROM theme h "
				      "JOIN ruleset s ON s.id = h.ruleset_id LEFT JOIN theme p ON "
				      "p.id = h.parent_id WHERE s.exercise_id = ?1", e);
	size_t cap = 0, cap2 = 0;
	int rc, oom = 0;

	memset(t, 0, sizeof *t);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ALLOC_GROW(t->code, t->n + 1, cap) < 0 || ALLOC_GROW(t->parent, t->n + 1, cap2) < 0) {
			oom = 1;
			break;
		}
		t->code[t->n] = strdup((const char *)sqlite3_column_text(st, 0));
		t->parent[t->n] = strdup((const char *)sqlite3_column_text(st, 1));
		t->n++;
		oom |= !t->code[t->n - 1] || !t->parent[t->n - 1];
	}
	sqlite3_finalize(st);
	if (oom)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the themes", e);
}

static const char *tree_parent(const struct theme_tree *t, const char *code)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->code[i], code))
			return t->parent[i];
	return NULL;
}

/* Whether `code` has an ancestor among the `n` codes of `in`. */
static int under_one_of(const struct theme_tree *t, const char *code, char *const *in, size_t n)
{
	size_t depth = 0;

	for (const char *p = tree_parent(t, code); p && *p && depth <= t->n;
	     p = tree_parent(t, p), depth++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(in[j], p))
				return 1;
	return 0;
}

static int frame_make(sqlite3 *db, long long ex, const struct crosswalk *cw, struct frame *f,
		      struct err *e)
{
	struct theme_tree tree;
	size_t cap = 0, cap2 = 0;
	int rc = -1;

	memset(f, 0, sizeof *f);
	if (tree_load(db, ex, &tree, e) < 0)
		goto out;
	if (!(f->row = calloc(cw->ncats + 1, sizeof *f->row))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < cw->ncats; k++) {
		const struct crosswalk_category *cat = &cw->cats[k];
		char **keep = calloc(cat->nthemes + 1, sizeof *keep);
		size_t n = 0, len = 1;
		int known = 1;

		if (!keep) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		for (size_t j = 0; j < cat->nthemes; j++) {
			if (!tree_parent(&tree, cat->themes[j])) {
				err_set(e, EXIT_DATA, "%s:%ld: category '%s' names theme '%s', which "
					"the rule set does not have", cw->path, cat->line, cat->code,
					cat->themes[j]);
				known = 0;
			} else if (!under_one_of(&tree, cat->themes[j], cat->themes, cat->nthemes)) {
				keep[n++] = cat->themes[j];
				len += strlen(cat->themes[j]) + 1;
			}
		}
		if (!known || !n) {
			free(keep);
			continue;
		}
		qsort(keep, n, sizeof *keep, cmp_str);
		if (!(f->row[k] = malloc(len))) {
			free(keep);
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		f->row[k][0] = '\0';
		for (size_t j = 0; j < n; j++) {
			if (j)
				strcat(f->row[k], "+");
			strcat(f->row[k], keep[j]);
		}
		if (n == 1) {
			free(keep);
			continue;
		}
		for (size_t g = 0; g < f->nmg && keep; g++)
			if (!strcmp(f->mg[g].code, f->row[k])) {
				free(keep);
				keep = NULL;
			}
		if (!keep)
			continue;
		if (ALLOC_GROW(f->mg, f->nmg + 1, cap) < 0 ||
		    ALLOC_GROW(f->mg_themes, f->nmg + 1, cap2) < 0) {
			free(keep);
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		f->mg_themes[f->nmg] = keep;
		f->mg[f->nmg] = (struct count_merge){ .code = f->row[k], .label = cat->label,
						      .themes = (const char *const *)keep,
						      .nthemes = n };
		f->nmg++;
	}
	rc = err_isset(e) ? -1 : 0;
out:
	tree_release(&tree);
	return rc;
}

/* Publishes cube `c` (freed here) as the export's next table. 0, or -1 with `e` set. */
static int add_table(struct export *x, struct count_cube *c, const struct export_options *opt,
		     struct err *e)
{
	struct count_output o = { .format = COUNT_CSV, .max_depth = opt->level, .suppress = &opt->rule,
				  .ledger = opt->ledger };
	struct xtable *t;
	int rc;

	if (ALLOC_GROW(x->tables, x->ntables + 1, x->tables_alloc) < 0) {
		count_cube_free(c);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	t = x->tables + x->ntables++;
	memset(t, 0, sizeof *t);
	t->dim = strdup(c->dim[0].name);
	t->dim_title = strdup(c->dim[0].title);
	{
		const char *by = opt->crosswalk ? opt->crosswalk->h_table : "Theme by";

		if ((t->title = malloc(strlen(c->dim[0].name) + strlen(by) + 2)))
			sprintf(t->title, "%s %s", by, c->dim[0].name);
	}
	{
		struct add_arg a = { t, c };

		rc = counts_each(c, &o, add_cell, &a, e);
	}
	count_cube_free(c);
	progress_ticker_step(opt->tick);
	if (rc > 0 || !t->dim || !t->dim_title || !t->title)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc;
}

/* What the notes say: where the numbers come from and how they were protected. */
static int gather_notes(sqlite3 *db, long long ex, struct export *x,
			const struct export_options *opt, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT x.title, x.code, coalesce(x.organisation, ''), x.opens, x.closes, "
		"s.file_name, s.sha256, "
		"d.first, d.last, d.n "
		"FROM exercise x JOIN ruleset s ON s.exercise_id = x.id, "
		/* One read of the covering index response_counts (0031), not three of the rows. */
		"(SELECT min(substr(submitted_at, 1, 10)) AS first, "
		" max(substr(submitted_at, 1, 10)) AS last, count(*) AS n FROM response r "
		" WHERE r.exercise_id = ?1 AND (entry_status = 'accepted' OR entry_status = 'verified')) d "
		"WHERE x.id = ?1", e);
	const struct sdc_rule *r = &opt->rule;
	int bad = 0, decisions = 0;

	if (!st)
		return -1;
	if (!opt->rules_only && review_any_decision(db, &decisions, e) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, ex);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(db, "reading the exercise", e);
	}
#define TXT(i) ((const char *)sqlite3_column_text(st, (i)) ? (const char *)sqlite3_column_text(st, (i)) : "")
	bad |= add_note(x, "Exercise", "%s (%s)", TXT(0), TXT(1));
	if (*TXT(2))
		bad |= add_note(x, "Organisation", "%s", TXT(2));
	bad |= add_note(x, "Exercise dates", "%s to %s", TXT(3), TXT(4));
	if (*TXT(7))
		bad |= add_note(x, "Responses dated", "%s to %s (where the survey tool or form gave a date)",
				TXT(7), TXT(8));
	if (r->threshold > 1 && sqlite3_column_int64(st, 9) < r->threshold)
		bad |= add_note(x, "Respondents counted", "fewer than %ld", r->threshold);
	else
		bad |= add_note(x, "Respondents counted", "%ld%s. Forms waiting for a second "
				"officer's entry or with differences to resolve are not counted.",
				sdc_round((long)sqlite3_column_int64(st, 9), r),
				r->rounding > 1 ? ", rounded like the tables" : "");
	bad |= add_note(x, "What is counted", "Each cell is the number of respondents who "
			"mentioned the theme in any free-text answer, counted once however many "
			"answers mention it. A sub-theme counts toward its parent theme. \"All\" and "
			"\"Any theme\" count respondents too, so they are not sums of the cells.");
	if (r->threshold > 1)
		bad |= add_note(x, "Disclosure control", "Counts from 1 to %ld are shown as *. %s "
				"Zero is shown as 0. %s",
				r->threshold - 1,
				r->rounding > 1 ? "Other counts are rounded to the nearest multiple of the "
				"rounding base given below." : "Other counts are exact.",
				r->secondary ? "Secondary suppression: further cells are also shown as * "
				"so that no hidden count can be worked out from the row and column "
				"totals (or from the Respondents row and its total)." :
				"No secondary suppression.");
	else
		bad |= add_note(x, "Disclosure control", "None: counts are exact. Not for publication.");
	bad |= add_note(x, "Threshold", "%ld", r->threshold);
	bad |= add_note(x, "Rounding base", "%ld", r->rounding);
	bad |= add_note(x, "Secondary suppression", "%s", r->secondary ? "yes" : "no");
	bad |= add_note(x, "Percentages", "Worked out from the published (rounded) numbers.");
	bad |= add_note(x, "Rule set", "%s, version (SHA-256) %s", TXT(5), TXT(6));
	if (decisions)
		bad |= add_note(x, "Tags counted", "The rule set's tags with the reviewers' "
				"decisions: a tag a reviewer removed is not counted, a theme a reviewer "
				"added is.");
	else
		bad |= add_note(x, "Tags counted", "The rule set's tags alone%s.", opt->rules_only ?
				" (reviewers' decisions left out as asked)" : ": no reviewer has "
				"changed any");
	if (opt->crosswalk && opt->crosswalk->ncats)
		bad |= add_note(x, "Theme frame", "%s%s%s, crosswalk %s: each category counts the "
				"respondents who mentioned the theme of the rule set it names, sub-themes "
				"included, with that theme's disclosure control; a category of several "
				"themes counts each respondent who mentioned any of them once, under the "
				"same disclosure control as every other number.",
				opt->crosswalk->recipient, opt->crosswalk->title ? ": " : "",
				opt->crosswalk->title ? opt->crosswalk->title : "",
				file_base(opt->crosswalk->path));
	bad |= add_note(x, "Produced by", "Tally analyser %s%s%s", TALLY_VERSION,
			opt->stamp ? " on " : "", opt->stamp ? opt->stamp : "");
#undef TXT
	sqlite3_finalize(st);
	if (bad)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return 0;
}

/* ---- XLSX ---- */

/* Whether `name` is among the first `n` of `used`, as Excel compares: without case. */
static int sheet_used(char (*used)[LXW_MAX_SHEETNAME_LENGTH], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(used[i], name))
			return 1;
	return 0;
}

/*
 * A sheet name for `title` into `out`: at most 31 characters (cut on a
 * character boundary), none of []:*?/\ nor a quote mark at either end, and
 * unlike every name in `used` (two demographic codes may share their first
 * 22 characters): " (2)", " (3)"... make it so.
 */
void export_sheet_name(const char *title, char (*used)[LXW_MAX_SHEETNAME_LENGTH], size_t nused,
		       char *out)
{
	char base[LXW_MAX_SHEETNAME_LENGTH];
	size_t len = 0, chars = 0, cut[LXW_SHEETNAME_MAX + 1] = { 0 };

	for (const char *p = title; *p && chars < LXW_SHEETNAME_MAX; chars++) {
		size_t n = 1;

		while ((p[n] & 0xC0) == 0x80)
			n++;
		if (len + n >= sizeof base)
			break;
		memcpy(base + len, p, n);
		if (n == 1 && strchr("[]:*?/\\", *p))
			base[len] = '-';
		len += n;
		p += n;
		cut[chars + 1] = len;
	}
	base[len] = '\0';
	if (len && base[0] == '\'')
		base[0] = '-';
	if (len && base[len - 1] == '\'')
		base[len - 1] = '-';
	strcpy(out, base);
	for (int k = 2; sheet_used(used, nused, out) && k < 10000; k++) {
		char suffix[16];
		size_t keep = chars;

		snprintf(suffix, sizeof suffix, " (%d)", k);
		if (keep + strlen(suffix) > LXW_SHEETNAME_MAX)
			keep = LXW_SHEETNAME_MAX - strlen(suffix);
		snprintf(out, LXW_MAX_SHEETNAME_LENGTH, "%.*s%s", (int)cut[keep], base, suffix);
	}
}

static int write_xlsx(const struct export *x, const struct crosswalk *cw, const char *path,
		      time_t created, struct err *e)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_doc_properties props = { 0 };
	lxw_format *bold, *wrap;
	lxw_error rc = LXW_NO_ERROR;
	char (*used)[LXW_MAX_SHEETNAME_LENGTH]; /* sheet names so far, "Notes" last */
	const char *bad_sheet = NULL;

	if (!wb)
		return err_set(e, EXIT_SYSTEM, "cannot create %s", path);
	props.title = "Theme counts for Healthwatch";
	props.comments = "Disclosure control applied: see the Notes sheet.";
	props.created = created; /* fixed, so the same data gives the same file */
	workbook_set_properties(wb, &props);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

	if (!(used = calloc(x->ntables + 1, sizeof *used))) {
		workbook_close(wb);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	strcpy(used[x->ntables], "Notes");
	for (size_t i = 0; i < x->ntables && rc == LXW_NO_ERROR; i++) {
		const struct xtable *t = &x->tables[i];
		lxw_worksheet *ws;
		size_t nrows = t->ncols ? t->ncells / t->ncols : 0;

		export_sheet_name(t->title, used, i, used[i]);
		if (sheet_used(used + x->ntables, 1, used[i]))
			export_sheet_name(t->title, used, i + 1, used[i]);
		if (!(ws = workbook_add_worksheet(wb, used[i]))) {
			/* Say why libxlsxwriter refused the name, not "malloc failed". */
			rc = workbook_validate_sheet_name(wb, used[i]);
			bad_sheet = used[i];
			if (rc == LXW_NO_ERROR)
				rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
			break;
		}
		worksheet_write_string(ws, 0, 0, t->title, bold);
		worksheet_write_string(ws, 1, 0, "Respondents mentioning each theme. * = hidden "
				       "by disclosure control (see Notes).", NULL);
		worksheet_write_string(ws, 3, 0, cw ? cw->h_code : "Theme code", bold);
		worksheet_write_string(ws, 3, 1, cw ? cw->h_label : "Theme", bold);
		worksheet_set_column(ws, 0, 0, 18, NULL);
		worksheet_set_column(ws, 1, 1, 36, NULL);
		worksheet_set_column(ws, 2, (lxw_col_t)(t->ncols + 1), 14, NULL);
		for (size_t j = 0; j < t->ncols; j++)
			worksheet_write_string(ws, 3, (lxw_col_t)(j + 2), t->cells[j].label, bold);
		for (size_t r = 0; r < nrows; r++) {
			const struct xcell *row = &t->cells[r * t->ncols];

			worksheet_write_string(ws, (lxw_row_t)(r + 4), 0, row->theme, NULL);
			worksheet_write_string(ws, (lxw_row_t)(r + 4), 1, row->theme_label, NULL);
			for (size_t j = 0; j < t->ncols; j++) {
				if (row[j].count >= 0)
					worksheet_write_number(ws, (lxw_row_t)(r + 4), (lxw_col_t)(j + 2),
							       (double)row[j].count, NULL);
				else
					worksheet_write_string(ws, (lxw_row_t)(r + 4), (lxw_col_t)(j + 2),
							       "*", NULL);
			}
		}
		/* The denominators, the same on every row of the table. */
		worksheet_write_string(ws, (lxw_row_t)(nrows + 4), 1,
				       cw ? cw->h_respondents : "Respondents", bold);
		for (size_t j = 0; j < t->ncols && nrows; j++) {
			const struct xcell *c = &t->cells[j];

			if (c->respondents >= 0)
				worksheet_write_number(ws, (lxw_row_t)(nrows + 4), (lxw_col_t)(j + 2),
						       (double)c->respondents, NULL);
			else
				worksheet_write_string(ws, (lxw_row_t)(nrows + 4), (lxw_col_t)(j + 2),
						       "*", NULL);
		}
		worksheet_freeze_panes(ws, 4, 2);
	}
	if (rc == LXW_NO_ERROR) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, "Notes");

		if (!ws) {
			rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
		} else {
			worksheet_set_column(ws, 0, 0, 24, NULL);
			worksheet_set_column(ws, 1, 1, 100, wrap);
			worksheet_write_string(ws, 0, 0, "Notes", bold);
			for (size_t i = 0; i < x->nnotes; i++) {
				worksheet_write_string(ws, (lxw_row_t)(i + 2), 0, x->notes[i].key, bold);
				worksheet_write_string(ws, (lxw_row_t)(i + 2), 1, x->notes[i].value, wrap);
			}
		}
	}
	if (rc != LXW_NO_ERROR) {
		workbook_close(wb);
		if (bad_sheet)
			err_set(e, EXIT_SYSTEM, "cannot write %s: sheet '%s' refused: %s", path,
				bad_sheet, lxw_strerror(rc));
		else
			err_set(e, EXIT_SYSTEM, "cannot write %s: %s", path, lxw_strerror(rc));
		free(used);
		return -1;
	}
	free(used);
	if ((rc = workbook_close(wb)) != LXW_NO_ERROR)
		return err_set(e, EXIT_SYSTEM, "cannot write %s: %s", path, lxw_strerror(rc));
	return 0;
}

/* ---- CSV and XML ---- */

static void csv_number(FILE *out, long v)
{
	if (v >= 0)
		fprintf(out, "%ld", v);
	else
		fputc('*', out);
}

static void write_csv(const struct export *x, FILE *out)
{
	fputs("table,dimension,theme,theme_label,level,value,value_label,"
	      "respondents_mentioning,respondents,percent\n", out);
	for (size_t i = 0; i < x->ntables; i++) {
		const struct xtable *t = &x->tables[i];

		for (size_t k = 0; k < t->ncells; k++) {
			const struct xcell *c = &t->cells[k];

			csv_write_field(out, t->title);
			fputc(',', out);
			csv_write_field(out, t->dim);
			fputc(',', out);
			csv_write_field(out, c->theme);
			fputc(',', out);
			csv_write_field(out, c->theme_label);
			fprintf(out, ",%d,", c->level);
			csv_write_field(out, c->code);
			fputc(',', out);
			csv_write_field(out, c->label);
			fputc(',', out);
			csv_number(out, c->count);
			fputc(',', out);
			csv_number(out, c->respondents);
			if (c->percent >= 0)
				fprintf(out, ",%.1f\n", c->percent);
			else
				fputs(c->count >= 0 && c->respondents == 0 ? ",\n" : ",*\n", out);
		}
	}
	/* The notes travel with the numbers: table "Notes", the key as the theme label. */
	for (size_t i = 0; i < x->nnotes; i++) {
		fputs("Notes,,,", out);
		csv_write_field(out, x->notes[i].key);
		fputs(",,,", out);
		csv_write_field(out, x->notes[i].value);
		fputs(",,,\n", out);
	}
}

static void xml_attr(FILE *out, const char *name, const char *s)
{
	fprintf(out, " %s=\"", name);
	xml_write_escaped(out, s);
	fputc('"', out);
}

static void write_xml(const struct export *x, FILE *out)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<healthwatch-export>\n  <notes>\n", out);
	for (size_t i = 0; i < x->nnotes; i++) {
		fputs("    <note", out);
		xml_attr(out, "name", x->notes[i].key);
		fputc('>', out);
		xml_write_escaped(out, x->notes[i].value);
		fputs("</note>\n", out);
	}
	fputs("  </notes>\n", out);
	for (size_t i = 0; i < x->ntables; i++) {
		const struct xtable *t = &x->tables[i];

		fputs("  <table", out);
		xml_attr(out, "title", t->title);
		xml_attr(out, "dimension", t->dim);
		xml_attr(out, "dimension-title", t->dim_title);
		fputs(">\n", out);
		for (size_t k = 0; k < t->ncells; k++) {
			const struct xcell *c = &t->cells[k];
			char n[32];

			fputs("    <cell", out);
			xml_attr(out, "theme", c->theme);
			xml_attr(out, "theme-label", c->theme_label);
			fprintf(out, " level=\"%d\"", c->level);
			xml_attr(out, "value", c->code);
			xml_attr(out, "value-label", c->label);
			snprintf(n, sizeof n, "%ld", c->count);
			xml_attr(out, "count", c->count >= 0 ? n : "*");
			snprintf(n, sizeof n, "%ld", c->respondents);
			xml_attr(out, "respondents", c->respondents >= 0 ? n : "*");
			if (c->percent >= 0)
				fprintf(out, " percent=\"%.1f\"", c->percent);
			fputs("/>\n", out);
		}
		fputs("  </table>\n", out);
	}
	fputs("</healthwatch-export>\n", out);
}

enum export_format export_format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && !strcasecmp(dot, ".xlsx"))
		return EXPORT_XLSX;
	if (dot && !strcasecmp(dot, ".csv"))
		return EXPORT_CSV;
	if (dot && !strcasecmp(dot, ".xml"))
		return EXPORT_XML;
	return EXPORT_UNKNOWN;
}

/*
 * The tables laid onto the crosswalk's frame: for each category, in its
 * order, the row of the theme it names, relabelled; then the "any theme"
 * row. Cells are moved, not counted again: each keeps the disclosure
 * control its theme's cell had.
 */
static int apply_crosswalk(struct export *x, const struct export_options *opt,
			   const struct frame *f, struct err *e)
{
	const struct crosswalk *cw = opt->crosswalk;

	for (size_t i = 0; i < x->ntables; i++) {
		struct xtable *t = &x->tables[i];
		size_t nrows = t->ncols ? t->ncells / t->ncols : 0, n = 0;
		struct xcell *cells;
		int oom = 0;

		if (cw->ncats == 0) {
			/* Every theme as it is; only the recipient's word for "any theme". */
			for (size_t k = 0; k < t->ncells; k++)
				if (!strcmp(t->cells[k].theme, "(any)")) {
					free(t->cells[k].theme_label);
					if (!(t->cells[k].theme_label = strdup(cw->h_any)))
						return err_set(e, EXIT_SYSTEM, "out of memory");
				}
			continue;
		}
		if (!(cells = calloc((cw->ncats + 1) * t->ncols, sizeof *cells)))
			return err_set(e, EXIT_SYSTEM, "out of memory");
		for (size_t k = 0; k <= cw->ncats; k++) {
			const char *theme = k < cw->ncats ? f->row[k] : "(any)";
			size_t r = 0;

			while (r < nrows && strcmp(t->cells[r * t->ncols].theme, theme))
				r++;
			if (r == nrows) {
				if (opt->level)
					err_set(e, EXIT_DATA, "%s:%ld: category '%s' names theme '%s', which "
						"the rule set does not have down to --level %d", cw->path,
						cw->cats[k].line, cw->cats[k].code, theme, opt->level);
				else
					err_set(e, EXIT_DATA, "%s:%ld: category '%s' names theme '%s', which "
						"the rule set does not have", cw->path, cw->cats[k].line,
						cw->cats[k].code, theme);
				continue;
			}
			for (size_t j = 0; j < t->ncols; j++) {
				const struct xcell *from = &t->cells[r * t->ncols + j];
				struct xcell *to = &cells[n++];

				*to = *from;
				to->theme = strdup(k < cw->ncats ? cw->cats[k].code : from->theme);
				to->theme_label = strdup(k < cw->ncats ? cw->cats[k].label : cw->h_any);
				to->parent = strdup("");
				to->code = strdup(from->code);
				to->label = strdup(from->label);
				if (k < cw->ncats)
					to->level = 1;
				oom |= !to->theme || !to->theme_label || !to->parent || !to->code || !to->label;
			}
		}
		for (size_t k = 0; k < t->ncells; k++) {
			free(t->cells[k].theme);
			free(t->cells[k].theme_label);
			free(t->cells[k].parent);
			free(t->cells[k].code);
			free(t->cells[k].label);
		}
		free(t->cells);
		t->cells = cells;
		t->ncells = n;
		if (oom)
			return err_set(e, EXIT_SYSTEM, "out of memory");
		if (err_isset(e))
			return -1;
	}
	return 0;
}

int export_gather(sqlite3 *db, long long ex, const struct export_options *opt, struct export *x,
		  struct err *e)
{
	sqlite3_stmt *st;
	struct frame f = { 0 };
	size_t ncats = opt->crosswalk ? opt->crosswalk->ncats : 0;
	int rc = 0;

	if (ncats && frame_make(db, ex, opt->crosswalk, &f, e) < 0) {
		frame_release(&f, ncats);
		return -1;
	}
	/* By district, by channel, by each demographic question of the standard form in form order. */
	if (!(st = db_prepare(db, "SELECT q.code FROM question q JOIN questionnaire n "
				  "ON n.id = q.questionnaire_id WHERE n.exercise_id = ?1 "
				  "AND n.variant = 'standard' AND q.type = 'demographic' "
				  "ORDER BY q.position", e))) {
		frame_release(&f, ncats);
		return -1;
	}
	sqlite3_bind_int64(st, 1, ex);
	{
		char **dims = NULL;
		struct count_cube **cubes = NULL;
		size_t n = 2, cap = 0;

		if (ALLOC_GROW(dims, n, cap) < 0)
			n = 0;
		else
			dims[0] = dims[1] = NULL;
		if (!dims || !(dims[0] = strdup("district")) || !(dims[1] = strdup("channel")))
			err_set(e, EXIT_SYSTEM, "out of memory");
		while (!e->code && (rc = sqlite3_step(st)) == SQLITE_ROW)
			if (ALLOC_GROW(dims, n + 1, cap) < 0 ||
			    !(dims[n++] = strdup((const char *)sqlite3_column_text(st, 0))))
				err_set(e, EXIT_SYSTEM, "out of memory");
		sqlite3_finalize(st);
		if (!e->code && rc != SQLITE_DONE)
			db_fail(db, "reading the demographic questions", e);
		/* Every table's cube from one reading of the tags and responses. */
		if (!e->code && !(cubes = calloc(n, sizeof *cubes)))
			err_set(e, EXIT_SYSTEM, "out of memory");
		if (!e->code)
			counts_build_many(db, ex, (const char *const *)dims, n,
					  &(struct count_build_opts){ .rules_only = opt->rules_only,
								      .merges = f.mg,
								      .nmerges = f.nmg },
					  cubes, e);
		/* Published in order: the ledger sees them as it always did. */
		for (size_t k = 0; cubes && k < n; k++) {
			if (!e->code)
				add_table(x, cubes[k], opt, e);
			else
				count_cube_free(cubes[k]);
		}
		for (size_t k = 0; dims && k < n; k++)
			free(dims[k]);
		free(dims);
		free(cubes);
	}
	if (!e->code && opt->crosswalk)
		apply_crosswalk(x, opt, &f, e);
	frame_release(&f, ncats);
	if (e->code)
		return -1;
	if (gather_notes(db, ex, x, opt, e) < 0)
		return -1;
	return export_created(db, ex, &x->created, e);
}

int export_created(sqlite3 *db, long long ex, time_t *created, struct err *e)
{
	long long closes = 0;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char id[32], *end;

	snprintf(id, sizeof id, "%lld", ex);
	if (db_int(db, "SELECT coalesce(CAST(strftime('%s', closes) AS INTEGER), 0) FROM exercise WHERE id = ?1",
		   0, &closes, e, 1, id) < 0)
		return -1;
	if (closes <= 0 && epoch && *epoch) {
		closes = strtoll(epoch, &end, 10);
		if (*end || closes < 0)
			closes = 0;
	}
	/* libxlsxwriter reads 0 as now: the second after the epoch instead. */
	*created = (time_t)(closes > 0 ? closes : 1);
	return 0;
}

static void write_dict(FILE *out, const void *arg)
{
	dict_write_csv(arg, 1, out);
}

/*
 * "a; b; c" into `sb`: the table titles (what 0), every table's column
 * labels (1) or the themes (2), each once, in order.
 */
static int listed(const struct export *x, int what, struct strbuf *sb)
{
	const char **seen = NULL;
	size_t nseen = 0, seen_alloc = 0;
	int rc = 0;

	for (size_t i = 0; i < x->ntables && !rc; i++) {
		const struct xtable *t = &x->tables[i];
		size_t n = what == 0 ? 1 : what == 1 ? t->ncols : t->ncells;

		for (size_t k = 0; k < n && !rc; k += what == 2 && t->ncols ? t->ncols : 1) {
			const char *v = what == 0 ? t->title : what == 1 ? t->cells[k].label :
					t->cells[k].theme;
			size_t j = 0;

			while (j < nseen && strcmp(seen[j], v))
				j++;
			if (j < nseen)
				continue;
			if (ALLOC_GROW(seen, nseen + 1, seen_alloc) < 0) {
				rc = -1;
				break;
			}
			seen[nseen++] = v;
			rc = (sb->len ? strbuf_addstr(sb, "; ") : 0) | strbuf_addstr(sb, v);
		}
	}
	free(seen);
	return rc ? -1 : 0;
}

/*
 * The dictionary beside the Healthwatch layout: the CSV's columns, the
 * XML's attributes, or the workbook's columns and rows.
 */
static int hw_dictionary(const struct export *x, const char *path, enum export_format f,
			 struct err *e)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct dict d = { .file = base };
	struct strbuf tables, values, themes;
	int xml = f == EXPORT_XML, bad;
	const char *hidden = "a whole number after disclosure control, or * when hidden";

	strbuf_init(&tables);
	strbuf_init(&values);
	strbuf_init(&themes);
	bad = listed(x, 0, &tables) | listed(x, 2, &themes);
	if (f == EXPORT_XLSX) {
		bad = bad || listed(x, 1, &values) ||
			dict_add(&d, "(sheets)", "text", "One sheet per table, named by its title; "
				 "a title and a note above the table, its header on row 4.", tables.buf) ||
			dict_add(&d, "Theme code", "text", "The theme's code in the rule set (or the "
				 "crosswalk's category); (any) for respondents mentioning any theme.",
				 themes.buf) ||
			dict_add(&d, "Theme", "text", "The theme's label.", "") ||
			dict_add(&d, "(one column per value)", "integer", "Respondents mentioning the "
				 "theme, per value of the table's dimension (district, channel, option); "
				 "All is the total over every value, which counts respondents and is not "
				 "a sum.", values.buf) ||
			dict_add(&d, "Respondents (last row)", "integer", "Respondents with each value: "
				 "the denominators.", hidden) ||
			dict_add(&d, "Notes (sheet)", "text", "How the numbers were made and protected.",
				 "");
	} else {
		bad = bad ||
			dict_add(&d, xml ? "title" : "table", "text", xml ? "The table's title." :
				 "The table's title; Notes for the notes, which follow the tables "
				 "(the note's name in theme_label, its text in value_label).", tables.buf) ||
			dict_add(&d, "dimension", "text", "What the respondents are split by: district, "
				 "channel or a demographic question's code.", "") ||
			(xml && dict_add(&d, "dimension-title", "text", "The dimension's name.", "")) ||
			dict_add(&d, "theme", "text", "The theme's code (or the crosswalk's category); "
				 "(any) for respondents mentioning any theme.", themes.buf) ||
			dict_add(&d, xml ? "theme-label" : "theme_label", "text", "The theme's label.", "") ||
			dict_add(&d, "level", "integer", "1 for a theme, 2 for a sub-theme, 0 for (any).",
				 "0, 1, 2") ||
			dict_add(&d, "value", "text", "The dimension's value: ONS district code, channel, "
				 "option code; (all) for the total over every value.", "") ||
			dict_add(&d, xml ? "value-label" : "value_label", "text", "The value's name; All "
				 "for the total.", "") ||
			dict_add(&d, xml ? "count" : "respondents_mentioning", "integer", "Respondents "
				 "who mentioned the theme, each once. Totals count respondents, so they "
				 "are not sums.", hidden) ||
			dict_add(&d, "respondents", "integer", "Respondents with this value: the "
				 "denominator.", hidden) ||
			dict_add(&d, "percent", "number", "Of the published numbers, one decimal.",
				 xml ? "0 to 100; absent when there is none" :
				       "0 to 100; * when a number is hidden; empty when there are no "
				       "respondents");
	}
	strbuf_release(&tables);
	strbuf_release(&values);
	strbuf_release(&themes);
	if (bad) {
		dict_free(&d);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	bad = export_csv_beside(path, "dictionary", write_dict, &d, e);
	dict_free(&d);
	return bad;
}

int export_healthwatch(sqlite3 *db, long long ex, const char *path,
		       const struct export_options *opt, struct err *e)
{
	struct export x = { 0 };
	struct out_file of;

	if (export_gather(db, ex, opt, &x, e) < 0)
		goto fail;
	if (out_open(&of, path, e) < 0)
		goto fail;
	switch (opt->format) {
	case EXPORT_XLSX:
		/* libxlsxwriter writes by name: into the private temporary file. */
		if (write_xlsx(&x, opt->crosswalk, of.tmp, x.created, e) < 0) {
			out_abandon(&of);
			goto fail;
		}
		break;
	case EXPORT_CSV:
		write_csv(&x, of.f);
		break;
	case EXPORT_XML:
		write_xml(&x, of.f);
		break;
	case EXPORT_UNKNOWN:
		out_abandon(&of);
		err_set(e, EXIT_USAGE, "%s: give the export a name ending .xlsx, .csv or .xml", path);
		goto fail;
	}
	if (out_commit(&of, e) < 0)
		goto fail;
	if (hw_dictionary(&x, path, opt->format, e) < 0) {
		export_remove(path, 0);
		goto fail;
	}
	export_free(&x);
	return 0;
fail:
	export_free(&x);
	return -1;
}

char *export_beside(const char *path, const char *what)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dot = strrchr(base, '.');
	/* ".csv" goes; another ending stays, so that out.xlsx and out.csv in one
	   folder each keep their own. */
	size_t stem = dot && dot > base && !strcasecmp(dot, ".csv") ? (size_t)(dot - path)
								     : strlen(path);
	char *out = malloc(stem + strlen(what) + 6);

	if (out)
		sprintf(out, "%.*s.%s.csv", (int)stem, path, what);
	return out;
}
