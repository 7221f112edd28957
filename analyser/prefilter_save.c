/*
 * prefilter_save.c: a prefilter as bytes and back (prefilter.h), so that
 * analyser tag need neither read the patterns again nor compile the
 * Vectorscan database when the rule set has not changed (rules_cache.h).
 *
 * The bytes are a tag, then each array of the prefilter as a count (64
 * bits) followed by its elements, in the order below, then Vectorscan's
 * own serialized database. They are only ever read back by the build that
 * wrote them, on the same kind of processor, after a checksum: so the
 * elements are stored as they are in memory. Reading still checks every
 * count against the rule set and every number used as an index, so bytes
 * that are not what was saved give an error, never a read out of bounds.
 */
#include "prefilter.h"

#include <hs/hs.h>
#include <stdlib.h>
#include <string.h>

#include "prefilter_internal.h"
#include "strbuf.h"

static const char magic[] = "tally prefilter 1";

/* ---------------------------------------------------------------------
 * Writing.
 */

static void put(struct strbuf *sb, int *bad, const void *v, size_t size, size_t n)
{
	uint64_t n64 = n;

	*bad |= strbuf_add(sb, &n64, sizeof n64);
	if (n)
		*bad |= strbuf_add(sb, v, size * n);
}

int prefilter_save(const struct prefilter *pf, char **blob, size_t *len, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	size_t ntok = 0, nlit = 0, nsingle = 0;
	uint64_t nslow = pf->nslow;
	char *db = NULL;
	size_t dblen = 0;
	int bad = 0;

	*blob = NULL;
	*len = 0;
	bad |= strbuf_add(&sb, magic, sizeof magic);
	put(&sb, &bad, pf->always, sizeof *pf->always, pf->words);
	put(&sb, &bad, pf->always_themes, sizeof *pf->always_themes, pf->theme_words);
	/* Each include's reason to be slow: a flag, and the texts one after another. */
	{
		struct strbuf why = STRBUF_INIT;
		unsigned char *flag = calloc(pf->ninc + 1, 1);

		bad |= !flag;
		for (size_t g = 0; g < pf->ninc && !bad; g++) {
			flag[g] = pf->why[g] != NULL;
			if (pf->why[g])
				bad |= strbuf_add(&why, pf->why[g], strlen(pf->why[g]) + 1);
		}
		put(&sb, &bad, flag, 1, pf->ninc);
		put(&sb, &bad, why.buf, 1, why.len);
		free(flag);
		strbuf_release(&why);
	}
	put(&sb, &bad, &nslow, sizeof nslow, 1);
	put(&sb, &bad, pf->op_at, sizeof *pf->op_at, pf->ninc + 1);
	put(&sb, &bad, pf->ops, sizeof *pf->ops, pf->op_at[pf->ninc]);
	put(&sb, &bad, pf->any_piece, 1, pf->ninc);
	{
		size_t *lens = malloc((pf->npieces + 1) * sizeof *lens);
		tok *toks;

		bad |= !lens;
		for (size_t k = 0; k < pf->npieces && !bad; k++)
			ntok += lens[k] = pf->pieces[k].n;
		toks = bad ? NULL : malloc((ntok + 1) * sizeof *toks);
		bad |= !toks;
		for (size_t k = 0, at = 0; k < pf->npieces && !bad; k++) {
			memcpy(toks + at, pf->pieces[k].t, pf->pieces[k].n * sizeof *toks);
			at += pf->pieces[k].n;
		}
		put(&sb, &bad, lens, sizeof *lens, bad ? 0 : pf->npieces);
		put(&sb, &bad, toks, sizeof *toks, bad ? 0 : ntok);
		free(lens);
		free(toks);
	}
	put(&sb, &bad, pf->users_at, sizeof *pf->users_at, pf->npieces + 2);
	put(&sb, &bad, pf->users, sizeof *pf->users, pf->users_at[pf->npieces]);
	put(&sb, &bad, pf->head_at, sizeof *pf->head_at, pf->npat + 1);
	put(&sb, &bad, pf->heads, sizeof *pf->heads, pf->head_at[pf->npat]);
	put(&sb, &bad, pf->reach, sizeof *pf->reach, pf->npat + 1);
	put(&sb, &bad, pf->gaps, sizeof *pf->gaps, 4 * (pf->npat + 1));
	put(&sb, &bad, pf->ngaps, 1, pf->npat + 1);
	put(&sb, &bad, pf->wb, 1, pf->npat + 1);
	put(&sb, &bad, pf->hwork, sizeof *pf->hwork, pf->npat + 1);
	put(&sb, &bad, pf->is_head, 1, pf->npieces + 1);
	{
		unsigned char *has = calloc(pf->npat + 1, 1);
		struct lit_pattern *lits = calloc(pf->npat + 1, sizeof *lits);

		bad |= !has || !lits;
		for (size_t k = 0; k < pf->npat && !bad; k++)
			if ((has[k] = pf->lit[k] != NULL))
				lits[nlit++] = *pf->lit[k];
		put(&sb, &bad, has, 1, bad ? 0 : pf->npat);
		put(&sb, &bad, lits, sizeof *lits, nlit);
		free(has);
		free(lits);
	}
	for (size_t k = 0; k < pf->npieces; k++)
		nsingle += pf->pieces[k].n == 1;
	if (pf->db && hs_serialize_database(pf->db, &db, &dblen) != HS_SUCCESS)
		bad = 1;
	put(&sb, &bad, db, 1, dblen);
	free(db);
	if (bad || nsingle != pf->nsingle) {
		strbuf_release(&sb);
		return err_set(e, EXIT_SYSTEM, "cannot save the prefilter (out of memory?)");
	}
	*blob = strbuf_detach(&sb, len);
	return 0;
}

/* ---------------------------------------------------------------------
 * Reading.
 */

struct rd {
	const char *p, *end;
	const char *why; /* the first problem, or NULL */
};

static int rd_fail(struct rd *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -1;
}

/*
 * The next array: its count must be `want` (SIZE_MAX: any, then in *n).
 * A copy with room for `extra` more zeroed elements, which the caller
 * frees; NULL on a problem (noted in r) or when out of memory.
 */
static void *take(struct rd *r, size_t size, size_t want, size_t *n, size_t extra)
{
	uint64_t n64;
	void *v;

	if (r->why)
		return NULL;
	if ((size_t)(r->end - r->p) < sizeof n64) {
		rd_fail(r, "it ends too soon");
		return NULL;
	}
	memcpy(&n64, r->p, sizeof n64);
	r->p += sizeof n64;
	if (want != SIZE_MAX && n64 != want) {
		rd_fail(r, "a count does not fit the rule set");
		return NULL;
	}
	if (n64 > (uint64_t)(r->end - r->p) / size) {
		rd_fail(r, "a count runs past its end");
		return NULL;
	}
	if (!(v = calloc((size_t)n64 + extra, size))) {
		rd_fail(r, "out of memory");
		return NULL;
	}
	if (n64)
		memcpy(v, r->p, (size_t)n64 * size);
	r->p += (size_t)n64 * size;
	if (n)
		*n = (size_t)n64;
	return v;
}

/* Offsets [0, total] that never go back, as the prefilter's *_at arrays are. */
static int offsets_ok(const size_t *at, size_t n, size_t total)
{
	if (at[0] != 0 || at[n] != total)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (at[i] > at[i + 1])
			return 0;
	return 1;
}

/*
 * Whether ops[at, end) holds one condition whose pieces are < npieces (in
 * prefix order, each AND/OR's size covering exactly its kids); *next gets
 * where it ends. The depth is bounded as conditions are (MAXOPS).
 */
static int op_ok(const uint32_t *ops, size_t at, size_t end, size_t npieces, int depth,
		 size_t *next)
{
	uint32_t op;
	size_t k = at + 1;

	if (at >= end || depth > MAXOPS)
		return 0;
	op = ops[at];
	if (OP_KIND(op) == OP_LIT) {
		*next = at + 1;
		return OP_ARG(op) < npieces;
	}
	if ((OP_KIND(op) != OP_AND && OP_KIND(op) != OP_OR) || OP_ARG(op) < 1 ||
	    OP_ARG(op) > end - at)
		return 0;
	for (uint32_t i = 0; i < OP_KIDS(op); i++)
		if (!op_ok(ops, k, at + OP_ARG(op), npieces, depth + 1, &k))
			return 0;
	*next = k;
	return k == at + OP_ARG(op);
}

/* Whether the numbers read can be used as indexes, as the scanning does. */
static const char *check(const struct prefilter *pf, size_t nops, size_t nusers, size_t nheads)
{
	if (!offsets_ok(pf->op_at, pf->ninc, nops))
		return "the conditions' offsets are out of order";
	for (size_t i = 0; i < pf->ninc; i++) {
		size_t next;

		if (pf->op_at[i] < pf->op_at[i + 1] &&
		    (!op_ok(pf->ops, pf->op_at[i], pf->op_at[i + 1], pf->npieces, 0, &next) ||
		     next != pf->op_at[i + 1]))
			return "a condition is malformed";
	}
	if (!offsets_ok(pf->users_at, pf->npieces, nusers) || pf->users_at[pf->npieces + 1] != nusers)
		return "the pieces' users are out of order";
	for (size_t i = 0; i < nusers; i++)
		if (pf->users[i] >= pf->ninc)
			return "a piece's user is not an include";
	if (!offsets_ok(pf->head_at, pf->npat, nheads))
		return "the heads' offsets are out of order";
	for (size_t i = 0; i < nheads; i++)
		if (pf->heads[i] >= pf->npieces)
			return "a head is not a piece";
	for (size_t k = 0; k <= pf->npat; k++)
		if (pf->ngaps[k] > MAXGAPS)
			return "too many gaps";
	for (size_t k = 0; k < pf->npat; k++) {
		const struct lit_pattern *lp = pf->lit[k];

		if (!lp)
			continue;
		if (lp->set.n > LIT_MAX)
			return "a pattern's strings are too many";
		for (size_t i = 0; i < lp->set.n; i++)
			if (lp->set.v[i].len > MAXPIECE)
				return "a pattern's string is too long";
	}
	return NULL;
}

/* The texts of the slow includes' reasons, pointed to from pf->why. */
static void restore_why(struct rd *r, struct prefilter *pf)
{
	unsigned char *flag = take(r, 1, pf->ninc, NULL, 1);
	size_t n = 0, at = 0;

	pf->why_text = take(r, 1, SIZE_MAX, &n, 1); /* one more, zeroed: a NUL at the end */
	for (size_t g = 0; flag && pf->why_text && g < pf->ninc; g++) {
		if (!flag[g])
			continue;
		if (at >= n) {
			rd_fail(r, "a slow pattern's reason is missing");
			break;
		}
		pf->why[g] = pf->why_text + at;
		at += strlen(pf->why_text + at) + 1;
	}
	free(flag);
}

/* The pieces, from their lengths and their characters one after another. */
static void restore_pieces(struct rd *r, struct prefilter *pf)
{
	size_t *lens = take(r, sizeof *lens, SIZE_MAX, &pf->npieces, 1), ntok = 0, total = 0;
	tok *toks;

	if (lens)
		for (size_t k = 0; k < pf->npieces; k++) {
			if (lens[k] < 1 || lens[k] > SIZE_MAX / 4 - total) {
				rd_fail(r, "a piece's length is out of range");
				break;
			}
			total += lens[k];
		}
	toks = take(r, sizeof *toks, total, &ntok, 1);
	if (toks && !(pf->pieces = calloc(pf->npieces + 1, sizeof *pf->pieces)))
		rd_fail(r, "out of memory");
	for (size_t k = 0, at = 0; toks && pf->pieces && k < pf->npieces; k++) {
		tok *t = malloc(lens[k] * sizeof *t);

		if (!t) {
			rd_fail(r, "out of memory");
			pf->npieces = k; /* those made are freed */
			break;
		}
		memcpy(t, toks + at, lens[k] * sizeof *t);
		pf->pieces[k].t = t;
		pf->pieces[k].n = lens[k];
		at += lens[k];
	}
	if (!pf->pieces)
		pf->npieces = 0;
	free(lens);
	free(toks);
}

/* Each pattern's strings, where it is only strings. */
static void restore_lits(struct rd *r, struct prefilter *pf)
{
	unsigned char *has = take(r, 1, pf->npat, NULL, 1);
	size_t want = 0, n = 0;
	struct lit_pattern *lits;

	for (size_t k = 0; has && k < pf->npat; k++)
		want += has[k] != 0;
	lits = take(r, sizeof *lits, has ? want : SIZE_MAX, &n, 1);
	if (lits && !(pf->lit = calloc(pf->npat + 1, sizeof *pf->lit)))
		rd_fail(r, "out of memory");
	for (size_t k = 0, i = 0; lits && pf->lit && k < pf->npat; k++) {
		if (!has[k])
			continue;
		if (!(pf->lit[k] = malloc(sizeof *pf->lit[k]))) {
			rd_fail(r, "out of memory");
			break;
		}
		*pf->lit[k] = lits[i++];
	}
	free(has);
	free(lits);
}

/* Vectorscan's database, after Vectorscan has read its header. */
static void restore_db(struct rd *r, struct prefilter *pf)
{
	uint64_t n64;
	size_t n, need = 0;
	char *info = NULL;

	if (r->why)
		return;
	if ((size_t)(r->end - r->p) < sizeof n64) {
		rd_fail(r, "it ends too soon");
		return;
	}
	memcpy(&n64, r->p, sizeof n64);
	r->p += sizeof n64;
	if (n64 != (uint64_t)(r->end - r->p)) {
		rd_fail(r, "the Vectorscan database is not the rest of it");
		return;
	}
	n = (size_t)n64;
	if (!pf->npieces) {
		if (n)
			rd_fail(r, "a Vectorscan database for no pieces");
		return;
	}
	if (!n || hs_serialized_database_info(r->p, n, &info) != HS_SUCCESS) {
		rd_fail(r, "Vectorscan does not take its database (another version or processor?)");
		return;
	}
	free(info);
	if (hs_serialized_database_size(r->p, n, &need) != HS_SUCCESS || !need ||
	    hs_deserialize_database(r->p, n, &pf->db) != HS_SUCCESS) {
		pf->db = NULL;
		rd_fail(r, "Vectorscan cannot load its database");
		return;
	}
	if (hs_alloc_scratch(pf->db, &pf->proto) != HS_SUCCESS)
		rd_fail(r, "Vectorscan gives its database no scratch space");
	r->p = r->end;
}

struct prefilter *prefilter_restore(const struct ruleset *rs, const char *blob, size_t len,
				    struct err *e)
{
	struct prefilter *pf = calloc(1, sizeof *pf);
	struct rd r = { blob, blob + len, NULL };
	uint64_t *nslow = NULL;
	size_t nops = 0, nusers = 0, nheads = 0;
	const char *bad;

	if (!pf || prefilter_shape(pf, rs) < 0) {
		prefilter_free(pf);
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	if (len < sizeof magic || memcmp(blob, magic, sizeof magic))
		rd_fail(&r, "it is not a saved prefilter");
	else
		r.p += sizeof magic;
	pf->always = take(&r, sizeof *pf->always, pf->words, NULL, 0);
	pf->always_themes = take(&r, sizeof *pf->always_themes, pf->theme_words, NULL, 0);
	restore_why(&r, pf);
	if ((nslow = take(&r, sizeof *nslow, 1, NULL, 0)))
		pf->nslow = (size_t)*nslow;
	free(nslow);
	pf->op_at = take(&r, sizeof *pf->op_at, pf->ninc + 1, NULL, 0);
	pf->ops = take(&r, sizeof *pf->ops, SIZE_MAX, &nops, 1);
	pf->any_piece = take(&r, 1, pf->ninc, NULL, 1);
	restore_pieces(&r, pf);
	pf->users_at = take(&r, sizeof *pf->users_at, pf->npieces + 2, NULL, 0);
	pf->users = take(&r, sizeof *pf->users, SIZE_MAX, &nusers, 1);
	pf->head_at = take(&r, sizeof *pf->head_at, pf->npat + 1, NULL, 0);
	pf->heads = take(&r, sizeof *pf->heads, SIZE_MAX, &nheads, 1);
	pf->reach = take(&r, sizeof *pf->reach, pf->npat + 1, NULL, 0);
	pf->gaps = take(&r, sizeof *pf->gaps, 4 * (pf->npat + 1), NULL, 0);
	pf->ngaps = take(&r, 1, pf->npat + 1, NULL, 0);
	pf->wb = take(&r, 1, pf->npat + 1, NULL, 0);
	pf->hwork = take(&r, sizeof *pf->hwork, pf->npat + 1, NULL, 0);
	pf->is_head = take(&r, 1, pf->npieces + 1, NULL, 0);
	restore_lits(&r, pf);
	if (!r.why && (bad = check(pf, nops, nusers, nheads)))
		rd_fail(&r, bad);
	if (!r.why && !(pf->single = calloc(pf->npieces + 2, sizeof *pf->single)))
		rd_fail(&r, "out of memory");
	for (size_t k = 0; !r.why && k < pf->npieces; k++)
		if (pf->pieces[k].n == 1)
			pf->single[pf->nsingle++] = (uint32_t)k;
	if (!r.why && prefilter_gap_sets(pf) < 0)
		rd_fail(&r, "out of memory");
	restore_db(&r, pf);
	if (r.why) {
		err_set(e, strcmp(r.why, "out of memory") ? EXIT_DATA : EXIT_SYSTEM, "%s", r.why);
		prefilter_free(pf);
		return NULL;
	}
	return pf;
}
