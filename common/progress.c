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
	p->last_ms = now_ms();
	p->drawn = 0;
}

void progress_update(struct progress *p, long long rows, long long bytes)
{
	long long t;

	if (!p->on || (t = now_ms()) - p->last_ms < 250)
		return;
	p->last_ms = t;
	if (p->total > 0)
		fprintf(stderr, "\r%s: %lld rows, %3lld%%", p->label, rows,
			bytes * 100 / p->total);
	else
		fprintf(stderr, "\r%s: %lld rows", p->label, rows);
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
