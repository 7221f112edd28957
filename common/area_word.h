/*
 * area_word.h: what an exercise calls the places it counts responses in.
 */
#ifndef TALLY_AREA_WORD_H
#define TALLY_AREA_WORD_H

#include <sqlite3.h>

#include "err.h"

/*
 * "area" (or "Area" with `capital`) when exercise `ex` covers places other
 * than local authority districts (a region, a health board, a place outside
 * the UK: collector/area.h), else "district" ("District"), into *word (a
 * static string). 0, or -1 with `e` set when the database cannot be read.
 */
int area_word(sqlite3 *db, long long ex, int capital, const char **word, struct err *e);

#endif
