/*
 * The fast tagging path against the straightforward one: for generated
 * answers (a fixed seed), prefilter_tag() must give exactly the tags of
 * rules_tag_answer(), which runs every theme through rules_match(): the
 * same themes, rules and spans, in the same order. Answers are built from
 * the rule sets' own examples, cut up, mixed, re-cased and sprinkled with
 * text outside ASCII (including the characters PCRE2 folds onto ASCII
 * letters, other scripts and combining marks), some invalid UTF-8 and some
 * pathological input. Then the same through tagger_run() and its threads.
 */
#include <string.h>
#include <unistd.h>

#include "exercise.h"
#include "prefilter.h"
#include "prefilter_internal.h"
#include "rules.h"
#include "tagger.h"
#include "testutil.h"

/* ---- generated answers ---------------------------------------------------- */

static uint64_t seed;

static uint32_t rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return (uint32_t)((seed * 0x2545F4914F6CDD1Dull) >> 32);
}

static size_t pick(size_t n)
{
	return n ? rnd() % n : 0;
}

/* Text outside ASCII people type, and characters that are hard on matchers. */
static const char *const odd[] = {
	"\xc3\xa9", "\xc3\x89", "\xe2\x80\x99", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x93",
	"\xe2\x80\xa6", "\xc2\xa3", "\xe2\x82\xac", "\xf0\x9f\x98\x8a", "\xe2\x9d\xa4\xef\xb8\x8f",
	"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
	"\xc5\xbf",         /* U+017F long s: PCRE2 matches it for "s" */
	"\xe2\x84\xaa",     /* U+212A Kelvin sign: for "k" */
	"\xe2\x84\xab",     /* U+212B Angstrom sign */
	"\xc3\x9f", "\xe1\xba\x9e", "\xc4\xb0", "\xc4\xb1", "\xc2\xb5", "\xce\xbc", "\xce\xa9",
	"\xce\xb1\xce\xb2", "\xd0\x96", "\xd8\xb4\xd9\x83\xd8\xb1\xd8\xa7", "\xe4\xbd\xa0\xe5\xa5\xbd",
	"e\xcc\x81",        /* e and a combining acute */
	"\xc2\xa0", "\xe2\x80\xa8", "\xe2\x80\x8b", "\xef\xac\x81", "\xc7\x85", "\xef\xbc\xa1",
	"\xe2\x80\x89", "\xe3\x80\x80", "\xc2\x85",
};

/* Bytes that are not UTF-8. */
static const char *const bad[] = {
	"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80",
};

static const char *const seps[] = {
	". ", ", ", " ", "\n", " and ", "! ", "; ", " - ", "  ", "\t", "\r\n", "...",
};

struct corpus {
	const char **ex;     /* example sentences */
	size_t nex;
	const char **q;      /* question codes to give answers */
	size_t nq;
	const char **v;      /* values other answers may have, for <when>s: NULL is unanswered */
	size_t nv;
};

static void corpus_init(struct corpus *c, const struct ruleset *rs)
{
	static const char *const base[] = { "OTHER", "UEC-WELL", "UEC-BETTER", "PRIORITIES" };

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < rs->nthemes; i++)
		c->nex += rs->themes[i].nexamples;
	c->ex = calloc(c->nex + 1, sizeof *c->ex);
	ck_assert_ptr_nonnull(c->ex);
	c->nex = 0;
	for (size_t i = 0; i < rs->nthemes; i++)
		for (size_t k = 0; k < rs->themes[i].nexamples; k++)
			c->ex[c->nex++] = rs->themes[i].examples[k].text;
	c->q = calloc(rs->nthemes * 4 + 5, sizeof *c->q);
	ck_assert_ptr_nonnull(c->q);
	for (size_t i = 0; i < 4; i++)
		c->q[c->nq++] = base[i];
	for (size_t i = 0; i < rs->nthemes; i++)
		for (size_t k = 0; k < rs->themes[i].nquestions && c->nq < rs->nthemes * 4; k++)
			c->q[c->nq++] = rs->themes[i].questions[k];
	/* The questions a single pattern is for, too. */
	for (size_t i = 0; i < rs->nthemes; i++)
		for (size_t k = 0; k < rs->themes[i].nincludes && c->nq < rs->nthemes * 4; k++)
			if (rs->themes[i].includes[k].nquestions)
				c->q[c->nq++] = rs->themes[i].includes[k].questions[0];
	c->v = calloc(rs->nthemes * 8 + 4, sizeof *c->v);
	ck_assert_ptr_nonnull(c->v);
	c->v[c->nv++] = NULL;
	c->v[c->nv++] = "something-else";
	for (size_t i = 0; i < rs->nthemes; i++)
		for (size_t k = 0; k < rs->themes[i].nwhen; k++)
			for (size_t j = 0; j < rs->themes[i].when[k].nvalues && c->nv < rs->nthemes * 8; j++)
				c->v[c->nv++] = rs->themes[i].when[k].values[j];
	ck_assert_int_gt(c->nex, 0);
}

static void corpus_free(struct corpus *c)
{
	free(c->ex);
	free(c->q);
	free(c->v);
}

struct text {
	char b[8192];
	size_t n;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (n > sizeof t->b - 1 - t->n)
		n = sizeof t->b - 1 - t->n;
	memcpy(t->b + t->n, s, n);
	t->n += n;
	t->b[t->n] = '\0';
}

static void puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* The start of a character at or after `at` (UTF-8 continuation bytes skipped). */
static size_t boundary(const struct text *t, size_t at)
{
	while (at < t->n && ((unsigned char)t->b[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void insert(struct text *t, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (t->n + n >= sizeof t->b)
		return;
	memmove(t->b + at + n, t->b + at, t->n - at + 1);
	memcpy(t->b + at, s, n);
	t->n += n;
}

/* One change, as typing and copying make them. */
static void mutate(struct text *t)
{
	size_t at = boundary(t, pick(t->n + 1)), end;
	char c;

	switch (rnd() % 9) {
	case 0: /* flip the case of a letter */
		c = t->b[at];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			t->b[at] = (char)(c ^ 0x20);
		break;
	case 1: /* shout */
		for (size_t i = 0; i < t->n; i++)
			if (t->b[i] >= 'a' && t->b[i] <= 'z')
				t->b[i] = (char)(t->b[i] - 32);
		break;
	case 2: /* drop a character */
		if (at < t->n) {
			end = boundary(t, at + 1);
			memmove(t->b + at, t->b + end, t->n - end + 1);
			t->n -= end - at;
		}
		break;
	case 3: case 4: /* something outside ASCII */
		insert(t, at, odd[pick(sizeof odd / sizeof *odd)]);
		break;
	case 5: /* an s or a k typed as the characters PCRE2 folds onto them */
		for (size_t i = at; i < t->n; i++)
			if (t->b[i] == 's' || t->b[i] == 'k' || t->b[i] == 'S' || t->b[i] == 'K') {
				const char *f = (t->b[i] | 0x20) == 's' ? "\xc5\xbf" : "\xe2\x84\xaa";

				memmove(t->b + i, t->b + i + 1, t->n - i);
				t->n--;
				insert(t, i, f);
				break;
			}
		break;
	case 6: /* another separator */
		for (size_t i = at; i < t->n; i++)
			if (t->b[i] == ' ') {
				memmove(t->b + i, t->b + i + 1, t->n - i);
				t->n--;
				insert(t, i, seps[pick(sizeof seps / sizeof *seps)]);
				break;
			}
		break;
	case 7: /* a word said twice */
		if (at < t->n) {
			char word[64];

			end = at;
			while (end < t->n && end - at < sizeof word - 1 && t->b[end] != ' ')
				end++;
			memcpy(word, t->b + at, end - at);
			word[end - at] = ' ';
			word[end - at + 1] = '\0';
			insert(t, at, word);
		}
		break;
	default: /* cut short */
		t->n = boundary(t, t->n / 2 + pick(t->n / 2 + 1));
		t->b[t->n] = '\0';
		break;
	}
}

static void some_words(struct text *t, const struct corpus *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *x = c->ex[pick(c->nex)];
		size_t len = strlen(x), from = pick(len), to;

		while (from > 0 && x[from - 1] != ' ')
			from--;
		to = from;
		while (to < len && x[to] != ' ')
			to++;
		if (i)
			puts_(t, rnd() % 5 ? " " : odd[pick(sizeof odd / sizeof *odd)]);
		put(t, x + from, to - from);
	}
}

static void generate(struct text *t, const struct corpus *c)
{
	unsigned kind = rnd() % 100;

	t->n = 0;
	t->b[0] = '\0';
	if (kind < 40) {
		puts_(t, c->ex[pick(c->nex)]);
		for (unsigned k = rnd() % 4; k > 0; k--)
			mutate(t);
	} else if (kind < 75) {
		for (unsigned k = 2 + rnd() % 4; k > 0; k--) {
			if (rnd() % 2)
				puts_(t, c->ex[pick(c->nex)]);
			else
				some_words(t, c, 1 + pick(8));
			puts_(t, seps[pick(sizeof seps / sizeof *seps)]);
		}
		for (unsigned k = rnd() % 3; k > 0; k--)
			mutate(t);
	} else if (kind < 90) {
		some_words(t, c, 1 + pick(30));
		for (unsigned k = rnd() % 3; k > 0; k--)
			mutate(t);
	} else if (kind < 95) {
		puts_(t, c->ex[pick(c->nex)]);
		for (size_t i = 0; i < t->n; i++)
			if (t->b[i] == ' ' && rnd() % 2) {
				static const char *const ws[] = { "\xc2\xa0", "\t", "\n", "\xe2\x80\xa8",
								   "   ", "\xe3\x80\x80" };

				memmove(t->b + i, t->b + i + 1, t->n - i);
				t->n--;
				insert(t, i, ws[pick(sizeof ws / sizeof *ws)]);
			}
	} else if (kind < 97) {
		/* Food for nested repeats: a long run and a spoiler. */
		size_t n = 20 + pick(3000);

		if (rnd() % 2)
			puts_(t, c->ex[pick(c->nex)]);
		for (size_t i = 0; i < n; i++)
			puts_(t, kind == 95 ? "a" : "A");
		puts_(t, rnd() % 2 ? "b" : "!");
	} else if (kind < 98) {
		puts_(t, rnd() % 2 ? "" : "   ");
	} else {
		puts_(t, c->ex[pick(c->nex)]);
		insert(t, boundary(t, pick(t->n + 1)), bad[pick(sizeof bad / sizeof *bad)]);
	}
}

/* ---- the comparison ----------------------------------------------------------- */

struct tally {
	long answers, tags, subtheme_tags, invalid, folded_tags, ref_errors, fast_errors;
	long fallback_tags, conditioned_tags; /* by a group's fallback, by a theme with <when> */
	long excluded; /* an include matched, an exclude cancelled it */
};

static int has_fold(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((s[i] == '\xc5' && s[i + 1] == '\xbf') ||
		    (i + 2 < n && s[i] == '\xe2' && s[i + 1] == '\x84' && s[i + 2] == '\xaa'))
			return 1;
	return 0;
}

/* Whether some theme with excludes had an include match and lost it. */
static int excluded(const struct ruleset *rs, const char *text, size_t len, const char *q,
		    pcre2_match_data *md)
{
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		struct rule_hit hit;

		if (!t->nexcludes || !rules_applies(t, q) ||
		    rules_match(rs, t, text, len, 1, md, &hit) != RULE_NO_MATCH)
			continue;
		for (size_t k = 0; k < t->nincludes; k++)
			if (pcre2_match(t->includes[k].code, (PCRE2_SPTR)text, len, 0,
					PCRE2_NO_UTF_CHECK, md, rs->mctx) > 0)
				return 1;
	}
	return 0;
}

static void print_text(char *out, size_t cap, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
	}
	out[k] = '\0';
}

static void compare(const char *name, const struct ruleset *rs, const struct prefilter *pf,
		    long n, uint64_t with_seed, struct tally *tl)
{
	struct corpus c;
	struct text t;
	struct rule_tag *ref = calloc(rs->nthemes + 1, sizeof *ref);
	struct rule_tag *fast = calloc(rs->nthemes + 1, sizeof *fast);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct prefilter_scratch *s = prefilter_scratch_new(pf, NULL);
	char shown[2048], joined[RULES_MAX_WHEN][128];
	const char *values[RULES_MAX_WHEN];
	struct rule_context ctx = { NULL, values };

	ck_assert(ref && fast && md && s);
	memset(tl, 0, sizeof *tl);
	corpus_init(&c, rs);
	seed = with_seed;
	for (long a = 0; a < n; a++) {
		const char *q = c.q[pick(c.nq)];
		int nr, nf, i = 0, j = 0;

		generate(&t, &c);
		/* The response's other answers: none, one value, or two (a multiple choice). */
		for (size_t k = 0; k < rs->nwhen_questions; k++) {
			values[k] = c.v[pick(c.nv)];
			if (values[k] && rnd() % 4 == 0) {
				const char *more = c.v[1 + pick(c.nv - 1)];

				snprintf(joined[k], sizeof joined[k], "%s%c%s", rnd() % 2 ? values[k] : more,
					 RULE_VALUE_SEP, rnd() % 2 ? more : values[k]);
				values[k] = joined[k];
			}
		}
		ctx.question = q;
		nr = rules_tag_answer_in(rs, t.b, t.n, &ctx, md, ref);
		nf = prefilter_tag_in(pf, s, t.b, t.n, &ctx, fast);
		tl->answers++;
		print_text(shown, sizeof shown, t.b, t.n);
		ck_assert_msg((nr < 0) == (nf < 0), "%s: answer %ld: UTF-8 verdicts differ: \"%s\"",
			      name, a, shown);
		if (nr < 0) {
			tl->invalid++;
			continue;
		}
		/* The tags, exactly; errors only where the reference has them too. */
		for (;;) {
			while (i < nr && ref[i].result != RULE_MATCH)
				tl->ref_errors++, i++;
			while (j < nf && fast[j].result != RULE_MATCH) {
				int also = 0;

				for (int k = 0; k < nr; k++)
					also |= ref[k].theme == fast[j].theme &&
						ref[k].result == RULE_ERROR;
				ck_assert_msg(also, "%s: answer %ld: theme %s gave up on the fast "
						    "path only: \"%s\"",
					      name, a, rs->themes[fast[j].theme].code, shown);
				tl->fast_errors++;
				j++;
			}
			if (i == nr || j == nf)
				break;
			ck_assert_msg(ref[i].theme == fast[j].theme &&
					      ref[i].hit.rule == fast[j].hit.rule &&
					      ref[i].hit.start == fast[j].hit.start &&
					      ref[i].hit.end == fast[j].hit.end,
				      "%s: answer %ld (question %s): reference %s by %s at %zu-%zu, fast "
				      "%s by %s at %zu-%zu: \"%s\"",
				      name, a, q, rs->themes[ref[i].theme].code, ref[i].hit.rule->id,
				      ref[i].hit.start, ref[i].hit.end, rs->themes[fast[j].theme].code,
				      fast[j].hit.rule->id, fast[j].hit.start, fast[j].hit.end, shown);
			tl->tags++;
			tl->subtheme_tags += rs->themes[ref[i].theme].parent >= 0;
			tl->fallback_tags += ref[i].hit.rule == &rs->themes[ref[i].theme].fallback;
			tl->conditioned_tags += rs->themes[ref[i].theme].nwhen > 0;
			tl->folded_tags += has_fold(t.b + ref[i].hit.start,
						    ref[i].hit.end - ref[i].hit.start);
			i++;
			j++;
		}
		while (i < nr && ref[i].result != RULE_MATCH)
			tl->ref_errors++, i++;
		ck_assert_msg(i == nr,
			      "%s: answer %ld (question %s): %s by %s at %zu-%zu, not found by the "
			      "fast path: \"%s\"",
			      name, a, q, rs->themes[ref[i].theme].code, ref[i].hit.rule->id,
			      ref[i].hit.start, ref[i].hit.end, shown);
		ck_assert_msg(j == nf, "%s: answer %ld (question %s): %s by %s, found by the fast "
				       "path only: \"%s\"",
			      name, a, q, rs->themes[fast[j].theme].code,
			      fast[j].result == RULE_MATCH ? fast[j].hit.rule->id : "(error)", shown);
		if (a % 8 == 0)
			tl->excluded += excluded(rs, t.b, t.n, q, md);
	}
	corpus_free(&c);
	prefilter_scratch_free(s);
	pcre2_match_data_free(md);
	free(ref);
	free(fast);
}

static struct ruleset *load(const char *path)
{
	struct err e;
	struct ruleset *rs;

	err_init(&e);
	rs = rules_load(path, &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	return rs;
}

static struct prefilter *build(const struct ruleset *rs)
{
	struct err e;
	struct prefilter *pf;

	err_init(&e);
	pf = prefilter_build(rs, &e);
	ck_assert_msg(pf != NULL, "%s", err_first(&e));
	return pf;
}

/* ---- the rule sets ------------------------------------------------------------ */

START_TEST(test_bench_rules)
{
	struct ruleset *rs = load(SAMPLE("../bench/rules.xml"));
	struct prefilter *pf = build(rs);
	struct tally tl;

	ck_assert_int_le(prefilter_nslow(pf), rs->nincludes / 20);
	compare("bench/rules.xml", rs, pf, 100000, 0x5EED2019u, &tl);
	ck_assert_int_eq(tl.answers, 100000);
	ck_assert_int_gt(tl.tags, 20000);
	ck_assert_int_gt(tl.subtheme_tags, 5000);
	ck_assert_int_gt(tl.excluded, 50);
	ck_assert_int_gt(tl.invalid, 100);
	ck_assert_int_gt(tl.folded_tags, 10);
	prefilter_free(pf);
	ruleset_free(rs);
}
END_TEST

/* Every construct of the rule language: word lists, near, not-preceded-by, conditions, a group. */
START_TEST(test_language_rules)
{
	struct ruleset *rs = load(FIXTURE("rules/language.rules.xml"));
	struct prefilter *pf = build(rs);
	struct tally tl;

	/* Only the pattern that matches any word is run on every answer. */
	ck_assert_int_eq(prefilter_nslow(pf), 1);
	compare("language.rules.xml", rs, pf, 30000, 0x1A96u, &tl);
	ck_assert_int_gt(tl.tags, 10000);
	ck_assert_int_gt(tl.subtheme_tags, 300);
	ck_assert_int_gt(tl.fallback_tags, 1000);
	ck_assert_int_gt(tl.conditioned_tags, 1000);
	ck_assert_int_gt(tl.excluded, 10);
	prefilter_free(pf);
	ruleset_free(rs);
}
END_TEST

START_TEST(test_sample_rules)
{
	struct ruleset *rs = load(SAMPLE("rules/twb-2019.rules.xml"));
	struct prefilter *pf = build(rs);
	struct tally tl;

	ck_assert_int_le(prefilter_nslow(pf), rs->nincludes / 20);
	compare("twb-2019.rules.xml", rs, pf, 30000, 0xC0FFEEu, &tl);
	ck_assert_int_gt(tl.tags, 10000);
	ck_assert_int_gt(tl.subtheme_tags, 3000);
	ck_assert_int_gt(tl.excluded, 20);
	ck_assert_int_gt(tl.invalid, 30);
	prefilter_free(pf);
	ruleset_free(rs);
}
END_TEST

/*
 * Patterns that test the reading: quoting, case rules and inline options,
 * classes of every kind, characters outside ASCII in patterns, assertions,
 * repeats, groups of every kind, and constructs it leaves to the slow way.
 */
#define TH(code, body) "<theme code=\"" code "\" label=\"" code "\">" body "</theme>\n"
#define INC(p) "<include><![CDATA[" p "]]></include>"
#define INC_CS(p) "<include case=\"sensitive\"><![CDATA[" p "]]></include>"
#define EXC(p) "<exclude><![CDATA[" p "]]></exclude>"
#define EX(t) "<example match=\"true\">" t "</example>"
#define NO(t) "<example match=\"false\">" t "</example>"

static const char *const tricky[] = {
	TH("QUOTE", INC("\\Qa+b (c)\\E\\s*x|\\Qzq\\E{2}") EX("a+b (c) x") EX("zqq")),
	TH("CASE", INC_CS("\\bNHS\\b|\\bED\\b") EX("the NHS and ED") NO("the nhs")),
	TH("INLINE", INC_CS("(?i)ward\\s+(?-i)B\\d+|(?i:theatre)\\s+T\\b|(?^)Xyz")
	   INC("(?-i:Mr)\\s+smith|(?:(?-i)Dr)\\s+who")
	   EX("WARD B12") EX("THEATRE T") EX("Xyz") EX("Mr SMITH") EX("Dr WHO") NO("ward b12")),
	TH("CAFE", INC("\\bcaf\xc3\xa9\\b|\\bcaf[e\xc3\xa9]\\s+(?:area|bar)")
	   EX("the CAF\xc3\x89 was shut") EX("cafe bar")),
	TH("FOLDS", INC("\\bclass\\b|\\bkind\\b") EX("a cla\xc5\xbfs") EX("\xe2\x84\xaaind nurses")),
	TH("PFOLDS", INC("the\\s+\xc5\xbftaff|a\\s\\x{212A}ettle|my\\s[\xc5\xbf]ister")
	   EX("the staff") EX("a kettle") EX("my sister")),
	TH("CLASSES",
	   INC("code\\s*[^a-z\\s]{3}\\d|\\b[Pp][Aa][Rr][Kk]\\w*|room\\s*[0-9]{2,3}\\b"
	       "|box[^\xe2\x80\x99']ye")
	   INC("[[:alpha:]]+ward\\b|box[^[:alpha:]\\s]ward|cap[^\\p{L}]top|[\\d\\-]+ml\\s+dose"
	       "|[\\w.]+@nhs\\.net|[]a]bc[^]]de")
	   EX("code ABC1") EX("PARKING") EX("room 101") EX("boxzye") EX("backward") EX("box5ward")
	   EX("cap1top") EX("10-20ml dose") EX("j.smith@nhs.net") EX("]bcxde")),
	TH("PROPS", INC("\\p{Lu}{2,}\\s+waiting|\\p{Greek}+\\s+text|\\pL\\PLgap")
	   EX("LONG waiting") EX("\xce\xb1\xce\xb2 text") EX("a1gap")),
	TH("LOOK", INC("(?<!no\\s)\\bwait(?!ing\\s+room)|(?<=\\d\\s)hours?\\b")
	   EXC("\\bdidn['\xe2\x80\x99]?t\\s+wait") EX("a long wait") EX("6 hours")
	   NO("no wait") NO("I didn't wait")),
	TH("SLOWS", INC("\\b(\\w+)\\s+\\1\\b") INC("(?x) park \\s+ ing") INC("\\((?:[^()]|(?R))*\\)")
	   INC("x{,3}y") INC("\\bA\\s*&\\s*E\\b|\\bE\\b") EX("the the") EX("parking") EX("(a(b))")),
	TH("NESTED", INC("(a+)+$") EX("aaaa")),
	TH("ALTS", INC("(?:very\\s+|)long\\s+wait|colou?r|gr[ae]y\\b|\\b(?:ha){2,}\\b|\\bzz{3}")
	   EX("long wait") EX("colour") EX("grey") EX("hahaha") EX("zzzz")),
	TH("DOTS", INC("ward.\\d+|abc\\Sdef\\Dghi|cat\\wgor\\dy\\s\\hthe\\vend|bed.*?night"
		       "|ward.+?closed|\\Ntea\\X")
	   EX("ward 5") EX("abcxdefxghi") EX("catxgor4y\n\tthe\nend") EX("bed all night")
	   EX("ward was closed") EX("xteaz")),
	TH("ANCHORS", INC("^thanks|great$|\\Athank\\z|\\Gokay") EX("thanks a lot") EX("it was great")),
	TH("ESCAPES", INC("line\\none|tab\\there|\\x41\\x42C|\\x{44}EF|\\e\\a\\f|cost\\s+\\$\\d+\\.\\d\\d")
	   EX("tab\there") EX("ABC") EX("DEF") EX("cost $12.50")),
	TH("GROUPS", INC("(?>appoint|appointment)ment|(?|(ab)|(cd))x|(?<w>nurse)s?\\b|(?P<v>doctor)"
			 "|(?'u'midwife)")
	   INC("park(?#a comment)ing|(?:(?:(?:deep)))\\s+end") EX("appointment") EX("abx")
	   EX("nurses") EX("doctor") EX("midwife") EX("parking") EX("deep end")),
	TH("COUNTS", INC("\\b(?:ab){3}\\b|x{3,5}y|[a-c]{3}d{1,2}|(?:wait\\w*\\s+){2}long")
	   EX("ababab") EX("xxxy") EX("abcdd") EX("waiting waited long")),
	TH("PARENT", INC("\\bhospital\\b") EX("the hospital")),
	"<theme code=\"CHILD\" label=\"c\" parent=\"PARENT\">" INC("\\bhospital\\s+food\\b")
	   EXC("\\bhospital\\s+food\\s+(?:was|is)\\s+fine\\b") EX("hospital food")
	   NO("hospital food was fine") "</theme>\n",
	"<theme code=\"ONLY\" label=\"o\"><questions>UEC-WELL UEC-BETTER</questions>"
	   INC("\\bqueue\\w*") EX("the queue") "</theme>\n"
};


/* Appends; returns the length it needed (as BSD strlcat). */
static size_t strlcat_(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(dst), m = strlen(src);

	if (n + m < cap)
		memcpy(dst + n, src, m + 1);
	return n + m;
}

START_TEST(test_tricky_rules)
{
	struct err e;
	struct ruleset *rs;
	struct prefilter *pf;
	struct tally tl;
	static const char *const slow[] = { "SLOWS/1", "SLOWS/2", "SLOWS/3", "SLOWS/4", "SLOWS/5",
					    "NESTED/1" };
	size_t nslow;

	char xml[16384] = "<rules>\n";

	for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
		ck_assert_int_lt(strlcat_(xml, tricky[i], sizeof xml), sizeof xml);
	ck_assert_int_lt(strlcat_(xml, "</rules>\n", sizeof xml), sizeof xml);
	err_init(&e);
	rs = rules_parse(xml, strlen(xml), "tricky.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	pf = build(rs);
	/* Exactly those are run on every answer, each with its reason. */
	nslow = prefilter_nslow(pf);
	for (size_t i = 0; i < nslow; i++) {
		const char *why;
		const struct rule_pattern *p = prefilter_slow(pf, i, &why);
		int expected = 0;

		for (size_t k = 0; k < sizeof slow / sizeof *slow; k++)
			expected |= !strcmp(p->id, slow[k]);
		ck_assert_msg(expected, "%s is run on every answer: %s", p->id, why);
		ck_assert(why && *why);
	}
	ck_assert_int_eq(nslow, sizeof slow / sizeof *slow);
	ck_assert_ptr_null(prefilter_slow(pf, nslow, &(const char *){ NULL }));
	ck_assert_int_gt(prefilter_npieces(pf), 50);
	compare("tricky", rs, pf, 40000, 0xDEC0DEu, &tl);
	ck_assert_int_gt(tl.tags, 10000);
	ck_assert_int_gt(tl.folded_tags, 50);
	ck_assert_int_gt(tl.ref_errors, 10); /* (a+)+$ gave up, on both paths */
	ck_assert_int_gt(tl.fast_errors, 10);
	ck_assert_int_gt(tl.excluded, 10);
	prefilter_free(pf);
	ruleset_free(rs);
}
END_TEST

/* The characters the prefilter treats as folding onto ASCII are all PCRE2 has. */
START_TEST(test_ascii_folds)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR) "[\\x00-\\x7f]", PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &code, &off, NULL);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	size_t listed = 0, found = 0;

	ck_assert(re && md);
	while (prefilter_ascii_folds[listed])
		listed++;
	for (unsigned c = 0x80; c <= 0x10FFFF; c++) {
		unsigned char b[4];
		size_t n;
		int known = 0;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		if (c < 0x800) {
			b[0] = (unsigned char)(0xC0 | c >> 6);
			b[1] = (unsigned char)(0x80 | (c & 0x3F));
			n = 2;
		} else if (c < 0x10000) {
			b[0] = (unsigned char)(0xE0 | c >> 12);
			b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			b[2] = (unsigned char)(0x80 | (c & 0x3F));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | c >> 18);
			b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
			b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			b[3] = (unsigned char)(0x80 | (c & 0x3F));
			n = 4;
		}
		if (pcre2_match(re, b, n, 0, 0, md, NULL) < 0)
			continue;
		for (size_t k = 0; k < listed; k++)
			known |= prefilter_ascii_folds[k] == c;
		ck_assert_msg(known, "PCRE2 folds U+%04X onto ASCII: add it to prefilter_ascii_folds", c);
		found++;
	}
	ck_assert_int_eq(found, listed);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}
END_TEST

/* ---- through tagger_run(), with and without threads ----------------------- */

static long long add_answers(sqlite3 *db, long long ex, long n, uint64_t with_seed,
			     const struct corpus *c)
{
	sqlite3_stmt *resp, *ans;
	long long *qs = NULL, first = 0;
	size_t nq = 0;
	struct text t;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT q.id FROM question q JOIN questionnaire n "
						"ON n.id = q.questionnaire_id WHERE n.variant = "
						"'standard' ORDER BY q.id", -1, &resp, NULL),
			 SQLITE_OK);
	while (sqlite3_step(resp) == SQLITE_ROW) {
		qs = realloc(qs, (nq + 1) * sizeof *qs);
		ck_assert_ptr_nonnull(qs);
		qs[nq++] = sqlite3_column_int64(resp, 0);
	}
	sqlite3_finalize(resp);
	ck_assert_int_gt(nq, 5);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO response (exercise_id, channel, "
						"form_variant, recorded_at) VALUES (?1, 'online', "
						"'standard', '2019-07-01T00:00:00Z')", -1, &resp, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO answer (response_id, question_id, "
						"value) VALUES (?1, ?2, ?3)", -1, &ans, NULL),
			 SQLITE_OK);
	seed = with_seed;
	for (long i = 0, r = 0; i < n; i++) {
		if (i % 3 == 0) {
			sqlite3_bind_int64(resp, 1, ex);
			ck_assert_int_eq(sqlite3_step(resp), SQLITE_DONE);
			sqlite3_reset(resp);
			r = sqlite3_last_insert_rowid(db);
		}
		generate(&t, c);
		sqlite3_bind_int64(ans, 1, r);
		sqlite3_bind_int64(ans, 2, qs[pick(nq)]); /* free text or not */
		if (i % 50 == 7)
			sqlite3_bind_null(ans, 3);
		else
			sqlite3_bind_text(ans, 3, t.b, (int)t.n, SQLITE_TRANSIENT);
		ck_assert_int_eq(sqlite3_step(ans), SQLITE_DONE);
		sqlite3_reset(ans);
		if (!first)
			first = sqlite3_last_insert_rowid(db);
	}
	sqlite3_finalize(resp);
	sqlite3_finalize(ans);
	free(qs);
	return first;
}

/* Every tag, one line each, in answer and theme order. */
static char *tags_of(sqlite3 *db)
{
	sqlite3_stmt *st;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT t.answer_id, h.code, u.name, t.match_start, "
						"t.match_end FROM tag t JOIN theme h ON h.id = "
						"t.theme_id JOIN rule u ON u.ruleset_id = "
						"h.ruleset_id AND u.no = t.rule_no "
						"ORDER BY t.answer_id, h.position",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(f, "%lld %s %s %lld %lld\n", sqlite3_column_int64(st, 0),
			sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
			sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
	sqlite3_finalize(st);
	fclose(f);
	return out;
}

/* The same, worked out answer by answer with the reference path. */
static char *expected_tags(sqlite3 *db, const struct ruleset *rs, long *answers, long *invalid)
{
	sqlite3_stmt *st;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct rule_tag *tags = calloc(rs->nthemes + 1, sizeof *tags);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);

	ck_assert(f && tags && md);
	*answers = *invalid = 0;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT a.id, a.value, q.code FROM answer a JOIN "
						"question q ON q.id = a.question_id WHERE q.type = "
						"'free-text' AND a.value IS NOT NULL ORDER BY a.id",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = sqlite3_column_blob(st, 1);
		int n = rules_tag_answer(rs, text ? text : "", (size_t)sqlite3_column_bytes(st, 1),
					 (const char *)sqlite3_column_text(st, 2), md, tags);

		++*answers;
		*invalid += n < 0;
		for (int k = 0; k < n; k++)
			if (tags[k].result == RULE_MATCH)
				fprintf(f, "%lld %s %s %zu %zu\n", sqlite3_column_int64(st, 0),
					rs->themes[tags[k].theme].code, tags[k].hit.rule->id,
					tags[k].hit.start, tags[k].hit.end);
	}
	sqlite3_finalize(st);
	fclose(f);
	free(tags);
	pcre2_match_data_free(md);
	return out;
}

static void run_tagger(sqlite3 *db, long long ex, const struct ruleset *rs, int threads,
		       struct tag_stats *st)
{
	struct err e, errors;

	struct tagger_options opt = { .threads = threads };

	err_init(&e);
	err_init(&errors);
	ck_assert_msg(tagger_run(db, ex, rs, &opt, st, &errors, &e) == 0, "%s", err_first(&e));
}

/* tagger_run() on `db`, with 1 and 3 threads, against the reference; closes `db`. */
static void tagger_threads_on(sqlite3 *db)
{
	struct err e;
	struct exercise_changes ch;
	struct exercise_def *d;
	struct ruleset *rs = load(SAMPLE("../bench/rules.xml"));
	struct corpus c;
	struct tag_stats st;
	long long ex;
	long answers, invalid;
	char *want, *got;

	err_init(&e);
	d = exercise_load(SAMPLE("exercise-2019.xml"), &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, &ex, &ch, &e), 0);
	exercise_def_free(d);
	corpus_init(&c, rs);
	add_answers(db, ex, 12000, 42, &c);

	want = expected_tags(db, rs, &answers, &invalid);
	ck_assert_int_gt(answers, 5000);
	ck_assert_int_gt(invalid, 5);
	for (int threads = 1; threads <= 4; threads += 2) {
		test_exec(db, "DELETE FROM ruleset");
		run_tagger(db, ex, rs, threads, &st);
		got = tags_of(db);
		ck_assert_msg(!strcmp(got, want), "%d threads: the tags differ from the reference",
			      threads);
		ck_assert_int_eq(st.answers, answers);
		ck_assert_int_eq(st.invalid_utf8, invalid);
		ck_assert_int_eq(st.same_version, 0);
		free(got);
	}
	free(want);

	/* Answers added since: only they are read, and the whole agrees again. */
	add_answers(db, ex, 3000, 43, &c);
	want = expected_tags(db, rs, &answers, &invalid);
	run_tagger(db, ex, rs, 3, &st);
	ck_assert_int_eq(st.same_version, 1);
	ck_assert_int_gt(st.answers, 500);
	ck_assert_int_lt(st.answers, 3000);
	got = tags_of(db);
	ck_assert_msg(!strcmp(got, want), "after new answers: the tags differ from the reference");
	free(got);

	/* Responses of another exercise, even to this one's questions: the
	   reading joins them back to their exercise and leaves them out. */
	test_exec(db, "INSERT INTO exercise (code, title, opens, closes) VALUES "
		      "('other', 'Other', '2019-01-01', '2019-12-31')");
	add_answers(db, sqlite3_last_insert_rowid(db), 3000, 44, &c);
	test_exec(db, "DELETE FROM ruleset");
	run_tagger(db, ex, rs, 3, &st);
	ck_assert_int_eq(st.answers, answers);
	got = tags_of(db);
	ck_assert_msg(!strcmp(got, want), "another exercise's answers were tagged");
	free(got);
	free(want);
	corpus_free(&c);
	ruleset_free(rs);
	sqlite3_close(db);
}

START_TEST(test_tagger_threads)
{
	tagger_threads_on(test_memdb());
}
END_TEST

/*
 * The same on a database in a file: with workers, a reader thread reads
 * the answers through a connection of its own while this one writes the
 * tags; the tags are still those of one thread, in its order.
 */
START_TEST(test_tagger_threads_file)
{
	char path[128];
	struct err e;
	sqlite3 *db;

	err_init(&e);
	snprintf(path, sizeof path, "%s/threads.db", test_tmpdir());
	db = db_open(path, DB_MAY_CREATE, NULL, &e);
	ck_assert_msg(db != NULL, "%s", err_first(&e));
	tagger_threads_on(db);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, "-shm");
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}
END_TEST

/*
 * Patterns that look for a NUL byte: Vectorscan's literal API took a piece
 * starting with one for an empty piece and refused the whole set, so one
 * such pattern stopped every tag run (found by fuzz/fuzz_prefilter.c).
 * They are run on every answer, and the tags are the reference's.
 */
START_TEST(test_nul_pieces)
{
	static const char xml[] =
		"<rules><theme code=\"NUL\" label=\"n\">"
		INC("\\b\\x]of[-\\s]hours\\b") INC("[\\x00]park") INC("\\x00\\x00")
		"</theme><theme code=\"P\" label=\"p\">" INC("\\bparking\\b") "</theme></rules>";
	static const char *const answers[] = { "parking", "a\0]of hours", "x\0park" };
	static const size_t lens[] = { 7, 11, 6 };
	struct prefilter_scratch *s;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag ref[2], fast[2];
	struct prefilter *pf;
	struct ruleset *rs;
	struct err e;

	err_init(&e);
	rs = rules_parse(xml, strlen(xml), "nul.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	pf = build(rs);
	ck_assert_int_eq(prefilter_nslow(pf), 3);
	for (size_t i = 0; i < 3; i++) {
		const char *why = NULL;
		const struct rule_pattern *p = prefilter_slow(pf, i, &why);

		ck_assert_msg(why && strstr(why, "NUL"), "%s: %s", p->id, why);
	}
	s = prefilter_scratch_new(pf, &e);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(md);
	for (size_t i = 0; i < 3; i++) {
		int nr = rules_tag_answer(rs, answers[i], lens[i], "Q", md, ref);
		int nf = prefilter_tag(pf, s, answers[i], lens[i], "Q", fast);

		ck_assert_int_eq(nr, 1);
		ck_assert_int_eq(nf, 1);
		ck_assert_int_eq(ref[0].theme, fast[0].theme);
		ck_assert_ptr_eq(ref[0].hit.rule, fast[0].hit.rule);
		ck_assert_int_eq(ref[0].hit.start, fast[0].hit.start);
		ck_assert_int_eq(ref[0].hit.end, fast[0].hit.end);
	}
	pcre2_match_data_free(md);
	prefilter_scratch_free(s);
	prefilter_free(pf);
	ruleset_free(rs);
}
END_TEST

/*
 * A saved prefilter whose pieces' lengths do not agree with its Vectorscan
 * database (bytes changed in the cache): a piece found ending before its
 * length was an assertion (found by fuzz/fuzz_prefilter_save.c). The
 * answer is now tried against every pattern, so the tags are the
 * reference's.
 */
START_TEST(test_restore_disagreeing_pieces)
{
	static const char xml[] =
		"<rules><theme code=\"P\" label=\"p\">" INC("\\bpark") "</theme>"
		"<theme code=\"C\" label=\"c\">" INC("parking charges") "</theme></rules>";
	static const char *const answers[] = { "park", "parking charges", "no car" };
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag ref[2], fast[2];
	struct prefilter_scratch *s;
	struct prefilter *pf, *bent;
	size_t len, at, a = SIZE_MAX, b = SIZE_MAX;
	struct ruleset *rs;
	uint64_t n64;
	char *blob;
	struct err e;

	err_init(&e);
	rs = rules_parse(xml, strlen(xml), "bent.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	pf = build(rs);
	ck_assert_int_eq(prefilter_save(pf, &blob, &len, &e), 0);
	/* Two pieces of different lengths, both longer than a byte. */
	for (size_t k = 0; k < pf->npieces; k++)
		if (pf->pieces[k].n > 1 && a == SIZE_MAX)
			a = k;
		else if (pf->pieces[k].n > 1 && pf->pieces[k].n != pf->pieces[a].n && b == SIZE_MAX)
			b = k;
	ck_assert_msg(a != SIZE_MAX && b != SIZE_MAX, "%zu pieces", pf->npieces);
	/* The lengths are saved as their count, then one size_t each: swap the two. */
	n64 = pf->npieces;
	for (at = 0; at + 8 + pf->npieces * sizeof(size_t) <= len; at++) {
		size_t k = 0;

		if (memcmp(blob + at, &n64, 8))
			continue;
		for (k = 0; k < pf->npieces; k++)
			if (memcmp(blob + at + 8 + k * sizeof(size_t), &pf->pieces[k].n, sizeof(size_t)))
				break;
		if (k == pf->npieces)
			break;
	}
	ck_assert_uint_lt(at + 8, len);
	memcpy(blob + at + 8 + a * sizeof(size_t), &pf->pieces[b].n, sizeof(size_t));
	memcpy(blob + at + 8 + b * sizeof(size_t), &pf->pieces[a].n, sizeof(size_t));
	bent = prefilter_restore(rs, blob, len, &e);
	ck_assert_msg(bent != NULL, "%s", err_first(&e));
	s = prefilter_scratch_new(bent, &e);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < sizeof answers / sizeof *answers; i++) {
		size_t n = strlen(answers[i]);
		int nr = rules_tag_answer(rs, answers[i], n, "Q", md, ref);
		int nf = prefilter_tag(bent, s, answers[i], n, "Q", fast);

		ck_assert_int_eq(nf, nr);
		for (int k = 0; k < nr; k++) {
			ck_assert_int_eq(ref[k].theme, fast[k].theme);
			ck_assert_int_eq(ref[k].hit.start, fast[k].hit.start);
			ck_assert_int_eq(ref[k].hit.end, fast[k].hit.end);
		}
	}
	prefilter_scratch_free(s);
	prefilter_free(bent);
	prefilter_free(pf);
	free(blob);
	pcre2_match_data_free(md);
	ruleset_free(rs);
}
END_TEST

/*
 * Patterns that are only strings are settled by comparing the strings
 * where the prefilter found their heads, without PCRE2: the tags are the
 * reference's, including where that cannot be told without PCRE2 (\b next
 * to a character outside ASCII, two strings of different lengths at one
 * place, a folding character), and most tries are settled that way.
 */
START_TEST(test_literal_rules)
{
	static const char xml[] =
		"<rules>"
		TH("BUS", INC("\\bbus(?:es)?\\b") EXC("\\bbusiness\\b") EX("the buses, late")
		   NO("bus business"))
		TH("APP", INC("\\bapps?\\b|\\bwebsite\\b") EX("an app or website"))
		TH("ED", INC_CS("\\bED\\b") EX("ED: full"))
		TH("OPT", INC("\\bcar park|car parks?") EX("no car parks"))
		TH("MID", INC("\\bmidwi(?:fe|ves)\\b") EX("Midwives (kind)"))
		TH("KIND", INC("kind") EX("unkind"))
		TH("SIGN", INC("\\ba\\&e\\b|\\b999\\b") EX("rang 999 for A&amp;E"))
		"</rules>";
	static const char *const answers[] = {
		"the bus was late", "buses, buses", "no business here", "Bus stop", "abus bus",
		"the BUSES and the app", "apps. website!", "website\xc3\xa9 apps", "\xc3\xa9" "apps",
		"ED was full", "ed was full", "SHED ED", "the car parks were full",
		"car park, car parks", "car parking", "Midwives midwife", "midwifery", "so kind",
		"\xe2\x84\xaaind staff", "the \xc5\xbftaff were kind", "A&E and 999", "a&e9999 a&e",
		"", "bus", "xbus", "bus\xc3\xa9", "caf\xc3\xa9 bus\xe2\x80\x99s",
	};
	struct prefilter_stats st;
	struct prefilter_scratch *s;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag ref[8], fast[8];
	struct prefilter *pf;
	struct ruleset *rs;
	struct err e;
	struct tally tl;

	err_init(&e);
	rs = rules_parse(xml, strlen(xml), "literal.xml", &e);
	ck_assert_msg(rs != NULL, "%s", err_first(&e));
	pf = build(rs);
	s = prefilter_scratch_new(pf, &e);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(md);
	memset(&st, 0, sizeof st);
	prefilter_scratch_count(s, &st);
	for (size_t i = 0; i < sizeof answers / sizeof *answers; i++) {
		size_t len = strlen(answers[i]);
		int nr = rules_tag_answer(rs, answers[i], len, "Q", md, ref);
		int nf = prefilter_tag(pf, s, answers[i], len, "Q", fast);

		ck_assert_msg(nr == nf, "\"%s\": %d tags, fast %d", answers[i], nr, nf);
		for (int k = 0; k < nr; k++) {
			ck_assert_int_eq(ref[k].result, RULE_MATCH);
			ck_assert_msg(ref[k].theme == fast[k].theme &&
					      ref[k].hit.rule == fast[k].hit.rule &&
					      ref[k].hit.start == fast[k].hit.start &&
					      ref[k].hit.end == fast[k].hit.end,
				      "\"%s\": reference %s at %zu-%zu, fast %s at %zu-%zu", answers[i],
				      rs->themes[ref[k].theme].code, ref[k].hit.start, ref[k].hit.end,
				      rs->themes[fast[k].theme].code, fast[k].hit.start,
				      fast[k].hit.end);
		}
	}
	/* Most were settled without PCRE2; the ones next to "é" were not. */
	ck_assert_uint_gt(st.literal, 20);
	ck_assert_uint_gt(st.calls, 0);
	prefilter_scratch_count(s, NULL);
	/* And generated answers of these words, with the corpus's mutations. */
	compare("literal", rs, pf, 20000, 0x11CEu, &tl);
	ck_assert_int_gt(tl.tags, 2000);
	pcre2_match_data_free(md);
	prefilter_scratch_free(s);
	prefilter_free(pf);
	ruleset_free(rs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tag_diff");
	TCase *tc = tcase_create("tag_diff");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_ascii_folds);
	tcase_add_test(tc, test_tricky_rules);
	tcase_add_test(tc, test_bench_rules);
	tcase_add_test(tc, test_sample_rules);
	tcase_add_test(tc, test_language_rules);
	tcase_add_test(tc, test_tagger_threads);
	tcase_add_test(tc, test_tagger_threads_file);
	suite_add_tcase(s, tc);
	/* Small cases of their own (CK_RUN_CASE=pieces runs them alone). */
	tc = tcase_create("pieces");
	tcase_add_test(tc, test_nul_pieces);
	tcase_add_test(tc, test_restore_disagreeing_pieces);
	tcase_add_test(tc, test_literal_rules);
	suite_add_tcase(s, tc);
	return test_run(s);
}
