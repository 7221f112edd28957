/*
 * redact_names.c: passes 4 and 5 of redaction, the name heuristics: names
 * after an introducing phrase, found with two PCRE2 patterns and the word
 * lists, then later mentions of the names found.
 */
#include "redact_int.h"
#include "strbuf.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CAPS_WINDOW 100     /* bytes each side of a phrase that say whether the writer uses capitals */

/* -- patterns -------------------------------------------------------------------- */

/* The phrases that introduce a name; the group that matched says which kind. */
enum intro {
	I_STRONG = 1,   /* "my name is", "name:", "contact me:" */
	I_IAM = 2,      /* "I am", "I'm" */
	I_TITLE = 3,    /* "Dr", "Mrs", "Nurse", "Sister", ... */
	I_CALLED = 4,   /* "called", "named", "call me" */
	I_FAMILY = 5,   /* "my son", "our mum", "my mother-in-law" */
	I_SIGNOFF = 6,  /* "Regards,", "Many thanks,", "Signed" */
};

static const char intro_pattern[] =
	"(?<![\\p{L}\\p{N}_'\\x{2019}])(?:"
	"(my\\s+names?\\s+is|my\\s+name['\\x{2019}]s|my\\s+name\\s+was"
	"|(?:full\\s+|first\\s+|sur)?name\\s*:|contact(?:\\s+name|\\s+me)?\\s*:)"
	"|(i\\s+am|i['\\x{2019}]m)"
	"|(dr|doctor|prof|professor|mrs|mr|ms|miss|mx|nurse|sister|matron|midwife)"
	"|(called|named|call\\s+me)"
	"|((?:my|our|his|her|their)\\s+"
	"(?:(?:late|little|eldest|youngest|elder|younger|older|oldest|baby|twin|great)[\\s-]+){0,2}"
	"(?:grand(?:son|daughter|child|ma|mother|pa|father|dad)|granddad|grandad"
	"|step(?:son|daughter|mum|mother|dad|father)|son|daughter|wife|husband|partner|mummy|mum"
	"|mom|mother|daddy|dad|father|brother|sister|nanna|nana|nanny|nan|granny|gran|aunty"
	"|auntie|aunt|uncle|nephew|niece|cousin|friend|neighbour|neighbor|carer|fianc\\x{e9}e?"
	"|fiancee?|boyfriend|girlfriend|child|baby|boy|girl)(?:-in-law)?)"
	"|((?:kind\\s+|best\\s+|warm\\s+|many\\s+)?(?:regards|thanks)\\s*,|signed\\s*:?"
	"|yours\\s+(?:sincerely|faithfully|truly)\\s*,?)"
	")(?![\\p{L}\\p{N}_])";

/* The shape of the word at the start: which group matched. */
enum shape {
	W_INITIAL = 1,  /* "J" or "J." before another word */
	W_UPPER = 2,    /* "HUGHES", "O'NEILL" */
	W_CAP = 3,      /* "Hughes", "McDonald", "O'Neill", "Smith-Jones", "Zoë", "Łukasz" */
	W_LOWER = 4,    /* "hughes", "o'neill" */
	W_OTHER = 5,    /* letters without case (Arabic, Devanagari, CJK, ...) */
};

static const char word_pattern[] =
	"(\\p{Lu}\\.?)(?=[ \\t])"
	"|(\\p{Lu}\\p{M}*(?:(?:-|['\\x{2019}])?\\p{Lu}\\p{M}*)+)(?![\\p{L}\\p{M}\\p{N}_])"
	"|(\\p{Lu}\\p{M}*(?:(?:-|['\\x{2019}](?=\\p{Lu}))?\\p{L}\\p{M}*)*)(?![\\p{L}\\p{M}\\p{N}_])"
	"|((?:\\p{Ll}['\\x{2019}](?=\\p{Ll}))?\\p{Ll}\\p{M}*(?:-?\\p{Ll}\\p{M}*)*)"
	"(?![\\p{L}\\p{M}\\p{N}_])"
	"|([\\p{Lo}\\p{Lm}][\\p{Lo}\\p{Lm}\\p{M}]*)(?![\\p{L}\\p{M}\\p{N}_])";

/* -- 4. names after an introduction ---------------------------------------------- */

/* 1 when the writer uses capitals around [a, b): few lower-case letters near it. */
static int caps_around(const unsigned char *s, size_t n, size_t a, size_t b)
{
	size_t from = a > CAPS_WINDOW ? a - CAPS_WINDOW : 0;
	size_t to = n - b > CAPS_WINDOW ? b + CAPS_WINDOW : n;
	size_t up = 0, low = 0;

	for (size_t i = from; i < to; i++) {
		up += is_upper(s[i]);
		low += is_lower(s[i]);
	}
	return up >= 4 && low * 8 <= up;
}

/* caps_around() the introducing phrase, worked out when first needed. */
static int writes_caps(struct job *j)
{
	if (j->caps < 0)
		j->caps = caps_around(j->s, j->n, j->ia, j->ib);
	return j->caps;
}

/* Splits the text into its stretches of valid UTF-8, skipping what is not. */
static void find_segments(struct job *j)
{
	size_t pos = 0, cap = 0;

	while (pos < j->n) {
		size_t bad = j->n - pos;

		if (!utf8_check((const char *)j->s + pos, j->n - pos, &bad) && bad == 0) {
			pos++;
			continue;
		}
		if (ALLOC_GROW(j->segs, 2 * j->nsegs + 2, cap) < 0) {
			j->oom = 1;
			return;
		}
		j->segs[2 * j->nsegs] = pos;
		j->segs[2 * j->nsegs + 1] = pos + bad;
		j->nsegs++;
		pos += bad;
	}
}

/* The valid stretch [*a, *b) that holds byte `p`; 0 when there is none. */
static int segment_of(const struct job *j, size_t p, size_t *a, size_t *b)
{
	size_t lo = 0, hi = j->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (j->segs[2 * mid] <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || p >= j->segs[2 * (lo - 1) + 1])
		return 0;
	*a = j->segs[2 * (lo - 1)];
	*b = j->segs[2 * (lo - 1) + 1];
	return 1;
}

/* The shape of the word at `p` and its end; 0 when there is no word there. */
static int word_at(struct job *j, size_t p, size_t *end)
{
	size_t a, b;
	int rc;
	PCRE2_SIZE *ov;

	if (!segment_of(j, p, &a, &b))
		return 0;
	rc = pcre2_match(j->r->word, j->s + a, b - a, p - a, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK,
			 j->wmd, j->r->mctx);
	if (rc < 2)
		return 0;
	ov = pcre2_get_ovector_pointer(j->wmd);
	for (int g = 1; g < rc; g++)
		if (ov[2 * g] != PCRE2_UNSET) {
			*end = a + ov[2 * g + 1];
			return ov[1] > ov[0] ? g : 0;
		}
	return 0;
}

static size_t skip_blanks(const unsigned char *s, size_t n, size_t p)
{
	while (p < n && (s[p] == ' ' || s[p] == '\t'))
		p++;
	return p;
}

/* Endings of words that describe rather than name, for "I AM ..." in capitals. */
static int describing(const unsigned char *s, size_t n)
{
	static const char *const ends[] = { "ed", "ing", "ly", "ful", "ous", "ive", "able",
					     "ible", "less", "ness", "ish" };

	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
		size_t l = strlen(ends[i]);

		if (n > l + 1) {
			size_t k = 0;

			while (k < l && to_lower(s[n - l + k]) == (unsigned char)ends[i][k])
				k++;
			if (k == l)
				return 1;
		}
	}
	return 0;
}

/* Whether a word of this shape can be a name after this kind of phrase. */
static int name_word_ok(struct job *j, int intro, int shape, size_t a, size_t b)
{
	const unsigned char *s = j->s;
	const char *w = (const char *)s + a;
	int ok;

	if (redact_word_in(j->r, L_COMMON, w, b - a))
		return 0;
	if (intro == I_IAM && redact_word_in(j->r, L_IAM, w, b - a))
		return 0;
	switch (shape) {
	case W_CAP:
		ok = b - a >= 2;
		break;
	case W_UPPER:
		ok = intro == I_STRONG || writes_caps(j);
		break;
	case W_LOWER: {
		const unsigned char *q = memchr(s + a, '\'', b - a);

		ok = intro == I_STRONG && b - a >= 2 && (!q || q == s + a + 1);
		if (ok && !q)
			for (size_t i = a; i + 2 < b; i++)
				if (s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x99 && i != a + 1)
					ok = 0;
		break;
	}
	case W_OTHER:
		ok = intro == I_STRONG;
		break;
	default:
		ok = 0;
	}
	if (ok && intro == I_IAM && shape != W_CAP && describing(s + a, b - a))
		ok = 0;
	return ok;
}

/* 1 when the word before `a` makes "called" the verb of phoning ("I called", "we called"). */
static int called_by_caller(struct job *j, size_t a)
{
	const unsigned char *s = j->s;
	size_t e = a, b;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	b = e;
	while (b > 0 && e - b < WORD_MAX && (is_alpha(s[b - 1]) || s[b - 1] == '\''))
		b--;
	return b < e && redact_word_in(j->r, L_CALLER, (const char *)s + b, e - b);
}

static void remember(struct job *j, size_t a, size_t b, int shape)
{
	if (j->nseen >= MAX_SEEN || (shape != W_CAP && shape != W_UPPER) || b - a < 3)
		return;
	if (redact_word_in(j->r, L_WEAK, (const char *)j->s + a, b - a))
		return;
	for (size_t i = 0; i < j->nseen; i++)
		if (j->seen[i][1] - j->seen[i][0] == b - a &&
		    !memcmp(j->s + j->seen[i][0], j->s + a, b - a))
			return;
	j->seen[j->nseen][0] = a;
	j->seen[j->nseen][1] = b;
	j->nseen++;
}

/*
 * Reads the name after an introducing phrase that ends at `p`: up to three
 * name words, with initials and surname particles between them. Claims it
 * and returns 1, or returns 0.
 */
static int name_after(struct job *j, int intro, size_t p)
{
	const unsigned char *s = j->s;
	size_t n = j->n, first = SIZE_MAX, last = 0, pending = SIZE_MAX;
	size_t words = 0, tokens = 0, wa[3], wb[3];
	int shapes[3];

	while (words < 3 && tokens < 6) {
		size_t we, next;
		int shape = word_at(j, p, &we);

		tokens++;
		if (!shape || !is_free(j, p, we))
			break;
		next = skip_blanks(s, n, we);
		if (shape == W_INITIAL) {
			/* "Dr J. Patel": an initial counts only with a name after it. */
			if (intro != I_TITLE && intro != I_STRONG && intro != I_SIGNOFF)
				break;
			if (intro != I_TITLE && we - p == 1 && (s[p] == 'A' || s[p] == 'I'))
				break;   /* "MY NAME IS A SECRET" */
			if (pending == SIZE_MAX)
				pending = p;
			p = next;
			continue;
		}
		if (shape == W_LOWER && words + 1 < 3 && (words > 0 || intro == I_TITLE) &&
		    redact_word_in(j->r, L_PARTICLE, (const char *)s + p, we - p) && next > we) {
			/* "de Souza", "van der Berg" */
			if (pending == SIZE_MAX)
				pending = p;
			p = next;
			continue;
		}
		if (words > 0 && (shape == W_LOWER) != (shapes[0] == W_LOWER))
			break;   /* "my name is dafydd wójcik Use ..." */
		if (!name_word_ok(j, intro, shape, p, we))
			break;
		if (first == SIZE_MAX)
			first = pending != SIZE_MAX ? pending : p;
		pending = SIZE_MAX;
		wa[words] = p;
		wb[words] = we;
		shapes[words] = shape;
		words++;
		last = we;
		if (next == we)
			break;   /* punctuation after the word ends the name */
		p = next;
	}
	if (!words)
		return 0;
	if (intro == I_IAM && words < 2 && writes_caps(j))
		return 0;   /* "I AM FURIOUS" */
	if (words == 1 && redact_word_in(j->r, L_WEAK, (const char *)s + wa[0], wb[0] - wa[0]))
		return 0;
	if (intro == I_CALLED) {
		/* "a home called Oak House" names a place */
		size_t q = skip_blanks(s, n, last), qe;

		if (word_at(j, q, &qe) && redact_word_in(j->r, L_PLACE, (const char *)s + q, qe - q))
			return 0;
		if (redact_word_in(j->r, L_PLACE, (const char *)s + wa[words - 1],
			    wb[words - 1] - wa[words - 1]))
			return 0;
	}
	redact_claim(j, first, last, K_NAME);
	for (size_t i = 0; i < words; i++)
		remember(j, wa[i], wb[i], shapes[i]);
	return 1;
}

/* Titles written short, which may take a full stop: "Dr.", "Mrs.", "Prof." */
static int abbreviated(const unsigned char *t, size_t len)
{
	static const char *const abbr[] = { "dr", "mr", "mrs", "ms", "mx", "prof" };

	for (size_t i = 0; i < sizeof abbr / sizeof *abbr; i++)
		if (strlen(abbr[i]) == len && !strncasecmp((const char *)t, abbr[i], len))
			return 1;
	return 0;
}

/* The names introduced in the valid stretch [from, to) of the text. */
static void names_in(struct job *j, size_t from, size_t to)
{
	const unsigned char *s = j->s;
	size_t n = j->n, off = from;

	while (off < to) {
		int rc = pcre2_match(j->r->intro, s + from, to - from, off - from, PCRE2_NO_UTF_CHECK,
				     j->md, j->r->mctx);
		PCRE2_SIZE *ov;
		size_t a, b, p;
		int intro = 0, sep;

		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			/* The match limit: go on from the next character. */
			off++;
			while (off < to && (s[off] & 0xC0) == 0x80)
				off++;
			continue;
		}
		ov = pcre2_get_ovector_pointer(j->md);
		a = from + ov[0];
		b = from + ov[1];
		off = b > a ? b : a + 1;
		for (int g = 1; g < rc; g++)
			if (ov[2 * g] != PCRE2_UNSET) {
				intro = g;
				break;
			}
		if (!intro || !is_free(j, a, b))
			continue;
		j->ia = a;
		j->ib = b;
		j->caps = -1;
		if (intro == I_TITLE) {
			/* "Ms"/"Miss" only with a capital; "MS" in mixed text is the illness */
			int m = to_lower(s[a]) == 'm' && (b - a == 2 || b - a == 4) &&
				to_lower(s[a + 1]) != 'r' && to_lower(s[a + 1]) != 'x';

			if (m && (s[a] != 'M' || (is_upper(s[a + 1]) && !writes_caps(j))))
				continue;
		}
		if (intro == I_CALLED && b - a == 6 && !strncasecmp((const char *)s + a, "called", 6) &&
		    called_by_caller(j, a))
			continue;
		p = b;
		sep = s[b - 1] == ':' || s[b - 1] == ',';
		if (intro == I_TITLE && p < n && s[p] == '.' && abbreviated(s + a, b - a)) {
			p++;
			sep = 1;
		}
		if (intro == I_FAMILY && p < n && s[p] == ',') {
			p++;
			sep = 1;
		}
		{
			size_t q = skip_blanks(s, n, p);

			if (q == p && !sep)
				continue;   /* "Dr's", "Mr." at the end, "my son's" */
			p = q;
		}
		name_after(j, intro, p);
		if (j->oom)
			return;
	}
}

void redact_names(struct job *j)
{
	find_segments(j);
	for (size_t i = 0; i < j->nsegs && !j->oom; i++)
		names_in(j, j->segs[2 * i], j->segs[2 * i + 1]);
}

/* -- 5. later mentions ------------------------------------------------------- */

static int boundary_before(const unsigned char *s, size_t a)
{
	if (a == 0)
		return 1;
	if (s[a - 1] >= 0x80)
		return punct_ends_at(s, a);
	return !is_alnum(s[a - 1]) && s[a - 1] != '_';
}

static int boundary_after(const unsigned char *s, size_t n, size_t b)
{
	if (b >= n)
		return 1;
	if (s[b] >= 0x80)
		return punct_len(s + b, n - b) > 0;
	return !is_alnum(s[b]) && s[b] != '_';
}

/* The same word again: the same bytes, or in capitals; it must start with a capital. */
static int same_word(const unsigned char *s, size_t at, const unsigned char *w, size_t len)
{
	if (s[at] < 0x80 && !is_upper(s[at]))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[at + i], d = w[i];

		if (c != d && !(is_alpha(c) && is_alpha(d) && to_lower(c) == to_lower(d)))
			return 0;
	}
	return 1;
}

void redact_mentions(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, nseen = j->nseen;

	for (size_t k = 0; k < nseen; k++) {
		size_t wa = j->seen[k][0], len = j->seen[k][1] - wa;
		unsigned char w[WORD_MAX * 4];

		if (len > sizeof w)
			continue;
		memcpy(w, s + wa, len);
		for (size_t i = 0; i + len <= n; i++) {
			if (to_lower(s[i]) != to_lower(w[0]) || j->claimed[i])
				continue;
			if (same_word(s, i, w, len) && boundary_before(s, i) &&
			    boundary_after(s, n, i + len) && is_free(j, i, i + len)) {
				size_t end = i + len, we;

				/* "Tom. Tom Baggaley": a surname after the name comes too */
				if (end + 1 < n && s[end] == ' ' &&
				    word_at(j, end + 1, &we) == W_CAP && is_free(j, end + 1, we) &&
				    name_word_ok(j, I_TITLE, W_CAP, end + 1, we) &&
				    !redact_word_in(j->r, L_PLACE, (const char *)s + end + 1, we - end - 1))
					end = we;
				redact_claim(j, i, end, K_NAME);
				if (j->oom)
					return;
				i = end - 1;
			}
		}
	}
}

/* -- the patterns ------------------------------------------------------------ */

static pcre2_code *compile(const char *pattern, uint32_t opts, struct err *e)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       opts | PCRE2_UTF | PCRE2_UCP,
				       &code, &off, NULL);

	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof msg);
		err_set(e, EXIT_SYSTEM, "redaction pattern does not compile at offset %zu: %s",
			(size_t)off, (const char *)msg);
		return NULL;
	}
	/* JIT where the platform has it; the interpreter gives the same answers. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

int redact_patterns_make(struct redactor *r, struct err *e)
{
	if (!(r->intro = compile(intro_pattern, PCRE2_CASELESS, e)) ||
	    !(r->word = compile(word_pattern, 0, e)))
		return -1;
	return 0;
}
