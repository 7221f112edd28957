/*
 * rules_when_db.h: a rule set's <when>/<unless> conditions against the
 * database (docs/rules-format.md, "Conditions on the question and on other
 * answers"): the answers they look at, read alongside each free-text
 * answer, and the check that the questions they name exist. Shared by
 * `analyser tag` (tagger.c) and `analyser rules score` (rulescore.c), so
 * that a condition holds in the one exactly where it holds in the other.
 */
#ifndef TALLY_RULES_WHEN_DB_H
#define TALLY_RULES_WHEN_DB_H

#include <sqlite3.h>

#include "err.h"
#include "rules.h"
#include "strbuf.h"

/*
 * Appends to the select list in `q` one column for each of rs's
 * when_questions, in their order: the answers to it of the response of
 * answer `a` (an option's code for a choice, else the value as stored;
 * several joined with RULE_VALUE_SEP; NULL when it was not answered). The
 * question's code is parameter ?(first + k) for when_questions[k]: bind it
 * with rules_when_bind(). 0, or -1 out of memory.
 */
int rules_when_columns(struct strbuf *q, const struct ruleset *rs, int first);

/* Binds the codes of rs's when_questions to parameters `first`, first + 1, ... of `st`. */
void rules_when_bind(sqlite3_stmt *st, const struct ruleset *rs, int first);

/*
 * A <when> or <unless> on a question exercise `ex` does not have would
 * never hold (or always): a typo that silently empties or fills a theme.
 * 0, or -1 with `e` set: EXIT_DATA naming each, as "RULES:LINE: theme T:
 * <when> names question 'Q', which this exercise does not have".
 */
int rules_when_check(sqlite3 *db, long long ex, const struct ruleset *rs, struct err *e);

#endif
