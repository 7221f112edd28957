/*
 * form_cache.h: the exercise's questionnaires, read from the database once
 * per version of the exercise instead of on every request. A form is kept
 * until the exercise is loaded again (its definition's hash or load time
 * changes); then the next request reads it afresh. Forms handed out are
 * never freed while the service runs (the writer's sessions point at
 * them), only when it stops: an exercise is reloaded a few times a year.
 */
#ifndef TALLY_WEB_FORM_CACHE_H
#define TALLY_WEB_FORM_CACHE_H

#include <sqlite3.h>

#include "entry.h"
#include "err.h"

/*
 * The questionnaire `variant` of exercise `exercise_id`, as the database
 * `db` holds it now. Shared and read-only: the caller must not change or
 * free it. NULL with `e` set (as entry_form_load).
 */
const struct entry_form *form_cache_get(sqlite3 *db, long long exercise_id, const char *variant,
					struct err *e);

/* Frees every form: only when no request and no writer can use them any more. */
void form_cache_free(void);

#endif
