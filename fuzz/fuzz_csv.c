/*
 * fuzz_csv: the streaming CSV reader (common/csv.c) and the CSV export
 * source over it (collector/source_csv.c).
 *
 * The first byte picks the options: the separator, small limits on field
 * size and count, invalid UTF-8 allowed or not, and how many bytes each
 * read(2) returns. The rest is read three ways: from memory, from a file a
 * few bytes at a time (so that refills fall inside fields, quotes and line
 * ends), and as an export with one or two header rows. The memory and file
 * readers must agree on every record, place, raw text and message.
 */
#include <assert.h>
#include <sys/types.h>
#include <unistd.h>

#include "csv.h"
#include "fuzz.h"
#include "source.h"

/* read(2) returns at most this many bytes; 0 leaves it alone. */
static size_t read_cap;

ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	if (read_cap && n > read_cap)
		n = read_cap;
	return __real_read(fd, buf, n);
}

static const size_t caps[16] = { 1, 2, 3, 7, 16, 64, 100, 255, 256, 1000, 1024, 4095, 4096, 0, 0, 0 };

static void same_record(int st, const struct csv_record *a, const struct csv_record *b,
			const struct err *ea, const struct err *eb)
{
	if (a->line != b->line || a->end_line != b->end_line) {
		fprintf(stderr, "lines differ: memory %ld-%ld, file %ld-%ld\n", a->line,
			a->end_line, b->line, b->end_line);
		abort();
	}
	if (strcmp(err_first(ea), err_first(eb)) != 0) {
		fprintf(stderr, "messages differ:\n  memory: %s\n  file:   %s\n", err_first(ea),
			err_first(eb));
		abort();
	}
	if (st != CSV_RECORD)
		return;
	if (a->nfields != b->nfields) {
		fprintf(stderr, "field counts differ: %zu and %zu\n", a->nfields, b->nfields);
		abort();
	}
	for (size_t i = 0; i < a->nfields; i++) {
		if (a->lens[i] != b->lens[i] || memcmp(a->fields[i], b->fields[i], a->lens[i]) != 0) {
			fprintf(stderr, "field %zu differs\n", i + 1);
			abort();
		}
		assert(a->fields[i][a->lens[i]] == '\0');
	}
}

static void read_both(const uint8_t *data, size_t size, const struct csv_options *opt,
		      size_t cap)
{
	struct err em, ef;
	struct csv_reader *m, *f;
	struct fuzz_file file;

	err_init(&em);
	err_init(&ef);
	fuzz_file_make(&file, "csv", data, size);
	lseek(file.fd, 0, SEEK_SET);
	m = csv_reader_mem((const char *)data, size, "input.csv", opt, &em);
	read_cap = cap;
	f = csv_reader_fd(file.fd, "input.csv", opt, &ef);
	if (!m || !f) {
		/* Refused on its first bytes: both, for the same reason. */
		if (!m != !f || strcmp(err_first(&em), err_first(&ef)) != 0) {
			fprintf(stderr, "open differs:\n  memory: %s\n  file:   %s\n",
				err_first(&em), err_first(&ef));
			abort();
		}
		goto out;
	}
	for (;;) {
		struct csv_record ra, rb;
		const char *rawa, *rawb;
		size_t la, lb;
		int sa, sb;

		err_init(&em);
		err_init(&ef);
		sa = csv_read(m, &ra, &em);
		sb = csv_read(f, &rb, &ef);
		if (sa != sb) {
			fprintf(stderr, "status differs: memory %d, file %d\n  %s\n  %s\n", sa, sb,
				err_first(&em), err_first(&ef));
			abort();
		}
		same_record(sa, &ra, &rb, &em, &ef);
		if (sa == CSV_EOF || sa == CSV_FATAL)
			break;
		assert(err_isset(&em) == (sa == CSV_BAD));
		rawa = csv_raw(m, &la);
		rawb = csv_raw(f, &lb);
		assert(la <= CSV_RAW_MAX);
		if (la != lb || memcmp(rawa, rawb, la) != 0) {
			fprintf(stderr, "raw text differs (%zu and %zu bytes)\n", la, lb);
			abort();
		}
	}
	assert(csv_records_read(m) == csv_records_read(f));
out:
	read_cap = 0;
	csv_reader_free(m);
	csv_reader_free(f);
	fuzz_file_drop(&file);
}

static void read_source(const uint8_t *data, size_t size, char sep, int header_rows)
{
	struct source_options opt = { .header_rows = header_rows, .separator = sep };
	struct source src;
	struct err e;
	struct fuzz_file file;

	fuzz_file_make(&file, "export", data, size);
	err_init(&e);
	(void)source_detect(file.path, &e);
	err_init(&e);
	if (source_csv_open(file.path, &opt, &src, &e) == 0) {
		for (long n = 0; n < 1000000; n++) {
			struct source_record rec;
			int st;

			err_init(&e);
			st = source_next(&src, &rec, &e);
			if (st == SOURCE_EOF || st == SOURCE_FATAL)
				break;
			if (st == SOURCE_BAD) {
				assert(err_isset(&e));
				continue;
			}
			for (size_t i = 0; i < rec.nfields; i++)
				assert(rec.names[i] && rec.values[i]);
		}
		source_free(&src);
	} else {
		assert(err_isset(&e));
	}
	fuzz_file_drop(&file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[4] = { ',', ';', '\t', ',' };
	struct csv_options opt = { 0 };
	uint8_t b;

	if (size < 1)
		return 0;
	b = data[0];
	data++;
	size--;
	opt.separator = seps[b & 3];
	if (b & 4) {
		opt.max_field = 64;
		opt.max_fields = 8;
	}
	opt.allow_invalid_utf8 = (b & 8) != 0;
	read_both(data, size, &opt, caps[b >> 4]);
	read_source(data, size, opt.separator, 1 + ((b >> 2) & 1));
	return 0;
}
