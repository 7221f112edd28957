/*
 * account.h: the people who may use the web service, each with a role.
 * Passwords are kept only as Argon2id hashes (libsodium crypto_pwhash_str).
 */
#ifndef TALLY_WEB_ACCOUNT_H
#define TALLY_WEB_ACCOUNT_H

#include <sqlite3.h>

#include "entry.h"
#include "err.h"

/*
 * Roles. Officer, supervisor and admin are in order: each can do what the
 * ones before it can. Comms (the report editor) and analyst stand apart:
 * they cannot type or see forms, and officers and supervisors cannot edit
 * the report; an admin can do both. ROLE_SIGNED_IN is for routes only:
 * any account.
 */
enum role {
	ROLE_NONE = 0,   /* anyone, logged in or not */
	ROLE_OFFICER,
	ROLE_SUPERVISOR,
	ROLE_ADMIN,
	ROLE_COMMS,
	ROLE_ANALYST,
	ROLE_SIGNED_IN,
};

#define PASSWORD_MIN 10   /* characters */
#define PASSWORD_MAX 1024 /* bytes */

/* "officer", "supervisor", "admin", "comms", "analyst" ("anyone" for ROLE_NONE). */
const char *role_name(enum role r);

/* 1 when an account of role `have` may use a route that needs `need`, else 0. */
int role_allows(enum role have, enum role need);

/* The role called `s`: 0, or -1 when there is none. */
int role_parse(const char *s, enum role *r);

/* Starts libsodium; 0, or -1 with `e` set. Call once before anything here. */
int account_init(struct err *e);

/*
 * Checks a new password: 1 good, 0 not (`why` says why in plain words).
 */
int account_password_ok(const char *password, char *why, size_t cap);

/*
 * Adds an account. The name must pass entry_check_name() (it is the name
 * forms are saved under) and be new (any case). 0, or -1 with `e` set
 * (EXIT_DATA for a bad or taken name or password).
 */
int account_add(sqlite3 *db, const char *name, enum role role, const char *password,
		struct err *e);

/*
 * Checks a name and password. 1 with *id, *role and `name_out` (the name
 * as stored) when they match an account that is not disabled, 0 when not,
 * -1 on failure. Takes as long for an unknown name as for a known one.
 */
int account_check(sqlite3 *db, const char *name, const char *password, long long *id,
		  enum role *role, char name_out[ENTRY_NAME_MAX + 1], struct err *e);

/*
 * Disables an account (it can no longer log in; its sessions end).
 * 1 done, 0 no such account, -1 on failure.
 */
int account_disable(sqlite3 *db, const char *name, struct err *e);

struct account_row {
	long long id;
	char name[ENTRY_NAME_MAX + 1];
	enum role role;
	int disabled;
	char created_at[32];
};

/* Every account by name: calls `each` for each. 0 or -1. */
int account_list(sqlite3 *db, void (*each)(const struct account_row *a, void *ctx), void *ctx,
		 struct err *e);

#endif
