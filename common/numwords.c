/*
 * numwords.c: whole numbers written in English words.
 */
#include "numwords.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const small[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
	"seventeen", "eighteen", "nineteen",
};
static const char *const tens[] = {
	"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
};

/* What the word before allows next. */
enum prev { P_START, P_UNIT, P_TEEN, P_TENS, P_HUNDRED, P_THOUSAND, P_AND };

static int word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(w, name, n) == 0;
}

int numwords_parse(const char *s, long *out)
{
	long total = 0, group = 0; /* group: below a thousand, not yet multiplied */
	enum prev prev = P_START;
	int zero = 0, words = 0, thousands = 0;

	while (*s) {
		const char *w;
		size_t n;
		long v = -1;

		while (*s == ' ' || *s == '\t' || *s == '-' || *s == ',')
			s++;
		if (!*s)
			break;
		w = s;
		while (isalpha((unsigned char)*s))
			s++;
		n = (size_t)(s - w);
		if (!n)
			return -1; /* a digit or another sign */
		words++;
		for (size_t i = 0; i < sizeof small / sizeof *small; i++)
			if (word_is(w, n, small[i]))
				v = (long)i;
		if (v == 0) {
			zero = 1;
			continue;
		}
		if (v > 0 && v < 10) {
			if (prev == P_UNIT || prev == P_TEEN)
				return -1;
			group += v;
			prev = P_UNIT;
		} else if (v >= 10) {
			if (prev == P_UNIT || prev == P_TEEN || prev == P_TENS)
				return -1;
			group += v;
			prev = P_TEEN;
		} else if (word_is(w, n, "hundred")) {
			/* "one hundred", "five hundred": never "twenty hundred". */
			if (prev != P_UNIT || group % 100 == 0 || group >= 10)
				return -1;
			group *= 100;
			prev = P_HUNDRED;
		} else if (word_is(w, n, "thousand")) {
			if (prev == P_START || prev == P_AND || prev == P_THOUSAND || thousands)
				return -1;
			total = group * 1000;
			group = 0;
			thousands = 1;
			prev = P_THOUSAND;
		} else if (word_is(w, n, "and")) {
			if (prev != P_HUNDRED && prev != P_THOUSAND)
				return -1;
			prev = P_AND;
		} else {
			for (size_t i = 0; i < sizeof tens / sizeof *tens; i++)
				if (word_is(w, n, tens[i]))
					v = 20 + 10 * (long)i;
			if (v < 0)
				return -1;
			if (prev == P_UNIT || prev == P_TEEN || prev == P_TENS)
				return -1;
			group += v;
			prev = P_TENS;
		}
	}
	if (zero)
		return words == 1 ? (*out = 0, 0) : -1;
	if (!words || prev == P_AND)
		return -1;
	*out = total + group;
	return *out <= NUMWORDS_MAX ? 0 : -1;
}
