/* crosswalk.c: reading a theme crosswalk file (crosswalk.h). */
#include "crosswalk.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "strbuf.h"
#include "xmlsafe.h"

void crosswalk_free(struct crosswalk *cw)
{
	if (!cw)
		return;
	for (size_t i = 0; i < cw->ncats; i++) {
		free(cw->cats[i].code);
		free(cw->cats[i].label);
		free(cw->cats[i].theme);
		for (size_t j = 0; j < cw->cats[i].nthemes; j++)
			free(cw->cats[i].themes[j]);
		free(cw->cats[i].themes);
	}
	free(cw->cats);
	free(cw->path);
	free(cw->recipient);
	free(cw->title);
	free(cw->h_table);
	free(cw->h_code);
	free(cw->h_label);
	free(cw->h_any);
	free(cw->h_respondents);
	free(cw);
}

/* An attribute's value as a malloc'd string, or a copy of `dflt` when absent. */
static char *attr_or(xmlNodePtr n, const char *name, const char *dflt, int *oom)
{
	char *v = n ? xmlsafe_attr(n, name) : NULL;
	char *out = v ? strdup(v) : dflt ? strdup(dflt) : NULL;

	if (v)
		xmlFree(v);
	if ((v || dflt) && !out)
		*oom = 1;
	return out;
}

static int set_headings(struct crosswalk *cw, xmlNodePtr h)
{
	int oom = 0;

	cw->h_table = attr_or(h, "table", "Theme by", &oom);
	cw->h_code = attr_or(h, "code", "Theme code", &oom);
	cw->h_label = attr_or(h, "label", "Theme", &oom);
	cw->h_any = attr_or(h, "any", "Any theme", &oom);
	cw->h_respondents = attr_or(h, "respondents", "Respondents", &oom);
	return oom ? -1 : 0;
}

struct crosswalk *crosswalk_default(struct err *e)
{
	struct crosswalk *cw = calloc(1, sizeof *cw);

	if (!cw || !(cw->path = strdup("(built in)")) || !(cw->recipient = strdup("Healthwatch")) ||
	    set_headings(cw, NULL) < 0) {
		crosswalk_free(cw);
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	return cw;
}

/* The category's theme attribute cut at its spaces into k->themes. 0, or -1 out of memory. */
static int split_themes(const char *path, struct crosswalk_category *k, struct err *e)
{
	const char *p = k->theme;
	size_t cap = 0;

	while (*p) {
		size_t n;
		char *t;

		p += strspn(p, " \t\r\n");
		if (!(n = strcspn(p, " \t\r\n")))
			break;
		for (size_t j = 0; j < k->nthemes; j++)
			if (strlen(k->themes[j]) == n && !strncmp(k->themes[j], p, n)) {
				err_set(e, EXIT_DATA, "%s:%ld: category '%s' names theme '%s' twice",
					path, k->line, k->code, k->themes[j]);
				n = 0;
				break;
			}
		if (n) {
			if (ALLOC_GROW(k->themes, k->nthemes + 1, cap) < 0 || !(t = strndup(p, n)))
				return -1;
			k->themes[k->nthemes++] = t;
		} else {
			n = strcspn(p, " \t\r\n");
		}
		p += n;
	}
	return 0;
}

struct crosswalk *crosswalk_load(const char *path, struct err *e)
{
	struct crosswalk *cw = NULL;
	char *buf = NULL;
	size_t len = 0, n = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int oom = 0;

	if (file_read_all(path, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return NULL;
	doc = xmlsafe_parse_valid(buf, len, path, "crosswalk.rng", e);
	free(buf);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (!(cw = calloc(1, sizeof *cw)) || !(cw->path = strdup(path)))
		goto oom;
	cw->recipient = attr_or(root, "recipient", NULL, &oom);
	if (xmlsafe_child(root, "title") && !(cw->title = xmlsafe_text(xmlsafe_child(root, "title"))))
		oom = 1;
	if (oom || set_headings(cw, xmlsafe_child(root, "headings")) < 0)
		goto oom;
	/* The schema asks for a character; spaces alone would make an empty title. */
	if (cw->title && !*cw->title)
		err_set(e, EXIT_DATA, "%s:%ld: the title is blank: give the tables a title or leave "
			"<title> out", path, xmlsafe_line(xmlsafe_child(root, "title")));
	for (xmlNodePtr c = xmlsafe_first(root); c; c = xmlsafe_next(c))
		n += xmlsafe_is(c, "category");
	if (n && !(cw->cats = calloc(n, sizeof *cw->cats)))
		goto oom;
	for (xmlNodePtr c = xmlsafe_first(root); c; c = xmlsafe_next(c)) {
		struct crosswalk_category *k;

		if (!xmlsafe_is(c, "category"))
			continue;
		k = &cw->cats[cw->ncats++];
		k->line = xmlsafe_line(c);
		k->code = attr_or(c, "code", NULL, &oom);
		k->label = attr_or(c, "label", NULL, &oom);
		k->theme = attr_or(c, "theme", NULL, &oom);
		if (oom || split_themes(path, k, e) < 0)
			goto oom;
		for (size_t j = 0; j + 1 < cw->ncats; j++)
			if (!strcmp(cw->cats[j].code, k->code))
				err_set(e, EXIT_DATA, "%s:%ld: category '%s' is there twice (first at "
					"line %ld): give each category once", path, k->line, k->code,
					cw->cats[j].line);
	}
	xmlFreeDoc(doc);
	if (err_isset(e)) {
		crosswalk_free(cw);
		return NULL;
	}
	return cw;
oom:
	xmlFreeDoc(doc);
	crosswalk_free(cw);
	err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
	return NULL;
}
