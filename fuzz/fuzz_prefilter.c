/*
 * fuzz_prefilter: the prefilter (analyser/prefilter.c) against running
 * every pattern (rules_tag_answer()), differentially.
 *
 * The input is patterns, one a line, a NUL byte, then an answer. Each line
 * is an include pattern of a theme of its own, so a tag the prefilter loses
 * or invents points at one pattern; a line starting with '!' is an exclude
 * of the theme before it, '=' makes a pattern case-sensitive. Lines that
 * PCRE2 does not compile, or that XML cannot carry, are left out. The set
 * is loaded as analyser tag loads it, and the answer tagged both ways: the
 * tags (theme, pattern, span) must be the same, and the prefilter may give
 * up on a theme only where running every pattern gives up too.
 */
#include <assert.h>

#include "fuzz.h"
#include "prefilter.h"
#include "rules.h"

#define MAX_THEMES 24

/* Whether PCRE2 takes the line as rules.c compiles patterns. */
static int compiles(const char *s, size_t n, int caseless)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)s, n,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT |
					       (caseless ? PCRE2_CASELESS : 0),
				       &code, &off, NULL);

	pcre2_code_free(re);
	return re != NULL;
}

/* Whether XML 1.0 can carry the line (character references included). */
static int carries(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Appends the line as XML text. */
static void put_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (s[i]) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\t': fputs("&#9;", f); break;
		default: fputc(s[i], f);
		}
}

/* The rule set the lines make, as XML; the caller frees it. */
static char *build_set(const char *p, size_t n, size_t *len)
{
	char *xml = NULL;
	FILE *f = open_memstream(&xml, len);
	int themes = 0, open = 0;

	if (!f)
		abort();
	fputs("<rules>\n", f);
	while (n > 0 && themes <= MAX_THEMES) {
		const char *nl = memchr(p, '\n', n);
		size_t ll = nl ? (size_t)(nl - p) : n;
		const char *s = p;
		size_t sl = ll;
		int exclude = 0, caseless = 1;

		p += ll + (nl != NULL);
		n -= ll + (nl != NULL);
		if (sl && *s == '!')
			exclude = 1, s++, sl--;
		if (sl && *s == '=')
			caseless = 0, s++, sl--;
		if (!sl || (exclude && !open) || !carries(s, sl) || !compiles(s, sl, caseless))
			continue;
		if (!exclude) {
			if (open)
				fputs("</theme>\n", f);
			if (themes == MAX_THEMES)
				break;
			fprintf(f, "<theme code=\"T%d\" label=\"t\">", ++themes);
			open = 1;
		}
		fprintf(f, "<%s%s>", exclude ? "exclude" : "include",
			caseless ? "" : " case=\"sensitive\"");
		put_text(f, s, sl);
		fprintf(f, "</%s>", exclude ? "exclude" : "include");
	}
	if (open)
		fputs("</theme>\n", f);
	fputs("</rules>\n", f);
	if (fclose(f) != 0)
		abort();
	return xml;
}

static void compare(const struct ruleset *rs, const struct prefilter *pf,
		    struct prefilter_scratch *s, pcre2_match_data *md, const char *text, size_t len,
		    struct rule_tag *ref, struct rule_tag *fast)
{
	int nr = rules_tag_answer(rs, text, len, "Q", md, ref);
	int nf = prefilter_tag(pf, s, text, len, "Q", fast);
	int i = 0, j = 0;

	if ((nr < 0) != (nf < 0)) {
		fprintf(stderr, "UTF-8 verdicts differ: every pattern %d, prefilter %d\n", nr, nf);
		abort();
	}
	if (nr < 0)
		return;
	for (;;) {
		while (i < nr && ref[i].result != RULE_MATCH)
			i++;
		while (j < nf && fast[j].result != RULE_MATCH) {
			int also = 0;

			for (int k = 0; k < nr; k++)
				also |= ref[k].theme == fast[j].theme && ref[k].result == RULE_ERROR;
			if (!also) {
				fprintf(stderr, "theme %s gave up with the prefilter only\n",
					rs->themes[fast[j].theme].code);
				abort();
			}
			j++;
		}
		if (i == nr || j == nf)
			break;
		if (ref[i].theme != fast[j].theme || ref[i].hit.rule != fast[j].hit.rule ||
		    ref[i].hit.start != fast[j].hit.start || ref[i].hit.end != fast[j].hit.end) {
			fprintf(stderr, "tags differ: every pattern %s by %s at %zu-%zu, prefilter %s "
					"by %s at %zu-%zu\n",
				rs->themes[ref[i].theme].code, ref[i].hit.rule->id, ref[i].hit.start,
				ref[i].hit.end, rs->themes[fast[j].theme].code, fast[j].hit.rule->id,
				fast[j].hit.start, fast[j].hit.end);
			abort();
		}
		i++;
		j++;
	}
	while (i < nr && ref[i].result != RULE_MATCH)
		i++;
	if (i != nr) {
		fprintf(stderr, "the prefilter lost %s by %s at %zu-%zu\n",
			rs->themes[ref[i].theme].code, ref[i].hit.rule->id, ref[i].hit.start,
			ref[i].hit.end);
		abort();
	}
	if (j != nf) {
		fprintf(stderr, "the prefilter alone found %s\n", rs->themes[fast[j].theme].code);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen, xlen;
	struct ruleset *rs;
	struct err e;
	char *xml;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	if (!b)
		return 0;
	xml = build_set((const char *)a, alen, &xlen);
	err_init(&e);
	rs = rules_parse(xml, xlen, "fuzz.rules.xml", &e);
	free(xml);
	if (rs) {
		struct prefilter *pf = prefilter_build(rs, &e);
		struct prefilter_scratch *s = pf ? prefilter_scratch_new(pf, &e) : NULL;
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		struct rule_tag *ref = calloc(rs->nthemes + 1, sizeof *ref);
		struct rule_tag *fast = calloc(rs->nthemes + 1, sizeof *fast);
		char *text = fuzz_strndup(b, blen);

		if (!pf || !s || !md || !ref || !fast) {
			fprintf(stderr, "prefilter: %s\n", err_first(&e));
			abort();
		}
		compare(rs, pf, s, md, text, blen, ref, fast);
		/* The same answer again: the scratch must not carry anything over. */
		compare(rs, pf, s, md, text, blen, ref, fast);
		free(text);
		free(ref);
		free(fast);
		pcre2_match_data_free(md);
		prefilter_scratch_free(s);
		prefilter_free(pf);
		ruleset_free(rs);
	}
	return 0;
}
