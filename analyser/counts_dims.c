/*
 * counts_dims.c: what a cube counts by (see counts.h): the dimensions,
 * their values in order, and the rule set's themes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "area_word.h"
#include "counts_internal.h"
#include "db.h"
#include "strbuf.h"

const char *const count_dim_names[] = {
	"district", "channel", "event", "form", "question", "polarity", NULL,
};

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
	free(c->member);
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
	struct count_value *v;

	if (ALLOC_GROW(d->values, d->nvalues + 1, d->capvalues) < 0)
		return -1;
	v = d->values + d->nvalues;
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
	size_t capids = 0; /* growing from 0 is safe whatever *ids holds: it is only realloc'd */
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
			if (ALLOC_GROW(*ids, d->nvalues, capids) < 0)
				goto oom;
			(*ids)[d->nvalues - 1] = sqlite3_column_int64(st, 3);
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
int counts_dim_load(sqlite3 *db, long long ex, const char *name, struct count_dim *d,
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
		const char *title = titles[k];

		/* "Area" when the exercise covers more than districts. */
		if (k == DIM_DISTRICT && area_word(db, ex, 1, &title, e) < 0)
			return -1;
		if (!(d->title = strdup(title)))
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
		/* Only when there are any, so that tables of exercises without one stay as they were. */
		if (d->kind == DIM_CHANNEL) {
			long long nk = 0;
			char id[32];

			snprintf(id, sizeof id, "%lld", ex);
			if (db_int(db, "SELECT count(*) FROM response WHERE exercise_id = ?1 AND "
				       "channel = 'kiosk'", 0, &nk, e, 1, id) < 0)
				return -1;
			if (nk && add_value(d, "kiosk", "Kiosk at an event", "Kiosk") < 0)
				goto oom;
		}
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
		/*
		 * A repeat read one answer per member (mode="each") can give a
		 * response several options of one question: such respondents are
		 * counted once, under their own value, never under one option
		 * picked at random. Only when there are any, which the pass over
		 * the answers finds (counts_dim_add_several()).
		 */
		if (add_value(d, "(unknown)", "Not answered", "Not answered") < 0)
			goto oom;
		return 0;
	}
	}
	return 0;
oom:
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

int counts_dim_add_several(struct count_dim *d)
{
	struct count_value last;

	if (!d->nvalues || add_value(d, COUNTS_SEVERAL, "More than one answer", "More than one") < 0)
		return -1;
	last = d->values[d->nvalues - 2];
	d->values[d->nvalues - 2] = d->values[d->nvalues - 1];
	d->values[d->nvalues - 1] = last;
	return 0;
}

/* Answer-level dimensions: the value of every free-text question of the exercise. */
int counts_dim_map_questions(sqlite3 *db, long long ex, const struct count_dim *d,
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

/*
 * The themes of the exercise's rule set, parents before children in file
 * order; never a safeguarding theme (docs/safeguarding.md), so its tags are
 * in no count, table or report.
 */
int counts_load_themes(sqlite3 *db, long long ex, struct count_cube *c, long long **ids,
		       long long *min_id, long long *max_id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"WITH RECURSIVE tree(id, code, label, depth, parent, path) AS ("
		" SELECT h.id, h.code, h.label, h.depth, NULL, printf('%06d', h.position) FROM theme h "
		" JOIN ruleset s ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 AND h.parent_id IS NULL "
		" AND h.safeguarding = 0 "
		" UNION ALL SELECT h.id, h.code, h.label, h.depth, h.parent_id, "
		" tree.path || printf('/%06d', h.position) FROM theme h JOIN tree ON h.parent_id = tree.id "
		" WHERE h.safeguarding = 0) "
		"SELECT id, code, label, depth, parent FROM tree ORDER BY path", e);
	long long *pid = NULL;
	size_t capids = 0, cappid = 0; /* *ids only ever realloc'd: safe from 0 */
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	*min_id = 0;
	*max_id = -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = c->nthemes;
		struct count_theme *t;
		long long *n, *p;

		if (ALLOC_GROW(c->themes, i + 1, c->capthemes) < 0 ||
		    ALLOC_GROW(*ids, i + 1, capids) < 0 || ALLOC_GROW(pid, i + 1, cappid) < 0 ||
		    i + 1 >= NO_VALUE)
			goto oom;
		t = c->themes + i;
		n = *ids;
		p = pid;
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
