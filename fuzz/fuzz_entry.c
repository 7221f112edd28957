/*
 * fuzz_entry: the parser of what an officer types at one question of a
 * paper form (entry_parse and entry_parse_choices, collector/entry.c).
 * The first byte picks the question (free text, single choice, multiple
 * choice, scale, postcode) and, for a choice question, whether the rest is
 * one typed line or, split at new lines, the pieces of an imported answer.
 */
#include <assert.h>

#include "entry.h"
#include "fuzz.h"

static struct entry_option single_opts[] = {
	{ 1, 1, "VERY-SATISFIED", "Very satisfied", NULL },
	{ 2, 2, "SATISFIED", "Satisfied", NULL },
	{ 3, 3, "NEUTRAL", "Neither", NULL },
	{ 4, 4, "BLACK", "Black, African, Caribbean or Black British", NULL },
	{ 5, 5, "E07000192", "Cannock Chase", "E07000192" },
};

static struct entry_option multi_opts[] = {
	{ 11, 11, "GP", "GP practice", NULL },
	{ 12, 12, "111", "NHS 111", NULL },
	{ 13, 13, "AE", "A&E", NULL },
	{ 14, 14, "PHARMACY", "Pharmacy; chemist", NULL },
	{ 15, 15, "2", "1", NULL },
};

static struct entry_option scale_opts[] = {
	{ 21, 21, "0", "Not at all likely", NULL },
	{ 22, 22, "10", "Extremely likely", NULL },
};

static struct entry_question questions[] = {
	{ 1, 1, 1, EQ_FREE_TEXT, "UEC-WELL", "What works well?", NULL, 0, 0, NULL, 0 },
	{ 2, 2, 2, EQ_SINGLE, "UEC-SAT", "How satisfied?", NULL, 0, 0, single_opts, 5 },
	{ 3, 3, 3, EQ_MULTIPLE, "SERVICES", "Which services?", NULL, 0, 0, multi_opts, 5 },
	{ 4, 4, 4, EQ_SCALE, "LIKELY", "How likely?", NULL, 0, 10, scale_opts, 2 },
	{ 5, 5, 5, EQ_POSTCODE, "POSTCODE", "Your postcode", NULL, 0, 0, NULL, 0 },
	{ 6, 6, 6, EQ_SINGLE, "EMPTY", "No options", NULL, 0, 0, NULL, 0 },
};

#define NQ (sizeof questions / sizeof questions[0])

static void check(const struct entry_question *q, enum entry_input r, struct entry_answer *a,
		  const char *why)
{
	char *shown;

	if (r == ENTRY_INPUT_ERROR) {
		assert(why[0] != '\0');
		assert(strlen(why) < ENTRY_WHY_MAX);
		return;
	}
	if (r != ENTRY_INPUT_ANSWER)
		return;
	assert(a->state == ENTRY_ANSWERED || a->state == ENTRY_SKIPPED ||
	       a->state == ENTRY_UNREADABLE);
	if (a->state == ENTRY_ANSWERED) {
		if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
			assert(a->npicks >= 1 && a->npicks <= ENTRY_MAX_PICKS);
			assert(q->type == EQ_MULTIPLE || a->npicks == 1);
			for (size_t i = 0; i < a->npicks; i++) {
				assert(a->picks[i] < q->nopts);
				assert(i == 0 || a->picks[i - 1] < a->picks[i]);
			}
		} else {
			assert(a->text != NULL);
			if (q->type == EQ_FREE_TEXT)
				assert(strlen(a->text) <= ENTRY_TEXT_MAX);
		}
	}
	shown = entry_answer_show(q, a);
	assert(shown != NULL);
	free(shown);
	(void)entry_question_hint(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct entry_question *q;
	struct entry_answer a = { 0 };
	char why[ENTRY_WHY_MAX];
	enum entry_input r;
	char *text;

	if (size < 1)
		return 0;
	q = &questions[data[0] % NQ];
	text = fuzz_strndup(data + 1, size - 1);
	why[0] = '\0';
	if ((data[0] & 0x80) && (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE)) {
		const char *pieces[64];
		size_t n = 0;
		char *p = text;

		while (n < 64) {
			char *nl = strchr(p, '\n');

			pieces[n++] = p;
			if (!nl)
				break;
			*nl = '\0';
			p = nl + 1;
		}
		r = entry_parse_choices(q, pieces, n, &a, why, sizeof why);
	} else {
		r = entry_parse(q, text, &a, why, sizeof why);
	}
	check(q, r, &a, why);
	entry_answer_clear(&a);
	free(text);
	return 0;
}
