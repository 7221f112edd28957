/*
 * answer.h: one question's answer read from a posted form, with the checks
 * of typed entry (collector/entry.h), for the officers' entry page and the
 * kiosk alike.
 */
#ifndef TALLY_WEB_ANSWER_H
#define TALLY_WEB_ANSWER_H

#include <stddef.h>

#include "entry.h"
#include "form.h"

/* True when `s` is NULL, empty, or only spaces, tabs and line ends. */
int web_blank(const char *s);

/*
 * The non-blank values of field "qN" of question q into pieces[] (*n of
 * them, at most ENTRY_MAX_PICKS). 1, or 0 with `why` (too many ticked).
 */
int web_answer_pieces(const struct entry_question *q, const struct form *f,
		      const char *pieces[ENTRY_MAX_PICKS], size_t *n, char *why, size_t cap);

/*
 * The answer the n (>= 1) pieces give to q, checked as the terminal checks
 * it: options for choice questions, else the one value, where a single
 * letter is an answer (not the terminal's s, u, b or ?). `empty_ok` ends
 * the message when a one-letter value does not fit ("Leave it empty when
 * the form is blank."). 1 with *a set, or 0 with `why` in plain words.
 */
int web_answer_parse(const struct entry_question *q, const char *const *pieces, size_t n,
		     const char *empty_ok, struct entry_answer *a, char *why, size_t cap);

/*
 * The exercise's cross-field checks (entry_cross_check) on the form's
 * answers: each problem's message, with `hint` after it, into
 * why[first + question index] unless that question has one already (new
 * strings the caller frees). Returns how many were added, or -1 with `e`.
 */
int web_cross_check(const struct entry_form *f, const struct entry_answer *answers, char **why,
		    size_t first, const char *hint, struct err *e);

#endif
