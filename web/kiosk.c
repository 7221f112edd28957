#include "kiosk.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "websession.h"

int kiosk_token_shape(const char *t)
{
	size_t n = 0;

	for (; t && t[n]; n++)
		if (!((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
			return 0;
	return n == 64;
}

/* The SHA-256 of the token, in hex, into out[65]. */
static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

int kiosk_create(sqlite3 *db, long long exercise_id, const char *event_code, const char *variant,
		 int hours, int idle_minutes, const char *by, long now, char token_out[65],
		 long long *id, struct err *e)
{
	sqlite3_stmt *st;
	char hash[65];
	long long event_id = 0;
	int rc;

	if (!variant || (strcmp(variant, "standard") && strcmp(variant, "easy-read")))
		return err_set(e, EXIT_DATA, "the form is standard or easy-read");
	if (hours < 1 || hours > KIOSK_HOURS_MAX)
		return err_set(e, EXIT_DATA, "a kiosk link works for 1 to %d hours", KIOSK_HOURS_MAX);
	if (idle_minutes < KIOSK_IDLE_MIN || idle_minutes > KIOSK_IDLE_MAX)
		return err_set(e, EXIT_DATA, "the idle reset is %d to %d minutes", KIOSK_IDLE_MIN,
			       KIOSK_IDLE_MAX);
	if (!(st = db_prepare(db, "SELECT v.id FROM event v WHERE v.exercise_id = ?1 AND v.code = ?2 "
				  "COLLATE NOCASE AND EXISTS (SELECT 1 FROM questionnaire n WHERE "
				  "n.exercise_id = ?1 AND n.variant = ?3)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, exercise_id);
	sqlite3_bind_text(st, 2, event_code ? event_code : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, variant, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		event_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the events", e);
	if (!event_id)
		return err_set(e, EXIT_DATA, "choose an event of this exercise and a form it has");
	wsess_random_hex(token_out);
	token_hash(token_out, hash);
	if (!(st = db_prepare(db, "INSERT INTO kiosk (exercise_id, event_id, variant, token_hash, "
				  "idle_minutes, created_by, created_at, expires_at) VALUES (?1, ?2, "
				  "?3, ?4, ?5, ?6, ?7, ?8)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, exercise_id);
	sqlite3_bind_int64(st, 2, event_id);
	sqlite3_bind_text(st, 3, variant, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, idle_minutes);
	sqlite3_bind_text(st, 6, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now + (long)hours * 3600);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "storing the kiosk link", e);
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int kiosk_revoke(sqlite3 *db, long long exercise_id, long long id, const char *by, long now,
		 struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(db, "UPDATE kiosk SET revoked_at = ?3, revoked_by = ?4 WHERE id = ?1 "
				  "AND exercise_id = ?2 AND revoked_at IS NULL", e)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, exercise_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "revoking the kiosk link", e);
	return sqlite3_changes(db) > 0;
}

int kiosk_lookup(sqlite3 *db, long long exercise_id, const char *token, long now,
		 struct kiosk *k, enum kiosk_state *state, struct err *e)
{
	sqlite3_stmt *st;
	char hash[65];
	int rc;

	memset(k, 0, sizeof *k);
	*state = KIOSK_UNKNOWN;
	if (!kiosk_token_shape(token))
		return 0;
	token_hash(token, hash);
	if (!(st = db_prepare(db, "SELECT k.id, k.event_id, v.code, k.variant, k.idle_minutes, "
				  "k.expires_at, coalesce(k.revoked_at, 0) FROM kiosk k JOIN event v "
				  "ON v.id = k.event_id WHERE k.token_hash = ?1 AND k.exercise_id = ?2",
			      e)))
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, exercise_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k->id = sqlite3_column_int64(st, 0);
		k->event_id = sqlite3_column_int64(st, 1);
		snprintf(k->event, sizeof k->event, "%s", sqlite3_column_text(st, 2));
		snprintf(k->variant, sizeof k->variant, "%s", sqlite3_column_text(st, 3));
		k->idle_minutes = sqlite3_column_int(st, 4);
		k->expires_at = (long)sqlite3_column_int64(st, 5);
		k->revoked_at = (long)sqlite3_column_int64(st, 6);
		*state = k->revoked_at ? KIOSK_REVOKED : now >= k->expires_at ? KIOSK_EXPIRED
									       : KIOSK_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the kiosk link", e);
	return 0;
}
