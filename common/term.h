/*
 * term.h: how wide the terminal is, for tables printed to it.
 */
#ifndef TALLY_TERM_H
#define TALLY_TERM_H

/*
 * The columns of the terminal `fd` is: its window size, else $COLUMNS,
 * else 80. 0 when `fd` is no terminal (a file or a pipe: no limit).
 */
int term_width(int fd);

#endif
