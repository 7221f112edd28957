/*
 * prefilter.c: reading patterns for the text any match must contain, and
 * finding that text in answers with one Vectorscan pass.
 *
 * Why not Vectorscan's own HS_FLAG_PREFILTER mode on the patterns:
 * compiling the sample rule set that way takes over 40 seconds (bounded
 * gaps such as [^.!?\n]{0,60} and Unicode word boundaries make very large
 * automata), and Vectorscan's Unicode tables are not PCRE2's, so on rare
 * characters its \w and case folding could rule out a pattern that PCRE2
 * matches. Plain pieces of text compile in milliseconds, are found faster
 * than any pattern, and are matched on bytes with ASCII case only, so what
 * has to be right is the reading of the patterns, which is done here.
 *
 * Each part of a pattern is read as either a small set of strings, one of
 * which it matches exactly ("fees?" gives {"fee", "fees"}, "[&+]" gives
 * {"&", "+"}, "['’]" gives {"'", "’"}), or a condition on the text: AND and
 * OR over pieces of text that must occur in any text the part matches.
 * Every rule of the reading only widens what is accepted: an assertion
 * (\b, a lookaround, an anchor) matches "anything", so does a character
 * class of many characters, an escape such as \w, a character outside
 * ASCII whose case can change and a repeat beyond its first copies; of a
 * condition with many parts only the two most selective are kept; a piece
 * with fewer than MINLEN characters (or, case-sensitive, two capitals)
 * says too little and is no condition at all, unless it is rare in English
 * text ("GP", "8", "&"; see char_share()). A construct the reader does not
 * know (back references, recursion, (?x), ...) makes the pattern slow: it
 * is run on every answer, and `analyser rules check` says so.
 *
 * Pieces are looked for ignoring ASCII case unless the pattern is
 * case-sensitive there. The only way that can miss what PCRE2 matches is
 * that PCRE2 folds two characters outside ASCII onto ASCII letters (U+017F
 * onto "s", U+212A onto "k"); an answer with either gets every pattern,
 * each from the beginning.
 *
 * Where PCRE2 is started. Most patterns begin with fixed text, their head
 * ("\b(?:car\s*)?park" with "car" or "park"), found within a bounded
 * number of bytes of where any match starts, or after gaps of repeated
 * characters walked back over in the answer ("A\s*&"). Vectorscan reports
 * every place of a head, so PCRE2 is run only in the windows before those
 * places, in order, each bounded by an offset limit: it gives the match
 * trying every place would, as no match can start elsewhere. A try at a
 * place left out is little work (a head_of() bound), so it could not have
 * hit the match limit either: the result, errors included, is the same.
 * That holds for excludes too, which are also run only near their heads.
 *
 * Where PCRE2 is not needed. A pattern that is only strings and whose head
 * is where its matches start (prefilter_lit.c) is settled by comparing its
 * strings at the places its heads were found, in order; PCRE2 is run as
 * above only where that comparison cannot tell.
 */
#include "prefilter.h"

#include <assert.h>
#include <hs/hs.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prefilter_internal.h"
#include "strbuf.h"
#include "utf8.h"

#define OCCMAX 1024   /* places of heads kept for one answer */
#define MAXWIN 8      /* places of a pattern's heads tried one by one */
#define GAPWORK 10000 /* the same where a head comes after gaps (see near_heads()) */
#define NONE UINT32_MAX

const unsigned prefilter_ascii_folds[] = { 0x017F, 0x212A, 0 };

/* ---------------------------------------------------------------------
 * The prefilter: pieces, conditions, the Vectorscan database.
 */

struct prefilter_scratch {
	const struct prefilter *pf;
	hs_scratch_t *hs;
	pcre2_match_data *md;
	uint32_t stamp;      /* this answer's number */
	uint32_t *seen;      /* per piece: the stamp when last found */
	size_t *first;       /* per piece, once seen: where it first starts */
	uint32_t *occ_last;  /* per head piece, once seen: its last place in occ_pos */
	uint32_t *occ_pos;   /* where heads start, in the order found, */
	uint32_t *occ_next;  /* each with the one before of the same piece (NONE) */
	size_t nocc;
	int occ_full;        /* more than OCCMAX: only `first` is known */
	pcre2_match_context *mctx; /* the set's limits, and where a match may start */
	uint32_t *tried;     /* per include: the stamp when its condition was last checked */
	uint32_t *found;     /* pieces found in this answer */
	size_t nfound;
	int every;           /* the answer needs every pattern */
	uint32_t *gap_stamp; /* per set of gap bytes: the stamp when its longest run was found, */
	size_t *gap_longest; /* and that run (see near_heads()) */
	uint64_t *cand;      /* includes to run */
	uint64_t *themes;    /* themes to try */
	struct prefilter_stats *stats; /* NULL: not counting */
};

/* Building: the pieces so far, the ops and the heads. */
struct build {
	struct prefilter *pf;
	size_t cap_pieces, nops, cap_ops, nheads, cap_heads;
	uint32_t *ops, *heads;
};

/* The number of piece `s`, or -1 if it is not one yet. */
static long piece_find(const struct prefilter *pf, const struct str *s)
{
	for (size_t i = 0; i < pf->npieces; i++)
		if (str_eq(&pf->pieces[i], s))
			return (long)i;
	return -1;
}

static long piece_id(struct build *b, const struct str *s)
{
	struct prefilter *pf = b->pf;
	long found = piece_find(pf, s);
	tok *copy;

	if (found >= 0)
		return found;
	if (ALLOC_GROW(pf->pieces, pf->npieces + 1, b->cap_pieces) < 0)
		return -1;
	if (!(copy = malloc(s->n * sizeof *copy)))
		return -1;
	memcpy(copy, s->t, s->n * sizeof *copy);
	pf->pieces[pf->npieces].t = copy;
	pf->pieces[pf->npieces].n = s->n;
	return (long)pf->npieces++;
}

/* Adds piece `s` to the heads of the pattern being built. */
static int add_head(struct build *b, const struct str *s)
{
	long id = piece_id(b, s);

	if (id < 0)
		return -1;
	if (ALLOC_GROW(b->heads, b->nheads + 1, b->cap_heads) < 0)
		return -1;
	b->heads[b->nheads++] = (uint32_t)id;
	return 0;
}

/*
 * The head of pattern `k` (from read_pattern()), if it has one worth using:
 * a short piece costs the scan of every answer, so only one a condition
 * has already. 1 if it is used, 0 if not, -1 out of memory.
 */
static int add_heads(struct build *b, size_t k, const struct info *h)
{
	struct prefilter *pf = b->pf;

	if (!h->head)
		return 0;
	for (size_t i = 0; i < h->head->n; i++)
		if (piece_weight(&h->head->v[i]) < MINLEN && piece_find(pf, &h->head->v[i]) < 0)
			return 0;
	for (size_t i = 0; i < h->head->n; i++)
		if (add_head(b, &h->head->v[i]) < 0)
			return -1;
	pf->reach[k] = h->reach;
	pf->ngaps[k] = (unsigned char)h->ngaps;
	pf->wb[k] = h->wb && !h->reach && !h->ngaps;
	pf->hwork[k] = h->hwork;
	if (h->gap)
		memcpy(pf->gaps + 4 * k, h->gap, 4 * sizeof *pf->gaps);
	return 1;
}

static int emit(struct build *b, uint32_t op)
{
	if (ALLOC_GROW(b->ops, b->nops + 1, b->cap_ops) < 0)
		return -1;
	b->ops[b->nops++] = op;
	return 0;
}

/* Emits `f` in prefix order; 0, or -1 out of memory. */
static int emit_form(struct build *b, const struct form *f)
{
	size_t at = b->nops;

	if (f->kind == F_LIT) {
		long id = piece_id(b, &f->lit);

		if (id < 0 || (uint32_t)id > OP_ARG(UINT32_MAX))
			return -1;
		return emit(b, (uint32_t)OP_LIT << 30 | (uint32_t)id);
	}
	if (emit(b, 0) < 0)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (emit_form(b, f->kid[i]) < 0)
			return -1;
	/* Sizes are bounded by MAXOPS. */
	b->ops[at] = (uint32_t)(f->kind == F_AND ? OP_AND : OP_OR) << 30 | (uint32_t)f->n << 20 |
		     (uint32_t)(b->nops - at);
	return 0;
}


static void set_bit(uint64_t *v, size_t i)
{
	v[i / 64] |= (uint64_t)1 << (i % 64);
}

/* How often the condition at `o` holds (see form_share()). */
static double op_share(const struct prefilter *pf, const uint32_t *o)
{
	uint32_t op = *o;
	double p = OP_KIND(op) == OP_AND ? 1 : 0, q;

	if (OP_KIND(op) == OP_LIT)
		return piece_share(&pf->pieces[OP_ARG(op)]);
	o++;
	for (uint32_t k = 0; k < OP_KIDS(op); k++, o += OP_SIZE(*o)) {
		q = op_share(pf, o);
		p = OP_KIND(op) == OP_AND ? (q < p ? q : p) : p + q;
	}
	return p < 1 ? p : 1;
}

/*
 * Puts in ids[*n ...] (counting them in *n) the pieces whose finding can
 * make the condition at `o` hold: all of an OR's, those of the rarest part
 * of an AND (without it the AND cannot hold; the commoner parts would
 * only have it checked more often).
 */
static void triggers(const struct prefilter *pf, const uint32_t *o, uint32_t *ids, size_t *n)
{
	uint32_t op = *o;
	const uint32_t *best = NULL;
	double least = 2;

	if (OP_KIND(op) == OP_LIT) {
		if (ids)
			ids[*n] = OP_ARG(op);
		++*n;
		return;
	}
	o++;
	for (uint32_t k = 0; k < OP_KIDS(op); k++, o += OP_SIZE(*o)) {
		double q;

		if (OP_KIND(op) == OP_OR)
			triggers(pf, o, ids, n);
		else if ((q = op_share(pf, o)) < least)
			least = q, best = o;
	}
	if (best)
		triggers(pf, best, ids, n);
}

/* Fills users: for each piece, the includes its finding can make candidates (once each). */
static int index_users(struct prefilter *pf)
{
	size_t *last = malloc((pf->npieces + 1) * sizeof *last), total = 0, most = 0, n;
	uint32_t *ids;

	for (size_t i = 0; i < pf->ninc; i++)
		if (pf->op_at[i + 1] - pf->op_at[i] > most)
			most = pf->op_at[i + 1] - pf->op_at[i];
	ids = malloc((most + 1) * sizeof *ids);
	pf->users_at = calloc(pf->npieces + 2, sizeof *pf->users_at);
	if (!last || !ids || !pf->users_at) {
		free(last);
		free(ids);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < pf->npieces; k++)
			last[k] = SIZE_MAX;
		for (size_t i = 0; i < pf->ninc; i++) {
			n = 0;
			if (pf->op_at[i + 1] > pf->op_at[i])
				triggers(pf, pf->ops + pf->op_at[i], ids, &n);
			assert(n <= most + 1);
			for (size_t k = 0; k < n; k++) {
				size_t id = ids[k];

				assert(id < pf->npieces);
				if (last[id] == i)
					continue;
				last[id] = i;
				if (pass == 0) {
					pf->users_at[id + 2]++;
				} else {
					assert(pf->users_at[id + 1] < total);
					pf->users[pf->users_at[id + 1]++] = (uint32_t)i;
				}
			}
		}
		if (pass == 0) {
			/* users_at[k + 1] is where piece k's users start; filling moves it to the end. */
			for (size_t k = 0; k < pf->npieces; k++) {
				total += pf->users_at[k + 2];
				pf->users_at[k + 2] += pf->users_at[k + 1];
			}
			if (!(pf->users = malloc((total ? total : 1) * sizeof *pf->users))) {
				free(last);
				free(ids);
				return -1;
			}
		}
	}
	free(last);
	free(ids);
	return 0;
}

/*
 * The parts every prefilter of `rs` has, whatever is read from the patterns:
 * its counts, and each pattern by number with its theme. 0, or -1 out of memory.
 */
int prefilter_shape(struct prefilter *pf, const struct ruleset *rs)
{
	pf->rs = rs;
	pf->ninc = pf->npat = rs->nincludes;
	for (size_t t = 0; t < rs->nthemes; t++)
		pf->npat += rs->themes[t].nexcludes;
	pf->words = (pf->ninc + 63) / 64 + 1;
	pf->theme_words = (rs->nthemes + 63) / 64 + 1;
	pf->pat = calloc(pf->npat + 1, sizeof *pf->pat);
	pf->inc_theme = calloc(pf->ninc + 1, sizeof *pf->inc_theme);
	pf->first_exclude = calloc(rs->nthemes + 1, sizeof *pf->first_exclude);
	pf->why = calloc(pf->ninc + 1, sizeof *pf->why);
	if (!pf->pat || !pf->inc_theme || !pf->first_exclude || !pf->why)
		return -1;
	for (size_t t = 0, g = 0; t < rs->nthemes; t++)
		for (size_t i = 0; i < rs->themes[t].nincludes; i++, g++) {
			pf->pat[g] = &rs->themes[t].includes[i];
			pf->inc_theme[g] = t;
		}
	for (size_t t = 0, x = 0; t < rs->nthemes; t++) {
		pf->first_exclude[t] = x;
		for (size_t i = 0; i < rs->themes[t].nexcludes; i++, x++)
			pf->pat[pf->ninc + x] = &rs->themes[t].excludes[i];
	}
	return 0;
}

/*
 * The sets of gap bytes, each once, from pf->gaps and pf->ngaps: an answer's
 * longest run of each is found once. 0, or -1 out of memory.
 */
int prefilter_gap_sets(struct prefilter *pf)
{
	if (!(pf->gap_set = calloc(pf->npat + 1, sizeof *pf->gap_set)))
		return -1;
	for (size_t k = 0; k < pf->npat; k++) {
		size_t j = 0;

		if (!pf->ngaps[k])
			continue;
		while (j < k && (!pf->ngaps[j] ||
				 memcmp(pf->gaps + 4 * j, pf->gaps + 4 * k, 4 * sizeof *pf->gaps)))
			j++;
		pf->gap_set[k] = j < k ? pf->gap_set[j] : (uint32_t)pf->ngap_sets++;
	}
	if (!(pf->gap_byte = calloc(256 * pf->ngap_sets + 1, 1)))
		return -1;
	for (size_t k = 0; k < pf->npat; k++)
		for (unsigned c = 0; pf->ngaps[k] && c < 256; c++)
			pf->gap_byte[256 * pf->gap_set[k] + c] = pf->gaps[4 * k + c / 64] >> (c % 64) & 1;
	return 0;
}

/*
 * The pieces as Vectorscan literals: ignoring case where any letter does.
 * Pieces of one byte are left to memchr() (they slow Vectorscan down).
 */
static int compile_pieces(struct prefilter *pf, struct err *e)
{
	size_t n = 0, cap = pf->npieces + 2;
	char **expr = calloc(cap, sizeof *expr);
	unsigned *flags = calloc(cap, sizeof *flags), *ids = calloc(cap, sizeof *ids);
	size_t *lens = calloc(cap, sizeof *lens);
	hs_compile_error_t *ce = NULL;
	int ok = -1;

	if (!expr || !flags || !ids || !lens || !(pf->single = calloc(cap, sizeof *pf->single)))
		goto oom;
	for (size_t i = 0; i < cap; i++) {
		if (i >= pf->npieces) { /* U+017F and U+212A, in UTF-8 */
			ids[n] = (unsigned)i;
			flags[n] = HS_FLAG_SINGLEMATCH;
			if (!(expr[n] = strdup(i == pf->npieces ? "\xc5\xbf" : "\xe2\x84\xaa")))
				goto oom;
			lens[n] = strlen(expr[n]);
			n++;
			continue;
		}
		if (pf->pieces[i].n == 1) {
			pf->single[pf->nsingle++] = (uint32_t)i;
			continue;
		}
		ids[n] = (unsigned)i;
		/* Of a head every place is wanted, to keep the first. */
		flags[n] = pf->is_head[i] ? 0 : HS_FLAG_SINGLEMATCH;
		if (!(expr[n] = malloc(pf->pieces[i].n + 1)))
			goto oom;
		for (size_t k = 0; k < pf->pieces[i].n; k++) {
			expr[n][k] = (char)(pf->pieces[i].t[k] & 0xFF);
			if (pf->pieces[i].t[k] & T_FOLD)
				flags[n] |= HS_FLAG_CASELESS;
		}
		lens[n] = pf->pieces[i].n;
		n++;
	}
	if (hs_compile_lit_multi((const char *const *)expr, flags, ids, lens, (unsigned)n,
				 HS_MODE_BLOCK, NULL, &pf->db, &ce) != HS_SUCCESS) {
		err_set(e, EXIT_SYSTEM, "the prefilter does not compile: %s",
			ce ? ce->message : "unknown error");
		hs_free_compile_error(ce);
		pf->db = NULL;
		goto out;
	}
	if (hs_alloc_scratch(pf->db, &pf->proto) != HS_SUCCESS)
		goto oom;
	ok = 0;
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory for the prefilter");
out:
	for (size_t i = 0; expr && i < cap; i++)
		free(expr[i]);
	free(expr);
	free(flags);
	free(ids);
	free(lens);
	return ok;
}

struct prefilter *prefilter_build(const struct ruleset *rs, struct err *e)
{
	struct prefilter *pf = calloc(1, sizeof *pf);
	struct build b = { pf, 0, 0, 0, 0, 0, NULL, NULL };
	struct arena a = { NULL, 0 };
	struct info *h = NULL;
	size_t g = 0;

	if (!pf)
		goto oom;
	if (prefilter_shape(pf, rs) < 0)
		goto oom;
	pf->op_at = calloc(pf->ninc + 1, sizeof *pf->op_at);
	pf->head_at = calloc(pf->npat + 1, sizeof *pf->head_at);
	pf->reach = calloc(pf->npat + 1, sizeof *pf->reach);
	pf->gaps = calloc(4 * (pf->npat + 1), sizeof *pf->gaps);
	pf->ngaps = calloc(pf->npat + 1, sizeof *pf->ngaps);
	pf->wb = calloc(pf->npat + 1, sizeof *pf->wb);
	pf->hwork = calloc(pf->npat + 1, sizeof *pf->hwork);
	pf->always = calloc(pf->words, sizeof *pf->always);
	pf->always_themes = calloc(pf->theme_words, sizeof *pf->always_themes);
	if (!pf->op_at || !pf->head_at || !pf->reach || !pf->gaps || !pf->ngaps || !pf->wb || !pf->hwork ||
	    !pf->always || !pf->always_themes)
		goto oom;
	/* Each pattern's head two ways: from read_pattern(), and with any string. */
	if (!(h = calloc(2 * (pf->npat + 1), sizeof *h)))
		goto oom;
	for (size_t t = 0; t < rs->nthemes; t++)
		for (size_t i = 0; i < rs->themes[t].nincludes; i++, g++) {
			const struct rule_pattern *pat = &rs->themes[t].includes[i];
			struct form *f;

			h[2 * g] = info_anything;
			f = read_pattern(&a, pat, &pf->why[g], &h[2 * g]);
			read_head_any(&a, pat, &h[2 * g + 1]);
			pf->op_at[g] = b.nops;
			if (!f) {
				if (a.oom)
					goto oom;
				set_bit(pf->always, g);
				set_bit(pf->always_themes, t);
				pf->nslow++;
				continue;
			}
			if (emit_form(&b, f) < 0)
				goto oom;
			pf->why[g] = NULL;
		}
	pf->op_at[g] = b.nops;
	for (size_t t = 0, x = 0; t < rs->nthemes; t++) {
		for (size_t i = 0; i < rs->themes[t].nexcludes; i++, x++) {
			size_t k = pf->ninc + x;
			const char *why = NULL;

			h[2 * k] = info_anything;
			read_pattern(&a, pf->pat[k], &why, &h[2 * k]);
			read_head_any(&a, pf->pat[k], &h[2 * k + 1]);
			if (a.oom)
				goto oom;
		}
	}
	/* With all the conditions' pieces known, the heads. */
	for (size_t k = 0; k < pf->npat; k++) {
		int rc;

		pf->head_at[k] = b.nheads;
		pf->reach[k] = NOLEN;
		if ((rc = add_heads(&b, k, &h[2 * k + 1])) == 0)
			rc = add_heads(&b, k, &h[2 * k]);
		if (rc < 0)
			goto oom;
	}
	pf->head_at[pf->npat] = b.nheads;
	if (!(pf->lit = calloc(pf->npat + 1, sizeof *pf->lit)))
		goto oom;
	for (size_t k = 0; k < pf->npat; k++) {
		struct lit_pattern lp;

		/* (A set that loaded has every pattern's source, compiled or not yet.) */
		if (pf->reach[k] || pf->ngaps[k] || !pf->pat[k]->source ||
		    !lit_read(pf->pat[k]->source, pf->pat[k]->caseless, &lp))
			continue;
		if (!(pf->lit[k] = malloc(sizeof lp)))
			goto oom;
		*pf->lit[k] = lp;
	}
	if (prefilter_gap_sets(pf) < 0)
		goto oom;
	free(h);
	h = NULL;
	pf->ops = b.ops;
	pf->heads = b.heads;
	b.ops = b.heads = NULL;
	arena_free(&a);
	if (!(pf->is_head = calloc(pf->npieces + 1, 1)) || !(pf->any_piece = calloc(g + 1, 1)))
		goto oom;
	for (size_t i = 0; i < g; i++) {
		size_t from = pf->op_at[i], to = pf->op_at[i + 1], k = from + 1;

		while (k < to && OP_KIND(pf->ops[k]) == OP_LIT)
			k++;
		pf->any_piece[i] = to > from && k == to &&
				   (to == from + 1 || OP_KIND(pf->ops[from]) == OP_OR);
	}
	for (size_t k = 0; k < pf->head_at[pf->npat]; k++)
		pf->is_head[pf->heads[k]] = 1;
	if (index_users(pf) < 0)
		goto oom;
	if (pf->npieces && compile_pieces(pf, e) < 0) {
		prefilter_free(pf);
		return NULL;
	}
	return pf;
oom:
	arena_free(&a);
	free(h);
	free(b.ops);
	free(b.heads);
	prefilter_free(pf);
	err_set(e, EXIT_SYSTEM, "out of memory building the prefilter");
	return NULL;
}

void prefilter_free(struct prefilter *pf)
{
	if (!pf)
		return;
	hs_free_scratch(pf->proto);
	hs_free_database(pf->db);
	for (size_t i = 0; i < pf->npieces; i++)
		free((void *)pf->pieces[i].t);
	free(pf->pieces);
	free(pf->users_at);
	free(pf->users);
	free(pf->ops);
	free(pf->op_at);
	free(pf->head_at);
	free(pf->heads);
	free(pf->reach);
	free(pf->gaps);
	free(pf->ngaps);
	free(pf->gap_set);
	free(pf->gap_byte);
	free(pf->wb);
	free(pf->hwork);
	for (size_t k = 0; pf->lit && k < pf->npat; k++)
		free(pf->lit[k]);
	free(pf->lit);
	free(pf->is_head);
	free(pf->any_piece);
	free(pf->single);
	free(pf->pat);
	free(pf->inc_theme);
	free(pf->first_exclude);
	free(pf->why);
	free(pf->always);
	free(pf->always_themes);
	free(pf->why_text);
	free(pf);
}

size_t prefilter_nslow(const struct prefilter *pf)
{
	return pf->nslow;
}

const struct rule_pattern *prefilter_slow(const struct prefilter *pf, size_t i, const char **why)
{
	for (size_t g = 0; g < pf->ninc; g++)
		if (pf->why[g] && i-- == 0) {
			*why = pf->why[g];
			return pf->pat[g];
		}
	return NULL;
}

size_t prefilter_npieces(const struct prefilter *pf)
{
	return pf->npieces;
}

struct prefilter_scratch *prefilter_scratch_new(const struct prefilter *pf, struct err *e)
{
	struct prefilter_scratch *s = calloc(1, sizeof *s);

	if (!s)
		goto oom;
	s->pf = pf;
	s->md = pcre2_match_data_create(1, NULL);
	s->seen = calloc(pf->npieces + 1, sizeof *s->seen);
	s->first = calloc(pf->npieces + 1, sizeof *s->first);
	s->occ_last = calloc(pf->npieces + 1, sizeof *s->occ_last);
	s->occ_pos = calloc(OCCMAX, sizeof *s->occ_pos);
	s->occ_next = calloc(OCCMAX, sizeof *s->occ_next);
	s->mctx = pcre2_match_context_copy(pf->rs->mctx);
	s->found = calloc(pf->npieces + 1, sizeof *s->found);
	s->tried = calloc(pf->ninc + 1, sizeof *s->tried);
	s->cand = calloc(pf->words, sizeof *s->cand);
	s->themes = calloc(pf->theme_words, sizeof *s->themes);
	s->gap_stamp = calloc(pf->ngap_sets + 1, sizeof *s->gap_stamp);
	s->gap_longest = calloc(pf->ngap_sets + 1, sizeof *s->gap_longest);
	if (!s->gap_stamp || !s->gap_longest || !s->md || !s->seen || !s->first || !s->occ_last || !s->occ_pos ||
	    !s->occ_next || !s->mctx || !s->found || !s->tried || !s->cand || !s->themes)
		goto oom;
	if (pf->proto && hs_clone_scratch(pf->proto, &s->hs) != HS_SUCCESS)
		goto oom;
	return s;
oom:
	prefilter_scratch_free(s);
	err_set(e, EXIT_SYSTEM, "out of memory");
	return NULL;
}

void prefilter_scratch_free(struct prefilter_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	free(s->seen);
	free(s->first);
	free(s->occ_last);
	free(s->occ_pos);
	free(s->occ_next);
	pcre2_match_context_free(s->mctx);
	free(s->found);
	free(s->tried);
	free(s->cand);
	free(s->themes);
	free(s->gap_stamp);
	free(s->gap_longest);
	free(s);
}

/* Piece `id` starts at byte `from`. */
static void found_at(struct prefilter_scratch *s, unsigned id, size_t from)
{
	assert(id < s->pf->npieces);
	if (s->seen[id] != s->stamp) {
		assert(s->nfound < s->pf->npieces);
		s->seen[id] = s->stamp;
		s->first[id] = (size_t)from;
		s->found[s->nfound++] = id;
		s->occ_last[id] = NONE;
	} else if (from < s->first[id]) {
		s->first[id] = (size_t)from;
	}
	if (s->pf->is_head[id]) {
		if (s->nocc == OCCMAX) {
			s->occ_full = 1;
		} else {
			assert(s->nocc < OCCMAX && from <= UINT32_MAX);
			s->occ_pos[s->nocc] = (uint32_t)from;
			s->occ_next[s->nocc] = s->occ_last[id];
			s->occ_last[id] = (uint32_t)s->nocc++;
		}
	}
}

static int on_piece(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	struct prefilter_scratch *s = ctx;

	(void)from;
	(void)flags;
	if (id >= s->pf->npieces) {
		s->every = 1;
		return 1; /* no need to look further */
	}
	if (to < s->pf->pieces[id].n) { /* pieces and database disagree (a damaged cache) */
		s->every = 1;
		return 1;
	}
	found_at(s, id, to - s->pf->pieces[id].n); /* a piece is as long in the text as it is */
	return 0;
}

static int on_nothing(unsigned int id, unsigned long long from, unsigned long long to,
		      unsigned int flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	(void)ctx;
	return 0;
}

int prefilter_scan_only(const struct prefilter *pf, struct prefilter_scratch *s,
			const char *text, size_t len)
{
	if (!pf->db || len > UINT_MAX)
		return 0;
	return hs_scan(pf->db, text, (unsigned int)len, 0, s->hs, on_nothing, NULL) == HS_SUCCESS ?
		       0 : -1;
}

/* The pieces of one byte, with memchr(): the first place, or all for a head. */
static void find_single(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
			size_t len)
{
	for (size_t k = 0; k < pf->nsingle; k++) {
		uint32_t id = pf->single[k];
		tok t = pf->pieces[id].t[0];

		for (int c = 0; c < 1 + !!(t & T_FOLD); c++) {
			int b = c ? (t & 0xFF) ^ 0x20 : t & 0xFF; /* a letter ignoring case: both */
			const char *p = text, *end = text + len;

			while (p < end && (p = memchr(p, b, (size_t)(end - p)))) {
				found_at(s, id, (size_t)(p - text));
				if (!pf->is_head[id])
					break;
				p++;
			}
		}
	}
}

/* Whether the condition at `o` holds for the pieces found; AND and OR stop once they know. */
static int holds(const uint32_t *o, const struct prefilter_scratch *s)
{
	uint32_t op = *o;
	int all;

	if (OP_KIND(op) == OP_LIT) {
		assert(OP_ARG(op) < s->pf->npieces);
		return s->seen[OP_ARG(op)] == s->stamp;
	}
	all = OP_KIND(op) == OP_AND;
	o++;
	for (uint32_t k = 0; k < OP_KIDS(op); k++) {
		if (holds(o, s) != all)
			return !all;
		o += OP_SIZE(*o);
	}
	return all;
}

/* Whether pattern `k` can match: it has no head, or one of its heads was found. */
static int head_found(const struct prefilter *pf, const struct prefilter_scratch *s, size_t k)
{
	if (pf->reach[k] == NOLEN)
		return 1;
	assert(k < pf->npat);
	for (size_t i = pf->head_at[k]; i < pf->head_at[k + 1]; i++) {
		assert(pf->heads[i] < pf->npieces);
		if (s->seen[pf->heads[i]] == s->stamp)
			return 1;
	}
	return 0;
}

/* Chooses the includes and themes to try on `text`. */
static void choose(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		   size_t len)
{
	memcpy(s->cand, pf->always, pf->words * sizeof *s->cand);
	memcpy(s->themes, pf->always_themes, pf->theme_words * sizeof *s->themes);
	s->nfound = 0;
	s->nocc = 0;
	s->occ_full = 0;
	s->every = len > UINT_MAX;
	if (++s->stamp == 0) { /* wrapped: forget the old stamps */
		memset(s->seen, 0, pf->npieces * sizeof *s->seen);
		memset(s->tried, 0, pf->ninc * sizeof *s->tried);
		memset(s->gap_stamp, 0, pf->ngap_sets * sizeof *s->gap_stamp);
		s->stamp = 1;
	}
	if (pf->db && !s->every &&
	    hs_scan(pf->db, text, (unsigned int)len, 0, s->hs, on_piece, s) != HS_SUCCESS)
		s->every = 1; /* stopped by a folding character, or failed: try everything */
	if (!s->every)
		find_single(pf, s, text, len);
	if (s->every) {
		memset(s->cand, 0xFF, pf->words * sizeof *s->cand);
		memset(s->themes, 0xFF, pf->theme_words * sizeof *s->themes);
		return;
	}
	for (size_t f = 0; f < s->nfound; f++) {
		uint32_t id = s->found[f];

		assert(id < pf->npieces);
		for (size_t u = pf->users_at[id]; u < pf->users_at[id + 1]; u++) {
			uint32_t i = pf->users[u];

			assert(i < pf->ninc && pf->inc_theme[i] < 64 * pf->theme_words);
			if (s->tried[i] == s->stamp)
				continue;
			s->tried[i] = s->stamp;
			if (s->stats)
				s->stats->checks++;
			/* Found through one of its pieces, "one of them" holds. */
			if ((!pf->any_piece[i] && !holds(pf->ops + pf->op_at[i], s)) ||
			    !head_found(pf, s, i))
				continue;
			set_bit(s->cand, i);
			set_bit(s->themes, pf->inc_theme[i]);
		}
	}
}

void prefilter_scratch_count(struct prefilter_scratch *s, struct prefilter_stats *st)
{
	s->stats = st;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000u + (unsigned long long)ts.tv_nsec;
}

/* Counts include `g` (or an exclude, g SIZE_MAX) tried, which gave `rc`. */
static void count(const struct prefilter *pf, struct prefilter_stats *st, size_t g, int rc,
		  unsigned long long since)
{
	unsigned long long ns = now_ns() - since;

	if (g == SIZE_MAX) {
		st->excludes++;
		st->excluded += rc > 0;
		st->ns_excludes += ns;
		return;
	}
	st->includes++;
	st->missed += rc == 0;
	st->slow += pf->why[g] != NULL;
	st->ns_includes += ns;
	if (rc == 0)
		st->ns_missed += ns;
	if (st->runs)
		st->runs[g]++;
	if (st->misses)
		st->misses[g] += rc == 0;
	if (st->ns)
		st->ns[g] += ns;
}

/*
 * One pattern from byte `from`, a match starting at `upto` at the latest
 * (PCRE2_UNSET: anywhere): 1 with its span in *start, *end (if `start`),
 * 0 without, -1 when it gave up.
 */
static int run(struct prefilter_scratch *s, const struct rule_pattern *pat, const char *text,
	       size_t len, size_t from, size_t upto, size_t *start, size_t *end)
{
	const pcre2_code *code = rules_pattern_code(pat); /* compiled on first use */
	int rc;

	if (!code)
		return -1;
	pcre2_set_offset_limit(s->mctx, upto);
	/* The text is valid UTF-8 and `from` starts a character: no checks needed. */
	if (pat->jit)
		rc = pcre2_jit_match(code, (PCRE2_SPTR)text, len, from, PCRE2_NO_UTF_CHECK,
				     s->md, s->mctx);
	else
		rc = pcre2_match(code, (PCRE2_SPTR)text, len, from, PCRE2_NO_UTF_CHECK, s->md,
				 s->mctx);
	if (s->stats)
		s->stats->calls++;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	if (start) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);

		*start = ov[0];
		*end = ov[1];
	}
	return 1;
}

/* The first character at or before byte `at` of valid UTF-8 `text`. */
static size_t char_start(const char *text, size_t at)
{
	while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
		at--;
	return at;
}

/*
 * Whether pattern `g` may be tried near its heads only: it has heads, and
 * where none is within reach a try is little work. With gaps, such a try
 * can take each gap along a run of its bytes, so the longest such run in
 * the text must be short enough to keep that far below the match limit.
 * That run is found once an answer for each set of gap bytes.
 */
static int near_heads(const struct prefilter *pf, struct prefilter_scratch *s, size_t g,
		      const char *text, size_t len)
{
	double work = pf->hwork[g];
	size_t run = 0, longest = 0, set = pf->gap_set[g];

	if (pf->reach[g] == NOLEN)
		return 0;
	for (int k = 0; k < pf->ngaps[g]; k++)
		work *= (double)len + 1;
	if (work <= GAPWORK) /* the whole text as the run: no need to look */
		return 1;
	if (!pf->ngaps[g]) /* no gaps: the work is hwork whatever the text */
		return 0;
	work = pf->hwork[g];
	assert(set < pf->ngap_sets);
	if (s->gap_stamp[set] == s->stamp) {
		longest = s->gap_longest[set];
	} else {
		const unsigned char *in = pf->gap_byte + 256 * set;

		for (size_t i = 0; i < len; i++) { /* without a branch on each byte */
			run = (run + 1) & ((size_t)0 - in[(unsigned char)text[i]]);
			longest = run > longest ? run : longest;
		}
		s->gap_stamp[set] = s->stamp;
		s->gap_longest[set] = longest;
	}
	for (int k = 0; k < pf->ngaps[g]; k++)
		work *= (double)longest + 1;
	return work <= GAPWORK;
}

static int word_byte(unsigned char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
 * Whether \b may hold at byte `p` of `text`: surely not if both sides are
 * ASCII and both are or are not word characters (as PCRE2 has them with
 * Unicode properties too). Next to a character outside ASCII: maybe.
 */
static int may_be_boundary(const char *text, size_t len, size_t p)
{
	unsigned char before = p ? (unsigned char)text[p - 1] : 0;
	unsigned char after = p < len ? (unsigned char)text[p] : 0;

	return before >= 0x80 || after >= 0x80 || word_byte(before) != word_byte(after);
}

/* Where a match with its head at `p` can start at the earliest. */
static size_t window_start(const struct prefilter *pf, size_t g, const char *text, size_t p)
{
	const uint64_t *gap = pf->gaps + 4 * g;

	assert(g < pf->npat);
	if (pf->ngaps[g])
		while (p > 0 && (gap[(unsigned char)text[p - 1] / 64] >>
				 ((unsigned char)text[p - 1] % 64) & 1))
			p--;
	return p > pf->reach[g] ? p - pf->reach[g] : 0;
}

/*
 * Pattern `k`, only strings (pf->lit[k]), at the places its heads start,
 * which are where its matches can start: the first place one matches
 * gives the match, as PCRE2 would. 1 with its span, 0 if none matches, -1
 * when PCRE2 must say (too many places, or lit_match_at() cannot tell).
 */
static int run_literal(const struct prefilter *pf, const struct prefilter_scratch *s, size_t k,
		       const char *text, size_t len, size_t *start, size_t *end)
{
	size_t at[MAXWIN], n = 0, stop;

	if (s->occ_full)
		return -1;
	for (size_t i = pf->head_at[k]; i < pf->head_at[k + 1]; i++) {
		uint32_t h = pf->heads[i];

		if (s->seen[h] != s->stamp)
			continue;
		for (uint32_t o = s->occ_last[h]; o != NONE; o = s->occ_next[o]) {
			size_t p = s->occ_pos[o], j = n;

			if (n == MAXWIN)
				return -1;
			while (j > 0 && at[j - 1] > p) /* in order of place */
				j--;
			memmove(at + j + 1, at + j, (n - j) * sizeof *at);
			at[j] = p;
			n++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int rc = lit_match_at(pf->lit[k], text, len, at[i], &stop);

		if (rc != 0) {
			if (rc > 0 && start) {
				*start = at[i];
				*end = stop;
			}
			return rc;
		}
	}
	return 0;
}

/*
 * Pattern `k` on `text`, as PCRE2 from the beginning would: a match can
 * only start in a window before a place where one of its heads starts
 * (its reach, and its gaps walked back over), so only those windows are
 * tried, in order; none if no head is there. The places left out would
 * have been little work (see head_of() and near_heads()), so could not
 * have hit the match limit either. With too many places, from the first
 * window on.
 */
static int run_pattern(const struct prefilter *pf, struct prefilter_scratch *s, size_t k,
		       const char *text, size_t len, size_t *start, size_t *end)
{
	const struct rule_pattern *pat = pf->pat[k];
	size_t from[MAXWIN], upto[MAXWIN], n = 0, first = SIZE_MAX;
	int many = s->occ_full;

	if (s->every || !near_heads(pf, s, k, text, len))
		return run(s, pat, text, len, 0, PCRE2_UNSET, start, end);
	if (pf->lit[k] && pf->db) {
		int rc = run_literal(pf, s, k, text, len, start, end);

		if (rc >= 0) {
			if (s->stats)
				s->stats->literal++;
			return rc;
		}
	}
	for (size_t i = pf->head_at[k]; i < pf->head_at[k + 1]; i++) {
		uint32_t h = pf->heads[i];

		if (s->seen[h] != s->stamp)
			continue;
		first = s->first[h] < first ? s->first[h] : first;
		for (uint32_t o = s->occ_last[h]; o != NONE && !many; o = s->occ_next[o]) {
			size_t p = s->occ_pos[o], a, j = n;

			if (pf->wb[k] && !may_be_boundary(text, len, p))
				continue; /* a match would start here, with \b */
			a = window_start(pf, k, text, p);
			if (n == MAXWIN) {
				many = 1;
				break;
			}
			assert(a <= p && p <= len);
			/* In order of where they start. */
			while (j > 0 && from[j - 1] > a)
				j--;
			memmove(from + j + 1, from + j, (n - j) * sizeof *from);
			memmove(upto + j + 1, upto + j, (n - j) * sizeof *upto);
			from[j] = a;
			upto[j] = p;
			n++;
		}
	}
	if (first == SIZE_MAX)
		return 0;
	if (many) /* the first window starts before the first head, or at 0 with gaps */
		return run(s, pat, text, len,
			   pf->ngaps[k] ? 0 : char_start(text, window_start(pf, k, text, first)),
			   PCRE2_UNSET, start, end);
	for (size_t i = 0; i < n; i++) {
		size_t a = from[i], b = upto[i];
		int rc;

		while (i + 1 < n && from[i + 1] <= b + 1) {
			i++;
			b = upto[i] > b ? upto[i] : b;
		}
		if ((rc = run(s, pat, text, len, char_start(text, a), b, start, end)) != 0)
			return rc;
	}
	return 0;
}

/*
 * What rules_match_only() does for theme `t` with the includes chosen:
 * the first of them to match, in order, unless an exclude matches.
 */
static enum rule_result match_theme(const struct prefilter *pf, struct prefilter_scratch *s,
				    const struct rule_theme *t, const char *text, size_t len,
				    const char *question, struct rule_hit *hit)
{
	int found = 0, error = 0;

	for (size_t i = 0; i < t->nincludes && !found; i++) {
		size_t g = t->first_include + i;
		unsigned long long since;
		int rc;

		if (!(s->cand[g / 64] >> (g % 64) & 1) ||
		    !rules_pattern_applies(&t->includes[i], question))
			continue;
		since = s->stats ? now_ns() : 0;
		rc = run_pattern(pf, s, g, text, len, &hit->start, &hit->end);
		if (s->stats)
			count(pf, s->stats, g, rc, since);
		if (rc > 0) {
			found = 1;
			hit->rule = &t->includes[i];
		} else if (rc < 0) {
			error = 1;
		}
	}
	if (!found)
		return error ? RULE_ERROR : RULE_NO_MATCH;
	for (size_t i = 0; i < t->nexcludes; i++) {
		unsigned long long since = s->stats ? now_ns() : 0;
		size_t k = pf->ninc + pf->first_exclude[t - pf->rs->themes] + i;
		int rc;

		if (!rules_pattern_applies(&t->excludes[i], question))
			continue;
		rc = run_pattern(pf, s, k, text, len, NULL, NULL);
		if (s->stats)
			count(pf, s->stats, SIZE_MAX, rc, since);
		if (rc > 0)
			return RULE_NO_MATCH;
		if (rc < 0)
			return RULE_ERROR;
	}
	return RULE_MATCH;
}

int prefilter_tag(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		  size_t len, const char *question, struct rule_tag *out)
{
	struct rule_context c = { question, NULL };

	return prefilter_tag_in(pf, s, text, len, &c, out);
}

/*
 * The conditions on the question and on other answers, and the groups,
 * are not the prefilter's business: they are checked per theme and applied
 * after the matching, as rules_tag_answer_in() does.
 */
int prefilter_tag_in(const struct prefilter *pf, struct prefilter_scratch *s, const char *text,
		     size_t len, const struct rule_context *c, struct rule_tag *out)
{
	const struct ruleset *rs = pf->rs;
	int n = 0;

	if (!utf8_check(text, len, NULL))
		return -1;
	choose(pf, s, text, len);
	if (s->stats) {
		s->stats->answers++;
		s->stats->every += s->every;
		s->stats->pieces += s->nfound;
	}
	for (size_t w = 0; w * 64 < rs->nthemes; w++) {
		uint64_t bits = s->themes[w];

		while (bits) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			const struct rule_theme *t;
			enum rule_result r;

			bits &= bits - 1;
			if (i >= rs->nthemes)
				break;
			t = &rs->themes[i];
			if (!t->nincludes || !rules_applies_in(rs, t, c))
				continue;
			r = match_theme(pf, s, t, text, len, c->question, &out[n].hit);
			if (r == RULE_NO_MATCH)
				continue;
			out[n].theme = i;
			out[n++].result = r;
		}
	}
	return rules_resolve_groups(rs, c, len, out, n);
}
