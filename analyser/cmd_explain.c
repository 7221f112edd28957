/*
 * analyser explain: why an answer was tagged as it was.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "oneline.h"
#include "review.h"

static const char explain_usage[] =
	"usage: analyser explain DB RESPONSE\n"
	"\n"
	"Shows each free-text answer of one response with the words that produced\n"
	"each tag marked [[like this]], the theme, and the pattern that fired.\n"
	"RESPONSE is the response's number in the database, or its external id\n"
	"as stored (for example surveymonkey:11432895612). Under the rules' tags come\n"
	"the reviewers' decisions in force on each answer ('analyser review'): who\n"
	"accepted, removed or added which theme and when, and whether the current\n"
	"rules now agree; and who marked the answer reviewed.\n"
	"\n"
	"  -h, --help   show this help\n";

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
		oneline_print(text + at, s - at, stdout);
		fputs("[[", stdout);
		oneline_print(text + s, end - s, stdout);
		fputs("]]", stdout);
		at = end;
	}
	oneline_print(text + at, n - at, stdout);
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
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(explain_usage);
		return cmd_bad_option(explain_usage);
	}
	if (argc - optind != 2)
		return cmd_usage_error(explain_usage, "explain takes a database and a response");
	ctx->db_path = argv[optind];
	((struct explain_opts *)ctx->opts)->response = argv[optind + 1];
	return CMD_GO_ON;
}

static int print_decision(const struct review_decision *d, void *arg)
{
	static const char *const done[] = { "accepted", "removed", "added" };
	const char *what = !strcmp(d->action, "accept") ? done[0] :
			   !strcmp(d->action, "remove") ? done[1] : done[2];

	(void)arg;
	printf("  review: %s %s by %s at %s; %s\n", d->theme, what, d->reviewer, d->decided_at,
	       d->agreement == REVIEW_AGREES ? "the current rules agree" :
	       d->agreement == REVIEW_OVERRIDES ? "overrides the current rules" :
	       "the current rules have no such theme, so it counts nowhere");
	return 0;
}

/* The decisions in force on answer `answer` and who marked it reviewed. 0 or -1. */
static int print_review(sqlite3 *db, long long ex, long long answer, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (review_each_decision(db, ex, answer, 0, print_decision, NULL, e) != 0 ||
	    !(st = db_prepare(db, "SELECT reviewer, reviewed_at FROM review_mark WHERE answer_id = ?1",
			      e)))
		return -1;
	sqlite3_bind_int64(st, 1, answer);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printf("  marked reviewed by %s at %s\n", sqlite3_column_text(st, 0),
		       sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, "reading the review", e);
}

static int explain_run(struct cmd_ctx *ctx, struct err *e)
{
	const char *response = ((struct explain_opts *)ctx->opts)->response;
	sqlite3_stmt *ans = NULL, *tags = NULL;
	sqlite3 *db = ctx->db;
	long long rid = -1, ex = 0;
	int rc, answers = 0;

	if (db_int(db, "SELECT id FROM response WHERE external_id = ?1 OR CAST(id AS TEXT) = ?1",
		   -1, &rid, e, 1, response) < 0)
		goto out;
	if (rid < 0) {
		err_set(e, EXIT_USAGE, "there is no response '%s' in this database", response);
		goto out;
	}
	{
		char id[32];

		snprintf(id, sizeof id, "%lld", rid);
		if (db_int(db, "SELECT exercise_id FROM response WHERE id = ?1", 0, &ex, e, 1, id) < 0)
			goto out;
	}
	if (!(ans = db_prepare(db, "SELECT a.id, q.code, q.text, a.value FROM answer a "
				   "JOIN question q ON q.id = a.question_id WHERE a.response_id = ?1 "
				   "AND q.type = 'free-text' AND a.value IS NOT NULL ORDER BY q.position",
			       e)) ||
	    !(tags = db_prepare(db, "SELECT h.code, h.label, u.name, t.match_start, t.match_end, "
				    "s.sha256 FROM tag t JOIN theme h ON h.id = t.theme_id "
				    "JOIN ruleset s ON s.id = h.ruleset_id JOIN rule u ON "
				    "u.ruleset_id = h.ruleset_id AND u.no = t.rule_no WHERE t.answer_id = ?1 "
				    "ORDER BY t.match_start", e)))
		goto out;
	printf("Response %lld\n", rid);
	sqlite3_bind_int64(ans, 1, rid);
	while ((rc = sqlite3_step(ans)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(ans, 3);
		size_t n = (size_t)sqlite3_column_bytes(ans, 3), ns = 0;
		struct span spans[64];

		answers++;
		printf("\n%s (answer %lld): %s\n  ", sqlite3_column_text(ans, 1),
		       sqlite3_column_int64(ans, 0), sqlite3_column_text(ans, 2));
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
				oneline_print(text + s, (size_t)(end - s), stdout);
			printf("\" at bytes %lld-%lld, rules %.12s\n", s, end,
			       sqlite3_column_text(tags, 5));
		}
		sqlite3_reset(tags);
		if (print_review(db, ex, sqlite3_column_int64(ans, 0), e) < 0)
			goto out;
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
