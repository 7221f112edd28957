#include "xmlsafe.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "trim.h"
#include "utf8.h"

struct embedded_file {
	const char *name;
	const char *text;
};

#include "schemas.inc"

#define NSCHEMAS (sizeof schemas / sizeof schemas[0])

static xmlRelaxNGPtr compiled[NSCHEMAS];

struct collect {
	struct err *e;
	const char *name;
	int refused;		/* a DOCTYPE or a limit: later errors are its echoes */
	int depth;		/* elements open */
	size_t text;		/* bytes of text since the last tag */
	startElementNsSAX2Func start;	/* libxml2's own handlers, called through */
	endElementNsSAX2Func end;
	charactersSAXFunc characters;
	ignorableWhitespaceSAXFunc whitespace;
};

#define STR(x) #x
#define XSTR(x) STR(x)

const char *xmlsafe_limit_message(const char *msg)
{
	if (!msg)
		return NULL;
	if (strstr(msg, "Excessive depth") || strstr(msg, "excessive depth"))
		return "elements are nested more than " XSTR(XMLSAFE_MAX_DEPTH)
		       " deep: refused for safety";
	if (strstr(msg, "huge text node") || strstr(msg, "Text node too long") ||
	    strstr(msg, "CData section too big"))
		return "a text of more than 10 MB in one element: refused for safety";
	if (strstr(msg, "AttValue length too long"))
		return "an attribute value of more than 10 MB: refused for safety";
	if (strstr(msg, "Name too long") || strstr(msg, "NCName too long"))
		return "a name of more than 50000 characters: refused for safety";
	if (strstr(msg, "too big found")) /* a comment or a processing instruction */
		return "a comment or processing instruction of more than 10 MB: refused for "
		       "safety";
	if (strstr(msg, "XML_PARSE_HUGE"))
		return "a part of the file is over libxml2's size limits: refused for safety";
	return NULL;
}

/* Adds one libxml2 message as "name:line: message", tidied to house style. */
static void add_message(struct collect *c, long line, const char *prefix, const char *msg)
{
	char buf[ERR_LINE_LEN];
	size_t n;

	snprintf(buf, sizeof buf, "%s", msg ? msg : "unknown problem");
	n = strlen(buf);
	while (n && trim_is_space((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (buf[0] && isupper((unsigned char)buf[0]) && !isupper((unsigned char)buf[1]))
		buf[0] = (char)tolower((unsigned char)buf[0]);
	if (line > 0)
		err_set(c->e, EXIT_DATA, "%s:%ld: %s%s", c->name, line, prefix, buf);
	else
		err_set(c->e, EXIT_DATA, "%s: %s%s", c->name, prefix, buf);
}

static void on_parse_error(void *ctx, xmlErrorPtr error)
{
	struct collect *c = ctx;
	const char *limit;

	if (c->refused || error->level < XML_ERR_ERROR)
		return;
	if ((limit = xmlsafe_limit_message(error->message))) {
		/* What follows a limit is only its consequences. */
		c->refused = 1;
		add_message(c, error->line, "", limit);
		return;
	}
	add_message(c, error->line, "malformed XML: ", error->message);
}

static void on_valid_error(void *ctx, xmlErrorPtr error)
{
	struct collect *c = ctx;

	add_message(c, error->line, "", error->message);
}

/*
 * Called by the parser at "<!DOCTYPE", before any declaration inside it is
 * read: nothing from a DTD is ever expanded or fetched.
 */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
			   const xmlChar *sys_id)
{
	xmlParserCtxtPtr pctx = ctx;
	struct collect *c = pctx->_private;

	(void)name;
	(void)ext_id;
	(void)sys_id;
	if (!c->refused)
		err_set(c->e, EXIT_DATA,
			"%s:%d: a DOCTYPE is not allowed: DTDs and entities are refused for safety",
			c->name, xmlSAX2GetLineNumber(pctx));
	c->refused = 1;
	xmlStopParser(pctx);
}

/* Stops the parser at a limit, with the message `what` at the current line. */
static void refuse_limit(xmlParserCtxtPtr pctx, const char *what)
{
	struct collect *c = pctx->_private;

	if (!c->refused)
		err_set(c->e, EXIT_DATA, "%s:%d: %s", c->name, xmlSAX2GetLineNumber(pctx), what);
	c->refused = 1;
	xmlStopParser(pctx);
}

/*
 * The depth and text limits, checked as the parser goes, so that neither a
 * deep tree nor a huge text is ever built: libxml2's own checks depend on
 * its version and on how the text arrives.
 */
static void limit_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			const xmlChar *uri, int nns, const xmlChar **ns, int nattrs, int ndefaulted,
			const xmlChar **attrs)
{
	xmlParserCtxtPtr pctx = ctx;
	struct collect *c = pctx->_private;

	c->text = 0;
	if (++c->depth > XMLSAFE_MAX_DEPTH) {
		refuse_limit(pctx, "elements are nested more than " XSTR(XMLSAFE_MAX_DEPTH)
			     " deep: refused for safety");
		return;
	}
	c->start(ctx, localname, prefix, uri, nns, ns, nattrs, ndefaulted, attrs);
}

static void limit_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		      const xmlChar *uri)
{
	xmlParserCtxtPtr pctx = ctx;
	struct collect *c = pctx->_private;

	c->text = 0;
	c->depth--;
	c->end(ctx, localname, prefix, uri);
}

/* 0 when `len` more bytes of text keep within the limit; -1 after refusing. */
static int limit_text(xmlParserCtxtPtr pctx, int len)
{
	struct collect *c = pctx->_private;

	c->text += len > 0 ? (size_t)len : 0;
	if (c->text <= XMLSAFE_MAX_TEXT)
		return 0;
	refuse_limit(pctx, "a text of more than 10 MB in one element: refused for safety");
	return -1;
}

static void limit_characters(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr pctx = ctx;
	struct collect *c = pctx->_private;

	if (limit_text(pctx, len) == 0)
		c->characters(ctx, ch, len);
}

static void limit_whitespace(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr pctx = ctx;
	struct collect *c = pctx->_private;

	if (limit_text(pctx, len) == 0)
		c->whitespace(ctx, ch, len);
}

xmlDocPtr xmlsafe_parse(const char *buf, size_t len, const char *name, struct err *e)
{
	struct collect c = { .e = e, .name = name };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int before = e ? e->nlines : 0;

	if (len > XMLSAFE_MAX_FILE) {
		err_set(e, EXIT_DATA, "%s is larger than %u bytes: refused", name, XMLSAFE_MAX_FILE);
		return NULL;
	}
	if (file_is_gzip(buf, len)) {
		err_set(e, EXIT_DATA, "%s is gzip-compressed: decompress it first", name);
		return NULL;
	}
	if (!(ctxt = xmlNewParserCtxt())) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
		return NULL;
	}
	ctxt->_private = &c;
	ctxt->sax->internalSubset = refuse_doctype;
	c.start = ctxt->sax->startElementNs;
	c.end = ctxt->sax->endElementNs;
	c.characters = ctxt->sax->characters;
	c.whitespace = ctxt->sax->ignorableWhitespace;
	if (!c.start || !c.end || !c.characters || !c.whitespace) {
		xmlFreeParserCtxt(ctxt);
		err_set(e, EXIT_SYSTEM, "cannot set up the XML parser for %s", name);
		return NULL;
	}
	ctxt->sax->startElementNs = limit_start;
	ctxt->sax->endElementNs = limit_end;
	ctxt->sax->characters = limit_characters;
	ctxt->sax->ignorableWhitespace = limit_whitespace;
	xmlSetStructuredErrorFunc(&c, on_parse_error);
	/* No NOENT, DTDLOAD, XINCLUDE or HUGE: libxml2's default limits hold. */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc && (c.refused || !ctxt->wellFormed || doc->intSubset)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && (!e || e->nlines == before))
		err_set(e, EXIT_DATA, "%s: malformed XML", name);
	if (doc && !xmlDocGetRootElement(doc)) {
		err_set(e, EXIT_DATA, "%s: the document is empty", name);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

xmlDocPtr xmlsafe_read(const char *path, struct err *e)
{
	char *buf;
	size_t len;
	xmlDocPtr doc;

	if (file_read_all(path, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return NULL;
	doc = xmlsafe_parse(buf, len, path, e);
	free(buf);
	return doc;
}

static xmlRelaxNGPtr schema_get(const char *schema, struct err *e)
{
	for (size_t i = 0; i < NSCHEMAS; i++) {
		xmlRelaxNGParserCtxtPtr pctx;

		if (strcmp(schemas[i].name, schema) != 0)
			continue;
		if (compiled[i])
			return compiled[i];
		pctx = xmlRelaxNGNewMemParserCtxt(schemas[i].text, (int)strlen(schemas[i].text));
		if (pctx) {
			compiled[i] = xmlRelaxNGParse(pctx);
			xmlRelaxNGFreeParserCtxt(pctx);
		}
		if (!compiled[i])
			err_set(e, EXIT_SYSTEM, "the built-in schema %s does not compile", schema);
		return compiled[i];
	}
	err_set(e, EXIT_SYSTEM, "no built-in schema called %s", schema);
	return NULL;
}

/*
 * Validates `doc` against the RelaxNG schema compiled into the program
 * under `schema` (e.g. "exercise.rng"). 0, or -1 with each violation as
 * "name:line: ..." (EXIT_DATA).
 */
static int xmlsafe_validate(xmlDocPtr doc, const char *schema, const char *name,
			    struct err *e)
{
	struct collect c = { .e = e, .name = name };
	xmlRelaxNGPtr rng = schema_get(schema, e);
	xmlRelaxNGValidCtxtPtr vctx;
	int rc;

	if (!rng)
		return -1;
	if (!(vctx = xmlRelaxNGNewValidCtxt(rng)))
		return err_set(e, EXIT_SYSTEM, "out of memory validating %s", name);
	xmlRelaxNGSetValidStructuredErrors(vctx, on_valid_error, &c);
	rc = xmlRelaxNGValidateDoc(vctx, doc);
	xmlRelaxNGFreeValidCtxt(vctx);
	if (rc == 0)
		return 0;
	if (!err_isset(e))
		err_set(e, EXIT_DATA, "%s does not follow the %s schema", name, schema);
	return -1;
}

xmlDocPtr xmlsafe_parse_valid(const char *buf, size_t len, const char *name, const char *schema,
			      struct err *e)
{
	xmlDocPtr doc;
	size_t bad;

	if (file_is_gzip(buf, len)) {
		err_set(e, EXIT_DATA, "%s is gzip-compressed: decompress it first", name);
		return NULL;
	}
	if (!utf8_check(buf, len, &bad)) {
		err_set(e, EXIT_DATA, "%s: invalid UTF-8 at byte %zu (%s): save the file as UTF-8",
			name, bad, utf8_problem(buf, len, bad));
		return NULL;
	}
	if (!(doc = xmlsafe_parse(buf, len, name, e)))
		return NULL;
	if (xmlsafe_validate(doc, schema, name, e) < 0) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

long xmlsafe_line(xmlNodePtr node)
{
	return node ? xmlGetLineNo(node) : 0;
}

char *xmlsafe_attr(xmlNodePtr node, const char *attr)
{
	return (char *)xmlGetProp(node, (const xmlChar *)attr);
}

char *xmlsafe_attr_dup(xmlNodePtr node, const char *attr, int *oom)
{
	char *x = xmlsafe_attr(node, attr), *s;

	if (!x)
		return NULL;
	s = strdup(x);
	xmlFree(x);
	if (!s)
		*oom = 1;
	return s;
}

char *xmlsafe_text(xmlNodePtr node)
{
	xmlChar *raw = xmlNodeGetContent(node);
	const char *s = (const char *)raw;
	size_t start, n;
	char *out;

	if (!raw)
		return strdup("");
	n = trim_bounds(s, strlen(s), &start);
	out = strndup(s + start, n);
	xmlFree(raw);
	return out;
}

xmlNodePtr xmlsafe_next(xmlNodePtr node)
{
	for (node = node ? node->next : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE)
			return node;
	return NULL;
}

xmlNodePtr xmlsafe_first(xmlNodePtr node)
{
	for (node = node ? node->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE)
			return node;
	return NULL;
}

int xmlsafe_is(xmlNodePtr node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr xmlsafe_child(xmlNodePtr node, const char *name)
{
	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c))
		if (xmlsafe_is(c, name))
			return c;
	return NULL;
}

void xmlsafe_cleanup(void)
{
	for (size_t i = 0; i < NSCHEMAS; i++) {
		xmlRelaxNGFree(compiled[i]);
		compiled[i] = NULL;
	}
	xmlCleanupParser();
}
