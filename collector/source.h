/*
 * source.h: one interface over every export format the collector reads.
 *
 * A source yields records, each a list of (field name, value) pairs with a
 * place in the file for messages: "line 12" for CSV, "row 12" for XLSX,
 * "record 3" for XML exports. Field names are what the mapping file refers
 * to: CSV and XLSX header text, XML element paths.
 *
 * Ownership: a record's strings belong to the source and stay valid until
 * the next source_next() or source_free().
 */
#ifndef TALLY_SOURCE_H
#define TALLY_SOURCE_H

#include <stddef.h>

#include "err.h"

struct source_record {
	size_t nfields;
	const char *const *names;  /* field names; for CSV and XLSX the same array every record */
	const char *const *values; /* field values, UTF-8, "" when empty */
	long place;                /* line, row or record number, 1-based */
	const char *place_word;    /* "line", "row" or "record" */
	const char *file;          /* the file the record came from (a folder's instance) */
	const char *raw;           /* the record as it was in the input, may be cut; may be NULL */
	size_t raw_len;
};

enum source_status {
	SOURCE_EOF = 0,    /* no more records */
	SOURCE_RECORD = 1, /* *rec holds a record */
	SOURCE_BAD = -1,   /* this record cannot be read: one line in `e`, rec->place set; go on.
			    * rec->nfields is 0, or the fields could be told apart (a CSV
			    * row with too many values: the header's columns are given) */
	SOURCE_FATAL = -2, /* the file cannot be read further: `e` says why */
};

struct source_ops {
	int (*next)(void *state, struct source_record *rec, struct err *e);
	void (*free)(void *state);
	long long (*bytes)(void *state); /* bytes of the file read so far; NULL: unknown */
};

struct source {
	const struct source_ops *ops;
	void *state;
	const char *format; /* csv, xlsx, xform, limesurvey */
};

/* Reads the next record: one of enum source_status. */
static inline int source_next(struct source *s, struct source_record *rec, struct err *e)
{
	return s->ops->next(s->state, rec, e);
}

/* Bytes of the file read so far, for progress; -1 when the format cannot tell. */
static inline long long source_bytes(struct source *s)
{
	return s->ops->bytes ? s->ops->bytes(s->state) : -1;
}

/* Frees the source's state; a source with no state is fine. */
static inline void source_free(struct source *s)
{
	if (s && s->ops && s->state)
		s->ops->free(s->state);
	if (s)
		s->state = NULL;
}

/* Options that the mapping file and the command line give a source. */
struct source_options {
	int header_rows;       /* CSV, XLSX: 1, or 2 for SurveyMonkey-style exports */
	char separator;        /* CSV: ',' by default */
	const char *sheet;     /* XLSX: a sheet name, NULL for the first sheet */
	const char *form_path; /* XForm: the form definition, NULL when not given */
	const char *structure; /* LimeSurvey: the .lss survey structure, NULL when not given */
	/* XForm: repeat groups (paths below the root) whose repeats are all given, each
	   field once per repeat under the same name; any other repeat refuses its record. */
	const char *const *repeat_each;
	size_t nrepeat_each;
	size_t xlsx_entry_limit; /* XLSX: the most a zip part may expand to; 0: SOURCE_XLSX_LIMIT
				    (tests show the zip bomb checks with small fixtures) */
};

/* The default bound on any zip entry's uncompressed size in an XLSX: 512 MiB. */
#define SOURCE_XLSX_LIMIT ((size_t)512 << 20)

/*
 * Opens `path` as the given format. Each returns 0 with *src ready, or -1
 * with `e` set (the file cannot be opened or is not of that format).
 */
int source_csv_open(const char *path, const struct source_options *opt, struct source *src,
		    struct err *e);
int source_xlsx_open(const char *path, const struct source_options *opt, struct source *src,
		     struct err *e);
int source_xform_open(const char *path, const struct source_options *opt, struct source *src,
		      struct err *e);
int source_limesurvey_open(const char *path, const struct source_options *opt,
			   struct source *src, struct err *e);

/* The largest export of each format read: refused before a byte is read. */
#define SOURCE_MAX_CSV (4ULL << 30)          /* streamed, but hashed whole first */
#define SOURCE_MAX_XLSX (1ULL << 30)         /* the zip; its parts have their own limit */
#define SOURCE_MAX_LIMESURVEY (512ULL << 20) /* read into memory */

/* The largest file of `format` ("csv"...; XForm: XMLSAFE_MAX_FILE) accepted. */
unsigned long long source_max_bytes(const char *format);

/*
 * Checks, before anything reads it, that `path` can be imported as
 * `format`: a regular file (or, for "xform", a folder) within
 * source_max_bytes(). Devices, FIFOs and sockets are refused at once
 * (EXIT_USAGE), a file over the limit with EXIT_DATA. 0 or -1.
 */
int source_check_input(const char *path, const char *format, struct err *e);

/*
 * Guesses the format from the file's first bytes (and, for a folder, that it
 * holds XForm instances; a zip named .lsa or holding an .lsr is a LimeSurvey
 * survey archive): "csv", "xlsx", "xform", "limesurvey", or NULL when
 * it cannot tell (with `e` saying why).
 */
const char *source_detect(const char *path, struct err *e);

/*
 * A fingerprint of a file, or of a folder's XML files (one level of
 * subfolders too), names and contents: SHA-256 in lowercase hex into `hex`
 * (SHA256_HEX_LEN + 1). 0, or -1 with `e` set.
 */
int source_fingerprint(const char *path, char *hex, struct err *e);

/* 1 when some XML file of `path` (a file or a folder) holds `word` (short ASCII), 0, or -1. */
int source_mentions(const char *path, const char *word, struct err *e);

#endif
