/*
 * rules_lang.c: word lists, `near` and `not-preceded-by` written out as
 * PCRE2 text (rules_lang.h).
 */
#include "rules_lang.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* A word: letters, digits, _ and apostrophes (straight and curly), so "didn't" is one. */
#define WORDCH "[\\w'\xe2\x80\x99]"
#define GAPCH "[^\\w'\xe2\x80\x99]"
#define WORD_START "(?<!" WORDCH ")"
#define WORD_END "(?!" WORDCH ")"

static int name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static struct rule_words *find_list(struct ruleset *rs, const char *name, size_t n)
{
	for (size_t i = 0; i < rs->nwords; i++)
		if (strlen(rs->words[i].name) == n && !strncmp(rs->words[i].name, name, n))
			return &rs->words[i];
	return NULL;
}

static int expand_list(struct ruleset *rs, struct rule_words *w, char *why, size_t whylen);

/* Copies a [class] starting at text[i]; returns the index after it. */
static size_t copy_class(struct strbuf *sb, const char *text, size_t i)
{
	size_t j = i + 1;

	if (text[j] == '^')
		j++;
	if (text[j] == ']')
		j++; /* a ] first is a member */
	while (text[j] && text[j] != ']') {
		if (text[j] == '\\' && text[j + 1])
			j++;
		else if (text[j] == '[' && text[j + 1] == ':') {
			const char *end = strstr(text + j + 2, ":]");

			if (end)
				j = (size_t)(end - text) + 1;
		}
		j++;
	}
	if (text[j])
		j++;
	return strbuf_add(sb, text + i, j - i) < 0 ? SIZE_MAX : j;
}

/* Copies an escape starting at text[i] (a backslash); returns the index after it. */
static size_t copy_escape(struct strbuf *sb, const char *text, size_t i)
{
	size_t j = i + 1;

	if (!text[j])
		return strbuf_addch(sb, '\\') < 0 ? SIZE_MAX : j;
	if (text[j] == 'Q') {
		/* \Q...\E: all literal */
		const char *end = strstr(text + j, "\\E");

		j = end ? (size_t)(end - text) + 2 : strlen(text);
	} else if (strchr("pPxNgko", text[j]) && text[j + 1] == '{') {
		const char *end = strchr(text + j, '}');

		j = end ? (size_t)(end - text) + 1 : strlen(text);
	} else {
		j++;
	}
	return strbuf_add(sb, text + i, j - i) < 0 ? SIZE_MAX : j;
}

char *rules_lang_expand(struct ruleset *rs, const char *text, char *why, size_t whylen)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;

	*why = '\0';
	while (i != SIZE_MAX && text[i]) {
		if (text[i] == '\\') {
			i = copy_escape(&sb, text, i);
		} else if (text[i] == '[') {
			i = copy_class(&sb, text, i);
		} else if (text[i] == '{' && name_start((unsigned char)text[i + 1])) {
			size_t j = i + 1;
			struct rule_words *w;

			while (name_char((unsigned char)text[j]))
				j++;
			if (text[j] != '}') {
				/* not a name: PCRE2 takes it as it is */
				i = strbuf_add(&sb, text + i, j - i) < 0 ? SIZE_MAX : j;
				continue;
			}
			if (!(w = find_list(rs, text + i + 1, j - i - 1))) {
				snprintf(why, whylen, "it uses {%.*s}, which is not a word list (define "
						      "it with <words name=\"%.*s\">)",
					 (int)(j - i - 1), text + i + 1, (int)(j - i - 1), text + i + 1);
				goto fail;
			}
			if (expand_list(rs, w, why, whylen) < 0)
				goto fail;
			i = strbuf_addf(&sb, "(?:%s)", w->expanded) < 0 ? SIZE_MAX : j + 1;
		} else {
			/* Plain text up to the next character that may start one of the above. */
			size_t n = 1 + strcspn(text + i + 1, "\\[{");

			i = strbuf_add(&sb, text + i, n) < 0 ? SIZE_MAX : i + n;
		}
	}
	if (i == SIZE_MAX)
		goto fail; /* out of memory: `why` stays empty */
	return strbuf_detach(&sb, NULL);
fail:
	strbuf_release(&sb);
	return NULL;
}

/* Expands list `w` once (state 2 when done); -1 with `why` for a cycle or an unknown name. */
static int expand_list(struct ruleset *rs, struct rule_words *w, char *why, size_t whylen)
{
	if (w->state == 2 && !w->expanded)
		snprintf(why, whylen, "it uses {%s}, which cannot be used (line %ld)", w->name, w->line);
	if (w->state == 2)
		return w->expanded ? 0 : -1;
	if (w->state == 1) {
		snprintf(why, whylen, "the word lists form a cycle through {%s} (line %ld)", w->name,
			 w->line);
		return -1;
	}
	w->state = 1;
	w->expanded = rules_lang_expand(rs, w->body, why, whylen);
	w->state = 2;
	if (!w->expanded && !*why)
		snprintf(why, whylen, "out of memory");
	return w->expanded ? 0 : -1;
}

int rules_lang_expand_lists(struct ruleset *rs, char *why, size_t whylen, size_t *bad)
{
	for (size_t i = 0; i < rs->nwords; i++) {
		struct rule_words *w = &rs->words[i];
		int errcode;
		PCRE2_SIZE off;
		pcre2_code *code;

		if (w->state == 2 && !w->expanded)
			continue; /* reported with the list that led to it */
		if (expand_list(rs, w, why, whylen) < 0) {
			*bad = i;
			return strcmp(why, "out of memory") ? -1 : -2;
		}
		if (rs->lazy)
			continue; /* rules_compile() checks, if ever asked */
		code = pcre2_compile((PCRE2_SPTR)w->expanded, PCRE2_ZERO_TERMINATED,
				     PCRE2_UTF | PCRE2_UCP, &errcode, &off, NULL);
		if (!code) {
			PCRE2_UCHAR msg[200];

			pcre2_get_error_message(errcode, msg, sizeof msg);
			snprintf(why, whylen, "it does not compile at column %zu: %s", (size_t)off + 1,
				 (const char *)msg);
			*bad = i;
			return -1;
		}
		pcre2_code_free(code);
	}
	return 0;
}

char *rules_lang_near(const char *a, const char *b, int within)
{
	struct strbuf sb = STRBUF_INIT;

#define GAP "(?:" GAPCH "+" WORDCH "+){0,%d}" GAPCH "+"
/* A possessive ending may follow either side: "the nurse's manner", "the nurses' manner". */
#define POSS "(?:['\xe2\x80\x99]s?)?"
	if (strbuf_addf(&sb, WORD_START "(?:(?:%s)" POSS GAP "(?:%s)|(?:%s)" POSS GAP "(?:%s))"
			POSS WORD_END, a, within, b, b, within, a) < 0)
		return NULL;
#undef POSS
#undef GAP
	return strbuf_detach(&sb, NULL);
}

char *rules_lang_not_preceded(const char *p, const char *neg, int within)
{
	struct strbuf sb = STRBUF_INIT, word = STRBUF_INIT;
	int rc;

	/* A word that is not one of `neg`. */
	if (strbuf_addf(&word, "(?!(?:%s)" WORD_END ")" WORDCH "+", neg) < 0)
		return NULL;
	/*
	 * From the start of the answer, fewer than `within` words, or exactly
	 * `within` words from where one starts, none of them `neg`; then \K so
	 * that the match reported (the tag's span) is `p`'s.
	 */
	rc = strbuf_addf(&sb, "(?:^" GAPCH "*(?:%s" GAPCH "+){0,%d}|" WORD_START "%s(?:" GAPCH
			      "+%s){%d}" GAPCH "+)\\K(?:%s)",
			 word.buf, within - 1, word.buf, word.buf, within - 1, p);
	strbuf_release(&word);
	return rc < 0 ? NULL : strbuf_detach(&sb, NULL);
}
