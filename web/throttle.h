/*
 * throttle.h: failed logins counted per account name and per client
 * address. After THROTTLE_ACCOUNT failures for one name, or
 * THROTTLE_ADDRESS from one address, within THROTTLE_WINDOW seconds of the
 * first, logins there are refused until the window ends.
 */
#ifndef TALLY_WEB_THROTTLE_H
#define TALLY_WEB_THROTTLE_H

#include <sqlite3.h>

#include "err.h"

#define THROTTLE_ACCOUNT 5
#define THROTTLE_ADDRESS 20
#define THROTTLE_WINDOW (15 * 60)

/* "account" or "address". */
enum throttle_kind { THROTTLE_BY_ACCOUNT, THROTTLE_BY_ADDRESS };

/* *blocked 1 when logins for `key` are refused now. 0 or -1. */
int throttle_blocked(sqlite3 *db, enum throttle_kind k, const char *key, long now, int *blocked,
		     struct err *e);

/* Counts one failure for `key`. 0 or -1. */
int throttle_fail(sqlite3 *db, enum throttle_kind k, const char *key, long now, struct err *e);

/* Forgets the failures for `key` (after a good login). 0 or -1. */
int throttle_clear(sqlite3 *db, enum throttle_kind k, const char *key, struct err *e);

#endif
