/*
 * entry_internal.h: what the files of typed entry share (entry_form.c,
 * entry_answer.c, entry_session.c, entry_store.c, entry_resolve.c). Not for
 * use outside them: entry.h is the interface.
 */
#ifndef TALLY_ENTRY_INTERNAL_H
#define TALLY_ENTRY_INTERNAL_H

#include "entry.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compare.h"
#include "db.h"
#include "fileutil.h"
#include "postcode.h"
#include "store.h"
#include "utf8.h"

static inline char *dup_col(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return strdup(s ? s : "");
}

static inline void copy_col(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	snprintf(buf, cap, "%s", s ? s : "");
}

static int say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes a plain-words message into why; returns 0 (refused) for `return say(...)`. */
static inline int say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!why || !cap)
		return 0;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return 0;
}

struct entry_session {
	sqlite3 *db;
	long long exercise_id;
	const struct entry_form *form;
	enum entry_mode mode;
	char officer[ENTRY_NAME_MAX + 1];
	long long event_id;
	char event_code[64];
	char event_district[16];
	char event_title[320];
	int required;                 /* the exercise requires double entry */
	char *file;                   /* the batch file, NULL when typed */
	char file_sha[SHA256_HEX_LEN + 1];
	long long batch_id;           /* 0 until the first form is saved */
	int in_file;                  /* inside a batch file's transaction */
	int batch_made_in_tx;         /* the batch was created in the open transaction */
	struct postcode_resolver *resolver;
	struct response_writer *writer;
};

/* entry_answer.c */
/* The bytes of s without white space at either end: *len gets their length. */
const char *entry_trimmed(const char *s, size_t *len);
/* Adds option k to the answer's picks, in order (once; none past ENTRY_MAX_PICKS). */
void entry_add_pick(struct entry_answer *a, size_t k);

/* entry_store.c */
/* The rows an answer is stored as. *rows is grown; n counts them. */
int entry_answer_rows(const struct entry_question *q, const struct entry_answer *a,
		      struct stored_answer **rows, size_t *n, size_t *cap, struct err *e);

/* The first entry's stored rows of one response. */
struct first_row {
	long long form_qid, option_id;
	char *value;
	enum entry_state state;
};

struct first_entry {
	struct first_row *rows;
	size_t n, cap;
	char *postcode; /* response.postcode, for forms imported with a postcode column */
	char *officer;
};

/* entry_store.c: a first entry as stored. */
int entry_load_first(sqlite3 *db, long long rid, struct first_entry *f, struct err *e);
/*
 * The rows `sql` gives for `id` (?1; columns: form question id, option id
 * or 0, value, state) into *f, as entry_load_first() reads a first entry's;
 * `what` names the reading in a database error. 0, or -1 with `e` set.
 */
int entry_first_rows(sqlite3 *db, const char *sql, long long id, struct first_entry *f,
		     const char *what, struct err *e);
void entry_first_free(struct first_entry *f);
/*
 * The first entry's answer to q, as typed answers are held (its text
 * borrowed from f), with the options ticked (store ids) into ids[].
 */
void entry_first_answer(const struct first_entry *f, const struct entry_question *q,
			struct entry_answer *a, long long *ids, size_t *nids, enum cmp_state *cs);

/* entry_resolve.c: works out the response's district again from its answers. 0 or -1. */
int entry_redistrict(sqlite3 *db, long long ex, long long rid, struct err *e);

#endif
