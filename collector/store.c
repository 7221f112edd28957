/*
 * store.c: storing responses and their answers, one at a time (typed entry)
 * or a few hundred at a time (an import).
 */
#include "store.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "keyset.h"
#include "postcode.h"
#include "strbuf.h"

/* ---- the time a response is recorded ---------------------------------- */

const char *stamp_now(struct stamp *st)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!st->s[0] || ts.tv_sec != st->t) {
		st->t = ts.tv_sec;
		gmtime_r(&st->t, &tm);
		strftime(st->s, sizeof st->s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	return st->s;
}

/* ---- one response at a time ---------------------------------------------- */

struct response_writer {
	sqlite3 *db;
	sqlite3_stmt *response, *answer;
	struct stamp stamp;       /* recorded_at */
};

struct response_writer *response_writer_new(sqlite3 *db, struct err *e)
{
	struct response_writer *w = calloc(1, sizeof *w);

	if (!w) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	w->db = db;
	if (!(w->response = db_prepare(db,
		"INSERT INTO response (exercise_id, batch_id, channel, form_variant, event_id, "
		"district_code, district_source, district_note, postcode, external_id, serial, "
		"officer, submitted_at, entry_status, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)", e)) ||
	    !(w->answer = db_prepare(db,
		"INSERT INTO answer (response_id, question_id, option_id, value, source_question_id, "
		"state) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", e))) {
		response_writer_free(w);
		return NULL;
	}
	return w;
}

void response_writer_free(struct response_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->response);
	sqlite3_finalize(w->answer);
	free(w);
}

int response_write_answers(struct response_writer *w, long long response_id,
			   const struct stored_answer *answers, size_t n, struct err *e)
{
	sqlite3_stmt *a = w->answer;

	for (size_t i = 0; i < n; i++) {
		const struct stored_answer *r = &answers[i];
		int rc;

		sqlite3_bind_int64(a, 1, response_id);
		sqlite3_bind_int64(a, 2, r->question_id);
		if (r->option_id)
			sqlite3_bind_int64(a, 3, r->option_id);
		else
			sqlite3_bind_null(a, 3);
		if (r->value)
			sqlite3_bind_text(a, 4, r->value, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(a, 4);
		if (r->source_question_id)
			sqlite3_bind_int64(a, 5, r->source_question_id);
		else
			sqlite3_bind_null(a, 5);
		sqlite3_bind_text(a, 6, r->state ? r->state : "answered", -1, SQLITE_STATIC);
		rc = sqlite3_step(a);
		sqlite3_reset(a);
		if (rc != SQLITE_DONE)
			return db_fail(w->db, "storing an answer", e);
	}
	return 0;
}

int response_write(struct response_writer *w, const struct stored_response *r,
		   const struct stored_answer *answers, size_t n, long long *response_id,
		   struct err *e)
{
	sqlite3_stmt *st = w->response;
	const struct postcode_result *p = r->place;
	long long rid;
	int rc;

	sqlite3_bind_int64(st, 1, r->exercise_id);
	if (r->batch_id > 0)
		sqlite3_bind_int64(st, 2, r->batch_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, r->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->form_variant, -1, SQLITE_STATIC);
	if (r->event_id > 0)
		sqlite3_bind_int64(st, 5, r->event_id);
	else
		sqlite3_bind_null(st, 5);
	bind_text_or_null(st, 6, p ? p->district : NULL);
	sqlite3_bind_text(st, 7, p && p->source ? p->source : "unresolved", -1, SQLITE_STATIC);
	bind_text_or_null(st, 8, p ? p->note : NULL);
	bind_text_or_null(st, 9, p ? p->postcode : NULL);
	bind_text_or_null(st, 10, r->external_id);
	bind_text_or_null(st, 11, r->serial);
	bind_text_or_null(st, 12, r->officer);
	bind_text_or_null(st, 13, r->submitted_at);
	sqlite3_bind_text(st, 14, r->entry_status ? r->entry_status : "accepted", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 15, stamp_now(&w->stamp), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(w->db, "storing a response", e);
	rid = sqlite3_last_insert_rowid(w->db);
	if (response_write_answers(w, rid, answers, n, e) < 0)
		return -1;
	if (response_id)
		*response_id = rid;
	return 0;
}

/* ---- a few hundred at a time --------------------------------------------- */

/*
 * Accepted responses wait here, a few hundred at a time, and are then
 * stored by one INSERT ... SELECT per table from a virtual table over them.
 * A statement stepped for each row opens a cursor on the table and on each
 * of its indexes and closes them again, every time: that was a fifth of
 * the import's time. Ids are given explicitly, as SQLite would have given
 * them (the largest so far plus one: the import holds the write lock), so
 * that answers know their response's; rows, ids and order are the same as
 * with one INSERT for each row.
 */
#define PENDING_MAX 256
#define NO_TEXT ((size_t)-1)

struct pending_response {
	long long id, event_id;
	size_t district, source, note, postcode, external_id, serial, officer, submitted;
	int outside_dates;
};

struct pending_answer {
	long long response_id, question_id, option_id, source_question_id;
	size_t value;
	const char *state;
};

struct pending {
	struct pending_response r[PENDING_MAX];
	size_t nr;
	struct pending_answer *a;
	size_t na, capa;
	char *text;                 /* the strings of the rows, one after another */
	size_t used, cap;
	uint64_t keys[4 * PENDING_MAX]; /* hashes of their ids and serials, 0: empty */
	long long next_id;
	/* What the pending responses have in common, bound when they are stored. */
	long long exercise_id, batch_id;
	const char *channel, *form_variant;
};

struct response_batch {
	sqlite3 *db;
	struct pending *pending;
	sqlite3_stmt *put_responses, *put_answers;
	struct stamp stamp;         /* recorded_at */
};

static const char *pending_text(const struct pending *p, size_t off)
{
	return off == NO_TEXT ? NULL : p->text + off;
}

/*
 * The virtual tables: tally_pending_responses(P) and tally_pending_answers(P)
 * with P the pending rows (sqlite3_bind_pointer, type "tally_pending"), their
 * columns those of pending_response and pending_answer in order, then P.
 */
enum { PENDING_RESPONSES, PENDING_ANSWERS };
enum { RESPONSE_COLUMNS = 11, ANSWER_COLUMNS = 6 };

static const int pending_kinds[] = { PENDING_RESPONSES, PENDING_ANSWERS };

struct pending_vtab {
	sqlite3_vtab base;
	int kind;
};

struct pending_cursor {
	sqlite3_vtab_cursor base;
	const struct pending *p;
	size_t i, n;
};

static int pending_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			   sqlite3_vtab **out, char **err)
{
	int kind = *(const int *)aux;
	struct pending_vtab *t;
	int rc = sqlite3_declare_vtab(db, kind == PENDING_RESPONSES
		? "CREATE TABLE x(id, event_id, district_code, district_source, district_note, "
		  "postcode, external_id, serial, officer, submitted_at, outside_dates, "
		  "rows HIDDEN)"
		: "CREATE TABLE x(response_id, question_id, option_id, value, source_question_id, "
		  "state, rows HIDDEN)");

	(void)argc;
	(void)argv;
	(void)err;
	if (rc != SQLITE_OK)
		return rc;
	if (!(t = sqlite3_malloc(sizeof *t)))
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	t->kind = kind;
	*out = &t->base;
	return SQLITE_OK;
}

static int pending_disconnect(sqlite3_vtab *t)
{
	sqlite3_free(t);
	return SQLITE_OK;
}

/* The rows come only through the hidden argument. */
static int pending_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	int hidden = ((struct pending_vtab *)vt)->kind == PENDING_RESPONSES ? RESPONSE_COLUMNS
									   : ANSWER_COLUMNS;

	for (int i = 0; i < info->nConstraint; i++)
		if (info->aConstraint[i].iColumn == hidden && info->aConstraint[i].usable &&
		    info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->estimatedCost = 1;
			info->estimatedRows = PENDING_MAX;
			return SQLITE_OK;
		}
	return SQLITE_CONSTRAINT;
}

static int pending_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct pending_cursor *c = sqlite3_malloc(sizeof *c);

	(void)vt;
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int pending_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int pending_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
			  sqlite3_value **argv)
{
	struct pending_cursor *c = (struct pending_cursor *)cur;
	int kind = ((struct pending_vtab *)cur->pVtab)->kind;

	(void)idx;
	(void)idxstr;
	c->p = argc ? sqlite3_value_pointer(argv[0], "tally_pending") : NULL;
	c->i = 0;
	c->n = !c->p ? 0 : kind == PENDING_RESPONSES ? c->p->nr : c->p->na;
	return SQLITE_OK;
}

static int pending_next(sqlite3_vtab_cursor *cur)
{
	((struct pending_cursor *)cur)->i++;
	return SQLITE_OK;
}

static int pending_eof(sqlite3_vtab_cursor *cur)
{
	const struct pending_cursor *c = (const struct pending_cursor *)cur;

	return c->i >= c->n;
}

static void result_text(sqlite3_context *ctx, const char *s)
{
	if (s)
		sqlite3_result_text(ctx, s, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
}

static void result_id(sqlite3_context *ctx, long long id)
{
	if (id)
		sqlite3_result_int64(ctx, id);
	else
		sqlite3_result_null(ctx);
}

static int pending_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct pending_cursor *c = (const struct pending_cursor *)cur;
	const struct pending *p = c->p;

	if (((struct pending_vtab *)cur->pVtab)->kind == PENDING_RESPONSES) {
		const struct pending_response *r = &p->r[c->i];

		switch (col) {
		case 0: sqlite3_result_int64(ctx, r->id); break;
		case 1: result_id(ctx, r->event_id); break;
		case 2: result_text(ctx, pending_text(p, r->district)); break;
		case 3: result_text(ctx, pending_text(p, r->source)); break;
		case 4: result_text(ctx, pending_text(p, r->note)); break;
		case 5: result_text(ctx, pending_text(p, r->postcode)); break;
		case 6: result_text(ctx, pending_text(p, r->external_id)); break;
		case 7: result_text(ctx, pending_text(p, r->serial)); break;
		case 8: result_text(ctx, pending_text(p, r->officer)); break;
		case 9: result_text(ctx, pending_text(p, r->submitted)); break;
		case 10: sqlite3_result_int(ctx, r->outside_dates); break;
		default: sqlite3_result_null(ctx); break;
		}
	} else {
		const struct pending_answer *a = &p->a[c->i];

		switch (col) {
		case 0: sqlite3_result_int64(ctx, a->response_id); break;
		case 1: sqlite3_result_int64(ctx, a->question_id); break;
		case 2: result_id(ctx, a->option_id); break;
		case 3: result_text(ctx, pending_text(p, a->value)); break;
		case 4: result_id(ctx, a->source_question_id); break;
		case 5: result_text(ctx, a->state); break;
		default: sqlite3_result_null(ctx); break;
		}
	}
	return SQLITE_OK;
}

static int pending_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct pending_cursor *)cur)->i;
	return SQLITE_OK;
}

static const sqlite3_module pending_module = {
	.xConnect = pending_connect,
	.xBestIndex = pending_best_index,
	.xDisconnect = pending_disconnect,
	.xOpen = pending_open,
	.xClose = pending_close,
	.xFilter = pending_filter,
	.xNext = pending_next,
	.xEof = pending_eof,
	.xColumn = pending_column,
	.xRowid = pending_rowid,
};

/* Copies `s` among the pending rows' strings: its place, NO_TEXT for NULL (or ""). */
static size_t pending_copy(struct pending *p, const char *s, int empty_is_null, size_t *fail)
{
	size_t n, off;

	if (!s || (!*s && empty_is_null))
		return NO_TEXT;
	n = strlen(s) + 1;
	/* NUL-terminated strings one after another, found by offset: an array, not a strbuf. */
	if (ALLOC_GROW(p->text, p->used + n, p->cap) < 0) {
		*fail = 1;
		return NO_TEXT;
	}
	off = p->used;
	memcpy(p->text + off, s, n);
	p->used += n;
	return off;
}

static void pending_note_key(struct pending *p, const char *key)
{
	uint64_t h = key_hash(key) | 1;
	size_t i = (size_t)h & (sizeof p->keys / sizeof *p->keys - 1);

	while (p->keys[i] && p->keys[i] != h)
		i = (i + 1) & (sizeof p->keys / sizeof *p->keys - 1);
	p->keys[i] = h;
}

/* Whether a pending row may have `key` (a hash of theirs matches). */
static int pending_may_have(const struct pending *p, const char *key)
{
	uint64_t h = key_hash(key) | 1;
	size_t i = (size_t)h & (sizeof p->keys / sizeof *p->keys - 1);

	while (p && p->keys[i]) {
		if (p->keys[i] == h)
			return 1;
		i = (i + 1) & (sizeof p->keys / sizeof *p->keys - 1);
	}
	return 0;
}

struct response_batch *response_batch_new(sqlite3 *db, struct err *e)
{
	struct response_batch *b = calloc(1, sizeof *b);
	long long max = 0;

	if (!b || !(b->pending = calloc(1, sizeof *b->pending))) {
		free(b);
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	b->db = db;
	if (db_int(db, "SELECT max(id) FROM response", 0, &max, e, 0) < 0)
		goto fail;
	if (max == LLONG_MAX) {
		err_set(e, EXIT_DATA, "the database has no response ids left");
		goto fail;
	}
	b->pending->next_id = max + 1;
	if (sqlite3_create_module(db, "tally_pending_responses", &pending_module,
				  (void *)&pending_kinds[PENDING_RESPONSES]) != SQLITE_OK ||
	    sqlite3_create_module(db, "tally_pending_answers", &pending_module,
				  (void *)&pending_kinds[PENDING_ANSWERS]) != SQLITE_OK) {
		db_fail(db, "importing", e);
		goto fail;
	}
	b->put_responses = db_prepare(db,
		"INSERT INTO response (id, exercise_id, batch_id, channel, form_variant, event_id, "
		"district_code, district_source, district_note, postcode, external_id, serial, "
		"officer, submitted_at, entry_status, recorded_at, outside_dates) SELECT id, ?2, "
		"?3, ?4, ?5, event_id, district_code, district_source, district_note, postcode, "
		"external_id, serial, officer, submitted_at, 'accepted', ?6, outside_dates "
		"FROM tally_pending_responses(?1)",
		e);
	b->put_answers = db_prepare(db,
		"INSERT INTO answer (response_id, question_id, option_id, value, source_question_id, "
		"state) SELECT response_id, question_id, option_id, value, source_question_id, state "
		"FROM tally_pending_answers(?1)", e);
	if (b->put_responses && b->put_answers)
		return b;
fail:
	response_batch_free(b);
	return NULL;
}

void response_batch_free(struct response_batch *b)
{
	if (!b)
		return;
	sqlite3_finalize(b->put_responses);
	sqlite3_finalize(b->put_answers);
	if (b->pending) {
		free(b->pending->a);
		free(b->pending->text);
		free(b->pending);
	}
	free(b);
}

int response_batch_flush(struct response_batch *b, struct err *e)
{
	struct pending *p = b ? b->pending : NULL;
	int rc;

	if (!p || !p->nr)
		return 0;
	/* A failure SQLite answered by rolling the transaction back, unnoticed,
	   would have these rows stored on their own: never write outside it. */
	if (sqlite3_get_autocommit(b->db))
		return err_set(e, EXIT_SYSTEM, "storing responses: the import's transaction "
					       "was rolled back by an earlier error");
	sqlite3_bind_pointer(b->put_responses, 1, p, "tally_pending", NULL);
	sqlite3_bind_int64(b->put_responses, 2, p->exercise_id);
	if (p->batch_id > 0)
		sqlite3_bind_int64(b->put_responses, 3, p->batch_id);
	else
		sqlite3_bind_null(b->put_responses, 3);
	sqlite3_bind_text(b->put_responses, 4, p->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->put_responses, 5, p->form_variant, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->put_responses, 6, stamp_now(&b->stamp), -1, SQLITE_STATIC);
	rc = sqlite3_step(b->put_responses);
	sqlite3_reset(b->put_responses);
	if (rc != SQLITE_DONE)
		return db_fail(b->db, "storing a response", e);
	if (p->na) {
		sqlite3_bind_pointer(b->put_answers, 1, p, "tally_pending", NULL);
		rc = sqlite3_step(b->put_answers);
		sqlite3_reset(b->put_answers);
		if (rc != SQLITE_DONE)
			return db_fail(b->db, "storing an answer", e);
	}
	p->nr = p->na = p->used = 0;
	memset(p->keys, 0, sizeof p->keys);
	return 0;
}

/* Whether `r` has what the pending responses have in common (none pending: yes). */
static int same_common(const struct pending *p, const struct stored_response *r)
{
	return !p->nr || (p->exercise_id == r->exercise_id && p->batch_id == r->batch_id &&
			  !strcmp(p->channel, r->channel) &&
			  !strcmp(p->form_variant, r->form_variant));
}

int response_batch_add(struct response_batch *b, const struct stored_response *r,
		       const struct stored_answer *answers, size_t n, struct err *e)
{
	struct pending *p = b->pending;
	const struct postcode_result *place = r->place;
	struct pending_response *pr;
	size_t fail = 0;
	char key[SERIAL_KEY_LEN];

	if ((p->nr == PENDING_MAX || !same_common(p, r)) && response_batch_flush(b, e) < 0)
		return -1;
	if (ALLOC_GROW(p->a, p->na + n, p->capa) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	p->exercise_id = r->exercise_id;
	p->batch_id = r->batch_id;
	p->channel = r->channel;
	p->form_variant = r->form_variant;
	pr = &p->r[p->nr];
	pr->id = p->next_id;
	pr->event_id = r->event_id > 0 ? r->event_id : 0;
	pr->outside_dates = r->outside_dates != 0;
	pr->district = pending_copy(p, place ? place->district : NULL, 1, &fail);
	pr->source = pending_copy(p, place && place->source ? place->source : "unresolved", 1,
				  &fail);
	pr->note = pending_copy(p, place ? place->note : NULL, 1, &fail);
	pr->postcode = pending_copy(p, place ? place->postcode : NULL, 1, &fail);
	pr->external_id = pending_copy(p, r->external_id, 1, &fail);
	pr->serial = pending_copy(p, r->serial, 1, &fail);
	pr->officer = pending_copy(p, r->officer, 1, &fail);
	pr->submitted = pending_copy(p, r->submitted_at, 1, &fail);
	for (size_t i = 0; i < n; i++) {
		struct pending_answer *a = &p->a[p->na + i];

		a->response_id = pr->id;
		a->question_id = answers[i].question_id;
		a->option_id = answers[i].option_id;
		a->source_question_id = answers[i].source_question_id;
		a->value = answers[i].value ? pending_copy(p, answers[i].value, 0, &fail) : NO_TEXT;
		a->state = answers[i].state ? answers[i].state : "answered";
	}
	if (fail)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	p->nr++;
	p->na += n;
	p->next_id++;
	if (r->external_id && *r->external_id)
		pending_note_key(p, r->external_id);
	if (r->serial && *r->serial) {
		serial_key(r->serial, key);
		pending_note_key(p, key);
	}
	return 0;
}

int response_batch_may_have(const struct response_batch *b, const char *key)
{
	return b && pending_may_have(b->pending, key);
}
