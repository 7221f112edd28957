/*
 * analyser untagged / explain: what the rules miss, and why an answer was
 * tagged as it was.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"

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

static const char explain_usage[] =
	"usage: analyser explain DB RESPONSE\n"
	"\n"
	"Shows each free-text answer of one response with the words that produced\n"
	"each tag marked [[like this]], the theme, and the pattern that fired.\n"
	"RESPONSE is the response's number in the database, or its external id\n"
	"as stored (for example surveymonkey:11432895612).\n"
	"\n"
	"  -h, --help   show this help\n";

/* Text on one line: line breaks as " / ". */
static void print_flat(const char *s, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n' || s[i] == '\r')
			fputs(" / ", out);
		else
			fputc(s[i], out);
	}
}

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
			return cmd_usage_error(untagged_usage, "unknown option '%s'", argv[optind - 1]);
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
		print_flat((const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2),
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

struct span {
	long long start, end;
};

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* The answer's text with every tagged span marked [[...]] (overlaps merged). */
static void print_marked(const char *text, size_t n, struct span *spans, size_t ns)
{
	size_t at = 0;

	qsort(spans, ns, sizeof *spans, by_start);
	for (size_t i = 0; i < ns; i++) {
		size_t s = (size_t)spans[i].start, end = (size_t)spans[i].end;

		while (i + 1 < ns && (size_t)spans[i + 1].start <= end) {
			if ((size_t)spans[i + 1].end > end)
				end = (size_t)spans[i + 1].end;
			i++;
		}
		if (s < at || end > n)
			continue;
		print_flat(text + at, s - at, stdout);
		fputs("[[", stdout);
		print_flat(text + s, end - s, stdout);
		fputs("]]", stdout);
		at = end;
	}
	print_flat(text + at, n - at, stdout);
	putchar('\n');
}

struct explain_opts {
	const char *response; /* its number, or its survey id */
};

static int explain_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	(void)e;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(explain_usage);
		return cmd_usage_error(explain_usage, "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return cmd_usage_error(explain_usage, "explain takes a database and a response");
	ctx->db_path = argv[optind];
	((struct explain_opts *)ctx->opts)->response = argv[optind + 1];
	return CMD_GO_ON;
}

static int explain_run(struct cmd_ctx *ctx, struct err *e)
{
	const char *response = ((struct explain_opts *)ctx->opts)->response;
	sqlite3_stmt *ans = NULL, *tags = NULL;
	sqlite3 *db = ctx->db;
	long long rid = -1;
	int rc, answers = 0;

	if (db_int(db, "SELECT id FROM response WHERE external_id = ?1 OR CAST(id AS TEXT) = ?1",
		   -1, &rid, e, 1, response) < 0)
		goto out;
	if (rid < 0) {
		err_set(e, EXIT_USAGE, "there is no response '%s' in this database", response);
		goto out;
	}
	if (!(ans = db_prepare(db, "SELECT a.id, q.code, q.text, a.value FROM answer a "
				   "JOIN question q ON q.id = a.question_id WHERE a.response_id = ?1 "
				   "AND q.type = 'free-text' AND a.value IS NOT NULL ORDER BY q.position",
			       e)) ||
	    !(tags = db_prepare(db, "SELECT h.code, h.label, t.rule, t.match_start, t.match_end, "
				    "s.sha256 FROM tag t JOIN theme h ON h.id = t.theme_id "
				    "JOIN ruleset s ON s.id = h.ruleset_id WHERE t.answer_id = ?1 "
				    "ORDER BY t.match_start", e)))
		goto out;
	printf("Response %lld\n", rid);
	sqlite3_bind_int64(ans, 1, rid);
	while ((rc = sqlite3_step(ans)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(ans, 3);
		size_t n = (size_t)sqlite3_column_bytes(ans, 3), ns = 0;
		struct span spans[64];

		answers++;
		printf("\n%s: %s\n  ", sqlite3_column_text(ans, 1), sqlite3_column_text(ans, 2));
		sqlite3_bind_int64(tags, 1, sqlite3_column_int64(ans, 0));
		while (sqlite3_step(tags) == SQLITE_ROW && ns < 64) {
			spans[ns].start = sqlite3_column_int64(tags, 3);
			spans[ns].end = sqlite3_column_int64(tags, 4);
			ns++;
		}
		sqlite3_reset(tags);
		print_marked(text, n, spans, ns);
		if (!ns)
			printf("  (no theme)\n");
		while (sqlite3_step(tags) == SQLITE_ROW) {
			long long s = sqlite3_column_int64(tags, 3), end = sqlite3_column_int64(tags, 4);

			printf("  %s (%s): rule %s matched \"", sqlite3_column_text(tags, 0),
			       sqlite3_column_text(tags, 1), sqlite3_column_text(tags, 2));
			if (s >= 0 && end <= (long long)n && s <= end)
				print_flat(text + s, (size_t)(end - s), stdout);
			printf("\" at bytes %lld-%lld, rules %.12s\n", s, end,
			       sqlite3_column_text(tags, 5));
		}
		sqlite3_reset(tags);
	}
	if (rc != SQLITE_DONE)
		db_fail(db, "reading the response", e);
	else if (!answers)
		printf("\n(no free-text answers)\n");
out:
	sqlite3_finalize(ans);
	sqlite3_finalize(tags);
	return EXIT_OK;
}

const struct cmd_ops cmd_explain = { explain_parse, explain_run, NULL, sizeof(struct explain_opts) };
