/*
 * kiosk.h: kiosk links. A supervisor makes a link for one event and one
 * form; the public at a roadshow fill the survey through it with no login.
 * The link carries a random token (64 hex characters); the database keeps
 * only its SHA-256, with an expiry, and a revocation once made.
 */
#ifndef TALLY_WEB_KIOSK_H
#define TALLY_WEB_KIOSK_H

#include <sqlite3.h>

#include "err.h"

#define KIOSK_IDLE_MIN 1        /* minutes before a half-finished form is discarded */
#define KIOSK_IDLE_MAX 30       /* below a session's idle limit (websession.h) */
#define KIOSK_HOURS_MAX (14 * 24) /* the longest a link may work */

struct kiosk {
	long long id;
	long long event_id;
	char event[64];         /* the event's code */
	char variant[16];       /* "standard" or "easy-read" */
	int idle_minutes;
	long expires_at;        /* Unix seconds */
	long revoked_at;        /* 0 while it works */
};

/* Which state a link is in when looked up. */
enum kiosk_state {
	KIOSK_UNKNOWN,          /* no such token (or not this exercise's) */
	KIOSK_OK,
	KIOSK_EXPIRED,
	KIOSK_REVOKED,
};

/*
 * Makes a link for `event_code` of the exercise and `variant`, working for
 * `hours` from `now`. `token_out` gets the token to put in the link (shown
 * once, never stored). 0 with *id set, or -1 with `e` set (EXIT_DATA for an
 * unknown event or a bad setting).
 */
int kiosk_create(sqlite3 *db, long long exercise_id, const char *event_code, const char *variant,
		 int hours, int idle_minutes, const char *by, long now, char token_out[65],
		 long long *id, struct err *e);

/* Revokes link `id` of the exercise: 1 done, 0 no such link (or already revoked), -1. */
int kiosk_revoke(sqlite3 *db, long long exercise_id, long long id, const char *by, long now,
		 struct err *e);

/*
 * The link the token `token` (from a request; anything) names, and its
 * state at `now` in *state. 0, or -1 with `e` set.
 */
int kiosk_lookup(sqlite3 *db, long long exercise_id, const char *token, long now,
		 struct kiosk *k, enum kiosk_state *state, struct err *e);

/* 1 when `t` is 64 lowercase hex characters. */
int kiosk_token_shape(const char *t);

#endif
