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
 * For work done in a few long steps (counting a table, writing a workbook):
 * a thread draws "LABEL: working" at once and redraws it once a second as
 * "LABEL: working, M:SS so far", while stderr is a terminal and `wanted`.
 * Once the work says how many steps it has (progress_ticker_steps), the line
 * is the percent of steps done instead, redrawn at each step:
 * "LABEL: 40% (2 of 5), 0:03 so far, 0:05 left".
 */
struct progress_ticker;

/* Starts the ticker; NULL when it is not wanted, not on a terminal, or cannot start. */
struct progress_ticker *progress_ticker_start(int wanted, const char *label);

/* `done` of `total` steps are done (total 0: not known); NULL is a no-op. */
void progress_ticker_steps(struct progress_ticker *t, long long done, long long total);

/* One more step is done; NULL is a no-op. */
void progress_ticker_step(struct progress_ticker *t);

/*
 * The ticker's line, `secs` after the start, into `buf` (cut to `cap`):
 * without a total "LABEL: working[, M:SS so far]"; with one the percent of
 * steps done, how many, the time so far and, after a step, the time left
 * at the pace so far.
 */
void progress_ticker_line(const char *label, long long done, long long total, long long secs,
			  char *buf, size_t cap);

/* Stops it and clears its line; NULL is a no-op. */
void progress_ticker_stop(struct progress_ticker *t);

/* The size of a file in bytes, 0 when unknown. */
long long file_size(const char *path);

#endif
