/* answer.c: one question's answer from a posted form (answer.h). */
#include "answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int web_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

int web_answer_pieces(const struct entry_question *q, const struct form *f,
		      const char *pieces[ENTRY_MAX_PICKS], size_t *n, char *why, size_t cap)
{
	char name[16];

	snprintf(name, sizeof name, "q%d", q->number);
	*n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->f[i].name, name) && !web_blank(f->f[i].value)) {
			if (*n == ENTRY_MAX_PICKS) {
				snprintf(why, cap, "Too many boxes are ticked.");
				return 0;
			}
			pieces[(*n)++] = f->f[i].value;
		}
	return 1;
}

/* What a question of this type takes, for "That is not ...". */
static const char *kind_of(const struct entry_question *q)
{
	switch (q->type) {
	case EQ_POSTCODE: return "a postcode";
	case EQ_SCALE: return "a number on the scale";
	case EQ_NUMBER: return "a number";
	case EQ_DATE: return "a date";
	default: return NULL;
	}
}

int web_answer_parse(const struct entry_question *q, const char *const *pieces, size_t n,
		     const char *empty_ok, struct entry_answer *a, char *why, size_t cap)
{
	enum entry_input in;

	memset(a, 0, sizeof *a);
	if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
		in = entry_parse_choices(q, pieces, n, a, why, cap);
	} else {
		const char *v = pieces[0];
		size_t len;

		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		len = strlen(v);
		while (len && strchr(" \t\r\n", v[len - 1]))
			len--;
		/* One letter is a command to entry_parse (s, u, b, ?): here it is an answer. */
		if (len == 1 && strchr("sSuUbB?", *v)) {
			if (kind_of(q)) {
				snprintf(why, cap, "That is not %s. %s", kind_of(q), empty_ok);
				return 0;
			}
			a->state = ENTRY_ANSWERED;
			if (!(a->text = strndup(v, 1))) {
				snprintf(why, cap, "The server ran out of memory.");
				return 0;
			}
			return 1;
		}
		in = entry_parse(q, v, a, why, cap);
	}
	if (in == ENTRY_INPUT_ANSWER)
		return 1;
	if (in != ENTRY_INPUT_ERROR)
		snprintf(why, cap, "That answer cannot be read. Type it again.");
	return 0;
}

int web_cross_check(const struct entry_form *f, const struct entry_answer *answers, char **why,
		    size_t first, const char *hint, struct err *e)
{
	struct entry_problem p[16];
	int n = entry_cross_check(f, answers, p, 16, e), added = 0;

	if (n < 0)
		return -1;
	for (int k = 0; k < n && k < 16; k++) {
		char **at = &why[first + p[k].index];
		size_t len;

		if (*at)
			continue;
		len = strlen(p[k].why) + strlen(hint) + 2;
		if (!(*at = malloc(len)))
			return err_set(e, EXIT_SYSTEM, "out of memory");
		snprintf(*at, len, "%s%s%s", p[k].why, *hint ? " " : "", hint);
		added++;
	}
	return added;
}
