#include "websession.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "stmt_cache.h"

void wsess_random_hex(char out[65])
{
	unsigned char b[32];

	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, 65, b, sizeof b);
	sodium_memzero(b, sizeof b);
}

static void hash_id(const char *id, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static int is_hex64(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == WSESS_ID_HEX;
}

int wsess_lookup(sqlite3 *db, const char *id, long now, struct websess *s, struct err *e)
{
	sqlite3_stmt *st;
	int rc;
	long long last_seen = 0;

	memset(s, 0, sizeof *s);
	if (!id || !is_hex64(id))
		return 0;
	hash_id(id, s->id_hash);
	if (!(st = db_stmt(db, "SELECT s.account_id, a.name, a.role, s.csrf, s.last_seen "
			       "FROM web_session s LEFT JOIN account a ON a.id = s.account_id "
			       "WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND "
			       "(s.account_id IS NULL OR (a.disabled = 0 AND s.last_seen > ?3))", e)))
		return -1;
	sqlite3_bind_text(st, 1, s->id_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now - WSESS_IDLE);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->valid = 1;
		s->account_id = sqlite3_column_int64(st, 0);
		if (s->account_id) {
			snprintf(s->name, sizeof s->name, "%s", sqlite3_column_text(st, 1));
			if (role_parse((const char *)sqlite3_column_text(st, 2), &s->role) < 0)
				s->valid = 0;
		}
		snprintf(s->csrf, sizeof s->csrf, "%s", sqlite3_column_text(st, 3));
		last_seen = sqlite3_column_int64(st, 4);
	}
	db_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the session", e);
	/* Marked used at most once a minute: pages are read far more than written. */
	if (s->valid && s->account_id && now - last_seen >= 60) {
		if (!(st = db_prepare(db, "UPDATE web_session SET last_seen = ?2 WHERE id_hash = ?1",
				      e)))
			return -1;
		sqlite3_bind_text(st, 1, s->id_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, "marking the session used", e);
	}
	if (!s->valid)
		memset(s, 0, sizeof *s);
	return 0;
}

int wsess_create(sqlite3 *db, long long account_id, long now, char id_out[WSESS_ID_HEX + 1],
		 struct websess *s, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(s, 0, sizeof *s);
	if (!(st = db_prepare(db, "DELETE FROM web_session WHERE expires_at <= ?1 OR "
				  "(account_id IS NOT NULL AND last_seen <= ?2)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now - WSESS_IDLE);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "removing expired sessions", e);
	wsess_random_hex(id_out);
	hash_id(id_out, s->id_hash);
	wsess_random_hex(s->csrf);
	if (!(st = db_prepare(db, "INSERT INTO web_session (id_hash, account_id, csrf, created_at, "
				  "last_seen, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)", e)))
		return -1;
	sqlite3_bind_text(st, 1, s->id_hash, -1, SQLITE_STATIC);
	if (account_id)
		sqlite3_bind_int64(st, 2, account_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, s->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + (account_id ? WSESS_ABSOLUTE : WSESS_ANON_ABSOLUTE));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "starting a session", e);
	s->valid = 1;
	s->account_id = account_id;
	return 0;
}

int wsess_destroy(sqlite3 *db, const char *id_hash, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(db, "DELETE FROM web_session WHERE id_hash = ?1", e)))
		return -1;
	sqlite3_bind_text(st, 1, id_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "ending the session", e);
	return 0;
}

int wsess_csrf_ok(const struct websess *s, const char *given)
{
	if (!s->valid || !given || strlen(given) != 64 || strlen(s->csrf) != 64)
		return 0;
	return sodium_memcmp(s->csrf, given, 64) == 0;
}
