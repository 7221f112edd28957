/*
 * counts_tally.c: counting items (a respondent's tags and answers) into a
 * cube, once a respondent in each cell (see counts.c for the reading).
 */
#include "counts_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Adds one to `a[k]` (k < n) unless this respondent was already counted there. */
#define BUMP(a, stamp, k, n, tag) do { \
	size_t k_ = (k); \
	assert(k_ < (n)); \
	if ((stamp)[k_] != (tag)) { \
		(stamp)[k_] = (tag); \
		(a)[k_]++; \
	} \
} while (0)

int tally_init(struct tally *t, struct count_cube *c, const struct dim_map *m)
{
	memset(t, 0, sizeof *t);
	t->c = c;
	t->m = m;
	t->n0 = c->dim[0].nvalues;
	t->n1 = c->dim[1].nvalues;
	t->w0 = t->n0 + 1;
	t->w1 = t->n1 + 1;
	t->ncells = (c->nthemes + 1) * t->w0 * t->w1;
	t->nb = c->ndims > 1 ? 2 : 1;
	for (size_t d = 0; d < c->ndims; d++)
		t->al[d] = counts_answer_level(&c->dim[d]);
	t->any_answer_level = t->al[0] || t->al[1];
	t->cstamp = calloc(t->ncells, sizeof *t->cstamp);
	t->bstamp = calloc(t->w0 * t->w1, sizeof *t->bstamp);
	t->rstamp = calloc(c->nthemes + 1, sizeof *t->rstamp);
	if (!c->cells)
		c->cells = calloc(t->ncells, sizeof *c->cells);
	if (!c->base)
		c->base = calloc(t->w0 * t->w1, sizeof *c->base);
	return t->cstamp && t->bstamp && t->rstamp && c->cells && c->base ? 0 : -1;
}

void tally_free(struct tally *t)
{
	free(t->cstamp);
	free(t->bstamp);
	free(t->rstamp);
	t->cstamp = t->bstamp = t->rstamp = NULL;
}

/* Forgets everything counted (to count again another way). */
void tally_clear(struct tally *t)
{
	memset(t->c->cells, 0, t->ncells * sizeof *t->c->cells);
	memset(t->c->base, 0, t->w0 * t->w1 * sizeof *t->c->base);
	memset(t->cstamp, 0, t->ncells * sizeof *t->cstamp);
	memset(t->bstamp, 0, t->w0 * t->w1 * sizeof *t->bstamp);
	memset(t->rstamp, 0, (t->c->nthemes + 1) * sizeof *t->rstamp);
}

/*
 * Respondent i's response-level values in rv (NO_VALUE for answer-level
 * ones); 0 when a value is outside the list (a channel added since): the
 * respondent is left out, base and all.
 */
static int tally_values(const struct tally *t, size_t i, size_t rv[2])
{
	for (size_t d = 0; d < 2; d++)
		rv[d] = d < t->c->ndims && !t->al[d] ? t->m[d].by_resp[i] : NO_VALUE;
	return !((t->c->ndims > 0 && !t->al[0] && rv[0] == NO_VALUE) ||
		 (t->c->ndims > 1 && !t->al[1] && rv[1] == NO_VALUE));
}

/* Respondent i in the bases, when they are the respondents' (no answer-level dimension). */
void tally_resp(struct tally *t, size_t i)
{
	struct count_cube *c = t->c;
	size_t rv[2];

	if (t->any_answer_level || !tally_values(t, i, rv))
		return;
	size_t a[2] = { rv[0], t->n0 }, b[2] = { c->ndims > 1 ? rv[1] : t->n1, t->n1 };

	assert(a[0] <= t->n0 && b[0] <= t->n1);
	for (int x = 0; x < 2; x++)
		for (int y = 0; y < t->nb; y++)
			c->base[a[x] * t->w1 + b[y]]++;
}

/* One item of respondent i: a tag (in the cells) or an answer (in the answer-level bases). */
void tally_item(struct tally *t, size_t i, const struct item *x)
{
	struct count_cube *c = t->c;
	const struct dim_map *m = t->m;
	uint32_t tag = (uint32_t)i + 1;
	size_t rv[2], w0 = t->w0, w1 = t->w1, n0 = t->n0, n1 = t->n1, ncells = t->ncells;
	int nb = t->nb;

	if (!tally_values(t, i, rv))
		return;
	if (!t->any_answer_level) {
		size_t a[2] = { rv[0], n0 }, b[2] = { c->ndims > 1 ? rv[1] : n1, n1 };

		/* The answers matter only to answer-level dimensions. */
		if (x->theme == NO_VALUE)
			return;
		/*
		 * Every item of the respondent falls in the same cells, so only
		 * the rows need telling apart: a theme, its ancestors (until one
		 * already counted, whose own are) and any theme.
		 */
		for (long th = x->theme; th >= 0 && t->rstamp[th] != tag; th = c->themes[th].parent) {
			assert((size_t)th < c->nreal);
			t->rstamp[th] = tag;
			for (int p = 0; p < 2; p++)
				for (int q = 0; q < nb; q++)
					c->cells[((size_t)th * w0 + a[p]) * w1 + b[q]]++;
			/* The merged rows that take this theme: once a respondent. */
			for (size_t g = c->nreal; g < c->nthemes; g++) {
				if (t->rstamp[g] == tag || !c->member[(g - c->nreal) * c->nreal + (size_t)th])
					continue;
				t->rstamp[g] = tag;
				for (int p = 0; p < 2; p++)
					for (int q = 0; q < nb; q++)
						c->cells[(g * w0 + a[p]) * w1 + b[q]]++;
			}
		}
		if (t->rstamp[c->nthemes] != tag) {
			t->rstamp[c->nthemes] = tag;
			for (int p = 0; p < 2; p++)
				for (int q = 0; q < nb; q++)
					c->cells[(c->nthemes * w0 + a[p]) * w1 + b[q]]++;
		}
		return;
	}
	size_t v[2] = { rv[0], c->ndims < 2 ? n1 : rv[1] };

	/* Answer-level values from the question; none: not counted here. */
	for (size_t d = 0; d < c->ndims; d++)
		if (t->al[d]) {
			if (x->q == NO_VALUE || m[d].by_q[x->q] == NO_VALUE)
				return;
			v[d] = m[d].by_q[x->q];
		}

	size_t v0 = v[0], v1 = v[1];
	size_t a[2] = { v0, n0 }, b[2] = { v1, n1 };

	assert(v0 <= n0 && v1 <= n1);
	if (x->theme == NO_VALUE) {
		for (int p = 0; p < 2; p++)
			for (int q = 0; q < nb; q++)
				BUMP(c->base, t->bstamp, a[p] * w1 + b[q], w0 * w1, tag);
		return;
	}
	/* The theme, each of its ancestors, the merged rows that take them, and "any theme". */
	for (long th = x->theme;; th = c->themes[th].parent) {
		size_t row = th < 0 ? c->nthemes : (size_t)th;

		for (int p = 0; p < 2; p++)
			for (int q = 0; q < nb; q++)
				BUMP(c->cells, t->cstamp, (row * w0 + a[p]) * w1 + b[q], ncells, tag);
		if (th < 0)
			break;
		for (size_t g = c->nreal; g < c->nthemes; g++)
			if (c->member[(g - c->nreal) * c->nreal + (size_t)th])
				for (int p = 0; p < 2; p++)
					for (int q = 0; q < nb; q++)
						BUMP(c->cells, t->cstamp, (g * w0 + a[p]) * w1 + b[q],
						     ncells, tag);
	}
}

