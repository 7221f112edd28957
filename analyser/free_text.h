#ifndef TALLY_FREE_TEXT_H
#define TALLY_FREE_TEXT_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

/*
 * The free-text questions of a database, read once so that a reader of the
 * answers needs no join with `question` for each answer row: a test against
 * a short list, and the code given by id.
 */
struct free_text {
	long long *id;
	char **code;
	size_t n;
	size_t last;            /* where the previous look-up found its id */
};

/*
 * SQL for "answer a is to a free-text question", for a WHERE clause: a scan
 * of the answers in id order that tests a list made once (the `+` keeps
 * SQLite from reading through the answer_question index, which costs a
 * B-tree seek per answer and measured slower: the free-text answers fill
 * most of the table's pages).
 */
#define FREE_TEXT_ANSWER "+a.question_id IN (SELECT id FROM question WHERE type = 'free-text')"

/* Reads the free-text questions' ids and codes from `db` into `ft`. 0, or -1 with e set. */
int free_text_load(sqlite3 *db, struct free_text *ft, struct err *e);

/* The code of free-text question `id`, or NULL if `id` is not one. */
const char *free_text_code(struct free_text *ft, long long id);

/* Frees what free_text_load() read; a zeroed `ft` is a no-op. */
void free_text_release(struct free_text *ft);

#endif
