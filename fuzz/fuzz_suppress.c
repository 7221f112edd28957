/*
 * fuzz_suppress: disclosure control (analyser/sdc.c), as a property.
 *
 * From the input come a rule (threshold, rounding) and a table of counts
 * with its row and column totals, and a second table with the same rows
 * and the same row totals split another way (theme by district, and the
 * same theme by channel). Each is suppressed as published, with
 * sdc_apply(); a line of counts with its total with sdc_apply_line().
 * Then, treating every row and column as "cells add up to the total" and
 * every shown count as known exactly (rounding only blurs it more):
 *
 * - every count from 1 to threshold-1 is hidden, totals included;
 * - no hidden count can be worked out from the shown cells of one table;
 * - nor from the shown cells of the pair when both are published through
 *   the publication ledger (analyser/ledger.c), as the analyser publishes
 *   every table of one database: table 1, then table 2, in an in-memory
 *   database made once, with cell names that make the row totals (and the
 *   grand total) one cell of both. A total shown in either table is known
 *   in both. sdc_apply() alone suppresses each table on its own, so the
 *   pair is only checked through the ledger. The ledger may refuse table 2
 *   (no way to publish it consistently): then table 1 alone is checked.
 *
 * A count is worked out when the equations pin it down: its unit vector
 * lies in the span of the equations over the hidden cells. That is decided
 * here by Gaussian elimination modulo a large prime, which for these
 * coefficients (0 and 1 and -1, two a cell) gives the rank over the
 * rationals; nothing of sdc.c's own reasoning (cycles) is used.
 */
#include <assert.h>

#include "db.h"
#include "fuzz.h"
#include "ledger.h"
#include "sdc.h"

#define MAXN 7                      /* rows and columns of a table, totals aside */
#define CELLS ((MAXN + 1) * (MAXN + 1))
#define MAXVARS (2 * CELLS)
#define MAXEQS (4 * (MAXN + 1))
#define P 2147483647LL              /* 2^31 - 1 */

struct table {
	size_t R, C;                 /* counts, totals aside */
	int line;                    /* a line: no column totals (sdc_apply_line) */
	long v[CELLS];               /* (R+1) x (C+1), the totals last */
	unsigned char st[CELLS];
};

/* Equations over unknowns, reduced to row echelon form modulo P. */
struct system {
	long long m[MAXEQS][MAXVARS];
	int pivot[MAXEQS];
	size_t neq, nvar, rank;
};

static long long inv(long long a)
{
	long long r = 1, e = P - 2;

	a %= P;
	while (e) {
		if (e & 1)
			r = r * a % P;
		a = a * a % P;
		e >>= 1;
	}
	return r;
}

/* Adds the equations of `t`; var[cell] is the unknown's number, or -1 when known. */
static void add_equations(struct system *s, const struct table *t, const int *var)
{
	size_t W = t->C + 1;

	for (size_t r = 0; r <= (t->line ? 0 : t->R); r++) {
		long long *row = s->m[s->neq++];

		memset(row, 0, sizeof s->m[0]);
		for (size_t c = 0; c < t->C; c++)
			if (var[r * W + c] >= 0)
				row[var[r * W + c]] += 1;
		if (var[r * W + t->C] >= 0)
			row[var[r * W + t->C]] += P - 1;
	}
	if (t->line)
		return;
	for (size_t c = 0; c <= t->C; c++) {
		long long *row = s->m[s->neq++];

		memset(row, 0, sizeof s->m[0]);
		for (size_t r = 0; r < t->R; r++)
			if (var[r * W + c] >= 0)
				row[var[r * W + c]] += 1;
		if (var[t->R * W + c] >= 0)
			row[var[t->R * W + c]] += P - 1;
	}
}

static void reduce(struct system *s)
{
	size_t r = 0;

	for (size_t c = 0; c < s->nvar && r < s->neq; c++) {
		size_t k;

		for (k = r; k < s->neq && s->m[k][c] % P == 0; k++)
			;
		if (k == s->neq)
			continue;
		if (k != r)
			for (size_t j = 0; j < s->nvar; j++) {
				long long x = s->m[k][j];

				s->m[k][j] = s->m[r][j];
				s->m[r][j] = x;
			}
		{
			long long f = inv(s->m[r][c]);

			for (size_t j = 0; j < s->nvar; j++)
				s->m[r][j] = s->m[r][j] % P * f % P;
		}
		for (size_t i = 0; i < s->neq; i++) {
			long long f = s->m[i][c] % P;

			if (i == r || !f)
				continue;
			for (size_t j = 0; j < s->nvar; j++)
				s->m[i][j] = ((s->m[i][j] - f * s->m[r][j]) % P + P) % P;
		}
		s->pivot[r++] = (int)c;
	}
	s->rank = r;
}

/* Whether unknown x is pinned down by the (reduced) equations. */
static int determined(const struct system *s, size_t x)
{
	long long vec[MAXVARS] = { 0 };

	vec[x] = 1;
	for (size_t r = 0; r < s->rank; r++) {
		long long f = vec[s->pivot[r]];

		if (!f)
			continue;
		for (size_t j = 0; j < s->nvar; j++)
			vec[j] = ((vec[j] - f * s->m[r][j]) % P + P) % P;
	}
	for (size_t j = 0; j < s->nvar; j++)
		if (vec[j])
			return 0;
	return 1;
}

static void show(const char *what, const struct table *t)
{
	size_t W = t->C + 1;

	fprintf(stderr, "%s (%s, * hidden):\n", what, t->line ? "a line" : "a table");
	for (size_t r = 0; r <= (t->line ? 0 : t->R); r++) {
		for (size_t c = 0; c < W; c++)
			fprintf(stderr, " %4ld%c", t->v[r * W + c], t->st[r * W + c] ? '*' : ' ');
		fputc('\n', stderr);
	}
}

/* Numbers the hidden cells of `t` from *n on (shared: known when shown in `other`). */
static void number(const struct table *t, int *var, size_t *n, const struct table *other,
		   const int *other_var)
{
	size_t W = t->C + 1, OW = other ? other->C + 1 : 0;

	for (size_t r = 0; r <= (t->line ? 0 : t->R); r++)
		for (size_t c = 0; c < W; c++) {
			size_t i = r * W + c;

			var[i] = -1;
			if (!t->st[i])
				continue;
			if (other && c == t->C) {
				/* The row totals (and the grand total) are the other table's too. */
				size_t o = r * OW + other->C;

				if (!other->st[o])
					continue;
				if (other_var[o] >= 0) {
					var[i] = other_var[o];
					continue;
				}
			}
			var[i] = (int)(*n)++;
		}
}

/* No hidden cell of `a` (and of `b`, when given) can be worked out. */
static void check_hidden(const struct table *a, const struct table *b)
{
	static struct system s;
	int va[CELLS], vb[CELLS];
	size_t n = 0;

	memset(vb, -1, sizeof vb);
	number(a, va, &n, NULL, NULL);
	if (b) {
		/* a's row totals shown in b are known: renumber a with b in view. */
		n = 0;
		number(b, vb, &n, NULL, NULL);
		number(a, va, &n, b, vb);
		/* and b's row totals shown in a are known too. */
		for (size_t r = 0; r <= b->R; r++) {
			size_t ob = r * (b->C + 1) + b->C, oa = r * (a->C + 1) + a->C;

			if (!a->st[oa])
				vb[ob] = -1;
		}
	}
	s.neq = 0;
	s.nvar = n;
	add_equations(&s, a, va);
	if (b)
		add_equations(&s, b, vb);
	reduce(&s);
	for (int k = 0; k < 2; k++) {
		const struct table *t = k ? b : a;
		const int *var = k ? vb : va;

		if (!t)
			continue;
		for (size_t i = 0; i < (t->line ? 1 : t->R + 1) * (t->C + 1); i++)
			if (var[i] >= 0 && determined(&s, (size_t)var[i])) {
				show("first table", a);
				if (b)
					show("second table, the same rows", b);
				fprintf(stderr, "hidden count %ld (table %d, row %zu, column %zu) can be "
						"worked out from the shown ones\n",
					t->v[i], k + 1, i / (t->C + 1) + 1, i % (t->C + 1) + 1);
				abort();
			}
	}
}

static void check_primary(const struct table *t, const struct sdc_rule *rule)
{
	for (size_t i = 0; i < (t->line ? 1 : t->R + 1) * (t->C + 1); i++)
		if (t->v[i] > 0 && t->v[i] < rule->threshold && !t->st[i]) {
			show("table", t);
			fprintf(stderr, "count %ld shown, below the threshold %ld\n", t->v[i],
				rule->threshold);
			abort();
		}
}

static void totals(struct table *t)
{
	size_t W = t->C + 1;

	for (size_t r = 0; r < t->R; r++) {
		long s = 0;

		for (size_t c = 0; c < t->C; c++)
			s += t->v[r * W + c];
		t->v[r * W + t->C] = s;
	}
	for (size_t c = 0; c <= t->C; c++) {
		long s = 0;

		for (size_t r = 0; r < t->R; r++)
			s += t->v[r * W + c];
		t->v[t->R * W + c] = s;
	}
}

static void suppress(struct table *t, const struct sdc_rule *rule)
{
	long v[CELLS], n;

	memcpy(v, t->v, sizeof v);
	n = t->line ? sdc_apply_line(t->v, t->C, rule, t->st)
		    : sdc_apply(t->v, t->R, t->C, rule, t->st);
	assert(n >= 0);
	assert(memcmp(v, t->v, sizeof v) == 0);
	for (size_t i = 0; i < (t->line ? 1 : t->R + 1) * (t->C + 1); i++)
		n -= t->st[i] != SDC_SHOWN;
	assert(n == 0);
}

/* The in-memory database the pairs are published in, made once. */
static sqlite3 *database(void)
{
	static sqlite3 *db;
	struct err e;

	if (db)
		return db;
	err_init(&e);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    db_migrate_to(db, ":memory:", db_schema_version(), &e) < 0 ||
	    sqlite3_exec(db, "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
			 "(1, 'ex', 'Ex', '2019-06-01', '2019-08-25')", NULL, NULL,
			 NULL) != SQLITE_OK) {
		fprintf(stderr, "cannot make the database: %s %s\n", err_first(&e),
			sqlite3_errmsg(db));
		abort();
	}
	return db;
}

/*
 * Names the cells of `t` for the ledger: rows "age=R", columns "DIM=C",
 * so that the row totals ("age=R") and the grand total ("") of both tables
 * are the same cells, and their inside cells and column totals are not.
 */
static void names(const struct table *t, const char *dim, char (*buf)[32], const char **theme,
		  const char **cell)
{
	size_t W = t->C + 1;

	for (size_t r = 0; r <= t->R; r++)
		for (size_t c = 0; c < W; c++) {
			size_t i = r * W + c;

			theme[i] = "T";
			if (r < t->R && c < t->C)
				snprintf(buf[i], sizeof buf[i], "age=%zu|%s=%zu", r, dim, c);
			else if (r < t->R)
				snprintf(buf[i], sizeof buf[i], "age=%zu", r);
			else if (c < t->C)
				snprintf(buf[i], sizeof buf[i], "%s=%zu", dim, c);
			else
				buf[i][0] = '\0';
			cell[i] = buf[i];
		}
}

/* Publishes `t` through the ledger; 0, or -1 when the ledger refuses it as bad data. */
static int publish(struct ledger *l, struct table *t, const char *dim)
{
	static char buf[CELLS][32];
	const char *theme[CELLS], *cell[CELLS];
	long v[CELLS];
	struct err e;

	err_init(&e);
	names(t, dim, buf, theme, cell);
	memcpy(v, t->v, sizeof v);
	memset(t->st, 0, sizeof t->st);
	if (ledger_table(l, t->v, t->R, t->C, theme, cell, t->st, &e) < 0) {
		if (e.code != EXIT_DATA) {
			fprintf(stderr, "ledger_table: %s\n", err_first(&e));
			abort();
		}
		return -1;
	}
	assert(memcmp(v, t->v, sizeof v) == 0);
	return 0;
}

/* Publishes a then b in one ledger and checks the pair (states into a and b). */
static void check_ledger_pair(struct table *a, struct table *b, const struct sdc_rule *rule)
{
	struct ledger *l;
	struct err e;

	err_init(&e);
	if (!(l = ledger_open(database(), 1, rule, &e))) {
		fprintf(stderr, "ledger_open: %s\n", err_first(&e));
		abort();
	}
	/* Table 1 is the first of its snapshot: nothing can stop it. */
	if (publish(l, a, "district") < 0) {
		show("first table", a);
		fprintf(stderr, "the ledger refused the first table of a snapshot\n");
		abort();
	}
	check_primary(a, rule);
	check_hidden(a, NULL);
	if (publish(l, b, "channel") == 0) {
		check_primary(b, rule);
		check_hidden(b, NULL);
		check_hidden(a, b);
	}
	/* Never committed: the ledger's tables are empty again for the next input. */
	ledger_free(l);
}

/* The next count from the input: mostly small, sometimes not. */
static long count(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = *p < end ? *(*p)++ : 0;

	return b < 160 ? b % 12 : b < 240 ? b % 40 : (long)b * 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long thresholds[8] = { 8, 10, 8, 3, 2, 1, 0, 8 };
	static const long roundings[4] = { 5, 1, 5, 10 };
	static struct table a, b;
	const uint8_t *p = data, *end = data + size;
	struct sdc_rule rule;

	if (size < 3)
		return 0;
	rule.threshold = thresholds[p[0] & 7];
	rule.rounding = roundings[(p[0] >> 3) & 3];
	rule.secondary = 1;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.R = 1 + p[1] % MAXN;
	a.C = 1 + (p[1] / MAXN) % MAXN;
	b.R = a.R;
	b.C = 1 + p[2] % MAXN;
	a.line = (p[0] >> 5) & 1;
	if (a.line)
		a.R = 1;
	p += 3;
	for (size_t r = 0; r < a.R; r++)
		for (size_t c = 0; c < a.C; c++)
			a.v[r * (a.C + 1) + c] = count(&p, end);
	if (a.line) {
		long s = 0;

		for (size_t c = 0; c < a.C; c++)
			s += a.v[c];
		a.v[a.C] = s;
		suppress(&a, &rule);
		check_primary(&a, &rule);
		check_hidden(&a, NULL);
		return 0;
	}
	totals(&a);
	suppress(&a, &rule);
	check_primary(&a, &rule);
	check_hidden(&a, NULL);
	/* The same rows split another way: each row's total shared out. */
	for (size_t r = 0; r < b.R; r++) {
		long left = a.v[r * (a.C + 1) + a.C];

		for (size_t c = 0; c + 1 < b.C; c++) {
			long x = count(&p, end);

			x = x > left ? left : x;
			b.v[r * (b.C + 1) + c] = x;
			left -= x;
		}
		b.v[r * (b.C + 1) + b.C - 1] = left;
	}
	totals(&b);
	suppress(&b, &rule);
	check_primary(&b, &rule);
	check_hidden(&b, NULL);
	check_ledger_pair(&a, &b, &rule);
	return 0;
}
