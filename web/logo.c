/* logo.c: PNG or harmless SVG, nothing else (logo.h). */
#include "logo.h"

#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "report_settings.h"
#include "utf8.h"

#define SVG_NS "http://www.w3.org/2000/svg"
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define XML_NS "http://www.w3.org/XML/1998/namespace"

static const char *const elements[] = {
	"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
	"tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop", "clipPath",
	"symbol", "use", NULL,
};

static const char *const attributes[] = {
	"id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx",
	"fy", "width", "height", "viewBox", "preserveAspectRatio", "version", "points", "fill",
	"fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
	"stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
	"stroke-opacity", "opacity", "transform", "font-family", "font-size", "font-style",
	"font-weight", "text-anchor", "dominant-baseline", "letter-spacing", "offset",
	"stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
	"clip-path", "clip-rule", "clipPathUnits", "role", "aria-label", "aria-hidden",
	"focusable", "dx", "dy", "href", NULL,
};

static int listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* True when `s` holds `w`, ignoring ASCII case. */
static int holds(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncasecmp(s, w, n))
			return 1;
	return 0;
}

/* An attribute value that can only point inside the file: url(#id) and nothing else. */
static int value_ok(const char *v)
{
	for (const char *p = v; *p; p++)
		if (!strncasecmp(p, "url(", 4) && p[4] != '#')
			return 0;
	return !holds(v, "javascript") && !holds(v, "data:") && !holds(v, "//") &&
	       !holds(v, "expression") && !holds(v, "\\") && !holds(v, "&");
}

static int walk(xmlNode *n, struct err *e)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_COMMENT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE)
			continue;
		if (n->type != XML_ELEMENT_NODE)
			return err_set(e, EXIT_DATA, "logo, line %ld: an SVG may hold only drawing "
				       "elements and text (no processing instructions or entities)",
				       (long)xmlGetLineNo(n));
		if (!n->ns || strcmp((const char *)n->ns->href, SVG_NS) ||
		    !listed(elements, (const char *)n->name))
			return err_set(e, EXIT_DATA, "logo, line %ld: element <%.40s> is not allowed "
				       "in a logo (scripts, styles, images, links and foreign content "
				       "are refused)", (long)xmlGetLineNo(n), (const char *)n->name);
		for (xmlAttr *a = n->properties; a; a = a->next) {
			const char *name = (const char *)a->name;
			const char *ns = a->ns ? (const char *)a->ns->href : NULL;
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			int ok;

			ok = (!ns || !strcmp(ns, XLINK_NS) || !strcmp(ns, XML_NS)) &&
			     strncasecmp(name, "on", 2) &&
			     (ns && !strcmp(ns, XML_NS) ? !strcmp(name, "space") || !strcmp(name, "lang")
							: listed(attributes, name)) &&
			     (!ns || strcmp(ns, XLINK_NS) || !strcmp(name, "href")) &&
			     (strcmp(name, "href") || (v && v[0] == '#')) &&
			     value_ok(v ? (const char *)v : "");
			xmlFree(v);
			if (!ok)
				return err_set(e, EXIT_DATA, "logo, line %ld: attribute %.40s on <%.40s> "
					       "is not allowed in a logo (event handlers, styles and "
					       "links outside the file are refused)",
					       (long)xmlGetLineNo(n), name, (const char *)n->name);
		}
		if (walk(n->children, e) < 0)
			return -1;
	}
	return 0;
}

int logo_check(const unsigned char *data, size_t len, const char **mime, struct err *e)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	xmlDoc *doc;
	xmlNode *root;
	int rc;

	if (!len)
		return err_set(e, EXIT_DATA, "logo: the file is empty");
	if (len > REPORT_LOGO_MAX)
		return err_set(e, EXIT_DATA, "logo: %zu bytes, more than the %d allowed", len,
			       REPORT_LOGO_MAX);
	if (len >= 24 && !memcmp(data, png, sizeof png)) {
		if (memcmp(data + 12, "IHDR", 4))
			return err_set(e, EXIT_DATA, "logo: a PNG must start with its IHDR header");
		*mime = "image/png";
		return 0;
	}
	/* No DTD at all: entities are how an SVG reaches outside itself or blows up. */
	for (size_t i = 0; i + 2 <= len; i++)
		if (data[i] == '<' && data[i + 1] == '!' &&
		    !(i + 4 <= len && !memcmp(data + i, "<!--", 4)) &&
		    !(i + 9 <= len && !memcmp(data + i, "<![CDATA[", 9)))
			return err_set(e, EXIT_DATA, "logo: an SVG with a DOCTYPE or entities is "
				       "refused");
	if (len > (size_t)1 << 30)
		return err_set(e, EXIT_DATA, "logo: too big");
	/*
	 * UTF-8 only, whatever the file declares: a browser that does not know a
	 * declared encoding (UTF-7, say) reads the bytes as UTF-8, and markup that
	 * libxml2 decoded as a comment or text would then be live.
	 */
	if (!utf8_check((const char *)data, len, NULL))
		return err_set(e, EXIT_DATA, "logo: an SVG must be written in UTF-8");
	doc = xmlReadMemory((const char *)data, (int)len, "logo.svg", "UTF-8",
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			    XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC);
	if (!doc)
		return err_set(e, EXIT_DATA, "logo: neither a PNG nor a well-formed SVG");
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || doc->extSubset || !root || strcmp((const char *)root->name, "svg") ||
	    !root->ns || strcmp((const char *)root->ns->href, SVG_NS)) {
		xmlFreeDoc(doc);
		return err_set(e, EXIT_DATA, "logo: neither a PNG nor an SVG (the root must be "
			       "<svg> in the SVG namespace)");
	}
	rc = walk(root, e);
	/* Nothing may stand beside the root: processing instructions are refused too. */
	for (xmlNode *n = doc->children; rc == 0 && n; n = n->next)
		if (n != root && n->type != XML_COMMENT_NODE)
			rc = err_set(e, EXIT_DATA, "logo: an SVG may hold nothing outside <svg>");
	xmlFreeDoc(doc);
	if (rc < 0)
		return -1;
	*mime = "image/svg+xml";
	return 0;
}
