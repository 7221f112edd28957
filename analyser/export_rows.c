/*
 * export_rows.c: the row-level export. One row per counted response and
 * free-text answer, with where the response came from, its demographics, the
 * answer's text (redacted unless asked otherwise), the themes as counted
 * (the rules' with the reviewers' decisions), the rules' own and the review. For analysts who work on the data inside the organisation, not
 * for publication: disclosure control does not apply to rows.
 *
 * It reads the SQL layer (schema/0023-sql-views.sql, docs/sql.md), so the
 * export and a query of the views give the same rows. Rows are read as they
 * are written, never all held: the CSV takes the same memory for any number.
 */
#include "export_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "db.h"
#include "outfile.h"
#include "redact.h"
#include "review.h"
#include "strbuf.h"

/* The fixed columns; one code and one label column a demographic question follow. */
enum { R_RESPONSE, R_ANSWER, R_CHANNEL, R_FORM, R_EVENT, R_EVENT_TITLE, R_DISTRICT,
       R_DISTRICT_NAME, R_DISTRICT_SOURCE, R_SUBMITTED, R_QUESTION, R_QUESTION_TEXT, R_POLARITY,
       R_TEXT, R_REDACTED, R_THEMES, R_THEME_LABELS, R_RULE_THEMES, R_REVIEW, R_REVIEWED_BY,
       R_REVIEW_REASONS, NFIXED };

static const char *const fixed[NFIXED] = {
	"response_id", "answer_id", "channel", "form", "event_code", "event_title",
	"district_code", "district_name", "district_source", "submitted_on", "question",
	"question_text", "polarity", "answer_text", "answer_text_redacted", "themes",
	"theme_labels", "rule_themes", "review", "reviewed_by", "review_reasons",
};

static const double fixed_width[NFIXED] = { 11, 10, 14, 10, 12, 30, 12, 24, 14, 12, 10, 36,
					    14, 60, 10, 28, 40, 28, 20, 14, 40 };

struct rows {
	char **head;          /* ncols names: fixed, then CODE and CODE_label */
	double *widths;
	size_t ncols, ndemo, demo_alloc;
	char **demo;          /* the demographic questions' codes, form order */
	char **cell;          /* the row read last: ncols, NULL for empty */
	size_t nrows;         /* how many rows there are, counted first */
	int is_number[NFIXED]; /* which fixed columns are integers */
	/* Reading, one row at a time (rows_open(), rows_next()). */
	sqlite3_stmt *st, *dm;
	struct redactor *red;
	int raw;
	struct err *e;         /* where a failure while writing is said */
	int failed;            /* rows_next() failed: `e` says why */
};

static void row_clear(struct rows *r)
{
	for (size_t i = 0; r->cell && i < r->ncols; i++) {
		free(r->cell[i]);
		r->cell[i] = NULL;
	}
}

static void rows_free(struct rows *r)
{
	row_clear(r);
	free(r->cell);
	sqlite3_finalize(r->st);
	sqlite3_finalize(r->dm);
	redactor_free(r->red);
	for (size_t i = NFIXED; i < r->ncols; i++)
		free(r->head[i]);
	free(r->head);
	free(r->widths);
	for (size_t i = 0; i < r->ndemo; i++)
		free(r->demo[i]);
	free(r->demo);
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? strdup(s) : NULL;
}

/* The demographic questions of the standard form: two columns each. */
static int read_demographics(sqlite3 *db, long long ex, struct rows *r, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT q.code FROM question q JOIN questionnaire n "
				      "ON n.id = q.questionnaire_id WHERE n.exercise_id = ?1 AND "
				      "n.variant = 'standard' AND q.type = 'demographic' "
				      "ORDER BY q.position", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ALLOC_GROW(r->demo, r->ndemo + 1, r->demo_alloc) < 0 ||
		    !(r->demo[r->ndemo] = dup_col(st, 0))) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		r->ndemo++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the demographic questions", e);
	r->ncols = NFIXED + 2 * r->ndemo;
	if (!(r->head = calloc(r->ncols, sizeof *r->head)) ||
	    !(r->widths = calloc(r->ncols, sizeof *r->widths)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; i < NFIXED; i++) {
		r->head[i] = (char *)fixed[i];
		r->widths[i] = fixed_width[i];
	}
	for (size_t i = 0; i < r->ndemo; i++) {
		size_t n = strlen(r->demo[i]) + 24;
		/* Excel wants a table's headers unlike each other, case aside: a
		   question coded like a fixed column ("FORM") gets a prefix. */
		const char *pre = "";

		for (size_t k = 0; k < NFIXED; k++)
			if (!strcasecmp(fixed[k], r->demo[i]) ||
			    (!strncasecmp(fixed[k], r->demo[i], strlen(r->demo[i])) &&
			     !strcasecmp(fixed[k] + strlen(r->demo[i]), "_label")))
				pre = "demographic_";
		if (!(r->head[NFIXED + 2 * i] = malloc(n)) ||
		    !(r->head[NFIXED + 2 * i + 1] = malloc(n)))
			return err_set(e, EXIT_SYSTEM, "out of memory");
		snprintf(r->head[NFIXED + 2 * i], n, "%s%s", pre, r->demo[i]);
		snprintf(r->head[NFIXED + 2 * i + 1], n, "%s%s_label", pre, r->demo[i]);
		r->widths[NFIXED + 2 * i] = 14;
		r->widths[NFIXED + 2 * i + 1] = 24;
	}
	r->is_number[R_RESPONSE] = r->is_number[R_ANSWER] = 1;
	return 0;
}

/* Excel keeps at most 32767 characters in a cell: cut longer text on a character boundary. */
static void cut_for_excel(char *s)
{
	size_t chars = 0;

	for (char *p = s; *p; p++)
		if ((*p & 0xC0) != 0x80 && ++chars > 32767) {
			*p = '\0';
			return;
		}
}

/*
 * The rows, the themes from `tags` (the SQL layer's tags as counted, or
 * rule_tags), the rules' own themes beside them and the review: the
 * decisions in force ("A removed; B added"), who marked the answer reviewed, and the
 * decisions' reasons (free text: redacted unless raw, like the answer).
 */
#define ROWS_SELECT(tags) \
	"SELECT r.response_id, a.answer_id, r.channel, r.form, r.event_code, r.event_title, " \
	"r.district_code, r.district_name, r.district_source, r.submitted_on, a.question, " \
	"a.question_text, a.polarity, a.text, " \
	"(SELECT group_concat(theme, '; ') FROM (SELECT t.theme FROM " tags " t JOIN themes h " \
	"  ON h.theme = t.theme AND h.exercise = r.exercise WHERE t.answer_id = a.answer_id " \
	"  ORDER BY h.position)), " \
	"(SELECT group_concat(label, '; ') FROM (SELECT h.label FROM " tags " t JOIN themes h " \
	"  ON h.theme = t.theme AND h.exercise = r.exercise WHERE t.answer_id = a.answer_id " \
	"  ORDER BY h.position)), " \
	"(SELECT group_concat(theme, '; ') FROM (SELECT t.theme FROM rule_tags t JOIN themes h " \
	"  ON h.theme = t.theme AND h.exercise = r.exercise WHERE t.answer_id = a.answer_id " \
	"  ORDER BY h.position)), " \
	"(SELECT group_concat(x, '; ') FROM (SELECT d.theme_code || CASE d.action " \
	"  WHEN 'remove' THEN ' removed' WHEN 'add' THEN ' added' ELSE ' accepted' END AS x " \
	"  FROM review_latest d WHERE d.answer_id = a.answer_id ORDER BY d.id)), " \
	"(SELECT reviewer FROM review_mark m WHERE m.answer_id = a.answer_id), " \
	"(SELECT group_concat(reason, ' / ') FROM (SELECT d.reason FROM review_latest d " \
	"  WHERE d.answer_id = a.answer_id AND d.reason IS NOT NULL ORDER BY d.id)) "

#define ROWS_FROM \
	"FROM answers a JOIN responses r ON r.response_id = a.response_id " \
	"WHERE r.exercise = (SELECT code FROM exercise WHERE id = ?1) AND r.counted = 1 "
#define ROWS_ORDER "ORDER BY r.response_id, a.answer_id"

/*
 * The `tags` view's answers and themes when no reviewer has decided
 * anything: then its tags are the tag table's, one row each. Read through
 * the view, SQLite made a copy of every tag (the view merges decisions in)
 * for each of the two subqueries that read it: 270 MB at a million
 * responses. Read so, each answer's tags are found by the table's key.
 */
#define RULES_ONLY_TAGS \
	"(SELECT t.answer_id, h.code AS theme FROM tag t JOIN theme h ON h.id = t.theme_id " \
	"JOIN ruleset s ON s.id = h.ruleset_id)"

/*
 * Prepares reading the rows one at a time and counts them (an XLSX table
 * is sized before its rows are written). The caller holds a read
 * transaction, so the count and the rows agree. 0, or -1 with `e` set.
 */
static int rows_open(sqlite3 *db, long long ex, int raw, int rules_only, struct rows *r,
		     struct err *e)
{
	sqlite3_stmt *n = db_prepare(db, "SELECT count(*) " ROWS_FROM, e);
	int rc, decisions = 0;

	if (!n)
		return -1;
	sqlite3_bind_int64(n, 1, ex);
	rc = sqlite3_step(n);
	r->nrows = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(n, 0) : 0;
	sqlite3_finalize(n);
	if (rc != SQLITE_ROW)
		return db_fail(db, "counting the answers", e);
	r->raw = raw;
	if (!rules_only && review_any_decision(db, &decisions, e) < 0)
		return -1;
	r->st = db_prepare(db, rules_only ? ROWS_SELECT("rule_tags") ROWS_FROM ROWS_ORDER :
			   decisions ? ROWS_SELECT("tags") ROWS_FROM ROWS_ORDER :
			   ROWS_SELECT(RULES_ONLY_TAGS) ROWS_FROM ROWS_ORDER, e);
	r->dm = r->st ? db_prepare(db, "SELECT question, option, label FROM demographics "
				   "WHERE response_id = ?1", e) : NULL;
	if (!r->st || !r->dm)
		return -1;
	if (!raw && !(r->red = redactor_new(e)))
		return -1;
	if (!(r->cell = calloc(r->ncols, sizeof *r->cell)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	sqlite3_bind_int64(r->st, 1, ex);
	return 0;
}

/* The next row into r->cell: 1, 0 after the last, or -1 with `e` set. */
static int rows_next(sqlite3 *db, struct rows *r, struct err *e)
{
	char **row = r->cell;
	int rc = sqlite3_step(r->st), bad = 0;

	row_clear(r);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading the answers", e);
	for (int i = 0; i < NFIXED; i++) {
		int col = i < R_REDACTED ? i : i == R_REDACTED ? -1 : i - 1;

		if (col < 0) {
			row[i] = strdup(r->raw ? "no" : "yes");
		} else if (i == R_TEXT && !r->raw) {
			const char *t = (const char *)sqlite3_column_text(r->st, col);

			row[i] = redactor_apply(r->red, t ? t : "",
						(size_t)sqlite3_column_bytes(r->st, col), NULL);
		} else if (i == R_REVIEW_REASONS && !r->raw) {
			const char *t = (const char *)sqlite3_column_text(r->st, col);

			row[i] = !t ? NULL : redactor_apply(r->red, t,
							    (size_t)sqlite3_column_bytes(r->st, col), NULL);
			bad |= t && !row[i];
		} else {
			row[i] = dup_col(r->st, col);
			bad |= sqlite3_column_type(r->st, col) != SQLITE_NULL && !row[i];
		}
		if ((i == R_REDACTED || i == R_TEXT) && !row[i])
			bad = 1;
	}
	if (bad)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	cut_for_excel(row[R_TEXT]);
	if (row[R_REVIEW_REASONS])
		cut_for_excel(row[R_REVIEW_REASONS]);
	sqlite3_bind_int64(r->dm, 1, sqlite3_column_int64(r->st, 0));
	while ((rc = sqlite3_step(r->dm)) == SQLITE_ROW) {
		const char *q = (const char *)sqlite3_column_text(r->dm, 0);

		for (size_t k = 0; q && k < r->ndemo; k++)
			if (!strcmp(q, r->demo[k]) && !row[NFIXED + 2 * k]) {
				row[NFIXED + 2 * k] = dup_col(r->dm, 1);
				row[NFIXED + 2 * k + 1] = dup_col(r->dm, 2);
				if (!row[NFIXED + 2 * k] || !row[NFIXED + 2 * k + 1]) {
					sqlite3_reset(r->dm);
					return err_set(e, EXIT_SYSTEM, "out of memory");
				}
			}
	}
	sqlite3_reset(r->dm);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the demographics", e);
	return 1;
}

/* The rows as CSV, read as they are written. 0, or -1 with `e` set. */
static int write_csv(sqlite3 *db, FILE *out, struct rows *r, struct err *e)
{
	int rc;

	for (size_t c = 0; c < r->ncols; c++) {
		if (c)
			fputc(',', out);
		csv_write_field(out, r->head[c]);
	}
	fputc('\n', out);
	while ((rc = rows_next(db, r, e)) > 0) {
		for (size_t c = 0; c < r->ncols; c++) {
			if (c)
				fputc(',', out);
			if (r->cell[c])
				csv_write_field(out, r->cell[c]);
		}
		fputc('\n', out);
	}
	return rc;
}

struct filling {
	sqlite3 *db;
	struct rows *r;
};

static lxw_error fill_row(lxw_worksheet *ws, size_t row, void *arg)
{
	struct filling *f = arg;
	struct rows *r = f->r;
	char **cells = r->cell;
	lxw_error rc = LXW_NO_ERROR;
	int got = rows_next(f->db, r, r->e);

	if (got <= 0) {
		/* Fewer rows than counted cannot happen inside the read transaction. */
		if (got == 0)
			err_set(r->e, EXIT_SYSTEM, "the answers changed while they were written");
		r->failed = 1;
		return LXW_ERROR_PARAMETER_VALIDATION;
	}
	for (size_t c = 0; c < r->ncols && rc == LXW_NO_ERROR; c++) {
		if (!cells[c])
			continue;
		if (c < NFIXED && r->is_number[c])
			rc = worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)c,
						    strtod(cells[c], NULL), NULL);
		else
			rc = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, cells[c], NULL);
	}
	return rc;
}

/* "a; b (B); ...": the rows of `sql` (one text column, or two: code and label) for exercise `ex`. */
static int listed(sqlite3 *db, long long ex, const char *sql, struct strbuf *sb, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc, bad = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *b = sqlite3_column_count(st) > 1 ?
				(const char *)sqlite3_column_text(st, 1) : NULL;

		if (sb->len)
			bad |= strbuf_addstr(sb, "; ");
		bad |= b ? strbuf_addf(sb, "%s (%s)", a ? a : "", b) : strbuf_addstr(sb, a ? a : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the exercise for the data dictionary", e);
	return bad ? err_set(e, EXIT_SYSTEM, "out of memory") : 0;
}

struct described {
	const char *type, *meaning, *sql; /* sql: the allowed values, from the exercise; or text */
	int from_db;
};

static const struct described what[NFIXED] = {
	{ "integer", "The response's number in the database (the SQL layer's response_id).",
	  "1 or more", 0 },
	{ "integer", "The answer's number in the database (the SQL layer's answer_id); one row "
	  "per answer.", "1 or more", 0 },
	{ "text", "How the response came in.", "online; paper; easy-read-paper; event-card; kiosk",
	  0 },
	{ "text", "Which form was filled in.", "standard; easy-read", 0 },
	{ "text", "The listening event or roadshow the response was collected at; empty when none.",
	  "SELECT code, title FROM event WHERE exercise_id = ?1 ORDER BY held_on, code", 1 },
	{ "text", "The event's title.", "", 0 },
	{ "text", "The ONS code of the district the respondent lives in (or the event's); empty "
	  "when outside the area or not known.",
	  "SELECT d.code, d.name FROM exercise_district x JOIN district d ON d.code = "
	  "x.district_code WHERE x.exercise_id = ?1 ORDER BY x.position", 1 },
	{ "text", "The district's name.", "", 0 },
	{ "text", "How the district was found, in order of trust.",
	  "postcode; event; ticked; outward-code; out-of-area; unresolved", 0 },
	{ "date", "The day the person answered (YYYY-MM-DD), where the survey tool or form gave it.",
	  "", 0 },
	{ "text", "The free-text question answered (the standard question an Easy Read one "
	  "stands for).",
	  "SELECT q.code, q.text FROM question q JOIN questionnaire n ON n.id = "
	  "q.questionnaire_id WHERE n.exercise_id = ?1 AND n.variant = 'standard' AND "
	  "q.type = 'free-text' ORDER BY q.position", 1 },
	{ "text", "The question's wording.", "", 0 },
	{ "text", "What the question asks for.", "works-well; could-be-better; none", 0 },
	{ "text", "What the respondent wrote. Redacted by default: e-mail addresses, phone and NHS "
	  "numbers, postcodes and introduced names replaced by [email], [phone], [NHS number], "
	  "[postcode], [name] (docs/redaction.md); raw with --raw-text. Cut to Excel's 32767 "
	  "characters.", "", 0 },
	{ "text", "Whether answer_text was redacted.", "yes; no", 0 },
	{ "text", "The themes the answer is tagged with as counted, their codes in the rule set's "
	  "order, separated by \"; \"; empty when none: the rules' tags with the reviewers' "
	  "decisions (a tag removed left out, a theme added in), or the rules' alone with "
	  "--rules-only.",
	  "SELECT h.code, h.label FROM theme h JOIN ruleset s ON s.id = h.ruleset_id WHERE "
	  "s.exercise_id = ?1 ORDER BY h.position", 1 },
	{ "text", "The same themes' labels, in the same order.", "", 0 },
	{ "text", "The themes the rules alone tagged the answer with, as in themes.", "", 0 },
	{ "text", "The reviewers' decisions in force on the answer, oldest first, separated by "
	  "\"; \", each as CODE removed, CODE added or CODE accepted; empty when none "
	  "(docs/review.md).", "", 0 },
	{ "text", "Who marked the answer reviewed; empty when nobody has.", "", 0 },
	{ "text", "The reasons reviewers gave for those decisions, separated by \" / \"; "
	  "redacted as answer_text is (raw with --raw-text).", "", 0 },
};

static int rows_dict(sqlite3 *db, long long ex, const struct rows *r, const char *file,
		     struct dict *d, struct err *e)
{
	d->file = file;
	for (size_t i = 0; i < NFIXED; i++) {
		struct strbuf sb;
		int rc;

		strbuf_init(&sb);
		if (what[i].from_db)
			rc = listed(db, ex, what[i].sql, &sb, e);
		else
			rc = strbuf_addstr(&sb, what[i].sql);
		if (rc == 0 && dict_add(d, fixed[i], what[i].type, what[i].meaning, sb.buf) < 0)
			rc = err_set(e, EXIT_SYSTEM, "out of memory");
		strbuf_release(&sb);
		if (rc < 0)
			return -1;
	}
	for (size_t k = 0; k < r->ndemo; k++) {
		sqlite3_stmt *st = db_prepare(db, "SELECT q.text FROM question q JOIN questionnaire n "
					      "ON n.id = q.questionnaire_id WHERE n.exercise_id = ?1 "
					      "AND n.variant = 'standard' AND q.code = ?2", e);
		struct strbuf sb, text;
		int rc;

		if (!st)
			return -1;
		strbuf_init(&sb);
		strbuf_init(&text);
		sqlite3_bind_int64(st, 1, ex);
		sqlite3_bind_text(st, 2, r->demo[k], -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_ROW ?
		     strbuf_addf(&text, "The option chosen on the demographic question \"%s\"; empty "
				 "when not answered.", (const char *)sqlite3_column_text(st, 0)) : -1;
		sqlite3_finalize(st);
		if (rc < 0) {
			strbuf_release(&text);
			return err_set(e, EXIT_SYSTEM, "reading demographic question %s", r->demo[k]);
		}
		/* The meaning must outlive this loop: the dictionary keeps a pointer. */
		d->file = file;
		{
			char *sql = sqlite3_mprintf("SELECT o.code, o.label FROM question_option o JOIN "
						    "question q ON q.id = o.question_id JOIN questionnaire n "
						    "ON n.id = q.questionnaire_id WHERE n.exercise_id = ?1 "
						    "AND n.variant = 'standard' AND q.code = %Q ORDER BY "
						    "o.position", r->demo[k]);

			rc = sql ? listed(db, ex, sql, &sb, e) : err_set(e, EXIT_SYSTEM, "out of memory");
			sqlite3_free(sql);
		}
		if (rc == 0 && (dict_add(d, r->head[NFIXED + 2 * k], "text", "", sb.buf) < 0 ||
				dict_add(d, r->head[NFIXED + 2 * k + 1], "text", "", "") < 0))
			rc = err_set(e, EXIT_SYSTEM, "out of memory");
		if (rc == 0) {
			d->cols[d->ncols - 2].meaning_owned = strbuf_detach(&text, NULL);
			d->cols[d->ncols - 2].meaning = d->cols[d->ncols - 2].meaning_owned;
			d->cols[d->ncols - 1].meaning = "The chosen option's label.";
		}
		strbuf_release(&text);
		strbuf_release(&sb);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void write_dict(FILE *out, const void *arg)
{
	dict_write_csv(arg, 1, out);
}

int export_rows(sqlite3 *db, long long ex, const char *path, const struct export_options *opt,
		int raw, struct err *e)
{
	struct rows r = { 0 };
	struct dict d = { 0 };
	struct out_file of;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int rc = -1, own_txn = 0;

	if (opt->format != EXPORT_CSV && opt->format != EXPORT_XLSX) {
		err_set(e, EXIT_USAGE, "%s: give the rows a name ending .xlsx or .csv", path);
		goto done;
	}
	/* One read transaction: the rows are counted, then read as they are written. */
	if (sqlite3_get_autocommit(db)) {
		if (db_exec(db, "BEGIN", "starting to read", e) < 0)
			goto done;
		own_txn = 1;
	}
	r.e = e;
	if (read_demographics(db, ex, &r, e) < 0 || rows_open(db, ex, raw, opt->rules_only, &r, e) < 0 ||
	    rows_dict(db, ex, &r, opt->format == EXPORT_XLSX ? "Responses sheet" : base, &d, e) < 0)
		goto done;
	if (out_open(&of, path, e) < 0)
		goto done;
	if (opt->format == EXPORT_XLSX) {
		/*
		 * libxlsxwriter keeps the sheet's cells until the workbook is
		 * closed: its constant-memory mode has no Excel tables. The rows
		 * are not kept twice, at least.
		 */
		lxw_workbook *wb = workbook_new(of.tmp);
		struct filling fl = { db, &r };
		lxw_doc_properties props = { 0 };
		lxw_format *bold = wb ? workbook_add_format(wb) : NULL;
		lxw_error lrc;

		if (!wb || !bold) {
			if (wb)
				workbook_close(wb);
			out_abandon(&of);
			err_set(e, EXIT_SYSTEM, "cannot create %s", path);
			goto done;
		}
		props.title = "Responses, one row per free-text answer";
		props.comments = raw ? "Not redacted: personal data. Not for publication." :
				 "Redacted answers. Not for publication: no disclosure control.";
		workbook_set_properties(wb, &props);
		format_set_bold(bold);
		lrc = export_sheet(wb, "Responses", "Responses", (const char *const *)r.head, r.widths,
				   r.ncols, r.nrows, bold, fill_row, &fl);
		if (lrc == LXW_NO_ERROR)
			lrc = dict_write_sheet(wb, &d, 1);
		if (lrc != LXW_NO_ERROR) {
			workbook_close(wb);
			out_abandon(&of);
			if (!r.failed)
				err_set(e, EXIT_SYSTEM, "cannot write %s: %s", path, lxw_strerror(lrc));
			goto done;
		}
		if ((lrc = workbook_close(wb)) != LXW_NO_ERROR) {
			out_abandon(&of);
			err_set(e, EXIT_SYSTEM, "cannot write %s: %s", path, lxw_strerror(lrc));
			goto done;
		}
	} else if (write_csv(db, of.f, &r, e) < 0) {
		out_abandon(&of);
		goto done;
	}
	if (out_commit(&of, e) < 0)
		goto done;
	if (export_csv_beside(path, "dictionary", write_dict, &d, e) < 0) {
		export_remove(path, 0);
		goto done;
	}
	rc = 0;
done:
	dict_free(&d);
	rows_free(&r);
	if (own_txn)
		db_rollback(db); /* it only read: nothing to keep */
	return rc;
}
