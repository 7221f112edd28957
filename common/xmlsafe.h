/*
 * xmlsafe.h: reading XML that people hand us, safely.
 *
 * Every XML file (exercise definitions, mappings, rule sets, survey exports)
 * is read from memory, never by file name, so libxml2 never opens another
 * file, the network or a decompressor. A DOCTYPE is refused before its
 * contents are looked at, so there are no entities to expand or external
 * DTDs to load. Elements nested deeper than XMLSAFE_MAX_DEPTH and a text
 * of more than XMLSAFE_MAX_TEXT bytes in one element are refused with a
 * message that says so, before the text is kept; libxml2's own limits
 * (attribute values, names) hold too and are reported in plain words.
 */
#ifndef TALLY_XMLSAFE_H
#define TALLY_XMLSAFE_H

#include <libxml/tree.h>
#include <stddef.h>

#include "err.h"

#define XMLSAFE_MAX_FILE (64u << 20) /* definitions and rule sets are small */
#define XMLSAFE_MAX_DEPTH 256         /* elements inside elements */
#define XMLSAFE_MAX_TEXT (10u << 20)  /* bytes of text in one element */

/*
 * Parses `len` bytes of `buf` as XML; `name` is used in messages
 * ("name:line: ..."). Returns a document the caller frees with xmlFreeDoc,
 * or NULL with EXIT_DATA in `e` (each parser error with its line).
 */
xmlDocPtr xmlsafe_parse(const char *buf, size_t len, const char *name, struct err *e);

/* Reads `path` (at most XMLSAFE_MAX_FILE bytes) and parses it as above. */
xmlDocPtr xmlsafe_read(const char *path, struct err *e);

/*
 * For the project's own hand-written files (definitions, mappings, rule
 * sets): refuses gzip and invalid UTF-8 with the byte offset, then parses
 * as xmlsafe_parse() and validates against the built-in `schema`. Returns
 * a document the caller frees, or NULL with every problem in `e`.
 */
xmlDocPtr xmlsafe_parse_valid(const char *buf, size_t len, const char *name, const char *schema,
			      struct err *e);

/*
 * When libxml2's message `msg` is one of its safety limits (nesting depth,
 * a huge text node, an attribute value or a name too long), the same in
 * plain words, such as "elements are nested more than 256 deep: refused
 * for safety"; otherwise NULL. For the readers that parse with
 * xmlTextReader (XLSX sheets, LimeSurvey responses). A static string.
 */
const char *xmlsafe_limit_message(const char *msg);

/* The element's line in its file. */
long xmlsafe_line(xmlNodePtr node);

/* The value of attribute `attr`, or NULL; the caller frees with xmlFree. */
char *xmlsafe_attr(xmlNodePtr node, const char *attr);

/*
 * The value of attribute `attr` as a string the caller frees with free();
 * NULL when there is none, or when out of memory, which also sets *oom.
 */
char *xmlsafe_attr_dup(xmlNodePtr node, const char *attr, int *oom);

/* The text content of the element, white space at the ends trimmed; free(). */
char *xmlsafe_text(xmlNodePtr node);

/* The first child element named `name`, or NULL. */
xmlNodePtr xmlsafe_child(xmlNodePtr node, const char *name);

/* The element's next sibling element (any name), or NULL. */
xmlNodePtr xmlsafe_next(xmlNodePtr node);

/* The element's first child element, or NULL. */
xmlNodePtr xmlsafe_first(xmlNodePtr node);

/* True when the element is called `name`. */
int xmlsafe_is(xmlNodePtr node, const char *name);

/* Frees the cached RelaxNG schemas (end of main, for leak checkers). */
void xmlsafe_cleanup(void);

#endif
