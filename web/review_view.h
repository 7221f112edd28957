/*
 * review_view.h: what the review pages read of one answer: its themes as
 * the rules gave them beside the analysts' latest decision on each, and
 * whether it has been marked reviewed (schema/0024-review.sql). Decisions
 * are written only through analyser/review.h (review_decide(),
 * review_mark_reviewed()); this file only reads them.
 */
#ifndef TALLY_WEB_REVIEW_VIEW_H
#define TALLY_WEB_REVIEW_VIEW_H

#include <sqlite3.h>

#include "err.h"

/* One theme of one answer: tagged by the rules, decided on by an analyst, or both. */
struct review_theme {
	const char *code, *label;
	const char *rule;          /* the pattern that fired; NULL when the rules did not tag it */
	long long start, end;      /* the words it matched (bytes of the answer); -1 when none */
	const char *action;        /* the decision in force: "accept", "remove", "add", or NULL */
	const char *reviewer;      /* who made it, when it was, and why ("" when not said) */
	const char *at, *reason;
	int counted;               /* the answer has the theme as counted now */
};

/*
 * Calls `each` for every theme of answer `answer` that the rules tagged or
 * a decision names, in the rule set's order; `each` returns 0 to go on, 1
 * to stop. Strings last until `each` returns. 0, or -1 with `e` set.
 */
int review_view_themes(sqlite3 *db, long long answer,
		       int (*each)(const struct review_theme *t, void *ctx), void *ctx,
		       struct err *e);

/*
 * Whether answer `answer` is marked reviewed: 1 with who and when (UTC)
 * in `who` and `at`, 0 when not, -1 with `e` set.
 */
int review_view_reviewed(sqlite3 *db, long long answer, char *who, size_t who_cap, char *at,
			 size_t at_cap, struct err *e);

#endif
