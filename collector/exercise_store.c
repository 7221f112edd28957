/*
 * exercise_store.c: writing an exercise definition into the database.
 *
 * Loading is a merge keyed on codes: what is new is added, what changed is
 * updated, what the definition dropped is removed. Responses are never
 * touched: removing or reshaping anything they use is refused, with the
 * reason, and the whole load is rolled back.
 */
#include "exercise.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strbuf.h"

/* One column value for upsert(): text (NULL is SQL NULL) or an integer. */
struct col {
	const char *name;
	int is_int;
	const char *text;
	long long num;
	int null_num; /* with is_int: store NULL */
};

#define TEXT(n, v) { (n), 0, (v), 0, 0 }
#define INT(n, v) { (n), 1, NULL, (v), 0 }
#define INT_OR_NULL(n, v, isnull) { (n), 1, NULL, (v), (isnull) }

struct store {
	sqlite3 *db;
	struct err *e;
	struct exercise_changes *ch;
	const char *file;
	long long exercise_id;
};

static void bind_col(sqlite3_stmt *st, int i, const struct col *c)
{
	if (c->is_int && !c->null_num)
		sqlite3_bind_int64(st, i, c->num);
	else if (!c->is_int && c->text)
		sqlite3_bind_text(st, i, c->text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int sql_add(char *buf, size_t cap, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The columns of `table` do not fit the statement's buffers: a program error, said. */
static int too_many_columns(struct store *s, const char *table)
{
	return err_set(s->e, EXIT_SYSTEM, "%s: writing table %s: its columns do not fit the "
					  "statement (a program error)", s->file, table);
}

/*
 * Appends to the statement being built in buf (`*used` bytes of `cap` so
 * far). 0, or -1 when it does not fit: never written past the end, nor
 * left cut for the next append to start beyond it.
 */
static int sql_add(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= cap)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

/*
 * Finds the row of `table` whose key columns equal `keys`, inserts it with
 * `data` when there is none, or updates it when any data column differs.
 * Counts what it did in s->ch and records the row as kept. *id gets the row id.
 */
static int upsert(struct store *s, const char *table, const struct col *keys, int nkeys,
		  const struct col *data, int ndata, long long *id)
{
	char sql[2048], where[512] = "", same[1024] = "1";
	size_t nw = 0, ns = 1, nsql = 0, nc = 0, nv = 0;
	sqlite3_stmt *st = NULL;
	int rc, bad = 0, differs = 0;

	for (int i = 0; i < nkeys; i++)
		bad |= sql_add(where, sizeof where, &nw, "%s%s IS ?%d", i ? " AND " : "",
			       keys[i].name, i + 1);
	for (int i = 0; i < ndata; i++)
		bad |= sql_add(same, sizeof same, &ns, " AND %s IS ?%d", data[i].name, nkeys + i + 1);
	bad |= sql_add(sql, sizeof sql, &nsql, "SELECT id, %s FROM %s WHERE %s", same, table,
		       where);
	if (bad)
		return too_many_columns(s, table);
	if (!(st = db_prepare(s->db, sql, s->e)))
		return -1;
	for (int i = 0; i < nkeys; i++)
		bind_col(st, i + 1, &keys[i]);
	for (int i = 0; i < ndata; i++)
		bind_col(st, nkeys + i + 1, &data[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		differs = !sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s->db, "reading the exercise", s->e);

	if (rc == SQLITE_DONE) {
		char cols[1024], vals[256];

		for (int i = 0; i < nkeys + ndata; i++) {
			const struct col *c = i < nkeys ? &keys[i] : &data[i - nkeys];

			bad |= sql_add(cols, sizeof cols, &nc, "%s%s", i ? ", " : "", c->name);
			bad |= sql_add(vals, sizeof vals, &nv, "%s?%d", i ? ", " : "", i + 1);
		}
		nsql = 0;
		bad |= sql_add(sql, sizeof sql, &nsql, "INSERT INTO %s (%s) VALUES (%s)", table,
			       nc ? cols : "", nv ? vals : "");
	} else if (differs) {
		nsql = 0;
		bad |= sql_add(sql, sizeof sql, &nsql, "UPDATE %s SET ", table);
		for (int i = 0; i < ndata; i++)
			bad |= sql_add(sql, sizeof sql, &nsql, "%s%s = ?%d", i ? ", " : "",
				       data[i].name, nkeys + i + 1);
		bad |= sql_add(sql, sizeof sql, &nsql, " WHERE %s", where);
	} else {
		goto kept;
	}
	if (bad)
		return too_many_columns(s, table);
	if (!(st = db_prepare(s->db, sql, s->e)))
		return -1;
	for (int i = 0; i < nkeys; i++)
		bind_col(st, i + 1, &keys[i]);
	for (int i = 0; i < ndata; i++)
		bind_col(st, nkeys + i + 1, &data[i]);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "writing the exercise", s->e);
	if (differs) {
		s->ch->updated++;
	} else {
		*id = sqlite3_last_insert_rowid(s->db);
		s->ch->added++;
	}
kept:
	if (!(st = db_prepare(s->db, "INSERT INTO temp.kept (tbl, id) VALUES (?1, ?2)", s->e)))
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s->db, "writing the exercise", s->e);
}

/* A count from `sql` with one integer and up to two text parameters. */
static long long count_of(struct store *s, const char *sql, long long id, const char *t1,
			  const char *t2)
{
	sqlite3_stmt *st = db_prepare(s->db, sql, s->e);
	long long n = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, t1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t2, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		db_fail(s->db, "reading the exercise", s->e);
	sqlite3_finalize(st);
	return n;
}

/*
 * Removes the rows of `table` in scope (`scope_sql` selects id, label, and
 * how many responses or answers use it) that the definition no longer has.
 * Each one in use is a refusal naming `what`.
 */
static int sweep(struct store *s, const char *table, const char *scope_sql, const char *what,
		 const char *uses, int dry)
{
	char sql[1024];
	sqlite3_stmt *st, *del = NULL;
	long long *doomed = NULL;
	size_t n = 0, cap = 0;
	int rc, bad = 0;

	snprintf(sql, sizeof sql,
		 "SELECT id, label, used FROM (%s) WHERE id NOT IN "
		 "(SELECT id FROM temp.kept WHERE tbl = '%s')",
		 scope_sql, table);
	if (!(st = db_prepare(s->db, sql, s->e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	/* Read them all before deleting any: no writes under a running query. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long used = sqlite3_column_int64(st, 2);

		if (used > 0) {
			err_set(s->e, EXIT_DATA,
				"%s: %s '%s' is no longer in the definition, but %lld %s it: "
				"put it back, or erase those responses first",
				s->file, what, (const char *)sqlite3_column_text(st, 1), used, uses);
			bad = 1;
			continue;
		}
		if (ALLOC_GROW(doomed, n + 1, cap) < 0) {
			err_set(s->e, EXIT_SYSTEM, "out of memory loading the exercise");
			bad = -1;
			break;
		}
		doomed[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (bad == 0 && rc != SQLITE_DONE)
		bad = db_fail(s->db, "reading the exercise", s->e);
	/* After a refusal, only look: the load is rolled back, and problems are listed whole. */
	if (bad || dry)
		goto out;
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?1", table);
	if (!(del = db_prepare(s->db, sql, s->e))) {
		bad = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(del, 1, doomed[i]);
		if (sqlite3_step(del) != SQLITE_DONE) {
			bad = db_fail(s->db, "removing from the exercise", s->e);
			break;
		}
		sqlite3_reset(del);
		s->ch->removed++;
	}
out:
	sqlite3_finalize(del);
	free(doomed);
	return bad ? -1 : 0;
}

static int store_events(struct store *s, const struct exercise_def *d)
{
	int bad = 0;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct ex_event *ev = &d->events[i];
		struct col keys[] = { INT("exercise_id", s->exercise_id), TEXT("code", ev->code) };
		struct col data[] = {
			TEXT("kind", ev->kind), TEXT("title", ev->title), TEXT("venue", ev->venue),
			TEXT("town", ev->town), TEXT("held_on", ev->date),
			TEXT("district_code", ev->district),
		};
		long long id, moved;

		moved = count_of(s,
				 "SELECT count(*) FROM response r JOIN event v ON r.event_id = v.id "
				 "WHERE v.exercise_id = ?1 AND v.code = ?2 AND v.district_code <> ?3",
				 s->exercise_id, ev->code, ev->district);
		if (moved < 0)
			return -1;
		if (moved > 0) {
			err_set(s->e, EXIT_DATA,
				"%s:%ld: event '%s' cannot move to district %s: %lld responses were "
				"collected there and placed in its old district",
				s->file, ev->line, ev->code, ev->district, moved);
			bad = 1;
			continue;
		}
		if (upsert(s, "event", keys, 2, data, 6, &id) < 0)
			return -1;
	}
	return bad ? -1 : 0;
}

/* The stored id of a standard question or option, by code, for maps-to. */
static long long standard_id(struct store *s, const char *sql, long long scope,
			     const char *code)
{
	sqlite3_stmt *st = db_prepare(s->db, sql, s->e);
	long long id = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, scope);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		err_set(s->e, EXIT_SYSTEM, "%s: '%s' was not stored before its mapping", s->file,
			code);
	sqlite3_finalize(st);
	return id;
}

static int store_options(struct store *s, const struct ex_question *q, long long qid,
			 long long target_qid)
{
	for (size_t k = 0; k < q->noptions; k++) {
		const struct ex_option *o = &q->options[k];
		long long id, to = 0;

		if (o->maps_to) {
			to = standard_id(s, "SELECT id FROM question_option WHERE question_id = ?1 "
					    "AND code = ?2",
					 target_qid, o->maps_to);
			if (to < 0)
				return -1;
		}
		struct col keys[] = { INT("question_id", qid), TEXT("code", o->code) };
		struct col data[] = {
			INT("position", (long long)k + 1), TEXT("label", o->label),
			TEXT("picture", o->picture), INT_OR_NULL("maps_to", to, !o->maps_to),
			INT("exclusive", o->exclusive),
		};
		if (upsert(s, "question_option", keys, 2, data, 5, &id) < 0)
			return -1;
	}
	return 0;
}

/*
 * A derived question's groups (option_group), written afresh each load: they
 * hold no answers, only how the source question's answers are counted.
 */
static int store_groups(struct store *s, const struct ex_question *q, long long qid,
			long long from)
{
	sqlite3_stmt *st;
	char id[32];
	long long none;
	int rc = SQLITE_DONE;

	snprintf(id, sizeof id, "%lld", qid);
	if (db_int(s->db, "DELETE FROM option_group WHERE question_id = ?1", 0, &none, s->e, 1,
		   id) < 0)
		return -1;
	if (!(st = db_prepare(s->db, "INSERT INTO option_group (question_id, option_id, "
				     "source_question_id, source_option_id) SELECT ?1, d.id, ?2, "
				     "o.id FROM question_option d, question_option o WHERE "
				     "d.question_id = ?1 AND d.code = ?3 AND o.question_id = ?2 "
				     "AND o.code = ?4", s->e)))
		return -1;
	for (size_t k = 0; k < q->noptions && rc == SQLITE_DONE; k++) {
		const char *m = q->options[k].of;

		while (m && *m && rc == SQLITE_DONE) {
			size_t n;

			m += strspn(m, " \t\n");
			if (!(n = strcspn(m, " \t\n")))
				break;
			sqlite3_bind_int64(st, 1, qid);
			sqlite3_bind_int64(st, 2, from);
			sqlite3_bind_text(st, 3, q->options[k].code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, m, (int)n, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			m += n;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "storing the groups of a derived question", s->e);
	return 0;
}

/* The skip rules of questionnaire `qnr`, one text to compare before and after. */
#define ASK_IF_SQL "SELECT coalesce(sum(a.question_id * 7919 + a.option_id), 0) + count(*) " \
		   "FROM question_ask_if a JOIN question q ON q.id = a.question_id " \
		   "WHERE q.questionnaire_id = ?1"

/*
 * The questionnaire's <ask-if> rules (question_ask_if), written afresh each
 * load: they hold no answers, only which answers ask a question.
 */
static int store_ask_if(struct store *s, const struct ex_questionnaire *qs, long long qnr)
{
	long long before, after, none;
	sqlite3_stmt *st;
	char id[32];
	int rc = SQLITE_DONE;

	snprintf(id, sizeof id, "%lld", qnr);
	if (db_int(s->db, ASK_IF_SQL, 0, &before, s->e, 1, id) < 0 ||
	    db_int(s->db, "DELETE FROM question_ask_if WHERE question_id IN (SELECT id FROM "
			  "question WHERE questionnaire_id = ?1)", 0, &none, s->e, 1, id) < 0)
		return -1;
	if (!(st = db_prepare(s->db, "INSERT INTO question_ask_if (question_id, option_id) "
				     "SELECT q.id, o.id FROM question q, question c, "
				     "question_option o WHERE q.questionnaire_id = ?1 AND "
				     "q.code = ?2 AND c.questionnaire_id = ?1 AND c.code = ?3 AND "
				     "o.question_id = c.id AND o.code = ?4", s->e)))
		return -1;
	for (size_t i = 0; i < qs->nquestions && rc == SQLITE_DONE; i++) {
		const struct ex_question *q = &qs->questions[i];
		const char *m = q->ask_if_options;

		while (q->ask_if_question && m && *m && rc == SQLITE_DONE) {
			size_t n;

			m += strspn(m, " \t\n");
			if (!(n = strcspn(m, " \t\n")))
				break;
			sqlite3_bind_int64(st, 1, qnr);
			sqlite3_bind_text(st, 2, q->code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, q->ask_if_question, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, m, (int)n, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			m += n;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "storing the questions' skip rules", s->e);
	if (db_int(s->db, ASK_IF_SQL, 0, &after, s->e, 1, id) < 0)
		return -1;
	if (before != after && !s->ch->new_exercise)
		s->ch->updated++;
	return 0;
}

/*
 * Answers already stored depend on a question's type and range, and, for
 * Easy Read, on what it maps onto: those may not change under them.
 */
static int check_reshape(struct store *s, long long qnr_id, const struct ex_question *q,
			 long long maps_to)
{
	sqlite3_stmt *st = db_prepare(s->db,
		"SELECT (SELECT count(*) FROM answer a WHERE a.question_id = q.id "
		"        OR a.source_question_id = q.id) "
		"FROM question q WHERE q.questionnaire_id = ?1 AND q.code = ?2 "
		"AND (q.type <> ?3 OR q.scale_min IS NOT ?4 OR q.scale_max IS NOT ?5 "
		"     OR q.maps_to IS NOT ?6)", s->e);
	long long used = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, qnr_id);
	sqlite3_bind_text(st, 2, q->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->type, -1, SQLITE_STATIC);
	if (q->has_scale) {
		sqlite3_bind_int64(st, 4, q->scale_min);
		sqlite3_bind_int64(st, 5, q->scale_max);
	}
	if (maps_to > 0)
		sqlite3_bind_int64(st, 6, maps_to);
	if (sqlite3_step(st) == SQLITE_ROW)
		used = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (used > 0)
		return err_set(s->e, EXIT_DATA,
			       "%s:%ld: question '%s' cannot change its type, range or mapping: "
			       "%lld answers were stored under the old one",
			       s->file, q->line, q->code, used);
	return 0;
}

static int store_questionnaire(struct store *s, const struct ex_questionnaire *qs,
			       const char *variant, long long standard_qnr, long long *qnr_out)
{
	struct col keys[] = { INT("exercise_id", s->exercise_id), TEXT("variant", variant) };
	struct col data[] = { TEXT("code", qs->code), TEXT("title", qs->title) };
	long long qnr;
	int bad = 0;

	if (upsert(s, "questionnaire", keys, 2, data, 2, &qnr) < 0)
		return -1;
	*qnr_out = qnr;
	for (size_t i = 0; i < qs->nquestions; i++) {
		const struct ex_question *q = &qs->questions[i];
		long long id, to = 0, from = 0;

		if (q->maps_to && (to = standard_id(s, "SELECT id FROM question WHERE "
						       "questionnaire_id = ?1 AND code = ?2",
						    standard_qnr, q->maps_to)) < 0)
			return -1;
		if (q->derived_from && (from = standard_id(s, "SELECT id FROM question WHERE "
							      "questionnaire_id = ?1 AND code = ?2",
							   qnr, q->derived_from)) < 0)
			return -1;
		if (check_reshape(s, qnr, q, to) < 0) {
			if (s->e->code != EXIT_DATA)
				return -1;
			bad = 1;
			continue;
		}
		struct col qkeys[] = { INT("questionnaire_id", qnr), TEXT("code", q->code) };
		struct col qdata[] = {
			INT("position", (long long)i + 1), TEXT("type", q->type),
			TEXT("polarity", q->polarity), TEXT("topic", q->topic),
			TEXT("text", q->text), TEXT("help", q->help),
			INT_OR_NULL("scale_min", q->scale_min, !q->has_scale),
			INT_OR_NULL("scale_max", q->scale_max, !q->has_scale),
			INT_OR_NULL("maps_to", to, !q->maps_to),
			INT_OR_NULL("derived_from", from, !q->derived_from),
		};
		if (upsert(s, "question", qkeys, 2, qdata, 10, &id) < 0)
			return -1;
		if (store_options(s, q, id, to) < 0 ||
		    (q->derived_from && store_groups(s, q, id, from) < 0))
			return -1;
	}
	if (!bad && store_ask_if(s, qs, qnr) < 0)
		return -1;
	return bad ? -1 : 0;
}

/* Sweeps of what the definition dropped: Easy Read first, it points at standard. */
static const struct {
	const char *table, *what, *uses, *sql;
} sweeps[] = {
	{ "question_option", "option", "answers use",
	  "SELECT o.id AS id, q.code || '/' || o.code AS label, "
	  "(SELECT count(*) FROM answer a WHERE a.option_id = o.id) AS used "
	  "FROM question_option o JOIN question q ON o.question_id = q.id "
	  "JOIN questionnaire n ON q.questionnaire_id = n.id WHERE n.exercise_id = ?1 "
	  "ORDER BY n.variant = 'standard', o.id" },
	{ "question", "question", "answers use",
	  "SELECT q.id AS id, q.code AS label, "
	  "(SELECT count(*) FROM answer a WHERE a.question_id = q.id "
	  " OR a.source_question_id = q.id) AS used "
	  "FROM question q JOIN questionnaire n ON q.questionnaire_id = n.id "
	  "WHERE n.exercise_id = ?1 "
	  /* Derived questions before the questions they coarsen. */
	  "ORDER BY n.variant = 'standard', q.derived_from IS NULL, q.id" },
	{ "questionnaire", "questionnaire", "responses were made with",
	  "SELECT n.id AS id, n.variant AS label, (SELECT count(*) FROM response r "
	  "WHERE r.exercise_id = n.exercise_id AND r.form_variant = n.variant) AS used "
	  "FROM questionnaire n WHERE n.exercise_id = ?1" },
	/* Responses keep the area they were counted in: a district may leave it. */
	{ "area_member", "included district", "responses use",
	  "SELECT m.id AS id, m.area_code || '/' || m.district_code AS label, 0 AS used "
	  "FROM area_member m WHERE m.exercise_id = ?1" },
	{ "event", "event", "responses were collected at",
	  "SELECT v.id AS id, v.code AS label, "
	  "(SELECT count(*) FROM response r WHERE r.event_id = v.id) AS used "
	  "FROM event v WHERE v.exercise_id = ?1" },
};

static int store_districts(struct store *s, const struct exercise_def *d)
{
	sqlite3_stmt *st;
	int rc, bad = 0;

	/* Districts are shared by every exercise in the file: names follow the newest load. */
	if (!(st = db_prepare(s->db, "INSERT INTO district (code, name) VALUES (?1, ?2) "
				     "ON CONFLICT (code) DO UPDATE SET name = excluded.name "
				     "WHERE name IS NOT excluded.name", s->e)))
		return -1;
	for (size_t i = 0; i < d->ndistricts; i++) {
		sqlite3_bind_text(st, 1, d->districts[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, d->districts[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return db_fail(s->db, "writing the exercise", s->e);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* exercise_district: which districts this exercise covers, in order. */
	if (!(st = db_prepare(s->db,
			      "SELECT x.district_code, (SELECT count(*) FROM response r "
			      "WHERE r.exercise_id = x.exercise_id AND r.district_code = "
			      "x.district_code) FROM exercise_district x WHERE x.exercise_id = ?1",
			      s->e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		size_t i;

		for (i = 0; i < d->ndistricts && strcmp(d->districts[i].code, code); i++)
			;
		if (i == d->ndistricts && sqlite3_column_int64(st, 1) > 0) {
			err_set(s->e, EXIT_DATA,
				"%s: district %s is no longer in the definition, but %lld responses "
				"are placed in it: put it back",
				s->file, code, sqlite3_column_int64(st, 1));
			bad = 1;
		} else if (i == d->ndistricts) {
			s->ch->removed++;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "reading the exercise", s->e);
	if (bad)
		return -1;
	if (!(st = db_prepare(s->db, "DELETE FROM exercise_district WHERE exercise_id = ?1",
			      s->e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "writing the exercise", s->e);
	if (!(st = db_prepare(s->db, "INSERT INTO exercise_district (exercise_id, district_code, "
				     "position) VALUES (?1, ?2, ?3)", s->e)))
		return -1;
	for (size_t i = 0; i < d->ndistricts; i++) {
		sqlite3_bind_int64(st, 1, s->exercise_id);
		sqlite3_bind_text(st, 2, d->districts[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (long long)i + 1);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return db_fail(s->db, "writing the exercise", s->e);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

/* area_member: the districts each bigger area includes, for the postcode roll-up. */
static int store_members(struct store *s, const struct exercise_def *d)
{
	for (size_t i = 0; i < d->ndistricts; i++) {
		const struct ex_district *a = &d->districts[i];

		for (size_t k = 0; k < a->nincludes; k++) {
			struct col keys[] = { INT("exercise_id", s->exercise_id),
					      TEXT("district_code", a->includes[k].code) };
			struct col data[] = { TEXT("area_code", a->code) };
			long long id;

			if (upsert(s, "area_member", keys, 2, data, 1, &id) < 0)
				return -1;
		}
	}
	return 0;
}

static int store_all(struct store *s, const struct exercise_def *d)
{
	char threshold[32];
	long long before = -1, std_id = 0;
	int bad = 0;

	snprintf(threshold, sizeof threshold, "%.6g", d->outward_share_threshold);
	if (db_int(s->db, "SELECT id FROM exercise WHERE code = ?1", -1, &before, s->e, 1,
		   d->code) < 0)
		return -1;
	s->ch->new_exercise = before < 0;
	{
		struct col keys[] = { TEXT("code", d->code) };
		struct col data[] = {
			TEXT("title", d->title), TEXT("organisation", d->organisation),
			TEXT("description", d->description), TEXT("opens", d->opens),
			TEXT("closes", d->closes), TEXT("double_entry", d->double_entry),
			TEXT("outward_share_threshold", threshold),
		};
		if (upsert(s, "exercise", keys, 1, data, 7, &s->exercise_id) < 0)
			return -1;
	}
	if (store_districts(s, d) < 0) {
		if (s->e->code != EXIT_DATA)
			return -1;
		bad = 1;
	}
	if (!bad && store_members(s, d) < 0)
		return -1;
	if (store_events(s, d) < 0) {
		if (s->e->code != EXIT_DATA)
			return -1;
		bad = 1;
	}
	if (store_questionnaire(s, &d->standard, "standard", 0, &std_id) < 0) {
		if (s->e->code != EXIT_DATA)
			return -1;
		bad = 1;
	}
	if (!bad && d->easy_read.present) {
		long long er_id;

		if (store_questionnaire(s, &d->easy_read, "easy-read", std_id, &er_id) < 0) {
			if (s->e->code != EXIT_DATA)
				return -1;
			bad = 1;
		}
	}
	for (size_t i = 0; i < sizeof sweeps / sizeof sweeps[0]; i++)
		if (sweep(s, sweeps[i].table, sweeps[i].sql, sweeps[i].what, sweeps[i].uses, bad) < 0) {
			if (s->e->code != EXIT_DATA)
				return -1;
			bad = 1;
		}
	return bad ? -1 : 0;
}

int exercise_store(sqlite3 *db, const struct exercise_def *d, long long *exercise_id,
		   struct exercise_changes *changes, struct err *e)
{
	struct store s = { db, e, changes, d->file, 0 };
	sqlite3_stmt *st;
	int rc;

	memset(changes, 0, sizeof *changes);
	if (db_begin(db, e) < 0)
		return -1;
	if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS kept (tbl TEXT NOT NULL, id INTEGER "
			"NOT NULL); DELETE FROM temp.kept",
		    "loading the exercise", e) < 0)
		goto fail;
	if (store_all(&s, d) < 0)
		goto fail;
	/* The file's identity changes whenever its bytes do, even if nothing else did. */
	if (!(st = db_prepare(db, "UPDATE exercise SET definition_file = ?2, "
				  "definition_sha256 = ?3, loaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
				  "'now') WHERE id = ?1 AND (definition_sha256 IS NOT ?3 OR ?4)", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, s.exercise_id);
	sqlite3_bind_text(st, 2, d->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, changes->added + changes->updated + changes->removed > 0);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "writing the exercise", e);
		goto fail;
	}
	if (db_exec(db, "DELETE FROM temp.kept", "loading the exercise", e) < 0 ||
	    db_commit(db, e) < 0)
		goto fail;
	*exercise_id = s.exercise_id;
	return 0;
fail:
	db_rollback(db);
	return -1;
}
