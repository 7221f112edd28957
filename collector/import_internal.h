/*
 * import_internal.h: what the files of an import share (import.c the file,
 * import_bind.c the mapping bound to the exercise, import_fields.c fields,
 * import_answers.c a record's answers, import_record.c one record,
 * import_edits.c edited submissions). Not for use outside them.
 */
#ifndef TALLY_IMPORT_INTERNAL_H
#define TALLY_IMPORT_INTERNAL_H

#include "import.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "crosscheck.h"
#include "dates.h"
#include "db.h"
#include "erased.h"
#include "keyset.h"
#include "postcode.h"
#include "progress.h"
#include "store.h"
#include "strbuf.h"
#include "tick.h"
#include "utf8.h"

/* Responses with one district code ("" for none, then by out_of_area). */
struct district_count {
	char code[16];
	int out_of_area;
	long n;
};

struct bound_option {
	char *code;                 /* in the mapped questionnaire */
	char *label;
	long long store_id;         /* the option stored: the standard one it maps onto */
};

struct bound_question {
	const struct map_question *mq;
	char *type;                 /* of the mapped question */
	long long store_qid;        /* standard question the answer is stored under */
	long long source_qid;       /* the Easy Read question, 0 for standard */
	int has_scale;
	long scale_min, scale_max;
	struct bound_option *opts;
	size_t nopts, capopts;
	long *opt_value_index;      /* per mq->values: the option each <value> names */
	int field;                  /* column index when the names are fixed */
	int *option_fields;         /* per mq->options, the same */
	long *option_index;         /* per mq->options: which bound option */
	long *range_index;          /* per mq->ranges: the option each <range> names */
	/* Shapes (import_shape.c). */
	const struct map_route *route; /* answered when the route's field names it */
	const struct map_grid *items;  /* a grid of this question's items */
	int *item_fields;           /* per item column: its index */
	long *item_option;          /* ... the bound option it is */
	char **item_names;          /* ... its name */
	size_t nitems;
	size_t item_caps[3];        /* what each of the three holds (ALLOC_GROW) */
	int grid_row;               /* a grid's row, bound as this question */
	int each;                   /* in a repeat group given repeat by repeat: one answer each */
};

/* A wording or code that a route's field may hold, and the question it names. */
struct route_key {
	char *text;
	size_t route;               /* index into the mapping's routes */
	long q;                     /* index into im->qs, -1 when a grid row took the question */
	int to;                     /* from a <to match>, not found by the question's code or text */
};

struct unmapped {
	char *name;
	long records;               /* records with a value in it */
};

/* The field ODK and KoboToolbox name the submission an edit replaces in. */
#define DEPRECATED_FIELD "meta/deprecatedID"

struct edit_link {
	char *old_ext, *new_ext;    /* response ids as import_record_keys() makes them */
};

/* The reason of a row whose identity an earlier row of its file had. */
#define IMPORT_TWICE "appears twice in this file"

struct importer {
	sqlite3 *db;
	long long exercise_id;
	const struct mapping *m;
	const struct import_options *opt;
	const char *path;
	const char *channel;
	const char *form;
	enum date_style dates;
	char opens[16], closes[16]; /* the exercise's dates, ISO */
	long long batch_id;
	long long fixed_event_id;   /* --event */
	char fixed_event_district[16];
	struct bound_question *qs;
	size_t nqs, capqs;
	struct map_question **shape_mqs; /* questions reached through grids and routes */
	size_t nshape_mqs, capshape_mqs;
	struct route_key *route_keys;
	size_t nroute_keys, caproute_keys;
	int *route_fields;          /* per route: the question's and the answer's column */
	const char **repeat_each;   /* the groups given to the source repeat by repeat */
	size_t nrepeat_each;
	struct postcode_resolver *resolver;
	int fixed_names;            /* CSV, XLSX: one header for every record */
	int indexed;                /* field indexes computed */
	int id_field, submitted_field, postcode_field, district_field, event_field, serial_field;
	int officer_field;
	const char **mapped;        /* every field the mapping names (XML formats: seen yet?) */
	unsigned char *mapped_seen;
	size_t nmapped, nseen;
	long records;               /* records the source could read (SOURCE_RECORD) */
	/* Fields the mapping does not mention, in the order first met, with the
	   records that have a value in them: said once, after the import. */
	struct unmapped *unmapped;
	size_t nunmapped, capunmapped;
	struct keyset unmapped_index; /* XML formats: name -> index + 1 in `unmapped` */
	int *column_unmapped;       /* with a header: per column, index + 1 or 0 */
	size_t ncolumns;
	struct response_batch *pending; /* responses waiting to be stored */
	struct stamp stamp;         /* recorded_at of the edits recorded */
	sqlite3_stmt *ins_reject, *find_id, *find_serial, *find_event, *districts;
	sqlite3_stmt *find_erased_raw; /* an erased id or serial in an unreadable record */
	sqlite3_stmt *close_twice;  /* earlier "appears twice" rejects of an identity read again */
	struct keyset seen;         /* see identity() */
	struct keyset erased;       /* keys of the file erased earlier: skipped, every time */
	/* Edited submissions in this file (XForm): each edit's id and the id it replaces. */
	struct edit_link *links;
	size_t nlinks, caplinks;
	struct keyset edit_old, edit_new; /* old / new id -> index + 1 in `links` */
	sqlite3_stmt *find_edited;  /* where an earlier version is: see import_edit_target() */
	const char *cur_ext, *cur_serial; /* the identity of the record in hand, for its reject */
	int identity_unknown;       /* the record in hand could not be read far enough to know it */
	int tracking;               /* `seen` holds every key of the file so far */
	struct district_count *counts; /* accepted responses by district */
	size_t ncounts, capcounts;
	struct import_stats *stats;
	struct err *rejects, *warnings, *e;
	struct crosscheck *checks;  /* the exercise's cross-field checks */
};

/* Answers of one record as they are read, before it is stored. */
struct response_build {
	struct stored_answer *rows; /* values point into the record or into `owned` */
	char **owned;               /* per row: a value the build made, or NULL */
	size_t n, cap, capowned;    /* cap: rows allocated; capowned: owned allocated */
	long no_answer;             /* cells read as no answer */
	char reason[ERR_LINE_LEN];
};

/* Where a response id or serial number is already (what find_id and find_serial return). */
enum key_found { KEY_NEW, KEY_EARLIER, KEY_ERASED, KEY_THIS_IMPORT, KEY_REPLACED };

#define EDIT_CHAIN_MAX 64 /* versions followed back from an edit */

/*
 * Room for what a record's identity is read into, from the limits of
 * import.h: a value over them rejects the record (or refuses the file), so
 * nothing read into these is ever cut.
 */
#define EXT_LEN (IMPORT_MAX_ID_PREFIX + 1 + IMPORT_MAX_ID + 1) /* "prefix:id" */
#define SERIAL_LEN (IMPORT_MAX_SERIAL + 1)
#define WHY_LEN 256 /* why a record is rejected (a message: may be cut) */
_Static_assert(sizeof "serial\x1f" - 1 + SERIAL_LEN <= SERIAL_KEY_LEN,
	       "a serial number's key holds the longest serial kept");

/* import.c */
/* Opens the export as im->stats->format with the import's source options. 0 or -1. */
int import_open_source(struct importer *im, struct source *src);

/* import_bind.c */
/*
 * Binds each question of the mapping to the exercise's questionnaire of
 * im->form (im->qs); -1 with im->e saying which does not fit.
 */
int import_bind_mapping(struct importer *im);
/* Frees im->qs; bound again by import_bind_mapping(). */
void import_bound_free(struct importer *im);
/* Binds `mq` to question mq->code of questionnaire `qnr`, into `q`: 0, or -1 refusing the file. */
int import_bind_question(struct importer *im, long long qnr, const struct map_question *mq,
		  struct bound_question *q);
/* The index of `q`'s option with `code`, or -1. */
long import_find_bound_option(const struct bound_question *q, const char *code);

/* import_fields.c */
/* Lists every field name the mapping uses (pointers into the mapping). */
int import_collect_mapped(struct importer *im);
/*
 * With a header (CSV, XLSX, LimeSurvey's <fields>): every field the mapping
 * names must be in it, once; every column it does not mention is noted, to
 * be warned of after the import with the records that have a value in it.
 */
int import_index_fields(struct importer *im, const struct source_record *rec);
/* The index of field `name` in `rec`, or -1 (also for a NULL name). */
int import_index_of(const struct source_record *rec, const char *name);
/*
 * Notes, whatever then becomes of the record (stored, rejected, already in
 * the database), the fields it has that the mapping does not mention and,
 * XML records naming their own fields, which mapped ones it has. 0 or -1.
 */
int import_note_fields(struct importer *im, const struct source_record *rec);
/*
 * True, with `why` (ERR_LINE_LEN) saying so, when the value of `field`, a
 * `what`, is longer than `max` bytes (import.h): it is refused, not cut.
 */
int import_too_long(const char *value, size_t max, const char *field, const char *what,
		    char *why, size_t cap);
/* `s` without surrounding white space, in `buf` (cut at `cap`). */
const char *import_trim(const char *s, char *buf, size_t cap);
/* The length of `s` without surrounding white space. */
size_t import_trimmed_len(const char *s);
/* The value of field `name` (cached index `idx` when names are fixed), or "". */
const char *import_value_of(struct importer *im, const struct source_record *rec, int idx,
			    const char *name);
/* Each field not in the mapping, with the records that had a value in it. */
void import_warn_unmapped(struct importer *im);
/* XML exports: a mapped field that no record had is most likely misspelt. */
void import_warn_unseen(struct importer *im);

/* import_answers.c */
/* Empties `b` for the next record, keeping its arrays. */
void import_build_release(struct response_build *b);
/* Sets b->reason: -1, for `return import_reason(b, ...)`. */
int import_reason(struct response_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds an answer row to `b` (`value` must outlive it, or be recorded in b->owned). 0 or -1. */
int import_add_row(struct response_build *b, long long qid, long long sqid, long long option,
	    const char *value);
/*
 * True when `cell`, trimmed, is one the mapping says means no answer (any
 * case). A mapping-wide value that names an option (`tick`'s, in a field of
 * one option) is that option: "none" stays "None of these" where it is one.
 */
int import_no_answer(const struct mapping *m, const struct bound_question *q,
	      const struct bound_option *tick, const char *cell);
/* One cell (or the fixed value) read as the answer to `q`, added to `b`. 0, or -1 with b->reason. */
int import_read_cell(struct importer *im, const struct bound_question *q, const char *cell,
	      struct response_build *b);
/* A fixed value is read once, before any record, as a cell would be: 0, or -1 refusing the file. */
int import_check_fixed(struct importer *im, const struct bound_question *q);
/* The option a piece of text names: its label, its code, or a mapping <value>. */
long import_match_option(const struct bound_question *q, const char *text);
/*
 * The answers of question `q` in `rec` (the fixed value when the mapping
 * gives one: `rec` is then not read) added to `b`. 0, or -1 with b->reason.
 */
int import_read_question(struct importer *im, const struct source_record *rec,
			 const struct bound_question *q, struct response_build *b);
/*
 * A ticked district: an ONS code, a district name, or a mapping <value>.
 * *ticked is `out`, or NULL when the cell is empty. 0, or -1 when the
 * lookup failed (the transaction may be gone: never carry on).
 */
int import_ticked_district(struct importer *im, const char *cell, char out[16],
			   const char **ticked);

/* import_record.c */
/*
 * The summary's districts from the counts, grouped and ordered as
 * "SELECT coalesce(d.name, 'outside the area' or 'not known'), count(*) ...
 * GROUP BY 1 ORDER BY d.name IS NULL, 1" over this import's responses
 * would, without reading them back and sorting them all.
 */
int import_district_summary(struct importer *im);
/* The exercise's opening and closing dates, for outside_dates(). */
int import_exercise_dates(struct importer *im);
/*
 * One record: stored as a response, skipped (a duplicate, erased, replaced
 * by an edit) or rejected. 0; -1 on failure; -2 when the mapping does not
 * fit the file (refused).
 */
int import_record(struct importer *im, const struct source_record *rec,
		  struct response_build *b);
/* One of enum key_found for `value`, or -1 on failure. */
int import_key_lookup(struct importer *im, sqlite3_stmt *st, const char *value);
/*
 * The record's identity, before anything else of it is read: the export's
 * id (prefixed, into `ext`), a paper serial number, or with neither the
 * content itself. 0, or 1 with `why` set when the record is to be rejected.
 */
int import_record_keys(struct importer *im, const struct source_record *rec, char ext[EXT_LEN],
		       char serial[SERIAL_LEN], char why[WHY_LEN]);
/* "file:place: reason", the same text for the user and the rejects table. */
int import_reject(struct importer *im, const struct source_record *rec, const char *why);
/*
 * Stores a rejected record with its raw text and the identity it was read
 * with (im->cur_ext, im->cur_serial), so that erasure finds it by the same
 * rules as the import. 0 or -1.
 */
int import_store_reject(struct importer *im, const struct source_record *rec, const char *why);

/* import_shape.c: grids, routes and repeat groups (docs/mapping-format.md) */
/* Binds routes and grids of items, marks questions in repeat groups: 0, or -1 refusing the file. */
int shape_bind(struct importer *im, long long qnr);
/* With the header: grid rows bound as questions or items, routes' columns found. 0 or -1. */
int shape_index(struct importer *im, const struct source_record *rec);
/* The answers through routes and grids of items: 0, or -1 with b->reason. */
int import_shape_read(struct importer *im, const struct source_record *rec, struct response_build *b);
/* A question in a repeat group read repeat by repeat: one answer each. 0, or -1 with b->reason. */
int import_read_each(struct importer *im, const struct source_record *rec,
	      const struct bound_question *q, struct response_build *b);
/* Frees what shape_bind() and shape_index() made. */
void shape_free(struct importer *im);
/* The groups the mapping gives repeat by repeat (an array to free; NULL out of memory). */
const char **shape_repeat_each(const struct mapping *m, size_t *n);

/* import_edits.c */
/*
 * Where the earlier version of the edit `ext` is: following the file's
 * edits back, edits imported earlier forward and rejected edits back (their
 * step is kept: see import_record_keyed()), until a response (its
 * id into *target, the version into `target_ext`) or an erasure is met.
 * Fills path[] with the indexes of this file's links followed (*npath).
 * 0 (*target 0 when no earlier version is in the database), 1 when an
 * earlier version was erased, -1 on failure.
 */
int import_edit_target(struct importer *im, const char *ext, long long *target,
		       char target_ext[EXT_LEN], long path[EDIT_CHAIN_MAX], int *npath);
/* Frees the edits import_scan_edits() found. */
void import_edits_free(struct importer *im);
/*
 * Records the edits followed to reach the stored response `ext` (one row
 * per version, ids only) and, when an earlier version was a response
 * (`target`, 0 for none), deletes it. A rejected edit records its own step
 * only (npath 1, target 0). 0 or -1.
 */
int import_record_edit(struct importer *im, long long target, const char *target_ext,
		       const long *path, int npath);
/*
 * XForm exports naming meta/deprecatedID: reads the edits of the file
 * (each edit's id and the id it replaces) before any record is stored. 0 or -1.
 */
int import_scan_edits(struct importer *im);

#endif
