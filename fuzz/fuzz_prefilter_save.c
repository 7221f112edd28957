/*
 * fuzz_prefilter_save: prefilter_restore() (analyser/prefilter_save.c), the
 * reader of the prefilters analyser tag keeps in its cache, on any bytes.
 *
 * A small rule set is loaded once and its prefilter saved. The input makes
 * the bytes before Vectorscan's database: with a first byte of 0 the saved
 * ones, each later input byte XORed into them in turn (so the fuzzer works
 * near the real layout), and cut short when the second byte is odd; with
 * any other first byte, the input itself. Vectorscan's saved database is
 * then put after them as saved: the cache's checksum, not this reader, is
 * what stands between a changed Vectorscan database and Vectorscan.
 * Restored or refused, nothing may be read out of bounds or leak; a
 * prefilter that is restored tags some answers (whatever it finds: changed
 * bytes may change that) and saves and restores again; the saved bytes
 * themselves restore to a prefilter that tags exactly as the original.
 */
#include <assert.h>
#include <hs/hs.h>

#include "fuzz.h"
#include "prefilter.h"
#include "rules.h"

static const char set_xml[] =
	"<rules>\n"
	"<words name=\"staff\">nurse|doctor|receptionist</words>\n"
	"<theme code=\"PARK\" label=\"p\"><include>\\bparking\\s+(fees?|charges?)</include>"
	"<include>\\b(?:car\\s*)?park</include><exclude>park\\s+run</exclude></theme>\n"
	"<theme code=\"STAFF\" label=\"s\"><include>\\b{staff}s?\\b</include>"
	"<include case=\"sensitive\">GP</include></theme>\n"
	"<theme code=\"AE\" label=\"a\"><include>A\\s*&amp;\\s*E|\\bA and E\\b</include></theme>\n"
	"<theme code=\"WAIT\" label=\"w\"><include>wait[^.!?\\n]{0,40}hours?</include>"
	"<include>(a)\\1</include></theme>\n"
	"<theme code=\"KIND\" label=\"k\"><include>kind|caring|lovely</include></theme>\n"
	"</rules>\n";

static const char *const answers[] = {
	"The parking charges were too high but the nurses were kind.",
	"Waited four hours in A&E, the doctor was lovely.",
	"Car park full; park run on Saturday.", "GP aa \xc5\xbf", "",
};

static struct ruleset *rs;
static char *saved;        /* the saved prefilter */
static size_t saved_len, hs_at; /* where Vectorscan's database's length starts */

static void tag_all(const struct prefilter *pf, int compare_with_reference)
{
	struct prefilter_scratch *s = prefilter_scratch_new(pf, NULL);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag ref[16], got[16];

	assert(s && md && rs->nthemes <= 16);
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		size_t len = strlen(answers[i]);
		int n = prefilter_tag(pf, s, answers[i], len, "Q", got);

		if (!compare_with_reference)
			continue;
		assert(n == rules_tag_answer(rs, answers[i], len, "Q", md, ref));
		for (int k = 0; k < n; k++)
			assert(got[k].theme == ref[k].theme && got[k].result == ref[k].result &&
			       got[k].hit.rule == ref[k].hit.rule && got[k].hit.start == ref[k].hit.start &&
			       got[k].hit.end == ref[k].hit.end);
	}
	pcre2_match_data_free(md);
	prefilter_scratch_free(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;
	struct prefilter *pf, *again;
	size_t hs_len = 0;

	(void)argc;
	(void)argv;
	err_init(&e);
	rs = rules_parse(set_xml, sizeof set_xml - 1, "fuzz.rules.xml", &e);
	assert(rs);
	pf = prefilter_build(rs, &e);
	assert(pf);
	assert(prefilter_save(pf, &saved, &saved_len, &e) == 0);
	/* Vectorscan's part is the last: its length, then its bytes. */
	for (hs_at = 0; hs_at + 8 <= saved_len; hs_at++) {
		uint64_t n;

		memcpy(&n, saved + hs_at, 8);
		if (n && n == saved_len - hs_at - 8 &&
		    hs_serialized_database_size(saved + hs_at + 8, (size_t)n, &hs_len) == HS_SUCCESS)
			break;
	}
	assert(hs_at + 8 <= saved_len);
	/* The saved bytes give back the same prefilter. */
	again = prefilter_restore(rs, saved, saved_len, &e);
	assert(again);
	tag_all(again, 1);
	prefilter_free(again);
	prefilter_free(pf);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	struct prefilter *pf;
	size_t head = hs_at, len;
	char *blob;

	err_init(&e);
	if (size && data[0] == 0) {
		if (size > 1 && (data[1] & 1))
			head = hs_at * data[1] / 256;
		if (!(blob = malloc(saved_len)))
			return 0;
		memcpy(blob, saved, head);
		for (size_t i = 2; i < size && head; i++)
			blob[(i - 2) % head] ^= (char)data[i];
	} else {
		head = size;
		if (!(blob = malloc(size + saved_len - hs_at + 1)))
			return 0;
		if (size)
			memcpy(blob, data, size);
	}
	memcpy(blob + head, saved + hs_at, saved_len - hs_at);
	len = head + saved_len - hs_at;
	pf = prefilter_restore(rs, blob, len, &e);
	if (pf) {
		char *again = NULL;
		size_t again_len = 0;
		struct prefilter *pf2;

		tag_all(pf, 0);
		assert(prefilter_save(pf, &again, &again_len, &e) == 0);
		pf2 = prefilter_restore(rs, again, again_len, &e);
		assert(pf2);
		prefilter_free(pf2);
		free(again);
		prefilter_free(pf);
	} else {
		assert(e.code == EXIT_DATA || e.code == EXIT_SYSTEM);
	}
	free(blob);
	return 0;
}
