/*
 * tick.h: one definition of a ticked box, for every path that reads one
 * field per option: an import (import_answers.c) and a typed batch file read
 * with a mapping (cmd_enter.c).
 */
#ifndef TALLY_TICK_H
#define TALLY_TICK_H

enum tick {
	TICK_BAD = -1, /* neither: the record or form is refused */
	TICK_NO = 0,   /* empty, 0, no, n, false */
	TICK_YES = 1,  /* 1, yes, y, true, x, a tick mark, ticked, the option's label or code */
};

/* What a message says a tick may be. */
#define TICK_WORDS "1, yes, x, the option's label or code, or empty"

/*
 * What `cell` says of the option with `code` and `label` (either may be
 * NULL): white space at either end and case are ignored; the whole cell is
 * read, however long (nothing is cut).
 */
enum tick tick_read(const char *cell, const char *code, const char *label);

#endif
