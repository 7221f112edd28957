/*
 * exercise.c: reading and checking an exercise definition (no database).
 */
#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "xmlsafe.h"

struct parse {
	const char *name; /* file name for messages */
	struct err *e;
	int oom;
};

static char *text_of(struct parse *p, xmlNodePtr node)
{
	char *s = node ? xmlsafe_text(node) : NULL;

	if (node && !s)
		p->oom = 1;
	return s;
}

/* An attribute as a malloc'd string (NULL when absent). */
static char *attr_of(struct parse *p, xmlNodePtr node, const char *attr)
{
	return xmlsafe_attr_dup(node, attr, &p->oom);
}

static int child_count(xmlNodePtr node, const char *name)
{
	int n = 0;

	for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c))
		n += xmlsafe_is(c, name);
	return n;
}

static void *alloc_array(struct parse *p, size_t n, size_t size)
{
	void *a = calloc(n ? n : 1, size);

	if (!a)
		p->oom = 1;
	return a;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static void read_options(struct parse *p, xmlNodePtr qn, struct ex_question *q)
{
	size_t n = (size_t)child_count(qn, "option");

	if (!n || !(q->options = alloc_array(p, n, sizeof *q->options)))
		return;
	for (xmlNodePtr o = xmlsafe_first(qn); o; o = xmlsafe_next(o)) {
		struct ex_option *opt;
		char *v;

		if (!xmlsafe_is(o, "option"))
			continue;
		opt = &q->options[q->noptions++];
		opt->code = attr_of(p, o, "code");
		opt->maps_to = attr_of(p, o, "maps-to");
		opt->picture = attr_of(p, o, "picture");
		if ((v = attr_of(p, o, "exclusive"))) {
			opt->exclusive = strcmp(v, "true") == 0;
			free(v);
		}
		opt->label = text_of(p, o);
		opt->line = xmlsafe_line(o);
	}
}

/* <derived from>: a question with its groups as options, its type the source's (see resolve_derived). */
static void read_derived(struct parse *p, xmlNodePtr c, struct ex_question *q)
{
	size_t n = (size_t)child_count(c, "group");

	q->line = xmlsafe_line(c);
	q->code = attr_of(p, c, "code");
	q->derived_from = attr_of(p, c, "from");
	if (!(q->polarity = strdup("none")))
		p->oom = 1;
	q->topic = attr_of(p, c, "topic");
	q->text = text_of(p, xmlsafe_child(c, "text"));
	q->help = text_of(p, xmlsafe_child(c, "help"));
	if (!n || !(q->options = alloc_array(p, n, sizeof *q->options)))
		return;
	for (xmlNodePtr g = xmlsafe_first(c); g; g = xmlsafe_next(g)) {
		struct ex_option *o;

		if (!xmlsafe_is(g, "group"))
			continue;
		o = &q->options[q->noptions++];
		o->code = attr_of(p, g, "option");
		o->of = attr_of(p, g, "of");
		o->label = text_of(p, g);
		o->line = xmlsafe_line(g);
	}
}

static void read_questionnaire(struct parse *p, xmlNodePtr qn, struct ex_questionnaire *out)
{
	size_t n = (size_t)child_count(qn, "question") + (size_t)child_count(qn, "derived");

	out->present = 1;
	out->line = xmlsafe_line(qn);
	out->code = attr_of(p, qn, "code");
	out->title = text_of(p, xmlsafe_child(qn, "title"));
	if (!(out->questions = alloc_array(p, n, sizeof *out->questions)))
		return;
	for (xmlNodePtr c = xmlsafe_first(qn); c; c = xmlsafe_next(c)) {
		struct ex_question *q;
		xmlNodePtr ask;
		char *v;

		if (xmlsafe_is(c, "derived")) {
			read_derived(p, c, &out->questions[out->nquestions++]);
			continue;
		}
		if (!xmlsafe_is(c, "question"))
			continue;
		q = &out->questions[out->nquestions++];
		q->line = xmlsafe_line(c);
		q->code = attr_of(p, c, "code");
		q->type = attr_of(p, c, "type");
		q->polarity = attr_of(p, c, "polarity");
		if (!q->polarity && !(q->polarity = strdup("none")))
			p->oom = 1;
		q->topic = attr_of(p, c, "topic");
		q->maps_to = attr_of(p, c, "maps-to");
		q->text = text_of(p, xmlsafe_child(c, "text"));
		q->help = text_of(p, xmlsafe_child(c, "help"));
		if ((v = attr_of(p, c, "min"))) {
			q->has_scale = parse_long(v, &q->scale_min) == 0;
			free(v);
		}
		if ((v = attr_of(p, c, "max"))) {
			q->has_scale &= parse_long(v, &q->scale_max) == 0;
			free(v);
		}
		if ((ask = xmlsafe_child(c, "ask-if"))) {
			q->ask_if_question = attr_of(p, ask, "question");
			q->ask_if_options = attr_of(p, ask, "option");
			q->ask_if_line = xmlsafe_line(ask);
		}
		read_options(p, c, q);
	}
}

/* One area: its name (text or name=""), and the districts it includes. */
static void read_area(struct parse *p, xmlNodePtr node, struct ex_district *x)
{
	char *list = attr_of(p, node, "includes");
	size_t n = (size_t)child_count(node, "includes");
	char *save = NULL;

	x->code = attr_of(p, node, "code");
	x->line = xmlsafe_line(node);
	if (!(x->name = attr_of(p, node, "name")))
		x->name = text_of(p, node);
	/* Enough slots for the list's words too: at most one per two bytes. */
	if (list)
		n += strlen(list) / 2 + 1;
	if (n && (x->includes = alloc_array(p, n, sizeof *x->includes))) {
		for (char *w = list ? strtok_r(list, " \t\r\n", &save) : NULL; w;
		     w = strtok_r(NULL, " \t\r\n", &save)) {
			x->includes[x->nincludes].line = x->line;
			if (!(x->includes[x->nincludes++].code = strdup(w)))
				p->oom = 1;
		}
		for (xmlNodePtr c = xmlsafe_first(node); c; c = xmlsafe_next(c)) {
			if (!xmlsafe_is(c, "includes"))
				continue;
			x->includes[x->nincludes].line = xmlsafe_line(c);
			x->includes[x->nincludes++].code = attr_of(p, c, "district");
		}
	}
	free(list);
}

/* Builds the definition from a document that has passed the schema. */
static struct exercise_def *read_definition(struct parse *p, xmlNodePtr root)
{
	struct exercise_def *d = calloc(1, sizeof *d);
	xmlNodePtr districts = xmlsafe_child(root, "districts");
	xmlNodePtr areas = xmlsafe_child(root, "areas");
	xmlNodePtr events = xmlsafe_child(root, "events");
	char *v;

	if (!d) {
		p->oom = 1;
		return NULL;
	}
	d->code = attr_of(p, root, "code");
	d->double_entry = attr_of(p, root, "double-entry");
	if (!d->double_entry && !(d->double_entry = strdup("optional")))
		p->oom = 1;
	d->outward_share_threshold = 0.8;
	if ((v = attr_of(p, root, "outward-share-threshold"))) {
		d->outward_share_threshold = strtod(v, NULL);
		free(v);
	}
	d->title = text_of(p, xmlsafe_child(root, "title"));
	d->organisation = text_of(p, xmlsafe_child(root, "organisation"));
	d->description = text_of(p, xmlsafe_child(root, "description"));
	d->opens = text_of(p, xmlsafe_child(root, "opens"));
	d->closes = text_of(p, xmlsafe_child(root, "closes"));

	d->area_word = areas ? "area" : "district";
	if (!districts)
		districts = areas;
	d->districts = alloc_array(p, (size_t)child_count(districts, d->area_word),
				   sizeof *d->districts);
	for (xmlNodePtr c = xmlsafe_first(districts); d->districts && c; c = xmlsafe_next(c))
		read_area(p, c, &d->districts[d->ndistricts++]);
	d->events = alloc_array(p, (size_t)child_count(events, "event"), sizeof *d->events);
	for (xmlNodePtr c = xmlsafe_first(events); d->events && c; c = xmlsafe_next(c)) {
		struct ex_event *x = &d->events[d->nevents++];

		x->code = attr_of(p, c, "code");
		x->kind = attr_of(p, c, "kind");
		x->district = attr_of(p, c, "district");
		if (!x->district)
			x->district = attr_of(p, c, "area");
		x->date = attr_of(p, c, "date");
		x->title = text_of(p, xmlsafe_child(c, "title"));
		x->venue = text_of(p, xmlsafe_child(c, "venue"));
		x->town = text_of(p, xmlsafe_child(c, "town"));
		x->line = xmlsafe_line(c);
	}
	for (xmlNodePtr c = xmlsafe_first(root); c; c = xmlsafe_next(c)) {
		char *variant;

		if (!xmlsafe_is(c, "questionnaire"))
			continue;
		variant = attr_of(p, c, "variant");
		if (variant && strcmp(variant, "easy-read") == 0)
			read_questionnaire(p, c, &d->easy_read);
		else
			read_questionnaire(p, c, &d->standard);
		free(variant);
	}
	return d;
}

/* ---- the rules a schema cannot say ---------------------------------- */

/* YYYY-MM-DD with a real day of a real month. */
static int valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, day, n = 0;

	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &day, &n) != 3 || n != 10)
		return 0;
	if (m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	if (m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

#define PROBLEM(p, line, ...) err_set((p)->e, EXIT_DATA, __VA_ARGS__)

static const struct ex_district *find_district(const struct exercise_def *d, const char *code)
{
	for (size_t i = 0; i < d->ndistricts; i++)
		if (strcmp(d->districts[i].code, code) == 0)
			return &d->districts[i];
	return NULL;
}

const struct ex_question *exercise_find_question(const struct ex_questionnaire *q,
						 const char *code)
{
	for (size_t i = 0; code && i < q->nquestions; i++)
		if (strcmp(q->questions[i].code, code) == 0)
			return &q->questions[i];
	return NULL;
}

static const struct ex_option *find_option(const struct ex_question *q, const char *code)
{
	for (size_t i = 0; code && i < q->noptions; i++)
		if (strcmp(q->options[i].code, code) == 0)
			return &q->options[i];
	return NULL;
}

static int is_choice(const char *type)
{
	return strcmp(type, "single-choice") == 0 || strcmp(type, "multiple-choice") == 0 ||
	       strcmp(type, "demographic") == 0 || strcmp(type, "scale") == 0;
}

static void check_questions(struct parse *p, const struct ex_questionnaire *qs,
			    const char *variant)
{
	for (size_t i = 0; i < qs->nquestions; i++) {
		const struct ex_question *q = &qs->questions[i];

		for (size_t j = 0; j < i; j++)
			if (strcmp(qs->questions[j].code, q->code) == 0)
				PROBLEM(p, q->line,
					"%s:%ld: question code '%s' is used twice in the %s "
					"questionnaire (first on line %ld)",
					p->name, q->line, q->code, variant, qs->questions[j].line);
		if (q->has_scale && q->scale_min >= q->scale_max)
			PROBLEM(p, q->line, "%s:%ld: question '%s': min %ld must be below max %ld",
				p->name, q->line, q->code, q->scale_min, q->scale_max);
		for (size_t k = 0; k < q->noptions; k++) {
			const struct ex_option *o = &q->options[k];
			long v;

			for (size_t j = 0; j < k; j++)
				if (strcmp(q->options[j].code, o->code) == 0)
					PROBLEM(p, o->line,
						"%s:%ld: option code '%s' is used twice in question '%s'",
						p->name, o->line, o->code, q->code);
			if (q->has_scale && (parse_long(o->code, &v) < 0 || v < q->scale_min ||
					     v > q->scale_max))
				PROBLEM(p, o->line,
					"%s:%ld: question '%s' is a scale from %ld to %ld, so option "
					"code '%s' must be a whole number in that range",
					p->name, o->line, q->code, q->scale_min, q->scale_max, o->code);
			if (!strcmp(variant, "standard") && o->maps_to)
				PROBLEM(p, o->line,
					"%s:%ld: option '%s' of standard question '%s' has maps-to: "
					"only Easy Read options map onto standard ones",
					p->name, o->line, o->code, q->code);
		}
	}
}

/*
 * Cross-field checks: an exclusive option belongs to a choice question; a
 * question is asked (<ask-if>) only after the earlier choice question it
 * depends on, by options that question has. Both are declared on the
 * standard questionnaire: Easy Read answers are checked as the standard
 * answers they count as.
 */
static void check_cross(struct parse *p, const struct ex_questionnaire *qs, const char *variant)
{
	int standard = !strcmp(variant, "standard");

	for (size_t i = 0; i < qs->nquestions; i++) {
		const struct ex_question *q = &qs->questions[i];
		const struct ex_question *on = NULL;
		const char *m = q->ask_if_options;

		for (size_t k = 0; k < q->noptions; k++) {
			const struct ex_option *o = &q->options[k];

			if (!o->exclusive)
				continue;
			if (!standard)
				PROBLEM(p, o->line,
					"%s:%ld: option '%s' of Easy Read question '%s' is exclusive: "
					"mark the standard option it maps to instead (Easy Read "
					"answers are checked as the standard answers they count as)",
					p->name, o->line, o->code, q->code);
			else if (q->has_scale || q->derived_from)
				PROBLEM(p, o->line,
					"%s:%ld: option '%s' of question '%s' is exclusive, but only "
					"options of a choice question can be",
					p->name, o->line, o->code, q->code);
		}
		if (!q->ask_if_question)
			continue;
		if (!standard) {
			PROBLEM(p, q->ask_if_line,
				"%s:%ld: Easy Read question '%s' has <ask-if>: give it to the standard "
				"question '%s' it maps to instead",
				p->name, q->ask_if_line, q->code, q->maps_to ? q->maps_to : "");
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (!qs->questions[j].derived_from &&
			    !strcmp(qs->questions[j].code, q->ask_if_question))
				on = &qs->questions[j];
		if (!on) {
			PROBLEM(p, q->ask_if_line,
				"%s:%ld: question '%s' is asked only after '%s', which is not a "
				"question before it in the standard questionnaire",
				p->name, q->ask_if_line, q->code, q->ask_if_question);
			continue;
		}
		if (strcmp(on->type, "single-choice") && strcmp(on->type, "multiple-choice") &&
		    strcmp(on->type, "demographic")) {
			PROBLEM(p, q->ask_if_line,
				"%s:%ld: question '%s' is asked only after '%s' (%s): that must be a "
				"choice question (single-choice, multiple-choice or demographic)",
				p->name, q->ask_if_line, q->code, on->code, on->type);
			continue;
		}
		while (m && *m) {
			char code[48];
			size_t n;

			m += strspn(m, " \t\n");
			if (!(n = strcspn(m, " \t\n")))
				break;
			snprintf(code, sizeof code, "%.*s", (int)(n < 47 ? n : 47), m);
			if (!find_option(on, code))
				PROBLEM(p, q->ask_if_line,
					"%s:%ld: question '%s' is asked only when '%s' is '%s', which "
					"is not one of its options",
					p->name, q->ask_if_line, q->code, on->code, code);
			m += n;
		}
	}
}

/* Whether an Easy Read question of type `er` can stand for a standard `std`. */
static int compatible(const char *er, const char *std)
{
	if (!is_choice(er) || !is_choice(std)) /* free text, postcode, typed values */
		return strcmp(er, std) == 0;
	/* Several ticks cannot go into a question that takes one. */
	if (!strcmp(er, "multiple-choice"))
		return strcmp(std, "multiple-choice") == 0;
	return is_choice(er) && is_choice(std);
}

static void check_easy_read(struct parse *p, const struct exercise_def *d)
{
	const struct ex_questionnaire *er = &d->easy_read;

	for (size_t i = 0; i < er->nquestions; i++) {
		const struct ex_question *q = &er->questions[i];
		const struct ex_question *t = exercise_find_question(&d->standard, q->maps_to);

		if (!t) {
			PROBLEM(p, q->line,
				"%s:%ld: Easy Read question '%s' maps to '%s', which is not a "
				"question of the standard questionnaire",
				p->name, q->line, q->code, q->maps_to);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(er->questions[j].maps_to, q->maps_to) == 0)
				PROBLEM(p, q->line,
					"%s:%ld: Easy Read questions '%s' and '%s' both map to '%s': "
					"each standard question takes at most one",
					p->name, q->line, er->questions[j].code, q->code, q->maps_to);
		if (!compatible(q->type, t->type)) {
			PROBLEM(p, q->line,
				"%s:%ld: Easy Read question '%s' (%s) cannot map to '%s' (%s)",
				p->name, q->line, q->code, q->type, t->code, t->type);
			continue;
		}
		if (!strcmp(q->type, "scale") && !q->noptions &&
		    (!t->has_scale || t->scale_min != q->scale_min || t->scale_max != q->scale_max))
			PROBLEM(p, q->line,
				"%s:%ld: Easy Read scale '%s' has no labelled options, so it must "
				"have the same range as '%s'",
				p->name, q->line, q->code, t->code);
		for (size_t k = 0; k < q->noptions; k++) {
			const struct ex_option *o = &q->options[k];

			if (!o->maps_to)
				PROBLEM(p, o->line,
					"%s:%ld: Easy Read option '%s' of question '%s' needs maps-to "
					"naming an option of '%s'",
					p->name, o->line, o->code, q->code, t->code);
			else if (!find_option(t, o->maps_to))
				PROBLEM(p, o->line,
					"%s:%ld: Easy Read option '%s' maps to '%s', which is not an "
					"option of question '%s'",
					p->name, o->line, o->code, o->maps_to, t->code);
		}
	}
}

/* The area `code` includes, and where, or NULL. */
static const struct ex_district *includer(const struct exercise_def *d, const char *code,
					  size_t before_area, size_t before_member)
{
	for (size_t i = 0; i <= before_area && i < d->ndistricts; i++)
		for (size_t k = 0; k < d->districts[i].nincludes; k++) {
			if (i == before_area && k >= before_member)
				break;
			if (strcmp(d->districts[i].includes[k].code, code) == 0)
				return &d->districts[i];
		}
	return NULL;
}

/*
 * Area codes, and what bigger areas include: each district they include
 * is a local authority district (what the postcode lookup gives), in one
 * area only, and not listed as an area itself, so a postcode is counted in
 * one area. An ONS area bigger than a district includes its districts,
 * unless its kind holds them already (a nation).
 */
static void check_areas(struct parse *p, const struct exercise_def *d)
{
	const char *w = d->area_word;
	char why[ERR_LINE_LEN], kinds[64];

	area_district_kinds(kinds, sizeof kinds);
	for (size_t i = 0; i < d->ndistricts; i++) {
		const struct ex_district *a = &d->districts[i];
		const struct area_kind *kind = area_kind_of(a->code);

		if (area_check(a->code, why, sizeof why) < 0) {
			PROBLEM(p, a->line, "%s:%ld: %s code %s: %s", p->name, a->line, w, a->code,
				why);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->code, d->districts[j].code) == 0)
				PROBLEM(p, a->line, "%s:%ld: %s '%s' is listed twice", p->name,
					a->line, w, a->code);
		if (kind && !kind->district && !kind->contains && !a->nincludes)
			PROBLEM(p, a->line,
				"%s:%ld: %s %s (%s %s) is bigger than a district: list the "
				"districts it includes (<includes district=\"...\"/>), so "
				"that postcodes can be placed in it",
				p->name, a->line, w, a->code, kind->prefix, kind->name);
		if (kind && kind->district && a->nincludes)
			PROBLEM(p, a->line,
				"%s:%ld: %s %s is a local authority district (%s): it "
				"includes no other", p->name, a->line, w, a->code, kind->prefix);
		for (size_t k = 0; k < a->nincludes; k++) {
			const struct ex_member *m = &a->includes[k];
			const struct area_kind *mk = area_kind_of(m->code);
			const struct ex_district *other;

			if (!mk || !mk->district) {
				PROBLEM(p, m->line,
					"%s:%ld: %s %s includes '%s', which is not a local "
					"authority district code (%s and eight digits): the "
					"postcode lookup gives only those",
					p->name, m->line, w, a->code, m->code, kinds);
				continue;
			}
			if ((other = includer(d, m->code, i, k)) == a)
				PROBLEM(p, m->line, "%s:%ld: %s %s includes district %s twice",
					p->name, m->line, w, a->code, m->code);
			else if (other)
				PROBLEM(p, m->line,
					"%s:%ld: district %s is included in %s %s and in %s %s: "
					"a postcode there would count in both",
					p->name, m->line, m->code, w, other->code, w, a->code);
			else if (find_district(d, m->code))
				PROBLEM(p, m->line,
					"%s:%ld: %s %s includes %s, which is itself in <%ss>: "
					"a postcode there would count in both",
					p->name, m->line, w, a->code, m->code, w);
		}
	}
}

/* The options of `src` that `of` names: -1 at the first code that is none. */
static long group_member(const struct ex_question *src, const char *of, size_t *pos,
			 char code[48])
{
	size_t n;

	of += *pos;
	while (*of == ' ' || *of == '\t' || *of == '\n')
		of++, (*pos)++;
	n = strcspn(of, " \t\n");
	if (!n)
		return -2; /* the end */
	snprintf(code, 48, "%.*s", (int)(n < 47 ? n : 47), of);
	*pos += n;
	for (size_t k = 0; k < src->noptions; k++)
		if (strlen(src->options[k].code) == n && !strncmp(src->options[k].code, of, n))
			return (long)k;
	return -1;
}

/*
 * Derived questions: each coarsens a single-choice or demographic standard
 * question (not another derived one) and takes its type; every option of
 * that question is in exactly one group, so every answer counts once.
 */
static void resolve_derived(struct parse *p, struct ex_questionnaire *qs)
{
	for (size_t i = 0; i < qs->nquestions; i++) {
		struct ex_question *q = &qs->questions[i];
		const struct ex_question *src = NULL;
		int *in;

		if (!q->derived_from)
			continue;
		for (size_t j = 0; j < qs->nquestions; j++)
			if (!qs->questions[j].derived_from && qs->questions[j].code &&
			    !strcmp(qs->questions[j].code, q->derived_from))
				src = &qs->questions[j];
		if (!src || (strcmp(src->type, "single-choice") && strcmp(src->type, "demographic"))) {
			PROBLEM(p, q->line, "%s:%ld: derived question '%s' is derived from '%s', which "
				"is not a single-choice or demographic question of the standard "
				"questionnaire", p->name, q->line, q->code, q->derived_from);
			if (!(q->type = strdup("single-choice")))
				p->oom = 1;
			continue;
		}
		if (!(q->type = strdup(src->type)) ||
		    !(in = calloc(src->noptions ? src->noptions : 1, sizeof *in))) {
			p->oom = 1;
			return;
		}
		for (size_t k = 0; k < q->noptions; k++) {
			const struct ex_option *o = &q->options[k];
			size_t pos = 0;
			char code[48];
			long m;

			while ((m = group_member(src, o->of, &pos, code)) != -2) {
				if (m < 0)
					PROBLEM(p, o->line, "%s:%ld: group '%s' of derived question '%s' "
						"names '%s', which is not an option of '%s'",
						p->name, o->line, o->code, q->code, code, src->code);
				else if (in[m]++)
					PROBLEM(p, o->line, "%s:%ld: option '%s' of '%s' is in two groups "
						"of derived question '%s'", p->name, o->line, code,
						src->code, q->code);
			}
		}
		for (size_t k = 0; k < src->noptions; k++)
			if (!in[k])
				PROBLEM(p, q->line, "%s:%ld: derived question '%s' leaves option '%s' "
					"of '%s' in no group: every answer to '%s' must count in one",
					p->name, q->line, q->code, src->options[k].code, src->code,
					src->code);
		free(in);
	}
}

static void check_definition(struct parse *p, const struct exercise_def *d)
{
	if (!valid_date(d->opens))
		PROBLEM(p, 0, "%s: <opens> '%s' is not a date (YYYY-MM-DD)", p->name, d->opens);
	if (!valid_date(d->closes))
		PROBLEM(p, 0, "%s: <closes> '%s' is not a date (YYYY-MM-DD)", p->name, d->closes);
	if (valid_date(d->opens) && valid_date(d->closes) && strcmp(d->opens, d->closes) > 0)
		PROBLEM(p, 0, "%s: the exercise closes (%s) before it opens (%s)", p->name,
			d->closes, d->opens);
	check_areas(p, d);
	for (size_t i = 0; i < d->nevents; i++) {
		const struct ex_event *ev = &d->events[i];

		for (size_t j = 0; j < i; j++)
			if (strcmp(d->events[j].code, ev->code) == 0)
				PROBLEM(p, ev->line,
					"%s:%ld: event code '%s' is used twice (first on line %ld)",
					p->name, ev->line, ev->code, d->events[j].line);
		if (!find_district(d, ev->district))
			PROBLEM(p, ev->line,
				"%s:%ld: event '%s' is in %s '%s', which is not listed in <%ss>",
				p->name, ev->line, ev->code, d->area_word, ev->district,
				d->area_word);
		if (!valid_date(ev->date))
			PROBLEM(p, ev->line, "%s:%ld: event '%s': '%s' is not a date (YYYY-MM-DD)",
				p->name, ev->line, ev->code, ev->date);
		else if (valid_date(d->opens) && valid_date(d->closes) &&
			 (strcmp(ev->date, d->opens) < 0 || strcmp(ev->date, d->closes) > 0))
			PROBLEM(p, ev->line,
				"%s:%ld: event '%s' on %s is outside the exercise (%s to %s)",
				p->name, ev->line, ev->code, ev->date, d->opens, d->closes);
	}
	check_questions(p, &d->standard, "standard");
	check_cross(p, &d->standard, "standard");
	for (size_t i = 0; i < d->standard.nquestions; i++)
		if (d->standard.questions[i].maps_to)
			PROBLEM(p, d->standard.questions[i].line,
				"%s:%ld: standard question '%s' has maps-to: only Easy Read "
				"questions map onto standard ones",
				p->name, d->standard.questions[i].line, d->standard.questions[i].code);
	if (d->easy_read.present) {
		check_questions(p, &d->easy_read, "Easy Read");
		check_cross(p, &d->easy_read, "Easy Read");
		check_easy_read(p, d);
	}
}

struct exercise_def *exercise_parse(const char *buf, size_t len, const char *name,
				    struct err *e)
{
	struct parse p = { name, e, 0 };
	struct exercise_def *d = NULL;
	xmlDocPtr doc;
	int before = e->nlines;

	if (!(doc = xmlsafe_parse_valid(buf, len, name, "exercise.rng", e)))
		return NULL;
	d = read_definition(&p, xmlDocGetRootElement(doc));
	if (p.oom) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
		goto out;
	}
	resolve_derived(&p, &d->standard);
	check_definition(&p, d);
	if (!(d->file = strdup(file_base(name)))) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
		goto out;
	}
	sha256_hex(buf, len, d->sha256);
out:
	xmlFreeDoc(doc);
	if (e->nlines > before || err_isset(e)) {
		exercise_def_free(d);
		return NULL;
	}
	return d;
}

struct exercise_def *exercise_load(const char *path, struct err *e)
{
	char *buf;
	size_t len;
	struct exercise_def *d;

	if (file_read_all(path, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return NULL;
	d = exercise_parse(buf, len, path, e);
	free(buf);
	return d;
}

static void questionnaire_release(struct ex_questionnaire *qs)
{
	for (size_t i = 0; i < qs->nquestions; i++) {
		struct ex_question *q = &qs->questions[i];

		for (size_t k = 0; k < q->noptions; k++) {
			free(q->options[k].code);
			free(q->options[k].label);
			free(q->options[k].picture);
			free(q->options[k].maps_to);
			free(q->options[k].of);
		}
		free(q->options);
		free(q->code);
		free(q->type);
		free(q->polarity);
		free(q->topic);
		free(q->text);
		free(q->help);
		free(q->maps_to);
		free(q->derived_from);
		free(q->ask_if_question);
		free(q->ask_if_options);
	}
	free(qs->questions);
	free(qs->code);
	free(qs->title);
}

void exercise_def_free(struct exercise_def *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ndistricts; i++) {
		free(d->districts[i].code);
		free(d->districts[i].name);
		for (size_t k = 0; k < d->districts[i].nincludes; k++)
			free(d->districts[i].includes[k].code);
		free(d->districts[i].includes);
	}
	free(d->districts);
	for (size_t i = 0; i < d->nevents; i++) {
		struct ex_event *ev = &d->events[i];

		free(ev->code);
		free(ev->kind);
		free(ev->district);
		free(ev->date);
		free(ev->title);
		free(ev->venue);
		free(ev->town);
	}
	free(d->events);
	questionnaire_release(&d->standard);
	questionnaire_release(&d->easy_read);
	free(d->file);
	free(d->code);
	free(d->title);
	free(d->organisation);
	free(d->description);
	free(d->opens);
	free(d->closes);
	free(d->double_entry);
	free(d);
}
