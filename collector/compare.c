/*
 * compare.c: two officers' entries of one form, question by question, and
 * the side-by-side table of where they differ.
 */
#include "compare.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

static int is_space(utf8proc_int32_t c, utf8proc_category_t cat)
{
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC || c == ' ';
}

static int is_punctuation(utf8proc_category_t cat)
{
	return cat == UTF8PROC_CATEGORY_PC || cat == UTF8PROC_CATEGORY_PD ||
	       cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PE ||
	       cat == UTF8PROC_CATEGORY_PI || cat == UTF8PROC_CATEGORY_PF ||
	       cat == UTF8PROC_CATEGORY_PO;
}

int compare_normalise(const char *s, size_t len, char **out)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n, i = 0;
	size_t o = 0;
	int space = 0;
	char *res;

	*out = NULL;
	if (!s)
		s = "";
	if (!utf8_check(s, len, NULL))
		return -2;
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &folded,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? -1 : -2;
	if (!(res = malloc((size_t)n + 1))) {
		free(folded);
		return -1;
	}
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t step = utf8proc_iterate(folded + i, n - i, &c);
		utf8proc_category_t cat;

		if (step <= 0) { /* cannot happen after utf8_check; keep the byte */
			res[o++] = (char)folded[i++];
			continue;
		}
		cat = utf8proc_category(c);
		if (is_space(c, cat)) {
			space = o > 0;
		} else if (!is_punctuation(cat)) {
			if (space)
				res[o++] = ' ';
			space = 0;
			memcpy(res + o, folded + i, (size_t)step);
			o += (size_t)step;
		}
		i += step;
	}
	res[o] = '\0';
	free(folded);
	*out = res;
	return 0;
}

int compare_text(const char *a, const char *b)
{
	char *na = NULL, *nb = NULL;
	int ra, rb, same;

	if (!a)
		a = "";
	if (!b)
		b = "";
	ra = compare_normalise(a, strlen(a), &na);
	rb = compare_normalise(b, strlen(b), &nb);
	if (ra == -1 || rb == -1)
		same = -1;
	else if (ra == -2 || rb == -2)
		same = strcmp(a, b) == 0;
	else
		same = strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return same;
}

static int has_option(const struct cmp_value *v, long long id)
{
	for (size_t i = 0; i < v->noptions; i++)
		if (v->options[i] == id)
			return 1;
	return 0;
}

/* Every option ticked in a is ticked in b. */
static int options_within(const struct cmp_value *a, const struct cmp_value *b)
{
	for (size_t i = 0; i < a->noptions; i++)
		if (!has_option(b, a->options[i]))
			return 0;
	return 1;
}

int compare_values(int free_text, const struct cmp_value *a, const struct cmp_value *b)
{
	enum cmp_state sa = a->state == CMP_ABSENT ? CMP_SKIPPED : a->state;
	enum cmp_state sb = b->state == CMP_ABSENT ? CMP_SKIPPED : b->state;

	if (sa != sb)
		return 0;
	if (sa != CMP_ANSWERED)
		return 1;
	if (!options_within(a, b) || !options_within(b, a))
		return 0;
	if (free_text)
		return compare_text(a->text, b->text);
	return strcmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
}

/* ---- columns ----------------------------------------------------------- */

/* The code point at s (n bytes left) into *c; its length, 1 for an invalid byte (*c = -1). */
static size_t next_char(const char *s, size_t n, utf8proc_int32_t *c)
{
	utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s,
						 (utf8proc_ssize_t)n, c);

	if (step <= 0) {
		*c = -1;
		return 1;
	}
	return (size_t)step;
}

static size_t char_width(utf8proc_int32_t c)
{
	int w;

	if (c < 0 || c == '\t')
		return 1;
	w = utf8proc_charwidth(c);
	return w < 0 ? 0 : (size_t)w;
}

size_t compare_width(const char *s, size_t n)
{
	size_t w = 0;

	while (n) {
		utf8proc_int32_t c;
		size_t step = next_char(s, n, &c);

		w += char_width(c);
		s += step;
		n -= step;
	}
	return w;
}

size_t compare_wrap(const char *s, size_t width, const char **next)
{
	size_t n = strlen(s), i = 0, w = 0, brk = 0, brk_next = 0;

	if (width < 1)
		width = 1;
	while (i < n) {
		utf8proc_int32_t c;
		size_t step, cw;

		if (s[i] == '\n') {
			*next = s + i + 1;
			goto trim;
		}
		step = next_char(s + i, n - i, &c);
		cw = char_width(c);
		if (s[i] == ' ' || s[i] == '\t') {
			size_t j = i;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			brk = i;
			brk_next = j;
		}
		if (w + cw > width && i > 0) {
			if (s[i] == ' ' || s[i] == '\t') {
				*next = s + brk_next;
				goto trim;
			}
			if (brk > 0) {
				*next = s + brk_next;
				i = brk;
				goto trim;
			}
			*next = s + i; /* one long word: cut it */
			return i;
		}
		w += cw;
		i += step;
	}
	*next = s + n;
trim:
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	return i;
}

void compare_print_wrapped(FILE *out, const char *s, size_t indent, size_t width)
{
	const char *next;

	if (!*s) {
		fputc('\n', out);
		return;
	}
	while (*s) {
		size_t len = compare_wrap(s, width, &next);

		fprintf(out, "%*s%.*s\n", (int)indent, "", (int)len, s);
		s = next;
	}
}

/* Prints the next line of *cell padded to `width` columns; advances *cell. */
static void cell_line(FILE *out, const char **cell, size_t width, int pad)
{
	const char *next;
	size_t len, w;

	if (!**cell) {
		if (pad)
			fprintf(out, "%*s", (int)width, "");
		return;
	}
	len = compare_wrap(*cell, width, &next);
	fwrite(*cell, 1, len, out);
	w = compare_width(*cell, len);
	if (pad && w < width)
		fprintf(out, "%*s", (int)(width - w), "");
	*cell = next;
}

static void table_row(FILE *out, const char *a, const char *b, const char *c, size_t wa,
		      size_t wb)
{
	do {
		int more_b = *b != '\0', more_c = *c != '\0';

		/* Cells are padded only when something follows them on the line. */
		fputs("  ", out);
		cell_line(out, &a, wa, more_b || more_c);
		if (more_b || more_c) {
			fputs("  ", out);
			cell_line(out, &b, wb, more_c);
		}
		if (more_c) {
			fputs("  ", out);
			cell_line(out, &c, wb, 0);
		}
		fputc('\n', out);
	} while (*a || *b || *c);
}

void compare_print_table(FILE *out, const char *label_head, const char *left_head,
			 const char *right_head, const struct cmp_row *rows, size_t n)
{
	const size_t wl = 14;
	const size_t wv = (COMPARE_TABLE_WIDTH - 2 - wl - 2 - 2) / 2;
	char rule_l[32], rule_v[64];

	memset(rule_l, '-', wl);
	rule_l[wl] = '\0';
	memset(rule_v, '-', wv);
	rule_v[wv] = '\0';
	table_row(out, label_head, left_head, right_head, wl, wv);
	table_row(out, rule_l, rule_v, rule_v, wl, wv);
	for (size_t i = 0; i < n; i++)
		table_row(out, rows[i].label ? rows[i].label : "", rows[i].left ? rows[i].left : "",
			  rows[i].right ? rows[i].right : "", wl, wv);
}
