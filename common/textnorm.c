/*
 * textnorm.c: NFKC, ignorables removed, spaces made plain, with a map back.
 *
 * utf8proc normalises whole strings, which loses where each output byte
 * came from. So the text is cut into units (grapheme clusters, the smallest
 * pieces that normalisation never reaches across in practice) and each unit
 * is normalised on its own; every byte a unit gives maps back to the whole
 * unit. A unit is capped at TEXTNORM_UNIT_CPS code points: utf8proc orders
 * combining marks with a quadratic sort, and a cap keeps a text of a
 * million accents linear. Plain ASCII, which NFKC leaves alone, takes a
 * fast path: a text that is all ASCII is not copied at all.
 */
#include "textnorm.h"
#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* The longest NFKC decomposition of one code point is 18 code points (U+FDFA). */
#define DECOMP_MAX (TEXTNORM_UNIT_CPS * 18)
#define UNIT_OUT_MAX (DECOMP_MAX * 4) /* bytes one unit can give */
#define INVALID_BYTE 0xFF

static const utf8proc_option_t decompose_opts =
	UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_IGNORE;

/* Scratch space for one unit. */
struct scratch {
	utf8proc_int32_t cps[DECOMP_MAX];
	unsigned char out[UNIT_OUT_MAX];
};

/* 1 when the byte at `pos` is ASCII and a unit on its own (the next byte is ASCII too). */
static int ascii_unit(const unsigned char *s, size_t n, size_t pos)
{
	return s[pos] < 0x80 && (pos + 1 >= n || s[pos + 1] < 0x80);
}

/*
 * Normalises the unit that starts at `pos` (< n) of the n bytes at s into
 * sc->out and *olen; returns where the unit ends.
 */
static size_t unit_next(const unsigned char *s, size_t n, size_t pos, struct scratch *sc,
			size_t *olen)
{
	utf8proc_int32_t c, prev, state = 0, *buf = sc->cps;
	unsigned char *out = sc->out;
	utf8proc_ssize_t step, k;
	size_t end, cps = 1, o = 0;

	if (ascii_unit(s, n, pos)) {
		out[0] = s[pos];
		*olen = 1;
		return pos + 1;
	}
	step = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(n - pos), &c);
	if (step < 1) {
		out[0] = INVALID_BYTE;
		*olen = 1;
		return pos + 1;
	}
	end = pos + (size_t)step;
	prev = c;
	while (end < n && cps < TEXTNORM_UNIT_CPS) {
		step = utf8proc_iterate(s + end, (utf8proc_ssize_t)(n - end), &c);
		if (step < 1 || utf8proc_grapheme_break_stateful(prev, c, &state))
			break;
		end += (size_t)step;
		prev = c;
		cps++;
	}
	if (cps == 1) {
		/* One character that NFKC leaves alone (’, –, ë written whole, Ł): as it is. */
		const utf8proc_property_t *pr = utf8proc_get_property(prev);

		if (pr->decomp_seqindex == UINT16_MAX && !pr->ignorable &&
		    pr->category != UTF8PROC_CATEGORY_ZS) {
			memcpy(out, s + pos, end - pos);
			*olen = end - pos;
			return end;
		}
	}
	k = utf8proc_decompose(s + pos, (utf8proc_ssize_t)(end - pos), buf, DECOMP_MAX,
			       decompose_opts);
	if (k >= 0 && k <= DECOMP_MAX)
		k = utf8proc_normalize_utf32(buf, k, decompose_opts);
	if (k < 0 || k > DECOMP_MAX) {
		/* Cannot happen for valid text within the cap; keep the unit as written. */
		memcpy(out, s + pos, end - pos);
		*olen = end - pos;
		return end;
	}
	for (utf8proc_ssize_t i = 0; i < k; i++) {
		if (utf8proc_category(buf[i]) == UTF8PROC_CATEGORY_ZS)
			out[o++] = ' ';
		else
			o += (size_t)utf8proc_encode_char(buf[i], out + o);
	}
	*olen = o;
	return end;
}

static int all_ascii(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Room for `need` units in t->own (and its NUL), t->from and t->to, whose
 * allocations are caps[0..2]: ALLOC_GROW gives each half as much again.
 * Returns how many units all three hold, 0 when memory ran out.
 */
static size_t reserve_units(struct textnorm *t, size_t need, size_t caps[3])
{
	size_t room;

	if (ALLOC_GROW(t->own, need + 1, caps[0]) < 0 || ALLOC_GROW(t->from, need, caps[1]) < 0 ||
	    ALLOC_GROW(t->to, need, caps[2]) < 0)
		return 0;
	room = caps[0] - 1;
	if (caps[1] < room)
		room = caps[1];
	if (caps[2] < room)
		room = caps[2];
	return room;
}

int textnorm_make(struct textnorm *t, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct scratch sc;
	size_t pos = 0, o = 0, cap, caps[3] = { 0, 0, 0 };

	memset(t, 0, sizeof *t);
	t->orig_len = n;
	if (all_ascii(u, n)) {
		t->text = n ? s : "";
		t->len = n;
		return 0;
	}
	/* A first guess, grown when units give more than they take. */
	if (!(cap = reserve_units(t, n < 64 ? 64 : n, caps)))
		goto oom;
	while (pos < n) {
		size_t olen, end;

		if (ascii_unit(u, n, pos) && o < cap) {
			t->own[o] = (char)u[pos];
			t->from[o] = pos;
			t->to[o++] = ++pos;
			continue;
		}
		end = unit_next(u, n, pos, &sc, &olen);
		if (o + olen > cap && !(cap = reserve_units(t, o + olen, caps)))
			goto oom;
		memcpy(t->own + o, sc.out, olen);
		for (size_t i = 0; i < olen; i++) {
			t->from[o + i] = pos;
			t->to[o + i] = end;
		}
		o += olen;
		pos = end;
	}
	t->own[o] = '\0';
	t->text = t->own;
	t->len = o;
	return 0;
oom:
	textnorm_release(t);
	return -1;
}

void textnorm_span(const struct textnorm *t, size_t a, size_t b, size_t *oa, size_t *ob)
{
	if (!t->from) {
		*oa = a;
		*ob = b;
		return;
	}
	*oa = t->from[a];
	*ob = t->to[b - 1];
}

void textnorm_release(struct textnorm *t)
{
	free(t->own);
	free(t->from);
	free(t->to);
	memset(t, 0, sizeof *t);
}

long textnorm_copy(const char *s, size_t n, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	struct scratch sc;
	size_t pos = 0, o = 0;

	if (!cap)
		return -1;
	while (pos < n) {
		size_t olen;

		pos = unit_next(u, n, pos, &sc, &olen);
		if (o + olen >= cap) {
			out[0] = '\0';
			return -1;
		}
		memcpy(out + o, sc.out, olen);
		o += olen;
	}
	out[o] = '\0';
	return (long)o;
}
