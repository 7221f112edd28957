/*
 * csv.h: a streaming CSV reader for survey exports, and the one way CSV
 * fields are written (csv_write_field()).
 *
 * RFC 4180 plus what real exports do: a UTF-8 byte order mark is skipped,
 * records end with CRLF, LF or a lone CR, blank lines are skipped, the last
 * record need not end with a newline, and ';' or tab may separate fields.
 * Input is read through a fixed buffer of CSV_BUFSIZE bytes: memory grows
 * only with the largest record, which the options bound.
 *
 * A record that breaks the rules (a stray quote, text after a closing quote,
 * a NUL byte, invalid UTF-8, a field or a field count over the limits) is
 * returned as CSV_BAD with one error line "NAME:LINE: reason", and reading
 * goes on at the next record. Only an unclosed quote at end of input and
 * read errors are fatal.
 */
#ifndef TALLY_CSV_H
#define TALLY_CSV_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"

/* Bytes asked of each read(2). */
#define CSV_BUFSIZE (64 * 1024)

/* At most this many raw bytes of a record are kept for csv_raw(). */
#define CSV_RAW_MAX 4096

struct csv_options {
	char separator;         /* ',' by default (0 means ','); ';' and '\t' allowed */
	size_t max_field;       /* bytes; 0 means 16 MiB */
	size_t max_fields;      /* per record; 0 means 10000 */
	int allow_invalid_utf8; /* 0: a field with invalid UTF-8 makes the record CSV_BAD */
	unsigned long long max_bytes; /* csv_reader_open(): a larger file is refused
					 before a byte is read; 0: no limit */
};

struct csv_record {
	size_t nfields;
	char **fields;  /* NUL-terminated copies owned by the reader, valid until the next csv_read or csv_reader_free */
	size_t *lens;   /* byte length of each field */
	long line;      /* 1-based physical line where the record starts */
	long end_line;  /* physical line where it ends (differs for quoted multi-line fields) */
};

enum csv_status { CSV_EOF = 0, CSV_RECORD = 1, CSV_BAD = -1, CSV_FATAL = -2 };

struct csv_reader;

/*
 * Opens the file at path for reading; opt may be NULL for the defaults.
 * Returns a reader to free with csv_reader_free(), or NULL with e set:
 * EXIT_SYSTEM "cannot open PATH: <strerror>" when it cannot be opened or
 * read, EXIT_DATA when it is a directory, is over opt->max_bytes, looks
 * gzip-compressed or UTF-16 encoded (checked on the first bytes, read here),
 * EXIT_USAGE for a bad separator in opt or when it is a device, a FIFO or a
 * socket (refused at once, never waited on).
 */
struct csv_reader *csv_reader_open(const char *path, const struct csv_options *opt,
				   struct err *e);

/*
 * Like csv_reader_open() on an open descriptor, which the reader reads from
 * where it stands but never closes; name is copied and used in messages
 * (NULL gives "<stdin>" for fd 0, "<fd N>" otherwise). The first bytes are
 * read here, so a pipe's writer must already be writing.
 */
struct csv_reader *csv_reader_fd(int fd, const char *name, const struct csv_options *opt,
				 struct err *e);

/*
 * A reader of the len bytes at buf, for tests and fuzzers: buf is not copied
 * and must outlive the reader; name as for csv_reader_fd() (NULL gives
 * "<memory>"). Fails like csv_reader_open() on the first bytes or options.
 */
struct csv_reader *csv_reader_mem(const char *buf, size_t len, const char *name,
				  const struct csv_options *opt, struct err *e);

/*
 * Reads the next record into *rec and returns:
 *   CSV_RECORD  rec holds the fields (owned by the reader, valid until the
 *               next csv_read() or csv_reader_free());
 *   CSV_BAD     the record broke a rule: e gets one EXIT_DATA line
 *               "NAME:LINE: reason" (LINE is where the problem is),
 *               rec->line and rec->end_line say where the record was,
 *               rec->nfields is 0; call again for the next record;
 *   CSV_EOF     no more records (rec is zeroed);
 *   CSV_FATAL   an unclosed quoted field at end of input (EXIT_DATA, with
 *               the line where it opened) or a read or memory error
 *               (EXIT_SYSTEM); rec->line is where the record started. Later
 *               calls return CSV_FATAL again with the same error.
 */
int csv_read(struct csv_reader *r, struct csv_record *rec, struct err *e);

/*
 * The raw bytes of the record last returned (CSV_RECORD or CSV_BAD; after
 * CSV_FATAL, of the unfinished record) without its line terminator: at most
 * the first CSV_RAW_MAX bytes, cut on a UTF-8 sequence boundary when the text
 * is valid. Stores the length in *len (len may be NULL); not NUL-terminated.
 * Owned by the reader, valid until the next csv_read().
 */
const char *csv_raw(const struct csv_reader *r, size_t *len);

/* Records returned so far, CSV_RECORD and CSV_BAD alike. */
long csv_records_read(const struct csv_reader *r);

/* Bytes of input consumed so far (the byte order mark included): for progress. */
off_t csv_bytes_read(const struct csv_reader *r);

/* Frees the reader and what it owns, closing the file csv_reader_open()
 * opened. NULL is allowed. */
void csv_reader_free(struct csv_reader *r);

/*
 * One CSV text field (RFC 4180): quoted when it holds a comma, semicolon,
 * quote, tab, line break or leading space. A field a spreadsheet would take
 * for a formula (starting with = + - @, tab or CR, and not a plain number)
 * is neutralised as OWASP's CSV injection guidance says: quoted, with a
 * ' in front, which the spreadsheet shows as text. Numbers the program
 * writes as numbers go out with printf, not through here.
 */
void csv_write_field(FILE *out, const char *s);

/* Whether csv_write_field() neutralises `s`: it could start a formula. */
int csv_cell_is_risky(const char *s);

#endif
