/*
 * report.c: "You said, we did" as one self-contained HTML file.
 *
 * Everything is gathered first (the exercise, the published numbers of
 * three count cubes, the quotes and the actions), then written in one go.
 * The numbers come from counts_each() with disclosure control, exactly as
 * `analyser counts --format csv` publishes them: the district cube gives
 * how many raised each theme and the chart and table by district, the
 * channel cube how people took part, the polarity cube the split into
 * what works well and what could be better.
 *
 * The page is written for a phone first and for print: plain HTML with an
 * inline style sheet, charts as inline SVG with a text alternative and the
 * same numbers as a table, and no scripts or links to anywhere else.
 */
#include "report.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "db.h"
#include "fileutil.h"
#include "redact.h"
#include "utf8.h"

/* ---- text ---------------------------------------------------------------- */

/* Where cleaned text goes: a file, or a buffer known to be big enough. */
struct sink {
	FILE *f;
	char *buf;
	size_t len;
};

static void sink_put(struct sink *k, const char *s, size_t n)
{
	if (k->f) {
		fwrite(s, 1, n, k->f);
	} else {
		memcpy(k->buf + k->len, s, n);
		k->len += n;
	}
}

static int is_space(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/*
 * The n bytes at s, cleaned: valid UTF-8 kept, anything else replaced by
 * U+FFFD; C0 and C1 controls dropped; white space (line and paragraph
 * separators too) collapsed to single spaces and trimmed. With `html` the
 * five characters HTML gives a meaning to are escaped. Writes at most 5n
 * bytes (an escaped '&' is five; a replaced byte three).
 */
static void clean(struct sink *k, const char *s, size_t n, int html)
{
	int space = 0, any = 0;
	size_t i = 0;

	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		const char *put = s + i;
		size_t len = 1;

		if (ch < 0x80) {
			i++;
			if (is_space(ch)) {
				space = any;
				continue;
			}
			if (ch < 0x20 || ch == 0x7f)
				continue;
			if (html) {
				switch (ch) {
				case '&': put = "&amp;"; len = 5; break;
				case '<': put = "&lt;"; len = 4; break;
				case '>': put = "&gt;"; len = 4; break;
				case '"': put = "&quot;"; len = 6; break;
				case '\'': put = "&#39;"; len = 5; break;
				default: break;
				}
			}
		} else {
			size_t want = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
			uint32_t cp;

			if (ch < 0xC2 || want > n - i || !utf8_check(s + i, want, NULL)) {
				put = "\xEF\xBF\xBD";
				len = 3;
				i++;
			} else {
				const unsigned char *u = (const unsigned char *)s + i;

				cp = want == 2 ? (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F) :
				     want == 3 ? (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
						 (u[2] & 0x3F) :
				     (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
				     (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
				len = want;
				i += want;
				if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
					space = any;
					continue;
				}
				if (cp < 0xA0)
					continue;
			}
		}
		if (space)
			sink_put(k, " ", 1);
		space = 0;
		any = 1;
		sink_put(k, put, len);
	}
}

void report_html_text(FILE *out, const char *s, size_t n)
{
	struct sink k = { .f = out };

	clean(&k, s, n, 1);
}

/* A cleaned, unescaped copy of the n bytes at s; NULL when out of memory. */
static char *text_clean(const char *s, size_t n)
{
	struct sink k = { 0 };

	if (n > (SIZE_MAX - 1) / 3 || !(k.buf = malloc(3 * n + 1)))
		return NULL;
	clean(&k, s, n, 0);
	k.buf[k.len] = '\0';
	return k.buf;
}

/* Characters (code points) in valid UTF-8. */
static size_t text_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* True when `s` holds `needle` (ASCII), ignoring case. */
static int has_word(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++) {
		size_t k = 0;

		while (k < n && s[k] && (s[k] | 0x20) == (needle[k] | 0x20))
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

/* ---- dates and numbers --------------------------------------------------- */

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

/* An ISO date (YYYY-MM-DD, anything after ignored) into its parts. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
	int n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || n != 10 || *m < 1 || *m > 12 ||
	    *d < 1 || *d > 31)
		return -1;
	return 0;
}

/* "3 June to 25 August 2019"; either date unreadable: both as they are. */
static void date_range(char *buf, size_t cap, const char *from, const char *to)
{
	int y1, m1, d1, y2, m2, d2;

	if (parse_date(from, &y1, &m1, &d1) < 0 || parse_date(to, &y2, &m2, &d2) < 0)
		snprintf(buf, cap, "%s to %s", from ? from : "?", to ? to : "?");
	else if (y1 == y2 && m1 == m2)
		snprintf(buf, cap, "%d to %d %s %d", d1, d2, month_names[m2 - 1], y2);
	else if (y1 == y2)
		snprintf(buf, cap, "%d %s to %d %s %d", d1, month_names[m1 - 1], d2,
			 month_names[m2 - 1], y2);
	else
		snprintf(buf, cap, "%d %s %d to %d %s %d", d1, month_names[m1 - 1], y1, d2,
			 month_names[m2 - 1], y2);
}

/* "1 November 2019", or the text as it is when it is not an ISO date. */
static void date_text(char *buf, size_t cap, const char *iso)
{
	int y, m, d;

	if (parse_date(iso, &y, &m, &d) < 0)
		snprintf(buf, cap, "%s", iso);
	else
		snprintf(buf, cap, "%d %s %d", d, month_names[m - 1], y);
}

/* A count with thousands separators: 1,250. */
static const char *num(char *buf, size_t cap, long v)
{
	char digits[32];
	size_t n, k = 0;

	snprintf(digits, sizeof digits, "%ld", v < 0 ? 0 : v);
	n = strlen(digits);
	for (size_t i = 0; i < n && k + 2 < cap; i++) {
		buf[k++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			buf[k++] = ',';
	}
	buf[k] = '\0';
	return buf;
}

/* ---- published numbers --------------------------------------------------- */

/*
 * One cube's numbers as published: for every theme (and "any theme" last)
 * and every value of its one dimension (and "all" last), the count, the
 * respondents and the percentage, -1 where hidden (or no percentage).
 */
struct pub {
	struct count_cube *c;
	size_t nt, nv;          /* themes and values, each with its margin */
	long *count, *resp;
	double *pct;
	size_t next;            /* records taken so far */
};

static size_t pub_at(const struct pub *p, size_t t, size_t v)
{
	return t * p->nv + v;
}

/* counts_each() gives the cells row by row; each is checked to be the one expected. */
static int pub_take(const struct count_record *r, void *arg)
{
	struct pub *p = arg;
	const struct count_cube *c = p->c;
	size_t t = p->next / p->nv, v = p->next % p->nv;

	if (t >= p->nt ||
	    strcmp(r->theme, t < c->nthemes ? c->themes[t].code : "(any)") ||
	    strcmp(r->code[0], v < c->dim[0].nvalues ? c->dim[0].values[v].code : "(all)"))
		return 1;
	p->count[p->next] = r->count;
	p->resp[p->next] = r->respondents;
	p->pct[p->next] = r->percent;
	p->next++;
	return 0;
}

static void pub_release(struct pub *p)
{
	count_cube_free(p->c);
	free(p->count);
	free(p->resp);
	free(p->pct);
	memset(p, 0, sizeof *p);
}

static int pub_load(sqlite3 *db, long long ex, const char *by, const struct report_options *opt,
		    struct pub *p, struct err *e)
{
	struct count_output o = { .format = COUNT_CSV, .suppress = &opt->rule, .ledger = opt->ledger };
	int rc;

	memset(p, 0, sizeof *p);
	if (!(p->c = counts_build(db, ex, by, e)))
		return -1;
	p->nt = p->c->nthemes + 1;
	p->nv = p->c->dim[0].nvalues + 1;
	p->count = calloc(p->nt * p->nv, sizeof *p->count);
	p->resp = calloc(p->nt * p->nv, sizeof *p->resp);
	p->pct = calloc(p->nt * p->nv, sizeof *p->pct);
	if (!p->count || !p->resp || !p->pct)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	rc = counts_each(p->c, &o, pub_take, p, e);
	if (rc < 0)
		return -1;
	if (rc > 0 || p->next != p->nt * p->nv)
		return err_set(e, EXIT_SYSTEM, "the published counts by %s are not in the order "
			       "expected (record %zu)", by, p->next + 1);
	return 0;
}

/* The value of the cube's dimension with this code, or nvalues. */
static size_t value_index(const struct count_cube *c, const char *code)
{
	size_t v;

	for (v = 0; v < c->dim[0].nvalues && strcmp(c->dim[0].values[v].code, code); v++)
		;
	return v;
}

/* ---- the report's contents ----------------------------------------------- */

struct quote {
	char *text;             /* cleaned and redacted */
	size_t value;           /* the respondent's district in the district cube */
	int polarity;           /* 0 works well, 1 could be better, 2 other */
};

struct action {
	char *theme, *text, *owner, *date;
	long theme_index;       /* in the cubes; -1 when not in the rule set */
	long section;           /* the top theme it is shown under; -1: "other" */
};

struct report {
	sqlite3 *db;
	long long ex;
	const struct report_options *opt;
	FILE *f;
	char *code, *title, *org, *desc, *opens, *closes;
	char *rules_file;
	long events[4];         /* listening events, roadshows, staff events, other */
	struct pub d, ch, pol;  /* by district, channel and polarity */
	size_t *top, ntop;      /* theme indexes, most raised first */
	struct quote (*quotes)[REPORT_QUOTES];
	size_t *nquotes;
	struct action *actions;
	size_t nactions;
	int ids;                /* for id="t1", "t2", ...: tables and charts */
	struct redactor *red;   /* every quote goes through it */
};

static void report_release(struct report *r)
{
	free(r->code);
	free(r->title);
	free(r->org);
	free(r->desc);
	free(r->opens);
	free(r->closes);
	free(r->rules_file);
	pub_release(&r->d);
	pub_release(&r->ch);
	pub_release(&r->pol);
	for (size_t k = 0; r->quotes && r->nquotes && k < r->ntop; k++)
		for (size_t i = 0; i < r->nquotes[k]; i++)
			free(r->quotes[k][i].text);
	free(r->quotes);
	free(r->nquotes);
	free(r->top);
	for (size_t i = 0; i < r->nactions; i++) {
		free(r->actions[i].theme);
		free(r->actions[i].text);
		free(r->actions[i].owner);
		free(r->actions[i].date);
	}
	free(r->actions);
	redactor_free(r->red);
}

static int load_exercise(struct report *r, struct err *e)
{
	static const char *const kinds[] = { "listening-event", "roadshow", "staff-event", "other" };
	sqlite3_stmt *st = db_prepare(r->db, "SELECT code, title, organisation, description, opens, "
				      "closes, (SELECT file_name FROM ruleset WHERE exercise_id = ?1) "
				      "FROM exercise WHERE id = ?1", e);
	char ex[32];
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->code = dup_col(st, 0);
		r->title = dup_col(st, 1);
		r->org = dup_col(st, 2);
		r->desc = dup_col(st, 3);
		r->opens = dup_col(st, 4);
		r->closes = dup_col(st, 5);
		r->rules_file = dup_col(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(r->db, "reading the exercise", e);
	if (!r->code || !r->title || !r->opens || !r->closes)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	snprintf(ex, sizeof ex, "%lld", r->ex);
	for (size_t k = 0; k < 4; k++) {
		long long n;

		if (db_int(r->db, "SELECT count(*) FROM event WHERE exercise_id = ?1 AND kind = ?2",
			   0, &n, e, 2, ex, kinds[k]) < 0)
			return -1;
		r->events[k] = (long)n;
	}
	return 0;
}

/* Level-1 themes by how many raised them (as published), ties in rule-file order. */
static int pick_top(struct report *r, struct err *e)
{
	const struct count_cube *c = r->d.c;
	size_t all = c->dim[0].nvalues;

	if (!(r->top = malloc((c->nthemes + 1) * sizeof *r->top)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t t = 0; t < c->nthemes; t++) {
		long v = r->d.count[pub_at(&r->d, t, all)];

		if (c->themes[t].depth != 1 || v == 0)
			continue;
		/* Insertion keeps file order among equals; hidden counts go last. */
		size_t k = r->ntop;

		while (k > 0 && r->d.count[pub_at(&r->d, r->top[k - 1], all)] < v)
			k--;
		memmove(r->top + k + 1, r->top + k, (r->ntop - k) * sizeof *r->top);
		r->top[k] = t;
		r->ntop++;
	}
	if (r->ntop > (size_t)r->opt->top)
		r->ntop = (size_t)r->opt->top;
	r->quotes = calloc(r->ntop ? r->ntop : 1, sizeof *r->quotes);
	r->nquotes = calloc(r->ntop ? r->ntop : 1, sizeof *r->nquotes);
	if (!r->quotes || !r->nquotes)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return 0;
}

/* ---- quotes ---------------------------------------------------------------- */

struct cand {
	long long answer, response;
	uint64_t hash;
	size_t value;
	int polarity;
	char *raw;
	char *text;             /* cleaned and redacted, once looked at */
	int looked, ok, clean;  /* ok: usable; clean: redaction changed nothing */
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->answer > y->answer) - (x->answer < y->answer);
}

/* FNV-1a over the theme code and the answer: a fixed order that is not the import order. */
static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Cleans and redacts a candidate and says whether it makes a quote. 0 or -1 (memory). */
static int cand_look(const struct redactor *rd, struct cand *c)
{
	struct redact_counts counts;
	char *clean1, *red;
	size_t n;

	if (c->looked)
		return 0;
	c->looked = 1;
	if (!(clean1 = text_clean(c->raw, strlen(c->raw))))
		return -1;
	memset(&counts, 0, sizeof counts);
	red = redactor_apply(rd, clean1, strlen(clean1), &counts);
	if (!red) {
		free(clean1);
		return -1;
	}
	c->text = text_clean(red, strlen(red));
	c->clean = !strcmp(clean1, red);
	free(clean1);
	free(red);
	if (!c->text)
		return -1;
	n = text_chars(c->text);
	/* Links are not quoted: the page links nowhere, and a link can say who someone is. */
	c->ok = n >= REPORT_QUOTE_MIN && n <= REPORT_QUOTE_MAX && !has_word(c->text, "://") &&
		!has_word(c->text, "www.");
	return 0;
}

/*
 * Whether a quote for theme t from district cell `value` of kind `polarity`
 * would come from a cell the page hides: the theme's count there by
 * district, or by the kind of question the caption names. A quote from a
 * hidden cell would say that someone there raised the theme, and in their
 * own words: the very thing hiding the count protects.
 */
static int quote_hidden(const struct report *r, size_t t, size_t value, int polarity)
{
	const struct count_cube *pc = r->pol.c;
	size_t kind;

	if (r->d.count[pub_at(&r->d, t, value)] < 0)
		return 1;
	if (polarity > 1)
		return 0;
	kind = value_index(pc, polarity ? "could-be-better" : "works-well");
	return kind < pc->dim[0].nvalues && r->pol.count[pub_at(&r->pol, t, kind)] < 0;
}

/*
 * Up to REPORT_QUOTES quotes for top theme k: answers tagged with the theme
 * or a sub-theme, from responses that count, REPORT_QUOTE_MIN to
 * REPORT_QUOTE_MAX characters once redacted, never two from one response
 * or two the same. Candidates are taken in a fixed pseudo-random order, in
 * passes that ask less each time: first from a district and a kind of
 * question (what works well, what could be better) not yet quoted and
 * needing no redaction, last anything left. Never from a cell the page
 * hides (quote_hidden()).
 */
static int pick_quotes(struct report *r, size_t k, struct err *e)
{
	const struct count_cube *c = r->d.c;
	const char *code = c->themes[r->top[k]].code;
	sqlite3_stmt *st = db_prepare(r->db,
		"WITH RECURSIVE sub(id) AS ("
		" SELECT h.id FROM theme h JOIN ruleset s ON s.id = h.ruleset_id"
		" WHERE s.exercise_id = ?1 AND h.code = ?2"
		" UNION SELECT h.id FROM theme h JOIN sub ON h.parent_id = sub.id) "
		"SELECT DISTINCT a.id, a.response_id, a.value, r.district_code, r.district_source, "
		"coalesce(m.polarity, q.polarity) FROM tag t JOIN sub ON sub.id = t.theme_id "
		"JOIN answer a ON a.id = t.answer_id JOIN response r ON r.id = a.response_id "
		"JOIN question q ON q.id = a.question_id LEFT JOIN question m ON m.id = q.maps_to "
		"WHERE r.exercise_id = ?1 AND (r.entry_status = 'accepted' OR "
		"r.entry_status = 'verified') AND length(a.value) BETWEEN ?3 AND ?4 "
		"ORDER BY a.id", e);
	struct cand *cs = NULL;
	size_t n = 0, cap = 0, used[REPORT_QUOTES];
	int rc, ret = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->ex);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, REPORT_QUOTE_MIN / 2);
	sqlite3_bind_int(st, 4, REPORT_QUOTE_MAX * 4);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *value = (const char *)sqlite3_column_blob(st, 2);
		int len = sqlite3_column_bytes(st, 2);
		const char *district = (const char *)sqlite3_column_text(st, 3);
		const char *source = (const char *)sqlite3_column_text(st, 4);
		const char *pol = (const char *)sqlite3_column_text(st, 5);
		struct cand *x;

		if (!value)
			continue;
		if (n == cap) {
			struct cand *b = realloc(cs, (cap = cap ? 2 * cap : 64) * sizeof *b);

			if (!b)
				goto oom;
			cs = b;
		}
		x = &cs[n];
		memset(x, 0, sizeof *x);
		x->answer = sqlite3_column_int64(st, 0);
		x->response = sqlite3_column_int64(st, 1);
		if (!(x->raw = malloc((size_t)len + 1)))
			goto oom;
		memcpy(x->raw, value, (size_t)len);
		x->raw[len] = '\0';
		n++;
		x->hash = fnv(fnv(0xcbf29ce484222325ULL, code, strlen(code) + 1), x->raw, (size_t)len);
		x->value = value_index(c, district ? district : source && !strcmp(source, "out-of-area") ?
				       "(outside)" : "(unknown)");
		x->polarity = pol && !strcmp(pol, "works-well") ? 0 :
			      pol && !strcmp(pol, "could-be-better") ? 1 : 2;
		if (quote_hidden(r, r->top[k], x->value, x->polarity)) {
			free(x->raw);
			n--;
		}
	}
	if (rc != SQLITE_DONE) {
		db_fail(r->db, "reading the answers to quote", e);
		goto out;
	}
	if (n)
		qsort(cs, n, sizeof *cs, cand_cmp);
	for (int pass = 0; pass < 6 && r->nquotes[k] < REPORT_QUOTES; pass++) {
		int need_place = pass < 4, need_kind = pass < 2, need_clean = pass % 2 == 0;

		for (size_t i = 0; i < n && r->nquotes[k] < REPORT_QUOTES; i++) {
			struct cand *x = &cs[i];
			struct quote *q = r->quotes[k];
			size_t nq = r->nquotes[k], j;

			for (j = 0; j < nq; j++)
				if (cs[used[j]].response == x->response ||
				    (need_place && q[j].value == x->value) ||
				    (need_kind && q[j].polarity == x->polarity))
					break;
			if (j < nq)
				continue;
			if (cand_look(r->red, x) < 0)
				goto oom;
			if (!x->ok || (need_clean && !x->clean))
				continue;
			for (j = 0; j < nq && strcmp(q[j].text, x->text); j++)
				;
			if (j < nq)
				continue;
			q[nq].text = x->text;
			q[nq].value = x->value;
			q[nq].polarity = x->polarity;
			x->text = NULL;
			x->ok = 0;
			used[nq] = i;
			r->nquotes[k]++;
		}
	}
	ret = 0;
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++) {
		free(cs[i].raw);
		free(cs[i].text);
	}
	free(cs);
	return ret;
}

/* ---- actions ---------------------------------------------------------------- */

static int load_actions(struct report *r, struct err *e)
{
	const struct count_cube *c = r->d.c;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT theme_code, text, owner, action_date FROM action "
				      "WHERE exercise_id = ?1 ORDER BY theme_code, "
				      "action_date IS NULL, action_date, id", e);
	size_t cap = 0;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct action *a;

		if (r->nactions == cap) {
			struct action *b = realloc(r->actions, (cap = cap ? 2 * cap : 16) * sizeof *b);

			if (!b)
				break;
			r->actions = b;
		}
		a = &r->actions[r->nactions++];
		memset(a, 0, sizeof *a);
		a->theme = dup_col(st, 0);
		a->text = dup_col(st, 1);
		a->owner = dup_col(st, 2);
		a->date = dup_col(st, 3);
		if (!a->theme || !a->text || (!a->owner && sqlite3_column_type(st, 2) != SQLITE_NULL) ||
		    (!a->date && sqlite3_column_type(st, 3) != SQLITE_NULL))
			break;
		a->theme_index = -1;
		a->section = -1;
		for (size_t t = 0; t < c->nthemes && a->theme_index < 0; t++)
			if (!strcmp(c->themes[t].code, a->theme))
				a->theme_index = (long)t;
		/* Under the top theme it belongs to, itself or an ancestor. */
		for (long t = a->theme_index; t >= 0 && a->section < 0; t = c->themes[t].parent)
			for (size_t k = 0; k < r->ntop; k++)
				if (r->top[k] == (size_t)t)
					a->section = (long)k;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "reading the actions", e);
	return 0;
}

/* ---- writing ---------------------------------------------------------------- */

static const char style[] =
	"*,*::before,*::after{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
	"body{margin:0;background:#fff;color:#212b32;font-family:Arial,\"Helvetica Neue\","
	"Helvetica,sans-serif;font-size:1.0625rem;line-height:1.5}"
	".wrap{max-width:46rem;margin:0 auto;padding:0 1rem}"
	"a{color:#005eb8}"
	"a:focus{outline:3px solid transparent;background:#ffeb3b;color:#212b32;"
	"text-decoration:none;box-shadow:0 -2px #ffeb3b,0 4px #212b32}"
	".skip{position:absolute;left:-9999px;top:0}"
	".skip:focus{left:1rem;top:1rem;padding:.5rem;z-index:1}"
	"main:focus{outline:none}"
	"header{background:#005eb8;color:#fff;padding:1rem 0}"
	"header p{margin:0;font-weight:bold}"
	"header .kind{font-weight:normal}"
	"h1{font-size:2rem;line-height:1.2;margin:1.5rem 0 1rem}"
	"h2{font-size:1.5rem;line-height:1.25;margin:2.5rem 0 .75rem;padding-top:1rem;"
	"border-top:2px solid #d8dde0}"
	"h3{font-size:1.1875rem;line-height:1.3;margin:1.75rem 0 .5rem}"
	"p,ul,ol{margin:0 0 1rem}"
	".lead{font-size:1.25rem}"
	".table-wrap{overflow-x:auto;margin:0 0 1rem}"
	".table-wrap:focus{outline:3px solid #212b32;outline-offset:2px}"
	"table{border-collapse:collapse;width:100%;max-width:36rem;"
	"font-variant-numeric:tabular-nums}"
	"caption{text-align:left;font-weight:bold;padding:0 0 .5rem}"
	"th,td{border-bottom:1px solid #d8dde0;padding:.4rem .5rem;text-align:left;"
	"vertical-align:top}"
	"td,thead th.n{text-align:right}"
	"thead th{border-bottom:2px solid #212b32;vertical-align:bottom}"
	"tbody th{font-weight:normal}"
	"tr.all th,tr.all td{font-weight:bold;border-top:2px solid #212b32}"
	"@media (max-width:30rem){th,td{padding:.4rem .25rem}}"
	".note{color:#4c6272;font-size:.9375rem}"
	".chart{margin:0 0 1rem}"
	".chart svg{display:block;max-width:100%;height:auto}"
	".chart text{font-size:16px;fill:#212b32}"
	".chart .bar{fill:#005eb8}"
	"figure.quote{margin:0 0 1rem;padding:.75rem 1rem;background:#f0f4f5;"
	"border-left:6px solid #005eb8}"
	"blockquote{margin:0;font-size:1.125rem}"
	"blockquote p{margin:0}"
	"figcaption{margin-top:.5rem;color:#4c6272;font-size:.9375rem}"
	".actions li{margin-bottom:.75rem}"
	".actions p{margin:0}"
	".meta{color:#4c6272;font-size:.9375rem}"
	"footer{margin-top:3rem;border-top:2px solid #d8dde0;padding:1rem 0 2rem;color:#4c6272;"
	"font-size:.9375rem}"
	"@media print{"
	"body{font-size:11pt;color:#000}"
	"header{background:none;color:#000;padding:0}"
	".skip,nav{display:none}"
	".wrap{max-width:none;padding:0}"
	".table-wrap{overflow:visible}"
	"h2,h3{break-after:avoid;page-break-after:avoid}"
	"table,figure,.chart,li{break-inside:avoid;page-break-inside:avoid}"
	"a{color:#000;text-decoration:none}"
	"}";

static void put(struct report *r, const char *s)
{
	fputs(s, r->f);
}

static void putf(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
}

/* Database text, cleaned and escaped. */
static void esc(struct report *r, const char *s)
{
	if (s)
		report_html_text(r->f, s, strlen(s));
}

static int rounded(const struct report *r)
{
	return r->opt->rule.rounding > 1;
}

/* "about 305" (or "305" when numbers are exact); a hidden count is not for here. */
static void about(struct report *r, long v)
{
	char b[32];

	putf(r, "%s%s", rounded(r) && v > 0 ? "about " : "", num(b, sizeof b, v));
}

/* A table cell's number: "*" when hidden. */
static void cell(struct report *r, long v)
{
	char b[32];

	if (v < 0)
		put(r, "<td>*</td>");
	else
		putf(r, "<td>%s</td>", num(b, sizeof b, v));
}

/* The label of value v of the district or channel dimension. */
static const char *value_label(const struct count_cube *c, size_t v)
{
	return v < c->dim[0].nvalues ? c->dim[0].values[v].label : "All";
}

/* Opens a table that scrolls sideways on a narrow screen; returns its id number. */
static int table_open(struct report *r, const char *attrs)
{
	int id = ++r->ids;

	putf(r, "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"t%d\" tabindex=\"0\">"
	     "\n<table%s>\n<caption id=\"t%d\">", id, attrs, id);
	return id;
}

static void hidden_note(struct report *r)
{
	put(r, "<p class=\"note\">* Not shown, to protect people&#39;s privacy "
	    "(see <a href=\"#about\">About these numbers</a>).</p>\n");
}

/* "Who took part": respondents by one dimension (the base line of a cube). */
static void write_took_part(struct report *r, const struct pub *p, const char *by,
			    const char *caption, const char *head)
{
	const struct count_cube *c = p->c;
	size_t any = c->nthemes, nv = c->dim[0].nvalues;
	int hidden = 0;
	char attrs[64];

	snprintf(attrs, sizeof attrs, " data-by=\"%s\"", by);
	table_open(r, attrs);
	putf(r, "%s</caption>\n<thead><tr><th scope=\"col\">%s</th>"
	     "<th scope=\"col\" class=\"n\">People</th></tr></thead>\n<tbody>\n", caption, head);
	for (size_t v = 0; v <= nv; v++) {
		long b = p->resp[pub_at(p, any, v)];

		putf(r, "<tr%s data-code=\"", v == nv ? " class=\"all\"" : "");
		esc(r, v < nv ? c->dim[0].values[v].code : "(all)");
		put(r, "\"><th scope=\"row\">");
		esc(r, value_label(c, v));
		put(r, "</th>");
		cell(r, b);
		put(r, "</tr>\n");
		hidden |= b < 0;
	}
	put(r, "</tbody>\n</table>\n</div>\n");
	if (hidden)
		hidden_note(r);
}

/* A value shows in a theme's chart and table unless nobody there took part at all. */
static int value_shown(const struct pub *p, size_t v)
{
	return p->resp[pub_at(p, p->c->nthemes, v)] != 0;
}

/* Chart geometry, in SVG units: a row is a label line over a bar with its number. */
#define CHART_W 360
#define CHART_ROW 48
#define CHART_BAR 260  /* the longest bar; the rest of the width takes its number */

/* An SVG bar chart of theme t by district, with its numbers in words for screen readers. */
static void write_chart(struct report *r, size_t t)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t nv = c->dim[0].nvalues, rows = 0;
	long max = 0, y, h;
	int id = ++r->ids;
	char b[32];

	for (size_t v = 0; v < nv; v++) {
		long n = p->count[pub_at(p, t, v)];

		if (!value_shown(p, v))
			continue;
		rows++;
		if (n > max)
			max = n;
	}
	h = 6 + (long)rows * CHART_ROW;
	putf(r, "<div class=\"chart\">\n<svg role=\"img\" aria-labelledby=\"c%dt c%dd\" "
	     "width=\"%d\" height=\"%ld\" viewBox=\"0 0 %d %ld\" focusable=\"false\">\n"
	     "<title id=\"c%dt\">Bar chart: people who raised ", id, id, CHART_W, h, CHART_W, h, id);
	esc(r, c->themes[t].label);
	putf(r, ", by district</title>\n<desc id=\"c%dd\">", id);
	for (size_t v = 0, k = 0; v < nv; v++) {
		long n = p->count[pub_at(p, t, v)];

		if (!value_shown(p, v))
			continue;
		put(r, k++ ? "; " : "");
		esc(r, c->dim[0].values[v].label);
		if (n < 0)
			put(r, ": not shown");
		else
			putf(r, ": %s", num(b, sizeof b, n));
	}
	put(r, ".</desc>\n");
	y = 0;
	for (size_t v = 0; v < nv; v++) {
		long n = p->count[pub_at(p, t, v)];

		if (!value_shown(p, v))
			continue;
		putf(r, "<text x=\"0\" y=\"%ld\">", y + 17);
		esc(r, c->dim[0].values[v].label);
		put(r, "</text>\n");
		if (n < 0) {
			/* No bar for a hidden count: a bar's length would give it away. */
			putf(r, "<text x=\"0\" y=\"%ld\">not shown *</text>\n", y + 39);
		} else {
			long w = max > 0 ? (n * CHART_BAR + max / 2) / max : 0;

			if (n > 0 && w < 2)
				w = 2;
			if (w > 0)
				putf(r, "<rect class=\"bar\" x=\"0\" y=\"%ld\" width=\"%ld\" "
				     "height=\"18\"/>\n", y + 24, w);
			putf(r, "<text x=\"%ld\" y=\"%ld\">%s</text>\n", w + (w ? 6 : 0), y + 39,
			     num(b, sizeof b, n));
		}
		y += CHART_ROW;
	}
	put(r, "</svg>\n</div>\n");
}

/* The same numbers as the chart, with who took part and the share. */
static void write_theme_table(struct report *r, size_t t)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t nv = c->dim[0].nvalues;
	int hidden = 0;

	table_open(r, " data-by=\"district\"");
	put(r, "People who raised ");
	esc(r, c->themes[t].label);
	put(r, ", by district</caption>\n<thead><tr><th scope=\"col\">District</th>"
	    "<th scope=\"col\" class=\"n\">Raised this</th><th scope=\"col\" class=\"n\">Took part"
	    "</th><th scope=\"col\" class=\"n\">Share</th></tr></thead>\n<tbody>\n");
	for (size_t v = 0; v <= nv; v++) {
		size_t at = pub_at(p, t, v);

		if (v < nv && !value_shown(p, v))
			continue;
		putf(r, "<tr%s data-theme=\"", v == nv ? " class=\"all\"" : "");
		esc(r, c->themes[t].code);
		put(r, "\" data-code=\"");
		esc(r, v < nv ? c->dim[0].values[v].code : "(all)");
		put(r, "\"><th scope=\"row\">");
		esc(r, v < nv ? c->dim[0].values[v].label : "All districts");
		put(r, "</th>");
		cell(r, p->count[at]);
		cell(r, p->resp[at]);
		if (p->pct[at] >= 0)
			putf(r, "<td>%.1f%%</td>", p->pct[at]);
		else
			put(r, p->count[at] < 0 || p->resp[at] < 0 ? "<td>*</td>" : "<td>-</td>");
		put(r, "</tr>\n");
		hidden |= p->count[at] < 0 || p->resp[at] < 0;
	}
	put(r, "</tbody>\n</table>\n</div>\n");
	if (hidden)
		hidden_note(r);
}

static int sub_cmp_count(const struct pub *p, size_t a, size_t b)
{
	size_t all = p->c->dim[0].nvalues;
	long x = p->count[pub_at(p, a, all)], y = p->count[pub_at(p, b, all)];

	return x != y ? (x > y ? -1 : 1) : (a > b) - (a < b);
}

/* The sub-themes of t, most raised first, with their numbers; those nobody raised left out. */
static int write_subthemes(struct report *r, size_t t, struct err *e)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t all = c->dim[0].nvalues, n = 0, *sub = malloc((c->nthemes + 1) * sizeof *sub);

	if (!sub)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t s = 0; s < c->nthemes; s++)
		if (c->themes[s].parent == (int)t && p->count[pub_at(p, s, all)] != 0) {
			size_t k = n++;

			while (k > 0 && sub_cmp_count(p, sub[k - 1], s) > 0) {
				sub[k] = sub[k - 1];
				k--;
			}
			sub[k] = s;
		}
	if (n) {
		put(r, "<h3>What they talked about</h3>\n<ul class=\"subthemes\">\n");
		for (size_t k = 0; k < n; k++) {
			long v = p->count[pub_at(p, sub[k], all)];

			putf(r, "<li data-theme=\"");
			esc(r, c->themes[sub[k]].code);
			put(r, "\">");
			esc(r, c->themes[sub[k]].label);
			if (v < 0) {
				put(r, ": number not shown</li>\n");
			} else {
				put(r, ": ");
				about(r, v);
				putf(r, " %s</li>\n", v == 1 ? "person" : "people");
			}
		}
		put(r, "</ul>\n");
	}
	free(sub);
	return 0;
}

/* "Of them, about 305 said what works well and about 400 said what could be better." */
static void write_polarity(struct report *r, size_t t)
{
	const struct pub *p = &r->pol;
	const struct count_cube *c = p->c;
	size_t well = value_index(c, "works-well"), better = value_index(c, "could-be-better");
	size_t any = c->nthemes;
	long n[2];

	if (well >= c->dim[0].nvalues || better >= c->dim[0].nvalues)
		return;
	/* Only when the exercise asked questions with a polarity at all. */
	if (!p->resp[pub_at(p, any, well)] && !p->resp[pub_at(p, any, better)])
		return;
	n[0] = p->count[pub_at(p, t, well)];
	n[1] = p->count[pub_at(p, t, better)];
	put(r, "<p class=\"polarity\">Of them, ");
	for (int k = 0; k < 2; k++) {
		const char *what = k ? "what could be better" : "what works well";

		if (k)
			put(r, ", and ");
		if (n[k] < 0) {
			putf(r, "<span data-polarity=\"%s\">some said %s (the number is not shown)</span>",
			     k ? "could-be-better" : "works-well", what);
		} else if (n[k] == 0) {
			putf(r, "<span data-polarity=\"%s\">nobody said %s</span>",
			     k ? "could-be-better" : "works-well", what);
		} else {
			putf(r, "<span data-polarity=\"%s\">", k ? "could-be-better" : "works-well");
			about(r, n[k]);
			putf(r, " said %s</span>", what);
		}
	}
	put(r, ".</p>\n");
}

static void write_quotes(struct report *r, size_t k)
{
	const struct count_cube *c = r->d.c;
	size_t nv = c->dim[0].nvalues;

	put(r, "<h3>What people said</h3>\n");
	if (!r->nquotes[k]) {
		put(r, "<p>We have no short quotes to show for this theme.</p>\n");
		return;
	}
	for (size_t i = 0; i < r->nquotes[k]; i++) {
		const struct quote *q = &r->quotes[k][i];
		const char *code = q->value < nv ? c->dim[0].values[q->value].code : "";

		put(r, "<figure class=\"quote\">\n<blockquote><p>\xE2\x80\x9C");
		esc(r, q->text);
		put(r, "\xE2\x80\x9D</p></blockquote>\n<figcaption>");
		if (!strcmp(code, "(outside)")) {
			put(r, "Someone from outside the area");
		} else if (!strcmp(code, "(unknown)") || !*code) {
			put(r, "Someone who took part");
		} else {
			put(r, "Someone in ");
			esc(r, c->dim[0].values[q->value].label);
		}
		put(r, q->polarity == 0 ? ", asked what works well" :
		       q->polarity == 1 ? ", asked what could be better" : "");
		put(r, "</figcaption>\n</figure>\n");
	}
}

/* Action text: paragraphs at blank lines, each cleaned. */
static void write_action_text(struct report *r, const char *s)
{
	while (*s) {
		const char *end = strstr(s, "\n\n");
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char *para = text_clean(s, n);

		if (para && *para) {
			put(r, "<p>");
			esc(r, para);
			put(r, "</p>");
		} else if (!para) {
			put(r, "<p>");
			report_html_text(r->f, s, n);
			put(r, "</p>");
		}
		free(para);
		s += n;
		while (*s == '\n' || *s == '\r')
			s++;
	}
}

static void write_action(struct report *r, const struct action *a, int with_theme)
{
	const struct count_cube *c = r->d.c;
	char date[64];

	put(r, "<li data-theme=\"");
	esc(r, a->theme);
	put(r, "\">");
	if (with_theme) {
		put(r, "<p><strong>");
		esc(r, a->theme_index >= 0 ? c->themes[a->theme_index].label : a->theme);
		put(r, "</strong></p>");
	}
	write_action_text(r, a->text);
	if (a->owner || a->date) {
		put(r, "<p class=\"meta\">");
		if (a->owner) {
			put(r, "Who: ");
			esc(r, a->owner);
			put(r, a->date ? ". " : ".");
		}
		if (a->date) {
			date_text(date, sizeof date, a->date);
			put(r, "When: ");
			esc(r, date);
			put(r, ".");
		}
		put(r, "</p>");
	}
	put(r, "</li>\n");
}

static void write_actions(struct report *r, size_t k)
{
	size_t t = r->top[k], n = 0;

	put(r, "<h3>What we did</h3>\n");
	for (size_t i = 0; i < r->nactions; i++) {
		const struct action *a = &r->actions[i];

		if (a->section != (long)k)
			continue;
		put(r, n++ ? "" : "<ul class=\"actions\">\n");
		write_action(r, a, a->theme_index != (long)t);
	}
	put(r, n ? "</ul>\n" : "<p>We will report what we did about this.</p>\n");
}

static int write_theme(struct report *r, size_t k, struct err *e)
{
	const struct pub *p = &r->d;
	const struct count_cube *c = p->c;
	size_t t = r->top[k], all = c->dim[0].nvalues;
	long n = p->count[pub_at(p, t, all)];

	putf(r, "<section class=\"theme\" data-theme=\"");
	esc(r, c->themes[t].code);
	putf(r, "\">\n<h2 id=\"theme-%zu\">", k + 1);
	esc(r, c->themes[t].label);
	put(r, "</h2>\n<p class=\"lead\">");
	if (n < 0) {
		put(r, "The number of people who raised this is not shown, to protect their "
		    "privacy.");
	} else {
		char b[32];

		putf(r, "%s%s %s raised this.", rounded(r) ? "About " : "", num(b, sizeof b, n),
		     n == 1 ? "person" : "people");
	}
	put(r, "</p>\n");
	write_polarity(r, t);
	if (write_subthemes(r, t, e) < 0)
		return -1;
	put(r, "<h3>Where they live</h3>\n");
	write_chart(r, t);
	write_theme_table(r, t);
	write_quotes(r, k);
	write_actions(r, k);
	put(r, "</section>\n");
	return 0;
}

/* Actions under themes not shown above, theme by theme in rule-file order. */
static void write_other_actions(struct report *r)
{
	const struct count_cube *c = r->d.c;
	size_t n = 0;

	for (size_t i = 0; i < r->nactions; i++)
		n += r->actions[i].section < 0;
	if (!n)
		return;
	put(r, "<section class=\"other\">\n<h2 id=\"other\">Other things we did</h2>\n"
	    "<p>What we did about things people raised that are not among the themes above.</p>\n"
	    "<ul class=\"actions\">\n");
	for (long t = 0; t <= (long)c->nthemes; t++)
		for (size_t i = 0; i < r->nactions; i++) {
			const struct action *a = &r->actions[i];

			/* Themes of the rule set first, then codes it no longer has. */
			if (a->section < 0 && (t < (long)c->nthemes ? a->theme_index == t :
					       a->theme_index < 0))
				write_action(r, a, 1);
		}
	put(r, "</ul>\n</section>\n");
}

static const char *channel_phrase(const char *code)
{
	return !strcmp(code, "online") ? "online" :
	       !strcmp(code, "paper") ? "on paper forms" :
	       !strcmp(code, "easy-read-paper") ? "on Easy Read forms" :
	       !strcmp(code, "event-card") ? "on cards at listening events and roadshows" :
	       !strcmp(code, "kiosk") ? "at a kiosk at roadshows" : NULL;
}

static void write_intro(struct report *r)
{
	const struct pub *ch = &r->ch;
	const struct count_cube *c = ch->c;
	size_t any = c->nthemes, nv = c->dim[0].nvalues, shown = 0, k = 0;
	long total = r->d.resp[pub_at(&r->d, r->d.c->nthemes, r->d.c->dim[0].nvalues)];
	char dates[160], b[32];
	static const char *const kinds[][2] = {
		{ "listening event", "listening events" }, { "roadshow", "roadshows" },
		{ "event for staff", "events for staff" }, { "other event", "other events" },
	};

	date_range(dates, sizeof dates, r->opens, r->closes);
	put(r, "<p class=\"lead\">From ");
	esc(r, dates);
	put(r, ", ");
	if (r->org && *r->org)
		esc(r, r->org);
	else
		put(r, "we");
	put(r, " asked people what they think. This page says what they told us about the "
	    "things raised most, and what we did about them.</p>\n");
	if (r->desc && *r->desc) {
		put(r, "<p>");
		esc(r, r->desc);
		put(r, "</p>\n");
	}
	put(r, "<p class=\"took-part\">");
	if (total < 0) {
		put(r, "The number of people who took part is not shown");
	} else {
		putf(r, "%s%s %s took part", rounded(r) && total > 0 ? "About " : "",
		     num(b, sizeof b, total), total == 1 ? "person" : "people");
	}
	for (size_t v = 0; v < nv; v++)
		shown += ch->resp[pub_at(ch, any, v)] > 0 && channel_phrase(c->dim[0].values[v].code);
	for (size_t v = 0; v < nv; v++) {
		long n = ch->resp[pub_at(ch, any, v)];
		const char *how = channel_phrase(c->dim[0].values[v].code);

		if (n <= 0 || !how)
			continue;
		put(r, k == 0 ? ": " : k + 1 == shown ? " and " : ", ");
		about(r, n);
		putf(r, " %s", how);
		k++;
	}
	put(r, ".");
	k = 0;
	for (size_t i = 0; i < 4; i++)
		k += r->events[i] > 0;
	if (k) {
		size_t done = 0;

		put(r, " There were ");
		for (size_t i = 0; i < 4; i++) {
			if (!r->events[i])
				continue;
			put(r, done == 0 ? "" : done + 1 == k ? " and " : ", ");
			putf(r, "%ld %s", r->events[i], kinds[i][r->events[i] != 1]);
			done++;
		}
		put(r, ".");
	}
	put(r, "</p>\n");
}

static void write_about(struct report *r)
{
	const struct sdc_rule *s = &r->opt->rule;

	put(r, "<section>\n<h2 id=\"about\">About these numbers</h2>\n"
	    "<p>We count people, not comments. Someone who raised a theme in answer to more than "
	    "one question is counted once for it. One person can raise several themes, so the "
	    "numbers add up to more than the number of people who took part.</p>\n<p>");
	if (s->threshold > 1) {
		putf(r, "To protect people&#39;s privacy, we do not show numbers from 1 to %ld: you "
		     "will see * instead. ", s->threshold - 1);
		if (s->secondary)
			put(r, "Where a hidden number could be worked out from a total, we hide "
			    "another number too. ");
	}
	if (s->rounding > 1)
		putf(r, "We round the other numbers to the nearest %ld, so totals may not add up "
		     "exactly.", s->rounding);
	else
		put(r, s->threshold > 1 ? "The other numbers are exact." :
		    "The numbers are exact: none is hidden.");
	put(r, "</p>\n<p>The quotes are in people&#39;s own words. We have taken out names, "
	    "e-mail addresses, phone numbers, NHS numbers and postcodes.</p>\n");
	put(r, "<p>We found the themes in what people wrote with a set of rules");
	if (r->rules_file && *r->rules_file) {
		put(r, " (<span class=\"rules\">");
		esc(r, r->rules_file);
		put(r, "</span>");
		if (*r->d.c->ruleset) {
			put(r, ", version ");
			report_html_text(r->f, r->d.c->ruleset, strnlen(r->d.c->ruleset, 12));
		}
		put(r, ")");
	}
	put(r, ". Only forms that were checked are counted.</p>\n</section>\n");
}

static int write_page(struct report *r, struct err *e)
{
	const struct count_cube *c = r->d.c;
	int other;

	put(r, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>You said, we did: ");
	esc(r, r->title);
	putf(r, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	     "<a class=\"skip\" href=\"#main\">Skip to the main content</a>\n"
	     "<header>\n<div class=\"wrap\">\n<p>", style);
	if (r->org && *r->org)
		esc(r, r->org);
	else
		esc(r, r->title);
	put(r, "</p>\n<p class=\"kind\">You said, we did</p>\n</div>\n</header>\n"
	    "<main id=\"main\" tabindex=\"-1\">\n<div class=\"wrap\">\n<h1>");
	esc(r, r->title);
	put(r, "</h1>\n");
	write_intro(r);
	put(r, "<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">On this page</h2>\n<ol>\n"
	    "<li><a href=\"#who\">Who took part</a></li>\n");
	for (size_t k = 0; k < r->ntop; k++) {
		putf(r, "<li><a href=\"#theme-%zu\">", k + 1);
		esc(r, c->themes[r->top[k]].label);
		put(r, "</a></li>\n");
	}
	other = 0;
	for (size_t i = 0; i < r->nactions; i++)
		other |= r->actions[i].section < 0;
	if (other)
		put(r, "<li><a href=\"#other\">Other things we did</a></li>\n");
	put(r, "<li><a href=\"#about\">About these numbers</a></li>\n</ol>\n</nav>\n");

	put(r, "<section>\n<h2 id=\"who\">Who took part</h2>\n");
	write_took_part(r, &r->ch, "channel", "How people took part", "How");
	write_took_part(r, &r->d, "district", "Where people live", "District");
	put(r, "</section>\n");
	if (!r->ntop)
		put(r, "<p>No theme has been raised yet.</p>\n");
	for (size_t k = 0; k < r->ntop; k++)
		if (write_theme(r, k, e) < 0)
			return -1;
	write_other_actions(r);
	write_about(r);
	put(r, "</div>\n</main>\n<footer>\n<div class=\"wrap\">\n<p>");
	if (r->org && *r->org) {
		esc(r, r->org);
		put(r, ". ");
	}
	esc(r, r->title);
	put(r, ".</p>\n");
	if (r->opt->stamp) {
		put(r, "<p class=\"stamp\">Produced on ");
		esc(r, r->opt->stamp);
		put(r, ".</p>\n");
	}
	put(r, "</div>\n</footer>\n</body>\n</html>\n");
	return 0;
}

/* ---- entry points ----------------------------------------------------------- */

int report_write_html(sqlite3 *db, long long ex, const struct report_options *opt, FILE *out,
		      struct err *e)
{
	struct report r = { .db = db, .ex = ex, .opt = opt, .f = out };
	int rc = -1;

	if (opt->top < 1 || opt->top > REPORT_TOP_MAX) {
		err_set(e, EXIT_USAGE, "the number of themes must be from 1 to %d, not %d",
			REPORT_TOP_MAX, opt->top);
		return -1;
	}
	if (load_exercise(&r, e) < 0 ||
	    pub_load(db, ex, "district", opt, &r.d, e) < 0 ||
	    pub_load(db, ex, "channel", opt, &r.ch, e) < 0 ||
	    pub_load(db, ex, "polarity", opt, &r.pol, e) < 0)
		goto out;
	if (r.ch.c->nthemes != r.d.c->nthemes || r.pol.c->nthemes != r.d.c->nthemes) {
		err_set(e, EXIT_SYSTEM, "the rule set changed while the report was being written");
		goto out;
	}
	if (pick_top(&r, e) < 0 || (r.ntop && !(r.red = redactor_new(e))))
		goto out;
	for (size_t k = 0; k < r.ntop; k++)
		if (pick_quotes(&r, k, e) < 0)
			goto out;
	if (load_actions(&r, e) < 0 || write_page(&r, e) < 0)
		goto out;
	if (ferror(out)) {
		err_set(e, EXIT_SYSTEM, "cannot write the report");
		goto out;
	}
	rc = 0;
out:
	report_release(&r);
	return rc;
}

int report_you_said_we_did(sqlite3 *db, long long ex, const char *path,
			   const struct report_options *opt, struct err *e)
{
	struct out_file o;

	if (out_open(&o, path, e) < 0)
		return -1;
	if (report_write_html(db, ex, opt, o.f, e) < 0) {
		out_abandon(&o);
		return -1;
	}
	return out_commit(&o, e);
}
