/*
 * exercise.h: the exercise definition file (docs/exercise-format.md).
 *
 * exercise_parse() reads and checks a definition without touching any
 * database: the RelaxNG schema first, then the rules a schema cannot say
 * (area codes, unique codes, events in listed areas, Easy Read mapping onto
 * real questions and options). exercise_store() then writes it into a database.
 *
 * The areas an exercise covers are written <areas>/<area> or, as before,
 * <districts>/<district>; both are kept as districts here and in the
 * database (district, exercise_district, district_code columns).
 */
#ifndef TALLY_EXERCISE_H
#define TALLY_EXERCISE_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"
#include "fileutil.h"

struct ex_member {
	char *code;     /* a local authority district, "E07000195" */
	long line;
};

struct ex_district {
	char *code;     /* ONS code, "E07000192", or the definition's own, "NHS-FV" */
	char *name;
	struct ex_member *includes; /* districts counted in this area */
	size_t nincludes;
	long line;
};

struct ex_event {
	char *code;
	char *kind;     /* listening-event, roadshow, staff-event, other */
	char *district; /* area code */
	char *date;     /* YYYY-MM-DD */
	char *title;
	char *venue;
	char *town;     /* may be NULL */
	long line;
};

struct ex_option {
	char *code;
	char *label;
	char *picture;  /* Easy Read, may be NULL */
	char *maps_to;  /* Easy Read: a standard option code, may be NULL */
	char *of;       /* derived: the source options it groups, codes split by spaces */
	int exclusive;  /* exclusive="true": ticked alone ("None of these") */
	long line;
};

struct ex_question {
	char *code;
	char *type;     /* free-text, single-choice, multiple-choice, scale, postcode, demographic,
			   number, date, short-text */
	char *polarity; /* works-well, could-be-better, none */
	char *topic;    /* may be NULL */
	char *text;
	char *help;     /* may be NULL */
	char *maps_to;  /* Easy Read: a standard question code */
	char *derived_from; /* <derived from>: the standard question it coarsens, or NULL */
	char *ask_if_question; /* <ask-if question>: asked only when it has ... */
	char *ask_if_options;  /* ... one of these options (codes split by spaces); or NULL */
	long ask_if_line;
	int has_scale;
	long scale_min, scale_max;
	struct ex_option *options;
	size_t noptions;
	long line;
};

struct ex_questionnaire {
	int present;
	char *code;
	char *title;
	struct ex_question *questions;
	size_t nquestions;
	long line;
};

struct exercise_def {
	char *file;             /* base name of the file it came from */
	char sha256[SHA256_HEX_LEN + 1];
	char *code;
	char *title;
	char *organisation;     /* may be NULL */
	char *description;      /* may be NULL */
	char *opens, *closes;   /* YYYY-MM-DD */
	char *double_entry;     /* optional, required */
	double outward_share_threshold;
	struct ex_district *districts; /* the areas, as <districts> or <areas> */
	size_t ndistricts;
	const char *area_word;  /* "district" or "area", as the file calls them */
	struct ex_event *events;
	size_t nevents;
	struct ex_questionnaire standard;
	struct ex_questionnaire easy_read; /* .present == 0 when there is none */
};

/* What exercise_store() did, for the summary line. */
struct exercise_changes {
	int new_exercise;
	int added, updated, removed; /* areas, their districts, events, questionnaires, questions, options */
};

/*
 * Parses and checks the definition in `path`. Returns a definition the
 * caller frees with exercise_def_free(), or NULL with every problem found
 * (up to ERR_MAX_LINES) as "path:line: ..." in `e`.
 */
struct exercise_def *exercise_load(const char *path, struct err *e);

/* The same from memory; `name` stands for the file name in messages. */
struct exercise_def *exercise_parse(const char *buf, size_t len, const char *name,
				    struct err *e);

/* Frees a definition; NULL is allowed. */
void exercise_def_free(struct exercise_def *d);

/* The standard question with `code`, or NULL. */
const struct ex_question *exercise_find_question(const struct ex_questionnaire *q,
						 const char *code);

/*
 * Writes the definition into `db` in one transaction: new things are added,
 * changed texts updated, things the definition no longer has removed, unless
 * responses use them, in which case nothing changes and `e` says what is in
 * use and by how many responses (EXIT_DATA). *exercise_id gets the row id.
 */
int exercise_store(sqlite3 *db, const struct exercise_def *d, long long *exercise_id,
		   struct exercise_changes *changes, struct err *e);

#endif
