/*
 * import.c: one export file into the database, every record accounted for.
 *
 * The mapping is first bound to the exercise: each mapped question code is
 * looked up in the questionnaire the export used (standard or Easy Read),
 * with its options, and where an Easy Read answer is stored (the standard
 * question and option it maps onto). Then each record becomes a response
 * with its answers, a duplicate, or a reject with its reason.
 */
#include "import.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "dates.h"
#include "db.h"
#include "erased.h"
#include "postcode.h"
#include "progress.h"
#include "utf8.h"

/* ---- the time a response is recorded ---------------------------------- */

/* recorded_at: "2019-06-05T10:11:12Z", the second it is of. */
struct stamp {
	time_t t;
	char s[32];
};

/*
 * Now, as strftime('%Y-%m-%dT%H:%M:%SZ', 'now') says it, made once a second
 * rather than by SQLite for every response.
 */
static const char *stamp_now(struct stamp *st)
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

/* ---- a set of response keys ------------------------------------------- */

/*
 * Keys (response ids, serial numbers) with the place each was first seen:
 * open addressing over a power-of-two table. It holds only the keys that
 * identity() must remember itself, which in a clean file are none.
 */
struct keyslot {
	uint64_t hash;
	char *key;                  /* NULL: empty */
	long place;
};

struct keyset {
	struct keyslot *slots;
	size_t cap, n;
};

static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return h;
}

static struct keyslot *keyset_slot(const struct keyset *s, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->slots[i].key && (s->slots[i].hash != h || strcmp(s->slots[i].key, key)))
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

/* The place `key` was first seen, or 0. */
static long keyset_get(const struct keyset *s, const char *key)
{
	return s->n ? keyset_slot(s, key, key_hash(key))->place : 0;
}

/* Adds `key` unless it is there already (the first place stays). 0 or -1. */
static int keyset_add(struct keyset *s, const char *key, long place)
{
	uint64_t h = key_hash(key);
	struct keyslot *slot;

	if (2 * (s->n + 1) > s->cap) {
		struct keyset bigger = { NULL, s->cap ? 2 * s->cap : 64, s->n };

		if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i].key)
				*keyset_slot(&bigger, s->slots[i].key, s->slots[i].hash) = s->slots[i];
		free(s->slots);
		*s = bigger;
	}
	slot = keyset_slot(s, key, h);
	if (slot->key)
		return 0;
	if (!(slot->key = strdup(key)))
		return -1;
	slot->hash = h;
	slot->place = place;
	s->n++;
	return 0;
}

static void keyset_free(struct keyset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

/* ---- storing responses a few hundred at a time -------------------------- */

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
enum { RESPONSE_COLUMNS = 10, ANSWER_COLUMNS = 6 };

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
		  "postcode, external_id, serial, officer, submitted_at, rows HIDDEN)"
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
	if (p->used + n > p->cap) {
		size_t cap = p->cap ? p->cap : 1 << 16;
		char *more;

		while (cap < p->used + n)
			cap *= 2;
		if (!(more = realloc(p->text, cap))) {
			*fail = 1;
			return NO_TEXT;
		}
		p->text = more;
		p->cap = cap;
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

/* A serial number's key among the file's keys, apart from the response ids. */
static void serial_key(const char *serial, char key[160])
{
	snprintf(key, 160, "serial\x1f%s", serial);
}

/* Responses with one district code ("" for none, then by out_of_area). */
struct district_count {
	char code[16];
	int out_of_area;
	long n;
};

/* ---- binding the mapping to the exercise ----------------------------- */

struct bound_option {
	char *code;                 /* in the mapped questionnaire */
	char *label;
	long long store_id;         /* the option stored: the standard one it maps onto */
};

struct bound_question {
	const struct map_question *mq;
	char *type;                 /* of the mapped question */
	long long store_qid;        /* standard question the answer is stored under */
	long long source_qid;       /* the Easy Read question, 0 for standard */
	int has_scale;
	long scale_min, scale_max;
	struct bound_option *opts;
	size_t nopts;
	long *opt_value_index;      /* per mq->values: the option each <value> names */
	int field;                  /* column index when the names are fixed */
	int *option_fields;         /* per mq->options, the same */
	long *option_index;         /* per mq->options: which bound option */
	/* Shapes (import_shape.c). */
	const struct map_route *route; /* answered when the route's field names it */
	const struct map_grid *items;  /* a grid of this question's items */
	int *item_fields;           /* per item column: its index */
	long *item_option;          /* ... the bound option it is */
	char **item_names;          /* ... its name */
	size_t nitems;
	int grid_row;               /* a grid's row, bound as this question */
	int each;                   /* in a repeat group given repeat by repeat: one answer each */
};

/* A wording or code that a route's field may hold, and the question it names. */
struct route_key {
	char *text;
	size_t route;               /* index into the mapping's routes */
	long q;                     /* index into im->qs */
};

struct unmapped {
	char *name;
	long records;               /* records with a value in it */
};

/* The field ODK and KoboToolbox name the submission an edit replaces in. */
#define DEPRECATED_FIELD "meta/deprecatedID"

struct edit_link {
	char *old_ext, *new_ext;    /* response ids as record_keys() makes them */
};

struct importer {
	sqlite3 *db;
	long long exercise_id;
	const struct mapping *m;
	const struct import_options *opt;
	const char *path;
	const char *channel;
	const char *form;
	enum date_style dates;
	char opens[16], closes[16]; /* the exercise's dates, ISO */
	long long batch_id;
	long long fixed_event_id;   /* --event */
	char fixed_event_district[16];
	struct bound_question *qs;
	size_t nqs;
	struct map_question **shape_mqs; /* questions reached through grids and routes */
	size_t nshape_mqs;
	struct route_key *route_keys;
	size_t nroute_keys;
	int *route_fields;          /* per route: the question's and the answer's column */
	struct postcode_resolver *resolver;
	int fixed_names;            /* CSV, XLSX: one header for every record */
	int indexed;                /* field indexes computed */
	int id_field, submitted_field, postcode_field, district_field, event_field, serial_field;
	int officer_field;
	const char **mapped;        /* every field the mapping names (XML formats: seen yet?) */
	unsigned char *mapped_seen;
	size_t nmapped, nseen;
	long records;               /* records the source could read (SOURCE_RECORD) */
	/* Fields the mapping does not mention, in the order first met, with the
	   records that have a value in them: said once, after the import. */
	struct unmapped *unmapped;
	size_t nunmapped, capunmapped;
	struct keyset unmapped_index; /* XML formats: name -> index + 1 in `unmapped` */
	int *column_unmapped;       /* with a header: per column, index + 1 or 0 */
	size_t ncolumns;
	struct pending *pending;    /* responses waiting to be stored */
	struct stamp stamp;
	sqlite3_stmt *put_responses, *put_answers;
	sqlite3_stmt *ins_reject, *find_id, *find_serial, *find_event, *districts;
	sqlite3_stmt *find_erased_raw; /* an erased id or serial in an unreadable record */
	struct keyset seen;         /* see identity() */
	struct keyset erased;       /* keys of the file erased earlier: skipped, every time */
	/* Edited submissions in this file (XForm): each edit's id and the id it replaces. */
	struct edit_link *links;
	size_t nlinks, caplinks;
	struct keyset edit_old, edit_new; /* old / new id -> index + 1 in `links` */
	sqlite3_stmt *find_edited;  /* where an earlier version is: see edit_target() */
	const char **repeat_each;   /* the groups given to the source repeat by repeat */
	size_t nrepeat_each;
	const char *cur_ext, *cur_serial; /* the identity of the record in hand, for its reject */
	int identity_unknown;       /* the record in hand could not be read far enough to know it */
	int tracking;               /* `seen` holds every key of the file so far */
	struct district_count *counts; /* accepted responses by district */
	size_t ncounts, capcounts;
	struct import_stats *stats;
	struct err *rejects, *warnings, *e;
};

static const char *const truthy[] = { "1", "yes", "y", "true", "x", "\xe2\x9c\x93", "ticked", NULL };
static const char *const falsy[] = { "", "0", "no", "n", "false", NULL };

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(s, *list))
			return 1;
	return 0;
}

/* The length of `s` without surrounding white space. */
static size_t trimmed_len(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/*
 * True, with `why` (ERR_LINE_LEN) saying so, when the value of `field`, a
 * `what`, is longer than `max` bytes (import.h): it is refused, not cut.
 */
static int too_long(const char *value, size_t max, const char *field, const char *what,
		    char *why, size_t cap)
{
	size_t n = trimmed_len(value);

	if (n <= max)
		return 0;
	snprintf(why, cap, "column '%.80s': the %s is %zu bytes, more than the %zu kept",
		 field, what, n, max);
	return 1;
}

/* `s` without surrounding white space, in `buf` (cut at `cap`). */
static const char *trim(const char *s, char *buf, size_t cap)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	memmove(buf, s, n); /* `buf` may be `s` itself */
	buf[n] = '\0';
	return buf;
}

static void shape_free(struct importer *im);

static void bound_free(struct importer *im)
{
	for (size_t i = 0; i < im->nqs; i++) {
		struct bound_question *q = &im->qs[i];

		for (size_t k = 0; k < q->nopts; k++) {
			free(q->opts[k].code);
			free(q->opts[k].label);
		}
		free(q->opts);
		free(q->type);
		free(q->opt_value_index);
		free(q->option_fields);
		free(q->option_index);
		for (size_t k = 0; k < q->nitems; k++)
			free(q->item_names[k]);
		free(q->item_names);
		free(q->item_fields);
		free(q->item_option);
	}
	free(im->qs);
	im->qs = NULL;
	im->nqs = 0;
	shape_free(im);
}

static long find_bound_option(const struct bound_question *q, const char *code)
{
	for (size_t k = 0; k < q->nopts; k++)
		if (!strcmp(q->opts[k].code, code))
			return (long)k;
	return -1;
}

static long match_option(const struct bound_question *q, const char *text);

static int bind_question(struct importer *im, long long qnr, const struct map_question *mq,
			 struct bound_question *q)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"SELECT id, type, scale_min, scale_max, coalesce(maps_to, id) FROM question "
		"WHERE questionnaire_id = ?1 AND code = ?2", im->e);
	int rc;

	if (!st)
		return -1;
	q->mq = mq;
	sqlite3_bind_int64(st, 1, qnr);
	sqlite3_bind_text(st, 2, mq->code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(im->db, "reading the questionnaire", im->e);
	}
	if (rc == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		q->type = strdup((const char *)sqlite3_column_text(st, 1));
		q->has_scale = sqlite3_column_type(st, 2) != SQLITE_NULL;
		q->scale_min = (long)sqlite3_column_int64(st, 2);
		q->scale_max = (long)sqlite3_column_int64(st, 3);
		q->store_qid = sqlite3_column_int64(st, 4);
		q->source_qid = q->store_qid != id ? id : 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return err_set(im->e, EXIT_DATA,
			       "%s:%ld: question '%s' is not in the %s questionnaire of the exercise",
			       im->m->path, mq->line, mq->code, im->form);
	if (!q->type)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");

	if (!(st = db_prepare(im->db,
			      "SELECT o.code, o.label, coalesce(o.maps_to, o.id) FROM question_option o "
			      "JOIN question q ON o.question_id = q.id "
			      "WHERE q.questionnaire_id = ?1 AND q.code = ?2 ORDER BY o.position", im->e)))
		return -1;
	sqlite3_bind_int64(st, 1, qnr);
	sqlite3_bind_text(st, 2, mq->code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bound_option *more = realloc(q->opts, (q->nopts + 1) * sizeof *more);

		if (!more)
			break;
		q->opts = more;
		q->opts[q->nopts].code = strdup((const char *)sqlite3_column_text(st, 0));
		q->opts[q->nopts].label = strdup((const char *)sqlite3_column_text(st, 1));
		q->opts[q->nopts].store_id = sqlite3_column_int64(st, 2);
		q->nopts++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "reading the questionnaire", im->e);

	/* What the mapping says of the question must fit it. */
	if (mq->noptions && strcmp(q->type, "multiple-choice") && strcmp(q->type, "single-choice") &&
	    strcmp(q->type, "demographic"))
		return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' is %s: it has no options "
						 "to map one field each",
			       im->m->path, mq->line, mq->code, q->type);
	q->opt_value_index = calloc(mq->nvalues ? mq->nvalues : 1, sizeof *q->opt_value_index);
	q->option_index = calloc(mq->noptions ? mq->noptions : 1, sizeof *q->option_index);
	q->option_fields = calloc(mq->noptions ? mq->noptions : 1, sizeof *q->option_fields);
	if (!q->opt_value_index || !q->option_index || !q->option_fields)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	for (size_t v = 0; v < mq->nvalues; v++)
		if ((q->opt_value_index[v] = find_bound_option(q, mq->values[v].to)) < 0)
			return err_set(im->e, EXIT_DATA,
				       "%s:%ld: question '%s' has no option '%s' for the value '%s'",
				       im->m->path, mq->line, mq->code, mq->values[v].to,
				       mq->values[v].from);
	for (size_t k = 0; k < mq->noptions; k++)
		if ((q->option_index[k] = find_bound_option(q, mq->options[k].code)) < 0)
			return err_set(im->e, EXIT_DATA, "%s:%ld: question '%s' has no option '%s'",
				       im->m->path, mq->options[k].line, mq->code,
				       mq->options[k].code);
	for (size_t i = 0; i < mq->nno_answer; i++)
		if (match_option(q, mq->no_answer[i]) >= 0)
			return err_set(im->e, EXIT_DATA, "%s:%ld: the no-answer value '%s' of question "
							 "'%s' names one of its options",
				       im->m->path, mq->line, mq->no_answer[i], mq->code);
	return 0;
}

/*
 * The questionnaire a question of the mapping is looked up in: the form's,
 * but a fixed question an Easy Read form never asks is the standard one's.
 */
static long long fixed_questionnaire(struct importer *im, long long qnr,
				     const struct map_question *mq)
{
	long long found = -1, standard = -1;
	char q[32];

	if (!mq->fixed || !strcmp(im->form, "standard"))
		return qnr;
	snprintf(q, sizeof q, "%lld", qnr);
	if (db_int(im->db, "SELECT 1 FROM question WHERE questionnaire_id = ?1 AND code = ?2",
		   -1, &found, im->e, 2, q, mq->code) < 0)
		return -1;
	if (found > 0)
		return qnr;
	snprintf(q, sizeof q, "%lld", im->exercise_id);
	if (db_int(im->db, "SELECT id FROM questionnaire WHERE exercise_id = ?1 "
			   "AND variant = 'standard'", -1, &standard, im->e, 1, q) < 0)
		return -1;
	if (standard < 0)
		return qnr;
	return standard;
}

static int check_fixed(struct importer *im, const struct bound_question *q);
static int shape_bind(struct importer *im, long long qnr);

static int bind_mapping(struct importer *im)
{
	long long qnr = -1;
	char id[32];

	snprintf(id, sizeof id, "%lld", im->exercise_id);
	if (db_int(im->db, "SELECT id FROM questionnaire WHERE exercise_id = ?1 AND variant = ?2",
		   -1, &qnr, im->e, 2, id, im->form) < 0)
		return -1;
	if (qnr < 0)
		return err_set(im->e, EXIT_DATA, "the exercise has no %s questionnaire", im->form);
	if (!(im->qs = calloc(im->m->nquestions ? im->m->nquestions : 1, sizeof *im->qs)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; i < im->m->nquestions; i++) {
		long long in = fixed_questionnaire(im, qnr, &im->m->questions[i]);

		im->nqs++;
		if (in < 0 || bind_question(im, in, &im->m->questions[i], &im->qs[i]) < 0 ||
		    check_fixed(im, &im->qs[i]) < 0)
			return -1;
	}
	return shape_bind(im, qnr);
}

/* ---- the pending responses of the import -------------------------------- */

static int pending_start(struct importer *im)
{
	long long max = 0;

	if (!(im->pending = calloc(1, sizeof *im->pending)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	if (db_int(im->db, "SELECT max(id) FROM response", 0, &max, im->e, 0) < 0)
		return -1;
	if (max == LLONG_MAX)
		return err_set(im->e, EXIT_DATA, "the database has no response ids left");
	im->pending->next_id = max + 1;
	if (sqlite3_create_module(im->db, "tally_pending_responses", &pending_module,
				  (void *)&pending_kinds[PENDING_RESPONSES]) != SQLITE_OK ||
	    sqlite3_create_module(im->db, "tally_pending_answers", &pending_module,
				  (void *)&pending_kinds[PENDING_ANSWERS]) != SQLITE_OK)
		return db_fail(im->db, "importing", im->e);
	im->put_responses = db_prepare(im->db,
		"INSERT INTO response (id, exercise_id, batch_id, channel, form_variant, event_id, "
		"district_code, district_source, district_note, postcode, external_id, serial, "
		"officer, submitted_at, entry_status, recorded_at) SELECT id, ?2, ?3, ?4, ?5, "
		"event_id, district_code, district_source, district_note, postcode, external_id, "
		"serial, officer, submitted_at, 'accepted', ?6 FROM tally_pending_responses(?1)",
		im->e);
	im->put_answers = db_prepare(im->db,
		"INSERT INTO answer (response_id, question_id, option_id, value, source_question_id, "
		"state) SELECT response_id, question_id, option_id, value, source_question_id, state "
		"FROM tally_pending_answers(?1)", im->e);
	return im->put_responses && im->put_answers ? 0 : -1;
}

static void pending_free(struct importer *im)
{
	sqlite3_finalize(im->put_responses);
	sqlite3_finalize(im->put_answers);
	if (im->pending) {
		free(im->pending->a);
		free(im->pending->text);
		free(im->pending);
	}
}

/* Stores the pending responses and their answers. 0 or -1. */
static int pending_flush(struct importer *im)
{
	struct pending *p = im->pending;
	int rc;

	if (!p || !p->nr)
		return 0;
	/* A failure SQLite answered by rolling the transaction back, unnoticed,
	   would have these rows stored on their own: never write outside it. */
	if (sqlite3_get_autocommit(im->db))
		return err_set(im->e, EXIT_SYSTEM, "storing responses: the import's transaction "
				      "was rolled back by an earlier error");
	sqlite3_bind_pointer(im->put_responses, 1, p, "tally_pending", NULL);
	sqlite3_bind_int64(im->put_responses, 2, im->exercise_id);
	sqlite3_bind_int64(im->put_responses, 3, im->batch_id);
	sqlite3_bind_text(im->put_responses, 4, im->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->put_responses, 5, im->form, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->put_responses, 6, stamp_now(&im->stamp), -1, SQLITE_STATIC);
	rc = sqlite3_step(im->put_responses);
	sqlite3_reset(im->put_responses);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "storing a response", im->e);
	if (p->na) {
		sqlite3_bind_pointer(im->put_answers, 1, p, "tally_pending", NULL);
		rc = sqlite3_step(im->put_answers);
		sqlite3_reset(im->put_answers);
		if (rc != SQLITE_DONE)
			return db_fail(im->db, "storing an answer", im->e);
	}
	p->nr = p->na = p->used = 0;
	memset(p->keys, 0, sizeof p->keys);
	return 0;
}

/* Adds a response and its answers to the pending ones. 0 or -1. */
static int pending_add(struct importer *im, const struct stored_response *r,
		       const struct stored_answer *answers, size_t n)
{
	struct pending *p = im->pending;
	const struct postcode_result *place = r->place;
	struct pending_response *pr;
	size_t fail = 0;
	char key[160];

	if (p->nr == PENDING_MAX && pending_flush(im) < 0)
		return -1;
	if (p->na + n > p->capa) {
		size_t cap = p->capa ? p->capa : 4 * PENDING_MAX;
		struct pending_answer *more;

		while (cap < p->na + n)
			cap *= 2;
		if (!(more = realloc(p->a, cap * sizeof *more)))
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		p->a = more;
		p->capa = cap;
	}
	pr = &p->r[p->nr];
	pr->id = p->next_id;
	pr->event_id = r->event_id > 0 ? r->event_id : 0;
	pr->district = pending_copy(p, place->district, 1, &fail);
	pr->source = pending_copy(p, place->source ? place->source : "unresolved", 1, &fail);
	pr->note = pending_copy(p, place->note, 1, &fail);
	pr->postcode = pending_copy(p, place->postcode, 1, &fail);
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
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
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

/* ---- fields ------------------------------------------------------------ */

static int index_of(const struct source_record *rec, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->names[i], name))
			return (int)i;
	return -1;
}

/* The value of field `name` (cached index `idx` when names are fixed), or "". */
static const char *value_of(struct importer *im, const struct source_record *rec, int idx,
			    const char *name)
{
	if (!name)
		return "";
	if (!im->fixed_names)
		idx = index_of(rec, name);
	return idx >= 0 && (size_t)idx < rec->nfields ? rec->values[idx] : "";
}

/* Lists every field name the mapping uses (pointers into the mapping). */
static int collect_mapped(struct importer *im)
{
	const struct mapping *m = im->m;
	size_t cap = 7 + m->nquestions;

	for (size_t i = 0; i < m->nquestions; i++)
		cap += m->questions[i].noptions;
	if (!(im->mapped = calloc(cap, sizeof *im->mapped)) ||
	    !(im->mapped_seen = calloc(cap, 1)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
#define ADD(f) do { if (f) im->mapped[im->nmapped++] = (f); } while (0)
	ADD(m->id_field);
	ADD(m->submitted_field);
	ADD(m->postcode_field);
	ADD(m->district_field);
	ADD(m->event_field);
	ADD(m->serial_field);
	ADD(m->officer_field);
	for (size_t i = 0; i < m->nquestions; i++) {
		ADD(m->questions[i].field);
		for (size_t k = 0; k < m->questions[i].noptions; k++)
			ADD(m->questions[i].options[k].field);
	}
#undef ADD
	return 0;
}

/* Adds `name` to the fields not in the mapping. 0 or -1 (memory). */
static int add_unmapped(struct importer *im, const char *name)
{
	if (im->nunmapped == im->capunmapped) {
		size_t cap = im->capunmapped ? 2 * im->capunmapped : 16;
		struct unmapped *u = realloc(im->unmapped, cap * sizeof *u);

		if (!u)
			return -1;
		im->unmapped = u;
		im->capunmapped = cap;
	}
	if (!(im->unmapped[im->nunmapped].name = strdup(name)))
		return -1;
	im->unmapped[im->nunmapped++].records = 0;
	return 0;
}

/*
 * Notes, whatever then becomes of the record (stored, rejected, already in
 * the database), the fields it has that the mapping does not mention and,
 * XML records naming their own fields, which mapped ones it has. 0 or -1.
 */
static int note_fields(struct importer *im, const struct source_record *rec)
{
	im->records++;
	if (im->fixed_names) {
		for (size_t i = 0; i < rec->nfields && i < im->ncolumns; i++)
			if (im->column_unmapped[i] && *rec->values[i])
				im->unmapped[im->column_unmapped[i] - 1].records++;
		return 0;
	}
	for (size_t i = 0; im->nseen < im->nmapped && i < im->nmapped; i++)
		if (!im->mapped_seen[i] && index_of(rec, im->mapped[i]) >= 0) {
			im->mapped_seen[i] = 1;
			im->nseen++;
		}
	/* The root's attributes ("@id", "@version") are the envelope, not answers. */
	for (size_t i = 0; i < rec->nfields; i++) {
		long k;

		if (!*rec->values[i] || rec->names[i][0] == '@' ||
		    mapping_mentions(im->m, rec->names[i]) ||
		    !strcmp(rec->names[i], DEPRECATED_FIELD))
			continue;
		if (!(k = keyset_get(&im->unmapped_index, rec->names[i]))) {
			if (add_unmapped(im, rec->names[i]) < 0 ||
			    keyset_add(&im->unmapped_index, rec->names[i], (long)im->nunmapped) < 0)
				return err_set(im->e, EXIT_SYSTEM, "out of memory");
			k = (long)im->nunmapped;
		}
		im->unmapped[k - 1].records++;
	}
	return 0;
}

/* Each field not in the mapping, with the records that had a value in it. */
static void warn_unmapped(struct importer *im)
{
	const char *what = im->fixed_names && strcmp(im->stats->format, "limesurvey") ? "column"
										      : "field";

	for (size_t i = 0; i < im->nunmapped; i++) {
		const struct unmapped *u = &im->unmapped[i];

		if (u->records)
			err_set(im->warnings, EXIT_OK,
				"%s: %s '%.80s' is not in the mapping, so it is not imported: "
				"%ld of %ld records have a value in it (add <ignore field=\"...\"/> "
				"to say that is intended)",
				im->path, what, u->name, u->records, im->records);
		else if (im->fixed_names && strcmp(im->stats->format, "limesurvey"))
			err_set(im->warnings, EXIT_OK,
				"%s: column '%.80s' is not in the mapping, so it is not imported: "
				"no record has a value in it (add <ignore field=\"...\"/> to say "
				"that is intended)",
				im->path, u->name);
	}
}

/* XML exports: a mapped field that no record had is most likely misspelt. */
static void warn_unseen(struct importer *im)
{
	/* With no record read whole, nothing is known of the fields. */
	if (im->fixed_names || !im->records)
		return;
	for (size_t i = 0; i < im->nmapped; i++) {
		size_t j;

		for (j = 0; j < i && im->mapped[j] != im->mapped[i] &&
			    strcmp(im->mapped[j], im->mapped[i]);
		     j++)
			;
		if (j == i && !im->mapped_seen[i])
			err_set(im->warnings, EXIT_OK,
				"%s: no record has the field '%.100s' that the mapping names: "
				"check its spelling in %s",
				im->path, im->mapped[i], im->m->path);
	}
}

/*
 * With a header (CSV, XLSX, LimeSurvey's <fields>): every field the mapping
 * names must be in it, once; every column it does not mention is noted, to
 * be warned of after the import with the records that have a value in it.
 */
static int shape_index(struct importer *im, const struct source_record *rec);

static int index_fields(struct importer *im, const struct source_record *rec)
{
	const struct mapping *m = im->m;
	int bad = 0, lsr = !strcmp(im->stats->format, "limesurvey");

	if (!(im->column_unmapped = calloc(rec->nfields ? rec->nfields : 1, sizeof(int))))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	im->ncolumns = rec->nfields;
	/* Grid rows become questions of their own here, before their columns are found. */
	if (shape_index(im, rec) < 0) {
		if (im->e->code == EXIT_SYSTEM)
			return -1;
		bad = 1;
	}

#define NEED(field, name, line)                                                                 \
	do {                                                                                    \
		if (((field) = index_of(rec, (name))) < 0 && (name)) {                          \
			if (lsr)                                                                \
				err_set(im->e, EXIT_DATA,                                       \
					"%s: no field '%s' in the export, but the mapping "     \
					"(%s:%ld) names it (without the survey's .lss beside "  \
					"it, or --structure, fields keep their SGQA codes)",    \
					im->path, (name), m->path, (long)(line));               \
			else                                                                    \
				err_set(im->e, EXIT_DATA,                                       \
					"%s: there is no column '%s' in the header, but the "   \
					"mapping (%s:%ld) names it",                            \
					im->path, (name), m->path, (long)(line));               \
			bad = 1;                                                                \
		}                                                                               \
	} while (0)

	NEED(im->id_field, m->id_field, m->line);
	NEED(im->submitted_field, m->submitted_field, m->line);
	NEED(im->postcode_field, m->postcode_field, m->line);
	NEED(im->district_field, m->district_field, m->line);
	NEED(im->event_field, m->event_field, m->line);
	NEED(im->serial_field, m->serial_field, m->line);
	NEED(im->officer_field, m->officer_field, m->line);
	for (size_t i = 0; i < im->nqs; i++) {
		struct bound_question *q = &im->qs[i];

		NEED(q->field, q->mq->field, q->mq->line);
		for (size_t k = 0; k < q->mq->noptions; k++)
			NEED(q->option_fields[k], q->mq->options[k].field, q->mq->options[k].line);
	}
#undef NEED
	for (size_t i = 0; i < rec->nfields; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(rec->names[i], rec->names[j]) && mapping_mentions(m, rec->names[i])) {
				err_set(im->e, EXIT_DATA,
					"%s: two columns are called '%s': the mapping cannot tell "
					"them apart",
					im->path, rec->names[i]);
				bad = 1;
			}
		if (!mapping_mentions(m, rec->names[i]) && *rec->names[i]) {
			if (add_unmapped(im, rec->names[i]) < 0)
				return err_set(im->e, EXIT_SYSTEM, "out of memory");
			im->column_unmapped[i] = (int)im->nunmapped;
		}
	}
	im->indexed = 1;
	return bad ? -1 : 0;
}

/* ---- one record -------------------------------------------------------- */

struct response_build {
	struct stored_answer *rows; /* values point into the record or into `owned` */
	char **owned;               /* per row: a value the build made, or NULL */
	size_t n, cap;
	long no_answer;             /* cells read as no answer */
	char reason[ERR_LINE_LEN];
};

static int reason(struct response_build *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int reason(struct response_build *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof b->reason, fmt, ap);
	va_end(ap);
	return -1;
}

static int add_row(struct response_build *b, long long qid, long long sqid, long long option,
		   const char *value)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct stored_answer *more = realloc(b->rows, cap * sizeof *more);
		char **owned;

		if (!more)
			return reason(b, "out of memory");
		b->rows = more;
		if (!(owned = realloc(b->owned, cap * sizeof *owned)))
			return reason(b, "out of memory");
		b->owned = owned;
		b->cap = cap;
	}
	b->owned[b->n] = NULL;
	b->rows[b->n++] = (struct stored_answer){ qid, sqid, option, value, NULL };
	return 0;
}

/* The option a piece of text names: its label, its code, or a mapping <value>. */
static long match_option(const struct bound_question *q, const char *text)
{
	char buf[1024];
	const char *t = trim(text, buf, sizeof buf);

	for (size_t k = 0; k < q->nopts; k++)
		if (!strcasecmp(q->opts[k].label, t))
			return (long)k;
	for (size_t k = 0; k < q->nopts; k++)
		if (!strcasecmp(q->opts[k].code, t))
			return (long)k;
	for (size_t v = 0; v < q->mq->nvalues; v++)
		if (!strcasecmp(q->mq->values[v].from, t))
			return q->opt_value_index[v];
	return -1;
}

static void list_options(const struct bound_question *q, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t k = 0; k < q->nopts && n + 4 < cap; k++)
		n += (size_t)snprintf(out + n, cap - n, "%s'%s'", k ? ", " : "", q->opts[k].label);
	if (n + 4 >= cap)
		snprintf(out + cap - 5, 5, "...");
}

static int is_multi(const struct bound_question *q)
{
	return !strcmp(q->type, "multiple-choice");
}

/* How a message names where a question's answer was: made only for a message. */
static const char *field_label(const struct bound_question *q, char buf[160])
{
	if (q->mq->fixed)
		snprintf(buf, 160, "the fixed value of question '%s'", q->mq->code);
	else if (q->mq->noptions)
		snprintf(buf, 160, "question '%s'", q->mq->code);
	else
		snprintf(buf, 160, "column '%.100s'", q->mq->field);
	return buf;
}

/*
 * A cell that may hold several choices joined by the separator. Labels can
 * themselves hold the separator ("Yes, sometimes"), so the longest run of
 * pieces that names an option is taken first.
 */
static int read_joined(const struct bound_question *q, const char *cell, long *picked,
		       size_t *npicked, struct response_build *b)
{
	const char *sep = q->mq->separator;
	size_t seplen = strlen(sep);
	const char *starts[256];
	size_t nstarts = 0;
	const char *p = cell;

	while (nstarts < 255) {
		starts[nstarts++] = p;
		if (!(p = strstr(p, sep)))
			break;
		p += seplen;
	}
	starts[nstarts] = cell + strlen(cell) + seplen; /* one past the end */
	*npicked = 0;
	for (size_t i = 0; i < nstarts;) {
		size_t j;
		long k = -1;

		for (j = nstarts; j > i; j--) {
			char piece[1024];
			size_t len = (size_t)(starts[j] - seplen - starts[i]);

			if (len >= sizeof piece)
				continue;
			memcpy(piece, starts[i], len);
			piece[len] = '\0';
			if (!*trim(piece, piece, sizeof piece))
				break; /* an empty piece: skip it */
			if ((k = match_option(q, piece)) >= 0)
				break;
		}
		if (j == i || k < 0) {
			char field[160], opts[300];

			if (j > i && k < 0) {
				i = j; /* empty */
				continue;
			}
			list_options(q, opts, sizeof opts);
			return reason(b, "%s: choice %zu of the cell (split at '%s') is not an option "
					 "of question '%s' (%s)",
				      field_label(q, field), i + 1, sep, q->mq->code, opts);
		}
		for (size_t x = 0; x < *npicked; x++)
			if (picked[x] == k)
				goto next;
		if (*npicked < 256)
			picked[(*npicked)++] = k;
next:
		i = j;
	}
	return 0;
}

/*
 * True when `cell`, trimmed, is one the mapping says means no answer (any
 * case). A mapping-wide value that names an option (`tick`'s, in a field of
 * one option) is that option: "none" stays "None of these" where it is one.
 */
static int no_answer(const struct mapping *m, const struct bound_question *q,
		     const struct bound_option *tick, const char *cell)
{
	const struct map_question *mq = q->mq;
	char t[256];

	if (!m->nno_answer && !mq->nno_answer)
		return 0;
	if (trimmed_len(cell) >= sizeof t)
		return 0;
	trim(cell, t, sizeof t);
	for (size_t i = 0; i < mq->nno_answer; i++)
		if (!strcasecmp(t, mq->no_answer[i]))
			return 1;
	for (size_t i = 0; i < m->nno_answer; i++)
		if (!strcasecmp(t, m->no_answer[i]))
			return tick ? strcasecmp(t, tick->label) && strcasecmp(t, tick->code)
				    : match_option(q, t) < 0;
	return 0;
}

static int read_cell(struct importer *im, const struct bound_question *q, const char *cell,
		     struct response_build *b);
static int add_picked(const struct bound_question *q, const long *picked, size_t npicked,
		      struct response_build *b);

/*
 * The answers of question `q` in `rec` (the fixed value when the mapping
 * gives one: `rec` is then not read) added to `b`. 0, or -1 with b->reason.
 */
static int read_question(struct importer *im, const struct source_record *rec,
			 const struct bound_question *q, struct response_build *b)
{
	const struct map_question *mq = q->mq;
	long picked[256];
	size_t npicked = 0;

	/* One field per option. */
	if (mq->noptions) {
		for (size_t k = 0; k < mq->noptions; k++) {
			const char *v = value_of(im, rec, q->option_fields[k], mq->options[k].field);
			const struct bound_option *o = &q->opts[q->option_index[k]];
			char t[256];

			if (no_answer(im->m, q, o, v)) {
				b->no_answer++;
				continue;
			}
			trim(v, t, sizeof t);
			if (in_list(t, falsy))
				continue;
			if (!in_list(t, truthy) && strcasecmp(t, o->label) && strcasecmp(t, o->code))
				return reason(b, "column '%.80s': the value is not a tick (1, yes, x, the "
						 "option's label, or empty)",
					      mq->options[k].field);
			picked[npicked++] = q->option_index[k];
		}
		return add_picked(q, picked, npicked, b);
	}
	return read_cell(im, q, mq->fixed ? mq->fixed : value_of(im, rec, q->field, mq->field), b);
}

/* One cell (or the fixed value) read as the answer to `q`, added to `b`. 0, or -1 with b->reason. */
static int read_cell(struct importer *im, const struct bound_question *q, const char *cell,
		     struct response_build *b)
{
	const struct map_question *mq = q->mq;
	char field[160], buf[64];
	long picked[256];
	size_t npicked = 0;

	{
		if (!*trim(cell, buf, sizeof buf) && !*cell)
			return 0;
		if (!mq->fixed && no_answer(im->m, q, NULL, cell)) {
			b->no_answer++;
			return 0;
		}
		if (!strcmp(q->type, "free-text")) {
			const char *s = cell;

			while (isspace((unsigned char)*s))
				s++;
			return *s ? add_row(b, q->store_qid, q->source_qid, 0, cell) : 0;
		}
		if (!strcmp(q->type, "postcode")) {
			char pc[POSTCODE_MAX], t[64];

			if (!*trim(cell, t, sizeof t))
				return 0;
			if (postcode_normalise(t, pc) != POSTCODE_INVALID) {
				char *owned = strdup(pc);

				if (!owned || add_row(b, q->store_qid, q->source_qid, 0, owned) < 0) {
					free(owned);
					return reason(b, "out of memory");
				}
				b->owned[b->n - 1] = owned;
				return 0;
			}
			return add_row(b, q->store_qid, q->source_qid, 0, cell);
		}
		if (!strcmp(q->type, "scale")) {
			char t[64], *end;
			long v;
			long k;

			trim(cell, t, sizeof t);
			if (!*t)
				return 0;
			errno = 0;
			v = strtol(t, &end, 10);
			/* LimeSurvey writes numbers as 7.0000000000. */
			if (!errno && *end == '.' && end[1 + strspn(end + 1, "0")] == '\0')
				end += strlen(end);
			if (!errno && end != t && !*end && v >= q->scale_min && v <= q->scale_max) {
				char *owned = malloc(24);

				if (!owned)
					return reason(b, "out of memory");
				snprintf(owned, 24, "%ld", v);
				if (add_row(b, q->store_qid, q->source_qid, 0, owned) < 0) {
					free(owned);
					return -1;
				}
				b->owned[b->n - 1] = owned;
				return 0;
			}
			if ((k = match_option(q, t)) >= 0)
				return add_row(b, q->store_qid, q->source_qid, 0, q->opts[k].code);
			return reason(b, "%s: the value is not on the scale from %ld to %ld of "
					 "question '%s'",
				      field_label(q, field), q->scale_min, q->scale_max, mq->code);
		}
		/* Choice questions. */
		if (mq->separator) {
			if (read_joined(q, cell, picked, &npicked, b) < 0)
				return -1;
		} else {
			long k = match_option(q, cell);

			if (k < 0) {
				char opts[300];

				list_options(q, opts, sizeof opts);
				return reason(b, "%s: the value is not an option of question '%s' (%s)",
					      field_label(q, field), mq->code, opts);
			}
			picked[npicked++] = k;
		}
	}
	return add_picked(q, picked, npicked, b);
}

/* The options picked, checked against the question's kind, added to `b`. */
static int add_picked(const struct bound_question *q, const long *picked, size_t npicked,
		      struct response_build *b)
{
	char field[160];

	if (npicked > 1 && !is_multi(q))
		return reason(b, "%s: %zu answers to single-choice question '%s', which takes one",
			      field_label(q, field), npicked, q->mq->code);
	for (size_t i = 0; i < npicked; i++)
		if (add_row(b, q->store_qid, q->source_qid, q->opts[picked[i]].store_id, NULL) < 0)
			return -1;
	return 0;
}

static void build_release(struct response_build *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->owned[i]);
	b->n = 0;
	b->no_answer = 0;
	b->reason[0] = '\0';
}

/* A fixed value is read once, before any record, as a cell would be: 0, or -1 refusing the file. */
static int check_fixed(struct importer *im, const struct bound_question *q)
{
	struct response_build b = { 0 };
	int rc;

	if (!q->mq->fixed)
		return 0;
	rc = read_question(im, NULL, q, &b);
	if (rc < 0)
		err_set(im->e, EXIT_DATA, "%s:%ld: %s", im->m->path, q->mq->line, b.reason);
	build_release(&b);
	free(b.rows);
	free(b.owned);
	return rc;
}

/*
 * A ticked district: an ONS code, a district name, or a mapping <value>.
 * *ticked is `out`, or NULL when the cell is empty. 0, or -1 when the
 * lookup failed (the transaction may be gone: never carry on).
 */
static int ticked_district(struct importer *im, const char *cell, char out[16],
			   const char **ticked)
{
	char t[128];
	int rc;

	*ticked = NULL;
	trim(cell, t, sizeof t);
	if (!*t)
		return 0;
	for (size_t v = 0; v < im->m->ndistrict_values; v++)
		if (!strcasecmp(im->m->district_values[v].from, t)) {
			snprintf(t, sizeof t, "%s", im->m->district_values[v].to);
			break;
		}
	sqlite3_bind_int64(im->districts, 1, im->exercise_id);
	sqlite3_bind_text(im->districts, 2, t, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->districts);
	if (rc == SQLITE_ROW)
		snprintf(out, 16, "%s", (const char *)sqlite3_column_text(im->districts, 0));
	sqlite3_reset(im->districts);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "looking up a ticked district", im->e);
	*ticked = out;
	if (rc == SQLITE_ROW)
		return 0;
	/* Not one of the exercise's: the resolver says so in the note. */
	snprintf(out, 16, "%.15s", t);
	return 0;
}

/* A response id made from the record itself, when the export has none. */
static void content_id(const struct source_record *rec, char *out, size_t cap)
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	for (size_t i = 0; i < rec->nfields; i++) {
		sha256_update(&ctx, strlen(rec->values[i]) + 1, (const uint8_t *)rec->values[i]);
	}
	sha256_digest(&ctx, sizeof d, d);
	snprintf(out, cap, "content:");
	for (int i = 0; i < 10 && strlen(out) + 3 < cap; i++)
		snprintf(out + strlen(out), cap - strlen(out), "%02x", d[i]);
}

static int open_source(struct importer *im, struct source *src);
static const char **shape_repeat_each(const struct mapping *m, size_t *n);
static int read_each(struct importer *im, const struct source_record *rec,
		     const struct bound_question *q, struct response_build *b);
static int shape_read(struct importer *im, const struct source_record *rec,
		      struct response_build *b);

/* Where a response id or serial number is already (what find_id and find_serial return). */
enum { KEY_NEW, KEY_EARLIER, KEY_ERASED, KEY_THIS_IMPORT, KEY_REPLACED };

/* One of the above for `value`, or -1 on failure. */
static int key_lookup(struct importer *im, sqlite3_stmt *st, const char *value)
{
	int rc, found;

	sqlite3_bind_int64(st, 1, im->exercise_id);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, im->batch_id);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : KEY_NEW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "importing", im->e);
	return found;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/*
 * Stores a rejected record with its raw text and the identity it was read
 * with (im->cur_ext, im->cur_serial), so that erasure finds it by the same
 * rules as the import. 0 or -1.
 */
static int store_reject(struct importer *im, const struct source_record *rec, const char *why)
{
	char place[64];
	int rc;

	im->stats->rejected++;
	snprintf(place, sizeof place, "%s %ld", rec->place_word ? rec->place_word : "record",
		 rec->place);
	sqlite3_bind_int64(im->ins_reject, 1, im->batch_id);
	sqlite3_bind_text(im->ins_reject, 2, place, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->ins_reject, 3, rec->place);
	sqlite3_bind_text(im->ins_reject, 4, why, -1, SQLITE_STATIC);
	bind_text_or_null(im->ins_reject, 6, im->cur_ext);
	bind_text_or_null(im->ins_reject, 7, im->cur_serial);
	sqlite3_bind_int(im->ins_reject, 8, !im->identity_unknown);
	if (rec->raw && utf8_check(rec->raw, rec->raw_len, NULL))
		sqlite3_bind_text(im->ins_reject, 5, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
	else if (rec->raw)
		sqlite3_bind_blob(im->ins_reject, 5, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(im->ins_reject, 5);
	rc = sqlite3_step(im->ins_reject);
	sqlite3_reset(im->ins_reject);
	return rc == SQLITE_DONE ? 0 : db_fail(im->db, "recording a rejected record", im->e);
}

/* "file:place: reason", the same text for the user and the rejects table. */
static int reject(struct importer *im, const struct source_record *rec, const char *why)
{
	const char *file = rec->file ? rec->file : im->path;

	if (rec->place_word && !strcmp(rec->place_word, "line"))
		err_set(im->rejects, EXIT_DATA, "%s:%ld: %s", file, rec->place, why);
	else
		err_set(im->rejects, EXIT_DATA, "%s: %s %ld: %s", file,
			rec->place_word ? rec->place_word : "record", rec->place, why);
	return store_reject(im, rec, why);
}

/* `s` must stay as it is until the statement has been stepped. */
static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/*
 * The record's identity, before anything else of it is read: the export's
 * id (prefixed, into `ext`), a paper serial number, or with neither the
 * content itself. 0, or 1 with `why` set when the record is to be rejected.
 */
static int record_keys(struct importer *im, const struct source_record *rec, char ext[320],
		       char serial[128], char why[256])
{
	const struct mapping *m = im->m;
	char tbuf[IMPORT_MAX_ID + 1];
	const char *v;

	_Static_assert(IMPORT_MAX_SERIAL < 128, "serial numbers are kept in char[128]");
	ext[0] = serial[0] = '\0';
	if (m->id_field) {
		v = value_of(im, rec, im->id_field, m->id_field);
		if (too_long(v, IMPORT_MAX_ID, m->id_field, "response id", why, 256))
			return 1;
		v = trim(v, tbuf, sizeof tbuf);
		if (*v) {
			/* "%.60s:%s", the prefix cut at 60 bytes: the id fits (tbuf is smaller). */
			const char *pfx = m->id_prefix ? m->id_prefix : im->stats->format;
			size_t plen = strnlen(pfx, 60), vlen = strlen(v);

			memcpy(ext, pfx, plen);
			ext[plen] = ':';
			memcpy(ext + plen + 1, v, vlen + 1);
		} else if (m->id_required) {
			snprintf(why, 256, "the response id is missing (column '%.80s')", m->id_field);
			return 1;
		}
	}
	if (m->serial_field) {
		v = value_of(im, rec, im->serial_field, m->serial_field);
		if (too_long(v, IMPORT_MAX_SERIAL, m->serial_field, "serial number", why, 256))
			return 1;
		v = trim(v, serial, 128);
		if (!*v) {
			snprintf(why, 256, "the paper form's serial number is missing (column '%.80s')",
				 m->serial_field);
			return 1;
		}
	}
	if (!*ext && !*serial)
		content_id(rec, ext, 320);
	return 0;
}


/*
 * Reads the file again up to the current record, to know the place of every
 * key seen so far: from then on `seen` holds every key of the file.
 */
static int replay(struct importer *im)
{
	struct keyset seen = { 0 };
	struct source src = { 0 };
	struct source_record rec;
	struct err rowerr;
	int rc, ok = -1;

	if (pending_flush(im) < 0 || open_source(im, &src) < 0)
		return -1;
	err_init(&rowerr);
	for (long n = 1; n < im->stats->read; n++) {
		char ext[320], serial[128], why[256], key[160];

		if ((rc = source_next(&src, &rec, &rowerr)) == SOURCE_EOF || rc == SOURCE_FATAL) {
			err_set(im->e, EXIT_DATA, "%s changed while it was being imported: import it "
						  "again", im->path);
			goto out;
		}
		err_init(&rowerr);
		if (rc == SOURCE_BAD || record_keys(im, &rec, ext, serial, why))
			continue;
		/* As identity() went: an id seen or imported earlier ends the record's checks. */
		if (*ext) {
			if (keyset_get(&seen, ext))
				continue;
			if (keyset_add(&seen, ext, rec.place) < 0)
				goto oom;
			if ((rc = key_lookup(im, im->find_id, ext)) < 0)
				goto out;
			if (rc == KEY_EARLIER || rc == KEY_ERASED || rc == KEY_REPLACED)
				continue;
		}
		serial_key(serial, key);
		if (*serial && keyset_add(&seen, key, rec.place) < 0)
			goto oom;
	}
	keyset_free(&im->seen);
	im->seen = seen;
	im->tracking = 1;
	ok = 0;
	goto out;
oom:
	err_set(im->e, EXIT_SYSTEM, "out of memory");
out:
	if (ok < 0)
		keyset_free(&seen);
	source_free(&src);
	return ok;
}

/*
 * Whether a response known by `value` (an id or a serial number; `key`
 * among this file's keys) is new: 0 when it is, 1 when it was seen earlier
 * in this file (rejected) or is already in the database (counted as a
 * duplicate), -1 on failure.
 *
 * A key is seen once a record reaches this check with it. Most such records
 * become responses of this import, found again by the UNIQUE indexes of
 * `response`; `seen` keeps only the keys of the others (duplicates of
 * earlier imports, records rejected later), so memory does not grow with
 * the file. Where a response's record was is not kept: the rare second
 * sighting of one reads the file again to find out (replay()), and from
 * then on `seen` keeps every key.
 */
static int identity(struct importer *im, const struct source_record *rec, const char *key,
		    const char *value, const char *what, sqlite3_stmt *find)
{
	long first;
	int rc = KEY_NEW;

	/* Erased: skipped before anything of the record is written, every time it comes. */
	if (keyset_get(&im->erased, key)) {
		im->stats->erased++;
		return 1;
	}
	first = keyset_get(&im->seen, key);
	if (!first) {
		/* A pending response may have it: the database must know them first. */
		if (pending_may_have(im->pending, key) && pending_flush(im) < 0)
			return -1;
		if ((rc = key_lookup(im, find, value)) < 0)
			return -1;
		if (rc == KEY_THIS_IMPORT && (im->tracking || replay(im) < 0 ||
					      !(first = keyset_get(&im->seen, key)))) {
			if (!err_isset(im->e))
				err_set(im->e, EXIT_DATA, "%s changed while it was being imported: "
							  "import it again", im->path);
			return -1;
		}
	}
	if (first) {
		char why[400];

		snprintf(why, sizeof why, "%s '%.200s' appears twice in this file (first at %s %ld)",
			 what, value, rec->place_word, first);
		return reject(im, rec, why) < 0 ? -1 : 1;
	}
	if (rc == KEY_NEW && !im->tracking)
		return 0;
	if (keyset_add(&im->seen, key, rec->place) < 0)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	if (rc == KEY_ERASED) {
		im->stats->erased++;
		if (keyset_add(&im->erased, key, rec->place) < 0)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
	} else if (rc == KEY_EARLIER)
		im->stats->duplicates++;
	else if (rc == KEY_REPLACED)
		im->stats->superseded++;
	return rc != KEY_NEW;
}

/* Counts an accepted response under its district, for the summary. */
static int count_district(struct importer *im, const struct postcode_result *p)
{
	int out = !p->district[0] && p->source && !strcmp(p->source, "out-of-area");
	struct district_count *c;

	for (size_t i = im->ncounts; i-- > 0;) {
		c = &im->counts[i];
		if (!strcmp(c->code, p->district) && (p->district[0] || c->out_of_area == out)) {
			c->n++;
			return 0;
		}
	}
	if (im->ncounts == im->capcounts) {
		size_t cap = im->capcounts ? 2 * im->capcounts : 16;

		if (!(c = realloc(im->counts, cap * sizeof *c)))
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		im->counts = c;
		im->capcounts = cap;
	}
	c = &im->counts[im->ncounts++];
	snprintf(c->code, sizeof c->code, "%s", p->district);
	c->out_of_area = out;
	c->n = 1;
	return 0;
}

struct district_label {
	struct import_district d;
	int named;                  /* a district's name, not "not known" */
};

static int by_district(const void *a, const void *b)
{
	const struct district_label *x = a, *y = b;

	if (x->named != y->named)
		return y->named - x->named;
	return strcmp(x->d.name, y->d.name);
}

/*
 * The summary's districts from the counts, grouped and ordered as
 * "SELECT coalesce(d.name, 'outside the area' or 'not known'), count(*) ...
 * GROUP BY 1 ORDER BY d.name IS NULL, 1" over this import's responses
 * would, without reading them back and sorting them all.
 */
static int district_summary(struct importer *im)
{
	struct import_stats *st = im->stats;
	sqlite3_stmt *name = db_prepare(im->db, "SELECT name FROM district WHERE code = ?1", im->e);
	struct district_label *l = NULL;
	size_t n = 0;
	int ok = -1;

	if (!name)
		return -1;
	if (!(l = calloc(im->ncounts ? im->ncounts : 1, sizeof *l)) ||
	    !(st->districts = calloc(im->ncounts ? im->ncounts : 1, sizeof *st->districts)))
		goto oom;
	for (size_t i = 0; i < im->ncounts; i++) {
		const struct district_count *c = &im->counts[i];
		const char *label = c->out_of_area ? "outside the area" : "not known";
		int named = 0, rc = SQLITE_DONE;
		size_t k;

		if (c->code[0]) {
			sqlite3_bind_text(name, 1, c->code, -1, SQLITE_STATIC);
			if ((rc = sqlite3_step(name)) == SQLITE_ROW && sqlite3_column_text(name, 0)) {
				label = (const char *)sqlite3_column_text(name, 0);
				named = 1;
			}
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			db_fail(im->db, "counting the districts", im->e);
			goto out;
		}
		for (k = 0; k < n && strcmp(l[k].d.name, label); k++)
			;
		if (k == n && !(l[n++].d.name = strdup(label)))
			goto oom;
		l[k].d.count += c->n;
		l[k].named |= named;
		sqlite3_reset(name);
	}
	qsort(l, n, sizeof *l, by_district);
	for (size_t k = 0; k < n; k++) {
		st->districts[k] = l[k].d;
		l[k].d.name = NULL;
	}
	st->ndistricts = n;
	ok = 0;
	goto out;
oom:
	err_set(im->e, EXIT_SYSTEM, "out of memory");
out:
	for (size_t k = 0; k < n; k++)
		free(l[k].d.name);
	free(l);
	sqlite3_finalize(name);
	return ok;
}

void import_stats_free(struct import_stats *stats)
{
	for (size_t i = 0; i < stats->ndistricts; i++)
		free(stats->districts[i].name);
	free(stats->districts);
	stats->districts = NULL;
	stats->ndistricts = 0;
}

/* Is the ISO date (and time) `date` before the exercise opens or after it closes? */
static int outside_dates(const struct importer *im, const char *date)
{
	return strncmp(date, im->opens, 10) < 0 || strncmp(date, im->closes, 10) > 0;
}

/*
 * Flags this import's responses dated outside the exercise's dates (kept,
 * so nothing is lost; counts can leave them out) and counts them.
 */
static int flag_outside(struct importer *im)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"UPDATE response SET outside_dates = 1 WHERE batch_id = ?1 AND submitted_at <> '' "
		"AND (substr(submitted_at, 1, 10) < ?2 OR substr(submitted_at, 1, 10) > ?3)", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->batch_id);
	sqlite3_bind_text(st, 2, im->opens, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, im->closes, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "flagging dates outside the exercise", im->e);
	im->stats->outside = sqlite3_changes(im->db);
	return 0;
}

/* The exercise's opening and closing dates, for outside_dates(). */
static int exercise_dates(struct importer *im)
{
	sqlite3_stmt *st = db_prepare(im->db, "SELECT opens, closes FROM exercise WHERE id = ?1",
				      im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->exercise_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(im->opens, sizeof im->opens, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(im->closes, sizeof im->closes, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(im->db, "reading the exercise's dates", im->e);
	return 0;
}

/* A record whose identity is new: a response, or a reject. 1, 0 or -1 on failure. */
static int store_record(struct importer *im, const struct source_record *rec,
			struct response_build *b, const char *ext, const char *serial)
{
	const struct mapping *m = im->m;
	char date[DATE_ISO_MAX] = "", tick[16], tbuf[IMPORT_MAX_VALUE + 1], why[ERR_LINE_LEN];
	const char *v, *ticked = NULL;
	long long event_id = im->fixed_event_id;
	char event_district[16];
	struct postcode_input pin = { NULL, NULL, NULL };
	struct postcode_result pres;
	int rc;

	memcpy(event_district, im->fixed_event_district, sizeof event_district);

	/* Values that would be cut to fit are refused. */
	if ((m->event_field && too_long(value_of(im, rec, im->event_field, m->event_field),
					IMPORT_MAX_VALUE, m->event_field, "event code", why,
					sizeof why)) ||
	    (m->submitted_field &&
	     too_long(value_of(im, rec, im->submitted_field, m->submitted_field),
		      IMPORT_MAX_VALUE, m->submitted_field, "date", why, sizeof why)) ||
	    (!im->opt->officer && m->officer_field &&
	     too_long(value_of(im, rec, im->officer_field, m->officer_field), IMPORT_MAX_VALUE,
		      m->officer_field, "officer's name", why, sizeof why)))
		return reject(im, rec, why) < 0 ? -1 : 0;

	/* Where and when. */
	if (m->event_field && *trim(value_of(im, rec, im->event_field, m->event_field), tbuf, sizeof tbuf)) {
		sqlite3_bind_int64(im->find_event, 1, im->exercise_id);
		sqlite3_bind_text(im->find_event, 2, tbuf, -1, SQLITE_STATIC);
		rc = sqlite3_step(im->find_event);
		if (rc == SQLITE_ROW) {
			event_id = sqlite3_column_int64(im->find_event, 0);
			snprintf(event_district, sizeof event_district, "%s",
				 (const char *)sqlite3_column_text(im->find_event, 1));
		}
		sqlite3_reset(im->find_event);
		if (rc == SQLITE_DONE) {
			char why[300];

			snprintf(why, sizeof why, "column '%.80s': the event is not one of the "
						  "exercise's ('collector status' lists them)",
				 m->event_field);
			return reject(im, rec, why) < 0 ? -1 : 0;
		}
		if (rc != SQLITE_ROW)
			return db_fail(im->db, "importing", im->e);
	}
	if (m->submitted_field) {
		v = trim(value_of(im, rec, im->submitted_field, m->submitted_field), tbuf, sizeof tbuf);
		if (*v && date_parse(v, im->dates, date) < 0) {
			char why[400];

			snprintf(why, sizeof why, "column '%.80s': the value is not a date the mapping "
						  "reads (dates=\"%s\")",
				 m->submitted_field, m->dates);
			return reject(im, rec, why) < 0 ? -1 : 0;
		}
		if (*v && m->reject_outside && outside_dates(im, date)) {
			snprintf(why, sizeof why, "column '%.80s': the date is outside the exercise's "
						  "%s to %s and the mapping says outside=\"reject\"",
				 m->submitted_field, im->opens, im->closes);
			return reject(im, rec, why) < 0 ? -1 : 0;
		}
	}

	/* Answers: by field, repeat by repeat, then through routes and grids of items. */
	for (size_t i = 0; i < im->nqs; i++) {
		const struct bound_question *q = &im->qs[i];

		if (q->route || q->items)
			continue;
		if ((q->each ? read_each(im, rec, q, b) : read_question(im, rec, q, b)) < 0)
			return reject(im, rec, b->reason) < 0 ? -1 : 0;
	}
	if (shape_read(im, rec, b) < 0)
		return reject(im, rec, b->reason) < 0 ? -1 : 0;

	/* District, in the brief's order of trust. */
	if (m->postcode_field)
		pin.postcode = value_of(im, rec, im->postcode_field, m->postcode_field);
	if (m->district_field &&
	    ticked_district(im, value_of(im, rec, im->district_field, m->district_field), tick,
			    &ticked) < 0)
		return -1;
	pin.event_district = *event_district ? event_district : NULL;
	pin.ticked_district = ticked;
	if (postcode_resolve(im->resolver, &pin, &pres, im->e) < 0)
		return -1;

	/* The response and its answers. */
	{
		struct stored_response r = { 0 };

		r.exercise_id = im->exercise_id;
		r.batch_id = im->batch_id;
		r.channel = im->channel;
		r.form_variant = im->form;
		r.event_id = event_id;
		r.place = &pres;
		r.external_id = ext;
		r.serial = serial;
		/* --officer names whoever typed the whole file; otherwise the column, if any. */
		r.officer = im->opt->officer ? im->opt->officer
					     : trim(value_of(im, rec, im->officer_field,
							     m->officer_field), tbuf, sizeof tbuf);
		r.submitted_at = date;
		if (pending_add(im, &r, b->rows, b->n) < 0)
			return -1;
	}
	im->stats->accepted++;
	im->stats->no_answer += b->no_answer;
	return count_district(im, &pres) < 0 ? -1 : 1;
}

/* ---- edited submissions ------------------------------------------------ */

/*
 * ODK Collect and KoboToolbox give an edited submission a new instance id
 * and name the one it replaces in meta/deprecatedID. The newest version is
 * the person's response; the versions before it are not people.
 */
#define EDIT_CHAIN_MAX 64 /* versions followed back from an edit */

static void edits_free(struct importer *im)
{
	for (size_t i = 0; i < im->nlinks; i++) {
		free(im->links[i].old_ext);
		free(im->links[i].new_ext);
	}
	free(im->links);
	im->links = NULL;
	im->nlinks = im->caplinks = 0;
	keyset_free(&im->edit_old);
	keyset_free(&im->edit_new);
}

/* 1 when following the file's edits back from `old` reaches `new_ext`. */
static int edit_loops(const struct importer *im, const char *old, const char *new_ext)
{
	for (int step = 0; step < EDIT_CHAIN_MAX; step++) {
		long k;

		if (!strcmp(old, new_ext))
			return 1;
		if (!(k = keyset_get(&im->edit_new, old)))
			return 0;
		old = im->links[k - 1].old_ext;
	}
	return 1;
}

/* Notes that this file's `new_ext` replaces `old_ext`. 0 or -1 (memory). */
static int edit_add(struct importer *im, const char *old_ext, const char *new_ext)
{
	struct edit_link *l;

	if (im->nlinks == im->caplinks) {
		size_t cap = im->caplinks ? 2 * im->caplinks : 16;
		struct edit_link *bigger = realloc(im->links, cap * sizeof *bigger);

		if (!bigger)
			return -1;
		im->links = bigger;
		im->caplinks = cap;
	}
	l = &im->links[im->nlinks];
	l->old_ext = strdup(old_ext);
	l->new_ext = strdup(new_ext);
	if (!l->old_ext || !l->new_ext) {
		free(l->old_ext);
		free(l->new_ext);
		return -1;
	}
	im->nlinks++;
	if (keyset_add(&im->edit_old, old_ext, (long)im->nlinks) < 0 ||
	    keyset_add(&im->edit_new, new_ext, (long)im->nlinks) < 0)
		return -1;
	return 0;
}

/*
 * Reads an XForm export once before the import to find its edits: which
 * instance replaces which. A version that a later one in the same file
 * replaces is then skipped, wherever in the file it is. An edit naming
 * itself or closing a loop, or a second edit of one version, is not
 * followed: it is imported as it stands. Records that cannot be read are
 * left to the import to reject. 0, or -1 with im->e set.
 */
static int export_mentions(const char *path, const char *word, struct err *e);

static int scan_edits(struct importer *im)
{
	struct source src = { 0 };
	struct source_record rec;
	struct err rowerr;
	int rc, ok = -1;

	if (!im->m->id_field || strcmp(im->stats->format, "xform"))
		return 0;
	/* Reading the bytes costs far less than reading the XML twice. */
	if ((rc = export_mentions(im->path, "deprecatedID", im->e)) <= 0)
		return rc;
	if (open_source(im, &src) < 0)
		return -1;
	err_init(&rowerr);
	while ((rc = source_next(&src, &rec, &rowerr)) != SOURCE_EOF && rc != SOURCE_FATAL) {
		char ext[320], serial[128], why[256], old[320], tbuf[IMPORT_MAX_ID + 1];
		const char *dep, *pfx;

		err_init(&rowerr);
		if (rc == SOURCE_BAD || record_keys(im, &rec, ext, serial, why) ||
		    !*ext || !strncmp(ext, "content:", 8))
			continue;
		dep = value_of(im, &rec, -1, DEPRECATED_FIELD);
		if (trimmed_len(dep) > IMPORT_MAX_ID || !*(dep = trim(dep, tbuf, sizeof tbuf)))
			continue;
		/* The same prefix as the record's own id (record_keys()). */
		pfx = im->m->id_prefix ? im->m->id_prefix : im->stats->format;
		snprintf(old, sizeof old, "%.60s:%s", pfx, dep);
		if (keyset_get(&im->edit_new, ext) || keyset_get(&im->edit_old, old) ||
		    edit_loops(im, old, ext))
			continue;
		if (edit_add(im, old, ext) < 0) {
			err_set(im->e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
	}
	ok = 0; /* a file that cannot be read to the end is refused by run() */
out:
	source_free(&src);
	return ok;
}

/*
 * Where the earlier version of the edit `ext` is: following the file's
 * edits back, edits imported earlier forward and rejected edits back (their
 * step is kept: see import_record_keyed()), until a response (its
 * id into *target, the version into `target_ext`) or an erasure is met.
 * Fills path[] with the indexes of this file's links followed (*npath).
 * 0 (*target 0 when no earlier version is in the database), 1 when an
 * earlier version was erased, -1 on failure.
 */
static int edit_target(struct importer *im, const char *ext, long long *target,
		       char target_ext[320], long path[EDIT_CHAIN_MAX], int *npath)
{
	char cur[320];

	*target = 0;
	*npath = 0;
	snprintf(cur, sizeof cur, "%s", ext);
	for (int step = 0; step < EDIT_CHAIN_MAX; step++) {
		long k;
		int rc, found = 0;

		if (step > 0) {
			sqlite3_stmt *st = im->find_edited;

			sqlite3_bind_int64(st, 1, im->exercise_id);
			sqlite3_bind_text(st, 2, cur, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				found = sqlite3_column_int(st, 0);
				if (found == 1) {
					*target = sqlite3_column_int64(st, 1);
					snprintf(target_ext, 320, "%s", cur);
				} else if (found == 3 || found == 4) {
					const char *next = (const char *)sqlite3_column_text(st, 2);

					snprintf(cur, sizeof cur, "%s", next ? next : "");
				}
			}
			sqlite3_reset(st);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return db_fail(im->db, "importing", im->e);
			if (found == 1 || found == 2)
				return found == 2;
			/* 3: an edit imported earlier replaced it: on to that one. 4: it
			   was a rejected edit: back to the version it replaces. */
			if (found == 3 || found == 4)
				continue;
		}
		if (!(k = keyset_get(&im->edit_new, cur)))
			return 0;
		path[(*npath)++] = k - 1;
		snprintf(cur, sizeof cur, "%s", im->links[k - 1].old_ext);
	}
	return 0;
}

/*
 * Deletes response `id` with everything that hangs off it (foreign keys are
 * not enforced inside the import: each table is named), for the edit that
 * replaces it. 0 or -1.
 */
static int drop_replaced(struct importer *im, long long id)
{
	/* By answer: tag's key, so no edit scans the whole tag table. */
	static const char *const sql[] = {
		"DELETE FROM tag WHERE answer_id IN (SELECT id FROM answer WHERE response_id = ?1)",
		"DELETE FROM entry_copy_answer WHERE copy_id IN "
		"(SELECT id FROM entry_copy WHERE response_id = ?1)",
		"DELETE FROM entry_copy WHERE response_id = ?1",
		"DELETE FROM entry_difference WHERE response_id = ?1",
		"DELETE FROM entry_resolution WHERE response_id = ?1",
		"DELETE FROM answer WHERE response_id = ?1",
		"DELETE FROM response WHERE id = ?1",
	};

	/*
	 * The earlier version's words are overwritten, not left in free pages:
	 * if the person is erased later, nothing of this version stays either.
	 */
	if (db_exec(im->db, "PRAGMA secure_delete = ON", "replacing an edited response",
		    im->e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st = db_prepare(im->db, sql[i], im->e);
		int rc;

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(im->db, "replacing an edited response", im->e);
	}
	return 0;
}

/*
 * Records the edits followed to reach the stored response `ext` (one row
 * per version, ids only) and, when an earlier version was a response
 * (`target`, 0 for none), deletes it. A rejected edit records its own step
 * only (npath 1, target 0). 0 or -1.
 */
static int record_edit(struct importer *im, long long target, const char *target_ext,
		       const long *path, int npath)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (target && drop_replaced(im, target) < 0)
		return -1;
	if (!(st = db_prepare(im->db,
			      "INSERT INTO response_edit (exercise_id, old_external_id, "
			      "new_external_id, batch_id, replaced_response_id, edited_at) VALUES "
			      "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (exercise_id, old_external_id) "
			      /* the same edit, rejected before, now replaces the response */
			      "DO UPDATE SET batch_id = excluded.batch_id, replaced_response_id = "
			      "excluded.replaced_response_id, edited_at = excluded.edited_at WHERE "
			      "excluded.replaced_response_id IS NOT NULL AND "
			      "new_external_id = excluded.new_external_id",
			      im->e)))
		return -1;
	for (int i = 0; i < npath && rc == SQLITE_DONE; i++) {
		const struct edit_link *l = &im->links[path[i]];

		sqlite3_bind_int64(st, 1, im->exercise_id);
		sqlite3_bind_text(st, 2, l->old_ext, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, l->new_ext, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, im->batch_id);
		if (target && !strcmp(l->old_ext, target_ext))
			sqlite3_bind_int64(st, 5, target);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_text(st, 6, stamp_now(&im->stamp), -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "recording an edited response", im->e);
	if (target)
		im->stats->replaced++;
	return 0;
}

static int import_record_keyed(struct importer *im, const struct source_record *rec,
			       struct response_build *b, const char *ext, const char *serial);

static int import_record(struct importer *im, const struct source_record *rec,
			 struct response_build *b)
{
	char ext[320], serial[128], why[256];
	int rc = 0;

	if (im->fixed_names && !im->indexed && index_fields(im, rec) < 0)
		return -2; /* the mapping does not fit the file: refuse it */
	if (note_fields(im, rec) < 0)
		return -1;
	im->cur_ext = im->cur_serial = NULL;
	if (record_keys(im, rec, ext, serial, why)) {
		/* A record of an erased response is not kept, even when it is faulty. */
		if (*ext) {
			if (keyset_get(&im->erased, ext))
				rc = KEY_ERASED;
			else if ((rc = key_lookup(im, im->find_id, ext)) < 0)
				return -1;
			if (rc == KEY_ERASED) {
				im->stats->erased++;
				return keyset_add(&im->erased, ext, rec->place) < 0
					       ? err_set(im->e, EXIT_SYSTEM, "out of memory") : 0;
			}
		}
		im->cur_ext = *ext ? ext : NULL;
		rc = reject(im, rec, why);
		im->cur_ext = NULL;
		return rc < 0 ? -1 : 0;
	}
	im->cur_ext = *ext ? ext : NULL;
	im->cur_serial = *serial ? serial : NULL;
	rc = import_record_keyed(im, rec, b, ext, serial);
	im->cur_ext = im->cur_serial = NULL;
	return rc;
}

/* A record whose keys are read: by its identity, skipped, rejected or stored. 0 or -1. */
static int import_record_keyed(struct importer *im, const struct source_record *rec,
			       struct response_build *b, const char *ext, const char *serial)
{
	char key[160] = "", target_ext[320] = "";
	long long target = 0;
	long path[EDIT_CHAIN_MAX];
	int rc = 0, npath = 0;

	/* A version that a later edit in this file replaces is not a person. */
	if (*ext && keyset_get(&im->edit_old, ext)) {
		im->stats->superseded++;
		return 0;
	}
	if (*ext && (rc = identity(im, rec, ext, ext, "response", im->find_id)) != 0)
		return rc < 0 ? -1 : 0;
	if (*serial) {
		serial_key(serial, key);
		if ((rc = identity(im, rec, key, serial, "serial number", im->find_serial)) != 0)
			key[0] = '\0';
	}
	/* An edit: of an erased response it is skipped, every time it comes. */
	if (rc == 0 && *ext && keyset_get(&im->edit_new, ext) &&
	    (rc = edit_target(im, ext, &target, target_ext, path, &npath)) > 0) {
		im->stats->erased++;
		if (keyset_add(&im->erased, ext, rec->place) < 0)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
	}
	if (rc == 0) {
		rc = store_record(im, rec, b, ext, serial);
		/* A rejected edit keeps its step (nothing replaced), so that an edit
		   of it finds the response it would have replaced. */
		if (rc >= 0 && npath && record_edit(im, rc > 0 ? target : 0, target_ext, path,
						    rc > 0 ? npath : 1) < 0)
			return -1;
	} else if (rc > 0)
		rc = 0;
	/* Passed identity() but not stored: no index of `response` knows the keys. */
	if (rc == 0 && ((*ext && keyset_add(&im->seen, ext, rec->place) < 0) ||
			(*key && keyset_add(&im->seen, key, rec->place) < 0)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	return rc < 0 ? -1 : 0;
}

/* ---- the file ---------------------------------------------------------- */

static int open_source(struct importer *im, struct source *src)
{
	const char *f = im->stats->format;

	if (im->m->nrepeats && !strcmp(f, "xform")) {
		struct source_options so = im->opt->src;

		/* The groups are the mapping's; the array lives as long as the import. */
		if (!im->repeat_each &&
		    !(im->repeat_each = shape_repeat_each(im->m, &im->nrepeat_each)))
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		so.repeat_each = im->repeat_each;
		so.nrepeat_each = im->nrepeat_each;
		return source_xform_open(im->path, &so, src, im->e);
	}

	if (!strcmp(f, "csv"))
		return source_csv_open(im->path, &im->opt->src, src, im->e);
	if (!strcmp(f, "xlsx"))
		return source_xlsx_open(im->path, &im->opt->src, src, im->e);
	if (!strcmp(f, "xform"))
		return source_xform_open(im->path, &im->opt->src, src, im->e);
	if (!strcmp(f, "limesurvey"))
		return source_limesurvey_open(im->path, &im->opt->src, src, im->e);
	return err_set(im->e, EXIT_USAGE, "unknown format '%s' (csv, xlsx, xform, limesurvey)", f);
}

static int prepare_all(struct importer *im)
{
	sqlite3 *db = im->db;

	im->ins_reject = db_prepare(db,
		"INSERT INTO reject (batch_id, place, line, reason, raw, response_key, serial, "
		"identity_kept) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		im->e);
	/* A survey id erased at the respondent's request never comes back. */
	im->find_id = db_prepare(db, "SELECT CASE WHEN batch_id = ?3 THEN 3 ELSE 1 END FROM response "
				     "WHERE exercise_id = ?1 AND external_id = ?2 UNION ALL SELECT 2 "
				     "FROM erasure WHERE exercise_id = ?1 AND external_id = ?2 UNION ALL "
				     "SELECT 4 FROM response_edit WHERE exercise_id = ?1 AND "
				     "old_external_id = ?2 LIMIT 1",
				 im->e);
	im->find_edited = db_prepare(db, "SELECT 1, id, NULL FROM response WHERE exercise_id = ?1 "
					 "AND external_id = ?2 UNION ALL SELECT 2, 0, NULL FROM "
					 "erasure WHERE exercise_id = ?1 AND external_id = ?2 UNION ALL "
					 "SELECT 3, 0, new_external_id FROM response_edit WHERE "
					 "exercise_id = ?1 AND old_external_id = ?2 UNION ALL SELECT 4, "
					 "0, old_external_id FROM response_edit WHERE exercise_id = ?1 "
					 "AND new_external_id = ?2 LIMIT 1", im->e);
	im->find_serial = db_prepare(db, "SELECT CASE WHEN batch_id = ?3 THEN 3 ELSE 1 END FROM "
					 "response WHERE exercise_id = ?1 AND serial = ?2 UNION ALL "
					 "SELECT 2 FROM erasure WHERE exercise_id = ?1 AND serial = ?2 "
					 "LIMIT 1", im->e);
	im->find_event = db_prepare(db, "SELECT id, district_code FROM event WHERE "
					"exercise_id = ?1 AND code = ?2", im->e);
	if (erased_register(db, im->e) < 0)
		return -1;
	/*
	 * Only an id that could not be an answer is evidence: one with a letter
	 * or sign in it, or six digits or more. A short number ("7", "4242")
	 * could be anyone's answer, and the row would be lost as erased.
	 */
	im->find_erased_raw = db_prepare(db,
		"SELECT 1 FROM (SELECT CASE WHEN instr(external_id, ':') > 0 THEN "
		"substr(external_id, instr(external_id, ':') + 1) ELSE external_id END AS v "
		"FROM erasure WHERE exercise_id = ?1 AND external_id IS NOT NULL AND "
		"external_id NOT LIKE 'content:%' UNION ALL SELECT serial FROM erasure WHERE "
		"exercise_id = ?1 AND serial IS NOT NULL) WHERE (length(v) >= 6 OR "
		"v GLOB '*[^0-9]*') AND tally_holds_field(?2, v) LIMIT 1", im->e);
	im->districts = db_prepare(db,
		"SELECT d.code FROM exercise_district x JOIN district d ON d.code = x.district_code "
		"WHERE x.exercise_id = ?1 AND (d.code = upper(?2) OR d.name = ?2 COLLATE NOCASE)",
		im->e);
	return im->ins_reject && im->find_id && im->find_serial && im->find_event && im->districts &&
				       im->find_erased_raw && im->find_edited
		       ? 0
		       : -1;
}

static void finalize_all(struct importer *im)
{
	sqlite3_finalize(im->ins_reject);
	sqlite3_finalize(im->find_id);
	sqlite3_finalize(im->find_serial);
	sqlite3_finalize(im->find_event);
	sqlite3_finalize(im->districts);
	sqlite3_finalize(im->find_erased_raw);
	sqlite3_finalize(im->find_edited);
}

static int start_batch(struct importer *im, const char *sha)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"INSERT INTO import_batch (exercise_id, file_name, sha256, mapping_sha256, format, "
		"channel, officer, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->exercise_id);
	sqlite3_bind_text(st, 2, im->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, im->m->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, im->stats->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, im->channel, -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, im->opt->officer);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "starting the import", im->e);
	im->batch_id = sqlite3_last_insert_rowid(im->db);
	im->stats->batch_id = im->batch_id;
	return 0;
}

static int finish_batch(struct importer *im)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"UPDATE import_batch SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
		"rows_read = ?2, rows_accepted = ?3, rows_rejected = ?4, rows_duplicate = ?5 "
		"WHERE id = ?1", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->batch_id);
	sqlite3_bind_int64(st, 2, im->stats->read);
	sqlite3_bind_int64(st, 3, im->stats->accepted);
	sqlite3_bind_int64(st, 4, im->stats->rejected);
	sqlite3_bind_int64(st, 5, im->stats->duplicates);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(im->db, "finishing the import", im->e);
}

static int valid_channel(const char *c)
{
	return !strcmp(c, "online") || !strcmp(c, "paper") || !strcmp(c, "easy-read-paper") ||
	       !strcmp(c, "event-card");
}

/* The event --event names, with its district. */
static int fixed_event(struct importer *im)
{
	const char *code = im->opt->event;
	int rc;

	im->fixed_event_id = 0;
	if (!code)
		return 0;
	sqlite3_bind_int64(im->find_event, 1, im->exercise_id);
	sqlite3_bind_text(im->find_event, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->find_event);
	if (rc == SQLITE_ROW) {
		im->fixed_event_id = sqlite3_column_int64(im->find_event, 0);
		snprintf(im->fixed_event_district, sizeof im->fixed_event_district, "%s",
			 (const char *)sqlite3_column_text(im->find_event, 1));
	}
	sqlite3_reset(im->find_event);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "finding the event", im->e);
	if (!im->fixed_event_id)
		return err_set(im->e, EXIT_USAGE, "there is no event '%s' in this exercise: "
						  "'collector status' lists them", code);
	return 0;
}

/* Settles format, channel, form and --event before anything is written. */
static int settle(struct importer *im)
{
	const struct import_options *opt = im->opt;
	const char *f = opt->format ? opt->format : im->m->format;

	if (!f && !(f = source_detect(im->path, im->e)))
		return -1;
	/* Before the file is hashed: a device or a huge file is refused at once. */
	if (source_check_input(im->path, f, im->e) < 0)
		return -1;
	im->stats->format = f;
	im->channel = opt->channel ? opt->channel : im->m->channel ? im->m->channel : "online";
	if (!valid_channel(im->channel))
		return err_set(im->e, EXIT_USAGE, "unknown channel '%s' (online, paper, "
						  "easy-read-paper, event-card)", im->channel);
	im->form = opt->form ? opt->form : im->m->form;
	if (strcmp(im->form, "standard") && strcmp(im->form, "easy-read"))
		return err_set(im->e, EXIT_USAGE, "unknown form '%s' (standard, easy-read)", im->form);
	im->dates = date_style_named(im->m->dates);
	if (exercise_dates(im) < 0)
		return -1;
	/* A LimeSurvey export lists its columns in <fields>: a header like CSV's. */
	im->fixed_names = !strcmp(f, "csv") || !strcmp(f, "xlsx") || !strcmp(f, "limesurvey");
	return fixed_event(im);
}

/* Was this file imported with this mapping before? */
static int already_imported(struct importer *im, const char *sha)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"SELECT id FROM import_batch WHERE exercise_id = ?1 AND sha256 = ?2 AND "
		"mapping_sha256 = ?3 AND finished_at IS NOT NULL ORDER BY id LIMIT 1", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->exercise_id);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, im->m->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		im->stats->batch_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "reading earlier imports", im->e);
	return rc == SQLITE_ROW;
}

/*
 * The identity of a record the reader could not take, as far as it can be
 * read: 1 when it is an erased response's (the record is skipped, not
 * rejected), 0 with im->cur_ext and im->cur_serial set for its reject, or
 * im->identity_unknown when its fields cannot be told apart (erasure then
 * looks for the id in its raw text); -1 on failure.
 */
static int bad_record_identity(struct importer *im, const struct source_record *rec,
			       char ext[320], char serial[128])
{
	char why[256], key[160];
	int rc = KEY_NEW;

	im->cur_ext = im->cur_serial = NULL;
	im->identity_unknown = 0;
	if (!rec->nfields) {
		/* Its id cannot be read: an erased id or serial as a whole field of it will do. */
		if (rec->raw && rec->raw_len) {
			sqlite3_bind_int64(im->find_erased_raw, 1, im->exercise_id);
			sqlite3_bind_blob(im->find_erased_raw, 2, rec->raw, (int)rec->raw_len,
					  SQLITE_STATIC);
			rc = sqlite3_step(im->find_erased_raw);
			sqlite3_reset(im->find_erased_raw);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return db_fail(im->db, "importing", im->e);
			if (rc == SQLITE_ROW) {
				im->stats->erased++;
				return 1;
			}
		}
		im->identity_unknown = 1;
		return 0;
	}
	if (im->fixed_names && !im->indexed && index_fields(im, rec) < 0)
		return -1; /* the mapping does not fit the file: refuse it */
	record_keys(im, rec, ext, serial, why);
	if (!strncmp(ext, "content:", 8))
		ext[0] = '\0'; /* a hash of a record that was not read right matches nothing */
	serial_key(serial, key);
	if ((*ext && keyset_get(&im->erased, ext)) || (*serial && keyset_get(&im->erased, key)))
		rc = KEY_ERASED;
	else if (*ext && (rc = key_lookup(im, im->find_id, ext)) < 0)
		return -1;
	if (*serial && rc != KEY_ERASED && (rc = key_lookup(im, im->find_serial, serial)) < 0)
		return -1;
	if (rc == KEY_ERASED) {
		im->stats->erased++;
		return 1;
	}
	im->cur_ext = *ext ? ext : NULL;
	im->cur_serial = *serial ? serial : NULL;
	return 0;
}

/*
 * dates="auto": one pass over the date column before anything is stored,
 * so the whole column is read one way (date_column_decide); the file is
 * refused when that cannot be told, never guessed row by row.
 */
static int decide_dates(struct importer *im)
{
	struct date_column col = { 0 };
	struct source src = { 0 };
	struct source_record rec;
	struct err rowerr;
	char tbuf[IMPORT_MAX_VALUE + 1], why[ERR_LINE_LEN];
	const char *word = NULL;
	int rc, ok = -1;

	if (im->dates != DATE_AUTO || !im->m->submitted_field)
		return 0;
	if (open_source(im, &src) < 0)
		return -1;
	err_init(&rowerr);
	while ((rc = source_next(&src, &rec, &rowerr)) != SOURCE_EOF) {
		if (rc == SOURCE_FATAL) {
			ok = 0; /* the import's own pass says why */
			goto out;
		}
		err_init(&rowerr);
		if (rc != SOURCE_RECORD)
			continue;
		word = rec.place_word;
		date_column_note(&col, trim(value_of(im, &rec, index_of(&rec, im->m->submitted_field),
						     im->m->submitted_field), tbuf, sizeof tbuf),
				 rec.place);
	}
	if (date_column_decide(&col, word ? word : "record", &im->dates, why, sizeof why) < 0) {
		err_set(im->e, EXIT_DATA, "%s: column '%.80s': %s", im->path,
			im->m->submitted_field, why);
		goto out;
	}
	ok = 0;
out:
	source_free(&src);
	return ok;
}

static int run(struct importer *im, struct source *src)
{
	struct response_build b = { 0 };
	struct source_record rec;
	struct progress prog;
	struct err rowerr;
	int rc, ok = -1;

	/* Percent and time left where the reader can say how far into the file it is. */
	progress_start(&prog, im->opt->progress, im->path,
		       source_bytes(src) >= 0 ? file_size(im->path) : 0);
	err_init(&rowerr);
	while ((rc = source_next(src, &rec, &rowerr)) != SOURCE_EOF) {
		im->stats->read++;
		if (rc == SOURCE_FATAL) {
			err_set(im->e, rowerr.code ? rowerr.code : EXIT_DATA, "%s",
				rowerr.nlines ? err_first(&rowerr) : "the file cannot be read further");
			goto out;
		}
		if (rc == SOURCE_BAD) {
			/* The reader's message already has the file and place. */
			const char *msg = rowerr.nlines ? err_first(&rowerr) : "unreadable record";
			const char *why = msg;
			size_t plen = strlen(im->path);

			if (!strncmp(why, im->path, plen) && why[plen] == ':') {
				why += plen + 1;
				while (*why && *why != ' ')
					why++;
				while (*why == ' ')
					why++;
			}
			char ext[320], serial[128];
			int erased = bad_record_identity(im, &rec, ext, serial);

			if (erased < 0)
				goto out;
			if (!erased) {
				err_set(im->rejects, EXIT_DATA, "%s", msg);
				if (store_reject(im, &rec, *why ? why : msg) < 0)
					goto out;
			}
			im->cur_ext = im->cur_serial = NULL;
			im->identity_unknown = 0;
			err_init(&rowerr);
			continue;
		}
		rc = import_record(im, &rec, &b);
		build_release(&b);
		if (rc < 0)
			goto out;
		if ((im->stats->read & 0xfff) == 0)
			progress_update(&prog, im->stats->read, source_bytes(src));
	}
	ok = 0;
out:
	progress_end(&prog);
	free(b.rows);
	free(b.owned);
	return ok;
}

#define POSTCODE_MEMO 32768 /* full postcodes looked up, remembered (about 1 MB) */

int import_file(sqlite3 *db, long long exercise_id, const struct mapping *m, const char *path,
		const struct import_options *opt, struct import_stats *stats, struct err *rejects,
		struct err *warnings, struct err *e)
{
	struct importer im = { 0 };
	struct source src = { 0 };
	char sha[SHA256_HEX_LEN + 1];
	long long fk = 0;
	int rc, ok = -1, in_tx = 0, fk_off = 0;

	memset(stats, 0, sizeof *stats);
	im.db = db;
	im.exercise_id = exercise_id;
	im.m = m;
	im.opt = opt;
	im.path = path;
	im.stats = stats;
	im.rejects = rejects;
	im.warnings = warnings;
	im.e = e;
	if (prepare_all(&im) < 0 || settle(&im) < 0 || source_fingerprint(path, sha, e) < 0)
		goto out;
	if ((rc = already_imported(&im, sha)) != 0) {
		stats->already = rc > 0;
		ok = rc > 0 ? 0 : -1;
		goto out;
	}
	if (bind_mapping(&im) < 0 || collect_mapped(&im) < 0)
		goto out;
	/* Records resolve only inside the transaction: their lookups can be kept. */
	if (!(im.resolver = postcode_resolver_new(db, exercise_id, e)))
		goto out;
	if (postcode_resolver_remember(im.resolver, POSTCODE_MEMO) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (opt->threshold > 0)
		postcode_resolver_set_threshold(im.resolver, opt->threshold);
	if (decide_dates(&im) < 0 || scan_edits(&im) < 0 || open_source(&im, &src) < 0)
		goto out;
	/*
	 * Foreign keys are not checked inside the import's transaction: checking
	 * the references of every response and answer took about a seventh of
	 * the import's time. Every id the rows refer to (the exercise, this batch,
	 * questions, options, events, districts) is read again inside the
	 * transaction, which holds the write lock from BEGIN IMMEDIATE on, so
	 * nothing can remove them meanwhile; districts and events are looked up
	 * there for each record. The pragma does nothing inside a transaction:
	 * it is turned off before BEGIN and back on after COMMIT or ROLLBACK.
	 */
	if (db_int(db, "PRAGMA foreign_keys", 0, &fk, e, 0) < 0 ||
	    (fk && db_exec(db, "PRAGMA foreign_keys = OFF", "importing", e) < 0))
		goto out;
	fk_off = fk != 0;
	if (db_begin(db, e) < 0)
		goto out;
	in_tx = 1;
	bound_free(&im);
	if (fixed_event(&im) < 0 || bind_mapping(&im) < 0 || start_batch(&im, sha) < 0 ||
	    pending_start(&im) < 0)
		goto out;
	if (run(&im, &src) < 0 || pending_flush(&im) < 0)
		goto out;
	if (opt->strict && stats->rejected) {
		err_set(e, EXIT_DATA, "%s: %ld records rejected and --strict given: nothing imported",
			path, stats->rejected);
		goto out;
	}
	if (flag_outside(&im) < 0 || district_summary(&im) < 0 || finish_batch(&im) < 0 ||
	    db_commit(db, e) < 0)
		goto out;
	in_tx = 0;
	warn_unmapped(&im);
	warn_unseen(&im);
	ok = 0;
out:
	if (in_tx)
		db_rollback(db);
	if (fk_off) /* outside a transaction now, where it cannot fail */
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (ok < 0)
		import_stats_free(stats);
	source_free(&src);
	keyset_free(&im.seen);
	keyset_free(&im.erased);
	edits_free(&im);
	pending_free(&im);
	free(im.counts);
	postcode_resolver_free(im.resolver);
	finalize_all(&im);
	bound_free(&im);
	free(im.mapped);
	free(im.mapped_seen);
	for (size_t i = 0; i < im.nunmapped; i++)
		free(im.unmapped[i].name);
	free(im.unmapped);
	keyset_free(&im.unmapped_index);
	free(im.column_unmapped);
	free(im.repeat_each);
	return ok;
}

/* ---- fingerprints ------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Calls fn(arg, path, name) for each XML file in `dir` (and one level of
 * subfolders), in name order; fn returns 0 to go on, 1 to stop, -1 on
 * failure (with `e` set). 0, 1 or -1.
 */
static int each_xml_file(const char *dir, int depth,
			 int (*fn)(void *arg, const char *path, const char *name, struct err *e),
			 void *arg, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int ok = 0;

	if (!d)
		return err_set(e, EXIT_SYSTEM, "cannot read folder %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char **more;

		if (de->d_name[0] == '.')
			continue;
		if (!(more = realloc(names, (n + 1) * sizeof *names)) ||
		    !(more[n] = strdup(de->d_name))) {
			if (more)
				names = more;
			ok = err_set(e, EXIT_SYSTEM, "out of memory");
			break;
		}
		names = more;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; ok == 0 && i < n; i++) {
		char full[4096];
		struct stat sb;
		size_t len = strlen(names[i]);

		snprintf(full, sizeof full, "%s/%s", dir, names[i]);
		if (stat(full, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (depth == 0)
				ok = each_xml_file(full, 1, fn, arg, e);
			continue;
		}
		if (len < 4 || strcasecmp(names[i] + len - 4, ".xml"))
			continue;
		ok = fn(arg, full, names[i], e);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ok;
}

/* Adds "name\0sha256\n" of the file to the folder's hash. */
static int hash_one(void *ctx, const char *path, const char *name, struct err *e)
{
	char hex[SHA256_HEX_LEN + 1];

	if (file_sha256(path, hex, e) < 0)
		return -1;
	sha256_update(ctx, strlen(name) + 1, (const uint8_t *)name);
	sha256_update(ctx, SHA256_HEX_LEN, (const uint8_t *)hex);
	return 0;
}

/* 1 when the file's bytes hold `needle` (a short ASCII word), 0 when not, -1. */
static int file_mentions(void *needle, const char *path, const char *name, struct err *e)
{
	char buf[65536 + 64];
	size_t nlen = strlen(needle), keep = 0, got;
	FILE *fp = fopen(path, "rb");
	int found = 0;

	(void)name;
	if (!fp)
		return err_set(e, EXIT_SYSTEM, "cannot open %s: %s", path, strerror(errno));
	while (!found && (got = fread(buf + keep, 1, sizeof buf - 64 - keep, fp)) > 0) {
		size_t have = keep + got;

		for (size_t i = 0; !found && i + nlen <= have; i++)
			found = buf[i] == *(const char *)needle && !memcmp(buf + i, needle, nlen);
		/* The word may straddle two reads. */
		keep = have >= nlen ? nlen - 1 : have;
		memmove(buf, buf + have - keep, keep);
	}
	if (!found && ferror(fp)) {
		fclose(fp);
		return err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
	}
	fclose(fp);
	return found;
}

/* 1 when some XML file of `path` (a file or a folder) holds `word`, 0, or -1. */
static int export_mentions(const char *path, const char *word, struct err *e)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return err_set(e, EXIT_SYSTEM, "cannot open %s: %s", path, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return file_mentions((void *)word, path, path, e);
	return each_xml_file(path, 0, file_mentions, (void *)word, e);
}

int source_fingerprint(const char *path, char *hex, struct err *e)
{
	struct stat sb;
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	if (stat(path, &sb) != 0)
		return err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM, "cannot open %s: %s",
			       path, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return file_sha256(path, hex, e);
	sha256_init(&ctx);
	if (each_xml_file(path, 0, hash_one, &ctx, e) < 0)
		return -1;
	sha256_digest(&ctx, sizeof d, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* ---- storing one response (shared with typed entry) --------------------- */

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

#include "import_shape.c"
