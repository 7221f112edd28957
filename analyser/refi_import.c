/*
 * refi_import.c: a REFI-QDA codebook read into a rule set with no patterns
 * (analyser rules from-codebook). The codebook comes from another tool, so
 * it is read as untrusted XML (xmlsafe), and each problem is said with its
 * line. What is written is a rules file the analyst completes: one theme a
 * code, in the codebook's order, sub-codes under their parents.
 */
#include "refi_internal.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "strbuf.h"
#include "xmlsafe.h"

#define CODE_MAX 40 /* schema/rules.rng: a code is 1 to 40 characters */

struct cb_theme {
	char *code, *label, *description; /* description may be NULL */
	int parent;                        /* index, -1 at the top */
	long line;
};

struct cb {
	const char *name;
	struct cb_theme *t;
	size_t n, cap;
	struct err *e;
};

static void cb_release(struct cb *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->t[i].code);
		free(c->t[i].label);
		free(c->t[i].description);
	}
	free(c->t);
}

static int is_code_char(char ch, int first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       (!first && (ch == '_' || ch == '.' || ch == '-'));
}

static int is_code(const char *s, size_t n)
{
	if (n < 1 || n > CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_code_char(s[i], i == 0))
			return 0;
	return 1;
}

static int code_taken(const struct cb *c, const char *code)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->t[i].code && !strcmp(c->t[i].code, code))
			return 1;
	return 0;
}

/*
 * A code for a theme: the one Tally exported it with, when its Description
 * carries it and it is free; else the name's letters and digits in upper
 * case, other runs of characters as '-', made unique with "-2", "-3", ...
 */
static char *make_code(const struct cb *c, const char *name, const char *kept)
{
	char base[CODE_MAX + 1], *out;
	size_t n = 0;

	if (kept && is_code(kept, strlen(kept)) && !code_taken(c, kept))
		return strdup(kept);
	for (const char *p = name; *p && n < CODE_MAX - 4; p++) {
		char ch = *p;

		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (is_code_char(ch, 1))
			base[n++] = ch;
		else if (n && base[n - 1] != '-')
			base[n++] = '-';
	}
	while (n && base[n - 1] == '-')
		n--;
	if (!n) {
		memcpy(base, "CODE", 4);
		n = 4;
	}
	base[n] = '\0';
	if (!(out = malloc(CODE_MAX + 1)))
		return NULL;
	snprintf(out, CODE_MAX + 1, "%s", base);
	for (unsigned k = 2; code_taken(c, out); k++)
		snprintf(out, CODE_MAX + 1, "%s-%u", base, k);
	return out;
}

/* The name as one line: white space runs as one space, none at the ends. */
static char *one_line(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	int space = 0;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/*
 * Splits a Description as Tally writes it: the text before the line
 * REFI_CODE_LINE is what the theme covers; the code follows on that line.
 * Without that line the whole text is the description. Both free().
 */
static int split_description(const char *d, char **desc, char **kept)
{
	const char *at = NULL;

	*desc = *kept = NULL;
	for (const char *p = d; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, REFI_CODE_LINE, strlen(REFI_CODE_LINE))) {
			at = p;
			break;
		}
	if (at) {
		const char *c = at + strlen(REFI_CODE_LINE);
		size_t n = strcspn(c, "\r\n");
		size_t dn = (size_t)(at - d);

		while (dn && (d[dn - 1] == '\n' || d[dn - 1] == '\r' || d[dn - 1] == ' '))
			dn--;
		if (!(*kept = strndup(c, n)) || (dn && !(*desc = strndup(d, dn))))
			return -1;
		return 0;
	}
	if (*d && !(*desc = strdup(d)))
		return -1;
	return 0;
}

static int read_code(struct cb *c, xmlNodePtr node, int parent)
{
	struct cb_theme *t;
	char *name = xmlsafe_attr(node, "name"), *label, *desc = NULL, *kept = NULL;
	xmlNodePtr d = xmlsafe_child(node, "Description");
	long line = xmlsafe_line(node);
	int me, rc = 0;

	label = name ? one_line(name) : NULL;
	xmlFree(name);
	if (!label || !*label) {
		int oom = name && !label;

		free(label);
		return oom ? err_set(c->e, EXIT_SYSTEM, "out of memory") :
		       err_set(c->e, EXIT_DATA, "%s:%ld: <Code> has no name: every code needs one",
			       c->name, line);
	}
	if (d) {
		char *text = xmlsafe_text(d);

		rc = !text || split_description(text, &desc, &kept) < 0 ? -1 : 0;
		free(text);
	}
	if (rc < 0 || ALLOC_GROW(c->t, c->n + 1, c->cap) < 0) {
		free(label);
		free(desc);
		free(kept);
		return err_set(c->e, EXIT_SYSTEM, "out of memory");
	}
	t = &c->t[c->n];
	memset(t, 0, sizeof *t);
	t->code = make_code(c, label, kept);
	free(kept);
	t->label = label;
	t->description = desc;
	t->parent = parent;
	t->line = line;
	me = (int)c->n++;
	if (!t->code)
		return err_set(c->e, EXIT_SYSTEM, "out of memory");
	for (xmlNodePtr k = xmlsafe_first(node); k; k = xmlsafe_next(k)) {
		if (xmlsafe_is(k, "Code")) {
			if (read_code(c, k, me) < 0)
				return -1;
		} else if (!xmlsafe_is(k, "Description") && !xmlsafe_is(k, "NoteRef")) {
			return err_set(c->e, EXIT_DATA, "%s:%ld: <%s> inside <Code>: a code holds a "
				       "<Description>, <NoteRef>s and other <Code>s",
				       c->name, xmlsafe_line(k), (const char *)k->name);
		}
	}
	return 0;
}

static int in_ns(xmlNodePtr n, const char *ns)
{
	return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

static int read_codebook(struct cb *c, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), book = root, codes;

	if (!root)
		return err_set(c->e, EXIT_DATA, "%s: no codebook in the file", c->name);
	if (xmlsafe_is(root, "Project") && in_ns(root, REFI_NS_PROJECT)) {
		if (!(book = xmlsafe_child(root, "CodeBook")))
			return err_set(c->e, EXIT_DATA, "%s:%ld: the project has no <CodeBook>",
				       c->name, xmlsafe_line(root));
	} else if (!xmlsafe_is(root, "CodeBook") || !in_ns(root, REFI_NS_CODEBOOK)) {
		return err_set(c->e, EXIT_DATA, "%s:%ld: not a REFI-QDA codebook: the root element "
			       "is <%s>%s, not <CodeBook> in the namespace " REFI_NS_CODEBOOK,
			       c->name, xmlsafe_line(root), (const char *)root->name,
			       xmlsafe_is(root, "CodeBook") ? " in another namespace" : "");
	}
	if (!(codes = xmlsafe_child(book, "Codes")))
		return err_set(c->e, EXIT_DATA, "%s:%ld: <CodeBook> has no <Codes>", c->name,
			       xmlsafe_line(book));
	for (xmlNodePtr k = xmlsafe_first(codes); k; k = xmlsafe_next(k)) {
		if (!xmlsafe_is(k, "Code"))
			return err_set(c->e, EXIT_DATA, "%s:%ld: <%s> inside <Codes>: only <Code> "
				       "belongs there", c->name, xmlsafe_line(k),
				       (const char *)k->name);
		if (read_code(c, k, -1) < 0)
			return -1;
	}
	if (!c->n)
		return err_set(c->e, EXIT_DATA, "%s:%ld: the codebook has no codes", c->name,
			       xmlsafe_line(codes));
	return 0;
}

/* The rules file's text for the themes read. */
static int write_rules(const struct cb *c, const char *exercise, char **out, struct err *e)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	const char *base = strrchr(c->name, '/') ? strrchr(c->name, '/') + 1 : c->name;
	int bad = 0;

	*out = NULL;
	if (!w) {
		xmlBufferFree(buf);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	bad |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	bad |= xmlTextWriterWriteComment(w, BAD_CAST
		" Themes from a REFI-QDA codebook, without patterns yet. Add <include> patterns and "
		"<example>s to each theme (docs/rules-format.md), then check with analyser rules "
		"check; until then, its draft option lists the themes still to do. ") < 0;
	bad |= xmlTextWriterStartElement(w, BAD_CAST "rules") < 0;
	if (exercise)
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "exercise", BAD_CAST exercise) < 0;
	bad |= xmlTextWriterWriteFormatElement(w, BAD_CAST "title", "Themes from the codebook %s",
					       *base ? base : "(unnamed)") < 0;
	for (size_t i = 0; i < c->n && !bad; i++) {
		const struct cb_theme *t = &c->t[i];

		bad |= xmlTextWriterStartElement(w, BAD_CAST "theme") < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "code", BAD_CAST t->code) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "label", BAD_CAST t->label) < 0;
		if (t->parent >= 0)
			bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "parent",
							   BAD_CAST c->t[t->parent].code) < 0;
		if (t->description)
			bad |= xmlTextWriterWriteElement(w, BAD_CAST "description",
							 BAD_CAST t->description) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (!bad && !(*out = strndup((const char *)xmlBufferContent(buf),
				     (size_t)xmlBufferLength(buf))))
		bad = 1;
	xmlBufferFree(buf);
	return bad ? err_set(e, EXIT_SYSTEM, "out of memory writing the rules") : 0;
}

int refi_codebook_parse(const char *buf, size_t len, const char *name, const char *exercise,
			char **rules, size_t *nthemes, struct err *e)
{
	struct cb c = { .name = name, .e = e };
	int before = e->nlines, rc = -1;
	xmlDocPtr doc = xmlsafe_parse(buf, len, name, e);

	*rules = NULL;
	/* The parser recovers from some errors (an undeclared namespace prefix) and
	   still gives a document: any error it reported refuses the file. */
	if (doc && (err_isset(e) || e->nlines > before)) {
		xmlFreeDoc(doc);
		return err_isset(e) ? -1 : err_set(e, EXIT_DATA, "%s: not well-formed XML", name);
	}
	if (!doc)
		return -1;
	if (read_codebook(&c, doc) == 0 && write_rules(&c, exercise, rules, e) == 0) {
		if (nthemes)
			*nthemes = c.n;
		rc = 0;
	}
	xmlFreeDoc(doc);
	cb_release(&c);
	return rc;
}

int refi_codebook_to_rules(const char *in, const char *out, const char *exercise,
			   size_t *nthemes, struct err *e)
{
	char *buf, *rules;
	size_t len;
	int rc;

	if (file_read_all(in, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return -1;
	rc = refi_codebook_parse(buf, len, in, exercise, &rules, nthemes, e);
	free(buf);
	if (rc == 0)
		rc = refi_write_file(out, rules, strlen(rules), e);
	free(rules);
	return rc;
}
