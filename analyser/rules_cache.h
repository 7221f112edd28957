/*
 * rules_cache.h: analyser tag's cache of compiled rule sets, kept in the
 * database (table rules_cache, schema/0030-rules-cache.sql).
 *
 * An entry says that a rule set's examples all passed and holds its whole
 * prefilter (prefilter_save()): what was read from the patterns and the
 * compiled Vectorscan database. Its key is the SHA-256 of all that either
 * depends on: the rules file's bytes, the code that reads, compiles and
 * prefilters rule sets (a hash of its sources, RULES_CODE_SHA256), this
 * program's and its schema's versions, PCRE2's and Vectorscan's versions,
 * and the processor's features (what Vectorscan compiles for). An entry is
 * used only after its checksum holds; anything else is compiled again.
 */
#ifndef TALLY_RULES_CACHE_H
#define TALLY_RULES_CACHE_H

#include <sqlite3.h>

#include "err.h"
#include "fileutil.h"
#include "prefilter.h"
#include "rules.h"

struct rules_cache_key {
	char hex[SHA256_HEX_LEN + 1];
};

/*
 * The key of the rules file whose bytes have SHA-256 `rules_sha256` (hex),
 * for this build on this processor. 0, or -1 with `e` set (EXIT_SYSTEM).
 */
int rules_cache_key(const char *rules_sha256, struct rules_cache_key *k, struct err *e);

/*
 * Looks `k` up in the database: 1 with a copy of the entry's contents in
 * *blob (free()) once its checksum holds, for prefilter_restore(); 0 when
 * there is no entry; 2 when there is one that cannot be used (`why` says
 * what is wrong); -1 with `e` set (the database failed).
 */
int rules_cache_get(sqlite3 *db, const struct rules_cache_key *k, char **blob, size_t *len,
		    char *why, size_t whylen, struct err *e);

/*
 * Stores the entry for `k`: `rs` passed all its examples and `pf` is its
 * compiled prefilter. An entry already under `k` is replaced; only the
 * RULES_CACHE_KEEP most recent entries are kept. 0 or -1 with `e` set.
 */
#define RULES_CACHE_KEEP 8
int rules_cache_put(sqlite3 *db, const struct rules_cache_key *k, const struct ruleset *rs,
		    const struct prefilter *pf, struct err *e);

#endif
