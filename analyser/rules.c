/*
 * rules.c: reading, compiling and checking a theme rule set.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmlsafe.h"

/* A pathological pattern gives up here and is counted as an error for that answer. */
#define RULES_MATCH_LIMIT 200000
#define RULES_DEPTH_LIMIT 5000

struct parse {
	const char *name;
	struct err *e;
	int oom;
};

static char *dup_attr(struct parse *p, xmlNodePtr n, const char *name)
{
	return xmlsafe_attr_dup(n, name, &p->oom);
}

static char *dup_text(struct parse *p, xmlNodePtr n)
{
	char *s = xmlsafe_text(n);

	if (!s)
		p->oom = 1;
	return s;
}

static size_t count_children(xmlNodePtr n, const char *name)
{
	size_t k = 0;

	for (xmlNodePtr c = xmlsafe_first(n); c; c = xmlsafe_next(c))
		k += xmlsafe_is(c, name);
	return k;
}

/*
 * Compiles one pattern; a pattern that does not compile is reported with the
 * part of it around the problem and a caret under the column.
 */
static void compile(struct parse *p, struct rule_pattern *pat, int caseless)
{
	int errcode;
	PCRE2_SIZE off;
	/* The offset limit lets the prefilter try a pattern only where a match can start. */
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT | (caseless ? PCRE2_CASELESS : 0);

	pat->caseless = caseless;
	pat->code = pcre2_compile((PCRE2_SPTR)pat->source, PCRE2_ZERO_TERMINATED, opts, &errcode,
				  &off, NULL);
	if (!pat->code) {
		PCRE2_UCHAR msg[256];
		size_t len = strlen(pat->source), from = off > 40 ? off - 40 : 0;
		int shown = (int)(len - from > 80 ? 80 : len - from);

		pcre2_get_error_message(errcode, msg, sizeof msg);
		err_set(p->e, EXIT_DATA,
			"%s:%ld: pattern %s does not compile at column %zu: %s\n    %s%.*s\n    %*s^",
			p->name, pat->line, pat->id, (size_t)off + 1, (const char *)msg,
			from ? "..." : "", shown, pat->source + from, (int)(off - from) + (from ? 3 : 0),
			"");
		return;
	}
	/* JIT where the platform has it; the interpreter gives the same answers. */
	pat->jit = pcre2_jit_compile(pat->code, PCRE2_JIT_COMPLETE) == 0;
}

static void read_patterns(struct parse *p, xmlNodePtr tn, const char *what, const char *code,
			  struct rule_pattern **out, size_t *n)
{
	size_t cap = count_children(tn, what);

	if (!cap)
		return;
	if (!(*out = calloc(cap, sizeof **out))) {
		p->oom = 1;
		return;
	}
	for (xmlNodePtr c = xmlsafe_first(tn); c; c = xmlsafe_next(c)) {
		struct rule_pattern *pat;
		char *id, *cs;
		char buf[96];

		if (!xmlsafe_is(c, what))
			continue;
		pat = &(*out)[(*n)++];
		pat->line = xmlsafe_line(c);
		pat->source = dup_text(p, c);
		id = dup_attr(p, c, "id");
		if (id) {
			pat->id = id;
		} else {
			snprintf(buf, sizeof buf, "%s/%s%zu", code, *what == 'e' ? "exclude" : "",
				 *n);
			if (!(pat->id = strdup(buf)))
				p->oom = 1;
		}
		cs = dup_attr(p, c, "case");
		if (pat->source)
			compile(p, pat, !(cs && !strcmp(cs, "sensitive")));
		free(cs);
	}
}

static void read_theme(struct parse *p, xmlNodePtr tn, struct rule_theme *t)
{
	xmlNodePtr q;

	t->line = xmlsafe_line(tn);
	t->code = dup_attr(p, tn, "code");
	t->label = dup_attr(p, tn, "label");
	t->parent_code = dup_attr(p, tn, "parent");
	t->parent = -1;
	if (xmlsafe_child(tn, "description"))
		t->description = dup_text(p, xmlsafe_child(tn, "description"));
	if ((q = xmlsafe_child(tn, "questions"))) {
		char *list = dup_text(p, q), *save = NULL;

		for (char *tok = list ? strtok_r(list, " \t\r\n", &save) : NULL; tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			char **more = realloc(t->questions, (t->nquestions + 1) * sizeof *more);

			if (!more || !(more[t->nquestions] = strdup(tok))) {
				if (more)
					t->questions = more;
				p->oom = 1;
				break;
			}
			t->questions = more;
			t->nquestions++;
		}
		free(list);
	}
	read_patterns(p, tn, "include", t->code, &t->includes, &t->nincludes);
	read_patterns(p, tn, "exclude", t->code, &t->excludes, &t->nexcludes);
	if ((t->examples = calloc(count_children(tn, "example") + 1, sizeof *t->examples))) {
		for (xmlNodePtr c = xmlsafe_first(tn); c; c = xmlsafe_next(c)) {
			struct rule_example *x;
			char *m;

			if (!xmlsafe_is(c, "example"))
				continue;
			x = &t->examples[t->nexamples++];
			x->line = xmlsafe_line(c);
			x->text = dup_text(p, c);
			m = dup_attr(p, c, "match");
			x->must_match = m && (!strcmp(m, "true") || !strcmp(m, "1"));
			free(m);
		}
	} else {
		p->oom = 1;
	}
}

int rules_find(const struct ruleset *rs, const char *code)
{
	for (size_t i = 0; code && i < rs->nthemes; i++)
		if (!strcmp(rs->themes[i].code, code))
			return (int)i;
	return -1;
}

/* Codes unique, parents known, no cycles; depth from the root. */
static void link_themes(struct parse *p, struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct rule_theme *t = &rs->themes[i];
		int first = rules_find(rs, t->code);

		if (first >= 0 && (size_t)first != i)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme code '%s' is used twice (first on line %ld)",
				p->name, t->line, t->code, rs->themes[first].line);
		if (t->parent_code && (t->parent = rules_find(rs, t->parent_code)) < 0)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' has parent '%s', which is not a theme",
				p->name, t->line, t->code, t->parent_code);
		if (!t->nincludes && !t->parent_code) {
			/* A top-level theme may stand for its children alone. */
		}
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct rule_theme *t = &rs->themes[i];
		int depth = 1, at = t->parent;

		while (at >= 0 && depth <= (int)rs->nthemes) {
			at = rs->themes[at].parent;
			depth++;
		}
		if (depth > (int)rs->nthemes) {
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' is its own ancestor: the parents "
						 "form a cycle",
				p->name, t->line, t->code);
			t->parent = -1;
			depth = 1;
		}
		t->depth = depth;
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		int has_child = 0;

		for (size_t j = 0; j < rs->nthemes && !has_child; j++)
			has_child = rs->themes[j].parent == (int)i;
		if (!rs->themes[i].nincludes && !has_child)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' has no include pattern and no "
						 "sub-themes, so it can never be found",
				p->name, rs->themes[i].line, rs->themes[i].code);
	}
}

struct ruleset *rules_parse(const char *buf, size_t len, const char *name, struct err *e)
{
	struct parse p = { name, e, 0 };
	struct ruleset *rs = NULL;
	xmlDocPtr doc;
	xmlNodePtr root;
	int before = e->nlines;

	if (!(doc = xmlsafe_parse_valid(buf, len, name, "rules.rng", e)))
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (!(rs = calloc(1, sizeof *rs)) || !(rs->path = strdup(name)) ||
	    !(rs->themes = calloc(count_children(root, "theme") + 1, sizeof *rs->themes)) ||
	    !(rs->mctx = pcre2_match_context_create(NULL))) {
		p.oom = 1;
		goto out;
	}
	pcre2_set_match_limit(rs->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, RULES_DEPTH_LIMIT);
	sha256_hex(buf, len, rs->sha256);
	if (xmlsafe_child(root, "title"))
		rs->title = dup_text(&p, xmlsafe_child(root, "title"));
	for (xmlNodePtr c = xmlsafe_first(root); c && !p.oom; c = xmlsafe_next(c))
		if (xmlsafe_is(c, "theme"))
			read_theme(&p, c, &rs->themes[rs->nthemes++]);
	if (!p.oom)
		link_themes(&p, rs);
	for (size_t i = 0; i < rs->nthemes; i++) {
		rs->themes[i].first_include = rs->nincludes;
		rs->nincludes += rs->themes[i].nincludes;
	}
out:
	xmlFreeDoc(doc);
	if (p.oom)
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
	if (e->nlines > before || err_isset(e)) {
		ruleset_free(rs);
		return NULL;
	}
	return rs;
}

struct ruleset *rules_load(const char *path, struct err *e)
{
	char *buf;
	size_t len;
	struct ruleset *rs;

	if (file_read_all(path, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return NULL;
	rs = rules_parse(buf, len, path, e);
	free(buf);
	return rs;
}

static void patterns_free(struct rule_pattern *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].source);
		pcre2_code_free(v[i].code);
	}
	free(v);
}

void ruleset_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct rule_theme *t = &rs->themes[i];

		free(t->code);
		free(t->label);
		free(t->description);
		free(t->parent_code);
		for (size_t k = 0; k < t->nquestions; k++)
			free(t->questions[k]);
		free(t->questions);
		patterns_free(t->includes, t->nincludes);
		patterns_free(t->excludes, t->nexcludes);
		for (size_t k = 0; k < t->nexamples; k++)
			free(t->examples[k].text);
		free(t->examples);
	}
	free(rs->themes);
	free(rs->title);
	free(rs->path);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

/* 1 match, 0 none, -1 error; the match's span in *start, *end. */
static int run_pattern(const struct ruleset *rs, const struct rule_pattern *pat, const char *text,
		       size_t len, uint32_t opts, pcre2_match_data *md, size_t *start, size_t *end)
{
	int rc;

	if (!pat->code)
		return -1;
	rc = pcre2_match(pat->code, (PCRE2_SPTR)text, len, 0, opts, md, rs->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	if (start) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

		*start = ov[0];
		*end = ov[1];
	}
	return 1;
}

enum rule_result rules_match(const struct ruleset *rs, const struct rule_theme *t,
			     const char *text, size_t len, int checked, pcre2_match_data *md,
			     struct rule_hit *hit)
{
	return rules_match_only(rs, t, text, len, checked, md, NULL, hit);
}

enum rule_result rules_match_only(const struct ruleset *rs, const struct rule_theme *t,
				  const char *text, size_t len, int checked, pcre2_match_data *md,
				  const uint64_t *only, struct rule_hit *hit)
{
	uint32_t opts = checked ? PCRE2_NO_UTF_CHECK : 0;
	int found = 0, error = 0;

	for (size_t i = 0; i < t->nincludes && !found; i++) {
		size_t bit = t->first_include + i;
		int rc;

		if (only && !(only[bit / 64] >> (bit % 64) & 1))
			continue;
		rc = run_pattern(rs, &t->includes[i], text, len, opts, md, &hit->start, &hit->end);
		if (rc > 0) {
			found = 1;
			hit->rule = &t->includes[i];
		} else if (rc < 0) {
			error = 1;
		}
	}
	if (!found)
		return error ? RULE_ERROR : RULE_NO_MATCH;
	for (size_t i = 0; i < t->nexcludes; i++) {
		int rc = run_pattern(rs, &t->excludes[i], text, len, opts, md, NULL, NULL);

		if (rc > 0)
			return RULE_NO_MATCH;
		if (rc < 0)
			return RULE_ERROR;
	}
	return RULE_MATCH;
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

int rules_tag_answer(const struct ruleset *rs, const char *text, size_t len,
		     const char *question, pcre2_match_data *md, struct rule_tag *out)
{
	int n = 0;

	/* Validated once here, so the patterns can skip the check. */
	if (!utf8_check(text, len, NULL))
		return -1;
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		enum rule_result r;

		if (!t->nincludes || !rules_applies(t, question))
			continue;
		r = rules_match(rs, t, text, len, 1, md, &out[n].hit);
		if (r == RULE_NO_MATCH)
			continue;
		out[n].theme = i;
		out[n++].result = r;
	}
	return n;
}

/* Whether theme `i` or any of its descendants matches `text`. */
static enum rule_result match_with_children(const struct ruleset *rs, size_t i, const char *text,
					    pcre2_match_data *md, struct rule_hit *hit)
{
	enum rule_result r = rules_match(rs, &rs->themes[i], text, strlen(text), 0, md, hit);

	for (size_t j = 0; r != RULE_MATCH && j < rs->nthemes; j++)
		if (rs->themes[j].parent == (int)i) {
			enum rule_result c = match_with_children(rs, j, text, md, hit);

			if (c != RULE_NO_MATCH)
				r = c;
		}
	return r;
}

int rules_check_examples(const struct ruleset *rs, FILE *out)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int failures = 0, total = 0;

	if (!md) {
		fprintf(out, "%s: out of memory\n", rs->path);
		return 1;
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];

		for (size_t k = 0; k < t->nexamples; k++) {
			const struct rule_example *x = &t->examples[k];
			struct rule_hit hit = { 0 };
			/* A parent's example may be found through any of its sub-themes. */
			enum rule_result r = match_with_children(rs, i, x->text, md, &hit);

			total++;
			if (r == RULE_ERROR) {
				fprintf(out, "FAIL %s:%ld: %s: a pattern failed (match limit?) on \"%s\"\n",
					rs->path, x->line, t->code, x->text);
				failures++;
			} else if ((r == RULE_MATCH) != x->must_match) {
				if (x->must_match)
					fprintf(out, "FAIL %s:%ld: %s: expected a match, got none: \"%s\"\n",
						rs->path, x->line, t->code, x->text);
				else
					fprintf(out, "FAIL %s:%ld: %s: expected no match, but %s matched "
						     "\"%.*s\" in \"%s\"\n",
						rs->path, x->line, t->code, hit.rule->id,
						(int)(hit.end - hit.start), x->text + hit.start, x->text);
				failures++;
			}
		}
	}
	fprintf(out, "%s: %zu themes, %d examples, %d passed, %d failed\n", rs->path, rs->nthemes,
		total, total - failures, failures);
	pcre2_match_data_free(md);
	return failures;
}
