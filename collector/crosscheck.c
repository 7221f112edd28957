/* crosscheck.c: the cross-field checks of an exercise (crosscheck.h). */
#include "crosscheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strbuf.h"

/* One option named by a rule. */
struct cc_option {
	long long id;
	char *code;
	char *label;
};

struct cc_rule {
	enum crosscheck_rule kind;
	long long question_id;  /* exclusive: the question of the option; ask-if: the asked one */
	char *code;             /* that question's code */
	long long on_id;        /* ask-if: the earlier question */
	char *on_code, *on_text;
	struct cc_option *opts; /* exclusive: the one option; ask-if: the options that ask it */
	size_t nopts, opts_alloc;
};

struct crosscheck {
	struct cc_rule *rules;
	size_t n, cap;
};

void crosscheck_free(struct crosscheck *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct cc_rule *r = &c->rules[i];

		for (size_t k = 0; k < r->nopts; k++) {
			free(r->opts[k].code);
			free(r->opts[k].label);
		}
		free(r->opts);
		free(r->code);
		free(r->on_code);
		free(r->on_text);
	}
	free(c->rules);
	free(c);
}

size_t crosscheck_count(const struct crosscheck *c)
{
	return c ? c->n : 0;
}

static char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return strdup(s ? s : "");
}

/* The rule for (kind, question), made when it is not the last one. NULL out of memory. */
static struct cc_rule *rule_for(struct crosscheck *c, enum crosscheck_rule kind, long long qid,
				int fresh)
{
	struct cc_rule *r;

	if (!fresh && c->n && c->rules[c->n - 1].kind == kind &&
	    c->rules[c->n - 1].question_id == qid)
		return &c->rules[c->n - 1];
	if (ALLOC_GROW(c->rules, c->n + 1, c->cap) < 0)
		return NULL;
	r = &c->rules[c->n++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->question_id = qid;
	return r;
}

static int add_option(struct cc_rule *r, sqlite3_stmt *st, int at)
{
	struct cc_option *more;

	if (ALLOC_GROW(r->opts, r->nopts + 1, r->opts_alloc) < 0)
		return -1;
	more = r->opts;
	more[r->nopts].id = sqlite3_column_int64(st, at);
	more[r->nopts].code = col(st, at + 1);
	more[r->nopts].label = col(st, at + 2);
	r->nopts++;
	return more[r->nopts - 1].code && more[r->nopts - 1].label ? 0 : -1;
}

struct crosscheck *crosscheck_load(sqlite3 *db, long long exercise_id, struct err *e)
{
	static const char *const sql[2] = {
		/* Exclusive options, each a rule of its own. */
		"SELECT q.id, q.code, 0, '', '', o.id, o.code, o.label FROM question_option o "
		"JOIN question q ON q.id = o.question_id JOIN questionnaire n ON "
		"n.id = q.questionnaire_id WHERE n.exercise_id = ?1 AND n.variant = 'standard' "
		"AND o.exclusive = 1 ORDER BY q.position, o.position",
		/* Skip rules: a rule per asked question, with the options that ask it. */
		"SELECT q.id, q.code, c.id, c.code, c.text, o.id, o.code, o.label FROM "
		"question_ask_if a JOIN question q ON q.id = a.question_id JOIN question_option o "
		"ON o.id = a.option_id JOIN question c ON c.id = o.question_id JOIN questionnaire n "
		"ON n.id = q.questionnaire_id WHERE n.exercise_id = ?1 ORDER BY q.position, "
		"o.position",
	};
	struct crosscheck *c = calloc(1, sizeof *c);

	if (!c) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *st = db_prepare(db, sql[k], e);
		int rc;

		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, exercise_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			enum crosscheck_rule kind = k ? CROSS_ASK_IF : CROSS_EXCLUSIVE;
			struct cc_rule *r = rule_for(c, kind, sqlite3_column_int64(st, 0),
						     kind == CROSS_EXCLUSIVE);

			if (!r)
				break;
			if (!r->code) {
				r->code = col(st, 1);
				r->on_id = sqlite3_column_int64(st, 2);
				r->on_code = col(st, 3);
				r->on_text = col(st, 4);
				if (!r->code || !r->on_code || !r->on_text)
					break;
			}
			if (add_option(r, st, 5) < 0)
				break;
		}
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW) {
			err_set(e, EXIT_SYSTEM, "out of memory reading the cross-field checks");
			goto fail;
		}
		if (rc != SQLITE_DONE) {
			db_fail(db, "reading the cross-field checks", e);
			goto fail;
		}
	}
	return c;
fail:
	crosscheck_free(c);
	return NULL;
}

static int answered(const struct stored_answer *a)
{
	return !a->state || !strcmp(a->state, "answered");
}

/* The options of rule r's asking question as "\"Yes\"" or "\"Yes\" or \"Often\"". */
static void option_words(const struct cc_rule *r, int codes, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < r->nopts && used < cap; k++) {
		int w = snprintf(buf + used, cap - used, "%s%s%s%s", k ? " or " : "",
				 codes ? "'" : "\"", codes ? r->opts[k].code : r->opts[k].label,
				 codes ? "'" : "\"");

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

size_t crosscheck_answers(const struct crosscheck *c, const struct stored_answer *rows, size_t n,
			  struct crosscheck_problem *out, size_t cap)
{
	size_t found = 0;

	for (size_t i = 0; c && i < c->n; i++) {
		const struct cc_rule *r = &c->rules[i];
		const struct stored_answer *at = NULL;
		size_t ticked = 0, hit = 0, on_ticked = 0, on_hit = 0;
		struct crosscheck_problem *p;
		char words[CROSSCHECK_WHY_MAX / 2];

		for (size_t j = 0; j < n; j++) {
			const struct stored_answer *a = &rows[j];

			if (a->question_id == r->question_id && answered(a)) {
				if (!at)
					at = a;
				if (a->option_id) {
					ticked++;
					hit += r->kind == CROSS_EXCLUSIVE && a->option_id == r->opts[0].id;
				}
			}
			if (r->kind == CROSS_ASK_IF && a->question_id == r->on_id && answered(a) &&
			    a->option_id) {
				on_ticked++;
				for (size_t k = 0; k < r->nopts; k++)
					on_hit += a->option_id == r->opts[k].id;
			}
		}
		if (!at)
			continue;
		if (r->kind == CROSS_EXCLUSIVE ? !(hit && ticked > 1) : !(on_ticked && !on_hit))
			continue;
		/* One problem per question: a second rule broken there waits for the first. */
		for (size_t k = 0; k < found && k < cap; k++)
			if (out[k].question_id == r->question_id)
				goto next;
		if (found++ >= cap)
			continue;
		p = &out[found - 1];
		p->question_id = r->question_id;
		p->source_question_id = at->source_question_id;
		p->rule = r->kind;
		if (r->kind == CROSS_EXCLUSIVE) {
			snprintf(p->why, sizeof p->why, "\"%s\" is ticked with another answer, but it "
				 "can only be ticked on its own. Untick one of them.",
				 r->opts[0].label);
			snprintf(p->where, sizeof p->where, "question '%s': option '%s' is ticked "
				 "with another option, but it is exclusive (ticked on its own only)",
				 r->code, r->opts[0].code);
		} else {
			option_words(r, 0, words, sizeof words);
			/* A long question's words may be cut: the rule is still said. */
			if (snprintf(p->why, sizeof p->why, "This question is only for people "
				     "who answered %s to \"%s\", and that answer is different. "
				     "Leave this one empty, or change that answer.", words,
				     r->on_text) >= (int)sizeof p->why)
				snprintf(p->why, sizeof p->why, "This question is only for people "
					 "who answered %s to question '%s', and that answer is "
					 "different. Leave this one empty, or change that answer.",
					 words, r->on_code);
			option_words(r, 1, words, sizeof words);
			snprintf(p->where, sizeof p->where, "question '%s' is answered, but it is "
				 "asked only when '%s' is %s, and '%s' has another answer",
				 r->code, r->on_code, words, r->on_code);
		}
next:;
	}
	return found;
}
