/*
 * eval.c: the rules against a hand-coded sample. The arithmetic first,
 * then reading the gold file and the tags, then the two report formats.
 */
#include "eval.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "redact.h"
#include "strbuf.h"
#include "rules.h"
#include "textout.h"
#include "trim.h"
#include "utf8.h"

/* ---- arithmetic ---------------------------------------------------------- */

void eval_scores(const struct eval_counts *c, struct eval_scores *s)
{
	double tp = (double)c->tp, fp = (double)c->fp, fn = (double)c->fn, tn = (double)c->tn;
	double n = tp + fp + fn + tn;

	s->precision = c->tp + c->fp > 0 ? tp / (tp + fp) : NAN;
	s->recall = c->tp + c->fn > 0 ? tp / (tp + fn) : NAN;
	if (isnan(s->precision) && isnan(s->recall)) {
		s->f1 = NAN;
	} else {
		double p = isnan(s->precision) ? 0 : s->precision;
		double r = isnan(s->recall) ? 0 : s->recall;

		s->f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
	}
	/*
	 * kappa = (po - pe) / (1 - pe) with po = (TP + TN) / N and
	 * pe = ((TP + FP)(TP + FN) + (FN + TN)(FP + TN)) / N^2; multiplied
	 * through by N^2, both terms are whole numbers, so "pe is 1" is an
	 * exact test rather than a floating-point comparison.
	 */
	{
		double expected = (tp + fp) * (tp + fn) + (fn + tn) * (fp + tn);
		double den = n * n - expected;

		s->kappa = n > 0 && den != 0 ? (n * (tp + tn) - expected) / den : NAN;
	}
}

void eval_micro(const struct eval_counts *c, size_t n, struct eval_scores *s)
{
	struct eval_counts sum = { 0, 0, 0, 0 };

	for (size_t i = 0; i < n; i++) {
		sum.tp += c[i].tp;
		sum.fp += c[i].fp;
		sum.fn += c[i].fn;
		sum.tn += c[i].tn;
	}
	eval_scores(&sum, s);
	s->kappa = NAN;
}

static double or_zero(double v)
{
	return isnan(v) ? 0 : v;
}

void eval_macro(const struct eval_counts *c, size_t n, struct eval_scores *s)
{
	double p = 0, r = 0, f = 0, k = 0;

	if (!n) {
		s->precision = s->recall = s->f1 = s->kappa = NAN;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct eval_scores one;

		eval_scores(&c[i], &one);
		p += or_zero(one.precision);
		r += or_zero(one.recall);
		f += or_zero(one.f1);
		k += or_zero(one.kappa);
	}
	s->precision = p / (double)n;
	s->recall = r / (double)n;
	s->f1 = f / (double)n;
	s->kappa = k / (double)n;
}

/* ---- the evaluation ------------------------------------------------------ */

void eval_free(struct evaluation *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nthemes; i++) {
		free(ev->themes[i].code);
		free(ev->themes[i].label);
	}
	for (size_t i = 0; i < ev->nresponses; i++)
		free(ev->responses[i].name);
	for (size_t i = 0; i < ev->ndisagreements; i++) {
		free(ev->disagreements[i].rule);
		free(ev->disagreements[i].question);
		free(ev->disagreements[i].words);
	}
	free(ev->themes);
	free(ev->responses);
	free(ev->disagreements);
	free(ev->gold_name);
	free(ev->ruleset_sha256);
	free(ev->ruleset_file);
	free(ev);
}

/* True when the theme is shown: the coder or the rules found it at least once. */
static int eval_theme_listed(const struct eval_theme *t)
{
	return t->n.tp + t->n.fp + t->n.fn > 0;
}

static int in_scope(const struct evaluation *ev, const struct eval_theme *t)
{
	return ev->max_depth == 0 || t->depth <= ev->max_depth;
}

static char *dup_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return strdup(s ? s : "");
}

/* The current rule set and its themes, in the counts' order. */
static int load_themes(sqlite3 *db, long long ex, struct evaluation *ev, struct err *e)
{
	sqlite3_stmt *st;
	long long *parent_ids = NULL;
	size_t parent_alloc = 0;
	int rc;

	if (!(st = db_prepare(db, "SELECT sha256, file_name FROM ruleset WHERE exercise_id = ?1",
			      e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ev->ruleset_sha256 = dup_text(st, 0);
		ev->ruleset_file = dup_text(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return err_set(e, EXIT_USAGE,
			       "nothing is tagged yet: run 'analyser tag DB RULES' first");
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading the rule set", e);
	if (!ev->ruleset_sha256 || !ev->ruleset_file)
		return err_set(e, EXIT_SYSTEM, "out of memory");

	/* Themes in the rules file's order, children after their parent. */
	if (!(st = db_prepare(db,
		"WITH RECURSIVE tree(id, parent_id, code, label, depth, path) AS ("
		" SELECT h.id, h.parent_id, h.code, h.label, h.depth, printf('%06d', h.position) "
		" FROM theme h JOIN ruleset s ON s.id = h.ruleset_id "
		" WHERE s.exercise_id = ?1 AND h.parent_id IS NULL "
		" UNION ALL SELECT h.id, h.parent_id, h.code, h.label, h.depth, "
		" tree.path || printf('/%06d', h.position) FROM theme h JOIN tree ON h.parent_id = tree.id) "
		"SELECT id, parent_id, code, label, depth FROM tree ORDER BY path", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = ev->nthemes;
		struct eval_theme *t;

		if (ALLOC_GROW(ev->themes, i + 1, ev->themes_alloc) < 0 ||
		    ALLOC_GROW(parent_ids, i + 1, parent_alloc) < 0)
			goto oom;
		t = &ev->themes[i];
		memset(t, 0, sizeof *t);
		ev->nthemes++;
		t->id = sqlite3_column_int64(st, 0);
		parent_ids[i] = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1
			: sqlite3_column_int64(st, 1);
		t->code = dup_text(st, 2);
		t->label = dup_text(st, 3);
		t->depth = sqlite3_column_int(st, 4);
		if (!t->code || !t->label)
			goto oom;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		free(parent_ids);
		return db_fail(db, "reading the themes", e);
	}
	/* A parent comes before its children, so one backward look finds it. */
	for (size_t i = 0; i < ev->nthemes; i++) {
		ev->themes[i].parent = -1;
		for (size_t j = 0; j < i && parent_ids[i] >= 0; j++)
			if (ev->themes[j].id == parent_ids[i])
				ev->themes[i].parent = (int)j;
	}
	free(parent_ids);
	return 0;
oom:
	sqlite3_finalize(st);
	free(parent_ids);
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

static int theme_by_id(const struct evaluation *ev, long long id)
{
	for (size_t i = 0; i < ev->nthemes; i++)
		if (ev->themes[i].id == id)
			return (int)i;
	return -1;
}

static int theme_by_code(const struct evaluation *ev, const char *code)
{
	int found = -1;

	for (size_t i = 0; i < ev->nthemes; i++) {
		if (!strcmp(ev->themes[i].code, code))
			return (int)i;
		if (found < 0 && !strcasecmp(ev->themes[i].code, code))
			found = (int)i;
	}
	return found;
}

/* Edit distance between a and b, ignoring case; stops counting at 9. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[48];

	if (la >= sizeof row / sizeof *row || lb >= sizeof row / sizeof *row)
		return 9;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t sub = diag + (tolower((unsigned char)a[i - 1]) !=
					     tolower((unsigned char)b[j - 1]));
			size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;

			row[j] = sub < best ? sub : best;
			diag = up;
		}
	}
	return row[lb] < 9 ? row[lb] : 9;
}

/* The theme code closest to an unknown one, if any is close enough. */
static const char *closest_code(const struct evaluation *ev, const char *code)
{
	const char *best = NULL;
	size_t best_d = 9, len = strlen(code);
	size_t limit = len / 3 > 2 ? len / 3 : 2;

	for (size_t i = 0; i < ev->nthemes; i++) {
		size_t d = distance(code, ev->themes[i].code);

		if (d < best_d) {
			best_d = d;
			best = ev->themes[i].code;
		}
	}
	return best_d <= limit ? best : NULL;
}

/* Marks theme i and every theme above it. */
static void mark_up(const struct evaluation *ev, unsigned char *row, int i)
{
	for (; i >= 0; i = ev->themes[i].parent)
		row[i] = 1;
}

enum id_kind { ID_RESPONSE, ID_EXTERNAL, ID_SERIAL, ID_KINDS };

static const char *const id_columns[ID_KINDS] = { "response", "external_id", "serial" };

struct gold_layout {
	size_t nfields;
	long id_col[ID_KINDS];  /* the column of each kind of identifier, or -1 */
	size_t themes_col;
};

/* Which column is which; every problem with the header is one error line. */
static int read_header(const struct csv_record *rec, const char *name, struct gold_layout *g,
		       struct err *e)
{
	int have_id = 0, have_themes = 0, bad = 0;

	g->nfields = rec->nfields;
	g->themes_col = 0;
	for (int k = 0; k < ID_KINDS; k++)
		g->id_col[k] = -1;
	if (rec->nfields == 1 && strpbrk(rec->fields[0], ";\t"))
		return err_set(e, EXIT_DATA, "%s:%ld: the header is one column: separate the "
			       "columns with commas, not %s", name, rec->line,
			       strchr(rec->fields[0], ';') ? "';'" : "tabs");
	for (size_t i = 0; i < rec->nfields; i++) {
		char *h = trim(rec->fields[i]);
		int known = 0;

		for (int k = 0; k < ID_KINDS; k++) {
			if (strcasecmp(h, id_columns[k]))
				continue;
			known = 1;
			if (g->id_col[k] >= 0)
				bad = err_set(e, EXIT_DATA, "%s:%ld: the header has two '%s' columns",
					      name, rec->line, id_columns[k]);
			g->id_col[k] = (long)i;
			have_id = 1;
		}
		if (!known && !strcasecmp(h, "themes")) {
			if (have_themes)
				bad = err_set(e, EXIT_DATA, "%s:%ld: the header has two 'themes' "
					      "columns", name, rec->line);
			have_themes = 1;
			g->themes_col = i;
		}
	}
	if (!have_id || !have_themes)
		bad = err_set(e, EXIT_DATA, "%s:%ld: the header needs %s: an identifying column "
			      "('response', 'external_id' or 'serial') and a 'themes' column",
			      name, rec->line, !have_id && !have_themes ? "two columns"
			      : !have_id ? "an identifying column" : "a 'themes' column");
	return bad;
}

/*
 * The identifier a row gives: exactly one of its identifying cells is
 * filled. Returns the kind and sets *id, or -1 with `e` set.
 */
static int row_id(const struct gold_layout *g, const struct csv_record *rec, const char *name,
		  char **id, struct err *e)
{
	int kind = -1;

	for (int k = 0; k < ID_KINDS; k++) {
		char *v;

		if (g->id_col[k] < 0 || !*(v = trim(rec->fields[g->id_col[k]])))
			continue;
		if (kind >= 0)
			return err_set(e, EXIT_DATA, "%s:%ld: the row gives both a %s and a %s: "
				       "keep one", name, rec->line, id_columns[kind], id_columns[k]);
		kind = k;
		*id = v;
	}
	if (kind < 0) {
		const char *cols[ID_KINDS];
		int n = 0;

		for (int k = 0; k < ID_KINDS; k++)
			if (g->id_col[k] >= 0)
				cols[n++] = id_columns[k];
		return err_set(e, EXIT_DATA, "%s:%ld: no %s%s%s given", name, rec->line, cols[0],
			       n > 1 ? " or " : "", n > 1 ? cols[n - 1] : "");
	}
	return kind;
}

/* "response 12" or "response with serial 'P-0012'", for messages. */
static const char *describe(enum id_kind kind, const char *id, char *buf, size_t cap)
{
	if (kind == ID_RESPONSE)
		snprintf(buf, cap, "response %s", id);
	else
		snprintf(buf, cap, "response with %s '%s'", id_columns[kind], id);
	return buf;
}

/* Finds the response a row names: 1 found, 0 not (e set), -1 database error. */
static int find_response(sqlite3 *db, sqlite3_stmt *st, enum id_kind kind, const char *id,
			 const char *name, long line, struct eval_response *r, struct err *e)
{
	const char *status;
	char what[160];
	int rc;

	describe(kind, id, what, sizeof what);
	sqlite3_reset(st);
	if (kind == ID_RESPONSE) {
		char *end;
		long long v = strtoll(id, &end, 10);

		if (*end || end == id || v <= 0) {
			err_set(e, EXIT_DATA, "%s:%ld: '%s' is not a response number", name, line,
				id);
			return 0;
		}
		sqlite3_bind_int64(st, 2, v);
	} else {
		sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err_set(e, EXIT_DATA, "%s:%ld: there is no %s in this exercise", name, line, what);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		db_fail(db, "looking up a response", e);
		return -1;
	}
	r->id = sqlite3_column_int64(st, 0);
	status = (const char *)sqlite3_column_text(st, 1);
	if (status && strcmp(status, "accepted") && strcmp(status, "verified")) {
		err_set(e, EXIT_DATA, "%s:%ld: %s does not count for analysis: %s; code it once "
			"it is settled, or take it out of the file", name, line, what,
			!strcmp(status, "differences") ? "its two entries differ and wait for a "
			"supervisor" : "it is waiting for a second entry");
		return 0;
	}
	if (sqlite3_column_type(st, 2) != SQLITE_NULL && !(r->name = dup_text(st, 2))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return -1;
	}
	return 1;
}

/* Sets the row's gold themes from a themes cell; unknown codes are errors. */
static int read_themes(const struct evaluation *ev, char *cell, unsigned char *row,
		       const char *name, long line, struct err *e)
{
	static const char seps[] = ";, \t\r\n";
	int bad = 0;

	for (char *p = cell; *p;) {
		size_t n = strcspn(p, seps);
		int i;

		if (!n) {
			p++;
			continue;
		}
		if (p[n])
			p[n++] = '\0';
		if ((i = theme_by_code(ev, p)) >= 0) {
			mark_up(ev, row, i);
		} else {
			const char *near = closest_code(ev, p);

			if (near)
				bad = err_set(e, EXIT_DATA, "%s:%ld: unknown theme '%s': did you mean "
					      "'%s'?", name, line, p, near);
			else
				bad = err_set(e, EXIT_DATA, "%s:%ld: unknown theme '%s': not a theme "
					      "of the current rule set (%s)", name, line, p,
					      ev->ruleset_file);
		}
		p += n;
	}
	return bad;
}

/* The responses coded so far, by id, with the line of each: an open-addressing set. */
struct seen {
	struct { long long id; long line; } *slots; /* line 0: empty */
	size_t cap, n;
};

/*
 * Records response `id` coded on `line`. Returns 0 when it is new, the line
 * it was first coded on when it is not, or -1 when out of memory.
 */
static long seen_add(struct seen *s, long long id, long line)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct seen bigger = { NULL, s->cap ? 2 * s->cap : 64, 0 };

		if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
			return -1;
		for (size_t k = 0; k < s->cap; k++)
			if (s->slots[k].line)
				seen_add(&bigger, s->slots[k].id, s->slots[k].line);
		free(s->slots);
		*s = bigger;
	}
	for (i = (size_t)id * 2654435761u % s->cap; s->slots[i].line; i = (i + 1) % s->cap)
		if (s->slots[i].id == id)
			return s->slots[i].line;
	s->slots[i].id = id;
	s->slots[i].line = line;
	s->n++;
	return 0;
}

/*
 * Reads every row; problems are all reported before giving up. gold gets
 * a row of flags per response, one per theme, rows nthemes + 1 bytes apart.
 */
static int read_gold(sqlite3 *db, long long ex, struct csv_reader *r, const char *name,
		     struct evaluation *ev, unsigned char **gold, struct err *e)
{
	static const char *const lookup[ID_KINDS] = {
		"SELECT id, entry_status, coalesce(external_id, serial) FROM response "
		"WHERE exercise_id = ?1 AND id = ?2",
		"SELECT id, entry_status, coalesce(external_id, serial) FROM response "
		"WHERE exercise_id = ?1 AND external_id = ?2",
		"SELECT id, entry_status, coalesce(external_id, serial) FROM response "
		"WHERE exercise_id = ?1 AND serial = ?2",
	};
	sqlite3_stmt *st[ID_KINDS] = { NULL, NULL, NULL };
	struct seen seen = { NULL, 0, 0 };
	size_t gold_cap = 0;
	struct gold_layout g;
	struct csv_record rec;
	int rc, bad = 0, ok = -1;
	long header_line;

	/* The header. */
	rc = csv_read(r, &rec, e);
	if (rc == CSV_EOF)
		return err_set(e, EXIT_DATA, "%s:1: the file is empty: it needs a header row with "
			       "an identifying column ('response', 'external_id' or 'serial') "
			       "and a 'themes' column", name);
	if (rc != CSV_RECORD || read_header(&rec, name, &g, e))
		return -1;
	header_line = rec.line;
	for (int k = 0; k < ID_KINDS; k++) {
		if (g.id_col[k] < 0)
			continue;
		if (!(st[k] = db_prepare(db, lookup[k], e)))
			goto out;
		sqlite3_bind_int64(st[k], 1, ex);
	}

	while ((rc = csv_read(r, &rec, e)) != CSV_EOF) {
		struct eval_response resp = { 0, NULL, rec.line };
		unsigned char *row;
		char *id = NULL;
		int kind, found;
		long first;

		if (rc == CSV_FATAL)
			goto out;
		if (rc == CSV_BAD) {
			bad = -1;
			continue;
		}
		if (rec.nfields != g.nfields) {
			bad = err_set(e, EXIT_DATA, "%s:%ld: %zu fields, but the header has %zu%s",
				      name, rec.line, rec.nfields, g.nfields,
				      rec.nfields > g.nfields ? ": put a list of themes with commas "
				      "in double quotes" : "");
			continue;
		}
		if ((kind = row_id(&g, &rec, name, &id, e)) < 0) {
			bad = -1;
			continue;
		}
		/* gold_cap counts bytes: nthemes + 1 of them a response. */
		if (ev->nresponses + 1 > SIZE_MAX / (ev->nthemes + 1) ||
		    ALLOC_GROW(*gold, (ev->nresponses + 1) * (ev->nthemes + 1), gold_cap) < 0)
			goto oom;
		row = *gold + ev->nresponses * (ev->nthemes + 1);
		memset(row, 0, ev->nthemes + 1);
		if (read_themes(ev, rec.fields[g.themes_col], row, name, rec.line, e))
			bad = -1;
		found = find_response(db, st[kind], (enum id_kind)kind, id, name, rec.line, &resp, e);
		if (found < 0)
			goto out;
		if (!found) {
			bad = -1;
			continue;
		}
		if ((first = seen_add(&seen, resp.id, rec.line)) < 0) {
			free(resp.name);
			goto oom;
		}
		if (first) {
			char what[160];

			bad = err_set(e, EXIT_DATA, "%s:%ld: %s is coded twice (first on line %ld)",
				      name, rec.line,
				      describe((enum id_kind)kind, id, what, sizeof what), first);
		}
		if (ev->split_parts && eval_split_part(id, ev->split_parts) != ev->split_part) {
			free(resp.name);
			ev->split_left_out++;
			continue;
		}
		if (ALLOC_GROW(ev->responses, ev->nresponses + 1, ev->responses_cap) < 0) {
			free(resp.name);
			goto oom;
		}
		ev->responses[ev->nresponses++] = resp;
	}
	if (!bad && !ev->nresponses)
		bad = err_set(e, EXIT_DATA, "%s:%ld: no coded responses under the header%s", name,
			      header_line, ev->split_left_out ? " in this part of the split" : "");
	ok = bad;
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
out:
	for (int k = 0; k < ID_KINDS; k++)
		sqlite3_finalize(st[k]);
	free(seen.slots);
	return ok;
}

/* Text on one line (line breaks as " / "), cut to about `max` bytes. */
static char *flat_copy(const char *s, size_t n, size_t max)
{
	size_t keep = utf8_prefix(s, n, max), o = 0;
	char *out = malloc(keep * 3 + 4);

	if (!out)
		return NULL;
	for (size_t i = 0; i < keep; i++) {
		if (s[i] == '\r' && i + 1 < keep && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n' || s[i] == '\r') {
			memcpy(out + o, " / ", 3);
			o += 3;
		} else {
			out[o++] = s[i];
		}
	}
	if (keep < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* What made the rules find a theme in one response: its first tag, or a sub-theme's. */
struct evidence {
	char *rule, *question, *words;
};

static void evidence_clear(struct evidence *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ev[i].rule);
		free(ev[i].question);
		free(ev[i].words);
		ev[i].rule = ev[i].question = ev[i].words = NULL;
	}
}

static int add_disagreement(struct evaluation *ev, size_t resp, size_t theme,
			    struct evidence *why)
{
	struct eval_disagreement *d;

	if (ALLOC_GROW(ev->disagreements, ev->ndisagreements + 1, ev->disagreements_cap) < 0)
		return -1;
	d = ev->disagreements + ev->ndisagreements++;
	d->response = resp;
	d->theme = theme;
	d->rules_only = why != NULL;
	d->rule = d->question = d->words = NULL;
	if (why) {
		/* Copied: a theme and its parent can rest on the same tag. */
		d->rule = strdup(why->rule ? why->rule : "");
		d->question = strdup(why->question ? why->question : "");
		d->words = strdup(why->words ? why->words : "");
		if (!d->rule || !d->question || !d->words)
			return -1;
	}
	return 0;
}

/*
 * The matched words, bytes [s, end) of the answer `text` (n bytes), as
 * flat_copy() gives them, with the personal data of the whole answer
 * redacted: a name the match runs into is "[name]", never the name.
 * NULL when out of memory.
 */
static char *redacted_words(const struct redactor *rd, const char *text, size_t n, size_t s,
			    size_t end)
{
	struct redact_span *red = NULL;
	size_t nred = 0, k = 0;
	struct strbuf b = STRBUF_INIT;
	char *out = NULL;

	if (redactor_find(rd, text, n, &red, &nred) < 0)
		return NULL;
	for (size_t i = s; i < end;) {
		while (k < nred && red[k].end <= i)
			k++;
		if (k < nred && red[k].start <= i) {
			if (strbuf_addstr(&b, redact_tag(red[k].kind)) < 0)
				goto done;
			i = red[k].end;
		} else if (strbuf_addch(&b, text[i]) < 0) {
			goto done;
		} else {
			i++;
		}
	}
	out = flat_copy(b.buf, b.len, 120);
done:
	strbuf_release(&b);
	free(red);
	return out;
}

/* The rules' side: tags of each coded response, rolled up, against the gold. */
static int compare(sqlite3 *db, struct evaluation *ev, const unsigned char *gold, struct err *e)
{
	sqlite3_stmt *tags = db_prepare(db,
		"SELECT t.theme_id, u.name, t.match_start, t.match_end, a.value, q.code "
		"FROM tag t JOIN answer a ON a.id = t.answer_id JOIN question q ON q.id = a.question_id "
		"JOIN theme h ON h.id = t.theme_id "
		"JOIN rule u ON u.ruleset_id = h.ruleset_id AND u.no = t.rule_no "
		"WHERE a.response_id = ?1 ORDER BY q.position, a.id, t.match_start", e);
	sqlite3_stmt *stale = tags ? db_prepare(db,
		"SELECT EXISTS (SELECT 1 FROM answer a JOIN question q ON q.id = a.question_id "
		"JOIN response r ON r.id = a.response_id JOIN ruleset s ON s.exercise_id = r.exercise_id "
		"WHERE a.response_id = ?1 AND q.type = 'free-text' AND a.value IS NOT NULL "
		"AND a.id > s.last_answer_id)", e) : NULL;
	unsigned char *pred = calloc(ev->nthemes + 1, 1);
	struct evidence *why = calloc(ev->nthemes + 1, sizeof *why);
	struct redactor *rd = tags && stale ? redactor_new(e) : NULL;
	int rc, ok = -1;

	if (!tags || !stale || !rd)
		goto out;
	if (!pred || !why) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	for (size_t r = 0; r < ev->nresponses; r++) {
		const unsigned char *g = gold + r * (ev->nthemes + 1);

		memset(pred, 0, ev->nthemes);
		sqlite3_bind_int64(tags, 1, ev->responses[r].id);
		while ((rc = sqlite3_step(tags)) == SQLITE_ROW) {
			int i = theme_by_id(ev, sqlite3_column_int64(tags, 0));
			const char *text = (const char *)sqlite3_column_blob(tags, 4);
			long long s = sqlite3_column_int64(tags, 2), end = sqlite3_column_int64(tags, 3);
			long long n = sqlite3_column_bytes(tags, 4);

			for (; i >= 0; i = ev->themes[i].parent) {
				pred[i] = 1;
				if (why[i].rule)
					continue;
				why[i].rule = dup_text(tags, 1);
				why[i].question = dup_text(tags, 5);
				why[i].words = text && s >= 0 && s <= end && end <= n
					? redacted_words(rd, text, (size_t)n, (size_t)s, (size_t)end)
					: strdup("");
				if (!why[i].rule || !why[i].question || !why[i].words) {
					sqlite3_reset(tags);
					err_set(e, EXIT_SYSTEM, "out of memory");
					goto out;
				}
			}
		}
		sqlite3_reset(tags);
		if (rc != SQLITE_DONE) {
			db_fail(db, "reading the tags", e);
			goto out;
		}
		for (size_t i = 0; i < ev->nthemes; i++) {
			struct eval_counts *c = &ev->themes[i].n;

			if (g[i] && pred[i])
				c->tp++;
			else if (pred[i])
				c->fp++;
			else if (g[i])
				c->fn++;
			else
				c->tn++;
			if (g[i] != pred[i] && in_scope(ev, &ev->themes[i]) &&
			    add_disagreement(ev, r, i, pred[i] ? &why[i] : NULL) < 0) {
				err_set(e, EXIT_SYSTEM, "out of memory");
				goto out;
			}
		}
		evidence_clear(why, ev->nthemes);
		sqlite3_bind_int64(stale, 1, ev->responses[r].id);
		if (sqlite3_step(stale) != SQLITE_ROW) {
			db_fail(db, "reading the answers", e);
			goto out;
		}
		ev->stale += sqlite3_column_int(stale, 0);
		sqlite3_reset(stale);
	}
	ok = 0;
out:
	if (why)
		evidence_clear(why, ev->nthemes);
	free(why);
	free(pred);
	redactor_free(rd);
	sqlite3_finalize(tags);
	sqlite3_finalize(stale);
	return ok;
}

int eval_split_parse(const char *s, int *part, int *parts)
{
	char *end;
	long n, m;

	n = strtol(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	s = end + 1;
	m = strtol(s, &end, 10);
	if (end == s || *end || n < 1 || m < 1 || n > m || m > 100)
		return -1;
	*part = (int)n;
	*parts = (int)m;
	return 0;
}

int eval_split_part(const char *id, int parts)
{
	uint64_t h = 14695981039346656037ull;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	return parts > 0 ? (int)(h % (uint64_t)parts) + 1 : 1;
}

struct evaluation *eval_gold_for_rules(sqlite3 *db, long long ex, struct csv_reader *gold,
				       const char *gold_name, const struct ruleset *rs,
				       int part, int parts, unsigned char **flags,
				       struct err *e)
{
	struct evaluation *ev = calloc(1, sizeof *ev);

	*flags = NULL;
	if (!ev || !(ev->gold_name = strdup(gold_name)) ||
	    !(ev->themes = calloc(rs->nthemes + 1, sizeof *ev->themes)))
		goto oom;
	ev->split_part = part;
	ev->split_parts = parts;
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct eval_theme *t = &ev->themes[i];

		ev->nthemes++;
		t->id = (long long)i;
		t->parent = rs->themes[i].parent;
		t->depth = rs->themes[i].depth;
		if (!(t->code = strdup(rs->themes[i].code)) ||
		    !(t->label = strdup(rs->themes[i].label)))
			goto oom;
	}
	if (!(ev->ruleset_file = strdup(rs->path)) || !(ev->ruleset_sha256 = strdup(rs->sha256)))
		goto oom;
	if (read_gold(db, ex, gold, gold_name, ev, flags, e) < 0)
		goto fail;
	return ev;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
fail:
	free(*flags);
	*flags = NULL;
	if (ev && !ev->gold_name) {
		free(ev);
		return NULL;
	}
	eval_free(ev);
	return NULL;
}

struct evaluation *eval_gold_current(sqlite3 *db, long long ex, struct csv_reader *gold,
				     const char *gold_name, int part, int parts,
				     unsigned char **flags, struct err *e)
{
	struct evaluation *ev = calloc(1, sizeof *ev);

	*flags = NULL;
	if (!ev || !(ev->gold_name = strdup(gold_name))) {
		free(ev);
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	ev->split_part = part;
	ev->split_parts = parts;
	if (load_themes(db, ex, ev, e) < 0 || read_gold(db, ex, gold, gold_name, ev, flags, e) < 0) {
		free(*flags);
		*flags = NULL;
		eval_free(ev);
		return NULL;
	}
	return ev;
}

struct evaluation *eval_run(sqlite3 *db, long long ex, struct csv_reader *gold,
			    const char *gold_name, int max_depth, struct err *e)
{
	return eval_run_split(db, ex, gold, gold_name, max_depth, 0, 0, e);
}

struct evaluation *eval_run_split(sqlite3 *db, long long ex, struct csv_reader *gold,
				  const char *gold_name, int max_depth, int part, int parts,
				  struct err *e)
{
	struct evaluation *ev = calloc(1, sizeof *ev);
	unsigned char *flags = NULL;
	int began = 0;

	if (!ev || !(ev->gold_name = strdup(gold_name))) {
		free(ev);
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	ev->max_depth = max_depth;
	ev->split_part = part;
	ev->split_parts = parts;
	/* One read transaction: the themes, the responses and the tags agree. */
	if (db_exec(db, "BEGIN", "starting to read", e) < 0)
		goto fail;
	began = 1;
	if (load_themes(db, ex, ev, e) < 0 || read_gold(db, ex, gold, gold_name, ev, &flags, e) < 0 ||
	    compare(db, ev, flags, e) < 0)
		goto fail;
	db_rollback(db);
	free(flags);
	return ev;
fail:
	if (began)
		db_rollback(db);
	free(flags);
	eval_free(ev);
	return NULL;
}

/* ---- reports ------------------------------------------------------------- */

/* A score with `prec` decimals, or "-" when it is undefined. */
static const char *score(char *buf, size_t cap, double v, int prec)
{
	if (isnan(v))
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.*f", prec, v);
	return buf;
}

/* The listed themes' tables, for the averages; the caller frees. NULL: none or no memory. */
static struct eval_counts *listed_counts(const struct evaluation *ev, size_t *n)
{
	struct eval_counts *c = calloc(ev->nthemes + 1, sizeof *c);

	*n = 0;
	if (!c)
		return NULL;
	for (size_t i = 0; i < ev->nthemes; i++)
		if (in_scope(ev, &ev->themes[i]) && eval_theme_listed(&ev->themes[i]))
			c[(*n)++] = ev->themes[i].n;
	return c;
}

static void sum_counts(const struct eval_counts *c, size_t n, struct eval_counts *sum)
{
	memset(sum, 0, sizeof *sum);
	for (size_t i = 0; i < n; i++) {
		sum->tp += c[i].tp;
		sum->fp += c[i].fp;
		sum->fn += c[i].fn;
		sum->tn += c[i].tn;
	}
}

/*
 * Matched words in quotes, cut to what is left of an 80-column line after
 * `used`, but never to fewer than 40 bytes: the words matter more.
 */
static void print_words(const char *words, int used, FILE *out)
{
	size_t len = strlen(words), room = used < 80 - 41 ? (size_t)(80 - used - 1) : 40;

	if (len <= room)
		fprintf(out, "%s\"", words);
	else
		fprintf(out, "%.*s...\"", (int)utf8_prefix(words, len, room - 3), words);
}

void eval_print_table(const struct evaluation *ev, size_t max_disagreements, FILE *out)
{
	enum { NUMW = 6, CW = 5, SCOREW = 7 };
	struct eval_counts *listed, sum;
	struct eval_scores micro, macro;
	size_t nlisted, shown = 0, width = 8, code_width = 0;
	char b[4][32];

	listed = listed_counts(ev, &nlisted);
	if (!listed)
		nlisted = 0;
	for (size_t i = 0; i < ev->nthemes; i++) {
		const struct eval_theme *t = &ev->themes[i];
		size_t w = strlen(t->code) + (size_t)(t->depth - 1) * 2 + 1;

		if (in_scope(ev, t) && eval_theme_listed(t) && w > width)
			width = w;
	}
	fprintf(out, "%zu hand-coded responses in %s\nagainst rule set %.12s (%s)",
		ev->nresponses, ev->gold_name, ev->ruleset_sha256, ev->ruleset_file);
	if (ev->max_depth)
		fprintf(out, ", themes down to level %d", ev->max_depth);
	if (ev->split_parts)
		fprintf(out, "\npart %d of %d of the coded responses (--split; %ld in the other parts)",
			ev->split_part, ev->split_parts, ev->split_left_out);
	fputs("\n\n", out);
	fprintf(out, "%-*s%*s%*s%*s%*s%*s%*s%*s%*s%*s\n", (int)width, "Theme", NUMW, "Gold",
		NUMW, "Rules", CW, "TP", CW, "FP", CW, "FN", SCOREW, "Prec", SCOREW, "Recall",
		SCOREW, "F1", SCOREW, "Kappa");
	for (size_t i = 0; i < ev->nthemes; i++) {
		const struct eval_theme *t = &ev->themes[i];
		struct eval_scores s;

		if (!in_scope(ev, t) || !eval_theme_listed(t))
			continue;
		eval_scores(&t->n, &s);
		fprintf(out, "%*s%-*s%*ld%*ld%*ld%*ld%*ld%*s%*s%*s%*s\n", (t->depth - 1) * 2, "",
			(int)width - (t->depth - 1) * 2, t->code, NUMW, t->n.tp + t->n.fn,
			NUMW, t->n.tp + t->n.fp, CW, t->n.tp, CW, t->n.fp, CW, t->n.fn,
			SCOREW, score(b[0], sizeof b[0], s.precision, 3),
			SCOREW, score(b[1], sizeof b[1], s.recall, 3),
			SCOREW, score(b[2], sizeof b[2], s.f1, 3),
			SCOREW, score(b[3], sizeof b[3], s.kappa, 3));
	}
	if (!nlisted)
		fputs("(neither the coder nor the rules found any theme)\n", out);
	sum_counts(listed, nlisted, &sum);
	eval_micro(listed, nlisted, &micro);
	eval_macro(listed, nlisted, &macro);
	fprintf(out, "%-*s%*ld%*ld%*ld%*ld%*ld%*s%*s%*s\n", (int)width, "(micro)",
		NUMW, sum.tp + sum.fn, NUMW, sum.tp + sum.fp, CW, sum.tp, CW, sum.fp,
		CW, sum.fn, SCOREW, score(b[0], sizeof b[0], micro.precision, 3),
		SCOREW, score(b[1], sizeof b[1], micro.recall, 3),
		SCOREW, score(b[2], sizeof b[2], micro.f1, 3));
	fprintf(out, "%-*s%*s%*s%*s%*s%*s%*s%*s%*s%*s\n", (int)width, "(macro)",
		NUMW, "", NUMW, "", CW, "", CW, "", CW, "",
		SCOREW, score(b[0], sizeof b[0], macro.precision, 3),
		SCOREW, score(b[1], sizeof b[1], macro.recall, 3),
		SCOREW, score(b[2], sizeof b[2], macro.f1, 3),
		SCOREW, score(b[3], sizeof b[3], macro.kappa, 3));
	free(listed);
	fprintf(out, "\nGold: responses the coder gave the theme (or a sub-theme); Rules: those\n"
		"the rules tagged it in. '-' is undefined. (micro): from the summed counts;\n"
		"(macro): the mean over the %zu themes listed, '-' counting as 0.\n", nlisted);

	if (!ev->ndisagreements) {
		fputs("\nNo disagreements.\n", out);
		return;
	}
	for (size_t k = 0; k < ev->ndisagreements && (!max_disagreements || k < max_disagreements);
	     k++) {
		size_t w = strlen(ev->themes[ev->disagreements[k].theme].code);

		if (w > code_width)
			code_width = w;
	}
	fprintf(out, "\nDisagreements: %zu", ev->ndisagreements);
	if (max_disagreements && max_disagreements < ev->ndisagreements)
		fprintf(out, " (the first %zu; --disagreements 0 shows all)", max_disagreements);
	fputs("\n", out);
	for (size_t k = 0; k < ev->ndisagreements; k++) {
		const struct eval_disagreement *d = &ev->disagreements[k];
		const struct eval_response *r = &ev->responses[d->response];
		int used;

		if (max_disagreements && shown >= max_disagreements)
			break;
		shown++;
		if (k == 0 || d->response != ev->disagreements[k - 1].response) {
			fprintf(out, "  response %lld", r->id);
			if (r->name)
				fprintf(out, " (%s)", r->name);
			fputc('\n', out);
		}
		used = fprintf(out, "    %-*s  %s", (int)code_width, ev->themes[d->theme].code,
			       d->rules_only ? "rules only" : "coder only");
		if (d->rules_only) {
			used += fprintf(out, ": %s in %s \"", d->rule, d->question);
			print_words(d->words, used, out);
		}
		fputc('\n', out);
	}
}

/* One CSV field, quoted when it needs to be, and what follows it. */
static void csv_field(const char *s, int last, FILE *out)
{
	csv_write_field(out, s);
	fputc(last ? '\n' : ',', out);
}

/* A score as it is ("-0.0500", "-" for none): a number, not text to neutralise. */
static void csv_number(const char *s, int last, FILE *out)
{
	fputs(s, out);
	fputc(last ? '\n' : ',', out);
}

static void csv_scores(const struct eval_scores *s, int with_kappa, FILE *out)
{
	char b[32];

	csv_number(score(b, sizeof b, s->precision, 4), 0, out);
	csv_number(score(b, sizeof b, s->recall, 4), 0, out);
	csv_number(score(b, sizeof b, s->f1, 4), 0, out);
	csv_number(with_kappa ? score(b, sizeof b, s->kappa, 4) : "", 1, out);
}

void eval_print_csv(const struct evaluation *ev, FILE *out)
{
	struct eval_counts *listed, sum;
	struct eval_scores s;
	size_t nlisted;
	char label[96];

	fputs("theme,label,level,gold,rules,tp,fp,fn,tn,precision,recall,f1,kappa\n", out);
	for (size_t i = 0; i < ev->nthemes; i++) {
		const struct eval_theme *t = &ev->themes[i];

		if (!in_scope(ev, t) || !eval_theme_listed(t))
			continue;
		csv_field(t->code, 0, out);
		csv_field(t->label, 0, out);
		fprintf(out, "%d,%ld,%ld,%ld,%ld,%ld,%ld,", t->depth, t->n.tp + t->n.fn,
			t->n.tp + t->n.fp, t->n.tp, t->n.fp, t->n.fn, t->n.tn);
		eval_scores(&t->n, &s);
		csv_scores(&s, 1, out);
	}
	listed = listed_counts(ev, &nlisted);
	if (!listed)
		nlisted = 0;
	sum_counts(listed, nlisted, &sum);
	eval_micro(listed, nlisted, &s);
	fprintf(out, "(micro),micro average: summed counts,,%ld,%ld,%ld,%ld,%ld,%ld,",
		sum.tp + sum.fn, sum.tp + sum.fp, sum.tp, sum.fp, sum.fn, sum.tn);
	csv_scores(&s, 0, out);
	eval_macro(listed, nlisted, &s);
	snprintf(label, sizeof label, "macro average: mean over %zu themes", nlisted);
	fprintf(out, "(macro),%s,,,,,,,,", label);
	csv_scores(&s, 1, out);
	free(listed);
}
