/*
 * typed_value.c: number, date and short-text answers.
 */
#include "typed_value.h"
#include "trim.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numwords.h"

int typed_question(const char *type)
{
	return !strcmp(type, "number") || !strcmp(type, "date") || !strcmp(type, "short-text");
}

/* Digits with an optional sign and one decimal point, nothing else. */
static int numeral(const char *s, size_t n)
{
	size_t i = 0, digits = 0, points = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] == '.' && !points)
			points++;
		else
			return 0;
	}
	return digits > 0;
}

int typed_number(const char *s, double *value, char out[TYPED_NUMBER_MAX])
{
	char buf[64];
	size_t a, n = trim_bounds(s, strlen(s), &a);
	long words;

	s += a;
	if (!n || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (numeral(buf, n)) {
		char *end;
		double v;

		errno = 0;
		v = strtod(buf, &end);
		if (errno || *end || !isfinite(v) || fabs(v) >= 1e15)
			return -1;
		*value = v == 0 ? 0 : v; /* no "-0" */
		if (v == floor(v))
			snprintf(out, TYPED_NUMBER_MAX, "%.0f", *value);
		else {
			size_t len;

			snprintf(out, TYPED_NUMBER_MAX, "%.6f", v);
			len = strlen(out);
			while (out[len - 1] == '0')
				out[--len] = '\0';
		}
		return 0;
	}
	if (numwords_parse(buf, &words) < 0)
		return -1;
	*value = (double)words;
	snprintf(out, TYPED_NUMBER_MAX, "%ld", words);
	return 0;
}

int typed_date(const char *s, enum date_style style, char out[11], char *why, size_t cap)
{
	char iso[DATE_ISO_MAX], other[DATE_ISO_MAX];

	while (trim_is_space((unsigned char)*s))
		s++;
	if (style == DATE_AUTO || style == DATE_AUTO_MDY) {
		int dmy = date_parse(s, DATE_DMY, iso) == 0;
		int mdy = date_parse(s, DATE_MDY, other) == 0;

		if (dmy && mdy && strncmp(iso, other, 10) != 0) {
			snprintf(why, cap, "the date can be read as two different days: write it "
					   "YYYY-MM-DD, or say dates=\"dd/mm/yyyy\" or "
					   "\"mm/dd/yyyy\" in the mapping");
			return -1;
		}
		if (dmy || mdy) {
			memcpy(out, dmy ? iso : other, 10);
			out[10] = '\0';
			return 0;
		}
	}
	if (date_parse(s, style, iso) < 0) {
		snprintf(why, cap, "the value is not a date (%s)",
			 style == DATE_DMY ? "dd/mm/yyyy" : style == DATE_MDY ? "mm/dd/yyyy" :
			 style == DATE_ISO ? "YYYY-MM-DD" : style == DATE_EXCEL ?
			 "an Excel date number" : "YYYY-MM-DD or dd/mm/yyyy");
		return -1;
	}
	memcpy(out, iso, 10);
	out[10] = '\0';
	return 0;
}

int typed_short_text(const char *s, size_t n, char *why, size_t cap)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r') {
			snprintf(why, cap, "a short-text answer is one line, and this one has a "
					   "line break");
			return -1;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			chars++;
	}
	if (chars > SHORT_TEXT_MAX_CHARS) {
		snprintf(why, cap, "a short-text answer is at most %d characters, and this one "
				   "has %zu", SHORT_TEXT_MAX_CHARS, chars);
		return -1;
	}
	return 0;
}
