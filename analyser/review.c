/*
 * review.c: human decisions over the rules' tags, the review marks, the
 * queues a reviewer works through and the progress of a review.
 *
 * Decisions live in review_decision (schema/0024-review.sql), keyed by
 * answer and theme code; the effective_tag view merges them with the tags.
 * Nothing here prints, and no message carries an answer's text or a reason.
 */
#include "review.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coded_sample.h"
#include "csv.h"
#include "db.h"
#include "eval.h"
#include "gold_file.h"
#include "strbuf.h"
#include "utf8.h"

#include <unistd.h>

/* What review_decide() and review_mark_reviewed() need to know of an answer. */
struct answer_facts {
	long long exercise;
	long long ruleset;       /* 0 when nothing is tagged */
	char sha[65];
};

/*
 * Checks that answer `id` is a free-text answer that is there and finds its
 * exercise's rule set. 0, or -1 with `e` set (EXIT_DATA, EXIT_SYSTEM).
 */
static int answer_check(sqlite3 *db, sqlite3_int64 id, struct answer_facts *f, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(f, 0, sizeof *f);
	if (!(st = db_prepare(db, "SELECT q.type, r.exercise_id, s.id, s.sha256 FROM answer a "
				  "JOIN question q ON q.id = a.question_id "
				  "JOIN response r ON r.id = a.response_id "
				  "LEFT JOIN ruleset s ON s.exercise_id = r.exercise_id "
				  "WHERE a.id = ?1 AND a.state = 'answered' AND length(a.value) > 0", e)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);

		f->exercise = sqlite3_column_int64(st, 1);
		f->ruleset = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			snprintf(f->sha, sizeof f->sha, "%s", (const char *)sqlite3_column_text(st, 3));
		if (!type || strcmp(type, "free-text"))
			rc = err_set(e, EXIT_DATA, "answer %lld is not a free-text answer: only those "
				     "are tagged and reviewed", (long long)id);
		else
			rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, EXIT_DATA, "no answer %lld with text in the database (erased, "
			     "replaced by an edit, or never given)", (long long)id);
	} else {
		rc = db_fail(db, "reading the answer", e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Longest reviewer name and reason kept. */
#define REVIEWER_MAX 100
#define REASON_MAX 2000

static int reviewer_check(const char *reviewer, struct err *e)
{
	size_t bad;

	if (!reviewer || !*reviewer)
		return err_set(e, EXIT_USAGE, "a review needs the reviewer's name (--as NAME, or "
			       "$USER)");
	if (strlen(reviewer) > REVIEWER_MAX || !utf8_check(reviewer, strlen(reviewer), &bad))
		return err_set(e, EXIT_USAGE, "the reviewer's name must be UTF-8 text of at most %d "
			       "bytes", REVIEWER_MAX);
	for (const char *p = reviewer; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(e, EXIT_USAGE, "the reviewer's name holds a control character "
				       "at byte %zu", (size_t)(p - reviewer) + 1);
	return 0;
}

/* A reason is kept as given, but not any bytes: it is shown later (redacted). */
static int reason_check(const char *reason, struct err *e)
{
	size_t bad, n = reason ? strlen(reason) : 0;

	if (n > REASON_MAX)
		return err_set(e, EXIT_USAGE, "the reason is longer than %d bytes: keep it to a "
			       "sentence or two", REASON_MAX);
	if (n && !utf8_check(reason, n, &bad))
		return err_set(e, EXIT_USAGE, "the reason is not valid UTF-8 at byte %zu", bad + 1);
	return 0;
}

/* The theme `code` of rule set `rs`, its id in *theme (0 when there is none). */
static int theme_find(sqlite3 *db, long long rs, const char *code, long long *theme,
		      struct err *e)
{
	char r[32];

	snprintf(r, sizeof r, "%lld", rs);
	return db_int(db, "SELECT id FROM theme WHERE ruleset_id = ?1 AND code = ?2", 0, theme, e,
		      2, r, code);
}

/*
 * Whether answer `id` has theme `code` (id `theme`) as counted now and from
 * the rules: the latest decision if there is one, else the rules.
 */
static int theme_state(sqlite3 *db, sqlite3_int64 id, const char *code, long long theme,
		       int *counted, int *by_rules, struct err *e)
{
	sqlite3_stmt *st;
	long long n = 0;
	char a[32], t[32];
	int rc;

	snprintf(a, sizeof a, "%lld", (long long)id);
	snprintf(t, sizeof t, "%lld", theme);
	if (db_int(db, "SELECT count(*) FROM tag WHERE answer_id = ?1 AND theme_id = ?2", 0, &n, e,
		   2, a, t) < 0)
		return -1;
	*by_rules = n > 0;
	*counted = *by_rules;
	if (!(st = db_prepare(db, "SELECT action FROM review_decision WHERE answer_id = ?1 AND "
				  "theme_code = ?2 ORDER BY id DESC LIMIT 1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*counted = strcmp((const char *)sqlite3_column_text(st, 0), "remove") != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the decisions", e);
	return 0;
}

/* Whether `action` fits the answer's theme as it stands. 0, or -1 with `e` set. */
static int action_fits(const char *action, sqlite3_int64 id, const char *code, int counted,
		       int by_rules, struct err *e)
{
	if (!strcmp(action, "accept") && !counted && !by_rules)
		return err_set(e, EXIT_DATA, "answer %lld: theme '%s' is not tagged, so there is "
			       "nothing to accept: add it instead", (long long)id, code);
	if (!strcmp(action, "remove") && !counted)
		return err_set(e, EXIT_DATA, "answer %lld: theme '%s' is not tagged (or was removed "
			       "already), so there is nothing to remove", (long long)id, code);
	if (!strcmp(action, "add") && counted)
		return err_set(e, EXIT_DATA, "answer %lld: theme '%s' is tagged already: accept it "
			       "instead of adding it", (long long)id, code);
	return 0;
}

int review_decide(sqlite3 *db, sqlite3_int64 answer_id, const char *theme_code,
		  const char *action, const char *reviewer, const char *reason, struct err *e)
{
	struct answer_facts f;
	sqlite3_stmt *st = NULL;
	long long theme = 0;
	int own, rc, counted = 0, by_rules = 0;

	if (!action || (strcmp(action, "accept") && strcmp(action, "remove") && strcmp(action, "add")))
		return err_set(e, EXIT_USAGE, "a decision is accept, remove or add, not '%s'",
			       action ? action : "");
	if (!theme_code || !*theme_code)
		return err_set(e, EXIT_USAGE, "a decision needs a theme code");
	if (reviewer_check(reviewer, e) < 0 || reason_check(reason, e) < 0 ||
	    db_begin_own(db, &own, e) < 0)
		return -1;
	rc = answer_check(db, answer_id, &f, e);
	if (rc == 0 && !f.ruleset)
		rc = err_set(e, EXIT_DATA, "nothing is tagged yet: run 'analyser tag DB RULES' "
			     "before reviewing the tags");
	if (rc == 0)
		rc = theme_find(db, f.ruleset, theme_code, &theme, e);
	if (rc == 0 && !theme)
		rc = err_set(e, EXIT_DATA, "answer %lld: no theme '%s' in the current rule set "
			     "(%.12s): a decision names one of its themes", (long long)answer_id,
			     theme_code, f.sha);
	if (rc == 0)
		rc = theme_state(db, answer_id, theme_code, theme, &counted, &by_rules, e);
	if (rc == 0)
		rc = action_fits(action, answer_id, theme_code, counted, by_rules, e);
	if (rc == 0 && !(st = db_prepare(db, "INSERT INTO review_decision (answer_id, theme_code, "
					 "action, reviewer, decided_at, reason, ruleset_sha256) "
					 "VALUES (?1, ?2, ?3, ?4, "
					 "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5, ?6)", e)))
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, answer_id);
		sqlite3_bind_text(st, 2, theme_code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, reviewer, -1, SQLITE_STATIC);
		if (reason && *reason)
			sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, f.sha, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(db, "recording the decision", e);
	}
	sqlite3_finalize(st);
	return db_end_own(db, own, rc, e);
}

int review_mark_reviewed(sqlite3 *db, sqlite3_int64 answer_id, const char *reviewer,
			 struct err *e)
{
	struct answer_facts f;
	sqlite3_stmt *st = NULL;
	int own, rc;

	if (reviewer_check(reviewer, e) < 0 || db_begin_own(db, &own, e) < 0)
		return -1;
	rc = answer_check(db, answer_id, &f, e);
	if (rc == 0 && !(st = db_prepare(db, "INSERT OR REPLACE INTO review_mark (answer_id, "
					 "reviewer, reviewed_at) VALUES (?1, ?2, "
					 "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, answer_id);
		sqlite3_bind_text(st, 2, reviewer, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(db, "marking the answer reviewed", e);
	}
	sqlite3_finalize(st);
	return db_end_own(db, own, rc, e);
}

int review_any_decision(sqlite3 *db, int *any, struct err *e)
{
	long long n = 0;

	if (db_int(db, "SELECT EXISTS (SELECT 1 FROM review_decision)", 0, &n, e, 0) < 0)
		return -1;
	*any = n != 0;
	return 0;
}

const char *review_agreement_name(enum review_agreement a)
{
	switch (a) {
	case REVIEW_AGREES:
		return "agrees";
	case REVIEW_OVERRIDES:
		return "overrides";
	case REVIEW_THEME_GONE:
		return "theme not in rules";
	}
	return "?";
}

static enum review_agreement agreement_of(int known, const char *action, int rule_tags)
{
	if (!known)
		return REVIEW_THEME_GONE;
	return (!strcmp(action, "remove")) != (rule_tags != 0) ? REVIEW_AGREES : REVIEW_OVERRIDES;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * Each decision of exercise ?1 on answer ?2 (0: all), with whether it is in
 * force, whether the current rules have its theme and tag the answer with it.
 */
#define DECISION_SQL \
	"SELECT d.id, d.answer_id, a.response_id, d.theme_code, d.action, d.reviewer, " \
	"d.decided_at, d.reason, d.ruleset_sha256, " \
	"d.id = (SELECT max(n.id) FROM review_decision n WHERE n.answer_id = d.answer_id " \
	"        AND n.theme_code = d.theme_code) AS in_force, " \
	"h.id IS NOT NULL, " \
	"EXISTS (SELECT 1 FROM tag t WHERE t.answer_id = d.answer_id AND t.theme_id = h.id) " \
	"FROM review_decision d JOIN answer a ON a.id = d.answer_id " \
	"JOIN response r ON r.id = a.response_id " \
	"LEFT JOIN ruleset s ON s.exercise_id = r.exercise_id " \
	"LEFT JOIN theme h ON h.ruleset_id = s.id AND h.code = d.theme_code " \
	"WHERE r.exercise_id = ?1 AND (?2 = 0 OR d.answer_id = ?2) AND (?3 OR in_force) " \
	"ORDER BY d.id"

int review_each_decision(sqlite3 *db, long long ex, sqlite3_int64 answer_id, int history,
			 int (*fn)(const struct review_decision *d, void *arg), void *arg,
			 struct err *e)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!(st = db_prepare(db, DECISION_SQL, e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_int64(st, 2, answer_id);
	sqlite3_bind_int(st, 3, history != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct review_decision d = {
			.id = sqlite3_column_int64(st, 0),
			.answer_id = sqlite3_column_int64(st, 1),
			.response_id = sqlite3_column_int64(st, 2),
			.theme = col_text(st, 3),
			.action = col_text(st, 4),
			.reviewer = col_text(st, 5),
			.decided_at = col_text(st, 6),
			.reason = col_text(st, 7),
			.ruleset = col_text(st, 8),
			.in_force = sqlite3_column_int(st, 9),
			.rule_tags = sqlite3_column_int(st, 11),
		};

		d.agreement = agreement_of(sqlite3_column_int(st, 10), d.action, d.rule_tags);
		if ((ret = fn(&d, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(db, "reading the decisions", e);
	sqlite3_finalize(st);
	return ret;
}

/* splitmix64: a fixed, well-mixed order of the answers for each seed. */
static void rank_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t z = (uint64_t)sqlite3_value_int64(argv[0]) * 0x9e3779b97f4a7c15u +
		     (uint64_t)sqlite3_value_int64(argv[1]);

	(void)argc;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	sqlite3_result_int64(ctx, (sqlite3_int64)(z >> 1));
}

/* One coded response the gold file and the rules differ on. */
struct gold_diff {
	long long response;
	char *what;  /* "+A -B" */
	char *note;  /* a stored sample's coder's note, or NULL: personal data */
};

struct gold_diffs {
	struct gold_diff *v;
	size_t n;
};

static int gold_diff_cmp(const void *a, const void *b)
{
	const struct gold_diff *x = a, *y = b;

	return (x->response > y->response) - (x->response < y->response);
}

static void gold_diffs_release(struct gold_diffs *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].what);
		free(g->v[i].note);
	}
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

/*
 * The responses the gold file at `path` and the rules differ on, sorted,
 * each with the themes only the coder (+) or only the rules (-) gave it.
 */
static int gold_read(sqlite3 *db, long long ex, const char *path, struct gold_diffs *g,
		     struct err *e)
{
	struct csv_reader *r;
	struct evaluation *ev;
	int fd = -1, rc = 0;

	memset(g, 0, sizeof *g);
	if (!(r = gold_open(path, &fd, e)))
		return -1;
	ev = eval_run(db, ex, r, path, 0, e);
	csv_reader_free(r);
	if (fd >= 0)
		close(fd);
	if (!ev)
		return -1;
	if (ev->ndisagreements && !(g->v = calloc(ev->ndisagreements, sizeof *g->v)))
		rc = err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < ev->ndisagreements; i++) {
		const struct eval_disagreement *d = &ev->disagreements[i];
		long long resp = ev->responses[d->response].id;
		struct gold_diff *at = NULL;
		struct strbuf sb = STRBUF_INIT;

		for (size_t k = 0; k < g->n && !at; k++)
			if (g->v[k].response == resp)
				at = &g->v[k];
		if (!at) {
			at = &g->v[g->n++];
			at->response = resp;
		}
		if ((at->what && strbuf_addstr(&sb, at->what) < 0) ||
		    strbuf_addf(&sb, "%s%c%s", at->what ? " " : "", d->rules_only ? '-' : '+',
				ev->themes[d->theme].code) < 0) {
			strbuf_release(&sb);
			rc = err_set(e, EXIT_SYSTEM, "out of memory");
			break;
		}
		free(at->what);
		at->what = strbuf_detach(&sb, NULL);
	}
	eval_free(ev);
	if (rc < 0) {
		gold_diffs_release(g);
		return -1;
	}
	qsort(g->v, g->n, sizeof *g->v, gold_diff_cmp);
	return 0;
}

/* Collects sample_each_difference()'s responses, in response order. */
static int gold_add(long long response, const char *what, void *arg)
{
	struct gold_diffs *g = arg;
	struct gold_diff *v = realloc(g->v, (g->n + 1) * sizeof *g->v);

	if (!v)
		return -1;
	g->v = v;
	v[g->n].note = NULL;
	if (!(v[g->n].what = strdup(what)))
		return -1;
	v[g->n++].response = response;
	return 0;
}

/* The coders' notes of sample `id` on the responses in g (sorted). */
static int gold_notes_of(sqlite3 *db, long long id, struct gold_diffs *g, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!g->n)
		return 0;
	if (!(st = db_prepare(db, "SELECT response_id, note FROM coded_sample_response WHERE "
				  "sample_id = ?1 AND note IS NOT NULL", e)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct gold_diff key = { .response = sqlite3_column_int64(st, 0) };
		struct gold_diff *at = bsearch(&key, g->v, g->n, sizeof *g->v, gold_diff_cmp);

		if (at && !at->note && !(at->note = strdup((const char *)sqlite3_column_text(st, 1)))) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the coders' notes", e);
}

/* The responses stored sample `name` and the tags differ on, as gold_read() gives them. */
static int gold_stored(sqlite3 *db, long long ex, const char *name, int rules_only,
		       struct gold_diffs *g, struct err *e)
{
	long long id;
	int rc;

	memset(g, 0, sizeof *g);
	if ((rc = sample_find(db, ex, name, &id, e)) <= 0)
		return rc < 0 ? -1 : err_set(e, EXIT_DATA, "no coded sample named '%s' is stored "
					     "('analyser review sample list' lists them)", name);
	rc = sample_each_difference(db, ex, id, rules_only, gold_add, g, e);
	if (rc == 0 && gold_notes_of(db, id, g, e) < 0)
		rc = -1;
	if (rc != 0) {
		gold_diffs_release(g);
		return err_isset(e) ? -1 : err_set(e, EXIT_SYSTEM, "out of memory");
	}
	return 0;
}

static const struct gold_diff *gold_find(const struct gold_diffs *g, long long response)
{
	struct gold_diff key = { .response = response };

	return bsearch(&key, g->v, g->n, sizeof *g->v, gold_diff_cmp);
}

/* The answers of a queue: the columns review_list() reads, the conditions it adds. */
#define ITEM_SQL \
	"SELECT a.id, a.response_id, coalesce(sq.code, q.code), r.district_code, r.channel, " \
	"r.form_variant, " \
	"coalesce((SELECT group_concat(code, ';') FROM (SELECT h.code FROM tag t " \
	"  JOIN theme h ON h.id = t.theme_id WHERE t.answer_id = a.id ORDER BY h.position)), ''), " \
	"coalesce((SELECT group_concat(code, ';') FROM (SELECT h.code FROM effective_tag t " \
	"  JOIN theme h ON h.id = t.theme_id WHERE t.answer_id = a.id ORDER BY h.position)), ''), " \
	"(SELECT count(*) FROM review_latest d WHERE d.answer_id = a.id), " \
	"m.reviewer, m.reviewed_at, a.value " \
	"FROM answer a JOIN question q ON q.id = a.question_id " \
	"LEFT JOIN question sq ON sq.id = q.maps_to " \
	"JOIN response r ON r.id = a.response_id " \
	"LEFT JOIN review_mark m ON m.answer_id = a.id " \
	"WHERE r.exercise_id = ?1 AND (r.entry_status = 'accepted' OR r.entry_status = 'verified') " \
	"AND q.type = 'free-text' AND a.state = 'answered' AND length(a.value) > 0 " \
	"AND (?2 IS NULL OR q.code = ?2 OR sq.code = ?2) AND (NOT ?3 OR m.answer_id IS NULL) "

/* A theme and its sub-themes, in the current rule set of exercise ?1, for ?4. */
#define SUBTREE_SQL \
	"AND EXISTS (WITH RECURSIVE sub(id) AS (SELECT h.id FROM theme h JOIN ruleset s " \
	"ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 AND h.code = ?4 " \
	"UNION SELECT h.id FROM theme h JOIN sub ON h.parent_id = sub.id) " \
	"SELECT 1 FROM effective_tag t JOIN sub ON sub.id = t.theme_id WHERE t.answer_id = a.id) "

int review_list(sqlite3 *db, long long ex, const struct review_query *q,
		int (*fn)(const struct review_item *it, void *arg), void *arg, struct err *e)
{
	struct gold_diffs gold = { 0 };
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	long limit = q->limit, shown = 0;
	int rc = 0, ret = 0;

	if (q->queue == REVIEW_QUEUE_THEME) {
		long long n = 0;
		char x[32];

		snprintf(x, sizeof x, "%lld", ex);
		if (!q->theme || !*q->theme)
			return err_set(e, EXIT_USAGE, "the theme queue needs a theme code");
		if (db_int(db, "SELECT count(*) FROM theme h JOIN ruleset s ON s.id = h.ruleset_id "
			   "WHERE s.exercise_id = ?1 AND h.code = ?2", 0, &n, e, 2, x, q->theme) < 0)
			return -1;
		if (!n)
			return err_set(e, EXIT_DATA, "no theme '%s' in the current rule set", q->theme);
	}
	if (q->queue == REVIEW_QUEUE_GOLD) {
		if (q->sample) {
			if (gold_stored(db, ex, q->sample, q->rules_only, &gold, e) < 0)
				return -1;
		} else if (!q->gold_path) {
			return err_set(e, EXIT_USAGE, "the disagreement queue needs a coded sample");
		} else if (gold_read(db, ex, q->gold_path, &gold, e) < 0) {
			return -1;
		}
	}
	if (q->queue == REVIEW_QUEUE_SAMPLE) {
		int frc = sqlite3_create_function_v2(db, "tally_review_rank", 2,
						     SQLITE_UTF8 | SQLITE_DETERMINISTIC |
						     SQLITE_DIRECTONLY, NULL, rank_fn, NULL, NULL, NULL);

		if (frc != SQLITE_OK && frc != SQLITE_BUSY)
			rc = db_fail(db, "preparing the sample", e);
		if (limit <= 0)
			limit = 20;
	}
	if (rc == 0 && strbuf_addstr(&sql, ITEM_SQL) < 0)
		rc = -1;
	switch (q->queue) {
	case REVIEW_QUEUE_UNTAGGED:
		if (rc == 0 && strbuf_addstr(&sql, "AND NOT EXISTS (SELECT 1 FROM effective_tag t "
					  "WHERE t.answer_id = a.id) ") < 0)
			rc = -1;
		break;
	case REVIEW_QUEUE_THEME:
		if (rc == 0 && strbuf_addstr(&sql, SUBTREE_SQL) < 0)
			rc = -1;
		break;
	case REVIEW_QUEUE_DECIDED:
		if (rc == 0 && strbuf_addstr(&sql, "AND EXISTS (SELECT 1 FROM review_decision d "
					  "WHERE d.answer_id = a.id) ") < 0)
			rc = -1;
		break;
	default:
		break;
	}
	if (rc == 0 && strbuf_addstr(&sql, q->queue == REVIEW_QUEUE_SAMPLE
				  ? "ORDER BY tally_review_rank(a.id, ?5), a.id"
				  : "ORDER BY a.id") < 0)
		rc = -1;
	if (rc < 0 && !err_isset(e))
		err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc == 0 && !(st = db_prepare(db, sql.buf, e)))
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, ex);
		if (q->question)
			sqlite3_bind_text(st, 2, q->question, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, q->unreviewed != 0);
		if (q->queue == REVIEW_QUEUE_THEME)
			sqlite3_bind_text(st, 4, q->theme, -1, SQLITE_STATIC);
		if (q->queue == REVIEW_QUEUE_SAMPLE)
			sqlite3_bind_int64(st, 5, (sqlite3_int64)q->seed);
		while ((limit <= 0 || shown < limit) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct review_item it = {
				.answer_id = sqlite3_column_int64(st, 0),
				.response_id = sqlite3_column_int64(st, 1),
				.question = col_text(st, 2),
				.district = col_text(st, 3),
				.channel = col_text(st, 4),
				.form = col_text(st, 5),
				.rule_themes = col_text(st, 6),
				.themes = col_text(st, 7),
				.decisions = sqlite3_column_int(st, 8),
				.reviewed_by = col_text(st, 9),
				.reviewed_at = col_text(st, 10),
				.text = (const char *)sqlite3_column_blob(st, 11),
				.text_len = (size_t)sqlite3_column_bytes(st, 11),
			};

			if (q->queue == REVIEW_QUEUE_GOLD) {
				const struct gold_diff *d = gold_find(&gold, it.response_id);

				if (!d)
					continue;
				it.gold_differs = d->what;
				it.gold_note = d->note;
			}
			if (!it.text)
				it.text = "";
			shown++;
			if ((ret = fn(&it, arg)) != 0)
				break;
		}
		if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW)
			ret = db_fail(db, "reading the answers to review", e);
	} else {
		ret = -1;
	}
	sqlite3_finalize(st);
	strbuf_release(&sql);
	gold_diffs_release(&gold);
	return ret;
}

/*
 * Progress: for each group, the counted free-text answers in it, those
 * marked reviewed, and the decisions in force on them by agreement. The
 * groups come from `groups` (code, label, position), the answers in a group
 * from `member` (answer_id, code), the decisions' group from `dgroup`.
 */
#define PROGRESS_BASE \
	"WITH RECURSIVE ans(id) AS (SELECT a.id FROM answer a " \
	"  JOIN question q ON q.id = a.question_id JOIN response r ON r.id = a.response_id " \
	"  WHERE r.exercise_id = ?1 AND (r.entry_status = 'accepted' OR r.entry_status = 'verified') " \
	"  AND q.type = 'free-text' AND a.state = 'answered' AND length(a.value) > 0), " \
	"cur(id) AS (SELECT id FROM ruleset WHERE exercise_id = ?1), " \
	"dec(answer_id, theme_code, agree, gone) AS (SELECT d.answer_id, d.theme_code, " \
	"  CASE WHEN h.id IS NULL THEN NULL ELSE (d.action = 'remove') <> EXISTS (SELECT 1 FROM tag t " \
	"    WHERE t.answer_id = d.answer_id AND t.theme_id = h.id) END, h.id IS NULL " \
	"  FROM review_latest d JOIN ans ON ans.id = d.answer_id " \
	"  LEFT JOIN theme h ON h.ruleset_id = (SELECT id FROM cur) AND h.code = d.theme_code), "

static const char progress_by_theme[] = PROGRESS_BASE
	"anc(theme_id, up) AS (SELECT h.id, h.id FROM theme h WHERE h.ruleset_id = (SELECT id FROM cur) "
	"  UNION SELECT anc.theme_id, h.parent_id FROM anc JOIN theme h ON h.id = anc.up "
	"  WHERE h.parent_id IS NOT NULL), "
	"member(answer_id, theme_id) AS (SELECT DISTINCT t.answer_id, anc.up FROM effective_tag t "
	"  JOIN ans ON ans.id = t.answer_id JOIN anc ON anc.theme_id = t.theme_id) "
	"SELECT * FROM (SELECT h.code, h.label, "
	"  (SELECT count(*) FROM member m WHERE m.theme_id = h.id), "
	"  (SELECT count(*) FROM member m JOIN review_mark k ON k.answer_id = m.answer_id "
	"   WHERE m.theme_id = h.id), "
	"  (SELECT count(*) FROM dec WHERE dec.theme_code = h.code AND dec.agree = 1), "
	"  (SELECT count(*) FROM dec WHERE dec.theme_code = h.code AND dec.agree = 0), 0, "
	"  h.depth, (SELECT p.code FROM theme p WHERE p.id = h.parent_id), "
	"  (SELECT p.label FROM theme p WHERE p.id = h.parent_id) "
	"FROM theme h WHERE h.ruleset_id = (SELECT id FROM cur) ORDER BY h.position) "
	"UNION ALL "
	"SELECT * FROM (SELECT theme_code, NULL, 0, 0, 0, 0, count(*), 0, NULL, NULL FROM dec "
	"  WHERE gone GROUP BY theme_code ORDER BY theme_code) "
	"UNION ALL "
	"SELECT NULL, NULL, (SELECT count(*) FROM ans), "
	"  (SELECT count(*) FROM ans JOIN review_mark k ON k.answer_id = ans.id), "
	"  (SELECT count(*) FROM dec WHERE agree = 1), (SELECT count(*) FROM dec WHERE agree = 0), "
	"  (SELECT count(*) FROM dec WHERE gone), 0, NULL, NULL";

static const char progress_by_district[] = PROGRESS_BASE
	"place(answer_id, code) AS (SELECT ans.id, coalesce(r.district_code, '(unknown)') FROM ans "
	"  JOIN answer a ON a.id = ans.id JOIN response r ON r.id = a.response_id) "
	"SELECT * FROM (SELECT p.code, coalesce(d.name, p.code), count(*), count(k.answer_id), "
	"  (SELECT count(*) FROM dec JOIN place x ON x.answer_id = dec.answer_id "
	"   WHERE x.code = p.code AND dec.agree = 1), "
	"  (SELECT count(*) FROM dec JOIN place x ON x.answer_id = dec.answer_id "
	"   WHERE x.code = p.code AND dec.agree = 0), "
	"  (SELECT count(*) FROM dec JOIN place x ON x.answer_id = dec.answer_id "
	"   WHERE x.code = p.code AND dec.gone), 0, NULL, NULL "
	"FROM place p LEFT JOIN district d ON d.code = p.code "
	"LEFT JOIN review_mark k ON k.answer_id = p.answer_id GROUP BY p.code ORDER BY p.code) "
	"UNION ALL "
	"SELECT NULL, NULL, (SELECT count(*) FROM ans), "
	"  (SELECT count(*) FROM ans JOIN review_mark k ON k.answer_id = ans.id), "
	"  (SELECT count(*) FROM dec WHERE agree = 1), (SELECT count(*) FROM dec WHERE agree = 0), "
	"  (SELECT count(*) FROM dec WHERE gone), 0, NULL, NULL";

int review_each_progress(sqlite3 *db, long long ex, enum review_split by,
			 int (*fn)(const struct review_progress *p, void *arg), void *arg,
			 struct err *e)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!(st = db_prepare(db, by == REVIEW_BY_THEME ? progress_by_theme : progress_by_district,
			      e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct review_progress p = {
			.code = col_text(st, 0),
			.label = col_text(st, 1),
			.answers = sqlite3_column_int(st, 2),
			.reviewed = sqlite3_column_int(st, 3),
			.agree = sqlite3_column_int(st, 4),
			.overrides = sqlite3_column_int(st, 5),
			.gone = sqlite3_column_int(st, 6),
			.depth = sqlite3_column_int(st, 7),
			.parent = col_text(st, 8),
			.parent_label = col_text(st, 9),
		};

		if ((ret = fn(&p, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(db, "reading the review's progress", e);
	sqlite3_finalize(st);
	return ret;
}
