#include "csv.h"
#include "fileutil.h"
#include "strbuf.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAX_FIELD ((size_t)16 * 1024 * 1024)
#define DEFAULT_MAX_FIELDS ((size_t)10000)
#define RAW_CAP (CSV_RAW_MAX + 4)	/* a few more, to cut on a boundary */

/* Where the parser stands; a record can stop at any of these between reads. */
enum state {
	ST_RECORD,	/* between records, skipping blank lines */
	ST_FIELD,	/* at the start of a field */
	ST_UNQUOTED,	/* inside an unquoted field */
	ST_QUOTED,	/* inside a quoted field */
	ST_QUOTE,	/* just after a quote inside a quoted field */
};

struct csv_reader {
	char *name;
	int fd;			/* -1 when reading memory */
	int own_fd;		/* csv_reader_open() opened it: close it */
	const unsigned char *buf;
	unsigned char *own_buf;	/* CSV_BUFSIZE bytes when reading fd */
	size_t len;		/* bytes in buf */
	size_t pos;		/* next byte to look at */
	off_t base;		/* input offset of buf[0] */
	int eof;		/* read(2) said end of file */

	int fatal;
	enum exit_code fatal_code;
	char fatal_msg[ERR_LINE_LEN];

	unsigned char sep;
	size_t max_field;
	size_t max_fields;
	int allow_invalid_utf8;
	unsigned char stop_unquoted[256];	/* bytes ending an unquoted run */
	unsigned char stop_quoted[256];		/* bytes ending a quoted run */

	long line;		/* physical line of the next byte */
	int pending_lf;		/* a CR ended the last line: a LF next is its */
	long nrecords;

	/* The record being read. */
	enum state st;
	long rec_line;
	long quote_line;	/* where the current quoted field opened */
	size_t nf;		/* fields started */
	size_t cur_off;		/* offset in data of the current field */
	int bad;
	long bad_line;
	char bad_msg[256];

	char *data;		/* field bytes, each field NUL-terminated */
	size_t dlen, dcap;
	size_t *offs;		/* where each field starts in data */
	size_t *lens;
	char **fields;
	size_t fcap;		/* fields all three hold */
	size_t caps[3];		/* what offs, lens and fields each hold (ALLOC_GROW) */

	unsigned char raw[RAW_CAP];
	size_t rawlen;
	size_t mark;		/* buf offset of the record bytes not yet in raw */
	int in_rec;
};

static void set_bad(struct csv_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_bad(struct csv_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bad)
		return;
	r->bad = 1;
	r->bad_line = r->line;
	va_start(ap, fmt);
	vsnprintf(r->bad_msg, sizeof r->bad_msg, fmt, ap);
	va_end(ap);
}

static void set_fatal(struct csv_reader *r, enum exit_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_fatal(struct csv_reader *r, enum exit_code code, const char *fmt, ...)
{
	va_list ap;

	if (r->fatal)
		return;
	r->fatal = 1;
	r->fatal_code = code;
	va_start(ap, fmt);
	vsnprintf(r->fatal_msg, sizeof r->fatal_msg, fmt, ap);
	va_end(ap);
	r->bad = 1;	/* stop storing anything */
}

/* The slow part of reserve(): grows data; 0 or -1 (fatal set). */
static int grow(struct csv_reader *r, size_t need)
{
	if (need > SIZE_MAX - r->dlen ||
	    ALLOC_GROW(r->data, r->dlen + (need < 1024 ? 1024 : need), r->dcap) < 0) {
		set_fatal(r, EXIT_SYSTEM, "out of memory reading %s", r->name);
		return -1;
	}
	return 0;
}

/* Makes room for `need` more bytes of field data; 0 or -1 (fatal set). */
static inline int reserve(struct csv_reader *r, size_t need)
{
	if (r->dcap - r->dlen >= need)
		return 0;
	return grow(r, need);
}

/* Adds n bytes to the current field, unless the record is already bad. */
static inline void append(struct csv_reader *r, const unsigned char *p, size_t n)
{
	if (r->bad)
		return;
	if (n > r->max_field - (r->dlen - r->cur_off)) {
		set_bad(r, "column %zu is longer than %zu bytes", r->nf, r->max_field);
		return;
	}
	if (reserve(r, n + 1) < 0)
		return;
	memcpy(r->data + r->dlen, p, n);
	r->dlen += n;
}

/* The slow part of field_start(): a bad record, a limit, more room. */
static void field_start_slow(struct csv_reader *r)
{
	if (r->bad) {
		r->nf++;
		return;
	}
	if (r->nf >= r->max_fields) {
		set_bad(r, "record has more than %zu fields", r->max_fields);
		r->nf++;
		return;
	}
	if (r->nf == r->fcap) {
		size_t want = r->nf < 64 ? 64 : r->nf + 1;

		if (ALLOC_GROW(r->offs, want, r->caps[0]) < 0 ||
		    ALLOC_GROW(r->lens, want, r->caps[1]) < 0 ||
		    ALLOC_GROW(r->fields, want, r->caps[2]) < 0) {
			set_fatal(r, EXIT_SYSTEM, "out of memory reading %s", r->name);
			return;
		}
		r->fcap = r->caps[0];
		if (r->caps[1] < r->fcap)
			r->fcap = r->caps[1];
		if (r->caps[2] < r->fcap)
			r->fcap = r->caps[2];
	}
	r->cur_off = r->dlen;
	r->offs[r->nf++] = r->dlen;
}

/* Opens field number nf + 1 at the end of data. */
static inline void field_start(struct csv_reader *r)
{
	if (r->bad || r->nf == r->fcap || r->nf >= r->max_fields) {
		field_start_slow(r);
		return;
	}
	r->cur_off = r->dlen;
	r->offs[r->nf++] = r->dlen;
}

/* Closes the current field: its length, its NUL. */
static inline void field_end(struct csv_reader *r)
{
	if (r->bad || reserve(r, 1) < 0)
		return;
	r->lens[r->nf - 1] = r->dlen - r->cur_off;
	r->data[r->dlen++] = '\0';
}

/* Copies the record's bytes buf[mark, upto) into raw, as far as they fit. */
static void flush_raw(struct csv_reader *r, size_t upto)
{
	size_t n = upto - r->mark;

	if (!r->in_rec)
		return;
	if (n > RAW_CAP - r->rawlen)
		n = RAW_CAP - r->rawlen;
	memcpy(r->raw + r->rawlen, r->buf + r->mark, n);
	r->rawlen += n;
	r->mark = upto;
}

static void record_start(struct csv_reader *r, size_t at)
{
	r->in_rec = 1;
	r->mark = at;
	r->rawlen = 0;
	r->rec_line = r->line;
	r->nf = 0;
	r->dlen = 0;
	r->cur_off = 0;
	r->bad = 0;
	r->st = ST_FIELD;
}

/* Physical line breaks in n bytes of field data (CRLF counts once). */
static long count_lines(const char *s, size_t n)
{
	long lines = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			lines++;
		else if (s[i] == '\r' && !(i + 1 < n && s[i + 1] == '\n'))
			lines++;
	}
	return lines;
}

/* Ends the record whose bytes end at buf[upto] (the terminator, if any). */
static int record_end(struct csv_reader *r, size_t upto, struct csv_record *rec,
		      struct err *e)
{
	size_t at;

	flush_raw(r, upto);
	r->in_rec = 0;
	r->st = ST_RECORD;
	rec->line = r->rec_line;
	rec->end_line = r->line;
	if (r->fatal)
		return CSV_FATAL;
	r->nrecords++;
	if (!r->bad && !r->allow_invalid_utf8 && !utf8_check(r->data, r->dlen, &at)) {
		size_t col = 1;

		while (col < r->nf && r->offs[col] <= at)
			col++;
		r->bad = 1;
		r->bad_line = r->rec_line + count_lines(r->data, at);
		snprintf(r->bad_msg, sizeof r->bad_msg, "invalid UTF-8 in column %zu: %s",
			 col, utf8_problem(r->data, r->dlen, at));
	}
	if (r->bad) {
		err_set(e, EXIT_DATA, "%s:%ld: %s", r->name, r->bad_line, r->bad_msg);
		return CSV_BAD;
	}
	for (size_t i = 0; i < r->nf; i++)
		r->fields[i] = r->data + r->offs[i];
	rec->nfields = r->nf;
	rec->fields = r->fields;
	rec->lens = r->lens;
	return CSV_RECORD;
}

/*
 * Moves to the next chunk of input after saving what raw needs of this one.
 * Returns 1 with more bytes, 0 at end of input, -1 on a read error (fatal).
 */
static int refill(struct csv_reader *r)
{
	ssize_t n;

	flush_raw(r, r->len);
	if (r->fd < 0 || r->eof)
		return 0;
	r->base += (off_t)r->len;
	r->len = 0;
	r->pos = 0;
	r->mark = 0;
	do
		n = read(r->fd, r->own_buf, CSV_BUFSIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		set_fatal(r, EXIT_SYSTEM, "cannot read %s: %s", r->name, strerror(errno));
		return -1;
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->len = (size_t)n;
	return 1;
}

/* Finds the first byte at or after p that `stop` flags, or end. */
static inline const unsigned char *scan(const unsigned char *p, const unsigned char *end,
					const unsigned char *stop)
{
	while (end - p >= 4) {
		if (stop[p[0]])
			return p;
		if (stop[p[1]])
			return p + 1;
		if (stop[p[2]])
			return p + 2;
		if (stop[p[3]])
			return p + 3;
		p += 4;
	}
	while (p < end && !stop[*p])
		p++;
	return p;
}

static int at_eof(struct csv_reader *r, struct csv_record *rec, struct err *e)
{
	switch (r->st) {
	case ST_RECORD:
		return CSV_EOF;
	case ST_FIELD:
		field_start(r);	/* an empty last field: "a," */
		field_end(r);
		return record_end(r, r->len, rec, e);
	case ST_UNQUOTED:
	case ST_QUOTE:
		field_end(r);
		return record_end(r, r->len, rec, e);
	case ST_QUOTED:
		rec->line = r->rec_line;
		rec->end_line = r->line;
		set_fatal(r, EXIT_DATA, "%s:%ld: quoted field starting here is never closed",
			  r->name, r->quote_line);
		break;
	}
	return CSV_FATAL;
}

/*
 * The steps of parse(), one for each state: each reads from p (before end)
 * and returns where the next step starts. A step that ends the record sets
 * *term to its terminator (the CR or LF) and returns the byte after it.
 */

/* Between records: blank lines are skipped, anything else starts a record. */
static inline const unsigned char *step_record(struct csv_reader *r, const unsigned char *p)
{
	if (*p == '\n') {
		if (!r->pending_lf)
			r->line++;
		r->pending_lf = 0;
		return p + 1;
	}
	if (*p == '\r') {
		r->line++;
		r->pending_lf = 1;
		return p + 1;
	}
	r->pending_lf = 0;
	record_start(r, (size_t)(p - r->buf));
	return p;
}

/* At the start of a field: quoted or not. */
static inline const unsigned char *step_field(struct csv_reader *r, const unsigned char *p)
{
	field_start(r);
	if (*p == '"') {
		r->quote_line = r->line;
		r->st = ST_QUOTED;
		return p + 1;
	}
	r->st = ST_UNQUOTED;
	return p;
}

/* Inside an unquoted field: its bytes up to a separator or a line end. */
static inline const unsigned char *step_unquoted(struct csv_reader *r, const unsigned char *p,
						 const unsigned char *end,
						 const unsigned char **term)
{
	const unsigned char *q = scan(p, end, r->stop_unquoted);
	unsigned char c;

	if (q != p)
		append(r, p, (size_t)(q - p));
	if (q == end)
		return end;
	c = *q;
	p = q + 1;
	if (c == r->sep) {
		field_end(r);
		/* The next field is unquoted too: stay. */
		if (p < end && *p != '"')
			field_start(r);
		else
			r->st = ST_FIELD;
	} else if (c == '\n' || c == '\r') {
		field_end(r);
		*term = q;
	} else if (c == '"') {
		set_bad(r, "stray quote in unquoted field, column %zu", r->nf);
	} else {
		set_bad(r, "NUL byte in column %zu", r->nf);
	}
	return p;
}

/* Inside a quoted field: its bytes, line breaks too, up to a quote. */
static inline const unsigned char *step_quoted(struct csv_reader *r, const unsigned char *p,
					       const unsigned char *end)
{
	const unsigned char *q = scan(p, end, r->stop_quoted);
	unsigned char c;

	if (q != p) {
		append(r, p, (size_t)(q - p));
		r->pending_lf = 0;
	}
	if (q == end)
		return end;
	c = *q;
	if (c == '"') {
		r->pending_lf = 0;
		r->st = ST_QUOTE;
	} else if (c == '\n') {
		if (!r->pending_lf)
			r->line++;
		r->pending_lf = 0;
		append(r, q, 1);
	} else if (c == '\r') {
		r->line++;
		r->pending_lf = 1;
		append(r, q, 1);
	} else {
		r->pending_lf = 0;
		set_bad(r, "NUL byte in column %zu", r->nf);
	}
	return q + 1;
}

/* Just after a quote in a quoted field: a doubled quote, or the field's end. */
static inline const unsigned char *step_quote(struct csv_reader *r, const unsigned char *p,
					      const unsigned char **term)
{
	unsigned char c = *p;

	if (c == '"') {
		append(r, p, 1);
		r->st = ST_QUOTED;
		return p + 1;
	}
	if (c == r->sep) {
		field_end(r);
		r->st = ST_FIELD;
		return p + 1;
	}
	if (c == '\n' || c == '\r') {
		field_end(r);
		*term = p;
		return p + 1;
	}
	set_bad(r, "text after closing quote in column %zu", r->nf);
	r->st = ST_UNQUOTED;
	return p;
}

/* Runs the steps over buf[p, end) until the input runs out or a record ends (*term). */
static inline const unsigned char *steps(struct csv_reader *r, const unsigned char *p,
					 const unsigned char *end, const unsigned char **term)
{
	while (p < end && !*term) {
		switch (r->st) {
		case ST_RECORD:
			p = step_record(r, p);
			break;
		case ST_FIELD:
			p = step_field(r, p);
			break;
		case ST_UNQUOTED:
			p = step_unquoted(r, p, end, term);
			break;
		case ST_QUOTED:
			p = step_quoted(r, p, end);
			break;
		case ST_QUOTE:
			p = step_quote(r, p, term);
			break;
		}
	}
	return p;
}

/* Reads on to the end of the next record, refilling the buffer as it goes. */
static int parse(struct csv_reader *r, struct csv_record *rec, struct err *e)
{
	const unsigned char *p, *term = NULL;
	int n;

	for (;;) {
		if (r->pos == r->len) {
			n = refill(r);
			if (n < 0) {
				rec->line = r->in_rec ? r->rec_line : r->line;
				return CSV_FATAL;
			}
			if (n == 0)
				return at_eof(r, rec, e);
		}
		p = steps(r, r->buf + r->pos, r->buf + r->len, &term);
		if (term)
			break;
		r->pos = r->len;
	}
	/* term is the terminator (CR or LF), p the byte after it. */
	r->pos = (size_t)(p - r->buf);
	n = record_end(r, (size_t)(term - r->buf), rec, e);
	r->line++;
	r->pending_lf = *term == '\r';
	return n;
}

int csv_read(struct csv_reader *r, struct csv_record *rec, struct err *e)
{
	int st;

	memset(rec, 0, sizeof *rec);
	if (!r->fatal)
		st = parse(r, rec, e);
	else
		st = CSV_FATAL;
	if (st == CSV_FATAL) {
		rec->nfields = 0;
		rec->fields = NULL;
		rec->lens = NULL;
		err_set(e, r->fatal_code, "%s", r->fatal_msg);
	}
	return st;
}

const char *csv_raw(const struct csv_reader *r, size_t *len)
{
	size_t n = utf8_prefix((const char *)r->raw, r->rawlen, CSV_RAW_MAX);

	if (len)
		*len = n;
	return (const char *)r->raw;
}

long csv_records_read(const struct csv_reader *r)
{
	return r->nrecords;
}

off_t csv_bytes_read(const struct csv_reader *r)
{
	return r->base + (off_t)r->pos;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->own_buf);
	free(r->data);
	free(r->offs);
	free(r->lens);
	free(r->fields);
	free(r->name);
	free(r);
}

/* A reader with options checked and tables set, but no input yet. */
static struct csv_reader *reader_new(const char *name, const struct csv_options *opt,
				     struct err *e)
{
	struct csv_options def = { 0 };
	struct csv_reader *r;
	char sep;

	if (!opt)
		opt = &def;
	sep = opt->separator ? opt->separator : ',';
	if (sep != ',' && sep != ';' && sep != '\t') {
		err_set(e, EXIT_USAGE, "separator for %s must be a comma, a semicolon or a tab",
			name);
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r || !(r->name = strdup(name))) {
		free(r);
		err_set(e, EXIT_SYSTEM, "out of memory opening %s", name);
		return NULL;
	}
	r->fd = -1;
	r->sep = (unsigned char)sep;
	r->max_field = opt->max_field ? opt->max_field : DEFAULT_MAX_FIELD;
	r->max_fields = opt->max_fields ? opt->max_fields : DEFAULT_MAX_FIELDS;
	r->allow_invalid_utf8 = opt->allow_invalid_utf8;
	r->stop_unquoted[r->sep] = 1;
	r->stop_unquoted['\n'] = 1;
	r->stop_unquoted['\r'] = 1;
	r->stop_unquoted['"'] = 1;
	r->stop_unquoted[0] = 1;
	r->stop_quoted['\n'] = 1;
	r->stop_quoted['\r'] = 1;
	r->stop_quoted['"'] = 1;
	r->stop_quoted[0] = 1;
	r->line = 1;
	r->st = ST_RECORD;
	return r;
}

/* Refuses what is plainly not UTF-8 text, then skips a byte order mark. */
static int check_start(struct csv_reader *r, struct err *e)
{
	const unsigned char *b = r->buf;

	if (r->len >= 2 && b[0] == 0x1F && b[1] == 0x8B)
		return err_set(e, EXIT_DATA, "%s looks gzip-compressed: decompress it first",
			       r->name);
	if (r->len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
		return err_set(e, EXIT_DATA, "%s looks UTF-16 encoded: save it as UTF-8 CSV",
			       r->name);
	if (r->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		r->pos = 3;
	return 0;
}

/* Sets up reading from fd: checks it, reads the first bytes. */
static int start_fd(struct csv_reader *r, struct err *e)
{
	struct stat st;
	ssize_t n;

	if (fstat(r->fd, &st) < 0)
		return err_set(e, EXIT_SYSTEM, "cannot open %s: %s", r->name, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return err_set(e, EXIT_DATA, "%s is a directory, not a CSV file", r->name);
	if (S_ISREG(st.st_mode))
		(void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	r->own_buf = malloc(CSV_BUFSIZE);
	if (!r->own_buf)
		return err_set(e, EXIT_SYSTEM, "out of memory opening %s", r->name);
	r->buf = r->own_buf;
	/* Enough bytes to recognise a byte order mark or gzip, even from a pipe. */
	while (r->len < 3) {
		n = read(r->fd, r->own_buf + r->len, CSV_BUFSIZE - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, EXIT_SYSTEM, "cannot read %s: %s", r->name,
				       strerror(errno));
		if (n == 0) {
			r->eof = 1;
			break;
		}
		r->len += (size_t)n;
	}
	return check_start(r, e);
}

struct csv_reader *csv_reader_open(const char *path, const struct csv_options *opt,
				   struct err *e)
{
	struct csv_reader *r = reader_new(path, opt, e);
	struct stat sb;

	if (!r)
		return NULL;
	/* Not waiting on a FIFO: anything but a file or a folder is refused. */
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (r->fd < 0) {
		if (errno == ENXIO)
			err_set(e, EXIT_USAGE, "cannot read %s: not a regular file (a socket)", path);
		else
			err_set(e, EXIT_SYSTEM, "cannot open %s: %s", path, strerror(errno));
		csv_reader_free(r);
		return NULL;
	}
	r->own_fd = 1;
	if (fstat(r->fd, &sb) != 0 || fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) & ~O_NONBLOCK)) {
		err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
		csv_reader_free(r);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		err_set(e, EXIT_USAGE, "cannot read %s: not a regular file (%s)", path,
			file_kind(sb.st_mode));
		csv_reader_free(r);
		return NULL;
	}
	if (opt && opt->max_bytes && S_ISREG(sb.st_mode) &&
	    (unsigned long long)sb.st_size > opt->max_bytes) {
		err_set(e, EXIT_DATA, "%s is larger than %llu bytes: refused", path, opt->max_bytes);
		csv_reader_free(r);
		return NULL;
	}
	if (start_fd(r, e) < 0) {
		csv_reader_free(r);
		return NULL;
	}
	return r;
}

struct csv_reader *csv_reader_fd(int fd, const char *name, const struct csv_options *opt,
				 struct err *e)
{
	char def[32];
	struct csv_reader *r;

	if (!name) {
		if (fd == 0)
			snprintf(def, sizeof def, "<stdin>");
		else
			snprintf(def, sizeof def, "<fd %d>", fd);
		name = def;
	}
	r = reader_new(name, opt, e);
	if (!r)
		return NULL;
	r->fd = fd;
	if (start_fd(r, e) < 0) {
		csv_reader_free(r);
		return NULL;
	}
	return r;
}

struct csv_reader *csv_reader_mem(const char *buf, size_t len, const char *name,
				  const struct csv_options *opt, struct err *e)
{
	struct csv_reader *r = reader_new(name ? name : "<memory>", opt, e);

	if (!r)
		return NULL;
	r->buf = (const unsigned char *)(buf ? buf : "");
	r->len = buf ? len : 0;
	r->eof = 1;
	if (check_start(r, e) < 0) {
		csv_reader_free(r);
		return NULL;
	}
	return r;
}

/* ---- writing -------------------------------------------------------------- */

/*
 * Whether `s` is a plain decimal number ("-3", "0.25"): a spreadsheet reads
 * it as that number, never as a formula, so it needs no neutralising.
 */
static int plain_number(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	const char *digits = p;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == digits)
		return 0;
	if (*p == '.') {
		const char *frac = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == frac)
			return 0;
	}
	return !*p;
}

int csv_cell_is_risky(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) && !plain_number(s);
}

void csv_write_field(FILE *out, const char *s)
{
	int risky = csv_cell_is_risky(s);

	if (!risky && !s[strcspn(s, ",;\"\t\r\n")] && s[0] != ' ') {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (risky)
		fputc('\'', out);
	/* A run at a time up to and with each quote, the quote then doubled. */
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		fwrite(s, 1, (size_t)(q - s) + 1, out);
		fputc('"', out);
	}
	fputs(s, out);
	fputc('"', out);
}
