/*
 * agree.c: two coders' agreement, theme by theme, and the merge of their
 * codings through an adjudication sheet. The arithmetic first, then the
 * comparison, then the sheet and the agreed gold file.
 */
#include "agree.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "trim.h"

/* ---- arithmetic ---------------------------------------------------------- */

void agree_stat(const struct agree_counts *c, struct agree_stat *s)
{
	double a = (double)c->both, b = (double)c->a_only, cc = (double)c->b_only;
	double d = (double)c->neither, n = a + b + cc + d;
	/*
	 * Multiplied through by N^2 both terms of kappa are whole numbers, so
	 * "pe is 1" is an exact test: expected == N^2.
	 */
	double expected = (a + b) * (a + cc) + (cc + d) * (b + d);

	s->agreement = n > 0 ? (a + d) / n : NAN;
	s->kappa = NAN;
	if (n <= 0)
		s->why = AGREE_NO_RESPONSES;
	else if (expected == n * n)
		s->why = a > 0 ? AGREE_ALL_YES : AGREE_ALL_NO;
	else {
		s->why = AGREE_DEFINED;
		s->kappa = (n * (a + d) - expected) / (n * n - expected);
	}
}

const char *agree_why(enum agree_undefined why)
{
	switch (why) {
	case AGREE_NO_RESPONSES:
		return "no response coded by both";
	case AGREE_ALL_YES:
		return "both coders gave it to every response: no variation";
	case AGREE_ALL_NO:
		return "neither coder gave it: no variation";
	default:
		return "";
	}
}

int agree_listed(const struct agree_counts *c)
{
	return c->both + c->a_only + c->b_only > 0;
}

void agree_overall(const struct agreement *ag, struct agree_stat *pooled, double *mean,
		   size_t *nmean, size_t *nundefined)
{
	struct agree_counts sum = { 0, 0, 0, 0 };
	double k = 0;

	*nmean = *nundefined = 0;
	for (size_t t = 0; t < ag->nthemes; t++) {
		struct agree_stat s;

		if (!agree_listed(&ag->n[t]))
			continue;
		sum.both += ag->n[t].both;
		sum.a_only += ag->n[t].a_only;
		sum.b_only += ag->n[t].b_only;
		sum.neither += ag->n[t].neither;
		agree_stat(&ag->n[t], &s);
		if (s.why == AGREE_DEFINED) {
			k += s.kappa;
			(*nmean)++;
		} else {
			(*nundefined)++;
		}
	}
	agree_stat(&sum, pooled);
	*mean = *nmean ? k / (double)*nmean : NAN;
}

/* ---- the comparison ------------------------------------------------------ */

void agree_free(struct agreement *ag)
{
	if (!ag)
		return;
	free(ag->n);
	free(ag->pairs);
	free(ag->only_a);
	free(ag->only_b);
	free(ag);
}

int agree_flag(const struct agree_side *s, const struct agreement *ag, size_t p, size_t t,
	       int side_b)
{
	size_t r = side_b ? ag->pairs[p].b : ag->pairs[p].a;

	return s->flags[r * (ag->nthemes + 1) + t] != 0;
}

/* A's or B's responses, sorted by id, as (id, index) pairs. */
struct by_id {
	long long id;
	size_t i;
};

static int by_id_cmp(const void *x, const void *y)
{
	const struct by_id *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

static struct by_id *sorted_ids(const struct evaluation *ev)
{
	struct by_id *s = malloc((ev->nresponses + 1) * sizeof *s);

	if (!s)
		return NULL;
	for (size_t i = 0; i < ev->nresponses; i++) {
		s[i].id = ev->responses[i].id;
		s[i].i = i;
	}
	qsort(s, ev->nresponses, sizeof *s, by_id_cmp);
	return s;
}

static long find_id(const struct by_id *s, size_t n, long long id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && s[lo].id == id ? (long)s[lo].i : -1;
}

struct agreement *agree_compare(const struct agree_side *a, const struct agree_side *b,
				struct err *e)
{
	const struct evaluation *ea = a->ev, *eb = b->ev;
	struct agreement *ag = calloc(1, sizeof *ag);
	struct by_id *sa = NULL, *sb = NULL;
	size_t nt = ea->nthemes;

	if (!ag || !(ag->n = calloc(nt + 1, sizeof *ag->n)) ||
	    !(ag->pairs = malloc((ea->nresponses + 1) * sizeof *ag->pairs)) ||
	    !(ag->only_a = malloc((ea->nresponses + 1) * sizeof *ag->only_a)) ||
	    !(ag->only_b = malloc((eb->nresponses + 1) * sizeof *ag->only_b)) ||
	    !(sa = sorted_ids(ea)) || !(sb = sorted_ids(eb)))
		goto oom;
	ag->themes_of = ea;
	ag->nthemes = nt;
	for (size_t i = 0; i < ea->nresponses; i++) {
		long j = find_id(sb, eb->nresponses, ea->responses[i].id);

		if (j < 0) {
			ag->only_a[ag->nonly_a++] = i;
			continue;
		}
		ag->pairs[ag->npairs].a = i;
		ag->pairs[ag->npairs++].b = (size_t)j;
	}
	for (size_t j = 0; j < eb->nresponses; j++)
		if (find_id(sa, ea->nresponses, eb->responses[j].id) < 0)
			ag->only_b[ag->nonly_b++] = j;
	for (size_t p = 0; p < ag->npairs; p++)
		for (size_t t = 0; t < nt; t++) {
			int x = agree_flag(a, ag, p, t, 0), y = agree_flag(b, ag, p, t, 1);

			if (x && y)
				ag->n[t].both++;
			else if (x)
				ag->n[t].a_only++;
			else if (y)
				ag->n[t].b_only++;
			else
				ag->n[t].neither++;
		}
	free(sa);
	free(sb);
	return ag;
oom:
	free(sa);
	free(sb);
	agree_free(ag);
	err_set(e, EXIT_SYSTEM, "out of memory");
	return NULL;
}

/* ---- the adjudication sheet ---------------------------------------------- */

static const char *const sheet_header =
	"response,external_id,serial,theme,label,coder_a,coder_b,note_a,note_b,decision,reason\n";

/* The response's identifying cells: response,external_id,serial, then a comma. */
static void write_ident(const struct agree_ident *id, FILE *out)
{
	fprintf(out, "%lld,", id->response);
	if (id->external_id)
		csv_write_field(out, id->external_id);
	fputc(',', out);
	if (id->serial && !id->external_id)
		csv_write_field(out, id->serial);
	fputc(',', out);
}

void agree_write_sheet(const struct agreement *ag, const struct agree_side *a,
		       const struct agree_side *b, const struct agree_ident *ids,
		       const char *const (*notes)[2], FILE *out)
{
	const struct evaluation *ev = ag->themes_of;

	fputs(sheet_header, out);
	for (size_t p = 0; p < ag->npairs; p++)
		for (size_t t = 0; t < ag->nthemes; t++) {
			int x = agree_flag(a, ag, p, t, 0), y = agree_flag(b, ag, p, t, 1);

			if (x == y)
				continue;
			write_ident(&ids[p], out);
			csv_write_field(out, ev->themes[t].code);
			fputc(',', out);
			csv_write_field(out, ev->themes[t].label);
			fprintf(out, ",%s,%s,", x ? "yes" : "no", y ? "yes" : "no");
			for (int k = 0; k < 2; k++) {
				if (notes && notes[p][k])
					csv_write_field(out, notes[p][k]);
				fputc(',', out);
			}
			fputs(",\n", out);
		}
}

enum { SH_RESPONSE, SH_EXTERNAL, SH_SERIAL, SH_THEME, SH_DECISION, SH_COLS };

static const char *const sheet_cols[SH_COLS] = {
	"response", "external_id", "serial", "theme", "decision",
};

/* The pair a sheet row names, by its first filled identifier: index, or -1. */
static long sheet_pair(const struct agreement *ag, const struct agree_ident *ids,
		       const long col[SH_COLS], const struct csv_record *rec, const char **what)
{
	for (int k = SH_EXTERNAL; k <= SH_SERIAL; k++) {
		const char *v;

		if (col[k] < 0 || !*(v = trim(rec->fields[col[k]])))
			continue;
		*what = v;
		for (size_t p = 0; p < ag->npairs; p++) {
			const char *have = k == SH_EXTERNAL ? ids[p].external_id : ids[p].serial;

			if (have && !strcmp(have, v))
				return (long)p;
		}
		return -1;
	}
	if (col[SH_RESPONSE] >= 0 && *(*what = trim(rec->fields[col[SH_RESPONSE]]))) {
		char *end;
		long long v = strtoll(*what, &end, 10);

		for (size_t p = 0; p < ag->npairs && !*end && end != *what; p++)
			if (ids[p].response == v)
				return (long)p;
		return -1;
	}
	*what = NULL;
	return -1;
}

static int theme_index(const struct evaluation *ev, const char *code)
{
	for (size_t i = 0; i < ev->nthemes; i++)
		if (!strcasecmp(ev->themes[i].code, code))
			return (int)i;
	return -1;
}

static int sheet_header_read(const struct csv_record *rec, const char *name, long col[SH_COLS],
			     struct err *e)
{
	for (int k = 0; k < SH_COLS; k++)
		col[k] = -1;
	for (size_t i = 0; i < rec->nfields; i++)
		for (int k = 0; k < SH_COLS; k++)
			if (!strcasecmp(trim(rec->fields[i]), sheet_cols[k])) {
				if (col[k] >= 0)
					return err_set(e, EXIT_DATA, "%s:%ld: the header has two "
						       "'%s' columns", name, rec->line,
						       sheet_cols[k]);
				col[k] = (long)i;
			}
	if ((col[SH_RESPONSE] < 0 && col[SH_EXTERNAL] < 0 && col[SH_SERIAL] < 0) ||
	    col[SH_THEME] < 0 || col[SH_DECISION] < 0)
		return err_set(e, EXIT_DATA, "%s:%ld: the header needs an identifying column "
			       "('response', 'external_id' or 'serial'), 'theme' and 'decision': "
			       "write the sheet with 'analyser agree --adjudicate'", name,
			       rec->line);
	return 0;
}

/* Decision lines per (pair, theme): 0 not decided yet. */
static long *line_of(long *lines, const struct agreement *ag, size_t p, size_t t)
{
	return &lines[p * (ag->nthemes + 1) + t];
}

/* The flags of one sheet row's decision: 1 yes, 0 no, -1 blank, -2 not a decision. */
static int decision_value(const char *d, int a_said, int b_said)
{
	if (!*d)
		return -1;
	if (!strcasecmp(d, "yes") || !strcasecmp(d, "y"))
		return 1;
	if (!strcasecmp(d, "no") || !strcasecmp(d, "n"))
		return 0;
	if (!strcasecmp(d, "a"))
		return a_said;
	if (!strcasecmp(d, "b"))
		return b_said;
	return -2;
}

/* A sub-theme decided yes under a parent that ends up no: one error a response. */
static int check_parents(const struct agreement *ag, const unsigned char *row, const long *lines,
			 const char *name, const struct agree_ident *id, struct err *e)
{
	const struct evaluation *ev = ag->themes_of;

	for (size_t t = 0; t < ag->nthemes; t++) {
		int up = ev->themes[t].parent;
		long line;

		if (!row[t] || up < 0 || row[up])
			continue;
		line = lines[t] ? lines[t] : lines[up];
		return err_set(e, EXIT_DATA, "%s:%ld: response %lld: %s is decided yes but its "
			       "parent %s ends up no: decide %s yes too, or %s no", name, line,
			       id->response, ev->themes[t].code, ev->themes[up].code,
			       ev->themes[up].code, ev->themes[t].code);
	}
	return 0;
}

int agree_merge(const struct agreement *ag, const struct agree_side *a,
		const struct agree_side *b, const struct agree_ident *ids,
		struct csv_reader *sheet, const char *name, unsigned char **agreed,
		struct err *e)
{
	const struct evaluation *ev = ag->themes_of;
	size_t stride = ag->nthemes + 1, cells;
	long col[SH_COLS], *lines = NULL;
	struct csv_record rec;
	size_t nfields;
	int rc, bad = 0;

	*agreed = NULL;
	if (ag->npairs + 1 > SIZE_MAX / stride / sizeof *lines)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	cells = (ag->npairs + 1) * stride;
	if (!(*agreed = calloc(cells, 1)) || !(lines = calloc(cells, sizeof *lines))) {
		free(*agreed);
		*agreed = NULL;
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	for (size_t p = 0; p < ag->npairs; p++)
		for (size_t t = 0; t < ag->nthemes; t++)
			(*agreed)[p * stride + t] = (unsigned char)(agree_flag(a, ag, p, t, 0) &
								    agree_flag(b, ag, p, t, 1));

	rc = csv_read(sheet, &rec, e);
	if (rc == CSV_EOF) {
		bad = err_set(e, EXIT_DATA, "%s:1: the sheet is empty: write it with 'analyser "
			      "agree --adjudicate'", name);
		goto out;
	}
	if (rc != CSV_RECORD || sheet_header_read(&rec, name, col, e) < 0) {
		bad = -1;
		goto out;
	}
	nfields = rec.nfields;
	while ((rc = csv_read(sheet, &rec, e)) != CSV_EOF) {
		const char *what = NULL, *code, *dec;
		long p, *seen;
		int t, x, y, v;

		if (rc == CSV_FATAL) {
			bad = -1;
			goto out;
		}
		if (rc == CSV_BAD) {
			bad = -1;
			continue;
		}
		if (rec.nfields != nfields) {
			bad = err_set(e, EXIT_DATA, "%s:%ld: %zu fields, but the header has %zu",
				      name, rec.line, rec.nfields, nfields);
			continue;
		}
		code = trim(rec.fields[col[SH_THEME]]);
		dec = trim(rec.fields[col[SH_DECISION]]);
		if ((p = sheet_pair(ag, ids, col, &rec, &what)) < 0) {
			bad = what ? err_set(e, EXIT_DATA, "%s:%ld: response '%s' is not one both "
					     "coders coded", name, rec.line, what)
				   : err_set(e, EXIT_DATA, "%s:%ld: no response given", name,
					     rec.line);
			continue;
		}
		if ((t = theme_index(ev, code)) < 0) {
			bad = err_set(e, EXIT_DATA, "%s:%ld: unknown theme '%s': not a theme of the "
				      "current rule set (%s)", name, rec.line, code,
				      ev->ruleset_file);
			continue;
		}
		x = agree_flag(a, ag, (size_t)p, (size_t)t, 0);
		y = agree_flag(b, ag, (size_t)p, (size_t)t, 1);
		if (x == y) {
			bad = err_set(e, EXIT_DATA, "%s:%ld: response %lld, %s: the coders agree "
				      "(both %s), so there is nothing to decide: was the sheet "
				      "written from other files?", name, rec.line,
				      ids[p].response, ev->themes[t].code, x ? "yes" : "no");
			continue;
		}
		seen = line_of(lines, ag, (size_t)p, (size_t)t);
		if (*seen) {
			bad = err_set(e, EXIT_DATA, "%s:%ld: response %lld, %s is decided twice "
				      "(first on line %ld)", name, rec.line, ids[p].response,
				      ev->themes[t].code, *seen);
			continue;
		}
		*seen = rec.line;
		if ((v = decision_value(dec, x, y)) < 0) {
			bad = v == -1 ?
				err_set(e, EXIT_DATA, "%s:%ld: response %lld, %s: no decision: write "
					"yes or no (or a or b to take that coder's)", name, rec.line,
					ids[p].response, ev->themes[t].code) :
				err_set(e, EXIT_DATA, "%s:%ld: response %lld, %s: the decision is not "
					"yes, no, a or b", name, rec.line, ids[p].response,
					ev->themes[t].code);
			continue;
		}
		(*agreed)[(size_t)p * stride + (size_t)t] = (unsigned char)v;
	}
	for (size_t p = 0; p < ag->npairs; p++)
		for (size_t t = 0; t < ag->nthemes; t++)
			if (agree_flag(a, ag, p, t, 0) != agree_flag(b, ag, p, t, 1) &&
			    !*line_of(lines, ag, p, t))
				bad = err_set(e, EXIT_DATA, "%s: response %lld, %s: a disagreement "
					      "the sheet does not decide: write the sheet again "
					      "with --adjudicate", name, ids[p].response,
					      ev->themes[t].code);
	if (!bad)
		for (size_t p = 0; p < ag->npairs; p++)
			if (check_parents(ag, *agreed + p * stride, lines + p * stride, name,
					  &ids[p], e) < 0)
				bad = -1;
out:
	free(lines);
	if (bad) {
		free(*agreed);
		*agreed = NULL;
		return -1;
	}
	return 0;
}

/* ---- the agreed gold file ------------------------------------------------ */

int agree_write_gold(const struct agreement *ag, const struct agree_side *a,
		     const struct agree_side *b, const struct agree_ident *ids,
		     const unsigned char *agreed, FILE *out, struct err *e)
{
	const struct evaluation *ev = ag->themes_of;
	size_t stride = ag->nthemes + 1;
	struct strbuf themes = STRBUF_INIT, note = STRBUF_INIT;
	int oom = 0;

	fputs("response,external_id,serial,themes,note\n", out);
	for (size_t p = 0; p < ag->npairs && !oom; p++) {
		const unsigned char *row = agreed + p * stride;

		strbuf_setlen(&themes, 0);
		strbuf_setlen(&note, 0);
		for (size_t t = 0; t < ag->nthemes; t++) {
			int child = 0;

			if (agree_flag(a, ag, p, t, 0) != agree_flag(b, ag, p, t, 1))
				oom |= strbuf_addf(&note, "%s%s %s", note.len ? "; " : "adjudicated: ",
						   ev->themes[t].code, row[t] ? "yes" : "no") < 0;
			if (!row[t])
				continue;
			/* A parent is implied by a sub-theme: write the most specific codes. */
			for (size_t c = t + 1; c < ag->nthemes && !child; c++)
				child = ev->themes[c].parent == (int)t && row[c];
			if (!child)
				oom |= strbuf_addf(&themes, "%s%s", themes.len ? "; " : "",
						   ev->themes[t].code) < 0;
		}
		if (oom)
			break;
		/* The response number only when the response has no lasting identifier. */
		if (ids[p].external_id || ids[p].serial)
			fputc(',', out);
		else
			fprintf(out, "%lld,", ids[p].response);
		if (ids[p].external_id)
			csv_write_field(out, ids[p].external_id);
		fputc(',', out);
		if (ids[p].serial && !ids[p].external_id)
			csv_write_field(out, ids[p].serial);
		fputc(',', out);
		csv_write_field(out, themes.buf);
		fputc(',', out);
		csv_write_field(out, note.buf);
		fputc('\n', out);
	}
	strbuf_release(&themes);
	strbuf_release(&note);
	return oom ? err_set(e, EXIT_SYSTEM, "out of memory") : 0;
}
