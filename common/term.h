/*
 * term.h: how wide the terminal is, for tables printed to it.
 */
#ifndef TALLY_TERM_H
#define TALLY_TERM_H

#include <stdio.h>

/*
 * The columns of the terminal `fd` is: its window size, else $COLUMNS,
 * else 80. 0 when `fd` is no terminal (a file or a pipe: no limit).
 */
int term_width(int fd);

/*
 * Prints `s` and a newline to `f` in lines of at most `width` columns (a
 * character a column): broken at a gap between columns (two spaces or more)
 * when one leaves the line long enough, else at a space; the lines after
 * the first are indented by `indent` spaces. `width` 0 prints it whole.
 */
void term_print_fitted(FILE *f, const char *s, int width, int indent);

#endif
