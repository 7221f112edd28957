/*
 * rules.c: reading, compiling and checking a theme rule set.
 */
#include "rules.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rules_lang.h"
#include "strbuf.h"
#include "utf8.h"
#include "xmlsafe.h"

/* A pathological pattern gives up here and is counted as an error for that answer. */
#define RULES_MATCH_LIMIT 200000
#define RULES_DEPTH_LIMIT 5000

struct parse {
	const char *name;
	struct err *e;
	int oom;
	struct ruleset *rs;
	int draft; /* themes without patterns are allowed: a set being written */
	int lazy;  /* patterns are not compiled here (rules_parse_lazy()); 2: nor the schema checked */
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

/* Adds the space-separated words of `list` to *v. */
static void split_list(struct parse *p, const char *list, char ***v, size_t *n)
{
	char *copy = list ? strdup(list) : NULL, *save = NULL;
	/* At least *n are allocated: a low guess only costs one realloc more. */
	size_t alloc = *n;

	if (list && !copy)
		p->oom = 1;
	for (char *tok = copy ? strtok_r(copy, " \t\r\n", &save) : NULL; tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (ALLOC_GROW(*v, *n + 1, alloc) < 0 || !((*v)[*n] = strdup(tok))) {
			p->oom = 1;
			break;
		}
		(*n)++;
	}
	free(copy);
}

/*
 * The PCRE2 text of pattern element `c`: its word lists put in, then
 * `near` or `not-preceded-by` written out (rules_lang.h). NULL with the
 * problem reported (or p->oom).
 */
static char *pattern_text(struct parse *p, xmlNodePtr c, const struct rule_pattern *pat)
{
	char why[512], *text, *other, *wrapped = NULL, *w;
	const char *how = xmlHasProp(c, BAD_CAST "near") ? "near" : "not-preceded-by";
	int within = 3;

	if (!(text = rules_lang_expand(p->rs, pat->written, why, sizeof why)))
		goto fail;
	if (!(other = dup_attr(p, c, how)))
		return text;
	if ((w = dup_attr(p, c, "within"))) {
		within = atoi(w);
		free(w);
	}
	if (!*other) {
		free(other);
		return text;
	}
	w = rules_lang_expand(p->rs, other, why, sizeof why);
	free(other);
	if (!w) {
		free(text);
		goto fail;
	}
	if (!strcmp(how, "near"))
		wrapped = rules_lang_near(text, w, within);
	else
		wrapped = rules_lang_not_preceded(text, w, within);
	free(text);
	free(w);
	if (!wrapped)
		p->oom = 1;
	return wrapped;
fail:
	if (*why)
		err_set(p->e, EXIT_DATA, "%s:%ld: pattern %s cannot be read: %s", p->name, pat->line,
			pat->id, why);
	else
		p->oom = 1;
	return NULL;
}

/*
 * Compiles one pattern; a pattern that does not compile is reported with the
 * part of it around the problem and a caret under the column.
 */
static pcre2_code *compile_code(const struct rule_pattern *pat, int *errcode, PCRE2_SIZE *off)
{
	/* The offset limit lets the prefilter try a pattern only where a match can start. */
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT |
			(pat->caseless ? PCRE2_CASELESS : 0);

	return pcre2_compile((PCRE2_SPTR)pat->source, PCRE2_ZERO_TERMINATED, opts, errcode, off,
			     NULL);
}

static void compile(struct parse *p, struct rule_pattern *pat, int caseless)
{
	int errcode;
	PCRE2_SIZE off;

	pat->caseless = caseless;
	if (p->lazy)
		return; /* on first use (rules_pattern_code()) */
	pat->code = compile_code(pat, &errcode, &off);
	if (!pat->code) {
		PCRE2_UCHAR msg[256];
		size_t len = strlen(pat->source), from = off > 40 ? off - 40 : 0;
		int shown;

		/* The excerpt starts and ends between characters, so stays UTF-8. */
		while (from < off && ((unsigned char)pat->source[from] & 0xc0) == 0x80)
			from++;
		shown = (int)(len - from > 80 ? 80 : len - from);
		while (shown > 0 && from + (size_t)shown < len &&
		       ((unsigned char)pat->source[from + (size_t)shown] & 0xc0) == 0x80)
			shown--;

		pcre2_get_error_message(errcode, msg, sizeof msg);
		err_set(p->e, EXIT_DATA,
			"%s:%ld: pattern %s does not compile at column %zu%s: %s\n    %s%.*s\n    %*s^",
			p->name, pat->line, pat->id, (size_t)off + 1,
			pat->written ? " (of it with its word lists and near put in)" : "",
			(const char *)msg, from ? "..." : "", shown, pat->source + from,
			(int)(off - from) + (from ? 3 : 0), "");
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
		pat->written = dup_text(p, c);
		id = dup_attr(p, c, "id");
		if (id) {
			pat->id = id;
		} else {
			snprintf(buf, sizeof buf, "%s/%s%zu", code, *what == 'e' ? "exclude" : "",
				 *n);
			if (!(pat->id = strdup(buf)))
				p->oom = 1;
		}
		cs = dup_attr(p, c, "questions");
		split_list(p, cs, &pat->questions, &pat->nquestions);
		free(cs);
		if (pat->written && pat->id && (pat->source = pattern_text(p, c, pat)) &&
		    !strcmp(pat->source, pat->written)) {
			free(pat->written); /* nothing was put in */
			pat->written = NULL;
		}
		cs = dup_attr(p, c, "case");
		if (pat->source)
			compile(p, pat, !(cs && !strcmp(cs, "sensitive")));
		free(cs);
	}
}

/* The slot of question `code` in the set's when_questions, added if new. */
static size_t when_slot(struct parse *p, const char *code)
{
	struct ruleset *rs = p->rs;

	for (size_t i = 0; i < rs->nwhen_questions; i++)
		if (!strcmp(rs->when_questions[i], code))
			return i;
	if (ALLOC_GROW(rs->when_questions, rs->nwhen_questions + 1, rs->when_questions_alloc) < 0 ||
	    !(rs->when_questions[rs->nwhen_questions] = strdup(code))) {
		p->oom = 1;
		return 0;
	}
	return rs->nwhen_questions++;
}

/* <when> and <unless>. */
static void read_conditions(struct parse *p, xmlNodePtr tn, struct rule_theme *t)
{
	size_t cap = count_children(tn, "when") + count_children(tn, "unless");

	if (!cap)
		return;
	if (!(t->when = calloc(cap, sizeof *t->when))) {
		p->oom = 1;
		return;
	}
	for (xmlNodePtr c = xmlsafe_first(tn); c && !p->oom; c = xmlsafe_next(c)) {
		struct rule_when *w;
		char *is;

		if (!xmlsafe_is(c, "when") && !xmlsafe_is(c, "unless"))
			continue;
		w = &t->when[t->nwhen++];
		w->negate = xmlsafe_is(c, "unless");
		w->line = xmlsafe_line(c);
		if (!(w->question = dup_attr(p, c, "question")))
			break;
		w->slot = when_slot(p, w->question);
		if ((is = dup_attr(p, c, "is"))) {
			split_list(p, is, &w->values, &w->nvalues);
			free(is);
		}
	}
}

static void read_theme(struct parse *p, xmlNodePtr tn, struct rule_theme *t)
{
	xmlNodePtr q;
	char *g;

	t->line = xmlsafe_line(tn);
	t->code = dup_attr(p, tn, "code");
	t->label = dup_attr(p, tn, "label");
	t->parent_code = dup_attr(p, tn, "parent");
	t->parent = -1;
	if (xmlsafe_child(tn, "description"))
		t->description = dup_text(p, xmlsafe_child(tn, "description"));
	if ((q = xmlsafe_child(tn, "questions"))) {
		char *list = dup_text(p, q);

		split_list(p, list, &t->questions, &t->nquestions);
		free(list);
	}
	t->group = dup_attr(p, tn, "group");
	t->group_id = -1;
	if ((g = dup_attr(p, tn, "otherwise"))) {
		t->otherwise = !strcmp(g, "true") || !strcmp(g, "1");
		free(g);
	}
	if ((g = dup_attr(p, tn, "safeguarding"))) {
		t->safeguarding = !strcmp(g, "true") || !strcmp(g, "1");
		free(g);
	}
	t->fallback.line = t->line;
	if (t->code && !(t->fallback.id = malloc(strlen(t->code) + sizeof "/otherwise")))
		p->oom = 1;
	else if (t->code)
		sprintf(t->fallback.id, "%s/otherwise", t->code);
	read_conditions(p, tn, t);
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

/*
 * Groups numbered in the order they first appear; a fallback (otherwise)
 * needs a group, has no patterns, and is its group's only one.
 */
static void link_groups(struct parse *p, struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct rule_theme *t = &rs->themes[i];

		if (t->group) {
			for (size_t j = 0; j < i && t->group_id < 0; j++)
				if (rs->themes[j].group && !strcmp(rs->themes[j].group, t->group))
					t->group_id = rs->themes[j].group_id;
			if (t->group_id < 0)
				t->group_id = (int)rs->ngroups++;
		}
		if (!t->otherwise)
			continue;
		if (!t->group)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' is otherwise=\"true\" but in no "
						 "group: a fallback takes what the rest of its group left",
				p->name, t->line, t->code);
		if (t->nincludes || t->nexcludes)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' is its group's fallback "
						 "(otherwise=\"true\"), so it cannot have patterns",
				p->name, t->line, t->code);
		for (size_t j = 0; j < i; j++)
			if (rs->themes[j].otherwise && t->group_id >= 0 &&
			    rs->themes[j].group_id == t->group_id)
				err_set(p->e, EXIT_DATA, "%s:%ld: group '%s' has a second fallback theme "
							 "'%s' (the first is '%s', line %ld)",
					p->name, t->line, t->group, t->code, rs->themes[j].code,
					rs->themes[j].line);
	}
}

/*
 * A safeguarding theme's sub-themes are safeguarding themes too. It stands
 * apart from the themes that are counted: it cannot be under one (its
 * matches would count toward it) nor in a single-label group (it would take
 * answers from the others).
 */
static void link_safeguarding(struct parse *p, struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct rule_theme *t = &rs->themes[i];

		for (int at = t->parent, n = 0; at >= 0 && n <= (int)rs->nthemes;
		     at = rs->themes[at].parent, n++)
			if (rs->themes[at].safeguarding)
				t->safeguarding = 1;
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		struct rule_theme *t = &rs->themes[i];

		if (t->safeguarding && t->parent >= 0 && !rs->themes[t->parent].safeguarding)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' is safeguarding=\"true\" but its "
						 "parent '%s' is not: a safeguarding theme is never "
						 "counted, so it cannot count toward a theme that is",
				p->name, t->line, t->code, rs->themes[t->parent].code);
		if (t->safeguarding && t->group)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' is safeguarding=\"true\" and in "
						 "group '%s': it would take answers from the group's "
						 "counted themes; take it out of the group",
				p->name, t->line, t->code, t->group);
	}
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
	link_groups(p, rs);
	link_safeguarding(p, rs);
	for (size_t i = 0; i < rs->nthemes; i++) {
		int has_child = 0;

		for (size_t j = 0; j < rs->nthemes && !has_child; j++)
			has_child = rs->themes[j].parent == (int)i;
		if (!rs->themes[i].nincludes && !has_child && !rs->themes[i].otherwise && !p->draft)
			err_set(p->e, EXIT_DATA, "%s:%ld: theme '%s' has no include pattern and no "
						 "sub-themes, so it can never be found",
				p->name, rs->themes[i].line, rs->themes[i].code);
	}
}

/*
 * The <words> lists, each one alternatives joined with |: a list may put
 * them on lines of their own. Each is expanded and compiled on its own,
 * so a broken list is reported at its line.
 */
static void read_words(struct parse *p, xmlNodePtr root)
{
	struct ruleset *rs = p->rs;
	size_t cap = count_children(root, "words");
	char why[512];
	size_t bad;
	int rc;

	if (!cap || !(rs->words = calloc(cap, sizeof *rs->words))) {
		p->oom |= cap > 0;
		return;
	}
	for (xmlNodePtr c = xmlsafe_first(root); c && !p->oom; c = xmlsafe_next(c)) {
		struct rule_words *w;
		char *text, *save = NULL, *out;
		size_t at = 0;

		if (!xmlsafe_is(c, "words"))
			continue;
		w = &rs->words[rs->nwords++];
		w->line = xmlsafe_line(c);
		w->name = dup_attr(p, c, "name");
		if (!w->name || !(text = dup_text(p, c)))
			return;
		if (!(out = w->body = calloc(strlen(text) + 2, 1))) {
			p->oom = 1;
			free(text);
			return;
		}
		for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
			size_t n;

			while (*ln == ' ' || *ln == '\t' || *ln == '\r')
				ln++;
			n = strlen(ln);
			while (n && (ln[n - 1] == ' ' || ln[n - 1] == '\t' || ln[n - 1] == '\r'))
				n--;
			if (!n)
				continue;
			if (at)
				out[at++] = '|';
			memcpy(out + at, ln, n);
			at += n;
		}
		out[at] = '\0';
		free(text);
		for (size_t k = 0; k + 1 < rs->nwords; k++)
			if (!strcmp(rs->words[k].name, w->name))
				err_set(p->e, EXIT_DATA, "%s:%ld: word list '%s' is defined twice (first "
							 "on line %ld)",
					p->name, w->line, w->name, rs->words[k].line);
	}
	while ((rc = rules_lang_expand_lists(rs, why, sizeof why, &bad)) == -1) {
		err_set(p->e, EXIT_DATA, "%s:%ld: word list '%s' cannot be used: %s", p->name,
			rs->words[bad].line, rs->words[bad].name, why);
		if (rs->words[bad].expanded) {
			/* it does not compile: used in a pattern, it would not either */
			free(rs->words[bad].expanded);
			rs->words[bad].expanded = NULL;
		}
	}
	if (rc == -2)
		p->oom = 1;
}

static struct ruleset *parse_set(const char *buf, size_t len, const char *name, int draft,
				 int lazy, struct err *e)
{
	struct parse p = { name, e, 0, NULL, draft, lazy };
	struct ruleset *rs = NULL;
	xmlDocPtr doc;
	xmlNodePtr root;
	int before = e->nlines;

	/* lazy 2: bytes that passed the schema with this very code (a cache entry). */
	if (!(doc = lazy == 2 ? xmlsafe_parse(buf, len, name, e) :
		    xmlsafe_parse_valid(buf, len, name, "rules.rng", e)))
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
	rs->lazy = lazy != 0;
	p.rs = rs;
	if (xmlsafe_child(root, "title"))
		rs->title = dup_text(&p, xmlsafe_child(root, "title"));
	read_words(&p, root);
	for (xmlNodePtr c = xmlsafe_first(root); c && !p.oom; c = xmlsafe_next(c))
		if (xmlsafe_is(c, "theme"))
			read_theme(&p, c, &rs->themes[rs->nthemes++]);
	if (!p.oom)
		link_themes(&p, rs);
	if (rs->nwhen_questions > RULES_MAX_WHEN)
		err_set(e, EXIT_DATA, "%s: <when> and <unless> look at %zu questions, more than the "
				      "%d a rule set may", name, rs->nwhen_questions, RULES_MAX_WHEN);
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

struct ruleset *rules_parse(const char *buf, size_t len, const char *name, struct err *e)
{
	return parse_set(buf, len, name, 0, 0, e);
}

static struct ruleset *load_set(const char *path, int draft, struct err *e)
{
	char *buf;
	size_t len;
	struct ruleset *rs;

	if (file_read_all(path, XMLSAFE_MAX_FILE, &buf, &len, e) < 0)
		return NULL;
	rs = parse_set(buf, len, path, draft, 0, e);
	free(buf);
	return rs;
}

struct ruleset *rules_load(const char *path, struct err *e)
{
	return load_set(path, 0, e);
}

struct ruleset *rules_load_draft(const char *path, struct err *e)
{
	return load_set(path, 1, e);
}

struct ruleset *rules_parse_lazy(const char *buf, size_t len, const char *name, int checked,
			       struct err *e)
{
	struct err quiet;
	struct ruleset *rs;

	err_init(&quiet);
	if ((rs = parse_set(buf, len, name, 0, checked ? 2 : 1, &quiet))) {
		/* Kept for rules_compile()'s messages; a checked set is known to compile. */
		if (checked)
			return rs;
		if (!(rs->bytes = malloc(len + 1))) {
			ruleset_free(rs);
			err_set(e, EXIT_SYSTEM, "out of memory reading %s", name);
			return NULL;
		}
		memcpy(rs->bytes, buf, len);
		rs->nbytes = len;
		return rs;
	}
	/* Said as rules_load() says it, with every pattern compiled. */
	return parse_set(buf, len, name, 0, 0, e);
}

/* Whether the word lists and patterns of lazily read `rs` all compile. */
static int all_compile(struct ruleset *rs)
{
	int errcode;
	PCRE2_SIZE off;

	for (size_t i = 0; i < rs->nwords; i++) {
		pcre2_code *c = !rs->words[i].expanded ? NULL :
				pcre2_compile((PCRE2_SPTR)rs->words[i].expanded,
					      PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
					      &errcode, &off, NULL);

		if (!c)
			return 0;
		pcre2_code_free(c);
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];

		for (size_t k = 0; k < t->nincludes + t->nexcludes; k++)
			if (!rules_pattern_code(k < t->nincludes ? &t->includes[k] :
						&t->excludes[k - t->nincludes]))
				return 0;
	}
	return 1;
}

int rules_compile(struct ruleset *rs, struct err *e)
{
	struct ruleset *full;

	if (!rs->lazy || !rs->bytes)
		return 0;
	if (all_compile(rs)) {
		free(rs->bytes);
		rs->bytes = NULL;
		return 0;
	}
	/* Something does not compile: read again as rules_load() reads, for its messages. */
	if ((full = parse_set(rs->bytes, rs->nbytes, rs->path, 0, 0, e))) {
		ruleset_free(full);
		return err_set(e, EXIT_SYSTEM, "%s: a pattern compiled once and not again",
			       rs->path);
	}
	return -1;
}

/* Compiles pattern by pattern as they are first used, in any thread. */
static pthread_mutex_t lazy_mu = PTHREAD_MUTEX_INITIALIZER;

const pcre2_code *rules_pattern_code(const struct rule_pattern *pat)
{
	pcre2_code *code = __atomic_load_n(&pat->code, __ATOMIC_ACQUIRE);
	struct rule_pattern *w = (struct rule_pattern *)pat; /* filled in once, under lazy_mu */
	int errcode;
	PCRE2_SIZE off;

	if (code || !pat->source)
		return code;
	pthread_mutex_lock(&lazy_mu);
	if (!(code = pat->code) && !pat->failed) {
		if ((code = compile_code(pat, &errcode, &off))) {
			w->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
			__atomic_store_n(&w->code, code, __ATOMIC_RELEASE);
		} else {
			w->failed = 1;
		}
	}
	pthread_mutex_unlock(&lazy_mu);
	return code;
}

static void patterns_free(struct rule_pattern *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].source);
		free(v[i].written);
		for (size_t k = 0; k < v[i].nquestions; k++)
			free(v[i].questions[k]);
		free(v[i].questions);
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
		for (size_t k = 0; k < t->nwhen; k++) {
			free(t->when[k].question);
			for (size_t v = 0; v < t->when[k].nvalues; v++)
				free(t->when[k].values[v]);
			free(t->when[k].values);
		}
		free(t->when);
		free(t->group);
		free(t->fallback.id);
		patterns_free(t->includes, t->nincludes);
		patterns_free(t->excludes, t->nexcludes);
		for (size_t k = 0; k < t->nexamples; k++)
			free(t->examples[k].text);
		free(t->examples);
	}
	free(rs->themes);
	for (size_t i = 0; i < rs->nwords; i++) {
		free(rs->words[i].name);
		free(rs->words[i].body);
		free(rs->words[i].expanded);
	}
	free(rs->words);
	for (size_t i = 0; i < rs->nwhen_questions; i++)
		free(rs->when_questions[i]);
	free(rs->when_questions);
	free(rs->title);
	free(rs->path);
	free(rs->bytes);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

/* 1 match, 0 none, -1 error; the match's span in *start, *end. */
static int run_pattern(const struct ruleset *rs, const struct rule_pattern *pat, const char *text,
		       size_t len, uint32_t opts, pcre2_match_data *md, size_t *start, size_t *end)
{
	const pcre2_code *code = rules_pattern_code(pat);
	int rc;

	if (!code)
		return -1;
	rc = pcre2_match(code, (PCRE2_SPTR)text, len, 0, opts, md, rs->mctx);
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

/* rules_match_only() for an answer to `question` (NULL: every pattern applies). */
static enum rule_result match_in(const struct ruleset *rs, const struct rule_theme *t,
				 const char *text, size_t len, int checked, pcre2_match_data *md,
				 const uint64_t *only, const char *question, struct rule_hit *hit)
{
	uint32_t opts = checked ? PCRE2_NO_UTF_CHECK : 0;
	int found = 0, error = 0;

	for (size_t i = 0; i < t->nincludes && !found; i++) {
		size_t bit = t->first_include + i;
		int rc;

		if (only && !(only[bit / 64] >> (bit % 64) & 1))
			continue;
		if (!rules_pattern_applies(&t->includes[i], question))
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
		int rc;

		if (!rules_pattern_applies(&t->excludes[i], question))
			continue;
		rc = run_pattern(rs, &t->excludes[i], text, len, opts, md, NULL, NULL);
		if (rc > 0)
			return RULE_NO_MATCH;
		if (rc < 0)
			return RULE_ERROR;
	}
	return RULE_MATCH;
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
	return match_in(rs, t, text, len, checked, md, only, NULL, hit);
}

int rules_tag_answer(const struct ruleset *rs, const char *text, size_t len,
		     const char *question, pcre2_match_data *md, struct rule_tag *out)
{
	struct rule_context c = { question, NULL };

	return rules_tag_answer_in(rs, text, len, &c, md, out);
}

int rules_tag_answer_in(const struct ruleset *rs, const char *text, size_t len,
			const struct rule_context *c, pcre2_match_data *md, struct rule_tag *out)
{
	int n = 0;

	/* Validated once here, so the patterns can skip the check. */
	if (!utf8_check(text, len, NULL))
		return -1;
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		enum rule_result r;

		if (!t->nincludes || !rules_applies_in(rs, t, c))
			continue;
		r = match_in(rs, t, text, len, 1, md, NULL, c->question, &out[n].hit);
		if (r == RULE_NO_MATCH)
			continue;
		out[n].theme = i;
		out[n++].result = r;
	}
	return rules_resolve_groups(rs, c, len, out, n);
}

/* Whether theme `j` is theme `i` or one of its descendants. */
static int is_under(const struct ruleset *rs, int j, int i)
{
	for (int d = 0; j >= 0 && d <= (int)rs->nthemes; d++, j = rs->themes[j].parent)
		if (j == i)
			return 1;
	return 0;
}

/*
 * Whether theme `i` or any of its descendants is found in `text`, tagged
 * as an answer is (groups and fallbacks included), whatever its question
 * and conditions. `tags` has room for the set's themes.
 */
static enum rule_result match_with_children(const struct ruleset *rs, size_t i, const char *text,
					    pcre2_match_data *md, struct rule_tag *tags,
					    struct rule_hit *hit)
{
	struct rule_context c = { NULL, NULL };
	int n = rules_tag_answer_in(rs, text, strlen(text), &c, md, tags);
	enum rule_result r = n < 0 ? RULE_ERROR : RULE_NO_MATCH;

	for (int k = 0; k < n && r != RULE_MATCH; k++)
		if (is_under(rs, (int)tags[k].theme, (int)i)) {
			r = tags[k].result;
			if (r == RULE_MATCH)
				*hit = tags[k].hit;
		}
	return r;
}

int rules_check_examples(const struct ruleset *rs, FILE *out)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct rule_tag *tags = calloc(rs->nthemes + 1, sizeof *tags);
	int failures = 0, total = 0;

	if (!md || !tags) {
		fprintf(out, "%s: out of memory\n", rs->path);
		pcre2_match_data_free(md);
		free(tags);
		return 1;
	}
	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];

		for (size_t k = 0; k < t->nexamples; k++) {
			const struct rule_example *x = &t->examples[k];
			struct rule_hit hit = { 0 };
			/* A parent's example may be found through any of its sub-themes. */
			enum rule_result r = match_with_children(rs, i, x->text, md, tags, &hit);

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
	free(tags);
	pcre2_match_data_free(md);
	return failures;
}
