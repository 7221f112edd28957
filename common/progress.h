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
	const char *unit;    /* what is counted: "rows" unless set after progress_start */
	long long total;     /* bytes in the input, 0 when unknown */
	long long start_ms;  /* when the work started */
	long long last_ms;   /* when the line was last drawn */
	int drawn;           /* something is on the line */
};

/* Starts a report; `wanted` is the caller's yes (e.g. not --quiet). */
void progress_start(struct progress *p, int wanted, const char *label, long long total);

/* Draws at the first call, then at most a few times a second: rows so far, bytes so far. */
void progress_update(struct progress *p, long long rows, long long bytes);

/*
 * The line progress_update() draws, `ms` after the start: rows (or p->unit)
 * so far and their rate; with a total, the percent done and the time left
 * at the rate so far. `bytes` is how far through `total` the work is: bytes
 * of a file, or any other measure of the same kind as p->total. Written
 * into `buf` (cut to `cap`).
 */
void progress_line(const struct progress *p, long long rows, long long bytes, long long ms,
		   char *buf, size_t cap);

/* Clears the line. */
void progress_end(struct progress *p);

/*
 * For work that cannot say how far it is (one long query, a workbook being
 * written): a thread draws "LABEL: working" at once and redraws it as
 * "LABEL: working, M:SS so far" once a second, while stderr is a terminal
 * and `wanted`.
 */
struct progress_ticker;

/* Starts the ticker; NULL when it is not wanted, not on a terminal, or cannot start. */
struct progress_ticker *progress_ticker_start(int wanted, const char *label);

/* Stops it and clears its line; NULL is a no-op. */
void progress_ticker_stop(struct progress_ticker *t);

/* The size of a file in bytes, 0 when unknown. */
long long file_size(const char *path);

#endif
