/*
 * store.h: storing responses and their answers, the same way for every
 * channel: typed entry of paper forms stores one response at a time
 * (response_write), an import stores them a few hundred at a time
 * (response_batch); the rows are the same.
 */
#ifndef TALLY_STORE_H
#define TALLY_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "err.h"

struct postcode_result;

struct stored_answer {
	long long question_id;        /* the standard question it is stored under */
	long long source_question_id; /* the Easy Read question on the form, 0 for standard */
	long long option_id;          /* the (standard) option ticked, 0 when none */
	const char *value;            /* free text, scale value, postcode; NULL when none */
	const char *state;            /* "answered" (NULL), "skipped" or "unreadable" */
};

struct stored_response {
	long long exercise_id;
	long long batch_id;                  /* 0 when none */
	const char *channel;                 /* online, paper, easy-read-paper, event-card */
	const char *form_variant;            /* standard, easy-read */
	long long event_id;                  /* 0 when none */
	const struct postcode_result *place; /* the district and how it was found; may be NULL */
	const char *external_id, *serial, *officer, *submitted_at; /* NULL or "" when none */
	const char *entry_status;            /* NULL means "accepted" */
	int outside_dates;                   /* 1: dated outside the exercise (batches only) */
};

/* ---- one response at a time ---------------------------------------------- */

struct response_writer;

/* Prepared statements for storing responses in `db`. NULL with `e` set. */
struct response_writer *response_writer_new(sqlite3 *db, struct err *e);

/*
 * Inserts the response and its n answers (inside the caller's transaction);
 * *response_id (may be NULL) gets its id. 0, or -1 with `e` set (EXIT_SYSTEM;
 * a serial or id already in the database is a constraint failure).
 */
int response_write(struct response_writer *w, const struct stored_response *r,
		   const struct stored_answer *answers, size_t n, long long *response_id,
		   struct err *e);

/* Inserts n more answers of an existing response. 0 or -1. */
int response_write_answers(struct response_writer *w, long long response_id,
			   const struct stored_answer *answers, size_t n, struct err *e);

void response_writer_free(struct response_writer *w);

/* ---- a few hundred at a time --------------------------------------------- */

struct response_batch;

/*
 * Ready to store accepted responses in `db`, inside a transaction that holds
 * the write lock from before this call until the last flush (ids are given
 * as SQLite would: the largest so far plus one). NULL with `e` set.
 */
struct response_batch *response_batch_new(sqlite3 *db, struct err *e);

/*
 * Adds a response (its entry_status is taken as "accepted") and its n
 * answers to the pending ones, storing those first when they are full (or
 * differ in exercise, batch, channel or form). The values are copied; the
 * channel, form variant and answer states must stay until the next flush.
 * 0, or -1 with `e` set.
 */
int response_batch_add(struct response_batch *b, const struct stored_response *r,
		       const struct stored_answer *answers, size_t n, struct err *e);

/*
 * Stores the pending responses and their answers; a NULL batch has none.
 * 0, or -1 with `e` set (also when the transaction is gone).
 */
int response_batch_flush(struct response_batch *b, struct err *e);

/*
 * Whether a pending response may have `key`: its response id, or
 * serial_key() of its serial (a hash of theirs matches). 0 for NULL.
 */
int response_batch_may_have(const struct response_batch *b, const char *key);

void response_batch_free(struct response_batch *b);

/* ---- helpers -------------------------------------------------------------- */

/* recorded_at: "2019-06-05T10:11:12Z", the second it is of; { 0 } to start. */
struct stamp {
	time_t t;
	char s[32];
};

/*
 * Now, as strftime('%Y-%m-%dT%H:%M:%SZ', 'now') says it, made once a second
 * rather than by SQLite for every response.
 */
const char *stamp_now(struct stamp *st);

/* Binds `s`, or NULL for NULL or "": `s` must stay as it is until the statement is stepped. */
static inline void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

#endif
