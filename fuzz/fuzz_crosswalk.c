/*
 * fuzz_crosswalk: the crosswalk reader (analyser/crosswalk.c): the safe XML
 * parse, schema/crosswalk.rng and the categories.
 *
 * Any bytes as a crosswalk file. Properties: refused with a message that
 * names the file, or loaded as exactly what the file says, read again by
 * libxml2 on its own: the recipient, the title, each heading (or its
 * default), and the categories in the file's order with their code, label
 * and themes (the attribute as written, and its codes each once in
 * order), nothing else; every code and theme follows the schema's pattern,
 * every label and heading is non-empty, and no code is given twice.
 */
#include <assert.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "crosswalk.h"
#include "fuzz.h"

static void fail(const char *why, const char *what)
{
	fprintf(stderr, "loaded crosswalk: %s (%s)\n", why, what ? what : "(none)");
	abort();
}

static int is_code(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (i && (c == '_' || c == '.' || c == '-'))))
			return 0;
	}
	return 1;
}

/* The attribute as the file says it, or `dflt`; `got` must be the same. */
static void same_attr(xmlNode *n, const char *attr, const char *dflt, const char *got)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
	const char *want = v ? (const char *)v : dflt;

	if (!got || !want || strcmp(want, got) || !*got)
		fail("a value that is not the file's", attr);
	xmlFree(v);
}

static xmlNode *elem(xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (n = elem(n->children); n; n = elem(n->next))
		if (!strcmp((const char *)n->name, name))
			return n;
	return NULL;
}

static void check(const struct crosswalk *cw, const uint8_t *data, size_t size)
{
	xmlDoc *doc = xmlReadMemory((const char *)data, (int)size, "crosswalk.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root, *h, *t;
	size_t k = 0;

	if (!doc)
		fail("a file that libxml2 alone does not read", NULL);
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "crosswalk"))
		fail("a root that is not <crosswalk>", root ? (const char *)root->name : NULL);
	same_attr(root, "recipient", NULL, cw->recipient);
	t = child(root, "title");
	if (!t != !cw->title)
		fail("a title that the file does not have, or none when it has", cw->title);
	if (t && !*cw->title)
		fail("an empty title", NULL);
	h = child(root, "headings");
	same_attr(h, "table", "Theme by", cw->h_table);
	same_attr(h, "code", "Theme code", cw->h_code);
	same_attr(h, "label", "Theme", cw->h_label);
	same_attr(h, "any", "Any theme", cw->h_any);
	same_attr(h, "respondents", "Respondents", cw->h_respondents);
	for (xmlNode *c = elem(root->children); c; c = elem(c->next)) {
		const struct crosswalk_category *cat;

		if (strcmp((const char *)c->name, "category"))
			continue;
		if (k >= cw->ncats)
			fail("a category of the file left out", NULL);
		cat = &cw->cats[k++];
		same_attr(c, "code", NULL, cat->code);
		same_attr(c, "label", NULL, cat->label);
		same_attr(c, "theme", NULL, cat->theme);
		if (!is_code(cat->code) || !cat->nthemes)
			fail("a code against the schema's pattern, or no theme", cat->code);
		{
			/* The attribute's codes, in order, each once. */
			const char *p = cat->theme;
			size_t j = 0;

			for (;;) {
				size_t n;
				int dup = 0;

				p += strspn(p, " \t\r\n");
				if (!(n = strcspn(p, " \t\r\n")))
					break;
				for (size_t q = 0; q < j; q++)
					dup |= strlen(cat->themes[q]) == n && !strncmp(cat->themes[q], p, n);
				if (!dup) {
					if (j >= cat->nthemes || strlen(cat->themes[j]) != n ||
					    strncmp(cat->themes[j], p, n) || !is_code(cat->themes[j]))
						fail("a theme that is not the attribute's", cat->theme);
					j++;
				}
				p += n;
			}
			if (j != cat->nthemes)
				fail("more themes than the attribute has", cat->theme);
		}
		if (cat->line != xmlGetLineNo(c))
			fail("a category's line is not its line in the file", cat->code);
		for (size_t j = 0; j + 1 < k; j++)
			if (!strcmp(cw->cats[j].code, cat->code))
				fail("a category given twice", cat->code);
	}
	if (k != cw->ncats)
		fail("a category that is not in the file", NULL);
	if (!k && !child(root, "all-themes"))
		fail("neither categories nor <all-themes/>", NULL);
	xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_file f;
	struct crosswalk *cw;
	struct err e;

	fuzz_file_make(&f, "crosswalk", data, size);
	err_init(&e);
	cw = crosswalk_load(f.path, &e);
	assert((cw == NULL) == (err_isset(&e) != 0));
	if (!cw) {
		if (e.code == EXIT_DATA && !strstr(err_first(&e), f.path))
			fail("a message that does not name the file", err_first(&e));
	} else {
		if (strcmp(cw->path, f.path))
			fail("another path", cw->path);
		check(cw, data, size);
		crosswalk_free(cw);
	}
	fuzz_file_drop(&f);
	return 0;
}
