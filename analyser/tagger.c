/*
 * tagger.c: one pass over the free-text answers. A prefilter
 * (prefilter.h) picks the few patterns worth running on each answer; the
 * tags are those of trying every theme (rules_tag_answer()).
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include "tagger.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "free_text.h"
#include "prefilter.h"
#include "progress.h"
#include "rules_when_db.h"
#include "strbuf.h"
#include "tag_rows.h"

/* Stores the rule set and its themes; *ids gets each theme's row id. */
static int store_ruleset(sqlite3 *db, long long ex, const struct ruleset *rs, long long *rsid,
			 long long *ids, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO ruleset (exercise_id, sha256, file_name, title, tagged_at) VALUES "
		"(?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, rs->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, file_base(rs->path), -1, SQLITE_STATIC);
	if (rs->title)
		sqlite3_bind_text(st, 4, rs->title, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "storing the rule set", e);
	*rsid = sqlite3_last_insert_rowid(db);
	if (!(st = db_prepare(db, "INSERT INTO theme (ruleset_id, code, label, description, "
				  "parent_id, depth, position, safeguarding) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				  e)))
		return -1;
	/* Parents first, whatever the file's order, so parent_id is known. */
	for (int depth = 1, left = (int)rs->nthemes; left > 0; depth++) {
		for (size_t i = 0; i < rs->nthemes; i++) {
			const struct rule_theme *t = &rs->themes[i];

			if (t->depth != depth)
				continue;
			sqlite3_bind_int64(st, 1, *rsid);
			sqlite3_bind_text(st, 2, t->code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, t->label, -1, SQLITE_STATIC);
			if (t->description)
				sqlite3_bind_text(st, 4, t->description, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 4);
			if (t->parent >= 0)
				sqlite3_bind_int64(st, 5, ids[t->parent]);
			else
				sqlite3_bind_null(st, 5);
			sqlite3_bind_int(st, 6, t->depth);
			sqlite3_bind_int64(st, 7, (long long)i + 1);
			sqlite3_bind_int(st, 8, t->safeguarding);
			if (sqlite3_step(st) != SQLITE_DONE) {
				sqlite3_finalize(st);
				return db_fail(db, "storing the themes", e);
			}
			sqlite3_reset(st);
			ids[i] = sqlite3_last_insert_rowid(db);
			left--;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* The current rule set's id and theme ids, when it is `rs`'s version. */
static int current(sqlite3 *db, long long ex, const struct ruleset *rs, long long *rsid,
		   long long *last, long long *ids, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, last_answer_id FROM ruleset WHERE "
					  "exercise_id = ?1 AND sha256 = ?2", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, rs->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rsid = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the rule set", e);
	if (!(st = db_prepare(db, "SELECT code, id FROM theme WHERE ruleset_id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, *rsid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = rules_find(rs, (const char *)sqlite3_column_text(st, 0));

		if (i >= 0)
			ids[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : db_fail(db, "reading the themes", e);
}

/* A rule's name and number, as the rule set's table has them. */
struct named_no {
	char *name;
	long long no;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named_no *)a)->name, ((const struct named_no *)b)->name);
}

/* The rules rule set `rsid` has already, sorted by name, in *v (*n of them). 0 or -1. */
static int known_rules(sqlite3 *db, long long rsid, struct named_no **v, size_t *n,
		       struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT name, no FROM rule WHERE ruleset_id = ?1", e);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rsid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ALLOC_GROW(*v, *n + 1, cap) < 0 ||
		    !((*v)[*n].name = strdup((const char *)sqlite3_column_text(st, 0)))) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*v)[(*n)++].no = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOMEM)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the rules", e);
	if (*n)
		qsort(*v, *n, sizeof **v, by_name);
	return 0;
}

/*
 * The number each rule of `rs` has in rule set `rsid`'s table of rules,
 * adding those it does not have yet: nos[g] for include g of the set,
 * nos[nincludes + i] for theme i's fallback. Two patterns with one name
 * share a number, as their tags would share the name. 0 or -1.
 */
static int rule_numbers(sqlite3 *db, long long rsid, const struct ruleset *rs, long long *nos,
			struct err *e)
{
	sqlite3_stmt *ins = NULL, *get = NULL;
	struct named_no *known = NULL;
	size_t nknown = 0;
	int ok = known_rules(db, rsid, &known, &nknown, e);

	for (size_t i = 0; i < rs->nthemes && !ok; i++) {
		const struct rule_theme *t = &rs->themes[i];

		for (size_t k = 0; k <= t->nincludes && !ok; k++) {
			const char *name = k < t->nincludes ? t->includes[k].id :
					   t->otherwise ? t->fallback.id : NULL;
			long long *to = k < t->nincludes ? &nos[t->first_include + k] :
					&nos[rs->nincludes + i];
			struct named_no key = { (char *)name, 0 }, *have;

			if (!name)
				continue;
			/* Tagging again with the same rules: every rule is there already. */
			if (nknown && (have = bsearch(&key, known, nknown, sizeof *known, by_name))) {
				*to = have->no;
				continue;
			}
			if (!ins && !(ins = db_prepare(db, "INSERT OR IGNORE INTO rule (ruleset_id, no, "
						   "name) SELECT ?1, coalesce(max(no), 0) + 1, ?2 "
						   "FROM rule WHERE ruleset_id = ?1", e))) {
				ok = -1;
				break;
			}
			if (!get && !(get = db_prepare(db, "SELECT no FROM rule WHERE ruleset_id = ?1 "
						   "AND name = ?2", e))) {
				ok = -1;
				break;
			}
			sqlite3_bind_int64(ins, 1, rsid);
			sqlite3_bind_text(ins, 2, name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(get, 1, rsid);
			sqlite3_bind_text(get, 2, name, -1, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(get) != SQLITE_ROW)
				ok = db_fail(db, "storing the rules", e);
			else
				*to = sqlite3_column_int64(get, 0);
			sqlite3_reset(ins);
			sqlite3_reset(get);
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(get);
	for (size_t i = 0; i < nknown; i++)
		free(known[i].name);
	free(known);
	return ok;
}

/*
 * Tagging runs in batches of answers: a batch is read from the database
 * (in id order), worker threads match batches, and the calling thread
 * writes each batch's tags in turn, so the tags and their order do not
 * depend on the threads. With workers and a database in a file, a reader
 * thread reads the answers through a connection of its own (SQLite's
 * part of the reading then overlaps the writing); else the calling thread
 * reads too. Each connection is used from one thread only.
 */
#define BATCH_ANSWERS 1024
#define BATCH_BYTES (256 * 1024)
#define MAX_THREADS 8

enum batch_state { B_FREE, B_READ, B_MATCHING, B_MATCHED };

struct batch {
	enum batch_state state;
	size_t n;               /* answers */
	long long *id;
	long long *rid, *qid;   /* each answer's response and question, kept with its tags */
	size_t *text, *len;     /* where each answer's text is in buf */
	size_t *question;       /* where its question code is in buf */
	size_t *vals;           /* nvals a answer: where the response's answers to the
				   rules' <when> questions are in buf, SIZE_MAX for none */
	size_t nvals;
	int *ntags;             /* entries in `tags`, -1 for invalid UTF-8 */
	char *buf;
	size_t used, cap;
	struct rule_tag *tags;  /* every answer's entries, one after another */
	size_t ntag, tagcap;
	int oom;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct batch b[2 * MAX_THREADS + 2];
	size_t nb;
	size_t next_match;      /* the next batch a worker takes */
	int stop;
	const struct prefilter *pf;
	size_t nthemes;
	pthread_t tid[MAX_THREADS];
	size_t nworkers;        /* 0: the caller matches, with `s` */
	size_t nstarted;
	int sync;               /* how many of mu, work and done are set up */
	struct prefilter_scratch *s;
	size_t nread;           /* with a reader thread: batches it has read, */
	int read_end;           /* whether it is done (or failed, read_failed) */
	int read_failed;
};

static int batch_init(struct batch *b, size_t nvals)
{
	memset(b, 0, sizeof *b);
	b->nvals = nvals;
	b->vals = nvals ? malloc(BATCH_ANSWERS * nvals * sizeof *b->vals) : NULL;
	if (nvals && !b->vals)
		return -1;
	b->id = malloc(BATCH_ANSWERS * sizeof *b->id);
	b->rid = malloc(BATCH_ANSWERS * sizeof *b->rid);
	b->qid = malloc(BATCH_ANSWERS * sizeof *b->qid);
	b->text = malloc(BATCH_ANSWERS * sizeof *b->text);
	b->len = malloc(BATCH_ANSWERS * sizeof *b->len);
	b->question = malloc(BATCH_ANSWERS * sizeof *b->question);
	b->ntags = malloc(BATCH_ANSWERS * sizeof *b->ntags);
	b->cap = BATCH_BYTES + 4096;
	b->buf = malloc(b->cap);
	return b->id && b->rid && b->qid && b->text && b->len && b->question && b->ntags && b->buf ? 0 : -1;
}

static void batch_free(struct batch *b)
{
	free(b->id);
	free(b->rid);
	free(b->qid);
	free(b->text);
	free(b->len);
	free(b->question);
	free(b->vals);
	free(b->ntags);
	free(b->buf);
	free(b->tags);
}

/* Copies `len` bytes and a NUL into the batch; returns their offset, or SIZE_MAX. */
static size_t batch_put(struct batch *b, const void *p, size_t len)
{
	size_t at = b->used;

	/* Strings and their NULs one after another, found by offset: an array, not a strbuf. */
	if (len >= SIZE_MAX - b->used || ALLOC_GROW(b->buf, b->used + len + 1, b->cap) < 0)
		return SIZE_MAX;
	if (len)
		memcpy(b->buf + at, p, len);
	b->buf[at + len] = '\0';
	b->used += len + 1;
	return at;
}

/* Matches every answer of a batch (worker threads, or the caller with none). */
static void batch_match(const struct prefilter *pf, size_t nthemes, struct prefilter_scratch *s,
			struct batch *b)
{
	const char *values[RULES_MAX_WHEN];
	struct rule_context c = { NULL, b->nvals ? values : NULL };

	assert(b->nvals <= sizeof values / sizeof values[0]);
	b->ntag = 0;
	for (size_t i = 0; i < b->n && !b->oom; i++) {
		int n;

		c.question = b->buf + b->question[i];
		for (size_t k = 0; k < b->nvals; k++) {
			size_t at = b->vals[i * b->nvals + k];

			values[k] = at == SIZE_MAX ? NULL : b->buf + at;
		}
		if (nthemes > SIZE_MAX - b->ntag ||
		    ALLOC_GROW(b->tags, b->ntag + nthemes, b->tagcap) < 0) {
			b->oom = 1;
			break;
		}
		n = prefilter_tag_in(pf, s, b->buf + b->text[i], b->len[i], &c, b->tags + b->ntag);
		b->ntags[i] = n;
		if (n > 0)
			b->ntag += (size_t)n;
	}
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct prefilter_scratch *s = prefilter_scratch_new(p->pf, NULL);

	pthread_setname_np(pthread_self(), "tally-match"); /* for top and perf */
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b = &p->b[p->next_match];

		while (!p->stop && b->state != B_READ) {
			pthread_cond_wait(&p->work, &p->mu);
			b = &p->b[p->next_match];
		}
		if (p->stop)
			break;
		b->state = B_MATCHING;
		p->next_match = (p->next_match + 1) % p->nb;
		pthread_cond_broadcast(&p->work); /* the next batch may be ready for another */
		pthread_mutex_unlock(&p->mu);
		if (s)
			batch_match(p->pf, p->nthemes, s, b);
		else
			b->oom = 1;
		pthread_mutex_lock(&p->mu);
		b->state = B_MATCHED;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	prefilter_scratch_free(s);
	return NULL;
}

struct tagging {
	sqlite3 *db;
	sqlite3 *rdb;           /* the answers are read through this: db, or the reader's own */
	struct err *re;         /* and their errors go here: e, or the reader's own */
	const struct ruleset *rs;
	const long long *ids;
	const long long *nos;   /* each rule's number (rule_numbers()) */
	long *errs;
	struct tag_stats *stats;
	sqlite3_stmt *sel, *ins;
	struct tag_row *rows;   /* a batch's tags, for tally_tag_rows() */
	size_t rowcap;
	long long last;
	struct err *e;
	long long after;        /* the answers read are those after this id */
	struct progress prog;   /* answers read, of the ids up to the largest */
	struct pool *pool;      /* for the reader thread */
	struct err rerr;        /* the reader thread's errors */
	struct free_text ft;    /* the free-text questions' codes, by id */
};

/* Reads the next answers into `b`; 0 when the batch is full, 1 at the end, -1 on error. */
static int batch_read(struct tagging *t, struct batch *b)
{
	int rc;

	b->n = 0;
	b->used = 0;
	b->oom = 0;
	while (b->n < BATCH_ANSWERS && b->used < BATCH_BYTES) {
		const void *text;
		const char *code;
		size_t len, q;

		if ((rc = sqlite3_step(t->sel)) != SQLITE_ROW) {
			if (rc == SQLITE_DONE)
				return 1;
			return db_fail(t->rdb, "reading the answers", t->re);
		}
		b->id[b->n] = sqlite3_column_int64(t->sel, 0);
		b->rid[b->n] = sqlite3_column_int64(t->sel, 3);
		b->qid[b->n] = sqlite3_column_int64(t->sel, 4);
		text = sqlite3_column_blob(t->sel, 1);
		len = (size_t)sqlite3_column_bytes(t->sel, 1);
		if (!(code = free_text_code(&t->ft, b->qid[b->n])))
			return err_set(t->re, EXIT_SYSTEM, "answer %lld: question %lld is not a free-text "
				       "question", b->id[b->n], b->qid[b->n]);
		q = batch_put(b, code, strlen(code));
		b->text[b->n] = batch_put(b, text, len);
		if (q == SIZE_MAX || b->text[b->n] == SIZE_MAX)
			return err_set(t->re, EXIT_SYSTEM, "out of memory");
		b->question[b->n] = q;
		for (size_t k = 0; k < b->nvals; k++) {
			size_t at = SIZE_MAX;

			if (sqlite3_column_type(t->sel, 5 + (int)k) != SQLITE_NULL &&
			    (at = batch_put(b, sqlite3_column_text(t->sel, 5 + (int)k),
					    (size_t)sqlite3_column_bytes(t->sel, 5 + (int)k))) == SIZE_MAX)
				return err_set(t->re, EXIT_SYSTEM, "out of memory");
			b->vals[b->n * b->nvals + k] = at;
		}
		b->len[b->n++] = len;
	}
	return 0;
}

/* The number of the rule that gave `tag` (rule_numbers()). */
static long long rule_no(const struct tagging *t, const struct rule_tag *tag)
{
	const struct rule_theme *th = &t->rs->themes[tag->theme];

	if (tag->hit.rule == &th->fallback)
		return t->nos[t->rs->nincludes + tag->theme];
	assert(tag->hit.rule >= th->includes && tag->hit.rule < th->includes + th->nincludes);
	return t->nos[th->first_include + (size_t)(tag->hit.rule - th->includes)];
}

/* Writes a matched batch's tags and counts its answers. 0 or -1. */
static int batch_write(struct tagging *t, const struct batch *b)
{
	const struct rule_tag *tag = b->tags;
	struct tag_rows rows = { NULL, 0 };
	int rc;

	if (b->oom || ALLOC_GROW(t->rows, b->ntag + 1, t->rowcap) < 0)
		return err_set(t->e, EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; i < b->n; i++) {
		int any = 0;

		t->last = b->id[i];
		t->stats->answers++;
		if (b->ntags[i] < 0) {
			t->stats->invalid_utf8++;
			continue;
		}
		for (int k = 0; k < b->ntags[i]; k++, tag++) {
			if (tag->result == RULE_ERROR) {
				t->errs[tag->theme]++;
				t->stats->errors++;
				continue;
			}
			assert(rows.n < b->ntag);
			t->rows[rows.n++] = (struct tag_row){ b->id[i], t->ids[tag->theme],
							      rule_no(t, tag),
							      (long long)tag->hit.start,
							      (long long)tag->hit.end, b->rid[i],
							      b->qid[i] };
			t->stats->tags++;
			any = 1;
		}
		t->stats->tagged += any;
	}
	if (!rows.n)
		return 0;
	/* The whole batch in one statement, as SQLite copies a table. */
	rows.v = t->rows;
	sqlite3_bind_pointer(t->ins, 1, &rows, TAG_ROWS_POINTER, NULL);
	rc = sqlite3_step(t->ins);
	sqlite3_reset(t->ins);
	/* Said before the pointer is unbound: binding clears the connection's error. */
	if (rc != SQLITE_DONE)
		db_fail(t->db, "storing the tags", t->e);
	sqlite3_bind_null(t->ins, 1);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The statements of a run: the answers after `after`, and a batch's tags
 * inserted at once. 0, or -1 with t->e set.
 */
static int tagging_prepare(struct tagging *t, const struct ruleset *rs, long long ex,
			   long long after)
{
	struct strbuf q = STRBUF_INIT;
	int bad = 0;
	long long others = 1;
	char ex_text[24];

	/* With no response of another exercise, the join with response would
	   keep every answer: it is left out (a seek per answer, a fifth of the
	   reading's CPU). Two seeks in the index on response(exercise_id, ...). */
	snprintf(ex_text, sizeof ex_text, "%lld", ex);
	if (db_int(t->rdb, "SELECT EXISTS (SELECT 1 FROM response WHERE exercise_id < ?1) OR "
		   "EXISTS (SELECT 1 FROM response WHERE exercise_id > ?1)", 1, &others, t->e, 1,
		   ex_text) < 0 ||
	    free_text_load(t->rdb, &t->ft, t->e) < 0)
		return -1;
	/* In id order straight from the table: no sorting, memory flat. Column 2
	   is unused: the question's code comes from t->ft. */
	bad |= strbuf_addstr(&q, "SELECT a.id, a.value, NULL, a.response_id, a.question_id");
	/* The same response's answers to each question a <when> looks at. */
	bad |= rules_when_columns(&q, rs, 3);
	bad |= strbuf_addstr(&q, " FROM answer a");
	if (others)
		bad |= strbuf_addstr(&q, " CROSS JOIN response r");
	bad |= strbuf_addstr(&q, " WHERE " FREE_TEXT_ANSWER " AND a.value IS NOT NULL AND a.id > ?2");
	if (others)
		bad |= strbuf_addstr(&q, " AND r.id = a.response_id AND r.exercise_id = ?1");
	bad |= strbuf_addstr(&q, " ORDER BY a.id");
	if (bad) {
		strbuf_release(&q);
		return err_set(t->e, EXIT_SYSTEM, "out of memory");
	}
	t->sel = db_prepare(t->rdb, q.buf, t->e);
	strbuf_release(&q);
	if (!t->sel)
		return -1;
	sqlite3_bind_int64(t->sel, 1, ex);
	sqlite3_bind_int64(t->sel, 2, after);
	rules_when_bind(t->sel, rs, 3);
	if (tag_rows_register(t->db, t->e) < 0)
		return -1;
	t->ins = db_prepare(t->db, "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, "
			    "match_end, response_id, question_id) SELECT answer_id, theme_id, "
			    "rule_no, match_start, match_end, response_id, question_id "
			    "FROM tally_tag_rows(?1)", t->e);
	return t->ins ? 0 : -1;
}

static void tagging_release(struct tagging *t)
{
	sqlite3_finalize(t->sel);
	sqlite3_finalize(t->ins);
	free(t->rows);
	free_text_release(&t->ft);
}

/* Stops the workers (the caller does not hold p->mu) and frees the pool; NULL is a no-op. */
static void pool_free(struct pool *p)
{
	if (!p)
		return;
	if (p->nstarted) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0; i < p->nstarted; i++)
			pthread_join(p->tid[i], NULL);
	}
	if (p->sync >= 1)
		pthread_mutex_destroy(&p->mu);
	if (p->sync >= 2)
		pthread_cond_destroy(&p->work);
	if (p->sync >= 3)
		pthread_cond_destroy(&p->done);
	for (size_t i = 0; i < p->nb; i++)
		batch_free(&p->b[i]);
	prefilter_scratch_free(p->s);
	free(p);
}

/*
 * A pool for matching with `pf`: its batches, and `threads` workers
 * started (0: one per processor; with one processor, or 1, the caller
 * matches). NULL with `e` set; a pool that fails half-way is freed.
 */
static struct pool *pool_start(const struct prefilter *pf, size_t nthemes, size_t nvals,
			       int threads, struct err *e)
{
	struct pool *p = calloc(1, sizeof *p);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = threads > 0 ? (size_t)threads : cpus > 1 ? (size_t)cpus : 1;

	if (!p) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	p->nworkers = n == 1 ? 0 : n; /* one processor: the caller matches too */
	p->nb = p->nworkers ? 2 * p->nworkers + 2 : 1;
	assert(p->nb <= sizeof p->b / sizeof p->b[0]);
	p->pf = pf;
	p->nthemes = nthemes;
	for (size_t i = 0; i < p->nb; i++)
		if (batch_init(&p->b[i], nvals) < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
	if (!p->nworkers && !(p->s = prefilter_scratch_new(pf, e)))
		goto fail;
	if (pthread_mutex_init(&p->mu, NULL) || (p->sync = 1, pthread_cond_init(&p->work, NULL)) ||
	    (p->sync = 2, pthread_cond_init(&p->done, NULL))) {
		err_set(e, EXIT_SYSTEM, "cannot set up threads");
		goto fail;
	}
	p->sync = 3;
	for (; p->nstarted < p->nworkers; p->nstarted++)
		if (pthread_create(&p->tid[p->nstarted], NULL, worker, p)) {
			err_set(e, EXIT_SYSTEM, "cannot start a thread");
			goto fail;
		}
	return p;
fail:
	pool_free(p);
	return NULL;
}

/*
 * Reads, matches and writes every answer. Batches go round a ring: read
 * (fill), matched by a worker, written (write) in the order they were
 * read. SQLite is used from this thread only (its connection has no
 * mutex). Returns with p->mu unlocked; 0, or -1 with t->e set.
 */
static int tag_ring(struct tagging *t, struct pool *p)
{
	size_t fill = 0, write = 0;
	int end = 0;

	while (!end || write != fill) {
		struct batch *b;
		int rc;

		pthread_mutex_lock(&p->mu);
		b = &p->b[fill % p->nb];
		if (!end && b->state == B_FREE) {
			pthread_mutex_unlock(&p->mu);
			if ((rc = batch_read(t, b)) < 0)
				return -1;
			end = rc;
			if (!b->n)
				continue;
			fill++;
			if (!p->nworkers) {
				batch_match(p->pf, p->nthemes, p->s, b);
				b->state = B_MATCHED;
			} else {
				pthread_mutex_lock(&p->mu);
				b->state = B_READ;
				pthread_cond_broadcast(&p->work);
				pthread_mutex_unlock(&p->mu);
			}
			continue;
		}
		/* Nothing to read into: write the oldest batch, once matched. */
		assert(write < fill);
		b = &p->b[write % p->nb];
		while (b->state != B_MATCHED)
			pthread_cond_wait(&p->done, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (batch_write(t, b) < 0)
			return -1;
		progress_update(&t->prog, t->stats->answers, t->last - t->after);
		pthread_mutex_lock(&p->mu);
		b->state = B_FREE;
		pthread_mutex_unlock(&p->mu);
		write++;
	}
	return 0;
}

/*
 * The reader thread: reads batches into the ring in order, as each is
 * free, and hands them to the workers. Stops at the end, on an error
 * (t->re), or when told to (p->stop).
 */
static void *reader(void *arg)
{
	struct tagging *t = arg;
	struct pool *p = t->pool;
	size_t fill = 0;
	int end = 0, rc, stop;

	pthread_setname_np(pthread_self(), "tally-read");
	while (!end) {
		struct batch *b = &p->b[fill % p->nb];

		pthread_mutex_lock(&p->mu);
		while (!p->stop && b->state != B_FREE)
			pthread_cond_wait(&p->done, &p->mu);
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		if ((rc = batch_read(t, b)) < 0)
			break;
		end = rc;
		if (!b->n)
			continue;
		pthread_mutex_lock(&p->mu);
		b->state = B_READ;
		p->nread = ++fill;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_mutex_lock(&p->mu);
	p->read_failed = !end && !p->stop;
	p->read_end = 1;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * tag_ring() with a reader thread: this thread only writes each batch, in
 * the order read, once matched. 0, or -1 with t->e set (the reader's
 * error, if it failed).
 */
static int tag_ring_reader(struct tagging *t, struct pool *p)
{
	pthread_t tid;
	size_t write = 0;
	int ok = 0;

	if (pthread_create(&tid, NULL, reader, t))
		return err_set(t->e, EXIT_SYSTEM, "cannot start a thread");
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b = &p->b[write % p->nb];

		while (!p->read_failed && !(p->read_end && write == p->nread) &&
		       !(write < p->nread && b->state == B_MATCHED))
			pthread_cond_wait(&p->done, &p->mu);
		if (p->read_failed || write == p->nread)
			break;
		pthread_mutex_unlock(&p->mu);
		ok = batch_write(t, b);
		if (ok == 0)
			progress_update(&t->prog, t->stats->answers, t->last - t->after);
		pthread_mutex_lock(&p->mu);
		if (ok < 0)
			break;
		b->state = B_FREE;
		pthread_cond_broadcast(&p->done);
		write++;
	}
	/* The reader stops at its next batch; the workers when the pool is freed. */
	p->stop |= ok < 0;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	pthread_join(tid, NULL);
	if (ok == 0 && p->read_failed)
		ok = err_set(t->e, t->re->code ? t->re->code : EXIT_SYSTEM, "%s",
			     t->re->nlines ? t->re->lines[0] : "reading the answers failed");
	return ok;
}

/*
 * A connection of the reader thread's own to the file of `db`, or NULL
 * (an in-memory database, or it cannot be opened: the caller reads). It
 * sees what `db` sees of the answers: `db` holds the write lock of its
 * transaction (BEGIN IMMEDIATE), so nothing has been committed since it
 * began, and tagging changes no answer.
 */
static sqlite3 *reader_open(sqlite3 *db)
{
	const char *path = sqlite3_db_filename(db, "main");
	sqlite3 *rdb = NULL;

	if (!path || !*path)
		return NULL;
	if (sqlite3_open_v2(path, &rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_busy_timeout(rdb, 30000) != SQLITE_OK || /* as db_open()'s */
	    sqlite3_exec(rdb, "PRAGMA cache_size = -32768", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(rdb);
		return NULL;
	}
	return rdb;
}

/*
 * Records on rule set `rsid` how far the run read, and what it found. A run
 * that read no answer tagged nothing and records nothing: the tags' time
 * stays that of the run that made them, and the database is not written
 * (no journal, no sync: tagging again with nothing new costs next to
 * nothing). 0 or -1.
 */
static int ruleset_update(struct tagging *t, long long rsid)
{
	sqlite3_stmt *st;
	int rc;

	if (!t->stats->answers)
		return 0;
	st = db_prepare(t->db, "UPDATE ruleset SET last_answer_id = ?2, "
			"answers = answers + ?3, errors = errors + ?4, "
			"tagged_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1", t->e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rsid);
	sqlite3_bind_int64(st, 2, t->last);
	sqlite3_bind_int64(st, 3, t->stats->answers);
	sqlite3_bind_int64(st, 4, t->stats->errors);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(t->db, "storing the rule set", t->e);
}

static int tag_answers(sqlite3 *db, long long ex, const struct ruleset *rs, long long rsid,
		       long long after, const long long *ids, const long long *nos, long *errs,
		       const struct tagger_options *opt, struct tag_stats *stats, struct err *e)
{
	static struct tagging zero;
	struct tagging t = zero;
	struct prefilter *pf = NULL;
	struct pool *p = NULL;
	long long top = 0;
	int ok = -1, threads = opt ? opt->threads : 0;

	t.db = t.rdb = db;
	t.re = t.e = e;
	t.rs = rs;
	t.ids = ids;
	t.nos = nos;
	t.errs = errs;
	t.stats = stats;
	t.last = t.after = after;
	err_init(&t.rerr);

	/* How far through the answers' ids the run is: a measure with no count to wait for. */
	if (db_int(db, "SELECT coalesce(max(id), 0) FROM answer", 0, &top, e, 0) < 0)
		return -1;
	/* Less than a batch to read (none, on an empty exercise): no threads to start. */
	if (threads == 0 && top - after < BATCH_ANSWERS)
		threads = 1;
	progress_start(&t.prog, opt && opt->progress, "tagging", top > after ? top - after : 0);
	t.prog.unit = "answers";
	if ((opt && opt->pf ? (pf = opt->pf) != NULL : (pf = prefilter_build(rs, e)) != NULL) &&
	    (p = pool_start(pf, rs->nthemes, rs->nwhen_questions, threads, e))) {
		t.pool = p;
		if (p->nworkers && (t.rdb = reader_open(db)))
			t.re = &t.rerr;
		else
			t.rdb = db;
		if (tagging_prepare(&t, rs, ex, after) == 0 &&
		    (t.rdb != db ? tag_ring_reader(&t, p) : tag_ring(&t, p)) == 0 &&
		    ruleset_update(&t, rsid) == 0)
			ok = 0;
	}
	progress_end(&t.prog);
	pool_free(p);
	if (!opt || pf != opt->pf)
		prefilter_free(pf);
	tagging_release(&t);
	if (t.rdb != db)
		sqlite3_close(t.rdb);
	return ok;
}

int tagger_run(sqlite3 *db, long long exercise_id, const struct ruleset *rs,
	       const struct tagger_options *opt, struct tag_stats *stats, struct err *errors_out,
	       struct err *e)
{
	long long *ids = calloc(rs->nthemes + 1, sizeof *ids);
	long long *nos = calloc(rs->nincludes + rs->nthemes + 1, sizeof *nos);
	long *errs = calloc(rs->nthemes + 1, sizeof *errs);
	long long rsid = 0, after = 0, total = 0;
	char rsid_text[24];
	int rc, ok = -1, fk_off = 0;

	memset(stats, 0, sizeof *stats);
	if (!ids || !nos || !errs) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (rules_when_check(db, exercise_id, rs, e) < 0)
		goto out;
	/*
	 * Every tag refers to an answer read and a theme stored in this same
	 * transaction, so checking those two references on each of millions
	 * of inserts proves nothing and costs time: foreign keys are
	 * off for the run (the pragma only works outside a transaction), and
	 * the old rule set is removed by hand instead of by its cascades
	 * (tests/e2e/analyser.sh checks foreign_key_check after tagging).
	 */
	if (db_exec(db, "PRAGMA foreign_keys = OFF", "tagging", e) < 0)
		goto out;
	fk_off = 1;
	if (db_begin(db, e) < 0)
		goto out;
	if ((rc = current(db, exercise_id, rs, &rsid, &after, ids, e)) < 0)
		goto fail;
	stats->same_version = rc;
	if (!rc) {
		/* A new version: the old rule set, its themes and tags go. */
		char sql[768];

		snprintf(sql, sizeof sql,
			 "DELETE FROM tag WHERE theme_id IN (SELECT h.id FROM theme h JOIN ruleset s "
			 "ON s.id = h.ruleset_id WHERE s.exercise_id = %lld); "
			 "DELETE FROM rule WHERE ruleset_id IN "
			 "(SELECT id FROM ruleset WHERE exercise_id = %lld); "
			 "DELETE FROM theme WHERE ruleset_id IN "
			 "(SELECT id FROM ruleset WHERE exercise_id = %lld); "
			 "DELETE FROM ruleset WHERE exercise_id = %lld",
			 exercise_id, exercise_id, exercise_id, exercise_id);
		if (db_exec(db, sql, "replacing the rule set", e) < 0 ||
		    store_ruleset(db, exercise_id, rs, &rsid, ids, e) < 0)
			goto fail;
	}
	if (rule_numbers(db, rsid, rs, nos, e) < 0 ||
	    tag_answers(db, exercise_id, rs, rsid, after, ids, nos, errs, opt, stats, e) < 0)
		goto fail;
	snprintf(rsid_text, sizeof rsid_text, "%lld", rsid);
	/* Counted in the tag_theme index alone, theme by theme. */
	if (db_int(db, "SELECT count(*) FROM tag WHERE theme_id IN "
		       "(SELECT id FROM theme WHERE ruleset_id = ?1)",
		   0, &total, e, 1, rsid_text) < 0 ||
	    (opt && opt->before_commit && opt->before_commit(db, opt->arg, e) < 0) ||
	    db_commit(db, e) < 0)
		goto fail;
	stats->total_tags = (long)total;
	for (size_t i = 0; i < rs->nthemes; i++)
		if (errs[i])
			err_set(errors_out, EXIT_DATA,
				"theme %s: its patterns gave up on %ld answers (the match limit): "
				"simplify them, then tag again",
				rs->themes[i].code, errs[i]);
	ok = 0;
	goto out;
fail:
	db_rollback(db);
out:
	if (fk_off) {
		if (db_exec(db, "PRAGMA foreign_keys = ON", "tagging", ok < 0 ? NULL : e) < 0)
			ok = -1;
	}
	free(ids);
	free(nos);
	free(errs);
	return ok;
}
