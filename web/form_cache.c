#include "form_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "stmt_cache.h"

struct cached {
	long long exercise_id;
	char variant[16];
	char version[128]; /* the exercise's definition hash and load time */
	int current;       /* 0 once a newer version replaced it */
	struct entry_form *form;
	struct cached *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached *forms;

/* What changes whenever the exercise is loaded with any change. 0 or -1. */
static int exercise_version(sqlite3 *db, long long exercise_id, char *out, size_t cap,
			    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	out[0] = '\0';
	if (!(st = db_stmt(db, "SELECT definition_sha256 || ' ' || loaded_at FROM exercise "
			       "WHERE id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, exercise_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	db_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the exercise's version", e);
	return 0;
}

const struct entry_form *form_cache_get(sqlite3 *db, long long exercise_id, const char *variant,
					struct err *e)
{
	char version[128];
	struct cached *c;
	struct entry_form *f;

	if (exercise_version(db, exercise_id, version, sizeof version, e) < 0)
		return NULL;
	pthread_mutex_lock(&lock);
	for (c = forms; c; c = c->next)
		if (c->current && c->exercise_id == exercise_id && !strcmp(c->variant, variant) &&
		    !strcmp(c->version, version))
			break;
	pthread_mutex_unlock(&lock);
	if (c)
		return c->form;
	/* Read outside the lock: two requests may both read it; one is kept. */
	if (!(f = entry_form_load(db, exercise_id, variant, e)))
		return NULL;
	if (!(c = calloc(1, sizeof *c))) {
		entry_form_free(f);
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	c->exercise_id = exercise_id;
	snprintf(c->variant, sizeof c->variant, "%s", variant);
	snprintf(c->version, sizeof c->version, "%s", version);
	c->current = 1;
	c->form = f;
	pthread_mutex_lock(&lock);
	for (struct cached *o = forms; o; o = o->next)
		if (o->current && o->exercise_id == exercise_id && !strcmp(o->variant, variant)) {
			if (!strcmp(o->version, version)) {
				/* Another request read the same version first: use its copy. */
				pthread_mutex_unlock(&lock);
				entry_form_free(f);
				free(c);
				return o->form;
			}
			o->current = 0;
		}
	c->next = forms;
	forms = c;
	pthread_mutex_unlock(&lock);
	return f;
}

void form_cache_free(void)
{
	pthread_mutex_lock(&lock);
	while (forms) {
		struct cached *c = forms;

		forms = c->next;
		entry_form_free(c->form);
		free(c);
	}
	pthread_mutex_unlock(&lock);
}
