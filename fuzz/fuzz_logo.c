/*
 * fuzz_logo: the report logo's check (web/logo.c): a PNG, or an SVG proven
 * harmless by libxml2 against an allow-list.
 *
 * Any bytes as an uploaded logo. Properties: a refused file sets an
 * EXIT_DATA message that starts "logo"; an accepted PNG has the signature
 * and the IHDR header; an accepted SVG, parsed again on its own as UTF-8
 * (as a browser that does not know the declared encoding reads it), and
 * again in the encoding it declares when libxml2 can read that, has no DTD, entity or processing
 * instruction, only elements in the SVG namespace, none of them a script,
 * style, link, image, animation or foreign object, no attribute that is an
 * event handler ("on..."), a style or outside the SVG, xlink and xml
 * namespaces, every href pointing inside the file ("#..."), and no value
 * with a javascript: URL, a data: URL, a "//" link or a url() other than url(#...).
 */
#include <assert.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fuzz.h"
#include "logo.h"
#include "report_settings.h"

#define SVG_NS "http://www.w3.org/2000/svg"

static void fail(const char *why, const xmlChar *what)
{
	fprintf(stderr, "accepted logo: %s (%s)\n", why, what ? (const char *)what : "");
	abort();
}

static int holds(const char *s, const char *w)
{
	return strcasestr(s, w) != NULL;
}

static void walk(xmlNode *n)
{
	static const char *const banned[] = {
		"style", "foreignObject", "image", "a", "iframe", "object", "embed", "set",
		"animate", "animateMotion", "animateTransform", "animateColor", "handler",
		"listener", "feImage", "discard", "audio", "video", "font-face-uri", NULL,
	};

	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_COMMENT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE)
			continue;
		if (n->type != XML_ELEMENT_NODE)
			fail("a node that is not an element, text or comment", n->name);
		if (!n->ns || strcmp((const char *)n->ns->href, SVG_NS))
			fail("an element outside the SVG namespace", n->name);
		if (holds((const char *)n->name, "script"))
			fail("a script element", n->name);
		for (const char *const *b = banned; *b; b++)
			if (!strcasecmp((const char *)n->name, *b))
				fail("an element that loads or runs something", n->name);
		for (xmlAttr *a = n->properties; a; a = a->next) {
			const char *name = (const char *)a->name;
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			const char *s = v ? (const char *)v : "";

			if (!strncasecmp(name, "on", 2))
				fail("an event attribute", a->name);
			if (!strcasecmp(name, "style") || holds(name, "script"))
				fail("a style or script attribute", a->name);
			if (a->ns && strcmp((const char *)a->ns->href, "http://www.w3.org/1999/xlink") &&
			    strcmp((const char *)a->ns->href, "http://www.w3.org/XML/1998/namespace"))
				fail("an attribute of a foreign namespace", a->name);
			if (!strcasecmp(name, "href") && s[0] != '#')
				fail("an href outside the file", v);
			if (holds(s, "javascript:") || holds(s, "data:") || holds(s, "//"))
				fail("a value with a link or a script", v);
			for (const char *p = s; (p = strcasestr(p, "url(")); p++)
				if (p[4] != '#')
					fail("a url() outside the file", v);
			xmlFree(v);
		}
		walk(n->children);
	}
}

static void check_svg(const uint8_t *data, size_t size, const char *encoding, int must)
{
	xmlDoc *doc = xmlReadMemory((const char *)data, (int)size, "logo.svg", encoding,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					    (encoding ? XML_PARSE_IGNORE_ENC : 0));

	if (!doc) {
		if (must)
			fail("it does not parse again", NULL);
		return;
	}
	if (doc->intSubset || doc->extSubset)
		fail("a DTD", NULL);
	for (xmlNode *n = doc->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			walk(n);
		else if (n->type != XML_COMMENT_NODE)
			fail("something beside the root", n->name);
	xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const char *mime = NULL;
	struct err e;

	err_init(&e);
	if (logo_check(data, size, &mime, &e) < 0) {
		assert(e.code == EXIT_DATA && !strncmp(err_first(&e), "logo", 4));
		return 0;
	}
	assert(!err_isset(&e) && mime && size > 0 && size <= REPORT_LOGO_MAX);
	if (!strcmp(mime, "image/png")) {
		if (size < 24 || memcmp(data, png, sizeof png) || memcmp(data + 12, "IHDR", 4))
			fail("a PNG without its signature and header", NULL);
		return 0;
	}
	assert(!strcmp(mime, "image/svg+xml"));
	for (size_t i = 0; i + 1 < size; i++)
		if (data[i] == '<' && data[i + 1] == '!' && !(i + 4 <= size && !memcmp(data + i, "<!--", 4)) &&
		    !(i + 9 <= size && !memcmp(data + i, "<![CDATA[", 9)))
			fail("a DOCTYPE or entity declaration", NULL);
	check_svg(data, size, "UTF-8", 1);
	check_svg(data, size, NULL, 0);
	return 0;
}
