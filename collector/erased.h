/*
 * erased.h: finding an erased response's identity in a raw record, when the
 * record's fields cannot be read (rejects from before schema version 10,
 * unreadable records). Erasure (collector erase) and the import share it.
 */
#ifndef TALLY_ERASED_H
#define TALLY_ERASED_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

/*
 * 1 when `value` (n bytes) is in `raw` (len bytes) with a field edge on each
 * side (a separator, quote, line end or XML tag bracket, or the start or
 * end), so the survey id "R7" is in "R7,..." or "<id>R7</id>" but not in
 * "R70" or in someone's words "R7 was shut"; 0 otherwise.
 */
int erased_holds_field(const unsigned char *raw, size_t len, const char *value, size_t n);

/*
 * Adds the SQL function tally_holds_field(RAW, VALUE), the above (0 when
 * either is NULL), to `db`. 0, or -1 with `e` set.
 */
int erased_register(sqlite3 *db, struct err *e);

#endif
