/*
 * strbuf.h: a growable string, always NUL-terminated, and ALLOC_GROW for
 * growing any array (the shape of git's strbuf and ALLOC_GROW).
 *
 *	struct strbuf sb = STRBUF_INIT;
 *
 *	if (strbuf_addf(&sb, "%s:%ld", name, line) < 0)
 *		... out of memory: sb still holds what it held before ...
 *	use(sb.buf, sb.len);
 *	strbuf_release(&sb);
 *
 * sb.buf is never NULL: an empty strbuf points at a shared "" until the
 * first addition. Additions return 0, or -1 when memory ran out; the
 * buffer is then as it was. The caller says so with its own message.
 */
#ifndef TALLY_STRBUF_H
#define TALLY_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;   /* len bytes and a NUL */
	size_t len;
	size_t alloc; /* 0 while buf is the shared "" */
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

/* An empty string, as STRBUF_INIT. */
void strbuf_init(struct strbuf *sb);

/* Room for `extra` more bytes (and the NUL) without another allocation. 0 or -1. */
int strbuf_grow(struct strbuf *sb, size_t extra);

/* Appends `n` bytes of `s` (which may hold NULs). 0 or -1. */
int strbuf_add(struct strbuf *sb, const void *s, size_t n);

/* Appends a C string. 0 or -1. */
int strbuf_addstr(struct strbuf *sb, const char *s);

/* Appends one byte. 0 or -1. */
int strbuf_addch(struct strbuf *sb, int c);

/* Appends printf-style. 0 or -1. */
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Sets the length: to cut the string, or to take in bytes written straight
 * into buf (after strbuf_grow()). `len` beyond the allocation, less the
 * NUL, is ignored.
 */
void strbuf_setlen(struct strbuf *sb, size_t len);

/* Frees the buffer; the strbuf is empty again, ready for reuse. */
void strbuf_release(struct strbuf *sb);

/*
 * Hands the buffer to the caller, who frees it (a fresh "" when it was
 * empty; NULL only when that could not be allocated); the strbuf is empty
 * again. *len (may be NULL) gets its length.
 */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/*
 * Grows the array `x` (of *x's type, `alloc` elements allocated) to hold at
 * least `nr` elements: to 3/2 of what it needs, at least 16. Evaluates to
 * 0, or -1 when memory ran out or the size would overflow (x and alloc
 * unchanged). Use: if (ALLOC_GROW(v, n + 1, cap) < 0) return oom(e);
 */
#define ALLOC_GROW(x, nr, alloc) \
	alloc_grow((void **)&(x), sizeof *(x), (nr), &(alloc))

/* ALLOC_GROW's work; not for direct use. */
int alloc_grow(void **p, size_t size, size_t nr, size_t *alloc);

#endif
