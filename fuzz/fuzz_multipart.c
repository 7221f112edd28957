/*
 * fuzz_multipart: the web service's multipart/form-data reader
 * (web/multipart.c), which reads the body of the logo upload.
 *
 * A Content-Type header, a NUL byte, then a body (no NUL: the body alone,
 * under "multipart/form-data; boundary=B"). Properties: a boundary taken
 * from the header is 1 to 70 bytes of the header after "boundary=", and
 * refused when it does not fit the room given. A refused body leaves no
 * fields behind. An accepted one: the file, when there is one, is bytes of
 * the body between a part's blank line and the next delimiter, and its
 * field name is a name="..." of the body, and its file name (none
 * without a file) has no control bytes; every text field's name is a
 * name="..." of the body and its value the bytes of the body between a
 * blank line and a delimiter; there are no more parts than delimiters.
 * Written out again as a plain multipart body (the fields in order, then
 * the file), it reads back as the same fields, file and field name, and
 * the file name written.
 */
#include <assert.h>

#include "form.h"
#include "fuzz.h"
#include "multipart.h"

#define FIELD_CAP 64 /* as the server's request (web/server.h) */
#define NAME_CAP 256 /* a file's name, as the samples page gives */

static void fail(const char *why, size_t i)
{
	fprintf(stderr, "%s (%zu)\n", why, i);
	abort();
}

/* True when the n bytes at `s` occur in the body with `before` and `after` around them. */
static int framed(const char *body, size_t len, const char *before, const char *s, size_t n,
		  const char *after)
{
	size_t bn = strlen(before), an = strlen(after);
	char *want = malloc(bn + n + an + 1);
	int found;

	if (!want)
		abort();
	memcpy(want, before, bn);
	memcpy(want + bn, s, n);
	memcpy(want + bn + n, after, an);
	found = memmem(body, len, want, bn + n + an) != NULL;
	free(want);
	return found;
}

/* Appends n bytes to the growing buffer *b (length *bn). */
static void put(char **b, size_t *bn, const char *s, size_t n)
{
	char *r = realloc(*b, *bn + n + 1);

	if (!r)
		abort();
	memcpy(r + *bn, s, n);
	*bn += n;
	r[*bn] = '\0';
	*b = r;
}

static void puts_(char **b, size_t *bn, const char *s)
{
	put(b, bn, s, strlen(s));
}

static void check_boundary(const char *ct, char *boundary, size_t cap)
{
	char small[80];
	size_t n;
	const char *at;

	if (multipart_boundary(ct, boundary, cap) < 0)
		return;
	n = strlen(boundary);
	if (n < 1 || n > 70)
		fail("a boundary of the wrong length", n);
	if (strncasecmp(ct, "multipart/form-data", 19) || !(at = strstr(ct, "boundary=")) ||
	    !strstr(at, boundary))
		fail("a boundary that is not the header's", n);
	/* Exactly room enough is enough; one byte less is refused. */
	if (multipart_boundary(ct, small, n + 1) < 0 || strcmp(small, boundary))
		fail("a boundary refused with exactly room enough", n);
	if (multipart_boundary(ct, small, n) == 0)
		fail("a boundary written past the room given", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen, bodylen, delims = 0, outn = 0;
	char boundary[80], delim[80], field[FIELD_CAP], field2[FIELD_CAP];
	char name[NAME_CAP], name2[NAME_CAP];
	const char *body, *file, *file2;
	size_t file_len, file_len2;
	char *ct, *out = NULL;
	struct form f, again;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	if (b) {
		ct = fuzz_strndup(a, alen);
		body = (const char *)b;
		bodylen = blen;
	} else {
		ct = fuzz_strndup((const uint8_t *)"multipart/form-data; boundary=B", 31);
		body = (const char *)data;
		bodylen = size;
	}
	check_boundary(ct, boundary, sizeof boundary);
	if (multipart_boundary(ct, boundary, sizeof boundary) < 0)
		strcpy(boundary, "B"); /* the server would not read it: read the body all the same */
	free(ct);
	/* A copy of exactly the body's bytes, so that reading past them is caught. */
	char *copy = malloc(bodylen ? bodylen : 1);

	if (!copy)
		abort();
	memcpy(copy, body, bodylen);
	body = copy;

	if (multipart_parse(body, bodylen, boundary, &f, &file, &file_len, field, sizeof field, name,
			    sizeof name) < 0) {
		assert(f.n == 0 && f.f == NULL);
		free(copy);
		return 0;
	}
	if (!memchr(name, '\0', sizeof name) || (!file && name[0]))
		fail("a file's name without a file, or not ended in its buffer", 0);
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			fail("a control byte in the file's name", (size_t)(c - name));
	snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	for (const char *p = body; (p = memmem(p, bodylen - (size_t)(p - body), delim + 2,
					       strlen(delim) - 2));
	     p++)
		delims++;
	if (f.n + (file != NULL) > delims)
		fail("more parts than delimiters", f.n);
	if (file) {
		if (file < body || file > body + bodylen || file_len > (size_t)(body + bodylen - file))
			fail("the file lies outside the body", file_len);
		if (file - body < 4 || memcmp(file - 4, "\r\n\r\n", 4) ||
		    (size_t)(body + bodylen - file) - file_len < strlen(delim) ||
		    memcmp(file + file_len, delim, strlen(delim)))
			fail("the file is not a part's content", file_len);
		if (!framed(body, bodylen, "name=\"", field, strlen(field), "\""))
			fail("the file's field name is not in the body", strlen(field));
	} else if (file_len || *field) {
		fail("no file, but a length or a field name", file_len);
	}
	for (size_t i = 0; i < f.n; i++) {
		if (!framed(body, bodylen, "name=\"", f.f[i].name, strlen(f.f[i].name), "\""))
			fail("a field's name is not in the body", i + 1);
		if (!framed(body, bodylen, "\r\n\r\n", f.f[i].value, strlen(f.f[i].value), delim))
			fail("a field's value is not a part's content", i + 1);
	}

	/* Written out again: the same fields, file and field name. */
	puts_(&out, &outn, "--");
	puts_(&out, &outn, boundary);
	for (size_t i = 0; i < f.n; i++) {
		puts_(&out, &outn, "\r\nContent-Disposition: form-data; name=\"");
		puts_(&out, &outn, f.f[i].name);
		puts_(&out, &outn, "\"\r\n\r\n");
		puts_(&out, &outn, f.f[i].value);
		puts_(&out, &outn, delim);
	}
	if (file) {
		puts_(&out, &outn, "\r\nContent-Disposition: form-data; name=\"");
		puts_(&out, &outn, field);
		puts_(&out, &outn, "\"; filename=\"logo\"\r\nContent-Type: image/svg+xml\r\n\r\n");
		put(&out, &outn, file, file_len);
		puts_(&out, &outn, delim);
	}
	puts_(&out, &outn, "--\r\n");
	if (multipart_parse(out, outn, boundary, &again, &file2, &file_len2, field2,
			    sizeof field2, name2, sizeof name2) < 0)
		fail("the body written out again was refused", outn);
	if (file && strcmp(name2, "logo"))
		fail("the file's name differs when read back", strlen(name2));
	if (again.n != f.n)
		fail("another number of fields read back", again.n);
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.f[i].name, again.f[i].name) || strcmp(f.f[i].value, again.f[i].value))
			fail("a field differs when read back", i + 1);
	if (!file != !file2 || file_len != file_len2 || strcmp(field, field2) ||
	    (file && memcmp(file, file2, file_len)))
		fail("the file differs when read back", file_len2);
	form_free(&again);
	form_free(&f);
	free(out);
	free(copy);
	return 0;
}
