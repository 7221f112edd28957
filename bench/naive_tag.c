/*
 * naive_tag: the straightforward baseline for the tagging benchmark.
 *
 * usage: naive_tag [--prefilter | --stats] DB RULES OUT.tsv
 *
 * Reads every free-text answer of DB in id order and runs every pattern of
 * RULES on it with pcre2_match(): all includes of every theme that applies
 * to the answer's question (the first that matches gives the rule and the
 * span), then all its excludes. Patterns are loaded, compiled and
 * JIT-compiled exactly as the analyser does (rules_load()), answers are
 * checked for UTF-8 once, and one thread does the work: this is what
 * tagging costs without a prefilter. Writes one line per tag, "answer_id
 * TAB theme TAB rule TAB start TAB end", as bench/py_tag.py does, so the
 * three results can be compared.
 *
 * The rule language's conditions and groups are done here the plain way
 * too, apart from rules.c: a theme's <when>/<unless> by querying the
 * response's answers to that question, a pattern's questions by comparing
 * codes, and in a single-label group the first theme (in file order) with
 * a tag keeps it, or else the group's fallback gets the whole answer.
 *
 * With --prefilter the same loop lets the prefilter (analyser/prefilter.h)
 * choose the patterns, as `analyser tag` does but in one thread and without
 * the database writes: the cost of the matching alone, to set beside the
 * naive loop's. --stats is --prefilter that also says on stderr, per
 * answer, how many pieces were found, includes tried, of those how many
 * did not match (the prefilter's false hits), excludes tried and PCRE2
 * calls, and which includes take longest (timing each slows the run).
 */
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "db.h"
#include "prefilter.h"
#include "rules.h"
#include "utf8.h"

/*
 * The response's answers to each question the set's <when>s look at, into
 * values[k] (RULE_VALUE_SEP between them, NULL for none) in `buf`.
 */
static void other_answers(const struct ruleset *rs, sqlite3_stmt *other, long long rid,
			  const char **values, char *buf, size_t cap)
{
	size_t used = 0;

	for (size_t k = 0; k < rs->nwhen_questions; k++) {
		values[k] = NULL;
		sqlite3_reset(other);
		sqlite3_bind_int64(other, 1, rid);
		sqlite3_bind_text(other, 2, rs->when_questions[k], -1, SQLITE_STATIC);
		while (sqlite3_step(other) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(other, 0);
			size_t n = v ? strlen(v) : 0;

			if (!v || used + n + 2 > cap)
				continue;
			if (values[k])
				buf[used - 1] = RULE_VALUE_SEP; /* joined to the one before */
			else
				values[k] = buf + used;
			memcpy(buf + used, v, n + 1);
			used += n + 1;
		}
	}
}

/* The prefiltered loop's tags of one answer, written like the naive ones. */
static void fast(const struct ruleset *rs, const struct prefilter *pf,
		 struct prefilter_scratch *s, struct rule_tag *tags, sqlite3_stmt *other,
		 long long id, long long rid, const char *text, size_t len, const char *question,
		 FILE *out)
{
	const char *values[RULES_MAX_WHEN];
	char buf[8192];
	struct rule_context c = { question, values };
	int n;

	other_answers(rs, other, rid, values, buf, sizeof buf);
	n = prefilter_tag_in(pf, s, text, len, &c, tags);

	for (int k = 0; k < n; k++)
		if (tags[k].result == RULE_MATCH)
			fprintf(out, "%lld\t%s\t%s\t%zu\t%zu\n", id, rs->themes[tags[k].theme].code,
				tags[k].hit.rule->id, tags[k].hit.start, tags[k].hit.end);
}

/* Compares include numbers by time, most first. */
static const unsigned long long *by_time;

static int most_time(const void *a, const void *b)
{
	unsigned long long x = by_time[*(const size_t *)a], y = by_time[*(const size_t *)b];

	return x < y ? 1 : x > y ? -1 : 0;
}

static void print_stats(const struct ruleset *rs, const struct prefilter_stats *st)
{
	double n = st->answers ? (double)st->answers : 1;
	const struct rule_pattern **inc = calloc(rs->nincludes + 1, sizeof *inc);
	size_t *order = calloc(rs->nincludes + 1, sizeof *order), g = 0;

	fprintf(stderr, "%llu answers, %llu given every pattern; per answer %.2f pieces found, "
			"%.2f conditions checked, %.3f PCRE2 calls, %.3f tries settled without PCRE2\n",
		st->answers, st->every, (double)st->pieces / n, (double)st->checks / n,
		(double)st->calls / n, (double)st->literal / n);
	fprintf(stderr, "per answer: %.3f includes tried (%.3f slow) in %.0f ns, %.3f of them "
			"without a match in %.0f ns; %.3f excludes tried, %.3f with a match, "
			"%.0f ns\n",
		(double)st->includes / n, (double)st->slow / n, (double)st->ns_includes / n,
		(double)st->missed / n, (double)st->ns_missed / n, (double)st->excludes / n,
		(double)st->excluded / n, (double)st->ns_excludes / n);
	if (!inc || !order)
		goto out;
	for (size_t t = 0; t < rs->nthemes; t++)
		for (size_t i = 0; i < rs->themes[t].nincludes; i++, g++) {
			inc[g] = &rs->themes[t].includes[i];
			order[g] = g;
		}
	by_time = st->ns;
	qsort(order, rs->nincludes, sizeof *order, most_time);
	fprintf(stderr, "the includes that take longest (per 1000 answers: tries, misses, "
			"microseconds):\n");
	for (size_t k = 0; k < rs->nincludes && k < 25 && st->ns[order[k]]; k++)
		fprintf(stderr, "%8.1f %8.1f %8.1f  %s  %.80s\n",
			1000.0 * (double)st->runs[order[k]] / n,
			1000.0 * (double)st->misses[order[k]] / n, (double)st->ns[order[k]] / n,
			inc[order[k]]->id, inc[order[k]]->source);
out:
	free(inc);
	free(order);
}

/* Whether `code` is one of the `n` codes of `v` (NULL: any). */
static int listed(char *const *v, size_t n, const char *code)
{
	if (!v)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], code))
			return 1;
	return 0;
}

/* Whether theme `t` applies to an answer to `question` in response `rid`. */
static int applies(const struct rule_theme *t, sqlite3_stmt *other, long long rid,
		   const char *question)
{
	if (!listed(t->questions, t->nquestions, question))
		return 0;
	for (size_t i = 0; i < t->nwhen; i++) {
		const struct rule_when *w = &t->when[i];
		int found = 0;

		sqlite3_reset(other);
		sqlite3_bind_int64(other, 1, rid);
		sqlite3_bind_text(other, 2, w->question, -1, SQLITE_STATIC);
		while (!found && sqlite3_step(other) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(other, 0);

			found = !w->values || (v && listed(w->values, w->nvalues, v));
		}
		if (found == w->negate)
			return 0;
	}
	return 1;
}

struct found {
	const struct rule_pattern *rule;
	size_t start, end;
};

/* The naive loop's tags of one answer: every pattern of every theme that applies. */
static void naive(const struct ruleset *rs, pcre2_match_data *md, sqlite3_stmt *other,
		  struct found *got, long long id, long long rid, const char *text, size_t len,
		  const char *question, FILE *out)
{
	if (!utf8_check(text, len, NULL))
		return;
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		const struct rule_pattern *hit = NULL;
		PCRE2_SIZE start = 0, end = 0;
		int excluded = 0;

		got[i].rule = NULL;
		if (t->otherwise && applies(t, other, rid, question)) {
			got[i].rule = &t->fallback; /* for now: unless the group has a tag */
			got[i].end = len;
			got[i].start = 0;
		}
		if (!t->nincludes || !applies(t, other, rid, question))
			continue;
		for (size_t k = 0; k < t->nincludes; k++) {
			int r;

			if (!listed(t->includes[k].questions, t->includes[k].nquestions, question))
				continue;
			r = pcre2_match(t->includes[k].code, (PCRE2_SPTR)text, len, 0,
					PCRE2_NO_UTF_CHECK, md, rs->mctx);

			/* 0 is a match whose groups did not fit the one-pair ovector:
			   the whole match's span is still there. */
			if (r >= 0 && !hit) {
				hit = &t->includes[k];
				start = pcre2_get_ovector_pointer(md)[0];
				end = pcre2_get_ovector_pointer(md)[1];
			}
		}
		for (size_t k = 0; k < t->nexcludes; k++)
			if (listed(t->excludes[k].questions, t->excludes[k].nquestions, question) &&
			    pcre2_match(t->excludes[k].code, (PCRE2_SPTR)text, len, 0,
					PCRE2_NO_UTF_CHECK, md, rs->mctx) != PCRE2_ERROR_NOMATCH)
				excluded = 1; /* a match, or a pattern that gave up */
		if (hit && !excluded)
			got[i] = (struct found){ hit, start, end };
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		int first = 1;

		if (!got[i].rule)
			continue;
		/* In a group, only the first theme with a tag; a fallback only when none has one. */
		for (size_t j = 0; j < rs->nthemes && t->group; j++)
			if (j != i && rs->themes[j].group && !strcmp(rs->themes[j].group, t->group) &&
			    got[j].rule && !rs->themes[j].otherwise && (j < i || t->otherwise))
				first = 0;
		if (first)
			fprintf(out, "%lld\t%s\t%s\t%zu\t%zu\n", id, t->code, got[i].rule->id,
				got[i].start, got[i].end);
	}
}

int main(int argc, char **argv)
{
	struct err e;
	struct ruleset *rs = NULL;
	struct prefilter *pf = NULL;
	struct prefilter_scratch *s = NULL;
	struct rule_tag *tags = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *other = NULL;
	pcre2_match_data *md = NULL;
	struct found *got = NULL;
	FILE *out = NULL;
	struct prefilter_stats stats = { 0 };
	int rc, counting = argc == 5 && !strcmp(argv[1], "--stats");
	int prefiltered = argc == 5 && (counting || !strcmp(argv[1], "--prefilter"));

	argv += prefiltered;
	argc -= prefiltered;
	if (argc != 4) {
		fprintf(stderr, "usage: naive_tag [--prefilter | --stats] DB RULES OUT.tsv\n");
		return EXIT_USAGE;
	}
	err_init(&e);
	if (!(rs = rules_load(argv[2], &e)) || !(db = db_open(argv[1], DB_MUST_EXIST, NULL, &e)))
		goto out;
	if (prefiltered && (!(pf = prefilter_build(rs, &e)) || !(s = prefilter_scratch_new(pf, &e)) ||
			    !(tags = calloc(rs->nthemes + 1, sizeof *tags)))) {
		err_set(&e, EXIT_SYSTEM, "cannot set up the prefilter");
		goto out;
	}
	if (counting) {
		stats.runs = calloc(rs->nincludes + 1, sizeof *stats.runs);
		stats.misses = calloc(rs->nincludes + 1, sizeof *stats.misses);
		stats.ns = calloc(rs->nincludes + 1, sizeof *stats.ns);
		if (!stats.runs || !stats.misses || !stats.ns) {
			err_set(&e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		prefilter_scratch_count(s, &stats);
	}
	if (!(md = pcre2_match_data_create(1, NULL)) || !(got = calloc(rs->nthemes + 1, sizeof *got))) {
		err_set(&e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (!(out = fopen(argv[3], "w"))) {
		err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
		goto out;
	}
	st = db_prepare(db, "SELECT a.id, a.value, q.code, a.response_id FROM answer a "
			    "CROSS JOIN question q WHERE q.id = a.question_id AND q.type = 'free-text' "
			    "AND a.value IS NOT NULL ORDER BY a.id", &e);
	/* Another answer of the response, as a choice's option code or as given. */
	other = st ? db_prepare(db, "SELECT CASE WHEN a.option_id IS NULL THEN a.value ELSE "
				    "(SELECT code FROM question_option WHERE id = a.option_id) END "
				    "FROM answer a, question q WHERE a.response_id = ?1 AND "
				    "q.id = a.question_id AND q.code = ?2 AND a.state = 'answered'", &e)
		   : NULL;
	if (!st || !other)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *text = (const char *)sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		const char *question = (const char *)sqlite3_column_text(st, 2);

		if (prefiltered)
			fast(rs, pf, s, tags, other, id, sqlite3_column_int64(st, 3), text ? text : "",
			     len, question, out);
		else
			naive(rs, md, other, got, id, sqlite3_column_int64(st, 3), text ? text : "", len,
			      question, out);
	}
	if (rc != SQLITE_DONE)
		db_fail(db, "reading the answers", &e);
	else if (counting)
		print_stats(rs, &stats);
out:
	if (out && fclose(out) != 0)
		err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
	sqlite3_finalize(st);
	sqlite3_finalize(other);
	free(got);
	pcre2_match_data_free(md);
	db_close(db, &e);
	free(tags);
	free(stats.runs);
	free(stats.misses);
	free(stats.ns);
	prefilter_scratch_free(s);
	prefilter_free(pf);
	ruleset_free(rs);
	return err_print(&e, "naive_tag");
}
