/*
 * fuzz_rules: the rule-set loader (analyser/rules.c): the safe XML parse,
 * the schema, the theme hierarchy and every pattern compiled. A set that
 * loads has its examples checked, and tags an answer: the bytes after the
 * first NUL of the input, or a few fixed answers when there is none.
 */
#include <assert.h>

#include "fuzz.h"
#include "rules.h"

static const char *const answers[] = {
	"The GP surgery was fine but parking at the hospital is impossible.",
	"Waited 6 hours in A&E; the staff were kind. Email me at a@b.example",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
	"",
};

static void tag(const struct ruleset *rs, const char *text, size_t len, pcre2_match_data *md,
		struct rule_tag *out)
{
	int n = rules_tag_answer(rs, text, len, "UEC-WELL", md, out);

	assert(n <= (int)rs->nthemes);
	for (int i = 0; i < n; i++) {
		assert(out[i].theme < rs->nthemes);
		if (out[i].result == RULE_MATCH)
			assert(out[i].hit.start <= out[i].hit.end && out[i].hit.end <= len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	const uint8_t *a, *b;
	size_t alen, blen;
	struct ruleset *rs;
	struct err e;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	fuzz_split(data, size, &a, &alen, &b, &blen);
	err_init(&e);
	rs = rules_parse((const char *)a, alen, "fuzz.rules.xml", &e);
	assert((rs == NULL) == (err_isset(&e) != 0));
	if (rs) {
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		struct rule_tag *out = calloc(rs->nthemes + 1, sizeof *out);

		if (!md || !out)
			abort();
		(void)rules_check_examples(rs, devnull);
		if (b)
			tag(rs, (const char *)b, blen, md, out);
		else
			for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
				tag(rs, answers[i], strlen(answers[i]), md, out);
		for (size_t i = 0; i < rs->nthemes; i++)
			assert(rules_find(rs, rs->themes[i].code) >= 0);
		free(out);
		pcre2_match_data_free(md);
		ruleset_free(rs);
	}
	return 0;
}
