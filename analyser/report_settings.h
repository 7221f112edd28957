/*
 * report_settings.h: what comms staff chose for "You said, we did", kept in
 * the database (schema 0022) so that the browser's editor and `analyser
 * report` publish the same page: the themes and their order, the
 * introduction, contact details, the offer of other formats, the layout and
 * the logo. Every change adds a row (who, when); the newest row is in force.
 */
#ifndef TALLY_REPORT_SETTINGS_H
#define TALLY_REPORT_SETTINGS_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

#define REPORT_LOGO_MAX 102400     /* bytes of a logo, PNG or SVG */
#define REPORT_SETTING_MAX 20000   /* bytes of one text setting */

enum report_layout {
	REPORT_LAYOUT_SAVED = 0,   /* options only: whatever the settings say */
	REPORT_LAYOUT_STATISTICAL, /* numbers, charts and tables theme by theme */
	REPORT_LAYOUT_PAIRS,       /* short "You said / We did" pairs */
};

struct report_settings {
	char **themes;           /* codes in the order shown; NULL when never chosen */
	size_t nthemes;
	int themes_set;          /* 1 when a choice of themes is saved (even of none) */
	char *intro, *contact, *formats; /* NULL or "" when not written */
	enum report_layout layout;       /* REPORT_LAYOUT_SAVED when never chosen */
	char *logo_mime;         /* "image/png", "image/svg+xml", or NULL: no logo */
	unsigned char *logo;
	size_t logo_len;
	char *logo_alt;
};

/* Reads the settings in force for exercise `ex` into *s. 0, or -1 with `e` set. */
int report_settings_load(sqlite3 *db, long long ex, struct report_settings *s, struct err *e);

void report_settings_free(struct report_settings *s);

/* "statistical" or "pairs" into *l: 0, or -1 when it is neither. */
int report_layout_parse(const char *s, enum report_layout *l);

/*
 * Saves setting `name` ("themes", "intro", "contact", "formats", "layout")
 * as `value` by `by`, unless it already is that. 1 saved, 0 unchanged, or
 * -1 with `e` set (EXIT_DATA: an unknown name, a layout that is not one, a
 * value over REPORT_SETTING_MAX bytes or not UTF-8).
 */
int report_setting_save(sqlite3 *db, long long ex, const char *name, const char *value,
			const char *by, struct err *e);

/*
 * Saves the logo: `data` (len bytes) of type `mime` with text alternative
 * `alt`; data NULL takes the logo away. The caller has checked it
 * (web/logo.c). 0, or -1 with `e` set.
 */
int report_logo_save(sqlite3 *db, long long ex, const char *mime, const void *data, size_t len,
		     const char *alt, const char *by, struct err *e);

/*
 * What was done about theme `theme`: action `id` (0: a new one) gets `text`;
 * an empty text deletes it. Recorded in action_version (who, when). 1 done,
 * 0 no such action in this exercise, -1 with `e` set.
 */
int report_action_save(sqlite3 *db, long long ex, long long id, const char *theme,
		       const char *text, const char *by, struct err *e);

#endif
