/*
 * counts.c: the counted cube behind every theme table.
 *
 * The database is read in four passes: the themes, the dimensions' values,
 * the responses that count (one row each, in id order, from a covering
 * index) and the tags, which carry their answer's response and question. Mentions are grouped by respondent
 * with a counting sort and counted once per respondent and cell with a
 * stamp per cell, so a million responses need no SQL DISTINCT or sort.
 */
#include "counts.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"

const char *const count_dim_names[] = {
	"district", "channel", "event", "form", "question", "polarity", NULL,
};

#define NO_VALUE UINT16_MAX

/* What a pass knows about a dimension besides its values. */
struct dim_map {
	uint16_t *by_resp;  /* response-level: value of each respondent */
	uint16_t *by_qid;   /* answer-level: value of each question id */
	long long nqid;     /* size of by_qid */
	long long *option_id; /* DIM_DEMOGRAPHIC: option id of each value */
	long long *event_id;  /* DIM_EVENT: event id of each value */
};

static int answer_level(const struct count_dim *d)
{
	return d->kind == DIM_QUESTION || d->kind == DIM_POLARITY;
}

static void dim_free(struct count_dim *d)
{
	for (size_t i = 0; i < d->nvalues; i++) {
		free(d->values[i].code);
		free(d->values[i].label);
		free(d->values[i].heading);
	}
	free(d->values);
	free(d->name);
	free(d->title);
	memset(d, 0, sizeof *d);
}

void count_cube_free(struct count_cube *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nthemes; i++) {
		free(c->themes[i].code);
		free(c->themes[i].label);
	}
	free(c->themes);
	dim_free(&c->dim[0]);
	dim_free(&c->dim[1]);
	free(c->exercise_code);
	free(c->exercise_title);
	free(c->cells);
	free(c->base);
	free(c);
}

static int add_value(struct count_dim *d, const char *code, const char *label, const char *heading)
{
	struct count_value *v = realloc(d->values, (d->nvalues + 1) * sizeof *v);

	if (!v)
		return -1;
	d->values = v;
	v += d->nvalues;
	v->code = strdup(code ? code : "");
	v->label = strdup(label ? label : "");
	v->heading = strdup(heading ? heading : (label ? label : ""));
	if (!v->code || !v->label || !v->heading) {
		free(v->code);
		free(v->label);
		free(v->heading);
		return -1;
	}
	d->nvalues++;
	return 0;
}

/* Adds the values a query gives as (code, label, heading[, id]); ids go to `ids`. */
static int add_values(sqlite3 *db, struct count_dim *d, const char *sql, long long bind,
		      long long **ids, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->nvalues >= NO_VALUE - 8) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_USAGE, "'%s' has too many values to count by", d->name);
		}
		if (add_value(d, (const char *)sqlite3_column_text(st, 0),
			      (const char *)sqlite3_column_text(st, 1),
			      (const char *)sqlite3_column_text(st, 2)) < 0)
			goto oom;
		if (ids) {
			long long *n = realloc(*ids, d->nvalues * sizeof *n);

			if (!n)
				goto oom;
			*ids = n;
			n[d->nvalues - 1] = sqlite3_column_int64(st, 3);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading what to count by", e);
	return 0;
oom:
	sqlite3_finalize(st);
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

static const char *const fixed_values[][3][3] = {
	[DIM_CHANNEL] = {
		{ "online", "Online", "Online" },
		{ "paper", "Paper form", "Paper" },
		{ "easy-read-paper", "Easy Read paper form", "Easy Read" },
	},
	[DIM_FORM] = {
		{ "standard", "Standard form", "Standard" },
		{ "easy-read", "Easy Read form", "Easy Read" },
	},
	[DIM_POLARITY] = {
		{ "works-well", "What works well", "Works well" },
		{ "could-be-better", "What could be better", "Could be better" },
		{ "none", "Other questions", "Other" },
	},
};

/* Finds what `name` means and loads its values. */
static int dim_load(sqlite3 *db, long long ex, const char *name, struct count_dim *d,
		    struct dim_map *m, struct err *e)
{
	static const char *const titles[] = {
		[DIM_DISTRICT] = "District", [DIM_CHANNEL] = "Channel", [DIM_EVENT] = "Event",
		[DIM_FORM] = "Form", [DIM_QUESTION] = "Question", [DIM_POLARITY] = "Polarity",
	};
	size_t k;

	if (!(d->name = strdup(name)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (k = 0; count_dim_names[k] && strcasecmp(count_dim_names[k], name); k++)
		;
	if (count_dim_names[k]) {
		d->kind = (enum count_dim_kind)k;
		if (!(d->title = strdup(titles[k])))
			return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	switch (count_dim_names[k] ? d->kind : DIM_DEMOGRAPHIC) {
	case DIM_DISTRICT:
		if (add_values(db, d, "SELECT d.code, d.name, d.name FROM exercise_district x "
				      "JOIN district d ON d.code = x.district_code "
				      "WHERE x.exercise_id = ?1 ORDER BY x.position", ex, NULL, e) < 0)
			return -1;
		if (add_value(d, "(outside)", "Outside the area", "Outside area") < 0 ||
		    add_value(d, "(unknown)", "Not known", "Not known") < 0)
			goto oom;
		return 0;
	case DIM_EVENT:
		if (add_values(db, d, "SELECT code, title || ', ' || held_on, code, id FROM event "
				      "WHERE exercise_id = ?1 ORDER BY held_on, code", ex,
			       &m->event_id, e) < 0)
			return -1;
		if (add_value(d, "(none)", "Not at an event", "No event") < 0)
			goto oom;
		return 0;
	case DIM_CHANNEL:
	case DIM_FORM:
	case DIM_POLARITY:
		for (size_t i = 0; i < 3 && fixed_values[d->kind][i][0]; i++)
			if (add_value(d, fixed_values[d->kind][i][0], fixed_values[d->kind][i][1],
				      fixed_values[d->kind][i][2]) < 0)
				goto oom;
		if (d->kind == DIM_CHANNEL && add_value(d, "event-card", "Event card", "Event card") < 0)
			goto oom;
		return 0;
	case DIM_QUESTION:
		/* Free-text questions: the standard form's, then any Easy Read one of its own. */
		return add_values(db, d, "SELECT q.code, q.text, q.code FROM question q "
				   "JOIN questionnaire n ON n.id = q.questionnaire_id "
				   "WHERE n.exercise_id = ?1 AND q.type = 'free-text' "
				   "AND q.maps_to IS NULL ORDER BY n.variant = 'easy-read', q.position",
				   ex, NULL, e);
	case DIM_DEMOGRAPHIC: {
		sqlite3_stmt *st = db_prepare(db, "SELECT q.id, q.code, q.text FROM question q "
					      "JOIN questionnaire n ON n.id = q.questionnaire_id "
					      "WHERE n.exercise_id = ?1 AND n.variant = 'standard' "
					      "AND (q.type = 'demographic' OR q.type = 'single-choice') "
					      "AND q.code = ?2 COLLATE NOCASE", e);
		int rc;

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, ex);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *text = (const char *)sqlite3_column_text(st, 2);

			d->kind = DIM_DEMOGRAPHIC;
			d->question_id = sqlite3_column_int64(st, 0);
			free(d->name);
			d->name = strdup((const char *)sqlite3_column_text(st, 1));
			d->title = strdup(text ? text : "");
		}
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return err_set(e, EXIT_USAGE,
				       "cannot count by '%s': it is not district, channel, event, form, "
				       "question, polarity or a demographic question of the exercise "
				       "(see 'collector status' and the exercise definition)", name);
		if (rc != SQLITE_ROW)
			return db_fail(db, "finding the question to count by", e);
		if (!d->name || !d->title)
			goto oom;
		if (add_values(db, d, "SELECT code, label, label, id FROM question_option "
				      "WHERE question_id = ?1 ORDER BY position", d->question_id,
			       &m->option_id, e) < 0)
			return -1;
		if (add_value(d, "(unknown)", "Not answered", "Not answered") < 0)
			goto oom;
		return 0;
	}
	}
	return 0;
oom:
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

/* Answer-level dimensions: the value of every free-text question of the exercise. */
static int dim_map_questions(sqlite3 *db, long long ex, const struct count_dim *d,
			     struct dim_map *m, struct err *e)
{
	sqlite3_stmt *st;
	long long max = 0;
	int rc;

	if (db_int(db, "SELECT coalesce(max(id), 0) FROM question", 0, &max, e, 0) < 0)
		return -1;
	m->nqid = max + 1;
	if (!(m->by_qid = malloc((size_t)m->nqid * sizeof *m->by_qid)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (long long i = 0; i < m->nqid; i++)
		m->by_qid[i] = NO_VALUE;
	/* An Easy Read question stands for the standard one it maps to. */
	if (!(st = db_prepare(db, "SELECT q.id, coalesce(s.code, q.code), "
				  "coalesce(s.polarity, q.polarity) FROM question q "
				  "JOIN questionnaire n ON n.id = q.questionnaire_id "
				  "LEFT JOIN question s ON s.id = q.maps_to "
				  "WHERE n.exercise_id = ?1 AND q.type = 'free-text'", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, d->kind == DIM_QUESTION ? 1 : 2);

		for (size_t v = 0; key && v < d->nvalues; v++)
			if (!strcmp(d->values[v].code, key) && id >= 0 && id < m->nqid)
				m->by_qid[id] = (uint16_t)v;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the questions", e);
	return 0;
}

/* The themes of the exercise's rule set, parents before children in file order. */
static int load_themes(sqlite3 *db, long long ex, struct count_cube *c, long long **ids,
		       long long *min_id, long long *max_id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"WITH RECURSIVE tree(id, code, label, depth, parent, path) AS ("
		" SELECT h.id, h.code, h.label, h.depth, NULL, printf('%06d', h.position) FROM theme h "
		" JOIN ruleset s ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 AND h.parent_id IS NULL "
		" UNION ALL SELECT h.id, h.code, h.label, h.depth, h.parent_id, "
		" tree.path || printf('/%06d', h.position) FROM theme h JOIN tree ON h.parent_id = tree.id) "
		"SELECT id, code, label, depth, parent FROM tree ORDER BY path", e);
	long long *pid = NULL;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	*min_id = 0;
	*max_id = -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = c->nthemes;
		struct count_theme *t = realloc(c->themes, (i + 1) * sizeof *t);
		long long *n = t ? realloc(*ids, (i + 1) * sizeof *n) : NULL;
		long long *p = n ? realloc(pid, (i + 1) * sizeof *p) : NULL;

		if (t)
			c->themes = t;
		if (n)
			*ids = n;
		if (p)
			pid = p;
		if (!t || !n || !p || i + 1 >= NO_VALUE)
			goto oom;
		t += i;
		t->code = strdup((const char *)sqlite3_column_text(st, 1));
		t->label = strdup((const char *)sqlite3_column_text(st, 2));
		t->depth = sqlite3_column_int(st, 3);
		t->parent = -1;
		c->nthemes++;
		if (!t->code || !t->label)
			goto oom;
		n[i] = sqlite3_column_int64(st, 0);
		p[i] = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
		if (!i || n[i] < *min_id)
			*min_id = n[i];
		if (!i || n[i] > *max_id)
			*max_id = n[i];
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		free(pid);
		return db_fail(db, "reading the themes", e);
	}
	/* Parents come first, so each parent's index is already known. */
	for (size_t i = 0; i < c->nthemes; i++)
		for (size_t j = 0; j < i && pid[i] >= 0; j++)
			if ((*ids)[j] == pid[i])
				c->themes[i].parent = (int)j;
	free(pid);
	return 0;
oom:
	sqlite3_finalize(st);
	free(pid);
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

/* One thing to count for a respondent: a mention (theme) or an answer (base). */
struct item {
	uint32_t resp;
	uint16_t value[2];  /* answer-level dimensions' values; NO_VALUE otherwise */
	uint16_t theme;     /* NO_VALUE: an answered free-text question (for the base) */
};

struct items {
	struct item *v;
	size_t n, cap;
};

static int items_push(struct items *it, struct item x)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 4096;
		struct item *v = realloc(it->v, cap * sizeof *v);

		if (!v)
			return -1;
		it->v = v;
		it->cap = cap;
	}
	it->v[it->n++] = x;
	return 0;
}

/* The index of response `id` in the sorted `ids`, trying next to `*hint` first; -1 if absent. */
static long find_resp(const long long *ids, size_t n, long long id, size_t *hint)
{
	size_t lo = 0, hi = n;

	if (*hint < n && ids[*hint] == id)
		return (long)*hint;
	if (*hint + 1 < n && ids[*hint + 1] == id)
		return (long)++*hint;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && ids[lo] == id) {
		*hint = lo;
		return (long)lo;
	}
	return -1;
}

/* Respondents that count, in id order, with their response-level values. */
struct respondents {
	long long *id;
	size_t n, cap;
};

static uint16_t district_value(const struct count_dim *d, const char *code, const char *source)
{
	size_t n = d->nvalues - 2; /* the last two are outside and not known */

	if (code)
		for (size_t v = 0; v < n; v++)
			if (!strcmp(d->values[v].code, code))
				return (uint16_t)v;
	if (code || (source && !strcmp(source, "out-of-area")))
		return (uint16_t)n;
	return (uint16_t)(n + 1);
}

static uint16_t named_value(const struct count_dim *d, const char *code)
{
	for (size_t v = 0; code && v < d->nvalues; v++)
		if (!strcmp(d->values[v].code, code))
			return (uint16_t)v;
	return NO_VALUE;
}

static int read_respondents(sqlite3 *db, long long ex, struct count_cube *c, struct dim_map *m,
			    struct respondents *r, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, district_code, district_source, channel, form_variant, event_id "
		"FROM response WHERE exercise_id = ?1 "
		"AND (entry_status = 'accepted' OR entry_status = 'verified') ORDER BY id", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 4096;
			long long *id = realloc(r->id, cap * sizeof *id);

			if (!id)
				goto oom;
			r->id = id;
			for (size_t d = 0; d < c->ndims; d++) {
				uint16_t *v = realloc(m[d].by_resp, cap * sizeof *v);

				if (!v)
					goto oom;
				m[d].by_resp = v;
			}
			r->cap = cap;
		}
		r->id[r->n] = sqlite3_column_int64(st, 0);
		for (size_t d = 0; d < c->ndims; d++) {
			const struct count_dim *dim = &c->dim[d];
			uint16_t v = NO_VALUE;

			switch (dim->kind) {
			case DIM_DISTRICT:
				v = district_value(dim, (const char *)sqlite3_column_text(st, 1),
						   (const char *)sqlite3_column_text(st, 2));
				break;
			case DIM_CHANNEL:
				v = named_value(dim, (const char *)sqlite3_column_text(st, 3));
				break;
			case DIM_FORM:
				v = named_value(dim, (const char *)sqlite3_column_text(st, 4));
				break;
			case DIM_EVENT: {
				long long ev = sqlite3_column_int64(st, 5);

				v = (uint16_t)(dim->nvalues - 1);
				for (size_t k = 0; sqlite3_column_type(st, 5) != SQLITE_NULL &&
						   k + 1 < dim->nvalues; k++)
					if (m[d].event_id[k] == ev)
						v = (uint16_t)k;
				break;
			}
			case DIM_DEMOGRAPHIC:
				v = (uint16_t)(dim->nvalues - 1); /* not answered, until read */
				break;
			case DIM_QUESTION:
			case DIM_POLARITY:
				break;
			}
			m[d].by_resp[r->n] = v;
		}
		r->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the responses", e);
	return 0;
oom:
	sqlite3_finalize(st);
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

/* The option each respondent chose on a demographic question. */
static int read_demographic(sqlite3 *db, const struct count_dim *d, struct dim_map *m,
			    const struct respondents *r, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT response_id, option_id FROM answer "
				      "WHERE question_id = ?1 AND option_id IS NOT NULL", e);
	size_t hint = 0;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, d->question_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long i = find_resp(r->id, r->n, sqlite3_column_int64(st, 0), &hint);
		long long opt = sqlite3_column_int64(st, 1);

		for (size_t v = 0; i >= 0 && v + 1 < d->nvalues; v++)
			if (m->option_id[v] == opt)
				m->by_resp[i] = (uint16_t)v;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the answers to count by", e);
	return 0;
}

/* Answer-level values of an item from its question; 0 if a dimension has none. */
static int item_values(const struct count_cube *c, const struct dim_map *m, long long qid,
		       struct item *x)
{
	for (size_t d = 0; d < 2; d++) {
		x->value[d] = NO_VALUE;
		if (d < c->ndims && answer_level(&c->dim[d])) {
			if (qid < 0 || qid >= m[d].nqid || m[d].by_qid[qid] == NO_VALUE)
				return 0;
			x->value[d] = m[d].by_qid[qid];
		}
	}
	return 1;
}

static int read_items(sqlite3 *db, const struct count_cube *c, const struct dim_map *m,
		      const struct respondents *r, const long long *theme_ids, long long min_id,
		      long long max_id, struct items *it, struct err *e)
{
	int any_answer_level = (c->ndims > 0 && answer_level(&c->dim[0])) ||
			       (c->ndims > 1 && answer_level(&c->dim[1]));
	uint16_t *theme_of = NULL;
	sqlite3_stmt *st = NULL;
	size_t hint = 0;
	int rc;

	/* Theme ids of this rule set, to theme indexes. */
	if (max_id >= min_id) {
		if (!(theme_of = malloc((size_t)(max_id - min_id + 1) * sizeof *theme_of)))
			goto oom;
		for (long long i = 0; i <= max_id - min_id; i++)
			theme_of[i] = NO_VALUE;
		for (size_t i = 0; i < c->nthemes; i++)
			theme_of[theme_ids[i] - min_id] = (uint16_t)i;
	}
	/* The tag table alone: each tag keeps its answer's response and question. */
	if (!(st = db_prepare(db, "SELECT response_id, question_id, theme_id FROM tag", e)))
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long th = sqlite3_column_int64(st, 2);
		struct item x;
		long i;

		if (th < min_id || th > max_id || theme_of[th - min_id] == NO_VALUE)
			continue; /* another exercise's rule set */
		if ((i = find_resp(r->id, r->n, sqlite3_column_int64(st, 0), &hint)) < 0)
			continue; /* a response that does not count */
		x.resp = (uint32_t)i;
		x.theme = theme_of[th - min_id];
		if (item_values(c, m, sqlite3_column_int64(st, 1), &x) && items_push(it, x) < 0)
			goto oom;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the tags", e);
		goto fail;
	}
	free(theme_of);
	theme_of = NULL;
	if (!any_answer_level)
		return 0;
	/* By question or polarity, the base is who answered: every answered free-text answer. */
	if (!(st = db_prepare(db, "SELECT a.response_id, a.question_id FROM answer a "
				  "JOIN question q ON q.id = a.question_id "
				  "WHERE q.type = 'free-text' AND a.state = 'answered' "
				  "AND length(a.value) > 0", e)))
		goto fail;
	hint = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct item x;
		long i;

		if ((i = find_resp(r->id, r->n, sqlite3_column_int64(st, 0), &hint)) < 0)
			continue;
		x.resp = (uint32_t)i;
		x.theme = NO_VALUE;
		if (item_values(c, m, sqlite3_column_int64(st, 1), &x) && items_push(it, x) < 0)
			goto oom;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the answers", e);
		goto fail;
	}
	return 0;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
fail:
	sqlite3_finalize(st);
	free(theme_of);
	return -1;
}

/* Groups items by respondent, keeping their order within one: a counting sort. */
static int group_items(struct items *it, size_t nresp, size_t **start_out)
{
	size_t *start = calloc(nresp + 1, sizeof *start);
	struct item *sorted;
	int in_order = 1;

	if (!start)
		return -1;
	for (size_t k = 0; k < it->n; k++) {
		start[it->v[k].resp + 1]++;
		if (k && it->v[k].resp < it->v[k - 1].resp)
			in_order = 0;
	}
	for (size_t i = 0; i < nresp; i++)
		start[i + 1] += start[i];
	if (!in_order && it->n) {
		size_t *next = malloc(nresp * sizeof *next);

		if (!next || !(sorted = malloc(it->n * sizeof *sorted))) {
			free(next);
			free(start);
			return -1;
		}
		memcpy(next, start, nresp * sizeof *next);
		for (size_t k = 0; k < it->n; k++)
			sorted[next[it->v[k].resp]++] = it->v[k];
		free(next);
		free(it->v);
		it->v = sorted;
		it->cap = it->n;
	}
	*start_out = start;
	return 0;
}

/* Adds one to `a[k]` unless this respondent was already counted there. */
#define BUMP(a, stamp, k, tag) do { \
	size_t k_ = (k); \
	if ((stamp)[k_] != (tag)) { \
		(stamp)[k_] = (tag); \
		(a)[k_]++; \
	} \
} while (0)

static int tally(struct count_cube *c, const struct dim_map *m, const struct respondents *r,
		 const struct items *it, const size_t *start)
{
	size_t n0 = c->dim[0].nvalues, n1 = c->dim[1].nvalues;
	size_t w0 = n0 + 1, w1 = n1 + 1, ncells = (c->nthemes + 1) * w0 * w1;
	int any_answer_level = answer_level(&c->dim[0]) || (c->ndims > 1 && answer_level(&c->dim[1]));
	uint32_t *cstamp = calloc(ncells, sizeof *cstamp), *bstamp = calloc(w0 * w1, sizeof *bstamp);

	if (!cstamp || !bstamp) {
		free(cstamp);
		free(bstamp);
		return -1;
	}
	for (size_t i = 0; i < r->n; i++) {
		uint32_t tag = (uint32_t)i + 1;
		size_t rv[2];

		for (size_t d = 0; d < 2; d++)
			rv[d] = d < c->ndims && !answer_level(&c->dim[d]) ? m[d].by_resp[i] : NO_VALUE;
		/* A value outside the list (a channel added since) is left out, base and all. */
		if ((c->ndims > 0 && !answer_level(&c->dim[0]) && rv[0] == NO_VALUE) ||
		    (c->ndims > 1 && !answer_level(&c->dim[1]) && rv[1] == NO_VALUE))
			continue;
		if (!any_answer_level) {
			size_t a[2] = { rv[0], n0 }, b[2] = { c->ndims > 1 ? rv[1] : n1, n1 };

			for (int x = 0; x < 2; x++)
				for (int y = 0; y < 2; y++)
					BUMP(c->base, bstamp, a[x] * w1 + b[y], tag);
		}
		for (size_t k = start[i]; k < start[i + 1]; k++) {
			const struct item *x = &it->v[k];
			size_t v0 = x->value[0] != NO_VALUE ? x->value[0] : rv[0];
			size_t v1 = c->ndims < 2 ? n1 : x->value[1] != NO_VALUE ? x->value[1] : rv[1];
			size_t a[2] = { v0, n0 }, b[2] = { v1, n1 };

			if (x->theme == NO_VALUE) {
				for (int p = 0; p < 2; p++)
					for (int q = 0; q < 2; q++)
						BUMP(c->base, bstamp, a[p] * w1 + b[q], tag);
				continue;
			}
			/* The theme, each of its ancestors, and "any theme". */
			for (long t = x->theme;; t = c->themes[t].parent) {
				size_t row = t < 0 ? c->nthemes : (size_t)t;

				for (int p = 0; p < 2; p++)
					for (int q = 0; q < 2; q++)
						BUMP(c->cells, cstamp, (row * w0 + a[p]) * w1 + b[q], tag);
				if (t < 0)
					break;
			}
		}
	}
	free(cstamp);
	free(bstamp);
	return 0;
}

struct count_cube *counts_build(sqlite3 *db, long long ex, const char *by, struct err *e)
{
	struct count_cube *c = calloc(1, sizeof *c);
	struct dim_map m[2] = { { 0 }, { 0 } };
	struct respondents r = { 0 };
	struct items it = { 0 };
	long long *theme_ids = NULL, min_id, max_id, n = 0;
	size_t *start = NULL;
	char *names = strdup(by && *by ? by : "district");
	sqlite3_stmt *st = NULL;

	if (!c || !names) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto fail;
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
	if (!(st = db_prepare(db, "SELECT x.code, x.title, s.sha256 FROM exercise x "
				  "JOIN ruleset s ON s.exercise_id = x.id WHERE x.id = ?1", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, ex);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, "reading the exercise", e);
		goto fail;
	}
	c->exercise_code = strdup((const char *)sqlite3_column_text(st, 0));
	c->exercise_title = strdup((const char *)sqlite3_column_text(st, 1));
	snprintf(c->ruleset, sizeof c->ruleset, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	st = NULL;
	if (!c->exercise_code || !c->exercise_title) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto fail;
	}

	/* The dimensions: "district", or "channel,AGE". */
	for (char *save = NULL, *tok = strtok_r(names, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		for (size_t l = strlen(tok); l && isspace((unsigned char)tok[l - 1]); l--)
			tok[l - 1] = '\0';
		if (!*tok)
			continue;
		if (c->ndims == 2) {
			err_set(e, EXIT_USAGE, "--by takes one or two dimensions, not more ('%s')", by);
			goto fail;
		}
		if (dim_load(db, ex, tok, &c->dim[c->ndims], &m[c->ndims], e) < 0)
			goto fail;
		c->ndims++;
		if (c->ndims == 2 && !strcmp(c->dim[0].name, c->dim[1].name)) {
			err_set(e, EXIT_USAGE, "--by names '%s' twice", tok);
			goto fail;
		}
	}
	if (!c->ndims) {
		err_set(e, EXIT_USAGE, "--by needs a dimension, such as district or channel");
		goto fail;
	}
	for (size_t d = 0; d < c->ndims; d++)
		if (answer_level(&c->dim[d]) && dim_map_questions(db, ex, &c->dim[d], &m[d], e) < 0)
			goto fail;
	if (load_themes(db, ex, c, &theme_ids, &min_id, &max_id, e) < 0 ||
	    read_respondents(db, ex, c, m, &r, e) < 0)
		goto fail;
	for (size_t d = 0; d < c->ndims; d++)
		if (c->dim[d].kind == DIM_DEMOGRAPHIC && read_demographic(db, &c->dim[d], &m[d], &r, e) < 0)
			goto fail;
	if (r.n >= UINT32_MAX - 1) {
		err_set(e, EXIT_USAGE, "too many responses to count at once");
		goto fail;
	}
	if (read_items(db, c, m, &r, theme_ids, min_id, max_id, &it, e) < 0)
		goto fail;
	{
		size_t w0 = c->dim[0].nvalues + 1, w1 = c->dim[1].nvalues + 1;

		c->cells = calloc((c->nthemes + 1) * w0 * w1, sizeof *c->cells);
		c->base = calloc(w0 * w1, sizeof *c->base);
	}
	if (!c->cells || !c->base || group_items(&it, r.n, &start) < 0 ||
	    tally(c, m, &r, &it, start) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto fail;
	}
	goto done;
fail:
	count_cube_free(c);
	c = NULL;
done:
	sqlite3_finalize(st);
	for (size_t d = 0; d < 2; d++) {
		free(m[d].by_resp);
		free(m[d].by_qid);
		free(m[d].option_id);
		free(m[d].event_id);
	}
	free(r.id);
	free(it.v);
	free(start);
	free(theme_ids);
	free(names);
	return c;
}
