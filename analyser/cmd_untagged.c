/*
 * analyser untagged: the free-text answers no theme matched, to see what
 * the rules miss.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "oneline.h"

static const char untagged_usage[] =
	"usage: analyser untagged DB [--question CODE] [--limit N] [--exercise CODE]\n"
	"\n"
	"Lists the free-text answers that no theme matched, one per line:\n"
	"response id, question code, then the text (line breaks shown as ' / ').\n"
	"Read them to see what the rules miss. The answers are personal data: do\n"
	"not share the list outside the analysis team.\n"
	"\n"
	"  --question CODE   only answers to this question\n"
	"  --limit N         at most N answers\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n";

struct untagged_opts {
	const char *question;
	long long limit;
};

static int untagged_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "question", required_argument, NULL, 'q' },
		{ "limit", required_argument, NULL, 'l' },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct untagged_opts *o = ctx->opts;
	int c;

	(void)e;
	o->limit = -1;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'q':
			o->question = optarg;
			break;
		case 'l': {
			char *end;

			o->limit = strtoll(optarg, &end, 10);
			if (*end || o->limit < 0)
				return cmd_usage_error(untagged_usage, "--limit takes a whole number, "
								       "not '%s'", optarg);
			break;
		}
		case 'h':
			return cmd_help(untagged_usage);
		default:
			return cmd_bad_option(untagged_usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(untagged_usage, "untagged takes one database");
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int untagged_run(struct cmd_ctx *ctx, struct err *e)
{
	struct untagged_opts *o = ctx->opts;
	long long shown = 0, total = 0;
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_prepare(ctx->db,
		"SELECT r.id, q.code, a.value, "
		"  NOT EXISTS (SELECT 1 FROM tag t WHERE t.answer_id = a.id) AS bare "
		"FROM answer a JOIN question q ON q.id = a.question_id "
		"JOIN response r ON r.id = a.response_id "
		"WHERE r.exercise_id = ?1 AND q.type = 'free-text' AND a.value IS NOT NULL "
		"AND (r.entry_status = 'accepted' OR r.entry_status = 'verified') "
		"AND (?2 IS NULL OR q.code = ?2) ORDER BY a.id", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ctx->exercise);
	if (o->question)
		sqlite3_bind_text(st, 2, o->question, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		total++;
		if (!sqlite3_column_int(st, 3))
			continue;
		if (o->limit >= 0 && shown >= o->limit) {
			shown++;
			continue;
		}
		printf("%lld\t%s\t", sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1));
		oneline_print((const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2),
			   stdout);
		putchar('\n');
		shown++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "reading the answers", e);
	printf("%lld of %lld free-text answers have no theme\n", shown, total);
	return EXIT_OK;
}

const struct cmd_ops cmd_untagged = { untagged_parse, untagged_run, NULL,
				      sizeof(struct untagged_opts) };
