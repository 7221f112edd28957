/*
 * counts.c: the counted cube behind every theme table.
 *
 * The database is read in one transaction: the themes, the dimensions'
 * values, then the responses that count (from a covering index) and the
 * tags, which carry their answer's response and question. The tags are read
 * on a second connection at the same time when it can be shown to see the
 * same (see struct twin). Rows reach the C code through an aggregate
 * function, not one sqlite3_step each. Mentions are grouped by respondent
 * with a counting sort and counted once per respondent and cell with a
 * stamp per cell, so a million responses need no SQL DISTINCT or sort.
 *
 * Several cubes (a report's three, an export's table a dimension) are
 * built from one reading: one pass over the responses fills every
 * dimension's values, one over the tags (and one over the answers, when a
 * cube counts by question or polarity) gives the items, and each cube is
 * then counted from them. Passes over a million rows cost far more than
 * counting them again in memory. The pass over the tags also works out
 * the publication ledger's checksum of them (tag_sum.h), which the ledger
 * read the tags a second time for.
 */
#include "counts_internal.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "review.h"
#include "strbuf.h"
#include "tag_sum.h"
#include "trim.h"

struct items {
	struct item *v;
	size_t n, cap;
};

static int items_push(struct items *it, struct item x)
{
	if (ALLOC_GROW(it->v, it->n + 1, it->cap) < 0)
		return -1;
	it->v[it->n++] = x;
	return 0;
}

/*
 * Respondents that count, in id order, with their response-level values.
 * Or, where the exercise's response ids are dense (`in` not NULL), every
 * response id from `lo` on, respondent i being response lo + i, with the
 * bit i of `in` set when it counts: no id kept a respondent, only their
 * values (two bytes a dimension).
 */
struct respondents {
	long long *id;
	size_t n, cap;
	uint32_t *at;   /* where ids are dense: the index of id[0] + k at k; or NULL */
	uint64_t span;  /* of `at` */
	unsigned char *in;
	long long lo;
};

/* Whether respondent i counts (always, unless some ids do not: `in`). */
static inline int resp_counts(const struct respondents *r, size_t i)
{
	return !r->in || (r->in[i / 8] >> (i % 8) & 1);
}

/*
 * Indexes the respondents by id, when that takes little more room than
 * they do themselves, so tags find their respondent without a search. Only
 * an optimisation: without it (or the memory for it) find_resp() searches.
 */
static void resp_index(struct respondents *r)
{
	uint64_t span;

	if (!r->n || r->in)
		return;
	span = (uint64_t)r->id[r->n - 1] - (uint64_t)r->id[0];
	if (span >= 4 * (uint64_t)r->n + 65536 || !(r->at = malloc(++span * sizeof *r->at)))
		return;
	memset(r->at, 0xff, span * sizeof *r->at);
	for (size_t i = 0; i < r->n; i++)
		r->at[(uint64_t)r->id[i] - (uint64_t)r->id[0]] = (uint32_t)i;
	r->span = span;
}

/* The index of response `id` among the respondents, trying next to `*hint` first; -1 if absent. */
static long find_resp(const struct respondents *r, long long id, size_t *hint)
{
	const long long *ids = r->id;
	size_t lo = 0, hi = r->n, n = r->n;

	if (r->in) {
		uint64_t k = (uint64_t)id - (uint64_t)r->lo;

		return k < r->n && resp_counts(r, (size_t)k) ? (long)k : -1;
	}
	if (r->at) {
		uint64_t k = (uint64_t)id - (uint64_t)ids[0];

		assert(r->n > 0);
		return k < r->span && r->at[k] != UINT32_MAX ? (long)r->at[k] : -1;
	}
	if (*hint < n && ids[*hint] == id)
		return (long)*hint;
	if (*hint + 1 < n && ids[*hint + 1] == id)
		return (long)++*hint;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && ids[lo] == id) {
		*hint = lo;
		return (long)lo;
	}
	return -1;
}

/*
 * The pass under way on this thread. tally_count_row() is registered on a
 * connection once and left there: re-registering or removing a function
 * fails while the caller has a statement running (export counts while it
 * walks the demographic questions), so it cannot carry the pass itself.
 */
static _Thread_local struct {
	void (*row)(void *pass, sqlite3_context *ctx, sqlite3_value **argv);
	void *pass;
} current;

static void pass_row(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (current.row)
		current.row(current.pass, ctx, argv);
	else
		sqlite3_result_error(ctx, "tally_count_row() is only for counting", -1);
}

static void pass_final(sqlite3_context *ctx)
{
	(void)ctx;
}

/*
 * Runs one of the big passes (responses, tags, answers): `sql` hands every
 * row to `row` through the aggregate tally_count_row(...), so the whole
 * pass is one sqlite3_step. Stepping a statement and fetching its columns
 * row by row costs more than the counting itself on a million responses.
 * `*oom` is the pass's flag for running out of memory (PASS_OOM), or for
 * stopping it on purpose (PASS_STOP). 0, 1 when stopped, or -1 with `e` set.
 */
enum { PASS_OOM = 1, PASS_STOP = 2 };
static int run_pass(sqlite3 *db, const char *sql, long long bind,
		    void (*row)(void *, sqlite3_context *, sqlite3_value **), int nargs, void *pass,
		    const int *oom, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	/* Busy: it is there already, and a statement of the caller's is running. */
	rc = sqlite3_create_function_v2(db, "tally_count_row", nargs,
					SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL, pass_row,
					pass_final, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return db_fail(db, what, e);
	if (!(st = db_prepare(db, sql, e)))
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, bind);
	current.row = row;
	current.pass = pass;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	current.row = NULL;
	current.pass = NULL;
	if (*oom == PASS_OOM)
		err_set(e, EXIT_SYSTEM, "out of memory");
	else if (*oom != PASS_STOP && rc != SQLITE_DONE)
		db_fail(db, what, e);
	sqlite3_finalize(st);
	if (*oom == PASS_STOP)
		return 1;
	return rc == SQLITE_DONE && !*oom ? 0 : -1;
}

/*
 * A dimension's value codes by hash, for the codes read once per response
 * (district, channel, form), where a search comparing every code would be
 * a noticeable part of a pass over a million responses.
 */
struct code_map {
	struct code_slot {
		const char *code;
		size_t len;
		uint16_t value;
	} *slot;
	size_t mask;
};

/* Eight bytes at a time: codes are short, and this runs once a response. */
static size_t code_hash(const char *s, size_t len)
{
	uint64_t h = len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15u;
	}
	for (; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x9e3779b97f4a7c15u;
	return (size_t)(h ^ (h >> 32));
}

/* Maps the first `n` codes of `d`; of equal codes the first wins, as in a search. */
static int code_map_init(struct code_map *cm, const struct count_dim *d, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	if (!(cm->slot = calloc(size, sizeof *cm->slot)))
		return -1;
	cm->mask = size - 1;
	for (size_t v = 0; v < n; v++) {
		const char *code = d->values[v].code;
		size_t len = strlen(code), k = code_hash(code, len) & cm->mask;

		while (cm->slot[k].code &&
		       (cm->slot[k].len != len || memcmp(cm->slot[k].code, code, len)))
			k = (k + 1) & cm->mask;
		if (!cm->slot[k].code) {
			cm->slot[k].code = code;
			cm->slot[k].len = len;
			cm->slot[k].value = (uint16_t)v;
		}
	}
	return 0;
}

static uint16_t code_map_find(const struct code_map *cm, const char *code)
{
	size_t len, k;

	if (!code)
		return NO_VALUE;
	len = strlen(code);
	for (k = code_hash(code, len) & cm->mask; cm->slot[k].code; k = (k + 1) & cm->mask)
		if (cm->slot[k].len == len && !memcmp(cm->slot[k].code, code, len))
			return cm->slot[k].value;
	return NO_VALUE;
}

/*
 * `code` is the district code, or, where there is none, whether the source
 * says out of the area: a whole number, which a code never is (the column
 * keeps text).
 */
static uint16_t district_value(const struct count_dim *d, const struct code_map *cm,
			       sqlite3_value *code)
{
	size_t n = d->nvalues - 2; /* the last two are outside and not known */
	uint16_t v;

	switch (sqlite3_value_type(code)) {
	case SQLITE_INTEGER:
		return (uint16_t)(sqlite3_value_int64(code) ? n : n + 1);
	case SQLITE_NULL: /* no code and no source */
		return (uint16_t)(n + 1);
	default:
		v = code_map_find(cm, (const char *)sqlite3_value_text(code));
		return v != NO_VALUE ? v : (uint16_t)n;
	}
}

/* One dimension of one of the cubes being built, and what a pass knows of it. */
struct slot {
	struct count_dim *d;
	struct dim_map *m;
};

/* What the pass over the responses fills. */
struct resp_pass {
	const struct slot *s;    /* every cube's dimensions */
	size_t ns;
	struct respondents *r;
	struct code_map *code;   /* a slot each: district, channel, form */
	int unordered;           /* not in id order after all */
	int oom;
};

/* The columns of the responses pass, in the order it gives them. */
enum { RC_ID, RC_DISTRICT, RC_CHANNEL, RC_FORM, RC_EVENT, RC_N };

static int resp_grow(struct resp_pass *p)
{
	struct respondents *r = p->r;
	size_t cap = r->cap;

	/*
	 * r->cap counts for r->id and every by_resp: ALLOC_GROW's new size
	 * depends only on what is asked for, so each array, grown from the
	 * same r->cap, ends up the same size.
	 */
	if (ALLOC_GROW(r->id, r->n + 1, cap) < 0)
		return -1;
	for (size_t d = 0; d < p->ns; d++) {
		size_t c = r->cap;

		if (ALLOC_GROW(p->s[d].m->by_resp, r->n + 1, c) < 0)
			return -1;
	}
	r->cap = cap;
	return 0;
}

static void resp_row(void *pass, sqlite3_context *ctx, sqlite3_value **argv)
{
	struct resp_pass *p = pass;
	struct respondents *r = p->r;
	long long id = sqlite3_value_int64(argv[RC_ID]);
	size_t at;

	if (r->in) {
		uint64_t k = (uint64_t)id - (uint64_t)r->lo;

		if (k >= r->n)
			return; /* not the exercise's: cannot be, read in one transaction */
		at = (size_t)k;
		r->in[at / 8] |= (unsigned char)(1u << (at % 8));
	} else {
		if (r->n == r->cap && resp_grow(p) < 0) {
			p->oom = 1;
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if (r->n && id <= r->id[r->n - 1])
			p->unordered = 1;
		assert(r->n < r->cap);
		at = r->n;
		r->id[r->n++] = id;
	}
	for (size_t d = 0; d < p->ns; d++) {
		const struct count_dim *dim = p->s[d].d;
		uint16_t v = NO_VALUE;

		switch (dim->kind) {
		case DIM_DISTRICT:
			v = district_value(dim, &p->code[d], argv[RC_DISTRICT]);
			break;
		case DIM_CHANNEL:
			v = code_map_find(&p->code[d], (const char *)sqlite3_value_text(argv[RC_CHANNEL]));
			break;
		case DIM_FORM:
			v = code_map_find(&p->code[d], (const char *)sqlite3_value_text(argv[RC_FORM]));
			break;
		case DIM_EVENT: {
			long long ev = sqlite3_value_int64(argv[RC_EVENT]);

			v = (uint16_t)(dim->nvalues - 1);
			for (size_t k = 0; sqlite3_value_type(argv[RC_EVENT]) != SQLITE_NULL &&
					   k + 1 < dim->nvalues; k++)
				if (p->s[d].m->event_id[k] == ev)
					v = (uint16_t)k;
			break;
		}
		case DIM_DEMOGRAPHIC:
			v = (uint16_t)(dim->nvalues - 1); /* not answered, until read */
			break;
		case DIM_QUESTION:
		case DIM_POLARITY:
			break;
		}
		p->s[d].m->by_resp[at] = v;
	}
}

struct id_pos {
	long long id;
	size_t pos;
};

static int id_pos_cmp(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Puts the respondents in id order, should the query plan have given another. */
static int resp_sort(const struct slot *s, size_t ns, struct respondents *r)
{
	struct id_pos *o = malloc((r->n ? r->n : 1) * sizeof *o);

	if (!o)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		o[i] = (struct id_pos){ r->id[i], i };
	qsort(o, r->n, sizeof *o, id_pos_cmp);
	for (size_t i = 0; i < r->n; i++)
		r->id[i] = o[i].id;
	for (size_t d = 0; d < ns; d++) {
		uint16_t *v = malloc((r->n ? r->n : 1) * sizeof *v);

		if (!v) {
			free(o);
			return -1;
		}
		for (size_t i = 0; i < r->n; i++)
			v[i] = s[d].m->by_resp[o[i].pos];
		free(s[d].m->by_resp);
		s[d].m->by_resp = v;
	}
	free(o);
	return 0;
}

/*
 * Sets the respondents up to be every response id of the exercise (struct
 * respondents), when its `n` ids from `lo` to `hi` are dense enough: each
 * id then costs its dimensions' two bytes and a bit, not eight bytes of id
 * and four of index besides. Otherwise (or short of memory) leaves them
 * to be listed as they are read.
 */
static void resp_direct(struct respondents *r, const struct slot *s, size_t ns, long long lo,
			long long hi, long long n)
{
	uint64_t span;
	size_t d;

	if (n <= 0 || hi < lo)
		return;
	span = (uint64_t)hi - (uint64_t)lo + 1;
	if (span > 2 * (uint64_t)n + 65536 || span >= UINT32_MAX - 1)
		return;
	if (!(r->in = calloc((size_t)span / 8 + 1, 1)))
		return;
	for (d = 0; d < ns; d++) {
		if (!(s[d].m->by_resp = malloc((size_t)span * sizeof *s[d].m->by_resp)))
			break;
		memset(s[d].m->by_resp, 0xff, (size_t)span * sizeof *s[d].m->by_resp);
	}
	if (d < ns) {
		for (size_t k = 0; k < d; k++) {
			free(s[k].m->by_resp);
			s[k].m->by_resp = NULL;
		}
		free(r->in);
		r->in = NULL;
		return;
	}
	r->n = r->cap = (size_t)span;
	r->lo = lo;
}

static int read_respondents(sqlite3 *db, long long ex, int within_dates, const struct slot *s,
			    size_t ns, struct respondents *r, struct err *e)
{
	struct resp_pass p = { .s = s, .ns = ns, .r = r, .code = calloc(ns + 1, sizeof *p.code) };
	const char *col[RC_N] = { "id", "NULL", "NULL", "NULL", "NULL" };
	char sql[512];
	int rc = p.code ? 0 : -1;

	/* Only the columns the dimensions need: each costs time on every row. */
	for (size_t d = 0; d < ns && !rc; d++) {
		switch (s[d].d->kind) {
		case DIM_DISTRICT:
			/* The source only matters without a code. */
			col[RC_DISTRICT] = "coalesce(district_code, district_source = 'out-of-area')";
			rc = code_map_init(&p.code[d], s[d].d, s[d].d->nvalues - 2);
			break;
		case DIM_CHANNEL:
			col[RC_CHANNEL] = "channel";
			rc = code_map_init(&p.code[d], s[d].d, s[d].d->nvalues);
			break;
		case DIM_FORM:
			col[RC_FORM] = "form_variant";
			rc = code_map_init(&p.code[d], s[d].d, s[d].d->nvalues);
			break;
		case DIM_EVENT:
			col[RC_EVENT] = "event_id";
			break;
		default:
			break;
		}
	}
	if (rc < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto done;
	}
	/* The covering index response_counts gives these in id order. */
	snprintf(sql, sizeof sql, "SELECT tally_count_row(%s, %s, %s, %s, %s) FROM response "
		 "WHERE exercise_id = ?1 AND (entry_status = 'accepted' OR entry_status = 'verified')%s",
		 col[0], col[1], col[2], col[3], col[4],
		 within_dates ? " AND outside_dates = 0" : "");
	if ((rc = run_pass(db, sql, ex, resp_row, RC_N, &p, &p.oom, "reading the responses", e)) == 0 &&
	    p.unordered && (rc = resp_sort(s, ns, r)) < 0)
		err_set(e, EXIT_SYSTEM, "out of memory");
done:
	for (size_t d = 0; p.code && d < ns; d++)
		free(p.code[d].slot);
	free(p.code);
	return rc;
}

/*
 * Responses that do not count, by id, with the first option they gave on a
 * demographic question: they are not counted, but one that gave two options
 * makes the "(several)" column appear all the same, as it always did.
 */
struct other_resp {
	long long *id, *opt;    /* id 0 marks a free slot: response ids start at 1 */
	size_t cap, n;
};

/* The slot of `id` (free when it is not there). */
static size_t other_slot(const struct other_resp *o, long long id)
{
	size_t k = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15u >> 20) & (o->cap - 1);

	while (o->id[k] && o->id[k] != id)
		k = (k + 1) & (o->cap - 1);
	return k;
}

/* Whether response `id` gave an option other than `opt` before; -1 out of memory. */
static int other_several(struct other_resp *o, long long id, long long opt)
{
	size_t k;

	if (2 * (o->n + 1) > o->cap) {
		struct other_resp g = { .cap = o->cap ? 2 * o->cap : 256 };

		if (!(g.id = calloc(g.cap, sizeof *g.id)) || !(g.opt = malloc(g.cap * sizeof *g.opt))) {
			free(g.id);
			return -1;
		}
		for (size_t i = 0; i < o->cap; i++)
			if (o->id[i]) {
				k = other_slot(&g, o->id[i]);
				g.id[k] = o->id[i];
				g.opt[k] = o->opt[i];
			}
		g.n = o->n;
		free(o->id);
		free(o->opt);
		*o = g;
	}
	k = other_slot(o, id);
	if (o->id[k])
		return o->opt[k] != opt;
	o->id[k] = id;
	o->opt[k] = opt;
	o->n++;
	return 0;
}

/* A respondent who gave several options, until the column for them is made. */
#define SEVERAL_MARK (NO_VALUE - 1)

/* What the pass over a demographic question's answers fills. */
struct option_pass {
	const struct count_dim *d;
	struct dim_map *m;
	const struct respondents *r;
	struct other_resp other;
	int several;    /* some response gave more than one option */
	size_t hint;
	int oom;
};

static void option_row(void *pass, sqlite3_context *ctx, sqlite3_value **argv)
{
	struct option_pass *p = pass;
	long long id = sqlite3_value_int64(argv[0]);
	long i = find_resp(p->r, id, &p->hint);
	long long opt = sqlite3_value_int64(argv[1]);
	uint16_t unknown = (uint16_t)(p->d->nvalues - 1), *at;
	int rc;

	if (i < 0) {
		if (!p->several && id && (rc = other_several(&p->other, id, opt)) != 0) {
			if (rc < 0) {
				p->oom = 1;
				sqlite3_result_error_nomem(ctx);
			} else {
				p->several = 1;
			}
		}
		return;
	}
	at = &p->m->by_resp[i];
	for (size_t v = 0; v < unknown; v++)
		if (p->m->option_id[v] == opt) {
			/* A second, different option: "more than one answer". */
			if (*at == unknown || *at == v) {
				*at = (uint16_t)v;
			} else {
				*at = SEVERAL_MARK;
				p->several = 1;
			}
			return;
		}
}

/*
 * The option each respondent chose on a demographic question; when some
 * response (counted or not) gave more than one, the dimension gets its
 * COUNTS_SEVERAL value, before "(unknown)", and those respondents it.
 * Found in the same pass: a query of its own grouping every answer to the
 * question cost as much as the pass, for each demographic table of an
 * export. (An option of another question, which the database's keys keep
 * out, would count as none here.)
 */
static int read_demographic(sqlite3 *db, struct count_dim *d, struct dim_map *m,
			    const struct respondents *r, struct err *e)
{
	struct option_pass p = { .d = d, .m = m, .r = r };
	int rc;

	/* counted_answer: a derived question's answers are those of its source, grouped. */
	rc = run_pass(db, "SELECT tally_count_row(response_id, option_id) FROM counted_answer "
		      "WHERE question_id = ?1 AND option_id IS NOT NULL", d->question_id,
		      option_row, 2, &p, &p.oom, "reading the answers to count by", e);
	free(p.other.id);
	free(p.other.opt);
	if (rc < 0 || !p.several)
		return rc;
	if (counts_dim_add_several(d) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	/* The columns now: the options, COUNTS_SEVERAL, "(unknown)". */
	for (size_t i = 0; i < r->n; i++) {
		uint16_t *v = &m->by_resp[i];

		*v = *v == SEVERAL_MARK ? (uint16_t)(d->nvalues - 2) :
		     *v == d->nvalues - 2 ? (uint16_t)(d->nvalues - 1) : *v;
	}
	return 0;
}

/*
 * Counts the items, grouped by respondent, into the cube: it[0] the tags,
 * it[1] the answers (for a cube by question or polarity), each grouped.
 */
static void tally(struct tally *t, const struct respondents *r, const struct items it[2])
{
	size_t k = 0, ka = 0; /* the next tag, the next answer */

	for (size_t i = 0; i < r->n; i++) {
		if (!resp_counts(r, i))
			continue;
		tally_resp(t, i);
		for (; k < it[0].n && it[0].v[k].resp == i; k++)
			tally_item(t, i, &it[0].v[k]);
		for (; ka < it[1].n && it[1].v[ka].resp == i; ka++)
			tally_item(t, i, &it[1].v[ka]);
	}
}

/* What the passes over the tags and the answered questions fill. */
struct item_pass {
	size_t nthemes;            /* of the rule set */
	/*
	 * With a cube by question or polarity: the free-text questions any of
	 * them has a value for, by id, as indexes into by_q (NO_VALUE for the
	 * others); NULL when no cube needs the question.
	 */
	const uint16_t *q_of;
	long long nqid;
	/*
	 * The respondents, to give each item its respondent's index; or NULL,
	 * while they are being read, and each item keeps its response id as an
	 * offset from `lo` instead (ids beyond `hi` belong to no respondent).
	 */
	const struct respondents *r;
	long long lo, hi;
	const uint16_t *theme_of;  /* theme index by theme id - min_id */
	long long min_id, max_id;
	int base;                  /* the answers for the base, not tags */
	int decisions;             /* tags with the review decisions (effective_tag) */
	/*
	 * The exercise's tags for the ledger's snapshot, of every response of
	 * the exercise: ids xlo..xhi, those with their bit set in xbits (bit
	 * id - xlo) when it is not NULL.
	 */
	struct tag_sum snap;
	long long xlo, xhi, xn;    /* xn: how many */
	const unsigned char *xbits;
	struct items *it;          /* it[0] the tags, it[1] the answers */
	/*
	 * Counting as the items come (with `r`), into every cube, instead of
	 * keeping them: while each respondent's come together, which `last`
	 * checks (the pass stops when they do not).
	 */
	struct tally *tl;
	size_t ntl;
	uint32_t last;
	size_t hint;
	int oom;
};

/* (response id, question id, theme id, answer id) */
static void item_row(void *pass, sqlite3_context *ctx, sqlite3_value **argv)
{
	struct item_pass *p = pass;
	long long id = sqlite3_value_int64(argv[0]);
	struct item x;

	x.theme = NO_VALUE;
	if (!p->base) {
		long long th = sqlite3_value_int64(argv[2]);

		/* The snapshot's sum: every tag of the exercise's responses, in the table's order. */
		if (id >= p->xlo && id <= p->xhi &&
		    (!p->xbits || p->xbits[(uint64_t)(id - p->xlo) / 8] >> ((uint64_t)(id - p->xlo) % 8) & 1))
			tag_sum_add(&p->snap, sqlite3_value_int64(argv[3]), th);

		if (th < p->min_id || th > p->max_id || p->theme_of[th - p->min_id] == NO_VALUE)
			return; /* another exercise's rule set */
		x.theme = p->theme_of[th - p->min_id];
		assert(x.theme < p->nthemes);
	}
	x.q = NO_VALUE;
	if (p->q_of) {
		long long qid = sqlite3_value_int64(argv[1]);

		if (qid >= 0 && qid < p->nqid)
			x.q = p->q_of[qid];
		if (p->base && x.q == NO_VALUE)
			return; /* not a question any cube counts by */
	}
	if (p->r) {
		long i = find_resp(p->r, id, &p->hint);

		if (i < 0)
			return; /* a response that does not count */
		x.resp = (uint32_t)i;
		if (p->tl) {
			if (x.resp < p->last) {
				p->oom = PASS_STOP;
				sqlite3_result_error(ctx, "not in respondent order", -1);
				return;
			}
			p->last = x.resp;
			for (size_t k = 0; k < p->ntl; k++)
				tally_item(&p->tl[k], x.resp, &x);
			return;
		}
	} else if (id >= p->lo && id <= p->hi)
		x.resp = (uint32_t)((uint64_t)id - (uint64_t)p->lo);
	else
		return; /* no response at all */
	if (items_push(&p->it[p->base], x) < 0) {
		p->oom = 1;
		sqlite3_result_error_nomem(ctx);
	}
}

/* The tags, and for answer-level dimensions the answered free-text questions. */
static int read_items(sqlite3 *db, struct item_pass *p, struct err *e)
{
	int any_answer_level = p->q_of != NULL;

	/*
	 * The tag table alone: each tag keeps its answer's response and
	 * question. With review decisions, the view that merges them (slower,
	 * so only when there are any).
	 */
	static const char *const tags_sql[2][2] = {
		{ "SELECT tally_count_row(response_id, NULL, theme_id, answer_id) FROM tag",
		  "SELECT tally_count_row(response_id, question_id, theme_id, answer_id) FROM tag" },
		{ "SELECT tally_count_row(response_id, NULL, theme_id, answer_id) FROM effective_tag",
		  "SELECT tally_count_row(response_id, question_id, theme_id, answer_id) "
		  "FROM effective_tag" },
	};

	int rc;

	p->snap = (struct tag_sum){ 0 };
	p->last = 0;
	p->base = 0;
	p->hint = 0;
	if ((rc = run_pass(db, tags_sql[p->decisions != 0][any_answer_level], 0, item_row, 4, p,
			   &p->oom, "reading the tags", e)) != 0 || !any_answer_level)
		return rc;
	/*
	 * By question or polarity, the base is who answered: every answered
	 * free-text answer. Which answers are free text is left to item_row()
	 * (q_of has only free-text questions): joining every answer to its
	 * question took half this pass's time. The column keeps text (TEXT
	 * affinity), NULL or, written by hand, a blob: value > '' is a
	 * non-empty text, and of a blob only its length is asked, which SQLite
	 * knows without reading it; the same as length(value) > 0, without
	 * counting every answer's characters. The partial index answer_text
	 * (schema 0032) holds exactly these answers, so the pass reads it
	 * alone, not the answers' text, and in respondent order.
	 */
	p->base = 1;
	p->hint = 0;
	p->last = 0;
	return run_pass(db, "SELECT tally_count_row(response_id, question_id, NULL, NULL) FROM answer "
			"WHERE state = 'answered' AND value > '' AND (value < x'' OR length(value) > 0)",
			0, item_row, 4, p, &p->oom, "reading the answers", e);
}

/* What the pass marking the exercise's responses fills. */
struct member_pass {
	unsigned char *bits;
	long long lo;
	int oom;            /* never set: nothing is allocated in the pass */
};

static void member_row(void *pass, sqlite3_context *ctx, sqlite3_value **argv)
{
	struct member_pass *p = pass;
	uint64_t k = (uint64_t)sqlite3_value_int64(argv[0]) - (uint64_t)p->lo;

	(void)ctx;
	p->bits[k / 8] |= (unsigned char)(1u << (k % 8));
}

/*
 * Which responses are the exercise's, for the snapshot's tags (struct
 * item_pass): the range of their ids, and when it has gaps (an erasure,
 * another exercise), a bit an id, from one pass over the exercise's
 * index. 0, or -1 with `e` set.
 */
static int exercise_ids(sqlite3 *db, long long ex, struct item_pass *p, unsigned char **bits,
			struct err *e)
{
	struct member_pass mp = { 0 };
	long long n = 0, lo = 0, hi = 0;

	if (response_id_span(db, ex, &n, &lo, &hi, "reading the responses", e) < 0)
		return -1;
	p->xlo = 1;
	p->xhi = 0;
	p->xn = n;
	if (!n)
		return 0;
	p->xlo = lo;
	p->xhi = hi;
	if ((uint64_t)hi - (uint64_t)lo + 1 == (uint64_t)n)
		return 0;
	if ((uint64_t)hi - (uint64_t)lo >= (uint64_t)SIZE_MAX / 2 ||
	    !(*bits = calloc((size_t)((uint64_t)hi - (uint64_t)lo) / 8 + 1, 1)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	mp.bits = *bits;
	mp.lo = lo;
	if (run_pass(db, "SELECT tally_count_row(id) FROM response WHERE exercise_id = ?1", ex,
		     member_row, 1, &mp, &mp.oom, "reading the responses", e) < 0)
		return -1;
	p->xbits = *bits;
	return 0;
}

/* Gives items read with response id offsets their respondents, leaving out the rest. */
static void items_to_respondents(struct items *it, const struct respondents *r, long long lo)
{
	size_t hint = 0, n = 0;

	for (size_t k = 0; k < it->n; k++) {
		long i = find_resp(r, (long long)((uint64_t)lo + it->v[k].resp), &hint);

		if (i >= 0) {
			assert(n <= k && (size_t)i < r->n);
			it->v[n] = it->v[k];
			it->v[n++].resp = (uint32_t)i;
		}
	}
	it->n = n;
}

/*
 * Reading the tags on a second connection, on another processor, while
 * this one reads the responses, takes a third off the time. The second must
 * see exactly what the first sees, and this SQLite cannot share a snapshot;
 * but PRAGMA data_version read twice on one connection differs whenever
 * another committed in between. So the second connection reads it, the
 * first begins reading, and the second begins reading and reads it again:
 * the same number means nothing was committed in between, so both read the
 * same state. Otherwise (or if anything about the second fails) the first
 * connection reads the tags itself, after the responses.
 */
struct twin {
	sqlite3 *db;
	long long version;
	struct item_pass *p;
	struct err e;
	int rc;
};

static int data_version(sqlite3 *db, long long *v)
{
	return db_int(db, "PRAGMA data_version", 0, v, NULL, 0);
}

/*
 * Whether `db` is reading already, in a transaction or a statement of the
 * caller's still running: it then sees what was there when that began.
 */
static int already_reading(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		return 1;
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
		if (sqlite3_stmt_busy(st))
			return 1;
	return 0;
}

/* Opens the second connection: before `db`, not reading yet, starts to. */
static void twin_open(sqlite3 *db, struct twin *t)
{
	const char *path = sqlite3_db_filename(db, "main");

	memset(t, 0, sizeof *t);
	err_init(&t->e);
	if (!sqlite3_threadsafe() || !path || !*path)
		return;
	if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    data_version(t->db, &t->version) < 0) {
		sqlite3_close(t->db);
		t->db = NULL;
	}
}

static void twin_close(struct twin *t)
{
	if (t->db) {
		db_rollback(t->db);
		sqlite3_close(t->db);
		t->db = NULL;
	}
}

/* Begins reading on the second connection, once the first has; 0 if both see the same. */
static int twin_begin(struct twin *t)
{
	long long v = 0;

	if (!t->db)
		return -1;
	if (db_exec(t->db, "BEGIN", "", NULL) < 0 || data_version(t->db, &v) < 0 || v != t->version) {
		twin_close(t);
		return -1;
	}
	return 0;
}

static void *twin_run(void *arg)
{
	struct twin *t = arg;

	t->rc = read_items(t->db, t->p, &t->e);
	return NULL;
}

/*
 * Groups items by respondent, keeping their order within one: a counting
 * sort, needed only when the tags did not come in respondent order.
 */
static int group_items(struct items *it, size_t nresp)
{
	size_t *next;
	struct item *sorted;
	size_t k;

	for (k = 1; k < it->n && it->v[k].resp >= it->v[k - 1].resp; k++)
		;
	if (k >= it->n)
		return 0;
	if (!(next = calloc(nresp + 1, sizeof *next)))
		return -1;
	if (!(sorted = malloc(it->n * sizeof *sorted))) {
		free(next);
		return -1;
	}
	for (k = 0; k < it->n; k++) {
		assert(it->v[k].resp < nresp);
		next[it->v[k].resp + 1]++;
	}
	for (size_t i = 0; i < nresp; i++)
		next[i + 1] += next[i];
	for (k = 0; k < it->n; k++)
		sorted[next[it->v[k].resp]++] = it->v[k];
	free(next);
	free(it->v);
	it->v = sorted;
	it->cap = it->n;
	return 0;
}

/* Theme ids of the rule set (from min_id to max_id) to theme indexes. 0 or -1. */
static int theme_index(const struct count_cube *c, const long long *ids, long long min_id,
		       long long max_id, uint16_t **out, struct err *e)
{
	uint16_t *t;

	if (max_id < min_id)
		return 0;
	if (!(t = malloc((size_t)(max_id - min_id + 1) * sizeof *t)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (long long i = 0; i <= max_id - min_id; i++)
		t[i] = NO_VALUE;
	for (size_t i = 0; i < c->nthemes; i++)
		t[ids[i] - min_id] = (uint16_t)i;
	*out = t;
	return 0;
}

struct count_cube *counts_build(sqlite3 *db, long long ex, const char *by, struct err *e)
{
	return counts_build_within(db, ex, by, 0, e);
}

/*
 * The exercise's code and title and the rule set's hash into `c`. 0, or -1
 * with `e` set: nothing tagged yet (EXIT_USAGE), a database error.
 */
static int read_exercise(sqlite3 *db, long long ex, struct count_cube *c, struct err *e)
{
	sqlite3_stmt *st;
	long long n = 0;
	char id[32];

	snprintf(id, sizeof id, "%lld", ex);
	if (db_int(db, "SELECT count(*) FROM ruleset WHERE exercise_id = ?1", 0, &n, e, 1, id) < 0)
		return -1;
	if (!n)
		return err_set(e, EXIT_USAGE, "nothing is tagged yet: run 'analyser tag DB RULES' first");
	if (!(st = db_prepare(db, "SELECT x.code, x.title, s.sha256 FROM exercise x "
				  "JOIN ruleset s ON s.exercise_id = x.id WHERE x.id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(db, "reading the exercise", e);
	}
	c->exercise_code = strdup((const char *)sqlite3_column_text(st, 0));
	c->exercise_title = strdup((const char *)sqlite3_column_text(st, 1));
	snprintf(c->ruleset, sizeof c->ruleset, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	if (!c->exercise_code || !c->exercise_title)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return 0;
}

/*
 * The dimensions named in `by` ("district", or "channel,AGE"; `names` is a
 * copy to cut up) into c->dim and `m`. 0, or -1 with `e` set (EXIT_USAGE
 * for none, more than two, or one named twice).
 */
static int read_dims(sqlite3 *db, long long ex, const char *by, char *names,
		     struct count_cube *c, struct dim_map *m, struct err *e)
{
	for (char *save = NULL, *tok = strtok_r(names, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok)
			continue;
		if (c->ndims == 2)
			return err_set(e, EXIT_USAGE, "--by takes one or two dimensions, not more ('%s')",
				       by);
		assert(c->ndims < 2);
		if (counts_dim_load(db, ex, tok, &c->dim[c->ndims], &m[c->ndims], e) < 0)
			return -1;
		c->ndims++;
		if (c->ndims == 2 && !strcmp(c->dim[0].name, c->dim[1].name))
			return err_set(e, EXIT_USAGE, "--by names '%s' twice", tok);
	}
	if (!c->ndims)
		return err_set(e, EXIT_USAGE, "--by needs a dimension, such as district or channel");
	for (size_t d = 0; d < c->ndims; d++)
		if (counts_answer_level(&c->dim[d]) &&
		    counts_dim_map_questions(db, ex, &c->dim[d], &m[d], e) < 0)
			return -1;
	return 0;
}

/* One build's reading: the second connection and its thread, when there is one. */
struct reading {
	struct twin twin;
	struct item_pass ip;
	pthread_t thread;
	int threaded;
	long long lo;       /* the first response id (items hold ids less it) */
	struct count_cube **cubes;
	struct dim_map (*m)[2];
	struct tally *tl;   /* a cube each, counted into */
	size_t n;
	int counted;        /* counted as the items came: no items kept */
};

/*
 * Above this many response ids, the tags are not read on the second
 * connection: that keeps every tag and answer until the respondents are
 * read (8 bytes each, some 30 MB a million responses), where counting
 * them as they come keeps nothing.
 */
#define TWIN_MAX_IDS 1000000

/*
 * Starts reading the tags on the second connection, on a thread, if it
 * sees the same as the first and the response ids fit in an item; else
 * closes it (the first connection reads them later). 0, or -1 with `e` set.
 */
static int items_start(sqlite3 *db, struct reading *rd, struct err *e)
{
	long long lo = 0, hi = 0;

	if (db_int(db, "SELECT min(id) FROM response", 0, &lo, e, 0) < 0 ||
	    db_int(db, "SELECT max(id) FROM response", 0, &hi, e, 0) < 0)
		return -1;
	if (hi >= lo && (uint64_t)hi - (uint64_t)lo < TWIN_MAX_IDS && twin_begin(&rd->twin) == 0) {
		rd->ip.lo = rd->lo = lo;
		rd->ip.hi = hi;
		rd->twin.p = &rd->ip;
		rd->threaded = pthread_create(&rd->thread, NULL, twin_run, &rd->twin) == 0;
	}
	if (!rd->threaded)
		twin_close(&rd->twin);
	return 0;
}

/*
 * Reads the tags (and answers) and counts them as they come into every
 * cube, when each respondent's come together; otherwise (found as they
 * come: the count so far is forgotten) reads them again into `it`, to
 * count once grouped. 0, or -1 with `e` set.
 */
static int count_items(sqlite3 *db, const struct respondents *r, struct reading *rd,
		       struct err *e)
{
	int rc;

	for (size_t k = 0; k < rd->n; k++)
		if (tally_init(&rd->tl[k], rd->cubes[k], rd->m[k]) < 0)
			return err_set(e, EXIT_SYSTEM, "out of memory");
	rd->ip.tl = rd->tl;
	rd->ip.ntl = rd->n;
	rc = read_items(db, &rd->ip, e);
	rd->ip.tl = NULL;
	if (rc < 0)
		return -1;
	if (rc == 0) {
		for (size_t k = 0; k < rd->n; k++)
			for (size_t i = 0; i < r->n; i++)
				if (resp_counts(r, i))
					tally_resp(&rd->tl[k], i);
		rd->counted = 1;
		return 0;
	}
	for (size_t k = 0; k < rd->n; k++)
		tally_clear(&rd->tl[k]);
	rd->ip.oom = 0;
	return read_items(db, &rd->ip, e) < 0 ? -1 : 0;
}

/*
 * Reads the respondents and every slot's values (demographic ones from
 * their answers), then takes the tags from the thread (or reads them now).
 * Always joins the thread. 0 or -1.
 */
static int read_rows(sqlite3 *db, long long ex, int within_dates, const struct slot *sl,
		     size_t ns, struct respondents *r, struct items *it, struct reading *rd,
		     struct err *e)
{
	int rc;

	resp_direct(r, sl, ns, rd->ip.xlo, rd->ip.xhi, rd->ip.xn);
	rc = read_respondents(db, ex, within_dates, sl, ns, r, e);

	if (rc == 0 && r->n >= UINT32_MAX - 1)
		rc = err_set(e, EXIT_USAGE, "too many responses to count at once");
	if (rc == 0)
		resp_index(r);
	for (size_t d = 0; rc == 0 && d < ns; d++)
		if (sl[d].d->kind == DIM_DEMOGRAPHIC)
			rc = read_demographic(db, sl[d].d, sl[d].m, r, e);
	if (rd->threaded) {
		pthread_join(rd->thread, NULL);
		rd->threaded = 0;
		if (rc == 0 && rd->twin.rc < 0) {
			for (int i = 0; i < rd->twin.e.nlines; i++)
				err_set(e, rd->twin.e.code, "%s", rd->twin.e.lines[i]);
			rc = -1;
		}
		if (rc == 0) {
			items_to_respondents(&it[0], r, rd->lo);
			items_to_respondents(&it[1], r, rd->lo);
		}
	} else if (rc == 0) {
		rd->ip.r = r;
		rc = count_items(db, r, rd, e);
	}
	twin_close(&rd->twin);
	return rc;
}

/* The cells and bases, counted from the items. 0, or -1 with `e` set (out of memory). */
static int count_cells(struct tally *t, struct count_cube *c, const struct dim_map *m,
		       const struct respondents *r, const struct items it[2], struct err *e)
{
	if (!t->cstamp && tally_init(t, c, m) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	tally(t, r, it);
	return 0;
}

/*
 * With a cube by question or polarity among `cubes`: the questions any of
 * them gives a value, numbered in `*q_of` by question id (NO_VALUE for the
 * rest), and each such dimension's values by that number in by_q. *q_of
 * stays NULL without one. 0, or -1 with `e` set.
 */
static int map_questions(struct count_cube **cubes, struct dim_map (*m)[2], size_t n,
			 uint16_t **q_of, long long *nqid, struct err *e)
{
	size_t nq = 0;

	*nqid = 0;
	for (size_t k = 0; k < n; k++)
		for (size_t d = 0; d < cubes[k]->ndims; d++)
			if (counts_answer_level(&cubes[k]->dim[d]) && m[k][d].nqid > *nqid)
				*nqid = m[k][d].nqid;
	if (!*nqid)
		return 0;
	if (!(*q_of = malloc((size_t)*nqid * sizeof **q_of)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (long long id = 0; id < *nqid; id++) {
		int any = 0;

		for (size_t k = 0; k < n; k++)
			for (size_t d = 0; d < cubes[k]->ndims; d++)
				any |= counts_answer_level(&cubes[k]->dim[d]) && id < m[k][d].nqid &&
				       m[k][d].by_qid[id] != NO_VALUE;
		if (any && nq + 1 >= NO_VALUE)
			return err_set(e, EXIT_USAGE, "too many free-text questions to count by");
		(*q_of)[id] = any ? (uint16_t)nq++ : NO_VALUE;
	}
	for (size_t k = 0; k < n; k++)
		for (size_t d = 0; d < cubes[k]->ndims; d++) {
			struct dim_map *dm = &m[k][d];

			if (!counts_answer_level(&cubes[k]->dim[d]))
				continue;
			if (!(dm->by_q = malloc((nq ? nq : 1) * sizeof *dm->by_q)))
				return err_set(e, EXIT_SYSTEM, "out of memory");
			for (long long id = 0; id < *nqid; id++)
				if ((*q_of)[id] != NO_VALUE)
					dm->by_q[(*q_of)[id]] = id < dm->nqid ? dm->by_qid[id] : NO_VALUE;
		}
	return 0;
}

/*
 * The merged rows after the themes: each a theme of depth 1 with no parent,
 * and its members. 0, or -1 with `e` set.
 */
static int add_merges(struct count_cube *c, const struct count_merge *mg, size_t n,
		      struct err *e)
{
	c->nreal = c->nthemes;
	if (!n)
		return 0;
	if (c->nthemes + n >= NO_VALUE)
		return err_set(e, EXIT_USAGE, "too many themes and merged categories to count");
	if (!(c->member = calloc(n * c->nreal + 1, 1)) ||
	    ALLOC_GROW(c->themes, c->nthemes + n, c->capthemes) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (size_t g = 0; g < n; g++) {
		struct count_theme *t = &c->themes[c->nthemes];

		for (size_t k = 0; k < mg[g].nthemes; k++) {
			size_t i = 0;

			while (i < c->nreal && strcmp(c->themes[i].code, mg[g].themes[k]))
				i++;
			if (i == c->nreal)
				return err_set(e, EXIT_DATA, "'%s' counts theme '%s', which the rule set "
					       "does not have", mg[g].code, mg[g].themes[k]);
			c->member[g * c->nreal + i] = 1;
		}
		t->code = strdup(mg[g].code);
		t->label = strdup(mg[g].label);
		t->depth = 1;
		t->parent = -1;
		c->nthemes++;
		if (!t->code || !t->label)
			return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	return 0;
}

struct count_cube *counts_build_within(sqlite3 *db, long long ex, const char *by,
				       int within_dates, struct err *e)
{
	return counts_build_opts(db, ex, by, &(struct count_build_opts){ .within_dates = within_dates },
				 e);
}

struct count_cube *counts_build_opts(sqlite3 *db, long long ex, const char *by,
				     const struct count_build_opts *o, struct err *e)
{
	struct count_cube *c = NULL;

	return counts_build_many(db, ex, &by, 1, o, &c, e) == 0 ? c : NULL;
}

/* Whether two cubes of one build count the same themes (they are read in one transaction). */
static int same_themes(const struct count_cube *a, const struct count_cube *b)
{
	if (a->nreal != b->nreal)
		return 0;
	for (size_t t = 0; t < a->nreal; t++)
		if (strcmp(a->themes[t].code, b->themes[t].code) ||
		    a->themes[t].parent != b->themes[t].parent)
			return 0;
	return 1;
}

int counts_build_many(sqlite3 *db, long long ex, const char *const *by, size_t n,
		      const struct count_build_opts *o, struct count_cube **out, struct err *e)
{
	static const struct count_build_opts defaults;
	struct dim_map (*m)[2] = calloc(n ? n : 1, sizeof *m);
	struct slot *sl = calloc(2 * n + 1, sizeof *sl);
	size_t ns = 0;
	struct respondents r = { 0 };
	struct items it[2] = { { 0 }, { 0 } }; /* the tags; the answers */
	struct reading rd = { 0 };
	struct tally *tl = calloc(n ? n : 1, sizeof *tl);
	long long *theme_ids = NULL, min_id = 0, max_id = -1, nqid = 0;
	uint16_t *theme_of = NULL, *q_of = NULL;
	unsigned char *xbits = NULL;
	int own_txn = 0, rc = -1;

	err_init(&rd.twin.e);
	for (size_t k = 0; k < n; k++)
		out[k] = NULL;
	if (!m || !sl || !tl) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto done;
	}
	if (!o)
		o = &defaults;
	if (!n) {
		rc = 0;
		goto done;
	}
	/*
	 * One read transaction, so that every pass sees the same responses and
	 * tags, unless the caller's reading holds one already.
	 */
	if (!already_reading(db)) {
		twin_open(db, &rd.twin);
		if (db_exec(db, "BEGIN", "starting to read", e) < 0)
			goto done;
		own_txn = 1;
	}
	/* What each cube counts by: small queries, a cube each. */
	for (size_t k = 0; k < n; k++) {
		struct count_cube *c = out[k] = calloc(1, sizeof *c);
		char *names = strdup(by[k] && *by[k] ? by[k] : "district");
		long long *ids = NULL, lo, hi;
		int bad;

		if (!c || !names) {
			free(names);
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto done;
		}
		c->within_dates = o->within_dates;
		c->rules_only = o->rules_only;
		bad = read_exercise(db, ex, c, e) < 0 ||
		      (!o->rules_only && review_any_decision(db, &c->decisions, e) < 0) ||
		      read_dims(db, ex, by[k], names, c, m[k], e) < 0 ||
		      counts_load_themes(db, ex, c, &ids, &lo, &hi, e) < 0;
		free(names);
		/* The tags' theme ids to indexes: the rule set's themes, before any merged row. */
		if (!bad && !k) {
			theme_ids = ids;
			ids = NULL;
			min_id = lo;
			max_id = hi;
			bad = theme_index(c, theme_ids, min_id, max_id, &theme_of, e) < 0;
		}
		free(ids);
		bad = bad || add_merges(c, o->merges, o->nmerges, e) < 0;
		if (!bad && k && !same_themes(out[0], c))
			bad = err_set(e, EXIT_SYSTEM, "the rule set changed while counting") < 0;
		if (bad)
			goto done;
		for (size_t d = 0; d < c->ndims; d++)
			if (!counts_answer_level(&c->dim[d]))
				sl[ns++] = (struct slot){ &c->dim[d], &m[k][d] };
	}
	if (map_questions(out, m, n, &q_of, &nqid, e) < 0)
		goto done;
	/* Then the big passes, once for them all. */
	rd.ip = (struct item_pass){ .nthemes = out[0]->nreal, .q_of = q_of, .nqid = nqid,
				    .theme_of = theme_of, .min_id = min_id, .max_id = max_id,
				    .it = it, .decisions = out[0]->decisions };
	rd.cubes = out;
	rd.m = m;
	rd.tl = tl;
	rd.n = n;
	if (exercise_ids(db, ex, &rd.ip, &xbits, e) < 0 || items_start(db, &rd, e) < 0 ||
	    read_rows(db, ex, o->within_dates, sl, ns, &r, it, &rd, e) < 0)
		goto done;
	/*
	 * The tag table comes in its own order both here and in the ledger's
	 * query; the view with the decisions may not (its tags that decisions
	 * add come in another order when the ledger's query restricts the
	 * responses), which matters only when the sum depends on the order.
	 */
	for (size_t k = 0; k < n; k++) {
		out[k]->tags_known = !rd.ip.decisions || !tag_sum_order_matters(&rd.ip.snap);
		out[k]->tags_n = rd.ip.snap.n;
		out[k]->tags_sum = tag_sum_value(&rd.ip.snap);
	}
	/* Each comes in respondent order as the tables are laid out: then no sort. */
	if (!rd.counted && (group_items(&it[0], r.n) < 0 || group_items(&it[1], r.n) < 0)) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < n && !rd.counted; k++)
		if (count_cells(&tl[k], out[k], m[k], &r, it, e) < 0)
			goto done;
	rc = 0;
done:
	if (rc < 0)
		for (size_t k = 0; k < n; k++) {
			count_cube_free(out[k]);
			out[k] = NULL;
		}
	if (rd.threaded)
		pthread_join(rd.thread, NULL);
	twin_close(&rd.twin);
	if (own_txn)
		db_rollback(db); /* it only read: nothing to keep */
	for (size_t k = 0; m && k < n; k++)
		for (size_t d = 0; d < 2; d++) {
			free(m[k][d].by_resp);
			free(m[k][d].by_qid);
			free(m[k][d].by_q);
			free(m[k][d].option_id);
			free(m[k][d].event_id);
		}
	free(m);
	free(sl);
	free(r.id);
	free(r.at);
	free(r.in);
	free(it[0].v);
	free(it[1].v);
	free(q_of);
	free(theme_of);
	free(theme_ids);
	free(xbits);
	for (size_t k = 0; tl && k < n; k++)
		tally_free(&tl[k]);
	free(tl);
	return rc;
}
