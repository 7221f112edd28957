/*
 * source_xlsx_part.c: one zip entry of an XLSX workbook, streamed through
 * libxml2's reader fed from zip_fread(): libxml2 never opens a file, the
 * network or a decompressor itself. The rules of xmlsafe.h hold: no NOENT,
 * DTDLOAD or HUGE, and a DOCTYPE is refused, both by a scan of the bytes
 * before libxml2 sees them (so not even the internal subset is parsed) and
 * by node type (for parts in other encodings).
 *
 * Every entry is bounded before it is read: an uncompressed size over the
 * limit (512 MiB) or a compression ratio over 1000:1 is refused as a
 * possible zip bomb, and the bytes actually inflated are counted, so an
 * entry that holds more than its zip directory says is stopped too.
 */
#include "source_xlsx_part.h"

#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xmlsafe.h"

#define MAX_RATIO 1000
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES)

static const char doctype_mark[] = "<!DOCTYPE";

/* Records the first reason the part cannot be read further. */
void xlsx_part_fail(struct part *p, enum exit_code code, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = 1;
	p->code = code;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
}

/* Appends n bytes; 0 or -1 when out of memory. */
int xlsx_buf_add(struct buf *b, const char *s, size_t n)
{
	if (n >= SIZE_MAX - b->len || ALLOC_GROW(b->p, b->len + n + 1, b->cap) < 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* A copy of libxml2's message, trimmed and starting lowercase as house style wants. */
void xlsx_tidy(char *out, size_t size, const char *msg)
{
	size_t n;

	snprintf(out, size, "%s", msg ? msg : "unknown problem");
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '\r'))
		out[--n] = '\0';
	if (out[0] >= 'A' && out[0] <= 'Z' && !(out[1] >= 'A' && out[1] <= 'Z'))
		out[0] = (char)(out[0] - 'A' + 'a');
}

/* libxml2's errors, from the part's reader or the library at large. */
static void on_xml_error(void *arg, xmlErrorPtr error)
{
	struct part *p = arg;
	const char *limit;
	char msg[256];

	if (!p || p->failed || !error || error->level < XML_ERR_ERROR)
		return;
	if ((limit = xmlsafe_limit_message(error->message))) {
		if (error->line > 0)
			xlsx_part_fail(p, EXIT_DATA, "%s: %s: line %d: %s", p->path, p->label,
				       error->line, limit);
		else
			xlsx_part_fail(p, EXIT_DATA, "%s: %s: %s", p->path, p->label, limit);
		return;
	}
	xlsx_tidy(msg, sizeof msg, error->message);
	if (error->line > 0)
		xlsx_part_fail(p, EXIT_DATA, "%s: %s: malformed XML at line %d: %s", p->path, p->label,
			       error->line, msg);
	else
		xlsx_part_fail(p, EXIT_DATA, "%s: %s: malformed XML: %s", p->path, p->label, msg);
}

/* Sends libxml2's errors that bypass the reader to the part too (or back). */
void xlsx_errors_to(struct part *p)
{
	if (p)
		xmlSetStructuredErrorFunc(p, on_xml_error);
	else
		xmlSetStructuredErrorFunc(NULL, NULL);
}

static void fail_doctype(struct part *p, long line)
{
	xlsx_part_fail(p, EXIT_DATA,
		       "%s: %s: a DOCTYPE is not allowed (line %ld): DTDs and entities are refused for safety",
		       p->path, p->label, line);
}

/* Looks for "<!DOCTYPE" in the n bytes at s, carrying over from earlier reads. */
static int scan_doctype(struct part *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == doctype_mark[p->dt_match]) {
			if (++p->dt_match == sizeof doctype_mark - 1) {
				fail_doctype(p, p->line);
				return -1;
			}
		} else {
			p->dt_match = s[i] == '<';
		}
		if (s[i] == '\n')
			p->line++;
	}
	return 0;
}

/* libxml2's read callback: inflates more of the entry, counting and scanning. */
static int part_read(void *ctx, char *buf, int len)
{
	struct part *p = ctx;
	zip_int64_t n;

	if (p->failed)
		return -1;
	if (len <= 0)
		return 0;
	n = zip_fread(p->zf, buf, (zip_uint64_t)len);
	if (n < 0) {
		char why[128];

		xlsx_tidy(why, sizeof why, zip_file_strerror(p->zf));
		xlsx_part_fail(p, EXIT_DATA, "%s: cannot read %s from the archive: %s", p->path,
			       p->entry, why);
		return -1;
	}
	p->nread += (zip_uint64_t)n;
	if (p->nread > p->size) {
		xlsx_part_fail(p, EXIT_DATA,
			       "%s: %s holds more than the %llu bytes the zip directory says: refused as a possible zip bomb",
			       p->path, p->entry, (unsigned long long)p->size);
		return -1;
	}
	if (p->nread > p->limit) {
		xlsx_part_fail(p, EXIT_DATA,
			       "%s: %s expands to more than %llu bytes: refused as a possible zip bomb",
			       p->path, p->entry, (unsigned long long)p->limit);
		return -1;
	}
	if (scan_doctype(p, buf, (size_t)n) < 0)
		return -1;
	return (int)n;
}

/* Frees what the part holds; a zeroed part is fine. */
void xlsx_part_close(struct part *p)
{
	if (p->rd)
		xmlFreeTextReader(p->rd);
	if (p->zf)
		zip_fclose(p->zf);
	free(p->entry);
	free(p->label);
	memset(p, 0, sizeof *p);
}

/*
 * Opens entry `idx` of the archive for streaming, after checking its size and
 * compression ratio; `label` names it in messages (NULL: the entry's name).
 * 0, or -1 with e set (the part needs xlsx_part_close() either way).
 */
int xlsx_part_open(zip_t *za, const char *path, zip_int64_t idx, const char *label,
		   zip_uint64_t limit, struct part *p, struct err *e)
{
	zip_stat_t st;
	const char *name;
	char why[128];

	memset(p, 0, sizeof *p);
	p->path = path;
	p->limit = limit;
	p->line = 1;
	zip_stat_init(&st);
	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0 || !(name = st.name)) {
		xlsx_tidy(why, sizeof why, zip_strerror(za));
		return err_set(e, EXIT_DATA, "%s: cannot read the zip directory: %s", path, why);
	}
	if (!(p->entry = strdup(name)) || !(p->label = strdup(label ? label : name)))
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
	if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
		return err_set(e, EXIT_DATA, "%s: the zip directory gives no size for %s",
			       path, name);
	p->size = st.size;
	if (st.size > p->limit)
		return err_set(e, EXIT_DATA,
			       "%s: %s would expand to %llu bytes, over the limit of %llu: refused as a possible zip bomb",
			       path, name, (unsigned long long)st.size,
			       (unsigned long long)p->limit);
	if (st.size / MAX_RATIO > st.comp_size ||
	    (st.size / MAX_RATIO == st.comp_size && st.size % MAX_RATIO))
		return err_set(e, EXIT_DATA,
			       "%s: %s would expand from %llu to %llu bytes, over %d:1: refused as a possible zip bomb",
			       path, name, (unsigned long long)st.comp_size,
			       (unsigned long long)st.size, MAX_RATIO);
	if (!(p->zf = zip_fopen_index(za, (zip_uint64_t)idx, 0))) {
		xlsx_tidy(why, sizeof why, zip_strerror(za));
		return err_set(e, EXIT_DATA, "%s: cannot read %s from the archive: %s", path,
			       name, why);
	}
	xlsx_errors_to(p);
	p->rd = xmlReaderForIO(part_read, NULL, p, NULL, NULL, READER_OPTIONS);
	xlsx_errors_to(NULL);
	if (p->failed)
		return err_set(e, p->code, "%s", p->msg);
	if (!p->rd)
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
	xmlTextReaderSetStructuredErrorHandler(p->rd, on_xml_error, p);
	return 0;
}

/*
 * Moves to the next node: 1, 0 at the end of the part, -1 with p->msg set.
 * Callers send libxml2's errors to the part around calls (xlsx_errors_to).
 */
int xlsx_part_next(struct part *p)
{
	int rc;

	if (p->failed)
		return -1;
	rc = xmlTextReaderRead(p->rd);
	if (rc == 1 && xmlTextReaderNodeType(p->rd) == XML_READER_TYPE_DOCUMENT_TYPE)
		fail_doctype(p, (long)xmlTextReaderGetParserLineNumber(p->rd));
	if (p->failed)
		return -1;
	if (rc < 0) {
		xlsx_part_fail(p, EXIT_DATA, "%s: %s: malformed XML", p->path, p->label);
		return -1;
	}
	return rc;
}

/* The current element's local name ("" for other nodes). */
const char *xlsx_node_name(struct part *p)
{
	const xmlChar *n = xmlTextReaderConstLocalName(p->rd);

	return n ? (const char *)n : "";
}

/* True for the node types that carry text. */
int xlsx_is_text(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_WHITESPACE ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/*
 * Copies attribute `name` of the current element into out (size bytes, cut
 * if longer); returns 1, or 0 when the element has no such attribute.
 */
int xlsx_attr_copy(struct part *p, const char *name, char *out, size_t size)
{
	const xmlChar *v;
	int found = 0;

	out[0] = '\0';
	if (xmlTextReaderMoveToAttribute(p->rd, (const xmlChar *)name) == 1) {
		v = xmlTextReaderConstValue(p->rd);
		snprintf(out, size, "%s", v ? (const char *)v : "");
		found = 1;
	}
	xmlTextReaderMoveToElement(p->rd);
	return found;
}

/* Attribute `name` (in namespace ns, or none) as a new string, or NULL. */
char *xlsx_attr_dup(struct part *p, const char *name, const char *ns)
{
	xmlChar *v = ns ? xmlTextReaderGetAttributeNs(p->rd, (const xmlChar *)name,
						      (const xmlChar *)ns)
			: xmlTextReaderGetAttribute(p->rd, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

int xlsx_part_done(struct part *p, int rc, struct err *e)
{
	xlsx_errors_to(NULL);
	if (rc < 0)
		return err_set(e, p->code, "%s", p->msg);
	return 0;
}
