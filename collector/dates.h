/*
 * dates.h: the dates survey tools write, read into ISO 8601.
 */
#ifndef TALLY_DATES_H
#define TALLY_DATES_H

#define DATE_ISO_MAX 32 /* "2019-06-05T10:11:12" and its NUL, with room to spare */

enum date_style {
	DATE_AUTO,       /* ISO, an Excel serial number, or dd/mm/yyyy (UK) */
	DATE_ISO,        /* 2019-06-05, 2019-06-05 10:11:12, 2019-06-05T10:11:12Z */
	DATE_DMY,        /* 05/06/2019 [10:11[:12]] */
	DATE_MDY,        /* 06/05/2019 [10:11[:12] [AM|PM]] (SurveyMonkey, US) */
	DATE_EXCEL,      /* 43621.4243 days since 1899-12-30 */
};

/* The style named in a mapping ("auto", "iso", "dd/mm/yyyy", ...); DATE_AUTO if unknown. */
enum date_style date_style_named(const char *name);

/*
 * Reads `s` in `style` into `out` as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS".
 * Returns 0, or -1 when `s` is not a real date in that style.
 */
int date_parse(const char *s, enum date_style style, char out[DATE_ISO_MAX]);

#endif
