/*
 * dates.h: the dates survey tools write, read into ISO 8601.
 */
#ifndef TALLY_DATES_H
#define TALLY_DATES_H

#include <stddef.h>

#define DATE_ISO_MAX 32 /* "2019-06-05T10:11:12" and its NUL, with room to spare */

enum date_style {
	DATE_AUTO,       /* ISO, an Excel serial number, or dd/mm/yyyy (UK) */
	DATE_ISO,        /* 2019-06-05, 2019-06-05 10:11:12, 2019-06-05T10:11:12Z */
	DATE_DMY,        /* 05/06/2019 [10:11[:12]] */
	DATE_MDY,        /* 06/05/2019 [10:11[:12] [AM|PM]] (SurveyMonkey, US) */
	DATE_EXCEL,      /* 43621.4243 days since 1899-12-30 */
	DATE_AUTO_MDY,   /* as DATE_AUTO, but slashed dates are mm/dd/yyyy: a US column */
};

/*
 * What an "auto" column's slashed dates (a/b/yyyy) say about its style, so
 * the whole column is read one way: values readable only day-first, only
 * month-first, or both ways as different days; the place of the first of
 * each kept as evidence (never its value: messages do not repeat what was
 * written).
 */
struct date_column {
	long dmy_only, mdy_only, ambiguous;
	long dmy_place, mdy_place, amb_place;
};

/* The style named in a mapping ("auto", "iso", "dd/mm/yyyy", ...); DATE_AUTO if unknown. */
enum date_style date_style_named(const char *name);

/*
 * Reads `s` in `style` into `out` as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS".
 * Returns 0, or -1 when `s` is not a real date in that style.
 */
int date_parse(const char *s, enum date_style style, char out[DATE_ISO_MAX]);

/* Notes one value of an "auto" column found at `place` (a line, row or record). */
void date_column_note(struct date_column *c, const char *s, long place);

/*
 * The style the whole column is read in: DATE_AUTO (day-first) when some
 * value reads only day-first, DATE_AUTO_MDY when some reads only
 * month-first, DATE_AUTO when no slashed value tells days from months
 * apart because none needs to. Returns -1 with `why` saying which values
 * (place and value, `word` naming the place: "line", "row") when the column
 * has both kinds, or only values that read as two different days.
 */
int date_column_decide(const struct date_column *c, const char *word, enum date_style *style,
		       char *why, size_t cap);

#endif
