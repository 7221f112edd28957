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

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The civil date of a day count from 1970-01-01. */
static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The day of the month of the last Sunday of month `m` (31 days) in year `y`. */
static int last_sunday(int y, int m)
{
	long day = days_from_civil(y, m, 31);

	/* 1970-01-01 was a Thursday: (day + 4) % 7 is 0 on a Sunday. */
	return 31 - (int)(((day + 4) % 7 + 7) % 7);
}

/*
 * Minutes UK time is ahead of UTC at `t` (minutes since 1970-01-01 UTC):
 * 60 in British Summer Time, from 01:00 UTC on the last Sunday of March to
 * 01:00 UTC on the last Sunday of October (the rule in force since 1996),
 * else 0.
 */
static int uk_offset(long t)
{
	long day = t >= 0 ? t / 1440 : -((-t + 1439) / 1440);
	int y, m, d;
	long starts, ends;

	civil_from_days(day, &y, &m, &d);
	starts = days_from_civil(y, 3, last_sunday(y, 3)) * 1440 + 60;
	ends = days_from_civil(y, 10, last_sunday(y, 10)) * 1440 + 60;
	return t >= starts && t < ends ? 60 : 0;
}

/*
 * Writes the date. A time given with a zone (`zoned`, `off` minutes ahead of
 * UTC) is written as the UK time it is (GMT, or BST in summer), so that every
 * stored time is UK time like the times tools write without a zone, and a
 * day compares rightly with the exercise's opening and closing dates.
 */
static int write(char out[DATE_ISO_MAX], int y, int mo, int d, int h, int mi, int s, int has_time,
		 int zoned, int off)
{
	if (!real_day(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	if (has_time && zoned) {
		long t = days_from_civil(y, mo, d) * 1440 + h * 60 + mi - off;
		long day;

		t += uk_offset(t);
		day = t >= 0 ? t / 1440 : -((-t + 1439) / 1440);
		civil_from_days(day, &y, &mo, &d);
		t -= day * 1440;
		h = (int)(t / 60);
		mi = (int)(t % 60);
		if (!real_day(y, mo, d))
			return -1;
	}
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

/*
 * A zone's offset from UTC at `p`: "+hh", "+hhmm", "+hh:mm" or "-..." into
 * *off (minutes ahead of UTC); the characters read, or -1 when it is not one.
 */
static int read_offset(const char *p, int *off)
{
	const char *q = p + 1;
	int hh, mm = 0, n = 0;

	if (*p != '+' && *p != '-')
		return -1;
	while (isdigit((unsigned char)q[n]))
		n++;
	if (n == 1 || n == 2) {
		hh = atoi(q);
		q += n;
		if (*q == ':') {
			if (!isdigit((unsigned char)q[1]) || !isdigit((unsigned char)q[2]) ||
			    isdigit((unsigned char)q[3]))
				return -1;
			mm = (q[1] - '0') * 10 + (q[2] - '0');
			q += 3;
		}
	} else if (n == 4) {
		hh = (q[0] - '0') * 10 + (q[1] - '0');
		mm = (q[2] - '0') * 10 + (q[3] - '0');
		q += 4;
	} else {
		return -1;
	}
	if (hh > 14 || mm > 59)
		return -1;
	*off = (*p == '-' ? -1 : 1) * (hh * 60 + mm);
	return (int)(q - p);
}

/*
 * "HH:MM[:SS][.fff][ AM|PM][Z|+hh:mm| GMT+h| BST]" after a date; 2 with a
 * time and a zone, 1 with a time and none (UK time, as survey tools mostly
 * write it), 0 with no time, -1 bad. *off: the zone's minutes ahead of UTC.
 */
static int read_time(const char *p, int *h, int *mi, int *s, int *off)
{
	int n = 0, zoned = 0;

	*h = *mi = *s = *off = 0;
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
	/* A zone given is honoured: the time is converted to UTC. */
	while (*p == ' ')
		p++;
	if (*p == 'Z') {
		p++;
		zoned = 1;
	} else if (*p == '+' || *p == '-') {
		if ((n = read_offset(p, off)) < 0)
			return -1;
		p += n;
		zoned = 1;
	} else if (!strncmp(p, "GMT", 3) || !strncmp(p, "BST", 3) || !strncmp(p, "UTC", 3)) {
		zoned = 1;
		*off = *p == 'B' ? 60 : 0;
		p += 3;
		if (*p == '+' || *p == '-') {
			int more;

			if ((n = read_offset(p, &more)) < 0)
				return -1;
			*off += more;
			p += n;
		}
	}
	while (*p == ' ')
		p++;
	return *p ? -1 : 1 + zoned;
}

static int parse_iso(const char *s, char out[DATE_ISO_MAX])
{
	int y, mo, d, h, mi, sec, off, t;

	if (digits(&s, 4, 4, &y) < 0 || expect(&s, '-') < 0 || digits(&s, 2, 2, &mo) < 0 ||
	    expect(&s, '-') < 0 || digits(&s, 2, 2, &d) < 0)
		return -1;
	if ((t = read_time(s, &h, &mi, &sec, &off)) < 0)
		return -1;
	return write(out, y, mo, d, h, mi, sec, t, t == 2, off);
}

static int parse_slashed(const char *s, int day_first, char out[DATE_ISO_MAX])
{
	int a, b, y, h, mi, sec, off, t;

	if (digits(&s, 1, 2, &a) < 0 || expect(&s, '/') < 0 || digits(&s, 1, 2, &b) < 0 ||
	    expect(&s, '/') < 0 || digits(&s, 4, 4, &y) < 0)
		return -1;
	if ((t = read_time(s, &h, &mi, &sec, &off)) < 0)
		return -1;
	return day_first ? write(out, y, b, a, h, mi, sec, t, t == 2, off)
			 : write(out, y, a, b, h, mi, sec, t, t == 2, off);
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
		     secs != 0, 0, 0);
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
	case DATE_AUTO_MDY:
	default:
		if (parse_iso(s, out) == 0 || parse_slashed(s, style != DATE_AUTO_MDY, out) == 0 ||
		    parse_excel(s, out) == 0)
			return 0;
		/* 2019/06/05 10:11:12 (Google Forms in some locales) */
		{
			int y, mo, d, h, mi, sec, off, t;

			if (digits(&s, 4, 4, &y) == 0 && expect(&s, '/') == 0 &&
			    digits(&s, 2, 2, &mo) == 0 && expect(&s, '/') == 0 &&
			    digits(&s, 2, 2, &d) == 0 && (t = read_time(s, &h, &mi, &sec, &off)) >= 0)
				return write(out, y, mo, d, h, mi, sec, t, t == 2, off);
		}
		return -1;
	}
}

/* Keeps the first example of a kind: its place and (a bounded copy of) its value. */
static void keep_example(long *count, long *place, long at)
{
	if ((*count)++ == 0)
		*place = at;
}

void date_column_note(struct date_column *c, const char *s, long place)
{
	char dmy[DATE_ISO_MAX], mdy[DATE_ISO_MAX];
	int d, m;

	while (*s == ' ')
		s++;
	d = parse_slashed(s, 1, dmy) == 0;
	m = parse_slashed(s, 0, mdy) == 0;
	if (d && m) {
		if (strcmp(dmy, mdy)) /* 06/06/2019 is the same day either way */
			keep_example(&c->ambiguous, &c->amb_place, place);
	} else if (d) {
		keep_example(&c->dmy_only, &c->dmy_place, place);
	} else if (m) {
		keep_example(&c->mdy_only, &c->mdy_place, place);
	}
}

int date_column_decide(const struct date_column *c, const char *word, enum date_style *style,
		       char *why, size_t cap)
{
	if (c->dmy_only && c->mdy_only) {
		snprintf(why, cap, "the dates mix day-first and month-first: %s %ld reads "
				   "only as dd/mm/yyyy, %s %ld only as mm/dd/yyyy; give dates= "
				   "in the mapping and fix the others",
			 word, c->dmy_place, word, c->mdy_place);
		return -1;
	}
	if (c->ambiguous && !c->dmy_only && !c->mdy_only) {
		snprintf(why, cap, "no date tells day from month: %ld dates read as two different "
				   "days (first %s %ld); say dates=\"dd/mm/yyyy\" or "
				   "dates=\"mm/dd/yyyy\" in the mapping",
			 c->ambiguous, word, c->amb_place);
		return -1;
	}
	*style = c->mdy_only ? DATE_AUTO_MDY : DATE_AUTO;
	return 0;
}
