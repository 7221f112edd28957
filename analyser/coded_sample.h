/*
 * coded_sample.h: a hand-coded sample kept in the database
 * (schema/0028-coded-sample.sql, docs/review.md).
 *
 * The gold file `analyser evaluate` reads (docs/evaluate.md), checked the
 * same way against the current rule set, stored under a name so that the
 * review queues (the CLI's and the web service's) can list the answers the
 * coders and the rules disagree on. The codes are kept as they are
 * compared: each theme the coder gave and the themes above it. The coders'
 * notes are personal data: never in a message, redacted when shown, erased
 * with their response.
 */
#ifndef TALLY_CODED_SAMPLE_H
#define TALLY_CODED_SAMPLE_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

#define SAMPLE_NAME_MAX 100 /* bytes of a sample's name */

/*
 * Checks a sample's name: UTF-8 text of 1 to SAMPLE_NAME_MAX bytes without
 * control characters. 0, or -1 with `e` set (EXIT_USAGE).
 */
int sample_name_check(const char *name, struct err *e);

/*
 * The name a file gives a sample when none is said: its base name without
 * a ".csv" ending, cut to SAMPLE_NAME_MAX bytes, into `out`.
 */
void sample_default_name(const char *path, char *out, size_t cap);

/*
 * Reads the gold CSV in the `len` bytes at `buf` (called `source` in
 * messages, as "SOURCE:LINE: what") and stores it for exercise `ex` as
 * sample `name`, loaded by `by` now, with its coders' notes. The file is
 * checked as `analyser evaluate` checks it, every problem a line of `e`
 * (EXIT_DATA); nothing is stored unless all of it is right. A name already
 * stored is EXIT_DATA (drop it first); a bad name or loader EXIT_USAGE;
 * nothing tagged yet EXIT_USAGE. *responses gets the responses stored.
 * Runs in its own transaction unless the caller has one open. 0, or -1.
 */
int sample_load(sqlite3 *db, long long ex, const char *buf, size_t len, const char *source,
		const char *name, const char *by, long *responses, struct err *e);

/* A stored sample, as sample_each() gives it (valid during the callback). */
struct sample_info {
	long long id;
	const char *name, *loaded_by, *loaded_at, *source;
	long responses;             /* coded responses still in the database */
	int current_rules;          /* 1: loaded against the current rule set */
};

/*
 * Calls `fn` for each sample of exercise `ex`, by name. Stops at the first
 * nonzero return of `fn` and gives it back. 0, fn's value, or -1 with `e`.
 */
int sample_each(sqlite3 *db, long long ex, int (*fn)(const struct sample_info *s, void *arg),
		void *arg, struct err *e);

/*
 * The id of exercise `ex`'s sample `name` into *id: 1 found, 0 not (*id
 * 0), -1 with `e` set (EXIT_SYSTEM).
 */
int sample_find(sqlite3 *db, long long ex, const char *name, long long *id, struct err *e);

/*
 * Deletes exercise `ex`'s sample `name` with its codes and notes (the
 * freed pages overwritten). 0, or -1 with `e` set: no such sample
 * (EXIT_DATA), a database error (EXIT_SYSTEM).
 */
int sample_drop(sqlite3 *db, long long ex, const char *name, struct err *e);

/*
 * Calls `fn` once for each response of sample `id` that the sample and the
 * tags as counted (the rules' tags alone when `rules_only`) code
 * differently, in response order, with `what` the differences theme by
 * theme in the rule set's order: "+CODE" the sample gives it and the tags
 * do not (missed), "-CODE" the other way (extra), space-separated. A
 * sub-theme counts toward its parent on both sides; a code the current
 * rules no longer have is left out. Stops at the first nonzero return of
 * `fn`. 0, fn's value, or -1 with `e` set.
 */
int sample_each_difference(sqlite3 *db, long long ex, long long id, int rules_only,
			   int (*fn)(long long response, const char *what, void *arg), void *arg,
			   struct err *e);

#endif
