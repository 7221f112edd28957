/*
 * collector erase: erase one response at the respondent's request (UK GDPR).
 *
 * The response goes with its answers, tags, second-entry copies,
 * differences, resolutions and quotes approved from it for the report
 * (all ON DELETE CASCADE; schema 0022 notes the quote's removal, without
 * its text, for the next report to say) and every rejected
 * row that belongs to it by the import's identity rules: the same survey id
 * (or content hash, "content:..."), or the same paper serial number.
 * secure_delete overwrites the freed bytes and a truncating checkpoint
 * copies the overwritten pages into the database file and empties the
 * write-ahead log, so no copy stays in the files. The erasure is logged
 * with the response's identities, so that no path in brings it back, and
 * without anything the person said.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "erased.h"

static const char usage[] =
	"usage: collector erase DB (--response ID | --external-id ID | --serial NUMBER)\n"
	"                          --by NAME [--reason TEXT] [--yes] [--exercise CODE]\n"
	"       collector erase DB --finish\n"
	"\n"
	"Erases one response when the person who gave it asks (UK GDPR): the\n"
	"response, all its answers and tags, any second officer's copy of a paper\n"
	"form and its differences, and every rejected import row of the same\n"
	"response (the same survey id, content or serial number). The freed space\n"
	"is overwritten so nothing of it stays in the database file. A record is\n"
	"kept of when, by whom and which response (its survey id and serial\n"
	"number, so that no import or typed entry brings it back), but nothing of\n"
	"what the person said.\n"
	"\n"
	"It shows the response and asks you to type 'erase' first, unless --yes.\n"
	"\n"
	"  --response ID      the response's number in the database\n"
	"  --external-id ID   the survey tool's response id, as exported (an edited\n"
	"                     submission's earlier id finds the edit)\n"
	"  --serial NUMBER    the serial number written on a paper form\n"
	"  --by NAME          who is doing the erasure (recorded)\n"
	"  --reason TEXT      the request, e.g. \"e-mail of 3 May, ref 41\" (recorded)\n"
	"  --yes              do not ask\n"
	"  --exercise CODE    which exercise, when the database holds several\n"
	"  --finish           only finish an earlier erasure that another program\n"
	"                     reading the database held up (it says so)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Afterwards, erase the response in the survey tool too. An import or a\n"
	"typed-up batch skips survey ids and serial numbers erased here, and says so.\n";

struct target {
	long long id, exercise;
	char kind[16];
	char *external_id, *serial, *channel, *district, *recorded;
	long long answers, tags, copies, rejects;
};

static void target_free(struct target *t)
{
	free(t->external_id);
	free(t->serial);
	free(t->channel);
	free(t->district);
	free(t->recorded);
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? strdup(s) : NULL;
}

/*
 * Finds the one response `value` names. An external id matches as stored or
 * after the mapping's prefix ("surveymonkey:1143" for "1143").
 */
static int find_target(sqlite3 *db, const char *code, const char *kind, const char *value,
		       struct target *t, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT r.id, r.exercise_id, r.external_id, r.serial, r.channel, "
		"coalesce(d.name, 'district not known'), r.recorded_at FROM response r "
		"JOIN exercise x ON x.id = r.exercise_id LEFT JOIN district d ON d.code = r.district_code "
		"WHERE (?4 IS NULL OR x.code = ?4) AND CASE ?1 "
		" WHEN 'response' THEN r.id = CAST(?2 AS INTEGER) AND ?2 GLOB '[0-9]*' "
		" WHEN 'external-id' THEN r.external_id = ?2 OR "
		"  (instr(r.external_id, ':') > 0 AND substr(r.external_id, instr(r.external_id, ':') + 1) = ?2) "
		/* An earlier version of an edited submission finds the edit in its place. */
		"  OR r.external_id IN (WITH RECURSIVE later(x) AS (SELECT new_external_id FROM "
		"  response_edit WHERE old_external_id = ?2 OR (instr(old_external_id, ':') > 0 AND "
		"  substr(old_external_id, instr(old_external_id, ':') + 1) = ?2) UNION SELECT "
		"  e.new_external_id FROM response_edit e JOIN later ON e.old_external_id = later.x) "
		"  SELECT x FROM later) "
		" ELSE r.serial = ?2 END LIMIT 2", e);
	int rc, n = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (code)
		sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++n == 1) {
		t->id = sqlite3_column_int64(st, 0);
		t->exercise = sqlite3_column_int64(st, 1);
		t->external_id = dup_col(st, 2);
		t->serial = dup_col(st, 3);
		t->channel = dup_col(st, 4);
		t->district = dup_col(st, 5);
		t->recorded = dup_col(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, "finding the response", e);
	const char *what = !strcmp(kind, "response") ? "number" :
			   !strcmp(kind, "serial") ? "serial number" : "survey id";

	if (!n)
		return err_set(e, EXIT_USAGE, "there is no response with %s '%s'%s%s", what, value,
			       code ? " in exercise " : "", code ? code : "");
	if (n > 1)
		return err_set(e, EXIT_USAGE, "more than one response has %s '%s': give --exercise "
			       "CODE, or erase by --response ID (see 'analyser explain DB ID')",
			       what, value);
	snprintf(t->kind, sizeof t->kind, "%s", kind);
	return 0;
}

/*
 * The rejected rows of the same response: its survey id (or content hash)
 * or serial number, as the import recorded them. Rows whose identity is
 * not known (identity_kept = 0: rejected before schema version 10, or
 * records whose fields could not be told apart) are matched by the bare
 * survey id or the serial as a whole field of the raw record
 * (tally_holds_field). The survey ids of an edited submission's earlier
 * versions (response_edit) are the same response's too.
 */
#define SAME_RESPONSE_REJECTS \
	"reject WHERE batch_id IN (SELECT id FROM import_batch WHERE exercise_id = ?1) AND " \
	"((?2 IS NOT NULL AND response_key IN (WITH RECURSIVE earlier(x) AS (SELECT ?2 UNION " \
	"SELECT e.old_external_id FROM response_edit e JOIN earlier ON e.exercise_id = ?1 AND " \
	"e.new_external_id = earlier.x) SELECT x FROM earlier)) OR " \
	"(?3 IS NOT NULL AND serial = ?3) OR " \
	"(identity_kept = 0 AND (tally_holds_field(raw, ?4) OR tally_holds_field(raw, ?3))))"

static void bind_identity(sqlite3_stmt *st, const struct target *t)
{
	const char *colon = t->external_id ? strchr(t->external_id, ':') : NULL;

	sqlite3_bind_int64(st, 1, t->exercise);
	if (t->external_id)
		sqlite3_bind_text(st, 2, t->external_id, -1, SQLITE_STATIC);
	if (t->serial)
		sqlite3_bind_text(st, 3, t->serial, -1, SQLITE_STATIC);
	/* The id as the export wrote it; a hash of the content is in no raw record. */
	if (t->external_id && strncmp(t->external_id, "content:", 8))
		sqlite3_bind_text(st, 4, colon ? colon + 1 : t->external_id, -1, SQLITE_STATIC);
}

static int count_rows(sqlite3 *db, struct target *t, struct err *e)
{
	sqlite3_stmt *st;
	char id[32];
	int rc;

	snprintf(id, sizeof id, "%lld", t->id);
	if (db_int(db, "SELECT count(*) FROM answer WHERE response_id = ?1", 0, &t->answers, e, 1, id) < 0 ||
	    db_int(db, "SELECT count(*) FROM tag t JOIN answer a ON a.id = t.answer_id "
		   "WHERE a.response_id = ?1", 0, &t->tags, e, 1, id) < 0 ||
	    db_int(db, "SELECT count(*) FROM entry_copy WHERE response_id = ?1", 0, &t->copies, e, 1, id) < 0)
		return -1;
	if (!(st = db_prepare(db, "SELECT count(*) FROM " SAME_RESPONSE_REJECTS, e)))
		return -1;
	bind_identity(st, t);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		t->rejects = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "counting the rejected rows", e);
}

static int erase(sqlite3 *db, const struct target *t, const char *identifier, const char *by,
		 const char *reason, struct err *e)
{
	sqlite3_stmt *st;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (db_begin(db, e) < 0)
		return -1;
	if (t->rejects) {
		if (!(st = db_prepare(db, "DELETE FROM " SAME_RESPONSE_REJECTS, e)))
			goto fail;
		bind_identity(st, t);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			db_fail(db, "erasing the rejected rows", e);
			goto fail;
		}
		sqlite3_finalize(st);
	}
	/* Answers, tags, copies, differences and resolutions go with it. */
	if (!(st = db_prepare(db, "DELETE FROM response WHERE id = ?1", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, t->id);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(db) != 1) {
		sqlite3_finalize(st);
		db_fail(db, "erasing the response", e);
		goto fail;
	}
	sqlite3_finalize(st);
	if (!(st = db_prepare(db, "INSERT INTO erasure (exercise_id, response_id, identified_by, "
				  "identifier, external_id, erased_by, reason, answers, tags, rejects, "
				  "erased_at, serial) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
				  "?11, ?12)", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, t->exercise);
	sqlite3_bind_int64(st, 2, t->id);
	sqlite3_bind_text(st, 3, t->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, identifier, -1, SQLITE_STATIC);
	if (t->external_id)
		sqlite3_bind_text(st, 5, t->external_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, by, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, t->answers);
	sqlite3_bind_int64(st, 9, t->tags);
	sqlite3_bind_int64(st, 10, t->rejects);
	sqlite3_bind_text(st, 11, when, -1, SQLITE_STATIC);
	if (t->serial)
		sqlite3_bind_text(st, 12, t->serial, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_fail(db, "recording the erasure", e);
		goto fail;
	}
	sqlite3_finalize(st);
	if (db_commit(db, e) < 0)
		return -1;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

/*
 * Copies the pages the erasure overwrote into the database file and empties
 * the write-ahead log. 1 when done; 0 when another program reading the
 * database holds it up: until then the erased words are still in the bytes
 * of the database file itself (the overwritten pages wait in the log).
 */
/*
 * Copies the overwritten pages back into the database file and empties the
 * write-ahead log. SQLite's result code: SQLITE_OK, busy() when another
 * program is reading, anything else when the disk failed.
 */
static int finish(sqlite3 *db)
{
	int log = 0, done = 0;

	sqlite3_busy_timeout(db, 2000); /* a reader that is about to finish, not a long one */
	return sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
}

/* True when a checkpoint failed only because another program is reading. */
static int busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static void say_unfinished(const char *path)
{
	cmd_warn("the erasure is not finished: another program is reading %s, so the erased "
		 "words can still be found in the bytes of %s and %s-wal until the overwritten "
		 "pages are copied into the database file. When the other program has finished, "
		 "run: collector erase '%s' --finish", path, path, path, path);
}

/* collector erase DB --finish. */
static int finish_only(sqlite3 *db, const char *path, struct err *e)
{
	int rc;

	if ((rc = finish(db)) == SQLITE_OK) {
		printf("Every erasure in %s is finished: no copy is left in the files.\n", path);
		return EXIT_OK;
	}
	if (!busy(rc))
		return db_fail(db, "emptying the write-ahead log", e);
	say_unfinished(path);
	return err_set(e, EXIT_SYSTEM, "%s is still being read by another program: nothing "
				       "could be finished", path);
}

struct erase_opts {
	const char *kind, *value, *by, *reason;
	int yes, finish;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	enum { O_RESPONSE = 256, O_EXTERNAL, O_SERIAL, O_BY, O_REASON, O_YES, O_FINISH };
	static const struct option longopts[] = {
		{ "response", required_argument, NULL, O_RESPONSE },
		{ "external-id", required_argument, NULL, O_EXTERNAL },
		{ "serial", required_argument, NULL, O_SERIAL },
		{ "by", required_argument, NULL, O_BY },
		{ "reason", required_argument, NULL, O_REASON },
		{ "yes", no_argument, NULL, O_YES },
		CMD_EXERCISE_OPTION,
		{ "finish", no_argument, NULL, O_FINISH },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct erase_opts *o = ctx->opts;
	int c, n = 0;

	(void)e;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case O_RESPONSE:
		case O_EXTERNAL:
		case O_SERIAL:
			o->kind = c == O_RESPONSE ? "response" : c == O_EXTERNAL ? "external-id"
										 : "serial";
			o->value = optarg;
			n++;
			break;
		case O_BY:
			o->by = optarg;
			break;
		case O_REASON:
			o->reason = optarg;
			break;
		case O_YES:
			o->yes = 1;
			break;
		case O_FINISH:
			o->finish = 1;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "erase takes one database");
	ctx->db_path = argv[optind];
	if (o->finish) {
		if (n || o->by || o->reason || ctx->exercise_code)
			return cmd_usage_error(usage, "--finish takes only the database: it finishes "
					       "erasures already made");
		return CMD_GO_ON;
	}
	if (n != 1)
		return cmd_usage_error(usage, "say which response with one of --response, "
				       "--external-id or --serial");
	if (!o->by || !*o->by)
		return cmd_usage_error(usage, "say who is erasing with --by NAME (it is recorded)");
	if (!o->yes && !isatty(STDIN_FILENO))
		return cmd_usage_error(usage, "erasing cannot be undone: run it on a terminal to "
				       "confirm, or give --yes");
	return CMD_GO_ON;
}

/* The exercise is not picked: --exercise only narrows where the response is looked for. */
static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct erase_opts *o = ctx->opts;
	const char *path = ctx->db_path;
	struct target t = { 0 };
	sqlite3 *db = ctx->db;
	int rc = SQLITE_OK;

	if (o->finish)
		return finish_only(db, path, e);
	/* Freed bytes are overwritten with zeros, in the tables and their indexes. */
	if (erased_register(db, e) < 0 ||
	    db_exec(db, "PRAGMA secure_delete = ON", path, e) < 0 ||
	    find_target(db, ctx->exercise_code, o->kind, o->value, &t, e) < 0 ||
	    count_rows(db, &t, e) < 0)
		goto out;
	printf("Response %lld: %s, %s, recorded %s%s%s%s%s.\n"
	       "%lld answers, %lld tags, %lld second-entry copies, %lld rejected rows will be erased.\n",
	       t.id, t.channel, t.district, t.recorded,
	       t.external_id ? ", survey id " : "", t.external_id ? t.external_id : "",
	       t.serial ? ", serial " : "", t.serial ? t.serial : "",
	       t.answers, t.tags, t.copies, t.rejects);
	if (!o->yes) {
		char line[64];

		printf("Type 'erase' to erase it for good, anything else to stop: ");
		fflush(stdout);
		if (!fgets(line, sizeof line, stdin) || strncasecmp(line, "erase", 5) ||
		    (line[5] != '\n' && line[5] != '\0')) {
			printf("Nothing erased.\n");
			goto out;
		}
	}
	if (erase(db, &t, o->value, o->by, o->reason, e) < 0)
		goto out;
	/* The overwritten pages are in the write-ahead log: copy them back and empty it. */
	rc = finish(db);
	if (rc != SQLITE_OK && !busy(rc)) {
		/* Not another program's doing: the disk failed, and the erasure is not complete. */
		db_fail(db, "emptying the write-ahead log", e);
		err_set(e, EXIT_SYSTEM, "response %lld is erased, but old copies of its pages may "
			"stay in %s-wal: once the disk works again, run: collector erase '%s' --finish",
			t.id, path, path);
		goto out;
	}
	printf("Response %lld erased by %s.\n", t.id, o->by);
	if (rc != SQLITE_OK)
		say_unfinished(path);
out:
	target_free(&t);
	return EXIT_OK;
}

const struct cmd_ops cmd_erase = { parse, run, NULL, sizeof(struct erase_opts) };
