/* check_csv.c: unit tests for common/csv.c. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "utf8.h"

#define MAXF 8	/* fields in an expected record */
#define MAXR 8	/* expected reads in a case, the final CSV_EOF included */

/* One expected csv_read(); a zeroed one expects CSV_EOF. */
struct exp {
	int status;
	long line;		/* rec.line */
	long end_line;		/* rec.end_line; 0: not checked */
	const char *f[MAXF];	/* fields of a CSV_RECORD, NULL after the last */
	const char *msg;	/* substring of the error line (CSV_BAD, CSV_FATAL) */
	long err_line;		/* LINE in the "NAME:LINE: " prefix */
	const char *raw;	/* csv_raw(), when not NULL */
};

struct csv_case {
	const char *name;
	const char *in;
	size_t len;
	struct csv_options opt;
	int at_start;		/* only makes sense at the start of input (a BOM) */
	struct exp want[MAXR];
};

#define IN(s) s, sizeof(s) - 1
#define R(l, el, ...) \
	{ .status = CSV_RECORD, .line = (l), .end_line = (el), .f = { __VA_ARGS__, NULL } }
#define RRAW(l, el, r, ...) \
	{ .status = CSV_RECORD, .line = (l), .end_line = (el), .f = { __VA_ARGS__, NULL }, \
	  .raw = (r) }
#define BAD(l, el, el2, m) \
	{ .status = CSV_BAD, .line = (l), .end_line = (el), .err_line = (el2), .msg = (m) }
#define FATAL(l, el2, m) \
	{ .status = CSV_FATAL, .line = (l), .err_line = (el2), .msg = (m) }

static const struct csv_case cases[] = {
	{ "simple LF", IN("a,b,c\n1,2,3\n"), { 0 }, 0, {
		RRAW(1, 1, "a,b,c", "a", "b", "c"),
		RRAW(2, 2, "1,2,3", "1", "2", "3") } },
	{ "CRLF", IN("a,b\r\n1,2\r\n"), { 0 }, 0, {
		RRAW(1, 1, "a,b", "a", "b"),
		R(2, 2, "1", "2") } },
	{ "lone CR (old Mac)", IN("a,b\r1,2\r3,4"), { 0 }, 0, {
		R(1, 1, "a", "b"), R(2, 2, "1", "2"), R(3, 3, "3", "4") } },
	{ "mixed line ends", IN("a\r\nb\nc\rd"), { 0 }, 0, {
		R(1, 1, "a"), R(2, 2, "b"), R(3, 3, "c"), R(4, 4, "d") } },
	{ "BOM", IN("\xEF\xBB\xBFid,name\n1,x\n"), { 0 }, 1, {
		RRAW(1, 1, "id,name", "id", "name"), R(2, 2, "1", "x") } },
	{ "BOM then quote", IN("\xEF\xBB\xBF\"id\",name\n"), { 0 }, 1, {
		R(1, 1, "id", "name") } },
	{ "BOM only", IN("\xEF\xBB\xBF"), { 0 }, 1, { { 0 } } },
	{ "empty input", IN(""), { 0 }, 0, { { 0 } } },
	{ "only blank lines", IN("\n\r\n\r\n\n"), { 0 }, 0, { { 0 } } },
	{ "quoted separator", IN("\"a,b\",c\n"), { 0 }, 0, {
		RRAW(1, 1, "\"a,b\",c", "a,b", "c") } },
	{ "doubled quotes", IN("\"say \"\"hi\"\"\",x\n\"\"\"\"\n"), { 0 }, 0, {
		R(1, 1, "say \"hi\"", "x"), R(2, 2, "\"") } },
	{ "quoted empty fields", IN("\"\",\"\"\n\"\"\n"), { 0 }, 0, {
		R(1, 1, "", ""), R(2, 2, "") } },
	{ "quoted newline", IN("\"line1\nline2\",x\nnext,y\n"), { 0 }, 0, {
		RRAW(1, 2, "\"line1\nline2\",x", "line1\nline2", "x"),
		R(3, 3, "next", "y") } },
	{ "three-line field, CRLF", IN("id,comment\r\n1,\"one\r\ntwo\r\nthree\"\r\n2,after\r\n"),
	  { 0 }, 0, {
		R(1, 1, "id", "comment"),
		R(2, 4, "1", "one\r\ntwo\r\nthree"),
		R(5, 5, "2", "after") } },
	{ "quoted lone CR", IN("\"a\rb\",c\nd\n"), { 0 }, 0, {
		R(1, 2, "a\rb", "c"), R(3, 3, "d") } },
	{ "quoted CR, text, LF", IN("\"a\rb\nc\",d\ne\n"), { 0 }, 0, {
		R(1, 3, "a\rb\nc", "d"), R(4, 4, "e") } },
	{ "quoted field ending in a newline", IN("\"a\n\",b\r\nc"), { 0 }, 0, {
		R(1, 2, "a\n", "b"), R(3, 3, "c") } },
	{ "empty fields", IN(",,\na,,b\n,\n"), { 0 }, 0, {
		R(1, 1, "", "", ""), R(2, 2, "a", "", "b"), R(3, 3, "", "") } },
	{ "trailing empty columns", IN("a,b,,\n1,2,,\r\n"), { 0 }, 0, {
		R(1, 1, "a", "b", "", ""), R(2, 2, "1", "2", "", "") } },
	{ "blank lines skipped", IN("\n\na,b\n\n\r\n\rc,d\n\n\n"), { 0 }, 0, {
		R(3, 3, "a", "b"), R(7, 7, "c", "d") } },
	{ "whitespace is not blank", IN("a\n \nb\n"), { 0 }, 0, {
		R(1, 1, "a"), R(2, 2, " "), R(3, 3, "b") } },
	{ "spaces kept", IN(" a , b \n"), { 0 }, 0, { R(1, 1, " a ", " b ") } },
	{ "no final newline", IN("a,b\nc,d"), { 0 }, 0, {
		R(1, 1, "a", "b"), RRAW(2, 2, "c,d", "c", "d") } },
	{ "trailing separator at end of input", IN("a,"), { 0 }, 0, { R(1, 1, "a", "") } },
	{ "quoted field at end of input", IN("x,\"y\""), { 0 }, 0, { R(1, 1, "x", "y") } },
	{ "escaped quote at end of input", IN("\"a\"\"\""), { 0 }, 0, { R(1, 1, "a\"") } },
	{ "quoted then separator then newline", IN("\"a\",\n\"b\"\r"), { 0 }, 0, {
		R(1, 1, "a", ""), R(2, 2, "b") } },
	{ "semicolon separator", IN("a;b,c;\"d;e\"\n1;;\n"), { .separator = ';' }, 0, {
		R(1, 1, "a", "b,c", "d;e"), R(2, 2, "1", "", "") } },
	{ "tab separator", IN("a\tb c\t\n\"x\ty\"\tz\n"), { .separator = '\t' }, 0, {
		R(1, 1, "a", "b c", ""), R(2, 2, "x\ty", "z") } },
	{ "UTF-8 text", IN("caf\xC3\xA9,\"\xE2\x82\xAC 5\"\n"), { 0 }, 0, {
		R(1, 1, "caf\xC3\xA9", "\xE2\x82\xAC 5") } },

	{ "stray quote", IN("id,name\n1,5\" screen\n2,ok\n"), { 0 }, 0, {
		R(1, 1, "id", "name"),
		{ .status = CSV_BAD, .line = 2, .end_line = 2, .err_line = 2,
		  .msg = "stray quote in unquoted field, column 2", .raw = "1,5\" screen" },
		R(3, 3, "2", "ok") } },
	{ "text after closing quote", IN("\"a\"b,c\n\"x\",y\n"), { 0 }, 0, {
		BAD(1, 1, 1, "text after closing quote in column 1"),
		R(2, 2, "x", "y") } },
	{ "space after closing quote", IN("\"a\" ,c\r\nz\r\n"), { 0 }, 0, {
		BAD(1, 1, 1, "text after closing quote in column 1"),
		R(2, 2, "z") } },
	{ "resync respects quotes", IN("1,\"a\" x,\"multi\nline\"\n2,z\n"), { 0 }, 0, {
		BAD(1, 2, 1, "text after closing quote in column 2"),
		R(3, 3, "2", "z") } },
	{ "one error per record", IN("a\"b\"c,\0,\xFF\nok\n"), { 0 }, 0, {
		BAD(1, 1, 1, "stray quote in unquoted field, column 1"),
		R(2, 2, "ok") } },
	{ "NUL unquoted", IN("a,b\0c\nd,e\n"), { 0 }, 0, {
		BAD(1, 1, 1, "NUL byte in column 2"), R(2, 2, "d", "e") } },
	{ "NUL in multi-line quoted field", IN("x,\"a\nb\0\"\ny\n"), { 0 }, 0, {
		BAD(1, 2, 2, "NUL byte in column 2"), R(3, 3, "y") } },
	{ "NUL at start of line", IN("\0\nz"), { 0 }, 0, {
		BAD(1, 1, 1, "NUL byte in column 1"), R(2, 2, "z") } },
	{ "overlong C0 AF", IN("a,\xC0\xAF\nb\n"), { 0 }, 0, {
		BAD(1, 1, 1, "invalid UTF-8 in column 2: overlong encoding"), R(2, 2, "b") } },
	{ "surrogate ED A0 80", IN("\xED\xA0\x80,x\nb\n"), { 0 }, 0, {
		BAD(1, 1, 1, "invalid UTF-8 in column 1: encoded surrogate"), R(2, 2, "b") } },
	{ "truncated E2 82", IN("ok,ok,\xE2\x82\nb\n"), { 0 }, 0, {
		{ .status = CSV_BAD, .line = 1, .end_line = 1, .err_line = 1,
		  .msg = "invalid UTF-8 in column 3: truncated sequence",
		  .raw = "ok,ok,\xE2\x82" },
		R(2, 2, "b") } },
	{ "F5 byte", IN("\"q\xF5\"\nb\n"), { 0 }, 0, {
		BAD(1, 1, 1, "invalid UTF-8 in column 1: invalid byte 0xF5"), R(2, 2, "b") } },
	{ "Latin-1 export", IN("name\nJos\xE9\nAnn\n"), { 0 }, 0, {
		R(1, 1, "name"),
		BAD(2, 2, 2, "invalid UTF-8 in column 1: truncated sequence"),
		R(3, 3, "Ann") } },
	{ "invalid UTF-8 deep in a multi-line field", IN("1,\"l1\r\nl2\r\nl3 \xFF\"\n2\n"),
	  { 0 }, 0, {
		BAD(1, 3, 3, "invalid UTF-8 in column 2: invalid byte 0xFF"), R(4, 4, "2") } },
	{ "invalid UTF-8 allowed", IN("a,\xC0\xAF\n"), { .allow_invalid_utf8 = 1 }, 0, {
		R(1, 1, "a", "\xC0\xAF") } },
	{ "field over max_field", IN("12345,x\n123456,x\nok,\"abcdef\"\nlast\n"),
	  { .max_field = 5 }, 0, {
		R(1, 1, "12345", "x"),
		BAD(2, 2, 2, "column 1 is longer than 5 bytes"),
		BAD(3, 3, 3, "column 2 is longer than 5 bytes"),
		R(4, 4, "last") } },
	{ "multi-line field over max_field", IN("\"a\nbcdefgh\nij\",x\nz\n"),
	  { .max_field = 4 }, 0, {
		BAD(1, 3, 2, "column 1 is longer than 4 bytes"), R(4, 4, "z") } },
	{ "escaped quotes count towards max_field", IN("\"\"\"\"\"\"\"\"\"\"\n\"\"\"\"\n"),
	  { .max_field = 3 }, 0, {
		BAD(1, 1, 1, "column 1 is longer than 3 bytes"), R(2, 2, "\"") } },
	{ "too many fields", IN("a,b,c\na,b,c,d\n,,\n"), { .max_fields = 3 }, 0, {
		R(1, 1, "a", "b", "c"),
		BAD(2, 2, 2, "record has more than 3 fields"),
		R(3, 3, "", "", "") } },
	{ "blank lines before a bad record", IN("\n\n\"x\"y\nz"), { 0 }, 0, {
		BAD(3, 3, 3, "text after closing quote"), R(4, 4, "z") } },
	{ "unterminated quote", IN("a,b\n1,\"open\n2,x\n"), { 0 }, 0, {
		R(1, 1, "a", "b"),
		FATAL(2, 2, "quoted field starting here is never closed") } },
	{ "unterminated quote after a bad field", IN("x\"y,\"open\n\n"), { 0 }, 0, {
		FATAL(1, 1, "quoted field starting here is never closed") } },
	{ "unterminated quote on a later line", IN("a,\"b\nc\",\"d\ne"), { 0 }, 0, {
		FATAL(1, 2, "quoted field starting here is never closed") } },
	{ "unterminated empty quote", IN("\""), { 0 }, 0, {
		FATAL(1, 1, "quoted field starting here is never closed") } },
};

#define NCASES ((int)(sizeof cases / sizeof cases[0]))

/* Checks the reads of case c from r, whose lines are off lines further down. */
static void expect(const struct csv_case *c, struct csv_reader *r, const char *name,
		   long off, int shift, off_t total, long nbefore)
{
	long nrec = nbefore;

	for (int k = 0; k < MAXR; k++) {
		const struct exp *x = &c->want[k];
		struct csv_record rec;
		struct err e;
		char prefix[256];
		int st;

		err_init(&e);
		st = csv_read(r, &rec, &e);
		ck_assert_msg(st == x->status, "%s (shift %d) read %d: status %d, expected %d: %s",
			      c->name, shift, k + 1, st, x->status, err_first(&e));
		if (st == CSV_EOF) {
			ck_assert_msg(!err_isset(&e), "%s: error at EOF", c->name);
			ck_assert_uint_eq(rec.nfields, 0);
			ck_assert_msg(csv_bytes_read(r) == total, "%s (shift %d): %lld bytes read of %lld",
				      c->name, shift, (long long)csv_bytes_read(r), (long long)total);
			ck_assert_int_eq(csv_records_read(r), nrec);
			/* and it stays at the end */
			ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
			return;
		}
		ck_assert_msg(rec.line == x->line + off, "%s (shift %d) read %d: line %ld, expected %ld",
			      c->name, shift, k + 1, rec.line, x->line + off);
		if (x->end_line)
			ck_assert_msg(rec.end_line == x->end_line + off,
				      "%s (shift %d) read %d: end_line %ld, expected %ld",
				      c->name, shift, k + 1, rec.end_line, x->end_line + off);
		if (st == CSV_RECORD) {
			size_t n = 0;

			nrec++;
			ck_assert_msg(!err_isset(&e), "%s: error with a record: %s", c->name,
				      err_first(&e));
			while (n < MAXF && x->f[n])
				n++;
			ck_assert_msg(rec.nfields == n, "%s (shift %d) read %d: %zu fields, expected %zu",
				      c->name, shift, k + 1, rec.nfields, n);
			for (size_t i = 0; i < n; i++) {
				ck_assert_msg(rec.lens[i] == strlen(x->f[i]) &&
					      memcmp(rec.fields[i], x->f[i], rec.lens[i]) == 0 &&
					      rec.fields[i][rec.lens[i]] == '\0',
					      "%s (shift %d) read %d field %zu: '%s', expected '%s'",
					      c->name, shift, k + 1, i + 1, rec.fields[i], x->f[i]);
			}
		} else {
			snprintf(prefix, sizeof prefix, "%s:%ld: ", name, x->err_line + off);
			ck_assert_msg(e.nlines == 1, "%s: %d error lines", c->name, e.nlines);
			ck_assert_msg(strncmp(err_first(&e), prefix, strlen(prefix)) == 0,
				      "%s (shift %d): error '%s' does not start '%s'", c->name, shift,
				      err_first(&e), prefix);
			ck_assert_msg(err_contains(&e, x->msg), "%s: error '%s' lacks '%s'", c->name,
				      err_first(&e), x->msg);
			ck_assert_int_eq(e.code, EXIT_DATA);
			ck_assert_uint_eq(rec.nfields, 0);
		}
		if (x->raw) {
			size_t len;
			const char *raw = csv_raw(r, &len);

			ck_assert_msg(len == strlen(x->raw) && memcmp(raw, x->raw, len) == 0,
				      "%s (shift %d) read %d: raw '%.*s', expected '%s'", c->name,
				      shift, k + 1, (int)len, raw, x->raw);
		}
		if (st == CSV_BAD)
			nrec++;
		if (st == CSV_FATAL) {
			/* later reads stay fatal (or at the end), with the error again */
			err_init(&e);
			st = csv_read(r, &rec, &e);
			ck_assert(st == CSV_FATAL || st == CSV_EOF);
			if (st == CSV_FATAL)
				ck_assert(err_contains(&e, x->msg));
			return;
		}
	}
	ck_abort_msg("%s: no CSV_EOF among the expected reads", c->name);
}

/* A temporary file holding len bytes of pad (when not NULL) and then buf. */
static int temp_fd(const char *pad, size_t padlen, const char *buf, size_t len)
{
	char path[] = "/tmp/check_csv_XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	if (padlen)
		ck_assert_int_eq(write(fd, pad, padlen), (ssize_t)padlen);
	if (len)
		ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

START_TEST(test_case_mem)
{
	const struct csv_case *c = &cases[_i];
	struct err e;
	struct csv_reader *r;

	err_init(&e);
	r = csv_reader_mem(c->in, c->len, "case", &c->opt, &e);
	ck_assert_msg(r != NULL, "%s: %s", c->name, err_first(&e));
	expect(c, r, "case", 0, -1, (off_t)c->len, 0);
	csv_reader_free(r);
}
END_TEST

START_TEST(test_case_fd)
{
	const struct csv_case *c = &cases[_i];
	struct err e;
	struct csv_reader *r;
	int fd = temp_fd(NULL, 0, c->in, c->len);

	err_init(&e);
	r = csv_reader_fd(fd, "case.csv", &c->opt, &e);
	ck_assert_msg(r != NULL, "%s: %s", c->name, err_first(&e));
	expect(c, r, "case.csv", 0, -1, (off_t)c->len, 0);
	csv_reader_free(r);
	close(fd);
}
END_TEST

/*
 * The case again after a padding record, placed so that the boundary between
 * the reader's first and second reads falls before each of its bytes in turn.
 */
START_TEST(test_case_shifted)
{
	const struct csv_case *c = &cases[_i];
	char *pad;

	if (c->at_start)
		return;
	pad = malloc(CSV_BUFSIZE);
	ck_assert_ptr_nonnull(pad);
	memset(pad, '#', CSV_BUFSIZE);
	for (size_t shift = 0; shift <= c->len; shift++) {
		size_t padlen = CSV_BUFSIZE - shift;
		struct csv_record rec;
		struct err e;
		struct csv_reader *r;
		int fd, st;

		pad[padlen - 1] = '\n';
		fd = temp_fd(pad, padlen, c->in, c->len);
		pad[padlen - 1] = '#';
		err_init(&e);
		r = csv_reader_fd(fd, "case.csv", &c->opt, &e);
		ck_assert_msg(r != NULL, "%s: %s", c->name, err_first(&e));
		/* the padding may be too long for the case's max_field */
		st = csv_read(r, &rec, &e);
		ck_assert(st == CSV_RECORD || st == CSV_BAD);
		ck_assert_int_eq(rec.line, 1);
		ck_assert_int_eq(rec.end_line, 1);
		expect(c, r, "case.csv", 1, (int)shift, (off_t)(padlen + c->len), 1);
		csv_reader_free(r);
		close(fd);
	}
	free(pad);
}
END_TEST

/* 200,000 records with some multi-line fields, well past the read buffer. */
static char *big_input(size_t *len, long *lines)
{
	size_t cap = 16 * 1024 * 1024, n = 0;
	char *buf = malloc(cap);
	long line = 1;

	ck_assert_ptr_nonnull(buf);
	n += (size_t)sprintf(buf, "\xEF\xBB\xBFid,name,comment\r\n");
	line++;
	for (long i = 1; i <= 200000; i++) {
		ck_assert_uint_lt(n + 200, cap);
		if (i % 1000 == 0) {
			n += (size_t)sprintf(buf + n, "%ld,\"name, %ld\",\"multi\r\nline\r\nfield\"\r\n",
					     i, i);
			line += 3;
		} else if (i % 777 == 0) {
			n += (size_t)sprintf(buf + n, "\r\n%ld,caf\xC3\xA9 %ld,\"said \"\"%ld\"\"\"\r\n",
					     i, i, i);
			line += 2;
		} else {
			n += (size_t)sprintf(buf + n, "%ld,name %ld,\r\n", i, i);
			line++;
		}
	}
	n += (size_t)sprintf(buf + n, "last,\"no newline\",");
	*len = n;
	*lines = line;
	return buf;
}

static void read_big(struct csv_reader *r, size_t len, long lines)
{
	struct csv_record rec;
	struct err e;
	long count = 0, line = 0, end_line = 0;
	char want[64];
	int st;

	err_init(&e);
	while ((st = csv_read(r, &rec, &e)) == CSV_RECORD) {
		count++;
		ck_assert_uint_eq(rec.nfields, 3);
		ck_assert_int_gt(rec.line, end_line);
		if (count > 1 && count <= 200001) {
			long i = count - 1;

			snprintf(want, sizeof want, "%ld", i);
			ck_assert_str_eq(rec.fields[0], want);
			if (i % 1000 == 0) {
				ck_assert_str_eq(rec.fields[2], "multi\r\nline\r\nfield");
				ck_assert_int_eq(rec.end_line, rec.line + 2);
			} else if (i % 777 == 0) {
				snprintf(want, sizeof want, "said \"%ld\"", i);
				ck_assert_str_eq(rec.fields[2], want);
			} else {
				ck_assert_str_eq(rec.fields[2], "");
			}
		}
		line = rec.line;
		end_line = rec.end_line;
	}
	ck_assert_msg(st == CSV_EOF, "status %d: %s", st, err_first(&e));
	ck_assert_int_eq(count, 200002);
	ck_assert_int_eq(line, lines);
	ck_assert_int_eq(end_line, lines);
	ck_assert_int_eq(csv_records_read(r), 200002);
	ck_assert_int_eq(csv_bytes_read(r), (off_t)len);
}

START_TEST(test_big_mem)
{
	size_t len;
	long lines;
	char *buf = big_input(&len, &lines);
	struct err e;
	struct csv_reader *r;

	ck_assert_uint_gt(len, 20 * CSV_BUFSIZE);
	err_init(&e);
	r = csv_reader_mem(buf, len, "big.csv", NULL, &e);
	ck_assert_ptr_nonnull(r);
	read_big(r, len, lines);
	csv_reader_free(r);
	free(buf);
}
END_TEST

START_TEST(test_big_fd)
{
	size_t len;
	long lines;
	char *buf = big_input(&len, &lines);
	int fd = temp_fd(NULL, 0, buf, len);
	struct err e;
	struct csv_reader *r;

	err_init(&e);
	r = csv_reader_fd(fd, "big.csv", NULL, &e);
	ck_assert_ptr_nonnull(r);
	read_big(r, len, lines);
	csv_reader_free(r);
	close(fd);
	free(buf);
}
END_TEST

/* A field over the default 16 MiB is refused and the next record still read. */
START_TEST(test_huge_field)
{
	size_t big = 17 * 1024 * 1024, len = big + 64;
	char *buf = malloc(len);
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;
	const char *raw;
	size_t rawlen;
	long nl = 0;
	int fd;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "a,\"", 3);
	memset(buf + 3, 'x', big);
	for (size_t i = 3 + 999; i < 3 + big; i += 1000003, nl++)
		buf[i] = '\n';
	len = 3 + big;
	len += (size_t)sprintf(buf + len, "\"\nnext,1\n");
	fd = temp_fd(NULL, 0, buf, len);

	err_init(&e);
	r = csv_reader_fd(fd, "huge.csv", NULL, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_BAD);
	ck_assert_msg(err_contains(&e, "column 2 is longer than 16777216 bytes"), "%s",
		      err_first(&e));
	ck_assert_int_eq(rec.line, 1);
	ck_assert_int_eq(rec.end_line, 1 + nl);
	raw = csv_raw(r, &rawlen);
	ck_assert_uint_eq(rawlen, CSV_RAW_MAX);
	ck_assert_int_eq(memcmp(raw, "a,\"xxx", 6), 0);
	err_init(&e);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_int_eq(rec.line, 2 + nl);
	ck_assert_str_eq(rec.fields[0], "next");
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	csv_reader_free(r);
	close(fd);
	free(buf);
}
END_TEST

/* csv_raw() keeps at most CSV_RAW_MAX bytes, cut between characters. */
START_TEST(test_raw_limit)
{
	char *buf = malloc(10000);
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;
	const char *raw;
	size_t len, n = 0;

	ck_assert_ptr_nonnull(buf);
	/* record 1: 4095 bytes then é straddling the limit */
	memset(buf, 'a', 4095);
	n = 4095;
	n += (size_t)sprintf(buf + n, "\xC3\xA9,tail\n");
	/* record 2: 5000 bytes of ASCII */
	memset(buf + n, 'b', 5000);
	n += 5000;
	buf[n++] = '\n';
	/* record 3: short */
	n += (size_t)sprintf(buf + n, "x,\"y\"\r\n");

	err_init(&e);
	r = csv_reader_mem(buf, n, "raw.csv", NULL, &e);
	ck_assert_ptr_nonnull(r);
	raw = csv_raw(r, &len);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_uint_eq(rec.lens[0], 4097);
	raw = csv_raw(r, &len);
	ck_assert_uint_eq(len, 4095);
	ck_assert_int_eq(memcmp(raw, buf, 4095), 0);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	raw = csv_raw(r, &len);
	ck_assert_uint_eq(len, 4096);
	ck_assert_int_eq(raw[4095], 'b');
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	raw = csv_raw(r, NULL);
	raw = csv_raw(r, &len);
	ck_assert_uint_eq(len, 7 - 2);
	ck_assert_int_eq(memcmp(raw, "x,\"y\"", 5), 0);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	csv_reader_free(r);
	free(buf);
}
END_TEST

START_TEST(test_open_missing)
{
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(csv_reader_open("/nonexistent/survey.csv", NULL, &e));
	ck_assert_int_eq(e.code, EXIT_SYSTEM);
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_msg(err_contains(&e, "cannot open /nonexistent/survey.csv: "), "%s",
		      err_first(&e));
	ck_assert(err_contains(&e, strerror(ENOENT)));
}
END_TEST

START_TEST(test_open_directory)
{
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(csv_reader_open("/tmp", NULL, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "/tmp is a directory"), "%s", err_first(&e));
}
END_TEST

/* Writes buf to a new temporary file and returns its path (to free). */
static char *temp_file(const char *buf, size_t len)
{
	char *path = strdup("/tmp/check_csv_XXXXXX");
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return path;
}

START_TEST(test_open_gzip)
{
	static const char gz[] = "\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03";
	char *path = temp_file(gz, sizeof gz - 1);
	char want[128];
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(csv_reader_open(path, NULL, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	snprintf(want, sizeof want, "%s looks gzip-compressed: decompress it first", path);
	ck_assert_str_eq(err_first(&e), want);
	unlink(path);
	free(path);

	err_init(&e);
	ck_assert_ptr_null(csv_reader_mem(gz, sizeof gz - 1, "x.csv.gz", NULL, &e));
	ck_assert_str_eq(err_first(&e), "x.csv.gz looks gzip-compressed: decompress it first");
}
END_TEST

START_TEST(test_open_utf16)
{
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(csv_reader_mem(IN("\xFF\xFEi\0d\0\n\0"), "u.csv", NULL, &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert(err_contains(&e, "u.csv looks UTF-16 encoded"));
}
END_TEST

START_TEST(test_open_file)
{
	static const char text[] = "\xEF\xBB\xBFq1,q2\r\nyes,no\r\n";
	char *path = temp_file(text, sizeof text - 1);
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;

	err_init(&e);
	r = csv_reader_open(path, NULL, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_str_eq(rec.fields[0], "q1");
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_str_eq(rec.fields[1], "no");
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	ck_assert_int_eq(csv_bytes_read(r), (off_t)(sizeof text - 1));
	ck_assert(!err_isset(&e));
	csv_reader_free(r);
	unlink(path);
	free(path);

	/* an empty file is no records */
	path = temp_file("", 0);
	r = csv_reader_open(path, NULL, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	csv_reader_free(r);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_bad_separator)
{
	struct csv_options opt = { .separator = '"' };
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(csv_reader_mem("a", 1, "s.csv", &opt, &e));
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert(err_contains(&e, "separator"));
	opt.separator = '|';
	err_init(&e);
	ck_assert_ptr_null(csv_reader_mem("a", 1, "s.csv", &opt, &e));
}
END_TEST

/* The reader starts where the descriptor stands and leaves it open. */
START_TEST(test_fd_offset_not_closed)
{
	static const char text[] = "skip me\nx,y\n";
	int fd = temp_fd(NULL, 0, text, sizeof text - 1);
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;

	ck_assert_int_eq(lseek(fd, 8, SEEK_SET), 8);
	err_init(&e);
	r = csv_reader_fd(fd, NULL, NULL, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_str_eq(rec.fields[0], "x");
	ck_assert_int_eq(rec.line, 1);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	csv_reader_free(r);
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	close(fd);
}
END_TEST

START_TEST(test_fd_pipe)
{
	static const char text[] = "a;\"b\nc\"\r\n\r\nd;e";
	struct csv_options opt = { .separator = ';' };
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(p[1]);
	err_init(&e);
	r = csv_reader_fd(p[0], "pipe", &opt, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_str_eq(rec.fields[1], "b\nc");
	ck_assert_int_eq(rec.end_line, 2);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_int_eq(rec.line, 4);
	ck_assert_str_eq(rec.fields[1], "e");
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	csv_reader_free(r);
	close(p[0]);
}
END_TEST

START_TEST(test_fd_read_error)
{
	char path[] = "/tmp/check_csv_XXXXXX";
	int fd = mkstemp(path);
	int wfd;
	struct err e;

	ck_assert_int_ge(fd, 0);
	wfd = open(path, O_WRONLY);
	ck_assert_int_ge(wfd, 0);
	unlink(path);
	err_init(&e);
	ck_assert_ptr_null(csv_reader_fd(wfd, "w.csv", NULL, &e));
	ck_assert_int_eq(e.code, EXIT_SYSTEM);
	ck_assert_msg(err_contains(&e, "cannot read w.csv: "), "%s", err_first(&e));
	close(wfd);
	close(fd);
}
END_TEST

START_TEST(test_names_and_free)
{
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;

	csv_reader_free(NULL);
	err_init(&e);
	r = csv_reader_mem(NULL, 0, NULL, NULL, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_EOF);
	csv_reader_free(r);

	r = csv_reader_mem(IN("\"open"), NULL, NULL, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_FATAL);
	ck_assert_str_eq(err_first(&e), "<memory>:1: quoted field starting here is never closed");
	/* and a NULL err is fine */
	ck_assert_int_eq(csv_read(r, &rec, NULL), CSV_FATAL);
	csv_reader_free(r);
}
END_TEST

/* Progress counters move as records are read. */
START_TEST(test_progress)
{
	static const char text[] = "a,b\n\"x\ny\nbad\n";
	struct csv_record rec;
	struct csv_reader *r;
	struct err e;

	err_init(&e);
	r = csv_reader_mem(IN(text), "p.csv", NULL, &e);
	ck_assert_int_eq(csv_records_read(r), 0);
	ck_assert_int_eq(csv_bytes_read(r), 0);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_RECORD);
	ck_assert_int_eq(csv_records_read(r), 1);
	ck_assert_int_eq(csv_bytes_read(r), 4);
	ck_assert_int_eq(csv_read(r, &rec, &e), CSV_FATAL);
	ck_assert_int_eq(rec.line, 2);
	ck_assert_int_eq(csv_records_read(r), 1);
	csv_reader_free(r);
}
END_TEST

static Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc;

	tc = tcase_create("table");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_case_mem, 0, NCASES);
	tcase_add_loop_test(tc, test_case_fd, 0, NCASES);
	tcase_add_loop_test(tc, test_case_shifted, 0, NCASES);
	suite_add_tcase(s, tc);

	tc = tcase_create("large");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_big_mem);
	tcase_add_test(tc, test_big_fd);
	tcase_add_test(tc, test_huge_field);
	tcase_add_test(tc, test_raw_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_open_directory);
	tcase_add_test(tc, test_open_gzip);
	tcase_add_test(tc, test_open_utf16);
	tcase_add_test(tc, test_open_file);
	tcase_add_test(tc, test_bad_separator);
	tcase_add_test(tc, test_fd_offset_not_closed);
	tcase_add_test(tc, test_fd_pipe);
	tcase_add_test(tc, test_fd_read_error);
	tcase_add_test(tc, test_names_and_free);
	tcase_add_test(tc, test_progress);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(csv_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
