/*
 * websession.h: a browser's session, named by a random id in a cookie.
 *
 * The id is 32 bytes from randombytes_buf, sent as hex; the database keeps
 * only its hash. Each session has a CSRF token that every form posting to
 * the service carries back. A session ends after IDLE seconds unused or
 * ABSOLUTE seconds after it began; a login always starts a new one (no
 * fixation). A session with no account is a login page's.
 */
#ifndef TALLY_WEB_SESSION_H
#define TALLY_WEB_SESSION_H

#include <sqlite3.h>

#include "account.h"
#include "err.h"

#define WSESS_ID_HEX 64              /* the cookie's value */
#define WSESS_IDLE (30 * 60)         /* seconds unused */
#define WSESS_ABSOLUTE (12 * 3600)   /* seconds after login */
#define WSESS_ANON_ABSOLUTE 3600     /* a login page's session */

struct websess {
	int valid;                    /* found and not expired */
	char id_hash[65];
	long long account_id;         /* 0: a login page's session */
	char name[ENTRY_NAME_MAX + 1];
	enum role role;
	char csrf[65];
};

/* 64 hex characters from 32 random bytes into out[65]. */
void wsess_random_hex(char out[65]);

/*
 * The session the cookie value `id` names (s->valid 0 when none, expired,
 * or its account is disabled). Marks it used. 0, or -1 with `e` set.
 */
int wsess_lookup(sqlite3 *db, const char *id, long now, struct websess *s, struct err *e);

/*
 * Starts a session for `account_id` (0 for a login page), removing expired
 * ones. `id_out` gets the cookie value. 0 or -1.
 */
int wsess_create(sqlite3 *db, long long account_id, long now, char id_out[WSESS_ID_HEX + 1],
		 struct websess *s, struct err *e);

/* Ends the session with hash `id_hash`. 0 or -1. */
int wsess_destroy(sqlite3 *db, const char *id_hash, struct err *e);

/* 1 when `given` is the session's CSRF token (compared in constant time). */
int wsess_csrf_ok(const struct websess *s, const char *given);

#endif
