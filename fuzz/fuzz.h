/*
 * fuzz.h: what the libFuzzer harnesses share: handing the fuzzer's bytes to
 * readers that take a file name.
 */
#ifndef TALLY_FUZZ_H
#define TALLY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A file name for some bytes: an anonymous memory file, /proc/self/fd/N. */
struct fuzz_file {
	int fd;
	char path[64];
};

/* Puts the n bytes at buf in a memory file; aborts when the system refuses. */
static inline void fuzz_file_make(struct fuzz_file *f, const char *label, const void *buf,
				  size_t n)
{
	const char *p = buf;

	f->fd = memfd_create(label, MFD_CLOEXEC);
	if (f->fd < 0) {
		perror("memfd_create");
		abort();
	}
	while (n > 0) {
		ssize_t w = write(f->fd, p, n);

		if (w <= 0) {
			perror("write");
			abort();
		}
		p += w;
		n -= (size_t)w;
	}
	snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

static inline void fuzz_file_drop(struct fuzz_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* A NUL-terminated copy of n bytes (the loaders take text). */
static inline char *fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Splits at the first NUL byte: *a gets what is before it, *b what follows (NULL when none). */
static inline void fuzz_split(const uint8_t *data, size_t n, const uint8_t **a, size_t *alen,
			      const uint8_t **b, size_t *blen)
{
	const uint8_t *nul = memchr(data, 0, n);

	*a = data;
	if (!nul) {
		*alen = n;
		*b = NULL;
		*blen = 0;
		return;
	}
	*alen = (size_t)(nul - data);
	*b = nul + 1;
	*blen = n - *alen - 1;
}

#endif
