/*
 * fuzz_webform: the web service's form decoder (web/form.c), which reads
 * every request body a browser posts.
 *
 * Any bytes as a body. Properties: a refused body leaves nothing behind; an
 * accepted one has one field per '&'-separated piece, no more than
 * FORM_MAX_FIELDS, each with a non-empty name, every name and value valid
 * UTF-8 without control characters other than tab, CR and LF; written out
 * again with every byte escaped, it decodes to exactly the same fields; and
 * form_get() and form_count() agree with the fields.
 */
#include <assert.h>

#include "form.h"
#include "fuzz.h"
#include "utf8.h"

static void check_text(const char *s)
{
	size_t n = strlen(s);

	if (!utf8_check(s, n, NULL)) {
		fprintf(stderr, "a decoded field is not UTF-8\n");
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
			fprintf(stderr, "a decoded field holds control character %#x\n", c);
			abort();
		}
	}
}

/* Appends `s` to `out` (room enough) with every byte escaped, as %XX or '+'. */
static char *escape(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ') {
			*out++ = '+';
		} else {
			*out++ = '%';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f, again;
	size_t pieces = size ? 1 : 0, room = 1;
	char *body, *p;

	for (size_t i = 0; i < size; i++)
		pieces += data[i] == '&';
	if (form_parse((const char *)data, size, &f) < 0) {
		assert(f.n == 0 && f.f == NULL);
		return 0;
	}
	if (f.n != pieces || f.n > FORM_MAX_FIELDS) {
		fprintf(stderr, "%zu fields from %zu pieces\n", f.n, pieces);
		abort();
	}
	for (size_t i = 0; i < f.n; i++) {
		if (!*f.f[i].name) {
			fprintf(stderr, "field %zu has an empty name\n", i + 1);
			abort();
		}
		check_text(f.f[i].name);
		check_text(f.f[i].value);
		room += 3 * (strlen(f.f[i].name) + strlen(f.f[i].value)) + 2;
	}
	for (size_t i = 0; i < f.n; i++) {
		size_t count = 0;
		const char *first = NULL;

		for (size_t k = 0; k < f.n; k++)
			if (!strcmp(f.f[k].name, f.f[i].name)) {
				count++;
				if (!first)
					first = f.f[k].value;
			}
		if (form_get(&f, f.f[i].name) != first || form_count(&f, f.f[i].name) != count) {
			fprintf(stderr, "form_get or form_count disagrees with field %zu\n", i + 1);
			abort();
		}
	}
	/* Written out again, every byte escaped: the same fields. */
	if (!(body = p = malloc(room)))
		abort();
	for (size_t i = 0; i < f.n; i++) {
		if (i)
			*p++ = '&';
		p = escape(p, f.f[i].name);
		*p++ = '=';
		p = escape(p, f.f[i].value);
	}
	if (form_parse(body, (size_t)(p - body), &again) < 0 || again.n != f.n) {
		fprintf(stderr, "the fields written out again were not read back\n");
		abort();
	}
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.f[i].name, again.f[i].name) || strcmp(f.f[i].value, again.f[i].value)) {
			fprintf(stderr, "field %zu differs when read back\n", i + 1);
			abort();
		}
	form_free(&again);
	form_free(&f);
	free(body);
	return 0;
}
