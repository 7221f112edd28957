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

/*
 * A grid (matrix, array) question: one field per row, named STEM / ROW,
 * STEM [ROW], STEM[ROW] or STEM_ROW (docs/mapping-format.md, "Grids").
 * Each row is its own exercise question (`question` NULL: a <row> names it,
 * or the question's code or text is the row), or an item of one question
 * (`question`: the row is one of its options, the cell the item's value).
 */
struct map_grid_row {
	char *sub;      /* the ROW part of the field name */
	char *question; /* own question: its code; item: the option's code */
	long line;
};

struct map_grid {
	char *field;    /* STEM */
	char *question; /* items of one question, or NULL: rows are questions */
	int rank;       /* cells="rank": items' cells are ranks 1..rows, each once */
	struct map_grid_row *rows;
	size_t nrows;
	struct map_value *values; /* cell values onto option codes, every row */
	size_t nvalues;
	long line;
};

/*
 * Question routing: one field names the question (by its wording or a
 * code), another holds the answer (docs/mapping-format.md, "Routing").
 */
struct map_route_to {
	char *match;    /* the wording or code in the export */
	char *question; /* the exercise question it stands for */
	long line;
};

struct map_route {
	char *field;    /* names the question */
	char *answer;   /* holds the answer */
	struct map_route_to *to;
	size_t nto;
	struct map_value *values; /* answer values onto option codes */
	size_t nvalues;
	long line;
};

/* An ODK repeat group: refused per record (default) or one answer per repeat. */
struct map_repeat {
	char *group;    /* the group's path below the instance root */
	int each;       /* 1: flatten, one answer per repeat; 0: refuse the record */
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
	struct map_grid *grids;     /* <grid>: mapping_shape.c */
	size_t ngrids;
	struct map_route *routes;   /* <route> */
	size_t nroutes;
	struct map_repeat *repeats; /* <repeat> */
	size_t nrepeats;
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
/*
 * The grid whose row `field` is (STEM / ROW, STEM [ROW], STEM[ROW],
 * STEM_ROW), with *sub pointing at ROW's first byte and *sublen its length;
 * NULL when `field` is no grid's row.
 */
const struct map_grid *mapping_grid_of(const struct mapping *m, const char *field,
				       const char **sub, size_t *sublen);

/* True when the mapping mentions `field` anywhere (mapped or ignored). */
int mapping_mentions(const struct mapping *m, const char *field);

#endif
