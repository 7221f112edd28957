/*
 * sdc.c: primary and secondary suppression of a table with totals.
 *
 * The bordered table is a complete bipartite graph: one vertex per row line
 * (the rows and the total row), one per column line (the columns and the
 * total column), one edge per cell. Each line says "its cells add up to its
 * total". With the shown counts substituted, the hidden cells are the
 * unknowns, and a hidden count is determined by those equations exactly when
 * its edge is a bridge of the graph of hidden cells (lies on no cycle): a
 * cycle lets its counts move by +d, -d, +d, ... without changing any line's
 * sum, and without a cycle the edge's line equations pin it down.
 *
 * So: find the hidden cells that are bridges (Tarjan's low-link, depth first)
 * and, one at a time in table order, close the cheapest cycle through each
 * (a shortest path between its row and its column over the other cells,
 * hidden cells costing nothing), until none is left. Adding cells only adds
 * cycles, so this fixes every bridge and breaks nothing. Then show again,
 * the most costly first, every further cell whose showing (with any further
 * cells it leaves dangling) leaves no bridge.
 *
 * Time: a search costs at most one look at every cell, and there are fewer
 * searches than lines; a 100 x 40 table takes about 2 ms at worst (a small
 * count in every row, each needing its own cycle), usually well under 1 ms.
 */
#include "sdc.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/* Lines each way beyond which the packed path cost below could overflow (K^3 < 2^64). */
#define MAX_LINES ((size_t)1 << 20)

static const struct sdc_rule nhs = SDC_NHS;

/*
 * What hiding further cells costs, compared in this order: cells in the
 * total row or column, zero cells (often known without the table), cells,
 * the sum of their counts. The first three are packed into `rank` as digits
 * in base K (more than any path's length), so two numbers compare it all.
 */
struct cost {
	uint64_t rank;
	uint64_t sum;
};

/* Not yet reached: more than any path costs. */
static const struct cost unreached = { UINT64_MAX, UINT64_MAX };

/* Without short cuts: these run in the innermost loop, on unpredictable data. */
static int cost_less(struct cost a, struct cost b)
{
	return (a.rank < b.rank) | ((a.rank == b.rank) & (a.sum < b.sum));
}

static int cost_eq(struct cost a, struct cost b)
{
	return (a.rank == b.rank) & (a.sum == b.sum);
}

/* Sums cannot overflow: cell_cost() caps each count at UINT64_MAX / (K + 1). */
static struct cost cost_add(struct cost a, struct cost b)
{
	a.rank += b.rank;
	a.sum += b.sum;
	return a;
}

struct work {
	const long *v;
	unsigned char *state;
	size_t R, C;         /* row lines, column lines: vertices 0..R-1 then R..R+C-1 */
	size_t V;
	uint64_t K;          /* the base of cost.rank: more cells than a path and its bound have */
	/* bridges: the graph of hidden cells as adjacency lists, and the search */
	size_t *start, *adj, *disc, *low, *parent, *next, *stack, *found;
	/* cheapest paths */
	struct cost *dist;           /* cost from the start */
	struct cost *lb;             /* at most what is left to the end: see bound() */
	struct cost *key;            /* dist + lb: the order vertices are settled in */
	struct cost *byrow, *bycol;  /* what hiding each cell costs, row by row and column by column */
	size_t *prev, *heap, *pos, nheap, *comp;
	unsigned char *done;
};

static int hidden(const struct work *w, size_t cell)
{
	return w->state[cell] != SDC_SHOWN;
}

/* The cell joining vertex a and vertex b (one a row line, the other a column line). */
static size_t cell_of(const struct work *w, size_t a, size_t b)
{
	return a < w->R ? a * w->C + (b - w->R) : b * w->C + (a - w->R);
}

/* What it costs to hide the cell in row line i, column line j; nothing when it is hidden. */
static struct cost cell_cost(const struct work *w, size_t i, size_t j)
{
	size_t cell = i * w->C + j;
	long x = w->v[cell];
	struct cost c = { 0, 0 };

	if (hidden(w, cell))
		return c;
	c.rank = 1;
	if (x == 0)
		c.rank += w->K;
	if (i == w->R - 1 || j == w->C - 1)
		c.rank += w->K * w->K;
	c.sum = x > 0 ? (uint64_t)x : 0;
	if (c.sum > UINT64_MAX / (w->K + 1))
		c.sum = UINT64_MAX / (w->K + 1);    /* a path has fewer than K cells */
	return c;
}

/* Fills the adjacency lists of the graph of hidden cells: row lines list columns, and back. */
static void build_graph(struct work *w)
{
	size_t R = w->R, C = w->C, *fill = w->next;

	memset(w->start, 0, (w->V + 1) * sizeof *w->start);
	for (size_t i = 0; i < R; i++) {
		const unsigned char *row = w->state + i * C;

		for (size_t j = 0; j < C; j++)
			if (row[j] != SDC_SHOWN) {
				w->start[i + 1]++;
				w->start[R + j + 1]++;
			}
	}
	for (size_t u = 0; u < w->V; u++) {
		w->start[u + 1] += w->start[u];
		fill[u] = w->start[u];
	}
	for (size_t i = 0; i < R; i++) {
		const unsigned char *row = w->state + i * C;

		for (size_t j = 0; j < C; j++)
			if (row[j] != SDC_SHOWN) {
				w->adj[fill[i]++] = R + j;
				w->adj[fill[R + j]++] = i;
			}
	}
}

static int size_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return a < b ? -1 : a > b;
}

/*
 * Lists in `out`, in table order, the hidden cells that lie on no cycle of
 * hidden cells (their counts could be worked out); returns how many. There
 * are fewer than R + C: they form a forest.
 */
static size_t bridges(struct work *w, size_t *out)
{
	size_t timer = 0, n = 0;

	build_graph(w);
	for (size_t u = 0; u < w->V; u++)
		w->disc[u] = NONE;
	for (size_t s = 0; s < w->V; s++) {
		size_t sp = 0;

		if (w->disc[s] != NONE || w->start[s] == w->start[s + 1])
			continue;
		w->disc[s] = w->low[s] = timer++;
		w->parent[s] = NONE;
		w->next[s] = w->start[s];
		w->stack[sp++] = s;
		while (sp) {
			size_t u = w->stack[sp - 1];

			if (w->next[u] < w->start[u + 1]) {
				size_t x = w->adj[w->next[u]++];

				if (w->disc[x] == NONE) {
					w->disc[x] = w->low[x] = timer++;
					w->parent[x] = u;
					w->next[x] = w->start[x];
					w->stack[sp++] = x;
				} else if (x != w->parent[u] && w->disc[x] < w->low[u]) {
					/* The graph is simple: the parent is reached by one edge only. */
					w->low[u] = w->disc[x];
				}
				continue;
			}
			sp--;
			if (w->parent[u] != NONE) {
				size_t p = w->parent[u];

				if (w->low[u] < w->low[p])
					w->low[p] = w->low[u];
				if (w->low[u] > w->disc[p])
					out[n++] = cell_of(w, p, u);
			}
		}
	}
	qsort(out, n, sizeof *out, size_cmp);
	return n;
}

/*
 * The heap of vertices waiting to be settled: by key, then by cost so far
 * (a vertex before those it leads to at no extra bound), then by position.
 */
static int heap_before(const struct work *w, size_t a, size_t b)
{
	if (!cost_eq(w->key[a], w->key[b]))
		return cost_less(w->key[a], w->key[b]);
	if (!cost_eq(w->dist[a], w->dist[b]))
		return cost_less(w->dist[a], w->dist[b]);
	return a < b;
}

static void heap_up(struct work *w, size_t k)
{
	size_t x = w->heap[k];

	while (k && heap_before(w, x, w->heap[(k - 1) / 2])) {
		w->heap[k] = w->heap[(k - 1) / 2];
		w->pos[w->heap[k]] = k;
		k = (k - 1) / 2;
	}
	w->heap[k] = x;
	w->pos[x] = k;
}

static size_t heap_pop(struct work *w)
{
	size_t top = w->heap[0], x, k = 0;

	x = w->heap[--w->nheap];
	for (;;) {
		size_t c = 2 * k + 1;

		if (c >= w->nheap)
			break;
		if (c + 1 < w->nheap && heap_before(w, w->heap[c + 1], w->heap[c]))
			c++;
		if (!heap_before(w, w->heap[c], x))
			break;
		w->heap[k] = w->heap[c];
		w->pos[w->heap[k]] = k;
		k = c;
	}
	if (w->nheap) {
		w->heap[k] = x;
		w->pos[x] = k;
	}
	return top;
}

/* Dijkstra's relaxation of x through settled u, the cell between them costing `step`. */
static void relax(struct work *w, size_t u, size_t x, const struct cost *step)
{
	struct cost d;

	d.rank = w->dist[u].rank + step->rank;
	d.sum = w->dist[u].sum + step->sum;

	if (cost_less(d, w->dist[x])) {
		if (w->pos[x] == NONE) {
			w->pos[x] = w->nheap;
			w->heap[w->nheap++] = x;
		}
		w->dist[x] = d;
		w->key[x] = cost_add(d, w->lb[x]);
		w->prev[x] = u;
		heap_up(w, w->pos[x]);
	} else if (cost_eq(d, w->dist[x]) & (u < w->prev[x])) {
		w->prev[x] = u;
	}
}

static size_t find(size_t *comp, size_t x)
{
	while (comp[x] != x)
		x = comp[x] = comp[comp[x]];
	return x;
}

/*
 * A lower bound, for each vertex, of what a path from it to `dst` costs,
 * so the search can settle first what looks cheapest overall (A*). Over the
 * hidden cells but `cell`, dst's part of the graph costs nothing more. Any
 * other part needs a shown cell into dst's part, from one of its vertices,
 * or else at least two shown cells. The bound is consistent (never drops by
 * more than a cell costs), so the result is still a cheapest path.
 */
static void bound(struct work *w, size_t cell, size_t dst)
{
	size_t R = w->R, C = w->C, V = w->V, z, *comp = w->comp;
	const struct cost two = { 2, 0 }, zero = { 0, 0 };

	for (size_t x = 0; x < V; x++)
		comp[x] = x;
	for (size_t i = 0; i < R; i++) {
		const unsigned char *row = w->state + i * C;

		for (size_t j = 0; j < C; j++)
			if (row[j] != SDC_SHOWN && i * C + j != cell) {
				size_t a = find(comp, i), b = find(comp, R + j);

				if (a != b)
					comp[a < b ? b : a] = a < b ? a : b;
			}
	}
	z = find(comp, dst);
	for (size_t x = 0; x < V; x++) {
		w->lb[x] = two;
		w->done[x] = find(comp, x) == z;        /* for now: in dst's part */
	}
	/* The cheapest shown cell from each vertex into dst's part. */
	for (size_t x = 0; x < V; x++) {
		if (!w->done[x])
			continue;
		if (x < R) {
			for (size_t j = 0; j < C; j++)
				if (!w->done[R + j] && cost_less(w->byrow[x * C + j], w->lb[R + j]))
					w->lb[R + j] = w->byrow[x * C + j];
		} else {
			/* Not through `cell` itself, which joins dst to the start. */
			for (size_t i = 0; i < R; i++)
				if (!w->done[i] && i * C + (x - R) != cell &&
				    cost_less(w->bycol[(x - R) * R + i], w->lb[i]))
					w->lb[i] = w->bycol[(x - R) * R + i];
		}
	}
	/* The cheapest over each part, which reaches its every vertex at no cost. */
	for (size_t x = 0; x < V; x++) {
		size_t r = find(comp, x);

		if (cost_less(w->lb[x], w->lb[r]))
			w->lb[r] = w->lb[x];
	}
	for (size_t x = 0; x < V; x++)
		w->lb[x] = w->done[x] ? zero : w->lb[find(comp, x)];
}

/*
 * Hides the cheapest further cells that close a cycle through hidden `cell`:
 * a cheapest path from its row line to its column line not using the cell
 * itself (A* over the complete graph, with bound()). Vertices are settled
 * in order of key, cost so far, then position, and between equally cheap
 * ways into a vertex the earlier line wins: for a rectangle, the earliest
 * row, then the earliest column. Returns how many cells it hid: none when
 * the cell is on a cycle already.
 */
static size_t close_cycle(struct work *w, size_t cell)
{
	size_t R = w->R, C = w->C, src = cell / C, dst = R + cell % C, n = 0;

	bound(w, cell, dst);
	memset(w->done, 0, w->V);
	for (size_t x = 0; x < w->V; x++) {
		w->dist[x] = unreached;
		w->pos[x] = NONE;
	}
	w->dist[src] = (struct cost){ 0, 0 };
	w->key[src] = w->lb[src];
	w->prev[src] = NONE;
	w->heap[0] = src;
	w->pos[src] = 0;
	w->nheap = 1;
	for (;;) {
		size_t u;

		if (!w->nheap)
			return 0;       /* only when R or C is 1, which the caller rules out */
		u = heap_pop(w);
		w->done[u] = 1;
		if (u == dst)
			break;
		if (u < R) {
			const struct cost *step = w->byrow + u * C;

			for (size_t j = 0; j < C; j++)
				if (!w->done[R + j] && u * C + j != cell)
					relax(w, u, R + j, &step[j]);
		} else {
			const struct cost *step = w->bycol + (u - R) * R;

			for (size_t i = 0; i < R; i++)
				if (!w->done[i] && i * C + (u - R) != cell)
					relax(w, u, i, &step[i]);
		}
	}
	for (size_t x = dst; w->prev[x] != NONE; x = w->prev[x]) {
		size_t c = cell_of(w, x, w->prev[x]), i = c / C, j = c % C;

		if (!hidden(w, c)) {
			w->state[c] = SDC_SECONDARY;
			w->byrow[c] = w->bycol[j * R + i] = (struct cost){ 0, 0 };
			n++;
		}
	}
	return n;
}

struct candidate {
	struct cost cost;
	size_t cell;
};

/* The most costly first; among equals the later cell first, so earlier ones stay. */
static int candidate_cmp(const void *pa, const void *pb)
{
	const struct candidate *a = pa, *b = pb;

	if (!cost_eq(a->cost, b->cost))
		return cost_less(a->cost, b->cost) ? 1 : -1;
	return a->cell < b->cell ? 1 : a->cell > b->cell ? -1 : 0;
}

/*
 * Shows again each further cell that no hidden cell needs, with any further
 * cells that showing it leaves dangling: a path of them closed nothing once
 * a later cycle took over. Returns how many cells it showed, or -1.
 */
static long prune(struct work *w)
{
	size_t ncells = w->R * w->C, n = 0, *undo;
	struct candidate *cand;
	long shown = 0;

	for (size_t c = 0; c < ncells; c++)
		n += w->state[c] == SDC_SECONDARY;
	if (!n)
		return 0;
	cand = malloc(n * sizeof *cand);
	undo = malloc(n * sizeof *undo);
	if (!cand || !undo) {
		free(cand);
		free(undo);
		return -1;
	}
	n = 0;
	for (size_t c = 0; c < ncells; c++)
		if (w->state[c] == SDC_SECONDARY) {
			w->state[c] = SDC_SHOWN;
			cand[n].cost = cell_cost(w, c / w->C, c % w->C);
			cand[n++].cell = c;
			w->state[c] = SDC_SECONDARY;
		}
	qsort(cand, n, sizeof *cand, candidate_cmp);
	for (size_t k = 0; k < n; k++) {
		size_t nundo = 0, nb;
		int exposed = 0;

		if (w->state[cand[k].cell] != SDC_SECONDARY)
			continue;       /* shown with an earlier one */
		w->state[cand[k].cell] = SDC_SHOWN;
		undo[nundo++] = cand[k].cell;
		/*
		 * Showing cells never closes a cycle, and showing a bridge breaks
		 * none: a primary bridge is final, secondary ones all go at once.
		 */
		while (!exposed && (nb = bridges(w, w->found)) > 0)
			for (size_t b = 0; b < nb; b++) {
				if (w->state[w->found[b]] == SDC_PRIMARY) {
					exposed = 1;
					break;
				}
				w->state[w->found[b]] = SDC_SHOWN;
				undo[nundo++] = w->found[b];
			}
		if (!exposed) {
			shown += (long)nundo;
			continue;
		}
		while (nundo)
			w->state[undo[--nundo]] = SDC_SECONDARY;
	}
	free(cand);
	free(undo);
	return shown;
}

static long secondary(const long *v, size_t R, size_t C, unsigned char *state)
{
	struct work w = { .v = v, .state = state, .R = R, .C = C, .V = R + C, .K = R + C + 2 };
	size_t V = w.V, nb;
	long r = 0;

	/* Each hidden cell is listed twice, once from each end. */
	w.adj = malloc(2 * R * C * sizeof *w.adj);
	w.start = malloc((11 * V + 1) * sizeof *w.start);
	w.dist = malloc(3 * V * sizeof *w.dist);
	w.byrow = malloc(2 * R * C * sizeof *w.byrow);
	w.prev = malloc(V * sizeof *w.prev);
	w.done = malloc(V);
	if (!w.adj || !w.start || !w.dist || !w.byrow || !w.prev || !w.done) {
		r = -1;
		goto out;
	}
	w.disc = w.start + V + 1;
	w.low = w.disc + V;
	w.parent = w.low + V;
	w.next = w.parent + V;
	w.stack = w.next + V;
	w.found = w.stack + V;
	w.heap = w.found + V;
	w.pos = w.heap + V;
	w.comp = w.pos + V;
	w.lb = w.dist + V;
	w.key = w.lb + V;
	w.bycol = w.byrow + R * C;
	for (size_t i = 0; i < R; i++)
		for (size_t j = 0; j < C; j++)
			w.byrow[i * C + j] = w.bycol[j * R + i] = cell_cost(&w, i, j);
	/*
	 * Each bridge in table order: one that an earlier cycle closed has a
	 * path of hidden cells already and costs nothing. Cells only ever add
	 * cycles, so a second look finds none left.
	 */
	while ((nb = bridges(&w, w.found)) > 0) {
		size_t added = 0;

		for (size_t k = 0; k < nb; k++)
			added += close_cycle(&w, w.found[k]);
		if (!added)
			break;  /* cannot happen with two or more lines each way */
	}
	if (prune(&w) < 0)
		r = -1;
out:
	free(w.adj);
	free(w.start);
	free(w.dist);
	free(w.byrow);
	free(w.prev);
	free(w.done);
	return r;
}

long sdc_apply(const long *v, size_t nrows, size_t ncols, const struct sdc_rule *rule,
	       unsigned char *state)
{
	return sdc_apply_forced(v, nrows, ncols, rule, NULL, state);
}

long sdc_apply_forced(const long *v, size_t nrows, size_t ncols, const struct sdc_rule *rule,
		      const unsigned char *force, unsigned char *state)
{
	size_t R, C, ncells;
	long hiddenn = 0;

	if (!rule)
		rule = &nhs;
	if (nrows >= MAX_LINES || ncols >= MAX_LINES)
		goto toobig;
	R = nrows + 1;
	C = ncols + 1;
	if (R > SIZE_MAX / 2 / sizeof(size_t) / C)
		goto toobig;
	ncells = R * C;
	for (size_t c = 0; c < ncells; c++)
		state[c] = (v[c] > 0 && v[c] < rule->threshold) || (force && force[c]) ?
			   SDC_PRIMARY : SDC_SHOWN;
	if (rule->secondary && nrows && ncols && secondary(v, R, C, state) < 0)
		return -1;
	for (size_t c = 0; c < ncells; c++)
		hiddenn += state[c] != SDC_SHOWN;
	return hiddenn;
toobig:
	errno = ENOMEM;
	return -1;
}

long sdc_apply_line(const long *v, size_t n, const struct sdc_rule *rule, unsigned char *state)
{
	return sdc_apply_line_forced(v, n, rule, NULL, state);
}

long sdc_apply_line_forced(const long *v, size_t n, const struct sdc_rule *rule,
			   const unsigned char *force, unsigned char *state)
{
	long *two;
	unsigned char *st, *f2 = NULL;
	long r = 0;

	if (n >= SIZE_MAX / 8 / sizeof *two) {
		errno = ENOMEM;
		return -1;
	}
	/* The line, then its column totals: the same counts again. */
	two = malloc(2 * (n + 1) * sizeof *two);
	st = malloc(2 * (n + 1));
	if (force)
		f2 = malloc(2 * (n + 1));
	if (!two || !st || (force && !f2)) {
		r = -1;
		goto out;
	}
	memcpy(two, v, (n + 1) * sizeof *two);
	memcpy(two + n + 1, v, (n + 1) * sizeof *two);
	if (force) {
		memcpy(f2, force, n + 1);
		memcpy(f2 + n + 1, force, n + 1);
	}
	r = sdc_apply_forced(two, 1, n, rule, f2, st);
	if (r < 0)
		goto out;
	/* A count and its copy are one published number: hidden if either is. */
	r = 0;
	for (size_t j = 0; j <= n; j++) {
		unsigned char a = st[j], b = st[n + 1 + j];

		state[j] = a == SDC_PRIMARY || b == SDC_PRIMARY ? SDC_PRIMARY : a > b ? a : b;
		r += state[j] != SDC_SHOWN;
	}
out:
	free(two);
	free(st);
	free(f2);
	return r;
}

long sdc_round(long v, const struct sdc_rule *rule)
{
	long r, q, rem;

	if (!rule)
		rule = &nhs;
	r = rule->rounding;
	if (r <= 1 || v == 0)
		return v;
	if (v < 0)
		return v == LONG_MIN ? -sdc_round(LONG_MAX, rule) : -sdc_round(-v, rule);
	q = v / r;
	rem = v % r;
	if (rem >= r - r / 2)
		q++;
	if (q > LONG_MAX / r)
		q = LONG_MAX / r;       /* the largest multiple there is */
	return q * r;
}
