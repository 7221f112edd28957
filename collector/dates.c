#include "dates.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum date_style date_style_named(const char *name)
{
	if (!name)
		return DATE_AUTO;
	if (!strcmp(name, "iso"))
		return DATE_ISO;
	if (!strcmp(name, "dd/mm/yyyy"))
		return DATE_DMY;
	if (!strcmp(name, "mm/dd/yyyy"))
		return DATE_MDY;
	if (!strcmp(name, "excel"))
		return DATE_EXCEL;
	return DATE_AUTO;
}

static int leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int real_day(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= mdays[m - 1] + (m == 2 && leap(y));
}

static int write(char out[DATE_ISO_MAX], int y, int mo, int d, int h, int mi, int s, int has_time)
{
	if (!real_day(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	if (has_time)
		snprintf(out, DATE_ISO_MAX, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi,
			 s > 59 ? 59 : s);
	else
		snprintf(out, DATE_ISO_MAX, "%04d-%02d-%02d", y, mo, d);
	return 0;
}

/*
 * Reads min to max ASCII digits at *p into *out and moves past them; 0, or
 * -1 without them. Unlike sscanf's %d, no sign and no spaces (not even a
 * line break) are taken for part of a number.
 */
static int digits(const char **p, int min, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)(*p)[n]))
		v = v * 10 + ((*p)[n++] - '0');
	if (n < min)
		return -1;
	*p += n;
	*out = v;
	return 0;
}

/* The character `c` at *p, then moves past it; 0, or -1. */
static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* "HH:MM[:SS][.fff][ AM|PM][Z|+hh:mm]" after a date; 1 with a time, 0 with none, -1 bad. */
static int read_time(const char *p, int *h, int *mi, int *s)
{
	*h = *mi = *s = 0;
	while (*p == ' ' || *p == 'T')
		p++;
	if (!*p)
		return 0;
	if (digits(&p, 1, 2, h) < 0 || expect(&p, ':') < 0 || digits(&p, 1, 2, mi) < 0)
		return -1;
	if (*p == ':' && (p++, digits(&p, 1, 2, s) < 0))
		return -1;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	while (*p == ' ')
		p++;
	if (!strncasecmp(p, "am", 2) || !strncasecmp(p, "pm", 2)) {
		if (*h < 1 || *h > 12)
			return -1;
		*h = (*h % 12) + (tolower((unsigned char)*p) == 'p' ? 12 : 0);
		p += 2;
	}
	/* A zone is accepted and ignored: survey tools write local time. */
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-')
		for (p++; isdigit((unsigned char)*p) || *p == ':'; p++)
			;
	else if (!strncmp(p, " GMT", 4) || !strncmp(p, " BST", 4) || !strncmp(p, " UTC", 4))
		for (p += 4; *p && *p != ' '; p++)
			;
	while (*p == ' ')
		p++;
	return *p ? -1 : 1;
}

static int parse_iso(const char *s, char out[DATE_ISO_MAX])
{
	int y, mo, d, h, mi, sec, t;

	if (digits(&s, 4, 4, &y) < 0 || expect(&s, '-') < 0 || digits(&s, 2, 2, &mo) < 0 ||
	    expect(&s, '-') < 0 || digits(&s, 2, 2, &d) < 0)
		return -1;
	if ((t = read_time(s, &h, &mi, &sec)) < 0)
		return -1;
	return write(out, y, mo, d, h, mi, sec, t);
}

static int parse_slashed(const char *s, int day_first, char out[DATE_ISO_MAX])
{
	int a, b, y, h, mi, sec, t;

	if (digits(&s, 1, 2, &a) < 0 || expect(&s, '/') < 0 || digits(&s, 1, 2, &b) < 0 ||
	    expect(&s, '/') < 0 || digits(&s, 4, 4, &y) < 0)
		return -1;
	if ((t = read_time(s, &h, &mi, &sec)) < 0)
		return -1;
	return day_first ? write(out, y, b, a, h, mi, sec, t) : write(out, y, a, b, h, mi, sec, t);
}

/* Days since 1899-12-30 (Excel's day 0, after its 1900 leap-year slip). */
static int parse_excel(const char *s, char out[DATE_ISO_MAX])
{
	char *end;
	double v = strtod(s, &end);
	long days, secs;
	int y = 1899, mo = 12, d = 30;

	if (end == s || *end || !(v >= 1 && v < 2958466))
		return -1;
	days = (long)floor(v);
	secs = lround((v - (double)days) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	/* Civil date from a day count: walk years then months; the range is small. */
	{
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		long left = days; /* days after 1899-12-30 */

		if (left >= 2) {
			left -= 2; /* now days after 1900-01-01 */
			y = 1900;
			while (left >= 365 + leap(y)) {
				left -= 365 + leap(y);
				y++;
			}
			for (mo = 1; left >= mdays[mo - 1] + (mo == 2 && leap(y)); mo++)
				left -= mdays[mo - 1] + (mo == 2 && leap(y));
			d = (int)left + 1;
		} else {
			d = 30 + (int)left;
		}
	}
	return write(out, y, mo, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
		     secs != 0);
}

int date_parse(const char *s, enum date_style style, char out[DATE_ISO_MAX])
{
	while (*s == ' ')
		s++;
	switch (style) {
	case DATE_ISO:
		return parse_iso(s, out);
	case DATE_DMY:
		return parse_slashed(s, 1, out);
	case DATE_MDY:
		return parse_slashed(s, 0, out);
	case DATE_EXCEL:
		return parse_excel(s, out);
	case DATE_AUTO:
	default:
		if (parse_iso(s, out) == 0 || parse_slashed(s, 1, out) == 0 ||
		    parse_excel(s, out) == 0)
			return 0;
		/* 2019/06/05 10:11:12 (Google Forms in some locales) */
		{
			int y, mo, d, h, mi, sec, t;

			if (digits(&s, 4, 4, &y) == 0 && expect(&s, '/') == 0 &&
			    digits(&s, 2, 2, &mo) == 0 && expect(&s, '/') == 0 &&
			    digits(&s, 2, 2, &d) == 0 && (t = read_time(s, &h, &mi, &sec)) >= 0)
				return write(out, y, mo, d, h, mi, sec, t);
		}
		return -1;
	}
}
