/*
 * ledger.c: the publication ledger (see ledger.h).
 *
 * The snapshot is what the counts depend on: the rule set's version and
 * the tags (how many, and a checksum of which answer has which theme), the
 * responses that count (how many and a checksum of their ids, so an import,
 * an erasure or a verified second entry starts a new one) and the rule.
 * Publications of the same snapshot are reconciled; another snapshot's
 * tables are deleted when a publication starts, and a trigger deletes them
 * all when a response is erased.
 *
 * The audit: every key (theme and cell) shown in some table is known; the
 * others that some table hides are the unknowns. Each row and column of
 * each table with an unknown in it is an equation (cells minus total is
 * zero, the known numbers moved to the other side). A hidden count can be
 * worked out exactly when its unit vector lies in the span of the
 * equations: after Gauss-Jordan elimination its column is a pivot whose
 * row has nothing in the free columns. The elimination runs modulo the
 * prime 2^31 - 1, on each connected group of unknowns the new table
 * touches; a rank that drops modulo the prime can only make the audit
 * stricter (a count looks determined when it is not), never laxer. Each
 * pass costs at most equations x unknowns x rank for the group.
 */
#include "ledger.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "review.h"
#include "strbuf.h"
#include "tag_sum.h"

#define P 2147483647u   /* 2^31 - 1 */
#define NONE SIZE_MAX

struct key {
	char *s;        /* theme, 0x1f, cell */
	int shown;      /* shown in a recorded table */
	long value;     /* as shown there */
};

struct ltab {
	size_t nrows, ncols;    /* inside the border; nrows 0: a line */
	size_t *key;            /* (nrows + 1) x (ncols + 1) key indexes */
	unsigned char *hid;
};

struct ledger {
	sqlite3 *db;
	long long ex;
	struct sdc_rule rule;
	char snapshot[256];
	/* The snapshot but for the tags, until they are known (ledger_tags_counted()). */
	int pending, decisions;
	char *sha;
	long long nresp;
	double idsum;
	int in_tx;
	struct key *keys;
	size_t nkeys, capkeys;
	size_t *slot, nslot;    /* open addressing over keys, NONE when free */
	struct ltab *tabs;
	size_t ntabs, captabs;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int rehash(struct ledger *l, size_t nslot)
{
	size_t *slot = malloc(nslot * sizeof *slot);

	if (!slot)
		return -1;
	for (size_t i = 0; i < nslot; i++)
		slot[i] = NONE;
	for (size_t k = 0; k < l->nkeys; k++) {
		size_t h = fnv(0xcbf29ce484222325ULL, l->keys[k].s, strlen(l->keys[k].s)) % nslot;

		while (slot[h] != NONE)
			h = (h + 1) % nslot;
		slot[h] = k;
	}
	free(l->slot);
	l->slot = slot;
	l->nslot = nslot;
	return 0;
}

/* The index of key theme/cell, added when new; NONE when out of memory. */
static size_t intern(struct ledger *l, const char *theme, const char *cell)
{
	size_t nt = strlen(theme), nc = strlen(cell), h;
	char *s;

	if ((l->nkeys + 1) * 2 > l->nslot && rehash(l, l->nslot ? 2 * l->nslot : 1024) < 0)
		return NONE;
	if (!(s = malloc(nt + nc + 2)))
		return NONE;
	memcpy(s, theme, nt);
	s[nt] = '\x1f';
	memcpy(s + nt + 1, cell, nc + 1);
	h = fnv(0xcbf29ce484222325ULL, s, nt + nc + 1) % l->nslot;
	while (l->slot[h] != NONE) {
		if (!strcmp(l->keys[l->slot[h]].s, s)) {
			free(s);
			return l->slot[h];
		}
		h = (h + 1) % l->nslot;
	}
	if (ALLOC_GROW(l->keys, l->nkeys + 1, l->capkeys) < 0) {
		free(s);
		return NONE;
	}
	l->keys[l->nkeys] = (struct key){ .s = s };
	l->slot[h] = l->nkeys;
	return l->nkeys++;
}

/* A new table at the end of the list, its cells unset. NULL when out of memory. */
static struct ltab *tab_add(struct ledger *l, size_t nrows, size_t ncols)
{
	struct ltab *t;
	size_t n = (nrows + 1) * (ncols + 1);

	if (ALLOC_GROW(l->tabs, l->ntabs + 1, l->captabs) < 0)
		return NULL;
	t = &l->tabs[l->ntabs];
	t->nrows = nrows;
	t->ncols = ncols;
	t->key = malloc(n * sizeof *t->key);
	t->hid = calloc(n, 1);
	if (!t->key || !t->hid) {
		free(t->key);
		free(t->hid);
		return NULL;
	}
	l->ntabs++;
	return t;
}

static void tab_drop_last(struct ledger *l)
{
	struct ltab *t = &l->tabs[--l->ntabs];

	free(t->key);
	free(t->hid);
}

/*
 * This exercise's tags only (another exercise's tag run is not a change of
 * this one's data), summed through a square so that two answers swapping
 * their themes change the sum (tag_sum.h). The tags as counted: with the
 * review decisions when the counts use them (a decision is a change of the
 * data). The counts' pass over the tags works the sum out as it goes and
 * hands it over (ledger_tags_counted()); only a publication that never
 * gets it reads the tags here, in the table's order as the counts' pass
 * does, so the sum (a double past 2^53 with an older SQLite) comes out
 * the same.
 *
 * Which tags are the exercise's: those of its responses. When its
 * responses' ids are one unbroken range (every id from the first to the
 * last is one of them: the usual case, one exercise a database and nothing
 * erased), that is a range of response_id, which costs nothing a tag;
 * looking each tag up in a list of the ids took a third of a report's time
 * at 200,000 responses. Otherwise the list.
 */
#define SNAPSHOT_TAGS(tags, which) \
	"SELECT count(*), total(tally_snapshot_term(answer_id, theme_id)) FROM " tags \
	" WHERE " which

/* A tag's term of the sum, as tag_sum_term(). */
static void snapshot_term(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int64(ctx, tag_sum_term(sqlite3_value_int64(argv[0]),
					       sqlite3_value_int64(argv[1])));
}
#define IN_RANGE "response_id BETWEEN ?2 AND ?3"
#define IN_LIST "response_id IN (SELECT id FROM response WHERE exercise_id = ?1)"

int ledger_tags_sql(sqlite3 *db, long long ex, int decisions, long long *ntags, double *sum,
		    struct err *e)
{
	static const char *const tags_sql[2][2] = {
		{ SNAPSHOT_TAGS("tag", IN_LIST), SNAPSHOT_TAGS("tag", IN_RANGE) },
		{ SNAPSHOT_TAGS("effective_tag", IN_LIST), SNAPSHOT_TAGS("effective_tag", IN_RANGE) },
	};
	sqlite3_stmt *st;
	long long n = 0, lo = 0, hi = 0;
	int rc, dense;

	if (sqlite3_create_function_v2(db, "tally_snapshot_term", 2,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
				       snapshot_term, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "working out what the counts come from", e);
	if (response_id_span(db, ex, &n, &lo, &hi, "working out what the counts come from", e) < 0)
		return -1;
	dense = !n || (hi >= lo && (unsigned long long)hi - (unsigned long long)lo + 1 ==
			(unsigned long long)n);
	if (!(st = db_prepare(db, tags_sql[decisions != 0][dense], e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if (dense) {
		sqlite3_bind_int64(st, 2, n ? lo : 1);
		sqlite3_bind_int64(st, 3, n ? hi : 0);
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ntags = sqlite3_column_int64(st, 0);
		*sum = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, "working out what the counts come from", e);
	return 0;
}

/*
 * What the snapshot takes besides the tags: the rule set's version, whether
 * there are review decisions, the responses that count. 0, or -1 with `e`.
 */
static int snapshot_begin(struct ledger *l, int rules_only, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!rules_only && review_any_decision(l->db, &l->decisions, e) < 0)
		return -1;
	if (!(st = db_prepare(l->db, "SELECT sha256 FROM ruleset WHERE exercise_id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, l->ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
	    !(l->sha = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = SQLITE_NOMEM;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc == SQLITE_NOMEM ? err_set(e, EXIT_SYSTEM, "out of memory") :
		       db_fail(l->db, "working out what the counts come from", e);
	if (!(st = db_prepare(l->db, "SELECT count(*), total(id) FROM response WHERE "
			      "exercise_id = ?1 AND entry_status IN ('accepted', 'verified')", e)))
		return -1;
	sqlite3_bind_int64(st, 1, l->ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		l->nresp = sqlite3_column_int64(st, 0);
		l->idsum = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(l->db, "working out what the counts come from", e);
	l->pending = 1;
	return 0;
}

/* Reads this snapshot's tables into memory. */
static int load(struct ledger *l, struct err *e)
{
	sqlite3_stmt *st = db_prepare(l->db,
		"SELECT t.id, t.nrows, t.ncols, c.row, c.col, c.theme, c.cell, c.shown "
		"FROM publication_table t JOIN publication_cell c ON c.table_id = t.id "
		"WHERE t.exercise_id = ?1 AND t.snapshot = ?2 ORDER BY t.id, c.row, c.col", e);
	long long last = -1;
	struct ltab *t = NULL;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, l->ex);
	sqlite3_bind_text(st, 2, l->snapshot, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		long long nr = sqlite3_column_int64(st, 1), nc = sqlite3_column_int64(st, 2);
		long long i = sqlite3_column_int64(st, 3), j = sqlite3_column_int64(st, 4);
		const char *theme = (const char *)sqlite3_column_text(st, 5);
		const char *cell = (const char *)sqlite3_column_text(st, 6);
		size_t k, at;

		if (nr < 0 || nc < 0 || nr > 1000000 || nc > 1000000 || i < 0 || j < 0 || i > nr ||
		    j > nc || !theme || !cell) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_DATA, "publication ledger table %lld is damaged "
				       "(cell %lld,%lld)", id, i, j);
		}
		if (id != last) {
			if (!(t = tab_add(l, (size_t)nr, (size_t)nc)))
				goto oom;
			for (size_t c = 0; c < (t->nrows + 1) * (t->ncols + 1); c++)
				t->key[c] = NONE;
			last = id;
		}
		if ((k = intern(l, theme, cell)) == NONE)
			goto oom;
		at = (size_t)i * (t->ncols + 1) + (size_t)j;
		t->key[at] = k;
		t->hid[at] = sqlite3_column_type(st, 7) == SQLITE_NULL;
		if (!t->hid[at]) {
			l->keys[k].shown = 1;
			l->keys[k].value = (long)sqlite3_column_int64(st, 7);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(l->db, "reading the publication ledger", e);
	for (size_t x = 0; x < l->ntabs; x++)
		for (size_t c = 0; c < (l->tabs[x].nrows + 1) * (l->tabs[x].ncols + 1); c++)
			if (l->tabs[x].key[c] == NONE)
				return err_set(e, EXIT_DATA, "a table in the publication ledger "
					       "lacks cells");
	return 0;
oom:
	sqlite3_finalize(st);
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

/*
 * The snapshot complete with its tags: forgets the tables of other
 * snapshots (their counts are no longer the data's) and loads this one's.
 */
static int snapshot_finish(struct ledger *l, long long ntags, double sum, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	snprintf(l->snapshot, sizeof l->snapshot,
		 "rules %.64s%s; tags %lld %.0f; responses %lld %.0f; rule %ld %ld %d",
		 l->sha ? l->sha : "-", l->decisions ? " reviewed" : "", ntags, sum, l->nresp,
		 l->idsum, l->rule.threshold, l->rule.rounding, l->rule.secondary);
	l->pending = 0;
	for (int k = 0; k < 2; k++) {
		if (!(st = db_prepare(l->db, k ? "DELETE FROM publication_table WHERE exercise_id = ?1 "
				      "AND snapshot <> ?2" : "DELETE FROM publication_cell WHERE "
				      "table_id IN (SELECT id FROM publication_table WHERE "
				      "exercise_id = ?1 AND snapshot <> ?2)", e)))
			return -1;
		sqlite3_bind_int64(st, 1, l->ex);
		sqlite3_bind_text(st, 2, l->snapshot, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(l->db, "forgetting publications of earlier data", e);
	}
	return load(l, e);
}

/* Completes the snapshot by reading the tags, when no pass handed them over. */
static int snapshot_now(struct ledger *l, struct err *e)
{
	long long ntags = 0;
	double sum = 0;

	if (!l->pending)
		return 0;
	if (ledger_tags_sql(l->db, l->ex, l->decisions, &ntags, &sum, e) < 0)
		return -1;
	return snapshot_finish(l, ntags, sum, e);
}

int ledger_tags_counted(struct ledger *l, int decisions, long long ntags, double sum,
			struct err *e)
{
	if (!l->pending)
		return 0;
	if (decisions != l->decisions)
		return snapshot_now(l, e);
	return snapshot_finish(l, ntags, sum, e);
}

const char *ledger_snapshot(struct ledger *l, struct err *e)
{
	return snapshot_now(l, e) < 0 ? NULL : l->snapshot;
}

struct ledger *ledger_open(sqlite3 *db, long long ex, const struct sdc_rule *rule,
			   struct err *e)
{
	return ledger_open_tags(db, ex, rule, 0, e);
}

struct ledger *ledger_open_tags(sqlite3 *db, long long ex, const struct sdc_rule *rule,
				int rules_only, struct err *e)
{
	struct ledger *l = calloc(1, sizeof *l);

	if (!l) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	l->db = db;
	l->ex = ex;
	l->rule = *rule;
	if (db_begin(db, e) < 0) {
		free(l);
		return NULL;
	}
	l->in_tx = 1;
	if (snapshot_begin(l, rules_only, e) < 0)
		goto fail;
	return l;
fail:
	ledger_free(l);
	return NULL;
}

/* ---- the audit ---------------------------------------------------------- */

static uint32_t mulmod(uint32_t a, uint32_t b)
{
	return (uint32_t)((uint64_t)a * b % P);
}

static uint32_t inv(uint32_t a)
{
	uint32_t r = 1, b = a;

	for (uint32_t n = P - 2; n; n >>= 1) {
		if (n & 1)
			r = mulmod(r, b);
		b = mulmod(b, b);
	}
	return r;
}

static size_t uf_find(size_t *up, size_t x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

/* One equation: a line of a table, over the unknowns. */
struct eq {
	size_t tab, line;       /* line < nrows + 1: a row; else column line - (nrows + 1) */
	size_t first;           /* its terms in the term arrays */
	size_t n;
};

struct audit {
	size_t *var;            /* per key: its unknown's index, or NONE when known or never hidden */
	size_t nvar;
	size_t *varkey;
	struct eq *eqs;
	size_t neq, capeq;
	size_t *tvar;           /* terms */
	uint32_t *tcoef;
	size_t nterm, capterm, capcoef; /* capterm: tvar allocated; capcoef: tcoef */
};

static int term_add(struct audit *a, size_t v, uint32_t coef)
{
	if (ALLOC_GROW(a->tvar, a->nterm + 1, a->capterm) < 0 ||
	    ALLOC_GROW(a->tcoef, a->nterm + 1, a->capcoef) < 0)
		return -1;
	/* The same unknown twice in a line: add up. */
	for (size_t k = a->eqs[a->neq].first; k < a->nterm; k++)
		if (a->tvar[k] == v) {
			a->tcoef[k] = (a->tcoef[k] + coef) % P;
			return 0;
		}
	a->tvar[a->nterm] = v;
	a->tcoef[a->nterm++] = coef;
	return 0;
}

/* Adds the equation of one line of table x (cells `at`, step `step`, `n` of them then the total). */
static int eq_add(const struct ledger *l, struct audit *a, size_t x, size_t line, size_t at,
		  size_t step, size_t n)
{
	const struct ltab *t = &l->tabs[x];

	if (ALLOC_GROW(a->eqs, a->neq + 1, a->capeq) < 0)
		return -1;
	a->eqs[a->neq] = (struct eq){ .tab = x, .line = line, .first = a->nterm };
	for (size_t k = 0; k <= n; k++) {
		size_t v = a->var[t->key[at + k * step]];

		if (t->hid[at + k * step] && v != NONE && term_add(a, v, k < n ? 1 : P - 1) < 0)
			return -1;
	}
	/* Drop terms that cancelled; keep the equation only when some unknown is left. */
	size_t w = a->eqs[a->neq].first;

	for (size_t k = w; k < a->nterm; k++)
		if (a->tcoef[k]) {
			a->tvar[w] = a->tvar[k];
			a->tcoef[w++] = a->tcoef[k];
		}
	a->nterm = w;
	a->eqs[a->neq].n = w - a->eqs[a->neq].first;
	if (a->eqs[a->neq].n)
		a->neq++;
	return 0;
}

/*
 * Gauss-Jordan over the equations `rows` (m of them) and the unknowns of
 * one group, `cols` (n, with local[] mapping unknown -> column). Marks in
 * det[] (by key) the unknowns that are determined. Returns how many, or
 * -1 when out of memory.
 */
static long solve(const struct audit *a, const size_t *rows, size_t m, const size_t *cols,
		  size_t n, const size_t *local, unsigned char *det)
{
	uint32_t *M;
	size_t rank = 0, *pivcol;
	unsigned char *ispiv;
	long found = 0;

	if (m && n > SIZE_MAX / m / sizeof *M)
		return -1;
	M = calloc(m && n ? m * n : 1, sizeof *M);
	pivcol = malloc((m ? m : 1) * sizeof *pivcol);
	ispiv = calloc(n ? n : 1, 1);
	if (!M || !pivcol || !ispiv) {
		free(M);
		free(pivcol);
		free(ispiv);
		return -1;
	}
	for (size_t r = 0; r < m; r++) {
		const struct eq *q = &a->eqs[rows[r]];

		for (size_t k = 0; k < q->n; k++)
			M[r * n + local[a->tvar[q->first + k]]] = a->tcoef[q->first + k];
	}
	for (size_t c = 0; c < n && rank < m; c++) {
		size_t p = rank;
		uint32_t f;

		while (p < m && !M[p * n + c])
			p++;
		if (p == m)
			continue;
		if (p != rank)
			for (size_t k = 0; k < n; k++) {
				uint32_t tmp = M[p * n + k];

				M[p * n + k] = M[rank * n + k];
				M[rank * n + k] = tmp;
			}
		f = inv(M[rank * n + c]);
		for (size_t k = c; k < n; k++)
			M[rank * n + k] = mulmod(M[rank * n + k], f);
		for (size_t r = 0; r < m; r++) {
			uint32_t g = M[r * n + c];

			if (r == rank || !g)
				continue;
			for (size_t k = c; k < n; k++)
				if (M[rank * n + k])
					M[r * n + k] = (M[r * n + k] + P - mulmod(g, M[rank * n + k])) % P;
		}
		pivcol[rank++] = c;
		ispiv[c] = 1;
	}
	for (size_t r = 0; r < rank; r++) {
		size_t k;

		for (k = pivcol[r] + 1; k < n; k++)
			if (!ispiv[k] && M[r * n + k])
				break;
		if (k == n) {
			det[a->varkey[cols[pivcol[r]]]] = 1;
			found++;
		}
	}
	free(M);
	free(pivcol);
	free(ispiv);
	return found;
}

static void audit_free(struct audit *a)
{
	free(a->var);
	free(a->varkey);
	free(a->eqs);
	free(a->tvar);
	free(a->tcoef);
}

/*
 * Audits all the tables, the last being the new one: marks in det[] (one
 * byte a key) every hidden count the equations determine, among the
 * groups of unknowns the last table touches. Returns how many, or -1.
 */
static long audit(const struct ledger *l, unsigned char *det)
{
	struct audit a = { 0 };
	const struct ltab *last = &l->tabs[l->ntabs - 1];
	size_t *up = NULL, *local = NULL, *cols = NULL, *rows = NULL;
	unsigned char *known = NULL, *touch = NULL;
	long found = 0;

	memset(det, 0, l->nkeys);
	a.var = malloc((l->nkeys ? l->nkeys : 1) * sizeof *a.var);
	a.varkey = malloc((l->nkeys ? l->nkeys : 1) * sizeof *a.varkey);
	known = calloc(l->nkeys ? l->nkeys : 1, 1);
	if (!a.var || !a.varkey || !known)
		goto oom;
	for (size_t x = 0; x < l->ntabs; x++)
		for (size_t c = 0; c < (l->tabs[x].nrows + 1) * (l->tabs[x].ncols + 1); c++)
			if (!l->tabs[x].hid[c])
				known[l->tabs[x].key[c]] = 1;
	for (size_t k = 0; k < l->nkeys; k++)
		a.var[k] = NONE;
	for (size_t x = 0; x < l->ntabs; x++)
		for (size_t c = 0; c < (l->tabs[x].nrows + 1) * (l->tabs[x].ncols + 1); c++) {
			size_t k = l->tabs[x].key[c];

			if (l->tabs[x].hid[c] && !known[k] && a.var[k] == NONE) {
				a.varkey[a.nvar] = k;
				a.var[k] = a.nvar++;
			}
		}
	if (!a.nvar)
		goto out;
	for (size_t x = 0; x < l->ntabs; x++) {
		const struct ltab *t = &l->tabs[x];
		size_t C = t->ncols + 1;

		if (t->ncols)
			for (size_t i = 0; i <= t->nrows; i++)
				if (eq_add(l, &a, x, i, i * C, 1, t->ncols) < 0)
					goto oom;
		if (t->nrows)
			for (size_t j = 0; j <= t->ncols; j++)
				if (eq_add(l, &a, x, t->nrows + 1 + j, j, C, t->nrows) < 0)
					goto oom;
	}
	/* Groups of unknowns joined by equations; only those the new table touches. */
	up = malloc(a.nvar * sizeof *up);
	touch = calloc(a.nvar, 1);
	local = malloc(a.nvar * sizeof *local);
	cols = malloc(a.nvar * sizeof *cols);
	rows = malloc((a.neq ? a.neq : 1) * sizeof *rows);
	if (!up || !touch || !local || !cols || !rows)
		goto oom;
	for (size_t v = 0; v < a.nvar; v++)
		up[v] = v;
	for (size_t q = 0; q < a.neq; q++)
		for (size_t k = 1; k < a.eqs[q].n; k++) {
			size_t r1 = uf_find(up, a.tvar[a.eqs[q].first]);
			size_t r2 = uf_find(up, a.tvar[a.eqs[q].first + k]);

			if (r1 != r2)
				up[r1 < r2 ? r2 : r1] = r1 < r2 ? r1 : r2;
		}
	for (size_t c = 0; c < (last->nrows + 1) * (last->ncols + 1); c++) {
		size_t v = a.var[last->key[c]];

		if (v != NONE)
			touch[uf_find(up, v)] = 1;
	}
	for (size_t g = 0; g < a.nvar; g++) {
		size_t n = 0, m = 0;
		long f;

		if (up[g] != g || !touch[g])
			continue;
		for (size_t v = 0; v < a.nvar; v++)
			if (uf_find(up, v) == g) {
				local[v] = n;
				cols[n++] = v;
			}
		for (size_t q = 0; q < a.neq; q++)
			if (uf_find(up, a.tvar[a.eqs[q].first]) == g)
				rows[m++] = q;
		if ((f = solve(&a, rows, m, cols, n, local, det)) < 0)
			goto oom;
		found += f;
	}
	goto out;
oom:
	found = -1;
out:
	free(up);
	free(local);
	free(cols);
	free(rows);
	free(known);
	free(touch);
	audit_free(&a);
	return found;
}

/* ---- a new table ---------------------------------------------------------- */

/* What hiding cell c of t costs, lowest first: totals, then zeros, then the count. */
static uint64_t hide_cost(const struct ltab *t, const long *v, size_t c)
{
	size_t C = t->ncols + 1, i = c / C, j = c % C;
	uint64_t cost = v[c] > 0 ? (uint64_t)v[c] : 0;

	if (cost > ((uint64_t)1 << 40))
		cost = (uint64_t)1 << 40;
	if (v[c] == 0)
		cost += (uint64_t)1 << 42;
	if ((t->nrows && i == t->nrows) || j == t->ncols)
		cost += (uint64_t)1 << 44;
	return cost;
}

/* Whether line `line` of t (as in struct eq) holds a cell marked in mark[] (by key) or hidden. */
static int line_has(const struct ltab *t, size_t line, const unsigned char *mark)
{
	size_t C = t->ncols + 1, at, step, n;

	if (line <= t->nrows) {
		at = line * C;
		step = 1;
		n = t->ncols;
	} else {
		at = line - (t->nrows + 1);
		step = C;
		n = t->nrows;
	}
	for (size_t k = 0; k <= n; k++)
		if (mark ? mark[t->key[at + k * step]] : t->hid[at + k * step])
			return 1;
	return 0;
}

/*
 * The cheapest cell of the new table that can still be hidden (shown in
 * it, and shown in no earlier table, where it is public already): first on
 * a line with a determined count, then on a line with any hidden cell,
 * then anywhere. NONE when there is none.
 */
static size_t pick_more(const struct ledger *l, const long *v, const unsigned char *det,
			const unsigned char *public_before)
{
	const struct ltab *t = &l->tabs[l->ntabs - 1];
	size_t C = t->ncols + 1, n = (t->nrows + 1) * C;

	for (int pass = 0; pass < 3; pass++) {
		size_t best = NONE;
		uint64_t bc = UINT64_MAX;

		for (size_t c = 0; c < n; c++) {
			size_t i = c / C, j = c % C;

			if (t->hid[c] || public_before[t->key[c]])
				continue;
			if (pass < 2 && !(t->ncols && line_has(t, i, pass ? NULL : det)) &&
			    !(t->nrows && line_has(t, t->nrows + 1 + j, pass ? NULL : det)))
				continue;
			if (hide_cost(t, v, c) < bc) {
				bc = hide_cost(t, v, c);
				best = c;
			}
		}
		if (best != NONE)
			return best;
	}
	return NONE;
}

/*
 * A line of the new table whose total is shown and whose hidden cells add
 * up to less than the threshold gives them all away as small: the total
 * less the shown cells is their sum, so each lies between 0 and that. The
 * cheapest cell that can still be hidden on the first such line, so that
 * the hidden part of every line is at least as wide as the rule hides;
 * NONE when every line is wide enough (or cannot be widened).
 */
static size_t thin_line(const struct ledger *l, const long *v, const unsigned char *public_before)
{
	const struct ltab *t = &l->tabs[l->ntabs - 1];
	size_t C = t->ncols + 1, nlines = (t->ncols ? t->nrows + 1 : 0) + (t->nrows ? C : 0);

	for (size_t q = 0; q < nlines; q++) {
		size_t line = t->ncols ? q : t->nrows + 1 + q, at, step, n, best = NONE;
		uint64_t bc = UINT64_MAX;
		long sum = 0;
		int nh = 0;

		if (line <= t->nrows) {
			at = line * C;
			step = 1;
			n = t->ncols;
		} else {
			at = line - (t->nrows + 1);
			step = C;
			n = t->nrows;
		}
		if (t->hid[at + n * step])
			continue;       /* a hidden total: the sum is not known */
		for (size_t k = 0; k < n; k++)
			if (t->hid[at + k * step]) {
				nh++;
				sum += v[at + k * step] > 0 ? v[at + k * step] : 0;
			}
		if (!nh || sum >= l->rule.threshold)
			continue;
		for (size_t k = 0; k < n; k++) {
			size_t c = at + k * step;

			if (!t->hid[c] && !public_before[t->key[c]] && v[c] > 0 &&
			    hide_cost(t, v, c) < bc) {
				bc = hide_cost(t, v, c);
				best = c;
			}
		}
		if (best != NONE)
			return best;
	}
	return NONE;
}

static int record(struct ledger *l, const long *v, struct err *e)
{
	const struct ltab *t = &l->tabs[l->ntabs - 1];
	size_t n = (t->nrows + 1) * (t->ncols + 1);
	uint64_t h = 0xcbf29ce484222325ULL;
	sqlite3_stmt *st;
	char sig[20];
	long long id;
	int rc;

	h = fnv(h, &t->nrows, sizeof t->nrows);
	h = fnv(h, &t->ncols, sizeof t->ncols);
	for (size_t c = 0; c < n; c++) {
		long shown = t->hid[c] ? -1 : sdc_round(v[c], &l->rule);

		h = fnv(h, l->keys[t->key[c]].s, strlen(l->keys[t->key[c]].s) + 1);
		h = fnv(h, &shown, sizeof shown);
	}
	snprintf(sig, sizeof sig, "%016llx", (unsigned long long)h);
	if (!(st = db_prepare(l->db, "INSERT OR IGNORE INTO publication_table (exercise_id, "
			      "snapshot, signature, nrows, ncols, published_at) VALUES (?1, ?2, ?3, "
			      "?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		return -1;
	sqlite3_bind_int64(st, 1, l->ex);
	sqlite3_bind_text(st, 2, l->snapshot, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sig, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)t->nrows);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)t->ncols);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(l->db, "recording a published table", e);
	if (!sqlite3_changes(l->db)) {
		/* The same table was published before: its equations are there already. */
		tab_drop_last(l);
		return 0;
	}
	id = sqlite3_last_insert_rowid(l->db);
	if (!(st = db_prepare(l->db, "INSERT INTO publication_cell (table_id, row, col, theme, "
			      "cell, shown) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", e)))
		return -1;
	for (size_t c = 0; c < n; c++) {
		const char *s = l->keys[t->key[c]].s, *sep = strchr(s, '\x1f');

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(c / (t->ncols + 1)));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)(c % (t->ncols + 1)));
		sqlite3_bind_text(st, 4, s, (int)(sep - s), SQLITE_STATIC);
		sqlite3_bind_text(st, 5, sep + 1, -1, SQLITE_STATIC);
		if (t->hid[c])
			sqlite3_bind_null(st, 6);
		else
			sqlite3_bind_int64(st, 6, sdc_round(v[c], &l->rule));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return db_fail(l->db, "recording a published cell", e);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	for (size_t c = 0; c < n; c++)
		if (!t->hid[c]) {
			l->keys[t->key[c]].shown = 1;
			l->keys[t->key[c]].value = sdc_round(v[c], &l->rule);
		}
	return 0;
}

/*
 * Adds the new table (keys interned, force[] set from the ledger), lets
 * `suppress` fill its state, then shows again what is public already,
 * hides more while the audit finds a count given away, and records it.
 */
static int add(struct ledger *l, const long *v, size_t nrows, size_t ncols,
	       const char *const *theme, const char *const *cell, unsigned char *state, int line,
	       struct err *e)
{
	size_t n = (nrows + 1) * (ncols + 1);
	unsigned char *force = calloc(n, 1), *det = NULL, *public_before = NULL;
	struct ltab *t;
	long r;
	int ret = -1;

	if (!force || !(t = tab_add(l, nrows, ncols))) {
		free(force);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	for (size_t c = 0; c < n; c++)
		if ((t->key[c] = intern(l, theme[c], cell[c])) == NONE)
			goto oom;
	/* Hidden in an earlier table and shown in none: hidden here too. */
	if (!(public_before = calloc(l->nkeys, 1)) || !(det = calloc(l->nkeys, 1)))
		goto oom;
	for (size_t x = 0; x + 1 < l->ntabs; x++)
		for (size_t c = 0; c < (l->tabs[x].nrows + 1) * (l->tabs[x].ncols + 1); c++)
			if (l->tabs[x].hid[c])
				det[l->tabs[x].key[c]] = 1;
	for (size_t k = 0; k < l->nkeys; k++)
		public_before[k] = (unsigned char)l->keys[k].shown;
	for (size_t c = 0; c < n; c++)
		force[c] = det[t->key[c]] && !public_before[t->key[c]];
	r = line ? sdc_apply_line_forced(v, ncols, &l->rule, force, state) :
		   sdc_apply_forced(v, nrows, ncols, &l->rule, force, state);
	if (r < 0)
		goto oom;
	for (size_t c = 0; c < n; c++) {
		const struct key *k = &l->keys[t->key[c]];

		/* Published already as this very number: hiding it here hides nothing. */
		if (state[c] != SDC_SHOWN && !force[c] && k->shown &&
		    k->value == sdc_round(v[c], &l->rule) && (v[c] == 0 || v[c] >= l->rule.threshold))
			state[c] = SDC_SHOWN;
		t->hid[c] = state[c] != SDC_SHOWN;
	}
	for (;;) {
		size_t c;

		if ((c = thin_line(l, v, public_before)) != NONE) {
			t->hid[c] = 1;
			state[c] = SDC_SECONDARY;
			continue;
		}
		if ((r = audit(l, det)) < 0)
			goto oom;
		if (!r)
			break;
		if ((c = pick_more(l, v, det, public_before)) == NONE) {
			err_set(e, EXIT_DATA, "cannot publish this table without giving away a count "
				"that an earlier publication of the same data hid: publish with the "
				"same options as before, or with a higher --threshold");
			goto fail;
		}
		t->hid[c] = 1;
		state[c] = SDC_SECONDARY;
	}
	ret = record(l, v, e);
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
fail:
	tab_drop_last(l);
out:
	free(force);
	free(det);
	free(public_before);
	return ret;
}

int ledger_table(struct ledger *l, const long *v, size_t nrows, size_t ncols,
		 const char *const *theme, const char *const *cell, unsigned char *state,
		 struct err *e)
{
	if (snapshot_now(l, e) < 0)
		return -1;
	return add(l, v, nrows, ncols, theme, cell, state, 0, e);
}

int ledger_line(struct ledger *l, const long *v, size_t n, const char *const *theme,
		const char *const *cell, unsigned char *state, struct err *e)
{
	if (snapshot_now(l, e) < 0)
		return -1;
	return add(l, v, 0, n, theme, cell, state, 1, e);
}

int ledger_commit(struct ledger *l, struct err *e)
{
	if (!l->in_tx)
		return 0;
	if (snapshot_now(l, e) < 0 || db_commit(l->db, e) < 0)
		return -1;
	l->in_tx = 0;
	return 0;
}

void ledger_free(struct ledger *l)
{
	if (!l)
		return;
	if (l->in_tx)
		db_rollback(l->db);
	for (size_t k = 0; k < l->nkeys; k++)
		free(l->keys[k].s);
	free(l->keys);
	free(l->slot);
	while (l->ntabs)
		tab_drop_last(l);
	free(l->tabs);
	free(l->sha);
	free(l);
}
