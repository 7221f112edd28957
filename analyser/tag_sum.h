/*
 * tag_sum.h: the checksum of which answer has which theme that names the
 * tags in the publication ledger's snapshot (ledger.h), worked out one tag
 * at a time, so a pass that reads the tags anyway (the counts') can give
 * it without the ledger reading them again.
 *
 * Each tag adds k (k + 1) mod P + k with k = (answer * 31 + theme) mod P,
 * P = 2^31 - 1 (64-bit integers), so that two answers swapping their
 * themes change the sum. The sum is the double SQLite's total() gives for
 * the same terms in the same order: below 2^53 the exact sum, whatever the
 * order; past it, an SQLite older than 3.43 adds each term to a double in
 * turn (rounding as it goes), a newer one converts the exact integer sum.
 */
#ifndef TALLY_TAG_SUM_H
#define TALLY_TAG_SUM_H

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"

struct tag_sum {
	long long n;       /* tags */
	int64_t exact;     /* the sum as an integer (terms are below 2^33: no overflow
			      before 2^30 tags) */
	double rounded;    /* the sum added up in doubles, in the order given */
};

/* One tag's term. */
static inline int64_t tag_sum_term(long long answer, long long theme)
{
	int64_t k = (int64_t)((uint64_t)answer * 31u + (uint64_t)theme) % 2147483647;

	return (int64_t)((uint64_t)k * (uint64_t)(k + 1)) % 2147483647 + k;
}

/* Adds a term (the tests give any; the passes tag_sum_term()). */
static inline void tag_sum_add_term(struct tag_sum *s, int64_t term)
{
	s->n++;
	s->exact += term;
	s->rounded += (double)term;
}

static inline void tag_sum_add(struct tag_sum *s, long long answer, long long theme)
{
	tag_sum_add_term(s, tag_sum_term(answer, theme));
}

/* The sum as SQLite's total() of the same terms in the same order gives it here. */
double tag_sum_value(const struct tag_sum *s);

/* Whether that value depends on the order of the terms (past 2^53, SQLite before 3.43). */
int tag_sum_order_matters(const struct tag_sum *s);

/*
 * How many responses exercise `ex` has, and its lowest and highest response
 * id (the ids are dense when hi - lo + 1 == n), which both the counts' pass
 * and the ledger's own read of the tags go by. 0, or -1 with `e` set,
 * saying it happened while `doing`.
 */
int response_id_span(sqlite3 *db, long long ex, long long *n, long long *lo, long long *hi,
		     const char *doing, struct err *e);

#endif
