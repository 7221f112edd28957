/*
 * source_xlsx.c: XLSX workbooks (Citizen Space, Microsoft Forms and
 * SmartSurvey exports) as a source: one record a sheet row.
 *
 * The workbook is a zip archive read with libzip. Each of its XML parts is
 * streamed through libxml2's reader, bounded and with no DOCTYPE
 * (source_xlsx_part.c).
 *
 * Only the shared strings and one row are held in memory, so big sheets
 * read in flat memory.
 */
#include "source.h"
#include "source_xlsx_part.h"
#include "fileutil.h"
#include "strbuf.h"
#include "trim.h"
#include "utf8.h"
#include "xmlsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define MAX_COLS 16384		/* Excel's last column, XFD */
#define RAW_MAX 4096		/* bytes of a row kept in rec->raw */

#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_R_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"

static const char workbook_entry[] = "xl/workbook.xml";
static const char workbook_rels[] = "xl/_rels/workbook.xml.rels";

enum cell_type { CT_NUMBER, CT_SHARED, CT_INLINE, CT_STR, CT_BOOL, CT_ERROR };

struct xlsx {
	char *path;
	zip_t *za;
	zip_uint64_t entry_limit;	/* the most any part may inflate to */
	struct part sheet;	/* the sheet being read */

	/* Shared strings: string i is at sst.p + sst_off[i], NUL-terminated. */
	struct buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;

	/* The header. */
	size_t ncols;
	char **names;
	const char **values;	/* ncols */

	/* Where the sheet stands. */
	int in_data;		/* inside <sheetData> */
	int done;		/* </sheetData> or the end was read */
	long row;		/* r of the current (or last) row */

	/* The row being read: cell values in rdata, each NUL-terminated. */
	struct buf rdata;
	size_t *slot;		/* per column: 1 + offset in rdata, 0 for no cell */
	size_t nslots;		/* columns this row has touched */
	size_t slot_cap;
	int nonblank;		/* some cell has a value */
	size_t last_col;	/* + 1: the last column with a value, 0 for none */
	int bad;
	char bad_msg[ERR_LINE_LEN - 64];

	/* The cell being read. */
	int in_cell, in_v, in_is, in_t, in_rph, skip_cell;
	enum cell_type ctype;
	size_t col, next_col;
	struct buf cell;

	char raw[RAW_MAX + 8];
	size_t raw_len;
};

static void set_bad(struct xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks the current row bad, with the first reason. */
static void set_bad(struct xlsx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->bad)
		return;
	x->bad = 1;
	va_start(ap, fmt);
	vsnprintf(x->bad_msg, sizeof x->bad_msg, fmt, ap);
	va_end(ap);
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

/* An _xHHHH_ escape at s (n bytes left): its code unit, or -1. */
static long escape_at(const char *s, size_t n)
{
	unsigned u;

	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' || !hex4(s + 2, &u))
		return -1;
	return (long)u;
}

/*
 * Decodes Excel's _xHHHH_ escapes (ST_Xstring: "_x000D_" for a carriage
 * return, "_x005F_" for an underscore) in the n bytes at s, in place; a
 * surrogate pair is two escapes. NUL and lone surrogates stay as written.
 * Returns the new length.
 */
static size_t unescape_x(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		long u = s[i] == '_' ? escape_at(s + i, n - i) : -1;
		unsigned long cp = u > 0 ? (unsigned long)u : 0;
		size_t used = 7;

		if (u >= 0xD800 && u <= 0xDBFF) {
			long lo = escape_at(s + i + 7, n - i - 7);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
				used = 14;
			} else {
				u = -1;
			}
		} else if (u == 0 || (u >= 0xDC00 && u <= 0xDFFF)) {
			u = -1;
		}
		if (u < 0) {
			s[o++] = s[i++];
			continue;
		}
		if (cp < 0x80) {
			s[o++] = (char)cp;
		} else if (cp < 0x800) {
			s[o++] = (char)(0xC0 | (cp >> 6));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			s[o++] = (char)(0xE0 | (cp >> 12));
			s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[o++] = (char)(0xF0 | (cp >> 18));
			s[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		}
		i += used;
	}
	return o;
}

/* A column's letters ("A", "AB") for messages. */
static void col_name(size_t col, char *out)
{
	char tmp[8];
	int n = 0;

	col++;
	while (col && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* The 0-based column of a cell reference such as "C7"; -1 when it is not one. */
static long ref_col(const char *r)
{
	long col = 0;
	int letters = 0;

	for (; *r >= 'A' && *r <= 'Z'; r++, letters++) {
		if (letters == 3)
			return -1;
		col = col * 26 + (*r - 'A' + 1);
	}
	if (!letters)
		return -1;
	for (; *r; r++)
		if (*r < '0' || *r > '9')
			return -1;
	return col - 1;
}

/*
 * Joins "xl/" and a relationship target into an entry name: an absolute
 * target ("/xl/worksheets/sheet1.xml") is taken from the archive's root, and
 * "." and ".." are resolved. A new string, or NULL when out of memory.
 */
static char *resolve_target(const char *target)
{
	const char *base = target[0] == '/' ? "" : "xl/";
	size_t n = strlen(base) + strlen(target) + 1;
	char *in = malloc(n), *out = malloc(n), *seg, *save = NULL;
	size_t o = 0;

	if (!in || !out) {
		free(in);
		free(out);
		return NULL;
	}
	snprintf(in, n, "%s%s", base, target);
	for (seg = strtok_r(in, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			continue;
		}
		if (o)
			out[o++] = '/';
		memcpy(out + o, seg, strlen(seg));
		o += strlen(seg);
	}
	out[o] = '\0';
	free(in);
	return out;
}

/* True when the n bytes at s look like text: no NUL or other control bytes. */
static int looks_like_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return n > 0;
}

/* Why a file that libzip refused is not a zip archive, from its first bytes. */
static void not_zip_reason(int zerr, const unsigned char *head, ssize_t got, char *why,
			   size_t size)
{
	static const unsigned char cfb[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	zip_error_t ze;

	if (zerr != ZIP_ER_NOZIP) {
		zip_error_init_with_code(&ze, zerr);
		xlsx_tidy(why, size, zip_error_strerror(&ze));
		zip_error_fini(&ze);
	} else if (got >= 4 && memcmp(head, "PK\3\4", 4) == 0) {
		snprintf(why, size, "it starts like one but is truncated or damaged");
	} else if (got >= 8 && memcmp(head, cfb, 8) == 0) {
		snprintf(why, size,
			 "it is a password-protected workbook or an old .xls file: save it as .xlsx without a password");
	} else if (got > 0 && looks_like_text(head, (size_t)got)) {
		snprintf(why, size, "it looks like a text file, perhaps CSV");
	} else {
		snprintf(why, size, "no zip directory found");
	}
}

/* Opens the archive; 0 or -1 with e set. */
static int archive_open(struct xlsx *x, struct err *e)
{
	struct stat sb;
	unsigned char head[512];
	ssize_t got;
	int zerr = 0, fd = file_open_input(x->path, SOURCE_MAX_XLSX, &sb, e);

	if (fd < 0)
		return -1;
	got = pread(fd, head, sizeof head, 0);
	if (!(x->za = zip_fdopen(fd, 0, &zerr))) {
		char why[128];

		not_zip_reason(zerr, head, got, why, sizeof why);
		err_set(e, EXIT_DATA, "%s is not an XLSX file (not a zip archive: %s)", x->path,
			why);
		goto fail;
	}
	return 0;
fail:
	close(fd);
	return -1;
}

/* The index of an entry (names compared without case, as OPC wants), or -1. */
static zip_int64_t entry_find(struct xlsx *x, const char *name)
{
	return zip_name_locate(x->za, name, ZIP_FL_NOCASE);
}

struct sheet_list {
	char **names;
	char **rids;
	size_t n, cap, caprids;   /* cap: names allocated; caprids: rids */
};

static void sheet_list_free(struct sheet_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->rids[i]);
	}
	free(l->names);
	free(l->rids);
}

/* Reads the sheets' names and relationship ids from the workbook, in order. */
static int workbook_read(struct xlsx *x, zip_int64_t idx, struct sheet_list *l, struct err *e)
{
	struct part p;
	int rc, in_sheets = 0, ret = -1;

	if (xlsx_part_open(x->za, x->path, idx, NULL, x->entry_limit, &p, e) < 0)
		goto out;
	xlsx_errors_to(&p);
	while ((rc = xlsx_part_next(&p)) == 1) {
		int type = xmlTextReaderNodeType(p.rd);
		const char *name = xlsx_node_name(&p);
		char *sname, *rid;

		if (type == XML_READER_TYPE_END_ELEMENT && strcmp(name, "sheets") == 0)
			in_sheets = 0;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (strcmp(name, "sheets") == 0) {
			in_sheets = !xmlTextReaderIsEmptyElement(p.rd);
			continue;
		}
		if (!in_sheets || strcmp(name, "sheet") != 0)
			continue;
		if (ALLOC_GROW(l->names, l->n + 1, l->cap) < 0 ||
		    ALLOC_GROW(l->rids, l->n + 1, l->caprids) < 0) {
			xlsx_part_fail(&p, EXIT_SYSTEM, "out of memory reading %s", x->path);
			continue;
		}
		sname = xlsx_attr_dup(&p, "name", NULL);
		rid = xlsx_attr_dup(&p, "id", NS_R);
		if (!rid)
			rid = xlsx_attr_dup(&p, "id", NS_R_STRICT);
		if (!sname)
			sname = strdup("");
		if (!rid)
			rid = strdup("");
		l->names[l->n] = sname;
		l->rids[l->n] = rid;
		if (sname && rid) {
			l->n++;
			continue;
		}
		free(sname);
		free(rid);
		xlsx_part_fail(&p, EXIT_SYSTEM, "out of memory reading %s", x->path);
	}
	if (xlsx_part_done(&p, rc, e) < 0)
		goto out;
	if (!l->n) {
		err_set(e, EXIT_DATA, "%s: the workbook has no sheets", x->path);
		goto out;
	}
	ret = 0;
out:
	xlsx_part_close(&p);
	return ret;
}

/*
 * Finds the targets of relationship `rid` (the sheet) and of the shared
 * strings in the workbook's relationships; either may stay NULL.
 */
static int rels_read(struct xlsx *x, const char *rid, char **sheet, char **sst, struct err *e)
{
	struct part p;
	zip_int64_t idx = entry_find(x, workbook_rels);
	int rc, ret = -1;

	memset(&p, 0, sizeof p);
	if (idx < 0) {
		err_set(e, EXIT_DATA, "%s is a zip file but not an XLSX workbook (it has no %s)",
			x->path, workbook_rels);
		goto out;
	}
	if (xlsx_part_open(x->za, x->path, idx, NULL, x->entry_limit, &p, e) < 0)
		goto out;
	xlsx_errors_to(&p);
	while ((rc = xlsx_part_next(&p)) == 1) {
		char id[256], type[512], target[1024];
		size_t tl;

		if (xmlTextReaderNodeType(p.rd) != XML_READER_TYPE_ELEMENT ||
		    strcmp(xlsx_node_name(&p), "Relationship") != 0)
			continue;
		xlsx_attr_copy(&p, "Id", id, sizeof id);
		xlsx_attr_copy(&p, "Type", type, sizeof type);
		if (!xlsx_attr_copy(&p, "Target", target, sizeof target) || !target[0])
			continue;
		tl = strlen(type);
		if (!*sheet && strcmp(id, rid) == 0) {
			if (!(*sheet = resolve_target(target)))
				xlsx_part_fail(&p, EXIT_SYSTEM, "out of memory reading %s", x->path);
		} else if (!*sst && tl >= 14 && strcmp(type + tl - 14, "/sharedStrings") == 0) {
			if (!(*sst = resolve_target(target)))
				xlsx_part_fail(&p, EXIT_SYSTEM, "out of memory reading %s", x->path);
		}
	}
	if (xlsx_part_done(&p, rc, e) < 0)
		goto out;
	ret = 0;
out:
	xlsx_part_close(&p);
	return ret;
}

/* Appends "'name', " items of the list to out, cut with "…" if they do not fit. */
static void list_names(const struct sheet_list *l, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		int n = snprintf(out + o, size - o, "%s'%s'", i ? ", " : "", l->names[i]);

		if (n < 0 || (size_t)n >= size - o - 4) {
			snprintf(out + o, size - o, "%s…", i ? ", " : "");
			return;
		}
		o += (size_t)n;
	}
}

/*
 * Chooses the sheet (`want`, or the first) and finds its entry and the shared
 * strings' entry (*sst_idx -1 when there are none); x->sheet's label is set.
 */
static int sheet_find(struct xlsx *x, const char *want, zip_int64_t *sheet_idx,
		      zip_int64_t *sst_idx, char **label, struct err *e)
{
	struct sheet_list l = { 0 };
	zip_int64_t wb = entry_find(x, workbook_entry);
	char *sheet = NULL, *sst = NULL;
	size_t pick = 0, n;
	int ret = -1;

	if (wb < 0) {
		err_set(e, EXIT_DATA, "%s is a zip file but not an XLSX workbook (it has no %s)",
			x->path, workbook_entry);
		goto out;
	}
	if (workbook_read(x, wb, &l, e) < 0)
		goto out;
	if (want) {
		size_t nocase = 0, found = 0;

		for (pick = 0; pick < l.n && strcmp(l.names[pick], want) != 0; pick++)
			if (strcasecmp(l.names[pick], want) == 0 && found++ == 0)
				nocase = pick;
		if (pick == l.n && found == 1)
			pick = nocase;
		if (pick == l.n) {
			char names[ERR_LINE_LEN / 2];

			list_names(&l, names, sizeof names);
			err_set(e, EXIT_USAGE, "%s has no sheet called '%s': its sheets are %s",
				x->path, want, names);
			goto out;
		}
	}
	n = strlen(l.names[pick]) + 16;
	if (!(*label = malloc(n))) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", x->path);
		goto out;
	}
	snprintf(*label, n, "sheet '%s'", l.names[pick]);
	if (rels_read(x, l.rids[pick], &sheet, &sst, e) < 0)
		goto out;
	if (!sheet) {
		err_set(e, EXIT_DATA, "%s: %s has no target for sheet '%s' (relationship '%s')",
			x->path, workbook_rels, l.names[pick], l.rids[pick]);
		goto out;
	}
	if ((*sheet_idx = entry_find(x, sheet)) < 0) {
		err_set(e, EXIT_DATA, "%s: sheet '%s' is missing: the archive has no %s", x->path,
			l.names[pick], sheet);
		goto out;
	}
	*sst_idx = sst ? entry_find(x, sst) : -1;
	if (*sst_idx < 0)
		*sst_idx = entry_find(x, "xl/sharedStrings.xml");
	ret = 0;
out:
	sheet_list_free(&l);
	free(sheet);
	free(sst);
	return ret;
}

/* Ends shared string number x->nsst, which starts at `start` in x->sst. */
static int sst_end(struct xlsx *x, struct part *p, size_t start)
{
	size_t at, n;

	n = unescape_x(x->sst.p + start, x->sst.len - start);
	x->sst.len = start + n;
	if (ALLOC_GROW(x->sst_off, x->nsst + 1, x->sst_cap) < 0)
		goto oom;
	if (xlsx_buf_add(&x->sst, "", 1) < 0)
		goto oom;
	if (!utf8_check(x->sst.p + start, n, &at)) {
		xlsx_part_fail(p, EXIT_DATA, "%s: %s: shared string %zu is not valid UTF-8: %s", x->path,
			       p->label, x->nsst, utf8_problem(x->sst.p + start, n, at));
		return -1;
	}
	x->sst_off[x->nsst++] = start;
	return 0;
oom:
	xlsx_part_fail(p, EXIT_SYSTEM, "out of memory reading %s", x->path);
	return -1;
}

/*
 * Loads the shared strings: each <si>'s text, rich text runs joined,
 * phonetic runs (<rPh>) left out.
 */
static int sst_load(struct xlsx *x, zip_int64_t idx, struct err *e)
{
	struct part p;
	size_t start = 0;
	int rc, in_si = 0, in_t = 0, in_rph = 0, ret = -1;

	if (xlsx_part_open(x->za, x->path, idx, NULL, x->entry_limit, &p, e) < 0)
		goto out;
	xlsx_errors_to(&p);
	while ((rc = xlsx_part_next(&p)) == 1) {
		int type = xmlTextReaderNodeType(p.rd);
		const char *name;

		if (xlsx_is_text(type)) {
			const char *s = (const char *)xmlTextReaderConstValue(p.rd);

			if (in_si && in_t && !in_rph && s && xlsx_buf_add(&x->sst, s, strlen(s)) < 0)
				xlsx_part_fail(&p, EXIT_SYSTEM, "out of memory reading %s", x->path);
			continue;
		}
		name = xlsx_node_name(&p);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(p.rd);

			if (strcmp(name, "si") == 0) {
				start = x->sst.len;
				in_si = 1;
				in_t = in_rph = 0;
				if (empty) {
					in_si = 0;
					sst_end(x, &p, start);
				}
			} else if (strcmp(name, "t") == 0) {
				in_t = !empty;
			} else if (strcmp(name, "rPh") == 0) {
				in_rph = !empty;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(name, "si") == 0 && in_si) {
				in_si = 0;
				sst_end(x, &p, start);
			} else if (strcmp(name, "t") == 0) {
				in_t = 0;
			} else if (strcmp(name, "rPh") == 0) {
				in_rph = 0;
			}
		}
	}
	if (xlsx_part_done(&p, rc, e) < 0)
		goto out;
	ret = 0;
out:
	xlsx_part_close(&p);
	return ret;
}

/* Starts a row: its number from r, or the one after the last. */
static void row_start(struct xlsx *x)
{
	char r[32];
	char *end = NULL;
	long n = 0;

	errno = 0;
	if (xlsx_attr_copy(&x->sheet, "r", r, sizeof r))
		n = strtol(r, &end, 10);
	if (n > 0 && !errno && !*end)
		x->row = n;
	else
		x->row++;
	if (x->nslots)
		memset(x->slot, 0, x->nslots * sizeof *x->slot);
	x->nslots = 0;
	x->rdata.len = 0;
	x->nonblank = 0;
	x->last_col = 0;
	x->bad = 0;
	x->next_col = 0;
	x->in_cell = 0;
}

/* Starts a cell: its column (from r, or the next one) and type. */
static void cell_start(struct xlsx *x)
{
	char r[32], t[32];
	long col;

	x->in_cell = 1;
	x->in_v = x->in_is = x->in_t = x->in_rph = 0;
	x->skip_cell = 0;
	x->cell.len = 0;
	if (xlsx_attr_copy(&x->sheet, "r", r, sizeof r)) {
		col = ref_col(r);
		if (col < 0) {
			set_bad(x, "cell reference '%s' is not valid", r);
			x->skip_cell = 1;
			return;
		}
	} else {
		col = (long)x->next_col;
	}
	if (col >= MAX_COLS) {
		set_bad(x, "a cell lies beyond column XFD, Excel's last");
		x->skip_cell = 1;
		return;
	}
	x->col = (size_t)col;
	x->next_col = x->col + 1;
	xlsx_attr_copy(&x->sheet, "t", t, sizeof t);
	if (strcmp(t, "s") == 0)
		x->ctype = CT_SHARED;
	else if (strcmp(t, "inlineStr") == 0)
		x->ctype = CT_INLINE;
	else if (strcmp(t, "str") == 0)
		x->ctype = CT_STR;
	else if (strcmp(t, "b") == 0)
		x->ctype = CT_BOOL;
	else if (strcmp(t, "e") == 0)
		x->ctype = CT_ERROR;
	else
		x->ctype = CT_NUMBER;	/* "n", "d" (ISO 8601) or none: as written */
}

/* Gives a column its slot, growing the slot array; 0 or -1 when out of memory. */
static int slot_reserve(struct xlsx *x, size_t col)
{
	if (col >= x->slot_cap) {
		size_t old = x->slot_cap;

		if (col == SIZE_MAX || ALLOC_GROW(x->slot, col + 1, x->slot_cap) < 0)
			return -1;
		memset(x->slot + old, 0, (x->slot_cap - old) * sizeof *x->slot);
	}
	if (col >= x->nslots)
		x->nslots = col + 1;
	return 0;
}

/* Ends a cell: its value into the row. */
static void cell_end(struct xlsx *x)
{
	const char *v = x->cell.p ? x->cell.p : "";
	size_t n = x->cell.len, off = x->rdata.len;
	char cname[8];

	x->in_cell = 0;
	if (x->skip_cell)
		return;
	col_name(x->col, cname);
	switch (x->ctype) {
	case CT_SHARED: {
		char *end;
		unsigned long long i;

		errno = 0;
		i = strtoull(v, &end, 10);
		if (!n || *end || errno || v[0] < '0' || v[0] > '9') {
			set_bad(x, "column %s has a shared string index that is not a number",
				cname);
		} else if (i >= x->nsst) {
			set_bad(x, "column %s refers to shared string %llu, but there are only %zu",
				cname, i, x->nsst);
		} else {
			v = x->sst.p + x->sst_off[i];
			n = strlen(v);
		}
		break;
	}
	case CT_INLINE:
	case CT_STR:
		if (n)
			n = unescape_x(x->cell.p, n);
		break;
	case CT_BOOL:
		if (strcmp(v, "1") == 0)
			v = "TRUE", n = 4;
		else if (strcmp(v, "0") == 0)
			v = "FALSE", n = 5;
		break;
	case CT_NUMBER:
	case CT_ERROR:
		break;
	}
	if (slot_reserve(x, x->col) < 0 || xlsx_buf_add(&x->rdata, v, n) < 0 ||
	    xlsx_buf_add(&x->rdata, "", 1) < 0) {
		xlsx_part_fail(&x->sheet, EXIT_SYSTEM, "out of memory reading %s", x->path);
		return;
	}
	x->slot[x->col] = off + 1;
	if (n) {
		x->nonblank = 1;
		if (x->col + 1 > x->last_col)
			x->last_col = x->col + 1;
	}
}

/* The value of column col of the row just read: "" when there was no cell. */
static const char *row_value(const struct xlsx *x, size_t col)
{
	if (col >= x->nslots || !x->slot[col])
		return "";
	return x->rdata.p + x->slot[col] - 1;
}

/*
 * Reads up to the end of the next row with a value (a bad one included):
 * 1, 0 at the end of the sheet, -1 with x->sheet.msg set. Blank rows are
 * skipped.
 */
static int row_read(struct xlsx *x)
{
	struct part *p = &x->sheet;
	int rc;

	if (x->done)
		return 0;
	while ((rc = xlsx_part_next(p)) == 1) {
		int type = xmlTextReaderNodeType(p->rd);
		const char *name;
		int empty;

		if (xlsx_is_text(type)) {
			const char *s;

			if (!x->in_cell || !(x->in_v || (x->in_is && x->in_t && !x->in_rph)))
				continue;
			s = (const char *)xmlTextReaderConstValue(p->rd);
			if (s && xlsx_buf_add(&x->cell, s, strlen(s)) < 0)
				xlsx_part_fail(p, EXIT_SYSTEM, "out of memory reading %s", x->path);
			continue;
		}
		name = xlsx_node_name(p);
		if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!x->in_data)
				continue;
			if (strcmp(name, "c") == 0 && x->in_cell)
				cell_end(x);
			else if (strcmp(name, "v") == 0)
				x->in_v = 0;
			else if (strcmp(name, "t") == 0)
				x->in_t = 0;
			else if (strcmp(name, "is") == 0)
				x->in_is = 0;
			else if (strcmp(name, "rPh") == 0)
				x->in_rph = 0;
			else if (strcmp(name, "row") == 0 && (x->nonblank || x->bad))
				return 1;
			else if (strcmp(name, "sheetData") == 0)
				break;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		empty = xmlTextReaderIsEmptyElement(p->rd);
		if (!x->in_data) {
			if (strcmp(name, "sheetData") == 0) {
				if (empty)
					break;
				x->in_data = 1;
			}
			continue;
		}
		if (strcmp(name, "row") == 0) {
			row_start(x);
		} else if (strcmp(name, "c") == 0) {
			cell_start(x);
			if (empty)
				cell_end(x);
		} else if (x->in_cell && !empty) {
			if (strcmp(name, "v") == 0)
				x->in_v = 1;
			else if (strcmp(name, "is") == 0)
				x->in_is = 1;
			else if (strcmp(name, "t") == 0)
				x->in_t = 1;
			else if (strcmp(name, "rPh") == 0)
				x->in_rph = 1;
		}
	}
	if (rc < 0 || p->failed)
		return -1;
	x->done = 1;
	return 0;
}

/* Frees n strings and the array; NULL entries and a NULL array are fine. */
static void strings_free(char **a, size_t n)
{
	for (size_t i = 0; a && i < n; i++)
		free(a[i]);
	free(a);
}

/* The trimmed texts of the row just read, one a column up to the last non-empty one. */
static char **header_texts(struct xlsx *x, size_t *count)
{
	size_t n = 0;
	char **a;

	a = calloc(x->nslots ? x->nslots : 1, sizeof *a);
	if (!a)
		return NULL;
	for (size_t i = 0; i < x->nslots; i++) {
		if (!(a[i] = trim_dup(row_value(x, i)))) {
			strings_free(a, x->nslots);
			return NULL;
		}
		if (a[i][0])
			n = i + 1;
	}
	*count = n;
	return a;
}

/*
 * Reads header row number `which` (1 or 2): its trimmed texts, *all of them
 * (to free), the first *count up to the last non-empty one; -1 with e set.
 */
static int header_row(struct xlsx *x, int which, char ***texts, size_t *all, size_t *count,
		      struct err *e)
{
	int rc;

	xlsx_errors_to(&x->sheet);
	rc = row_read(x);
	if (xlsx_part_done(&x->sheet, rc, e) < 0)
		return -1;
	if (rc == 0 && which == 1)
		return err_set(e, EXIT_DATA, "%s: %s is empty: it has no header row", x->path,
			       x->sheet.label);
	if (rc == 0)
		return err_set(e, EXIT_DATA,
			       "%s: %s has only one row, but 2 header rows were asked for",
			       x->path, x->sheet.label);
	if (x->bad)
		return err_set(e, EXIT_DATA, "%s:row %ld: %s", x->path, x->row, x->bad_msg);
	if (!(*texts = header_texts(x, count)))
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", x->path);
	*all = x->nslots;
	return 0;
}

/*
 * The field name of a column from a two-row header (SurveyMonkey), as for
 * CSV: "Q / S", or Q alone when S is empty, "Response" or "Open-Ended
 * Response"; S alone when there is no Q.
 */
static char *two_row_name(const char *q, const char *s)
{
	size_t n;
	char *name;

	if (!s[0] || strcmp(s, "Response") == 0 || strcmp(s, "Open-Ended Response") == 0)
		return strdup(q);
	if (!q[0])
		return strdup(s);
	n = strlen(q) + strlen(s) + 4;
	if ((name = malloc(n)))
		snprintf(name, n, "%s / %s", q, s);
	return name;
}

/* Reads the header rows and makes the field names. */
static int header_read(struct xlsx *x, int rows, struct err *e)
{
	char **h1 = NULL, **h2 = NULL;
	size_t n1 = 0, n2 = 0, all1 = 0, all2 = 0;
	const char *q = "";
	long first;
	int ret = -1;

	if (header_row(x, 1, &h1, &all1, &n1, e) < 0)
		goto out;
	first = x->row;
	if (rows == 2 && header_row(x, 2, &h2, &all2, &n2, e) < 0)
		goto out;
	x->ncols = n1 > n2 ? n1 : n2;
	if (!x->ncols) {
		err_set(e, EXIT_DATA, "%s:row %ld: the header row is empty", x->path, first);
		goto out;
	}
	x->names = calloc(x->ncols, sizeof *x->names);
	x->values = calloc(x->ncols, sizeof *x->values);
	if (!x->names || !x->values) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", x->path);
		goto out;
	}
	for (size_t i = 0; i < x->ncols; i++) {
		if (rows == 1) {
			x->names[i] = h1[i];
			h1[i] = NULL;
		} else {
			if (i < all1 && h1[i][0])
				q = h1[i];
			x->names[i] = two_row_name(q, i < n2 ? h2[i] : "");
		}
		if (!x->names[i]) {
			err_set(e, EXIT_SYSTEM, "out of memory reading %s", x->path);
			goto out;
		}
	}
	ret = 0;
out:
	strings_free(h1, all1);
	strings_free(h2, all2);
	return ret;
}

/* Joins the row's values with "," into x->raw, cut to RAW_MAX bytes on a character. */
static void raw_make(struct xlsx *x)
{
	size_t o = 0;

	for (size_t i = 0; i < x->last_col && o < RAW_MAX + 4; i++) {
		const char *v = row_value(x, i);
		size_t n = strlen(v);

		if (i)
			x->raw[o++] = ',';
		if (n > RAW_MAX + 4 - o)
			n = RAW_MAX + 4 - o;
		memcpy(x->raw + o, v, n);
		o += n;
	}
	o = utf8_prefix(x->raw, o, RAW_MAX);
	x->raw[o] = '\0';
	x->raw_len = o;
}

static int xlsx_next(void *state, struct source_record *rec, struct err *e)
{
	struct xlsx *x = state;
	int rc;

	memset(rec, 0, sizeof *rec);
	rec->place_word = "row";
	rec->file = x->path;
	xlsx_errors_to(&x->sheet);
	rc = row_read(x);
	rec->place = x->row;
	if (xlsx_part_done(&x->sheet, rc, e) < 0)
		return SOURCE_FATAL;
	if (rc == 0)
		return SOURCE_EOF;
	raw_make(x);
	rec->raw = x->raw;
	rec->raw_len = x->raw_len;
	if (x->bad) {
		err_set(e, EXIT_DATA, "%s:row %ld: %s", x->path, x->row, x->bad_msg);
		return SOURCE_BAD;
	}
	for (size_t i = 0; i < x->ncols; i++)
		x->values[i] = row_value(x, i);
	rec->nfields = x->ncols;
	rec->names = (const char *const *)x->names;
	rec->values = x->values;
	return SOURCE_RECORD;
}

static void xlsx_free(void *state)
{
	struct xlsx *x = state;

	if (!x)
		return;
	xlsx_part_close(&x->sheet);
	if (x->za)
		zip_discard(x->za);
	strings_free(x->names, x->ncols);
	free(x->values);
	free(x->sst.p);
	free(x->sst_off);
	free(x->rdata.p);
	free(x->slot);
	free(x->cell.p);
	free(x->path);
	free(x);
}

static const struct source_ops xlsx_ops = { xlsx_next, xlsx_free, NULL };

/*
 * Opens sheet opt->sheet (NULL: the first in workbook order) of the XLSX
 * workbook at `path` and reads its header: opt->header_rows rows (0 means 1;
 * 2 joins SurveyMonkey's question and answer rows as "Q / S"), the first
 * non-empty ones. opt may be NULL for the defaults.
 *
 * Records then come one a non-empty row, place_word "row", place the sheet's
 * row number, raw the row's values joined with "," (at most 4096 bytes), a
 * value for each header column ("" for a missing cell). Values are what the
 * cells hold as text: shared and inline strings, formula results, TRUE or
 * FALSE, error codes such as "#N/A", and numbers as written ("3",
 * "43621.5416666667"): dates stay Excel serial numbers, which the importer
 * converts. Excel's _xHHHH_ escapes in text ("_x000D_") are decoded. Header
 * text is trimmed (common/trim.h); trailing columns with no header are
 * dropped, their cells left out of the record (but not of raw). A shared
 * string index out of range makes the row SOURCE_BAD; malformed XML further
 * down is SOURCE_FATAL (libxml2 reads ahead, so the last rows before the
 * fault may not come out). A sheet name is matched exactly, or else without
 * case when only one sheet matches that way.
 *
 * Returns 0 with *src ready (free it with source_free()), or -1 with e set
 * and *src emptied: EXIT_USAGE for a missing file, a folder, header_rows
 * other than 0, 1 or 2, or no sheet called opt->sheet (the message lists
 * the sheets); EXIT_DATA when the file is not a zip archive, not a workbook,
 * has a zip entry over 512 MiB or compressed over 1000:1, a DOCTYPE,
 * malformed XML or no header row; EXIT_SYSTEM for read errors and memory.
 */
int source_xlsx_open(const char *path, const struct source_options *opt, struct source *src,
		     struct err *e)
{
	struct xlsx *x = NULL;
	int rows = opt && opt->header_rows ? opt->header_rows : 1;
	zip_int64_t sheet_idx = -1, sst_idx = -1;
	char *label = NULL;

	memset(src, 0, sizeof *src);
	if (rows != 1 && rows != 2)
		return err_set(e, EXIT_USAGE, "header rows must be 1 or 2, not %d", rows);
	if (!(x = calloc(1, sizeof *x)) || !(x->path = strdup(path))) {
		err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
		goto fail;
	}
	x->entry_limit = opt && opt->xlsx_entry_limit ? opt->xlsx_entry_limit : SOURCE_XLSX_LIMIT;
	if (archive_open(x, e) < 0)
		goto fail;
	if (sheet_find(x, opt ? opt->sheet : NULL, &sheet_idx, &sst_idx, &label, e) < 0)
		goto fail;
	if (sst_idx >= 0 && sst_load(x, sst_idx, e) < 0)
		goto fail;
	if (xlsx_part_open(x->za, x->path, sheet_idx, label, x->entry_limit, &x->sheet, e) < 0)
		goto fail;
	if (header_read(x, rows, e) < 0)
		goto fail;
	free(label);
	src->ops = &xlsx_ops;
	src->state = x;
	src->format = "xlsx";
	return 0;
fail:
	free(label);
	xlsx_free(x);
	return -1;
}

