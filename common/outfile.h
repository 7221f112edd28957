/*
 * outfile.h: output files (counts, exports, the report) that appear whole
 * or not at all, never over the survey database.
 *
 * An output is written to an unnamed temporary file in the target's folder
 * (O_TMPFILE), which a kill leaves nothing of, and given its name only when
 * it is complete. Where the file system has no unnamed files, it is a
 * named "PATH.tmp-XXXXXX" held under a lock; a later run removes any such
 * file no live run holds.
 *
 * The files a run must never write over are protected: every database this
 * process opened (db_open() protects it), with its -wal, -shm and -journal
 * files (compared by device and inode, following symbolic links, and by
 * name when they do not exist yet), and any existing SQLite file.
 */
#ifndef TALLY_OUTFILE_H
#define TALLY_OUTFILE_H

#include <stdio.h>

#include "err.h"

/*
 * An output being written, readable only by its owner (mode 0600: exports
 * carry what the public said). `f` is where to write; `tmp` is a name the
 * file can be opened by meanwhile (libxlsxwriter writes by name).
 */
struct out_file {
	FILE *f;
	char *path, *tmp;
	int named; /* 1: `tmp` is a real name that out_commit() renames */
};

/*
 * Protects `path`, a database this process has opened, from being written
 * over by out_open(). 0, or -1 only when out of memory (EXIT_SYSTEM).
 */
int out_protect(const char *path, struct err *e);

/* Forgets every protected path (tests). */
void out_protect_clear(void);

/*
 * Checks that `path` may be written: not a protected file or one of its
 * companions, not an existing SQLite file, not a device or folder. 0, or -1
 * with EXIT_USAGE saying why.
 */
int out_check(const char *path, struct err *e);

/*
 * Starts writing `path` after out_check(). Removes temporaries of `path`
 * that earlier runs left (killed runs of the fallback scheme). 0, or -1
 * with `e` set ("cannot create PATH: why", EXIT_SYSTEM) and `o` zeroed.
 */
int out_open(struct out_file *o, const char *path, struct err *e);

/*
 * Flushes, syncs and puts the file in place under its name, replacing any
 * older file of that name. Frees what `o` holds, also on failure (then
 * nothing is left behind). 0 or -1 (EXIT_SYSTEM).
 */
int out_commit(struct out_file *o, struct err *e);

/* Drops the file being written; a zeroed `o` is allowed. */
void out_abandon(struct out_file *o);

#endif
