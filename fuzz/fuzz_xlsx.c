/*
 * fuzz_xlsx: the XLSX export reader (collector/source_xlsx.c): the zip
 * archive, the workbook's parts, shared strings and the sheet, read row by
 * row as the importer reads them. The input length's parity picks one or
 * two header rows.
 *
 * An input that starts with "PK" is the .xlsx file itself, which fuzzes
 * the archive. Any other input is the workbook's XML parts, separated by
 * NUL bytes: xl/workbook.xml, xl/_rels/workbook.xml.rels,
 * xl/sharedStrings.xml and xl/worksheets/sheet1.xml (a missing part gets a
 * plain default), which the harness stores in a zip with the right
 * checksums, so that the XML inside is what changes.
 */
#include <assert.h>

#include "fuzz.h"
#include "source.h"

static const char *const part_names[] = {
	"xl/workbook.xml",
	"xl/_rels/workbook.xml.rels",
	"xl/sharedStrings.xml",
	"xl/worksheets/sheet1.xml",
};

static const char *const part_defaults[] = {
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<si><t>Respondent</t></si><si><t>Comment</t></si></sst>",
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v>"
	"</c></row><row r=\"2\"><c r=\"A2\"><v>7</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>ok"
	"</t></is></c></row></sheetData></worksheet>",
};

#define NPARTS (sizeof part_names / sizeof part_names[0])

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xFFFFFFFFu;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t k = i;

			for (int j = 0; j < 8; j++)
				k = k & 1 ? 0xEDB88320u ^ (k >> 1) : k >> 1;
			table[i] = k;
		}
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

struct zbuf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct zbuf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		if (!(b->p = realloc(b->p, b->cap)))
			abort();
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put16(struct zbuf *b, unsigned v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(b, x, 2);
}

static void put32(struct zbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(b, x, 4);
}

/* A zip archive of the parts, stored uncompressed. */
static void make_zip(struct zbuf *z, const uint8_t *const *data, const size_t *len)
{
	struct zbuf cd = { 0 };
	uint32_t offs[NPARTS], crcs[NPARTS];

	for (size_t i = 0; i < NPARTS; i++) {
		size_t nl = strlen(part_names[i]);

		offs[i] = (uint32_t)z->n;
		crcs[i] = crc32_of(data[i], len[i]);
		put32(z, 0x04034b50);
		put16(z, 20);
		put16(z, 0);
		put16(z, 0);                   /* stored */
		put16(z, 0);
		put16(z, 0x21);                /* 1980-01-01 */
		put32(z, crcs[i]);
		put32(z, (uint32_t)len[i]);
		put32(z, (uint32_t)len[i]);
		put16(z, (unsigned)nl);
		put16(z, 0);
		put(z, part_names[i], nl);
		put(z, data[i], len[i]);
	}
	for (size_t i = 0; i < NPARTS; i++) {
		size_t nl = strlen(part_names[i]);

		put32(&cd, 0x02014b50);
		put16(&cd, 20);
		put16(&cd, 20);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0x21);
		put32(&cd, crcs[i]);
		put32(&cd, (uint32_t)len[i]);
		put32(&cd, (uint32_t)len[i]);
		put16(&cd, (unsigned)nl);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, offs[i]);
		put(&cd, part_names[i], nl);
	}
	{
		uint32_t at = (uint32_t)z->n;

		put(z, cd.p, cd.n);
		put32(z, 0x06054b50);
		put16(z, 0);
		put16(z, 0);
		put16(z, NPARTS);
		put16(z, NPARTS);
		put32(z, (uint32_t)cd.n);
		put32(z, at);
		put16(z, 0);
	}
	free(cd.p);
}

static void read_all(const char *path, int header_rows)
{
	struct source_options opt = { .header_rows = header_rows };
	struct source src;
	struct err e;

	err_init(&e);
	(void)source_detect(path, &e);
	err_init(&e);
	if (source_xlsx_open(path, &opt, &src, &e) != 0) {
		assert(err_isset(&e));
		return;
	}
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
		assert(rec.raw_len <= 4096 + 4);
		for (size_t i = 0; i < rec.nfields; i++)
			assert(rec.names[i] && rec.values[i]);
	}
	source_free(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_file file;
	int rows = 1 + (int)(size & 1);

	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		fuzz_file_make(&file, "xlsx", data, size);
	} else {
		const uint8_t *parts[NPARTS];
		size_t lens[NPARTS], i = 0, left = size;
		const uint8_t *p = data;
		struct zbuf z = { 0 };

		for (; i < NPARTS && p; i++) {
			const uint8_t *nul = memchr(p, 0, left);

			parts[i] = p;
			lens[i] = nul ? (size_t)(nul - p) : left;
			if (nul) {
				left -= lens[i] + 1;
				p = nul + 1;
			} else {
				p = NULL;
			}
		}
		for (; i < NPARTS; i++) {
			parts[i] = (const uint8_t *)part_defaults[i];
			lens[i] = strlen(part_defaults[i]);
		}
		make_zip(&z, parts, lens);
		fuzz_file_make(&file, "xlsx", z.p, z.n);
		free(z.p);
	}
	read_all(file.path, rows);
	fuzz_file_drop(&file);
	return 0;
}
