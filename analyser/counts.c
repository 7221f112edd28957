#include "counts.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

static void *xcalloc(size_t n, size_t size, int *oom)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		*oom = 1;
	return p;
}

static char *xstrdup(const char *s, int *oom)
{
	char *d = strdup(s ? s : "");

	if (!d)
		*oom = 1;
	return d;
}

void count_table_free(struct count_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		free(t->row_code[i]);
		free(t->row_label[i]);
	}
	for (size_t j = 0; j < t->ncols; j++) {
		free(t->col_code[j]);
		free(t->col_label[j]);
	}
	free(t->row_code);
	free(t->row_label);
	free(t->row_depth);
	free(t->col_code);
	free(t->col_label);
	free(t->cells);
	free(t->row_total);
	free(t->col_any);
	free(t->col_base);
	free(t);
}

/* The responses that count, with their column ('' for not known). */
#define COUNTED \
	"SELECT r.id, coalesce(r.district_code, '') AS col FROM response r " \
	"WHERE r.exercise_id = ?1 AND (r.entry_status = 'accepted' OR r.entry_status = 'verified')"

/* Each tag's theme and every ancestor of it: a sub-theme counts toward its parent. */
#define CLOSURE \
	"WITH RECURSIVE up(theme_id, ancestor) AS (" \
	" SELECT h.id, h.id FROM theme h JOIN ruleset s ON s.id = h.ruleset_id " \
	" WHERE s.exercise_id = ?1 " \
	" UNION SELECT up.theme_id, h.parent_id FROM up JOIN theme h ON h.id = up.ancestor " \
	" WHERE h.parent_id IS NOT NULL), " \
	"counted AS (" COUNTED "), " \
	"mentions AS (SELECT DISTINCT c.id AS rid, c.col, up.ancestor AS theme FROM tag t " \
	" JOIN answer a ON a.id = t.answer_id JOIN counted c ON c.id = a.response_id " \
	" JOIN up ON up.theme_id = t.theme_id) "

static int col_index(const struct count_table *t, const char *code)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->col_code[j], code))
			return (int)j;
	return (int)t->ncols - 1; /* out of the exercise's districts: not known */
}

static int row_index(const struct count_table *t, const char *code)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->row_code[i], code))
			return (int)i;
	return -1;
}

struct count_table *counts_headline(sqlite3 *db, long long ex, int max_depth, struct err *e)
{
	struct count_table *t = calloc(1, sizeof *t);
	sqlite3_stmt *st = NULL;
	long long n = 0;
	int oom = 0, rc;

	if (!t) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	{
		char id[32];

		snprintf(id, sizeof id, "%lld", ex);
		if (db_int(db, "SELECT count(*) FROM ruleset WHERE exercise_id = ?1", 0, &n, e, 1, id) < 0)
			goto fail;
	}
	if (!n) {
		err_set(e, EXIT_USAGE, "nothing is tagged yet: run 'analyser tag DB RULES' first");
		goto fail;
	}
	/* Rows: themes in the rules file's order, children after their parent. */
	if (!(st = db_prepare(db,
		"WITH RECURSIVE tree(id, code, label, depth, path) AS ("
		" SELECT h.id, h.code, h.label, h.depth, printf('%06d', h.position) FROM theme h "
		" JOIN ruleset s ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 AND h.parent_id IS NULL "
		" UNION ALL SELECT h.id, h.code, h.label, h.depth, tree.path || printf('/%06d', h.position) "
		" FROM theme h JOIN tree ON h.parent_id = tree.id) "
		"SELECT code, label, depth FROM tree WHERE ?2 = 0 OR depth <= ?2 ORDER BY path", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_int(st, 2, max_depth);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = t->nrows;
		char **c = realloc(t->row_code, (i + 1) * sizeof *c);
		char **l = c ? realloc(t->row_label, (i + 1) * sizeof *l) : NULL;
		int *d = NULL;

		if (c)
			t->row_code = c;
		if (l)
			t->row_label = l;
		if (l && (d = realloc(t->row_depth, (i + 1) * sizeof *d)))
			t->row_depth = d;
		if (!c || !l || !d) {
			oom = 1;
			break;
		}
		t->row_code[i] = xstrdup((const char *)sqlite3_column_text(st, 0), &oom);
		t->row_label[i] = xstrdup((const char *)sqlite3_column_text(st, 1), &oom);
		t->row_depth[i] = sqlite3_column_int(st, 2);
		t->nrows++;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Columns: the exercise's districts in order, then "not known". */
	if (!(st = db_prepare(db, "SELECT d.code, d.name FROM exercise_district x JOIN district d "
				  "ON d.code = x.district_code WHERE x.exercise_id = ?1 "
				  "ORDER BY x.position", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, ex);
	t->col_code = xcalloc(32, sizeof *t->col_code, &oom);
	t->col_label = xcalloc(32, sizeof *t->col_label, &oom);
	while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW && t->ncols < 31) {
		t->col_code[t->ncols] = xstrdup((const char *)sqlite3_column_text(st, 0), &oom);
		t->col_label[t->ncols] = xstrdup((const char *)sqlite3_column_text(st, 1), &oom);
		t->ncols++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (oom)
		goto fail_oom;
	t->col_code[t->ncols] = xstrdup("", &oom);
	t->col_label[t->ncols] = xstrdup("Not known", &oom);
	t->ncols++;
	t->cells = xcalloc(t->nrows * t->ncols, sizeof *t->cells, &oom);
	t->row_total = xcalloc(t->nrows, sizeof *t->row_total, &oom);
	t->col_any = xcalloc(t->ncols, sizeof *t->col_any, &oom);
	t->col_base = xcalloc(t->ncols, sizeof *t->col_base, &oom);
	if (oom)
		goto fail_oom;

	/* Cells, then row totals, column "any theme" totals, and denominators. */
	static const char *const queries[] = {
		CLOSURE "SELECT h.code, m.col, count(*) FROM mentions m JOIN theme h ON h.id = m.theme "
			"GROUP BY 1, 2",
		CLOSURE "SELECT h.code, NULL, count(DISTINCT m.rid) FROM mentions m "
			"JOIN theme h ON h.id = m.theme GROUP BY 1",
		CLOSURE "SELECT NULL, m.col, count(DISTINCT m.rid) FROM mentions m GROUP BY 2",
		"WITH counted AS (" COUNTED ") SELECT NULL, col, count(*) FROM counted GROUP BY 2",
	};
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
		if (!(st = db_prepare(db, queries[q], e)))
			goto fail;
		sqlite3_bind_int64(st, 1, ex);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *theme = (const char *)sqlite3_column_text(st, 0);
			const char *col = (const char *)sqlite3_column_text(st, 1);
			long v = (long)sqlite3_column_int64(st, 2);
			int i = theme ? row_index(t, theme) : -1, j = col ? col_index(t, col) : -1;

			if (q == 0 && i >= 0)
				t->cells[(size_t)i * t->ncols + (size_t)j] += v;
			else if (q == 1 && i >= 0)
				t->row_total[i] = v;
			else if (q == 2)
				t->col_any[j] += v, t->any_total += v;
			else if (q == 3)
				t->col_base[j] += v, t->base_total += v;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_DONE) {
			db_fail(db, "counting", e);
			goto fail;
		}
	}
	return t;
fail_oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
fail:
	sqlite3_finalize(st);
	count_table_free(t);
	return NULL;
}

static void cell(char *buf, size_t cap, long v, long base, int percent)
{
	if (percent)
		snprintf(buf, cap, "%.1f%%", base ? 100.0 * (double)v / (double)base : 0.0);
	else
		snprintf(buf, cap, "%ld", v);
}

/* A column heading in lines of at most `w` characters, broken at spaces and hyphens. */
static int heading_line(const char *label, int line, int w, char *out)
{
	const char *p = label;

	for (int l = 0;; l++) {
		size_t len = strlen(p), cut = len;

		if ((int)len > w) {
			cut = 0;
			for (int k = w; k > 0; k--)
				if (p[k] == ' ' || p[k - 1] == '-') {
					cut = (size_t)k;
					break;
				}
			if (!cut)
				cut = (size_t)w;
		}
		if (l == line) {
			snprintf(out, (size_t)w + 1, "%.*s", (int)cut, p);
			return 1;
		}
		p += cut;
		while (*p == ' ')
			p++;
		if (!*p) {
			out[0] = '\0';
			return 0;
		}
	}
}

void counts_print_table(const struct count_table *t, int percent, FILE *out)
{
	enum { W = 11, L = 34 };
	char buf[64];

	for (int line = 0; line < 3; line++) {
		int any = 0;
		char h[W + 1];

		for (size_t j = 0; j < t->ncols; j++)
			any |= heading_line(t->col_label[j], line, W - 1, h);
		any |= heading_line("All", line, W - 1, h);
		if (!any && line > 0)
			break;
		fprintf(out, "%-*s", L, line == 0 ? "Theme" : "");
		for (size_t j = 0; j < t->ncols; j++) {
			heading_line(t->col_label[j], line, W - 1, h);
			fprintf(out, "%*s", W, h);
		}
		heading_line("All", line, W - 1, h);
		fprintf(out, "%*s\n", W, h);
	}
	for (size_t i = 0; i < t->nrows; i++) {
		char label[L + 8];

		snprintf(label, sizeof label, "%*s%.*s", (t->row_depth[i] - 1) * 2, "",
			 L - 1 - (t->row_depth[i] - 1) * 2, t->row_label[i]);
		fprintf(out, "%-*s", L, label);
		for (size_t j = 0; j < t->ncols; j++) {
			cell(buf, sizeof buf, t->cells[i * t->ncols + j], t->col_base[j], percent);
			fprintf(out, "%*s", W, buf);
		}
		cell(buf, sizeof buf, t->row_total[i], t->base_total, percent);
		fprintf(out, "%*s\n", W, buf);
	}
	fprintf(out, "%-*s", L, "Any theme");
	for (size_t j = 0; j < t->ncols; j++) {
		cell(buf, sizeof buf, t->col_any[j], t->col_base[j], percent);
		fprintf(out, "%*s", W, buf);
	}
	cell(buf, sizeof buf, t->any_total, t->base_total, percent);
	fprintf(out, "%*s\n", W, buf);
	fprintf(out, "%-*s", L, "Respondents");
	for (size_t j = 0; j < t->ncols; j++)
		fprintf(out, "%*ld", W, t->col_base[j]);
	fprintf(out, "%*ld\n", W, t->base_total);
}
