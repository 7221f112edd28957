/*
 * mapping.c: reading an import mapping file.
 */
#include "mapping.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mapping_shape.h"
#include "xmlsafe.h"

char *map_attr(struct map_parse *p, xmlNodePtr n, const char *name)
{
	return xmlsafe_attr_dup(n, name, &p->oom);
}

/*
 * One more zeroed element at the end of arr (n elements). Not ALLOC_GROW on
 * purpose: struct mapping's arrays keep no capacity, only a count, and a
 * mapping has tens of entries, so growing by one stays cheap and exact.
 */
void *map_grow(struct map_parse *p, void *arr, size_t n, size_t size)
{
	void *a = realloc(arr, (n + 1) * size);

	if (!a) {
		p->oom = 1;
		return arr;
	}
	memset((char *)a + n * size, 0, size);
	return a;
}

void map_read_values(struct map_parse *p, xmlNodePtr n, struct map_value **out, size_t *count)
{
	for (xmlNodePtr c = xmlsafe_first(n); c; c = xmlsafe_next(c)) {
		struct map_value *v;

		if (!xmlsafe_is(c, "value"))
			continue;
		*out = map_grow(p, *out, *count, sizeof **out);
		if (p->oom)
			return;
		v = &(*out)[(*count)++];
		v->from = map_attr(p, c, "from");
		v->to = map_attr(p, c, "to");
	}
}

static void add_no_answer(struct map_parse *p, char ***list, size_t *n, const char *v, size_t len)
{
	char *s;

	if (!(s = strndup(v, len))) {
		p->oom = 1;
		return;
	}
	*list = map_grow(p, *list, *n, sizeof **list);
	if (p->oom) {
		free(s);
		return;
	}
	(*list)[(*n)++] = s;
}

/* <no-answer value> children of `n`, and its no-answer="a|b" attribute. */
static void read_no_answer(struct map_parse *p, xmlNodePtr n, char ***list, size_t *count)
{
	char *v = map_attr(p, n, "no-answer");

	for (const char *s = v; s && !p->oom;) {
		size_t len = strcspn(s, "|");

		add_no_answer(p, list, count, s, len);
		s = s[len] ? s + len + 1 : NULL;
	}
	free(v);
	for (xmlNodePtr c = xmlsafe_first(n); c && !p->oom; c = xmlsafe_next(c))
		if (xmlsafe_is(c, "no-answer") && (v = map_attr(p, c, "value"))) {
			add_no_answer(p, list, count, v, strlen(v));
			free(v);
		}
}

static void read_fixed(struct map_parse *p, struct mapping *m, xmlNodePtr n)
{
	struct map_question *q;

	m->questions = map_grow(p, m->questions, m->nquestions, sizeof *m->questions);
	if (p->oom)
		return;
	q = &m->questions[m->nquestions++];
	q->code = map_attr(p, n, "question");
	q->fixed = map_attr(p, n, "value");
	q->line = xmlsafe_line(n);
}

static int by_from(const void *a, const void *b)
{
	const struct map_range *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* <range from to to-option> children of a question, sorted by `from`. */
static void read_ranges(struct map_parse *p, struct map_question *q, xmlNodePtr n)
{
	for (xmlNodePtr c = xmlsafe_first(n); c && !p->oom; c = xmlsafe_next(c)) {
		struct map_range *r;
		char *v;

		if (!xmlsafe_is(c, "range"))
			continue;
		q->ranges = map_grow(p, q->ranges, q->nranges, sizeof *q->ranges);
		if (p->oom)
			return;
		r = &q->ranges[q->nranges++];
		r->line = xmlsafe_line(c);
		r->option = map_attr(p, c, "to-option");
		if ((v = map_attr(p, c, "from")))
			r->from = strtod(v, NULL); /* the schema says it is a decimal */
		free(v);
		if ((v = map_attr(p, c, "to")))
			r->to = strtod(v, NULL);
		free(v);
	}
	if (q->nranges > 1)
		qsort(q->ranges, q->nranges, sizeof *q->ranges, by_from);
}

/*
 * A question's ranges: each from <= to, none overlapping, and no gap between
 * two of them. Between whole-number ranges the next starts one above the
 * last (18-24 then 25-34); with a decimal bound it starts above it.
 */
static void check_ranges(struct map_parse *p, const struct map_question *q)
{
	for (size_t i = 0; i < q->nranges; i++) {
		const struct map_range *r = &q->ranges[i], *prev = i ? r - 1 : NULL;
		int whole;

		if (r->from > r->to) {
			err_set(p->e, EXIT_DATA, "%s:%ld: range of question '%s' starts above where "
				"it ends (from must be at most to)", p->name, r->line, q->code);
			continue;
		}
		if (!prev)
			continue;
		whole = prev->to == floor(prev->to) && r->from == floor(r->from);
		if (r->from <= prev->to)
			err_set(p->e, EXIT_DATA, "%s:%ld: range of question '%s' overlaps the range "
				"on line %ld: a number may be in one range only",
				p->name, r->line, q->code, prev->line);
		else if (whole && r->from > prev->to + 1)
			err_set(p->e, EXIT_DATA, "%s:%ld: range of question '%s' leaves a gap after "
				"the range on line %ld: whole numbers between them would be in no range",
				p->name, r->line, q->code, prev->line);
	}
}

const struct map_range *mapping_range_find(const struct map_question *q, double v)
{
	for (size_t i = 0; i < q->nranges; i++)
		if (v >= q->ranges[i].from && v <= q->ranges[i].to)
			return &q->ranges[i];
	return NULL;
}

static void read_question(struct map_parse *p, struct mapping *m, xmlNodePtr n)
{
	struct map_question *q;

	m->questions = map_grow(p, m->questions, m->nquestions, sizeof *m->questions);
	if (p->oom)
		return;
	q = &m->questions[m->nquestions++];
	q->code = map_attr(p, n, "code");
	q->field = map_attr(p, n, "field");
	q->separator = map_attr(p, n, "separator");
	q->line = xmlsafe_line(n);
	map_read_values(p, n, &q->values, &q->nvalues);
	read_no_answer(p, n, &q->no_answer, &q->nno_answer);
	read_ranges(p, q, n);
	for (xmlNodePtr c = xmlsafe_first(n); c; c = xmlsafe_next(c)) {
		struct map_option *o;

		if (!xmlsafe_is(c, "option"))
			continue;
		q->options = map_grow(p, q->options, q->noptions, sizeof *q->options);
		if (p->oom)
			return;
		o = &q->options[q->noptions++];
		o->code = map_attr(p, c, "code");
		o->field = map_attr(p, c, "field");
		o->line = xmlsafe_line(c);
	}
}

static void read_mapping(struct map_parse *p, struct mapping *m, xmlNodePtr root)
{
	char *v;

	m->line = xmlsafe_line(root);
	m->exercise = map_attr(p, root, "exercise");
	m->form = map_attr(p, root, "form");
	m->channel = map_attr(p, root, "channel");
	m->format = map_attr(p, root, "format");
	m->sheet = map_attr(p, root, "sheet");
	m->dates = map_attr(p, root, "dates");
	m->header_rows = 1;
	if ((v = map_attr(p, root, "header-rows"))) {
		m->header_rows = atoi(v);
		free(v);
	}
	m->separator = ',';
	if ((v = map_attr(p, root, "separator"))) {
		m->separator = v[0];
		free(v);
	}
	for (xmlNodePtr c = xmlsafe_first(root); c; c = xmlsafe_next(c)) {
		if (xmlsafe_is(c, "response-id")) {
			m->id_field = map_attr(p, c, "field");
			m->id_prefix = map_attr(p, c, "prefix");
			if ((v = map_attr(p, c, "required"))) {
				m->id_required = !strcmp(v, "true") || !strcmp(v, "1");
				free(v);
			}
		} else if (xmlsafe_is(c, "submitted")) {
			m->submitted_field = map_attr(p, c, "field");
			if ((v = map_attr(p, c, "outside"))) {
				m->reject_outside = !strcmp(v, "reject");
				free(v);
			}
		} else if (xmlsafe_is(c, "postcode")) {
			m->postcode_field = map_attr(p, c, "field");
		} else if (xmlsafe_is(c, "district")) {
			m->district_field = map_attr(p, c, "field");
			map_read_values(p, c, &m->district_values, &m->ndistrict_values);
		} else if (xmlsafe_is(c, "event")) {
			m->event_field = map_attr(p, c, "field");
		} else if (xmlsafe_is(c, "officer")) {
			m->officer_field = map_attr(p, c, "field");
		} else if (xmlsafe_is(c, "serial")) {
			m->serial_field = map_attr(p, c, "field");
		} else if (xmlsafe_is(c, "question")) {
			read_question(p, m, c);
		} else if (xmlsafe_is(c, "fixed")) {
			read_fixed(p, m, c);
		} else if (xmlsafe_is(c, "ignore")) {
			m->ignore = map_grow(p, m->ignore, m->nignore, sizeof *m->ignore);
			if (!p->oom)
				m->ignore[m->nignore++] = map_attr(p, c, "field");
		}
	}
	read_no_answer(p, root, &m->no_answer, &m->nno_answer);
	if (!m->form && !(m->form = strdup("standard")))
		p->oom = 1;
	if (!m->dates && !(m->dates = strdup("auto")))
		p->oom = 1;
}

/* The rules a schema cannot say: each question and option mapped once. */
static void check_mapping(struct map_parse *p, const struct mapping *m)
{
	for (size_t i = 0; i < m->nquestions; i++) {
		const struct map_question *q = &m->questions[i];

		for (size_t j = 0; j < i; j++)
			if (!strcmp(m->questions[j].code, q->code) && (q->fixed || m->questions[j].fixed))
				err_set(p->e, EXIT_DATA,
					"%s:%ld: question '%s' has a fixed value and is also mapped "
					"(line %ld): it takes one or the other",
					p->name, q->line, q->code, m->questions[j].line);
			else if (!strcmp(m->questions[j].code, q->code))
				err_set(p->e, EXIT_DATA,
					"%s:%ld: question '%s' is mapped twice (first on line %ld)",
					p->name, q->line, q->code, m->questions[j].line);
		check_ranges(p, q);
		for (size_t k = 0; k < q->noptions; k++)
			for (size_t j = 0; j < k; j++)
				if (!strcmp(q->options[j].code, q->options[k].code))
					err_set(p->e, EXIT_DATA,
						"%s:%ld: option '%s' of question '%s' is mapped twice",
						p->name, q->options[k].line, q->options[k].code, q->code);
	}
	if (m->id_required && !m->id_field)
		err_set(p->e, EXIT_DATA, "%s:%ld: required response id without a field", p->name,
			m->line);
}

struct mapping *mapping_parse(const char *buf, size_t len, const char *name, struct err *e)
{
	struct map_parse p = { name, e, 0 };
	struct mapping *m = NULL;
	xmlDocPtr doc;
	int before = e->nlines;

	if (!(doc = xmlsafe_parse_valid(buf, len, name, "mapping.rng", e)))
		return NULL;
	if (!(m = calloc(1, sizeof *m)) || !(m->path = strdup(name))) {
		p.oom = 1;
		goto out;
	}
	read_mapping(&p, m, xmlDocGetRootElement(doc));
	if (!p.oom)
		check_mapping(&p, m);
	if (!p.oom && mapping_shape_read(m, xmlDocGetRootElement(doc), name, e) < 0)
		goto out;
	sha256_hex(buf, len, m->sha256);
out:
	xmlFreeDoc(doc);
	if (p.oom)
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
	if (e->nlines > before || err_isset(e)) {
		mapping_free(m);
		return NULL;
	}
	return m;
}

struct mapping *mapping_load(const char *path, struct err *e)
{
	char *buf;
	size_t len;
	struct mapping *m;

	if (file_read_all(path, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return NULL;
	m = mapping_parse(buf, len, path, e);
	free(buf);
	return m;
}

static void list_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void values_free(struct map_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].from);
		free(v[i].to);
	}
	free(v);
}

void mapping_free(struct mapping *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nquestions; i++) {
		struct map_question *q = &m->questions[i];

		for (size_t k = 0; k < q->noptions; k++) {
			free(q->options[k].code);
			free(q->options[k].field);
		}
		free(q->options);
		values_free(q->values, q->nvalues);
		for (size_t k = 0; k < q->nranges; k++)
			free(q->ranges[k].option);
		free(q->ranges);
		free(q->code);
		free(q->field);
		free(q->separator);
		free(q->fixed);
		list_free(q->no_answer, q->nno_answer);
	}
	list_free(m->no_answer, m->nno_answer);
	mapping_shape_free(m);
	free(m->questions);
	for (size_t i = 0; i < m->nignore; i++)
		free(m->ignore[i]);
	free(m->ignore);
	values_free(m->district_values, m->ndistrict_values);
	free(m->path);
	free(m->exercise);
	free(m->form);
	free(m->channel);
	free(m->format);
	free(m->sheet);
	free(m->dates);
	free(m->id_field);
	free(m->id_prefix);
	free(m->submitted_field);
	free(m->postcode_field);
	free(m->district_field);
	free(m->event_field);
	free(m->serial_field);
	free(m->officer_field);
	free(m);
}

static int same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int mapping_mentions(const struct mapping *m, const char *field)
{
	if (same(m->id_field, field) || same(m->submitted_field, field) ||
	    same(m->postcode_field, field) || same(m->district_field, field) ||
	    same(m->event_field, field) || same(m->serial_field, field) ||
	    same(m->officer_field, field))
		return 1;
	for (size_t i = 0; i < m->nignore; i++)
		if (same(m->ignore[i], field))
			return 1;
	for (size_t i = 0; i < m->nquestions; i++) {
		if (same(m->questions[i].field, field))
			return 1;
		for (size_t k = 0; k < m->questions[i].noptions; k++)
			if (same(m->questions[i].options[k].field, field))
				return 1;
	}
	return mapping_shape_mentions(m, field);
}
