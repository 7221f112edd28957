#include "account.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "utf8.h"

/* Verified against when a name is unknown, so that both take as long. */
static char dummy[crypto_pwhash_STRBYTES];

static const char *const roles[] = { "anyone", "officer", "supervisor", "admin", "comms",
				     "analyst" };

const char *role_name(enum role r)
{
	return r >= ROLE_NONE && r <= ROLE_ANALYST ? roles[r] : "anyone";
}

int role_allows(enum role have, enum role need)
{
	switch (need) {
	case ROLE_NONE: return 1;
	case ROLE_SIGNED_IN: return have > ROLE_NONE && have < ROLE_SIGNED_IN;
	case ROLE_COMMS:
	case ROLE_ANALYST: return have == need || have == ROLE_ADMIN;
	default: return have >= need && have <= ROLE_ADMIN;
	}
}

int role_parse(const char *s, enum role *r)
{
	for (int i = ROLE_OFFICER; i <= ROLE_ANALYST; i++)
		if (!strcmp(s, roles[i])) {
			*r = (enum role)i;
			return 0;
		}
	return -1;
}

int account_init(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, EXIT_SYSTEM, "cannot start libsodium (no source of random numbers?)");
	if (crypto_pwhash_str(dummy, "not a password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, EXIT_SYSTEM, "out of memory hashing a password");
	return 0;
}

int account_password_ok(const char *password, char *why, size_t cap)
{
	size_t n = strlen(password), chars = 0;

	if (n > PASSWORD_MAX) {
		snprintf(why, cap, "the password is longer than %d bytes", PASSWORD_MAX);
		return 0;
	}
	if (!utf8_check(password, n, NULL)) {
		snprintf(why, cap, "the password is not UTF-8 text");
		return 0;
	}
	for (const unsigned char *p = (const unsigned char *)password; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (chars < PASSWORD_MIN) {
		snprintf(why, cap, "the password is shorter than %d characters", PASSWORD_MIN);
		return 0;
	}
	return 1;
}

int account_add(sqlite3 *db, const char *name, enum role role, const char *password,
		struct err *e)
{
	char clean[ENTRY_NAME_MAX + 1], why[ENTRY_WHY_MAX], hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st;
	int rc;

	if (!entry_check_name(name, clean, why, sizeof why))
		return err_set(e, EXIT_DATA, "account name: %s", why);
	if (!account_password_ok(password, why, sizeof why))
		return err_set(e, EXIT_DATA, "%s", why);
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, EXIT_SYSTEM, "out of memory hashing the password");
	if (!(st = db_prepare(db, "INSERT INTO account (name, role, hash, created_at) VALUES "
				  "(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		return -1;
	sqlite3_bind_text(st, 1, clean, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sodium_memzero(hash, sizeof hash);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return err_set(e, EXIT_DATA, "there is already an account called '%s'", clean);
	if (rc != SQLITE_DONE)
		return db_fail(db, "adding the account", e);
	return 0;
}

int account_check(sqlite3 *db, const char *name, const char *password, long long *id,
		  enum role *role, char name_out[ENTRY_NAME_MAX + 1], struct err *e)
{
	sqlite3_stmt *st;
	int rc, found = 0, match;
	char hash[crypto_pwhash_STRBYTES] = "";

	if (!dummy[0])
		return err_set(e, EXIT_SYSTEM, "account_init() was not called");
	if (!(st = db_prepare(db, "SELECT id, role, hash, name FROM account WHERE name = ?1 AND "
				  "disabled = 0", e)))
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 2);

		found = role_parse((const char *)sqlite3_column_text(st, 1), role) == 0 && h &&
			strlen(h) < sizeof hash;
		if (found) {
			*id = sqlite3_column_int64(st, 0);
			snprintf(hash, sizeof hash, "%s", h);
			snprintf(name_out, ENTRY_NAME_MAX + 1, "%s", sqlite3_column_text(st, 3));
		}
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(db, "reading the account", e);
	}
	sqlite3_finalize(st);
	match = crypto_pwhash_str_verify(found ? hash : dummy, password, strlen(password)) == 0;
	sodium_memzero(hash, sizeof hash);
	return found && match;
}

int account_disable(sqlite3 *db, const char *name, struct err *e)
{
	sqlite3_stmt *st;
	long long id;
	int rc;

	if (db_begin(db, e) < 0)
		return -1;
	if (!(st = db_prepare(db, "UPDATE account SET disabled = 1 WHERE name = ?1 RETURNING id",
			      e)))
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "disabling the account", e);
		goto fail;
	}
	if (!id) {
		db_rollback(db);
		return 0;
	}
	{
		char sql[128];

		snprintf(sql, sizeof sql, "DELETE FROM web_session WHERE account_id = %lld", id);
		if (db_exec(db, sql, "ending the account's sessions", e) < 0)
			goto fail;
	}
	if (db_commit(db, e) < 0)
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int account_list(sqlite3 *db, void (*each)(const struct account_row *a, void *ctx), void *ctx,
		 struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(db, "SELECT id, name, role, disabled, created_at FROM account "
				  "ORDER BY name", e)))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct account_row a = { 0 };

		a.id = sqlite3_column_int64(st, 0);
		snprintf(a.name, sizeof a.name, "%s", sqlite3_column_text(st, 1));
		if (role_parse((const char *)sqlite3_column_text(st, 2), &a.role) < 0)
			a.role = ROLE_NONE;
		a.disabled = sqlite3_column_int(st, 3);
		snprintf(a.created_at, sizeof a.created_at, "%s", sqlite3_column_text(st, 4));
		each(&a, ctx);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "listing the accounts", e);
	return 0;
}
