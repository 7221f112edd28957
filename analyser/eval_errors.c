/* eval_errors.c: a theme's errors, answer by answer, for the rule writer. */
#include "eval_errors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "marked.h"

int eval_theme_index(const struct evaluation *ev, const char *code)
{
	for (size_t i = 0; i < ev->nthemes; i++)
		if (!strcasecmp(ev->themes[i].code, code))
			return (int)i;
	return -1;
}

/* Whether the theme with database id `id` is `theme` or under it. */
static int counts_toward(const struct evaluation *ev, long long id, size_t theme)
{
	int i = -1;

	for (size_t k = 0; k < ev->nthemes; k++)
		if (ev->themes[k].id == id)
			i = (int)k;
	for (; i >= 0; i = ev->themes[i].parent)
		if ((size_t)i == theme)
			return 1;
	return 0;
}

/* A score with three decimals, or "-" when undefined. */
static const char *fmt3(char *buf, double v)
{
	if (isnan(v))
		return "-";
	snprintf(buf, 16, "%.3f", v);
	return buf;
}

static void print_response(const struct eval_response *r, FILE *out)
{
	fprintf(out, "  response %lld", r->id);
	if (r->name)
		fprintf(out, " (%s)", r->name);
	fputc('\n', out);
}

/* A false positive: each answer with a tag toward the theme, its spans marked. */
static int show_fp(sqlite3_stmt *tags, const struct evaluation *ev, size_t theme,
		   const struct redactor *rd, FILE *out)
{
	struct mark_span spans[32];
	char rules[200] = "";
	size_t ns = 0, n = 0;
	long long answer = -1;
	char *text = NULL, *q = NULL;
	int rc, ok = 0;

	for (;;) {
		rc = sqlite3_step(tags);
		if (rc == SQLITE_ROW && !counts_toward(ev, sqlite3_column_int64(tags, 0), theme))
			continue;
		if (answer >= 0 && (rc != SQLITE_ROW || sqlite3_column_int64(tags, 4) != answer)) {
			fprintf(out, "    %s [%s]: ", q, rules);
			ok = marked_print(rd, text, n, spans, ns, 0, out);
			fputc('\n', out);
			free(text);
			free(q);
			text = q = NULL;
			ns = 0;
			rules[0] = '\0';
			answer = -1;
			if (ok < 0)
				return -1;
		}
		if (rc != SQLITE_ROW)
			break;
		if (answer < 0) {
			const void *v = sqlite3_column_blob(tags, 5);

			answer = sqlite3_column_int64(tags, 4);
			n = (size_t)sqlite3_column_bytes(tags, 5);
			text = malloc(n + 1);
			q = strdup((const char *)sqlite3_column_text(tags, 6));
			if (!text || !q) {
				free(text);
				free(q);
				return -1;
			}
			if (n)
				memcpy(text, v, n);
			text[n] = '\0';
		}
		if (ns < 32) {
			long long s = sqlite3_column_int64(tags, 2), end = sqlite3_column_int64(tags, 3);

			if (s >= 0 && s <= end && (size_t)end <= n) {
				spans[ns].start = (size_t)s;
				spans[ns++].end = (size_t)end;
			}
			if (strlen(rules) + 60 < sizeof rules)
				snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "%s%s",
					 rules[0] ? ", " : "", sqlite3_column_text(tags, 1));
		}
	}
	return rc == SQLITE_DONE ? 0 : -2;
}

static int show_fn(sqlite3_stmt *ans, const struct redactor *rd, FILE *out)
{
	int rc, any = 0;

	while ((rc = sqlite3_step(ans)) == SQLITE_ROW) {
		any = 1;
		fprintf(out, "    %s: ", sqlite3_column_text(ans, 0));
		if (marked_print(rd, (const char *)sqlite3_column_text(ans, 1),
				 (size_t)sqlite3_column_bytes(ans, 1), NULL, 0, 0, out) < 0)
			return -1;
		fputc('\n', out);
	}
	if (!any && rc == SQLITE_DONE)
		fputs("    (no free-text answers)\n", out);
	return rc == SQLITE_DONE ? 0 : -2;
}

int eval_print_errors(sqlite3 *db, const struct evaluation *ev, size_t theme, int which,
		      size_t limit, FILE *out, struct err *e)
{
	const struct eval_theme *t = &ev->themes[theme];
	struct redactor *rd = redactor_new(e);
	sqlite3_stmt *tags = NULL, *ans = NULL;
	struct eval_scores s;
	char b[2][16];
	int ok = -1;

	if (!rd)
		return -1;
	/*
	 * The text is the answer's at the time it was tagged: answers are only
	 * ever added (tag_state.h), never changed under their tags.
	 */
	if (!(tags = db_prepare(db, "SELECT t.theme_id, u.name, t.match_start, t.match_end, a.id, "
				"a.value, q.code FROM tag t JOIN answer a ON a.id = t.answer_id "
				"JOIN question q ON q.id = a.question_id JOIN theme h ON h.id = t.theme_id "
				"JOIN rule u ON u.ruleset_id = h.ruleset_id AND u.no = t.rule_no WHERE a.response_id = ?1 "
				"ORDER BY q.position, a.id, t.match_start", e)) ||
	    !(ans = db_prepare(db, "SELECT q.code, a.value FROM answer a JOIN question q "
			       "ON q.id = a.question_id WHERE a.response_id = ?1 "
			       "AND q.type = 'free-text' AND a.value IS NOT NULL "
			       "ORDER BY q.position, a.id", e)))
		goto out;
	eval_scores(&t->n, &s);
	fprintf(out, "%s (%s): %zu coded responses, TP %ld, FP %ld, FN %ld; precision ", t->code,
		t->label, ev->nresponses, t->n.tp, t->n.fp, t->n.fn);
	fprintf(out, "%s, recall %s", fmt3(b[0], s.precision), fmt3(b[1], s.recall));
	fputs("\nAnswers are the respondents' own, personal data redacted: keep this list inside "
	      "the analysis team.\n", out);
	for (int pass = EVAL_FP; pass <= EVAL_FN; pass++) {
		size_t shown = 0, total = (size_t)(pass == EVAL_FP ? t->n.fp : t->n.fn);

		if (!(which & pass))
			continue;
		fprintf(out, "\n%s: %zu%s\n", pass == EVAL_FP ?
			"False positives (the rules found it, the coder did not)" :
			"False negatives (the coder found it, the rules did not)", total,
			limit && total > limit ? " (the first ones; --limit 0 shows all)" : "");
		for (size_t k = 0; k < ev->ndisagreements; k++) {
			const struct eval_disagreement *d = &ev->disagreements[k];
			sqlite3_stmt *st = pass == EVAL_FP ? tags : ans;
			int rc;

			if (d->theme != theme || d->rules_only != (pass == EVAL_FP))
				continue;
			if (limit && shown >= limit)
				break;
			shown++;
			print_response(&ev->responses[d->response], out);
			sqlite3_bind_int64(st, 1, ev->responses[d->response].id);
			rc = pass == EVAL_FP ? show_fp(st, ev, theme, rd, out) : show_fn(st, rd, out);
			sqlite3_reset(st);
			if (rc == -1) {
				err_set(e, EXIT_SYSTEM, "out of memory");
				goto out;
			}
			if (rc < 0) {
				db_fail(db, "reading the answers", e);
				goto out;
			}
		}
	}
	ok = 0;
out:
	sqlite3_finalize(tags);
	sqlite3_finalize(ans);
	redactor_free(rd);
	return ok;
}
