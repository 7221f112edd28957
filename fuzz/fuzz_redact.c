/*
 * fuzz_redact: the redactor (common/redact.c) and the normalisation it
 * reads through (common/textnorm.c).
 *
 * Input: any text. Checked on every input:
 *   - the spans redactor_find() gives are in order, do not overlap, lie
 *     within the text and, when the text is valid UTF-8, cover whole
 *     characters;
 *   - redactor_apply() gives exactly the text with those spans replaced by
 *     their tags: every other byte is the original's, and the counts say
 *     as many as there are spans;
 *   - valid UTF-8 in gives valid UTF-8 out.
 * When the input has a NUL byte, the byte after it picks a disguised item
 * (a phone number with no-break spaces, an NHS number with zero-width
 * spaces, a postcode in fullwidth characters, ...), which is planted on a
 * line of its own between what comes before the NUL and what follows the
 * picking byte. Whatever surrounds it, that item must be found: exactly its
 * bytes, as its kind.
 */
#include <assert.h>

#include "fuzz.h"
#include "redact.h"
#include "utf8.h"

static const struct {
	const char *text;
	enum redact_kind kind;
} planted[] = {
	{ "07700\xC2\xA0" "900123", REDACT_PHONE },
	{ "077\xE2\x80\x8B" "00 900\xE2\x80\x8B" "123", REDACT_PHONE },
	{ "\xEF\xBC\x90\xEF\xBC\x97\xEF\xBC\x97\xEF\xBC\x90\xEF\xBC\x90 "
	  "\xEF\xBC\x99\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", REDACT_PHONE },
	{ "+44\xE2\x80\xAF" "7700\xE2\x80\xAF" "900123", REDACT_PHONE },
	{ "(01632)\xC2\xA0" "960\xC2\xA0" "118", REDACT_PHONE },
	{ "0121\xE2\x80\x89" "496\xE2\x80\x89" "0459", REDACT_PHONE },
	{ "943\xC2\xA0" "476\xC2\xA0" "5919", REDACT_NHS },
	{ "\xEF\xBC\x99\xEF\xBC\x94\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x97\xEF\xBC\x96"
	  "\xEF\xBC\x95\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x99", REDACT_NHS },
	{ "999\xE2\x80\x8B" "302\xE2\x80\x8B" "1571", REDACT_NHS },
	{ "94347\xC2\xAD" "65919", REDACT_NHS },
	{ "ST4\xC2\xA0" "6QG", REDACT_POSTCODE },
	{ "\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\x94\xE3\x80\x80\xEF\xBC\x96\xEF\xBC\xB1\xEF\xBC\xA7",
	  REDACT_POSTCODE },
	{ "st4\xE2\x81\xA0" "6qg", REDACT_POSTCODE },
	{ "WS13\xE2\x80\xAF" "6EF", REDACT_POSTCODE },
	{ "k.salt\xEF\xBC\xA0" "example.com", REDACT_EMAIL },
	{ "karen@example\xE2\x80\x8B.org", REDACT_EMAIL },
};

#define NPLANTED (sizeof planted / sizeof planted[0])

static struct redactor *red;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;

	(void)argc;
	(void)argv;
	err_init(&e);
	if (!(red = redactor_new(&e))) {
		fprintf(stderr, "fuzz_redact: %s\n", err_first(&e));
		abort();
	}
	return 0;
}

/* 1 when byte `at` of the n bytes at s starts a character (or is the end). */
static int char_edge(const char *s, size_t n, size_t at)
{
	return at >= n || ((unsigned char)s[at] & 0xC0) != 0x80;
}

/* The checks on every input; returns the spans, for the caller to free(). */
static struct redact_span *check(const char *s, size_t n, size_t *nspans)
{
	struct redact_counts c = { 0 };
	struct redact_span *sp;
	char *out;
	size_t o = 0, at = 0, ns;
	int valid = utf8_check(s, n, NULL);

	assert(redactor_find(red, s, n, &sp, &ns) == 0);
	out = redactor_apply(red, s, n, &c);
	assert(out != NULL);
	assert(c.email + c.phone + c.nhs + c.postcode + c.name == (long)ns);
	for (size_t i = 0; i < ns; i++) {
		const char *tag = redact_tag(sp[i].kind);
		size_t tl = strlen(tag);

		assert(sp[i].start >= at && sp[i].start < sp[i].end && sp[i].end <= n);
		if (valid)
			assert(char_edge(s, n, sp[i].start) && char_edge(s, n, sp[i].end));
		/* the bytes before the span are the original's, then the tag */
		assert(!memcmp(out + o, s + at, sp[i].start - at));
		o += sp[i].start - at;
		assert(!memcmp(out + o, tag, tl));
		o += tl;
		at = sp[i].end;
	}
	assert(!memcmp(out + o, s + at, n - at));
	o += n - at;
	assert(out[o] == '\0');
	if (valid)
		assert(utf8_check(out, o, NULL));
	free(out);
	*nspans = ns;
	return sp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen, ns, il, pos, n;
	struct redact_span *sp;
	char *text;
	int found = 0;

	free(check((const char *)data, size, &ns));
	fuzz_split(data, size, &a, &alen, &b, &blen);
	if (!b || blen < 1)
		return 0;

	/* before the NUL, a line with the item alone, what follows the picking byte */
	il = strlen(planted[b[0] % NPLANTED].text);
	n = alen + 1 + il + 1 + (blen - 1);
	text = malloc(n);
	if (!text)
		abort();
	memcpy(text, a, alen);
	text[alen] = '\n';
	pos = alen + 1;
	memcpy(text + pos, planted[b[0] % NPLANTED].text, il);
	text[pos + il] = '\n';
	memcpy(text + pos + il + 1, b + 1, blen - 1);
	sp = check(text, n, &ns);
	for (size_t i = 0; i < ns; i++)
		if (sp[i].start == pos && sp[i].end == pos + il &&
		    sp[i].kind == planted[b[0] % NPLANTED].kind)
			found = 1;
	if (!found) {
		fprintf(stderr, "fuzz_redact: planted item %u not found exactly\n",
			(unsigned)(b[0] % NPLANTED));
		abort();
	}
	free(sp);
	free(text);
	return 0;
}
