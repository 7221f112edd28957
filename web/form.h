/*
 * form.h: a request body in application/x-www-form-urlencoded, decoded
 * strictly: a bad %-escape, bytes that are not UTF-8 or control
 * characters other than tab, CR and LF, a field with no '=', an empty
 * name or too many fields make the whole body malformed.
 */
#ifndef TALLY_WEB_FORM_H
#define TALLY_WEB_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 2000

struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field *f;
	size_t n;
};

/* Decodes `len` bytes of `body` into *out. 0, or -1 when malformed (*out empty). */
int form_parse(const char *body, size_t len, struct form *out);
void form_free(struct form *f);

/* The first value of `name`, or NULL. */
const char *form_get(const struct form *f, const char *name);

/* `s` as a whole number from 1 to `max`, spaces around it allowed; 0 when it is not one (or NULL). */
long form_whole(const char *s, long max);

/* How many fields are called `name`. */
size_t form_count(const struct form *f, const char *name);

/*
 * What a handler accepts: `allow(name, ctx)` says 0 for an unknown field,
 * 1 for a field given at most once, 2 for one that may repeat (ticked
 * boxes). Returns 0 when every field is allowed, else -1 and the first
 * offending name in *bad.
 */
int form_check(const struct form *f, int (*allow)(const char *name, void *ctx), void *ctx,
	       const char **bad);

#endif
