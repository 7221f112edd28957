/*
 * crosswalk.h: the project's themes laid onto a recipient's frame. A
 * crosswalk file (schema/crosswalk.rng, docs/crosswalk.md) names the
 * recipient, their words for the tables' headers, and either every theme
 * as it is (the Healthwatch layout, the default) or the recipient's
 * categories in their order, each counting the respondents who mentioned
 * one or more themes of the rule set, their sub-themes included.
 *
 * A category of one theme (or of themes under one of them) takes that
 * theme's published cell as it is, under the theme's own disclosure
 * control: it adds no new number. A category of several unrelated themes
 * is a new number, the respondents mentioning any of them, each counted
 * once: it is counted from the tags and published through the same ledger
 * as every other number (export.c), so it and its parts are hidden alike
 * wherever they are published.
 */
#ifndef TALLY_CROSSWALK_H
#define TALLY_CROSSWALK_H

#include <stddef.h>

#include "err.h"

struct crosswalk_category {
	char *code, *label, *theme; /* theme: the attribute as written */
	char **themes;              /* its theme codes, each once, in the file's order */
	size_t nthemes;
	long line; /* in the file, for messages */
};

struct crosswalk {
	char *path;                /* as given, for messages */
	char *recipient, *title;   /* title may be NULL */
	/* Headings; each defaults to the Healthwatch layout's. */
	char *h_table, *h_code, *h_label, *h_any, *h_respondents;
	struct crosswalk_category *cats; /* none: every theme as it is */
	size_t ncats;
};

/*
 * Reads the crosswalk at `path`. Returns one to free with crosswalk_free(),
 * or NULL with `e` set: EXIT_DATA for a file that does not follow the
 * schema, names a category twice or a theme twice in one category (each
 * message "PATH:LINE: ..."),
 * EXIT_USAGE when it cannot be read, EXIT_SYSTEM when out of memory.
 */
struct crosswalk *crosswalk_load(const char *path, struct err *e);

/* The built-in default: every theme as it is, the Healthwatch headings. */
struct crosswalk *crosswalk_default(struct err *e);

void crosswalk_free(struct crosswalk *cw);

#endif
