/*
 * export_rows.c: the row-level export. One row per counted response and
 * free-text answer, with where the response came from, its demographics, the
 * answer's text (redacted unless asked otherwise), the themes as counted
 * (the rules' with the reviewers' decisions), the rules' own and the review. For analysts who work on the data inside the organisation, not
 * for publication: disclosure control does not apply to rows.
 *
 * It gives the rows the SQL layer gives (schema/0023-sql-views.sql,
 * docs/sql.md), and reads its views where it can; the tags, decisions and
 * demographics are read alongside the answers, each once, and merged here.
 * Rows are read as they are written, never all held: the CSV takes the same
 * memory for any number (tests/e2e/rows_pinned.sh pins the bytes).
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

/* A statement read in the order of its first column, an id, from ?1 on (stream_to()). */
struct stream {
	sqlite3_stmt *st;
	const char *what;   /* what failing to read it says */
	int row;            /* st is on a row */
	int started;
	long long next;     /* every key below it has been passed */
};

struct xtheme {
	char *code, *label;
	long long position;
};

struct hit {
	const struct xtheme *theme;
	int ruled;          /* its rule is known: one of rule_tags */
};

struct rows {
	char **head;          /* ncols names: fixed, then CODE and CODE_label */
	double *widths;
	size_t ncols, ndemo, demo_alloc;
	char **demo;          /* the demographic questions' codes, form order */
	char **cell;          /* the row read last: ncols, NULL for empty */
	unsigned char *lent;  /* which cells are not the row's to free: SQLite's or the cache's */
	size_t nrows;         /* how many rows there are, counted first */
	int is_number[NFIXED]; /* which fixed columns are integers */
	/* Reading, one row at a time (rows_open(), rows_next()). */
	sqlite3_stmt *st;      /* the answers, in the order written */
	sqlite3_stmt *decided; /* an answer's themes with the review (not --rules-only) */
	struct stream tags, decisions, marks, demo_answers, demo_groups;
	struct xtheme *themes; /* the exercise's, by code */
	size_t nthemes;
	struct hit *hits;      /* the answer read last's tags, in the rule set's order */
	size_t nhits, hits_alloc;
	long long response;    /* whose demographics demo_cell holds */
	char **demo_cell;      /* 2 * ndemo: code and label a question */
	struct redactor *red;
	int raw, rules_only;
	struct err *e;         /* where a failure while writing is said */
	int failed;            /* rows_next() failed: `e` says why */
};

static void row_clear(struct rows *r)
{
	for (size_t i = 0; r->cell && r->lent && i < r->ncols; i++) {
		if (!r->lent[i])
			free(r->cell[i]);
		r->cell[i] = NULL;
		r->lent[i] = 0;
	}
}

static void rows_free(struct rows *r)
{
	row_clear(r);
	free(r->cell);
	free(r->lent);
	sqlite3_finalize(r->st);
	sqlite3_finalize(r->decided);
	sqlite3_finalize(r->tags.st);
	sqlite3_finalize(r->decisions.st);
	sqlite3_finalize(r->marks.st);
	sqlite3_finalize(r->demo_answers.st);
	sqlite3_finalize(r->demo_groups.st);
	for (size_t i = 0; i < r->nthemes; i++) {
		free(r->themes[i].code);
		free(r->themes[i].label);
	}
	free(r->themes);
	free(r->hits);
	for (size_t i = 0; r->demo_cell && i < 2 * r->ndemo; i++)
		free(r->demo_cell[i]);
	free(r->demo_cell);
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
 * Reading the rows. The answers come from one statement in the order they
 * are written (response, then answer); what each row gathers from
 * elsewhere comes from statements read alongside it, each once, in the
 * order of an answer's or a response's id, and merged here: the tags (with
 * each theme's code, whether its rule is known), the review decisions in
 * force, who marked the answer reviewed, the response's demographics.
 * Asking for each answer's with a subquery, as the rows did first, cost
 * 45 s at a million responses (docs/scaling.md).
 *
 * The columns are as they were when they were subqueries of the SQL layer
 * (schema/0023-sql-views.sql, 0024): themes, as `tags` or `rule_tags` give
 * them, joined to `themes` by code, in the rule set's order, "; " between;
 * the decisions in force ("A removed; B added") oldest first; their reasons
 * (free text: redacted unless raw, like the answer) " / " between.
 */
#define ROWS_SELECT \
	"SELECT r.response_id, a.answer_id, r.channel, r.form, r.event_code, r.event_title, " \
	"r.district_code, r.district_name, r.district_source, r.submitted_on, a.question, " \
	"a.question_text, a.polarity, a.text "
#define ROWS_FROM \
	"FROM answers a JOIN responses r ON r.response_id = a.response_id " \
	"WHERE r.exercise = (SELECT code FROM exercise WHERE id = ?1) AND r.counted = 1 "
#define ROWS_ORDER "ORDER BY r.response_id, a.answer_id"

/* Every answer's tags, by answer (the tag table's key): the theme's code and whether its rule is known (rule_tags). */
#define TAGS_STREAM \
	"SELECT t.answer_id, h.code, ru.no IS NOT NULL FROM tag t JOIN theme h ON h.id = t.theme_id " \
	"JOIN ruleset s ON s.id = h.ruleset_id " \
	"LEFT JOIN rule ru ON ru.ruleset_id = h.ruleset_id AND ru.no = t.rule_no " \
	"WHERE t.answer_id >= ?1 ORDER BY t.answer_id"
/* The decisions in force, by answer, oldest first. */
#define DECISIONS_STREAM \
	"SELECT d.answer_id, d.theme_code, d.action, d.reason FROM review_latest d " \
	"WHERE d.answer_id >= ?1 ORDER BY d.answer_id, d.id"
#define MARKS_STREAM \
	"SELECT answer_id, reviewer FROM review_mark WHERE answer_id >= ?1 ORDER BY answer_id"
/*
 * The `demographics` view by response, its two halves (counted_answer): the
 * options chosen, then the groups of derived questions they fall in.
 */
#define DEMO_COLUMNS \
	"SELECT a.response_id, coalesce(s.code, q.code), coalesce(so.code, o.code), " \
	"coalesce(so.label, o.label) "
#define DEMO_JOINS \
	"LEFT JOIN question s ON s.id = q.maps_to LEFT JOIN question_option so ON so.id = o.maps_to " \
	"WHERE q.type = 'demographic' AND a.response_id >= ?1 ORDER BY a.response_id, a.id"
#define DEMO_STREAM \
	DEMO_COLUMNS "FROM answer a JOIN question q ON q.id = a.question_id " \
	"JOIN question_option o ON o.id = a.option_id " DEMO_JOINS
#define DEMO_GROUP_STREAM \
	DEMO_COLUMNS "FROM answer a JOIN option_group g " \
	"ON g.source_question_id = a.question_id AND g.source_option_id = a.option_id " \
	"JOIN question q ON q.id = g.question_id JOIN question_option o ON o.id = g.option_id " \
	DEMO_JOINS
/*
 * The themes as counted of one answer that has decisions: the `tags` view
 * (the rules' tags with the decisions merged in), as the rows read it for
 * every answer before. Few answers have decisions.
 */
#define DECIDED_THEMES \
	"SELECT h.theme, h.label FROM tags t JOIN themes h ON h.theme = t.theme AND h.exercise = " \
	"(SELECT code FROM exercise WHERE id = ?2) WHERE t.answer_id = ?1 ORDER BY h.position"

/* Rows a stream steps over to reach a key before it seeks it instead. */
#define STREAM_SKIP 64

static int stream_step(sqlite3 *db, struct stream *s, struct err *e)
{
	int rc = sqlite3_step(s->st);

	s->row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, s->what, e);
	return 0;
}

static int stream_seek(sqlite3 *db, struct stream *s, long long key, struct err *e)
{
	sqlite3_reset(s->st);
	sqlite3_bind_int64(s->st, 1, key);
	s->started = 1;
	return stream_step(db, s, e);
}

/*
 * Puts `s` on its first row whose key (first column) is `key` or more, for
 * the caller to read the rows of `key`. Keys asked for in rising order are
 * read straight on; a key below one asked before (an answer added to an
 * older response) is sought, and the reading goes on from there.
 */
static int stream_to(sqlite3 *db, struct stream *s, long long key, struct err *e)
{
	int n = 0;

	if (!s->started || key < s->next) {
		if (stream_seek(db, s, key, e) < 0)
			return -1;
	} else {
		while (s->row && sqlite3_column_int64(s->st, 0) < key) {
			if (++n > STREAM_SKIP) {
				if (stream_seek(db, s, key, e) < 0)
					return -1;
				break;
			}
			if (stream_step(db, s, e) < 0)
				return -1;
		}
	}
	s->next = key + 1;
	return 0;
}

/* Whether `s` is on a row of `key`. */
static int stream_at(const struct stream *s, long long key)
{
	return s->row && sqlite3_column_int64(s->st, 0) == key;
}

static int stream_open(sqlite3 *db, struct stream *s, const char *sql, const char *what,
		       struct err *e)
{
	s->what = what;
	return (s->st = db_prepare(db, sql, e)) ? 0 : -1;
}

static int theme_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xtheme *)a)->code, ((const struct xtheme *)b)->code);
}

/* The exercise's themes (the `themes` view's), by code. */
static int read_themes(sqlite3 *db, long long ex, struct rows *r, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT theme, label, position FROM themes WHERE exercise = "
				      "(SELECT code FROM exercise WHERE id = ?1)", e);
	size_t alloc = 0;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xtheme *t;

		if (ALLOC_GROW(r->themes, r->nthemes + 1, alloc) < 0) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		t = &r->themes[r->nthemes];
		t->code = dup_col(st, 0);
		t->label = dup_col(st, 1);
		t->position = sqlite3_column_int64(st, 2);
		r->nthemes++;
		if (!t->code || !t->label) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the themes", e);
	qsort(r->themes, r->nthemes, sizeof *r->themes, theme_cmp);
	return 0;
}

/*
 * The answer's tags from the tag stream into r->hits, in the rule set's
 * order: each tag once for each of the exercise's themes of its code (the
 * join the SQL layer makes), none for a code the exercise does not have.
 */
static int read_tags(sqlite3 *db, struct rows *r, long long answer, struct err *e)
{
	r->nhits = 0;
	if (stream_to(db, &r->tags, answer, e) < 0)
		return -1;
	for (; stream_at(&r->tags, answer); ) {
		struct xtheme key = { .code = (char *)sqlite3_column_text(r->tags.st, 1) };
		struct xtheme *t = key.code ? bsearch(&key, r->themes, r->nthemes, sizeof *r->themes,
						      theme_cmp) : NULL;

		if (t) {
			size_t i;

			if (ALLOC_GROW(r->hits, r->nhits + 1, r->hits_alloc) < 0)
				return err_set(e, EXIT_SYSTEM, "out of memory");
			/* In order of position, as the tags come for equal ones. */
			for (i = r->nhits; i > 0 && r->hits[i - 1].theme->position > t->position; i--)
				r->hits[i] = r->hits[i - 1];
			r->hits[i].theme = t;
			r->hits[i].ruled = sqlite3_column_int(r->tags.st, 2);
			r->nhits++;
		}
		if (stream_step(db, &r->tags, e) < 0)
			return -1;
	}
	return 0;
}

/* The hits' codes or labels, "; " between; NULL for none (as group_concat). -1 when out of memory. */
static int hits_joined(const struct rows *r, int labels, int ruled_only, char **out)
{
	struct strbuf sb;
	int any = 0, bad = 0;

	*out = NULL;
	strbuf_init(&sb);
	for (size_t i = 0; i < r->nhits; i++) {
		if (ruled_only && !r->hits[i].ruled)
			continue;
		if (any)
			bad |= strbuf_addstr(&sb, "; ");
		bad |= strbuf_addstr(&sb, labels ? r->hits[i].theme->label : r->hits[i].theme->code);
		any = 1;
	}
	if (bad) {
		strbuf_release(&sb);
		return -1;
	}
	if (any && !(*out = strbuf_detach(&sb, NULL)))
		return -1;
	strbuf_release(&sb);
	return 0;
}

/* The themes and labels of an answer with decisions, as the `tags` view has them. */
static int decided_themes(sqlite3 *db, struct rows *r, long long answer, char **themes,
			  char **labels, struct err *e)
{
	struct strbuf t, l;
	int rc, any = 0, bad = 0;

	strbuf_init(&t);
	strbuf_init(&l);
	sqlite3_bind_int64(r->decided, 1, answer);
	while ((rc = sqlite3_step(r->decided)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(r->decided, 0);
		const char *b = (const char *)sqlite3_column_text(r->decided, 1);

		if (any)
			bad |= strbuf_addstr(&t, "; ") | strbuf_addstr(&l, "; ");
		bad |= strbuf_addstr(&t, c ? c : "") | strbuf_addstr(&l, b ? b : "");
		any = 1;
	}
	sqlite3_reset(r->decided);
	if (rc != SQLITE_DONE) {
		strbuf_release(&t);
		strbuf_release(&l);
		return db_fail(db, "reading an answer's themes with the review", e);
	}
	if (!bad && any) {
		*themes = strbuf_detach(&t, NULL);
		*labels = strbuf_detach(&l, NULL);
		bad = !*themes || !*labels;
	}
	strbuf_release(&t);
	strbuf_release(&l);
	return bad ? err_set(e, EXIT_SYSTEM, "out of memory") : 0;
}

/*
 * The answer's decisions in force into row: the review ("A removed; B
 * added") and the reasons given (NULL for none, as group_concat); whether
 * there were any into *decided.
 */
static int read_decisions(sqlite3 *db, struct rows *r, long long answer, char **row,
			  int *decided, struct err *e)
{
	struct strbuf rv, why;
	int any = 0, reasons = 0, bad = 0;

	*decided = 0;
	if (stream_to(db, &r->decisions, answer, e) < 0)
		return -1;
	strbuf_init(&rv);
	strbuf_init(&why);
	for (; stream_at(&r->decisions, answer); ) {
		sqlite3_stmt *st = r->decisions.st;
		const char *code = (const char *)sqlite3_column_text(st, 1);
		const char *act = (const char *)sqlite3_column_text(st, 2);
		const char *reason = (const char *)sqlite3_column_text(st, 3);

		if (any)
			bad |= strbuf_addstr(&rv, "; ");
		bad |= strbuf_addf(&rv, "%s%s", code ? code : "",
				   act && !strcmp(act, "remove") ? " removed" :
				   act && !strcmp(act, "add") ? " added" : " accepted");
		any = 1;
		if (reason) {
			if (reasons)
				bad |= strbuf_addstr(&why, " / ");
			bad |= strbuf_addstr(&why, reason);
			reasons = 1;
		}
		if (stream_step(db, &r->decisions, e) < 0) {
			strbuf_release(&rv);
			strbuf_release(&why);
			return -1;
		}
	}
	if (!bad && any)
		bad = !(row[R_REVIEW] = strbuf_detach(&rv, NULL));
	if (!bad && reasons) {
		row[R_REVIEW_REASONS] = r->raw ? strbuf_detach(&why, NULL) :
					redactor_apply(r->red, why.buf, why.len, NULL);
		bad = !row[R_REVIEW_REASONS];
	}
	strbuf_release(&rv);
	strbuf_release(&why);
	*decided = any;
	return bad ? err_set(e, EXIT_SYSTEM, "out of memory") : 0;
}

/* The response's demographics into r->demo_cell (code and label a question), once a response. */
static int read_response(sqlite3 *db, struct rows *r, long long response, struct err *e)
{
	struct stream *halves[2] = { &r->demo_answers, &r->demo_groups };

	for (size_t k = 0; k < 2 * r->ndemo; k++) {
		free(r->demo_cell[k]);
		r->demo_cell[k] = NULL;
	}
	r->response = response;
	for (int h = 0; h < 2; h++) {
		struct stream *s = halves[h];

		if (!s->st)
			continue;
		if (stream_to(db, s, response, e) < 0)
			return -1;
		for (; stream_at(s, response); ) {
			const char *q = (const char *)sqlite3_column_text(s->st, 1);

			for (size_t k = 0; q && k < r->ndemo; k++)
				if (!strcmp(q, r->demo[k]) && !r->demo_cell[2 * k]) {
					r->demo_cell[2 * k] = dup_col(s->st, 2);
					r->demo_cell[2 * k + 1] = dup_col(s->st, 3);
					if (!r->demo_cell[2 * k] || !r->demo_cell[2 * k + 1])
						return err_set(e, EXIT_SYSTEM, "out of memory");
				}
			if (stream_step(db, s, e) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Prepares reading the rows one at a time and counts them (an XLSX table
 * is sized before its rows are written). The caller holds a read
 * transaction, so the count and the rows agree. 0, or -1 with `e` set.
 */
static int rows_open(sqlite3 *db, long long ex, int raw, int rules_only, struct rows *r,
		     struct err *e)
{
	sqlite3_stmt *n = db_prepare(db, "SELECT count(*) " ROWS_FROM, e);
	long long groups = 0;
	int rc;

	if (!n)
		return -1;
	sqlite3_bind_int64(n, 1, ex);
	rc = sqlite3_step(n);
	r->nrows = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(n, 0) : 0;
	sqlite3_finalize(n);
	if (rc != SQLITE_ROW)
		return db_fail(db, "counting the answers", e);
	r->raw = raw;
	r->rules_only = rules_only;
	/* The derived questions' half of the demographics, only where one is demographic. */
	if (db_int(db, "SELECT EXISTS (SELECT 1 FROM option_group g JOIN question q ON "
		   "q.id = g.question_id WHERE q.type = 'demographic')", 0, &groups, e, 0) < 0)
		return -1;
	if (read_themes(db, ex, r, e) < 0 ||
	    !(r->st = db_prepare(db, ROWS_SELECT ROWS_FROM ROWS_ORDER, e)) ||
	    stream_open(db, &r->tags, TAGS_STREAM, "reading the tags", e) < 0 ||
	    stream_open(db, &r->decisions, DECISIONS_STREAM, "reading the review decisions", e) < 0 ||
	    stream_open(db, &r->marks, MARKS_STREAM, "reading who reviewed the answers", e) < 0 ||
	    stream_open(db, &r->demo_answers, DEMO_STREAM, "reading the demographics", e) < 0 ||
	    (groups && stream_open(db, &r->demo_groups, DEMO_GROUP_STREAM,
				   "reading the demographics", e) < 0) ||
	    (!rules_only && !(r->decided = db_prepare(db, DECIDED_THEMES, e))))
		return -1;
	if (r->decided)
		sqlite3_bind_int64(r->decided, 2, ex);
	if (!raw && !(r->red = redactor_new(e)))
		return -1;
	if (!(r->cell = calloc(r->ncols, sizeof *r->cell)) ||
	    !(r->lent = calloc(r->ncols, 1)) ||
	    !(r->demo_cell = calloc(2 * r->ndemo + 1, sizeof *r->demo_cell)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	r->response = -1;
	sqlite3_bind_int64(r->st, 1, ex);
	return 0;
}

/* The next row into r->cell: 1, 0 after the last, or -1 with `e` set. */
static int rows_next(sqlite3 *db, struct rows *r, struct err *e)
{
	char **row = r->cell;
	int rc = sqlite3_step(r->st), bad = 0, decided;
	long long answer, response;

	row_clear(r);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading the answers", e);
	response = sqlite3_column_int64(r->st, R_RESPONSE);
	answer = sqlite3_column_int64(r->st, R_ANSWER);
	/* The answer's columns are lent by SQLite until the next row. */
	for (int i = 0; i < R_TEXT; i++) {
		row[i] = (char *)sqlite3_column_text(r->st, i);
		r->lent[i] = 1;
		bad |= sqlite3_column_type(r->st, i) != SQLITE_NULL && !row[i];
	}
	{
		const char *t = (const char *)sqlite3_column_text(r->st, R_TEXT);
		size_t len = (size_t)sqlite3_column_bytes(r->st, R_TEXT);

		if (!r->raw) {
			row[R_TEXT] = redactor_apply(r->red, t ? t : "", len, NULL);
		} else if (len > 32767) { /* perhaps cut for Excel: a copy */
			row[R_TEXT] = strdup(t);
		} else {
			row[R_TEXT] = (char *)(t ? t : "");
			r->lent[R_TEXT] = 1;
		}
	}
	row[R_REDACTED] = r->raw ? "no" : "yes";
	r->lent[R_REDACTED] = 1;
	if (bad || !row[R_TEXT])
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (!r->lent[R_TEXT])
		cut_for_excel(row[R_TEXT]);
	if (read_tags(db, r, answer, e) < 0 || read_decisions(db, r, answer, row, &decided, e) < 0)
		return -1;
	if (row[R_REVIEW_REASONS])
		cut_for_excel(row[R_REVIEW_REASONS]);
	if (hits_joined(r, 0, 1, &row[R_RULE_THEMES]) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (decided && !r->rules_only) {
		if (decided_themes(db, r, answer, &row[R_THEMES], &row[R_THEME_LABELS], e) < 0)
			return -1;
	} else if (hits_joined(r, 0, r->rules_only, &row[R_THEMES]) < 0 ||
		   hits_joined(r, 1, r->rules_only, &row[R_THEME_LABELS]) < 0) {
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	if (stream_to(db, &r->marks, answer, e) < 0)
		return -1;
	if (stream_at(&r->marks, answer)) { /* lent until the stream moves on */
		r->lent[R_REVIEWED_BY] = 1;
		if (!(row[R_REVIEWED_BY] = (char *)sqlite3_column_text(r->marks.st, 1)) &&
		    sqlite3_column_type(r->marks.st, 1) != SQLITE_NULL)
			return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	if (response != r->response && read_response(db, r, response, e) < 0)
		return -1;
	for (size_t k = 0; k < 2 * r->ndemo; k++) { /* lent by the response's cache */
		row[NFIXED + k] = r->demo_cell[k];
		r->lent[NFIXED + k] = 1;
	}
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
		if (export_created(db, ex, &props.created, e) < 0) {
			workbook_close(wb);
			out_abandon(&of);
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
