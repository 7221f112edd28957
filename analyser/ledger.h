/*
 * ledger.h: disclosure control kept consistent across everything published
 * from one database at one time.
 *
 * Each published table is suppressed on its own (sdc.h), but two tables
 * that share cells or totals can give a hidden count away between them: a
 * cell one hides the other shows, or a total shared by both closes an
 * equation. The ledger records, in the database, every cell published with
 * disclosure control, keyed by the data it was counted from and the rule
 * (the snapshot). A cell is named by its theme and the dimension values it
 * is for ("district=E07000192|channel=paper", "" for all), so the same
 * count published in two tables has one name. A new table of the same
 * snapshot starts with every cell the ledger holds as hidden (and nowhere
 * shown) hidden; then all the tables of the snapshot are audited together,
 * exactly: each row and column says "its cells add up to its total", and
 * no hidden count may be determined by those equations and the shown
 * numbers. While one is, the new table hides one more cell, the cheapest
 * first. So that a hidden count cannot be narrowed down much either, no
 * line of the new table with a shown total may hide cells adding up to
 * less than the threshold (they would all be known to be that small): it
 * hides one more. Finally its cells join the ledger.
 */
#ifndef TALLY_LEDGER_H
#define TALLY_LEDGER_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"
#include "sdc.h"

struct ledger;

/*
 * Opens the ledger of exercise `ex` for a publication under `rule`: starts
 * a write transaction (held until ledger_commit() or ledger_free()) and
 * works out the snapshot but for the tags. Once the tags are known (handed
 * over by ledger_tags_counted(), or read when a table is first recorded or
 * the ledger committed), it forgets the tables of other snapshots (their
 * counts are no longer the data's) and loads this one's. NULL with `e` set
 * (EXIT_SYSTEM: the database cannot be written, is busy, or no memory).
 */
struct ledger *ledger_open(sqlite3 *db, long long ex, const struct sdc_rule *rule,
			   struct err *e);

/*
 * As ledger_open(), for counts from the rules' tags alone (`rules_only`)
 * or, as by default, with the review decisions in force (review.h): the
 * snapshot is of the tags the counts use, so publications from either are
 * not taken for the same data once there are decisions.
 */
struct ledger *ledger_open_tags(sqlite3 *db, long long ex, const struct sdc_rule *rule,
				int rules_only, struct err *e);

/*
 * The tags of the snapshot as a pass over them in this transaction counted
 * them (tag_sum.h): how many of the exercise's, their sum as
 * tag_sum_value() gives it, and whether they were the tags with the review
 * decisions (count_cube's decisions). Saves reading them again; tags of the
 * other kind than the ledger's are read after all. Only the first call
 * after ledger_open() counts. 0, or -1 with `e` set (a database error).
 */
int ledger_tags_counted(struct ledger *l, int decisions, long long ntags, double sum,
			struct err *e);

/*
 * The tags of the snapshot read from the database: how many of exercise
 * `ex`'s, and their sum, with the review decisions or without, as the
 * ledger reads them when no pass hands them over. 0, or -1 with `e` set.
 */
int ledger_tags_sql(sqlite3 *db, long long ex, int decisions, long long *ntags, double *sum,
		    struct err *e);

/* The snapshot's name as recorded with each table (tags read if need be); NULL with `e` set. */
const char *ledger_snapshot(struct ledger *l, struct err *e);

/*
 * Suppresses a table with totals as sdc_apply() does (same layout of `v`
 * and `state`), consistently with the ledger, and records it. theme[c] and
 * cell[c] name each cell. 0, or -1 with `e` set: no memory or a database
 * error (EXIT_SYSTEM), or no way to publish the table without giving away
 * a count an earlier publication hid (EXIT_DATA).
 */
int ledger_table(struct ledger *l, const long *v, size_t nrows, size_t ncols,
		 const char *const *theme, const char *const *cell, unsigned char *state,
		 struct err *e);

/* The same for a line of n counts and its total, as sdc_apply_line(). */
int ledger_line(struct ledger *l, const long *v, size_t n, const char *const *theme,
		const char *const *cell, unsigned char *state, struct err *e);

/* Keeps what was recorded. 0, or -1 with `e` set. */
int ledger_commit(struct ledger *l, struct err *e);

/* Frees the ledger; anything not committed is rolled back. NULL is allowed. */
void ledger_free(struct ledger *l);

#endif
