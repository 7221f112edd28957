/*
 * progress.h: a one-line progress report on long work, only when stderr is
 * a terminal (never in logs, pipes or tests).
 */
#ifndef TALLY_PROGRESS_H
#define TALLY_PROGRESS_H

#include <stddef.h>

struct progress {
	int on;              /* printing at all */
	const char *label;   /* usually the file name */
	long long total;     /* bytes in the input, 0 when unknown */
	long long start_ms;  /* when the work started */
	long long last_ms;   /* when the line was last drawn */
	int drawn;           /* something is on the line */
};

/* Starts a report; `wanted` is the caller's yes (e.g. not --quiet). */
void progress_start(struct progress *p, int wanted, const char *label, long long total);

/* Redraws at most a few times a second: rows so far, bytes so far. */
void progress_update(struct progress *p, long long rows, long long bytes);

/*
 * The line progress_update() draws, `ms` after the start: rows so far and
 * their rate; with a total, the percent done and the time left at the rate
 * so far. Written into `buf` (cut to `cap`).
 */
void progress_line(const struct progress *p, long long rows, long long bytes, long long ms,
		   char *buf, size_t cap);

/* Clears the line. */
void progress_end(struct progress *p);

/* The size of a file in bytes, 0 when unknown. */
long long file_size(const char *path);

#endif
