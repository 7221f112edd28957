/*
 * safeguard.h: safeguarding flags (docs/safeguarding.md). An answer a
 * safeguarding theme tagged is a flag: never counted, published or quoted,
 * listed for a named person to review, who records that they saw it and
 * what was done (schema/0026-safeguarding.sql).
 */
#ifndef TALLY_SAFEGUARD_H
#define TALLY_SAFEGUARD_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

#define SAFEGUARD_NAME_MAX 200    /* bytes of the reviewer's name */
#define SAFEGUARD_ACTION_MAX 2000 /* bytes of what was done */

/* One flagged answer and safeguarding theme; the strings live until the callback returns. */
struct safeguard_flag {
	long long answer, response;
	const char *question;     /* its code */
	const char *theme, *label;
	const char *rule;         /* the include that fired */
	const char *text;         /* the answer as written: for the reviewer's eyes only */
	size_t len, match_start, match_end;
	const char *seen_by;      /* NULL: not yet reviewed */
	const char *seen_at, *action;
};

/*
 * Calls `each` for every flag of exercise `ex` in answer order (only the
 * ones not yet reviewed unless `all`); `each` returns nonzero to stop.
 * 0, or -1 with `e` set.
 */
int safeguard_each(sqlite3 *db, long long ex, int all,
		   int (*each)(const struct safeguard_flag *f, void *ctx), void *ctx,
		   struct err *e);

/* How many answers of exercise `ex` are flagged (*flagged) and not yet reviewed (*open). */
int safeguard_count(sqlite3 *db, long long ex, long long *flagged, long long *open,
		    struct err *e);

/*
 * Records that `by` read flagged answer `answer` of exercise `ex` and what
 * was done (`action`), at the present time (UTC). Refused (EXIT_DATA) when
 * the answer carries no safeguarding flag or was already reviewed, and
 * (EXIT_USAGE) for an empty, over-long or non-UTF-8 name or action.
 * 0, or -1 with `e` set.
 */
int safeguard_seen(sqlite3 *db, long long ex, long long answer, const char *by,
		   const char *action, struct err *e);

#endif
