/*
 * rules_cache.h: analyser tag's cache of compiled rule sets, kept in the
 * database (table rules_cache, schema/0030-rules-cache.sql).
 *
 * An entry says that a rule set's examples all passed and holds its
 * prefilter's compiled Vectorscan database. Its key is the SHA-256 of all
 * that either depends on: the rules file's bytes, every pattern as
 * compiled, the prefilter's pieces, this program's, PCRE2's and
 * Vectorscan's versions and the processor's features (what Vectorscan
 * compiles for). An entry is used only after its checksum has been checked
 * and Vectorscan has read its header; anything else is compiled again.
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
 * The key of rule set `rs` with prefilter `pf` (from prefilter_prepare()).
 * 0, or -1 with `e` set (EXIT_SYSTEM).
 */
int rules_cache_key(const struct ruleset *rs, struct prefilter *pf, struct rules_cache_key *k,
		    struct err *e);

/*
 * Looks `k` up in the database and, when an entry is there and sound,
 * loads its Vectorscan database into `pf`. Returns 1 (found: the examples
 * passed, `pf` is ready), 0 (no entry), 2 (an entry that cannot be used:
 * *why, static text, says what is wrong; `pf` is as it was) or -1 with `e`
 * set (the database failed).
 */
int rules_cache_get(sqlite3 *db, const struct rules_cache_key *k, struct prefilter *pf,
		    const char **why, struct err *e);

/*
 * Stores the entry for `k`: `rs` passed all its examples and `pf` is
 * compiled. An entry already under `k` is replaced; only the most recent
 * RULES_CACHE_KEEP entries are kept. 0 or -1 with `e` set.
 */
#define RULES_CACHE_KEEP 8
int rules_cache_put(sqlite3 *db, const struct rules_cache_key *k, const struct ruleset *rs,
		    const struct prefilter *pf, struct err *e);

#endif
