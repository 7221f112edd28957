/*
 * counts_out.c: writing a counted cube as a terminal table, CSV, JSON or
 * XML, with disclosure control applied when asked.
 *
 * Everything written is cut from the cube as panels: bordered tables whose
 * last row and column are the totals. With one dimension there is one
 * panel, themes by the dimension's values with "any theme" as its total
 * row; with two there is a panel per theme (and one for any theme), the
 * first dimension's values by the second's. Denominators (respondents) are
 * published too, so they are suppressed as a table of their own.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counts.h"
#include "csv.h"
#include "ledger.h"
#include "textout.h"

struct panel {
	size_t theme;           /* two dimensions: the panel's theme (nthemes: any theme) */
	size_t nrows, ncols;    /* inside the border */
	long *v, *b;            /* counts and their denominators, (nrows+1) x (ncols+1) */
	unsigned char *sv, *sb; /* what disclosure control hides */
};

struct view {
	const struct count_cube *c;
	const struct count_output *o;
	size_t *sel, nsel;      /* the theme rows shown */
	int cross;              /* two dimensions */
	unsigned char *base_state; /* the denominators' states: a line, or with two dimensions a table */
};

static int selected(const struct count_cube *c, const struct count_output *o, size_t t,
		    int theme_root)
{
	/* Merged rows are lines of their own (merged_each), not rows of the themes' table. */
	if (c->member && t >= c->nreal)
		return 0;
	if (o->max_depth && c->themes[t].depth > o->max_depth)
		return 0;
	if (theme_root < 0)
		return 1;
	for (long k = (long)t; k >= 0; k = c->themes[k].parent)
		if (k == theme_root)
			return 1;
	return 0;
}

static long shown(long v, unsigned char state, const struct sdc_rule *r)
{
	if (!r)
		return v;
	return state == SDC_SHOWN ? sdc_round(v, r) : -1;
}

static void panel_free(struct panel *p)
{
	free(p->v);
	free(p->b);
	free(p->sv);
	free(p->sb);
	memset(p, 0, sizeof *p);
}

/*
 * The ledger's name of the cell for values v0 and v1 of the cube's
 * dimensions (nvalues: all): "name=code" for each that is not a margin,
 * sorted by name and joined by '|', so every table with the cell names it
 * alike; "" for the total of all. NULL when out of memory.
 */
static char *cell_name(const struct count_cube *c, size_t v0, size_t v1)
{
	const char *part[2][2];
	size_t n = 0, len = 1;
	char *s;

	for (size_t d = 0; d < c->ndims; d++) {
		size_t v = d ? v1 : v0;

		if (v >= c->dim[d].nvalues)
			continue;
		part[n][0] = c->dim[d].name;
		part[n][1] = c->dim[d].values[v].code;
		len += strlen(part[n][0]) + strlen(part[n][1]) + 2;
		n++;
	}
	if (n == 2 && strcmp(part[0][0], part[1][0]) > 0) {
		const char *t0 = part[0][0], *t1 = part[0][1];

		part[0][0] = part[1][0];
		part[0][1] = part[1][1];
		part[1][0] = t0;
		part[1][1] = t1;
	}
	if (!(s = malloc(len)))
		return NULL;
	*s = '\0';
	for (size_t k = 0; k < n; k++) {
		if (k)
			strcat(s, "|");
		strcat(s, part[k][0]);
		strcat(s, "=");
		strcat(s, part[k][1]);
	}
	return s;
}

/*
 * Suppresses a table (or with `line`, a line of ncols) through the
 * ledger: theme names each cell's theme; cell (v0, v1) of the cube is
 * at(i, j) for table cell i, j.
 */
static int ledger_suppress(const struct view *w, const long *v, size_t nrows, size_t ncols,
			   int line, const char *const *theme,
			   void (*at)(const struct view *, size_t, size_t, size_t *, size_t *, void *),
			   void *arg, unsigned char *state, struct err *e)
{
	size_t n = (nrows + 1) * (ncols + 1), made = 0;
	char **cell = calloc(n, sizeof *cell);
	int rc = -1;

	if (!cell)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (; made < n; made++) {
		size_t v0, v1;

		at(w, made / (ncols + 1), made % (ncols + 1), &v0, &v1, arg);
		if (!(cell[made] = cell_name(w->c, v0, v1))) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
	}
	/* The tags the snapshot names, as the counts' pass found them: not read again. */
	if (w->c->tags_known &&
	    ledger_tags_counted(w->o->ledger, w->c->decisions, w->c->tags_n, w->c->tags_sum, e) < 0)
		goto out;
	rc = line ? ledger_line(w->o->ledger, v, ncols, theme, (const char *const *)cell, state, e) :
		    ledger_table(w->o->ledger, v, nrows, ncols, theme, (const char *const *)cell,
				 state, e);
out:
	for (size_t k = 0; k < made; k++)
		free(cell[k]);
	free(cell);
	return rc;
}

/* Cell i, j of a panel as cube values: with two dimensions (v0, v1), with one (value j, all). */
static void at_cross(const struct view *w, size_t i, size_t j, size_t *v0, size_t *v1, void *arg)
{
	(void)w;
	(void)arg;
	*v0 = i;
	*v1 = j;
}

static void at_single(const struct view *w, size_t i, size_t j, size_t *v0, size_t *v1, void *arg)
{
	(void)i;
	(void)arg;
	*v0 = j;
	*v1 = w->c->dim[1].nvalues;
}

/* A panel's counts through the ledger. */
static int panel_ledger(const struct view *w, struct panel *p, struct err *e)
{
	const struct count_cube *c = w->c;
	size_t n = (p->nrows + 1) * (p->ncols + 1);
	const char **theme = malloc(n * sizeof *theme);
	int rc;

	if (!theme)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t at = 0; at < n; at++) {
		size_t i = at / (p->ncols + 1),
		       t = w->cross ? p->theme : i < p->nrows ? w->sel[i] : c->nthemes;

		theme[at] = t < c->nthemes ? c->themes[t].code : "(any)";
	}
	rc = ledger_suppress(w, p->v, p->nrows, p->ncols, 0, theme, w->cross ? at_cross : at_single,
			     NULL, p->sv, e);
	free(theme);
	return rc;
}

/* The denominators' states, once for the view: a line with one dimension, a table with two. */
static int base_suppress(struct view *w, struct err *e)
{
	const struct count_cube *c = w->c;
	size_t n0 = c->dim[0].nvalues, n1 = w->cross ? c->dim[1].nvalues : 0,
	       n = (n0 + 1) * (n1 + 1);
	long *b = malloc(n * sizeof *b);
	const char **theme = malloc(n * sizeof *theme), *who = "(respondents)";
	int rc = -1;

	w->base_state = calloc(n, 1);
	if (!b || !theme || !w->base_state) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	/* By question or polarity the base is who answered, not everyone: another count. */
	for (size_t d = 0; d < c->ndims; d++)
		if (c->dim[d].kind == DIM_QUESTION || c->dim[d].kind == DIM_POLARITY)
			who = "(answered)";
	for (size_t i = 0; i <= n0; i++)
		for (size_t j = 0; j <= n1; j++) {
			b[i * (n1 + 1) + j] = count_base(c, i, w->cross ? j : 0);
			theme[i * (n1 + 1) + j] = who;
		}
	if (w->o->ledger)
		rc = w->cross ? ledger_suppress(w, b, n0, n1, 0, theme, at_cross, NULL,
						w->base_state, e) :
			        ledger_suppress(w, b, 0, n0, 1, theme, at_single, NULL,
						w->base_state, e);
	else if ((w->cross ? sdc_apply(b, n0, n1, w->o->suppress, w->base_state) :
			     sdc_apply_line(b, n0, w->o->suppress, w->base_state)) < 0)
		err_set(e, EXIT_SYSTEM, "out of memory");
	else
		rc = 0;
out:
	free(b);
	free(theme);
	if (rc < 0) {
		free(w->base_state);
		w->base_state = NULL;
	}
	return rc;
}

/* Panel `k` of the view: the only one with one dimension, theme k's with two. */
static int panel_make(const struct view *w, size_t k, struct panel *p, struct err *e)
{
	const struct count_cube *c = w->c;
	size_t n0 = c->dim[0].nvalues, n1 = c->dim[1].nvalues;

	memset(p, 0, sizeof *p);
	if (w->cross) {
		p->theme = k < w->nsel ? w->sel[k] : c->nthemes;
		p->nrows = n0;
		p->ncols = n1;
	} else {
		p->nrows = w->nsel;
		p->ncols = n0;
	}
	size_t n = (p->nrows + 1) * (p->ncols + 1);

	p->v = calloc(n, sizeof *p->v);
	p->b = calloc(n, sizeof *p->b);
	p->sv = calloc(n, 1);
	p->sb = calloc(n, 1);
	if (!p->v || !p->b || !p->sv || !p->sb) {
		panel_free(p);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i <= p->nrows; i++)
		for (size_t j = 0; j <= p->ncols; j++) {
			size_t at = i * (p->ncols + 1) + j;

			if (w->cross) {
				p->v[at] = count_cell(c, p->theme, i, j);
				p->b[at] = count_base(c, i, j);
				if (w->base_state)
					p->sb[at] = w->base_state[at];
			} else {
				p->v[at] = count_cell(c, i < p->nrows ? w->sel[i] : c->nthemes, j, 0);
				p->b[at] = count_base(c, j, 0);
				if (w->base_state)
					p->sb[at] = w->base_state[j];
			}
		}
	if (w->o->suppress) {
		int rc = w->o->ledger ? panel_ledger(w, p, e) :
			 sdc_apply(p->v, p->nrows, p->ncols, w->o->suppress, p->sv) < 0 ?
			 err_set(e, EXIT_SYSTEM, "out of memory") : 0;

		if (rc < 0) {
			panel_free(p);
			return -1;
		}
	}
	return 0;
}

static size_t panels(const struct view *w)
{
	return w->cross ? w->nsel + 1 : 1;
}

/* Labels of a panel's rows and columns; `code` gives the machine form. */
static const char *row_name(const struct view *w, const struct panel *p, size_t i, int code)
{
	const struct count_cube *c = w->c;

	if (w->cross) {
		if (i == p->nrows)
			return code ? "(all)" : "All";
		return code ? c->dim[0].values[i].code : c->dim[0].values[i].heading;
	}
	if (i == p->nrows)
		return code ? "(any)" : "Any theme";
	return code ? c->themes[w->sel[i]].code : c->themes[w->sel[i]].label;
}

static const struct count_dim *col_dim(const struct view *w)
{
	return &w->c->dim[w->cross ? 1 : 0];
}

static const char *col_name(const struct view *w, const struct panel *p, size_t j, int code)
{
	if (j == p->ncols)
		return code ? "(all)" : "All";
	return code ? col_dim(w)->values[j].code : col_dim(w)->values[j].heading;
}

static void cell_text(char *buf, size_t cap, long v, long base, const struct count_output *o,
		      unsigned char sv, unsigned char sb, int percent)
{
	long sv_ = shown(v, sv, o->suppress), sb_ = shown(base, sb, o->suppress);

	if (sv_ < 0 || (percent && sb_ < 0))
		snprintf(buf, cap, "*");
	else if (!percent)
		snprintf(buf, cap, "%ld", sv_);
	else if (!sb_)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.1f%%", 100.0 * (double)sv_ / (double)sb_);
}

/* ---- the terminal table ---- */

/* Columns on a terminal: one per character (labels are Latin text). */
static int cols(const char *s, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* Line `line` of `label` broken into lines of at most `w` columns at spaces and hyphens. */
static int heading_line(const char *label, int line, int w, char *out, size_t cap)
{
	const char *p = label;

	for (int l = 0;; l++) {
		size_t len = strlen(p), cut = len;

		if (cols(p, len) > w) {
			/* The longest start of p that fits, ending at a space or after a hyphen. */
			size_t best = 0, k = 0;

			while (k < len) {
				size_t next = k + 1;

				while (next < len && ((unsigned char)p[next] & 0xC0) == 0x80)
					next++;
				if (cols(p, next) > w)
					break;
				if (p[next] == ' ' || p[next - 1] == '-' || next == len)
					best = next;
				k = next;
			}
			cut = best ? best : (k ? k : 1);
		}
		if (l == line) {
			snprintf(out, cap, "%.*s", (int)cut, p);
			return 1;
		}
		p += cut;
		while (*p == ' ')
			p++;
		if (!*p) {
			out[0] = '\0';
			return 0;
		}
	}
}

static int longest_word(const char *s)
{
	int best = 0;

	while (*s) {
		size_t n = strcspn(s, " -");

		if (s[n] == '-')
			n++;
		if ((int)cols(s, n) > best)
			best = (int)cols(s, n);
		s += n;
		while (*s == ' ')
			s++;
	}
	return best;
}

static void pad(FILE *out, int n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* Prints columns j0 to j1 of a panel, under its headings, each row with its label. */
static void print_block(const struct view *w, const struct panel *p, const char *corner,
			int respondents, char (*text)[24], const int *width, int lw, size_t lines,
			size_t j0, size_t j1, FILE *out)
{
	size_t nr = p->nrows + 1, nc = p->ncols + 1;

	for (int line = 0; line < 3; line++) {
		char h[64];
		int any = 0;

		for (size_t j = j0; j < j1; j++)
			any |= heading_line(col_name(w, p, j, 0), line, width[j], h, sizeof h);
		if (!any && line)
			break;
		fputs(line == 0 ? corner : "", out);
		pad(out, lw - (line == 0 ? cols(corner, strlen(corner)) : 0));
		for (size_t j = j0; j < j1; j++) {
			heading_line(col_name(w, p, j, 0), line, width[j], h, sizeof h);
			pad(out, 2 + width[j] - cols(h, strlen(h)));
			fputs(h, out);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < lines; i++) {
		const char *name = i == nr ? "Respondents" : respondents && i == p->nrows ? "All" :
				   row_name(w, p, i, 0);
		int indent = !w->cross && i < p->nrows ? 2 * (w->c->themes[w->sel[i]].depth - 1) : 0;
		char label[160];

		/* Cut to the label column, on a character boundary. */
		snprintf(label, sizeof label, "%s", name);
		while (indent + cols(label, strlen(label)) > lw) {
			size_t l = strlen(label);

			while (l && ((unsigned char)label[l - 1] & 0xC0) == 0x80)
				l--;
			label[l ? l - 1 : 0] = '\0';
		}
		pad(out, indent);
		fputs(label, out);
		pad(out, lw - indent - cols(label, strlen(label)));
		for (size_t j = j0; j < j1; j++) {
			pad(out, 2 + width[j] - (int)strlen(text[i * nc + j]));
			fputs(text[i * nc + j], out);
		}
		fputc('\n', out);
	}
}

/*
 * Prints a panel aligned: its counts, or with `respondents` its
 * denominators; `base_line` adds the denominators as a last row.
 */
static int print_panel(const struct view *w, const struct panel *p, const char *corner,
		       int respondents, int base_line, FILE *out)
{
	const struct count_output *o = w->o;
	size_t nr = p->nrows + 1, nc = p->ncols + 1, lines = nr + (base_line ? 1 : 0);
	char (*text)[24] = calloc(lines * nc, sizeof *text);
	int *width = calloc(nc, sizeof *width), lw = cols(corner, strlen(corner));

	if (!text || !width) {
		free(text);
		free(width);
		return -1;
	}
	for (size_t i = 0; i < lines; i++) {
		const char *name = i == nr ? "Respondents" : respondents && i == p->nrows ? "All" :
				   row_name(w, p, i, 0);
		int indent = !w->cross && i < p->nrows ? 2 * (w->c->themes[w->sel[i]].depth - 1) : 0;

		if (indent + cols(name, strlen(name)) > lw)
			lw = indent + cols(name, strlen(name));
		for (size_t j = 0; j < nc; j++) {
			size_t at = (i == nr ? p->nrows : i) * nc + j;

			if (respondents || i == nr)
				cell_text(text[i * nc + j], sizeof *text, p->b[at], 0, o, p->sb[at], 0, 0);
			else
				cell_text(text[i * nc + j], sizeof *text, p->v[at], p->b[at], o,
					  p->sv[at], p->sb[at], o->percent);
		}
	}
	if (lw > 38)
		lw = 38;
	for (size_t j = 0; j < nc; j++) {
		const char *head = col_name(w, p, j, 0);
		int word = longest_word(head);
		char h[64];

		width[j] = word > 14 ? 14 : word;
		for (size_t i = 0; i < lines; i++)
			if ((int)strlen(text[i * nc + j]) > width[j])
				width[j] = (int)strlen(text[i * nc + j]);
		if (width[j] < 5)
			width[j] = 5;
		/* Wide enough for the heading to take two lines at most. */
		while (width[j] < 14 && heading_line(head, 2, width[j], h, sizeof h))
			width[j]++;
	}
	/* Too wide for the terminal: the columns in blocks that fit, each under the labels. */
	if (o->width > 0 && lw > o->width * 2 / 5 && lw > 16)
		lw = o->width * 2 / 5 > 16 ? o->width * 2 / 5 : 16;
	for (size_t j0 = 0, j1; j0 < nc; j0 = j1) {
		int used = lw;

		for (j1 = j0; j1 < nc; j1++) {
			if (o->width > 0 && j1 > j0 && used + 2 + width[j1] > o->width)
				break;
			used += 2 + width[j1];
		}
		if (j0)
			fputc('\n', out);
		print_block(w, p, corner, respondents, text, width, lw, lines, j0, j1, out);
	}
	free(text);
	free(width);
	return 0;
}

static int write_table(const struct view *w, FILE *out, struct err *e)
{
	const struct count_cube *c = w->c;
	struct panel p;
	int rc = 0;

	for (size_t k = 0; k < panels(w) && !rc; k++) {
		if (panel_make(w, k, &p, e) < 0)
			return -1;
		if (w->cross) {
			fprintf(out, "%s%s (%s) by %s and %s\n", k ? "\n" : "",
				p.theme < c->nthemes ? c->themes[p.theme].label : "Any theme",
				p.theme < c->nthemes ? c->themes[p.theme].code : "all themes",
				c->dim[0].title, c->dim[1].title);
			rc = print_panel(w, &p, c->dim[0].title, 0, 0, out);
		} else {
			rc = print_panel(w, &p, "Theme", 0, 1, out);
		}
		panel_free(&p);
	}
	if (w->cross && !rc) {
		/* Who could have mentioned a theme: respondents by the two dimensions. */
		if (panel_make(w, w->nsel, &p, e) < 0)
			return -1;
		fprintf(out, "\nRespondents by %s and %s\n", c->dim[0].title, c->dim[1].title);
		rc = print_panel(w, &p, c->dim[0].title, 1, 0, out);
		panel_free(&p);
	}
	return rc;
}

/* ---- machine formats: one record per cell, totals included ---- */

static void xml_attr(const char *name, const char *s, FILE *out)
{
	fprintf(out, " %s=\"", name);
	xml_write_escaped(out, s);
	fputc('"', out);
}

/* One cell as the machine formats see it. */
struct record {
	const char *theme, *theme_label;
	int level;
	const char *code[2], *label[2];
	char count[24], respondents[24], percent[24]; /* "" when hidden */
	int no_percent;  /* nobody to take a percentage of */
	long n_count, n_resp;
};

static void record_make(const struct view *w, const struct panel *p, size_t i, size_t j,
			struct record *r)
{
	const struct count_cube *c = w->c;
	size_t at = i * (p->ncols + 1) + j, t;
	long v = shown(p->v[at], p->sv[at], w->o->suppress);
	long b = shown(p->b[at], p->sb[at], w->o->suppress);

	memset(r, 0, sizeof *r);
	if (w->cross) {
		t = p->theme;
		r->code[0] = row_name(w, p, i, 1);
		r->label[0] = i == p->nrows ? "All" : c->dim[0].values[i].label;
		r->code[1] = col_name(w, p, j, 1);
		r->label[1] = j == p->ncols ? "All" : c->dim[1].values[j].label;
	} else {
		t = i < p->nrows ? w->sel[i] : c->nthemes;
		r->code[0] = col_name(w, p, j, 1);
		r->label[0] = j == p->ncols ? "All" : c->dim[0].values[j].label;
	}
	r->theme = t < c->nthemes ? c->themes[t].code : "(any)";
	r->theme_label = t < c->nthemes ? c->themes[t].label : "Any theme";
	r->level = t < c->nthemes ? c->themes[t].depth : 0;
	if (v >= 0)
		snprintf(r->count, sizeof r->count, "%ld", v);
	if (b >= 0)
		snprintf(r->respondents, sizeof r->respondents, "%ld", b);
	if (v >= 0 && b > 0)
		snprintf(r->percent, sizeof r->percent, "%.1f", 100.0 * (double)v / (double)b);
	r->no_percent = v >= 0 && b == 0;
	r->n_count = v;
	r->n_resp = b;
}

static void write_header(const struct view *w, FILE *out)
{
	const struct count_cube *c = w->c;
	const struct sdc_rule *s = w->o->suppress;

	switch (w->o->format) {
	case COUNT_CSV:
		fputs("theme,theme_label,level", out);
		for (size_t d = 0; d < c->ndims; d++) {
			fputc(',', out);
			char label[256];

			csv_write_field(out, c->dim[d].name);
			fputc(',', out);
			snprintf(label, sizeof label, "%s_label", c->dim[d].name);
			csv_write_field(out, label);
		}
		fputs(",respondents_mentioning,respondents,percent\n", out);
		break;
	case COUNT_JSON:
		fputs("{\n  \"exercise\": {\"code\": ", out);
		json_write_string(out, c->exercise_code);
		fputs(", \"title\": ", out);
		json_write_string(out, c->exercise_title);
		fprintf(out, "},\n  \"ruleset\": \"%s\",\n  \"tags\": \"%s\",\n  \"suppression\": ",
			c->ruleset, c->decisions ? "rules+decisions" : "rules");
		if (s)
			fprintf(out, "{\"threshold\": %ld, \"rounding\": %ld, \"secondary\": %s},\n",
				s->threshold, s->rounding, s->secondary ? "true" : "false");
		else
			fputs("null,\n", out);
		fputs("  \"dimensions\": [", out);
		for (size_t d = 0; d < c->ndims; d++) {
			fputs(d ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
			json_write_string(out, c->dim[d].name);
			fputs(", \"title\": ", out);
			json_write_string(out, c->dim[d].title);
			fputs(", \"values\": [", out);
			for (size_t v = 0; v < c->dim[d].nvalues; v++) {
				fputs(v ? ", {\"code\": " : "{\"code\": ", out);
				json_write_string(out, c->dim[d].values[v].code);
				fputs(", \"label\": ", out);
				json_write_string(out, c->dim[d].values[v].label);
				fputc('}', out);
			}
			fputs("]}", out);
		}
		fputs("\n  ],\n  \"themes\": [", out);
		for (size_t k = 0; k < w->nsel; k++) {
			const struct count_theme *t = &c->themes[w->sel[k]];

			fputs(k ? ",\n    {\"code\": " : "\n    {\"code\": ", out);
			json_write_string(out, t->code);
			fputs(", \"label\": ", out);
			json_write_string(out, t->label);
			fprintf(out, ", \"level\": %d, \"parent\": ", t->depth);
			if (t->parent >= 0)
				json_write_string(out, c->themes[t->parent].code);
			else
				fputs("null", out);
			fputc('}', out);
		}
		fputs("\n  ],\n  \"cells\": [", out);
		break;
	case COUNT_XML:
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<counts", out);
		xml_attr("exercise", c->exercise_code, out);
		xml_attr("title", c->exercise_title, out);
		xml_attr("ruleset", c->ruleset, out);
		xml_attr("tags", c->decisions ? "rules+decisions" : "rules", out);
		fputs(">\n", out);
		if (s)
			fprintf(out, "  <suppression threshold=\"%ld\" rounding=\"%ld\" secondary=\"%s\"/>\n",
				s->threshold, s->rounding, s->secondary ? "yes" : "no");
		for (size_t d = 0; d < c->ndims; d++) {
			fprintf(out, "  <dimension position=\"%zu\"", d + 1);
			xml_attr("name", c->dim[d].name, out);
			xml_attr("title", c->dim[d].title, out);
			fputs(">\n", out);
			for (size_t v = 0; v < c->dim[d].nvalues; v++) {
				fputs("    <value", out);
				xml_attr("code", c->dim[d].values[v].code, out);
				xml_attr("label", c->dim[d].values[v].label, out);
				fputs("/>\n", out);
			}
			fputs("  </dimension>\n", out);
		}
		for (size_t k = 0; k < w->nsel; k++) {
			const struct count_theme *t = &c->themes[w->sel[k]];

			fputs("  <theme", out);
			xml_attr("code", t->code, out);
			xml_attr("label", t->label, out);
			fprintf(out, " level=\"%d\"", t->depth);
			if (t->parent >= 0)
				xml_attr("parent", c->themes[t->parent].code, out);
			fputs("/>\n", out);
		}
		break;
	case COUNT_TABLE:
		break;
	}
}

static void write_record(const struct view *w, const struct record *r, int first, FILE *out)
{
	const struct count_cube *c = w->c;
	char level[16];

	snprintf(level, sizeof level, "%d", r->level);
	switch (w->o->format) {
	case COUNT_CSV:
		csv_write_field(out, r->theme);
		fputc(',', out);
		csv_write_field(out, r->theme_label);
		fprintf(out, ",%s", level);
		for (size_t d = 0; d < c->ndims; d++) {
			fputc(',', out);
			csv_write_field(out, r->code[d]);
			fputc(',', out);
			csv_write_field(out, r->label[d]);
		}
		/* A hidden count is '*', as in the published tables. */
		fprintf(out, ",%s,%s,%s\n", *r->count ? r->count : "*",
			*r->respondents ? r->respondents : "*",
			*r->percent ? r->percent : r->no_percent ? "" : "*");
		break;
	case COUNT_JSON:
		fputs(first ? "\n    {\"theme\": " : ",\n    {\"theme\": ", out);
		json_write_string(out, r->theme);
		for (size_t d = 0; d < c->ndims; d++) {
			fputs(", ", out);
			json_write_string(out, c->dim[d].name);
			fputs(": ", out);
			json_write_string(out, r->code[d]);
		}
		fprintf(out, ", \"count\": %s, \"respondents\": %s, \"percent\": %s",
			*r->count ? r->count : "null", *r->respondents ? r->respondents : "null",
			*r->percent ? r->percent : "null");
		if (!*r->count || !*r->respondents)
			fputs(", \"suppressed\": true", out);
		fputc('}', out);
		break;
	case COUNT_XML:
		fputs("  <cell", out);
		xml_attr("theme", r->theme, out);
		for (size_t d = 0; d < c->ndims; d++)
			xml_attr(d ? "value2" : "value1", r->code[d], out);
		xml_attr("count", *r->count ? r->count : "*", out);
		xml_attr("respondents", *r->respondents ? r->respondents : "*", out);
		if (*r->percent)
			xml_attr("percent", r->percent, out);
		fputs("/>\n", out);
		break;
	case COUNT_TABLE:
		break;
	}
}

static int write_records(const struct view *w, FILE *out, struct err *e)
{
	struct panel p;
	struct record r;
	int first = 1;

	write_header(w, out);
	for (size_t k = 0; k < panels(w); k++) {
		if (panel_make(w, k, &p, e) < 0)
			return -1;
		for (size_t i = 0; i <= p.nrows; i++)
			for (size_t j = 0; j <= p.ncols; j++) {
				record_make(w, &p, i, j, &r);
				write_record(w, &r, first, out);
				first = 0;
			}
		panel_free(&p);
	}
	if (w->o->format == COUNT_JSON)
		fputs("\n  ]\n}\n", out);
	else if (w->o->format == COUNT_XML)
		fputs("</counts>\n", out);
	return 0;
}

/* Sets up the view of `c` that `o` asks for; 0 or -1 with `e` set. */
static int view_init(struct view *w, const struct count_cube *c, const struct count_output *o,
		     struct err *e)
{
	int root = -1;

	memset(w, 0, sizeof *w);
	w->c = c;
	w->o = o;
	w->cross = c->ndims == 2;
	if (o->theme) {
		for (size_t t = 0; t < c->nthemes && root < 0; t++)
			if (!strcmp(c->themes[t].code, o->theme))
				root = (int)t;
		for (size_t t = 0; t < c->nthemes && root < 0; t++)
			if (!strcasecmp(c->themes[t].code, o->theme))
				root = (int)t;
		if (root < 0)
			return err_set(e, EXIT_USAGE, "no theme '%s' in the rule set the database was "
				       "tagged with (see 'analyser counts DB' for the codes)", o->theme);
	}
	if (!(w->sel = malloc((c->nthemes ? c->nthemes : 1) * sizeof *w->sel)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t t = 0; t < c->nthemes; t++)
		if (selected(c, o, t, root))
			w->sel[w->nsel++] = t;
	/* The denominators: one line with its total, or a table of their own. */
	if (o->suppress && base_suppress(w, e) < 0) {
		free(w->sel);
		return -1;
	}
	return 0;
}

static void view_free(struct view *w)
{
	free(w->sel);
	free(w->base_state);
}

int counts_write(const struct count_cube *c, const struct count_output *o, FILE *out,
		 struct err *e)
{
	struct view w;
	int rc;

	if (view_init(&w, c, o, e) < 0)
		return -1;
	rc = o->format == COUNT_TABLE ? write_table(&w, out, e) : write_records(&w, out, e);
	view_free(&w);
	if (rc < 0 && !err_isset(e))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc < 0 ? -1 : 0;
}

/*
 * The merged rows (count_merge), after the themes' table, one dimension
 * only: each is a line of its own, its values adding up to its total, and
 * is suppressed as a line (through the ledger when there is one); a cell
 * where the union is one of its themes' count is named as that theme's. It is
 * not a row of the themes' table: a union of themes is no part of the
 * table's "the rows add up to any theme", and putting it there would change
 * the equations of a table published before. 0, fn's value, or -1.
 */
static int merged_each(const struct view *w, int (*fn)(const struct count_record *r, void *arg),
		       void *arg, struct err *e)
{
	const struct count_cube *c = w->c;
	const struct count_output *o = w->o;
	size_t n0 = c->dim[0].nvalues, all1 = c->dim[1].nvalues;
	long *v = malloc((n0 + 1) * sizeof *v);
	unsigned char *st = malloc(n0 + 1);
	const char **theme = malloc((n0 + 1) * sizeof *theme);
	int rc = 0;

	if (!v || !st || !theme) {
		rc = err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	for (size_t g = c->nreal; g < c->nthemes && !rc; g++) {
		for (size_t j = 0; j <= n0; j++) {
			v[j] = count_cell(c, g, j, all1);
			theme[j] = c->themes[g].code;
			/*
			 * A union no bigger than one of its themes is that theme's
			 * respondents, the same count: the ledger must know it as that
			 * theme's cell, or hiding the two apart would give it away.
			 */
			for (size_t t = 0; t < c->nreal; t++)
				if (c->member[(g - c->nreal) * c->nreal + t] &&
				    count_cell(c, t, j, all1) == v[j]) {
					theme[j] = c->themes[t].code;
					break;
				}
		}
		memset(st, 0, n0 + 1);
		if (o->suppress && o->ledger)
			rc = ledger_suppress(w, v, 0, n0, 1, theme, at_single, NULL, st, e);
		else if (o->suppress && sdc_apply_line(v, n0, o->suppress, st) < 0)
			rc = err_set(e, EXIT_SYSTEM, "out of memory");
		for (size_t j = 0; j <= n0 && !rc; j++) {
			struct count_record cr = { 0 };
			long b = shown(count_base(c, j, all1), w->base_state ? w->base_state[j] : 0,
				       o->suppress);
			char pc[24];

			cr.theme = c->themes[g].code;
			cr.theme_label = c->themes[g].label;
			cr.level = c->themes[g].depth;
			cr.code[0] = j == n0 ? "(all)" : c->dim[0].values[j].code;
			cr.label[0] = j == n0 ? "All" : c->dim[0].values[j].label;
			cr.count = shown(v[j], st[j], o->suppress);
			cr.respondents = b;
			cr.percent = -1;
			if (cr.count >= 0 && b > 0) {
				/* As the themes' records: a percentage of the published numbers, to 0.1. */
				snprintf(pc, sizeof pc, "%.1f", 100.0 * (double)cr.count / (double)b);
				cr.percent = strtod(pc, NULL);
			}
			rc = fn(&cr, arg);
		}
	}
out:
	free(v);
	free(st);
	free(theme);
	return rc;
}

int counts_each(const struct count_cube *c, const struct count_output *o,
		int (*fn)(const struct count_record *r, void *arg), void *arg, struct err *e)
{
	struct view w;
	struct panel p;
	struct record r;
	int rc = 0;

	if (view_init(&w, c, o, e) < 0)
		return -1;
	for (size_t k = 0; k < panels(&w) && !rc; k++) {
		if (panel_make(&w, k, &p, e) < 0) {
			view_free(&w);
			return -1;
		}
		for (size_t i = 0; i <= p.nrows && !rc; i++)
			for (size_t j = 0; j <= p.ncols && !rc; j++) {
				struct count_record cr;

				record_make(&w, &p, i, j, &r);
				cr.theme = r.theme;
				cr.theme_label = r.theme_label;
				cr.level = r.level;
				cr.code[0] = r.code[0];
				cr.code[1] = r.code[1];
				cr.label[0] = r.label[0];
				cr.label[1] = r.label[1];
				cr.count = r.n_count;
				cr.respondents = r.n_resp;
				cr.percent = *r.percent ? strtod(r.percent, NULL) : -1;
				rc = fn(&cr, arg);
			}
		panel_free(&p);
	}
	if (!rc && !w.cross && !o->theme && c->member)
		rc = merged_each(&w, fn, arg, e);
	view_free(&w);
	return rc;
}
