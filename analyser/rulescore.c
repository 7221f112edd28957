/*
 * rulescore.c: each include, exclude and alternative of a rule set against
 * a hand-coded sample. The arithmetic first (score_group), then matching
 * the coded responses' answers, then the report.
 */
#include "rulescore.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "eval.h"
#include "pattern_alt.h"
#include "rules_when_db.h"
#include "strbuf.h"

/* ---- arithmetic ---------------------------------------------------------- */

void score_group(const unsigned char *hits, size_t nunits, size_t nresp,
		 const unsigned char *right, const unsigned char *other,
		 struct score_counts *out)
{
	for (size_t u = 0; u < nunits; u++)
		memset(&out[u], 0, sizeof out[u]);
	for (size_t r = 0; r < nresp; r++) {
		size_t firing = 0, last = 0;

		for (size_t u = 0; u < nunits; u++) {
			if (!hits[u * nresp + r])
				continue;
			firing++;
			last = u;
			out[u].matched++;
			if (right[r])
				out[u].tp++;
			else
				out[u].fp++;
		}
		if (firing == 1 && !(other && other[r])) {
			if (right[r])
				out[last].only_tp++;
			else
				out[last].only_fp++;
		}
	}
}

long score_gain(const struct score_counts *c)
{
	return c->only_fp - c->only_tp;
}

/* ---- matching ------------------------------------------------------------ */

void score_report_free(struct score_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nunits; i++) {
		free(r->units[i].source);
		pcre2_code_free(r->units[i].code);
	}
	free(r->units);
	free(r);
}

static int add_unit(struct score_report *r, size_t theme, enum score_kind kind,
		    const struct rule_pattern *pat, size_t alt, size_t nalts, const char *source,
		    pcre2_code *code)
{
	struct score_unit *u;

	if (ALLOC_GROW(r->units, r->nunits + 1, r->units_alloc) < 0)
		return -1;
	u = r->units + r->nunits;
	memset(u, 0, sizeof *u);
	u->theme = theme;
	u->kind = kind;
	u->pat = pat;
	u->alt = alt;
	u->nalts = nalts;
	u->code = code;
	u->order = r->nunits;
	if (!(u->source = strdup(source)))
		return -1;
	r->nunits++;
	return 0;
}

/*
 * The pattern, then its alternatives when it has more than one and each
 * compiles on its own (one that needs another, such as a back reference
 * into a group of another alternative, keeps the pattern whole).
 */
static int add_pattern(struct score_report *r, size_t theme, const struct rule_pattern *pat,
		       int exclude)
{
	char **alts;
	size_t n;
	pcre2_code **codes;
	int ok = 0;

	if (add_unit(r, theme, exclude ? SCORE_EXCLUDE : SCORE_INCLUDE, pat, 0, 0, pat->source,
		     NULL) < 0 || pattern_alternatives(pat->source, &alts, &n) < 0)
		return -1;
	if (n < 2) {
		pattern_alt_free(alts, n);
		return 0;
	}
	if (!(codes = calloc(n, sizeof *codes))) {
		pattern_alt_free(alts, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int errcode;
		PCRE2_SIZE off;

		codes[i] = pcre2_compile((PCRE2_SPTR)alts[i], PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_UCP |
					 (pat->caseless ? PCRE2_CASELESS : 0), &errcode, &off, NULL);
		if (!codes[i])
			goto whole;
		pcre2_jit_compile(codes[i], PCRE2_JIT_COMPLETE);
	}
	for (size_t i = 0; i < n; i++) {
		if (add_unit(r, theme, exclude ? SCORE_EXCLUDE_ALT : SCORE_INCLUDE_ALT, pat, i + 1, n,
			     alts[i], codes[i]) < 0) {
			/* The unit that failed did not take its code. */
			ok = -1;
			for (size_t k = i; k < n; k++)
				pcre2_code_free(codes[k]);
			break;
		}
		codes[i] = NULL;
	}
	free(codes);
	pattern_alt_free(alts, n);
	return ok;
whole:
	for (size_t i = 0; i < n; i++)
		pcre2_code_free(codes[i]);
	free(codes);
	pattern_alt_free(alts, n);
	return 0;
}

/* Whether theme t is `top` or under it. */
static int under(const struct ruleset *rs, int t, int top)
{
	for (; t >= 0; t = rs->themes[t].parent)
		if (t == top)
			return 1;
	return 0;
}

/* Whether unit u matches an answer to question q: a pattern limited to some
 * questions (questions="...") is tried on those only, as `analyser tag` does. */
static int matches(const struct ruleset *rs, const struct score_unit *u, const char *q,
		   const char *text, size_t len, pcre2_match_data *md)
{
	const pcre2_code *code = u->code ? u->code : rules_pattern_code(u->pat);

	if (!rules_pattern_applies(u->pat, q))
		return 0;
	return code && pcre2_match(code, (PCRE2_SPTR)text, len, 0, 0, md, rs->mctx) >= 0;
}

/* Units [from, to) of one theme: marks in hits (row u, column resp) where each fires. */
static void fire_theme(const struct ruleset *rs, struct score_report *r, size_t from, size_t to,
		       const char *q, const char *text, size_t len, pcre2_match_data *md,
		       unsigned char *hits, size_t resp, size_t nresp, unsigned char *m)
{
	int excluded = 0, included = 0;

	for (size_t u = from; u < to; u++) {
		m[u - from] = (unsigned char)matches(rs, &r->units[u], q, text, len, md);
		if (m[u - from] && r->units[u].kind == SCORE_EXCLUDE)
			excluded = 1;
		if (m[u - from] && r->units[u].kind == SCORE_INCLUDE)
			included = 1;
	}
	for (size_t u = from; u < to; u++) {
		enum score_kind k = r->units[u].kind;
		int inc = k == SCORE_INCLUDE || k == SCORE_INCLUDE_ALT;

		if (m[u - from] && (inc ? !excluded : included))
			hits[u * nresp + resp] = 1;
	}
}

/* Scores one group: units [from, to) of `kind` and `alt_kind` as their alternatives. */
static int score_units(struct score_report *r, const unsigned char *hits, size_t nresp,
		       size_t from, size_t to, int alts, int exclude, const unsigned char *right,
		       const unsigned char *other)
{
	size_t *idx = calloc(to - from + 1, sizeof *idx), n = 0;
	unsigned char *rows = calloc((to - from + 1) * (nresp + 1), 1);
	struct score_counts *c = calloc(to - from + 1, sizeof *c);
	int ok = -1;

	if (!idx || !rows || !c)
		goto out;
	for (size_t u = from; u < to; u++) {
		const struct score_unit *x = &r->units[u];
		int is_exc = x->kind == SCORE_EXCLUDE || x->kind == SCORE_EXCLUDE_ALT;
		int is_alt = x->kind == SCORE_INCLUDE_ALT || x->kind == SCORE_EXCLUDE_ALT;
		/* A whole pattern stands for its only alternative. */
		int whole_single = !is_alt && !(u + 1 < to && r->units[u + 1].pat == x->pat &&
						 (r->units[u + 1].kind == SCORE_INCLUDE_ALT ||
						  r->units[u + 1].kind == SCORE_EXCLUDE_ALT));

		if (is_exc != exclude || (alts ? !(is_alt || whole_single) : is_alt))
			continue;
		memcpy(rows + n * nresp, hits + u * nresp, nresp);
		idx[n++] = u;
	}
	score_group(rows, n, nresp, right, other, c);
	for (size_t k = 0; k < n; k++) {
		const struct score_unit *x = &r->units[idx[k]];
		int is_alt = x->kind == SCORE_INCLUDE_ALT || x->kind == SCORE_EXCLUDE_ALT;

		/* A whole single-alternative pattern keeps its count from the pattern group. */
		if (alts && !is_alt)
			continue;
		r->units[idx[k]].n = c[k];
	}
	ok = 0;
out:
	free(idx);
	free(rows);
	free(c);
	return ok;
}

struct score_report *score_run(sqlite3 *db, long long ex, const struct ruleset *rs,
			       struct csv_reader *gold, const char *gold_name, int part,
			       int parts, const char *theme, struct err *e)
{
	struct score_report *r = calloc(1, sizeof *r);
	struct evaluation *ev = NULL;
	unsigned char *flags = NULL, *hits = NULL, *m = NULL, *right = NULL, *other = NULL;
	unsigned char *tagged = NULL;
	size_t *first = NULL, nresp, maxu = 0;
	pcre2_match_data *md = NULL;
	sqlite3_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	int top = -1, ok = -1;

	if (!r)
		goto oom;
	if (theme && (top = rules_find(rs, theme)) < 0) {
		err_set(e, EXIT_USAGE, "there is no theme '%s' in %s", theme, rs->path);
		goto out;
	}
	/* A condition on a question the exercise lacks is refused, as `analyser tag` refuses it. */
	if (rules_when_check(db, ex, rs, e) < 0 ||
	    !(ev = eval_gold_for_rules(db, ex, gold, gold_name, rs, part, parts, &flags, e)))
		goto out;
	nresp = r->nresponses = ev->nresponses;
	r->left_out = ev->split_left_out;
	if (!(first = calloc(rs->nthemes + 1, sizeof *first)))
		goto oom;
	for (size_t t = 0; t < rs->nthemes; t++) {
		const struct rule_theme *th = &rs->themes[t];

		first[t] = r->nunits;
		if (top >= 0 && !under(rs, (int)t, top))
			continue;
		if (!th->nincludes)
			continue;
		for (size_t i = 0; i < th->nincludes; i++)
			if (add_pattern(r, t, &th->includes[i], 0) < 0)
				goto oom;
		for (size_t i = 0; i < th->nexcludes; i++)
			if (add_pattern(r, t, &th->excludes[i], 1) < 0)
				goto oom;
		if (r->nunits - first[t] > maxu)
			maxu = r->nunits - first[t];
	}
	first[rs->nthemes] = r->nunits;
	if (!(hits = calloc(r->nunits * nresp + 1, 1)) || !(m = calloc(maxu + 1, 1)) ||
	    !(right = calloc(nresp + 1, 1)) || !(other = calloc(nresp + 1, 1)) ||
	    !(tagged = calloc(rs->nthemes * nresp + 1, 1)) ||
	    !(md = pcre2_match_data_create(1, NULL)))
		goto oom;
	/* Each answer with the response's answers its themes' conditions look at,
	   read as `analyser tag` reads them (rules_when_db.h). */
	if (strbuf_addstr(&sql, "SELECT q.code, a.value") < 0 ||
	    rules_when_columns(&sql, rs, 2) < 0 ||
	    strbuf_addstr(&sql, " FROM answer a JOIN question q ON q.id = a.question_id "
			  "WHERE a.response_id = ?1 AND q.type = 'free-text' "
			  "AND a.value IS NOT NULL") < 0)
		goto oom;
	if (!(st = db_prepare(db, sql.buf, e)))
		goto out;
	rules_when_bind(st, rs, 2);
	for (size_t k = 0; k < nresp; k++) {
		int rc;

		sqlite3_bind_int64(st, 1, ev->responses[k].id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *q = (const char *)sqlite3_column_text(st, 0);
			const char *text = (const char *)sqlite3_column_text(st, 1);
			size_t len = (size_t)sqlite3_column_bytes(st, 1);
			const char *values[RULES_MAX_WHEN];
			struct rule_context c = { q ? q : "", rs->nwhen_questions ? values : NULL };

			for (size_t w = 0; w < rs->nwhen_questions; w++)
				values[w] = (const char *)sqlite3_column_text(st, 2 + (int)w);
			for (size_t t = 0; t < rs->nthemes; t++)
				if (first[t + 1] > first[t] && rules_applies_in(rs, &rs->themes[t], &c))
					fire_theme(rs, r, first[t], first[t + 1], c.question,
						   text ? text : "", len, md, hits, k, nresp, m);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_fail(db, "reading the coded answers", e);
			goto out;
		}
	}
	/* Where each theme is tagged, for "only" in its parents. */
	for (size_t t = 0; t < rs->nthemes; t++)
		for (size_t u = first[t]; u < first[t + 1]; u++)
			if (r->units[u].kind == SCORE_INCLUDE)
				for (size_t k = 0; k < nresp; k++)
					tagged[t * nresp + k] |= hits[u * nresp + k];
	for (size_t t = 0; t < rs->nthemes; t++) {
		if (first[t + 1] == first[t])
			continue;
		memset(other, 0, nresp);
		for (size_t d = t + 1; d < rs->nthemes; d++)
			if (under(rs, rs->themes[d].parent, (int)t))
				for (size_t k = 0; k < nresp; k++)
					other[k] |= tagged[d * nresp + k];
		for (size_t k = 0; k < nresp; k++)
			right[k] = flags[k * (ev->nthemes + 1) + t];
		if (score_units(r, hits, nresp, first[t], first[t + 1], 0, 0, right, other) < 0 ||
		    score_units(r, hits, nresp, first[t], first[t + 1], 1, 0, right, other) < 0)
			goto oom;
		for (size_t k = 0; k < nresp; k++)
			right[k] = !right[k];
		if (score_units(r, hits, nresp, first[t], first[t + 1], 0, 1, right, NULL) < 0 ||
		    score_units(r, hits, nresp, first[t], first[t + 1], 1, 1, right, NULL) < 0)
			goto oom;
	}
	ok = 0;
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
out:
	sqlite3_finalize(st);
	strbuf_release(&sql);
	pcre2_match_data_free(md);
	free(first);
	free(hits);
	free(m);
	free(right);
	free(other);
	free(tagged);
	free(flags);
	eval_free(ev);
	if (ok < 0) {
		score_report_free(r);
		return NULL;
	}
	return r;
}

/* ---- report -------------------------------------------------------------- */

static double precision(const struct score_counts *c)
{
	return c->matched ? (double)c->tp / (double)c->matched : NAN;
}

/*
 * Worst first: the largest gain from removing it, then the most wrong for
 * right, then the least precise, then the rules file's order.
 */
static int worst_first(const void *a, const void *b)
{
	const struct score_unit *x = a, *y = b;
	long gx = score_gain(&x->n), gy = score_gain(&y->n);
	double px = precision(&x->n), py = precision(&y->n);

	if (gx != gy)
		return gx < gy ? 1 : -1;
	if (x->n.fp - x->n.tp != y->n.fp - y->n.tp)
		return x->n.fp - x->n.tp < y->n.fp - y->n.tp ? 1 : -1;
	if (isnan(px) != isnan(py))
		return isnan(px) ? 1 : -1;
	if (!isnan(px) && px != py)
		return px < py ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static const char *kind_name(const struct score_unit *u, char *buf, size_t cap)
{
	switch (u->kind) {
	case SCORE_INCLUDE:
		return "include";
	case SCORE_EXCLUDE:
		return "exclude";
	case SCORE_INCLUDE_ALT:
		snprintf(buf, cap, "alt %zu/%zu", u->alt, u->nalts);
		return buf;
	default:
		snprintf(buf, cap, "exc-alt %zu/%zu", u->alt, u->nalts);
		return buf;
	}
}

/* The source on one line: tabs and line breaks as spaces. */
static void print_source(const char *s, size_t max, FILE *out)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n && i < max; i++)
		fputc(s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], out);
	if (n > max)
		fputs("...", out);
}

void score_print(const struct score_report *r, const struct ruleset *rs, int tsv, int all,
		 FILE *out)
{
	struct score_unit *sorted = malloc((r->nunits + 1) * sizeof *sorted);
	size_t silent = 0;
	char kb[32], pb[16];

	if (!sorted)
		return;
	if (r->nunits)
		memcpy(sorted, r->units, r->nunits * sizeof *sorted);
	qsort(sorted, r->nunits, sizeof *sorted, worst_first);
	if (tsv)
		fputs("theme\tkind\tpattern\tfires\ttp\tfp\tprecision\tonly_tp\tonly_fp\tgain\tsource\n",
		      out);
	else
		fprintf(out, "%zu coded responses, rules %s (%.12s)\n"
			"Gain: errors removed by deleting the pattern (only FP - only TP); "
			"worst first.\n\n%5s %5s %4s %4s %5s %5s %5s  %-20s %-16s %-11s %s\n",
			r->nresponses, rs->path, rs->sha256, "Gain", "Fires", "TP", "FP", "Prec",
			"OnlyT", "OnlyF", "Theme", "Pattern", "Kind", "Source");
	for (size_t i = 0; i < r->nunits; i++) {
		const struct score_unit *u = &sorted[i];
		double p = precision(&u->n);

		if (!u->n.matched && !all) {
			silent++;
			continue;
		}
		if (isnan(p))
			snprintf(pb, sizeof pb, "-");
		else
			snprintf(pb, sizeof pb, tsv ? "%.4f" : "%.2f", p);
		if (tsv) {
			fprintf(out, "%s\t%s\t%s\t%ld\t%ld\t%ld\t%s\t%ld\t%ld\t%ld\t",
				rs->themes[u->theme].code, kind_name(u, kb, sizeof kb), u->pat->id,
				u->n.matched, u->n.tp, u->n.fp, pb, u->n.only_tp, u->n.only_fp,
				score_gain(&u->n));
			print_source(u->source, (size_t)-1, out);
			fputc('\n', out);
			continue;
		}
		fprintf(out, "%5ld %5ld %4ld %4ld %5s %5ld %5ld  %-20s %-16s %-11s ",
			score_gain(&u->n), u->n.matched, u->n.tp, u->n.fp, pb, u->n.only_tp,
			u->n.only_fp, rs->themes[u->theme].code, u->pat->id,
			kind_name(u, kb, sizeof kb));
		print_source(u->source, 60, out);
		fputc('\n', out);
	}
	if (!tsv && silent)
		fprintf(out, "\n%zu patterns or alternatives fire in no coded response (--all lists "
			"them).\n", silent);
	free(sorted);
}
