/* suggest.c: phrase counts per document and their log-odds ranking. */
#include "suggest.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

double suggest_z(double y_in, double n_in, double y_out, double n_out, double a0)
{
	double aw, a, b, c, d;

	if (n_in + n_out <= 0)
		return NAN;
	aw = a0 * (y_in + y_out) / (n_in + n_out);
	a = y_in + aw;
	b = n_in + a0 - y_in - aw;
	c = y_out + aw;
	d = n_out + a0 - y_out - aw;
	if (a <= 0 || b <= 0 || c <= 0 || d <= 0)
		return NAN;
	return (log(a / b) - log(c / d)) / sqrt(1 / a + 1 / b + 1 / c + 1 / d);
}

struct phrase_table {
	struct phrase *slots; /* open addressing; text NULL: empty */
	size_t cap, n;
};

struct phrase_table *phrases_new(void)
{
	struct phrase_table *t = calloc(1, sizeof *t);

	if (t && !(t->slots = calloc(t->cap = 1024, sizeof *t->slots))) {
		free(t);
		return NULL;
	}
	return t;
}

void phrases_free(struct phrase_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].text);
	free(t->slots);
	free(t);
}

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static struct phrase *slot(struct phrase *slots, size_t cap, const char *s, size_t n)
{
	size_t i = (size_t)(hash(s, n) & (cap - 1));

	while (slots[i].text && (strlen(slots[i].text) != n || memcmp(slots[i].text, s, n)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct phrase_table *t)
{
	size_t cap = t->cap * 2;
	struct phrase *s = calloc(cap, sizeof *s);

	if (!s)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].text)
			*slot(s, cap, t->slots[i].text, strlen(t->slots[i].text)) = t->slots[i];
	free(t->slots);
	t->slots = s;
	t->cap = cap;
	return 0;
}

static int count(struct phrase_table *t, const char *s, size_t n, long doc, int in, int theme)
{
	struct phrase *p;

	if (2 * (t->n + 1) > t->cap && grow(t) < 0)
		return -1;
	p = slot(t->slots, t->cap, s, n);
	if (!p->text) {
		if (!(p->text = malloc(n + 1)))
			return -1;
		memcpy(p->text, s, n);
		p->text[n] = '\0';
		p->last = -1;
		t->n++;
	}
	if (p->last == doc)
		return 0;
	p->last = doc;
	p->in += in;
	if (theme)
		p->theme++;
	else
		p->rest++;
	return 0;
}

enum { MAXWORD = 48 };

int phrases_add(struct phrase_table *t, const char *text, size_t len, long doc, int in,
		int theme)
{
	char words[3][MAXWORD + 1];
	size_t have = 0; /* words in the current clause, up to 3 kept */

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)text[i];
		char w[MAXWORD + 1];
		size_t wn = 0;

		if (c == '[') {
			const char *close = memchr(text + i, ']', len - i);

			i = close ? (size_t)(close - text) + 1 : len;
			have = 0;
			continue;
		}
		while (i < len) {
			c = (unsigned char)text[i];
			if (c == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
			    (unsigned char)text[i + 2] == 0x99) {
				if (wn < MAXWORD)
					w[wn++] = '\'';
				i += 3;
			} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' ||
				   c >= 0x80) {
				if (wn < MAXWORD)
					w[wn++] = (char)c;
				i++;
			} else if (c >= 'A' && c <= 'Z') {
				if (wn < MAXWORD)
					w[wn++] = (char)(c - 'A' + 'a');
				i++;
			} else {
				break;
			}
		}
		/* Apostrophes around a word are quotation marks. */
		while (wn && w[wn - 1] == '\'')
			wn--;
		{
			size_t lead = 0;

			while (lead < wn && w[lead] == '\'')
				lead++;
			memmove(w, w + lead, wn - lead);
			wn -= lead;
		}
		if (wn) {
			char buf[3 * (MAXWORD + 1)];

			w[wn] = '\0';
			if (have == 3) {
				memmove(words[0], words[1], sizeof words[0]);
				memmove(words[1], words[2], sizeof words[0]);
				have = 2;
			}
			memcpy(words[have++], w, wn + 1);
			/* The word, and the phrases of 2 and 3 words ending with it. */
			for (size_t k = 1; k <= have; k++) {
				size_t o = 0;

				for (size_t j = have - k; j < have; j++) {
					size_t l = strlen(words[j]);

					if (o)
						buf[o++] = ' ';
					memcpy(buf + o, words[j], l);
					o += l;
				}
				if (count(t, buf, o, doc, in, theme) < 0)
					return -1;
			}
			continue;
		}
		if (i < len && text[i] != ' ' && text[i] != '\t')
			have = 0; /* punctuation or a line break ends the clause */
		if (i < len)
			i++;
	}
	return 0;
}

/* Common words a phrase should not start or end with. */
static int common_word(const char *w, size_t n)
{
	static const char *const stop[] = {
		"a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with",
		"by", "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "it's",
		"i", "i'm", "we", "you", "they", "he", "she", "my", "our", "your", "their", "his",
		"her", "me", "us", "them", "this", "that", "there", "so", "if", "than", "then",
		"have", "has", "had", "do", "does", "did", "will", "would", "can", "could",
		"should", "all", "some", "more", "very", "just", "also", "about", "when", "what",
		"which", "who", "get", "got", "up", "out", "one", "s",
	};

	for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
		if (strlen(stop[i]) == n && !memcmp(stop[i], w, n))
			return 1;
	return 0;
}

static int by_z(const void *a, const void *b)
{
	const struct phrase *x = *(struct phrase *const *)a, *y = *(struct phrase *const *)b;

	if (x->z != y->z)
		return x->z < y->z ? 1 : -1;
	if (x->in != y->in)
		return x->in < y->in ? 1 : -1;
	return strcmp(x->text, y->text);
}

long phrases_rank(struct phrase_table *t, long min_in, double n_in, double n_out, double a0,
		  struct phrase ***out)
{
	struct phrase **list = malloc((t->n + 1) * sizeof *list);
	long n = 0;

	*out = NULL;
	if (!list)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		struct phrase *p = &t->slots[i];
		const char *last;

		if (!p->text || p->in < min_in || p->in < 1)
			continue;
		last = strrchr(p->text, ' ');
		last = last ? last + 1 : p->text;
		if (common_word(p->text, strcspn(p->text, " ")) || common_word(last, strlen(last)))
			continue;
		p->z = suggest_z((double)p->in, n_in, (double)p->rest, n_out, a0);
		if (isnan(p->z))
			continue;
		list[n++] = p;
	}
	qsort(list, (size_t)n, sizeof *list, by_z);
	*out = list;
	return n;
}

void phrase_pattern(const char *text, char *buf, size_t cap)
{
	size_t o = 0;

#define PUT(s)                                                                          \
	do {                                                                            \
		size_t l_ = strlen(s);                                                  \
		if (o + l_ + 1 < cap) {                                                 \
			memcpy(buf + o, s, l_);                                         \
			o += l_;                                                        \
		}                                                                       \
	} while (0)
	PUT("\\b");
	for (const char *p = text; *p; p++) {
		char one[3] = { *p, 0, 0 };

		if (*p == ' ')
			PUT("\\s+");
		else if (*p == '\'')
			PUT("['’]");
		else {
			if (strchr("\\^$.|?*+()[]{}/-#", *p)) {
				one[0] = '\\';
				one[1] = *p;
			}
			PUT(one);
		}
	}
	PUT("\\b");
#undef PUT
	buf[o < cap ? o : cap - 1] = '\0';
}
