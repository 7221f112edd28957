/* collector status: what the database holds, for officers and analysts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "area_word.h"
#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "exercise.h"
#include "term.h"

static const char usage[] =
	"usage: collector status DB [--exercise CODE]\n"
	"\n"
	"Shows the exercise in DB and how many responses it holds, by channel,\n"
	"form (standard or Easy Read), district and event; forms waiting for a\n"
	"second officer's entry or for differences to be resolved (by event and\n"
	"officer, with their serial numbers); imported files and the rows they\n"
	"rejected that no later import has fixed ('collector rejects' lists them);\n"
	"and the postcode lookup.\n"
	"\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n";

/* At a terminal, rows are cut to its width (0: whole, into a file or a pipe). */
static int width;

/* Prints the heading, then each row of `sql` (one column, bound to the exercise id). */
static int print_rows(sqlite3 *db, long long ex, const char *heading, const char *sql,
		      struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	printf("\n%s\n", heading);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		fputs("  ", stdout);
		term_print_fitted(stdout, v ? v : "", width ? width - 3 : 0, 8);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the status", e);
}

/* Each row of `sql` (one column, bound to the exercise id), under the last heading. */
static int print_lines(sqlite3 *db, long long ex, const char *sql, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		fputs("  ", stdout);
		term_print_fitted(stdout, v ? v : "", width ? width - 3 : 0, 8);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the status", e);
}

static const char header_sql[] =
	"SELECT printf('Exercise %s: %s', code, title), "
	"printf('Runs %s to %s; double entry %s; definition %s', opens, closes, double_entry, "
	"       definition_file), "
	"(SELECT count(*) FROM response WHERE exercise_id = ?1) "
	"FROM exercise WHERE id = ?1";

static const char channel_sql[] =
	"WITH c(channel, label, pos) AS (VALUES ('online', 'Online survey', 1), "
	"  ('paper', 'Paper form', 2), ('easy-read-paper', 'Easy Read paper form', 3), "
	"  ('event-card', 'Event card', 4), ('kiosk', 'Kiosk at an event', 5)) "
	"SELECT printf('%-24s %7d', c.label, count(r.id)) FROM c "
	"LEFT JOIN response r ON r.channel = c.channel AND r.exercise_id = ?1 "
	"GROUP BY c.channel ORDER BY c.pos";

static const char variant_sql[] =
	"SELECT printf('%-24s %7d   (%s, %d questions)', "
	"  CASE n.variant WHEN 'standard' THEN 'Standard' ELSE 'Easy Read' END, "
	"  (SELECT count(*) FROM response r WHERE r.exercise_id = n.exercise_id "
	"   AND r.form_variant = n.variant), n.code, "
	"  (SELECT count(*) FROM question q WHERE q.questionnaire_id = n.id "
	"   AND q.derived_from IS NULL)) "
	"FROM questionnaire n WHERE n.exercise_id = ?1 ORDER BY n.variant = 'easy-read'";

static const char district_sql[] =
	"SELECT printf('%s  %-24s %7d', d.code, d.name, "
	"  (SELECT count(*) FROM response r WHERE r.exercise_id = x.exercise_id "
	"   AND r.district_code = d.code)) "
	"FROM exercise_district x JOIN district d ON d.code = x.district_code "
	"WHERE x.exercise_id = ?1 "
	"UNION ALL SELECT printf('%-35s %7d', 'Outside the area', count(*)) FROM response "
	"  WHERE exercise_id = ?1 AND district_source = 'out-of-area' "
	"UNION ALL SELECT printf('%-35s %7d', 'Not known', count(*)) FROM response "
	"  WHERE exercise_id = ?1 AND district_source = 'unresolved'";

static const char event_sql[] =
	"SELECT printf('%-9s %s  %-15s %-24s %7d   %s, %s', v.code, v.held_on, v.kind, d.name, "
	"  (SELECT count(*) FROM response r WHERE r.event_id = v.id), v.venue, "
	"  coalesce(v.town, '')) "
	"FROM event v JOIN district d ON d.code = v.district_code "
	"WHERE v.exercise_id = ?1 ORDER BY v.held_on, v.code";

static const char pending_sql[] =
	"SELECT printf('%d forms wait for a second officer''s entry; %d have differences to "
	"resolve', "
	"  (SELECT count(*) FROM response WHERE exercise_id = ?1 "
	"   AND entry_status = 'awaiting-second-entry'), "
	"  (SELECT count(*) FROM response WHERE exercise_id = ?1 "
	"   AND entry_status = 'differences'))";

/* Forms waiting, by event and first officer, with their first serial numbers. */
static const char pending_forms_sql[] =
	"WITH p AS (SELECT r.serial, r.entry_status AS st, coalesce(v.code, '-') AS ev, "
	"  coalesce(r.officer, '-') AS who, row_number() OVER (PARTITION BY r.event_id, "
	"  r.officer, r.entry_status ORDER BY r.serial) AS k "
	"  FROM response r LEFT JOIN event v ON v.id = r.event_id WHERE r.exercise_id = ?1 "
	"  AND (r.entry_status = 'awaiting-second-entry' OR r.entry_status = 'differences')) "
	"SELECT printf('%-9s %-20s %4d %s: %s%s', ev, substr(who, 1, 20), count(*), "
	"  CASE st WHEN 'differences' THEN 'to resolve' ELSE 'to check  ' END, "
	"  group_concat(CASE WHEN k <= 6 THEN serial END, ' '), "
	"  CASE WHEN count(*) > 6 THEN ' ...' ELSE '' END) "
	"FROM p GROUP BY ev, who, st ORDER BY ev, who, st";

/* Rejected rows still to fix: those no later import has closed (see 'collector rejects'). */
static const char imports_sql[] =
	"SELECT printf('%d files imported, %d rows accepted, %d rejected, %d duplicates "
	"skipped', count(*), coalesce(sum(rows_accepted), 0), "
	"  (SELECT count(*) FROM reject j JOIN import_batch b ON b.id = j.batch_id "
	"   WHERE b.exercise_id = ?1 AND j.closed_by_batch IS NULL), "
	"  coalesce(sum(rows_duplicate), 0)) "
	"FROM import_batch WHERE exercise_id = ?1 AND format <> 'entry'";

/* Only when there are any: rejects fixed by later imports, and where to see the rest. */
static const char fixed_sql[] =
	"SELECT printf('%d rejected rows fixed by later imports', count(*)) "
	"FROM reject j JOIN import_batch b ON b.id = j.batch_id WHERE b.exercise_id = ?1 "
	"  AND j.closed_by_batch IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reject k "
	"  WHERE k.batch_id = j.closed_by_batch AND ((j.response_key IS NOT NULL AND "
	"  k.response_key = j.response_key) OR (j.serial IS NOT NULL AND k.serial = j.serial))) "
	"HAVING count(*) > 0 "
	"UNION ALL SELECT '''collector rejects'' lists the rejected rows to fix' "
	"WHERE EXISTS (SELECT 1 FROM reject j JOIN import_batch b ON b.id = j.batch_id "
	"  WHERE b.exercise_id = ?1 AND j.closed_by_batch IS NULL)";

/* Typed-in sessions ('collector enter'), which are not files. */
static const char typed_sql[] =
	"SELECT printf('%d forms typed in and %d second entries, by %d officer%s', "
	"  coalesce(sum(CASE entry_mode WHEN 'first' THEN rows_accepted END), 0), "
	"  coalesce(sum(CASE entry_mode WHEN 'second' THEN rows_accepted END), 0), "
	"  count(DISTINCT officer), CASE count(DISTINCT officer) WHEN 1 THEN '' ELSE 's' END) "
	"FROM import_batch WHERE exercise_id = ?1 AND entry_mode IS NOT NULL";

static const char lookup_sql[] =
	"SELECT printf('%d full postcodes, %d outward codes (threshold %d%%)', "
	"  (SELECT count(*) FROM postcode), "
	"  (SELECT count(DISTINCT outward) FROM outward_share), "
	"  (SELECT CAST(round(outward_share_threshold * 100) AS INTEGER) FROM exercise "
	"   WHERE id = ?1))";

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	(void)e;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		return cmd_bad_option(usage);
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "status takes one database");
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	sqlite3_stmt *st;
	const char *word;
	char by_area[32];

	width = term_width(STDOUT_FILENO);
	/* "By area" when the exercise covers more than districts (docs/exercise-format.md). */
	if (area_word(db, ex, 0, &word, e) < 0)
		return -1;
	snprintf(by_area, sizeof by_area, "By %s", word);
	if (!(st = db_prepare(db, header_sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *title = (const char *)sqlite3_column_text(st, 0);
		const char *runs = (const char *)sqlite3_column_text(st, 1);

		term_print_fitted(stdout, title ? title : "", width ? width - 1 : 0, 2);
		term_print_fitted(stdout, runs ? runs : "", width ? width - 1 : 0, 2);
		printf("Responses: %lld\n", sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
	if (print_rows(db, ex, "By channel", channel_sql, e) < 0 ||
	    print_rows(db, ex, "By form", variant_sql, e) < 0 ||
	    print_rows(db, ex, by_area, district_sql, e) < 0 ||
	    print_rows(db, ex, "By event", event_sql, e) < 0 ||
	    print_rows(db, ex, "Double entry", pending_sql, e) < 0 ||
	    print_lines(db, ex, pending_forms_sql, e) < 0 ||
	    print_rows(db, ex, "Imports", imports_sql, e) < 0 ||
	    print_lines(db, ex, fixed_sql, e) < 0 ||
	    print_lines(db, ex, typed_sql, e) < 0 ||
	    print_rows(db, ex, "Postcode lookup", lookup_sql, e) < 0)
		return -1;
	return EXIT_OK;
}

const struct cmd_ops cmd_status = { parse, run, NULL, 0 };
