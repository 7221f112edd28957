/*
 * eval_errors.h: one theme's false positives and false negatives against a
 * hand-coded sample, each with its answers, the matched words marked and
 * the pattern that fired (`analyser evaluate --theme`).
 */
#ifndef TALLY_EVAL_ERRORS_H
#define TALLY_EVAL_ERRORS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "eval.h"

enum { EVAL_FP = 1, EVAL_FN = 2 };

/*
 * Writes theme `theme`'s (index in ev->themes) scores, then its false
 * positives (each answer a tag of the theme or a sub-theme is on, the
 * matched words marked [[...]], the rule) and false negatives (the
 * response's free-text answers), as `which` (EVAL_FP, EVAL_FN or both)
 * says, at most `limit` of each (0: all). Answers are redacted
 * (common/redact.h). 0, or -1 with `e` set.
 */
int eval_print_errors(sqlite3 *db, const struct evaluation *ev, size_t theme, int which,
		      size_t limit, FILE *out, struct err *e);

/* The index of the theme with `code` (ignoring case) in ev->themes, or -1. */
int eval_theme_index(const struct evaluation *ev, const char *code);

#endif
