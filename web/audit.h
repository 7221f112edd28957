/*
 * audit.h: who did what and when, to which object (logins, saves,
 * verifications, resolutions, account changes). Ids, codes and names of
 * accounts only: never what a respondent wrote.
 */
#ifndef TALLY_WEB_AUDIT_H
#define TALLY_WEB_AUDIT_H

#include <sqlite3.h>

#include "err.h"

/*
 * Records one action. `account` and `address` may be NULL (the command
 * line has no address); `object` is e.g. "response 12". 0 or -1.
 */
int audit_log(sqlite3 *db, const char *account, const char *address, const char *action,
	      const char *object, struct err *e);

#endif
