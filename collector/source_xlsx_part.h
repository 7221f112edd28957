/*
 * source_xlsx_part.h: one zip entry of a workbook streamed through
 * libxml2's reader, bounded and with no DOCTYPE (source_xlsx_part.c), for
 * source_xlsx.c only.
 */
#ifndef TALLY_SOURCE_XLSX_PART_H
#define TALLY_SOURCE_XLSX_PART_H

#include <libxml/xmlreader.h>
#include <stddef.h>
#include <zip.h>

#include "err.h"

/* A growing byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

/* One zip entry, streamed through libxml2's reader. */
struct part {
	const char *path;	/* the workbook, for messages */
	char *entry;		/* the entry's name in the archive */
	char *label;		/* how messages name it: the entry or "sheet 'NAME'" */
	zip_file_t *zf;
	zip_uint64_t size;	/* uncompressed size, as the zip directory says */
	zip_uint64_t nread;	/* bytes inflated so far */
	zip_uint64_t limit;	/* the most it may inflate to (source_options) */
	xmlTextReaderPtr rd;
	size_t dt_match;	/* bytes of "<!DOCTYPE" just seen */
	long line;		/* line of the bytes being scanned */
	int failed;		/* msg says why the part cannot be read further */
	enum exit_code code;
	char msg[ERR_LINE_LEN];
};

/*
 * Opens entry `idx` of the archive for streaming, after checking its size and
 * compression ratio; `label` names it in messages (NULL: the entry's name);
 * it may inflate to at most `limit` bytes. 0, or -1 with e set (the part
 * needs xlsx_part_close() either way).
 */
int xlsx_part_open(zip_t *za, const char *path, zip_int64_t idx, const char *label,
		   zip_uint64_t limit, struct part *p, struct err *e);

/*
 * Moves to the next node: 1, 0 at the end of the part, -1 with p->msg set.
 * Callers send libxml2's errors to the part around calls (xlsx_errors_to).
 */
int xlsx_part_next(struct part *p);

/* Frees what the part holds; a zeroed part is fine. */
void xlsx_part_close(struct part *p);

/* The current element's local name ("" for other nodes). */
const char *xlsx_node_name(struct part *p);

/* True for the node types that carry text. */
int xlsx_is_text(int type);

/*
 * Copies attribute `name` of the current element into out (size bytes, cut
 * if longer); returns 1, or 0 when the element has no such attribute.
 */
int xlsx_attr_copy(struct part *p, const char *name, char *out, size_t size);

/* Attribute `name` (in namespace ns, or none) as a new string, or NULL. */
char *xlsx_attr_dup(struct part *p, const char *name, const char *ns);

/* Sends libxml2's errors that bypass the reader to the part too (or back). */
void xlsx_errors_to(struct part *p);

/*
 * Ends a pass of xlsx_part_next() that returned `rc`: libxml2's errors go
 * back to the default, and a pass that failed (rc < 0) says why in `e`.
 * 0, or -1 with `e` set.
 */
int xlsx_part_done(struct part *p, int rc, struct err *e);

/* Appends n bytes; 0 or -1 when out of memory. */
int xlsx_buf_add(struct buf *b, const char *s, size_t n);

/* Records the first reason the part cannot be read further. */
void xlsx_part_fail(struct part *p, enum exit_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A copy of libxml2's message, trimmed and starting lowercase as house style wants. */
void xlsx_tidy(char *out, size_t size, const char *msg);

#endif
