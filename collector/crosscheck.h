/*
 * crosscheck.h: the cross-field checks an exercise declares
 * (docs/exercise-format.md, "Cross-field checks"), applied to one form's
 * answers the same way on every path that stores answers: the terminal and
 * batch-file entry (entry.h), the web entry page and the kiosk, and imports.
 *
 * Two rules, both on the standard questionnaire (Easy Read answers are
 * checked as the standard answers they are stored as):
 * - an exclusive option ("None of these") is not ticked with another option
 *   of its question;
 * - a question asked only when an earlier one has one of some options
 *   (<ask-if>) is not answered when that earlier question was answered with
 *   another option. When the earlier question is blank, unreadable or not
 *   on the form, nobody knows whether it was asked: it is not a problem.
 *
 * The checks read the rows a form is stored as (store.h), so each path asks
 * the same question of the same data. What a path does about a problem is
 * its own: refuse and ask again (entry), reject the row (a batch file), store
 * and warn (an import).
 */
#ifndef TALLY_CROSSCHECK_H
#define TALLY_CROSSCHECK_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"
#include "store.h"

#define CROSSCHECK_WHY_MAX 400

enum crosscheck_rule {
	CROSS_EXCLUSIVE, /* an exclusive option ticked with another */
	CROSS_ASK_IF,    /* answered where an earlier answer skips it */
};

struct crosscheck_problem {
	long long question_id;        /* the standard question whose answer breaks the rule */
	long long source_question_id; /* the Easy Read question it came from, 0 for standard */
	enum crosscheck_rule rule;
	char why[CROSSCHECK_WHY_MAX];   /* plain words for whoever fills the form */
	char where[CROSSCHECK_WHY_MAX]; /* by codes, for a file's messages: "question 'Q6': ..." */
};

struct crosscheck;

/*
 * The rules of exercise `exercise_id` as the database holds them (none is
 * a valid set: every form passes). NULL with `e` set.
 */
struct crosscheck *crosscheck_load(sqlite3 *db, long long exercise_id, struct err *e);
void crosscheck_free(struct crosscheck *c);

/* How many rules the set has. */
size_t crosscheck_count(const struct crosscheck *c);

/*
 * Checks one form's n stored rows against the rules: writes up to `cap`
 * problems into out[] (one per question at most, in the rules' order) and
 * returns how many there are (which may be more than cap). A pure function.
 */
size_t crosscheck_answers(const struct crosscheck *c, const struct stored_answer *rows, size_t n,
			  struct crosscheck_problem *out, size_t cap);

#endif
