/*
 * rules_cache.c: compiled rule sets kept in the database (rules_cache.h).
 */
#include "rules_cache.h"

#include <hs/hs.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "rules_code.h"
#include "strbuf.h"
#include "version.h"

#define KEEP_TEXT_(n) #n
#define KEEP_TEXT(n) KEEP_TEXT_(n)

int rules_cache_key(const char *rules_sha256, struct rules_cache_key *k, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	char pcre[64] = "";
	hs_platform_info_t plat;

	memset(&plat, 0, sizeof plat);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	if (hs_populate_platform(&plat) != HS_SUCCESS)
		return err_set(e, EXIT_SYSTEM, "vectorscan cannot tell this processor's features");
	if (strbuf_addf(&sb, "tally rules cache 1\nprogram %s\ncode %s\nschema %d\npcre2 %s\n"
			     "vectorscan %s\nplatform %u %llu %zu\nrules %s\n",
			TALLY_VERSION, RULES_CODE_SHA256, TALLY_SCHEMA_VERSION, pcre, hs_version(),
			plat.tune, (unsigned long long)plat.cpu_features, sizeof(size_t),
			rules_sha256) < 0) {
		strbuf_release(&sb);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	sha256_hex(sb.buf, sb.len, k->hex);
	strbuf_release(&sb);
	return 0;
}

/* The checksum of an entry: its key and its contents together. */
static void checksum(const struct rules_cache_key *k, const void *blob, size_t len, char *hex)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, SHA256_HEX_LEN, (const uint8_t *)k->hex);
	if (len)
		sha256_update(&ctx, len, blob);
	sha256_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int rules_cache_get(sqlite3 *db, const struct rules_cache_key *k, char **blob, size_t *len,
		    char *why, size_t whylen, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT rowid, length(prefilter), checksum FROM rules_cache "
					  "WHERE key = ?1", e);
	char sum[SHA256_HEX_LEN + 1], stored[SHA256_HEX_LEN + 1] = "";
	sqlite3_blob *b = NULL;
	long long row = 0, n = 0;
	int rc;

	*blob = NULL;
	*len = 0;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, k->hex, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = sqlite3_column_int64(st, 0);
		n = sqlite3_column_int64(st, 1);
		if (sqlite3_column_text(st, 2))
			snprintf(stored, sizeof stored, "%s", (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the rules cache", e);
	/* Straight into one buffer: the entry is large, and read at every start. */
	if (n < 0 || n > INT_MAX || !(*blob = malloc((size_t)n + 1)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (n && (sqlite3_blob_open(db, "main", "rules_cache", "prefilter", row, 0, &b) != SQLITE_OK ||
		  sqlite3_blob_read(b, *blob, (int)n, 0) != SQLITE_OK)) {
		rc = db_fail(db, "reading the rules cache", e);
		sqlite3_blob_close(b);
		free(*blob);
		*blob = NULL;
		return rc;
	}
	sqlite3_blob_close(b);
	/* Nothing of the entry is used before its checksum holds. */
	checksum(k, *blob, (size_t)n, sum);
	if (strcmp(stored, sum)) {
		snprintf(why, whylen, "its checksum does not match its contents");
		rc = 2;
	} else {
		*len = (size_t)n;
		return 1;
	}
	free(*blob);
	*blob = NULL;
	return rc;
}

int rules_cache_put(sqlite3 *db, const struct rules_cache_key *k, const struct ruleset *rs,
		    const struct prefilter *pf, struct err *e)
{
	sqlite3_stmt *st;
	char *blob = NULL;
	size_t len = 0;
	char sum[SHA256_HEX_LEN + 1];
	int rc;

	if (prefilter_save(pf, &blob, &len, e) < 0)
		return -1;
	checksum(k, blob, len, sum);
	if (!(st = db_prepare(db, "INSERT OR REPLACE INTO rules_cache (key, rules_sha256, "
				  "file_name, prefilter, checksum, made_at) VALUES (?1, ?2, ?3, ?4, ?5, "
				  "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", e))) {
		free(blob);
		return -1;
	}
	sqlite3_bind_text(st, 1, k->hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rs->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, file_base(rs->path), -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 4, blob, len, free);
	sqlite3_bind_text(st, 5, sum, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "storing the rules cache", e);
	/* A few rule sets are kept: those of the exercises in the file, a draft or two. */
	return db_exec(db, "DELETE FROM rules_cache WHERE key NOT IN (SELECT key FROM rules_cache "
			   "ORDER BY made_at DESC, key LIMIT " KEEP_TEXT(RULES_CACHE_KEEP) ")",
		       "pruning the rules cache", e);
}
