#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_empty[1];

int alloc_grow(void **p, size_t size, size_t nr, size_t *alloc)
{
	size_t want;
	void *v;

	if (nr <= *alloc)
		return 0;
	want = nr < SIZE_MAX / 3 ? (nr + 16) * 3 / 2 : nr;
	if (want < 16)
		want = 16;
	if (size && want > SIZE_MAX / size)
		return -1;
	if (!(v = realloc(*p, want * size)))
		return -1;
	*p = v;
	*alloc = want;
	return 0;
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	char *buf = sb->alloc ? sb->buf : NULL;
	size_t alloc = sb->alloc;

	if (extra > SIZE_MAX - sb->len - 1)
		return -1;
	if (alloc_grow((void **)&buf, 1, sb->len + extra + 1, &alloc) < 0)
		return -1;
	if (!sb->alloc)
		buf[0] = '\0';
	sb->buf = buf;
	sb->alloc = alloc;
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *s, size_t n)
{
	if (strbuf_grow(sb, n) < 0)
		return -1;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	return strbuf_add(sb, &ch, 1);
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(sb->alloc ? sb->buf + sb->len : NULL, sb->alloc ? sb->alloc - sb->len : 0,
		      fmt, ap);
	if (n < 0) {
		va_end(again);
		if (sb->alloc)
			sb->buf[sb->len] = '\0';
		return -1;
	}
	if (!sb->alloc || (size_t)n >= sb->alloc - sb->len) {
		if (sb->alloc)
			sb->buf[sb->len] = '\0';
		if (strbuf_grow(sb, (size_t)n) < 0) {
			va_end(again);
			return -1;
		}
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, again);
	}
	va_end(again);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > (sb->alloc ? sb->alloc - 1 : 0))
		return;
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *buf = sb->alloc ? sb->buf : calloc(1, 1);

	if (len)
		*len = sb->len;
	strbuf_init(sb);
	return buf;
}
