#include "progress.h"

#include <stdio.h>
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
	p->total = total;
	p->start_ms = p->last_ms = now_ms();
	p->drawn = 0;
}

void progress_line(const struct progress *p, long long rows, long long bytes, long long ms,
		   char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s: %lld rows", p->label, rows);

	if (n < 0 || (size_t)n >= cap)
		return;
	if (ms > 0)
		n += snprintf(buf + n, cap - (size_t)n, ", %lld rows/s", rows * 1000 / ms);
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

	if (!p->on || (t = now_ms()) - p->last_ms < 250)
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
