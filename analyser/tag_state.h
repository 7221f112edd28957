/*
 * tag_state.h: whether the tags are up to date with the answers, so that
 * nothing is published from a rule set that has not read every answer.
 */
#ifndef TALLY_TAG_STATE_H
#define TALLY_TAG_STATE_H

#include <sqlite3.h>

#include "err.h"

/*
 * How many free-text answers of exercise `ex` the current rule set has not
 * read: those added, or replaced by an edit, after the last `analyser tag`,
 * or every one when nothing has been tagged. *tagged says whether a tag run
 * has happened at all. 0, or -1 with `e` set (EXIT_SYSTEM).
 */
int tag_state_unread(sqlite3 *db, long long ex, long long *unread, int *tagged, struct err *e);

/*
 * The check before publishing counts: 0 when the current rule set has read
 * every free-text answer; otherwise -1 with `e` set (EXIT_DATA) to a
 * message that says how many answers are unread and names the command that
 * fixes it, with `db_path` in it as typed. Callers that only warn (the table
 * on screen) pass their own `e` and print it.
 */
int tag_state_require_current(sqlite3 *db, long long ex, const char *db_path, struct err *e);

#endif
