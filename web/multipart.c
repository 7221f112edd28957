/* multipart.c: multipart/form-data, strictly (multipart.h). */
#define _GNU_SOURCE
#include "multipart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"

int multipart_boundary(const char *ct, char *out, size_t cap)
{
	const char *b;
	size_t n;

	if (!ct || strncasecmp(ct, "multipart/form-data", 19) || !(b = strstr(ct, "boundary=")))
		return -1;
	b += 9;
	if (*b == '"') {
		b++;
		n = strcspn(b, "\"");
	} else {
		n = strcspn(b, "; \t");
	}
	if (!n || n > 70 || n + 1 > cap)
		return -1;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

/*
 * The value of `key="..."` in the Content-Disposition line (the first of
 * the part's headers, `n` bytes from `h`) into out: 1, 0 absent, -1 bad.
 * A key inside another parameter's quoted value is not one (a field named
 * `a; filename=` is not a file).
 */
static int disposition(const char *h, size_t n, const char *key, char *out, size_t cap)
{
	size_t k = strlen(key);
	const char *eol = memmem(h, n, "\r\n", 2);
	int quoted = 0;

	if (eol)
		n = (size_t)(eol - h);
	for (size_t i = 0; i + k + 2 <= n; i++) {
		if (h[i] == '"')
			quoted = !quoted;
		if (quoted || (i && h[i - 1] != ' ' && h[i - 1] != ';') || strncmp(h + i, key, k) ||
		    h[i + k] != '=' || h[i + k + 1] != '"')
			continue;
		const char *v = h + i + k + 2, *end = memchr(v, '"', n - (size_t)(v - h));

		if (!end || (size_t)(end - v) + 1 > cap)
			return -1;
		/* A NUL would cut the name short; no name or file name holds control bytes. */
		for (const char *c = v; c < end; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return -1;
		memcpy(out, v, (size_t)(end - v));
		out[end - v] = '\0';
		return 1;
	}
	return 0;
}

int multipart_parse(const char *body, size_t len, const char *boundary, struct form *out,
		    const char **file, size_t *file_len, char *file_field, size_t cap,
		    char *file_name, size_t name_cap)
{
	char delim[80];
	size_t dn;
	const char *p = body, *end = body + len;
	struct html enc = { 0 };
	int rc = -1, nfields = 0;

	memset(out, 0, sizeof *out);
	*file = NULL;
	*file_len = 0;
	file_field[0] = '\0';
	if (name_cap)
		file_name[0] = '\0';
	dn = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	/* The body opens with the delimiter less its line break. */
	if (len < dn || memcmp(p, delim + 2, dn - 2))
		return -1;
	p += dn - 2;
	for (;;) {
		const char *head, *hend, *data, *next;
		char name[128], fname[256];
		int has_name, has_file;

		if (end - p >= 2 && !memcmp(p, "--", 2))
			break; /* the closing delimiter */
		if (end - p < 2 || memcmp(p, "\r\n", 2))
			goto out;
		head = p + 2;
		if (!(hend = memmem(head, (size_t)(end - head), "\r\n\r\n", 4)))
			goto out;
		data = hend + 4;
		if (!(next = memmem(data, (size_t)(end - data), delim, dn)))
			goto out;
		/* A part's headers end before the next delimiter: none spans two parts. */
		if (memmem(head, (size_t)(data - head), delim, dn))
			goto out;
		has_name = disposition(head, (size_t)(hend - head), "name", name, sizeof name);
		has_file = disposition(head, (size_t)(hend - head), "filename", fname, sizeof fname);
		if (has_name != 1 || has_file < 0 || strncasecmp(head, "Content-Disposition: "
								   "form-data", 30))
			goto out;
		if (has_file) {
			if (*file || strlen(name) + 1 > cap || strlen(fname) + 1 > name_cap)
				goto out;
			*file = data;
			*file_len = (size_t)(next - data);
			snprintf(file_field, cap, "%s", name);
			snprintf(file_name, name_cap, "%s", fname);
		} else {
			char *v = strndup(data, (size_t)(next - data));

			if (!v || strlen(v) != (size_t)(next - data)) {
				free(v);
				goto out;
			}
			if (nfields++)
				html_raw(&enc, "&");
			html_url(&enc, name);
			html_raw(&enc, "=");
			html_url(&enc, v);
			free(v);
		}
		p = next + dn;
	}
	if (enc.oom)
		goto out;
	rc = form_parse(enc.s ? enc.s : "", enc.n, out);
out:
	html_free(&enc);
	return rc;
}
