/*
 * progress.h: a one-line progress report on long work, only when stderr is
 * a terminal (never in logs, pipes or tests).
 */
#ifndef TALLY_PROGRESS_H
#define TALLY_PROGRESS_H

struct progress {
	int on;              /* printing at all */
	const char *label;   /* usually the file name */
	long long total;     /* bytes in the input, 0 when unknown */
	long long last_ms;   /* when the line was last drawn */
	int drawn;           /* something is on the line */
};

/* Starts a report; `wanted` is the caller's yes (e.g. not --quiet). */
void progress_start(struct progress *p, int wanted, const char *label, long long total);

/* Redraws at most a few times a second: rows so far, bytes so far. */
void progress_update(struct progress *p, long long rows, long long bytes);

/* Clears the line. */
void progress_end(struct progress *p);

/* The size of a file in bytes, 0 when unknown. */
long long file_size(const char *path);

#endif
