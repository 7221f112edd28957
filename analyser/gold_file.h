/* gold_file.h: opening a hand-coded sample (docs/evaluate.md) for reading. */
#ifndef TALLY_GOLD_FILE_H
#define TALLY_GOLD_FILE_H

#include "csv.h"
#include "err.h"

/*
 * A CSV reader of the gold file at `path`, over *fd (the caller closes it
 * after csv_reader_free()). A missing file or one that is not a regular
 * file is EXIT_USAGE. NULL with `e` set.
 */
struct csv_reader *gold_open(const char *path, int *fd, struct err *e);

#endif
