/*
 * rules.h: theme rule sets (docs/rules-format.md).
 *
 * A rule set is a flat list of themes, each with an optional parent (a
 * sub-theme counts toward its parent), include patterns, exclude patterns
 * (an exclude match cancels the theme for that answer), an optional list of
 * the questions it applies to, and examples that must or must not match.
 * Patterns are PCRE2 with UTF and Unicode properties, caseless unless they
 * say otherwise, compiled and JIT-compiled once when the set is loaded.
 * Named word lists ({staff}), `near` and `not-preceded-by` are written into
 * each pattern's PCRE2 text before it is compiled (rules_lang.h); the
 * conditions on other answers and the single-label groups are applied per
 * answer with a struct rule_context (rules_apply.c).
 */
#ifndef TALLY_RULES_H
#define TALLY_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "fileutil.h"

struct rule_pattern {
	char *id;             /* "THEME/2" or the pattern's own id */
	char *source;         /* the PCRE2 text compiled: as written, word lists and near put in */
	char *written;        /* the pattern as written, when that is not `source`; else NULL */
	char **questions;     /* NULL: every question the theme applies to */
	size_t nquestions;
	long line;            /* in the rules file */
	int caseless;         /* compiled with PCRE2_CASELESS */
	int jit;              /* JIT-compiled: pcre2_jit_match() may be used */
	int failed;           /* read lazily, it did not compile (rules_pattern_code()) */
	pcre2_code *code;     /* NULL until first used in a set read lazily: see
				 rules_pattern_code() */
};

struct rule_example {
	char *text;
	int must_match;
	long line;
};

/* <when question="Q" is="a b"/>, or <unless ...>: on another answer of the response. */
struct rule_when {
	char *question;
	char **values;   /* NULL: answered at all */
	size_t nvalues;
	int negate;      /* <unless> */
	size_t slot;     /* index in the set's when_questions */
	long line;
};

/* <words name="staff">nurse|doctor</words>: used as {staff} in patterns. */
struct rule_words {
	char *name;
	char *body;      /* the alternatives joined with | */
	char *expanded;  /* with the lists it uses put in (after loading) */
	int state;       /* while expanding: 0 not yet, 1 under way, 2 done */
	long line;
};

struct rule_theme {
	char *code;
	char *label;
	char *description;      /* may be NULL */
	char *parent_code;      /* may be NULL */
	int parent;             /* index in the set, -1 for a top-level theme */
	int depth;              /* 1 for top level, 2 for its children, ... */
	char **questions;       /* NULL: every free-text question */
	size_t nquestions;
	struct rule_when *when; /* all must hold */
	size_t nwhen;
	char *group;            /* single-label group, or NULL */
	int group_id;           /* index of the group, -1 for none */
	int otherwise;          /* the group's fallback (no patterns) */
	int safeguarding;       /* safeguarding="true", or under such a theme: reviewed, never
				   counted, published or quoted (docs/safeguarding.md) */
	struct rule_pattern fallback; /* what a fallback tag names: id "THEME/otherwise" */
	struct rule_pattern *includes, *excludes;
	size_t nincludes, nexcludes;
	size_t first_include;   /* number of the set's includes before this theme's */
	struct rule_example *examples;
	size_t nexamples;
	long line;
};

struct ruleset {
	char *path;
	char sha256[SHA256_HEX_LEN + 1]; /* the rule-set version: a hash of the file */
	char *title;                     /* may be NULL */
	struct rule_theme *themes;       /* parents before their children */
	size_t nthemes;
	size_t nincludes;                /* include patterns of all themes */
	pcre2_match_context *mctx;       /* the match limits */
	struct rule_words *words;        /* named word lists */
	size_t nwords;
	char **when_questions;           /* the questions <when>/<unless> look at, each once */
	size_t nwhen_questions, when_questions_alloc;
	size_t ngroups;
	int lazy;                        /* patterns compiled on first use (rules_parse_lazy()) */
	char *bytes;                     /* while lazy and not yet rules_compile()d: the file */
	size_t nbytes;
};

/*
 * The answer being tagged: its question and, for the conditions, the
 * response's answers to each of the set's when_questions (values joined
 * with RULE_VALUE_SEP; an entry NULL when that question was not answered;
 * `values` NULL when none were read). A NULL question is an example being
 * checked: every theme and pattern applies and every condition holds.
 */
struct rule_context {
	const char *question;
	const char *const *values;
};

#define RULE_VALUE_SEP '\x1f'
#define RULES_MAX_WHEN 64 /* questions that <when> and <unless> may look at, in all */


/* What one theme found in one text. */
struct rule_hit {
	const struct rule_pattern *rule; /* the include that fired */
	size_t start, end;               /* byte offsets of the match */
};

enum rule_result {
	RULE_NO_MATCH = 0,
	RULE_MATCH = 1,
	RULE_ERROR = -1, /* a pattern hit the match limit or failed: counted, not fatal */
};

/*
 * Loads and compiles a rule set. Every problem is reported (up to
 * ERR_MAX_LINES): XML and schema errors, duplicate codes, an unknown parent,
 * a cycle, and each pattern that does not compile, as
 * "file:line: pattern THEME/N does not compile: message" followed by the
 * pattern and a caret under the offending column. Returns a set the caller
 * frees with ruleset_free(), or NULL (EXIT_DATA).
 */
struct ruleset *rules_load(const char *path, struct err *e);

/*
 * As rules_load(), for a set still being written (one made from a
 * codebook): a theme with no patterns and no sub-themes is allowed. Such a
 * set is for checking, not for tagging.
 */
struct ruleset *rules_load_draft(const char *path, struct err *e);

/*
 * As rules_parse(), but no pattern is compiled: each is compiled (and
 * JIT-compiled) the first time it is used, by rules_pattern_code(). For a
 * set known to compile (analyser tag's cache, rules_cache.h), or to be
 * checked with rules_compile() before use. Bytes rules_parse() refuses are
 * refused with the same messages. `checked`: the bytes are known to follow
 * the schema and to compile (this build cached them): the schema is not
 * checked again, and rules_compile() does nothing.
 */
struct ruleset *rules_parse_lazy(const char *buf, size_t len, const char *name, int checked,
				 struct err *e);

/*
 * Compiles every word list and pattern of a set from rules_parse_lazy(), so
 * that one that does not compile is reported exactly as rules_load()
 * reports it (EXIT_DATA). 0, or -1 with `e` set; a no-op for other sets.
 */
int rules_compile(struct ruleset *rs, struct err *e);

/*
 * The compiled pattern, compiling and JIT-compiling it on first use in a
 * set read lazily (safe from several threads; pat->jit is set when this
 * returns). NULL when it does not compile.
 */
const pcre2_code *rules_pattern_code(const struct rule_pattern *pat);

/* The same from memory; `name` stands for the file in messages. */
struct ruleset *rules_parse(const char *buf, size_t len, const char *name, struct err *e);

void ruleset_free(struct ruleset *rs);

/*
 * Whether theme `t` is found in `text` (valid UTF-8, `len` bytes): an
 * include matches and no exclude does. `md` comes from
 * pcre2_match_data_create(1, NULL) and may be reused. With a match, *hit
 * says which include fired and where. `checked` says the text's UTF-8 was
 * already validated (faster).
 */
enum rule_result rules_match(const struct ruleset *rs, const struct rule_theme *t,
			     const char *text, size_t len, int checked, pcre2_match_data *md,
			     struct rule_hit *hit);

/*
 * rules_match() trying only some of the theme's includes: include i is
 * tried when bit (t->first_include + i) of `only` is set. A prefilter that
 * has ruled the others out (they cannot match `text`) gets exactly
 * rules_match()'s tag, since includes are still tried in order and every
 * exclude is run. NULL tries all of them.
 */
enum rule_result rules_match_only(const struct ruleset *rs, const struct rule_theme *t,
				  const char *text, size_t len, int checked, pcre2_match_data *md,
				  const uint64_t *only, struct rule_hit *hit);

/* What one theme gave one answer: a tag, or a pattern that gave up. */
struct rule_tag {
	size_t theme;            /* index in the set */
	enum rule_result result; /* RULE_MATCH or RULE_ERROR */
	struct rule_hit hit;     /* with RULE_MATCH */
};

/*
 * The reference tagging of one answer to question `question`: every theme
 * that has includes and applies to the question, in the set's order,
 * through rules_match(). `out` has room for rs->nthemes entries and gets
 * the tags and errors in theme order. Returns how many, or -1 when `text`
 * is not valid UTF-8 (such an answer is not tagged). It is
 * rules_tag_answer_in() for a response with no other answers: a <when>
 * never holds, an <unless> always does.
 */
int rules_tag_answer(const struct ruleset *rs, const char *text, size_t len,
		     const char *question, pcre2_match_data *md, struct rule_tag *out);

/*
 * rules_tag_answer() with the whole context: pattern and theme questions,
 * <when>/<unless> on the response's other answers, then the single-label
 * groups (rules_resolve_groups()).
 */
int rules_tag_answer_in(const struct ruleset *rs, const char *text, size_t len,
			const struct rule_context *c, pcre2_match_data *md, struct rule_tag *out);

/* Whether theme `t` applies to answers of question `code` (its <questions> only). */
int rules_applies(const struct rule_theme *t, const char *question_code);

/* Whether theme `t` applies to the answer: its <questions> and every <when>/<unless>. */
int rules_applies_in(const struct ruleset *rs, const struct rule_theme *t,
		     const struct rule_context *c);

/* Whether pattern `p` applies to answers of `question` (NULL: any). */
int rules_pattern_applies(const struct rule_pattern *p, const char *question);

/*
 * Applies the single-label groups to the `n` entries of one answer (in
 * theme order, room for rs->nthemes): in each group the first theme in the
 * file with a tag keeps it and the later ones' tags are dropped; when no
 * theme of a group has a tag, its fallback theme, if it applies, gets one
 * spanning the whole answer (`len` bytes). Errors (RULE_ERROR) stay and
 * take nothing, so the prefilter, which may not run a pattern that would
 * have given up, still gives the same tags. Returns the new count.
 */
int rules_resolve_groups(const struct ruleset *rs, const struct rule_context *c, size_t len,
			 struct rule_tag *out, int n);

/*
 * Runs every example, printing each failure to `out` like a test runner
 * ("file:line: THEME: expected a match, got none: \"text\"") and a summary.
 * Returns the number of failures.
 */
int rules_check_examples(const struct ruleset *rs, FILE *out);

/* The index of the theme with `code`, or -1. */
int rules_find(const struct ruleset *rs, const char *code);

#endif
