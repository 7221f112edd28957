/*
 * source_xform.c: ODK / KoBo / Enketo XForm submissions as a source.
 *
 * A submission instance is one XML document, its root the form's instance
 * root (<data id="...">). Each instance file is one record. Its fields are
 * the leaf elements below the root, named by their path relative to the
 * root ("some_group/yet_another_string", "meta/instanceID"), namespace
 * prefixes ignored, so ODK Aggregate/Briefcase instances
 * (xmlns="http://opendatakit.org/submissions", n0:meta) and plain ones read
 * the same; the root's attributes come first as "@name" ("@instanceID",
 * "@submissionDate", "@id", ...), and "meta/instanceID" is given the root's
 * instanceID when the instance has none, so a mapping can always use it.
 * Values are trimmed; select_multiple answers stay space-separated. With the
 * form definition, every field of the form is given ("" when the instance
 * lacks it), in the form's order, then any other leaves of the instance.
 *
 * Repeat groups are refused per record: one survey response must be one
 * record. A group the options list in `repeat_each` is given instead, each
 * of its fields once per repeat, under the same name, in document order. Instances are parsed one at a time, so memory does not grow with
 * the number of files in a folder.
 */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "strbuf.h"
#include "trim.h"
#include "utf8.h"
#include "xmlsafe.h"

#define RAW_MAX 4096		/* bytes of an instance kept as the record's raw text */
#define SNIFF_LEN 8192		/* bytes read to see a folder file's root element */

struct strvec {
	char **v;
	size_t n, cap;
};

/* What the form definition says about its primary instance. */
struct form {
	char *root;		/* the instance root's name (no prefix) */
	char *id;		/* its id attribute, or NULL */
	struct strvec fields;	/* leaf paths outside repeats, in form order */
	struct strvec repeats;	/* paths of repeat groups */
};

/* One leaf of an instance, while a record is put together. */
struct leaf {
	char *path;
	char *value;
	size_t pos;		/* document order */
	int used;
};

struct xform {
	char *path;		/* as given, for messages */
	int folder;
	struct strvec files;	/* instance files, in reading order */
	size_t next_file;
	long nrec;
	int have_form;
	struct form form;
	const char *const *repeat_each; /* groups flattened: see source.h */
	size_t nrepeat_each;

	/* The current record. */
	struct strvec names, values;
	struct leaf *leaves;
	size_t nleaves, leafcap;
	char *raw;
};

static void strvec_clear(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	sv->n = 0;
}

static void strvec_free(struct strvec *sv)
{
	strvec_clear(sv);
	free(sv->v);
	sv->v = NULL;
	sv->cap = 0;
}

/* Appends `s`, which the vector now owns (freed here on failure). 0 or -1. */
static int strvec_take(struct strvec *sv, char *s)
{
	if (!s)
		return -1;
	if (ALLOC_GROW(sv->v, sv->n + 1, sv->cap) < 0) {
		free(s);
		return -1;
	}
	sv->v[sv->n++] = s;
	return 0;
}

static int strvec_has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

/* "prefix/name", or a copy of name when prefix is empty; NULL when out of memory. */
static char *join_path(const char *prefix, const char *name)
{
	size_t a = prefix ? strlen(prefix) : 0, b = strlen(name);
	char *s = malloc(a + b + 2);

	if (!s)
		return NULL;
	if (a) {
		memcpy(s, prefix, a);
		s[a++] = '/';
	}
	memcpy(s + a, name, b + 1);
	return s;
}

static int has_element_children(xmlNodePtr node)
{
	return xmlsafe_first(node) != NULL;
}

static const char *name_of(xmlNodePtr node)
{
	return (const char *)node->name;
}

/* The first child element with local name `name`, any namespace. */
static xmlNodePtr child_named(xmlNodePtr node, const char *name)
{
	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c))
		if (strcmp(name_of(c), name) == 0)
			return c;
	return NULL;
}

/* True when the document root is an XForm definition: html with head/model. */
static int is_form_definition(xmlNodePtr root)
{
	xmlNodePtr head;

	if (!root || strcmp(name_of(root), "html") != 0)
		return 0;
	head = child_named(root, "head");
	return head && child_named(head, "model");
}

/* True when the element carries a template attribute (jr:template), any namespace. */
static int is_template(xmlNodePtr node)
{
	for (xmlAttrPtr a = node->properties; a; a = a->next)
		if (strcmp((const char *)a->name, "template") == 0)
			return 1;
	return 0;
}

/* ---- The form definition ---- */

static void form_free(struct form *f)
{
	free(f->root);
	free(f->id);
	strvec_free(&f->fields);
	strvec_free(&f->repeats);
	memset(f, 0, sizeof *f);
}

/* The fields of the form's instance below `node`; repeats with jr:template noted. */
static int form_walk_instance(struct form *f, xmlNodePtr node, const char *prefix)
{
	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c)) {
		char *path = join_path(prefix, name_of(c));
		int rc;

		if (!path)
			return -1;
		if (is_template(c)) {
			if (strvec_take(&f->repeats, path) < 0)
				return -1;
			continue;
		}
		if (!has_element_children(c)) {
			if (strvec_take(&f->fields, path) < 0)
				return -1;
			continue;
		}
		rc = form_walk_instance(f, c, path);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*
 * A body reference as a path relative to the instance root: "/data/a/b" is
 * "a/b"; a relative "b" inside a group whose path is "a" is "a/b". NULL
 * when out of memory or when it is not below the root.
 */
static char *resolve_ref(const struct form *f, const char *ctx, const char *ref)
{
	size_t n = strlen(f->root);
	char *out;

	if (ref[0] != '/')
		return join_path(ctx, ref);
	ref++;
	if (strncmp(ref, f->root, n) != 0 || ref[n] != '/')
		return NULL;
	out = strdup(ref + n + 1);
	if (out) {
		size_t len = strlen(out);

		while (len && out[len - 1] == '/')
			out[--len] = '\0';
	}
	return out;
}

/* The <repeat nodeset="..."> elements of the body, under groups with refs. */
static int form_walk_body(struct form *f, xmlNodePtr node, const char *ctx)
{
	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c)) {
		int repeat = strcmp(name_of(c), "repeat") == 0;
		int group = strcmp(name_of(c), "group") == 0;
		char *ref = NULL, *path = NULL;
		int rc;

		if (repeat || group) {
			ref = xmlsafe_attr(c, repeat ? "nodeset" : "ref");
			if (!ref && repeat)
				ref = xmlsafe_attr(c, "ref");
		}
		if (ref) {
			char *t = trim_dup(ref);

			xmlFree(ref);
			if (!t)
				return -1;
			path = t[0] ? resolve_ref(f, ctx, t) : NULL;
			free(t);
		}
		if (repeat && path && !strvec_has(&f->repeats, path)) {
			char *copy = strdup(path);

			if (strvec_take(&f->repeats, copy) < 0) {
				free(path);
				return -1;
			}
		}
		rc = form_walk_body(f, c, path ? path : ctx);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* True when `path` is `repeat` or below it. */
static int under(const char *path, const char *repeat)
{
	size_t n = strlen(repeat);

	return strncmp(path, repeat, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Drops the fields that lie inside a repeat (a repeat without jr:template). */
static void form_drop_repeated(struct form *f)
{
	size_t j = 0;

	for (size_t i = 0; i < f->fields.n; i++) {
		int in = 0;

		for (size_t r = 0; r < f->repeats.n && !in; r++)
			in = under(f->fields.v[i], f->repeats.v[r]);
		if (in)
			free(f->fields.v[i]);
		else
			f->fields.v[j++] = f->fields.v[i];
	}
	f->fields.n = j;
}

/* The primary instance: the first <instance> in the model without an id. */
static xmlNodePtr primary_instance(xmlNodePtr model)
{
	xmlNodePtr first = NULL;

	for (xmlNodePtr c = xmlsafe_first(model); c; c = xmlsafe_next(c)) {
		char *id;

		if (strcmp(name_of(c), "instance") != 0)
			continue;
		if (!first)
			first = c;
		id = xmlsafe_attr(c, "id");
		xmlFree(id);
		if (!id)
			return c;
	}
	return first;
}

static int form_read(const char *path, struct form *f, struct err *e)
{
	xmlDocPtr doc = xmlsafe_read(path, e);
	xmlNodePtr root, head, model, inst, top, body;
	int rc = -1, said = e ? e->nlines : 0;

	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	head = is_form_definition(root) ? child_named(root, "head") : NULL;
	model = head ? child_named(head, "model") : NULL;
	inst = model ? primary_instance(model) : NULL;
	top = inst ? xmlsafe_first(inst) : NULL;
	body = child_named(root, "body");
	if (!top) {
		err_set(e, EXIT_DATA,
			"%s is not an XForm definition: it has no <h:html><h:head><model><instance>",
			path);
		goto out;
	}
	if (!(f->root = strdup(name_of(top))))
		goto out;
	if ((f->id = xmlsafe_attr(top, "id"))) {
		char *id = trim_dup(f->id);

		xmlFree(f->id);
		if (!(f->id = id))
			goto out;
	}
	if (form_walk_instance(f, top, NULL) < 0 || (body && form_walk_body(f, body, NULL) < 0))
		goto out;
	form_drop_repeated(f);
	rc = 0;
out:
	if (rc < 0 && e && e->nlines == said)
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
	xmlFreeDoc(doc);
	return rc;
}

/* ---- Listing a folder ---- */

static int ends_with_xml(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcasecmp(name + n - 4, ".xml") == 0;
}

/*
 * The local name of the first element of the file, from its first bytes,
 * into out (size n); "" when it cannot tell.
 */
static void sniff_root(const char *path, char *out, size_t n)
{
	char buf[SNIFF_LEN + 1];
	const char *p = buf, *end;
	size_t len;
	struct stat sb;
	struct err quiet;
	ssize_t got;
	int fd;

	out[0] = '\0';
	err_init(&quiet);
	if ((fd = file_open_input(path, 0, &sb, &quiet)) < 0)
		return;
	got = read(fd, buf, SNIFF_LEN);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	end = buf + got;
	if (got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	for (;;) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p >= end || *p != '<')
			return;
		if (p[1] == '?')
			q = strstr(p, "?>");
		else if (strncmp(p, "<!--", 4) == 0)
			q = strstr(p, "-->");
		else
			break;
		if (!q)
			return;
		p = q + 2;
	}
	p++;
	for (len = 0; p + len < end && !strchr(" \t\r\n/>", p[len]); len++)
		;
	if (memchr(p, ':', len)) {
		const char *colon = memchr(p, ':', len);

		len -= (size_t)(colon + 1 - p);
		p = colon + 1;
	}
	if (len < n) {
		memcpy(out, p, len);
		out[len] = '\0';
	}
}

/* True when the file at path is the form definition (by name, then by content). */
static int is_form_file(const char *path, const struct stat *form_st)
{
	struct stat st;
	char root[16];
	struct err tmp;
	xmlDocPtr doc;
	int yes;

	if (form_st && stat(path, &st) == 0 && st.st_dev == form_st->st_dev &&
	    st.st_ino == form_st->st_ino)
		return 1;
	sniff_root(path, root, sizeof root);
	if (strcmp(root, "html") != 0)
		return 0;
	err_init(&tmp);
	doc = xmlsafe_read(path, &tmp);
	yes = doc && is_form_definition(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return yes;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.xml files directly in a subfolder (instances/uuid.xml, as Kobo and
 * ODK Central lay them out), sorted, without the form definition.
 */
static int list_subfolder(struct xform *x, const char *dir, const struct stat *form_st,
			  struct err *e)
{
	struct strvec names = { 0 };
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = -1;

	if (!d)
		return err_set(e, EXIT_SYSTEM, "cannot open %s: %s", dir, strerror(errno));
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (de->d_name[0] == '.' || !ends_with_xml(de->d_name))
			continue;
		if (strvec_take(&names, strdup(de->d_name)) < 0)
			goto out;
	}
	if (errno) {
		err_set(e, EXIT_SYSTEM, "cannot read the folder %s: %s", dir, strerror(errno));
		goto out;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *full = join_path(dir, names.v[i]);
		struct stat st;

		if (!full)
			goto out;
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode) || is_form_file(full, form_st)) {
			free(full);
			continue;
		}
		if (strvec_take(&x->files, full) < 0)
			goto out;
	}
	rc = 0;
out:
	closedir(d);
	strvec_free(&names);
	return rc;
}

/*
 * The instance files of a folder: its *.xml files, its subfolders'
 * submission.xml (ODK Briefcase), or else their *.xml files (Kobo, ODK
 * Central), sorted by entry name, without the form definition.
 */
static int list_folder(struct xform *x, const char *form_path, struct err *e)
{
	struct strvec entries = { 0 };
	struct stat form_st;
	int have_form_st = form_path && stat(form_path, &form_st) == 0;
	DIR *d = opendir(x->path);
	struct dirent *de;
	int rc = -1, said = e ? e->nlines : 0;

	if (!d)
		return err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM, "cannot open %s: %s",
			       x->path, strerror(errno));
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (de->d_name[0] == '.')
			continue;
		if (strvec_take(&entries, strdup(de->d_name)) < 0)
			goto out;
	}
	if (errno) {
		err_set(e, EXIT_SYSTEM, "cannot read the folder %s: %s", x->path, strerror(errno));
		goto out;
	}
	if (entries.n)
		qsort(entries.v, entries.n, sizeof *entries.v, cmp_str);
	for (size_t i = 0; i < entries.n; i++) {
		char *full = join_path(x->path, entries.v[i]);
		struct stat st;

		if (!full)
			goto out;
		if (stat(full, &st) != 0) {
			free(full);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			char *sub = join_path(full, "submission.xml");

			if (!sub) {
				free(full);
				goto out;
			}
			if (stat(sub, &st) != 0 || !S_ISREG(st.st_mode)) {
				/* Kobo and ODK Central: instances/<name>.xml */
				free(sub);
				if (list_subfolder(x, full, have_form_st ? &form_st : NULL, e) < 0) {
					free(full);
					goto out;
				}
				free(full);
				continue;
			}
			free(full);
			full = sub;
		} else if (!S_ISREG(st.st_mode) || !ends_with_xml(entries.v[i])) {
			free(full);
			continue;
		}
		if (is_form_file(full, have_form_st ? &form_st : NULL)) {
			free(full);
			continue;
		}
		if (strvec_take(&x->files, full) < 0)
			goto out;
	}
	if (!x->files.n) {
		err_set(e, EXIT_DATA, "%s has no XML submissions", x->path);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0 && e && e->nlines == said)
		err_set(e, EXIT_SYSTEM, "out of memory listing %s", x->path);
	strvec_free(&entries);
	closedir(d);
	return rc;
}

/* ---- Records ---- */

static void record_clear(struct xform *x)
{
	strvec_clear(&x->names);
	strvec_clear(&x->values);
	for (size_t i = 0; i < x->nleaves; i++) {
		free(x->leaves[i].path);
		free(x->leaves[i].value);
	}
	x->nleaves = 0;
	free(x->raw);
	x->raw = NULL;
}

/* Adds a field (both strings owned by the record now). 0 or -1. */
static int add_field(struct xform *x, char *name, char *value)
{
	if (!name || !value) {
		free(name);
		free(value);
		return -1;
	}
	if (strvec_take(&x->names, name) < 0) {
		free(value);
		return -1;
	}
	if (strvec_take(&x->values, value) < 0) {
		free(x->names.v[--x->names.n]);
		return -1;
	}
	return 0;
}

static int add_leaf(struct xform *x, char *path, char *value)
{
	if (!path || !value) {
		free(path);
		free(value);
		return -1;
	}
	if (ALLOC_GROW(x->leaves, x->nleaves + 1, x->leafcap) < 0) {
		free(path);
		free(value);
		return -1;
	}
	x->leaves[x->nleaves] = (struct leaf){ path, value, x->nleaves, 0 };
	x->nleaves++;
	return 0;
}

struct named {
	const char *name;
	xmlNodePtr node;
	size_t pos;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The first child element (in document order) whose name another child
 * shares, or NULL; *oom set when out of memory.
 */
static int flattened(const struct xform *x, const char *prefix, const char *name);

static xmlNodePtr first_duplicate(const struct xform *x, xmlNodePtr node, const char *prefix,
				  int *oom)
{
	struct named *v = NULL;
	size_t n = 0, cap = 0, best = (size_t)-1;
	xmlNodePtr found = NULL;

	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c)) {
		if (flattened(x, prefix, name_of(c)))
			continue; /* its repeats are given, each in turn */
		if (ALLOC_GROW(v, n + 1, cap) < 0) {
			*oom = 1;
			free(v);
			return NULL;
		}
		v[n] = (struct named){ name_of(c), c, n };
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_named);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1].name, v[i].name) == 0 && v[i - 1].pos < best) {
			best = v[i - 1].pos;
			found = v[i - 1].node;
		}
	free(v);
	return found;
}

/* True when `prefix`/`name` is a repeat group whose repeats are all given. */
static int flattened(const struct xform *x, const char *prefix, const char *name)
{
	size_t n = prefix ? strlen(prefix) : 0;

	for (size_t i = 0; i < x->nrepeat_each; i++) {
		const char *g = x->repeat_each[i];

		if (n ? !strncmp(g, prefix, n) && g[n] == '/' && !strcmp(g + n + 1, name)
		      : !strcmp(g, name))
			return 1;
	}
	return 0;
}

enum walk { WALK_OK = 0, WALK_OOM = -1, WALK_BAD = -2 };

/*
 * Collects the leaves below `node` into x->leaves; a repeat group or a
 * field given twice is WALK_BAD with the message in `bad`.
 */
static enum walk walk_instance(struct xform *x, xmlNodePtr node, const char *prefix,
			       char *bad, size_t badlen)
{
	int oom = 0;
	xmlNodePtr dup = first_duplicate(x, node, prefix, &oom);

	if (oom)
		return WALK_OOM;
	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c)) {
		char *path = join_path(prefix, name_of(c));
		int group = has_element_children(c);
		enum walk rc;

		if (!path)
			return WALK_OOM;
		if (((x->have_form && strvec_has(&x->form.repeats, path)) ||
		     (dup && c == dup && group)) && !flattened(x, prefix, name_of(c))) {
			snprintf(bad, badlen,
				 "repeat group '%s' is not supported: export one row per "
				 "repeat, or store one answer per repeat with <repeat "
				 "group=\"%s\" mode=\"each\"/> in the mapping", path, path);
			free(path);
			return WALK_BAD;
		}
		if (dup && c == dup) {
			snprintf(bad, badlen, "field '%s' occurs more than once", path);
			free(path);
			return WALK_BAD;
		}
		if (group) {
			rc = walk_instance(x, c, path, bad, badlen);
			free(path);
			if (rc != WALK_OK)
				return rc;
			continue;
		}
		if (add_leaf(x, path, xmlsafe_text(c)) < 0)
			return WALK_OOM;
	}
	return WALK_OK;
}

static int cmp_leaf(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int cmp_leaf_pos(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *field_value(const struct xform *x, const char *name)
{
	for (size_t i = 0; i < x->names.n; i++)
		if (strcmp(x->names.v[i], name) == 0)
			return x->values.v[i];
	return NULL;
}

/* Fields from the leaves: the form's in its order, then the others. 0 or -1 (memory). */
static int emit_leaves(struct xform *x)
{
	if (x->have_form && x->nleaves > 1)
		qsort(x->leaves, x->nleaves, sizeof *x->leaves, cmp_leaf);
	for (size_t i = 0; x->have_form && i < x->form.fields.n; i++) {
		struct leaf key = { x->form.fields.v[i], NULL, 0, 0 };
		struct leaf *l = x->nleaves ? bsearch(&key, x->leaves, x->nleaves,
						      sizeof *x->leaves, cmp_leaf) : NULL;

		if (l)
			l->used = 1;
		if (add_field(x, strdup(key.path), strdup(l ? l->value : "")) < 0)
			return -1;
	}
	if (x->have_form && x->nleaves > 1)
		qsort(x->leaves, x->nleaves, sizeof *x->leaves, cmp_leaf_pos);
	for (size_t i = 0; i < x->nleaves; i++) {
		if (x->leaves[i].used)
			continue;
		if (add_field(x, x->leaves[i].path, x->leaves[i].value) < 0) {
			x->leaves[i].path = x->leaves[i].value = NULL;
			return -1;
		}
		x->leaves[i].path = x->leaves[i].value = NULL;
	}
	return 0;
}

/* "meta/instanceID" from "@instanceID" when the instance has none. */
static int add_instance_id(struct xform *x)
{
	const char *attr = field_value(x, "@instanceID");

	if (!attr || !attr[0])
		return 0;
	for (size_t i = 0; i < x->names.n; i++) {
		char *v;

		if (strcmp(x->names.v[i], "meta/instanceID") != 0)
			continue;
		if (x->values.v[i][0])
			return 0;
		if (!(v = strdup(attr)))
			return -1;
		free(x->values.v[i]);
		x->values.v[i] = v;
		return 0;
	}
	return add_field(x, strdup("meta/instanceID"), strdup(attr));
}

/*
 * The record of a parsed instance: SOURCE_RECORD, or SOURCE_BAD with the
 * problem in `bad`, or SOURCE_FATAL when out of memory.
 */
static int build_record(struct xform *x, xmlNodePtr root, char *bad, size_t badlen)
{
	enum walk w;

	/*
	 * The form an instance is of is the id it declares: Kobo's exports name
	 * the root differently from the form's instance (<transportation> for
	 * transportation_2011_07_25) with the same id. Only when either has no
	 * id does the root's name decide.
	 */
	if (x->have_form) {
		char *id = x->form.id ? xmlsafe_attr(root, "id") : NULL;
		char *t = id ? trim_dup(id) : NULL;
		int differ = 0;

		if (id && !t) {
			xmlFree(id);
			return SOURCE_FATAL;
		}
		if (t && *t && strcmp(t, x->form.id) != 0) {
			snprintf(bad, badlen, "the instance is of form '%.100s', the form definition "
				 "is '%.100s'", t, x->form.id);
			differ = 1;
		} else if (!(t && *t) && strcmp(name_of(root), x->form.root) != 0) {
			snprintf(bad, badlen, "the instance root is '%.100s', the form's is '%.100s'",
				 name_of(root), x->form.root);
			differ = 1;
		}
		xmlFree(id);
		free(t);
		if (differ)
			return SOURCE_BAD;
	}
	for (xmlAttrPtr a = root->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(root->doc, a->children, 1);
		char *name = malloc(strlen((const char *)a->name) + 2);
		int rc;

		if (name) {
			name[0] = '@';
			strcpy(name + 1, (const char *)a->name);
		}
		rc = add_field(x, name, trim_dup(v ? (const char *)v : ""));
		xmlFree(v);
		if (rc < 0)
			return SOURCE_FATAL;
	}
	w = walk_instance(x, root, NULL, bad, badlen);
	if (w == WALK_BAD)
		return SOURCE_BAD;
	if (w == WALK_OOM || emit_leaves(x) < 0 || add_instance_id(x) < 0)
		return SOURCE_FATAL;
	return SOURCE_RECORD;
}

/*
 * True when the instance is an ODK encrypted submission: the envelope
 * (<data encrypted="yes">, with base64EncryptedKey and encryptedXmlFile)
 * that holds the answers in an encrypted file beside it.
 */
static int is_encrypted(xmlNodePtr root)
{
	char *enc = xmlsafe_attr(root, "encrypted");
	char *t = enc ? trim_dup(enc) : NULL;
	int yes = t && !strcasecmp(t, "yes");

	xmlFree(enc);
	free(t);
	return yes || child_named(root, "base64EncryptedKey") ||
	       child_named(root, "encryptedXmlFile");
}

/* Copies the first line of `from` into `e` (an xmlsafe or file message). */
static void pass_first(struct err *e, const struct err *from, enum exit_code code)
{
	err_set(e, code, "%s", err_first(from));
}

static int xform_next(void *state, struct source_record *rec, struct err *e)
{
	struct xform *x = state;
	const char *file;
	char *buf = NULL;
	size_t len;
	xmlDocPtr doc = NULL;
	struct err tmp;
	char bad[ERR_LINE_LEN - 64];
	int rc;

	record_clear(x);
	memset(rec, 0, sizeof *rec);
	rec->place_word = "record";
	for (;;) {
		if (x->next_file >= x->files.n)
			return SOURCE_EOF;
		file = x->files.v[x->next_file++];
		rec->place = x->nrec + 1;
		rec->file = file;
		err_init(&tmp);
		if (file_read_all(file, XMLSAFE_MAX_FILE, &buf, &len, &tmp) < 0) {
			x->nrec++;
			pass_first(e, &tmp, tmp.code == EXIT_SYSTEM ? EXIT_SYSTEM : EXIT_DATA);
			return x->folder ? SOURCE_BAD : SOURCE_FATAL;
		}
		doc = xmlsafe_parse(buf, len, file, &tmp);
		if (doc && x->folder && is_form_definition(xmlDocGetRootElement(doc))) {
			/* A form definition that was not recognised when listing. */
			xmlFreeDoc(doc);
			free(buf);
			buf = NULL;
			continue;
		}
		break;
	}
	x->nrec++;
	len = utf8_prefix(buf, len, RAW_MAX);
	x->raw = strndup(buf, len);
	free(buf);
	if (!x->raw) {
		xmlFreeDoc(doc);
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", file);
		return SOURCE_FATAL;
	}
	rec->raw = x->raw;
	rec->raw_len = len;
	if (!doc) {
		pass_first(e, &tmp, EXIT_DATA);
		return x->folder ? SOURCE_BAD : SOURCE_FATAL;
	}
	if (!x->folder && is_form_definition(xmlDocGetRootElement(doc))) {
		xmlFreeDoc(doc);
		err_set(e, EXIT_DATA, "%s is an XForm definition, not a submission: give it as the "
			"form and the submissions as the input", file);
		return SOURCE_FATAL;
	}
	if (is_encrypted(xmlDocGetRootElement(doc))) {
		/* Its answers are not in it: stored, it would be an empty response. */
		xmlFreeDoc(doc);
		err_set(e, EXIT_DATA, "%s: record %ld is encrypted: decrypt it with ODK Briefcase "
			"or Central first", file, rec->place);
		return SOURCE_BAD;
	}
	bad[0] = '\0';
	rc = build_record(x, xmlDocGetRootElement(doc), bad, sizeof bad);
	xmlFreeDoc(doc);
	if (rc == SOURCE_BAD) {
		err_set(e, EXIT_DATA, "%s: record %ld: %s", file, rec->place, bad);
		return SOURCE_BAD;
	}
	if (rc == SOURCE_FATAL) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", file);
		return SOURCE_FATAL;
	}
	rec->nfields = x->names.n;
	rec->names = (const char *const *)x->names.v;
	rec->values = (const char *const *)x->values.v;
	return SOURCE_RECORD;
}

static void xform_free(void *state)
{
	struct xform *x = state;

	if (!x)
		return;
	record_clear(x);
	strvec_free(&x->names);
	strvec_free(&x->values);
	free(x->leaves);
	strvec_free(&x->files);
	form_free(&x->form);
	free(x->path);
	free(x);
}

static const struct source_ops xform_ops = { xform_next, xform_free, NULL };

/*
 * Opens XForm submissions: `path` is one instance file, or a folder whose
 * .xml files and whose subfolders' submission.xml files (ODK Briefcase) are
 * the records, in name order, the form definition among them skipped. opt->form_path,
 * when given, is the XForm definition: it fixes the field list and says
 * which groups are repeats.
 *
 * Returns 0 with *src ready (free it with source_free()), or -1 with `e`
 * set: a missing path is EXIT_USAGE "cannot open PATH: ...", a folder
 * without submissions or a form that is not an XForm is EXIT_DATA.
 * Records: SOURCE_BAD for a malformed instance in a folder, a repeat group,
 * a root that is not the form's, an encrypted submission; a malformed single
 * file is SOURCE_FATAL.
 */
int source_xform_open(const char *path, const struct source_options *opt, struct source *src,
		      struct err *e)
{
	struct xform *x;
	struct stat st;

	memset(src, 0, sizeof *src);
	if (stat(path, &st) != 0)
		return err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM, "cannot open %s: %s",
			       path, strerror(errno));
	if (!(x = calloc(1, sizeof *x)) || !(x->path = strdup(path))) {
		free(x);
		return err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
	}
	if (opt) {
		x->repeat_each = opt->repeat_each;
		x->nrepeat_each = opt->nrepeat_each;
	}
	if (opt && opt->form_path) {
		if (form_read(opt->form_path, &x->form, e) < 0)
			goto fail;
		x->have_form = 1;
	}
	if (S_ISDIR(st.st_mode)) {
		x->folder = 1;
		if (list_folder(x, opt ? opt->form_path : NULL, e) < 0)
			goto fail;
	} else if (strvec_take(&x->files, strdup(path)) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
		goto fail;
	}
	src->ops = &xform_ops;
	src->state = x;
	src->format = "xform";
	return 0;
fail:
	xform_free(x);
	return -1;
}
