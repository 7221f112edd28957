/*
 * mapping.h: the import mapping file (docs/mapping-format.md): which field
 * of an export is which question, and how its values become option codes.
 * mapping_load() reads and checks the file on its own; import_bind.c binds
 * it to the exercise's questions.
 */
#ifndef TALLY_MAPPING_H
#define TALLY_MAPPING_H

#include <stddef.h>

#include "err.h"
#include "fileutil.h"

struct map_value {
	char *from; /* the text in the export */
	char *to;   /* an option (or district) code */
};

/* <range from to to-option>: a number from..to, inclusive, is that option. */
struct map_range {
	double from, to;
	char *option; /* the option code it stands for */
	long line;
};

struct map_option {
	char *code;  /* option code */
	char *field; /* the field that is ticked or not */
	long line;
};

struct map_question {
	char *code;               /* question code in the mapped questionnaire */
	char *field;              /* NULL when one field per option */
	char *separator;          /* joined multiple choice, may be NULL */
	struct map_value *values;
	size_t nvalues;
	struct map_option *options;
	size_t noptions;
	struct map_range *ranges; /* in ascending order, checked at load */
	size_t nranges;
	char *fixed;              /* <fixed value>: the answer of every record, field NULL */
	char **no_answer;         /* cells that mean no answer, besides the mapping's */
	size_t nno_answer;
	long line;
};

struct mapping {
	char *path;                 /* as given, for messages */
	char sha256[SHA256_HEX_LEN + 1];
	char *exercise;             /* may be NULL */
	char *form;                 /* standard (default) or easy-read */
	char *channel;              /* may be NULL: the command line or "online" */
	char *format;               /* may be NULL: detected */
	int header_rows;            /* 1 or 2 */
	char separator;             /* CSV field separator, ',' */
	char *sheet;                /* XLSX sheet, may be NULL */
	char *dates;                /* auto, iso, dd/mm/yyyy, mm/dd/yyyy, excel */
	char *id_field;             /* may be NULL: ids are made from the content */
	int id_required;
	char *id_prefix;            /* may be NULL: the format */
	char *submitted_field, *postcode_field, *district_field, *event_field, *serial_field;
	char *officer_field;        /* who typed a paper form in, may be NULL */
	int reject_outside;         /* <submitted outside="reject">: a date outside the
				       exercise's opens..closes rejects the record; by
				       default it is kept and flagged */
	struct map_value *district_values;
	size_t ndistrict_values;
	struct map_question *questions;
	size_t nquestions;
	char **ignore;
	size_t nignore;
	char **no_answer;           /* <no-answer value>: no answer in every field */
	size_t nno_answer;
	long line;                  /* of <mapping>, for messages */
};

/* Reads and checks a mapping file. NULL with every problem in `e`. */
struct mapping *mapping_load(const char *path, struct err *e);

/* The same from memory; `name` stands for the file in messages. */
struct mapping *mapping_parse(const char *buf, size_t len, const char *name, struct err *e);

/* Frees a mapping; NULL is allowed. */
void mapping_free(struct mapping *m);

/* The range of `q` that the number `v` is in, or NULL when it is in none. */
const struct map_range *mapping_range_find(const struct map_question *q, double v);

/* True when the mapping mentions `field` anywhere (mapped or ignored). */
int mapping_mentions(const struct mapping *m, const char *field);

#endif
