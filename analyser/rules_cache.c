/*
 * rules_cache.c: compiled rule sets kept in the database (rules_cache.h).
 */
#include "rules_cache.h"

#include <hs/hs.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strbuf.h"
#include "version.h"

#define KEEP_TEXT_(n) #n
#define KEEP_TEXT(n) KEEP_TEXT_(n)

/* Every pattern as it is compiled: a changed writing-out of word lists or near shows. */
static int add_patterns(struct strbuf *sb, const struct rule_pattern *v, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n && !bad; i++) {
		bad |= strbuf_addf(sb, "%s %d %zu ", v[i].id, v[i].caseless, strlen(v[i].source));
		bad |= strbuf_addstr(sb, v[i].source);
	}
	return bad;
}

int rules_cache_key(const struct ruleset *rs, struct prefilter *pf, struct rules_cache_key *k,
		    struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	char pcre[64] = "", digest[SHA256_HEX_LEN + 1];
	hs_platform_info_t plat;
	int bad = 0;

	if (prefilter_digest(pf, digest, e) < 0)
		return -1;
	memset(&plat, 0, sizeof plat);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	if (hs_populate_platform(&plat) != HS_SUCCESS)
		return err_set(e, EXIT_SYSTEM, "vectorscan cannot tell this processor's features");
	bad |= strbuf_addf(&sb, "tally rules cache 1\nprogram %s\nschema %d\npcre2 %s\n"
			       "vectorscan %s\nplatform %u %llu\nrules %s\nprefilter %s\n",
			   TALLY_VERSION, TALLY_SCHEMA_VERSION, pcre, hs_version(), plat.tune,
			   (unsigned long long)plat.cpu_features, rs->sha256, digest);
	for (size_t i = 0; i < rs->nthemes && !bad; i++) {
		bad |= add_patterns(&sb, rs->themes[i].includes, rs->themes[i].nincludes);
		bad |= add_patterns(&sb, rs->themes[i].excludes, rs->themes[i].nexcludes);
	}
	if (bad) {
		strbuf_release(&sb);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	sha256_hex(sb.buf, sb.len, k->hex);
	strbuf_release(&sb);
	return 0;
}

/* The checksum of an entry: its key and its Vectorscan database together. 0 or -1. */
static int checksum(const struct rules_cache_key *k, const void *blob, size_t len, char *hex)
{
	char *buf = malloc(SHA256_HEX_LEN + len + 1);

	if (!buf)
		return -1;
	memcpy(buf, k->hex, SHA256_HEX_LEN);
	if (len)
		memcpy(buf + SHA256_HEX_LEN, blob, len);
	sha256_hex(buf, SHA256_HEX_LEN + len, hex);
	free(buf);
	return 0;
}

int rules_cache_get(sqlite3 *db, const struct rules_cache_key *k, struct prefilter *pf,
		    const char **why, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT prefilter, checksum FROM rules_cache "
					  "WHERE key = ?1", e);
	char sum[SHA256_HEX_LEN + 1];
	struct err quiet;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, k->hex, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the rules cache", e);
	}
	{
		const void *blob = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		const char *stored = (const char *)sqlite3_column_text(st, 1);

		rc = 1;
		err_init(&quiet);
		/* Nothing of the entry is read before its checksum holds. */
		if (checksum(k, blob, len, sum) < 0) {
			rc = err_set(e, EXIT_SYSTEM, "out of memory");
		} else if (!stored || strcmp(stored, sum)) {
			*why = "its checksum does not match its contents";
			rc = 2;
		} else if (prefilter_load(pf, blob, len, &quiet) < 0) {
			*why = "Vectorscan cannot load its database";
			rc = 2;
		}
	}
	sqlite3_finalize(st);
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
	if (checksum(k, blob, len, sum) < 0) {
		free(blob);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	if (!(st = db_prepare(db, "INSERT OR REPLACE INTO rules_cache (key, rules_sha256, "
				  "file_name, prefilter, checksum, made_at) VALUES (?1, ?2, ?3, ?4, ?5, "
				  "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", e))) {
		free(blob);
		return -1;
	}
	sqlite3_bind_text(st, 1, k->hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rs->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, file_base(rs->path), -1, SQLITE_STATIC);
	if (blob)
		sqlite3_bind_blob64(st, 4, blob, len, free);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, sum, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "storing the rules cache", e);
	/* A few rule sets are kept: those of the exercises in the file, a draft or two. */
	return db_exec(db, "DELETE FROM rules_cache WHERE key NOT IN (SELECT key FROM rules_cache "
			   "ORDER BY made_at DESC, key LIMIT " KEEP_TEXT(RULES_CACHE_KEEP) ")", "pruning the rules cache", e);
}
