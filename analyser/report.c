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
 * Gathering is here; report_html.c writes the page.
 */
#include "report_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agree_store.h"
#include "counts.h"
#include "db.h"
#include "fileutil.h"
#include "outfile.h"
#include "progress.h"
#include "redact.h"
#include "strbuf.h"
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
char *report_text_clean(const char *s, size_t n)
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

/* ---- published numbers (struct pub: report_internal.h) ------------------- */

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

/* Publishes cube `c` (p takes it) through disclosure control into `p`. 0, or -1 with `e` set. */
static int pub_load(struct count_cube *c, const char *by, const struct report_options *opt,
		    struct pub *p, struct err *e)
{
	struct count_output o = { .format = COUNT_CSV, .suppress = &opt->rule, .ledger = opt->ledger };
	int rc;

	memset(p, 0, sizeof *p);
	p->c = c;
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
size_t report_value_index(const struct count_cube *c, const char *code)
{
	size_t v;

	for (v = 0; v < c->dim[0].nvalues && strcmp(c->dim[0].values[v].code, code); v++)
		;
	return v;
}

/* ---- the report's contents (report_internal.h) --------------------------- */

static void report_release(struct report *r)
{
	free(r->code);
	free(r->title);
	free(r->org);
	free(r->desc);
	free(r->opens);
	free(r->closes);
	free(r->rules_file);
	free(r->agreement);
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
	report_settings_free(&r->set);
	free(r->removed);
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
	/* The themes comms staff chose, in their order (codes the rules no longer have left out). */
	if (r->set.themes_set && !r->opt->top_given) {
		for (size_t i = 0; i < r->set.nthemes && r->ntop < c->nthemes; i++) {
			size_t t, k;

			for (t = 0; t < c->nthemes && strcmp(c->themes[t].code, r->set.themes[i]); t++)
				;
			for (k = 0; k < r->ntop && r->top[k] != t; k++)
				;
			if (t < c->nthemes && k == r->ntop)
				r->top[r->ntop++] = t;
		}
		goto chosen;
	}
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
chosen:
	r->removed = calloc(r->ntop ? r->ntop : 1, sizeof *r->removed);
	r->quotes = calloc(r->ntop ? r->ntop : 1, sizeof *r->quotes);
	r->nquotes = calloc(r->ntop ? r->ntop : 1, sizeof *r->nquotes);
	if (!r->quotes || !r->nquotes || !r->removed)
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

/* FNV-1a: the theme code's part of a candidate's position (cand_hash()). */
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
	if (!(clean1 = report_text_clean(c->raw, strlen(c->raw))))
		return -1;
	memset(&counts, 0, sizeof counts);
	red = redactor_apply(rd, clean1, strlen(clean1), &counts);
	if (!red) {
		free(clean1);
		return -1;
	}
	c->text = report_text_clean(red, strlen(red));
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
	kind = report_value_index(pc, polarity ? "could-be-better" : "works-well");
	return kind < pc->dim[0].nvalues && r->pol.count[pub_at(&r->pol, t, kind)] < 0;
}

/*
 * No answer of response `r` was tagged with a safeguarding theme: a person
 * who may have disclosed harm is never quoted, in any of their answers
 * (docs/safeguarding.md).
 */
#define NO_SAFEGUARDING_SQL \
	"NOT EXISTS (SELECT 1 FROM answer sa JOIN tag sg ON sg.answer_id = sa.id " \
	"JOIN theme sh ON sh.id = sg.theme_id AND sh.safeguarding = 1 WHERE sa.response_id = r.id)"

/*
 * The answers that may be quoted for theme ?2 of exercise ?1, ?3 to ?4
 * bytes long, with what comms staff decided about each (report_quote).
 * From the theme's tags (CROSS JOIN keeps that order): left to itself the
 * planner walks every response of the exercise instead.
 */
#define CANDIDATES_SQL(tags) \
	"WITH RECURSIVE sub(id) AS (" \
	" SELECT h.id FROM theme h JOIN ruleset s ON s.id = h.ruleset_id" \
	" WHERE s.exercise_id = ?1 AND h.code = ?2" \
	" UNION SELECT h.id FROM theme h JOIN sub ON h.parent_id = sub.id) " \
	"SELECT DISTINCT a.id, a.response_id, a.value, r.district_code, r.district_source, " \
	"coalesce(m.polarity, q.polarity), rq.decision, rq.reason " \
	"FROM sub CROSS JOIN " tags " t ON t.theme_id = sub.id " \
	"JOIN answer a ON a.id = t.answer_id JOIN response r ON r.id = a.response_id " \
	"JOIN question q ON q.id = a.question_id LEFT JOIN question m ON m.id = q.maps_to " \
	"LEFT JOIN report_quote rq ON rq.exercise_id = ?1 AND rq.theme_code = ?2 AND " \
	"rq.answer_id = a.id " \
	"WHERE r.exercise_id = ?1 AND (r.entry_status = 'accepted' OR " \
	"r.entry_status = 'verified') AND length(a.value) BETWEEN ?3 AND ?4 " \
	"AND " NO_SAFEGUARDING_SQL " ORDER BY a.id"

/* The district cell of a response and the kind of its question, as the cubes have them. */
static void place_of(const struct count_cube *c, const char *district, const char *source,
		     const char *pol, size_t *value, int *polarity)
{
	*value = report_value_index(c, district ? district :
				    source && !strcmp(source, "out-of-area") ? "(outside)" :
				    "(unknown)");
	*polarity = pol && !strcmp(pol, "works-well") ? 0 :
		    pol && !strcmp(pol, "could-be-better") ? 1 : 2;
}

/*
 * The quotes comms staff approved for top theme k, in the order approved:
 * frozen text, from answers still tagged with the theme in responses that
 * count, never from a cell the page hides now (the numbers may have changed
 * since), at most REPORT_QUOTES.
 */
static int pick_approved(struct report *r, size_t k, struct err *e)
{
	const struct count_cube *c = r->d.c;
	const char *code = c->themes[r->top[k]].code;
#define APPROVED_SQL(tags) \
		"WITH RECURSIVE sub(id) AS (" \
		" SELECT h.id FROM theme h JOIN ruleset s ON s.id = h.ruleset_id" \
		" WHERE s.exercise_id = ?1 AND h.code = ?2" \
		" UNION SELECT h.id FROM theme h JOIN sub ON h.parent_id = sub.id) " \
		"SELECT rq.text, r.district_code, r.district_source, " \
		"coalesce(m.polarity, q.polarity) FROM report_quote rq " \
		"JOIN answer a ON a.id = rq.answer_id JOIN response r ON r.id = a.response_id " \
		"JOIN question q ON q.id = a.question_id LEFT JOIN question m ON m.id = q.maps_to " \
		"WHERE rq.exercise_id = ?1 AND rq.theme_code = ?2 AND rq.decision = 'approved' " \
		"AND (r.entry_status = 'accepted' OR r.entry_status = 'verified') " \
		"AND " NO_SAFEGUARDING_SQL " " \
		"AND EXISTS (SELECT 1 FROM " tags " t JOIN sub ON sub.id = t.theme_id " \
		"WHERE t.answer_id = a.id) ORDER BY rq.id"
	/* Still tagged with the theme as counted: a reviewer may have removed the tag. */
	sqlite3_stmt *st = db_prepare(r->db, c->decisions ? APPROVED_SQL("effective_tag")
						      : APPROVED_SQL("tag"), e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->ex);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->nquotes[k] < REPORT_QUOTES) {
		struct quote *q = &r->quotes[k][r->nquotes[k]];
		const char *text = (const char *)sqlite3_column_text(st, 0);

		place_of(c, (const char *)sqlite3_column_text(st, 1),
			 (const char *)sqlite3_column_text(st, 2),
			 (const char *)sqlite3_column_text(st, 3), &q->value, &q->polarity);
		if (!text || quote_hidden(r, r->top[k], q->value, q->polarity))
			continue;
		if (!(q->text = strdup(text))) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		r->nquotes[k]++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r->db, "reading the approved quotes", e);
	return 0;
}

/* How many approved quotes went with an erased response, under each top theme. */
static int load_removed(struct report *r, struct err *e)
{
	const struct count_cube *c = r->d.c;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT theme_code, count(*) FROM report_quote_removed "
				      "WHERE exercise_id = ?1 GROUP BY theme_code", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		long n = (long)sqlite3_column_int64(st, 1);
		size_t k;

		for (k = 0; code && k < r->ntop && strcmp(c->themes[r->top[k]].code, code); k++)
			;
		if (k < r->ntop)
			r->removed[k] += n;
		else
			r->removed_other += n;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(r->db, "reading the quotes taken out", e);
}

/*
 * The order candidates are taken in: a heap of (hash, answer), popped into
 * an ordered list only as far as the passes read, so a theme with half a
 * million tagged answers costs one heapify and a few pops, not a sort, and
 * only the answers looked at are read.
 */
struct key {
	uint64_t hash;
	long long answer;
};

static int key_less(const struct key *x, const struct key *y)
{
	return x->hash != y->hash ? x->hash < y->hash : x->answer < y->answer;
}

static void heap_down(struct key *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct key t;

		if (l < n && key_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && key_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* A fixed pseudo-random position for an answer under a theme: not the import order. */
static uint64_t cand_hash(uint64_t theme, long long answer)
{
	uint64_t z = theme ^ (uint64_t)answer;

	/* splitmix64's finaliser: every bit of the id moves every bit of the hash */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct picker {
	struct report *r;
	size_t k;
	sqlite3_stmt *one;      /* one candidate's answer, response and question */
	struct key *heap;
	size_t nheap;
	struct cand *v;         /* in order, as far as read */
	size_t n, cap;
};

/*
 * Makes candidate i (in order) known, with its place and raw text: 1 when
 * it exists, 0 past the last, -1 on error (`e` set). A candidate that
 * cannot be quoted (a response that does not count, no text, a length out
 * of bounds, a hidden cell) is skipped here.
 */
static int picker_at(struct picker *p, size_t i, struct err *e)
{
	const struct count_cube *c = p->r->d.c;

	while (p->n <= i && p->nheap) {
		struct key top = p->heap[0];
		struct cand *x;
		const char *value;
		int rc, len;

		p->heap[0] = p->heap[--p->nheap];
		heap_down(p->heap, p->nheap, 0);
		/* An answer tagged with the theme and a sub-theme comes up twice, one after the other. */
		if (p->n && p->v[p->n - 1].answer == top.answer)
			continue;
		sqlite3_reset(p->one);
		sqlite3_bind_int64(p->one, 1, top.answer);
		if ((rc = sqlite3_step(p->one)) == SQLITE_DONE)
			continue;
		if (rc != SQLITE_ROW)
			return db_fail(p->r->db, "reading the answers to quote", e);
		value = (const char *)sqlite3_column_blob(p->one, 1);
		len = sqlite3_column_bytes(p->one, 1);
		if (!value)
			continue;
		if (ALLOC_GROW(p->v, p->n + 1, p->cap) < 0)
			return err_set(e, EXIT_SYSTEM, "out of memory");
		x = &p->v[p->n];
		memset(x, 0, sizeof *x);
		x->answer = top.answer;
		x->hash = top.hash;
		x->response = sqlite3_column_int64(p->one, 0);
		place_of(c, (const char *)sqlite3_column_text(p->one, 2),
			 (const char *)sqlite3_column_text(p->one, 3),
			 (const char *)sqlite3_column_text(p->one, 4), &x->value, &x->polarity);
		if (quote_hidden(p->r, p->r->top[p->k], x->value, x->polarity))
			continue;
		if (!(x->raw = malloc((size_t)len + 1)))
			return err_set(e, EXIT_SYSTEM, "out of memory");
		memcpy(x->raw, value, (size_t)len);
		x->raw[len] = '\0';
		p->n++;
	}
	return i < p->n;
}

/*
 * The tagged answers of top theme k (and its sub-themes) as a heap. Only
 * ids are read here, from the tag table's index by theme; the rest of a
 * candidate is read when the passes come to it.
 */
#define PICK_SQL(tags) \
	"WITH RECURSIVE sub(id) AS (" \
	" SELECT h.id FROM theme h JOIN ruleset s ON s.id = h.ruleset_id" \
	" WHERE s.exercise_id = ?1 AND h.code = ?2" \
	" UNION SELECT h.id FROM theme h JOIN sub ON h.parent_id = sub.id) " \
	"SELECT t.answer_id FROM sub CROSS JOIN " tags " t ON t.theme_id = sub.id"

static int picker_load(struct picker *p, const char *code, struct err *e)
{
	/* The tags as counted: a reviewer may have removed one or added one. */
	sqlite3_stmt *st = db_prepare(p->r->db, p->r->d.c->decisions ? PICK_SQL("effective_tag")
							      : PICK_SQL("tag"), e);
	uint64_t theme = fnv(0xcbf29ce484222325ULL, code, strlen(code) + 1);
	size_t cap = 0;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->r->ex);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long a = sqlite3_column_int64(st, 0);

		if (ALLOC_GROW(p->heap, p->nheap + 1, cap) < 0) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		p->heap[p->nheap].answer = a;
		p->heap[p->nheap++].hash = cand_hash(theme, a);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(p->r->db, "reading the answers to quote", e);
	for (size_t i = p->nheap / 2; i-- > 0;)
		heap_down(p->heap, p->nheap, i);
	return 0;
}

/*
 * Up to REPORT_QUOTES quotes for top theme k: answers tagged with the theme
 * or a sub-theme, from responses that count, REPORT_QUOTE_MIN to
 * REPORT_QUOTE_MAX characters once redacted, never two from one response
 * or two the same. Candidates are taken in a fixed pseudo-random order (a
 * hash of the theme's code and the answer's id, cand_hash()), in passes
 * that ask less each time: first from a district and a kind of question
 * (what works well, what could be better) not yet quoted and needing no
 * redaction, last anything left. Never from a cell the page hides
 * (quote_hidden()). Only the candidates a pass reaches are read.
 */
static int pick_quotes(struct report *r, size_t k, struct err *e)
{
	const char *code = r->d.c->themes[r->top[k]].code;
	struct picker p = { .r = r, .k = k };
	size_t used[REPORT_QUOTES];
	int ret = -1, have = 0;

	p.one = db_prepare(r->db, "SELECT a.response_id, a.value, r.district_code, "
			   "r.district_source, coalesce(m.polarity, q.polarity) FROM answer a "
			   "JOIN response r ON r.id = a.response_id "
			   "JOIN question q ON q.id = a.question_id "
			   "LEFT JOIN question m ON m.id = q.maps_to "
			   "WHERE a.id = ?1 AND r.exercise_id = ?2 AND (r.entry_status = 'accepted' "
			   "OR r.entry_status = 'verified') AND length(a.value) BETWEEN ?3 AND ?4 "
			   "AND " NO_SAFEGUARDING_SQL, e);
	if (!p.one || picker_load(&p, code, e) < 0)
		goto out;
	sqlite3_bind_int64(p.one, 2, r->ex);
	sqlite3_bind_int(p.one, 3, REPORT_QUOTE_MIN / 2);
	sqlite3_bind_int(p.one, 4, REPORT_QUOTE_MAX * 4);
	for (int pass = 0; pass < 6 && r->nquotes[k] < REPORT_QUOTES; pass++) {
		int need_place = pass < 4, need_kind = pass < 2, need_clean = pass % 2 == 0;

		for (size_t i = 0; r->nquotes[k] < REPORT_QUOTES; i++) {
			struct quote *q = r->quotes[k];
			size_t nq = r->nquotes[k], j;
			struct cand *x;

			if ((have = picker_at(&p, i, e)) <= 0)
				break;
			x = &p.v[i];
			for (j = 0; j < nq; j++)
				if (p.v[used[j]].response == x->response ||
				    (need_place && q[j].value == x->value) ||
				    (need_kind && q[j].polarity == x->polarity))
					break;
			if (j < nq)
				continue;
			if (cand_look(r->red, x) < 0) {
				err_set(e, EXIT_SYSTEM, "out of memory");
				goto out;
			}
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
		if (have < 0)
			goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(p.one);
	for (size_t i = 0; i < p.n; i++) {
		free(p.v[i].raw);
		free(p.v[i].text);
	}
	free(p.v);
	free(p.heap);
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

		if (ALLOC_GROW(r->actions, r->nactions + 1, cap) < 0)
			break; /* rc is SQLITE_ROW: out of memory, below */
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

/* ---- entry points ----------------------------------------------------------- */

/* The numbers every page and every list of candidates needs. 0, or -1 with `e` set. */
static int load_numbers(struct report *r, int all, struct err *e)
{
	const struct report_options *opt = r->opt;

	if (opt->top < 1 || opt->top > REPORT_TOP_MAX)
		return err_set(e, EXIT_USAGE, "the number of themes must be from 1 to %d, not %d",
			       REPORT_TOP_MAX, opt->top);
	/* The three cubes from one reading; published in the order they always were. */
	const char *const by[3] = { "district", "polarity", "channel" };
	struct count_cube *c[3] = { NULL, NULL, NULL };

	if ((all && load_exercise(r, e) < 0) ||
	    (all && agree_stored_line(r->db, r->ex, &r->agreement, e) < 0) ||
	    report_settings_load(r->db, r->ex, &r->set, e) < 0 ||
	    counts_build_many(r->db, r->ex, by, all ? 3 : 2,
			      &(struct count_build_opts){ .rules_only = opt->rules_only }, c, e) < 0)
		return -1;
	if (pub_load(c[0], by[0], opt, &r->d, e) < 0) {
		count_cube_free(c[1]);
		count_cube_free(c[2]);
		return -1;
	}
	progress_ticker_step(opt->tick);
	if (all && pub_load(c[2], by[2], opt, &r->ch, e) < 0) {
		count_cube_free(c[1]);
		return -1;
	}
	progress_ticker_step(opt->tick);
	if (pub_load(c[1], by[1], opt, &r->pol, e) < 0)
		return -1;
	progress_ticker_step(opt->tick);
	if ((all && r->ch.c->nthemes != r->d.c->nthemes) || r->pol.c->nthemes != r->d.c->nthemes)
		return err_set(e, EXIT_SYSTEM, "the rule set changed while the report was being "
			       "written");
	return 0;
}

int report_write_both(sqlite3 *db, long long ex, const struct report_options *opt, FILE *out,
		      FILE *frag, struct err *e)
{
	struct report r = { .db = db, .ex = ex, .opt = opt, .f = out };
	long long decided;
	char exs[32];
	int rc = -1;

	snprintf(exs, sizeof exs, "%lld", ex);
	/* Steps: the three tables, a theme's quotes each, the page. */
	progress_ticker_steps(opt->tick, 0, 4);
	if (load_numbers(&r, 1, e) < 0 ||
	    db_int(db, "SELECT count(*) FROM report_quote WHERE exercise_id = ?1", 0, &decided, e,
		   1, exs) < 0)
		goto out;
	r.chosen = decided > 0;
	r.layout = opt->layout != REPORT_LAYOUT_SAVED ? opt->layout :
		   r.set.layout != REPORT_LAYOUT_SAVED ? r.set.layout : REPORT_LAYOUT_STATISTICAL;
	if (pick_top(&r, e) < 0 || (r.ntop && !r.chosen && !(r.red = redactor_new(e))))
		goto out;
	progress_ticker_steps(opt->tick, 3, 4 + (long long)r.ntop);
	for (size_t k = 0; k < r.ntop; k++) {
		if ((r.chosen ? pick_approved(&r, k, e) : pick_quotes(&r, k, e)) < 0)
			goto out;
		progress_ticker_step(opt->tick);
	}
	if (load_actions(&r, e) < 0 || load_removed(&r, e) < 0 || report_write_page(&r, e) < 0)
		goto out;
	progress_ticker_step(opt->tick);
	if (frag) {
		r.f = frag;
		r.fragment = 1;
		r.ids = 0;
		if (report_write_page(&r, e) < 0)
			goto out;
	}
	if (ferror(out) || (frag && ferror(frag))) {
		err_set(e, EXIT_SYSTEM, "cannot write the report");
		goto out;
	}
	rc = 0;
out:
	report_release(&r);
	return rc;
}

int report_write_html(sqlite3 *db, long long ex, const struct report_options *opt, FILE *out,
		      struct err *e)
{
	return report_write_both(db, ex, opt, out, NULL, e);
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

int report_fragment_path(const char *path, char *buf, size_t cap)
{
	size_t n = strlen(path);
	int w;

	if (n > 5 && !strcmp(path + n - 5, ".html"))
		n -= 5;
	w = snprintf(buf, cap, "%.*s-fragment.html", (int)n, path);
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

int report_publish(sqlite3 *db, long long ex, const char *path, const struct report_options *opt,
		   struct err *e)
{
	struct out_file o, f;
	char fpath[4096];

	if (report_fragment_path(path, fpath, sizeof fpath) < 0)
		return err_set(e, EXIT_USAGE, "%s: the file name is too long", path);
	if (out_open(&o, path, e) < 0)
		return -1;
	if (out_open(&f, fpath, e) < 0) {
		out_abandon(&o);
		return -1;
	}
	if (report_write_both(db, ex, opt, o.f, f.f, e) < 0) {
		out_abandon(&o);
		out_abandon(&f);
		return -1;
	}
	/*
	 * Both or neither: the fragment first, taken back if the page cannot be
	 * written. A commit can fail after its rename (at fclose), so a failed
	 * fragment is taken away too: a page never stands beside another run's
	 * fragment.
	 */
	if (out_commit(&f, e) < 0) {
		out_abandon(&o);
		unlink(fpath);
		return -1;
	}
	if (out_commit(&o, e) < 0) {
		unlink(fpath);
		return -1;
	}
	return 0;
}

/* ---- quotes for comms staff to decide on ------------------------------------ */

int report_quote_candidates(sqlite3 *db, long long ex, const struct report_options *opt,
			    const char *theme,
			    int (*each)(const struct report_candidate *c, void *ctx), void *ctx,
			    struct err *e)
{
	struct report r = { .db = db, .ex = ex, .opt = opt };
	sqlite3_stmt *st = NULL;
	size_t t;
	int rc, ret = -1;

	if (load_numbers(&r, 0, e) < 0 || !(r.red = redactor_new(e)))
		goto out;
	for (t = 0; t < r.d.c->nthemes && strcmp(r.d.c->themes[t].code, theme); t++)
		;
	if (t == r.d.c->nthemes) {
		err_set(e, EXIT_DATA, "theme '%s': the rule set has no such theme", theme);
		goto out;
	}
	if (!(st = db_prepare(db, r.d.c->decisions ? CANDIDATES_SQL("effective_tag")
						   : CANDIDATES_SQL("tag"), e)))
		goto out;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, theme, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, REPORT_QUOTE_MIN / 2);
	sqlite3_bind_int(st, 4, REPORT_QUOTE_MAX * 4);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *value = (const char *)sqlite3_column_blob(st, 2);
		int len = sqlite3_column_bytes(st, 2), stop;
		struct cand x = { 0 };
		struct report_candidate c = { 0 };

		if (!value)
			continue;
		place_of(r.d.c, (const char *)sqlite3_column_text(st, 3),
			 (const char *)sqlite3_column_text(st, 4),
			 (const char *)sqlite3_column_text(st, 5), &x.value, &x.polarity);
		/* A quote from a hidden cell would say what hiding the count protects. */
		if (quote_hidden(&r, t, x.value, x.polarity))
			continue;
		if (!(x.raw = strndup(value, (size_t)len)) || cand_look(r.red, &x) < 0) {
			free(x.raw);
			free(x.text);
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		c.answer = sqlite3_column_int64(st, 0);
		c.response = sqlite3_column_int64(st, 1);
		c.text = x.text;
		c.place = x.value < r.d.c->dim[0].nvalues &&
			  r.d.c->dim[0].values[x.value].code[0] != '(' ?
			  r.d.c->dim[0].values[x.value].label : "";
		c.polarity = x.polarity;
		c.decision = (const char *)sqlite3_column_text(st, 6);
		c.reason = (const char *)sqlite3_column_text(st, 7);
		stop = x.ok ? each(&c, ctx) : 0;
		free(x.raw);
		free(x.text);
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the answers to quote", e);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	report_release(&r);
	return ret;
}

struct decide {
	long long answer, response;
	char *text;
};

static int decide_find(const struct report_candidate *c, void *ctx)
{
	struct decide *d = ctx;

	if (c->answer != d->answer)
		return 0;
	d->response = c->response;
	d->text = strdup(c->text);
	return 1;
}

int report_quote_decide(sqlite3 *db, long long ex, const struct report_options *opt,
			const char *theme, long long answer, const char *reason, const char *by,
			struct err *e)
{
	struct decide d = { .answer = answer };
	sqlite3_stmt *st;
	time_t now = time(NULL);
	struct tm tm;
	char when[32], exs[32], ans[32];
	long long approved;
	int rc;

	if (report_quote_candidates(db, ex, opt, theme, decide_find, &d, e) < 0)
		return -1;
	if (!d.response) {
		free(d.text);
		return err_set(e, EXIT_DATA, "answer %lld: not a quote that can be shown for theme "
			       "'%s'", answer, theme);
	}
	if (!d.text)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	snprintf(exs, sizeof exs, "%lld", ex);
	snprintf(ans, sizeof ans, "%lld", answer);
	if (!reason &&
	    (db_int(db, "SELECT count(*) FROM report_quote WHERE exercise_id = ?1 AND theme_code = "
		    "?2 AND decision = 'approved' AND answer_id <> ?3", 0, &approved, e, 3, exs,
		    theme, ans) < 0 ||
	     (approved >= REPORT_QUOTES &&
	      err_set(e, EXIT_DATA, "theme '%s': %d quotes are approved already, the most a "
		      "theme shows", theme, REPORT_QUOTES) < 0))) {
		free(d.text);
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!(st = db_prepare(db, "INSERT INTO report_quote (exercise_id, theme_code, answer_id, "
				  "response_id, decision, text, reason, decided_by, decided_at) "
				  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT "
				  "(exercise_id, theme_code, answer_id) DO UPDATE SET decision = "
				  "excluded.decision, text = excluded.text, reason = excluded.reason, "
				  "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
				  e))) {
		free(d.text);
		return -1;
	}
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, theme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, answer);
	sqlite3_bind_int64(st, 4, d.response);
	sqlite3_bind_text(st, 5, reason ? "rejected" : "approved", -1, SQLITE_STATIC);
	if (!reason)
		sqlite3_bind_text(st, 6, d.text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, when, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(d.text);
	if (rc == SQLITE_CONSTRAINT)
		return err_set(e, EXIT_DATA, "answer %lld: a rejected quote needs a reason", answer);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "saving the decision on a quote", e);
}
