/*
 * rules_apply.c: whether a theme and its patterns apply to an answer (its
 * question, and the response's other answers), and the single-label groups
 * applied to an answer's tags. The same on the prefilter's path and the
 * reference path (rules.h).
 */
#include <string.h>

#include "rules.h"

int rules_pattern_applies(const struct rule_pattern *p, const char *question)
{
	if (!p->questions || !question)
		return 1;
	for (size_t i = 0; i < p->nquestions; i++)
		if (!strcmp(p->questions[i], question))
			return 1;
	return 0;
}

int rules_applies(const struct rule_theme *t, const char *question_code)
{
	if (!t->questions)
		return 1;
	for (size_t i = 0; i < t->nquestions; i++)
		if (!strcmp(t->questions[i], question_code))
			return 1;
	return 0;
}

/* Whether `values` (RULE_VALUE_SEP-separated) has one equal to `want`. */
static int has_value(const char *values, const char *want)
{
	size_t n = strlen(want);

	for (const char *v = values; v; v = strchr(v, RULE_VALUE_SEP), v = v ? v + 1 : NULL)
		if (!strncmp(v, want, n) && (v[n] == '\0' || v[n] == RULE_VALUE_SEP))
			return 1;
	return 0;
}

int rules_applies_in(const struct ruleset *rs, const struct rule_theme *t,
		     const struct rule_context *c)
{
	(void)rs;
	if (!c->question)
		return 1; /* an example: no question, no other answers */
	if (!rules_applies(t, c->question))
		return 0;
	for (size_t i = 0; i < t->nwhen; i++) {
		const struct rule_when *w = &t->when[i];
		const char *v = c->values ? c->values[w->slot] : NULL;
		int holds = v != NULL;

		if (holds && w->values) {
			holds = 0;
			for (size_t k = 0; k < w->nvalues && !holds; k++)
				holds = has_value(v, w->values[k]);
		}
		if (holds == w->negate)
			return 0;
	}
	return 1;
}

int rules_resolve_groups(const struct ruleset *rs, const struct rule_context *c, size_t len,
			 struct rule_tag *out, int n)
{
	int kept = 0;

	if (!rs->ngroups)
		return n;
	/*
	 * Drop each tag of a theme whose group an earlier theme's tag has
	 * taken. An error takes nothing: it stays, counted, and the next
	 * theme may still take the answer, as on the prefilter's path, where
	 * a pattern ruled out cannot give up at all.
	 */
	for (int i = 0; i < n; i++) {
		int g = rs->themes[out[i].theme].group_id, taken = 0;

		for (int j = 0; j < kept && g >= 0 && !taken && out[i].result == RULE_MATCH; j++)
			taken = rs->themes[out[j].theme].group_id == g && out[j].result == RULE_MATCH;
		if (!taken)
			out[kept++] = out[i];
	}
	n = kept;
	/* Fallbacks of groups nobody took, in theme order. */
	for (size_t f = 0; f < rs->nthemes; f++) {
		const struct rule_theme *t = &rs->themes[f];
		int taken = 0, at = n;

		if (!t->otherwise || t->group_id < 0 || !rules_applies_in(rs, t, c))
			continue;
		for (int j = 0; j < n && !taken; j++)
			taken = rs->themes[out[j].theme].group_id == t->group_id &&
				out[j].result == RULE_MATCH;
		if (taken)
			continue;
		while (at > 0 && out[at - 1].theme > f)
			at--;
		memmove(out + at + 1, out + at, (size_t)(n - at) * sizeof *out);
		out[at].theme = f;
		out[at].result = RULE_MATCH;
		out[at].hit.rule = &t->fallback;
		out[at].hit.start = 0;
		out[at].hit.end = len;
		n++;
	}
	return n;
}
