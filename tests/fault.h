/*
 * fault.h: fault injection under SQLite, for tests only (tests/fault.c).
 * A failing VFS and allocator, counting calls and failing from the Nth on.
 */
#ifndef TALLY_FAULT_H
#define TALLY_FAULT_H

enum fault_kind {
	FAULT_NONE,
	FAULT_IO,  /* a VFS call: open, delete, access, read, write, truncate, sync, size, lock, shm map */
	FAULT_OOM, /* an allocation by SQLite: malloc or realloc */
	FAULT_FILE, /* an output file's mkstemp, fflush, fsync, fclose or rename (fault_file.c) */
};

/*
 * Puts the wrappers under SQLite. Must run before SQLite's first use (the
 * programs' copies do it before main() when TALLY_FAULT is set). 0 or -1.
 * Nothing is counted or fails until fault_arm().
 */
int fault_install(void);

/*
 * Zeroes the counters and starts counting: the `at`th call of `kind` fails,
 * and, unless `once`, every later one of that kind too. `at` 0: none fails.
 */
void fault_arm(enum fault_kind kind, long at, int once);

/* Stops counting and failing. */
void fault_disarm(void);

/* Counts one call of `kind`; true when it must fail (fault_file.c's wrappers). */
int fault_hit(enum fault_kind kind);

/* Calls of `kind` since fault_arm(); faults injected since. */
long fault_count(enum fault_kind kind);
long fault_fired(void);

#endif
