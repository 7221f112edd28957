/*
 * mapping_shape.c: the parts of a mapping for exports whose shape is not
 * one field per question: grids (<grid>), question routing (<route>) and
 * ODK repeat groups (<repeat>). Read after the rest of the mapping, from the
 * same validated document; docs/mapping-format.md says what each means.
 */
#include "mapping_shape.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmlsafe.h"

static void read_grid(struct map_parse *p, struct mapping *m, xmlNodePtr n)
{
	struct map_grid *g;
	char *cells;

	m->grids = map_grow(p, m->grids, m->ngrids, sizeof *m->grids);
	if (p->oom)
		return;
	g = &m->grids[m->ngrids++];
	g->field = map_attr(p, n, "field");
	g->question = map_attr(p, n, "question");
	g->line = xmlsafe_line(n);
	if ((cells = map_attr(p, n, "cells"))) {
		g->rank = !strcmp(cells, "rank");
		free(cells);
	}
	map_read_values(p, n, &g->values, &g->nvalues);
	for (xmlNodePtr c = xmlsafe_first(n); c && !p->oom; c = xmlsafe_next(c)) {
		struct map_grid_row *r;

		if (!xmlsafe_is(c, "row"))
			continue;
		g->rows = map_grow(p, g->rows, g->nrows, sizeof *g->rows);
		if (p->oom)
			return;
		r = &g->rows[g->nrows++];
		r->sub = map_attr(p, c, "sub");
		r->question = map_attr(p, c, g->question ? "option" : "question");
		r->line = xmlsafe_line(c);
		if (!r->question && !p->oom)
			err_set(p->e, EXIT_DATA,
				"%s:%ld: a <row> of %s names %s",
				p->name, r->line,
				g->question ? "a grid of one question's items" : "a grid of questions",
				g->question ? "an option=\"...\", not a question" :
					      "a question=\"...\", not an option");
	}
}

static void read_route(struct map_parse *p, struct mapping *m, xmlNodePtr n)
{
	struct map_route *r;

	m->routes = map_grow(p, m->routes, m->nroutes, sizeof *m->routes);
	if (p->oom)
		return;
	r = &m->routes[m->nroutes++];
	r->field = map_attr(p, n, "field");
	r->answer = map_attr(p, n, "answer");
	r->line = xmlsafe_line(n);
	map_read_values(p, n, &r->values, &r->nvalues);
	for (xmlNodePtr c = xmlsafe_first(n); c && !p->oom; c = xmlsafe_next(c)) {
		struct map_route_to *t;

		if (!xmlsafe_is(c, "to"))
			continue;
		r->to = map_grow(p, r->to, r->nto, sizeof *r->to);
		if (p->oom)
			return;
		t = &r->to[r->nto++];
		t->match = map_attr(p, c, "match");
		t->question = map_attr(p, c, "question");
		t->line = xmlsafe_line(c);
	}
}

static void read_repeat(struct map_parse *p, struct mapping *m, xmlNodePtr n)
{
	struct map_repeat *r;
	char *mode;

	m->repeats = map_grow(p, m->repeats, m->nrepeats, sizeof *m->repeats);
	if (p->oom)
		return;
	r = &m->repeats[m->nrepeats++];
	r->group = map_attr(p, n, "group");
	r->line = xmlsafe_line(n);
	if ((mode = map_attr(p, n, "mode"))) {
		r->each = !strcmp(mode, "each");
		free(mode);
	}
}

static int same_text(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

/* The rules the schema cannot say: each row, wording and group once; a field used once. */
static void check_shapes(struct map_parse *p, const struct mapping *m)
{
	for (size_t i = 0; i < m->ngrids; i++) {
		const struct map_grid *g = &m->grids[i];

		for (size_t k = 0; k < g->nrows; k++)
			for (size_t j = 0; j < k; j++)
				if (same_text(g->rows[j].sub, g->rows[k].sub))
					err_set(p->e, EXIT_DATA,
						"%s:%ld: grid row '%s' is mapped twice (first on line %ld)",
						p->name, g->rows[k].line, g->rows[k].sub,
						g->rows[j].line);
		if (g->rank && !g->question)
			err_set(p->e, EXIT_DATA,
				"%s:%ld: cells=\"rank\" is for a grid of one question's items: "
				"add question=\"...\"",
				p->name, g->line);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(m->grids[j].field, g->field))
				err_set(p->e, EXIT_DATA,
					"%s:%ld: grid '%s' is mapped twice (first on line %ld)",
					p->name, g->line, g->field, m->grids[j].line);
		for (size_t q = 0; q < m->nquestions; q++) {
			const struct map_question *mq = &m->questions[q];

			if (g->question && !strcmp(mq->code, g->question))
				err_set(p->e, EXIT_DATA,
					"%s:%ld: question '%s' is both a grid's (line %ld) and mapped "
					"on its own: it takes one or the other",
					p->name, mq->line, mq->code, g->line);
			for (size_t k = 0; !g->question && k < g->nrows; k++)
				if (g->rows[k].question && !strcmp(mq->code, g->rows[k].question))
					err_set(p->e, EXIT_DATA,
						"%s:%ld: question '%s' is both a grid row (line %ld) "
						"and mapped on its own: it takes one or the other",
						p->name, mq->line, mq->code, g->rows[k].line);
		}
	}
	for (size_t i = 0; i < m->nroutes; i++) {
		const struct map_route *r = &m->routes[i];

		if (!strcmp(r->field, r->answer))
			err_set(p->e, EXIT_DATA,
				"%s:%ld: a route's question and answer are the same field '%s'",
				p->name, r->line, r->field);
		for (size_t k = 0; k < r->nto; k++) {
			for (size_t j = 0; j < k; j++)
				if (same_text(r->to[j].match, r->to[k].match))
					err_set(p->e, EXIT_DATA,
						"%s:%ld: the wording '%.80s' is routed twice (first on "
						"line %ld)",
						p->name, r->to[k].line, r->to[k].match, r->to[j].line);
			for (size_t q = 0; q < m->nquestions; q++)
				if (!strcmp(m->questions[q].code, r->to[k].question))
					err_set(p->e, EXIT_DATA,
						"%s:%ld: question '%s' is both routed (line %ld) and "
						"mapped on its own: it takes one or the other",
						p->name, m->questions[q].line, r->to[k].question,
						r->to[k].line);
		}
	}
	for (size_t i = 0; i < m->nrepeats; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(m->repeats[j].group, m->repeats[i].group))
				err_set(p->e, EXIT_DATA,
					"%s:%ld: repeat group '%s' is named twice (first on line %ld)",
					p->name, m->repeats[i].line, m->repeats[i].group,
					m->repeats[j].line);
}

int mapping_shape_read(struct mapping *m, xmlNodePtr root, const char *name, struct err *e)
{
	struct map_parse p = { name, e, 0 };

	for (xmlNodePtr c = xmlsafe_first(root); c && !p.oom; c = xmlsafe_next(c)) {
		if (xmlsafe_is(c, "grid"))
			read_grid(&p, m, c);
		else if (xmlsafe_is(c, "route"))
			read_route(&p, m, c);
		else if (xmlsafe_is(c, "repeat"))
			read_repeat(&p, m, c);
	}
	if (p.oom)
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
	check_shapes(&p, m);
	return 0;
}

static void values_free(struct map_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].from);
		free(v[i].to);
	}
	free(v);
}

void mapping_shape_free(struct mapping *m)
{
	for (size_t i = 0; i < m->ngrids; i++) {
		struct map_grid *g = &m->grids[i];

		for (size_t k = 0; k < g->nrows; k++) {
			free(g->rows[k].sub);
			free(g->rows[k].question);
		}
		free(g->rows);
		values_free(g->values, g->nvalues);
		free(g->field);
		free(g->question);
	}
	free(m->grids);
	for (size_t i = 0; i < m->nroutes; i++) {
		struct map_route *r = &m->routes[i];

		for (size_t k = 0; k < r->nto; k++) {
			free(r->to[k].match);
			free(r->to[k].question);
		}
		free(r->to);
		values_free(r->values, r->nvalues);
		free(r->field);
		free(r->answer);
	}
	free(m->routes);
	for (size_t i = 0; i < m->nrepeats; i++)
		free(m->repeats[i].group);
	free(m->repeats);
}

/* True when `s` is an SGQA code, 123X4X56: LimeSurvey 2 writes its rows right after it. */
static int sgqa(const char *s)
{
	int parts = 0;

	while (*s) {
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
		parts++;
		if (*s == 'X')
			s++;
		else if (*s)
			return 0;
	}
	return parts == 3;
}

/* The ROW of `field` when it is a row of grid stem `stem`, or NULL. */
static const char *row_of(const char *stem, const char *field, size_t *len)
{
	size_t n = strlen(stem), f;
	const char *rest;

	if (strncmp(field, stem, n))
		return NULL;
	rest = field + n;
	f = strlen(rest);
	if (!strncmp(rest, " / ", 3) && rest[3]) {
		*len = f - 3;
		return rest + 3;
	}
	if ((!strncmp(rest, " [", 2) || rest[0] == '[') && f > 2 && rest[f - 1] == ']') {
		size_t skip = rest[0] == ' ' ? 2 : 1;

		if (f <= skip + 1)
			return NULL;
		*len = f - skip - 1;
		return rest + skip;
	}
	if (rest[0] == '_' && rest[1]) {
		*len = f - 1;
		return rest + 1;
	}
	if (sgqa(stem) && *rest && !(*rest >= '0' && *rest <= '9')) {
		*len = f;
		return rest;
	}
	return NULL;
}

const struct map_grid *mapping_grid_of(const struct mapping *m, const char *field,
				       const char **sub, size_t *sublen)
{
	for (size_t i = 0; i < m->ngrids; i++)
		if ((*sub = row_of(m->grids[i].field, field, sublen)))
			return &m->grids[i];
	return NULL;
}

int mapping_shape_mentions(const struct mapping *m, const char *field)
{
	const char *sub;
	size_t len;

	for (size_t i = 0; i < m->nroutes; i++)
		if (!strcmp(m->routes[i].field, field) || !strcmp(m->routes[i].answer, field))
			return 1;
	return mapping_grid_of(m, field, &sub, &len) != NULL;
}
