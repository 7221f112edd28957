/*
 * naive_tag: the straightforward baseline for the tagging benchmark.
 *
 * usage: naive_tag [--prefilter | --read | --scan] [--threads N] DB RULES OUT.tsv
 *        naive_tag --stats DB RULES OUT.tsv
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
 * naive loop's. With --threads N (1 to 8; default 1) the answers are
 * split by id into N ranges, each read through its own connection and
 * matched by its own thread, and the tags written in id order as one
 * thread would: the matching alone on N cores. The floors under it:
 * --read only reads the answers and checks their UTF-8 (SQLite's part),
 * --scan also runs the prefilter's Vectorscan pass over each and does
 * nothing with what it finds (both write no tags). --stats is --prefilter that also says on stderr, per
 * answer, how many pieces were found, includes tried, of those how many
 * did not match (the prefilter's false hits), excludes tried and PCRE2
 * calls, and which includes take longest (timing each slows the run).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "free_text.h"
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

/* Puts `v` in decimal at `p`; returns the end. */
static char *put_num(char *p, unsigned long long v)
{
	char tmp[24];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * One tag line, "id TAB theme TAB rule TAB start TAB end", as
 * fprintf("%lld\t%s\t%s\t%zu\t%zu\n") would write it but without
 * parsing a format for each of millions of lines (a tenth of the
 * prefiltered loop's time went there).
 */
static void put_tag(FILE *out, long long id, const char *theme, const char *rule, size_t start,
		    size_t end)
{
	size_t nt = strlen(theme), nr = strlen(rule);
	char buf[128], *p = buf;

	if (id < 0 || nt + nr > sizeof buf - 80) {
		fprintf(out, "%lld\t%s\t%s\t%zu\t%zu\n", id, theme, rule, start, end);
		return;
	}
	p = put_num(p, (unsigned long long)id);
	*p++ = '\t';
	memcpy(p, theme, nt);
	p += nt;
	*p++ = '\t';
	memcpy(p, rule, nr);
	p += nr;
	*p++ = '\t';
	p = put_num(p, start);
	*p++ = '\t';
	p = put_num(p, end);
	*p++ = '\n';
	fwrite(buf, 1, (size_t)(p - buf), out);
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
			put_tag(out, id, rs->themes[tags[k].theme].code, tags[k].hit.rule->id,
				tags[k].hit.start, tags[k].hit.end);
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
			put_tag(out, id, t->code, got[i].rule->id, got[i].start, got[i].end);
	}
}

#define MAX_PARTS 8

/* One range of answers ids, read and matched by one thread (--threads). */
struct part {
	const char *path;
	const struct ruleset *rs;
	const struct prefilter *pf;
	int floor;            /* 'r' only read, 's' read and scan, 0 tag */
	long long lo, hi;     /* the answers with ids in [lo, hi] */
	FILE *out;            /* its tags: the output file, or a temporary one */
	struct prefilter_stats *stats; /* NULL: not counting */
	struct err e;
};

/* The answers, in id order: this part's, or with `pf` NULL every one the naive way. */
static void *run_part(void *arg)
{
	struct part *p = arg;
	const struct ruleset *rs = p->rs;
	struct prefilter_scratch *s = NULL;
	struct rule_tag *tags = NULL;
	struct found *got = NULL;
	pcre2_match_data *md = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *other = NULL;
	struct free_text ft = { 0 };
	int rc;

	if (!(db = db_open(p->path, DB_MUST_EXIST, NULL, &p->e)))
		goto out;
	if (p->pf && (!(s = prefilter_scratch_new(p->pf, &p->e)) ||
		      !(tags = calloc(rs->nthemes + 1, sizeof *tags)))) {
		err_set(&p->e, EXIT_SYSTEM, "cannot set up the prefilter");
		goto out;
	}
	if (s && p->stats)
		prefilter_scratch_count(s, p->stats);
	if (!(md = pcre2_match_data_create(1, NULL)) || !(got = calloc(rs->nthemes + 1, sizeof *got))) {
		err_set(&p->e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	/* As analyser tag reads them: no join, the question's code from a list. */
	if (free_text_load(db, &ft, &p->e) < 0)
		goto out;
	st = db_prepare(db, "SELECT a.id, a.value, a.question_id, a.response_id FROM answer a "
			    "WHERE " FREE_TEXT_ANSWER " AND a.value IS NOT NULL "
			    "AND a.id BETWEEN ?1 AND ?2 ORDER BY a.id", &p->e);
	/* Another answer of the response, as a choice's option code or as given. */
	other = st ? db_prepare(db, "SELECT CASE WHEN a.option_id IS NULL THEN a.value ELSE "
				    "(SELECT code FROM question_option WHERE id = a.option_id) END "
				    "FROM answer a, question q WHERE a.response_id = ?1 AND "
				    "q.id = a.question_id AND q.code = ?2 AND a.state = 'answered'", &p->e)
		   : NULL;
	if (!st || !other)
		goto out;
	sqlite3_bind_int64(st, 1, p->lo);
	sqlite3_bind_int64(st, 2, p->hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *text = (const char *)sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		const char *question = free_text_code(&ft, sqlite3_column_int64(st, 2));

		if (p->floor) {
			if (utf8_check(text ? text : "", len, NULL) && p->floor == 's' &&
			    prefilter_scan_only(p->pf, s, text ? text : "", len) < 0) {
				err_set(&p->e, EXIT_SYSTEM, "the scan failed");
				break;
			}
		} else if (s)
			fast(rs, p->pf, s, tags, other, id, sqlite3_column_int64(st, 3),
			     text ? text : "", len, question, p->out);
		else
			naive(rs, md, other, got, id, sqlite3_column_int64(st, 3), text ? text : "", len,
			      question, p->out);
	}
	if (rc != SQLITE_DONE)
		db_fail(db, "reading the answers", &p->e);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(other);
	free_text_release(&ft);
	db_close(db, &p->e);
	free(got);
	pcre2_match_data_free(md);
	free(tags);
	prefilter_scratch_free(s);
	return NULL;
}

/* Appends temporary file `from` to `to`; 0 or -1. */
static int append(FILE *to, FILE *from)
{
	char buf[65536];
	size_t n;

	rewind(from);
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct err e;
	struct ruleset *rs = NULL;
	struct prefilter *pf = NULL;
	sqlite3 *db = NULL;
	FILE *out = NULL;
	struct prefilter_stats stats = { 0 };
	struct part part[MAX_PARTS];
	pthread_t tid[MAX_PARTS];
	int counting = 0, prefiltered = 0, nparts = 1, started = 0, floor = 0;
	long long lo = 0, hi = 0;

	for (; argc > 1 && !strncmp(argv[1], "--", 2); argc--, argv++) {
		if (!strcmp(argv[1], "--stats"))
			counting = prefiltered = 1;
		else if (!strcmp(argv[1], "--prefilter"))
			prefiltered = 1;
		else if (!strcmp(argv[1], "--read") || !strcmp(argv[1], "--scan"))
			prefiltered = floor = argv[1][2];
		else if (!strcmp(argv[1], "--threads") && argc > 2 && atoi(argv[2]) >= 1 &&
			 atoi(argv[2]) <= MAX_PARTS) {
			nparts = atoi(argv[2]);
			argc--, argv++;
		} else {
			argc = 0;
		}
	}
	if (argc != 4 || (nparts > 1 && (!prefiltered || counting))) {
		fprintf(stderr, "usage: naive_tag [--prefilter | --read | --scan] [--threads N] "
				"DB RULES OUT.tsv\n       naive_tag --stats DB RULES OUT.tsv\n");
		return EXIT_USAGE;
	}
	err_init(&e);
	memset(part, 0, sizeof part);
	if (!(rs = rules_load(argv[2], &e)) || !(db = db_open(argv[1], DB_MUST_EXIST, NULL, &e)))
		goto out;
	if (prefiltered && !(pf = prefilter_build(rs, &e)))
		goto out;
	if (counting) {
		stats.runs = calloc(rs->nincludes + 1, sizeof *stats.runs);
		stats.misses = calloc(rs->nincludes + 1, sizeof *stats.misses);
		stats.ns = calloc(rs->nincludes + 1, sizeof *stats.ns);
		if (!stats.runs || !stats.misses || !stats.ns) {
			err_set(&e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
	}
	if (!(out = fopen(argv[3], "w"))) {
		err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
		goto out;
	}
	/* Ranges of ids of about as many answers each (ids are spread evenly). */
	if (db_int(db, "SELECT coalesce(min(id), 0) FROM answer", 0, &lo, &e, 0) < 0 ||
	    db_int(db, "SELECT coalesce(max(id), 0) FROM answer", 0, &hi, &e, 0) < 0)
		goto out;
	for (int k = 0; k < nparts; k++) {
		struct part *p = &part[k];

		*p = (struct part){ argv[1], rs, pf, floor, lo + (hi - lo + 1) * k / nparts,
				    lo + (hi - lo + 1) * (k + 1) / nparts - 1, k ? tmpfile() : out,
				    counting ? &stats : NULL, { 0 } };
		err_init(&p->e);
		if (!p->out) {
			err_set(&e, EXIT_SYSTEM, "cannot make a temporary file");
			goto out;
		}
	}
	part[nparts - 1].hi = hi;
	for (; started < nparts; started++)
		if (started && pthread_create(&tid[started], NULL, run_part, &part[started])) {
			err_set(&e, EXIT_SYSTEM, "cannot start a thread");
			break;
		}
	run_part(&part[0]);
	for (int k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
	for (int k = 0; k < nparts && !e.code; k++)
		if (part[k].e.code)
			e = part[k].e;
	for (int k = 1; k < nparts && !e.code; k++)
		if (append(out, part[k].out) < 0)
			err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
	if (counting && !e.code)
		print_stats(rs, &stats);
out:
	for (int k = 1; k < nparts; k++)
		if (part[k].out)
			fclose(part[k].out);
	if (out && fclose(out) != 0)
		err_set(&e, EXIT_SYSTEM, "cannot write %s", argv[3]);
	db_close(db, &e);
	free(stats.runs);
	free(stats.misses);
	free(stats.ns);
	prefilter_free(pf);
	ruleset_free(rs);
	return err_print(&e, "naive_tag");
}
