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

/*
 * The coders' notes of the gold file at `path`: its 'note' (or 'notes')
 * column by line. *notes gets *nlines + 1 entries, (*notes)[L] the note of
 * the row that starts on line L, or NULL (no note, or no such column).
 * Rows that break the CSV rules are skipped: reading the themes reports
 * them. Free with gold_notes_free(). 0, or -1 with `e` set.
 */
int gold_notes(const char *path, char ***notes, long *nlines, struct err *e);

/* gold_notes() from reader `r`, at its start; the caller frees the reader. */
int gold_notes_read(struct csv_reader *r, char ***notes, long *nlines, struct err *e);

void gold_notes_free(char **notes, long nlines);

#endif
