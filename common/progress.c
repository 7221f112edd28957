#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_start(struct progress *p, int wanted, const char *label, long long total)
{
	p->on = wanted && isatty(STDERR_FILENO);
	p->label = label;
	p->unit = "rows";
	p->total = total;
	p->start_ms = p->last_ms = now_ms();
	p->drawn = 0;
}

void progress_line(const struct progress *p, long long rows, long long bytes, long long ms,
		   char *buf, size_t cap)
{
	const char *unit = p->unit ? p->unit : "rows";
	int n = snprintf(buf, cap, "%s: %lld %s", p->label, rows, unit);

	if (n < 0 || (size_t)n >= cap)
		return;
	if (ms > 0)
		n += snprintf(buf + n, cap - (size_t)n, ", %lld %s/s", rows * 1000 / ms, unit);
	if (n < 0 || (size_t)n >= cap || p->total <= 0 || bytes <= 0)
		return;
	if (bytes > p->total)
		bytes = p->total;
	n += snprintf(buf + n, cap - (size_t)n, ", %lld%%", bytes * 100 / p->total);
	/* The time left at the rate so far, once there is a rate to go by. */
	if (n > 0 && (size_t)n < cap && ms >= 1000) {
		long long left = (long long)((double)ms * (double)(p->total - bytes) /
					     (double)bytes / 1000.0 + 0.5);

		snprintf(buf + n, cap - (size_t)n, ", %lld:%02lld left", left / 60, left % 60);
	}
}

void progress_update(struct progress *p, long long rows, long long bytes)
{
	char line[256];
	long long t;

	if (!p->on)
		return;
	/* The first report at once, then a few times a second. */
	if ((t = now_ms()) - p->last_ms < 250 && p->drawn)
		return;
	p->last_ms = t;
	progress_line(p, rows, bytes, t - p->start_ms, line, sizeof line);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = 1;
}

void progress_end(struct progress *p)
{
	if (p->on && p->drawn)
		fprintf(stderr, "\r\033[K");
	p->drawn = 0;
}

long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

struct progress_ticker {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, drawn, changed;
	long long done, total; /* steps, under mu */
	const char *label;
};

void progress_ticker_line(const char *label, long long done, long long total, long long secs,
			  char *buf, size_t cap)
{
	int n;

	if (total <= 0) {
		if (secs > 0)
			snprintf(buf, cap, "%s: working, %lld:%02lld so far", label, secs / 60, secs % 60);
		else
			snprintf(buf, cap, "%s: working", label);
		return;
	}
	if (done < 0)
		done = 0;
	if (done > total)
		done = total;
	n = snprintf(buf, cap, "%s: %lld%% (%lld of %lld)", label, done * 100 / total, done, total);
	if (n < 0 || (size_t)n >= cap || secs <= 0)
		return;
	n += snprintf(buf + n, cap - (size_t)n, ", %lld:%02lld so far", secs / 60, secs % 60);
	/* The time left at the pace so far, once a step has been done. */
	if (n > 0 && (size_t)n < cap && done > 0 && done < total) {
		long long left = (secs * (total - done) + done / 2) / done;

		snprintf(buf + n, cap - (size_t)n, ", %lld:%02lld left", left / 60, left % 60);
	}
}

/* Draws the ticker's line, `secs` after its start; under t->mu. */
static void tick_draw(struct progress_ticker *t, long long secs)
{
	char line[256];

	progress_ticker_line(t->label, t->done, t->total, secs, line, sizeof line);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	t->drawn = 1;
}

static void *tick(void *arg)
{
	struct progress_ticker *t = arg;
	struct timespec start, at, now;
	long long secs = 0;

	clock_gettime(CLOCK_REALTIME, &start);
	pthread_mutex_lock(&t->mu);
	tick_draw(t, 0);
	while (!t->stop) {
		at = start;
		at.tv_sec += secs + 1;
		/* Redrawn each second, and at once when a step is done. */
		while (!t->stop && !t->changed &&
		       pthread_cond_timedwait(&t->cv, &t->mu, &at) != ETIMEDOUT)
			;
		clock_gettime(CLOCK_REALTIME, &now);
		secs = now.tv_sec - start.tv_sec - (now.tv_nsec < start.tv_nsec);
		if (t->changed || !t->stop)
			tick_draw(t, secs);
		t->changed = 0;
	}
	if (t->drawn)
		fprintf(stderr, "\r\033[K");
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

struct progress_ticker *progress_ticker_start(int wanted, const char *label)
{
	struct progress_ticker *t;

	if (!wanted || !isatty(STDERR_FILENO) || !(t = calloc(1, sizeof *t)))
		return NULL;
	t->label = label;
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t);
		return NULL;
	}
	if (pthread_cond_init(&t->cv, NULL) != 0) {
		pthread_mutex_destroy(&t->mu);
		free(t);
		return NULL;
	}
	if (pthread_create(&t->tid, NULL, tick, t) != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return NULL;
	}
	return t;
}

void progress_ticker_steps(struct progress_ticker *t, long long done, long long total)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->done = done;
	t->total = total;
	t->changed = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void progress_ticker_step(struct progress_ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->done++;
	t->changed = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void progress_ticker_stop(struct progress_ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->tid, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
