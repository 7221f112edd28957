#include "stmt_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "db.h"

#define BUCKETS 256
#define KEPT_MAX 4096 /* statements kept in all; past that they are finalized after use */

struct kept {
	sqlite3 *db;
	const char *sql;
	sqlite3_stmt *st;
	int taken;
	struct kept *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept *bucket[BUCKETS];
static size_t nkept;

static size_t hash(const void *a, const void *b)
{
	uintptr_t h = (uintptr_t)a * 31 + (uintptr_t)b;

	return (size_t)((h >> 4) ^ (h >> 12)) % BUCKETS;
}

sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql, struct err *e)
{
	struct kept *k, *fresh;
	size_t b = hash(db, sql);
	sqlite3_stmt *st = NULL;

	pthread_mutex_lock(&lock);
	for (k = bucket[b]; k; k = k->next)
		if (k->db == db && k->sql == sql && !k->taken) {
			k->taken = 1;
			pthread_mutex_unlock(&lock);
			return k->st;
		}
	pthread_mutex_unlock(&lock);
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(db, "preparing a query", e);
		return NULL;
	}
	if (!(fresh = calloc(1, sizeof *fresh)))
		return st; /* not kept: finalized when given back */
	pthread_mutex_lock(&lock);
	if (nkept >= KEPT_MAX) {
		pthread_mutex_unlock(&lock);
		free(fresh);
		return st;
	}
	fresh->db = db;
	fresh->sql = sql;
	fresh->st = st;
	fresh->taken = 1;
	fresh->next = bucket[b];
	bucket[b] = fresh;
	nkept++;
	pthread_mutex_unlock(&lock);
	return st;
}

void db_stmt_done(sqlite3_stmt *st)
{
	struct kept *k = NULL;

	if (!st)
		return;
	/* A few hundred pointers at most: cheaper than the prepare it saves. */
	pthread_mutex_lock(&lock);
	for (size_t b = 0; b < BUCKETS && !k; b++)
		for (k = bucket[b]; k && k->st != st; k = k->next)
			;
	if (k) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		k->taken = 0;
	}
	pthread_mutex_unlock(&lock);
	if (!k)
		sqlite3_finalize(st);
}

void db_stmt_forget(sqlite3 *db)
{
	pthread_mutex_lock(&lock);
	for (size_t b = 0; b < BUCKETS; b++)
		for (struct kept **p = &bucket[b]; *p;) {
			struct kept *k = *p;

			if (k->db != db) {
				p = &k->next;
				continue;
			}
			*p = k->next;
			sqlite3_finalize(k->st);
			free(k);
			nkept--;
		}
	pthread_mutex_unlock(&lock);
}
