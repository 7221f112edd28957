/*
 * naive_tag: the straightforward baseline for the tagging benchmark.
 *
 * usage: naive_tag [--prefilter] DB RULES OUT.tsv
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
 * With --prefilter the same loop lets the prefilter (analyser/prefilter.h)
 * choose the patterns, as `analyser tag` does but in one thread and without
 * the database writes: the cost of the matching alone, to set beside the
 * naive loop's.
 */
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "db.h"
#include "prefilter.h"
#include "rules.h"
#include "utf8.h"

/* The prefiltered loop's tags of one answer, written like the naive ones. */
static void fast(const struct ruleset *rs, const struct prefilter *pf,
		 struct prefilter_scratch *s, struct rule_tag *tags, long long id, const char *text,
		 size_t len, const char *question, FILE *out)
{
	int n = prefilter_tag(pf, s, text, len, question, tags);

	for (int k = 0; k < n; k++)
		if (tags[k].result == RULE_MATCH)
			fprintf(out, "%lld\t%s\t%s\t%zu\t%zu\n", id, rs->themes[tags[k].theme].code,
				tags[k].hit.rule->id, tags[k].hit.start, tags[k].hit.end);
}

/* The naive loop's tags of one answer: every pattern of every theme that applies. */
static void naive(const struct ruleset *rs, pcre2_match_data *md, long long id, const char *text,
		  size_t len, const char *question, FILE *out)
{
	if (!utf8_check(text, len, NULL))
		return;
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		const struct rule_pattern *hit = NULL;
		PCRE2_SIZE start = 0, end = 0;
		int excluded = 0;

		if (!t->nincludes || !rules_applies(t, question))
			continue;
		for (size_t k = 0; k < t->nincludes; k++) {
			int r = pcre2_match(t->includes[k].code, (PCRE2_SPTR)text, len, 0,
					    PCRE2_NO_UTF_CHECK, md, rs->mctx);

			if (r > 0 && !hit) {
				hit = &t->includes[k];
				start = pcre2_get_ovector_pointer(md)[0];
				end = pcre2_get_ovector_pointer(md)[1];
			}
		}
		for (size_t k = 0; k < t->nexcludes; k++)
			if (pcre2_match(t->excludes[k].code, (PCRE2_SPTR)text, len, 0,
					PCRE2_NO_UTF_CHECK, md, rs->mctx) != PCRE2_ERROR_NOMATCH)
				excluded = 1; /* a match, or a pattern that gave up */
		if (hit && !excluded)
			fprintf(out, "%lld\t%s\t%s\t%zu\t%zu\n", id, t->code, hit->id, (size_t)start,
				(size_t)end);
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
	sqlite3_stmt *st = NULL;
	pcre2_match_data *md = NULL;
	FILE *out = NULL;
	int rc, prefiltered = argc == 5 && !strcmp(argv[1], "--prefilter");

	argv += prefiltered;
	argc -= prefiltered;
	if (argc != 4) {
		fprintf(stderr, "usage: naive_tag [--prefilter] DB RULES OUT.tsv\n");
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
	if (!(md = pcre2_match_data_create(1, NULL))) {
		err_set(&e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (!(out = fopen(argv[3], "w"))) {
		err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
		goto out;
	}
	st = db_prepare(db, "SELECT a.id, a.value, q.code FROM answer a CROSS JOIN question q "
			    "WHERE q.id = a.question_id AND q.type = 'free-text' "
			    "AND a.value IS NOT NULL ORDER BY a.id", &e);
	if (!st)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *text = (const char *)sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		const char *question = (const char *)sqlite3_column_text(st, 2);

		if (prefiltered)
			fast(rs, pf, s, tags, id, text ? text : "", len, question, out);
		else
			naive(rs, md, id, text ? text : "", len, question, out);
	}
	if (rc != SQLITE_DONE)
		db_fail(db, "reading the answers", &e);
out:
	if (out && fclose(out) != 0)
		err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
	sqlite3_finalize(st);
	pcre2_match_data_free(md);
	db_close(db, &e);
	free(tags);
	prefilter_scratch_free(s);
	prefilter_free(pf);
	ruleset_free(rs);
	return err_print(&e, "naive_tag");
}
