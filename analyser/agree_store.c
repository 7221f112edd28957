/* agree_store.c: the coders' agreement stored, and read back for the report. */
#include "agree_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

static void bind_or_null(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

int agree_store(sqlite3 *db, long long ex, const struct agreement *ag, const char *a_name,
		const char *b_name, struct err *e)
{
	const struct evaluation *ev = ag->themes_of;
	sqlite3_stmt *st = NULL;
	struct agree_stat pooled;
	size_t nmean, nundef, listed;
	double mean;
	long long id;
	char when[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	agree_overall(ag, &pooled, &mean, &nmean, &nundef);
	listed = nmean + nundef;
	if (db_begin(db, e) < 0)
		return -1;
	if (!(st = db_prepare(db, "INSERT INTO coder_agreement (exercise_id, stored_at, coder_a, "
			      "coder_b, ruleset_sha256, responses, only_one, themes, agreement, "
			      "pooled_kappa, mean_kappa, mean_themes) VALUES (?1, ?2, ?3, ?4, ?5, "
			      "?6, ?7, ?8, ?9, ?10, ?11, ?12)", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, a_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, b_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, ev->ruleset_sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, (long long)ag->npairs);
	sqlite3_bind_int64(st, 7, (long long)(ag->nonly_a + ag->nonly_b));
	sqlite3_bind_int64(st, 8, (long long)listed);
	bind_or_null(st, 9, pooled.agreement);
	bind_or_null(st, 10, pooled.kappa);
	bind_or_null(st, 11, mean);
	sqlite3_bind_int64(st, 12, (long long)nmean);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto db_error;
	sqlite3_finalize(st);
	id = sqlite3_last_insert_rowid(db);
	if (!(st = db_prepare(db, "INSERT INTO coder_agreement_theme (agreement_id, theme, "
			      "both_coders, a_only, b_only, neither) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			      e)))
		goto fail;
	for (size_t t = 0; t < ag->nthemes; t++) {
		const struct agree_counts *c = &ag->n[t];

		if (!agree_listed(c))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, ev->themes[t].code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, c->both);
		sqlite3_bind_int64(st, 4, c->a_only);
		sqlite3_bind_int64(st, 5, c->b_only);
		sqlite3_bind_int64(st, 6, c->neither);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto db_error;
	}
	sqlite3_finalize(st);
	return db_commit(db, e);
db_error:
	db_fail(db, "storing the agreement", e);
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return -1;
}

int agree_stored_line(sqlite3 *db, long long ex, char **line, struct err *e)
{
	sqlite3_stmt *st;
	long long have;
	int rc, oom = 0;

	*line = NULL;
	if (db_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = "
		   "'coder_agreement'", 0, &have, e, 0) < 0)
		return -1;
	if (!have)
		return 0;
	if (!(st = db_prepare(db, "SELECT responses, agreement, pooled_kappa FROM coder_agreement "
			      "WHERE exercise_id = ?1 ORDER BY id DESC LIMIT 1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0 &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL) {
		long long n = sqlite3_column_int64(st, 0);
		double agreed = sqlite3_column_double(st, 1);
		char kappa[96] = "", share[32];
		size_t cap = 512;

		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			snprintf(kappa, sizeof kappa, " (Cohen's kappa %.2f, which allows for "
				 "agreement by chance)", sqlite3_column_double(st, 2));
		/* Never "100%" for agreement that was not complete, nor "0%" for some. */
		if (agreed < 1 && 100 * agreed >= 99.5)
			snprintf(share, sizeof share, "more than 99%%");
		else if (agreed > 0 && 100 * agreed < 0.5)
			snprintf(share, sizeof share, "less than 1%%");
		else
			snprintf(share, sizeof share, "%.0f%%", 100 * agreed);
		if (!(*line = malloc(cap)))
			oom = 1;
		else
			snprintf(*line, cap, "Two people in our team each sorted the same %lld "
				 "responses into themes, separately. They made the same choice %s "
				 "of the time%s. People reading the same words do not always agree, "
				 "so this is the most we can expect of the rules.", n, share, kappa);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_fail(db, "reading the coders' agreement", e);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (oom)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return 0;
}
